//! JSON Lines: one document per line.
//!
//! ```json
//! {"id": "report", "title": "…", "text": "…",
//!  "spans": [{"id": "k3v9x2m7qp4r", "start": 12, "end": 24, "label": "actor", "text": "Ilham Aliyev",
//!             "note": "", "author": "ana", "created": "…", "modified": "…", "meta": {…}}],
//!  "label": [[12, 24, "actor"]],
//!  "meta": {"offsets": "codepoint", "status": "done", "path": "report.txt", "hash": "sha256:…", "project": "…"}}
//! ```
//!
//! `spans` carries everything Marginalia knows (a round trip loses
//! nothing); `label` is doccano's sequence-labelling form, so the file loads
//! in doccano as it is. Offsets count in the unit named by `meta.offsets`.
//!
//! Structure: a span's `attributes` (key → value); a discontinuous span
//! also has `"fragments": [[start, end], …]`, its `start`/`end` spanning
//! them, and one `label` triple per fragment. When the project has
//! relation types or relations, a record also carries doccano's relation
//! form: `entities` (`id`, `label`, `start_offset`, `end_offset`, and
//! `fragments`, `attributes` where they apply) and `relations` (`id`,
//! `from_id`, `to_id`, `type`, `attributes`, `note`, `author`, times).
//! The document's metadata fields are keys of `meta` beside Marginalia's
//! own (`offsets`, `status`, `path`, `hash`, `project`).
//!
//! Import reads this format and doccano's variants: the text as `text` (or
//! `data`, doccano 1.x), spans as `label` or `labels`
//! lists of `[start, end, label]`, `entities` as such lists or as objects
//! (`{"id", "start_offset", "end_offset", "label"}`, doccano's
//! entities/relations export, whose `relations` are imported too).

use crate::persist::safe_read::{self, MAX_PROJECT_BYTES};
use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;
use serde_json::Value;

use super::project_builder::{NewRelation, NewSpan};
use super::{
    Export, ExportFile, ExportOptions, Exporter, FormatError, ImportOptions, Imported, Importer, Problems, Progress,
    ProjectBuilder, expand_inputs, select,
};
use crate::model::{AnnotationId, AttrValue, Attrs, OffsetUnit, Project, Status, Text, Timestamp};

/// The keys of a record's `meta` that are Marginalia's, not document fields.
const RESERVED_META: [&str; 5] = ["offsets", "status", "path", "hash", "project"];

pub struct Jsonl;

#[derive(Serialize)]
struct Record<'a> {
    id: &'a str,
    title: &'a str,
    text: &'a str,
    spans: Spans<'a>,
    label: Vec<(usize, usize, &'a str)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entities: Option<Vec<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    relations: Option<Vec<Value>>,
    meta: Meta<'a>,
}

/// The spans of a record, ticking the progress as they are written (the
/// bulk of the work on a long document).
struct Spans<'a> {
    spans: Vec<SpanOut<'a>>,
    progress: &'a Progress,
}

impl Serialize for Spans<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = serializer.serialize_seq(Some(self.spans.len()))?;
        for (i, span) in self.spans.iter().enumerate() {
            seq.serialize_element(span)?;
            if i % 1024 == 1023 {
                self.progress.advance(1024).map_err(|_| S::Error::custom("cancelled"))?;
            }
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct SpanOut<'a> {
    id: String,
    start: usize,
    end: usize,
    label: &'a str,
    text: &'a str,
    note: &'a str,
    author: &'a str,
    created: String,
    modified: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    meta: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fragments: Option<Vec<[usize; 2]>>,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    attributes: serde_json::Map<String, Value>,
}

#[derive(Serialize)]
struct Meta<'a> {
    offsets: &'static str,
    status: &'static str,
    path: &'a str,
    hash: &'a str,
    project: &'a str,
    /// The document's metadata fields.
    #[serde(flatten)]
    fields: serde_json::Map<String, Value>,
}

fn attrs_json(attrs: &Attrs) -> serde_json::Map<String, Value> {
    attrs.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()
}

