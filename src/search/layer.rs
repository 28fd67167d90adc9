//! Deciding suggestions: which are open, where the next one is, and what
//! a scope around one holds ("accept all of this term / label /
//! document"), with the counts the workbench shows. Making them is
//! [`super::suggest`]; the edits that accept and reject them are there too.
//!
//! The corpus can hold hundreds of thousands of suggestions: what goes
//! over all of them does so in one pass ([`Project::open_suggestions`],
//! [`Counts::of`]), and the counts follow decisions without a new pass.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

use crate::model::{Project, Suggestion, fold_for_search, fold_str_for_search};

/// Around the suggestion in focus: what "accept all" takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every open suggestion of the same label whose text is the same
    /// (accents and case aside), in every document.
    Term,
    /// Every open suggestion of the same label, in every document.
    Label,
    /// Every open suggestion of this document.
    Document,
}

impl Scope {
    /// One word, for a narrow button: "term", "label", "document".
    pub fn short(self) -> &'static str {
        match self {
            Scope::Term => "term",
            Scope::Label => "label",
            Scope::Document => "document",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Scope::Term => "this term",
            Scope::Label => "this label",
            Scope::Document => "this document",
        }
    }
}

/// Whether `s` is in `scope` around `focus` (open or not).
fn within(s: &Suggestion, focus: &Suggestion, scope: Scope, term: &str) -> bool {
    match scope {
        Scope::Document => s.doc == focus.doc,
        Scope::Label => s.label == focus.label,
        // Folding maps one character to one: compared as it goes, no copy.
        Scope::Term => s.label == focus.label && s.text.chars().map(fold_for_search).eq(term.chars()),
    }
}

/// The open suggestions of `scope` around `focus`.
pub fn in_scope(project: &Project, focus: &Suggestion, scope: Scope) -> Vec<Suggestion> {
    let term = fold_str_for_search(&focus.text);
    if scope == Scope::Document {
        return project.open_suggestions_of(&focus.doc).cloned().collect();
    }
    project
        .open_suggestions()
        .filter(|s| within(s, focus, scope, &term))
        .cloned()
        .collect()
}

/// The open suggestions of document `doc`, in order of position, one per
/// span and label (two sources suggesting the same are one to decide).
pub fn open_of(project: &Project, doc: &str) -> Vec<Suggestion> {
    let mut out: Vec<Suggestion> = project.open_suggestions_of(doc).cloned().collect();
    out.dedup_by(|a, b| (a.start, a.end, &a.label) == (b.start, b.end, &b.label));
    out
}

/// The open suggestion after (or before) `from` in document `doc` and
/// then in the documents after (before) it, in the project's order,
/// wrapping around; `from` is a position in `doc`, or its start (its end,
/// going back) when `None`.
pub fn step(project: &Project, doc: Option<&str>, from: Option<&Suggestion>, forward: bool) -> Option<Suggestion> {
    let docs = &project.documents;
    if docs.is_empty() {
        return None;
    }
    let here = doc.and_then(|d| docs.iter().position(|x| x.id == d)).unwrap_or(0);
    let after = |s: &Suggestion| match from {
        None => true,
        Some(f) if forward => (s.start, s.end, &s.label) > (f.start, f.end, &f.label),
        Some(f) => (s.start, s.end, &s.label) < (f.start, f.end, &f.label),
    };
    let first_in = |i: usize, all: bool| -> Option<Suggestion> {
        let open = open_of(project, &docs[i].id);
        if forward {
            open.into_iter().find(|s| all || after(s))
        } else {
            open.into_iter().rev().find(|s| all || after(s))
        }
    };
    if let Some(s) = first_in(here, from.is_none()) {
        return Some(s);
    }
    let n = docs.len();
    (1..=n)
        .map(|k| if forward { (here + k) % n } else { (here + n - k) % n })
        .find_map(|i| first_in(i, true))
}

