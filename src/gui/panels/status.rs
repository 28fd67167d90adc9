//! The status bar: document, caret position in code points, selection,
//! counts, save state and the last message. During a comparison it speaks
//! of the compared document instead (see [`crate::gui::compare::Comparison::status_ui`]).

use egui::Ui;

use crate::gui::compare::Comparison;
use crate::gui::view::{DocumentView, Selection, caret_text};
use crate::session::Session;

/// The status bar of the workbench: the current document, its caret and
/// selection, the place in the text, the save state and the last message.
pub fn status_bar(
    ui: &mut Ui,
    session: &Session,
    current_doc: Option<&str>,
    selection: &Selection,
    message: Option<&str>,
    view: Option<&DocumentView>,
) {
    bar(ui, session, message, |ui| {
        let project = session.project();
        let Some(doc) = current_doc.and_then(|d| project.document(d)) else {
            return;
        };
        ui.label(&doc.id);
        ui.separator();
        ui.label(caret_text(selection, doc.text.len_chars()));
        ui.separator();
        ui.label(format!(
            "{} annotations here · {} in project",
            project.annotations_of(&doc.id).len(),
            project.annotations().len()
        ));
        if let Some(range) = view.and_then(DocumentView::visible_range) {
            ui.separator();
            ui.weak(place_in_text(range, doc.text.len_chars()));
        }
        if !doc.text_matches() {
            ui.separator();
            ui.colored_label(
                ui.visuals().warn_fg_color,
                "text changed: tags not shown until re-anchored",
            );
        }
    });
}

/// The status bar while two versions are compared: the compared document,
/// not the one open behind the comparison.
pub fn comparison_status_bar(ui: &mut Ui, session: &Session, comparison: &Comparison, message: Option<&str>) {
    bar(ui, session, message, |ui| comparison.status_ui(ui));
}

/// Where the view is in the text: "top", "end", "all", or how far down the
/// first visible character is.
pub fn place_in_text(visible: std::ops::Range<usize>, len: usize) -> String {
    match (visible.start == 0, visible.end >= len) {
        (true, true) => "all".to_owned(),
        (true, false) => "top".to_owned(),
        (false, true) => "end".to_owned(),
        (false, false) => format!("{:.0}%", 100.0 * visible.start as f32 / len.max(1) as f32),
    }
}

/// The bar itself: `left` on the left, save state and the last message on
/// the right.
fn bar(ui: &mut Ui, session: &Session, message: Option<&str>, left: impl FnOnce(&mut Ui)) {
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            left(ui);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if session.is_dirty() {
                    ui.colored_label(ui.visuals().warn_fg_color, "● Unsaved changes");
                } else {
                    ui.weak("Saved");
                }
                if let Some(message) = message {
                    ui.separator();
                    // Cut to the room left, not over the left part.
                    ui.add(egui::Label::new(message).truncate()).on_hover_text(message);
                }
            });
        });
    });
}
