//! The document list: title, status (click to cycle), annotation count,
//! metadata (outlet, date, document labels), a filter over titles and
//! metadata, and the project's overall progress.

use egui::{RichText, Ui};

use crate::gui::action::Action;
use crate::model::{Project, Status};

/// The symbol shown for a status.
pub fn status_symbol(status: Status) -> &'static str {
    match status {
        Status::Todo => "○",
        Status::InProgress => "◐",
        Status::Done => "●",
    }
}

/// The list of `project`'s documents, `current_doc` highlighted.
pub fn documents_panel(ui: &mut Ui, project: &Project, current_doc: Option<&str>, filter: &mut String) -> Vec<Action> {
    let mut actions = Vec::new();
    // In a narrow window the side panels give way to the text.
    let room = ui.available_width();
    egui::Panel::left("documents")
        .resizable(true)
        .default_size(250.0_f32.min(room * 0.2))
        .min_size(150.0)
        .max_size((room * 0.22).max(150.0))
        .show(ui, |ui| {
            ui.add_space(4.0);
            ui.heading(&project.name);
            let done = project.documents.iter().filter(|d| d.status == Status::Done).count();
            let total = project.documents.len();
            // Short enough to stay inside the bar at the panel's narrowest.
            ui.add(
                egui::ProgressBar::new(if total == 0 { 0.0 } else { done as f32 / total as f32 })
                    .text(format!("{done}/{total} done")),
            )
            .on_hover_text(format!("{done} of {total} documents marked done"));
            ui.add_space(4.0);
            ui.add(
                egui::TextEdit::singleline(filter)
                    .hint_text("Filter: title, outlet, date…")
                    .desired_width(f32::INFINITY),
            )
            .accessible_name("Filter documents");
            ui.separator();
            let needle = crate::model::fold_str_for_search(filter.trim());
            egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
                for doc in &project.documents {
                    let meta = super::structure::metadata_line(project, doc);
                    if !needle.is_empty()
                        && !crate::model::fold_str_for_search(&doc.title).contains(&needle)
                        && !crate::model::fold_str_for_search(&meta).contains(&needle)
                    {
                        continue;
                    }
                    let count = project.annotations_of(&doc.id).len();
                    let selected = current_doc == Some(&doc.id);
                    ui.horizontal(|ui| {
                        let status = ui
                            .add(egui::Button::new(status_symbol(doc.status)).frame(false))
                            .on_hover_text(format!("{} — click to change (Ctrl+D)", doc.status.name()));
                        if status.clicked() {
                            actions.push(Action::CycleStatus(doc.id.clone()));
                        }
                        let title = RichText::new(&doc.title);
                        let row = ui.add(egui::Button::selectable(selected, title).truncate());
                        let row = row.on_hover_text(format!("{}\n{} · {count} annotations", doc.title, doc.path));
                        if row.clicked() {
                            actions.push(Action::SelectDocument(doc.id.clone()));
                        }
                    });
                    ui.horizontal(|ui| {
                        ui.add_space(22.0);
                        ui.weak(format!("{count} annotations · {}", doc.status.name().replace('_', " ")));
                    });
                    if !meta.is_empty() {
                        ui.horizontal(|ui| {
                            ui.add_space(22.0);
                            ui.add(egui::Label::new(RichText::new(&meta).weak().small()).truncate())
                                .on_hover_text(&meta);
                        });
                    }
                }
            });
        });
    actions
}
