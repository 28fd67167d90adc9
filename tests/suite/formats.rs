//! Labeled datasets: round trips, offset units, golden files and the
//! refusal of bad input, through the library and the `marginalia` binary.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{marginalia, p, stderr};
use marginalia::formats::{ExportOptions, Format, ImportOptions, OutputGuard, OverlapPolicy, Progress, Scheme};
use marginalia::model::{Annotation, AnnotationId, Document, OffsetUnit, Project, Status, Text, Timestamp};
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Helpers

fn export(project: &Project, format: Format, options: &ExportOptions, out: &Path) -> marginalia::formats::Export {
    let export = format
        .exporter()
        .expect("exportable")
        .export(project, options, &Progress::new())
        .expect("export");
    export.write(out, &OutputGuard::default()).expect("write export");
    export
}

fn import(format: Format, inputs: &[PathBuf], options: &ImportOptions) -> marginalia::formats::Imported {
    format
        .importer()
        .expect("importable")
        .import(inputs, options, &Progress::new())
        .expect("import")
}

/// What a round trip must keep of a document.
fn doc_key(d: &Document) -> (String, String, String, Status) {
    (d.id.clone(), d.title.clone(), d.text.as_str().to_owned(), d.status)
}

fn docs(p: &Project) -> Vec<(String, String, String, Status)> {
    p.documents.iter().map(doc_key).collect()
}

/// `text[start:end]` under `unit`'s slicing, as Python, JavaScript and
/// byte-oriented tools would do it (independently of the library).
fn slice_in(text: &str, start: usize, end: usize, unit: OffsetUnit) -> Option<String> {
    match unit {
        OffsetUnit::CodePoint => {
            let chars: Vec<char> = text.chars().collect();
            chars.get(start..end).map(|c| c.iter().collect())
        }
        OffsetUnit::Utf16 => {
            let units: Vec<u16> = text.encode_utf16().collect();
            units.get(start..end).and_then(|u| String::from_utf16(u).ok())
        }
        OffsetUnit::Byte => text
            .as_bytes()
            .get(start..end)
            .and_then(|b| std::str::from_utf8(b).ok())
            .map(str::to_owned),
    }
}

// ---------------------------------------------------------------------------
// Generated projects

const PIECES: &[&str] = &[
    "Le ",
    "président ",
    "Aliyev",
    " a dit",
    ". ",
    "l’",
    "Azerbaïdjan",
    "M. ",
    "👨🏻‍🚒",
    "🇦🇲",
    "👍🏽",
    "e\u{301}",
    "café\u{301}",
    "Հայաստան",
    " Россия ",
    "مرحبا",
    "中文文本",
    "\r\n",
    "\n",
    "\t",
    "« ",
    " »",
    " ",
    "!",
    "…",
    "\"q\"",
    ",",
];

const NOTES: &[&str] = &[
    "",
    "",
    "note",
    "tab\there",
    "two\nlines\r\n",
    "back\\slash \\n",
    "« cité »",
    "👨🏻‍🚒 ok",
];
const AUTHORS: &[&str] = &["ana", "Léa Martin", "", "ბექა"];
const LABELS: &[&str] = &["event", "claim", "actor", "quote"];
const DOC_IDS: &[&str] = &["rapport-é", "doc/2", "Հայ"];

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 1..60).prop_map(|v| v.concat())
}

type SpanSeed = (f64, usize, usize, usize, usize, bool);

fn span_seeds() -> impl Strategy<Value = Vec<SpanSeed>> {
    prop::collection::vec(
        (
            0.0f64..1.0,
            1usize..14,
            0..LABELS.len(),
            0..NOTES.len(),
            0..AUTHORS.len(),
            any::<bool>(),
        ),
        0..14,
    )
}

fn annotation(i: usize, doc: &str, text: &Text, range: std::ops::Range<usize>, seed: &SpanSeed) -> Annotation {
    let (_, _, label, note, author, with_meta) = *seed;
    let mut meta = BTreeMap::new();
    if with_meta {
        meta.insert("source".to_owned(), "ligne\t2 « x »".to_owned());
    }
    Annotation {
        id: AnnotationId::from_u64(i as u64 * 7919 + 13),
        doc: doc.to_owned(),
        start: range.start,
        end: range.end,
        label: LABELS[label].to_owned(),
        text: text.slice(range).expect("in range").to_owned(),
        note: NOTES[note].to_owned(),
        author: AUTHORS[author].to_owned(),
        created: Timestamp::from_unix(1_700_000_000 + i as i64),
        modified: Timestamp::from_unix(1_700_100_000 + i as i64),
        meta,
        attrs: Default::default(),
        fragments: Default::default(),
    }
}

fn assemble(docs: Vec<Document>, annotations: Vec<Annotation>) -> Project {
    let mut p = Project::new("generated");
    p.schema.labels.push(marginalia::model::Label {
        id: "quote".into(),
        name: "quote".into(),
        colour: marginalia::model::Colour([0x12, 0x34, 0x56]),
        hotkey: Some('4'),
        guideline: String::new(),
        kind: Default::default(),
    });
    Project::from_parts(p.name, p.schema, docs, annotations)
}

fn status(i: usize) -> Status {
    [Status::Todo, Status::InProgress, Status::Done][i % 3]
}

