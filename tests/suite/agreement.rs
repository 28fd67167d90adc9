//! Agreement through the library and `marginalia agree`, against values
//! published by Krippendorff (1995, 2004) and worked by hand.

use crate::common;

use std::path::{Path, PathBuf};

use marginalia::agreement::{Measure, Options, PairKind, agree, compare};
use marginalia::model::{Annotation, AnnotationId, Document, Project, Text, Timestamp};

/// A project with one document per `(id, text)` and the given spans
/// `(doc, start, end, label)`.
fn project(docs: &[(&str, &str)], spans: &[(&str, usize, usize, &str)], author: &str) -> Project {
    let mut p = Project::new("agreement");
    for (id, text) in docs {
        p.documents
            .push(Document::new(*id, *id, format!("{id}.txt"), Text::new(*text)));
    }
    let annotations = spans
        .iter()
        .enumerate()
        .map(|(i, &(doc, start, end, label))| {
            let text = p.document(doc).unwrap().text.slice(start..end).unwrap().to_owned();
            Annotation {
                id: AnnotationId::from_u64(i as u64 + 1 + author.len() as u64 * 1000),
                doc: doc.into(),
                start,
                end,
                label: label.into(),
                text,
                note: String::new(),
                author: author.into(),
                created: Timestamp::from_unix(1_700_000_000),
                modified: Timestamp::from_unix(1_700_000_000),
                meta: Default::default(),
                attrs: Default::default(),
                fragments: Default::default(),
            }
        })
        .collect();
    let mut schema = p.schema.clone();
    for &(_, _, _, label) in spans {
        if !schema.contains(label) {
            schema.labels.push(marginalia::model::Label {
                id: label.into(),
                name: label.into(),
                colour: marginalia::model::Colour([1, 2, 3]),
                hotkey: None,
                guideline: String::new(),
                kind: Default::default(),
            });
        }
    }
    Project::from_parts(p.name, schema, p.documents, annotations)
}

fn value(m: &Measure) -> f64 {
    m.value().unwrap_or_else(|| panic!("undefined: {:?}", m.reason()))
}

fn close(m: &Measure, expected: f64, tolerance: f64) {
    let v = value(m);
    assert!((v - expected).abs() <= tolerance, "{v} is not {expected} ± {tolerance}");
}

/// 24 letters, no whitespace: one code point per unit of Krippendorff's
/// 1995 examples.
const LETTERS: &str = "abcdefghijklmnopqrstuvwx";

#[test]
fn character_figures_match_krippendorff_1995_example_a() {
    // Bertha: 0 0|1 1 1 1 1 1 1 1|0 0 0 0|1 1 1 1 1 1|0 0 0 0
    // Bill:   0 0 0 0|1 1 1 1|0 0 0 0 0 0 0|1 1|0 0 0 0 0 0 0
    let bertha = project(&[("d", LETTERS)], &[("d", 2, 10, "A"), ("d", 14, 20, "A")], "bertha");
    let bill = project(&[("d", LETTERS)], &[("d", 4, 8, "A"), ("d", 15, 17, "A")], "bill");
    let r = compare("bertha", &bertha, "bill", &bill, &Options::default());
    // Published: kappa 0.385, alpha 0.329.
    close(&r.overall.kappa_char, 0.385, 0.001);
    close(&r.overall.alpha_char, 0.329, 0.001);
    // By hand: no span matches exactly; both of Bill's lie inside Bertha's.
    assert_eq!(r.overall.f1_exact, Measure::Value(0.0));
    assert_eq!(r.overall.f1_overlap, Measure::Value(1.0));
    assert_eq!(r.overall.precision_overlap, Measure::Value(1.0));
    assert_eq!(r.overall.recall_exact, Measure::Value(0.0));
    // α_U: the observed disagreement published for this pair is 0.03125;
    // with one category α_U = 1 − D_o/D_e, so it is below 1.
    assert!(value(&r.overall.alpha_u) < 1.0);
    let kinds: Vec<PairKind> = r.disagreements.iter().map(|d| d.kind).collect();
    assert_eq!(kinds, [PairKind::Boundaries, PairKind::Boundaries]);
}

