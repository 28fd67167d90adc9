//! Apply/undo/redo tests for the commands of structure: relations,
//! attributes, fragments, document metadata and schema structure, with
//! their cascades and refusals.

use super::*;
use crate::model::{
    AttrKind, AttrValue, AttributeDef, Cardinality, ChoiceValue, Colour, Document, Entity, Number, Owner, RelationType,
    Text, check,
};

// « … », a déclaré X, « … »: a quotation interrupted by its attribution.
const TEXT: &str = "« Nous ne céderons pas », a déclaré Nikol Pashinyan 👨🏻‍🚒, « ni aujourd’hui ni demain ».";

fn t(s: i64) -> Timestamp {
    Timestamp::from_unix(1_700_000_000 + s)
}

fn range_of(needle: &str) -> Range<usize> {
    let byte = TEXT.find(needle).unwrap();
    let start = TEXT[..byte].chars().count();
    start..start + needle.chars().count()
}

struct Fixture {
    project: Project,
    claim: AnnotationId,
    actor: AnnotationId,
    event: AnnotationId,
}

fn fixture() -> Fixture {
    let mut p = Project::new("structure");
    p.documents
        .push(Document::new("doc", "Doc", "doc.txt", Text::new(TEXT)));
    p.documents
        .push(Document::new("other", "Other", "other.txt", Text::new("Erevan")));
    p.schema.relation_types = vec![
        RelationType {
            id: "claimant".into(),
            name: "Claimant".into(),
            colour: Colour([1, 2, 3]),
            hotkey: None,
            from: vec!["claim".into()],
            to: vec!["actor".into()],
            symmetric: false,
            cardinality: Cardinality::Optional,
            guideline: String::new(),
        },
        RelationType {
            id: "target".into(),
            name: "Target".into(),
            colour: Colour([3, 2, 1]),
            hotkey: None,
            from: vec!["claim".into(), "event".into()],
            to: vec!["actor".into()],
            symmetric: false,
            cardinality: Cardinality::Any,
            guideline: String::new(),
        },
    ];
    p.schema.attributes = vec![
        AttributeDef {
            id: "polarity".into(),
            name: "Polarity".into(),
            kind: AttrKind::Choice,
            on: vec![AttrTarget::Label("claim".into())],
            values: ["support", "oppose", "neutral"]
                .map(|v| ChoiceValue {
                    id: v.into(),
                    hotkey: None,
                })
                .into(),
            default: Some(AttrValue::Text("neutral".into())),
            required: true,
            guideline: String::new(),
        },
        AttributeDef {
            id: "who".into(),
            name: "Who".into(),
            kind: AttrKind::Entity,
            on: vec![AttrTarget::Label("actor".into())],
            values: Vec::new(),
            default: None,
            required: false,
            guideline: String::new(),
        },
        AttributeDef {
            id: "date".into(),
            name: "Date".into(),
            kind: AttrKind::Date,
            on: vec![AttrTarget::Document],
            values: Vec::new(),
            default: None,
            required: false,
            guideline: String::new(),
        },
    ];
    p.schema.entities = vec![Entity {
        id: "pashinyan".into(),
        name: "Nikol Pashinyan".into(),
        reference: Some("Wikidata:Q57521".into()),
        note: String::new(),
    }];
    let claim = new_fragmented_annotation(
        &p,
        "doc",
        &[range_of("Nous ne céderons pas"), range_of("ni aujourd’hui ni demain")],
        "claim",
        "ana",
        t(0),
    )
    .unwrap();
    let actor = new_annotation(&p, "doc", range_of("Nikol Pashinyan"), "actor", "ana", t(0)).unwrap();
    let event = new_annotation(&p, "doc", range_of("a déclaré"), "event", "ana", t(0)).unwrap();
    let ids = (claim.id, actor.id, event.id);
    Command::AddAnnotations(vec![claim, actor, event])
        .apply(&mut p)
        .unwrap();
    Fixture {
        project: p,
        claim: ids.0,
        actor: ids.1,
        event: ids.2,
    }
}

