//! The edits of structure: relations, attribute values, fragments and the
//! schema's relation types, attributes and entities, each checked before
//! it applies so that an edit never leaves a file `validate` refuses.
//!
//! Checks that look at one thing (a relation's ends and type, a value
//! against its declaration) are done directly. Changes to the schema's
//! structure can break things anywhere, so they are applied, the project's
//! structural problems compared with those it had before, and undone with
//! the first new problem as the reason when there is one.

use std::collections::HashSet;

use super::command::{Command, EditError};
use crate::model::{
    Annotation, AnnotationId, AttrTarget, AttrValue, AttributeDef, Attrs, Entity, Owner, Project, Relation,
    RelationType, Severity, Timestamp, attribute_problems, fragments_ok, quote,
};

/// A whole part of the schema's structure, replaced at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Structure {
    RelationTypes(Vec<RelationType>),
    Attributes(Vec<AttributeDef>),
    Entities(Vec<Entity>),
}

impl Structure {
    pub fn describe(&self) -> &'static str {
        match self {
            Structure::RelationTypes(_) => "edit relation types",
            Structure::Attributes(_) => "edit attributes",
            Structure::Entities(_) => "edit the entity list",
        }
    }
}

/// Checks a relation that is to be added or restored: its type, its two
/// ends (annotations of its document), the labels the type allows, the
/// type's cardinality, and its attribute values.
pub(super) fn check_relation(project: &Project, r: &Relation) -> Result<(), EditError> {
    let kind = project
        .schema
        .relation_type(&r.kind)
        .ok_or_else(|| EditError::UnknownRelationType(r.kind.clone()))?;
    let end = |id: AnnotationId| -> Result<&Annotation, EditError> {
        let a = project
            .annotation(id)
            .or_else(|| project.orphans.iter().find(|o| o.id == id))
            .ok_or(EditError::UnknownAnnotation(id))?;
        if a.doc != r.doc {
            return Err(EditError::Breaks(format!(
                "annotation {id} is in document {:?}, not {:?}: a relation links two annotations of one document",
                a.doc, r.doc
            )));
        }
        Ok(a)
    };
    let (from, to) = (end(r.from)?, end(r.to)?);
    if r.from == r.to {
        return Err(EditError::Breaks(format!(
            "a relation links two annotations; {} is both ends",
            r.from
        )));
    }
    if !kind.allows(&from.label, &to.label) {
        return Err(EditError::RelationNotAllowed {
            kind: kind.id.clone(),
            from_label: from.label.clone(),
            to_label: to.label.clone(),
            allowed: allowed_text(kind),
        });
    }
    // The same link twice says nothing more, and exports (brat's roles)
    // could not tell the two apart.
    let same = |x: &Relation| {
        x.id != r.id
            && x.kind == r.kind
            && ((x.from, x.to) == (r.from, r.to) || (kind.symmetric && (x.from, x.to) == (r.to, r.from)))
    };
    // Found among the relations from either end (sorted by their `from`),
    // not by a scan of the document's.
    let near = project
        .relations_from(&r.doc, r.from)
        .iter()
        .chain(project.relations_from(&r.doc, r.to));
    if let Some(x) = near.into_iter().find(|x| same(x)) {
        return Err(EditError::Breaks(format!(
            "relation {} already links {} to {} as {:?}",
            x.id, r.from, r.to, r.kind
        )));
    }
    if let Some(max) = kind.cardinality.max() {
        let others = project
            .relations_from(&r.doc, r.from)
            .iter()
            .filter(|x| x.kind == r.kind && x.id != r.id)
            .count();
        if others >= max {
            return Err(EditError::Breaks(format!(
                "annotation {} already has its {} {:?} relation (the schema allows {})",
                r.from,
                if max == 1 { "one" } else { "last" },
                kind.id,
                kind.cardinality.name()
            )));
        }
    }
    check_attrs(
        project,
        &Owner::Relation(r.id),
        &r.doc,
        &AttrTarget::Relation(r.kind.clone()),
        &r.attrs,
    )
}

