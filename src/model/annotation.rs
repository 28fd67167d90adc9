//! A tagged span of a document: one range, or several fragments (a
//! quotation interrupted by « a-t-il déclaré »).
//!
//! `start` and `end` are always the annotation's extent (the first
//! fragment's start, the last fragment's end), so ordering, nesting and
//! everything that only needs "where is it" work unchanged; `fragments`
//! lists the pieces only when there are two or more, and a one-piece
//! annotation's file line is exactly what format version 1 wrote. The
//! quoted `text` of a discontinuous annotation is its fragments' texts
//! joined by [`FRAGMENT_JOIN`].

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::attrs::Attrs;
use super::ids::{AnnotationId, Timestamp};

/// What joins the quoted texts of a discontinuous annotation's fragments
/// in its `text` (a space, an ellipsis, a space).
pub const FRAGMENT_JOIN: &str = " … ";

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
    /// The pieces of a discontinuous span, as `(start, end)` in order, not
    /// touching; empty for a one-piece span (the usual case).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fragments: Vec<(usize, usize)>,
    pub label: String,
    /// The text at `[start, end)`, kept beside the offsets so that a reader
    /// of the file (or a validator) can see what was tagged.
    pub text: String,
    /// Attribute values (polarity, the actor referred to, …).
    #[serde(default, skip_serializing_if = "Attrs::is_empty")]
    pub attrs: Attrs,
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

/// The quoted text of `pieces` of `text`: the pieces' texts joined by
/// [`FRAGMENT_JOIN`]; `None` when a piece is out of range.
pub fn quote(text: &super::Text, pieces: &[Range<usize>]) -> Option<String> {
    if let [one] = pieces {
        return text.slice(one.clone()).map(str::to_owned);
    }
    let mut out = String::new();
    for (i, p) in pieces.iter().enumerate() {
        if i > 0 {
            out.push_str(FRAGMENT_JOIN);
        }
        out.push_str(text.slice(p.clone())?);
    }
    Some(out)
}

/// The order annotations are kept and written in.
pub type SortKey<'a> = (&'a str, usize, usize, &'a str, AnnotationId);

impl Annotation {
    /// An empty annotation with the given defaults, to fill in with
    /// struct update syntax where only some fields matter (checks, tests).
    pub fn placeholder() -> Annotation {
        Annotation {
            id: AnnotationId::from_u64(0),
            doc: String::new(),
            start: 0,
            end: 0,
            fragments: Vec::new(),
            label: String::new(),
            text: String::new(),
            attrs: Attrs::new(),
            note: String::new(),
            author: String::new(),
            created: Timestamp::from_unix(0),
            modified: Timestamp::from_unix(0),
            meta: BTreeMap::new(),
        }
    }

    /// The span as a range.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// Length of the extent in code points.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// The pieces of the span, in order (the extent for a one-piece span).
    pub fn pieces(&self) -> Vec<Range<usize>> {
        if self.fragments.is_empty() {
            std::iter::once(self.start..self.end).collect()
        } else {
            self.fragments.iter().map(|&(s, e)| s..e).collect()
        }
    }

    /// True when the span has two or more fragments.
    pub fn is_discontinuous(&self) -> bool {
        self.fragments.len() > 1
    }

    /// Code points covered (the gaps between fragments not counted).
    pub fn covered_len(&self) -> usize {
        self.pieces().iter().map(|r| r.end.saturating_sub(r.start)).sum()
    }

    /// Sets the pieces: `start`/`end` become their extent; one piece is
    /// kept as a plain span.
    pub fn set_pieces(&mut self, pieces: &[Range<usize>]) {
        if let (Some(first), Some(last)) = (pieces.first(), pieces.last()) {
            self.start = first.start;
            self.end = last.end;
        }
        self.fragments = if pieces.len() > 1 {
            pieces.iter().map(|r| (r.start, r.end)).collect()
        } else {
            Vec::new()
        };
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
