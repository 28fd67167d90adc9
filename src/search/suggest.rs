//! Suggestions from a gazetteer or from the project itself: where a term
//! of a list (or a text tagged somewhere in the project) occurs untagged,
//! a suggestion to tag it with the term's label.
//!
//! Every term is matched at once (`aho-corasick`, leftmost-longest) on the
//! folded text (accents and case aside, [`super::fold`]) unless it asks
//! for an exact match, and kept only on word boundaries as the workbench
//! snaps them, French elisions split: "armée azerbaïdjanaise" is found in
//! « l’armée azerbaïdjanaise », not inside « désarmée ». A span that an
//! annotation of the label overlaps is not suggested (« Pashinyan » inside
//! a tagged « Nikol Pashinyan »).
//!
//! Accepting suggestions makes annotations that keep their provenance in
//! `meta` ([`META_SOURCE`], [`META_PATTERN`]), with the term's entity set
//! when the label has an entity attribute.

use std::collections::{BTreeMap, HashMap, HashSet};

use aho_corasick::{AhoCorasick, MatchKind};

use crate::edit::{Command, EditError};
use crate::model::{AttrKind, AttrTarget, AttrValue, Document, Project, Suggestion, Timestamp};

/// Meta key of an accepted suggestion: where it came from
/// (`gazetteer:FILE`, `project`).
pub const META_SOURCE: &str = "suggested_by";
/// Meta key of an accepted suggestion: the term that matched.
pub const META_PATTERN: &str = "pattern";

/// One term to look for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    pub term: String,
    pub label: String,
    /// An entity of the project's list the matches refer to.
    pub entity: Option<String>,
    /// Case and accents must match.
    pub exact: bool,
}

/// A gazetteer line that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct GazetteerError {
    pub line: usize,
    pub reason: String,
}

/// Every problem of a gazetteer file, by line, in file order: the whole
/// list is fixed in one pass, not one line per try.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GazetteerProblems(pub Vec<GazetteerError>);

/// Why a gazetteer file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerFileError {
    #[error(transparent)]
    Read(#[from] crate::persist::textfile::TextFileError),
    #[error("{} has {}:\n{problems}", path.display(), crate::model::plural(problems.0.len(), "problem"))]
    Problems {
        path: std::path::PathBuf,
        problems: GazetteerProblems,
    },
}

/// Reads the gazetteer file at `path` as documents are read (UTF-8,
/// UTF-16 with a byte-order mark, or the Windows-1252 a spreadsheet may
/// save; a binary file refused), commas for a `.csv`, tabs otherwise.
/// Returns its terms and its source name, `gazetteer:FILE`.
pub fn load_gazetteer(path: &std::path::Path, project: &Project) -> Result<(Vec<Pattern>, String), GazetteerFileError> {
    let decoded = crate::persist::textfile::read_text_file(path)?;
    let csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let patterns = read_gazetteer(&decoded.text, project, csv).map_err(|problems| GazetteerFileError::Problems {
        path: path.to_owned(),
        problems,
    })?;
    let name = path
        .file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    Ok((patterns, format!("gazetteer:{name}")))
}

/// The longest term a gazetteer may hold, in characters.
pub const MAX_TERM_CHARS: usize = 300;

/// How many problems a message lists before it only counts the rest.
const PROBLEMS_SHOWN: usize = 10;

impl std::fmt::Display for GazetteerProblems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (k, problem) in self.0.iter().take(PROBLEMS_SHOWN).enumerate() {
            if k > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        if self.0.len() > PROBLEMS_SHOWN {
            let more = self.0.len() - PROBLEMS_SHOWN;
            write!(f, "\n… and {more} more problem{}", if more == 1 { "" } else { "s" })?;
        }
        Ok(())
    }
}

impl std::error::Error for GazetteerProblems {}

