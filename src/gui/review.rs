//! Review → Compare annotators…: the agreement figures of two or more
//! annotators' copies, their spans side by side with the disagreements
//! marked, and adjudication into a gold project.
//!
//! The gold project is the workbench's open session (new and unsaved
//! until Save As), so the usual editing, undo and saving apply to it; the
//! review only proposes decisions as commands
//! ([`crate::agreement::adjudicate`]) and reads each item's state back
//! from the gold project's provenance keys. "Reject both" leaves nothing
//! in the gold project, so it is remembered here with the history entry
//! that made it, and undoing that entry reopens the item.

use std::collections::HashMap;
use std::path::PathBuf;

use egui::{Color32, RichText, Ui};

use super::action::Action;
use super::style::kind_colour;
use super::view::{DocumentView, Overlay, Selection, ViewInput, capitalise, shorten};
use crate::agreement::adjudicate::{Adjudication, Decision, Item, RelationItem, State};
use crate::agreement::{Figures, PairKind, PairReport, Report};
use crate::edit::History;
use crate::model::{Annotation, AnnotationId, Project};
use crate::persist::review::Rejection;

/// Below twice this width, A and B are shown one above the other: two
/// columns of a dozen characters each are not readable.
const SIDE_MIN_WIDTH: f32 = 320.0;

/// Whether A and B are shown one above the other in `width`.
pub fn sides_stacked(width: f32) -> bool {
    width < 2.0 * SIDE_MIN_WIDTH
}

/// A's and B's disagreement marks of one document, and the item of each.
struct OverlayCache {
    key: (String, bool, (usize, usize)),
    /// The item drawn as focused.
    focus: Option<usize>,
    overlays: [Vec<Overlay>; 2],
    /// Item of each overlay, ascending (items are in document order).
    items: [Vec<usize>; 2],
}

/// How strongly a disagreement is marked, focused or not: lighter on a
/// dark background, where a strong mark would drown the light text.
fn strength(focused: bool, dark: bool) -> f32 {
    match (focused, dark) {
        (true, false) => 0.85,
        (false, false) => 0.4,
        (true, true) => 0.5,
        (false, true) => 0.22,
    }
}

/// Where `item` is in `items` (sorted): its overlays.
fn positions(items: &[usize], item: usize) -> std::ops::Range<usize> {
    let lo = items.partition_point(|&i| i < item);
    lo..lo + items[lo..].partition_point(|&i| i == item)
}

/// An item's identity across reviews: its A and B annotations' ids.
type PairKey = (Option<AnnotationId>, Option<AnnotationId>);

fn pair_key(item: &Item) -> PairKey {
    (item.a.as_ref().map(|x| x.id), item.b.as_ref().map(|y| y.id))
}

/// Where an item stands, as the review shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemState {
    Open,
    Rejected,
    Decided { decision: Decision, edited: bool },
}

impl ItemState {
    pub fn describe(self) -> String {
        match self {
            ItemState::Open => "open".into(),
            ItemState::Rejected => "rejected both".into(),
            ItemState::Decided { decision, edited } => {
                format!("{}{}", decision.describe(), if edited { ", edited" } else { "" })
            }
        }
    }
}

/// An open review.
pub struct Review {
    pub paths: Vec<PathBuf>,
    pub names: Vec<String>,
    annotators: Vec<Project>,
    pub report: Report,
    /// The pair being adjudicated (indices into `names`).
    pub pair: (usize, usize),
    pub adjudication: Adjudication,
    states: Vec<State>,
    states_revision: Option<u64>,
    /// Counts for the panel, kept with the states: (disagreements, open
    /// disagreements, open agreements).
    counts: (usize, usize, usize),
    /// The items of each document, in order.
    by_doc: HashMap<String, Vec<usize>>,
    /// The summary table's documents, most disagreement first, with their
    /// disagreement counts (sorted once, not every frame).
    doc_rows: Vec<(String, usize)>,
    /// Rejected pairs, by their annotations' ids (so that they outlive a
    /// change of the pair under review), with the history entry that
    /// rejected them (`None`: read from the file kept beside the gold
    /// project, so not undoable here).
    rejected: HashMap<PairKey, Option<u64>>,
    /// The item in focus.
    pub current: Option<usize>,
    /// The relation item in focus (then no span item is).
    pub current_relation: Option<usize>,
    /// The relation items' states, and the gold revision they were read at.
    relation_states: Vec<State>,
    relation_states_revision: Option<u64>,
    /// The relation items of each document, in order.
    relations_by_doc: HashMap<String, Vec<usize>>,
    /// Rejected relation pairs, as `rejected` for spans (kept for the
    /// session, not in the file beside the gold project).
    rejected_relations: HashMap<PairKey, Option<u64>>,
    /// (relation disagreements, open ones), kept with their states.
    relation_counts: (usize, usize),
    /// Agreeing relations not yet in the gold project, kept with the states.
    relation_agreements_open: usize,
    pub show_agreements: bool,
    /// Scroll the item list to the item in focus at the next frame.
    scroll_list: bool,
    /// The list's items for (document, agreements shown), kept between frames.
    list_cache: Option<((String, bool), Vec<usize>)>,
    /// A's and B's disagreement marks, for (document, focus, theme, pair).
    overlay_cache: Option<OverlayCache>,
    views: [Option<DocumentView>; 2],
    selections: [Selection; 2],
    revision: u64,
}

