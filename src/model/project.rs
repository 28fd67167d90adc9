//! The project: schema, documents, annotations and orphans, with its invariants.
//!
//! Annotations are kept sorted by [`Annotation::sort_key`] at all times,
//! stored one document at a time ([`super::by_doc`]), so a document's
//! annotations are one slice, an edit moves only its document's, files are
//! written without sorting, and diffs and merges can walk two projects in
//! step. Low-level mutators keep that order but do not
//! validate: undoable edits go through [`crate::edit::Command`], which
//! validates first. Relations are kept sorted by [`Relation::sort_key`]
//! the same way.

use std::collections::{HashMap, HashSet};

use super::annotation::Annotation;
use super::by_doc::{ByDoc, Items, Slot};
use super::document::Document;
use super::ids::AnnotationId;
use super::relation::Relation;
use super::schema::Schema;
use super::suggestion::{Suggestion, SuggestionKey};

/// A whole project in memory.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Project {
    pub name: String,
    pub schema: Schema,
    pub documents: Vec<Document>,
    annotations: ByDoc<Annotation>,
    /// Annotations whose text was deleted when their document changed.
    /// They keep their old offsets and quoted text (which no longer match
    /// the document) until the user deletes them or attaches them to a new
    /// span; nothing is dropped silently.
    pub orphans: Vec<Annotation>,
    relations: Vec<Relation>,
    /// The suggestion layer, in [`Suggestion::key`] order.
    suggestions: ByDoc<Suggestion>,
    /// Changed whenever the annotations change (the relations, the
    /// suggestions).
    annotations_generation: Generation,
    relations_generation: Generation,
    suggestions_generation: Generation,
    /// The annotations' ids (not the orphans'), with their document's
    /// slot, kept with them: whether an id is taken is asked at every edit
    /// (building a set of 500,000 each time would cost 30 ms an edit), and
    /// an annotation is found by id in its document's slot.
    live_ids: HashMap<AnnotationId, Slot>,
    /// How many annotations carry each `meta` key, kept with them: the
    /// workbench asks after every edit whether any has a merge conflict,
    /// which would otherwise be a pass over every annotation.
    meta_keys: HashMap<String, usize>,
    document_index: DocumentIndex,
    relation_index: super::id_index::IdIndex,
    /// Positions of the relations into each annotation (their `to`).
    incoming: super::id_index::Lazy<HashMap<AnnotationId, Vec<usize>>>,
}

/// Room kept after a bulk load of `len` items, so that the first edits do
/// not move the whole list to a larger allocation (25 MB for 100,000
/// annotations: a hitch of 10–20 ms at the first tag of a session).
fn headroom(len: usize) -> usize {
    (len / 16).max(16)
}

/// A value that changes with every change of what it watches, unique
/// across every project of the process, so that a cache keyed by it (the
/// document view's spans, its arrows' index) is never taken for another
/// state's. Not part of a project's value: two projects with the same
/// content are equal whatever their generations.
#[derive(Clone, Copy, Debug)]
pub struct Generation(u64);

impl Generation {
    fn next() -> Generation {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Generation(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }

    pub fn get(self) -> u64 {
        self.0
    }
}

impl Default for Generation {
    fn default() -> Generation {
        Generation::next()
    }
}

impl PartialEq for Generation {
    fn eq(&self, _: &Generation) -> bool {
        true
    }
}

impl Eq for Generation {}

impl Project {
    /// An empty project with the default schema.
    pub fn new(name: impl Into<String>) -> Project {
        Project {
            name: name.into(),
            schema: Schema::default_political(),
            documents: Vec::new(),
            annotations: ByDoc::default(),
            orphans: Vec::new(),
            relations: Vec::new(),
            suggestions: ByDoc::default(),
            annotations_generation: Generation::next(),
            relations_generation: Generation::next(),
            suggestions_generation: Generation::next(),
            live_ids: HashMap::new(),
            meta_keys: HashMap::new(),
            document_index: Default::default(),
            relation_index: Default::default(),
            incoming: Default::default(),
        }
    }

