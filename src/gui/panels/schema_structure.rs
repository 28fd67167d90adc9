//! The schema editor's relation types and attribute declarations: the
//! structure a project's relations and values follow.
//!
//! As with labels, text edits are drafts until "Apply", which replaces the
//! whole list in one undoable step ([`Structure`]); the core refuses a
//! change that would break what the project holds (narrowing a type's ends
//! under its relations, dropping a value in use) and the status bar says
//! why. Adding applies at once. Deleting something in use first says what
//! goes with it (its relations, its values) and asks.
//!
//! An event label's roles are the relation types that start at it; their
//! cardinality ("exactly one", "one or more") is what the inspector checks.

use egui::{RichText, Ui};

use crate::edit::{Command, Structure};
use crate::gui::action::Action;
use crate::model::{
    AttrKind, AttrTarget, AttrValue, AttributeDef, Cardinality, ChoiceValue, Colour, LabelKind, Project, RelationType,
};

/// A deletion waiting for the user to confirm what it takes with it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Deletion {
    RelationType(String),
    Attribute(String),
}

#[derive(Default)]
pub struct StructureDrafts {
    types_pristine: Vec<RelationType>,
    types: Vec<RelationType>,
    attrs_pristine: Vec<AttributeDef>,
    attrs: Vec<AttributeDef>,
    new_type: String,
    new_attr: String,
    /// The value being typed for each attribute (by id).
    new_value: std::collections::HashMap<String, String>,
    confirm: Option<Deletion>,
}

const CARDINALITIES: [Cardinality; 4] = [
    Cardinality::Any,
    Cardinality::One,
    Cardinality::Optional,
    Cardinality::OneOrMore,
];

const KINDS: [AttrKind; 8] = [
    AttrKind::Choice,
    AttrKind::Multi,
    AttrKind::Flag,
    AttrKind::Text,
    AttrKind::Number,
    AttrKind::Entity,
    AttrKind::Date,
    AttrKind::Url,
];

impl StructureDrafts {
    /// Takes the project's lists again when they changed under the editor
    /// (an undo, an apply): drafts of a list that changed are dropped.
    fn follow(&mut self, project: &Project) {
        if project.schema.relation_types != self.types_pristine {
            self.types_pristine = project.schema.relation_types.clone();
            self.types = self.types_pristine.clone();
        }
        if project.schema.attributes != self.attrs_pristine {
            self.attrs_pristine = project.schema.attributes.clone();
            self.attrs = self.attrs_pristine.clone();
        }
    }

    /// Mutable access to a relation type's draft, for tests that edit it.
    pub fn type_mut(&mut self, id: &str) -> Option<&mut RelationType> {
        self.types.iter_mut().find(|t| t.id == id)
    }

    /// Mutable access to an attribute's draft, for tests that edit it.
    pub fn attribute_mut(&mut self, id: &str) -> Option<&mut AttributeDef> {
        self.attrs.iter_mut().find(|a| a.id == id)
    }

    pub fn ui(&mut self, ui: &mut Ui, project: &Project, uses: &super::schema::Uses) -> Vec<Action> {
        self.follow(project);
        let mut actions = Vec::new();
        egui::CollapsingHeader::new(format!("Relation types ({})", self.types.len()))
            .id_salt("relation-types")
            .show(ui, |ui| actions.extend(self.types_ui(ui, project, uses)));
        egui::CollapsingHeader::new(format!("Attributes ({})", self.attrs.len()))
            .id_salt("attributes")
            .show(ui, |ui| actions.extend(self.attrs_ui(ui, project, uses)));
        actions
    }

