//! Building a project from imported records: documents with unique ids,
//! spans checked against their text, labels added to the schema as they
//! are met, relations checked against their ends, and attributes declared
//! as they are met (a kind guessed from the values: a flag, a number, a
//! list, or a choice among the values seen) unless the input declared
//! them first.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use crate::model::{
    Annotation, AnnotationId, AttrKind, AttrTarget, AttrValue, AttributeDef, Attrs, ChoiceValue, Colour, Document,
    Label, Project, Relation, RelationType, Schema, Status, Text, Timestamp, document_id_from, quote,
};

/// A span read from a file, before it is checked.
#[derive(Clone, Debug, Default)]
pub struct NewSpan {
    /// Code points.
    pub range: Range<usize>,
    pub label: String,
    /// The text the file quotes for the span, if any (checked).
    pub quoted: Option<String>,
    pub note: String,
    pub author: Option<String>,
    pub id: Option<AnnotationId>,
    pub created: Option<Timestamp>,
    pub modified: Option<Timestamp>,
    pub meta: BTreeMap<String, String>,
    /// The pieces of a discontinuous span, in order (empty: `range` alone;
    /// else `range` is ignored and becomes their extent).
    pub fragments: Vec<Range<usize>>,
    pub attrs: Attrs,
}

/// A relation read from a file, before it is checked.
#[derive(Clone, Debug)]
pub struct NewRelation {
    pub kind: String,
    pub from: AnnotationId,
    pub to: AnnotationId,
    pub note: String,
    pub attrs: Attrs,
    pub author: Option<String>,
    pub id: Option<AnnotationId>,
    pub created: Option<Timestamp>,
    pub modified: Option<Timestamp>,
    pub meta: BTreeMap<String, String>,
}

/// Accumulates an imported project.
pub struct ProjectBuilder {
    project: Project,
    annotations: Vec<Annotation>,
    /// Annotation id → its position in `annotations` (relations look their
    /// ends up here: a scan per relation is quadratic on large inputs).
    positions: HashMap<AnnotationId, usize>,
    relations: Vec<Relation>,
    /// (type, from) → relations of that type from that annotation, for
    /// cardinalities; (type, from, to) of every relation, against duplicates.
    outgoing: HashMap<(String, AnnotationId), usize>,
    links: HashSet<(String, AnnotationId, AnnotationId)>,
    /// Attributes declared here from the values met (not by the input):
    /// their choice lists grow as values are met.
    inferred: HashSet<String>,
    /// Document ids, to their position (inputs may hold many thousands).
    docs: HashMap<String, usize>,
    ids: HashSet<AnnotationId>,
    /// Document file names taken, lower-cased (case-insensitive file systems).
    paths: HashSet<String>,
    author: String,
    now: Timestamp,
    /// Spans of white space only that were kept (reported in the notes).
    white_space_spans: usize,
}

impl ProjectBuilder {
    pub fn new(name: &str, author: &str) -> ProjectBuilder {
        let mut project = Project::new(name);
        // Only the labels the input uses (or declares).
        project.schema.labels.clear();
        ProjectBuilder {
            project,
            annotations: Vec::new(),
            positions: HashMap::new(),
            relations: Vec::new(),
            outgoing: HashMap::new(),
            links: HashSet::new(),
            inferred: HashSet::new(),
            docs: HashMap::new(),
            ids: HashSet::new(),
            paths: HashSet::new(),
            author: author.to_owned(),
            now: Timestamp::now(),
            white_space_spans: 0,
        }
    }

    /// Adds a document; returns its id (made unique). Its path is
    /// `<id>.txt` (made unique too), to be written beside the project file.
    /// A text that would not read back identically from that file (NUL or
    /// control characters, a leading byte order mark, over the size limit)
    /// is refused with the reason.
    pub fn add_document(&mut self, id_hint: &str, title: &str, text: Text, status: Status) -> Result<String, String> {
        crate::persist::textfile::storable(text.as_str())?;
        let id = document_id_from(id_hint, |id| self.docs.contains_key(id));
        let stem = file_stem(&id);
        let mut path = format!("{stem}.txt");
        let mut n = 2;
        while !self.paths.insert(path.to_lowercase()) {
            path = format!("{stem}-{n}.txt");
            n += 1;
        }
        let mut doc = Document::new(id.clone(), title, path, text);
        doc.status = status;
        self.docs.insert(id.clone(), self.project.documents.len());
        self.project.documents.push(doc);
        Ok(id)
    }

