//! The suggestion layer: stored apart from the annotations in the project
//! file (both readers), checked on load, never exported; accepted,
//! rejected and remembered per source; moved by re-anchoring, combined by
//! the merge; a model's predictions imported as suggestions with exact
//! offsets; `agree --suggestions`; the search's "suggested" state and the
//! `suggested=` document filter.

use std::path::{Path, PathBuf};

use crate::common;
use crate::corpus::{json, sample};

use common::{marginalia, p, stderr, stdout};
use marginalia::edit::Command;
use marginalia::model::{Document, Project, Suggestion, Text, Timestamp};
use marginalia::persist;
use marginalia::search::suggest;

fn gazetteer(dir: &Path) -> PathBuf {
    let path = dir.join("actors.tsv");
    std::fs::write(&path, "armée azerbaïdjanaise\tactor\nStepanakert\tactor\n").expect("write");
    path
}

/// A gazetteer saved by a spreadsheet (UTF-16 with a byte-order mark, or
/// Windows-1252) is read as documents are; a binary file is refused by
/// name; a file with several bad lines lists them all.
#[test]
fn gazetteer_files_are_decoded_as_documents_are_and_their_problems_listed() {
    let (dir, path) = sample();
    let utf8 = gazetteer(dir.path());
    let text = std::fs::read_to_string(&utf8).unwrap();
    let count = |file: &Path| {
        let o = marginalia(&["suggest", p(&path), "--gazetteer", p(file), "--dry-run", "--json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        json(&o)["total"].as_u64().unwrap()
    };
    let expected = count(&utf8);
    assert!(expected > 3);
    let utf16 = dir.path().join("utf16.tsv");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&utf16, bytes).unwrap();
    assert_eq!(count(&utf16), expected, "UTF-16 with a BOM");
    let latin = dir.path().join("latin.tsv");
    let (encoded, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    std::fs::write(&latin, encoded.as_ref()).unwrap();
    assert_eq!(count(&latin), expected, "Windows-1252");
    let binary = dir.path().join("binary.tsv");
    std::fs::write(&binary, [0u8, 1, 2, 3, 0, 0, 159, 146, 150]).unwrap();
    let o = marginalia(&["suggest", p(&path), "--gazetteer", p(&binary), "--dry-run"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("binary.tsv looks like a binary file"),
        "{}",
        stderr(&o)
    );
    let bad = dir.path().join("bad.tsv");
    std::fs::write(&bad, "Bakou\tplace\n.\tactor\nok\tactor\n").unwrap();
    let o = marginalia(&["suggest", p(&path), "--gazetteer", p(&bad), "--dry-run"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("bad.tsv has 2 problems:"), "{err}");
    assert!(err.contains("line 1: \"place\" is not a label"), "{err}");
    assert!(err.contains("line 2: \".\" has no letter or digit"), "{err}");
}

#[test]
fn suggestions_are_stored_apart_read_by_both_readers_checked_and_never_exported() {
    let (dir, path) = sample();
    let before = persist::open(&path).expect("opens");
    let g = gazetteer(dir.path());
    let o = marginalia(&["suggest", p(&path), "--gazetteer", p(&g), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = json(&o);
    let total = out["total"].as_u64().unwrap() as usize;
    assert!(total > 3, "{total}");
    assert_eq!(out["stored"], total);
    let after = persist::open(&path).expect("still valid");
    assert_eq!(after.annotations(), before.annotations(), "no annotation made");
    assert_eq!(after.suggestions().len(), total);
    for s in after.suggestions() {
        let doc = after.document(&s.doc).unwrap();
        assert_eq!(doc.text.slice(s.range()), Some(s.text.as_str()), "code points, quoted");
        assert_eq!(s.source, "gazetteer:actors.tsv");
    }
    let source = std::fs::read_to_string(&path).unwrap();
    assert!(source.contains("\n    suggestions: [\n"), "a section of its own");
    // The same file read by ron (a space makes it non-canonical) is the same project.
    let loose = source.replace("        (doc: ", "        ( doc: ");
    std::fs::write(dir.path().join("loose.ron"), &loose).unwrap();
    let by_ron = persist::open(&dir.path().join("loose.ron")).expect("ron reads it");
    assert_eq!(by_ron.suggestions(), after.suggestions());
    // Never exported as annotations.
    let out_file = dir.path().join("out.jsonl");
    let o = marginalia(&["export", p(&path), "--format", "jsonl", "-o", p(&out_file)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("{} annotation(s)", before.annotations().len())),
        "{}",
        stdout(&o)
    );
    // Offered once: running the gazetteer again finds nothing new.
    let again = json(&marginalia(&["suggest", p(&path), "--gazetteer", p(&g), "--json"]));
    assert_eq!(again["total"], 0);
    // A suggestion edited by hand to quote the wrong text: an error on its line.
    let first = &after.suggestions()[0];
    let line = format!("text: {:?}", first.text);
    let at = source
        .find(&format!("start: {}, end: {}", first.start, first.end))
        .unwrap();
    let line_no = source[..at].matches('\n').count() + 1;
    let broken = format!(
        "{}{}",
        &source[..at],
        source[at..].replacen(&line, "text: \"something else\"", 1)
    );
    std::fs::write(&path, broken).unwrap();
    let o = marginalia(&["validate", p(&path)]);
    let err = stdout(&o) + &stderr(&o);
    assert!(err.contains("suggestion") && err.contains("something else"), "{err}");
    assert!(err.contains(&format!(":{line_no}:")), "line {line_no}: {err}");
    // A stale suggestion is listed, not fatal: the annotations stay workable
    // (exported, edited), and accepting everything leaves it where it is.
    let out_file = dir.path().join("again.jsonl");
    let o = marginalia(&["export", p(&path), "--format", "jsonl", "-o", p(&out_file)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = marginalia(&["suggest", p(&path), "--gazetteer", p(&g), "--accept-all", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&o)["accepted"], total - 1, "all but the stale one");
    let left = persist::load(&path).expect("loads");
    assert_eq!(left.project.suggestions().len(), 1);
    assert_eq!(left.project.suggestions()[0].text, "something else");
    // One naming a document the project does not have is an error.
    let source = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, source.replacen("(doc: \"", "(doc: \"nowhere", 1)).unwrap();
    let o = marginalia(&["validate", p(&path)]);
    assert!(!o.status.success());
    assert!(stdout(&o).contains("not in the project") || stderr(&o).contains("not in the project"));
}

#[test]
fn a_gazetteer_does_not_suggest_inside_a_tag_and_accepting_rejects_rival_boundaries() {
    let mut p = one_doc_project("Nikol Pashinyan et l’armée azerbaïdjanaise.");
    let whole = common::span(p.documents[0].text.as_str(), "Nikol Pashinyan");
    let a = marginalia::edit::new_annotation(&p, "d", whole, "actor", "ana", Timestamp::from_unix(0)).unwrap();
    Command::AddAnnotations(vec![a]).apply(&mut p).unwrap();
    let list = suggest::read_gazetteer(
        "Pashinyan\tactor\nl’armée azerbaïdjanaise\tactor\narmée azerbaïdjanaise\tactor\n",
        &p,
        false,
    )
    .unwrap();
    let found = suggest::suggest(&p, &list, "g", &|_| true);
    let texts: Vec<&str> = found.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        texts,
        ["l’armée azerbaïdjanaise"],
        "not « Pashinyan » inside the tag; the longest match"
    );
    // Two sources, two boundaries for the same thing.
    let mut rival = suggestion(&p, "armée azerbaïdjanaise", "model:x");
    rival.label = "actor".into();
    Command::AddSuggestions(found.clone()).apply(&mut p).unwrap();
    Command::AddSuggestions(vec![rival.clone()]).apply(&mut p).unwrap();
    assert!(p.is_open(&rival));
    let step = suggest::accept_step(&p, &found, "ana", Timestamp::from_unix(1)).unwrap();
    assert_eq!((step.tagged, step.accepted.len(), step.rivals.len()), (1, 1, 1));
    assert_eq!(step.command.describe(), "accept 1 suggestion, reject 1 rival over them");
    step.command.apply(&mut p).unwrap();
    let kept = p.suggestion(rival.key()).expect("kept").clone();
    assert!(
        kept.rejected && !p.is_open(&kept),
        "the rival boundary is rejected with it"
    );
    assert_eq!(p.annotations().len(), 2, "one actor for the army, not two");
    // Accepted together, the phrase wins over the word inside it,
    // whichever source offered which.
    let mut r = one_doc_project("l’armée azerbaïdjanaise a tiré.");
    let mut word = suggestion(&r, "armée", "gazetteer:b.tsv");
    let mut phrase = suggestion(&r, "armée azerbaïdjanaise", "gazetteer:a.tsv");
    word.label = "actor".into();
    phrase.label = "actor".into();
    Command::AddSuggestions(vec![word.clone(), phrase.clone()])
        .apply(&mut r)
        .unwrap();
    let both = [word.clone(), phrase];
    let step = suggest::accept_step(&r, &both, "ana", Timestamp::from_unix(1)).unwrap();
    step.command.apply(&mut r).unwrap();
    let tagged: Vec<&str> = r.annotations().iter().map(|a| a.text.as_str()).collect();
    assert_eq!(tagged, ["armée azerbaïdjanaise"]);
    assert!(
        r.suggestion(word.key()).expect("kept").rejected,
        "the word is the rival"
    );
    // And a span tagged by hand with other boundaries settles a suggestion.
    let mut q = one_doc_project("Ilham Aliyev a parlé.");
    let s = suggestion(&q, "Aliyev", "g");
    Command::AddSuggestions(vec![s.clone()]).apply(&mut q).unwrap();
    let full = common::span("Ilham Aliyev a parlé.", "Ilham Aliyev");
    let a = marginalia::edit::new_annotation(&q, "d", full, "actor", "ana", Timestamp::from_unix(0)).unwrap();
    Command::AddAnnotations(vec![a]).apply(&mut q).unwrap();
    assert!(!q.is_open(&s));
}

#[test]
fn accepted_suggestions_keep_their_source_rejected_ones_are_remembered_per_source() {
    let (dir, path) = sample();
    let g = gazetteer(dir.path());
    let before = dir.path().join("before.ron");
    std::fs::copy(&path, &before).unwrap();
    assert!(
        marginalia(&["suggest", p(&path), "--gazetteer", p(&g)])
            .status
            .success()
    );
    let mut project = persist::open(&path).expect("opens");
    // stats counts them apart from the annotations.
    let stats = json(&marginalia(&["stats", p(&path), "--json"]));
    assert_eq!(stats["suggestions"]["open"], project.suggestions().len());
    assert_eq!(
        stats["suggestions"]["by_source"]["gazetteer:actors.tsv"],
        project.suggestions().len()
    );
    assert_eq!(stats["annotations"], project.annotations().len());
    // The versions' diff counts the layer's changes.
    let o = marginalia(&["diff", p(&before), p(&path), "--json"]);
    assert_eq!(o.status.code(), Some(1), "they differ: {}", stdout(&o));
    let d = json(&o);
    assert_eq!(d["suggestions"]["added"], project.suggestions().len());
    assert_eq!(d["added"], 0, "no annotation");
    let o = marginalia(&["diff", p(&before), p(&path)]);
    assert!(stdout(&o).contains(&format!("suggestions: {} added", project.suggestions().len())));
    let all = project.suggestions().to_vec();
    let (first, second) = (all[0].clone(), all[1].clone());
    let at = Timestamp::from_unix(10);
    let reject = suggest::reject(std::slice::from_ref(&first));
    let undo_reject = reject.apply(&mut project).expect("rejects");
    assert!(project.suggestion(first.key()).expect("kept").rejected);
    let accept = suggest::accept(&project, std::slice::from_ref(&second), "ana", at).expect("step");
    assert_eq!(accept.describe(), "accept 1 suggestion");
    let undo_accept = accept.apply(&mut project).expect("accepts");
    assert!(project.suggestion(second.key()).is_none(), "taken out of the layer");
    let made = project
        .annotations_of(&second.doc)
        .iter()
        .find(|a| (a.start, a.end, a.label.as_str()) == (second.start, second.end, second.label.as_str()))
        .expect("an annotation");
    assert_eq!(made.meta["suggested_by"], "gazetteer:actors.tsv");
    assert_eq!(made.meta["pattern"], second.pattern);
    assert_eq!(made.author, "ana");
    // Neither is offered again by the gazetteer, nor by another list (a
    // revised file): a rejection stands whoever offered the span, and what
    // is open is not offered twice.
    let patterns = suggest::read_gazetteer(&std::fs::read_to_string(&g).unwrap(), &project, false).unwrap();
    let again = suggest::suggest(&project, &patterns, "gazetteer:actors.tsv", &|_| true);
    assert!(again.iter().all(|s| s.key() != first.key() && s.key() != second.key()));
    assert!(again.is_empty(), "the rest are open already");
    let other = suggest::suggest(&project, &patterns, "gazetteer:actors-v2.tsv", &|_| true);
    assert!(other.is_empty(), "{other:?}");
    // A span no source offered yet is offered by the new list.
    let mut fresh = project.clone();
    let offered: Vec<Suggestion> = fresh
        .suggestions()
        .iter()
        .filter(|s| s.key() != first.key())
        .cloned()
        .collect();
    Command::RemoveSuggestions(offered).apply(&mut fresh).unwrap();
    let other = suggest::suggest(&fresh, &patterns, "gazetteer:actors-v2.tsv", &|_| true);
    assert!(!other.is_empty());
    assert!(
        other
            .iter()
            .all(|s| (s.start, s.end, &s.doc) != (first.start, first.end, &first.doc)),
        "the rejected span is not offered by the new list"
    );
    assert!(
        other
            .iter()
            .all(|s| (s.start, s.end, &s.doc) != (second.start, second.end, &second.doc)),
        "tagged now: no source suggests it"
    );
    // Undone: both come back as they were.
    undo_accept.apply(&mut project).expect("undo accept");
    undo_reject.apply(&mut project).expect("undo reject");
    assert_eq!(project.suggestions(), all.as_slice());
    // --accept-all takes what is open from that source, in one save.
    let o = marginalia(&["suggest", p(&path), "--gazetteer", p(&g), "--accept-all", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&o)["accepted"], all.len());
    let done = persist::open(&path).unwrap();
    assert!(done.suggestions().is_empty());
    let from_gazetteer = done
        .annotations()
        .iter()
        .filter(|a| a.meta.get("suggested_by").is_some_and(|s| s == "gazetteer:actors.tsv"))
        .count();
    assert_eq!(from_gazetteer, all.len());
}

#[test]
fn search_states_and_document_filters_see_open_suggestions() {
    let (dir, path) = sample();
    let g = gazetteer(dir.path());
    assert!(
        marginalia(&["suggest", p(&path), "--gazetteer", p(&g)])
            .status
            .success()
    );
    let project = persist::open(&path).unwrap();
    let o = marginalia(&["search", p(&path), "Stepanakert", "--word", "--json"]);
    let out = json(&o);
    let hits = out["hits"].as_array().unwrap();
    let suggested: Vec<&serde_json::Value> = hits.iter().filter(|h| h["state"] == "suggested").collect();
    assert!(!suggested.is_empty());
    for h in &suggested {
        assert_eq!(h["suggested"][0], "actor");
        assert!(h["labels"].as_array().unwrap().is_empty(), "not a tag");
    }
    let with: Vec<&str> = project
        .documents
        .iter()
        .filter(|d| marginalia::search::doc_matches(&project, d, "suggested=yes"))
        .map(|d| d.id.as_str())
        .collect();
    let expected: std::collections::BTreeSet<&str> = project.suggestions().iter().map(|s| s.doc.as_str()).collect();
    assert_eq!(with.len(), expected.len());
    assert!(with.iter().all(|d| expected.contains(d)));
    let without = project
        .documents
        .iter()
        .filter(|d| marginalia::search::doc_matches(&project, d, "suggested=no"))
        .count();
    assert_eq!(with.len() + without, project.documents.len());
    assert!(marginalia::search::filter_problem(&project, "suggested=maybe").is_some());
    assert!(marginalia::search::filter_problem(&project, "suggested=actor").is_none());
}

/// Text with every kind of trap: astral emoji, a ZWJ sequence, combining
/// marks, Armenian, Cyrillic, Arabic, CJK, and CRLF line ends.
const TORTURE: &str =
    "Nikol Pashinyan 👨🏻‍🚒 a dit:\r\nԵրևան et Москва, الرئيس puis 北京 — e\u{301}lu Ilham Aliyev 🇦🇲.\r\n";

fn utf16(text: &str, cp: usize) -> usize {
    text.chars().take(cp).map(char::len_utf16).sum()
}

#[test]
fn model_predictions_become_suggestions_with_exact_offsets_and_agree_scores_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("torture.txt"), TORTURE).unwrap();
    let path = dir.path().join("p.ron");
    let o = marginalia(&["new", p(&path), p(&docs)]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Gold: Pashinyan tagged by a person.
    let gold = common::span(TORTURE, "Nikol Pashinyan");
    tag(&path, "torture", &gold, "actor");
    // A model's output in UTF-16 offsets (as JavaScript tools write):
    // Pashinyan (right), Aliyev (right, untagged), Москва (wrong), and a
    // label the project lacks; plus a text that is not in the project.
    let wanted = ["Nikol Pashinyan", "Ilham Aliyev", "Москва", "北京"];
    let labels = ["PER", "PER", "PER", "GPE"];
    let spans: Vec<serde_json::Value> = wanted
        .iter()
        .zip(labels)
        .map(|(w, l)| {
            let r = common::span(TORTURE, w);
            serde_json::json!([utf16(TORTURE, r.start), utf16(TORTURE, r.end), l])
        })
        .collect();
    let pred = dir.path().join("spacy.jsonl");
    let lines = [
        serde_json::json!({"text": TORTURE, "label": spans}).to_string(),
        serde_json::json!({"text": "Another text.", "label": [[0, 7, "PER"]]}).to_string(),
    ];
    std::fs::write(&pred, lines.join("\n") + "\n").unwrap();
    let before = std::fs::read(&path).unwrap();
    let o = marginalia(&[
        "import",
        "--format",
        "jsonl",
        p(&pred),
        "--offsets",
        "utf16",
        "--as-suggestions",
        "--into",
        p(&path),
        "--label-map",
        "PER=actor",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = json(&o);
    assert_eq!(out["source"], "model:spacy");
    assert_eq!(
        out["added"], 3,
        "Pashinyan (tagged already: kept, not offered), Aliyev, Москва"
    );
    assert_eq!(out["tagged"], 1);
    assert_eq!(out["already"], 0);
    assert_eq!(out["unknown_labels"]["GPE"], 1);
    assert_eq!(out["unmatched_documents"].as_array().unwrap().len(), 1);
    let project = persist::open(&path).expect("valid");
    let texts: Vec<&str> = project.suggestions().iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        texts,
        ["Nikol Pashinyan", "Москва", "Ilham Aliyev"],
        "exact code points from UTF-16"
    );
    let open: Vec<&str> = project.open_suggestions().map(|s| s.text.as_str()).collect();
    assert_eq!(open, ["Москва", "Ilham Aliyev"], "what people tagged is not offered");
    // The same file again: nothing new.
    let again = marginalia(&[
        "import",
        "--format",
        "jsonl",
        p(&pred),
        "--offsets",
        "utf16",
        "--as-suggestions",
        "--into",
        p(&path),
        "--label-map",
        "PER=actor",
        "--json",
    ]);
    assert_eq!(json(&again)["added"], 0);
    assert_eq!(json(&again)["already"], 3);
    // Without --into the import still wants -o; --as-suggestions without --into is refused.
    let o = marginalia(&["import", "--format", "jsonl", p(&pred), "--as-suggestions"]);
    assert!(!o.status.success());
    assert_ne!(std::fs::read(&path).unwrap(), before, "the import saved");
    // The model as an annotator: all three, Pashinyan included.
    let o = marginalia(&["agree", p(&path), "--suggestions", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = json(&o);
    let pair = &report["pairs"][0];
    assert!(pair["b"].as_str().unwrap().contains("model:spacy"), "{pair}");
    // Gold: 1 span; model: 3, one of them the gold one: P 1/3, R 1, F1 0.5.
    let f1 = pair["overall"]["f1_exact"].as_f64().unwrap();
    assert!((f1 - 0.5).abs() < 1e-9, "{f1}");
    // Accept Aliyev: the model has two right of three, the gold two.
    let mut project = project;
    let aliyev = project
        .suggestions()
        .iter()
        .find(|s| s.text == "Ilham Aliyev")
        .unwrap()
        .clone();
    suggest::accept(&project, &[aliyev], "ana", Timestamp::from_unix(5))
        .unwrap()
        .apply(&mut project)
        .unwrap();
    let model = marginalia::search::predictions::as_annotator(&project, "model:spacy");
    assert_eq!(
        model.annotations().len(),
        3,
        "the accepted one, the open one, the one people had tagged"
    );
    let report = marginalia::agreement::agree(
        &[("gold".to_owned(), &project), ("model".to_owned(), &model)],
        &Default::default(),
    );
    let f1 = report.pairs[0].overall.f1_exact.value().expect("defined");
    assert!((f1 - 0.8).abs() < 1e-9, "P 2/3, R 1: {f1}");
    // Naming a source that is not there says which are.
    let o = marginalia(&["agree", p(&path), "--suggestions", "model:other"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("model:spacy"), "{}", stderr(&o));
}

#[test]
fn agree_with_a_model_says_which_documents_it_scores_and_can_count_what_it_missed() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let a = "Ilham Aliyev met Nikol Pashinyan.";
    let b = "Nikol Pashinyan spoke.";
    std::fs::write(docs.join("a.txt"), a).unwrap();
    std::fs::write(docs.join("b.txt"), b).unwrap();
    std::fs::write(docs.join("c.txt"), "Nothing here.").unwrap();
    let path = dir.path().join("p.ron");
    assert!(marginalia(&["new", p(&path), p(&docs)]).status.success());
    // People tagged Pashinyan in a and in b.
    for (doc, text) in [("a", a), ("b", b)] {
        let r = common::span(text, "Nikol Pashinyan");
        tag(&path, doc, &r, "actor");
    }
    // The model saw only a: Pashinyan (right) and Aliyev (not tagged).
    let pred = dir.path().join("ner.jsonl");
    std::fs::write(
        &pred,
        serde_json::json!({"text": a, "label": [[0, 12, "actor"], [17, 32, "actor"]]}).to_string()
            + "\n"
            + &serde_json::json!({"text": "Not in the\nproject", "label": [[0, 3, "actor"]]}).to_string()
            + "\n"
            + &serde_json::json!({"text": format!("  {b}\r\n"), "label": [[2, 7, "actor"]]}).to_string(),
    )
    .unwrap();
    let o = marginalia(&[
        "import",
        "--format",
        "jsonl",
        p(&pred),
        "--as-suggestions",
        "--into",
        p(&path),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "skipped: document \"doc-2\" (\"Not in the project\"): its text is not one of the project's documents\n"
        ),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("skipped: document \"doc-3\" (\"Nikol Pashinyan spoke.\"): its text is not one of the project's documents; it is document \"b\"'s but for white space"),
        "{}",
        stderr(&o)
    );
    let f1 = |extra: &[&str]| {
        let mut args = vec!["agree", p(&path), "--suggestions", "--json"];
        args.extend_from_slice(extra);
        let o = marginalia(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        (
            json(&o)["pairs"][0]["overall"]["f1_exact"].as_f64().unwrap(),
            stderr(&o),
        )
    };
    // On the one document it has suggestions for: P 1/2, R 1.
    let (scoped, said) = f1(&[]);
    assert!((scoped - 2.0 / 3.0).abs() < 1e-9, "{scoped}");
    assert!(said.contains("on 1 document"), "{said}");
    assert!(
        said.contains("1 document tagged with these labels has no suggestions from model:ner and is left out"),
        "{said}"
    );
    // Counting b, where it found nothing: P 1/2, R 1/2.
    let (annotated, said) = f1(&["--documents", "annotated"]);
    assert!((annotated - 0.5).abs() < 1e-9, "{annotated}");
    assert!(said.contains("on 2 documents"), "{said}");
    assert!(!said.contains("left out"), "{said}");
    let (all, said) = f1(&["--documents", "all"]);
    assert!((all - 0.5).abs() < 1e-9, "{all}");
    assert!(said.contains("on 3 documents"), "{said}");
    // The choice means nothing without a source.
    let o = marginalia(&["agree", p(&path), p(&path), "--documents", "all"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

/// Predictions whose offsets were counted in another unit cut words: they
/// are refused with the unit to try, not stored as garbage; in the right
/// unit they go in.
#[test]
fn predictions_in_the_wrong_unit_are_refused_with_the_unit_to_try() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let text = "Le président de l’Azerbaïdjan, Ilham Aliyev, a rencontré Nikol Pashinyan à Erevan.";
    std::fs::write(docs.join("a.txt"), text).unwrap();
    let path = dir.path().join("p.ron");
    assert!(marginalia(&["new", p(&path), p(&docs)]).status.success());
    let spans: Vec<serde_json::Value> = ["Ilham Aliyev", "Nikol Pashinyan"]
        .iter()
        .map(|w| {
            let bytes = text.find(w).unwrap();
            serde_json::json!([bytes, bytes + w.len(), "actor"])
        })
        .collect();
    let pred = dir.path().join("ner.jsonl");
    std::fs::write(&pred, serde_json::json!({"text": text, "label": spans}).to_string()).unwrap();
    let before = std::fs::read(&path).unwrap();
    let import_file = |file: &Path, extra: &[&str]| {
        let mut args = vec![
            "import",
            "--format",
            "jsonl",
            p(file),
            "--as-suggestions",
            "--into",
            p(&path),
        ];
        args.extend_from_slice(extra);
        marginalia(&args)
    };
    let import = |extra: &[&str]| import_file(&pred, extra);
    let o = import(&[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("2 of 2 predicted spans start or end inside a word")
            && err.contains("try --offsets byte or utf16"),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before, "nothing stored");
    // A byte offset past the end in code points says which unit it fits.
    let far = dir.path().join("far.jsonl");
    let erevan = text.find("Erevan").unwrap();
    std::fs::write(
        &far,
        serde_json::json!({"text": text, "label": [[erevan, erevan + "Erevan".len(), "actor"]]}).to_string(),
    )
    .unwrap();
    let o = import_file(&far, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("is beyond the end of the text (82 code points); it is within it in UTF-16")
            || stderr(&o).contains("; it is within it in UTF-8 bytes: are the offsets in that unit (--offsets byte)?"),
        "{}",
        stderr(&o)
    );
    let o = import(&["--offsets", "byte", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        (json(&o)["added"].as_u64(), json(&o)["inside_words"].as_u64()),
        (Some(2), Some(0))
    );
    let texts: Vec<String> = persist::open(&path)
        .unwrap()
        .suggestions()
        .iter()
        .map(|s| s.text.clone())
        .collect();
    assert_eq!(texts, ["Ilham Aliyev", "Nikol Pashinyan"]);
    // Nothing the project can take (a label it lacks): a failure, said.
    let per = dir.path().join("per.jsonl");
    std::fs::write(
        &per,
        serde_json::json!({"text": text, "label": [[0, 2, "PER"]]}).to_string(),
    )
    .unwrap();
    let o = import_file(&per, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("nothing was added"), "{}", stderr(&o));
    let o = import_file(&per, &["--model", "a\nb"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("without control characters"), "{}", stderr(&o));
}

/// Tags `range` of `doc` with `label` through `marginalia annotate`.
fn tag(path: &Path, doc: &str, range: &std::ops::Range<usize>, label: &str) {
    let (start, end) = (range.start.to_string(), range.end.to_string());
    let o = marginalia(&[
        "annotate",
        p(path),
        "--doc",
        doc,
        "--start",
        &start,
        "--end",
        &end,
        "--label",
        label,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

fn one_doc_project(text: &str) -> Project {
    let mut p = Project::new("t");
    p.documents.push(Document::new("d", "D", "d.txt", Text::new(text)));
    p
}

fn suggestion(p: &Project, needle: &str, source: &str) -> Suggestion {
    let text = &p.documents[0].text;
    let r = common::span(text.as_str(), needle);
    Suggestion {
        doc: "d".into(),
        start: r.start,
        end: r.end,
        label: "actor".into(),
        text: needle.into(),
        source: source.into(),
        pattern: String::new(),
        entity: None,
        rejected: false,
    }
}

#[test]
fn reanchoring_moves_suggestions_with_their_text_and_drops_those_whose_text_went() {
    let old = "Aliyev met Pashinyan in Moscow.";
    let mut p = one_doc_project(old);
    let s = vec![
        suggestion(&p, "Aliyev", "m"),
        suggestion(&p, "Pashinyan", "m"),
        suggestion(&p, "Moscow", "m"),
    ];
    Command::AddSuggestions(s).apply(&mut p).expect("adds");
    // The text changes on disk: words before, Pashinyan renamed.
    let new = "Yesterday, Aliyev met Nikol in Moscow.";
    p.documents[0].text = Text::new(new);
    let r = marginalia::diff::reanchor(&p, "d", old, Timestamp::from_unix(1)).expect("re-anchors");
    assert_eq!((r.report.suggestions_kept, r.report.suggestions_dropped), (2, 1));
    let undo = r.command.apply(&mut p).expect("applies");
    let moved: Vec<(&str, usize)> = p.suggestions().iter().map(|s| (s.text.as_str(), s.start)).collect();
    assert_eq!(moved, [("Aliyev", 11), ("Moscow", 31)]);
    for s in p.suggestions() {
        assert_eq!(p.documents[0].text.slice(s.range()), Some(s.text.as_str()));
    }
    undo.apply(&mut p).expect("undo");
    assert_eq!(p.suggestions().len(), 3);
}

#[test]
fn the_merge_keeps_both_sides_additions_their_acceptances_and_rejections() {
    let mut base = one_doc_project("Aliyev met Pashinyan in Moscow.");
    let all = vec![
        suggestion(&base, "Aliyev", "m"),
        suggestion(&base, "Pashinyan", "m"),
        suggestion(&base, "Moscow", "m"),
    ];
    Command::AddSuggestions(all.clone()).apply(&mut base).unwrap();
    let mut ours = base.clone();
    suggest::reject(&all[0..1]).apply(&mut ours).unwrap();
    let mut theirs = base.clone();
    suggest::accept(&theirs, &all[1..2], "bo", Timestamp::from_unix(3))
        .unwrap()
        .apply(&mut theirs)
        .unwrap();
    let merged = marginalia::merge::merge(&base, &ours, &theirs);
    assert!(merged.is_clean(), "{:?}", merged.conflicts);
    let layer: Vec<(&str, bool)> = merged
        .project
        .suggestions()
        .iter()
        .map(|s| (s.text.as_str(), s.rejected))
        .collect();
    assert_eq!(layer, [("Aliyev", true), ("Moscow", false)]);
    assert_eq!(merged.project.annotations().len(), 1, "theirs' acceptance");
    // The merge driver says what theirs did to the layer.
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str| dir.path().join(format!("{name}.ron"));
    for (name, project) in [("base", &base), ("ours", &ours), ("theirs", &theirs)] {
        persist::save(project, &file(name)).unwrap();
    }
    std::fs::write(dir.path().join("d.txt"), "Aliyev met Pashinyan in Moscow.").unwrap();
    let (b, o, t, out) = (file("base"), file("ours"), file("theirs"), file("out"));
    let run = marginalia(&["merge", p(&b), p(&o), p(&t), "-o", p(&out)]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        stderr(&run).contains(
            "suggestions from theirs: 0 added, 1 removed (accepted or cleared), 0 rejected, 0 reopened, 0 changed"
        ),
        "{}",
        stderr(&run)
    );
}

/// Another source's suggestion of the very span accepted is left as it is
/// (right too; no longer open), not rejected; the versions' diff counts a
/// suggestion whose text or entity changed.
#[test]
fn a_twin_from_another_source_is_left_and_changed_suggestions_are_counted() {
    let mut p = one_doc_project("Ilham Aliyev a parlé.");
    let mine = suggestion(&p, "Ilham Aliyev", "gazetteer:a.tsv");
    let twin = suggestion(&p, "Ilham Aliyev", "model:x");
    Command::AddSuggestions(vec![mine.clone(), twin.clone()])
        .apply(&mut p)
        .unwrap();
    let before = p.clone();
    let step = suggest::accept_step(&p, std::slice::from_ref(&mine), "ana", Timestamp::from_unix(1)).unwrap();
    assert_eq!(
        (step.tagged, step.accepted.len(), step.twins.len(), step.rivals.len()),
        (1, 1, 1, 0)
    );
    step.command.apply(&mut p).unwrap();
    let kept = p.suggestion(twin.key()).expect("left in the layer").clone();
    assert!(!kept.rejected && !p.is_open(&kept));
    let model = marginalia::search::predictions::as_annotator(&p, "model:x");
    assert_eq!(model.annotations().len(), 1, "the model keeps its right answer");
    // The diff of the layers: one removed (accepted); then a changed text.
    let counts = marginalia::diff::SuggestionCounts::between(before.suggestions(), p.suggestions());
    assert_eq!((counts.removed, counts.changed), (1, 0));
    let mut edited = p.suggestions().to_vec();
    edited[0].entity = Some("aliyev".into());
    let counts = marginalia::diff::SuggestionCounts::between(p.suggestions(), &edited);
    assert_eq!((counts.changed, counts.added, counts.removed), (1, 0, 0));
}
