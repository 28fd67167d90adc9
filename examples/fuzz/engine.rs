//! Mutation fuzzing of every loader, on stable Rust.
//!
//! No nightly toolchain (and so no cargo-fuzz) can be installed here, so
//! this is a small blind mutator in the spirit of AFL's havoc stage: real
//! files (the sample project, the tests' golden files) are mutated by bit
//! flips, interesting bytes, insertions of format tokens (quotes, brackets,
//! BOMs, huge numbers, `format_version: 9`, brat line kinds), deletions,
//! duplications, splices and truncations at any byte, and fed to a loader.
//! Each execution is checked for the three failures that matter: a panic
//! (caught, the input kept), a hang (an execution over a second), and a
//! rejection that does not say what is wrong (an empty message, or one
//! that names neither the file nor a reason).
//!
//! Shared by `examples/fuzz/main.rs` (the long run: `cargo run --release
//! --example fuzz -- --iterations 1000000`) and `tests/fuzz.rs` (a short
//! run in every `cargo test`).

#![allow(dead_code)] // the test uses a subset

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use marginalia::formats::{Format, ImportOptions, Progress};
use marginalia::persist::{history, load, safe_read, textfile};

/// A loader under test: a name, its seeds, and how to run one input.
pub struct Target {
    pub name: &'static str,
    pub seeds: Vec<Vec<u8>>,
    run: fn(&[u8], &Scratch) -> Outcome,
}

/// What one execution did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    /// Refused with this message.
    Refused(String),
}

/// A folder for loaders that read files.
pub struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    pub fn new(dir: &Path) -> Scratch {
        Scratch { dir: dir.to_owned() }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes).expect("scratch file");
        path
    }
}

/// Figures of a run.
#[derive(Debug, Default)]
pub struct Report {
    pub executions: u64,
    pub accepted: u64,
    pub refused: u64,
    pub panics: Vec<(Vec<u8>, String)>,
    pub hangs: Vec<(Vec<u8>, Duration)>,
    pub unclear: Vec<(Vec<u8>, String)>,
    pub slowest: Duration,
    pub elapsed: Duration,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.panics.is_empty() && self.hangs.is_empty() && self.unclear.is_empty()
    }
}

/// xorshift64*: deterministic, seedable, no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

/// Tokens the formats give meaning to.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"(",
    b")",
    b"[",
    b"]",
    b"{",
    b"}",
    b":",
    b",",
    b"\n",
    b"\r\n",
    b"\r",
    b"\t",
    b" ",
    b"\\",
    b"\\u{",
    b"\\x",
    b"//",
    b"/*",
    b"*/",
    b"r#\"",
    b"\xEF\xBB\xBF",
    b"\xC3\xA9",
    b"\xF0\x9F\x91\xA8",
    b"\xE2\x80\x8D",
    b"\xCC\x81",
    b"\xFF",
    b"\x00",
    b"format_version: 9",
    b"format_version: 1",
    b"start: ",
    b"end: ",
    b"99999999999999999999",
    b"18446744073709551615",
    b"-1",
    b"0",
    b"1e400",
    b"NaN",
    b"null",
    b"true",
    b"\"label\": ",
    b"\"text\": ",
    b"[[0, 5, \"actor\"]]",
    b"\"start_offset\": ",
    b"T1\t",
    b"R1\t",
    b"E1\t",
    b"A1\t",
    b"#1\t",
    b"AnnotatorNotes T1\t",
    b"Marginalia T1\tid=0000000000a1 start=0 end=999999 meta={",
    b"actor 0 5;3 9999",
    b"B-",
    b"I-",
    b"E-",
    b"S-",
    b"-DOCSTART-",
    b"O",
    b"sha256:",
    b"@",
    b"../",
    b"0000-01-01T00:00:00+23:59",
    b"9999-12-31T23:59:59-00:01",
    b"+delta",
    b"=0,999999\n",
    b"MARGINALIA-DELTA 1\n",
    b"[entities]",
    b"[relations]",
    b"[attributes]",
    b"[events]",
    // Structure (format version 2).
    b"format_version: 2",
    b"fragments: [(0, 3), (5, 9)], ",
    b"fragments: [(9, 3)], ",
    b"attrs: {\"polarity\": \"denies\", \"n\": -1e308, \"f\": true, \"m\": [\"a\"]}, ",
    b"    relations: [\n",
    b"(id: \"000000000rel\", doc: \"d\", type: \"claimant\", from: \"0000000000a1\", to: \"0000000000a1\", ",
    b"relation_types: [(id: \"t\", name: \"T\", colour: \"#000000\", from: [\"x\"], cardinality: one)],",
    b"attributes: [(id: \"a\", name: \"A\", kind: entity, on: [Label(\"x\"), Document])],",
    b"entities: [(id: \"e\", name: \"E\", reference: Some(\"Wikidata:Q1\"))],",
    b"kind: event, ",
    b"E1\tevent:T1 target:T2 target2:E1",
    b"N1\tReference T1 Wikidata:Q1\tname",
    b"*\tEquiv T1 T2",
    b"\"relations\": [{\"from_id\": 1, \"to_id\": 2, \"type\": \"r\"}]",
    b"\"fragments\": [[0, 2], [1, 3]]",
];