/// Applies `command`, checks that undo restores the project exactly and
/// redo gives the same result; returns the edited project.
fn round_trip(before: &Project, command: Command) -> Project {
    let mut project = before.clone();
    let mut history = History::default();
    history.apply(&mut project, command).unwrap();
    let after = project.clone();
    assert_ne!(&after, before, "the command should change something");
    history.undo(&mut project).unwrap();
    assert_eq!(&project, before, "undo must restore the project exactly");
    history.redo(&mut project).unwrap();
    assert_eq!(project, after, "redo must give the same project");
    after
}

fn refused(project: &Project, command: Command) -> EditError {
    let mut p = project.clone();
    let e = command.apply(&mut p).unwrap_err();
    assert_eq!(&p, project, "a refused command leaves the project unchanged");
    e
}

#[test]
fn a_discontinuous_claim_quotes_its_pieces_and_gets_default_attributes() {
    let f = fixture();
    let claim = f.project.annotation(f.claim).unwrap();
    assert_eq!(claim.text, "Nous ne céderons pas … ni aujourd’hui ni demain");
    assert_eq!(claim.fragments.len(), 2);
    assert_eq!((claim.start, claim.end), (claim.fragments[0].0, claim.fragments[1].1));
    assert_eq!(claim.attrs["polarity"], AttrValue::Text("neutral".into()));
    assert_eq!(
        claim.covered_len(),
        "Nous ne céderons pas".chars().count() + "ni aujourd’hui ni demain".chars().count()
    );
    assert!(
        check(&f.project, &Default::default()).is_empty(),
        "{:?}",
        check(&f.project, &Default::default())
    );
}

#[test]
fn relations_are_added_checked_and_undone() {
    let f = fixture();
    let r = new_relation(&f.project, "claimant", f.claim, f.actor, "ana", t(1)).unwrap();
    assert_eq!(r.doc, "doc");
    let after = round_trip(&f.project, Command::AddRelations(vec![r.clone()]));
    assert_eq!(after.relations(), std::slice::from_ref(&r));
    // The type allows claim → actor only.
    let e = new_relation(&f.project, "claimant", f.actor, f.claim, "ana", t(1)).unwrap_err();
    assert!(
        e.to_string()
            .contains("does not link \"actor\" to \"claim\" (it allows claim → actor)"),
        "{e}"
    );
    // The same link twice is refused; so is a second claimant (optional).
    let again = new_relation(&after, "claimant", f.claim, f.actor, "ana", t(2));
    assert!(
        matches!(again, Err(EditError::Breaks(ref m)) if m.contains("already links")),
        "{again:?}"
    );
    let mut after = after;
    let other = new_annotation(&after, "doc", range_of("Nous"), "actor", "ana", t(2)).unwrap();
    Command::AddAnnotations(vec![other.clone()]).apply(&mut after).unwrap();
    let second = new_relation(&after, "claimant", f.claim, other.id, "ana", t(2));
    assert!(
        matches!(second, Err(EditError::Breaks(ref m)) if m.contains("already has its one \"claimant\"")),
        "{second:?}"
    );
    // Unknown type and self-links.
    assert!(matches!(
        new_relation(&f.project, "nope", f.claim, f.actor, "ana", t(1)),
        Err(EditError::UnknownRelationType(_))
    ));
    assert!(new_relation(&f.project, "target", f.event, f.event, "ana", t(1)).is_err());
    // Ids are shared with annotations.
    let mut clash = r;
    clash.id = f.actor;
    assert!(matches!(
        refused(&f.project, Command::AddRelations(vec![clash])),
        EditError::DuplicateAnnotation(_)
    ));
}

#[test]
fn retype_and_delete_relations_round_trip() {
    let f = fixture();
    let r = new_relation(&f.project, "claimant", f.claim, f.actor, "ana", t(1)).unwrap();
    let mut p = f.project.clone();
    Command::AddRelations(vec![r.clone()]).apply(&mut p).unwrap();
    let retyped = Relation {
        kind: "target".into(),
        note: "about him".into(),
        ..r.clone()
    };
    let after = round_trip(&p, Command::RestoreRelations(vec![retyped.clone()]));
    assert_eq!(after.relation(r.id), Some(&retyped));
    let after = round_trip(&p, Command::DeleteRelations(vec![r.id]));
    assert!(after.relations().is_empty());
    assert!(matches!(
        refused(&p, Command::DeleteRelations(vec![f.claim])),
        EditError::UnknownRelation(_)
    ));
}

