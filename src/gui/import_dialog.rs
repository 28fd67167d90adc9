//! File → Import dataset…: the options of `marginalia import`. Choosing
//! the input reads it at once, in the background, and shows what was
//! found (documents, labels, the first spans) and what would be skipped;
//! "Create project…" then writes the new project and opens it.

use std::path::PathBuf;

use egui::{RichText, Ui};

use super::action::Action;
use super::dataset_options::{UNITS, choice, format_choice, scheme_choice};
use super::job::Job;
use crate::formats::preview::import_summary;
use crate::formats::{Format, ImportOptions, Imported};

/// The formats offered, with what writes them.
const FORMATS: [(Format, &str); 4] = [
    (
        Format::Jsonl,
        "JSONL — Marginalia's or doccano's (label / labels / entities)",
    ),
    (
        Format::Conll,
        "CoNLL — one token per line with its tag (IOB2, IOB1, BIOES)",
    ),
    (
        Format::Brat,
        "brat standoff — .ann files with their .txt, or their folder",
    ),
    (Format::Text, "Plain text — .txt and .md files become documents"),
];

/// The dialog's state.
pub struct ImportDialog {
    pub format: Format,
    pub options: ImportOptions,
    pub inputs: Vec<PathBuf>,
    /// The inputs and options the last reading was for.
    read_for: Option<(Format, ImportOptions, Vec<PathBuf>)>,
    job: Option<Job<Result<Imported, String>>>,
    /// What reading the inputs gave.
    pub read: Option<Result<Imported, String>>,
    /// Why creating the project failed.
    pub error: Option<String>,
}

impl ImportDialog {
    pub fn new(author: String) -> ImportDialog {
        ImportDialog {
            format: Format::Jsonl,
            options: ImportOptions {
                author,
                ..ImportOptions::default()
            },
            inputs: Vec::new(),
            read_for: None,
            job: None,
            read: None,
            error: None,
        }
    }

    /// True while the inputs are being read.
    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    /// The import, once the inputs were read without error.
    pub fn imported(&self) -> Option<&Imported> {
        self.read.as_ref().and_then(|r| r.as_ref().ok())
    }

    /// Reads the inputs again if they or the options changed.
    fn refresh(&mut self) {
        if let Some(result) = self.job.as_ref().and_then(Job::poll) {
            self.job = None;
            self.read = Some(result.and_then(|r| r));
        }
        let key = (self.format, self.options.clone(), self.inputs.clone());
        if self.inputs.is_empty() || self.read_for.as_ref() == Some(&key) {
            return;
        }
        if let Some(job) = self.job.take() {
            job.cancel();
        }
        self.read = None;
        self.error = None;
        self.read_for = Some(key);
        let (format, options, inputs) = (self.format, self.options.clone(), self.inputs.clone());
        self.job = Some(Job::spawn("Reading", move |progress| {
            let importer = format.importer().ok_or("this format cannot be imported")?;
            importer.import(&inputs, &options, progress).map_err(|e| e.to_string())
        }));
    }

    /// Shows the dialog; returns whether it stays open, and the actions.
    pub fn ui(&mut self, ctx: &egui::Context) -> (bool, Vec<Action>) {
        self.refresh();
        let mut actions = Vec::new();
        let mut open = true;
        crate::gui::style::dialog_window(ctx, "Import dataset")
            .open(&mut open)
            .default_width(620.0)
            .min_width(600.0)
            .show(ctx, |ui| {
                self.options_ui(ui, &mut actions);
                ui.separator();
                self.result_ui(ui, &mut actions);
            });
        if !open && let Some(job) = &self.job {
            job.cancel();
        }
        (open, actions)
    }

    fn options_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        egui::Grid::new("import-options")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                ui.label("Format");
                if format_choice(ui, "Import format", &mut self.format, &FORMATS) {
                    self.inputs.clear();
                    self.read = None;
                    self.read_for = None;
                }
                ui.end_row();

                if self.format == Format::Jsonl {
                    ui.label("Offsets");
                    choice(ui, "Import offsets", &mut self.options.offsets, &UNITS).on_hover_text(
                        "For records whose meta does not name their unit (doccano counts UTF-16 units).",
                    );
                    ui.end_row();
                }
                if self.format == Format::Conll {
                    ui.label("Tags");
                    scheme_choice(ui, &mut self.options.scheme);
                    ui.end_row();
                }
                if self.format != Format::Text {
                    let label = ui.label("Annotator");
                    ui.add(egui::TextEdit::singleline(&mut self.options.author).desired_width(220.0))
                        .labelled_by(label.id)
                        .on_hover_text("Author of the imported annotations whose file names none.");
                    ui.end_row();
                    ui.label("");
                    ui.checkbox(
                        &mut self.options.lenient,
                        "Import what is valid and list what is skipped",
                    );
                    ui.end_row();
                }

                ui.label("Input");
                ui.vertical(|ui| {
                    for input in self.inputs.iter().take(6) {
                        ui.monospace(input.display().to_string());
                    }
                    if self.inputs.len() > 6 {
                        ui.weak(format!("… and {} more", self.inputs.len() - 6));
                    }
                    ui.horizontal(|ui| {
                        if ui.button("Choose files…").clicked() {
                            actions.push(Action::PickImportInputs { folder: false });
                        }
                        if ui.button("Choose folder…").clicked() {
                            actions.push(Action::PickImportInputs { folder: true });
                        }
                    });
                });
                ui.end_row();
            });
    }

    fn result_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        if let Some(job) = &self.job {
            if job.ui(ui) {
                job.cancel();
            }
            return;
        }
        match &self.read {
            None => {
                ui.weak("Choose the files to import: what they hold is shown here before anything is written.");
            }
            Some(Err(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, e);
                if self.format != Format::Text && !self.options.lenient {
                    ui.weak("Nothing was imported. Fix the file, or import what is valid (the option above).");
                }
            }
            Some(Ok(imported)) => {
                ui.label(RichText::new("Found").strong());
                egui::ScrollArea::both()
                    .max_height(220.0)
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        for line in import_summary(imported, 5, 6) {
                            ui.add(egui::Label::new(RichText::new(line).monospace()).wrap());
                        }
                    });
                if !imported.skipped.is_empty() {
                    egui::CollapsingHeader::new(format!("{} skipped", imported.skipped.len()))
                        .default_open(true)
                        .show(ui, |ui| {
                            // Only the rows on screen: a lenient import can skip thousands.
                            let row = ui.text_style_height(&egui::TextStyle::Body);
                            let skipped = &imported.skipped;
                            egui::ScrollArea::vertical().max_height(120.0).show_rows(
                                ui,
                                row,
                                skipped.len(),
                                |ui, rows| {
                                    for s in &skipped[rows] {
                                        // One line each, so that every row has the height show_rows assumes.
                                        let text = s.to_string();
                                        ui.add(egui::Label::new(&text).truncate()).on_hover_text(text);
                                    }
                                },
                            );
                        });
                }
                if !imported.notes.is_empty() {
                    egui::CollapsingHeader::new(format!("{} note(s)", imported.notes.len())).show(ui, |ui| {
                        for n in &imported.notes {
                            ui.label(n);
                        }
                    });
                }
                if let Some(e) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                ui.add_space(4.0);
                if ui.button("Create project…").clicked() {
                    actions.push(Action::CreateImportedProject);
                }
                ui.weak("The documents are written beside the new project file.");
            }
        }
    }
}
