//! Adjudication: building one gold project out of two annotators' copies.
//!
//! The two copies are aligned document by document ([`super::align`](mod@super::align));
//! each aligned pair is an [`Item`] the adjudicator decides: accept A's
//! annotation, B's, both, or neither (or accept one and then edit it in
//! the workbench). Decisions are [`Command`]s on the gold project, so
//! they go through the session's undo history like any edit.
//!
//! Every annotation taken into the gold project records where it came
//! from in its metadata: [`SOURCE`] (the annotator's file name, or both
//! names for an agreement), [`SOURCE_A`] / [`SOURCE_B`] (its id in A's or
//! B's file) and [`DECISION`]. The state of an item is read back from those
//! keys, so it is always what the gold project holds, after undo and redo
//! too, and after the gold file is saved and opened again.
//!
//! Structure is adjudicated the same way. Two annotations with the same
//! span and label but other attribute values are an item of their own
//! kind ([`PairKind::Attributes`]), decided like any disagreement (never
//! accepted with the agreements). Relations are [`RelationItem`]s, aligned
//! through the span items (A's relation and B's match when their types
//! are the same and their ends are aligned spans; the same ends with
//! another type are a `Label` item, "type differs"); accepting one copies
//! it into the gold project with its ends mapped to the gold copies of
//! its spans, and with the same provenance keys, so its state is read
//! back the same way. A relation whose ends are not in the gold project
//! yet cannot be accepted: the decision says which end is missing.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::align::{PairKind, align};
use super::match_documents;
use crate::edit::Command;
use crate::model::{Annotation, AnnotationId, Document, Project, Relation, Schema, Timestamp, shorten};

/// Meta key: which annotator's file the annotation came from.
pub const SOURCE: &str = "source";
/// Meta key: the annotation's id in A's file.
pub const SOURCE_A: &str = "source_a";
/// Meta key: the annotation's id in B's file.
pub const SOURCE_B: &str = "source_b";
/// Meta key: the adjudication decision that took it in.
pub const DECISION: &str = "adjudication";

/// A decision on one item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decision {
    AcceptA,
    AcceptB,
    AcceptBoth,
    RejectBoth,
}

impl Decision {
    pub fn describe(self) -> &'static str {
        match self {
            Decision::AcceptA => "accept A",
            Decision::AcceptB => "accept B",
            Decision::AcceptBoth => "accept both",
            Decision::RejectBoth => "reject both",
        }
    }
}

/// One aligned pair (or a lone annotation) of the two annotators, in
/// gold coordinates: `doc` is the gold (A's) document id, and B's
/// annotation has had its `doc` rewritten to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub doc: String,
    pub kind: PairKind,
    pub a: Option<Annotation>,
    pub b: Option<Annotation>,
}

impl Item {
    pub fn start(&self) -> usize {
        self.a.iter().chain(&self.b).map(|x| x.start).min().unwrap_or(0)
    }

    pub fn end(&self) -> usize {
        self.a.iter().chain(&self.b).map(|x| x.end).max().unwrap_or(0)
    }

    /// The quoted text (A's, or B's when A has none).
    pub fn text(&self) -> &str {
        self.a.as_ref().or(self.b.as_ref()).map_or("", |x| x.text.as_str())
    }

    /// The decisions that make sense for this item (accepting both of an
    /// agreement would duplicate it; a lone annotation has no other side).
    pub fn choices(&self) -> Vec<Decision> {
        choices(self.kind, self.a.is_some(), self.b.is_some())
    }
}

/// Where an item stands in the gold project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Nothing of it in the gold project.
    Open,
    /// Taken in as decided (possibly edited afterwards: see `edited`).
    Decided { decision: Decision, edited: bool },
}