    /// Assembles a project, sorting `annotations` into canonical order.
    pub fn from_parts(name: String, schema: Schema, documents: Vec<Document>, annotations: Vec<Annotation>) -> Project {
        let mut meta_keys = HashMap::new();
        count_meta(&mut meta_keys, &annotations, 1);
        let annotations = ByDoc::from_vec(annotations);
        let mut live_ids = HashMap::with_capacity(annotations.len());
        for slot in annotations.every_slot() {
            live_ids.extend(annotations.in_slot(slot).iter().map(|a| (a.id, slot)));
        }
        Project {
            name,
            schema,
            documents,
            annotations,
            orphans: Vec::new(),
            relations: Vec::new(),
            suggestions: ByDoc::default(),
            annotations_generation: Generation::next(),
            relations_generation: Generation::next(),
            suggestions_generation: Generation::next(),
            live_ids,
            meta_keys,
            document_index: Default::default(),
            relation_index: Default::default(),
            incoming: Default::default(),
        }
    }

    /// Changes whenever an annotation is added, removed or changed.
    pub fn annotations_generation(&self) -> u64 {
        self.annotations_generation.get()
    }

    /// Changes whenever a relation is added, removed or changed.
    pub fn relations_generation(&self) -> u64 {
        self.relations_generation.get()
    }

    /// Changes whenever a suggestion is added, removed or changed.
    pub fn suggestions_generation(&self) -> u64 {
        self.suggestions_generation.get()
    }

    /// Every suggestion, open and rejected, in key order.
    pub fn suggestions(&self) -> Items<'_, Suggestion> {
        self.suggestions.all()
    }

    /// The suggestions of document `doc`, open and rejected, in order of
    /// position.
    pub fn suggestions_of(&self, doc: &str) -> &[Suggestion] {
        self.suggestions.of(doc)
    }

    /// The suggestion with `key`'s document, span, label and source.
    pub fn suggestion(&self, key: SuggestionKey<'_>) -> Option<&Suggestion> {
        let of_doc = self.suggestions.of(key.0);
        let at = of_doc.partition_point(|s| s.key() < key);
        of_doc.get(at).filter(|s| s.key() == key)
    }

    /// Whether any source suggested `label` on `[start, end)` of `doc`
    /// (open or rejected).
    pub fn span_suggested(&self, doc: &str, start: usize, end: usize, label: &str) -> bool {
        let of_doc = self.suggestions.of(doc);
        let at = of_doc.partition_point(|s| (s.start, s.end, s.label.as_str()) < (start, end, label));
        of_doc
            .get(at)
            .is_some_and(|s| (s.start, s.end, s.label.as_str()) == (start, end, label))
    }

    /// Whether `s` is open: not rejected, and no annotation of its label
    /// overlaps its span (tagged by hand, accepted through another source,
    /// or with other boundaries: accepting it would tag the same thing
    /// twice).
    pub fn is_open(&self, s: &Suggestion) -> bool {
        if s.rejected {
            return false;
        }
        let annotations = self.annotations_of(&s.doc);
        !overlapped(annotations, longest(annotations), s.range(), &s.label)
    }

