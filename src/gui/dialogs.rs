//! Dialogs: the operating system's file choosers and the workbench's own
//! questions (unsaved changes, recovery, a file changed on disk, errors).
//!
//! File choosers sit behind [`FileDialogs`] so that every path that starts
//! with a dialog can be tested without one: the app uses rfd, tests script
//! the answers (under Xvfb rfd returns nothing at once anyway).

use std::path::PathBuf;

use egui::{Id, RichText};

use super::action::Action;
use crate::formats::Format;
use crate::model::Project;
use crate::persist::documents::DOCUMENT_EXTENSIONS;
use crate::persist::recovery::RecoverySummary;

/// Choosing files.
pub trait FileDialogs {
    /// A project file to open.
    fn open_project(&mut self) -> Option<PathBuf>;
    /// Where to save a project (`suggested` is a file name).
    fn save_project(&mut self, suggested: &str) -> Option<PathBuf>;
    /// Text files to add as documents.
    fn pick_documents(&mut self) -> Vec<PathBuf>;
    /// Where to export a dataset: a file, or a folder for brat.
    fn export_target(&mut self, format: Format, suggested: &str) -> Option<PathBuf>;
    /// Files (or one folder) to import.
    fn import_inputs(&mut self, format: Format, folder: bool) -> Vec<PathBuf>;
    /// Two or more annotators' copies of a project, to compare.
    fn pick_projects(&mut self) -> Vec<PathBuf>;
    /// A folder of documents to add.
    fn pick_folder(&mut self) -> Option<PathBuf>;
    /// A gazetteer (TSV or CSV) to suggest from.
    fn pick_gazetteer(&mut self) -> Option<PathBuf>;
    /// True when the last dialog could not be shown at all (no
    /// xdg-desktop-portal): the workbench then uses its own picker.
    fn unavailable(&self) -> bool {
        false
    }
}

/// The platform's dialogs, through rfd.
///
/// rfd cannot say that no dialog could be shown (no xdg-desktop-portal):
/// it returns nothing, as for a cancel. A person cannot open a dialog,
/// look and cancel within a fifth of a second, so an empty answer that
/// quick means there was no dialog; [`FileDialogs::unavailable`] says so
/// and the workbench uses its own picker.
#[derive(Default)]
pub struct NativeDialogs {
    unavailable: bool,
}

impl NativeDialogs {
    fn timed<T>(&mut self, empty: impl Fn(&T) -> bool, dialog: impl FnOnce() -> T) -> T {
        let started = std::time::Instant::now();
        let answer = dialog();
        self.unavailable = empty(&answer) && started.elapsed() < std::time::Duration::from_millis(200);
        answer
    }
}

impl FileDialogs for NativeDialogs {
    fn open_project(&mut self) -> Option<PathBuf> {
        self.timed(Option::is_none, || {
            rfd::FileDialog::new()
                .set_title("Open project")
                .add_filter("Marginalia project", &["ron"])
                .pick_file()
        })
    }

    fn save_project(&mut self, suggested: &str) -> Option<PathBuf> {
        self.timed(Option::is_none, || {
            rfd::FileDialog::new()
                .set_title("Save project")
                .add_filter("Marginalia project", &["ron"])
                .set_file_name(suggested)
                .save_file()
        })
    }

    fn pick_documents(&mut self) -> Vec<PathBuf> {
        self.timed(Vec::is_empty, || {
            rfd::FileDialog::new()
                .set_title("Add documents")
                .add_filter("Text", DOCUMENT_EXTENSIONS)
                .pick_files()
                .unwrap_or_default()
        })
    }

    fn pick_folder(&mut self) -> Option<PathBuf> {
        self.timed(Option::is_none, || {
            rfd::FileDialog::new()
                .set_title("Add a folder of documents (.txt, .md, in every subfolder)")
                .pick_folder()
        })
    }

    fn pick_gazetteer(&mut self) -> Option<PathBuf> {
        self.timed(Option::is_none, || {
            rfd::FileDialog::new()
                .set_title("Suggest from a gazetteer: TERM, LABEL[, ENTITY[, exact]] a line")
                .add_filter("Gazetteer", &["tsv", "csv", "txt"])
                .pick_file()
        })
    }

