//! An open project: the project, where it is saved, its undo history and
//! whether it has unsaved changes.
//!
//! The command line and the GUI both edit through a [`Session`], so an edit
//! made by `marginalia annotate` takes exactly the path a keypress in the
//! GUI takes: build a [`Command`], [`Session::apply`] it, save.
//!
//! The session also guards the files on disk: it remembers the state of the
//! project file as last read or written, refuses to save over a file some
//! other program changed since (unless told to), and keeps the recovery
//! copy of unsaved work up to date for the GUI's autosave.

use std::path::{Path, PathBuf};

use crate::edit::{Command, EditError, History};
use crate::model::{Problem, Project, Timestamp};
use crate::persist::history::{Snapshot, VersionHistory};
use crate::persist::lock::{LockError, ProjectLock};
use crate::persist::recovery::{self, RecoverySummary};
use crate::persist::watch::{DiskChange, DiskWatch};
use crate::persist::{self, LoadError, Loaded, SaveError, documents::relative_path, load::base_dir};

pub use crate::user::{UNKNOWN_AUTHOR, default_author};

/// An open project.
#[derive(Debug)]
pub struct Session {
    project: Project,
    path: Option<PathBuf>,
    history: History,
    saved_state: Option<u64>,
    /// History state last written to the recovery copy (or being written).
    recovery_state: Option<u64>,
    /// Writes the recovery copy on a thread, for the workbench.
    recovery: recovery::RecoveryWriter,
    problems: Vec<Problem>,
    watch: DiskWatch,
    /// Counts every change to the project, for caches derived from it.
    revision: u64,
    /// Why the last save could not record a snapshot, if it could not (the
    /// save itself succeeded; the history is secondary).
    history_warning: Option<String>,
    pub author: String,
    /// For a project not saved yet: the file its document paths are
    /// relative to (Save As rewrites them from there).
    origin: Option<PathBuf>,
    /// Whether the project file on disk is known to be in the version
    /// history: after a save, until another program changes the file.
    disk_in_history: bool,
    /// The text of the project file as last read or written: the common
    /// ancestor when another program's version is merged in. Kept as text
    /// and parsed only if a merge happens: a copy of a corpus's project
    /// would cost 130 ms and hundreds of megabytes at every open and save.
    base: Option<std::sync::Arc<String>>,
    /// Records the version snapshots of saves on a thread, when the
    /// workbench asks for it ([`Session::record_in_background`]); `None`
    /// records them in the save (the command line, which exits after).
    snapshots: Option<persist::snapshots::SnapshotWorker>,
    /// Held from opening to the last save by one-shot editors (the command
    /// line), so that no other program saves in between.
    lock: Option<ProjectLock>,
}

impl Session {
    /// A new, never saved project.
    pub fn new(project: Project) -> Session {
        Session {
            project,
            path: None,
            history: History::default(),
            saved_state: None,
            recovery_state: None,
            recovery: recovery::RecoveryWriter::default(),
            problems: Vec::new(),
            watch: DiskWatch::default(),
            revision: 0,
            history_warning: None,
            author: default_author(),
            origin: None,
            disk_in_history: false,
            base: None,
            snapshots: None,
            lock: None,
        }
    }

    /// A new, never saved project whose document paths are relative to
    /// the folder of `origin` (a project file it was derived from).
    pub fn new_beside(project: Project, origin: &Path) -> Session {
        Session {
            origin: Some(origin.to_owned()),
            ..Session::new(project)
        }
    }

    /// Opens the project at `path`. Problems found while loading (a changed
    /// document, a bad offset) are kept in [`Session::problems`] rather than
    /// refusing the project, so the user can see and fix them.
    pub fn open(path: &Path) -> Result<Session, LoadError> {
        let (loaded, text) = persist::load::load_keeping_text(path)?;
        Ok(Session::loaded(path, loaded, text))
    }

    /// [`Session::open`] without checking the documents' texts, which the
    /// caller checks afterwards ([`persist::load::check_texts`], adding
    /// what it finds with [`Session::add_problems`]): the workbench opens a
    /// corpus of 100 MB before hashing it.
    pub fn open_unchecked(path: &Path) -> Result<Session, LoadError> {
        let (loaded, text) = persist::load::load_unchecked_keeping_text(path)?;
        Ok(Session::loaded(path, loaded, text))
    }