impl Review {
    /// A review of `annotators` (name, file, project), adjudicating the first two.
    pub fn new(annotators: Vec<(String, PathBuf, Project)>) -> Review {
        let list: Vec<(String, &Project)> = annotators.iter().map(|(n, _, p)| (n.clone(), p)).collect();
        let report = crate::agreement::agree(&list, &Default::default());
        let adjudication = Adjudication::new(&annotators[0].0, &annotators[0].2, &annotators[1].0, &annotators[1].2);
        let by_doc = items_by_doc(&adjudication);
        let relation_docs = relations_by_doc(&adjudication);
        let names: Vec<String> = annotators.iter().map(|(n, _, _)| n.clone()).collect();
        let doc_rows = document_rows(pair_report(&report, &names, (0, 1)));
        let mut names = Vec::new();
        let mut paths = Vec::new();
        let mut projects = Vec::new();
        for (n, path, p) in annotators {
            names.push(n);
            paths.push(path);
            projects.push(p);
        }
        Review {
            paths,
            names,
            annotators: projects,
            report,
            pair: (0, 1),
            adjudication,
            states: Vec::new(),
            states_revision: None,
            counts: (0, 0, 0),
            by_doc,
            doc_rows,
            rejected: HashMap::new(),
            current: None,
            current_relation: None,
            relation_states: Vec::new(),
            relation_states_revision: None,
            relations_by_doc: relation_docs,
            rejected_relations: HashMap::new(),
            relation_counts: (0, 0),
            relation_agreements_open: 0,
            show_agreements: false,
            scroll_list: false,
            list_cache: None,
            overlay_cache: None,
            views: [None, None],
            selections: [Selection::default(), Selection::default()],
            revision: 0,
        }
    }

    /// The gold project to start from.
    pub fn gold_project(&self) -> Project {
        Adjudication::gold_project(&self.annotators[self.pair.0], &self.annotators[self.pair.1])
    }

    /// The labels the pair under review uses.
    pub fn gold_schema(&self) -> crate::model::Schema {
        Adjudication::gold_schema(&self.annotators[self.pair.0], &self.annotators[self.pair.1])
    }

    /// Adjudicate another pair (the gold project stays as it is).
    pub fn set_pair(&mut self, a: usize, b: usize) {
        if a == b || a >= self.names.len() || b >= self.names.len() {
            return;
        }
        self.pair = (a, b);
        self.adjudication = Adjudication::new(&self.names[a], &self.annotators[a], &self.names[b], &self.annotators[b]);
        self.by_doc = items_by_doc(&self.adjudication);
        self.relations_by_doc = relations_by_doc(&self.adjudication);
        self.doc_rows = document_rows(self.pair_report());
        self.list_cache = None;
        self.states_revision = None;
        self.relation_states_revision = None;
        self.current = None;
        self.current_relation = None;
        self.views = [None, None];
        self.revision += 1;
    }

    /// Brings the item states (and the counts drawn from them) up to date
    /// with the gold project; cheap when nothing changed, so that drawing
    /// a review of 100,000 items does not walk them every frame.
    pub fn refresh(&mut self, gold: &Project, revision: u64, history: &History) {
        self.refresh_relations(gold, revision, history);
        if self.states_revision != Some(revision) {
            self.states = self.adjudication.states(gold);
            self.states_revision = Some(revision);
            let disagreements: Vec<usize> = self.adjudication.disagreements().collect();
            let open = disagreements
                .iter()
                .filter(|&&i| self.state(i, history) == ItemState::Open)
                .count();
            let agreements = (0..self.adjudication.items.len())
                .filter(|&i| self.adjudication.items[i].kind == PairKind::Agree && self.states[i] == State::Open)
                .count();
            self.counts = (disagreements.len(), open, agreements);
        }
    }

    /// Item `i`'s share of the counts: (open disagreement, open agreement).
    pub fn contribution(&self, i: usize, history: &History) -> (usize, usize) {
        let Some(item) = self.adjudication.items.get(i) else {
            return (0, 0);
        };
        let open_disagreement = item.kind.is_disagreement() && self.state(i, history) == ItemState::Open;
        let open_agreement = item.kind == PairKind::Agree && self.states.get(i) == Some(&State::Open);
        (usize::from(open_disagreement), usize::from(open_agreement))
    }

    /// True when the states are those of the gold project at `revision`.
    pub fn is_fresh(&self, revision: u64) -> bool {
        self.states_revision == Some(revision)
    }

    /// After a decision on item `i` alone (the states were fresh before it,
    /// and `before` was its [`Review::contribution`] then): re-reads that
    /// item only, so a decision costs the same in a document of 100,000
    /// items as in one of ten.
    pub fn update_item(&mut self, i: usize, gold: &Project, revision: u64, history: &History, before: (usize, usize)) {
        if i >= self.states.len() {
            return;
        }
        self.states[i] = self.adjudication.state(i, gold);
        self.states_revision = Some(revision);
        let after = self.contribution(i, history);
        self.counts.1 = (self.counts.1 + after.0).saturating_sub(before.0);
        self.counts.2 = (self.counts.2 + after.1).saturating_sub(before.1);
    }

    /// The items of document `doc`, in order.
    fn items_of(&self, doc: &str) -> &[usize] {
        self.by_doc.get(doc).map_or(&[], Vec::as_slice)
    }

    /// The state of item `i` (after [`Review::refresh`]).
    pub fn state(&self, i: usize, history: &History) -> ItemState {
        match self.states.get(i) {
            Some(State::Decided { decision, edited }) => ItemState::Decided {
                decision: *decision,
                edited: *edited,
            },
            Some(_) if self.is_rejected(&pair_key(&self.adjudication.items[i]), history) => ItemState::Rejected,
            _ => ItemState::Open,
        }
    }

