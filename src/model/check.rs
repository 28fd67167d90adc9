//! Consistency checks of a project in memory.
//!
//! [`check`] finds every violated invariant at once, so a researcher fixing
//! a hand-edited or merged file sees the whole list rather than one error
//! per attempt. Problems that need the file system (a missing or changed
//! document) are added by the loader, which knows where the files are.
//!
//! Each problem has a [`Severity`]. Errors are broken files: a project with
//! one is not opened for editing, exported or measured. Warnings are
//! work in progress or loose ends that a file may well have (a required
//! attribute not yet set, a key the schema does not declare): `validate`
//! lists them and still exits 0.

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::annotation::{Annotation, quote};
use super::attrs::{AttrValue, Attrs};
use super::document::Document;
use super::ids::AnnotationId;
use super::project::Project;
use super::schema::{AttrKind, AttrTarget, LabelKind, Schema};
use super::suggestion::Suggestion;

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Work in progress or a loose end: reported, not refused.
    Warning,
    /// A broken file: refused for editing, export and agreement.
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// What an attribute value belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Owner {
    Annotation(AnnotationId),
    Relation(AnnotationId),
    Document(String),
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Owner::Annotation(id) => write!(f, "annotation {id}"),
            Owner::Relation(id) => write!(f, "relation {id}"),
            Owner::Document(doc) => write!(f, "document {doc:?}"),
        }
    }
}

impl Owner {
    /// The id (annotation or relation) or document id, as the file spells it.
    pub fn key(&self) -> String {
        match self {
            Owner::Annotation(id) | Owner::Relation(id) => id.to_string(),
            Owner::Document(doc) => doc.clone(),
        }
    }
}

/// One violated invariant, optionally located at a line of the project file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line in the project file, when known.
    pub line: Option<usize>,
    pub kind: ProblemKind,
}

