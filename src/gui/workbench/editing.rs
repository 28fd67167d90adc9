//! Edits and views: applying commands with their messages, undo and redo,
//! tagging, resizing, labels, re-anchoring and comparisons.

use super::*;
use crate::edit::Command;
use crate::gui::action::Action;
use crate::gui::compare::{ComparedVersion, Comparison, Source};
use crate::gui::dialogs::Modal;
use crate::gui::view::{DocumentView, Selection, capitalise};
use crate::model::{AnnotationId, Timestamp, words};
use crate::session::Session;
use std::path::Path;

impl Workbench {
    pub(super) fn reanchor(&mut self, doc: &str, old: &str) {
        let Some(p) = self.project() else { return };
        match crate::diff::reanchor(p, doc, old, Timestamp::now()) {
            Ok(r) => {
                let report = r.report.clone();
                self.edit(r.command);
                self.views.remove(doc);
                self.state.message = Some(format!(
                    "Re-anchored {doc}: {} moved, {} resized, {} orphaned (undo with Ctrl+Z)",
                    report.moved,
                    report.resized,
                    report.orphaned.len()
                ));
            }
            Err(e) => self.error("Could not re-anchor", e.to_string()),
        }
    }

    /// Loads one side of a comparison.
    pub(super) fn load_source(&self, source: &Source, name: String) -> Result<ComparedVersion, String> {
        use crate::persist::versions::VersionRef;
        let session = self.session.as_ref().ok_or("no project is open")?;
        let path = || {
            session
                .path()
                .map(Path::to_owned)
                .ok_or("the project has not been saved yet")
        };
        let reference = match source {
            Source::Current => {
                return Ok(ComparedVersion {
                    name,
                    project: session.project().clone(),
                    text: crate::persist::format::to_string(session.project()),
                    is_current: true,
                });
            }
            Source::Snapshot(n) => VersionRef::Snapshot(path()?, *n),
            Source::File(p) => VersionRef::File(p.clone()),
            Source::Git(rev) => VersionRef::Git(path()?, rev.clone()),
        };
        let loaded = reference.load().map_err(|e| e.to_string())?;
        let text = reference.text().map_err(|e| e.to_string())?;
        Ok(ComparedVersion {
            name,
            project: loaded.project,
            text,
            is_current: false,
        })
    }

    pub(super) fn start_comparison(&mut self, a: &Source, b: &Source) {
        let describe = |s: &Source| {
            self.state
                .compare_picker
                .as_ref()
                .map_or_else(|| format!("{s:?}"), |p| p.describe(s))
        };
        let (name_a, name_b) = (describe(a), describe(b));
        let loaded = self
            .load_source(a, name_a)
            .and_then(|va| Ok((va, self.load_source(b, name_b)?)));
        match loaded {
            Ok((va, vb)) => {
                let revision = self.session.as_ref().map_or(0, Session::revision);
                self.state.comparison = Some(Comparison::new(va, vb, revision));
                self.state.compare_picker = None;
            }
            Err(e) => match &mut self.state.compare_picker {
                Some(picker) => picker.error = Some(e),
                None => self.error("Could not compare", e),
            },
        }
    }

    pub(super) fn adopt(&mut self, indices: &[usize], side: crate::diff::Side) {
        let (Some(cmp), Some(p)) = (&self.state.comparison, self.project()) else {
            return;
        };
        let changes: Vec<&crate::diff::Change> = indices.iter().filter_map(|&i| cmp.diff.changes.get(i)).collect();
        match crate::diff::adopt(p, &changes, side, Timestamp::now()) {
            Ok(Some(command)) => self.edit(command),
            Ok(None) => self.state.message = Some("The project already has that version".to_owned()),
            Err(e) => self.error("Could not take that version", e.to_string()),
        }
    }

    pub(super) fn adopt_relations(&mut self, indices: &[usize], side: crate::diff::Side) {
        let (Some(cmp), Some(p)) = (&self.state.comparison, self.project()) else {
            return;
        };
        let changes: Vec<&crate::diff::RelationChange> =
            indices.iter().filter_map(|&i| cmp.diff.relations.get(i)).collect();
        match crate::diff::adopt_relations(p, &changes, side, Timestamp::now()) {
            Ok(Some(command)) => self.edit(command),
            Ok(None) => self.state.message = Some("The project already has those relations".to_owned()),
            Err(e) => self.error("Could not take those relations", e.to_string()),
        }
    }

    pub(super) fn adopt_attributes(&mut self, indices: &[usize], side: crate::diff::Side) {
        let (Some(cmp), Some(p)) = (&self.state.comparison, self.project()) else {
            return;
        };
        let changes: Vec<&crate::diff::AttrChange> =
            indices.iter().filter_map(|&i| cmp.diff.attributes.get(i)).collect();
        match crate::diff::adopt_attributes(p, &changes, side, Timestamp::now()) {
            Ok(Some(command)) => self.edit(command),
            Ok(None) => self.state.message = Some("The project already holds those values".to_owned()),
            Err(e) => self.error("Could not take those values", e.to_string()),
        }
    }

