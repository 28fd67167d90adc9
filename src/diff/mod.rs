//! Comparing versions: the semantic diff of two projects, the raw line
//! diff of their files, and the mapping of positions through a change of
//! a document's text (re-anchoring).

pub mod adopt;
pub mod project_diff;
pub mod raw;
pub mod reanchor;
pub mod text_map;

pub use adopt::{AdoptError, Side, adopt, adopt_attributes, adopt_relations};
pub use project_diff::{
    AttrChange, Change, ChangeKind, Counts, DocumentChange, LabelChange, MatchedBy, ProjectDiff, RelationChange,
    RelationCounts, StructureChange, SuggestionCounts, diff,
};
pub use reanchor::{ReanchorError, ReanchorReport, Reanchoring, reanchor, reattach};
pub use text_map::{Mapped, TextMap};
