//! An open project: the project, where it is saved, its undo history and
//! whether it has unsaved changes.
//!
//! The command line and the GUI both edit through a [`Session`], so an edit
//! made by `marginalia annotate` takes exactly the path a keypress in the
//! GUI takes: build a [`Command`], [`Session::apply`] it, save.

use std::path::{Path, PathBuf};

use crate::edit::{Command, EditError, History};
use crate::model::{Problem, Project};
use crate::persist::{self, LoadError, SaveError, documents::relative_path, load::base_dir};

/// The name recorded as author when none is configured.
pub const UNKNOWN_AUTHOR: &str = "unknown";

/// The author to record for new annotations: `MARGINALIA_AUTHOR`, else the
/// login name, else [`UNKNOWN_AUTHOR`].
pub fn default_author() -> String {
    ["MARGINALIA_AUTHOR", "USER", "USERNAME"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .map(|v| v.trim().to_owned())
        .find(|v| !v.is_empty())
        .unwrap_or_else(|| UNKNOWN_AUTHOR.to_owned())
}

/// An open project.
#[derive(Debug)]
pub struct Session {
    project: Project,
    path: Option<PathBuf>,
    history: History,
    saved_state: Option<u64>,
    problems: Vec<Problem>,
    pub author: String,
}

impl Session {
    /// A new, never saved project.
    pub fn new(project: Project) -> Session {
        Session {
            project,
            path: None,
            history: History::default(),
            saved_state: None,
            problems: Vec::new(),
            author: default_author(),
        }
    }

    /// Opens the project at `path`. Problems found while loading (a changed
    /// document, a bad offset) are kept in [`Session::problems`] rather than
    /// refusing the project, so the user can see and fix them.
    pub fn open(path: &Path) -> Result<Session, LoadError> {
        let loaded = persist::load(path)?;
        Ok(Session {
            project: loaded.project,
            path: Some(path.to_owned()),
            history: History::default(),
            saved_state: Some(0),
            problems: loaded.problems,
            author: default_author(),
        })
    }

    /// The project as it is now.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// Where the project is saved, if it has been.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Problems found when the project was loaded.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// The undo history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Applies an edit (recorded for undo).
    pub fn apply(&mut self, command: Command) -> Result<(), EditError> {
        self.history.apply(&mut self.project, command)
    }

    /// Undoes the last edit; returns its description.
    pub fn undo(&mut self) -> Result<Option<String>, EditError> {
        self.history.undo(&mut self.project)
    }

    /// Redoes the last undone edit; returns its description.
    pub fn redo(&mut self) -> Result<Option<String>, EditError> {
        self.history.redo(&mut self.project)
    }

    /// True when the project differs from the file it was loaded from or
    /// last saved to (or was never saved).
    pub fn is_dirty(&self) -> bool {
        self.saved_state != Some(self.history.state())
    }

    /// Saves to the current path.
    pub fn save(&mut self) -> Result<(), SessionError> {
        let path = self.path.clone().ok_or(SessionError::NoPath)?;
        persist::save(&self.project, &path)?;
        self.saved_state = Some(self.history.state());
        Ok(())
    }

    /// Saves to `path` and makes it the current path. Document paths are
    /// rewritten relative to the new location.
    pub fn save_as(&mut self, path: &Path) -> Result<(), SessionError> {
        let mut moved = self.project.clone();
        if let Some(old) = &self.path {
            let (old_base, new_base) = (base_dir(old), base_dir(path));
            for doc in &mut moved.documents {
                let file = old_base.join(&doc.path);
                if let Ok(rel) = relative_path(&new_base, &file) {
                    doc.path = rel;
                }
            }
        }
        persist::save(&moved, path)?;
        self.project = moved;
        self.path = Some(path.to_owned());
        self.saved_state = Some(self.history.state());
        Ok(())
    }
}

/// Why a session operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("the project has not been saved yet; choose a file with Save As")]
    NoPath,
    #[error(transparent)]
    Save(#[from] SaveError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Status, Text};

    #[test]
    fn dirty_state_follows_edits_saves_and_undo() {
        let dir = tempfile::tempdir().unwrap();
        let mut project = Project::new("p");
        std::fs::write(dir.path().join("d.txt"), "Bakou").unwrap();
        project
            .documents
            .push(Document::new("d", "D", "d.txt", Text::new("Bakou")));
        let mut s = Session::new(project);
        assert!(s.is_dirty(), "a never-saved project is unsaved");
        assert!(matches!(s.save(), Err(SessionError::NoPath)));
        let path = dir.path().join("p.ron");
        s.save_as(&path).unwrap();
        assert!(!s.is_dirty());
        let done = Command::SetStatus {
            doc: "d".into(),
            status: Status::Done,
        };
        s.apply(done).unwrap();
        assert!(s.is_dirty());
        s.undo().unwrap();
        assert!(!s.is_dirty(), "undoing back to the saved state is clean");
        s.redo().unwrap();
        s.save().unwrap();
        let reopened = Session::open(&path).unwrap();
        assert_eq!(reopened.project(), s.project());
        assert!(!reopened.is_dirty());
        assert!(reopened.problems().is_empty());
    }

    #[test]
    fn save_as_elsewhere_rebases_document_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        std::fs::create_dir_all(dir.path().join("b/c")).unwrap();
        std::fs::write(dir.path().join("a/d.txt"), "Evlakh").unwrap();
        let mut project = Project::new("p");
        project
            .documents
            .push(Document::new("d", "D", "d.txt", Text::new("Evlakh")));
        let mut s = Session::new(project);
        s.save_as(&dir.path().join("a/p.ron")).unwrap();
        s.save_as(&dir.path().join("b/c/p.ron")).unwrap();
        assert_eq!(s.project().documents[0].path, "../../a/d.txt");
        let reopened = Session::open(&dir.path().join("b/c/p.ron")).unwrap();
        assert!(reopened.problems().is_empty(), "{:?}", reopened.problems());
    }
}
