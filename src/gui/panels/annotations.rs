//! The right panel: the current document's annotations (filtered by label
//! and text, sorted by position or label; clicking one jumps to it) and the
//! inspector of the selected annotation (label, quoted text, note, author,
//! times, delete).

use egui::{RichText, Sense, Ui, vec2};

use crate::gui::action::Action;
use crate::gui::view::{Selection, label_colour, shorten};
use crate::model::{Annotation, AnnotationId, Project, fold_str_for_search};

/// How the annotation list is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    #[default]
    Position,
    Label,
    /// By the value of the column's attribute (unset last).
    Column,
}

/// The annotation list's filters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListFilters {
    /// Labels hidden from the list.
    pub hidden_labels: Vec<String>,
    pub search: String,
    pub sort: SortBy,
    /// An attribute shown as a column (and sorted and filtered on).
    pub column: Option<String>,
    /// Rows whose column value holds this text (accents and case aside);
    /// `-` keeps the rows without a value.
    pub column_value: String,
}

/// Everything the annotation panel keeps between frames (as egui's demo
/// gives each view its own state): its filters, the rows they give (cached
/// until the project or a filter changes), the note being edited, and a
/// request to scroll to the selected row.
#[derive(Default)]
pub struct AnnotationList {
    pub filters: ListFilters,
    cache_key: Option<(u64, String, String, ListFilters)>,
    rows: Vec<usize>,
    /// The note being edited in the inspector, before it is committed.
    pub note_draft: Option<(AnnotationId, String)>,
    /// Scroll the list to the selected annotation on the next frame.
    pub reveal: bool,
    /// Annotations picked with Ctrl/Shift-click or Ctrl+A, for one change
    /// to all of them (two or more make a multi-selection).
    pub picked: Vec<AnnotationId>,
    /// Where a Shift-click range starts.
    anchor: Option<AnnotationId>,
}

impl AnnotationList {
    /// Every row the list shows now (Ctrl+A).
    pub fn pick_all(&mut self, project: &Project, doc: &str) {
        let annotations = project.annotations_of(doc);
        self.picked = filtered(project, annotations, &self.filters)
            .into_iter()
            .map(|i| annotations[i].id)
            .collect();
    }

    /// The multi-selection, if there is one (two or more picked).
    pub fn many(&self) -> Option<&[AnnotationId]> {
        (self.picked.len() > 1).then_some(self.picked.as_slice())
    }
}

const ROW_HEIGHT: f32 = 22.0;

/// The panel for document `doc` of `project`, with the current `selection`.
pub fn annotations_panel(
    ui: &mut Ui,
    project: &Project,
    doc: Option<&str>,
    selection: &Selection,
    list: &mut AnnotationList,
    hidden_relations: &mut Vec<String>,
) -> Vec<Action> {
    let mut actions = Vec::new();
    let room = ui.available_width();
    egui::Panel::right("annotations")
        .resizable(true)
        .default_size(340.0_f32.min(room * 0.26))
        .min_size(260.0)
        .max_size((room * 0.3).max(260.0))
        .show(ui, |ui| {
            let height = ui.available_height();
            egui::Panel::bottom("inspector")
                .resizable(true)
                .default_size(330.0_f32.max(height * 0.45))
                .min_size(200.0)
                .show(ui, |ui| {
                    if let Some(many) = list.many() {
                        let many = many.to_vec();
                        ui.add_space(4.0);
                        actions.extend(super::structure::bulk_ui(ui, project, &many));
                        if ui.small_button("Clear the selection").clicked() {
                            list.picked.clear();
                        }
                    } else {
                        actions.extend(inspector_ui(ui, project, selection, &mut list.note_draft));
                    }
                });
            if let Some(doc) = doc {
                relation_filter_ui(ui, project, hidden_relations);
                actions.extend(list_ui(ui, project, doc, selection, list));
            }
        });
    actions
}

/// A checkbox per relation type: whose arrows the view draws.
fn relation_filter_ui(ui: &mut Ui, project: &Project, hidden: &mut Vec<String>) {
    if project.schema.relation_types.is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.weak("Arrows");
        for t in &project.schema.relation_types {
            let mut shown = !hidden.contains(&t.id);
            let text = RichText::new(&t.name).color(label_colour(t.colour));
            if ui
                .checkbox(&mut shown, text)
                .on_hover_text("Draw the arrows of this relation type")
                .changed()
            {
                if shown {
                    hidden.retain(|h| h != &t.id);
                } else {
                    hidden.push(t.id.clone());
                }
            }
        }
    });
}

