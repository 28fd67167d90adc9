//! Structure end to end: relations, attributes, discontinuous spans and
//! document metadata through the command line (`annotate --fragments
//! --attr --json`, `relate`, `attr`, `meta`, `delete`, `stats --json`,
//! `diff --json`, `validate`) and the three-way merge.

use std::path::Path;

use marginalia::edit::{Command, new_annotation, new_relation};
use marginalia::merge;
use marginalia::model::{
    AttrKind, AttrTarget, AttrValue, AttributeDef, Cardinality, ChoiceValue, Colour, Document, Entity, Project,
    RelationType, Text,
};
use marginalia::persist;
use serde_json::Value;

use crate::common::{MIXED_TEXT, at, marginalia, p, span, stderr, stdout};

/// The schema's structure the tests use: claimant (claim → actor, at most
/// one), target (claim or event → actor), polarity on claims, the actor an
/// actor mention is (an entity), and a document date.
fn structured_schema(project: &mut Project) {
    project.schema.relation_types = vec![
        RelationType {
            id: "claimant".into(),
            name: "Claimant".into(),
            colour: Colour([0x1f, 0x77, 0xb4]),
            hotkey: Some('c'),
            from: vec!["claim".into()],
            to: vec!["actor".into()],
            symmetric: false,
            cardinality: Cardinality::Optional,
            guideline: String::new(),
        },
        RelationType {
            id: "target".into(),
            name: "Target".into(),
            colour: Colour([0xd6, 0x27, 0x28]),
            hotkey: Some('t'),
            from: vec!["claim".into(), "event".into()],
            to: vec!["actor".into()],
            symmetric: false,
            cardinality: Cardinality::Any,
            guideline: String::new(),
        },
    ];
    let attr = |id: &str, kind, on, values: &[&str], required| AttributeDef {
        id: id.into(),
        name: id.into(),
        kind,
        on,
        values: values
            .iter()
            .map(|v| ChoiceValue {
                id: (*v).into(),
                hotkey: None,
            })
            .collect(),
        default: None,
        required,
        guideline: String::new(),
    };
    project.schema.attributes = vec![
        attr(
            "polarity",
            AttrKind::Choice,
            vec![AttrTarget::Label("claim".into())],
            &["support", "oppose"],
            true,
        ),
        attr(
            "who",
            AttrKind::Entity,
            vec![AttrTarget::Label("actor".into())],
            &[],
            false,
        ),
        attr(
            "topics",
            AttrKind::Multi,
            vec![AttrTarget::Label("event".into())],
            &["war", "peace"],
            false,
        ),
        attr("date", AttrKind::Date, vec![AttrTarget::Document], &[], false),
    ];
    project.schema.entities = vec![Entity {
        id: "aliyev".into(),
        name: "Ilham Aliyev".into(),
        reference: Some("Wikidata:Q57531".into()),
        note: String::new(),
    }];
}

/// A project on disk with MIXED_TEXT, the structured schema, and an actor
/// ("Ilham Aliyev") and a claim ("a déclaré la victoire") tagged.
struct Structured {
    dir: tempfile::TempDir,
    path: std::path::PathBuf,
    actor: String,
    claim: String,
}

fn structured() -> Structured {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.txt"), MIXED_TEXT).unwrap();
    let mut project = Project::new("structured");
    project
        .documents
        .push(Document::new("doc", "Doc", "doc.txt", Text::new(MIXED_TEXT)));
    structured_schema(&mut project);
    let actor = new_annotation(&project, "doc", span(MIXED_TEXT, "Ilham Aliyev"), "actor", "ana", at(0)).unwrap();
    let mut claim = new_annotation(
        &project,
        "doc",
        span(MIXED_TEXT, "a déclaré la victoire"),
        "claim",
        "ana",
        at(0),
    )
    .unwrap();
    claim.attrs.insert("polarity".into(), AttrValue::Text("support".into()));
    let ids = (actor.id.to_string(), claim.id.to_string());
    Command::AddAnnotations(vec![actor, claim]).apply(&mut project).unwrap();
    let path = dir.path().join("p.ron");
    persist::save(&project, &path).unwrap();
    Structured {
        dir,
        path,
        actor: ids.0,
        claim: ids.1,
    }
}

fn run_ok(args: &[&str]) -> String {
    let o = marginalia(args);
    assert!(o.status.success(), "{args:?} failed: {}{}", stdout(&o), stderr(&o));
    stdout(&o)
}

fn load(path: &Path) -> Project {
    let loaded = persist::load(path).unwrap();
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    loaded.project
}