    fn pick_projects(&mut self) -> Vec<PathBuf> {
        self.timed(Vec::is_empty, || {
            rfd::FileDialog::new()
                .set_title("Compare annotators: choose two or more project files")
                .add_filter("Marginalia project", &["ron"])
                .pick_files()
                .unwrap_or_default()
        })
    }

    fn export_target(&mut self, format: Format, suggested: &str) -> Option<PathBuf> {
        self.timed(Option::is_none, || {
            let dialog = rfd::FileDialog::new().set_title("Export dataset");
            if format.exports_folder() {
                dialog.pick_folder()
            } else {
                dialog
                    .add_filter(format.name(), format.extensions())
                    .set_file_name(suggested)
                    .save_file()
            }
        })
    }

    fn import_inputs(&mut self, format: Format, folder: bool) -> Vec<PathBuf> {
        self.timed(Vec::is_empty, || {
            let dialog = rfd::FileDialog::new().set_title("Import dataset");
            if folder {
                dialog.pick_folder().into_iter().collect()
            } else {
                dialog
                    .add_filter(format.name(), format.extensions())
                    .pick_files()
                    .unwrap_or_default()
            }
        })
    }

    fn unavailable(&self) -> bool {
        self.unavailable
    }
}

/// Answers given in advance (tests).
#[derive(Default)]
pub struct ScriptedDialogs {
    pub open: Vec<PathBuf>,
    pub save: Vec<PathBuf>,
    pub documents: Vec<Vec<PathBuf>>,
    pub export_targets: Vec<PathBuf>,
    pub import_inputs: Vec<Vec<PathBuf>>,
    pub projects: Vec<Vec<PathBuf>>,
    pub folders: Vec<PathBuf>,
    pub gazetteers: Vec<PathBuf>,
    /// Act as a system with no dialogs at all (no portal).
    pub no_dialogs: bool,
}

impl FileDialogs for ScriptedDialogs {
    fn open_project(&mut self) -> Option<PathBuf> {
        (!self.open.is_empty()).then(|| self.open.remove(0))
    }

    fn save_project(&mut self, _suggested: &str) -> Option<PathBuf> {
        (!self.save.is_empty()).then(|| self.save.remove(0))
    }

    fn pick_documents(&mut self) -> Vec<PathBuf> {
        if self.documents.is_empty() {
            Vec::new()
        } else {
            self.documents.remove(0)
        }
    }

    fn export_target(&mut self, _format: Format, _suggested: &str) -> Option<PathBuf> {
        (!self.export_targets.is_empty()).then(|| self.export_targets.remove(0))
    }

    fn import_inputs(&mut self, _format: Format, _folder: bool) -> Vec<PathBuf> {
        if self.import_inputs.is_empty() {
            Vec::new()
        } else {
            self.import_inputs.remove(0)
        }
    }

    fn pick_projects(&mut self) -> Vec<PathBuf> {
        if self.projects.is_empty() {
            Vec::new()
        } else {
            self.projects.remove(0)
        }
    }

    fn pick_folder(&mut self) -> Option<PathBuf> {
        (!self.folders.is_empty()).then(|| self.folders.remove(0))
    }

    fn pick_gazetteer(&mut self) -> Option<PathBuf> {
        (!self.gazetteers.is_empty()).then(|| self.gazetteers.remove(0))
    }

    fn unavailable(&self) -> bool {
        self.no_dialogs
    }
}

