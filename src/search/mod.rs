//! Corpus search: every occurrence of a word, a phrase or a regular
//! expression across the project's documents, with each hit's state
//! (untagged, or tagged with which labels) and its context, and tagging
//! the hits chosen in one step.
//!
//! Offsets are code points, as everywhere. A literal query is matched
//! accent- and case-insensitively unless it asks for case: both sides are
//! folded character by character ([`fold_for_search`]), one character to
//! one, so a position in the folded copy is a position in the text. A
//! regular expression (the `regex` crate's syntax) is matched on the text
//! itself, case-insensitively unless asked otherwise; its accents are as
//! written. "Whole word" keeps the hits that start and end on word
//! boundaries as the workbench's word snapping finds them (UAX #29, French
//! elisions split: `armée` is a whole word in `l’armée`).
//!
//! The workbench's find bar, the corpus search panel and `marginalia
//! search` / `annotate --all-documents` all use this module.

use std::collections::HashSet;
use std::ops::Range;

pub use filter::{DocFilter, doc_matches, filter_problem};

pub mod figures;
mod filter;
pub mod layer;
pub mod marks;
pub mod predictions;
pub mod suggest;
pub mod word_regex;

use crate::edit::{Command, EditError};
use crate::model::{Annotation, Document, Project, Text, Timestamp, fold_str_for_search};

/// Searches never return more hits than this by default (a one-letter
/// query over 100 MB would otherwise allocate tens of millions).
pub const MAX_HITS: usize = 1_000_000;

/// What to look for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pub pattern: String,
    /// `pattern` is a regular expression.
    pub regex: bool,
    /// Only hits that are whole words.
    pub whole_word: bool,
    /// Case (and, for a literal query, accents) must match.
    pub case_sensitive: bool,
}

/// Why a query cannot run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    #[error("the query is empty")]
    Empty,
    #[error("the query is only white space: there is nothing to find or tag in it")]
    Blank,
    #[error("not a valid regular expression: {0}")]
    BadRegex(String),
}

/// A query ready to run on texts.
#[derive(Clone, Debug)]
pub struct Matcher {
    query: Query,
    kind: Kind,
}

#[derive(Clone, Debug)]
enum Kind {
    /// The needle as the text is searched: folded unless case matters.
    Literal(String),
    Regex(word_regex::WordRegex),
}

impl Matcher {
    /// A matcher for a search over the corpus, whose hits may be tagged:
    /// a literal query of white space only is refused (the find bar of one
    /// document may look for spaces; tagging them is never meant).
    pub fn for_corpus(query: &Query) -> Result<Matcher, SearchError> {
        if !query.regex && !query.pattern.is_empty() && query.pattern.trim().is_empty() {
            return Err(SearchError::Blank);
        }
        Matcher::new(query)
    }

    pub fn new(query: &Query) -> Result<Matcher, SearchError> {
        if query.pattern.is_empty() {
            return Err(SearchError::Empty);
        }
        let kind = if query.regex {
            let re =
                word_regex::WordRegex::new(&query.pattern, !query.case_sensitive).map_err(SearchError::BadRegex)?;
            Kind::Regex(re)
        } else if query.case_sensitive {
            Kind::Literal(query.pattern.clone())
        } else {
            // Accents written apart in the query go as those in the texts.
            let needle = marks::fold_needle(&query.pattern);
            if needle.is_empty() {
                return Err(SearchError::Empty);
            }
            Kind::Literal(needle)
        };
        Ok(Matcher {
            query: query.clone(),
            kind,
        })
    }

    pub fn query(&self) -> &Query {
        &self.query
    }

    /// True when the matcher reads the folded copy of a text ([`fold`]).
    pub fn wants_folded(&self) -> bool {
        matches!(self.kind, Kind::Literal(_)) && !self.query.case_sensitive
    }

