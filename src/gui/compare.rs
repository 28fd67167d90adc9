//! The compare view (View → Compare versions…): two versions of the
//! project side by side or inline, with the list of what changed, and
//! buttons that take B's version of a change into the project or restore
//! A's.
//!
//! A version is the current state (unsaved changes included), a snapshot
//! of the history, another project file (a colleague's copy) or a git
//! revision. The semantic diff ([`crate::diff`]) gives the changes; the raw
//! tab shows the line diff of the two RON files.

use std::collections::HashSet;
use std::ops::Range;
use std::path::PathBuf;

use egui::{RichText, Sense, Ui, vec2};

use super::action::Action;
pub use super::action::{PickSide, Source};
use super::style::change_colours;
use super::view::{DocumentView, Overlay, Selection, ViewInput, caret_text, label_colour, shorten};
use crate::diff::raw::RawLine;
use crate::diff::{Change, ChangeKind, ProjectDiff, Side};
use crate::model::{Project, plural};
use crate::persist::history::Version;

/// The "Compare versions" dialog.
pub struct ComparePicker {
    pub a: Source,
    pub b: Source,
    git: [String; 2],
    versions: Vec<Version>,
    pub error: Option<String>,
    /// Whether the current state has unsaved changes (said in the list).
    dirty: bool,
}

impl ComparePicker {
    /// A picker offering `versions` of the history. B is the current state;
    /// A is what was last saved when there are unsaved changes, else the
    /// version before it (what the last save changed).
    pub fn new(versions: Vec<Version>, dirty: bool) -> ComparePicker {
        let newest = versions.len() as i64;
        let a = match newest {
            0 => Source::Current,
            1 => Source::Snapshot(1),
            n if dirty => Source::Snapshot(n),
            n => Source::Snapshot(n - 1),
        };
        ComparePicker {
            a,
            b: Source::Current,
            git: ["HEAD".to_owned(), "HEAD".to_owned()],
            versions,
            error: None,
            dirty,
        }
    }

    /// The name of a source for people.
    pub fn describe(&self, source: &Source) -> String {
        describe_source(source, &self.versions)
    }

    /// Shows the dialog. Returns whether it stays open, and the actions.
    pub fn ui(&mut self, ctx: &egui::Context) -> (bool, Vec<Action>) {
        let mut actions = Vec::new();
        let mut open = true;
        let mut start = false;
        crate::gui::style::dialog_window(ctx, "Compare versions")
            .open(&mut open)
            .resizable(false)
            .show(ctx, |ui| {
                ui.label("Compare two versions of this project: A (before) and B (after).");
                ui.add_space(6.0);
                egui::Grid::new("compare-picker")
                    .num_columns(2)
                    .spacing([12.0, 8.0])
                    .show(ui, |ui| {
                        for side in [PickSide::A, PickSide::B] {
                            ui.strong(if side == PickSide::A { "A" } else { "B" });
                            ui.vertical(|ui| actions.extend(self.side_ui(ui, side)));
                            ui.end_row();
                        }
                    });
                if let Some(e) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                ui.add_space(6.0);
                start = ui.button("Compare").clicked();
            });
        if start {
            actions.push(Action::StartComparison(self.a.clone(), self.b.clone()));
        }
        (open, actions)
    }

    fn side_ui(&mut self, ui: &mut Ui, side: PickSide) -> Vec<Action> {
        let mut actions = Vec::new();
        let k = side as usize;
        let current = if side == PickSide::A {
            self.a.clone()
        } else {
            self.b.clone()
        };
        let mut chosen = current.clone();
        let name = self.describe(&current);
        egui::ComboBox::from_id_salt(("compare-source", k))
            .selected_text(shorten(&name, 90))
            .width(520.0)
            .show_ui(ui, |ui| {
                let current = if self.dirty {
                    "Current state (with unsaved changes)"
                } else {
                    "Current state (as saved)"
                };
                ui.selectable_value(&mut chosen, Source::Current, current);
                for (i, _) in self.versions.iter().enumerate().rev() {
                    let s = Source::Snapshot(i as i64 + 1);
                    let text = describe_source(&s, &self.versions);
                    ui.selectable_value(&mut chosen, s, text);
                }
                if ui.selectable_label(false, "Another project file…").clicked() {
                    actions.push(Action::PickCompareFile(side));
                }
                if ui
                    .selectable_label(matches!(chosen, Source::Git(_)), "Git revision")
                    .clicked()
                {
                    chosen = Source::Git(self.git[k].clone());
                }
            })
            .response
            .accessible_name(if side == PickSide::A { "Version A" } else { "Version B" });
        if let Source::Git(_) = chosen {
            ui.horizontal(|ui| {
                let label = ui.label("revision");
                ui.add(egui::TextEdit::singleline(&mut self.git[k]).desired_width(160.0))
                    .labelled_by(label.id);
            });
            chosen = Source::Git(self.git[k].clone());
        }
        if chosen != current {
            self.error = None;
        }
        match side {
            PickSide::A => self.a = chosen,
            PickSide::B => self.b = chosen,
        }
        actions
    }

