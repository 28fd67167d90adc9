//! `marginalia history`, `diff` and `reanchor`: versions of a project.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use marginalia::diff::{self, Change, ChangeKind, DocumentChange, LabelChange, ProjectDiff, ReanchorReport};
use marginalia::model::{Annotation, ProblemKind, Project, Timestamp};
use marginalia::persist::history::VersionHistory;
use marginalia::persist::load::describe;
use marginalia::persist::textfile;
use marginalia::persist::versions::VersionRef;
use marginalia::session::Session;
use serde::Serialize;

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The project file.
    project: PathBuf,
    /// Print `[{"index", "time", "author", "message", "annotations"}, ...]`.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Version A: `PROJECT.ron`, `PROJECT.ron@N` (snapshot N, negative from the newest) or `PROJECT.ron@git:REV`.
    a: String,
    /// Version B, in the same forms.
    b: String,
    /// Print `{"added", "removed", "relabeled", "resized", "note_changed", "documents", "changes"}`.
    #[arg(long, conflicts_with = "raw")]
    json: bool,
    /// Print the line diff of the two project files instead (unified format).
    #[arg(long)]
    raw: bool,
}

#[derive(Debug, Args)]
pub struct ReanchorArgs {
    /// The project file.
    project: PathBuf,
    /// Show what would change without saving.
    #[arg(long)]
    dry_run: bool,
    /// Print `{"saved", "documents": [{"doc", "old_hash", "new_hash", "unchanged", "moved", "resized", "orphaned"}]}`.
    #[arg(long)]
    json: bool,
    /// The text the annotations were made on (otherwise taken from the version history).
    #[arg(long)]
    old: Option<PathBuf>,
    /// Only this document (required with --old when several documents changed).
    #[arg(long)]
    doc: Option<String>,
}

#[derive(Serialize)]
struct VersionRow {
    index: usize,
    time: String,
    author: String,
    message: String,
    annotations: usize,
}

pub fn history(args: HistoryArgs) -> anyhow::Result<ExitCode> {
    match std::fs::metadata(&args.project) {
        Err(e) => bail!("cannot read {}: {e}", args.project.display()),
        Ok(m) if !m.is_file() => bail!("{} is not a regular file", args.project.display()),
        Ok(_) => {}
    }
    // A file that is not a project has no history to show.
    marginalia::persist::load::read_file_only(&args.project)?;
    let versions = VersionHistory::of(&args.project).versions()?;
    let rows: Vec<VersionRow> = versions
        .iter()
        .enumerate()
        .map(|(i, v)| VersionRow {
            index: i + 1,
            time: v.time.to_string(),
            author: v.author.clone(),
            message: v.message.clone(),
            annotations: v.annotations,
        })
        .collect();
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        outln!("{} has no saved versions yet", args.project.display());
        return Ok(ExitCode::SUCCESS);
    }
    let author_width = rows.iter().map(|r| r.author.chars().count()).max().unwrap_or(6).max(6);
    outln!(
        "{:>4}  {:<20}  {:<author_width$}  {:>11}  message",
        "#",
        "time",
        "author",
        "annotations"
    );
    for r in &rows {
        outln!(
            "{:>4}  {:<20}  {:<author_width$}  {:>11}  {}",
            r.index,
            r.time,
            r.author,
            r.annotations,
            r.message
        );
    }
    outln!(
        "\nrefer to a version as {}@N (or @-1 for the newest)",
        args.project.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `diff` exits like diff(1): 0 same, 1 different, 2 trouble.
pub fn diff(args: DiffArgs) -> ExitCode {
    match run_diff(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {}", super::error_message(&e));
            ExitCode::from(2)
        }
    }
}

/// The JSON shape of `diff --json`.
#[derive(Serialize)]
struct DiffJson<'d> {
    added: usize,
    removed: usize,
    relabeled: usize,
    resized: usize,
    note_changed: usize,
    labels: &'d [LabelChange],
    documents: &'d [DocumentChange],
    changes: &'d [Change],
    /// Counts: added, removed, retyped, note_changed.
    relations: diff::RelationCounts,
    relation_changes: &'d [diff::RelationChange],
    attributes_changed: &'d [diff::AttrChange],
    structure: &'d [diff::StructureChange],
    /// The suggestion layer: added, removed (accepted or cleared), rejected, reopened, changed.
    suggestions: diff::SuggestionCounts,
}

