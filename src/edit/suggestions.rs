//! The suggestion layer's edits: adding suggestions, removing them
//! (accepted, cleared, or their document removed) and restoring their
//! values (rejecting one, and its undo). Each returns its inverse, as
//! every [`Command`] does, so accepting or rejecting is undone like a tag.

use std::collections::{HashMap, HashSet};

use super::{Command, EditError};
use crate::model::{Document, Project, Suggestion, SuggestionKey};

/// The project's documents by id: a suggestion step can touch hundreds
/// of thousands of suggestions, and a document is found by a scan.
fn documents(project: &Project) -> HashMap<&str, &Document> {
    project.documents.iter().map(|d| (d.id.as_str(), d)).collect()
}

/// Checks a suggestion against the project: its document, label, span and
/// quoted text.
fn check(project: &Project, docs: &HashMap<&str, &Document>, s: &Suggestion) -> Result<(), EditError> {
    if !project.schema.contains(&s.label) {
        return Err(EditError::UnknownLabel(s.label.clone()));
    }
    if s.source.trim().is_empty() {
        return Err(EditError::Breaks(format!(
            "a suggestion of [{}, {}) in {:?} has no source",
            s.start, s.end, s.doc
        )));
    }
    let d = docs
        .get(s.doc.as_str())
        .ok_or_else(|| EditError::UnknownDocument(s.doc.clone()))?;
    // Offsets refer to the text the document's hash names: while the text
    // loaded is another (changed on disk, before re-anchoring), only the
    // document is checked.
    if !d.text_matches() {
        return Ok(());
    }
    if s.start >= s.end {
        return Err(EditError::EmptySpan {
            doc: s.doc.clone(),
            start: s.start,
            end: s.end,
        });
    }
    let actual = d.text.slice(s.range()).ok_or_else(|| EditError::OutOfBounds {
        doc: s.doc.clone(),
        start: s.start,
        end: s.end,
        length: d.text.len_chars(),
    })?;
    if actual != s.text {
        return Err(EditError::Breaks(format!(
            "a suggestion quotes {:?} but document {:?} has {actual:?} at [{}, {})",
            s.text, s.doc, s.start, s.end
        )));
    }
    Ok(())
}

pub(super) fn add(project: &mut Project, new: &[Suggestion]) -> Result<Command, EditError> {
    let mut seen: HashSet<SuggestionKey<'_>> = HashSet::with_capacity(new.len());
    let docs = documents(project);
    for s in new {
        check(project, &docs, s)?;
        if !seen.insert(s.key()) || project.suggestion(s.key()).is_some() {
            return Err(EditError::Breaks(format!(
                "the suggestion of [{}, {}) in {:?} as {:?} from {:?} is already there",
                s.start, s.end, s.doc, s.label, s.source
            )));
        }
    }
    project.insert_suggestions(new.to_vec());
    Ok(Command::RemoveSuggestions(new.to_vec()))
}

fn missing(s: &Suggestion) -> EditError {
    EditError::Breaks(format!(
        "no suggestion of [{}, {}) in {:?} as {:?} from {:?}",
        s.start, s.end, s.doc, s.label, s.source
    ))
}

pub(super) fn remove(project: &mut Project, gone: &[Suggestion]) -> Result<Command, EditError> {
    if let Some(s) = gone.iter().find(|s| project.suggestion(s.key()).is_none()) {
        return Err(missing(s));
    }
    Ok(Command::AddSuggestions(project.remove_suggestions(gone)))
}

pub(super) fn restore(project: &mut Project, values: &[Suggestion]) -> Result<Command, EditError> {
    if let Some(s) = values.iter().find(|s| project.suggestion(s.key()).is_none()) {
        return Err(missing(s));
    }
    let docs = documents(project);
    for s in values {
        check(project, &docs, s)?;
    }
    Ok(Command::RestoreSuggestions(project.replace_suggestions(values)))
}
