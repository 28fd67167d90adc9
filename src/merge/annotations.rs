//! Merging annotations (and orphans) by id, field by field.
//!
//! An annotation's fields fall in groups that merge independently: where
//! it is (document, span, quoted text, orphaned or not), its label, its
//! note, its author and creation time, and each key of its metadata. So
//! ours relabeling an annotation while theirs edits its note gives both
//! edits; both relabeling it differently is a conflict. `modified` is the
//! later of the two.
//!
//! A conflict keeps our value and marks the annotation: [`CONFLICT`] says
//! what differs, [`CONFLICT_OTHER`] holds the version not kept (as JSON),
//! so that the workbench can offer the choice again.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::three_way::{From, Pick, merge_map, pick};
use crate::model::{Annotation, AnnotationId};

/// Meta key on a conflicting annotation: what the two sides disagree on.
pub const CONFLICT: &str = "conflict";
/// Meta key on a conflicting annotation: the version the merge did not keep.
pub const CONFLICT_OTHER: &str = "conflict_other";

/// An annotation in a project, with whether it is an orphan.
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    pub annotation: &'a Annotation,
    pub orphan: bool,
}

/// The version of a conflicting annotation the merge did not keep.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "side", rename_all = "snake_case")]
pub enum Other {
    /// That side deleted the annotation.
    Deleted { by: String },
    /// That side's version.
    Version {
        by: String,
        doc: String,
        start: usize,
        end: usize,
        text: String,
        label: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        orphan: bool,
        /// That side's attribute values (absent in marks written before
        /// they were recorded: taking the other version keeps ours then).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attrs: Option<crate::model::Attrs>,
    },
}

impl Other {
    /// Reads the [`CONFLICT_OTHER`] value of an annotation, if it has a valid one.
    pub fn of(annotation: &Annotation) -> Option<Other> {
        serde_json::from_str(annotation.meta.get(CONFLICT_OTHER)?).ok()
    }

    fn version(by: &str, e: Entry<'_>) -> Other {
        let a = e.annotation;
        Other::Version {
            by: by.to_owned(),
            doc: a.doc.clone(),
            start: a.start,
            end: a.end,
            text: a.text.clone(),
            label: a.label.clone(),
            note: a.note.clone(),
            orphan: e.orphan,
            attrs: Some(a.attrs.clone()),
        }
    }
}

/// One merged annotation.
pub struct Merged {
    pub annotation: Annotation,
    pub orphan: bool,
    /// Whose placement (document, span) it has: checked against documents
    /// whose text only one side changed.
    pub placed_by: From,
    /// What conflicted, if anything (also recorded in the annotation's meta).
    pub conflict: Option<String>,
    /// Which side's edits it carries beyond the other's.
    pub changed_by: From,
}

/// How the annotations merged, in numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Annotations theirs added or changed that the result takes.
    pub from_theirs: usize,
    /// Annotations ours added or changed that the result keeps.
    pub from_ours: usize,
    /// Annotations deleted by one side (and left alone by the other) or both.
    pub deleted: usize,
    /// Annotations both sides added with the same span and label: kept once (ours).
    pub deduplicated: usize,
}

