//! Consistency checks of a project in memory.
//!
//! [`check`] finds every violated invariant at once, so a researcher fixing
//! a hand-edited or merged file sees the whole list rather than one error
//! per attempt. Problems that need the file system (a missing or changed
//! document) are added by the loader, which knows where the files are.

use std::collections::{HashMap, HashSet};

use super::ids::AnnotationId;
use super::project::Project;

/// One violated invariant, optionally located at a line of the project file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line in the project file, when known.
    pub line: Option<usize>,
    pub kind: ProblemKind,
}

/// What is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProblemKind {
    #[error("label {label:?} is defined more than once")]
    DuplicateLabel { label: String },
    #[error("hotkey {key:?} is bound to both {first:?} and {second:?}")]
    DuplicateHotkey { key: char, first: String, second: String },
    #[error("document id {doc:?} is used more than once")]
    DuplicateDocument { doc: String },
    #[error("annotation id {id} is used more than once")]
    DuplicateAnnotation { id: AnnotationId },
    #[error("annotation {id} refers to document {doc:?}, which is not in the project")]
    UnknownDocument { id: AnnotationId, doc: String },
    #[error("annotation {id} in document {doc:?} has label {label:?}, which is not in the schema")]
    UnknownLabel {
        id: AnnotationId,
        doc: String,
        label: String,
    },
    #[error("annotation {id} in document {doc:?} is empty or reversed: [{start}, {end})")]
    EmptySpan {
        id: AnnotationId,
        doc: String,
        start: usize,
        end: usize,
    },
    #[error("annotation {id} in document {doc:?} ends at {end}, past the end of the text ({length} code points)")]
    OutOfBounds {
        id: AnnotationId,
        doc: String,
        end: usize,
        length: usize,
    },
    #[error("annotation {id} in document {doc:?} quotes {quoted:?} but the text at [{start}, {end}) is {actual:?}")]
    QuoteMismatch {
        id: AnnotationId,
        doc: String,
        start: usize,
        end: usize,
        quoted: String,
        actual: String,
    },
    #[error("document {doc:?}: cannot read {path}: {reason}")]
    DocumentUnreadable { doc: String, path: String, reason: String },
    #[error(
        "document {doc:?}: the text of {path} changed since it was annotated ({annotations} annotations need re-anchoring: run `marginalia reanchor`)"
    )]
    DocumentChanged {
        doc: String,
        path: String,
        annotations: usize,
    },
}

impl ProblemKind {
    /// The annotation this problem is about, if any.
    pub fn annotation(&self) -> Option<AnnotationId> {
        use ProblemKind::*;
        match self {
            DuplicateAnnotation { id }
            | UnknownDocument { id, .. }
            | UnknownLabel { id, .. }
            | EmptySpan { id, .. }
            | OutOfBounds { id, .. }
            | QuoteMismatch { id, .. } => Some(*id),
            _ => None,
        }
    }

    /// The document this problem is about, if any.
    pub fn document(&self) -> Option<&str> {
        use ProblemKind::*;
        match self {
            DuplicateDocument { doc }
            | UnknownDocument { doc, .. }
            | UnknownLabel { doc, .. }
            | EmptySpan { doc, .. }
            | OutOfBounds { doc, .. }
            | QuoteMismatch { doc, .. }
            | DocumentUnreadable { doc, .. }
            | DocumentChanged { doc, .. } => Some(doc),
            _ => None,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

impl From<ProblemKind> for Problem {
    fn from(kind: ProblemKind) -> Problem {
        Problem { line: None, kind }
    }
}

/// Every invariant the project violates. Annotations of documents listed in
/// `skip_docs` (unreadable or changed texts) are not checked against their
/// text, since the loader already reported the document as a whole.
pub fn check(project: &Project, skip_docs: &HashSet<&str>) -> Vec<ProblemKind> {
    let mut problems = Vec::new();

    let mut labels = HashSet::new();
    let mut hotkeys: HashMap<char, &str> = HashMap::new();
    for label in &project.schema.labels {
        if !labels.insert(label.id.as_str()) {
            problems.push(ProblemKind::DuplicateLabel {
                label: label.id.clone(),
            });
        }
        if let Some(key) = label.hotkey
            && let Some(first) = hotkeys.insert(key, &label.id)
        {
            problems.push(ProblemKind::DuplicateHotkey {
                key,
                first: first.to_owned(),
                second: label.id.clone(),
            });
        }
    }

    let mut docs = HashMap::new();
    for doc in &project.documents {
        if docs.insert(doc.id.as_str(), doc).is_some() {
            problems.push(ProblemKind::DuplicateDocument { doc: doc.id.clone() });
        }
    }

    let mut ids = HashSet::with_capacity(project.annotations().len() + project.orphans.len());
    // Orphans' offsets refer to a text that no longer exists: only their
    // ids, labels and documents are checked.
    for a in &project.orphans {
        if !ids.insert(a.id) {
            problems.push(ProblemKind::DuplicateAnnotation { id: a.id });
        }
        if !labels.contains(a.label.as_str()) {
            problems.push(ProblemKind::UnknownLabel {
                id: a.id,
                doc: a.doc.clone(),
                label: a.label.clone(),
            });
        }
        if !docs.contains_key(a.doc.as_str()) {
            problems.push(ProblemKind::UnknownDocument {
                id: a.id,
                doc: a.doc.clone(),
            });
        }
    }
    for a in project.annotations() {
        if !ids.insert(a.id) {
            problems.push(ProblemKind::DuplicateAnnotation { id: a.id });
        }
        if !labels.contains(a.label.as_str()) {
            problems.push(ProblemKind::UnknownLabel {
                id: a.id,
                doc: a.doc.clone(),
                label: a.label.clone(),
            });
        }
        let Some(doc) = docs.get(a.doc.as_str()) else {
            problems.push(ProblemKind::UnknownDocument {
                id: a.id,
                doc: a.doc.clone(),
            });
            continue;
        };
        if a.start >= a.end {
            problems.push(ProblemKind::EmptySpan {
                id: a.id,
                doc: a.doc.clone(),
                start: a.start,
                end: a.end,
            });
            continue;
        }
        if skip_docs.contains(a.doc.as_str()) {
            continue;
        }
        match doc.text.slice(a.range()) {
            None => problems.push(ProblemKind::OutOfBounds {
                id: a.id,
                doc: a.doc.clone(),
                end: a.end,
                length: doc.text.len_chars(),
            }),
            Some(actual) if actual != a.text => problems.push(ProblemKind::QuoteMismatch {
                id: a.id,
                doc: a.doc.clone(),
                start: a.start,
                end: a.end,
                quoted: a.text.clone(),
                actual: actual.to_owned(),
            }),
            Some(_) => {}
        }
    }
    problems
}