    /// The open suggestions of document `doc`, in order: its annotations
    /// and their longest extent found once (where [`Project::is_open`]
    /// finds them for each suggestion).
    pub fn open_suggestions_of<'a>(&'a self, doc: &str) -> impl Iterator<Item = &'a Suggestion> + 'a {
        self.open_among(self.suggestions_of(doc))
    }

    /// The open ones of `of_doc`, one document's suggestions.
    fn open_among<'a>(&'a self, of_doc: &'a [Suggestion]) -> impl Iterator<Item = &'a Suggestion> + 'a {
        let annotations = of_doc.first().map_or(&[][..], |s| self.annotations_of(&s.doc));
        let reach = longest(annotations);
        of_doc
            .iter()
            .filter(move |s| !s.rejected && !overlapped(annotations, reach, s.range(), &s.label))
    }

    /// Whether an annotation of `label` overlaps `range` of `doc`.
    pub fn label_overlaps(&self, doc: &str, range: std::ops::Range<usize>, label: &str) -> bool {
        let annotations = self.annotations_of(doc);
        overlapped(annotations, longest(annotations), range, label)
    }

    /// Every open suggestion, in key order: one pass, each document's
    /// annotations found once (where [`Project::is_open`] looks them up
    /// for each suggestion).
    pub fn open_suggestions(&self) -> impl Iterator<Item = &Suggestion> + '_ {
        self.suggestions.documents().flat_map(|of_doc| self.open_among(of_doc))
    }

    /// Inserts suggestions, keeping key order. Does not validate.
    pub fn insert_suggestions(&mut self, new: Vec<Suggestion>) {
        self.suggestions_generation = Generation::next();
        if new.len() == 1 {
            let s = new.into_iter().next().expect("one element");
            self.suggestions.insert(s);
        } else {
            self.suggestions.extend(new, |_| ());
        }
    }

    /// Removes the suggestions with the keys of `gone`, returning the
    /// removed values (those found) in key order.
    pub fn remove_suggestions(&mut self, gone: &[Suggestion]) -> Vec<Suggestion> {
        self.suggestions_generation = Generation::next();
        if let [one] = gone {
            let Some(slot) = self.suggestions.slot(&one.doc) else {
                return Vec::new();
            };
            let of_doc = self.suggestions.in_slot(slot);
            let at = of_doc.partition_point(|x| x.key() < one.key());
            return match of_doc.get(at) {
                Some(s) if s.key() == one.key() => self.suggestions.remove_at(slot, at).into_iter().collect(),
                _ => Vec::new(),
            };
        }
        let keys: HashSet<SuggestionKey<'_>> = gone.iter().map(Suggestion::key).collect();
        let slots = gone.iter().filter_map(|s| self.suggestions.slot(&s.doc)).collect();
        self.suggestions.remove_where(&slots, |s| keys.contains(&s.key()))
    }

    /// Puts the suggestions with the keys of `values` back to these values
    /// in place (their keys do not change: rejecting, and its undo),
    /// returning the previous values of those found.
    pub fn replace_suggestions(&mut self, values: &[Suggestion]) -> Vec<Suggestion> {
        self.suggestions_generation = Generation::next();
        let mut old = Vec::with_capacity(values.len());
        for v in values {
            let of_doc = self.suggestions.of_mut(&v.doc);
            let at = of_doc.partition_point(|x| x.key() < v.key());
            if let Some(slot) = of_doc.get_mut(at).filter(|x| x.key() == v.key()) {
                old.push(std::mem::replace(slot, v.clone()));
            }
        }
        old
    }

    /// Renames a label in every suggestion that carries it.
    pub fn rename_suggestion_label(&mut self, from: &str, to: &str) {
        if self.suggestions.all().iter().any(|s| s.label == from) {
            self.suggestions_generation = Generation::next();
            self.suggestions.change_all(|s| {
                let hit = s.label == from;
                if hit {
                    s.label = to.to_owned();
                }
                hit
            });
        }
    }

    /// All relations in canonical order.
    pub fn relations(&self) -> &[Relation] {
        &self.relations
    }

    /// The relations of document `doc`.
    pub fn relations_of(&self, doc: &str) -> &[Relation] {
        let lo = self.relations.partition_point(|r| r.doc.as_str() < doc);
        let hi = lo + self.relations[lo..].partition_point(|r| r.doc.as_str() == doc);
        &self.relations[lo..hi]
    }

    /// The relation with `id`.
    pub fn relation(&self, id: AnnotationId) -> Option<&Relation> {
        let at = self
            .relation_index
            .position(self.relations_generation.get(), id, self.relations.len(), || {
                Box::new(self.relations.iter().map(|r| r.id))
            })?;
        self.relations.get(at)
    }

    /// The relations from annotation `from` (of document `doc`): found by
    /// position, as relations are sorted by document, then `from`.
    pub fn relations_from(&self, doc: &str, from: AnnotationId) -> &[Relation] {
        let of_doc = self.relations_of(doc);
        let lo = of_doc.partition_point(|r| r.from < from);
        let hi = lo + of_doc[lo..].partition_point(|r| r.from == from);
        &of_doc[lo..hi]
    }

    /// The relations into annotation `id` (of document `doc`), in
    /// canonical order.
    pub fn relations_to<'a>(&'a self, doc: &str, id: AnnotationId) -> Vec<&'a Relation> {
        let built = self.incoming.get(self.relations_generation.get(), || {
            let mut map: HashMap<AnnotationId, Vec<usize>> = HashMap::new();
            for (i, r) in self.relations.iter().enumerate() {
                map.entry(r.to).or_default().push(i);
            }
            map
        });
        match built {
            Some(map) => map
                .get(&id)
                .map(|at| {
                    at.iter()
                        .filter_map(|&i| self.relations.get(i))
                        .filter(|r| r.doc == doc)
                        .collect()
                })
                .unwrap_or_default(),
            None => self.relations_of(doc).iter().filter(|r| r.to == id).collect(),
        }
    }

    /// The relations touching annotation `id` (of document `doc`): those
    /// from it, then those into it (found through indexes: the inspector
    /// and the arrows ask every frame, among 50,000).
    pub fn relations_touching<'a>(&'a self, doc: &str, id: AnnotationId) -> impl Iterator<Item = &'a Relation> + 'a {
        let from = self.relations_from(doc, id);
        let to = self.relations_to(doc, id).into_iter().filter(move |r| r.from != id);
        from.iter().chain(to)
    }

    /// Inserts relations, keeping canonical order. Does not validate.
    pub fn insert_relations(&mut self, new: Vec<Relation>) {
        self.relations_generation = Generation::next();
        if new.len() <= 8 {
            // A few: each in its place (sorting 50,000 for one was most of
            // a relation's edit).
            for r in new {
                let at = self.relations.partition_point(|x| x.sort_key() < r.sort_key());
                self.relations.insert(at, r);
            }
        } else {
            self.relations.extend(new);
            self.relations.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            self.relations.reserve(headroom(self.relations.len()));
        }
    }

    /// Removes the relations whose ids are in `ids`, returning them in
    /// canonical order.
    pub fn remove_relations(&mut self, ids: &HashSet<AnnotationId>) -> Vec<Relation> {
        self.relations_generation = Generation::next();
        let mut removed = Vec::new();
        self.relations.retain(|r| {
            if ids.contains(&r.id) {
                removed.push(r.clone());
                false
            } else {
                true
            }
        });
        removed
    }

    /// Replaces relations by id, returning the previous values. Ids not
    /// present are ignored.
    pub fn replace_relations(&mut self, new: Vec<Relation>) -> Vec<Relation> {
        let ids: HashSet<AnnotationId> = new.iter().map(|r| r.id).collect();
        let old = self.remove_relations(&ids);
        let present: HashSet<AnnotationId> = old.iter().map(|r| r.id).collect();
        self.insert_relations(new.into_iter().filter(|r| present.contains(&r.id)).collect());
        old
    }

    /// All annotations in canonical order.
    pub fn annotations(&self) -> Items<'_, Annotation> {
        self.annotations.all()
    }

    /// The annotations of document `doc`, in order of position.
    pub fn annotations_of(&self, doc: &str) -> &[Annotation] {
        self.annotations.of(doc)
    }

    /// The annotation with `id`: looked for among its document's.
    pub fn annotation(&self, id: AnnotationId) -> Option<&Annotation> {
        let slot = *self.live_ids.get(&id)?;
        self.annotations.in_slot(slot).iter().find(|a| a.id == id)
    }

    /// The document with `id`.
    pub fn document(&self, id: &str) -> Option<&Document> {
        self.document_index
            .find(&self.documents, id)
            .and_then(|i| self.documents.get(i))
    }

    /// The document with `id`, mutably.
    pub fn document_mut(&mut self, id: &str) -> Option<&mut Document> {
        self.documents.iter_mut().find(|d| d.id == id)
    }

    /// A set of every annotation id (orphans included), for bulk
    /// membership tests.
    pub fn annotation_ids(&self) -> HashSet<AnnotationId> {
        self.annotations
            .all()
            .iter()
            .chain(&self.orphans)
            .map(|a| a.id)
            .collect()
    }

    /// Whether `id` is an annotation's, an orphan's or a relation's: one id
    /// looked for (through the indexes), where [`Project::used_ids`] builds
    /// the set of all.
    pub fn id_in_use(&self, id: AnnotationId) -> bool {
        self.has_annotation_id(id) || self.relation(id).is_some()
    }

    /// Whether no two annotations (orphans aside) share an id.
    pub fn annotation_ids_distinct(&self) -> bool {
        self.live_ids.len() == self.annotations.len()
    }

    /// How many annotations (not orphans) carry `key` in their `meta`.
    pub fn annotations_with_meta(&self, key: &str) -> usize {
        self.meta_keys.get(key).copied().unwrap_or(0)
    }

    /// Whether `id` is an annotation's or an orphan's.
    pub fn has_annotation_id(&self, id: AnnotationId) -> bool {
        self.live_ids.contains_key(&id) || self.orphans.iter().any(|o| o.id == id)
    }

    /// Every id in use: annotations, orphans and relations (one id space).
    pub fn used_ids(&self) -> HashSet<AnnotationId> {
        let mut ids = self.annotation_ids();
        ids.extend(self.relations.iter().map(|r| r.id));
        ids
    }

    /// The orphans of document `doc`.
    pub fn orphans_of<'a>(&'a self, doc: &'a str) -> impl Iterator<Item = &'a Annotation> + 'a {
        self.orphans.iter().filter(move |a| a.doc == doc)
    }

    /// Replaces every annotation and orphan of `doc`, returning the old ones
    /// (annotations, orphans). Does not validate.
    pub fn replace_document_annotations(
        &mut self,
        doc: &str,
        annotations: Vec<Annotation>,
        orphans: Vec<Annotation>,
    ) -> (Vec<Annotation>, Vec<Annotation>) {
        self.annotations_generation = Generation::next();
        let old_annotations = self.annotations.remove_document(doc);
        for a in &old_annotations {
            self.live_ids.remove(&a.id);
        }
        count_meta(&mut self.meta_keys, &old_annotations, -1);
        let (old_orphans, kept): (Vec<Annotation>, Vec<Annotation>) = std::mem::take(&mut self.orphans)
            .into_iter()
            .partition(|a| a.doc == doc);
        self.orphans = kept;
        self.orphans.extend(orphans);
        self.orphans.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.insert_annotations(annotations);
        (old_annotations, old_orphans)
    }

    /// A random annotation id not used in this project.
    pub fn fresh_annotation_id(&self) -> AnnotationId {
        AnnotationId::fresh(|id| self.id_in_use(id))
    }

    /// A document id derived from `stem` that no document uses yet.
    pub fn fresh_document_id(&self, stem: &str) -> String {
        document_id_from(stem, |id| self.document(id).is_some())
    }

    /// Inserts annotations, keeping canonical order. Does not validate.
    pub fn insert_annotations(&mut self, new: Vec<Annotation>) {
        self.annotations_generation = Generation::next();
        count_meta(&mut self.meta_keys, &new, 1);
        if new.len() == 1 {
            let a = new.into_iter().next().expect("one element");
            let id = a.id;
            let slot = self.annotations.insert(a);
            self.live_ids.insert(id, slot);
        } else {
            let placed = self.annotations.extend(new, |a| a.id);
            self.live_ids.extend(placed);
        }
    }

    /// Removes the annotations whose ids are in `ids`, returning them in
    /// canonical order.
    pub fn remove_annotations(&mut self, ids: &HashSet<AnnotationId>) -> Vec<Annotation> {
        self.annotations_generation = Generation::next();
        // Only the documents of `ids` are looked in, unless two
        // annotations share an id (the map knows one of them).
        let slots = if self.annotation_ids_distinct() {
            ids.iter().filter_map(|id| self.live_ids.get(id).copied()).collect()
        } else {
            self.annotations.every_slot()
        };
        let removed = self.annotations.remove_where(&slots, |a| ids.contains(&a.id));
        for a in &removed {
            self.live_ids.remove(&a.id);
        }
        count_meta(&mut self.meta_keys, &removed, -1);
        removed
    }

    /// Replaces annotations by id with the given values (which may move
    /// them), returning the previous values. Ids not present are ignored.
    pub fn replace_annotations(&mut self, new: Vec<Annotation>) -> Vec<Annotation> {
        let ids: HashSet<AnnotationId> = new.iter().map(|a| a.id).collect();
        let old = self.remove_annotations(&ids);
        let present: HashSet<AnnotationId> = old.iter().map(|a| a.id).collect();
        self.insert_annotations(new.into_iter().filter(|a| present.contains(&a.id)).collect());
        old
    }
}