/// What is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProblemKind {
    #[error("label {label:?} is defined more than once")]
    DuplicateLabel { label: String },
    #[error("hotkey {key:?} is bound to both {first:?} and {second:?}")]
    DuplicateHotkey { key: char, first: String, second: String },
    #[error("document id {doc:?} is used more than once")]
    DuplicateDocument { doc: String },
    #[error("annotation id {id} is used more than once")]
    DuplicateAnnotation { id: AnnotationId },
    #[error("annotation {id} refers to document {doc:?}, which is not in the project")]
    UnknownDocument { id: AnnotationId, doc: String },
    #[error("annotation {id} in document {doc:?} has label {label:?}, which is not in the schema")]
    UnknownLabel {
        id: AnnotationId,
        doc: String,
        label: String,
    },
    #[error("annotation {id} in document {doc:?} is empty or reversed: [{start}, {end})")]
    EmptySpan {
        id: AnnotationId,
        doc: String,
        start: usize,
        end: usize,
    },
    #[error("annotation {id} in document {doc:?} ends at {end}, past the end of the text ({length} code points)")]
    OutOfBounds {
        id: AnnotationId,
        doc: String,
        end: usize,
        length: usize,
    },
    #[error("annotation {id} in document {doc:?} quotes {quoted:?} but the text at [{start}, {end}) is {actual:?}")]
    QuoteMismatch {
        id: AnnotationId,
        doc: String,
        start: usize,
        end: usize,
        quoted: String,
        actual: String,
    },
    #[error("annotation {id} in document {doc:?} has bad fragments: {reason}")]
    BadFragments {
        id: AnnotationId,
        doc: String,
        reason: String,
    },
    #[error(
        "annotation {id} in document {doc:?} has label {label:?}, a class of whole documents, but covers [{start}, {end}) of its {length} code points"
    )]
    DocumentLabelSpan {
        id: AnnotationId,
        doc: String,
        label: String,
        start: usize,
        end: usize,
        length: usize,
    },
    #[error("the schema defines {what} {id:?} more than once")]
    DuplicateSchemaEntry { what: &'static str, id: String },
    #[error("the schema's {what} {id:?} names {missing_what} {missing:?}, which is not in the schema")]
    SchemaReference {
        what: &'static str,
        id: String,
        missing_what: &'static str,
        missing: String,
    },
    #[error("the schema's attribute {id:?} has the default {value:?}: {reason}")]
    BadDefault { id: String, value: String, reason: String },
    #[error("relation {id} in document {doc:?} repeats relation {other} ({kind:?} between the same two annotations)")]
    DuplicateRelation {
        id: AnnotationId,
        doc: String,
        kind: String,
        other: AnnotationId,
    },
    #[error("relation {id} in document {doc:?} has type {kind:?}, which is not in the schema")]
    UnknownRelationType {
        id: AnnotationId,
        doc: String,
        kind: String,
    },
    #[error("relation {id} in document {doc:?}: its `{end}` end, {target}, is not an annotation of the project")]
    RelationEndMissing {
        id: AnnotationId,
        doc: String,
        end: &'static str,
        target: AnnotationId,
    },
    #[error("relation {id} in document {doc:?}: its `{end}` end, {target}, is in another document ({other:?})")]
    RelationCrossesDocuments {
        id: AnnotationId,
        doc: String,
        end: &'static str,
        target: AnnotationId,
        other: String,
    },
    #[error("relation {id} in document {doc:?}: type {kind:?} does not allow {from_label:?} → {to_label:?}")]
    RelationNotAllowed {
        id: AnnotationId,
        doc: String,
        kind: String,
        from_label: String,
        to_label: String,
    },
    #[error("annotation {id} in document {doc:?} has {count} {kind:?} relation(s); the schema allows {cardinality}")]
    CardinalityBroken {
        id: AnnotationId,
        doc: String,
        kind: String,
        count: usize,
        cardinality: &'static str,
    },
    /// A role not filled yet: work in progress, not a broken file.
    #[error("annotation {id} in document {doc:?} has no {kind:?} relation yet; the schema asks for {cardinality}")]
    RoleMissing {
        id: AnnotationId,
        doc: String,
        kind: String,
        cardinality: &'static str,
    },
    #[error("{owner} has attribute {key:?}, which the schema does not declare")]
    AttributeUndeclared { owner: Owner, doc: String, key: String },
    #[error("{owner} has attribute {key:?}, which the schema does not declare on {on}")]
    AttributeNotAllowed {
        owner: Owner,
        doc: String,
        key: String,
        on: String,
    },
    #[error("{owner}: attribute {key:?} = {value:?}: {reason}")]
    AttributeInvalid {
        owner: Owner,
        doc: String,
        key: String,
        value: String,
        reason: String,
    },
    #[error("{owner}: attribute {key:?} refers to entity {entity:?}, which is not in the entity list")]
    UnknownEntity {
        owner: Owner,
        doc: String,
        key: String,
        entity: String,
    },
    #[error("{owner} has no value for the required attribute {key:?}")]
    RequiredMissing { owner: Owner, doc: String, key: String },
    #[error("suggestion [{start}, {end}) {label:?} from {origin:?} in document {doc:?}: {reason}")]
    BadSuggestion {
        doc: String,
        start: usize,
        end: usize,
        label: String,
        /// The suggestion's source (`source` is thiserror's word for a cause).
        origin: String,
        reason: String,
        /// Whether it breaks the project (a document or label that does not
        /// exist, a span listed twice) rather than leaving one suggestion
        /// unusable (its text, its entity): suggestions are machine output,
        /// and a stale one must not stop the work on the annotations.
        blocking: bool,
    },
    #[error("document {doc:?}: cannot read {path}: {reason}")]
    DocumentUnreadable { doc: String, path: String, reason: String },
    #[error(
        "document {doc:?}: the text of {path} changed since it was annotated ({annotations} annotations need re-anchoring: run `marginalia reanchor`)"
    )]
    DocumentChanged {
        doc: String,
        path: String,
        annotations: usize,
    },
}

impl ProblemKind {
    /// The annotation this problem is about, if any.
    pub fn annotation(&self) -> Option<AnnotationId> {
        use ProblemKind::*;
        match self {
            DuplicateAnnotation { id }
            | UnknownDocument { id, .. }
            | UnknownLabel { id, .. }
            | EmptySpan { id, .. }
            | OutOfBounds { id, .. }
            | QuoteMismatch { id, .. }
            | BadFragments { id, .. }
            | DocumentLabelSpan { id, .. }
            | DuplicateRelation { id, .. }
            | UnknownRelationType { id, .. }
            | RelationEndMissing { id, .. }
            | RelationCrossesDocuments { id, .. }
            | RelationNotAllowed { id, .. }
            | CardinalityBroken { id, .. }
            | RoleMissing { id, .. } => Some(*id),
            AttributeUndeclared { owner, .. }
            | AttributeNotAllowed { owner, .. }
            | AttributeInvalid { owner, .. }
            | UnknownEntity { owner, .. }
            | RequiredMissing { owner, .. } => match owner {
                Owner::Annotation(id) | Owner::Relation(id) => Some(*id),
                Owner::Document(_) => None,
            },
            _ => None,
        }
    }

