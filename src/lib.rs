//! Marginalia: an annotation workbench for researchers.
//!
//! The library holds everything but drawing, in layers (see `ARCHITECTURE.md`):
//!
//! - [`model`]: projects, documents, annotations, labels; offsets and words.
//! - [`edit`]: every change as an undoable [`edit::Command`].
//! - [`agreement`]: inter-annotator agreement (span F1, character kappa and
//!   alpha, unitized alpha) between copies of a project.
//! - [`diff`]: comparing versions (semantic and raw), re-anchoring.
//! - [`merge`]: three-way merge of two edited copies of a project (the git
//!   merge driver), per annotation and field, conflicts marked.
//! - [`formats`]: labeled datasets: JSONL, CoNLL, brat, CSV export and
//!   JSONL, CoNLL, brat, plain text import, with exact offset units.
//! - [`persist`]: RON project files (validated loading, atomic saving) and
//!   the import of text files as documents.
//! - [`session`]: an open project with its path, undo history and dirty state,
//!   shared by the command line and the GUI.
//! - [`synth`]: deterministic synthetic projects for benchmarks.
//! - [`user`]: who is annotating (the author recorded on annotations).
//! - `gui` (feature `gui`): the eframe workbench, on top of all of the above.

pub mod agreement;
pub mod diff;

pub mod edit;
pub mod formats;

#[cfg(feature = "gui")]
pub mod gui;
pub mod merge;
pub mod model;
pub mod persist;
pub mod search;
pub mod session;
pub mod synth;
pub mod user;