fn allowed_text(kind: &RelationType) -> String {
    let side = |list: &[String]| {
        if list.is_empty() {
            "any label".to_owned()
        } else {
            list.join(" or ")
        }
    };
    format!(
        "{} → {}{}",
        side(&kind.from),
        side(&kind.to),
        if kind.symmetric { " (either way)" } else { "" }
    )
}

/// Refuses attribute values that are errors (warnings, such as a required
/// value not yet set, are work in progress and allowed).
pub(super) fn check_attrs(
    project: &Project,
    owner: &Owner,
    doc: &str,
    target: &AttrTarget,
    attrs: &Attrs,
) -> Result<(), EditError> {
    match attribute_problems(&project.schema, owner.clone(), doc, target, attrs)
        .into_iter()
        .find(|p| p.severity() == Severity::Error)
    {
        Some(p) => Err(EditError::Breaks(p.to_string())),
        None => Ok(()),
    }
}

/// Checks an annotation's pieces and that `text` quotes them.
pub(super) fn check_pieces(project: &Project, a: &Annotation) -> Result<(), EditError> {
    fragments_ok(a).map_err(|reason| EditError::BadFragments { id: a.id, reason })?;
    let doc = project
        .document(&a.doc)
        .ok_or_else(|| EditError::UnknownDocument(a.doc.clone()))?;
    let actual = quote(&doc.text, &a.pieces()).ok_or_else(|| EditError::OutOfBounds {
        doc: a.doc.clone(),
        start: a.start,
        end: a.end,
        length: doc.text.len_chars(),
    })?;
    if actual != a.text {
        return Err(EditError::QuoteMismatch {
            id: a.id,
            doc: a.doc.clone(),
            start: a.start,
            end: a.end,
            quoted: a.text.clone(),
            actual,
        });
    }
    Ok(())
}

pub(super) fn add_relations(project: &mut Project, new: &[Relation]) -> Result<Command, EditError> {
    // A few new ids are looked for; many are checked against a set of all
    // (building it is 10 ms on 150,000 ids, too much for one relation).
    let mut ids = if new.len() > 8 {
        project.used_ids()
    } else {
        new.iter().map(|r| r.id).filter(|id| project.id_in_use(*id)).collect()
    };
    // Checked one by one against the project with the earlier ones in, so
    // that two new relations cannot share a place a cardinality allows once.
    let mut added = Vec::with_capacity(new.len());
    for r in new {
        let result = if ids.insert(r.id) {
            check_relation(project, r)
        } else {
            Err(EditError::DuplicateAnnotation(r.id))
        };
        if let Err(e) = result {
            let ids: HashSet<AnnotationId> = added.iter().copied().collect();
            project.remove_relations(&ids);
            return Err(e);
        }
        project.insert_relations(vec![r.clone()]);
        added.push(r.id);
    }
    Ok(Command::DeleteRelations(added))
}

pub(super) fn delete_relations(project: &mut Project, ids: &[AnnotationId]) -> Result<Command, EditError> {
    for id in ids {
        if project.relation(*id).is_none() {
            return Err(EditError::UnknownRelation(*id));
        }
    }
    let set: HashSet<AnnotationId> = ids.iter().copied().collect();
    Ok(Command::AddRelations(project.remove_relations(&set)))
}

pub(super) fn restore_relations(project: &mut Project, values: &[Relation]) -> Result<Command, EditError> {
    for r in values {
        if project.relation(r.id).is_none() {
            return Err(EditError::UnknownRelation(r.id));
        }
    }
    let old = project.replace_relations(values.to_vec());
    for r in values {
        if let Err(e) = check_relation(project, r) {
            project.replace_relations(old);
            return Err(e);
        }
    }
    Ok(Command::RestoreRelations(old))
}

/// The attribute values after `changes`.
fn changed(attrs: &Attrs, changes: &[(String, Option<AttrValue>)]) -> Attrs {
    let mut out = attrs.clone();
    for (key, value) in changes {
        match value {
            Some(v) => out.insert(key.clone(), v.clone()),
            None => out.remove(key),
        };
    }
    out
}