fn list_ui(ui: &mut Ui, project: &Project, doc: &str, selection: &Selection, list: &mut AnnotationList) -> Vec<Action> {
    let mut actions = Vec::new();
    let annotations = project.annotations_of(doc);
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.strong("Annotations");
        // The rows the filters leave, from this document's last frame.
        let shown = list
            .cache_key
            .as_ref()
            .filter(|k| k.2 == doc)
            .map_or(annotations.len(), |_| list.rows.len());
        ui.weak(if shown == annotations.len() {
            format!("{} in this document", annotations.len())
        } else {
            format!("{shown} shown of {} in this document", annotations.len())
        });
    });
    actions.extend(orphans_ui(ui, project, doc, selection.text.is_some()));
    ui.horizontal_wrapped(|ui| {
        for label in &project.schema.labels {
            let mut shown = !list.filters.hidden_labels.contains(&label.id);
            let text = RichText::new(&label.name).color(label_colour(label.colour));
            if ui.checkbox(&mut shown, text).changed() {
                if shown {
                    list.filters.hidden_labels.retain(|l| l != &label.id);
                } else {
                    list.filters.hidden_labels.push(label.id.clone());
                }
            }
        }
    });
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut list.filters.search)
                .hint_text("Search text and notes")
                .desired_width(ui.available_width() - 110.0),
        )
        .accessible_name("Search annotations");
        egui::ComboBox::from_id_salt("sort")
            .selected_text(match list.filters.sort {
                SortBy::Position => "By position",
                SortBy::Label => "By label",
                SortBy::Column => "By column",
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut list.filters.sort, SortBy::Position, "By position");
                ui.selectable_value(&mut list.filters.sort, SortBy::Label, "By label");
                if list.filters.column.is_some() {
                    ui.selectable_value(&mut list.filters.sort, SortBy::Column, "By column");
                }
            })
            .response
            .accessible_name("Sort annotations");
    });
    if !project.schema.attributes.is_empty() {
        ui.horizontal(|ui| {
            let name = |id: &str| project.schema.attribute(id).map_or(id.to_owned(), |d| d.name.clone());
            egui::ComboBox::from_id_salt("column")
                .selected_text(list.filters.column.as_deref().map_or("No column".to_owned(), name))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut list.filters.column, None, "No column");
                    for d in project
                        .schema
                        .attributes
                        .iter()
                        .filter(|d| d.on.iter().any(|t| !matches!(t, crate::model::AttrTarget::Document)))
                    {
                        ui.selectable_value(&mut list.filters.column, Some(d.id.clone()), &d.name);
                    }
                })
                .response
                .accessible_name("Attribute column");
            if list.filters.column.is_some() {
                ui.add(
                    egui::TextEdit::singleline(&mut list.filters.column_value)
                        .hint_text("value (- for none)")
                        .desired_width(ui.available_width()),
                )
                .accessible_name("Column value filter");
            } else if list.filters.sort == SortBy::Column {
                list.filters.sort = SortBy::Position;
            }
        });
    }
    // The rows change with the annotations and the labels' order, not with
    // other edits (a relation, an attribute elsewhere).
    let labels = project
        .schema
        .labels
        .iter()
        .map(|l| l.id.as_str())
        .collect::<Vec<_>>()
        .join("\u{1f}");
    let key = (
        project.annotations_generation(),
        labels,
        doc.to_owned(),
        list.filters.clone(),
    );
    if list.cache_key.as_ref() != Some(&key) {
        list.rows = filtered(project, annotations, &list.filters);
        list.cache_key = Some(key);
        // A multi-selection keeps only what the list still shows: nothing
        // hidden is changed or deleted with it.
        if !list.picked.is_empty() {
            let shown: std::collections::HashSet<AnnotationId> = list.rows.iter().map(|&i| annotations[i].id).collect();
            list.picked.retain(|id| shown.contains(id));
        }
    }
    let rows = &list.rows;
    ui.separator();
    let mut area = egui::ScrollArea::vertical()
        .id_salt("annotation-list")
        .auto_shrink(false);
    if std::mem::take(&mut list.reveal)
        && let Some(i) = selection
            .annotation
            .and_then(|id| rows.iter().position(|&r| annotations[r].id == id))
    {
        let spacing = ui.spacing().item_spacing.y;
        area = area.vertical_scroll_offset((i as f32 * (ROW_HEIGHT + spacing) - 100.0).max(0.0));
    }
    let modifiers = ui.input(|i| i.modifiers);
    let mut clicked = None;
    area.show_rows(ui, ROW_HEIGHT, rows.len(), |ui, range| {
        for &i in &rows[range] {
            let a = &annotations[i];
            let selected = selection.annotation == Some(a.id) || list.picked.contains(&a.id);
            if row_ui(ui, project, a, selected, list.filters.column.as_deref()).clicked() {
                clicked = Some(a.id);
            }
        }
    });
    if let Some(id) = clicked {
        if modifiers.command || modifiers.ctrl {
            // Ctrl-click: add or take away one (starting from the selected one).
            if list.picked.is_empty() {
                list.picked.extend(selection.annotation);
            }
            match list.picked.iter().position(|&p| p == id) {
                Some(k) => {
                    list.picked.remove(k);
                }
                None => list.picked.push(id),
            }
            list.anchor = Some(id);
        } else if modifiers.shift {
            // Shift-click: everything between the anchor and here, as listed.
            let anchor = list.anchor.or(selection.annotation).unwrap_or(id);
            let at = |x: AnnotationId| rows.iter().position(|&r| annotations[r].id == x);
            if let (Some(a), Some(b)) = (at(anchor), at(id)) {
                let (lo, hi) = (a.min(b), a.max(b));
                list.picked = rows[lo..=hi].iter().map(|&r| annotations[r].id).collect();
            }
        } else {
            list.picked.clear();
            list.anchor = Some(id);
            actions.push(Action::SelectAnnotation(Some(id)));
        }
    }
    actions
}

