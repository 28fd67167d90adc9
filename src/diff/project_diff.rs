//! The semantic difference between two versions of a project.
//!
//! Per document: annotations added, removed, relabeled (same span, another
//! label), resized (other boundaries) and with a changed note; plus label
//! and document changes. Annotations are matched first by id (versions of
//! one project), then, among those left, by position and label, so that two
//! annotators' independent files give a meaningful list rather than
//! "everything removed, everything added": same span and label, then same
//! span, then overlapping spans with the same label (largest overlap first).
//! When a document's text differs between A and B, A's annotations are
//! first mapped through the text change ([`TextMap`]), so an inserted
//! paragraph does not show as hundreds of moved spans.
//!
//! Structure follows the annotations: relations are matched by id, then by
//! type and ends (through the annotation pairs found above), and reported
//! as added, removed, retyped or with a changed note; attribute values are
//! compared key by key on every matched annotation and relation and on
//! every document. A change of a discontinuous span's pieces counts as
//! resized.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde::Serialize;

use super::text_map::{Mapped, TextMap};
use crate::model::{Annotation, AnnotationId, AttrValue, Attrs, Document, Label, Owner, Project, Relation, Status};

/// How a pair of annotations was matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    Id,
    Position,
}

/// What happened to one annotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Modified,
}

/// One annotation-level change between A and B.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// The document, by its id in B (in A for removed documents).
    pub doc: String,
    pub relabeled: bool,
    pub resized: bool,
    pub note_changed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_by: Option<MatchedBy>,
    /// The annotation in A (A's offsets), if any.
    pub a: Option<Annotation>,
    /// A's span mapped into B's text, when the text changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a_in_b: Option<Range<usize>>,
    /// True when A's annotation lost its text in B's version of the document.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub text_deleted: bool,
    /// The annotation in B, if any.
    pub b: Option<Annotation>,
}

impl Change {
    /// The label the change is filed under (B's, or A's for removals).
    pub fn label(&self) -> &str {
        self.b.as_ref().or(self.a.as_ref()).map_or("", |a| a.label.as_str())
    }

    /// The span in B's coordinates (B's, or A's mapped), for sorting and display.
    pub fn position(&self) -> usize {
        match (&self.b, &self.a_in_b, &self.a) {
            (Some(b), _, _) => b.start,
            (None, Some(r), _) => r.start,
            (None, None, Some(a)) => a.start,
            _ => 0,
        }
    }
}

/// A change to the label schema.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LabelChange {
    Added { label: String },
    Removed { label: String },
    Changed { label: String, fields: Vec<&'static str> },
    Reordered,
}

/// A change to a document (apart from its annotations).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DocumentChange {
    Added {
        doc: String,
    },
    Removed {
        doc: String,
    },
    TextChanged {
        doc: String,
        a_hash: String,
        b_hash: String,
    },
    StatusChanged {
        doc: String,
        from: Status,
        to: Status,
    },
    Retitled {
        doc: String,
        from: String,
        to: String,
    },
}

/// What happened to one relation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RelationChange {
    pub kind: ChangeKind,
    pub doc: String,
    pub retyped: bool,
    pub note_changed: bool,
    /// One end or both point at other annotations.
    pub reattached: bool,
    pub a: Option<Relation>,
    pub b: Option<Relation>,
}

/// One attribute value that differs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttrChange {
    /// `annotation`, `relation` or `document`.
    pub owner: &'static str,
    /// The annotation or relation id (B's) or the document id.
    pub id: String,
    pub doc: String,
    pub key: String,
    /// The value in A (`null`: not set).
    pub old: Option<serde_json::Value>,
    /// The value in B (`null`: not set).
    pub new: Option<serde_json::Value>,
}

/// A change to the schema's structure: relation types, attributes, entities.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StructureChange {
    /// `relation type`, `attribute` or `entity`.
    pub what: &'static str,
    pub id: String,
    pub kind: ChangeKind,
}