    /// Problems found after opening (the texts checked in the background).
    pub fn add_problems(&mut self, problems: Vec<Problem>) {
        self.problems.extend(problems);
    }

    fn loaded(path: &Path, loaded: Loaded, text: String) -> Session {
        Session {
            watch: DiskWatch::new(path, &loaded.project),
            base: Some(std::sync::Arc::new(text)),
            snapshots: None,
            lock: None,
            project: loaded.project,
            path: Some(path.to_owned()),
            history: History::default(),
            saved_state: Some(0),
            recovery_state: Some(0),
            recovery: recovery::RecoveryWriter::default(),
            problems: loaded.problems,
            revision: 0,
            history_warning: None,
            author: default_author(),
            origin: None,
            disk_in_history: false,
        }
    }

    /// Opens the project at `path` for a read-modify-write: takes the
    /// project's lock first (waiting up to `wait` for another program's
    /// save) and holds it until the session is dropped, so that nothing
    /// else writes the file between this read and this session's saves.
    pub fn open_locked(path: &Path, wait: std::time::Duration) -> Result<Session, OpenError> {
        let lock = ProjectLock::acquire(path, wait)?;
        let mut session = Session::open(path)?;
        session.lock = Some(lock);
        Ok(session)
    }

    /// Reads the project again from disk, dropping unsaved changes and the
    /// undo history (they refer to the old state).
    pub fn reload(&mut self) -> Result<(), LoadError> {
        let path = self.path.clone().ok_or_else(|| LoadError::Io {
            path: PathBuf::new(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "the project has never been saved"),
        })?;
        let author = std::mem::take(&mut self.author);
        let revision = self.revision;
        let lock = self.lock.take();
        *self = Session::open(&path)?;
        self.lock = lock;
        self.author = author;
        self.revision = revision + 1;
        Ok(())
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

    /// The problems found when loading that still hold (a document
    /// re-anchored since no longer has its "changed" problem).
    pub fn current_problems(&self) -> Vec<&Problem> {
        self.problems
            .iter()
            .filter(|p| match &p.kind {
                crate::model::ProblemKind::DocumentChanged { doc, .. } => {
                    self.project.document(doc).is_some_and(|d| !d.text_matches())
                }
                _ => true,
            })
            .collect()
    }

    /// The undo history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// A number that changes whenever the project changes (edits, undo,
    /// redo, reload, restore), for caches derived from the project.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Applies an edit (recorded for undo). Returns false, recording
    /// nothing, when the command changed nothing.
    pub fn apply(&mut self, command: Command) -> Result<bool, EditError> {
        let changed = self.history.apply(&mut self.project, command)?;
        self.revision += u64::from(changed);
        Ok(changed)
    }

    /// Undoes the last edit; returns its description.
    pub fn undo(&mut self) -> Result<Option<String>, EditError> {
        let done = self.history.undo(&mut self.project)?;
        self.revision += u64::from(done.is_some());
        Ok(done)
    }

    /// Redoes the last undone edit; returns its description.
    pub fn redo(&mut self) -> Result<Option<String>, EditError> {
        let done = self.history.redo(&mut self.project)?;
        self.revision += u64::from(done.is_some());
        Ok(done)
    }

    /// True when the project differs from the file it was loaded from or
    /// last saved to (or was never saved).
    pub fn is_dirty(&self) -> bool {
        self.saved_state != Some(self.history.state())
    }

    /// Saves to the current path, unless another program changed the file
    /// since it was read or last saved ([`SessionError::ChangedOnDisk`]).
    pub fn save(&mut self) -> Result<(), SessionError> {
        self.save_version(false, "")
    }

    /// Saves to the current path even if the file changed on disk (after
    /// the user chose to keep their version).
    pub fn save_overwriting(&mut self) -> Result<(), SessionError> {
        self.save_version(true, "")
    }

    /// Saves with a message recorded in the version history ("Save version
    /// with note…"); refuses like [`Session::save`] if the file changed on
    /// disk, unless `overwrite`.
    pub fn save_version(&mut self, overwrite: bool, message: &str) -> Result<(), SessionError> {
        let path = self.path.clone().ok_or(SessionError::NoPath)?;
        // The save's warnings start afresh; the snapshots of earlier saves
        // are waited for first (under the lock this save takes, and before
        // this one's), and a failure of theirs is still said.
        self.history_warning = None;
        self.wait_for_snapshots();
        // Checked and written under the lock: no other program can save
        // between the check and the rename.
        let _lock = self.lock_for_save(&path)?;
        if !overwrite && self.watch.project_changed() {
            return Err(SessionError::ChangedOnDisk);
        }
        // Reading the file back costs a read of it: only when it may hold
        // what the history lacks.
        let unknown = !self.disk_in_history || self.watch.project_changed();
        self.record_found(&path, unknown);
        let text = persist::save::save_text(&self.project, &path)?;
        self.after_save(&path);
        self.record_history(&path, text, message);
        Ok(())
    }

    /// Before a save: if `check`, snapshots the file about to be
    /// overwritten when the history lacks it
    /// ([`VersionHistory::record_found`]).
    fn record_found(&mut self, path: &Path, check: bool) {
        if check && let Err(e) = VersionHistory::of(path).record_found(path) {
            self.history_warning = Some(format!("the version history could not be updated: {e}"));
        }
    }

    /// Snapshots the saved text in the version history. A failure is kept
    /// as a warning: the project itself is saved.
    /// The text becomes the merge base.
    fn record_history(&mut self, path: &Path, text: String, message: &str) {
        let text = std::sync::Arc::new(text);
        let snapshot = Snapshot::of(text.clone(), &self.project, &self.author, message, Timestamp::now());
        self.base = Some(text);
        match &mut self.snapshots {
            // Not while the session holds the lock: the worker takes it.
            Some(worker) if self.lock.is_none() => worker.submit(path.to_owned(), snapshot),
            _ => {
                if let Err(e) = VersionHistory::of(path).record_snapshot(&snapshot) {
                    self.snapshot_failed(e.to_string());
                }
            }
        }
    }

    fn snapshot_failed(&mut self, why: String) {
        self.history_warning = Some(format!("the version history could not be updated: {why}"));
        self.disk_in_history = false;
    }

    /// From now on, saves return once the project file is written, and
    /// their version snapshots are recorded on a thread, in order (see
    /// [`persist::snapshots`]). [`Session::poll_snapshots`] tells how they
    /// went.
    pub fn record_in_background(&mut self) {
        if self.snapshots.is_none() {
            self.snapshots = Some(persist::snapshots::SnapshotWorker::default());
        }
    }

    /// Snapshots of saves not yet recorded.
    pub fn snapshots_pending(&self) -> usize {
        self.snapshots.as_ref().map_or(0, |w| w.pending())
    }

    /// Takes a warning for a snapshot recorded in the background that
    /// failed since the last call, without waiting.
    pub fn poll_snapshots(&mut self) -> Option<String> {
        let failed = self.snapshots.as_mut().map(|w| w.poll()).unwrap_or_default();
        for why in failed {
            self.snapshot_failed(why);
        }
        self.history_warning.take()
    }

    /// Waits until every snapshot queued is recorded (a failure is kept
    /// for [`Session::take_history_warning`]).
    pub fn wait_for_snapshots(&mut self) {
        let failed = self.snapshots.as_mut().map(|w| w.wait()).unwrap_or_default();
        for why in failed {
            self.snapshot_failed(why);
        }
    }

    /// Takes the warning left by the last save, if its snapshot failed.
    pub fn take_history_warning(&mut self) -> Option<String> {
        self.history_warning.take()
    }

    /// The lock for one save, unless the session holds it already.
    fn lock_for_save(&self, path: &Path) -> Result<Option<ProjectLock>, SessionError> {
        match &self.lock {
            Some(held) if held.covers(path) => Ok(None),
            _ => Ok(Some(ProjectLock::acquire(path, SAVE_WAIT)?)),
        }
    }

    /// Keeps `lock` until the session is dropped (a caller that took the
    /// project's lock before building the session, as imports do).
    pub fn hold_lock(&mut self, lock: ProjectLock) {
        self.lock = Some(lock);
    }

    /// Merges the version another program saved over the project file into
    /// the open one, with the three-way merge of `marginalia merge` (the
    /// common ancestor is the version this session last read or saved).
    /// The result is unsaved, the undo history starts afresh (it refers to
    /// the state before the merge), and the next save writes the merge over
    /// the other program's version without asking again. Conflicts keep
    /// this session's side, marked as the merge driver marks them.
    pub fn merge_from_disk(&mut self) -> Result<crate::merge::Merged, LoadError> {
        let path = self.path.clone().ok_or_else(|| LoadError::Io {
            path: PathBuf::new(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "the project has never been saved"),
        })?;
        let (disk, disk_text) = persist::load::load_keeping_text(&path)?;
        let disk = disk.project;
        let base = match self.base.as_deref().map(String::as_str) {
            Some(text) => persist::load::parse_file_only(text, &path)?,
            None => disk.clone(),
        };
        let merged = crate::merge::merge(&base, &self.project, &disk);
        self.project = merged.project.clone();
        self.history = History::default();
        self.saved_state = None;
        self.recovery_state = None;
        self.revision += 1;
        // The disk version is in the merge now: saving over it is no loss.
        self.watch = DiskWatch::new(&path, &disk);
        self.base = Some(std::sync::Arc::new(disk_text));
        self.disk_in_history = false;
        Ok(merged)
    }

    fn after_save(&mut self, path: &Path) {
        // A copy still being written would land after the removal below
        // and be offered back, older than the file, at the next open.
        let _ = self.recovery.finish();
        self.disk_in_history = true;
        self.saved_state = Some(self.history.state());
        self.recovery_state = self.saved_state;
        self.watch = DiskWatch::new(path, &self.project);
        // The saved file now holds everything the copy held.
        let _ = recovery::remove_recovery(path);
    }

    /// Files of the project that other programs changed since we read or
    /// wrote them.
    pub fn disk_changes(&self) -> Vec<DiskChange> {
        self.watch.changes()
    }

    /// [`Session::disk_changes`] a part at a time ([`DiskWatch::poll`]):
    /// the project file and `budget` documents in turn.
    pub fn poll_disk_changes(&mut self, budget: usize) -> Vec<DiskChange> {
        self.watch.poll(budget)
    }

    /// Forgets changes on disk (the user chose to keep the open version).
    pub fn acknowledge_disk_changes(&mut self) {
        if let Some(path) = &self.path {
            // Keep the project stamp as it was: saving must still ask.
            let project_changed = self.watch.project_changed();
            let mut watch = DiskWatch::new(path, &self.project);
            if project_changed {
                watch.mark_project_changed();
            }
            self.watch = watch;
        }
    }

    /// True when the recovery copy is behind the unsaved changes.
    pub fn recovery_outdated(&self) -> bool {
        self.is_dirty() && self.recovery_state != Some(self.history.state())
    }

    /// Writes the state of a project that has no file yet (a new gold
    /// project of a review) to `file`, a recovery copy kept outside any
    /// project folder: its document paths are made absolute, so that it
    /// reads back wherever it is. Does nothing for a saved project.
    pub fn write_unsaved_copy(&mut self, file: &Path) -> std::io::Result<()> {
        if self.path.is_some() {
            return Ok(());
        }
        let mut copy = self.project.clone();
        if let Some(origin) = &self.origin {
            let base = base_dir(origin);
            for doc in &mut copy.documents {
                let absolute = std::fs::canonicalize(base.join(&doc.path)).unwrap_or_else(|_| base.join(&doc.path));
                doc.path = absolute.to_string_lossy().into_owned();
            }
        }
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        persist::save::write_atomic(file, persist::format::to_string(&copy).as_bytes(), false)?;
        self.recovery_state = Some(self.history.state());
        Ok(())
    }

    /// Writes the unsaved state to the recovery copy (beside the project;
    /// see [`Session::write_unsaved_copy`] for a project with no file).
    pub fn write_recovery(&mut self) -> std::io::Result<()> {
        let Some(path) = &self.path else { return Ok(()) };
        // After the one in progress, which would otherwise overwrite this.
        let _ = self.recovery.finish();
        recovery::write_recovery(&self.project, path)?;
        self.recovery_state = Some(self.history.state());
        Ok(())
    }

    /// [`Session::write_recovery`] on a thread, from a clone of the
    /// project: the workbench's 30-second copy, which must not hold up a
    /// frame. Does nothing while the previous copy is still being written
    /// (or for a project with no file). A failure is reported by
    /// [`Session::poll_recovery`], and the copy is tried again.
    pub fn write_recovery_in_background(&mut self) -> Option<std::io::Error> {
        let path = self.path.clone()?;
        if self.recovery.busy() {
            return None;
        }
        let state = self.history.state();
        let previous = self.recovery.start(self.project.clone(), path, state);
        self.recovery_state = Some(state);
        previous.and_then(|outcome| self.recovery_outcome(outcome))
    }

    /// Removes a recovery copy that holds undone work: after undoing back
    /// to the saved state, the copy written meanwhile would be offered
    /// back at the next open as unsaved work.
    pub fn drop_recovery_if_clean(&mut self) -> std::io::Result<()> {
        if self.is_dirty() || self.recovery_state == self.saved_state {
            return Ok(());
        }
        let _ = self.recovery.finish();
        if let Some(path) = &self.path {
            recovery::remove_recovery(path)?;
        }
        self.recovery_state = self.saved_state;
        Ok(())
    }

    /// Why the last recovery copy written on a thread failed, once it has.
    pub fn poll_recovery(&mut self) -> Option<std::io::Error> {
        let outcome = self.recovery.poll()?;
        self.recovery_outcome(outcome)
    }

    /// Waits for the recovery copy being written, if any.
    pub fn wait_for_recovery(&mut self) -> Option<std::io::Error> {
        let outcome = self.recovery.finish()?;
        self.recovery_outcome(outcome)
    }

    fn recovery_outcome(&mut self, (state, result): (u64, std::io::Result<()>)) -> Option<std::io::Error> {
        let e = result.err()?;
        // Not written: the copy is behind again, to be tried at the next turn.
        if self.recovery_state == Some(state) {
            self.recovery_state = None;
        }
        Some(e)
    }

    /// Removes the recovery copy (the user discarded the unsaved changes).
    pub fn discard_recovery(&mut self) -> std::io::Result<()> {
        let _ = self.recovery.finish();
        match &self.path {
            Some(path) => recovery::remove_recovery(path),
            None => Ok(()),
        }
    }

    /// A recovery copy left by an earlier session that differs from the
    /// saved project, with a summary of the differences.
    pub fn pending_recovery(&self) -> Option<(Loaded, RecoverySummary)> {
        let path = self.path.as_ref()?;
        let loaded = recovery::read_recovery(path).ok()??;
        let summary = recovery::summarize(&self.project, &loaded.project);
        (!summary.is_empty()).then_some((loaded, summary))
    }

    /// Replaces the project with a recovered one. The result is unsaved
    /// and the undo history starts afresh.
    pub fn restore(&mut self, recovered: Project) {
        self.project = recovered;
        self.history = History::default();
        self.saved_state = None;
        self.recovery_state = None;
        self.revision += 1;
    }

    /// Saves to `path` and makes it the current path. Document paths are
    /// rewritten relative to the new location.
    pub fn save_as(&mut self, path: &Path) -> Result<(), SessionError> {
        self.save_as_checked(path, false)
    }

    /// [`Session::save_as`] to a file that must not exist yet (`marginalia
    /// new`, imports): checked under the project lock, so that of two
    /// programs creating one project at once, one succeeds and the other is
    /// told, rather than both reporting success and one losing its work.
    pub fn save_new(&mut self, path: &Path) -> Result<(), SessionError> {
        self.save_as_checked(path, true)
    }

    fn save_as_checked(&mut self, path: &Path, must_be_new: bool) -> Result<(), SessionError> {
        self.history_warning = None;
        self.wait_for_snapshots();
        let mut moved = self.project.clone();
        let old_base = self.path.as_ref().or(self.origin.as_ref()).map(|old| base_dir(old));
        let new_base = base_dir(path);
        let rebase = |rel: &str| {
            let file = old_base.as_ref()?.join(rel);
            relative_path(&new_base, &file).ok()
        };
        for doc in &mut moved.documents {
            if let Some(rel) = rebase(&doc.path) {
                doc.path = rel;
            }
        }
        let _lock = self.lock_for_save(path)?;
        if must_be_new && std::fs::symlink_metadata(path).is_ok() {
            return Err(SessionError::Exists(path.to_owned()));
        }
        self.record_found(path, true);
        let text = persist::save::save_text(&moved, path)?;
        self.project = moved;
        // Documents an undo or redo would add back must name their files
        // from the new folder too.
        self.history.rebase_document_paths(&|rel| rebase(rel));
        self.path = Some(path.to_owned());
        self.revision += 1;
        self.after_save(path);
        self.record_history(path, text, "");
        Ok(())
    }
}

/// Why a session operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("the project has not been saved yet; choose a file with Save As")]
    NoPath,
    #[error("the project file was changed on disk by another program since it was opened")]
    ChangedOnDisk,
    #[error("{} already exists; nothing was written", .0.display())]
    Exists(PathBuf),
    #[error(transparent)]
    Save(#[from] SaveError),
    #[error(transparent)]
    Lock(#[from] LockError),
}

/// Why a project could not be opened for editing.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Lock(#[from] LockError),
}

/// How long a save waits for another program's save to finish.
pub const SAVE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

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