pub(super) fn set_attrs(
    project: &mut Project,
    owner: &Owner,
    changes: &[(String, Option<AttrValue>)],
    at: Timestamp,
) -> Result<Command, EditError> {
    match owner {
        Owner::Annotation(id) => {
            let old = project.annotation(*id).ok_or(EditError::UnknownAnnotation(*id))?;
            let attrs = changed(&old.attrs, changes);
            if attrs == old.attrs {
                return Ok(Command::RestoreAnnotations(Vec::new()));
            }
            check_attrs(project, owner, &old.doc, &AttrTarget::Label(old.label.clone()), &attrs)?;
            let new = Annotation {
                attrs,
                modified: at,
                ..old.clone()
            };
            Ok(Command::RestoreAnnotations(project.replace_annotations(vec![new])))
        }
        Owner::Relation(id) => {
            let old = project.relation(*id).ok_or(EditError::UnknownRelation(*id))?;
            let attrs = changed(&old.attrs, changes);
            if attrs == old.attrs {
                return Ok(Command::RestoreRelations(Vec::new()));
            }
            check_attrs(
                project,
                owner,
                &old.doc,
                &AttrTarget::Relation(old.kind.clone()),
                &attrs,
            )?;
            let new = Relation {
                attrs,
                modified: at,
                ..old.clone()
            };
            Ok(Command::RestoreRelations(project.replace_relations(vec![new])))
        }
        Owner::Document(doc) => {
            let d = project
                .document(doc)
                .ok_or_else(|| EditError::UnknownDocument(doc.clone()))?;
            let attrs = changed(&d.attrs, changes);
            if attrs == d.attrs {
                // Nothing to undo: an empty step, which is not recorded.
                return Ok(Command::Batch(Vec::new()));
            }
            set_document_attrs(project, doc, &attrs)
        }
    }
}

/// [`Command::SetAnnotationAttrs`]: one pass over the annotations and one
/// replacement, however many are changed (one command per annotation
/// re-sorted the project each time: 27 s for 10,000).
pub(super) fn set_annotation_attrs(
    project: &mut Project,
    ids: &[AnnotationId],
    changes: &[(String, Option<AttrValue>)],
    at: Timestamp,
) -> Result<Command, EditError> {
    let wanted: HashSet<AnnotationId> = ids.iter().copied().collect();
    let mut new = Vec::with_capacity(wanted.len());
    for old in project.annotations().iter().filter(|a| wanted.contains(&a.id)) {
        let attrs = changed(&old.attrs, changes);
        if attrs == old.attrs {
            continue;
        }
        let owner = Owner::Annotation(old.id);
        check_attrs(project, &owner, &old.doc, &AttrTarget::Label(old.label.clone()), &attrs)?;
        new.push(Annotation {
            attrs,
            modified: at,
            ..old.clone()
        });
    }
    let found: HashSet<AnnotationId> = project
        .annotations()
        .iter()
        .filter(|a| wanted.contains(&a.id))
        .map(|a| a.id)
        .collect();
    if let Some(missing) = ids.iter().find(|id| !found.contains(id)) {
        return Err(EditError::UnknownAnnotation(*missing));
    }
    Ok(Command::RestoreAnnotations(project.replace_annotations(new)))
}

pub(super) fn set_document_attrs(project: &mut Project, doc: &str, attrs: &Attrs) -> Result<Command, EditError> {
    check_attrs(
        project,
        &Owner::Document(doc.to_owned()),
        doc,
        &AttrTarget::Document,
        attrs,
    )?;
    let d = project
        .document_mut(doc)
        .ok_or_else(|| EditError::UnknownDocument(doc.to_owned()))?;
    let old = std::mem::replace(&mut d.attrs, attrs.clone());
    Ok(Command::SetDocumentAttrs {
        doc: doc.to_owned(),
        attrs: old,
    })
}