/// Moves `key`'s count by `n`; a count at zero leaves the map (the key is
/// copied only when it comes in).
fn bump<K, Q>(map: &mut HashMap<K, usize>, key: &Q, n: isize)
where
    K: Borrow<Q> + Hash + Eq,
    Q: ToOwned<Owned = K> + Hash + Eq + ?Sized,
{
    match map.get_mut(key) {
        Some(count) => {
            *count = count.saturating_add_signed(n);
            if *count == 0 {
                map.remove(key);
            }
        }
        None if n > 0 => {
            map.insert(key.to_owned(), n.unsigned_abs());
        }
        None => {}
    }
}

/// What the suggestion layer holds, counted in one pass and then kept up
/// to date by the decisions made on it ([`Counts::close`]): the workbench's
/// bar shows them after every decision, and a pass over hundreds of
/// thousands of suggestions takes longer than a frame.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub open: usize,
    pub rejected: usize,
    /// Open suggestions by document, source and label; no entry at zero.
    by_doc: HashMap<String, usize>,
    by_source: HashMap<String, usize>,
    by_label: HashMap<String, usize>,
    /// For the labels whose terms were asked for ([`Counts::scopes`]):
    /// open suggestions by text as written (folded when asked for). Built
    /// on the first question about a label, not at every count.
    by_text: HashMap<String, HashMap<String, usize>>,
}

impl Counts {
    /// Counts the layer: one pass, a map touched once per run of equal
    /// documents, sources and labels (the layer is sorted by document).
    pub fn of(project: &Project) -> Counts {
        let mut out = Counts {
            rejected: project.suggestions().iter().filter(|s| s.rejected).count(),
            ..Counts::default()
        };
        let mut runs: [Option<(&str, usize)>; 3] = [None, None, None];
        let flush = |out: &mut Counts, which: usize, run: Option<(&str, usize)>| {
            if let Some((key, n)) = run {
                let map = match which {
                    0 => &mut out.by_doc,
                    1 => &mut out.by_source,
                    _ => &mut out.by_label,
                };
                bump(map, key, n as isize);
            }
        };
        for s in project.open_suggestions() {
            out.open += 1;
            for (which, key) in [s.doc.as_str(), s.source.as_str(), s.label.as_str()]
                .into_iter()
                .enumerate()
            {
                match &mut runs[which] {
                    Some((k, n)) if *k == key => *n += 1,
                    run => {
                        let done = run.replace((key, 1));
                        flush(&mut out, which, done);
                    }
                }
            }
        }
        for (which, run) in runs.into_iter().enumerate() {
            flush(&mut out, which, run);
        }
        out
    }

    fn add(&mut self, s: &Suggestion, n: isize) {
        self.open = self.open.saturating_add_signed(n);
        bump(&mut self.by_doc, s.doc.as_str(), n);
        bump(&mut self.by_source, s.source.as_str(), n);
        bump(&mut self.by_label, s.label.as_str(), n);
        if let Some(texts) = self.by_text.get_mut(s.label.as_str()) {
            bump(texts, s.text.as_str(), n);
        }
    }

    /// `decided` (open suggestions) are open no more: accepted, or
    /// rejected (`rejected`).
    pub fn close(&mut self, decided: &[Suggestion], rejected: bool) {
        for s in decided {
            self.add(s, -1);
        }
        if rejected {
            self.rejected += decided.len();
        }
    }

    /// Whether document `doc` has an open suggestion.
    pub fn has_open(&self, doc: &str) -> bool {
        self.by_doc.contains_key(doc)
    }

    /// Documents with an open suggestion.
    pub fn documents(&self) -> usize {
        self.by_doc.len()
    }

    /// Sources with open suggestions, and how many each has open.
    pub fn sources(&self) -> Vec<(&str, usize)> {
        let mut out: Vec<(&str, usize)> = self.by_source.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        out.sort_unstable();
        out
    }

