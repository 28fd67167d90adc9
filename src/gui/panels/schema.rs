//! The schema editor: add, rename, recolour, reorder and delete labels,
//! set hotkeys and guidelines; and the project's entity list: add, rename,
//! give a knowledge-base id (`Wikidata:Q…`, free text, no network), delete
//! when unused, merge two (their references follow).
//!
//! Text and colour edits are drafts until "Apply changes", which commits
//! them as one undoable edit; adding, moving and deleting apply at once.
//! Deleting a label that is in use asks what to do with its annotations.
//! If the schema changes under the editor (undo), the drafts follow it.

use std::collections::HashMap;

use egui::{RichText, Ui};

use crate::edit::Command;
use crate::gui::action::Action;
use crate::model::{AttrKind, AttrValue, Colour, Entity, Label, LabelKind, Project};

pub struct SchemaEditor {
    /// The schema the drafts were made from.
    pristine: Vec<Label>,
    drafts: Vec<Label>,
    hotkeys: Vec<String>,
    /// The entity list the entity drafts were made from, and the drafts.
    entities_pristine: Vec<Entity>,
    entities: Vec<Entity>,
    new_entity: String,
    /// Merge the first into the second.
    merge: (Option<String>, Option<String>),
    /// Relation types and attributes.
    pub structure: super::schema_structure::StructureDrafts,
    uses: Uses,
}

impl SchemaEditor {
    pub fn new(project: &Project) -> SchemaEditor {
        let mut editor = SchemaEditor {
            pristine: Vec::new(),
            drafts: Vec::new(),
            hotkeys: Vec::new(),
            entities_pristine: Vec::new(),
            entities: Vec::new(),
            new_entity: String::new(),
            merge: (None, None),
            structure: Default::default(),
            uses: Uses::default(),
        };
        editor.refresh(project);
        editor
    }

    /// Starts again from the project's schema.
    pub fn refresh(&mut self, project: &Project) {
        self.entities_pristine = project.schema.entities.clone();
        self.entities = self.entities_pristine.clone();
        self.pristine = project.schema.labels.clone();
        self.drafts = self.pristine.clone();
        self.hotkeys = self
            .drafts
            .iter()
            .map(|l| l.hotkey.map(String::from).unwrap_or_default())
            .collect();
    }

    /// Chooses the two entities of a merge (as the two lists do), for tests.
    pub fn choose_merge(&mut self, from: &str, into: &str) {
        self.merge = (Some(from.to_owned()), Some(into.to_owned()));
    }

    /// Mutable access to a label's draft, for tests that type into it.
    pub fn draft_mut(&mut self, id: &str) -> Option<&mut Label> {
        self.drafts.iter_mut().find(|l| l.id == id)
    }

    /// The drafts that differ from the schema, as one command. A renamed
    /// label that no annotation uses yet takes an id made from its new name
    /// (so that "Place" is `place` in the file and every export, not
    /// `label_2`); a label in use keeps its id.
    pub fn pending(&self, project: &Project) -> Option<Command> {
        let mut changed = Vec::new();
        let mut schema = project.schema.clone();
        for (d, key) in self.drafts.iter().zip(&self.hotkeys) {
            let mut label = d.clone();
            label.hotkey = key.trim().chars().next();
            let Some(original) = self.pristine.iter().find(|p| p.id == d.id) else {
                continue;
            };
            if label == *original {
                continue;
            }
            changed.push(Command::UpdateLabel(label.clone()));
            let used = project
                .annotations()
                .iter()
                .chain(&project.orphans)
                .any(|a| a.label == label.id);
            if label.name != original.name && !used {
                let id = schema.id_for_name(&label.name, &label.id);
                if id != label.id {
                    changed.push(Command::RenameLabelId {
                        from: label.id.clone(),
                        to: id.clone(),
                    });
                    if let Some(l) = schema.labels.iter_mut().find(|l| l.id == label.id) {
                        l.id = id;
                    }
                }
            }
        }
        (!changed.is_empty()).then_some(Command::Batch(changed))
    }

