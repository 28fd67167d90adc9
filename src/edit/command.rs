//! Every change to a project, as a value.
//!
//! A [`Command`] is validated and applied in one step by [`Command::apply`],
//! which returns the command that undoes it. Either the whole command applies
//! or the project is left untouched, so a failed edit never leaves half a
//! change behind (a [`Command::Batch`] rolls back its applied parts).
//! Commands carry every value they need, timestamps included, so applying
//! one twice (redo) gives the same project both times.

use std::collections::HashSet;

use super::structure::{self, Structure};
use crate::model::{
    Annotation, AnnotationId, AttrTarget, AttrValue, Attrs, Document, Label, Owner, Project, Relation, Status,
    Suggestion, Timestamp, plural, shorten,
};

/// One undoable change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Add annotations (fresh ids, valid spans, quoted text matching).
    AddAnnotations(Vec<Annotation>),
    /// Delete annotations by id.
    DeleteAnnotations(Vec<AnnotationId>),
    /// Give annotations another label.
    Relabel {
        ids: Vec<AnnotationId>,
        label: String,
        at: Timestamp,
    },
    /// Move an annotation's boundaries; the quoted text follows.
    Resize {
        id: AnnotationId,
        start: usize,
        end: usize,
        at: Timestamp,
    },
    /// Replace an annotation's note.
    SetNote {
        id: AnnotationId,
        note: String,
        at: Timestamp,
    },
    /// Put existing annotations back to exactly these values (the inverse of
    /// relabel, resize and note edits; also used to adopt another version's
    /// annotation in the diff view).
    RestoreAnnotations(Vec<Annotation>),
    /// Set a document's annotation status.
    SetStatus { doc: String, status: Status },
    /// Insert a label at a palette position.
    AddLabel { label: Label, index: usize },
    /// Change a label's name, colour, hotkey or guideline (matched by id).
    UpdateLabel(Label),
    /// Remove a label no annotation uses.
    RemoveLabel(String),
    /// Give a label no annotation uses another id (a new label's id
    /// follows its name until it is first used).
    RenameLabelId { from: String, to: String },
    /// Move a label to another palette position.
    MoveLabel { id: String, index: usize },
    /// Insert documents at positions in the document list, in order.
    AddDocuments(Vec<(usize, Document)>),
    /// Remove documents that have no annotations.
    RemoveDocuments(Vec<String>),
    /// Rename the project.
    SetProjectName(String),
    /// Replace a document's recorded text identity (hash, length) and all
    /// its annotations and orphans at once: re-anchoring after the text
    /// changed, and its undo. Annotations are checked against the loaded
    /// text only when `hash` is that text's hash (otherwise their offsets
    /// refer to the text the hash names).
    SetAnchors {
        doc: String,
        hash: String,
        length: usize,
        annotations: Vec<Annotation>,
        orphans: Vec<Annotation>,
    },
    /// Delete orphans (annotations whose text was deleted).
    DeleteOrphans(Vec<AnnotationId>),
    /// Put orphans back (the inverse of deleting them).
    RestoreOrphans(Vec<Annotation>),
    /// Add relations (fresh ids, endpoints in their document, a type that
    /// allows their labels and has room for another).
    AddRelations(Vec<Relation>),
    /// Delete relations by id.
    DeleteRelations(Vec<AnnotationId>),
    /// Put existing relations back to exactly these values (retype,
    /// another note or endpoint, and the inverse of such edits).
    RestoreRelations(Vec<Relation>),
    /// Set (`Some`) or unset (`None`) attributes of an annotation, a
    /// relation or a document, as one step.
    SetAttrs {
        owner: Owner,
        changes: Vec<(String, Option<AttrValue>)>,
        at: Timestamp,
    },
    /// Set or unset the same attributes on many annotations at once (a
    /// bulk edit over a selection): one step, checked for each, undone by
    /// restoring their previous values. Annotations that already hold the
    /// values are left as they are.
    SetAnnotationAttrs {
        ids: Vec<AnnotationId>,
        changes: Vec<(String, Option<AttrValue>)>,
        at: Timestamp,
    },
    /// Replace a document's metadata fields (the inverse of [`Command::SetAttrs`] on a document).
    SetDocumentAttrs { doc: String, attrs: Attrs },
    /// Make an annotation discontinuous, or change its pieces (`(start,
    /// end)` in order; one piece makes it a plain span again).
    SetFragments {
        id: AnnotationId,
        pieces: Vec<(usize, usize)>,
        at: Timestamp,
    },
    /// Replace the relation types, the attribute declarations or the entity
    /// list (add, edit, remove and reorder in one): refused when what is in
    /// use would stop validating.
    SetStructure(Structure),
    /// Add suggestions (each new by its key; document, label, span and
    /// quoted text checked).
    AddSuggestions(Vec<Suggestion>),
    /// Remove suggestions, by key (accepted, or cleared).
    RemoveSuggestions(Vec<Suggestion>),
    /// Put existing suggestions (by key) back to exactly these values:
    /// rejecting, and the undo of it.
    RestoreSuggestions(Vec<Suggestion>),
    /// Several commands as one undoable step.
    Batch(Vec<Command>),
    /// Several commands as one undoable step, described as `what` in the
    /// undo and redo menus ("accept A on “Aliyev”" rather than "2 changes").
    Named { what: String, commands: Vec<Command> },
}