#[test]
fn relate_links_a_claim_to_its_claimant_and_refuses_what_the_type_does_not_allow() {
    let s = structured();
    let id = run_ok(&[
        "relate",
        p(&s.path),
        "--type",
        "claimant",
        "--from",
        &s.claim,
        "--to",
        &s.actor,
    ]);
    let id = id.trim();
    let project = load(&s.path);
    let r = project.relations().first().expect("one relation");
    assert_eq!(r.id.to_string(), id, "prints the new relation's id alone");
    assert_eq!(
        (r.kind.as_str(), r.from.to_string(), r.to.to_string()),
        ("claimant", s.claim.clone(), s.actor.clone())
    );
    assert_eq!(r.author, "cli-test");
    // One line per relation in the file, after the annotations.
    let source = std::fs::read_to_string(&s.path).unwrap();
    assert_eq!(source.lines().filter(|l| l.contains("type: \"claimant\"")).count(), 1);

    // The wrong way round: exit 1, a clear message, nothing written.
    let o = marginalia(&[
        "relate",
        p(&s.path),
        "--type",
        "claimant",
        "--from",
        &s.actor,
        "--to",
        &s.claim,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o)
            .contains("relation type \"claimant\" does not link \"actor\" to \"claim\" (it allows claim → actor)"),
        "{}",
        stderr(&o)
    );
    // The same link again: refused (it would say nothing more).
    let o = marginalia(&[
        "relate",
        p(&s.path),
        "--type",
        "claimant",
        "--from",
        &s.claim,
        "--to",
        &s.actor,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already links"), "{}", stderr(&o));
    let o = marginalia(&[
        "relate",
        p(&s.path),
        "--type",
        "spouse",
        "--from",
        &s.claim,
        "--to",
        &s.actor,
    ]);
    assert!(
        stderr(&o).contains("relation types: claimant, target"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_to_string(&s.path).unwrap(),
        source,
        "refusals write nothing"
    );

    // --json gives the relation.
    let json: Value = serde_json::from_str(&run_ok(&[
        "relate",
        p(&s.path),
        "--type",
        "target",
        "--from",
        &s.claim,
        "--to",
        &s.actor,
        "--note",
        "about him",
        "--json",
    ]))
    .unwrap();
    assert_eq!(json["type"], "target");
    assert_eq!(json["from"], s.claim.as_str());
    assert_eq!(json["note"], "about him");
    assert_eq!(load(&s.path).relations().len(), 2);
}

#[test]
fn annotate_makes_a_discontinuous_span_with_attributes_and_prints_json() {
    let s = structured();
    let a = span(MIXED_TEXT, "Pompier");
    let b = span(MIXED_TEXT, "à Stepanakert");
    let pieces = format!("{}-{},{}-{}", a.start, a.end, b.start, b.end);
    let out = run_ok(&[
        "annotate",
        p(&s.path),
        "--doc",
        "doc",
        "--label",
        "event",
        "--fragments",
        &pieces,
        "--attr",
        "topics=war,peace",
        "--json",
    ]);
    let json: Value = serde_json::from_str(&out).unwrap();
    let created = &json[0];
    assert_eq!(
        created["fragments"],
        serde_json::json!([[a.start, a.end], [b.start, b.end]])
    );
    assert_eq!(created["text"], "Pompier … à Stepanakert");
    assert_eq!(created["attributes"]["topics"], serde_json::json!(["war", "peace"]));
    assert_eq!(
        (created["start"].as_u64(), created["end"].as_u64()),
        (Some(a.start as u64), Some(b.end as u64))
    );
    let project = load(&s.path);
    let event = project.annotations().iter().find(|x| x.label == "event").unwrap();
    assert_eq!(event.fragments, [(a.start, a.end), (b.start, b.end)]);
    let line = std::fs::read_to_string(&s.path).unwrap();
    assert!(
        line.contains(&format!(
            "fragments: [({}, {}), ({}, {})], label: \"event\"",
            a.start, a.end, b.start, b.end
        )),
        "{line}"
    );
    // Overlapping pieces, an undeclared attribute and a bad value are refused.
    for (args, says) in [
        (
            vec!["--fragments", "0-5,3-8", "--label", "event"],
            "fragments: fragment [3, 8) overlaps",
        ),
        (
            vec!["--fragments", "10-15,0-5", "--label", "event"],
            "fragments: fragment [0, 5) overlaps or touches the one before",
        ),
        (vec!["--fragments", "0-5,48-50", "--label", "event"], "only white space"),
        (
            vec![
                "--start",
                "0",
                "--end",
                "2",
                "--label",
                "event",
                "--attr",
                "polarity=oppose",
            ],
            "no attribute \"polarity\" is declared on label \"event\"",
        ),
        (
            vec![
                "--start",
                "0",
                "--end",
                "2",
                "--label",
                "claim",
                "--attr",
                "polarity=maybe",
            ],
            "not one of",
        ),
        (
            vec!["--start", "0", "--end", "2", "--label", "actor", "--attr", "who=putin"],
            "not in the entity list",
        ),
    ] {
        let mut all = vec!["annotate", p(&s.path), "--doc", "doc"];
        all.extend(args);
        let o = marginalia(&all);
        assert_eq!(o.status.code(), Some(1), "{all:?}");
        assert!(stderr(&o).contains(says), "{all:?}: {}", stderr(&o));
    }
}

#[test]
fn attr_and_meta_set_and_unset_values() {
    let s = structured();
    let out = run_ok(&["attr", p(&s.path), &s.claim, "polarity=oppose"]);
    assert!(out.contains("polarity=oppose"), "{out}");
    let out = run_ok(&["attr", p(&s.path), &s.actor, "who=aliyev"]);
    assert!(out.contains("who=aliyev"), "{out}");
    let out = run_ok(&["attr", p(&s.path), &s.claim, "polarity=oppose"]);
    assert!(out.contains("nothing changed"), "{out}");
    let o = marginalia(&["attr", p(&s.path), &s.claim, "polarty=oppose"]);
    assert!(stderr(&o).contains("declared there: polarity"), "{}", stderr(&o));
    run_ok(&["meta", p(&s.path), "--doc", "doc", "date=2023-09-21", "outlet=Le Monde"]);
    let o = marginalia(&["meta", p(&s.path), "--doc", "doc", "date=2023-02-30"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let project = load(&s.path);
    let doc = project.document("doc").unwrap();
    assert_eq!(doc.attrs["date"], AttrValue::Text("2023-09-21".into()));
    assert_eq!(
        doc.attrs["outlet"],
        AttrValue::Text("Le Monde".into()),
        "free fields are kept"
    );
    run_ok(&["meta", p(&s.path), "--doc", "doc", "--unset", "outlet"]);
    assert!(!load(&s.path).document("doc").unwrap().attrs.contains_key("outlet"));
    // Relations take attributes too (none declared on them here): refused by name.
    let r = run_ok(&[
        "relate",
        p(&s.path),
        "--type",
        "target",
        "--from",
        &s.claim,
        "--to",
        &s.actor,
    ]);
    let o = marginalia(&["attr", p(&s.path), r.trim(), "polarity=oppose"]);
    assert!(stderr(&o).contains("relation type \"target\""), "{}", stderr(&o));
    // Unsetting a required value leaves a warning: validate lists it, exits 0.
    run_ok(&["attr", p(&s.path), &s.claim, "--unset", "polarity"]);
    let out = run_ok(&["validate", p(&s.path)]);
    assert!(out.contains(&format!("warning: {}:", p(&s.path))), "{out}");
    assert!(
        out.contains("has no value for the required attribute \"polarity\""),
        "{out}"
    );
    assert!(out.contains("1 relations") && out.contains("1 warning(s)"), "{out}");
}

#[test]
fn deleting_an_annotation_takes_its_relations_and_says_so() {
    let s = structured();
    let r = run_ok(&[
        "relate",
        p(&s.path),
        "--type",
        "claimant",
        "--from",
        &s.claim,
        "--to",
        &s.actor,
    ]);
    let out = run_ok(&["delete", p(&s.path), &s.actor]);
    assert!(out.contains(&format!("relation {} claimant", r.trim())), "{out}");
    let project = load(&s.path);
    assert!(project.relations().is_empty());
    // A relation can be deleted on its own.
    let s = structured();
    let r = run_ok(&[
        "relate",
        p(&s.path),
        "--type",
        "claimant",
        "--from",
        &s.claim,
        "--to",
        &s.actor,
    ]);
    run_ok(&["delete", p(&s.path), r.trim()]);
    let project = load(&s.path);
    assert!(project.relations().is_empty());
    assert_eq!(project.annotations().len(), 2);
}

#[test]
fn stats_and_diff_count_relations_and_attribute_changes() {
    let s = structured();
    let before = s.dir.path().join("before.ron");
    std::fs::copy(&s.path, &before).unwrap();
    run_ok(&[
        "relate",
        p(&s.path),
        "--type",
        "claimant",
        "--from",
        &s.claim,
        "--to",
        &s.actor,
    ]);
    run_ok(&["attr", p(&s.path), &s.claim, "polarity=oppose"]);
    run_ok(&["meta", p(&s.path), "--doc", "doc", "date=2020-09-27"]);
    let stats: Value = serde_json::from_str(&run_ok(&["stats", p(&s.path), "--json"])).unwrap();
    assert_eq!(stats["relations"], 1);
    assert_eq!(stats["by_relation"], serde_json::json!({"claimant": 1, "target": 0}));
    assert_eq!(stats["attributes"]["polarity"], serde_json::json!({"oppose": 1}));
    assert_eq!(stats["attributes"]["date"], serde_json::json!({"2020-09-27": 1}));

    let o = marginalia(&["diff", p(&before), p(&s.path), "--json"]);
    assert_eq!(o.status.code(), Some(1), "they differ");
    let d: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        d["relations"],
        serde_json::json!({"added": 1, "removed": 0, "retyped": 0, "note_changed": 0})
    );
    let changed = d["attributes_changed"].as_array().unwrap();
    assert_eq!(changed.len(), 2, "{changed:?}");
    let polarity = changed.iter().find(|c| c["key"] == "polarity").unwrap();
    assert_eq!(
        (polarity["owner"].as_str(), polarity["id"].as_str()),
        (Some("annotation"), Some(s.claim.as_str()))
    );
    assert_eq!(
        (polarity["old"].as_str(), polarity["new"].as_str()),
        (Some("support"), Some("oppose"))
    );
    let date = changed.iter().find(|c| c["key"] == "date").unwrap();
    assert_eq!(
        (date["owner"].as_str(), date["old"].is_null()),
        (Some("document"), true)
    );
    // Retyping is a retype, not a removal and an addition.
    let mid = s.dir.path().join("mid.ron");
    std::fs::copy(&s.path, &mid).unwrap();
    let mut project = load(&s.path);
    let mut r = project.relations()[0].clone();
    r.kind = "target".into();
    Command::RestoreRelations(vec![r]).apply(&mut project).unwrap();
    persist::save(&project, &s.path).unwrap();
    let d: Value = serde_json::from_str(&stdout(&marginalia(&["diff", p(&mid), p(&s.path), "--json"]))).unwrap();
    assert_eq!(d["relations"]["retyped"], 1);
    assert_eq!(d["relations"]["added"], 0);
    let text = stdout(&marginalia(&["diff", p(&mid), p(&s.path)]));
    assert!(text.contains("retyped claimant → target"), "{text}");
}

/// One line of the file holding `needle`, 1-based.
fn line_of(source: &str, needle: &str) -> usize {
    source.lines().position(|l| l.contains(needle)).expect(needle) + 1
}

#[test]
fn validate_reports_every_structural_problem_with_its_line() {
    let s = structured();
    run_ok(&[
        "relate",
        p(&s.path),
        "--type",
        "claimant",
        "--from",
        &s.claim,
        "--to",
        &s.actor,
    ]);
    let source = std::fs::read_to_string(&s.path).unwrap();
    let relation_line = source
        .lines()
        .find(|l| l.contains("type: \"claimant\""))
        .unwrap()
        .to_owned();
    // Hand edits a reviewer might make, each breaking one rule.
    let claim_line = source.lines().find(|l| l.contains(&s.claim)).unwrap().to_owned();
    let actor_line = source
        .lines()
        .find(|l| l.contains(&format!("(id: \"{}\"", s.actor)))
        .unwrap()
        .to_owned();
    let broken = source
        .replace(&relation_line, &relation_line.replace("type: \"claimant\"", "type: \"claimant\", attrs: {\"polarity\": \"support\"}"))
        .replace(&claim_line, &claim_line.replace("\"support\"", "\"maybe\""))
        .replace(&actor_line, &actor_line.replace("label: \"actor\"", "label: \"actor\", attrs: {\"who\": \"putin\"}"))
        .replace(
            "    relations: [\n",
            &format!(
                "    relations: [\n        (id: \"zzzzzzzzzzzz\", doc: \"doc\", type: \"claimant\", from: \"{c}\", to: \"yyyyyyyyyyyy\", author: \"x\", created: \"2026-01-01T00:00:00Z\", modified: \"2026-01-01T00:00:00Z\"),\n        (id: \"xxxxxxxxxxxx\", doc: \"doc\", type: \"claimant\", from: \"{a}\", to: \"{c}\", author: \"x\", created: \"2026-01-01T00:00:00Z\", modified: \"2026-01-01T00:00:00Z\"),\n        (id: \"wwwwwwwwwwww\", doc: \"doc\", type: \"claimant\", from: \"{c}\", to: \"{a}\", author: \"x\", created: \"2026-01-01T00:00:00Z\", modified: \"2026-01-01T00:00:00Z\"),\n",
                c = s.claim,
                a = s.actor
            ),
        );
    std::fs::write(&s.path, &broken).unwrap();
    let o = marginalia(&["validate", p(&s.path)]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let file = p(&s.path);
    let expect = [
        (
            line_of(&broken, "zzzzzzzzzzzz"),
            "its `to` end, yyyyyyyyyyyy, is not an annotation",
        ),
        (line_of(&broken, "xxxxxxxxxxxx"), "does not allow \"actor\" → \"claim\""),
        (
            line_of(&broken, &format!("(id: \"{}\"", s.claim)),
            "\"maybe\": not one of",
        ),
        (
            line_of(&broken, &format!("(id: \"{}\"", s.actor)),
            "refers to entity \"putin\"",
        ),
        (
            line_of(&broken, "type: \"claimant\", attrs"),
            "which the schema does not declare on relation type \"claimant\"",
        ),
    ];
    for (line, says) in expect {
        assert!(
            out.lines()
                .any(|l| l.starts_with(&format!("{file}:{line}: ")) && l.contains(says)),
            "line {line} should say {says:?}:\n{out}"
        );
    }
    // wwww… repeats the claimant relation made above.
    assert!(out.contains("repeats relation"), "{out}");
    // The claim has two valid claimant relations now (the type allows one).
    assert!(
        out.contains("has 2 \"claimant\" relation(s); the schema allows at most one"),
        "{out}"
    );
}

#[test]
fn merge_combines_relations_and_attributes_and_never_leaves_a_dangling_end() {
    let mut base = Project::new("m");
    base.documents
        .push(Document::new("doc", "Doc", "doc.txt", Text::new(MIXED_TEXT)));
    structured_schema(&mut base);
    let actor = new_annotation(&base, "doc", span(MIXED_TEXT, "Ilham Aliyev"), "actor", "ana", at(0)).unwrap();
    let claim = new_annotation(
        &base,
        "doc",
        span(MIXED_TEXT, "a déclaré la victoire"),
        "claim",
        "ana",
        at(0),
    )
    .unwrap();
    let (actor, claim) = (actor.id, {
        let id = claim.id;
        Command::AddAnnotations(vec![actor, claim]).apply(&mut base).unwrap();
        id
    });
    // Ours: polarity and a claimant. Theirs: the actor's identity and a target.
    let mut ours = base.clone();
    Command::SetAttrs {
        owner: marginalia::model::Owner::Annotation(claim),
        changes: vec![("polarity".into(), Some(AttrValue::Text("oppose".into())))],
        at: at(1),
    }
    .apply(&mut ours)
    .unwrap();
    let claimant = new_relation(&ours, "claimant", claim, actor, "ana", at(1)).unwrap();
    Command::AddRelations(vec![claimant.clone()]).apply(&mut ours).unwrap();
    let mut theirs = base.clone();
    Command::SetAttrs {
        owner: marginalia::model::Owner::Annotation(actor),
        changes: vec![("who".into(), Some(AttrValue::Text("aliyev".into())))],
        at: at(2),
    }
    .apply(&mut theirs)
    .unwrap();
    let target = new_relation(&theirs, "target", claim, actor, "ben", at(2)).unwrap();
    Command::AddRelations(vec![target]).apply(&mut theirs).unwrap();
    let m = merge::merge(&base, &ours, &theirs);
    assert!(m.is_clean(), "{:?}", m.conflicts);
    assert_eq!(m.project.relations().len(), 2);
    assert_eq!(
        m.project.annotation(claim).unwrap().attrs["polarity"],
        AttrValue::Text("oppose".into())
    );
    assert_eq!(
        m.project.annotation(actor).unwrap().attrs["who"],
        AttrValue::Text("aliyev".into())
    );

    // Both retype the same relation differently: a conflict marked on it.
    let mut o2 = ours.clone();
    let mut t2 = ours.clone();
    let mut r = claimant.clone();
    r.note = "ours".into();
    Command::RestoreRelations(vec![r.clone()]).apply(&mut o2).unwrap();
    r.note = "theirs".into();
    Command::RestoreRelations(vec![r]).apply(&mut t2).unwrap();
    let m = merge::merge(&ours, &o2, &t2);
    assert_eq!(m.conflicts.len(), 1, "{:?}", m.conflicts);
    let kept = m.project.relation(claimant.id).unwrap();
    assert_eq!(kept.note, "ours");
    assert!(kept.meta[merge::CONFLICT].contains("note"), "{:?}", kept.meta);
    assert!(merge::relation_has_conflict(kept));
    // Resolved: kept as it is (marks gone), or theirs taken, each one step.
    let mut keep = m.project.clone();
    merge::resolve_relation(kept, false, at(5))
        .unwrap()
        .apply(&mut keep)
        .unwrap();
    let r = keep.relation(claimant.id).unwrap();
    assert!(!merge::relation_has_conflict(r) && !r.meta.contains_key(merge::CONFLICT_OTHER));
    assert_eq!(r.note, "ours");
    let mut take = m.project.clone();
    merge::resolve_relation(kept, true, at(5))
        .unwrap()
        .apply(&mut take)
        .unwrap();
    let r = take.relation(claimant.id).unwrap();
    assert_eq!(r.note, "theirs");
    assert!(!merge::relation_has_conflict(r));
    // Changed on one side, deleted on the other: kept, and deleting it is
    // the other choice.
    let mut gone = ours.clone();
    Command::DeleteRelations(vec![claimant.id]).apply(&mut gone).unwrap();
    let m = merge::merge(&ours, &o2, &gone);
    let kept = m.project.relation(claimant.id).expect("kept");
    assert!(merge::relation_has_conflict(kept));
    let mut take = m.project.clone();
    merge::resolve_relation(kept, true, at(6))
        .unwrap()
        .apply(&mut take)
        .unwrap();
    assert!(take.relation(claimant.id).is_none(), "deleted, as theirs did");
    // An attribute value conflict on an annotation: theirs is taken whole.
    let mut o4 = ours.clone();
    let mut t4 = ours.clone();
    // Ours says "support", theirs takes the value away.
    for (p, v) in [(&mut o4, Some("support")), (&mut t4, None)] {
        Command::SetAttrs {
            owner: marginalia::model::Owner::Annotation(claim),
            changes: vec![("polarity".into(), v.map(|v| AttrValue::Text(v.into())))],
            at: at(7),
        }
        .apply(p)
        .unwrap();
    }
    let m = merge::merge(&ours, &o4, &t4);
    let marked = m.project.annotation(claim).unwrap().clone();
    assert!(merge::has_conflict(&marked), "{:?}", m.conflicts);
    let mut take = m.project;
    merge::resolve(&marked, true, at(8)).unwrap().apply(&mut take).unwrap();
    assert_eq!(
        marked.attrs["polarity"],
        AttrValue::Text("support".into()),
        "the merge kept ours"
    );
    assert!(
        !take.annotation(claim).unwrap().attrs.contains_key("polarity"),
        "theirs taken"
    );

    // Ours deletes the actor; theirs links a new relation to it: the
    // actor comes back, marked, and the relation's end resolves.
    let mut o3 = base.clone();
    Command::DeleteAnnotations(vec![actor]).apply(&mut o3).unwrap();
    let m = merge::merge(&base, &o3, &theirs);
    assert!(m.project.annotation(actor).is_some(), "the linked annotation is kept");
    assert!(merge::has_conflict(m.project.annotation(actor).unwrap()));
    assert!(
        m.conflicts.iter().any(|c| c.contains("linked by relation")),
        "{:?}",
        m.conflicts
    );
    let problems = marginalia::model::check(&m.project, &Default::default());
    assert!(
        problems
            .iter()
            .all(|p| !matches!(p, marginalia::model::ProblemKind::RelationEndMissing { .. })),
        "{problems:?}"
    );
    // And the other way round.
    let m = merge::merge(&base, &theirs, &o3);
    assert!(m.project.annotation(actor).is_some());
    assert_eq!(m.project.relations().len(), 1);
}

/// A project with every kind of structure on a text that tries offsets
/// hard (astral emoji, a ZWJ sequence, combining marks, Armenian,
/// Cyrillic, Arabic, CJK, CRLF line ends): an event with two arguments of
/// one role (numbered in brat), a relation, a discontinuous quotation
/// that crosses a line break, choice, multi-choice, flag, number, text and
/// entity attributes, notes, and document metadata.
fn torture() -> Project {
    let mut p = Project::new("torture");
    p.documents
        .push(Document::new("doc", "Doc", "doc.txt", Text::new(MIXED_TEXT)));
    structured_schema(&mut p);
    p.schema.labels[0].kind = marginalia::model::LabelKind::Event;
    p.schema.relation_types[1].from = vec!["event".into()];
    p.schema.relation_types.push(RelationType {
        id: "same_as".into(),
        name: "Same as".into(),
        colour: Colour([9, 9, 9]),
        hotkey: None,
        from: Vec::new(),
        to: Vec::new(),
        symmetric: true,
        cardinality: Cardinality::Any,
        guideline: String::new(),
    });
    let attr = |id: &str, kind, on| AttributeDef {
        id: id.into(),
        name: id.into(),
        kind,
        on,
        values: Vec::new(),
        default: None,
        required: false,
        guideline: String::new(),
    };
    p.schema
        .attributes
        .push(attr("hedged", AttrKind::Flag, vec![AttrTarget::Label("claim".into())]));
    p.schema.attributes.push(attr(
        "certainty",
        AttrKind::Number,
        vec![AttrTarget::Label("claim".into())],
    ));
    p.schema.attributes.push(attr(
        "gloss",
        AttrKind::Text,
        vec![
            AttrTarget::Label("actor".into()),
            AttrTarget::Relation("same_as".into()),
        ],
    ));
    let tag = |p: &Project, needle: &str, label: &str| {
        new_annotation(p, "doc", span(MIXED_TEXT, needle), label, "ana", at(0)).unwrap()
    };
    let aliyev = tag(&p, "Ilham Aliyev", "actor");
    let pompier = tag(&p, "Pompier 👨🏻‍🚒", "actor");
    let armenia = tag(&p, "Հայաստան", "actor");
    let russia = tag(&p, "Россия", "actor");
    let event = tag(&p, "a déclaré", "event");
    // A claim in two pieces, the second after a CRLF: "la victoire" … "café́ noir".
    let mut claim = marginalia::edit::new_fragmented_annotation(
        &p,
        "doc",
        &[span(MIXED_TEXT, "la victoire"), span(MIXED_TEXT, "café\u{301} noir")],
        "claim",
        "ana",
        at(0),
    )
    .unwrap();
    claim.note = "two pieces\tacross a line".into();
    claim.attrs.insert("polarity".into(), AttrValue::Text("oppose".into()));
    claim.attrs.insert("hedged".into(), AttrValue::Flag(true));
    claim.attrs.insert(
        "certainty".into(),
        AttrValue::Number(marginalia::model::Number::new(0.75).unwrap()),
    );
    let mut aliyev = aliyev;
    aliyev.attrs.insert("who".into(), AttrValue::Text("aliyev".into()));
    aliyev
        .attrs
        .insert("gloss".into(), AttrValue::Text("le président, « lui-même »".into()));
    let mut event = event;
    event
        .attrs
        .insert("topics".into(), AttrValue::List(vec!["war".into(), "peace".into()]));
    let ids = [aliyev.id, pompier.id, armenia.id, russia.id, event.id, claim.id];
    Command::AddAnnotations(vec![aliyev, pompier, armenia, russia, event, claim])
        .apply(&mut p)
        .unwrap();
    let [aliyev, pompier, armenia, russia, event, claim] = ids;
    let rel = |p: &Project, kind: &str, from, to| new_relation(p, kind, from, to, "ana", at(1)).unwrap();
    for (kind, from, to) in [
        ("target", event, armenia),
        ("target", event, russia),
        ("claimant", claim, aliyev),
        ("same_as", pompier, aliyev),
    ] {
        let mut r = rel(&p, kind, from, to);
        if kind == "same_as" {
            r.note = "coreference".into();
            r.attrs.insert("gloss".into(), AttrValue::Text("the same man".into()));
        }
        Command::AddRelations(vec![r]).apply(&mut p).unwrap();
    }
    Command::SetAttrs {
        owner: marginalia::model::Owner::Document("doc".into()),
        changes: vec![
            ("date".into(), Some(AttrValue::Text("2023-09-21".into()))),
            ("outlet".into(), Some(AttrValue::Text("Le Monde".into()))),
        ],
        at: at(2),
    }
    .apply(&mut p)
    .unwrap();
    assert!(marginalia::model::check(&p, &Default::default()).is_empty());
    p
}

type SpanKey = (String, Vec<(usize, usize)>, String, String, String, String);
type RelKey = (String, String, String, String, String);

/// What a round trip must keep, without ids: spans (pieces, label, text,
/// attributes, note) and relations (type, the texts of both ends,
/// attributes, note), and the document's metadata.
fn content(p: &Project) -> (Vec<SpanKey>, Vec<RelKey>, String) {
    let mut spans: Vec<SpanKey> = p
        .annotations()
        .iter()
        .map(|a| {
            let pieces = a.pieces().iter().map(|r| (r.start, r.end)).collect();
            (
                a.doc.clone(),
                pieces,
                a.label.clone(),
                a.text.clone(),
                format!("{:?}", a.attrs),
                a.note.clone(),
            )
        })
        .collect();
    spans.sort();
    let text = |id| p.annotation(id).map(|a| a.text.clone()).unwrap_or_default();
    let mut relations: Vec<RelKey> = p
        .relations()
        .iter()
        .map(|r| {
            (
                r.kind.clone(),
                text(r.from),
                text(r.to),
                format!("{:?}", r.attrs),
                r.note.clone(),
            )
        })
        .collect();
    relations.sort();
    (spans, relations, format!("{:?}", p.documents[0].attrs))
}

fn export_import(
    p: &Project,
    format: marginalia::formats::Format,
    unit: marginalia::model::OffsetUnit,
) -> marginalia::formats::Imported {
    use marginalia::formats::{ExportOptions, ImportOptions, OutputGuard, Progress};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(if format == marginalia::formats::Format::Brat {
        "brat"
    } else {
        "data.jsonl"
    });
    let options = ExportOptions {
        offsets: unit,
        ..ExportOptions::default()
    };
    let export = format
        .exporter()
        .unwrap()
        .export(p, &options, &Progress::new())
        .unwrap();
    export.write(&out, &OutputGuard::new(None, &Project::new("x"))).unwrap();
    let options = ImportOptions {
        offsets: unit,
        ..ImportOptions::default()
    };
    format
        .importer()
        .unwrap()
        .import(&[out], &options, &Progress::new())
        .unwrap()
}

#[test]
fn brat_and_jsonl_round_trip_relations_events_attributes_and_fragments() {
    use marginalia::formats::Format;
    use marginalia::model::OffsetUnit;
    let p = torture();
    let want = content(&p);
    let brat = export_import(&p, Format::Brat, OffsetUnit::CodePoint);
    assert!(brat.skipped.is_empty(), "{:?}", brat.skipped);
    assert_eq!(content(&brat.project), want);
    assert_eq!(brat.project.schema.relation_types, p.schema.relation_types);
    assert_eq!(brat.project.schema.attributes, p.schema.attributes);
    assert_eq!(brat.project.schema.entities, p.schema.entities);
    for unit in [OffsetUnit::CodePoint, OffsetUnit::Utf16, OffsetUnit::Byte] {
        let back = export_import(&p, Format::Jsonl, unit);
        assert!(back.skipped.is_empty(), "{unit:?}: {:?}", back.skipped);
        assert_eq!(content(&back.project), want, "{unit:?}");
    }
}

#[test]
fn brat_lines_are_brats_own() {
    use marginalia::formats::{ExportOptions, Format, Progress};
    let p = torture();
    let export = Format::Brat
        .exporter()
        .unwrap()
        .export(&p, &ExportOptions::default(), &Progress::new())
        .unwrap();
    let file = |name: &str| {
        export
            .files
            .iter()
            .find(|f| f.name.as_deref() == Some(name))
            .unwrap()
            .content
            .clone()
    };
    let ann = file("doc.ann");
    let conf = file("annotation.conf");
    // The event: trigger and two arguments of one role, the second numbered.
    let e = ann.lines().find(|l| l.starts_with('E')).unwrap();
    assert!(e.starts_with("E1\tevent:T"), "{e}");
    assert!(e.contains(" target:T") && e.contains(" target2:T"), "{e}");
    assert!(
        ann.lines()
            .any(|l| l.starts_with('R') && l.contains("\tclaimant Arg1:T")),
        "{ann}"
    );
    // The claim: two fragments, brat's text joined by a space.
    assert!(
        ann.lines()
            .any(|l| l.starts_with('T') && l.contains(";") && l.ends_with("\tla victoire café\u{301} noir")),
        "{ann}"
    );
    assert!(
        ann.lines().any(|l| l.starts_with('A') && l.ends_with(" oppose")),
        "{ann}"
    );
    assert!(
        ann.lines().any(|l| l.starts_with('A') && l.contains("hedged T")),
        "{ann}"
    );
    assert!(
        ann.lines()
            .any(|l| l.starts_with('N') && l.contains("Reference T") && l.contains("Wikidata:Q57531\tIlham Aliyev")),
        "{ann}"
    );
    assert!(conf.contains("[events]\nevent\ttarget*:actor"), "{conf}");
    assert!(conf.contains("claimant\tArg1:claim, Arg2:actor"), "{conf}");
    assert!(conf.contains("polarity\tArg:claim, Value:support|oppose"), "{conf}");
}

#[test]
fn csv_has_attribute_columns_and_a_relations_file_and_conll_counts_what_it_leaves_out() {
    use marginalia::formats::{ExportOptions, Format, OutputGuard, Progress};
    let p = torture();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("data.csv");
    let export = Format::Csv
        .exporter()
        .unwrap()
        .export(&p, &ExportOptions::default(), &Progress::new())
        .unwrap();
    export.write(&out, &OutputGuard::new(None, &Project::new("x"))).unwrap();
    let main = std::fs::read_to_string(&out).unwrap();
    let header = main.lines().next().unwrap();
    assert!(
        header.ends_with(",offset_unit,id,fragments,polarity,who,topics,hedged,certainty,gloss"),
        "{header}"
    );
    // The claim's row (its context holds a line break: quoted).
    assert!(
        main.contains(",codepoint,") && main.contains(",oppose,,,true,0.75,\r\n"),
        "{main}"
    );
    let relations = std::fs::read_to_string(dir.path().join("data.relations.csv")).unwrap();
    assert_eq!(relations.lines().count(), 5, "{relations}");
    assert!(
        relations
            .starts_with("id,type,document,from_id,from_text,to_id,to_text,note,author,created,modified,gloss\r\n")
    );
    assert!(relations.contains(",same_as,doc,"), "{relations}");

    let conll = Format::Conll
        .exporter()
        .unwrap()
        .export(&p, &ExportOptions::default(), &Progress::new())
        .unwrap();
    assert!(
        conll
            .warnings
            .iter()
            .any(|w| w == "4 relation(s) left out: CoNLL has no place for relations"),
        "{:?}",
        conll.warnings
    );
    assert!(
        conll
            .warnings
            .iter()
            .any(|w| w.starts_with("9 attribute value(s) left out")),
        "{:?}",
        conll.warnings
    );
    // Each piece of the claim begins with B-.
    let text = &conll.files[0].content;
    assert!(text.contains("la B-claim\nvictoire I-claim\n"), "{text}");
    assert!(text.contains("B-claim\nnoir I-claim"), "{text}");
}

#[test]
fn a_merge_whose_sides_combine_into_a_broken_file_has_conflicts() {
    let mut base = Project::new("m");
    base.documents
        .push(Document::new("doc", "Doc", "doc.txt", Text::new(MIXED_TEXT)));
    structured_schema(&mut base);
    let tag = |p: &Project, needle: &str, label: &str| {
        new_annotation(p, "doc", span(MIXED_TEXT, needle), label, "ana", at(0)).unwrap()
    };
    let claim = tag(&base, "a déclaré la victoire", "claim");
    let aliyev = tag(&base, "Ilham Aliyev", "actor");
    let armenia = tag(&base, "Հայաստան", "actor");
    let ids = (claim.id, aliyev.id, armenia.id);
    Command::AddAnnotations(vec![claim, aliyev, armenia])
        .apply(&mut base)
        .unwrap();
    let (claim, aliyev, armenia) = ids;
    // Each side gives the claim a claimant (allowed once): each is valid.
    let mut ours = base.clone();
    Command::AddRelations(vec![
        new_relation(&ours, "claimant", claim, aliyev, "ana", at(1)).unwrap(),
    ])
    .apply(&mut ours)
    .unwrap();
    let mut theirs = base.clone();
    Command::AddRelations(vec![
        new_relation(&theirs, "claimant", claim, armenia, "ben", at(1)).unwrap(),
    ])
    .apply(&mut theirs)
    .unwrap();
    let m = merge::merge(&base, &ours, &theirs);
    assert!(!m.is_clean());
    assert!(
        m.conflicts.iter().any(|c| c.contains("has 2 \"claimant\" relation(s)")),
        "{:?}",
        m.conflicts
    );
    assert!(merge::has_conflict(m.project.annotation(claim).unwrap()));
    // The same link added by both is one relation, not two.
    let mut t2 = base.clone();
    let same = new_relation(&t2, "claimant", claim, aliyev, "ben", at(2)).unwrap();
    Command::AddRelations(vec![same]).apply(&mut t2).unwrap();
    let m = merge::merge(&base, &ours, &t2);
    assert!(m.is_clean(), "{:?}", m.conflicts);
    assert_eq!(m.project.relations().len(), 1);
}

#[test]
fn imports_refuse_what_would_not_validate() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    };
    // A value of another kind than the first one met, two spans with one id.
    let jsonl = write(
        "a.jsonl",
        "{\"text\": \"Bakou accuse Erevan\", \"spans\": [{\"start\": 0, \"end\": 5, \"label\": \"LOC\", \"attributes\": {\"hedged\": true}}, {\"start\": 13, \"end\": 19, \"label\": \"LOC\", \"attributes\": {\"hedged\": \"yes\"}}]}\n",
    );
    let out = dir.path().join("j/p.ron");
    let o = marginalia(&["import", "--format", "jsonl", p(&jsonl), "-o", p(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("a.jsonl:1:") && stderr(&o).contains("\"hedged\""),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists(), "nothing written");
    let dup = write(
        "b.jsonl",
        "{\"text\": \"Bakou accuse Erevan\", \"entities\": [{\"id\": \"x\", \"label\": \"LOC\", \"start_offset\": 0, \"end_offset\": 5}, {\"id\": \"x\", \"label\": \"LOC\", \"start_offset\": 13, \"end_offset\": 19}], \"relations\": [{\"from_id\": \"x\", \"to_id\": \"x\", \"type\": \"r\"}]}\n",
    );
    let o = marginalia(&[
        "import",
        "--format",
        "jsonl",
        p(&dup),
        "-o",
        p(&dir.path().join("k/p.ron")),
    ]);
    assert!(stderr(&o).contains("two spans have the id \"x\""), "{}", stderr(&o));
    // brat: a T id twice, a value the configuration does not list, a
    // second argument for a role that allows one.
    let brat = dir.path().join("brat");
    write("brat/d.txt", "Bakou accuse Erevan.");
    write(
        "brat/annotation.conf",
        "[entities]\nLOC\n[events]\naccuse\tagent?:LOC\n[relations]\n[attributes]\npolarity\tArg:accuse, Value:affirms|denies\n",
    );
    for (ann, says) in [
        ("T1\tLOC 0 5\tBakou\nT1\tLOC 13 19\tErevan\n", "T1 is defined twice"),
        (
            "T1\tLOC 0 5\tBakou\nT2\taccuse 6 12\taccuse\nE1\taccuse:T2\nA1\tpolarity E1 Affirms\n",
            "not one of",
        ),
        (
            "T1\tLOC 0 5\tBakou\nT2\taccuse 6 12\taccuse\nT3\tLOC 13 19\tErevan\nE1\taccuse:T2 agent:T1 agent2:T3\n",
            "already has its \"agent\" relation",
        ),
    ] {
        write("brat/d.ann", ann);
        let o = marginalia(&[
            "import",
            "--format",
            "brat",
            p(&brat),
            "-o",
            p(&dir.path().join("x/p.ron")),
        ]);
        assert_eq!(o.status.code(), Some(1), "{ann}");
        assert!(stderr(&o).contains(says), "{ann}: {}", stderr(&o));
    }
}

#[test]
fn adjudication_decides_attribute_and_relation_disagreements_with_provenance() {
    use marginalia::agreement::PairKind;
    use marginalia::agreement::adjudicate::{Adjudication, Decision, SOURCE_A, SOURCE_B, State};
    let base = {
        let mut p = Project::new("m");
        p.documents
            .push(Document::new("doc", "Doc", "doc.txt", Text::new(MIXED_TEXT)));
        structured_schema(&mut p);
        p
    };
    let tag = |p: &Project, needle: &str, label: &str, polarity: Option<&str>| {
        let mut a = new_annotation(p, "doc", span(MIXED_TEXT, needle), label, "x", at(0)).unwrap();
        if let Some(v) = polarity {
            a.attrs.insert("polarity".into(), AttrValue::Text(v.into()));
        }
        a
    };
    let build = |claim_polarity: &str, second_actor: &str, target_to_first: bool| {
        let mut p = base.clone();
        let actor = tag(&p, "Ilham Aliyev", "actor", None);
        let claim = tag(&p, "a déclaré la victoire", "claim", Some(claim_polarity));
        let other = tag(&p, second_actor, "actor", None);
        let ids = (actor.id, claim.id, other.id);
        Command::AddAnnotations(vec![actor, claim, other])
            .apply(&mut p)
            .unwrap();
        let claimant = new_relation(&p, "claimant", ids.1, ids.0, "x", at(1)).unwrap();
        Command::AddRelations(vec![claimant]).apply(&mut p).unwrap();
        let target = new_relation(
            &p,
            "target",
            ids.1,
            if target_to_first { ids.0 } else { ids.2 },
            "x",
            at(1),
        )
        .unwrap();
        Command::AddRelations(vec![target]).apply(&mut p).unwrap();
        p
    };
    // B: the claim's polarity differs, the second actor's boundaries too,
    // and B's target points at the first actor.
    let a = build("support", "Stepanakert", false);
    let b = build("oppose", "Stepanakert, café", true);
    let adj = Adjudication::new("ana", &a, "ben", &b);
    let kinds: Vec<PairKind> = adj.items.iter().map(|i| i.kind).collect();
    assert_eq!(kinds, [PairKind::Agree, PairKind::Attributes, PairKind::Boundaries]);
    assert!(!adj.items[1].choices().contains(&Decision::AcceptBoth));
    let rkinds: Vec<PairKind> = adj.relation_items.iter().map(|i| i.kind).collect();
    assert_eq!(rkinds, [PairKind::Agree, PairKind::OnlyA, PairKind::OnlyB]);

    let mut gold = Adjudication::gold_project(&a, &b);
    // Agreements do not take the claim: its values differ.
    adj.accept_agreements(&gold, at(2)).apply(&mut gold).unwrap();
    assert_eq!(gold.annotations().len(), 1);
    // A relation needs its ends in the gold project first.
    let e = adj.decide_relation(0, Decision::AcceptA, &gold, at(3)).unwrap_err();
    assert!(e.contains("accept that span first"), "{e}");
    adj.decide(1, Decision::AcceptB, &gold, at(3)).apply(&mut gold).unwrap();
    let claim = gold.annotations().iter().find(|g| g.label == "claim").unwrap().clone();
    assert_eq!(claim.attrs["polarity"], AttrValue::Text("oppose".into()));
    adj.decide_relation(0, Decision::AcceptA, &gold, at(4))
        .unwrap()
        .apply(&mut gold)
        .unwrap();
    let r = &gold.relations()[0];
    assert_eq!((r.kind.as_str(), r.from), ("claimant", claim.id));
    assert!(
        r.meta.contains_key(SOURCE_A) && r.meta.contains_key(SOURCE_B),
        "an agreement records both"
    );
    assert_eq!(
        adj.relation_state(0, &gold),
        State::Decided {
            decision: Decision::AcceptA,
            edited: false
        }
    );
    // A's target ends on the second actor, which is taken in from B's
    // version (other boundaries): it is still that relation's end.
    adj.decide(2, Decision::AcceptB, &gold, at(5)).apply(&mut gold).unwrap();
    let command = adj.decide_relation(1, Decision::AcceptA, &gold, at(6)).unwrap();
    command.apply(&mut gold).unwrap();
    assert_eq!(gold.relations().len(), 2);
    assert_eq!(adj.relation_state(2, &gold), State::Open);
    // Read in one pass, every item's state is what reading it alone says.
    let one_by_one: Vec<State> = (0..3).map(|i| adj.relation_state(i, &gold)).collect();
    assert_eq!(adj.relation_states(&gold), one_by_one);
    assert!(matches!(
        one_by_one[1],
        State::Decided {
            decision: Decision::AcceptA,
            ..
        }
    ));
    // Rejecting takes the copy out again.
    adj.decide_relation(1, Decision::RejectBoth, &gold, at(7))
        .unwrap()
        .apply(&mut gold)
        .unwrap();
    assert_eq!(gold.relations().len(), 1);
    assert!(gold.relations()[0].meta.contains_key(SOURCE_B));
    assert!(
        marginalia::model::check(&gold, &Default::default())
            .iter()
            .all(|p| p.severity() != marginalia::model::Severity::Error)
    );
}

/// Two annotators' brat collections of one text with events and roles
/// (a repeated role numbered `Target2`), imported and compared, worked by
/// hand. A's relations (trigger → argument): Accusation→Bakou (Agent),
/// Accusation→Erevan, Accusation→Erevan₂ (Target, Target2), Attack→Erevan
/// (Agent), Denial→Erevan₂ (Agent), Denial→Bakou (Target): 6. B has the
/// same but the Attack trigger is "avoir tiré" (other boundaries) and the
/// Denial has no Target: 5.
/// - exact ends: 4 match (the Attack's agent does not: its trigger is not
///   the same span): F1 = 2·4/(6+5) = 8/11;
/// - through the overlap alignment: 5 match: F1 = 10/11;
/// - Agent: 3 and 3, exact 2 (2/3), overlap 3 (1); Target: 3 and 2,
///   2 match both ways: 2·2/5 = 0.8;
/// - spans: 6 and 6, exact 5 (10/12), overlap 6 (1).
#[test]
fn agreement_on_a_doubly_annotated_brat_collection_with_events_and_roles() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Bakou accuse Erevan d'avoir tiré. Erevan dément.";
    let conf = "[entities]\nActor\n[relations]\n[events]\nAccusation\tAgent:Actor, Target*:Actor\nAttack\tAgent?:Actor\nDenial\tAgent?:Actor, Target*:Actor\n[attributes]\n";
    let common_t = "T1\tActor 0 5\tBakou\nT2\tAccusation 6 12\taccuse\nT3\tActor 13 19\tErevan\nT5\tDenial 41 47\tdément\nT6\tActor 34 40\tErevan\n";
    let a = format!(
        "{common_t}T4\tAttack 28 32\ttiré\nE1\tAccusation:T2 Agent:T1 Target:T3 Target2:T6\nE2\tAttack:T4 Agent:T3\nE3\tDenial:T5 Agent:T6 Target:T1\n"
    );
    let b = format!(
        "{common_t}T4\tAttack 22 32\tavoir tiré\nE1\tAccusation:T2 Agent:T1 Target:T3 Target2:T6\nE2\tAttack:T4 Agent:T3\nE3\tDenial:T5 Agent:T6\n"
    );
    let mut projects = Vec::new();
    for (who, ann) in [("ana", a), ("ben", b)] {
        let folder = dir.path().join(who);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("annotation.conf"), conf).unwrap();
        std::fs::write(folder.join("d.txt"), text).unwrap();
        std::fs::write(folder.join("d.ann"), ann).unwrap();
        let out = dir.path().join(format!("{who}-project/{who}.ron"));
        run_ok(&["import", "--format", "brat", p(&folder), "-o", p(&out), "--author", who]);
        projects.push(out);
    }
    let ana = load(&projects[0]);
    assert_eq!(ana.relations().len(), 6);
    assert_eq!(
        ana.schema.get("Accusation").unwrap().kind,
        marginalia::model::LabelKind::Event
    );
    assert_eq!(
        ana.schema.relation_type("Agent").unwrap().cardinality,
        Cardinality::Optional
    );
    let json: Value = serde_json::from_str(&run_ok(&["agree", p(&projects[0]), p(&projects[1]), "--json"])).unwrap();
    let pair = &json["pairs"][0];
    let close = |v: &Value, want: f64| (v.as_f64().unwrap() - want).abs() < 1e-9;
    let r = &pair["relations"];
    assert!(close(&r["f1_exact"], 8.0 / 11.0), "{r}");
    assert!(close(&r["f1_overlap"], 10.0 / 11.0), "{r}");
    assert!(close(&r["by_type"]["Agent"]["f1_exact"], 2.0 / 3.0), "{r}");
    assert!(close(&r["by_type"]["Agent"]["f1_overlap"], 1.0), "{r}");
    assert!(close(&r["by_type"]["Target"]["f1_exact"], 0.8), "{r}");
    assert!(close(&pair["overall"]["f1_exact"], 10.0 / 12.0), "{}", pair["overall"]);
    assert!(close(&pair["overall"]["f1_overlap"], 1.0), "{}", pair["overall"]);
}

#[test]
fn edit_retypes_a_relation_and_changes_its_note() {
    let s = structured();
    let r = run_ok(&[
        "relate",
        p(&s.path),
        "--type",
        "claimant",
        "--from",
        &s.claim,
        "--to",
        &s.actor,
    ]);
    let r = r.trim();
    let out = run_ok(&["edit", p(&s.path), r, "--type", "target", "--note", "about him"]);
    assert!(out.contains(&format!("edited relation {r} target")), "{out}");
    let project = load(&s.path);
    let rel = project
        .relation(marginalia::model::AnnotationId::parse(r).unwrap())
        .unwrap();
    assert_eq!((rel.kind.as_str(), rel.note.as_str()), ("target", "about him"));
    let before = std::fs::read(&s.path).unwrap();
    for (args, says) in [
        (vec!["--type", "nope"], "no relation type \"nope\""),
        (vec!["--label", "claim"], "is a relation: give --type or --note"),
    ] {
        let mut all = vec!["edit", p(&s.path), r];
        all.extend(args);
        let o = marginalia(&all);
        assert_eq!(o.status.code(), Some(1), "{all:?}");
        assert!(stderr(&o).contains(says), "{all:?}: {}", stderr(&o));
    }
    let o = marginalia(&["edit", p(&s.path), &s.actor, "--type", "target"]);
    assert!(stderr(&o).contains("is not a relation"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&s.path).unwrap(), before, "refusals write nothing");
}