    fn types_ui(&mut self, ui: &mut Ui, project: &Project, uses: &super::schema::Uses) -> Vec<Action> {
        let mut actions = Vec::new();
        let labels: Vec<(String, String, LabelKind)> = project
            .schema
            .labels
            .iter()
            .map(|l| (l.id.clone(), l.name.clone(), l.kind))
            .collect();
        // At the top, where it stays in sight of the drafts above the fold.
        actions.extend(apply_ui(
            ui,
            "relation type",
            &mut self.types,
            &self.types_pristine,
            &|v| Command::SetStructure(Structure::RelationTypes(v)),
        ));
        let mut delete = None;
        for t in &mut self.types {
            let used = uses.relation_type(&t.id);
            ui.push_id(("type", t.id.clone()), |ui| {
                ui.horizontal(|ui| {
                    let mut rgb = t.colour.0;
                    if egui::color_picker::color_edit_button_srgb(ui, &mut rgb)
                        .accessible_name(format!("Colour of relation type {}", t.id))
                        .changed()
                    {
                        t.colour = Colour(rgb);
                    }
                    ui.add(egui::TextEdit::singleline(&mut t.name).desired_width(120.0))
                        .accessible_name(format!("Name of relation type {}", t.id))
                        .on_hover_text(format!("Relation type name (id: {})", t.id));
                    hotkey_field(ui, &mut t.hotkey, &format!("Key of relation type {}", t.id));
                    ui.weak(format!("{used} relations"));
                    if ui
                        .button("Delete")
                        .accessible_name(format!("Delete the relation type {}", t.id))
                        .clicked()
                    {
                        delete = Some(t.id.clone());
                    }
                });
                ui.horizontal(|ui| {
                    ends_menu(ui, "from", &mut t.from, &labels, &t.id);
                    ui.label("→");
                    ends_menu(ui, "to", &mut t.to, &labels, &t.id);
                    // Symmetric says A → B is B → A: only when both ends
                    // allow the same labels.
                    let same_ends = t.from == t.to;
                    ui.add_enabled(
                        same_ends || t.symmetric,
                        egui::Checkbox::new(&mut t.symmetric, "symmetric"),
                    )
                    .on_hover_text("A → B is the same relation as B → A")
                    .on_disabled_hover_text("Only for a type whose two ends allow the same labels");
                });
                ui.horizontal(|ui| {
                    let role_of: Vec<&str> = labels
                        .iter()
                        .filter(|(id, _, kind)| *kind == LabelKind::Event && t.from.contains(id))
                        .map(|(_, name, _)| name.as_str())
                        .collect();
                    let lead = if role_of.is_empty() {
                        "each source has".to_owned()
                    } else {
                        format!("role of {}: each event has", role_of.join(", "))
                    };
                    let lead = ui.label(lead);
                    egui::ComboBox::from_id_salt("cardinality")
                        .selected_text(t.cardinality.describe())
                        .show_ui(ui, |ui| {
                            for c in CARDINALITIES {
                                ui.selectable_value(&mut t.cardinality, c, c.describe());
                            }
                        })
                        .response
                        .labelled_by(lead.id);
                });
                guideline(ui, &mut t.guideline, &format!("Guideline of relation type {}", t.id));
            });
            if self.confirm == Some(Deletion::RelationType(t.id.clone())) {
                let target = AttrTarget::Relation(t.id.clone());
                let attributes = project
                    .schema
                    .attributes
                    .iter()
                    .filter(|a| a.applies_to(&target))
                    .count();
                let text = format!(
                    "Deleting the relation type {:?} deletes its {} relation(s){}.",
                    t.id,
                    used,
                    match attributes {
                        0 => String::new(),
                        n => format!(" and takes it out of {n} attribute declaration(s)"),
                    }
                );
                if confirm_ui(ui, &text, "Delete the type and what uses it", &mut self.confirm) == Some(true) {
                    actions.extend(crate::edit::remove_relation_type(project, &t.id).ok().map(Action::Edit));
                }
            }
            ui.separator();
        }
        if let Some(id) = delete {
            let (relations, attributes) = crate::edit::relation_type_uses(project, &id);
            if relations.is_empty() && attributes == 0 {
                actions.extend(crate::edit::remove_relation_type(project, &id).ok().map(Action::Edit));
            } else {
                self.confirm = Some(Deletion::RelationType(id));
            }
        }
        ui.horizontal(|ui| {
            ui.add(egui::TextEdit::singleline(&mut self.new_type).hint_text("New relation type's name"))
                .accessible_name("New relation type's name");
            let name = self.new_type.trim().to_owned();
            if ui
                .add_enabled(!name.is_empty(), egui::Button::new("Add relation type"))
                .clicked()
            {
                let mut list = project.schema.relation_types.clone();
                let id = super::structure::entity_id(&name, |id| list.iter().any(|t| t.id == id));
                list.push(RelationType {
                    id,
                    name,
                    colour: Colour::for_new_label(list.len() + 3),
                    hotkey: None,
                    from: Vec::new(),
                    to: Vec::new(),
                    symmetric: false,
                    cardinality: Cardinality::Any,
                    guideline: String::new(),
                });
                actions.push(Action::Edit(Command::SetStructure(Structure::RelationTypes(list))));
                self.new_type.clear();
            }
        });
        actions
    }