pub(super) fn set_fragments(
    project: &mut Project,
    id: AnnotationId,
    pieces: &[(usize, usize)],
    at: Timestamp,
) -> Result<Command, EditError> {
    let old = project.annotation(id).ok_or(EditError::UnknownAnnotation(id))?;
    let ranges: Vec<_> = pieces.iter().map(|&(s, e)| s..e).collect();
    if ranges.is_empty() {
        return Err(EditError::BadFragments {
            id,
            reason: "an annotation needs at least one piece".to_owned(),
        });
    }
    let mut new = Annotation {
        modified: at,
        ..old.clone()
    };
    new.set_pieces(&ranges);
    if new.pieces() == old.pieces() {
        return Ok(Command::RestoreAnnotations(Vec::new()));
    }
    fragments_ok(&new).map_err(|reason| EditError::BadFragments { id, reason })?;
    let doc = project
        .document(&new.doc)
        .ok_or_else(|| EditError::UnknownDocument(new.doc.clone()))?;
    new.text = quote(&doc.text, &new.pieces()).ok_or_else(|| EditError::OutOfBounds {
        doc: new.doc.clone(),
        start: new.start,
        end: new.end,
        length: doc.text.len_chars(),
    })?;
    // Each piece holds something to tag (a piece of white space only is
    // refused as a span of white space only is).
    for p in new.pieces() {
        if doc.text.slice(p.clone()).is_none_or(|t| t.trim().is_empty()) {
            return Err(EditError::WhiteSpaceOnly {
                doc: new.doc.clone(),
                start: p.start,
                end: p.end,
            });
        }
    }
    Ok(Command::RestoreAnnotations(project.replace_annotations(vec![new])))
}

/// The structural errors of the project, as text, to compare before and
/// after a schema edit.
fn structural_errors(project: &Project) -> Vec<String> {
    // The texts are not what a schema edit changes: not read.
    crate::model::structural_errors(project)
        .iter()
        .map(ToString::to_string)
        .collect()
}

pub(super) fn set_structure(project: &mut Project, new: &Structure) -> Result<Command, EditError> {
    let before: HashSet<String> = structural_errors(project).into_iter().collect();
    let old = swap_structure(project, new.clone());
    let after = structural_errors(project);
    let broken: Vec<&String> = after.iter().filter(|p| !before.contains(*p)).collect();
    if let Some(first) = broken.first() {
        let message = format!(
            "this would leave {} problem(s) in the project, the first: {first}; change or delete what uses it first",
            broken.len()
        );
        swap_structure(project, old);
        return Err(EditError::Breaks(message));
    }
    Ok(Command::SetStructure(old))
}

fn swap_structure(project: &mut Project, new: Structure) -> Structure {
    let schema = &mut project.schema;
    match new {
        Structure::RelationTypes(v) => Structure::RelationTypes(std::mem::replace(&mut schema.relation_types, v)),
        Structure::Attributes(v) => Structure::Attributes(std::mem::replace(&mut schema.attributes, v)),
        Structure::Entities(v) => Structure::Entities(std::mem::replace(&mut schema.entities, v)),
    }
}

/// Default attribute values for a new annotation (relation, document) of
/// `target`.
pub fn defaults(project: &Project, target: &AttrTarget) -> Attrs {
    project
        .schema
        .attributes_of(target)
        .filter_map(|a| Some((a.id.clone(), a.default.clone()?)))
        .collect()
}