#[test]
fn deleting_an_annotation_deletes_its_relations_in_the_same_step() {
    let f = fixture();
    let mut p = f.project.clone();
    let r1 = new_relation(&p, "claimant", f.claim, f.actor, "ana", t(1)).unwrap();
    Command::AddRelations(vec![r1.clone()]).apply(&mut p).unwrap();
    let r2 = new_relation(&p, "target", f.event, f.actor, "ana", t(1)).unwrap();
    Command::AddRelations(vec![r2]).apply(&mut p).unwrap();
    let after = round_trip(&p, Command::DeleteAnnotations(vec![f.actor]));
    assert!(after.relations().is_empty(), "both relations touched the actor");
    assert!(check(&after, &Default::default()).is_empty());
    let after = round_trip(&p, Command::DeleteAnnotations(vec![f.event]));
    assert_eq!(after.relations(), [r1], "only the event's relation goes");
}

#[test]
fn attributes_are_set_and_unset_as_one_step_and_checked() {
    let f = fixture();
    let set = Command::SetAttrs {
        owner: Owner::Annotation(f.claim),
        changes: vec![("polarity".into(), Some(AttrValue::Text("oppose".into())))],
        at: t(5),
    };
    let after = round_trip(&f.project, set);
    let claim = after.annotation(f.claim).unwrap();
    assert_eq!(claim.attrs["polarity"], AttrValue::Text("oppose".into()));
    assert_eq!(claim.modified, t(5));
    let bad = |key: &str, v: AttrValue, owner: Owner| {
        refused(
            &f.project,
            Command::SetAttrs {
                owner,
                changes: vec![(key.into(), Some(v))],
                at: t(5),
            },
        )
        .to_string()
    };
    assert!(bad("polarity", AttrValue::Text("maybe".into()), Owner::Annotation(f.claim)).contains("not one of"));
    assert!(
        bad("polarity", AttrValue::Text("oppose".into()), Owner::Annotation(f.actor))
            .contains("does not declare on label \"actor\"")
    );
    assert!(
        bad("who", AttrValue::Text("aliyev".into()), Owner::Annotation(f.actor)).contains("not in the entity list")
    );
    assert!(
        bad(
            "date",
            AttrValue::Text("2023-02-30".into()),
            Owner::Document("doc".into())
        )
        .contains("date")
    );
    let who = round_trip(
        &f.project,
        Command::SetAttrs {
            owner: Owner::Annotation(f.actor),
            changes: vec![("who".into(), Some(AttrValue::Text("pashinyan".into())))],
            at: t(5),
        },
    );
    assert_eq!(
        who.annotation(f.actor).unwrap().attrs["who"],
        AttrValue::Text("pashinyan".into())
    );
    // Unsetting a required value is allowed (a warning, work in progress).
    let unset = round_trip(
        &f.project,
        Command::SetAttrs {
            owner: Owner::Annotation(f.claim),
            changes: vec![("polarity".into(), None)],
            at: t(5),
        },
    );
    let warnings = check(&unset, &Default::default());
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].severity(), crate::model::Severity::Warning);
}

#[test]
fn document_metadata_round_trips_and_free_fields_are_allowed() {
    let f = fixture();
    let after = round_trip(
        &f.project,
        Command::SetAttrs {
            owner: Owner::Document("doc".into()),
            changes: vec![
                ("date".into(), Some(AttrValue::Text("2023-09-21".into()))),
                ("outlet".into(), Some(AttrValue::Text("Le Monde".into()))),
                ("pages".into(), Some(AttrValue::Number(Number::new(2.0).unwrap()))),
            ],
            at: t(5),
        },
    );
    let doc = after.document("doc").unwrap();
    assert_eq!(doc.attrs.len(), 3);
    assert!(check(&after, &Default::default()).is_empty());
    // Setting the same values again changes nothing and is not recorded.
    let mut p = after.clone();
    let mut history = History::default();
    let again = Command::SetDocumentAttrs {
        doc: "doc".into(),
        attrs: doc.attrs.clone(),
    };
    history.apply(&mut p, again).unwrap();
    assert_eq!(history.undo_len(), 0);
}