/// One mutation of `input` (several stacked, as AFL's havoc does).
pub fn mutate(input: &[u8], seeds: &[Vec<u8>], rng: &mut Rng) -> Vec<u8> {
    let mut out = input.to_vec();
    let rounds = 1 + rng.below(8);
    for _ in 0..rounds {
        let len = out.len();
        match rng.below(10) {
            0 if len > 0 => {
                let i = rng.below(len);
                out[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                out[i] = [0, 0x7F, 0x80, 0xFF, b'"', b'\n', b'\\', b'0', b'9', b' '][rng.below(10)];
            }
            2 | 3 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                let i = rng.below(len + 1);
                out.splice(i..i, token.iter().copied());
            }
            4 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                out.drain(i..i + n);
            }
            5 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(256));
                let copy = out[i..i + n].to_vec();
                let at = rng.below(len + 1);
                out.splice(at..at, copy);
            }
            6 if !seeds.is_empty() => {
                let other = &seeds[rng.below(seeds.len())];
                if !other.is_empty() {
                    let i = rng.below(other.len());
                    let n = 1 + rng.below((other.len() - i).min(512));
                    let at = rng.below(len + 1);
                    out.splice(at..at, other[i..i + n].iter().copied());
                }
            }
            7 if len > 0 => out.truncate(rng.below(len)),
            8 if len > 0 => {
                // Replace a run of digits by another number.
                let i = rng.below(len);
                if out[i].is_ascii_digit() {
                    let n = ["0", "1", "7", "65535", "4294967296", "99999999999"][rng.below(6)];
                    out.splice(i..i + 1, n.bytes());
                }
            }
            _ => {
                let i = rng.below(len + 1);
                let b = rng.next() as u8;
                out.insert(i, b);
            }
        }
    }
    out
}

/// Runs `iterations` mutated inputs through `target`.
pub fn run(target: &Target, iterations: u64, seed: u64, scratch: &Scratch) -> Report {
    let mut rng = Rng::new(seed);
    let mut report = Report::default();
    let started = Instant::now();
    for n in 0..iterations {
        let base = &target.seeds[rng.below(target.seeds.len())];
        // Now and then the seeds themselves, unmutated.
        let input = if n < target.seeds.len() as u64 {
            target.seeds[n as usize].clone()
        } else {
            mutate(base, &target.seeds, &mut rng)
        };
        let t = Instant::now();
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| (target.run)(&input, scratch)));
        let took = t.elapsed();
        report.executions += 1;
        report.slowest = report.slowest.max(took);
        if took > Duration::from_secs(1) {
            report.hangs.push((input.clone(), took));
        }
        match result {
            Ok(Outcome::Accepted) => report.accepted += 1,
            Ok(Outcome::Refused(message)) => {
                report.refused += 1;
                if !is_clear(&message) {
                    report.unclear.push((input, message));
                }
            }
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                report.panics.push((input, message));
            }
        }
    }
    report.elapsed = started.elapsed();
    report
}

