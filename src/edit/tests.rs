//! Apply/undo/redo tests for every command.

use super::*;
use crate::model::{Colour, Document, Label, Status, Text};

const TEXT: &str = "Le président Ilham Aliyev a déclaré la victoire 👨🏻‍🚒 à Bakou.\r\nՀայաստան";

fn t(s: i64) -> Timestamp {
    Timestamp::from_unix(1_700_000_000 + s)
}

fn fixture() -> Project {
    let mut p = Project::new("test");
    p.documents
        .push(Document::new("doc", "Doc", "doc.txt", Text::new(TEXT)));
    p.documents
        .push(Document::new("other", "Other", "other.txt", Text::new("Stepanakert")));
    let a = new_annotation(&p, "doc", 13..25, "actor", "ana", t(0)).unwrap();
    let b = new_annotation(&p, "doc", 3..25, "actor", "ana", t(1)).unwrap();
    Command::AddAnnotations(vec![a, b]).apply(&mut p).unwrap();
    p
}

/// Applies `command`, checks that undo restores the original exactly and
/// that redo gives the same result again; returns the edited project.
fn check_round_trip(before: &Project, command: Command) -> Project {
    let mut project = before.clone();
    let mut history = History::default();
    history.apply(&mut project, command).unwrap();
    let after = project.clone();
    assert_ne!(&after, before, "the command should change something");
    assert!(history.undo(&mut project).unwrap().is_some());
    assert_eq!(&project, before, "undo must restore the project exactly");
    assert!(history.redo(&mut project).unwrap().is_some());
    assert_eq!(project, after, "redo must give the same project");
    after
}

fn first_id(p: &Project) -> AnnotationId {
    p.annotations()[0].id
}

#[test]
fn add_annotation_quotes_code_points() {
    let p = fixture();
    let emoji_start = TEXT.chars().position(|c| c == '👨').unwrap();
    let a = new_annotation(&p, "doc", emoji_start..emoji_start + 4, "event", "ana", t(5)).unwrap();
    assert_eq!(a.text, "👨🏻‍🚒");
    let after = check_round_trip(&p, Command::AddAnnotations(vec![a.clone()]));
    assert_eq!(after.annotation(a.id), Some(&a));
    assert_eq!(after.annotations().len(), 3);
}

#[test]
fn annotations_stay_sorted_by_document_and_position() {
    let p = fixture();
    let starts: Vec<usize> = p.annotations_of("doc").iter().map(|a| a.start).collect();
    assert_eq!(starts, [3, 13]);
    assert!(p.annotations_of("other").is_empty());
}

#[test]
fn add_refuses_bad_spans_and_leaves_project_unchanged() {
    let mut p = fixture();
    let before = p.clone();
    let len = TEXT.chars().count();
    assert!(matches!(
        new_annotation(&p, "doc", 5..5, "event", "ana", t(0)),
        Err(EditError::EmptySpan { .. })
    ));
    assert!(matches!(
        new_annotation(&p, "doc", 5..len + 1, "event", "ana", t(0)),
        Err(EditError::OutOfBounds { .. })
    ));
    assert!(matches!(
        new_annotation(&p, "doc", 0..2, "place", "ana", t(0)),
        Err(EditError::UnknownLabel(_))
    ));
    let mut forged = new_annotation(&p, "doc", 0..2, "event", "ana", t(0)).unwrap();
    forged.text = "XX".into();
    let good = new_annotation(&p, "doc", 3..5, "event", "ana", t(0)).unwrap();
    let err = Command::AddAnnotations(vec![good, forged]).apply(&mut p).unwrap_err();
    assert!(matches!(err, EditError::QuoteMismatch { .. }), "{err}");
    let dup = p.annotations()[0].clone();
    assert_eq!(
        Command::AddAnnotations(vec![dup.clone()]).apply(&mut p),
        Err(EditError::DuplicateAnnotation(dup.id))
    );
    assert_eq!(p, before);
}

