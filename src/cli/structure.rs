//! `marginalia relate`, `attr` and `meta`: links between annotations,
//! attribute values and document metadata from the shell, through the
//! same commands (lock, checks, atomic save, history) as the workbench.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use marginalia::edit::{Command, new_relation, parse_value};
use marginalia::model::{AnnotationId, AttrTarget, AttrValue, Owner, Project, Relation, Schema, Timestamp};
use serde_json::json;

use super::annotate::{open_for_editing, save};

#[derive(Debug, Args)]
pub struct RelateArgs {
    /// The project file.
    project: PathBuf,
    /// Relation type id (see the schema's `relation_types`).
    #[arg(long = "type", value_name = "TYPE")]
    kind: String,
    /// Id of the annotation the relation starts from (a claim, an event trigger).
    #[arg(long)]
    from: String,
    /// Id of the annotation it points at (an actor, an argument).
    #[arg(long)]
    to: String,
    /// Note attached to the relation.
    #[arg(long)]
    note: Option<String>,
    /// Attribute values of the relation, KEY=VALUE (repeatable).
    #[arg(long = "attr", value_name = "KEY=VALUE")]
    attrs: Vec<String>,
    /// Author recorded on the relation (default: $MARGINALIA_AUTHOR or the login name).
    #[arg(long)]
    author: Option<String>,
    /// Print the new relation as JSON instead of its id alone.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct AttrArgs {
    /// The project file.
    project: PathBuf,
    /// Id of the annotation or relation.
    id: String,
    /// Values to set, KEY=VALUE (a multi-choice list as a,b,c; a flag as true or false).
    #[arg(value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Keys to remove (repeatable).
    #[arg(long, value_name = "KEY")]
    unset: Vec<String>,
}

#[derive(Debug, Args)]
pub struct MetaArgs {
    /// The project file.
    project: PathBuf,
    /// Id of the document.
    #[arg(long)]
    doc: String,
    /// Fields to set, KEY=VALUE (fields the schema does not declare are free text).
    #[arg(value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Fields to remove (repeatable).
    #[arg(long, value_name = "KEY")]
    unset: Vec<String>,
}

pub fn parse_id(s: &str) -> anyhow::Result<AnnotationId> {
    AnnotationId::parse(s).with_context(|| format!("{s:?} is not an id (12 characters of 0-9 and a-z)"))
}

/// `KEY=VALUE` assignments for `target`, typed by the schema. On an
/// annotation or a relation, a key the schema does not declare there is
/// refused with the keys it does declare (a typo would otherwise become
/// a new attribute); documents take free fields.
pub fn parse_assignments(
    schema: &Schema,
    target: &AttrTarget,
    assignments: &[String],
) -> anyhow::Result<Vec<(String, Option<AttrValue>)>> {
    assignments
        .iter()
        .map(|a| {
            let Some((key, raw)) = a.split_once('=') else {
                bail!("{a:?} is not KEY=VALUE");
            };
            let key = key.trim();
            let def = schema.attribute(key);
            if *target != AttrTarget::Document && !def.is_some_and(|d| d.applies_to(target)) {
                let known: Vec<&str> = schema.attributes_of(target).map(|d| d.id.as_str()).collect();
                bail!(
                    "no attribute {key:?} is declared on {} (declared there: {})",
                    describe_target(target),
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                );
            }
            let value = parse_value(def, raw).map_err(anyhow::Error::msg)?;
            Ok((key.to_owned(), Some(value)))
        })
        .collect()
}

fn describe_target(target: &AttrTarget) -> String {
    match target {
        AttrTarget::Label(l) => format!("label {l:?}"),
        AttrTarget::Relation(t) => format!("relation type {t:?}"),
        AttrTarget::Document => "documents".to_owned(),
    }
}

/// The JSON form of attribute values: key → value.
pub fn attrs_json(attrs: &marginalia::model::Attrs) -> serde_json::Value {
    attrs.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()
}

fn relation_json(r: &Relation) -> serde_json::Value {
    json!({
        "id": r.id.to_string(),
        "doc": r.doc,
        "type": r.kind,
        "from": r.from.to_string(),
        "to": r.to.to_string(),
        "note": r.note,
        "attributes": attrs_json(&r.attrs),
    })
}

