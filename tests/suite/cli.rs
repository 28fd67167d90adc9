//! The `marginalia` binary, run as a user would: every subcommand, its
//! output and its exit status, including the error paths.

use crate::common;

use common::{Fixture, marginalia, p, stderr, stdout};
use marginalia::persist;

#[test]
fn every_subcommand_has_help() {
    for (cmd, flag) in [
        ("new", "--name"),
        ("add", "DOCS"),
        ("validate", "PROJECT"),
        ("stats", "--json"),
        ("annotate", "--nth"),
        ("search", "--doc-filter"),
        ("suggest", "--gazetteer"),
        ("edit", "--note"),
        ("delete", "IDS"),
        ("history", "PROJECT"),
        ("diff", "--json"),
        ("reanchor", "PROJECT"),
        ("export", "--offsets"),
        ("import", "--lenient"),
        ("agree", "--labels"),
        ("merge", "--output"),
        ("review", "PROJECTS"),
    ] {
        let o = marginalia(&[cmd, "--help"]);
        assert!(o.status.success(), "{cmd} --help");
        assert!(stdout(&o).contains(flag), "{cmd} --help lacks {flag}:\n{}", stdout(&o));
    }
    let o = marginalia(&["annotate", "--help"]);
    assert!(
        stdout(&o).contains("code points"),
        "annotate --help states the offset unit"
    );
}

