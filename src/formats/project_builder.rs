//! Building a project from imported records: documents with unique ids,
//! spans checked against their text, labels added to the schema as they
//! are met.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use crate::model::{
    Annotation, AnnotationId, Colour, Document, Label, Project, Schema, Status, Text, Timestamp, document_id_from,
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
}

/// Accumulates an imported project.
pub struct ProjectBuilder {
    project: Project,
    annotations: Vec<Annotation>,
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

    /// Adds a span to `doc`, or says why it cannot be.
    pub fn add_span(&mut self, doc: &str, span: NewSpan) -> Result<(), String> {
        let text = self.text(doc).ok_or_else(|| format!("no document {doc:?}"))?;
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
        let actual = text.slice(span.range.clone()).ok_or_else(|| {
            format!(
                "span [{}, {}) goes past the end of the text ({} code points)",
                span.range.start,
                span.range.end,
                text.len_chars()
            )
        })?;
        if let Some(quoted) = &span.quoted
            && quoted != actual
        {
            return Err(format!(
                "the span [{}, {}) quotes {quoted:?} but the text there is {actual:?}",
                span.range.start, span.range.end
            ));
        }
        let actual = actual.to_owned();
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
        self.annotations.push(Annotation {
            id,
            doc: doc.to_owned(),
            start: span.range.start,
            end: span.range.end,
            label: span.label,
            text: actual,
            note: span.note,
            author: span.author.unwrap_or_else(|| self.author.clone()),
            created,
            modified: span.modified.unwrap_or(created),
            meta: span.meta,
            attrs: Default::default(),
            fragments: Default::default(),
        });
        Ok(())
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
            ..
        } = self;
        let default = Schema::default_political();
        project
            .schema
            .labels
            .sort_by_key(|l| default.position(&l.id).unwrap_or(usize::MAX));
        Project::from_parts(project.name, project.schema, project.documents, annotations)
    }
}

/// A file name for a document id (path separators and the like replaced).
fn file_stem(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Characters no label or author should hold: controls, zero-width and
/// direction marks, line and paragraph separators, the byte order mark.
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}
