//! Search all documents (Ctrl+Shift+F): a panel under the text with a
//! query (whole word, match case, regular expression, a document filter),
//! every hit as a keyword-in-context row with its document and its state,
//! ticks, and "Tag the ticked hits" as one undoable step.
//!
//! The search itself is [`crate::search`]; this module keeps the query,
//! the hits, their states (read again when the annotations change) and
//! the folded copies of the texts (made once per text, so searching again
//! costs the search alone).

use std::collections::{HashMap, HashSet};

use egui::{Align, Layout, RichText, Ui};

use crate::gui::action::Action;
use crate::gui::view::shorten;
use crate::model::{Project, Text, plural};
use crate::search::{self, Hit, HitState, Matcher, Query};

/// Characters of context either side of a hit.
const CONTEXT: usize = 48;
/// Tagging more ticked hits than this asks first.
const CONFIRM_ABOVE: usize = 500;

/// The panel's state.
pub struct CorpusSearch {
    pub query: Query,
    pub doc_filter: String,
    /// The hits of the last search, in document order.
    pub hits: Vec<Hit>,
    pub truncated: bool,
    pub documents_searched: usize,
    /// The documents the filter keeps (all without one).
    in_scope: usize,
    /// What the last search was for, shown above the hits.
    searched: Option<String>,
    /// Each hit's state, and the annotations and suggestions generations
    /// it was read at.
    states: Vec<HitState>,
    states_at: Option<(u64, u64)>,
    /// For the summary line, kept with the states: documents with a hit,
    /// hits untagged (not counted again every frame over a million hits).
    hit_documents: usize,
    untagged: usize,
    /// Why the document filter cannot match, for the filter it was worked
    /// out for (not every frame over every document).
    filter_note: crate::gui::panels::documents::FilterNote,
    pub ticked: HashSet<usize>,
    /// The label "Tag" applies.
    pub label: Option<String>,
    /// Leave hits that carry any annotation of their span.
    pub untagged_only: bool,
    /// The hit shown last (drawn as current).
    pub current: Option<usize>,
    pub error: Option<String>,
    pub focus_query: bool,
    /// "Tag" was clicked for many hits: asking before tagging them.
    pub confirming: bool,
    /// Folded copies of the texts, by document, with the text they fold.
    folded: HashMap<String, (Text, Text)>,
}

impl Default for CorpusSearch {
    fn default() -> CorpusSearch {
        CorpusSearch {
            query: Query::default(),
            doc_filter: String::new(),
            hits: Vec::new(),
            truncated: false,
            documents_searched: 0,
            in_scope: 0,
            searched: None,
            states: Vec::new(),
            states_at: None,
            hit_documents: 0,
            untagged: 0,
            filter_note: Default::default(),
            ticked: HashSet::new(),
            label: None,
            untagged_only: true,
            current: None,
            error: None,
            focus_query: true,
            confirming: false,
            folded: HashMap::new(),
        }
    }
}

impl CorpusSearch {
    /// Runs the query over the documents the filter keeps.
    pub fn run(&mut self, project: &Project) {
        self.error = None;
        self.ticked.clear();
        self.current = None;
        self.states_at = None;
        let matcher = match Matcher::for_corpus(&self.query) {
            Ok(m) => m,
            Err(e) => {
                self.hits.clear();
                self.searched = None;
                self.error = Some(e.to_string());
                return;
            }
        };
        if matcher.wants_folded() {
            for d in &project.documents {
                let fresh = self.folded.get(&d.id).is_some_and(|(t, _)| t.ptr_eq(&d.text));
                if !fresh {
                    self.folded
                        .insert(d.id.clone(), (d.text.clone(), search::fold(&d.text)));
                }
            }
            self.folded.retain(|id, _| project.document(id).is_some());
        }
        let filter = search::DocFilter::new(project, &self.doc_filter);
        let folded = &self.folded;
        let found = search::search(
            project,
            &matcher,
            &|d| filter.matches(project, d),
            &|d| folded.get(&d.id).map(|(_, f)| f.clone()),
            search::MAX_HITS,
        );
        self.hits = found.hits;
        self.truncated = found.truncated;
        self.documents_searched = found.documents;
        self.searched = Some(self.query.pattern.clone());
        // Untagged hits ticked to begin with: what tagging usually wants.
        self.refresh_states(project);
        // (Not white space: a regular expression's `.` finds spaces too.)
        let blank = |h: &Hit| {
            project
                .document(&h.doc)
                .and_then(|d| d.text.slice(h.range()))
                .is_some_and(|t| t.trim().is_empty())
        };
        self.ticked = (0..self.hits.len())
            .filter(|&i| self.states[i].is_untagged() && !blank(&self.hits[i]))
            .collect();
        self.in_scope = project.documents.iter().filter(|d| filter.matches(project, d)).count();
    }