/// Documents by id, for [`Project::document`]: a tag checks its document
/// three times, and a scan of 10,000 ids each time made tagging 10,000
/// hits cost 200 ms. The list is a public field that changes without the
/// project knowing, so the map is only a guess: a position it gives is
/// used only if the document there has the id (else it is built again),
/// and an id it lacks is looked for by a scan.
#[derive(Default)]
struct DocumentIndex(std::sync::Mutex<Option<HashMap<String, usize>>>);

impl DocumentIndex {
    fn find(&self, documents: &[Document], id: &str) -> Option<usize> {
        let scan = || documents.iter().position(|d| d.id == id);
        if documents.len() < 64 {
            return scan();
        }
        let mut map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for _ in 0..2 {
            let built = map.get_or_insert_with(|| {
                documents
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(i, d)| (d.id.clone(), i))
                    .collect()
            });
            match built.get(id) {
                Some(&i) if documents.get(i).is_some_and(|d| d.id == id) => return Some(i),
                // Moved since: built again, once.
                Some(_) => *map = None,
                None => {
                    let found = scan();
                    if found.is_some() {
                        // Added since.
                        *map = None;
                    }
                    return found;
                }
            }
        }
        scan()
    }
}

impl Clone for DocumentIndex {
    fn clone(&self) -> DocumentIndex {
        DocumentIndex::default()
    }
}

