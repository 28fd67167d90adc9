//! Versions and diffs: the semantic diff for every kind of change, for one
//! project's versions and for independent files; diffs across a text edit;
//! version references (`@N`, `@-1`, `@git:REV`); re-anchoring.

use crate::common;

use std::path::Path;
use std::process::Command as Process;

use common::{at, marginalia, marginalia_with, span};
use marginalia::diff::{ChangeKind, DocumentChange, LabelChange, Mapped, MatchedBy, TextMap, diff, reanchor};
use marginalia::edit::{Command, new_annotation};
use marginalia::model::{Annotation, AnnotationId, Colour, Label, Project, Status, Text};
use marginalia::persist::versions::{VersionError, VersionRef};
use marginalia::session::Session;

const TEXT: &str = "Le président Ilham Aliyev a déclaré la victoire. Le Kremlin, par la voix de Dmitri Peskov, a parlé d’une affaire intérieure. Les forces arméniennes ont déposé les armes.";

/// A project with five annotations on `TEXT`.
fn base() -> Project {
    common::five_tags(TEXT)
}

fn id_of(p: &Project, text: &str) -> AnnotationId {
    p.annotations().iter().find(|a| a.text == text).expect(text).id
}

#[test]
fn every_kind_of_change_between_versions_of_one_project() {
    let a = base();
    let mut b = a.clone();
    let (aliyev, victoire, peskov, affaire) = (
        id_of(&a, "Ilham Aliyev"),
        id_of(&a, "a déclaré la victoire"),
        id_of(&a, "Dmitri Peskov"),
        id_of(&a, "une affaire intérieure"),
    );
    let kremlin = new_annotation(&b, "d", span(TEXT, "Le Kremlin"), "actor", "ana", at(5)).unwrap();
    let peskov_span = span(TEXT, "Peskov");
    Command::Batch(vec![
        Command::DeleteAnnotations(vec![aliyev]),
        Command::AddAnnotations(vec![kremlin.clone()]),
        Command::Relabel {
            ids: vec![victoire],
            label: "claim".into(),
            at: at(5),
        },
        Command::Resize {
            id: peskov,
            start: peskov_span.start,
            end: peskov_span.end,
            at: at(5),
        },
        Command::SetNote {
            id: affaire,
            note: "citation de Peskov".into(),
            at: at(5),
        },
        Command::SetStatus {
            doc: "d".into(),
            status: Status::Done,
        },
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
        },
    ])
    .apply(&mut b)
    .unwrap();

    let d = diff(&a, &b);
    let c = d.counts();
    assert_eq!(
        (c.added, c.removed, c.relabeled, c.resized, c.note_changed),
        (1, 1, 1, 1, 1)
    );
    let by = |id: AnnotationId| {
        d.changes
            .iter()
            .find(|ch| ch.a.as_ref().map(|x| x.id) == Some(id) || ch.b.as_ref().map(|y| y.id) == Some(id))
            .unwrap()
    };
    assert_eq!(by(aliyev).kind, ChangeKind::Removed);
    assert_eq!(by(kremlin.id).kind, ChangeKind::Added);
    assert!(by(victoire).relabeled && !by(victoire).resized);
    assert!(by(peskov).resized && !by(peskov).relabeled);
    assert!(by(affaire).note_changed);
    assert!(
        d.changes.iter().all(|ch| ch.matched_by != Some(MatchedBy::Position)),
        "same lineage matches by id"
    );
    assert_eq!(d.labels, [LabelChange::Added { label: "place".into() }]);
    assert_eq!(
        d.documents,
        [DocumentChange::StatusChanged {
            doc: "d".into(),
            from: Status::Todo,
            to: Status::Done
        }]
    );
    assert!(diff(&a, &a).is_empty());
    // Swapping the sides swaps added and removed.
    let back = diff(&b, &a).counts();
    assert_eq!((back.added, back.removed), (1, 1));
}

/// The same annotations made independently: same spans, other ids.
fn independent(p: &Project, author: &str) -> Project {
    let list: Vec<Annotation> = p
        .annotations()
        .iter()
        .enumerate()
        .map(|(i, a)| Annotation {
            id: AnnotationId::from_u64(9_000 + i as u64),
            author: author.into(),
            ..a.clone()
        })
        .collect();
    let mut q = p.clone();
    q.replace_document_annotations("d", list, Vec::new());
    q
}

