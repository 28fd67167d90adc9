//! Killing the process in the middle of a save never corrupts the project.
//!
//! The test re-runs its own binary as a child that saves two different
//! versions of a project alternately in a tight loop, kills the child with
//! SIGKILL at random moments, and checks after each kill that the project
//! file loads cleanly and is exactly one of the two versions. Kills that
//! land while the file is being written leave their temporary file behind;
//! the test counts them to show the dangerous window is being hit.

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use marginalia::model::{Annotation, AnnotationId, Project, Timestamp};
use marginalia::persist::{self, format, save::write_atomic};

const CHILD_ENV: &str = "MARGINALIA_CRASH_CHILD_PROJECT";
const EXTRA_A: usize = 3000;
const EXTRA_B: usize = 3400;
const ROUNDS: usize = 30;
const AUTHOR: &str = "crash-test";

/// A version of the fixture with `extra` more annotations (about 1 MB),
/// so that a save takes long enough to be interrupted. The two versions
/// differ in size, so a truncated or mixed file cannot pass for either.
fn version(project: &Project, extra: usize, label: &str) -> Project {
    let doc = &project.documents[0];
    let n = doc.text.len_chars();
    let at = Timestamp::from_unix(1_700_000_000);
    let extra: Vec<Annotation> = (0..extra)
        .map(|i| {
            let start = i % (n - 4);
            Annotation {
                id: AnnotationId::from_u64(1_000_000 + i as u64),
                doc: doc.id.clone(),
                start,
                end: start + 3,
                label: label.into(),
                text: doc.text.slice(start..start + 3).unwrap().to_owned(),
                note: format!("note {i} « avec des caractères » 👨🏻‍🚒"),
                author: AUTHOR.into(),
                created: at,
                modified: at,
                meta: Default::default(),
                attrs: Default::default(),
                fragments: Default::default(),
            }
        })
        .collect();
    // Start from the fixture's own annotations: the file may hold a
    // version written by an earlier round.
    let mut annotations: Vec<Annotation> = project
        .annotations()
        .iter()
        .filter(|a| a.author != AUTHOR)
        .cloned()
        .collect();
    annotations.extend(extra);
    Project::from_parts(
        project.name.clone(),
        project.schema.clone(),
        project.documents.clone(),
        annotations,
    )
}

/// The child: save two versions alternately until killed.
#[test]
#[ignore = "run only as the child process of `killing_a_save_never_corrupts_the_project`"]
fn child_save_loop() {
    let Ok(path) = std::env::var(CHILD_ENV) else { return };
    let path = Path::new(&path);
    let base = persist::open(path).unwrap();
    let (a, b) = (version(&base, EXTRA_A, "claim"), version(&base, EXTRA_B, "event"));
    // Serialise once, so that the loop spends its time in the atomic write
    // (temp file, fsync, backup, rename): the part a crash can interrupt.
    let (a, b) = (format::to_string(&a), format::to_string(&b));
    println!("ready");
    loop {
        write_atomic(path, a.as_bytes(), true).unwrap();
        write_atomic(path, b.as_bytes(), true).unwrap();
    }
}

#[test]
fn killing_a_save_never_corrupts_the_project() {
    let fixture = common::Fixture::new();
    let base = persist::open(&fixture.path).unwrap();
    let (a, b) = (version(&base, EXTRA_A, "claim"), version(&base, EXTRA_B, "event"));
    let exe = std::env::current_exe().unwrap();
    // A small deterministic generator is enough to spread the kill times.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (mut seen_a, mut seen_b) = (0, 0);
    for round in 0..ROUNDS {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash_safety::child_save_loop",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &fixture.path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the child is about to save, then let it run a while.
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while !line.contains("ready") {
            line.clear();
            assert_ne!(out.read_line(&mut line).unwrap(), 0, "the child exited early");
        }
        let delay = Duration::from_micros(next() % 50_000);
        let started = Instant::now();
        while started.elapsed() < delay {
            std::thread::sleep(Duration::from_millis(1));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let loaded = persist::load(&fixture.path).unwrap_or_else(|e| panic!("round {round}: project unreadable: {e}"));
        assert!(loaded.problems.is_empty(), "round {round}: {:?}", loaded.problems);
        if loaded.project == a {
            seen_a += 1;
        } else if loaded.project == b {
            seen_b += 1;
        } else if round == 0 && loaded.project == base {
            // Killed before the first save finished.
        } else {
            panic!("round {round}: the project is neither version");
        }
    }
    assert!(seen_a + seen_b >= ROUNDS - 1);
    // Kills that interrupted a save leave their temporary file behind.
    let interrupted = std::fs::read_dir(fixture.dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".tmp"))
        .count();
    println!("after {ROUNDS} kills: {seen_a} × version A, {seen_b} × version B, {interrupted} writes interrupted");
    assert!(
        seen_a > 0 && seen_b > 0,
        "the kills should land at different points of the loop"
    );
    assert!(
        interrupted > 0,
        "no kill landed inside a write; the test did not exercise the dangerous window"
    );
}

