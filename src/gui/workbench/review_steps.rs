//! Reviewing annotators' copies and resolving merge conflicts: starting a
//! review, deciding its items into the gold project, conflict steps.

use super::*;
use crate::agreement::adjudicate::{Decision, Item};
use crate::edit::Command;
use crate::gui::review::{ItemState, Review};
use crate::gui::state::UiState;
use crate::gui::view::{Selection, capitalise};
use crate::model::{AnnotationId, Timestamp};
use crate::session::Session;
use std::path::PathBuf;
use std::time::Instant;

impl Workbench {
    /// Loads the annotators' files, compares them, and opens a new gold
    /// project for adjudication (the first file's documents and labels),
    /// or, `into_current`, adjudicates into the open project, which must
    /// hold the first file's documents (a gold project saved earlier).
    pub(super) fn start_review(&mut self, paths: &[PathBuf], into_current: bool) {
        if paths.len() < 2 {
            self.error(
                "Compare annotators",
                "Choose at least two project files (hold Ctrl or Shift to pick several).".into(),
            );
            return;
        }
        let mut annotators = Vec::new();
        for path in paths {
            match crate::persist::load(path) {
                Ok(loaded) if loaded.problems.is_empty() => {
                    let name = path
                        .file_name()
                        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
                    annotators.push((name, path.clone(), loaded.project));
                }
                Ok(loaded) => {
                    let list: Vec<String> = loaded
                        .problems
                        .iter()
                        .take(10)
                        .map(|p| crate::persist::load::describe(path, p))
                        .collect();
                    let message = format!(
                        "{} has {} problem(s); agreement needs exact offsets, so fix them first:\n{}",
                        path.display(),
                        loaded.problems.len(),
                        list.join("\n")
                    );
                    self.error("Compare annotators", message);
                    return;
                }
                Err(e) => {
                    self.error("Compare annotators", e.to_string());
                    return;
                }
            }
        }
        // Two copies of one file would be told apart by nothing.
        let mut names: Vec<&String> = annotators.iter().map(|(n, _, _)| n).collect();
        names.sort();
        names.dedup();
        if names.len() < annotators.len() {
            for (i, a) in annotators.iter_mut().enumerate() {
                a.0 = format!("{} ({})", a.0, i + 1);
            }
        }
        let mut review = Review::new(annotators);
        let gold = review.gold_project();
        if gold.documents.is_empty() {
            self.error(
                "Compare annotators",
                "The first two files share no document with the same text: nothing to compare.".into(),
            );
            return;
        }
        if into_current {
            let Some(session) = &self.session else { return };
            let current = session.project();
            let missing: Vec<&str> = gold
                .documents
                .iter()
                .filter(|d| current.document(&d.id).is_none_or(|c| c.hash != d.hash))
                .map(|d| d.id.as_str())
                .collect();
            if !missing.is_empty() {
                let message = format!(
                    "The open project does not hold these documents of {} with the same text: {}. \
                     Continue an adjudication in the gold project made from these files.",
                    review.names[0],
                    missing.join(", ")
                );
                self.error("Continue adjudication", message);
                return;
            }
            if let Some(path) = self.session.as_ref().and_then(Session::path) {
                match crate::persist::review::read_rejections(path) {
                    Ok(kept) => {
                        review.restore_rejections(&kept);
                    }
                    Err(e) => self.state.message = Some(format!("Earlier rejections could not be read: {e}")),
                }
            }
            self.state.review = Some(review);
            self.state.comparison = None;
            self.add_review_labels();
        } else {
            let session = Session::new_beside(gold, &review.paths[0]);
            self.state = UiState {
                current_doc: session.project().documents.first().map(|d| d.id.clone()),
                review: Some(review),
                ..UiState::default()
            };
            self.views.clear();
            self.session = Some(session);
            self.last_autosave = Instant::now();
        }
        let first = match (&mut self.state.review, &self.session) {
            (Some(r), Some(s)) => {
                r.refresh(s.project(), s.revision(), s.history());
                r.next(true, s.history())
            }
            _ => None,
        };
        if let Some(i) = first {
            self.review_select(i);
        }
        self.state.message = Some("Review: Alt+A/B/D/R decide, Alt+N next; Save As keeps the gold".into());
    }

