//! Banners above the document: files changed on disk by other programs,
//! documents whose text changed, merge conflicts to resolve, and problems
//! found when the project was loaded.

use egui::{RichText, Ui};

use crate::gui::action::Action;
use crate::merge::{self, Other};
use crate::model::{AnnotationId, Project};
use crate::persist::watch::DiskChange;
use crate::session::Session;

/// What the banners read besides the session.
pub struct BannerInput<'a> {
    /// Files changed on disk by other programs, not yet answered.
    pub disk_changes: &'a [DiskChange],
    pub conflicts: &'a ConflictList,
    pub selected: Option<AnnotationId>,
    pub selected_relation: Option<AnnotationId>,
}

pub fn banners(ui: &mut Ui, session: &Session, input: &BannerInput<'_>) -> Vec<Action> {
    let mut actions = Vec::new();
    if !input.disk_changes.is_empty() {
        egui::Frame::group(ui.style())
            .fill(ui.visuals().warn_fg_color.gamma_multiply(0.15))
            .show(ui, |ui| {
                let what: Vec<String> = input
                    .disk_changes
                    .iter()
                    .map(|c| match c {
                        DiskChange::Project => "the project file".to_owned(),
                        DiskChange::Document(d) => format!("document {d}"),
                    })
                    .collect();
                ui.label(RichText::new(format!("Changed on disk by another program: {}.", what.join(", "))).strong());
                ui.horizontal(|ui| {
                    let reload = if session.is_dirty() {
                        "Reload (drop my unsaved changes)"
                    } else {
                        "Reload"
                    };
                    if ui.button(reload).clicked() {
                        actions.push(Action::ReloadFromDisk);
                    }
                    if input.disk_changes.contains(&DiskChange::Project)
                        && ui
                            .button("Merge theirs into mine")
                            .on_hover_text("Combine both versions annotation by annotation, as `marginalia merge` does; conflicts keep yours and are marked")
                            .clicked()
                    {
                        actions.push(Action::MergeFromDisk);
                    }
                    if ui.button("Keep my version").clicked() {
                        actions.push(Action::KeepMine);
                    }
                });
            });
    }
    for doc in session.project().documents.iter().filter(|d| !d.text_matches()) {
        egui::Frame::group(ui.style())
            .fill(ui.visuals().warn_fg_color.gamma_multiply(0.15))
            .show(ui, |ui| {
                let count = session.project().annotations_of(&doc.id).len();
                ui.label(
                    RichText::new(format!(
                        "The text of {} changed since it was annotated: its {count} annotation(s) point into the old text.",
                        doc.id
                    ))
                    .strong(),
                );
                ui.horizontal(|ui| {
                    if ui
                        .button("Re-anchor")
                        .on_hover_text("Move the annotations onto the new text (undoable); spans whose text was deleted are kept as orphans")
                        .clicked()
                    {
                        actions.push(Action::Reanchor(doc.id.clone()));
                    }
                    if ui.button("Choose the old text…").clicked() {
                        actions.push(Action::ReanchorWithFile(doc.id.clone()));
                    }
                });
            });
    }
    actions.extend(conflicts(ui, session, input));
    // Problems that no longer hold (a re-anchored document) are not shown.
    let problems = session.current_problems();
    if !problems.is_empty() {
        egui::CollapsingHeader::new(
            RichText::new(format!(
                "⚠ {} problem(s) found when the project was loaded",
                problems.len()
            ))
            .color(ui.visuals().warn_fg_color),
        )
        .id_salt("load-problems")
        .show(ui, |ui| {
            egui::ScrollArea::vertical().max_height(120.0).show(ui, |ui| {
                for p in &problems {
                    ui.label(p.to_string());
                }
            });
            ui.weak(
                "Edits to affected documents may be refused until the problems are fixed (see `marginalia validate`).",
            );
        });
    }
    actions
}