impl Exporter for Jsonl {
    fn export(&self, project: &Project, options: &ExportOptions, progress: &Progress) -> Result<Export, FormatError> {
        let unit = options.offsets;
        let mut out = String::new();
        let mut export = Export::default();
        let selected = select(project, options);
        let mut left_out = 0;
        // Steps: each annotation converted, then written; each document.
        progress.add_total(selected.iter().map(|s| 2 * s.annotations.len() as u64 + 1).sum());
        for sel in selected {
            let text = &sel.doc.text;
            let convert = |cp: usize| {
                text.offset_in(cp, unit)
                    .ok_or_else(|| FormatError::Other(format!("offset {cp} is outside document {}", sel.doc.id)))
            };
            let mut spans = Vec::with_capacity(sel.annotations.len());
            let mut label = Vec::with_capacity(sel.annotations.len());
            let structured = !project.schema.relation_types.is_empty() || !project.relations().is_empty();
            let mut entities = Vec::new();
            for a in &sel.annotations {
                let (start, end) = (convert(a.start)?, convert(a.end)?);
                let fragments = if a.is_discontinuous() {
                    let mut list = Vec::with_capacity(a.fragments.len());
                    for p in a.pieces() {
                        let piece = [convert(p.start)?, convert(p.end)?];
                        label.push((piece[0], piece[1], a.label.as_str()));
                        list.push(piece);
                    }
                    Some(list)
                } else {
                    label.push((start, end, a.label.as_str()));
                    None
                };
                if structured {
                    let mut e = serde_json::json!({
                        "id": a.id.to_string(),
                        "label": a.label,
                        "start_offset": start,
                        "end_offset": end,
                    });
                    if let Some(f) = &fragments {
                        e["fragments"] = serde_json::json!(f);
                    }
                    if !a.attrs.is_empty() {
                        e["attributes"] = Value::Object(attrs_json(&a.attrs));
                    }
                    entities.push(e);
                }
                spans.push(SpanOut {
                    id: a.id.to_string(),
                    start,
                    end,
                    label: &a.label,
                    text: &a.text,
                    note: &a.note,
                    author: &a.author,
                    created: a.created.to_string(),
                    modified: a.modified.to_string(),
                    meta: &a.meta,
                    fragments,
                    attributes: attrs_json(&a.attrs),
                });
                if spans.len().is_multiple_of(1024) {
                    progress.advance(1024)?;
                }
            }
            export.annotations += spans.len();
            export.documents += 1;
            let written = spans.len() as u64;
            let chosen: std::collections::HashSet<AnnotationId> = sel.annotations.iter().map(|a| a.id).collect();
            let all = project.relations_of(&sel.doc.id);
            let kept = all
                .iter()
                .filter(|r| chosen.contains(&r.from) && chosen.contains(&r.to))
                .count();
            left_out += all.len() - kept;
            for key in sel.doc.attrs.keys().filter(|k| RESERVED_META.contains(&k.as_str())) {
                export.warnings.push(format!(
                    "document {}: field {key:?} is not written (\"{key}\" in meta is Marginalia's own)",
                    sel.doc.id
                ));
            }
            let relations = structured.then(|| {
                project
                    .relations_of(&sel.doc.id)
                    .iter()
                    .filter(|r| chosen.contains(&r.from) && chosen.contains(&r.to))
                    .map(|r| {
                        let mut v = serde_json::json!({
                            "id": r.id.to_string(),
                            "from_id": r.from.to_string(),
                            "to_id": r.to.to_string(),
                            "type": r.kind,
                            "note": r.note,
                            "author": r.author,
                            "created": r.created.to_string(),
                            "modified": r.modified.to_string(),
                        });
                        if !r.attrs.is_empty() {
                            v["attributes"] = Value::Object(attrs_json(&r.attrs));
                        }
                        if !r.meta.is_empty() {
                            v["meta"] = serde_json::json!(r.meta);
                        }
                        v
                    })
                    .collect()
            });
            let fields = attrs_json(&sel.doc.attrs)
                .into_iter()
                .filter(|(k, _)| !RESERVED_META.contains(&k.as_str()))
                .collect();
            let record = Record {
                id: &sel.doc.id,
                title: &sel.doc.title,
                text: text.as_str(),
                spans: Spans { spans, progress },
                label,
                entities: structured.then_some(entities),
                relations,
                meta: Meta {
                    offsets: unit.name(),
                    status: sel.doc.status.name(),
                    path: &sel.doc.path,
                    hash: &sel.doc.hash,
                    project: &project.name,
                    fields,
                },
            };
            let line = serde_json::to_string(&record).map_err(|e| match progress.advance(0) {
                Err(cancelled) => cancelled,
                Ok(()) => FormatError::Other(e.to_string()),
            })?;
            out.push_str(&line);
            out.push('\n');
            // What the 1024-step ticks left over, and the document itself.
            progress.advance(written % 1024 * 2 + 1)?;
        }
        if left_out > 0 {
            export.warnings.push(format!(
                "{left_out} relation(s) left out: an end is not in the export (a label, status or author filter)"
            ));
        }
        export.files.push(ExportFile {
            name: None,
            content: out,
            beside: Default::default(),
        });
        Ok(export)
    }
}

