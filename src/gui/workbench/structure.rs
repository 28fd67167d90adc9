//! Structure edits from the workbench: relations made from the keyboard
//! (the linking loop), deleted from the inspector, attributes set on one
//! or many annotations, entities added from an attribute's list. Each
//! becomes one undoable command whose name says what it did.

use super::*;
use crate::edit::{Command, Structure};
use crate::gui::linking::{LinkKey, Linking, Step};
use crate::gui::panels::structure::{entity_id, relation_undo_text};
use crate::model::{AnnotationId, AttrValue, Entity, Owner, Timestamp, plural, shorten};

impl Workbench {
    /// Ctrl+K: links the selected annotation to another.
    pub(super) fn start_linking(&mut self) {
        if self.state.linking.take().is_some() {
            self.state.message = Some("Linking cancelled".to_owned());
            return;
        }
        let Some(project) = self.project() else { return };
        let Some(from) = self.state.selection.annotation.and_then(|id| project.annotation(id)) else {
            self.state.message = Some("Select an annotation first, then Ctrl+K links it to another".to_owned());
            return;
        };
        match Linking::start(project, from) {
            Ok(linking) => {
                let first = linking.current(project);
                self.state.linking = Some(linking);
                self.state.message =
                    Some("Link to: ←/→ choose, type to narrow, Enter to link, Esc to cancel".to_owned());
                self.show_link_candidate(first);
            }
            Err(why) => self.state.message = Some(why),
        }
    }

    /// Ctrl+R: assigns the selected event's roles in turn.
    pub(super) fn start_roles(&mut self) {
        if self.state.linking.take().is_some() {
            self.state.message = Some("Linking cancelled".to_owned());
            return;
        }
        let Some(project) = self.project() else { return };
        let Some(event) = self.state.selection.annotation.and_then(|id| project.annotation(id)) else {
            self.state.message = Some("Select an event first, then Ctrl+R assigns its roles".to_owned());
            return;
        };
        match Linking::roles(project, event) {
            Ok(linking) => {
                let first = linking.current(project);
                self.state.linking = Some(linking);
                self.state.message =
                    Some("Roles: ←/→ choose, type to narrow, Enter assigns, Tab skips the role, Esc ends".to_owned());
                self.show_link_candidate(first);
            }
            Err(why) => self.state.message = Some(why),
        }
    }

    /// Selects relation `id` (its editor opens in the inspector): the
    /// selected annotation stays if it is one of its ends, else its source
    /// is selected. `None` closes the editor.
    pub(super) fn select_relation(&mut self, id: Option<AnnotationId>) {
        let Some(r) = id.and_then(|id| self.project()?.relation(id)).cloned() else {
            self.state.selection.relation = None;
            return;
        };
        if !matches!(self.state.selection.annotation, Some(a) if a == r.from || a == r.to) {
            self.select_annotation(Some(r.from));
        }
        self.state.selection.relation = Some(r.id);
    }

    /// A relation dragged from `from`'s link knob onto `to`: made at once
    /// when one type fits, else the linking bar asks which type.
    pub(super) fn drag_link(&mut self, from: AnnotationId, to: AnnotationId) {
        let Some(project) = self.project() else { return };
        let Some(a) = project.annotation(from) else { return };
        match Linking::start(project, a) {
            Ok(linking) if linking.offers(to) => {
                self.state.linking = Some(linking);
                self.link_pick(to);
                // Dropped where no type fits now: nothing is left half-made.
                if self.state.linking.as_ref().is_some_and(|l| l.choosing.is_none()) {
                    self.state.linking = None;
                }
            }
            Ok(_) => {
                let what = |id| {
                    self.project()
                        .and_then(|p| p.annotation(id))
                        .map_or_else(String::new, |a| format!("“{}”", shorten(&a.text, 30)))
                };
                self.state.message = Some(format!(
                    "No relation type can link {} and {} now (the schema allows no more links between them)",
                    what(from),
                    what(to)
                ));
            }
            Err(why) => self.state.message = Some(why),
        }
    }