    /// Sets a side to another project file (after the file dialog).
    pub fn set_file(&mut self, side: PickSide, path: PathBuf) {
        match side {
            PickSide::A => self.a = Source::File(path),
            PickSide::B => self.b = Source::File(path),
        }
    }
}

fn describe_source(source: &Source, versions: &[Version]) -> String {
    match source {
        Source::Current => "Current state".to_owned(),
        Source::Snapshot(n) => match versions.get((*n - 1).max(0) as usize) {
            Some(v) => {
                let mut parts = vec![format!("Version {n}"), super::local_time(v.time)];
                if !v.author.is_empty() {
                    parts.push(v.author.clone());
                }
                parts.push(format!("{} annotations", v.annotations));
                if !v.message.is_empty() {
                    parts.push(format!("“{}”", v.message));
                }
                parts.join(" · ")
            }
            None => format!("Version {n}"),
        },
        Source::File(p) => format!("File {}", p.display()),
        Source::Git(rev) => format!("Git {rev}"),
    }
}

/// One side of a comparison, loaded.
pub struct ComparedVersion {
    pub name: String,
    pub project: Project,
    pub text: String,
    pub is_current: bool,
}

/// Which tab of the comparison is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Changes,
    Raw,
}

/// How the text is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Inline,
    SideBySide,
}

/// Kinds of change the list can filter on.
const KINDS: [&str; 5] = ["added", "removed", "relabeled", "resized", "note changed"];

/// An open comparison.
pub struct Comparison {
    pub a: ComparedVersion,
    pub b: ComparedVersion,
    pub diff: ProjectDiff,
    raw: Option<Vec<RawLine>>,
    /// The changed words of each raw line, once the raw tab has been shown.
    raw_marks: Option<Vec<Vec<Range<usize>>>>,
    pub tab: Tab,
    pub mode: Mode,
    /// The change clicked last.
    pub selected: Option<usize>,
    /// Changes ticked for "take"/"restore".
    pub checked: HashSet<usize>,
    /// Relation changes ticked for "take"/"restore" (indices into
    /// `diff.relations`).
    pub checked_relations: HashSet<usize>,
    /// The attribute value changes ticked for take/restore.
    pub checked_attributes: HashSet<usize>,
    /// Which kinds are shown (in [`KINDS`] order).
    pub shown_kinds: [bool; 5],
    pub shown_label: Option<String>,
    doc: Option<String>,
    view_a: Option<DocumentView>,
    view_b: Option<DocumentView>,
    selection_a: Selection,
    selection_b: Selection,
    /// Bumped when a side changes, for the views' caches.
    revision: u64,
    /// The session revision the current side was taken at.
    pub current_revision: u64,
}

impl Comparison {
    pub fn new(a: ComparedVersion, b: ComparedVersion, current_revision: u64) -> Comparison {
        let diff = crate::diff::diff(&a.project, &b.project);
        let doc = first_doc(&diff, &b.project);
        Comparison {
            a,
            b,
            diff,
            raw: None,
            raw_marks: None,
            tab: Tab::Changes,
            mode: Mode::Inline,
            selected: None,
            checked: HashSet::new(),
            checked_relations: HashSet::new(),
            checked_attributes: HashSet::new(),
            shown_kinds: [true; 5],
            shown_label: None,
            doc,
            view_a: None,
            view_b: None,
            selection_a: Selection::default(),
            selection_b: Selection::default(),
            revision: 0,
            current_revision,
        }
    }