    /// Adds to the gold project the labels of the pair under review that it
    /// lacks (one undoable step), so that their annotations can be accepted.
    pub(super) fn add_review_labels(&mut self) {
        let (Some(review), Some(session)) = (&self.state.review, &self.session) else {
            return;
        };
        let current = &session.project().schema;
        let adds: Vec<Command> = review
            .gold_schema()
            .labels
            .into_iter()
            .filter(|l| !current.contains(&l.id))
            .enumerate()
            .map(|(k, mut label)| {
                // A hotkey the gold project already uses stays with its label.
                if label.hotkey.is_some_and(|key| current.by_hotkey(key).is_some()) {
                    label.hotkey = None;
                }
                Command::AddLabel {
                    label,
                    index: current.labels.len() + k,
                }
            })
            .collect();
        if !adds.is_empty() {
            self.edit(Command::Named {
                what: "add the annotators' labels".into(),
                commands: adds,
            });
        }
    }

    /// After saving the gold project of a review: keeps its rejections beside it.
    pub(super) fn keep_rejections(&mut self) {
        let (Some(review), Some(session)) = (&self.state.review, &self.session) else {
            return;
        };
        let Some(path) = session.path() else { return };
        if let Err(e) = crate::persist::review::write_rejections(path, &review.rejections(session.history())) {
            self.state.message = Some(format!("Saved, but the review's rejections could not be kept: {e}"));
        }
    }

    pub(super) fn review_select(&mut self, i: usize) {
        let Some(review) = &mut self.state.review else { return };
        let Some(item) = review.adjudication.items.get(i) else {
            return;
        };
        let (doc, at) = (item.doc.clone(), item.start());
        review.focus(i);
        if self.state.current_doc.as_deref() != Some(&doc) {
            self.state.current_doc = Some(doc);
            self.state.selection = Selection::default();
        }
        self.scroll_current_to(at);
    }

    pub(super) fn review_decide(&mut self, item: usize, decision: Decision) {
        let Some((r, s)) = self.state.review.as_ref().zip(self.session.as_ref()) else {
            return;
        };
        let Some(choices) = r.adjudication.items.get(item).map(Item::choices) else {
            return;
        };
        if !choices.contains(&decision) {
            self.state.message = Some(not_a_choice(decision, &choices));
            return;
        }
        let command = r.adjudication.decide(item, decision, s.project(), Timestamp::now());
        // Fresh states before the edit can be brought up to date for this item alone.
        let fresh = r.is_fresh(s.revision()).then(|| r.contribution(item, s.history()));
        self.edit(command);
        if let (Some(r), Some(s)) = (&mut self.state.review, &self.session) {
            if decision == Decision::RejectBoth {
                r.record_rejection(item, s.history().state());
            }
            if let Some(before) = fresh {
                r.update_item(item, s.project(), s.revision(), s.history(), before);
            }
        }

        // On to the next open disagreement, as a keyboard-driven pass expects.
        let next = self
            .state
            .review
            .as_ref()
            .zip(self.session.as_ref())
            .and_then(|(r, s)| r.next(true, s.history()));
        if let Some(i) = next {
            self.review_select(i);
        }
    }

    pub(super) fn review_select_relation(&mut self, i: usize) {
        let Some(review) = &mut self.state.review else { return };
        let Some((doc, at)) = review.focus_relation(i) else {
            return;
        };
        if self.state.current_doc.as_deref() != Some(&doc) {
            self.state.current_doc = Some(doc);
            self.state.selection = Selection::default();
        }
        self.scroll_current_to(at);
    }

    /// Applies `decision` to relation item `item`; refused (the status bar
    /// says why) while an end is not in the gold project. Then on to the
    /// next open relation disagreement.
    pub(super) fn review_decide_relation(&mut self, item: usize, decision: Decision) {
        let Some((r, s)) = self.state.review.as_ref().zip(self.session.as_ref()) else {
            return;
        };
        let Some(choices) = r.adjudication.relation_items.get(item).map(|it| it.choices()) else {
            return;
        };
        if !choices.contains(&decision) {
            self.state.message = Some(not_a_choice(decision, &choices));
            return;
        }
        let before = s.revision();
        match r
            .adjudication
            .decide_relation(item, decision, s.project(), Timestamp::now())
        {
            Ok(command) => self.edit(command),
            Err(why) => {
                self.state.message = Some(format!("Could not {} on this relation: {why}", decision.describe()));
                return;
            }
        }
        if let (Some(r), Some(s)) = (&mut self.state.review, &self.session) {
            if decision == Decision::RejectBoth {
                r.record_relation_rejection(item, s.history().state());
            }
            r.spans_unchanged(before, s.revision());
            r.refresh_relations(s.project(), s.revision(), s.history());
        }
        let next = self
            .state
            .review
            .as_ref()
            .zip(self.session.as_ref())
            .and_then(|(r, s)| r.next_relation(true, s.history()));
        if let Some(i) = next {
            self.review_select_relation(i);
        }
    }

