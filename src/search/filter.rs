//! Document filters, as the documents panel, the corpus search and
//! `--doc-filter` read them: text found in a title, id, path or metadata
//! value, or `FIELD=VALUE` parts (`outlet=Le Monde`, `date=2023`,
//! `status=done`, `label=claim`, `suggested=yes`), joined by `;`.

use crate::model::{Document, Project, fold_str_for_search};

/// Why a document filter cannot match anything, if it cannot: a field no
/// document has and the schema does not declare, a label or a status that
/// does not exist (a typo would otherwise read as "no hits").
pub fn filter_problem(project: &Project, filter: &str) -> Option<String> {
    filter
        .split(';')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .find_map(|f| {
            let (key, value) = f.split_once('=')?;
            let (key, value) = (key.trim(), value.trim());
            match key {
                "status" => {
                    let v = fold_str_for_search(value);
                    let known = crate::model::Status::ALL.iter().any(|s| {
                        fold_str_for_search(s.name()).starts_with(&v)
                            || fold_str_for_search(s.describe()).starts_with(&v)
                    });
                    (!known).then(|| format!("{value:?} is not a status (todo, in_progress, done)"))
                }
                "label" => {
                    let v = fold_str_for_search(value);
                    let known = project
                        .schema
                        .labels
                        .iter()
                        .any(|l| fold_str_for_search(&l.id) == v || fold_str_for_search(&l.name) == v);
                    (!known).then(|| format!("{value:?} is not a label of the project"))
                }
                "title" | "id" => None,
                "suggested" => {
                    let v = fold_str_for_search(value);
                    let known = ["yes", "no"].contains(&v.as_str())
                        || project
                            .schema
                            .labels
                            .iter()
                            .any(|l| fold_str_for_search(&l.id) == v || fold_str_for_search(&l.name) == v);
                    (!known).then(|| format!("suggested={value}: yes, no, or a label of the project"))
                }
                _ => {
                    let known = project.schema.attribute(key).is_some()
                        || project.documents.iter().any(|d| d.attrs.contains_key(key));
                    (!known).then(|| {
                        format!(
                            "no document has a field {key:?} (fields: title, id, status, label, suggested, or a metadata key)"
                        )
                    })
                }
            }
        })
}

/// True when document `doc` matches the filter `filter`: `key=value` for a
/// metadata field (`outlet=Wikipédia`, `date=2023`: the value starts with
/// it), `status=done`, `label=claim` (has annotations of that label),
/// `suggested=yes|no|LABEL` (has open suggestions, of that label);
/// `title=…`, `id=…`; otherwise text found (accents and case aside) in the
/// id, the title, the path or a metadata value; several joined by `;`. An
/// empty filter matches every document.
pub fn doc_matches(project: &Project, doc: &Document, filter: &str) -> bool {
    DocFilter::new(project, filter).matches(project, doc)
}

/// A document filter (as [`doc_matches`] reads it) worked out once for a
/// pass over many documents: a `label=` or `suggested=` part's label is
/// found once, not folded again for each document.
#[derive(Clone, Debug, Default)]
pub struct DocFilter {
    parts: Vec<Part>,
}

#[derive(Clone, Debug)]
enum Part {
    Status(String),
    Title(String),
    Id(String),
    /// A label's id; `None` for a name no label has (nothing matches).
    Label(Option<String>),
    /// With open suggestions (of a label), or without: asked per document,
    /// which stops at its first open one (a pass over the whole layer to
    /// list the documents that have some costs more).
    Suggested {
        label: Option<String>,
        with: bool,
    },
    Field(String, String),
    Text(String),
}

impl DocFilter {
    /// Reads `filter`: parts joined by `;`, all of which must match.
    pub fn new(project: &Project, filter: &str) -> DocFilter {
        let fold = fold_str_for_search;
        let label_id = |value: &str| {
            project
                .schema
                .labels
                .iter()
                .find(|l| fold(&l.id) == value || fold(&l.name) == value)
                .map(|l| l.id.clone())
        };
        let parts = filter
            .split(';')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(|f| match f.split_once('=') {
                Some((key, value)) => {
                    let (key, value) = (key.trim(), fold(value.trim()));
                    match key {
                        "status" => Part::Status(value),
                        "title" => Part::Title(value),
                        "id" => Part::Id(value),
                        "label" => Part::Label(label_id(&value)),
                        "suggested" => match value.as_str() {
                            "yes" => Part::Suggested {
                                label: None,
                                with: true,
                            },
                            "no" => Part::Suggested {
                                label: None,
                                with: false,
                            },
                            _ => match label_id(&value) {
                                Some(l) => Part::Suggested {
                                    label: Some(l),
                                    with: true,
                                },
                                None => Part::Label(None),
                            },
                        },
                        _ => Part::Field(key.to_owned(), value),
                    }
                }
                None => Part::Text(fold(f)),
            })
            .collect();
        DocFilter { parts }
    }

    /// True when there is nothing to filter by.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Whether `doc` matches every part.
    pub fn matches(&self, project: &Project, doc: &Document) -> bool {
        self.matches_with(project, doc, &|d| super::has_open_suggestions(project, d, None))
    }

    /// [`DocFilter::matches`], asking `has_open` whether a document has
    /// open suggestions (the workbench keeps that counted).
    pub fn matches_with(&self, project: &Project, doc: &Document, has_open: &dyn Fn(&str) -> bool) -> bool {
        let fold = fold_str_for_search;
        self.parts.iter().all(|part| match part {
            Part::Status(value) => {
                fold(doc.status.name()).starts_with(value) || fold(doc.status.describe()).starts_with(value)
            }
            Part::Title(value) => fold(&doc.title).contains(value),
            Part::Id(value) => fold(&doc.id).starts_with(value),
            Part::Label(label) => label
                .as_ref()
                .is_some_and(|l| project.annotations_of(&doc.id).iter().any(|a| a.label == *l)),
            Part::Suggested { label: None, with } => has_open(&doc.id) == *with,
            Part::Suggested { label: Some(l), with } => super::has_open_suggestions(project, &doc.id, Some(l)) == *with,
            Part::Field(key, value) => doc
                .attrs
                .get(key)
                .is_some_and(|v| fold(&v.to_string()).starts_with(value)),
            Part::Text(needle) => {
                [doc.id.as_str(), doc.title.as_str(), doc.path.as_str()]
                    .into_iter()
                    .any(|s| fold(s).contains(needle))
                    || doc.attrs.values().any(|v| fold(&v.to_string()).contains(needle))
            }
        })
    }
}
