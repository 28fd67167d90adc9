//! View → Corpus overview: the corpus at a glance, as charts rather than
//! tables. Annotations per label for each group of documents (by status,
//! outlet, month of a date, any document field), progress by status, each
//! label's most frequent texts (a click searches the corpus for one), and,
//! during a review, agreement per document.
//!
//! The figures are [`crate::search::figures`]'s, worked out again only
//! when the annotations, the documents or the grouping change.

use std::collections::BTreeMap;

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Plot};

use crate::gui::action::Action;
use crate::gui::review::Review;
use crate::gui::style::label_colour;
use crate::gui::view::shorten;
use crate::model::Project;
use crate::search::figures::{self, Group, GroupBy};

/// How many texts each label lists.
const TOP: usize = 8;

/// The figures shown, and what they were worked out for (the session's
/// revision: a document's metadata edited moves it to another group).
struct Figures {
    key: (u64, String),
    /// The groupings the project offers (its document fields).
    choices: Vec<GroupBy>,
    groups: Vec<Group>,
    by_status: BTreeMap<&'static str, usize>,
    top: Vec<(String, Vec<(String, usize)>)>,
}

/// The overview window's state.
#[derive(Default)]
pub struct Overview {
    /// The grouping chosen, by name ("status", "outlet", "date:month").
    pub group_by: Option<String>,
    figures: Option<Figures>,
}

impl Overview {
    /// The groups drawn last (for tests).
    pub fn groups(&self) -> &[Group] {
        self.figures.as_ref().map_or(&[], |f| f.groups.as_slice())
    }

    /// Works the figures out again when the project or the grouping changed.
    fn refresh(&mut self, project: &Project, revision: u64) {
        let choices = match &self.figures {
            Some(f) if f.key.0 == revision => f.choices.clone(),
            _ => figures::groupings(project),
        };
        let by = self
            .group_by
            .as_deref()
            .and_then(|name| choices.iter().find(|g| g.name() == name))
            .or_else(|| choices.get(1))
            .or_else(|| choices.first())
            .cloned()
            .unwrap_or(GroupBy::Status);
        let key = (revision, by.name());
        if self.figures.as_ref().is_some_and(|f| f.key == key) {
            return;
        }
        let top = project
            .schema
            .labels
            .iter()
            .map(|l| (l.id.clone(), figures::top_texts(project, &l.id, TOP)))
            .collect();
        self.figures = Some(Figures {
            key,
            groups: figures::grouped(project, &by),
            choices,
            by_status: figures::by_status(project),
            top,
        });
    }

    /// The window. Returns whether it stays open, and what was asked.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        project: &Project,
        revision: u64,
        review: Option<&Review>,
    ) -> (bool, Vec<Action>) {
        let mut actions = Vec::new();
        let mut open = true;
        self.refresh(project, revision);
        crate::gui::style::dialog_window(ctx, "Corpus overview")
            .open(&mut open)
            .default_width(720.0)
            .default_height(ctx.content_rect().height() * 0.75)
            .show(ctx, |ui| {
                egui::ScrollArea::vertical().show(ui, |ui| {
                    let Some(f) = &self.figures else { return };
                    ui.horizontal(|ui| {
                        let lead = ui.label("Annotations by");
                        let shown = f.key.1.clone();
                        let mut chosen = shown.clone();
                        egui::ComboBox::from_id_salt("overview-group-by")
                            .selected_text(&chosen)
                            .show_ui(ui, |ui| {
                                for g in &f.choices {
                                    ui.selectable_value(&mut chosen, g.name(), g.name());
                                }
                            })
                            .response
                            .labelled_by(lead.id);
                        if chosen != shown {
                            self.group_by = Some(chosen);
                        }
                    });
                    {
                        groups_chart(ui, project, &f.groups);
                        ui.separator();
                        status_ui(ui, &f.by_status, project.documents.len());
                        ui.separator();
                        actions.extend(top_ui(ui, project, &f.top));
                    }
                    if let Some(review) = review {
                        ui.separator();
                        agreement_chart(ui, review);
                    }
                });
            });
        (open, actions)
    }
}