    /// Shows corpus search hit `i`: its document, the hit selected as text
    /// (a label key tags it) and scrolled into view.
    pub(super) fn show_hit(&mut self, i: usize) {
        let Some(hit) = self.state.corpus_search.as_mut().and_then(|s| {
            s.current = Some(i);
            s.hits.get(i).cloned()
        }) else {
            return;
        };
        if self.state.current_doc.as_deref() != Some(hit.doc.as_str()) {
            self.state.current_doc = Some(hit.doc.clone());
        }
        self.state.selection = crate::gui::view::Selection {
            text: Some(hit.range()),
            cursor: Some(hit.start),
            ..Default::default()
        };
        self.scroll_current_to(hit.start);
    }

    /// Tags the corpus search's ticked hits with `label`, one step.
    pub(super) fn tag_hits(&mut self, label: &str, untagged_only: bool) {
        let (Some(search), Some(session)) = (&self.state.corpus_search, &self.session) else {
            return;
        };
        let hits = search.ticked_hits();
        let result = crate::search::tag_hits(
            session.project(),
            &hits,
            label,
            untagged_only,
            &session.author,
            Timestamp::now(),
        );
        match result {
            Ok(tagged) => match tagged.command {
                Some(command) => {
                    self.edit(command);
                    // What is tagged now leaves the ticks: the button counts
                    // what is left.
                    if let (Some(search), Some(s)) = (&mut self.state.corpus_search, &self.session) {
                        search.refresh_states(s.project());
                        let still: Vec<usize> = search
                            .ticked
                            .iter()
                            .copied()
                            .filter(|&i| search.state(i).is_some_and(|st| st.is_untagged()))
                            .collect();
                        search.ticked = still.into_iter().collect();
                    }
                    if tagged.skipped > 0
                        && let Some(m) = &mut self.state.message
                    {
                        m.push_str(&format!(" ({} already tagged, left)", tagged.skipped));
                    }
                }
                None => {
                    self.state.message = Some(format!(
                        "Nothing to tag: the {} ticked are tagged already",
                        plural(hits.len(), "hit")
                    ));
                }
            },
            Err(e) => self.state.message = Some(format!("Could not tag the hits: {e}")),
        }
    }

    /// Feeds one key to the linking loop.
    pub(super) fn link_key(&mut self, key: LinkKey) {
        self.link_step(|linking, project| linking.key(project, key));
    }

    /// A candidate clicked while linking.
    pub(super) fn link_pick(&mut self, id: AnnotationId) {
        self.link_step(|linking, project| linking.pick(project, id));
    }

    fn link_step(&mut self, step: impl FnOnce(&mut Linking, &Project) -> Step) {
        let (Some(session), Some(linking)) = (&self.session, &mut self.state.linking) else {
            return;
        };
        let project = session.project();
        let step = step(linking, project);
        let current = linking.current(project);
        let choosing = linking.choosing.as_ref().map(|(_, types)| {
            let keys: Vec<String> = types
                .iter()
                .enumerate()
                .map(|(n, id)| {
                    let t = project.schema.relation_type(id);
                    let key = t
                        .and_then(|t| t.hotkey)
                        .map_or_else(|| (n + 1).to_string(), String::from);
                    format!("{key} {}", t.map_or(id.as_str(), |t| t.name.as_str()))
                })
                .collect();
            format!("Which relation? {} · Enter: the first · Esc: back", keys.join(" · "))
        });
        match step {
            Step::Continue => {
                if let Some(text) = choosing {
                    self.state.message = Some(text);
                }
                self.show_link_candidate(current);
            }
            Step::Cancel => {
                let roles = self.state.linking.take().and_then(|l| l.roles);
                self.state.message = Some(match roles {
                    Some(r) => format!("Roles: {} assigned", plural(r.assigned, "role")),
                    None => "Linking cancelled".to_owned(),
                });
            }
            Step::Refuse(why) => self.state.message = Some(why),
            Step::Finished(text) => {
                self.state.linking = None;
                self.state.message = Some(text);
            }
            Step::Relate { kind, from, to } => {
                let roles = self.state.linking.take().filter(|l| l.roles.is_some());
                self.relate(&kind, from, to);
                self.state.selection.annotation = Some(from);
                // Assigning roles: on to the next one, if the role was filled.
                let Some(mut linking) = roles else { return };
                let Some(project) = self.project() else { return };
                let filled = project
                    .relations_from(&linking.doc, from)
                    .iter()
                    .any(|r| r.kind == kind && r.to == to);
                if !filled {
                    return;
                }
                let step = linking.role_filled(project);
                let current = linking.current(project);
                match step {
                    Step::Finished(text) => self.state.message = Some(text),
                    _ => {
                        self.state.linking = Some(linking);
                        self.show_link_candidate(current);
                    }
                }
            }
        }
    }

