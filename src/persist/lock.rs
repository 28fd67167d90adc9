//! One writer at a time: an exclusive lock per project file.
//!
//! Two programs that read a project, change it and save it at the same
//! time (a script's `marginalia annotate` while the workbench saves, two
//! terminals, a batch job) would each write their own version and the
//! first one's work would be lost, although both reported success. Every
//! read-modify-write of a project file therefore holds a [`ProjectLock`]:
//! an OS file lock (`flock` on Unix, `LockFileEx` on Windows, through
//! `std::fs::File::lock`) on `.marginalia/locks/NAME.lock` beside the
//! project. The OS releases it when the holder exits, even by SIGKILL, so a
//! crash never leaves a project locked. The lock file itself stays (deleting
//! it would let a waiter lock a file nobody else can see).

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::state_dir;

/// How long the command line waits for another program's save to finish.
pub const CLI_WAIT: Duration = Duration::from_secs(30);

/// A held lock; released when dropped.
#[derive(Debug)]
pub struct ProjectLock {
    _file: File,
    /// The lock file, which names the project it is for.
    path: PathBuf,
}

/// Why a lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "{} is being changed by another program (it holds {}); nothing was changed: try again when it has finished",
        project.display(),
        lock.display()
    )]
    Busy { project: PathBuf, lock: PathBuf },
    #[error("cannot lock {} for writing: {source}", project.display())]
    Io {
        project: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ProjectLock {
    /// True when this is the lock of the project file at `project_path`.
    pub fn covers(&self, project_path: &Path) -> bool {
        lock_file(project_path).is_some_and(|p| p == self.path)
    }

    /// Takes the lock of the project file at `project_path`, waiting up to
    /// `wait` for another holder to release it.
    pub fn acquire(project_path: &Path, wait: Duration) -> Result<ProjectLock, LockError> {
        let io = |source| LockError::Io {
            project: project_path.to_owned(),
            source,
        };
        let target = lock_target(project_path);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = state_dir::create(&target, &["locks"]).map_err(io)?;
        let path = dir.join(format!("{name}.lock"));
        state_dir::check_file(&path).map_err(io)?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io)?;
        let started = Instant::now();
        let mut pause = Duration::from_millis(2);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(ProjectLock { _file: file, path }),
                Err(TryLockError::WouldBlock) if started.elapsed() < wait => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(LockError::Busy {
                        project: project_path.to_owned(),
                        lock: path,
                    });
                }
                Err(TryLockError::Error(e)) => return Err(io(e)),
            }
        }
    }
}

/// The project file a lock is taken for: a link and its target are one
/// project, one lock.
fn lock_target(project_path: &Path) -> PathBuf {
    std::fs::canonicalize(project_path).unwrap_or_else(|_| {
        // Not there yet: its folder resolved, its name kept.
        let name = project_path.file_name().unwrap_or_default();
        std::fs::canonicalize(super::load::base_dir(project_path))
            .map(|d| d.join(name))
            .unwrap_or_else(|_| project_path.to_owned())
    })
}

/// Where the lock of `project_path` lives, without creating anything.
fn lock_file(project_path: &Path) -> Option<PathBuf> {
    let target = lock_target(project_path);
    let name = target.file_name()?.to_string_lossy().into_owned();
    Some(state_dir::path(&target, &["locks"]).join(format!("{name}.lock")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_then_gives_up_with_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p.ron");
        let held = ProjectLock::acquire(&project, Duration::ZERO).unwrap();
        let e = ProjectLock::acquire(&project, Duration::from_millis(30)).unwrap_err();
        assert!(matches!(e, LockError::Busy { .. }), "{e}");
        assert!(
            e.to_string().contains("p.ron is being changed by another program"),
            "{e}"
        );
        drop(held);
        ProjectLock::acquire(&project, Duration::ZERO).unwrap();
    }

    #[test]
    fn a_waiter_gets_the_lock_once_it_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p.ron");
        let held = ProjectLock::acquire(&project, Duration::ZERO).unwrap();
        let waiter = std::thread::spawn(move || ProjectLock::acquire(&project, Duration::from_secs(20)).is_ok());
        std::thread::sleep(Duration::from_millis(50));
        drop(held);
        assert!(waiter.join().unwrap());
    }
}