#[test]
fn unitized_alpha_matches_krippendorff_2004() {
    // The continuum [150, 450) of Krippendorff (2004: 254), shifted to 0.
    let text: String = std::iter::repeat_n('x', 300).collect();
    let s = |start: usize, len: usize, label| ("d", start - 150, start - 150 + len, label);
    let i = project(
        &[("d", &text)],
        &[s(225, 70, "c"), s(370, 30, "c"), s(180, 60, "k"), s(300, 50, "k")],
        "i",
    );
    let j = project(
        &[("d", &text)],
        &[
            s(220, 80, "c"),
            s(355, 20, "c"),
            s(400, 20, "c"),
            s(180, 60, "k"),
            s(300, 50, "k"),
        ],
        "j",
    );
    let r = compare("i", &i, "j", &j, &Options::default());
    close(&r.by_label["c"].alpha_u, 0.7286, 0.0001);
    close(&r.by_label["k"].alpha_u, 1.0, 1e-9);
    close(&r.overall.alpha_u, 0.8591, 0.0005);
    // k agrees exactly; c has no exact match and three overlapping pairs
    // at most two (each span once): 2 of (2 + 3).
    close(&r.by_label["k"].f1_exact, 1.0, 1e-12);
    close(&r.by_label["c"].f1_exact, 0.0, 1e-12);
    close(&r.by_label["c"].f1_overlap, 2.0 * 2.0 / 5.0, 1e-12);
}

#[test]
fn span_f1_and_confusion_worked_by_hand() {
    let text = "Bakou accuse Erevan de violer le cessez-le-feu à Stepanakert.";
    // A: Bakou/actor, Erevan/actor, "violer le cessez-le-feu"/event, Stepanakert/actor.
    let a = project(
        &[("d", text)],
        &[
            ("d", 0, 5, "actor"),
            ("d", 13, 19, "actor"),
            ("d", 23, 46, "event"),
            ("d", 49, 60, "actor"),
        ],
        "ana",
    );
    // B: Bakou/actor (agree), Erevan/event (label), "violer le cessez-le-feu à"/event
    // (boundaries), "accuse"/event (only B); Stepanakert missing (only A).
    let b = project(
        &[("d", text)],
        &[
            ("d", 0, 5, "actor"),
            ("d", 13, 19, "event"),
            ("d", 23, 48, "event"),
            ("d", 6, 12, "event"),
        ],
        "bob",
    );
    let r = compare("a", &a, "b", &b, &Options::default());
    // Exact: 1 match (Bakou) of 4 + 4: F1 = 2/8.
    close(&r.overall.f1_exact, 0.25, 1e-12);
    // Overlap: Bakou and the event: 2·2/8.
    close(&r.overall.f1_overlap, 0.5, 1e-12);
    close(&r.overall.precision_overlap, 0.5, 1e-12);
    // actor: A has 3, B 1, 1 exact match: 2/4. event: A 1, B 3, 0 exact: 0.
    close(&r.by_label["actor"].f1_exact, 0.5, 1e-12);
    close(&r.by_label["event"].f1_exact, 0.0, 1e-12);
    close(&r.f1_exact_macro, 0.25, 1e-12);
    assert_eq!(r.confusion["actor"]["actor"], 1);
    assert_eq!(r.confusion["actor"]["event"], 1);
    let kinds: Vec<PairKind> = r.disagreements.iter().map(|d| d.kind).collect();
    assert_eq!(
        kinds,
        [PairKind::OnlyB, PairKind::Label, PairKind::Boundaries, PairKind::OnlyA]
    );
    // Characters (non-whitespace only): by hand from the two paintings.
    let nonspace: Vec<usize> = text
        .chars()
        .enumerate()
        .filter(|(_, c)| !c.is_whitespace())
        .map(|(i, _)| i)
        .collect();
    let cat = |spans: &[(usize, usize, usize)], i: usize| spans.iter().find(|s| s.0 <= i && i < s.1).map_or(0, |s| s.2);
    let sa = [(0, 5, 1), (13, 19, 1), (23, 46, 2), (49, 60, 1)];
    let sb = [(0, 5, 1), (13, 19, 2), (23, 48, 2), (6, 12, 2)];
    let n = nonspace.len() as f64;
    let agree = nonspace.iter().filter(|&&i| cat(&sa, i) == cat(&sb, i)).count() as f64;
    let marg = |spans: &[(usize, usize, usize)], k| nonspace.iter().filter(|&&i| cat(spans, i) == k).count() as f64;
    let pe: f64 = (0..3).map(|k| marg(&sa, k) * marg(&sb, k) / (n * n)).sum();
    let kappa = (agree / n - pe) / (1.0 - pe);
    close(&r.overall.kappa_char, kappa, 1e-12);
}