/// Why a command was refused. The project is unchanged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("no annotation with id {0}")]
    UnknownAnnotation(AnnotationId),
    #[error("annotation id {0} is already in use")]
    DuplicateAnnotation(AnnotationId),
    #[error("no document {0:?} in the project")]
    UnknownDocument(String),
    #[error("document {0:?} is already in the project")]
    DuplicateDocument(String),
    #[error("no label {0:?} in the schema")]
    UnknownLabel(String),
    #[error("label {0:?} is already in the schema")]
    DuplicateLabel(String),
    #[error("hotkey {key:?} is already bound to label {label:?}")]
    HotkeyTaken { key: char, label: String },
    #[error("label {label:?} is used by {count} annotations (orphans included); relabel or delete them first")]
    LabelInUse { label: String, count: usize },
    #[error("document {doc:?} has {count} annotations (orphans included); delete them first")]
    DocumentInUse { doc: String, count: usize },
    #[error("empty span [{start}, {end}) in document {doc:?}: an annotation must cover at least one character")]
    EmptySpan { doc: String, start: usize, end: usize },
    #[error("span [{start}, {end}) is outside document {doc:?} ({length} code points)")]
    OutOfBounds {
        doc: String,
        start: usize,
        end: usize,
        length: usize,
    },
    #[error("annotation {id} quotes {quoted:?} but document {doc:?} has {actual:?} at [{start}, {end})")]
    QuoteMismatch {
        id: AnnotationId,
        doc: String,
        start: usize,
        end: usize,
        quoted: String,
        actual: String,
    },
    #[error("span [{start}, {end}) of document {doc:?} is only white space: nothing to tag")]
    WhiteSpaceOnly { doc: String, start: usize, end: usize },
    #[error("label position {index} is past the end of the palette ({len} labels)")]
    BadPosition { index: usize, len: usize },
    #[error("no relation with id {0}")]
    UnknownRelation(AnnotationId),
    #[error("no relation type {0:?} in the schema")]
    UnknownRelationType(String),
    #[error("relation type {kind:?} does not link {from_label:?} to {to_label:?} (it allows {allowed})")]
    RelationNotAllowed {
        kind: String,
        from_label: String,
        to_label: String,
        allowed: String,
    },
    #[error("annotation {id}: {reason}")]
    BadFragments { id: AnnotationId, reason: String },
    /// The edit would leave something that does not validate; the message
    /// says what.
    #[error("{0}")]
    Breaks(String),
}

