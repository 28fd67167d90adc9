//! `marginalia export` and `marginalia import`: labeled datasets.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use marginalia::formats::{
    ExportOptions, Format, ImportOptions, OutputGuard, OverlapPolicy, Progress, Scheme, create_project,
};
use marginalia::model::{OffsetUnit, Status};
use marginalia::persist::{self, load::describe};
use marginalia::session::default_author;

const OFFSETS_HELP: &str = "Unit of start/end offsets: \
    codepoint = Unicode code points, what Python's text[start:end] expects (default); \
    utf16 = UTF-16 code units, what JavaScript, Java and doccano count; \
    byte = UTF-8 bytes (Rust, Go, C). \
    The unit is also written into every record";

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The project file.
    project: PathBuf,
    /// Output format: jsonl (one document per line, doccano-compatible), conll (token TAG),
    /// brat (standoff folder), csv (one row per annotation).
    #[arg(long, value_parser = ["jsonl", "conll", "brat", "csv"])]
    format: String,
    #[arg(long, value_enum, default_value = "codepoint", help = OFFSETS_HELP)]
    offsets: OffsetUnit,
    /// CoNLL tagging scheme.
    #[arg(long, value_enum, default_value = "iob2")]
    scheme: Scheme,
    /// CoNLL: which of overlapping annotations to keep in the one tag column
    /// (outer = the longest, inner = the shortest; ties to the earlier). Dropped ones are listed.
    #[arg(long, value_enum, default_value = "outer")]
    overlaps: OverlapPolicy,
    /// Only these labels (comma-separated label ids).
    #[arg(long, value_delimiter = ',')]
    labels: Option<Vec<String>>,
    /// Only documents with this status.
    #[arg(long, value_enum)]
    status: Option<Status>,
    /// Only annotations by this author.
    #[arg(long)]
    author: Option<String>,
    /// Output file (a folder for brat).
    #[arg(short, long)]
    output: PathBuf,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Input format: jsonl (Marginalia's or doccano's), conll, brat (folders or .ann files), text (.txt/.md).
    #[arg(long, value_parser = ["jsonl", "conll", "brat", "text"])]
    format: String,
    /// Files or folders to import.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    #[arg(
        long,
        value_enum,
        default_value = "codepoint",
        help = "Unit of offsets in JSONL records that do not state it in their meta: \
                  codepoint = Unicode code points, Python's text[start:end] (default); \
                  utf16 = UTF-16 code units (JavaScript, Java, doccano); byte = UTF-8 bytes"
    )]
    offsets: OffsetUnit,
    /// CoNLL tagging scheme of the input.
    #[arg(long, value_enum, default_value = "iob2")]
    scheme: Scheme,
    /// The project file to create (its folder is created if missing; documents are written beside it).
    #[arg(short, long, required_unless_present = "into", conflicts_with = "into")]
    output: Option<PathBuf>,
    /// An existing project to add the input's annotations to as suggestions
    /// (with --as-suggestions): a model's predictions to accept or reject.
    /// Documents are matched by their text; offsets carry over exactly.
    #[arg(long, value_name = "PROJECT", requires = "as_suggestions")]
    into: Option<PathBuf>,
    /// Add the annotations as suggestions of the --into project, not as annotations.
    #[arg(long, requires = "into")]
    as_suggestions: bool,
    /// The suggestions' source, recorded as model:NAME (default: the first input's file name without extension).
    #[arg(long, value_name = "NAME", requires = "as_suggestions")]
    model: Option<String>,
    /// Take the input's label FROM as the project's label TO (e.g. PER=actor); repeatable.
    #[arg(long = "label-map", value_name = "FROM=TO", requires = "as_suggestions")]
    label_map: Vec<String>,
    /// Store the predictions even when a fifth of them or more start or end inside a
    /// word (otherwise refused: their offsets are most likely in another unit).
    #[arg(long, requires = "as_suggestions")]
    keep_cut_spans: bool,
    /// Print what --as-suggestions did as JSON: {"source", "added", "tagged" (of
    /// those added, already tagged by people: kept, not offered), "already" (offered
    /// before, not added again), "unmatched_documents", "unknown_labels": {LABEL: N},
    /// "discontinuous", "inside_words" (of those added, spans that start or end inside
    /// a word)}.
    #[arg(long, requires = "as_suggestions")]
    json: bool,
    /// Author of imported annotations where the format carries none
    /// (default: $MARGINALIA_AUTHOR, else the user name).
    #[arg(long)]
    author: Option<String>,
    /// Project name (default: the output file name without extension).
    #[arg(long)]
    name: Option<String>,
    /// Import what is valid and list what was skipped, instead of refusing the whole input.
    #[arg(long)]
    lenient: bool,
}

/// Parses a value clap has already checked against its list.
fn checked<T>(value: &str, parse: impl Fn(&str) -> Option<T>) -> anyhow::Result<T> {
    parse(value).with_context(|| format!("unexpected value {value:?}"))
}

