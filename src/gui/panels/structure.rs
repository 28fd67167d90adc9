//! The inspector's structure: the selected annotation's attributes as the
//! widgets their kinds call for (a choice with its values' keys, a flag, a
//! text, a number, an entity picked by typing part of its name), its
//! relations both ways (the other end's text, a click goes there, ✕
//! deletes), and the roles its label must have that it lacks. Every
//! change is an action the workbench turns into one undoable command.

use egui::{RichText, Ui};

use crate::gui::action::Action;
use crate::gui::view::shorten;
use crate::model::{
    Annotation, AttrKind, AttrTarget, AttrValue, AttributeDef, Owner, Project, Relation, fold_str_for_search,
};

/// The attributes that may be set on `a` (declared for its label), then
/// any other key it holds (undeclared, kept as the file has it).
pub fn attributes_of<'p>(project: &'p Project, a: &Annotation) -> Vec<(String, Option<&'p AttributeDef>)> {
    let target = AttrTarget::Label(a.label.clone());
    let mut out: Vec<(String, Option<&AttributeDef>)> = project
        .schema
        .attributes
        .iter()
        .filter(|d| d.applies_to(&target))
        .map(|d| (d.id.clone(), Some(d)))
        .collect();
    for key in a.attrs.keys() {
        if !out.iter().any(|(k, _)| k == key) {
            out.push((key.clone(), project.schema.attribute(key)));
        }
    }
    out
}

/// A relation's line: "Claimant → “Peskov”" from its `from` end, "←
/// Claimant “…”" from its `to` end.
pub fn relation_text(project: &Project, r: &Relation, seen_from: crate::model::AnnotationId) -> String {
    let kind = project
        .schema
        .relation_type(&r.kind)
        .map_or(r.kind.as_str(), |t| t.name.as_str());
    let outgoing = r.from == seen_from;
    let other = if outgoing { r.to } else { r.from };
    let text = project
        .annotation(other)
        .map_or_else(|| other.to_string(), |o| format!("“{}”", shorten(&o.text, 40)));
    if outgoing {
        format!("{kind} → {text}")
    } else {
        format!("← {kind} {text}")
    }
}

/// The undo text of a relation: "relate claimant: “…” → “…”".
pub fn relation_undo_text(project: &Project, kind: &str, from: &Annotation, to: &Annotation) -> String {
    let name = project.schema.relation_type(kind).map_or(kind, |t| t.name.as_str());
    format!(
        "relate {}: “{}” → “{}”",
        name.to_lowercase(),
        shorten(&from.text, 24),
        shorten(&to.text, 24)
    )
}