/// Everything that differs between A and B.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ProjectDiff {
    pub labels: Vec<LabelChange>,
    pub structure: Vec<StructureChange>,
    pub documents: Vec<DocumentChange>,
    pub changes: Vec<Change>,
    pub relations: Vec<RelationChange>,
    pub attributes: Vec<AttrChange>,
    /// How the suggestion layer changed, counted (by key).
    pub suggestions: SuggestionCounts,
}

/// Counts of suggestion changes from A to B.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SuggestionCounts {
    pub added: usize,
    /// Gone: accepted or cleared.
    pub removed: usize,
    pub rejected: usize,
    /// Rejected in A, open again in B.
    pub reopened: usize,
    /// The same suggestion with another quoted text, term or entity.
    pub changed: usize,
}

impl SuggestionCounts {
    /// Between the layers `a` and `b` (both in key order): one walk.
    pub fn between<'s>(
        a: impl IntoIterator<Item = &'s crate::model::Suggestion>,
        b: impl IntoIterator<Item = &'s crate::model::Suggestion>,
    ) -> SuggestionCounts {
        let mut out = SuggestionCounts::default();
        let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
        loop {
            match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x.key() == y.key() => {
                    match (x.rejected, y.rejected) {
                        (false, true) => out.rejected += 1,
                        (true, false) => out.reopened += 1,
                        _ => {}
                    }
                    if (&x.text, &x.pattern, &x.entity) != (&y.text, &y.pattern, &y.entity) {
                        out.changed += 1;
                    }
                    a.next();
                    b.next();
                }
                (Some(x), Some(y)) if x.key() < y.key() => {
                    out.removed += 1;
                    a.next();
                }
                (Some(_), None) => {
                    out.removed += 1;
                    a.next();
                }
                (_, Some(_)) => {
                    out.added += 1;
                    b.next();
                }
                (None, None) => return out,
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == SuggestionCounts::default()
    }
}

/// Counts of relation changes, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RelationCounts {
    pub added: usize,
    pub removed: usize,
    pub retyped: usize,
    pub note_changed: usize,
}

/// Counts of annotation changes, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub added: usize,
    pub removed: usize,
    pub relabeled: usize,
    pub resized: usize,
    pub note_changed: usize,
}

impl ProjectDiff {
    /// True when A and B are the same project.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
            && self.structure.is_empty()
            && self.documents.is_empty()
            && self.changes.is_empty()
            && self.relations.is_empty()
            && self.attributes.is_empty()
            && self.suggestions.is_empty()
    }

    /// Counts of the relation changes.
    pub fn relation_counts(&self) -> RelationCounts {
        let mut c = RelationCounts::default();
        for r in &self.relations {
            match r.kind {
                ChangeKind::Added => c.added += 1,
                ChangeKind::Removed => c.removed += 1,
                ChangeKind::Modified => {
                    c.retyped += usize::from(r.retyped);
                    c.note_changed += usize::from(r.note_changed);
                }
            }
        }
        c
    }

    /// Counts of the annotation changes (an annotation both relabeled and
    /// resized counts in both).
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for ch in &self.changes {
            match ch.kind {
                ChangeKind::Added => c.added += 1,
                ChangeKind::Removed => c.removed += 1,
                ChangeKind::Modified => {
                    c.relabeled += usize::from(ch.relabeled);
                    c.resized += usize::from(ch.resized);
                    c.note_changed += usize::from(ch.note_changed);
                }
            }
        }
        c
    }
}

