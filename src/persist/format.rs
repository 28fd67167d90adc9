//! The RON project file format: writing it, and reading it fast.
//!
//! The file is meant to be read by people and diffed and merged by git:
//!
//! ```text
//! // Marginalia project file. Offsets are Unicode code points, half-open [start, end); …
//! (
//!     format_version: 1,
//!     name: "Karabakh",
//!     labels: [
//!         (id: "event", name: "Event", colour: "#f28e2b", hotkey: Some('1'), guideline: "…"),
//!     ],
//!     documents: [
//!         (id: "report-2020", title: "…", path: "report-2020.txt", hash: "sha256:…", length: 4530, status: done),
//!     ],
//!     orphans: [  // only when some exist: annotations whose text was deleted
//!         (id: …, doc: …, start: …, end: …, …),
//!     ],
//!     annotations: [
//!         (id: "k3v9x2m7qp4r", doc: "report-2020", start: 120, end: 134, label: "actor", text: "…", author: "ana", created: "…", modified: "…"),
//!     ],
//! )
//! ```
//!
//! One label, document or annotation per line, annotations in canonical
//! order, strings escaped so that none spans lines (invisible characters
//! such as no-break spaces and joiners are written as `\u{a0}` so that they
//! show in diffs): adding an annotation changes one line of `git diff`, and
//! the same project always serialises to the same bytes.
//!
//! Any valid RON with these fields is accepted, so hand edits and other
//! tools' output load. Unknown fields are refused (a misspelt optional
//! field would otherwise be dropped at the next save); missing optional
//! fields take defaults, so files stay loadable as the format grows.
//!
//! Reading: ron parses about 40 MB/s, too slow for a 100,000-annotation
//! project (22 MB). Files in the canonical layout this module writes are
//! therefore read by a strict line parser for the annotations (the small
//! head still goes through ron). Anything that departs from the canonical
//! form, however slightly, falls back to parsing the whole file with ron,
//! which stays the reference and reports every error with its position.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::model::{Annotation, AnnotationId, Document, Label, Project, Schema, Status, Text, Timestamp};

/// The format version this build writes. Files with a larger number are refused.
pub const FORMAT_VERSION: u32 = 1;

const HEADER: &str = "// Marginalia project file. Offsets are Unicode code points, half-open [start, end); \
`text` quotes the span. Run `marginalia validate` after editing by hand.\n";

const ANNOTATIONS_OPEN: &str = "    annotations: [\n";
const ANNOTATIONS_CLOSE: &str = "    ],\n)\n";

/// A document's entry in the file (the text lives in its own file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DocumentEntry {
    pub id: String,
    pub title: String,
    pub path: String,
    pub hash: String,
    pub length: usize,
    #[serde(default)]
    pub status: Status,
}

impl DocumentEntry {
    /// The document, with `text` as loaded from its file.
    pub fn into_document(self, text: Text) -> Document {
        Document {
            id: self.id,
            title: self.title,
            path: self.path,
            hash: self.hash,
            length: self.length,
            status: self.status,
            text,
        }
    }
}

/// The file as parsed, before documents are read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileIn {
    pub format_version: u32,
    pub name: String,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(default)]
    pub documents: Vec<DocumentEntry>,
    #[serde(default)]
    pub orphans: Vec<Annotation>,
    #[serde(default)]
    pub annotations: Vec<Annotation>,
}

/// A parsed file's parts: name, schema, document entries, annotations, orphans.
pub(crate) type FileParts = (String, Schema, Vec<DocumentEntry>, Vec<Annotation>, Vec<Annotation>);

impl FileIn {
    /// Splits into the project's parts.
    pub fn into_parts(self) -> FileParts {
        (
            self.name,
            Schema { labels: self.labels },
            self.documents,
            self.annotations,
            self.orphans,
        )
    }
}

// ---------------------------------------------------------------- writing