/// The attributes, relations and unmet roles of `a`.
pub fn structure_ui(
    ui: &mut Ui,
    project: &Project,
    a: &Annotation,
    open_relation: Option<crate::model::AnnotationId>,
) -> Vec<Action> {
    let mut actions = Vec::new();
    let attributes = attributes_of(project, a);
    let relations: Vec<&Relation> = project.relations_touching(&a.doc, a.id).collect();
    let missing = missing_roles(project, a);
    if attributes.is_empty() && relations.is_empty() && missing.is_empty() {
        return actions;
    }
    ui.add_space(4.0);
    if !attributes.is_empty() {
        egui::Grid::new("inspector-attributes").num_columns(2).show(ui, |ui| {
            for (key, def) in &attributes {
                let (key, def) = (key.as_str(), *def);
                let name = def.map_or(key, |d| d.name.as_str());
                let label = ui.weak(name);
                if let Some(d) = def.filter(|d| !d.guideline.is_empty()) {
                    label.on_hover_text(&d.guideline);
                }
                match attribute_widget(ui, project, &Owner::Annotation(a.id), a.attrs.get(key), key, def) {
                    Some(Change::Set(value)) => actions.push(Action::SetAttr {
                        owners: vec![Owner::Annotation(a.id)],
                        key: key.to_owned(),
                        value,
                    }),
                    Some(Change::NewEntity(name)) => actions.push(Action::NewEntity {
                        name,
                        owner: Owner::Annotation(a.id),
                        key: key.to_owned(),
                    }),
                    None => {}
                }
                ui.end_row();
            }
        });
    }
    if !relations.is_empty() || !missing.is_empty() {
        ui.add_space(4.0);
        ui.strong("Relations");
        for r in relations {
            let open = open_relation == Some(r.id);
            ui.horizontal(|ui| {
                let other = if r.from == a.id { r.to } else { r.from };
                let colour = project
                    .schema
                    .relation_type(&r.kind)
                    .map_or(ui.visuals().text_color(), |t| crate::gui::view::label_colour(t.colour));
                let text = relation_text(project, r, a.id);
                // ✕ first, so that a long text never pushes it out of view.
                let delete = ui.small_button("✕").on_hover_text("Delete this relation");
                delete.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Delete: {text}")));
                if delete.clicked() {
                    actions.push(Action::DeleteRelation(r.id));
                }
                let edit = ui
                    .selectable_label(open, "✎")
                    .on_hover_text("This relation's type, note and attributes");
                edit.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Edit: {text}")));
                if edit.clicked() {
                    actions.push(Action::SelectRelation((!open).then_some(r.id)));
                }
                let go = ui
                    .add(
                        egui::Label::new(RichText::new(&text).color(colour))
                            .truncate()
                            .sense(egui::Sense::click()),
                    )
                    .on_hover_cursor(egui::CursorIcon::PointingHand)
                    .on_hover_text("Go to the other end");
                if go.clicked() {
                    actions.push(Action::SelectAnnotation(Some(other)));
                }
            });
            if open {
                let editor = ui.indent(("relation-editor", r.id), |ui| {
                    actions.extend(relation_editor_ui(ui, project, r));
                });
                // Newly opened (a click on its arrow): brought into the
                // inspector's view, which may be scrolled elsewhere.
                let shown = egui::Id::unique("inspector-relation-shown");
                if ui.data(|d| d.get_temp::<crate::model::AnnotationId>(shown)) != Some(r.id) {
                    editor.response.scroll_to_me(Some(egui::Align::Center));
                    ui.data_mut(|d| d.insert_temp(shown, r.id));
                }
            }
        }
        for (name, need) in missing {
            ui.label(RichText::new(format!("⚠ {name}: {need}")).color(ui.visuals().warn_fg_color));
        }
        ui.weak("Ctrl+K, or the blue knob above the span, links it to another.");
    } else if !project.schema.relation_types.is_empty() {
        ui.add_space(4.0);
        ui.weak("No relations: Ctrl+K, or the blue knob above the span, links it to another.");
    }
    actions
}

/// A relation's own editor, under its line in the inspector: its type
/// (those its ends allow), its note and its attributes, each change one
/// step.
fn relation_editor_ui(ui: &mut Ui, project: &Project, r: &Relation) -> Vec<Action> {
    let mut actions = Vec::new();
    let (Some(from), Some(to)) = (project.annotation(r.from), project.annotation(r.to)) else {
        return actions;
    };
    egui::Grid::new(("relation-grid", r.id)).num_columns(2).show(ui, |ui| {
        ui.weak("Type");
        let name = |id: &str| {
            project
                .schema
                .relation_type(id)
                .map_or(id, |t| t.name.as_str())
                .to_owned()
        };
        egui::ComboBox::from_id_salt(("relation-type", r.id))
            .selected_text(name(&r.kind))
            .show_ui(ui, |ui| {
                for t in project
                    .schema
                    .relation_types
                    .iter()
                    .filter(|t| t.allows(&from.label, &to.label))
                {
                    if ui.selectable_label(t.id == r.kind, &t.name).clicked() && t.id != r.kind {
                        actions.push(Action::Edit(crate::edit::Command::Named {
                            what: format!("retype a relation as {}", t.name.to_lowercase()),
                            commands: vec![crate::edit::Command::RestoreRelations(vec![Relation {
                                kind: t.id.clone(),
                                modified: crate::model::Timestamp::now(),
                                ..r.clone()
                            }])],
                        }));
                    }
                }
            })
            .response
            .accessible_name("Type of the relation");
        ui.end_row();
        ui.weak("Note");
        let note_id = ui.scope_id().with(("relation-note", r.id));
        let mut draft: String = ui.data_mut(|d| d.get_temp(note_id)).unwrap_or_else(|| r.note.clone());
        let field = ui
            .add(egui::TextEdit::singleline(&mut draft).desired_width(180.0))
            .accessible_name("Note of the relation");
        if field.has_focus() || field.changed() {
            ui.data_mut(|d| d.insert_temp(note_id, draft.clone()));
        } else {
            ui.data_mut(|d| d.remove::<String>(note_id));
        }
        if field.lost_focus() && draft != r.note {
            ui.data_mut(|d| d.remove::<String>(note_id));
            actions.push(Action::Edit(crate::edit::Command::Named {
                what: "edit a relation's note".to_owned(),
                commands: vec![crate::edit::Command::RestoreRelations(vec![Relation {
                    note: draft,
                    modified: crate::model::Timestamp::now(),
                    ..r.clone()
                }])],
            }));
        }
        ui.end_row();
        let owner = Owner::Relation(r.id);
        let target = AttrTarget::Relation(r.kind.clone());
        for d in project.schema.attributes.iter().filter(|d| d.applies_to(&target)) {
            ui.weak(&d.name);
            if let Some(Change::Set(value)) = attribute_widget(ui, project, &owner, r.attrs.get(&d.id), &d.id, Some(d))
            {
                actions.push(Action::SetAttr {
                    owners: vec![owner.clone()],
                    key: d.id.clone(),
                    value,
                });
            }
            ui.end_row();
        }
    });
    actions
}