    fn is_rejected(&self, key: &PairKey, history: &History) -> bool {
        self.rejected
            .get(key)
            .is_some_and(|s| s.is_none_or(|s| history.is_applied(s)))
    }

    /// Remembers that item `i` was rejected by history entry `serial`.
    pub fn record_rejection(&mut self, i: usize, serial: u64) {
        if let Some(item) = self.adjudication.items.get(i) {
            self.rejected.insert(pair_key(item), Some(serial));
        }
    }

    /// The rejections that stand, of every pair reviewed (to keep beside
    /// the gold project); those of this pair's items decided since are left out.
    pub fn rejections(&self, history: &History) -> Vec<Rejection> {
        let decided: std::collections::HashSet<PairKey> = (0..self.adjudication.items.len())
            .filter(|&i| matches!(self.states.get(i), Some(State::Decided { .. })))
            .map(|i| pair_key(&self.adjudication.items[i]))
            .collect();
        let mut kept: Vec<Rejection> = self
            .rejected
            .keys()
            .filter(|key| self.is_rejected(key, history) && !decided.contains(*key))
            .map(|(a, b)| Rejection {
                a: a.map(|id| id.to_string()),
                b: b.map(|id| id.to_string()),
            })
            .collect();
        kept.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
        kept
    }

    /// Marks rejections kept earlier as standing.
    pub fn restore_rejections(&mut self, kept: &[Rejection]) {
        let parse = |s: &Option<String>| s.as_deref().and_then(AnnotationId::parse);
        for r in kept {
            self.rejected.insert((parse(&r.a), parse(&r.b)), None);
        }
    }

    /// The state of relation item `i` (after [`Review::refresh`]).
    pub fn relation_state(&self, i: usize, history: &History) -> ItemState {
        match self.relation_states.get(i) {
            Some(State::Decided { decision, edited }) => ItemState::Decided {
                decision: *decision,
                edited: *edited,
            },
            Some(_) if self.relation_rejected(i, history) => ItemState::Rejected,
            _ => ItemState::Open,
        }
    }

    fn relation_rejected(&self, i: usize, history: &History) -> bool {
        self.adjudication.relation_items.get(i).is_some_and(|item| {
            self.rejected_relations
                .get(&relation_key(item))
                .is_some_and(|s| s.is_none_or(|s| history.is_applied(s)))
        })
    }

    /// Remembers that relation item `i` was rejected by history entry `serial`.
    pub fn record_relation_rejection(&mut self, i: usize, serial: u64) {
        if let Some(item) = self.adjudication.relation_items.get(i) {
            self.rejected_relations.insert(relation_key(item), Some(serial));
        }
    }

    /// Brings the relation items' states and counts up to date (alone: a
    /// decision on a relation leaves the span items as they were).
    pub fn refresh_relations(&mut self, gold: &Project, revision: u64, history: &History) {
        if self.relation_states_revision != Some(revision) {
            self.relation_states = self.adjudication.relation_states(gold);
            self.relation_states_revision = Some(revision);
            self.relation_counts = self.count_relations(history);
            self.relation_agreements_open = self.open_relation_agreements().len();
        }
    }

    /// After an edit of relations alone (from `before` to `after`): the
    /// span items' states, fresh before it, still are (not read again
    /// over 100,000 items for one relation decided).
    pub fn spans_unchanged(&mut self, before: u64, after: u64) {
        if self.states_revision == Some(before) {
            self.states_revision = Some(after);
        }
    }

    /// Relation disagreements, and how many are still open (as of the
    /// last refresh).
    pub fn relation_counts(&self) -> (usize, usize) {
        self.relation_counts
    }

    fn count_relations(&self, history: &History) -> (usize, usize) {
        let disagreements = (0..self.adjudication.relation_items.len())
            .filter(|&i| self.adjudication.relation_items[i].kind.is_disagreement());
        let (mut all, mut open) = (0, 0);
        for i in disagreements {
            all += 1;
            open += usize::from(self.relation_state(i, history) == ItemState::Open);
        }
        (all, open)
    }

    /// Agreeing relations not yet in the gold project.
    pub fn open_relation_agreements(&self) -> Vec<usize> {
        (0..self.adjudication.relation_items.len())
            .filter(|&i| {
                self.adjudication.relation_items[i].kind == PairKind::Agree
                    && self.relation_states.get(i) == Some(&State::Open)
            })
            .collect()
    }

    /// The next (or previous) open relation disagreement after the one in
    /// focus, wrapping around; any relation disagreement when none is open.
    pub fn next_relation(&self, forward: bool, history: &History) -> Option<usize> {
        let n = self.adjudication.relation_items.len();
        if n == 0 {
            return None;
        }
        let start = self.current_relation.unwrap_or(if forward { n - 1 } else { 0 });
        let candidates: Vec<usize> = (1..=n)
            .map(|k| {
                if forward {
                    (start + k) % n
                } else {
                    (start + n * 2 - k) % n
                }
            })
            .filter(|&i| self.adjudication.relation_items[i].kind.is_disagreement())
            .collect();
        candidates
            .iter()
            .copied()
            .find(|&i| self.relation_state(i, history) == ItemState::Open)
            .or(candidates.first().copied())
    }

    /// Focuses relation item `i`; returns its document and where its
    /// source starts (in A's or B's text, which is the gold text).
    pub fn focus_relation(&mut self, i: usize) -> Option<(String, usize)> {
        let item = self.adjudication.relation_items.get(i)?;
        self.current_relation = Some(i);
        self.current = None;
        let at = self.relation_ends(item).0.map_or(0, |a| a.start);
        for v in self.views.iter_mut().flatten() {
            v.scroll_to(at);
        }
        Some((item.doc.clone(), at))
    }