/// Compares A with B.
pub fn diff(a: &Project, b: &Project) -> ProjectDiff {
    let mut out = ProjectDiff {
        labels: label_changes(&a.schema.labels, &b.schema.labels),
        structure: structure_changes(a, b),
        suggestions: SuggestionCounts::between(a.suggestions(), b.suggestions()),
        ..ProjectDiff::default()
    };
    // A's annotation id → B's, for the annotations matched.
    let mut pairs: HashMap<AnnotationId, AnnotationId> = HashMap::new();
    for (da, db) in pair_documents(a, b) {
        match (da, db) {
            (Some(da), None) => {
                out.documents.push(DocumentChange::Removed { doc: da.id.clone() });
                for x in a.annotations_of(&da.id) {
                    out.changes.push(removed(&da.id, x, None, false));
                }
            }
            (None, Some(db)) => {
                out.documents.push(DocumentChange::Added { doc: db.id.clone() });
                for y in b.annotations_of(&db.id) {
                    out.changes.push(added(&db.id, y));
                }
            }
            (Some(da), Some(db)) => {
                if da.hash != db.hash {
                    out.documents.push(DocumentChange::TextChanged {
                        doc: db.id.clone(),
                        a_hash: da.hash.clone(),
                        b_hash: db.hash.clone(),
                    });
                }
                if da.status != db.status {
                    out.documents.push(DocumentChange::StatusChanged {
                        doc: db.id.clone(),
                        from: da.status,
                        to: db.status,
                    });
                }
                if da.title != db.title {
                    out.documents.push(DocumentChange::Retitled {
                        doc: db.id.clone(),
                        from: da.title.clone(),
                        to: db.title.clone(),
                    });
                }
                attr_changes(
                    &Owner::Document(db.id.clone()),
                    &db.id,
                    &da.attrs,
                    &db.attrs,
                    &mut out.attributes,
                );
                diff_document(
                    a.annotations_of(&da.id),
                    da,
                    b.annotations_of(&db.id),
                    db,
                    &mut out.changes,
                    &mut pairs,
                );
                // Attribute changes of the annotations matched.
                let (xs, ys) = (a.annotations_of(&da.id), b.annotations_of(&db.id));
                let y_by_id: HashMap<AnnotationId, &Annotation> = ys.iter().map(|y| (y.id, y)).collect();
                for x in xs {
                    if let Some(y) = pairs.get(&x.id).and_then(|j| y_by_id.get(j)) {
                        attr_changes(
                            &Owner::Annotation(y.id),
                            &db.id,
                            &x.attrs,
                            &y.attrs,
                            &mut out.attributes,
                        );
                    }
                }
                diff_relations(a.relations_of(&da.id), b.relations_of(&db.id), &db.id, &pairs, &mut out);
            }
            (None, None) => {}
        }
    }
    out
}

/// Documents of A and B side by side: matched by id, then by content hash.
fn pair_documents<'p>(a: &'p Project, b: &'p Project) -> Vec<(Option<&'p Document>, Option<&'p Document>)> {
    let mut pairs = Vec::new();
    let mut used_b: HashSet<&str> = HashSet::new();
    let mut unmatched_a = Vec::new();
    for da in &a.documents {
        match b.document(&da.id) {
            Some(db) => {
                used_b.insert(&db.id);
                pairs.push((Some(da), Some(db)));
            }
            None => unmatched_a.push(da),
        }
    }
    for da in unmatched_a {
        let db = b
            .documents
            .iter()
            .find(|db| !used_b.contains(db.id.as_str()) && db.hash == da.hash);
        if let Some(db) = db {
            used_b.insert(&db.id);
        }
        pairs.push((Some(da), db));
    }
    for db in &b.documents {
        if !used_b.contains(db.id.as_str()) {
            pairs.push((None, Some(db)));
        }
    }
    // B's document order, then documents only in A.
    let order: HashMap<&str, usize> = b
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    pairs.sort_by_key(|(_, db)| db.map_or(usize::MAX, |d| order[d.id.as_str()]));
    pairs
}

fn removed(doc: &str, x: &Annotation, a_in_b: Option<Range<usize>>, text_deleted: bool) -> Change {
    Change {
        kind: ChangeKind::Removed,
        doc: doc.to_owned(),
        relabeled: false,
        resized: false,
        note_changed: false,
        matched_by: None,
        a: Some(x.clone()),
        a_in_b,
        text_deleted,
        b: None,
    }
}

fn added(doc: &str, y: &Annotation) -> Change {
    Change {
        kind: ChangeKind::Added,
        doc: doc.to_owned(),
        relabeled: false,
        resized: false,
        note_changed: false,
        matched_by: None,
        a: None,
        a_in_b: None,
        text_deleted: false,
        b: Some(y.clone()),
    }
}