    /// Shows the editor window. Returns whether it stays open and the edits.
    pub fn ui(&mut self, ctx: &egui::Context, project: &Project, revision: u64) -> (bool, Vec<Action>) {
        if project.schema.labels != self.pristine {
            self.refresh(project);
        }
        self.uses.refresh(project, revision);
        let mut actions = Vec::new();
        let mut open = true;
        crate::gui::style::dialog_window(ctx, "Labels")
            .open(&mut open)
            .default_width(520.0)
            .default_height(ctx.content_rect().height() * 0.8)
            .show(ctx, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    actions = self.contents_ui(ui, project);
                });
            });
        (open, actions)
    }

    fn contents_ui(&mut self, ui: &mut Ui, project: &Project) -> Vec<Action> {
        let mut actions = Vec::new();
        let n = self.drafts.len();
        for i in 0..n {
            let count = self.uses.label(&self.drafts[i].id);
            ui.push_id(("label", self.drafts[i].id.clone()), |ui| {
                ui.horizontal(|ui| {
                    let id = self.drafts[i].id.clone();
                    let mut rgb = self.drafts[i].colour.0;
                    let colour = egui::color_picker::color_edit_button_srgb(ui, &mut rgb)
                        .accessible_name(format!("Colour of {id}"));
                    if colour.changed() {
                        self.drafts[i].colour = Colour(rgb);
                    }
                    ui.add(egui::TextEdit::singleline(&mut self.drafts[i].name).desired_width(140.0))
                        .accessible_name(format!("Name of {id}"))
                        .on_hover_text(format!("Label name (id: {id})"));
                    let key = ui.label("key");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.hotkeys[i])
                            .char_limit(1)
                            // Room for one wide glyph beside the default margins.
                            .desired_width(26.0)
                            .align(egui::Align2::CENTER_CENTER),
                    )
                    .labelled_by(key.id);
                    kind_ui(ui, &mut self.drafts[i].kind, count, &id);
                    ui.weak(format!("{count} used"));
                    if ui
                        .add_enabled(i > 0, egui::Button::new("⏶"))
                        .on_hover_text("Move up")
                        .clicked()
                    {
                        actions.push(Action::Edit(Command::MoveLabel {
                            id: id.clone(),
                            index: i - 1,
                        }));
                    }
                    if ui
                        .add_enabled(i + 1 < n, egui::Button::new("⏷"))
                        .on_hover_text("Move down")
                        .clicked()
                    {
                        actions.push(Action::Edit(Command::MoveLabel {
                            id: id.clone(),
                            index: i + 1,
                        }));
                    }
                    if ui.button("Delete").clicked() {
                        // Asked first when tags or suggestions use it.
                        actions.push(Action::ConfirmDeleteLabel(id));
                    }
                });
                egui::CollapsingHeader::new("Guideline")
                    .id_salt("guideline")
                    .show(ui, |ui| {
                        ui.add(
                            egui::TextEdit::multiline(&mut self.drafts[i].guideline)
                                .desired_rows(4)
                                .desired_width(f32::INFINITY),
                        )
                        .accessible_name(format!("Guideline of {}", self.drafts[i].id));
                    });
            });
            ui.separator();
        }
        ui.horizontal(|ui| {
            if ui.button("Add label").clicked() {
                let name = format!("Label {}", n + 1);
                let id = project.schema.fresh_id(&name);
                let used: Vec<char> = project.schema.labels.iter().filter_map(|l| l.hotkey).collect();
                let hotkey = ('1'..='9').find(|c| !used.contains(c));
                actions.push(Action::Edit(Command::AddLabel {
                    label: Label {
                        id,
                        name,
                        colour: Colour::for_new_label(n),
                        hotkey,
                        guideline: String::new(),
                        kind: Default::default(),
                    },
                    index: n,
                }));
            }
            let pending = self.pending(project);
            if ui
                .add_enabled(pending.is_some(), egui::Button::new("Apply changes"))
                .clicked()
                && let Some(command) = pending
            {
                actions.push(Action::Edit(command));
            }
            if ui
                .add_enabled(self.pending(project).is_some(), egui::Button::new("Revert"))
                .clicked()
            {
                self.refresh(project);
            }
        });
        ui.separator();
        actions.extend(self.structure.ui(ui, project, &self.uses));
        actions.extend(self.entities_ui(ui, project));
        ui.weak(RichText::new("Every change here can be undone with Ctrl+Z.").small());
        actions
    }

    /// The entity list: names and references edited as drafts ("Apply"),
    /// adding, deleting an unused one and merging two at once.
    fn entities_ui(&mut self, ui: &mut Ui, project: &Project) -> Vec<Action> {
        let mut actions = Vec::new();
        if project.schema.entities != self.entities_pristine {
            // Changed under the editor (an undo, an entity added from the inspector).
            self.entities_pristine = project.schema.entities.clone();
            self.entities = self.entities_pristine.clone();
        }
        egui::CollapsingHeader::new(format!("Entities ({})", self.entities.len()))
            .id_salt("entities")
            .show(ui, |ui| {
                let counts = &self.uses;
                let uses = |id: &str| counts.entity(id);
                let mut delete = None;
                for e in &mut self.entities {
                    ui.horizontal(|ui| {
                        ui.add(egui::TextEdit::singleline(&mut e.name).desired_width(150.0))
                            .accessible_name(format!("Name of entity {}", e.id));
                        let mut reference = e.reference.clone().unwrap_or_default();
                        let field = ui
                            .add(
                                egui::TextEdit::singleline(&mut reference)
                                    .hint_text("Wikidata:Q…")
                                    .desired_width(120.0),
                            )
                            .accessible_name(format!("Reference of entity {}", e.id));
                        if field.changed() {
                            e.reference = (!reference.trim().is_empty()).then(|| reference.trim().to_owned());
                        }
                        let n = uses(&e.id);
                        ui.weak(format!("{n} used"));
                        if ui
                            .add_enabled(n == 0, egui::Button::new("Delete"))
                            .on_disabled_hover_text("In use: merge it into another instead")
                            .clicked()
                        {
                            delete = Some(e.id.clone());
                        }
                    });
                }
                if let Some(id) = delete {
                    let kept = project.schema.entities.iter().filter(|e| e.id != id).cloned().collect();
                    actions.push(Action::Edit(Command::SetStructure(crate::edit::Structure::Entities(
                        kept,
                    ))));
                }
                ui.horizontal(|ui| {
                    ui.add(egui::TextEdit::singleline(&mut self.new_entity).hint_text("New entity's name"))
                        .accessible_name("New entity's name");
                    let name = self.new_entity.trim().to_owned();
                    if ui
                        .add_enabled(!name.is_empty(), egui::Button::new("Add entity"))
                        .clicked()
                    {
                        let mut list = project.schema.entities.clone();
                        let id = super::structure::entity_id(&name, |id| list.iter().any(|e| e.id == id));
                        list.push(Entity {
                            id,
                            name,
                            reference: None,
                            note: String::new(),
                        });
                        actions.push(Action::Edit(Command::SetStructure(crate::edit::Structure::Entities(
                            list,
                        ))));
                        self.new_entity.clear();
                    }
                    let changed = self.entities != self.entities_pristine;
                    if ui
                        .add_enabled(changed, egui::Button::new("Apply entity changes"))
                        .clicked()
                    {
                        actions.push(Action::Edit(Command::SetStructure(crate::edit::Structure::Entities(
                            self.entities.clone(),
                        ))));
                    }
                });
                ui.horizontal(|ui| {
                    for (k, which) in [&mut self.merge.0, &mut self.merge.1].into_iter().enumerate() {
                        let shown = which
                            .as_deref()
                            .and_then(|id| project.schema.entity(id))
                            .map_or("choose…", |e| e.name.as_str())
                            .to_owned();
                        egui::ComboBox::from_id_salt(("merge", k))
                            .selected_text(shown)
                            .show_ui(ui, |ui| {
                                for e in &project.schema.entities {
                                    ui.selectable_value(which, Some(e.id.clone()), &e.name);
                                }
                            })
                            .response
                            .accessible_name(if k == 0 { "Entity to merge" } else { "Entity to keep" });
                        if k == 0 {
                            ui.label("into");
                        }
                    }
                    let merge = match &self.merge {
                        (Some(from), Some(into)) => crate::edit::merge_entities(project, from, into).ok(),
                        _ => None,
                    };
                    if ui.add_enabled(merge.is_some(), egui::Button::new("Merge")).clicked()
                        && let Some(command) = merge
                    {
                        actions.push(Action::Edit(command));
                        self.merge = (None, None);
                    }
                });
            });
        actions
    }
}

