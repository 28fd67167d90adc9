//! Pairing two annotators' annotations of one document, for span F1, the
//! confusion matrix, the list of disagreements and adjudication.
//!
//! In order, each annotation taking part in one pair at most:
//! 1. **agree**: same start, end and label;
//! 2. **boundaries**: same label, overlapping spans, paired largest
//!    overlap first (then closest boundaries, then earliest);
//! 3. **label**: same start and end, different labels;
//! 4. what is left is **only in A** or **only in B**.
//!
//! Exact span F1 counts the pairs of 1; overlap F1 those of 1 and 2.

use std::collections::HashMap;

use serde::Serialize;

use crate::model::Annotation;

/// How two annotators' annotations relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PairKind {
    Agree,
    Boundaries,
    Label,
    OnlyA,
    OnlyB,
    /// Same span and label, other attribute values (adjudication only: the
    /// span figures count these as agreements).
    Attributes,
}

impl PairKind {
    /// True for everything but agreement.
    pub fn is_disagreement(self) -> bool {
        self != PairKind::Agree
    }

    pub fn describe(self) -> &'static str {
        match self {
            PairKind::Agree => "agree",
            PairKind::Boundaries => "boundaries differ",
            PairKind::Label => "label differs",
            PairKind::OnlyA => "only in A",
            PairKind::OnlyB => "only in B",
            PairKind::Attributes => "attributes differ",
        }
    }
}

/// One pair (or a lone annotation).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pair<'a> {
    pub kind: PairKind,
    pub a: Option<&'a Annotation>,
    pub b: Option<&'a Annotation>,
}

impl Pair<'_> {
    /// Where the pair starts (for ordering).
    pub fn start(&self) -> usize {
        self.a.iter().chain(&self.b).map(|x| x.start).min().unwrap_or(0)
    }

    pub fn end(&self) -> usize {
        self.a.iter().chain(&self.b).map(|x| x.end).max().unwrap_or(0)
    }
}

/// Pairs the annotations `a` and `b` (of one document), in order of position.
/// Code points two annotations share (their pieces, not their gaps).
pub fn overlap(x: &Annotation, y: &Annotation) -> usize {
    if !x.is_discontinuous() && !y.is_discontinuous() {
        return x.end.min(y.end).saturating_sub(x.start.max(y.start));
    }
    let (xs, ys) = (x.pieces(), y.pieces());
    xs.iter()
        .flat_map(|p| {
            ys.iter()
                .map(move |q| p.end.min(q.end).saturating_sub(p.start.max(q.start)))
        })
        .sum()
}