#[test]
fn fragments_are_set_joined_and_checked() {
    let f = fixture();
    let actor = f.project.annotation(f.actor).unwrap().clone();
    let name = range_of("Nikol");
    let surname = range_of("Pashinyan");
    let after = round_trip(
        &f.project,
        Command::SetFragments {
            id: f.actor,
            pieces: vec![(name.start, name.end), (surname.start, surname.end)],
            at: t(3),
        },
    );
    assert_eq!(after.annotation(f.actor).unwrap().text, "Nikol … Pashinyan");
    let joined = round_trip(
        &after,
        Command::SetFragments {
            id: f.actor,
            pieces: vec![(actor.start, actor.end)],
            at: t(4),
        },
    );
    let back = joined.annotation(f.actor).unwrap();
    assert!(back.fragments.is_empty() && back.text == "Nikol Pashinyan");
    for (pieces, why) in [
        (vec![(name.start, name.end), (name.end, surname.end)], "touches"),
        (vec![(surname.start, surname.end), (name.start, name.end)], "overlaps"),
        (vec![(name.start, name.start), (surname.start, surname.end)], "empty"),
    ] {
        let e = refused(
            &f.project,
            Command::SetFragments {
                id: f.actor,
                pieces,
                at: t(3),
            },
        );
        assert!(e.to_string().contains(why), "{e}");
    }
    // Resizing a discontinuous span moves its outer ends.
    let claim = f.project.annotation(f.claim).unwrap().clone();
    let resized = round_trip(
        &f.project,
        Command::Resize {
            id: f.claim,
            start: claim.start + 5,
            end: claim.end - 1,
            at: t(6),
        },
    );
    assert_eq!(
        resized.annotation(f.claim).unwrap().text,
        "ne céderons pas … ni aujourd’hui ni demai"
    );
}

#[test]
fn relabel_that_would_break_a_relation_or_an_attribute_is_refused() {
    let f = fixture();
    let mut p = f.project.clone();
    let r = new_relation(&p, "claimant", f.claim, f.actor, "ana", t(1)).unwrap();
    Command::AddRelations(vec![r]).apply(&mut p).unwrap();
    let e = refused(
        &p,
        Command::Relabel {
            ids: vec![f.actor],
            label: "event".into(),
            at: t(2),
        },
    );
    assert!(e.to_string().contains("delete or change the relation first"), "{e}");
    let e = refused(
        &f.project,
        Command::Relabel {
            ids: vec![f.claim],
            label: "event".into(),
            at: t(2),
        },
    );
    assert!(e.to_string().contains("polarity"), "{e}");
}

#[test]
fn schema_structure_edits_that_break_what_is_in_use_are_refused() {
    let f = fixture();
    let mut p = f.project.clone();
    let r = new_relation(&p, "claimant", f.claim, f.actor, "ana", t(1)).unwrap();
    Command::AddRelations(vec![r]).apply(&mut p).unwrap();
    // Removing a type in use, narrowing its ends, dropping a value in use.
    let only_target = vec![p.schema.relation_types[1].clone()];
    let e = refused(&p, Command::SetStructure(Structure::RelationTypes(only_target)));
    assert!(e.to_string().contains("claimant"), "{e}");
    let mut values = p.schema.attributes.clone();
    values[0].values.retain(|v| v.id != "neutral");
    values[0].default = None;
    let e = refused(&p, Command::SetStructure(Structure::Attributes(values)));
    assert!(e.to_string().contains("neutral"), "{e}");
    // A harmless edit goes through and undoes.
    let mut types = p.schema.relation_types.clone();
    types[1].name = "Target of".into();
    let after = round_trip(&p, Command::SetStructure(Structure::RelationTypes(types)));
    assert_eq!(after.schema.relation_types[1].name, "Target of");
    // A label named by a relation type cannot be removed, and renaming a
    // label's id carries its references.
    let e = refused(&f.project, Command::RemoveLabel("actor".into()));
    assert!(matches!(e, EditError::LabelInUse { .. }), "{e}");
    let mut unused = f.project.clone();
    Command::DeleteAnnotations(vec![f.actor]).apply(&mut unused).unwrap();
    let e = refused(&unused, Command::RemoveLabel("actor".into()));
    assert!(e.to_string().contains("relation type \"claimant\""), "{e}");
    let renamed = round_trip(
        &unused,
        Command::RenameLabelId {
            from: "actor".into(),
            to: "speaker".into(),
        },
    );
    assert_eq!(renamed.schema.relation_types[0].to, ["speaker"]);
    assert_eq!(renamed.schema.attributes[1].on, [AttrTarget::Label("speaker".into())]);
}

