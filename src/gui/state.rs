//! The workbench's transient UI state: what is shown and selected, and
//! the state each open panel or dialog owns. It sits below the panels and
//! the workbench: panels are handed the parts they read or change, never
//! the workbench itself.

use super::compare::{ComparePicker, Comparison};
use super::export_dialog::ExportDialog;
use super::file_picker::FilePicker;
use super::find::FindState;
use super::import_dialog::ImportDialog;
use super::panels;
use super::review::Review;
use super::view::Selection;
use crate::persist::watch::DiskChange;

/// Transient UI state that panels may change directly.
#[derive(Default)]
pub struct UiState {
    pub current_doc: Option<String>,
    pub selection: Selection,
    pub find: FindState,
    /// The annotation list and inspector's own state.
    pub annotation_list: panels::annotations::AnnotationList,
    pub schema_editor: Option<panels::schema::SchemaEditor>,
    pub show_shortcuts: bool,
    /// Files changed on disk by other programs, not yet answered.
    pub disk_changes: Vec<DiskChange>,
    /// The last message for the status bar.
    pub message: Option<String>,
    /// The "Compare versions" dialog, while open.
    pub compare_picker: Option<ComparePicker>,
    /// The open comparison, shown instead of the editing panels.
    pub comparison: Option<Comparison>,
    /// File → Export dataset…, while open.
    pub export: Option<ExportDialog>,
    /// File → Import dataset…, while open.
    pub import: Option<ImportDialog>,
    /// Review → Compare annotators…: the open review (the session is its gold project).
    pub review: Option<Review>,
    /// Annotations marked with merge conflicts.
    pub conflicts: panels::banners::ConflictList,
    /// The command palette, while open.
    pub command_palette: Option<panels::command_palette::CommandPalette>,
    /// Marginalia's own file picker, while open (no system dialog).
    pub file_picker: Option<FilePicker>,
    /// The documents panel: its filter, its order, the rows they give.
    pub documents: panels::documents::DocumentList,
    /// A relation being made from the keyboard (Ctrl+K).
    pub linking: Option<super::linking::Linking>,
    /// Relation types whose arrows are not drawn.
    pub hidden_relation_types: Vec<String>,
    /// Search all documents (Ctrl+Shift+F), while open.
    pub corpus_search: Option<super::corpus_search::CorpusSearch>,
    /// Files chosen so far for Compare annotators (one per dialog when each
    /// annotator's copy is in its own folder).
    pub review_files: Vec<std::path::PathBuf>,
    /// The documents' texts being checked after the project opened.
    pub text_check: Option<super::text_check::TextCheck>,
    /// The suggestion in focus, and the counts the suggestion bar shows.
    pub suggestions: super::suggestions::SuggestionState,
    /// View → Corpus overview, while open.
    pub overview: Option<super::overview::Overview>,
    /// A folder of documents being read in the background (Add a folder…).
    pub adding_folder: Option<super::job::Job<Result<crate::persist::documents::ReadDocuments, String>>>,
    /// Suggestions being looked for over a corpus in the background (from
    /// a gazetteer or the project's tags), with what they are from.
    pub suggesting: Option<(super::job::Job<Option<Vec<crate::model::Suggestion>>>, String)>,
}
