//! Reading a brat collection: `T` text-bound annotations (discontinuous
//! ones as one annotation with fragments), `R` relations, `E` events (the
//! trigger's roles as relations from it; numbered roles such as
//! `Content2` are the role `Content`), `*` equivalences (a symmetric
//! relation), `A`/`M` attributes, `N` normalisations (entity references),
//! and `#` notes. `annotation.conf` declares the schema where it is there;
//! Marginalia's own manifest, when present, restores what brat cannot say.
//! A line that cannot be imported is reported with its reason, never
//! dropped silently.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{Described, MANIFEST, fragments, read_manifest, unescape};
use crate::formats::project_builder::{NewRelation, NewSpan};
use crate::formats::{FormatError, ImportOptions, Imported, Problems, Progress, ProjectBuilder, expand_inputs};
use crate::model::{
    AnnotationId, AttrKind, AttrTarget, AttrValue, AttributeDef, Attrs, Cardinality, ChoiceValue, Colour, Entity,
    LabelKind, RelationType, Status, Text, Timestamp, guess_title,
};
use crate::persist::safe_read::{self, MAX_PROJECT_BYTES};

/// What a `Marginalia` note says.
#[derive(Default)]
struct Extra {
    id: Option<AnnotationId>,
    created: Option<Timestamp>,
    modified: Option<Timestamp>,
    whole: Option<Vec<Range<usize>>>,
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
            // Written by earlier versions for a one-piece span split at line breaks.
            Some(("start", v)) => start = v.parse().ok(),
            Some(("end", v)) => end = v.parse().ok(),
            Some(("pieces", v)) => {
                e.whole = v
                    .split(',')
                    .map(|p| {
                        let (a, b) = p.split_once('-')?;
                        Some(a.parse().ok()?..b.parse().ok()?)
                    })
                    .collect();
            }
            _ => {}
        }
    }
    if e.whole.is_none()
        && let (Some(s), Some(e2)) = (start, end)
    {
        e.whole = Some(std::iter::once(s..e2).collect());
    }
    e
}

/// A `T` line, read.
struct TextBound {
    line: usize,
    label: String,
    fragments: Vec<Range<usize>>,
    text: String,
}

/// An `E` line: its id, line, trigger `T` id, type, and (role, argument id) pairs.
type EventLine = (String, usize, String, String, Vec<(String, String)>);

/// The lines of one `.ann` file, by kind.
#[derive(Default)]
struct AnnFile {
    bounds: Vec<(String, TextBound)>,
    /// The `T` ids met, against duplicates.
    t_ids: HashSet<String>,
    /// `E` id → (line, trigger `T` id, event type, [(role, argument id)]).
    events: Vec<EventLine>,
    /// (line, brat id, type, arg1, arg2).
    relations: Vec<(usize, String, String, String, String)>,
    /// (line, type, ids).
    equivs: Vec<(usize, String, Vec<String>)>,
    /// (line, key, target, value).
    attributes: Vec<(usize, String, String, Option<String>)>,
    /// (line, target, reference, name).
    norms: Vec<(usize, String, String, String)>,
    /// target → (line, kind, value).
    comments: HashMap<String, Vec<(usize, String, String)>>,
}

