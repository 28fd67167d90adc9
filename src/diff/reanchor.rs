//! Re-anchoring: moving a document's annotations from the text they were
//! made on to the text now on disk.
//!
//! The result is one [`Command::SetAnchors`], so the GUI applies it as a
//! single undoable edit and the command line saves it. Spans move with the
//! text around them, grow or shrink with edits inside them, and a span
//! whose text was deleted becomes an orphan: kept in the project, flagged
//! and listed, never dropped.

use serde::Serialize;

use super::text_map::{Mapped, TextMap};
use crate::edit::Command;
use crate::model::{Annotation, AnnotationId, Project, Suggestion, Timestamp, content_hash};

/// What re-anchoring a document would do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reanchoring {
    /// The edit that carries it out.
    pub command: Command,
    pub report: ReanchorReport,
}

/// Counts and orphans of a re-anchoring, for people and scripts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReanchorReport {
    pub doc: String,
    pub old_hash: String,
    pub new_hash: String,
    /// Annotations whose offsets and text did not change.
    pub unchanged: usize,
    /// Annotations that moved with the text but kept their length.
    pub moved: usize,
    /// Annotations whose text was edited inside: they grew or shrank.
    pub resized: usize,
    /// Annotations whose text was deleted.
    pub orphaned: Vec<OrphanReport>,
    /// Suggestions that moved with their text, or stayed.
    pub suggestions_kept: usize,
    /// Suggestions whose text was changed or deleted: dropped, as what
    /// their source proposed no longer stands.
    pub suggestions_dropped: usize,
}

/// An annotation that lost its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrphanReport {
    pub id: String,
    pub label: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Why a document cannot be re-anchored.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReanchorError {
    #[error("no document {0:?} in the project")]
    UnknownDocument(String),
    #[error(
        "the old text given for {doc:?} is not the text its annotations were made on (its hash is {found}, the project records {expected})"
    )]
    WrongOldText {
        doc: String,
        expected: String,
        found: String,
    },
}

impl OrphanReport {
    fn of(a: &Annotation) -> OrphanReport {
        OrphanReport {
            id: a.id.to_string(),
            label: a.label.clone(),
            start: a.start,
            end: a.end,
            text: a.text.clone(),
        }
    }
}

/// Re-anchors the annotations of `doc` from `old_text` (the text they were
/// made on, whose hash the project records) to the document's loaded text.
pub fn reanchor(project: &Project, doc: &str, old_text: &str, at: Timestamp) -> Result<Reanchoring, ReanchorError> {
    let d = project
        .document(doc)
        .ok_or_else(|| ReanchorError::UnknownDocument(doc.to_owned()))?;
    let found = content_hash(old_text);
    if found != d.hash {
        return Err(ReanchorError::WrongOldText {
            doc: doc.to_owned(),
            expected: d.hash.clone(),
            found,
        });
    }
    let new_text = &d.text;
    let map = TextMap::between(old_text, new_text.as_str());
    let mut report = ReanchorReport {
        doc: doc.to_owned(),
        old_hash: d.hash.clone(),
        new_hash: new_text.content_hash().to_owned(),
        ..ReanchorReport::default()
    };
    let mut annotations = Vec::with_capacity(project.annotations_of(doc).len());
    let mut orphans: Vec<Annotation> = project.orphans_of(doc).cloned().collect();
    for a in project.annotations_of(doc) {
        if a.is_discontinuous() {
            // Piece by piece: a piece whose text was deleted is dropped,
            // pieces the edit brought together become one.
            match map_pieces(&map, a) {
                Some(pieces) if pieces == a.pieces() => {
                    report.unchanged += 1;
                    annotations.push(a.clone());
                }
                Some(pieces) => {
                    let mut moved = a.clone();
                    moved.set_pieces(&pieces);
                    moved.text = crate::model::quote(new_text, &pieces).unwrap_or_default();
                    moved.modified = at;
                    if moved.text == a.text && moved.covered_len() == a.covered_len() {
                        report.moved += 1;
                    } else {
                        report.resized += 1;
                    }
                    annotations.push(moved);
                }
                None => {
                    report.orphaned.push(OrphanReport::of(a));
                    orphans.push(a.clone());
                }
            }
            continue;
        }
        match map.map_span(a.range()) {
            Mapped::Span(r) if r == a.range() => {
                report.unchanged += 1;
                annotations.push(a.clone());
            }
            Mapped::Span(r) => {
                let text = new_text.slice(r.clone()).unwrap_or_default().to_owned();
                if r.len() == a.len() && text == a.text {
                    report.moved += 1;
                } else {
                    report.resized += 1;
                }
                annotations.push(Annotation {
                    start: r.start,
                    end: r.end,
                    text,
                    modified: at,
                    ..a.clone()
                });
            }
            Mapped::Orphan => {
                report.orphaned.push(OrphanReport::of(a));
                orphans.push(a.clone());
            }
        }
    }
    let mut command = Command::SetAnchors {
        doc: doc.to_owned(),
        hash: report.new_hash.clone(),
        length: new_text.len_chars(),
        annotations,
        orphans,
    };
    let old_suggestions = project.suggestions_of(doc);
    if !old_suggestions.is_empty() {
        let mut moved = Vec::with_capacity(old_suggestions.len());
        for s in old_suggestions {
            match map.map_span(s.range()) {
                Mapped::Span(r) if new_text.slice(r.clone()) == Some(s.text.as_str()) => moved.push(Suggestion {
                    start: r.start,
                    end: r.end,
                    ..s.clone()
                }),
                _ => report.suggestions_dropped += 1,
            }
        }
        // Two suggestions brought onto one span by the edit are one.
        moved.sort_by(|a, b| a.key().cmp(&b.key()));
        moved.dedup_by(|a, b| a.key() == b.key());
        report.suggestions_kept = moved.len();
        command = Command::Named {
            what: format!("re-anchor {doc}"),
            // Taken out while the text they refer to is the recorded one,
            // put back once the new text is: so the undo, in reverse,
            // puts the old ones back against the old hash.
            commands: vec![
                Command::RemoveSuggestions(old_suggestions.to_vec()),
                command,
                Command::AddSuggestions(moved),
            ],
        };
    }
    Ok(Reanchoring { command, report })
}

