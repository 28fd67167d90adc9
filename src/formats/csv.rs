//! CSV: one row per annotation, for pandas, R and spreadsheets.
//!
//! Columns: `document, start, end, label, text, note, author, created,
//! modified, left_context, right_context, offset_unit, id, fragments`,
//! then one column per attribute key (named by the key; `attr_KEY` when
//! the key is also a column's name). `fragments` lists a discontinuous
//! span's pieces as `start-end;start-end` in the offset unit (empty for a
//! one-piece span); a multi-choice value joins its values with `|`.
//! When the project has relations or relation types, a second file beside
//! it, `STEM.relations.csv`, has one row per relation: `id, type,
//! document, from_id, from_text, to_id, to_text, note, author, created,
//! modified`, then its attribute columns. RFC 4180 quoting,
//! UTF-8 without a byte order mark, CRLF line ends as the RFC asks (pandas
//! and R read them; quoted fields may hold newlines). The context columns
//! hold up to 40 code points before and after the span. The last column
//! names the offset unit of `start` and `end`, so that a file read without
//! its command line still says how to slice.

use super::{Export, ExportFile, ExportOptions, Exporter, FormatError, Progress, select};
use crate::model::Project;

pub struct Csv;

/// Code points of context on each side.
pub const CONTEXT: usize = 40;

pub const HEADER: [&str; 14] = [
    "document",
    "start",
    "end",
    "label",
    "text",
    "note",
    "author",
    "created",
    "modified",
    "left_context",
    "right_context",
    "offset_unit",
    "id",
    "fragments",
];

/// The columns of the relations file (before its attribute columns).
pub const RELATION_HEADER: [&str; 11] = [
    "id",
    "type",
    "document",
    "from_id",
    "from_text",
    "to_id",
    "to_text",
    "note",
    "author",
    "created",
    "modified",
];

/// Attribute keys as column names, in order, for `keys` used beside `taken` columns.
fn attribute_columns(keys: &[String], taken: &[&str]) -> Vec<String> {
    keys.iter()
        .map(|k| {
            if taken.contains(&k.as_str()) {
                format!("attr_{k}")
            } else {
                k.clone()
            }
        })
        .collect()
}

/// The attribute keys used by `attrs`, in the schema's order, then any others.
fn keys_used<'a>(project: &Project, attrs: impl Iterator<Item = &'a crate::model::Attrs>) -> Vec<String> {
    let mut used = std::collections::BTreeSet::new();
    for a in attrs {
        used.extend(a.keys().cloned());
    }
    let mut keys: Vec<String> = project
        .schema
        .attributes
        .iter()
        .filter(|d| used.contains(&d.id))
        .map(|d| d.id.clone())
        .collect();
    keys.extend(used.into_iter().filter(|k| project.schema.attribute(k).is_none()));
    keys
}

/// Appends one field, quoted when it holds a comma, a quote or a line break.
fn field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

fn row(out: &mut String, fields: &[&str]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, f);
    }
    out.push_str("\r\n");
}

