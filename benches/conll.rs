//! CoNLL export of the large synthetic project, built in memory (the
//! tokenizer and the tagging, without the file write). Target: < 200 ms.
//!
//! Run with `cargo bench --bench conll`.

mod common;

use common::{large_project, measure, report};
use marginalia::formats::{ExportOptions, Format, Progress};

fn main() {
    let project = large_project();
    let exporter = Format::Conll.exporter().expect("conll exports");
    let options = ExportOptions::default();
    let mut size = 0;
    let times = measure(7, || {
        let export = exporter.export(&project, &options, &Progress::new()).expect("export");
        size = export.files[0].content.len();
        export
    });
    println!("CoNLL text: {:.1} MB", size as f64 / 1e6);
    report("export conll (built, not written)", &times, 200.0);
}
