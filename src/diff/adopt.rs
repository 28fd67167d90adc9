//! Adopting one side of a diff into a project: "take B's version" of a
//! change (a colleague's fix) or "restore A's version" (revert a mistake).
//!
//! Each change becomes the edit that makes the project's annotation look
//! like the chosen side's: add it, delete it, or put back its label, span
//! and note. A selection of changes becomes one [`Command::Batch`], one
//! undoable step. The project is found by annotation id (either side's),
//! so this works whether the project is A, B or a third copy; spans are
//! checked against the project's own text, so a span from a version with
//! another text is refused rather than misplaced.

use std::collections::HashSet;

use super::project_diff::{AttrChange, Change, RelationChange};
use crate::edit::Command;
use crate::model::{Annotation, AnnotationId, AttrValue, Owner, Project, Timestamp};

/// Which side of a change to adopt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    A,
    B,
}

/// Why a change cannot be adopted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AdoptError {
    #[error("document {0:?} is not in the project")]
    UnknownDocument(String),
    #[error(
        "the span [{start}, {end}) does not fit the project's text of {doc:?} (the document differs between the versions; re-anchor first)"
    )]
    TextDiffers { doc: String, start: usize, end: usize },
    #[error(
        "the text of “{text}” was deleted from {doc:?}: it cannot be restored there (attach its orphan to a new span instead)"
    )]
    TextDeleted { doc: String, text: String },
    #[error("the relation links annotation {end}, which is not in the project: take that annotation first")]
    MissingEnd { end: AnnotationId },
    #[error("{0:?} is not in the project (take the annotation or relation it belongs to first)")]
    UnknownOwner(String),
    #[error("{0} is not an attribute value")]
    BadValue(String),
}

/// The edit adopting `side` of relation changes into `project`: a
/// relation added, deleted, or given back its type, ends, note and
/// attributes; deletions first, so that a claimant replaced by another
/// fits the type's cardinality. A relation whose end is not in the
/// project is refused (take that annotation first). `None` when the
/// project already looks like that side.
pub fn adopt_relations(
    project: &Project,
    changes: &[&RelationChange],
    side: Side,
    at: Timestamp,
) -> Result<Option<Command>, AdoptError> {
    let (mut deletes, mut restores, mut adds) = (Vec::new(), Vec::new(), Vec::new());
    let mut taken: HashSet<AnnotationId> = project.used_ids();
    for change in changes {
        let ids: Vec<AnnotationId> = change.a.iter().chain(&change.b).map(|r| r.id).collect();
        let mine = ids.iter().find_map(|id| project.relation(*id));
        let wanted = match side {
            Side::A => change.a.clone(),
            Side::B => change.b.clone(),
        };
        if let Some(w) = &wanted {
            for end in [w.from, w.to] {
                if project.annotation(end).is_none() {
                    return Err(AdoptError::MissingEnd { end });
                }
            }
        }
        match (wanted, mine) {
            (None, Some(m)) => deletes.push(m.id),
            (Some(w), Some(m)) => {
                let same = |x: &crate::model::Relation| {
                    (&x.kind, x.from, x.to, &x.note, &x.attrs) == (&w.kind, w.from, w.to, &w.note, &w.attrs)
                };
                if !same(m) {
                    restores.push(crate::model::Relation {
                        id: m.id,
                        modified: at,
                        ..w
                    });
                }
            }
            (Some(mut w), None) => {
                if taken.contains(&w.id) {
                    w.id = AnnotationId::fresh(|id| taken.contains(&id));
                }
                taken.insert(w.id);
                w.modified = at;
                adds.push(w);
            }
            (None, None) => {}
        }
    }
    let mut commands = Vec::new();
    if !deletes.is_empty() {
        commands.push(Command::DeleteRelations(deletes));
    }
    if !restores.is_empty() {
        commands.push(Command::RestoreRelations(restores));
    }
    if !adds.is_empty() {
        commands.push(Command::AddRelations(adds));
    }
    Ok((!commands.is_empty()).then_some(Command::Batch(commands)))
}