/// Merges the annotations of three versions, given as entries by id.
pub fn merge(base: &[Entry<'_>], ours: &[Entry<'_>], theirs: &[Entry<'_>]) -> (Vec<Merged>, Tally) {
    let index = |entries: &[Entry<'_>]| -> HashMap<AnnotationId, usize> {
        entries.iter().enumerate().map(|(i, e)| (e.annotation.id, i)).collect()
    };
    let (base_at, ours_at, theirs_at) = (index(base), index(ours), index(theirs));
    // Spans ours added: theirs adding the same span and label is the same tag.
    let ours_added: HashSet<(&str, usize, usize, &str)> = ours
        .iter()
        .filter(|e| !base_at.contains_key(&e.annotation.id))
        .map(|e| key(e.annotation))
        .collect();

    let mut out = Vec::with_capacity(ours.len().max(theirs.len()));
    let mut tally = Tally::default();

    for o in ours {
        let id = o.annotation.id;
        let b = base_at.get(&id).map(|&i| base[i]);
        let merged = match (b, theirs_at.get(&id).map(|&i| theirs[i])) {
            (b, Some(t)) => Some(fields(b, *o, t)),
            (None, None) => Some(plain(*o, From::Ours)),
            (Some(b), None) if same(b, *o) => None,
            (Some(_), None) => Some(marked(*o, From::Ours, "changed in ours, deleted in theirs", "theirs")),
        };
        match merged {
            Some(m) => {
                count(&m, &mut tally);
                out.push(m);
            }
            None => tally.deleted += 1,
        }
    }
    for t in theirs {
        let id = t.annotation.id;
        if ours_at.contains_key(&id) {
            continue;
        }
        let merged = match base_at.get(&id).map(|&i| base[i]) {
            Some(b) if same(b, *t) => None,
            Some(_) => Some(marked(*t, From::Theirs, "deleted in ours, changed in theirs", "ours")),
            None if ours_added.contains(&key(t.annotation)) => {
                tally.deduplicated += 1;
                continue;
            }
            None => Some(plain(*t, From::Theirs)),
        };
        match merged {
            Some(m) => {
                count(&m, &mut tally);
                out.push(m);
            }
            None => tally.deleted += 1,
        }
    }
    tally.deleted += base
        .iter()
        .filter(|b| !ours_at.contains_key(&b.annotation.id) && !theirs_at.contains_key(&b.annotation.id))
        .count();
    (out, tally)
}

fn count(m: &Merged, tally: &mut Tally) {
    match m.changed_by {
        From::Ours => tally.from_ours += 1,
        From::Theirs => tally.from_theirs += 1,
        From::Both => {}
    }
}

fn key(a: &Annotation) -> (&str, usize, usize, &str) {
    (&a.doc, a.start, a.end, &a.label)
}

/// True when two versions have the same content (`modified` aside).
fn same(x: Entry<'_>, y: Entry<'_>) -> bool {
    let (a, b) = (x.annotation, y.annotation);
    x.orphan == y.orphan
        && key(a) == key(b)
        && a.text == b.text
        && a.note == b.note
        && a.author == b.author
        && a.created == b.created
        && a.meta == b.meta
}

fn plain(e: Entry<'_>, from: From) -> Merged {
    Merged {
        annotation: e.annotation.clone(),
        orphan: e.orphan,
        placed_by: from,
        conflict: None,
        changed_by: from,
    }
}

/// A version kept against the other side's deletion.
fn marked(kept: Entry<'_>, from: From, what: &str, deleted_by: &str) -> Merged {
    let mut m = plain(kept, from);
    let other = Other::Deleted {
        by: deleted_by.to_owned(),
    };
    mark(&mut m.annotation, what, &other);
    m.conflict = Some(what.to_owned());
    m
}

fn mark(a: &mut Annotation, what: &str, other: &Other) {
    a.meta.insert(CONFLICT.to_owned(), what.to_owned());
    // Serialising a plain enum of strings and numbers cannot fail.
    if let Ok(json) = serde_json::to_string(other) {
        a.meta.insert(CONFLICT_OTHER.to_owned(), json);
    }
}

/// The placement of an annotation: where it is and what it quotes.
#[derive(PartialEq)]
struct Place<'a> {
    doc: &'a str,
    start: usize,
    end: usize,
    fragments: &'a [(usize, usize)],
    text: &'a str,
    orphan: bool,
}

