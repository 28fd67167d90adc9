//! Corpus search on texts that try offsets hard, its modes, tagging that
//! never doubles a tag, and the document filter.

use super::*;
use crate::edit::new_annotation;
use crate::model::{AttrValue, Document, Label, Status};

// Astral emoji, a ZWJ sequence, combining marks, Armenian, Cyrillic,
// Arabic, CJK and CRLF line ends.
const TORTURE: &str =
    "👨🏻‍🚒 L’ARMÉE arménienne, cafe\u{301} — Café.\r\nՀայաստան «l’armée» Армия армия; الجيش 军队 l'Armée.\r\nARMÉE";

fn text(s: &str) -> Text {
    Text::new(s)
}

fn found(t: &Text, query: Query) -> Vec<String> {
    let m = Matcher::new(&query).expect("valid");
    let (hits, _) = m.find(t, None, usize::MAX);
    hits.iter()
        .map(|r| t.slice(r.clone()).expect("in bounds").to_owned())
        .collect()
}

fn literal(p: &str) -> Query {
    Query {
        pattern: p.into(),
        ..Query::default()
    }
}

#[test]
fn literal_search_folds_case_and_accents_and_keeps_exact_offsets() {
    let t = text(TORTURE);
    assert_eq!(
        found(&t, literal("armée")),
        ["ARMÉE", "armée", "Armée", "ARMÉE"],
        "inside l’…, l'… and on the last line; not “arménienne”"
    );
    assert_eq!(
        found(
            &t,
            Query {
                case_sensitive: true,
                ..literal("armée")
            }
        ),
        ["armée"]
    );
    assert_eq!(found(&t, literal("армия")), ["Армия", "армия"]);
    assert_eq!(found(&t, literal("Հայաստան")), ["Հայաստան"]);
    assert_eq!(found(&t, literal("الجيش")), ["الجيش"]);
    assert_eq!(found(&t, literal("军队")), ["军队"]);
    // The offsets are code points: the emoji before counts one per scalar.
    // Typographic and straight apostrophes are one.
    let m = Matcher::new(&literal("l’armée")).unwrap();
    let (hits, cut) = m.find(&t, None, usize::MAX);
    assert!(!cut);
    let expected: Vec<usize> = TORTURE
        .match_indices("L’ARMÉE")
        .chain(TORTURE.match_indices("l’armée"))
        .chain(TORTURE.match_indices("l'Armée"))
        .map(|(b, _)| TORTURE[..b].chars().count())
        .collect();
    assert_eq!(hits.iter().map(|r| r.start).collect::<Vec<_>>(), expected);
    // An accent written apart (NFD) is set aside as a precomposed one is,
    // and belongs to the hit: "cafe", "café" and "cafe\u{301}" all find
    // "cafe\u{301}", whole, and a whole word.
    for query in ["cafe", "café", "cafe\u{301}"] {
        assert_eq!(found(&t, literal(query)), ["cafe\u{301}", "Café"], "{query:?}");
        assert_eq!(
            found(
                &t,
                Query {
                    whole_word: true,
                    ..literal(query)
                }
            ),
            ["cafe\u{301}", "Café"]
        );
    }
    // Case and accents kept: only as written.
    let exact = Query {
        case_sensitive: true,
        ..literal("Café")
    };
    assert_eq!(found(&t, exact), ["Café"]);
    // Accents alone are no query.
    assert_eq!(Matcher::new(&literal("\u{301}")).unwrap_err(), SearchError::Empty);
}

#[test]
fn whole_words_regular_expressions_and_the_limit() {
    let t = text(TORTURE);
    // "arm" is inside every word that starts with it: no whole word.
    assert!(
        found(
            &t,
            Query {
                whole_word: true,
                ..literal("arm")
            }
        )
        .is_empty()
    );
    assert_eq!(
        found(
            &t,
            Query {
                whole_word: true,
                ..literal("armée")
            }
        )
        .len(),
        4
    );
    // A regular expression: case-insensitive unless asked, accents as written.
    let re = |p: &str, case: bool| Query {
        pattern: p.into(),
        regex: true,
        case_sensitive: case,
        ..Query::default()
    };
    assert_eq!(
        found(&t, re(r"arm[ée]e\b", false)),
        ["ARMÉE", "armée", "Armée", "ARMÉE"]
    );
    assert_eq!(found(&t, re(r"ARM[ÉE]E", true)), ["ARMÉE", "ARMÉE"]);
    assert_eq!(
        found(&t, re(r"\r\n", false)),
        ["\r\n", "\r\n"],
        "CRLF is two code points"
    );
    assert_eq!(found(&t, re(r"\p{Armenian}+", false)), ["Հայաստան"]);
    // Empty matches tag nothing; a bad pattern says why.
    assert!(found(&t, re(r"x*", false)).is_empty());
    assert!(matches!(Matcher::new(&re("(", false)), Err(SearchError::BadRegex(_))));
    assert_eq!(Matcher::new(&literal("")).unwrap_err(), SearchError::Empty);
    assert_eq!(Matcher::for_corpus(&literal(" \t ")).unwrap_err(), SearchError::Blank);
    assert!(Matcher::new(&literal(" ")).is_ok(), "the find bar may look for spaces");
    assert!(Matcher::for_corpus(&re(r"\s+", false)).is_ok());
    let m = Matcher::new(&literal("a")).unwrap();
    let (hits, cut) = m.find(&t, None, 3);
    assert_eq!((hits.len(), cut), (3, true));
    // Exactly as many hits as the limit: the list is whole; a limit of 0 gives none.
    let all = m.find(&t, None, usize::MAX).0.len();
    assert_eq!(m.find(&t, None, all), (m.find(&t, None, usize::MAX).0, false));
    assert_eq!(m.find(&t, None, 0), (Vec::new(), true));
}

