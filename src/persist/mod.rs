//! Persistence: RON project files and the text files they reference.
//!
//! - [`format`]: the canonical, line-per-annotation file layout.
//! - [`load`]: parsing and validation (never writes).
//! - [`save`]: atomic saving with a backup.
//! - [`textfile`]: decoding documents in any common encoding.
//! - [`documents`]: turning text files into project documents.
//! - [`history`]: a snapshot of the project at every save.
//! - [`versions`]: version references (`P.ron@3`, `P.ron@git:HEAD~1`).
//! - [`recovery`]: recovery copies of unsaved work.
//! - [`review`]: the rejected pairs of an adjudication, beside its gold project.
//! - [`watch`]: noticing changes other programs make to the files.

pub mod documents;
pub mod format;
pub mod history;
pub mod load;
pub mod recovery;
pub mod review;
pub mod save;
pub mod textfile;
pub mod versions;
pub mod watch;

pub use load::{LoadError, Loaded, load, open};
pub use save::{SaveError, save};