pub fn align<'a>(a: &[&'a Annotation], b: &[&'a Annotation]) -> Vec<Pair<'a>> {
    let mut a_used = vec![false; a.len()];
    let mut b_used = vec![false; b.len()];
    let mut pairs = Vec::new();
    let pair = |kind, i: Option<usize>, j: Option<usize>, pairs: &mut Vec<Pair<'a>>| {
        pairs.push(Pair {
            kind,
            a: i.map(|i| a[i]),
            b: j.map(|j| b[j]),
        });
    };

    // 1. Exact matches: a merge of both lists sorted by (start, end, label).
    // A discontinuous span is one unit: an exact match needs all the same
    // pieces (as bratiaa counts them), so the pieces are part of the key.
    fn key(x: &Annotation) -> (usize, usize, &str, &[(usize, usize)], crate::model::AnnotationId) {
        (x.start, x.end, x.label.as_str(), &x.fragments, x.id)
    }
    let mut ai: Vec<usize> = (0..a.len()).collect();
    let mut bi: Vec<usize> = (0..b.len()).collect();
    ai.sort_by(|&x, &y| key(a[x]).cmp(&key(a[y])));
    bi.sort_by(|&x, &y| key(b[x]).cmp(&key(b[y])));
    let (mut p, mut q) = (0, 0);
    while p < ai.len() && q < bi.len() {
        let (x, y) = (a[ai[p]], b[bi[q]]);
        match (x.start, x.end, &x.label, &x.fragments).cmp(&(y.start, y.end, &y.label, &y.fragments)) {
            std::cmp::Ordering::Less => p += 1,
            std::cmp::Ordering::Greater => q += 1,
            std::cmp::Ordering::Equal => {
                a_used[ai[p]] = true;
                b_used[bi[q]] = true;
                pair(PairKind::Agree, Some(ai[p]), Some(bi[q]), &mut pairs);
                p += 1;
                q += 1;
            }
        }
    }

    // 2. Same label, overlapping: candidates, then greedy by overlap.
    let mut by_label: HashMap<&str, Vec<usize>> = HashMap::new();
    for &j in bi.iter().filter(|&&j| !b_used[j]) {
        by_label.entry(b[j].label.as_str()).or_default().push(j);
    }
    // Each label's B list is sorted by start (bi was).
    let longest: HashMap<&str, usize> = by_label
        .iter()
        .map(|(l, js)| (*l, js.iter().map(|&j| b[j].len()).max().unwrap_or(0)))
        .collect();
    let mut candidates = Vec::new();
    for &i in ai.iter().filter(|&&i| !a_used[i]) {
        let x = a[i];
        let Some(js) = by_label.get(x.label.as_str()) else {
            continue;
        };
        // B spans overlapping x start after x.start − longest and before x.end.
        let from = x.start.saturating_sub(longest[x.label.as_str()]);
        let lo = js.partition_point(|&j| b[j].start < from);
        for &j in js[lo..].iter().take_while(|&&j| b[j].start < x.end) {
            let y = b[j];
            if y.end > x.start {
                let overlap = overlap(x, y);
                if overlap == 0 {
                    // Extents that cross without a shared character (the
                    // pieces of one fall in the gaps of the other).
                    continue;
                }
                let distance = x.start.abs_diff(y.start) + x.end.abs_diff(y.end);
                candidates.push((std::cmp::Reverse(overlap), distance, x.start, y.start, i, j));
            }
        }
    }
    candidates.sort_unstable();
    for (.., i, j) in candidates {
        if !a_used[i] && !b_used[j] {
            a_used[i] = true;
            b_used[j] = true;
            pair(PairKind::Boundaries, Some(i), Some(j), &mut pairs);
        }
    }

    // 3. Same span, another label.
    // Same pieces, any label.
    type Place<'p> = (usize, usize, &'p [(usize, usize)]);
    let mut by_span: HashMap<Place<'_>, Vec<usize>> = HashMap::new();
    for &j in bi.iter().rev().filter(|&&j| !b_used[j]) {
        by_span
            .entry((b[j].start, b[j].end, &b[j].fragments))
            .or_default()
            .push(j);
    }
    for &i in &ai {
        if a_used[i] {
            continue;
        }
        if let Some(j) = by_span
            .get_mut(&(a[i].start, a[i].end, &a[i].fragments))
            .and_then(Vec::pop)
        {
            a_used[i] = true;
            b_used[j] = true;
            pair(PairKind::Label, Some(i), Some(j), &mut pairs);
        }
    }

    // 4. The rest.
    for &i in ai.iter().filter(|&&i| !a_used[i]) {
        pair(PairKind::OnlyA, Some(i), None, &mut pairs);
    }
    for &j in bi.iter().filter(|&&j| !b_used[j]) {
        pair(PairKind::OnlyB, None, Some(j), &mut pairs);
    }
    pairs.sort_by_key(|p| (p.start(), p.end(), p.kind));
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::test_annotation as ann;
    use crate::model::AnnotationId;

    /// The pairs as (kind, A's id, B's id), ids given back as numbers.
    fn kinds(a: &[Annotation], b: &[Annotation]) -> Vec<(PairKind, Option<u64>, Option<u64>)> {
        let a: Vec<&Annotation> = a.iter().collect();
        let b: Vec<&Annotation> = b.iter().collect();
        let number = |x: Option<&Annotation>| x.and_then(|x| (0..100).find(|&n| AnnotationId::from_u64(n) == x.id));
        align(&a, &b)
            .into_iter()
            .map(|p| (p.kind, number(p.a), number(p.b)))
            .collect()
    }

    #[test]
    fn every_kind_of_pair() {
        let a = [
            ann(1, 0, 5, "actor"),
            ann(2, 10, 20, "event"),
            ann(3, 30, 35, "actor"),
            ann(4, 50, 60, "claim"),
        ];
        let b = [
            ann(11, 0, 5, "actor"),
            ann(12, 12, 20, "event"),
            ann(13, 30, 35, "claim"),
            ann(14, 70, 75, "actor"),
        ];
        assert_eq!(
            kinds(&a, &b),
            [
                (PairKind::Agree, Some(1), Some(11)),
                (PairKind::Boundaries, Some(2), Some(12)),
                (PairKind::Label, Some(3), Some(13)),
                (PairKind::OnlyA, Some(4), None),
                (PairKind::OnlyB, None, Some(14)),
            ]
        );
    }

    #[test]
    fn each_annotation_is_paired_once_largest_overlap_first() {
        // B's [0, 10) overlaps A's [0, 4) by 4 and A's [2, 12) by 8.
        let a = [ann(1, 0, 4, "actor"), ann(2, 2, 12, "actor")];
        let b = [ann(11, 0, 10, "actor")];
        assert_eq!(
            kinds(&a, &b),
            [
                (PairKind::OnlyA, Some(1), None),
                (PairKind::Boundaries, Some(2), Some(11))
            ]
        );
        // Duplicates pair one to one.
        let a = [ann(1, 0, 4, "actor"), ann(2, 0, 4, "actor")];
        let b = [ann(11, 0, 4, "actor")];
        let k = kinds(&a, &b);
        assert_eq!(k.iter().filter(|p| p.0 == PairKind::Agree).count(), 1);
        assert_eq!(k.iter().filter(|p| p.0 == PairKind::OnlyA).count(), 1);
    }
}