    /// A relation item's two ends, as its annotator made them.
    fn relation_ends(&self, item: &RelationItem) -> (Option<&Annotation>, Option<&Annotation>) {
        let (side, r) = match (&item.a, &item.b) {
            (Some(r), _) => (self.pair.0, r),
            (None, Some(r)) => (self.pair.1, r),
            (None, None) => return (None, None),
        };
        let p = &self.annotators[side];
        (p.annotation(r.from), p.annotation(r.to))
    }

    /// "Claimant: “…” → “…”" for a relation of one side.
    fn relation_line(&self, r: Option<&crate::model::Relation>, side: usize) -> String {
        let Some(r) = r else { return "—".to_owned() };
        let p = &self.annotators[side];
        let text = |id| {
            p.annotation(id)
                .map_or_else(String::new, |a: &Annotation| shorten(&a.text, 24))
        };
        let kind = p
            .schema
            .relation_type(&r.kind)
            .map_or(r.kind.as_str(), |t| t.name.as_str());
        let values: Vec<String> = r.attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let values = if values.is_empty() {
            String::new()
        } else {
            format!(" [{}]", values.join(", "))
        };
        format!("{kind}: “{}” → “{}”{values}", text(r.from), text(r.to))
    }

    /// Disagreements still open, counted (as of the last refresh).
    pub fn open_disagreements(&self) -> usize {
        self.counts.1
    }

    /// Agreements not yet in the gold project (as of the last refresh).
    pub fn open_agreements(&self) -> usize {
        self.counts.2
    }

    /// The next (or previous) open disagreement after the current item,
    /// wrapping around; any disagreement when none is open.
    pub fn next(&self, forward: bool, history: &History) -> Option<usize> {
        let n = self.adjudication.items.len();
        if n == 0 {
            return None;
        }
        let start = self.current.unwrap_or(if forward { n - 1 } else { 0 });
        let order = (1..=n).map(|k| {
            if forward {
                (start + k) % n
            } else {
                (start + n * 2 - k) % n
            }
        });
        let candidates: Vec<usize> = order
            .filter(|&i| self.adjudication.items[i].kind.is_disagreement())
            .collect();
        candidates
            .iter()
            .copied()
            .find(|&i| self.state(i, history) == ItemState::Open)
            .or(candidates.first().copied())
    }

    /// Focuses item `i`: its document, and both views scrolled to it.
    pub fn focus(&mut self, i: usize) {
        if let Some(item) = self.adjudication.items.get(i) {
            self.current = Some(i);
            self.current_relation = None;
            self.scroll_list = true;
            let at = item.start();
            for v in self.views.iter_mut().flatten() {
                v.scroll_to(at);
            }
        }
    }

    /// A's (0) or B's (1) view of the document in focus, once drawn.
    pub fn side_view(&self, k: usize) -> Option<&DocumentView> {
        self.views.get(k)?.as_ref()
    }

    /// The figures of the pair being adjudicated.
    pub fn pair_report(&self) -> Option<&PairReport> {
        pair_report(&self.report, &self.names, self.pair)
    }

    // ------------------------------------------------------------ drawing

    /// The side panel: figures, progress, the item in focus and the list.
    pub fn panel_ui(&mut self, ui: &mut Ui, current_doc: Option<&str>, history: &History) -> Vec<Action> {
        let mut actions = Vec::new();
        egui::Panel::right("review-panel")
            .resizable(true)
            .default_size(420.0)
            .show(ui, |ui| {
                // The decision in focus stays in view; the figures scroll.
                actions.extend(self.header_ui(ui));
                ui.separator();
                actions.extend(self.adjudication_ui(ui, history));
                ui.separator();
                let figures = ui.available_height() * 0.45;
                egui::CollapsingHeader::new(RichText::new("Agreement figures").strong())
                    .id_salt("review-figures-section")
                    .default_open(true)
                    .show(ui, |ui| {
                        // Both ways: the tables are wider than a narrow
                        // panel, and their last columns must stay reachable.
                        egui::ScrollArea::both()
                            .id_salt("review-figures-scroll")
                            .max_height(figures)
                            .show(ui, |ui| actions.extend(self.figures_ui(ui)));
                    });
                ui.separator();
                if let Some(doc) = current_doc {
                    actions.extend(self.relation_list_ui(ui, doc, history));
                    actions.extend(self.list_ui(ui, doc, history));
                }
            });
        actions
    }

    fn header_ui(&self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        ui.horizontal(|ui| {
            ui.heading("Review");
            if ui.button("Close review").clicked() {
                actions.push(Action::CloseReview);
            }
        });
        for (i, name) in self.names.iter().enumerate() {
            let role = match i {
                _ if i == self.pair.0 => "A",
                _ if i == self.pair.1 => "B",
                _ => " ",
            };
            ui.label(format!("{role}  {name}"));
        }
        if self.names.len() > 2 {
            ui.horizontal(|ui| {
                ui.label("Adjudicate:");
                for (a, b) in (0..self.names.len()).flat_map(|a| (a + 1..self.names.len()).map(move |b| (a, b))) {
                    let text = format!("{}–{}", a + 1, b + 1);
                    if ui.selectable_label(self.pair == (a, b), text).clicked() {
                        actions.push(Action::ReviewPair(a, b));
                    }
                }
            });
        }
        actions
    }

