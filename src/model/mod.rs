//! Plain data and invariants: projects, documents, annotations, labels, and
//! the text helpers (offset units, word boundaries) everything else uses.
//!
//! Nothing here does I/O or knows about the GUI.

mod annotation;
mod attrs;
mod by_doc;
mod check;
mod document;
mod id_index;
mod ids;
pub mod offsets;
mod project;
mod relation;
mod schema;
mod suggestion;
mod text;
pub mod words;

pub use annotation::{Annotation, FRAGMENT_JOIN, SortKey, quote};
pub use attrs::{AttrValue, Attrs, Number, write_attrs_ron, write_ron as write_attr_ron};
pub use by_doc::{Items, Iter as ItemsIter};
pub use check::{
    Owner, Problem, ProblemKind, Severity, attribute_problems, check, fragments_ok, is_date, structural_errors,
    text_problems, value_ok,
};
pub use document::{Document, Status, content_hash, guess_title};
pub use ids::{AnnotationId, Timestamp};
pub use offsets::{OffsetIndex, OffsetUnit};
pub use project::{Project, document_id_from, longest, overlapped};
pub use relation::{Relation, RelationKey};
pub use schema::{
    AttrKind, AttrTarget, AttributeDef, Cardinality, ChoiceValue, Colour, Entity, Label, LabelKind, RelationType,
    Schema,
};
pub use suggestion::{Suggestion, SuggestionKey};
pub use text::{NaturalPart, Text, fold_for_search, fold_str_for_search, natural_key, plural, shorten};