/// Returns whether A and B are the same.
fn run_diff(args: &DiffArgs) -> anyhow::Result<bool> {
    let (ra, rb) = (VersionRef::parse(&args.a)?, VersionRef::parse(&args.b)?);
    if args.raw {
        let (ta, tb) = (ra.text()?, rb.text()?);
        out!("{}", diff::raw::unified(&ta, &tb, &args.a, &args.b));
        return Ok(ta == tb);
    }
    let a = ra.load().with_context(|| format!("cannot read {}", args.a))?;
    let b = rb.load().with_context(|| format!("cannot read {}", args.b))?;
    let d = diff::diff(&a.project, &b.project);
    let c = d.counts();
    if args.json {
        let json = DiffJson {
            added: c.added,
            removed: c.removed,
            relabeled: c.relabeled,
            resized: c.resized,
            note_changed: c.note_changed,
            labels: &d.labels,
            documents: &d.documents,
            changes: &d.changes,
            relations: d.relation_counts(),
            relation_changes: &d.relations,
            attributes_changed: &d.attributes,
            structure: &d.structure,
            suggestions: d.suggestions,
        };
        outln!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        print_diff(&d, &a.project, &b.project, &args.a, &args.b)?;
    }
    Ok(d.is_empty())
}

fn print_diff(d: &ProjectDiff, a: &Project, b: &Project, a_name: &str, b_name: &str) -> std::io::Result<()> {
    outln!("A: {a_name}\nB: {b_name}");
    if d.is_empty() {
        outln!("\nno differences");
        return Ok(());
    }
    let sc = d.suggestions;
    if !sc.is_empty() {
        outln!(
            "suggestions: {} added, {} removed (accepted or cleared), {} rejected, {} reopened, {} changed",
            sc.added,
            sc.removed,
            sc.rejected,
            sc.reopened,
            sc.changed
        );
    }
    for l in &d.labels {
        match l {
            LabelChange::Added { label } => outln!("label added: {label}"),
            LabelChange::Removed { label } => outln!("label removed: {label}"),
            LabelChange::Changed { label, fields } => outln!("label {label} changed: {}", fields.join(", ")),
            LabelChange::Reordered => outln!("labels reordered"),
        }
    }
    for s in &d.structure {
        let kind = match s.kind {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Modified => "changed",
        };
        outln!("{} {kind}: {}", s.what, s.id);
    }
    let mut docs: Vec<&str> = d
        .documents
        .iter()
        .map(doc_of)
        .chain(d.changes.iter().map(|c| c.doc.as_str()))
        .chain(d.relations.iter().map(|r| r.doc.as_str()))
        .chain(d.attributes.iter().map(|c| c.doc.as_str()))
        .collect();
    docs.dedup();
    let mut seen = std::collections::HashSet::new();
    for doc in docs {
        if !seen.insert(doc) {
            continue;
        }
        let title = b
            .document(doc)
            .or_else(|| a.document(doc))
            .map_or("", |d| d.title.as_str());
        outln!("\n{doc}  {title}");
        for change in d.documents.iter().filter(|c| doc_of(c) == doc) {
            match change {
                DocumentChange::Added { .. } => outln!("  document added"),
                DocumentChange::Removed { .. } => outln!("  document removed"),
                DocumentChange::TextChanged { a_hash, b_hash, .. } => {
                    outln!(
                        "  text changed ({} → {}); A's spans are shown mapped into B's text",
                        short(a_hash),
                        short(b_hash)
                    );
                }
                DocumentChange::StatusChanged { from, to, .. } => outln!("  status {from} → {to}"),
                DocumentChange::Retitled { from, to, .. } => outln!("  title {from:?} → {to:?}"),
            }
        }
        for c in d.changes.iter().filter(|c| c.doc == doc) {
            outln!("{}", describe_change(c, a, b));
        }
        for r in d.relations.iter().filter(|r| r.doc == doc) {
            outln!("{}", describe_relation_change(r, a, b));
        }
        for c in d.attributes.iter().filter(|c| c.doc == doc) {
            let show = |v: &Option<serde_json::Value>| v.as_ref().map_or("(unset)".to_owned(), |v| v.to_string());
            outln!(
                "  ~ {} {} {}: {} → {}",
                c.owner,
                c.id,
                c.key,
                show(&c.old),
                show(&c.new)
            );
        }
    }
    let c = d.counts();
    outln!(
        "\n{} added, {} removed, {} relabeled, {} resized, {} note(s) changed",
        c.added,
        c.removed,
        c.relabeled,
        c.resized,
        c.note_changed
    );
    if !d.relations.is_empty() || !d.attributes.is_empty() {
        let r = d.relation_counts();
        outln!(
            "relations: {} added, {} removed, {} retyped, {} note(s) changed; {} attribute value(s) changed",
            r.added,
            r.removed,
            r.retyped,
            r.note_changed,
            d.attributes.len()
        );
    }
    Ok(())
}