/// The roles (relation types from `a`'s label with a cardinality) that `a`
/// has too few or too many of: (type name, what is wrong).
pub fn missing_roles(project: &Project, a: &Annotation) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for t in &project.schema.relation_types {
        if !(t.from.is_empty() || t.from.contains(&a.label)) {
            continue;
        }
        let n = project
            .relations_from(&a.doc, a.id)
            .iter()
            .filter(|r| r.kind == t.id)
            .count();
        let min = t.cardinality.min();
        if n < min {
            out.push((t.name.clone(), format!("needs {} (has none)", t.cardinality.describe())));
        } else if t.cardinality.max().is_some_and(|max| n > max) {
            out.push((t.name.clone(), format!("at most one (has {n})")));
        }
    }
    out
}

/// What an attribute widget was asked to do.
enum Change {
    /// Set the value (`None`: unset).
    Set(Option<AttrValue>),
    /// Add an entity of this name to the list and refer to it.
    NewEntity(String),
}

/// The widget for attribute `key` of `a`, and what the user changed.
fn attribute_widget(
    ui: &mut Ui,
    project: &Project,
    owner: &Owner,
    current: Option<&AttrValue>,
    key: &str,
    def: Option<&AttributeDef>,
) -> Option<Change> {
    let kind = def.map_or(AttrKind::Text, |d| d.kind);
    let id = ui.scope_id().with(("attr", owner.to_string(), key));
    match (kind, def) {
        (AttrKind::Choice, Some(d)) => {
            let shown = current.map_or_else(|| "—".to_owned(), |v| v.to_string());
            let mut out = None;
            egui::ComboBox::from_id_salt(id)
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    if ui.selectable_label(current.is_none(), "—").clicked() && current.is_some() {
                        out = Some(None);
                    }
                    for v in &d.values {
                        let text = match v.hotkey {
                            Some(k) => format!("{}   {k}", v.id),
                            None => v.id.clone(),
                        };
                        let on = current.is_some_and(|c| c.to_string() == v.id);
                        if ui.selectable_label(on, text).clicked() && !on {
                            out = Some(Some(AttrValue::Text(v.id.clone())));
                        }
                    }
                })
                .response
                .accessible_name(match owner {
                    Owner::Document(_) => format!("{} of the document", d.name),
                    _ => format!("{} of the selected annotation", d.name),
                });
            out.map(Change::Set)
        }
        (AttrKind::Multi, Some(d)) => {
            let held: Vec<String> = match current {
                Some(AttrValue::List(v)) => v.clone(),
                _ => Vec::new(),
            };
            let mut out = None;
            ui.horizontal_wrapped(|ui| {
                for v in &d.values {
                    let mut on = held.contains(&v.id);
                    if ui.checkbox(&mut on, &v.id).changed() {
                        // Kept in the schema's order.
                        let list: Vec<String> = d
                            .values
                            .iter()
                            .filter(|x| if x.id == v.id { on } else { held.contains(&x.id) })
                            .map(|x| x.id.clone())
                            .collect();
                        out = Some((!list.is_empty()).then_some(AttrValue::List(list)));
                    }
                }
            });
            out.map(Change::Set)
        }
        (AttrKind::Flag, _) => {
            let mut on = matches!(current, Some(AttrValue::Flag(true)));
            let name = def.map_or(key, |d| d.name.as_str());
            ui.checkbox(&mut on, "")
                .on_hover_text(name)
                .changed()
                .then_some(Change::Set(Some(AttrValue::Flag(on))))
        }
        (AttrKind::Entity, _) => entity_widget(ui, project, id, current),
        _ => text_widget(ui, id, def.map_or(key, |d| d.name.as_str()), def, current).map(Change::Set),
    }
}