    /// The hits in `text` (code points, in order, not overlapping), at most
    /// `limit`; `folded` is `text`'s folded copy when [`Matcher::wants_folded`]
    /// (made here when not given). The flag says the limit cut the list.
    pub fn find(&self, text: &Text, folded: Option<&Text>, limit: usize) -> (Vec<Range<usize>>, bool) {
        let mut out = Vec::new();
        // True once a hit beyond the limit is found: the list is cut (a
        // list of exactly `limit` hits is whole).
        let keep = |r: Range<usize>, out: &mut Vec<Range<usize>>| -> bool {
            if self.query.whole_word && !is_whole_word(text, &r) {
                return false;
            }
            if out.len() >= limit {
                return true;
            }
            out.push(r);
            false
        };
        match &self.kind {
            Kind::Literal(needle) => {
                let made;
                let haystack = match (self.wants_folded(), folded) {
                    (false, _) => text,
                    (true, Some(f)) => f,
                    (true, None) => {
                        made = fold(text);
                        &made
                    }
                };
                let len = needle.chars().count();
                if self.wants_folded() && marks::has_diacritics(haystack.as_str()) {
                    // Accents written apart: matched without them, the
                    // hits placed back in the text.
                    let stripped = marks::Stripped::new(haystack.as_str());
                    let (mut at_byte, mut at_char) = (0, 0);
                    for (byte, _) in stripped.text.match_indices(needle.as_str()) {
                        at_char += stripped.text[at_byte..byte].chars().count();
                        at_byte = byte;
                        if keep(stripped.to_text(at_char..at_char + len), &mut out) {
                            return (out, true);
                        }
                    }
                    return (out, false);
                }
                for (byte, _) in haystack.as_str().match_indices(needle.as_str()) {
                    if let Some(start) = haystack.char_of_byte(byte)
                        && keep(start..start + len, &mut out)
                    {
                        return (out, true);
                    }
                }
            }
            Kind::Regex(re) => {
                // An empty match tags nothing: `for_each` leaves them out.
                let mut cut = false;
                re.for_each(text.as_str(), |m| {
                    if let (Some(start), Some(end)) = (text.char_of_byte(m.start), text.char_of_byte(m.end))
                        && keep(start..end, &mut out)
                    {
                        cut = true;
                    }
                    !cut
                });
                if cut {
                    return (out, true);
                }
            }
        }
        (out, false)
    }
}

/// `text` folded for a case- and accent-insensitive search: one character
/// for each of the text's, so positions carry over.
pub fn fold(text: &Text) -> Text {
    Text::new(fold_str_for_search(text.as_str()))
}

/// True when `range` starts and ends on word boundaries of `text`.
pub fn is_whole_word(text: &Text, range: &Range<usize>) -> bool {
    crate::model::words::snap_to_words(text, range.clone()) == *range
}

/// One hit: where it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hit {
    pub doc: String,
    pub start: usize,
    pub end: usize,
}

impl Hit {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// The hits of a search over the project, in document order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hits {
    pub hits: Vec<Hit>,
    /// The limit cut the list.
    pub truncated: bool,
    /// Documents searched.
    pub documents: usize,
}

/// Searches the documents of `project` that `keep` accepts, in the
/// project's order, for at most `limit` hits. `folded` gives a document's
/// folded copy when one is kept (the workbench keeps them; the command
/// line folds as it goes).
pub fn search(
    project: &Project,
    matcher: &Matcher,
    keep: &dyn Fn(&Document) -> bool,
    folded: &dyn Fn(&Document) -> Option<Text>,
    limit: usize,
) -> Hits {
    let mut out = Hits::default();
    for doc in project.documents.iter().filter(|d| keep(d)) {
        out.documents += 1;
        let copy = if matcher.wants_folded() { folded(doc) } else { None };
        let left = limit - out.hits.len();
        let (found, cut) = matcher.find(&doc.text, copy.as_ref(), left);
        out.hits.extend(found.into_iter().map(|r| Hit {
            doc: doc.id.clone(),
            start: r.start,
            end: r.end,
        }));
        if cut {
            out.truncated = true;
            break;
        }
    }
    out
}