/// Annotation changes within one pair of documents; records the pairs
/// matched (A's id → B's) in `pairs`.
fn diff_document(
    xs: &[Annotation],
    da: &Document,
    ys: &[Annotation],
    db: &Document,
    out: &mut Vec<Change>,
    pairs: &mut HashMap<AnnotationId, AnnotationId>,
) {
    let doc = db.id.as_str();
    // A's spans in B's text.
    let map = (da.hash != db.hash).then(|| TextMap::between(da.text.as_str(), db.text.as_str()));
    let mut spans: Vec<Option<Range<usize>>> = Vec::with_capacity(xs.len());
    let mut changes = Vec::new();
    for x in xs {
        spans.push(match &map {
            None => Some(x.range()),
            Some(m) => match m.map_span(x.range()) {
                Mapped::Span(r) => Some(r),
                Mapped::Orphan => None,
            },
        });
    }
    let mut pair_of_x: Vec<Option<(usize, MatchedBy)>> = vec![None; xs.len()];
    let mut taken_y = vec![false; ys.len()];

    // By id.
    let y_by_id: HashMap<_, usize> = ys.iter().enumerate().map(|(j, y)| (y.id, j)).collect();
    for (i, x) in xs.iter().enumerate() {
        if let Some(&j) = y_by_id.get(&x.id) {
            pair_of_x[i] = Some((j, MatchedBy::Id));
            taken_y[j] = true;
        }
    }
    // By position: same span and label, then same span, then overlap with
    // the same label.
    let free_y = |taken: &[bool]| (0..ys.len()).filter(|&j| !taken[j]).collect::<Vec<_>>();
    type Key<'k> = (usize, usize, Option<&'k str>);
    let exact_passes: [fn(&Annotation, Range<usize>) -> Key<'_>; 2] = [
        |a, r| (r.start, r.end, Some(a.label.as_str())),
        |_, r| (r.start, r.end, None),
    ];
    for key in exact_passes {
        let mut index: HashMap<Key<'_>, Vec<usize>> = HashMap::new();
        for j in free_y(&taken_y).into_iter().rev() {
            index.entry(key(&ys[j], ys[j].range())).or_default().push(j);
        }
        for (i, x) in xs.iter().enumerate() {
            if pair_of_x[i].is_some() {
                continue;
            }
            let Some(span) = spans[i].clone() else { continue };
            if let Some(j) = index.get_mut(&key(x, span)).and_then(Vec::pop) {
                pair_of_x[i] = Some((j, MatchedBy::Position));
                taken_y[j] = true;
            }
        }
    }
    let mut free: Vec<usize> = free_y(&taken_y);
    free.sort_by_key(|&j| ys[j].start);
    let longest = free.iter().map(|&j| ys[j].len()).max().unwrap_or(0);
    let mut candidates = Vec::new();
    for (i, x) in xs.iter().enumerate() {
        if pair_of_x[i].is_some() {
            continue;
        }
        let Some(span) = spans[i].clone() else { continue };
        let from = free.partition_point(|&j| ys[j].start + longest <= span.start);
        for &j in free[from..].iter().take_while(|&&j| ys[j].start < span.end) {
            let y = &ys[j];
            let overlap = span.end.min(y.end).saturating_sub(span.start.max(y.start));
            if overlap > 0 && y.label == x.label {
                candidates.push((overlap, i, j));
            }
        }
    }
    candidates.sort_by(|p, q| q.0.cmp(&p.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));
    for (_, i, j) in candidates {
        if pair_of_x[i].is_none() && !taken_y[j] {
            pair_of_x[i] = Some((j, MatchedBy::Position));
            taken_y[j] = true;
        }
    }

    for (i, x) in xs.iter().enumerate() {
        let a_in_b = spans[i].clone().filter(|r| map.is_some() && *r != x.range());
        match pair_of_x[i] {
            None => changes.push(removed(doc, x, a_in_b, spans[i].is_none())),
            Some((j, by)) => {
                let y = &ys[j];
                pairs.insert(x.id, y.id);
                let span = spans[i].clone().unwrap_or(x.range());
                let relabeled = x.label != y.label;
                // The pieces of a discontinuous span, mapped like the span.
                let pieces_moved = (x.is_discontinuous() || y.is_discontinuous()) && {
                    let mapped: Vec<Option<Range<usize>>> = x
                        .pieces()
                        .into_iter()
                        .map(|p| match &map {
                            None => Some(p),
                            Some(m) => match m.map_span(p) {
                                Mapped::Span(r) => Some(r),
                                Mapped::Orphan => None,
                            },
                        })
                        .collect();
                    mapped != y.pieces().into_iter().map(Some).collect::<Vec<_>>()
                };
                let resized = span != y.range() || pieces_moved;
                let note_changed = x.note != y.note;
                if relabeled || resized || note_changed {
                    changes.push(Change {
                        kind: ChangeKind::Modified,
                        doc: doc.to_owned(),
                        relabeled,
                        resized,
                        note_changed,
                        matched_by: Some(by),
                        a: Some(x.clone()),
                        a_in_b,
                        text_deleted: false,
                        b: Some(y.clone()),
                    });
                }
            }
        }
    }
    for (j, y) in ys.iter().enumerate() {
        if !taken_y[j] {
            changes.push(added(doc, y));
        }
    }
    changes.sort_by_key(|c| (c.position(), c.kind as u8));
    out.extend(changes);
}

