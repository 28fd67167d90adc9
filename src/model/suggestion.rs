//! A suggestion: a span that a gazetteer, the project's own tags or a
//! model proposes to tag with a label, waiting for a person to accept or
//! reject it.
//!
//! Suggestions are a layer of their own, not annotations: exports,
//! agreement and the annotation counts never see them. Accepting one makes
//! an annotation (which keeps the suggestion's source in its `meta`) and
//! removes the suggestion; rejecting one keeps it, marked `rejected`, so
//! that no gazetteer or tag list offers the same span again (a model's
//! predictions are kept per model, for `agree`). A suggestion
//! is known by its [`SuggestionKey`]: document, span, label and source.
//! Offsets are code points, half-open, with the quoted text beside them,
//! as for annotations.

use std::ops::Range;

use serde::{Deserialize, Serialize};

/// One suggestion: tag `[start, end)` of `doc` with `label`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suggestion {
    pub doc: String,
    pub start: usize,
    pub end: usize,
    pub label: String,
    /// The text at `[start, end)`.
    pub text: String,
    /// Where it comes from: `gazetteer:FILE`, `project`, `model:NAME`.
    pub source: String,
    /// The term that matched (for a gazetteer or the project), empty for a
    /// model's prediction.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pattern: String,
    /// An entity of the project's list the span refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// Rejected by a person: kept so that its source does not offer it
    /// again, never shown as open.
    #[serde(default, skip_serializing_if = "is_false")]
    pub rejected: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// What identifies a suggestion, and the order suggestions are kept in:
/// document, start, end, label, source.
pub type SuggestionKey<'a> = (&'a str, usize, usize, &'a str, &'a str);

impl Suggestion {
    /// Its identity and sort key.
    pub fn key(&self) -> SuggestionKey<'_> {
        (&self.doc, self.start, self.end, &self.label, &self.source)
    }

    /// The span as a range.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}