/// A question the workbench is waiting on.
pub enum Modal {
    /// Unsaved changes would be lost by `then`.
    UnsavedChanges {
        then: Action,
    },
    /// A recovery copy was found on opening.
    Recovery {
        recovered: Box<Project>,
        summary: RecoverySummary,
        /// The first annotation changes, one line each ("doc: + actor “…”").
        changes: Vec<String>,
    },
    /// Saving found the file changed by another program.
    ChangedOnDisk,
    /// A label in use is being deleted.
    DeleteLabel {
        id: String,
        count: usize,
        /// Its suggestions (taken out with it).
        suggestions: usize,
        relabel_to: Option<String>,
        /// Why the step would be refused, for the choice it was tried
        /// with (tried again when the choice changes).
        checked: Option<(Option<String>, Option<String>)>,
    },
    Error {
        title: String,
        message: String,
    },
    /// The copy of a project that never had a file (a new gold project),
    /// left by a session that ended without saving it.
    RecoverUnsaved {
        file: PathBuf,
        name: String,
        annotations: usize,
    },
    /// "Save version with note…".
    SaveVersion {
        note: String,
    },
    /// The annotator's name, asked before the first annotation is recorded
    /// without one (or from Edit → Annotator name…); `then` is the action
    /// that was waiting for it.
    AskAuthor {
        name: String,
        then: Option<Box<Action>>,
    },
}

