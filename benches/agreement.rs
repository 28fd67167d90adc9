//! Agreement of two annotators over the large synthetic project (10 MB
//! document, 100,000 annotations each; the second copy differs in one
//! annotation in ten). Target: < 1 s.
//!
//! Run with `cargo bench --bench agreement`.

mod common;

use common::{changed_copy, large_project, measure, report};
use marginalia::agreement::{Options, compare};

fn main() {
    let a = large_project();
    let b = changed_copy(&a, 10, 7, 0x0bcd_0000_0000);
    let times = measure(5, || compare("a", &a, "b", &b, &Options::default()));
    let r = compare("a", &a, "b", &b, &Options::default());
    println!(
        "{} vs {} annotations: F1 exact {}, overlap {}, kappa {}, alpha {}, alpha_U {}; {} disagreements",
        r.overall.annotations_a,
        r.overall.annotations_b,
        r.overall.f1_exact,
        r.overall.f1_overlap,
        r.overall.kappa_char,
        r.overall.alpha_char,
        r.overall.alpha_u,
        r.disagreements.len()
    );
    report("agreement, 2 × 100,000 annotations", &times, 1000.0);
}
