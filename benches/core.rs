//! Load, validate and save of the large synthetic project (10 MB document,
//! 100,000 annotations, 50,000 relations, attribute values on a third of
//! the annotations). Targets: load + validate < 500 ms, save < 300 ms.
//!
//! Run with `cargo bench --bench core`.

mod common;

use common::{ANNOTATIONS, DOC_BYTES, large_project, measure, report, write_project};
use marginalia::persist;

fn main() {
    let t = std::time::Instant::now();
    let project = large_project();
    println!(
        "generated {} bytes, {} annotations in {:.1} s",
        project.documents[0].text.as_str().len(),
        project.annotations().len(),
        t.elapsed().as_secs_f64()
    );
    assert_eq!(project.annotations().len(), ANNOTATIONS);
    assert!(project.documents[0].text.as_str().len() >= DOC_BYTES - 4);

    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_project(&project, dir.path());
    let size = std::fs::metadata(&path).expect("metadata").len();
    println!("project file: {:.1} MB", size as f64 / 1e6);

    let loads = measure(7, || {
        let loaded = persist::load(&path).expect("load");
        assert!(loaded.problems.is_empty(), "{:?}", &loaded.problems[..1]);
        loaded
    });
    report("load + validate", &loads, 500.0);
    let source = std::fs::read_to_string(&path).expect("read");
    let parses = measure(7, || persist::load::parse_file_only(&source, &path).expect("parse"));
    report("  of which parse the file", &parses, 500.0);
    let checks = measure(7, || marginalia::model::check(&project, &Default::default()));
    report("  of which validate (check)", &checks, 500.0);

    let saves = measure(7, || persist::save(&project, &path).expect("save"));
    report("save (serialise + atomic write)", &saves, 300.0);

    let serialise = measure(7, || persist::format::to_string(&project));
    report("  of which serialise", &serialise, 300.0);
}