    fn attrs_ui(&mut self, ui: &mut Ui, project: &Project, uses: &super::schema::Uses) -> Vec<Action> {
        let mut actions = Vec::new();
        let schema = &project.schema;
        let targets: Vec<(AttrTarget, String)> = schema
            .labels
            .iter()
            .map(|l| (AttrTarget::Label(l.id.clone()), format!("label {}", l.name)))
            .chain(
                schema
                    .relation_types
                    .iter()
                    .map(|t| (AttrTarget::Relation(t.id.clone()), format!("relation {}", t.name))),
            )
            .chain([(AttrTarget::Document, "documents (metadata)".to_owned())])
            .collect();
        actions.extend(apply_ui(
            ui,
            "attribute",
            &mut self.attrs,
            &self.attrs_pristine,
            // A value renamed in place carries what holds it along.
            &|v| crate::edit::set_attributes(project, v),
        ));
        let mut delete = None;
        for a in &mut self.attrs {
            let used = uses.attribute(&a.id);
            let new_value = self.new_value.entry(a.id.clone()).or_default();
            ui.push_id(("attribute", a.id.clone()), |ui| {
                ui.horizontal(|ui| {
                    ui.add(egui::TextEdit::singleline(&mut a.name).desired_width(120.0))
                        .accessible_name(format!("Name of attribute {}", a.id))
                        .on_hover_text(format!("Attribute name (key: {})", a.id));
                    egui::ComboBox::from_id_salt("kind")
                        .selected_text(a.kind.name())
                        .show_ui(ui, |ui| {
                            for k in KINDS {
                                ui.selectable_value(&mut a.kind, k, k.name());
                            }
                        })
                        .response
                        .accessible_name(format!("Kind of attribute {}", a.id));
                    ui.checkbox(&mut a.required, "required")
                        .on_hover_text("validate warns about an annotation without a value");
                    ui.weak(format!("{used} values set"));
                    if ui
                        .button("Delete")
                        .accessible_name(format!("Delete the attribute {}", a.id))
                        .clicked()
                    {
                        delete = Some(a.id.clone());
                    }
                });
                ui.horizontal(|ui| {
                    let shown: Vec<&str> = targets
                        .iter()
                        .filter(|(t, _)| a.on.contains(t))
                        .map(|(_, name)| name.as_str())
                        .collect();
                    let summary = if shown.is_empty() {
                        "nothing".to_owned()
                    } else {
                        shown.join(", ")
                    };
                    ui.label("on");
                    ticks_menu(ui, summary, |ui| {
                        for (t, name) in &targets {
                            let mut on = a.on.contains(t);
                            if ui.checkbox(&mut on, name).changed() {
                                if on {
                                    a.on.push(t.clone());
                                } else {
                                    a.on.retain(|x| x != t);
                                }
                            }
                        }
                    })
                    .on_hover_text("Where the attribute may be set");
                });
                if matches!(a.kind, AttrKind::Choice | AttrKind::Multi) {
                    values_ui(ui, a, new_value);
                }
                default_ui(ui, a);
                guideline(ui, &mut a.guideline, &format!("Guideline of attribute {}", a.id));
            });
            if self.confirm == Some(Deletion::Attribute(a.id.clone())) {
                let text = format!("Deleting the attribute {:?} unsets its {used} value(s).", a.id);
                if confirm_ui(ui, &text, "Delete the attribute and its values", &mut self.confirm) == Some(true) {
                    actions.extend(crate::edit::remove_attribute(project, &a.id).ok().map(Action::Edit));
                }
            }
            ui.separator();
        }
        if let Some(id) = delete {
            if crate::edit::attribute_uses(project, &id) == 0 {
                actions.extend(crate::edit::remove_attribute(project, &id).ok().map(Action::Edit));
            } else {
                self.confirm = Some(Deletion::Attribute(id));
            }
        }
        ui.horizontal(|ui| {
            ui.add(egui::TextEdit::singleline(&mut self.new_attr).hint_text("New attribute's name"))
                .accessible_name("New attribute's name");
            let name = self.new_attr.trim().to_owned();
            if ui
                .add_enabled(!name.is_empty(), egui::Button::new("Add attribute"))
                .clicked()
            {
                let mut list = schema.attributes.clone();
                let id = super::structure::entity_id(&name, |id| list.iter().any(|a| a.id == id));
                // On the first label to begin with: an attribute on nothing
                // could not be set anywhere.
                let on = schema
                    .labels
                    .first()
                    .map_or(AttrTarget::Document, |l| AttrTarget::Label(l.id.clone()));
                list.push(AttributeDef {
                    id,
                    name,
                    kind: AttrKind::Choice,
                    on: vec![on],
                    values: Vec::new(),
                    default: None,
                    required: false,
                    guideline: String::new(),
                });
                actions.push(Action::Edit(Command::SetStructure(Structure::Attributes(list))));
                self.new_attr.clear();
            }
        });
        actions
    }
}

