//! The corpus at a glance: annotations per label grouped by a document
//! field (claims per outlet, events per month of a date field) or by
//! status, progress by status, and the most frequent tagged texts of a
//! label. The workbench's overview draws these; `marginalia stats --by`
//! prints them.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::model::{AttrKind, Document, Project, Status, fold_str_for_search};

/// What documents are grouped by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupBy {
    /// A metadata field's value; a date cut to its first `cut` characters
    /// (`date:year` → 4, `date:month` → 7, `date:day` → 10).
    Field {
        key: String,
        cut: Option<usize>,
    },
    Status,
}

impl GroupBy {
    /// Reads `FIELD`, `FIELD:year|month|day` or `status`.
    pub fn parse(s: &str) -> Result<GroupBy, String> {
        let s = s.trim();
        if s == "status" {
            return Ok(GroupBy::Status);
        }
        let (key, unit) = match s.split_once(':') {
            Some((k, u)) => (k.trim(), Some(u.trim())),
            None => (s, None),
        };
        if key.is_empty() {
            return Err("give a field: --by outlet, --by date:month, --by status".to_owned());
        }
        let cut = match unit {
            None => None,
            Some("year") => Some(4),
            Some("month") => Some(7),
            Some("day") => Some(10),
            Some(other) => return Err(format!("{other:?} is not year, month or day")),
        };
        Ok(GroupBy::Field {
            key: key.to_owned(),
            cut,
        })
    }

    /// The group of document `doc` ("(none)" when it has no value).
    pub fn group_of(&self, doc: &Document) -> String {
        match self {
            GroupBy::Status => doc.status.name().to_owned(),
            GroupBy::Field { key, cut } => match doc.attrs.get(key) {
                None => NONE.to_owned(),
                Some(v) => {
                    let text = match v {
                        crate::model::AttrValue::Text(t) => t.trim().to_owned(),
                        other => other.to_string(),
                    };
                    match cut {
                        // A year, month or day of something that is not a
                        // date would be nonsense ("15/0" of "15/02/2023").
                        Some(_) if !crate::model::is_date(&text) => NOT_A_DATE.to_owned(),
                        Some(n) => text.chars().take(*n).collect(),
                        None => text,
                    }
                }
            },
        }
    }

    /// A name for headings and JSON ("date:month", "status").
    pub fn name(&self) -> String {
        match self {
            GroupBy::Status => "status".to_owned(),
            GroupBy::Field { key, cut } => match cut {
                Some(4) => format!("{key}:year"),
                Some(7) => format!("{key}:month"),
                Some(10) => format!("{key}:day"),
                _ => key.clone(),
            },
        }
    }
}

/// The group of documents without the field.
pub const NONE: &str = "(none)";
/// The group of documents whose field is not a date, grouped by a date unit.
pub const NOT_A_DATE: &str = "(not a date)";

/// The figures of one group of documents.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Group {
    pub value: String,
    pub documents: usize,
    pub annotations: usize,
    /// Label id → annotations.
    pub by_label: BTreeMap<String, usize>,
}

/// Documents grouped by `by`, in order of value ("(none)" last), each
/// with its annotations per label (every label of the schema, zeros too).
/// Values are grouped accents and case aside, as the document filter
/// matches them ("Le Monde" and "le monde" are one outlet), and shown as
/// most often written.
pub fn grouped(project: &Project, by: &GroupBy) -> Vec<Group> {
    // Folded value → the group, and each written form's count.
    let mut groups: BTreeMap<String, (Group, HashMap<String, usize>)> = BTreeMap::new();
    let labels: BTreeMap<String, usize> = project.schema.labels.iter().map(|l| (l.id.clone(), 0)).collect();
    for doc in &project.documents {
        let value = by.group_of(doc);
        let (g, forms) = groups.entry(fold_str_for_search(&value)).or_insert_with(|| {
            let group = Group {
                by_label: labels.clone(),
                ..Group::default()
            };
            (group, HashMap::new())
        });
        *forms.entry(value).or_default() += 1;
        g.documents += 1;
        for a in project.annotations_of(&doc.id) {
            g.annotations += 1;
            *g.by_label.entry(a.label.clone()).or_default() += 1;
        }
    }
    let odd = groups.remove(&fold_str_for_search(NOT_A_DATE));
    let none = groups.remove(&fold_str_for_search(NONE));
    groups
        .into_values()
        .chain(odd)
        .chain(none)
        .map(|(mut g, forms)| {
            g.value = most_written(forms).unwrap_or_default();
            g
        })
        .collect()
}

/// Of the written forms of one folded value, with their counts, the one
/// written most often (the first in order on a tie).
fn most_written<F: Ord>(forms: HashMap<F, usize>) -> Option<F> {
    forms
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(form, _)| form)
}

/// Documents per status, every status named (zeros too).
pub fn by_status(project: &Project) -> BTreeMap<&'static str, usize> {
    let mut out: BTreeMap<&'static str, usize> = Status::ALL.iter().map(|s| (s.name(), 0)).collect();
    for d in &project.documents {
        *out.entry(d.status.name()).or_default() += 1;
    }
    out
}