    /// How bad it is (see the module's documentation).
    pub fn severity(&self) -> Severity {
        match self {
            ProblemKind::AttributeUndeclared { .. }
            | ProblemKind::RequiredMissing { .. }
            | ProblemKind::RoleMissing { .. }
            | ProblemKind::BadSuggestion { blocking: false, .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// The document this problem is about, if any.
    pub fn document(&self) -> Option<&str> {
        use ProblemKind::*;
        match self {
            DuplicateDocument { doc }
            | UnknownDocument { doc, .. }
            | UnknownLabel { doc, .. }
            | EmptySpan { doc, .. }
            | OutOfBounds { doc, .. }
            | QuoteMismatch { doc, .. }
            | DocumentUnreadable { doc, .. }
            | DocumentChanged { doc, .. }
            | BadFragments { doc, .. }
            | DocumentLabelSpan { doc, .. }
            | DuplicateRelation { doc, .. }
            | UnknownRelationType { doc, .. }
            | RelationEndMissing { doc, .. }
            | RelationCrossesDocuments { doc, .. }
            | RelationNotAllowed { doc, .. }
            | CardinalityBroken { doc, .. }
            | RoleMissing { doc, .. }
            | AttributeUndeclared { doc, .. }
            | AttributeNotAllowed { doc, .. }
            | AttributeInvalid { doc, .. }
            | UnknownEntity { doc, .. }
            | BadSuggestion { doc, .. }
            | RequiredMissing { doc, .. } => Some(doc),
            _ => None,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

impl From<ProblemKind> for Problem {
    fn from(kind: ProblemKind) -> Problem {
        Problem { line: None, kind }
    }
}

/// Every invariant the project violates. Annotations of documents listed in
/// `skip_docs` (unreadable or changed texts) are not checked against their
/// text, since the loader already reported the document as a whole.
pub fn check(project: &Project, skip_docs: &HashSet<&str>) -> Vec<ProblemKind> {
    let mut problems = Vec::new();

    let mut labels = HashSet::new();
    let mut hotkeys: HashMap<char, &str> = HashMap::new();
    for label in &project.schema.labels {
        if !labels.insert(label.id.as_str()) {
            problems.push(ProblemKind::DuplicateLabel {
                label: label.id.clone(),
            });
        }
        if let Some(key) = label.hotkey
            && let Some(first) = hotkeys.insert(key, &label.id)
        {
            problems.push(ProblemKind::DuplicateHotkey {
                key,
                first: first.to_owned(),
                second: label.id.clone(),
            });
        }
    }

    let mut docs = HashMap::new();
    for doc in &project.documents {
        if docs.insert(doc.id.as_str(), doc).is_some() {
            problems.push(ProblemKind::DuplicateDocument { doc: doc.id.clone() });
        }
    }

    // The project keeps its annotations' ids in a set: when they are all
    // different (the usual case), only orphans and relations are put in
    // this one, and an annotation's id is looked up, not inserted (a set
    // of 500,000 built again costs 40 ms).
    let distinct = project.annotation_ids_distinct();
    let mut ids = HashSet::with_capacity(if distinct {
        project.orphans.len()
    } else {
        project.annotations().len() + project.orphans.len()
    });
    // Orphans' offsets refer to a text that no longer exists: only their
    // ids, labels and documents are checked.
    for a in &project.orphans {
        if !ids.insert(a.id) {
            problems.push(ProblemKind::DuplicateAnnotation { id: a.id });
        }
        if !labels.contains(a.label.as_str()) {
            problems.push(ProblemKind::UnknownLabel {
                id: a.id,
                doc: a.doc.clone(),
                label: a.label.clone(),
            });
        }
        if !docs.contains_key(a.doc.as_str()) {
            problems.push(ProblemKind::UnknownDocument {
                id: a.id,
                doc: a.doc.clone(),
            });
        }
    }
    for a in project.annotations() {
        if if distinct {
            ids.contains(&a.id)
        } else {
            !ids.insert(a.id)
        } {
            problems.push(ProblemKind::DuplicateAnnotation { id: a.id });
        }
        if !labels.contains(a.label.as_str()) {
            problems.push(ProblemKind::UnknownLabel {
                id: a.id,
                doc: a.doc.clone(),
                label: a.label.clone(),
            });
        }
        let Some(doc) = docs.get(a.doc.as_str()) else {
            problems.push(ProblemKind::UnknownDocument {
                id: a.id,
                doc: a.doc.clone(),
            });
            continue;
        };
        if a.start >= a.end {
            problems.push(ProblemKind::EmptySpan {
                id: a.id,
                doc: a.doc.clone(),
                start: a.start,
                end: a.end,
            });
            continue;
        }
        // A class of the whole document is an annotation over all of it
        // (what diff, merge and agreement compare like any other).
        if project
            .schema
            .get(&a.label)
            .is_some_and(|l| l.kind == LabelKind::Document)
            && (a.start, a.end, a.fragments.is_empty()) != (0, doc.length, true)
        {
            problems.push(ProblemKind::DocumentLabelSpan {
                id: a.id,
                doc: a.doc.clone(),
                label: a.label.clone(),
                start: a.start,
                end: a.end,
                length: doc.length,
            });
        }
        if let Err(reason) = fragments_ok(a) {
            problems.push(ProblemKind::BadFragments {
                id: a.id,
                doc: a.doc.clone(),
                reason,
            });
            continue;
        }
        if skip_docs.contains(a.doc.as_str()) {
            continue;
        }
        problems.extend(quote_problem(doc, a));
    }
    check_schema(&project.schema, &mut problems);
    check_relations(project, &mut ids, distinct, &mut problems);
    check_attributes(project, &mut problems);
    check_suggestions(project, &docs, skip_docs, &mut problems);
    problems
}

/// Suggestions name a document and a label of the project, cover a
/// non-empty span inside the text, quote it, and appear once.
fn check_suggestions(
    project: &Project,
    docs: &HashMap<&str, &Document>,
    skip_docs: &HashSet<&str>,
    problems: &mut Vec<ProblemKind>,
) {
    let mut previous: Option<&Suggestion> = None;
    for s in project.suggestions() {
        if let Some(reason) = suggestion_structure(project, docs, s) {
            problems.push(bad_suggestion(s, reason, true));
        } else if previous.is_some_and(|p| p.key() == s.key()) {
            problems.push(bad_suggestion(s, "listed twice".to_owned(), false));
        } else if s.start >= s.end {
            problems.push(bad_suggestion(s, "the span is empty or reversed".to_owned(), false));
        } else if let Some(reason) = docs
            .get(s.doc.as_str())
            .filter(|_| !skip_docs.contains(s.doc.as_str()))
            .and_then(|d| suggestion_text(d, s))
        {
            problems.push(bad_suggestion(s, reason, false));
        } else if let Some(e) = s
            .entity
            .as_deref()
            .filter(|e| !project.schema.entities.iter().any(|x| x.id == *e))
        {
            problems.push(bad_suggestion(
                s,
                format!("entity {e:?} is not in the entity list (it is left unset if accepted)"),
                false,
            ));
        }
        previous = Some(s);
    }
}

fn bad_suggestion(s: &Suggestion, reason: String, blocking: bool) -> ProblemKind {
    ProblemKind::BadSuggestion {
        doc: s.doc.clone(),
        start: s.start,
        end: s.end,
        label: s.label.clone(),
        origin: s.source.clone(),
        reason,
        blocking,
    }
}

/// What makes a suggestion break the project: a label or a document it
/// does not have, an empty source.
fn suggestion_structure(project: &Project, docs: &HashMap<&str, &Document>, s: &Suggestion) -> Option<String> {
    if !project.schema.contains(&s.label) {
        Some(format!("label {:?} is not in the schema", s.label))
    } else if s.source.trim().is_empty() {
        Some("its source is empty".to_owned())
    } else if !docs.contains_key(s.doc.as_str()) {
        Some("the document is not in the project".to_owned())
    } else {
        None
    }
}

/// What is wrong with a (structurally valid) suggestion against `doc`'s text.
fn suggestion_text(doc: &Document, s: &Suggestion) -> Option<String> {
    match doc.text.slice(s.range()) {
        None => Some(format!(
            "it ends past the end of the text ({} code points)",
            doc.text.len_chars()
        )),
        Some(actual) if actual != s.text => Some(format!("it quotes {:?} but the text there is {actual:?}", s.text)),
        Some(_) => None,
    }
}

/// Whether annotation `a` (a valid span of `doc`) quotes `doc`'s text.
fn quote_problem(doc: &Document, a: &Annotation) -> Option<ProblemKind> {
    match quote(&doc.text, &a.pieces()) {
        None => Some(ProblemKind::OutOfBounds {
            id: a.id,
            doc: a.doc.clone(),
            end: a.end,
            length: doc.text.len_chars(),
        }),
        Some(actual) if actual != a.text => Some(ProblemKind::QuoteMismatch {
            id: a.id,
            doc: a.doc.clone(),
            start: a.start,
            end: a.end,
            quoted: a.text.clone(),
            actual,
        }),
        Some(_) => None,
    }
}

/// What [`check`] finds against the text of document `doc` when it is not
/// skipped: its annotations' and suggestions' quotes and bounds. With
/// `check(project, every document)`, the whole check in two parts, so that
/// the texts can be checked after the project is shown.
pub fn text_problems(project: &Project, doc: &Document) -> Vec<ProblemKind> {
    let mut out: Vec<ProblemKind> = project
        .annotations_of(&doc.id)
        .iter()
        .filter(|a| a.start < a.end && fragments_ok(a).is_ok())
        .filter_map(|a| quote_problem(doc, a))
        .collect();
    out.extend(
        project
            .suggestions_of(&doc.id)
            .iter()
            .filter(|s| s.start < s.end)
            .filter_map(|s| suggestion_text(doc, s).map(|reason| bad_suggestion(s, reason, false))),
    );
    out
}

/// The errors of the project's structure, its texts not looked at (every
/// document skipped): what a schema edit or a merge of files without
/// their documents can break.
pub fn structural_errors(project: &Project) -> Vec<ProblemKind> {
    let skip: HashSet<&str> = project.documents.iter().map(|d| d.id.as_str()).collect();
    check(project, &skip)
        .into_iter()
        .filter(|p| p.severity() == Severity::Error)
        .collect()
}

/// Why an annotation's fragments are not a valid discontinuous span, if
/// they are not: two or more, each non-empty, in order, not touching (two
/// touching fragments are one), and spanning exactly `[start, end)`.
pub fn fragments_ok(a: &Annotation) -> Result<(), String> {
    if a.fragments.is_empty() {
        return Ok(());
    }
    if a.fragments.len() == 1 {
        return Err("a single fragment is written as start and end alone".to_owned());
    }
    for (i, &(s, e)) in a.fragments.iter().enumerate() {
        if s >= e {
            return Err(format!("fragment [{s}, {e}) is empty or reversed"));
        }
        if let Some(&(_, prev_end)) = i.checked_sub(1).map(|j| &a.fragments[j])
            && s <= prev_end
        {
            return Err(format!(
                "fragment [{s}, {e}) overlaps or touches the one before (which ends at {prev_end})"
            ));
        }
    }
    let (first, last) = (a.fragments[0].0, a.fragments[a.fragments.len() - 1].1);
    if (first, last) != (a.start, a.end) {
        return Err(format!(
            "the fragments span [{first}, {last}) but start and end say [{}, {})",
            a.start, a.end
        ));
    }
    Ok(())
}

fn check_schema(schema: &Schema, problems: &mut Vec<ProblemKind>) {
    let mut dup = |what: &'static str, ids: &mut dyn Iterator<Item = &String>| {
        let mut seen = HashSet::new();
        for id in ids {
            if !seen.insert(id) {
                problems.push(ProblemKind::DuplicateSchemaEntry { what, id: id.clone() });
            }
        }
    };
    dup("relation type", &mut schema.relation_types.iter().map(|t| &t.id));
    dup("attribute", &mut schema.attributes.iter().map(|a| &a.id));
    dup("entity", &mut schema.entities.iter().map(|e| &e.id));
    let mut defaults = Vec::new();
    let mut missing = |what, id: &str, missing_what, missing: &str| {
        problems.push(ProblemKind::SchemaReference {
            what,
            id: id.to_owned(),
            missing_what,
            missing: missing.to_owned(),
        });
    };
    for t in &schema.relation_types {
        for l in t.from.iter().chain(&t.to) {
            if !schema.contains(l) {
                missing("relation type", &t.id, "label", l);
            }
        }
    }
    for a in &schema.attributes {
        if let Some(d) = &a.default
            && let Err(reason) = value_ok(schema, a.kind, a, d)
        {
            defaults.push(ProblemKind::BadDefault {
                id: a.id.clone(),
                value: d.to_string(),
                reason,
            });
        }
        for target in &a.on {
            match target {
                AttrTarget::Label(l) if !schema.contains(l) => missing("attribute", &a.id, "label", l),
                AttrTarget::Relation(t) if schema.relation_type(t).is_none() => {
                    missing("attribute", &a.id, "relation type", t);
                }
                _ => {}
            }
        }
    }
    problems.extend(defaults);
}

fn check_relations(
    project: &Project,
    ids: &mut HashSet<AnnotationId>,
    distinct: bool,
    problems: &mut Vec<ProblemKind>,
) {
    // The ends are looked up by id: a map of every annotation, built only
    // when there are relations (500,000 entries cost 50 ms).
    let by_id: HashMap<AnnotationId, &Annotation> = if project.relations().is_empty() {
        HashMap::new()
    } else {
        project
            .annotations()
            .iter()
            .chain(&project.orphans)
            .map(|a| (a.id, a))
            .collect()
    };
    // (annotation, type) → count, for cardinalities.
    let mut counts: HashMap<(AnnotationId, &str), usize> = HashMap::new();
    let mut links: HashMap<(&str, AnnotationId, AnnotationId), AnnotationId> = HashMap::new();
    for r in project.relations() {
        let symmetric = project.schema.relation_type(&r.kind).is_some_and(|t| t.symmetric);
        let other = links
            .get(&(r.kind.as_str(), r.from, r.to))
            .or_else(|| symmetric.then(|| links.get(&(r.kind.as_str(), r.to, r.from))).flatten());
        if let Some(&other) = other {
            problems.push(ProblemKind::DuplicateRelation {
                id: r.id,
                doc: r.doc.clone(),
                kind: r.kind.clone(),
                other,
            });
        } else {
            links.insert((r.kind.as_str(), r.from, r.to), r.id);
        }
        if (distinct && project.has_annotation_id(r.id)) | !ids.insert(r.id) {
            problems.push(ProblemKind::DuplicateAnnotation { id: r.id });
        }
        let kind = project.schema.relation_type(&r.kind);
        if kind.is_none() {
            problems.push(ProblemKind::UnknownRelationType {
                id: r.id,
                doc: r.doc.clone(),
                kind: r.kind.clone(),
            });
        }
        let mut ends = [None, None];
        for (slot, (end, target)) in [("from", r.from), ("to", r.to)].into_iter().enumerate() {
            match by_id.get(&target) {
                None => problems.push(ProblemKind::RelationEndMissing {
                    id: r.id,
                    doc: r.doc.clone(),
                    end,
                    target,
                }),
                Some(a) if a.doc != r.doc => problems.push(ProblemKind::RelationCrossesDocuments {
                    id: r.id,
                    doc: r.doc.clone(),
                    end,
                    target,
                    other: a.doc.clone(),
                }),
                Some(a) => ends[slot] = Some(*a),
            }
        }
        if let (Some(kind), [Some(from), Some(to)]) = (kind, ends) {
            if !kind.allows(&from.label, &to.label) {
                problems.push(ProblemKind::RelationNotAllowed {
                    id: r.id,
                    doc: r.doc.clone(),
                    kind: r.kind.clone(),
                    from_label: from.label.clone(),
                    to_label: to.label.clone(),
                });
            }
            *counts.entry((from.id, kind.id.as_str())).or_default() += 1;
        }
    }
    for t in &project.schema.relation_types {
        if t.cardinality.is_any() {
            continue;
        }
        for a in project.annotations() {
            if !t.from.is_empty() && !t.from.contains(&a.label) {
                continue;
            }
            let count = counts.get(&(a.id, t.id.as_str())).copied().unwrap_or(0);
            if count < t.cardinality.min() {
                problems.push(ProblemKind::RoleMissing {
                    id: a.id,
                    doc: a.doc.clone(),
                    kind: t.id.clone(),
                    cardinality: t.cardinality.describe(),
                });
            } else if t.cardinality.max().is_some_and(|m| count > m) {
                problems.push(ProblemKind::CardinalityBroken {
                    id: a.id,
                    doc: a.doc.clone(),
                    kind: t.id.clone(),
                    count,
                    cardinality: t.cardinality.describe(),
                });
            }
        }
    }
}

fn check_attributes(project: &Project, problems: &mut Vec<ProblemKind>) {
    let schema = &project.schema;
    for d in &project.documents {
        check_attrs(
            schema,
            Owner::Document(d.id.clone()),
            &d.id,
            &AttrTarget::Document,
            &d.attrs,
            problems,
        );
    }
    // An annotation without attributes can only lack a required one: the
    // labels that have one are found once, not for each annotation.
    let requiring: HashSet<&str> = schema
        .labels
        .iter()
        .filter(|l| {
            schema
                .attributes_of(&AttrTarget::Label(l.id.clone()))
                .any(|d| d.required)
        })
        .map(|l| l.id.as_str())
        .collect();
    for a in project.annotations() {
        if a.attrs.is_empty() && !requiring.contains(a.label.as_str()) {
            continue;
        }
        let target = AttrTarget::Label(a.label.clone());
        check_attrs(schema, Owner::Annotation(a.id), &a.doc, &target, &a.attrs, problems);
    }
    for r in project.relations() {
        let target = AttrTarget::Relation(r.kind.clone());
        check_attrs(schema, Owner::Relation(r.id), &r.doc, &target, &r.attrs, problems);
    }
}

/// Checks one owner's attribute values against the schema.
pub fn attribute_problems(
    schema: &Schema,
    owner: Owner,
    doc: &str,
    target: &AttrTarget,
    attrs: &Attrs,
) -> Vec<ProblemKind> {
    let mut problems = Vec::new();
    check_attrs(schema, owner, doc, target, attrs, &mut problems);
    problems
}

fn check_attrs(
    schema: &Schema,
    owner: Owner,
    doc: &str,
    target: &AttrTarget,
    attrs: &Attrs,
    problems: &mut Vec<ProblemKind>,
) {
    for (key, value) in attrs {
        let Some(def) = schema.attribute(key) else {
            // Documents take free metadata fields; elsewhere an
            // undeclared key is most likely a typo.
            if *target != AttrTarget::Document {
                problems.push(ProblemKind::AttributeUndeclared {
                    owner: owner.clone(),
                    doc: doc.to_owned(),
                    key: key.clone(),
                });
            }
            continue;
        };
        if !def.applies_to(target) {
            problems.push(ProblemKind::AttributeNotAllowed {
                owner: owner.clone(),
                doc: doc.to_owned(),
                key: key.clone(),
                on: match target {
                    AttrTarget::Label(l) => format!("label {l:?}"),
                    AttrTarget::Relation(t) => format!("relation type {t:?}"),
                    AttrTarget::Document => "documents".to_owned(),
                },
            });
            continue;
        }
        if def.kind == AttrKind::Entity
            && let AttrValue::Text(id) = value
            && schema.entity(id).is_none()
        {
            problems.push(ProblemKind::UnknownEntity {
                owner: owner.clone(),
                doc: doc.to_owned(),
                key: key.clone(),
                entity: id.clone(),
            });
            continue;
        }
        if let Err(reason) = value_ok(schema, def.kind, def, value) {
            problems.push(ProblemKind::AttributeInvalid {
                owner: owner.clone(),
                doc: doc.to_owned(),
                key: key.clone(),
                value: value.to_string(),
                reason,
            });
        }
    }
    for def in schema.attributes_of(target) {
        if def.required && !attrs.contains_key(&def.id) {
            problems.push(ProblemKind::RequiredMissing {
                owner: owner.clone(),
                doc: doc.to_owned(),
                key: def.id.clone(),
            });
        }
    }
}

/// Why `value` is not a value of attribute `def` (of kind `kind`), if it
/// is not.
pub fn value_ok(
    schema: &Schema,
    kind: AttrKind,
    def: &super::schema::AttributeDef,
    value: &AttrValue,
) -> Result<(), String> {
    let want = |what: &str| Err(format!("a {} attribute takes {what}", kind.name()));
    match (kind, value) {
        (AttrKind::Choice, AttrValue::Text(v)) if def.has_value(v) => Ok(()),
        (AttrKind::Choice, AttrValue::Text(_)) => Err(format!("not one of {}", values_list(def))),
        (AttrKind::Choice, _) => want("one value"),
        (AttrKind::Multi, AttrValue::List(vs)) => {
            if let Some(bad) = vs.iter().find(|v| !def.has_value(v)) {
                return Err(format!("{bad:?} is not one of {}", values_list(def)));
            }
            let distinct: HashSet<&String> = vs.iter().collect();
            if distinct.len() != vs.len() {
                return Err("a value is listed twice".to_owned());
            }
            Ok(())
        }
        (AttrKind::Multi, _) => want("a list of values"),
        (AttrKind::Flag, AttrValue::Flag(_)) => Ok(()),
        (AttrKind::Flag, _) => want("true or false"),
        (AttrKind::Number, AttrValue::Number(_)) => Ok(()),
        (AttrKind::Number, _) => want("a number"),
        (AttrKind::Text, AttrValue::Text(_)) => Ok(()),
        (AttrKind::Text, _) => want("text"),
        (AttrKind::Entity, AttrValue::Text(id)) if schema.entity(id).is_some() => Ok(()),
        (AttrKind::Entity, AttrValue::Text(id)) => Err(format!("no entity {id:?} in the entity list")),
        (AttrKind::Entity, _) => want("an entity id"),
        (AttrKind::Date, AttrValue::Text(d)) if is_date(d) => Ok(()),
        (AttrKind::Date, _) => want("a date as YYYY-MM-DD, YYYY-MM or YYYY"),
        (AttrKind::Url, AttrValue::Text(u))
            if (u.starts_with("https://") || u.starts_with("http://")) && !u.contains(char::is_whitespace) =>
        {
            Ok(())
        }
        (AttrKind::Url, _) => want("an http:// or https:// address"),
    }
}

fn values_list(def: &super::schema::AttributeDef) -> String {
    let ids: Vec<&str> = def.values.iter().map(|v| v.id.as_str()).collect();
    format!("the listed values ({})", ids.join(", "))
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, with a real month and day.
/// True for `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (a real date).
pub fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    match parts.as_slice() {
        [y] => num(y, 4).is_some(),
        [y, m] => num(y, 4).is_some() && num(m, 2).is_some_and(|m| (1..=12).contains(&m)),
        [y, m, d] => match (num(y, 4), num(m, 2), num(d, 2)) {
            (Some(y), Some(m), Some(d)) => time::Month::try_from(m as u8)
                .ok()
                .is_some_and(|month| d >= 1 && d <= u32::from(time::util::days_in_month(month, y as i32))),
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod duplicate_id_tests {
    use super::*;
    use crate::model::{Document, Relation, Text, Timestamp};

    fn annotation(id: u64, start: usize) -> Annotation {
        Annotation {
            id: AnnotationId::from_u64(id),
            doc: "d".into(),
            start,
            end: start + 1,
            label: "actor".into(),
            text: "x".into(),
            author: "t".into(),
            created: Timestamp::from_unix(0),
            modified: Timestamp::from_unix(0),
            ..Annotation::placeholder()
        }
    }

    /// Ids are one space: an orphan or a relation with an annotation's id
    /// is found whether the annotations' own ids are all different or not.
    #[test]
    fn an_id_used_twice_is_found_across_annotations_orphans_and_relations() {
        let duplicates = |p: &Project| -> Vec<u64> {
            let mut ids: Vec<u64> = check(p, &HashSet::new())
                .into_iter()
                .filter_map(|k| match k {
                    ProblemKind::DuplicateAnnotation { id } => Some(id.as_u64()),
                    _ => None,
                })
                .collect();
            ids.sort_unstable();
            ids
        };
        let docs = vec![Document::new("d", "D", "d.txt", Text::new("xxxxxxxxxx"))];
        let schema = Schema::default_political();
        let mut p = Project::from_parts(
            "t".into(),
            schema.clone(),
            docs.clone(),
            vec![annotation(1, 0), annotation(2, 1)],
        );
        assert!(duplicates(&p).is_empty());
        p.orphans.push(annotation(2, 5));
        p.insert_relations(vec![Relation {
            id: AnnotationId::from_u64(1),
            doc: "d".into(),
            kind: "claimant".into(),
            from: AnnotationId::from_u64(1),
            to: AnnotationId::from_u64(2),
            attrs: Default::default(),
            note: String::new(),
            author: "t".into(),
            created: Timestamp::from_unix(0),
            modified: Timestamp::from_unix(0),
            meta: Default::default(),
        }]);
        assert_eq!(duplicates(&p), [1, 2], "the orphan's 2, the relation's 1");
        // Two annotations with one id: the slow way, same findings.
        let q = Project::from_parts("t".into(), schema, docs, vec![annotation(3, 0), annotation(3, 1)]);
        assert_eq!(duplicates(&q), [3]);
    }
}