/// The annotations a merge marked as conflicting, with the selected one's
/// choices: keep the version the merge kept (ours), or take the other.
fn conflicts(ui: &mut Ui, session: &Session, input: &BannerInput<'_>) -> Vec<Action> {
    let (list, selected) = (input.conflicts, input.selected);
    let mut actions = Vec::new();
    let count = list.ids.len() + list.relation_ids.len();
    if count == 0 {
        return actions;
    }
    egui::Frame::group(ui.style())
        .fill(ui.visuals().warn_fg_color.gamma_multiply(0.15))
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(format!(
                        "{count} merge conflict(s): the merge kept one side's version of these annotations and relations."
                    ))
                    .strong(),
                );
                if ui.button("Next conflict").on_hover_text("Alt+C").clicked() {
                    actions.push(Action::NextConflict);
                }
            });
            let relation = input
                .selected_relation
                .and_then(|id| session.project().relation(id))
                .filter(|r| merge::relation_has_conflict(r));
            if let Some(r) = relation {
                actions.extend(relation_conflict(ui, session.project(), r));
                return;
            }
            let selected = selected
                .and_then(|id| session.project().annotation(id))
                .filter(|a| merge::has_conflict(a));
            let Some(a) = selected else {
                ui.weak("Select one (Next conflict) to resolve it.");
                return;
            };
            ui.label(format!("“{}” [{}, {}) {}", a.text, a.start, a.end, a.label));
            if let Some(what) = a.meta.get(merge::CONFLICT) {
                ui.label(format!("Conflict: {what}"));
            }
            ui.horizontal(|ui| {
                if ui.button("Keep this version").clicked() {
                    actions.push(Action::ResolveConflict {
                        id: a.id,
                        take_other: false,
                    });
                }
                let other = match Other::of(a) {
                    Some(Other::Deleted { by }) => Some((format!("Delete it (as {by} did)"), String::new())),
                    Some(Other::Version {
                        by,
                        label,
                        start,
                        end,
                        note,
                        ..
                    }) => {
                        let note = if note.is_empty() {
                            String::new()
                        } else {
                            format!(", note: {note}")
                        };
                        Some((format!("Use {by}' version"), format!("{label} [{start}, {end}){note}")))
                    }
                    None => None,
                };
                if let Some((text, tip)) = other
                    && ui.button(text).on_hover_text(tip).clicked()
                {
                    actions.push(Action::ResolveConflict {
                        id: a.id,
                        take_other: true,
                    });
                }
            });
        });
    actions
}

/// A relation marked with a merge conflict: what differs, and its two
/// choices.
fn relation_conflict(ui: &mut Ui, project: &Project, r: &crate::model::Relation) -> Vec<Action> {
    let mut actions = Vec::new();
    ui.label(super::structure::relation_text(project, r, r.from));
    if let Some(what) = r.meta.get(merge::CONFLICT) {
        ui.label(format!("Conflict: {what}"));
    }
    ui.horizontal(|ui| {
        if ui.button("Keep this version").clicked() {
            actions.push(Action::ResolveRelationConflict {
                id: r.id,
                take_other: false,
            });
        }
        let other = match merge::RelationOther::of(r) {
            Some(merge::RelationOther::Deleted { by }) => Some((format!("Delete it (as {by} did)"), String::new())),
            Some(merge::RelationOther::Version { by, relation }) => {
                let kind = project
                    .schema
                    .relation_type(&relation.kind)
                    .map_or(relation.kind.as_str(), |t| t.name.as_str());
                let values: Vec<String> = relation.attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let tip = format!(
                    "{kind} {} → {}, note: {:?} {}",
                    relation.from,
                    relation.to,
                    relation.note,
                    values.join(", ")
                );
                Some((format!("Use {by}' version"), tip))
            }
            None => None,
        };
        if let Some((text, tip)) = other
            && ui.button(text).on_hover_text(tip).clicked()
        {
            actions.push(Action::ResolveRelationConflict {
                id: r.id,
                take_other: true,
            });
        }
    });
    actions
}

/// The annotations marked with merge conflicts, recomputed when the
/// annotations change (not for other edits: a scan of 100,000 annotations'
/// marks is 10 ms).
#[derive(Default)]
pub struct ConflictList {
    revision: Option<u64>,
    pub ids: Vec<AnnotationId>,
    relations_revision: Option<u64>,
    /// The relations marked with merge conflicts.
    pub relation_ids: Vec<AnnotationId>,
}

impl ConflictList {
    pub fn refresh(&mut self, project: &Project) {
        let revision = project.annotations_generation();
        if self.revision != Some(revision) {
            // Counted with the annotations: no pass over 500,000 after each
            // edit of a project without conflicts.
            self.ids = if project.annotations_with_meta(merge::CONFLICT) == 0 {
                Vec::new()
            } else {
                project
                    .annotations()
                    .iter()
                    .filter(|a| merge::has_conflict(a))
                    .map(|a| a.id)
                    .collect()
            };
            self.revision = Some(revision);
        }
        let revision = project.relations_generation();
        if self.relations_revision != Some(revision) {
            self.relation_ids = project
                .relations()
                .iter()
                .filter(|r| merge::relation_has_conflict(r))
                .map(|r| r.id)
                .collect();
            self.relations_revision = Some(revision);
        }
    }
}
