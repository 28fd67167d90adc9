//! Edits: every change to a project is a [`Command`] with an inverse, and a
//! [`History`] of them gives undo and redo. The GUI, the command line and the
//! tests all change projects this way.

mod command;
mod history;
mod structure;
#[cfg(test)]
mod structure_tests;
mod suggestions;
#[cfg(test)]
mod tests;

use std::ops::Range;

pub use command::{Command, EditError};
pub use history::History;
pub use structure::{
    Structure, attribute_uses, defaults, delete_label, delete_label_problem, merge_entities, parse_value,
    relation_type_uses, remove_attribute, remove_relation_type, set_attributes, unlink_label,
};

use crate::model::{Annotation, AnnotationId, AttrTarget, Project, Relation, Timestamp};

/// What tagging ranges would do: the annotations to add, and the existing
/// annotations that already tag one of the ranges with that label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tagging {
    pub added: Vec<Annotation>,
    pub already: Vec<AnnotationId>,
}

/// The tagging rules, one place for the workbench, the command line and
/// the search: a span of white space only is refused (nothing a reader
/// would tag, and exports would have to drop it), and a range already
/// tagged with `label` is reported in [`Tagging::already`] rather than
/// tagged twice. Imports keep what their files hold and report such spans
/// themselves.
pub fn tag(
    project: &Project,
    doc: &str,
    ranges: &[Range<usize>],
    label: &str,
    author: &str,
    at: Timestamp,
) -> Result<Tagging, EditError> {
    tag_among(project, doc, ranges, label, author, at, &mut Default::default())
}

/// [`tag`], with the ids already taken given (as [`new_annotations_among`]):
/// the corpus search tags thousands of documents with one set of ids.
pub fn tag_among(
    project: &Project,
    doc: &str,
    ranges: &[Range<usize>],
    label: &str,
    author: &str,
    at: Timestamp,
    taken: &mut std::collections::HashSet<AnnotationId>,
) -> Result<Tagging, EditError> {
    let existing = project.annotations_of(doc);
    let mut already = Vec::new();
    let mut fresh = Vec::new();
    for range in ranges {
        // Sorted by start: only those starting where the range does.
        let from = existing.partition_point(|a| a.start < range.start);
        let same = existing[from..]
            .iter()
            .take_while(|a| a.start == range.start)
            .find(|a| a.range() == *range && a.label == label);
        match same {
            Some(a) => already.push(a.id),
            None => fresh.push(range.clone()),
        }
    }
    let added = new_annotations_among(project, doc, &fresh, label, author, at, taken)?;
    Ok(Tagging { added, already })
}

/// New annotations of `ranges` in `doc`, each with a fresh id and its
/// quoted text taken from the document. Checks the document, label and
/// spans; a span of white space only is refused.
pub fn new_annotations(
    project: &Project,
    doc: &str,
    ranges: &[Range<usize>],
    label: &str,
    author: &str,
    at: Timestamp,
) -> Result<Vec<Annotation>, EditError> {
    new_annotations_among(project, doc, ranges, label, author, at, &mut Default::default())
}

/// [`new_annotations`], with the ids this edit has taken already (the new
/// ones are added to them): tagging across thousands of documents in one
/// step keeps its new ids apart. The project's own are looked up in its
/// id set.
pub fn new_annotations_among(
    project: &Project,
    doc: &str,
    ranges: &[Range<usize>],
    label: &str,
    author: &str,
    at: Timestamp,
    taken: &mut std::collections::HashSet<AnnotationId>,
) -> Result<Vec<Annotation>, EditError> {
    if !project.schema.contains(label) {
        return Err(EditError::UnknownLabel(label.to_owned()));
    }
    let attrs = defaults(project, &AttrTarget::Label(label.to_owned()));
    ranges
        .iter()
        .map(|range| {
            let text = command::span_text(project, doc, range.start, range.end)?;
            if text.trim().is_empty() {
                return Err(EditError::WhiteSpaceOnly {
                    doc: doc.to_owned(),
                    start: range.start,
                    end: range.end,
                });
            }
            let id = AnnotationId::fresh(|id| taken.contains(&id) || project.id_in_use(id));
            taken.insert(id);
            Ok(Annotation {
                id,
                doc: doc.to_owned(),
                start: range.start,
                end: range.end,
                label: label.to_owned(),
                text,
                note: String::new(),
                author: author.to_owned(),
                created: at,
                modified: at,
                meta: Default::default(),
                attrs: attrs.clone(),
                fragments: Vec::new(),
            })
        })
        .collect()
}

/// One new annotation; see [`new_annotations`].
pub fn new_annotation(
    project: &Project,
    doc: &str,
    range: Range<usize>,
    label: &str,
    author: &str,
    at: Timestamp,
) -> Result<Annotation, EditError> {
    let mut one = new_annotations(project, doc, &[range], label, author, at)?;
    Ok(one.remove(0))
}

/// One new discontinuous annotation of `pieces` (in order, not touching)
/// in `doc`; one piece gives a plain span. Checked as [`new_annotations`]
/// checks a span, each piece and the whole.
pub fn new_fragmented_annotation(
    project: &Project,
    doc: &str,
    pieces: &[Range<usize>],
    label: &str,
    author: &str,
    at: Timestamp,
) -> Result<Annotation, EditError> {
    let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else {
        return Err(EditError::EmptySpan {
            doc: doc.to_owned(),
            start: 0,
            end: 0,
        });
    };
    // The pieces' own order and shape first, so that the message is
    // about the pieces, not about the extent they would make.
    let mut probe = Annotation::placeholder();
    probe.set_pieces(pieces);
    if pieces.len() > 1 {
        crate::model::fragments_ok(&probe).map_err(|reason| EditError::Breaks(format!("fragments: {reason}")))?;
        for p in pieces {
            let text = command::span_text(project, doc, p.start, p.end)?;
            if text.trim().is_empty() {
                return Err(EditError::WhiteSpaceOnly {
                    doc: doc.to_owned(),
                    start: p.start,
                    end: p.end,
                });
            }
        }
    }
    let mut a = new_annotation(project, doc, first.start..last.end, label, author, at)?;
    if pieces.len() > 1 {
        a.set_pieces(pieces);
        crate::model::fragments_ok(&a).map_err(|reason| EditError::BadFragments { id: a.id, reason })?;
        let text = project.document(doc).map(|d| crate::model::quote(&d.text, pieces));
        a.text = text
            .flatten()
            .ok_or_else(|| EditError::UnknownDocument(doc.to_owned()))?;
    }
    Ok(a)
}

/// A new relation `from` —`kind`→ `to` (in the document of `from`), with
/// a fresh id and the type's default attributes, checked as adding it
/// would check it.
pub fn new_relation(
    project: &Project,
    kind: &str,
    from: AnnotationId,
    to: AnnotationId,
    author: &str,
    at: Timestamp,
) -> Result<Relation, EditError> {
    let doc = project
        .annotation(from)
        .ok_or(EditError::UnknownAnnotation(from))?
        .doc
        .clone();
    // One id: looked for, not a set of all built.
    let r = Relation {
        id: AnnotationId::fresh(|id| project.id_in_use(id)),
        doc,
        kind: kind.to_owned(),
        from,
        to,
        attrs: defaults(project, &AttrTarget::Relation(kind.to_owned())),
        note: String::new(),
        author: author.to_owned(),
        created: at,
        modified: at,
        meta: Default::default(),
    };
    structure::check_relation(project, &r)?;
    Ok(r)
}