/// Rounds of killed `marginalia annotate` and `export` runs in every
/// `cargo test`; the ignored variant below runs 1,000 (`scripts/kill-test.sh`).
const KILL_ROUNDS: usize = 24;

#[test]
fn killed_annotate_and_export_runs_lose_nothing_reported() {
    let (rounds, landed) = kill_commands(KILL_ROUNDS);
    assert_eq!(rounds, KILL_ROUNDS);
    assert!(landed > 0, "no kill landed before a run finished");
}

#[test]
#[ignore = "1,000 kills, several minutes: run by scripts/kill-test.sh"]
fn a_thousand_killed_annotate_and_export_runs() {
    let (rounds, landed) = kill_commands(1000);
    assert_eq!(rounds, 1000);
    assert!(landed > 100, "only {landed} kills landed before a run finished");
}

/// Kills `marginalia annotate` (two of three rounds) or `marginalia export`
/// with SIGKILL at random moments of a run, `rounds` times. After each
/// kill: the project loads and validates, holds every annotation a run
/// reported as added, its history index and newest snapshot read, and the
/// export is absent or whole. Returns the rounds run and how many kills
/// landed before the run had finished.
fn kill_commands(rounds: usize) -> (usize, usize) {
    use std::io::Read;
    let fixture = common::Fixture::new();
    let base = persist::open(&fixture.path).unwrap();
    // About 1 MB, so that a run spends its time loading and saving.
    persist::save(&version(&base, EXTRA_A, "event"), &fixture.path).unwrap();
    let exe = env!("CARGO_BIN_EXE_marginalia");
    let text = common::MIXED_TEXT;
    let letters: Vec<usize> = text
        .chars()
        .enumerate()
        .filter(|(_, c)| c.is_alphabetic())
        .map(|(i, _)| i)
        .collect();
    let export = fixture.dir.path().join("out.jsonl");
    let run = |round: usize| {
        let mut command = Command::new(exe);
        if round % 3 == 2 {
            command.args(["export", fixture.path.to_str().unwrap(), "--format", "jsonl", "-o"]);
            command.arg(&export);
        } else {
            let start = letters[round % letters.len()];
            command.args([
                "annotate",
                fixture.path.to_str().unwrap(),
                "--doc",
                "doc",
                "--label",
                "claim",
            ]);
            command.args(["--start", &start.to_string(), "--end", &(start + 1).to_string()]);
        }
        command
            .env("MARGINALIA_AUTHOR", "kill-test")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // How long an undisturbed run takes, to spread the kills over it.
    let started = Instant::now();
    let first = run(0).wait_with_output().unwrap();
    assert!(first.status.success());
    let span = started.elapsed().as_micros().max(1000) as u64;
    let mut reported: Vec<String> = added(&String::from_utf8_lossy(&first.stdout));
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut landed = 0;
    for round in 1..rounds {
        let _ = std::fs::remove_file(&export);
        let mut child = run(round);
        std::thread::sleep(Duration::from_micros(next() % (span + span / 5)));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if !status.success() {
            landed += 1;
        }
        let mut out = String::new();
        let _ = child.stdout.take().unwrap().read_to_string(&mut out);
        reported.extend(added(&out));
        let project = persist::open(&fixture.path).unwrap_or_else(|e| panic!("round {round}: {e}"));
        for id in &reported {
            assert!(
                project.annotations().iter().any(|a| a.id.to_string() == *id),
                "round {round}: {id} was reported added and is gone"
            );
        }
        let history = persist::history::VersionHistory::of(&fixture.path);
        let versions = history
            .versions()
            .unwrap_or_else(|e| panic!("round {round}: history index: {e}"));
        if let Some(newest) = versions.last() {
            history
                .read(newest)
                .unwrap_or_else(|e| panic!("round {round}: newest snapshot: {e}"));
        }
        if let Ok(written) = std::fs::read_to_string(&export) {
            let lines: Vec<&str> = written.lines().collect();
            assert_eq!(lines.len(), project.documents.len(), "round {round}: a partial export");
            for line in lines {
                serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("round {round}: {e}"));
            }
        }
    }
    println!(
        "{rounds} runs, {landed} killed before they finished, {} annotations reported and kept",
        reported.len()
    );
    (rounds, landed)
}

/// The ids `annotate` printed as added.
fn added(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.strip_prefix("added "))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}
