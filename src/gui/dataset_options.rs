//! Widgets shared by the export and import dialogs: format, offset unit
//! and tagging scheme choosers.

use egui::Ui;

use crate::formats::{Format, Scheme};
use crate::model::OffsetUnit;

/// Offset units, with what slices that way.
pub const UNITS: [(OffsetUnit, &str); 3] = [
    (OffsetUnit::CodePoint, "code points — Python's text[start:end]"),
    (OffsetUnit::Utf16, "UTF-16 code units — JavaScript, Java, doccano"),
    (OffsetUnit::Byte, "UTF-8 bytes — Rust, Go, C"),
];

/// A combo box choosing one of `choices` (value and description);
/// `name` is its accessible name. Returns the combo's response.
pub fn choice<T: Copy + PartialEq>(ui: &mut Ui, name: &str, value: &mut T, choices: &[(T, &str)]) -> egui::Response {
    let shown = choices.iter().find(|(v, _)| v == value).map_or("", |(_, d)| *d);
    egui::ComboBox::from_id_salt(name)
        .selected_text(shown)
        .width(460.0)
        .show_ui(ui, |ui| {
            for (v, description) in choices {
                ui.selectable_value(value, *v, *description);
            }
        })
        .response
        .accessible_name(name)
}

/// The format chooser; true when the format changed.
pub fn format_choice(ui: &mut Ui, name: &str, format: &mut Format, choices: &[(Format, &str)]) -> bool {
    let before = *format;
    choice(ui, name, format, choices);
    *format != before
}

/// IOB2 / IOB1 / BIOES.
pub fn scheme_choice(ui: &mut Ui, scheme: &mut Scheme) {
    ui.horizontal(|ui| {
        for (s, text) in [(Scheme::Iob2, "IOB2"), (Scheme::Iob1, "IOB1"), (Scheme::Bioes, "BIOES")] {
            ui.radio_value(scheme, s, text);
        }
    });
}
