//! Plain data and invariants: projects, documents, annotations, labels, and
//! the text helpers (offset units, word boundaries) everything else uses.
//!
//! Nothing here does I/O or knows about the GUI.

mod annotation;
mod check;
mod document;
mod ids;
pub mod offsets;
mod project;
mod schema;
mod text;
pub mod words;

pub use annotation::{Annotation, SortKey};
pub use check::{Problem, ProblemKind, check};
pub use document::{Document, Status, content_hash, guess_title};
pub use ids::{AnnotationId, Timestamp};
pub use offsets::{OffsetIndex, OffsetUnit};
pub use project::{Project, document_id_from};
pub use schema::{Colour, Label, Schema};
pub use text::{Text, fold_for_search, fold_str_for_search, plural, shorten};
