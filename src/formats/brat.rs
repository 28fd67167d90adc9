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
//! Import reads any brat folder: `T` lines (a discontinuous span becomes
//! one annotation per fragment, reported), `AnnotatorNotes`; relations,
//! events, attributes, normalisations and equivalences are reported as
//! skipped (Marginalia has no such annotations yet), never silently lost.

use crate::persist::safe_read::{self, MAX_PROJECT_BYTES};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::project_builder::NewSpan;
use super::{
    Export, ExportFile, ExportOptions, Exporter, FormatError, ImportOptions, Imported, Importer, Problems, Progress,
    ProjectBuilder, expand_inputs, select, type_name,
};
use crate::model::{AnnotationId, Colour, Project, Status, Text, Timestamp, guess_title};

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
    let base: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
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
        let mut export = Export::default();
        let labels: Vec<_> = project
            .schema
            .labels
            .iter()
            .filter(|l| options.labels.as_ref().is_none_or(|ls| ls.contains(&l.id)))
            .collect();
        let mut conf = String::from("[entities]\n");
        for l in &labels {
            conf.push_str(&type_name(&l.id));
            conf.push('\n');
            if type_name(&l.id) != l.id {
                export.warnings.push(format!(
                    "label {:?} is written as {:?}: brat type names cannot hold spaces",
                    l.id,
                    type_name(&l.id)
                ));
            }
        }
        conf.push_str("\n[relations]\n\n[events]\n\n[attributes]\n");
        let mut visual = String::from("[labels]\n");
        for l in &labels {
            visual.push_str(&format!("{} | {}\n", type_name(&l.id), l.name));
        }
        visual.push_str("\n[drawing]\n");
        for l in &labels {
            visual.push_str(&format!("{}\tbgColor:{}\n", type_name(&l.id), l.colour));
        }
        export.files.push(ExportFile {
            name: Some("annotation.conf".to_owned()),
            content: conf,
        });
        export.files.push(ExportFile {
            name: Some("visual.conf".to_owned()),
            content: visual,
        });
        let mut taken = HashSet::new();
        let mut manifest = Vec::new();
        let selected = select(project, options);
        // Steps: annotations.
        progress.add_total(selected.iter().map(|s| s.annotations.len() as u64).sum());
        let mut steps = 0u64;
        for sel in selected {
            let stem = file_stem(&sel.doc.id, &mut taken);
            manifest.push(serde_json::json!({
                "file": stem,
                "id": sel.doc.id,
                "title": sel.doc.title,
                "status": sel.doc.status.name(),
            }));
            let text = &sel.doc.text;
            let mut ann = String::new();
            let mut note_n = 0;
            let mut t = 0;
            for a in &sel.annotations {
                steps += 1;
                if steps.is_multiple_of(1024) {
                    progress.advance(1024)?;
                }
                let frags = fragments(text, a.range());
                if frags.is_empty() {
                    export.warnings.push(format!(
                        "{}: {} [{}, {}) holds only line breaks, which brat cannot show; it is not in the export",
                        a.doc, a.label, a.start, a.end
                    ));
                    continue;
                }
                t += 1;
                let offsets: Vec<String> = frags.iter().map(|r| format!("{} {}", r.start, r.end)).collect();
                let shown: Vec<&str> = frags.iter().map(|r| text.slice(r.clone()).unwrap_or("")).collect();
                ann.push_str(&format!(
                    "T{t}\t{} {}\t{}\n",
                    type_name(&a.label),
                    offsets.join(";"),
                    shown.join(" ")
                ));
                if !a.note.is_empty() {
                    note_n += 1;
                    ann.push_str(&format!("#{note_n}\tAnnotatorNotes T{t}\t{}\n", escape(&a.note)));
                }
                note_n += 1;
                ann.push_str(&format!("#{note_n}\tAuthor T{t}\t{}\n", escape(&a.author)));
                note_n += 1;
                // Where brat's fragments are not the span (line breaks cut
                // out), the span itself, to make it whole again on import.
                let whole = if frags[..] != [a.range()] {
                    format!(" start={} end={}", a.start, a.end)
                } else {
                    String::new()
                };
                // The annotation's own metadata, as JSON (last: it may hold spaces).
                let meta = if a.meta.is_empty() {
                    String::new()
                } else {
                    format!(" meta={}", serde_json::to_string(&a.meta).unwrap_or_default())
                };
                ann.push_str(&format!(
                    "#{note_n}\tMarginalia T{t}\tid={} created={} modified={}{whole}{}\n",
                    a.id,
                    a.created,
                    a.modified,
                    escape(&meta)
                ));
                export.annotations += 1;
            }
            export.files.push(ExportFile {
                name: Some(format!("{stem}.txt")),
                content: text.as_str().to_owned(),
            });
            export.files.push(ExportFile {
                name: Some(format!("{stem}.ann")),
                content: ann,
            });
            export.documents += 1;
        }
        progress.advance(steps % 1024)?;
        let manifest = serde_json::json!({ "project": project.name, "offsets": "codepoint", "documents": manifest });
        export.files.push(ExportFile {
            name: Some(MANIFEST.to_owned()),
            content: format!("{manifest:#}\n"),
        });
        Ok(export)
    }
}