    /// The open suggestions of each scope around `focus`: [term, label,
    /// document]. The first question about a label counts its texts (one
    /// pass); decisions keep them after that.
    pub fn scopes(&mut self, project: &Project, focus: &Suggestion) -> [usize; 3] {
        if !self.by_text.contains_key(focus.label.as_str()) {
            let mut texts: HashMap<String, usize> = HashMap::new();
            for s in project.open_suggestions().filter(|s| s.label == focus.label) {
                bump(&mut texts, s.text.as_str(), 1);
            }
            self.by_text.insert(focus.label.clone(), texts);
        }
        let term = fold_str_for_search(&focus.text);
        let of_term = self.by_text.get(focus.label.as_str()).map_or(0, |texts| {
            texts
                .iter()
                .filter(|(text, _)| text.chars().map(fold_for_search).eq(term.chars()))
                .map(|(_, n)| n)
                .sum()
        });
        [
            of_term,
            self.by_label.get(&focus.label).copied().unwrap_or(0),
            self.by_doc.get(&focus.doc).copied().unwrap_or(0),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Text};

    fn suggestion(doc: &str, start: usize, text: &str) -> Suggestion {
        Suggestion {
            doc: doc.into(),
            start,
            end: start + text.chars().count(),
            label: "actor".into(),
            text: text.into(),
            source: "g".into(),
            pattern: String::new(),
            entity: None,
            rejected: false,
        }
    }

    fn project() -> Project {
        let mut p = Project::new("t");
        p.documents
            .push(Document::new("a", "A", "a.txt", Text::new("Aliyev and Pashinyan")));
        p.documents.push(Document::new("b", "B", "b.txt", Text::new("no one")));
        p.documents
            .push(Document::new("c", "C", "c.txt", Text::new("ALIYEV said")));
        p.insert_suggestions(vec![
            suggestion("a", 0, "Aliyev"),
            suggestion("a", 11, "Pashinyan"),
            suggestion("c", 0, "ALIYEV"),
        ]);
        p
    }

    #[test]
    fn steps_go_through_the_document_then_the_next_ones_and_wrap() {
        let p = project();
        let first = step(&p, Some("a"), None, true).unwrap();
        assert_eq!((first.doc.as_str(), first.start), ("a", 0));
        let second = step(&p, Some("a"), Some(&first), true).unwrap();
        assert_eq!(second.start, 11);
        let third = step(&p, Some("a"), Some(&second), true).unwrap();
        assert_eq!(third.doc, "c", "document b has none");
        let wrapped = step(&p, Some("c"), Some(&third), true).unwrap();
        assert_eq!((wrapped.doc.as_str(), wrapped.start), ("a", 0));
        let back = step(&p, Some("a"), Some(&wrapped), false).unwrap();
        assert_eq!(back.doc, "c", "backwards wraps to the last");
    }

    #[test]
    fn scopes_count_the_term_accents_and_case_aside_the_label_and_the_document() {
        let p = project();
        let focus = &p.suggestions()[0];
        assert_eq!(in_scope(&p, focus, Scope::Term).len(), 2, "Aliyev and ALIYEV");
        assert_eq!(in_scope(&p, focus, Scope::Label).len(), 3);
        assert_eq!(in_scope(&p, focus, Scope::Document).len(), 2);
        let mut counts = Counts::of(&p);
        assert_eq!((counts.open, counts.documents(), counts.rejected), (3, 2, 0));
        assert_eq!(counts.scopes(&p, focus), [2, 3, 2], "the same counts from the index");
        assert_eq!(counts.sources(), [("g", 3)]);
        // Decisions move the counts as a new count would.
        let mut q = p.clone();
        let aliyevs = in_scope(&q, focus, Scope::Term);
        crate::search::suggest::reject(&aliyevs).apply(&mut q).unwrap();
        counts.close(&aliyevs, true);
        assert_eq!(counts.scopes(&q, focus)[0], 0, "the term's texts kept by the decision");
        let mut fresh = Counts::of(&q);
        fresh.scopes(&q, focus);
        assert_eq!(counts, fresh);
        assert_eq!(counts.documents(), 1, "c has none open now");
        let pashinyan = q.suggestions()[1].clone();
        crate::search::suggest::accept(
            &q,
            std::slice::from_ref(&pashinyan),
            "t",
            crate::model::Timestamp::from_unix(0),
        )
        .unwrap()
        .apply(&mut q)
        .unwrap();
        counts.close(&[pashinyan], false);
        let mut fresh = Counts::of(&q);
        fresh.scopes(&q, focus);
        assert_eq!(counts, fresh);
        assert_eq!((counts.open, counts.rejected), (0, 2));
    }
}
