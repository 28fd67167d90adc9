//! `marginalia edit` and `marginalia delete`: changing and removing
//! annotations from the shell, through the same commands (and the same
//! lock, atomic save and history snapshot) as `annotate` and the GUI.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use marginalia::edit::Command;
use marginalia::model::Timestamp;

use super::annotate::{describe_annotation, open_for_editing, save};

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The project file.
    project: PathBuf,
    /// Id of the annotation or relation to change (as `stats --json`,
    /// `export` or `relate` show it).
    id: String,
    /// New type of a relation (a relation's type and note are all `edit`
    /// changes of it; its ends are those of a new relation).
    #[arg(long = "type", value_name = "TYPE", conflicts_with_all = ["label", "start", "end", "fragments"])]
    kind: Option<String>,
    /// New label id.
    #[arg(long)]
    label: Option<String>,
    /// New note (an empty string removes the note).
    #[arg(long)]
    note: Option<String>,
    /// New start offset in code points (Unicode scalar values), inclusive.
    #[arg(long, requires = "end")]
    start: Option<usize>,
    /// New end offset in code points, exclusive.
    #[arg(long, requires = "start")]
    end: Option<usize>,
    /// New pieces, as S1-E1,S2-E2 (code points, half-open, in order): makes
    /// the span discontinuous, or (one piece) a plain span again.
    #[arg(long, value_name = "S1-E1,S2-E2", conflicts_with_all = ["start", "end"])]
    fragments: Option<String>,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The project file.
    project: PathBuf,
    /// Ids of the annotations or relations to delete (one undoable step;
    /// an annotation's relations go with it).
    #[arg(required = true)]
    ids: Vec<String>,
}

use super::structure::parse_id;

pub fn edit(args: EditArgs) -> anyhow::Result<ExitCode> {
    if args.label.is_none()
        && args.note.is_none()
        && args.start.is_none()
        && args.fragments.is_none()
        && args.kind.is_none()
    {
        bail!("nothing to change: give --label, --note, --start and --end, --fragments, or --type for a relation");
    }
    let id = parse_id(&args.id)?;
    let mut session = open_for_editing(&args.project)?;
    if let Some(relation) = session.project().relation(id).cloned() {
        return edit_relation(&mut session, relation, &args);
    }
    if args.kind.is_some() {
        bail!(
            "--type changes a relation; {id} is not a relation of {}",
            args.project.display()
        );
    }
    let Some(old) = session.project().annotation(id).cloned() else {
        bail!("no annotation or relation {id} in {}", args.project.display());
    };
    let at = Timestamp::now();
    let mut steps = Vec::new();
    if let Some(label) = &args.label {
        if !session.project().schema.contains(label) {
            let known: Vec<&str> = session.project().schema.labels.iter().map(|l| l.id.as_str()).collect();
            bail!("no label {label:?} in the schema (labels: {})", known.join(", "));
        }
        steps.push(Command::Relabel {
            ids: vec![id],
            label: label.clone(),
            at,
        });
    }
    if let Some(note) = &args.note {
        steps.push(Command::SetNote {
            id,
            note: note.clone(),
            at,
        });
    }
    if let (Some(start), Some(end)) = (args.start, args.end) {
        if start >= end {
            bail!("[{start}, {end}) is empty or reversed: an annotation covers at least one character");
        }
        let text = session
            .project()
            .document(&old.doc)
            .and_then(|d| d.text.slice(start..end))
            .with_context(|| format!("[{start}, {end}) is not a span of document {:?}", old.doc))?;
        if text.trim().is_empty() {
            bail!(
                "[{start}, {end}) of document {:?} is only white space: nothing to tag",
                old.doc
            );
        }
        steps.push(Command::Resize { id, start, end, at });
    }
    if let Some(pieces) = &args.fragments {
        let pieces = super::annotate::parse_fragments(pieces)?;
        steps.push(Command::SetFragments {
            id,
            pieces: pieces.iter().map(|r| (r.start, r.end)).collect(),
            at,
        });
    }
    if !session.apply(Command::Batch(steps))? {
        outln!("unchanged {}", describe_annotation(&old));
        return Ok(ExitCode::SUCCESS);
    }
    save(&mut session)?;
    let new = session.project().annotation(id).context("the edited annotation")?;
    outln!("edited {}", describe_annotation(new));
    Ok(ExitCode::SUCCESS)
}

pub fn delete(args: DeleteArgs) -> anyhow::Result<ExitCode> {
    let mut ids = args
        .ids
        .iter()
        .map(|s| parse_id(s))
        .collect::<anyhow::Result<Vec<_>>>()?;
    // The same id twice is one deletion.
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(*id));
    let mut session = open_for_editing(&args.project)?;
    let project = session.project();
    let mut gone = Vec::new();
    let (mut annotations, mut relations) = (Vec::new(), Vec::new());
    for id in &ids {
        if let Some(a) = project.annotation(*id) {
            gone.push(describe_annotation(a));
            annotations.push(*id);
        } else if let Some(r) = project.relation(*id) {
            relations.push(*id);
            gone.push(format!("relation {} {} {} → {}", r.id, r.kind, r.from, r.to));
        } else {
            bail!(
                "no annotation or relation {id} in {}; nothing was deleted",
                args.project.display()
            );
        }
    }
    // Relations of the deleted annotations go too: said, not silent.
    for r in project.relations() {
        if !relations.contains(&r.id) && (annotations.contains(&r.from) || annotations.contains(&r.to)) {
            gone.push(format!(
                "relation {} {} {} → {} (with its annotation)",
                r.id, r.kind, r.from, r.to
            ));
        }
    }
    let mut steps = Vec::new();
    if !relations.is_empty() {
        steps.push(Command::DeleteRelations(relations));
    }
    if !annotations.is_empty() {
        steps.push(Command::DeleteAnnotations(annotations));
    }
    session.apply(Command::Batch(steps))?;
    save(&mut session)?;
    for line in gone {
        outln!("deleted {line}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `edit` of a relation: its type and note, in one undoable step.
fn edit_relation(
    session: &mut marginalia::session::Session,
    old: marginalia::model::Relation,
    args: &EditArgs,
) -> anyhow::Result<ExitCode> {
    if args.label.is_some() || args.start.is_some() || args.fragments.is_some() {
        bail!("{} is a relation: give --type or --note", old.id);
    }
    let mut new = old.clone();
    if let Some(kind) = &args.kind {
        new.kind = kind.clone();
    }
    if let Some(note) = &args.note {
        new.note = note.clone();
    }
    let describe = |r: &marginalia::model::Relation| format!("relation {} {} {} → {}", r.id, r.kind, r.from, r.to);
    if new == old {
        outln!("unchanged {}", describe(&old));
        return Ok(ExitCode::SUCCESS);
    }
    new.modified = Timestamp::now();
    session.apply(Command::RestoreRelations(vec![new.clone()]))?;
    save(session)?;
    outln!("edited {}", describe(&new));
    Ok(ExitCode::SUCCESS)
}
