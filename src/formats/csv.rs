//! CSV: one row per annotation, for pandas, R and spreadsheets.
//!
//! Columns: `document, start, end, label, text, note, author, created,
//! modified, left_context, right_context, offset_unit`. RFC 4180 quoting,
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

pub const HEADER: [&str; 12] = [
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
];

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
        row(&mut out, &HEADER);
        let mut export = Export::default();
        let selected = select(project, options);
        // Steps: annotations.
        progress.add_total(selected.iter().map(|s| s.annotations.len() as u64).sum());
        for sel in selected {
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
                row(
                    &mut out,
                    &[
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
                    ],
                );
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
        });
        Ok(export)
    }
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
