//! Merging relations by id, field by field, and keeping every relation's
//! ends resolvable.
//!
//! A relation's fields merge in groups like an annotation's: its place
//! (document and both ends) as one value, its type, its note, each
//! attribute and each metadata key. A conflict keeps ours and is marked in
//! the relation's metadata ([`super::CONFLICT`]). After the merge, a
//! relation whose end one side deleted while the other side linked to it
//! brings that annotation back (a conflict on the annotation, so the
//! researcher decides): a merged file never has a dangling relation.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::annotations::{CONFLICT, CONFLICT_OTHER};
use super::three_way::{Pick, merge_map, pick};
use crate::edit::Command;
use crate::model::{AnnotationId, Relation, Timestamp};

/// The version of a conflicting relation the merge did not keep, kept in
/// its [`CONFLICT_OTHER`] mark so the researcher can take it instead.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "side", rename_all = "snake_case")]
pub enum RelationOther {
    /// That side deleted the relation.
    Deleted { by: String },
    /// That side's version (its id is the kept one's).
    Version { by: String, relation: Box<Relation> },
}

impl RelationOther {
    /// Reads a relation's [`CONFLICT_OTHER`] mark, if it has a valid one.
    pub fn of(r: &Relation) -> Option<RelationOther> {
        serde_json::from_str(r.meta.get(CONFLICT_OTHER)?).ok()
    }
}

/// True when a merge marked `r` as conflicting.
pub fn relation_has_conflict(r: &Relation) -> bool {
    r.meta.contains_key(CONFLICT)
}

/// Marks `r` as conflicting: what differs, and the other choice.
fn mark(r: &mut Relation, what: String, other: &RelationOther) {
    r.meta.insert(CONFLICT.to_owned(), what);
    if let Ok(json) = serde_json::to_string(other) {
        r.meta.insert(CONFLICT_OTHER.to_owned(), json);
    }
}

fn unmarked(r: &Relation) -> Relation {
    let mut r = r.clone();
    r.meta.remove(CONFLICT);
    r.meta.remove(CONFLICT_OTHER);
    r
}

/// The edit that resolves the conflict marked on relation `r`: keeping it
/// (marks removed), or taking the version the merge did not keep
/// (deleting it, if that side deleted it). The edit's own checks refuse a
/// version whose ends or type no longer fit.
pub fn resolve_relation(r: &Relation, take_other: bool, at: Timestamp) -> Result<Command, super::ResolveError> {
    if !take_other {
        return Ok(Command::RestoreRelations(vec![unmarked(r)]));
    }
    match RelationOther::of(r).ok_or(super::ResolveError::NoOtherVersion)? {
        RelationOther::Deleted { .. } => Ok(Command::DeleteRelations(vec![r.id])),
        RelationOther::Version { relation, .. } => {
            let mut other = unmarked(&relation);
            if other.doc != r.doc {
                return Err(super::ResolveError::Elsewhere);
            }
            other.id = r.id;
            other.modified = at;
            Ok(Command::RestoreRelations(vec![other]))
        }
    }
}

/// The merged relations, with one line per conflict.
pub fn merge(base: &[Relation], ours: &[Relation], theirs: &[Relation], conflicts: &mut Vec<String>) -> Vec<Relation> {
    let index =
        |rs: &[Relation]| -> HashMap<AnnotationId, usize> { rs.iter().enumerate().map(|(i, r)| (r.id, i)).collect() };
    let (base_at, ours_at, theirs_at) = (index(base), index(ours), index(theirs));
    let mut out = Vec::with_capacity(ours.len().max(theirs.len()));
    for o in ours {
        let b = base_at.get(&o.id).map(|&i| &base[i]);
        match (b, theirs_at.get(&o.id).map(|&i| &theirs[i])) {
            (b, Some(t)) => out.push(fields(b, o, t, conflicts)),
            (None, None) => out.push(o.clone()),
            (Some(b), None) if b == o => {}
            (Some(_), None) => {
                let what = "changed in ours, deleted in theirs (kept)".to_owned();
                conflicts.push(format!("relation {}: {what}", o.id));
                let mut kept = o.clone();
                mark(&mut kept, what, &RelationOther::Deleted { by: "theirs".into() });
                out.push(kept);
            }
        }
    }
    // What ours added, by place: theirs adding the same link is the same relation.
    let ours_added: std::collections::HashSet<(&str, &str, AnnotationId, AnnotationId)> = ours
        .iter()
        .filter(|o| !base_at.contains_key(&o.id))
        .map(|o| (o.doc.as_str(), o.kind.as_str(), o.from, o.to))
        .collect();
    for t in theirs {
        if ours_at.contains_key(&t.id) {
            continue;
        }
        if !base_at.contains_key(&t.id) && ours_added.contains(&(t.doc.as_str(), t.kind.as_str(), t.from, t.to)) {
            continue; // added by both: kept once (ours)
        }
        match base_at.get(&t.id).map(|&i| &base[i]) {
            Some(b) if b == t => {}
            Some(_) => {
                let what = "deleted in ours, changed in theirs (kept)".to_owned();
                conflicts.push(format!("relation {}: {what}", t.id));
                let mut kept = t.clone();
                mark(&mut kept, what, &RelationOther::Deleted { by: "ours".into() });
                out.push(kept);
            }
            None => out.push(t.clone()),
        }
    }
    out
}

fn fields(base: Option<&Relation>, o: &Relation, t: &Relation, conflicts: &mut Vec<String>) -> Relation {
    let mut found = Vec::new();
    let place = |r: &Relation| (r.doc.clone(), r.from, r.to);
    let base_place = base.map(place);
    let place = match pick(base_place.as_ref(), &place(o), &place(t)) {
        Pick::Conflict { ours, theirs } => {
            found.push(format!(
                "ends: ours {} → {}, theirs {} → {}",
                ours.1, ours.2, theirs.1, theirs.2
            ));
            ours.clone()
        }
        p => p.value().clone(),
    };
    let mut text = |what: &str, b: Option<&String>, ours: &String, theirs: &String| -> String {
        let p = pick(b, ours, theirs);
        if let Pick::Conflict { ours, theirs } = p {
            found.push(format!("{what}: ours {ours:?}, theirs {theirs:?}"));
        }
        p.value().clone()
    };
    let kind = text("type", base.map(|r| &r.kind), &o.kind, &t.kind);
    let note = text("note", base.map(|r| &r.note), &o.note, &t.note);
    let author = text("author", base.map(|r| &r.author), &o.author, &t.author);
    let (attrs, _) = merge_map("attribute", base.map(|r| &r.attrs), &o.attrs, &t.attrs, &mut found);
    let (meta, _) = merge_map("meta", base.map(|r| &r.meta), &o.meta, &t.meta, &mut found);
    let conflict = (!found.is_empty()).then(|| found.join("; "));
    let mut merged = Relation {
        id: o.id,
        doc: place.0,
        kind,
        from: place.1,
        to: place.2,
        attrs,
        note,
        author,
        created: o.created.min(t.created),
        modified: o.modified.max(t.modified),
        meta,
    };
    if let Some(what) = conflict {
        conflicts.push(format!("relation {}: {what}", o.id));
        let other = RelationOther::Version {
            by: "theirs".into(),
            relation: Box::new(t.clone()),
        };
        mark(&mut merged, what, &other);
    }
    merged
}
