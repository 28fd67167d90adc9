//! Command-line interface: flag definitions and dispatch.
//!
//! Every subcommand is a thin function over the library. Scripts rely on
//! the names, flags, JSON keys and exit codes here: change them only with
//! care. Errors go to stderr with a non-zero exit status.

/// `println!` for the subcommands: output to a reader that has gone (as
/// `head` does once it has its lines) is dropped instead of panicking, and
/// the command ends with its own exit status; other write errors are
/// returned. Only in functions that return a `Result`.
macro_rules! outln {
    () => {
        $crate::cli::write_stdout(format_args!("\n"))?
    };
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format_args!("{}\n", format_args!($($arg)*)))?
    };
}

/// `print!` as [`outln!`] is `println!`.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_stdout(format_args!($($arg)*))?
    };
}

mod agree;
mod annotate;

mod documents;
mod edit;
mod formats;
mod merge;

mod report;
mod search;
mod structure;
mod suggest;
mod versions;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Set once stdout's reader has gone: the rest of the output is dropped.
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes to stdout for [`outln!`] and [`out!`]. A closed pipe is not an
/// error of the command: exit statuses that mean something (diff: same or
/// different; validate: valid or not) must not change because nobody read
/// the report to its end.
pub fn write_stdout(args: std::fmt::Arguments<'_>) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::sync::atomic::Ordering;
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    match std::io::stdout().lock().write_fmt(args) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        other => other,
    }
}

/// The error and its causes, each cause said once: many library errors
/// already quote their cause ("cannot read p.ron: Is a directory"), and
/// `{:#}` would repeat it.
pub fn error_message(e: &anyhow::Error) -> String {
    let mut out = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if cause.contains(&out) {
            // "cannot read p.ron" then "cannot read p.ron: no such file".
            out = cause;
        } else if !out.contains(&cause) {
            out.push_str(": ");
            out.push_str(&cause);
        }
    }
    out
}

/// Marginalia: tag events, claims and actors in source documents.
///
/// Run without arguments to open the workbench, or with a project file to
/// open that project. Subcommands work on project files from the shell.
#[derive(Debug, Parser)]
#[command(name = "marginalia", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Project file to open in the workbench.
    project: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a project with the default schema (event, claim, actor).
    New(documents::NewArgs),
    /// Add text files (.txt, .md) to a project as documents.
    Add(documents::AddArgs),
    /// Check a project: syntax, ids, labels, documents and offsets.
    ///
    /// Exits 0 when the project is clean and 1 with the list of problems
    /// otherwise (including documents whose text changed since they were
    /// annotated).
    Validate(ProjectArg),
    /// Count documents and annotations, by label and by document.
    Stats(report::StatsArgs),
    /// Tag spans of a document from the shell, and save.
    Annotate(annotate::AnnotateArgs),
    /// Find a word, a phrase or a regular expression in every document:
    /// each hit with its document, code-point offsets, context and state
    /// (untagged, or tagged with which labels). Never writes.
    ///
    /// Exits 0 with hits, 1 with none, 2 on trouble.
    Search(search::SearchArgs),
    /// Suggest tags from a gazetteer (a list of terms with their labels) or
    /// from the project itself (what is tagged somewhere, everywhere else):
    /// listed, or with --accept-all tagged in one step and saved.
    Suggest(suggest::SuggestArgs),
    /// Change an annotation's label, note or span (one undoable step, saved).
    Edit(edit::EditArgs),
    /// Delete annotations (with their relations) or relations by id (one undoable step, saved).
    Delete(edit::DeleteArgs),
    /// Link two annotations of a document with a typed relation (who makes
    /// a claim, whom it targets, an event's roles), and save.
    ///
    /// Prints the new relation's id (--json: the relation). Exits 1 when
    /// the type does not allow those labels or has no room for another.
    Relate(structure::RelateArgs),
    /// Set or unset attribute values of an annotation or a relation, and save.
    Attr(structure::AttrArgs),
    /// Set or unset metadata fields of a document (outlet, date, URL, ...), and save.
    Meta(structure::MetaArgs),
    /// List the saved versions of a project (a snapshot is kept at every save).
    #[command(visible_alias = "versions")]
    History(versions::HistoryArgs),
    /// Compare two versions of a project: annotations added, removed,
    /// relabeled, resized, with changed notes; labels and documents.
    ///
    /// Exits 0 when they are the same, 1 when they differ, 2 on trouble.
    Diff(versions::DiffArgs),
    /// Move annotations onto the new text of documents changed since they
    /// were annotated. Annotations whose text was deleted are kept as
    /// orphans and listed.
    Reanchor(versions::ReanchorArgs),
    /// Write a labeled dataset: JSONL (doccano-compatible), CoNLL, brat standoff or CSV.
    ///
    /// Offsets are exact in the unit asked for (--offsets), and the unit is
    /// written into the output. Exits 0 on success, 1 on trouble (nothing is
    /// written then).
    Export(formats::ExportArgs),
    /// Create a project from a labeled dataset (JSONL, CoNLL, brat) or from text files.
    ///
    /// Bad input is refused with file, line and reason, and nothing is
    /// written; --lenient imports what is valid and lists the rest.
    Import(formats::ImportArgs),
    /// Inter-annotator agreement between copies of a project: span F1 (exact and
    /// overlapping), character-level Cohen's kappa and Krippendorff's alpha, and
    /// Krippendorff's unitized alpha, overall, by label and by document.
    Agree(agree::AgreeArgs),
    /// Three-way merge of two edited copies of a project against their common
    /// ancestor, per annotation: both sides' additions, deletions, relabels and
    /// note edits combine. Usable as a git merge driver:
    /// `git config merge.marginalia.driver "marginalia merge %O %A %B -o %A"`.
    ///
    /// Exits 0 when clean; 1 when the same thing changed differently on both
    /// sides (one version is kept: ours, or the changed one when the other
    /// side deleted it; conflicts are listed on stderr and marked in the
    /// project for the workbench); 2 on trouble (nothing is written).
    Merge(merge::MergeArgs),
    /// Open the workbench on a review of two or more annotators' copies
    /// (what Review → Compare annotators… does): agreement figures, their
    /// spans side by side, and adjudication into a new gold project.
    Review(ReviewArgs),
}