fn read_ann(ann: &str, ann_path: &Path, problems: &mut Problems, progress: &Progress) -> Result<AnnFile, FormatError> {
    let mut f = AnnFile::default();
    for (i, line) in ann.lines().enumerate() {
        let n = i + 1;
        progress.advance(line.len() as u64 + 1)?;
        if line.trim().is_empty() {
            continue;
        }
        let mut cols = line.splitn(3, '\t');
        let (id, body) = (cols.next().unwrap_or(""), cols.next().unwrap_or(""));
        let rest = cols.next();
        let mut words = body.split_whitespace();
        let bad = |what: &str| format!("{id}: {what}: {body:?}");
        match id.chars().next() {
            Some('T') => match read_text_bound(body, rest, n) {
                // Every later line naming it would be ambiguous.
                Ok(_) if !f.t_ids.insert(id.to_owned()) => {
                    problems.report(ann_path, Some(n), format!("{id} is defined twice in this file"))?;
                }
                Ok(tb) => f.bounds.push((id.to_owned(), tb)),
                Err(reason) => problems.report(ann_path, Some(n), reason)?,
            },
            Some('#') => match (words.next(), words.next()) {
                (Some(kind), Some(target)) => f.comments.entry(target.to_owned()).or_default().push((
                    n,
                    kind.to_owned(),
                    unescape(rest.unwrap_or("")),
                )),
                _ => problems.report(ann_path, Some(n), "a note needs a type and a target".to_owned())?,
            },
            Some('E') => {
                let mut parts = words.map(|w| w.split_once(':'));
                match parts.next().flatten() {
                    Some((kind, trigger)) => {
                        let args: Option<Vec<(String, String)>> =
                            parts.map(|p| p.map(|(r, a)| (r.to_owned(), a.to_owned()))).collect();
                        match args {
                            Some(args) => f
                                .events
                                .push((id.to_owned(), n, trigger.to_owned(), kind.to_owned(), args)),
                            None => problems.report(ann_path, Some(n), bad("an event's arguments are ROLE:ID"))?,
                        }
                    }
                    None => problems.report(ann_path, Some(n), bad("an event is TYPE:TRIGGER ROLE:ID…"))?,
                }
            }
            Some('R') => {
                let kind = words.next();
                let args: Vec<Option<(&str, &str)>> = words.map(|w| w.split_once(':')).collect();
                match (kind, args.as_slice()) {
                    (Some(kind), [Some((_, a1)), Some((_, a2))]) => {
                        f.relations
                            .push((n, id.to_owned(), kind.to_owned(), (*a1).to_owned(), (*a2).to_owned()));
                    }
                    _ => problems.report(ann_path, Some(n), bad("a relation is TYPE Arg1:ID Arg2:ID"))?,
                }
            }
            Some('*') => {
                let kind = words.next().unwrap_or("Equiv").to_owned();
                let ids: Vec<String> = words.map(str::to_owned).collect();
                if ids.len() < 2 {
                    problems.report(ann_path, Some(n), bad("an equivalence names two ids or more"))?;
                } else {
                    f.equivs.push((n, kind, ids));
                }
            }
            Some('A' | 'M') => match (words.next(), words.next()) {
                (Some(key), Some(target)) => {
                    f.attributes
                        .push((n, key.to_owned(), target.to_owned(), words.next().map(str::to_owned)));
                }
                _ => problems.report(ann_path, Some(n), bad("an attribute is KEY ID [VALUE]"))?,
            },
            Some('N') => match (words.next(), words.next(), words.next()) {
                (Some(_), Some(target), Some(reference)) => {
                    f.norms
                        .push((n, target.to_owned(), reference.to_owned(), unescape(rest.unwrap_or(""))));
                }
                _ => problems.report(ann_path, Some(n), bad("a normalisation is Reference ID DB:ID"))?,
            },
            _ => problems.report(ann_path, Some(n), format!("unknown annotation kind {id:?}"))?,
        }
    }
    Ok(f)
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

/// A role name without its number (`Content2` → `Content`).
fn role_of(name: &str) -> &str {
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit());
    if base.is_empty() { name } else { base }
}

/// Notes, author and provenance of one brat id.
fn extras(
    comments: &HashMap<String, Vec<(usize, String, String)>>,
    id: &str,
) -> (String, Option<String>, Extra, Attrs) {
    let mut note = String::new();
    let mut author = None;
    let mut extra = Extra::default();
    let mut attrs = Attrs::new();
    for (_, kind, value) in comments.get(id).into_iter().flatten() {
        match kind.as_str() {
            "AnnotatorNotes" => {
                if !note.is_empty() {
                    note.push('\n');
                }
                note.push_str(value);
            }
            "Author" => author = Some(value.clone()),
            "Marginalia" => extra = parse_extra(value),
            "Attribute" => {
                if let Some((k, v)) = value.split_once('=')
                    && let Some(v) = serde_json::from_str(v).ok().as_ref().and_then(AttrValue::from_json)
                {
                    attrs.insert(k.to_owned(), v);
                }
            }
            _ => {}
        }
    }
    (note, author, extra, attrs)
}

