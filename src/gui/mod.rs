//! The graphical workbench (feature `gui`): eframe/egui 0.37.
//!
//! - [`workbench`]: all GUI state, the frame's panels and the one place
//!   where actions are applied; testable headless with egui_kittest.
//! - [`view`]: the document view, drawn virtually for long documents.
//! - [`panels`]: menu, palette, document list, annotation list and
//!   inspector, status bar, banners, find bar, schema editor, start screen.
//! - [`action`], [`commands`]: what the user can ask for, and the menu and
//!   keyboard commands that ask for it.
//! - [`dialogs`]: file choosers (rfd) and the workbench's questions;
//!   [`file_picker`]: Marginalia's own picker where the system has none.
//! - [`compare`]: the compare view (versions, diff, take/restore).
//! - [`review`]: comparing annotators (figures, side-by-side spans) and
//!   adjudicating their disagreements into a gold project.
//! - [`export_dialog`], [`import_dialog`]: labeled datasets in and out,
//!   run in the background by a [`job::Job`] with a progress bar, built
//!   from the shared choosers of `dataset_options`.
//! - [`app`]: the eframe window around the workbench.

pub mod action;
mod app;
pub mod commands;
pub mod compare;
mod dataset_options;
pub mod dialogs;
pub mod export_dialog;
pub mod file_picker;

pub mod find;
pub mod fonts;
pub mod import_dialog;
pub mod job;

pub mod panels;
pub mod review;
pub mod settings;
pub mod state;
pub mod view;
pub mod workbench;

use std::path::PathBuf;

pub use workbench::Workbench;

/// What the window opens on.
#[derive(Clone, Debug, Default)]
pub enum Start {
    /// The start screen.
    #[default]
    Nothing,
    /// A project file.
    Project(PathBuf),
    /// A review of these annotators' project files (Review → Compare annotators…).
    Review(Vec<PathBuf>),
}

/// Opens the workbench window. Returns when the window is closed.
pub fn run(start: Start) -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Marginalia")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([720.0, 480.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Marginalia",
        options,
        Box::new(move |cc| Ok(Box::new(app::MarginaliaApp::new(cc, start)))),
    )
}