#[test]
fn delete_and_undo_restore_the_same_annotation() {
    let p = fixture();
    let id = first_id(&p);
    let after = check_round_trip(&p, Command::DeleteAnnotations(vec![id]));
    assert!(after.annotation(id).is_none());
    let mut q = p.clone();
    let missing = AnnotationId::from_u64(7);
    assert_eq!(
        Command::DeleteAnnotations(vec![id, missing]).apply(&mut q),
        Err(EditError::UnknownAnnotation(missing))
    );
    assert_eq!(q, p);
}

#[test]
fn relabel_changes_label_and_modified_time() {
    let p = fixture();
    let ids: Vec<_> = p.annotations().iter().map(|a| a.id).collect();
    let after = check_round_trip(
        &p,
        Command::Relabel {
            ids: ids.clone(),
            label: "claim".into(),
            at: t(60),
        },
    );
    for id in ids {
        let a = after.annotation(id).unwrap();
        assert_eq!(a.label, "claim");
        assert_eq!(a.modified, t(60));
        assert_eq!(a.created, p.annotation(id).unwrap().created);
    }
}

#[test]
fn resize_updates_quoted_text() {
    let p = fixture();
    let id = p.annotations_of("doc")[1].id; // "Ilham Aliyev"
    let after = check_round_trip(
        &p,
        Command::Resize {
            id,
            start: 19,
            end: 25,
            at: t(9),
        },
    );
    assert_eq!(after.annotation(id).unwrap().text, "Aliyev");
    let mut q = p;
    assert!(matches!(
        Command::Resize {
            id,
            start: 20,
            end: 20,
            at: t(9)
        }
        .apply(&mut q),
        Err(EditError::EmptySpan { .. })
    ));
}

#[test]
fn set_note_round_trips() {
    let p = fixture();
    let id = first_id(&p);
    let after = check_round_trip(
        &p,
        Command::SetNote {
            id,
            note: "titre inclus ?\nà discuter".into(),
            at: t(3),
        },
    );
    assert_eq!(after.annotation(id).unwrap().note, "titre inclus ?\nà discuter");
}

#[test]
fn restore_puts_back_other_values() {
    let p = fixture();
    let mut changed = p.annotations()[0].clone();
    changed.label = "event".into();
    changed.note = "adopted".into();
    let after = check_round_trip(&p, Command::RestoreAnnotations(vec![changed.clone()]));
    assert_eq!(after.annotation(changed.id), Some(&changed));
}

#[test]
fn set_status_round_trips() {
    let p = fixture();
    let after = check_round_trip(
        &p,
        Command::SetStatus {
            doc: "doc".into(),
            status: Status::Done,
        },
    );
    assert_eq!(after.document("doc").unwrap().status, Status::Done);
}

fn place_label() -> Label {
    Label {
        id: "place".into(),
        name: "Place".into(),
        colour: Colour([1, 2, 3]),
        hotkey: Some('4'),
        guideline: String::new(),
        kind: Default::default(),
    }
}

#[test]
fn schema_edits_round_trip() {
    let p = fixture();
    let after = check_round_trip(
        &p,
        Command::AddLabel {
            label: place_label(),
            index: 1,
        },
    );
    assert_eq!(after.schema.labels[1].id, "place");

    let mut renamed = p.schema.get("claim").unwrap().clone();
    renamed.name = "Assertion".into();
    renamed.colour = Colour([9, 9, 9]);
    let after = check_round_trip(&p, Command::UpdateLabel(renamed));
    assert_eq!(after.schema.get("claim").unwrap().name, "Assertion");

    let after = check_round_trip(&p, Command::RemoveLabel("claim".into()));
    assert!(!after.schema.contains("claim"));

    let after = check_round_trip(
        &p,
        Command::MoveLabel {
            id: "actor".into(),
            index: 0,
        },
    );
    let order: Vec<_> = after.schema.labels.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(order, ["actor", "event", "claim"]);
}

