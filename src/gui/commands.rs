//! The commands of menus, keyboard shortcuts and the command palette, in
//! one list (as rerun's `UICommand`): each has its text and its shortcuts,
//! so the menus, the keyboard handler, the shortcuts window (F1) and the
//! palette (Ctrl+Shift+P) are all generated from it.

use egui::{Key, KeyboardShortcut, Modifiers};
use strum::{EnumIter, IntoEnumIterator};

use super::action::Action;
use crate::agreement::adjudicate::Decision;

/// Every command, in menu order ([`UiCommand::all`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter)]
pub enum UiCommand {
    // File
    NewProject,
    OpenProject,
    Import,
    AddDocuments,
    AddFolder,
    Save,
    SaveAs,
    SaveVersion,
    Export,
    CloseProject,
    Quit,
    // Edit
    Undo,
    Redo,
    Find,
    SearchAll,
    FindNext,
    FindPrevious,
    Delete,
    Link,
    Roles,
    AddPiece,
    CycleStatus,
    EditLabels,
    AnnotatorName,
    NextAnnotation,
    PreviousAnnotation,
    PickAll,
    NextDocument,
    PreviousDocument,
    // View
    ToggleTheme,
    ToggleSnap,
    ToggleAllRelations,
    Overview,
    Compare,
    ZoomIn,
    ZoomOut,
    ZoomReset,
    // Review
    Review,
    ReviewNext,
    ReviewPrevious,
    ReviewAcceptA,
    ReviewAcceptB,
    ReviewAcceptBoth,
    ReviewReject,
    ReviewAgreements,
    NextConflict,
    SuggestFromProject,
    SuggestFromGazetteer,
    NextSuggestion,
    PreviousSuggestion,
    AcceptSuggestion,
    RejectSuggestion,
    // Help
    CommandPalette,
    Shortcuts,
}

/// The menus of the menu bar, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter)]
pub enum Menu {
    File,
    Edit,
    View,
    Review,
    Help,
}

impl Menu {
    pub fn title(self) -> &'static str {
        match self {
            Menu::File => "File",
            Menu::Edit => "Edit",
            Menu::View => "View",
            Menu::Review => "Review",
            Menu::Help => "Help",
        }
    }
}

/// What a command needs to be offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    /// An open project.
    Project,
    /// An open review.
    Review,
}

impl UiCommand {
    /// Every command, in menu order.
    pub fn all() -> impl Iterator<Item = UiCommand> {
        UiCommand::iter()
    }

