//! The suggestion layer in the workbench: which suggestion is in focus,
//! the bar that shows it with its keys (Ctrl+Enter accepts, Ctrl+Delete
//! rejects, F4 / Shift+F4 go to the next or previous open one, through
//! the documents), and the "accept all of this term / label / document"
//! buttons.
//!
//! Suggestions are drawn by the document view (dashed, in their label's
//! colour); this module works out which are open and where the next one
//! is. What it computes over the whole corpus (counts, the scopes'
//! sizes) is cached on the project's generations, so a frame costs a
//! lookup, not a pass over 100,000 suggestions.

use egui::{RichText, Ui};

use super::action::Action;
use crate::model::{Project, Suggestion, fold_str_for_search, plural, shorten};

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
    pub fn describe(self) -> &'static str {
        match self {
            Scope::Term => "this term",
            Scope::Label => "this label",
            Scope::Document => "this document",
        }
    }
}

/// The open suggestions of `scope` around `focus` (of document `doc`).
pub fn in_scope(project: &Project, focus: &Suggestion, scope: Scope) -> Vec<Suggestion> {
    let term = fold_str_for_search(&focus.text);
    let candidates: &[Suggestion] = match scope {
        Scope::Document => project.suggestions_of(&focus.doc),
        Scope::Term | Scope::Label => project.suggestions(),
    };
    candidates
        .iter()
        .filter(|s| match scope {
            Scope::Document => true,
            Scope::Label => s.label == focus.label,
            Scope::Term => s.label == focus.label && fold_str_for_search(&s.text) == term,
        })
        .filter(|s| project.is_open(s))
        .cloned()
        .collect()
}

/// The open suggestions of document `doc`, in order of position, one per
/// span and label (two sources suggesting the same are one to decide).
pub fn open_of(project: &Project, doc: &str) -> Vec<Suggestion> {
    let mut out: Vec<Suggestion> = project
        .suggestions_of(doc)
        .iter()
        .filter(|s| project.is_open(s))
        .cloned()
        .collect();
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

/// Counts over the whole project, cached on its generations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub open: usize,
    pub rejected: usize,
    /// Documents with an open suggestion.
    pub documents: usize,
    /// Sources with open suggestions, and how many each has open.
    pub sources: Vec<(String, usize)>,
}

/// The workbench's suggestion state.
#[derive(Default)]
pub struct SuggestionState {
    /// The suggestion in focus.
    pub current: Option<Suggestion>,
    totals: Option<((u64, u64), Totals)>,
    /// The open suggestions of one document: (document, generations).
    of_doc: Option<(String, (u64, u64), Vec<Suggestion>)>,
    /// The sizes of the scopes around the focus: (focus, generations).
    scopes: Option<(Suggestion, (u64, u64), [usize; 3])>,
}

fn generations(project: &Project) -> (u64, u64) {
    (project.annotations_generation(), project.suggestions_generation())
}

impl SuggestionState {
    /// The project's counts.
    pub fn totals(&mut self, project: &Project) -> &Totals {
        let key = generations(project);
        if self.totals.as_ref().is_none_or(|(k, _)| *k != key) {
            let mut totals = Totals::default();
            let mut last_doc: Option<&str> = None;
            let mut sources: std::collections::BTreeMap<&str, usize> = Default::default();
            for s in project.suggestions() {
                if s.rejected {
                    totals.rejected += 1;
                } else if project.is_open(s) {
                    totals.open += 1;
                    *sources.entry(&s.source).or_default() += 1;
                    if last_doc != Some(s.doc.as_str()) {
                        totals.documents += 1;
                        last_doc = Some(&s.doc);
                    }
                }
            }
            totals.sources = sources.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            self.totals = Some((key, totals));
        }
        &self.totals.as_ref().expect("just set").1
    }

    /// The open suggestions of `doc`, for the view.
    pub fn open_of(&mut self, project: &Project, doc: &str) -> &[Suggestion] {
        let key = generations(project);
        if self.of_doc.as_ref().is_none_or(|(d, k, _)| d != doc || *k != key) {
            self.of_doc = Some((doc.to_owned(), key, open_of(project, doc)));
        }
        &self.of_doc.as_ref().expect("just set").2
    }

    /// The focus, if it is still open (accepted, rejected or undone away,
    /// it is let go).
    pub fn current_open(&mut self, project: &Project) -> Option<&Suggestion> {
        if let Some(c) = &self.current
            && !project.suggestion(c.key()).is_some_and(|s| project.is_open(s))
        {
            self.current = None;
        }
        self.current.as_ref()
    }