/// Shows the pending modal, if any (closing it when answered); returns the
/// answer as actions. `project` gives the labels a deleted label's
/// annotations may move to.
pub fn modal_ui(ctx: &egui::Context, pending: &mut Option<Modal>, project: Option<&Project>) -> Vec<Action> {
    let mut actions = Vec::new();
    let labels: Vec<(String, String)> = project
        .map(|p| p.schema.labels.iter().map(|l| (l.id.clone(), l.name.clone())).collect())
        .unwrap_or_default();
    let Some(modal) = pending else { return actions };
    let mut close = false;
    egui::Modal::new(Id::unique("marginalia-modal")).show(ctx, |ui| {
        ui.set_max_width(460.0);
        match modal {
            Modal::UnsavedChanges { then } => {
                ui.heading("Unsaved changes");
                ui.label("The project has changes that are not saved. Save them first?");
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() {
                        actions.push(Action::SaveThen(Box::new(then.clone())));
                        close = true;
                    }
                    if ui.button("Discard").clicked() {
                        actions.push(Action::DiscardChangesThen(Box::new(then.clone())));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                        close = true;
                    }
                });
            }
            Modal::Recovery { summary, changes, .. } => {
                ui.heading("Recover unsaved work?");
                ui.label(
                    "Marginalia found a recovery copy with work that was never saved (the program may have crashed).",
                );
                ui.add_space(4.0);
                ui.label(RichText::new(describe_summary(summary)).strong());
                for line in changes {
                    ui.add(egui::Label::new(line.as_str()).truncate());
                }
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("Restore").clicked() {
                        actions.push(Action::RestoreRecovery);
                    }
                    if ui.button("Discard the copy").clicked() {
                        actions.push(Action::DiscardRecovery);
                    }
                });
            }
            Modal::RecoverUnsaved {
                file,
                name,
                annotations,
            } => {
                ui.heading("Recover an unsaved project?");
                ui.label(format!(
                    "“{name}” ({annotations} annotations) was never saved: the program may have crashed before. \
                     Restore it, then save it with File → Save As…"
                ));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("Restore").clicked() {
                        actions.push(Action::RestoreUnsaved(file.clone()));
                        close = true;
                    }
                    if ui.button("Discard it").clicked() {
                        actions.push(Action::DiscardUnsaved(file.clone()));
                        close = true;
                    }
                });
            }
            Modal::ChangedOnDisk => {
                ui.heading("The project changed on disk");
                ui.label(
                    "Another program (git, a sync client, an editor) changed the project file since you opened it. \
                     Saving now replaces their version with yours; merging combines both, annotation by annotation.",
                );
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("Merge theirs into mine").clicked() {
                        actions.push(Action::MergeFromDisk);
                        close = true;
                    }
                    if ui.button("Overwrite with my version").clicked() {
                        actions.push(Action::SaveOverwriting);
                        close = true;
                    }
                    if ui.button("Reload theirs (lose my changes)").clicked() {
                        actions.push(Action::ReloadFromDisk);
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            }
            Modal::DeleteLabel {
                id,
                count,
                suggestions,
                relabel_to,
                checked,
            } => {
                // Named as the palette names them, not by id.
                let name_of = |l: &str| {
                    labels
                        .iter()
                        .find(|(lid, _)| lid == l)
                        .map_or_else(|| l.to_owned(), |(_, name)| name.clone())
                };
                ui.heading(format!("Delete label “{}”?", name_of(id)));
                ui.label(format!("{count} annotation(s) use this label."));
                if *suggestions > 0 {
                    ui.label(format!(
                        "{} of it will be taken out with it (Undo brings them back).",
                        crate::model::plural(*suggestions, "suggestion")
                    ));
                }
                ui.horizontal(|ui| {
                    ui.label("Relabel them as");
                    let shown = relabel_to.as_deref().map_or("(delete them)".to_owned(), name_of);
                    egui::ComboBox::from_id_salt("relabel-to")
                        .selected_text(shown)
                        .show_ui(ui, |ui| {
                            ui.selectable_value(relabel_to, None, "(delete them)");
                            for (lid, name) in labels.iter().filter(|(lid, _)| lid != id) {
                                ui.selectable_value(relabel_to, Some(lid.clone()), name);
                            }
                        })
                        .response
                        .accessible_name("Relabel them as");
                });
                // Tried before it is asked for: a relation type may not
                // allow the label its tags would become.
                if checked.as_ref().is_none_or(|(for_choice, _)| for_choice != relabel_to)
                    && let Some(p) = project
                {
                    let problem = crate::edit::delete_label_problem(p, id, relabel_to.as_deref());
                    *checked = Some((relabel_to.clone(), problem));
                }
                let problem = checked.as_ref().and_then(|(_, why)| why.clone());
                if let Some(why) = &problem {
                    ui.colored_label(ui.visuals().error_fg_color, format!("This cannot be done: {why}"));
                }
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(problem.is_none(), egui::Button::new("Delete label"))
                        .clicked()
                    {
                        actions.push(Action::DeleteLabel {
                            id: id.clone(),
                            relabel_to: relabel_to.clone(),
                        });
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            }
            Modal::AskAuthor { name, then } => {
                ui.heading("Who is annotating?");
                ui.label(
                    "Every annotation records its annotator, for agreement, review and provenance. \
                     Your name is kept in your settings (change it with Edit → Annotator name…) \
                     and used by the command line too.",
                );
                let label = ui.label("Your name");
                let field = ui
                    .add(
                        egui::TextEdit::singleline(name)
                            .hint_text("e.g. Léa Martin")
                            .desired_width(300.0),
                    )
                    .labelled_by(label.id);
                let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if !enter {
                    field.request_focus();
                }
                let valid = crate::user::clean(name).is_some();
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.add_enabled(valid, egui::Button::new("OK")).clicked() || (enter && valid) {
                        actions.push(Action::SetAuthor(name.clone(), then.take()));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            }
            Modal::SaveVersion { note } => {
                ui.heading("Save version with note");
                ui.label("The note is kept in the version history with this save (see Compare versions…).");
                let label = ui.label("Note");
                let field = ui
                    .add(
                        egui::TextEdit::singleline(note)
                            .hint_text("e.g. before inter-annotator review")
                            .desired_width(400.0),
                    )
                    .labelled_by(label.id);
                // Enter makes the field give up the keyboard: read that before
                // asking for it back (asking first hides the loss).
                let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if !enter {
                    field.request_focus();
                }
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(!note.trim().is_empty(), egui::Button::new("Save"))
                        .clicked()
                        || (enter && !note.trim().is_empty())
                    {
                        actions.push(Action::SaveWithNote(note.clone()));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            }
            Modal::Error { title, message } => {
                ui.heading(title.as_str());
                ui.label(message.as_str());
                if ui.button("OK").clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    close = true;
                }
            }
        }
    });
    if close {
        *pending = None;
    }
    actions
}

/// "3 annotations added, 1 removed, 2 changed; document statuses differ".
pub fn describe_summary(s: &RecoverySummary) -> String {
    let mut parts = Vec::new();
    if s.added > 0 {
        parts.push(format!("{} annotation(s) added", s.added));
    }
    if s.removed > 0 {
        parts.push(format!("{} removed", s.removed));
    }
    if s.changed > 0 {
        parts.push(format!("{} changed", s.changed));
    }
    parts.extend(s.other.iter().cloned());
    format!("Compared with the saved file: {}.", parts.join(", "))
}
