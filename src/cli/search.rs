//! `marginalia search`: every occurrence of a word, a phrase or a regular
//! expression across a project's documents, with context and state (read
//! only, never writing).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use marginalia::persist;
use marginalia::search::{self, HitState, Matcher, Query};

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The project file.
    project: PathBuf,
    /// What to look for: a word or a phrase (accents and case aside unless
    /// --case), or a regular expression with --regex.
    query: String,
    /// QUERY is a regular expression (Rust `regex` syntax; case-insensitive
    /// unless --case, accents as written).
    #[arg(long)]
    regex: bool,
    /// Only hits that are whole words (`armée` in « l’armée », not in « armées »).
    #[arg(long)]
    word: bool,
    /// Case (and accents, for a word or phrase) must match.
    #[arg(long)]
    case: bool,
    /// Search only the documents that match: text found in the id, title,
    /// path or a metadata value; or FIELD=VALUE (`outlet=Wikipédia`,
    /// `date=2023`), `status=done`, `label=claim`, `suggested=yes|no|LABEL` (has open
    /// suggestions). Repeatable: all must match.
    #[arg(long = "doc-filter", value_name = "FILTER")]
    doc_filter: Vec<String>,
    /// Characters of context either side of a hit.
    #[arg(long, default_value_t = 40)]
    context: usize,
    /// Stop after this many hits.
    #[arg(long)]
    limit: Option<usize>,
    /// Print JSON: {"query", "documents_searched", "total", "truncated",
    /// "hits": [{"doc", "start", "end", "text", "left", "right", "state"
    /// (untagged, suggested or tagged), "labels", "suggested", "inside" (labels of
    /// the longer annotations the hit is part of)}]} (offsets in code points, half-open).
    #[arg(long)]
    json: bool,
}

/// Exits 0 with hits, 1 with none, 2 on trouble (as grep does).
pub fn search(args: SearchArgs) -> ExitCode {
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {}", super::error_message(&e));
            ExitCode::from(2)
        }
    }
}

fn run(args: &SearchArgs) -> anyhow::Result<bool> {
    let query = Query {
        pattern: args.query.clone(),
        regex: args.regex,
        whole_word: args.word,
        case_sensitive: args.case,
    };
    let matcher = Matcher::for_corpus(&query)?;
    let loaded = persist::load(&args.project)?;
    if !loaded.problems.is_empty() {
        eprintln!(
            "note: {} has {} problem(s) (`marginalia validate` lists them); searching the texts as they are",
            args.project.display(),
            loaded.problems.len()
        );
    }
    let project = &loaded.project;
    for f in &args.doc_filter {
        if let Some(why) = search::filter_problem(project, f) {
            eprintln!("note: --doc-filter {f:?} cannot match: {why}");
        }
    }
    let filters: Vec<search::DocFilter> = args
        .doc_filter
        .iter()
        .map(|f| search::DocFilter::new(project, f))
        .collect();
    let keep = |d: &marginalia::model::Document| filters.iter().all(|f| f.matches(project, d));
    let found = search::search(
        project,
        &matcher,
        &keep,
        &|_| None,
        args.limit.unwrap_or(search::MAX_HITS),
    );
    // Each document's longest annotation, once.
    let mut reach: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let rows = found.hits.iter().map(|h| {
        let text = project.document(&h.doc).map(|d| d.text.clone()).unwrap_or_default();
        let (left, hit, right) = search::context(&text, h.range(), args.context);
        let reach = *reach
            .entry(h.doc.as_str())
            .or_insert_with(|| marginalia::model::longest(project.annotations_of(&h.doc)));
        let inside = search::inside_labels(project, h, reach);
        (h, left, hit, right, search::hit_state(project, h), inside)
    });
    if args.json {
        let hits: Vec<serde_json::Value> = rows
            .map(|(h, left, text, right, state, inside)| {
                let (labels, suggested) = match &state {
                    HitState::Untagged => (Vec::new(), Vec::new()),
                    HitState::Suggested(l) => (Vec::new(), l.clone()),
                    HitState::Tagged(l) => (l.clone(), Vec::new()),
                };
                serde_json::json!({
                    "doc": h.doc,
                    "start": h.start,
                    "end": h.end,
                    "text": text,
                    "left": left,
                    "right": right,
                    "state": state.name(),
                    "labels": labels,
                    "suggested": suggested,
                    "inside": inside,
                })
            })
            .collect();
        let out = serde_json::json!({
            "query": args.query,
            "documents_searched": found.documents,
            "total": hits.len(),
            "truncated": found.truncated,
            "hits": hits,
        });
        outln!("{out}");
    } else {
        for (h, left, text, right, state, inside) in rows {
            let inside = if inside.is_empty() {
                String::new()
            } else {
                format!(" (inside {})", inside.join(", "))
            };
            outln!(
                "{}\t[{}, {})\t{left}[{text}]{right}\t{}{inside}",
                h.doc,
                h.start,
                h.end,
                state.describe()
            );
        }
        let docs: std::collections::BTreeSet<&str> = found.hits.iter().map(|h| h.doc.as_str()).collect();
        let in_scope = project.documents.iter().filter(|d| keep(d)).count();
        let scope = if args.doc_filter.is_empty() {
            marginalia::model::plural(in_scope, "document")
        } else {
            format!("{} the filter keeps", marginalia::model::plural(in_scope, "document"))
        };
        if found.truncated {
            eprintln!(
                "the first {} (stopped at the limit of {}), in {}; {} of the {scope} searched",
                marginalia::model::plural(found.hits.len(), "hit"),
                args.limit.unwrap_or(search::MAX_HITS),
                marginalia::model::plural(docs.len(), "document"),
                found.documents,
            );
        } else {
            eprintln!(
                "{} in {} of the {scope}",
                marginalia::model::plural(found.hits.len(), "hit"),
                docs.len(),
            );
        }
    }
    Ok(!found.hits.is_empty())
}
