//! The RON project file format: writing it, and reading it fast.
//!
//! The file is meant to be read by people and diffed and merged by git:
//!
//! ```text
//! // Marginalia project file. Offsets are Unicode code points, half-open [start, end); …
//! (
//!     format_version: 2,
//!     name: "Karabakh",
//!     labels: [
//!         (id: "claim", name: "Claim", colour: "#4e79a7", hotkey: Some('2'), guideline: "…"),
//!     ],
//!     relation_types: [  // the sections down to `entities` only when not empty
//!         (id: "claimant", name: "Claimant", colour: "#…", from: ["claim"], to: ["actor"], cardinality: optional),
//!     ],
//!     attributes: [
//!         (id: "polarity", name: "Polarity", kind: choice, on: [Label("claim")], values: [(id: "support"), (id: "oppose")]),
//!     ],
//!     entities: [
//!         (id: "pashinyan", name: "Nikol Pashinyan", reference: Some("Wikidata:Q57521")),
//!     ],
//!     documents: [
//!         (id: "report-2020", title: "…", path: "report-2020.txt", hash: "sha256:…", length: 4530, status: done, attrs: {"outlet": "…"}),
//!     ],
//!     orphans: [  // only when some exist: annotations whose text was deleted
//!         (id: …, doc: …, start: …, end: …, …),
//!     ],
//!     annotations: [
//!         (id: "k3v9x2m7qp4r", doc: "report-2020", start: 120, end: 134, label: "actor", text: "…", author: "ana", created: "…", modified: "…"),
//!         (id: "…", doc: "…", start: 10, end: 40, fragments: [(10, 20), (25, 40)], label: "claim", text: "… … …", attrs: {"polarity": "oppose"}, …),
//!     ],
//!     relations: [  // only when some exist
//!         (id: "…", doc: "report-2020", type: "claimant", from: "…", to: "…", author: "ana", created: "…", modified: "…"),
//!     ],
//!     suggestions: [  // only when some exist: proposed spans, open or rejected
//!         (doc: "report-2020", start: 310, end: 325, label: "actor", text: "Nikol Pashinyan", source: "gazetteer:actors.tsv", pattern: "nikol pashinyan"),
//!     ],
//! )
//! ```
//!
//! One schema entry, document, annotation or relation per line, annotations
//! and relations in canonical order, attributes inline on their owner's
//! line, strings escaped so that none spans lines (invisible characters
//! such as no-break spaces and joiners are written as `\u{a0}` so that they
//! show in diffs): adding an annotation changes one line of `git diff`, and
//! the same project always serialises to the same bytes.
//!
//! Version 2 added relations, attributes, fragments, document metadata,
//! label kinds and the entity list; all of it is optional, so a version-1
//! file is a valid version-2 file with another number. Version-1 files
//! load unchanged and are written as version 2 only when saved.
//! Suggestions came later within version 2 and are optional as well; a
//! build that predates them refuses a file that has some (an unknown
//! field, with its line) instead of dropping them at its next save.
//!
//! Any valid RON with these fields is accepted, so hand edits and other
//! tools' output load. Unknown fields are refused (a misspelt optional
//! field would otherwise be dropped at the next save); missing optional
//! fields take defaults, so files stay loadable as the format grows.
//!
//! Reading: ron parses about 40 MB/s, too slow for a 100,000-annotation
//! project (22 MB). Files in the canonical layout this module writes are
//! therefore read by a strict line parser for the annotations and the
//! relations (the small head still goes through ron). Anything that departs from the canonical
//! form, however slightly, falls back to parsing the whole file with ron,
//! which stays the reference and reports every error with its position.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::model::{
    Annotation, AnnotationId, AttrTarget, AttrValue, AttributeDef, Attrs, Document, Entity, Label, Project, Relation,
    RelationType, Schema, Status, Suggestion, Text, Timestamp, write_attr_ron, write_attrs_ron,
};

/// The format version this build writes. Files with a larger number are refused.
pub const FORMAT_VERSION: u32 = 2;

const HEADER: &str = "// Marginalia project file. Offsets are Unicode code points, half-open [start, end); \
`text` quotes the span. Run `marginalia validate` after editing by hand.\n";

const ANNOTATIONS_OPEN: &str = "    annotations: [\n";
const RELATIONS_OPEN: &str = "    relations: [\n";
const SUGGESTIONS_OPEN: &str = "    suggestions: [\n";
const LIST_CLOSE: &str = "    ],";

/// A document's entry in the file (the text lives in its own file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DocumentEntry {
    pub id: String,
    pub title: String,
    pub path: String,
    pub hash: String,
    pub length: usize,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub attrs: Attrs,
}

impl DocumentEntry {
    /// The document, with `text` as loaded from its file.
    pub fn into_document(self, text: Text) -> Document {
        Document {
            id: self.id,
            title: self.title,
            path: self.path,
            hash: self.hash,
            length: self.length,
            status: self.status,
            attrs: self.attrs,
            text,
        }
    }
}