/// `  + claimant “Nous ne…” → “Nikol Pashinyan”`.
fn describe_relation_change(r: &diff::RelationChange, a: &Project, b: &Project) -> String {
    let text = |p: &Project, id| {
        p.annotation(id).map_or_else(
            || id.to_string(),
            |x| format!("“{}”", marginalia::model::shorten(&x.text, 30)),
        )
    };
    let line =
        |p: &Project, x: &marginalia::model::Relation| format!("{} {} → {}", x.kind, text(p, x.from), text(p, x.to));
    match (&r.a, &r.b) {
        (None, Some(y)) => format!("  + relation {}", line(b, y)),
        (Some(x), None) => format!("  - relation {}", line(a, x)),
        (Some(x), Some(y)) => {
            let mut what = Vec::new();
            if r.retyped {
                what.push(format!("retyped {} → {}", x.kind, y.kind));
            }
            if r.reattached {
                what.push("other ends".to_owned());
            }
            if r.note_changed {
                what.push("note changed".to_owned());
            }
            format!("  ~ relation {} ({})", line(b, y), what.join(", "))
        }
        (None, None) => String::new(),
    }
}

fn doc_of(c: &DocumentChange) -> &str {
    match c {
        DocumentChange::Added { doc }
        | DocumentChange::Removed { doc }
        | DocumentChange::TextChanged { doc, .. }
        | DocumentChange::StatusChanged { doc, .. }
        | DocumentChange::Retitled { doc, .. } => doc,
    }
}

fn short(hash: &str) -> &str {
    let hex = hash.strip_prefix("sha256:").unwrap_or(hash);
    &hex[..hex.len().min(10)]
}

/// One line per change, with the span's text in a little context.
fn describe_change(c: &Change, a: &Project, b: &Project) -> String {
    let span = |x: &Annotation| format!("[{}, {})", x.start, x.end);
    match (c.kind, &c.a, &c.b) {
        (ChangeKind::Added, _, Some(y)) => format!("  + {:<8} {:<14} {}", y.label, span(y), in_context(b, y)),
        (ChangeKind::Removed, Some(x), _) => {
            let why = if c.text_deleted { "  (its text was deleted)" } else { "" };
            format!("  - {:<8} {:<14} {}{why}", x.label, span(x), in_context(a, x))
        }
        (ChangeKind::Modified, Some(x), Some(y)) => {
            let mut what = Vec::new();
            if c.relabeled {
                what.push(format!("relabeled {} → {}", x.label, y.label));
            }
            if c.resized {
                let from = c.a_in_b.clone().unwrap_or(x.range());
                what.push(format!(
                    "resized [{}, {}) → [{}, {}), “{}” → “{}”",
                    from.start, from.end, y.start, y.end, x.text, y.text
                ));
            }
            if c.note_changed {
                what.push(format!("note {:?} → {:?}", x.note, y.note));
            }
            format!(
                "  ~ {:<8} {:<14} {}\n      {}",
                y.label,
                span(y),
                in_context(b, y),
                what.join("; ")
            )
        }
        _ => String::new(),
    }
}

