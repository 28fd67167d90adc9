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
use crate::model::{Project, Suggestion, plural, shorten};
pub use crate::search::layer::{Counts, Scope, in_scope, open_of, step};

/// The workbench's suggestion state.
#[derive(Default)]
pub struct SuggestionState {
    /// The suggestion in focus.
    pub current: Option<Suggestion>,
    /// The layer's counts, and the generations they are for.
    counts: Option<((u64, u64), Counts)>,
    /// The scopes' sizes around the focus, for the counts' state.
    scopes: Option<((u64, u64), Suggestion, [usize; 3])>,
    /// The open suggestions of one document: (document, generations).
    of_doc: Option<(String, (u64, u64), Vec<Suggestion>)>,
    /// The generations the focus was last found open at (asked several
    /// times a frame; the answer changes only with them).
    current_checked: Option<(u64, u64)>,
}

/// What the cached counts and lists are for.
pub fn generations(project: &Project) -> (u64, u64) {
    (project.annotations_generation(), project.suggestions_generation())
}

impl SuggestionState {
    /// The layer's counts: one pass when the layer or the annotations
    /// changed other than by a decision made here ([`Self::decided`]).
    pub fn counts(&mut self, project: &Project) -> &Counts {
        let key = generations(project);
        if self.counts.as_ref().is_none_or(|(k, _)| *k != key) {
            self.counts = Some((key, Counts::of(project)));
        }
        &self.counts.as_ref().expect("just set").1
    }

    /// `accepted` and `rejected`, open until the step that left the
    /// project at `project`'s generations (from `before`), are open no
    /// more: the counts follow without a new pass when they were those of
    /// `before`.
    pub fn decided(&mut self, before: (u64, u64), project: &Project, accepted: &[Suggestion], rejected: &[Suggestion]) {
        if let Some((key, counts)) = &mut self.counts
            && *key == before
        {
            counts.close(accepted, false);
            counts.close(rejected, true);
            *key = generations(project);
        }
    }

    /// The open suggestions of `doc`, for the view.
    pub fn open_of(&mut self, project: &Project, doc: &str) -> &[Suggestion] {
        let key = generations(project);
        if self.of_doc.as_ref().is_none_or(|(d, k, _)| d != doc || *k != key) {
            self.of_doc = Some((doc.to_owned(), key, open_of(project, doc)));
        }
        &self.of_doc.as_ref().expect("just set").2
    }

    /// Puts `s` in focus (or none).
    pub fn set_focus(&mut self, s: Option<Suggestion>) {
        self.current = s;
        self.current_checked = None;
    }

    /// The focus, if it is still open (accepted, rejected or undone away,
    /// it is let go).
    pub fn current_open(&mut self, project: &Project) -> Option<&Suggestion> {
        let key = generations(project);
        if let Some(c) = &self.current
            && self.current_checked != Some(key)
        {
            if project.suggestion(c.key()).is_some_and(|s| project.is_open(s)) {
                self.current_checked = Some(key);
            } else {
                self.current = None;
            }
        }
        self.current.as_ref()
    }

    /// The open suggestions of the scopes around `focus` (worked out once
    /// per focus and state, not every frame).
    fn scope_sizes(&mut self, project: &Project, focus: &Suggestion) -> [usize; 3] {
        let key = generations(project);
        if let Some((k, f, sizes)) = &self.scopes
            && *k == key
            && f.key() == focus.key()
        {
            return *sizes;
        }
        self.counts(project);
        let sizes = match &mut self.counts {
            Some((_, counts)) => counts.scopes(project, focus),
            None => [0; 3],
        };
        self.scopes = Some((key, focus.clone(), sizes));
        sizes
    }

    /// The suggestion bar above the document, when the project has open
    /// suggestions.
    pub fn bar_ui(&mut self, ui: &mut Ui, project: &Project, doc: &str) -> Vec<Action> {
        let mut actions = Vec::new();
        let current = self.current_open(project).filter(|c| c.doc == doc).cloned();
        let sizes = current.as_ref().map(|c| self.scope_sizes(project, c));
        let counts = self.counts(project);
        if counts.open == 0 {
            return actions;
        }
        let (open, documents, rejected) = (counts.open, counts.documents(), counts.rejected);
        let sources: Vec<(String, usize)> = counts.sources().into_iter().map(|(s, n)| (s.to_owned(), n)).collect();
        let here = self.open_of(project, doc).len();
        let frame = egui::Frame::group(ui.style()).inner_margin(egui::Margin::symmetric(8, 4));
        frame.show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new("Suggestions").strong());
                ui.label(format!(
                    "{here} open here · {open} open in {} (counted apart from annotations)",
                    plural(documents, "document")
                ))
                .on_hover_text(format!(
                    "{} rejected (remembered, not offered again by their source). Open, by source: {}",
                    rejected,
                    sources
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
                    for (source, n) in &sources {
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
            // Three rows whatever the state, each one line: the text below
            // does not jump when a suggestion comes into focus.
            let Some(c) = current else {
                ui.horizontal(|ui| {
                    ui.weak(if here > 0 {
                        "F4 goes to the first, or click a dashed span."
                    } else {
                        "None in this document: F4 goes to the next document that has some."
                    });
                });
                ui.horizontal(|ui| {
                    ui.weak("Accept or reject all of a term, a label or a document: focus a suggestion first.");
                });
                return;
            };
            let label = project
                .schema
                .get(&c.label)
                .map_or(c.label.as_str(), |l| l.name.as_str());
            ui.horizontal(|ui| {
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
                    for accept in [true, false] {
                        let verb = if accept { "Accept" } else { "Reject" };
                        ui.weak(if accept { "Accept all of" } else { "· Reject all of" });
                        for (scope, n) in [Scope::Term, Scope::Label, Scope::Document].into_iter().zip(sizes) {
                            let text = format!("{} ({n})", scope.describe());
                            let hover = if accept {
                                format!(
                                    "Tag the {} of {}, one step",
                                    plural(n, "open suggestion"),
                                    scope.describe()
                                )
                            } else {
                                format!(
                                    "Reject the {} of {}, one step: they are not offered again by their sources",
                                    plural(n, "open suggestion"),
                                    scope.describe()
                                )
                            };
                            let button = ui.small_button(format!("{} ({n})", scope.short())).on_hover_text(hover);
                            button.widget_info(|| {
                                egui::WidgetInfo::labeled(egui::Role::Button, true, format!("{verb} all of {text}"))
                            });
                            if button.clicked() {
                                actions.push(Action::DecideSuggestions { scope, accept });
                            }
                        }
                    }
                });
            }
        });
        actions
    }
}
