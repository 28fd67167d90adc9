//! Marginalia's own file picker, for systems without a native one.
//!
//! The native dialogs go through the xdg-desktop-portal on Linux; minimal
//! desktops, some tiling window managers and remote sessions have none,
//! and there the system dialog returns nothing at once. Before, Save As,
//! Export, Import and saving an adjudicated gold project then silently did
//! nothing. This picker takes over: a path field (Tab completes the last
//! part of a path), the folder's entries (folders first, files filtered by
//! the purpose's extensions, click to choose, double-click to open a
//! folder or take a file), and a line saying why it is shown.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use egui::{Key, RichText};

use super::action::PickPurpose;

/// What is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickMode {
    /// One existing file.
    OpenFile,
    /// One or more existing files.
    OpenFiles,
    /// A file name to write (it may exist).
    SaveFile,
    /// One folder.
    Folder,
}

/// One entry of the folder shown.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    name: String,
    dir: bool,
}

/// The picker's state.
pub struct FilePicker {
    pub purpose: PickPurpose,
    title: String,
    mode: PickMode,
    extensions: Vec<String>,
    /// The folder shown.
    dir: PathBuf,
    /// What the path field holds (a file or folder path, or a name in `dir`).
    pub path: String,
    chosen: BTreeSet<PathBuf>,
    entries: Vec<Entry>,
    error: Option<String>,
    /// Why the system dialog is not used.
    pub reason: String,
}

impl FilePicker {
    /// A picker for `purpose`, starting in `dir` with `suggested` (a file
    /// name for saving) in the path field.
    pub fn new(
        purpose: PickPurpose,
        title: &str,
        mode: PickMode,
        extensions: &[&str],
        dir: &Path,
        suggested: &str,
    ) -> FilePicker {
        let mut picker = FilePicker {
            purpose,
            title: title.to_owned(),
            mode,
            extensions: extensions.iter().map(|e| e.to_ascii_lowercase()).collect(),
            dir: dir.to_owned(),
            path: String::new(),
            chosen: BTreeSet::new(),
            entries: Vec::new(),
            error: None,
            reason: "The system's file dialog is not available here (no xdg-desktop-portal): \
                     Marginalia's own picker is used instead."
                .to_owned(),
        };
        picker.enter(dir);
        if mode == PickMode::SaveFile {
            picker.path = dir.join(suggested).display().to_string();
        }
        picker
    }

    /// Lists the folder `dir` without touching the path field.
    fn list(&mut self, dir: &Path) -> bool {
        match read_entries(dir, &self.extensions, self.mode == PickMode::Folder) {
            Ok(entries) => {
                self.dir = dir.to_owned();
                self.entries = entries;
                self.error = None;
                true
            }
            Err(e) => {
                self.error = Some(format!("{}: {e}", dir.display()));
                false
            }
        }
    }

    /// The list follows the path being typed: the folder it names (ending
    /// in a separator) or the folder of the name being typed.
    pub fn follow_typed(&mut self) {
        let typed = PathBuf::from(self.path.trim());
        let folder = if self.path.trim().ends_with(std::path::MAIN_SEPARATOR) {
            Some(typed)
        } else {
            typed.parent().map(Path::to_path_buf)
        };
        if let Some(folder) = folder.filter(|f| f.is_absolute() && f.is_dir() && *f != self.dir) {
            self.list(&folder);
        }
    }

    /// Shows the folder `dir`.
    pub fn enter(&mut self, dir: &Path) {
        if !self.list(dir) {
            return;
        }
        if self.mode != PickMode::SaveFile {
            self.path = dir.display().to_string();
        } else if let Some(name) = Path::new(&self.path).file_name() {
            self.path = dir.join(name).display().to_string();
        }
    }

    /// Completes the last part of the path field from the folder it names
    /// (Tab): the longest prefix that all candidates share.
    pub fn complete(&mut self) {
        let typed = PathBuf::from(&self.path);
        let (dir, prefix) = if self.path.ends_with(std::path::MAIN_SEPARATOR) {
            (typed, String::new())
        } else {
            let prefix = typed
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (typed.parent().map(Path::to_path_buf).unwrap_or_default(), prefix)
        };
        let Ok(entries) = read_entries(&dir, &[], false) else {
            return;
        };
        let candidates: Vec<&Entry> = entries.iter().filter(|e| e.name.starts_with(&prefix)).collect();
        let Some(first) = candidates.first() else { return };
        let mut common = first.name.clone();
        for c in &candidates[1..] {
            let shared = common.chars().zip(c.name.chars()).take_while(|(a, b)| a == b).count();
            common = common.chars().take(shared).collect();
        }
        let mut completed = dir.join(&common);
        if candidates.len() == 1 && first.dir {
            self.enter(&completed);
            completed = dir.join(&common);
            self.path = format!("{}{}", completed.display(), std::path::MAIN_SEPARATOR);
        } else {
            self.path = completed.display().to_string();
        }
    }