impl Command {
    /// Validates and applies the command, returning its inverse. On error
    /// the project is unchanged.
    pub fn apply(&self, project: &mut Project) -> Result<Command, EditError> {
        match self {
            Command::AddAnnotations(new) => add_annotations(project, new),
            Command::DeleteAnnotations(ids) => {
                let set = existing_ids(project, ids)?;
                // Their relations go in the same step: never a dangling end.
                let relations = touching(project, &set);
                let removed = Command::AddAnnotations(project.remove_annotations(&set));
                Ok(with_relations(removed, project.remove_relations(&relations)))
            }
            Command::Relabel { ids, label, at } => {
                if !project.schema.contains(label) {
                    return Err(EditError::UnknownLabel(label.clone()));
                }
                let set = existing_ids(project, ids)?;
                // Those already so labelled are left alone (their
                // `modified` too): relabeling to the same label is no edit.
                let changed: Vec<Annotation> = project
                    .annotations()
                    .iter()
                    .filter(|a| set.contains(&a.id) && a.label != *label)
                    .map(|a| Annotation {
                        label: label.clone(),
                        modified: *at,
                        ..a.clone()
                    })
                    .collect();
                check_relabel(project, &changed)?;
                Ok(Command::RestoreAnnotations(project.replace_annotations(changed)))
            }
            Command::Resize { id, start, end, at } => {
                let old = project.annotation(*id).ok_or(EditError::UnknownAnnotation(*id))?;
                if (old.start, old.end) == (*start, *end) {
                    return Ok(Command::RestoreAnnotations(Vec::new()));
                }
                if old.is_discontinuous() {
                    // The outer ends move: the first piece's start, the
                    // last piece's end.
                    let mut pieces = old.fragments.clone();
                    pieces[0].0 = *start;
                    if let Some(last) = pieces.last_mut() {
                        last.1 = *end;
                    }
                    return structure::set_fragments(project, *id, &pieces, *at);
                }
                let text = span_text(project, &old.doc, *start, *end)?;
                let new = Annotation {
                    start: *start,
                    end: *end,
                    text,
                    modified: *at,
                    ..old.clone()
                };
                Ok(Command::RestoreAnnotations(project.replace_annotations(vec![new])))
            }
            Command::SetNote { id, note, at } => {
                let old = project.annotation(*id).ok_or(EditError::UnknownAnnotation(*id))?;
                if old.note == *note {
                    return Ok(Command::RestoreAnnotations(Vec::new()));
                }
                let new = Annotation {
                    note: note.clone(),
                    modified: *at,
                    ..old.clone()
                };
                Ok(Command::RestoreAnnotations(project.replace_annotations(vec![new])))
            }
            Command::RestoreAnnotations(values) => {
                let ids: Vec<AnnotationId> = values.iter().map(|a| a.id).collect();
                existing_ids(project, &ids)?;
                for a in values {
                    check_annotation(project, a)?;
                }
                Ok(Command::RestoreAnnotations(project.replace_annotations(values.clone())))
            }
            Command::SetStatus { doc, status } => {
                let d = project
                    .document_mut(doc)
                    .ok_or_else(|| EditError::UnknownDocument(doc.clone()))?;
                let old = std::mem::replace(&mut d.status, *status);
                Ok(Command::SetStatus {
                    doc: doc.clone(),
                    status: old,
                })
            }
            Command::AddLabel { label, index } => {
                let len = project.schema.labels.len();
                if *index > len {
                    return Err(EditError::BadPosition { index: *index, len });
                }
                if project.schema.contains(&label.id) {
                    return Err(EditError::DuplicateLabel(label.id.clone()));
                }
                check_hotkey(project, label)?;
                project.schema.labels.insert(*index, label.clone());
                Ok(Command::RemoveLabel(label.id.clone()))
            }
            Command::UpdateLabel(label) => {
                let index = project
                    .schema
                    .position(&label.id)
                    .ok_or_else(|| EditError::UnknownLabel(label.id.clone()))?;
                check_hotkey(project, label)?;
                let old = std::mem::replace(&mut project.schema.labels[index], label.clone());
                Ok(Command::UpdateLabel(old))
            }
            Command::RemoveLabel(id) => {
                let index = project
                    .schema
                    .position(id)
                    .ok_or_else(|| EditError::UnknownLabel(id.clone()))?;
                // Orphans count: left behind, they would name a missing label.
                let count = project
                    .annotations()
                    .iter()
                    .chain(&project.orphans)
                    .filter(|a| &a.label == id)
                    .count();
                if count > 0 {
                    return Err(EditError::LabelInUse {
                        label: id.clone(),
                        count,
                    });
                }
                let suggested = project.suggestions().iter().filter(|s| &s.label == id).count();
                if suggested > 0 {
                    return Err(EditError::Breaks(format!(
                        "label {id:?} has {}; clear them first",
                        plural(suggested, "suggestion")
                    )));
                }
                if let Some(user) = label_users(project, id).first() {
                    return Err(EditError::Breaks(format!(
                        "label {id:?} is named by the schema's {user}; change that first"
                    )));
                }
                let label = project.schema.labels.remove(index);
                Ok(Command::AddLabel { label, index })
            }
            Command::RenameLabelId { from, to } => {
                let index = project
                    .schema
                    .position(from)
                    .ok_or_else(|| EditError::UnknownLabel(from.clone()))?;
                if project.schema.contains(to) {
                    return Err(EditError::DuplicateLabel(to.clone()));
                }
                let count = project
                    .annotations()
                    .iter()
                    .chain(&project.orphans)
                    .filter(|a| &a.label == from)
                    .count();
                if count > 0 {
                    return Err(EditError::LabelInUse {
                        label: from.clone(),
                        count,
                    });
                }
                project.schema.labels[index].id = to.clone();
                project.rename_suggestion_label(from, to);
                // The schema's own references follow (relation types'
                // ends, attributes' targets): the label is the same one.
                rename_label_references(project, from, to);
                Ok(Command::RenameLabelId {
                    from: to.clone(),
                    to: from.clone(),
                })
            }
            Command::MoveLabel { id, index } => {
                let from = project
                    .schema
                    .position(id)
                    .ok_or_else(|| EditError::UnknownLabel(id.clone()))?;
                let len = project.schema.labels.len();
                if *index >= len {
                    return Err(EditError::BadPosition { index: *index, len });
                }
                let label = project.schema.labels.remove(from);
                project.schema.labels.insert(*index, label);
                Ok(Command::MoveLabel {
                    id: id.clone(),
                    index: from,
                })
            }
            Command::AddDocuments(docs) => add_documents(project, docs),
            Command::RemoveDocuments(ids) => remove_documents(project, ids),
            Command::SetProjectName(name) => Ok(Command::SetProjectName(std::mem::replace(
                &mut project.name,
                name.clone(),
            ))),
            Command::SetAnchors {
                doc,
                hash,
                length,
                annotations,
                orphans,
            } => set_anchors(project, doc, hash, *length, annotations, orphans),
            Command::DeleteOrphans(ids) => {
                for id in ids {
                    if !project.orphans.iter().any(|o| o.id == *id) {
                        return Err(EditError::UnknownAnnotation(*id));
                    }
                }
                let (gone, kept) = std::mem::take(&mut project.orphans)
                    .into_iter()
                    .partition(|o| ids.contains(&o.id));
                project.orphans = kept;
                let set: HashSet<AnnotationId> = ids.iter().copied().collect();
                let relations = touching(project, &set);
                Ok(with_relations(
                    Command::RestoreOrphans(gone),
                    project.remove_relations(&relations),
                ))
            }
            Command::RestoreOrphans(orphans) => {
                let taken = project.annotation_ids();
                for o in orphans {
                    if taken.contains(&o.id) {
                        return Err(EditError::DuplicateAnnotation(o.id));
                    }
                    if project.document(&o.doc).is_none() {
                        return Err(EditError::UnknownDocument(o.doc.clone()));
                    }
                }
                project.orphans.extend(orphans.iter().cloned());
                project.orphans.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
                Ok(Command::DeleteOrphans(orphans.iter().map(|o| o.id).collect()))
            }
            Command::AddRelations(new) => structure::add_relations(project, new),
            Command::DeleteRelations(ids) => structure::delete_relations(project, ids),
            Command::RestoreRelations(values) => structure::restore_relations(project, values),
            Command::SetAttrs { owner, changes, at } => structure::set_attrs(project, owner, changes, *at),
            Command::SetAnnotationAttrs { ids, changes, at } => {
                structure::set_annotation_attrs(project, ids, changes, *at)
            }
            Command::SetDocumentAttrs { doc, attrs } => structure::set_document_attrs(project, doc, attrs),
            Command::SetFragments { id, pieces, at } => structure::set_fragments(project, *id, pieces, *at),
            Command::SetStructure(new) => structure::set_structure(project, new),
            Command::AddSuggestions(new) => super::suggestions::add(project, new),
            Command::RemoveSuggestions(gone) => super::suggestions::remove(project, gone),
            Command::RestoreSuggestions(values) => super::suggestions::restore(project, values),
            Command::Batch(commands) => apply_all(commands, project).map(Command::Batch),
            Command::Named { what, commands } => apply_all(commands, project).map(|commands| Command::Named {
                what: what.clone(),
                commands,
            }),
        }
    }

