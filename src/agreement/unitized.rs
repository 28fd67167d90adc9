//! Krippendorff's unitized alpha (α_U), as defined in Krippendorff (1995,
//! "On the reliability of unitizing continuous data"; 2004, *Content
//! Analysis*, 2nd ed., §12.4) and implemented in DKPro Agreement
//! (`KrippendorffAlphaUnitizingAgreement`), for two annotators.
//!
//! The continuum is a text in code points. For one category, each
//! annotator's segmentation is their units of that category and the gaps
//! between them. Observed disagreement sums, over every pair of
//! intersecting segments of the two annotators, the distance δ²: for two
//! units, the squared differences of their starts plus of their ends; for a
//! unit lying inside the other's gap, its squared length; otherwise 0.
//! Expected disagreement considers every unitization possible with the
//! units and gaps observed. α_U = 1 − mean(D_o) / mean(D_e) over the
//! categories; per category, 1 − D_o / D_e.
//!
//! Units of one category by one annotator must not overlap: overlapping
//! ones are merged into their union first (adjacent ones stay apart).

use std::ops::Range;

use super::measures::Measure;

/// Sorts `spans` and merges those that overlap.
pub fn unitize(mut spans: Vec<Range<u64>>) -> Vec<Range<u64>> {
    spans.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<u64>> = Vec::with_capacity(spans.len());
    for r in spans {
        match out.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// A segment of a segmentation: a unit or a gap.
#[derive(Clone, Copy, Debug)]
struct Segment {
    start: u64,
    end: u64,
    unit: bool,
}

/// Units and the gaps between them, tiling `[0, length)`.
fn segmentation(units: &[Range<u64>], length: u64) -> Vec<Segment> {
    let mut out = Vec::with_capacity(2 * units.len() + 1);
    let mut at = 0;
    for u in units {
        if u.start > at {
            out.push(Segment {
                start: at,
                end: u.start,
                unit: false,
            });
        }
        out.push(Segment {
            start: u.start,
            end: u.end,
            unit: true,
        });
        at = u.end;
    }
    if at < length {
        out.push(Segment {
            start: at,
            end: length,
            unit: false,
        });
    }
    out
}

/// δ² of two intersecting segments.
fn distance(a: Segment, b: Segment) -> u128 {
    let sq = |x: i128| (x * x) as u128;
    match (a.unit, b.unit) {
        (true, true) => sq(a.start as i128 - b.start as i128) + sq(a.end as i128 - b.end as i128),
        (true, false) if b.start <= a.start && a.end <= b.end => sq((a.end - a.start) as i128),
        (false, true) if a.start <= b.start && b.end <= a.end => sq((b.end - b.start) as i128),
        _ => 0,
    }
}

/// Σ δ² over the intersecting segment pairs of the two segmentations.
fn observed_sum(a: &[Segment], b: &[Segment]) -> u128 {
    let (mut i, mut j, mut sum) = (0, 0, 0u128);
    while i < a.len() && j < b.len() {
        sum += distance(a[i], b[j]);
        match a[i].end.cmp(&b[j].end) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// Observed and expected disagreement of one category.
#[derive(Clone, Debug, PartialEq)]
pub struct Disagreement {
    pub observed: f64,
    /// `None` when nothing could be expected (no units at all, or a
    /// continuum too short).
    pub expected: Option<f64>,
}

/// The disagreements of two annotators' units (already unitized) of one
/// category over a continuum of `length` code points.
pub fn category_disagreement(a: &[Range<u64>], b: &[Range<u64>], length: u64) -> Disagreement {
    const R: u128 = 2;
    if length == 0 {
        return Disagreement {
            observed: 0.0,
            expected: None,
        };
    }
    let (sa, sb) = (segmentation(a, length), segmentation(b, length));
    let l = length as u128;
    // 2 / (R (R − 1) L²) · Σ δ², with R = 2.
    let observed = observed_sum(&sa, &sb) as f64 / (l * l) as f64;

    let units: Vec<u128> = a.iter().chain(b).map(|u| (u.end - u.start) as u128).collect();
    let mut gaps: Vec<u128> = sa
        .iter()
        .chain(&sb)
        .filter(|s| !s.unit)
        .map(|s| (s.end - s.start) as u128)
        .collect();
    gaps.sort_unstable();
    // suffix[k] = Σ gaps[k..].
    let mut suffix = vec![0u128; gaps.len() + 1];
    for k in (0..gaps.len()).rev() {
        suffix[k] = suffix[k + 1] + gaps[k];
    }
    let n_c = units.len() as u128;
    let mut numerator = 0u128;
    for &len in &units {
        // (N_c − 1)(2l³ − 3l² + l)/3 = (N_c − 1)·l(l − 1)(2l − 1)/3 (an integer).
        let within = (n_c - 1) * (len * (len - 1) * (2 * len - 1) / 3);
        // Σ over gaps g ≥ l of (g − l + 1).
        let k = gaps.partition_point(|&g| g < len);
        let count = (gaps.len() - k) as u128;
        let fits = suffix[k] - (len - 1) * count;
        numerator += within + len * len * fits;
    }
    let squared: u128 = units.iter().map(|&len| len * (len - 1)).sum();
    let denominator = (R * l * (R * l - 1)).checked_sub(squared);
    let expected = match denominator {
        Some(d) if d > 0 && !units.is_empty() => Some(2.0 * numerator as f64 / (l as f64 * d as f64)),
        _ => None,
    };
    Disagreement { observed, expected }
}

/// α_U of one category: 1 − D_o / D_e.
pub fn category_alpha(d: &Disagreement) -> Measure {
    match d.expected {
        Some(e) if e > 0.0 => Measure::Value(1.0 - d.observed / e),
        _ => Measure::undefined("no disagreement can be expected (no units, or nothing but units)"),
    }
}

/// α_U over categories: 1 − mean(D_o) / mean(D_e).
pub fn alpha(categories: &[Disagreement]) -> Measure {
    if categories.is_empty() {
        return Measure::undefined("no annotations in either file");
    }
    let n = categories.len() as f64;
    let observed: f64 = categories.iter().map(|d| d.observed).sum::<f64>() / n;
    let expected: f64 = categories.iter().map(|d| d.expected.unwrap_or(0.0)).sum::<f64>() / n;
    if expected <= 0.0 {
        return Measure::undefined("no disagreement can be expected");
    }
    Measure::Value(1.0 - observed / expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(list: &[(u64, u64)]) -> Vec<Range<u64>> {
        unitize(list.iter().map(|&(offset, len)| offset..offset + len).collect())
    }

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    /// Krippendorff (2004: 254): continuum [150, 450), two observers,
    /// categories c and k; shifted to start at 0.
    #[test]
    fn krippendorff_2004_example() {
        let shift = |v: &[(u64, u64)]| units(&v.iter().map(|&(o, l)| (o - 150, l)).collect::<Vec<_>>());
        let c_i = shift(&[(225, 70), (370, 30)]);
        let c_j = shift(&[(220, 80), (355, 20), (400, 20)]);
        let k_i = shift(&[(180, 60), (300, 50)]);
        let k_j = shift(&[(180, 60), (300, 50)]);
        let c = category_disagreement(&c_i, &c_j, 300);
        let k = category_disagreement(&k_i, &k_j, 300);
        assert!(close(c.observed, 0.0144, 0.0001), "{c:?}");
        assert!(close(c.expected.unwrap(), 0.0532, 0.0001), "{c:?}");
        assert!(close(category_alpha(&c).value().unwrap(), 0.7286, 0.0001));
        assert_eq!(k.observed, 0.0);
        assert!(close(k.expected.unwrap(), 0.0490, 0.0001), "{k:?}");
        assert!(close(category_alpha(&k).value().unwrap(), 1.0, 1e-12));
        assert!(close(alpha(&[c, k]).value().unwrap(), 0.8591, 0.0005));
    }

    /// The distances worked in Krippendorff (2004: 252–253).
    #[test]
    fn distances_of_the_worked_example() {
        let unit = |start, len| Segment {
            start,
            end: start + len,
            unit: true,
        };
        let gap = |start, len| Segment {
            start,
            end: start + len,
            unit: false,
        };
        assert_eq!(distance(unit(225, 70), unit(220, 80)), 50);
        assert_eq!(distance(unit(370, 30), unit(355, 20)), 850);
        assert_eq!(distance(gap(400, 50), unit(400, 20)), 400);
        assert_eq!(distance(unit(5, 6), unit(4, 2)), 26);
        assert_eq!(distance(unit(5, 6), unit(6, 4)), 2);
        assert_eq!(distance(unit(5, 6), gap(4, 7)) + distance(gap(2, 3), unit(2, 2)), 40);
    }

    /// Krippendorff (1995: 57), four pairs of coders on 24 units; observed
    /// disagreements as published (DKPro's tests), expected ones for the
    /// stretched continuum where the published approximation holds.
    #[test]
    fn krippendorff_1995_examples() {
        let a = category_disagreement(&units(&[(2, 8), (14, 6)]), &units(&[(4, 4), (15, 2)]), 24);
        let b = category_disagreement(
            &units(&[(0, 18)]),
            &units(&[(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)]),
            24,
        );
        let c = category_disagreement(
            &units(&[(2, 6), (10, 2), (14, 4), (20, 2)]),
            &units(&[(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)]),
            24,
        );
        let d = category_disagreement(
            &units(&[(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)]),
            &units(&[(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)]),
            24,
        );
        assert!(close(a.observed, 0.03125, 0.00001), "{a:?}");
        assert!(close(b.observed, 2.26736, 0.00001), "{b:?}");
        assert!(close(c.observed, 0.02777, 0.00001), "{c:?}");
        assert!(close(d.observed, 0.38715, 0.00001), "{d:?}");
        // Example C squeezed to half its length (DKPro's `createExample(0.5)`).
        let half = category_disagreement(
            &units(&[(1, 3), (5, 1), (7, 2), (10, 1)]),
            &units(&[(0, 1), (2, 2), (5, 2), (8, 1), (10, 1)]),
            12,
        );
        assert!(close(half.observed, 0.02777, 0.00001), "{half:?}");
        assert!(close(half.expected.unwrap(), 0.05494, 0.00001), "{half:?}");
        // Stretched 50,000 times, α_U per category approaches the values
        // Krippendorff reports: 0.553, −0.926, 0.679, 0.066.
        let s = 50_000;
        let stretch = |v: &[(u64, u64)]| units(&v.iter().map(|&(o, l)| (o * s, l * s)).collect::<Vec<_>>());
        let alpha_of = |x: &[(u64, u64)], y: &[(u64, u64)]| {
            category_alpha(&category_disagreement(&stretch(x), &stretch(y), 24 * s))
                .value()
                .unwrap()
        };
        assert!(close(alpha_of(&[(2, 8), (14, 6)], &[(4, 4), (15, 2)]), 0.553, 0.02));
        assert!(close(
            alpha_of(&[(0, 18)], &[(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)]),
            -0.926,
            0.02
        ));
        assert!(close(
            alpha_of(
                &[(2, 6), (10, 2), (14, 4), (20, 2)],
                &[(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)]
            ),
            0.679,
            0.02
        ));
        assert!(close(
            alpha_of(
                &[(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)],
                &[(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)]
            ),
            0.066,
            0.02
        ));
    }

    #[test]
    fn identical_unitizations_agree_perfectly_and_empty_ones_are_undefined() {
        let u = units(&[(3, 4), (10, 2)]);
        let d = category_disagreement(&u, &u, 40);
        assert_eq!(d.observed, 0.0);
        assert_eq!(category_alpha(&d), Measure::Value(1.0));
        assert!(alpha(&[]).reason().is_some());
        assert!(category_alpha(&category_disagreement(&[], &[], 40)).reason().is_some());
    }

    #[test]
    fn overlapping_units_of_one_annotator_are_merged() {
        assert_eq!(unitize(vec![5..9, 0..2, 2..3, 7..12]), vec![0..2, 2..3, 5..12]);
    }
}