/// A text, number, date or URL field: the value is set when the field
/// loses the keyboard or Enter is pressed; an empty field unsets it.
fn text_widget(
    ui: &mut Ui,
    id: egui::Id,
    name: &str,
    def: Option<&AttributeDef>,
    current: Option<&AttrValue>,
) -> Option<Option<AttrValue>> {
    let held = current.map(ToString::to_string).unwrap_or_default();
    let mut draft: String = ui.data_mut(|d| d.get_temp(id)).unwrap_or_else(|| held.clone());
    let response = ui
        .add(
            egui::TextEdit::singleline(&mut draft)
                .desired_width(160.0)
                .id(id.with("field")),
        )
        .accessible_name(format!("{name} field"));
    let commit = response.lost_focus();
    if response.has_focus() || response.changed() {
        ui.data_mut(|d| d.insert_temp(id, draft.clone()));
    } else {
        ui.data_mut(|d| d.remove::<String>(id));
    }
    if !commit || draft == held {
        return None;
    }
    ui.data_mut(|d| d.remove::<String>(id));
    if draft.trim().is_empty() {
        return Some(None);
    }
    match crate::edit::parse_value(def, &draft) {
        Ok(v) => Some(Some(v)),
        // A value the attribute cannot take (letters in a number field)
        // goes on as typed: the edit refuses it, and the status bar says why.
        Err(_) => Some(Some(AttrValue::Text(draft))),
    }
}

/// An entity reference: a button showing the entity's name, opening a
/// list filtered by what is typed (name, id or reference).
fn entity_widget(ui: &mut Ui, project: &Project, id: egui::Id, current: Option<&AttrValue>) -> Option<Change> {
    let entities = &project.schema.entities;
    let shown = match current {
        Some(AttrValue::Text(e)) => project.schema.entity(e).map_or_else(|| e.clone(), |e| e.name.clone()),
        Some(v) => v.to_string(),
        None => "—".to_owned(),
    };
    let mut out: Option<Change> = None;
    egui::ComboBox::from_id_salt(id)
        .selected_text(shown)
        .height(300.0)
        .show_ui(ui, |ui| {
            let filter_id = id.with("filter");
            let mut filter: String = ui.data_mut(|d| d.get_temp(filter_id)).unwrap_or_default();
            // Taken before the field sees them (a text field moves its
            // cursor with them).
            let (down, up) = ui.input_mut(|i| {
                (
                    i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown),
                    i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp),
                )
            });
            let field = ui.add(egui::TextEdit::singleline(&mut filter).hint_text("Type part of a name · ↑/↓ · Enter"));
            field.request_focus();
            ui.data_mut(|d| d.insert_temp(filter_id, filter.clone()));
            // The entity ↑/↓ point at (Enter takes it), from the top again
            // when the typing changes.
            let at_id = id.with("at");
            let mut at: Option<usize> = ui.data(|d| d.get_temp(at_id)).unwrap_or(None);
            if field.changed() {
                at = None;
            }
            let needle = fold_str_for_search(&filter);
            let matching: Vec<&crate::model::Entity> = entities
                .iter()
                .filter(|e| {
                    needle.is_empty()
                        || fold_str_for_search(&e.name).contains(&needle)
                        || fold_str_for_search(&e.id).contains(&needle)
                        || e.reference
                            .as_deref()
                            .is_some_and(|r| fold_str_for_search(r).contains(&needle))
                })
                .collect();
            if !matching.is_empty() {
                let last = matching.len() - 1;
                if down {
                    at = Some(at.map_or(0, |k| (k + 1).min(last)));
                }
                if up {
                    at = at.and_then(|k| k.checked_sub(1));
                }
            }
            at = at.filter(|&k| k < matching.len());
            ui.data_mut(|d| d.insert_temp(at_id, at));
            if ui.selectable_label(current.is_none(), "—").clicked() && current.is_some() {
                out = Some(Change::Set(None));
            }
            for (k, e) in matching.iter().enumerate() {
                let on = matches!(current, Some(AttrValue::Text(c)) if *c == e.id);
                let text = match &e.reference {
                    Some(r) => format!("{}  ({r})", e.name),
                    None => e.name.clone(),
                };
                if ui.selectable_label(on || at == Some(k), text).clicked() && !on {
                    out = Some(Change::Set(Some(AttrValue::Text(e.id.clone()))));
                }
            }
            let typed = filter.trim();
            let exact = entities.iter().any(|e| fold_str_for_search(&e.name) == needle);
            // Enter takes the only match, or adds what is typed when
            // nothing matches.
            // The field keeps the focus (asked for every frame), so Enter
            // is read whether or not it let go of it.
            if (field.lost_focus() || field.has_focus()) && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                match (at.and_then(|k| matching.get(k)), matching.as_slice()) {
                    (Some(e), _) | (None, [e]) => out = Some(Change::Set(Some(AttrValue::Text(e.id.clone())))),
                    (None, []) if !typed.is_empty() => out = Some(Change::NewEntity(typed.to_owned())),
                    _ => {}
                }
            }
            if !typed.is_empty() && !exact && ui.button(format!("Add “{typed}” as a new entity")).clicked() {
                out = Some(Change::NewEntity(typed.to_owned()));
            }
            // Picked: the list closes and starts empty next time.
            if out.is_some() {
                ui.data_mut(|d| {
                    d.remove::<String>(filter_id);
                    d.remove::<Option<usize>>(at_id);
                });
                ui.close();
            }
        })
        .response
        .accessible_name("Entity of the selected annotation");
    out
}