prop_compose! {
    /// Projects of one to three documents with overlapping spans anywhere.
    fn project()(texts in prop::collection::vec((text_strategy(), span_seeds()), 1..=3)) -> Project {
        let mut docs = Vec::new();
        let mut annotations = Vec::new();
        for (d, (text, seeds)) in texts.into_iter().enumerate() {
            let text = Text::new(text);
            let n = text.len_chars();
            for seed in &seeds {
                let start = ((n as f64) * seed.0) as usize % n;
                let end = (start + seed.1).min(n).max(start + 1);
                let i = annotations.len();
                annotations.push(annotation(i, DOC_IDS[d], &text, start..end, seed));
            }
            let mut doc = Document::new(DOC_IDS[d], format!("Titre {d} « é »"), format!("d{d}.txt"), text);
            doc.status = status(d);
            docs.push(doc);
        }
        assemble(docs, annotations)
    }
}

prop_compose! {
    /// Projects whose spans do not overlap (adjacent spans included).
    fn flat_project()(texts in prop::collection::vec((text_strategy(), span_seeds(), prop::collection::vec(0usize..4, 14)), 1..=3)) -> Project {
        let mut docs = Vec::new();
        let mut annotations = Vec::new();
        for (d, (text, seeds, gaps)) in texts.into_iter().enumerate() {
            let text = Text::new(text);
            let n = text.len_chars();
            let mut at = 0;
            for (seed, gap) in seeds.iter().zip(gaps) {
                let start = at + gap;
                let end = start + seed.1;
                if end > n {
                    break;
                }
                let i = annotations.len();
                annotations.push(annotation(i, DOC_IDS[d], &text, start..end, seed));
                at = end;
            }
            docs.push(Document::new(DOC_IDS[d], DOC_IDS[d], format!("d{d}.txt"), text));
        }
        assemble(docs, annotations)
    }
}

/// Spans of each document as (label, text without whitespace), in order:
/// what CoNLL can carry (it has one space between tokens).
fn flat_spans(p: &Project) -> Vec<Vec<(String, String)>> {
    p.documents
        .iter()
        .map(|d| {
            p.annotations_of(&d.id)
                .iter()
                .map(|a| {
                    (
                        a.label.clone(),
                        a.text.chars().filter(|c| !c.is_whitespace()).collect::<String>(),
                    )
                })
                .filter(|(_, t)| !t.is_empty())
                .collect()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn jsonl_round_trips_in_every_unit(p in project(), unit in prop::sample::select(&[OffsetUnit::CodePoint, OffsetUnit::Utf16, OffsetUnit::Byte][..])) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.jsonl");
        let options = ExportOptions { offsets: unit, ..ExportOptions::default() };
        let e = export(&p, Format::Jsonl, &options, &out);
        prop_assert!(e.warnings.is_empty());
        prop_assert_eq!(e.annotations, p.annotations().len());
        // The unit is stated: an import told otherwise still reads it right.
        let wrong = if unit == OffsetUnit::Byte { OffsetUnit::Utf16 } else { OffsetUnit::Byte };
        let back = import(Format::Jsonl, &[out], &ImportOptions { offsets: wrong, author: "nobody".into(), ..ImportOptions::default() });
        prop_assert!(back.skipped.is_empty(), "{:?}", back.skipped);
        prop_assert_eq!(docs(&back.project), docs(&p));
        prop_assert_eq!(back.project.annotations(), p.annotations());
    }

    #[test]
    fn brat_round_trips(p in project()) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("brat");
        let e = export(&p, Format::Brat, &ExportOptions::default(), &out);
        // Spans of nothing but line breaks cannot be shown by brat: they are
        // left out, each with a warning, and everything else comes back.
        let representable: Vec<Annotation> = p
            .annotations()
            .iter()
            .filter(|a| !a.text.chars().all(|c| c == '\r' || c == '\n'))
            .cloned()
            .collect();
        prop_assert_eq!(e.warnings.len(), p.annotations().len() - representable.len());
        let back = import(Format::Brat, &[out], &ImportOptions { author: "nobody".into(), ..ImportOptions::default() });
        prop_assert!(back.skipped.is_empty(), "{:?}", back.skipped);
        prop_assert_eq!(docs(&back.project), docs(&p));
        prop_assert_eq!(back.project.annotations(), &representable[..]);
        // The schema (ids, names, colours) travels in annotation.conf and visual.conf.
        let schema = |p: &Project| p.schema.labels.iter().map(|l| (l.id.clone(), l.name.clone(), l.colour)).collect::<Vec<_>>();
        prop_assert_eq!(schema(&back.project), schema(&p));
    }

    #[test]
    fn every_exported_offset_slices_to_its_text(p in project(), unit in prop::sample::select(&[OffsetUnit::CodePoint, OffsetUnit::Utf16, OffsetUnit::Byte][..])) {
        let dir = tempfile::tempdir().unwrap();
        let options = ExportOptions { offsets: unit, ..ExportOptions::default() };
        // JSONL: both the spans and doccano's label triples.
        let jsonl = dir.path().join("out.jsonl");
        export(&p, Format::Jsonl, &options, &jsonl);
        let mut checked = 0;
        for line in std::fs::read_to_string(&jsonl).unwrap().lines() {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            prop_assert_eq!(record["meta"]["offsets"].as_str(), Some(unit.name()));
            let text = record["text"].as_str().unwrap();
            let spans = record["spans"].as_array().unwrap();
            let triples = record["label"].as_array().unwrap();
            prop_assert_eq!(spans.len(), triples.len());
            for (span, triple) in spans.iter().zip(triples) {
                let (s, e) = (span["start"].as_u64().unwrap() as usize, span["end"].as_u64().unwrap() as usize);
                let sliced = slice_in(text, s, e, unit);
                prop_assert_eq!(sliced.as_deref(), span["text"].as_str());
                prop_assert_eq!(triple[0].as_u64(), Some(s as u64));
                prop_assert_eq!(triple[1].as_u64(), Some(e as u64));
                prop_assert_eq!(&triple[2], &span["label"]);
                checked += 1;
            }
        }
        prop_assert_eq!(checked, p.annotations().len());
        // CSV, read by a real CSV parser.
        let csv_path = dir.path().join("out.csv");
        export(&p, Format::Csv, &options, &csv_path);
        let mut reader = csv::Reader::from_path(&csv_path).unwrap();
        let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
                prop_assert_eq!(rows.len(), p.annotations().len());
        // Rows come document by document, in the project's order.
        let in_order = p.documents.iter().flat_map(|d| p.annotations_of(&d.id));
        for (row, a) in rows.iter().zip(in_order) {
            let text = p.document(&row[0]).unwrap().text.as_str();
            let (s, e) = (row[1].parse().unwrap(), row[2].parse().unwrap());
            let sliced = slice_in(text, s, e, unit);
            prop_assert_eq!(sliced.as_deref(), Some(&row[4]));
            prop_assert_eq!((&row[3], &row[4], &row[5], &row[6]), (a.label.as_str(), a.text.as_str(), a.note.as_str(), a.author.as_str()));
            prop_assert_eq!(&row[11], unit.name());
        }
    }

    #[test]
    fn conll_gives_back_the_spans_of_flat_projects(p in flat_project(), scheme in prop::sample::select(&[Scheme::Iob2, Scheme::Iob1, Scheme::Bioes][..])) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.conll");
        let options = ExportOptions { scheme, ..ExportOptions::default() };
        let e = export(&p, Format::Conll, &options, &out);
        let blank = p.annotations().iter().filter(|a| a.text.chars().all(char::is_whitespace)).count();
        prop_assert_eq!(e.warnings.len(), blank, "{:?}", e.warnings);
        let back = import(Format::Conll, &[out], &ImportOptions { scheme, ..ImportOptions::default() });
        prop_assert!(back.skipped.is_empty(), "{:?}", back.skipped);
        prop_assert_eq!(back.project.documents.len(), p.documents.len());
        prop_assert_eq!(flat_spans(&back.project), flat_spans(&p));
    }
}