/// The file as parsed, before documents are read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileIn {
    pub format_version: u32,
    pub name: String,
    #[serde(default)]
    pub labels: Vec<Label>,
    #[serde(default)]
    pub relation_types: Vec<RelationType>,
    #[serde(default)]
    pub attributes: Vec<AttributeDef>,
    #[serde(default)]
    pub entities: Vec<Entity>,
    #[serde(default)]
    pub documents: Vec<DocumentEntry>,
    #[serde(default)]
    pub orphans: Vec<Annotation>,
    #[serde(default)]
    pub annotations: Vec<Annotation>,
    #[serde(default)]
    pub relations: Vec<Relation>,
    #[serde(default)]
    pub suggestions: Vec<Suggestion>,
}

impl FileIn {
    /// The project the file describes, with `documents` made from its
    /// document entries (texts loaded or not, as the caller decides).
    pub fn into_project(self, documents: impl FnOnce(Vec<DocumentEntry>) -> Vec<Document>) -> Project {
        let schema = Schema {
            labels: self.labels,
            relation_types: self.relation_types,
            attributes: self.attributes,
            entities: self.entities,
        };
        let mut project = Project::from_parts(self.name, schema, documents(self.documents), self.annotations);
        project.orphans = self.orphans;
        project.insert_relations(self.relations);
        if !self.suggestions.is_empty() {
            project.insert_suggestions(self.suggestions);
        }
        project
    }
}

// ---------------------------------------------------------------- writing

/// Serialises a project to the canonical file text.
pub fn to_string(project: &Project) -> String {
    let annotations = project.annotations();
    let mut out = String::with_capacity(4096 + annotations.len() * 256);
    out.push_str(HEADER);
    out.push_str("(\n");
    let _ = writeln!(out, "    format_version: {FORMAT_VERSION},");
    let _ = writeln!(out, "    name: {:?},", project.name);
    let schema = &project.schema;
    list(&mut out, "labels", &schema.labels, write_label);
    // Sections a version-1 project does not have are left out, so that
    // saving it changes only the version line.
    if !schema.relation_types.is_empty() {
        list(&mut out, "relation_types", &schema.relation_types, write_relation_type);
    }
    if !schema.attributes.is_empty() {
        list(&mut out, "attributes", &schema.attributes, write_attribute);
    }
    if !schema.entities.is_empty() {
        list(&mut out, "entities", &schema.entities, write_entity);
    }
    list(&mut out, "documents", &project.documents, write_document);
    // Orphans come before the annotations, so that the annotations stay
    // the canonical tail the fast reader expects.
    if !project.orphans.is_empty() {
        list(&mut out, "orphans", &project.orphans, write_annotation);
    }
    list(&mut out, "annotations", annotations, write_annotation);
    if !project.relations().is_empty() {
        list(&mut out, "relations", project.relations(), write_relation);
    }
    if !project.suggestions().is_empty() {
        list(&mut out, "suggestions", project.suggestions(), write_suggestion);
    }
    out.push_str(")\n");
    out
}

fn list<'a, T: 'a, I>(out: &mut String, name: &str, items: I, write: fn(&mut String, &T))
where
    I: IntoIterator<Item = &'a T>,
    I::IntoIter: ExactSizeIterator,
{
    let items = items.into_iter();
    if items.len() == 0 {
        let _ = writeln!(out, "    {name}: [],");
        return;
    }
    let _ = writeln!(out, "    {name}: [");
    for item in items {
        out.push_str("        (");
        write(out, item);
        out.push_str("),\n");
    }
    out.push_str("    ],\n");
}

// `write!` into a String cannot fail; the results are discarded below.

fn write_label(out: &mut String, l: &Label) {
    let _ = write!(out, "id: {:?}, name: {:?}, colour: \"{}\"", l.id, l.name, l.colour);
    write_hotkey(out, l.hotkey);
    if !l.kind.is_span() {
        let _ = write!(out, ", kind: {}", l.kind.name());
    }
    write_guideline(out, &l.guideline);
}

/// `, hotkey: Some('k')` when there is one.
fn write_hotkey(out: &mut String, hotkey: Option<char>) {
    if let Some(key) = hotkey {
        let _ = write!(out, ", hotkey: Some({key:?})");
    }
}

/// `, guideline: "…"` when there is one.
fn write_guideline(out: &mut String, guideline: &str) {
    if !guideline.is_empty() {
        let _ = write!(out, ", guideline: {guideline:?}");
    }
}

fn write_strings(out: &mut String, field: &str, items: &[String]) {
    let _ = write!(out, ", {field}: [");
    for (i, s) in items.iter().enumerate() {
        let _ = write!(out, "{}{s:?}", if i == 0 { "" } else { ", " });
    }
    out.push(']');
}