impl Importer for Jsonl {
    fn import(
        &self,
        inputs: &[PathBuf],
        options: &ImportOptions,
        progress: &Progress,
    ) -> Result<Imported, FormatError> {
        let files = expand_inputs(inputs, super::Format::Jsonl.extensions())?;
        // Steps: bytes of input.
        progress.add_total(files.iter().map(|f| std::fs::metadata(f).map_or(0, |m| m.len())).sum());
        let mut builder = ProjectBuilder::new(&options.name, &options.author);
        let mut problems = Problems::new(options.lenient);
        let mut notes = Vec::new();
        for file in &files {
            let source = safe_read::read_utf8(file, MAX_PROJECT_BYTES).map_err(FormatError::io(file))?;
            for (i, line) in source.lines().enumerate() {
                let n = i + 1;
                progress.advance(line.len() as u64 + 1)?;
                if line.trim().is_empty() {
                    continue;
                }
                let value: Value = match serde_json::from_str(line) {
                    Ok(v) => v,
                    Err(e) => {
                        // serde_json counts lines inside this one line: give the column only.
                        let message = e.to_string();
                        let message = message.split(" at line ").next().unwrap_or(&message);
                        problems.report(
                            file,
                            Some(n),
                            format!("not valid JSON at column {}: {message}", e.column()),
                        )?;
                        continue;
                    }
                };
                let read = read_record(&value, n, options, &mut builder, &mut problems, file, &mut notes);
                super::drop_in_background(value, line.len() > 1 << 20);
                if let Err(reason) = read? {
                    problems.report(file, Some(n), reason)?;
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

/// Reads one document. The outer `Err` stops the import; the inner one
/// rejects this record.
fn read_record(
    value: &Value,
    line: usize,
    options: &ImportOptions,
    builder: &mut ProjectBuilder,
    problems: &mut Problems,
    file: &std::path::Path,
    notes: &mut Vec<String>,
) -> Result<Result<(), String>, FormatError> {
    let Some(obj) = value.as_object() else {
        return Ok(Err("a line must hold a JSON object".to_owned()));
    };
    // doccano 1.x called the text "data".
    let Some(text) = obj.get("text").or_else(|| obj.get("data")).and_then(Value::as_str) else {
        return Ok(Err("no \"text\" string".to_owned()));
    };
    let id = match obj.get("id") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => format!("doc-{line}"),
    };
    let title = obj.get("title").and_then(Value::as_str).unwrap_or(&id).to_owned();
    let meta = obj.get("meta").and_then(Value::as_object);
    let unit = match meta.and_then(|m| m.get("offsets")).and_then(Value::as_str) {
        Some(u) => match OffsetUnit::parse(u) {
            Some(unit) => unit,
            None => return Ok(Err(format!("unknown offset unit {u:?} in \"meta\""))),
        },
        None => options.offsets,
    };
    let status = meta
        .and_then(|m| m.get("status"))
        .and_then(Value::as_str)
        .and_then(Status::parse)
        .unwrap_or_default();
    let (spans, bad_spans) = match spans_of(obj) {
        Ok(read) => read,
        Err(reason) => return Ok(Err(reason)),
    };
    // A malformed span is that span's problem, not the document's: with
    // --lenient the rest of the record is kept.
    for reason in bad_spans {
        problems.report(file, Some(line), reason)?;
    }
    for (key, what) in [("cats", "document categories"), ("comments", "comments")] {
        if obj.get(key).and_then(Value::as_array).is_some_and(|r| !r.is_empty()) {
            problems.skip(
                file,
                Some(line),
                format!("{what} (\"{key}\") of document {id} skipped: Marginalia does not import them yet"),
            );
        }
    }
    let relations = match relations_of(obj) {
        Ok(r) => r,
        Err(reason) => return Ok(Err(reason)),
    };
    let fields: Attrs = meta
        .into_iter()
        .flatten()
        .filter(|(k, _)| !RESERVED_META.contains(&k.as_str()))
        .filter_map(|(k, v)| Some((k.clone(), AttrValue::from_json(v)?)))
        .collect();
    // Check every span before adding the document, so that a rejected
    // record leaves nothing behind.
    let t = Text::new(text);
    let mut checked = Vec::with_capacity(spans.len());
    for (source_id, span) in spans {
        let to_cp = |offset: usize| {
            t.char_from(offset, unit).ok_or_else(|| {
                if offset > t.index().len_in(unit) {
                    // Past the end in this unit but within it in a larger
                    // one: most likely offsets counted in that unit.
                    let fits = [OffsetUnit::Utf16, OffsetUnit::Byte].into_iter().find(|u| {
                        *u != unit && t.index().len_in(*u) > t.index().len_in(unit) && offset <= t.index().len_in(*u)
                    });
                    format!(
                        "offset {offset} is beyond the end of the text ({} {}){}",
                        t.index().len_in(unit),
                        unit.counts(),
                        fits.map_or_else(String::new, |u| format!(
                            "; it is within it in {}: are the offsets in that unit (--offsets {})?",
                            u.counts(),
                            u.name()
                        ))
                    )
                } else {
                    format!(
                        "offset {offset} falls inside a character (offsets in {})",
                        unit.counts()
                    )
                }
            })
        };
        let pieces: Result<Vec<_>, String> = span
            .fragments
            .iter()
            .map(|p| Ok(to_cp(p.start)?..to_cp(p.end)?))
            .collect();
        match (to_cp(span.range.start), to_cp(span.range.end), pieces) {
            (Ok(s), Ok(e), Ok(fragments)) => checked.push((
                source_id,
                NewSpan {
                    range: s..e,
                    fragments,
                    ..span
                },
            )),
            (Err(reason), _, _) | (_, Err(reason), _) | (_, _, Err(reason)) => {
                problems.report(file, Some(line), reason)?;
            }
        }
    }
    let doc = match builder.add_document(&id, &title, t, status) {
        Ok(doc) => doc,
        Err(reason) => {
            problems.report(file, Some(line), reason)?;
            return Ok(Ok(()));
        }
    };
    if doc != id {
        notes.push(format!("document id {id:?} was taken; imported as {doc:?}"));
    }
    builder.set_document_attrs(&doc, fields);
    let mut ids = std::collections::HashMap::new();
    for (source_id, span) in checked {
        match builder.add_span(&doc, span) {
            Ok(id) => {
                if let Some(source) = source_id
                    && let Some(_) = ids.insert(source.clone(), id)
                {
                    // Relations could not say which one they mean.
                    problems.report(file, Some(line), format!("two spans have the id {source:?}"))?;
                }
            }
            Err(reason) => problems.report(file, Some(line), reason)?,
        }
    }
    for (from, to, mut r) in relations {
        let (Some(&f), Some(&t)) = (ids.get(&from), ids.get(&to)) else {
            problems.report(
                file,
                Some(line),
                format!(
                    "relation {}: from_id {from} or to_id {to} names no entity of this record",
                    r.kind
                ),
            )?;
            continue;
        };
        (r.from, r.to) = (f, t);
        let kind = r.kind.clone();
        if let Err(reason) = builder.add_relation(&doc, r) {
            problems.report(file, Some(line), format!("relation {kind}: {reason}"))?;
        }
    }
    Ok(Ok(()))
}

/// An id as a record writes it (a string, or doccano's number).
fn id_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Attribute values of a span, relation or document.
fn attributes(v: Option<&Value>) -> Result<Attrs, String> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(Attrs::new());
    };
    let obj = v.as_object().ok_or("\"attributes\" must be an object of key: value")?;
    obj.iter()
        .map(|(k, v)| {
            AttrValue::from_json(v).map(|v| (k.clone(), v)).ok_or_else(|| {
                format!("attribute {k:?} must be a string, a number, true or false, or a list of strings")
            })
        })
        .collect()
}

/// The relations of a record (doccano's `relations`), with the ids of
/// their ends as the record writes them.
fn relations_of(obj: &serde_json::Map<String, Value>) -> Result<Vec<(String, String, NewRelation)>, String> {
    let Some(list) = obj.get("relations").filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let list = list.as_array().ok_or("\"relations\" must be a list")?;
    list.iter()
        .map(|r| {
            let o = r.as_object().ok_or("a relation must be an object")?;
            let from = id_text(o.get("from_id")).ok_or("a relation needs from_id")?;
            let to = id_text(o.get("to_id")).ok_or("a relation needs to_id")?;
            let kind = o
                .get("type")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .ok_or("a relation needs a type")?
                .to_owned();
            let string = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_owned);
            let time = |k: &str| string(k).and_then(|s| Timestamp::parse(&s));
            Ok((
                from,
                to,
                NewRelation {
                    kind,
                    from: AnnotationId::from_u64(0),
                    to: AnnotationId::from_u64(0),
                    note: string("note").unwrap_or_default(),
                    attrs: attributes(o.get("attributes"))?,
                    author: string("author"),
                    id: string("id").and_then(|s| AnnotationId::parse(&s)),
                    created: time("created"),
                    modified: time("modified"),
                    meta: o
                        .get("meta")
                        .and_then(Value::as_object)
                        .map(|m| {
                            m.iter()
                                .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                                .collect()
                        })
                        .unwrap_or_default(),
                },
            ))
        })
        .collect()
}

/// A span read, with the id its record gives it (for relations).
type Read = (Option<String>, NewSpan);
/// The spans read from one list, and why each malformed item was left out.
type ReadSpans = (Vec<Read>, Vec<String>);

/// The spans of a record, in the first form it has.
/// The record's spans, and why any malformed one was left out (of the
/// list read; the others are only compared with it).
fn spans_of(obj: &serde_json::Map<String, Value>) -> Result<ReadSpans, String> {
    // Marginalia writes spans up to three times (`spans` in full, `label`
    // for doccano, `entities` for doccano's relation form): an edit to one
    // that another lacks must not be dropped silently.
    let mut read: Vec<(&str, Vec<Read>)> = Vec::new();
    let mut bad: Option<Vec<String>> = None;
    for key in ["spans", "label", "labels", "entities"] {
        if let Some((spans, problems)) = spans_under(obj, key)? {
            read.push((key, spans));
            bad.get_or_insert(problems);
        }
    }
    // Compared piece by piece: `label` has a triple per fragment.
    fn keys_of(spans: &[Read]) -> Vec<(usize, usize, &str)> {
        let mut keys: Vec<(usize, usize, &str)> = Vec::with_capacity(spans.len());
        for (_, s) in spans {
            if s.fragments.is_empty() {
                keys.push((s.range.start, s.range.end, &s.label));
            } else {
                keys.extend(s.fragments.iter().map(|r| (r.start, r.end, s.label.as_str())));
            }
        }
        keys.sort_unstable();
        keys
    }
    if let [(first, a), rest @ ..] = read.as_slice() {
        let want = keys_of(a);
        for (other, b) in rest {
            let got = keys_of(b);
            if got != want {
                return Err(format!(
                    "\"{first}\" and \"{other}\" hold different spans; keep one of them (or make them agree)"
                ));
            }
        }
    }
    Ok((
        read.into_iter().next().map(|(_, spans)| spans).unwrap_or_default(),
        bad.unwrap_or_default(),
    ))
}

/// The spans under `key`, if the record has that key, and why each
/// malformed item was left out. The outer error is the record's (not a
/// list at all).
fn spans_under(obj: &serde_json::Map<String, Value>, key: &str) -> Result<Option<ReadSpans>, String> {
    let list = match obj.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(list)) => list,
        // Never a silent "0 spans": a string or number here is a document
        // label or a mistake, and the record says so.
        Some(other) => {
            return Err(format!(
                "\"{key}\" must be a list of spans, not {}",
                match other {
                    Value::String(s) => format!("the string {s:?} (a document label?)"),
                    Value::Bool(_) => "a boolean".to_owned(),
                    Value::Number(_) => "a number".to_owned(),
                    _ => "an object".to_owned(),
                }
            ));
        }
    };
    if key != "spans" && list.iter().all(Value::is_string) && !list.is_empty() {
        return Err(format!(
            "\"{key}\" holds document labels (text classification), not spans"
        ));
    }
    let (mut spans, mut bad) = (Vec::with_capacity(list.len()), Vec::new());
    for (k, item) in list.iter().enumerate() {
        let read = match item {
            _ if key == "spans" => span_object(item),
            Value::Array(triple) => triple_span(triple).map(|s| (None, s)),
            Value::Object(_) => span_object(item),
            _ => Err("items must be [start, end, label] or objects".to_owned()),
        };
        match read {
            Ok(span) => spans.push(span),
            Err(reason) => bad.push(format!("\"{key}\" item {} left out: {reason}", k + 1)),
        }
    }
    Ok(Some((spans, bad)))
}

