//! Diff and re-anchoring on the large synthetic project (10 MB document,
//! 100,000 annotations). Targets: diff of two versions differing in 5% of
//! their annotations < 200 ms; re-anchoring every annotation through an
//! edit of the document < 1 s.
//!
//! Run with `cargo bench --bench diff`.

mod common;

use common::{large_project, measure, report};
use marginalia::diff::{diff, reanchor};
use marginalia::model::{Annotation, AnnotationId, Project, Text, Timestamp};
use marginalia::synth::Rng;

/// A version of `p` with 5% of its annotations changed: relabeled,
/// resized, deleted, or replaced by new ones.
fn five_percent_changed(p: &Project) -> Project {
    let text = p.documents[0].text.clone();
    let mut rng = Rng::new(5);
    let n = p.annotations().len();
    let mut list: Vec<Annotation> = p.annotations().to_vec();
    let changed = n / 20;
    let mut deleted = std::collections::HashSet::new();
    for k in 0..changed {
        let i = rng.below(n);
        let a = &mut list[i];
        match k % 4 {
            0 => {
                a.label = if a.label == "claim" {
                    "event".into()
                } else {
                    "claim".into()
                }
            }
            1 if a.len() > 1 => {
                a.end -= 1;
                a.text = text.slice(a.range()).unwrap_or_default().to_owned();
            }
            2 => a.note = format!("revu {k}"),
            _ => {
                deleted.insert(a.id);
            }
        }
    }
    let mut added = Vec::new();
    for (k, template) in list.iter().take(deleted.len()).enumerate() {
        let start = rng.below(text.len_chars() - 20);
        let mut a = template.clone();
        a.id = AnnotationId::from_u64(0x0abc_0000_0000 + k as u64);
        a.start = start;
        a.end = start + 7;
        a.text = text.slice(a.range()).unwrap_or_default().to_owned();
        added.push(a);
    }
    list.retain(|a| !deleted.contains(&a.id));
    list.extend(added);
    let mut q = Project::from_parts(p.name.clone(), p.schema.clone(), p.documents.clone(), list);
    q.orphans = p.orphans.clone();
    q
}

fn main() {
    let a = large_project();
    let b = five_percent_changed(&a);
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
    let mut edited = a.clone();
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
