//! Every integration test, in one binary: on a 2-core machine one link of
//! the crate and its GUI dependencies instead of eleven. Each module is one
//! subject; run one with `cargo test --test suite gui::` (or any name part).
//!
//! - `project_files`: the sample project's round trip, every load error.
//! - `offsets`: conversions and snapping on mixed scripts (property tests).
//! - `crash_safety`: saves, `annotate` and `export` killed with SIGKILL.
//! - `trust`: the defects adversarial testing found, one test each.
//! - `fuzz`: a short mutation-fuzzing run of every loader.
//! - `cli`: the real binary, every subcommand and exit status.
//! - `corpus`: search across documents and tagging every occurrence.
//! - `suggestions`: the suggestion layer, from file to merge, and a model's
//!   predictions imported as suggestions.
//! - `formats`: dataset round trips, golden files, exact offsets.
//! - `versions`, `merge`, `agreement`: history and diffs, three-way merge
//!   and git, agreement figures and adjudication.
//! - `gui` (feature `gui`): the workbench under egui_kittest.

mod common;

mod agreement;
mod cli;
mod corpus;
mod crash_safety;
mod formats;
mod fuzz;
#[cfg(feature = "gui")]
mod gui;
mod merge;
mod offsets;
mod project_files;
mod structure;
mod suggestions;
mod trust;
mod versions;