pub(super) fn import(
    inputs: &[PathBuf],
    options: &ImportOptions,
    progress: &Progress,
) -> Result<Imported, FormatError> {
    let mut files = expand_inputs(inputs, crate::formats::Format::Brat.extensions())?;
    let mut builder = ProjectBuilder::new(&options.name, &options.author);
    let mut problems = Problems::new(options.lenient);
    let mut notes = Vec::new();
    let mut dirs: Vec<&Path> = files.iter().filter_map(|f| f.parent()).collect();
    dirs.dedup();
    let mut described: HashMap<PathBuf, HashMap<String, Described>> = HashMap::new();
    for dir in dirs {
        read_conf(dir, &mut builder);
        read_schema(dir, &mut builder);
        described.insert(dir.to_owned(), read_manifest(dir));
    }
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
        let (id, title, status, doc_attrs) = match manifest {
            Some(d) => (d.id.clone(), d.title.clone(), d.status, d.attrs.clone()),
            None => (stem.clone(), guess_title(&text, &stem), Status::Todo, Attrs::new()),
        };
        let t = Text::new(text.as_str());
        let f = read_ann(&ann, ann_path, &mut problems, progress)?;
        let known: HashSet<&str> = f
            .bounds
            .iter()
            .map(|(id, _)| id.as_str())
            .chain(f.events.iter().map(|e| e.0.as_str()))
            .chain(f.relations.iter().map(|r| r.1.as_str()))
            .collect();
        for (target, list) in &f.comments {
            // Role extras name `E1:Role:T3`; their event must exist.
            let base = target.split(':').next().unwrap_or(target);
            if !known.contains(base) {
                for (line, kind, _) in list {
                    problems.skip(
                        ann_path,
                        Some(*line),
                        format!("{kind} note on {target} skipped: there is no annotation {target} in this file"),
                    );
                }
            }
        }
        // E ids stand for their trigger's T id.
        let trigger_of: HashMap<&str, &str> = f.events.iter().map(|e| (e.0.as_str(), e.2.as_str())).collect();
        let resolve = |id: &str| -> String { trigger_of.get(id).map_or(id, |t| *t).to_owned() };
        // Attributes and normalisations by the T id they end on.
        let mut span_attrs: HashMap<String, Attrs> = HashMap::new();
        let mut relation_attrs: HashMap<String, Attrs> = HashMap::new();
        let mut multi: HashMap<(String, String), Vec<String>> = HashMap::new();
        let relation_ids: HashSet<&str> = f.relations.iter().map(|r| r.1.as_str()).collect();
        let label_of: HashMap<&str, &str> = f.bounds.iter().map(|(b, tb)| (b.as_str(), tb.label.as_str())).collect();
        for (line, key, target, value) in &f.attributes {
            let on_relation = relation_ids.contains(target.as_str());
            if !on_relation && !known.contains(target.as_str()) {
                problems.skip(
                    ann_path,
                    Some(*line),
                    format!("attribute {key} on {target} skipped: no such annotation"),
                );
                continue;
            }
            let tid = resolve(target);
            let value = match value {
                None => AttrValue::Flag(true),
                Some(v) => AttrValue::Text(v.clone()),
            };
            let declared = builder.schema_mut().attribute(key).map(|d| d.kind);
            let store = if on_relation {
                &mut relation_attrs
            } else {
                &mut span_attrs
            };
            match (declared, &value) {
                (Some(AttrKind::Multi), AttrValue::Text(v)) => {
                    multi.entry((tid.clone(), key.clone())).or_default().push(v.clone());
                }
                _ => {
                    if let Some(old) = store.entry(tid.clone()).or_default().insert(key.clone(), value) {
                        // Two values of a one-value attribute: both said, the last kept.
                        problems.skip(
                            ann_path,
                            Some(*line),
                            format!("attribute {key} on {target} had another value ({old}): replaced"),
                        );
                    }
                }
            }
        }
        for ((tid, key), values) in multi {
            span_attrs.entry(tid).or_default().insert(key, AttrValue::List(values));
        }
        for (_, target, reference, name) in &f.norms {
            let tid = resolve(target);
            let entity = ensure_entity(&mut builder, reference, name);
            let label = label_of.get(tid.as_str()).map(|l| (*l).to_owned());
            let key = label
                .and_then(|l| {
                    builder
                        .schema_mut()
                        .attributes_of(&AttrTarget::Label(l))
                        .find(|d| d.kind == AttrKind::Entity)
                        .map(|d| d.id.clone())
                })
                .unwrap_or_else(|| "entity".to_owned());
            if builder.schema_mut().attribute(&key).is_none() {
                builder.schema_mut().attributes.push(AttributeDef {
                    id: key.clone(),
                    name: "Entity".to_owned(),
                    kind: AttrKind::Entity,
                    on: Vec::new(),
                    values: Vec::new(),
                    default: None,
                    required: false,
                    guideline: String::new(),
                });
            }
            span_attrs.entry(tid).or_default().insert(key, AttrValue::Text(entity));
        }
        let mut spans = Vec::new();
        for (bid, tb) in &f.bounds {
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
            let (note, author, extra, mut attrs) = extras(&f.comments, bid);
            attrs.extend(span_attrs.remove(bid).unwrap_or_default());
            let pieces = match extra.whole {
                // Our pieces split at line breaks, as exported: whole again.
                Some(pieces)
                    if pieces.iter().all(|p| p.start < p.end && p.end <= t.len_chars())
                        && pieces.iter().flat_map(|p| fragments(&t, p.clone())).collect::<Vec<_>>() == tb.fragments =>
                {
                    pieces
                }
                Some(_) => {
                    notes.push(format!(
                        "{}:{}: {bid} was edited after export (its Marginalia note disagrees): the T line's offsets were used",
                        ann_path.display(),
                        tb.line
                    ));
                    tb.fragments.clone()
                }
                None => tb.fragments.clone(),
            };
            spans.push((
                bid.clone(),
                tb.line,
                NewSpan {
                    range: pieces.first().map_or(0..0, |p| p.start..p.end),
                    fragments: pieces,
                    label: tb.label.clone(),
                    quoted: None,
                    note,
                    author,
                    id: extra.id,
                    created: extra.created,
                    modified: extra.modified,
                    meta: extra.meta,
                    attrs,
                },
            ));
        }
        let doc = match builder.add_document(&id, &title, t, status) {
            Ok(doc) => doc,
            Err(reason) => {
                problems.report(&txt_path, None, reason)?;
                continue;
            }
        };
        builder.set_document_attrs(&doc, doc_attrs);
        let mut ids: HashMap<String, AnnotationId> = HashMap::new();
        for (bid, line, span) in spans {
            match builder.add_span(&doc, span) {
                Ok(id) => {
                    ids.insert(bid, id);
                }
                Err(reason) => problems.report(ann_path, Some(line), format!("{bid}: {reason}"))?,
            }
        }
        // Relations: events' roles, R lines, equivalences.
        let mut wanted: Vec<(usize, String, String, String, String)> = Vec::new();
        for (eid, line, trigger, kind, args) in &f.events {
            if let Some(l) = builder.schema_mut().labels.iter_mut().find(|l| &l.id == kind) {
                l.kind = LabelKind::Event;
            }
            for (role, arg) in args {
                wanted.push((
                    *line,
                    format!("{eid}:{}:{arg}", role_of(role)),
                    role_of(role).to_owned(),
                    trigger.clone(),
                    resolve(arg),
                ));
            }
        }
        for (line, rid, kind, a1, a2) in &f.relations {
            wanted.push((*line, rid.clone(), kind.clone(), resolve(a1), resolve(a2)));
        }
        for (line, kind, list) in &f.equivs {
            if let Some(t) = builder.schema_mut().relation_type(kind).cloned() {
                if !t.symmetric {
                    problems.skip(
                        ann_path,
                        Some(*line),
                        format!("equivalence {kind} is declared as a directed relation; taken as one"),
                    );
                }
            } else {
                builder.ensure_relation_type(kind);
                if let Some(t) = builder.schema_mut().relation_types.iter_mut().find(|t| &t.id == kind) {
                    t.symmetric = true;
                }
            }
            for pair in list.windows(2) {
                wanted.push((*line, String::new(), kind.clone(), resolve(&pair[0]), resolve(&pair[1])));
            }
        }
        for (line, rid, kind, from, to) in wanted {
            let (Some(&from_id), Some(&to_id)) = (ids.get(&from), ids.get(&to)) else {
                problems.report(
                    ann_path,
                    Some(line),
                    format!("relation {rid} {kind}: an end ({from} or {to}) is not an imported annotation"),
                )?;
                continue;
            };
            let (note, author, extra, mut attrs) = extras(&f.comments, &rid);
            attrs.extend(relation_attrs.remove(&rid).unwrap_or_default());
            let r = NewRelation {
                kind: kind.clone(),
                from: from_id,
                to: to_id,
                note,
                attrs,
                author,
                id: extra.id,
                created: extra.created,
                modified: extra.modified,
                meta: extra.meta,
            };
            if let Err(reason) = builder.add_relation(&doc, r) {
                problems.report(ann_path, Some(line), format!("relation {rid} {kind}: {reason}"))?;
            }
        }
        crate::formats::drop_in_background(f, ann.len() > 1 << 20);
    }
    notes.extend(builder.notes());
    Ok(Imported {
        project: builder.finish(),
        skipped: problems.skipped,
        notes,
    })
}

