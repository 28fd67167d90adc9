//! Recording version snapshots on a thread, in the order of the saves.
//!
//! Saving writes the project file and then records a snapshot in the
//! version history ([`super::history`]): for a 170 MB corpus that record
//! (a keyframe read back, a delta worked out, compressed) takes seconds,
//! and the workbench froze for them after every Ctrl+S. The file is what
//! must be safe when the save returns; the snapshot can follow. The
//! workbench's session hands each snapshot to this worker, which records
//! them one after another under the project's lock (as a save does, so
//! that two programs never rewrite the history's index at once) and
//! reports how each went. A session waits for its snapshots before the
//! next save and when it is dropped, so none is lost by quitting.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use super::history::{Snapshot, VersionHistory};
use super::lock::ProjectLock;

/// How long the worker waits for the project's lock (another program
/// saving) before giving the snapshot up with a warning.
const LOCK_WAIT: Duration = Duration::from_secs(30);

struct Job {
    project: PathBuf,
    snapshot: Snapshot,
}

/// A thread that records snapshots, started at the first.
#[derive(Default)]
pub struct SnapshotWorker {
    jobs: Option<Sender<Job>>,
    outcomes: Option<Receiver<Result<(), String>>>,
    thread: Option<JoinHandle<()>>,
    /// Submitted and not yet reported.
    pending: usize,
    /// Recorded on this thread (no worker to be had), not yet reported.
    finished: Vec<Result<(), String>>,
}

impl SnapshotWorker {
    /// Queues `snapshot` of the project saved at `project`.
    pub fn submit(&mut self, project: PathBuf, snapshot: Snapshot) {
        if self.jobs.is_none() {
            let (jobs, inbox) = mpsc::channel::<Job>();
            let (report, outcomes) = mpsc::channel();
            let spawned = std::thread::Builder::new()
                .name("version-snapshots".into())
                .spawn(move || {
                    for job in inbox {
                        if report.send(record(&job)).is_err() {
                            return;
                        }
                    }
                });
            match spawned {
                Ok(thread) => {
                    self.jobs = Some(jobs);
                    self.outcomes = Some(outcomes);
                    self.thread = Some(thread);
                }
                // No thread to be had: recorded here, as before.
                Err(_) => {
                    self.pending += 1;
                    let outcome = record(&Job { project, snapshot });
                    self.finished.push(outcome);
                    return;
                }
            }
        }
        if let Some(jobs) = &self.jobs {
            self.pending += 1;
            if let Err(mpsc::SendError(job)) = jobs.send(Job { project, snapshot }) {
                // The thread is gone (it panicked): recorded here.
                self.finished.push(record(&job));
            }
        }
    }

    /// Snapshots queued and not yet reported by [`SnapshotWorker::poll`]
    /// or [`SnapshotWorker::wait`].
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// The outcomes of the snapshots recorded since the last call, without
    /// waiting: a warning for each that failed.
    pub fn poll(&mut self) -> Vec<String> {
        let mut outcomes = std::mem::take(&mut self.finished);
        if let Some(rx) = &self.outcomes {
            outcomes.extend(rx.try_iter());
        }
        self.settle(outcomes)
    }

    /// Waits for every queued snapshot; their warnings.
    pub fn wait(&mut self) -> Vec<String> {
        let mut outcomes = std::mem::take(&mut self.finished);
        while self.pending > outcomes.len() {
            match self.outcomes.as_ref().map(Receiver::recv) {
                Some(Ok(outcome)) => outcomes.push(outcome),
                // The thread is gone: nothing more will come.
                _ => {
                    let lost = self.pending - outcomes.len();
                    outcomes.extend((0..lost).map(|_| Err("the snapshot was not recorded".to_owned())));
                }
            }
        }
        self.settle(outcomes)
    }

    fn settle(&mut self, outcomes: Vec<Result<(), String>>) -> Vec<String> {
        self.pending = self.pending.saturating_sub(outcomes.len());
        outcomes.into_iter().filter_map(Result::err).collect()
    }
}

impl std::fmt::Debug for SnapshotWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotWorker")
            .field("pending", &self.pending)
            .finish()
    }
}

impl Drop for SnapshotWorker {
    fn drop(&mut self) {
        // Closing the queue ends the thread once it has recorded what is
        // queued; joining keeps a quit from cutting a snapshot short.
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn record(job: &Job) -> Result<(), String> {
    let _lock = ProjectLock::acquire(&job.project, LOCK_WAIT).map_err(|e| e.to_string())?;
    VersionHistory::of(&job.project)
        .record_snapshot(&job.snapshot)
        .map(|_| ())
        .map_err(|e| e.to_string())
}