    /// True when `inverse`, returned by applying this command, shows that
    /// the command changed nothing (a relabel to the same label, a note
    /// set to what it was, a status already set): such a command is not
    /// an edit and is not recorded. A [`Command::Named`] step is a decision
    /// (an adjudication's "reject both" leaves the project as it is, yet is
    /// undone and redone like any step): always recorded.
    pub fn changed_nothing(&self, inverse: &Command) -> bool {
        match (self, inverse) {
            (Command::Named { .. }, _) => false,
            (_, Command::RestoreAnnotations(v) | Command::AddAnnotations(v) | Command::RestoreOrphans(v))
                if v.is_empty() =>
            {
                true
            }
            (_, Command::RestoreRelations(v) | Command::AddRelations(v)) if v.is_empty() => true,
            (_, Command::AddSuggestions(v) | Command::RemoveSuggestions(v) | Command::RestoreSuggestions(v))
                if v.is_empty() =>
            {
                true
            }
            (_, Command::DeleteAnnotations(ids) | Command::DeleteOrphans(ids) | Command::DeleteRelations(ids))
                if ids.is_empty() =>
            {
                true
            }
            (_, Command::Batch(is)) if is.is_empty() => true,
            (Command::Batch(cs), Command::Batch(is)) => {
                cs.len() == is.len() && cs.iter().zip(is.iter().rev()).all(|(c, i)| c.changed_nothing(i))
            }
            (
                Command::SetStatus { .. }
                | Command::UpdateLabel(_)
                | Command::MoveLabel { .. }
                | Command::SetProjectName(_)
                | Command::SetDocumentAttrs { .. }
                | Command::SetStructure(_),
                i,
            ) => self == i,
            _ => false,
        }
    }

