//! The one place where what the user asked for is carried out: every
//! [`Action`] of a frame goes through [`Workbench::run`]. Follow-ups go
//! through [`Workbench::apply`] again, so each is guarded as if the user
//! had asked for it (unsaved changes, the annotator's name).

use super::*;
use crate::edit::Command;
use crate::gui::action::{Action, PickPurpose};
use crate::gui::compare::ComparePicker;
use crate::gui::dialogs::Modal;
use crate::gui::export_dialog::ExportDialog;
use crate::gui::import_dialog::ImportDialog;
use crate::gui::panels;
use crate::gui::state::UiState;
use crate::gui::view::Selection;
use crate::model::Timestamp;
use crate::session::SessionError;

impl Workbench {
    pub(super) fn run(&mut self, action: Action) {
        // The actions that replace the project end a "discard and …" chain.
        let ends_discarding = matches!(
            action,
            Action::Open(_)
                | Action::CreateProject(_)
                | Action::CloseProject
                | Action::Quit
                | Action::StartReview {
                    into_current: false,
                    ..
                }
        );
        self.run_one(action);
        if ends_discarding {
            self.changes_discarded = false;
        }
    }

    pub(super) fn run_one(&mut self, action: Action) {
        match action {
            Action::NewProject => self.choose(PickPurpose::NewProject),
            Action::Choose(purpose) => self.choose(purpose),
            Action::Picked(purpose, paths) => self.picked(purpose, paths),
            Action::CreateProject(path) => self.create_project(&path),
            Action::OpenProject => self.choose(PickPurpose::OpenProject),
            Action::Open(path) => self.open(&path),
            Action::CloseProject => {
                if let Some(s) = &mut self.session {
                    let _ = s.discard_recovery();
                }
                self.drop_unsaved_copy();
                self.session = None;
                self.views.clear();
                self.state = UiState::default();
            }
            Action::Quit => {
                if let Some(s) = &mut self.session {
                    let _ = s.discard_recovery();
                }
                self.drop_unsaved_copy();
                self.quit_confirmed = true;
            }
            Action::AddDocuments => self.choose(PickPurpose::AddDocuments),
            Action::AddFolder => self.choose(PickPurpose::AddFolder),
            Action::CancelAddFolder => {
                if let Some(job) = &self.state.adding_folder {
                    job.cancel();
                }
            }
            Action::AddDocumentFiles(files) => self.add_documents(&files),
            Action::Save => {
                self.save(false);
            }
            Action::SaveOverwriting => {
                self.save(true);
            }
            Action::SaveThen(then) => {
                if self.save(false) {
                    self.run(*then);
                }
            }
            Action::DiscardChangesThen(then) => {
                if let Some(s) = &mut self.session {
                    let _ = s.discard_recovery();
                }
                self.changes_discarded = true;
                self.run(*then);
            }
            Action::SaveAs => self.choose(PickPurpose::SaveAs),
            Action::SaveTo(path) => {
                if let Some(s) = &mut self.session {
                    match s.save_as(&path) {
                        Ok(()) => {
                            self.settings.remember(&path);
                            let _ = self.settings.save();
                            self.state.message = Some(format!("Saved as {}", path.display()));
                            self.keep_rejections();
                            self.drop_unsaved_copy();
                        }
                        Err(e) => self.error("Could not save", e.to_string()),
                    }
                }
            }
            Action::ReloadFromDisk => {
                if let Some(s) = &mut self.session {
                    match s.reload() {
                        Ok(()) => {
                            self.views.clear();
                            self.state.disk_changes.clear();
                            self.state.selection = Selection::default();
                            self.state.message = Some("Reloaded from disk".to_owned());
                        }
                        Err(e) => self.error("Could not reload", e.to_string()),
                    }
                }
            }
            Action::MergeFromDisk => {
                if let Some(s) = &mut self.session {
                    match s.merge_from_disk() {
                        Ok(merged) => {
                            self.views.clear();
                            self.state.disk_changes.clear();
                            self.state.selection = Selection::default();
                            let t = merged.tally;
                            let sc = merged.suggestions;
                            let layer = if sc == crate::diff::SuggestionCounts::default() {
                                String::new()
                            } else {
                                format!(
                                    "; suggestions: {} added, {} accepted or cleared, {} rejected",
                                    sc.added, sc.removed, sc.rejected
                                )
                            };
                            self.state.message = Some(if merged.is_clean() {
                                format!(
                                    "Merged the version on disk: {} annotation(s) from theirs, {} deleted{layer}; not saved yet",
                                    t.from_theirs, t.deleted
                                )
                            } else {
                                format!(
                                    "Merged the version on disk with {} conflict(s) (yours kept, marked); not saved yet",
                                    merged.conflicts.len()
                                )
                            });
                        }
                        Err(e) => self.error("Could not merge the version on disk", e.to_string()),
                    }
                }
            }
            Action::RestoreUnsaved(file) => match crate::persist::load(&file) {
                Ok(loaded) => {
                    self.session = Some(Session::new(loaded.project));
                    self.views.clear();
                    self.state = UiState::default();
                    self.state.current_doc = self.project().and_then(|p| p.documents.first()).map(|d| d.id.clone());
                    // Autosaves go on into the same copy until it is saved.
                    self.unsaved_copy = Some(file);
                    self.state.message = Some("Restored the unsaved project: save it with File → Save As…".to_owned());
                }
                Err(e) => self.error("Could not restore the unsaved project", e.to_string()),
            },
            Action::DiscardUnsaved(file) => {
                let _ = std::fs::remove_file(file);
            }
            Action::OpenCommandPalette => {
                self.state.command_palette = Some(panels::command_palette::CommandPalette::default());
            }
            Action::AskAuthor(then) => {
                let name = self.session.as_ref().map(|s| s.author.clone()).unwrap_or_default();
                let name = if name == crate::user::UNKNOWN_AUTHOR {
                    String::new()
                } else {
                    name
                };
                self.modal = Some(Modal::AskAuthor { name, then });
            }
            Action::SetAuthor(name, then) => {
                if let Some(name) = crate::user::clean(&name) {
                    self.settings.author = name.clone();
                    if let Err(e) = self.settings.save() {
                        self.state.message = Some(format!("Could not save the settings: {e}"));
                    }
                    if let Some(s) = &mut self.session {
                        s.author = name.clone();
                    }
                    self.state.message = Some(format!("Annotating as {name}"));
                    if let Some(then) = then {
                        self.apply(*then);
                    }
                }
            }
            Action::KeepMine => {
                if let Some(s) = &mut self.session {
                    s.acknowledge_disk_changes();
                }
                self.state.disk_changes.clear();
            }
            Action::RestoreRecovery => {
                if let (Some(Modal::Recovery { recovered, .. }), Some(s)) = (self.modal.take(), &mut self.session) {
                    s.restore(*recovered);
                    self.views.clear();
                    self.state.message = Some("Restored the unsaved work from the recovery copy".to_owned());
                }
            }
            Action::DiscardRecovery => {
                self.modal = None;
                if let Some(s) = &mut self.session {
                    let _ = s.discard_recovery();
                }
            }
            Action::SaveVersionDialog => {
                if self.session.is_some() {
                    self.modal = Some(Modal::SaveVersion { note: String::new() });
                }
            }
            Action::SaveWithNote(note) => {
                let Some(s) = &mut self.session else { return };
                match s.save_version(false, note.trim()) {
                    Ok(()) => {
                        self.state.disk_changes.clear();
                        self.state.message = Some(match s.take_history_warning() {
                            Some(w) => w,
                            None => format!("Saved a version: {}", note.trim()),
                        });
                    }
                    Err(SessionError::ChangedOnDisk) => self.modal = Some(Modal::ChangedOnDisk),
                    Err(e) => self.error("Could not save", e.to_string()),
                }
            }
            Action::Reanchor(doc) => {
                // The history may still be recording the last save's texts.
                if let Some(s) = &mut self.session {
                    s.wait_for_snapshots();
                }
                let old = self.session.as_ref().and_then(|s| {
                    let hash = &s.project().document(&doc)?.hash;
                    crate::persist::history::VersionHistory::of(s.path()?).text(hash)
                });
                match old {
                    Some(old) => self.reanchor(&doc, &old),
                    None => self.error(
                        "The annotated text is not in the history",
                        format!(
                            "Marginalia did not keep the text that {doc} was annotated on (it was annotated before its history began). Use “Choose the old text…” to give the file of that text."
                        ),
                    ),
                }
            }
            Action::ReanchorWithFile(doc) => self.choose(PickPurpose::ReanchorOld(doc)),
            Action::AttachOrphan(id) => {
                let (Some(range), Some(p)) = (self.state.selection.text.clone(), self.project()) else {
                    self.state.message = Some("Select the text to attach the orphan to first".to_owned());
                    return;
                };
                match crate::diff::reattach(p, id, range, Timestamp::now()) {
                    Some(command) => self.edit(command),
                    None => self.state.message = Some("The selection is not in the orphan's document".to_owned()),
                }
            }
            Action::OpenCompare => {
                // The last save's version listed too.
                if let Some(s) = &mut self.session {
                    s.wait_for_snapshots();
                }
                let Some(session) = &self.session else { return };
                let versions = match session.path() {
                    Some(p) => crate::persist::history::VersionHistory::of(p).versions(),
                    None => Ok(Vec::new()),
                };
                let (versions, error) = match versions {
                    Ok(v) => (v, None),
                    Err(e) => (Vec::new(), Some(format!("The version history could not be read: {e}"))),
                };
                let mut picker = ComparePicker::new(versions, session.is_dirty());
                picker.error = error;
                self.state.compare_picker = Some(picker);
            }
            Action::PickCompareFile(side) => self.choose(PickPurpose::CompareFile(side)),
            Action::StartComparison(a, b) => self.start_comparison(&a, &b),
            Action::OpenExport => {
                if let Some(p) = self.project() {
                    self.state.export = Some(ExportDialog::new(p));
                }
            }
            Action::PickExportTarget => {
                if let Some(dialog) = &self.state.export {
                    self.choose(PickPurpose::ExportTarget(dialog.format));
                }
            }
            Action::StartExport => {
                self.finish_text_check();
                if let (Some(dialog), Some(s)) = (&mut self.state.export, self.session.as_ref()) {
                    dialog.start(s.project().clone(), s.path());
                }
            }
            Action::OpenImport => {
                let author = self
                    .session
                    .as_ref()
                    .map_or_else(crate::session::default_author, |s| s.author.clone());
                self.state.import = Some(ImportDialog::new(author));
            }
            Action::PickImportInputs { folder } => {
                if let Some(dialog) = &self.state.import {
                    let format = dialog.format;
                    self.choose(PickPurpose::ImportInputs { format, folder });
                }
            }
            Action::CreateImportedProject => self.choose(PickPurpose::ImportedProject),
            Action::CloseComparison => self.state.comparison = None,
            Action::OpenReview { into_current } => self.choose(PickPurpose::Review { into_current }),
            Action::StartReview { paths, into_current } => self.start_review(&paths, into_current),
            Action::CloseReview => self.state.review = None,
            Action::ReviewPair(a, b) => {
                if let Some(r) = &mut self.state.review {
                    r.set_pair(a, b);
                }
                self.add_review_labels();
            }
            Action::ReviewDecide { item, decision } => self.review_decide(item, decision),
            Action::ReviewDecideCurrent(decision) => {
                let focus = self.state.review.as_ref().map(|r| (r.current, r.current_relation));
                match focus {
                    Some((_, Some(item))) => self.review_decide_relation(item, decision),
                    Some((Some(item), None)) => self.review_decide(item, decision),
                    _ => {}
                }
            }
            Action::ReviewDecideRelation { item, decision } => self.review_decide_relation(item, decision),
            Action::ReviewSelectRelation(i) => self.review_select_relation(i),
            Action::ReviewNextRelation(forward) => {
                let next = self
                    .state
                    .review
                    .as_ref()
                    .zip(self.session.as_ref())
                    .and_then(|(r, s)| r.next_relation(forward, s.history()));
                match next {
                    Some(i) => self.review_select_relation(i),
                    None => self.state.message = Some("No relations to adjudicate".to_owned()),
                }
            }
            Action::ReviewAcceptRelationAgreements => self.review_accept_relation_agreements(),
            Action::ReviewEdit(item) => self.review_edit(item),
            Action::ReviewAcceptAgreements => {
                let Some((r, s)) = self.state.review.as_ref().zip(self.session.as_ref()) else {
                    return;
                };
                let command = r.adjudication.accept_agreements(s.project(), Timestamp::now());
                self.edit(command);
            }
            Action::ReviewNext(forward) => {
                let Some((r, s)) = self.state.review.as_ref().zip(self.session.as_ref()) else {
                    return;
                };
                if let Some(i) = r.next(forward, s.history()) {
                    self.review_select(i);
                }
            }
            Action::ReviewSelect(i) => self.review_select(i),
            Action::ReviewShowAgreements(show) => {
                if let Some(r) = &mut self.state.review {
                    r.show_agreements = show;
                }
            }
            Action::ResolveConflict { id, take_other } => self.resolve_conflict(id, take_other),
            Action::ResolveRelationConflict { id, take_other } => self.resolve_relation_conflict(id, take_other),
            Action::NextConflict => self.next_conflict(),
            Action::Adopt { changes, side } => self.adopt(&changes, side),
            Action::AdoptRelations { changes, side } => self.adopt_relations(&changes, side),
            Action::AdoptAttributes { changes, side } => self.adopt_attributes(&changes, side),
            Action::Edit(command) => self.edit(command),
            Action::Undo => self.undo_redo(true),
            Action::Redo => self.undo_redo(false),
            Action::TagSelection(label) => self.tag_selection(&label),
            Action::RelabelSelected(label) => {
                if let Some(id) = self.state.selection.annotation {
                    self.edit(Command::Relabel {
                        ids: vec![id],
                        label,
                        at: Timestamp::now(),
                    });
                }
            }
            Action::DeleteSelected => {
                if let Some(id) = self.state.selection.annotation.take() {
                    // Its relations go in the same step: said, so that
                    // the status bar and Undo name them too.
                    let relations = self
                        .project()
                        .and_then(|p| Some(p.relations_touching(&p.annotation(id)?.doc, id).count()))
                        .unwrap_or(0);
                    let delete = Command::DeleteAnnotations(vec![id]);
                    self.edit(match relations {
                        0 => delete,
                        n => Command::Named {
                            what: format!("delete 1 annotation and its {}", crate::model::plural(n, "relation")),
                            commands: vec![delete],
                        },
                    });
                }
            }
            Action::NudgeSelected { start, end, by_word } => self.nudge(start, end, by_word),
            Action::SetNote { id, note } => {
                let current = self.project().and_then(|p| p.annotation(id)).map(|a| a.note.clone());
                if current.is_some_and(|n| n != note) {
                    self.edit(Command::SetNote {
                        id,
                        note,
                        at: Timestamp::now(),
                    });
                }
            }
            Action::CycleStatus(doc) => {
                if let Some(status) = self.project().and_then(|p| p.document(&doc)).map(|d| d.status) {
                    self.edit(Command::SetStatus {
                        doc,
                        status: status.next(),
                    });
                }
            }
            Action::TagAllMatches(label) => self.tag_all_matches(&label),
            Action::ConfirmDeleteLabel(id) => {
                let Some(p) = self.project() else { return };
                let count = p
                    .annotations()
                    .iter()
                    .chain(&p.orphans)
                    .filter(|a| a.label == id)
                    .count();
                let suggestions = p.suggestions().iter().filter(|s| s.label == id).count();
                if count == 0 && suggestions == 0 {
                    return self.delete_label(&id, None);
                }
                // The safe choice first: keep the annotations under another label.
                let relabel_to = p.schema.labels.iter().find(|l| l.id != id).map(|l| l.id.clone());
                self.modal = Some(Modal::DeleteLabel {
                    id,
                    count,
                    suggestions,
                    relabel_to,
                    checked: None,
                });
            }
            Action::DeleteLabel { id, relabel_to } => self.delete_label(&id, relabel_to),
            Action::SelectDocument(doc) => {
                if self.state.current_doc.as_deref() != Some(&doc) {
                    self.state.current_doc = Some(doc);
                    self.state.selection = Selection::default();
                    self.state.annotation_list.note_draft = None;
                    self.state.annotation_list.picked.clear();
                }
            }
            Action::SelectAnnotation(id) => self.select_annotation(id),
            Action::SelectRelation(id) => self.select_relation(id),
            Action::DragLink { from, to } => self.drag_link(from, to),
            Action::SelectNeighbour { forward } => {
                let Some(project) = self.project() else { return };
                let Some(doc) = self.state.current_doc.as_deref() else {
                    return;
                };
                let (selection, filters) = (&self.state.selection, &self.state.annotation_list.filters);
                match panels::annotations::neighbour(project, doc, selection, filters, forward) {
                    Some(id) => {
                        self.select_annotation(Some(id));
                        self.state.annotation_list.reveal = true;
                    }
                    None => {
                        let which = if forward { "after" } else { "before" };
                        self.state.message = Some(format!("No annotation {which} this one in the list"));
                    }
                }
            }
            Action::NeighbourDocument { forward } => {
                let Some(project) = self.project() else { return };
                let docs = &project.documents;
                let here = self
                    .state
                    .current_doc
                    .as_deref()
                    .and_then(|d| docs.iter().position(|x| x.id == d));
                let next = match (here, forward) {
                    (Some(k), true) => docs.get(k + 1),
                    (Some(k), false) => k.checked_sub(1).and_then(|k| docs.get(k)),
                    (None, _) => docs.first(),
                };
                match next.map(|d| d.id.clone()) {
                    Some(id) => self.apply(Action::SelectDocument(id)),
                    None => {
                        let which = if forward { "last" } else { "first" };
                        self.state.message = Some(format!("This is the {which} document"));
                    }
                }
            }
            Action::ClearSelection if self.state.show_shortcuts => self.state.show_shortcuts = false,
            // Esc closes the find bar first, wherever the focus is.
            // Esc closes an open dialog window first, then the find bar.
            Action::ClearSelection if self.state.export.as_ref().is_some_and(|d| !d.running()) => {
                self.state.export = None;
            }
            Action::ClearSelection if self.state.import.is_some() => self.state.import = None,
            Action::ClearSelection if self.state.compare_picker.is_some() => self.state.compare_picker = None,
            Action::ClearSelection if self.state.find.open => self.state.find.open = false,
            Action::ClearSelection => {
                self.state.selection.text = None;
                self.state.selection.annotation = None;
                self.state.annotation_list.picked.clear();
            }
            Action::PickAll(doc) => {
                if let Some(s) = &self.session {
                    self.state.annotation_list.pick_all(s.project(), &doc);
                    let n = self.state.annotation_list.picked.len();
                    self.state.message = Some(format!("{} selected", crate::model::plural(n, "annotation")));
                }
            }
            Action::OpenFind => {
                self.state.find.open = true;
                self.state.find.focus_query = true;
                if let (Some(sel), Some(doc)) = (&self.state.selection.text, self.current_text())
                    && let Some(s) = doc.slice(sel.clone())
                    && !s.contains('\n')
                    && s.chars().count() < 100
                {
                    self.state.find.query = s.to_owned();
                }
            }
            Action::FindNext | Action::FindPrevious => {
                let from = self.state.selection.cursor.unwrap_or(0);
                let found = if action == Action::FindNext {
                    self.state.find.next(from)
                } else {
                    self.state.find.previous(from)
                };
                if let Some(m) = found {
                    self.state.selection.text = Some(m.clone());
                    self.state.selection.cursor = Some(m.start);
                    self.scroll_current_to(m.start);
                }
            }
            Action::ToggleTheme => {
                self.settings.dark = !self.settings.dark;
                let _ = self.settings.save();
            }
            Action::ZoomIn | Action::ZoomOut | Action::ZoomReset => {
                // Keep the place: the selection, else the first character
                // in view, stays in view at the new size.
                let anchor = self.zoom_anchor();
                match action {
                    Action::ZoomIn => self.settings.zoom_in(),
                    Action::ZoomOut => self.settings.zoom_out(),
                    _ => self.settings.zoom = 1.0,
                }
                let _ = self.settings.save();
                if let Some(cp) = anchor {
                    self.scroll_current_to(cp);
                }
            }
            Action::ToggleAllRelations => {
                self.settings.all_relations = !self.settings.all_relations;
                let _ = self.settings.save();
            }
            Action::StartLinking => self.start_linking(),
            Action::ToggleCorpusSearch => {
                self.state.corpus_search = match self.state.corpus_search.take() {
                    Some(_) => None,
                    None => Some(Default::default()),
                };
            }
            Action::ToggleOverview => {
                self.state.overview = match self.state.overview.take() {
                    Some(_) => None,
                    None => Some(Default::default()),
                };
            }
            Action::SearchFor { text, label } => {
                let search = self.state.corpus_search.get_or_insert_with(Default::default);
                if label.is_some() {
                    search.label = label;
                }
                // A fresh search: the options and document filter of an
                // earlier one would hide what was asked for.
                search.query = crate::search::Query {
                    pattern: text,
                    whole_word: true,
                    ..Default::default()
                };
                search.doc_filter.clear();
                search.focus_query = false;
                if let Some(s) = &self.session {
                    search.run(s.project());
                }
            }
            Action::CorpusSearchRun => {
                if let (Some(search), Some(s)) = (&mut self.state.corpus_search, &self.session) {
                    search.run(s.project());
                }
            }
            Action::ShowHit(i) => self.show_hit(i),
            Action::TagHits { label, untagged_only } => self.tag_hits(&label, untagged_only),
            Action::FocusSuggestion(s) => {
                self.state.message = Some(
                    "Suggestion in focus: Ctrl+Enter accepts, Ctrl+Delete rejects, F4 goes to the next".to_owned(),
                );
                self.focus_suggestion(s);
            }
            Action::SuggestionStep { forward } => self.suggestion_step(forward),
            Action::DecideSuggestion { accept } => self.decide_suggestion(accept),
            Action::DecideSuggestions { scope, accept } => self.decide_suggestions(scope, accept),
            Action::SuggestFromProject => self.suggest_from_project(),
            Action::SuggestFromGazetteer => self.choose(PickPurpose::Gazetteer),
            Action::ClearSuggestions(source) => self.clear_suggestions(&source),
            Action::StartRoles => self.start_roles(),
            Action::AddPiece => self.add_piece(),
            Action::RemovePiece(id, k) => self.remove_piece(id, k),
            Action::LinkKey(key) => self.link_key(key),
            Action::LinkPick(id) => self.link_pick(id),
            Action::Relate { kind, from, to } => self.relate(&kind, from, to),
            Action::DeleteRelation(id) => self.delete_relation(id),
            Action::SetAttr { owners, key, value } => self.set_attr(owners, &key, value),
            Action::NewEntity { name, owner, key } => self.new_entity(&name, owner, &key),
            Action::ToggleSnap => {
                self.settings.snap_to_words = !self.settings.snap_to_words;
                let _ = self.settings.save();
            }
            Action::OpenSchemaEditor => {
                if let Some(p) = self.project() {
                    self.state.schema_editor = Some(panels::schema::SchemaEditor::new(p));
                }
            }
            // F1 again, or Esc, puts the list away.
            Action::ShowShortcuts => self.state.show_shortcuts = !self.state.show_shortcuts,
        }
    }
}
