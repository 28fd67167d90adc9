//! The command palette (Ctrl+Shift+P): every command of the menus, found
//! by typing part of its name (accents and case ignored, words in any
//! order), with its shortcuts shown, so that a command is never more than
//! a few keys away and its shortcut is learnt on the way.

use egui::{Key, RichText};

use crate::gui::action::Action;
use crate::gui::commands::UiCommand;
use crate::model::fold_str_for_search;

/// The palette's own state: what is typed and which line is chosen.
#[derive(Debug, Default)]
pub struct CommandPalette {
    pub query: String,
    selected: usize,
    focused: bool,
}

impl CommandPalette {
    /// The commands that can run now (given the current document) and
    /// whose name holds every word of the query, in menu order.
    pub fn matches(&self, current_doc: Option<&str>) -> Vec<UiCommand> {
        let words: Vec<String> = fold_str_for_search(&self.query)
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        UiCommand::all()
            .filter(|c| *c != UiCommand::CommandPalette && c.action(current_doc).is_some())
            .filter(|c| {
                let text = fold_str_for_search(c.text());
                words.iter().all(|w| text.contains(w.as_str()))
            })
            .collect()
    }

    /// Shows the palette. Returns whether it stays open and the action of
    /// the command chosen (Enter or a click), if any.
    pub fn ui(&mut self, ctx: &egui::Context, current_doc: Option<&str>) -> (bool, Option<Action>) {
        let matches = self.matches(current_doc);
        self.selected = self.selected.min(matches.len().saturating_sub(1));
        let (mut keep, mut chosen) = (true, None);
        let (up, down, enter, escape) = ctx.input_mut(|i| {
            (
                i.consume_key(egui::Modifiers::NONE, Key::ArrowUp),
                i.consume_key(egui::Modifiers::NONE, Key::ArrowDown),
                i.key_pressed(Key::Enter),
                i.consume_key(egui::Modifiers::NONE, Key::Escape),
            )
        });
        if down && self.selected + 1 < matches.len() {
            self.selected += 1;
        }
        if up {
            self.selected = self.selected.saturating_sub(1);
        }
        egui::Window::new("Commands")
            .collapsible(false)
            .resizable(false)
            .title_bar(false)
            .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 60.0))
            .fixed_size(egui::vec2(460.0, 0.0))
            .show(ctx, |ui| {
                let field = ui.add(
                    egui::TextEdit::singleline(&mut self.query)
                        .hint_text("Type a command (e.g. “export”, “undo”, “next”)")
                        .desired_width(f32::INFINITY),
                );
                let field = field.accessible_name("Command");
                if !self.focused {
                    field.request_focus();
                    self.focused = true;
                }
                if field.changed() {
                    self.selected = 0;
                }
                ui.separator();
                egui::ScrollArea::vertical()
                    .max_height(360.0)
                    .min_scrolled_height(300.0)
                    .show(ui, |ui| {
                        if matches.is_empty() {
                            ui.weak("No command matches");
                        }
                        for (i, c) in matches.iter().enumerate() {
                            let keys = c.shortcut_text(ui.ctx());
                            let button = egui::Button::selectable(i == self.selected, c.text())
                                .shortcut_text(RichText::new(keys).weak())
                                .min_size(egui::vec2(ui.available_width(), 0.0));
                            let response = ui.add(button);
                            if i == self.selected && (up || down) {
                                response.scroll_to_me(None);
                            }
                            if response.clicked() {
                                chosen = c.action(current_doc);
                            }
                        }
                    });
            });
        if enter && let Some(c) = matches.get(self.selected) {
            chosen = c.action(current_doc);
        }
        if chosen.is_some() || escape {
            keep = false;
        }
        (keep, chosen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_any_order_accents_and_case_ignored() {
        let mut p = CommandPalette {
            query: "EXPORT".into(),
            ..Default::default()
        };
        assert_eq!(p.matches(Some("d")), [UiCommand::Export]);
        p.query = "next disagreement".into();
        assert_eq!(p.matches(Some("d")), [UiCommand::ReviewNext]);
        p.query = "annotation next".into();
        assert_eq!(p.matches(Some("d")), [UiCommand::NextAnnotation]);
        p.query = String::new();
        let all = p.matches(Some("d"));
        assert!(all.len() > 35 && !all.contains(&UiCommand::CommandPalette));
        // Commands that cannot run now are not offered.
        p.query = "status".into();
        assert!(p.matches(None).is_empty());
        assert_eq!(p.matches(Some("d")), [UiCommand::CycleStatus]);
    }
}
