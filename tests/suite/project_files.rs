//! Project files: round trips, determinism, and every kind of load error.

use crate::common;

use std::collections::BTreeMap;

use common::{Fixture, sample_project_path};
use marginalia::model::ProblemKind;
use marginalia::persist::{self, LoadError, format};

#[test]
fn sample_project_loads_cleanly_and_round_trips() {
    let path = sample_project_path();
    let loaded = persist::load(&path).expect("sample loads");
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let p = &loaded.project;
    assert_eq!(p.documents.len(), 4);
    assert!(p.annotations().len() >= 80);
    let mut by_label: BTreeMap<&str, usize> = BTreeMap::new();
    for a in p.annotations() {
        *by_label.entry(&a.label).or_default() += 1;
    }
    for label in ["event", "claim", "actor"] {
        assert!(by_label[label] >= 15, "{label}: {}", by_label[label]);
    }
    for doc in &p.documents {
        assert!(!p.annotations_of(&doc.id).is_empty(), "{} has no annotations", doc.id);
    }

    // Structure: who makes the claims, roles of events, polarity, the
    // actors mentions refer to, document metadata, an interrupted quotation.
    assert!(p.relations().len() >= 40, "{} relations", p.relations().len());
    let count = |kind: &str| p.relations().iter().filter(|r| r.kind == kind).count();
    assert!(count("claimant") >= 30 && count("agent") >= 10 && count("target") >= 5);
    for claim in p.annotations().iter().filter(|a| a.label == "claim") {
        assert!(
            claim.attrs.contains_key("polarity"),
            "claim {} has no polarity",
            claim.id
        );
    }
    assert!(
        p.annotations()
            .iter()
            .any(|a| a.is_discontinuous() && a.text.contains(" … "))
    );
    let with_wikidata = p
        .schema
        .entities
        .iter()
        .filter(|e| e.reference.as_deref().is_some_and(|r| r.starts_with("Wikidata:Q")))
        .count();
    assert!(with_wikidata >= 4);
    assert!(
        p.annotations()
            .iter()
            .filter(|a| a.attrs.contains_key("refers_to"))
            .count()
            >= 10
    );
    assert!(p.documents.iter().all(|d| d.attrs.contains_key("language")));
    assert!(p.documents.iter().any(|d| d.attrs.contains_key("url")));
    let loaded = persist::load(&path).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);

    // Re-serialising gives exactly the bytes on disk.
    let on_disk = std::fs::read_to_string(&path).unwrap();
    assert_eq!(format::to_string(p), on_disk);

    // Saving elsewhere and loading again gives the same project.
    let dir = tempfile::tempdir().unwrap();
    for doc in &p.documents {
        std::fs::copy(path.parent().unwrap().join(&doc.path), dir.path().join(&doc.path)).unwrap();
    }
    let copy = dir.path().join("copy.ron");
    persist::save(p, &copy).unwrap();
    let again = persist::load(&copy).unwrap();
    assert_eq!(&again.project, p);
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), on_disk);
}

#[test]
fn sample_project_has_nested_annotations() {
    let p = persist::open(&sample_project_path()).unwrap();
    let nested = p
        .annotations()
        .iter()
        .filter(|inner| {
            p.annotations_of(&inner.doc).iter().any(|outer| {
                outer.id != inner.id
                    && outer.start <= inner.start
                    && inner.end <= outer.end
                    && outer.label != inner.label
            })
        })
        .count();
    assert!(nested >= 5, "only {nested} nested annotations");
}

#[test]
fn one_annotation_per_line() {
    let f = Fixture::new();
    let p = persist::open(&f.path).unwrap();
    let source = f.source();
    for a in p.annotations() {
        let lines: Vec<&str> = source
            .lines()
            .filter(|l| l.contains(&format!("\"{}\"", a.id)))
            .collect();
        assert_eq!(lines.len(), 1, "annotation {} spans {} lines", a.id, lines.len());
    }
    // Newlines and CRLF inside quoted text and notes stay escaped on the line.
    assert!(source.lines().all(|l| !l.ends_with('\r')));
}

#[test]
fn loading_never_writes() {
    let f = Fixture::new();
    let before = std::fs::read(&f.path).unwrap();
    let mtime = std::fs::metadata(&f.path).unwrap().modified().unwrap();
    let names = |d: &std::path::Path| {
        let mut v: Vec<_> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name()).collect();
        v.sort();
        v
    };
    let files_before = names(f.dir.path());
    persist::load(&f.path).unwrap();
    // Even a broken project is only read.
    std::fs::write(f.doc_path(), "changed").unwrap();
    persist::load(&f.path).unwrap();
    assert_eq!(std::fs::read(&f.path).unwrap(), before);
    assert_eq!(std::fs::metadata(&f.path).unwrap().modified().unwrap(), mtime);
    assert_eq!(names(f.dir.path()), files_before);
}