    /// What the import should say besides what it skipped: spans of white
    /// space only, which tagging by hand would refuse, were kept.
    pub fn notes(&self) -> Vec<String> {
        match self.white_space_spans {
            0 => Vec::new(),
            n => vec![format!(
                "{n} span(s) of white space only were kept as the file has them (tagging by hand refuses such spans)"
            )],
        }
    }

    /// The text of a document added earlier.
    pub fn text(&self, doc: &str) -> Option<&Text> {
        self.docs.get(doc).map(|&i| &self.project.documents[i].text)
    }

    /// Adds a span to `doc` and returns its id, or says why it cannot be.
    pub fn add_span(&mut self, doc: &str, mut span: NewSpan) -> Result<AnnotationId, String> {
        let text = self.text(doc).ok_or_else(|| format!("no document {doc:?}"))?;
        let pieces = std::mem::take(&mut span.fragments);
        if let (Some(first), Some(last)) = (pieces.first(), pieces.last()) {
            span.range = first.start..last.end;
        }
        if span.label.trim().is_empty() || span.label.chars().any(invisible) {
            return Err(format!(
                "label {:?} is empty or holds control or invisible characters (a line break, a NUL, a zero-width or direction mark)",
                span.label
            ));
        }
        if span.range.start >= span.range.end {
            return Err(format!(
                "empty or reversed span [{}, {})",
                span.range.start, span.range.end
            ));
        }
        let mut probe = Annotation {
            start: span.range.start,
            end: span.range.end,
            ..Annotation::placeholder()
        };
        if pieces.len() > 1 {
            probe.set_pieces(&pieces);
            crate::model::fragments_ok(&probe)?;
        }
        let actual = quote(text, &probe.pieces()).ok_or_else(|| {
            format!(
                "span [{}, {}) goes past the end of the text ({} code points)",
                span.range.start,
                span.range.end,
                text.len_chars()
            )
        })?;
        if let Some(quoted) = &span.quoted
            && *quoted != actual
        {
            return Err(format!(
                "the span [{}, {}) quotes {quoted:?} but the text there is {actual:?}",
                span.range.start, span.range.end
            ));
        }
        // Tagging by hand refuses these; an import keeps what its file
        // holds (a round trip must give it back) but says so.
        if actual.trim().is_empty() {
            self.white_space_spans += 1;
        }
        self.ensure_label(&span.label);
        let id = match span.id {
            Some(id) if !self.ids.contains(&id) => id,
            _ => {
                let taken = &self.ids;
                AnnotationId::fresh(|id| taken.contains(&id))
            }
        };
        self.ids.insert(id);
        let created = span.created.unwrap_or(self.now);
        let target = AttrTarget::Label(span.label.clone());
        for (key, value) in &span.attrs {
            self.declare_attribute(key, &target, value);
        }
        self.check_values(&target, &span.attrs)?;
        self.positions.insert(id, self.annotations.len());
        self.annotations.push(Annotation {
            id,
            doc: doc.to_owned(),
            start: span.range.start,
            end: span.range.end,
            fragments: probe.fragments,
            label: span.label,
            text: actual,
            attrs: span.attrs,
            note: span.note,
            author: span.author.unwrap_or_else(|| self.author.clone()),
            created,
            modified: span.modified.unwrap_or(created),
            meta: span.meta,
        });
        Ok(id)
    }