/// One aligned pair of relations (or a lone one), in gold coordinates
/// (`doc` is A's document; B's relation has its `doc` rewritten to it).
#[derive(Clone, Debug, PartialEq)]
pub struct RelationItem {
    pub doc: String,
    /// `Agree`, `Attributes` (same type and ends, other values), `Label`
    /// (same ends, another type), `OnlyA` or `OnlyB`.
    pub kind: PairKind,
    pub a: Option<Relation>,
    pub b: Option<Relation>,
}

impl RelationItem {
    /// The decisions that make sense for this item, as for spans.
    pub fn choices(&self) -> Vec<Decision> {
        choices(self.kind, self.a.is_some(), self.b.is_some())
    }
}

/// The decisions for a pair of `kind` with an A and/or a B side: both of
/// two that differ only in their values (or agree) would be one thing
/// twice, and a lone one has no other side.
fn choices(kind: PairKind, a: bool, b: bool) -> Vec<Decision> {
    let mut out = Vec::with_capacity(4);
    if a {
        out.push(Decision::AcceptA);
    }
    if b {
        out.push(Decision::AcceptB);
    }
    if a && b && !matches!(kind, PairKind::Agree | PairKind::Attributes) {
        out.push(Decision::AcceptBoth);
    }
    out.push(Decision::RejectBoth);
    out
}

/// The adjudication of annotator A's copy against B's.
#[derive(Clone, Debug)]
pub struct Adjudication {
    pub a_name: String,
    pub b_name: String,
    /// Every item, documents in A's order, by position within each.
    pub items: Vec<Item>,
    /// Every relation item, documents in A's order.
    pub relation_items: Vec<RelationItem>,
}

impl Adjudication {
    /// Aligns `a` and `b` over the documents they share.
    pub fn new(a_name: &str, a: &Project, b_name: &str, b: &Project) -> Adjudication {
        let mut items = Vec::new();
        let mut relation_items = Vec::new();
        for shared in match_documents(a, b).shared {
            let xs: Vec<&Annotation> = a.annotations_of(&shared.a.id).iter().collect();
            let ys: Vec<&Annotation> = b.annotations_of(&shared.b.id).iter().collect();
            // A's annotation id → B's, over aligned spans (the ends of
            // relations correspond through them).
            let mut ends: HashMap<AnnotationId, AnnotationId> = HashMap::new();
            for pair in align(&xs, &ys) {
                let mut kind = pair.kind;
                if let (Some(x), Some(y)) = (pair.a, pair.b) {
                    ends.insert(x.id, y.id);
                    if kind == PairKind::Agree && x.attrs != y.attrs {
                        kind = PairKind::Attributes;
                    }
                }
                items.push(Item {
                    doc: shared.a.id.clone(),
                    kind,
                    a: pair.a.cloned(),
                    b: pair.b.map(|y| Annotation {
                        doc: shared.a.id.clone(),
                        ..y.clone()
                    }),
                });
            }
            relation_items.extend(align_relations(
                &shared.a.id,
                a.relations_of(&shared.a.id),
                b.relations_of(&shared.b.id),
                &ends,
            ));
        }
        Adjudication {
            a_name: a_name.to_owned(),
            b_name: b_name.to_owned(),
            items,
            relation_items,
        }
    }

    /// The state of relation item `i`, read from the gold project's
    /// relations' provenance keys.
    pub fn relation_state(&self, i: usize, gold: &Project) -> State {
        let Some(item) = self.relation_items.get(i) else {
            return State::Open;
        };
        relation_state_of(&relation_copies(gold, item))
    }

    /// The state of every relation item, in one pass over the gold
    /// project's relations (as [`Adjudication::relation_state`] reads each).
    pub fn relation_states(&self, gold: &Project) -> Vec<State> {
        let mut by_source: HashMap<(&str, AnnotationId), Vec<&Relation>> = HashMap::new();
        for g in gold.relations() {
            for key in [SOURCE_A, SOURCE_B] {
                if let Some(id) = g.meta.get(key).and_then(|s| AnnotationId::parse(s)) {
                    by_source.entry((key, id)).or_default().push(g);
                }
            }
        }
        self.relation_items
            .iter()
            .map(|item| {
                let mut copies: Vec<(&Relation, &Relation)> = Vec::new();
                for (key, source) in [(SOURCE_A, &item.a), (SOURCE_B, &item.b)] {
                    let Some(source) = source else { continue };
                    for g in by_source.get(&(key, source.id)).into_iter().flatten() {
                        if g.doc == item.doc && !copies.iter().any(|(c, _)| c.id == g.id) {
                            copies.push((g, source));
                        }
                    }
                }
                relation_state_of(&copies)
            })
            .collect()
    }

