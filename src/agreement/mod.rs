//! Inter-annotator agreement: how far two (or more) annotators' copies of
//! a project agree, per document, per label and overall.
//!
//! Documents are matched across files by the hash of their text (then by
//! id, when the text is the same); documents in one file only, or whose
//! text differs, are listed and left out. For every pair of annotators:
//!
//! - span F1, exact and overlapping ([`align`](mod@align)), with precision and recall
//!   taking the first file as the reference, micro and macro over labels;
//! - Cohen's kappa and Krippendorff's alpha (nominal) over the
//!   non-whitespace code points ([`chars`], [`measures`]); per label, the
//!   label against everything else;
//! - Krippendorff's unitized alpha α_U ([`unitized`]); overall, the shared
//!   documents are one continuum, end to end;
//! - the confusion of labels on identical spans, and every disagreement;
//! - relation F1 (exact and through the overlap alignment, by type) and
//!   kappa and alpha per attribute ([`structure`](mod@structure)).
//!
//! A discontinuous span is one unit in every span measure: an exact match
//! needs the same label and all the same pieces (as brat's own agreement
//! tool, bratiaa, counts), overlap counts shared characters of the pieces,
//! and the character-level figures count the pieces, not the gaps.
//!
//! A figure that cannot be computed (no annotations, one category) is a
//! [`Measure::Undefined`] with its reason, never NaN.
//!
//! [`adjudicate`] turns the same alignment into decisions that build one
//! gold project out of two copies.

pub mod adjudicate;
pub mod align;
pub mod chars;
pub mod measures;
pub mod structure;
pub mod unitized;

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;
use serde::ser::SerializeMap;

pub use align::{Pair, PairKind, align};
pub use measures::{Contingency, Measure, SpanCounts};

use crate::model::{Annotation, Document, Project};

/// What to compare.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Only these labels (all if `None`).
    pub labels: Option<Vec<String>>,
}

/// A document both files hold, with the same text.
#[derive(Clone, Copy, Debug)]
pub struct SharedDocument<'p> {
    pub a: &'p Document,
    pub b: &'p Document,
}

/// How the documents of two files correspond.
#[derive(Clone, Debug, Default)]
pub struct DocumentMatching<'p> {
    pub shared: Vec<SharedDocument<'p>>,
    /// In A only (by id).
    pub only_a: Vec<String>,
    pub only_b: Vec<String>,
    /// Same id, different text: not comparable.
    pub differing: Vec<String>,
}

/// Matches the documents of `a` and `b`: by text hash first, then by id.
pub fn match_documents<'p>(a: &'p Project, b: &'p Project) -> DocumentMatching<'p> {
    let mut m = DocumentMatching::default();
    let mut b_taken = vec![false; b.documents.len()];
    for da in &a.documents {
        let by_hash = b
            .documents
            .iter()
            .enumerate()
            .find(|(j, db)| !b_taken[*j] && db.hash == da.hash && db.id == da.id)
            .or_else(|| {
                b.documents
                    .iter()
                    .enumerate()
                    .find(|(j, db)| !b_taken[*j] && db.hash == da.hash)
            });
        match by_hash {
            Some((j, db)) => {
                b_taken[j] = true;
                m.shared.push(SharedDocument { a: da, b: db });
            }
            None => {
                if b.documents.iter().any(|db| db.id == da.id) {
                    m.differing.push(da.id.clone());
                } else {
                    m.only_a.push(da.id.clone());
                }
            }
        }
    }
    for (j, db) in b.documents.iter().enumerate() {
        if !b_taken[j] && !m.differing.contains(&db.id) {
            m.only_b.push(db.id.clone());
        }
    }
    m
}

/// The figures of one pair over some part (all, a label, a document).
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    pub f1_exact: Measure,
    pub f1_overlap: Measure,
    pub kappa_char: Measure,
    pub alpha_char: Measure,
    pub alpha_u: Measure,
    pub precision_exact: Measure,
    pub recall_exact: Measure,
    pub precision_overlap: Measure,
    pub recall_overlap: Measure,
    /// Annotations of A and of B counted.
    pub annotations_a: usize,
    pub annotations_b: usize,
}

impl Figures {
    fn new(exact: SpanCounts, overlap: SpanCounts, chars: &Contingency, alpha_u: Measure) -> Figures {
        Figures {
            f1_exact: exact.f1(),
            f1_overlap: overlap.f1(),
            kappa_char: chars.cohen_kappa(),
            alpha_char: chars.krippendorff_alpha(),
            alpha_u,
            precision_exact: exact.precision(),
            recall_exact: exact.recall(),
            precision_overlap: overlap.precision(),
            recall_overlap: overlap.recall(),
            annotations_a: exact.a,
            annotations_b: exact.b,
        }
    }

