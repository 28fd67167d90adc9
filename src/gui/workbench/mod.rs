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

pub use super::state::UiState;
use crate::gui::action::Action;
use crate::gui::commands::UiCommand;
use crate::gui::dialogs::{FileDialogs, Modal};
use crate::gui::panels;
use crate::gui::settings::Settings;
use crate::gui::view::{DocumentView, ViewInput};
use crate::model::{Project, Status};
use crate::session::Session;

mod editing;
mod files;
mod review_steps;
mod run;
mod structure;
mod suggestions;

/// Unsaved work is written to the recovery copy this often.
pub const AUTOSAVE_INTERVAL: Duration = Duration::from_secs(30);
/// Files on disk are checked for outside changes this often.
const DISK_CHECK_INTERVAL: Duration = Duration::from_secs(1);

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
    /// Where the work of a project with no file yet (a new gold project) is
    /// copied every 30 seconds, beside the settings (`unsaved/`); none in
    /// tests, whose settings have no file.
    unsaved_copy: Option<PathBuf>,
    /// Actions waiting to be carried out ([`Workbench::apply`]).
    queue: std::collections::VecDeque<Action>,
    draining: bool,
    /// Actions held for a frame while a text field lets go of the keyboard
    /// and commits what was typed ([`Action::wants_drafts_committed`]).
    after_drafts: Vec<Action>,
    /// Suggestions are looked for on a thread in a corpus of more text
    /// than this (bytes); under it, at once (no bar flashes by).
    pub suggest_in_background_over: usize,
}