    /// Adds a relation between two annotations added earlier to `doc`, and
    /// returns its id, or says why it cannot be. Its type is declared if
    /// new (between any labels).
    pub fn add_relation(&mut self, doc: &str, r: NewRelation) -> Result<AnnotationId, String> {
        if r.kind.trim().is_empty() || r.kind.chars().any(invisible) {
            return Err(format!(
                "relation type {:?} is empty or holds invisible characters",
                r.kind
            ));
        }
        let label_of = |id: AnnotationId| {
            self.positions
                .get(&id)
                .map(|&i| &self.annotations[i])
                .filter(|a| a.doc == doc)
                .map(|a| a.label.clone())
        };
        let from =
            label_of(r.from).ok_or_else(|| format!("its `from` end {} is not an annotation of {doc:?}", r.from))?;
        let to = label_of(r.to).ok_or_else(|| format!("its `to` end {} is not an annotation of {doc:?}", r.to))?;
        if r.from == r.to {
            return Err(format!("both its ends are {}", r.from));
        }
        self.ensure_relation_type(&r.kind);
        if let Some(t) = self.project.schema.relation_type(&r.kind) {
            if !t.allows(&from, &to) {
                return Err(format!(
                    "type {:?} does not link {from:?} to {to:?} in the declared schema",
                    r.kind
                ));
            }
            let count = self.outgoing.get(&(r.kind.clone(), r.from)).copied().unwrap_or(0);
            if t.cardinality.max().is_some_and(|max| count >= max) {
                return Err(format!(
                    "annotation {} already has its {:?} relation, and the schema allows {}",
                    r.from,
                    r.kind,
                    t.cardinality.name()
                ));
            }
        }
        if self.links.contains(&(r.kind.clone(), r.from, r.to)) {
            return Err(format!(
                "the same {:?} relation from {} to {} is there already",
                r.kind, r.from, r.to
            ));
        }
        let id = match r.id {
            Some(id) if !self.ids.contains(&id) => id,
            _ => {
                let taken = &self.ids;
                AnnotationId::fresh(|id| taken.contains(&id))
            }
        };
        self.ids.insert(id);
        let target = AttrTarget::Relation(r.kind.clone());
        for (key, value) in &r.attrs {
            self.declare_attribute(key, &target, value);
        }
        self.check_values(&target, &r.attrs)?;
        *self.outgoing.entry((r.kind.clone(), r.from)).or_default() += 1;
        self.links.insert((r.kind.clone(), r.from, r.to));
        let created = r.created.unwrap_or(self.now);
        self.relations.push(Relation {
            id,
            doc: doc.to_owned(),
            kind: r.kind,
            from: r.from,
            to: r.to,
            attrs: r.attrs,
            note: r.note,
            author: r.author.unwrap_or_else(|| self.author.clone()),
            created,
            modified: r.modified.unwrap_or(created),
            meta: r.meta,
        });
        Ok(id)
    }

    /// Sets metadata fields of a document added earlier. Fields the
    /// schema does not declare stay free fields (documents take them).
    pub fn set_document_attrs(&mut self, doc: &str, attrs: Attrs) {
        if let Some(&i) = self.docs.get(doc) {
            self.project.documents[i].attrs.extend(attrs);
        }
    }

    /// Refuses values that do not fit their attribute's declaration (its
    /// kind comes from the input's declarations or from the first value
    /// met: a later value of another kind is an error of the input).
    fn check_values(&self, target: &AttrTarget, attrs: &Attrs) -> Result<(), String> {
        let schema = &self.project.schema;
        for (key, value) in attrs {
            if let Some(def) = schema.attribute(key)
                && def.applies_to(target)
                && def.kind != AttrKind::Entity
                && let Err(reason) = crate::model::value_ok(schema, def.kind, def, value)
            {
                return Err(format!("attribute {key:?} = {:?}: {reason}", value.to_string()));
            }
        }
        Ok(())
    }

    /// Declares relation type `kind` (between any labels) if it is new.
    pub fn ensure_relation_type(&mut self, kind: &str) {
        let types = &mut self.project.schema.relation_types;
        if types.iter().any(|t| t.id == kind) {
            return;
        }
        let n = types.len() + self.project.schema.labels.len();
        types.push(RelationType {
            id: kind.to_owned(),
            name: kind.to_owned(),
            colour: Colour::for_new_label(n),
            hotkey: None,
            from: Vec::new(),
            to: Vec::new(),
            symmetric: false,
            cardinality: Default::default(),
            guideline: String::new(),
        });
    }

    /// The schema, for inputs that declare their structure (brat's
    /// `annotation.conf`): what they declare is kept as declared.
    pub fn schema_mut(&mut self) -> &mut Schema {
        &mut self.project.schema
    }

