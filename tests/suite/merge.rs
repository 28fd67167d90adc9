//! Three-way merge: both sides' edits combine per annotation and field;
//! the same thing changed differently is a conflict that keeps ours and is
//! marked; `marginalia merge` exit codes; and the git merge driver end to
//! end in a real temporary repository.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command as Process;

use common::at;
use marginalia::edit::{Command, new_annotation};
use marginalia::merge::{self, CONFLICT, CONFLICT_OTHER, Other};
use marginalia::model::{Annotation, AnnotationId, Colour, Label, Project, Status};
use marginalia::persist;

const TEXT: &str = "Le président Ilham Aliyev a déclaré la victoire. Le Kremlin, par la voix de Dmitri Peskov, a parlé d’une affaire intérieure. Les forces arméniennes ont déposé les armes. 👨🏻‍🚒 Հայաստան.";

fn span(needle: &str) -> std::ops::Range<usize> {
    common::span(TEXT, needle)
}

fn base() -> Project {
    common::five_tags(TEXT)
}

fn id_of(p: &Project, text: &str) -> AnnotationId {
    p.annotations().iter().find(|a| a.text == text).expect(text).id
}

fn get(p: &Project, text: &str) -> Annotation {
    p.annotations().iter().find(|a| a.text == text).expect(text).clone()
}

fn add(p: &mut Project, text: &str, label: &str, author: &str, t: i64) {
    let a = new_annotation(p, "d", span(text), label, author, at(t)).unwrap();
    Command::AddAnnotations(vec![a]).apply(p).unwrap();
}

fn relabel(p: &mut Project, text: &str, label: &str, t: i64) {
    let ids = vec![id_of(p, text)];
    Command::Relabel {
        ids,
        label: label.into(),
        at: at(t),
    }
    .apply(p)
    .unwrap();
}

fn note(p: &mut Project, text: &str, note: &str, t: i64) {
    let id = id_of(p, text);
    Command::SetNote {
        id,
        note: note.into(),
        at: at(t),
    }
    .apply(p)
    .unwrap();
}

fn delete(p: &mut Project, text: &str) {
    Command::DeleteAnnotations(vec![id_of(p, text)]).apply(p).unwrap();
}

/// Everything but `modified`, which the merge takes as the later of the two.
fn summary(p: &Project) -> Vec<(usize, usize, String, String, String)> {
    p.annotations()
        .iter()
        .map(|a| (a.start, a.end, a.label.clone(), a.note.clone(), a.text.clone()))
        .collect()
}