pub fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let format = checked(&args.format, Format::parse)?;
    let exporter = format.exporter().context("this format cannot be exported")?;
    let loaded = persist::load(&args.project)?;
    if !loaded.problems.is_empty() {
        for problem in &loaded.problems {
            eprintln!("{}", describe(&args.project, problem));
        }
        bail!(
            "{} has {} problem(s); an export must be exact, so fix them first (see `marginalia validate`, `marginalia reanchor`)",
            args.project.display(),
            loaded.problems.len()
        );
    }
    let project = loaded.project;
    if let Some(labels) = &args.labels
        && let Some(unknown) = labels.iter().find(|l| !project.schema.contains(l))
    {
        let known: Vec<&str> = project.schema.labels.iter().map(|l| l.id.as_str()).collect();
        bail!("no label {unknown:?} in the schema (labels: {})", known.join(", "));
    }
    let options = ExportOptions {
        offsets: args.offsets,
        scheme: args.scheme,
        overlaps: args.overlaps,
        labels: args.labels,
        status: args.status,
        author: args.author,
    };
    let export = exporter.export(&project, &options, &Progress::new())?;
    for warning in &export.warnings {
        eprintln!("warning: {warning}");
    }
    let guard = OutputGuard::new(Some(&args.project), &project);
    export
        .write(&args.output, &guard)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    let unit = match format {
        Format::Jsonl | Format::Csv => format!(", offsets in {}", options.offsets),
        Format::Brat => ", offsets in codepoint".to_owned(),
        Format::Conll => format!(", {} tags", options.scheme.name()),
        Format::Text => String::new(),
    };
    outln!(
        "exported {} document(s), {} annotation(s) to {} ({format}{unit})",
        export.documents,
        export.annotations,
        args.output.display()
    );
    if !export.warnings.is_empty() {
        eprintln!(
            "{} annotation(s) could not be represented (listed above)",
            export.warnings.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let format = checked(&args.format, Format::parse)?;
    let importer = format.importer().context("this format cannot be imported")?;
    let output = match (&args.output, &args.into) {
        (_, Some(into)) => return import_suggestions(&args, importer, into),
        (Some(output), None) => output.clone(),
        (None, None) => bail!("-o OUTPUT (a new project) or --into PROJECT --as-suggestions is needed"),
    };
    if output.exists() {
        bail!(
            "{} already exists; import creates a new project (choose another -o, or add to it with --into {} --as-suggestions)",
            output.display(),
            output.display()
        );
    }
    let name = args.name.clone().unwrap_or_else(|| {
        output
            .file_stem()
            .map_or_else(|| "Imported".to_owned(), |s| s.to_string_lossy().into_owned())
    });
    let imported = read_input(&args, importer, name)?;
    let session = create_project(&imported, &output)?;
    let project = session.project();
    outln!(
        "created {} with {} document(s), {} annotation(s), {} label(s)",
        output.display(),
        project.documents.len(),
        project.annotations().len(),
        project.schema.labels.len()
    );
    if !imported.skipped.is_empty() {
        eprintln!("{} record(s) skipped (listed above)", imported.skipped.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads the import's input, telling on stderr what it noted and skipped.
fn read_input(
    args: &ImportArgs,
    importer: &dyn marginalia::formats::Importer,
    name: String,
) -> anyhow::Result<marginalia::formats::Imported> {
    let options = ImportOptions {
        offsets: args.offsets,
        scheme: args.scheme,
        author: args.author.clone().unwrap_or_else(default_author),
        lenient: args.lenient,
        name,
    };
    let imported = importer.import(&args.inputs, &options, &Progress::new())?;
    for note in &imported.notes {
        eprintln!("note: {note}");
    }
    for skipped in &imported.skipped {
        eprintln!("skipped: {skipped}");
    }
    Ok(imported)
}

/// `import --into P --as-suggestions`: the input's annotations become
/// suggestions of P's documents (matched by text), in one save.
fn import_suggestions(
    args: &ImportArgs,
    importer: &dyn marginalia::formats::Importer,
    into: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    let mut session = super::annotate::open_for_editing(into)?;
    let mut label_map = std::collections::HashMap::new();
    for pair in &args.label_map {
        let (from, to) = pair
            .split_once('=')
            .with_context(|| format!("--label-map {pair:?}: FROM=TO is needed"))?;
        let (from, to) = (from.trim(), to.trim());
        // The project's label by id or by name, case aside.
        let schema = &session.project().schema;
        let Some(label) = schema
            .labels
            .iter()
            .find(|l| l.id == to || l.id.eq_ignore_ascii_case(to) || l.name.eq_ignore_ascii_case(to))
        else {
            let known: Vec<&str> = schema.labels.iter().map(|l| l.id.as_str()).collect();
            bail!(
                "--label-map {from}={to}: no label {to:?} in {} (labels: {})",
                into.display(),
                known.join(", ")
            );
        };
        if let Some(before) = label_map.insert(from.to_owned(), label.id.clone())
            && before != label.id
        {
            bail!("--label-map maps {from:?} twice (to {before:?} and to {:?})", label.id);
        }
    }
    let name = match &args.model {
        Some(name) if name.chars().any(char::is_control) => {
            bail!("--model {name:?}: a name of one line, without control characters")
        }
        Some(name) if !name.trim().is_empty() => name.trim().to_owned(),
        Some(_) => bail!("--model needs a name"),
        None => args
            .inputs
            .first()
            .and_then(|p| p.file_stem())
            .map_or_else(|| "predictions".to_owned(), |s| s.to_string_lossy().into_owned()),
    };
    let source = format!("model:{name}");
    let imported = read_input(args, importer, name)?;
    let result =
        marginalia::search::predictions::from_predictions(session.project(), &imported.project, &source, &label_map);
    let added = result.found.len();
    if result.wrong_unit() && !args.keep_cut_spans {
        let cut = |s: &&marginalia::model::Suggestion| {
            session
                .project()
                .document(&s.doc)
                .is_some_and(|d| marginalia::search::predictions::cuts_words(&d.text, s.range()))
        };
        let examples: Vec<String> = result
            .found
            .iter()
            .filter(cut)
            .take(3)
            .map(|s| format!("{:?} [{}, {})", s.text, s.start, s.end))
            .collect();
        bail!(
            "{} of {} predicted spans start or end inside a word or at a space ({}, …): the offsets are most \
             likely not in {}; try --offsets {}, or --keep-cut-spans to store them as they are. Nothing was added.",
            result.inside_words,
            added,
            examples.join(", "),
            args.offsets.counts(),
            match args.offsets {
                OffsetUnit::Byte => "utf16 or codepoint",
                OffsetUnit::Utf16 => "byte or codepoint",
                OffsetUnit::CodePoint => "byte or utf16",
            }
        );
    }
    if added > 0 {
        session.apply(marginalia::search::suggest::store(result.found))?;
        super::annotate::save(&mut session)?;
    }
    if args.json {
        let out = serde_json::json!({
            "source": source,
            "added": added,
            "already": result.already,
            "tagged": result.tagged,
            "unmatched_documents": result.unmatched_documents,
            "near_documents": result.near_documents.iter().map(|(id, near)| serde_json::json!({"input": id, "document": near})).collect::<Vec<_>>(),
            "unknown_labels": result.unknown_labels,
            "discontinuous": result.discontinuous,
            "inside_words": result.inside_words,
        });
        outln!("{out}");
    } else {
        for doc in &result.unmatched_documents {
            // An id the input did not give (doc-LINE) says little: the
            // text's opening says which record it is.
            let opening = imported
                .project
                .document(doc)
                .map(|d| {
                    let head: String = d.text.as_str().chars().take(200).collect();
                    marginalia::model::shorten(&head.split_whitespace().collect::<Vec<_>>().join(" "), 40)
                })
                .unwrap_or_default();
            let near = result
                .near_documents
                .iter()
                .find(|(id, _)| id == doc)
                .map_or_else(String::new, |(_, near)| {
                    format!(
                        "; it is document {near:?}'s but for white space, line ends or Unicode normalisation, \
                     so its offsets would not carry over: predict on the text as the project stores it \
                     (`marginalia export --format jsonl` writes it)"
                    )
                });
            eprintln!("skipped: document {doc:?} ({opening:?}): its text is not one of the project's documents{near}");
        }
        for (label, n) in &result.unknown_labels {
            eprintln!(
                "skipped: {} labelled {label:?}, which the project does not have (map it with --label-map {label}=LABEL)",
                marginalia::model::plural(*n, "prediction")
            );
        }
        if result.discontinuous > 0 {
            eprintln!(
                "skipped: {} (a suggestion is one span)",
                marginalia::model::plural(result.discontinuous, "discontinuous prediction")
            );
        }
        outln!(
            "added {} from {source} to {}{}",
            marginalia::model::plural(added, "suggestion"),
            into.display(),
            match (result.tagged, result.already) {
                (0, 0) => String::new(),
                (t, 0) =>
                    format!(" ({t} of them tagged by people already: kept for `agree --suggestions`, not offered)"),
                (0, a) => format!(" ({a} offered before, not added again)"),
                (t, a) => format!(" ({t} of them tagged by people already; {a} offered before, not added again)"),
            }
        );
    }
    // Nothing the project could take (every label unknown, every
    // document unmatched): a failure for scripts, not a quiet success.
    if added == 0
        && result.already == 0
        && (!result.unknown_labels.is_empty() || !result.unmatched_documents.is_empty())
    {
        if !args.json {
            eprintln!("error: nothing was added (see the skipped predictions above)");
        }
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
