//! File → Export dataset…: the options of `marginalia export`, a preview
//! of the first records, and the export itself in the background with a
//! progress bar.
//!
//! The project is exported as it is in the workbench, unsaved changes
//! included (what the user sees is what they get).

use std::path::{Path, PathBuf};

use egui::{RichText, Ui};

use super::action::Action;
use super::dataset_options::{UNITS, choice, format_choice, scheme_choice};
use super::job::Job;
use crate::formats::preview::{ExportPreview, export_preview};
use crate::formats::{ExportOptions, Format, OutputGuard, OverlapPolicy};
use crate::model::{Project, Status};

/// Lines of preview shown.
const PREVIEW_LINES: usize = 24;

/// The formats offered, with what reads them.
const FORMATS: [(Format, &str); 4] = [
    (
        Format::Jsonl,
        "JSONL — one document per line (doccano, Hugging Face datasets, Python)",
    ),
    (
        Format::Conll,
        "CoNLL — one token per line with its tag (spaCy, seqeval, Flair)",
    ),
    (Format::Brat, "brat standoff — a folder of .txt and .ann files"),
    (Format::Csv, "CSV — one row per annotation (pandas, R, spreadsheets)"),
];

/// What a finished export did.
#[derive(Clone, Debug)]
pub struct ExportDone {
    pub path: PathBuf,
    pub format: Format,
    pub documents: usize,
    pub annotations: usize,
    pub warnings: Vec<String>,
}

/// The dialog's state.
pub struct ExportDialog {
    pub format: Format,
    pub options: ExportOptions,
    /// Where to write (a file, or a folder for brat).
    pub target: Option<PathBuf>,
    preview: Option<((Format, ExportOptions, u64), ExportPreview)>,
    authors: Vec<String>,
    job: Option<Job<Result<ExportDone, String>>>,
    /// The last export's outcome.
    pub outcome: Option<Result<ExportDone, String>>,
}

impl ExportDialog {
    pub fn new(project: &Project) -> ExportDialog {
        let mut authors: Vec<String> = project.annotations().iter().map(|a| a.author.clone()).collect();
        authors.sort();
        authors.dedup();
        ExportDialog {
            format: Format::Jsonl,
            options: ExportOptions::default(),
            target: None,
            preview: None,
            authors,
            job: None,
            outcome: None,
        }
    }

    /// True while an export runs.
    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    /// Starts writing `project` to the target in the background.
    pub fn start(&mut self, project: Project, project_path: Option<&Path>) {
        let Some(target) = self.target.clone() else { return };
        let guard = OutputGuard::new(project_path, &project);
        let (format, options) = (self.format, self.options.clone());
        self.outcome = None;
        self.job = Some(Job::spawn("Exporting", move |progress| {
            let exporter = format.exporter().ok_or("this format cannot be exported")?;
            let export = exporter
                .export(&project, &options, progress)
                .map_err(|e| e.to_string())?;
            export
                .write(&target, &guard)
                .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
            Ok(ExportDone {
                path: target,
                format,
                documents: export.documents,
                annotations: export.annotations,
                warnings: export.warnings,
            })
        }));
    }

    /// Picks up the result of a running export.
    fn poll(&mut self) {
        if let Some(result) = self.job.as_ref().and_then(Job::poll) {
            self.job = None;
            self.outcome = Some(result.and_then(|r| r));
        }
    }