    /// The command that applies `decision` to relation item `i`: what the
    /// item put in before is removed, the chosen relations copied with
    /// their ends mapped to the gold copies of their spans. Refused, with
    /// the reason, when an end has no copy in the gold project yet.
    pub fn decide_relation(
        &self,
        i: usize,
        decision: Decision,
        gold: &Project,
        at: Timestamp,
    ) -> Result<Command, String> {
        let item = self
            .relation_items
            .get(i)
            .ok_or_else(|| format!("no relation item {i}"))?;
        let remove: Vec<AnnotationId> = relation_copies(gold, item).iter().map(|(g, _)| g.id).collect();
        let sources: &[bool] = match decision {
            Decision::AcceptA => &[true],
            Decision::AcceptB => &[false],
            Decision::AcceptBoth => &[true, false],
            Decision::RejectBoth => &[],
        };
        let agreement = item.kind == PairKind::Agree;
        let both_names = format!("{} + {}", self.a_name, self.b_name);
        let mut taken = gold.used_ids();
        taken.retain(|id| !remove.contains(id));
        let mut add = Vec::new();
        for &from_a in sources {
            let (source, name, key) = match from_a {
                true => (item.a.as_ref(), &self.a_name, SOURCE_A),
                false => (item.b.as_ref(), &self.b_name, SOURCE_B),
            };
            let Some(source) = source else { continue };
            // The gold copy of an end: from this side's span, else from the
            // other side's span it was aligned with (a span accepted from
            // the other annotator is still this relation's end).
            let counterpart = |id: AnnotationId| {
                self.items.iter().filter(|s| s.doc == item.doc).find_map(|s| {
                    let (x, y) = (s.a.as_ref()?, s.b.as_ref()?);
                    match from_a {
                        true => (x.id == id).then_some(y.id),
                        false => (y.id == id).then_some(x.id),
                    }
                })
            };
            let other_key = if from_a { SOURCE_B } else { SOURCE_A };
            let copy_of = |key: &str, id: AnnotationId| {
                gold.annotations_of(&item.doc)
                    .iter()
                    .find(|g| g.meta.get(key).and_then(|s| AnnotationId::parse(s)) == Some(id))
                    .map(|g| g.id)
            };
            let end = |id: AnnotationId| {
                copy_of(key, id)
                    .or_else(|| counterpart(id).and_then(|other| copy_of(other_key, other)))
                    .ok_or_else(|| {
                        format!("its end {id} from {name}'s file is not in the gold project: accept that span first")
                    })
            };
            let mut copy = source.clone();
            copy.doc = item.doc.clone();
            copy.from = end(source.from)?;
            copy.to = end(source.to)?;
            if taken.contains(&copy.id) {
                copy.id = AnnotationId::fresh(|id| taken.contains(&id));
            }
            taken.insert(copy.id);
            copy.modified = at;
            self.record_provenance(
                &mut copy.meta,
                (decision, agreement, from_a),
                &both_names,
                item.a.as_ref().map(|x| x.id),
                item.b.as_ref().map(|y| y.id),
            );
            add.push(copy);
        }
        let kind = item.a.as_ref().or(item.b.as_ref()).map_or("", |r| r.kind.as_str());
        let mut commands = Vec::new();
        if !remove.is_empty() {
            commands.push(Command::DeleteRelations(remove));
        }
        if !add.is_empty() {
            commands.push(Command::AddRelations(add));
        }
        Ok(Command::Named {
            what: format!("{} on a {kind} relation", decision.describe()),
            commands,
        })
    }

