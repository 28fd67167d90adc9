//! The commands of menus and keyboard shortcuts, in one list (as rerun's
//! `UICommand`): each has its menu text and shortcut, so menus show the
//! keys and the keyboard handler needs no second table.

use egui::{Key, KeyboardShortcut, Modifiers};

use super::action::Action;
use crate::agreement::adjudicate::Decision;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UiCommand {
    NewProject,
    OpenProject,
    AddDocuments,
    Save,
    SaveAs,
    SaveVersion,
    CloseProject,
    Quit,
    Undo,
    Redo,
    RedoAlt,
    Find,
    FindNext,
    FindPrevious,
    Delete,
    EditLabels,
    CycleStatus,
    NextAnnotation,
    PreviousAnnotation,
    NextDocument,
    PreviousDocument,
    ToggleTheme,
    ZoomIn,
    ZoomInAlt,
    ZoomOut,
    ZoomReset,
    ToggleSnap,
    Compare,
    Export,
    Import,
    Review,
    ReviewAcceptA,
    ReviewAcceptB,
    ReviewAcceptBoth,
    ReviewReject,
    ReviewNext,
    ReviewPrevious,
    ReviewAgreements,
    NextConflict,
    Shortcuts,
}

impl UiCommand {
    /// Every command, in menu order.
    pub const ALL: &[UiCommand] = &[
        UiCommand::NewProject,
        UiCommand::OpenProject,
        UiCommand::AddDocuments,
        UiCommand::Save,
        UiCommand::SaveAs,
        UiCommand::SaveVersion,
        UiCommand::CloseProject,
        UiCommand::Quit,
        UiCommand::Undo,
        UiCommand::Redo,
        UiCommand::RedoAlt,
        UiCommand::Find,
        UiCommand::FindNext,
        UiCommand::FindPrevious,
        UiCommand::Delete,
        UiCommand::EditLabels,
        UiCommand::CycleStatus,
        UiCommand::NextAnnotation,
        UiCommand::PreviousAnnotation,
        UiCommand::NextDocument,
        UiCommand::PreviousDocument,
        UiCommand::ToggleTheme,
        UiCommand::ZoomIn,
        UiCommand::ZoomInAlt,
        UiCommand::ZoomOut,
        UiCommand::ZoomReset,
        UiCommand::ToggleSnap,
        UiCommand::Compare,
        UiCommand::Export,
        UiCommand::Import,
        UiCommand::Review,
        UiCommand::ReviewAcceptA,
        UiCommand::ReviewAcceptB,
        UiCommand::ReviewAcceptBoth,
        UiCommand::ReviewReject,
        UiCommand::ReviewNext,
        UiCommand::ReviewPrevious,
        UiCommand::ReviewAgreements,
        UiCommand::NextConflict,
        UiCommand::Shortcuts,
    ];