fn label_changes(a: &[Label], b: &[Label]) -> Vec<LabelChange> {
    let mut out = Vec::new();
    for la in a {
        match b.iter().find(|lb| lb.id == la.id) {
            None => out.push(LabelChange::Removed { label: la.id.clone() }),
            Some(lb) => {
                let mut fields = Vec::new();
                if la.name != lb.name {
                    fields.push("name");
                }
                if la.colour != lb.colour {
                    fields.push("colour");
                }
                if la.hotkey != lb.hotkey {
                    fields.push("hotkey");
                }
                if la.guideline != lb.guideline {
                    fields.push("guideline");
                }
                if la.kind != lb.kind {
                    fields.push("kind");
                }
                if !fields.is_empty() {
                    out.push(LabelChange::Changed {
                        label: la.id.clone(),
                        fields,
                    });
                }
            }
        }
    }
    for lb in b {
        if !a.iter().any(|la| la.id == lb.id) {
            out.push(LabelChange::Added { label: lb.id.clone() });
        }
    }
    let common = |x: &[Label], y: &[Label]| -> Vec<String> {
        x.iter()
            .filter(|l| y.iter().any(|m| m.id == l.id))
            .map(|l| l.id.clone())
            .collect()
    };
    if common(a, b) != common(b, a) {
        out.push(LabelChange::Reordered);
    }
    out
}

fn json(v: Option<&AttrValue>) -> Option<serde_json::Value> {
    v.map(AttrValue::to_json)
}

/// The attribute values that differ between `a` and `b`, key by key.
fn attr_changes(owner: &Owner, doc: &str, a: &Attrs, b: &Attrs, out: &mut Vec<AttrChange>) {
    if a == b {
        return;
    }
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for key in keys {
        let (old, new) = (a.get(key), b.get(key));
        if old != new {
            out.push(AttrChange {
                owner: match owner {
                    Owner::Annotation(_) => "annotation",
                    Owner::Relation(_) => "relation",
                    Owner::Document(_) => "document",
                },
                id: owner.key(),
                doc: doc.to_owned(),
                key: key.clone(),
                old: json(old),
                new: json(new),
            });
        }
    }
}