    /// Takes, in one step, every agreeing relation not yet in the gold
    /// project whose two ends are there.
    pub(super) fn review_accept_relation_agreements(&mut self) {
        let Some((r, s)) = self.state.review.as_ref().zip(self.session.as_ref()) else {
            return;
        };
        let at = Timestamp::now();
        let todo = r.open_relation_agreements();
        let commands: Vec<Command> = todo
            .iter()
            .filter_map(|&i| {
                r.adjudication
                    .decide_relation(i, Decision::AcceptA, s.project(), at)
                    .ok()
            })
            .collect();
        let waiting = todo.len() - commands.len();
        if commands.is_empty() {
            self.state.message = Some(format!(
                "None of the {waiting} agreeing relations has both ends in the gold project yet: accept the spans first"
            ));
            return;
        }
        let what = format!("accept {}", crate::model::plural(commands.len(), "agreeing relation"));
        self.edit(Command::Named { what, commands });
        if waiting > 0 {
            self.state.message = Some(format!(
                "Accepted {}; {waiting} wait for their ends to be accepted",
                crate::model::plural(todo.len() - waiting, "agreeing relation")
            ));
        }
    }

    /// Takes the item's A version (B's if A has none) into the gold
    /// project unless it is there already, and selects it for editing.
    pub(super) fn review_edit(&mut self, item: usize) {
        let Some(r) = &self.state.review else { return };
        let Some(it) = r.adjudication.items.get(item) else {
            return;
        };
        let decision = if it.a.is_some() {
            Decision::AcceptA
        } else {
            Decision::AcceptB
        };
        let open = self
            .session
            .as_ref()
            .is_some_and(|s| !matches!(r.state(item, s.history()), ItemState::Decided { .. }));
        if open {
            let Some(s) = &self.session else { return };
            let command = r.adjudication.decide(item, decision, s.project(), Timestamp::now());
            self.edit(command);
        }
        let Some((r, s)) = self.state.review.as_mut().zip(self.session.as_ref()) else {
            return;
        };
        let gold = r.adjudication.gold_copies(item, s.project()).first().copied();
        r.focus(item);
        self.select_annotation(gold);
        self.state.annotation_list.reveal = true;
    }

    /// Resolves the merge conflict marked on annotation `id`.
    pub(super) fn resolve_conflict(&mut self, id: AnnotationId, take_other: bool) {
        let Some(a) = self.project().and_then(|p| p.annotation(id)) else {
            return;
        };
        match crate::merge::resolve(a, take_other, Timestamp::now()) {
            Ok(command) => self.edit(command),
            Err(e) => self.state.message = Some(capitalise(&e.to_string())),
        }
    }

    /// Resolves the merge conflict marked on relation `id`.
    pub(super) fn resolve_relation_conflict(&mut self, id: AnnotationId, take_other: bool) {
        let Some(r) = self.project().and_then(|p| p.relation(id)) else {
            return;
        };
        match crate::merge::resolve_relation(r, take_other, Timestamp::now()) {
            Ok(command) => self.edit(command),
            Err(e) => self.state.message = Some(capitalise(&e.to_string())),
        }
    }

    /// Selects the next conflict after the selected one: the annotations
    /// marked with merge conflicts, then the relations.
    pub(super) fn next_conflict(&mut self) {
        let Some(s) = &self.session else { return };
        // The banner's list, brought up to date (an edit may have come since the frame).
        self.state.conflicts.refresh(s.project());
        let list = &self.state.conflicts;
        let all: Vec<(bool, AnnotationId)> = list
            .ids
            .iter()
            .map(|id| (false, *id))
            .chain(list.relation_ids.iter().map(|id| (true, *id)))
            .collect();
        if all.is_empty() {
            self.state.message = Some("No merge conflicts in this project".into());
            return;
        }
        let current = match self.state.selection.relation {
            Some(r) => Some((true, r)),
            None => self.state.selection.annotation.map(|a| (false, a)),
        };
        let at = current
            .and_then(|c| all.iter().position(|x| *x == c))
            .map_or(0, |k| (k + 1) % all.len());
        match all[at] {
            (false, id) => self.select_annotation(Some(id)),
            (true, id) => self.select_relation(Some(id)),
        }
        self.state.annotation_list.reveal = true;
    }
}

/// Why a decision key did nothing, and which keys do something here ("Only
/// B has it": Alt+A cannot accept A's).
fn not_a_choice(decision: Decision, choices: &[Decision]) -> String {
    let offered: Vec<String> = choices
        .iter()
        .map(|d| format!("{} {}", crate::gui::review::decision_key(*d), d.describe()))
        .collect();
    format!(
        "“{}” does not apply to this item; here: {}",
        capitalise(decision.describe()),
        offered.join(" · ")
    )
}