impl PartialEq for DocumentIndex {
    fn eq(&self, _: &DocumentIndex) -> bool {
        true
    }
}

impl Eq for DocumentIndex {}

impl std::fmt::Debug for DocumentIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DocumentIndex")
    }
}

/// Moves the counts of the `meta` keys of `annotations` by `by`.
fn count_meta(counts: &mut HashMap<String, usize>, annotations: &[Annotation], by: isize) {
    for key in annotations.iter().flat_map(|a| a.meta.keys()) {
        match counts.get_mut(key) {
            Some(n) => {
                *n = n.saturating_add_signed(by);
                if *n == 0 {
                    counts.remove(key);
                }
            }
            None if by > 0 => {
                counts.insert(key.clone(), by.unsigned_abs());
            }
            None => {}
        }
    }
}

/// Whether one of `annotations` (one document's, in order; none longer
/// than `longest`) of `label` overlaps `range`.
pub fn overlapped(annotations: &[Annotation], longest: usize, range: std::ops::Range<usize>, label: &str) -> bool {
    // Sorted by start: those starting before the range's end, back to the
    // farthest start from which the longest annotation could reach it.
    let before_end = annotations.partition_point(|a| a.start < range.end);
    annotations[..before_end]
        .iter()
        .rev()
        .take_while(|a| a.start + longest > range.start)
        .any(|a| a.end > range.start && a.label == label)
}