/// Serialises a project to the canonical file text.
pub fn to_string(project: &Project) -> String {
    let annotations = project.annotations();
    let mut out = String::with_capacity(4096 + annotations.len() * 256);
    out.push_str(HEADER);
    out.push_str("(\n");
    let _ = writeln!(out, "    format_version: {FORMAT_VERSION},");
    let _ = writeln!(out, "    name: {:?},", project.name);
    list(&mut out, "labels", &project.schema.labels, write_label);
    list(&mut out, "documents", &project.documents, write_document);
    // Orphans come before the annotations, so that the annotations stay
    // the canonical tail the fast reader expects.
    if !project.orphans.is_empty() {
        list(&mut out, "orphans", &project.orphans, write_annotation);
    }
    list(&mut out, "annotations", annotations, write_annotation);
    out.push_str(")\n");
    out
}

fn list<T>(out: &mut String, name: &str, items: &[T], write: fn(&mut String, &T)) {
    if items.is_empty() {
        let _ = writeln!(out, "    {name}: [],");
        return;
    }
    let _ = writeln!(out, "    {name}: [");
    for item in items {
        out.push_str("        (");
        write(out, item);
        out.push_str("),\n");
    }
    out.push_str("    ],\n");
}

// `write!` into a String cannot fail; the results are discarded below.

fn write_label(out: &mut String, l: &Label) {
    let _ = write!(out, "id: {:?}, name: {:?}, colour: \"{}\"", l.id, l.name, l.colour);
    if let Some(key) = l.hotkey {
        let _ = write!(out, ", hotkey: Some({key:?})");
    }
    if !l.guideline.is_empty() {
        let _ = write!(out, ", guideline: {:?}", l.guideline);
    }
}

fn write_document(out: &mut String, d: &Document) {
    let _ = write!(
        out,
        "id: {:?}, title: {:?}, path: {:?}, hash: {:?}, length: {}, status: {}",
        d.id,
        d.title,
        d.path,
        d.hash,
        d.length,
        d.status.name()
    );
}

fn write_annotation(out: &mut String, a: &Annotation) {
    let _ = write!(
        out,
        "id: \"{}\", doc: {:?}, start: {}, end: {}, label: {:?}, text: {:?}",
        a.id, a.doc, a.start, a.end, a.label, a.text
    );
    if !a.note.is_empty() {
        let _ = write!(out, ", note: {:?}", a.note);
    }
    let _ = write!(
        out,
        ", author: {:?}, created: \"{}\", modified: \"{}\"",
        a.author, a.created, a.modified
    );
    if !a.meta.is_empty() {
        out.push_str(", meta: {");
        for (i, (k, v)) in a.meta.iter().enumerate() {
            let _ = write!(out, "{}{k:?}: {v:?}", if i == 0 { "" } else { ", " });
        }
        out.push('}');
    }
}

// ---------------------------------------------------------------- reading

/// Parses project file text: the fast path for canonical files, ron for
/// everything else (and for every error).
pub(crate) fn parse(source: &str) -> Result<FileIn, ron::error::SpannedError> {
    if let Some(file) = parse_canonical(source) {
        return Ok(file);
    }
    ron::from_str(source)
}

/// The canonical fast path, or `None` to fall back to ron.
fn parse_canonical(source: &str) -> Option<FileIn> {
    let open = source.find(ANNOTATIONS_OPEN)?;
    let body_start = open + ANNOTATIONS_OPEN.len();
    let body_end = source.len().checked_sub(ANNOTATIONS_CLOSE.len())?;
    // `get`, not indexing: the file's last bytes may start inside a
    // multi-byte character.
    if body_start > body_end || source.get(body_end..) != Some(ANNOTATIONS_CLOSE) {
        return None;
    }
    // The head, with an empty annotation list, is small: ron reads it.
    let mut head = String::with_capacity(open + 32);
    head.push_str(&source[..open]);
    head.push_str("    annotations: [],\n)\n");
    let mut file: FileIn = ron::from_str(&head).ok()?;
    let body = &source[body_start..body_end];
    let mut annotations = Vec::with_capacity(body.len() / 200);
    for line in body.lines() {
        let inner = line.strip_prefix("        (")?.strip_suffix("),")?;
        annotations.push(parse_annotation(inner)?);
    }
    file.annotations = annotations;
    Some(file)
}

