//! Killing the process in the middle of a save never corrupts the project.
//!
//! The test re-runs its own binary as a child that saves two different
//! versions of a project alternately in a tight loop, kills the child with
//! SIGKILL at random moments, and checks after each kill that the project
//! file loads cleanly and is exactly one of the two versions. Kills that
//! land while the file is being written leave their temporary file behind;
//! the test counts them to show the dangerous window is being hit.

mod common;

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
                "child_save_loop",
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
