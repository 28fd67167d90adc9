//! Writing a brat collection: `annotation.conf` declaring the schema
//! (entities, relations, events with their roles and cardinalities,
//! attributes), `visual.conf`, and per document the text and its `.ann`.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use super::{MANIFEST, escape, file_stem, fragments};
use crate::formats::{Export, ExportFile, ExportOptions, FormatError, Progress, select, type_name};
use crate::model::{Annotation, AnnotationId, AttrKind, AttrTarget, AttrValue, LabelKind, Project, Relation, Schema};

/// The brat id of each annotation and relation of one document: `T`
/// for spans, `E` for event triggers (whose annotation is also a `T`),
/// `R` for relations.
struct Ids {
    t: HashMap<AnnotationId, usize>,
    e: HashMap<AnnotationId, usize>,
}

impl Ids {
    /// How other lines refer to annotation `id`: its event's `E` id when it
    /// is an event trigger, else its `T` id.
    fn refer(&self, id: AnnotationId) -> Option<String> {
        if let Some(e) = self.e.get(&id) {
            return Some(format!("E{e}"));
        }
        self.t.get(&id).map(|t| format!("T{t}"))
    }
}

/// Counters of the numbered lines of one `.ann` file.
#[derive(Default)]
struct Counters {
    /// `A` lines.
    a: usize,
    /// `N` lines.
    n: usize,
    /// `#` lines.
    note: usize,
}

/// True when `from`, a relation's start, is an event trigger: the relation
/// is one of its roles.
fn is_role(schema: &Schema, from: &Annotation) -> bool {
    schema.get(&from.label).is_some_and(|l| l.kind == LabelKind::Event)
}

/// `annotation.conf`: the schema as brat declares it.
pub(super) fn conf(schema: &Schema, labels: &[&crate::model::Label]) -> String {
    let mut conf = String::from("[entities]\n");
    for l in labels.iter().filter(|l| l.kind != LabelKind::Event) {
        let _ = writeln!(conf, "{}", type_name(&l.id));
    }
    let names = |list: &[String]| {
        if list.is_empty() {
            "<ANY>".to_owned()
        } else {
            list.iter()
                .map(|l| type_name(l).into_owned())
                .collect::<Vec<_>>()
                .join("|")
        }
    };
    conf.push_str("\n[relations]\n");
    let event_labels: HashSet<&str> = labels
        .iter()
        .filter(|l| l.kind == LabelKind::Event)
        .map(|l| l.id.as_str())
        .collect();
    for t in &schema.relation_types {
        // A type used only from event triggers is a role, declared with the event.
        let only_roles = !t.from.is_empty() && t.from.iter().all(|l| event_labels.contains(l.as_str()));
        if only_roles {
            continue;
        }
        let _ = write!(
            conf,
            "{}\tArg1:{}, Arg2:{}",
            type_name(&t.id),
            names(&t.from),
            names(&t.to)
        );
        if t.symmetric {
            conf.push_str(", <REL-TYPE>:symmetric");
        }
        conf.push('\n');
    }
    conf.push_str("\n[events]\n");
    for l in labels.iter().filter(|l| l.kind == LabelKind::Event) {
        let roles: Vec<String> = schema
            .relation_types
            .iter()
            .filter(|t| t.from.is_empty() || t.from.contains(&l.id))
            .map(|t| format!("{}{}:{}", type_name(&t.id), t.cardinality.brat_suffix(), names(&t.to)))
            .collect();
        let _ = writeln!(conf, "{}\t{}", type_name(&l.id), roles.join(", "));
    }
    conf.push_str("\n[attributes]\n");
    for a in &schema.attributes {
        let args: Vec<String> =
            a.on.iter()
                .filter_map(|t| match t {
                    AttrTarget::Label(l) => Some(type_name(l).into_owned()),
                    _ => None,
                })
                .collect();
        if args.is_empty() || !matches!(a.kind, AttrKind::Choice | AttrKind::Multi | AttrKind::Flag) {
            continue;
        }
        let _ = write!(conf, "{}\tArg:{}", type_name(&a.id), args.join("|"));
        if a.kind != AttrKind::Flag {
            let values: Vec<String> = a.values.iter().map(|v| type_name(&v.id).into_owned()).collect();
            let _ = write!(conf, ", Value:{}", values.join("|"));
        }
        conf.push('\n');
    }
    conf
}

