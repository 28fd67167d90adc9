//! A model's predictions (or another tool's annotations) as suggestions:
//! the annotations of an imported project become suggestions of the
//! project's own documents, to be accepted or rejected instead of retyped.
//!
//! A predicted document is matched to the project's by its text (the same
//! content hash), whatever its id or file name, so the offsets carry over
//! exactly; a document whose text is not in the project is listed, never
//! guessed at. A predicted label is the project's label of the same id,
//! or of the same name (case aside), or what `--label-map` maps it to;
//! predictions of other labels are counted by label and left out.

use std::collections::{BTreeMap, HashMap};

use crate::model::{Annotation, AnnotationId, Project, Suggestion};

/// What turning predictions into suggestions found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FromPredictions {
    /// New suggestions, in key order.
    pub found: Vec<Suggestion>,
    /// Predicted documents (by their id in the input) whose text is not
    /// one of the project's.
    pub unmatched_documents: Vec<String>,
    /// Of those, the ones whose text is a project document's but for white
    /// space, line ends or Unicode normalisation (a pipeline that strips
    /// or normalises): the input's id and the project's document.
    pub near_documents: Vec<(String, String)>,
    /// Predictions left out because the project has no such label, by label.
    pub unknown_labels: BTreeMap<String, usize>,
    /// Predictions this source made before (open, rejected or kept as
    /// tagged): not stored again.
    pub already: usize,
    /// Of those found, how many overlap an annotation of their label that
    /// a person made (the same span or other boundaries): stored, but not
    /// open.
    pub tagged: usize,
    /// Discontinuous predictions, left out (a suggestion is one span).
    pub discontinuous: usize,
    /// Of those found, how many start or end inside a word, or at white
    /// space: a few are a model's mistakes; most of them say the offsets
    /// were counted in another unit ([`FromPredictions::wrong_unit`]).
    pub inside_words: usize,
}

impl FromPredictions {
    /// True when so many spans cut words that the offsets are likely in
    /// another unit than the one they were read in (UTF-8 bytes read as
    /// code points shift every span after the first accent).
    pub fn wrong_unit(&self) -> bool {
        self.inside_words >= 2 && self.inside_words * 5 >= self.found.len()
    }
}

/// True when `range` of `text` starts or ends inside a word, or at white
/// space.
pub fn cuts_words(text: &crate::model::Text, range: std::ops::Range<usize>) -> bool {
    let at = |i: usize| {
        i.checked_sub(1)
            .and_then(|j| text.slice(j..i))
            .and_then(|s| s.chars().next())
    };
    let before_start = at(range.start);
    let first = text.slice(range.start..range.start + 1).and_then(|s| s.chars().next());
    let last = at(range.end);
    let after_end = text.slice(range.end..range.end + 1).and_then(|s| s.chars().next());
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let space = |c: Option<char>| c.is_some_and(char::is_whitespace);
    (word(before_start) && word(first)) || (word(last) && word(after_end)) || space(first) || space(last)
}

/// A text as compared for a near match: composed (NFC), without white space.
fn loosely(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfc().filter(|c| !c.is_whitespace()).collect()
}

/// The project's label for a predicted label, if any.
fn label_for(project: &Project, predicted: &str, map: &HashMap<String, String>) -> Option<String> {
    if let Some(to) = map.get(predicted) {
        return project.schema.contains(to).then(|| to.clone());
    }
    if project.schema.contains(predicted) {
        return Some(predicted.to_owned());
    }
    project
        .schema
        .labels
        .iter()
        .find(|l| l.name.eq_ignore_ascii_case(predicted) || l.id.eq_ignore_ascii_case(predicted))
        .map(|l| l.id.clone())
}