impl<'a> Place<'a> {
    fn of(e: Entry<'a>) -> Place<'a> {
        let a = e.annotation;
        Place {
            doc: &a.doc,
            start: a.start,
            end: a.end,
            fragments: &a.fragments,
            text: &a.text,
            orphan: e.orphan,
        }
    }

    fn show(&self) -> String {
        let orphan = if self.orphan { " (orphan)" } else { "" };
        format!("[{}, {}) {:?}{orphan}", self.start, self.end, self.text)
    }
}

/// Field-by-field merge of one annotation present on both sides.
fn fields(base: Option<Entry<'_>>, o: Entry<'_>, t: Entry<'_>) -> Merged {
    let (oa, ta) = (o.annotation, t.annotation);
    let ba = base.map(|b| b.annotation);
    let mut conflicts: Vec<String> = Vec::new();
    let mut changed = (false, false);
    let mut note_side = |from: From| match from {
        From::Ours => changed.0 = true,
        From::Theirs => changed.1 = true,
        From::Both => {}
    };

    let place_base = base.map(Place::of);
    let (place_o, place_t) = (Place::of(o), Place::of(t));
    let place = pick(place_base.as_ref(), &place_o, &place_t);
    if let Pick::Conflict { ours, theirs } = place {
        conflicts.push(format!("span: ours {}, theirs {}", ours.show(), theirs.show()));
    }
    note_side(place.from());
    let placed_by = place.from();
    let place = place.value();

    let mut text_field = |name: &str, b: Option<&String>, ours: &String, theirs: &String| -> String {
        let p = pick(b, ours, theirs);
        if let Pick::Conflict { ours, theirs } = p {
            conflicts.push(format!("{name}: ours {ours:?}, theirs {theirs:?}"));
        }
        note_side(p.from());
        p.value().clone()
    };
    let label = text_field("label", ba.map(|a| &a.label), &oa.label, &ta.label);
    let note = text_field("note", ba.map(|a| &a.note), &oa.note, &ta.note);
    let author = text_field("author", ba.map(|a| &a.author), &oa.author, &ta.author);
    // Creation times that disagree are not the user's content: the earlier stands.
    let created = match pick(ba.map(|a| &a.created), &oa.created, &ta.created) {
        Pick::Clean(v, _) => *v,
        Pick::Conflict { ours, theirs } => *ours.min(theirs),
    };

    let mut meta = BTreeMap::new();
    let keys: BTreeSet<&String> = oa.meta.keys().chain(ta.meta.keys()).collect();
    for k in keys {
        let b = ba.map(|a| a.meta.get(k));
        let (ov, tv) = (oa.meta.get(k), ta.meta.get(k));
        let p = pick(b.as_ref(), &ov, &tv);
        if let Pick::Conflict { ours, theirs } = p {
            conflicts.push(format!("meta {k:?}: ours {ours:?}, theirs {theirs:?}"));
        }
        note_side(p.from());
        if let Some(v) = p.value() {
            meta.insert(k.clone(), (*v).clone());
        }
    }

    let (attrs, sides) = merge_map("attribute", ba.map(|a| &a.attrs), &oa.attrs, &ta.attrs, &mut conflicts);
    for from in sides {
        note_side(from);
    }
    let mut annotation = Annotation {
        id: oa.id,
        doc: place.doc.to_owned(),
        start: place.start,
        end: place.end,
        fragments: place.fragments.to_vec(),
        label,
        text: place.text.to_owned(),
        attrs,
        note,
        author,
        created,
        modified: oa.modified.max(ta.modified),
        meta,
    };
    let orphan = place.orphan;
    let conflict = (!conflicts.is_empty()).then(|| conflicts.join("; "));
    if let Some(what) = &conflict {
        mark(&mut annotation, what, &Other::version("theirs", t));
    }
    let changed_by = match changed {
        (true, false) => From::Ours,
        (false, true) => From::Theirs,
        // Both sides' edits combined: count it as taking theirs.
        (true, true) => From::Theirs,
        (false, false) => From::Both,
    };
    Merged {
        annotation,
        orphan,
        placed_by,
        conflict,
        changed_by,
    }
}

/// Marks an annotation whose placement refers to a text the merged
/// project no longer has (the other side changed the document).
pub fn mark_misplaced(m: &mut Merged, doc_changed_by: &str) {
    let what = format!(
        "placed against the old text of {:?}, which {doc_changed_by} changed: check its span",
        m.annotation.doc
    );
    let joined = match &m.conflict {
        Some(c) => format!("{c}; {what}"),
        None => what,
    };
    m.annotation.meta.insert(CONFLICT.to_owned(), joined.clone());
    m.conflict = Some(joined);
}