// ---------------------------------------------------------------------------
// CoNLL specifics

fn fixed(doc_text: &str, spans: &[(&str, &str)]) -> Project {
    // Each span is found after the previous one.
    let text = Text::new(doc_text);
    let mut from = 0;
    let mut annotations = Vec::new();
    for (i, (needle, label)) in spans.iter().enumerate() {
        let byte = doc_text[from..].find(needle).map(|b| b + from).expect("needle in text");
        let start = doc_text[..byte].chars().count();
        let end = start + needle.chars().count();
        from = byte;
        annotations.push(Annotation {
            id: AnnotationId::from_u64(1000 + i as u64),
            doc: "fr".into(),
            start,
            end,
            label: (*label).into(),
            text: (*needle).into(),
            note: String::new(),
            author: "ana".into(),
            created: Timestamp::from_unix(1_763_900_000),
            modified: Timestamp::from_unix(1_763_900_000),
            meta: BTreeMap::new(),
            attrs: Default::default(),
            fragments: Default::default(),
        });
    }
    let docs = vec![Document::new("fr", "Communiqué", "fr.txt", text)];
    Project::from_parts("fr".into(), Project::new("fr").schema, docs, annotations)
}

/// A small French sample: elisions, an abbreviation, guillemets, nesting,
/// adjacent entities of one type (IOB1's `B-`), an annotation cutting a word.
const FRENCH: &str = "L’armée d’Azerbaïdjan a lancé une offensive le 19 septembre.\r\n\
Le Premier ministre arménien Nikol Pachinian a déclaré : « Nous ne céderons pas. » M. Aliyev parle du Haut-Karabagh.\n\
Bakou et Erevan s’accusent.";

fn french() -> Project {
    fixed(
        FRENCH,
        &[
            ("L’armée d’Azerbaïdjan", "actor"),
            ("Azerbaïdjan", "actor"),
            ("a lancé une offensive le 19 septembre", "event"),
            ("Premier ministre arménien", "actor"),
            ("Nikol Pachinian", "actor"),
            ("« Nous ne céderons pas. »", "claim"),
            ("M. Aliyev", "actor"),
            ("Haut", "actor"),
            ("Bakou", "actor"),
            ("Erevan", "actor"),
        ],
    )
}

