//! Dataset export and import on the large synthetic project (10 MB
//! document, 100,000 annotations). Target: each export (built and
//! written to disk) and each import back (read, checked, built into a
//! project) < 1 s.
//!
//! Run with `cargo bench --bench formats`.

mod common;

use common::{large_project, measure, report};
use marginalia::formats::{ExportOptions, Format, ImportOptions, Progress};
use marginalia::model::OffsetUnit;

fn main() {
    let project = large_project();
    let dir = tempfile::tempdir().expect("tempdir");
    println!(
        "project: {} document(s), {:.1} MB of text, {} annotations",
        project.documents.len(),
        project.documents.iter().map(|d| d.text.as_str().len()).sum::<usize>() as f64 / 1e6,
        project.annotations().len()
    );
    let cases = [
        (Format::Jsonl, OffsetUnit::CodePoint, "out.jsonl"),
        (Format::Jsonl, OffsetUnit::Utf16, "out16.jsonl"),
        (Format::Csv, OffsetUnit::CodePoint, "out.csv"),
        (Format::Brat, OffsetUnit::CodePoint, "brat"),
        (Format::Conll, OffsetUnit::CodePoint, "out.conll"),
    ];
    // `cargo bench --bench formats -- brat` runs that format only.
    let only: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    for (format, offsets, name) in cases {
        if !only.is_empty() && !only.iter().any(|o| *o == format.to_string()) {
            continue;
        }
        let out = dir.path().join(name);
        let options = ExportOptions {
            offsets,
            ..ExportOptions::default()
        };
        let exporter = format.exporter().expect("exportable");
        let mut kept = 0;
        let times = measure(5, || {
            let export = exporter.export(&project, &options, &Progress::new()).expect("export");
            export
                .write(&out, &marginalia::formats::OutputGuard::default())
                .expect("write");
            kept = export.annotations;
        });
        report(&format!("export {format} ({offsets})"), &times, 1000.0);
        let Some(importer) = format.importer() else {
            continue;
        };
        let import_options = ImportOptions {
            offsets,
            ..ImportOptions::default()
        };
        let mut back = 0;
        let times = measure(5, || {
            let imported = importer
                .import(std::slice::from_ref(&out), &import_options, &Progress::new())
                .expect("import");
            back = imported.project.annotations().len();
        });
        report(&format!("import {format} ({offsets})"), &times, 1000.0);
        println!("    {kept} annotations exported, {back} imported back");
    }
}