    /// The figures by name, in JSON order.
    pub fn named(&self) -> [(&'static str, &Measure); 9] {
        [
            ("f1_exact", &self.f1_exact),
            ("f1_overlap", &self.f1_overlap),
            ("kappa_char", &self.kappa_char),
            ("alpha_char", &self.alpha_char),
            ("alpha_u", &self.alpha_u),
            ("precision_exact", &self.precision_exact),
            ("recall_exact", &self.recall_exact),
            ("precision_overlap", &self.precision_overlap),
            ("recall_overlap", &self.recall_overlap),
        ]
    }

    /// How much the pair disagrees here, for sorting (1 − overlap F1, or
    /// 1 − kappa when there are no spans).
    pub fn disagreement(&self) -> f64 {
        1.0 - self.f1_overlap.value().or(self.kappa_char.value()).unwrap_or(1.0)
    }
}

/// `{"f1_exact": 0.8, ..., "annotations_a": 12, "annotations_b": 11,
/// "undefined": {"kappa_char": "why"}}` (`undefined` only when needed).
impl Serialize for Figures {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_with_counts(serializer, true)
    }
}

impl Figures {
    fn serialize_with_counts<S: serde::Serializer>(&self, serializer: S, counts: bool) -> Result<S::Ok, S::Error> {
        let named = self.named();
        let undefined: BTreeMap<&str, &str> = named.iter().filter_map(|(k, m)| Some((*k, m.reason()?))).collect();
        let mut map = serializer.serialize_map(None)?;
        for (k, m) in named {
            map.serialize_entry(k, m)?;
        }
        if counts {
            map.serialize_entry("annotations_a", &self.annotations_a)?;
            map.serialize_entry("annotations_b", &self.annotations_b)?;
        }
        if !undefined.is_empty() {
            map.serialize_entry("undefined", &undefined)?;
        }
        map.end()
    }
}

/// The mean of the pairs' overall figures (no annotation counts).
#[derive(Clone, Debug, PartialEq)]
pub struct Means(pub Figures);

impl Serialize for Means {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_with_counts(serializer, false)
    }
}

/// A span in a disagreement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpanRef {
    pub id: String,
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub text: String,
}

impl From<&Annotation> for SpanRef {
    fn from(a: &Annotation) -> SpanRef {
        SpanRef {
            id: a.id.to_string(),
            start: a.start,
            end: a.end,
            label: a.label.clone(),
            text: a.text.clone(),
        }
    }
}

/// One disagreement, in A's document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Disagreement {
    pub doc: String,
    pub kind: PairKind,
    pub a: Option<SpanRef>,
    pub b: Option<SpanRef>,
}

/// Everything about one pair of annotators.
#[derive(Clone, Debug, Serialize)]
pub struct PairReport {
    pub a: String,
    pub b: String,
    pub overall: Figures,
    /// Mean over labels of the per-label F1.
    pub f1_exact_macro: Measure,
    pub f1_overlap_macro: Measure,
    pub by_label: BTreeMap<String, Figures>,
    pub by_document: BTreeMap<String, Figures>,
    /// A's label → B's label → count, over pairs with the same span.
    pub confusion: BTreeMap<String, BTreeMap<String, u64>>,
    pub disagreements: Vec<Disagreement>,
    /// Shared documents (A's ids), in A's order.
    pub documents: Vec<String>,
    pub only_in_a: Vec<String>,
    pub only_in_b: Vec<String>,
    /// Same id, different text: left out.
    pub text_differs: Vec<String>,
    /// The labels compared, in order.
    pub labels: Vec<String>,
    /// Relation F1 over the relations whose two ends are compared spans.
    pub relations: structure::RelationFigures,
    /// Attribute key → kappa, alpha and the number of aligned pairs.
    pub attributes: BTreeMap<String, structure::AttributeFigures>,
}

/// The figures of every pair, and their means.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub pairs: Vec<PairReport>,
    pub mean: Means,
}

/// The labels compared: those used in the shared documents (and chosen),
/// in A's schema order, then B's, then the rest.
fn labels_compared(a: &Project, b: &Project, used: &[&Annotation], options: &Options) -> Vec<String> {
    let mut order: Vec<String> = Vec::new();
    let schema = a.schema.labels.iter().chain(&b.schema.labels).map(|l| l.id.clone());
    let mut rest: Vec<String> = used.iter().map(|x| x.label.clone()).collect();
    rest.sort();
    for label in schema.chain(rest) {
        let chosen = options.labels.as_ref().is_none_or(|ls| ls.contains(&label));
        if chosen && !order.contains(&label) && used.iter().any(|x| x.label == label) {
            order.push(label);
        }
    }
    order
}