/// The document's orphans (annotations whose text was deleted), with what
/// can be done about each.
fn orphans_ui(ui: &mut Ui, project: &Project, doc: &str, has_selection: bool) -> Vec<Action> {
    let mut actions = Vec::new();
    let orphans: Vec<&Annotation> = project.orphans_of(doc).collect();
    if orphans.is_empty() {
        return actions;
    }
    egui::CollapsingHeader::new(
        RichText::new(format!(
            "⚠ {} orphaned annotation(s): their text was deleted",
            orphans.len()
        ))
        .color(ui.visuals().warn_fg_color),
    )
    .id_salt("orphans")
    .default_open(true)
    .show(ui, |ui| {
        for o in orphans {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(&o.label).strong());
                ui.label(format!("“{}”", shorten(&o.text, 50)));
                let attach = ui
                    .add_enabled(has_selection, egui::Button::new("Attach to selection").small())
                    .on_disabled_hover_text("Select the text this annotation should now cover");
                if attach.clicked() {
                    actions.push(Action::AttachOrphan(o.id));
                }
                if ui.small_button("Delete").clicked() {
                    actions.push(Action::Edit(crate::edit::Command::DeleteOrphans(vec![o.id])));
                }
            });
        }
    });
    actions
}

/// The annotation after (`forward`) or before the selected one in the list
/// as it is filtered and sorted now. With none selected, the first one
/// starting at or after the caret (the last one starting before it).
pub fn neighbour(
    project: &Project,
    doc: &str,
    selection: &Selection,
    filters: &ListFilters,
    forward: bool,
) -> Option<AnnotationId> {
    let annotations = project.annotations_of(doc);
    let rows = filtered(project, annotations, filters);
    let at = |k: usize| rows.get(k).map(|&r| annotations[r].id);
    let selected = selection
        .annotation
        .and_then(|id| rows.iter().position(|&r| annotations[r].id == id));
    match (selected, forward) {
        (Some(k), true) => at(k + 1),
        (Some(k), false) => at(k.checked_sub(1)?),
        (None, true) => {
            let caret = selection.cursor.unwrap_or(0);
            let k = rows.iter().position(|&r| annotations[r].start >= caret)?;
            at(k)
        }
        (None, false) => {
            let caret = selection.cursor.unwrap_or(usize::MAX);
            let k = rows.iter().rposition(|&r| annotations[r].start < caret)?;
            at(k)
        }
    }
}

/// Indices (into the document's annotations) of the rows to show.
fn filtered(project: &Project, annotations: &[Annotation], filters: &ListFilters) -> Vec<usize> {
    let needle = fold_str_for_search(&filters.search);
    let mut rows: Vec<usize> = annotations
        .iter()
        .enumerate()
        .filter(|(_, a)| !filters.hidden_labels.contains(&a.label))
        .filter(|(_, a)| {
            needle.is_empty()
                || fold_str_for_search(&a.text).contains(&needle)
                || fold_str_for_search(&a.note).contains(&needle)
        })
        .filter(|(_, a)| column_keeps(project, a, filters))
        .map(|(i, _)| i)
        .collect();
    match filters.sort {
        SortBy::Label => {
            let position = |label: &str| project.schema.position(label).unwrap_or(usize::MAX);
            rows.sort_by_key(|&i| (position(&annotations[i].label), annotations[i].start));
        }
        SortBy::Column => {
            let key = |i: usize| {
                let v = column_text(project, &annotations[i], filters.column.as_deref());
                (v.is_none(), v, annotations[i].start)
            };
            rows.sort_by_cached_key(|&i| key(i));
        }
        SortBy::Position => {}
    }
    rows
}