fn corpus() -> Project {
    let mut p = Project::new("corpus");
    p.schema.labels.push(Label {
        id: "actor".into(),
        name: "Actor".into(),
        colour: crate::model::Colour([1, 2, 3]),
        hotkey: None,
        guideline: String::new(),
        kind: Default::default(),
    });
    let mut a = Document::new("a", "Dépêche", "a.txt", text(TORTURE));
    a.attrs.insert("outlet".into(), AttrValue::Text("Le Monde".into()));
    a.status = Status::Done;
    p.documents.push(a);
    p.documents.push(Document::new(
        "b",
        "Wiki",
        "b.txt",
        text("L’armée d’Arménie et l’armée."),
    ));
    p
}

#[test]
fn hits_across_documents_are_tagged_once_and_never_twice() {
    let mut p = corpus();
    let m = Matcher::new(&Query {
        whole_word: true,
        ..literal("armée")
    })
    .unwrap();
    let all = search(&p, &m, &|_| true, &|_| None, MAX_HITS);
    assert_eq!((all.hits.len(), all.documents, all.truncated), (6, 2, false));
    assert!(all.hits.iter().all(|h| hit_state(&p, h).is_untagged()));
    // One hit tagged by hand first.
    let first = &all.hits[0];
    let a = new_annotation(&p, &first.doc, first.range(), "actor", "ana", Timestamp::from_unix(0)).unwrap();
    Command::AddAnnotations(vec![a]).apply(&mut p).unwrap();
    assert_eq!(hit_state(&p, first), HitState::Tagged(vec!["actor".into()]));
    let tagged = tag_hits(&p, &all.hits, "actor", true, "ana", Timestamp::from_unix(1)).unwrap();
    assert_eq!(tagged.per_document, [("a".to_owned(), 3), ("b".to_owned(), 2)]);
    assert_eq!(tagged.skipped, 1);
    let command = tagged.command.clone().expect("something to add");
    assert_eq!(command.describe(), "tag 5 hits as Actor in 2 documents");
    let before = p.clone();
    let mut history = crate::edit::History::default();
    history.apply(&mut p, command).unwrap();
    assert_eq!(p.annotations().len(), 6);
    assert_eq!(tagged.added().len(), 5);
    for added in tagged.added() {
        let a = p.annotation(added.id).expect("added");
        assert_eq!(fold_str_for_search(&a.text), "armee", "the quoted text is the hit's");
    }
    // Again: nothing more, whatever the filter.
    for untagged_only in [true, false] {
        let again = tag_hits(&p, &all.hits, "actor", untagged_only, "ana", Timestamp::from_unix(2)).unwrap();
        assert!(again.command.is_none());
        assert_eq!(again.skipped, 6);
    }
    history.undo(&mut p).unwrap();
    assert_eq!(p, before, "one step");
    assert!(matches!(
        tag_hits(&p, &all.hits, "nope", true, "ana", Timestamp::from_unix(3)),
        Err(EditError::UnknownLabel(_))
    ));
    // A regular expression that finds spaces too: they are left, the
    // words tagged, and the step does not fail.
    let words_and_spaces = Matcher::new(&re_query(r"armée|\s")).unwrap();
    let found = search(&p, &words_and_spaces, &|_| true, &|_| None, MAX_HITS);
    let spaces = found.hits.len() - all.hits.len();
    assert!(spaces > 3, "{spaces}");
    let tagged = tag_hits(&p, &found.hits, "event", true, "ana", Timestamp::from_unix(4)).unwrap();
    // (The hit tagged by hand is left too: untagged only.)
    assert_eq!(tagged.added().len(), all.hits.len() - 1);
    assert_eq!(tagged.skipped, spaces + 1);
}

fn re_query(pattern: &str) -> Query {
    Query {
        pattern: pattern.into(),
        regex: true,
        ..Query::default()
    }
}

#[test]
fn the_document_filter_reads_titles_metadata_status_and_labels() {
    let mut p = corpus();
    let a = new_annotation(&p, "b", 2..7, "actor", "ana", Timestamp::from_unix(0)).unwrap();
    Command::AddAnnotations(vec![a]).apply(&mut p).unwrap();
    let which = |f: &str| -> Vec<&str> {
        p.documents
            .iter()
            .filter(|d| doc_matches(&p, d, f))
            .map(|d| d.id.as_str())
            .collect()
    };
    assert_eq!(which(""), ["a", "b"]);
    assert_eq!(which("depeche"), ["a"], "title, accents aside");
    assert_eq!(which("le monde"), ["a"], "a metadata value");
    assert_eq!(which("outlet=le"), ["a"]);
    assert_eq!(which("status=done"), ["a"]);
    assert_eq!(which("status=to do"), ["b"]);
    assert_eq!(which("label=actor"), ["b"]);
    assert_eq!(which("label=Actor"), ["b"], "by name too");
    assert!(which("outlet=Figaro").is_empty());
}

#[test]
fn context_is_one_line_around_the_hit() {
    let t = text(TORTURE);
    let m = Matcher::new(&literal("Հայաստան")).unwrap();
    let (hits, _) = m.find(&t, None, 10);
    let (left, hit, right) = context(&t, hits[0].clone(), 8);
    assert_eq!(hit, "Հայաստան");
    assert_eq!(left, " Café.  ", "CRLF shown as spaces");
    assert_eq!(right, " «l’armé");
    // At the edges of the text, what there is.
    let (left, _, _) = context(&t, 0..2, 5);
    assert_eq!(left, "");
}