    /// The choice the dialog would give now, or why it cannot.
    pub fn answer(&self) -> Result<Vec<PathBuf>, String> {
        let typed = PathBuf::from(self.path.trim());
        let typed = if typed.is_relative() {
            self.dir.join(typed)
        } else {
            typed
        };
        match self.mode {
            PickMode::Folder if typed.is_dir() => Ok(vec![typed]),
            PickMode::Folder => Err(format!("{} is not a folder", typed.display())),
            PickMode::OpenFiles if !self.chosen.is_empty() => Ok(self.chosen.iter().cloned().collect()),
            PickMode::OpenFile | PickMode::OpenFiles if typed.is_file() => Ok(vec![typed]),
            PickMode::OpenFile | PickMode::OpenFiles => Err("choose a file".to_owned()),
            PickMode::SaveFile if typed.is_dir() || typed.file_name().is_none() => Err("type a file name".to_owned()),
            PickMode::SaveFile if typed.parent().is_some_and(Path::is_dir) => Ok(vec![typed]),
            PickMode::SaveFile => Err(format!(
                "{} does not exist",
                typed.parent().map_or_else(String::new, |p| p.display().to_string())
            )),
        }
    }

    /// Shows the picker. Returns whether it stays open and the paths
    /// chosen, if the user confirmed.
    pub fn ui(&mut self, ctx: &egui::Context) -> (bool, Option<Vec<PathBuf>>) {
        let mut open = true;
        let mut result = None;
        crate::gui::style::dialog_window(ctx, self.title.clone())
            // Its own id: its title is often the dialog's that opened it
            // ("Export dataset"), and two windows of one id fight.
            .id(egui::Id::unique(("marginalia-file-picker", &self.title)))
            .collapsible(false)
            .default_width(560.0)
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(ctx.content_rect().center())
            .open(&mut open)
            .show(ctx, |ui| {
                ui.label(RichText::new(&self.reason).weak());
                ui.horizontal(|ui| {
                    if ui.button("⬆").on_hover_text("Parent folder").clicked()
                        && let Some(parent) = self.dir.parent().map(Path::to_path_buf)
                    {
                        self.enter(&parent);
                    }
                    let label = ui.label("Path");
                    // Tab completes: taken before the field would pass the
                    // focus on with it.
                    let field_id = ui.make_persistent_id("picker-path");
                    if ui.memory(|m| m.has_focus(field_id))
                        && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::Tab))
                    {
                        self.complete();
                    }
                    let field = ui
                        .add(
                            egui::TextEdit::singleline(&mut self.path)
                                .id(field_id)
                                .desired_width(f32::INFINITY),
                        )
                        .labelled_by(label.id);
                    if field.changed() {
                        self.follow_typed();
                    }
                    if field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                        let typed = PathBuf::from(self.path.trim());
                        if typed.is_dir() && self.mode != PickMode::Folder {
                            self.enter(&typed);
                        } else if let Ok(paths) = self.answer() {
                            result = Some(paths);
                        }
                    }
                });
                if let Some(e) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                ui.separator();
                let row = ui.text_style_height(&egui::TextStyle::Button) + 4.0;
                egui::ScrollArea::vertical()
                    .max_height(320.0)
                    .min_scrolled_height(240.0)
                    .auto_shrink([false, false])
                    .show_rows(ui, row, self.entries.len(), |ui, rows| {
                        // Cloned: a click may enter another folder.
                        let shown_rows: Vec<Entry> = self.entries[rows].to_owned();
                        for entry in shown_rows {
                            let path = self.dir.join(&entry.name);
                            let shown = if entry.dir {
                                format!("📁 {}", entry.name)
                            } else {
                                entry.name.clone()
                            };
                            let selected = self.chosen.contains(&path) || path == Path::new(self.path.trim());
                            let response = ui.selectable_label(selected, shown);
                            if response.double_clicked() {
                                if entry.dir && self.mode != PickMode::Folder {
                                    self.enter(&path);
                                } else {
                                    result = Some(vec![path]);
                                }
                            } else if response.clicked() {
                                self.click(&path, entry.dir, ui.input(|i| i.modifiers.command || i.modifiers.shift));
                            }
                        }
                    });
                ui.separator();
                let answer = self.answer();
                ui.horizontal(|ui| {
                    let ok = match self.mode {
                        PickMode::SaveFile => "Save",
                        PickMode::Folder => "Choose this folder",
                        _ => "Open",
                    };
                    if ui.add_enabled(answer.is_ok(), egui::Button::new(ok)).clicked()
                        && let Ok(paths) = &answer
                    {
                        result = Some(paths.clone());
                    }
                    if ui.button("Cancel").clicked() {
                        result = Some(Vec::new());
                    }
                    if let Err(why) = &answer {
                        ui.weak(why);
                    }
                });
            });
        if ui_escape(ctx) {
            open = false;
        }
        match result {
            Some(paths) if paths.is_empty() => (false, None),
            Some(paths) => (false, Some(paths)),
            None => (open, None),
        }
    }

    /// A click on an entry: a folder is entered (or, choosing folders,
    /// put in the field), a file put in the field (with Ctrl or Shift, and
    /// several files allowed, added to or removed from the choice).
    fn click(&mut self, path: &Path, dir: bool, adding: bool) {
        if dir {
            if self.mode == PickMode::Folder {
                self.path = path.display().to_string();
            } else {
                self.enter(path);
            }
            return;
        }
        if self.mode == PickMode::OpenFiles && adding {
            if !self.chosen.remove(path) {
                self.chosen.insert(path.to_owned());
            }
        } else {
            self.chosen.clear();
            if self.mode == PickMode::OpenFiles {
                self.chosen.insert(path.to_owned());
            }
        }
        self.path = path.display().to_string();
    }
}