/// A one-character key field editing `key` in place.
fn hotkey_field(ui: &mut Ui, key: &mut Option<char>, name: &str) {
    let mut text = key.map(String::from).unwrap_or_default();
    let lead = ui.label("key");
    let field = ui
        .add(
            egui::TextEdit::singleline(&mut text)
                .char_limit(1)
                .desired_width(26.0)
                .align(egui::Align2::CENTER_CENTER),
        )
        .labelled_by(lead.id)
        .on_hover_text(name.to_owned());
    if field.changed() {
        *key = text.trim().chars().next();
    }
}

fn guideline(ui: &mut Ui, text: &mut String, name: &str) {
    egui::CollapsingHeader::new("Guideline")
        .id_salt("guideline")
        .show(ui, |ui| {
            ui.add(
                egui::TextEdit::multiline(text)
                    .desired_rows(3)
                    .desired_width(f32::INFINITY),
            )
            .accessible_name(name.to_owned());
        });
}

/// The labels allowed at one end of a relation type, as a menu of
/// checkboxes; none ticked means any label.
fn ends_menu(ui: &mut Ui, end: &str, list: &mut Vec<String>, labels: &[(String, String, LabelKind)], id: &str) {
    let names: Vec<&str> = labels
        .iter()
        .filter(|(l, _, _)| list.contains(l))
        .map(|(_, name, _)| name.as_str())
        .collect();
    let summary = if names.is_empty() {
        "any label".to_owned()
    } else {
        names.join(", ")
    };
    ui.label(end);
    ticks_menu(ui, summary, |ui| {
        for (l, name, _) in labels {
            let mut on = list.contains(l);
            if ui.checkbox(&mut on, name).changed() {
                if on {
                    list.push(l.clone());
                } else {
                    list.retain(|x| x != l);
                }
            }
        }
    })
    .on_hover_text(format!("Labels allowed at the {end} end of {id} (none ticked: any)"));
}

/// A menu of checkboxes that stays open while they are ticked (a plain
/// menu closed at each click, two trips to move a tick).
fn ticks_menu(ui: &mut Ui, text: String, content: impl FnOnce(&mut Ui)) -> egui::Response {
    let config =
        egui::containers::menu::MenuConfig::new().close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside);
    egui::containers::menu::MenuButton::new(text)
        .config(config)
        .ui(ui, content)
        .0
}

/// A choice attribute's values: each with its key and a ✕, and a field
/// that adds one.
fn values_ui(ui: &mut Ui, a: &mut AttributeDef, new_value: &mut String) {
    let mut remove = None;
    for (i, v) in a.values.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.add_space(12.0);
            ui.add(egui::TextEdit::singleline(&mut v.id).desired_width(110.0))
                .accessible_name(format!("Value {} of {}", i + 1, a.id));
            hotkey_field(ui, &mut v.hotkey, &format!("Key of value {}", v.id));
            if ui.small_button("✕").on_hover_text("Remove this value").clicked() {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        a.values.remove(i);
    }
    ui.horizontal(|ui| {
        ui.add_space(12.0);
        let field = ui
            .add(
                egui::TextEdit::singleline(new_value)
                    .hint_text("New value")
                    .desired_width(110.0),
            )
            .accessible_name(format!("New value of {}", a.id));
        let value = new_value.trim().to_owned();
        let fresh = !value.is_empty() && !a.has_value(&value);
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let add = ui
            .add_enabled(fresh, egui::Button::new("Add value"))
            .accessible_name(format!("Add a value to {}", a.id));
        if (add.clicked() || enter) && fresh {
            a.values.push(ChoiceValue {
                id: value,
                hotkey: None,
            });
            new_value.clear();
        }
    });
}

