//! Diff and re-anchoring on the large synthetic project (10 MB document,
//! 100,000 annotations). Targets: diff of two versions differing in 5% of
//! their annotations < 200 ms; re-anchoring every annotation through an
//! edit of the document < 1 s.
//!
//! Run with `cargo bench --bench diff`.

mod common;

use common::{changed_copy, large_project, measure, report};
use marginalia::diff::{diff, reanchor};
use marginalia::model::{Text, Timestamp};

fn main() {
    let a = large_project();
    let b = changed_copy(&a, 20, 5, 0x0abc_0000_0000);
    let times = measure(7, || diff(&a, &b));
    let d = diff(&a, &b);
    let c = d.counts();
    println!(
        "diff found {} added, {} removed, {} relabeled, {} resized, {} notes changed",
        c.added, c.removed, c.relabeled, c.resized, c.note_changed
    );
    report("diff, 100,000 annotations, 5% changed", &times, 200.0);

    // An edit of the document: a paragraph inserted near the top, a
    // sentence deleted in the middle, a word corrected near the end.
    let old = a.documents[0].text.as_str().to_owned();
    let third = old.len() / 3;
    let mut cut = old[third..].find(". ").map_or(third, |i| third + i + 2);
    while !old.is_char_boundary(cut) {
        cut += 1;
    }
    let cut_end = old[cut..].find(". ").map_or(cut, |i| cut + i + 2);
    let mut new = String::with_capacity(old.len() + 100);
    new.push_str("Note de la rédaction : texte révisé.\n\n");
    new.push_str(&old[..cut]);
    new.push_str(&old[cut_end..]);
    let new = new.replacen("azerbaïdjanaise", "azérie", 1);
    let mut edited = a;
    edited.documents[0].text = Text::new(new);
    let times = measure(5, || {
        reanchor(&edited, "synthetic", &old, Timestamp::from_unix(0)).expect("reanchor")
    });
    let r = reanchor(&edited, "synthetic", &old, Timestamp::from_unix(0)).expect("reanchor");
    println!(
        "reanchor: {} unchanged, {} moved, {} resized, {} orphaned",
        r.report.unchanged,
        r.report.moved,
        r.report.resized,
        r.report.orphaned.len()
    );
    report("reanchor 100,000 through an edit", &times, 1000.0);
}