/// Relation changes within one pair of documents: matched by id, then by
/// type and ends (A's ends through `pairs`), then by ends alone (a retype).
fn diff_relations(
    xs: &[Relation],
    ys: &[Relation],
    doc: &str,
    pairs: &HashMap<AnnotationId, AnnotationId>,
    out: &mut ProjectDiff,
) {
    let mut taken = vec![false; ys.len()];
    let mut matched: Vec<Option<usize>> = vec![None; xs.len()];
    let by_id: HashMap<AnnotationId, usize> = ys.iter().enumerate().map(|(j, y)| (y.id, j)).collect();
    for (i, x) in xs.iter().enumerate() {
        if let Some(&j) = by_id.get(&x.id) {
            matched[i] = Some(j);
            taken[j] = true;
        }
    }
    let ends = |x: &Relation| (pairs.get(&x.from).copied(), pairs.get(&x.to).copied());
    // B's relations by their ends (a scan per relation is quadratic).
    let mut by_ends: HashMap<(AnnotationId, AnnotationId), Vec<usize>> = HashMap::new();
    for (j, y) in ys.iter().enumerate() {
        if !taken[j] {
            by_ends.entry((y.from, y.to)).or_default().push(j);
        }
    }
    for same_type in [true, false] {
        for (i, x) in xs.iter().enumerate() {
            if matched[i].is_some() {
                continue;
            }
            let (Some(from), Some(to)) = ends(x) else { continue };
            let found = by_ends
                .get(&(from, to))
                .into_iter()
                .flatten()
                .copied()
                .find(|&j| !taken[j] && (!same_type || ys[j].kind == x.kind));
            if let Some(j) = found {
                matched[i] = Some(j);
                taken[j] = true;
            }
        }
    }
    for (i, x) in xs.iter().enumerate() {
        match matched[i] {
            None => out.relations.push(RelationChange {
                kind: ChangeKind::Removed,
                doc: doc.to_owned(),
                retyped: false,
                note_changed: false,
                reattached: false,
                a: Some(x.clone()),
                b: None,
            }),
            Some(j) => {
                let y = &ys[j];
                attr_changes(&Owner::Relation(y.id), doc, &x.attrs, &y.attrs, &mut out.attributes);
                let retyped = x.kind != y.kind;
                let note_changed = x.note != y.note;
                let reattached = ends(x) != (Some(y.from), Some(y.to));
                if retyped || note_changed || reattached {
                    out.relations.push(RelationChange {
                        kind: ChangeKind::Modified,
                        doc: doc.to_owned(),
                        retyped,
                        note_changed,
                        reattached,
                        a: Some(x.clone()),
                        b: Some(y.clone()),
                    });
                }
            }
        }
    }
    for (j, y) in ys.iter().enumerate() {
        if !taken[j] {
            out.relations.push(RelationChange {
                kind: ChangeKind::Added,
                doc: doc.to_owned(),
                retyped: false,
                note_changed: false,
                reattached: false,
                a: None,
                b: Some(y.clone()),
            });
        }
    }
}

/// Relation types, attributes and entities added, removed or changed.
fn structure_changes(a: &Project, b: &Project) -> Vec<StructureChange> {
    fn compare<T: PartialEq>(what: &'static str, a: &[T], b: &[T], id: fn(&T) -> &str, out: &mut Vec<StructureChange>) {
        for x in a {
            let kind = match b.iter().find(|y| id(y) == id(x)) {
                None => Some(ChangeKind::Removed),
                Some(y) if y != x => Some(ChangeKind::Modified),
                Some(_) => None,
            };
            if let Some(kind) = kind {
                out.push(StructureChange {
                    what,
                    id: id(x).to_owned(),
                    kind,
                });
            }
        }
        for y in b {
            if !a.iter().any(|x| id(x) == id(y)) {
                out.push(StructureChange {
                    what,
                    id: id(y).to_owned(),
                    kind: ChangeKind::Added,
                });
            }
        }
    }
    let (sa, sb) = (&a.schema, &b.schema);
    let mut out = Vec::new();
    compare(
        "relation type",
        &sa.relation_types,
        &sb.relation_types,
        |t| &t.id,
        &mut out,
    );
    compare("attribute", &sa.attributes, &sb.attributes, |t| &t.id, &mut out);
    compare("entity", &sa.entities, &sb.entities, |t| &t.id, &mut out);
    out
}
