//! The start screen: recent projects, New project…, Open project….

use egui::{RichText, Ui};

use crate::gui::action::Action;
use crate::gui::settings::Settings;

pub fn start_ui(ui: &mut Ui, settings: &Settings) -> Vec<Action> {
    let mut actions = Vec::new();
    egui::CentralPanel::default().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(ui.available_height() * 0.15);
            ui.heading(RichText::new("Marginalia").size(34.0));
            ui.label("Read source documents; tag events, claims and actors.");
            ui.add_space(24.0);
            ui.horizontal(|ui| {
                let width = 3.0 * 160.0 + 2.0 * ui.spacing().item_spacing.x;
                ui.add_space(((ui.available_width() - width) / 2.0).max(0.0));
                if ui.add_sized([160.0, 32.0], egui::Button::new("New project…")).clicked() {
                    actions.push(Action::NewProject);
                }
                if ui
                    .add_sized([160.0, 32.0], egui::Button::new("Open project…"))
                    .clicked()
                {
                    actions.push(Action::OpenProject);
                }
                if ui
                    .add_sized([160.0, 32.0], egui::Button::new("Import dataset…"))
                    .on_hover_text("JSONL (doccano), CoNLL, brat, or plain text files")
                    .clicked()
                {
                    actions.push(Action::OpenImport);
                }
            });
            ui.add_space(24.0);
            if !settings.recent.is_empty() {
                ui.label(RichText::new("Recent projects").strong());
                ui.add_space(4.0);
                for path in &settings.recent {
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let exists = path.exists();
                    let button = egui::Button::new(format!("{name}   {}", path.display())).frame(false);
                    if ui
                        .add_enabled(exists, button)
                        .on_disabled_hover_text("This file no longer exists")
                        .clicked()
                    {
                        actions.push(Action::Open(path.clone()));
                    }
                }
            }
            ui.add_space(16.0);
            ui.weak("You can also drop a project file (.ron) on this window.");
        });
    });
    actions
}
