//! `marginalia annotate`: tagging spans from the shell through the same
//! commands the GUI uses.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{ArgGroup, Args};
use marginalia::edit::{Command, new_annotations, new_fragmented_annotation};
use marginalia::model::{Annotation, AttrTarget, AttrValue, Timestamp};
use marginalia::persist::load::describe;
use marginalia::persist::lock::CLI_WAIT;
use marginalia::session::Session;

use super::structure::{attrs_json, parse_assignments};

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("target").required(true).args(["find", "start", "fragments"])))]
pub struct AnnotateArgs {
    /// The project file.
    project: PathBuf,
    /// Id of the document to tag (see `marginalia stats`).
    #[arg(long, required_unless_present = "all_documents")]
    doc: Option<String>,
    /// Label id to apply (`event`, `claim`, `actor`, ...).
    #[arg(long)]
    label: String,
    /// Tag an occurrence of this exact text (case-sensitive).
    #[arg(long, conflicts_with_all = ["start", "end", "fragments"])]
    find: Option<String>,
    /// Tag one discontinuous span, its pieces as S1-E1,S2-E2 (code points,
    /// half-open, in order): a quotation interrupted by « a-t-il déclaré ».
    #[arg(long, value_name = "S1-E1,S2-E2", conflicts_with_all = ["start", "end"])]
    fragments: Option<String>,
    // `--nth` and `--all` only make sense with `--find`. They state their
    // conflict with `--start`/`--end` explicitly because clap lets a member
    // of a required group satisfy `requires` (clap-rs/clap#4707, #5910).
    /// Which occurrence of --find to tag, counting from 1.
    #[arg(long, requires = "find", conflicts_with_all = ["all", "start", "end"], value_parser = clap::value_parser!(u64).range(1..))]
    nth: Option<u64>,
    /// Tag every occurrence of --find not already tagged with this label, as one edit.
    #[arg(long, requires = "find", conflicts_with_all = ["start", "end"])]
    all: bool,
    /// Tag every occurrence of --find in every document (not already tagged
    /// with this label), as one edit; prints how many were added per document.
    #[arg(long, requires = "find", conflicts_with_all = ["doc", "nth", "start", "end", "fragments"])]
    all_documents: bool,
    /// With --all or --all-documents: leave occurrences that carry any
    /// annotation of exactly their span (whatever its label).
    #[arg(long)]
    untagged: bool,
    /// With --all-documents: also tag occurrences inside longer words
    /// (by default only whole words: "Arménie", not inside "Arméniens").
    #[arg(long, requires = "all_documents")]
    within_words: bool,
    /// Start offset in code points (Unicode scalar values), inclusive.
    #[arg(long, requires = "end")]
    start: Option<usize>,
    /// End offset in code points, exclusive.
    #[arg(long, requires = "start")]
    end: Option<usize>,
    /// Author recorded on the annotations (default: $MARGINALIA_AUTHOR or the login name).
    #[arg(long)]
    author: Option<String>,
    /// Note attached to the new annotations.
    #[arg(long)]
    note: Option<String>,
    /// Attribute values of the new annotations, KEY=VALUE (repeatable).
    #[arg(long = "attr", value_name = "KEY=VALUE")]
    attrs: Vec<String>,
    /// Print the created annotations as a JSON array (id, doc, fragments,
    /// label, text, attributes) instead of a line each.
    #[arg(long)]
    json: bool,
}

/// `S1-E1,S2-E2` as ranges.
pub fn parse_fragments(s: &str) -> anyhow::Result<Vec<Range<usize>>> {
    s.split(',')
        .map(|piece| {
            let (a, b) = piece
                .trim()
                .split_once('-')
                .with_context(|| format!("{piece:?} is not START-END"))?;
            let start = a.trim().parse().with_context(|| format!("{a:?} is not an offset"))?;
            let end = b.trim().parse().with_context(|| format!("{b:?} is not an offset"))?;
            Ok(start..end)
        })
        .collect()
}