#[test]
fn a_document_class_covers_the_whole_text() {
    let f = fixture();
    let mut p = f.project.clone();
    let class = crate::model::Label {
        id: "pro_government".into(),
        name: "Pro-government".into(),
        colour: Colour([0, 0, 0]),
        hotkey: None,
        guideline: String::new(),
        kind: crate::model::LabelKind::Document,
    };
    Command::AddLabel { label: class, index: 3 }.apply(&mut p).unwrap();
    let length = TEXT.chars().count();
    let part = new_annotation(&p, "doc", 0..5, "pro_government", "ana", t(1)).unwrap();
    assert!(
        refused(&p, Command::AddAnnotations(vec![part]))
            .to_string()
            .contains("classes whole documents")
    );
    let e = refused(
        &p,
        Command::Relabel {
            ids: vec![f.event],
            label: "pro_government".into(),
            at: t(1),
        },
    );
    assert!(e.to_string().contains("classes whole documents"), "{e}");
    let whole = new_annotation(&p, "doc", 0..length, "pro_government", "ana", t(1)).unwrap();
    let after = round_trip(&p, Command::AddAnnotations(vec![whole.clone()]));
    assert!(check(&after, &Default::default()).is_empty());
    // A file that says otherwise is reported.
    let mut broken = after;
    let mut short = whole;
    short.end = length - 1;
    short.text = TEXT.chars().take(length - 1).collect();
    broken.replace_annotations(vec![short]);
    assert!(
        check(&broken, &Default::default())
            .iter()
            .any(|p| matches!(p, crate::model::ProblemKind::DocumentLabelSpan { .. }))
    );
}

#[test]
fn an_attribute_is_set_on_many_annotations_in_one_step() {
    let mut f = fixture();
    // A second claim, to set both at once.
    let second = new_annotation(&f.project, "doc", range_of("Nous ne"), "claim", "ana", t(1)).unwrap();
    let second_id = second.id;
    Command::AddAnnotations(vec![second]).apply(&mut f.project).unwrap();
    let set = Command::SetAnnotationAttrs {
        ids: vec![f.claim, second_id],
        changes: vec![("polarity".into(), Some(AttrValue::Text("oppose".into())))],
        at: t(7),
    };
    assert_eq!(set.describe(), "set polarity to oppose on 2 annotations");
    let after = round_trip(&f.project, set);
    for id in [f.claim, second_id] {
        let a = after.annotation(id).unwrap();
        assert_eq!(a.attrs["polarity"], AttrValue::Text("oppose".into()));
        assert_eq!(a.modified, t(7));
    }
    // One that does not take the value refuses the whole step; so does an
    // unknown id; nothing changes.
    let e = refused(
        &f.project,
        Command::SetAnnotationAttrs {
            ids: vec![f.claim, f.actor],
            changes: vec![("polarity".into(), Some(AttrValue::Text("oppose".into())))],
            at: t(7),
        },
    );
    assert!(e.to_string().contains("does not declare on label \"actor\""), "{e}");
    let ghost = AnnotationId::from_u64(42);
    assert!(matches!(
        refused(
            &f.project,
            Command::SetAnnotationAttrs {
                ids: vec![f.claim, ghost],
                changes: vec![("polarity".into(), None)],
                at: t(7),
            },
        ),
        EditError::UnknownAnnotation(id) if id == ghost
    ));
    // Those already holding the value are left alone (not even touched).
    let mut p = after;
    let inverse = Command::SetAnnotationAttrs {
        ids: vec![f.claim, second_id],
        changes: vec![("polarity".into(), Some(AttrValue::Text("oppose".into())))],
        at: t(9),
    }
    .apply(&mut p)
    .unwrap();
    assert_eq!(inverse, Command::RestoreAnnotations(Vec::new()));
    assert_eq!(p.annotation(f.claim).unwrap().modified, t(7));
}