fn ui_escape(ctx: &egui::Context) -> bool {
    ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::Escape))
}

/// The entries of `dir`: folders first, then files with one of
/// `extensions` (all files when empty; none when `folders_only`), each by
/// name, hidden ones left out.
fn read_entries(dir: &Path, extensions: &[String], folders_only: bool) -> std::io::Result<Vec<Entry>> {
    let mut entries: Vec<Entry> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_owned();
            if name.starts_with('.') {
                return None;
            }
            let dir = e.path().is_dir();
            let wanted = dir
                || (!folders_only
                    && (extensions.is_empty()
                        || Path::new(&name)
                            .extension()
                            .and_then(|x| x.to_str())
                            .is_some_and(|x| extensions.contains(&x.to_ascii_lowercase()))));
            wanted.then_some(Entry { name, dir })
        })
        .collect();
    entries.sort_by(|a, b| {
        b.dir
            .cmp(&a.dir)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("corpus")).unwrap();
        std::fs::create_dir(dir.path().join("copies")).unwrap();
        for f in ["a.ron", "b.RON", "notes.txt", ".hidden.ron"] {
            std::fs::write(dir.path().join(f), "x").unwrap();
        }
        dir
    }

    #[test]
    fn folders_first_then_the_files_the_purpose_wants() {
        let dir = folder();
        let p = FilePicker::new(
            PickPurpose::OpenProject,
            "Open",
            PickMode::OpenFile,
            &["ron"],
            dir.path(),
            "",
        );
        let names: Vec<&str> = p.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["copies", "corpus", "a.ron", "b.RON"]);
        let folders = FilePicker::new(
            PickPurpose::ExportTarget(crate::formats::Format::Brat),
            "Export",
            PickMode::Folder,
            &[],
            dir.path(),
            "",
        );
        assert_eq!(folders.entries.len(), 2);
    }

    #[test]
    fn the_list_follows_the_typed_path() {
        let dir = folder();
        std::fs::write(dir.path().join("corpus/inside.ron"), "x").unwrap();
        let mut p = FilePicker::new(
            PickPurpose::OpenProject,
            "Open",
            PickMode::OpenFile,
            &["ron"],
            dir.path(),
            "",
        );
        p.path = format!("{}{}", dir.path().join("corpus").display(), std::path::MAIN_SEPARATOR);
        p.follow_typed();
        assert_eq!(p.dir, dir.path().join("corpus"));
        assert_eq!(
            p.entries.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
            ["inside.ron"]
        );
        // The field is the user's: following never rewrites it.
        assert!(p.path.ends_with(std::path::MAIN_SEPARATOR));
        p.path = dir.path().join("a.r").display().to_string();
        p.follow_typed();
        assert_eq!(p.dir, dir.path());
        p.path = "/no/such/folder/x".to_owned();
        p.follow_typed();
        assert_eq!(p.dir, dir.path(), "a folder that does not exist leaves the list");
    }

    #[test]
    fn tab_completes_and_answers_follow_the_mode() {
        let dir = folder();
        let mut p = FilePicker::new(
            PickPurpose::SaveAs,
            "Save",
            PickMode::SaveFile,
            &["ron"],
            dir.path(),
            "gold.ron",
        );
        assert_eq!(p.answer(), Ok(vec![dir.path().join("gold.ron")]));
        p.path = dir.path().join("cor").display().to_string();
        p.complete();
        assert_eq!(
            p.path,
            format!("{}{}", dir.path().join("corpus").display(), std::path::MAIN_SEPARATOR)
        );
        assert_eq!(p.dir, dir.path().join("corpus"));
        p.path = dir.path().join("co").display().to_string();
        p.complete();
        assert_eq!(
            p.path,
            dir.path().join("co").display().to_string(),
            "copies and corpus share only “co”"
        );
        p.path = dir.path().join("missing").join("x.ron").display().to_string();
        assert!(p.answer().is_err());

        let mut open = FilePicker::new(
            PickPurpose::AddDocuments,
            "Add",
            PickMode::OpenFiles,
            &[],
            dir.path(),
            "",
        );
        assert!(open.answer().is_err(), "a folder is not a file");
        open.click(&dir.path().join("a.ron"), false, false);
        open.click(&dir.path().join("notes.txt"), false, true);
        assert_eq!(open.answer().unwrap().len(), 2);
        open.click(&dir.path().join("notes.txt"), false, true);
        assert_eq!(open.answer(), Ok(vec![dir.path().join("a.ron")]));
    }
}