/// What a `Marginalia` note says.
#[derive(Default)]
struct Extra {
    id: Option<AnnotationId>,
    created: Option<Timestamp>,
    modified: Option<Timestamp>,
    whole: Option<(usize, usize)>,
    meta: BTreeMap<String, String>,
}

fn parse_extra(s: &str) -> Extra {
    let mut e = Extra::default();
    let (s, meta) = s.split_once(" meta=").unwrap_or((s, ""));
    e.meta = serde_json::from_str(meta).unwrap_or_default();
    let (mut start, mut end) = (None, None);
    for part in s.split_whitespace() {
        match part.split_once('=') {
            Some(("id", v)) => e.id = AnnotationId::parse(v),
            Some(("created", v)) => e.created = Timestamp::parse(v),
            Some(("modified", v)) => e.modified = Timestamp::parse(v),
            Some(("start", v)) => start = v.parse().ok(),
            Some(("end", v)) => end = v.parse().ok(),
            _ => {}
        }
    }
    e.whole = start.zip(end);
    e
}

/// A `T` line, read.
struct TextBound {
    line: usize,
    label: String,
    fragments: Vec<Range<usize>>,
    text: String,
}

impl Importer for Brat {
    fn import(
        &self,
        inputs: &[PathBuf],
        options: &ImportOptions,
        progress: &Progress,
    ) -> Result<Imported, FormatError> {
        let mut files = expand_inputs(inputs, super::Format::Brat.extensions())?;
        let mut builder = ProjectBuilder::new(&options.name, &options.author);
        let mut problems = Problems::new(options.lenient);
        let mut notes = Vec::new();
        // Labels and colours from the configuration, in its order.
        let mut dirs: Vec<&Path> = files.iter().filter_map(|f| f.parent()).collect();
        dirs.dedup();
        let mut described: HashMap<PathBuf, HashMap<String, Described>> = HashMap::new();
        for dir in dirs {
            read_conf(dir, &mut builder);
            described.insert(dir.to_owned(), read_manifest(dir));
        }
        // In the manifest's order where there is one (the exported project's).
        let position = |f: &PathBuf| {
            let stem = f
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            f.parent()
                .and_then(|dir| described.get(dir))
                .and_then(|m| m.get(&stem))
                .map_or(usize::MAX, |d| d.order)
        };
        let mut order: Vec<(usize, PathBuf)> = files.drain(..).map(|f| (position(&f), f)).collect();
        order.sort_by_key(|(p, _)| *p);
        let files: Vec<PathBuf> = order.into_iter().map(|(_, f)| f).collect();
        // Steps: bytes of the .ann files.
        progress.add_total(files.iter().map(|f| std::fs::metadata(f).map_or(0, |m| m.len())).sum());
        for ann_path in &files {
            let txt_path = ann_path.with_extension("txt");
            // brat counts a byte order mark as a character: keep it (the
            // document check then refuses such a text, with the reason).
            let text = safe_read::read_bytes(&txt_path, MAX_PROJECT_BYTES)
                .and_then(safe_read::utf8_exact)
                .map_err(FormatError::io(&txt_path))?;
            let ann = safe_read::read_utf8(ann_path, MAX_PROJECT_BYTES).map_err(FormatError::io(ann_path))?;
            let stem = ann_path
                .file_stem()
                .map_or_else(|| "document".to_owned(), |s| s.to_string_lossy().into_owned());
            let manifest = ann_path
                .parent()
                .and_then(|dir| described.get(dir))
                .and_then(|m| m.get(&stem));
            let (id, title, status) = match manifest {
                Some(d) => (d.id.clone(), d.title.clone(), d.status),
                None => (stem.clone(), guess_title(&text, &stem), Status::Todo),
            };
            let t = Text::new(text.as_str());
            let mut bounds: Vec<(String, TextBound)> = Vec::new();
            let mut comments: HashMap<String, Vec<(usize, String, String)>> = HashMap::new();
            for (i, line) in ann.lines().enumerate() {
                let n = i + 1;
                progress.advance(line.len() as u64 + 1)?;
                if line.trim().is_empty() {
                    continue;
                }
                let mut cols = line.splitn(3, '\t');
                let (id, body) = (cols.next().unwrap_or(""), cols.next().unwrap_or(""));
                let rest = cols.next();
                match id.chars().next() {
                    Some('T') => match read_text_bound(body, rest, n) {
                        Ok(tb) => bounds.push((id.to_owned(), tb)),
                        Err(reason) => problems.report(ann_path, Some(n), reason)?,
                    },
                    Some('#') => {
                        let mut parts = body.split_whitespace();
                        match (parts.next(), parts.next()) {
                            (Some(kind), Some(target)) => comments.entry(target.to_owned()).or_default().push((
                                n,
                                kind.to_owned(),
                                unescape(rest.unwrap_or("")),
                            )),
                            _ => problems.report(ann_path, Some(n), "a note needs a type and a target".to_owned())?,
                        }
                    }
                    Some(kind @ ('R' | 'E' | 'A' | 'M' | 'N' | '*')) => {
                        let what = match kind {
                            'R' => "relation",
                            'E' => "event",
                            'A' | 'M' => "attribute",
                            'N' => "normalisation",
                            _ => "equivalence",
                        };
                        problems.skip(
                            ann_path,
                            Some(n),
                            format!("{what} {id} skipped (Marginalia has no {what}s yet): {body}"),
                        );
                    }
                    _ => problems.report(ann_path, Some(n), format!("unknown annotation kind {id:?}"))?,
                }
            }
            // A note is never dropped silently: one on an id that is not a
            // text-bound annotation here is listed.
            for (target, list) in &comments {
                if !bounds.iter().any(|(bid, _)| bid == target) {
                    for (line, kind, _) in list {
                        problems.skip(
                            ann_path,
                            Some(*line),
                            format!("{kind} note on {target} skipped: there is no text-bound annotation {target} in this file"),
                        );
                    }
                }
            }
            // Check the spans against the text before adding the document.
            let mut spans = Vec::new();
            for (bid, tb) in bounds {
                let shown: Option<Vec<&str>> = tb.fragments.iter().map(|r| t.slice(r.clone())).collect();
                let Some(shown) = shown else {
                    problems.report(
                        ann_path,
                        Some(tb.line),
                        format!(
                            "{bid}: an offset is past the end of {} ({} code points)",
                            txt_path.display(),
                            t.len_chars()
                        ),
                    )?;
                    continue;
                };
                if shown.join(" ") != tb.text {
                    problems.report(
                        ann_path,
                        Some(tb.line),
                        format!(
                            "{bid}: the line quotes {:?} but the text there is {:?}",
                            tb.text,
                            shown.join(" ")
                        ),
                    )?;
                    continue;
                }
                let mut note = String::new();
                let mut author = None;
                let mut extra = Extra::default();
                for (_, kind, value) in comments.get(&bid).into_iter().flatten() {
                    match kind.as_str() {
                        "AnnotatorNotes" => {
                            if !note.is_empty() {
                                note.push('\n');
                            }
                            note.push_str(value);
                        }
                        "Author" => author = Some(value.clone()),
                        "Marginalia" => extra = parse_extra(value),
                        _ => {}
                    }
                }
                let ranges = match extra.whole {
                    // One of our spans split at line breaks, as exported:
                    // whole again.
                    Some((s, e)) if s < e && e <= t.len_chars() && fragments(&t, s..e) == tb.fragments => {
                        std::iter::once(s..e).collect()
                    }
                    // The T line was edited since the export: the user's
                    // offsets win, and the note that disagrees is said.
                    Some((s, e)) => {
                        notes.push(format!(
                            "{}:{}: {bid} was edited after export (its Marginalia note says [{s}, {e})): the T line's offsets were used",
                            ann_path.display(),
                            tb.line
                        ));
                        tb.fragments.clone()
                    }
                    None => tb.fragments.clone(),
                };
                if ranges.len() > 1 {
                    notes.push(format!(
                        "{}: {bid} is discontinuous ({} fragments): imported as {} annotations",
                        ann_path.display(),
                        ranges.len(),
                        ranges.len()
                    ));
                }
                for (k, range) in ranges.into_iter().enumerate() {
                    spans.push(NewSpan {
                        range,
                        label: tb.label.clone(),
                        quoted: None,
                        note: note.clone(),
                        author: author.clone(),
                        id: if k == 0 { extra.id } else { None },
                        created: extra.created,
                        modified: extra.modified,
                        meta: extra.meta.clone(),
                    });
                }
            }
            let doc = match builder.add_document(&id, &title, t, status) {
                Ok(doc) => doc,
                Err(reason) => {
                    problems.report(&txt_path, None, reason)?;
                    continue;
                }
            };
            for span in spans {
                if let Err(reason) = builder.add_span(&doc, span) {
                    problems.report(ann_path, None, reason)?;
                }
            }
        }
        notes.extend(builder.notes());
        Ok(Imported {
            project: builder.finish(),
            skipped: problems.skipped,
            notes,
        })
    }
}