    /// The gold project to adjudicate into: A's name with " (gold)", the
    /// labels of both files (A's first), the shared documents as A has
    /// them (status "to do"), and no annotations yet.
    pub fn gold_project(a: &Project, b: &Project) -> Project {
        let schema = Adjudication::gold_schema(a, b);
        let shared: HashSet<&str> = match_documents(a, b).shared.iter().map(|s| s.a.id.as_str()).collect();
        // Every document starts "to do" in the gold project, whatever A's status.
        let documents: Vec<Document> = a
            .documents
            .iter()
            .filter(|d| shared.contains(d.id.as_str()))
            .map(|d| Document {
                status: Default::default(),
                ..d.clone()
            })
            .collect();
        Project::from_parts(format!("{} (gold)", a.name), schema, documents, Vec::new())
    }

    /// The labels a gold project of `a` and `b` needs: A's, then those only B has.
    pub fn gold_schema(a: &Project, b: &Project) -> Schema {
        let mut schema = a.schema.clone();
        for label in &b.schema.labels {
            if !schema.contains(&label.id) {
                let mut label = label.clone();
                // A hotkey A's labels use stays with A's label.
                if label.hotkey.is_some_and(|k| schema.by_hotkey(k).is_some()) {
                    label.hotkey = None;
                }
                schema.labels.push(label);
            }
        }
        schema
    }

    /// The gold annotations item `i` put in the gold project (none while it is open).
    pub fn gold_copies(&self, i: usize, gold: &Project) -> Vec<AnnotationId> {
        self.items.get(i).map_or_else(Vec::new, |item| {
            Provenance::of_item(gold.annotations_of(&item.doc), item).ids(item)
        })
    }