/// A label's kind: span and event tag spans alike, so either can become
/// the other; a document class covers whole texts, so a label in use keeps
/// its kind or leaves it.
fn kind_ui(ui: &mut Ui, kind: &mut LabelKind, used: usize, id: &str) {
    egui::ComboBox::from_id_salt("kind")
        .width(80.0)
        .selected_text(kind.name())
        .show_ui(ui, |ui| {
            for k in [LabelKind::Span, LabelKind::Event, LabelKind::Document] {
                let open = used == 0 || (k != LabelKind::Document && *kind != LabelKind::Document);
                ui.add_enabled_ui(open, |ui| ui.selectable_value(kind, k, k.name()))
                    .response
                    .on_disabled_hover_text("Only an unused label changes to or from a document class");
            }
        })
        .response
        .accessible_name(format!("Kind of {id}"))
        .on_hover_text("span: a stretch of text; event: a trigger whose relations are its roles; document: a class for a whole text");
}

/// How much of the project uses each part of the schema, counted in one
/// pass when the project changes (the editor showed them every frame, and
/// with 100,000 annotations each count was a walk over all of them).
#[derive(Default)]
pub struct Uses {
    revision: Option<u64>,
    /// Label → annotations.
    pub labels: HashMap<String, usize>,
    /// Relation type → relations.
    pub relation_types: HashMap<String, usize>,
    /// Attribute key → annotations, relations and documents holding a value.
    pub attributes: HashMap<String, usize>,
    /// Entity → references to it from entity attributes.
    pub entities: HashMap<String, usize>,
}