/// Reads a gazetteer: one term a line, `TERM<TAB>LABEL[<TAB>ENTITY[<TAB>exact]]`
/// (or the same separated by commas, for a `.csv`). Blank lines and lines
/// starting with `#` are skipped; a first line `term, label, …` is a
/// header. Labels must be the project's.
pub fn read_gazetteer(text: &str, project: &Project, csv: bool) -> Result<Vec<Pattern>, GazetteerProblems> {
    let mut out: Vec<Pattern> = Vec::new();
    let mut problems: Vec<GazetteerError> = Vec::new();
    // Each term as matching sees it (folded unless exact), with its line
    // and label: a term given two labels is refused.
    let mut seen: HashMap<(bool, String), (usize, String)> = HashMap::new();
    // A byte-order mark (Excel writes one) is not part of the first term.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let mut problem = |reason: String| problems.push(GazetteerError { line, reason });
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let cells: Vec<String> = if csv {
            csv_cells(raw)
        } else {
            raw.split('\t').map(str::to_owned).collect()
        };
        let cell = |k: usize| cells.get(k).map(|c| c.trim()).filter(|c| !c.is_empty());
        if line == 1 && cell(0).is_some_and(|c| c.eq_ignore_ascii_case("term")) {
            continue;
        }
        let (Some(term), Some(label)) = (cell(0), cell(1)) else {
            problem(format!(
                "a term and a label are needed, separated by {}",
                if csv { "a comma" } else { "a tab" }
            ));
            continue;
        };
        // A name, not a passage: matching grows with the square of a
        // term's length (a 100,000-character line took 35 s).
        let length = term.chars().count();
        if length > MAX_TERM_CHARS {
            problem(format!(
                "the term is {length} characters long; a term is a name or phrase of at most {MAX_TERM_CHARS}"
            ));
            continue;
        }
        // "." or "l’" alone would be suggested at every full stop or elision.
        if !term.chars().any(char::is_alphanumeric) {
            problem(format!("{term:?} has no letter or digit: it would match punctuation"));
            continue;
        }
        if let Some(before) = term.strip_suffix(['’', '\''])
            && before.chars().count() <= 2
            && before.chars().all(char::is_alphabetic)
        {
            problem(format!(
                "{term:?} is only an elision: it would match before every word it elides"
            ));
            continue;
        }
        let Some(label) = project
            .schema
            .labels
            .iter()
            .find(|l| l.id == label || l.name.eq_ignore_ascii_case(label))
            .map(|l| l.id.clone())
        else {
            problem(format!("{label:?} is not a label of the project"));
            continue;
        };
        let entity = match cell(2) {
            Some(e) if project.schema.entity(e).is_none() => {
                problem(format!("{e:?} is not an entity of the project's list"));
                continue;
            }
            // Said, not dropped when the tag is made.
            Some(e)
                if !project
                    .schema
                    .attributes_of(&AttrTarget::Label(label.clone()))
                    .any(|d| d.kind == AttrKind::Entity) =>
            {
                problem(format!(
                    "the entity {e:?} cannot be kept: the label {label:?} has no entity attribute"
                ));
                continue;
            }
            e => e.map(str::to_owned),
        };
        let exact = match cell(3) {
            None => false,
            Some(flag) if flag.eq_ignore_ascii_case("exact") => true,
            Some(other) => {
                problem(format!("the fourth column is `exact` or nothing, not {other:?}"));
                continue;
            }
        };
        // One term, two labels: which one a match gets would be chance.
        let key = (
            exact,
            if exact {
                term.to_owned()
            } else {
                super::marks::fold_needle(term)
            },
        );
        match seen.get(&key) {
            Some((earlier, other)) if *other != label => {
                problem(format!(
                    "{term:?} is also on line {earlier} with the label {other:?}; a term has one label"
                ));
                continue;
            }
            Some(_) => {}
            None => {
                seen.insert(key, (line, label.clone()));
            }
        }
        out.push(Pattern {
            term: term.to_owned(),
            label,
            entity,
            exact,
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(GazetteerProblems(problems))
    }
}

/// The cells of a CSV line (double quotes around a cell, `""` inside one).
fn csv_cells(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                if let Some(s) = cells.last_mut() {
                    s.push('"');
                }
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(String::new()),
            (c, _) => {
                if let Some(s) = cells.last_mut() {
                    s.push(c);
                }
            }
        }
    }
    cells
}