    /// Indices of the items that are disagreements.
    pub fn disagreements(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.items.len()).filter(|&i| self.items[i].kind.is_disagreement())
    }

    /// Reads every item's state from the gold project's provenance keys.
    pub fn states(&self, gold: &Project) -> Vec<State> {
        let provenance = Provenance::of(gold.annotations());
        self.items.iter().map(|item| provenance.state(item)).collect()
    }

    /// The state of item `i` alone: reads only its document's part of
    /// the gold project (a decision changes one item; re-reading all of
    /// them after each would cost O(items)).
    pub fn state(&self, i: usize, gold: &Project) -> State {
        self.items.get(i).map_or(State::Open, |item| {
            Provenance::of_item(gold.annotations_of(&item.doc), item).state(item)
        })
    }

    /// The command that applies `decision` to item `i` in `gold`: what the
    /// item had put in before is removed, the chosen annotations added.
    pub fn decide(&self, i: usize, decision: Decision, gold: &Project, at: Timestamp) -> Command {
        // Gold copies of an item live in its document.
        let Some(item) = self.items.get(i) else {
            return Command::Batch(Vec::new());
        };
        let provenance = Provenance::of_item(gold.annotations_of(&item.doc), item);
        let what = format!("{} on “{}”", decision.describe(), shorten(item.text(), 40));
        // One or two new ids to check: a scan beats hashing every id.
        let in_gold = |id: AnnotationId| gold.annotations().iter().chain(&gold.orphans).any(|a| a.id == id);
        self.command(what, &[(i, decision)], &provenance, &in_gold, at)
    }

    /// Writes the provenance keys of a gold copy (annotation or relation)
    /// taken in by `decision` from A's side (`from_a`) or B's: whose file
    /// it came from, how, and the source ids it stands for (an agreement's
    /// copy stands for both annotators' annotations).
    fn record_provenance(
        &self,
        meta: &mut std::collections::BTreeMap<String, String>,
        (decision, agreement, from_a): (Decision, bool, bool),
        both_names: &str,
        source_a: Option<AnnotationId>,
        source_b: Option<AnnotationId>,
    ) {
        let (source, how) = match (agreement, from_a) {
            (true, _) => (both_names, "agreement"),
            (false, true) => (self.a_name.as_str(), decision.describe()),
            (false, false) => (self.b_name.as_str(), decision.describe()),
        };
        meta.insert(SOURCE.into(), source.to_owned());
        meta.insert(DECISION.into(), how.to_owned());
        if let Some(x) = source_a.filter(|_| from_a || agreement) {
            meta.insert(SOURCE_A.into(), x.to_string());
        }
        if let Some(y) = source_b.filter(|_| !from_a || agreement) {
            meta.insert(SOURCE_B.into(), y.to_string());
        }
    }

    /// The command accepting every agreement not yet in the gold project.
    pub fn accept_agreements(&self, gold: &Project, at: Timestamp) -> Command {
        let provenance = Provenance::of(gold.annotations());
        let ids = gold.annotation_ids();
        let todo: Vec<(usize, Decision)> = (0..self.items.len())
            .filter(|&i| self.items[i].kind == PairKind::Agree && provenance.state(&self.items[i]) == State::Open)
            .map(|i| (i, Decision::AcceptA))
            .collect();
        let what = match todo.len() {
            1 => "accept 1 agreement".to_owned(),
            n => format!("accept {n} agreements"),
        };
        self.command(what, &todo, &provenance, &|id| ids.contains(&id), at)
    }

    fn command(
        &self,
        what: String,
        decisions: &[(usize, Decision)],
        provenance: &Provenance,
        in_gold: &dyn Fn(AnnotationId) -> bool,
        at: Timestamp,
    ) -> Command {
        let remove: Vec<AnnotationId> = decisions
            .iter()
            .flat_map(|&(i, _)| provenance.ids(&self.items[i]))
            .collect();
        let removed: HashSet<AnnotationId> = remove.iter().copied().collect();
        let mut added: HashSet<AnnotationId> = HashSet::new();
        let mut add = Vec::new();
        let both_names = format!("{} + {}", self.a_name, self.b_name);
        for &(i, decision) in decisions {
            let item = &self.items[i];
            let agreement = item.kind == PairKind::Agree;
            let sources: &[bool] = match decision {
                Decision::AcceptA => &[true],
                Decision::AcceptB => &[false],
                Decision::AcceptBoth => &[true, false],
                Decision::RejectBoth => &[],
            };
            for &from_a in sources {
                let Some(source) = (if from_a { item.a.as_ref() } else { item.b.as_ref() }) else {
                    continue;
                };
                let mut copy = source.clone();
                // Keep the annotator's id unless the gold project has it
                // already (copies of one project share pre-existing ids).
                let taken = |id: AnnotationId, added: &HashSet<AnnotationId>| {
                    added.contains(&id) || (in_gold(id) && !removed.contains(&id))
                };
                if taken(copy.id, &added) {
                    copy.id = AnnotationId::fresh(|id| taken(id, &added));
                }
                added.insert(copy.id);
                copy.modified = at;
                self.record_provenance(
                    &mut copy.meta,
                    (decision, agreement, from_a),
                    &both_names,
                    item.a.as_ref().map(|x| x.id),
                    item.b.as_ref().map(|y| y.id),
                );
                add.push(copy);
            }
        }
        let mut commands = Vec::with_capacity(2);
        if !remove.is_empty() {
            commands.push(Command::DeleteAnnotations(remove));
        }
        if !add.is_empty() {
            commands.push(Command::AddAnnotations(add));
        }
        Command::Named { what, commands }
    }
}

/// The gold annotations each source annotation went into, by the source's
/// id. Built once per change of the gold project and queried for every
/// item, so it must be cheap for a gold project of 100,000 annotations:
/// ids are parsed once and hashed as the random numbers they are.
struct Provenance<'g> {
    gold: Vec<&'g Annotation>,
    from_a: IdMap,
    from_b: IdMap,
}

/// Gold annotation indices by source id (almost always one each).
type IdMap = HashMap<AnnotationId, Indices, BuildHasherDefault<IdHasher>>;