    /// Rewrites the paths of the documents this command adds (see
    /// [`super::History::rebase_document_paths`]).
    pub fn rebase_document_paths(&mut self, rebase: &dyn Fn(&str) -> Option<String>) {
        match self {
            Command::AddDocuments(docs) => {
                for (_, doc) in docs {
                    if let Some(rel) = rebase(&doc.path) {
                        doc.path = rel;
                    }
                }
            }
            Command::Batch(commands) | Command::Named { commands, .. } => {
                for c in commands {
                    c.rebase_document_paths(rebase);
                }
            }
            _ => {}
        }
    }

    /// [`Command::describe`] with label names instead of ids where the
    /// schema has them ("tag “Erevan” as Place", not "as label_2").
    /// Where in the corpus this command changes something, for the
    /// workbench to show it after an undo or redo: a document and, when
    /// the change is at a span, that span's start. Asked of `project` as
    /// it is (an annotation deleted by the command is found in its inverse).
    pub fn place(&self, project: &Project) -> Option<(String, Option<usize>)> {
        let of_annotation = |id: &AnnotationId| project.annotation(*id).map(|a| (a.doc.clone(), Some(a.start)));
        let of_relation = |id: &AnnotationId| project.relation(*id).and_then(|r| of_annotation(&r.from));
        match self {
            Command::AddAnnotations(list) | Command::RestoreAnnotations(list) | Command::RestoreOrphans(list) => {
                list.first().map(|a| (a.doc.clone(), Some(a.start)))
            }
            Command::DeleteAnnotations(ids) | Command::DeleteOrphans(ids) | Command::Relabel { ids, .. } => {
                ids.iter().find_map(of_annotation)
            }
            Command::SetAnnotationAttrs { ids, .. } => ids.iter().find_map(of_annotation),
            Command::Resize { id, .. } | Command::SetNote { id, .. } | Command::SetFragments { id, .. } => {
                of_annotation(id)
            }
            Command::SetStatus { doc, .. }
            | Command::SetDocumentAttrs { doc, .. }
            | Command::SetAnchors { doc, .. } => Some((doc.clone(), None)),
            Command::AddRelations(list) | Command::RestoreRelations(list) => {
                list.iter().find_map(|r| of_annotation(&r.from))
            }
            Command::DeleteRelations(ids) => ids.iter().find_map(of_relation),
            Command::SetAttrs { owner, .. } => match owner {
                Owner::Annotation(id) => of_annotation(id),
                Owner::Relation(id) => of_relation(id),
                Owner::Document(doc) => Some((doc.clone(), None)),
            },
            Command::AddSuggestions(list) | Command::RemoveSuggestions(list) | Command::RestoreSuggestions(list) => {
                list.first().map(|s| (s.doc.clone(), Some(s.start)))
            }
            Command::Batch(commands) | Command::Named { commands, .. } => {
                commands.iter().find_map(|c| c.place(project))
            }
            Command::AddLabel { .. }
            | Command::UpdateLabel(_)
            | Command::RemoveLabel(_)
            | Command::RenameLabelId { .. }
            | Command::MoveLabel { .. }
            | Command::AddDocuments(_)
            | Command::RemoveDocuments(_)
            | Command::SetProjectName(_)
            | Command::SetStructure(_) => None,
        }
    }

    pub fn describe_in(&self, schema: &crate::model::Schema) -> String {
        let name = |id: &str| schema.get(id).map_or_else(|| id.to_owned(), |l| l.name.clone());
        match self {
            Command::AddAnnotations(v) => match v.as_slice() {
                [a] => format!("tag “{}” as {}", shorten(&a.text, 30), name(&a.label)),
                _ => self.describe(),
            },
            Command::Relabel { ids, label, .. } => {
                format!("relabel {} as {}", plural(ids.len(), "annotation"), name(label))
            }
            Command::RemoveLabel(id) => format!("remove label {}", name(id)),
            Command::MoveLabel { id, .. } => format!("move label {}", name(id)),
            Command::Batch(v) if v.len() == 1 => v[0].describe_in(schema),
            _ => self.describe(),
        }
    }