#[test]
fn edits_on_both_sides_combine() {
    let base = base();
    let mut ours = base.clone();
    add(&mut ours, "Le Kremlin", "actor", "ours", 10);
    relabel(&mut ours, "Ilham Aliyev", "claim", 11);
    note(&mut ours, "Dmitri Peskov", "porte-parole", 12);
    delete(&mut ours, "Les forces arméniennes");
    Command::SetStatus {
        doc: "d".into(),
        status: Status::Done,
    }
    .apply(&mut ours)
    .unwrap();

    let mut theirs = base.clone();
    add(&mut theirs, "👨🏻‍🚒", "actor", "theirs", 20);
    add(&mut theirs, "Հայաստան", "actor", "theirs", 21);
    note(&mut theirs, "Ilham Aliyev", "président", 22);
    relabel(&mut theirs, "Dmitri Peskov", "claim", 23);
    let victoire = id_of(&theirs, "a déclaré la victoire");
    let r = span("a déclaré");
    Command::Resize {
        id: victoire,
        start: r.start,
        end: r.end,
        at: at(24),
    }
    .apply(&mut theirs)
    .unwrap();
    Command::AddLabel {
        label: Label {
            id: "place".into(),
            name: "Place".into(),
            colour: Colour([1, 2, 3]),
            hotkey: Some('4'),
            guideline: String::new(),
            kind: Default::default(),
        },
        index: 3,
    }
    .apply(&mut theirs)
    .unwrap();
    relabel(&mut theirs, "Հայաստան", "place", 25);

    let merged = merge::merge(&base, &ours, &theirs);
    assert!(merged.is_clean(), "{:?}", merged.conflicts);
    let p = &merged.project;
    let row = |text: &str| {
        let a = get(p, text);
        (a.label, a.note)
    };
    assert_eq!(row("Ilham Aliyev"), ("claim".into(), "président".into()));
    assert_eq!(row("Dmitri Peskov"), ("claim".into(), "porte-parole".into()));
    assert_eq!(row("a déclaré"), ("event".into(), String::new()));
    assert_eq!(row("Le Kremlin"), ("actor".into(), String::new()));
    assert_eq!(row("👨🏻‍🚒"), ("actor".into(), String::new()));
    assert_eq!(row("Հայաստան"), ("place".into(), String::new()));
    assert!(p.annotations().iter().all(|a| a.text != "Les forces arméniennes"));
    assert_eq!(p.annotations().len(), 7);
    assert_eq!(p.documents[0].status, Status::Done);
    assert!(p.schema.contains("place"));
    // Both sides' edits: the later modification time stands.
    assert_eq!(get(p, "Ilham Aliyev").modified, at(22));
    assert_eq!(get(p, "Dmitri Peskov").modified, at(23));
    assert!(p.annotations().iter().all(|a| !merge::has_conflict(a)));
    assert_eq!(merged.tally.deleted, 1);
    assert_eq!(merged.tally.from_ours, 1, "the Kremlin, added by ours alone");
    // Every annotation's quote still matches the text: the merged project is valid.
    assert!(marginalia::model::check(p, &Default::default()).is_empty());

    // The merge is symmetric when nothing conflicts.
    let swapped = merge::merge(&base, &theirs, &ours);
    assert!(swapped.is_clean());
    assert_eq!(summary(&swapped.project), summary(p));
}

#[test]
fn the_same_annotation_changed_differently_is_a_conflict_that_keeps_ours() {
    let base = base();
    let mut ours = base.clone();
    let mut theirs = base.clone();
    relabel(&mut ours, "Ilham Aliyev", "claim", 10);
    relabel(&mut theirs, "Ilham Aliyev", "event", 11);
    // Delete against change: the changed version is kept, marked.
    delete(&mut ours, "Dmitri Peskov");
    note(&mut theirs, "Dmitri Peskov", "vérifier", 12);
    // Change against delete, the other way round.
    note(&mut ours, "une affaire intérieure", "citation", 13);
    delete(&mut theirs, "une affaire intérieure");
    // Both add the same tag independently: kept once, no conflict.
    add(&mut ours, "Le Kremlin", "actor", "ours", 14);
    add(&mut theirs, "Le Kremlin", "actor", "theirs", 15);

    let merged = merge::merge(&base, &ours, &theirs);
    assert_eq!(merged.annotation_conflicts, 3, "{:#?}", merged.conflicts);
    assert_eq!(merged.conflicts.len(), 3);
    assert_eq!(merged.tally.deduplicated, 1);
    let p = &merged.project;
    assert_eq!(p.annotations().iter().filter(|a| a.text == "Le Kremlin").count(), 1);
    assert_eq!(get(p, "Le Kremlin").author, "ours");

    let aliyev = get(p, "Ilham Aliyev");
    assert_eq!(aliyev.label, "claim", "ours is kept");
    assert!(aliyev.meta[CONFLICT].contains("label"), "{:?}", aliyev.meta);
    match Other::of(&aliyev) {
        Some(Other::Version { label, by, .. }) => assert_eq!((label.as_str(), by.as_str()), ("event", "theirs")),
        other => panic!("{other:?}"),
    }
    let peskov = get(p, "Dmitri Peskov");
    assert_eq!(peskov.note, "vérifier");
    assert_eq!(Other::of(&peskov), Some(Other::Deleted { by: "ours".into() }));
    let affaire = get(p, "une affaire intérieure");
    assert_eq!(affaire.note, "citation");
    assert_eq!(Other::of(&affaire), Some(Other::Deleted { by: "theirs".into() }));
    // Resolving removes the markers and nothing else.
    let resolved = merge::resolved(&aliyev);
    assert!(resolved.meta.is_empty());
    assert_eq!(resolved.label, "claim");
    // Each way of resolving, as the edit it is.
    let mut p = merged.project.clone();
    merge::resolve(&aliyev, false, at(20)).unwrap().apply(&mut p).unwrap();
    assert_eq!(p.annotation(aliyev.id).unwrap(), &resolved);
    let mut p = merged.project.clone();
    merge::resolve(&aliyev, true, at(20)).unwrap().apply(&mut p).unwrap();
    let theirs_version = p.annotation(aliyev.id).unwrap();
    assert_eq!(
        (theirs_version.label.as_str(), theirs_version.modified),
        ("event", at(20))
    );
    assert!(!merge::has_conflict(theirs_version));
    let mut p = merged.project.clone();
    merge::resolve(&affaire, true, at(20)).unwrap().apply(&mut p).unwrap();
    assert!(
        p.annotation(affaire.id).is_none(),
        "taking theirs is taking the deletion"
    );
    let mut elsewhere = peskov;
    elsewhere.meta.insert(
        CONFLICT_OTHER.into(),
        r#"{"side":"version","by":"theirs","doc":"other","start":0,"end":1,"text":"x","label":"actor"}"#.into(),
    );
    assert_eq!(
        merge::resolve(&elsewhere, true, at(20)),
        Err(merge::ResolveError::Elsewhere)
    );
    assert_eq!(
        merge::resolve(&resolved, true, at(20)),
        Err(merge::ResolveError::NoOtherVersion)
    );
    assert!(merged.conflicts.iter().any(|c| c.contains(&aliyev.id.to_string())));
}

