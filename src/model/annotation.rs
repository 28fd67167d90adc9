//! A tagged span of a document.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::ids::{AnnotationId, Timestamp};

/// One annotation: a half-open code point range `[start, end)` of a
/// document, its label, the quoted text and who made it when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Annotation {
    pub id: AnnotationId,
    pub doc: String,
    /// First code point of the span.
    pub start: usize,
    /// One past the last code point of the span.
    pub end: usize,
    pub label: String,
    /// The text at `[start, end)`, kept beside the offsets so that a reader
    /// of the file (or a validator) can see what was tagged.
    pub text: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    pub author: String,
    pub created: Timestamp,
    pub modified: Timestamp,
    /// Open-ended key/value data: provenance after adjudication, merge
    /// conflict markers, fields carried over from imports.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, String>,
}

/// The order annotations are kept and written in.
pub type SortKey<'a> = (&'a str, usize, usize, &'a str, AnnotationId);

impl Annotation {
    /// The span as a range.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// Length in code points.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True for a zero-length span (never valid in a project).
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// Sort key: (document, start, end, label, id).
    pub fn sort_key(&self) -> SortKey<'_> {
        (&self.doc, self.start, self.end, &self.label, self.id)
    }

    /// True when the two spans share at least one code point.
    pub fn overlaps(&self, other: &Annotation) -> bool {
        self.doc == other.doc && self.start < other.end && other.start < self.end
    }
}
