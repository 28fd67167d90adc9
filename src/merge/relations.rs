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

use super::three_way::{Pick, merge_map, pick};
use crate::model::{AnnotationId, Relation};

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
                conflicts.push(format!("relation {}: changed in ours, deleted in theirs (kept)", o.id));
                out.push(o.clone());
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
                conflicts.push(format!("relation {}: deleted in ours, changed in theirs (kept)", t.id));
                out.push(t.clone());
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
    let (mut meta, _) = merge_map("meta", base.map(|r| &r.meta), &o.meta, &t.meta, &mut found);
    if !found.is_empty() {
        let what = found.join("; ");
        conflicts.push(format!("relation {}: {what}", o.id));
        meta.insert(super::CONFLICT.to_owned(), what);
    }
    Relation {
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
    }
}