#[test]
fn labels_documents_and_text_changes_merge_field_by_field() {
    let base = base();
    let mut ours = base.clone();
    let mut theirs = base.clone();
    // Label: ours renames, theirs recolours: both.
    let mut event = ours.schema.get("event").unwrap().clone();
    event.name = "Événement".into();
    Command::UpdateLabel(event).apply(&mut ours).unwrap();
    let mut event = theirs.schema.get("event").unwrap().clone();
    event.colour = Colour([9, 9, 9]);
    Command::UpdateLabel(event).apply(&mut theirs).unwrap();
    // Document: ours retitles, theirs changes status differently from ours' status.
    ours.documents[0].title = "Titre".into();
    ours.documents[0].status = Status::InProgress;
    theirs.documents[0].status = Status::Done;
    let merged = merge::merge(&base, &ours, &theirs);
    let event = merged.project.schema.get("event").unwrap();
    assert_eq!((event.name.as_str(), event.colour), ("Événement", Colour([9, 9, 9])));
    assert_eq!(merged.project.documents[0].title, "Titre");
    assert_eq!(merged.project.documents[0].status, Status::InProgress);
    assert_eq!(merged.annotation_conflicts, 0);
    assert_eq!(merged.conflicts.len(), 1);
    assert!(
        merged.conflicts[0].starts_with("document \"d\": status"),
        "{:?}",
        merged.conflicts
    );

    // Theirs changed the document's text (and re-anchored what it had);
    // an annotation ours added meanwhile refers to the old text: marked.
    let mut ours = base.clone();
    add(&mut ours, "Le Kremlin", "actor", "ours", 30);
    let mut theirs = base.clone();
    theirs.documents[0].hash = "sha256:other".into();
    theirs.documents[0].length += 5;
    let merged = merge::merge(&base, &ours, &theirs);
    assert_eq!(merged.project.documents[0].hash, "sha256:other");
    assert_eq!(merged.annotation_conflicts, 1, "{:?}", merged.conflicts);
    let kremlin = get(&merged.project, "Le Kremlin");
    assert!(kremlin.meta[CONFLICT].contains("old text"), "{:?}", kremlin.meta);
    assert!(!kremlin.meta.contains_key(CONFLICT_OTHER));
}

