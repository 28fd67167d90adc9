//! The menu bar: File, Edit, View, Review, Help.

use egui::Ui;

use std::path::PathBuf;

use crate::gui::action::Action;
use crate::gui::commands::UiCommand;

/// What the menus read.
pub struct MenuInput<'a> {
    pub current_doc: Option<&'a str>,
    /// A project is open.
    pub open: bool,
    pub recent: &'a [PathBuf],
    pub dark: bool,
    pub snap_to_words: bool,
    /// What Undo and Redo would do ("tag “…” as Event").
    pub undo: Option<String>,
    pub redo: Option<String>,
    pub reviewing: bool,
}

pub fn menu_bar(ui: &mut Ui, input: &MenuInput<'_>) -> Vec<Action> {
    let mut actions = Vec::new();
    let doc = input.current_doc;
    let open = input.open;
    egui::Panel::top("menu-bar").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                for c in [UiCommand::NewProject, UiCommand::OpenProject, UiCommand::Import] {
                    actions.extend(c.menu_button(ui, doc));
                }
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
                ui.separator();
                ui.add_enabled_ui(open, |ui| {
                    for c in [
                        UiCommand::AddDocuments,
                        UiCommand::Save,
                        UiCommand::SaveAs,
                        UiCommand::SaveVersion,
                        UiCommand::Export,
                        UiCommand::CloseProject,
                    ] {
                        actions.extend(c.menu_button(ui, doc));
                    }
                });
                ui.separator();
                actions.extend(UiCommand::Quit.menu_button(ui, doc));
            });
            ui.add_enabled_ui(open, |ui| {
                ui.menu_button("Edit", |ui| {
                    let (undo, redo) = (&input.undo, &input.redo);
                    let undo_text = undo.as_ref().map_or("Undo".to_owned(), |d| format!("Undo {d}"));
                    let redo_text = redo.as_ref().map_or("Redo".to_owned(), |d| format!("Redo {d}"));
                    let shortcut =
                        |c: UiCommand| c.shortcut().map(|s| ui.ctx().format_shortcut(&s)).unwrap_or_default();
                    let (undo_keys, redo_keys) = (shortcut(UiCommand::Undo), shortcut(UiCommand::Redo));
                    if ui
                        .add_enabled(undo.is_some(), egui::Button::new(undo_text).shortcut_text(undo_keys))
                        .clicked()
                    {
                        actions.push(Action::Undo);
                    }
                    if ui
                        .add_enabled(redo.is_some(), egui::Button::new(redo_text).shortcut_text(redo_keys))
                        .clicked()
                    {
                        actions.push(Action::Redo);
                    }
                    ui.separator();
                    for c in [UiCommand::Find, UiCommand::FindNext, UiCommand::FindPrevious] {
                        actions.extend(c.menu_button(ui, doc));
                    }
                    ui.separator();
                    for c in [
                        UiCommand::Delete,
                        UiCommand::CycleStatus,
                        UiCommand::EditLabels,
                        UiCommand::AnnotatorName,
                    ] {
                        actions.extend(c.menu_button(ui, doc));
                    }
                    ui.separator();
                    for c in [
                        UiCommand::NextAnnotation,
                        UiCommand::PreviousAnnotation,
                        UiCommand::NextDocument,
                        UiCommand::PreviousDocument,
                    ] {
                        actions.extend(c.menu_button(ui, doc));
                    }
                });
            });
            ui.menu_button("View", |ui| {
                let mut dark = input.dark;
                if ui.checkbox(&mut dark, UiCommand::ToggleTheme.text()).changed() {
                    actions.push(Action::ToggleTheme);
                }
                let mut snap = input.snap_to_words;
                if ui.checkbox(&mut snap, UiCommand::ToggleSnap.text()).changed() {
                    actions.push(Action::ToggleSnap);
                }
                ui.separator();
                ui.add_enabled_ui(open, |ui| actions.extend(UiCommand::Compare.menu_button(ui, doc)));
                ui.separator();
                for c in [UiCommand::ZoomIn, UiCommand::ZoomOut, UiCommand::ZoomReset] {
                    actions.extend(c.menu_button(ui, doc));
                }
            });
            ui.menu_button("Review", |ui| {
                actions.extend(UiCommand::Review.menu_button(ui, doc));
                if ui
                    .add_enabled(open, egui::Button::new("Continue adjudication in this project…"))
                    .on_hover_text("Compare annotators again and adjudicate into the open (gold) project")
                    .clicked()
                {
                    actions.push(Action::OpenReview { into_current: true });
                }
                ui.separator();
                ui.add_enabled_ui(input.reviewing, |ui| {
                    for c in [
                        UiCommand::ReviewNext,
                        UiCommand::ReviewPrevious,
                        UiCommand::ReviewAcceptA,
                        UiCommand::ReviewAcceptB,
                        UiCommand::ReviewAcceptBoth,
                        UiCommand::ReviewReject,
                        UiCommand::ReviewAgreements,
                    ] {
                        actions.extend(c.menu_button(ui, doc));
                    }
                    if ui.button("Close review").clicked() {
                        actions.push(Action::CloseReview);
                    }
                });
                ui.separator();
                ui.add_enabled_ui(open, |ui| actions.extend(UiCommand::NextConflict.menu_button(ui, doc)));
            });
            ui.menu_button("Help", |ui| {
                actions.extend(UiCommand::CommandPalette.menu_button(ui, doc));
                actions.extend(UiCommand::Shortcuts.menu_button(ui, doc));
                ui.separator();
                ui.label(format!("Marginalia {}", env!("CARGO_PKG_VERSION")));
            });
        });
    });
    actions
}
