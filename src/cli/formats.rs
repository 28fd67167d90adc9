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
    #[arg(short, long)]
    output: PathBuf,
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
    if args.output.exists() {
        bail!(
            "{} already exists; import creates a new project (choose another -o)",
            args.output.display()
        );
    }
    let name = args.name.unwrap_or_else(|| {
        args.output
            .file_stem()
            .map_or_else(|| "Imported".to_owned(), |s| s.to_string_lossy().into_owned())
    });
    let options = ImportOptions {
        offsets: args.offsets,
        scheme: args.scheme,
        author: args.author.unwrap_or_else(default_author),
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
    let session = create_project(&imported, &args.output)?;
    let project = session.project();
    outln!(
        "created {} with {} document(s), {} annotation(s), {} label(s)",
        args.output.display(),
        project.documents.len(),
        project.annotations().len(),
        project.schema.labels.len()
    );
    if !imported.skipped.is_empty() {
        eprintln!("{} record(s) skipped (listed above)", imported.skipped.len());
    }
    Ok(ExitCode::SUCCESS)
}
