//! The document list: title, status (click to cycle), annotation count,
//! metadata (outlet, date, document labels), a filter and a sort, and the
//! project's overall progress.
//!
//! A corpus has thousands of documents: the rows kept by the filter, in
//! the order chosen, are worked out once per edit, filter or sort (not per
//! frame), and only the rows on screen are laid out. The filter is
//! [`crate::search::doc_matches`]: text in a title, id, path or metadata
//! value, or `outlet=…`, `date=2023`, `status=done`, `label=claim`,
//! `suggested=yes` (a toggle when the project has suggestions).

use egui::{RichText, Ui};

use crate::gui::action::Action;
use crate::model::{AttrKind, AttrTarget, Project, Status};

/// The filter that keeps the documents with open suggestions.
const SUGGESTED: &str = "suggested=yes";

/// The symbol shown for a status.
pub fn status_symbol(status: Status) -> &'static str {
    match status {
        Status::Todo => "○",
        Status::InProgress => "◐",
        Status::Done => "●",
    }
}

/// How the list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DocSort {
    /// As in the project file.
    #[default]
    Position,
    Title,
    Status,
    /// Most annotations first.
    Count,
    /// By the first date field of the schema's document attributes.
    Date,
}

impl DocSort {
    const ALL: [DocSort; 5] = [
        DocSort::Position,
        DocSort::Title,
        DocSort::Status,
        DocSort::Count,
        DocSort::Date,
    ];

    fn name(self) -> &'static str {
        match self {
            DocSort::Position => "In project order",
            DocSort::Title => "By title",
            DocSort::Status => "By status",
            DocSort::Count => "Most annotated",
            DocSort::Date => "By date",
        }
    }
}

/// Why a document filter cannot match anything ("clam" is not a label),
/// worked out once per filter text and shown under the filter.
#[derive(Default)]
pub struct FilterNote(Option<(String, Option<String>)>);

impl FilterNote {
    pub fn show(&mut self, ui: &mut Ui, project: &Project, filter: &str) {
        if self.0.as_ref().is_none_or(|(f, _)| f != filter) {
            self.0 = Some((filter.to_owned(), crate::search::filter_problem(project, filter)));
        }
        if let Some((_, Some(why))) = &self.0 {
            ui.colored_label(ui.visuals().warn_fg_color, format!("The filter cannot match: {why}"));
        }
    }
}

/// The list's state: the filter, the sort, and the rows they give.
#[derive(Default)]
pub struct DocumentList {
    pub filter: String,
    pub sort: DocSort,
    /// Positions in `project.documents` of the rows shown, in order.
    rows: Vec<usize>,
    /// Documents marked done, counted with the rows.
    done: usize,
    /// What `rows` was worked out for: (session revision, documents,
    /// filter, sort); the count keeps every row in bounds.
    key: Option<(u64, usize, String, DocSort)>,
    note: FilterNote,
}