#[test]
fn independent_files_are_matched_by_position_and_label() {
    let a = base();
    let b = independent(&a, "bea");
    assert!(
        diff(&a, &b).is_empty(),
        "identical spans and labels are the same annotations"
    );

    let mut b = b;
    let victoire = id_of(&b, "a déclaré la victoire");
    let forces = id_of(&b, "Les forces arméniennes");
    let aliyev = id_of(&b, "Ilham Aliyev");
    let forces_span = span(TEXT, "forces arméniennes");
    let kremlin = new_annotation(&b, "d", span(TEXT, "Le Kremlin"), "actor", "bea", at(1)).unwrap();
    Command::Batch(vec![
        Command::Relabel {
            ids: vec![victoire],
            label: "claim".into(),
            at: at(1),
        },
        Command::Resize {
            id: forces,
            start: forces_span.start,
            end: forces_span.end,
            at: at(1),
        },
        Command::DeleteAnnotations(vec![aliyev]),
        Command::AddAnnotations(vec![kremlin]),
    ])
    .apply(&mut b)
    .unwrap();
    let d = diff(&a, &b);
    let c = d.counts();
    assert_eq!(
        (c.added, c.removed, c.relabeled, c.resized, c.note_changed),
        (1, 1, 1, 1, 0)
    );
    assert!(
        d.changes
            .iter()
            .filter(|ch| ch.kind == ChangeKind::Modified)
            .all(|ch| ch.matched_by == Some(MatchedBy::Position))
    );
    let resized = d.changes.iter().find(|ch| ch.resized).unwrap();
    assert_eq!(resized.b.as_ref().unwrap().text, "forces arméniennes");
}

#[test]
fn a_text_edit_does_not_show_as_moved_spans() {
    let a = base();
    let new_text = format!("Dépêche du 20 septembre.\n\n{TEXT}").replace("Dmitri Peskov, ", "");
    let mut b = a.clone();
    b.documents[0].text = Text::new(new_text.clone());
    let r = reanchor(&b, "d", TEXT, at(2)).unwrap();
    r.command.apply(&mut b).unwrap();
    assert_eq!(r.report.orphaned.len(), 1, "Peskov's name was deleted");
    let d = diff(&a, &b);
    let c = d.counts();
    assert_eq!(
        (c.added, c.removed, c.relabeled, c.resized),
        (0, 1, 0, 0),
        "{:#?}",
        d.changes
    );
    let removed = &d.changes[0];
    assert!(removed.text_deleted);
    assert_eq!(removed.a.as_ref().unwrap().text, "Dmitri Peskov");
    assert!(matches!(d.documents[0], DocumentChange::TextChanged { .. }));
    // The mapping itself: every surviving span lands on its own text.
    let map = TextMap::between(TEXT, &new_text);
    for x in a.annotations().iter().filter(|x| x.text != "Dmitri Peskov") {
        let Mapped::Span(r) = map.map_span(x.range()) else {
            panic!("{} lost", x.text)
        };
        assert_eq!(new_text.chars().skip(r.start).take(r.len()).collect::<String>(), x.text);
    }
}

/// A saved project in a folder, edited and saved three times.
fn saved_versions(dir: &Path) -> (std::path::PathBuf, Vec<Project>) {
    std::fs::write(dir.join("d.txt"), TEXT).unwrap();
    let path = dir.join("p.ron");
    let mut s = Session::new(base());
    s.save_as(&path).unwrap();
    let mut states = vec![s.project().clone()];
    for (i, needle) in ["Le Kremlin", "ont déposé les armes"].iter().enumerate() {
        let a = new_annotation(s.project(), "d", span(TEXT, needle), "event", "ana", at(i as i64)).unwrap();
        s.apply(Command::AddAnnotations(vec![a])).unwrap();
        s.save().unwrap();
        assert_eq!(s.take_history_warning(), None);
        states.push(s.project().clone());
    }
    (path, states)
}