/// The edit adopting `side` of attribute value changes into `project`:
/// each owner (annotation, relation, document, found by id) given that
/// side's value, or its value unset; one step, named for the undo menu.
/// `None` when the project already holds those values.
pub fn adopt_attributes(
    project: &Project,
    changes: &[&AttrChange],
    side: Side,
    at: Timestamp,
) -> Result<Option<Command>, AdoptError> {
    let mut commands = Vec::new();
    for c in changes {
        let owner = match c.owner {
            "document" => Owner::Document(c.id.clone()),
            kind => {
                let id = AnnotationId::parse(&c.id).ok_or_else(|| AdoptError::UnknownOwner(c.id.clone()))?;
                if kind == "relation" {
                    Owner::Relation(id)
                } else {
                    Owner::Annotation(id)
                }
            }
        };
        let current = match &owner {
            Owner::Annotation(id) => project.annotation(*id).map(|a| &a.attrs),
            Owner::Relation(id) => project.relation(*id).map(|r| &r.attrs),
            Owner::Document(id) => project.document(id).map(|d| &d.attrs),
        }
        .ok_or_else(|| AdoptError::UnknownOwner(c.id.clone()))?;
        let wanted = match side {
            Side::A => &c.old,
            Side::B => &c.new,
        };
        let value = match wanted {
            None => None,
            Some(v) => Some(AttrValue::from_json(v).ok_or_else(|| AdoptError::BadValue(v.to_string()))?),
        };
        if current.get(&c.key) == value.as_ref() {
            continue;
        }
        commands.push(Command::SetAttrs {
            owner,
            changes: vec![(c.key.clone(), value)],
            at,
        });
    }
    let what = match side {
        Side::A => "restore",
        Side::B => "take",
    };
    Ok((!commands.is_empty()).then(|| Command::Named {
        what: format!("{what} {}", crate::model::plural(commands.len(), "attribute value")),
        commands,
    }))
}

