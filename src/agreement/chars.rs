//! Character-level categories: each non-whitespace code point of a
//! document gets the label of the annotation covering it (the shortest,
//! where one annotator's annotations overlap), or `O` (category 0).

use super::measures::Contingency;
use crate::model::{Annotation, Text};

/// The category of every code point of a text of `length` code points:
/// 0 for none, `1 + index` of the label in `labels` otherwise. Where
/// annotations overlap the shortest decides (then the earlier label).
pub fn categories(length: usize, annotations: &[&Annotation], labels: &[String]) -> Vec<u16> {
    let mut out = vec![0u16; length];
    let mut painted: Vec<(usize, u16, usize, usize)> = annotations
        .iter()
        .filter_map(|a| {
            let k = labels.iter().position(|l| *l == a.label)?;
            Some((a, (k + 1) as u16))
        })
        // A discontinuous span paints its pieces, not its gaps (its size
        // still orders it as one unit).
        .flat_map(|(a, k)| {
            a.pieces()
                .into_iter()
                .map(move |p| (a.covered_len(), k, p.start, p.end.min(length)))
        })
        .collect();
    // Longest first, so that shorter ones paint over them; at equal
    // lengths the earlier label paints last and wins.
    painted.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(y.1.cmp(&x.1)));
    for (_, k, start, end) in painted {
        if start < end {
            out[start..end].fill(k);
        }
    }
    out
}

/// The contingency of two annotators' categories over the non-whitespace
/// code points of `text`.
pub fn contingency(text: &Text, a: &[u16], b: &[u16], categories: usize) -> Contingency {
    let mut m = Contingency::new(categories);
    for (i, c) in text.as_str().chars().enumerate() {
        if !c.is_whitespace() {
            m.cells[a[i] as usize][b[i] as usize] += 1;
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::test_annotation;

    fn ann(start: usize, end: usize, label: &str) -> Annotation {
        test_annotation(start as u64 * 100 + end as u64, start, end, label)
    }

    #[test]
    fn the_shortest_covering_annotation_decides() {
        let labels = vec!["event".to_owned(), "actor".to_owned()];
        let (outer, inner) = (ann(0, 8, "event"), ann(2, 4, "actor"));
        let cats = categories(10, &[&outer, &inner], &labels);
        assert_eq!(cats, [1, 1, 2, 2, 1, 1, 1, 1, 0, 0]);
    }

    #[test]
    fn whitespace_is_not_counted() {
        let t = Text::new("ab c\u{a0}d");
        let a = [1, 1, 0, 1, 0, 0];
        let b = [1, 0, 1, 0, 0, 0];
        let m = contingency(&t, &a, &b, 2);
        // Counted: a, b, c, d (the space and the no-break space are not).
        assert_eq!(m.cells, vec![vec![1, 0], vec![2, 1]]);
    }
}