#[test]
fn identical_files_agree_perfectly_and_empty_ones_are_undefined() {
    let text = "Bakou accuse Erevan.";
    let spans = [("d", 0, 5, "actor"), ("d", 6, 12, "event"), ("d", 13, 19, "actor")];
    let a = project(&[("d", text)], &spans, "ana");
    let b = project(&[("d", text)], &spans, "bob");
    let r = compare("a", &a, "b", &b, &Options::default());
    for (name, m) in r.overall.named() {
        assert_eq!(*m, Measure::Value(1.0), "{name}");
    }
    assert!(r.disagreements.is_empty());

    let empty_a = project(&[("d", text)], &[], "ana");
    let empty_b = project(&[("d", text)], &[], "bob");
    let r = compare("a", &empty_a, "b", &empty_b, &Options::default());
    for (name, m) in r.overall.named() {
        assert!(m.reason().is_some(), "{name} should be undefined: {m:?}");
    }
    let json = serde_json::to_value(&r.overall).unwrap();
    assert!(json["f1_exact"].is_null());
    assert!(
        json["undefined"]["kappa_char"]
            .as_str()
            .unwrap()
            .contains("single category")
    );
}

#[test]
fn documents_are_matched_by_text_and_differences_are_reported() {
    let a = project(
        &[
            ("d1", "Bakou accuse Erevan."),
            ("d2", "Texte deux."),
            ("d3", "Seulement A."),
        ],
        &[("d1", 0, 5, "actor")],
        "ana",
    );
    // d1 renamed but the same text; d2 with another text; d4 only in B.
    let b = project(
        &[
            ("renamed", "Bakou accuse Erevan."),
            ("d2", "Texte 2."),
            ("d4", "Seulement B."),
        ],
        &[("renamed", 0, 5, "actor")],
        "bob",
    );
    let r = compare("a", &a, "b", &b, &Options::default());
    assert_eq!(r.documents, ["d1"]);
    assert_eq!(r.text_differs, ["d2"]);
    assert_eq!(r.only_in_a, ["d3"]);
    assert_eq!(r.only_in_b, ["d4"]);
    close(&r.overall.f1_exact, 1.0, 1e-12);
}

#[test]
fn label_filter_and_several_annotators() {
    let text = "Bakou accuse Erevan.";
    let a = project(&[("d", text)], &[("d", 0, 5, "actor"), ("d", 6, 12, "event")], "ana");
    let b = project(&[("d", text)], &[("d", 0, 5, "actor"), ("d", 6, 12, "claim")], "bob");
    let c = project(&[("d", text)], &[("d", 0, 5, "actor")], "carla");
    let only_actor = Options {
        labels: Some(vec!["actor".into()]),
    };
    let r = compare("a", &a, "b", &b, &only_actor);
    assert_eq!(r.labels, ["actor"]);
    close(&r.overall.f1_exact, 1.0, 1e-12);
    let report = agree(
        &[("a".into(), &a), ("b".into(), &b), ("c".into(), &c)],
        &Options::default(),
    );
    assert_eq!(report.pairs.len(), 3);
    let f1: Vec<f64> = report.pairs.iter().map(|p| value(&p.overall.f1_exact)).collect();
    // a–b: 1 of 2+2; a–c: 1 of 2+1; b–c: 1 of 2+1.
    let expected = [0.5, 2.0 / 3.0, 2.0 / 3.0];
    for (got, want) in f1.iter().zip(expected) {
        assert!((got - want).abs() < 1e-12, "{f1:?}");
    }
    close(&report.mean.0.f1_exact, expected.iter().sum::<f64>() / 3.0, 1e-12);
}

// ---------------------------------------------------------------------------
// The command line

fn save(dir: &Path, name: &str, p: &Project) -> PathBuf {
    for d in &p.documents {
        std::fs::write(dir.join(&d.path), d.text.as_str()).unwrap();
    }
    let path = dir.join(name);
    marginalia::persist::save(p, &path).unwrap();
    path
}

