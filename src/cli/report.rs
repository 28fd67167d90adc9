//! `marginalia validate` and `marginalia stats`: reading a project and
//! reporting on it (never writing).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use marginalia::model::shorten;
use marginalia::persist::{self, load::describe};
use marginalia::search::figures;
use serde::Serialize;

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// The project file.
    project: PathBuf,
    /// Print `{"documents", "annotations", "by_label", "by_document",
    /// "by_status", "top_texts", "suggestions", ...}` as JSON (with --by, "by" too).
    #[arg(long)]
    json: bool,
    /// Group the documents by a metadata field and count annotations per
    /// label in each group: FIELD (`outlet`), FIELD:year|month|day for a
    /// date (`date:month`), or `status`.
    #[arg(long, value_name = "FIELD")]
    by: Option<String>,
    /// How many of each label's most frequent texts to list.
    #[arg(long, default_value_t = 10)]
    top: usize,
}

pub fn validate(path: &Path) -> anyhow::Result<ExitCode> {
    let loaded = match persist::load(path) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    for (doc, how) in &loaded.decodings {
        outln!("note: document {doc:?} {how}");
    }
    // Not a problem with the file (it is valid), but worth knowing before
    // exporting or measuring agreement: a merge left choices open.
    let conflicts: Vec<_> = loaded
        .project
        .annotations()
        .iter()
        .chain(&loaded.project.orphans)
        .filter(|a| marginalia::merge::has_conflict(a))
        .collect();
    if let Some(first) = conflicts.first() {
        outln!(
            "note: {} annotation(s) carry an unresolved merge conflict (meta \"conflict\"), the first {} in {:?}; resolve them in the workbench (Review → Next merge conflict)",
            conflicts.len(),
            first.id,
            first.doc
        );
    }
    // Warnings (work in progress: a required attribute not yet set, an
    // undeclared key) are listed and do not fail the file.
    for warning in &loaded.warnings {
        outln!("warning: {}", describe(path, warning));
    }
    if loaded.problems.is_empty() {
        let p = &loaded.project;
        let relations = if p.relations().is_empty() {
            String::new()
        } else {
            format!(", {} relations", p.relations().len())
        };
        let warnings = if loaded.warnings.is_empty() {
            String::new()
        } else {
            format!("; {} warning(s)", loaded.warnings.len())
        };
        outln!(
            "{}: OK ({} documents, {} annotations{relations}, {} labels{warnings})",
            path.display(),
            p.documents.len(),
            p.annotations().len(),
            p.schema.labels.len()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        for problem in &loaded.problems {
            outln!("{}", describe(path, problem));
        }
        eprintln!("{}: {} problem(s)", path.display(), loaded.problems.len());
        Ok(ExitCode::FAILURE)
    }
}

/// The JSON shape of `stats --json`.
#[derive(Serialize)]
struct Stats {
    documents: usize,
    annotations: usize,
    by_label: BTreeMap<String, usize>,
    by_document: BTreeMap<String, usize>,
    relations: usize,
    /// Relation type → count (every declared type, used or not).
    by_relation: BTreeMap<String, usize>,
    /// Attribute key → value → count, over annotations, relations and
    /// documents (a multi-choice value counts once per listed value).
    attributes: BTreeMap<String, BTreeMap<String, usize>>,
    /// Status → documents (every status, zeros too).
    by_status: BTreeMap<&'static str, usize>,
    /// Label → its most frequent texts, `[text, count]`, most frequent first
    /// (accents and case aside).
    top_texts: BTreeMap<String, Vec<(String, usize)>>,
    /// With --by: `{"field", "groups": [{"value", "documents", "annotations", "by_label"}]}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<ByJson>,
    /// The suggestion layer, counted apart from the annotations: `{"open",
    /// "rejected", "documents", "by_source": {SOURCE: open}}`.
    suggestions: SuggestionsJson,
}

#[derive(Serialize)]
struct SuggestionsJson {
    open: usize,
    rejected: usize,
    /// Documents with an open suggestion.
    documents: usize,
    by_source: BTreeMap<String, usize>,
}

#[derive(Serialize)]
struct ByJson {
    field: String,
    groups: Vec<figures::Group>,
}

/// Relations by type and attribute values by key, as `stats` counts them.
fn structure_counts(
    p: &marginalia::model::Project,
) -> (BTreeMap<String, usize>, BTreeMap<String, BTreeMap<String, usize>>) {
    let mut by_relation: BTreeMap<String, usize> = p.schema.relation_types.iter().map(|t| (t.id.clone(), 0)).collect();
    for r in p.relations() {
        *by_relation.entry(r.kind.clone()).or_default() += 1;
    }
    let mut attributes: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let all = p
        .annotations()
        .iter()
        .map(|a| &a.attrs)
        .chain(p.relations().iter().map(|r| &r.attrs))
        .chain(p.documents.iter().map(|d| &d.attrs));
    for attrs in all {
        for (key, value) in attrs {
            let counts = attributes.entry(key.clone()).or_default();
            for v in value.strings() {
                *counts.entry(v).or_default() += 1;
            }
        }
    }
    (by_relation, attributes)
}

pub fn stats(args: StatsArgs) -> anyhow::Result<ExitCode> {
    let loaded = persist::load(&args.project)?;
    if !loaded.problems.is_empty() {
        eprintln!(
            "warning: {} has {} problem(s); run `marginalia validate` to list them",
            args.project.display(),
            loaded.problems.len()
        );
    }
    let p = &loaded.project;
    let mut by_label: BTreeMap<String, usize> = p.schema.labels.iter().map(|l| (l.id.clone(), 0)).collect();
    for a in p.annotations() {
        *by_label.entry(a.label.clone()).or_default() += 1;
    }
    let by_document: BTreeMap<String, usize> = p
        .documents
        .iter()
        .map(|d| (d.id.clone(), p.annotations_of(&d.id).len()))
        .collect();
    let (by_relation, attributes) = structure_counts(p);
    let grouping = args
        .by
        .as_deref()
        .map(figures::GroupBy::parse)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    if let Some(figures::GroupBy::Field { key, .. }) = &grouping
        && !p.documents.iter().any(|d| d.attrs.contains_key(key))
    {
        eprintln!("note: no document has a field {key:?}; every document is in \"(none)\"");
    }
    let groups = grouping.as_ref().map(|g| figures::grouped(p, g));
    let top_texts: BTreeMap<String, Vec<(String, usize)>> = p
        .schema
        .labels
        .iter()
        .map(|l| (l.id.clone(), figures::top_texts(p, &l.id, args.top)))
        .collect();
    let counts = marginalia::search::layer::Counts::of(p);
    let suggestions = SuggestionsJson {
        open: counts.open,
        rejected: counts.rejected,
        documents: counts.documents(),
        by_source: counts.sources().into_iter().map(|(s, n)| (s.to_owned(), n)).collect(),
    };
    if args.json {
        let stats = Stats {
            documents: p.documents.len(),
            annotations: p.annotations().len(),
            by_label,
            by_document,
            relations: p.relations().len(),
            by_relation,
            attributes,
            by_status: figures::by_status(p),
            top_texts,
            by: grouping.zip(groups).map(|(g, groups)| ByJson {
                field: g.name(),
                groups,
            }),
            suggestions,
        };
        outln!("{}", serde_json::to_string_pretty(&stats)?);
        return Ok(ExitCode::SUCCESS);
    }
    outln!("{} ({})", p.name, args.project.display());
    outln!("{} documents, {} annotations", p.documents.len(), p.annotations().len());
    outln!("\nby label:");
    for label in &p.schema.labels {
        outln!(
            "  {:<24} {:>7}",
            label.name,
            by_label.get(&label.id).copied().unwrap_or(0)
        );
    }
    for (id, n) in by_label.iter().filter(|(id, _)| !p.schema.contains(id)) {
        outln!("  {:<24} {:>7}  (not in the schema)", id, n);
    }
    if !p.schema.relation_types.is_empty() || !p.relations().is_empty() {
        outln!("\n{} relations, by type:", p.relations().len());
        for (kind, n) in &by_relation {
            let name = p.schema.relation_type(kind).map_or(kind.as_str(), |t| t.name.as_str());
            outln!("  {:<24} {:>7}", name, n);
        }
    }
    if suggestions.open + suggestions.rejected > 0 {
        let sources: Vec<String> = suggestions.by_source.iter().map(|(s, n)| format!("{s} {n}")).collect();
        outln!(
            "\nsuggestions (apart from the annotations): {} open in {}, {} rejected{}",
            suggestions.open,
            marginalia::model::plural(suggestions.documents, "document"),
            suggestions.rejected,
            if sources.is_empty() {
                String::new()
            } else {
                format!("; open by source: {}", sources.join(", "))
            }
        );
    }
    if !attributes.is_empty() {
        outln!("\nattribute values:");
        for (key, values) in &attributes {
            let list: Vec<String> = values.iter().map(|(v, n)| format!("{v} {n}")).collect();
            outln!("  {:<24} {}", key, shorten(&list.join(", "), 120));
        }
    }
    if let (Some(g), Some(groups)) = (&grouping, &groups) {
        outln!("\nby {}:", g.name());
        let labels: Vec<&str> = p.schema.labels.iter().map(|l| l.id.as_str()).collect();
        outln!(
            "  {:<24} {:>9} {:>11}  {}",
            "",
            "documents",
            "annotations",
            labels.join("  ")
        );
        for group in groups {
            let per: Vec<String> = labels
                .iter()
                .map(|l| group.by_label.get(*l).copied().unwrap_or(0).to_string())
                .collect();
            outln!(
                "  {:<24} {:>9} {:>11}  {}",
                shorten(&group.value, 24),
                group.documents,
                group.annotations,
                per.join("  ")
            );
        }
    }
    if top_texts.values().any(|t| !t.is_empty()) {
        outln!("\nmost frequent texts:");
        for label in &p.schema.labels {
            let list: Vec<String> = top_texts
                .get(&label.id)
                .into_iter()
                .flatten()
                .map(|(t, n)| format!("{} ({n})", shorten(t, 30)))
                .collect();
            if !list.is_empty() {
                outln!("  {:<24} {}", label.name, shorten(&list.join(", "), 160));
            }
        }
    }
    outln!("\nby document:");
    let width = p.documents.iter().map(|d| d.id.chars().count()).max().unwrap_or(0);
    for d in &p.documents {
        outln!(
            "  {:<width$}  {:<11} {:>7}  {}",
            d.id,
            d.status.name(),
            by_document.get(&d.id).copied().unwrap_or(0),
            d.title
        );
    }
    Ok(ExitCode::SUCCESS)
}