#[test]
fn relations_from_into_and_touching_are_found_as_a_scan_finds_them() {
    let f = fixture();
    let mut p = f.project.clone();
    let claimant = new_relation(&p, "claimant", f.claim, f.actor, "ana", t(2)).unwrap();
    Command::AddRelations(vec![claimant.clone()]).apply(&mut p).unwrap();
    let target = new_relation(&p, "target", f.event, f.actor, "ana", t(3)).unwrap();
    Command::AddRelations(vec![target.clone()]).apply(&mut p).unwrap();
    let scan = |p: &Project, id: AnnotationId| -> Vec<AnnotationId> {
        let mut v: Vec<AnnotationId> = p
            .relations_of("doc")
            .iter()
            .filter(|r| r.touches(id))
            .map(|r| r.id)
            .collect();
        v.sort();
        v
    };
    // Asked often enough for the indexes to be built, then after a change.
    for _ in 0..4 {
        for id in [f.claim, f.actor, f.event] {
            let mut found: Vec<AnnotationId> = p.relations_touching("doc", id).map(|r| r.id).collect();
            found.sort();
            assert_eq!(found, scan(&p, id));
        }
        assert_eq!(
            p.relations_from("doc", f.claim),
            std::slice::from_ref(p.relation(claimant.id).unwrap())
        );
        assert_eq!(p.relations_to("doc", f.actor).len(), 2);
        assert!(p.relations_to("other", f.actor).is_empty());
    }
    Command::DeleteRelations(vec![claimant.id]).apply(&mut p).unwrap();
    for _ in 0..4 {
        for id in [f.claim, f.actor, f.event] {
            let mut found: Vec<AnnotationId> = p.relations_touching("doc", id).map(|r| r.id).collect();
            found.sort();
            assert_eq!(found, scan(&p, id), "after the deletion");
        }
        assert!(p.relations_from("doc", f.claim).is_empty());
        assert_eq!(p.relations_to("doc", f.actor), vec![p.relation(target.id).unwrap()]);
    }
}

#[test]
fn merging_two_entities_moves_every_reference_in_one_step() {
    let mut f = fixture();
    // "Pashinyan" entered twice; the actor refers to the second.
    f.project.schema.entities.push(Entity {
        id: "pashinyan_2".into(),
        name: "Pashinyan".into(),
        reference: None,
        note: String::new(),
    });
    Command::SetAttrs {
        owner: Owner::Annotation(f.actor),
        changes: vec![("who".into(), Some(AttrValue::Text("pashinyan_2".into())))],
        at: t(1),
    }
    .apply(&mut f.project)
    .unwrap();
    let merge = merge_entities(&f.project, "pashinyan_2", "pashinyan").unwrap();
    assert_eq!(merge.describe(), "merge the entity Pashinyan into Nikol Pashinyan");
    let after = round_trip(&f.project, merge);
    assert_eq!(after.schema.entities.len(), 1);
    assert_eq!(
        after.annotation(f.actor).unwrap().attrs["who"],
        AttrValue::Text("pashinyan".into())
    );
    assert!(check(&after, &Default::default()).is_empty(), "nothing dangles");
    // Unknown ends and a merge into itself are refused.
    assert!(merge_entities(&f.project, "aliyev", "pashinyan").is_err());
    assert!(merge_entities(&f.project, "pashinyan", "pashinyan").is_err());
}

