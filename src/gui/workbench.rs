//! The workbench: everything the GUI holds, drawn each frame, and the one
//! place where what the user asked for is carried out.
//!
//! [`Workbench::ui`] draws the panels, which read the session and propose
//! [`Action`]s; then [`Workbench::apply`] carries them out. Edits become
//! core commands applied through the [`Session`], so undo covers them all.
//! The workbench knows nothing of eframe: tests drive it headless with
//! egui_kittest, and the eframe app (`app.rs`) only wraps it in a window.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::Ui;

use super::action::{Action, PickPurpose};
use super::commands::UiCommand;
use super::compare::{ComparePicker, ComparedVersion, Comparison, Source};
use super::dialogs::{FileDialogs, Modal, extensions};
use super::export_dialog::ExportDialog;
use super::file_picker::FilePicker;
use super::find::FindState;
use super::import_dialog::ImportDialog;
use super::panels;
use super::review::{ItemState, Review};
use super::settings::Settings;
use super::view::{DocumentView, Selection, ViewInput, capitalise};
use crate::agreement::adjudicate::Decision;
use crate::edit::Command;
use crate::model::{AnnotationId, Project, Status, Timestamp, words};
use crate::persist::documents::{DOCUMENT_EXTENSIONS, read_new_document};
use crate::persist::watch::DiskChange;
use crate::session::{Session, SessionError};

/// Unsaved work is written to the recovery copy this often.
pub const AUTOSAVE_INTERVAL: Duration = Duration::from_secs(30);
/// Files on disk are checked for outside changes this often.
const DISK_CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// How the annotation list is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    #[default]
    Position,
    Label,
}

/// The annotation list's filters.
#[derive(Clone, Debug, Default)]
pub struct ListState {
    /// Labels hidden from the list.
    pub hidden_labels: Vec<String>,
    pub search: String,
    pub sort: SortBy,
}

/// Transient UI state that panels may change directly.
#[derive(Default)]
pub struct UiState {
    pub current_doc: Option<String>,
    pub selection: Selection,
    pub find: FindState,
    pub list: ListState,
    /// The note being edited in the inspector, before it is committed.
    pub note_draft: Option<(AnnotationId, String)>,
    pub schema_editor: Option<panels::schema::SchemaEditor>,
    pub show_shortcuts: bool,
    /// Files changed on disk by other programs, not yet answered.
    pub disk_changes: Vec<DiskChange>,
    /// The last message for the status bar.
    pub message: Option<String>,
    /// Scroll the annotation list to the selected annotation.
    pub reveal_in_list: bool,
    pub list_cache: panels::annotations::ListCache,
    /// The "Compare versions" dialog, while open.
    pub compare_picker: Option<ComparePicker>,
    /// The open comparison, shown instead of the editing panels.
    pub comparison: Option<Comparison>,
    /// File → Export dataset…, while open.
    pub export: Option<ExportDialog>,
    /// File → Import dataset…, while open.
    pub import: Option<ImportDialog>,
    /// Review → Compare annotators…: the open review (the session is its gold project).
    pub review: Option<Review>,
    /// Annotations marked with merge conflicts.
    pub conflicts: panels::banners::ConflictList,
    /// The command palette, while open.
    pub command_palette: Option<panels::command_palette::CommandPalette>,
    /// Marginalia's own file picker, while open (no system dialog).
    pub file_picker: Option<FilePicker>,
}

/// The whole GUI state.
pub struct Workbench {
    pub session: Option<Session>,
    pub state: UiState,
    pub settings: Settings,
    pub modal: Option<Modal>,
    views: HashMap<String, DocumentView>,
    dialogs: Box<dyn FileDialogs>,
    /// Set when the user confirmed quitting; the window closes.
    pub quit_confirmed: bool,
    last_autosave: Instant,
    last_disk_check: Instant,
    applied_theme: Option<bool>,
    /// The user chose to discard the unsaved changes for the project-
    /// replacing action under way (Open… → Discard → the file dialog →
    /// Open): not asked again on the way. Cleared once that action is done
    /// or the file choice is cancelled.
    changes_discarded: bool,
}

impl Workbench {
    /// A workbench showing the start screen.
    pub fn new(settings: Settings, dialogs: Box<dyn FileDialogs>) -> Workbench {
        Workbench {
            session: None,
            state: UiState::default(),
            settings,
            modal: None,
            views: HashMap::new(),
            dialogs,
            quit_confirmed: false,
            last_autosave: Instant::now(),
            last_disk_check: Instant::now(),
            applied_theme: None,
            changes_discarded: false,
        }
    }

    /// The open session, if any.
    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// The project, if one is open.
    pub fn project(&self) -> Option<&Project> {
        self.session.as_ref().map(Session::project)
    }

    /// The document view of the current document, if it was drawn.
    pub fn current_view(&self) -> Option<&DocumentView> {
        self.views.get(self.state.current_doc.as_deref()?)
    }

    /// The window title: project name, with a marker for unsaved changes.
    pub fn title(&self) -> String {
        match &self.session {
            None => "Marginalia".to_owned(),
            Some(s) => {
                let marker = if s.is_dirty() { "● " } else { "" };
                format!("{marker}{} — Marginalia", s.project().name)
            }
        }
    }

    /// True when closing now would lose work.
    pub fn has_unsaved_changes(&self) -> bool {
        self.session.as_ref().is_some_and(Session::is_dirty)
    }

    /// Draws one frame and carries out what was asked.
    pub fn ui(&mut self, ui: &mut Ui) {
        if self.applied_theme != Some(self.settings.dark) {
            ui.ctx().set_visuals(if self.settings.dark {
                egui::Visuals::dark()
            } else {
                egui::Visuals::light()
            });
            self.applied_theme = Some(self.settings.dark);
        }
        let mut actions = self.keyboard(ui.ctx());
        actions.extend(self.dropped_files(ui.ctx()));
        actions.extend(panels::menu::menu_bar(ui, self));
        if self.session.is_none() {
            actions.extend(panels::start::start_ui(ui, &self.settings));
        } else {
            actions.extend(self.project_ui(ui));
        }
        actions.extend(super::dialogs::modal_ui(ui.ctx(), self));
        if let Some(session) = &self.session
            && let Some(editor) = &mut self.state.schema_editor
        {
            let (keep, edits) = editor.ui(ui.ctx(), session.project());
            actions.extend(edits);
            if !keep {
                self.state.schema_editor = None;
            }
        }
        if self.state.show_shortcuts {
            panels::help::shortcuts_window(ui.ctx(), &mut self.state.show_shortcuts);
        }
        if let Some(picker) = &mut self.state.file_picker {
            let (keep, chosen) = picker.ui(ui.ctx());
            let cancelled = !keep && chosen.is_none();
            if let Some(paths) = chosen {
                actions.push(Action::Picked(picker.purpose.clone(), paths));
            }
            if !keep {
                self.state.file_picker = None;
            }
            if cancelled {
                self.changes_discarded = false;
            }
        }
        if let Some(palette) = &mut self.state.command_palette {
            let (keep, chosen) = palette.ui(ui.ctx(), self.state.current_doc.as_deref());
            actions.extend(chosen);
            if !keep {
                self.state.command_palette = None;
            }
        }
        if let (Some(dialog), Some(session)) = (&mut self.state.export, &self.session) {
            let problems = session.current_problems().len();
            let (keep, asked) = dialog.ui(ui.ctx(), session.project(), session.revision(), problems);
            actions.extend(asked);
            if !keep {
                self.state.export = None;
            }
        }
        if let Some(dialog) = &mut self.state.import {
            let (keep, asked) = dialog.ui(ui.ctx());
            actions.extend(asked);
            if !keep {
                self.state.import = None;
            }
        }
        if let Some(picker) = &mut self.state.compare_picker {
            let (keep, picked) = picker.ui(ui.ctx());
            actions.extend(picked);
            if !keep {
                self.state.compare_picker = None;
            }
        }
        for action in actions {
            self.apply(action);
        }
        self.periodic(ui.ctx());
    }