    /// Takes the session's project as the new current side and diffs again.
    pub fn refresh_current(&mut self, project: &Project, text: String, revision: u64) {
        for side in [&mut self.a, &mut self.b] {
            if side.is_current {
                side.project = project.clone();
                side.text = text.clone();
            }
        }
        self.diff = crate::diff::diff(&self.a.project, &self.b.project);
        self.raw = None;
        self.raw_marks = None;
        self.selected = None;
        self.checked.clear();
        self.checked_relations.clear();
        self.checked_attributes.clear();
        self.revision += 1;
        self.current_revision = revision;
        if self.doc.as_ref().is_none_or(|d| self.b.project.document(d).is_none()) {
            self.doc = first_doc(&self.diff, &self.b.project);
        }
    }

    fn matches_filter(&self, c: &Change) -> bool {
        let kinds = [
            c.kind == ChangeKind::Added,
            c.kind == ChangeKind::Removed,
            c.relabeled,
            c.resized,
            c.note_changed,
        ];
        kinds.iter().zip(&self.shown_kinds).any(|(is, shown)| *is && *shown)
            && self.shown_label.as_ref().is_none_or(|l| c.label() == l)
    }

    /// The raw line diff, once the raw tab has been shown.
    pub fn raw_lines(&self) -> Option<&[RawLine]> {
        self.raw.as_deref()
    }

    /// Indices of the changes the filters let through.
    pub fn visible_changes(&self) -> Vec<usize> {
        (0..self.diff.changes.len())
            .filter(|&i| self.matches_filter(&self.diff.changes[i]))
            .collect()
    }

    /// The changes the take/restore buttons apply to: the ticked ones, else
    /// the selected one.
    pub fn targets(&self) -> Vec<usize> {
        if self.checked.is_empty() {
            self.selected.into_iter().collect()
        } else {
            let mut v: Vec<usize> = self.checked.iter().copied().collect();
            v.sort_unstable();
            v
        }
    }

    /// Selects a change and scrolls the text to it.
    pub fn select(&mut self, i: usize) {
        let Some(c) = self.diff.changes.get(i) else { return };
        self.selected = Some(i);
        self.doc = Some(c.doc.clone());
        let pos = c.position();
        if let Some(v) = &mut self.view_b {
            v.scroll_to(pos);
        }
        if let (Some(v), Some(a)) = (&mut self.view_a, &c.a) {
            v.scroll_to(a.start);
        }
    }

    /// The left part of the status bar: the compared document, the caret or
    /// selection in each side shown, and this document's changes.
    pub fn status_ui(&self, ui: &mut Ui) {
        if self.tab == Tab::Raw {
            ui.label("Raw RON diff");
            if let Some(raw) = &self.raw {
                ui.separator();
                ui.label(format!("{} lines", raw.len()));
            }
            return;
        }
        let Some(doc) = self.doc.as_deref() else {
            ui.label("No document to compare");
            return;
        };
        ui.label(doc);
        let len = |p: &Project| p.document(doc).map_or(0, |d| d.text.len_chars());
        if self.mode == Mode::SideBySide {
            ui.separator();
            ui.label(format!("A: {}", caret_text(&self.selection_a, len(&self.a.project))));
            ui.separator();
            ui.label(format!("B: {}", caret_text(&self.selection_b, len(&self.b.project))));
        } else {
            ui.separator();
            ui.label(caret_text(&self.selection_b, len(&self.b.project)));
        }
        ui.separator();
        let here = self.diff.changes.iter().filter(|c| c.doc == doc).count();
        ui.label(format!(
            "{} here · {} in all",
            plural(here, "change"),
            self.diff.changes.len()
        ));
        if !self.checked.is_empty() {
            ui.separator();
            ui.label(format!("{} ticked", self.checked.len()));
        }
    }

    /// Draws the comparison (header, list, text or raw diff).
    pub fn ui(&mut self, ui: &mut Ui, dark: bool, text_size: f32) -> Vec<Action> {
        let mut actions = Vec::new();
        egui::Panel::top("compare-header").show(ui, |ui| actions.extend(self.header_ui(ui)));
        match self.tab {
            Tab::Raw => {
                egui::CentralPanel::default().show(ui, |ui| self.raw_ui(ui));
            }
            Tab::Changes => {
                egui::Panel::right("compare-changes")
                    .resizable(true)
                    .default_size(380.0)
                    .show(ui, |ui| actions.extend(self.list_ui(ui)));
                egui::CentralPanel::default().show(ui, |ui| self.text_ui(ui, dark, text_size));
            }
        }
        actions
    }

