//! The workbench on the corpus issue's project, headless: 10,000
//! documents of about 10 KB (100 MB of text), 500,000 annotations and a
//! layer of suggestions. Opening it to the first frame, resident memory,
//! switching documents (Ctrl+PageDown, a frame each), typing in the
//! documents panel's filter, and accepting and rejecting suggestions from
//! the keyboard (F4, Ctrl+Enter, Ctrl+Delete).
//!
//! Targets (the corpus issue): open to the first usable frame < 1 s,
//! resident memory < 800 MB, switching documents < 50 ms, the documents
//! panel's filter < 50 ms, accepting or rejecting a suggestion < 16 ms a
//! frame. Run with `cargo bench --bench gui_corpus`.

mod common;

#[path = "common/frames.rs"]
mod frames;

use std::time::{Duration, Instant};

use common::{corpus_project, ms};
use egui::{Event, Key, Modifiers};
use frames::{Runner, figure, p95, report, resident_mb};
use marginalia::search::suggest::{self, Pattern};

fn key(key: Key, modifiers: Modifiers) -> Event {
    Event::Key {
        key,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers,
    }
}

/// Builds the corpus project in `dir` (10,000 documents, 500,000
/// annotations, suggestions of a few phrases) and says what it holds.
fn build(dir: &std::path::Path) -> String {
    let path = corpus_project(dir, 500_000);
    // Suggestions of a few phrases of the texts, stored as a gazetteer's.
    let mut session = marginalia::session::Session::open(&path).expect("open");
    let patterns: Vec<Pattern> = ["Haut-Karabakh", "armée azerbaïdjanaise", "Stepanakert", "Azerbaïdjan"]
        .iter()
        .map(|t| Pattern {
            term: (*t).to_owned(),
            label: "actor".into(),
            entity: None,
            exact: false,
        })
        .collect();
    let found = suggest::suggest(session.project(), &patterns, "gazetteer:bench.tsv", &|_| true);
    let suggestions = found.len();
    session.apply(suggest::store(found)).expect("stores");
    session.save().expect("save");
    let annotations = session.project().annotations().len();
    format!("10,000 documents, {annotations} annotations, {suggestions} suggestions")
}

/// Set in the child process that builds the corpus, so that what building
/// it allocated is not counted in the resident memory of the process that
/// opens it (as the app would).
const BUILD_IN: &str = "MARGINALIA_BENCH_BUILD_IN";

fn main() {
    if let Some(dir) = std::env::var_os(BUILD_IN) {
        println!("{}", build(std::path::Path::new(&dir)));
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let t = Instant::now();
    let exe = std::env::current_exe().expect("the bench's own path");
    let built = std::process::Command::new(exe)
        .env(BUILD_IN, dir.path())
        .output()
        .expect("the corpus is built in a child process");
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let path = dir.path().join("corpus.ron");
    println!(
        "setup: {} ({:.1} s, not measured)",
        String::from_utf8_lossy(&built.stdout).trim(),
        t.elapsed().as_secs_f64()
    );

    let mut r = Runner::start();

    let t = Instant::now();
    r.workbench.open_path(&path);
    let open = t.elapsed();
    let first = r.frame(Vec::new());
    println!(
        "  of which opening {:.1} ms, the first frame {:.1} ms",
        ms(open),
        ms(first)
    );
    report("open to the first frame", ms(open + first), "ms", 1_000.0);
    // The texts are checked in the background, a few ms a frame; the
    // figures below are taken once it is done.
    let t = Instant::now();
    let mut frames = 0;
    let mut checking = Vec::new();
    while r.workbench.state.text_check.is_some() {
        checking.push(r.frame(Vec::new()));
        frames += 1;
    }
    println!(
        "  every text checked {:.1} ms later ({frames} frames, p95 {:.1} ms each)",
        ms(t.elapsed()),
        ms(p95(&mut checking))
    );
    for _ in 0..5 {
        r.frame(Vec::new());
    }
    let mut idle: Vec<Duration> = (0..50).map(|_| r.frame(Vec::new())).collect();
    figure("idle frame p95", ms(p95(&mut idle)), "ms");
    if let Some(mb) = resident_mb() {
        report("resident memory", mb, "MB", 800.0);
    }

    // Switching documents: Ctrl+PageDown, one frame each (the new view
    // lays out what is on screen).
    let mut switching: Vec<Duration> = (0..60)
        .map(|_| {
            let took = r.frame(vec![key(Key::PageDown, Modifiers::COMMAND)]);
            took + r.frame(Vec::new())
        })
        .collect();
    report("switch document p95", ms(p95(&mut switching)), "ms", 50.0);
    println!("  now on {:?}", r.workbench.state.current_doc.as_deref().unwrap_or("-"));

    // The documents panel's filter: a value typed, the list worked out
    // again over 10,000 documents in the frame.
    let mut filtering = Vec::new();
    for filter in ["article-09", "suggested=yes", "label=event", "Article 77", ""] {
        r.workbench.state.documents.filter = filter.to_owned();
        let took = r.frame(Vec::new());
        println!("  filter {filter:?}: {:.1} ms", ms(took));
        filtering.push(took);
    }
    report("documents filter (a frame)", ms(p95(&mut filtering)), "ms", 50.0);
    let shown = r
        .workbench
        .project()
        .map_or(0, |p| r.workbench.state.documents.shown(p).len());
    println!("  {shown} documents shown with no filter");

    // Suggestions from the keyboard: F4 to one, Ctrl+Enter, Ctrl+Delete.
    r.frame(vec![key(Key::F4, Modifiers::NONE)]);
    r.frame(Vec::new());
    let before = r.workbench.project().map_or(0, |p| p.annotations().len());
    let mut accepting = Vec::new();
    let mut rejecting = Vec::new();
    for _ in 0..20 {
        accepting.push(r.frame(vec![key(Key::Enter, Modifiers::COMMAND)]) + r.frame(Vec::new()));
        rejecting.push(r.frame(vec![key(Key::Delete, Modifiers::COMMAND)]) + r.frame(Vec::new()));
    }
    let after = r.workbench.project().map_or(0, |p| p.annotations().len());
    report("accept a suggestion p95", ms(p95(&mut accepting)), "ms", 16.0);
    report("reject a suggestion p95", ms(p95(&mut rejecting)), "ms", 16.0);
    println!("  (the key's frame and the next; {} annotations added)", after - before);
}