/// A clear refusal names where (a file, with a line or a document where
/// it has one) and why: `file:line: reason`, `file: reason`, or a sentence
/// naming the file ("fuzz.ron was written by a newer version …").
fn is_clear(message: &str) -> bool {
    let message = message.trim();
    let names_where = message.contains(':') || message.contains(".ron") || message.contains("in.");
    message.len() >= 12 && names_where && !message.contains("panicked")
}

/// Every loader with its seeds from the repository.
pub fn targets(repo: &Path) -> Vec<Target> {
    let read = |rel: &str| std::fs::read(repo.join(rel)).unwrap_or_default();
    let sample = read("sample_projects/karabakh/karabakh.ron");
    let index = b"[\n    (file: \"2026-11-23T20-38-01Z.full.gz\", time: \"2026-11-23T20:38:01Z\", author: \"ana\", annotations: 153, hash: \"sha256:ab\"),\n    (file: \"2026-11-24T08-00-00Z.delta.gz\", base: Some(\"2026-11-23T20-38-01Z.full.gz\"), time: \"2026-11-24T08:00:00Z\", author: \"ana\", message: \"note\", annotations: 154, hash: \"sha256:cd\"),\n]\n".to_vec();
    let brat_dir = repo.join("tests/golden/small.brat");
    let mut brat_seeds = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&brat_dir) {
        let mut anns: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "ann"))
            .collect();
        anns.sort();
        let conf = std::fs::read(brat_dir.join("annotation.conf")).unwrap_or_default();
        for ann in anns {
            // One input holds the three files, split at a NUL byte.
            let mut seed = std::fs::read(ann.with_extension("txt")).unwrap_or_default();
            seed.push(0);
            seed.extend(std::fs::read(&ann).unwrap_or_default());
            seed.push(0);
            seed.extend(&conf);
            brat_seeds.push(seed);
        }
    }
    // A delta as the history writes them: copy the base but its last line,
    // then insert one.
    let lines = sample.iter().filter(|&&b| b == b'\n').count();
    let delta_seed = format!("MARGINALIA-DELTA 1\n=0,{}\n+7\n// end\n", lines.saturating_sub(1)).into_bytes();
    vec![
        Target {
            name: "project",
            seeds: vec![sample.clone()],
            run: run_project,
        },
        Target {
            name: "history-index",
            seeds: vec![index],
            run: run_index,
        },
        Target {
            name: "history-snapshot",
            seeds: vec![delta_seed, gzip(&sample)],
            run: run_snapshot,
        },
        Target {
            name: "jsonl",
            seeds: vec![read("tests/golden/small.jsonl"), read("tests/golden/small.utf16.jsonl")],
            run: run_jsonl,
        },
        Target {
            name: "brat",
            seeds: brat_seeds,
            run: run_brat,
        },
        Target {
            name: "conll",
            seeds: vec![
                read("tests/golden/small.conll"),
                read("tests/golden/french.bioes.conll"),
            ],
            run: run_conll,
        },
        Target {
            name: "document-text",
            seeds: vec![
                read("sample_projects/karabakh/report-2020-09-27.txt"),
                "Հայաստան — Россия — مرحبا — 中文 — 👨🏻‍🚒\r\n".as_bytes().to_vec(),
                b"L\x92arm\xE9e a d\xE9clar\xE9".to_vec(),
            ],
            run: run_text,
        },
    ]
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = e.write_all(bytes);
    e.finish().unwrap_or_default()
}

fn refused(e: impl std::fmt::Display) -> Outcome {
    Outcome::Refused(e.to_string())
}