    fn header_ui(&mut self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        ui.horizontal_wrapped(|ui| {
            ui.strong("Comparing");
            ui.label(format!("A: {}", self.a.name));
            ui.label("→");
            ui.label(format!("B: {}", self.b.name));
            ui.separator();
            ui.selectable_value(&mut self.tab, Tab::Changes, "Changes");
            ui.selectable_value(&mut self.tab, Tab::Raw, "Raw RON diff");
            if self.tab == Tab::Changes {
                ui.separator();
                ui.selectable_value(&mut self.mode, Mode::Inline, "Inline");
                ui.selectable_value(&mut self.mode, Mode::SideBySide, "Side by side");
            }
            ui.separator();
            if ui.button("Close comparison").clicked() {
                actions.push(Action::CloseComparison);
            }
        });
        let c = self.diff.counts();
        ui.horizontal_wrapped(|ui| {
            if self.diff.is_empty() {
                ui.label("The two versions are the same.");
                return;
            }
            let colours = change_colours(ui.visuals().dark_mode);
            ui.colored_label(colours[0], format!("+{} added", c.added));
            ui.colored_label(colours[1], format!("−{} removed", c.removed));
            ui.colored_label(colours[2], format!("{} relabeled", c.relabeled));
            ui.colored_label(colours[2], format!("{} resized", c.resized));
            ui.colored_label(colours[2], format!("{} notes changed", c.note_changed));
            ui.separator();
            for l in &self.b.project.schema.labels {
                let n = self.diff.changes.iter().filter(|ch| ch.label() == l.id).count();
                if n > 0 {
                    ui.colored_label(label_colour(l.colour), format!("{}: {n}", l.name));
                }
            }
            if !self.diff.labels.is_empty() {
                ui.separator();
                ui.label(format!("{} label change(s)", self.diff.labels.len()));
            }
            if !self.diff.documents.is_empty() {
                ui.label(format!("{} document change(s)", self.diff.documents.len()));
            }
        });
        actions
    }

