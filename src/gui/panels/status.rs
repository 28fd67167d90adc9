//! The status bar: document, caret position in code points, selection,
//! counts, save state and the last message.

use egui::Ui;

use crate::gui::view::DocumentView;
use crate::gui::workbench::UiState;
use crate::session::Session;

pub fn status_bar(ui: &mut Ui, session: &Session, state: &UiState, view: Option<&DocumentView>) {
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            let project = session.project();
            if let Some(doc) = state.current_doc.as_deref().and_then(|d| project.document(d)) {
                ui.label(&doc.id);
                ui.separator();
                match (&state.selection.text, state.selection.cursor) {
                    (Some(sel), _) => {
                        ui.label(format!(
                            "selection [{}, {}) · {} chars",
                            sel.start,
                            sel.end,
                            sel.end - sel.start
                        ));
                    }
                    (None, Some(cp)) => {
                        ui.label(format!("position {cp}"));
                    }
                    _ => {
                        ui.label(format!("{} chars", doc.text.len_chars()));
                    }
                }
                ui.separator();
                ui.label(format!(
                    "{} annotations here · {} in project",
                    project.annotations_of(&doc.id).len(),
                    project.annotations().len()
                ));
                if let Some(range) = view.and_then(DocumentView::visible_range) {
                    let pct = 100.0 * range.end as f32 / doc.text.len_chars().max(1) as f32;
                    ui.separator();
                    ui.weak(format!("{:.0}%", pct.min(100.0)));
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if session.is_dirty() {
                    ui.colored_label(ui.visuals().warn_fg_color, "● Unsaved changes");
                } else {
                    ui.weak("Saved");
                }
                if let Some(message) = &state.message {
                    ui.separator();
                    ui.label(message);
                }
            });
        });
    });
}