pub fn relate(args: RelateArgs) -> anyhow::Result<ExitCode> {
    let from = parse_id(&args.from)?;
    let to = parse_id(&args.to)?;
    let mut session = open_for_editing(&args.project)?;
    if let Some(author) = &args.author {
        session.author = author.clone();
    }
    let project = session.project();
    if project.schema.relation_type(&args.kind).is_none() {
        let known: Vec<&str> = project.schema.relation_types.iter().map(|t| t.id.as_str()).collect();
        bail!(
            "no relation type {:?} in the schema (relation types: {})",
            args.kind,
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        );
    }
    let mut relation = new_relation(project, &args.kind, from, to, &session.author, Timestamp::now())?;
    relation.note = args.note.clone().unwrap_or_default();
    for (key, value) in parse_assignments(&project.schema, &AttrTarget::Relation(args.kind.clone()), &args.attrs)? {
        if let Some(v) = value {
            relation.attrs.insert(key, v);
        }
    }
    session.apply(Command::AddRelations(vec![relation.clone()]))?;
    save(&mut session)?;
    if args.json {
        outln!("{}", relation_json(&relation));
    } else {
        outln!("{}", relation.id);
    }
    Ok(ExitCode::SUCCESS)
}

/// What id `id` names in `project`: an annotation or a relation.
fn owner_of(project: &Project, id: AnnotationId) -> Option<(Owner, AttrTarget)> {
    if let Some(a) = project.annotation(id) {
        return Some((Owner::Annotation(id), AttrTarget::Label(a.label.clone())));
    }
    let r = project.relation(id)?;
    Some((Owner::Relation(id), AttrTarget::Relation(r.kind.clone())))
}

pub fn attr(args: AttrArgs) -> anyhow::Result<ExitCode> {
    if args.set.is_empty() && args.unset.is_empty() {
        bail!("nothing to change: give KEY=VALUE or --unset KEY");
    }
    let id = parse_id(&args.id)?;
    let mut session = open_for_editing(&args.project)?;
    let project = session.project();
    let Some((owner, target)) = owner_of(project, id) else {
        bail!("no annotation or relation {id} in {}", args.project.display());
    };
    let mut changes = parse_assignments(&project.schema, &target, &args.set)?;
    changes.extend(args.unset.iter().map(|k| (k.clone(), None)));
    let changed = session.apply(Command::SetAttrs {
        owner: owner.clone(),
        changes,
        at: Timestamp::now(),
    })?;
    finish(&mut session, changed, &owner)
}

pub fn meta(args: MetaArgs) -> anyhow::Result<ExitCode> {
    if args.set.is_empty() && args.unset.is_empty() {
        bail!("nothing to change: give KEY=VALUE or --unset KEY");
    }
    let mut session = open_for_editing(&args.project)?;
    let project = session.project();
    if project.document(&args.doc).is_none() {
        bail!("no document {:?} in {}", args.doc, args.project.display());
    }
    let mut changes = parse_assignments(&project.schema, &AttrTarget::Document, &args.set)?;
    changes.extend(args.unset.iter().map(|k| (k.clone(), None)));
    let owner = Owner::Document(args.doc.clone());
    let changed = session.apply(Command::SetAttrs {
        owner: owner.clone(),
        changes,
        at: Timestamp::now(),
    })?;
    finish(&mut session, changed, &owner)
}

/// Saves when something changed, and prints the owner's attributes as
/// they now are, one `key=value` per line.
fn finish(session: &mut marginalia::session::Session, changed: bool, owner: &Owner) -> anyhow::Result<ExitCode> {
    if changed {
        save(session)?;
    } else {
        outln!("nothing changed: {owner} already has these values");
    }
    let p = session.project();
    let attrs = match owner {
        Owner::Annotation(id) => p.annotation(*id).map(|a| &a.attrs),
        Owner::Relation(id) => p.relation(*id).map(|r| &r.attrs),
        Owner::Document(doc) => p.document(doc).map(|d| &d.attrs),
    };
    for (k, v) in attrs.into_iter().flatten() {
        outln!("{k}={v}");
    }
    Ok(ExitCode::SUCCESS)
}