/// Opens a project for editing, refusing one with problems (editing on top
/// of a broken project would bury the problems under new work). The
/// project stays locked until the session is dropped: another program's
/// save waits for this one, and this one for it.
pub fn open_for_editing(path: &Path) -> anyhow::Result<Session> {
    let session = Session::open_locked(path, CLI_WAIT)?;
    refuse_problems(session, path)
}

/// The session, unless its project has problems (listed in the error).
pub fn refuse_problems(session: Session, path: &Path) -> anyhow::Result<Session> {
    if !session.problems().is_empty() {
        let list: Vec<String> = session.problems().iter().map(|p| describe(path, p)).collect();
        bail!(
            "{} has {} problem(s); fix them before editing:\n{}",
            path.display(),
            list.len(),
            list.join("\n")
        );
    }
    Ok(session)
}

/// Saves, and says on stderr when the version history could not record
/// the save (the project itself is saved; every save says it again until
/// the history is repaired).
pub fn save(session: &mut Session) -> anyhow::Result<()> {
    session.save()?;
    if let Some(warning) = session.take_history_warning() {
        eprintln!("warning: {warning}");
    }
    Ok(())
}

pub fn annotate(args: AnnotateArgs) -> anyhow::Result<ExitCode> {
    let mut session = open_for_editing(&args.project)?;
    if let Some(author) = &args.author {
        session.author = author.clone();
    }
    let project = session.project();
    if !project.schema.contains(&args.label) {
        let known: Vec<&str> = project.schema.labels.iter().map(|l| l.id.as_str()).collect();
        bail!("no label {:?} in the schema (labels: {})", args.label, known.join(", "));
    }
    let assignments = parse_assignments(&project.schema, &AttrTarget::Label(args.label.clone()), &args.attrs)?;
    if args.all_documents {
        return annotate_all_documents(session, &args, &assignments);
    }
    let doc_id = args.doc.clone().unwrap_or_default();
    let doc = project
        .document(&doc_id)
        .with_context(|| format!("no document {doc_id:?} in {}", args.project.display()))?;
    if let Some(pieces) = &args.fragments {
        let pieces = parse_fragments(pieces)?;
        let mut a = new_fragmented_annotation(
            project,
            &doc_id,
            &pieces,
            &args.label,
            &session.author,
            Timestamp::now(),
        )?;
        if let Some(note) = &args.note {
            a.note = note.clone();
        }
        return add(session, vec![a], &assignments, args.json);
    }
    let ranges: Vec<Range<usize>> = match (&args.find, args.start, args.end) {
        (Some(needle), _, _) => {
            let text = &doc.text;
            let found: Vec<Range<usize>> = text
                .as_str()
                .match_indices(needle.as_str())
                .filter_map(|(byte, m)| {
                    let start = text.char_of_byte(byte)?;
                    Some(start..start + m.chars().count())
                })
                .collect();
            if found.is_empty() {
                bail!("{needle:?} does not occur in document {doc_id:?}");
            }
            let tagged = |r: &Range<usize>| {
                project
                    .annotations_of(&doc_id)
                    .iter()
                    .any(|a| a.range() == *r && (a.label == args.label || args.untagged))
            };
            if args.all {
                let untagged: Vec<_> = found.iter().filter(|r| !tagged(r)).cloned().collect();
                if untagged.is_empty() {
                    outln!(
                        "all {} occurrence(s) of {needle:?} are already tagged as {}",
                        found.len(),
                        args.label
                    );
                    return Ok(ExitCode::SUCCESS);
                }
                untagged
            } else {
                let nth = args.nth.unwrap_or(1) as usize;
                let Some(r) = found.get(nth - 1) else {
                    bail!(
                        "{needle:?} occurs {} time(s) in document {doc_id:?}, not {nth}",
                        found.len()
                    );
                };
                if tagged(r) {
                    bail!(
                        "occurrence {nth} of {needle:?} at [{}, {}) is already tagged as {}",
                        r.start,
                        r.end,
                        args.label
                    );
                }
                vec![r.clone()]
            }
        }
        (None, Some(start), Some(end)) => std::iter::once(start..end).collect(),
        _ => bail!("give --find TEXT or --start N --end N"),
    };
    let mut new = new_annotations(
        project,
        &doc_id,
        &ranges,
        &args.label,
        &session.author,
        Timestamp::now(),
    )?;
    if let Some(note) = &args.note {
        for a in &mut new {
            a.note = note.clone();
        }
    }
    add(session, new, &assignments, args.json)
}

