//! Merging the project's other parts: its name, the labels of the schema
//! and the documents, each by id and field by field.
//!
//! Order follows ours, with what only theirs added appended in theirs'
//! order. Conflicts keep ours and are returned as messages (labels and
//! documents have no metadata to carry a marker).

use std::collections::{BTreeSet, HashMap, HashSet};

use super::three_way::{From, Pick, merge_map, pick};
use crate::model::{AttributeDef, Document, Entity, Label, RelationType};

/// A merged list item, with the side its content came from (for
/// documents: whose text it records).
pub struct Item<T> {
    pub value: T,
    pub from: From,
}

/// Merges one field of an item, recording a conflict as `what: ours …, theirs …`.
fn field<'a, T: PartialEq + std::fmt::Debug + ?Sized>(
    what: &str,
    base: Option<&T>,
    ours: &'a T,
    theirs: &'a T,
    conflicts: &mut Vec<String>,
) -> (&'a T, From) {
    let p = pick(base, ours, theirs);
    if let Pick::Conflict { ours, theirs } = p {
        conflicts.push(format!("{what}: ours {ours:?}, theirs {theirs:?}"));
    }
    (p.value(), p.from())
}

/// Three-way merge of id-keyed lists. `merge_item` merges an item present
/// on both sides; an item one side deleted is deleted unless the other
/// side changed it (then it is kept, and that is a conflict).
fn merge_list<T: Clone + PartialEq>(
    kind: &str,
    base: &[T],
    ours: &[T],
    theirs: &[T],
    id: fn(&T) -> &str,
    merge_item: impl Fn(Option<&T>, &T, &T, &mut Vec<String>) -> (T, From),
    conflicts: &mut Vec<String>,
) -> Vec<Item<T>> {
    let by_id = |items: &'_ [T]| -> HashMap<String, usize> {
        items.iter().enumerate().map(|(i, t)| (id(t).to_owned(), i)).collect()
    };
    let (base_at, ours_at, theirs_at) = (by_id(base), by_id(ours), by_id(theirs));
    let mut out = Vec::with_capacity(ours.len());
    for o in ours {
        let b = base_at.get(id(o)).map(|&i| &base[i]);
        match (b, theirs_at.get(id(o)).map(|&i| &theirs[i])) {
            (b, Some(t)) => {
                let mut found = Vec::new();
                let (value, from) = merge_item(b, o, t, &mut found);
                conflicts.extend(found.into_iter().map(|c| format!("{kind} {:?}: {c}", id(o))));
                out.push(Item { value, from });
            }
            (None, None) => out.push(Item {
                value: o.clone(),
                from: From::Ours,
            }),
            (Some(b), None) if b == o => {}
            (Some(_), None) => {
                conflicts.push(format!("{kind} {:?}: changed in ours, deleted in theirs (kept)", id(o)));
                out.push(Item {
                    value: o.clone(),
                    from: From::Ours,
                });
            }
        }
    }
    for t in theirs {
        if ours_at.contains_key(id(t)) {
            continue;
        }
        match base_at.get(id(t)).map(|&i| &base[i]) {
            Some(b) if b == t => {}
            Some(_) => {
                conflicts.push(format!("{kind} {:?}: deleted in ours, changed in theirs (kept)", id(t)));
                out.push(Item {
                    value: t.clone(),
                    from: From::Theirs,
                });
            }
            None => out.push(Item {
                value: t.clone(),
                from: From::Theirs,
            }),
        }
    }
    out
}

/// Merges the schema's labels.
pub fn labels(base: &[Label], ours: &[Label], theirs: &[Label], conflicts: &mut Vec<String>) -> Vec<Item<Label>> {
    merge_list(
        "label",
        base,
        ours,
        theirs,
        |l| &l.id,
        |b, o, t, c| {
            let name = field("name", b.map(|l| &l.name), &o.name, &t.name, c).0.clone();
            let colour = *field("colour", b.map(|l| &l.colour), &o.colour, &t.colour, c).0;
            let hotkey = *field("hotkey", b.map(|l| &l.hotkey), &o.hotkey, &t.hotkey, c).0;
            let guideline = field("guideline", b.map(|l| &l.guideline), &o.guideline, &t.guideline, c)
                .0
                .clone();
            let kind = *field("kind", b.map(|l| &l.kind), &o.kind, &t.kind, c).0;
            let label = Label {
                id: o.id.clone(),
                name,
                colour,
                hotkey,
                guideline,
                kind,
            };
            (label, From::Both)
        },
        conflicts,
    )
}