/// Where a hit stands: no annotation has exactly its span, or some do
/// (their labels, in the schema's order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HitState {
    Untagged,
    /// Untagged, with open suggestions of these labels on the same span.
    Suggested(Vec<String>),
    Tagged(Vec<String>),
}

impl HitState {
    /// Not tagged (suggestions are not tags).
    pub fn is_untagged(&self) -> bool {
        !matches!(self, HitState::Tagged(_))
    }

    /// "untagged", "tagged", "suggested": the word scripts read.
    pub fn name(&self) -> &'static str {
        match self {
            HitState::Untagged => "untagged",
            HitState::Suggested(_) => "suggested",
            HitState::Tagged(_) => "tagged",
        }
    }

    /// The labels it is tagged or suggested with.
    pub fn labels(&self) -> &[String] {
        match self {
            HitState::Untagged => &[],
            HitState::Suggested(labels) | HitState::Tagged(labels) => labels,
        }
    }

    /// "untagged", "suggested actor", or "tagged actor, claim".
    pub fn describe(&self) -> String {
        match self {
            HitState::Untagged => "untagged".to_owned(),
            HitState::Suggested(labels) => format!("suggested {}", labels.join(", ")),
            HitState::Tagged(labels) => format!("tagged {}", labels.join(", ")),
        }
    }
}

/// The state of `hit` in `project`.
pub fn hit_state(project: &Project, hit: &Hit) -> HitState {
    let order = |l: &str| project.schema.position(l).unwrap_or(usize::MAX);
    let sorted = |mut labels: Vec<&str>| -> Vec<String> {
        labels.sort_by_key(|l| order(l));
        labels.dedup();
        labels.into_iter().map(str::to_owned).collect()
    };
    let labels: Vec<&str> = same_span(project.annotations_of(&hit.doc), hit)
        .map(|a| a.label.as_str())
        .collect();
    if !labels.is_empty() {
        return HitState::Tagged(sorted(labels));
    }
    let suggestions = project.suggestions_of(&hit.doc);
    let from = suggestions.partition_point(|s| s.start < hit.start);
    let suggested: Vec<&str> = suggestions[from..]
        .iter()
        .take_while(|s| s.start == hit.start)
        .filter(|s| s.end == hit.end && !s.rejected)
        .map(|s| s.label.as_str())
        .collect();
    if suggested.is_empty() {
        HitState::Untagged
    } else {
        HitState::Suggested(sorted(suggested))
    }
}

/// The labels of the annotations that hold `hit` without being its span
/// ("armée" inside a tagged "armée azerbaïdjanaise"): an untagged hit may
/// still be part of a tag. `reach` is the longest annotation of the
/// document ([`crate::model::longest`]), to look only where one can start.
pub fn inside_labels(project: &Project, hit: &Hit, reach: usize) -> Vec<String> {
    let annotations = project.annotations_of(&hit.doc);
    let from = annotations.partition_point(|a| a.start + reach < hit.end);
    let mut labels: Vec<String> = annotations[from..]
        .iter()
        .take_while(|a| a.start <= hit.start)
        .filter(|a| a.end >= hit.end && (a.start, a.end) != (hit.start, hit.end))
        .map(|a| a.label.clone())
        .collect();
    labels.sort_by_key(|l| project.schema.position(l).unwrap_or(usize::MAX));
    labels.dedup();
    labels
}

/// Whether document `doc` has open suggestions (of `label`, if given).
pub fn has_open_suggestions(project: &Project, doc: &str, label: Option<&str>) -> bool {
    project
        .open_suggestions_of(doc)
        .any(|s| label.is_none_or(|l| s.label == l))
}

/// The annotations of a document (sorted by start) with exactly `hit`'s span.
fn same_span<'a>(annotations: &'a [Annotation], hit: &'a Hit) -> impl Iterator<Item = &'a Annotation> + 'a {
    let from = annotations.partition_point(|a| a.start < hit.start);
    annotations[from..]
        .iter()
        .take_while(move |a| a.start == hit.start)
        .filter(move |a| a.end == hit.end && !a.is_discontinuous())
}