    /// Makes attribute `key` take `value` on `target`: declared if new
    /// (its kind from the value), `target` and a new choice value added.
    fn declare_attribute(&mut self, key: &str, target: &AttrTarget, value: &AttrValue) {
        let attributes = &mut self.project.schema.attributes;
        let def = match attributes.iter().position(|a| a.id == key) {
            Some(i) => &mut attributes[i],
            None => {
                self.inferred.insert(key.to_owned());
                let kind = match value {
                    AttrValue::Flag(_) => AttrKind::Flag,
                    AttrValue::Number(_) => AttrKind::Number,
                    AttrValue::List(_) => AttrKind::Multi,
                    AttrValue::Text(_) => AttrKind::Choice,
                };
                attributes.push(AttributeDef {
                    id: key.to_owned(),
                    name: key.to_owned(),
                    kind,
                    on: Vec::new(),
                    values: Vec::new(),
                    default: None,
                    required: false,
                    guideline: String::new(),
                });
                attributes.last_mut().expect("pushed")
            }
        };
        let inferred = self.inferred.contains(key);
        if inferred && !def.on.contains(target) {
            def.on.push(target.clone());
        }
        if inferred && matches!(def.kind, AttrKind::Choice | AttrKind::Multi) {
            for v in value.strings() {
                if !def.has_value(&v) {
                    def.values.push(ChoiceValue { id: v, hotkey: None });
                }
            }
        }
    }

    /// Adds `label` to the schema if it is new. Labels of the default
    /// schema (`event`, `claim`, `actor`) keep their colours and guidelines.
    pub fn ensure_label(&mut self, label: &str) {
        let schema = &mut self.project.schema;
        if schema.contains(label) {
            return;
        }
        let n = schema.labels.len();
        let used: Vec<char> = schema.labels.iter().filter_map(|l| l.hotkey).collect();
        let hotkey = ('1'..='9').find(|c| !used.contains(c));
        let known = Schema::default_political().labels.into_iter().find(|l| l.id == label);
        schema.labels.push(match known {
            Some(l) => Label {
                hotkey: l.hotkey.filter(|k| !used.contains(k)).or(hotkey),
                ..l
            },
            None => Label {
                id: label.to_owned(),
                name: label.to_owned(),
                colour: Colour::for_new_label(n),
                hotkey,
                guideline: String::new(),
                kind: Default::default(),
            },
        });
    }

    /// Names `label` (added if new) as `name`.
    pub fn set_label_name(&mut self, label: &str, name: &str) {
        self.ensure_label(label);
        if let Some(l) = self.project.schema.labels.iter_mut().find(|l| l.id == label)
            && !name.is_empty()
        {
            l.name = name.to_owned();
        }
    }

    /// Colours `label` (added if new).
    pub fn set_label_colour(&mut self, label: &str, colour: Colour) {
        self.ensure_label(label);
        if let Some(l) = self.project.schema.labels.iter_mut().find(|l| l.id == label) {
            l.colour = colour;
        }
    }

    /// Starts from the default schema (for inputs that carry no labels).
    pub fn use_default_schema(&mut self) {
        for label in Schema::default_political().labels {
            self.ensure_label(&label.id);
        }
    }

    /// The project. Labels of the default schema come first, in its order.
    pub fn finish(self) -> Project {
        let ProjectBuilder {
            mut project,
            annotations,
            relations,
            ..
        } = self;
        let default = Schema::default_political();
        project
            .schema
            .labels
            .sort_by_key(|l| default.position(&l.id).unwrap_or(usize::MAX));
        let mut out = Project::from_parts(project.name, project.schema, project.documents, annotations);
        out.insert_relations(relations);
        out
    }
}

/// A file name for a document id (path separators and the like replaced).
/// A file name stem for document `id`: its letters, digits, `-`, `_` and
/// `.` (others become `_`), cut to 120 bytes (file systems refuse names
/// over 255; an id can be any length). Unique names are the caller's.
pub(crate) fn file_stem(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        let c = if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
            c
        } else {
            '_'
        };
        if out.len() + c.len_utf8() > MAX_STEM_BYTES {
            break;
        }
        out.push(c);
    }
    out
}

const MAX_STEM_BYTES: usize = 120;

/// Characters no label or author should hold: controls, zero-width and
/// direction marks, line and paragraph separators, the byte order mark.
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}