impl Exporter for Csv {
    fn export(&self, project: &Project, options: &ExportOptions, progress: &Progress) -> Result<Export, FormatError> {
        let unit = options.offsets;
        let mut out = String::new();
        let mut export = Export::default();
        let selected = select(project, options);
        let keys = keys_used(
            project,
            selected.iter().flat_map(|s| s.annotations.iter().map(|a| &a.attrs)),
        );
        let mut header: Vec<String> = HEADER.iter().map(|h| (*h).to_owned()).collect();
        header.extend(attribute_columns(&keys, &HEADER));
        row(&mut out, &header.iter().map(String::as_str).collect::<Vec<_>>());
        // Steps: annotations.
        progress.add_total(selected.iter().map(|s| s.annotations.len() as u64).sum());
        for sel in &selected {
            let text = &sel.doc.text;
            export.documents += 1;
            for a in &sel.annotations {
                let (Some(start), Some(end)) = (text.offset_in(a.start, unit), text.offset_in(a.end, unit)) else {
                    return Err(FormatError::Other(format!(
                        "annotation {} is outside document {}",
                        a.id, a.doc
                    )));
                };
                let left = text.slice(a.start.saturating_sub(CONTEXT)..a.start).unwrap_or("");
                let right = text.slice(a.end..(a.end + CONTEXT).min(text.len_chars())).unwrap_or("");
                let (start, end) = (start.to_string(), end.to_string());
                let (created, modified) = (a.created.to_string(), a.modified.to_string());
                let fragments = if a.is_discontinuous() {
                    a.pieces()
                        .iter()
                        .filter_map(|p| {
                            Some(format!(
                                "{}-{}",
                                text.offset_in(p.start, unit)?,
                                text.offset_in(p.end, unit)?
                            ))
                        })
                        .collect::<Vec<_>>()
                        .join(";")
                } else {
                    String::new()
                };
                let id = a.id.to_string();
                let values: Vec<String> = keys
                    .iter()
                    .map(|k| a.attrs.get(k).map(|v| v.to_string()).unwrap_or_default())
                    .collect();
                let mut fields: Vec<&str> = vec![
                    &a.doc,
                    &start,
                    &end,
                    &a.label,
                    &a.text,
                    &a.note,
                    &a.author,
                    &created,
                    &modified,
                    left,
                    right,
                    unit.name(),
                    &id,
                    &fragments,
                ];
                fields.extend(values.iter().map(String::as_str));
                row(&mut out, &fields);
                export.annotations += 1;
                if export.annotations.is_multiple_of(1024) {
                    progress.advance(1024)?;
                }
            }
        }
        progress.advance(export.annotations as u64 % 1024)?;
        export.files.push(ExportFile {
            name: None,
            content: out,
            beside: false,
        });
        if !project.schema.relation_types.is_empty() || !project.relations().is_empty() {
            let (content, written) = relations_file(project, &selected);
            let all: usize = selected.iter().map(|s| project.relations_of(&s.doc.id).len()).sum();
            if all > written {
                export.warnings.push(format!(
                    "{} relation(s) left out: an end is not in the export (a label, status or author filter)",
                    all - written
                ));
            }
            export.files.push(ExportFile {
                name: Some(".relations.csv".to_owned()),
                content,
                beside: true,
            });
        }
        Ok(export)
    }
}

/// The relations file: one row per relation whose two ends are exported;
/// and how many rows it has.
fn relations_file(project: &Project, selected: &[super::Selected<'_>]) -> (String, usize) {
    let mut out = String::new();
    let chosen: std::collections::HashMap<crate::model::AnnotationId, &crate::model::Annotation> = selected
        .iter()
        .flat_map(|s| s.annotations.iter().map(|a| (a.id, *a)))
        .collect();
    let relations: Vec<&crate::model::Relation> = selected
        .iter()
        .flat_map(|s| project.relations_of(&s.doc.id))
        .filter(|r| chosen.contains_key(&r.from) && chosen.contains_key(&r.to))
        .collect();
    let written = relations.len();
    let keys = keys_used(project, relations.iter().map(|r| &r.attrs));
    let mut header: Vec<String> = RELATION_HEADER.iter().map(|h| (*h).to_owned()).collect();
    header.extend(attribute_columns(&keys, &RELATION_HEADER));
    row(&mut out, &header.iter().map(String::as_str).collect::<Vec<_>>());
    for r in relations {
        let (id, from, to) = (r.id.to_string(), r.from.to_string(), r.to.to_string());
        let (created, modified) = (r.created.to_string(), r.modified.to_string());
        let values: Vec<String> = keys
            .iter()
            .map(|k| r.attrs.get(k).map(|v| v.to_string()).unwrap_or_default())
            .collect();
        let mut fields: Vec<&str> = vec![
            &id,
            &r.kind,
            &r.doc,
            &from,
            &chosen[&r.from].text,
            &to,
            &chosen[&r.to].text,
            &r.note,
            &r.author,
            &created,
            &modified,
        ];
        fields.extend(values.iter().map(String::as_str));
        row(&mut out, &fields);
    }
    (out, written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_as_rfc_4180_says() {
        let mut out = String::new();
        row(
            &mut out,
            &["plain", "a,b", "dit « oui »", "\"q\"", "ligne\r\nsuivante", ""],
        );
        assert_eq!(
            out,
            "plain,\"a,b\",dit « oui »,\"\"\"q\"\"\",\"ligne\r\nsuivante\",\r\n"
        );
    }
}
