//! Agreement on structure: relations and attribute values, over the
//! alignment of the spans the other figures use.
//!
//! A relation of A matches one of B when their types are the same and
//! both ends match: *exactly* (the ends are spans both annotators drew
//! identically: same label, same pieces) or *through the overlap
//! alignment* (ends aligned as the overlap span F1 aligns them: same
//! label, sharing characters). A symmetric type matches either way round.
//! Each relation matches at most one; F1 = 2·matched / (relations of A +
//! relations of B), overall and by type.
//!
//! Attribute values are compared on the aligned annotation pairs (the
//! overlap alignment) where both annotators gave the attribute: Cohen's
//! kappa and Krippendorff's alpha (nominal) over those pairs, and their
//! number. Values are compared as written (a multi-choice list as its
//! values joined by `|`).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::align::{Pair, PairKind};
use super::measures::{Contingency, Measure, SpanCounts};
use crate::model::{AnnotationId, Relation, Schema};

/// F1 of one relation type (or of all).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RelationF1 {
    pub f1_exact: Measure,
    pub f1_overlap: Measure,
}

/// The relation figures of a pair of annotators.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RelationFigures {
    pub f1_exact: Measure,
    pub f1_overlap: Measure,
    pub by_type: BTreeMap<String, RelationF1>,
    pub relations_a: usize,
    pub relations_b: usize,
}

/// The agreement on one attribute.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttributeFigures {
    pub kappa: Measure,
    pub alpha: Measure,
    /// Aligned pairs where both annotators gave the attribute.
    pub n: usize,
}

/// Counts gathered document by document.
#[derive(Default)]
pub(super) struct Tally {
    exact: BTreeMap<String, SpanCounts>,
    overlap: BTreeMap<String, SpanCounts>,
    /// Attribute key → (A's value, B's value) on aligned pairs.
    values: BTreeMap<String, Vec<(String, String)>>,
}

