//! Three-way merge of two edited copies of a project against their common
//! ancestor: what `marginalia merge` does, and what git runs as a merge
//! driver so that two branches' annotations combine without textual
//! conflict markers.
//!
//! The merge is semantic, per annotation (by id) and per field (see
//! [`annotations`]), and per label and document ([`parts`]). Both sides'
//! additions, deletions, relabels, resizes and note edits combine; a value
//! both sides changed differently is a conflict, which keeps ours, is
//! listed in [`Merged::conflicts`] and, for annotations, is marked in the
//! annotation's metadata so the workbench can show it for resolution.
//!
//! It works on project files alone (git hands over temporary copies with
//! no documents beside them): document texts are neither needed nor read.

pub mod annotations;
pub mod parts;
pub mod relations;
pub mod suggestions;
pub mod three_way;

use std::collections::HashMap;
use std::path::Path;

pub use annotations::{CONFLICT, CONFLICT_OTHER, Other, Tally};
use annotations::{Entry, mark_misplaced};
pub use relations::{RelationOther, relation_has_conflict, resolve_relation};
use three_way::From;

use crate::edit::Command;
use crate::model::{Annotation, Project, Schema, Timestamp};
use crate::persist::LoadError;
use crate::persist::load::read_file_only;

/// The merged project and what happened.
#[derive(Debug)]
pub struct Merged {
    pub project: Project,
    /// Every conflict, one line each: annotation conflicts first, in file order.
    pub conflicts: Vec<String>,
    /// How many of the conflicts are on annotations (marked in their meta).
    pub annotation_conflicts: usize,
    pub tally: Tally,
    /// What the merge did to ours' suggestion layer: theirs' additions,
    /// acceptances (removed) and rejections.
    pub suggestions: crate::diff::SuggestionCounts,
}

impl Merged {
    /// True when nothing conflicted.
    pub fn is_clean(&self) -> bool {
        self.conflicts.is_empty()
    }
}

fn entries(p: &Project) -> Vec<Entry<'_>> {
    let live = p.annotations().iter().map(|annotation| Entry {
        annotation,
        orphan: false,
    });
    let orphans = p.orphans.iter().map(|annotation| Entry {
        annotation,
        orphan: true,
    });
    live.chain(orphans).collect()
}

/// Merges `ours` and `theirs`, both descended from `base`.
pub fn merge(base: &Project, ours: &Project, theirs: &Project) -> Merged {
    let mut conflicts = Vec::new();
    let name = parts::name(&base.name, &ours.name, &theirs.name, &mut conflicts);
    let mut labels = parts::labels(
        &base.schema.labels,
        &ours.schema.labels,
        &theirs.schema.labels,
        &mut conflicts,
    );
    let (relation_types, attributes, entities) =
        parts::structure(&base.schema, &ours.schema, &theirs.schema, &mut conflicts);
    let mut documents = parts::documents(&base.documents, &ours.documents, &theirs.documents, &mut conflicts);
    let (mut merged, tally) = annotations::merge(&entries(base), &entries(ours), &entries(theirs));
    let mut relations = relations::merge(base.relations(), ours.relations(), theirs.relations(), &mut conflicts);
    keep_ends(&mut merged, &mut relations, ours, theirs, &mut conflicts);

    // A deleted document or label that merged annotations still use comes
    // back: one side deleted it while the other was using it.
    let doc_sides = [
        (ours.documents.as_slice(), From::Ours),
        (theirs.documents.as_slice(), From::Theirs),
    ];

    parts::restore_used(
        "document",
        "deleted on one side, annotated on the other (kept)",
        &mut documents,
        merged.iter().map(|m| m.annotation.doc.as_str()),
        doc_sides,
        |d| &d.id,
        &mut conflicts,
    );
    let label_sides = [
        (ours.schema.labels.as_slice(), From::Ours),
        (theirs.schema.labels.as_slice(), From::Theirs),
    ];
    parts::restore_used(
        "label",
        "deleted on one side, used on the other (kept)",
        &mut labels,
        merged.iter().map(|m| m.annotation.label.as_str()),
        label_sides,
        |l| &l.id,
        &mut conflicts,
    );

    // Annotations one side placed in a text the other side replaced.
    let text_from: HashMap<&str, From> = documents.iter().map(|d| (d.value.id.as_str(), d.from)).collect();
    for m in &mut merged {
        let doc_from = text_from.get(m.annotation.doc.as_str()).copied().unwrap_or(From::Both);
        let misplaced = matches!(
            (m.placed_by, doc_from),
            (From::Ours, From::Theirs) | (From::Theirs, From::Ours)
        );
        if misplaced {
            mark_misplaced(m, if doc_from == From::Ours { "ours" } else { "theirs" });
        }
    }

    merged.sort_by(|a, b| a.annotation.sort_key().cmp(&b.annotation.sort_key()));
    let mut annotation_conflicts = Vec::new();
    let mut live = Vec::with_capacity(merged.len());
    let mut orphans = Vec::new();
    for m in merged {
        if let Some(what) = &m.conflict {
            annotation_conflicts.push(describe(&m.annotation, what));
        }
        if m.orphan {
            orphans.push(m.annotation);
        } else {
            live.push(m.annotation);
        }
    }

    let schema = Schema {
        labels: labels.into_iter().map(|l| l.value).collect(),
        relation_types,
        attributes,
        entities,
    };
    let documents = documents.into_iter().map(|d| d.value).collect();
    let mut project = Project::from_parts(name, schema, documents, live);
    project.orphans = orphans;
    project.insert_relations(relations);
    let layer = suggestions::merge(base.suggestions(), ours.suggestions(), theirs.suggestions(), &|s| {
        project.document(&s.doc).is_some() && project.schema.contains(&s.label)
    });
    if !layer.is_empty() {
        project.insert_suggestions(layer);
    }
    mark_combined_problems(&mut project, &mut conflicts);

    let annotation_count = annotation_conflicts.len();
    annotation_conflicts.extend(conflicts);
    let suggestions = crate::diff::SuggestionCounts::between(ours.suggestions(), project.suggestions());
    Merged {
        project,
        conflicts: annotation_conflicts,
        annotation_conflicts: annotation_count,
        tally,
        suggestions,
    }
}