/// Stacked bars: a bar per group, a colour per label.
fn groups_chart(ui: &mut Ui, project: &Project, groups: &[Group]) {
    if groups.is_empty() {
        ui.weak("No documents yet.");
        return;
    }
    let names: Vec<String> = groups.iter().map(|g| shorten(&g.value, 16)).collect();
    let mut charts: Vec<BarChart> = Vec::new();
    for label in &project.schema.labels {
        let bars: Vec<Bar> = groups
            .iter()
            .enumerate()
            .map(|(x, g)| {
                let n = g.by_label.get(&label.id).copied().unwrap_or(0);
                Bar::new(x as f64, n as f64)
                    .width(0.7)
                    .name(format!("{}: {n} {}", g.value, label.name))
            })
            .collect();
        let refs: Vec<&BarChart> = charts.iter().collect();
        let chart = BarChart::new(label.name.clone(), bars)
            .color(label_colour(label.colour))
            .stack_on(&refs);
        charts.push(chart);
    }
    let total: usize = groups.iter().map(|g| g.annotations).sum();
    ui.weak(format!(
        "{total} annotations in {} documents, {} groups",
        groups.iter().map(|g| g.documents).sum::<usize>(),
        groups.len()
    ));
    Plot::new("overview-groups")
        .height(220.0)
        .legend(Legend::default())
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .include_y(0.0)
        .x_axis_formatter(categories(names))
        .show(ui, |plot| {
            for chart in charts {
                plot.bar_chart(chart);
            }
        });
}

/// Documents per status, as a bar of the done share and the counts.
fn status_ui(ui: &mut Ui, by_status: &BTreeMap<&'static str, usize>, total: usize) {
    let count = |s: &str| by_status.get(s).copied().unwrap_or(0);
    let done = count("done");
    ui.strong("Progress");
    ui.add(
        egui::ProgressBar::new(if total == 0 { 0.0 } else { done as f32 / total as f32 }).text(format!(
            "{done} of {total} documents done · {} in progress · {} to do",
            count("in_progress"),
            count("todo")
        )),
    );
}

/// Each label's most frequent texts; a click searches the corpus for one.
fn top_ui(ui: &mut Ui, project: &Project, top: &[(String, Vec<(String, usize)>)]) -> Vec<Action> {
    let mut actions = Vec::new();
    ui.strong("Most frequent tagged texts");
    ui.columns(top.len().max(1), |columns| {
        for (column, (label, texts)) in columns.iter_mut().zip(top) {
            let l = project.schema.get(label);
            let colour = l.map_or(Color32::GRAY, |l| label_colour(l.colour));
            column.label(
                RichText::new(l.map_or(label.as_str(), |l| l.name.as_str()))
                    .color(colour)
                    .strong(),
            );
            if texts.is_empty() {
                column.weak("none yet");
            }
            for (text, n) in texts {
                let link = column
                    .link(format!("{} ({n})", shorten(text, 28)))
                    .on_hover_text(format!("Search all documents for “{text}”"));
                link.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Link, true, format!("Search for “{text}”")));
                if link.clicked() {
                    actions.push(Action::SearchFor {
                        text: text.clone(),
                        label: Some(label.clone()),
                    });
                }
            }
        }
    });
    actions
}

/// During a review: F1 (overlap) per document, A against B.
fn agreement_chart(ui: &mut Ui, review: &Review) {
    let Some(pair) = review.pair_report() else { return };
    ui.strong("Agreement per document (F1, overlapping spans)");
    let docs: Vec<(String, f64)> = pair
        .by_document
        .iter()
        .filter_map(|(doc, f)| Some((doc.clone(), f.f1_overlap.value()?)))
        .collect();
    if docs.is_empty() {
        ui.weak("No document with a defined F1.");
        return;
    }
    let names: Vec<String> = docs.iter().map(|(d, _)| shorten(d, 16)).collect();
    let bars = docs
        .iter()
        .enumerate()
        .map(|(x, (doc, v))| Bar::new(x as f64, *v).width(0.7).name(format!("{doc}: {v:.3}")))
        .collect();
    Plot::new("overview-agreement")
        .height(160.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .include_y(0.0)
        .include_y(1.0)
        .x_axis_formatter(categories(names))
        .show(ui, |plot| plot.bar_chart(BarChart::new("F1", bars)));
}

/// An x axis whose whole numbers are named by `names` (one bar each).
fn categories(names: Vec<String>) -> impl Fn(egui_plot::GridMark, &std::ops::RangeInclusive<f64>) -> String {
    move |mark, _| {
        let i = mark.value.round();
        if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
            names.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }
}