#[test]
fn snapshots_are_addressed_by_number() {
    let dir = tempfile::tempdir().unwrap();
    let (path, states) = saved_versions(dir.path());
    let p = path.display().to_string();
    let load = |r: &str| VersionRef::parse(r).unwrap().load().map(|l| l.project);
    assert_eq!(load(&format!("{p}@1")).unwrap(), states[0]);
    assert_eq!(load(&format!("{p}@2")).unwrap(), states[1]);
    assert_eq!(load(&format!("{p}@-1")).unwrap(), states[2]);
    assert_eq!(load(&format!("{p}@-3")).unwrap(), states[0]);
    assert_eq!(load(&p).unwrap(), states[2]);
    for bad in ["@4", "@-4"] {
        let err = load(&format!("{p}{bad}")).unwrap_err();
        assert!(matches!(err, VersionError::History(_)), "{bad}: {err}");
        assert!(err.to_string().contains("the history has 3 version(s)"), "{err}");
    }
}

/// The workbench's saves: the file written at once, the snapshots on a
/// thread, recorded in the order of the saves, and none lost by dropping
/// the session (quitting) right after a save.
#[test]
fn snapshots_recorded_in_the_background_follow_the_saves() {
    use marginalia::persist::history::VersionHistory;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.txt"), TEXT).unwrap();
    let path = dir.path().join("p.ron");
    let mut s = Session::new(base());
    s.save_as(&path).unwrap();
    s.record_in_background();
    let mut counts = vec![s.project().annotations().len()];
    for (i, needle) in ["Le Kremlin", "ont déposé les armes", "Dmitri Peskov"]
        .iter()
        .enumerate()
    {
        let a = new_annotation(s.project(), "d", span(TEXT, needle), "event", "ana", at(i as i64)).unwrap();
        s.apply(Command::AddAnnotations(vec![a])).unwrap();
        s.save().unwrap();
        // The file is saved when the save returns, whatever the snapshot.
        assert_eq!(marginalia::persist::open(&path).unwrap(), *s.project());
        counts.push(s.project().annotations().len());
    }
    // Each save waited for the snapshots before it; the last one is on
    // the thread (a save that recorded in place would leave none).
    assert_eq!(s.snapshots_pending(), 1);
    let last = std::fs::read_to_string(&path).unwrap();
    drop(s);
    let versions = VersionHistory::of(&path).versions().unwrap();
    assert_eq!(versions.iter().map(|v| v.annotations).collect::<Vec<_>>(), counts);
    assert_eq!(
        versions.last().map(|v| v.hash.clone()),
        Some(marginalia::model::content_hash(&last))
    );
}

/// A snapshot that fails on the thread is said (and the file is saved).
#[test]
fn a_background_snapshot_that_fails_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = saved_versions(dir.path());
    std::fs::write(dir.path().join(".marginalia/history/p/versions.ron"), "[ (oops").unwrap();
    let mut s = Session::open(&path).unwrap();
    s.record_in_background();
    let a = new_annotation(s.project(), "d", span(TEXT, "Dmitri Peskov"), "actor", "ana", at(9)).unwrap();
    s.apply(Command::AddAnnotations(vec![a])).unwrap();
    s.save().unwrap();
    s.wait_for_snapshots();
    assert_eq!(s.snapshots_pending(), 0);
    let warning = s.poll_snapshots().expect("the failure is said");
    assert!(
        warning.contains("the version history could not be updated"),
        "{warning}"
    );
    assert_eq!(s.poll_snapshots(), None, "said once");
    assert_eq!(marginalia::persist::open(&path).unwrap().annotations().len(), 8);
}

