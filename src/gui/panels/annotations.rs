//! The right panel: the current document's annotations (filtered by label
//! and text, sorted by position or label; clicking one jumps to it) and the
//! inspector of the selected annotation (label, quoted text, note, author,
//! times, delete).

use egui::{RichText, Sense, Ui, vec2};

use crate::gui::action::Action;
use crate::gui::view::{label_colour, shorten};
use crate::gui::workbench::{SortBy, UiState};
use crate::model::{Annotation, AnnotationId, Project, fold_str_for_search};

/// Rows of the filtered list, cached until the project or the filter changes.
#[derive(Default)]
pub struct ListCache {
    key: Option<(u64, String, Vec<String>, String, SortBy)>,
    rows: Vec<usize>,
}

const ROW_HEIGHT: f32 = 22.0;

pub fn annotations_panel(ui: &mut Ui, project: &Project, revision: u64, state: &mut UiState) -> Vec<Action> {
    let mut actions = Vec::new();
    egui::Panel::right("annotations")
        .resizable(true)
        .default_size(340.0)
        .show(ui, |ui| {
            egui::Panel::bottom("inspector")
                .resizable(true)
                .default_size(330.0)
                .min_size(200.0)
                .show(ui, |ui| {
                    actions.extend(inspector_ui(ui, project, state));
                });
            actions.extend(list_ui(ui, project, revision, state));
        });
    actions
}

fn list_ui(ui: &mut Ui, project: &Project, revision: u64, state: &mut UiState) -> Vec<Action> {
    let mut actions = Vec::new();
    let Some(doc) = state.current_doc.clone() else {
        return actions;
    };
    let annotations = project.annotations_of(&doc);
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.strong("Annotations");
        ui.weak(format!("{} in this document", annotations.len()));
    });
    actions.extend(orphans_ui(ui, project, &doc, state.selection.text.is_some()));
    ui.horizontal_wrapped(|ui| {
        for label in &project.schema.labels {
            let mut shown = !state.list.hidden_labels.contains(&label.id);
            let text = RichText::new(&label.name).color(label_colour(label.colour));
            if ui.checkbox(&mut shown, text).changed() {
                if shown {
                    state.list.hidden_labels.retain(|l| l != &label.id);
                } else {
                    state.list.hidden_labels.push(label.id.clone());
                }
            }
        }
    });
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut state.list.search)
                .hint_text("Search text and notes")
                .desired_width(ui.available_width() - 110.0),
        )
        .accessible_name("Search annotations");
        egui::ComboBox::from_id_salt("sort")
            .selected_text(match state.list.sort {
                SortBy::Position => "By position",
                SortBy::Label => "By label",
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.list.sort, SortBy::Position, "By position");
                ui.selectable_value(&mut state.list.sort, SortBy::Label, "By label");
            })
            .response
            .accessible_name("Sort annotations");
    });
    let key = (
        revision,
        doc.clone(),
        state.list.hidden_labels.clone(),
        state.list.search.clone(),
        state.list.sort,
    );
    if state.list_cache.key.as_ref() != Some(&key) {
        state.list_cache.rows = filtered(project, annotations, state);
        state.list_cache.key = Some(key);
    }
    let rows = &state.list_cache.rows;
    ui.separator();
    let mut area = egui::ScrollArea::vertical()
        .id_salt("annotation-list")
        .auto_shrink(false);
    if std::mem::take(&mut state.reveal_in_list)
        && let Some(i) = state
            .selection
            .annotation
            .and_then(|id| rows.iter().position(|&r| annotations[r].id == id))
    {
        let spacing = ui.spacing().item_spacing.y;
        area = area.vertical_scroll_offset((i as f32 * (ROW_HEIGHT + spacing) - 100.0).max(0.0));
    }
    area.show_rows(ui, ROW_HEIGHT, rows.len(), |ui, range| {
        for &i in &rows[range] {
            let a = &annotations[i];
            let selected = state.selection.annotation == Some(a.id);
            if row_ui(ui, project, a, selected).clicked() {
                actions.push(Action::SelectAnnotation(Some(a.id)));
            }
        }
    });
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
pub fn neighbour(project: &Project, state: &UiState, forward: bool) -> Option<AnnotationId> {
    let doc = state.current_doc.as_deref()?;
    let annotations = project.annotations_of(doc);
    let rows = filtered(project, annotations, state);
    let at = |k: usize| rows.get(k).map(|&r| annotations[r].id);
    let selected = state
        .selection
        .annotation
        .and_then(|id| rows.iter().position(|&r| annotations[r].id == id));
    match (selected, forward) {
        (Some(k), true) => at(k + 1),
        (Some(k), false) => at(k.checked_sub(1)?),
        (None, true) => {
            let caret = state.selection.cursor.unwrap_or(0);
            let k = rows.iter().position(|&r| annotations[r].start >= caret)?;
            at(k)
        }
        (None, false) => {
            let caret = state.selection.cursor.unwrap_or(usize::MAX);
            let k = rows.iter().rposition(|&r| annotations[r].start < caret)?;
            at(k)
        }
    }
}

/// Indices (into the document's annotations) of the rows to show.
fn filtered(project: &Project, annotations: &[Annotation], state: &UiState) -> Vec<usize> {
    let needle = fold_str_for_search(&state.list.search);
    let mut rows: Vec<usize> = annotations
        .iter()
        .enumerate()
        .filter(|(_, a)| !state.list.hidden_labels.contains(&a.label))
        .filter(|(_, a)| {
            needle.is_empty()
                || fold_str_for_search(&a.text).contains(&needle)
                || fold_str_for_search(&a.note).contains(&needle)
        })
        .map(|(i, _)| i)
        .collect();
    if state.list.sort == SortBy::Label {
        let position = |label: &str| project.schema.position(label).unwrap_or(usize::MAX);
        rows.sort_by_key(|&i| (position(&annotations[i].label), annotations[i].start));
    }
    rows
}

fn row_ui(ui: &mut Ui, project: &Project, a: &Annotation, selected: bool) -> egui::Response {
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
    // A note marker in its own column, so that truncation never hides it.
    const NOTE_COLUMN: f32 = 18.0;
    let mut job = egui::text::LayoutJob::simple_singleline(text.clone(), egui::FontId::proportional(14.0), colour_text);
    job.wrap = egui::text::TextWrapping::truncate_at_width(rect.width() - 24.0 - NOTE_COLUMN);
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

fn inspector_ui(ui: &mut Ui, project: &Project, state: &mut UiState) -> Vec<Action> {
    let mut actions = Vec::new();
    ui.add_space(4.0);
    let Some(a) = state.selection.annotation.and_then(|id| project.annotation(id)) else {
        ui.weak("Select an annotation to see it here.");
        if let Some(sel) = &state.selection.text {
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
        ui.add_space(4.0);
        ui.label(RichText::new(format!("“{}”", a.text)).italics());
        ui.weak(format!(
            "[{}, {}) · {} code points · {}",
            a.start,
            a.end,
            a.end - a.start,
            a.doc
        ));
        ui.add_space(6.0);
        ui.strong("Note");
        if state.note_draft.as_ref().is_none_or(|(id, _)| *id != a.id) {
            state.note_draft = Some((a.id, a.note.clone()));
        }
        if let Some((id, draft)) = &mut state.note_draft {
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
            ui.label(a.created.to_string());
            ui.end_row();
            ui.weak("Modified");
            ui.label(a.modified.to_string());
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