    fn figures_ui(&self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        let Some(pair) = self.pair_report() else { return actions };
        ui.strong("Agreement (A as reference)");
        egui::Grid::new("review-figures").striped(true).show(ui, |ui| {
            for h in ["", "F1 exact", "F1 overlap", "κ char", "α char", "α_U", "A", "B"] {
                ui.strong(h);
            }
            ui.end_row();
            figure_row(ui, "overall", &pair.overall);
            for (label, f) in &pair.by_label {
                figure_row(ui, label, f);
            }
        });
        let undefined: Vec<String> = pair
            .overall
            .named()
            .iter()
            .filter_map(|(k, m)| Some(format!("{k}: {}", m.reason()?)))
            .collect();
        if !undefined.is_empty() {
            ui.weak(format!("– undefined: {}", undefined.join("; ")));
        }
        let rel = &pair.relations;
        if rel.relations_a + rel.relations_b > 0 {
            ui.add_space(4.0);
            ui.strong(format!(
                "Relations (A {}, B {}; those whose ends are compared spans)",
                rel.relations_a, rel.relations_b
            ));
            egui::Grid::new("review-relation-figures").striped(true).show(ui, |ui| {
                for h in ["", "F1 exact", "F1 overlap"] {
                    ui.strong(h);
                }
                ui.end_row();
                let rows = std::iter::once(("all types".to_owned(), &rel.f1_exact, &rel.f1_overlap))
                    .chain(rel.by_type.iter().map(|(t, f)| (t.clone(), &f.f1_exact, &f.f1_overlap)));
                for (name, exact, overlap) in rows {
                    ui.label(name);
                    ui.label(exact.to_string());
                    ui.label(overlap.to_string());
                    ui.end_row();
                }
            });
        }
        if !pair.attributes.is_empty() {
            ui.add_space(4.0);
            ui.strong("Attributes (on aligned spans both gave a value)");
            egui::Grid::new("review-attribute-figures")
                .striped(true)
                .show(ui, |ui| {
                    for h in ["", "κ", "α", "pairs"] {
                        ui.strong(h);
                    }
                    ui.end_row();
                    for (key, f) in &pair.attributes {
                        ui.label(key);
                        for m in [&f.kappa, &f.alpha] {
                            let r = ui.label(m.to_string());
                            if let Some(why) = m.reason() {
                                r.on_hover_text(why);
                            }
                        }
                        ui.label(f.n.to_string());
                        ui.end_row();
                    }
                });
        }
        if self.report.pairs.len() > 1 {
            ui.add_space(4.0);
            ui.strong("Every pair");
            egui::Grid::new("review-pairs").striped(true).show(ui, |ui| {
                for h in ["", "F1 exact", "F1 overlap", "κ char", "α char", "α_U", "A", "B"] {
                    ui.strong(h);
                }
                ui.end_row();
                for p in &self.report.pairs {
                    let a = self.names.iter().position(|n| n == &p.a).map_or(0, |i| i + 1);
                    let b = self.names.iter().position(|n| n == &p.b).map_or(0, |i| i + 1);
                    figure_row(ui, &format!("{a}–{b}"), &p.overall);
                }
                ui.label("mean");
                for m in [
                    &self.report.mean.0.f1_exact,
                    &self.report.mean.0.f1_overlap,
                    &self.report.mean.0.kappa_char,
                    &self.report.mean.0.alpha_char,
                    &self.report.mean.0.alpha_u,
                ] {
                    ui.label(m.to_string());
                }
                ui.end_row();
            });
        }
        ui.add_space(4.0);
        ui.strong("Documents, most disagreement first");
        egui::Grid::new("review-docs").striped(true).show(ui, |ui| {
            for h in [
                "document",
                "F1 exact",
                "F1 overlap",
                "κ char",
                "α char",
                "α_U",
                "disagr.",
            ] {
                ui.strong(h);
            }
            ui.end_row();
            for (doc, disagreements) in &self.doc_rows {
                let Some(f) = pair.by_document.get(doc) else { continue };
                if ui.link(shorten(doc, 15)).on_hover_text(doc.as_str()).clicked() {
                    actions.push(Action::SelectDocument(doc.clone()));
                }
                for m in [&f.f1_exact, &f.f1_overlap, &f.kappa_char, &f.alpha_char, &f.alpha_u] {
                    let r = ui.label(m.to_string());
                    if let Some(why) = m.reason() {
                        r.on_hover_text(why);
                    }
                }
                ui.label(disagreements.to_string());
                ui.end_row();
            }
        });
        if !pair.only_in_a.is_empty() || !pair.only_in_b.is_empty() || !pair.text_differs.is_empty() {
            ui.weak(format!(
                "Not compared: only in A {:?}, only in B {:?}, text differs {:?}",
                pair.only_in_a, pair.only_in_b, pair.text_differs
            ));
        }
        actions
    }