fn write_relation_type(out: &mut String, t: &RelationType) {
    let _ = write!(out, "id: {:?}, name: {:?}, colour: \"{}\"", t.id, t.name, t.colour);
    write_hotkey(out, t.hotkey);
    if !t.from.is_empty() {
        write_strings(out, "from", &t.from);
    }
    if !t.to.is_empty() {
        write_strings(out, "to", &t.to);
    }
    if t.symmetric {
        out.push_str(", symmetric: true");
    }
    if !t.cardinality.is_any() {
        let _ = write!(out, ", cardinality: {}", t.cardinality.name());
    }
    write_guideline(out, &t.guideline);
}

fn write_attribute(out: &mut String, a: &AttributeDef) {
    let _ = write!(
        out,
        "id: {:?}, name: {:?}, kind: {}, on: [",
        a.id,
        a.name,
        a.kind.name()
    );
    for (i, target) in a.on.iter().enumerate() {
        out.push_str(if i == 0 { "" } else { ", " });
        let _ = match target {
            AttrTarget::Label(l) => write!(out, "Label({l:?})"),
            AttrTarget::Relation(t) => write!(out, "Relation({t:?})"),
            AttrTarget::Document => write!(out, "Document"),
        };
    }
    out.push(']');
    if !a.values.is_empty() {
        out.push_str(", values: [");
        for (i, v) in a.values.iter().enumerate() {
            let _ = write!(out, "{}(id: {:?}", if i == 0 { "" } else { ", " }, v.id);
            write_hotkey(out, v.hotkey);
            out.push(')');
        }
        out.push(']');
    }
    if let Some(d) = &a.default {
        out.push_str(", default: Some(");
        write_attr_ron(out, d);
        out.push(')');
    }
    if a.required {
        out.push_str(", required: true");
    }
    write_guideline(out, &a.guideline);
}

fn write_entity(out: &mut String, e: &Entity) {
    let _ = write!(out, "id: {:?}, name: {:?}", e.id, e.name);
    if let Some(r) = &e.reference {
        let _ = write!(out, ", reference: Some({r:?})");
    }
    if !e.note.is_empty() {
        let _ = write!(out, ", note: {:?}", e.note);
    }
}

fn write_relation(out: &mut String, r: &Relation) {
    let _ = write!(
        out,
        "id: \"{}\", doc: {:?}, type: {:?}, from: \"{}\", to: \"{}\"",
        r.id, r.doc, r.kind, r.from, r.to
    );
    if !r.attrs.is_empty() {
        out.push_str(", attrs: ");
        write_attrs_ron(out, &r.attrs);
    }
    if !r.note.is_empty() {
        let _ = write!(out, ", note: {:?}", r.note);
    }
    write_provenance(out, &r.author, r.created, r.modified, &r.meta);
}

/// `, author: …, created: …, modified: …[, meta: {…}]`, the tail of
/// annotation and relation lines.
fn write_provenance(
    out: &mut String,
    author: &str,
    created: Timestamp,
    modified: Timestamp,
    meta: &BTreeMap<String, String>,
) {
    let _ = write!(
        out,
        ", author: {author:?}, created: \"{created}\", modified: \"{modified}\""
    );
    if !meta.is_empty() {
        out.push_str(", meta: {");
        for (i, (k, v)) in meta.iter().enumerate() {
            let _ = write!(out, "{}{k:?}: {v:?}", if i == 0 { "" } else { ", " });
        }
        out.push('}');
    }
}

fn write_suggestion(out: &mut String, s: &Suggestion) {
    let _ = write!(
        out,
        "doc: {:?}, start: {}, end: {}, label: {:?}, text: {:?}, source: {:?}",
        s.doc, s.start, s.end, s.label, s.text, s.source
    );
    if !s.pattern.is_empty() {
        let _ = write!(out, ", pattern: {:?}", s.pattern);
    }
    if let Some(entity) = &s.entity {
        let _ = write!(out, ", entity: Some({entity:?})");
    }
    if s.rejected {
        out.push_str(", rejected: true");
    }
}

fn write_document(out: &mut String, d: &Document) {
    let _ = write!(
        out,
        "id: {:?}, title: {:?}, path: {:?}, hash: {:?}, length: {}, status: {}",
        d.id,
        d.title,
        d.path,
        d.hash,
        d.length,
        d.status.name()
    );
    if !d.attrs.is_empty() {
        out.push_str(", attrs: ");
        write_attrs_ron(out, &d.attrs);
    }
}

fn write_annotation(out: &mut String, a: &Annotation) {
    let _ = write!(
        out,
        "id: \"{}\", doc: {:?}, start: {}, end: {}",
        a.id, a.doc, a.start, a.end
    );
    if !a.fragments.is_empty() {
        out.push_str(", fragments: [");
        for (i, (s, e)) in a.fragments.iter().enumerate() {
            let _ = write!(out, "{}({s}, {e})", if i == 0 { "" } else { ", " });
        }
        out.push(']');
    }
    let _ = write!(out, ", label: {:?}, text: {:?}", a.label, a.text);
    if !a.attrs.is_empty() {
        out.push_str(", attrs: ");
        write_attrs_ron(out, &a.attrs);
    }
    if !a.note.is_empty() {
        let _ = write!(out, ", note: {:?}", a.note);
    }
    write_provenance(out, &a.author, a.created, a.modified, &a.meta);
}

