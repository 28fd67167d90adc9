//! Previews for the export and import dialogs: what an export will hold
//! and its first records, and what an import found, cheaply enough to be
//! recomputed whenever an option changes.

use super::{ExportOptions, Format, Imported, Progress, conll, select};
use crate::model::{Document, Project, Text};

/// Code points of the first document kept for the preview export.
const PREVIEW_CHARS: usize = 600;

/// What an export will hold, with its first lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportPreview {
    pub documents: usize,
    pub annotations: usize,
    /// Annotations a one-tag-per-token format cannot hold (CoNLL overlaps).
    pub dropped: usize,
    /// The first lines of the export (of the first document's file, for brat).
    pub lines: Vec<String>,
}

/// Previews exporting `project` as `format`: counts over the whole
/// project, lines from the first selected document cut to its first
/// 600 code points (so that a 10 MB document previews at once).
pub fn export_preview(project: &Project, format: Format, options: &ExportOptions, max_lines: usize) -> ExportPreview {
    let selected = select(project, options);
    let annotations = selected.iter().map(|s| s.annotations.len()).sum();
    let dropped = if format == Format::Conll {
        selected
            .iter()
            .map(|s| conll::non_overlapping(&s.annotations, options.overlaps).1.len())
            .sum()
    } else {
        0
    };
    let mut lines = Vec::new();
    if let (Some(first), Some(exporter)) = (selected.first(), format.exporter()) {
        let doc = first.doc;
        let cut = doc.text.len_chars().min(PREVIEW_CHARS);
        let text = doc.text.slice(0..cut).unwrap_or_default();
        let mut short = Document::new(doc.id.clone(), doc.title.clone(), doc.path.clone(), Text::new(text));
        short.status = doc.status;
        let kept = first
            .annotations
            .iter()
            .filter(|a| a.end <= cut)
            .map(|a| (*a).clone())
            .collect();
        let small = Project::from_parts(project.name.clone(), project.schema.clone(), vec![short], kept);
        if let Ok(export) = exporter.export(&small, options, &Progress::new()) {
            // brat: the .ann file says the most; others have one file.
            let file = export
                .files
                .iter()
                .find(|f| f.name.as_deref().is_some_and(|n| n.ends_with(".ann")))
                .or(export.files.first());
            if let Some(file) = file {
                lines = match format {
                    Format::Jsonl => {
                        jsonl_record_lines(file.content.lines().next().unwrap_or(""), doc.length, max_lines)
                    }
                    _ => file.content.lines().take(max_lines).map(str::to_owned).collect(),
                };
            }
        }
    }
    ExportPreview {
        documents: selected.len(),
        annotations,
        dropped,
        lines,
    }
}

/// A JSONL record shown key by key, one span per line, with its text
/// shortened (a record is one very long line).
fn jsonl_record_lines(record: &str, length: usize, max_lines: usize) -> Vec<String> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_str::<serde_json::Value>(record) else {
        return vec![record.chars().take(400).collect()];
    };
    let mut lines = vec!["{".to_owned()];
    // In the order the export writes them (the map sorts its keys).
    const ORDER: [&str; 6] = ["id", "title", "text", "spans", "label", "meta"];
    let ordered = ORDER
        .iter()
        .filter_map(|k| fields.get_key_value(*k))
        .chain(fields.iter().filter(|(k, _)| !ORDER.contains(&k.as_str())));
    for (key, value) in ordered {
        match (key.as_str(), value) {
            ("text", serde_json::Value::String(text)) => {
                let start: String = text.chars().take(60).collect();
                lines.push(format!("  \"text\": {:?}… ({length} characters in all),", start));
            }
            (_, serde_json::Value::Array(items)) if !items.is_empty() => {
                lines.push(format!("  {key:?}: ["));
                let room = max_lines.saturating_sub(lines.len() + 4).max(2);
                for item in items.iter().take(room) {
                    lines.push(format!("    {item},"));
                }
                if items.len() > room {
                    lines.push(format!("    … ({} in all)", items.len()));
                }
                lines.push("  ],".to_owned());
            }
            _ => lines.push(format!("  {key:?}: {value},")),
        }
    }
    lines.push("}".to_owned());
    lines
}