    /// Reads the hits' states again when the annotations or the
    /// suggestions changed.
    pub fn refresh_states(&mut self, project: &Project) {
        let at = (project.annotations_generation(), project.suggestions_generation());
        if self.states_at != Some(at) {
            self.states = self.hits.iter().map(|h| search::hit_state(project, h)).collect();
            self.states_at = Some(at);
            self.untagged = self.states.iter().filter(|s| s.is_untagged()).count();
            // Hits come in document order: a new document starts a run.
            self.hit_documents =
                self.hits.windows(2).filter(|w| w[0].doc != w[1].doc).count() + usize::from(!self.hits.is_empty());
        }
    }

    pub fn state(&self, i: usize) -> Option<&HitState> {
        self.states.get(i)
    }

    /// The ticked hits, in order.
    pub fn ticked_hits(&self) -> Vec<Hit> {
        let mut ticked: Vec<usize> = self.ticked.iter().copied().collect();
        ticked.sort_unstable();
        ticked.into_iter().filter_map(|i| self.hits.get(i).cloned()).collect()
    }

    /// Ticks the hits `which` accepts, and unticks the others.
    pub fn tick(&mut self, which: impl Fn(&Hit, &HitState) -> bool) {
        self.ticked = (0..self.hits.len())
            .filter(|&i| self.states.get(i).is_some_and(|s| which(&self.hits[i], s)))
            .collect();
    }

    /// The panel, under the text. `current_doc` is the document shown.
    pub fn ui(&mut self, ui: &mut Ui, project: &Project, current_doc: Option<&str>) -> Vec<Action> {
        let mut actions = Vec::new();
        self.refresh_states(project);
        egui::Panel::bottom("corpus-search")
            .resizable(true)
            .default_size(280.0)
            .show(ui, |ui| {
                actions.extend(self.query_ui(ui, project));
                actions.extend(self.tag_ui(ui, project, current_doc));
                ui.separator();
                actions.extend(self.hits_ui(ui, project));
            });
        actions
    }

