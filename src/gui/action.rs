//! What the user asked for this frame.
//!
//! Panels draw from a read-only view of the session and propose
//! [`Action`]s; the workbench applies them all in one place after drawing
//! (as rerun does), so every change to the project goes through the same
//! path: actions become core [`Command`]s applied by the session.

use std::path::PathBuf;

use crate::agreement::adjudicate::Decision;
use crate::diff::Side;
use crate::edit::Command;
use crate::formats::Format;
use crate::model::AnnotationId;

/// Where one side of a comparison comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The project as it is now, unsaved changes included.
    Current,
    /// Snapshot N of the history (1 = oldest).
    Snapshot(i64),
    /// Another project file.
    File(PathBuf),
    /// The project file at a git revision.
    Git(String),
}

/// Which side a picker choice is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickSide {
    A,
    B,
}

/// What a file choice is for: the system's dialog and Marginalia's own
/// picker (when the system has none) both answer through it, so the step
/// after the choice is written once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PickPurpose {
    NewProject,
    OpenProject,
    SaveAs,
    AddDocuments,
    /// The old text of a document, to re-anchor from.
    ReanchorOld(String),
    CompareFile(PickSide),
    ExportTarget(Format),
    ImportInputs {
        format: Format,
        folder: bool,
    },
    Review {
        into_current: bool,
    },
    /// A folder of documents to add.
    AddFolder,
    /// Where to create the project of an import.
    ImportedProject,
    /// A gazetteer (TSV or CSV) to suggest from.
    Gazetteer,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    // Projects. Those that would drop unsaved changes are guarded.
    NewProject,
    CreateProject(PathBuf),
    OpenProject,
    Open(PathBuf),
    CloseProject,
    Quit,
    AddDocuments,
    AddDocumentFiles(Vec<PathBuf>),
    /// Add every text file of a folder (chosen next), read in the
    /// background with progress and a Cancel button.
    AddFolder,
    /// Stop reading the folder: nothing is added.
    CancelAddFolder,
    Save,
    SaveAs,
    SaveTo(PathBuf),
    /// Save even though the file changed on disk (the user chose so).
    SaveOverwriting,
    /// Save, and if that worked, carry on with the action.
    SaveThen(Box<Action>),
    /// Drop the unsaved changes and carry on with the action.
    DiscardChangesThen(Box<Action>),
    /// Ask for a note, then save with it in the version history.
    SaveVersionDialog,
    SaveWithNote(String),
    ReloadFromDisk,
    KeepMine,
    /// Ask for files for `PickPurpose` (the system dialog, or ours).
    Choose(PickPurpose),
    /// Files were chosen for a purpose (by either picker).
    Picked(PickPurpose, Vec<PathBuf>),
    /// Open the copy of a project that never had a file, as unsaved work.
    RestoreUnsaved(PathBuf),
    /// Delete that copy.
    DiscardUnsaved(PathBuf),
    /// Open the command palette (Ctrl+Shift+P).
    OpenCommandPalette,
    /// Ask for the annotator's name (then carry out the action, if any).
    AskAuthor(Option<Box<Action>>),
    /// Set the annotator's name (kept in the settings).
    SetAuthor(String, Option<Box<Action>>),
    /// Merge the version another program saved into the open one (three-way).
    MergeFromDisk,
    RestoreRecovery,
    DiscardRecovery,

    // Datasets.
    OpenExport,
    /// Choose the export's file (or folder).
    PickExportTarget,
    StartExport,
    OpenImport,
    PickImportInputs {
        folder: bool,
    },
    /// Write the import read in the dialog as a new project, and open it.
    CreateImportedProject,

    // Edits.
    Edit(Command),
    Undo,
    Redo,
    /// Tag the current text selection with a label.
    TagSelection(String),
    /// Give the selected annotation another label.
    RelabelSelected(String),
    DeleteSelected,
    /// Move the selected annotation's boundaries by code points.
    NudgeSelected {
        start: isize,
        end: isize,
        by_word: bool,
    },
    SetNote {
        id: AnnotationId,
        note: String,
    },
    CycleStatus(String),
    TagAllMatches(String),
    /// Ask what to do with the annotations of a label being deleted.
    ConfirmDeleteLabel(String),
    /// Delete a label, handling its annotations (`None`: delete them too;
    /// `Some(label)`: relabel them).
    DeleteLabel {
        id: String,
        relabel_to: Option<String>,
    },

    /// Re-anchor a changed document from the text kept in the history.
    Reanchor(String),
    /// Re-anchor a changed document from a text file the user chooses.
    ReanchorWithFile(String),
    /// Attach an orphan to the current text selection.
    AttachOrphan(AnnotationId),

    // Comparing versions.
    OpenCompare,
    PickCompareFile(PickSide),
    StartComparison(Source, Source),
    CloseComparison,
    /// Take B's (or restore A's) version of changes of the comparison.
    /// Take or restore relation changes of the comparison (indices into
    /// its `diff.relations`), as one step.
    /// Take B's (or restore A's) value of the ticked attribute changes.
    AdoptAttributes {
        changes: Vec<usize>,
        side: Side,
    },
    AdoptRelations {
        changes: Vec<usize>,
        side: Side,
    },
    Adopt {
        changes: Vec<usize>,
        side: Side,
    },

    // Reviewing annotators (Review menu) and merge conflicts.
    /// Choose two or more annotators' project files; adjudicate into a new
    /// gold project, or `into_current`: into the open one (to continue an
    /// adjudication saved earlier).
    OpenReview {
        into_current: bool,
    },
    /// Compare these files and start adjudicating.
    StartReview {
        paths: Vec<PathBuf>,
        into_current: bool,
    },
    CloseReview,
    /// Adjudicate another pair of the annotators.
    ReviewPair(usize, usize),
    ReviewDecide {
        item: usize,
        decision: Decision,
    },
    /// Decide the item in focus (keyboard): a relation item when one is.
    ReviewDecideCurrent(Decision),
    ReviewDecideRelation {
        item: usize,
        decision: Decision,
    },
    ReviewSelectRelation(usize),
    /// Focus the next (or previous) open relation disagreement.
    ReviewNextRelation(bool),
    /// Take every agreeing relation whose ends are in the gold project.
    ReviewAcceptRelationAgreements,
    /// Take an item's A version (or B's) and select it for editing.
    ReviewEdit(usize),
    ReviewAcceptAgreements,
    /// Focus the next (true) or previous open disagreement.
    ReviewNext(bool),
    ReviewSelect(usize),
    ReviewShowAgreements(bool),
    /// Resolve a merge conflict marked on an annotation: keep it as it is,
    /// or take the version the merge did not keep.
    /// Resolve the merge conflict marked on a relation.
    ResolveRelationConflict {
        id: AnnotationId,
        take_other: bool,
    },
    ResolveConflict {
        id: AnnotationId,
        take_other: bool,
    },
    /// Select the next annotation with a merge conflict.
    NextConflict,

    // Navigation and view.
    SelectDocument(String),
    SelectAnnotation(Option<AnnotationId>),
    /// Set (`Some`) or unset (`None`) one attribute on every owner, as one
    /// undoable step.
    SetAttr {
        owners: Vec<crate::model::Owner>,
        key: String,
        value: Option<crate::model::AttrValue>,
    },
    /// Add an entity of this name to the project's list and make `owner`'s
    /// attribute `key` refer to it, as one step.
    NewEntity {
        name: String,
        owner: crate::model::Owner,
        key: String,
    },
    DeleteRelation(AnnotationId),
    /// Start linking the selected annotation to another (Ctrl+K).
    /// Select a relation (one of the selected annotation's, or its source
    /// becomes the selected annotation) and open its editor; `None` closes it.
    SelectRelation(Option<AnnotationId>),
    /// A relation dragged from one annotation to another (the link knob):
    /// made at once when one type fits, else its type is asked.
    DragLink {
        from: AnnotationId,
        to: AnnotationId,
    },
    StartLinking,
    /// Open or close the corpus overview.
    ToggleOverview,
    /// Search all documents for this text (whole words), at once, ready to
    /// tag the hits with `label` (the overview's column it was clicked in).
    SearchFor {
        text: String,
        label: Option<String>,
    },
    /// Open or close Search all documents.
    ToggleCorpusSearch,
    /// Run the corpus search's query.
    CorpusSearchRun,
    /// Show hit `i` of the corpus search in its document.
    ShowHit(usize),
    /// Tag the corpus search's ticked hits, one step.
    TagHits {
        label: String,
        untagged_only: bool,
    },
    /// Bring a suggestion into focus (clicked in the text, or listed).
    FocusSuggestion(crate::model::Suggestion),
    /// Focus the next (or previous) open suggestion, in this document then
    /// in the next ones.
    SuggestionStep {
        forward: bool,
    },
    /// Accept (tag) or reject the suggestion in focus, then focus the next.
    DecideSuggestion {
        accept: bool,
    },
    /// Accept or reject, in one step, every open suggestion of a scope
    /// around the one in focus.
    DecideSuggestions {
        scope: crate::gui::suggestions::Scope,
        accept: bool,
    },
    /// Suggest what the project tags somewhere wherever else it occurs.
    SuggestFromProject,
    /// Suggest the terms of a gazetteer file (chosen next).
    SuggestFromGazetteer,
    /// Take out the open suggestions of a source (the rejected stay, remembered).
    ClearSuggestions(String),
    /// Ctrl+R: assign the selected event's roles, one after another.
    StartRoles,
    /// The selected text becomes another piece of the selected annotation
    /// (chosen with Ctrl+drag, which keeps the annotation selected).
    AddPiece,
    /// Piece `k` (in order) of an annotation goes.
    RemovePiece(AnnotationId, usize),
    /// Ctrl+A: every annotation the list shows for this document, picked.
    PickAll(String),
    /// A key for the linking loop.
    LinkKey(crate::gui::linking::LinkKey),
    /// A candidate clicked while linking.
    LinkPick(AnnotationId),
    /// Link two annotations with a relation of this type.
    Relate {
        kind: String,
        from: AnnotationId,
        to: AnnotationId,
    },
    /// Select the next (or previous) annotation of the list as it is
    /// filtered and sorted.
    SelectNeighbour {
        forward: bool,
    },
    /// Open the next (or previous) document of the project.
    NeighbourDocument {
        forward: bool,
    },
    ClearSelection,
    OpenFind,
    FindNext,
    FindPrevious,
    ToggleTheme,
    ZoomIn,
    ZoomOut,
    ZoomReset,
    ToggleSnap,
    ToggleAllRelations,
    OpenSchemaEditor,
    ShowShortcuts,
}

