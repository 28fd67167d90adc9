//! Undo and redo.
//!
//! The history keeps each applied command with its inverse. Every applied
//! entry gets a serial number, and [`History::state`] names the state the
//! project is in, so the session can tell whether the project differs from
//! what was last saved even after undoing past a save and redoing back.

use super::command::{Command, EditError};
use crate::model::Project;

#[derive(Clone, Debug)]
struct Entry {
    serial: u64,
    command: Command,
    inverse: Command,
}

/// The undo and redo stacks of one open project.
#[derive(Clone, Debug, Default)]
pub struct History {
    done: Vec<Entry>,
    undone: Vec<Entry>,
    next_serial: u64,
}

impl History {
    /// Applies `command` and records it; clears the redo stack. A command
    /// that changed nothing ([`Command::changed_nothing`]) is not recorded
    /// and leaves the redo stack alone; returns whether it was recorded.
    pub fn apply(&mut self, project: &mut Project, command: Command) -> Result<bool, EditError> {
        let inverse = command.apply(project)?;
        if command.changed_nothing(&inverse) {
            return Ok(false);
        }
        self.next_serial += 1;
        self.done.push(Entry {
            serial: self.next_serial,
            command,
            inverse,
        });
        self.undone.clear();
        Ok(true)
    }

    /// Undoes the last command. Returns its description, or `None` if there
    /// was nothing to undo.
    pub fn undo(&mut self, project: &mut Project) -> Result<Option<String>, EditError> {
        let Some(entry) = self.done.pop() else {
            return Ok(None);
        };
        match entry.inverse.apply(project) {
            Ok(_) => {
                let description = entry.command.describe();
                self.undone.push(entry);
                Ok(Some(description))
            }
            Err(e) => {
                self.done.push(entry);
                Err(e)
            }
        }
    }

    /// Redoes the last undone command.
    pub fn redo(&mut self, project: &mut Project) -> Result<Option<String>, EditError> {
        let Some(entry) = self.undone.pop() else {
            return Ok(None);
        };
        match entry.command.apply(project) {
            Ok(inverse) => {
                let description = entry.command.describe();
                self.done.push(Entry { inverse, ..entry });
                Ok(Some(description))
            }
            Err(e) => {
                self.undone.push(entry);
                Err(e)
            }
        }
    }

    /// Where the last undo (`undone`) or redo changed the project, as
    /// [`Command::place`] finds it in `project` now: the command or its
    /// inverse, whichever still names it.
    pub fn last_place(&self, project: &Project, undone: bool) -> Option<(String, Option<usize>)> {
        let entry = if undone { self.undone.last() } else { self.done.last() }?;
        entry.command.place(project).or_else(|| entry.inverse.place(project))
    }

    /// Description of what Undo would undo.
    pub fn undo_description(&self) -> Option<String> {
        self.done.last().map(|e| e.command.describe())
    }

    /// Description of what Redo would redo.
    pub fn redo_description(&self) -> Option<String> {
        self.undone.last().map(|e| e.command.describe())
    }

    /// Identifies the current state: equal values mean the same sequence of
    /// applied commands. The empty history is state 0.
    pub fn state(&self) -> u64 {
        self.done.last().map_or(0, |e| e.serial)
    }

    /// True when the entry that [`History::state`] named `serial` is
    /// applied now (not undone): a decision recorded with it still stands.
    pub fn is_applied(&self, serial: u64) -> bool {
        self.done.binary_search_by_key(&serial, |e| e.serial).is_ok()
    }

    /// Rewrites the path of every document that a recorded command would
    /// add back (undoing a removal, redoing an addition), for a project
    /// saved into another folder: `rebase` gives the new relative path, or
    /// `None` to keep the old one.
    pub fn rebase_document_paths(&mut self, rebase: &dyn Fn(&str) -> Option<String>) {
        for entry in self.done.iter_mut().chain(self.undone.iter_mut()) {
            entry.command.rebase_document_paths(rebase);
            entry.inverse.rebase_document_paths(rebase);
        }
    }

    /// Number of commands that can be undone.
    pub fn undo_len(&self) -> usize {
        self.done.len()
    }
}