/// Reads `TYPE START END[;START END…]` and the quoted text.
fn read_text_bound(body: &str, text: Option<&str>, line: usize) -> Result<TextBound, String> {
    let (label, offsets) = body
        .split_once(' ')
        .ok_or("a text-bound annotation needs a type and offsets")?;
    let mut fragments = Vec::new();
    for frag in offsets.split(';') {
        let mut nums = frag.split_whitespace().map(str::parse::<usize>);
        match (nums.next(), nums.next(), nums.next()) {
            (Some(Ok(s)), Some(Ok(e)), None) if s < e => fragments.push(s..e),
            _ => return Err(format!("bad offsets {frag:?}")),
        }
    }
    Ok(TextBound {
        line,
        label: label.to_owned(),
        fragments,
        text: text.ok_or("a text-bound annotation needs its text")?.to_owned(),
    })
}

/// Adds the labels of `annotation.conf` and `visual.conf` in `dir`.
fn read_conf(dir: &Path, builder: &mut ProjectBuilder) {
    let Ok(conf) = safe_read::read_utf8(&dir.join("annotation.conf"), MAX_PROJECT_BYTES) else {
        return;
    };
    let mut section = "";
    for line in conf.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
        } else if section == "[entities]" && !line.is_empty() && !line.starts_with('#') {
            builder.ensure_label(line.trim_start_matches('!').split_whitespace().next().unwrap_or(line));
        }
    }
    let Ok(visual) = safe_read::read_utf8(&dir.join("visual.conf"), MAX_PROJECT_BYTES) else {
        return;
    };
    let mut section = "";
    for line in visual.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
        } else if section == "[labels]"
            && let Some((id, name)) = line.split_once('|')
        {
            builder.set_label_name(id.trim(), name.split('|').next().unwrap_or("").trim());
        } else if section == "[drawing]"
            && let Some((id, style)) = line.split_once(char::is_whitespace)
            && let Some(colour) = style.split(',').find_map(|s| s.trim().strip_prefix("bgColor:"))
            && let Some(colour) = Colour::parse(colour)
        {
            builder.set_label_colour(id.trim(), colour);
        }
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