/// `…context [span] context…` from the annotation's document.
fn in_context(p: &Project, x: &Annotation) -> String {
    const CONTEXT: usize = 20;
    let Some(text) = p.document(&x.doc).map(|d| &d.text) else {
        return format!("“{}”", x.text);
    };
    let before = text.slice(x.start.saturating_sub(CONTEXT)..x.start).unwrap_or("");
    let after = text.slice(x.end..(x.end + CONTEXT).min(text.len_chars())).unwrap_or("");
    let flat = |s: &str| s.replace("\r\n", "⏎").replace('\n', "⏎");
    format!("…{}[{}]{}…", flat(before), flat(&x.text), flat(after))
}

#[derive(Serialize)]
struct ReanchorJson<'r> {
    saved: bool,
    documents: &'r [ReanchorReport],
}

pub fn reanchor(args: ReanchorArgs) -> anyhow::Result<ExitCode> {
    // A dry run only reads; a real one holds the lock from read to save.
    let mut session = if args.dry_run {
        Session::open(&args.project)?
    } else {
        Session::open_locked(&args.project, marginalia::persist::lock::CLI_WAIT)?
    };
    let changed: Vec<String> = session
        .problems()
        .iter()
        .filter_map(|p| match &p.kind {
            ProblemKind::DocumentChanged { doc, .. } => Some(doc.clone()),
            _ => None,
        })
        .filter(|doc| args.doc.as_ref().is_none_or(|d| d == doc))
        .collect();
    let others: Vec<String> = session
        .problems()
        .iter()
        .filter(|p| !matches!(p.kind, ProblemKind::DocumentChanged { .. }))
        .map(|p| describe(&args.project, p))
        .collect();
    if !others.is_empty() {
        bail!(
            "{} has other problems; fix them first:\n{}",
            args.project.display(),
            others.join("\n")
        );
    }
    if let Some(doc) = &args.doc
        && session.project().document(doc).is_none()
    {
        bail!("no document {doc:?} in {}", args.project.display());
    }
    if changed.is_empty() {
        if args.json {
            outln!(
                "{}",
                serde_json::to_string_pretty(&ReanchorJson {
                    saved: false,
                    documents: &[]
                })?
            );
        } else {
            outln!("every document's text is the one its annotations were made on: nothing to re-anchor");
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.old.is_some() && changed.len() > 1 {
        bail!(
            "{} documents changed ({}); say which one --old is for with --doc",
            changed.len(),
            changed.join(", ")
        );
    }
    let history = VersionHistory::of(&args.project);
    let now = Timestamp::now();
    let mut reports = Vec::new();
    for doc in &changed {
        let hash = session
            .project()
            .document(doc)
            .map(|d| d.hash.clone())
            .unwrap_or_default();
        let old = match &args.old {
            Some(file) => textfile::read_text_file(file)?.text,
            None => history.text(&hash).with_context(|| {
                format!(
                    "the text that document {doc:?} was annotated on ({hash}) is not in the version history; \
                     give it with --old FILE --doc {doc}"
                )
            })?,
        };
        let r = diff::reanchor(session.project(), doc, &old, now)?;
        session.apply(r.command)?;
        reports.push(r.report);
    }
    let saved = !args.dry_run;
    if saved {
        super::annotate::save(&mut session)?;
    }
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&ReanchorJson {
                saved,
                documents: &reports
            })?
        );
        return Ok(ExitCode::SUCCESS);
    }
    for r in &reports {
        outln!(
            "{}: {} unchanged, {} moved, {} resized, {} orphaned",
            r.doc,
            r.unchanged,
            r.moved,
            r.resized,
            r.orphaned.len()
        );
        for o in &r.orphaned {
            outln!("  orphaned {} {} [{}, {}) “{}”", o.id, o.label, o.start, o.end, o.text);
        }
    }
    if saved {
        outln!("saved {}", args.project.display());
    } else {
        outln!("dry run: nothing saved");
    }
    Ok(ExitCode::SUCCESS)
}