impl Tally {
    /// Adds one document: its span alignment and the relations of each
    /// side whose two ends are among the spans compared.
    pub(super) fn add(&mut self, pairs: &[Pair<'_>], a: &[&Relation], b: &[&Relation], schema: &Schema) {
        let mut exact: HashMap<AnnotationId, AnnotationId> = HashMap::new();
        let mut overlap: HashMap<AnnotationId, AnnotationId> = HashMap::new();
        for p in pairs {
            if let (Some(x), Some(y)) = (p.a, p.b) {
                match p.kind {
                    PairKind::Agree => {
                        exact.insert(x.id, y.id);
                        overlap.insert(x.id, y.id);
                    }
                    PairKind::Boundaries => {
                        overlap.insert(x.id, y.id);
                    }
                    _ => continue,
                }
                for (key, vx) in &x.attrs {
                    if let Some(vy) = y.attrs.get(key) {
                        self.values
                            .entry(key.clone())
                            .or_default()
                            .push((vx.to_string(), vy.to_string()));
                    }
                }
            }
        }
        for r in a {
            self.exact.entry(r.kind.clone()).or_default().a += 1;
            self.overlap.entry(r.kind.clone()).or_default().a += 1;
        }
        for r in b {
            self.exact.entry(r.kind.clone()).or_default().b += 1;
            self.overlap.entry(r.kind.clone()).or_default().b += 1;
        }
        for (map, counts) in [(&exact, &mut self.exact), (&overlap, &mut self.overlap)] {
            let mut free: HashMap<(&str, AnnotationId, AnnotationId), usize> = HashMap::new();
            for r in b {
                *free.entry((r.kind.as_str(), r.from, r.to)).or_default() += 1;
            }
            for r in a {
                let (Some(&from), Some(&to)) = (map.get(&r.from), map.get(&r.to)) else {
                    continue;
                };
                let symmetric = schema.relation_type(&r.kind).is_some_and(|t| t.symmetric);
                let mut keys = vec![(r.kind.as_str(), from, to)];
                if symmetric {
                    keys.push((r.kind.as_str(), to, from));
                }
                for key in keys {
                    if let Some(n) = free.get_mut(&key).filter(|n| **n > 0) {
                        *n -= 1;
                        counts.entry(r.kind.clone()).or_default().matched += 1;
                        break;
                    }
                }
            }
        }
    }

    pub(super) fn relations(&self) -> RelationFigures {
        let total = |m: &BTreeMap<String, SpanCounts>| {
            let mut t = SpanCounts::default();
            for c in m.values() {
                t.add(*c);
            }
            t
        };
        let (exact, overlap) = (total(&self.exact), total(&self.overlap));
        RelationFigures {
            f1_exact: exact.f1(),
            f1_overlap: overlap.f1(),
            by_type: self
                .exact
                .iter()
                .map(|(kind, e)| {
                    let o = self.overlap.get(kind).copied().unwrap_or_default();
                    (
                        kind.clone(),
                        RelationF1 {
                            f1_exact: e.f1(),
                            f1_overlap: o.f1(),
                        },
                    )
                })
                .collect(),
            relations_a: exact.a,
            relations_b: exact.b,
        }
    }

    pub(super) fn attributes(&self) -> BTreeMap<String, AttributeFigures> {
        self.values
            .iter()
            .map(|(key, pairs)| {
                let mut categories: Vec<&String> = pairs.iter().flat_map(|(x, y)| [x, y]).collect();
                categories.sort();
                categories.dedup();
                let index = |v: &String| categories.binary_search(&v).unwrap_or(0);
                let mut m = Contingency::new(categories.len());
                for (x, y) in pairs {
                    m.cells[index(x)][index(y)] += 1;
                }
                (
                    key.clone(),
                    AttributeFigures {
                        kappa: m.cohen_kappa(),
                        alpha: m.krippendorff_alpha(),
                        n: pairs.len(),
                    },
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::agreement::{Options, compare};
    use crate::model::{
        Annotation, AnnotationId, AttrValue, Colour, Document, Project, Relation, RelationType, Text, Timestamp,
    };

    const TEXT: &str = "Aliyev a dit que Bakou gagne. Pashinyan répond.";

    fn span(id: u64, pieces: &[(usize, usize)], label: &str, attrs: &[(&str, &str)]) -> Annotation {
        let mut a = Annotation {
            id: AnnotationId::from_u64(id),
            doc: "d".into(),
            label: label.into(),
            attrs: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), AttrValue::Text(v.to_string())))
                .collect(),
            ..Annotation::placeholder()
        };
        let ranges: Vec<_> = pieces.iter().map(|&(s, e)| s..e).collect();
        a.set_pieces(&ranges);
        a.text = crate::model::quote(&Text::new(TEXT), &a.pieces()).unwrap();
        a
    }

    fn rel(id: u64, kind: &str, from: u64, to: u64) -> Relation {
        Relation {
            id: AnnotationId::from_u64(id),
            doc: "d".into(),
            kind: kind.into(),
            from: AnnotationId::from_u64(from),
            to: AnnotationId::from_u64(to),
            attrs: Default::default(),
            note: String::new(),
            author: String::new(),
            created: Timestamp::from_unix(0),
            modified: Timestamp::from_unix(0),
            meta: Default::default(),
        }
    }

    fn project(spans: Vec<Annotation>, relations: Vec<Relation>) -> Project {
        let mut p = Project::new("p");
        p.documents.push(Document::new("d", "D", "d.txt", Text::new(TEXT)));
        p.schema.relation_types = ["claimant", "agent", "target"]
            .map(|id| RelationType {
                id: id.into(),
                name: id.into(),
                colour: Colour([0, 0, 0]),
                hotkey: None,
                from: Vec::new(),
                to: Vec::new(),
                symmetric: false,
                cardinality: Default::default(),
                guideline: String::new(),
            })
            .into();
        let mut p = Project::from_parts(p.name, p.schema, p.documents, spans);
        p.insert_relations(relations);
        p
    }

    /// Worked by hand. A: Aliyev, the claim "Bakou gagne", Pashinyan,
    /// the event "répond"; claimant(claim → Aliyev), target(claim →
    /// Pashinyan), agent(répond → Pashinyan). B: the two actors the same,
    /// the claim one character shorter (an overlap, not an exact match),
    /// no event; claimant(claim → Aliyev), target(claim → Aliyev).
    ///
    /// Exact: no relation of A has both ends matched exactly (the claim is
    /// not), so 0 of 3 + 2. Overlap: the claimant matches, the target
    /// points elsewhere, the agent has no event in B: F1 = 2·1 / (3 + 2) =
    /// 0.4. By type: claimant 2·1/(1+1) = 1, target 0, agent 0.
    /// `refers_to` on the two aligned actor pairs: (aliyev, aliyev) and
    /// (pashinyan, aliyev): p_o = 1/2, p_e = ½·1 + ½·0 = ½, kappa 0.
    #[test]
    fn relation_f1_and_attribute_kappa_worked_by_hand() {
        let a = project(
            vec![
                span(1, &[(0, 6)], "actor", &[("refers_to", "aliyev")]),
                span(2, &[(17, 28)], "claim", &[("polarity", "affirms")]),
                span(3, &[(30, 39)], "actor", &[("refers_to", "pashinyan")]),
                span(4, &[(40, 46)], "event", &[]),
            ],
            vec![
                rel(10, "claimant", 2, 1),
                rel(11, "target", 2, 3),
                rel(12, "agent", 4, 3),
            ],
        );
        let b = project(
            vec![
                span(21, &[(0, 6)], "actor", &[("refers_to", "aliyev")]),
                span(22, &[(17, 27)], "claim", &[("polarity", "affirms")]),
                span(23, &[(30, 39)], "actor", &[("refers_to", "aliyev")]),
            ],
            vec![rel(30, "claimant", 22, 21), rel(31, "target", 22, 21)],
        );
        let r = compare("a", &a, "b", &b, &Options::default());
        let v = |m: &crate::agreement::Measure| m.value().unwrap();
        assert_eq!((r.relations.relations_a, r.relations.relations_b), (3, 2));
        assert_eq!(v(&r.relations.f1_exact), 0.0);
        assert!((v(&r.relations.f1_overlap) - 0.4).abs() < 1e-12);
        assert_eq!(v(&r.relations.by_type["claimant"].f1_overlap), 1.0);
        assert_eq!(v(&r.relations.by_type["target"].f1_overlap), 0.0);
        assert_eq!(v(&r.relations.by_type["agent"].f1_overlap), 0.0);
        let refers = &r.attributes["refers_to"];
        assert_eq!(refers.n, 2);
        assert!(v(&refers.kappa).abs() < 1e-12, "{:?}", refers.kappa);
        let polarity = &r.attributes["polarity"];
        assert_eq!(polarity.n, 1);
        assert!(polarity.kappa.value().is_none(), "one category: undefined, not NaN");

        // The same relations exactly: F1 = 1 both ways.
        let same = compare("a", &a, "a", &a, &Options::default());
        assert_eq!(v(&same.relations.f1_exact), 1.0);
    }

    /// One interrupted quotation drawn the same by both is one match, not
    /// two; drawn with another second piece it is one overlap pair.
    #[test]
    fn a_discontinuous_span_is_one_unit() {
        let a = project(vec![span(1, &[(0, 6), (17, 28)], "claim", &[])], Vec::new());
        let same = project(vec![span(2, &[(0, 6), (17, 28)], "claim", &[])], Vec::new());
        let other = project(vec![span(3, &[(0, 6), (30, 39)], "claim", &[])], Vec::new());
        let split = project(
            vec![span(4, &[(0, 6)], "claim", &[]), span(5, &[(17, 28)], "claim", &[])],
            Vec::new(),
        );
        let r = compare("a", &a, "b", &same, &Options::default());
        assert_eq!((r.overall.annotations_a, r.overall.annotations_b), (1, 1));
        assert_eq!(r.overall.f1_exact.value(), Some(1.0));
        let r = compare("a", &a, "b", &other, &Options::default());
        assert_eq!(r.overall.f1_exact.value(), Some(0.0));
        assert_eq!(r.overall.f1_overlap.value(), Some(1.0));
        // Two plain spans where A drew one interrupted quotation: no exact
        // match, and only one of them can pair with it.
        let r = compare("a", &a, "b", &split, &Options::default());
        assert_eq!(r.overall.f1_exact.value(), Some(0.0));
        assert!((r.overall.f1_overlap.value().unwrap() - 2.0 / 3.0).abs() < 1e-12);
        // Characters of the gap are not the claim's.
        let gap = compare(
            "a",
            &a,
            "b",
            &project(vec![span(6, &[(0, 28)], "claim", &[])], Vec::new()),
            &Options::default(),
        );
        assert!(gap.overall.kappa_char.value().unwrap() < 1.0);
    }
}