/// Parses `id: "…", doc: "…", …` (the inside of one canonical annotation line).
fn parse_annotation(s: &str) -> Option<Annotation> {
    let mut c = Cursor { s, i: 0 };
    let mut id = None;
    let (mut doc, mut label, mut text, mut author) = (None, None, None, None);
    let (mut start, mut end, mut created, mut modified) = (None, None, None, None);
    let mut note = None;
    let mut meta = None;
    loop {
        let field = c.ident()?;
        c.literal(": ")?;
        // A repeated field is not canonical: `replace` tells.
        let fresh = match field {
            "id" => id.replace(AnnotationId::parse(&c.string()?)?).is_none(),
            "doc" => doc.replace(c.string()?.into_owned()).is_none(),
            "start" => start.replace(c.number()?).is_none(),
            "end" => end.replace(c.number()?).is_none(),
            "label" => label.replace(c.string()?.into_owned()).is_none(),
            "text" => text.replace(c.string()?.into_owned()).is_none(),
            "note" => note.replace(c.string()?.into_owned()).is_none(),
            "author" => author.replace(c.string()?.into_owned()).is_none(),
            "created" => created.replace(Timestamp::parse(&c.string()?)?).is_none(),
            "modified" => modified.replace(Timestamp::parse(&c.string()?)?).is_none(),
            "meta" => meta.replace(c.map()?).is_none(),
            _ => return None,
        };
        if !fresh {
            return None;
        }
        if c.at_end() {
            break;
        }
        c.literal(", ")?;
    }
    Some(Annotation {
        id: id?,
        doc: doc?,
        start: start?,
        end: end?,
        label: label?,
        text: text?,
        note: note.unwrap_or_default(),
        author: author?,
        created: created?,
        modified: modified?,
        meta: meta.unwrap_or_default(),
    })
}

struct Cursor<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Cursor<'a> {
    fn at_end(&self) -> bool {
        self.i == self.s.len()
    }

    fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }

    fn literal(&mut self, lit: &str) -> Option<()> {
        self.rest().starts_with(lit).then(|| self.i += lit.len())
    }

    fn ident(&mut self) -> Option<&'a str> {
        let n = self
            .rest()
            .bytes()
            .take_while(|b| b.is_ascii_lowercase() || *b == b'_')
            .count();
        (n > 0).then(|| {
            let ident = &self.rest()[..n];
            self.i += n;
            ident
        })
    }

    /// A decimal number without sign, leading zeros or suffix.
    fn number(&mut self) -> Option<usize> {
        let digits = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        let text = &self.rest()[..digits];
        if digits == 0 || (digits > 1 && text.starts_with('0')) {
            return None;
        }
        let n = text.parse().ok()?;
        self.i += digits;
        Some(n)
    }

    /// A double-quoted string with ron's escapes (`\x` escapes fall back).
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.literal("\"")?;
        let rest = self.rest();
        let close = rest.find('"')?;
        let plain = &rest[..close];
        if !plain.contains('\\') {
            self.i += close + 1;
            return Some(Cow::Borrowed(plain));
        }
        let mut out = String::with_capacity(rest.len().min(256));
        let mut chars = rest.char_indices();
        while let Some((at, ch)) = chars.next() {
            match ch {
                '"' => {
                    self.i += at + 1;
                    return Some(Cow::Owned(out));
                }
                '\\' => out.push(match chars.next()?.1 {
                    '"' => '"',
                    '\\' => '\\',
                    '\'' => '\'',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    '0' => '\0',
                    'u' => {
                        if chars.next()?.1 != '{' {
                            return None;
                        }
                        let mut value = 0u32;
                        let mut digits = 0;
                        loop {
                            let d = chars.next()?.1;
                            if d == '}' {
                                break;
                            }
                            value = value * 16 + d.to_digit(16)?;
                            digits += 1;
                            if digits > 6 {
                                return None;
                            }
                        }
                        if digits == 0 {
                            return None;
                        }
                        char::from_u32(value)?
                    }
                    _ => return None,
                }),
                // A raw line break inside a string is valid RON but not canonical.
                '\n' | '\r' => return None,
                c => out.push(c),
            }
        }
        None
    }

    /// `{"key": "value", …}`.
    fn map(&mut self) -> Option<BTreeMap<String, String>> {
        self.literal("{")?;
        let mut map = BTreeMap::new();
        if self.literal("}").is_some() {
            return Some(map);
        }
        loop {
            let k = self.string()?.into_owned();
            self.literal(": ")?;
            let v = self.string()?.into_owned();
            if map.insert(k, v).is_some() {
                return None;
            }
            if self.literal("}").is_some() {
                return Some(map);
            }
            self.literal(", ")?;
        }
    }
}