    fn project_ui(&mut self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        let Some(session) = &self.session else { return actions };
        if let Some(cmp) = &mut self.state.comparison {
            // Edits made while comparing (take/restore, undo) change the
            // current side: compare again.
            if cmp.current_revision != session.revision() && (cmp.a.is_current || cmp.b.is_current) {
                let text = crate::persist::format::to_string(session.project());
                cmp.refresh_current(session.project(), text, session.revision());
            }
            panels::status::comparison_status_bar(ui, session, &self.state);
            if let Some(cmp) = &mut self.state.comparison {
                actions.extend(cmp.ui(ui, self.settings.dark, self.settings.text_size()));
            }
            return actions;
        }
        self.state.conflicts.refresh(session.project(), session.revision());
        if let Some(review) = &mut self.state.review {
            review.refresh(session.project(), session.revision(), session.history());
            actions.extend(review.panel_ui(ui, self.state.current_doc.as_deref(), session.history()));
        }
        actions.extend(panels::palette::palette_bar(ui, session.project(), &self.state));
        panels::status::status_bar(ui, session, &self.state, self.current_view());
        actions.extend(panels::documents::documents_panel(ui, session.project(), &self.state));
        actions.extend(panels::annotations::annotations_panel(
            ui,
            session.project(),
            session.revision(),
            &mut self.state,
        ));
        let mut central = Vec::new();
        egui::CentralPanel::default().show(ui, |ui| {
            central = self.central_ui(ui);
        });
        actions.extend(central);
        actions
    }

    fn central_ui(&mut self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        let Some(session) = &self.session else { return actions };
        actions.extend(panels::banners::banners(ui, session, &self.state));
        let project = session.project();
        let Some(doc) = self.state.current_doc.as_deref().and_then(|id| project.document(id)) else {
            ui.centered_and_justified(|ui| {
                ui.label(if project.documents.is_empty() {
                    "No documents yet: File → Add documents… or drop .txt/.md files here."
                } else {
                    "Choose a document on the left."
                });
            });
            return actions;
        };
        if self.state.find.open {
            self.state.find.update(&doc.id, &doc.text);
            let revision = self.session.as_ref().map_or(0, Session::revision);
            actions.extend(panels::find_bar::find_bar(
                ui,
                project,
                &doc.id,
                revision,
                &mut self.state.find,
            ));
        }
        if let Some(review) = &mut self.state.review {
            // One above the other, the two sides need more of the height.
            let share = if super::review::sides_stacked(ui.available_width()) {
                0.6
            } else {
                0.45
            };
            let height = (ui.available_height() * share).max(120.0);
            let width = ui.available_width();
            ui.allocate_ui(egui::vec2(width, height), |ui| {
                ui.set_min_height(height);
                review.sides_ui(ui, &doc.id, self.settings.dark, self.settings.text_size());
            });
            ui.separator();
            ui.weak("Gold (edit here; Save As to keep it)");
        }
        let gold_overlays = self
            .state
            .review
            .as_ref()
            .map(|r| r.gold_overlays(&doc.id))
            .unwrap_or_default();
        if !self.views.get(&doc.id).is_some_and(|v| v.shows(doc)) {
            self.views.insert(doc.id.clone(), DocumentView::new(doc));
        }
        let input = ViewInput {
            project,
            doc,
            revision: session.revision(),
            text_size: self.settings.text_size(),
            dark: self.settings.dark,
            snap_to_words: self.settings.snap_to_words,
            matches: if self.state.find.open {
                &self.state.find.matches
            } else {
                &[]
            },
            current_match: self.state.find.current,
            overlays: &gold_overlays,
            read_only: false,
        };
        let before = self.state.selection.annotation;
        if let Some(view) = self.views.get_mut(&doc.id) {
            actions.extend(view.ui(ui, &input, &mut self.state.selection));
        }
        if self.state.selection.annotation != before && self.state.selection.annotation.is_some() {
            self.state.reveal_in_list = true;
        }
        actions
    }

    /// Shortcuts, label hotkeys and the keys that act on the selection.
    fn keyboard(&mut self, ctx: &egui::Context) -> Vec<Action> {
        let typing = ctx.text_edit_focused();
        let current = self.state.current_doc.clone();
        let mut actions: Vec<Action> = UiCommand::pressed(ctx, typing)
            .into_iter()
            .filter_map(|c| c.action(current.as_deref()))
            .collect();
        if typing || self.modal.is_some() || self.session.is_none() {
            return actions;
        }
        let Some(project) = self.project() else { return actions };
        let hotkeys = panels::palette::hotkeys(project);
        ctx.input(|i| {
            for event in &i.events {
                match event {
                    egui::Event::Text(t) if !i.modifiers.ctrl && !i.modifiers.command && !i.modifiers.alt => {
                        let mut chars = t.chars();
                        if let (Some(c), None) = (chars.next(), chars.next())
                            && let Some((_, label)) = hotkeys.iter().find(|(k, _)| *k == c)
                        {
                            actions.push(Action::TagSelection(label.clone()));
                        }
                    }
                    egui::Event::Key {
                        key,
                        pressed: true,
                        modifiers,
                        ..
                    } => match key {
                        egui::Key::Escape => actions.push(Action::ClearSelection),
                        egui::Key::ArrowLeft | egui::Key::ArrowRight if modifiers.shift => {
                            let step = if *key == egui::Key::ArrowLeft { -1 } else { 1 };
                            let by_word = modifiers.command || modifiers.ctrl;
                            actions.push(if modifiers.alt {
                                Action::NudgeSelected {
                                    start: step,
                                    end: 0,
                                    by_word,
                                }
                            } else {
                                Action::NudgeSelected {
                                    start: 0,
                                    end: step,
                                    by_word,
                                }
                            });
                        }
                        egui::Key::Backspace => actions.push(Action::DeleteSelected),
                        _ => {}
                    },
                    _ => {}
                }
            }
        });
        actions
    }