/// The value a new annotation is given: one of the values, a flag, or
/// text typed in the attribute's own syntax.
fn default_ui(ui: &mut Ui, a: &mut AttributeDef) {
    ui.horizontal(|ui| {
        let lead = ui.label("default");
        match a.kind {
            AttrKind::Choice => {
                let shown = match &a.default {
                    Some(AttrValue::Text(v)) => v.clone(),
                    _ => "(none)".to_owned(),
                };
                egui::ComboBox::from_id_salt("default")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut a.default, None, "(none)");
                        for v in &a.values {
                            ui.selectable_value(&mut a.default, Some(AttrValue::Text(v.id.clone())), &v.id);
                        }
                    })
                    .response
                    .labelled_by(lead.id);
            }
            AttrKind::Flag => {
                let shown = match &a.default {
                    Some(AttrValue::Flag(true)) => "yes",
                    Some(AttrValue::Flag(false)) => "no",
                    _ => "(none)",
                };
                egui::ComboBox::from_id_salt("default")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut a.default, None, "(none)");
                        ui.selectable_value(&mut a.default, Some(AttrValue::Flag(true)), "yes");
                        ui.selectable_value(&mut a.default, Some(AttrValue::Flag(false)), "no");
                    })
                    .response
                    .labelled_by(lead.id);
            }
            _ => {
                // Kept as typed in egui's memory, so that "-" or "2024-" can
                // be on its way to a number or a date.
                let id = ui.make_persistent_id("default-text");
                let mut text = ui.data(|d| d.get_temp::<String>(id)).unwrap_or_else(|| {
                    a.default
                        .as_ref()
                        .map(|v| match v {
                            AttrValue::List(l) => l.join(", "),
                            other => other.to_string(),
                        })
                        .unwrap_or_default()
                });
                let field = ui
                    .add(egui::TextEdit::singleline(&mut text).desired_width(140.0))
                    .labelled_by(lead.id);
                if field.changed() {
                    let trimmed = text.trim();
                    if trimmed.is_empty() {
                        a.default = None;
                    } else if let Ok(v) = crate::edit::parse_value(Some(a), trimmed) {
                        a.default = Some(v);
                    }
                    ui.data_mut(|d| d.insert_temp(id, text));
                } else if !field.has_focus() {
                    ui.data_mut(|d| d.remove::<String>(id));
                }
            }
        }
    });
}

/// "Apply … changes" and "Revert" for one list of drafts.
fn apply_ui<T: Clone + PartialEq>(
    ui: &mut Ui,
    what: &str,
    drafts: &mut Vec<T>,
    pristine: &[T],
    command: &dyn Fn(Vec<T>) -> Command,
) -> Option<Action> {
    let changed = drafts.as_slice() != pristine;
    let mut action = None;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(changed, egui::Button::new(format!("Apply {what} changes")))
            .clicked()
        {
            action = Some(Action::Edit(command(drafts.clone())));
        }
        if ui
            .add_enabled(changed, egui::Button::new("Revert"))
            .accessible_name(format!("Revert {what} changes"))
            .clicked()
        {
            *drafts = pristine.to_vec();
        }
    });
    action
}

/// A deletion's consequences and its two buttons. `Some(true)` when
/// confirmed; either answer clears `pending`.
fn confirm_ui(ui: &mut Ui, text: &str, yes: &str, pending: &mut Option<Deletion>) -> Option<bool> {
    let mut answer = None;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(RichText::new(text).strong());
        ui.horizontal(|ui| {
            if ui.button(yes).clicked() {
                answer = Some(true);
            }
            if ui.button("Cancel").clicked() {
                answer = Some(false);
            }
        });
    });
    if answer.is_some() {
        *pending = None;
    }
    answer
}
