//! Files and projects: choosing files (the system dialog or Marginalia's
//! own picker, one continuation for both), creating, opening and saving
//! projects, adding documents.

use super::*;
use crate::edit::Command;
use crate::gui::action::{Action, PickPurpose};
use crate::gui::dialogs::Modal;
use crate::gui::file_picker::FilePicker;
use crate::gui::state::UiState;
use crate::gui::view::Selection;
use crate::model::Project;
use crate::persist::documents::{DOCUMENT_EXTENSIONS, read_new_document};
use crate::session::{Session, SessionError};
use std::path::{Path, PathBuf};
use std::time::Instant;

impl Workbench {
    /// Asks for files for `purpose`: the system's dialog, or Marginalia's
    /// own picker when the system has none.
    pub(super) fn choose(&mut self, purpose: PickPurpose) {
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
            PickPurpose::AddFolder => d.pick_folder().into_iter().collect(),
            PickPurpose::Gazetteer => d.pick_gazetteer().into_iter().collect(),
        };
        if paths.is_empty() && self.dialogs.unavailable() {
            self.state.file_picker = Some(self.own_picker(purpose, &suggested));
        } else {
            self.picked(purpose, paths);
        }
    }

    /// A file name to offer when saving for `purpose`.
    pub(super) fn suggested_name(&self, purpose: &PickPurpose) -> String {
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
    pub(super) fn own_picker(&self, purpose: PickPurpose, suggested: &str) -> FilePicker {
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
            PickPurpose::ExportTarget(f) => ("Export dataset", PickMode::SaveFile, f.extensions()),
            PickPurpose::ImportInputs { folder: true, .. } => ("Import a folder", PickMode::Folder, &[]),
            PickPurpose::ImportInputs { format, .. } => ("Import dataset", PickMode::OpenFiles, format.extensions()),
            PickPurpose::Review { .. } => (
                "Compare annotators: two or more projects",
                PickMode::OpenFiles,
                &["ron"],
            ),
            PickPurpose::AddFolder => ("Add a folder of documents", PickMode::Folder, &[]),
            PickPurpose::Gazetteer => (
                "Suggest from a gazetteer (TERM, LABEL[, ENTITY[, exact]] a line)",
                PickMode::OpenFile,
                &["tsv", "csv", "txt"],
            ),
        };
        FilePicker::new(purpose, title, mode, extensions, &start, suggested)
    }

    /// Carries on with what files were chosen for (nothing if none were).
    pub(super) fn picked(&mut self, purpose: PickPurpose, paths: Vec<PathBuf>) {
        let Some(first) = paths.first().cloned() else {
            // Cancelled: a discard given for what would have followed lapses,
            // and files chosen for a review are let go.
            self.changes_discarded = false;
            self.state.review_files.clear();
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
            PickPurpose::Review { into_current } => {
                // Each annotator's copy often lives in a folder of its own,
                // and a file dialog picks within one: the files chosen so
                // far wait while the next are chosen.
                let mut chosen = std::mem::take(&mut self.state.review_files);
                for p in paths {
                    if !chosen.contains(&p) {
                        chosen.push(p);
                    }
                }
                if chosen.len() < 2 {
                    let names: Vec<String> = chosen
                        .iter()
                        .map(|p| {
                            p.file_name()
                                .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
                        })
                        .collect();
                    self.state.message = Some(format!(
                        "Chosen: {}. Now the other annotator's file (another folder is fine)",
                        names.join(", ")
                    ));
                    self.state.review_files = chosen;
                    self.choose(PickPurpose::Review { into_current });
                } else {
                    self.apply(Action::StartReview {
                        paths: chosen,
                        into_current,
                    });
                }
            }
            PickPurpose::ImportedProject => self.create_imported_project(first),
            PickPurpose::AddFolder => self.start_adding_folder(first),
            PickPurpose::Gazetteer => self.suggest_from_gazetteer(&first),
        }
    }

    /// Writes the import read in the import dialog as a new project (asking
    /// where), then opens it (asking first about unsaved changes).
    pub(super) fn create_imported_project(&mut self, path: PathBuf) {
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

    pub(super) fn create_project(&mut self, path: &Path) {
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

    pub(super) fn open(&mut self, path: &Path) {
        // The texts are checked after the project is shown (a corpus of
        // 100 MB would otherwise keep the window blank for a second).
        match Session::open_unchecked(path) {
            Ok(session) => {
                let problems = session.problems().len();
                let unreadable: std::collections::HashSet<&str> = session
                    .problems()
                    .iter()
                    .filter_map(|p| match &p.kind {
                        crate::model::ProblemKind::DocumentUnreadable { doc, .. } => Some(doc.as_str()),
                        _ => None,
                    })
                    .collect();
                let check = crate::gui::text_check::TextCheck::start(session.project(), &unreadable);
                let recovery = session.pending_recovery().map(|(loaded, summary)| {
                    let changes = recovery_lines(session.project(), &loaded.project);
                    (loaded, summary, changes)
                });
                self.set_session(session, path);
                self.state.text_check = Some(check);
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

    pub(super) fn set_session(&mut self, session: Session, path: &Path) {
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

    /// Reads every text file of `folder` (and its subfolders) on a thread,
    /// with progress and Cancel; nothing is added until all are read.
    pub(super) fn start_adding_folder(&mut self, folder: PathBuf) {
        let Some(session) = &self.session else { return };
        let Some(project_path) = session.path().map(Path::to_owned) else {
            self.state.message = Some("Save the project first: documents are kept beside it".to_owned());
            return;
        };
        if self.state.adding_folder.is_some() {
            self.state.message = Some("A folder is being added already".to_owned());
            return;
        }
        // The documents alone, for fresh ids and known texts (their texts
        // are shared, not copied).
        let mut known = crate::model::Project::new("known");
        known.documents = session.project().documents.clone();
        self.state.adding_folder = Some(crate::gui::job::Job::spawn("Reading the folder", move |progress| {
            let mut counted = false;
            let mut on_file = |k: usize, total: usize| {
                if !counted {
                    progress.add_total(total.max(1) as u64);
                    counted = true;
                }
                k == 0 || progress.advance(1).is_ok()
            };
            crate::persist::documents::read_documents(&project_path, &known, &[folder], &mut on_file)
                .map_err(|e| e.to_string())
        }));
    }

    /// The folder being added: its bar and Cancel while it reads, then the
    /// documents added in one step (or why not).
    pub(super) fn adding_folder_ui(&mut self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        let Some(job) = &self.state.adding_folder else {
            return actions;
        };
        match job.poll() {
            None => {
                egui::Panel::top("adding-folder").show(ui, |ui| {
                    if job.ui(ui) {
                        actions.push(Action::CancelAddFolder);
                    }
                });
            }
            Some(result) => {
                self.state.adding_folder = None;
                match result.and_then(|r| r) {
                    Ok(read) => self.add_read_documents(read),
                    Err(e) => self.state.message = Some(format!("Add a folder: {e}")),
                }
            }
        }
        actions
    }

    /// Adds what a folder read gave, in one step, and says what was left out.
    fn add_read_documents(&mut self, read: crate::persist::documents::ReadDocuments) {
        let skipped = if read.skipped.is_empty() {
            String::new()
        } else {
            format!(
                "; skipped {} ({})",
                read.skipped.len(),
                crate::persist::documents::skipped_summary(&read.skipped)
            )
        };
        let Some(session) = &mut self.session else { return };
        if read.added.is_empty() {
            self.state.message = Some(format!("Nothing new to add{skipped}"));
            return;
        }
        let start = session.project().documents.len();
        let n = read.added.len();
        let first = read.added[0].document.id.clone();
        let entries = read
            .added
            .into_iter()
            .enumerate()
            .map(|(i, d)| (start + i, d.document))
            .collect();
        match session.apply(Command::AddDocuments(entries)) {
            Ok(_) => {
                self.state.current_doc = Some(first);
                self.state.selection = Selection::default();
                self.state.message = Some(format!("Added {n} document(s){skipped}"));
            }
            Err(e) => self.state.message = Some(format!("Could not add the folder: {e}")),
        }
    }

    pub(super) fn add_documents(&mut self, files: &[PathBuf]) {
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
    pub(super) fn save(&mut self, overwrite: bool) -> bool {
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
}