    pub(super) fn current_text(&self) -> Option<&crate::model::Text> {
        let doc = self.state.current_doc.as_deref()?;
        Some(&self.project()?.document(doc)?.text)
    }

    pub(super) fn error(&mut self, title: &str, message: String) {
        self.state.message = Some(format!("{title}: {message}"));
        self.modal = Some(Modal::Error {
            title: title.to_owned(),
            message,
        });
    }

    pub(super) fn edit(&mut self, command: Command) {
        let Some(s) = &mut self.session else { return };
        let description = command.describe_in(&s.project().schema);
        match s.apply(command) {
            Ok(true) => self.state.message = Some(capitalise(&description)),
            Ok(false) => self.state.message = Some(format!("Nothing to change: {description} would leave it as it is")),
            Err(e) => {
                // "Could not make 3 changes", not "Could not 3 changes".
                let verb = if description.starts_with(|c: char| c.is_ascii_digit()) {
                    "make "
                } else {
                    ""
                };
                self.state.message = Some(format!("Could not {verb}{description}: {e}"));
            }
        }
        self.drop_stale_selection();
    }

    pub(super) fn undo_redo(&mut self, undo: bool) {
        // In a review, the item whose decision an undo or redo changes gets
        // the focus, as a decision moves it on.
        let before = self.review_item_states();
        let Some(s) = &mut self.session else { return };
        let result = if undo { s.undo() } else { s.redo() };
        // Where the change is, to show it: an undo in another document
        // (or far down this one) must not change what is not on screen.
        let place = match &result {
            Ok(Some(_)) => s.history().last_place(s.project(), undo),
            _ => None,
        };
        self.state.message = Some(match result {
            Ok(Some(what)) => format!("{} {what}", if undo { "Undid" } else { "Redid" }),
            Ok(None) => format!("Nothing to {}", if undo { "undo" } else { "redo" }),
            Err(e) => format!("Could not {}: {e}", if undo { "undo" } else { "redo" }),
        });
        self.drop_stale_selection();
        if let Some((doc, cp)) = place
            && self.project().is_some_and(|p| p.document(&doc).is_some())
        {
            let moved = self.state.current_doc.as_deref() != Some(doc.as_str());
            if moved {
                self.apply(Action::SelectDocument(doc));
            }
            if let Some(cp) = cp
                && (moved
                    || self
                        .current_view()
                        .and_then(|v| v.visible_range())
                        .is_none_or(|r| !r.contains(&cp)))
            {
                self.scroll_current_to(cp);
            }
        }
        if let (Some(before), Some(after)) = (before, self.review_item_states())
            && let Some(changed) = before.iter().zip(&after).position(|(b, a)| b != a)
        {
            self.review_select(changed);
        }
    }

    /// Every review item's state now (none without a review).
    fn review_item_states(&mut self) -> Option<Vec<crate::gui::review::ItemState>> {
        let (Some(review), Some(s)) = (&mut self.state.review, &self.session) else {
            return None;
        };
        review.refresh(s.project(), s.revision(), s.history());
        Some(
            (0..review.adjudication.items.len())
                .map(|i| review.state(i, s.history()))
                .collect(),
        )
    }

    /// Forgets selections that refer to annotations or documents that are gone.
    pub(super) fn drop_stale_selection(&mut self) {
        let Some(p) = self.project() else { return };
        let gone = self
            .state
            .selection
            .annotation
            .is_some_and(|id| p.annotation(id).is_none());
        let relation_gone = self.state.selection.relation.is_some_and(|id| p.relation(id).is_none());
        let doc_gone = self
            .state
            .current_doc
            .as_deref()
            .is_some_and(|d| p.document(d).is_none());
        let first_doc = p.documents.first().map(|d| d.id.clone());
        let picked: Vec<AnnotationId> = self
            .state
            .annotation_list
            .picked
            .iter()
            .copied()
            .filter(|id| p.annotation(*id).is_some())
            .collect();
        self.state.annotation_list.picked = picked;
        if gone {
            self.state.selection.annotation = None;
        }
        if gone || relation_gone {
            self.state.selection.relation = None;
        }

        if doc_gone {
            self.state.current_doc = first_doc;
            self.state.selection = Selection::default();
        }
    }

    pub(super) fn select_annotation(&mut self, id: Option<AnnotationId>) {
        if self.state.selection.annotation != id {
            self.state.selection.relation = None;
        }
        self.state.selection.annotation = id;
        self.state.selection.text = None;
        let Some(a) = id.and_then(|id| self.project().and_then(|p| p.annotation(id)).cloned()) else {
            return;
        };
        if self.state.current_doc.as_deref() != Some(&a.doc) {
            self.state.current_doc = Some(a.doc.clone());
        }
        self.state.selection.cursor = Some(a.start);
        self.scroll_current_to(a.start);
    }