/// The longest extent among `annotations`.
pub fn longest(annotations: &[Annotation]) -> usize {
    annotations.iter().map(Annotation::len).max().unwrap_or(0)
}

/// A document id derived from `stem` (whitespace, control characters and
/// quotes replaced by `-`) for which `taken` is false, numbered if need be.
pub fn document_id_from(stem: &str, taken: impl Fn(&str) -> bool) -> String {
    let base: String = stem
        .trim()
        .chars()
        .map(|c| {
            if c.is_whitespace() || c.is_control() || c == '"' {
                '-'
            } else {
                c
            }
        })
        .collect();
    let base = if base.is_empty() { "document".to_owned() } else { base };
    let mut id = base.clone();
    let mut n = 2;
    while taken(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

#[cfg(test)]
mod kept_counts_tests {
    use super::*;
    use crate::model::{Text, Timestamp};

    fn annotation(id: u64, start: usize, meta: &[&str]) -> Annotation {
        let mut a = Annotation {
            id: AnnotationId::from_u64(id),
            doc: "d".into(),
            start,
            end: start + 1,
            label: "actor".into(),
            text: "x".into(),
            author: "t".into(),
            created: Timestamp::from_unix(0),
            modified: Timestamp::from_unix(0),
            ..Annotation::placeholder()
        };
        for k in meta {
            a.meta.insert((*k).to_owned(), "v".into());
        }
        a
    }

    /// The id set and the meta counts agree with a scan after every kind
    /// of change.
    #[test]
    fn ids_and_meta_counts_follow_every_change() {
        let scan = |p: &Project, key: &str| p.annotations().iter().filter(|a| a.meta.contains_key(key)).count();
        let mut p = Project::from_parts(
            "t".into(),
            Schema::default_political(),
            vec![Document::new("d", "D", "d.txt", Text::new("xxxxxxxxxx"))],
            vec![annotation(1, 0, &["conflict"]), annotation(2, 1, &[])],
        );
        assert!(p.has_annotation_id(AnnotationId::from_u64(1)));
        assert_eq!(p.annotations_with_meta("conflict"), 1);
        p.insert_annotations(vec![annotation(3, 2, &["conflict", "pattern"]), annotation(4, 3, &[])]);
        assert_eq!(p.annotations_with_meta("conflict"), scan(&p, "conflict"));
        assert_eq!(p.annotations_with_meta("pattern"), 1);
        p.remove_annotations(&HashSet::from([AnnotationId::from_u64(1)]));
        assert!(!p.has_annotation_id(AnnotationId::from_u64(1)));
        assert_eq!(p.annotations_with_meta("conflict"), scan(&p, "conflict"));
        p.replace_annotations(vec![annotation(3, 2, &[])]);
        assert_eq!(p.annotations_with_meta("conflict"), 0);
        assert_eq!(p.annotations_with_meta("pattern"), 0);
        assert!(p.has_annotation_id(AnnotationId::from_u64(3)));
        let (old, _) = p.replace_document_annotations("d", vec![annotation(9, 5, &["conflict"])], Vec::new());
        assert_eq!(old.len(), 3);
        assert!(!p.has_annotation_id(AnnotationId::from_u64(2)));
        assert!(p.has_annotation_id(AnnotationId::from_u64(9)));
        assert_eq!(p.annotations_with_meta("conflict"), 1);
        assert!(p.id_in_use(AnnotationId::from_u64(9)));
        assert!(!p.id_in_use(AnnotationId::from_u64(4)));
    }

    /// A document's annotations are found before and after an edit.
    #[test]
    fn a_documents_annotations_are_found_before_and_after_an_edit() {
        let mut p = Project::new("t");
        for d in ["a", "b", "c"] {
            p.documents.push(Document::new(d, d, d, Text::new("xxxxxxxxxx")));
        }
        let mut list = Vec::new();
        for (i, d) in ["a", "c", "c", "a", "c"].into_iter().enumerate() {
            list.push(Annotation {
                doc: d.into(),
                ..annotation(i as u64 + 1, i, &[])
            });
        }
        p.insert_annotations(list);
        let expect = |p: &Project, d: &str| p.annotations().iter().filter(|a| a.doc == d).count();
        for _ in 0..5 {
            for d in ["a", "b", "c", "zz"] {
                assert_eq!(p.annotations_of(d).len(), expect(&p, d), "{d}");
                assert!(p.annotations_of(d).iter().all(|a| a.doc == d));
            }
        }
        p.remove_annotations(&HashSet::from([AnnotationId::from_u64(1)]));
        for _ in 0..5 {
            assert_eq!(p.annotations_of("a").len(), 1);
            assert_eq!(p.annotations_of("c").len(), 3);
        }
    }
}

#[cfg(test)]
mod document_index_tests {
    use super::*;
    use crate::model::Text;

    /// The documents list changes behind the index's back: answers stay
    /// those of a scan.
    #[test]
    fn documents_are_found_whatever_happened_to_the_list() {
        let doc = |i: usize| Document::new(format!("d{i}"), "t", "p", Text::new("x"));
        let mut p = Project::new("t");
        p.documents = (0..100).map(doc).collect();
        assert_eq!(p.document("d42").map(|d| d.id.as_str()), Some("d42"));
        p.documents.insert(0, doc(500));
        assert_eq!(p.document("d42").map(|d| d.id.as_str()), Some("d42"), "moved");
        assert_eq!(p.document("d500").map(|d| d.id.as_str()), Some("d500"), "added");
        p.documents.retain(|d| d.id != "d7");
        assert!(p.document("d7").is_none(), "removed");
        p.documents.push(doc(7));
        assert_eq!(p.document("d7").map(|d| d.id.as_str()), Some("d7"), "back at the end");
        assert!(p.document("nope").is_none());
    }
}
