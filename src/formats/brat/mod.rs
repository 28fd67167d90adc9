//! brat standoff: a folder with `annotation.conf`, `visual.conf`, and per
//! document `DOC.txt` (the text, exactly) and `DOC.ann`:
//!
//! Columns are separated by tabs (shown here as spaces):
//!
//! ```text
//! T1    actor 12 24    Ilham Aliyev
//! #1    AnnotatorNotes T1    le président
//! #2    Author T1    ana
//! #3    Marginalia T1    id=k3v9x2m7qp4r created=2026-11-23T20:55:50Z modified=2026-11-23T20:55:50Z
//! ```
//!
//! Offsets are code points (brat is written in Python). brat wants the span
//! text on one line, so a span crossing a line break is written as
//! fragments split at the break (`T2    claim 30 41;42 60    …`), as brat
//! itself does. `Author` and `Marginalia` notes carry what brat has no
//! field for (brat shows them as comments); with them a round trip loses
//! nothing. Tabs, newlines and backslashes in notes are escaped (`\t`,
//! `\n`, `\\`).
//!
//! brat has no place for a document's id, title or status, so a
//! `marginalia.json` manifest beside the files lists them (brat ignores
//! it); import uses it when it is there.
//!
//! Structure maps onto brat's own line kinds (see [`export`] and
//! [`import`]): a discontinuous annotation is one `T` line with several
//! fragments; relations are `R` lines; an annotation whose label is an
//! event kind is an `E` line whose arguments are its outgoing relations
//! (a repeated role numbered `Content2`, as brat does); choice and flag
//! attributes are `A` lines; entity references are `N` lines
//! (`Reference T1 Wikidata:Q57521`); values brat has no line for (text,
//! numbers, dates) are `Attribute` notes. Document metadata and the
//! schema's full declarations travel in the manifest.

mod export;
mod import;

use crate::persist::safe_read::{self, MAX_PROJECT_BYTES};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{Export, ExportOptions, Exporter, FormatError, ImportOptions, Imported, Importer, Progress};
use crate::model::{AttrValue, Attrs, Project, Status, Text};

pub struct Brat;

/// The file naming each document's id, title and status.
pub const MANIFEST: &str = "marginalia.json";

/// What the manifest says of one document.
struct Described {
    /// Position in the manifest (the project's order of documents).
    order: usize,
    id: String,
    title: String,
    status: Status,
    /// The document's metadata fields.
    attrs: Attrs,
}

/// The files an earlier Marginalia export wrote into `dir`, as its
/// manifest lists them, or `None` when `dir` holds no manifest that
/// Marginalia wrote (a `marginalia.json` of someone else's does not count).
pub fn exported_files(dir: &Path) -> Option<Vec<String>> {
    let source = safe_read::read_utf8(&dir.join(MANIFEST), MAX_PROJECT_BYTES).ok()?;
    let value: serde_json::Value = serde_json::from_str(&source).ok()?;
    let docs = value.get("documents")?.as_array()?;
    let mut files = vec![
        MANIFEST.to_owned(),
        "annotation.conf".to_owned(),
        "visual.conf".to_owned(),
    ];
    for d in docs {
        let stem = d.get("file")?.as_str()?;
        d.get("id")?.as_str()?;
        if !crate::persist::state_dir::is_plain_name(stem) {
            return None;
        }
        files.push(format!("{stem}.txt"));
        files.push(format!("{stem}.ann"));
    }
    Some(files)
}

/// The manifest of `dir`, by file stem (empty if there is none).
fn read_manifest(dir: &Path) -> HashMap<String, Described> {
    let Ok(source) = safe_read::read_utf8(&dir.join(MANIFEST), MAX_PROJECT_BYTES) else {
        return HashMap::new();
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&source) else {
        return HashMap::new();
    };
    let docs = value.get("documents").and_then(|d| d.as_array()).into_iter().flatten();
    docs.enumerate()
        .filter_map(|(order, d)| {
            let s = |k: &str| d.get(k).and_then(|v| v.as_str());
            Some((
                s("file")?.to_owned(),
                Described {
                    order,
                    id: s("id")?.to_owned(),
                    title: s("title").unwrap_or_default().to_owned(),
                    status: s("status").and_then(Status::parse).unwrap_or_default(),
                    attrs: d
                        .get("attrs")
                        .and_then(|a| a.as_object())
                        .into_iter()
                        .flatten()
                        .filter_map(|(k, v)| Some((k.clone(), AttrValue::from_json(v)?)))
                        .collect(),
                },
            ))
        })
        .collect()
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Fragments of a span, split at line breaks (which brat cannot show in a
/// span's text), as code point ranges holding some text; none if the span
/// holds only line breaks.
fn fragments(text: &Text, range: Range<usize>) -> Vec<Range<usize>> {
    let Some(s) = text.slice(range.clone()) else {
        return vec![range];
    };
    let mut out = Vec::new();
    let mut start = range.start;
    let mut cp = range.start;
    for c in s.chars() {
        if c == '\n' || c == '\r' {
            if cp > start {
                out.push(start..cp);
            }
            start = cp + 1;
        }
        cp += 1;
    }
    if cp > start {
        out.push(start..cp);
    }
    out
}

/// A file name for a document id, unique among `taken`.
fn file_stem(id: &str, taken: &mut HashSet<String>) -> String {
    let base = crate::formats::project_builder::file_stem(id);
    let mut stem = base.clone();
    let mut n = 2;
    while taken.contains(&stem) || stem == "annotation" || stem == "visual" {
        stem = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(stem.clone());
    stem
}

impl Exporter for Brat {
    fn export(&self, project: &Project, options: &ExportOptions, progress: &Progress) -> Result<Export, FormatError> {
        export::export(project, options, progress)
    }
}

impl Importer for Brat {
    fn import(
        &self,
        inputs: &[PathBuf],
        options: &ImportOptions,
        progress: &Progress,
    ) -> Result<Imported, FormatError> {
        import::import(inputs, options, progress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_escape_round_trips() {
        for s in ["plain", "a\tb\nc\\d\r\n", "\\n literal"] {
            assert_eq!(unescape(&escape(s)), s);
            assert!(!escape(s).contains(['\n', '\t', '\r']));
        }
    }

    #[test]
    #[allow(clippy::single_range_in_vec_init)]
    fn spans_are_split_at_line_breaks() {
        let t = Text::new("ab\r\ncd\nef");
        assert_eq!(fragments(&t, 0..9), [0..2, 4..6, 7..9]);
        assert_eq!(fragments(&t, 1..2), [1..2]);
    }
}