    /// Shows the dialog for `project` (`problems`: how many problems the
    /// session has; exports wait until there are none). Returns whether it
    /// stays open, and the actions.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        project: &Project,
        revision: u64,
        problems: usize,
    ) -> (bool, Vec<Action>) {
        self.poll();
        let key = (self.format, self.options.clone(), revision);
        if self.preview.as_ref().is_none_or(|(k, _)| *k != key) {
            let preview = export_preview(project, self.format, &self.options, PREVIEW_LINES);
            self.preview = Some((key, preview));
        }
        let mut actions = Vec::new();
        let mut open = true;
        crate::gui::style::dialog_window(ctx, "Export dataset")
            .open(&mut open)
            .default_width(620.0)
            .min_width(600.0)
            .show(ctx, |ui| {
                self.options_ui(ui, project);
                ui.separator();
                self.target_ui(ui, &mut actions);
                self.preview_ui(ui);
                ui.separator();
                self.run_ui(ui, problems, &mut actions);
            });
        if !open && let Some(job) = &self.job {
            // Closing the window stops the export.
            job.cancel();
        }
        (open, actions)
    }

    fn options_ui(&mut self, ui: &mut Ui, project: &Project) {
        egui::Grid::new("export-options")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                ui.label("Format");
                if format_choice(ui, "Export format", &mut self.format, &FORMATS) {
                    // The chosen file was for the other format.
                    self.target = None;
                }
                ui.end_row();

                ui.label("Offsets");
                match self.format {
                    Format::Jsonl | Format::Csv => {
                        choice(ui, "Export offsets", &mut self.options.offsets, &UNITS);
                    }
                    Format::Brat => {
                        ui.weak("code points (brat's unit)");
                    }
                    _ => {
                        ui.weak("none: tokens carry the tags");
                    }
                }
                ui.end_row();

                if self.format == Format::Conll {
                    ui.label("Tags");
                    scheme_choice(ui, &mut self.options.scheme);
                    ui.end_row();
                    ui.label("Overlaps");
                    ui.horizontal(|ui| {
                        ui.radio_value(&mut self.options.overlaps, OverlapPolicy::Outer, "keep the outermost");
                        ui.radio_value(&mut self.options.overlaps, OverlapPolicy::Inner, "keep the innermost");
                    });
                    ui.end_row();
                }

                ui.label("Labels");
                ui.horizontal_wrapped(|ui| {
                    for label in &project.schema.labels {
                        let mut on = self.options.labels.as_ref().is_none_or(|ls| ls.contains(&label.id));
                        if ui.checkbox(&mut on, label.name.as_str()).changed() {
                            let mut chosen: Vec<String> = match &self.options.labels {
                                Some(ls) => ls.clone(),
                                None => project.schema.labels.iter().map(|l| l.id.clone()).collect(),
                            };
                            if on {
                                chosen.push(label.id.clone());
                            } else {
                                chosen.retain(|l| *l != label.id);
                            }
                            let all = project.schema.labels.iter().all(|l| chosen.contains(&l.id));
                            self.options.labels = if all { None } else { Some(chosen) };
                        }
                    }
                });
                ui.end_row();

                ui.label("Documents");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut self.options.status, None, "all");
                    for status in [Status::Todo, Status::InProgress, Status::Done] {
                        ui.radio_value(&mut self.options.status, Some(status), status.describe());
                    }
                });
                ui.end_row();

                ui.label("Annotator");
                let shown = self.options.author.clone().unwrap_or_else(|| "everyone".to_owned());
                egui::ComboBox::from_id_salt("export-author")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut self.options.author, None, "everyone");
                        for author in &self.authors {
                            ui.selectable_value(&mut self.options.author, Some(author.clone()), author);
                        }
                    })
                    .response
                    .accessible_name("Export annotator");
                ui.end_row();
            });
    }

    fn target_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        ui.horizontal(|ui| {
            ui.label(if self.format.exports_folder() { "Folder" } else { "File" });
            match &self.target {
                Some(path) => ui.monospace(path.display().to_string()),
                None => ui.weak("not chosen yet"),
            };
            if ui.button("Choose…").clicked() {
                actions.push(Action::PickExportTarget);
            }
        });
        if self.format.exports_folder() {
            ui.weak("Files of the same name in the folder are replaced.");
        }
    }

    fn preview_ui(&self, ui: &mut Ui) {
        let Some((_, preview)) = &self.preview else { return };
        ui.add_space(4.0);
        let mut summary = format!(
            "{} document(s), {} annotation(s) will be exported.",
            preview.documents, preview.annotations
        );
        if preview.dropped > 0 {
            summary.push_str(&format!(
                " {} overlapping annotation(s) cannot be in the one tag column and will be left out (listed after the export).",
                preview.dropped
            ));
        }
        ui.label(summary);
        ui.label(RichText::new("Preview: the first records").strong());
        egui::ScrollArea::both()
            .max_height(220.0)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                if preview.lines.is_empty() {
                    ui.weak("(nothing to export)");
                }
                for line in &preview.lines {
                    ui.add(egui::Label::new(RichText::new(line).monospace()).wrap());
                }
            });
    }

    fn run_ui(&mut self, ui: &mut Ui, problems: usize, actions: &mut Vec<Action>) {
        if problems > 0 {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!(
                    "The project has {problems} problem(s) (see the banner): fix them first, so that every offset is exact."
                ),
            );
        }
        if let Some(job) = &self.job {
            if job.ui(ui) {
                job.cancel();
            }
            return;
        }
        match &self.outcome {
            Some(Ok(done)) => {
                ui.label(
                    RichText::new(format!(
                        "Exported {} document(s), {} annotation(s) to {} ({}).",
                        done.documents,
                        done.annotations,
                        done.path.display(),
                        done.format
                    ))
                    .strong(),
                );
                if !done.warnings.is_empty() {
                    egui::CollapsingHeader::new(format!("{} warning(s)", done.warnings.len()))
                        .default_open(true)
                        .show(ui, |ui| {
                            egui::ScrollArea::vertical().max_height(140.0).show(ui, |ui| {
                                for w in &done.warnings {
                                    ui.label(w);
                                }
                            });
                        });
                }
            }
            Some(Err(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, format!("Export failed: {e}"));
            }
            None => {}
        }
        let ready = self.target.is_some() && problems == 0;
        if ui.add_enabled(ready, egui::Button::new("Export")).clicked() {
            actions.push(Action::StartExport);
        }
    }
}
