//! `marginalia suggest`: pre-annotation from a gazetteer or from the
//! project's own tags. Adds what it finds to the project's suggestion
//! layer (to accept or reject in the workbench), or with `--accept-all`
//! tags it in one step, each annotation keeping where it came from;
//! `--dry-run` only lists.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Args};
use marginalia::model::Suggestion;
use marginalia::model::Timestamp;
use marginalia::search::suggest;

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("source").required(true).args(["from_project", "gazetteer"])))]
pub struct SuggestArgs {
    /// The project file.
    project: PathBuf,
    /// Suggest every text the project tags somewhere, with its label,
    /// wherever else it occurs untagged.
    #[arg(long)]
    from_project: bool,
    /// A list of terms: TERM<TAB>LABEL[<TAB>ENTITY[<TAB>exact]] a line
    /// (commas for a .csv). Accents and case aside unless `exact`.
    #[arg(long, value_name = "FILE")]
    gazetteer: Option<PathBuf>,
    /// Only the documents that match (as `search --doc-filter`); repeatable.
    #[arg(long = "doc-filter", value_name = "FILTER")]
    doc_filter: Vec<String>,
    /// Tag every suggestion (those found now and those of this source
    /// still open), in one step, and save (each annotation keeps its source
    /// and term in its meta: suggested_by, pattern). Without it, what is
    /// found is added to the project's suggestions, to accept or reject in
    /// the workbench.
    #[arg(long, conflicts_with = "dry_run")]
    accept_all: bool,
    /// List what would be suggested; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print JSON: {"total", "by_source": {SOURCE: {LABEL: N}}, "stored",
    /// "accepted", "rejected_rivals" (other sources' suggestions of other
    /// boundaries for what was tagged), "suggestions": [{"doc", "start", "end", "text", "label",
    /// "source", "pattern", "entity"}]} (offsets in code points; the
    /// suggestions found now: a span offered before with the label, by any
    /// source, open or rejected, is not offered again).
    #[arg(long)]
    json: bool,
}

pub fn suggest(args: SuggestArgs) -> anyhow::Result<ExitCode> {
    // Checked as any edit, even to list: the list is what --accept-all
    // would add to this very file. Locked unless only listing (which
    // writes nothing, not even the lock).
    let mut session = if args.dry_run {
        super::annotate::refuse_problems(marginalia::session::Session::open(&args.project)?, &args.project)?
    } else {
        super::annotate::open_for_editing(&args.project)?
    };
    let project = session.project();
    let (patterns, source) = match &args.gazetteer {
        Some(file) => suggest::load_gazetteer(file, project)?,
        None => (suggest::project_patterns(project), "project".to_owned()),
    };
    if patterns.is_empty() {
        eprintln!(
            "note: {}",
            match &args.gazetteer {
                Some(file) => format!("{} has no terms", file.display()),
                None => "nothing is tagged yet: tag a few spans, then suggest them elsewhere".to_owned(),
            }
        );
    }
    let filters: Vec<marginalia::search::DocFilter> = args
        .doc_filter
        .iter()
        .map(|f| marginalia::search::DocFilter::new(project, f))
        .collect();
    let keep = |d: &marginalia::model::Document| filters.iter().all(|f| f.matches(project, d));
    let found = suggest::suggest(project, &patterns, &source, &keep);
    let counts = suggest::counts(&found);
    let listed: Vec<serde_json::Value> = found.iter().map(suggestion_json).collect();
    let (mut accepted, mut stored, mut rivals) = (0, 0, 0);
    if args.accept_all {
        let mut all = found.clone();
        all.extend(
            project
                .open_suggestions()
                .filter(|s| s.source == source)
                .filter(|s| project.document(&s.doc).is_some_and(&keep))
                .cloned(),
        );
        if !all.is_empty() {
            let step = suggest::accept_step(project, &all, &session.author, Timestamp::now())?;
            accepted = step.tagged;
            rivals = step.rivals.len();
            if step.tagged + step.accepted.len() + step.rivals.len() > 0 {
                session.apply(step.command)?;
                super::annotate::save(&mut session)?;
            }
        }
    } else if !args.dry_run && !found.is_empty() {
        stored = found.len();
        session.apply(suggest::store(found.clone()))?;
        super::annotate::save(&mut session)?;
    }
    if args.json {
        let out = serde_json::json!({
            "total": found.len(),
            "by_source": counts,
            "stored": stored,
            "accepted": accepted,
            "rejected_rivals": rivals,
            "suggestions": listed,
        });
        outln!("{out}");
        return Ok(ExitCode::SUCCESS);
    }
    if !args.accept_all {
        for s in &listed {
            outln!(
                "{}\t[{}, {})\t{}\t{:?}",
                s["doc"].as_str().unwrap_or_default(),
                s["start"],
                s["end"],
                s["label"].as_str().unwrap_or_default(),
                s["text"].as_str().unwrap_or_default()
            );
        }
    }
    for (source, labels) in &counts {
        let list: Vec<String> = labels.iter().map(|(l, n)| format!("{l} {n}")).collect();
        outln!("{source}: {}", list.join(", "));
    }
    outln!(
        "{} from {} term(s){}",
        marginalia::model::plural(found.len(), "suggestion"),
        patterns.len(),
        if args.accept_all && accepted + rivals == 0 {
            "; nothing to tag, nothing written".to_owned()
        } else if args.accept_all && rivals > 0 {
            format!(
                "; {accepted} tagged and saved, and {} of other boundaries for the same spans rejected",
                marginalia::model::plural(rivals, "suggestion")
            )
        } else if args.accept_all {
            format!("; {accepted} tagged and saved")
        } else if args.dry_run {
            "; nothing written (--dry-run)".to_owned()
        } else if stored > 0 {
            "; added to the project's suggestions, to accept or reject in the workbench (--accept-all tags them)"
                .to_owned()
        } else {
            "; nothing new".to_owned()
        }
    );
    Ok(ExitCode::SUCCESS)
}

fn suggestion_json(s: &Suggestion) -> serde_json::Value {
    serde_json::json!({
        "doc": s.doc,
        "start": s.start,
        "end": s.end,
        "text": s.text,
        "label": s.label,
        "source": s.source,
        "pattern": s.pattern,
        "entity": s.entity,
    })
}
