//! Checking a corpus's texts after it is shown: the workbench opens a
//! project without hashing its documents ([`Session::open_unchecked`]); a
//! thread then hashes them one by one (100 MB take about half a second),
//! and each frame the documents hashed so far are checked as loading
//! would check them ([`check_texts`]: the text changed since it was
//! annotated, or annotations that do not quote it), for a few
//! milliseconds, so that a changed document is reported as soon as it is
//! found and the window never stalls.
//!
//! [`Session::open_unchecked`]: crate::session::Session::open_unchecked

use std::collections::{HashSet, VecDeque};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

use crate::model::{Problem, Project, plural};
use crate::persist::load::check_texts;

/// How long a frame spends checking documents.
pub const FRAME_BUDGET: Duration = Duration::from_millis(4);

/// A check of the texts under way.
pub struct TextCheck {
    /// Ids of the documents whose texts the thread has hashed, in order.
    hashed: Receiver<String>,
    /// Hashed, waiting for their quotes to be checked.
    pending: VecDeque<String>,
    /// The thread is done (or gone: what is left is hashed here).
    thread_done: bool,
    /// Documents not hashed by the thread, if it could not start.
    unhashed: VecDeque<String>,
    total: usize,
    checked: usize,
    /// Problems found so far.
    pub found: usize,
}

impl TextCheck {
    /// Starts checking the texts of `project`'s documents, except those in
    /// `skip` (unreadable ones, reported already).
    pub fn start(project: &Project, skip: &HashSet<&str>) -> TextCheck {
        let texts: Vec<(String, crate::model::Text)> = project
            .documents
            .iter()
            .filter(|d| !skip.contains(d.id.as_str()))
            .map(|d| (d.id.clone(), d.text.clone()))
            .collect();
        let total = texts.len();
        let ids: VecDeque<String> = texts.iter().map(|(id, _)| id.clone()).collect();
        let (sender, hashed) = mpsc::channel();
        let work = move || {
            for (id, text) in texts {
                // Computed once and kept in the text, which the project
                // shares: the check on the UI thread finds it ready.
                text.content_hash();
                if sender.send(id).is_err() {
                    return;
                }
            }
        };
        let started = std::thread::Builder::new().name("marginalia-hash".into()).spawn(work);
        TextCheck {
            hashed,
            pending: VecDeque::new(),
            thread_done: started.is_err(),
            unhashed: if started.is_err() { ids } else { VecDeque::new() },
            total,
            checked: 0,
            found: 0,
        }
    }

    /// Checks documents for up to `budget`; returns the problems found.
    /// Documents no longer in the project are passed over.
    pub fn step(&mut self, project: &Project, budget: Duration) -> Vec<Problem> {
        let started = Instant::now();
        loop {
            match self.hashed.try_recv() {
                Ok(id) => self.pending.push_back(id),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.thread_done = true;
                    break;
                }
            }
        }
        let mut out = Vec::new();
        while started.elapsed() < budget {
            let Some(id) = self.pending.pop_front().or_else(|| self.unhashed.pop_front()) else {
                break;
            };
            self.checked += 1;
            if let Some(doc) = project.document(&id) {
                out.extend(check_texts(project, doc));
            }
        }
        self.found += out.len();
        out
    }

    /// Checks every document now, waiting for the thread: before an
    /// export, which must be exact.
    pub fn finish(&mut self, project: &Project) -> Vec<Problem> {
        while let Ok(id) = self.hashed.recv() {
            self.pending.push_back(id);
        }
        self.thread_done = true;
        self.step(project, Duration::MAX)
    }

    /// Every document checked.
    pub fn is_done(&self) -> bool {
        self.thread_done && self.pending.is_empty() && self.unhashed.is_empty() || self.checked >= self.total
    }

    /// "Checking the texts: 4,120 of 10,000 documents".
    pub fn describe(&self) -> String {
        format!(
            "Checking the texts: {} of {}{}",
            self.checked,
            plural(self.total, "document"),
            if self.found > 0 {
                format!(", {} so far (see the banner)", plural(self.found, "problem"))
            } else {
                String::new()
            }
        )
    }

    /// The share checked, for a progress bar.
    pub fn fraction(&self) -> f32 {
        if self.total == 0 {
            1.0
        } else {
            self.checked as f32 / self.total as f32
        }
    }
}