impl Uses {
    fn refresh(&mut self, project: &Project, revision: u64) {
        if self.revision == Some(revision) {
            return;
        }
        let entity_keys: Vec<&str> = project
            .schema
            .attributes
            .iter()
            .filter(|d| d.kind == AttrKind::Entity)
            .map(|d| d.id.as_str())
            .collect();
        let mut uses = Uses {
            revision: Some(revision),
            ..Uses::default()
        };
        for a in project.annotations() {
            *uses.labels.entry(a.label.clone()).or_default() += 1;
        }
        for r in project.relations() {
            *uses.relation_types.entry(r.kind.clone()).or_default() += 1;
        }
        let attrs = project
            .annotations()
            .iter()
            .map(|a| &a.attrs)
            .chain(project.relations().iter().map(|r| &r.attrs))
            .chain(project.documents.iter().map(|d| &d.attrs));
        for a in attrs {
            for (key, value) in a {
                *uses.attributes.entry(key.clone()).or_default() += 1;
                if let (true, AttrValue::Text(t)) = (entity_keys.contains(&key.as_str()), value) {
                    *uses.entities.entry(t.clone()).or_default() += 1;
                }
            }
        }
        *self = uses;
    }

    fn count(map: &HashMap<String, usize>, id: &str) -> usize {
        map.get(id).copied().unwrap_or(0)
    }

    pub fn label(&self, id: &str) -> usize {
        Uses::count(&self.labels, id)
    }

    pub fn relation_type(&self, id: &str) -> usize {
        Uses::count(&self.relation_types, id)
    }

    pub fn attribute(&self, id: &str) -> usize {
        Uses::count(&self.attributes, id)
    }

    pub fn entity(&self, id: &str) -> usize {
        Uses::count(&self.entities, id)
    }
}