fn git(dir: &Path, args: &[&str]) {
    let out = Process::new("git").arg("-C").arg(dir).args(args).output().expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn git_revisions_are_read_through_git() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    git(repo, &["config", "user.email", "t@example.org"]);
    git(repo, &["config", "user.name", "T"]);
    std::fs::create_dir_all(repo.join("corpus")).unwrap();
    std::fs::create_dir_all(repo.join("projects")).unwrap();
    std::fs::write(repo.join("corpus/d.txt"), TEXT).unwrap();
    let path = repo.join("projects/p.ron");
    let mut p = base();
    p.documents[0].path = "../corpus/d.txt".into();
    let mut s = Session::new(p);
    s.save_as(&path).unwrap();
    git(repo, &["add", "corpus/d.txt", "projects/p.ron"]);
    git(repo, &["commit", "-qm", "v1"]);
    let v1 = s.project().clone();
    let a = new_annotation(s.project(), "d", span(TEXT, "Le Kremlin"), "actor", "ana", at(1)).unwrap();
    s.apply(Command::AddAnnotations(vec![a])).unwrap();
    s.save().unwrap();
    git(repo, &["commit", "-qam", "v2"]);
    // The working copy changes the document's text after the commits: the
    // revision must still read the committed text.
    std::fs::write(repo.join("corpus/d.txt"), "autre chose").unwrap();

    let p = path.display().to_string();
    let old = VersionRef::parse(&format!("{p}@git:HEAD~1")).unwrap().load().unwrap();
    assert!(old.problems.is_empty(), "{:?}", old.problems);
    assert_eq!(old.project, v1);
    let new = VersionRef::parse(&format!("{p}@git:HEAD")).unwrap().load().unwrap();
    assert_eq!(new.project.annotations().len(), v1.annotations().len() + 1);
    assert_eq!(diff(&old.project, &new.project).counts().added, 1);

    let err = VersionRef::parse(&format!("{p}@git:no-such-branch"))
        .unwrap()
        .load()
        .unwrap_err();
    assert!(matches!(err, VersionError::Git(_)), "{err}");
    let outside = dir.path().join("untracked.ron");
    std::fs::copy(&path, &outside).unwrap();
    let err = VersionRef::parse(&format!("{}@git:HEAD", outside.display()))
        .unwrap()
        .load()
        .unwrap_err();
    assert!(err.to_string().starts_with("git:"), "{err}");
}

