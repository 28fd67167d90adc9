//! The suggestion layer's edits: adding suggestions, removing them
//! (accepted, cleared, or their document removed) and restoring their
//! values (rejecting one, and its undo). Each returns its inverse, as
//! every [`Command`] does, so accepting or rejecting is undone like a tag.

use std::collections::HashSet;

use super::{Command, EditError};
use crate::model::{Project, Suggestion, SuggestionKey};

/// Checks a suggestion against the project: its document, label, span and
/// quoted text.
fn check(project: &Project, s: &Suggestion) -> Result<(), EditError> {
    if !project.schema.contains(&s.label) {
        return Err(EditError::UnknownLabel(s.label.clone()));
    }
    if s.source.trim().is_empty() {
        return Err(EditError::Breaks(format!(
            "a suggestion of [{}, {}) in {:?} has no source",
            s.start, s.end, s.doc
        )));
    }
    // Offsets refer to the text the document's hash names: while the text
    // loaded is another (changed on disk, before re-anchoring), only the
    // document is checked.
    if project.document(&s.doc).is_some_and(|d| !d.text_matches()) {
        return Ok(());
    }
    let actual = super::command::span_text(project, &s.doc, s.start, s.end)?;
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
    for s in new {
        check(project, s)?;
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
    for s in values {
        check(project, s)?;
    }
    let old = project.remove_suggestions(values);
    project.insert_suggestions(values.to_vec());
    Ok(Command::RestoreSuggestions(old))
}