// ---------------------------------------------------------------- reading

/// Parses project file text: the fast path for canonical files, ron for
/// everything else (and for every error).
pub(crate) fn parse(source: &str) -> Result<FileIn, ron::error::SpannedError> {
    if let Some(file) = parse_canonical(source) {
        return Ok(file);
    }
    ron::from_str(source)
}

/// The document entries of a canonical file, read from its head alone
/// (a few megabytes for 10,000 documents), so that their texts can be
/// read while the rest of the file is parsed; `None` when the file is not
/// in the canonical layout.
pub(crate) fn canonical_documents(source: &str) -> Option<Vec<DocumentEntry>> {
    let open = source.find(ANNOTATIONS_OPEN)?;
    let mut head = String::with_capacity(open + 32);
    head.push_str(&source[..open]);
    head.push_str("    annotations: [],\n)\n");
    ron::from_str::<FileIn>(&head).ok().map(|f| f.documents)
}

/// The canonical fast path, or `None` to fall back to ron: the head up to
/// the annotations through ron, then one annotation per line, then
/// optionally one relation per line, then the file's end.
fn parse_canonical(source: &str) -> Option<FileIn> {
    let open = source.find(ANNOTATIONS_OPEN)?;
    // The head, with an empty annotation list, is small: ron reads it.
    let mut head = String::with_capacity(open + 32);
    head.push_str(&source[..open]);
    head.push_str("    annotations: [],\n)\n");
    let mut file: FileIn = ron::from_str(&head).ok()?;
    let mut lines = source[open + ANNOTATIONS_OPEN.len()..].split('\n');
    let mut annotations = Vec::with_capacity(source.len().saturating_sub(open) / 200);
    for line in lines.by_ref() {
        if line == LIST_CLOSE {
            break;
        }
        let inner = line.strip_prefix("        (")?.strip_suffix("),")?;
        annotations.push(parse_annotation(inner)?);
    }
    let mut next = lines.next()?;
    if next == RELATIONS_OPEN.trim_end_matches('\n') {
        let mut relations = Vec::new();
        for line in lines.by_ref() {
            if line == LIST_CLOSE {
                break;
            }
            let inner = line.strip_prefix("        (")?.strip_suffix("),")?;
            relations.push(parse_relation(inner)?);
        }
        file.relations = relations;
        next = lines.next()?;
    }
    if next == SUGGESTIONS_OPEN.trim_end_matches('\n') {
        let mut suggestions = Vec::new();
        for line in lines.by_ref() {
            if line == LIST_CLOSE {
                break;
            }
            let inner = line.strip_prefix("        (")?.strip_suffix("),")?;
            suggestions.push(parse_suggestion(inner)?);
        }
        file.suggestions = suggestions;
        next = lines.next()?;
    }
    // `)`, then the empty rest after the final line break.
    if next != ")" || lines.next() != Some("") || lines.next().is_some() {
        return None;
    }
    file.annotations = annotations;
    Some(file)
}

/// The fields annotation and relation lines share.
#[derive(Default)]
struct Common {
    id: Option<AnnotationId>,
    doc: Option<String>,
    note: Option<String>,
    author: Option<String>,
    created: Option<Timestamp>,
    modified: Option<Timestamp>,
    meta: Option<BTreeMap<String, String>>,
    attrs: Option<Attrs>,
}

impl Common {
    /// Reads `field` if it is a shared one: `Some(fresh)`, where a
    /// repeated field (not canonical) is not fresh; `None` for another field.
    fn field(&mut self, field: &str, c: &mut Cursor<'_>) -> Option<Option<bool>> {
        Some(Some(match field {
            "id" => self.id.replace(AnnotationId::parse(&c.string()?)?).is_none(),
            "doc" => self.doc.replace(c.string()?.into_owned()).is_none(),
            "note" => self.note.replace(c.string()?.into_owned()).is_none(),
            "author" => self.author.replace(c.string()?.into_owned()).is_none(),
            "created" => self.created.replace(Timestamp::parse(&c.string()?)?).is_none(),
            "modified" => self.modified.replace(Timestamp::parse(&c.string()?)?).is_none(),
            "meta" => self.meta.replace(c.map()?).is_none(),
            "attrs" => self.attrs.replace(c.attrs()?).is_none(),
            _ => return Some(None),
        }))
    }
}