/// The entity a normalisation names, added to the entity list if new;
/// returns its id.
fn ensure_entity(builder: &mut ProjectBuilder, reference: &str, name: &str) -> String {
    let entities = &mut builder.schema_mut().entities;
    if let Some(local) = reference.strip_prefix("Marginalia:")
        && entities.iter().any(|e| e.id == local)
    {
        return local.to_owned();
    }
    if let Some(e) = entities.iter().find(|e| e.reference.as_deref() == Some(reference)) {
        return e.id.clone();
    }
    let base: String = reference
        .rsplit(':')
        .next()
        .unwrap_or(reference)
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let mut id = if base.is_empty() { "entity".to_owned() } else { base };
    let mut n = 2;
    while entities.iter().any(|e| e.id == id) {
        id = format!("{id}_{n}");
        n += 1;
    }
    entities.push(Entity {
        id: id.clone(),
        name: if name.is_empty() {
            reference.to_owned()
        } else {
            name.to_owned()
        },
        reference: (!reference.starts_with("Marginalia:")).then(|| reference.to_owned()),
        note: String::new(),
    });
    id
}

/// Label lists of `annotation.conf` (`A|B`, `<ANY>`, `<ENTITY>`: any).
fn labels_of(list: &str) -> Vec<String> {
    list.split('|')
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('<'))
        .map(str::to_owned)
        .collect()
}