    /// Menu text.
    pub fn text(self) -> &'static str {
        match self {
            UiCommand::NewProject => "New project…",
            UiCommand::OpenProject => "Open project…",
            UiCommand::AddDocuments => "Add documents…",
            UiCommand::AddFolder => "Add a folder of documents…",
            UiCommand::Save => "Save",
            UiCommand::SaveAs => "Save As…",
            UiCommand::SaveVersion => "Save version with note…",
            UiCommand::CloseProject => "Close project",
            UiCommand::Quit => "Quit",
            UiCommand::Undo => "Undo",
            UiCommand::Redo => "Redo",
            UiCommand::Find => "Find…",
            UiCommand::SearchAll => "Search all documents…",
            UiCommand::FindNext => "Find next",
            UiCommand::FindPrevious => "Find previous",
            UiCommand::Delete => "Delete annotation",
            UiCommand::Link => "Link to another annotation…",
            UiCommand::Roles => "Assign the event's roles…",
            UiCommand::AddPiece => "Add the selected text as a piece of the annotation",
            UiCommand::ToggleAllRelations => "Show all relations in view",
            UiCommand::Overview => "Corpus overview…",
            UiCommand::EditLabels => "Edit labels…",
            UiCommand::CycleStatus => "Cycle document status",
            UiCommand::NextAnnotation => "Next annotation in the list",
            UiCommand::PreviousAnnotation => "Previous annotation in the list",
            UiCommand::PickAll => "Select every annotation in the list",
            UiCommand::NextDocument => "Next document",
            UiCommand::PreviousDocument => "Previous document",
            UiCommand::ToggleTheme => "Dark theme",
            UiCommand::ZoomIn => "Larger text",
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
            UiCommand::NextSuggestion => "Next suggestion",
            UiCommand::PreviousSuggestion => "Previous suggestion",
            UiCommand::AcceptSuggestion => "Accept the suggestion",
            UiCommand::RejectSuggestion => "Reject the suggestion",
            UiCommand::SuggestFromProject => "Suggest what the project tags elsewhere",
            UiCommand::SuggestFromGazetteer => "Suggest from a gazetteer…",
            UiCommand::AnnotatorName => "Annotator name…",
            UiCommand::CommandPalette => "Command palette…",
            UiCommand::Shortcuts => "Keyboard shortcuts",
        }
    }

    /// Where the command sits in the menu bar: its menu, and its group
    /// there (a separator between groups). The menus are drawn from this.
    pub fn place(self) -> (Menu, u8) {
        use UiCommand::*;
        match self {
            NewProject | OpenProject | Import => (Menu::File, 0),
            AddDocuments | AddFolder | Save | SaveAs | SaveVersion | Export | CloseProject => (Menu::File, 1),
            Quit => (Menu::File, 2),
            Undo | Redo => (Menu::Edit, 0),
            Find | SearchAll | FindNext | FindPrevious => (Menu::Edit, 1),
            Delete | Link | Roles | AddPiece | CycleStatus | EditLabels | AnnotatorName => (Menu::Edit, 2),
            NextAnnotation | PreviousAnnotation | PickAll | NextDocument | PreviousDocument => (Menu::Edit, 3),
            ToggleTheme | ToggleSnap | ToggleAllRelations => (Menu::View, 0),
            Overview | Compare => (Menu::View, 1),
            ZoomIn | ZoomOut | ZoomReset => (Menu::View, 2),
            Review => (Menu::Review, 0),
            ReviewNext | ReviewPrevious | ReviewAcceptA | ReviewAcceptB | ReviewAcceptBoth | ReviewReject
            | ReviewAgreements => (Menu::Review, 1),
            NextConflict => (Menu::Review, 2),
            SuggestFromProject | SuggestFromGazetteer => (Menu::Review, 3),
            NextSuggestion | PreviousSuggestion | AcceptSuggestion | RejectSuggestion => (Menu::Review, 4),
            CommandPalette | Shortcuts => (Menu::Help, 0),
        }
    }

    /// What must be open for the command to be offered in the menus.
    pub fn needs(self) -> Needs {
        use UiCommand::*;
        match self {
            NewProject | OpenProject | Import | Quit | ToggleTheme | ToggleSnap | ToggleAllRelations | ZoomIn
            | ZoomOut | ZoomReset | Review | CommandPalette | Shortcuts | AnnotatorName => Needs::Nothing,
            ReviewNext | ReviewPrevious | ReviewAcceptA | ReviewAcceptB | ReviewAcceptBoth | ReviewReject
            | ReviewAgreements => Needs::Review,
            _ => Needs::Project,
        }
    }

    /// The keyboard shortcuts, the first one shown in menus.
    pub fn shortcuts(self) -> Vec<KeyboardShortcut> {
        let cmd = Modifiers::COMMAND;
        let cmd_shift = Modifiers::COMMAND.plus(Modifiers::SHIFT);
        let k = KeyboardShortcut::new;
        match self {
            UiCommand::NewProject => vec![k(cmd, Key::N)],
            UiCommand::OpenProject => vec![k(cmd, Key::O)],
            UiCommand::AddDocuments => vec![k(cmd_shift, Key::O)],
            UiCommand::Save => vec![k(cmd, Key::S)],
            UiCommand::SaveAs => vec![k(cmd_shift, Key::S)],
            UiCommand::SaveVersion => vec![k(Modifiers::COMMAND.plus(Modifiers::ALT), Key::S)],
            UiCommand::CloseProject => vec![k(cmd, Key::W)],
            UiCommand::Quit => vec![k(cmd, Key::Q)],
            UiCommand::Undo => vec![k(cmd, Key::Z)],
            UiCommand::Redo => vec![k(cmd_shift, Key::Z), k(cmd, Key::Y)],
            UiCommand::Find => vec![k(cmd, Key::F)],
            UiCommand::SearchAll => vec![k(cmd_shift, Key::F)],
            UiCommand::FindNext => vec![k(Modifiers::NONE, Key::F3)],
            UiCommand::FindPrevious => vec![k(Modifiers::SHIFT, Key::F3)],
            UiCommand::Delete => vec![k(Modifiers::NONE, Key::Delete)],
            UiCommand::Link => vec![k(cmd, Key::K)],
            UiCommand::Roles => vec![k(cmd, Key::R)],
            UiCommand::AddPiece => vec![k(cmd, Key::J)],
            UiCommand::ToggleAllRelations => vec![k(cmd_shift, Key::K)],
            UiCommand::EditLabels => vec![k(cmd, Key::L)],
            UiCommand::CycleStatus => vec![k(cmd, Key::D)],
            UiCommand::NextAnnotation => vec![k(Modifiers::ALT, Key::ArrowDown)],
            UiCommand::PreviousAnnotation => vec![k(Modifiers::ALT, Key::ArrowUp)],
            UiCommand::PickAll => vec![k(cmd, Key::A)],
            UiCommand::NextDocument => vec![k(cmd, Key::PageDown)],
            UiCommand::PreviousDocument => vec![k(cmd, Key::PageUp)],
            UiCommand::ToggleTheme
            | UiCommand::ToggleSnap
            | UiCommand::AnnotatorName
            | UiCommand::Overview
            | UiCommand::AddFolder => Vec::new(),
            UiCommand::ZoomIn => vec![k(cmd, Key::Plus), k(cmd, Key::Equals)],
            UiCommand::ZoomOut => vec![k(cmd, Key::Minus)],
            UiCommand::ZoomReset => vec![k(cmd, Key::Num0)],
            UiCommand::Compare => vec![k(cmd_shift, Key::D)],
            UiCommand::Export => vec![k(cmd, Key::E)],
            UiCommand::Import => vec![k(cmd, Key::I)],
            UiCommand::Review => vec![k(cmd_shift, Key::R)],
            UiCommand::ReviewAcceptA => vec![k(Modifiers::ALT, Key::A)],
            UiCommand::ReviewAcceptB => vec![k(Modifiers::ALT, Key::B)],
            UiCommand::ReviewAcceptBoth => vec![k(Modifiers::ALT, Key::D)],
            UiCommand::ReviewReject => vec![k(Modifiers::ALT, Key::R)],
            UiCommand::ReviewNext => vec![k(Modifiers::ALT, Key::N)],
            UiCommand::ReviewPrevious => vec![k(Modifiers::ALT, Key::P)],
            UiCommand::ReviewAgreements => vec![k(Modifiers::ALT, Key::G)],
            UiCommand::NextConflict => vec![k(Modifiers::ALT, Key::C)],
            UiCommand::NextSuggestion => vec![k(Modifiers::NONE, Key::F4)],
            UiCommand::PreviousSuggestion => vec![k(Modifiers::SHIFT, Key::F4)],
            UiCommand::AcceptSuggestion => vec![k(cmd, Key::Enter)],
            UiCommand::RejectSuggestion => vec![k(cmd, Key::Delete)],
            UiCommand::SuggestFromProject | UiCommand::SuggestFromGazetteer => Vec::new(),
            UiCommand::CommandPalette => vec![k(cmd_shift, Key::P)],
            UiCommand::Shortcuts => vec![k(Modifiers::NONE, Key::F1)],
        }
    }

    /// The first shortcut, as menus show it.
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        self.shortcuts().first().copied()
    }

    /// Every shortcut, as text ("Ctrl+Shift+Z, Ctrl+Y").
    pub fn shortcut_text(self, ctx: &egui::Context) -> String {
        let keys: Vec<String> = self.shortcuts().iter().map(|s| ctx.format_shortcut(s)).collect();
        keys.join(", ")
    }

    /// True for commands that must not fire while a text field has the
    /// keyboard (there, Delete and Ctrl+Z belong to the field).
    pub fn yields_to_text_fields(self) -> bool {
        // Alt+letter review keys could be meant for the field (AltGr layouts).
        matches!(
            self,
            UiCommand::Undo
                | UiCommand::Redo
                | UiCommand::Delete
                | UiCommand::ReviewAcceptA
                | UiCommand::ReviewAcceptB
                | UiCommand::ReviewAcceptBoth
                | UiCommand::ReviewReject
                | UiCommand::ReviewNext
                | UiCommand::ReviewPrevious
                | UiCommand::ReviewAgreements
                | UiCommand::NextConflict
                | UiCommand::NextSuggestion
                | UiCommand::PreviousSuggestion
                | UiCommand::AcceptSuggestion
                | UiCommand::RejectSuggestion
                | UiCommand::NextAnnotation
                | UiCommand::PreviousAnnotation
                | UiCommand::PickAll
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
            UiCommand::AddFolder => Action::AddFolder,
            UiCommand::Save => Action::Save,
            UiCommand::SaveAs => Action::SaveAs,
            UiCommand::SaveVersion => Action::SaveVersionDialog,
            UiCommand::CloseProject => Action::CloseProject,
            UiCommand::Quit => Action::Quit,
            UiCommand::Undo => Action::Undo,
            UiCommand::Redo => Action::Redo,
            UiCommand::Find => Action::OpenFind,
            UiCommand::SearchAll => Action::ToggleCorpusSearch,
            UiCommand::FindNext => Action::FindNext,
            UiCommand::FindPrevious => Action::FindPrevious,
            UiCommand::Delete => Action::DeleteSelected,
            UiCommand::Link => Action::StartLinking,
            UiCommand::Roles => Action::StartRoles,
            UiCommand::AddPiece => Action::AddPiece,
            UiCommand::ToggleAllRelations => Action::ToggleAllRelations,
            UiCommand::Overview => Action::ToggleOverview,
            UiCommand::EditLabels => Action::OpenSchemaEditor,
            UiCommand::CycleStatus => Action::CycleStatus(current_doc?.to_owned()),
            UiCommand::NextAnnotation => Action::SelectNeighbour { forward: true },
            UiCommand::PreviousAnnotation => Action::SelectNeighbour { forward: false },
            UiCommand::PickAll => Action::PickAll(current_doc?.to_owned()),
            UiCommand::NextDocument => Action::NeighbourDocument { forward: true },
            UiCommand::PreviousDocument => Action::NeighbourDocument { forward: false },
            UiCommand::ToggleTheme => Action::ToggleTheme,
            UiCommand::ZoomIn => Action::ZoomIn,
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
            UiCommand::NextSuggestion => Action::SuggestionStep { forward: true },
            UiCommand::PreviousSuggestion => Action::SuggestionStep { forward: false },
            UiCommand::AcceptSuggestion => Action::DecideSuggestion { accept: true },
            UiCommand::RejectSuggestion => Action::DecideSuggestion { accept: false },
            UiCommand::SuggestFromProject => Action::SuggestFromProject,
            UiCommand::SuggestFromGazetteer => Action::SuggestFromGazetteer,
            UiCommand::AnnotatorName => Action::AskAuthor(None),
            UiCommand::CommandPalette => Action::OpenCommandPalette,
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
        let mut commands: Vec<(UiCommand, KeyboardShortcut)> = UiCommand::all()
            .filter(|c| !(text_field_focused && c.yields_to_text_fields()))
            .flat_map(|c| c.shortcuts().into_iter().map(move |s| (c, s)))
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
                .fold(Vec::new(), |mut out, c| {
                    // Two shortcuts of one command pressed at once: once.
                    if !out.contains(&c) {
                        out.push(c);
                    }
                    out
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_are_unique() {
        let shortcuts: Vec<_> = UiCommand::all().flat_map(UiCommand::shortcuts).collect();
        for (i, a) in shortcuts.iter().enumerate() {
            for b in &shortcuts[i + 1..] {
                assert_ne!(a, b, "two commands share a shortcut");
            }
        }
    }

    #[test]
    fn every_command_has_a_text_and_the_menus_list_every_command() {
        let texts: Vec<&str> = UiCommand::all().map(UiCommand::text).collect();
        assert!(texts.len() >= 40);
        let mut unique = texts.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), texts.len(), "no two commands share a text");
        assert_eq!(UiCommand::Redo.shortcuts().len(), 2, "Ctrl+Shift+Z and Ctrl+Y");
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