    fn saved_session(dir: &Path) -> Session {
        std::fs::write(dir.join("d.txt"), "Bakou et Erevan").unwrap();
        let mut project = Project::new("p");
        project
            .documents
            .push(Document::new("d", "D", "d.txt", Text::new("Bakou et Erevan")));
        let mut s = Session::new(project);
        s.save_as(&dir.join("p.ron")).unwrap();
        s
    }

    fn state_dir_path(project: &Path) -> PathBuf {
        persist::state_dir::path(project, &["recovery"])
    }

    fn mark_done(s: &mut Session) {
        s.apply(Command::SetStatus {
            doc: "d".into(),
            status: Status::Done,
        })
        .unwrap();
    }

    #[test]
    fn saving_over_a_file_changed_on_disk_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = saved_session(dir.path());
        assert!(s.disk_changes().is_empty());
        let path = dir.path().join("p.ron");
        let theirs = std::fs::read_to_string(&path)
            .unwrap()
            .replace("name: \"p\"", "name: \"theirs\"");
        std::fs::write(&path, &theirs).unwrap();
        assert_eq!(s.disk_changes(), [DiskChange::Project]);
        mark_done(&mut s);
        assert!(matches!(s.save(), Err(SessionError::ChangedOnDisk)));
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            theirs,
            "their file is untouched"
        );
        // Acknowledging the change does not make saving silent.
        s.acknowledge_disk_changes();
        assert!(matches!(s.save(), Err(SessionError::ChangedOnDisk)));
        s.save_overwriting().unwrap();
        assert!(s.disk_changes().is_empty());
        assert!(s.save().is_ok());
    }

    #[test]
    fn reload_reads_the_new_file_and_drops_history() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = saved_session(dir.path());
        mark_done(&mut s);
        let path = dir.path().join("p.ron");
        let theirs = std::fs::read_to_string(&path)
            .unwrap()
            .replace("name: \"p\"", "name: \"theirs\"");
        std::fs::write(&path, theirs).unwrap();
        let before = s.revision();
        s.reload().unwrap();
        assert_eq!(s.project().name, "theirs");
        assert_eq!(s.project().documents[0].status, Status::Todo);
        assert!(!s.is_dirty());
        assert!(s.history().undo_description().is_none());
        assert!(s.revision() > before);
    }

    #[test]
    fn recovery_copies_follow_unsaved_changes() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = saved_session(dir.path());
        assert!(!s.recovery_outdated());
        mark_done(&mut s);
        assert!(s.recovery_outdated());
        s.write_recovery().unwrap();
        assert!(!s.recovery_outdated());

        // A new session (after a crash) finds the copy and what it holds.
        let path = dir.path().join("p.ron");
        let mut after_crash = Session::open(&path).unwrap();
        let (loaded, summary) = after_crash.pending_recovery().expect("a recovery copy");
        assert_eq!(summary.other, ["document statuses differ"]);
        after_crash.restore(loaded.project);
        assert!(after_crash.is_dirty());
        assert_eq!(after_crash.project().documents[0].status, Status::Done);

        // A clean save removes the copy.
        after_crash.save().unwrap();
        assert!(after_crash.pending_recovery().is_none());
        assert!(!recovery::recovery_path(&path).exists());
    }

    #[test]
    fn recovery_copies_written_on_a_thread_hold_the_state_they_were_started_at() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        let mut s = saved_session(dir.path());
        mark_done(&mut s);
        assert!(s.write_recovery_in_background().is_none());
        assert!(!s.recovery_outdated(), "counted as written while it is written");
        // Edits made meanwhile do not reach the copy being written: it is
        // of a clone.
        s.undo().unwrap();
        assert!(s.wait_for_recovery().is_none());
        let copy = recovery::read_recovery(&path).unwrap().expect("written");
        assert_eq!(copy.project.documents[0].status, Status::Done);
        assert_eq!(s.project().documents[0].status, Status::Todo);
        // Undone back to the saved state: the copy (of undone work) goes.
        mark_done(&mut s);
        s.write_recovery().unwrap();
        s.undo().unwrap();
        assert!(!s.is_dirty());
        assert!(recovery::recovery_path(&path).exists());
        s.drop_recovery_if_clean().unwrap();
        assert!(!recovery::recovery_path(&path).exists());
        assert!(Session::open(&path).unwrap().pending_recovery().is_none());
        // A save right after starting one leaves no copy behind to be
        // offered, older than the file, at the next open.
        mark_done(&mut s);
        assert!(s.write_recovery_in_background().is_none());
        s.save().unwrap();
        assert!(!recovery::recovery_path(&path).exists());
        // A copy that cannot be written is said once and tried again.
        s.apply(Command::SetStatus {
            doc: "d".into(),
            status: Status::InProgress,
        })
        .unwrap();
        let blocker = state_dir_path(&path);
        std::fs::remove_dir_all(&blocker).ok();
        std::fs::write(&blocker, "a file where the folder goes").unwrap();
        assert!(s.write_recovery_in_background().is_none());
        assert!(s.wait_for_recovery().is_some(), "the failure is reported");
        assert!(s.recovery_outdated(), "and the copy is behind again");
        assert!(s.wait_for_recovery().is_none(), "once");
    }

    #[test]
    fn revision_counts_every_change() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = saved_session(dir.path());
        let r0 = s.revision();
        mark_done(&mut s);
        s.undo().unwrap();
        s.redo().unwrap();
        assert_eq!(s.revision(), r0 + 3);
        s.redo().unwrap(); // nothing to redo
        assert_eq!(s.revision(), r0 + 3);
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

    #[test]
    fn undo_and_redo_after_save_as_elsewhere_add_documents_from_the_new_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        std::fs::create_dir_all(dir.path().join("b/c")).unwrap();
        std::fs::write(dir.path().join("a/d.txt"), "Evlakh").unwrap();
        let mut s = Session::new(Project::new("p"));
        s.save_as(&dir.path().join("a/p.ron")).unwrap();
        let doc = Document::new("d", "D", "d.txt", Text::new("Evlakh"));
        s.apply(Command::AddDocuments(vec![(0, doc)])).unwrap();
        s.save_as(&dir.path().join("b/c/p.ron")).unwrap();
        // Undo removes the document, redo adds it back: from the new folder.
        s.undo().unwrap();
        assert!(s.project().documents.is_empty());
        s.redo().unwrap();
        assert_eq!(s.project().documents[0].path, "../../a/d.txt");
        s.save().unwrap();
        let reopened = Session::open(&dir.path().join("b/c/p.ron")).unwrap();
        assert!(reopened.problems().is_empty(), "{:?}", reopened.problems());
    }
}