/// Adds the labels, relation types, event roles and attributes that
/// `annotation.conf` declares, and the names and colours of `visual.conf`.
fn read_conf(dir: &Path, builder: &mut ProjectBuilder) {
    let Ok(conf) = safe_read::read_utf8(&dir.join("annotation.conf"), MAX_PROJECT_BYTES) else {
        return;
    };
    let mut section = "";
    for line in conf.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, args) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let name = name.trim_start_matches('!');
        let args: Vec<(&str, &str)> = args.split(',').filter_map(|a| a.trim().split_once(':')).collect();
        match section {
            "[entities]" => builder.ensure_label(name),
            "[events]" => {
                builder.ensure_label(name);
                if let Some(l) = builder.schema_mut().labels.iter_mut().find(|l| l.id == name) {
                    l.kind = LabelKind::Event;
                }
                for (role, targets) in args {
                    let (role, cardinality) = match role.chars().last() {
                        Some('?') => (&role[..role.len() - 1], Cardinality::Optional),
                        Some('+') => (&role[..role.len() - 1], Cardinality::OneOrMore),
                        Some('*') => (&role[..role.len() - 1], Cardinality::Any),
                        _ => (role, Cardinality::One),
                    };
                    declare_type(builder, role, &[name.to_owned()], &labels_of(targets), cardinality);
                }
            }
            "[relations]" if !name.starts_with('<') => {
                let get = |k: &str| {
                    args.iter()
                        .find(|(a, _)| *a == k)
                        .map(|(_, v)| labels_of(v))
                        .unwrap_or_default()
                };
                declare_type(builder, name, &get("Arg1"), &get("Arg2"), Cardinality::Any);
                if args.iter().any(|(k, _)| *k == "<REL-TYPE>")
                    && let Some(t) = builder.schema_mut().relation_types.iter_mut().find(|t| t.id == name)
                {
                    t.symmetric = true;
                }
            }
            "[attributes]" => {
                let on: Vec<AttrTarget> = args
                    .iter()
                    .filter(|(k, _)| *k == "Arg")
                    .flat_map(|(_, v)| labels_of(v))
                    .map(AttrTarget::Label)
                    .collect();
                let values: Vec<ChoiceValue> = args
                    .iter()
                    .filter(|(k, _)| *k == "Value")
                    .flat_map(|(_, v)| labels_of(v))
                    .map(|id| ChoiceValue { id, hotkey: None })
                    .collect();
                let schema = builder.schema_mut();
                if schema.attribute(name).is_none() {
                    schema.attributes.push(AttributeDef {
                        id: name.to_owned(),
                        name: name.to_owned(),
                        kind: if values.is_empty() {
                            AttrKind::Flag
                        } else {
                            AttrKind::Choice
                        },
                        on,
                        values,
                        default: None,
                        required: false,
                        guideline: String::new(),
                    });
                }
            }
            _ => {}
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
            let (id, name) = (id.trim(), name.split('|').next().unwrap_or("").trim());
            if let Some(t) = builder.schema_mut().relation_types.iter_mut().find(|t| t.id == id) {
                t.name = name.to_owned();
            } else {
                builder.set_label_name(id, name);
            }
        } else if section == "[drawing]"
            && let Some((id, style)) = line.split_once(char::is_whitespace)
            && let Some(colour) = style.split(',').find_map(|s| {
                s.trim()
                    .strip_prefix("bgColor:")
                    .or_else(|| s.trim().strip_prefix("color:"))
            })
            && let Some(colour) = Colour::parse(colour)
        {
            let id = id.trim();
            if let Some(t) = builder.schema_mut().relation_types.iter_mut().find(|t| t.id == id) {
                t.colour = colour;
            } else {
                builder.set_label_colour(id, colour);
            }
        }
    }
}