/// `--find TEXT --all-documents`: every occurrence (exact text) in every
/// document, tagged in one step; a line per document with what it added.
fn annotate_all_documents(
    mut session: Session,
    args: &AnnotateArgs,
    assignments: &[(String, Option<AttrValue>)],
) -> anyhow::Result<ExitCode> {
    use marginalia::search::{self, Matcher, Query};
    let needle = args.find.clone().unwrap_or_default();
    let matcher = Matcher::for_corpus(&Query {
        pattern: needle.clone(),
        case_sensitive: true,
        whole_word: !args.within_words,
        ..Query::default()
    })?;
    let project = session.project();
    let found = search::search(project, &matcher, &|_| true, &|_| None, usize::MAX);
    if found.hits.is_empty() {
        bail!(
            "{needle:?} does not occur in any document{}",
            if args.within_words {
                ""
            } else {
                " as a whole word (--within-words tags inside words too)"
            }
        );
    }
    let tagged = search::tag_hits(
        project,
        &found.hits,
        &args.label,
        args.untagged,
        &session.author,
        Timestamp::now(),
    )?;
    if tagged.added().is_empty() {
        if args.json {
            outln!("[]");
            return Ok(ExitCode::SUCCESS);
        }
        outln!(
            "all {} occurrence(s) of {needle:?} are already tagged{}",
            found.hits.len(),
            if args.untagged {
                String::new()
            } else {
                format!(" as {}", args.label)
            }
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut new: Vec<Annotation> = tagged.added().to_vec();
    for a in &mut new {
        if let Some(note) = &args.note {
            a.note = note.clone();
        }
        for (key, value) in assignments {
            if let Some(v) = value {
                a.attrs.insert(key.clone(), v.clone());
            }
        }
    }
    session.apply(Command::AddAnnotations(new.clone()))?;
    save(&mut session)?;
    if args.json {
        let list: Vec<serde_json::Value> = new.iter().map(annotation_json).collect();
        outln!("{}", serde_json::Value::from(list));
    } else {
        for (doc, n) in &tagged.per_document {
            outln!("{doc}\t{n} added");
        }
        outln!(
            "added {} in {} document(s); {} occurrence(s) already tagged",
            marginalia::model::plural(new.len(), "annotation"),
            tagged.per_document.len(),
            tagged.skipped
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Adds `new` with the attribute values given, saves, and says what was added.
fn add(
    mut session: Session,
    mut new: Vec<Annotation>,
    assignments: &[(String, Option<AttrValue>)],
    json: bool,
) -> anyhow::Result<ExitCode> {
    for a in &mut new {
        for (key, value) in assignments {
            if let Some(v) = value {
                a.attrs.insert(key.clone(), v.clone());
            }
        }
    }
    session.apply(Command::AddAnnotations(new.clone()))?;
    save(&mut session)?;
    if json {
        let list: Vec<serde_json::Value> = new.iter().map(annotation_json).collect();
        outln!("{}", serde_json::Value::from(list));
    } else {
        for a in &new {
            outln!("added {}", describe_annotation(a));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The JSON form of an annotation in `annotate --json`.
pub fn annotation_json(a: &Annotation) -> serde_json::Value {
    let fragments: Vec<[usize; 2]> = a.pieces().iter().map(|r| [r.start, r.end]).collect();
    serde_json::json!({
        "id": a.id.to_string(),
        "doc": a.doc,
        "start": a.start,
        "end": a.end,
        "fragments": fragments,
        "label": a.label,
        "text": a.text,
        "attributes": attrs_json(&a.attrs),
    })
}

pub fn describe_annotation(a: &Annotation) -> String {
    let pieces: Vec<String> = a.pieces().iter().map(|r| format!("[{}, {})", r.start, r.end)).collect();
    format!("{} {} {} {:?}", a.id, pieces.join("+"), a.label, a.text)
}