#[test]
fn a_label_deleted_on_one_side_and_used_on_the_other_comes_back() {
    let mut base = base();
    Command::AddLabel {
        label: Label {
            id: "place".into(),
            name: "Place".into(),
            colour: Colour([1, 2, 3]),
            hotkey: None,
            guideline: String::new(),
            kind: Default::default(),
        },
        index: 3,
    }
    .apply(&mut base)
    .unwrap();
    let mut ours = base.clone();
    Command::RemoveLabel("place".into()).apply(&mut ours).unwrap();
    let mut theirs = base.clone();
    add(&mut theirs, "Հայաստան", "place", "theirs", 5);
    let merged = merge::merge(&base, &ours, &theirs);
    assert!(merged.project.schema.contains("place"));
    assert_eq!(merged.conflicts.len(), 1, "{:?}", merged.conflicts);
    assert!(merged.conflicts[0].contains("\"place\""));
}

// ------------------------------------------------------------- the binary

/// The binary, run in folder `dir`.
fn marginalia(dir: &Path, args: &[&str]) -> std::process::Output {
    common::marginalia_with(args, |c| {
        c.current_dir(dir);
    })
}

fn save(p: &Project, path: &Path) {
    std::fs::write(path.with_file_name("d.txt"), TEXT).unwrap();
    persist::save(p, path).unwrap();
}

#[test]
fn cli_exit_codes_and_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = base();
    let mut ours = base.clone();
    add(&mut ours, "Le Kremlin", "actor", "ours", 10);
    let mut theirs = base.clone();
    add(&mut theirs, "Հայաստան", "actor", "theirs", 11);
    save(&base, &d.join("base.ron"));
    save(&ours, &d.join("ours.ron"));
    save(&theirs, &d.join("theirs.ron"));

    let o = marginalia(d, &["merge", "base.ron", "ours.ron", "theirs.ron", "-o", "out.ron"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let out = persist::open(&d.join("out.ron")).unwrap();
    assert_eq!(out.annotations().len(), 7);

    relabel(&mut theirs, "Ilham Aliyev", "event", 12);
    relabel(&mut ours, "Ilham Aliyev", "claim", 13);
    save(&ours, &d.join("ours.ron"));
    save(&theirs, &d.join("theirs.ron"));
    let o = marginalia(d, &["merge", "base.ron", "ours.ron", "theirs.ron", "-o", "ours.ron"]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("conflict: annotation") && stderr.contains("label: ours \"claim\", theirs \"event\""),
        "{stderr}"
    );
    // `validate` passes (the file is valid) and mentions the open conflict.
    let v = marginalia(d, &["validate", "ours.ron"]);
    assert_eq!(v.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&v.stdout).contains("1 annotation(s) carry an unresolved merge conflict"),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );
    // The result replaced ours in place and loads without problems.
    let out = persist::open(&d.join("ours.ron")).unwrap();
    assert_eq!(out.annotations().iter().filter(|a| merge::has_conflict(a)).count(), 1);
    assert_eq!(out.annotations().len(), 7);

    // Trouble: a broken input is named with line and column; nothing is written.
    std::fs::write(
        d.join("broken.ron"),
        "(format_version: 1, name: \"x\",\n labels: [oops],\n)",
    )
    .unwrap();
    let before = std::fs::read(d.join("out.ron")).unwrap();
    let o = marginalia(d, &["merge", "base.ron", "broken.ron", "theirs.ron", "-o", "out.ron"]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("broken.ron:2:"), "{stderr}");
    assert_eq!(std::fs::read(d.join("out.ron")).unwrap(), before);
}

// ------------------------------------------------------- the git merge driver

fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    Process::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.email=t@example.org",
            "-c",
            "user.name=T",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("git is needed for this test")
}

