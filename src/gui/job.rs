//! Work that runs off the UI thread (dataset exports and imports): a
//! thread, its [`Progress`], and the progress bar with a Cancel button.
//!
//! The window stays responsive while a 10 MB project is written; the
//! result arrives through a channel that the dialog polls each frame.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

use crate::formats::Progress;

/// How often the window is redrawn while a job runs (to move the bar).
const REPAINT: Duration = Duration::from_millis(100);

/// A running job whose result is a `T`.
pub struct Job<T> {
    progress: Arc<Progress>,
    receiver: Receiver<T>,
    started: Instant,
    /// What the job does, for the bar ("Exporting", "Reading").
    what: String,
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on its own thread.
    pub fn spawn(what: impl Into<String>, work: impl FnOnce(&Progress) -> T + Send + 'static) -> Job<T> {
        let progress = Arc::new(Progress::new());
        let (sender, receiver) = mpsc::channel();
        let shared = Arc::clone(&progress);
        let work = move || {
            // The receiver may be gone (dialog closed): nobody to tell.
            let _ = sender.send(work(&shared));
        };
        if let Err(e) = std::thread::Builder::new().name("marginalia-job".into()).spawn(work) {
            // No thread to be had: the error reaches the user through the
            // closed channel (see `poll`).
            log_spawn_failure(&e);
        }
        Job {
            progress,
            receiver,
            started: Instant::now(),
            what: what.into(),
        }
    }

    /// The result once the work is done; `Err` if it ended without one
    /// (the thread could not start, or panicked).
    pub fn poll(&self) -> Option<Result<T, String>> {
        match self.receiver.try_recv() {
            Ok(value) => Some(Ok(value)),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err("the work stopped without a result (see the log)".to_owned())),
        }
    }

    /// Asks the work to stop; its result will say it was cancelled.
    pub fn cancel(&self) {
        self.progress.cancel();
    }

    /// The progress bar and a Cancel button; true when Cancel was clicked.
    pub fn ui(&self, ui: &mut egui::Ui) -> bool {
        ui.ctx().request_repaint_after(REPAINT);
        let elapsed = self.started.elapsed().as_secs_f32();
        let mut cancel = false;
        ui.horizontal(|ui| {
            let bar = match self.progress.fraction() {
                Some(f) => {
                    egui::ProgressBar::new(f).text(format!("{}… {:.0}%  ({elapsed:.1} s)", self.what, f * 100.0))
                }
                None => egui::ProgressBar::new(0.0)
                    .animate(true)
                    .text(format!("{}…", self.what)),
            };
            ui.add(bar.desired_width(320.0));
            cancel = ui.button("Cancel").clicked();
        });
        cancel
    }
}

fn log_spawn_failure(e: &std::io::Error) {
    eprintln!("marginalia: cannot start a background thread: {e}");
}