    fn list_ui(&mut self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        ui.horizontal_wrapped(|ui| {
            for (k, name) in KINDS.iter().enumerate() {
                ui.checkbox(&mut self.shown_kinds[k], *name);
            }
        });
        let shown = self.shown_label.clone().unwrap_or_else(|| "All labels".to_owned());
        egui::ComboBox::from_id_salt("compare-label")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut self.shown_label, None, "All labels");
                for l in &self.b.project.schema.labels {
                    ui.selectable_value(&mut self.shown_label, Some(l.id.clone()), &l.name);
                }
            })
            .response
            .accessible_name("Show the changes of");
        let visible = self.visible_changes();
        ui.horizontal(|ui| {
            let targets = self.targets();
            if let Some(side) = self.take_or_restore(ui, "version", targets.len()) {
                actions.push(Action::Adopt { changes: targets, side });
            }
        });
        ui.horizontal(|ui| {
            if ui.small_button("Tick all shown").clicked() {
                self.checked.extend(visible.iter().copied());
            }
            if ui.small_button("Untick all").clicked() {
                self.checked.clear();
            }
            ui.weak(format!("{} shown", visible.len()));
        });
        actions.extend(self.relations_ui(ui));
        ui.separator();
        // One row per change, with a header row per document.
        let mut rows: Vec<Result<&str, usize>> = Vec::new();
        let mut last_doc = None;
        for &i in &visible {
            let doc = self.diff.changes[i].doc.as_str();
            if last_doc != Some(doc) {
                rows.push(Ok(doc));
                last_doc = Some(doc);
            }
            rows.push(Err(i));
        }
        let row_height = 22.0;
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .id_salt("compare-list")
            .auto_shrink(false)
            .show_rows(ui, row_height, rows.len(), |ui, range| {
                for row in &rows[range] {
                    match *row {
                        Ok(doc) => {
                            let title = self.b.project.document(doc).map_or(doc, |d| d.title.as_str());
                            ui.add_sized(
                                [ui.available_width(), row_height],
                                egui::Label::new(RichText::new(shorten(title, 50)).strong()),
                            );
                        }
                        Err(i) => {
                            let c = &self.diff.changes[i];
                            ui.horizontal(|ui| {
                                ui.set_height(row_height);
                                let mut ticked = self.checked.contains(&i);
                                let text = change_text(c);
                                if ui
                                    .checkbox(&mut ticked, "")
                                    .on_hover_text("Include in take/restore")
                                    .changed()
                                {
                                    if ticked {
                                        self.checked.insert(i);
                                    } else {
                                        self.checked.remove(&i);
                                    }
                                }
                                let r = ui.selectable_label(self.selected == Some(i), text);
                                if r.clicked() {
                                    clicked = Some(i);
                                }
                            });
                        }
                    }
                }
            });
        if let Some(i) = clicked {
            self.select(i);
        }
        actions
    }

    /// "Take B's …" and "Restore A's …" for `n` ticked items (each only
    /// where the project is not already that side); the side clicked.
    fn take_or_restore(&self, ui: &mut Ui, what: &str, n: usize) -> Option<Side> {
        let take = ui.add_enabled(
            !self.b.is_current && n > 0,
            egui::Button::new(format!("Take B's {what} ({n})")),
        );
        let restore = ui.add_enabled(
            !self.a.is_current && n > 0,
            egui::Button::new(format!("Restore A's {what} ({n})")),
        );
        if take.clicked() {
            Some(Side::B)
        } else if restore.clicked() {
            Some(Side::A)
        } else {
            None
        }
    }

    /// The relation changes of the comparison (every document), ticked
    /// and taken or restored like spans, and the attribute values that
    /// differ, listed.
    fn relations_ui(&mut self, ui: &mut Ui) -> Vec<Action> {
        let mut actions = Vec::new();
        let (relations, attributes) = (self.diff.relations.len(), self.diff.attributes.len());
        if relations + attributes == 0 {
            return actions;
        }
        let title = format!(
            "{} · {}",
            plural(relations, "relation change"),
            plural(attributes, "attribute value")
        );
        egui::CollapsingHeader::new(title)
            .id_salt("compare-relations")
            .default_open(true)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    let ticked: Vec<usize> = self.checked_relations.iter().copied().collect();
                    if let Some(side) = self.take_or_restore(ui, "relations", ticked.len()) {
                        actions.push(Action::AdoptRelations { changes: ticked, side });
                    }
                });
                egui::ScrollArea::vertical()
                    .id_salt("compare-relation-list")
                    .max_height(160.0)
                    .show(ui, |ui| {
                        for (i, c) in self.diff.relations.iter().enumerate() {
                            ui.horizontal(|ui| {
                                let mut ticked = self.checked_relations.contains(&i);
                                let text = relation_change_text(&self.b.project, &self.a.project, c);
                                let tick = ui.checkbox(&mut ticked, "").on_hover_text("Include in take/restore");
                                tick.widget_info(|| {
                                    egui::WidgetInfo::labeled(egui::Role::CheckBox, true, format!("Tick: {text}"))
                                });
                                if tick.changed() {
                                    if ticked {
                                        self.checked_relations.insert(i);
                                    } else {
                                        self.checked_relations.remove(&i);
                                    }
                                }
                                ui.label(text);
                            });
                        }
                    });
                if attributes == 0 {
                    return;
                }
                ui.separator();
                ui.horizontal(|ui| {
                    let ticked: Vec<usize> = self.checked_attributes.iter().copied().collect();
                    if let Some(side) = self.take_or_restore(ui, "attribute values", ticked.len()) {
                        actions.push(Action::AdoptAttributes { changes: ticked, side });
                    }
                });
                egui::ScrollArea::vertical()
                    .id_salt("compare-attribute-list")
                    .max_height(160.0)
                    .show(ui, |ui| {
                        for (i, c) in self.diff.attributes.iter().enumerate() {
                            ui.horizontal(|ui| {
                                let text = attribute_change_text(&self.b.project, &self.a.project, c);
                                let mut ticked = self.checked_attributes.contains(&i);
                                let tick = ui.checkbox(&mut ticked, "").on_hover_text("Include in take/restore");
                                tick.widget_info(|| {
                                    egui::WidgetInfo::labeled(egui::Role::CheckBox, true, format!("Tick: {text}"))
                                });
                                if tick.changed() {
                                    if ticked {
                                        self.checked_attributes.insert(i);
                                    } else {
                                        self.checked_attributes.remove(&i);
                                    }
                                }
                                ui.label(text);
                            });
                        }
                    });
            });
        actions
    }

    fn overlays(&self, doc: &str, side: Side, dark: bool) -> Vec<Overlay> {
        let colours = change_colours(dark);
        self.diff
            .changes
            .iter()
            .filter(|c| c.doc == doc && self.matches_filter(c))
            .filter_map(|c| {
                let range: Range<usize> = match (side, c.kind) {
                    // A span whose text was deleted has no place in B's text.
                    (Side::B, ChangeKind::Removed) if c.text_deleted => return None,
                    (Side::B, ChangeKind::Removed) => c.a_in_b.clone().or(c.a.as_ref().map(|a| a.range()))?,
                    (Side::B, _) => c.b.as_ref()?.range(),
                    (Side::A, ChangeKind::Added) => return None,
                    (Side::A, _) => c.a.as_ref()?.range(),
                };
                let fill = match c.kind {
                    ChangeKind::Added => colours[0],
                    ChangeKind::Removed => colours[1],
                    ChangeKind::Modified => colours[2],
                };
                Some(Overlay {
                    range,
                    fill: fill.gamma_multiply(0.45),
                    tip: change_tip(c),
                })
            })
            .collect()
    }

    fn text_ui(&mut self, ui: &mut Ui, dark: bool, text_size: f32) {
        let Some(doc_id) = self.doc.clone() else {
            ui.centered_and_justified(|ui| ui.label("No documents to show."));
            return;
        };
        let (Some(doc_b), doc_a) = (self.b.project.document(&doc_id), self.a.project.document(&doc_id)) else {
            ui.label(format!("Document {doc_id} is only in A."));
            return;
        };
        if !self.view_b.as_ref().is_some_and(|v| v.shows(doc_b)) {
            self.view_b = Some(DocumentView::new(doc_b));
            if let Some(c) = self.selected.and_then(|i| self.diff.changes.get(i)) {
                let pos = c.position();
                if let Some(v) = &mut self.view_b {
                    v.scroll_to(pos);
                }
            }
        }
        let overlays_b = self.overlays(&doc_id, Side::B, dark);
        let input_b = ViewInput::read_only(&self.b.project, doc_b, self.revision, text_size, dark, &overlays_b);
        match (self.mode, doc_a) {
            (Mode::SideBySide, Some(doc_a)) => {
                if !self.view_a.as_ref().is_some_and(|v| v.shows(doc_a)) {
                    self.view_a = Some(DocumentView::new(doc_a));
                }
                let overlays_a = self.overlays(&doc_id, Side::A, dark);
                let input_a = ViewInput {
                    project: &self.a.project,
                    doc: doc_a,
                    overlays: &overlays_a,
                    ..input_b
                };
                let input_b = ViewInput {
                    project: &self.b.project,
                    doc: doc_b,
                    overlays: &overlays_b,
                    ..input_a
                };
                ui.columns(2, |cols| {
                    // One line each, cut to the column (full name on hover),
                    // so that both panes start at the same height.
                    for (col, name) in cols
                        .iter_mut()
                        .zip([format!("A: {}", self.a.name), format!("B: {}", self.b.name)])
                    {
                        col.add(egui::Label::new(RichText::new(&name).weak()).truncate())
                            .on_hover_text(&name);
                    }
                    // Two views of one document: each needs its own id space.
                    if let Some(v) = &mut self.view_a {
                        cols[0].push_id("compare-a", |ui| v.ui(ui, &input_a, &mut self.selection_a));
                    }
                    if let Some(v) = &mut self.view_b {
                        cols[1].push_id("compare-b", |ui| v.ui(ui, &input_b, &mut self.selection_b));
                    }
                });
                // Scrolled together: A follows B.
                if let (Some(a), Some(b)) = (&mut self.view_a, &self.view_b) {
                    a.set_offset(b.offset());
                }
            }
            _ => {
                if let Some(v) = &mut self.view_b {
                    v.ui(ui, &input_b, &mut self.selection_b);
                }
            }
        }
    }

    fn raw_ui(&mut self, ui: &mut Ui) {
        let raw = self
            .raw
            .get_or_insert_with(|| crate::diff::raw::lines(&self.a.text, &self.b.text));
        if raw.is_empty() {
            ui.label("The two project files are identical.");
            return;
        }
        let marks = self
            .raw_marks
            .get_or_insert_with(|| crate::diff::raw::inline_changes(raw));
        let colours = change_colours(ui.visuals().dark_mode);
        let font = egui::FontId::monospace(12.0);
        let row_height = 18.0;
        // Every row as wide as the longest line, so that the area scrolls
        // sideways to the end of a long annotation line.
        let char_width = ui.fonts_mut(|f| f.glyph_width(&font, 'M'));
        let longest = raw
            .iter()
            .map(|l| match l {
                RawLine::Hunk(t) | RawLine::Same(t) | RawLine::Removed(t) | RawLine::Added(t) => t.chars().count() + 1,
            })
            .max()
            .unwrap_or(0);
        let width = (longest as f32 * char_width + 16.0).max(ui.available_width());
        egui::ScrollArea::both()
            .id_salt("raw-diff")
            .auto_shrink(false)
            .show_rows(ui, row_height, raw.len(), |ui, range| {
                for (line, marks) in raw[range.clone()].iter().zip(&marks[range]) {
                    let (prefix, text, colour) = match line {
                        RawLine::Hunk(h) => ("", h.as_str(), ui.visuals().weak_text_color()),
                        RawLine::Same(t) => (" ", t.as_str(), ui.visuals().text_color()),
                        RawLine::Removed(t) => ("-", t.as_str(), colours[1]),
                        RawLine::Added(t) => ("+", t.as_str(), colours[0]),
                    };
                    let mut job = egui::text::LayoutJob::default();
                    let plain = egui::TextFormat::simple(font.clone(), colour);
                    let marked = egui::TextFormat {
                        background: colour.gamma_multiply(0.25),
                        ..plain.clone()
                    };
                    job.append(prefix, 0.0, plain.clone());
                    let mut at = 0;
                    for m in marks
                        .iter()
                        .filter(|m| m.end <= text.len() && text.is_char_boundary(m.start))
                    {
                        job.append(&text[at..m.start], 0.0, plain.clone());
                        job.append(&text[m.clone()], 0.0, marked.clone());
                        at = m.end;
                    }
                    job.append(&text[at..], 0.0, plain);
                    let galley = ui.fonts_mut(|f| f.layout_job(job));
                    let (rect, response) = ui.allocate_exact_size(vec2(width, row_height), Sense::hover());
                    let pos = rect.left_center() - vec2(0.0, galley.size().y / 2.0);
                    ui.painter().galley(pos, galley, colour);
                    response
                        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, format!("{prefix}{text}")));
                }
            });
    }
}