/// The pieces of a discontinuous annotation mapped into the new text:
/// pieces whose text is gone dropped, touching ones joined; `None` when
/// nothing is left.
fn map_pieces(map: &TextMap, a: &Annotation) -> Option<Vec<std::ops::Range<usize>>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for piece in a.pieces() {
        if let Mapped::Span(r) = map.map_span(piece) {
            match out.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => out.push(r),
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Attaches an orphan to a new span of its document (one undoable edit).
pub fn reattach(
    project: &Project,
    orphan: AnnotationId,
    range: std::ops::Range<usize>,
    at: Timestamp,
) -> Option<Command> {
    let o = project.orphans.iter().find(|o| o.id == orphan)?;
    let text = project.document(&o.doc)?.text.slice(range.clone())?.to_owned();
    if range.is_empty() {
        return None;
    }
    Some(Command::Batch(vec![
        Command::DeleteOrphans(vec![orphan]),
        Command::AddAnnotations(vec![Annotation {
            start: range.start,
            end: range.end,
            // Attached to one new span: its old pieces no longer apply.
            fragments: Vec::new(),
            text,
            modified: at,
            ..o.clone()
        }]),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{History, new_annotation};
    use crate::model::{Document, Text};

    const OLD: &str = "Le président Ilham Aliyev a parlé.\nLe médiateur Stepanyan a donné des chiffres.\nFin.";
    const NEW: &str = "Hier, le président Ilham Heydar Aliyev a parlé.\nFin.";

    fn project() -> (Project, [AnnotationId; 3]) {
        let mut p = Project::new("p");
        p.documents.push(Document::new("d", "D", "d.txt", Text::new(OLD)));
        let at = Timestamp::from_unix(0);
        let span = |s: &str| {
            let b = OLD.find(s).unwrap();
            let start = OLD[..b].chars().count();
            start..start + s.chars().count()
        };
        let a = new_annotation(&p, "d", span("Ilham Aliyev"), "actor", "ana", at).unwrap();
        let b = new_annotation(&p, "d", span("Stepanyan"), "actor", "ana", at).unwrap();
        let c = new_annotation(&p, "d", span("Fin"), "event", "ana", at).unwrap();
        let ids = [a.id, b.id, c.id];
        Command::AddAnnotations(vec![a, b, c]).apply(&mut p).unwrap();
        // The file on disk changes: the project still records the old hash.
        p.documents[0].text = Text::new(NEW);
        (p, ids)
    }

    #[test]
    fn annotations_follow_the_new_text_and_deleted_ones_become_orphans() {
        let (mut p, [aliyev, stepanyan, fin]) = project();
        let r = reanchor(&p, "d", OLD, Timestamp::from_unix(9)).unwrap();
        assert_eq!(r.report.resized, 1);
        assert_eq!(r.report.moved, 1);
        assert_eq!(r.report.orphaned.len(), 1);
        assert_eq!(r.report.orphaned[0].text, "Stepanyan");
        let mut history = History::default();
        let before = p.clone();
        history.apply(&mut p, r.command).unwrap();
        assert_eq!(p.annotation(aliyev).unwrap().text, "Ilham Heydar Aliyev");
        assert_eq!(p.annotation(fin).unwrap().text, "Fin");
        assert!(p.annotation(stepanyan).is_none());
        assert_eq!(p.orphans.iter().map(|o| o.id).collect::<Vec<_>>(), [stepanyan]);
        assert!(p.documents[0].text_matches());
        assert_eq!(crate::model::check(&p, &Default::default()), vec![]);
        // One undo restores the old anchors and hash.
        history.undo(&mut p).unwrap();
        assert_eq!(p, before);
    }

    #[test]
    fn a_discontinuous_span_is_mapped_piece_by_piece() {
        let mut p = Project::new("p");
        p.documents.push(Document::new("d", "D", "d.txt", Text::new(OLD)));
        let at = Timestamp::from_unix(0);
        let span = |s: &str| {
            let b = OLD.find(s).unwrap();
            let start = OLD[..b].chars().count();
            start..start + s.chars().count()
        };
        let kept =
            crate::edit::new_fragmented_annotation(&p, "d", &[span("Ilham Aliyev"), span("Fin")], "claim", "ana", at)
                .unwrap();
        let half =
            crate::edit::new_fragmented_annotation(&p, "d", &[span("Stepanyan"), span("Fin")], "claim", "ana", at)
                .unwrap();
        let gone = crate::edit::new_fragmented_annotation(
            &p,
            "d",
            &[span("médiateur"), span("Stepanyan")],
            "claim",
            "ana",
            at,
        )
        .unwrap();
        let ids = [kept.id, half.id, gone.id];
        Command::AddAnnotations(vec![kept, half, gone]).apply(&mut p).unwrap();
        p.documents[0].text = Text::new(NEW);
        let r = reanchor(&p, "d", OLD, Timestamp::from_unix(9)).unwrap();
        r.command.apply(&mut p).unwrap();
        let kept = p.annotation(ids[0]).unwrap();
        assert_eq!(kept.text, "Ilham Heydar Aliyev … Fin");
        assert_eq!(kept.fragments.len(), 2);
        let half = p.annotation(ids[1]).unwrap();
        assert_eq!(
            (half.text.as_str(), half.fragments.len()),
            ("Fin", 0),
            "one piece left: a plain span"
        );
        assert!(p.annotation(ids[2]).is_none());
        assert_eq!(r.report.orphaned.len(), 1);
        assert_eq!(crate::model::check(&p, &Default::default()), vec![]);
    }

    #[test]
    fn the_old_text_must_be_the_annotated_one() {
        let (p, _) = project();
        assert!(matches!(
            reanchor(&p, "d", "some other text", Timestamp::from_unix(0)),
            Err(ReanchorError::WrongOldText { .. })
        ));
    }

    #[test]
    fn orphans_can_be_attached_again_and_that_is_undoable() {
        let (mut p, [_, stepanyan, _]) = project();
        let r = reanchor(&p, "d", OLD, Timestamp::from_unix(9)).unwrap();
        r.command.apply(&mut p).unwrap();
        let before = p.clone();
        let cmd = reattach(&p, stepanyan, 0..5, Timestamp::from_unix(10)).unwrap();
        let inverse = cmd.apply(&mut p).unwrap();
        assert_eq!(p.annotation(stepanyan).unwrap().text, "Hier,");
        assert!(p.orphans.is_empty());
        inverse.apply(&mut p).unwrap();
        assert_eq!(p, before);
        // Deleting an orphan is an edit too.
        let inverse = Command::DeleteOrphans(vec![stepanyan]).apply(&mut p).unwrap();
        assert!(p.orphans.is_empty());
        inverse.apply(&mut p).unwrap();
        assert_eq!(p, before);
    }
}