impl DocumentList {
    /// The ids of the documents shown, in order (for tests).
    pub fn shown<'p>(&self, project: &'p Project) -> Vec<&'p str> {
        self.rows
            .iter()
            .filter_map(|&i| project.documents.get(i))
            .map(|d| d.id.as_str())
            .collect()
    }

    fn refresh(&mut self, project: &Project, revision: u64, has_open: &dyn Fn(&str) -> bool) {
        let key = (revision, project.documents.len(), self.filter.clone(), self.sort);
        if self.key.as_ref() == Some(&key) {
            return;
        }
        let filter = crate::search::DocFilter::new(project, &self.filter);
        let mut rows: Vec<usize> = (0..project.documents.len())
            .filter(|&i| filter.matches_with(project, &project.documents[i], has_open))
            .collect();
        let docs = &project.documents;
        match self.sort {
            DocSort::Position => {}
            DocSort::Title => {
                rows.sort_by_cached_key(|&i| crate::model::natural_key(&docs[i].title));
            }
            DocSort::Status => rows.sort_by_key(|&i| docs[i].status as u8),
            DocSort::Count => rows.sort_by_key(|&i| std::cmp::Reverse(project.annotations_of(&docs[i].id).len())),
            DocSort::Date => {
                let field = project
                    .schema
                    .attributes
                    .iter()
                    .find(|a| a.kind == AttrKind::Date && a.on.contains(&AttrTarget::Document))
                    .map(|a| a.id.clone());
                // Undated last.
                rows.sort_by_cached_key(|&i| {
                    let date = field
                        .as_ref()
                        .and_then(|f| docs[i].attrs.get(f))
                        .map(ToString::to_string);
                    (date.is_none(), date)
                });
            }
        }
        self.rows = rows;
        self.done = docs.iter().filter(|d| d.status == Status::Done).count();
        self.key = Some(key);
    }

    /// Adds `part` to the filter, or takes it out if it is there.
    fn toggle_filter(&mut self, part: &str) {
        let parts: Vec<&str> = self
            .filter
            .split(';')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .collect();
        let kept: Vec<&str> = parts.iter().copied().filter(|f| *f != part).collect();
        self.filter = if kept.len() < parts.len() {
            kept.join("; ")
        } else {
            let mut all = kept;
            all.push(part);
            all.join("; ")
        };
    }

    /// The panel.
    /// The panel; `has_open` says whether a document has open suggestions
    /// (for `suggested=yes`, from the workbench's counts).
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        project: &Project,
        current_doc: Option<&str>,
        revision: u64,
        has_open: &dyn Fn(&str) -> bool,
    ) -> Vec<Action> {
        let mut actions = Vec::new();
        // In a narrow window the side panels give way to the text.
        let room = ui.available_width();
        egui::Panel::left("documents")
            .resizable(true)
            .default_size(250.0_f32.min(room * 0.2))
            .min_size(150.0)
            .max_size((room * 0.22).max(150.0))
            .show(ui, |ui| {
                ui.add_space(4.0);
                ui.heading(&project.name);
                self.refresh(project, revision, has_open);
                let (done, total) = (self.done, project.documents.len());
                // Short enough to stay inside the bar at the panel's narrowest.
                ui.add(
                    egui::ProgressBar::new(if total == 0 { 0.0 } else { done as f32 / total as f32 })
                        .text(format!("{done}/{total} done")),
                )
                .on_hover_text(format!("{done} of {total} documents marked done"));
                ui.add_space(4.0);
                ui.add(
                    egui::TextEdit::singleline(&mut self.filter)
                        .hint_text("Filter: title, outlet=…, status=done, label=claim")
                        .desired_width(f32::INFINITY),
                )
                .accessible_name("Filter documents")
                .on_hover_text(
                    "Text in a title or a metadata value; FIELD=VALUE (outlet=Le Monde, date=2023), \
                     status=done, label=claim (has annotations of that label), suggested=yes (has open \
                     suggestions; or suggested=actor); several with ;",
                );
                ui.horizontal(|ui| {
                    egui::ComboBox::from_id_salt("documents-sort")
                        .selected_text(self.sort.name())
                        .show_ui(ui, |ui| {
                            for s in DocSort::ALL {
                                ui.selectable_value(&mut self.sort, s, s.name());
                            }
                        })
                        .response
                        .accessible_name("Order of the documents");
                    if !project.suggestions().is_empty() {
                        let on = self.filter.split(';').any(|f| f.trim() == SUGGESTED);
                        if ui
                            .selectable_label(on, "Suggested")
                            .on_hover_text("Only the documents with open suggestions (filter suggested=yes)")
                            .clicked()
                        {
                            self.toggle_filter(SUGGESTED);
                        }
                    }
                });
                // Again: the filter or the sort may have changed just above.
                self.refresh(project, revision, has_open);
                if self.rows.len() < total {
                    ui.weak(format!("{} of {total} documents shown", self.rows.len()));
                }
                self.note.show(ui, project, &self.filter);
                ui.separator();
                actions.extend(self.rows_ui(ui, project, current_doc));
            });
        actions
    }

    /// The rows on screen only: three lines each (title, count and status,
    /// metadata), so a list of 10,000 scrolls as fast as one of ten.
    fn rows_ui(&self, ui: &mut Ui, project: &Project, current_doc: Option<&str>) -> Vec<Action> {
        let mut actions = Vec::new();
        let line = ui.spacing().interact_size.y;
        let row_height = 3.0 * line;
        egui::ScrollArea::vertical()
            .id_salt("documents-list")
            .auto_shrink(false)
            .show_rows(ui, row_height, self.rows.len(), |ui, range| {
                for &i in &self.rows[range] {
                    let Some(doc) = project.documents.get(i) else { continue };
                    let count = project.annotations_of(&doc.id).len();
                    let selected = current_doc == Some(&doc.id);
                    let meta = super::structure::metadata_line(project, doc);
                    ui.allocate_ui(egui::vec2(ui.available_width(), row_height), |ui| {
                        ui.set_min_height(row_height);
                        ui.vertical(|ui| {
                            ui.horizontal(|ui| {
                                let status = ui
                                    .add(egui::Button::new(status_symbol(doc.status)).frame(false))
                                    .on_hover_text(format!("{} — click to change (Ctrl+D)", doc.status.name()));
                                if status.clicked() {
                                    actions.push(Action::CycleStatus(doc.id.clone()));
                                }
                                let title = RichText::new(&doc.title);
                                let row = ui.add(egui::Button::selectable(selected, title).truncate());
                                let row =
                                    row.on_hover_text(format!("{}\n{} · {count} annotations", doc.title, doc.path));
                                if row.clicked() {
                                    actions.push(Action::SelectDocument(doc.id.clone()));
                                }
                            });
                            ui.horizontal(|ui| {
                                ui.add_space(22.0);
                                ui.weak(format!("{count} annotations · {}", doc.status.describe()));
                            });
                            if !meta.is_empty() {
                                ui.horizontal(|ui| {
                                    ui.add_space(22.0);
                                    ui.add(egui::Label::new(RichText::new(&meta).weak().small()).truncate())
                                        .on_hover_text(&meta);
                                });
                            }
                        });
                    });
                }
            });
        actions
    }
}