/// The first document with changes (else B's first document).
fn first_doc(diff: &ProjectDiff, b: &Project) -> Option<String> {
    diff.changes
        .first()
        .map(|c| c.doc.clone())
        .or_else(|| b.documents.first().map(|d| d.id.clone()))
}

/// A list row: symbol, label and quoted text.
pub fn change_text(c: &Change) -> String {
    let symbol = match c.kind {
        ChangeKind::Added => "+",
        ChangeKind::Removed => "−",
        ChangeKind::Modified => "~",
    };
    let text = c.b.as_ref().or(c.a.as_ref()).map_or("", |x| x.text.as_str());
    format!(
        "{symbol} {}  {}",
        c.label(),
        shorten(&text.replace(['\n', '\r'], " "), 48)
    )
}

/// A relation change's row: "+ claimant “…” → “…”", "~ retyped …".
pub fn relation_change_text(b: &Project, a: &Project, c: &crate::diff::RelationChange) -> String {
    let symbol = match c.kind {
        ChangeKind::Added => "+",
        ChangeKind::Removed => "−",
        ChangeKind::Modified => "~",
    };
    let r = c.b.as_ref().or(c.a.as_ref());
    let end = |id| {
        b.annotation(id)
            .or_else(|| a.annotation(id))
            .map_or_else(|| id.to_string(), |x| format!("“{}”", shorten(&x.text, 24)))
    };
    let mut what = Vec::new();
    if c.retyped {
        what.push(format!("retyped from {}", c.a.as_ref().map_or("", |x| x.kind.as_str())));
    }
    if c.note_changed {
        what.push("note".to_owned());
    }
    if c.reattached {
        what.push("other ends".to_owned());
    }
    let detail = if what.is_empty() {
        String::new()
    } else {
        format!(" ({})", what.join(", "))
    };
    r.map_or_else(String::new, |r| {
        format!("{symbol} {} {} → {}{detail}", r.kind, end(r.from), end(r.to))
    })
}

