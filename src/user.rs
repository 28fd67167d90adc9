//! Who is annotating, and where their preferences live.
//!
//! Every annotation records its author, so the name matters for agreement,
//! adjudication and provenance. It comes from, in order: the
//! `MARGINALIA_AUTHOR` environment variable (scripts, one-off runs), the
//! `author` the workbench keeps in the user's settings file (asked once,
//! changeable from Edit → Annotator name…), then the login name. The
//! command line reads the same settings file, so a name given in the
//! workbench is the CLI's default too (`--author` overrides it).

use std::path::PathBuf;

use serde::Deserialize;

/// The name recorded as author when none is configured.
pub const UNKNOWN_AUTHOR: &str = "unknown";

/// The settings file of this user (`~/.config/marginalia/settings.ron` on
/// Linux), if the platform has a config folder. `MARGINALIA_SETTINGS`
/// names another file (tests, portable installs).
pub fn settings_file() -> Option<PathBuf> {
    if let Some(file) = std::env::var_os("MARGINALIA_SETTINGS") {
        return Some(PathBuf::from(file));
    }
    directories::ProjectDirs::from("", "", "marginalia").map(|d| d.config_dir().join("settings.ron"))
}

/// The `author` of the settings file, if it names one.
pub fn settings_author() -> Option<String> {
    #[derive(Deserialize)]
    struct Partial {
        #[serde(default)]
        author: String,
    }
    let file = settings_file()?;
    let text = crate::persist::safe_read::read_utf8(&file, 1024 * 1024).ok()?;
    let partial: Partial = ron::from_str(&text).ok()?;
    clean(&partial.author)
}

/// The configured author, or `None` when nothing names one (the workbench
/// then asks).
pub fn configured_author() -> Option<String> {
    std::env::var("MARGINALIA_AUTHOR")
        .ok()
        .and_then(|v| clean(&v))
        .or_else(settings_author)
        .or_else(|| ["USER", "USERNAME"].iter().find_map(|k| clean(&std::env::var(k).ok()?)))
}

/// The author to record: [`configured_author`], else [`UNKNOWN_AUTHOR`].
pub fn default_author() -> String {
    configured_author().unwrap_or_else(|| UNKNOWN_AUTHOR.to_owned())
}

/// A name as typed: trimmed, one line, not empty.
pub fn clean(name: &str) -> Option<String> {
    let name: String = name.trim().chars().filter(|c| !c.is_control()).collect();
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_to_one_clean_line() {
        assert_eq!(clean("  Léa Martin \n"), Some("Léa Martin".to_owned()));
        assert_eq!(clean(" \t "), None);
        assert_eq!(clean("a\u{0}b"), Some("ab".to_owned()));
    }
}