    fn adjudication_ui(&self, ui: &mut Ui, history: &History) -> Vec<Action> {
        let mut actions = Vec::new();
        let adj = &self.adjudication;
        let (total, open) = (self.counts.0, self.counts.1);
        ui.strong("Adjudication into the gold project");
        ui.horizontal_wrapped(|ui| {
            let dark = ui.visuals().dark_mode;
            for kind in [
                PairKind::OnlyA,
                PairKind::OnlyB,
                PairKind::Label,
                PairKind::Boundaries,
                PairKind::Attributes,
            ] {
                ui.label(RichText::new(format!("■ {}", kind.describe())).color(kind_colour(kind, dark)));
            }
        });
        ui.label(format!("{} of {total} disagreements decided", total - open));
        let agreements = self.open_agreements();
        if ui
            .add_enabled(
                agreements > 0,
                egui::Button::new(format!("Accept all agreements ({agreements})")),
            )
            .on_hover_text("Alt+G")
            .clicked()
        {
            actions.push(Action::ReviewAcceptAgreements);
        }
        ui.horizontal(|ui| {
            if ui.button("◀ Previous").on_hover_text("Alt+P").clicked() {
                actions.push(Action::ReviewNext(false));
            }
            if ui.button("Next disagreement ▶").on_hover_text("Alt+N").clicked() {
                actions.push(Action::ReviewNext(true));
            }
        });
        if let Some(i) = self.current
            && let Some(item) = adj.items.get(i)
        {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.strong(format!(
                    "{} — {}",
                    item.kind.describe(),
                    self.state(i, history).describe()
                ));
                side_line(ui, "A", item.a.as_ref());
                side_line(ui, "B", item.b.as_ref());
                ui.horizontal_wrapped(|ui| {
                    for d in item.choices() {
                        if ui
                            .button(capitalise(d.describe()))
                            .on_hover_text(decision_key(d))
                            .clicked()
                        {
                            actions.push(Action::ReviewDecide { item: i, decision: d });
                        }
                    }
                    if ui
                        .button("Edit…")
                        .on_hover_text("Take A's version (B's when A has none) and select it to edit")
                        .clicked()
                    {
                        actions.push(Action::ReviewEdit(i));
                    }
                });
            });
        }
        actions.extend(self.relation_adjudication_ui(ui, history));
        actions
    }

    /// The relations' progress, their agreements in one step, and the
    /// relation item in focus with its decisions (the same keys as spans).
    fn relation_adjudication_ui(&self, ui: &mut Ui, history: &History) -> Vec<Action> {
        let mut actions = Vec::new();
        let adj = &self.adjudication;
        if adj.relation_items.is_empty() {
            return actions;
        }
        let (all, open) = self.relation_counts;
        ui.label(format!("Relations: {} of {all} disagreements decided", all - open));
        ui.horizontal_wrapped(|ui| {
            let agreeing = self.relation_agreements_open;
            if ui
                .add_enabled(
                    agreeing > 0,
                    egui::Button::new(format!("Accept agreeing relations ({agreeing})")),
                )
                .on_hover_text("Those whose two ends are in the gold project (accept the spans first)")
                .clicked()
            {
                actions.push(Action::ReviewAcceptRelationAgreements);
            }
            if ui.button("Next relation disagreement ▶").clicked() {
                actions.push(Action::ReviewNextRelation(true));
            }
        });
        let Some((i, item)) = self
            .current_relation
            .and_then(|i| Some((i, adj.relation_items.get(i)?)))
        else {
            return actions;
        };
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.strong(format!(
                "Relation {} — {}",
                relation_kind_text(item.kind),
                self.relation_state(i, history).describe()
            ));
            ui.label(format!("A  {}", self.relation_line(item.a.as_ref(), self.pair.0)));
            ui.label(format!("B  {}", self.relation_line(item.b.as_ref(), self.pair.1)));
            ui.horizontal_wrapped(|ui| {
                for d in item.choices() {
                    let button = ui
                        .button(capitalise(d.describe()))
                        .on_hover_text(decision_key(d))
                        .accessible_name(format!("{} (relation)", capitalise(d.describe())));
                    if button.clicked() {
                        actions.push(Action::ReviewDecideRelation { item: i, decision: d });
                    }
                }
            });
        });
        actions
    }

    /// The document's relation items (disagreements, and agreements when
    /// listed), each a row that focuses it.
    fn relation_list_ui(&self, ui: &mut Ui, doc: &str, history: &History) -> Vec<Action> {
        let mut actions = Vec::new();
        let adj = &self.adjudication;
        let items: Vec<usize> = self
            .relations_by_doc
            .get(doc)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| self.show_agreements || adj.relation_items[i].kind.is_disagreement())
            .collect();
        if items.is_empty() {
            return actions;
        }
        let dark = ui.visuals().dark_mode;
        egui::CollapsingHeader::new(format!("Relations in {doc} ({})", items.len()))
            .id_salt("review-relations")
            .default_open(true)
            .show(ui, |ui| {
                let row_height = ui.spacing().interact_size.y;
                egui::ScrollArea::vertical()
                    .id_salt("review-relation-items")
                    .max_height(row_height * 6.0)
                    .show_rows(ui, row_height, items.len(), |ui, rows| {
                        for &i in &items[rows] {
                            let item = &adj.relation_items[i];
                            ui.horizontal(|ui| {
                                let (r, side) = match &item.a {
                                    Some(r) => (Some(r), self.pair.0),
                                    None => (item.b.as_ref(), self.pair.1),
                                };
                                let text = shorten(&self.relation_line(r, side), 44);
                                if ui.selectable_label(self.current_relation == Some(i), text).clicked() {
                                    actions.push(Action::ReviewSelectRelation(i));
                                }
                                ui.label(
                                    RichText::new(relation_kind_text(item.kind)).color(kind_colour(item.kind, dark)),
                                );
                                ui.weak(self.relation_state(i, history).describe());
                            });
                        }
                    });
            });
        actions
    }

    /// The document's items: only the rows on screen are laid out, so a
    /// document with thousands of disagreements scrolls as fast as one.
    fn list_ui(&mut self, ui: &mut Ui, doc: &str, history: &History) -> Vec<Action> {
        let mut actions = Vec::new();
        let key = (doc.to_owned(), self.show_agreements);
        if self.list_cache.as_ref().is_none_or(|(k, _)| *k != key) {
            let adj = &self.adjudication;
            let items = self
                .items_of(doc)
                .iter()
                .copied()
                .filter(|&i| self.show_agreements || adj.items[i].kind.is_disagreement())
                .collect();
            self.list_cache = Some((key, items));
        }
        let adj = &self.adjudication;
        let Some((_, items)) = &self.list_cache else {
            return actions;
        };
        ui.horizontal(|ui| {
            let mut show = self.show_agreements;
            if ui.checkbox(&mut show, "List agreements too").changed() {
                actions.push(Action::ReviewShowAgreements(show));
            }
            ui.weak(format!("{} item(s) in {doc}", items.len()));
        });
        let row_height = ui.spacing().interact_size.y;
        let mut area = egui::ScrollArea::vertical().id_salt("review-items").auto_shrink(false);
        if self.scroll_list {
            self.scroll_list = false;
            if let Some(at) = self.current.and_then(|c| items.iter().position(|&i| i == c)) {
                let row = row_height + ui.spacing().item_spacing.y;
                area = area.vertical_scroll_offset((at as f32 * row - 3.0 * row).max(0.0));
            }
        }
        let dark = ui.visuals().dark_mode;
        area.show_rows(ui, row_height, items.len(), |ui, rows| {
            for &i in &items[rows] {
                let item = &adj.items[i];
                ui.horizontal(|ui| {
                    let text = format!("[{}, {}) {}", item.start(), item.end(), shorten(item.text(), 30));
                    if ui
                        .selectable_label(self.current == Some(i), text)
                        .on_hover_ui(|ui| {
                            ui.label(item_tip(item));
                        })
                        .clicked()
                    {
                        actions.push(Action::ReviewSelect(i));
                    }
                    ui.label(RichText::new(item.kind.describe()).color(kind_colour(item.kind, dark)));
                    ui.weak(self.state(i, history).describe());
                });
            }
        });
        actions
    }

    /// A's and B's views of document `doc`, side by side, read-only, with
    /// the disagreements marked.
    pub fn sides_ui(&mut self, ui: &mut Ui, doc: &str, dark: bool, text_size: f32) {
        let (ia, ib) = self.pair;
        let (pa, pb) = (&self.annotators[ia], &self.annotators[ib]);
        let Some(doc_a) = pa.document(doc) else { return };
        // B's copy of the document: the one with the same text.
        let Some(doc_b) = pb
            .documents
            .iter()
            .find(|d| d.hash == doc_a.hash && d.id == doc_a.id)
            .or_else(|| pb.documents.iter().find(|d| d.hash == doc_a.hash))
        else {
            ui.weak("B has no copy of this document with the same text.");
            return;
        };
        // Thousands of marks with their tooltips: built when the document,
        // theme or pair changes; a change of focus only repaints two marks.
        let key = (doc.to_owned(), dark, self.pair);
        if self.overlay_cache.as_ref().is_none_or(|c| c.key != key) {
            let (a, items_a) = self.overlays(doc, true, dark);
            let (b, items_b) = self.overlays(doc, false, dark);
            self.overlay_cache = Some(OverlayCache {
                key,
                focus: None,
                overlays: [a, b],
                items: [items_a, items_b],
            });
        }
        let Some(cache) = &mut self.overlay_cache else { return };
        if cache.focus != self.current {
            for (old, strength) in [
                (cache.focus, strength(false, dark)),
                (self.current, strength(true, dark)),
            ] {
                let Some(old) = old else { continue };
                let Some(item) = self.adjudication.items.get(old) else {
                    continue;
                };
                for side in 0..2 {
                    for k in positions(&cache.items[side], old) {
                        cache.overlays[side][k].fill = kind_colour(item.kind, dark).gamma_multiply(strength);
                    }
                }
            }
            cache.focus = self.current;
        }
        let overlays = &cache.overlays;
        for (k, d) in [doc_a, doc_b].into_iter().enumerate() {
            if !self.views[k].as_ref().is_some_and(|v| v.shows(d)) {
                let mut view = DocumentView::new(d);
                if let Some(item) = self.current.and_then(|i| self.adjudication.items.get(i)) {
                    view.scroll_to(item.start());
                }
                self.views[k] = Some(view);
            }
        }
        let input = |project, d, overlays| ViewInput::read_only(project, d, self.revision, text_size, dark, overlays);
        let inputs = [input(pa, doc_a, &overlays[0]), input(pb, doc_b, &overlays[1])];
        let names = [&self.names[ia], &self.names[ib]];
        let [va, vb] = &mut self.views;
        let [sa, sb] = &mut self.selections;
        if !sides_stacked(ui.available_width()) {
            ui.columns(2, |cols| {
                cols[0].weak(format!("A: {}", names[0]));
                cols[1].weak(format!("B: {}", names[1]));
                // Three views of one document: each needs its own id space.
                if let Some(v) = va {
                    cols[0].push_id("review-a", |ui| v.ui(ui, &inputs[0], sa));
                }
                if let Some(v) = vb {
                    cols[1].push_id("review-b", |ui| v.ui(ui, &inputs[1], sb));
                }
            });
        } else {
            // Too narrow for two readable columns: A above B, each full width.
            let width = ui.available_width();
            let height = ((ui.available_height() - ui.spacing().item_spacing.y) / 2.0).max(60.0);
            for (k, (view, selection)) in [(va, sa), (vb, sb)].into_iter().enumerate() {
                ui.allocate_ui(egui::vec2(width, height), |ui| {
                    ui.set_min_height(height);
                    ui.weak(format!("{}: {}", if k == 0 { "A" } else { "B" }, names[k]));
                    if let Some(v) = view {
                        ui.push_id(("review-side", k), |ui| v.ui(ui, &inputs[k], selection));
                    }
                });
            }
        }
        // Scrolled together: B follows A.
        if let [Some(a), Some(b)] = &mut self.views {
            b.set_offset(a.offset());
        }
    }

    /// The disagreement marks of `doc` on A's side (or B's), unfocused,
    /// with the item each one belongs to.
    fn overlays(&self, doc: &str, a_side: bool, dark: bool) -> (Vec<Overlay>, Vec<usize>) {
        self.items_of(doc)
            .iter()
            .map(|&i| (i, &self.adjudication.items[i]))
            .filter(|(_, item)| item.kind.is_disagreement())
            .filter_map(|(i, item)| {
                let span = if a_side { item.a.as_ref() } else { item.b.as_ref() }?;
                let overlay = Overlay {
                    range: span.range(),
                    fill: kind_colour(item.kind, dark).gamma_multiply(strength(false, dark)),
                    tip: item_tip(item),
                };
                Some((overlay, i))
            })
            .unzip()
    }

    /// A mark on the gold view where the item in focus is.
    pub fn gold_overlays(&self, doc: &str) -> Vec<Overlay> {
        self.current
            .and_then(|i| self.adjudication.items.get(i))
            .filter(|item| item.doc == doc)
            .map(|item| Overlay {
                range: item.start()..item.end(),
                fill: Color32::from_rgba_unmultiplied(255, 200, 0, 60),
                tip: item_tip(item),
            })
            .into_iter()
            .collect()
    }
}