#[test]
fn cli_history_and_diff() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = saved_versions(dir.path());
    let p = path.display().to_string();

    let o = marginalia(&["history", &p, "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["index"], 1);
    assert_eq!(rows[2]["annotations"], 7);
    assert!(rows[0]["time"].as_str().unwrap().ends_with('Z'));
    assert!(rows[0].get("author").is_some() && rows[0].get("message").is_some());

    let o = marginalia(&["diff", &format!("{p}@1"), &p, "--json"]);
    assert_eq!(o.status.code(), Some(1), "different versions exit 1");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for key in ["added", "removed", "relabeled", "resized", "note_changed"] {
        assert!(v[key].is_u64(), "{key}");
    }
    assert_eq!(v["added"], 2);
    assert_eq!(v["changes"].as_array().unwrap().len(), 2);
    assert_eq!(v["changes"][0]["kind"], "added");
    assert_eq!(v["changes"][0]["b"]["text"], "Le Kremlin");
    assert!(v["documents"].is_array());

    let o = marginalia(&["diff", &format!("{p}@-1"), &p]);
    assert_eq!(o.status.code(), Some(0), "the newest snapshot equals the file");
    assert!(String::from_utf8_lossy(&o.stdout).contains("no differences"));

    let o = marginalia(&["diff", &format!("{p}@1"), &p]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("+ actor") || out.contains("+ event"), "{out}");
    assert!(out.contains("[Le Kremlin]"), "context is shown: {out}");

    let o = marginalia(&["diff", &format!("{p}@1"), &p, "--raw"]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("+        (id:")).count(),
        2,
        "{out}"
    );

    let o = marginalia(&["diff", &format!("{p}@9"), &p]);
    assert_eq!(o.status.code(), Some(2), "trouble exits 2");
    let o = marginalia(&["diff", "/no/such.ron", &p]);
    assert_eq!(o.status.code(), Some(2));
    let o = marginalia_with(&["diff", &format!("{p}@git:HEAD"), &p], |c| {
        c.env("PATH", "");
    });
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("cannot run git"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn cli_reanchor_uses_the_history_or_an_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = saved_versions(dir.path());
    let p = path.display().to_string();
    std::fs::write(dir.path().join("old.txt"), TEXT).unwrap();
    let edited = format!("Mise à jour.\n{TEXT}").replace("Dmitri Peskov, ", "");
    std::fs::write(dir.path().join("d.txt"), &edited).unwrap();
    assert_eq!(marginalia(&["validate", &p]).status.code(), Some(1));

    let before = std::fs::read(&path).unwrap();
    let o = marginalia(&["reanchor", &p, "--dry-run"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("1 orphaned"), "{out}");
    assert!(out.contains("“Dmitri Peskov”"), "{out}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "a dry run writes nothing");

    let o = marginalia(&["reanchor", &p, "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["saved"], true);
    assert_eq!(v["documents"][0]["orphaned"][0]["text"], "Dmitri Peskov");
    assert_eq!(v["documents"][0]["moved"], 6);
    assert_eq!(marginalia(&["validate", &p]).status.code(), Some(0));
    let project = marginalia::persist::open(&path).unwrap();
    assert_eq!(project.orphans.len(), 1, "the orphan is kept in the project");

    let o = marginalia(&["reanchor", &p]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("nothing to re-anchor"));

    // --old must be the text the annotations were made on.
    std::fs::write(dir.path().join("d.txt"), format!("{edited} Fin.")).unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let o = marginalia(&["reanchor", &p, "--old", &empty.display().to_string()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not the text its annotations were made on"));
    std::fs::write(dir.path().join("old.txt"), &edited).unwrap();
    let old = dir.path().join("old.txt").display().to_string();
    let o = marginalia(&["reanchor", &p, "--old", &old]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(marginalia(&["validate", &p]).status.code(), Some(0));
}

/// A project that comes from elsewhere (a colleague, git, a script) has its
/// file as found kept as version 1 at the first save over it, once; a Save
/// As over another project file keeps that file in its own history too.
#[test]
fn the_file_as_found_is_the_first_version() {
    use marginalia::model::Timestamp;
    use marginalia::persist::history::{CHANGED_MESSAGE, FOUND_MESSAGE, VersionHistory};
    let f = common::Fixture::new();
    let found_text = f.source();
    let found_time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
    let file = std::fs::File::options().write(true).open(&f.path).unwrap();
    file.set_modified(found_time).unwrap();
    drop(file);

    let mut s = Session::open(&f.path).unwrap();
    let add = |s: &mut Session, range: std::ops::Range<usize>| {
        let a = new_annotation(s.project(), "doc", range, "event", "ana", at(1)).unwrap();
        s.apply(Command::AddAnnotations(vec![a])).unwrap();
        s.save().unwrap();
        assert_eq!(s.take_history_warning(), None);
    };
    add(&mut s, 0..2);
    let history = VersionHistory::of(&f.path);
    let v = history.versions().unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(
        (v[0].message.as_str(), v[0].author.as_str(), v[0].annotations, v[0].time),
        (FOUND_MESSAGE, "", 3, Timestamp::from_unix(1_600_000_000))
    );
    assert_eq!(history.read(&v[0]).unwrap(), found_text);
    assert_eq!((v[1].annotations, v[1].message.as_str()), (4, ""));
    let doc = s.project().document("doc").unwrap();
    assert_eq!(
        history.text(&doc.hash).as_deref(),
        Some(doc.text.as_str()),
        "texts are kept"
    );

    add(&mut s, 3..11);
    let v = history.versions().unwrap();
    assert_eq!(v.iter().map(|v| v.annotations).collect::<Vec<_>>(), [3, 4, 5]);
    assert_eq!(v.iter().filter(|v| v.message == FOUND_MESSAGE).count(), 1);

    // Another program rewrites the file (a colleague's version through
    // git); saving over it, as the user chose, keeps it in the history.
    let theirs = found_text.replace("end: 25, label: \"actor\"", "end: 25, label: \"claim\"");
    assert_ne!(theirs, found_text);
    std::fs::write(&f.path, &theirs).unwrap();
    let file = std::fs::File::options().write(true).open(&f.path).unwrap();
    file.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    drop(file);
    let a = new_annotation(s.project(), "doc", 12..18, "event", "ana", at(2)).unwrap();
    s.apply(Command::AddAnnotations(vec![a])).unwrap();
    assert!(s.save().is_err(), "the changed file is not saved over unasked");
    s.save_overwriting().unwrap();
    assert_eq!(s.take_history_warning(), None);
    let v = history.versions().unwrap();
    assert_eq!(v.iter().map(|v| v.annotations).collect::<Vec<_>>(), [3, 4, 5, 3, 6]);
    assert_eq!(v[3].message, CHANGED_MESSAGE);
    assert_eq!(history.read(&v[3]).unwrap(), theirs);

    let other = f.dir.path().join("other.ron");
    std::fs::write(&other, &found_text).unwrap();
    s.save_as(&other).unwrap();
    let other_history = VersionHistory::of(&other);
    let v = other_history.versions().unwrap();
    assert_eq!(v.iter().map(|v| v.annotations).collect::<Vec<_>>(), [3, 6]);
    assert_eq!(other_history.read(&v[0]).unwrap(), found_text);
}