/// Reads `field: value, …` to the end of `s`, handing each field to
/// `other` unless `common` takes it. `None` when not canonical.
fn parse_fields<'a>(
    s: &'a str,
    common: &mut Common,
    mut other: impl FnMut(&'a str, &mut Cursor<'a>) -> Option<bool>,
) -> Option<()> {
    let mut c = Cursor { s, i: 0 };
    loop {
        let field = c.ident()?;
        c.literal(": ")?;
        let fresh = match common.field(field, &mut c)? {
            Some(fresh) => fresh,
            None => other(field, &mut c)?,
        };
        if !fresh {
            return None;
        }
        if c.at_end() {
            return Some(());
        }
        c.literal(", ")?;
    }
}

/// Parses `id: "…", doc: "…", …` (the inside of one canonical annotation line).
fn parse_annotation(s: &str) -> Option<Annotation> {
    let mut common = Common::default();
    let (mut start, mut end, mut label, mut text, mut fragments) = (None, None, None, None, None);
    parse_fields(s, &mut common, |field, c| {
        Some(match field {
            "start" => start.replace(c.number()?).is_none(),
            "end" => end.replace(c.number()?).is_none(),
            "label" => label.replace(c.string()?.into_owned()).is_none(),
            "text" => text.replace(c.string()?.into_owned()).is_none(),
            "fragments" => fragments.replace(c.pairs()?).is_none(),
            _ => return None,
        })
    })?;
    Some(Annotation {
        id: common.id?,
        doc: common.doc?,
        start: start?,
        end: end?,
        fragments: fragments.unwrap_or_default(),
        label: label?,
        text: text?,
        attrs: common.attrs.unwrap_or_default(),
        note: common.note.unwrap_or_default(),
        author: common.author?,
        created: common.created?,
        modified: common.modified?,
        meta: common.meta.unwrap_or_default(),
    })
}

/// Parses the inside of one canonical relation line.
fn parse_relation(s: &str) -> Option<Relation> {
    let mut common = Common::default();
    let (mut kind, mut from, mut to) = (None, None, None);
    parse_fields(s, &mut common, |field, c| {
        Some(match field {
            "type" => kind.replace(c.string()?.into_owned()).is_none(),
            "from" => from.replace(AnnotationId::parse(&c.string()?)?).is_none(),
            "to" => to.replace(AnnotationId::parse(&c.string()?)?).is_none(),
            _ => return None,
        })
    })?;
    Some(Relation {
        id: common.id?,
        doc: common.doc?,
        kind: kind?,
        from: from?,
        to: to?,
        attrs: common.attrs.unwrap_or_default(),
        note: common.note.unwrap_or_default(),
        author: common.author?,
        created: common.created?,
        modified: common.modified?,
        meta: common.meta.unwrap_or_default(),
    })
}

/// Parses the inside of one canonical suggestion line.
fn parse_suggestion(s: &str) -> Option<Suggestion> {
    let mut c = Cursor { s, i: 0 };
    let (mut doc, mut start, mut end, mut label, mut text, mut source) = (None, None, None, None, None, None);
    let (mut pattern, mut entity, mut rejected) = (None, None, None);
    loop {
        let field = c.ident()?;
        c.literal(": ")?;
        let fresh = match field {
            "doc" => doc.replace(c.string()?.into_owned()).is_none(),
            "start" => start.replace(c.number()?).is_none(),
            "end" => end.replace(c.number()?).is_none(),
            "label" => label.replace(c.string()?.into_owned()).is_none(),
            "text" => text.replace(c.string()?.into_owned()).is_none(),
            "source" => source.replace(c.string()?.into_owned()).is_none(),
            "pattern" => pattern.replace(c.string()?.into_owned()).is_none(),
            "entity" => {
                c.literal("Some(")?;
                let e = c.string()?.into_owned();
                c.literal(")")?;
                entity.replace(e).is_none()
            }
            "rejected" => {
                c.literal("true")?;
                rejected.replace(true).is_none()
            }
            _ => return None,
        };
        if !fresh {
            return None;
        }
        if c.at_end() {
            break;
        }
        c.literal(", ")?;
    }
    Some(Suggestion {
        doc: doc?,
        start: start?,
        end: end?,
        label: label?,
        text: text?,
        source: source?,
        pattern: pattern.unwrap_or_default(),
        entity,
        rejected: rejected.unwrap_or(false),
    })
}