#[derive(Clone)]
enum Indices {
    One(u32),
    Many(Vec<u32>),
}

impl Indices {
    fn push(&mut self, i: u32) {
        match self {
            Indices::One(j) => *self = Indices::Many(vec![*j, i]),
            Indices::Many(v) => v.push(i),
        }
    }

    fn as_slice(&self) -> &[u32] {
        match self {
            Indices::One(i) => std::slice::from_ref(i),
            Indices::Many(v) => v,
        }
    }
}

/// Annotation ids are random: their value is already a good hash.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        // Spread the 60 random bits over the whole word for hashbrown's top-bit tags.
        self.0 = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

impl<'g> Provenance<'g> {
    /// Provenance among `annotations` (a whole gold project's, or one document's).
    fn of(annotations: impl IntoIterator<Item = &'g Annotation>) -> Provenance<'g> {
        Provenance::of_sources(annotations, |_| true)
    }

    /// Provenance of one item's sources only: a scan, with nothing to
    /// insert but the item's own copies.
    fn of_item(annotations: &'g [Annotation], item: &Item) -> Provenance<'g> {
        let (a, b) = (item.a.as_ref().map(|x| x.id), item.b.as_ref().map(|y| y.id));
        Provenance::of_sources(annotations, |id| Some(id) == a || Some(id) == b)
    }

    fn of_sources(
        annotations: impl IntoIterator<Item = &'g Annotation>,
        wanted: impl Fn(AnnotationId) -> bool,
    ) -> Provenance<'g> {
        let annotations: Vec<&'g Annotation> = annotations.into_iter().collect();
        let mut from_a = IdMap::default();
        let mut from_b = IdMap::default();
        for (i, g) in annotations.iter().enumerate() {
            if g.meta.is_empty() {
                continue;
            }
            for (key, map) in [(SOURCE_A, &mut from_a), (SOURCE_B, &mut from_b)] {
                if let Some(id) = g.meta.get(key).and_then(|s| AnnotationId::parse(s))
                    && wanted(id)
                {
                    map.entry(id)
                        .and_modify(|x| x.push(i as u32))
                        .or_insert(Indices::One(i as u32));
                }
            }
        }
        Provenance {
            gold: annotations,
            from_a,
            from_b,
        }
    }

    fn find(map: &IdMap, id: AnnotationId) -> impl Iterator<Item = u32> + '_ {
        map.get(&id).map_or(&[][..], Indices::as_slice).iter().copied()
    }

    /// The gold annotations that came from this item, each once, with
    /// the source they came from (A's annotation, else B's). No allocation:
    /// this runs for every item each time the gold project changes.
    fn annotations<'s>(&'s self, item: &'s Item) -> impl Iterator<Item = (&'g Annotation, &'s Annotation)> + 's {
        let from_a = item
            .a
            .iter()
            .flat_map(move |x| Self::find(&self.from_a, x.id).map(move |i| (i, x)));
        let from_b = item.b.iter().flat_map(move |y| {
            Self::find(&self.from_b, y.id)
                .filter(move |&i| {
                    !item
                        .a
                        .as_ref()
                        .is_some_and(|x| Self::find(&self.from_a, x.id).any(|j| j == i))
                })
                .map(move |i| (i, y))
        });
        from_a.chain(from_b).map(|(i, source)| (self.gold[i as usize], source))
    }

    fn ids(&self, item: &Item) -> Vec<AnnotationId> {
        self.annotations(item).map(|(g, _)| g.id).collect()
    }

    fn state(&self, item: &Item) -> State {
        let decision = self
            .annotations(item)
            .find_map(|(g, _)| decision_of(g.meta.get(DECISION).map(String::as_str)));
        let Some(decision) = decision else {
            return State::Open;
        };
        // Edited: a gold copy no longer has its source's span, label or values.
        let edited = self
            .annotations(item)
            .any(|(g, s)| s.start != g.start || s.end != g.end || s.label != g.label || s.attrs != g.attrs);
        State::Decided { decision, edited }
    }
}

