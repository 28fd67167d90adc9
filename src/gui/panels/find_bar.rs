//! The find bar (Ctrl+F): query, match count, next/previous, case, and
//! "Tag all matches as …" in one undoable edit.

use egui::Ui;

use crate::gui::action::Action;
use crate::gui::find::FindState;
use crate::model::Project;

/// The find bar of document `doc` of `project` (at `revision`, for the
/// count of what "Tag all" would add).
pub fn find_bar(ui: &mut Ui, project: &Project, doc: &str, revision: u64, find: &mut FindState) -> Vec<Action> {
    let mut actions = Vec::new();
    ui.horizontal(|ui| {
        let label = ui.label("Find");
        let mut output = egui::TextEdit::singleline(&mut find.query)
            .id_salt("find-query")
            .hint_text("text in this document")
            .desired_width(240.0)
            .show(ui);
        let response: egui::Response = (*output.response).clone().labelled_by(label.id);
        if std::mem::take(&mut find.focus_query) {
            response.request_focus();
            // Ctrl+F again: the query is selected, so typing replaces it.
            let all = egui::text::CCursorRange::two(
                egui::text::CCursor::new(0),
                egui::text::CCursor::new(find.query.chars().count()),
            );
            output.state.cursor.set_char_range(Some(all));
            output.state.store(ui.ctx(), response.id);
        }
        if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            actions.push(if ui.input(|i| i.modifiers.shift) {
                Action::FindPrevious
            } else {
                Action::FindNext
            });
            response.request_focus();
        }
        ui.checkbox(&mut find.case_sensitive, "Aa")
            .on_hover_text("Match case and accents");
        ui.checkbox(&mut find.whole_word, "Word")
            .on_hover_text("Whole words only (“armenie” does not match inside “arméniens”)");
        let count = match (find.current, find.matches.len()) {
            (_, 0) if !find.query.is_empty() => "no matches".to_owned(),
            (_, 0) => String::new(),
            (Some(i), n) => format!("{} of {n}", i + 1),
            (None, 1) => "1 match".to_owned(),
            (None, n) => format!("{n} matches{}", if find.truncated { " (first ones)" } else { "" }),
        };
        // Fixed widths: the controls after the count do not move as it changes.
        let height = ui.spacing().interact_size.y;
        ui.add_sized([110.0, height], egui::Label::new(count));
        if ui.small_button("▲").on_hover_text("Previous (Shift+F3)").clicked() {
            actions.push(Action::FindPrevious);
        }
        if ui.small_button("▼").on_hover_text("Next (F3)").clicked() {
            actions.push(Action::FindNext);
        }
        ui.separator();
        let label = find
            .tag_label
            .clone()
            .filter(|l| project.schema.contains(l))
            .or_else(|| project.schema.labels.first().map(|l| l.id.clone()));
        if let Some(label) = label {
            let name = project.schema.get(&label).map_or(label.clone(), |l| l.name.clone());
            let untagged = find.untagged(project, doc, &label, revision);
            let already = find.matches.len() - untagged;
            let text = match untagged {
                1 => "Tag 1 match as".to_owned(),
                n => format!("Tag {n} matches as"),
            };
            let tag = ui
                .add_enabled(untagged > 0, egui::Button::new(text).min_size(egui::vec2(150.0, 0.0)))
                .on_hover_text(format!(
                    "Tags every match not yet tagged with this label, as one undoable edit ({already} already are)"
                ));
            if tag.clicked() {
                actions.push(Action::TagAllMatches(label.clone()));
            }
            let mut chosen = label;
            egui::ComboBox::from_id_salt("find-tag-label")
                .selected_text(name)
                .show_ui(ui, |ui| {
                    for l in &project.schema.labels {
                        ui.selectable_value(&mut chosen, l.id.clone(), &l.name);
                    }
                })
                .response
                .accessible_name("Label for all matches");
            find.tag_label = Some(chosen);
        }
        if ui.small_button("✕").on_hover_text("Close (Esc)").clicked()
            // The field gives up the focus on Esc before we look.
            || ((response.has_focus() || response.lost_focus()) && ui.input(|i| i.key_pressed(egui::Key::Escape)))
        {
            find.open = false;
        }
    });
    ui.separator();
    actions
}