/// The value of attribute `column` of `a` as the list shows it (an
/// entity by its name).
fn column_text(project: &Project, a: &Annotation, column: Option<&str>) -> Option<String> {
    let key = column?;
    let value = a.attrs.get(key)?;
    let entity = project
        .schema
        .attribute(key)
        .filter(|d| d.kind == crate::model::AttrKind::Entity)
        .and_then(|_| project.schema.entity(&value.to_string()));
    Some(entity.map_or_else(|| value.to_string(), |e| e.name.clone()))
}

/// Whether the column's value filter keeps `a`.
fn column_keeps(project: &Project, a: &Annotation, filters: &ListFilters) -> bool {
    let wanted = filters.column_value.trim();
    if filters.column.is_none() || wanted.is_empty() {
        return true;
    }
    match column_text(project, a, filters.column.as_deref()) {
        None => wanted == "-",
        Some(v) => wanted != "-" && fold_str_for_search(&v).contains(&fold_str_for_search(wanted)),
    }
}

fn row_ui(ui: &mut Ui, project: &Project, a: &Annotation, selected: bool, column: Option<&str>) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(vec2(ui.available_width(), ROW_HEIGHT), Sense::click());
    let visuals = ui.visuals();
    if selected {
        ui.painter().rect_filled(rect, 3.0, visuals.selection.bg_fill);
    } else if response.hovered() {
        ui.painter()
            .rect_filled(rect, 3.0, visuals.widgets.hovered.weak_bg_fill);
    }
    let colour = project
        .schema
        .get(&a.label)
        .map_or(egui::Color32::GRAY, |l| label_colour(l.colour));
    let chip = egui::Rect::from_center_size(rect.left_center() + vec2(8.0, 0.0), vec2(10.0, 10.0));
    ui.painter().rect_filled(chip, 2.0, colour);
    let text = shorten(&a.text.replace(['\n', '\r'], " "), 60);
    let colour_text = if selected {
        visuals.selection.stroke.color
    } else {
        visuals.text_color()
    };
    // A note marker in its own column, so that truncation never hides it;
    // the chosen attribute's value in another, left of it.
    const NOTE_COLUMN: f32 = 18.0;
    let value_column = if column.is_some() { 84.0 } else { 0.0 };
    if let Some(value) = column_text(project, a, column) {
        let mut job = egui::text::LayoutJob::simple_singleline(
            value,
            egui::FontId::proportional(12.0),
            visuals.weak_text_color(),
        );
        job.wrap = egui::text::TextWrapping::truncate_at_width(value_column - 6.0);
        let galley = ui.fonts_mut(|f| f.layout_job(job));
        let at = rect.right_center() - vec2(NOTE_COLUMN + value_column - 4.0, galley.size().y / 2.0);
        ui.painter().galley(at, galley, visuals.weak_text_color());
    }
    let mut job = egui::text::LayoutJob::simple_singleline(text.clone(), egui::FontId::proportional(14.0), colour_text);
    job.wrap = egui::text::TextWrapping::truncate_at_width(rect.width() - 24.0 - NOTE_COLUMN - value_column);
    let galley = ui.fonts_mut(|f| f.layout_job(job));
    ui.painter()
        .galley(rect.left_top() + vec2(18.0, 3.0), galley, colour_text);
    if !a.note.is_empty() {
        ui.painter().text(
            rect.right_center() - vec2(4.0, 0.0),
            egui::Align2::RIGHT_CENTER,
            "✎",
            egui::FontId::proportional(13.0),
            visuals.weak_text_color(),
        );
    }
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ListItem, true, &text));
    response
}