/// "What is tagged somewhere is suggested everywhere else": every text the
/// project tags (of two characters or more), as it is written (case and
/// accents count: « Azerbaïdjanais » tagged as an actor does not make the
/// adjective « azerbaïdjanais » one), with the label it carries most often
/// and the entity its annotations all refer to, if they agree on one.
pub fn project_patterns(project: &Project) -> Vec<Pattern> {
    // Text → label → (count, entity values seen).
    type Tally<'a> = (usize, Vec<Option<&'a str>>);
    let mut seen: HashMap<&str, HashMap<&str, Tally<'_>>> = HashMap::new();
    for a in project.annotations().iter().filter(|a| !a.is_discontinuous()) {
        let text = a.text.trim();
        // A passage (a long claim) is not a name to find elsewhere, and a
        // term's cost grows with the square of its length.
        let length = text.chars().count();
        if !(2..=MAX_TERM_CHARS).contains(&length) || !text.chars().any(char::is_alphanumeric) {
            continue;
        }
        let entity = project
            .schema
            .attributes_of(&AttrTarget::Label(a.label.clone()))
            .find(|d| d.kind == AttrKind::Entity)
            .and_then(|d| match a.attrs.get(&d.id) {
                Some(AttrValue::Text(e)) => Some(e.as_str()),
                _ => None,
            });
        let entry = seen.entry(text).or_default().entry(a.label.as_str()).or_default();
        entry.0 += 1;
        entry.1.push(entity);
    }
    let mut out: Vec<Pattern> = seen
        .into_iter()
        .filter_map(|(term, labels)| {
            let (label, (_, entities)) = labels.into_iter().max_by(|a, b| a.1.0.cmp(&b.1.0).then(b.0.cmp(a.0)))?;
            let first = entities.first().copied().flatten();
            let entity = first.filter(|e| entities.iter().all(|x| *x == Some(*e)));
            Some(Pattern {
                term: term.to_owned(),
                label: label.to_owned(),
                entity: entity.map(str::to_owned),
                exact: true,
            })
        })
        .collect();
    out.sort_by(|a, b| a.term.cmp(&b.term));
    out
}

/// Every place in the documents `keep` accepts where a pattern occurs on
/// word boundaries, its span does not carry its label yet, and `source`
/// has not offered it already (open, or rejected: a rejection is
/// remembered per source).
pub fn suggest(
    project: &Project,
    patterns: &[Pattern],
    source: &str,
    keep: &dyn Fn(&Document) -> bool,
) -> Vec<Suggestion> {
    suggest_with(project, patterns, source, keep, &crate::formats::Progress::new()).unwrap_or_default()
}

