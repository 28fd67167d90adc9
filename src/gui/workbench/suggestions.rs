//! Suggestions in the workbench: making them (from the project's own tags
//! or a gazetteer), going from one to the next, accepting and rejecting
//! them one at a time or a whole scope at once. Each decision is one
//! undoable step through the session, as every edit.

use super::*;
use crate::gui::suggestions::{Scope, in_scope, step};
use crate::gui::view::Selection;
use crate::model::{Suggestion, Timestamp, plural};
use crate::search::suggest;

impl Workbench {
    /// Shows `s` in its document and puts it in focus.
    pub(super) fn focus_suggestion(&mut self, s: Suggestion) {
        if self.state.current_doc.as_deref() != Some(s.doc.as_str()) {
            self.state.current_doc = Some(s.doc.clone());
        }
        self.state.selection = Selection {
            cursor: Some(s.start),
            ..Default::default()
        };
        self.scroll_current_to(s.start);
        self.state.suggestions.set_focus(Some(s));
    }

    /// F4 / Shift+F4: the next (previous) open suggestion, in this
    /// document, then in the next (previous) ones.
    pub(super) fn suggestion_step(&mut self, forward: bool) {
        let Some(project) = self.session.as_ref().map(Session::project) else {
            return;
        };
        let doc = self.state.current_doc.clone();
        let from = self
            .state
            .suggestions
            .current_open(project)
            .filter(|c| Some(&c.doc) == doc.as_ref())
            .cloned();
        match step(project, doc.as_deref(), from.as_ref(), forward) {
            Some(next) => {
                let here = crate::gui::suggestions::open_of(project, &next.doc);
                let at = here.iter().position(|s| s.key() == next.key()).map_or(0, |i| i + 1);
                self.state.message = Some(format!("Suggestion {at} of {} in this document", here.len()));
                self.focus_suggestion(next);
            }
            None => self.state.message = Some("No open suggestions in the project".to_owned()),
        }
    }

    /// The open suggestions of the focus's span and label (several sources
    /// may suggest the same span): decided together, the focus first.
    fn focus_and_twins(&mut self) -> Option<Vec<Suggestion>> {
        let project = self.session.as_ref().map(Session::project)?;
        let current = self.state.suggestions.current_open(project)?.clone();
        let mut same = vec![current.clone()];
        same.extend(
            project
                .open_suggestions_of(&current.doc)
                .filter(|s| (s.start, s.end, &s.label) == (current.start, current.end, &current.label))
                .filter(|s| s.key() != current.key())
                .cloned(),
        );
        Some(same)
    }

    /// Ctrl+Enter / Ctrl+Delete: accept or reject the suggestion in focus,
    /// then focus the next one of the document.
    pub(super) fn decide_suggestion(&mut self, accept: bool) {
        let Some(same) = self.focus_and_twins() else {
            self.state.message = Some("No suggestion in focus: F4 goes to the next, or click a dashed span".to_owned());
            return;
        };
        let focus = same[0].clone();
        self.decide(&same, accept);
        let Some(project) = self.session.as_ref().map(Session::project) else {
            return;
        };
        let here = crate::gui::suggestions::open_of(project, &focus.doc);
        let after = here
            .iter()
            .find(|s| (s.start, s.end, &s.label) > (focus.start, focus.end, &focus.label))
            .cloned();
        // Past the last one, back to the first still open in this
        // document (earlier ones skipped with F4 or clicked past).
        let wrapped = after.is_none() && !here.is_empty();
        match after.or_else(|| here.first().cloned()) {
            Some(next) => {
                self.focus_suggestion(next);
                if wrapped && let Some(m) = &mut self.state.message {
                    m.push_str(". Back to the first one still open in this document");
                }
            }
            None => {
                self.state.suggestions.set_focus(None);
                if let Some(m) = &mut self.state.message {
                    m.push_str(". No more here: F4 goes to the next document with suggestions");
                }
            }
        }
    }

    /// Accept or reject every open suggestion of `scope` around the focus.
    pub(super) fn decide_suggestions(&mut self, scope: Scope, accept: bool) {
        let Some(project) = self.session.as_ref().map(Session::project) else {
            return;
        };
        let Some(focus) = self.state.suggestions.current_open(project).cloned() else {
            self.state.message = Some("No suggestion in focus".to_owned());
            return;
        };
        let all = in_scope(project, &focus, scope);
        self.decide(&all, accept);
        self.state.suggestions.set_focus(None);
    }

    /// One step that accepts (tags) or rejects `suggestions` (open ones).
    fn decide(&mut self, suggestions: &[Suggestion], accept: bool) {
        let Some(session) = &self.session else { return };
        if suggestions.is_empty() {
            return;
        }
        let before = crate::gui::suggestions::generations(session.project());
        let (command, accepted, rejected) = if accept {
            match suggest::accept_step(session.project(), suggestions, &session.author, Timestamp::now()) {
                Ok(step) => {
                    let mut closed = step.accepted;
                    closed.extend(step.twins);
                    (step.command, closed, step.rivals)
                }
                Err(e) => {
                    self.state.message = Some(format!("Could not accept: {e}"));
                    return;
                }
            }
        } else {
            (suggest::reject(suggestions), Vec::new(), suggestions.to_vec())
        };
        let revision = session.revision();
        self.edit(command);
        if let Some(session) = &self.session
            && session.revision() != revision
        {
            self.state
                .suggestions
                .decided(before, session.project(), &accepted, &rejected);
        }
    }