/// Per-label accumulators.
#[derive(Clone, Default)]
struct LabelCounts {
    exact: SpanCounts,
    overlap: SpanCounts,
}

/// Compares annotator `a` with annotator `b` (named for the report).
pub fn compare(a_name: &str, a: &Project, b_name: &str, b: &Project, options: &Options) -> PairReport {
    let matching = match_documents(a, b);
    let chosen = |x: &&Annotation| options.labels.as_ref().is_none_or(|ls| ls.contains(&x.label));
    let per_doc: Vec<(SharedDocument, Vec<&Annotation>, Vec<&Annotation>)> = matching
        .shared
        .iter()
        .map(|s| {
            let xs: Vec<&Annotation> = a.annotations_of(&s.a.id).iter().filter(chosen).collect();
            let ys: Vec<&Annotation> = b.annotations_of(&s.b.id).iter().filter(chosen).collect();
            (*s, xs, ys)
        })
        .collect();
    let all: Vec<&Annotation> = per_doc
        .iter()
        .flat_map(|(_, x, y)| x.iter().chain(y).copied())
        .collect();
    let labels = labels_compared(a, b, &all, options);
    let k = labels.len() + 1;
    let label_index = |l: &str| labels.iter().position(|x| x == l);

    let mut label_counts = vec![LabelCounts::default(); labels.len()];
    let mut chars_total = Contingency::new(k);
    let mut confusion: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut disagreements = Vec::new();
    let mut by_document = BTreeMap::new();
    // Units of each label on the continuum of all shared documents, end to end.
    let mut units_a: Vec<Vec<Range<u64>>> = vec![Vec::new(); labels.len()];
    let mut units_b: Vec<Vec<Range<u64>>> = vec![Vec::new(); labels.len()];
    let mut offset = 0u64;
    let mut structure_tally = structure::Tally::default();

    for (shared, xs, ys) in &per_doc {
        let doc = shared.a;
        let mut doc_counts = vec![LabelCounts::default(); labels.len()];
        for x in xs {
            if let Some(i) = label_index(&x.label) {
                doc_counts[i].exact.a += 1;
                doc_counts[i].overlap.a += 1;
            }
        }
        for y in ys {
            if let Some(i) = label_index(&y.label) {
                doc_counts[i].exact.b += 1;
                doc_counts[i].overlap.b += 1;
            }
        }
        let pairs = align(xs, ys);
        let ends = |list: &[&Annotation]| list.iter().map(|x| x.id).collect::<std::collections::HashSet<_>>();
        let (ids_a, ids_b) = (ends(xs), ends(ys));
        let rel_a: Vec<&crate::model::Relation> = a
            .relations_of(&shared.a.id)
            .iter()
            .filter(|r| ids_a.contains(&r.from) && ids_a.contains(&r.to))
            .collect();
        let rel_b: Vec<&crate::model::Relation> = b
            .relations_of(&shared.b.id)
            .iter()
            .filter(|r| ids_b.contains(&r.from) && ids_b.contains(&r.to))
            .collect();
        structure_tally.add(&pairs, &rel_a, &rel_b, &a.schema);
        for pair in pairs {
            match (pair.kind, pair.a, pair.b) {
                (PairKind::Agree, Some(x), Some(_)) => {
                    if let Some(i) = label_index(&x.label) {
                        doc_counts[i].exact.matched += 1;
                        doc_counts[i].overlap.matched += 1;
                    }
                    *confusion
                        .entry(x.label.clone())
                        .or_default()
                        .entry(x.label.clone())
                        .or_default() += 1;
                }
                (PairKind::Boundaries, Some(x), Some(_)) => {
                    if let Some(i) = label_index(&x.label) {
                        doc_counts[i].overlap.matched += 1;
                    }
                }
                (PairKind::Label, Some(x), Some(y)) => {
                    *confusion
                        .entry(x.label.clone())
                        .or_default()
                        .entry(y.label.clone())
                        .or_default() += 1;
                }
                _ => {}
            }
            if pair.kind.is_disagreement() {
                disagreements.push(Disagreement {
                    doc: doc.id.clone(),
                    kind: pair.kind,
                    a: pair.a.map(SpanRef::from),
                    b: pair.b.map(SpanRef::from),
                });
            }
        }
        let length = doc.text.len_chars();
        let ca = chars::categories(length, xs, &labels);
        let cb = chars::categories(length, ys, &labels);
        let doc_chars = chars::contingency(&doc.text, &ca, &cb, k);
        chars_total.add(&doc_chars);

        let mut doc_disagreements = Vec::new();
        for (i, label) in labels.iter().enumerate() {
            let spans = |list: &[&Annotation]| -> Vec<Range<u64>> {
                list.iter()
                    .filter(|x| x.label == *label)
                    .flat_map(|x| x.pieces())
                    .map(|p| p.start as u64..p.end as u64)
                    .collect()
            };
            let (ua, ub) = (unitized::unitize(spans(xs)), unitized::unitize(spans(ys)));
            if !ua.is_empty() || !ub.is_empty() {
                doc_disagreements.push(unitized::category_disagreement(&ua, &ub, length as u64));
            }
            units_a[i].extend(ua.iter().map(|r| r.start + offset..r.end + offset));
            units_b[i].extend(ub.iter().map(|r| r.start + offset..r.end + offset));
            label_counts[i].exact.add(doc_counts[i].exact);
            label_counts[i].overlap.add(doc_counts[i].overlap);
        }
        offset += length as u64;
        let (mut exact, mut overlap) = (SpanCounts::default(), SpanCounts::default());
        for c in &doc_counts {
            exact.add(c.exact);
            overlap.add(c.overlap);
        }
        by_document.insert(
            doc.id.clone(),
            Figures::new(exact, overlap, &doc_chars, unitized::alpha(&doc_disagreements)),
        );
    }

    let mut by_label = BTreeMap::new();
    let mut label_disagreements = Vec::new();
    let (mut exact, mut overlap) = (SpanCounts::default(), SpanCounts::default());
    for (i, label) in labels.iter().enumerate() {
        let d = unitized::category_disagreement(&units_a[i], &units_b[i], offset);
        let c = &label_counts[i];
        exact.add(c.exact);
        overlap.add(c.overlap);
        by_label.insert(
            label.clone(),
            Figures::new(
                c.exact,
                c.overlap,
                &chars_total.binary(i + 1),
                unitized::category_alpha(&d),
            ),
        );
        label_disagreements.push(d);
    }
    let overall = Figures::new(exact, overlap, &chars_total, unitized::alpha(&label_disagreements));
    let f1_exact_macro = Measure::mean(by_label.values().map(|f| &f.f1_exact), "label's exact F1");
    let f1_overlap_macro = Measure::mean(by_label.values().map(|f| &f.f1_overlap), "label's overlap F1");
    PairReport {
        a: a_name.to_owned(),
        b: b_name.to_owned(),
        overall,
        f1_exact_macro,
        f1_overlap_macro,
        by_label,
        by_document,
        confusion,
        disagreements,
        documents: matching.shared.iter().map(|s| s.a.id.clone()).collect(),
        only_in_a: matching.only_a,
        only_in_b: matching.only_b,
        text_differs: matching.differing,
        labels,
        relations: structure_tally.relations(),
        attributes: structure_tally.attributes(),
    }
}

