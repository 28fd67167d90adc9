//! Noticing when other programs change the files of an open project.
//!
//! A colleague's `git pull`, a sync client or a text editor may rewrite the
//! project file or a document while the project is open. A [`DiskWatch`]
//! remembers the size and modification time of each file as last read or
//! written by us and reports which files differ now, so the GUI can offer
//! to reload and the session can refuse to overwrite silently. Checking is
//! a `stat` per file, cheap enough to poll every second.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::load::base_dir;
use crate::model::Project;

/// What identifies a version of a file without reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
    /// The file's identity (device, inode) where the platform has one: an
    /// atomic save by any program creates a new file, so this changes even
    /// when size and modification time (coarse on some file systems) do not.
    identity: Option<(u64, u64)>,
}

impl FileStamp {
    /// The stamp of the file at `path`, or `None` if it does not exist.
    pub fn of(path: &Path) -> Option<FileStamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            identity: identity(&meta),
        })
    }
}

#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// A file of the project that changed on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiskChange {
    /// The project file itself.
    Project,
    /// The text file of a document (by document id).
    Document(String),
}

/// Stamps of a project file and its documents.
#[derive(Clone, Debug, Default)]
pub struct DiskWatch {
    project: Option<(PathBuf, Option<FileStamp>)>,
    documents: Vec<(String, PathBuf, Option<FileStamp>)>,
    /// Where [`DiskWatch::poll`] goes on among the documents.
    cursor: usize,
    /// Documents [`DiskWatch::poll`] found changed (checked again at each
    /// poll, as they may change back).
    changed: std::collections::BTreeSet<usize>,
}

impl DiskWatch {
    /// Records the current state of `project_path` and the documents of `project`.
    pub fn new(project_path: &Path, project: &Project) -> DiskWatch {
        let base = base_dir(project_path);
        DiskWatch {
            cursor: 0,
            changed: Default::default(),
            project: Some((project_path.to_owned(), FileStamp::of(project_path))),
            documents: project
                .documents
                .iter()
                .map(|d| {
                    let path = base.join(&d.path);
                    let stamp = FileStamp::of(&path);
                    (d.id.clone(), path, stamp)
                })
                .collect(),
        }
    }

    /// Files whose stamp differs from the recorded one.
    pub fn changes(&self) -> Vec<DiskChange> {
        let mut out = Vec::new();
        if let Some((path, stamp)) = &self.project
            && FileStamp::of(path) != *stamp
        {
            out.push(DiskChange::Project);
        }
        for (id, path, stamp) in &self.documents {
            if FileStamp::of(path) != *stamp {
                out.push(DiskChange::Document(id.clone()));
            }
        }
        out
    }

    /// [`DiskWatch::changes`] a part at a time, for a poll every second
    /// that must not `stat` 10,000 documents on the window's thread: the
    /// project file, the documents found changed so far, and the next
    /// `budget` documents in turn. Every document is checked within
    /// `documents / budget` polls.
    pub fn poll(&mut self, budget: usize) -> Vec<DiskChange> {
        let n = self.documents.len();
        for k in 0..budget.min(n) {
            let i = (self.cursor + k) % n;
            let (_, path, stamp) = &self.documents[i];
            if FileStamp::of(path) != *stamp {
                self.changed.insert(i);
            }
        }
        if n > 0 {
            self.cursor = (self.cursor + budget) % n;
        }
        let documents = &self.documents;
        self.changed.retain(|&i| {
            let (_, path, stamp) = &documents[i];
            FileStamp::of(path) != *stamp
        });
        let mut out = Vec::new();
        if self.project_changed() {
            out.push(DiskChange::Project);
        }
        out.extend(
            self.changed
                .iter()
                .map(|&i| DiskChange::Document(self.documents[i].0.clone())),
        );
        out
    }

    /// Records the project file as changed whatever its stamp, so that a
    /// later save still asks before overwriting it.
    pub fn mark_project_changed(&mut self) {
        if let Some((_, stamp)) = &mut self.project {
            *stamp = None;
            // `None` means "did not exist"; an existing file then differs.
        }
    }

    /// True when the project file differs from the recorded stamp.
    pub fn project_changed(&self) -> bool {
        self.project
            .as_ref()
            .is_some_and(|(path, stamp)| FileStamp::of(path) != *stamp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Text};

    #[test]
    fn changes_to_the_project_and_documents_are_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        std::fs::write(&path, "one").unwrap();
        std::fs::write(dir.path().join("d.txt"), "text").unwrap();
        let mut project = Project::new("p");
        project
            .documents
            .push(Document::new("d", "D", "d.txt", Text::new("text")));
        let watch = DiskWatch::new(&path, &project);
        assert_eq!(watch.changes(), []);
        std::fs::write(&path, "one, two").unwrap();
        assert!(watch.project_changed());
        std::fs::write(dir.path().join("d.txt"), "other text").unwrap();
        assert_eq!(watch.changes(), [DiskChange::Project, DiskChange::Document("d".into())]);
        std::fs::remove_file(&path).unwrap();
        assert!(watch.project_changed(), "deletion is a change");
    }

    #[test]
    fn a_poll_checks_documents_in_turn_and_keeps_what_it_found() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        std::fs::write(&path, "one").unwrap();
        let mut project = Project::new("p");
        for i in 0..5 {
            std::fs::write(dir.path().join(format!("{i}.txt")), "text").unwrap();
            project.documents.push(Document::new(
                format!("d{i}"),
                "D",
                format!("{i}.txt"),
                Text::new("text"),
            ));
        }
        let mut watch = DiskWatch::new(&path, &project);
        std::fs::write(dir.path().join("4.txt"), "changed").unwrap();
        assert_eq!(watch.poll(2), [], "documents 0 and 1");
        assert_eq!(watch.poll(2), [], "2 and 3");
        let found = [DiskChange::Document("d4".into())];
        assert_eq!(watch.poll(2), found, "4 (and 0)");
        assert_eq!(watch.poll(2), found, "still reported");
        std::fs::write(dir.path().join("4.txt"), "text!").unwrap();
        std::fs::write(&path, "two").unwrap();
        assert_eq!(watch.poll(2), [DiskChange::Project, DiskChange::Document("d4".into())]);
    }
}
