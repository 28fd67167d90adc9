//! Trust: the defects found by adversarial testing, each pinned by a test
//! that failed before its fix. A project folder from someone else is
//! untrusted input; two programs saving one project must not lose work;
//! nothing is written outside the project; no input panics or hangs.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

use common::{Fixture, MIXED_TEXT, marginalia, p, stderr, stdout};
use marginalia::edit::{Command, new_annotation};
use marginalia::model::Timestamp;
use marginalia::persist;
use marginalia::session::{Session, SessionError};

/// Code point ranges of single non-space characters of the fixture text,
/// one per parallel writer.
fn distinct_ranges(n: usize) -> Vec<(usize, usize)> {
    MIXED_TEXT
        .chars()
        .enumerate()
        .filter(|(_, c)| c.is_alphabetic())
        .map(|(i, _)| (i, i + 1))
        .step_by(2)
        .take(n)
        .collect()
}

fn annotate_args(project: &Path, (start, end): (usize, usize)) -> Vec<String> {
    [
        "annotate",
        p(project),
        "--doc",
        "doc",
        "--label",
        "claim",
        "--start",
        &start.to_string(),
        "--end",
        &end.to_string(),
    ]
    .map(str::to_owned)
    .to_vec()
}

/// Tags "Stepanakert" as an event in the open session (unsaved).
fn tag_stepanakert(session: &mut Session) -> marginalia::model::AnnotationId {
    let text = session.project().document("doc").unwrap().text.clone();
    let at = Timestamp::from_unix(1_700_000_100);
    let range = common::span(text.as_str(), "Stepanakert");
    let a = new_annotation(session.project(), "doc", range, "event", "me", at).unwrap();
    let id = a.id;
    session.apply(Command::AddAnnotations(vec![a])).unwrap();
    id
}