/// The edit adopting `side` of every change in `changes` into `project`,
/// or `None` when the project already looks like that side.
pub fn adopt(project: &Project, changes: &[&Change], side: Side, at: Timestamp) -> Result<Option<Command>, AdoptError> {
    let mut commands = Vec::new();
    let mut taken: HashSet<AnnotationId> = project.annotation_ids();
    for change in changes {
        let doc = project
            .document(&change.doc)
            .ok_or_else(|| AdoptError::UnknownDocument(change.doc.clone()))?;
        let ids: Vec<AnnotationId> = change.a.iter().chain(&change.b).map(|x| x.id).collect();
        let mine = project.annotations_of(&change.doc).iter().find(|m| ids.contains(&m.id));
        if side == Side::A && change.text_deleted {
            return Err(AdoptError::TextDeleted {
                doc: change.doc.clone(),
                text: change.a.as_ref().map_or_else(String::new, |a| a.text.clone()),
            });
        }
        let wanted = match side {
            Side::B => change.b.clone(),
            // A's span in B's text when the text changed and the project has B's text.
            Side::A => change.a.clone().map(|mut x| {
                if let Some(r) = &change.a_in_b
                    && doc.text.slice(x.range()) != Some(x.text.as_str())
                {
                    x.start = r.start;
                    x.end = r.end;
                }
                x
            }),
        };
        let wanted = match wanted {
            Some(mut w) => {
                let text = doc.text.slice(w.range()).ok_or_else(|| AdoptError::TextDiffers {
                    doc: change.doc.clone(),
                    start: w.start,
                    end: w.end,
                })?;
                if side == Side::B && text != w.text {
                    return Err(AdoptError::TextDiffers {
                        doc: change.doc.clone(),
                        start: w.start,
                        end: w.end,
                    });
                }
                w.text = text.to_owned();
                w.doc = change.doc.clone();
                w.modified = at;
                Some(w)
            }
            None => None,
        };
        match (wanted, mine) {
            (None, Some(m)) => commands.push(Command::DeleteAnnotations(vec![m.id])),
            (Some(w), Some(m)) => {
                let same = |x: &Annotation| (x.start, x.end, &x.label, &x.note) == (w.start, w.end, &w.label, &w.note);
                if !same(m) {
                    commands.push(Command::RestoreAnnotations(vec![Annotation { id: m.id, ..w }]));
                }
            }
            (Some(mut w), None) => {
                if taken.contains(&w.id) {
                    w.id = AnnotationId::fresh(|id| taken.contains(&id));
                }
                taken.insert(w.id);
                commands.push(Command::AddAnnotations(vec![w]));
            }
            (None, None) => {}
        }
    }
    Ok(match commands.len() {
        0 => None,
        _ => Some(Command::Batch(commands)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;
    use crate::edit::new_annotation;
    use crate::model::{Document, Text};

    const TEXT: &str = "Le président Ilham Aliyev a déclaré la victoire à Bakou.";

    fn span(needle: &str) -> std::ops::Range<usize> {
        let b = TEXT.find(needle).unwrap();
        let s = TEXT[..b].chars().count();
        s..s + needle.chars().count()
    }

    fn versions() -> (Project, Project) {
        let mut a = Project::new("p");
        a.documents.push(Document::new("d", "D", "d.txt", Text::new(TEXT)));
        let at = Timestamp::from_unix(0);
        let aliyev = new_annotation(&a, "d", span("Ilham Aliyev"), "actor", "ana", at).unwrap();
        let victoire = new_annotation(&a, "d", span("a déclaré la victoire"), "event", "ana", at).unwrap();
        Command::AddAnnotations(vec![aliyev.clone(), victoire.clone()])
            .apply(&mut a)
            .unwrap();
        let mut b = a.clone();
        let bakou = new_annotation(&b, "d", span("Bakou"), "actor", "bea", at).unwrap();
        let victoire_span = span("la victoire");
        Command::Batch(vec![
            Command::DeleteAnnotations(vec![aliyev.id]),
            Command::AddAnnotations(vec![bakou]),
            Command::Resize {
                id: victoire.id,
                start: victoire_span.start,
                end: victoire_span.end,
                at,
            },
            Command::Relabel {
                ids: vec![victoire.id],
                label: "claim".into(),
                at,
            },
        ])
        .apply(&mut b)
        .unwrap();
        (a, b)
    }

    fn same_annotations(p: &Project, q: &Project) -> bool {
        let key = |x: &Project| {
            x.annotations()
                .iter()
                .map(|a| (a.start, a.end, a.label.clone(), a.note.clone()))
                .collect::<Vec<_>>()
        };
        key(p) == key(q)
    }

    #[test]
    fn taking_every_change_of_b_into_a_gives_b() {
        let (a, b) = versions();
        let d = diff(&a, &b);
        let all: Vec<&Change> = d.changes.iter().collect();
        let mut mine = a.clone();
        let cmd = adopt(&mine, &all, Side::B, Timestamp::from_unix(1)).unwrap().unwrap();
        let inverse = cmd.apply(&mut mine).unwrap();
        assert!(same_annotations(&mine, &b));
        inverse.apply(&mut mine).unwrap();
        assert_eq!(mine, a, "one undo reverts the whole selection");
        // Nothing to do when the project already is that side.
        assert_eq!(adopt(&b, &all, Side::B, Timestamp::from_unix(1)).unwrap(), None);
    }

    #[test]
    fn restoring_a_into_b_gives_a() {
        let (a, b) = versions();
        let d = diff(&a, &b);
        let all: Vec<&Change> = d.changes.iter().collect();
        let mut mine = b.clone();
        adopt(&mine, &all, Side::A, Timestamp::from_unix(1))
            .unwrap()
            .unwrap()
            .apply(&mut mine)
            .unwrap();
        assert!(same_annotations(&mine, &a));
        // One change at a time works too.
        let mut mine = b;
        let relabel = d.changes.iter().find(|c| c.relabeled).unwrap();
        adopt(&mine, &[relabel], Side::A, Timestamp::from_unix(1))
            .unwrap()
            .unwrap()
            .apply(&mut mine)
            .unwrap();
        let restored = mine.annotation(relabel.b.as_ref().unwrap().id).unwrap();
        assert_eq!(
            (restored.label.as_str(), restored.text.as_str()),
            ("event", "a déclaré la victoire")
        );
    }

    #[test]
    fn annotations_whose_text_was_deleted_are_not_restored() {
        let (a, _) = versions();
        let mut b = a.clone();
        let new_text = TEXT.replace("Ilham Aliyev ", "");
        b.documents[0].text = Text::new(new_text.as_str());
        let r = crate::diff::reanchor(&b, "d", TEXT, Timestamp::from_unix(1)).unwrap();
        r.command.apply(&mut b).unwrap();
        let d = diff(&a, &b);
        let gone = d
            .changes
            .iter()
            .find(|c| c.text_deleted)
            .expect("Aliyev's text was deleted");
        assert!(matches!(
            adopt(&b, &[gone], Side::A, Timestamp::from_unix(2)),
            Err(AdoptError::TextDeleted { .. })
        ));
    }

    #[test]
    fn spans_from_another_text_are_refused() {
        let (a, b) = versions();
        let d = diff(&a, &b);
        let mut other = a;
        other.documents[0].text = Text::new("Texte entièrement différent.");
        let added = d.changes.iter().find(|c| c.a.is_none()).unwrap();
        assert!(matches!(
            adopt(&other, &[added], Side::B, Timestamp::from_unix(1)),
            Err(AdoptError::TextDiffers { .. })
        ));
    }

    #[test]
    fn relation_changes_are_taken_and_restored_in_one_step() {
        use crate::edit::new_relation;
        use crate::model::{Cardinality, Colour, RelationType};
        let (mut a, _) = versions();
        a.schema.relation_types = vec![RelationType {
            id: "agent".into(),
            name: "Agent".into(),
            colour: Colour([1, 2, 3]),
            hotkey: None,
            from: vec!["event".into()],
            to: vec!["actor".into()],
            symmetric: false,
            cardinality: Cardinality::Optional,
            guideline: String::new(),
        }];
        let event = a.annotations().iter().find(|x| x.label == "event").unwrap().id;
        let aliyev = a.annotations().iter().find(|x| x.label == "actor").unwrap().id;
        let at = Timestamp::from_unix(0);
        // B: A's events and actors, plus an agent relation with a note.
        let mut b = a.clone();
        let mut agent = new_relation(&b, "agent", event, aliyev, "bea", at).unwrap();
        agent.note = "who declared".into();
        Command::AddRelations(vec![agent.clone()]).apply(&mut b).unwrap();
        let d = diff(&a, &b);
        assert_eq!(d.relations.len(), 1);
        let all: Vec<&RelationChange> = d.relations.iter().collect();
        // Take B's into A: the relation comes, with its note; one undo.
        let mut mine = a.clone();
        let cmd = adopt_relations(&mine, &all, Side::B, Timestamp::from_unix(1))
            .unwrap()
            .unwrap();
        let inverse = cmd.apply(&mut mine).unwrap();
        let taken = mine.relation(agent.id).expect("taken");
        assert_eq!(
            (taken.from, taken.to, taken.note.as_str()),
            (event, aliyev, "who declared")
        );
        inverse.apply(&mut mine).unwrap();
        assert_eq!(mine, a);
        // Restore A's into B: it goes; nothing to do once it has.
        let mut mine = b.clone();
        adopt_relations(&mine, &all, Side::A, Timestamp::from_unix(1))
            .unwrap()
            .unwrap()
            .apply(&mut mine)
            .unwrap();
        assert!(mine.relations().is_empty());
        assert_eq!(
            adopt_relations(&mine, &all, Side::A, Timestamp::from_unix(1)).unwrap(),
            None
        );
        // An end missing from the project is refused, and named.
        let mut lonely = a;
        Command::DeleteAnnotations(vec![aliyev]).apply(&mut lonely).unwrap();
        assert_eq!(
            adopt_relations(&lonely, &all, Side::B, Timestamp::from_unix(1)),
            Err(AdoptError::MissingEnd { end: aliyev })
        );
    }
}
