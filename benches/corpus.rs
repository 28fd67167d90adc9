//! A corpus of 10,000 documents of about 10 KB (100 MB of text, made from
//! the sample's texts), about 500,000 annotations: adding the folder,
//! reading and checking the project, saving after one edit, corpus search
//! (the first screen of hits, every hit of a common word, a regular
//! expression) and tagging 10,000 hits in one step.
//!
//! `cargo bench --bench corpus`. Prints figures against the targets of the
//! corpus issue; asserts nothing about time.

mod common;

use std::time::Instant;

use common::{corpus_texts, ms, seed_texts, tag_every_de};
use marginalia::edit::Command;
use marginalia::model::{Project, Timestamp};
use marginalia::persist::documents::{collect_files, read_new_document};
use marginalia::search::{self, Matcher, Query};
use marginalia::session::Session;

const DOCUMENTS: usize = 10_000;

fn line(name: &str, took: f64, target_ms: f64) {
    let verdict = if took <= target_ms { "ok" } else { "OVER TARGET" };
    println!("{name:<44} {took:>9.1} ms   target < {target_ms} ms   {verdict}");
}

fn main() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    let t = Instant::now();
    for (rel, text) in corpus_texts() {
        let file = corpus.join(rel);
        if let Some(folder) = file.parent() {
            std::fs::create_dir_all(folder).expect("folder");
        }
        std::fs::write(file, text).expect("write");
    }
    println!(
        "wrote {DOCUMENTS} files in {:.1} s (setup, not measured)",
        t.elapsed().as_secs_f64()
    );

    // Adding the folder: walked, every file read, decoded, hashed and
    // given an id; the project written.
    let path = dir.path().join("corpus.ron");
    let t = Instant::now();
    let files = collect_files(std::slice::from_ref(&corpus)).expect("walk").files;
    let mut project = Project::new("corpus");
    let mut taken: Vec<String> = Vec::new();
    let mut docs = Vec::with_capacity(files.len());
    for f in &files {
        let d = read_new_document(&path, f, &project, &taken).expect("a document");
        taken.push(d.document.id.clone());
        docs.push(d.document);
    }
    project.documents = docs;
    let mut session = Session::new(project);
    session.save_new(&path).expect("save");
    line("add a folder of 10,000 files", ms(t.elapsed()), 10_000.0);
    drop(session);

    // About 500,000 annotations: every whole word "de", tagged.
    let mut session = Session::open(&path).expect("open");
    // The issue's 500,000.
    let command = tag_every_de(session.project(), 500_000);
    session.apply(command).expect("applies");
    session.save().expect("save");
    let annotations = session.project().annotations().len();
    println!("{annotations} annotations in {DOCUMENTS} documents (setup)");
    drop(session);

    // Reading and checking everything.
    let t = Instant::now();
    let loaded = marginalia::persist::load(&path).expect("load");
    line("validate (read, parse, check every text)", ms(t.elapsed()), 3_000.0);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems.first());
    let project = loaded.project;

    // Search: folded copies made once, as the workbench keeps them.
    let t = Instant::now();
    let folded: std::collections::HashMap<String, marginalia::model::Text> = project
        .documents
        .iter()
        .map(|d| (d.id.clone(), search::fold(&d.text)))
        .collect();
    println!(
        "fold 100 MB for searching (once)              {:>9.1} ms",
        ms(t.elapsed())
    );
    let copy = |d: &marginalia::model::Document| folded.get(&d.id).cloned();
    let common = Matcher::new(&Query {
        pattern: "armée".into(),
        whole_word: true,
        ..Query::default()
    })
    .expect("valid");
    let t = Instant::now();
    let first = search::search(&project, &common, &|_| true, &copy, 50);
    line("search: the first screen of hits (50)", ms(t.elapsed()), 50.0);
    assert_eq!(first.hits.len(), 50);
    let t = Instant::now();
    let all = search::search(&project, &common, &|_| true, &copy, search::MAX_HITS);
    let took = ms(t.elapsed());
    let states: usize = all
        .hits
        .iter()
        .filter(|h| search::hit_state(&project, h).is_untagged())
        .count();
    line(
        &format!("search: every hit of a common word ({})", all.hits.len()),
        took,
        300.0,
    );
    println!("  ({states} untagged)");
    // Two regular expressions: names ending in -djan (case-insensitive,
    // the default), and one with Unicode word boundaries, which the regex
    // crate's fast engines cannot run (see the README's table).
    for pattern in [r"[a-zé]+ba[iï]djan\w*", r"\b[A-Z][a-zéè]+(an|ie)\b"] {
        let re = Matcher::new(&Query {
            pattern: pattern.into(),
            regex: true,
            ..Query::default()
        })
        .expect("valid");
        let t = Instant::now();
        let found = search::search(&project, &re, &|_| true, &|_| None, search::MAX_HITS);
        line(
            &format!("search: regex {pattern} ({} hits)", found.hits.len()),
            ms(t.elapsed()),
            1_000.0,
        );
    }

    // Suggestions from a gazetteer of 10,000 terms: as a real list of
    // actors and places, most never occur (9,800 made-up names) and a
    // few hundred do (two-word phrases of the texts).
    let seeds = seed_texts().join("\n\n");
    let words: Vec<&str> = seeds
        .split_whitespace()
        .filter(|w| w.chars().all(char::is_alphabetic))
        .collect();
    let mut real: Vec<String> = words.windows(2).map(|w| format!("{} {}", w[0], w[1])).collect();
    real.sort();
    real.dedup();
    let terms: Vec<String> = real
        .into_iter()
        .step_by(20)
        .take(200)
        .chain((0..9_800).map(|i| format!("Nomfictif{i} Prénom{i}")))
        .collect();
    // Read from the file's text, as `suggest --gazetteer` does: the read
    // checks each term against the others.
    let tsv: String = terms.iter().map(|t| format!("{t}\tactor\n")).collect();
    let t = Instant::now();
    let patterns = search::suggest::read_gazetteer(&tsv, &project, false).expect("a valid gazetteer");
    let found = search::suggest::suggest(&project, &patterns, "gazetteer", &|_| true);
    line(
        &format!("suggest: {} terms over 100 MB ({} found)", patterns.len(), found.len()),
        ms(t.elapsed()),
        2_000.0,
    );

    // Tagging 10,000 hits in one step (the step built and applied).
    let mut session = Session::open(&path).expect("open");
    let ten_thousand: Vec<search::Hit> = all.hits.iter().take(10_000).cloned().collect();
    let t = Instant::now();
    let tagged = search::tag_hits(
        session.project(),
        &ten_thousand,
        "actor",
        false,
        "bench",
        Timestamp::now(),
    )
    .expect("tag");
    let added = tagged.per_document.iter().map(|(_, n)| n).sum::<usize>();
    session.apply(tagged.command.expect("hits")).expect("applies");
    line(&format!("tag {added} hits in one step"), ms(t.elapsed()), 500.0);

    // Saving after one edit (with its history snapshot).
    let id = session.project().annotations()[0].id;
    session.apply(Command::DeleteAnnotations(vec![id])).expect("applies");
    let t = Instant::now();
    session.save().expect("save");
    line("save after one edit (with the history)", ms(t.elapsed()), 1_000.0);
    // Where the time goes.
    let t = Instant::now();
    let text = marginalia::persist::format::to_string(session.project());
    println!(
        "  of which serialising {:.1} MB: {:.1} ms",
        text.len() as f64 / 1e6,
        ms(t.elapsed())
    );
    // The workbench's save: it returns once the file is written, the
    // snapshot follows on a thread.
    session.record_in_background();
    let id = session.project().annotations()[0].id;
    session.apply(Command::DeleteAnnotations(vec![id])).expect("applies");
    let t = Instant::now();
    session.save().expect("save");
    let returned = t.elapsed();
    session.wait_for_snapshots();
    println!(
        "  in the workbench: the window waits {:.1} ms, the snapshot is recorded {:.1} ms later",
        ms(returned),
        ms(t.elapsed() - returned)
    );

    // The suggestion layer at corpus scale: every suggestion of the
    // gazetteer stored, then one accepted and one rejected, each with what
    // the workbench's bar counts again on the next frame (one pass).
    let stored = found.len();
    let t = Instant::now();
    session.apply(search::suggest::store(found)).expect("stores");
    line(
        &format!("store {stored} suggestions in one step"),
        ms(t.elapsed()),
        2_000.0,
    );
    let t = Instant::now();
    let mut counts = search::layer::Counts::of(session.project());
    line(
        &format!(
            "count the layer once ({} open in {} documents)",
            counts.open,
            counts.documents()
        ),
        ms(t.elapsed()),
        1_000.0,
    );
    let focus = session.project().suggestions()[stored / 2].clone();
    // The first question about a label counts its texts (once; decisions
    // keep them after that, as in the workbench).
    let t = Instant::now();
    let _ = counts.scopes(session.project(), &focus);
    println!("  the first scope question about a label: {:.1} ms", ms(t.elapsed()));
    let t = Instant::now();
    let step = search::suggest::accept(
        session.project(),
        std::slice::from_ref(&focus),
        "bench",
        Timestamp::now(),
    )
    .expect("accept");
    session.apply(step).expect("applies");
    let next = search::layer::step(session.project(), Some(&focus.doc), Some(&focus), true).expect("a next one");
    counts.close(std::slice::from_ref(&focus), false);
    let scopes = counts.scopes(session.project(), &next);
    line(
        &format!("accept a suggestion (step, next, counts: {} of its term)", scopes[0]),
        ms(t.elapsed()),
        16.0,
    );
    let t = Instant::now();
    session
        .apply(search::suggest::reject(std::slice::from_ref(&next)))
        .expect("applies");
    let after = search::layer::step(session.project(), Some(&next.doc), Some(&next), true).expect("a next one");
    counts.close(std::slice::from_ref(&next), true);
    let _ = counts.scopes(session.project(), &after);
    line("reject a suggestion (step, next, counts)", ms(t.elapsed()), 16.0);
}
