//! A source document of a project.
//!
//! The project file references each document by a path relative to the
//! project file and by a hash of its text; the text itself stays in its own
//! file so that researchers can read, grep and version it independently.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::text::Text;

/// How far the annotation of a document has come.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Todo,
    #[value(name = "in_progress", alias = "in-progress")]
    InProgress,
    Done,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Todo, Status::InProgress, Status::Done];

    /// The spelling used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Status::Todo => "todo",
            Status::InProgress => "in_progress",
            Status::Done => "done",
        }
    }

    /// The status in words, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Status::Todo => "to do",
            Status::InProgress => "in progress",
            Status::Done => "done",
        }
    }

    /// Parses [`Status::name`]'s spelling (also `in-progress`).
    pub fn parse(s: &str) -> Option<Status> {
        <Status as clap::ValueEnum>::from_str(s, false).ok()
    }

    /// The next status in the todo → in progress → done → todo cycle.
    pub fn next(self) -> Status {
        match self {
            Status::Todo => Status::InProgress,
            Status::InProgress => Status::Done,
            Status::Done => Status::Todo,
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One document: metadata from the project file plus its text once loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// Stable identifier, derived from the file stem and made unique.
    pub id: String,
    pub title: String,
    /// Path of the text file relative to the project file, with `/` separators.
    pub path: String,
    /// `sha256:<hex>` of the text as annotated. When the file on disk no
    /// longer matches, the annotations need re-anchoring.
    pub hash: String,
    /// Length of the annotated text in code points.
    pub length: usize,
    pub status: Status,
    /// Metadata fields (outlet, date, URL, …), typed by the schema's
    /// attributes declared on documents; undeclared keys are free fields.
    pub attrs: super::attrs::Attrs,
    /// The text as currently loaded (empty if the file could not be read).
    pub text: Text,
}

impl Document {
    /// A document whose hash and length describe `text`.
    pub fn new(id: impl Into<String>, title: impl Into<String>, path: impl Into<String>, text: Text) -> Document {
        Document {
            id: id.into(),
            title: title.into(),
            path: path.into(),
            hash: text.content_hash().to_owned(),
            length: text.len_chars(),
            status: Status::Todo,
            attrs: Default::default(),
            text,
        }
    }

    /// True when the loaded text is the one the annotations were made on.
    pub fn text_matches(&self) -> bool {
        self.hash == self.text.content_hash()
    }
}

/// The content hash stored for a document text: `sha256:` and 64 hex digits.
pub fn content_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// A title for a text: its first non-empty line (without Markdown heading
/// marks) if that reads like a title, else `fallback` (usually the file stem).
pub fn guess_title(text: &str, fallback: &str) -> String {
    const MAX_TITLE_CHARS: usize = 120;
    let first = text.lines().map(str::trim).find(|l| !l.is_empty());
    match first.map(|l| l.trim_start_matches('#').trim()) {
        Some(line) if !line.is_empty() && line.chars().count() <= MAX_TITLE_CHARS => line.to_owned(),
        _ => fallback.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_sha256_of_the_utf8_text() {
        assert_eq!(
            content_hash("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn titles_come_from_a_short_first_line() {
        assert_eq!(guess_title("\n# Guerre de 2023\n\nTexte", "doc"), "Guerre de 2023");
        assert_eq!(guess_title(&"x".repeat(500), "doc"), "doc");
        assert_eq!(guess_title("", "doc"), "doc");
    }

    #[test]
    fn status_cycles_and_parses() {
        assert_eq!(Status::Todo.next().next().next(), Status::Todo);
        for s in Status::ALL {
            assert_eq!(Status::parse(s.name()), Some(s));
        }
    }

    #[test]
    fn document_knows_when_its_text_changed() {
        let mut d = Document::new("d", "D", "d.txt", Text::new("avant"));
        assert!(d.text_matches());
        d.text = Text::new("après");
        assert!(!d.text_matches());
    }
}