#[test]
fn conll_keeps_the_outermost_or_innermost_and_lists_what_it_dropped() {
    let p = french();
    let conll = |overlaps| {
        let options = ExportOptions {
            overlaps,
            ..ExportOptions::default()
        };
        Format::Conll
            .exporter()
            .unwrap()
            .export(&p, &options, &Progress::new())
            .unwrap()
    };
    let outer = conll(OverlapPolicy::Outer);
    assert_eq!(outer.warnings.len(), 1, "{:?}", outer.warnings);
    assert!(outer.warnings[0].contains("[10, 21)"), "{}", outer.warnings[0]);
    assert!(outer.warnings[0].contains("“Azerbaïdjan”"), "{}", outer.warnings[0]);
    let text = &outer.files[0].content;
    assert!(
        text.contains("L’ B-actor\narmée I-actor\nd’ I-actor\nAzerbaïdjan I-actor\n"),
        "{text}"
    );
    let inner = conll(OverlapPolicy::Inner);
    assert!(
        inner.warnings[0].contains("“L’armée d’Azerbaïdjan”"),
        "{:?}",
        inner.warnings
    );
    assert!(
        inner.files[0]
            .content
            .contains("L’ O\narmée O\nd’ O\nAzerbaïdjan B-actor\n")
    );
    assert_eq!(outer.annotations, 9);
}

#[test]
fn conll_sentences_respect_abbreviations_and_annotations() {
    let p = french();
    let e = Format::Conll
        .exporter()
        .unwrap()
        .export(&p, &ExportOptions::default(), &Progress::new())
        .unwrap();
    let sentences: Vec<&str> = e.files[0].content.split("\n\n").collect();
    // -DOCSTART-, four sentences (the quoted claim is not cut at its
    // full stop, "M." is not an end, the closing » stays with its
    // sentence), and the trailing empty piece.
    assert_eq!(sentences.len(), 6, "{sentences:#?}");
    assert!(
        sentences[2].starts_with(
            "Le O\nPremier B-actor\nministre I-actor\narménien I-actor\nNikol B-actor\nPachinian I-actor\n"
        ),
        "{}",
        sentences[2]
    );
    assert!(
        sentences[2].ends_with("pas I-claim\n. I-claim\n» I-claim"),
        "{}",
        sentences[2]
    );
    // "M." does not end the sentence; "Haut" is cut out of "Haut-Karabagh"
    // (the annotation boundary splits the token).
    assert_eq!(
        sentences[3],
        "M B-actor\n. I-actor\nAliyev I-actor\nparle O\ndu O\nHaut B-actor\n- O\nKarabagh O\n. O"
    );
}

#[test]
fn conll_import_refuses_tag_sequences_the_scheme_forbids() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            Scheme::Iob2,
            "Le O\nchat I-actor\n",
            2,
            "I-actor does not continue an entity (iob2 scheme)",
        ),
        (
            Scheme::Bioes,
            "Le B-actor\nchat O\n",
            2,
            "O while the entity actor is still open (it needs E-actor)",
        ),
        (Scheme::Bioes, "Le E-actor\n", 1, "E-actor does not continue"),
        (
            Scheme::Iob2,
            "Le B-actor\nchat I-event\n",
            2,
            "I-event does not continue",
        ),
        (Scheme::Iob2, "Le X-actor\n", 1, "unknown tag \"X-actor\""),
    ];
    for (scheme, content, line, reason) in cases {
        let file = dir.path().join("bad.conll");
        std::fs::write(&file, content).unwrap();
        let options = ImportOptions {
            scheme,
            ..ImportOptions::default()
        };
        let err = Format::Conll
            .importer()
            .unwrap()
            .import(std::slice::from_ref(&file), &options, &Progress::new())
            .map(|_| ())
            .expect_err(content);
        let message = err.to_string();
        assert!(message.contains(&format!("bad.conll:{line}:")), "{message}");
        assert!(message.contains(reason), "{message} (wanted {reason})");
    }
}

#[test]
fn conll_import_reads_conll_2003_columns() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("eng.conll");
    std::fs::write(
        &file,
        "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\ncall NN I-NP O\n. . O O\n",
    )
    .unwrap();
    let back = import(Format::Conll, &[file], &ImportOptions::default());
    let p = back.project;
    assert_eq!(p.documents[0].text.as_str(), "EU rejects German call .");
    let spans: Vec<(&str, &str)> = p
        .annotations()
        .iter()
        .map(|a| (a.label.as_str(), a.text.as_str()))
        .collect();
    assert_eq!(spans, [("ORG", "EU"), ("MISC", "German")]);
}

// ---------------------------------------------------------------------------
// JSONL variants (doccano)