struct Cursor<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Cursor<'a> {
    fn at_end(&self) -> bool {
        self.i == self.s.len()
    }

    fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }

    fn literal(&mut self, lit: &str) -> Option<()> {
        self.rest().starts_with(lit).then(|| self.i += lit.len())
    }

    fn ident(&mut self) -> Option<&'a str> {
        let n = self
            .rest()
            .bytes()
            .take_while(|b| b.is_ascii_lowercase() || *b == b'_')
            .count();
        (n > 0).then(|| {
            let ident = &self.rest()[..n];
            self.i += n;
            ident
        })
    }

    /// A decimal number without sign, leading zeros or suffix.
    fn number(&mut self) -> Option<usize> {
        let digits = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        let text = &self.rest()[..digits];
        if digits == 0 || (digits > 1 && text.starts_with('0')) {
            return None;
        }
        let n = text.parse().ok()?;
        self.i += digits;
        Some(n)
    }

    /// A double-quoted string with ron's escapes (`\x` escapes fall back).
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.literal("\"")?;
        let rest = self.rest();
        let close = rest.find('"')?;
        let plain = &rest[..close];
        if !plain.contains('\\') {
            self.i += close + 1;
            return Some(Cow::Borrowed(plain));
        }
        let mut out = String::with_capacity(rest.len().min(256));
        let mut chars = rest.char_indices();
        while let Some((at, ch)) = chars.next() {
            match ch {
                '"' => {
                    self.i += at + 1;
                    return Some(Cow::Owned(out));
                }
                '\\' => out.push(match chars.next()?.1 {
                    '"' => '"',
                    '\\' => '\\',
                    '\'' => '\'',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    '0' => '\0',
                    'u' => {
                        if chars.next()?.1 != '{' {
                            return None;
                        }
                        let mut value = 0u32;
                        let mut digits = 0;
                        loop {
                            let d = chars.next()?.1;
                            if d == '}' {
                                break;
                            }
                            value = value * 16 + d.to_digit(16)?;
                            digits += 1;
                            if digits > 6 {
                                return None;
                            }
                        }
                        if digits == 0 {
                            return None;
                        }
                        char::from_u32(value)?
                    }
                    _ => return None,
                }),
                // A raw line break inside a string is valid RON but not canonical.
                '\n' | '\r' => return None,
                c => out.push(c),
            }
        }
        None
    }

    /// `[(s, e), …]`: a discontinuous span's fragments.
    fn pairs(&mut self) -> Option<Vec<(usize, usize)>> {
        self.literal("[")?;
        let mut out = Vec::new();
        loop {
            self.literal("(")?;
            let s = self.number()?;
            self.literal(", ")?;
            let e = self.number()?;
            self.literal(")")?;
            out.push((s, e));
            if self.literal("]").is_some() {
                return Some(out);
            }
            self.literal(", ")?;
        }
    }

    /// One attribute value as [`write_attr_ron`] writes it.
    fn attr_value(&mut self) -> Option<AttrValue> {
        if self.rest().starts_with('"') {
            return Some(AttrValue::Text(self.string()?.into_owned()));
        }
        if self.rest().starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
            let n = self
                .rest()
                .bytes()
                .take_while(|b| b.is_ascii_digit() || b".-+eE".contains(b))
                .count();
            let x: f64 = self.rest()[..n].parse().ok()?;
            self.i += n;
            return Some(AttrValue::Number(crate::model::Number::new(x)?));
        }
        if self.literal("true").is_some() {
            return Some(AttrValue::Flag(true));
        }
        if self.literal("false").is_some() {
            return Some(AttrValue::Flag(false));
        }
        self.literal("[")?;
        let mut items = Vec::new();
        if self.literal("]").is_some() {
            return Some(AttrValue::List(items));
        }
        loop {
            items.push(self.string()?.into_owned());
            if self.literal("]").is_some() {
                return Some(AttrValue::List(items));
            }
            self.literal(", ")?;
        }
    }

    /// `{"key": value, …}` of attribute values.
    fn attrs(&mut self) -> Option<Attrs> {
        self.literal("{")?;
        let mut map = Attrs::new();
        if self.literal("}").is_some() {
            return Some(map);
        }
        loop {
            let k = self.string()?.into_owned();
            self.literal(": ")?;
            let v = self.attr_value()?;
            if map.insert(k, v).is_some() {
                return None;
            }
            if self.literal("}").is_some() {
                return Some(map);
            }
            self.literal(", ")?;
        }
    }

    /// `{"key": "value", …}`.
    fn map(&mut self) -> Option<BTreeMap<String, String>> {
        self.literal("{")?;
        let mut map = BTreeMap::new();
        if self.literal("}").is_some() {
            return Some(map);
        }
        loop {
            let k = self.string()?.into_owned();
            self.literal(": ")?;
            let v = self.string()?.into_owned();
            if map.insert(k, v).is_some() {
                return None;
            }
            if self.literal("}").is_some() {
                return Some(map);
            }
            self.literal(", ")?;
        }
    }
}

