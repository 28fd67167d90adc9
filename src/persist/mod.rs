//! Persistence: RON project files and the text files they reference.
//!
//! - [`format`](mod@format): the canonical, line-per-annotation file layout.
//! - [`load`](mod@load): parsing and validation (never writes).
//! - [`lock`]: one writer at a time per project file.
//! - [`save`](mod@save): atomic saving with a backup.
//! - [`textfile`]: decoding documents in any common encoding.
//! - [`documents`]: turning text files into project documents.
//! - [`history`]: a snapshot of the project at every save.
//! - [`versions`]: version references (`P.ron@3`, `P.ron@git:HEAD~1`).
//! - [`recovery`]: recovery copies of unsaved work.
//! - [`review`]: the rejected pairs of an adjudication, beside its gold project.
//! - [`safe_read`]: reading untrusted files (regular files only, capped).
//! - [`state_dir`]: `.marginalia/`, confined and kept out of git.
//! - [`watch`]: noticing changes other programs make to the files.

pub mod documents;
pub mod format;
pub mod history;
pub mod load;
pub mod lock;
pub mod recovery;
pub mod review;
pub mod safe_read;
pub mod save;
pub mod snapshots;
pub mod state_dir;
pub mod textfile;
pub mod versions;
pub mod watch;

pub use load::{LoadError, Loaded, load, open};
pub use save::{SaveError, save};