    /// A short description for the Edit menu ("Undo tag 3 spans as event").
    pub fn describe(&self) -> String {
        match self {
            Command::AddAnnotations(v) => match v.as_slice() {
                [a] => format!("tag “{}” as {}", shorten(&a.text, 30), a.label),
                _ => format!("add {}", plural(v.len(), "annotation")),
            },
            Command::DeleteAnnotations(ids) => format!("delete {}", plural(ids.len(), "annotation")),
            Command::Relabel { ids, label, .. } => format!("relabel {} as {label}", plural(ids.len(), "annotation")),
            Command::Resize { .. } => "resize annotation".to_owned(),
            Command::SetNote { .. } => "edit note".to_owned(),
            Command::RestoreAnnotations(v) => format!("restore {}", plural(v.len(), "annotation")),
            Command::SetStatus { doc, status } => format!("mark {doc} as {status}"),
            Command::AddLabel { label, .. } => format!("add label {}", label.name),
            Command::UpdateLabel(label) => format!("edit label {}", label.name),
            Command::RemoveLabel(id) => format!("remove label {id}"),
            Command::MoveLabel { id, .. } => format!("move label {id}"),
            Command::RenameLabelId { from, to } => format!("change label id {from} to {to}"),
            Command::AddDocuments(d) => format!("add {}", plural(d.len(), "document")),
            Command::RemoveDocuments(d) => format!("remove {}", plural(d.len(), "document")),
            Command::SetProjectName(_) => "rename project".to_owned(),
            Command::SetAnchors { doc, .. } => format!("re-anchor {doc}"),
            Command::DeleteOrphans(ids) => format!("delete {}", plural(ids.len(), "orphan")),
            Command::RestoreOrphans(v) => format!("restore {}", plural(v.len(), "orphan")),
            Command::Batch(v) => match v.as_slice() {
                [one] => one.describe(),
                _ => format!("{} changes", v.len()),
            },
            Command::AddRelations(v) => match v.as_slice() {
                [r] => format!("link as {}", r.kind),
                _ => format!("add {}", plural(v.len(), "relation")),
            },
            Command::DeleteRelations(ids) => format!("delete {}", plural(ids.len(), "relation")),
            Command::RestoreRelations(v) => format!("restore {}", plural(v.len(), "relation")),
            Command::SetAnnotationAttrs { ids, changes, .. } => match changes.as_slice() {
                [(key, Some(v))] => format!(
                    "set {key} to {} on {}",
                    shorten(&v.to_string(), 30),
                    plural(ids.len(), "annotation")
                ),
                [(key, None)] => format!("unset {key} on {}", plural(ids.len(), "annotation")),
                _ => format!(
                    "set {} on {}",
                    plural(changes.len(), "attribute"),
                    plural(ids.len(), "annotation")
                ),
            },
            Command::SetAttrs { changes, .. } => match changes.as_slice() {
                [(key, Some(v))] => format!("set {key} to {}", shorten(&v.to_string(), 30)),
                [(key, None)] => format!("unset {key}"),
                _ => format!("set {}", plural(changes.len(), "attribute")),
            },
            Command::SetDocumentAttrs { doc, .. } => format!("edit the metadata of {doc}"),
            Command::SetFragments { pieces, .. } => match pieces.len() {
                1 => "join the pieces of an annotation".to_owned(),
                n => format!("make an annotation of {n} pieces"),
            },
            Command::SetStructure(s) => s.describe().to_owned(),
            Command::AddSuggestions(v) => format!("add {}", plural(v.len(), "suggestion")),
            Command::RemoveSuggestions(v) => format!("remove {}", plural(v.len(), "suggestion")),
            Command::RestoreSuggestions(v) if v.iter().all(|s| s.rejected) => {
                format!("reject {}", plural(v.len(), "suggestion"))
            }
            Command::RestoreSuggestions(v) => format!("restore {}", plural(v.len(), "suggestion")),
            Command::Named { what, .. } => what.clone(),
        }
    }
}

/// The ids of the relations touching any of `ids`.
fn touching(project: &Project, ids: &HashSet<AnnotationId>) -> HashSet<AnnotationId> {
    project
        .relations()
        .iter()
        .filter(|r| ids.contains(&r.from) || ids.contains(&r.to))
        .map(|r| r.id)
        .collect()
}

/// The inverse of a deletion that also removed `relations`: put the
/// annotations back, then their relations.
fn with_relations(inverse: Command, relations: Vec<Relation>) -> Command {
    if relations.is_empty() {
        inverse
    } else {
        Command::Batch(vec![inverse, Command::AddRelations(relations)])
    }
}