#[test]
fn doccano_variants_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doccano.jsonl");
    // Offsets in UTF-16 units, as doccano counts them: 👍 is two units.
    let lines = [
        r#"{"id": 7, "text": "👍 Bakou accuse Erevan", "label": [[3, 8, "LOC"], [16, 22, "LOC"]]}"#,
        r#"{"text": "👍 Bakou", "labels": [[3, 8, "LOC"]]}"#,
        r#"{"id": 9, "text": "👍 Bakou Erevan", "entities": [{"id": 1, "label": "LOC", "start_offset": 3, "end_offset": 8}, {"id": 2, "label": "LOC", "start_offset": 9, "end_offset": 15}], "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "near"}, {"id": 2, "from_id": 1, "to_id": 1, "type": "self"}]}"#,
        r#"{"data": "👍 Bakou", "label": [[3, 8, "LOC"]]}"#,
    ];
    std::fs::write(&file, lines.join("\n")).unwrap();
    let options = ImportOptions {
        offsets: OffsetUnit::Utf16,
        author: "doccano-user".into(),
        lenient: true,
        ..ImportOptions::default()
    };
    let back = import(Format::Jsonl, &[file], &options);
    let p = &back.project;
    assert_eq!(p.documents.len(), 4);
    assert_eq!(p.documents[0].id, "7");
    let texts: Vec<&str> = p.annotations().iter().map(|a| a.text.as_str()).collect();
    assert_eq!(texts, ["Bakou", "Erevan", "Bakou", "Erevan", "Bakou", "Bakou"]);
    assert!(
        p.annotations()
            .iter()
            .all(|a| a.author == "doccano-user" && a.label == "LOC")
    );
    // doccano's relation (by entity ids) is imported; the one whose two
    // ends are the same entity is refused, said with its line.
    let relations = p.relations();
    assert_eq!(relations.len(), 1);
    assert_eq!(relations[0].kind, "near");
    let end = |id| p.annotation(id).unwrap().text.as_str();
    assert_eq!((end(relations[0].from), end(relations[0].to)), ("Bakou", "Erevan"));
    assert_eq!(back.skipped.len(), 1);
    assert_eq!(back.skipped[0].line, Some(3));
    assert!(back.skipped[0].reason.contains("relation self"), "{}", back.skipped[0]);
}

#[test]
fn a_malformed_span_is_left_out_alone_when_lenient_and_stops_the_import_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pred.jsonl");
    std::fs::write(
        &file,
        r#"{"text": "Bakou accuse Erevan", "label": [[0, 5, "LOC"], [-1, 6, "LOC"], "Erevan", [13, 19, "LOC"]]}"#,
    )
    .unwrap();
    let lenient = ImportOptions {
        lenient: true,
        ..ImportOptions::default()
    };
    let back = import(Format::Jsonl, std::slice::from_ref(&file), &lenient);
    let texts: Vec<&str> = back.project.annotations().iter().map(|a| a.text.as_str()).collect();
    assert_eq!(texts, ["Bakou", "Erevan"], "the document and its good spans are kept");
    let reasons: Vec<&str> = back.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].starts_with("\"label\" item 2 left out: span start"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].starts_with("\"label\" item 3 left out: items must be"),
        "{reasons:?}"
    );
    assert!(back.skipped.iter().all(|s| s.line == Some(1)));
    let err = Format::Jsonl
        .importer()
        .expect("importable")
        .import(&[file], &ImportOptions::default(), &Progress::new())
        .unwrap_err()
        .to_string();
    assert!(err.contains(":1: \"label\" item 2 left out"), "{err}");
}