    fn dropped_files(&self, ctx: &egui::Context) -> Option<Action> {
        let paths: Vec<PathBuf> = ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_owned()).collect());
        if paths.is_empty() {
            return None;
        }
        let projects: Vec<&PathBuf> = paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "ron"))
            .collect();
        match projects.first() {
            Some(p) => Some(Action::Open((*p).clone())),
            None if self.session.is_some() => Some(Action::AddDocumentFiles(paths)),
            None => None,
        }
    }

    /// Autosave of the recovery copy and checks for outside changes.
    fn periodic(&mut self, ctx: &egui::Context) {
        let Some(session) = &mut self.session else { return };
        if self.last_autosave.elapsed() >= AUTOSAVE_INTERVAL {
            self.last_autosave = Instant::now();
            if session.recovery_outdated()
                && let Err(e) = session.write_recovery()
            {
                self.state.message = Some(format!("Could not write the recovery copy: {e}"));
            }
        }
        if self.last_disk_check.elapsed() >= DISK_CHECK_INTERVAL {
            self.last_disk_check = Instant::now();
            self.state.disk_changes = session.disk_changes();
        }
        ctx.request_repaint_after(DISK_CHECK_INTERVAL);
    }

    /// Writes the recovery copy now if it is behind (what the 30 s timer does).
    pub fn autosave_now(&mut self) -> std::io::Result<()> {
        match &mut self.session {
            Some(s) if s.recovery_outdated() => s.write_recovery(),
            _ => Ok(()),
        }
    }

    /// Checks the disk now (what the 1 s timer does).
    pub fn check_disk_now(&mut self) {
        if let Some(s) = &self.session {
            self.state.disk_changes = s.disk_changes();
        }
    }

    /// Opens a project directly (command line, tests).
    pub fn open_path(&mut self, path: &Path) {
        self.apply(Action::Open(path.to_owned()));
    }

    /// Carries out one action, asking first if it would drop unsaved changes.
    pub fn apply(&mut self, action: Action) {
        if action.drops_project() && self.has_unsaved_changes() && !self.changes_discarded {
            self.modal = Some(Modal::UnsavedChanges { then: action });
            return;
        }
        if action.records_author() && !self.knows_author() {
            self.modal = Some(Modal::AskAuthor {
                name: String::new(),
                then: Some(Box::new(action)),
            });
            return;
        }
        self.run(action);
    }

    /// Whether the open session has an annotator's name to record, taking
    /// the one in the settings when the session has none of its own.
    fn knows_author(&mut self) -> bool {
        let Some(s) = &mut self.session else { return true };
        if s.author == crate::user::UNKNOWN_AUTHOR
            && let Some(name) = crate::user::clean(&self.settings.author)
        {
            s.author = name;
        }
        s.author != crate::user::UNKNOWN_AUTHOR
    }

    fn run(&mut self, action: Action) {
        // The actions that replace the project end a "discard and …" chain.
        let ends_discarding = matches!(
            action,
            Action::Open(_)
                | Action::CreateProject(_)
                | Action::CloseProject
                | Action::Quit
                | Action::StartReview {
                    into_current: false,
                    ..
                }
        );
        self.run_one(action);
        if ends_discarding {
            self.changes_discarded = false;
        }
    }

    fn run_one(&mut self, action: Action) {
        match action {
            Action::NewProject => self.choose(PickPurpose::NewProject),
            Action::Choose(purpose) => self.choose(purpose),
            Action::Picked(purpose, paths) => self.picked(purpose, paths),
            Action::CreateProject(path) => self.create_project(&path),
            Action::OpenProject => self.choose(PickPurpose::OpenProject),
            Action::Open(path) => self.open(&path),
            Action::CloseProject => {
                if let Some(s) = &mut self.session {
                    let _ = s.discard_recovery();
                }
                self.session = None;
                self.views.clear();
                self.state = UiState::default();
            }
            Action::Quit => {
                if let Some(s) = &mut self.session {
                    let _ = s.discard_recovery();
                }
                self.quit_confirmed = true;
            }
            Action::AddDocuments => self.choose(PickPurpose::AddDocuments),
            Action::AddDocumentFiles(files) => self.add_documents(&files),
            Action::Save => {
                self.save(false);
            }
            Action::SaveOverwriting => {
                self.save(true);
            }
            Action::SaveThen(then) => {
                if self.save(false) {
                    self.run(*then);
                }
            }
            Action::DiscardChangesThen(then) => {
                if let Some(s) = &mut self.session {
                    let _ = s.discard_recovery();
                }
                self.changes_discarded = true;
                self.run(*then);
            }
            Action::SaveAs => self.choose(PickPurpose::SaveAs),
            Action::SaveTo(path) => {
                if let Some(s) = &mut self.session {
                    match s.save_as(&path) {
                        Ok(()) => {
                            self.settings.remember(&path);
                            let _ = self.settings.save();
                            self.state.message = Some(format!("Saved as {}", path.display()));
                            self.keep_rejections();
                        }
                        Err(e) => self.error("Could not save", e.to_string()),
                    }
                }
            }
            Action::ReloadFromDisk => {
                if let Some(s) = &mut self.session {
                    match s.reload() {
                        Ok(()) => {
                            self.views.clear();
                            self.state.disk_changes.clear();
                            self.state.selection = Selection::default();
                            self.state.message = Some("Reloaded from disk".to_owned());
                        }
                        Err(e) => self.error("Could not reload", e.to_string()),
                    }
                }
            }
            Action::MergeFromDisk => {
                if let Some(s) = &mut self.session {
                    match s.merge_from_disk() {
                        Ok(merged) => {
                            self.views.clear();
                            self.state.disk_changes.clear();
                            self.state.selection = Selection::default();
                            let t = merged.tally;
                            self.state.message = Some(if merged.is_clean() {
                                format!(
                                    "Merged the version on disk: {} annotation(s) from theirs, {} deleted; not saved yet",
                                    t.from_theirs, t.deleted
                                )
                            } else {
                                format!(
                                    "Merged the version on disk with {} conflict(s) (yours kept, marked); not saved yet",
                                    merged.conflicts.len()
                                )
                            });
                        }
                        Err(e) => self.error("Could not merge the version on disk", e.to_string()),
                    }
                }
            }
            Action::OpenCommandPalette => {
                self.state.command_palette = Some(panels::command_palette::CommandPalette::default());
            }
            Action::AskAuthor(then) => {
                let name = self.session.as_ref().map(|s| s.author.clone()).unwrap_or_default();
                let name = if name == crate::user::UNKNOWN_AUTHOR {
                    String::new()
                } else {
                    name
                };
                self.modal = Some(Modal::AskAuthor { name, then });
            }
            Action::SetAuthor(name, then) => {
                if let Some(name) = crate::user::clean(&name) {
                    self.settings.author = name.clone();
                    if let Err(e) = self.settings.save() {
                        self.state.message = Some(format!("Could not save the settings: {e}"));
                    }
                    if let Some(s) = &mut self.session {
                        s.author = name.clone();
                    }
                    self.state.message = Some(format!("Annotating as {name}"));
                    if let Some(then) = then {
                        self.apply(*then);
                    }
                }
            }
            Action::KeepMine => {
                if let Some(s) = &mut self.session {
                    s.acknowledge_disk_changes();
                }
                self.state.disk_changes.clear();
            }
            Action::RestoreRecovery => {
                if let (Some(Modal::Recovery { recovered, .. }), Some(s)) = (self.modal.take(), &mut self.session) {
                    s.restore(*recovered);
                    self.views.clear();
                    self.state.message = Some("Restored the unsaved work from the recovery copy".to_owned());
                }
            }
            Action::DiscardRecovery => {
                self.modal = None;
                if let Some(s) = &mut self.session {
                    let _ = s.discard_recovery();
                }
            }
            Action::SaveVersionDialog => {
                if self.session.is_some() {
                    self.modal = Some(Modal::SaveVersion { note: String::new() });
                }
            }
            Action::SaveWithNote(note) => {
                let Some(s) = &mut self.session else { return };
                match s.save_version(false, note.trim()) {
                    Ok(()) => {
                        self.state.disk_changes.clear();
                        self.state.message = Some(match s.take_history_warning() {
                            Some(w) => w,
                            None => format!("Saved a version: {}", note.trim()),
                        });
                    }
                    Err(SessionError::ChangedOnDisk) => self.modal = Some(Modal::ChangedOnDisk),
                    Err(e) => self.error("Could not save", e.to_string()),
                }
            }
            Action::Reanchor(doc) => {
                let old = self.session.as_ref().and_then(|s| {
                    let hash = &s.project().document(&doc)?.hash;
                    crate::persist::history::VersionHistory::of(s.path()?).text(hash)
                });
                match old {
                    Some(old) => self.reanchor(&doc, &old),
                    None => self.error(
                        "The annotated text is not in the history",
                        format!(
                            "Marginalia did not keep the text that {doc} was annotated on (it was annotated before its history began). Use “Choose the old text…” to give the file of that text."
                        ),
                    ),
                }
            }
            Action::ReanchorWithFile(doc) => self.choose(PickPurpose::ReanchorOld(doc)),
            Action::AttachOrphan(id) => {
                let (Some(range), Some(p)) = (self.state.selection.text.clone(), self.project()) else {
                    self.state.message = Some("Select the text to attach the orphan to first".to_owned());
                    return;
                };
                match crate::diff::reattach(p, id, range, Timestamp::now()) {
                    Some(command) => self.edit(command),
                    None => self.state.message = Some("The selection is not in the orphan's document".to_owned()),
                }
            }
            Action::OpenCompare => {
                let Some(session) = &self.session else { return };
                let versions = match session.path() {
                    Some(p) => crate::persist::history::VersionHistory::of(p).versions(),
                    None => Ok(Vec::new()),
                };
                let (versions, error) = match versions {
                    Ok(v) => (v, None),
                    Err(e) => (Vec::new(), Some(format!("The version history could not be read: {e}"))),
                };
                let mut picker = ComparePicker::new(versions, session.is_dirty());
                picker.error = error;
                self.state.compare_picker = Some(picker);
            }
            Action::PickCompareFile(side) => self.choose(PickPurpose::CompareFile(side)),
            Action::StartComparison(a, b) => self.start_comparison(&a, &b),
            Action::OpenExport => {
                if let Some(p) = self.project() {
                    self.state.export = Some(ExportDialog::new(p));
                }
            }
            Action::PickExportTarget => {
                if let Some(dialog) = &self.state.export {
                    self.choose(PickPurpose::ExportTarget(dialog.format));
                }
            }
            Action::StartExport => {
                if let (Some(dialog), Some(s)) = (&mut self.state.export, self.session.as_ref()) {
                    dialog.start(s.project().clone(), s.path());
                }
            }
            Action::OpenImport => {
                let author = self
                    .session
                    .as_ref()
                    .map_or_else(crate::session::default_author, |s| s.author.clone());
                self.state.import = Some(ImportDialog::new(author));
            }
            Action::PickImportInputs { folder } => {
                if let Some(dialog) = &self.state.import {
                    let format = dialog.format;
                    self.choose(PickPurpose::ImportInputs { format, folder });
                }
            }
            Action::CreateImportedProject => self.choose(PickPurpose::ImportedProject),
            Action::CloseComparison => self.state.comparison = None,
            Action::OpenReview { into_current } => self.choose(PickPurpose::Review { into_current }),
            Action::StartReview { paths, into_current } => self.start_review(&paths, into_current),
            Action::CloseReview => self.state.review = None,
            Action::ReviewPair(a, b) => {
                if let Some(r) = &mut self.state.review {
                    r.set_pair(a, b);
                }
                self.add_review_labels();
            }
            Action::ReviewDecide { item, decision } => self.review_decide(item, decision),
            Action::ReviewDecideCurrent(decision) => {
                if let Some(item) = self.state.review.as_ref().and_then(|r| r.current) {
                    self.review_decide(item, decision);
                }
            }
            Action::ReviewEdit(item) => self.review_edit(item),
            Action::ReviewAcceptAgreements => {
                let Some((r, s)) = self.state.review.as_ref().zip(self.session.as_ref()) else {
                    return;
                };
                let command = r.adjudication.accept_agreements(s.project(), Timestamp::now());
                self.edit(command);
            }
            Action::ReviewNext(forward) => {
                let Some((r, s)) = self.state.review.as_ref().zip(self.session.as_ref()) else {
                    return;
                };
                if let Some(i) = r.next(forward, s.history()) {
                    self.review_select(i);
                }
            }
            Action::ReviewSelect(i) => self.review_select(i),
            Action::ReviewShowAgreements(show) => {
                if let Some(r) = &mut self.state.review {
                    r.show_agreements = show;
                }
            }
            Action::ResolveConflict { id, take_other } => self.resolve_conflict(id, take_other),
            Action::NextConflict => self.next_conflict(),
            Action::Adopt { changes, side } => self.adopt(&changes, side),
            Action::Edit(command) => self.edit(command),
            Action::Undo => self.undo_redo(true),
            Action::Redo => self.undo_redo(false),
            Action::TagSelection(label) => self.tag_selection(&label),
            Action::RelabelSelected(label) => {
                if let Some(id) = self.state.selection.annotation {
                    self.edit(Command::Relabel {
                        ids: vec![id],
                        label,
                        at: Timestamp::now(),
                    });
                }
            }
            Action::DeleteSelected => {
                if let Some(id) = self.state.selection.annotation.take() {
                    self.edit(Command::DeleteAnnotations(vec![id]));
                }
            }
            Action::NudgeSelected { start, end, by_word } => self.nudge(start, end, by_word),
            Action::SetNote { id, note } => {
                let current = self.project().and_then(|p| p.annotation(id)).map(|a| a.note.clone());
                if current.is_some_and(|n| n != note) {
                    self.edit(Command::SetNote {
                        id,
                        note,
                        at: Timestamp::now(),
                    });
                }
            }
            Action::CycleStatus(doc) => {
                if let Some(status) = self.project().and_then(|p| p.document(&doc)).map(|d| d.status) {
                    self.edit(Command::SetStatus {
                        doc,
                        status: status.next(),
                    });
                }
            }
            Action::TagAllMatches(label) => self.tag_all_matches(&label),
            Action::ConfirmDeleteLabel(id) => {
                let Some(p) = self.project() else { return };
                let count = p
                    .annotations()
                    .iter()
                    .chain(&p.orphans)
                    .filter(|a| a.label == id)
                    .count();
                // The safe choice first: keep the annotations under another label.
                let relabel_to = p.schema.labels.iter().find(|l| l.id != id).map(|l| l.id.clone());
                self.modal = Some(Modal::DeleteLabel { id, count, relabel_to });
            }
            Action::DeleteLabel { id, relabel_to } => self.delete_label(&id, relabel_to),
            Action::SelectDocument(doc) => {
                if self.state.current_doc.as_deref() != Some(&doc) {
                    self.state.current_doc = Some(doc);
                    self.state.selection = Selection::default();
                    self.state.note_draft = None;
                }
            }
            Action::SelectAnnotation(id) => self.select_annotation(id),
            Action::SelectNeighbour { forward } => {
                let Some(project) = self.project() else { return };
                match panels::annotations::neighbour(project, &self.state, forward) {
                    Some(id) => {
                        self.select_annotation(Some(id));
                        self.state.reveal_in_list = true;
                    }
                    None => {
                        let which = if forward { "after" } else { "before" };
                        self.state.message = Some(format!("No annotation {which} this one in the list"));
                    }
                }
            }
            Action::NeighbourDocument { forward } => {
                let Some(project) = self.project() else { return };
                let docs = &project.documents;
                let here = self
                    .state
                    .current_doc
                    .as_deref()
                    .and_then(|d| docs.iter().position(|x| x.id == d));
                let next = match (here, forward) {
                    (Some(k), true) => docs.get(k + 1),
                    (Some(k), false) => k.checked_sub(1).and_then(|k| docs.get(k)),
                    (None, _) => docs.first(),
                };
                match next.map(|d| d.id.clone()) {
                    Some(id) => self.apply(Action::SelectDocument(id)),
                    None => {
                        let which = if forward { "last" } else { "first" };
                        self.state.message = Some(format!("This is the {which} document"));
                    }
                }
            }
            Action::ClearSelection if self.state.show_shortcuts => self.state.show_shortcuts = false,
            // Esc closes the find bar first, wherever the focus is.
            Action::ClearSelection if self.state.find.open => self.state.find.open = false,
            Action::ClearSelection => {
                self.state.selection.text = None;
                self.state.selection.annotation = None;
            }
            Action::OpenFind => {
                self.state.find.open = true;
                self.state.find.focus_query = true;
                if let (Some(sel), Some(doc)) = (&self.state.selection.text, self.current_text())
                    && let Some(s) = doc.slice(sel.clone())
                    && !s.contains('\n')
                    && s.chars().count() < 100
                {
                    self.state.find.query = s.to_owned();
                }
            }
            Action::FindNext | Action::FindPrevious => {
                let from = self.state.selection.cursor.unwrap_or(0);
                let found = if action == Action::FindNext {
                    self.state.find.next(from)
                } else {
                    self.state.find.previous(from)
                };
                if let Some(m) = found {
                    self.state.selection.text = Some(m.clone());
                    self.state.selection.cursor = Some(m.start);
                    self.scroll_current_to(m.start);
                }
            }
            Action::ToggleTheme => {
                self.settings.dark = !self.settings.dark;
                let _ = self.settings.save();
            }
            Action::ZoomIn => {
                self.settings.zoom_in();
                let _ = self.settings.save();
            }
            Action::ZoomOut => {
                self.settings.zoom_out();
                let _ = self.settings.save();
            }
            Action::ZoomReset => {
                self.settings.zoom = 1.0;
                let _ = self.settings.save();
            }
            Action::ToggleSnap => {
                self.settings.snap_to_words = !self.settings.snap_to_words;
                let _ = self.settings.save();
            }
            Action::OpenSchemaEditor => {
                if let Some(p) = self.project() {
                    self.state.schema_editor = Some(panels::schema::SchemaEditor::new(p));
                }
            }
            // F1 again, or Esc, puts the list away.
            Action::ShowShortcuts => self.state.show_shortcuts = !self.state.show_shortcuts,
        }
    }

    fn reanchor(&mut self, doc: &str, old: &str) {
        let Some(p) = self.project() else { return };
        match crate::diff::reanchor(p, doc, old, Timestamp::now()) {
            Ok(r) => {
                let report = r.report.clone();
                self.edit(r.command);
                self.views.remove(doc);
                self.state.message = Some(format!(
                    "Re-anchored {doc}: {} moved, {} resized, {} orphaned (undo with Ctrl+Z)",
                    report.moved,
                    report.resized,
                    report.orphaned.len()
                ));
            }
            Err(e) => self.error("Could not re-anchor", e.to_string()),
        }
    }

    /// Loads one side of a comparison.
    fn load_source(&self, source: &Source, name: String) -> Result<ComparedVersion, String> {
        use crate::persist::versions::VersionRef;
        let session = self.session.as_ref().ok_or("no project is open")?;
        let path = || {
            session
                .path()
                .map(Path::to_owned)
                .ok_or("the project has not been saved yet")
        };
        let reference = match source {
            Source::Current => {
                return Ok(ComparedVersion {
                    name,
                    project: session.project().clone(),
                    text: crate::persist::format::to_string(session.project()),
                    is_current: true,
                });
            }
            Source::Snapshot(n) => VersionRef::Snapshot(path()?, *n),
            Source::File(p) => VersionRef::File(p.clone()),
            Source::Git(rev) => VersionRef::Git(path()?, rev.clone()),
        };
        let loaded = reference.load().map_err(|e| e.to_string())?;
        let text = reference.text().map_err(|e| e.to_string())?;
        Ok(ComparedVersion {
            name,
            project: loaded.project,
            text,
            is_current: false,
        })
    }

    fn start_comparison(&mut self, a: &Source, b: &Source) {
        let describe = |s: &Source| {
            self.state
                .compare_picker
                .as_ref()
                .map_or_else(|| format!("{s:?}"), |p| p.describe(s))
        };
        let (name_a, name_b) = (describe(a), describe(b));
        let loaded = self
            .load_source(a, name_a)
            .and_then(|va| Ok((va, self.load_source(b, name_b)?)));
        match loaded {
            Ok((va, vb)) => {
                let revision = self.session.as_ref().map_or(0, Session::revision);
                self.state.comparison = Some(Comparison::new(va, vb, revision));
                self.state.compare_picker = None;
            }
            Err(e) => match &mut self.state.compare_picker {
                Some(picker) => picker.error = Some(e),
                None => self.error("Could not compare", e),
            },
        }
    }

    fn adopt(&mut self, indices: &[usize], side: crate::diff::Side) {
        let (Some(cmp), Some(p)) = (&self.state.comparison, self.project()) else {
            return;
        };
        let changes: Vec<&crate::diff::Change> = indices.iter().filter_map(|&i| cmp.diff.changes.get(i)).collect();
        match crate::diff::adopt(p, &changes, side, Timestamp::now()) {
            Ok(Some(command)) => self.edit(command),
            Ok(None) => self.state.message = Some("The project already has that version".to_owned()),
            Err(e) => self.error("Could not take that version", e.to_string()),
        }
    }

    fn current_text(&self) -> Option<&crate::model::Text> {
        let doc = self.state.current_doc.as_deref()?;
        Some(&self.project()?.document(doc)?.text)
    }

    fn error(&mut self, title: &str, message: String) {
        self.state.message = Some(format!("{title}: {message}"));
        self.modal = Some(Modal::Error {
            title: title.to_owned(),
            message,
        });
    }

    /// Writes the import read in the import dialog as a new project (asking
    /// where), then opens it (asking first about unsaved changes).
    fn create_imported_project(&mut self, path: PathBuf) {
        let Some(dialog) = &self.state.import else { return };
        let Some(imported) = dialog.imported() else { return };
        let mut imported = imported.clone();
        if let Some(stem) = path.file_stem() {
            imported.project.name = stem.to_string_lossy().into_owned();
        }
        match crate::formats::create_project(&imported, &path) {
            Ok(_) => {
                self.state.import = None;
                self.apply(Action::Open(path));
            }
            Err(e) => {
                if let Some(dialog) = &mut self.state.import {
                    dialog.error = Some(e.to_string());
                }
            }
        }
    }

    /// Asks for files for `purpose`: the system's dialog, or Marginalia's
    /// own picker when the system has none.
    fn choose(&mut self, purpose: PickPurpose) {
        let suggested = self.suggested_name(&purpose);
        let d = &mut self.dialogs;
        let paths: Vec<PathBuf> = match &purpose {
            PickPurpose::NewProject | PickPurpose::SaveAs | PickPurpose::ImportedProject => {
                d.save_project(&suggested).into_iter().collect()
            }
            PickPurpose::OpenProject | PickPurpose::CompareFile(_) => d.open_project().into_iter().collect(),
            PickPurpose::AddDocuments | PickPurpose::ReanchorOld(_) => d.pick_documents(),
            PickPurpose::ExportTarget(format) => d.export_target(*format, &suggested).into_iter().collect(),
            PickPurpose::ImportInputs { format, folder } => d.import_inputs(*format, *folder),
            PickPurpose::Review { .. } => d.pick_projects(),
        };
        if paths.is_empty() && self.dialogs.unavailable() {
            self.state.file_picker = Some(self.own_picker(purpose, &suggested));
        } else {
            self.picked(purpose, paths);
        }
    }

    /// A file name to offer when saving for `purpose`.
    fn suggested_name(&self, purpose: &PickPurpose) -> String {
        let project_name = self.project().map_or_else(|| "dataset".to_owned(), |p| p.name.clone());
        match purpose {
            PickPurpose::SaveAs => self
                .session
                .as_ref()
                .and_then(|s| s.path())
                .and_then(|p| p.file_name())
                .map_or_else(|| "project.ron".to_owned(), |n| n.to_string_lossy().into_owned()),
            PickPurpose::ExportTarget(format) => format!("{project_name}.{}", format.name()),
            PickPurpose::ImportedProject => {
                let stem = self
                    .state
                    .import
                    .as_ref()
                    .and_then(|d| d.inputs.first())
                    .and_then(|p| p.file_stem())
                    .map_or_else(|| "imported".to_owned(), |s| s.to_string_lossy().into_owned());
                format!("{stem}.ron")
            }
            _ => "project.ron".to_owned(),
        }
    }

    /// Marginalia's picker for `purpose`, starting beside the open project.
    fn own_picker(&self, purpose: PickPurpose, suggested: &str) -> FilePicker {
        use crate::gui::file_picker::PickMode;
        let start = self
            .session
            .as_ref()
            .and_then(|s| s.path())
            .map(crate::persist::load::base_dir)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default();
        let (title, mode, extensions): (&str, PickMode, &[&str]) = match &purpose {
            PickPurpose::NewProject => ("New project", PickMode::SaveFile, &["ron"]),
            PickPurpose::SaveAs => ("Save project as", PickMode::SaveFile, &["ron"]),
            PickPurpose::ImportedProject => ("Save the imported project as", PickMode::SaveFile, &["ron"]),
            PickPurpose::OpenProject => ("Open project", PickMode::OpenFile, &["ron"]),
            PickPurpose::CompareFile(_) => ("Compare with a project file", PickMode::OpenFile, &["ron"]),
            PickPurpose::AddDocuments => ("Add documents", PickMode::OpenFiles, DOCUMENT_EXTENSIONS),
            PickPurpose::ReanchorOld(_) => ("The old text", PickMode::OpenFile, DOCUMENT_EXTENSIONS),
            PickPurpose::ExportTarget(f) if f.exports_folder() => ("Export into a folder", PickMode::Folder, &[]),
            PickPurpose::ExportTarget(f) => ("Export dataset", PickMode::SaveFile, extensions(*f)),
            PickPurpose::ImportInputs { folder: true, .. } => ("Import a folder", PickMode::Folder, &[]),
            PickPurpose::ImportInputs { format, .. } => ("Import dataset", PickMode::OpenFiles, extensions(*format)),
            PickPurpose::Review { .. } => (
                "Compare annotators: two or more projects",
                PickMode::OpenFiles,
                &["ron"],
            ),
        };
        FilePicker::new(purpose, title, mode, extensions, &start, suggested)
    }

    /// Carries on with what files were chosen for (nothing if none were).
    fn picked(&mut self, purpose: PickPurpose, paths: Vec<PathBuf>) {
        let Some(first) = paths.first().cloned() else {
            // Cancelled: a discard given for what would have followed lapses.
            self.changes_discarded = false;
            return;
        };
        match purpose {
            PickPurpose::NewProject => self.apply(Action::CreateProject(first)),
            PickPurpose::OpenProject => self.apply(Action::Open(first)),
            PickPurpose::SaveAs => self.apply(Action::SaveTo(first)),
            PickPurpose::AddDocuments => self.apply(Action::AddDocumentFiles(paths)),
            PickPurpose::ReanchorOld(doc) => match crate::persist::textfile::read_text_file(&first) {
                Ok(decoded) => self.reanchor(&doc, &decoded.text),
                Err(e) => self.error("Could not read the old text", e.to_string()),
            },
            PickPurpose::CompareFile(side) => {
                if let Some(picker) = &mut self.state.compare_picker {
                    picker.set_file(side, first);
                }
            }
            PickPurpose::ExportTarget(_) => {
                if let Some(dialog) = &mut self.state.export {
                    dialog.target = Some(first);
                }
            }
            PickPurpose::ImportInputs { .. } => {
                if let Some(dialog) = &mut self.state.import {
                    dialog.inputs = paths;
                }
            }
            PickPurpose::Review { into_current } => self.apply(Action::StartReview { paths, into_current }),
            PickPurpose::ImportedProject => self.create_imported_project(first),
        }
    }

    fn create_project(&mut self, path: &Path) {
        if path.exists() {
            self.error(
                "Could not create the project",
                format!("{} already exists; open it instead", path.display()),
            );
            return;
        }
        let name = path
            .file_stem()
            .map_or_else(|| "Untitled".to_owned(), |s| s.to_string_lossy().into_owned());
        let mut session = Session::new(Project::new(name));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            self.error("Could not create the project", e.to_string());
            return;
        }
        match session.save_as(path) {
            Ok(()) => {
                self.set_session(session, path);
            }
            Err(e) => self.error("Could not create the project", e.to_string()),
        }
    }

    fn open(&mut self, path: &Path) {
        match Session::open(path) {
            Ok(session) => {
                let problems = session.problems().len();
                let recovery = session.pending_recovery().map(|(loaded, summary)| {
                    let changes = recovery_lines(session.project(), &loaded.project);
                    (loaded, summary, changes)
                });
                self.set_session(session, path);
                if problems > 0 {
                    self.state.message = Some(format!("{problems} problem(s) found while loading; see the banner"));
                }
                if let Some((loaded, summary, changes)) = recovery {
                    self.modal = Some(Modal::Recovery {
                        recovered: Box::new(loaded.project),
                        summary,
                        changes,
                    });
                }
            }
            Err(e) => self.error("Could not open the project", e.to_string()),
        }
    }

    /// Loads the annotators' files, compares them, and opens a new gold
    /// project for adjudication (the first file's documents and labels),
    /// or, `into_current`, adjudicates into the open project, which must
    /// hold the first file's documents (a gold project saved earlier).
    fn start_review(&mut self, paths: &[PathBuf], into_current: bool) {
        if paths.len() < 2 {
            self.error(
                "Compare annotators",
                "Choose at least two project files (hold Ctrl or Shift to pick several).".into(),
            );
            return;
        }
        let mut annotators = Vec::new();
        for path in paths {
            match crate::persist::load(path) {
                Ok(loaded) if loaded.problems.is_empty() => {
                    let name = path
                        .file_name()
                        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
                    annotators.push((name, path.clone(), loaded.project));
                }
                Ok(loaded) => {
                    let list: Vec<String> = loaded
                        .problems
                        .iter()
                        .take(10)
                        .map(|p| crate::persist::load::describe(path, p))
                        .collect();
                    let message = format!(
                        "{} has {} problem(s); agreement needs exact offsets, so fix them first:\n{}",
                        path.display(),
                        loaded.problems.len(),
                        list.join("\n")
                    );
                    self.error("Compare annotators", message);
                    return;
                }
                Err(e) => {
                    self.error("Compare annotators", e.to_string());
                    return;
                }
            }
        }
        // Two copies of one file would be told apart by nothing.
        let mut names: Vec<&String> = annotators.iter().map(|(n, _, _)| n).collect();
        names.sort();
        names.dedup();
        if names.len() < annotators.len() {
            for (i, a) in annotators.iter_mut().enumerate() {
                a.0 = format!("{} ({})", a.0, i + 1);
            }
        }
        let mut review = Review::new(annotators);
        let gold = review.gold_project();
        if gold.documents.is_empty() {
            self.error(
                "Compare annotators",
                "The first two files share no document with the same text: nothing to compare.".into(),
            );
            return;
        }
        if into_current {
            let Some(session) = &self.session else { return };
            let current = session.project();
            let missing: Vec<&str> = gold
                .documents
                .iter()
                .filter(|d| current.document(&d.id).is_none_or(|c| c.hash != d.hash))
                .map(|d| d.id.as_str())
                .collect();
            if !missing.is_empty() {
                let message = format!(
                    "The open project does not hold these documents of {} with the same text: {}. \
                     Continue an adjudication in the gold project made from these files.",
                    review.names[0],
                    missing.join(", ")
                );
                self.error("Continue adjudication", message);
                return;
            }
            if let Some(path) = self.session.as_ref().and_then(Session::path) {
                match crate::persist::review::read_rejections(path) {
                    Ok(kept) => {
                        review.restore_rejections(&kept);
                    }
                    Err(e) => self.state.message = Some(format!("Earlier rejections could not be read: {e}")),
                }
            }
            self.state.review = Some(review);
            self.state.comparison = None;
            self.add_review_labels();
        } else {
            let session = Session::new_beside(gold, &review.paths[0]);
            self.state = UiState {
                current_doc: session.project().documents.first().map(|d| d.id.clone()),
                review: Some(review),
                ..UiState::default()
            };
            self.views.clear();
            self.session = Some(session);
            self.last_autosave = Instant::now();
        }
        let first = match (&mut self.state.review, &self.session) {
            (Some(r), Some(s)) => {
                r.refresh(s.project(), s.revision(), s.history());
                r.next(true, s.history())
            }
            _ => None,
        };
        if let Some(i) = first {
            self.review_select(i);
        }
        self.state.message = Some("Review: Alt+A/B/D/R decide, Alt+N next; Save As keeps the gold".into());
    }

    /// Adds to the gold project the labels of the pair under review that it
    /// lacks (one undoable step), so that their annotations can be accepted.
    fn add_review_labels(&mut self) {
        let (Some(review), Some(session)) = (&self.state.review, &self.session) else {
            return;
        };
        let current = &session.project().schema;
        let adds: Vec<Command> = review
            .gold_schema()
            .labels
            .into_iter()
            .filter(|l| !current.contains(&l.id))
            .enumerate()
            .map(|(k, mut label)| {
                // A hotkey the gold project already uses stays with its label.
                if label.hotkey.is_some_and(|key| current.by_hotkey(key).is_some()) {
                    label.hotkey = None;
                }
                Command::AddLabel {
                    label,
                    index: current.labels.len() + k,
                }
            })
            .collect();
        if !adds.is_empty() {
            self.edit(Command::Named {
                what: "add the annotators' labels".into(),
                commands: adds,
            });
        }
    }

    /// After saving the gold project of a review: keeps its rejections beside it.
    fn keep_rejections(&mut self) {
        let (Some(review), Some(session)) = (&self.state.review, &self.session) else {
            return;
        };
        let Some(path) = session.path() else { return };
        if let Err(e) = crate::persist::review::write_rejections(path, &review.rejections(session.history())) {
            self.state.message = Some(format!("Saved, but the review's rejections could not be kept: {e}"));
        }
    }

    fn review_select(&mut self, i: usize) {
        let Some(review) = &mut self.state.review else { return };
        let Some(item) = review.adjudication.items.get(i) else {
            return;
        };
        let (doc, at) = (item.doc.clone(), item.start());
        review.focus(i);
        if self.state.current_doc.as_deref() != Some(&doc) {
            self.state.current_doc = Some(doc);
            self.state.selection = Selection::default();
        }
        self.scroll_current_to(at);
    }

    fn review_decide(&mut self, item: usize, decision: Decision) {
        let Some((r, s)) = self.state.review.as_ref().zip(self.session.as_ref()) else {
            return;
        };
        if !r
            .adjudication
            .items
            .get(item)
            .is_some_and(|it| it.choices().contains(&decision))
        {
            return;
        }
        let command = r.adjudication.decide(item, decision, s.project(), Timestamp::now());
        // Fresh states before the edit can be brought up to date for this item alone.
        let fresh = r.is_fresh(s.revision()).then(|| r.contribution(item, s.history()));
        self.edit(command);
        if let (Some(r), Some(s)) = (&mut self.state.review, &self.session) {
            if decision == Decision::RejectBoth {
                r.record_rejection(item, s.history().state());
            }
            if let Some(before) = fresh {
                r.update_item(item, s.project(), s.revision(), s.history(), before);
            }
        }

        // On to the next open disagreement, as a keyboard-driven pass expects.
        let next = self
            .state
            .review
            .as_ref()
            .zip(self.session.as_ref())
            .and_then(|(r, s)| r.next(true, s.history()));
        if let Some(i) = next {
            self.review_select(i);
        }
    }

    /// Takes the item's A version (B's if A has none) into the gold
    /// project unless it is there already, and selects it for editing.
    fn review_edit(&mut self, item: usize) {
        let Some(r) = &self.state.review else { return };
        let Some(it) = r.adjudication.items.get(item) else {
            return;
        };
        let decision = if it.a.is_some() {
            Decision::AcceptA
        } else {
            Decision::AcceptB
        };
        let open = self
            .session
            .as_ref()
            .is_some_and(|s| !matches!(r.state(item, s.history()), ItemState::Decided { .. }));
        if open {
            let Some(s) = &self.session else { return };
            let command = r.adjudication.decide(item, decision, s.project(), Timestamp::now());
            self.edit(command);
        }
        let Some((r, s)) = self.state.review.as_mut().zip(self.session.as_ref()) else {
            return;
        };
        let gold = r.adjudication.gold_copies(item, s.project()).first().copied();
        r.focus(item);
        self.select_annotation(gold);
        self.state.reveal_in_list = true;
    }

    /// Resolves the merge conflict marked on annotation `id`.
    fn resolve_conflict(&mut self, id: AnnotationId, take_other: bool) {
        let Some(a) = self.project().and_then(|p| p.annotation(id)) else {
            return;
        };
        match crate::merge::resolve(a, take_other, Timestamp::now()) {
            Ok(command) => self.edit(command),
            Err(e) => self.state.message = Some(capitalise(&e.to_string())),
        }
    }

    /// Selects the next annotation (after the selected one) with a merge conflict.
    fn next_conflict(&mut self) {
        let Some(s) = &self.session else { return };
        // The banner's list, brought up to date (an edit may have come since the frame).
        self.state.conflicts.refresh(s.project(), s.revision());
        let conflicts = &self.state.conflicts.ids;
        if conflicts.is_empty() {
            self.state.message = Some("No merge conflicts in this project".into());
            return;
        }
        let at = self
            .state
            .selection
            .annotation
            .and_then(|s| conflicts.iter().position(|c| *c == s))
            .map_or(0, |k| (k + 1) % conflicts.len());
        let id = conflicts[at];
        self.select_annotation(Some(id));
        self.state.reveal_in_list = true;
    }

    fn set_session(&mut self, session: Session, path: &Path) {
        self.state = UiState {
            current_doc: session.project().documents.first().map(|d| d.id.clone()),
            ..UiState::default()
        };
        self.views.clear();
        self.session = Some(session);
        self.settings.remember(path);
        let _ = self.settings.save();
        self.last_autosave = Instant::now();
    }

    fn add_documents(&mut self, files: &[PathBuf]) {
        let Some(session) = &mut self.session else { return };
        let Some(project_path) = session.path().map(Path::to_owned) else {
            return;
        };
        let before = session.project().documents.len();
        let mut docs = Vec::new();
        let mut problems = Vec::new();
        let mut notes = Vec::new();
        for file in files {
            let taken: Vec<String> = docs.iter().map(|d: &crate::model::Document| d.id.clone()).collect();
            match read_new_document(&project_path, file, session.project(), &taken) {
                Ok(new) => {
                    if session.project().documents.iter().any(|d| d.hash == new.document.hash) {
                        problems.push(format!("{} is already in the project", file.display()));
                        continue;
                    }
                    if let Some(how) = new.decoding {
                        notes.push(format!("{}: {how}", new.document.id));
                    }
                    docs.push(new.document);
                }
                Err(e) => problems.push(e.to_string()),
            }
        }
        let first_new = docs.first().map(|d| d.id.clone());
        if !docs.is_empty() {
            let start = session.project().documents.len();
            let entries = docs.into_iter().enumerate().map(|(i, d)| (start + i, d)).collect();
            if let Err(e) = session.apply(Command::AddDocuments(entries)) {
                problems.push(e.to_string());
            }
        }
        if let Some(doc) = first_new {
            self.state.current_doc = Some(doc);
            self.state.selection = Selection::default();
        }
        let added = self.project().map_or(0, |p| p.documents.len()) - before;
        self.state.message = Some(if notes.is_empty() {
            format!("Added {added} document(s)")
        } else {
            notes.join("; ")
        });
        if !problems.is_empty() {
            self.error("Some files were not added", problems.join("\n"));
        }
    }

    /// Saves; true if the project is now saved.
    fn save(&mut self, overwrite: bool) -> bool {
        let Some(s) = &mut self.session else { return false };
        let result = if overwrite { s.save_overwriting() } else { s.save() };
        match result {
            Ok(()) => {
                self.state.disk_changes.clear();
                // The bar's right end says "Saved"; the message says where,
                // and what the history could not keep.
                let name = s
                    .path()
                    .and_then(|p| p.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                self.state.message = Some(match s.take_history_warning() {
                    Some(w) => format!("Wrote {name}, but {w}"),
                    None => format!("Wrote {name}"),
                });
                self.keep_rejections();
                true
            }
            Err(SessionError::ChangedOnDisk) => {
                self.modal = Some(Modal::ChangedOnDisk);
                false
            }
            Err(SessionError::NoPath) => {
                self.run(Action::SaveAs);
                !self.has_unsaved_changes()
            }
            Err(e) => {
                self.error("Could not save", e.to_string());
                false
            }
        }
    }

    fn edit(&mut self, command: Command) {
        let Some(s) = &mut self.session else { return };
        let description = command.describe_in(&s.project().schema);
        match s.apply(command) {
            Ok(true) => self.state.message = Some(capitalise(&description)),
            Ok(false) => self.state.message = Some(format!("Nothing to change: {description} would leave it as it is")),
            Err(e) => self.state.message = Some(format!("Could not {description}: {e}")),
        }
        self.drop_stale_selection();
    }

    fn undo_redo(&mut self, undo: bool) {
        let Some(s) = &mut self.session else { return };
        let result = if undo { s.undo() } else { s.redo() };
        self.state.message = Some(match result {
            Ok(Some(what)) => format!("{} {what}", if undo { "Undid" } else { "Redid" }),
            Ok(None) => format!("Nothing to {}", if undo { "undo" } else { "redo" }),
            Err(e) => format!("Could not {}: {e}", if undo { "undo" } else { "redo" }),
        });
        self.drop_stale_selection();
    }

    /// Forgets selections that refer to annotations or documents that are gone.
    fn drop_stale_selection(&mut self) {
        let Some(p) = self.project() else { return };
        let gone = self
            .state
            .selection
            .annotation
            .is_some_and(|id| p.annotation(id).is_none());
        let doc_gone = self
            .state
            .current_doc
            .as_deref()
            .is_some_and(|d| p.document(d).is_none());
        let first_doc = p.documents.first().map(|d| d.id.clone());
        if gone {
            self.state.selection.annotation = None;
        }
        if doc_gone {
            self.state.current_doc = first_doc;
            self.state.selection = Selection::default();
        }
    }

    fn select_annotation(&mut self, id: Option<AnnotationId>) {
        self.state.selection.annotation = id;
        self.state.selection.text = None;
        let Some(a) = id.and_then(|id| self.project().and_then(|p| p.annotation(id)).cloned()) else {
            return;
        };
        if self.state.current_doc.as_deref() != Some(&a.doc) {
            self.state.current_doc = Some(a.doc.clone());
        }
        self.state.selection.cursor = Some(a.start);
        self.scroll_current_to(a.start);
    }

    /// Scrolls the current document to code point `cp` at the next frame.
    pub fn reveal(&mut self, cp: usize) {
        self.scroll_current_to(cp);
    }

    fn scroll_current_to(&mut self, cp: usize) {
        if let Some(doc) = self.state.current_doc.clone() {
            if let Some(view) = self.views.get_mut(&doc) {
                view.scroll_to(cp);
            } else if let Some(d) = self.project().and_then(|p| p.document(&doc)) {
                let mut view = DocumentView::new(d);
                view.scroll_to(cp);
                self.views.insert(doc, view);
            }
        }
    }

    fn tag_selection(&mut self, label: &str) {
        let (Some(doc), Some(range)) = (self.state.current_doc.clone(), self.state.selection.text.clone()) else {
            // No text selected: a hotkey relabels the selected annotation.
            if self.state.selection.annotation.is_some() {
                self.apply(Action::RelabelSelected(label.to_owned()));
            }
            return;
        };
        let Some(s) = &mut self.session else { return };
        match crate::edit::tag(s.project(), &doc, &[range], label, &s.author.clone(), Timestamp::now()) {
            Ok(t) if !t.already.is_empty() => {
                self.state.selection.annotation = t.already.first().copied();
                self.state.selection.text = None;
                self.state.message = Some("That span already has this label".to_owned());
            }
            Ok(t) => {
                let id = t.added.first().map(|a| a.id);
                self.edit(Command::AddAnnotations(t.added));
                if let Some(id) = id
                    && self.project().is_some_and(|p| p.annotation(id).is_some())
                {
                    self.state.selection.text = None;
                    self.state.selection.annotation = Some(id);
                }
            }
            // A double-click between two words selects the space.
            Err(crate::edit::EditError::WhiteSpaceOnly { .. }) => {
                self.state.message = Some("Nothing to tag: the selection is only white space".to_owned());
            }
            Err(e) => self.state.message = Some(format!("Could not tag: {e}")),
        }
    }

    fn tag_all_matches(&mut self, label: &str) {
        let Some(doc) = self.state.current_doc.clone() else {
            return;
        };
        if self.state.find.query.trim().is_empty() {
            self.state.message = Some("Nothing to tag: the search is only white space".to_owned());
            return;
        }
        let Some(s) = &self.session else { return };
        match crate::edit::tag(
            s.project(),
            &doc,
            &self.state.find.matches,
            label,
            &s.author,
            Timestamp::now(),
        ) {
            Ok(t) if t.added.is_empty() => {
                self.state.message = Some(format!("Every match is already tagged as {label}"));
            }
            Ok(t) => self.edit(Command::AddAnnotations(t.added)),
            Err(e) => self.state.message = Some(format!("Could not tag the matches: {e}")),
        }
    }

    fn nudge(&mut self, start: isize, end: isize, by_word: bool) {
        let Some(id) = self.state.selection.annotation else {
            return;
        };
        let Some(p) = self.project() else { return };
        let Some(a) = p.annotation(id) else { return };
        let Some(text) = p.document(&a.doc).map(|d| d.text.clone()) else {
            return;
        };
        let step = |pos: usize, delta: isize, edge: words::Edge| -> usize {
            let forward = delta > 0;
            match delta {
                0 => pos,
                _ if by_word => words::word_step(&text, pos, forward, edge),
                _ => {
                    let moved = pos.saturating_add_signed(delta).min(text.len_chars());
                    words::skip_white_space(&text, moved, forward, edge)
                }
            }
        };
        let (s, e) = (
            step(a.start, start, words::Edge::Start),
            step(a.end, end, words::Edge::End),
        );
        if s < e && (s, e) != (a.start, a.end) {
            self.edit(Command::Resize {
                id,
                start: s,
                end: e,
                at: Timestamp::now(),
            });
        }
    }

    fn delete_label(&mut self, id: &str, relabel_to: Option<String>) {
        let Some(p) = self.project() else { return };
        let ids: Vec<AnnotationId> = p.annotations().iter().filter(|a| a.label == id).map(|a| a.id).collect();
        let orphans: Vec<crate::model::Annotation> = p.orphans.iter().filter(|a| a.label == id).cloned().collect();
        let at = Timestamp::now();
        let mut commands = Vec::new();
        if !ids.is_empty() {
            commands.push(match &relabel_to {
                Some(label) => Command::Relabel {
                    ids,
                    label: label.clone(),
                    at,
                },
                None => Command::DeleteAnnotations(ids),
            });
        }
        // Orphans with the label go the same way, or they would name a
        // label that no longer exists.
        if !orphans.is_empty() {
            commands.push(Command::DeleteOrphans(orphans.iter().map(|o| o.id).collect()));
            if let Some(label) = &relabel_to {
                let moved = orphans
                    .into_iter()
                    .map(|o| crate::model::Annotation {
                        label: label.clone(),
                        modified: at,
                        ..o
                    })
                    .collect();
                commands.push(Command::RestoreOrphans(moved));
            }
        }
        commands.push(Command::RemoveLabel(id.to_owned()));
        self.edit(Command::Batch(commands));
        if let (Some(editor), Some(p)) = (&mut self.state.schema_editor, &self.session) {
            editor.refresh(p.project());
        }
    }

    /// The status of every document (for tests and the progress display).
    pub fn statuses(&self) -> Vec<(String, Status)> {
        self.project()
            .map(|p| p.documents.iter().map(|d| (d.id.clone(), d.status)).collect())
            .unwrap_or_default()
    }
}

/// What the recovery copy changes, annotation by annotation, for the
/// recovery dialog: the first lines of the semantic diff, then a count.
fn recovery_lines(saved: &Project, recovered: &Project) -> Vec<String> {
    const SHOWN: usize = 8;
    let diff = crate::diff::diff(saved, recovered);
    let mut lines: Vec<String> = diff
        .changes
        .iter()
        .take(SHOWN)
        .map(|c| format!("{}: {}", c.doc, super::compare::change_text(c)))
        .collect();
    if diff.changes.len() > SHOWN {
        lines.push(format!("… and {} more", diff.changes.len() - SHOWN));
    }
    lines
}
