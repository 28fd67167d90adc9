//! Three-way merge of two edited copies of the large synthetic project
//! (10 MB document, 100,000 annotations; each side changes one annotation
//! in twenty, independently, so a few land on the same annotation and
//! conflict). Target: < 0.5 s for the merge; the whole `marginalia merge`
//! (three files read, merged, written) is reported beside it.
//!
//! Run with `cargo bench --bench merge`.

mod common;

use common::{changed_copy, large_project, measure, report, write_project};
use marginalia::merge::{merge, merge_files};
use marginalia::persist::{format, save::write_atomic};

fn main() {
    let base = large_project();
    let ours = changed_copy(&base, 20, 11, 0x0aaa_0000_0000);
    let theirs = changed_copy(&base, 20, 12, 0x0bbb_0000_0000);
    let times = measure(5, || merge(&base, &ours, &theirs));
    let m = merge(&base, &ours, &theirs);
    println!(
        "{} annotations merged: {} from theirs, {} from ours, {} deleted; {} conflicts",
        m.project.annotations().len(),
        m.tally.from_theirs,
        m.tally.from_ours,
        m.tally.deleted,
        m.conflicts.len()
    );
    report("merge, 3 × 100,000 annotations", &times, 500.0);

    let dir = tempfile::tempdir().expect("tempdir");
    let paths: Vec<_> = [&base, &ours, &theirs]
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let sub = dir.path().join(i.to_string());
            std::fs::create_dir(&sub).expect("folder");
            write_project(p, &sub)
        })
        .collect();
    let out = dir.path().join("out.ron");
    let times = measure(5, || {
        let m = merge_files(&paths[0], &paths[1], &paths[2]).expect("read");
        write_atomic(&out, format::to_string(&m.project).as_bytes(), false).expect("write");
    });
    report("read 3 files + merge + write", &times, 1500.0);
}
