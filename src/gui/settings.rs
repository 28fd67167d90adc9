//! Preferences that outlive a session: theme, text size, word snapping and
//! the recently opened projects, kept as RON in the platform's config
//! folder (`~/.config/marginalia/settings.ron` on Linux).
//!
//! Reading is forgiving (a missing or unreadable file gives defaults: the
//! preferences are not worth refusing to start over), writing is atomic.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::persist::save::write_atomic;

/// Projects remembered in File → Recent.
pub const MAX_RECENT: usize = 10;

/// Text size of the document view at zoom 1.
pub const BASE_TEXT_SIZE: f32 = 16.0;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub dark: bool,
    /// Document text zoom (1.0 = [`BASE_TEXT_SIZE`]).
    pub zoom: f32,
    pub snap_to_words: bool,
    /// Draw every relation of the text in view, not only the selected
    /// and the hovered annotation's.
    pub all_relations: bool,
    /// Most recent first.
    pub recent: Vec<PathBuf>,
    /// The annotator's name, recorded on their annotations (asked once;
    /// Edit → Annotator name…). The command line reads it too.
    pub author: String,
    /// Where the settings are written; `None` keeps them in memory (tests).
    #[serde(skip)]
    pub file: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            dark: false,
            zoom: 1.0,
            snap_to_words: true,
            all_relations: false,
            recent: Vec::new(),
            author: String::new(),
            file: None,
        }
    }
}

impl Settings {
    /// The settings file of this user, if the platform has a config folder.
    pub fn default_file() -> Option<PathBuf> {
        crate::user::settings_file()
    }

    /// Loads settings from `file`, or defaults.
    pub fn load(file: Option<PathBuf>) -> Settings {
        let mut settings = file
            .as_deref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .and_then(|s| ron::from_str::<Settings>(&s).ok())
            .unwrap_or_default();
        settings.zoom = settings.zoom.clamp(MIN_ZOOM, MAX_ZOOM);
        settings.file = file;
        settings
    }

    /// Writes the settings (if they have a file). Errors are returned for
    /// the status bar; they never stop the work.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(file) = &self.file else { return Ok(()) };
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let text =
            ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default()).map_err(std::io::Error::other)?;
        write_atomic(file, text.as_bytes(), false)
    }

    /// Puts `path` first in the recent list.
    pub fn remember(&mut self, path: &Path) {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(MAX_RECENT);
    }

    /// Text size of the document view.
    pub fn text_size(&self) -> f32 {
        BASE_TEXT_SIZE * self.zoom
    }

    pub fn zoom_in(&mut self) {
        self.zoom = (self.zoom * 1.1).clamp(MIN_ZOOM, MAX_ZOOM);
    }

    pub fn zoom_out(&mut self) {
        self.zoom = (self.zoom / 1.1).clamp(MIN_ZOOM, MAX_ZOOM);
    }
}

const MIN_ZOOM: f32 = 0.5;
const MAX_ZOOM: f32 = 3.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_recent_list_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cfg").join("settings.ron");
        let mut s = Settings::load(Some(file.clone()));
        assert_eq!(
            s,
            Settings {
                file: Some(file.clone()),
                ..Settings::default()
            }
        );
        s.dark = true;
        s.zoom_in();
        for i in 0..15 {
            s.remember(&dir.path().join(format!("p{i}.ron")));
        }
        s.remember(&dir.path().join("p3.ron"));
        assert_eq!(s.recent.len(), MAX_RECENT);
        assert_eq!(s.recent[0], dir.path().join("p3.ron"));
        s.save().unwrap();
        assert_eq!(Settings::load(Some(file.clone())), s);
        std::fs::write(&file, "not ron").unwrap();
        assert!(!Settings::load(Some(file)).dark, "a broken file gives defaults");
    }
}