/// The `format_version` a file declares, read without parsing the whole
/// file, so that a newer file is refused with a clear message even if its
/// syntax has changed in ways this build cannot parse. Only a field at the
/// start of a line counts: the words in a comment or a string do not.
pub fn declared_version(source: &str) -> Option<u32> {
    source.lines().take(64).find_map(|line| {
        let line = line.trim_start();
        let line = line.strip_prefix('(').unwrap_or(line).trim_start();
        let rest = line.strip_prefix("format_version")?.trim_start().strip_prefix(':')?;
        let digits: String = rest.trim_start().chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn annotation(text: &str, note: &str, meta: &[(&str, &str)]) -> Annotation {
        Annotation {
            id: AnnotationId::from_u64(12345),
            doc: "doc \"quoted\"".into(),
            start: 0,
            end: 10,
            label: "claim".into(),
            text: text.into(),
            note: note.into(),
            author: "Léa Martin".into(),
            created: Timestamp::from_unix(1_700_000_000),
            modified: Timestamp::from_unix(1_700_000_060),
            meta: meta.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            attrs: Default::default(),
            fragments: Default::default(),
        }
    }

    fn line_of(a: &Annotation) -> String {
        let mut s = String::new();
        write_annotation(&mut s, a);
        s
    }

    #[test]
    fn tricky_strings_survive_the_fast_path_and_ron_alike() {
        for text in [
            "l'Azerbaïdjan « cessez-le-feu »\u{a0}!",
            "line\r\nbreak\ttab \\ backslash \"quote\"",
            "e\u{301} 👨🏻\u{200d}🚒 \u{200f}rtl\u{202e} \0 nul \u{7f}",
            "",
        ] {
            let a = annotation(
                text,
                "note with 'quotes'",
                &[("source", "ana.ron"), ("conflict", "a \"b\"")],
            );
            let line = line_of(&a);
            assert!(!line.contains('\n'), "{line}");
            assert!(!line.contains("\\'"), "single quotes are not escaped: {line}");
            assert_eq!(parse_annotation(&line), Some(a.clone()), "{line}");
            let via_ron: Annotation = ron::from_str(&format!("({line})")).unwrap();
            assert_eq!(via_ron, a);
        }
    }

    #[test]
    fn optional_fields_may_be_absent() {
        let a = annotation("x", "", &[]);
        let line = line_of(&a);
        assert!(!line.contains("note") && !line.contains("meta"), "{line}");
        assert_eq!(parse_annotation(&line), Some(a));
    }

    #[test]
    fn non_canonical_lines_are_left_to_ron() {
        let line = line_of(&annotation("x", "n", &[]));
        for bad in [
            line.replace(", ", ","),
            line.replace("start: 0", "start: 00"),
            line.replace("start: 0", "start: 0x0"),
            line.replace("label", "lable"),
            line.replace("text: \"x\"", "text: \"x\\x41\""),
            format!("{line}, note: \"again\""),
            line.replace("author: ", "author: r"),
        ] {
            assert_eq!(parse_annotation(&bad), None, "{bad}");
        }
        // ron itself reads the `\'` escape older files contain.
        let old = line.replace("text: \"x\"", "text: \"l\\'x\"");
        assert_eq!(parse_annotation(&old).unwrap().text, "l'x");
    }

    /// A project with every kind of structure version 2 holds.
    fn structured() -> Project {
        use crate::model::{AttrKind, Cardinality, ChoiceValue, Colour, LabelKind, Number};
        let mut schema = Schema::default_political();
        schema.labels[0].kind = LabelKind::Event;
        schema.relation_types.push(RelationType {
            id: "claimant".into(),
            name: "Claimant".into(),
            colour: Colour([1, 2, 3]),
            hotkey: Some('c'),
            from: vec!["claim".into()],
            to: vec!["actor".into()],
            symmetric: false,
            cardinality: Cardinality::Optional,
            guideline: "Who makes the claim.".into(),
        });
        schema.relation_types.push(RelationType {
            id: "same_as".into(),
            name: "Same as".into(),
            colour: Colour([9, 9, 9]),
            hotkey: None,
            from: Vec::new(),
            to: Vec::new(),
            symmetric: true,
            cardinality: Cardinality::Any,
            guideline: String::new(),
        });
        schema.attributes.push(AttributeDef {
            id: "polarity".into(),
            name: "Polarity".into(),
            kind: AttrKind::Choice,
            on: vec![
                AttrTarget::Label("claim".into()),
                AttrTarget::Relation("claimant".into()),
            ],
            values: vec![
                ChoiceValue {
                    id: "support".into(),
                    hotkey: Some('+'),
                },
                ChoiceValue {
                    id: "oppose".into(),
                    hotkey: None,
                },
            ],
            default: Some(AttrValue::Text("support".into())),
            required: true,
            guideline: "g".into(),
        });
        schema.attributes.push(AttributeDef {
            id: "outlet".into(),
            name: "Outlet".into(),
            kind: AttrKind::Text,
            on: vec![AttrTarget::Document],
            values: Vec::new(),
            default: None,
            required: false,
            guideline: String::new(),
        });
        schema.entities.push(Entity {
            id: "pashinyan".into(),
            name: "Nikol Pashinyan".into(),
            reference: Some("Wikidata:Q57521".into()),
            note: String::new(),
        });
        let mut doc = Document::new("d", "D", "d.txt", Text::new("x"));
        doc.attrs.insert("outlet".into(), AttrValue::Text("Le Monde".into()));
        doc.attrs
            .insert("pages".into(), AttrValue::Number(Number::new(2.5).unwrap()));
        let mut a = annotation("a … b", "", &[]);
        a.doc = "d".into();
        a.fragments = vec![(0, 4), (6, 10)];
        a.attrs.insert("polarity".into(), AttrValue::Text("oppose".into()));
        a.attrs.insert("quoted".into(), AttrValue::Flag(true));
        a.attrs
            .insert("certainty".into(), AttrValue::Number(Number::new(-0.75).unwrap()));
        a.attrs
            .insert("topics".into(), AttrValue::List(vec!["war".into(), "peace".into()]));
        let mut b = annotation("x", "", &[]);
        b.doc = "d".into();
        b.id = AnnotationId::from_u64(777);
        let mut project = Project::from_parts("p".into(), schema, vec![doc], vec![a.clone(), b.clone()]);
        project.insert_relations(vec![Relation {
            id: AnnotationId::from_u64(99),
            doc: "d".into(),
            kind: "claimant".into(),
            from: a.id,
            to: b.id,
            attrs: [("polarity".to_owned(), AttrValue::Text("support".into()))].into(),
            note: "n \"q\"".into(),
            author: "ana".into(),
            created: Timestamp::from_unix(1_700_000_000),
            modified: Timestamp::from_unix(1_700_000_001),
            meta: [("k".to_owned(), "v".to_owned())].into(),
        }]);
        project
    }

    fn reparse(text: &str) -> Project {
        let file = parse(text).unwrap();
        let docs = |entries: Vec<DocumentEntry>| {
            entries
                .into_iter()
                .map(|e| e.into_document(Text::new("x")))
                .collect::<Vec<_>>()
        };
        file.into_project(docs)
    }

    #[test]
    fn version_two_round_trips_through_the_fast_path_and_ron_alike() {
        let p = structured();
        let text = to_string(&p);
        assert!(text.contains("    format_version: 2,\n"));
        assert!(
            text.contains("fragments: [(0, 4), (6, 10)], label: \"claim\", text: \"a … b\", attrs: {\"certainty\": -0.75, \"polarity\": \"oppose\", \"quoted\": true, \"topics\": [\"war\", \"peace\"]}"),
            "{text}"
        );
        assert!(text.contains("type: \"claimant\""), "{text}");
        let fast = parse_canonical(&text).expect("the canonical form takes the fast path");
        let via_ron: FileIn = ron::from_str(&text).unwrap();
        assert_eq!(fast.annotations, via_ron.annotations);
        assert_eq!(fast.relations, via_ron.relations);
        let back = reparse(&text);
        assert_eq!(back.schema, p.schema);
        assert_eq!(back.annotations(), p.annotations());
        assert_eq!(back.relations(), p.relations());
        assert_eq!(back.documents[0].attrs, p.documents[0].attrs);
        assert_eq!(to_string(&back), text, "deterministic");
        // Every line of the file is one item: adding a relation adds a line.
        assert_eq!(text.lines().filter(|l| l.contains("type: \"claimant\"")).count(), 1);
    }

    #[test]
    fn a_version_one_file_is_saved_as_version_two_with_only_the_version_line_changed() {
        let mut p = structured();
        p.schema = Schema::default_political();
        p.documents[0].attrs.clear();
        let plain: Vec<Annotation> = p
            .annotations()
            .iter()
            .map(|a| Annotation {
                fragments: Vec::new(),
                attrs: Attrs::new(),
                ..a.clone()
            })
            .collect();
        let p = Project::from_parts(p.name.clone(), p.schema.clone(), p.documents.clone(), plain);
        let v2 = to_string(&p);
        let v1 = v2.replace("format_version: 2,", "format_version: 1,");
        let back = reparse(&v1);
        assert_eq!(back.annotations(), p.annotations());
        let resaved = to_string(&back);
        let changed: Vec<_> = v1.lines().zip(resaved.lines()).filter(|(a, b)| a != b).collect();
        assert_eq!(changed, [("    format_version: 1,", "    format_version: 2,")]);
    }

    #[test]
    fn a_relations_section_out_of_place_falls_back_to_ron() {
        let text = to_string(&structured());
        let broken = text.replace("    relations: [\n", "    relations: [\n        oops\n");
        assert!(parse_canonical(&broken).is_none());
        assert!(ron::from_str::<FileIn>(&broken).is_err());
        let trailing = format!("{text}// end\n");
        assert!(parse_canonical(&trailing).is_none(), "not canonical");
        assert_eq!(parse(&trailing).unwrap().relations.len(), 1, "ron reads it");
    }

    #[test]
    fn declared_version_is_read_from_the_head() {
        assert_eq!(declared_version("// x\n(\n    format_version: 7,\n"), Some(7));
        assert_eq!(declared_version("(format_version:12)"), Some(12));
        assert_eq!(declared_version("(name: \"x\")"), None);
    }
}