/// The lines carrying `attrs` of the annotation or relation brat knows as
/// `target`: `A` lines for choices and flags (one per value of a
/// multi-choice), `N` lines for entity references, and `Attribute` notes
/// for values brat cannot hold (text, numbers, dates, URLs).
fn attribute_lines(
    schema: &Schema,
    target: &str,
    attrs: &crate::model::Attrs,
    on_relation: bool,
    c: &mut Counters,
    out: &mut String,
) {
    for (key, value) in attrs {
        let kind = schema.attribute(key).map(|d| d.kind);
        match (kind, value) {
            (Some(AttrKind::Entity), AttrValue::Text(id)) if !on_relation => {
                let entity = schema.entity(id);
                let reference = entity
                    .and_then(|e| e.reference.clone())
                    .unwrap_or_else(|| format!("Marginalia:{id}"));
                let name = entity.map_or(id.as_str(), |e| e.name.as_str());
                c.n += 1;
                let _ = writeln!(
                    out,
                    "N{}\tReference {target} {}\t{}",
                    c.n,
                    type_name(&reference),
                    escape(name)
                );
            }
            (Some(AttrKind::Flag), AttrValue::Flag(true)) if !on_relation => {
                c.a += 1;
                let _ = writeln!(out, "A{}\t{} {target}", c.a, type_name(key));
            }
            (Some(AttrKind::Choice | AttrKind::Multi), AttrValue::Text(_) | AttrValue::List(_))
                if !on_relation && value.strings().iter().all(|v| !v.contains(char::is_whitespace)) =>
            {
                for v in value.strings() {
                    c.a += 1;
                    let _ = writeln!(out, "A{}\t{} {target} {v}", c.a, type_name(key));
                }
            }
            _ => {
                c.note += 1;
                let json = serde_json::to_string(&value.to_json()).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "#{}\tAttribute {target}\t{}={}",
                    c.note,
                    escape(key),
                    escape(&json)
                );
            }
        }
    }
}