/// What each side's edits left valid can be invalid combined: both sides
/// link a claim to a claimant the schema allows once, one side relabels
/// an annotation the other side's new relation needs as it was. Each such
/// problem of the merged project is a conflict (the merge exits 1), marked
/// on the annotation or relation it is about.
fn mark_combined_problems(project: &mut Project, conflicts: &mut Vec<String>) {
    // The texts are not read here: only the structure is checked.
    let problems = crate::model::structural_errors(project);
    // Marked all at once: one replacement per kind, not one per problem.
    let mut marks: HashMap<crate::model::AnnotationId, Vec<String>> = HashMap::new();
    for problem in problems {
        let what = format!("combined, the two sides' edits leave: {problem}");
        if let Some(id) = problem.annotation() {
            marks.entry(id).or_default().push(what.clone());
        }
        conflicts.push(what);
    }
    if marks.is_empty() {
        return;
    }
    let mark = |meta: &mut std::collections::BTreeMap<String, String>, list: &[String]| {
        let joined = list.join("; ");
        let value = match meta.get(CONFLICT) {
            Some(c) => format!("{c}; {joined}"),
            None => joined,
        };
        meta.insert(CONFLICT.to_owned(), value);
    };
    let annotations: Vec<Annotation> = project
        .annotations()
        .iter()
        .filter_map(|a| {
            let list = marks.get(&a.id)?;
            let mut a = a.clone();
            mark(&mut a.meta, list);
            Some(a)
        })
        .collect();
    project.replace_annotations(annotations);
    let relations: Vec<crate::model::Relation> = project
        .relations()
        .iter()
        .filter_map(|r| {
            let list = marks.get(&r.id)?;
            let mut r = r.clone();
            mark(&mut r.meta, list);
            Some(r)
        })
        .collect();
    project.replace_relations(relations);
}