fn run_project(bytes: &[u8], _: &Scratch) -> Outcome {
    let path = Path::new("fuzz.ron");
    let source = match safe_read::utf8(bytes.to_vec()) {
        Ok(s) => s,
        Err(e) => return refused(format!("fuzz.ron: {e}")),
    };
    // Documents as the sample has them, so the checks after parsing run.
    let reader = |rel: &str, _hash: &str| {
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample_projects/karabakh")
            .join(rel);
        textfile::read_text_file(&file)
    };
    match load::parse(&source, path, &reader) {
        Ok(loaded) => {
            // Whatever loads must save and load again the same.
            let text = marginalia::persist::format::to_string(&loaded.project);
            match load::parse(&text, path, &reader) {
                Ok(again) if again.project == loaded.project => Outcome::Accepted,
                Ok(_) => panic!("a loaded project reads back differently after saving"),
                Err(e) => panic!("a loaded project saves to a file that does not load: {e}"),
            }
        }
        Err(e) => refused(e),
    }
}

fn run_index(bytes: &[u8], _: &Scratch) -> Outcome {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Outcome::Refused("versions.ron: not UTF-8".to_owned());
    };
    match history::parse_index(text, Path::new("versions.ron")) {
        Ok(versions) => {
            for v in &versions {
                assert!(marginalia::persist::state_dir::is_plain_name(&v.file));
                let _ = v.time.to_string();
            }
            Outcome::Accepted
        }
        Err(e) => refused(e),
    }
}

fn run_snapshot(bytes: &[u8], _: &Scratch) -> Outcome {
    let base = include_str!("../../sample_projects/karabakh/karabakh.ron");
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return match history::gunzip(bytes) {
            Some(_) => Outcome::Accepted,
            None => Outcome::Refused("snapshot.gz: the snapshot is damaged".to_owned()),
        };
    }
    let Ok(delta) = std::str::from_utf8(bytes) else {
        return Outcome::Refused("snapshot: not UTF-8".to_owned());
    };
    match history::apply_delta(base, delta) {
        Some(_) => Outcome::Accepted,
        None => Outcome::Refused("snapshot.delta.gz: the snapshot is damaged".to_owned()),
    }
}

fn import(format: Format, input: &Path) -> Outcome {
    let importer = format.importer().expect("importer");
    for lenient in [false, true] {
        let options = ImportOptions {
            lenient,
            ..ImportOptions::default()
        };
        match importer.import(&[input.to_owned()], &options, &Progress::new()) {
            Ok(imported) => {
                for s in &imported.skipped {
                    let said = s.to_string();
                    if !is_clear(&said) {
                        return Outcome::Refused(said);
                    }
                }
                // Whatever an import holds must be storable as it is.
                for d in &imported.project.documents {
                    assert_eq!(
                        textfile::storable(d.text.as_str()),
                        Ok(()),
                        "import kept an unstorable text"
                    );
                }
                if !lenient {
                    return Outcome::Accepted;
                }
            }
            Err(e) => return refused(e),
        }
    }
    Outcome::Accepted
}

fn run_jsonl(bytes: &[u8], scratch: &Scratch) -> Outcome {
    import(Format::Jsonl, &scratch.write("in.jsonl", bytes))
}

fn run_conll(bytes: &[u8], scratch: &Scratch) -> Outcome {
    import(Format::Conll, &scratch.write("in.conll", bytes))
}

fn run_brat(bytes: &[u8], scratch: &Scratch) -> Outcome {
    let mut parts = bytes.splitn(3, |&b| b == 0);
    let (txt, ann, conf) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let dir = scratch.dir.join("brat");
    let _ = std::fs::create_dir_all(&dir);
    std::fs::write(dir.join("d.txt"), txt).expect("scratch");
    std::fs::write(dir.join("d.ann"), ann).expect("scratch");
    std::fs::write(dir.join("annotation.conf"), conf).expect("scratch");
    import(Format::Brat, &dir)
}

fn run_text(bytes: &[u8], _: &Scratch) -> Outcome {
    match textfile::decode(bytes) {
        Ok(d) => {
            // A decoded text is what a document holds: it must hash and
            // index without trouble.
            let t = marginalia::model::Text::new(d.text);
            let _ = t.content_hash();
            Outcome::Accepted
        }
        Err(why) => Outcome::Refused(format!("document: {why}")),
    }
}