#[derive(Debug, Args)]
struct ReviewArgs {
    /// Two or more project files; the first two are adjudicated first.
    #[arg(required = true, num_args = 2..)]
    projects: Vec<PathBuf>,
}

#[derive(Debug, Args)]
struct ProjectArg {
    /// The project file.
    project: PathBuf,
}

/// Runs the parsed command line.
/// A first argument that is neither a command nor a file: a mistyped
/// command (`marginalia valdiate p.ron`), said as such with the nearest
/// command, rather than as a project that does not exist or an argument
/// clap cannot place.
pub fn unknown_command(args: &[std::ffi::OsString]) -> Option<String> {
    use clap::CommandFactory;
    let word = args.get(1)?.to_str()?;
    let looks_like_a_path = word.contains(['.', '/', '\\']) || word.starts_with('-');
    if word.is_empty() || word == "help" || looks_like_a_path || std::path::Path::new(word).exists() {
        return None;
    }
    let command = Cli::command();
    if command.find_subcommand(word).is_some() {
        return None;
    }
    let names: Vec<String> = command
        .get_subcommands()
        .flat_map(|c| std::iter::once(c.get_name().to_owned()).chain(c.get_all_aliases().map(str::to_owned)))
        .collect();
    let nearest = names
        .iter()
        .map(|n| (strsim::jaro_winkler(word, n), n))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map_or_else(String::new, |(_, n)| format!("; did you mean `{n}`?"));
    Some(format!(
        "{word:?} is not a command of marginalia{nearest} (`marginalia --help` lists them; a project to open is a file, such as study.ron)"
    ))
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => open_gui(cli.project),
        Some(Command::Review(args)) => open_review(args.projects),
        Some(Command::New(args)) => documents::new(args),
        Some(Command::Add(args)) => documents::add(args),
        Some(Command::Validate(args)) => report::validate(&args.project),
        Some(Command::Stats(args)) => report::stats(args),
        Some(Command::Annotate(args)) => annotate::annotate(args),
        Some(Command::Search(args)) => Ok(search::search(args)),
        Some(Command::Suggest(args)) => suggest::suggest(args),
        Some(Command::Edit(args)) => edit::edit(args),
        Some(Command::Delete(args)) => edit::delete(args),
        Some(Command::Relate(args)) => structure::relate(args),
        Some(Command::Attr(args)) => structure::attr(args),
        Some(Command::Meta(args)) => structure::meta(args),
        Some(Command::History(args)) => versions::history(args),
        Some(Command::Diff(args)) => Ok(versions::diff(args)),
        Some(Command::Reanchor(args)) => versions::reanchor(args),
        Some(Command::Export(args)) => formats::export(args),
        Some(Command::Import(args)) => formats::import(args),
        Some(Command::Agree(args)) => agree::agree(args),
        Some(Command::Merge(args)) => Ok(merge::merge(args)),
    }
}

#[cfg(feature = "gui")]
fn open_gui(project: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    if let Some(path) = &project
        && !path.exists()
    {
        anyhow::bail!(
            "{} does not exist (use `marginalia new` to create a project)",
            path.display()
        );
    }
    let start = project.map_or(marginalia::gui::Start::Nothing, marginalia::gui::Start::Project);
    marginalia::gui::run(start).map_err(|e| anyhow::anyhow!("the workbench failed: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(feature = "gui")]
fn open_review(projects: Vec<PathBuf>) -> anyhow::Result<ExitCode> {
    if let Some(missing) = projects.iter().find(|p| !p.exists()) {
        anyhow::bail!("{} does not exist", missing.display());
    }
    marginalia::gui::run(marginalia::gui::Start::Review(projects))
        .map_err(|e| anyhow::anyhow!("the workbench failed: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "gui"))]
fn open_review(projects: Vec<PathBuf>) -> anyhow::Result<ExitCode> {
    let _ = projects;
    open_gui(None)
}

#[cfg(not(feature = "gui"))]
fn open_gui(project: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let _ = project;
    eprintln!(
        "marginalia: this build has no graphical workbench (it was built without the `gui` feature).\n\
         Use the subcommands instead; see `marginalia --help`."
    );
    Ok(ExitCode::from(2))
}