    /// Scrolls the candidate into view (the view draws it and the arrow).
    fn show_link_candidate(&mut self, id: Option<AnnotationId>) {
        let Some(start) = id.and_then(|id| self.project()?.annotation(id)).map(|a| a.start) else {
            return;
        };
        let on_screen = self.current_view().is_some_and(|v| v.char_rect(start).is_some());
        if !on_screen {
            self.scroll_current_to(start);
        }
    }

    /// Ctrl+J: the selected text becomes another piece of the selected
    /// annotation (a quotation interrupted by "a-t-il déclaré").
    pub(super) fn add_piece(&mut self) {
        let Some(project) = self.project() else { return };
        let (Some(a), Some(text)) = (
            self.state.selection.annotation.and_then(|id| project.annotation(id)),
            self.state.selection.text.clone(),
        ) else {
            self.state.message = Some(if self.state.selection.annotation.is_some() {
                "Ctrl+drag over the text to add (the annotation stays selected), then press Ctrl+J".to_owned()
            } else {
                "Select an annotation, then Ctrl+drag over the text to add and press Ctrl+J".to_owned()
            });
            return;
        };
        let mut pieces: Vec<(usize, usize)> = a.pieces().iter().map(|p| (p.start, p.end)).collect();
        if pieces.iter().any(|&(s, e)| s < text.end && text.start < e) {
            self.state.message = Some("That text overlaps a piece of the annotation".to_owned());
            return;
        }
        pieces.push((text.start, text.end));
        pieces.sort_unstable();
        let what = format!("add a piece to “{}”", shorten(&a.text, 30));
        let id = a.id;
        self.set_pieces(id, pieces, what);
        if self
            .project()
            .is_some_and(|p| p.annotation(id).is_some_and(|a| a.is_discontinuous()))
        {
            self.state.selection.text = None;
        }
    }

    /// Takes piece `k` out of annotation `id` (one piece stays at least).
    pub(super) fn remove_piece(&mut self, id: AnnotationId, k: usize) {
        let Some(a) = self.project().and_then(|p| p.annotation(id)) else {
            return;
        };
        let mut pieces: Vec<(usize, usize)> = a.pieces().iter().map(|p| (p.start, p.end)).collect();
        if pieces.len() < 2 || k >= pieces.len() {
            return;
        }
        pieces.remove(k);
        let what = format!("remove a piece of “{}”", shorten(&a.text, 30));
        self.set_pieces(id, pieces, what);
    }

    /// Gives annotation `id` these pieces, as one step named `what`.
    fn set_pieces(&mut self, id: AnnotationId, pieces: Vec<(usize, usize)>, what: String) {
        self.edit(Command::Named {
            what,
            commands: vec![Command::SetFragments {
                id,
                pieces,
                at: Timestamp::now(),
            }],
        });
    }

    /// Makes a relation, named for Undo: "relate claimant: “…” → “…”".
    pub(super) fn relate(&mut self, kind: &str, from: AnnotationId, to: AnnotationId) {
        let author = self.session.as_ref().map(|s| s.author.clone()).unwrap_or_default();
        let Some(project) = self.project() else { return };
        let (Some(a), Some(b)) = (project.annotation(from), project.annotation(to)) else {
            return;
        };
        let what = relation_undo_text(project, kind, a, b);
        match crate::edit::new_relation(project, kind, from, to, &author, Timestamp::now()) {
            Ok(r) => self.edit(Command::Named {
                what,
                commands: vec![Command::AddRelations(vec![r])],
            }),
            Err(e) => self.state.message = Some(format!("Could not {what}: {e}")),
        }
    }