fn problems(f: &Fixture) -> Vec<ProblemKind> {
    persist::load(&f.path)
        .expect("loads")
        .problems
        .into_iter()
        .map(|p| p.kind)
        .collect()
}

#[test]
fn syntax_errors_name_file_line_and_column() {
    let f = Fixture::new();
    f.edit(|s| s.replacen("label: \"actor\", text", "label: \"actor\" text", 1));
    let err = persist::load(&f.path).unwrap_err();
    let LoadError::Syntax { line, column, .. } = &err else {
        panic!("expected a syntax error, got {err}");
    };
    let expected_line = f.source().lines().position(|l| l.contains("\"actor\" text")).unwrap() + 1;
    assert_eq!(*line, expected_line);
    assert!(*column > 1);
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("{}:{expected_line}:", f.path.display())),
        "{message}"
    );
}

#[test]
fn a_misspelt_field_is_refused_rather_than_dropped() {
    let f = Fixture::new();
    f.edit(|s| s.replacen("author: \"ana\"", "autor: \"ana\"", 1));
    let err = persist::load(&f.path).unwrap_err().to_string();
    assert!(err.contains("autor"), "{err}");
}

#[test]
fn newer_format_versions_are_refused() {
    let f = Fixture::new();
    f.edit(|s| s.replace("format_version: 2,", "format_version: 99,\n    future_field: (),"));
    let err = persist::load(&f.path).unwrap_err();
    assert!(
        matches!(
            err,
            LoadError::NewerFormat {
                found: 99,
                supported: 2,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("newer version of Marginalia"));
}

#[test]
fn offsets_past_the_text_are_out_of_bounds() {
    let f = Fixture::new();
    let length = common::MIXED_TEXT.chars().count();
    // Move the Armenian annotation past the end of the text.
    let p = persist::open(&f.path).unwrap();
    let arm = p.annotations().iter().find(|a| a.text == "Հայաստան").unwrap().clone();
    f.edit(|s| {
        s.replacen(
            &format!("start: {}, end: {},", arm.start, arm.end),
            &format!("start: {}, end: {},", length - 2, length + 6),
            1,
        )
    });
    let loaded = persist::load(&f.path).unwrap();
    let problem = &loaded.problems[0];
    assert_eq!(
        problem.kind,
        ProblemKind::OutOfBounds {
            id: arm.id,
            doc: "doc".into(),
            end: length + 6,
            length
        }
    );
    let line = f
        .source()
        .lines()
        .position(|l| l.contains(&arm.id.to_string()))
        .unwrap()
        + 1;
    assert_eq!(problem.line, Some(line), "problems point at the annotation's line");
}

#[test]
fn empty_spans_are_reported() {
    let f = Fixture::new();
    let p = persist::open(&f.path).unwrap();
    let a = &p.annotations()[0];
    f.edit(|s| s.replacen(&format!("end: {},", a.end), &format!("end: {},", a.start), 1));
    assert!(matches!(&problems(&f)[..], [ProblemKind::EmptySpan { id, .. }] if *id == a.id));
}

#[test]
fn quoted_text_must_match_the_document() {
    let f = Fixture::new();
    f.edit(|s| s.replacen("text: \"Ilham Aliyev\"", "text: \"Ilham Aliev\"", 1));
    match &problems(&f)[..] {
        [ProblemKind::QuoteMismatch { quoted, actual, .. }] => {
            assert_eq!(quoted, "Ilham Aliev");
            assert_eq!(actual, "Ilham Aliyev");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_labels_are_reported() {
    let f = Fixture::new();
    f.edit(|s| s.replacen("label: \"event\", text", "label: \"incident\", text", 1));
    assert!(matches!(&problems(&f)[..], [ProblemKind::UnknownLabel { label, .. }] if label == "incident"));
}

#[test]
fn missing_documents_are_reported() {
    let f = Fixture::new();
    std::fs::remove_file(f.doc_path()).unwrap();
    match &problems(&f)[..] {
        [ProblemKind::DocumentUnreadable { doc, path, .. }] => {
            assert_eq!((doc.as_str(), path.as_str()), ("doc", "doc.txt"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn changed_documents_are_reported_with_their_annotation_count() {
    let f = Fixture::new();
    std::fs::write(f.doc_path(), common::MIXED_TEXT.replace("Aliyev", "Aliev")).unwrap();
    let loaded = persist::load(&f.path).unwrap();
    assert_eq!(
        loaded.problems.iter().map(|p| &p.kind).collect::<Vec<_>>(),
        [&ProblemKind::DocumentChanged {
            doc: "doc".into(),
            path: "doc.txt".into(),
            annotations: 3
        }],
        "annotations of a changed document are not checked one by one"
    );
    // The strict form refuses the project and lists the problem.
    let err = persist::open(&f.path).unwrap_err().to_string();
    assert!(err.contains("changed since it was annotated"), "{err}");
}

#[test]
fn duplicate_ids_are_reported() {
    let f = Fixture::new();
    let p = persist::open(&f.path).unwrap();
    let (first, second) = (p.annotations()[0].id, p.annotations()[1].id);
    f.edit(|s| s.replacen(&format!("id: \"{second}\""), &format!("id: \"{first}\""), 1));
    assert!(problems(&f).contains(&ProblemKind::DuplicateAnnotation { id: first }));
}

#[test]
fn problems_are_all_reported_at_once() {
    let f = Fixture::new();
    f.edit(|s| {
        s.replacen("label: \"event\", text", "label: \"incident\", text", 1)
            .replacen("text: \"Ilham Aliyev\"", "text: \"Aliyev\"", 1)
    });
    assert_eq!(problems(&f).len(), 2);
}

#[test]
fn missing_optional_fields_take_defaults() {
    let f = Fixture::new();
    // An older writer might not have written statuses, hotkeys or guidelines.
    f.edit(|s| {
        s.replace(", status: todo", "")
            .replace(", hotkey: Some('1')", "")
            .lines()
            .map(|l| match l.find(", guideline: ") {
                Some(i) => format!("{}),", &l[..i]),
                None => l.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    let p = persist::open(&f.path).unwrap();
    assert_eq!(p.schema.labels[0].hotkey, None);
    assert!(p.schema.labels[0].guideline.is_empty());
}

mod round_trip {
    use std::collections::BTreeMap;

    use marginalia::model::{Annotation, AnnotationId, Document, Project, Text, Timestamp};
    use marginalia::persist;
    use proptest::prelude::*;

    const PIECES: &[&str] = &[
        "a",
        " ",
        "é",
        "e\u{301}",
        "'",
        "’",
        "\"",
        "\\",
        "\\'",
        "\\u{41}",
        "\r\n",
        "\n",
        "\t",
        "\0",
        "\u{7f}",
        "\u{a0}",
        "👨🏻‍🚒",
        "🇦🇲",
        "Հայ",
        "Россия",
        "مرحبا",
        "中文",
        "\u{200f}",
        "«",
        "»",
        "}",
        "{",
        "),",
        "    annotations: [",
    ];

    fn string() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(PIECES), 0..12).prop_map(|v| v.concat())
    }

    prop_compose! {
        fn project()(
            // Document texts are text: no NUL or DEL (the importer refuses binary files).
            text in prop::collection::vec(prop::sample::select(PIECES).prop_filter("text", |p| !p.contains(['\0', '\u{7f}'])), 1..80)
                .prop_map(|v| v.concat()),
            spans in prop::collection::vec((0.0f64..1.0, 1usize..6, string(), string(), prop::collection::btree_map(string(), string(), 0..3)), 0..25),
            name in string(),
        ) -> Project {
            let text = Text::new(text);
            let n = text.len_chars();
            let at = Timestamp::from_unix(1_700_000_000);
            let annotations = spans
                .into_iter()
                .enumerate()
                .map(|(i, (frac, len, note, author, meta))| {
                    let start = ((n as f64) * frac) as usize % n;
                    let end = (start + len).min(n).max(start + 1);
                    Annotation {
                        id: AnnotationId::from_u64(i as u64 * 7919 + 1),
                        doc: "doc".into(),
                        start,
                        end,
                        label: ["event", "claim", "actor"][i % 3].into(),
                        text: text.slice(start..end).unwrap().into(),
                        note,
                        author,
                        created: at,
                        modified: Timestamp::from_unix(1_700_000_000 + i as i64),
                        meta: meta.into_iter().collect::<BTreeMap<_, _>>(),
                        attrs: Default::default(),
                        fragments: Default::default(),
                    }
                })
                .collect();
            let doc = Document::new("doc", "Doc « x »", "doc.txt", text);
            let mut p = Project::new(name);
            p.documents.push(doc);
            Project::from_parts(p.name, p.schema, p.documents, annotations)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn canonical_and_ron_readings_agree(p in project()) {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("doc.txt"), p.documents[0].text.as_str()).unwrap();
            let path = dir.path().join("p.ron");
            persist::save(&p, &path).unwrap();
            let fast = persist::load(&path).unwrap();
            prop_assert!(fast.problems.is_empty(), "{:?}", fast.problems);
            prop_assert_eq!(&fast.project, &p);

            // A comment makes the file non-canonical: ron reads it instead.
            let source = std::fs::read_to_string(&path).unwrap();
            let commented = source.replacen("    annotations: [\n", "    annotations: [\n        // read by ron\n", 1);
            std::fs::write(&path, &commented).unwrap();
            let slow = persist::load(&path).unwrap();
            prop_assert_eq!(&slow.project, &p);

            // Saving again gives the canonical bytes back.
            persist::save(&slow.project, &path).unwrap();
            prop_assert_eq!(std::fs::read_to_string(&path).unwrap(), source);
        }
    }
}
