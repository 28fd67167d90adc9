//! The coefficients themselves, from counts: span F1 with precision and
//! recall, Cohen's kappa and Krippendorff's alpha (nominal) from a
//! contingency matrix. Undefined cases say why instead of returning NaN.

use serde::Serialize;

/// A figure, or why it has no value.
#[derive(Clone, Debug, PartialEq)]
pub enum Measure {
    Value(f64),
    Undefined(String),
}

impl Measure {
    pub fn undefined(reason: impl Into<String>) -> Measure {
        Measure::Undefined(reason.into())
    }

    pub fn value(&self) -> Option<f64> {
        match self {
            Measure::Value(v) => Some(*v),
            Measure::Undefined(_) => None,
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            Measure::Value(_) => None,
            Measure::Undefined(r) => Some(r),
        }
    }

    /// The mean of the defined values (undefined if there are none).
    pub fn mean<'a>(measures: impl IntoIterator<Item = &'a Measure>, what: &str) -> Measure {
        let values: Vec<f64> = measures.into_iter().filter_map(Measure::value).collect();
        if values.is_empty() {
            Measure::undefined(format!("no {what} has a value"))
        } else {
            Measure::Value(values.iter().sum::<f64>() / values.len() as f64)
        }
    }
}

impl std::fmt::Display for Measure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Measure::Value(v) => write!(f, "{v:.3}"),
            Measure::Undefined(_) => f.write_str("—"),
        }
    }
}

/// In JSON, a number or `null` (the reason goes beside it).
impl Serialize for Measure {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Measure::Value(v) => serializer.serialize_f64(*v),
            Measure::Undefined(_) => serializer.serialize_none(),
        }
    }
}

/// Span matching counts: `a` and `b` spans, `matched` pairs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SpanCounts {
    pub a: usize,
    pub b: usize,
    pub matched: usize,
}

impl SpanCounts {
    pub fn add(&mut self, other: SpanCounts) {
        self.a += other.a;
        self.b += other.b;
        self.matched += other.matched;
    }

    /// 2·matched / (a + b).
    pub fn f1(&self) -> Measure {
        if self.a + self.b == 0 {
            return Measure::undefined("neither file has annotations here");
        }
        Measure::Value(2.0 * self.matched as f64 / (self.a + self.b) as f64)
    }

    /// Matched / b: the part of B's spans that A (the reference) has.
    pub fn precision(&self) -> Measure {
        if self.b == 0 {
            return Measure::undefined("the second file has no annotations here");
        }
        Measure::Value(self.matched as f64 / self.b as f64)
    }

    /// Matched / a: the part of A's spans that B found.
    pub fn recall(&self) -> Measure {
        if self.a == 0 {
            return Measure::undefined("the first file (the reference) has no annotations here");
        }
        Measure::Value(self.matched as f64 / self.a as f64)
    }
}

/// A square contingency matrix: `cells[i][j]` counts items that the first
/// annotator put in category `i` and the second in category `j`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contingency {
    pub cells: Vec<Vec<u64>>,
}

impl Contingency {
    pub fn new(categories: usize) -> Contingency {
        Contingency {
            cells: vec![vec![0; categories]; categories],
        }
    }

    pub fn add(&mut self, other: &Contingency) {
        for (row, other_row) in self.cells.iter_mut().zip(&other.cells) {
            for (c, o) in row.iter_mut().zip(other_row) {
                *c += o;
            }
        }
    }

    fn total(&self) -> u64 {
        self.cells.iter().flatten().sum()
    }

    fn diagonal(&self) -> u64 {
        (0..self.cells.len()).map(|i| self.cells[i][i]).sum()
    }

    fn row_sums(&self) -> Vec<u64> {
        self.cells.iter().map(|r| r.iter().sum()).collect()
    }

    fn column_sums(&self) -> Vec<u64> {
        (0..self.cells.len())
            .map(|j| self.cells.iter().map(|r| r[j]).sum())
            .collect()
    }

    /// The 2×2 matrix of category `k` against all others.
    pub fn binary(&self, k: usize) -> Contingency {
        let mut m = Contingency::new(2);
        for (i, row) in self.cells.iter().enumerate() {
            for (j, &n) in row.iter().enumerate() {
                m.cells[usize::from(i != k)][usize::from(j != k)] += n;
            }
        }
        m
    }