fn git_ok(dir: &Path, args: &[&str]) {
    let out = git(dir, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A repository with the base project committed on `main`, and branches
/// `left` and `right` made by `edit_left` and `edit_right`.
fn repo(driver: bool, edit_left: impl Fn(&mut Project), edit_right: impl Fn(&mut Project)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    git_ok(r, &["init", "-q"]);
    std::fs::write(r.join(".gitignore"), "*.ron.bak\n.marginalia/\n").unwrap();
    if driver {
        std::fs::write(r.join(".gitattributes"), "*.ron merge=marginalia\n").unwrap();
        let command = format!("\"{}\" merge %O %A %B -o %A", env!("CARGO_BIN_EXE_marginalia"));
        git_ok(r, &["config", "merge.marginalia.driver", &command]);
        git_ok(r, &["config", "merge.marginalia.name", "Marginalia semantic merge"]);
    }
    let p = r.join("project.ron");
    let base = base();
    save(&base, &p);
    git_ok(r, &["add", "-A"]);
    git_ok(r, &["commit", "-qm", "base"]);
    for (branch, edit) in [("left", &edit_left as &dyn Fn(&mut Project)), ("right", &edit_right)] {
        git_ok(r, &["checkout", "-q", "-b", branch, "main"]);
        let mut project = base.clone();
        edit(&mut project);
        persist::save(&project, &p).unwrap();
        git_ok(r, &["commit", "-qam", branch]);
    }
    git_ok(r, &["checkout", "-q", "left"]);
    dir
}

fn labels_by_text(p: &Project) -> BTreeMap<String, String> {
    p.annotations()
        .iter()
        .map(|a| (a.text.clone(), a.label.clone()))
        .collect()
}

#[test]
fn git_merges_two_branches_annotations_without_conflict_markers() {
    // Neighbouring new lines: a textual merge conflicts, the driver does not.
    let left = |p: &mut Project| add(p, "Le Kremlin", "actor", "left", 10);
    let right = |p: &mut Project| {
        add(p, "par la voix", "event", "right", 11);
        relabel(p, "Ilham Aliyev", "claim", 12);
    };
    let plain = repo(false, left, right);
    let o = git(plain.path(), &["merge", "-q", "--no-edit", "right"]);
    assert!(
        !o.status.success(),
        "without the driver, git's line merge should conflict here"
    );
    assert!(
        std::fs::read_to_string(plain.path().join("project.ron"))
            .unwrap()
            .contains("<<<<<<<")
    );

    let repo = repo(true, left, right);
    let o = git(repo.path(), &["merge", "-q", "--no-edit", "right"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(repo.path().join("project.ron")).unwrap();
    assert!(!text.contains("<<<<<<<") && !text.contains(">>>>>>>"));
    let merged = persist::open(&repo.path().join("project.ron")).unwrap();
    let labels = labels_by_text(&merged);
    assert_eq!(labels["Le Kremlin"], "actor");
    assert_eq!(labels["par la voix"], "event");
    assert_eq!(labels["Ilham Aliyev"], "claim");
    assert_eq!(merged.annotations().len(), 7);
    // The merge was committed: the working tree is clean.
    let status = git(repo.path(), &["status", "--porcelain"]);
    assert_eq!(String::from_utf8_lossy(&status.stdout), "");
}

#[test]
fn git_reports_a_conflicting_merge_and_leaves_a_loadable_marked_project() {
    let left = |p: &mut Project| relabel(p, "Ilham Aliyev", "claim", 10);
    let right = |p: &mut Project| {
        relabel(p, "Ilham Aliyev", "event", 11);
        add(p, "Le Kremlin", "actor", "right", 12);
    };
    let repo = repo(true, left, right);
    let o = git(repo.path(), &["merge", "-q", "--no-edit", "right"]);
    assert!(!o.status.success(), "a conflict stops the merge");
    let text = std::fs::read_to_string(repo.path().join("project.ron")).unwrap();
    assert!(
        !text.contains("<<<<<<<"),
        "no textual markers: the project stays loadable"
    );
    let merged = persist::open(&repo.path().join("project.ron")).unwrap();
    let aliyev = get(&merged, "Ilham Aliyev");
    assert_eq!(aliyev.label, "claim");
    assert!(merge::has_conflict(&aliyev));
    assert_eq!(get(&merged, "Le Kremlin").label, "actor", "the clean part merged");
    let status = git(repo.path(), &["status", "--porcelain"]);
    assert!(String::from_utf8_lossy(&status.stdout).contains("UU project.ron"));
}