#[test]
fn schema_edits_are_checked() {
    let mut p = fixture();
    let before = p.clone();
    assert_eq!(
        Command::RemoveLabel("actor".into()).apply(&mut p),
        Err(EditError::LabelInUse {
            label: "actor".into(),
            count: 2
        })
    );
    let mut clash = place_label();
    clash.hotkey = Some('1');
    assert_eq!(
        Command::AddLabel { label: clash, index: 0 }.apply(&mut p),
        Err(EditError::HotkeyTaken {
            key: '1',
            label: "event".into()
        })
    );
    assert_eq!(
        Command::MoveLabel {
            id: "actor".into(),
            index: 3
        }
        .apply(&mut p),
        Err(EditError::BadPosition { index: 3, len: 3 })
    );
    assert_eq!(p, before);
}

#[test]
fn deleting_a_used_label_is_a_batch() {
    let p = fixture();
    let ids: Vec<_> = p.annotations().iter().map(|a| a.id).collect();
    let after = check_round_trip(
        &p,
        Command::Batch(vec![
            Command::Relabel {
                ids,
                label: "event".into(),
                at: t(1),
            },
            Command::RemoveLabel("actor".into()),
        ]),
    );
    assert!(!after.schema.contains("actor"));
    assert!(after.annotations().iter().all(|a| a.label == "event"));
}

#[test]
fn a_named_batch_undoes_as_one_step_under_its_name() {
    let p = fixture();
    let id = first_id(&p);
    let named = Command::Named {
        what: "accept A on “Aliyev”".into(),
        commands: vec![
            Command::SetNote {
                id,
                note: "vérifié".into(),
                at: t(2),
            },
            Command::DeleteAnnotations(vec![id]),
        ],
    };
    assert_eq!(named.describe(), "accept A on “Aliyev”");
    let after = check_round_trip(&p, named.clone());
    assert!(after.annotation(id).is_none());
    let mut q = p.clone();
    let inverse = named.apply(&mut q).unwrap();
    assert_eq!(inverse.describe(), "accept A on “Aliyev”");
    // A failing part rolls the named batch back too.
    let mut r = p.clone();
    let err = Command::Named {
        what: "x".into(),
        commands: vec![
            Command::DeleteAnnotations(vec![id]),
            Command::DeleteAnnotations(vec![id]),
        ],
    }
    .apply(&mut r)
    .unwrap_err();
    assert!(matches!(err, EditError::UnknownAnnotation(_)), "{err:?}");
    assert_eq!(r, p);
}

#[test]
fn failed_batch_rolls_back_its_applied_parts() {
    let mut p = fixture();
    let before = p.clone();
    let id = first_id(&p);
    let err = Command::Batch(vec![
        Command::DeleteAnnotations(vec![id]),
        Command::SetStatus {
            doc: "nope".into(),
            status: Status::Done,
        },
    ])
    .apply(&mut p)
    .unwrap_err();
    assert_eq!(err, EditError::UnknownDocument("nope".into()));
    assert_eq!(p, before);
}

#[test]
fn documents_are_added_and_removed_in_place() {
    let p = fixture();
    let doc = Document::new("new", "New", "new.txt", Text::new("Evlakh"));
    let after = check_round_trip(&p, Command::AddDocuments(vec![(1, doc)]));
    let order: Vec<_> = after.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(order, ["doc", "new", "other"]);

    let after = check_round_trip(&p, Command::RemoveDocuments(vec!["other".into()]));
    assert_eq!(after.documents.len(), 1);

    let mut q = p.clone();
    assert!(matches!(
        Command::RemoveDocuments(vec!["doc".into()]).apply(&mut q),
        Err(EditError::DocumentInUse { count: 2, .. })
    ));
    let dup = Document::new("doc", "Doc", "doc.txt", Text::new("x"));
    assert_eq!(
        Command::AddDocuments(vec![(0, dup)]).apply(&mut q),
        Err(EditError::DuplicateDocument("doc".into()))
    );
    assert_eq!(q, p);
}

#[test]
fn project_rename_round_trips() {
    let p = fixture();
    let after = check_round_trip(&p, Command::SetProjectName("Karabakh".into()));
    assert_eq!(after.name, "Karabakh");
}