    /// Review → Suggest what the project tags elsewhere.
    pub(super) fn suggest_from_project(&mut self) {
        let Some(project) = self.session.as_ref().map(Session::project) else {
            return;
        };
        let patterns = suggest::project_patterns(project);
        if patterns.is_empty() {
            self.state.message = Some("Nothing is tagged yet: tag a few spans, then suggest them elsewhere".to_owned());
            return;
        }
        let from = format!("{} tagged text(s)", patterns.len());
        self.find_suggestions(patterns, "project".to_owned(), from);
    }

    /// Looks for `patterns` over the corpus and stores what is found: here
    /// and now for a small project, on a thread (with a bar) for one of
    /// more than [`Workbench::suggest_in_background_over`] bytes of text,
    /// over a clone of the project (its annotations are shared, not
    /// copied). Tagged meanwhile, a span found is stored all the same, but
    /// not open: the tag settles it.
    fn find_suggestions(&mut self, patterns: Vec<suggest::Pattern>, source: String, from: String) {
        let Some(project) = self.session.as_ref().map(Session::project) else {
            return;
        };
        if self.state.suggesting.is_some() {
            self.state.message = Some("Suggestions are being looked for already".to_owned());
            return;
        }
        let size: usize = project.documents.iter().map(|d| d.text.as_str().len()).sum();
        if size <= self.suggest_in_background_over {
            let found = suggest::suggest(project, &patterns, &source, &|_| true);
            self.store_suggestions(found, &from);
            return;
        }
        let project = project.clone();
        // None once cancelled: the thread stops at the next document.
        let job = crate::gui::job::Job::spawn(format!("Looking for {from}"), move |progress| {
            suggest::suggest_with(&project, &patterns, &source, &|_| true, progress)
        });
        self.state.suggesting = Some((job, from));
    }

    /// The suggestions being looked for: a bar with Cancel while the work
    /// runs, then what was found stored in one step.
    pub(super) fn suggesting_ui(&mut self, ui: &mut Ui) {
        let Some((job, _)) = &self.state.suggesting else { return };
        match job.poll() {
            None => {
                let mut cancel = false;
                egui::Panel::top("suggesting").show(ui, |ui| cancel = job.ui(ui));
                if cancel {
                    job.cancel();
                    self.state.suggesting = None;
                    self.state.message = Some("Suggestions: cancelled, nothing stored".to_owned());
                }
            }
            Some(result) => {
                let Some((_, from)) = self.state.suggesting.take() else {
                    return;
                };
                match result {
                    Ok(Some(found)) => self.store_suggestions(found, &from),
                    Ok(None) => {}
                    Err(e) => self.state.message = Some(format!("Could not look for suggestions: {e}")),
                }
            }
        }
    }

    /// Review → Suggest from a gazetteer…, once the file is chosen.
    pub(super) fn suggest_from_gazetteer(&mut self, path: &Path) {
        let Some(project) = self.session.as_ref().map(Session::project) else {
            return;
        };
        let (patterns, source) = match suggest::load_gazetteer(path, project) {
            Ok(read) => read,
            Err(e) => return self.error("Could not read the gazetteer", e.to_string()),
        };
        let name = source.trim_start_matches("gazetteer:").to_owned();
        let from = format!("{} term(s) of {name}", patterns.len());
        self.find_suggestions(patterns, source, from);
    }

    fn store_suggestions(&mut self, found: Vec<Suggestion>, from: &str) {
        if found.is_empty() {
            self.state.message = Some(format!(
                "No new suggestions from {from}: nothing found that is not tagged already or offered before"
            ));
            return;
        }
        let documents = {
            let mut docs: Vec<&str> = found.iter().map(|s| s.doc.as_str()).collect();
            docs.dedup();
            docs.len()
        };
        let n = found.len();
        self.edit(suggest::store(found));
        self.state.message = Some(format!(
            "{} from {from}, in {}: F4 goes through them, Ctrl+Enter accepts, Ctrl+Delete rejects",
            plural(n, "suggestion"),
            plural(documents, "document")
        ));
    }

    /// Takes out the open suggestions of `source` (its rejected ones stay,
    /// so that it does not offer them again).
    pub(super) fn clear_suggestions(&mut self, source: &str) {
        let Some(project) = self.session.as_ref().map(Session::project) else {
            return;
        };
        let open: Vec<Suggestion> = project
            .suggestions()
            .iter()
            .filter(|s| s.source == source && !s.rejected)
            .cloned()
            .collect();
        if open.is_empty() {
            return;
        }
        self.edit(crate::edit::Command::Named {
            what: format!("clear {} from {source}", plural(open.len(), "open suggestion")),
            commands: vec![crate::edit::Command::RemoveSuggestions(open)],
        });
    }
}