/// The `n` texts tagged most often with `label` (accents and case aside,
/// shown as most often written), with their counts, most frequent first.
pub fn top_texts(project: &Project, label: &str, n: usize) -> Vec<(String, usize)> {
    // Folded text → (count, each written form's count).
    let mut seen: HashMap<String, (usize, HashMap<&str, usize>)> = HashMap::new();
    for a in project.annotations().iter().filter(|a| a.label == label) {
        let key = fold_str_for_search(a.text.trim());
        let entry = seen.entry(key).or_default();
        entry.0 += 1;
        *entry.1.entry(a.text.trim()).or_default() += 1;
    }
    let mut out: Vec<(String, usize)> = seen
        .into_values()
        .map(|(count, forms)| (most_written(forms).unwrap_or_default().to_owned(), count))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out.truncate(n);
    out
}

/// The document fields worth grouping by: every declared document
/// attribute (dates by month), then free fields found on documents.
pub fn groupings(project: &Project) -> Vec<GroupBy> {
    let mut out = vec![GroupBy::Status];
    let declared = project
        .schema
        .attributes
        .iter()
        .filter(|a| a.on.contains(&crate::model::AttrTarget::Document));
    for a in declared {
        // A date by month, year or day; anything else by its value.
        let cuts: &[Option<usize>] = if a.kind == AttrKind::Date {
            &[Some(7), Some(4), Some(10)]
        } else {
            &[None]
        };
        out.extend(cuts.iter().map(|&cut| GroupBy::Field { key: a.id.clone(), cut }));
    }
    let mut free: Vec<&String> = project
        .documents
        .iter()
        .flat_map(|d| d.attrs.keys())
        .filter(|k| project.schema.attribute(k).is_none())
        .collect();
    free.sort();
    free.dedup();
    out.extend(free.into_iter().map(|k| GroupBy::Field {
        key: k.clone(),
        cut: None,
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Project {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_projects/karabakh/karabakh.ron");
        crate::persist::load(&path).expect("sample loads").project
    }

    #[test]
    fn documents_are_grouped_by_a_field_a_month_or_their_status() {
        let p = sample();
        let by_outlet = grouped(&p, &GroupBy::parse("outlet").unwrap());
        let values: Vec<&str> = by_outlet.iter().map(|g| g.value.as_str()).collect();
        assert_eq!(
            values,
            ["Overt Defence", "Wikipédia", NONE],
            "the one without an outlet last"
        );
        assert_eq!(by_outlet.iter().map(|g| g.documents).sum::<usize>(), p.documents.len());
        assert_eq!(
            by_outlet.iter().map(|g| g.annotations).sum::<usize>(),
            p.annotations().len()
        );
        let wiki = &by_outlet[1];
        let claims: usize = p
            .documents
            .iter()
            .filter(|d| d.attrs.get("outlet").is_some_and(|v| v.to_string() == "Wikipédia"))
            .map(|d| p.annotations_of(&d.id).iter().filter(|a| a.label == "claim").count())
            .sum();
        assert_eq!(wiki.by_label["claim"], claims);
        // A date by year: 2020-09 and 2023-09 become 2020 and 2023.
        let by_year = grouped(&p, &GroupBy::parse("date:year").unwrap());
        let values: Vec<&str> = by_year.iter().map(|g| g.value.as_str()).collect();
        assert_eq!(values, ["2020", "2023", NONE]);
        let by_status = grouped(&p, &GroupBy::parse("status").unwrap());
        assert_eq!(by_status.iter().map(|g| g.documents).sum::<usize>(), 4);
        // One outlet however it is typed, named as most often written.
        let mut p = p;
        let spellings = ["Le Monde", "le monde", "Le Monde", "LE MONDE"];
        for (doc, outlet) in p.documents.iter_mut().zip(spellings) {
            doc.attrs
                .insert("outlet".into(), crate::model::AttrValue::Text(outlet.into()));
        }
        let by_outlet = grouped(&p, &GroupBy::parse("outlet").unwrap());
        assert_eq!(by_outlet.len(), 1, "{by_outlet:?}");
        assert_eq!(by_outlet[0].value, "Le Monde");
        assert_eq!(by_outlet[0].documents, 4);
        assert!(GroupBy::parse("date:week").is_err());
        assert!(GroupBy::parse(":month").is_err());
        assert_eq!(GroupBy::parse("date:month").unwrap().name(), "date:month");
    }

    #[test]
    fn the_most_frequent_texts_fold_case_and_accents() {
        let p = sample();
        let top = top_texts(&p, "actor", 5);
        assert_eq!(top.len(), 5);
        assert!(top.windows(2).all(|w| w[0].1 >= w[1].1), "{top:?}");
        let folded = |s: &str| fold_str_for_search(s.trim());
        let count = |t: &str| {
            p.annotations()
                .iter()
                .filter(|a| a.label == "actor" && folded(&a.text) == folded(t))
                .count()
        };
        for (text, n) in &top {
            assert_eq!(*n, count(text), "{text}");
        }
        assert!(by_status(&p).values().sum::<usize>() == 4);
    }
}
