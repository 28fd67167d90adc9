//! The menu bar: File, Edit, View, Review, Help, drawn from the commands
//! themselves ([`UiCommand::place`] says where each sits), with the few
//! entries that are not commands (Recent projects, Continue adjudication,
//! Close review, the version) beside the command they follow.

use std::path::PathBuf;

use egui::Ui;
use strum::IntoEnumIterator;

use crate::gui::action::Action;
use crate::gui::commands::{Menu, Needs, UiCommand};

/// What the menus read.
pub struct MenuInput<'a> {
    pub current_doc: Option<&'a str>,
    /// A project is open.
    pub open: bool,
    pub recent: &'a [PathBuf],
    pub dark: bool,
    pub snap_to_words: bool,
    pub all_relations: bool,
    /// What Undo and Redo would do ("tag “…” as Event").
    pub undo: Option<String>,
    pub redo: Option<String>,
    pub reviewing: bool,
    /// An annotation is selected (Delete has something to delete).
    pub annotation_selected: bool,
    /// Annotations with merge conflicts (Next merge conflict has one to go to).
    pub conflicts: usize,
}

pub fn menu_bar(ui: &mut Ui, input: &MenuInput<'_>) -> Vec<Action> {
    let mut actions = Vec::new();
    let bar = egui::Panel::top("menu-bar").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            for menu in Menu::iter() {
                ui.menu_button(menu.title(), |ui| {
                    let mut group = None;
                    for c in UiCommand::all().filter(|c| c.place().0 == menu) {
                        let g = c.place().1;
                        if group.is_some_and(|last| last != g) {
                            ui.separator();
                        }
                        group = Some(g);
                        let offered = match c.needs() {
                            Needs::Nothing => true,
                            Needs::Project => input.open,
                            Needs::Review => input.reviewing,
                        } && match c {
                            UiCommand::Delete => input.annotation_selected,
                            UiCommand::NextConflict => input.conflicts > 0,
                            _ => true,
                        };
                        ui.add_enabled_ui(offered, |ui| actions.extend(entry(ui, c, input)));
                        actions.extend(after(ui, c, input));
                    }
                    if menu == Menu::Help {
                        ui.separator();
                        ui.label(format!("Marginalia {}", env!("CARGO_PKG_VERSION")));
                    }
                });
            }
        });
    });
    let screen = ui.ctx().content_rect();
    crate::gui::style::set_dialog_area(ui.ctx(), screen.with_min_y(bar.response.rect.max.y));
    actions
}

/// The menu entry of `c`: a button with its shortcut, a checkbox for the
/// settings that are on or off, Undo and Redo saying what they would do.
fn entry(ui: &mut Ui, c: UiCommand, input: &MenuInput<'_>) -> Option<Action> {
    let doc = input.current_doc;
    match c {
        UiCommand::ToggleTheme | UiCommand::ToggleSnap | UiCommand::ToggleAllRelations => {
            let mut on = match c {
                UiCommand::ToggleTheme => input.dark,
                UiCommand::ToggleSnap => input.snap_to_words,
                _ => input.all_relations,
            };
            ui.checkbox(&mut on, c.text())
                .changed()
                .then(|| c.action(doc))
                .flatten()
        }
        UiCommand::Undo | UiCommand::Redo => {
            let what = if c == UiCommand::Undo { &input.undo } else { &input.redo };
            let text = what
                .as_ref()
                .map_or_else(|| c.text().to_owned(), |d| format!("{} {d}", c.text()));
            let keys = c.shortcut().map(|s| ui.ctx().format_shortcut(&s)).unwrap_or_default();
            ui.add_enabled(what.is_some(), egui::Button::new(text).shortcut_text(keys))
                .clicked()
                .then(|| c.action(doc))
                .flatten()
        }
        _ => c.menu_button(ui, doc),
    }
}

/// The entries that are not commands, after the command they belong with.
fn after(ui: &mut Ui, c: UiCommand, input: &MenuInput<'_>) -> Vec<Action> {
    let mut actions = Vec::new();
    match c {
        UiCommand::Import => {
            ui.menu_button("Recent", |ui| {
                if input.recent.is_empty() {
                    ui.weak("No recent projects");
                }
                for path in input.recent {
                    // A project moved or deleted since: shown, greyed.
                    let exists = path.is_file();
                    let text = if exists {
                        path.display().to_string()
                    } else {
                        format!("{} (missing)", path.display())
                    };
                    if ui.add_enabled(exists, egui::Button::new(text)).clicked() {
                        actions.push(Action::Open(path.clone()));
                    }
                }
            });
        }
        UiCommand::Review => {
            let button = ui
                .add_enabled(input.open, egui::Button::new("Continue adjudication in this project…"))
                .on_hover_text("Compare annotators again and adjudicate into the open (gold) project");
            if button.clicked() {
                actions.push(Action::OpenReview { into_current: true });
            }
        }
        UiCommand::ReviewAgreements => {
            let button = ui.add_enabled(input.reviewing, egui::Button::new("Close review"));
            if button.clicked() {
                actions.push(Action::CloseReview);
            }
        }
        _ => {}
    }
    actions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_sits_in_a_menu_with_its_neighbours() {
        // Groups never interleave: a menu lists its groups in order, so
        // each separator stands between two groups.
        for menu in Menu::iter() {
            let groups: Vec<u8> = UiCommand::all()
                .filter(|c| c.place().0 == menu)
                .map(|c| c.place().1)
                .collect();
            assert!(!groups.is_empty(), "{menu:?} has commands");
            assert!(groups.windows(2).all(|w| w[0] <= w[1]), "{menu:?}: {groups:?}");
        }
        assert_eq!(UiCommand::Save.place().0, Menu::File);
        assert_eq!(UiCommand::ReviewAcceptA.needs(), Needs::Review);
    }
}