/// The decision a gold copy's [`DECISION`] key records.
fn decision_of(value: Option<&str>) -> Option<Decision> {
    match value {
        Some("accept A" | "agreement") => Some(Decision::AcceptA),
        Some("accept B") => Some(Decision::AcceptB),
        Some("accept both") => Some(Decision::AcceptBoth),
        _ => None,
    }
}

/// Aligns the relations of one document: the same type between aligned
/// ends (agreements, or attribute differences), then the same ends with
/// another type, then the rest alone.
fn align_relations(
    doc: &str,
    a: &[Relation],
    b: &[Relation],
    ends: &HashMap<AnnotationId, AnnotationId>,
) -> Vec<RelationItem> {
    let mut out = Vec::new();
    let mut taken = vec![false; b.len()];
    let mut by_ends: HashMap<(AnnotationId, AnnotationId), Vec<usize>> = HashMap::new();
    for (j, y) in b.iter().enumerate() {
        by_ends.entry((y.from, y.to)).or_default().push(j);
    }
    let mut matched = vec![None; a.len()];
    for same_type in [true, false] {
        for (i, x) in a.iter().enumerate() {
            if matched[i].is_some() {
                continue;
            }
            let (Some(&from), Some(&to)) = (ends.get(&x.from), ends.get(&x.to)) else {
                continue;
            };
            let found = by_ends
                .get(&(from, to))
                .into_iter()
                .flatten()
                .copied()
                .find(|&j| !taken[j] && (b[j].kind == x.kind) == same_type);
            if let Some(j) = found {
                taken[j] = true;
                matched[i] = Some(j);
            }
        }
    }
    let gold_doc = |r: &Relation| Relation {
        doc: doc.to_owned(),
        ..r.clone()
    };
    for (i, x) in a.iter().enumerate() {
        let (kind, y) = match matched[i] {
            Some(j) if b[j].kind != x.kind => (PairKind::Label, Some(&b[j])),
            Some(j) if b[j].attrs != x.attrs || b[j].note != x.note => (PairKind::Attributes, Some(&b[j])),
            Some(j) => (PairKind::Agree, Some(&b[j])),
            None => (PairKind::OnlyA, None),
        };
        out.push(RelationItem {
            doc: doc.to_owned(),
            kind,
            a: Some(x.clone()),
            b: y.map(gold_doc),
        });
    }
    for (j, y) in b.iter().enumerate() {
        if !taken[j] {
            out.push(RelationItem {
                doc: doc.to_owned(),
                kind: PairKind::OnlyB,
                a: None,
                b: Some(gold_doc(y)),
            });
        }
    }
    out
}

/// The state that a relation item's gold copies (each with its source) say.
fn relation_state_of(copies: &[(&Relation, &Relation)]) -> State {
    let decision = copies
        .iter()
        .find_map(|(g, _)| decision_of(g.meta.get(DECISION).map(String::as_str)));
    match decision {
        None => State::Open,
        Some(decision) => State::Decided {
            decision,
            edited: copies.iter().any(|(g, s)| g.kind != s.kind || g.attrs != s.attrs),
        },
    }
}

/// The gold relations that came from `item`, each with its source.
fn relation_copies<'g>(gold: &'g Project, item: &'g RelationItem) -> Vec<(&'g Relation, &'g Relation)> {
    let source_of = |g: &Relation| -> Option<&'g Relation> {
        let from = |key: &str, r: &'g Option<Relation>| {
            r.as_ref()
                .filter(|r| g.meta.get(key).and_then(|s| AnnotationId::parse(s)) == Some(r.id))
        };
        from(SOURCE_A, &item.a).or_else(|| from(SOURCE_B, &item.b))
    };
    gold.relations_of(&item.doc)
        .iter()
        .filter_map(|g| Some((g, source_of(g)?)))
        .collect()
}