    fn query_ui(&mut self, ui: &mut Ui, project: &Project) -> Vec<Action> {
        let mut actions = Vec::new();
        ui.horizontal(|ui| {
            ui.strong("Search all documents");
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut self.query.pattern)
                        .hint_text("a word, a phrase, or a regular expression")
                        .desired_width(260.0),
                )
                .accessible_name("Corpus search query");
            if self.focus_query {
                field.request_focus();
                self.focus_query = false;
            }
            let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            // A changed option or filter searches again (results of the old
            // ones would be tagged otherwise).
            let mut changed = ui.checkbox(&mut self.query.whole_word, "Whole word").changed();
            changed |= ui
                .checkbox(&mut self.query.case_sensitive, "Match case")
                .on_hover_text("Case and accents must match (for a word or phrase)")
                .changed();
            changed |= ui
                .checkbox(&mut self.query.regex, "Regex")
                .on_hover_text("A regular expression (Rust regex syntax); accents as written")
                .changed();
            let filter = ui
                .add(
                    egui::TextEdit::singleline(&mut self.doc_filter)
                        .hint_text("documents: title, outlet=…, status=done, label=claim; …")
                        .desired_width(240.0),
                )
                .accessible_name("Documents to search");
            changed |= filter.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Search").clicked() || enter || (changed && self.searched.is_some()) {
                actions.push(Action::CorpusSearchRun);
            }
            if ui.button("Close").on_hover_text("Ctrl+Shift+F").clicked() {
                actions.push(Action::ToggleCorpusSearch);
            }
        });
        self.filter_note.show(ui, project, &self.doc_filter);
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        } else if let Some(q) = &self.searched {
            let untagged = self.untagged;
            let scope = if self.doc_filter.trim().is_empty() {
                plural(self.in_scope, "document")
            } else {
                format!("{} the filter keeps", plural(self.in_scope, "document"))
            };
            ui.weak(if self.truncated {
                format!(
                    "“{q}”: the first {} (stopped at the limit), in {}; {} of the {scope} searched · {untagged} untagged",
                    plural(self.hits.len(), "hit"),
                    plural(self.hit_documents, "document"),
                    self.documents_searched,
                )
            } else {
                format!(
                    "“{q}”: {} in {} of the {scope} · {untagged} untagged",
                    plural(self.hits.len(), "hit"),
                    self.hit_documents,
                )
            });
        }
        actions
    }

    fn tag_ui(&mut self, ui: &mut Ui, project: &Project, current_doc: Option<&str>) -> Vec<Action> {
        let mut actions = Vec::new();
        if self.hits.is_empty() {
            return actions;
        }
        ui.horizontal_wrapped(|ui| {
            ui.label("Tick:");
            if ui.small_button("All").clicked() {
                self.tick(|_, _| true);
            }
            if ui.small_button("None").clicked() {
                self.ticked.clear();
            }
            if ui.small_button("Untagged").clicked() {
                self.tick(|_, s| s.is_untagged());
            }
            if ui.small_button("Tagged").clicked() {
                self.tick(|_, s| !s.is_untagged());
            }
            if ui
                .small_button("Suggested")
                .on_hover_text("The hits with an open suggestion on the same span")
                .clicked()
            {
                self.tick(|_, s| matches!(s, HitState::Suggested(_)));
            }
            if let Some(doc) = current_doc
                && ui
                    .small_button("This document's")
                    .on_hover_text("Only the hits of the document shown")
                    .clicked()
            {
                self.tick(|h, _| h.doc == doc);
            }
            ui.separator();
            let label = self
                .label
                .clone()
                .filter(|l| project.schema.contains(l))
                .or_else(|| project.schema.labels.first().map(|l| l.id.clone()));
            let shown = label
                .as_deref()
                .and_then(|l| project.schema.get(l))
                .map_or("—".to_owned(), |l| l.name.clone());
            egui::ComboBox::from_id_salt("corpus-tag-label")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    for l in &project.schema.labels {
                        ui.selectable_value(&mut self.label, Some(l.id.clone()), &l.name);
                    }
                })
                .response
                .accessible_name("Label for the ticked hits");
            if self.label.is_none() {
                self.label = label.clone();
            }
            ui.checkbox(&mut self.untagged_only, "only untagged")
                .on_hover_text("Leave hits that already carry an annotation of their span, whatever its label");
            let n = self.ticked.len();
            let name = label
                .as_deref()
                .and_then(|l| project.schema.get(l))
                .map_or(String::new(), |l| l.name.clone());
            let tag = |actions: &mut Vec<Action>| {
                if let Some(label) = label.clone() {
                    actions.push(Action::TagHits {
                        label,
                        untagged_only: self.untagged_only,
                    });
                }
            };
            if self.confirming {
                // Many at once: said, and asked, before it happens.
                ui.label(RichText::new(format!("Tag {n} hits as {name}?")).strong());
                if ui.button("Yes, tag them").clicked() {
                    tag(&mut actions);
                    self.confirming = false;
                }
                if ui.button("No").clicked() {
                    self.confirming = false;
                }
            } else {
                let button = egui::Button::new(format!("Tag {n} ticked"));
                if ui.add_enabled(n > 0 && label.is_some(), button).clicked() {
                    if n > CONFIRM_ABOVE {
                        self.confirming = true;
                    } else {
                        tag(&mut actions);
                    }
                }
            }
        });
        actions
    }

    fn hits_ui(&mut self, ui: &mut Ui, project: &Project) -> Vec<Action> {
        let mut actions = Vec::new();
        let row_height = ui.spacing().interact_size.y;
        let side = ((ui.available_width() - 420.0) / 2.0).max(120.0);
        let font = egui::TextStyle::Body.resolve(ui.style());
        egui::ScrollArea::vertical()
            .id_salt("corpus-hits")
            .auto_shrink(false)
            .show_rows(ui, row_height, self.hits.len(), |ui, rows| {
                for i in rows {
                    let hit = &self.hits[i];
                    let Some(doc) = project.document(&hit.doc) else {
                        continue;
                    };
                    let (left, text, right) = search::context(&doc.text, hit.range(), CONTEXT);
                    let state = self.states.get(i).cloned().unwrap_or(HitState::Untagged);
                    ui.horizontal(|ui| {
                        let mut on = self.ticked.contains(&i);
                        let tick = ui.checkbox(&mut on, "");
                        tick.widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::CheckBox, true, format!("Tick hit {}", i + 1))
                        });
                        if tick.changed() {
                            if on {
                                self.ticked.insert(i);
                            } else {
                                self.ticked.remove(&i);
                            }
                        }
                        let names = |labels: &[String]| {
                            labels
                                .iter()
                                .map(|l| project.schema.get(l).map_or(l.as_str(), |x| x.name.as_str()))
                                .collect::<Vec<_>>()
                                .join(", ")
                        };
                        let state_text = match &state {
                            // Untagged, but part of a longer tag: said, so that
                            // tagging it is a choice, not a slip.
                            HitState::Untagged => {
                                let reach = crate::model::longest(project.annotations_of(&hit.doc));
                                let inside = search::inside_labels(project, hit, reach);
                                if inside.is_empty() {
                                    "·".to_owned()
                                } else {
                                    format!("in {}", names(&inside))
                                }
                            }
                            HitState::Suggested(labels) => format!("{}?", names(labels)),
                            HitState::Tagged(labels) => names(labels),
                        };
                        ui.add_sized(
                            [70.0, row_height],
                            egui::Label::new(RichText::new(state_text).small()).truncate(),
                        )
                        .on_hover_text(state.describe());
                        // The left context right-aligned against the hit.
                        ui.allocate_ui_with_layout(
                            egui::vec2(side, row_height),
                            Layout::right_to_left(Align::Center),
                            |ui| {
                                ui.add(egui::Label::new(RichText::new(left).font(font.clone()).weak()).truncate());
                            },
                        );
                        let shown = ui
                            .add(
                                egui::Label::new(RichText::new(&text).strong())
                                    .sense(egui::Sense::click())
                                    .selectable(false),
                            )
                            .on_hover_cursor(egui::CursorIcon::PointingHand)
                            .on_hover_text("Show it in its document");
                        shown.widget_info(|| {
                            egui::WidgetInfo::labeled(egui::Role::Link, true, format!("Hit {}: {text}", i + 1))
                        });
                        if shown.clicked() {
                            actions.push(Action::ShowHit(i));
                        }
                        ui.allocate_ui_with_layout(
                            egui::vec2(side, row_height),
                            Layout::left_to_right(Align::Center),
                            |ui| {
                                ui.add(egui::Label::new(RichText::new(right).weak()).truncate());
                            },
                        );
                        let title = ui.add(
                            egui::Label::new(RichText::new(shorten(&doc.title, 40)).small())
                                .truncate()
                                .sense(egui::Sense::click()),
                        );
                        if title.clicked() {
                            actions.push(Action::ShowHit(i));
                        }
                        if self.current == Some(i) {
                            ui.weak("◀");
                        }
                    });
                }
            });
        actions
    }
}