fn number(v: Option<&Value>, what: &str) -> Result<usize, String> {
    v.and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| format!("span {what} must be a non-negative integer"))
}

fn triple_span(triple: &[Value]) -> Result<NewSpan, String> {
    match triple {
        [s, e, l] => Ok(NewSpan {
            range: number(Some(s), "start")?..number(Some(e), "end")?,
            label: label_text(l)?,
            ..NewSpan::default()
        }),
        _ => Err("a span must be [start, end, label]".to_owned()),
    }
}

fn label_text(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) if !s.is_empty() => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err("a span label must be a non-empty string".to_owned()),
    }
}

fn span_object(v: &Value) -> Result<Read, String> {
    let o = v.as_object().ok_or("a span must be an object")?;
    let get = |k: &str| o.get(k);
    let start = number(get("start").or(get("start_offset")), "start")?;
    let end = number(get("end").or(get("end_offset")), "end")?;
    let label = label_text(get("label").ok_or("a span needs a label")?)?;
    let string = |k: &str| get(k).and_then(Value::as_str).map(str::to_owned);
    // A time that is there but unreadable is said, not replaced by "now".
    let time = |k: &str| match get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Timestamp::parse(s)
            .map(Some)
            .ok_or_else(|| format!("span {k} time {s:?} is not RFC 3339 in years 1 to 9999")),
        Some(other) => Err(format!("span {k} time must be an RFC 3339 string, not {other}")),
    };
    let fragments = match get("fragments") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list
            .iter()
            .map(|p| match p.as_array().map(Vec::as_slice) {
                Some([s, e]) => Ok(number(Some(s), "fragment start")?..number(Some(e), "fragment end")?),
                _ => Err("a fragment must be [start, end]".to_owned()),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("\"fragments\" must be a list of [start, end]".to_owned()),
    };
    Ok((
        id_text(get("id")),
        NewSpan {
            range: start..end,
            fragments,
            attrs: attributes(get("attributes"))?,
            label,
            quoted: string("text"),
            note: string("note").unwrap_or_default(),
            author: string("author"),
            id: string("id").and_then(|s| AnnotationId::parse(&s)),
            created: time("created")?,
            modified: time("modified")?,
            meta: get("meta")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                        .collect()
                })
                .unwrap_or_default(),
        },
    ))
}