    pub(super) fn delete_relation(&mut self, id: AnnotationId) {
        let Some(project) = self.project() else { return };
        let Some(r) = project.relation(id) else { return };
        let (Some(a), Some(b)) = (project.annotation(r.from), project.annotation(r.to)) else {
            return;
        };
        let what = format!(
            "delete the relation {}",
            relation_undo_text(project, &r.kind, a, b).trim_start_matches("relate ")
        );
        self.edit(Command::Named {
            what,
            commands: vec![Command::DeleteRelations(vec![id])],
        });
    }

    /// Sets (or unsets) `key` on every owner that does not hold that value
    /// already, in one step (annotations in one bulk command).
    pub(super) fn set_attr(&mut self, owners: Vec<Owner>, key: &str, value: Option<AttrValue>) {
        let Some(project) = self.project() else { return };
        let name = project
            .schema
            .attribute(key)
            .map_or(key, |d| d.name.as_str())
            .to_lowercase();
        let what = match &value {
            Some(v) => format!("set {name} to {}", shorten(&v.to_string(), 30)),
            None => format!("unset {name}"),
        };
        let changes = vec![(key.to_owned(), value.clone())];
        let at = Timestamp::now();
        let (annotations, others): (Vec<Owner>, Vec<Owner>) =
            owners.into_iter().partition(|o| matches!(o, Owner::Annotation(_)));
        let ids: Vec<AnnotationId> = annotations
            .iter()
            .filter_map(|o| match o {
                Owner::Annotation(id) => Some(*id),
                _ => None,
            })
            .collect();
        // Those that hold the value already are left out of the count.
        let wanted: std::collections::HashSet<AnnotationId> = ids.iter().copied().collect();
        let changing = project
            .annotations()
            .iter()
            .filter(|a| wanted.contains(&a.id) && a.attrs.get(key) != value.as_ref())
            .count();
        let holds = |o: &Owner| match o {
            Owner::Relation(id) => project.relation(*id).and_then(|r| r.attrs.get(key)),
            Owner::Document(d) => project.document(d).and_then(|d| d.attrs.get(key)),
            Owner::Annotation(_) => None,
        };
        let mut commands: Vec<Command> = others
            .iter()
            .filter(|o| holds(o) != value.as_ref())
            .map(|o| Command::SetAttrs {
                owner: o.clone(),
                changes: changes.clone(),
                at,
            })
            .collect();
        if changing > 0 {
            commands.push(Command::SetAnnotationAttrs { ids, changes, at });
        }
        let count = changing + commands.len().saturating_sub(usize::from(changing > 0));
        if commands.is_empty() {
            self.state.message = Some(format!("Nothing to change: {what} would leave it as it is"));
            return;
        }
        let what = if count > 1 {
            format!("{what} on {}", plural(count, "annotation"))
        } else {
            what
        };
        self.edit(Command::Named { what, commands });
    }

    /// Adds an entity named `name` to the list and refers to it from
    /// `owner`'s `key`, as one step.
    pub(super) fn new_entity(&mut self, name: &str, owner: Owner, key: &str) {
        let Some(project) = self.project() else { return };
        let mut entities = project.schema.entities.clone();
        let id = entity_id(name, |id| entities.iter().any(|e| e.id == id));
        entities.push(Entity {
            id: id.clone(),
            name: name.to_owned(),
            reference: None,
            note: String::new(),
        });
        self.edit(Command::Named {
            what: format!("add the entity {name} and refer to it"),
            commands: vec![
                Command::SetStructure(Structure::Entities(entities)),
                Command::SetAttrs {
                    owner,
                    changes: vec![(key.to_owned(), Some(AttrValue::Text(id)))],
                    at: Timestamp::now(),
                },
            ],
        });
    }
}
