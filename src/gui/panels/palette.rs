//! The label palette: a chip per label (colour, name, hotkey). Clicking a
//! chip or pressing its key tags the selected text, or relabels the
//! selected annotation; hovering shows the label's guideline.

use egui::{RichText, Sense, Ui, vec2};

use crate::gui::action::Action;
use crate::gui::view::{Selection, label_colour};
use crate::model::Project;

/// The keys that apply labels: each label's hotkey, and the first letter of
/// its name when that letter is unambiguous and not someone's hotkey.
pub fn hotkeys(project: &Project) -> Vec<(char, String)> {
    let labels = &project.schema.labels;
    let mut keys: Vec<(char, String)> = labels
        .iter()
        .filter_map(|l| l.hotkey.map(|k| (k, l.id.clone())))
        .collect();
    let letter = |name: &str| {
        name.chars()
            .find(|c| c.is_alphabetic())
            .map(|c| c.to_lowercase().next().unwrap_or(c))
    };
    for l in labels {
        let Some(c) = letter(&l.name) else { continue };
        let shared = labels.iter().filter(|o| letter(&o.name) == Some(c)).count() > 1;
        if !shared && !keys.iter().any(|(k, _)| *k == c) {
            keys.push((c, l.id.clone()));
        }
    }
    keys
}

pub fn palette_bar(ui: &mut Ui, project: &Project, selection: &Selection) -> Vec<Action> {
    let mut actions = Vec::new();
    let keys = hotkeys(project);
    let can_tag = selection.text.is_some() || selection.annotation.is_some();
    egui::Panel::top("palette").show(ui, |ui| {
        let centred = egui::Layout::left_to_right(egui::Align::Center).with_main_wrap(true);
        ui.with_layout(centred, |ui| {
            ui.label(RichText::new("Labels").weak());
            for label in &project.schema.labels {
                let colour = label_colour(label.colour);
                let keys_of: Vec<String> = keys
                    .iter()
                    .filter(|(_, id)| *id == label.id)
                    .map(|(k, _)| k.to_string())
                    .collect();
                let text = if keys_of.is_empty() {
                    label.name.clone()
                } else {
                    format!("{}  {}", label.name, keys_of.join("/"))
                };
                let response = ui
                    .scope(|ui| {
                        let galley = ui.painter().layout_no_wrap(
                            text.clone(),
                            egui::FontId::proportional(14.0),
                            ui.visuals().text_color(),
                        );
                        let size = galley.size() + vec2(28.0, 10.0);
                        let (rect, response) = ui.allocate_exact_size(size, Sense::click());
                        let fill = if response.hovered() {
                            ui.visuals().widgets.hovered.bg_fill
                        } else {
                            ui.visuals().widgets.inactive.weak_bg_fill
                        };
                        ui.painter().rect_filled(rect, 6.0, fill);
                        let chip = egui::Rect::from_center_size(rect.left_center() + vec2(11.0, 0.0), vec2(12.0, 12.0));
                        ui.painter().rect_filled(chip, 3.0, colour);
                        ui.painter()
                            .galley(rect.left_top() + vec2(22.0, 5.0), galley, ui.visuals().text_color());
                        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label.name));
                        response
                    })
                    .inner;
                let response = if label.guideline.is_empty() {
                    response
                } else {
                    response.on_hover_ui(|ui| {
                        ui.set_max_width(420.0);
                        ui.strong(&label.name);
                        ui.label(&label.guideline);
                    })
                };
                if response.clicked() && can_tag {
                    actions.push(Action::TagSelection(label.id.clone()));
                }
            }
            ui.separator();
            if ui.small_button("Edit labels…").clicked() {
                actions.push(Action::OpenSchemaEditor);
            }
        });
    });
    actions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_back_up_the_number_keys() {
        let project = Project::new("p");
        let keys = hotkeys(&project);
        let find = |c| keys.iter().find(|(k, _)| *k == c).map(|(_, id)| id.as_str());
        assert_eq!(find('1'), Some("event"));
        assert_eq!(find('e'), Some("event"));
        assert_eq!(find('c'), Some("claim"));
        assert_eq!(find('a'), Some("actor"));
        assert_eq!(find('x'), None);
    }
}