/// Compares every pair of `annotators` (name, project), and averages.
pub fn agree(annotators: &[(String, &Project)], options: &Options) -> Report {
    let mut pairs = Vec::new();
    for (i, (na, pa)) in annotators.iter().enumerate() {
        for (nb, pb) in &annotators[i + 1..] {
            pairs.push(compare(na, pa, nb, pb, options));
        }
    }
    let mean_of = |f: fn(&Figures) -> &Measure, what: &str| Measure::mean(pairs.iter().map(|p| f(&p.overall)), what);
    let mean = Means(Figures {
        f1_exact: mean_of(|f| &f.f1_exact, "pair's exact F1"),
        f1_overlap: mean_of(|f| &f.f1_overlap, "pair's overlap F1"),
        kappa_char: mean_of(|f| &f.kappa_char, "pair's kappa"),
        alpha_char: mean_of(|f| &f.alpha_char, "pair's alpha"),
        alpha_u: mean_of(|f| &f.alpha_u, "pair's alpha_U"),
        precision_exact: mean_of(|f| &f.precision_exact, "pair's precision"),
        recall_exact: mean_of(|f| &f.recall_exact, "pair's recall"),
        precision_overlap: mean_of(|f| &f.precision_overlap, "pair's precision"),
        recall_overlap: mean_of(|f| &f.recall_overlap, "pair's recall"),
        annotations_a: 0,
        annotations_b: 0,
    });
    Report { pairs, mean }
}

/// An annotation of document "d" with only what the measures look at
/// (id, span, label), for the unit tests of the submodules.
#[cfg(test)]
pub(crate) fn test_annotation(id: u64, start: usize, end: usize, label: &str) -> Annotation {
    Annotation {
        id: crate::model::AnnotationId::from_u64(id),
        doc: "d".into(),
        start,
        end,
        label: label.into(),
        text: String::new(),
        note: String::new(),
        author: String::new(),
        created: crate::model::Timestamp::from_unix(0),
        modified: crate::model::Timestamp::from_unix(0),
        meta: Default::default(),
        attrs: Default::default(),
        fragments: Default::default(),
    }
}