/// Refuses a relabel that would leave a relation its type does not allow,
/// or an attribute value the new label does not take.
fn check_relabel(project: &Project, changed: &[Annotation]) -> Result<(), EditError> {
    let labels: std::collections::HashMap<AnnotationId, &str> =
        changed.iter().map(|a| (a.id, a.label.as_str())).collect();
    let label_of = |id: AnnotationId| {
        labels
            .get(&id)
            .copied()
            .or_else(|| project.annotation(id).map(|a| a.label.as_str()))
    };
    for a in changed {
        whole_document_ok(project, a)?;
        for r in project.relations_touching(&a.doc, a.id) {
            let (Some(kind), Some(from), Some(to)) =
                (project.schema.relation_type(&r.kind), label_of(r.from), label_of(r.to))
            else {
                continue;
            };
            if !kind.allows(from, to) {
                return Err(EditError::Breaks(format!(
                    "annotation {} is an end of relation {} ({}), which does not link {from:?} to {to:?}; delete or change the relation first",
                    a.id, r.id, r.kind
                )));
            }
        }
        structure::check_attrs(
            project,
            &Owner::Annotation(a.id),
            &a.doc,
            &AttrTarget::Label(a.label.clone()),
            &a.attrs,
        )
        .map_err(|e| EditError::Breaks(format!("relabeling {} as {:?}: {e}; unset it first", a.id, a.label)))?;
    }
    Ok(())
}

/// What in the schema names label `id` ("relation type \"claimant\"").
fn label_users(project: &Project, id: &str) -> Vec<String> {
    let schema = &project.schema;
    let types = schema
        .relation_types
        .iter()
        .filter(|t| t.from.iter().chain(&t.to).any(|l| l == id))
        .map(|t| format!("relation type {:?}", t.id));
    let attributes = schema
        .attributes
        .iter()
        .filter(|a| a.on.contains(&AttrTarget::Label(id.to_owned())))
        .map(|a| format!("attribute {:?}", a.id));
    types.chain(attributes).collect()
}

fn rename_label_references(project: &mut Project, from: &str, to: &str) {
    let rename = |l: &mut String| {
        if l == from {
            *l = to.to_owned();
        }
    };
    for t in &mut project.schema.relation_types {
        t.from.iter_mut().chain(t.to.iter_mut()).for_each(rename);
    }
    for a in &mut project.schema.attributes {
        for target in &mut a.on {
            if let AttrTarget::Label(l) = target {
                rename(l);
            }
        }
    }
}

/// Applies `commands` in order, all or none; returns their inverses in
/// the order that undoes them.
fn apply_all(commands: &[Command], project: &mut Project) -> Result<Vec<Command>, EditError> {
    let mut inverses = Vec::with_capacity(commands.len());
    for command in commands {
        match command.apply(project) {
            Ok(inverse) => inverses.push(inverse),
            Err(e) => {
                for inverse in inverses.iter().rev() {
                    // Inverses of commands that just applied are valid
                    // by construction; a failure here is a bug.
                    let undone = inverse.apply(project);
                    debug_assert!(undone.is_ok(), "rollback failed: {undone:?}");
                }
                return Err(e);
            }
        }
    }
    inverses.reverse();
    Ok(inverses)
}

/// The ids as a set, after checking each exists.
fn existing_ids(project: &Project, ids: &[AnnotationId]) -> Result<HashSet<AnnotationId>, EditError> {
    for id in ids {
        if !project.has_annotation_id(*id) {
            return Err(EditError::UnknownAnnotation(*id));
        }
    }
    Ok(ids.iter().copied().collect())
}

/// The text of `[start, end)` in `doc`, after checking the span is valid.
pub(crate) fn span_text(project: &Project, doc: &str, start: usize, end: usize) -> Result<String, EditError> {
    let d = project
        .document(doc)
        .ok_or_else(|| EditError::UnknownDocument(doc.to_owned()))?;
    if start >= end {
        return Err(EditError::EmptySpan {
            doc: doc.to_owned(),
            start,
            end,
        });
    }
    d.text
        .slice(start..end)
        .map(str::to_owned)
        .ok_or_else(|| EditError::OutOfBounds {
            doc: doc.to_owned(),
            start,
            end,
            length: d.text.len_chars(),
        })
}

/// Checks an annotation's document, label, span, quoted text and attributes.
fn check_annotation(project: &Project, a: &Annotation) -> Result<(), EditError> {
    if !project.schema.contains(&a.label) {
        return Err(EditError::UnknownLabel(a.label.clone()));
    }
    structure::check_attrs(
        project,
        &Owner::Annotation(a.id),
        &a.doc,
        &AttrTarget::Label(a.label.clone()),
        &a.attrs,
    )?;
    if a.start >= a.end {
        return Err(EditError::EmptySpan {
            doc: a.doc.clone(),
            start: a.start,
            end: a.end,
        });
    }
    structure::check_pieces(project, a)?;
    whole_document_ok(project, a)
}

/// An annotation whose label classes whole documents covers all its text.
fn whole_document_ok(project: &Project, a: &Annotation) -> Result<(), EditError> {
    let length = project.document(&a.doc).map_or(0, |d| d.text.len_chars());
    if project
        .schema
        .get(&a.label)
        .is_some_and(|l| l.kind == crate::model::LabelKind::Document)
        && (a.start, a.end, a.fragments.is_empty()) != (0, length, true)
    {
        return Err(EditError::Breaks(format!(
            "label {:?} classes whole documents: tag [0, {length}) of {:?}",
            a.label, a.doc
        )));
    }
    Ok(())
}