/// Makes every merged relation's ends resolvable: an end one side deleted
/// while the other linked to it comes back from the side that has it,
/// marked as a conflict on the annotation; a relation whose end neither
/// side has (a file that was already broken) is dropped and said.
fn keep_ends(
    merged: &mut Vec<annotations::Merged>,
    relations: &mut Vec<crate::model::Relation>,
    ours: &Project,
    theirs: &Project,
    conflicts: &mut Vec<String>,
) {
    let mut present: std::collections::HashSet<crate::model::AnnotationId> =
        merged.iter().map(|m| m.annotation.id).collect();
    // Indexed once, on first need (few relations lose an end; a scan per
    // relation was a good part of a large merge).
    type Index<'p> = HashMap<crate::model::AnnotationId, (&'p Annotation, bool)>;
    fn index(p: &Project) -> Index<'_> {
        let placed = p.annotations().iter().map(|a| (a.id, (a, false)));
        let orphans = p.orphans.iter().map(|o| (o.id, (o, true)));
        // Placed annotations win over an orphan with the same id.
        orphans.chain(placed).collect()
    }
    let (mut ours_index, mut theirs_index) = (None, None);
    let mut find = |which: From, id| {
        let (p, slot) = match which {
            From::Ours => (ours, &mut ours_index),
            _ => (theirs, &mut theirs_index),
        };
        slot.get_or_insert_with(|| index(p))
            .get(&id)
            .map(|&(a, orphan)| (a.clone(), orphan))
    };
    relations.retain(|r| {
        for end in [r.from, r.to] {
            if present.contains(&end) {
                continue;
            }
            let from_ours = find(From::Ours, end).map(|x| (x, From::Ours, "ours", "theirs"));
            let Some(((mut annotation, orphan), placed_by, kept_by, deleted_by)) =
                from_ours.or_else(|| find(From::Theirs, end).map(|x| (x, From::Theirs, "theirs", "ours")))
            else {
                conflicts.push(format!(
                    "relation {} dropped: its end {end} is in neither version",
                    r.id
                ));
                return false;
            };
            let what = format!(
                "deleted in {deleted_by}, linked by relation {} in {kept_by} (kept)",
                r.id
            );
            annotation.meta.insert(CONFLICT.to_owned(), what.clone());
            let other = Other::Deleted {
                by: deleted_by.to_owned(),
            };
            if let Ok(json) = serde_json::to_string(&other) {
                annotation.meta.insert(CONFLICT_OTHER.to_owned(), json);
            }
            present.insert(end);
            merged.push(annotations::Merged {
                annotation,
                orphan,
                placed_by,
                conflict: Some(what),
                changed_by: placed_by,
            });
        }
        true
    });
}

/// Reads three project files (in parallel: they can be large) and merges
/// them. Only the files are read, not their documents.
pub fn merge_files(base: &Path, ours: &Path, theirs: &Path) -> Result<Merged, LoadError> {
    let (b, o, t) = std::thread::scope(|s| {
        let b = s.spawn(|| read_file_only(base));
        let o = s.spawn(|| read_file_only(ours));
        let t = read_file_only(theirs);
        (b.join(), o.join(), t)
    });
    // A panic while parsing is a bug; pass it on rather than hide it.
    let unwrap = |r: std::thread::Result<_>| r.unwrap_or_else(|e| std::panic::resume_unwind(e));
    let (b, o) = (unwrap(b)?, unwrap(o)?);
    Ok(merge(&b, &o, &t?))
}

fn describe(a: &Annotation, what: &str) -> String {
    format!(
        "annotation {} in {:?} at [{}, {}) {:?}: {what}",
        a.id, a.doc, a.start, a.end, a.text
    )
}

/// True when the annotation carries an unresolved merge conflict.
pub fn has_conflict(a: &Annotation) -> bool {
    a.meta.contains_key(CONFLICT)
}

/// The annotation with its conflict markers removed (the conflict resolved).
pub fn resolved(a: &Annotation) -> Annotation {
    let mut a = a.clone();
    a.meta.remove(CONFLICT);
    a.meta.remove(CONFLICT_OTHER);
    a
}

/// Why a conflict cannot be resolved by taking the other version.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("the annotation carries no other version to take")]
    NoOtherVersion,
    #[error("the other version is in another document or orphaned; edit the annotation by hand")]
    Elsewhere,
}

/// The edit that resolves the conflict marked on `a`: keeping it as it is
/// (markers removed), or taking the version the merge did not keep
/// (deleting it, if the other side deleted it).
pub fn resolve(a: &Annotation, take_other: bool, at: Timestamp) -> Result<Command, ResolveError> {
    let kept = resolved(a);
    if !take_other {
        return Ok(Command::RestoreAnnotations(vec![kept]));
    }
    match Other::of(a).ok_or(ResolveError::NoOtherVersion)? {
        Other::Deleted { .. } => Ok(Command::DeleteAnnotations(vec![a.id])),
        Other::Version {
            doc,
            start,
            end,
            text,
            label,
            note,
            orphan,
            attrs,
            ..
        } => {
            if orphan || doc != a.doc {
                return Err(ResolveError::Elsewhere);
            }
            Ok(Command::RestoreAnnotations(vec![Annotation {
                start,
                end,
                text,
                label,
                note,
                attrs: attrs.unwrap_or_else(|| kept.attrs.clone()),
                modified: at,
                ..kept
            }]))
        }
    }
}