#[test]
fn deleting_a_relation_type_or_an_attribute_takes_what_uses_it_in_one_step() {
    let f = fixture();
    let mut p = f.project.clone();
    let r = new_relation(&p, "claimant", f.claim, f.actor, "ana", t(1)).unwrap();
    let mut on_relation = p.schema.attributes[0].clone();
    on_relation.id = "certainty".into();
    on_relation.required = false;
    on_relation.default = None;
    on_relation.on = vec![AttrTarget::Relation("claimant".into())];
    p.schema.attributes.push(on_relation);
    let mut shared = p.schema.attributes[1].clone();
    shared.id = "also".into();
    shared.on.push(AttrTarget::Relation("claimant".into()));
    p.schema.attributes.push(shared);
    Command::AddRelations(vec![r]).apply(&mut p).unwrap();
    let (relations, attributes) = relation_type_uses(&p, "claimant");
    assert_eq!((relations.len(), attributes), (1, 2));

    let command = remove_relation_type(&p, "claimant").unwrap();
    assert_eq!(
        command.describe(),
        "delete the relation type Claimant and its 1 relation(s)"
    );
    let after = round_trip(&p, command);
    assert!(after.relations().is_empty());
    assert!(after.schema.relation_type("claimant").is_none());
    assert!(
        after.schema.attribute("certainty").is_none(),
        "declared only there: gone"
    );
    let also = after.schema.attribute("also").unwrap();
    assert_eq!(
        also.on,
        [AttrTarget::Label("actor".into())],
        "declared elsewhere too: kept"
    );
    assert!(matches!(
        remove_relation_type(&p, "nope"),
        Err(EditError::UnknownRelationType(_))
    ));

    // The required polarity, set on the claim by default, and a document field.
    Command::SetAttrs {
        owner: Owner::Document("doc".into()),
        changes: vec![("date".into(), Some(AttrValue::Text("2024-05-01".into())))],
        at: t(2),
    }
    .apply(&mut p)
    .unwrap();
    assert_eq!(attribute_uses(&p, "polarity"), 1);
    assert_eq!(attribute_uses(&p, "date"), 1);
    for key in ["polarity", "date"] {
        let command = remove_attribute(&p, key).unwrap();
        assert!(
            command.describe().ends_with("and its 1 value(s)"),
            "{}",
            command.describe()
        );
        let after = round_trip(&p, command);
        assert!(after.schema.attribute(key).is_none());
        assert_eq!(attribute_uses(&after, key), 0);
        let problems = check(&after, &Default::default());
        assert!(problems.iter().all(|x| !x.to_string().contains(key)), "{problems:?}");
    }
}

#[test]
fn a_choice_value_renamed_in_place_carries_its_annotations_and_default() {
    let f = fixture();
    let mut p = f.project.clone();
    // The claim holds the default, "neutral"; make it "oppose".
    Command::SetAttrs {
        owner: Owner::Annotation(f.claim),
        changes: vec![("polarity".into(), Some(AttrValue::Text("oppose".into())))],
        at: t(1),
    }
    .apply(&mut p)
    .unwrap();
    let mut new = p.schema.attributes.clone();
    new[0].values[1].id = "against".into(); // oppose → against
    new[0].values[2].id = "unclear".into(); // neutral → unclear (the default)
    let command = set_attributes(&p, new);
    assert_eq!(
        command.describe(),
        "rename the value(s) oppose → against, neutral → unclear"
    );
    let after = round_trip(&p, command);
    let polarity = after.schema.attribute("polarity").unwrap();
    let ids: Vec<&str> = polarity.values.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(ids, ["support", "against", "unclear"]);
    assert_eq!(polarity.default, Some(AttrValue::Text("unclear".into())));
    assert_eq!(
        after.annotation(f.claim).unwrap().attrs["polarity"],
        AttrValue::Text("against".into())
    );
    assert!(
        check(&after, &Default::default())
            .iter()
            .all(|x| x.severity() != crate::model::Severity::Error)
    );
    // No rename: the plain replacement.
    let same = p.schema.attributes.clone();
    assert!(matches!(set_attributes(&p, same), Command::SetStructure(_)));
}