fn inspector_ui(
    ui: &mut Ui,
    project: &Project,
    selection: &Selection,
    note_draft: &mut Option<(AnnotationId, String)>,
) -> Vec<Action> {
    let mut actions = Vec::new();
    ui.add_space(4.0);
    let Some(a) = selection.annotation.and_then(|id| project.annotation(id)) else {
        ui.weak("Select an annotation to see it here.");
        if let Some(sel) = &selection.text {
            ui.add_space(8.0);
            ui.label(format!(
                "Selected text: [{}, {}), {} characters",
                sel.start,
                sel.end,
                sel.end - sel.start
            ));
            ui.weak("Press a label's key or click it in the palette to tag it.");
        }
        return actions;
    };
    ui.horizontal(|ui| {
        ui.strong("Label");
        let current = project.schema.get(&a.label).map_or(a.label.clone(), |l| l.name.clone());
        egui::ComboBox::from_id_salt("inspector-label")
            .selected_text(current)
            .show_ui(ui, |ui| {
                for l in &project.schema.labels {
                    if ui.selectable_label(l.id == a.label, &l.name).clicked() && l.id != a.label {
                        actions.push(Action::RelabelSelected(l.id.clone()));
                    }
                }
            })
            .response
            .accessible_name("Label of the selected annotation");
        if ui
            .button("Delete")
            .on_hover_text("Delete this annotation (Delete)")
            .clicked()
        {
            actions.push(Action::DeleteSelected);
        }
    });
    egui::ScrollArea::vertical().id_salt("inspector-scroll").show(ui, |ui| {
        // What it is and what it links to first (the text is outlined in
        // the view anyway), then its text, note and facts.
        actions.extend(super::structure::structure_ui(ui, project, a, selection.relation));
        ui.add_space(4.0);
        // A long quote is cut (whole on hover), so that its structure and
        // note stay in view below it.
        let quote = ui.label(RichText::new(format!("“{}”", shorten(&a.text, 140))).italics());
        if a.text.chars().count() > 140 {
            quote.on_hover_text(&a.text);
        }
        if a.is_discontinuous() {
            let pieces: Vec<String> = a.pieces().iter().map(|p| format!("[{}, {})", p.start, p.end)).collect();
            ui.weak(format!(
                "{} pieces: {} · {} code points · {}",
                pieces.len(),
                pieces.join(" + "),
                a.covered_len(),
                a.doc
            ));
            let texts: Vec<String> = a
                .pieces()
                .iter()
                .map(|p| {
                    project
                        .document(&a.doc)
                        .and_then(|d| d.text.slice(p.clone()))
                        .map_or_else(String::new, |t| shorten(t, 24))
                })
                .collect();
            for (k, (piece, text)) in pieces.iter().zip(&texts).enumerate() {
                ui.horizontal(|ui| {
                    let remove = ui
                        .small_button("✕")
                        .on_hover_text("Take this piece out of the annotation");
                    remove.widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Remove the piece {piece}"))
                    });
                    if remove.clicked() {
                        actions.push(Action::RemovePiece(a.id, k));
                    }
                    ui.weak(format!("piece {}: “{text}” {piece}", k + 1));
                });
            }
        } else {
            ui.weak(format!(
                "[{}, {}) · {} code points · {}",
                a.start,
                a.end,
                a.end - a.start,
                a.doc
            ));
        }
        ui.add_space(6.0);
        ui.strong("Note");
        if note_draft.as_ref().is_none_or(|(id, _)| *id != a.id) {
            *note_draft = Some((a.id, a.note.clone()));
        }
        if let Some((id, draft)) = note_draft {
            let response = ui.add(
                egui::TextEdit::multiline(draft)
                    .hint_text("Why this tag, doubts, sources…")
                    .desired_rows(3)
                    .desired_width(f32::INFINITY),
            );
            let commit = response.lost_focus()
                || (response.has_focus() && ui.input(|i| i.modifiers.command && i.key_pressed(egui::Key::Enter)));
            if commit && *draft != a.note {
                actions.push(Action::SetNote {
                    id: *id,
                    note: draft.clone(),
                });
            } else if !response.has_focus() && *draft != a.note && !commit {
                // Changed elsewhere (undo): show the project's note.
                *draft = a.note.clone();
            }
        }
        ui.add_space(6.0);
        egui::Grid::new("inspector-facts").num_columns(2).show(ui, |ui| {
            ui.weak("Author");
            ui.label(&a.author);
            ui.end_row();
            ui.weak("Created");
            ui.label(crate::gui::local_time(a.created));
            ui.end_row();
            ui.weak("Modified");
            ui.label(crate::gui::local_time(a.modified));
            ui.end_row();
            ui.weak("Id");
            ui.label(a.id.to_string());
            ui.end_row();
            for (k, v) in &a.meta {
                ui.weak(k);
                ui.label(v);
                ui.end_row();
            }
        });
    });
    actions
}
