//! `marginalia agree`: inter-annotator agreement between copies of a project.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use clap::Args;
use marginalia::agreement::{self, Figures, Options, PairReport};
use marginalia::model::{Project, shorten};
use marginalia::persist::{self, load::describe};

#[derive(Debug, Args)]
pub struct AgreeArgs {
    /// Two or more project files: copies of the same documents annotated by different people.
    /// The first is the reference for precision and recall. With --suggestions, one is enough.
    #[arg(required = true, num_args = 1..)]
    projects: Vec<PathBuf>,
    /// Add the suggestions of SOURCE (e.g. model:spacy) in the first project, with the
    /// annotations accepted from it, as one more annotator: the model's precision, recall
    /// and F1 against the people's annotations. Without a value, the only source there is.
    #[arg(long, value_name = "SOURCE", num_args = 0..=1, default_missing_value = "")]
    suggestions: Option<String>,
    /// With --suggestions, the documents the source is scored on: those it has suggestions
    /// for (a model run on part of the corpus is not charged with the rest), or those and
    /// every document people tagged with its labels (where it found nothing, it missed
    /// them), or all.
    #[arg(long, value_enum, default_value_t = Scope::Suggested, requires = "suggestions")]
    documents: Scope,
    /// Print {"pairs": [{"a", "b", "overall": {"f1_exact", "f1_overlap", "kappa_char", "alpha_char",
    /// "alpha_u", ...}, "by_label", "by_document", "confusion", "disagreements", ...}], "mean": {...}};
    /// a figure that cannot be computed is null, with its reason under "undefined".
    #[arg(long)]
    json: bool,
    /// Only these labels (comma-separated label ids).
    #[arg(long, value_delimiter = ',')]
    labels: Option<Vec<String>>,
    /// Disagreements listed per pair in the text report.
    #[arg(long, default_value_t = 20)]
    show: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Scope {
    Suggested,
    Annotated,
    All,
}

pub fn agree(mut args: AgreeArgs) -> anyhow::Result<ExitCode> {
    let mut projects: Vec<(String, Project)> = Vec::new();
    for path in &args.projects {
        let loaded = persist::load(path)?;
        if !loaded.problems.is_empty() {
            for problem in &loaded.problems {
                eprintln!("{}", describe(path, problem));
            }
            bail!(
                "{} has {} problem(s); agreement needs exact offsets, so fix them first (see `marginalia validate`)",
                path.display(),
                loaded.problems.len()
            );
        }
        projects.push((path.display().to_string(), loaded.project));
    }
    if let Some(wanted) = &args.suggestions {
        let first = &projects[0].1;
        let sources = marginalia::search::predictions::sources(first);
        let source = if wanted.is_empty() {
            match sources.as_slice() {
                [one] => one.clone(),
                [] => bail!("{} has no suggestions", args.projects[0].display()),
                many => bail!(
                    "{} has suggestions from {} sources; name one: --suggestions {}",
                    args.projects[0].display(),
                    many.len(),
                    many.join(" | ")
                ),
            }
        } else if sources.contains(wanted) {
            wanted.clone()
        } else {
            bail!(
                "{} has no suggestions from {wanted:?} (sources: {})",
                args.projects[0].display(),
                if sources.is_empty() {
                    "none".to_owned()
                } else {
                    sources.join(", ")
                }
            )
        };
        use marginalia::search::predictions::{as_annotator, documents_of, restrict};
        let model = as_annotator(first, &source);
        // Scored on the labels it predicts, unless --labels says otherwise:
        // a model of actors is not charged with the events.
        let labels = match &args.labels {
            Some(labels) => labels.clone(),
            None => {
                let mut labels: Vec<String> = model.annotations().iter().map(|a| a.label.clone()).collect();
                labels.sort_unstable();
                labels.dedup();
                eprintln!("on its label(s): {} (--labels to choose)", labels.join(", "));
                labels
            }
        };
        let suggested = documents_of(first, &source);
        let annotated: std::collections::BTreeSet<String> = first
            .annotations()
            .iter()
            .filter(|a| labels.contains(&a.label))
            .map(|a| a.doc.clone())
            .collect();
        let docs = match args.documents {
            Scope::Suggested => {
                let missed = annotated.difference(&suggested).count();
                if missed > 0 {
                    eprintln!(
                        "note: {} tagged with these labels {} no suggestions from {source} and {} left out \
                         (--documents annotated counts what people tagged there as missed)",
                        marginalia::model::plural(missed, "document"),
                        if missed == 1 { "has" } else { "have" },
                        if missed == 1 { "is" } else { "are" },
                    );
                }
                suggested
            }
            Scope::Annotated => suggested.union(&annotated).cloned().collect(),
            Scope::All => first.documents.iter().map(|d| d.id.clone()).collect(),
        };
        eprintln!(
            "{source} against the people's annotations, on {}",
            marginalia::model::plural(docs.len(), "document")
        );
        let model = restrict(&model, &docs);
        for (_, p) in &mut projects {
            *p = restrict(p, &docs);
        }
        args.labels = Some(labels);
        projects.push((format!("{} [{source}]", args.projects[0].display()), model));
    } else if projects.len() < 2 {
        // A usage error, as clap's own (exit 2).
        eprintln!("error: agreement needs two projects or more (or one, with --suggestions)");
        return Ok(ExitCode::from(2));
    }
    if let Some(labels) = &args.labels
        && let Some(unknown) = labels
            .iter()
            .find(|l| !projects.iter().any(|(_, p)| p.schema.contains(l)))
    {
        let mut known: Vec<&str> = projects
            .iter()
            .flat_map(|(_, p)| p.schema.labels.iter().map(|l| l.id.as_str()))
            .collect();
        known.sort_unstable();
        known.dedup();
        bail!(
            "no label {unknown:?} in any of the projects (labels: {})",
            known.join(", ")
        );
    }
    let options = Options { labels: args.labels };
    let annotators: Vec<(String, &Project)> = projects.iter().map(|(n, p)| (n.clone(), p)).collect();
    let report = agreement::agree(&annotators, &options);
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    for pair in &report.pairs {
        print_pair(pair, &projects, args.show)?;
    }
    if report.pairs.len() > 1 {
        outln!("mean over {} pairs", report.pairs.len());
        header()?;
        row("overall", &report.mean.0, false)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The authors of a project's annotations, most frequent first.
fn authors(p: &Project) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for a in p.annotations() {
        match counts.iter_mut().find(|(n, _)| *n == a.author) {
            Some((_, c)) => *c += 1,
            None => counts.push((a.author.clone(), 1)),
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts
        .into_iter()
        .take(3)
        .map(|(n, _)| n)
        .collect::<Vec<_>>()
        .join(", ")
}

fn header() -> std::io::Result<()> {
    outln!(
        "  {:<28} {:>8} {:>8} {:>8} {:>8} {:>8} {:>6} {:>6}",
        "",
        "F1 exact",
        "F1 ovlp",
        "kappa",
        "alpha",
        "alpha_U",
        "A",
        "B"
    );
    Ok(())
}

fn row(name: &str, f: &Figures, counts: bool) -> std::io::Result<()> {
    let name: String = name.chars().take(28).collect();
    let (a, b) = if counts {
        (f.annotations_a.to_string(), f.annotations_b.to_string())
    } else {
        (String::new(), String::new())
    };
    outln!(
        "  {name:<28} {:>8} {:>8} {:>8} {:>8} {:>8} {a:>6} {b:>6}",
        f.f1_exact.to_string(),
        f.f1_overlap.to_string(),
        f.kappa_char.to_string(),
        f.alpha_char.to_string(),
        f.alpha_u.to_string()
    );
    Ok(())
}

fn print_pair(pair: &PairReport, projects: &[(String, Project)], show: usize) -> std::io::Result<()> {
    let who = |name: &str| {
        projects
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| authors(p))
            .unwrap_or_default()
    };
    outln!("A: {} ({})", pair.a, who(&pair.a));
    outln!("B: {} ({})", pair.b, who(&pair.b));
    let mut left_out = Vec::new();
    if !pair.only_in_a.is_empty() {
        left_out.push(format!("only in A: {}", pair.only_in_a.join(", ")));
    }
    if !pair.only_in_b.is_empty() {
        left_out.push(format!("only in B: {}", pair.only_in_b.join(", ")));
    }
    if !pair.text_differs.is_empty() {
        left_out.push(format!("text differs: {}", pair.text_differs.join(", ")));
    }
    outln!(
        "{} shared document(s){}",
        pair.documents.len(),
        if left_out.is_empty() {
            String::new()
        } else {
            format!("; left out: {}", left_out.join("; "))
        }
    );
    outln!();
    header()?;
    row("overall", &pair.overall, true)?;
    for label in &pair.labels {
        if let Some(f) = pair.by_label.get(label) {
            row(label, f, true)?;
        }
    }
    outln!(
        "  macro F1 over labels: exact {}, overlap {}",
        pair.f1_exact_macro,
        pair.f1_overlap_macro
    );

    let r = &pair.relations;
    if r.relations_a + r.relations_b > 0 {
        outln!(
            "\nrelations ({} in A, {} in B): F1 exact {}, overlap {}",
            r.relations_a,
            r.relations_b,
            r.f1_exact,
            r.f1_overlap
        );
        for (kind, f) in &r.by_type {
            outln!("  {kind:<24} exact {}, overlap {}", f.f1_exact, f.f1_overlap);
        }
    }
    if !pair.attributes.is_empty() {
        outln!("\nattributes on aligned spans both gave them:");
        for (key, f) in &pair.attributes {
            outln!("  {key:<24} kappa {}, alpha {} (n = {})", f.kappa, f.alpha, f.n);
        }
    }

    outln!("\nby document, most disagreement first:");
    let mut docs: Vec<(&String, &Figures)> = pair.by_document.iter().collect();
    docs.sort_by(|x, y| y.1.disagreement().total_cmp(&x.1.disagreement()).then(x.0.cmp(y.0)));
    header()?;
    for (id, f) in docs {
        row(id, f, true)?;
    }

    if !pair.confusion.is_empty() {
        outln!("\nlabels on identical spans (rows: A, columns: B):");
        let width = pair.labels.iter().map(|l| l.chars().count()).max().unwrap_or(5).max(5);
        out!("  {:<width$}", "");
        for l in &pair.labels {
            out!(" {l:>width$}");
        }
        outln!();
        for la in &pair.labels {
            out!("  {la:<width$}");
            for lb in &pair.labels {
                let n = pair.confusion.get(la).and_then(|r| r.get(lb)).copied().unwrap_or(0);
                out!(" {n:>width$}");
            }
            outln!();
        }
    }

    let total = pair.disagreements.len();
    outln!(
        "\n{total} disagreement(s){}",
        if total > show {
            format!(", the first {show} (--json lists all)")
        } else {
            String::new()
        }
    );
    for d in pair.disagreements.iter().take(show) {
        let span = |s: &Option<agreement::SpanRef>| match s {
            Some(s) => format!("[{}, {}) {} “{}”", s.start, s.end, s.label, one_line(&s.text, 40)),
            None => "—".to_owned(),
        };
        outln!(
            "  {}  {:<18} A {}   B {}",
            d.doc,
            d.kind.describe(),
            span(&d.a),
            span(&d.b)
        );
    }

    let undefined: Vec<String> = pair
        .overall
        .named()
        .iter()
        .filter_map(|(k, m)| m.reason().map(|r| format!("  {k}: {r}")))
        .collect();
    if !undefined.is_empty() {
        outln!("\nundefined (shown as —):");
        for u in undefined {
            outln!("{u}");
        }
    }
    outln!();
    Ok(())
}

/// `s` on one line, cut to `max` characters.
fn one_line(s: &str, max: usize) -> String {
    shorten(&s.replace(['\r', '\n'], " "), max)
}
