//! Banners above the document: files changed on disk by other programs,
//! and problems found when the project was loaded.

use egui::{RichText, Ui};

use crate::gui::action::Action;
use crate::gui::workbench::UiState;
use crate::persist::watch::DiskChange;
use crate::session::Session;

pub fn banners(ui: &mut Ui, session: &Session, state: &UiState) -> Vec<Action> {
    let mut actions = Vec::new();
    if !state.disk_changes.is_empty() {
        egui::Frame::group(ui.style())
            .fill(ui.visuals().warn_fg_color.gamma_multiply(0.15))
            .show(ui, |ui| {
                let what: Vec<String> = state
                    .disk_changes
                    .iter()
                    .map(|c| match c {
                        DiskChange::Project => "the project file".to_owned(),
                        DiskChange::Document(d) => format!("document {d}"),
                    })
                    .collect();
                ui.label(RichText::new(format!("Changed on disk by another program: {}.", what.join(", "))).strong());
                ui.horizontal(|ui| {
                    let reload = if session.is_dirty() {
                        "Reload (drop my unsaved changes)"
                    } else {
                        "Reload"
                    };
                    if ui.button(reload).clicked() {
                        actions.push(Action::ReloadFromDisk);
                    }
                    if ui.button("Keep my version").clicked() {
                        actions.push(Action::KeepMine);
                    }
                });
            });
    }
    for doc in session.project().documents.iter().filter(|d| !d.text_matches()) {
        egui::Frame::group(ui.style())
            .fill(ui.visuals().warn_fg_color.gamma_multiply(0.15))
            .show(ui, |ui| {
                let count = session.project().annotations_of(&doc.id).len();
                ui.label(
                    RichText::new(format!(
                        "The text of {} changed since it was annotated: its {count} annotation(s) point into the old text.",
                        doc.id
                    ))
                    .strong(),
                );
                ui.horizontal(|ui| {
                    if ui
                        .button("Re-anchor")
                        .on_hover_text("Move the annotations onto the new text (undoable); spans whose text was deleted are kept as orphans")
                        .clicked()
                    {
                        actions.push(Action::Reanchor(doc.id.clone()));
                    }
                    if ui.button("Choose the old text…").clicked() {
                        actions.push(Action::ReanchorWithFile(doc.id.clone()));
                    }
                });
            });
    }
    // Problems that no longer hold (a re-anchored document) are not shown.
    let problems = session.current_problems();
    if !problems.is_empty() {
        egui::CollapsingHeader::new(
            RichText::new(format!(
                "⚠ {} problem(s) found when the project was loaded",
                problems.len()
            ))
            .color(ui.visuals().warn_fg_color),
        )
        .id_salt("load-problems")
        .show(ui, |ui| {
            egui::ScrollArea::vertical().max_height(120.0).show(ui, |ui| {
                for p in &problems {
                    ui.label(p.to_string());
                }
            });
            ui.weak(
                "Edits to affected documents may be refused until the problems are fixed (see `marginalia validate`).",
            );
        });
    }
    actions
}
