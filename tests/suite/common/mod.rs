//! Helpers shared by the integration tests: temporary projects on disk,
//! running the binary, spans and timestamps.

#![allow(dead_code)] // each test crate uses a different subset

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};

use marginalia::edit::{Command, new_annotation};
use marginalia::model::{Document, Project, Text, Timestamp};
use marginalia::persist;

/// Text with the scripts and encodings edge cases the offsets must survive.
pub const MIXED_TEXT: &str = "Le président Ilham Aliyev a déclaré la victoire.\r\n\
Pompier 👨🏻‍🚒 à Stepanakert, café\u{301} noir.\r\n\
Հայաստան — Россия — مرحبا — 中文文本 — 🇦🇲\r\n";

/// The repository's sample project.
pub fn sample_project_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_projects/karabakh/karabakh.ron")
}

/// A project folder in a temporary directory with one document
/// (`MIXED_TEXT`) and three annotations, saved as `p.ron`.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("doc.txt"), MIXED_TEXT).expect("write doc");
        let path = dir.path().join("p.ron");
        let mut project = Project::new("fixture");
        project
            .documents
            .push(Document::new("doc", "Doc", "doc.txt", Text::new(MIXED_TEXT)));
        let at = Timestamp::from_unix(1_700_000_000);
        let find = |s: &str| {
            let byte = MIXED_TEXT.find(s).expect("needle");
            let start = MIXED_TEXT[..byte].chars().count();
            start..start + s.chars().count()
        };
        let a = new_annotation(&project, "doc", find("Ilham Aliyev"), "actor", "ana", at).unwrap();
        let b = new_annotation(&project, "doc", find("👨🏻‍🚒"), "event", "ana", at).unwrap();
        let c = new_annotation(&project, "doc", find("Հայաստան"), "actor", "ana", at).unwrap();
        Command::AddAnnotations(vec![a, b, c]).apply(&mut project).unwrap();
        persist::save(&project, &path).expect("save");
        Fixture { dir, path }
    }

    pub fn source(&self) -> String {
        std::fs::read_to_string(&self.path).expect("read project")
    }

    /// Rewrites the project file with `edit` applied to its text.
    pub fn edit(&self, edit: impl FnOnce(String) -> String) {
        std::fs::write(&self.path, edit(self.source())).expect("write project");
    }

    pub fn doc_path(&self) -> PathBuf {
        self.dir.path().join("doc.txt")
    }
}

/// Runs the real binary with `args`, as a user would (a fixed author, so
/// that what it writes does not depend on the machine).
pub fn marginalia(args: &[&str]) -> Output {
    marginalia_with(args, |_| {})
}

/// [`marginalia`], with the command adjusted first (working folder, environment).
pub fn marginalia_with(args: &[&str], adjust: impl FnOnce(&mut Process)) -> Output {
    let mut command = Process::new(env!("CARGO_BIN_EXE_marginalia"));
    command.args(args).env("MARGINALIA_AUTHOR", "cli-test");
    adjust(&mut command);
    command.output().expect("run marginalia")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A path as a command-line argument.
pub fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// The code point range of the first `needle` in `text`.
pub fn span(text: &str, needle: &str) -> Range<usize> {
    let b = text.find(needle).expect(needle);
    let s = text[..b].chars().count();
    s..s + needle.chars().count()
}

/// A fixed moment plus `s` seconds.
pub fn at(s: i64) -> Timestamp {
    Timestamp::from_unix(1_700_000_000 + s)
}

/// A project "p" with one document "d" holding `text` (which must contain
/// the French sentences below) and five tags by "ana": the fixture of the
/// diff and merge tests.
pub fn five_tags(text: &str) -> Project {
    let mut p = Project::new("p");
    p.documents.push(Document::new("d", "D", "d.txt", Text::new(text)));
    let spans = [
        ("Ilham Aliyev", "actor"),
        ("a déclaré la victoire", "event"),
        ("Dmitri Peskov", "actor"),
        ("une affaire intérieure", "claim"),
        ("Les forces arméniennes", "actor"),
    ];
    let list = spans
        .iter()
        .map(|(s, l)| new_annotation(&p, "d", span(text, s), l, "ana", at(0)).expect("valid tag"))
        .collect();
    Command::AddAnnotations(list).apply(&mut p).expect("tags apply");
    p
}