    /// Menu text.
    pub fn text(self) -> &'static str {
        match self {
            UiCommand::NewProject => "New project…",
            UiCommand::OpenProject => "Open project…",
            UiCommand::AddDocuments => "Add documents…",
            UiCommand::Save => "Save",
            UiCommand::SaveAs => "Save As…",
            UiCommand::SaveVersion => "Save version with note…",
            UiCommand::CloseProject => "Close project",
            UiCommand::Quit => "Quit",
            UiCommand::Undo => "Undo",
            UiCommand::Redo | UiCommand::RedoAlt => "Redo",
            UiCommand::Find => "Find…",
            UiCommand::FindNext => "Find next",
            UiCommand::FindPrevious => "Find previous",
            UiCommand::Delete => "Delete annotation",
            UiCommand::EditLabels => "Edit labels…",
            UiCommand::CycleStatus => "Cycle document status",
            UiCommand::NextAnnotation => "Next annotation in the list",
            UiCommand::PreviousAnnotation => "Previous annotation in the list",
            UiCommand::NextDocument => "Next document",
            UiCommand::PreviousDocument => "Previous document",
            UiCommand::ToggleTheme => "Dark theme",
            UiCommand::ZoomIn | UiCommand::ZoomInAlt => "Larger text",
            UiCommand::ZoomOut => "Smaller text",
            UiCommand::ZoomReset => "Reset text size",
            UiCommand::ToggleSnap => "Snap selections to words",
            UiCommand::Compare => "Compare versions…",
            UiCommand::Export => "Export dataset…",
            UiCommand::Import => "Import dataset…",
            UiCommand::Review => "Compare annotators…",
            UiCommand::ReviewAcceptA => "Accept A",
            UiCommand::ReviewAcceptB => "Accept B",
            UiCommand::ReviewAcceptBoth => "Accept both",
            UiCommand::ReviewReject => "Reject both",
            UiCommand::ReviewNext => "Next disagreement",
            UiCommand::ReviewPrevious => "Previous disagreement",
            UiCommand::ReviewAgreements => "Accept all agreements",
            UiCommand::NextConflict => "Next merge conflict",
            UiCommand::Shortcuts => "Keyboard shortcuts",
        }
    }

    /// The keyboard shortcut, if any.
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        let cmd = Modifiers::COMMAND;
        let cmd_shift = Modifiers::COMMAND.plus(Modifiers::SHIFT);
        let k = |m, key| Some(KeyboardShortcut::new(m, key));
        match self {
            UiCommand::NewProject => k(cmd, Key::N),
            UiCommand::OpenProject => k(cmd, Key::O),
            UiCommand::AddDocuments => k(cmd_shift, Key::O),
            UiCommand::Save => k(cmd, Key::S),
            UiCommand::SaveAs => k(cmd_shift, Key::S),
            UiCommand::SaveVersion => k(Modifiers::COMMAND.plus(Modifiers::ALT), Key::S),
            UiCommand::CloseProject => k(cmd, Key::W),
            UiCommand::Quit => k(cmd, Key::Q),
            UiCommand::Undo => k(cmd, Key::Z),
            UiCommand::Redo => k(cmd_shift, Key::Z),
            UiCommand::RedoAlt => k(cmd, Key::Y),
            UiCommand::Find => k(cmd, Key::F),
            UiCommand::FindNext => k(Modifiers::NONE, Key::F3),
            UiCommand::FindPrevious => k(Modifiers::SHIFT, Key::F3),
            UiCommand::Delete => k(Modifiers::NONE, Key::Delete),
            UiCommand::EditLabels => k(cmd, Key::L),
            UiCommand::CycleStatus => k(cmd, Key::D),
            UiCommand::NextAnnotation => k(Modifiers::ALT, Key::ArrowDown),
            UiCommand::PreviousAnnotation => k(Modifiers::ALT, Key::ArrowUp),
            UiCommand::NextDocument => k(cmd, Key::PageDown),
            UiCommand::PreviousDocument => k(cmd, Key::PageUp),
            UiCommand::ToggleTheme => None,
            UiCommand::ZoomIn => k(cmd, Key::Plus),
            UiCommand::ZoomInAlt => k(cmd, Key::Equals),
            UiCommand::ZoomOut => k(cmd, Key::Minus),
            UiCommand::ZoomReset => k(cmd, Key::Num0),
            UiCommand::ToggleSnap => None,
            UiCommand::Compare => k(cmd_shift, Key::D),
            UiCommand::Export => k(cmd, Key::E),
            UiCommand::Import => k(cmd, Key::I),
            UiCommand::Review => k(cmd_shift, Key::R),
            UiCommand::ReviewAcceptA => k(Modifiers::ALT, Key::A),
            UiCommand::ReviewAcceptB => k(Modifiers::ALT, Key::B),
            UiCommand::ReviewAcceptBoth => k(Modifiers::ALT, Key::D),
            UiCommand::ReviewReject => k(Modifiers::ALT, Key::R),
            UiCommand::ReviewNext => k(Modifiers::ALT, Key::N),
            UiCommand::ReviewPrevious => k(Modifiers::ALT, Key::P),
            UiCommand::ReviewAgreements => k(Modifiers::ALT, Key::G),
            UiCommand::NextConflict => k(Modifiers::ALT, Key::C),
            UiCommand::Shortcuts => k(Modifiers::NONE, Key::F1),
        }
    }

    /// True for commands that must not fire while a text field has the
    /// keyboard (there, Delete and Ctrl+Z belong to the field).
    pub fn yields_to_text_fields(self) -> bool {
        // Alt+letter review keys could be meant for the field (AltGr layouts).
        matches!(
            self,
            UiCommand::Undo
                | UiCommand::Redo
                | UiCommand::RedoAlt
                | UiCommand::Delete
                | UiCommand::ReviewAcceptA
                | UiCommand::ReviewAcceptB
                | UiCommand::ReviewAcceptBoth
                | UiCommand::ReviewReject
                | UiCommand::ReviewNext
                | UiCommand::ReviewPrevious
                | UiCommand::ReviewAgreements
                | UiCommand::NextConflict
                | UiCommand::NextAnnotation
                | UiCommand::PreviousAnnotation
                | UiCommand::NextDocument
                | UiCommand::PreviousDocument
        )
    }

    /// What the command does, given the current document (for commands
    /// that act on it).
    pub fn action(self, current_doc: Option<&str>) -> Option<Action> {
        Some(match self {
            UiCommand::NewProject => Action::NewProject,
            UiCommand::OpenProject => Action::OpenProject,
            UiCommand::AddDocuments => Action::AddDocuments,
            UiCommand::Save => Action::Save,
            UiCommand::SaveAs => Action::SaveAs,
            UiCommand::SaveVersion => Action::SaveVersionDialog,
            UiCommand::CloseProject => Action::CloseProject,
            UiCommand::Quit => Action::Quit,
            UiCommand::Undo => Action::Undo,
            UiCommand::Redo | UiCommand::RedoAlt => Action::Redo,
            UiCommand::Find => Action::OpenFind,
            UiCommand::FindNext => Action::FindNext,
            UiCommand::FindPrevious => Action::FindPrevious,
            UiCommand::Delete => Action::DeleteSelected,
            UiCommand::EditLabels => Action::OpenSchemaEditor,
            UiCommand::CycleStatus => Action::CycleStatus(current_doc?.to_owned()),
            UiCommand::NextAnnotation => Action::SelectNeighbour { forward: true },
            UiCommand::PreviousAnnotation => Action::SelectNeighbour { forward: false },
            UiCommand::NextDocument => Action::NeighbourDocument { forward: true },
            UiCommand::PreviousDocument => Action::NeighbourDocument { forward: false },
            UiCommand::ToggleTheme => Action::ToggleTheme,
            UiCommand::ZoomIn | UiCommand::ZoomInAlt => Action::ZoomIn,
            UiCommand::ZoomOut => Action::ZoomOut,
            UiCommand::ZoomReset => Action::ZoomReset,
            UiCommand::ToggleSnap => Action::ToggleSnap,
            UiCommand::Compare => Action::OpenCompare,
            UiCommand::Export => Action::OpenExport,
            UiCommand::Import => Action::OpenImport,
            UiCommand::Review => Action::OpenReview { into_current: false },
            UiCommand::ReviewAcceptA => Action::ReviewDecideCurrent(Decision::AcceptA),
            UiCommand::ReviewAcceptB => Action::ReviewDecideCurrent(Decision::AcceptB),
            UiCommand::ReviewAcceptBoth => Action::ReviewDecideCurrent(Decision::AcceptBoth),
            UiCommand::ReviewReject => Action::ReviewDecideCurrent(Decision::RejectBoth),
            UiCommand::ReviewNext => Action::ReviewNext(true),
            UiCommand::ReviewPrevious => Action::ReviewNext(false),
            UiCommand::ReviewAgreements => Action::ReviewAcceptAgreements,
            UiCommand::NextConflict => Action::NextConflict,
            UiCommand::Shortcuts => Action::ShowShortcuts,
        })
    }

    /// A menu button for the command (with its shortcut shown); returns
    /// the action when clicked.
    pub fn menu_button(self, ui: &mut egui::Ui, current_doc: Option<&str>) -> Option<Action> {
        let mut button = egui::Button::new(self.text());
        if let Some(shortcut) = self.shortcut() {
            button = button.shortcut_text(ui.ctx().format_shortcut(&shortcut));
        }
        let enabled = self.action(current_doc).is_some();
        if ui.add_enabled(enabled, button).clicked() {
            return self.action(current_doc);
        }
        None
    }

    /// Commands whose shortcut was pressed this frame (consuming the keys).
    ///
    /// egui matches shortcuts "logically" (Ctrl+Z also matches Ctrl+Shift+Z),
    /// so shortcuts with more modifiers are tried first.
    pub fn pressed(ctx: &egui::Context, text_field_focused: bool) -> Vec<UiCommand> {
        let mut commands: Vec<(UiCommand, KeyboardShortcut)> = UiCommand::ALL
            .iter()
            .copied()
            .filter(|c| !(text_field_focused && c.yields_to_text_fields()))
            .filter_map(|c| c.shortcut().map(|s| (c, s)))
            .collect();
        let count = |m: Modifiers| {
            [m.alt, m.ctrl, m.shift, m.mac_cmd, m.command]
                .iter()
                .filter(|b| **b)
                .count()
        };
        commands.sort_by_key(|(_, s)| std::cmp::Reverse(count(s.modifiers)));
        ctx.input_mut(|input| {
            commands
                .into_iter()
                .filter(|(_, s)| input.consume_shortcut(s))
                .map(|(c, _)| c)
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_are_unique() {
        let shortcuts: Vec<_> = UiCommand::ALL.iter().filter_map(|c| c.shortcut()).collect();
        for (i, a) in shortcuts.iter().enumerate() {
            for b in &shortcuts[i + 1..] {
                assert_ne!(a, b, "two commands share a shortcut");
            }
        }
    }

    #[test]
    fn status_cycling_needs_a_document() {
        assert_eq!(UiCommand::CycleStatus.action(None), None);
        assert_eq!(
            UiCommand::CycleStatus.action(Some("d")),
            Some(Action::CycleStatus("d".into()))
        );
    }
}