/// Runs `marginalia annotate` on `project`, tagging `range` as a claim.
fn annotate(project: &Path, range: (usize, usize)) -> std::process::Output {
    let args = annotate_args(project, range);
    marginalia(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// The id printed by `annotate` ("added ID [s, e) …").
fn added_id(out: &str) -> Option<String> {
    out.lines()
        .find_map(|l| l.strip_prefix("added "))
        .and_then(|l| l.split_whitespace().next())
        .map(str::to_owned)
}

#[test]
fn parallel_annotate_runs_lose_nothing_that_was_reported_saved() {
    let f = Fixture::new();
    let ranges = distinct_ranges(16);
    assert_eq!(ranges.len(), 16);
    let children: Vec<_> = ranges
        .iter()
        .map(|&r| {
            Process::new(env!("CARGO_BIN_EXE_marginalia"))
                .args(annotate_args(&f.path, r))
                .env("MARGINALIA_AUTHOR", "parallel")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn annotate")
        })
        .collect();
    let mut reported = Vec::new();
    for child in children {
        let o = child.wait_with_output().expect("annotate");
        assert!(o.status.success(), "every run waits for the lock: {}", stderr(&o));
        reported.push(added_id(&stdout(&o)).expect("an added line"));
    }
    let project = persist::open(&f.path).expect("the project loads and validates");
    for id in &reported {
        assert!(
            project.annotations().iter().any(|a| a.id.to_string() == *id),
            "{id} was reported saved but is missing"
        );
    }
    assert_eq!(project.annotations().len(), 3 + 16);
}

#[test]
fn the_workbench_never_overwrites_a_newer_file_and_can_merge_it() {
    let f = Fixture::new();
    let mut open = Session::open(&f.path).unwrap();
    // A script tags something while the project is open.
    let o = annotate(&f.path, distinct_ranges(1)[0]);
    assert!(o.status.success(), "{}", stderr(&o));
    let theirs = added_id(&stdout(&o)).unwrap();
    // The open session adds its own tag and saves: refused, not lost.
    let mine_id = tag_stepanakert(&mut open);
    assert!(matches!(open.save(), Err(SessionError::ChangedOnDisk)));
    let on_disk = persist::open(&f.path).unwrap();
    assert!(on_disk.annotations().iter().any(|a| a.id.to_string() == theirs));
    // Merge theirs into mine: both tags, then the save goes through.
    let merged = open.merge_from_disk().unwrap();
    assert!(merged.is_clean(), "{:?}", merged.conflicts);
    assert!(open.is_dirty());
    open.save().unwrap();
    let saved = persist::open(&f.path).unwrap();
    assert!(saved.annotations().iter().any(|a| a.id.to_string() == theirs));
    assert!(saved.annotations().iter().any(|a| a.id == mine_id));
    assert_eq!(saved.annotations().len(), 5);
}

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Process::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .output()
        .expect("git")
}

#[test]
fn the_state_folder_stays_out_of_git_and_the_driver_merges_other_ron_files_as_text() {
    let f = Fixture::new();
    let dir = f.dir.path();
    assert!(git(dir, &["init", "-q", "-b", "main"]).status.success());
    std::fs::write(dir.join(".gitattributes"), "*.ron merge=marginalia\n").unwrap();
    let driver = format!("{} merge %O %A %B -o %A", env!("CARGO_BIN_EXE_marginalia"));
    assert!(
        git(dir, &["config", "merge.marginalia.driver", &driver])
            .status
            .success()
    );
    // A save creates .marginalia/ (history, lock): git add -A leaves it out.
    let o = annotate(&f.path, distinct_ranges(1)[0]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join(".marginalia/history").is_dir());
    std::fs::write(dir.join("other.ron"), "(\n    a: 1,\n    b: 2,\n    c: 3,\n)\n").unwrap();
    assert!(git(dir, &["add", "-A"]).status.success());
    let listed = String::from_utf8(git(dir, &["ls-files"]).stdout).unwrap();
    assert!(!listed.contains(".marginalia"), "{listed}");
    assert!(git(dir, &["commit", "-qm", "base"]).status.success());

    // Two branches change different lines of a RON file that is not a project.
    assert!(git(dir, &["checkout", "-qb", "theirs"]).status.success());
    std::fs::write(dir.join("other.ron"), "(\n    a: 10,\n    b: 2,\n    c: 3,\n)\n").unwrap();
    assert!(git(dir, &["commit", "-qam", "theirs"]).status.success());
    assert!(git(dir, &["checkout", "-q", "main"]).status.success());
    std::fs::write(dir.join("other.ron"), "(\n    a: 1,\n    b: 2,\n    c: 30,\n)\n").unwrap();
    assert!(git(dir, &["commit", "-qam", "ours"]).status.success());
    let o = git(dir, &["merge", "-q", "theirs", "-m", "merge"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.join("other.ron")).unwrap(),
        "(\n    a: 10,\n    b: 2,\n    c: 30,\n)\n"
    );
}

#[test]
fn export_never_writes_over_the_project_its_documents_or_other_files() {
    let f = Fixture::new();
    let before = f.source();
    let doc_before = std::fs::read(f.doc_path()).unwrap();
    for (format, out, why) in [
        ("csv", f.path.clone(), "is the project file"),
        ("jsonl", f.doc_path(), "is the text of document \"doc\""),
        ("jsonl", PathBuf::from("/dev/null"), "not a regular file"),
    ] {
        let o = marginalia(&["export", p(&f.path), "--format", format, "-o", p(&out)]);
        assert_eq!(o.status.code(), Some(1), "{format} -o {}", out.display());
        assert!(stderr(&o).contains(why), "{}", stderr(&o));
    }
    assert_eq!(f.source(), before);
    assert_eq!(std::fs::read(f.doc_path()).unwrap(), doc_before);
    assert!(!persist::save::backup_path(&f.path).exists(), "nothing was saved");

    // brat into a folder of someone else's files: refused, files intact.
    let folder = f.dir.path().join("theirs");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("annotation.conf"), "mine").unwrap();
    let o = marginalia(&["export", p(&f.path), "--format", "brat", "-o", p(&folder)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("are not from an earlier Marginalia export"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(folder.join("annotation.conf")).unwrap(), "mine");
    // An earlier export of ours is updated in place.
    let ours = f.dir.path().join("brat");
    for _ in 0..2 {
        let o = marginalia(&["export", p(&f.path), "--format", "brat", "-o", p(&ours)]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
}

/// Imports `input` with `args` into a new project; returns the output.
fn import(format: &str, input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["import", "--format", format, p(input), "-o", p(out)];
    args.extend_from_slice(extra);
    marginalia(&args)
}

#[test]
fn imports_never_write_a_project_the_loader_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let alternating: String = "Stepanakert et Bakou".chars().flat_map(|c| [c, '\0']).collect();
    for (i, (text, why)) in [
        ("Bakou\u{0}Erevan", "NUL"),
        ("\u{feff}Bakou et Erevan", "U+FEFF"),
        (alternating.as_str(), "would"),
    ]
    .into_iter()
    .enumerate()
    {
        let input = dir.path().join(format!("in{i}.jsonl"));
        let record = serde_json::json!({"id": "d", "text": text, "label": [[0, 5, "actor"]]});
        std::fs::write(&input, format!("{record}\n")).unwrap();
        let out = dir.path().join(format!("out{i}/p.ron"));
        let o = import("jsonl", &input, &out, &[]);
        assert_eq!(o.status.code(), Some(1), "{why}: {}", stdout(&o));
        assert!(stderr(&o).contains(why), "{}", stderr(&o));
        assert!(!out.exists());
        // Lenient: imported without it, and what is written validates.
        let o = import("jsonl", &input, &out, &["--lenient"]);
        if o.status.success() {
            assert_eq!(marginalia(&["validate", p(&out)]).status.code(), Some(0));
        }
    }
    // A CoNLL file with a byte order mark reloads as imported.
    let conll = dir.path().join("bom.conll");
    std::fs::write(&conll, "\u{feff}Nikol\tB-actor\nPashinyan\tI-actor\na\tO\nparlé\tO\n").unwrap();
    let out = dir.path().join("conll/p.ron");
    let o = import("conll", &conll, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = marginalia(&["validate", p(&out)]);
    assert_eq!(v.status.code(), Some(0), "{}", stderr(&v));
    let project = persist::open(&out).unwrap();
    assert_eq!(project.annotations()[0].text, "Nikol Pashinyan");
}

#[test]
fn conll_tokens_keep_no_break_spaces_tabs_separate_columns_and_cr_ends_lines() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "nbsp.conll",
            "10\u{a0}000 O\nsoldats B-actor\n",
            "10\u{a0}000 soldats",
            "soldats",
        ),
        ("tab.conll", "New York\tB-loc\nvote\tO\n", "New York vote", "New York"),
        (
            "cr.conll",
            "Erevan B-loc\rvote O\r\rBakou B-loc\r",
            "Erevan vote\nBakou",
            "Erevan",
        ),
    ];
    for (name, source, text, first) in cases {
        let input = dir.path().join(name);
        std::fs::write(&input, source).unwrap();
        let out = dir.path().join(name).with_extension("d").join("p.ron");
        let o = import("conll", &input, &out, &[]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let project = persist::open(&out).unwrap();
        assert_eq!(project.documents[0].text.as_str(), text, "{name}");
        assert_eq!(project.annotations()[0].text, first, "{name}");
    }
}

#[test]
fn jsonl_with_a_label_string_is_refused_not_imported_empty() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("labels.jsonl");
    std::fs::write(&input, "{\"id\": \"d\", \"text\": \"Bakou\", \"label\": \"actor\"}\n").unwrap();
    let out = dir.path().join("out/p.ron");
    let o = import("jsonl", &input, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("\"label\" must be a list of spans, not the string \"actor\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn brat_prefers_an_edited_t_line_and_lists_notes_it_cannot_attach() {
    let dir = tempfile::tempdir().unwrap();
    let brat = dir.path().join("brat");
    std::fs::create_dir(&brat).unwrap();
    std::fs::write(brat.join("d.txt"), "Nikol Pashinyan a parlé.").unwrap();
    // Exported as [0, 15), then narrowed by hand to "Pashinyan".
    std::fs::write(
        brat.join("d.ann"),
        "T1\tactor 6 15\tPashinyan\n#1\tMarginalia T1\tid=0000000000a1 start=0 end=15\n#2\tAnnotatorNotes T9\tlost?\n",
    )
    .unwrap();
    let out = dir.path().join("out/p.ron");
    let o = import("brat", &brat, &out, &["--lenient"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(all.contains("T1 was edited after export"), "{all}");
    assert!(all.contains("AnnotatorNotes note on T9 skipped"), "{all}");
    let project = persist::open(&out).unwrap();
    assert_eq!(project.annotations()[0].text, "Pashinyan");
}

#[test]
fn timestamps_outside_years_1_to_9999_are_refused_on_read() {
    let f = Fixture::new();
    f.edit(|s| {
        s.replacen(
            "created: \"2023-11-14T22:13:20Z\"",
            "created: \"0000-01-01T00:00:00+23:59\"",
            1,
        )
    });
    assert!(f.source().contains("0000-01-01"));
    let o = marginalia(&["validate", p(&f.path)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("years 1 to 9999"), "{}", stderr(&o));
    assert!(stderr(&o).contains("p.ron:"), "{}", stderr(&o));
}

#[test]
fn a_damaged_history_index_is_said_at_every_save_and_the_project_is_still_saved() {
    let f = Fixture::new();
    let ranges = distinct_ranges(3);
    let run = |r| annotate(&f.path, r);
    assert!(run(ranges[0]).status.success());
    let index = f.dir.path().join(".marginalia/history/p/versions.ron");
    std::fs::write(&index, "[ (oops").unwrap();
    for &r in &ranges[1..] {
        let o = run(r);
        assert!(o.status.success());
        assert!(
            stderr(&o).contains("warning: the version history could not be updated"),
            "{}",
            stderr(&o)
        );
    }
    assert_eq!(persist::open(&f.path).unwrap().annotations().len(), 6);
}

#[test]
fn history_pruning_never_deletes_outside_the_history_folder() {
    let f = Fixture::new();
    let victim = f.dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let ranges = distinct_ranges(2);

    assert!(annotate(&f.path, ranges[0]).status.success());
    // A hostile index: an old entry naming a file outside the folder.
    let index = f.dir.path().join(".marginalia/history/p/versions.ron");
    // Two in one month: pruning keeps the later and drops the other.
    let entry = "(file: \"../../../victim.txt\", time: \"2001-01-01T00:00:00Z\", author: \"x\", annotations: 0, hash: \"sha256:00\"),\n    \
                 (file: \"2001-01-02T00-00-00Z.full.gz\", time: \"2001-01-02T00:00:00Z\", author: \"x\", annotations: 0, hash: \"sha256:01\"),";
    let text = std::fs::read_to_string(&index)
        .unwrap()
        .replacen('[', &format!("[\n    {entry}"), 1);
    std::fs::write(&index, text).unwrap();
    let o = annotate(&f.path, ranges[1]);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("not a snapshot file of this folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

#[cfg(unix)]
#[test]
fn saving_through_a_symlinked_project_file_keeps_the_link() {
    let f = Fixture::new();
    let link = f.dir.path().join("link.ron");
    std::os::unix::fs::symlink("p.ron", &link).unwrap();
    let o = annotate(&link, distinct_ranges(1)[0]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(persist::open(&f.path).unwrap().annotations().len(), 4);
}

#[test]
fn git_revisions_cannot_be_options_and_bad_references_are_named() {
    let f = Fixture::new();
    let dir = f.dir.path();
    assert!(git(dir, &["init", "-q"]).status.success());
    let bad = format!("{}@git:--output=x.txt", p(&f.path));
    let o = marginalia_in(dir, &["diff", &bad, p(&f.path)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot start with '-'"), "{}", stderr(&o));
    let written: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert!(
        !written.iter().any(|n| n.to_string_lossy().starts_with("x.txt")),
        "{written:?}"
    );
    for suffix in ["@abc", "@", "@1.5"] {
        let o = marginalia(&["diff", &format!("{}{suffix}", p(&f.path)), p(&f.path)]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("is not a version reference"),
            "{suffix}: {}",
            stderr(&o)
        );
    }
}

fn marginalia_in(dir: &Path, args: &[&str]) -> std::process::Output {
    common::marginalia_with(args, |c| {
        c.current_dir(dir);
    })
}

#[cfg(unix)]
#[test]
fn special_files_are_refused_at_once() {
    let f = Fixture::new();
    let fifo = f.dir.path().join("pipe.txt");
    assert!(Process::new("mkfifo").arg(&fifo).status().unwrap().success());
    let zero = f.dir.path().join("zero.txt");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    for target in ["/dev/zero", "pipe.txt", "/dev/urandom"] {
        f.edit(|s| {
            let start = s.find("path: \"").unwrap() + 7;
            let end = start + s[start..].find('"').unwrap();
            format!("{}{target}{}", &s[..start], &s[end..])
        });
        let o = marginalia(&["validate", p(&f.path)]);
        assert_eq!(o.status.code(), Some(1), "{target}");
        assert!(stdout(&o).contains("not a regular file"), "{target}: {}", stdout(&o));
    }
    for file in [&zero, &fifo] {
        let o = marginalia(&["add", p(&f.path), p(file)]);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
        let o = import("text", file, &f.dir.path().join("imp/p.ron"), &[]);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
    }
}

#[test]
fn a_file_ending_inside_a_character_loads_without_panicking() {
    let f = Fixture::new();
    f.edit(|s| format!("{s}// é1234567"));
    let o = marginalia(&["validate", p(&f.path)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Truncated at every byte of its last 40: an error or a load, never a panic.
    let full = std::fs::read(&f.path).unwrap();
    for cut in full.len() - 40..full.len() {
        std::fs::write(&f.path, &full[..cut]).unwrap();
        let o = marginalia(&["validate", p(&f.path)]);
        assert!(matches!(o.status.code(), Some(0 | 1)), "cut at {cut}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
}

#[test]
fn errors_say_what_is_wrong_once_and_exactly() {
    let f = Fixture::new();
    // A byte order mark is accepted (editors on Windows add one).
    let source = f.source();
    f.edit(|s| format!("\u{feff}{s}"));
    assert_eq!(marginalia(&["validate", p(&f.path)]).status.code(), Some(0));
    // Invalid UTF-8: byte, line and column.
    let mut bytes = source.clone().into_bytes();
    let at = source.find("fixture").unwrap();
    bytes[at] = 0xFF;
    std::fs::write(&f.path, &bytes).unwrap();
    let o = marginalia(&["validate", p(&f.path)]);
    let line = 1 + source[..at].matches('\n').count();
    assert!(
        stderr(&o).contains(&format!("invalid UTF-8 at byte {at} (line {line},")),
        "{}",
        stderr(&o)
    );
    // A folder: the reason said once.
    let o = marginalia(&["validate", p(f.dir.path())]);
    assert_eq!(stderr(&o).matches("not a regular file").count(), 1, "{}", stderr(&o));
    // format_version in a comment or a string is not the file's.
    std::fs::write(&f.path, source.replacen("(\n", "(\n    // format_version: 9\n", 1)).unwrap();
    assert_eq!(marginalia(&["validate", p(&f.path)]).status.code(), Some(0));
    std::fs::write(
        &f.path,
        source.replacen("name: \"fixture\"", "name: \"format_version: 9\"", 1),
    )
    .unwrap();
    assert_eq!(marginalia(&["validate", p(&f.path)]).status.code(), Some(0));
    std::fs::write(&f.path, &source).unwrap();
    // History of a missing file, a folder, a text file; agreement on a
    // label nobody has.
    let o = marginalia(&["history", p(&f.dir.path().join("missing.ron"))]);
    assert_eq!(o.status.code(), Some(1));
    let o = marginalia(&["history", p(f.dir.path())]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is not a regular file"), "{}", stderr(&o));
    let o = marginalia(&["history", p(&f.doc_path())]);
    assert_eq!(o.status.code(), Some(1), "a text file has no history: {}", stdout(&o));
    // A project with CR-only line endings is named for what it is.
    std::fs::write(&f.path, source.replace('\n', "\r")).unwrap();
    let o = marginalia(&["validate", p(&f.path)]);
    assert!(stderr(&o).contains("CR alone"), "{}", stderr(&o));
    std::fs::write(&f.path, &source).unwrap();
    let o = marginalia(&["agree", p(&f.path), p(&f.path), "--labels", "nonexistent"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no label \"nonexistent\""), "{}", stderr(&o));
}

#[test]
fn a_failed_save_keeps_the_edits_the_file_and_the_recovery_copy() {
    let f = Fixture::new();
    let before = f.source();
    let mut s = Session::open(&f.path).unwrap();
    let id = tag_stepanakert(&mut s);
    s.write_recovery().unwrap();
    // The backup's place is taken by a folder: the save fails half way.
    let bak = persist::save::backup_path(&f.path);
    std::fs::create_dir_all(bak.join("x")).unwrap();
    let e = s.save().unwrap_err();
    assert!(e.to_string().contains("cannot save"), "{e}");
    assert_eq!(f.source(), before, "the project file is untouched");
    assert!(s.is_dirty());
    assert!(s.project().annotations().iter().any(|a| a.id == id), "the edit is kept");
    let recovered = persist::recovery::read_recovery(&f.path)
        .unwrap()
        .expect("a recovery copy");
    assert!(recovered.project.annotations().iter().any(|a| a.id == id));
}

/// Runs `script` as root of a new user and mount namespace (so it can mount
/// a small tmpfs without touching the machine), with `vars` set.
#[cfg(target_os = "linux")]
fn in_mount_namespace(script: &str, vars: &[(&str, &Path)]) -> std::process::Output {
    let mut c = Process::new("unshare");
    c.args(["-rm", "sh", "-c", script]);
    for (k, v) in vars {
        c.env(k, v);
    }
    c.output().expect("unshare (util-linux)")
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_or_a_read_only_folder_fails_clearly_and_changes_nothing() {
    let f = Fixture::new();
    let out = tempfile::tempdir().unwrap();
    let mnt = tempfile::tempdir().unwrap();
    let r = distinct_ranges(3);
    let script = format!(
        r#"set -e
mount -t tmpfs -o size=1m tmpfs "$MNT"
cp "$SRC/p.ron" "$SRC/doc.txt" "$MNT/"
"$EXE" annotate "$MNT/p.ron" --doc doc --label claim --start {} --end {} > /dev/null
"$EXE" annotate "$MNT/p.ron" --doc doc --label claim --start {} --end {} > /dev/null
cp "$MNT/p.ron" "$OUT/before.ron"; cp "$MNT/p.ron.bak" "$OUT/before.bak"
dd if=/dev/zero of="$MNT/filler" bs=4096 2> /dev/null || true
set +e
"$EXE" annotate "$MNT/p.ron" --doc doc --label claim --start {} --end {} > /dev/null 2> "$OUT/full.err"
echo $? > "$OUT/full.rc"
cp "$MNT/p.ron" "$OUT/full.ron"; cp "$MNT/p.ron.bak" "$OUT/full.bak"
rm "$MNT/filler"
mount -o remount,ro "$MNT"
"$EXE" annotate "$MNT/p.ron" --doc doc --label claim --start {} --end {} > /dev/null 2> "$OUT/ro.err"
echo $? > "$OUT/ro.rc"
cp "$MNT/p.ron" "$OUT/ro.ron"
"$EXE" validate "$MNT/p.ron" > /dev/null; echo $? > "$OUT/validate.rc"
"#,
        r[0].0, r[0].1, r[1].0, r[1].1, r[2].0, r[2].1, r[2].0, r[2].1
    );
    let o = in_mount_namespace(
        &script,
        &[
            ("MNT", mnt.path()),
            ("SRC", f.dir.path()),
            ("OUT", out.path()),
            ("EXE", Path::new(env!("CARGO_BIN_EXE_marginalia"))),
        ],
    );
    assert!(o.status.success(), "the namespace script: {}", stderr(&o));
    let read = |name: &str| std::fs::read_to_string(out.path().join(name)).unwrap();
    assert_eq!(read("full.rc").trim(), "1");
    assert!(
        read("full.err").contains("No space left on device"),
        "{}",
        read("full.err")
    );
    assert_eq!(read("full.ron"), read("before.ron"), "the project survives a full disk");
    assert_eq!(read("full.bak"), read("before.bak"), "and so does its backup");
    assert_eq!(read("ro.rc").trim(), "1");
    assert!(read("ro.err").contains("Read-only file system"), "{}", read("ro.err"));
    assert_eq!(read("ro.ron"), read("before.ron"));
    assert_eq!(
        read("validate.rc").trim(),
        "0",
        "reading never writes: a read-only project validates"
    );
}

// ------------------------------------------------ found by a second attack

#[test]
fn merge_output_is_locked_regular_and_never_a_document() {
    let f = Fixture::new();
    let dir = f.dir.path();
    let base = dir.join("base.ron");
    let theirs = dir.join("theirs.ron");
    std::fs::copy(&f.path, &base).unwrap();
    std::fs::copy(&f.path, &theirs).unwrap();
    // A merge racing annotate runs on OUT: every reported tag survives.
    let ranges = distinct_ranges(8);
    let mut children = Vec::new();
    for &r in &ranges {
        children.push(
            Process::new(env!("CARGO_BIN_EXE_marginalia"))
                .args(annotate_args(&f.path, r))
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
        children.push(
            Process::new(env!("CARGO_BIN_EXE_marginalia"))
                .args(["merge", p(&base), p(&f.path), p(&theirs), "-o", p(&f.path)])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap(),
        );
    }
    let mut reported = Vec::new();
    for child in children {
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        reported.extend(added_id(&stdout(&o)));
    }
    assert_eq!(reported.len(), ranges.len());
    let project = persist::open(&f.path).unwrap();
    for id in &reported {
        assert!(
            project.annotations().iter().any(|a| a.id.to_string() == *id),
            "{id} lost"
        );
    }
    // Not a document, not a FIFO.
    let doc_before = std::fs::read(f.doc_path()).unwrap();
    let o = marginalia(&["merge", p(&base), p(&f.path), p(&theirs), "-o", p(&f.doc_path())]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is the text of document \"doc\""), "{}", stderr(&o));
    assert_eq!(std::fs::read(f.doc_path()).unwrap(), doc_before);
    #[cfg(unix)]
    {
        let fifo = dir.join("fifo");
        assert!(Process::new("mkfifo").arg(&fifo).status().unwrap().success());
        let o = marginalia(&["merge", p(&base), p(&f.path), p(&theirs), "-o", p(&fifo)]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
        assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    }
}

#[cfg(unix)]
use std::os::unix::fs::FileTypeExt as _;

#[test]
fn a_project_added_on_both_branches_merges_from_an_empty_ancestor() {
    let f = Fixture::new();
    let dir = f.dir.path();
    let empty = dir.join("empty");
    std::fs::write(&empty, "").unwrap();
    let theirs = dir.join("theirs.ron");
    std::fs::copy(&f.path, &theirs).unwrap();

    assert!(annotate(&theirs, distinct_ranges(1)[0]).status.success());
    let out = dir.join("out.ron");
    let o = marginalia(&["merge", p(&empty), p(&f.path), p(&theirs), "-o", p(&out)]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let merged = persist::load::read_file_only(&out).unwrap();
    assert_eq!(merged.annotations().len(), 4, "both sides' annotations, once each");
}

#[test]
fn exports_stay_out_of_the_state_folder_and_never_write_through_links() {
    let f = Fixture::new();
    let dir = f.dir.path();

    assert!(annotate(&f.path, distinct_ranges(1)[0]).status.success());
    let index = dir.join(".marginalia/history/p/versions.ron");
    let index_before = std::fs::read(&index).unwrap();
    let o = marginalia(&["export", p(&f.path), "--format", "conll", "-o", p(&index)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("state folder"), "{}", stderr(&o));
    let o = marginalia(&[
        "export",
        p(&f.path),
        "--format",
        "brat",
        "-o",
        p(&dir.join(".marginalia")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(&index).unwrap(), index_before);
    #[cfg(unix)]
    {
        // A folder pretending to be an earlier export, with a planted link.
        let fake = dir.join("fake");
        std::fs::create_dir(&fake).unwrap();
        std::fs::write(fake.join("marginalia.json"), "{}").unwrap();
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, "VICTIM").unwrap();
        std::os::unix::fs::symlink(&victim, fake.join("doc.ann")).unwrap();
        let o = marginalia(&["export", p(&f.path), "--format", "brat", "-o", p(&fake)]);
        assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "VICTIM");
    }
}

#[cfg(unix)]
#[test]
fn links_planted_in_the_state_folder_lead_nowhere() {
    let f = Fixture::new();
    let dir = f.dir.path();
    let outside = tempfile::tempdir().unwrap();
    let state = dir.join(".marginalia");
    std::fs::create_dir_all(state.join("locks")).unwrap();
    std::fs::create_dir_all(state.join("history/p/texts")).unwrap();
    let lock_target = outside.path().join("newlock");
    std::os::unix::fs::symlink(&lock_target, state.join("locks/p.ron.lock")).unwrap();
    let o = annotate(&f.path, distinct_ranges(1)[0]);
    assert_eq!(o.status.code(), Some(1), "a linked lock file is refused");
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    assert!(!lock_target.exists());
    std::fs::remove_file(state.join("locks/p.ron.lock")).unwrap();
    // A linked index and a dangling text link: never written through.
    let index_target = outside.path().join("index.ron");
    std::fs::write(&index_target, "[]").unwrap();
    std::os::unix::fs::symlink(&index_target, state.join("history/p/versions.ron")).unwrap();
    let text = std::fs::read(f.doc_path()).unwrap();
    let hash = marginalia::model::content_hash(std::str::from_utf8(&text).unwrap());
    let gz = state.join(format!("history/p/texts/{}.txt.gz", hash.trim_start_matches("sha256:")));
    let gz_target = outside.path().join("pwned.gz");
    std::os::unix::fs::symlink(&gz_target, &gz).unwrap();
    let o = annotate(&f.path, distinct_ranges(2)[1]);
    assert!(o.status.success(), "the project is saved: {}", stderr(&o));
    assert!(
        stderr(&o).contains("warning"),
        "the history says why it did not record: {}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&index_target).unwrap(), "[]");
    assert!(!gz_target.exists());
}

#[test]
fn of_two_programs_creating_one_project_one_is_told() {
    let dir = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..12)
        .map(|i| {
            let doc = dir.path().join(format!("d{i}.txt"));
            std::fs::write(&doc, format!("document {i}")).unwrap();
            Process::new(env!("CARGO_BIN_EXE_marginalia"))
                .args(["new", p(&dir.path().join("p.ron")), p(&doc)])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    let created = outputs.iter().filter(|o| stdout(o).contains("created ")).count();
    assert_eq!(created, 1, "exactly one run created the project");
    for o in outputs.iter().filter(|o| !o.status.success()) {
        assert!(stderr(o).contains("already exists"), "{}", stderr(o));
    }
    assert_eq!(persist::open(&dir.path().join("p.ron")).unwrap().documents.len(), 1);
}

#[test]
fn jsonl_spans_and_labels_must_agree_and_times_must_read() {
    let dir = tempfile::tempdir().unwrap();
    for (i, (record, why)) in [
        (
            serde_json::json!({"id": "d", "text": "Nikol Pashinyan", "spans": [{"start": 0, "end": 5, "label": "actor"}], "label": [[0, 5, "claim"]]}),
            "\"spans\" and \"label\" hold different spans",
        ),
        (
            serde_json::json!({"id": "d", "text": "Nikol Pashinyan", "spans": [{"start": 0, "end": 5, "label": "actor", "created": "0000-01-01T00:00:00+23:59"}]}),
            "created time",
        ),
        (
            serde_json::json!({"id": "d", "text": "Nikol", "label": [[0, 5, "act\nor"]]}),
            "control or invisible characters",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let input = dir.path().join(format!("in{i}.jsonl"));
        std::fs::write(&input, format!("{record}\n")).unwrap();
        let o = import("jsonl", &input, &dir.path().join(format!("o{i}/p.ron")), &[]);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains(why), "{why}: {}", stderr(&o));
    }
}

#[test]
fn a_missing_file_is_said_once() {
    let f = Fixture::new();
    let missing = f.dir.path().join("nope.ron");
    for args in [
        vec!["diff", p(&missing), p(&f.path)],
        vec!["diff", "--raw", p(&missing), p(&f.path)],
    ] {
        let o = marginalia(&args);
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert_eq!(err.matches("nope.ron").count(), 1, "{err}");
        assert_eq!(err.matches("No such file").count(), 1, "{err}");
    }
}

// ------------------------------------------------- found by a third attack

#[test]
fn parallel_imports_into_one_folder_keep_every_document_whole() {
    let dir = tempfile::tempdir().unwrap();
    let inputs: Vec<PathBuf> = (1..=2)
        .map(|i| {
            let input = dir.path().join(format!("in{i}.jsonl"));
            let record =
                serde_json::json!({"id": "doc1", "text": format!("Variant {i} du texte"), "label": [[0, 7, "event"]]});
            std::fs::write(&input, format!("{record}\n")).unwrap();
            input
        })
        .collect();
    for round in 0..4 {
        let out = dir.path().join(format!("out{round}"));
        // Two projects side by side, then two imports racing for one file.
        let targets = [
            out.join("a.ron"),
            out.join("b.ron"),
            out.join("p.ron"),
            out.join("p.ron"),
        ];
        let children: Vec<_> = targets
            .iter()
            .enumerate()
            .map(|(i, t)| {
                Process::new(env!("CARGO_BIN_EXE_marginalia"))
                    .args(["import", "--format", "jsonl", p(&inputs[i % 2]), "-o", p(t)])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outputs: Vec<_> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
        assert!(outputs[0].status.success() && outputs[1].status.success());
        assert_eq!(
            outputs[2..].iter().filter(|o| o.status.success()).count(),
            1,
            "one import creates p.ron"
        );
        for name in ["a.ron", "b.ron", "p.ron"] {
            let v = marginalia(&["validate", p(&out.join(name))]);
            assert_eq!(
                v.status.code(),
                Some(0),
                "round {round}, {name}: {}{}",
                stdout(&v),
                stderr(&v)
            );
        }
    }
}

#[test]
fn no_output_lands_on_another_projects_files() {
    let f = Fixture::new();
    let dir = f.dir.path();
    // A second project beside the first, with its own document and history.
    std::fs::write(dir.join("other.txt"), "Erevan et Bakou").unwrap();
    let other = dir.join("b.ron");
    assert!(
        marginalia(&["new", p(&other), p(&dir.join("other.txt"))])
            .status
            .success()
    );

    assert!(annotate(&f.path, distinct_ranges(1)[0]).status.success());
    let b_before = std::fs::read(&other).unwrap();
    for (target, why) in [
        (dir.join("other.txt"), "document \"other\" of b.ron"),
        (other.clone(), "a Marginalia project file"),
        (dir.join("b.ron.bak"), "a project's backup"),
        (dir.join(".marginalia/history/p/versions.ron"), "state folder"),
    ] {
        let o = marginalia(&["export", p(&f.path), "--format", "csv", "-o", p(&target)]);
        assert_eq!(o.status.code(), Some(1), "{}", target.display());
        assert!(stderr(&o).contains(why), "{why}: {}", stderr(&o));
    }
    assert_eq!(std::fs::read(&other).unwrap(), b_before);
    assert_eq!(
        std::fs::read_to_string(dir.join("other.txt")).unwrap(),
        "Erevan et Bakou"
    );
    // merge -o into a state folder: refused before anything is created there.
    let o = marginalia(&[
        "merge",
        p(&f.path),
        p(&f.path),
        p(&f.path),
        "-o",
        p(&dir.join(".marginalia/x.ron")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.join(".marginalia/.marginalia").exists());
    assert!(!dir.join(".marginalia/x.ron").exists());
    let o = marginalia(&["new", p(&dir.join(".marginalia/q.ron"))]);
    assert_eq!(o.status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn a_closed_stderr_never_crashes_a_command() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("many.jsonl");
    let lines: String = (0..3000)
        .map(|_| "{\"text\": \"Alice\", \"label\": [[0, 9, \"actor\"]]}\n")
        .collect();
    std::fs::write(&input, lines).unwrap();
    let script = format!(
        "{} import --format jsonl --lenient -o {} {} 2>&1 >/dev/null | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}",
        env!("CARGO_BIN_EXE_marginalia"),
        p(&dir.path().join("o/p.ron")),
        p(&input)
    );
    let o = Process::new("bash").args(["-c", &script]).output().unwrap();
    let code = stdout(&o).trim().to_owned();
    // Its own status (0: imported what was valid, 1: nothing was), never
    // 101, the status of a panic.
    assert!(
        matches!(code.as_str(), "0" | "1"),
        "exit status {code:?} on a closed stderr"
    );
}

#[test]
fn imports_refuse_invisible_labels_and_untyped_times_and_say_what_they_kept() {
    let dir = tempfile::tempdir().unwrap();
    for (i, record) in [
        serde_json::json!({"id": "d", "text": "Nikol", "label": [[0, 5, "act\u{200b}or"]]}),
        serde_json::json!({"id": "d", "text": "Nikol", "spans": [{"start": 0, "end": 5, "label": "actor", "created": 12345}]}),
    ]
    .into_iter()
    .enumerate()
    {
        let input = dir.path().join(format!("bad{i}.jsonl"));
        std::fs::write(&input, format!("{record}\n")).unwrap();
        let o = import("jsonl", &input, &dir.path().join(format!("b{i}/p.ron")), &[]);
        assert_eq!(o.status.code(), Some(1), "{record}");
    }
    // A span of white space only is kept, as the file has it, and said.
    let input = dir.path().join("blank.jsonl");
    let record = serde_json::json!({"id": "d", "text": "a   b", "label": [[1, 4, "actor"], [0, 1, "actor"]]});
    std::fs::write(&input, format!("{record}\n")).unwrap();
    let o = import("jsonl", &input, &dir.path().join("w/p.ron"), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let said = format!("{}{}", stdout(&o), stderr(&o));
    assert!(said.contains("1 span(s) of white space only were kept"), "{said}");
    assert_eq!(
        persist::open(&dir.path().join("w/p.ron")).unwrap().annotations().len(),
        2
    );
}