fn check_hotkey(project: &Project, label: &Label) -> Result<(), EditError> {
    if let Some(key) = label.hotkey
        && let Some(other) = project.schema.by_hotkey(key)
        && other.id != label.id
    {
        return Err(EditError::HotkeyTaken {
            key,
            label: other.id.clone(),
        });
    }
    Ok(())
}

fn add_annotations(project: &mut Project, new: &[Annotation]) -> Result<Command, EditError> {
    let mut fresh = HashSet::with_capacity(new.len());
    for a in new {
        if !fresh.insert(a.id) || project.id_in_use(a.id) {
            return Err(EditError::DuplicateAnnotation(a.id));
        }
        check_annotation(project, a)?;
    }
    project.insert_annotations(new.to_vec());
    Ok(Command::DeleteAnnotations(new.iter().map(|a| a.id).collect()))
}

fn set_anchors(
    project: &mut Project,
    doc: &str,
    hash: &str,
    length: usize,
    annotations: &[Annotation],
    orphans: &[Annotation],
) -> Result<Command, EditError> {
    let d = project
        .document(doc)
        .ok_or_else(|| EditError::UnknownDocument(doc.to_owned()))?;
    let checks_text = d.text.content_hash() == hash;
    // Ids must stay unique across the rest of the project.
    let mut ids: HashSet<AnnotationId> = project
        .annotations()
        .iter()
        .chain(&project.orphans)
        .filter(|a| a.doc != doc)
        .map(|a| a.id)
        .collect();
    for a in annotations.iter().chain(orphans) {
        if a.doc != doc {
            return Err(EditError::UnknownDocument(a.doc.clone()));
        }
        if !ids.insert(a.id) {
            return Err(EditError::DuplicateAnnotation(a.id));
        }
    }
    if checks_text {
        for a in annotations {
            check_annotation(project, a)?;
        }
    }
    let d = project
        .document_mut(doc)
        .ok_or_else(|| EditError::UnknownDocument(doc.to_owned()))?;
    let old_hash = std::mem::replace(&mut d.hash, hash.to_owned());
    let old_length = std::mem::replace(&mut d.length, length);
    let (old_annotations, old_orphans) =
        project.replace_document_annotations(doc, annotations.to_vec(), orphans.to_vec());
    Ok(Command::SetAnchors {
        doc: doc.to_owned(),
        hash: old_hash,
        length: old_length,
        annotations: old_annotations,
        orphans: old_orphans,
    })
}

fn add_documents(project: &mut Project, docs: &[(usize, Document)]) -> Result<Command, EditError> {
    let mut ids: HashSet<&str> = project.documents.iter().map(|d| d.id.as_str()).collect();
    // Each insertion lengthens the list the next position refers to.
    for (len, (index, doc)) in (project.documents.len()..).zip(docs) {
        if !ids.insert(&doc.id) {
            return Err(EditError::DuplicateDocument(doc.id.clone()));
        }
        if *index > len {
            return Err(EditError::BadPosition { index: *index, len });
        }
    }
    for (index, doc) in docs {
        project.documents.insert(*index, doc.clone());
    }
    Ok(Command::RemoveDocuments(
        docs.iter().map(|(_, d)| d.id.clone()).collect(),
    ))
}

fn remove_documents(project: &mut Project, ids: &[String]) -> Result<Command, EditError> {
    for id in ids {
        if project.document(id).is_none() {
            return Err(EditError::UnknownDocument(id.clone()));
        }
        // Orphans count: left behind, they would name a missing document.
        let count = project.annotations_of(id).len() + project.orphans.iter().filter(|o| &o.doc == id).count();
        if count > 0 {
            return Err(EditError::DocumentInUse { doc: id.clone(), count });
        }
    }
    // Remove from the back so recorded positions are those to re-insert at,
    // in ascending order.
    let mut removed = Vec::new();
    for i in (0..project.documents.len()).rev() {
        if ids.contains(&project.documents[i].id) {
            removed.push((i, project.documents.remove(i)));
        }
    }
    removed.reverse();
    // Their suggestions go with them (machine output, put back on undo).
    let suggestions: Vec<Suggestion> = project
        .suggestions()
        .iter()
        .filter(|s| ids.contains(&s.doc))
        .cloned()
        .collect();
    if suggestions.is_empty() {
        return Ok(Command::AddDocuments(removed));
    }
    project.remove_suggestions(&suggestions);
    Ok(Command::Batch(vec![
        Command::AddDocuments(removed),
        Command::AddSuggestions(suggestions),
    ]))
}
