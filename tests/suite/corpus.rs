//! The corpus: `marginalia search` over every document (modes, offsets,
//! context, state, document filters, exit codes) and `annotate
//! --all-documents` (per-document counts, never tagging twice).

use std::path::PathBuf;

use crate::common;

use common::{marginalia, p, stderr, stdout};
use marginalia::persist;

/// A copy of the sample project (four documents) in a temporary folder.
pub(crate) fn sample() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let from = common::sample_project_path();
    let folder = from.parent().expect("folder");
    for entry in std::fs::read_dir(folder).expect("read sample") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    let path = dir.path().join("karabakh.ron");
    (dir, path)
}

pub(crate) fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&stdout(o)).expect("JSON output")
}

#[test]
fn search_finds_every_document_with_exact_offsets_context_and_state() {
    let (_dir, path) = sample();
    let project = persist::open(&path).expect("opens");
    let o = marginalia(&["search", p(&path), "Stepanakert", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = json(&o);
    assert_eq!(out["documents_searched"], 4);
    let hits = out["hits"].as_array().expect("hits");
    assert!(hits.len() > 3, "{}", hits.len());
    let docs: std::collections::BTreeSet<&str> = hits.iter().filter_map(|h| h["doc"].as_str()).collect();
    assert!(docs.len() >= 2, "found in several documents: {docs:?}");
    for h in hits {
        let doc = project.document(h["doc"].as_str().unwrap()).expect("a document");
        let (start, end) = (
            h["start"].as_u64().unwrap() as usize,
            h["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(doc.text.slice(start..end), h["text"].as_str(), "code points");
        let left = h["left"].as_str().unwrap();
        let before = doc
            .text
            .slice(start - left.chars().count()..start)
            .unwrap()
            .replace(['\n', '\r', '\t'], " ");
        assert_eq!(left, before);
        // The state is what the project holds at that span.
        let tagged: Vec<&str> = project
            .annotations_of(&doc.id)
            .iter()
            .filter(|a| (a.start, a.end) == (start, end) && !a.is_discontinuous())
            .map(|a| a.label.as_str())
            .collect();
        assert_eq!(h["state"], if tagged.is_empty() { "untagged" } else { "tagged" });
        assert_eq!(h["labels"].as_array().unwrap().len(), tagged.len());
    }
    // Accents and case aside by default; --case makes them count.
    let folded = json(&marginalia(&["search", p(&path), "STEPANAKERT", "--json"]));
    assert_eq!(folded["total"], out["total"]);
    let o = marginalia(&["search", p(&path), "STEPANAKERT", "--case"]);
    assert_eq!(o.status.code(), Some(1), "no hit: exit 1");
    // The human form: a line per hit, the count on stderr.
    let o = marginalia(&["search", p(&path), "Stepanakert", "--limit", "2"]);
    assert_eq!(stdout(&o).lines().count(), 2);
    assert!(stderr(&o).contains("2 hits"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the first 2 hits (stopped at the limit of 2), in ")
            && stderr(&o).contains(" of the 4 documents searched"),
        "{}",
        stderr(&o)
    );
    let o = marginalia(&["search", p(&path), "Stepanakert", "--doc-filter", "date=2023"]);
    assert!(
        stderr(&o).contains(" of the 1 document the filter keeps"),
        "{}",
        stderr(&o)
    );
    // A hit that is part of a longer tag says so: « Interfax » inside the
    // tagged « agence de presse russe Interfax ».
    let out = json(&marginalia(&["search", p(&path), "Interfax", "--json"]));
    let part = out["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["state"] == "untagged" && !h["inside"].as_array().unwrap().is_empty())
        .expect("a hit inside a tag");
    let (doc, start, end) = (
        part["doc"].as_str().unwrap(),
        part["start"].as_u64().unwrap() as usize,
        part["end"].as_u64().unwrap() as usize,
    );
    let holders: Vec<&str> = project
        .annotations_of(doc)
        .iter()
        .filter(|a| a.start <= start && a.end >= end && (a.start, a.end) != (start, end))
        .map(|a| a.label.as_str())
        .collect();
    assert!(!holders.is_empty());
    assert!(
        holders
            .iter()
            .all(|l| part["inside"].as_array().unwrap().iter().any(|x| x == l))
    );
    // White space only is refused (trouble: exit 2), as an empty query is.
    let o = marginalia(&["search", p(&path), "   "]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the query is only white space"), "{}", stderr(&o));
}

#[test]
fn search_modes_document_filters_and_trouble() {
    let (_dir, path) = sample();
    let total = |args: &[&str]| -> u64 {
        let mut all = vec!["search", p(&path)];
        all.extend_from_slice(args);
        all.push("--json");
        let o = marginalia(&all);
        assert!(
            o.status.code() == Some(0) || o.status.code() == Some(1),
            "{}",
            stderr(&o)
        );
        if o.status.code() == Some(1) {
            return 0;
        }
        json(&o)["total"].as_u64().unwrap()
    };
    // "armée" inside "armées" only without --word.
    let any = total(&["armée"]);
    let words = total(&["armée", "--word"]);
    assert!(any > words && words > 0, "{any} {words}");
    // A regular expression, case-insensitive unless --case.
    assert_eq!(
        total(&["--regex", r"\barmées?\b"]),
        total(&["armée", "--word"]) + total(&["armées", "--word"])
    );
    // Only the Wikipédia articles, by a metadata value and by FIELD=VALUE.
    let all = total(&["Azerbaïdjan"]);
    let wiki = total(&["Azerbaïdjan", "--doc-filter", "outlet=Wikipédia"]);
    assert!(wiki > 0 && wiki < all, "{wiki} of {all}");
    assert_eq!(total(&["Azerbaïdjan", "--doc-filter", "wikipedia"]), wiki);
    assert_eq!(
        total(&[
            "Azerbaïdjan",
            "--doc-filter",
            "status=done",
            "--doc-filter",
            "outlet=Wiki"
        ]),
        0
    );
    // Trouble: exit 2 with a reason, never a panic.
    let o = marginalia(&["search", p(&path), "(", "--regex"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("regular expression"), "{}", stderr(&o));
    let o = marginalia(&["search", "/nonexistent/p.ron", "x"]);
    assert_eq!(o.status.code(), Some(2));
    let o = marginalia(&["search", p(&path), ""]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("empty"), "{}", stderr(&o));
}

#[test]
fn annotate_all_documents_tags_every_occurrence_once_and_says_where() {
    let (_dir, path) = sample();
    let before = persist::open(&path).expect("opens");
    let needle = "Stepanakert";
    let hits = json(&marginalia(&["search", p(&path), needle, "--case", "--json"]));
    let already = hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["labels"].as_array().unwrap().iter().any(|l| l == "actor"))
        .count();
    let total = hits["total"].as_u64().unwrap() as usize;
    let o = marginalia(&[
        "annotate",
        p(&path),
        "--label",
        "actor",
        "--find",
        needle,
        "--all-documents",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = persist::open(&path).expect("still valid");
    assert_eq!(after.annotations().len(), before.annotations().len() + total - already);
    // A line per document with its count, then the total.
    let out = stdout(&o);
    let per_doc: usize = out
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(_, n)| n.trim_end_matches(" added").parse::<usize>().expect("a count"))
        .sum();
    assert_eq!(per_doc, total - already, "{out}");
    assert!(
        out.contains(&format!("{already} occurrence(s) already tagged")),
        "{out}"
    );
    // Again: nothing added, nothing written twice.
    let o = marginalia(&[
        "annotate",
        p(&path),
        "--label",
        "actor",
        "--find",
        needle,
        "--all-documents",
    ]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("already tagged"), "{}", stdout(&o));
    assert_eq!(
        persist::open(&path).unwrap().annotations().len(),
        after.annotations().len()
    );
    // --untagged leaves spans tagged with another label; --doc conflicts.
    let o = marginalia(&[
        "annotate",
        p(&path),
        "--label",
        "event",
        "--find",
        needle,
        "--all-documents",
        "--untagged",
    ]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("already tagged"), "{}", stdout(&o));
    let o = marginalia(&[
        "annotate",
        p(&path),
        "--doc",
        "x",
        "--label",
        "actor",
        "--find",
        needle,
        "--all-documents",
    ]);
    assert_eq!(o.status.code(), Some(2), "a usage error");
}

#[test]
fn add_takes_a_folder_recursively_lists_what_it_leaves_and_adds_only_what_is_new() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    for (rel, text) in [
        (
            "lemonde/2023/a.txt",
            "Erevan, 21 septembre.\n\nL’armée azerbaïdjanaise a lancé une offensive.",
        ),
        (
            "lemonde/2023/b.md",
            "# Bakou\n\nLe président Ilham Aliyev a déclaré la victoire.",
        ),
        ("tass/a.txt", "Москва. Армия.\r\n"),
        ("tass/scan.pdf", "%PDF-1.4"),
        (".git/HEAD", "ref: refs/heads/main"),
    ] {
        let p = corpus.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let project = dir.path().join("p.ron");
    let o = marginalia(&["new", p(&project), p(&corpus)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("skipped") && out.contains("scan.pdf: not a text document"),
        "{out}"
    );
    assert!(out.contains(".git: hidden"), "{out}");
    let loaded = persist::open(&project).expect("valid");
    assert_eq!(loaded.documents.len(), 3);
    // Two files named a.txt in two folders: two documents, two ids.
    let ids: std::collections::BTreeSet<&str> = loaded.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    // The folder again, with one new file: only that one is added.
    std::fs::write(corpus.join("tass/c.txt"), "Новости.").unwrap();
    let o = marginalia(&["add", p(&project), p(&corpus)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("the same text as document"), "{out}");
    assert_eq!(persist::open(&project).expect("valid").documents.len(), 4);
    // Nothing new at all: said, nothing written.
    let before = std::fs::read(&project).unwrap();
    let o = marginalia(&["add", p(&project), p(&corpus)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("nothing to add"), "{}", stdout(&o));
    assert_eq!(std::fs::read(&project).unwrap(), before);
    // A file named on its own that is already there is still refused.
    let o = marginalia(&["add", p(&project), p(&corpus.join("tass/c.txt"))]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("already in the project"), "{}", stderr(&o));
}

#[test]
fn stats_by_a_field_counts_annotations_per_label_in_each_group() {
    let (_dir, path) = sample();
    let project = persist::open(&path).expect("opens");
    let o = marginalia(&["stats", p(&path), "--json", "--by", "outlet", "--top", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = json(&o);
    assert_eq!(out["by"]["field"], "outlet");
    let groups = out["by"]["groups"].as_array().expect("groups");
    let values: Vec<&str> = groups.iter().filter_map(|g| g["value"].as_str()).collect();
    assert_eq!(values, ["Overt Defence", "Wikipédia", "(none)"]);
    let total: u64 = groups.iter().map(|g| g["annotations"].as_u64().unwrap()).sum();
    assert_eq!(total as usize, project.annotations().len());
    let wiki_claims: usize = project
        .documents
        .iter()
        .filter(|d| d.attrs.get("outlet").is_some_and(|v| v.to_string() == "Wikipédia"))
        .map(|d| {
            project
                .annotations_of(&d.id)
                .iter()
                .filter(|a| a.label == "claim")
                .count()
        })
        .sum();
    assert_eq!(groups[1]["by_label"]["claim"].as_u64().unwrap() as usize, wiki_claims);
    // Progress by status and the most frequent texts come with every --json.
    let statuses: u64 = out["by_status"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(statuses, 4);
    assert!(out["top_texts"]["actor"].as_array().unwrap().len() <= 3);
    // A month of a date field; a unit that is not one is refused.
    let o = marginalia(&["stats", p(&path), "--json", "--by", "date:month"]);
    let months: Vec<String> = json(&o)["by"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["value"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(months, ["2020-09", "2023-09", "(none)"]);
    let o = marginalia(&["stats", p(&path), "--by", "date:week"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not year, month or day"), "{}", stderr(&o));
}

#[test]
fn suggest_lists_then_accepts_a_gazetteers_terms_once_with_their_provenance() {
    let (dir, path) = sample();
    let gazetteer = dir.path().join("actors.tsv");
    std::fs::write(
        &gazetteer,
        "term\tlabel\tentity\nIlham Aliyev\tactor\taliyev\narmée azerbaïdjanaise\tactor\n",
    )
    .expect("write");
    let before = std::fs::read(&path).expect("read");
    let o = marginalia(&["suggest", p(&path), "--gazetteer", p(&gazetteer), "--dry-run", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = json(&o);
    let total = out["total"].as_u64().expect("total") as usize;
    assert!(total > 2, "{total}");
    assert_eq!(out["accepted"], 0);
    assert_eq!(
        out["by_source"]["gazetteer:actors.tsv"]["actor"].as_u64().unwrap() as usize,
        total
    );
    assert_eq!(std::fs::read(&path).expect("read"), before, "listing writes nothing");
    // Every suggestion is a whole-word occurrence, accents and case aside,
    // after an elision too, and not already tagged as an actor.
    let project = persist::open(&path).expect("opens");
    for s in out["suggestions"].as_array().unwrap() {
        let text = s["text"].as_str().unwrap();
        let folded = marginalia::model::fold_str_for_search(text);
        assert!(folded == "ilham aliyev" || folded == "armee azerbaidjanaise", "{text}");
        let (start, end) = (
            s["start"].as_u64().unwrap() as usize,
            s["end"].as_u64().unwrap() as usize,
        );
        let doc = s["doc"].as_str().unwrap();
        assert!(
            !project
                .annotations_of(doc)
                .iter()
                .any(|a| (a.start, a.end) == (start, end) && a.label == "actor")
        );
    }
    // Accepted: tagged with their source, term and entity, saved.
    let o = marginalia(&["suggest", p(&path), "--gazetteer", p(&gazetteer), "--accept-all"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = persist::open(&path).expect("still valid");
    assert_eq!(after.annotations().len(), project.annotations().len() + total);
    let aliyev = after
        .annotations()
        .iter()
        .filter(|a| a.meta.get("suggested_by").is_some_and(|s| s == "gazetteer:actors.tsv"))
        .find(|a| a.text == "Ilham Aliyev")
        .expect("an accepted Aliyev");
    assert_eq!(aliyev.meta["pattern"], "Ilham Aliyev");
    assert_eq!(
        aliyev.attrs.get("refers_to"),
        Some(&marginalia::model::AttrValue::Text("aliyev".into()))
    );
    // Again: nothing left to suggest.
    let o = marginalia(&["suggest", p(&path), "--gazetteer", p(&gazetteer), "--dry-run", "--json"]);
    assert_eq!(json(&o)["total"], 0);
    // A bad line: its number, and nothing written.
    std::fs::write(&gazetteer, "Ilham Aliyev\tactor\nRuben\tplace\n").expect("write");
    let before = std::fs::read(&path).expect("read");
    let o = marginalia(&["suggest", p(&path), "--gazetteer", p(&gazetteer), "--accept-all"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("line 2") && stderr(&o).contains("not a label"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&path).expect("read"), before);
    // From the project itself: listed per label.
    let o = marginalia(&["suggest", p(&path), "--from-project", "--dry-run", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(json(&o)["by_source"]["project"].is_object());
}

/// Found by a helper trying the corpus commands hard, one check each.
#[test]
fn whole_words_by_default_a_bom_a_bad_file_in_a_folder_limits_and_filter_typos() {
    let (dir, path) = sample();
    // annotate --all-documents: « Arménie » as a word, not inside « Arméniens ».
    let words = json(&marginalia(&[
        "search",
        p(&path),
        "Arménie",
        "--case",
        "--word",
        "--json",
    ]))["total"]
        .as_u64()
        .unwrap() as usize;
    let anywhere = json(&marginalia(&["search", p(&path), "Arménie", "--case", "--json"]))["total"]
        .as_u64()
        .unwrap() as usize;
    assert!(anywhere > words, "{anywhere} {words}");
    let before = persist::open(&path).unwrap().annotations().len();
    let o = marginalia(&[
        "annotate",
        p(&path),
        "--label",
        "actor",
        "--find",
        "Arménie",
        "--all-documents",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let added = json(&o).as_array().unwrap().len();
    assert!(added <= words && added > 0, "{added} of {words} whole words");
    assert_eq!(persist::open(&path).unwrap().annotations().len(), before + added);
    // Again, with --json: an empty list, nothing written.
    let o = marginalia(&[
        "annotate",
        p(&path),
        "--label",
        "actor",
        "--find",
        "Arménie",
        "--all-documents",
        "--json",
    ]);
    assert_eq!(stdout(&o).trim(), "[]");
    // A gazetteer saved with a byte-order mark: its first term still counts.
    let g = dir.path().join("bom.tsv");
    std::fs::write(&g, "\u{feff}Ilham Aliyev\tactor\r\nPoutine\tactor\r\n").unwrap();
    let out = json(&marginalia(&["suggest", p(&path), "--gazetteer", p(&g), "--json"]));
    assert!(
        out["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["pattern"] == "Ilham Aliyev"),
        "{out}"
    );
    // A folder with a binary .txt: it is listed as skipped, the rest added.
    let corpus = dir.path().join("more");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join("good.txt"), "Un texte.").unwrap();
    std::fs::write(corpus.join("bad.txt"), [0u8, 159, 146, 150, 0, 0, 1, 2]).unwrap();
    let o = marginalia(&["add", p(&path), p(&corpus)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("skipped") && stdout(&o).contains("bad.txt"),
        "{}",
        stdout(&o)
    );
    assert!(
        persist::open(&path)
            .unwrap()
            .documents
            .iter()
            .any(|d| d.path.ends_with("good.txt"))
    );
    // --limit: 0 gives none; exactly as many hits as there are is not cut.
    let all = json(&marginalia(&["search", p(&path), "Stepanakert", "--json"]));
    let total = all["total"].as_u64().unwrap().to_string();
    let exact = json(&marginalia(&[
        "search",
        p(&path),
        "Stepanakert",
        "--json",
        "--limit",
        &total,
    ]));
    assert_eq!(exact["truncated"], false);
    let none = marginalia(&["search", p(&path), "Stepanakert", "--json", "--limit", "0"]);
    assert_eq!(none.status.code(), Some(1));
    // A filter that cannot match says so; filters join with ';'.
    let o = marginalia(&["search", p(&path), "Stepanakert", "--doc-filter", "label=nolabel"]);
    assert!(
        stderr(&o).contains("cannot match") && stderr(&o).contains("not a label"),
        "{}",
        stderr(&o)
    );
    let joined = json(&marginalia(&[
        "search",
        p(&path),
        "Stepanakert",
        "--json",
        "--doc-filter",
        "outlet=wiki;status=in",
    ]));
    let two = json(&marginalia(&[
        "search",
        p(&path),
        "Stepanakert",
        "--json",
        "--doc-filter",
        "outlet=wiki",
        "--doc-filter",
        "status=in",
    ]));
    assert_eq!(joined["total"], two["total"]);
}

/// Opening without checking the texts, then checking them document by
/// document, finds what loading finds: a changed document (and its
/// annotations not checked against the new text), a quote that does not
/// match, and nothing for the intact ones.
#[test]
fn texts_checked_after_opening_find_what_loading_finds() {
    let (dir, path) = sample();
    let project = persist::open(&path).expect("opens");
    // One document edited on disk; one annotation's quote broken in the file.
    let changed = &project.documents[1];
    let file = dir.path().join(&changed.path);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("Preface.\n{text}")).unwrap();
    let victim = project.annotations_of(&project.documents[0].id)[0].clone();
    let source = std::fs::read_to_string(&path).unwrap();
    let quoted = format!("text: {:?}", victim.text);
    let at = source.find(&format!("id: \"{}\"", victim.id)).unwrap();
    let broken = format!(
        "{}{}",
        &source[..at],
        source[at..].replacen(&quoted, "text: \"nope\"", 1)
    );
    std::fs::write(&path, broken).unwrap();

    let full = persist::load(&path).expect("loads");
    let (unchecked, text) = persist::load::load_unchecked_keeping_text(&path).expect("loads");
    assert_eq!(
        text,
        std::fs::read_to_string(&path).unwrap(),
        "the file's text, for a later merge"
    );
    assert!(
        unchecked.problems.iter().all(|p| !matches!(
            p.kind,
            marginalia::model::ProblemKind::DocumentChanged { .. }
                | marginalia::model::ProblemKind::QuoteMismatch { .. }
        )),
        "{:?}",
        unchecked.problems
    );
    let mut later: Vec<String> = unchecked
        .project
        .documents
        .iter()
        .flat_map(|d| persist::load::check_texts(&unchecked.project, d))
        .map(|p| p.kind.to_string())
        .collect();
    let mut all: Vec<String> = unchecked.problems.iter().map(|p| p.kind.to_string()).collect();
    all.append(&mut later);
    all.sort();
    let mut expected: Vec<String> = full.problems.iter().map(|p| p.kind.to_string()).collect();
    expected.sort();
    assert_eq!(all, expected);
    assert_eq!(expected.len(), 2, "{expected:?}");
    assert!(
        expected
            .iter()
            .any(|p| p.contains(&changed.id) && p.contains("changed"))
    );
    assert!(expected.iter().any(|p| p.contains("nope")));
}