/// Suggestions of `project` from the annotations of `predicted` (an
/// imported file), under `source` (`model:NAME`).
pub fn from_predictions(
    project: &Project,
    predicted: &Project,
    source: &str,
    label_map: &HashMap<String, String>,
) -> FromPredictions {
    let by_hash: HashMap<&str, &str> = project
        .documents
        .iter()
        .filter(|d| d.text_matches())
        .map(|d| (d.text.content_hash(), d.id.as_str()))
        .collect();
    let mut out = FromPredictions::default();
    // Built only if a document is unmatched: a hint, not a match (the
    // offsets of another text would not carry over).
    let mut loose: Option<HashMap<String, &str>> = None;
    for pd in &predicted.documents {
        let Some(&doc_id) = by_hash.get(pd.text.content_hash()) else {
            if !predicted.annotations_of(&pd.id).is_empty() {
                out.unmatched_documents.push(pd.id.clone());
                let loose = loose.get_or_insert_with(|| {
                    project
                        .documents
                        .iter()
                        .map(|d| (loosely(d.text.as_str()), d.id.as_str()))
                        .collect()
                });
                if let Some(near) = loose.get(&loosely(pd.text.as_str())) {
                    out.near_documents.push((pd.id.clone(), (*near).to_owned()));
                }
            }
            continue;
        };
        let Some(doc) = project.document(doc_id) else {
            continue;
        };
        for a in predicted.annotations_of(&pd.id) {
            if a.is_discontinuous() {
                out.discontinuous += 1;
                continue;
            }
            let Some(label) = label_for(project, &a.label, label_map) else {
                *out.unknown_labels.entry(a.label.clone()).or_default() += 1;
                continue;
            };
            let s = Suggestion {
                doc: doc.id.clone(),
                start: a.start,
                end: a.end,
                text: doc.text.slice(a.range()).unwrap_or_default().to_owned(),
                label,
                source: source.to_owned(),
                pattern: String::new(),
                entity: None,
                rejected: false,
            };
            if project.suggestion(s.key()).is_some() {
                out.already += 1;
                continue;
            }
            // Kept even where a person tagged the span already (not open,
            // so not offered): the model said it, and `agree
            // --suggestions` gives it the credit.
            out.found.push(s);
        }
    }
    out.found.sort_by(|a, b| a.key().cmp(&b.key()));
    let before = out.found.len();
    out.found.dedup_by(|a, b| a.key() == b.key());
    out.already += before - out.found.len();
    out.tagged = out.found.iter().filter(|s| !project.is_open(s)).count();
    out.inside_words = out
        .found
        .iter()
        .filter(|s| project.document(&s.doc).is_some_and(|d| cuts_words(&d.text, s.range())))
        .count();
    out
}

/// The documents `source` has said something about: those with its
/// suggestions (of any state) or with annotations accepted from it.
pub fn documents_of(project: &Project, source: &str) -> std::collections::BTreeSet<String> {
    project
        .suggestions()
        .iter()
        .filter(|s| s.source == source)
        .map(|s| s.doc.clone())
        .chain(
            project
                .annotations()
                .iter()
                .filter(|a| a.meta.get(super::suggest::META_SOURCE).is_some_and(|s| s == source))
                .map(|a| a.doc.clone()),
        )
        .collect()
}

/// `project` with only the documents `docs` and their annotations.
pub fn restrict(project: &Project, docs: &std::collections::BTreeSet<String>) -> Project {
    Project::from_parts(
        project.name.clone(),
        project.schema.clone(),
        project
            .documents
            .iter()
            .filter(|d| docs.contains(&d.id))
            .cloned()
            .collect(),
        project
            .annotations()
            .iter()
            .filter(|a| docs.contains(&a.doc))
            .cloned()
            .collect(),
    )
}

/// The sources of a project's suggestions and of its accepted ones
/// (annotations whose `meta` names where they were suggested), sorted.
pub fn sources(project: &Project) -> Vec<String> {
    let mut out: Vec<String> = project
        .suggestions()
        .iter()
        .map(|s| s.source.clone())
        .chain(
            project
                .annotations()
                .iter()
                .filter_map(|a| a.meta.get(super::suggest::META_SOURCE).cloned()),
        )
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// What `source` proposed, as an annotator's copy of `project`: its
/// suggestions (open, rejected, or kept where people had tagged the span),
/// and the annotations accepted from it
/// (as they are now), so that agreement with the project's annotations is
/// the source's precision and recall against the people's work.
pub fn as_annotator(project: &Project, source: &str) -> Project {
    let mut taken = std::collections::HashSet::new();
    let mut annotations: Vec<Annotation> = project
        .annotations()
        .iter()
        .filter(|a| a.meta.get(super::suggest::META_SOURCE).is_some_and(|s| s == source))
        .cloned()
        .collect();
    taken.extend(annotations.iter().map(|a| a.id));
    for s in project.suggestions().iter().filter(|s| s.source == source) {
        let id = AnnotationId::fresh(|id| taken.contains(&id) || project.id_in_use(id));
        taken.insert(id);
        annotations.push(Annotation {
            id,
            doc: s.doc.clone(),
            start: s.start,
            end: s.end,
            label: s.label.clone(),
            text: s.text.clone(),
            author: source.to_owned(),
            ..Annotation::placeholder()
        });
    }
    Project::from_parts(
        format!("{} ({source})", project.name),
        project.schema.clone(),
        project.documents.clone(),
        annotations,
    )
}