#[test]
fn a_mistyped_command_is_said_to_be_one_with_the_nearest() {
    let sample = common::sample_project_path();
    let o = marginalia(&["valdiate", p(&sample)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("\"valdiate\" is not a command of marginalia; did you mean `validate`?"),
        "{}",
        stderr(&o)
    );
    let o = marginalia(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("\"frobnicate\" is not a command"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("did you mean"), "{}", stderr(&o));
    // `versions` is another name of `history`.
    let o = marginalia(&["versions", p(&sample)]);
    assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!stderr(&o).contains("not a command"), "{}", stderr(&o));
    let o = marginalia(&["help"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn review_refuses_a_missing_file_before_opening_a_window() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.ron");
    let o = marginalia(&["review", p(&common::sample_project_path()), p(&missing)]);
    if cfg!(feature = "gui") {
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains("missing.ron does not exist"), "{}", stderr(&o));
    } else {
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("built without the `gui` feature"));
    }
    let o = marginalia(&["review", p(&missing)]);
    assert_eq!(o.status.code(), Some(2), "clap: at least two files");
}

#[cfg(not(feature = "gui"))]
#[test]
fn without_the_gui_feature_opening_a_project_explains_itself() {
    let o = marginalia(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("built without the `gui` feature"));
}

#[test]
fn new_creates_a_project_with_documents() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("corpus").join("rapport.txt");
    std::fs::create_dir_all(doc.parent().unwrap()).unwrap();
    std::fs::write(&doc, "Rapport\r\n\r\nL’Azerbaïdjan attaque.").unwrap();
    // A Windows-1252 file is decoded and reported.
    let legacy = dir.path().join("ancien.txt");
    std::fs::write(
        &legacy,
        b"D\xE9claration de l\x92arm\xE9e arm\xE9nienne \xE0 Erevan, o\xF9 l\x92on a vu \xAB des tirs \xBB.",
    )
    .unwrap();
    let project = dir.path().join("projects").join("p.ron");
    let o = marginalia(&["new", p(&project), "--name", "Étude", p(&doc), p(&legacy)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("decoded as windows-1252"), "{}", stdout(&o));
    let loaded = persist::open(&project).unwrap();
    assert_eq!(loaded.name, "Étude");
    let paths: Vec<&str> = loaded.documents.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(paths, ["../corpus/rapport.txt", "../ancien.txt"]);
    assert_eq!(
        loaded.documents[0].text.as_str(),
        "Rapport\r\n\r\nL’Azerbaïdjan attaque."
    );
    assert!(loaded.documents[1].text.as_str().starts_with("Déclaration de l’armée"));

    // Never overwrites an existing project.
    let before = std::fs::read(&project).unwrap();
    let o = marginalia(&["new", p(&project)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already exists"));
    assert_eq!(std::fs::read(&project).unwrap(), before);
}

#[test]
fn new_refuses_binary_files_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("scan.txt");
    std::fs::write(&bin, b"\x00\x01\x02PK\x03\x04binary").unwrap();
    let project = dir.path().join("p.ron");
    let o = marginalia(&["new", p(&project), p(&bin)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("binary"), "{}", stderr(&o));
    assert!(!project.exists());
}

#[test]
fn add_appends_documents_and_refuses_duplicates() {
    let f = Fixture::new();
    let extra = f.dir.path().join("extra.md");
    std::fs::write(&extra, "# Evlakh\n\nPourparlers.").unwrap();
    let o = marginalia(&["add", p(&f.path), p(&extra)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let project = persist::open(&f.path).unwrap();
    assert_eq!(project.documents.len(), 2);
    assert_eq!(project.documents[1].id, "extra");
    assert_eq!(project.documents[1].title, "Evlakh");

    let before = std::fs::read(&f.path).unwrap();
    let o = marginalia(&["add", p(&f.path), p(&extra)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already in the project"), "{}", stderr(&o));
    let pdf = f.dir.path().join("x.pdf");
    std::fs::write(&pdf, "%PDF").unwrap();
    let o = marginalia(&["add", p(&f.path), p(&pdf)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("only txt, text, md, markdown"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&f.path).unwrap(), before, "failed adds write nothing");
    let o = marginalia(&["add", p(&f.path)]);
    assert_eq!(o.status.code(), Some(2), "missing DOC is a usage error");
}

#[test]
fn validate_reports_ok_or_every_problem() {
    let f = Fixture::new();
    let o = marginalia(&["validate", p(&f.path)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("OK (1 documents, 3 annotations, 3 labels)"),
        "{}",
        stdout(&o)
    );

    f.edit(|s| s.replacen("text: \"Ilham Aliyev\"", "text: \"Ilham Aliev\"", 1));
    std::fs::write(f.dir.path().join("doc.txt"), common::MIXED_TEXT).unwrap();
    let o = marginalia(&["validate", p(&f.path)]);
    assert_eq!(o.status.code(), Some(1));
    let line = f.source().lines().position(|l| l.contains("Ilham Aliev")).unwrap() + 1;
    assert!(
        stdout(&o).contains(&format!("{}:{line}: annotation", f.path.display())),
        "{}",
        stdout(&o)
    );

    // A changed document is a problem too.
    std::fs::write(f.dir.path().join("doc.txt"), "autre texte").unwrap();
    let o = marginalia(&["validate", p(&f.path)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("changed since it was annotated"), "{}", stdout(&o));
}

#[test]
fn validate_fails_on_syntax_errors_and_missing_files() {
    let f = Fixture::new();
    f.edit(|s| s.replacen("(id:", "(id;", 1));
    let o = marginalia(&["validate", p(&f.path)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(&format!("{}:", f.path.display())), "{}", stderr(&o));
    let o = marginalia(&["validate", "/no/such/project.ron"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/no/such/project.ron"));
}

#[test]
fn stats_json_has_the_documented_shape() {
    let f = Fixture::new();
    let o = marginalia(&["stats", p(&f.path), "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "documents": 1,
            "annotations": 3,
            "by_label": {"event": 1, "claim": 0, "actor": 2},
            "by_document": {"doc": 3},
            "relations": 0,
            "by_relation": {},
            "attributes": {},
            "by_status": {"todo": 1, "in_progress": 0, "done": 0},
            "top_texts": {
                "event": [["👨🏻‍🚒", 1]],
                "claim": [],
                "actor": [["Ilham Aliyev", 1], ["Հայաստան", 1]]
            },
            "suggestions": {"open": 0, "rejected": 0, "documents": 0, "by_source": {}}
        })
    );
    let o = marginalia(&["stats", p(&f.path)]);
    assert!(stdout(&o).contains("1 documents, 3 annotations"), "{}", stdout(&o));
}

#[test]
fn annotate_by_find_nth_and_all() {
    let f = Fixture::new();
    let o = marginalia(&[
        "annotate",
        p(&f.path),
        "--doc",
        "doc",
        "--label",
        "claim",
        "--find",
        "—",
        "--nth",
        "2",
        "--note",
        "second dash",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let project = persist::open(&f.path).unwrap();
    let dashes: Vec<usize> = common::MIXED_TEXT
        .char_indices()
        .filter(|(_, c)| *c == '—')
        .map(|(b, _)| common::MIXED_TEXT[..b].chars().count())
        .collect();
    let added: Vec<_> = project.annotations().iter().filter(|a| a.label == "claim").collect();
    assert_eq!(added.len(), 1);
    assert_eq!((added[0].start, added[0].end), (dashes[1], dashes[1] + 1));
    assert_eq!(added[0].note, "second dash");
    assert_eq!(added[0].author, "cli-test");
    assert!(stdout(&o).contains(&format!("[{}, {}) claim \"—\"", dashes[1], dashes[1] + 1)));

    // --all tags the other dashes only, as one edit.
    let o = marginalia(&[
        "annotate",
        p(&f.path),
        "--doc",
        "doc",
        "--label",
        "claim",
        "--find",
        "—",
        "--all",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let project = persist::open(&f.path).unwrap();
    let starts: Vec<usize> = project
        .annotations()
        .iter()
        .filter(|a| a.label == "claim")
        .map(|a| a.start)
        .collect();
    assert_eq!(starts, dashes);
    let o = marginalia(&[
        "annotate",
        p(&f.path),
        "--doc",
        "doc",
        "--label",
        "claim",
        "--find",
        "—",
        "--all",
    ]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("already tagged"), "{}", stdout(&o));
    assert_eq!(persist::open(&f.path).unwrap().annotations().len(), 3 + dashes.len());
}

#[test]
fn annotate_by_code_point_offsets() {
    let f = Fixture::new();
    let start = common::MIXED_TEXT.chars().position(|c| c == 'Р').unwrap(); // Cyrillic Р of Россия
    let (s, e) = (start.to_string(), (start + 6).to_string());
    let o = marginalia(&[
        "annotate",
        p(&f.path),
        "--doc",
        "doc",
        "--label",
        "actor",
        "--start",
        &s,
        "--end",
        &e,
        "--author",
        "Ани",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let project = persist::open(&f.path).unwrap();
    let a = project.annotations().iter().find(|a| a.start == start).unwrap();
    assert_eq!((a.text.as_str(), a.author.as_str()), ("Россия", "Ани"));
}

#[test]
fn annotate_errors_exit_non_zero_and_write_nothing() {
    let f = Fixture::new();
    let before = std::fs::read(&f.path).unwrap();
    let path = p(&f.path);
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["--doc", "nope", "--label", "actor", "--find", "x"],
            1,
            "no document \"nope\"",
        ),
        (
            &["--doc", "doc", "--label", "place", "--find", "Bakou"],
            1,
            "no label \"place\"",
        ),
        (
            &["--doc", "doc", "--label", "actor", "--find", "Bakou"],
            1,
            "does not occur",
        ),
        (
            &["--doc", "doc", "--label", "actor", "--find", "—", "--nth", "9"],
            1,
            "occurs 4 time(s)",
        ),
        (
            &["--doc", "doc", "--label", "actor", "--find", "Ilham Aliyev"],
            1,
            "already tagged",
        ),
        (
            &["--doc", "doc", "--label", "actor", "--start", "5", "--end", "5"],
            1,
            "empty span",
        ),
        (
            &[
                "--doc", "doc", "--label", "actor", "--find", "a", "--start", "1", "--end", "2",
            ],
            2,
            "cannot be used with",
        ),
        (
            &["--doc", "doc", "--label", "actor", "--find", "a", "--nth", "0"],
            2,
            "0",
        ),
        (&["--doc", "doc", "--label", "actor"], 2, "required"),
        (
            &[
                "--doc", "doc", "--label", "actor", "--nth", "2", "--start", "1", "--end", "2",
            ],
            2,
            "cannot be used with",
        ),
        (
            &[
                "--doc", "doc", "--label", "actor", "--all", "--start", "1", "--end", "2",
            ],
            2,
            "cannot be used with",
        ),
        (
            &["--doc", "doc", "--label", "actor", "--find", "a", "--nth", "2", "--all"],
            2,
            "cannot be used with",
        ),
    ];
    for (args, code, message) in cases {
        let mut full = vec!["annotate", path];
        full.extend_from_slice(args);
        let o = marginalia(&full);
        assert_eq!(o.status.code(), Some(*code), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
        assert_eq!(std::fs::read(&f.path).unwrap(), before, "{args:?} wrote the project");
    }
    let over = (common::MIXED_TEXT.chars().count() + 1).to_string();
    let o = marginalia(&[
        "annotate", path, "--doc", "doc", "--label", "actor", "--start", "5", "--end", &over,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is outside document"), "{}", stderr(&o));
}

#[test]
fn editing_a_project_with_problems_is_refused() {
    let f = Fixture::new();
    std::fs::write(f.dir.path().join("doc.txt"), "un autre texte").unwrap();
    let before = std::fs::read(&f.path).unwrap();
    let o = marginalia(&[
        "annotate",
        p(&f.path),
        "--doc",
        "doc",
        "--label",
        "actor",
        "--find",
        "autre",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("fix them before editing"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&f.path).unwrap(), before);
}

/// `marginalia … | head`: when the reader is gone, commands end quietly
/// with their own exit status (diff still says same or different, validate
/// valid or not) instead of panicking on the closed pipe.
#[test]
fn a_closed_pipe_ends_commands_quietly() {
    let f = Fixture::new();
    let sample = common::sample_project_path();
    let closed_pipe = |args: &[&str]| {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        common::marginalia_with(args, |c| {
            c.stdout(writer);
        })
    };
    for (args, code) in [
        (vec!["stats", p(&sample)], 0),
        (vec!["agree", p(&sample), p(&sample)], 0),
        (vec!["history", p(&f.path)], 0),
        (vec!["diff", p(&sample), p(&f.path)], 1),
        (vec!["diff", "--raw", p(&sample), p(&f.path)], 1),
        (vec!["diff", p(&f.path), p(&f.path)], 0),
    ] {
        let o = closed_pipe(&args);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{args:?}");
    }
    // A project with a problem stays invalid when nobody reads the report.
    f.edit(|s| s.replacen("text: \"Ilham Aliyev\"", "text: \"Ilham Aliev\"", 1));
    let o = closed_pipe(&["validate", p(&f.path)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stderr(&o).trim_end(), format!("{}: 1 problem(s)", f.path.display()));
}

#[test]
fn edit_and_delete_change_annotations_in_one_step_each() {
    let f = Fixture::new();
    let project = persist::open(&f.path).unwrap();
    let a = project
        .annotations()
        .iter()
        .find(|a| a.text == "Ilham Aliyev")
        .unwrap()
        .clone();
    let id = a.id.to_string();
    let path = p(&f.path);
    // Relabel, note and resize at once.
    let (start, end) = (a.start + 6, a.end);
    let o = marginalia(&[
        "edit",
        path,
        &id,
        "--label",
        "claim",
        "--note",
        "à vérifier",
        "--start",
        &start.to_string(),
        "--end",
        &end.to_string(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim(),
        format!("edited {id} [{start}, {end}) claim \"Aliyev\"")
    );
    let edited = persist::open(&f.path).unwrap().annotation(a.id).unwrap().clone();
    assert_eq!(
        (edited.label.as_str(), edited.note.as_str(), edited.text.as_str()),
        ("claim", "à vérifier", "Aliyev")
    );
    assert_eq!(edited.author, a.author, "the author stays the annotator's");
    let saved = f.source();
    // The same values again: no edit, nothing written.
    let o = marginalia(&["edit", path, &id, "--label", "claim"]);
    assert!(o.status.success());
    assert!(stdout(&o).starts_with("unchanged "), "{}", stdout(&o));
    assert_eq!(f.source(), saved);
    // Refusals: unknown id, unknown label, a span of white space, nothing asked.
    for (args, why) in [
        (vec!["edit", path, "0000000000zz", "--label", "event"], "no annotation"),
        (vec!["edit", path, &id, "--label", "nope"], "no label \"nope\""),
        (
            vec!["edit", path, &id, "--start", "2", "--end", "3"],
            "only white space",
        ),
        (vec!["edit", path, &id], "nothing to change"),
        (vec!["delete", path, &id, "0000000000zz"], "nothing was deleted"),
        (
            vec![
                "annotate", path, "--doc", "doc", "--label", "event", "--start", "2", "--end", "3",
            ],
            "only white space",
        ),
    ] {
        let o = marginalia(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(stderr(&o).contains(why), "{args:?}: {}", stderr(&o));
        assert_eq!(f.source(), saved, "{args:?} changed the file");
    }
    let others: Vec<String> = project
        .annotations()
        .iter()
        .filter(|x| x.id != a.id)
        .map(|x| x.id.to_string())
        .collect();
    let o = marginalia(&["delete", path, &id, &others[0]]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().filter(|l| l.starts_with("deleted ")).count(), 2);
    let left = persist::open(&f.path).unwrap();
    assert_eq!(left.annotations().len(), 1);
    assert_eq!(left.annotations()[0].id.to_string(), others[1]);
}

#[test]
fn the_cli_records_the_annotator_named_in_the_workbench_settings() {
    let f = Fixture::new();
    let settings = f.dir.path().join("settings.ron");
    std::fs::write(&settings, "(dark: true, author: \"Léa Martin\")").unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "annotate",
            p(&f.path),
            "--doc",
            "doc",
            "--label",
            "claim",
            "--find",
            "victoire",
        ];
        args.extend_from_slice(extra);
        common::marginalia_with(&args, |c| {
            c.env_remove("MARGINALIA_AUTHOR").env("MARGINALIA_SETTINGS", &settings);
        })
    };
    let o = run(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let project = persist::open(&f.path).unwrap();
    let a = project.annotations().iter().find(|a| a.text == "victoire").unwrap();
    assert_eq!(a.author, "Léa Martin");
    // --author wins.
    let o = run(&["--author", "Ana", "--nth", "1"]);
    assert!(!o.status.success(), "already tagged");
    std::fs::write(&settings, "(author: \"\")").unwrap();
    let o = common::marginalia_with(
        &[
            "annotate",
            p(&f.path),
            "--doc",
            "doc",
            "--label",
            "event",
            "--find",
            "victoire",
            "--author",
            "Ana",
        ],
        |c| {
            c.env_remove("MARGINALIA_AUTHOR").env("MARGINALIA_SETTINGS", &settings);
        },
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let project = persist::open(&f.path).unwrap();
    assert!(
        project
            .annotations()
            .iter()
            .any(|a| a.label == "event" && a.text == "victoire" && a.author == "Ana")
    );
}