    /// Cohen's kappa: (p_o − p_e) / (1 − p_e), with p_e from each
    /// annotator's own marginals.
    pub fn cohen_kappa(&self) -> Measure {
        let n = self.total();
        if n == 0 {
            return Measure::undefined("no characters to compare");
        }
        let n = n as f64;
        let p_o = self.diagonal() as f64 / n;
        let p_e: f64 = self
            .row_sums()
            .iter()
            .zip(self.column_sums())
            .map(|(&r, c)| (r as f64 / n) * (c as f64 / n))
            .sum();
        if (1.0 - p_e).abs() < 1e-12 {
            return Measure::undefined(
                "both annotators put every character in the same single category (chance agreement is 1)",
            );
        }
        Measure::Value((p_o - p_e) / (1.0 - p_e))
    }

    /// Krippendorff's alpha, nominal, for two coders and no missing
    /// values: 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k, from the
    /// coincidence matrix o (each item counted in both orders).
    pub fn krippendorff_alpha(&self) -> Measure {
        let items = self.total();
        if items == 0 {
            return Measure::undefined("no characters to compare");
        }
        let n = 2 * items as u128;
        let rows = self.row_sums();
        let cols = self.column_sums();
        let totals: Vec<u128> = rows.iter().zip(&cols).map(|(&r, &c)| (r + c) as u128).collect();
        let disagreeing = 2 * (items - self.diagonal()) as u128;
        let expected = n * n - totals.iter().map(|t| t * t).sum::<u128>();
        if expected == 0 {
            return Measure::undefined("only one category was used (no expected disagreement)");
        }
        Measure::Value(1.0 - (n - 1) as f64 * disagreeing as f64 / expected as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(pairs: &[(usize, usize)], k: usize) -> Contingency {
        let mut m = Contingency::new(k);
        for &(a, b) in pairs {
            m.cells[a][b] += 1;
        }
        m
    }

    /// Krippendorff (1995), example A, digitized (24 units, two coders),
    /// with the published kappa 0.385 and alpha 0.329 (as DKPro's tests).
    fn example_a() -> Contingency {
        let bertha = "001111111100001111110000";
        let bill = "000011110000000110000000";
        let pairs: Vec<(usize, usize)> = bertha
            .bytes()
            .zip(bill.bytes())
            .map(|(a, b)| ((a - b'0') as usize, (b - b'0') as usize))
            .collect();
        matrix(&pairs, 2)
    }

    #[test]
    fn kappa_and_alpha_match_published_values() {
        let m = example_a();
        assert!((m.cohen_kappa().value().unwrap() - 0.385).abs() < 0.001);
        assert!((m.krippendorff_alpha().value().unwrap() - 0.329).abs() < 0.001);
    }

    #[test]
    fn kappa_worked_by_hand() {
        // 10 items: 4 both X, 3 both O, 2 A=X B=O, 1 A=O B=X.
        // p_o = 0.7; p_e = 0.6·0.5 + 0.4·0.5 = 0.5; kappa = 0.4.
        let m = matrix(
            &[(1, 1); 4]
                .iter()
                .chain(&[(0, 0); 3])
                .chain(&[(1, 0); 2])
                .chain(&[(0, 1)])
                .copied()
                .collect::<Vec<_>>(),
            2,
        );
        assert!((m.cohen_kappa().value().unwrap() - 0.4).abs() < 1e-12);
        // alpha: n = 20, n_X = 11, n_O = 9; disagreements o_XO + o_OX = 6;
        // 1 − 19·6 / (2·11·9) = 1 − 114/198.
        assert!((m.krippendorff_alpha().value().unwrap() - (1.0 - 114.0 / 198.0)).abs() < 1e-12);
    }

    #[test]
    fn degenerate_cases_say_why() {
        assert!(Contingency::new(2).cohen_kappa().reason().is_some());
        let all_o = matrix(&[(0, 0); 5], 2);
        assert!(all_o.cohen_kappa().reason().unwrap().contains("same single category"));
        assert!(all_o.krippendorff_alpha().reason().is_some());
        assert_eq!(SpanCounts::default().f1().value(), None);
        let counts = SpanCounts { a: 4, b: 0, matched: 0 };
        assert_eq!(counts.f1(), Measure::Value(0.0));
        assert!(counts.precision().reason().is_some());
        assert_eq!(counts.recall(), Measure::Value(0.0));
    }

    #[test]
    fn binary_collapses_the_other_categories() {
        let m = matrix(&[(0, 0), (1, 2), (2, 2), (1, 1)], 3);
        let b = m.binary(2);
        // [L,L]=1 ([2,2]), [L,other]=0, [other,L]=1 ([1,2]), [other,other]=2.
        assert_eq!(b.cells, vec![vec![1, 0], vec![1, 2]]);
    }
}