/// The bar above the text while a relation is being made: what links to
/// what, what is typed, the keys; and, when two types fit, a button per
/// type with its key.
pub fn linking_bar(ui: &mut Ui, project: &Project, linking: &crate::gui::linking::Linking) -> Vec<Action> {
    use crate::gui::linking::LinkKey;
    let mut actions = Vec::new();
    let text = |id| {
        project
            .annotation(id)
            .map_or_else(String::new, |a: &Annotation| format!("“{}”", shorten(&a.text, 32)))
    };
    // Two lines of fixed height, whatever is typed or chosen (a wrapping
    // bar moved the text below it at every key).
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal(|ui| {
            match &linking.roles {
                Some(roles) => {
                    ui.strong("Roles of");
                    ui.label(text(linking.from));
                    let t = project.schema.relation_type(roles.kind());
                    let name = t.map_or(roles.kind(), |t| t.name.as_str());
                    let colour = t.map_or(ui.visuals().text_color(), |t| crate::gui::view::label_colour(t.colour));
                    let set = project
                        .relations_from(&linking.doc, linking.from)
                        .iter()
                        .filter(|r| r.kind == roles.kind())
                        .count();
                    let cardinality = t.map_or("any number", |t| t.cardinality.describe());
                    ui.label(RichText::new(name).strong().color(colour));
                    ui.weak(format!(
                        "{} of {} · {cardinality} · {set} set",
                        roles.at + 1,
                        roles.kinds.len()
                    ));
                }
                None => {
                    ui.strong("Link");
                    ui.label(text(linking.from));
                }
            }
            ui.label("→");
            match &linking.choosing {
                Some((to, types)) => {
                    ui.label(text(*to));
                    ui.weak("as");
                    for (n, id) in types.iter().enumerate() {
                        let t = project.schema.relation_type(id);
                        let name = t.map_or(id.as_str(), |t| t.name.as_str());
                        let key = t
                            .and_then(|t| t.hotkey)
                            .map_or_else(|| (n + 1).to_string(), |k| k.to_string());
                        let colour = t.map_or(ui.visuals().text_color(), |t| crate::gui::view::label_colour(t.colour));
                        let button = egui::Button::new(RichText::new(format!("{name}  {key}")).color(colour));
                        if ui.add(button).clicked() {
                            actions.push(Action::Relate {
                                kind: id.clone(),
                                from: linking.from,
                                to: *to,
                            });
                        }
                    }
                }
                None => match linking.current(project) {
                    Some(id) => {
                        ui.label(text(id));
                    }
                    None => {
                        ui.weak("nothing matches");
                    }
                },
            }
        });
        ui.horizontal(|ui| {
            if ui.small_button("Cancel").clicked() {
                actions.push(Action::LinkKey(LinkKey::Escape));
                if linking.choosing.is_some() {
                    actions.push(Action::LinkKey(LinkKey::Escape));
                }
            }
            let hint = if linking.choosing.is_some() {
                "Enter: the first · Esc: back".to_owned()
            } else {
                let typed = if linking.typed.is_empty() {
                    String::new()
                } else {
                    format!("typed “{}” · ", linking.typed)
                };
                let keys = match linking.roles {
                    Some(_) => "←/→ choose · type to narrow · Enter assign · Tab next role · Shift+Tab back · Esc end",
                    None => "←/→ choose · type to narrow · Enter link · Esc cancel",
                };
                format!(
                    "{typed}{} · {keys}",
                    crate::model::plural(linking.narrowed(project).len(), "candidate")
                )
            };
            ui.add(egui::Label::new(RichText::new(hint).weak()).truncate());
        });
    });
    actions
}