impl Action {
    /// True for actions that record new annotations under the annotator's
    /// name (the workbench asks for the name first if it has none).
    pub fn records_author(&self) -> bool {
        matches!(
            self,
            Action::TagSelection(_)
                | Action::TagAllMatches(_)
                // Asked before the loop starts, not at its last key.
                | Action::StartLinking
                | Action::StartRoles
                | Action::DragLink { .. }
                | Action::TagHits { .. }
                | Action::Relate { .. }
                | Action::ReviewDecide { .. }
                | Action::ReviewDecideCurrent(_)
                | Action::ReviewDecideRelation { .. }
                | Action::ReviewAcceptRelationAgreements
                | Action::DecideSuggestion { accept: true }
                | Action::DecideSuggestions { accept: true, .. }
        )
    }

    /// Actions that read or leave the project as it stands, so that what
    /// is being typed into a field (committed when the field lets go of
    /// the keyboard) must be in it first: saving, exporting, quitting,
    /// closing or replacing the project.
    pub fn wants_drafts_committed(&self) -> bool {
        self.drops_project()
            || matches!(
                self,
                Action::Save | Action::SaveAs | Action::SaveVersionDialog | Action::OpenExport | Action::StartExport
            )
    }

    /// Actions that would drop the open project, and so ask first when it
    /// has unsaved changes.
    pub fn drops_project(&self) -> bool {
        matches!(
            self,
            Action::NewProject
                | Action::RestoreUnsaved(_)
                | Action::CreateProject(_)
                | Action::OpenProject
                | Action::Open(_)
                | Action::CloseProject
                | Action::StartReview {
                    into_current: false,
                    ..
                }
                | Action::Quit
        )
    }
}