/// The value `raw` (as typed on a command line or in a CSV cell) means for
/// attribute `def`: a multi-choice list is split at `,` or `|`, a flag is
/// `true`/`false` (or `yes`/`no`, `1`/`0`), a number is a decimal; every
/// other kind is the text itself. An undeclared key (a document's free
/// field) takes text. The value is not checked against the schema here:
/// the edit that sets it does that.
pub fn parse_value(def: Option<&AttributeDef>, raw: &str) -> Result<AttrValue, String> {
    use crate::model::{AttrKind, Number};
    let Some(def) = def else {
        return Ok(AttrValue::Text(raw.to_owned()));
    };
    match def.kind {
        AttrKind::Multi => Ok(AttrValue::List(
            raw.split([',', '|'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        )),
        AttrKind::Flag => match raw.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Ok(AttrValue::Flag(true)),
            "false" | "no" | "0" => Ok(AttrValue::Flag(false)),
            _ => Err(format!("{} is a flag: true or false, not {raw:?}", def.id)),
        },
        AttrKind::Number => raw
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(Number::new)
            .map(AttrValue::Number)
            .ok_or_else(|| format!("{} is a number, not {raw:?}", def.id)),
        _ => Ok(AttrValue::Text(raw.to_owned())),
    }
}

/// The one step that deletes label `id`: its annotations (and orphans)
/// relabeled as `relabel_to` or deleted, its suggestions taken out, the
/// structure unlinked from it, then the label itself. Named for the undo
/// menu and for what a refusal says ("delete label Event").
pub fn delete_label(project: &Project, id: &str, relabel_to: Option<&str>, at: Timestamp) -> Command {
    let ids: Vec<AnnotationId> = project
        .annotations()
        .iter()
        .filter(|a| a.label == id)
        .map(|a| a.id)
        .collect();
    let orphans: Vec<Annotation> = project.orphans.iter().filter(|a| a.label == id).cloned().collect();
    let mut commands = Vec::new();
    if !ids.is_empty() {
        commands.push(match relabel_to {
            Some(label) => Command::Relabel {
                ids,
                label: label.to_owned(),
                at,
            },
            None => Command::DeleteAnnotations(ids),
        });
    }
    // Orphans with the label go the same way, or they would name a label
    // that no longer exists.
    if !orphans.is_empty() {
        commands.push(Command::DeleteOrphans(orphans.iter().map(|o| o.id).collect()));
        if let Some(label) = relabel_to {
            let moved = orphans
                .into_iter()
                .map(|o| Annotation {
                    label: label.to_owned(),
                    modified: at,
                    ..o
                })
                .collect();
            commands.push(Command::RestoreOrphans(moved));
        }
    }
    // Its suggestions are proposals of a label that is going: they go with
    // it (in the same step, so an undo brings them back).
    let suggested: Vec<crate::model::Suggestion> = project
        .suggestions()
        .iter()
        .filter(|s| s.label == id)
        .cloned()
        .collect();
    if !suggested.is_empty() {
        commands.push(Command::RemoveSuggestions(suggested));
    }
    commands.extend(unlink_label(project, id));
    commands.push(Command::RemoveLabel(id.to_owned()));
    let name = project.schema.get(id).map_or(id, |l| l.name.as_str());
    let what = match relabel_to.and_then(|l| project.schema.get(l)) {
        Some(to) => format!("delete label {name} (its tags become {})", to.name),
        None => format!("delete label {name}"),
    };
    Command::Named { what, commands }
}

/// Why deleting label `id` as [`delete_label`] would be refused, if it
/// would (a relation type that does not allow the label its tags would
/// become): tried on a clone, which costs little.
pub fn delete_label_problem(project: &Project, id: &str, relabel_to: Option<&str>) -> Option<String> {
    let command = delete_label(project, id, relabel_to, Timestamp::from_unix(0));
    let mut trial = project.clone();
    command.apply(&mut trial).err().map(|e| e.to_string())
}

/// The schema edits that take label `label` out of the structure before
/// the label itself goes: removed from relation types' ends and from
/// attributes' targets; a relation type left with no label at an end it
/// restricted, and an attribute left with no target, go too. Run after
/// the label's annotations are deleted or relabeled (in the same step), so
/// nothing in use loses its declaration; the edit refuses otherwise.
pub fn unlink_label(project: &Project, label: &str) -> Vec<Command> {
    let schema = &project.schema;
    let mut commands = Vec::new();
    let names = |t: &RelationType| t.from.iter().chain(&t.to).any(|l| l == label);
    if schema.relation_types.iter().any(names) {
        let types = schema
            .relation_types
            .iter()
            .filter_map(|t| {
                let keep = |list: &[String]| -> Option<Vec<String>> {
                    let kept: Vec<String> = list.iter().filter(|l| *l != label).cloned().collect();
                    (list.is_empty() || !kept.is_empty()).then_some(kept)
                };
                Some(RelationType {
                    from: keep(&t.from)?,
                    to: keep(&t.to)?,
                    ..t.clone()
                })
            })
            .collect();
        commands.push(Command::SetStructure(Structure::RelationTypes(types)));
    }
    commands.extend(without_target(schema, &AttrTarget::Label(label.to_owned())));
    commands
}

/// The step that takes `target` out of every attribute declared on it (an
/// attribute declared only there goes), if any is.
fn without_target(schema: &crate::model::Schema, target: &AttrTarget) -> Option<Command> {
    if !schema.attributes.iter().any(|a| a.applies_to(target)) {
        return None;
    }
    let attributes = schema
        .attributes
        .iter()
        .filter_map(|a| {
            let on: Vec<AttrTarget> = a.on.iter().filter(|t| *t != target).cloned().collect();
            (!on.is_empty()).then(|| AttributeDef { on, ..a.clone() })
        })
        .collect();
    Some(Command::SetStructure(Structure::Attributes(attributes)))
}

/// The step that merges entity `from` into entity `into`: every reference
/// to `from` (in an annotation's, a relation's or a document's entity
/// attribute) refers to `into` instead, then `from` leaves the list.
/// "Pashinyan" entered twice becomes one actor without a reference lost.
pub fn merge_entities(project: &Project, from: &str, into: &str) -> Result<Command, EditError> {
    let schema = &project.schema;
    for id in [from, into] {
        if schema.entity(id).is_none() {
            return Err(EditError::Breaks(format!("there is no entity {id:?}")));
        }
    }
    if from == into {
        return Err(EditError::Breaks("an entity cannot be merged into itself".to_owned()));
    }
    let is_from = |v: &AttrValue| matches!(v, AttrValue::Text(t) if t == from);
    let entity_keys: Vec<&str> = schema
        .attributes
        .iter()
        .filter(|d| d.kind == crate::model::AttrKind::Entity)
        .map(|d| d.id.as_str())
        .collect();
    let to = Some(AttrValue::Text(into.to_owned()));
    let at = Timestamp::now();
    let mut commands = Vec::new();
    for key in &entity_keys {
        let ids: Vec<AnnotationId> = project
            .annotations()
            .iter()
            .filter(|a| a.attrs.get(*key).is_some_and(is_from))
            .map(|a| a.id)
            .collect();
        if !ids.is_empty() {
            commands.push(Command::SetAnnotationAttrs {
                ids,
                changes: vec![((*key).to_owned(), to.clone())],
                at,
            });
        }
        let relations = project
            .relations()
            .iter()
            .filter(|r| r.attrs.get(*key).is_some_and(is_from));
        let documents = project
            .documents
            .iter()
            .filter(|d| d.attrs.get(*key).is_some_and(is_from));
        let owners = relations
            .map(|r| Owner::Relation(r.id))
            .chain(documents.map(|d| Owner::Document(d.id.clone())));
        commands.extend(owners.map(|owner| Command::SetAttrs {
            owner,
            changes: vec![((*key).to_owned(), to.clone())],
            at,
        }));
    }
    let entities = schema.entities.iter().filter(|e| e.id != from).cloned().collect();
    commands.push(Command::SetStructure(Structure::Entities(entities)));
    let name = |id: &str| schema.entity(id).map_or(id, |e| e.name.as_str()).to_owned();
    Ok(Command::Named {
        what: format!("merge the entity {} into {}", name(from), name(into)),
        commands,
    })
}

/// What deleting relation type `kind` takes with it: its relations, and
/// the attributes declared on it (one that is declared only there goes;
/// one declared elsewhere too loses this target).
pub fn relation_type_uses(project: &Project, kind: &str) -> (Vec<AnnotationId>, usize) {
    let relations: Vec<AnnotationId> = project
        .relations()
        .iter()
        .filter(|r| r.kind == kind)
        .map(|r| r.id)
        .collect();
    let target = AttrTarget::Relation(kind.to_owned());
    let attributes = project
        .schema
        .attributes
        .iter()
        .filter(|a| a.applies_to(&target))
        .count();
    (relations, attributes)
}

/// The step that deletes relation type `kind` with everything that uses
/// it (see [`relation_type_uses`]), named for the undo menu.
pub fn remove_relation_type(project: &Project, kind: &str) -> Result<Command, EditError> {
    let schema = &project.schema;
    let Some(t) = schema.relation_type(kind) else {
        return Err(EditError::UnknownRelationType(kind.to_owned()));
    };
    let (relations, _) = relation_type_uses(project, kind);
    let mut commands = Vec::new();
    let n = relations.len();
    if !relations.is_empty() {
        commands.push(Command::DeleteRelations(relations));
    }
    commands.extend(without_target(schema, &AttrTarget::Relation(kind.to_owned())));
    let types = schema.relation_types.iter().filter(|x| x.id != kind).cloned().collect();
    commands.push(Command::SetStructure(Structure::RelationTypes(types)));
    Ok(Command::Named {
        what: match n {
            0 => format!("delete the relation type {}", t.name),
            _ => format!("delete the relation type {} and its {n} relation(s)", t.name),
        },
        commands,
    })
}

/// How many annotations, relations and documents hold a value of
/// attribute `key`.
pub fn attribute_uses(project: &Project, key: &str) -> usize {
    let annotations = project
        .annotations()
        .iter()
        .filter(|a| a.attrs.contains_key(key))
        .count();
    let relations = project.relations().iter().filter(|r| r.attrs.contains_key(key)).count();
    let documents = project.documents.iter().filter(|d| d.attrs.contains_key(key)).count();
    annotations + relations + documents
}

/// The step that deletes attribute `key`: every value of it is unset (on
/// annotations, relations and documents), then the declaration goes.
pub fn remove_attribute(project: &Project, key: &str) -> Result<Command, EditError> {
    let schema = &project.schema;
    let Some(def) = schema.attribute(key) else {
        return Err(EditError::Breaks(format!("there is no attribute {key:?}")));
    };
    let at = Timestamp::now();
    let unset = vec![(key.to_owned(), None)];
    let mut commands = Vec::new();
    let ids: Vec<AnnotationId> = project
        .annotations()
        .iter()
        .filter(|a| a.attrs.contains_key(key))
        .map(|a| a.id)
        .collect();
    if !ids.is_empty() {
        commands.push(Command::SetAnnotationAttrs {
            ids,
            changes: unset.clone(),
            at,
        });
    }
    let relations = project.relations().iter().filter(|r| r.attrs.contains_key(key));
    let documents = project.documents.iter().filter(|d| d.attrs.contains_key(key));
    let owners = relations
        .map(|r| Owner::Relation(r.id))
        .chain(documents.map(|d| Owner::Document(d.id.clone())));
    commands.extend(owners.map(|owner| Command::SetAttrs {
        owner,
        changes: unset.clone(),
        at,
    }));
    let n = commands.len();
    let attributes = schema.attributes.iter().filter(|a| a.id != key).cloned().collect();
    commands.push(Command::SetStructure(Structure::Attributes(attributes)));
    Ok(Command::Named {
        what: match attribute_uses(project, key) {
            0 if n == 0 => format!("delete the attribute {}", def.name),
            used => format!("delete the attribute {} and its {used} value(s)", def.name),
        },
        commands,
    })
}

/// The step that replaces the attribute declarations with `new`, carrying
/// renamed choice values along: a value whose id changed in place (same
/// attribute and kind, same position, the old id no longer listed and the
/// new one not listed before) is a rename, and every annotation, relation
/// and document holding the old id gets the new one, a default too. Without
/// renames it is [`Command::SetStructure`] itself; the edit's checks still
/// refuse what would break.
pub fn set_attributes(project: &Project, mut new: Vec<AttributeDef>) -> Command {
    use crate::model::{AttrKind, ChoiceValue};
    let old_defs = &project.schema.attributes;
    let mut renames: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for d in &mut new {
        let Some(o) = old_defs.iter().find(|o| o.id == d.id) else {
            continue;
        };
        if o.kind != d.kind || !matches!(d.kind, AttrKind::Choice | AttrKind::Multi) {
            continue;
        }
        let pairs: Vec<(String, String)> = o
            .values
            .iter()
            .zip(&d.values)
            .filter(|(a, b)| a.id != b.id && !d.has_value(&a.id) && !o.has_value(&b.id))
            .map(|(a, b)| (a.id.clone(), b.id.clone()))
            .collect();
        if pairs.is_empty() {
            continue;
        }
        if let Some(AttrValue::Text(v)) = &mut d.default
            && let Some((_, to)) = pairs.iter().find(|(from, _)| from == v)
        {
            *v = to.clone();
        }
        renames.push((d.id.clone(), pairs));
    }
    if renames.is_empty() {
        return Command::SetStructure(Structure::Attributes(new));
    }
    // Both ids declared while the values move.
    let mut both = old_defs.clone();
    for (key, pairs) in &renames {
        if let Some(d) = both.iter_mut().find(|d| d.id == *key) {
            d.values.extend(pairs.iter().map(|(_, to)| ChoiceValue {
                id: to.clone(),
                hotkey: None,
            }));
        }
    }
    let at = Timestamp::now();
    let mut commands = vec![Command::SetStructure(Structure::Attributes(both))];
    let renamed = |key: &str, v: &AttrValue| -> Option<AttrValue> {
        let pairs = &renames.iter().find(|(k, _)| k == key)?.1;
        let to = |s: &str| pairs.iter().find(|(from, _)| from == s).map(|(_, to)| to.clone());
        match v {
            AttrValue::Text(s) => to(s).map(AttrValue::Text),
            AttrValue::List(items) if items.iter().any(|s| to(s).is_some()) => Some(AttrValue::List(
                items.iter().map(|s| to(s).unwrap_or_else(|| s.clone())).collect(),
            )),
            _ => None,
        }
    };
    let mut owners: Vec<(Owner, String, AttrValue)> = Vec::new();
    for (key, _) in &renames {
        let annotations = project
            .annotations()
            .iter()
            .map(|a| (Owner::Annotation(a.id), &a.attrs));
        let relations = project.relations().iter().map(|r| (Owner::Relation(r.id), &r.attrs));
        let documents = project
            .documents
            .iter()
            .map(|d| (Owner::Document(d.id.clone()), &d.attrs));
        for (owner, attrs) in annotations.chain(relations).chain(documents) {
            if let Some(v) = attrs.get(key).and_then(|v| renamed(key, v)) {
                owners.push((owner, key.clone(), v));
            }
        }
    }
    // Annotations holding one value each move in one command per value.
    let mut grouped: Vec<((String, AttrValue), Vec<AnnotationId>)> = Vec::new();
    for (owner, key, v) in owners {
        match owner {
            Owner::Annotation(id) if !matches!(v, AttrValue::List(_)) => {
                match grouped.iter_mut().find(|(k, _)| k.0 == key && k.1 == v) {
                    Some((_, ids)) => ids.push(id),
                    None => grouped.push(((key, v), vec![id])),
                }
            }
            owner => commands.push(Command::SetAttrs {
                owner,
                changes: vec![(key, Some(v))],
                at,
            }),
        }
    }
    commands.extend(grouped.into_iter().map(|((key, v), ids)| Command::SetAnnotationAttrs {
        ids,
        changes: vec![(key, Some(v))],
        at,
    }));
    commands.push(Command::SetStructure(Structure::Attributes(new)));
    let names: Vec<String> = renames
        .iter()
        .flat_map(|(_, pairs)| pairs.iter().map(|(a, b)| format!("{a} → {b}")))
        .collect();
    Command::Named {
        what: format!("rename the value(s) {}", names.join(", ")),
        commands,
    }
}