/// The `format_version` a file declares, read without parsing the whole
/// file, so that a newer file is refused with a clear message even if its
/// syntax has changed in ways this build cannot parse. Only a field at the
/// start of a line counts: the words in a comment or a string do not.
pub fn declared_version(source: &str) -> Option<u32> {
    source.lines().take(64).find_map(|line| {
        let line = line.trim_start();
        let line = line.strip_prefix('(').unwrap_or(line).trim_start();
        let rest = line.strip_prefix("format_version")?.trim_start().strip_prefix(':')?;
        let digits: String = rest.trim_start().chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn annotation(text: &str, note: &str, meta: &[(&str, &str)]) -> Annotation {
        Annotation {
            id: AnnotationId::from_u64(12345),
            doc: "doc \"quoted\"".into(),
            start: 0,
            end: 10,
            label: "claim".into(),
            text: text.into(),
            note: note.into(),
            author: "Léa Martin".into(),
            created: Timestamp::from_unix(1_700_000_000),
            modified: Timestamp::from_unix(1_700_000_060),
            meta: meta.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    fn line_of(a: &Annotation) -> String {
        let mut s = String::new();
        write_annotation(&mut s, a);
        s
    }

    #[test]
    fn tricky_strings_survive_the_fast_path_and_ron_alike() {
        for text in [
            "l'Azerbaïdjan « cessez-le-feu »\u{a0}!",
            "line\r\nbreak\ttab \\ backslash \"quote\"",
            "e\u{301} 👨🏻\u{200d}🚒 \u{200f}rtl\u{202e} \0 nul \u{7f}",
            "",
        ] {
            let a = annotation(
                text,
                "note with 'quotes'",
                &[("source", "ana.ron"), ("conflict", "a \"b\"")],
            );
            let line = line_of(&a);
            assert!(!line.contains('\n'), "{line}");
            assert!(!line.contains("\\'"), "single quotes are not escaped: {line}");
            assert_eq!(parse_annotation(&line), Some(a.clone()), "{line}");
            let via_ron: Annotation = ron::from_str(&format!("({line})")).unwrap();
            assert_eq!(via_ron, a);
        }
    }

    #[test]
    fn optional_fields_may_be_absent() {
        let a = annotation("x", "", &[]);
        let line = line_of(&a);
        assert!(!line.contains("note") && !line.contains("meta"), "{line}");
        assert_eq!(parse_annotation(&line), Some(a));
    }

    #[test]
    fn non_canonical_lines_are_left_to_ron() {
        let line = line_of(&annotation("x", "n", &[]));
        for bad in [
            line.replace(", ", ","),
            line.replace("start: 0", "start: 00"),
            line.replace("start: 0", "start: 0x0"),
            line.replace("label", "lable"),
            line.replace("text: \"x\"", "text: \"x\\x41\""),
            format!("{line}, note: \"again\""),
            line.replace("author: ", "author: r"),
        ] {
            assert_eq!(parse_annotation(&bad), None, "{bad}");
        }
        // ron itself reads the `\'` escape older files contain.
        let old = line.replace("text: \"x\"", "text: \"l\\'x\"");
        assert_eq!(parse_annotation(&old).unwrap().text, "l'x");
    }

    #[test]
    fn declared_version_is_read_from_the_head() {
        assert_eq!(declared_version("// x\n(\n    format_version: 7,\n"), Some(7));
        assert_eq!(declared_version("(format_version:12)"), Some(12));
        assert_eq!(declared_version("(name: \"x\")"), None);
    }
}