    /// What a change of text size keeps in view: the selected annotation
    /// or text, else the first character on screen.
    pub(super) fn zoom_anchor(&self) -> Option<usize> {
        let selected = self
            .state
            .selection
            .annotation
            .and_then(|id| self.project()?.annotation(id))
            .filter(|a| self.state.current_doc.as_deref() == Some(a.doc.as_str()))
            .map(|a| a.start);
        selected
            .or_else(|| self.state.selection.text.as_ref().map(|r| r.start))
            .or_else(|| self.current_view()?.visible_range().map(|r| r.start))
    }

    pub(super) fn scroll_current_to(&mut self, cp: usize) {
        if let Some(doc) = self.state.current_doc.clone() {
            if let Some(view) = self.views.get_mut(&doc) {
                view.scroll_to(cp);
            } else if let Some(d) = self.project().and_then(|p| p.document(&doc)) {
                let mut view = DocumentView::new(d);
                view.scroll_to(cp);
                self.views.insert(doc, view);
            }
        }
    }

    pub(super) fn tag_selection(&mut self, label: &str) {
        let (Some(doc), Some(range)) = (self.state.current_doc.clone(), self.state.selection.text.clone()) else {
            // No text selected: a hotkey relabels the selected annotation.
            if self.state.selection.annotation.is_some() {
                self.apply(Action::RelabelSelected(label.to_owned()));
            }
            return;
        };
        let Some(s) = &mut self.session else { return };
        match crate::edit::tag(s.project(), &doc, &[range], label, &s.author.clone(), Timestamp::now()) {
            Ok(t) if !t.already.is_empty() => {
                self.state.selection.annotation = t.already.first().copied();
                self.state.selection.text = None;
                self.state.message = Some("That span already has this label".to_owned());
            }
            Ok(t) => {
                let id = t.added.first().map(|a| a.id);
                self.edit(Command::AddAnnotations(t.added));
                if let Some(id) = id
                    && self.project().is_some_and(|p| p.annotation(id).is_some())
                {
                    self.state.selection.text = None;
                    self.state.selection.annotation = Some(id);
                }
            }
            // A double-click between two words selects the space.
            Err(crate::edit::EditError::WhiteSpaceOnly { .. }) => {
                self.state.message = Some("Nothing to tag: the selection is only white space".to_owned());
            }
            Err(e) => self.state.message = Some(format!("Could not tag: {e}")),
        }
    }

    pub(super) fn tag_all_matches(&mut self, label: &str) {
        let Some(doc) = self.state.current_doc.clone() else {
            return;
        };
        if self.state.find.query.trim().is_empty() {
            self.state.message = Some("Nothing to tag: the search is only white space".to_owned());
            return;
        }
        let Some(s) = &self.session else { return };
        match crate::edit::tag(
            s.project(),
            &doc,
            &self.state.find.matches,
            label,
            &s.author,
            Timestamp::now(),
        ) {
            Ok(t) if t.added.is_empty() => {
                self.state.message = Some(format!("Every match is already tagged as {label}"));
            }
            Ok(t) => self.edit(Command::AddAnnotations(t.added)),
            Err(e) => self.state.message = Some(format!("Could not tag the matches: {e}")),
        }
    }

    pub(super) fn nudge(&mut self, start: isize, end: isize, by_word: bool) {
        let Some(id) = self.state.selection.annotation else {
            return;
        };
        let Some(p) = self.project() else { return };
        let Some(a) = p.annotation(id) else { return };
        let Some(text) = p.document(&a.doc).map(|d| d.text.clone()) else {
            return;
        };
        let step = |pos: usize, delta: isize, edge: words::Edge| -> usize {
            let forward = delta > 0;
            match delta {
                0 => pos,
                _ if by_word => words::word_step(&text, pos, forward, edge),
                _ => {
                    let moved = pos.saturating_add_signed(delta).min(text.len_chars());
                    words::skip_white_space(&text, moved, forward, edge)
                }
            }
        };
        let (s, e) = (
            step(a.start, start, words::Edge::Start),
            step(a.end, end, words::Edge::End),
        );
        if s < e && (s, e) != (a.start, a.end) {
            self.edit(Command::Resize {
                id,
                start: s,
                end: e,
                at: Timestamp::now(),
            });
        }
    }

    pub(super) fn delete_label(&mut self, id: &str, relabel_to: Option<String>) {
        let Some(p) = self.project() else { return };
        let command = crate::edit::delete_label(p, id, relabel_to.as_deref(), Timestamp::now());
        self.edit(command);
        if let (Some(editor), Some(p)) = (&mut self.state.schema_editor, &self.session) {
            editor.refresh(p.project());
        }
    }
}