pub(super) fn export(project: &Project, options: &ExportOptions, progress: &Progress) -> Result<Export, FormatError> {
    let mut export = Export::default();
    let schema = &project.schema;
    let labels: Vec<_> = schema
        .labels
        .iter()
        .filter(|l| options.labels.as_ref().is_none_or(|ls| ls.contains(&l.id)))
        .collect();
    for l in &labels {
        if type_name(&l.id) != l.id {
            export.warnings.push(format!(
                "label {:?} is written as {:?}: brat type names cannot hold spaces",
                l.id,
                type_name(&l.id)
            ));
        }
    }
    let mut visual = String::from("[labels]\n");
    for l in &labels {
        let _ = writeln!(visual, "{} | {}", type_name(&l.id), l.name);
    }
    for t in &schema.relation_types {
        let _ = writeln!(visual, "{} | {}", type_name(&t.id), t.name);
    }
    visual.push_str("\n[drawing]\n");
    for l in &labels {
        let _ = writeln!(visual, "{}\tbgColor:{}", type_name(&l.id), l.colour);
    }
    for t in &schema.relation_types {
        let _ = writeln!(visual, "{}\tcolor:{}", type_name(&t.id), t.colour);
    }
    export.files.push(ExportFile {
        name: Some("annotation.conf".to_owned()),
        content: conf(schema, &labels),
        beside: Default::default(),
    });
    export.files.push(ExportFile {
        name: Some("visual.conf".to_owned()),
        content: visual,
        beside: Default::default(),
    });
    let mut taken = HashSet::new();
    let mut manifest = Vec::new();
    let selected = select(project, options);
    progress.add_total(selected.iter().map(|s| s.annotations.len() as u64).sum());
    let mut steps = 0u64;
    let mut left_out_relations = 0;
    for sel in selected {
        let stem = file_stem(&sel.doc.id, &mut taken);
        let attrs: serde_json::Map<String, serde_json::Value> =
            sel.doc.attrs.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
        manifest.push(serde_json::json!({
            "file": stem,
            "id": sel.doc.id,
            "title": sel.doc.title,
            "status": sel.doc.status.name(),
            "attrs": attrs,
        }));
        let text = &sel.doc.text;
        let mut ann = String::new();
        let mut c = Counters::default();
        let mut ids = Ids {
            t: HashMap::new(),
            e: HashMap::new(),
        };
        for a in &sel.annotations {
            steps += 1;
            if steps.is_multiple_of(1024) {
                progress.advance(1024)?;
            }
            // Each piece split at line breaks (brat shows a span's text on one line).
            let frags: Vec<_> = a.pieces().into_iter().flat_map(|p| fragments(text, p)).collect();
            if frags.is_empty() {
                export.warnings.push(format!(
                    "{}: {} [{}, {}) holds only line breaks, which brat cannot show; it is not in the export",
                    a.doc, a.label, a.start, a.end
                ));
                continue;
            }
            let t = ids.t.len() + 1;
            ids.t.insert(a.id, t);
            let offsets: Vec<String> = frags.iter().map(|r| format!("{} {}", r.start, r.end)).collect();
            let shown: Vec<&str> = frags.iter().map(|r| text.slice(r.clone()).unwrap_or("")).collect();
            let _ = writeln!(
                ann,
                "T{t}\t{} {}\t{}",
                type_name(&a.label),
                offsets.join(";"),
                shown.join(" ")
            );
            let event = schema.get(&a.label).is_some_and(|l| l.kind == LabelKind::Event);
            if event {
                let e = ids.e.len() + 1;
                ids.e.insert(a.id, e);
            }
            if !a.note.is_empty() {
                c.note += 1;
                let _ = writeln!(ann, "#{}\tAnnotatorNotes T{t}\t{}", c.note, escape(&a.note));
            }
            c.note += 1;
            let _ = writeln!(ann, "#{}\tAuthor T{t}\t{}", c.note, escape(&a.author));
            c.note += 1;
            // Where brat's fragments are not the pieces (line breaks cut
            // out), the pieces themselves, to make them whole on import.
            let pieces = a.pieces();
            let whole = if frags != pieces {
                let list: Vec<String> = pieces.iter().map(|r| format!("{}-{}", r.start, r.end)).collect();
                format!(" pieces={}", list.join(","))
            } else {
                String::new()
            };
            let meta = if a.meta.is_empty() {
                String::new()
            } else {
                format!(" meta={}", serde_json::to_string(&a.meta).unwrap_or_default())
            };
            let _ = writeln!(
                ann,
                "#{}\tMarginalia T{t}\tid={} created={} modified={}{whole}{}",
                c.note,
                a.id,
                a.created,
                a.modified,
                escape(&meta)
            );
            export.annotations += 1;
        }
        // Events: a trigger and its roles (relations from it), numbered
        // when a role repeats (Content, Content2).
        let by_id: HashMap<AnnotationId, &Annotation> = sel.annotations.iter().map(|a| (a.id, *a)).collect();
        let relations: Vec<&Relation> = project
            .relations_of(&sel.doc.id)
            .iter()
            .filter(|r| by_id.contains_key(&r.from) && by_id.contains_key(&r.to))
            .collect();
        left_out_relations += project.relations_of(&sel.doc.id).len() - relations.len();
        let mut trigger_ids: Vec<(&AnnotationId, &usize)> = ids.e.iter().collect();
        trigger_ids.sort_by_key(|(_, e)| **e);
        let mut role_relations = HashSet::new();
        // Relations by their `from` end (a scan per trigger is quadratic).
        let mut from: HashMap<AnnotationId, Vec<&Relation>> = HashMap::new();
        for r in &relations {
            from.entry(r.from).or_default().push(r);
        }
        for (trigger, e) in trigger_ids {
            let a = by_id[trigger];
            let mut line = format!("E{e}\t{}:T{}", type_name(&a.label), ids.t[trigger]);
            let mut seen: HashMap<&str, usize> = HashMap::new();
            for r in from.get(trigger).into_iter().flatten().filter(|_| is_role(schema, a)) {
                let Some(arg) = ids.refer(r.to) else { continue };
                let n = seen.entry(r.kind.as_str()).or_default();
                *n += 1;
                let number = if *n == 1 { String::new() } else { n.to_string() };
                let _ = write!(line, " {}{number}:{arg}", type_name(&r.kind));
                role_relations.insert(r.id);
            }
            let _ = writeln!(ann, "{line}");
        }
        // Other relations: R lines, with their notes and provenance. A role
        // carries its note and provenance on the event's line comments.
        let mut r_n = 0;
        for r in &relations {
            let (Some(from), Some(to)) = (ids.refer(r.from), ids.refer(r.to)) else {
                continue;
            };
            let target = if role_relations.contains(&r.id) {
                // Roles have no id of their own in brat: their extras name
                // the event and the role's argument.
                format!("{from}:{}:{to}", type_name(&r.kind))
            } else {
                r_n += 1;
                let _ = writeln!(ann, "R{r_n}\t{} Arg1:{from} Arg2:{to}", type_name(&r.kind));
                format!("R{r_n}")
            };
            if !r.note.is_empty() {
                c.note += 1;
                let _ = writeln!(ann, "#{}\tAnnotatorNotes {target}\t{}", c.note, escape(&r.note));
            }
            c.note += 1;
            let _ = writeln!(ann, "#{}\tAuthor {target}\t{}", c.note, escape(&r.author));
            c.note += 1;
            let _ = writeln!(
                ann,
                "#{}\tMarginalia {target}\tid={} created={} modified={}",
                c.note, r.id, r.created, r.modified
            );
            attribute_lines(schema, &target, &r.attrs, true, &mut c, &mut ann);
        }
        for a in &sel.annotations {
            let Some(target) = ids.refer(a.id) else { continue };
            attribute_lines(schema, &target, &a.attrs, false, &mut c, &mut ann);
        }
        export.files.push(ExportFile {
            name: Some(format!("{stem}.txt")),
            content: text.as_str().to_owned(),
            beside: Default::default(),
        });
        export.files.push(ExportFile {
            name: Some(format!("{stem}.ann")),
            content: ann,
            beside: Default::default(),
        });
        export.documents += 1;
    }
    progress.advance(steps % 1024)?;
    if left_out_relations > 0 {
        export.warnings.push(format!(
            "{left_out_relations} relation(s) left out: an end is not in the export (a label or author filter)"
        ));
    }
    // The whole schema, so that a round trip keeps what brat's
    // configuration cannot say (kinds of attributes, defaults, entities).
    let structure = serde_json::json!({
        "labels": schema.labels.iter().map(|l| serde_json::json!({"id": l.id, "kind": l.kind.name()})).collect::<Vec<_>>(),
        "relation_types": schema.relation_types,
        "attributes": schema.attributes,
        "entities": schema.entities,
    });
    let manifest = serde_json::json!({
        "project": project.name,
        "offsets": "codepoint",
        "documents": manifest,
        "schema": structure,
    });
    export.files.push(ExportFile {
        name: Some(MANIFEST.to_owned()),
        content: format!("{manifest:#}\n"),
        beside: Default::default(),
    });
    Ok(export)
}