    fn scope_sizes(&mut self, project: &Project, focus: &Suggestion) -> [usize; 3] {
        let key = generations(project);
        if self
            .scopes
            .as_ref()
            .is_none_or(|(f, k, _)| f.key() != focus.key() || *k != key)
        {
            let sizes = [Scope::Term, Scope::Label, Scope::Document].map(|s| in_scope(project, focus, s).len());
            self.scopes = Some((focus.clone(), key, sizes));
        }
        self.scopes.as_ref().expect("just set").2
    }

    /// The suggestion bar above the document, when the project has open
    /// suggestions.
    pub fn bar_ui(&mut self, ui: &mut Ui, project: &Project, doc: &str) -> Vec<Action> {
        let mut actions = Vec::new();
        let totals = self.totals(project).clone();
        if totals.open == 0 {
            return actions;
        }
        let here = self.open_of(project, doc).len();
        let current = self.current_open(project).filter(|c| c.doc == doc).cloned();
        let sizes = current.as_ref().map(|c| self.scope_sizes(project, c));
        let frame = egui::Frame::group(ui.style()).inner_margin(egui::Margin::symmetric(8, 4));
        frame.show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new("Suggestions").strong());
                ui.label(format!(
                    "{here} open here · {} in {} (counted apart from annotations)",
                    plural(totals.open, "open"),
                    plural(totals.documents, "document")
                ))
                .on_hover_text(format!(
                    "{} rejected (remembered, not offered again by their source). Open, by source: {}",
                    totals.rejected,
                    totals
                        .sources
                        .iter()
                        .map(|(s, n)| format!("{s} {n}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                if ui
                    .small_button("◀")
                    .on_hover_text("Previous open suggestion (Shift+F4)")
                    .clicked()
                {
                    actions.push(Action::SuggestionStep { forward: false });
                }
                if ui
                    .small_button("▶")
                    .on_hover_text("Next open suggestion, here then in the next documents (F4)")
                    .clicked()
                {
                    actions.push(Action::SuggestionStep { forward: true });
                }
                ui.menu_button("Sources…", |ui| {
                    for (source, n) in &totals.sources {
                        if ui
                            .button(format!("Clear the {} from {source}", plural(*n, "open suggestion")))
                            .on_hover_text("Rejected ones stay, so the source does not offer them again")
                            .clicked()
                        {
                            actions.push(Action::ClearSuggestions(source.clone()));
                            ui.close();
                        }
                    }
                });
            });
            let Some(c) = current else {
                ui.weak(if here > 0 {
                    "F4 goes to the first, or click a dashed span."
                } else {
                    "None in this document: F4 goes to the next document that has some."
                });
                return;
            };
            let label = project
                .schema
                .get(&c.label)
                .map_or(c.label.as_str(), |l| l.name.as_str());
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("“{}”", shorten(&c.text, 60))).strong());
                ui.label(format!("→ {label}"));
                let mut from = c.source.clone();
                if !c.pattern.is_empty() && c.pattern != c.text {
                    from.push_str(&format!(", term “{}”", shorten(&c.pattern, 40)));
                }
                if let Some(e) = &c.entity {
                    from.push_str(&format!(", entity {e}"));
                }
                ui.weak(from);
                if ui.button("Accept").on_hover_text("Tag it (Ctrl+Enter)").clicked() {
                    actions.push(Action::DecideSuggestion { accept: true });
                }
                if ui
                    .button("Reject")
                    .on_hover_text("Not offered again by its source (Ctrl+Delete)")
                    .clicked()
                {
                    actions.push(Action::DecideSuggestion { accept: false });
                }
            });
            if let Some(sizes) = sizes {
                ui.horizontal_wrapped(|ui| {
                    ui.weak("Accept all of");
                    for (scope, n) in [Scope::Term, Scope::Label, Scope::Document].into_iter().zip(sizes) {
                        let text = format!("{} ({n})", scope.describe());
                        let button = ui.small_button(&text).on_hover_text(format!(
                            "Tag the {} of {}, one step",
                            plural(n, "open suggestion"),
                            scope.describe()
                        ));
                        button.widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Accept all of {text}"))
                        });
                        if button.clicked() {
                            actions.push(Action::DecideSuggestions { scope, accept: true });
                        }
                    }
                    ui.weak("· Reject all of");
                    for (scope, n) in [Scope::Term, Scope::Document].into_iter().zip([sizes[0], sizes[2]]) {
                        let text = format!("{} ({n})", scope.describe());
                        let button = ui
                            .small_button(&text)
                            .on_hover_text("Rejected, they are not offered again by their sources");
                        button.widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Reject all of {text}"))
                        });
                        if button.clicked() {
                            actions.push(Action::DecideSuggestions { scope, accept: false });
                        }
                    }
                });
            }
        });
        actions
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
        let mut state = SuggestionState::default();
        let totals = state.totals(&p).clone();
        assert_eq!((totals.open, totals.documents, totals.rejected), (3, 2, 0));
    }
}