#[test]
fn cli_json_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Bakou accuse Erevan de violer le cessez-le-feu.";
    let a = save(
        dir.path(),
        "a.ron",
        &project(&[("d", text)], &[("d", 0, 5, "actor"), ("d", 13, 19, "actor")], "ana"),
    );
    let b = save(
        dir.path(),
        "b.ron",
        &project(&[("d", text)], &[("d", 0, 5, "actor"), ("d", 13, 19, "event")], "bob"),
    );
    let out = common::marginalia(&["agree", a.to_str().unwrap(), b.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pair = &json["pairs"][0];
    assert_eq!(pair["a"], a.to_str().unwrap());
    assert_eq!(pair["b"], b.to_str().unwrap());
    for key in ["f1_exact", "f1_overlap", "kappa_char", "alpha_char", "alpha_u"] {
        assert!(pair["overall"][key].is_number(), "overall.{key}: {}", pair["overall"]);
        assert!(!pair["by_label"]["actor"][key].is_null() || pair["by_label"]["actor"]["undefined"][key].is_string());
        assert!(pair["by_document"]["d"].get(key).is_some(), "by_document.d.{key}");
        assert!(json["mean"].get(key).is_some(), "mean.{key}");
    }
    assert_eq!(pair["overall"]["f1_exact"], 0.5);
    assert_eq!(pair["confusion"]["actor"]["event"], 1);
    assert_eq!(pair["disagreements"][0]["kind"], "label");
    // event: only B has it, so its exact F1 is 0 and its precision is 0.
    assert_eq!(pair["by_label"]["event"]["f1_exact"], 0.0);
    assert!(pair["by_label"]["event"]["recall_exact"].is_null());
    assert!(pair["by_label"]["event"]["undefined"]["recall_exact"].is_string());

    // The text report names both files and the figures.
    let out = common::marginalia(&["agree", a.to_str().unwrap(), b.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("1 disagreement(s)"), "{text}");
    assert!(text.contains("label differs"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("overall") && l.contains("0.500")),
        "{text}"
    );

    // One file is not a comparison.
    let out = common::marginalia(&["agree", a.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "clap refuses a single file");
}

/// The adjudication flow through commands on a session: decisions,
/// provenance, accepting all agreements, and undo.
#[test]
fn adjudication_builds_a_gold_project_with_provenance_and_undo() {
    use marginalia::agreement::adjudicate::{Adjudication, DECISION, Decision, SOURCE, SOURCE_A, SOURCE_B, State};
    use marginalia::session::Session;

    let text = "Aliyev met Pashinyan in Brussels. Michel hosted the talks.";
    // A and B: one agreement (Aliyev), a label difference (Pashinyan),
    // boundaries (Brussels), only in A (Michel), only in B (talks).
    let a = project(
        &[("d", text)],
        &[
            ("d", 0, 6, "actor"),
            ("d", 11, 20, "actor"),
            ("d", 24, 32, "event"),
            ("d", 34, 40, "actor"),
        ],
        "ana",
    );
    // B's document has another id but the same text: matched by hash.
    let b = project(
        &[("doc-b", text)],
        &[
            ("doc-b", 0, 6, "actor"),
            ("doc-b", 11, 20, "claim"),
            ("doc-b", 21, 32, "event"),
            ("doc-b", 52, 57, "event"),
        ],
        "ben",
    );
    let adj = Adjudication::new("ana.ron", &a, "ben.ron", &b);
    let kinds: Vec<PairKind> = adj.items.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        [
            PairKind::Agree,
            PairKind::Label,
            PairKind::Boundaries,
            PairKind::OnlyA,
            PairKind::OnlyB
        ]
    );
    assert!(
        adj.items.iter().all(|i| i.doc == "d"),
        "B's items are in gold (A's) document ids"
    );
    assert_eq!(adj.disagreements().count(), 4);

    let gold = Adjudication::gold_project(&a, &b);
    assert!(gold.annotations().is_empty());
    assert_eq!(gold.documents.len(), 1);
    assert!(gold.schema.contains("claim"));
    let mut session = Session::new(gold);
    let at = Timestamp::from_unix(1_800_000_000);
    let states = |s: &Session| adj.states(s.project());
    assert!(states(&session).iter().all(|s| *s == State::Open));

    // Accept all agreements in one step.
    let cmd = adj.accept_agreements(session.project(), at);
    session.apply(cmd).unwrap();
    assert_eq!(session.project().annotations().len(), 1);
    let g = &session.project().annotations()[0];
    assert_eq!(g.meta[SOURCE], "ana.ron + ben.ron");
    assert_eq!(g.meta[DECISION], "agreement");
    assert_eq!(g.meta[SOURCE_A], a.annotations()[0].id.to_string());
    assert_eq!(g.meta[SOURCE_B], b.annotations()[0].id.to_string());
    // Doing it again adds nothing.
    let again = adj.accept_agreements(session.project(), at);
    assert!(
        matches!(&again, marginalia::edit::Command::Named { commands, .. } if commands.is_empty()),
        "{again:?}"
    );
    assert_eq!(cmd_description(&adj, &session), "accept B on “Pashinyan”");

    // Label difference: accept B. Boundaries: accept both. Only in A: reject. Only in B: accept B.
    for (i, d) in [
        (1, Decision::AcceptB),
        (2, Decision::AcceptBoth),
        (3, Decision::RejectBoth),
        (4, Decision::AcceptB),
    ] {
        let cmd = adj.decide(i, d, session.project(), at);
        session.apply(cmd).unwrap();
    }
    let labels: Vec<(usize, usize, &str, &str)> = session
        .project()
        .annotations()
        .iter()
        .map(|g| (g.start, g.end, g.label.as_str(), g.meta[SOURCE].as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            (0, 6, "actor", "ana.ron + ben.ron"),
            (11, 20, "claim", "ben.ron"),
            (21, 32, "event", "ben.ron"),
            (24, 32, "event", "ana.ron"),
            (52, 57, "event", "ben.ron"),
        ]
    );
    assert!(session.project().annotations().iter().all(|g| g.doc == "d"));
    let s = states(&session);
    assert_eq!(
        s[1],
        State::Decided {
            decision: Decision::AcceptB,
            edited: false
        }
    );
    assert_eq!(
        s[2],
        State::Decided {
            decision: Decision::AcceptBoth,
            edited: false
        }
    );
    assert_eq!(s[3], State::Open, "rejecting leaves nothing in the gold project");

    // Changing one's mind replaces the item's annotations.
    let cmd = adj.decide(2, Decision::AcceptA, session.project(), at);
    session.apply(cmd).unwrap();
    assert_eq!(
        states(&session)[2],
        State::Decided {
            decision: Decision::AcceptA,
            edited: false
        }
    );
    assert_eq!(session.project().annotations().len(), 4);

    // Editing a taken annotation shows as edited.
    let id = session.project().annotations()[1].id;
    session
        .apply(marginalia::edit::Command::Relabel {
            ids: vec![id],
            label: "actor".into(),
            at,
        })
        .unwrap();
    assert_eq!(
        states(&session)[1],
        State::Decided {
            decision: Decision::AcceptB,
            edited: true
        }
    );

    // Every step undoes.
    for _ in 0..7 {
        session.undo().unwrap().expect("an undoable step");
    }
    assert!(session.project().annotations().is_empty());
    assert!(states(&session).iter().all(|s| *s == State::Open));
    session.redo().unwrap();
    assert_eq!(
        states(&session)[0],
        State::Decided {
            decision: Decision::AcceptA,
            edited: false
        }
    );
}

/// Copies of one project share the ids of annotations made before they were
/// handed out: accepting both sides must not collide.
#[test]
fn adjudication_of_copies_sharing_ids() {
    use marginalia::agreement::adjudicate::{Adjudication, Decision};
    let text = "Aliyev met Pashinyan in Brussels.";
    let a = project(&[("d", text)], &[("d", 11, 20, "actor")], "ana");
    let mut b = a.clone();
    let id = b.annotations()[0].id;
    marginalia::edit::Command::Resize {
        id,
        start: 11,
        end: 32,
        at: Timestamp::from_unix(1),
    }
    .apply(&mut b)
    .unwrap();
    let adj = Adjudication::new("a", &a, "b", &b);
    assert_eq!(adj.items.len(), 1);
    assert_eq!(adj.items[0].kind, PairKind::Boundaries);
    let mut gold = Adjudication::gold_project(&a, &b);
    adj.decide(0, Decision::AcceptBoth, &gold, Timestamp::from_unix(2))
        .apply(&mut gold)
        .unwrap();
    let ids: std::collections::HashSet<_> = gold.annotations().iter().map(|g| g.id).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&id));
}

/// What Undo would say after deciding item 1 as "accept B".
fn cmd_description(
    adj: &marginalia::agreement::adjudicate::Adjudication,
    session: &marginalia::session::Session,
) -> String {
    use marginalia::agreement::adjudicate::Decision;
    adj.decide(1, Decision::AcceptB, session.project(), Timestamp::from_unix(0))
        .describe()
}
