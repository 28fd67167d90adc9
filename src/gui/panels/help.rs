//! The keyboard shortcuts window (F1).

use crate::gui::commands::UiCommand;

pub fn shortcuts_window(ctx: &egui::Context, open: &mut bool) {
    crate::gui::style::dialog_window(ctx, "Keyboard shortcuts")
        .open(open)
        .resizable(false)
        .show(ctx, |ui| {
            // Longer than a small window is tall: it scrolls.
            let height = (ctx.content_rect().height() - 120.0).max(200.0);
            egui::ScrollArea::vertical()
                .max_height(height)
                .min_scrolled_height(height)
                .show(ui, shortcuts_grid);
        });
}

fn shortcuts_grid(ui: &mut egui::Ui) {
    egui::Grid::new("shortcuts")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            let rows: [(&str, &str); 8] = [
                (
                    "1, 2, 3… or a label's first letter",
                    "Tag the selection (or relabel the selected annotation)",
                ),
                ("Double-click", "Select a word"),
                ("Shift+click", "Extend the selection"),
                (
                    "Click on a tag",
                    "Select the annotation (again: the next one under the pointer)",
                ),
                (
                    "Shift+← / Shift+→",
                    "Move the selected annotation's end (Ctrl: by word)",
                ),
                ("Alt+Shift+← / →", "Move the selected annotation's start"),
                ("Delete / Backspace", "Delete the selected annotation"),
                ("Esc", "Clear the selection"),
            ];
            for (keys, what) in rows {
                ui.strong(keys);
                ui.label(what);
                ui.end_row();
            }
            for c in UiCommand::all().filter(|c| !c.shortcuts().is_empty()) {
                ui.strong(c.shortcut_text(ui.ctx()));
                ui.label(c.text());
                ui.end_row();
            }
        });
}