/// What a change did, for tooltips: "relabeled event → claim; resized …".
fn change_tip(c: &Change) -> String {
    match (c.kind, &c.a, &c.b) {
        (ChangeKind::Added, _, Some(y)) => format!("Added in B: {}", y.label),
        (ChangeKind::Removed, Some(x), _) => {
            let why = if c.text_deleted { " (its text was deleted)" } else { "" };
            format!("Removed in B: {} “{}”{why}", x.label, shorten(&x.text, 40))
        }
        (ChangeKind::Modified, Some(x), Some(y)) => {
            let mut what = Vec::new();
            if c.relabeled {
                what.push(format!("was {}, now {}", x.label, y.label));
            }
            if c.resized {
                what.push(format!("was “{}”", shorten(&x.text, 40)));
            }
            if c.note_changed {
                what.push(format!("note was “{}”", shorten(&x.note, 40)));
            }
            format!("Changed: {}", what.join("; "))
        }
        _ => String::new(),
    }
}

/// "“Pashinyan” · polarity: affirms → denies": the owner by its text (an
/// annotation's, a relation's type, a document's title), the key, and its
/// two values.
pub fn attribute_change_text(b: &Project, a: &Project, c: &crate::diff::AttrChange) -> String {
    let id = crate::model::AnnotationId::parse(&c.id);
    let owner = match c.owner {
        "annotation" => id
            .and_then(|id| b.annotation(id).or_else(|| a.annotation(id)))
            .map(|x| format!("“{}”", shorten(&x.text, 30))),
        "relation" => id
            .and_then(|id| b.relation(id).or_else(|| a.relation(id)))
            .map(|r| format!("relation {}", r.kind)),
        _ => b
            .document(&c.id)
            .or_else(|| a.document(&c.id))
            .map(|d| shorten(&d.title, 30)),
    }
    .unwrap_or_else(|| format!("{} {}", c.owner, c.id));
    let show = |v: &Option<serde_json::Value>| v.as_ref().map_or("—".to_owned(), ToString::to_string);
    format!("{owner} · {}: {} → {}", c.key, show(&c.old), show(&c.new))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Timestamp;

    fn version(n: i64, author: &str, message: &str) -> Version {
        Version {
            file: format!("{n}.full.gz"),
            base: None,
            time: Timestamp::from_unix(1_700_000_000 + n),
            author: author.into(),
            message: message.into(),
            annotations: 10 + n as usize,
            hash: format!("h{n}"),
        }
    }

    #[test]
    fn the_picker_starts_from_what_the_user_most_likely_wants() {
        let three = vec![version(1, "", "as found"), version(2, "ana", ""), version(3, "ana", "")];
        // Unsaved changes: since the last save.
        assert_eq!(ComparePicker::new(three.clone(), true).a, Source::Snapshot(3));
        // Nothing unsaved: what the last save changed.
        assert_eq!(ComparePicker::new(three.clone(), false).a, Source::Snapshot(2));
        assert_eq!(ComparePicker::new(three[..1].to_vec(), false).a, Source::Snapshot(1));
        assert_eq!(ComparePicker::new(Vec::new(), true).a, Source::Current);
        assert_eq!(ComparePicker::new(Vec::new(), true).b, Source::Current);

        let picker = ComparePicker::new(three, false);
        assert_eq!(
            picker.describe(&Source::Snapshot(1)),
            "Version 1 · 2023-11-14 22:13 UTC · 11 annotations · “as found”"
        );
        assert_eq!(
            picker.describe(&Source::Snapshot(2)),
            "Version 2 · 2023-11-14 22:13 UTC · ana · 12 annotations"
        );
    }
}