#[test]
fn documents_with_very_long_ids_are_written_under_short_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("long.jsonl");
    let ids = ["a".repeat(300), "ж".repeat(300)];
    let lines: Vec<String> = ids
        .iter()
        .map(|id| serde_json::json!({"id": id, "text": format!("Bakou {}", id.len())}).to_string())
        .collect();
    std::fs::write(&input, lines.join("\n")).unwrap();
    let project = dir.path().join("out/p.ron");
    let o = marginalia(&["import", "--format", "jsonl", p(&input), "-o", p(&project)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let back = marginalia::persist::open(&project).expect("reads back");
    let mut kept: Vec<&str> = back.documents.iter().map(|d| d.id.as_str()).collect();
    kept.sort_unstable();
    assert_eq!(kept, [ids[0].as_str(), ids[1].as_str()], "the ids are kept whole");
    assert!(back.documents.iter().all(|d| d.path.len() <= 124), "short file names");
}

#[test]
fn text_classification_labels_are_not_mistaken_for_spans() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cls.jsonl");
    std::fs::write(&file, r#"{"text": "Bakou", "label": ["positive"]}"#).unwrap();
    let err = Format::Jsonl
        .importer()
        .unwrap()
        .import(&[file], &ImportOptions::default(), &Progress::new())
        .map(|_| ())
        .unwrap_err();
    assert!(
        err.to_string().contains("cls.jsonl:1: \"label\" holds document labels"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// Golden files

/// A fixed small project: two documents (French with CRLF, and mixed
/// scripts with astral emoji, ZWJ sequences and combining marks), nested
/// and adjacent annotations, notes with tabs and newlines, metadata.
fn small() -> Project {
    let fr = french();
    let mixed_text = common::MIXED_TEXT;
    let mixed = fixed(
        mixed_text,
        &[
            ("Ilham Aliyev", "actor"),
            ("a déclaré la victoire", "claim"),
            ("👨🏻‍🚒", "actor"),
            ("café\u{301}", "event"),
            ("Հայաստան", "actor"),
            ("Россия", "actor"),
            ("مرحبا", "claim"),
            ("中文文本 — 🇦🇲", "event"),
        ],
    );
    let mut docs = fr.documents.clone();
    let mut mixed_doc = mixed.documents[0].clone();
    mixed_doc.id = "mixed".into();
    mixed_doc.title = "Écritures mêlées".into();
    mixed_doc.path = "mixed.txt".into();
    mixed_doc.status = Status::Done;
    docs.push(mixed_doc);
    let mut annotations: Vec<Annotation> = fr.annotations().to_vec();
    for (i, a) in mixed.annotations().iter().enumerate() {
        let mut a = a.clone();
        a.doc = "mixed".into();
        a.id = AnnotationId::from_u64(2000 + i as u64);
        if i == 1 {
            a.note = "Tab\there, and a new line:\nsecond line, \"quoted\".".into();
            a.meta.insert("source".into(), "AFP".into());
        }
        if i == 2 {
            a.author = "Léa Martin".into();
        }
        annotations.push(a);
    }
    Project::from_parts("Petit projet".into(), fr.schema, docs, annotations)
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Compares `content` with the golden file `name`; with
/// `MARGINALIA_BLESS=1` writes it instead.
fn check_golden(name: &str, content: &str) {
    let path = golden_dir().join(name);
    if std::env::var_os("MARGINALIA_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with MARGINALIA_BLESS=1 to create it)", path.display()));
    assert!(
        expected == content,
        "{} differs from the export:\n--- golden\n{expected}\n--- export\n{content}",
        path.display()
    );
}

fn golden_export(format: Format, options: &ExportOptions, project: &Project, name: &str) {
    let e = format
        .exporter()
        .unwrap()
        .export(project, options, &Progress::new())
        .unwrap();
    for f in &e.files {
        match &f.name {
            Some(file) => check_golden(&format!("{name}/{file}"), &f.content),
            None => check_golden(name, &f.content),
        }
    }
}

#[test]
fn golden_files_of_every_format() {
    let p = small();
    let with = |offsets| ExportOptions {
        offsets,
        ..ExportOptions::default()
    };
    golden_export(Format::Jsonl, &with(OffsetUnit::CodePoint), &p, "small.jsonl");
    golden_export(Format::Jsonl, &with(OffsetUnit::Utf16), &p, "small.utf16.jsonl");
    golden_export(Format::Jsonl, &with(OffsetUnit::Byte), &p, "small.byte.jsonl");
    golden_export(Format::Csv, &with(OffsetUnit::CodePoint), &p, "small.csv");
    golden_export(Format::Brat, &ExportOptions::default(), &p, "small.brat");
    golden_export(Format::Conll, &ExportOptions::default(), &p, "small.conll");
}

#[test]
fn golden_files_of_every_conll_scheme_on_french() {
    let p = french();
    for scheme in [Scheme::Iob2, Scheme::Iob1, Scheme::Bioes] {
        let options = ExportOptions {
            scheme,
            ..ExportOptions::default()
        };
        golden_export(Format::Conll, &options, &p, &format!("french.{}.conll", scheme.name()));
        // And each reads back to the same spans (those the tag column kept).
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("f.conll");
        export(&p, Format::Conll, &options, &out);
        let back = import(
            Format::Conll,
            &[out],
            &ImportOptions {
                scheme,
                ..ImportOptions::default()
            },
        );
        let labels: Vec<(String, String)> = flat_spans(&back.project).concat();
        assert_eq!(labels.len(), 9, "{labels:?}");
        assert_eq!(labels[0], ("actor".to_owned(), "L’arméed’Azerbaïdjan".to_owned()));
        assert_eq!(labels[2], ("actor".to_owned(), "Premierministrearménien".to_owned()));
        assert_eq!(labels[3], ("actor".to_owned(), "NikolPachinian".to_owned()));
        assert_eq!(labels[7], ("actor".to_owned(), "Bakou".to_owned()));
        assert_eq!(labels[8], ("actor".to_owned(), "Erevan".to_owned()));
    }
}

// ---------------------------------------------------------------------------
// The command line

#[test]
fn cli_export_import_round_trip_of_the_sample_project() {
    let dir = tempfile::tempdir().unwrap();
    let sample = common::sample_project_path();
    let sample_before = std::fs::read(&sample).unwrap();
    for (format, out) in [("jsonl", "out.jsonl"), ("brat", "brat")] {
        let out = dir.path().join(out);
        let o = marginalia(&["export", p(&sample), "--format", format, "-o", p(&out)]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(String::from_utf8_lossy(&o.stdout).contains("4 document(s), 156 annotation(s)"));
        let project = dir.path().join(format).join("p.ron");
        let o = marginalia(&["import", "--format", format, p(&out), "-o", p(&project)]);
        assert!(o.status.success(), "{}", stderr(&o));
        let o = marginalia(&["diff", p(&sample), p(&project), "--json"]);
        let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        // Every annotation, relation and attribute value comes back.
        for key in ["added", "removed", "relabeled", "resized", "note_changed"] {
            assert_eq!(d[key], 0, "{format} {key}: {d}");
        }
        assert_eq!(
            d["relations"],
            serde_json::json!({"added": 0, "removed": 0, "retyped": 0, "note_changed": 0}),
            "{format}"
        );
        assert_eq!(d["attributes_changed"], serde_json::json!([]), "{format}");
        if format == "brat" {
            // brat's manifest also keeps the schema's structure.
            let o = marginalia(&["diff", p(&sample), p(&project)]);
            assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
        }
        let o = marginalia(&["validate", p(&project)]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    }
    assert_eq!(
        std::fs::read(&sample).unwrap(),
        sample_before,
        "exporting never writes the project"
    );
}

#[test]
fn cli_export_filters_and_warns() {
    let dir = tempfile::tempdir().unwrap();
    let sample = common::sample_project_path();
    let out = dir.path().join("claims.csv");
    let o = marginalia(&[
        "export",
        p(&sample),
        "--format",
        "csv",
        "--labels",
        "claim",
        "--status",
        "done",
        "--offsets",
        "utf16",
        "-o",
        p(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
    let project = marginalia::persist::load(&sample).unwrap().project;
    let done: Vec<&str> = project
        .documents
        .iter()
        .filter(|d| d.status == Status::Done)
        .map(|d| d.id.as_str())
        .collect();
    let expected = project
        .annotations()
        .iter()
        .filter(|a| a.label == "claim" && done.contains(&a.doc.as_str()))
        .count();
    assert!(expected > 0);
    assert_eq!(rows.len(), expected);
    assert!(rows.iter().all(|r| &r[3] == "claim" && &r[11] == "utf16"));

    let o = marginalia(&[
        "export",
        p(&sample),
        "--format",
        "csv",
        "--labels",
        "claims",
        "-o",
        p(&out),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no label \"claims\""), "{}", stderr(&o));

    let conll = dir.path().join("out.conll");
    let o = marginalia(&["export", p(&sample), "--format", "conll", "-o", p(&conll)]);
    assert!(o.status.success());
    let warnings = stderr(&o).lines().filter(|l| l.starts_with("warning: ")).count();
    assert!(warnings > 0, "the sample has nested annotations");
    assert!(stderr(&o).contains(&format!("{warnings} annotation(s) could not be represented")));
}

#[test]
fn cli_refuses_bad_input_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &str, &str); 5] = [
        (
            "jsonl",
            "bad.jsonl",
            "{\"text\": \"Bakou\", \"label\": [[0, 5, \"LOC\"]]}\n{\"text\": broken}\n",
            "bad.jsonl:2: not valid JSON at column 10",
        ),
        (
            "jsonl",
            "far.jsonl",
            "{\"text\": \"abc\", \"label\": [[0, 9, \"LOC\"]]}\n",
            "far.jsonl:1: offset 9 is beyond the end of the text (3 code points)",
        ),
        (
            "jsonl",
            "quote.jsonl",
            "{\"text\": \"abc\", \"spans\": [{\"start\": 0, \"end\": 2, \"label\": \"x\", \"text\": \"zz\"}]}\n",
            "quote.jsonl:1: the span [0, 2) quotes \"zz\" but the text there is \"ab\"",
        ),
        (
            "conll",
            "bad.conll",
            "Le O\nchat I-X\n",
            "bad.conll:2: I-X does not continue an entity",
        ),
        (
            "brat",
            "doc.ann",
            "T1\tactor 0 5\tBakoo\n",
            "doc.ann:1: T1: the line quotes \"Bakoo\"",
        ),
    ];
    for (format, name, content, message) in cases {
        let input = dir.path().join(name);
        std::fs::write(&input, content).unwrap();
        std::fs::write(dir.path().join("doc.txt"), "Bakou et Erevan").unwrap();
        let project = dir.path().join(format!("out-{name}")).join("p.ron");
        let o = marginalia(&["import", "--format", format, p(&input), "-o", p(&project)]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        assert!(stderr(&o).contains(message), "{name}: {}", stderr(&o));
        assert!(!project.parent().unwrap().exists(), "{name}: nothing is written");
    }

    // --lenient imports the valid record and lists the rest.
    let input = dir.path().join("mixed.jsonl");
    std::fs::write(
        &input,
        "{\"text\": \"Bakou\", \"label\": [[0, 5, \"LOC\"]]}\n{\"text\": broken}\n{\"text\": \"abc\", \"label\": [[0, 9, \"LOC\"]]}\n",
    )
    .unwrap();
    let project = dir.path().join("lenient/p.ron");
    let o = marginalia(&["import", "--format", "jsonl", "--lenient", p(&input), "-o", p(&project)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("skipped: ") && err.contains("mixed.jsonl:2: not valid JSON"),
        "{err}"
    );
    assert!(err.contains("mixed.jsonl:3: offset 9 is beyond the end"), "{err}");
    assert!(err.contains("2 record(s) skipped"), "{err}");
    let loaded = marginalia::persist::load(&project).unwrap();
    assert!(loaded.problems.is_empty());
    assert_eq!(loaded.project.annotations().len(), 1);
    assert_eq!(loaded.project.annotations()[0].author, "cli-test");

    // An existing project is never overwritten.
    let before = std::fs::read(&project).unwrap();
    let o = marginalia(&["import", "--format", "jsonl", "--lenient", p(&input), "-o", p(&project)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&project).unwrap(), before);
}

#[test]
fn cli_import_of_text_files_and_brat_extras() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join("a.txt"), "Premier texte.\n").unwrap();
    // Latin-1 bytes: "Été à Bakou."
    std::fs::write(
        corpus.join("b.md"),
        b"\xC9t\xE9 \xE0 Bakou, d\xE9j\xE0 chaud et tr\xE8s sec.\n",
    )
    .unwrap();
    std::fs::write(corpus.join("ignored.pdf"), b"%PDF").unwrap();
    let project = dir.path().join("new/texts.ron");
    let o = marginalia(&["import", "--format", "text", p(&corpus), "-o", p(&project)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("decoded as windows-1252"), "{}", stderr(&o));
    let loaded = marginalia::persist::load(&project).unwrap();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let p_ = &loaded.project;
    assert_eq!(p_.documents.len(), 2);
    assert!(p_.documents[1].text.as_str().starts_with("Été à Bakou"));
    // The default schema, ready to annotate.
    let ids: Vec<&str> = p_.schema.labels.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["event", "claim", "actor"]);
    // Documents are written beside the project, as UTF-8.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("new/b.txt")).unwrap(),
        p_.documents[1].text.as_str()
    );

    // brat: relations, attributes and discontinuous spans are imported.
    let brat = dir.path().join("brat");
    std::fs::create_dir_all(&brat).unwrap();
    std::fs::write(brat.join("d.txt"), "Bakou accuse Erevan.").unwrap();
    std::fs::write(
        brat.join("d.ann"),
        "T1\tLOC 0 5\tBakou\nT2\tLOC 13 19\tErevan\nT3\tEvent 6 12;13 19\taccuse Erevan\nR1\taccuses Arg1:T1 Arg2:T2\nA1\tNegated T3\n#1\tAnnotatorNotes T1\tcapitale\n",
    )
    .unwrap();
    let project = dir.path().join("fromBrat/p.ron");
    let o = marginalia(&[
        "import",
        "--format",
        "brat",
        p(&brat),
        "-o",
        p(&project),
        "--author",
        "brat-user",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let loaded = marginalia::persist::load(&project).unwrap().project;
    let r = &loaded.relations()[0];
    assert_eq!(r.kind, "accuses");
    assert_eq!(loaded.annotation(r.from).unwrap().text, "Bakou");
    let event = loaded.annotations().iter().find(|a| a.label == "Event").unwrap();
    assert_eq!(event.fragments, [(6, 12), (13, 19)]);
    assert_eq!(event.text, "accuse … Erevan");
    assert_eq!(event.attrs["Negated"], marginalia::model::AttrValue::Flag(true));
    let spans: Vec<(&str, &str, &str, &str)> = loaded
        .annotations()
        .iter()
        .map(|a| (a.label.as_str(), a.text.as_str(), a.note.as_str(), a.author.as_str()))
        .collect();
    assert_eq!(
        spans,
        [
            ("LOC", "Bakou", "capitale", "brat-user"),
            ("Event", "accuse … Erevan", "", "brat-user"),
            ("LOC", "Erevan", "", "brat-user"),
        ]
    );
}

#[test]
fn import_never_overwrites_a_different_document_file() {
    let dir = tempfile::tempdir().unwrap();
    // A file of the same name already sits where the project goes.
    let target = dir.path().join("proj");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("doc-1.txt"), "someone else's file").unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, "{\"text\": \"Bakou\", \"label\": [[0, 5, \"LOC\"]]}\n").unwrap();
    let project = target.join("p.ron");
    let o = marginalia(&["import", "--format", "jsonl", p(&input), "-o", p(&project)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(target.join("doc-1.txt")).unwrap(),
        "someone else's file"
    );
    let loaded = marginalia::persist::load(&project).unwrap();
    assert!(loaded.problems.is_empty());
    assert_eq!(loaded.project.documents[0].path, "doc-1-2.txt");
}

#[test]
fn progress_reaches_the_end_and_cancelling_stops_the_work() {
    let p = small();
    let dir = tempfile::tempdir().unwrap();
    for format in [Format::Jsonl, Format::Csv, Format::Brat, Format::Conll] {
        let progress = Progress::new();
        assert_eq!(progress.fraction(), None);
        let e = format
            .exporter()
            .unwrap()
            .export(&p, &ExportOptions::default(), &progress)
            .unwrap();
        assert_eq!(progress.fraction(), Some(1.0), "{format}");
        let out = dir.path().join(format!("out-{format}"));
        e.write(&out, &OutputGuard::default()).unwrap();
        if let Some(importer) = format.importer() {
            let progress = Progress::new();
            importer
                .import(std::slice::from_ref(&out), &ImportOptions::default(), &progress)
                .unwrap();
            assert_eq!(progress.fraction(), Some(1.0), "{format} import");
            let cancelled = Progress::new();
            cancelled.cancel();
            let result = importer.import(&[out], &ImportOptions::default(), &cancelled);
            assert!(
                matches!(result, Err(marginalia::formats::FormatError::Cancelled)),
                "{format}"
            );
        }
        let cancelled = Progress::new();
        cancelled.cancel();
        let result = format
            .exporter()
            .unwrap()
            .export(&p, &ExportOptions::default(), &cancelled);
        assert!(
            matches!(result, Err(marginalia::formats::FormatError::Cancelled)),
            "{format}"
        );
    }
}