#[test]
fn history_state_tracks_undo_past_a_save() {
    let mut p = fixture();
    let mut h = History::default();
    assert_eq!(h.state(), 0);
    let id = first_id(&p);
    h.apply(&mut p, Command::DeleteAnnotations(vec![id])).unwrap();
    let saved = h.state();
    h.undo(&mut p).unwrap();
    assert_ne!(h.state(), saved);
    h.redo(&mut p).unwrap();
    assert_eq!(h.state(), saved);
    // A new edit after undo gets a new state even at the same depth.
    h.undo(&mut p).unwrap();
    h.apply(
        &mut p,
        Command::SetStatus {
            doc: "doc".into(),
            status: Status::Done,
        },
    )
    .unwrap();
    assert_ne!(h.state(), saved);
    assert_eq!(h.redo_description(), None);
    assert_eq!(h.undo_description().as_deref(), Some("mark doc as done"));
    assert_eq!(h.redo(&mut p).unwrap(), None);
}

#[test]
fn commands_that_change_nothing_are_not_recorded() {
    let before = fixture();
    let id = first_id(&before);
    let a = before.annotation(id).unwrap().clone();
    let mut project = before.clone();
    let mut history = History::default();
    let no_ops = [
        Command::Relabel {
            ids: vec![id],
            label: a.label.clone(),
            at: t(100),
        },
        Command::SetNote {
            id,
            note: a.note.clone(),
            at: t(100),
        },
        Command::Resize {
            id,
            start: a.start,
            end: a.end,
            at: t(100),
        },
        Command::SetStatus {
            doc: "doc".into(),
            status: before.document("doc").unwrap().status,
        },
        Command::SetProjectName(before.name.clone()),
        Command::Batch(vec![
            Command::SetStatus {
                doc: "doc".into(),
                status: before.document("doc").unwrap().status,
            },
            Command::Relabel {
                ids: vec![id],
                label: a.label,
                at: t(100),
            },
        ]),
    ];
    for command in no_ops {
        assert_eq!(history.apply(&mut project, command.clone()), Ok(false), "{command:?}");
    }
    assert_eq!(project, before, "not even `modified` moved");
    assert_eq!(history.undo_len(), 0);
    assert_eq!(history.state(), 0, "the project is still as saved");
    // A relabel of several annotations changes only those with another label.
    let other = before.annotations()[1].id;
    let relabel = Command::Relabel {
        ids: vec![id, other],
        label: "event".into(),
        at: t(100),
    };
    assert_eq!(history.apply(&mut project, relabel), Ok(true));
    let again = Command::Relabel {
        ids: vec![id, other],
        label: "event".into(),
        at: t(200),
    };
    assert_eq!(history.apply(&mut project, again), Ok(false));
    assert_eq!(project.annotation(id).unwrap().modified, t(100));
}

#[test]
fn an_unused_label_changes_its_id_and_a_used_one_cannot() {
    let p = fixture();
    let after = check_round_trip(
        &p,
        Command::RenameLabelId {
            from: "claim".into(),
            to: "place".into(),
        },
    );
    assert!(after.schema.contains("place") && !after.schema.contains("claim"));
    let mut q = p.clone();
    let used = Command::RenameLabelId {
        from: "actor".into(),
        to: "who".into(),
    };
    assert!(matches!(
        used.apply(&mut q),
        Err(EditError::LabelInUse { count: 2, .. })
    ));
    let taken = Command::RenameLabelId {
        from: "claim".into(),
        to: "event".into(),
    };
    assert_eq!(taken.apply(&mut q), Err(EditError::DuplicateLabel("event".into())));
    assert_eq!(q, p);
}

#[test]
fn labels_and_documents_used_only_by_orphans_cannot_be_removed() {
    let mut p = fixture();
    let mut orphan = p.annotations()[0].clone();
    orphan.id = AnnotationId::from_u64(424_242);
    orphan.label = "claim".into();
    orphan.doc = "other".into();
    Command::RestoreOrphans(vec![orphan]).apply(&mut p).unwrap();
    let before = p.clone();
    assert!(matches!(
        Command::RemoveLabel("claim".into()).apply(&mut p),
        Err(EditError::LabelInUse { count: 1, .. })
    ));
    assert!(matches!(
        Command::RemoveDocuments(vec!["other".into()]).apply(&mut p),
        Err(EditError::DocumentInUse { count: 1, .. })
    ));
    assert_eq!(p, before);
}