/// [`Workbench::suggest_in_background_over`]: about 2 MB of text, where
/// a gazetteer's pass starts to take a noticeable part of a second.
pub const SUGGEST_IN_BACKGROUND_OVER: usize = 2_000_000;

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
            unsaved_copy: None,
            queue: std::collections::VecDeque::new(),
            draining: false,
            suggest_in_background_over: SUGGEST_IN_BACKGROUND_OVER,
            after_drafts: Vec::new(),
        }
    }

    /// The open session, if any.
    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// The open session, mutably (to wait for its snapshots, as a test
    /// or a benchmark does).
    pub fn session_mut(&mut self) -> Option<&mut Session> {
        self.session.as_mut()
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
        let history = self.session.as_ref().map(Session::history);
        let menu_input = panels::menu::MenuInput {
            current_doc: self.state.current_doc.as_deref(),
            open: self.session.is_some(),
            recent: &self.settings.recent,
            dark: self.settings.dark,
            snap_to_words: self.settings.snap_to_words,
            all_relations: self.settings.all_relations,
            undo: history.and_then(|h| h.undo_description()),
            redo: history.and_then(|h| h.redo_description()),
            reviewing: self.state.review.is_some(),
            annotation_selected: self.state.selection.annotation.is_some(),
            conflicts: self.state.conflicts.ids.len(),
        };
        actions.extend(panels::menu::menu_bar(ui, &menu_input));
        // Held last frame: after this frame's fields have committed.
        let held = std::mem::take(&mut self.after_drafts);
        if self.session.is_none() {
            actions.extend(panels::start::start_ui(ui, &self.settings));
        } else {
            actions.extend(self.project_ui(ui));
        }
        let project = self.session.as_ref().map(Session::project);
        actions.extend(super::dialogs::modal_ui(ui.ctx(), &mut self.modal, project));
        if let Some(session) = &self.session
            && let Some(editor) = &mut self.state.schema_editor
        {
            let (keep, edits) = editor.ui(ui.ctx(), session.project(), session.revision());
            actions.extend(edits);
            if !keep {
                self.state.schema_editor = None;
            }
        }
        if let (Some(session), Some(overview)) = (&self.session, &mut self.state.overview) {
            let (keep, asked) = overview.ui(
                ui.ctx(),
                session.project(),
                session.revision(),
                self.state.review.as_ref(),
            );
            actions.extend(asked);
            if !keep {
                self.state.overview = None;
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
        actions.extend(held);
        // A field with the keyboard commits what was typed when it lets go:
        // saving or quitting now would leave that text out (Ctrl+S showed
        // "Saved" without the note being typed; Ctrl+Q lost it).
        if ui.ctx().text_edit_focused() && actions.iter().any(Action::wants_drafts_committed) {
            let (later, now): (Vec<Action>, Vec<Action>) =
                actions.into_iter().partition(Action::wants_drafts_committed);
            self.hold_until_drafts_committed(ui.ctx(), later);
            actions = now;
        }
        for action in actions {
            self.apply(action);
        }
        self.periodic(ui.ctx());
    }

    /// Takes the keyboard from the text field that has it (so that it
    /// commits what was typed) and carries `actions` out next frame.
    pub fn hold_until_drafts_committed(&mut self, ctx: &egui::Context, actions: Vec<Action>) {
        ctx.memory_mut(|m| {
            if let Some(id) = m.focused() {
                m.surrender_focus(id);
            }
        });
        self.after_drafts.extend(actions);
        ctx.request_repaint();
    }

    fn project_ui(&mut self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = self.adding_folder_ui(ui);
        self.suggesting_ui(ui);
        let Some(session) = &self.session else { return actions };
        if let Some(cmp) = &mut self.state.comparison {
            // Edits made while comparing (take/restore, undo) change the
            // current side: compare again.
            if cmp.current_revision != session.revision() && (cmp.a.is_current || cmp.b.is_current) {
                let text = crate::persist::format::to_string(session.project());
                cmp.refresh_current(session.project(), text, session.revision());
            }
            panels::status::comparison_status_bar(ui, session, cmp, self.state.message.as_deref());
            actions.extend(cmp.ui(ui, self.settings.dark, self.settings.text_size()));
            return actions;
        }
        self.state.conflicts.refresh(session.project());
        if let Some(review) = &mut self.state.review {
            review.refresh(session.project(), session.revision(), session.history());
            actions.extend(review.panel_ui(ui, self.state.current_doc.as_deref(), session.history()));
        }
        actions.extend(panels::palette::palette_bar(
            ui,
            session.project(),
            &self.state.selection,
        ));
        // While the texts are checked, the status bar says how far it is.
        let checking = self.state.text_check.as_ref().map(|c| c.describe()).or_else(|| {
            (session.snapshots_pending() > 0).then(|| "Saved; recording the version in the history…".to_owned())
        });
        panels::status::status_bar(
            ui,
            session,
            self.state.current_doc.as_deref(),
            &self.state.selection,
            checking.as_deref().or(self.state.message.as_deref()),
            self.current_view(),
        );
        if let Some(search) = &mut self.state.corpus_search {
            actions.extend(search.ui(ui, session.project(), self.state.current_doc.as_deref()));
        }
        let counts = self.state.suggestions.counts(session.project());
        actions.extend(self.state.documents.ui(
            ui,
            session.project(),
            self.state.current_doc.as_deref(),
            session.revision(),
            &|d| counts.has_open(d),
        ));
        actions.extend(panels::annotations::annotations_panel(
            ui,
            session.project(),
            self.state.current_doc.as_deref(),
            &self.state.selection,
            &mut self.state.annotation_list,
            &mut self.state.hidden_relation_types,
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
        let banner_input = panels::banners::BannerInput {
            disk_changes: &self.state.disk_changes,
            conflicts: &self.state.conflicts,
            selected: self.state.selection.annotation,
            selected_relation: self.state.selection.relation,
        };
        actions.extend(panels::banners::banners(ui, session, &banner_input));
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
        if self.state.review.is_none() {
            actions.extend(panels::structure::document_header(ui, project, doc));
        }
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
        let mut gold_overlays = self
            .state
            .review
            .as_ref()
            .map(|r| r.gold_overlays(&doc.id))
            .unwrap_or_default();
        // A relation being made: the bar, the candidate marked, an arrow to it.
        let mut preview = None;
        if let Some(linking) = self.state.linking.as_ref().filter(|l| l.doc == doc.id) {
            actions.extend(panels::structure::linking_bar(ui, project, linking));
            let to = linking
                .choosing
                .as_ref()
                .map(|(to, _)| *to)
                .or_else(|| linking.current(project));
            if let Some(a) = to.and_then(|id| project.annotation(id)) {
                let colour = crate::gui::view::LINKING;
                gold_overlays.push(crate::gui::view::Overlay {
                    range: a.range(),
                    fill: colour.gamma_multiply(0.35),
                    tip: "Enter links to this one".to_owned(),
                });
                preview = Some((linking.from, a.id, colour));
            }
        }
        if self.state.review.is_none() {
            actions.extend(self.state.suggestions.bar_ui(ui, project, &doc.id));
        }
        if !self.views.get(&doc.id).is_some_and(|v| v.shows(doc)) {
            self.views.insert(doc.id.clone(), DocumentView::new(doc));
        }
        let current_suggestion = self.state.suggestions.current_open(project).cloned();
        let open_suggestions = self.state.suggestions.open_of(project, &doc.id);
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
            relations: crate::gui::view::RelationView {
                all: self.settings.all_relations,
                hidden: &self.state.hidden_relation_types,
                preview,
            },
            suggestions: open_suggestions,
            current_suggestion: current_suggestion.as_ref(),
        };
        let before = self.state.selection.annotation;
        if let Some(view) = self.views.get_mut(&doc.id) {
            actions.extend(view.ui(ui, &input, &mut self.state.selection));
        }
        if self.state.selection.annotation != before {
            self.state.selection.relation = None;
        }
        if let Some(linking) = &self.state.linking
            && self.state.selection.annotation != before
        {
            // While linking, a click on a candidate picks it (the source
            // stays selected); a click elsewhere ends the linking.
            let clicked = self.state.selection.annotation;
            self.state.selection.annotation = Some(linking.from);
            self.state.selection.text = None;
            actions.push(match clicked {
                Some(id) if linking.offers(id) => Action::LinkPick(id),
                _ => Action::LinkKey(crate::gui::linking::LinkKey::Cancel),
            });
        } else if self.state.selection.annotation != before && self.state.selection.annotation.is_some() {
            self.state.annotation_list.reveal = true;
        }
        actions
    }

    /// Shortcuts, label hotkeys and the keys that act on the selection.
    fn keyboard(&mut self, ctx: &egui::Context) -> Vec<Action> {
        let typing = ctx.text_edit_focused();
        if !typing {
            drop_chord_text(ctx);
        }
        let current = self.state.current_doc.clone();
        let linking = self.state.linking.is_some() && !typing && self.modal.is_none();
        let mut actions: Vec<Action> = UiCommand::pressed(ctx, typing)
            .into_iter()
            // While linking, the plain keys are the loop's (Ctrl+K again
            // cancels; Ctrl+S still saves).
            .filter(|c| !linking || c.shortcut().is_some_and(|s| s.modifiers.command || s.modifiers.ctrl))
            .filter_map(|c| c.action(current.as_deref()))
            .collect();
        if linking {
            actions.extend(Self::link_keys(ctx));
            return actions;
        }
        if typing || self.modal.is_some() || self.session.is_none() {
            return actions;
        }
        let Some(project) = self.project() else { return actions };
        // What the keys below act on is worked out only in a frame with a
        // typed character (with 10,000 annotations picked, every idle frame
        // looked them all up).
        let typed = ctx.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Text(_))));
        let hotkeys = if typed {
            panels::palette::hotkeys(project)
        } else {
            Vec::new()
        };
        // What a key acts on with no text selected: the annotations picked
        // in the list, else the selected one.
        let many: Option<Vec<crate::model::AnnotationId>> =
            self.state.annotation_list.many().filter(|_| typed).map(<[_]>::to_vec);
        let targets: Vec<crate::model::AnnotationId> = match (&self.state.selection.text, &many) {
            _ if !typed => Vec::new(),
            (None, Some(many)) => many.clone(),
            (None, None) => self.state.selection.annotation.into_iter().collect(),
            _ => Vec::new(),
        };
        // Their attribute values that have a key (a label's key comes
        // first): (key, attribute, value), for attributes all of them take.
        let labels: Vec<&str> = targets
            .iter()
            .filter_map(|id| project.annotation(*id).map(|a| a.label.as_str()))
            .collect();
        let value_keys: Vec<(char, String, String)> = project
            .schema
            .attributes
            .iter()
            .filter(|d| {
                !labels.is_empty()
                    && labels
                        .iter()
                        .all(|l| d.applies_to(&crate::model::AttrTarget::Label((*l).to_owned())))
            })
            .flat_map(|d| {
                d.values
                    .iter()
                    .filter_map(move |v| Some((v.hotkey?, d.id.clone(), v.id.clone())))
            })
            .filter(|(k, _, _)| !hotkeys.iter().any(|(h, _)| h == k))
            .collect();
        let text_selected = self.state.selection.text.is_some();
        // Every value key, to say why one does nothing here.
        let all_value_keys: Vec<(char, String)> = project
            .schema
            .attributes
            .iter()
            .flat_map(|d| d.values.iter().filter_map(move |v| Some((v.hotkey?, d.name.clone()))))
            .collect();
        let mut refusal = None;
        // Read outside `input`: the context is locked inside it.
        let popup_open = egui::Popup::is_any_open(ctx);
        ctx.input(|i| {
            for event in &i.events {
                match event {
                    egui::Event::Text(t) if !i.modifiers.ctrl && !i.modifiers.command && !i.modifiers.alt => {
                        let mut chars = t.chars();
                        if let (Some(c), None) = (chars.next(), chars.next()) {
                            if let Some((_, label)) = hotkeys.iter().find(|(k, _)| *k == c) {
                                actions.push(match &many {
                                    // A multi-selection is relabelled as a whole.
                                    Some(ids) if !text_selected => Action::Edit(crate::edit::Command::Relabel {
                                        ids: ids.clone(),
                                        label: label.clone(),
                                        at: crate::model::Timestamp::now(),
                                    }),
                                    _ => Action::TagSelection(label.clone()),
                                });
                            } else if let Some((_, key, value)) = value_keys.iter().find(|(k, _, _)| *k == c) {
                                actions.push(Action::SetAttr {
                                    owners: targets.iter().map(|id| crate::model::Owner::Annotation(*id)).collect(),
                                    key: key.clone(),
                                    value: Some(crate::model::AttrValue::Text(value.clone())),
                                });
                            } else if let Some((_, name)) = all_value_keys.iter().find(|(k, _)| *k == c)
                                && !targets.is_empty()
                            {
                                refusal = Some(if targets.len() > 1 {
                                    format!("{name} does not apply to every selected annotation: nothing changed")
                                } else {
                                    format!("{name} does not apply to this annotation's label")
                                });
                            }
                        }
                    }
                    egui::Event::Key {
                        key,
                        pressed: true,
                        modifiers,
                        ..
                    } => match key {
                        // An open menu or popup takes its own Esc.
                        egui::Key::Escape if !popup_open => actions.push(Action::ClearSelection),
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
        if let Some(r) = refusal {
            self.state.message = Some(r);
        }
        actions
    }

    /// The keys of the linking loop this frame, taken from the input so
    /// that nothing else reads them.
    fn link_keys(ctx: &egui::Context) -> Vec<Action> {
        use crate::gui::linking::LinkKey;
        ctx.input_mut(|i| {
            let chorded = |m: egui::Modifiers| m.ctrl || m.command || m.alt;
            let mut held = i.modifiers;
            let frame = i.modifiers;
            let mut keys = Vec::new();
            i.events.retain(|event| {
                if let egui::Event::Key {
                    pressed: true,
                    modifiers,
                    ..
                } = event
                {
                    held = *modifiers;
                }
                let plain = !chorded(frame) && !chorded(held);
                let key = match event {
                    egui::Event::Text(t) if plain => Some(LinkKey::Text(t.clone())),
                    // Shift+Tab by the key's own modifiers (held a moment only).
                    egui::Event::Key { key, pressed: true, .. } if plain => match key {
                        egui::Key::Tab if held.shift || frame.shift => Some(LinkKey::PreviousRole),
                        egui::Key::Tab => Some(LinkKey::NextRole),
                        egui::Key::ArrowRight | egui::Key::ArrowDown => Some(LinkKey::Next),
                        egui::Key::ArrowLeft | egui::Key::ArrowUp => Some(LinkKey::Previous),
                        egui::Key::Enter => Some(LinkKey::Enter),
                        egui::Key::Escape => Some(LinkKey::Escape),
                        egui::Key::Backspace => Some(LinkKey::Backspace),
                        _ => None,
                    },
                    _ => None,
                };
                let taken = key.is_some();
                keys.extend(key.map(Action::LinkKey));
                !taken
            });
            keys
        })
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
        // A save returns once the file is written; its version snapshot
        // follows on a thread (seconds for a corpus).
        session.record_in_background();
        if let Some(warning) = session.poll_snapshots() {
            self.state.message = Some(format!("Saved, but {warning}"));
        }
        if session.snapshots_pending() > 0 {
            ctx.request_repaint_after(Duration::from_millis(250));
        }
        if let Some(check) = &mut self.state.text_check {
            let found = check.step(session.project(), crate::gui::text_check::FRAME_BUDGET);
            if !found.is_empty() {
                session.add_problems(found);
            }
            if check.is_done() {
                if check.found > 0 {
                    self.state.message = Some(format!(
                        "Texts checked: {} found (see the banner)",
                        crate::model::plural(check.found, "problem")
                    ));
                }
                self.state.text_check = None;
            } else {
                ctx.request_repaint();
            }
        }
        let mut failed = session.poll_recovery();
        if self.last_autosave.elapsed() >= AUTOSAVE_INTERVAL {
            self.last_autosave = Instant::now();
            if session.recovery_outdated() {
                // On a thread beside the file; a project with no file yet
                // (small: a review's gold copy) is written here.
                failed = failed.or(if session.path().is_some() {
                    session.write_recovery_in_background()
                } else {
                    write_recovery(session, &self.settings, &mut self.unsaved_copy).err()
                });
            } else {
                failed = failed.or(session.drop_recovery_if_clean().err());
            }
        }
        if let Some(e) = failed {
            self.state.message = Some(format!("Could not write the recovery copy: {e}"));
        }
        if self.last_disk_check.elapsed() >= DISK_CHECK_INTERVAL {
            self.last_disk_check = Instant::now();
            // The project file every second, its documents 1,000 at a time
            // (10,000 `stat`s would hold up a frame every second).
            self.state.disk_changes = session.poll_disk_changes(1_000);
        }
        ctx.request_repaint_after(DISK_CHECK_INTERVAL);
    }

    /// Finishes checking the texts now (before what must not wait for it).
    pub fn finish_text_check(&mut self) {
        if let (Some(check), Some(session)) = (self.state.text_check.take(), &mut self.session) {
            let mut check = check;
            let found = check.finish(session.project());
            session.add_problems(found);
        }
    }

    /// Writes the recovery copy now if it is behind (what the 30 s timer does).
    pub fn autosave_now(&mut self) -> std::io::Result<()> {
        match &mut self.session {
            Some(s) if s.recovery_outdated() => write_recovery(s, &self.settings, &mut self.unsaved_copy),
            _ => Ok(()),
        }
    }

    /// Forgets the copy of a project that had no file (saved or discarded
    /// now).
    pub(super) fn drop_unsaved_copy(&mut self) {
        if let Some(file) = self.unsaved_copy.take() {
            let _ = std::fs::remove_file(file);
        }
    }

    /// Offers the work of a project that never had a file, left by a
    /// session that ended without saving it (at start, before anything).
    pub fn offer_unsaved_copies(&mut self) {
        let Some(dir) = unsaved_dir(&self.settings) else { return };
        let Ok(entries) = std::fs::read_dir(&dir) else { return };
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "ron"))
            .collect();
        files.sort();
        if let Some(file) = files.pop()
            && let Ok(loaded) = crate::persist::load(&file)
        {
            self.modal = Some(Modal::RecoverUnsaved {
                file,
                name: loaded.project.name.clone(),
                annotations: loaded.project.annotations().len(),
            });
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
        // Follow-ups asked for while an action runs wait their turn in the
        // queue instead of running inside it (as rerun drains its command
        // queue): each runs on the state its predecessor left.
        self.queue.push_back(action);
        if self.draining {
            return;
        }
        self.draining = true;
        while let Some(next) = self.queue.pop_front() {
            self.apply_one(next);
        }
        self.draining = false;
    }

    fn apply_one(&mut self, action: Action) {
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

    /// Scrolls the current document to code point `cp` at the next frame.
    pub fn reveal(&mut self, cp: usize) {
        self.scroll_current_to(cp);
    }

    /// The status of every document (for tests and the progress display).
    pub fn statuses(&self) -> Vec<(String, Status)> {
        self.project()
            .map(|p| p.documents.iter().map(|d| (d.id.clone(), d.status)).collect())
            .unwrap_or_default()
    }
}

/// The folder for copies of projects with no file: beside the settings.
fn unsaved_dir(settings: &Settings) -> Option<PathBuf> {
    Some(settings.file.as_ref()?.parent()?.join("unsaved"))
}

/// Writes the recovery copy of `session`: beside its file, or, for a
/// project with no file yet, in the settings' `unsaved/` folder.
fn write_recovery(session: &mut Session, settings: &Settings, unsaved: &mut Option<PathBuf>) -> std::io::Result<()> {
    if session.path().is_some() {
        return session.write_recovery();
    }
    let Some(dir) = unsaved_dir(settings) else {
        return Ok(());
    };
    let file = unsaved.get_or_insert_with(|| {
        let stamp = crate::model::Timestamp::now().unix();
        dir.join(format!("unsaved-{stamp}-{}.ron", std::process::id()))
    });
    session.write_unsaved_copy(file)
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

/// Drops the text a chord typed along with it: X11 sends a quick Alt+C as
/// the key (with Alt) and a "c", and once the shortcut has taken the key,
/// the "c" would reach the label keys and relabel the selection. The key
/// and its text may come in different frames, so the modifiers of the
/// last key pressed are remembered. Only outside text fields (AltGr types
/// real characters there).
fn drop_chord_text(ctx: &egui::Context) {
    let id = egui::Id::unique("last-chord-pass");
    let pass = ctx.cumulative_pass_nr();
    // The pass of the last key pressed with a modifier, if that was the last key.
    let mut chord: Option<u64> = ctx.data(|d| d.get_temp(id)).unwrap_or(None);
    ctx.input_mut(|i| {
        i.events.retain(|event| match event {
            egui::Event::Key {
                pressed: true,
                modifiers,
                ..
            } => {
                chord = (modifiers.alt || modifiers.ctrl || modifiers.command).then_some(pass);
                true
            }
            // Its text comes with it or a frame or two later.
            egui::Event::Text(_) => chord.is_none_or(|at| pass > at + 2),
            _ => true,
        });
    });
    ctx.data_mut(|d| d.insert_temp(id, chord));
}