/// A hit in context: up to `width` characters either side, line breaks
/// and tabs shown as spaces (a keyword-in-context row is one line).
pub fn context(text: &Text, range: Range<usize>, width: usize) -> (String, String, String) {
    let flat = |s: &str| -> String {
        s.chars()
            .map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c })
            .collect()
    };
    let len = text.len_chars();
    let lo = range.start.saturating_sub(width);
    let hi = (range.end + width).min(len);
    let part = |r: Range<usize>| text.slice(r).map(flat).unwrap_or_default();
    (part(lo..range.start), part(range.clone()), part(range.end..hi))
}

/// What tagging hits added, document by document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tagged {
    /// The step that adds them (none when every hit was tagged already).
    pub command: Option<Command>,
    /// (document, annotations added), in document order.
    pub per_document: Vec<(String, usize)>,
    /// Hits left as they were: already tagged with the label (or, with
    /// `untagged_only`, with any label).
    pub skipped: usize,
}

/// The step that tags `hits` with `label`, one undoable edit: a hit
/// already tagged with that label is never tagged twice (so running a
/// search and tagging again adds nothing), and with `untagged_only` a hit
/// with any annotation of its span is left too. Overlapping hits (a
/// regular expression's are not, a literal's never) would each be tagged.
pub fn tag_hits(
    project: &Project,
    hits: &[Hit],
    label: &str,
    untagged_only: bool,
    author: &str,
    at: Timestamp,
) -> Result<Tagged, EditError> {
    if !project.schema.contains(label) {
        return Err(EditError::UnknownLabel(label.to_owned()));
    }
    let mut taken = HashSet::new();
    let mut out = Tagged::default();
    let mut added: Vec<Annotation> = Vec::new();
    let order: std::collections::HashMap<&str, usize> = project
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let place = |h: &Hit| (order.get(h.doc.as_str()).copied().unwrap_or(usize::MAX), h.start, h.end);
    let mut sorted: Vec<&Hit> = hits.iter().collect();
    sorted.sort_by_key(|h| place(h));
    sorted.dedup();
    let mut k = 0;
    while k < sorted.len() {
        let doc = sorted[k].doc.clone();
        let annotations = project.annotations_of(&doc);
        let text = project.document(&doc).map(|d| &d.text);
        let mut ranges = Vec::new();
        while k < sorted.len() && sorted[k].doc == doc {
            let hit = sorted[k];
            // A hit of white space (a regular expression's `.` or `\s`)
            // is nothing to tag: left, not a failure of the whole step.
            let blank = text
                .and_then(|t| t.slice(hit.range()))
                .is_some_and(|s| s.trim().is_empty());
            // Only untagged: a span with any annotation is left; the
            // rule against tagging a span twice with one label is
            // `edit::tag`'s, below.
            if blank || (untagged_only && same_span(annotations, hit).next().is_some()) {
                out.skipped += 1;
            } else {
                ranges.push(hit.range());
            }
            k += 1;
        }
        let tagging = crate::edit::tag_among(project, &doc, &ranges, label, author, at, &mut taken)?;
        out.skipped += tagging.already.len();
        if !tagging.added.is_empty() {
            out.per_document.push((doc, tagging.added.len()));
            added.extend(tagging.added);
        }
    }
    if !added.is_empty() {
        let n = added.len();
        let docs = out.per_document.len();
        let name = project.schema.get(label).map_or(label, |l| l.name.as_str());
        out.command = Some(Command::Named {
            what: format!(
                "tag {} as {name} in {}",
                crate::model::plural(n, "hit"),
                crate::model::plural(docs, "document")
            ),
            commands: vec![Command::AddAnnotations(added)],
        });
    }
    Ok(out)
}

impl Tagged {
    /// The annotations the step adds (none without a step).
    pub fn added(&self) -> &[Annotation] {
        match &self.command {
            Some(Command::Named { commands, .. }) => match commands.as_slice() {
                [Command::AddAnnotations(v)] => v,
                _ => &[],
            },
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests;