/// The inspector for a multi-selection: one change to all of them, as one
/// undoable step (a label, an attribute value that applies to every one's
/// label, delete).
pub fn bulk_ui(ui: &mut Ui, project: &Project, ids: &[crate::model::AnnotationId]) -> Vec<Action> {
    let mut actions = Vec::new();
    let picked: Vec<&Annotation> = ids.iter().filter_map(|id| project.annotation(*id)).collect();
    let owners = || ids.iter().map(|id| Owner::Annotation(*id)).collect::<Vec<_>>();
    ui.horizontal(|ui| {
        ui.strong(format!("{} annotations selected", picked.len()));
        ui.weak("(Ctrl/Shift-click, Ctrl+A; Esc clears)");
    });
    ui.horizontal(|ui| {
        ui.label("Label");
        egui::ComboBox::from_id_salt("bulk-label")
            .selected_text("relabel all as…")
            .show_ui(ui, |ui| {
                for l in &project.schema.labels {
                    if ui.selectable_label(false, &l.name).clicked() {
                        actions.push(Action::Edit(crate::edit::Command::Relabel {
                            ids: ids.to_vec(),
                            label: l.id.clone(),
                            at: crate::model::Timestamp::now(),
                        }));
                    }
                }
            })
            .response
            .accessible_name("Relabel the selected annotations");
        if ui.button(format!("Delete {}", picked.len())).clicked() {
            actions.push(Action::Edit(crate::edit::Command::DeleteAnnotations(ids.to_vec())));
        }
    });
    // Attributes every picked annotation's label takes.
    let common: Vec<&AttributeDef> = project
        .schema
        .attributes
        .iter()
        .filter(|d| !picked.is_empty() && picked.iter().all(|a| d.applies_to(&AttrTarget::Label(a.label.clone()))))
        .collect();
    if common.is_empty() {
        ui.weak("No attribute applies to all of their labels.");
    }
    for d in common {
        ui.horizontal_wrapped(|ui| {
            ui.weak(&d.name);
            let mut set = |value: Option<AttrValue>| {
                actions.push(Action::SetAttr {
                    owners: owners(),
                    key: d.id.clone(),
                    value,
                });
            };
            match d.kind {
                AttrKind::Choice => {
                    for v in &d.values {
                        let text = match v.hotkey {
                            Some(k) => format!("{}  {k}", v.id),
                            None => v.id.clone(),
                        };
                        if ui.button(text).clicked() {
                            set(Some(AttrValue::Text(v.id.clone())));
                        }
                    }
                }
                AttrKind::Flag => {
                    if ui.button("yes").clicked() {
                        set(Some(AttrValue::Flag(true)));
                    }
                    if ui.button("no").clicked() {
                        set(Some(AttrValue::Flag(false)));
                    }
                }
                AttrKind::Entity => {
                    egui::ComboBox::from_id_salt(("bulk-entity", &d.id))
                        .selected_text("refer all to…")
                        .show_ui(ui, |ui| {
                            for e in &project.schema.entities {
                                if ui.selectable_label(false, &e.name).clicked() {
                                    set(Some(AttrValue::Text(e.id.clone())));
                                }
                            }
                        });
                }
                _ => {
                    ui.weak("set it one by one");
                }
            }
            if ui.small_button("unset").clicked() {
                set(None);
            }
        });
    }
    actions
}