/// Merges a list of schema entries as whole values, by id (relation types,
/// attributes, entities): an entry both sides changed differently keeps
/// ours and is a conflict.
fn whole<T: Clone + PartialEq + std::fmt::Debug>(
    kind: &str,
    base: &[T],
    ours: &[T],
    theirs: &[T],
    id: fn(&T) -> &str,
    conflicts: &mut Vec<String>,
) -> Vec<T> {
    merge_list(
        kind,
        base,
        ours,
        theirs,
        id,
        |b, o, t, c| {
            let (v, from) = field("definition", b, o, t, c);
            (v.clone(), from)
        },
        conflicts,
    )
    .into_iter()
    .map(|i| i.value)
    .collect()
}

/// Merges the relation types, attributes and entity list.
pub fn structure(
    base: &crate::model::Schema,
    ours: &crate::model::Schema,
    theirs: &crate::model::Schema,
    conflicts: &mut Vec<String>,
) -> (Vec<RelationType>, Vec<AttributeDef>, Vec<Entity>) {
    (
        whole(
            "relation type",
            &base.relation_types,
            &ours.relation_types,
            &theirs.relation_types,
            |t| &t.id,
            conflicts,
        ),
        whole(
            "attribute",
            &base.attributes,
            &ours.attributes,
            &theirs.attributes,
            |t| &t.id,
            conflicts,
        ),
        whole(
            "entity",
            &base.entities,
            &ours.entities,
            &theirs.entities,
            |t| &t.id,
            conflicts,
        ),
    )
}

/// A document's text identity: which file and which content.
#[derive(PartialEq, Debug)]
struct Content<'a> {
    path: &'a str,
    hash: &'a str,
    length: usize,
}

impl<'a> Content<'a> {
    fn of(d: &'a Document) -> Content<'a> {
        Content {
            path: &d.path,
            hash: &d.hash,
            length: d.length,
        }
    }
}

/// Merges the document list. An item's `from` says whose text the merged
/// entry records (`Both` when the sides agree).
pub fn documents(
    base: &[Document],
    ours: &[Document],
    theirs: &[Document],
    conflicts: &mut Vec<String>,
) -> Vec<Item<Document>> {
    merge_list(
        "document",
        base,
        ours,
        theirs,
        |d| &d.id,
        |b, o, t, c| {
            let title = field("title", b.map(|d| &d.title), &o.title, &t.title, c).0.clone();
            let status = *field("status", b.map(|d| &d.status), &o.status, &t.status, c).0;
            let base_content = b.map(Content::of);
            let (oc, tc) = (Content::of(o), Content::of(t));
            let from = field("text", base_content.as_ref(), &oc, &tc, c).1;
            let source = if from == From::Theirs { t } else { o };
            let (attrs, _) = merge_map("field", b.map(|d| &d.attrs), &o.attrs, &t.attrs, c);
            let doc = Document {
                id: o.id.clone(),
                title,
                path: source.path.clone(),
                hash: source.hash.clone(),
                length: source.length,
                status,
                text: source.text.clone(),
                attrs,
            };
            (doc, from)
        },
        conflicts,
    )
}

/// Brings back items (documents, labels) that one side deleted while
/// merged annotations still `used` them, taking them from the first side
/// in `sides` that has them; each is a conflict.
pub fn restore_used<'a, T: Clone + 'a>(
    kind: &str,
    why: &str,
    items: &mut Vec<Item<T>>,
    used: impl IntoIterator<Item = &'a str>,
    sides: [(&[T], From); 2],
    id: fn(&T) -> &str,
    conflicts: &mut Vec<String>,
) {
    let present: HashSet<String> = items.iter().map(|x| id(&x.value).to_owned()).collect();
    let missing: BTreeSet<&str> = used.into_iter().filter(|u| !present.contains(*u)).collect();
    for wanted in missing {
        if let Some((value, from)) = sides
            .iter()
            .find_map(|(list, from)| list.iter().find(|t| id(t) == wanted).map(|t| (t, *from)))
        {
            conflicts.push(format!("{kind} {wanted:?}: {why}"));
            items.push(Item {
                value: value.clone(),
                from,
            });
        }
    }
}

/// Merges the project name.
pub fn name(base: &str, ours: &str, theirs: &str, conflicts: &mut Vec<String>) -> String {
    field("project name", Some(base), ours, theirs, conflicts).0.to_owned()
}
