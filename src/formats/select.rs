//! What an export contains: documents filtered by status, annotations by
//! label and author.

use super::ExportOptions;
use crate::model::{Annotation, Document, Project};

/// A document to export and its annotations, in order of position.
pub struct Selected<'p> {
    pub doc: &'p Document,
    pub annotations: Vec<&'p Annotation>,
}

/// The documents and annotations `options` select from `project`.
pub fn select<'p>(project: &'p Project, options: &ExportOptions) -> Vec<Selected<'p>> {
    project
        .documents
        .iter()
        .filter(|d| options.status.is_none_or(|s| d.status == s))
        .map(|doc| Selected {
            doc,
            annotations: project
                .annotations_of(&doc.id)
                .iter()
                .filter(|a| options.labels.as_ref().is_none_or(|ls| ls.contains(&a.label)))
                .filter(|a| options.author.as_ref().is_none_or(|au| &a.author == au))
                .collect(),
        })
        .collect()
}