/// A few lines telling what an import found: counts, labels, and the
/// first spans of the first documents.
pub fn import_summary(imported: &Imported, max_documents: usize, max_spans: usize) -> Vec<String> {
    let p = &imported.project;
    let labels: Vec<&str> = p.schema.labels.iter().map(|l| l.id.as_str()).collect();
    let mut lines = vec![
        format!(
            "{} document(s), {} annotation(s); labels: {}",
            p.documents.len(),
            p.annotations().len(),
            if labels.is_empty() {
                "none".to_owned()
            } else {
                labels.join(", ")
            }
        ),
        String::new(),
    ];
    for doc in p.documents.iter().take(max_documents) {
        let spans = p.annotations_of(&doc.id);
        lines.push(format!(
            "{} — “{}” ({} characters, {} annotation(s))",
            doc.id,
            doc.title,
            doc.length,
            spans.len()
        ));
        for a in spans.iter().take(max_spans) {
            lines.push(format!(
                "    [{}, {}) {}: {}",
                a.start,
                a.end,
                a.label,
                a.text.replace(['\r', '\n'], " ")
            ));
        }
        if spans.len() > max_spans {
            lines.push(format!("    … and {} more", spans.len() - max_spans));
        }
    }
    if p.documents.len() > max_documents {
        lines.push(format!("… and {} more document(s)", p.documents.len() - max_documents));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Annotation, AnnotationId, OffsetUnit, Timestamp};

    fn project() -> Project {
        // A long document: the preview must only look at its start.
        let text = format!("Bakou 👍 accuse Erevan. {}", "Une phrase de plus. ".repeat(5000));
        let a = |i: u64, start: usize, end: usize, label: &str| Annotation {
            id: AnnotationId::from_u64(i),
            doc: "d".into(),
            start,
            end,
            label: label.into(),
            text: text.chars().skip(start).take(end - start).collect(),
            note: String::new(),
            author: "ana".into(),
            created: Timestamp::from_unix(0),
            modified: Timestamp::from_unix(0),
            meta: Default::default(),
            attrs: Default::default(),
            fragments: Default::default(),
        };
        let annotations = vec![
            a(1, 0, 5, "actor"),
            a(2, 0, 22, "claim"),
            a(3, 15, 21, "actor"),
            a(4, 90_000, 90_005, "event"),
        ];
        let mut p = Project::new("p");
        p.documents.push(Document::new("d", "D", "d.txt", Text::new(text)));
        Project::from_parts(p.name, p.schema, p.documents, annotations)
    }

    #[test]
    fn export_preview_counts_everything_and_shows_the_start() {
        let p = project();
        let options = ExportOptions {
            offsets: OffsetUnit::Utf16,
            ..ExportOptions::default()
        };
        let jsonl = export_preview(&p, Format::Jsonl, &options, 30);
        assert_eq!((jsonl.documents, jsonl.annotations, jsonl.dropped), (1, 4, 0));
        // The span after the cut is not in the preview's record; UTF-16
        // offsets count the emoji as two.
        let label = jsonl
            .lines
            .iter()
            .position(|l| l == "  \"label\": [")
            .expect("label key");
        assert_eq!(
            jsonl.lines[label + 1..label + 5],
            [
                "    [0,5,\"actor\"],",
                "    [0,23,\"claim\"],",
                "    [16,22,\"actor\"],",
                "  ],"
            ]
        );
        let text = jsonl
            .lines
            .iter()
            .find(|l| l.starts_with("  \"text\""))
            .expect("text key");
        assert!(text.ends_with("… (100023 characters in all),"), "{text}");

        let conll = export_preview(&p, Format::Conll, &ExportOptions::default(), 4);
        assert_eq!(conll.dropped, 2, "the claim covers both actors");
        assert_eq!(conll.lines, ["-DOCSTART- O", "", "Bakou B-claim", "👍 I-claim"]);

        let brat = export_preview(&p, Format::Brat, &ExportOptions::default(), 1);
        assert_eq!(brat.lines, ["T1\tactor 0 5\tBakou"]);
    }

    #[test]
    fn import_summary_lists_documents_and_spans() {
        let imported = Imported {
            project: project(),
            skipped: Vec::new(),
            notes: Vec::new(),
        };
        let lines = import_summary(&imported, 3, 2);
        assert_eq!(lines[0], "1 document(s), 4 annotation(s); labels: event, claim, actor");
        assert!(lines[2].starts_with("d — “D” ("), "{}", lines[2]);
        assert_eq!(lines[3], "    [0, 5) actor: Bakou");
        assert_eq!(lines[5], "    … and 2 more");
    }
}
