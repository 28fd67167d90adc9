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
    // A second claimant: the type allows one at most.
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
    assert!(
        stderr(&o).contains("already has its one \"claimant\""),
        "{}",
        stderr(&o)
    );
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
        (vec!["--fragments", "0-5,3-8", "--label", "event"], "overlaps"),
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
    // The claim has two valid claimant relations now (the type allows one).
    assert!(
        out.contains("has 2 \"claimant\" relation(s); the schema asks for optional"),
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