fn declare_type(builder: &mut ProjectBuilder, id: &str, from: &[String], to: &[String], cardinality: Cardinality) {
    builder.ensure_relation_type(id);
    let schema = builder.schema_mut();
    if let Some(t) = schema.relation_types.iter_mut().find(|t| t.id == id) {
        for l in from {
            if !t.from.contains(l) {
                t.from.push(l.clone());
            }
        }
        for l in to {
            if !t.to.contains(l) {
                t.to.push(l.clone());
            }
        }
        if !cardinality.is_any() {
            t.cardinality = cardinality;
        }
    }
    for l in from.iter().chain(to) {
        builder.ensure_label(l);
    }
}

/// What Marginalia's manifest says of the schema (label kinds, relation
/// types, attributes and entities as they were), which replaces what the
/// configuration could say of them.
fn read_schema(dir: &Path, builder: &mut ProjectBuilder) {
    let Ok(source) = safe_read::read_utf8(&dir.join(MANIFEST), MAX_PROJECT_BYTES) else {
        return;
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&source) else {
        return;
    };
    let Some(schema) = value.get("schema") else { return };
    let parse = |k: &str| schema.get(k).cloned().unwrap_or(serde_json::Value::Null);
    let types: Vec<RelationType> = serde_json::from_value(parse("relation_types")).unwrap_or_default();
    let attributes: Vec<AttributeDef> = serde_json::from_value(parse("attributes")).unwrap_or_default();
    let entities: Vec<Entity> = serde_json::from_value(parse("entities")).unwrap_or_default();
    let kinds: Vec<(String, String)> = schema
        .get("labels")
        .and_then(|l| l.as_array())
        .into_iter()
        .flatten()
        .filter_map(|l| Some((l.get("id")?.as_str()?.to_owned(), l.get("kind")?.as_str()?.to_owned())))
        .collect();
    let s = builder.schema_mut();
    s.relation_types = types;
    s.attributes = attributes;
    s.entities = entities;
    for (id, kind) in kinds {
        if let Some(l) = s.labels.iter_mut().find(|l| l.id == id)
            && let Some(kind) = <LabelKind as clap::ValueEnum>::from_str(&kind, true).ok()
        {
            l.kind = kind;
        }
    }
}