fn figure_row(ui: &mut Ui, name: &str, f: &Figures) {
    ui.label(shorten(name, 20));
    for m in [&f.f1_exact, &f.f1_overlap, &f.kappa_char, &f.alpha_char, &f.alpha_u] {
        let r = ui.label(m.to_string());
        if let Some(why) = m.reason() {
            r.on_hover_text(why);
        }
    }
    ui.label(f.annotations_a.to_string());
    ui.label(f.annotations_b.to_string());
    ui.end_row();
}

/// `A: label [start, end) “text”`, or `A: —` for a side without an annotation.
fn side_text(side: &str, a: Option<&Annotation>, max: usize) -> String {
    match a {
        Some(a) => {
            // Values too: an "attributes differ" pair differs only there.
            let values: Vec<String> = a.attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let values = if values.is_empty() {
                String::new()
            } else {
                format!(" [{}]", values.join(", "))
            };
            format!(
                "{side}: {} [{}, {}) “{}”{values}",
                a.label,
                a.start,
                a.end,
                shorten(&a.text, max)
            )
        }
        None => format!("{side}: —"),
    }
}

fn side_line(ui: &mut Ui, side: &str, a: Option<&Annotation>) {
    let text = side_text(side, a, 60);
    if a.is_some() {
        ui.label(text);
    } else {
        ui.weak(text);
    }
}