/// [`suggest`], counting the documents done on `progress` (one step per
/// document and pass) and stopping, with `None`, once it is cancelled:
/// the workbench's run on a thread, with its bar and Cancel.
pub fn suggest_with(
    project: &Project,
    patterns: &[Pattern],
    source: &str,
    keep: &dyn Fn(&Document) -> bool,
    progress: &crate::formats::Progress,
) -> Option<Vec<Suggestion>> {
    let mut out = Vec::new();
    for exact in [false, true] {
        let chosen: Vec<&Pattern> = patterns.iter().filter(|p| p.exact == exact).collect();
        if chosen.is_empty() {
            continue;
        }
        let needles: Vec<String> = chosen
            .iter()
            .map(|p| {
                if exact {
                    p.term.clone()
                } else {
                    super::marks::fold_needle(&p.term)
                }
            })
            .collect();
        let Ok(automaton) = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&needles)
        else {
            continue;
        };
        // A document whose text changed on disk is re-anchored first.
        let docs: Vec<&Document> = project
            .documents
            .iter()
            .filter(|d| d.text_matches() && keep(d))
            .collect();
        progress.add_total(docs.len() as u64);
        // The documents shared out among the cores (a 100 MB corpus takes
        // seconds on one); a small project in one go.
        let size: usize = docs.iter().map(|d| d.text.as_str().len()).sum();
        let threads = if size < PARALLEL_OVER {
            1
        } else {
            std::thread::available_parallelism().map_or(1, |n| n.get()).min(8)
        };
        let share = docs.len().div_ceil(threads).max(1);
        let terms = Terms {
            automaton: &automaton,
            chosen: &chosen,
            exact,
            source,
        };
        let found: Option<Vec<Vec<Suggestion>>> = std::thread::scope(|scope| {
            let workers: Vec<_> = docs
                .chunks(share)
                .map(|part| {
                    scope.spawn(move || {
                        let mut out = Vec::new();
                        // One buffer for every document's folded copy.
                        let mut folded = String::new();
                        for doc in part {
                            find_in(project, doc, &terms, &mut folded, &mut out);
                            progress.advance(1).ok()?;
                        }
                        Some(out)
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                .collect()
        });
        out.extend(found?.into_iter().flatten());
    }
    out.sort_by(|a, b| (&a.doc, a.start, a.end).cmp(&(&b.doc, b.start, b.end)));
    out.dedup_by(|a, b| (&a.doc, a.start, a.end, &a.label) == (&b.doc, b.start, b.end, &b.label));
    Some(out)
}

/// Above this many bytes of text, [`suggest`] shares the documents out
/// among threads.
const PARALLEL_OVER: usize = 4_000_000;

/// The suggestions of `chosen` (matched by `automaton`) in `doc`, added to
/// `out`; `folded` is a buffer for its folded copy. Positions are counted
/// along the text as the matches come, in order.
/// The terms of one pass of [`suggest`]: exact ones, or folded ones.
#[derive(Clone, Copy)]
struct Terms<'a> {
    automaton: &'a AhoCorasick,
    chosen: &'a [&'a Pattern],
    exact: bool,
    source: &'a str,
}

fn find_in(project: &Project, doc: &Document, terms: &Terms<'_>, folded: &mut String, out: &mut Vec<Suggestion>) {
    let Terms {
        automaton,
        chosen,
        exact,
        source,
    } = *terms;
    // Accents written apart (NFD) are matched without them, and
    // the matches placed back in the text.
    let stripped;
    let (haystack, apart): (&str, Option<&super::marks::Stripped>) = if exact {
        (doc.text.as_str(), None)
    } else {
        folded.clear();
        folded.extend(doc.text.as_str().chars().map(crate::model::fold_for_search));
        if super::marks::has_diacritics(folded) {
            stripped = super::marks::Stripped::new(folded);
            (&stripped.text, Some(&stripped))
        } else {
            (folded, None)
        }
    };
    let annotations = project.annotations_of(&doc.id);
    let reach = crate::model::longest(annotations);
    let (mut at_byte, mut at_char) = (0, 0);
    for m in automaton.find_iter(haystack) {
        at_char += haystack[at_byte..m.start()].chars().count();
        at_byte = m.start();
        let found = at_char..at_char + haystack[m.start()..m.end()].chars().count();
        let range = apart.map_or_else(|| found.clone(), |s| s.to_text(found.clone()));
        let (start, end) = (range.start, range.end);
        if !super::is_whole_word(&doc.text, &range) {
            continue;
        }
        let p = chosen[m.pattern().as_usize()];
        // Tagged with the label there already, or with other
        // boundaries ("Pashinyan" inside a tagged "Nikol Pashinyan").
        let tagged = crate::model::overlapped(annotations, reach, start..end, &p.label);
        // Offered before, by this source or another (a model, an
        // earlier version of the list): a rejection stands whoever
        // offered it, and an open one is not offered twice.
        if tagged || project.span_suggested(&doc.id, start, end, &p.label) {
            continue;
        }
        out.push(Suggestion {
            doc: doc.id.clone(),
            start,
            end,
            label: p.label.clone(),
            text: doc.text.slice(range).unwrap_or_default().to_owned(),
            source: source.to_owned(),
            pattern: p.term.clone(),
            entity: p.entity.clone(),
            rejected: false,
        });
    }
}

/// Counts by source, then label.
pub fn counts(suggestions: &[Suggestion]) -> BTreeMap<String, BTreeMap<String, usize>> {
    let mut out: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for s in suggestions {
        *out.entry(s.source.clone())
            .or_default()
            .entry(s.label.clone())
            .or_default() += 1;
    }
    out
}

/// The step that stores `found` in the project's suggestion layer.
pub fn store(found: Vec<Suggestion>) -> Command {
    Command::Named {
        what: format!("suggest {}", crate::model::plural(found.len(), "span")),
        commands: vec![Command::AddSuggestions(found)],
    }
}

/// The step that rejects `suggestions` (of the layer): they stay, marked,
/// so that their source does not offer them again.
pub fn reject(suggestions: &[Suggestion]) -> Command {
    let values: Vec<Suggestion> = suggestions
        .iter()
        .map(|s| Suggestion {
            rejected: true,
            ..s.clone()
        })
        .collect();
    Command::Named {
        what: format!("reject {}", crate::model::plural(values.len(), "suggestion")),
        commands: vec![Command::RestoreSuggestions(values)],
    }
}

/// What accepting suggestions does, in one step.
#[derive(Clone, Debug)]
pub struct Accepted {
    /// The undoable step.
    pub command: Command,
    /// The suggestions taken out of the layer (accepted).
    pub accepted: Vec<Suggestion>,
    /// How many annotations the step makes.
    pub tagged: usize,
    /// Other sources' open suggestions of exactly a span this step tags:
    /// left in the layer (they were right; `agree --suggestions` counts
    /// them), no longer open.
    pub twins: Vec<Suggestion>,
    /// Open suggestions of the same label whose spans overlap what was
    /// tagged (other boundaries for the same thing): rejected in the same
    /// step, so that the same name is never tagged twice.
    pub rivals: Vec<Suggestion>,
}

/// The step that accepts `suggestions` as annotations, with their
/// provenance in `meta` and their entity set when the label has an entity
/// attribute (and the entity is in the list), and takes them out of the
/// layer; one undoable edit ("accept 120 suggestions"). A suggestion whose
/// span overlaps an annotation of its label (one there already, or one
/// this step makes) makes no annotation; the layer's other open
/// suggestions that overlap what this step tags, with the same label, are
/// rejected in the same step.
pub fn accept(
    project: &Project,
    suggestions: &[Suggestion],
    author: &str,
    at: Timestamp,
) -> Result<Command, EditError> {
    accept_step(project, suggestions, author, at).map(|a| a.command)
}

/// [`accept`], saying which suggestions it accepted and which it rejected.
pub fn accept_step(
    project: &Project,
    suggestions: &[Suggestion],
    author: &str,
    at: Timestamp,
) -> Result<Accepted, EditError> {
    let mut taken = HashSet::new();
    let mut added: Vec<crate::model::Annotation> = Vec::with_capacity(suggestions.len());
    // What this step tags, by document and label, to keep its own
    // suggestions from overlapping one another.
    let mut made: HashMap<(&str, &str), Vec<std::ops::Range<usize>>> = HashMap::new();
    let mut in_list: HashSet<crate::model::SuggestionKey<'_>> = HashSet::new();
    let mut overlapping: Vec<Suggestion> = Vec::new();
    let mut twins: Vec<Suggestion> = Vec::new();
    // Tagged now, or tagged already: taken out of the layer.
    let mut settled: HashSet<crate::model::SuggestionKey<'_>> = HashSet::new();
    // Of suggestions starting at one place, the longest first: accepting
    // « armée » and « armée azerbaïdjanaise » together keeps the phrase and
    // rejects the word as its rival, not the other way round.
    let mut ordered: Vec<&Suggestion> = suggestions.iter().collect();
    ordered
        .sort_by(|a, b| (&a.doc, a.start, std::cmp::Reverse(a.end)).cmp(&(&b.doc, b.start, std::cmp::Reverse(b.end))));
    for s in ordered {
        in_list.insert(s.key());
        // A suggestion whose quoted text is not (or no longer) its
        // document's is left as it is (`validate` lists it).
        let quoted = project.document(&s.doc).and_then(|d| d.text.slice(s.range()));
        if quoted != Some(s.text.as_str()) {
            continue;
        }
        let ranges = made.entry((s.doc.as_str(), s.label.as_str())).or_default();
        if ranges.contains(&s.range()) {
            // Another source's suggestion of the very span: right too, left
            // as it is (tagged now, so no longer open).
            twins.push(s.clone());
            continue;
        }
        let overlaps_made = ranges.iter().any(|r| r.start < s.end && s.start < r.end);
        if overlaps_made {
            overlapping.push(s.clone());
            continue;
        }
        settled.insert(s.key());
        if project.label_overlaps(&s.doc, s.range(), &s.label) {
            continue;
        }
        ranges.push(s.range());
        let range = std::slice::from_ref(&(s.start..s.end)).to_vec();
        let mut new = crate::edit::new_annotations_among(project, &s.doc, &range, &s.label, author, at, &mut taken)?;
        for a in &mut new {
            a.meta.insert(META_SOURCE.to_owned(), s.source.clone());
            if !s.pattern.is_empty() {
                a.meta.insert(META_PATTERN.to_owned(), s.pattern.clone());
            }
            let known = |e: &str| project.schema.entities.iter().any(|x| x.id == e);
            if let Some(entity) = s.entity.as_deref().filter(|e| known(e)) {
                let key = project
                    .schema
                    .attributes_of(&AttrTarget::Label(s.label.clone()))
                    .find(|d| d.kind == AttrKind::Entity)
                    .map(|d| d.id.clone());
                if let Some(key) = key {
                    a.attrs.insert(key, AttrValue::Text(entity.to_owned()));
                }
            }
        }
        added.extend(new);
    }
    let accepted: Vec<Suggestion> = suggestions
        .iter()
        .filter(|s| settled.contains(&s.key()) && project.suggestion(s.key()).is_some())
        .cloned()
        .collect();
    // The layer's open rivals of what is tagged now, and this list's own.
    let mut rivals: Vec<Suggestion> = overlapping
        .into_iter()
        .filter(|s| project.suggestion(s.key()).is_some())
        .collect();
    for a in &added {
        for s in project
            .suggestions_of(&a.doc)
            .iter()
            .filter(|s| s.label == a.label && s.start < a.end && a.start < s.end)
            .filter(|s| !in_list.contains(&s.key()) && project.is_open(s))
        {
            if s.range() == a.range() {
                twins.push(s.clone());
            } else {
                rivals.push(s.clone());
            }
        }
    }
    twins.retain(|s| project.suggestion(s.key()).is_some());
    rivals.sort_by(|a, b| a.key().cmp(&b.key()));
    rivals.dedup_by(|a, b| a.key() == b.key());
    let tagged = added.len();
    let settled = settled.len();
    let mut commands = vec![Command::AddAnnotations(added)];
    if !accepted.is_empty() {
        commands.push(Command::RemoveSuggestions(accepted.clone()));
    }
    if !rivals.is_empty() {
        commands.push(Command::RestoreSuggestions(
            rivals
                .iter()
                .map(|s| Suggestion {
                    rejected: true,
                    ..s.clone()
                })
                .collect(),
        ));
    }
    Ok(Accepted {
        tagged,
        twins,
        command: Command::Named {
            // What the step does, counted as it does it: a suggestion of a
            // span tagged already is settled without a new tag, and those
            // over one another were rejected, not accepted.
            what: {
                let mut what = format!("accept {}", crate::model::plural(settled, "suggestion"));
                if tagged != settled {
                    what.push_str(&format!(" ({tagged} tagged)"));
                }
                if !rivals.is_empty() {
                    what.push_str(&format!(
                        ", reject {} over them",
                        crate::model::plural(rivals.len(), "rival")
                    ));
                }
                what
            },
            commands,
        },
        accepted,
        rivals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::new_annotation;
    use crate::model::Text;

    fn project() -> Project {
        let mut p = Project::new("s");
        let text = "Selon l’armée azerbaïdjanaise, l'Armée Azerbaïdjanaise a tiré. Le désarmement de l’ARMÉE AZERBAÏDJANAISE? \
                    Nikol Pashinyan 👨🏻‍🚒 et nikol pashinyan.";
        p.documents.push(Document::new("a", "A", "a.txt", Text::new(text)));
        p.documents.push(Document::new(
            "b",
            "B",
            "b.txt",
            Text::new("Bakou: Nikol Pashinyan, armée azerbaïdjanaise."),
        ));
        p.schema.entities.push(crate::model::Entity {
            id: "pashinyan".into(),
            name: "Nikol Pashinyan".into(),
            reference: None,
            note: String::new(),
        });
        p.schema.attributes.push(crate::model::AttributeDef {
            id: "refers_to".into(),
            name: "Refers to".into(),
            kind: AttrKind::Entity,
            on: vec![AttrTarget::Label("actor".into())],
            values: Vec::new(),
            default: None,
            required: false,
            guideline: String::new(),
        });
        p
    }

    #[test]
    fn a_gazetteer_is_read_with_its_errors_by_line() {
        let p = project();
        let tsv = "term\tlabel\n# comment\narmée azerbaïdjanaise\tactor\nNikol Pashinyan\tActor\tpashinyan\nBakou\tactor\t\texact\n";
        let list = read_gazetteer(tsv, &p, false).unwrap();
        assert_eq!(list.len(), 3);
        assert_eq!(list[1].label, "actor", "by name too");
        assert_eq!(list[1].entity.as_deref(), Some("pashinyan"));
        assert!(list[2].exact);
        let csv = "\"Pashinyan, Nikol\",actor\n";
        assert_eq!(read_gazetteer(csv, &p, true).unwrap()[0].term, "Pashinyan, Nikol");
        let one = |text: &str| {
            let mut all = read_gazetteer(text, &p, false).unwrap_err().0;
            assert_eq!(all.len(), 1, "{all:?}");
            all.remove(0)
        };
        let e = one("x\tplace\n");
        assert_eq!(e.line, 1);
        assert!(e.reason.contains("not a label"), "{e}");
        let e = one("ok\tactor\nnope\n");
        assert_eq!(e.line, 2);
        let e = one("x\tactor\tputin\n");
        assert!(e.reason.contains("not an entity"), "{e}");
        let e = one("Aliyev\tactor\nALIYEV\tclaim\n");
        assert_eq!(e.line, 2);
        assert!(e.reason.contains("also on line 1"), "{e}");
        // Accents written apart make the same term too.
        let e = one("Arménie\tactor\nArme\u{301}nie\tclaim\n");
        assert!(e.reason.contains("also on line 1"), "{e}");
        let e = one(&format!("{}\tactor\n", "a".repeat(MAX_TERM_CHARS + 1)));
        assert!(e.reason.contains("301 characters long"), "{e}");
        assert_eq!(
            read_gazetteer(&format!("{}\tactor\n", "é".repeat(MAX_TERM_CHARS)), &p, false)
                .unwrap()
                .len(),
            1
        );
        let e = one("l’\tactor\n");
        assert!(e.reason.contains("only an elision"), "{e}");
        let e = one("…\tactor\n");
        assert!(e.reason.contains("no letter or digit"), "{e}");
        let e = one("cessez-le-feu\tclaim\tpashinyan\n");
        assert!(e.reason.contains("the label \"claim\" has no entity attribute"), "{e}");
        // The same term twice with one label is no problem; exact and
        // folded terms are apart.
        assert_eq!(
            read_gazetteer("Aliyev\tactor\nALIYEV\tactor\nAliyev\tclaim\t\texact\n", &p, false)
                .unwrap()
                .len(),
            3
        );
        // Every bad line is reported at once, in order, and the message
        // counts what it does not list.
        let mut many = String::from("ok\tactor\n");
        for k in 0..12 {
            many.push_str(&format!("term{k}\tplace\n"));
        }
        many.push_str("lonely\n");
        let all = read_gazetteer(&many, &p, false).unwrap_err();
        let lines: Vec<usize> = all.0.iter().map(|e| e.line).collect();
        assert_eq!(lines, (2..=14).collect::<Vec<_>>());
        let message = all.to_string();
        assert_eq!(message.lines().count(), 11, "{message}");
        assert!(message.ends_with("… and 3 more problems"), "{message}");
        assert!(message.starts_with("line 2: \"place\" is not a label"), "{message}");
    }

    #[test]
    fn a_corpus_shared_out_among_threads_gives_what_one_pass_gives() {
        let mut p = project();
        let sentence = "Selon l’armée azerbaïdjanaise, Nikol Pashinyan a parlé. ";
        for id in ["x", "y", "z"] {
            let text = sentence.repeat(1_600_000 / sentence.len() + 1);
            p.documents
                .push(Document::new(id, id, format!("{id}.txt"), Text::new(text)));
        }
        let list = read_gazetteer("armée azerbaïdjanaise\tactor\nNikol Pashinyan\tactor\n", &p, false).unwrap();
        let big: Vec<&str> = ["x", "y", "z"].to_vec();
        let size: usize = big.iter().map(|id| p.document(id).unwrap().text.as_str().len()).sum();
        assert!(size > PARALLEL_OVER, "shared out");
        let together = suggest(&p, &list, "g", &|d| big.contains(&d.id.as_str()));
        let mut apart = Vec::new();
        for id in &big {
            apart.extend(suggest(&p, &list, "g", &|d| d.id == *id));
        }
        assert!(together.len() > 50_000, "{}", together.len());
        assert_eq!(together, apart);
        // Counted document by document; cancelled, it stops with nothing.
        let progress = crate::formats::Progress::new();
        let counted = suggest_with(&p, &list, "g", &|d| big.contains(&d.id.as_str()), &progress);
        assert_eq!(counted.as_ref(), Some(&together));
        assert_eq!(progress.fraction(), Some(1.0));
        let cancelled = crate::formats::Progress::new();
        cancelled.cancel();
        assert_eq!(suggest_with(&p, &list, "g", &|_| true, &cancelled), None);
    }

    #[test]
    fn accents_written_apart_are_matched_and_quoted_whole() {
        let mut p = project();
        let nfd = "L’arme\u{301}e azerbai\u{308}djanaise et l'Arme\u{301}nie.";
        p.documents.push(Document::new("n", "N", "n.txt", Text::new(nfd)));
        let list = read_gazetteer("armée azerbaïdjanaise\tactor\nArme\u{301}nie\tactor\n", &p, false).unwrap();
        let found = suggest(&p, &list, "gazetteer:g.tsv", &|d| d.id == "n");
        let quoted: Vec<&str> = found.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(quoted, ["arme\u{301}e azerbai\u{308}djanaise", "Arme\u{301}nie"]);
        for s in &found {
            let doc = p.document(&s.doc).unwrap();
            assert_eq!(doc.text.slice(s.range()), Some(s.text.as_str()), "offsets in the text");
        }
    }

    #[test]
    fn terms_match_on_word_boundaries_after_an_elision_accents_and_case_aside() {
        let p = project();
        let list = read_gazetteer(
            "armée azerbaïdjanaise\tactor\nNikol Pashinyan\tactor\tpashinyan\n",
            &p,
            false,
        )
        .unwrap();
        let found = suggest(&p, &list, "gazetteer:g.tsv", &|_| true);
        let text = |s: &Suggestion| {
            p.document(&s.doc)
                .unwrap()
                .text
                .slice(s.start..s.end)
                .unwrap()
                .to_owned()
        };
        let in_a: Vec<String> = found.iter().filter(|s| s.doc == "a").map(text).collect();
        assert_eq!(
            in_a,
            [
                "armée azerbaïdjanaise",
                "Armée Azerbaïdjanaise",
                "ARMÉE AZERBAÏDJANAISE",
                "Nikol Pashinyan",
                "nikol pashinyan"
            ],
            "after l’ and l', in capitals, never inside « désarmement »"
        );
        assert_eq!(found.iter().filter(|s| s.doc == "b").count(), 2);
        // Exact terms keep their case.
        let exact = read_gazetteer("Nikol Pashinyan\tactor\t\texact\n", &p, false).unwrap();
        assert_eq!(suggest(&p, &exact, "g", &|_| true).len(), 2, "not « nikol pashinyan »");
        // Accepted: annotations with their provenance and entity, one step.
        let command = accept(&p, &found, "ana", Timestamp::from_unix(0)).unwrap();
        assert_eq!(command.describe(), format!("accept {} suggestions", found.len()));
        let mut q = p.clone();
        command.apply(&mut q).unwrap();
        assert_eq!(q.annotations().len(), found.len());
        let nikol = q.annotations().iter().find(|a| a.text == "Nikol Pashinyan").unwrap();
        assert_eq!(nikol.meta[META_SOURCE], "gazetteer:g.tsv");
        assert_eq!(nikol.meta[META_PATTERN], "Nikol Pashinyan");
        assert_eq!(nikol.attrs["refers_to"], AttrValue::Text("pashinyan".into()));
        // Suggesting again: what is tagged is not suggested twice.
        assert!(suggest(&q, &list, "g", &|_| true).is_empty());
    }

    #[test]
    fn what_is_tagged_somewhere_is_suggested_everywhere_else() {
        let mut p = project();
        let text = p.document("b").unwrap().text.clone();
        let byte = text.as_str().find("Nikol Pashinyan").unwrap();
        let start = text.char_of_byte(byte).unwrap();
        let mut a = new_annotation(&p, "b", start..start + 15, "actor", "ana", Timestamp::from_unix(0)).unwrap();
        a.attrs.insert("refers_to".into(), AttrValue::Text("pashinyan".into()));
        Command::AddAnnotations(vec![a]).apply(&mut p).unwrap();
        let patterns = project_patterns(&p);
        assert_eq!(patterns.len(), 1);
        let first = &patterns[0];
        assert_eq!(
            (first.term.as_str(), first.label.as_str()),
            ("Nikol Pashinyan", "actor")
        );
        assert_eq!(
            first.entity.as_deref(),
            Some("pashinyan"),
            "the entity its annotations agree on"
        );
        assert!(
            first.exact,
            "as written: a capitalised noun does not make the adjective an actor"
        );
        let found = suggest(&p, &patterns, "project", &|_| true);
        assert_eq!(
            found.len(),
            1,
            "the one in document a written so; not « nikol pashinyan », not the tagged one"
        );
        assert_eq!(found[0].doc, "a");
        assert_eq!(counts(&found)["project"]["actor"], 1);
    }
}
