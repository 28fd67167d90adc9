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
pub mod corpus_search;
mod dataset_options;
pub mod dialogs;
pub mod export_dialog;
pub mod file_picker;

pub mod find;
pub mod fonts;
pub mod import_dialog;
pub mod job;
pub mod linking;
pub mod overview;

pub mod panels;
pub mod review;
pub mod settings;
pub mod state;
pub mod style;
pub mod suggestions;
pub mod text_check;
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
/// The local time zone's offset, read once at start-up: the platform only
/// answers reliably before other threads exist. Files keep UTC; the
/// interface shows local time.
static LOCAL_OFFSET: std::sync::OnceLock<time::UtcOffset> = std::sync::OnceLock::new();

/// A moment as people read it here: local date and time to the minute,
/// with the offset ("2026-11-23 21:38 UTC+01:00"); UTC where the offset is
/// unknown (tests, or a platform that would not say).
pub fn local_time(t: crate::model::Timestamp) -> String {
    let offset = LOCAL_OFFSET.get().copied().unwrap_or(time::UtcOffset::UTC);
    let Ok(at) = time::OffsetDateTime::from_unix_timestamp(t.unix()) else {
        return t.to_string();
    };
    let at = at.to_offset(offset);
    let zone = if offset.is_utc() {
        "UTC".to_owned()
    } else {
        let (h, m, _) = offset.as_hms();
        format!(
            "UTC{}{:02}:{:02}",
            if offset.is_negative() { '-' } else { '+' },
            h.abs(),
            m.abs()
        )
    };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} {zone}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
}

pub fn run(start: Start) -> eframe::Result {
    if let Ok(offset) = time::UtcOffset::current_local_offset() {
        let _ = LOCAL_OFFSET.set(offset);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_to_the_minute_with_their_zone() {
        let t = crate::model::Timestamp::parse("2026-11-23T20:38:59Z").unwrap();
        // Tests run before any offset is captured: UTC, said so.
        assert_eq!(local_time(t), "2026-11-23 20:38 UTC");
    }
}