/// A document's metadata as one line: its declared fields in the schema's
/// order, then its free fields ("Le Monde · 2023-09-21 · fr"), and the
/// labels of its document-level annotations.
pub fn metadata_line(project: &Project, doc: &crate::model::Document) -> String {
    let mut parts: Vec<String> = Vec::new();
    for d in project
        .schema
        .attributes
        .iter()
        .filter(|d| d.applies_to(&AttrTarget::Document))
    {
        if let Some(v) = doc.attrs.get(&d.id) {
            parts.push(v.to_string());
        }
    }
    for (k, v) in &doc.attrs {
        if project
            .schema
            .attribute(k)
            .is_none_or(|d| !d.applies_to(&AttrTarget::Document))
        {
            parts.push(format!("{k}: {v}"));
        }
    }
    // A document label covers the whole text: it starts at 0, among the
    // first of the list (sorted by start), so no scan of the rest.
    for a in project.annotations_of(&doc.id).iter().take_while(|a| a.start == 0) {
        if let Some(l) = project
            .schema
            .get(&a.label)
            .filter(|l| l.kind == crate::model::LabelKind::Document)
        {
            parts.push(l.name.clone());
        }
    }
    parts.join(" · ")
}

/// The document's header above its text: its metadata, each field
/// editable (declared fields with their widgets; an empty text unsets).
pub fn document_header(ui: &mut Ui, project: &Project, doc: &crate::model::Document) -> Vec<Action> {
    let mut actions = Vec::new();
    let declared: Vec<&AttributeDef> = project
        .schema
        .attributes
        .iter()
        .filter(|d| d.applies_to(&AttrTarget::Document))
        .collect();
    let line = metadata_line(project, doc);
    egui::CollapsingHeader::new(
        RichText::new(if line.is_empty() {
            "Document metadata".to_owned()
        } else {
            line
        })
        .weak(),
    )
    .id_salt(("document-header", &doc.id))
    .show(ui, |ui| {
        let owner = Owner::Document(doc.id.clone());
        egui::Grid::new(("document-metadata", &doc.id))
            .num_columns(2)
            .show(ui, |ui| {
                let mut keys: Vec<(String, Option<&AttributeDef>)> =
                    declared.iter().map(|d| (d.id.clone(), Some(*d))).collect();
                for k in doc.attrs.keys() {
                    if !keys.iter().any(|(x, _)| x == k) {
                        keys.push((k.clone(), None));
                    }
                }
                for (key, def) in keys {
                    ui.weak(def.map_or(key.as_str(), |d| d.name.as_str()));
                    match attribute_widget(ui, project, &owner, doc.attrs.get(&key), &key, def) {
                        Some(Change::Set(value)) => actions.push(Action::SetAttr {
                            owners: vec![owner.clone()],
                            key: key.clone(),
                            value,
                        }),
                        Some(Change::NewEntity(name)) => actions.push(Action::NewEntity {
                            name,
                            owner: owner.clone(),
                            key: key.clone(),
                        }),
                        None => {}
                    }
                    if let Some(AttrValue::Text(url)) = doc.attrs.get(&key)
                        && def.is_some_and(|d| d.kind == AttrKind::Url)
                    {
                        ui.hyperlink_to("open", url);
                    }
                    ui.end_row();
                }
            });
    });
    actions
}

/// An entity id from a name: lower-case letters, digits and `_`, unique
/// (`Nikol Pashinyan` → `nikol_pashinyan`, then `nikol_pashinyan_2`).
pub fn entity_id(name: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut base = String::new();
    for c in fold_str_for_search(name).chars() {
        if c.is_alphanumeric() {
            base.push(c);
        } else if !base.ends_with('_') && !base.is_empty() {
            base.push('_');
        }
    }
    let base = base.trim_end_matches('_');
    let base = if base.is_empty() { "entity" } else { base };
    (1..)
        .map(|n| if n == 1 { base.to_owned() } else { format!("{base}_{n}") })
        .find(|id| !taken(id))
        .unwrap_or_else(|| base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::entity_id;

    #[test]
    fn entity_ids_are_readable_and_unique() {
        assert_eq!(entity_id("Nikol Pashinyan", |_| false), "nikol_pashinyan");
        // Letters of other alphabets stay (folded for case and accents only).
        assert_eq!(entity_id("Ilham Əliyev!", |_| false), "ilham_əliyev");
        assert_eq!(
            entity_id("Nikol Pashinyan", |id| id == "nikol_pashinyan"),
            "nikol_pashinyan_2"
        );
        assert_eq!(entity_id("« »", |_| false), "entity");
    }
}