fn item_tip(item: &Item) -> String {
    format!(
        "{}\n{}\n{}",
        item.kind.describe(),
        side_text("A", item.a.as_ref(), 80),
        side_text("B", item.b.as_ref(), 80)
    )
}

/// The report of the pair `(a, b)` of `names`.
fn pair_report<'r>(report: &'r Report, names: &[String], (a, b): (usize, usize)) -> Option<&'r PairReport> {
    report.pairs.iter().find(|p| p.a == names[a] && p.b == names[b])
}

/// Documents, most disagreement first, with their number of disagreements.
fn document_rows(pair: Option<&PairReport>) -> Vec<(String, usize)> {
    let Some(pair) = pair else { return Vec::new() };
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for d in &pair.disagreements {
        *counts.entry(d.doc.as_str()).or_default() += 1;
    }
    let mut docs: Vec<(&String, &Figures)> = pair.by_document.iter().collect();
    docs.sort_by(|x, y| y.1.disagreement().total_cmp(&x.1.disagreement()).then(x.0.cmp(y.0)));
    docs.into_iter()
        .map(|(doc, _)| (doc.clone(), counts.get(doc.as_str()).copied().unwrap_or(0)))
        .collect()
}

/// Each document's items, in order.
fn items_by_doc(adjudication: &Adjudication) -> HashMap<String, Vec<usize>> {
    let mut by_doc: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, item) in adjudication.items.iter().enumerate() {
        by_doc.entry(item.doc.clone()).or_default().push(i);
    }
    by_doc
}

fn relation_key(item: &RelationItem) -> PairKey {
    (item.a.as_ref().map(|x| x.id), item.b.as_ref().map(|y| y.id))
}

fn relations_by_doc(adjudication: &Adjudication) -> HashMap<String, Vec<usize>> {
    let mut out: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, item) in adjudication.relation_items.iter().enumerate() {
        out.entry(item.doc.clone()).or_default().push(i);
    }
    out
}

/// What a relation pair's kind means (a relation's "label" is its type).
fn relation_kind_text(kind: PairKind) -> &'static str {
    match kind {
        PairKind::Label => "type differs",
        other => other.describe(),
    }
}

/// The key that takes decision `d` in a review.
pub fn decision_key(d: Decision) -> &'static str {
    match d {
        Decision::AcceptA => "Alt+A",
        Decision::AcceptB => "Alt+B",
        Decision::AcceptBoth => "Alt+D",
        Decision::RejectBoth => "Alt+R",
    }
}
