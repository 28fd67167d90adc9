//! `marginalia new` and `marginalia add`: creating projects and adding documents.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use marginalia::edit::Command;
use marginalia::model::Project;
use marginalia::persist::documents::{NewDocument, ReadDocuments, skipped_summary};
use marginalia::session::Session;

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The project file to create (it must not exist yet).
    project: PathBuf,
    /// Project name (defaults to the file name without extension).
    #[arg(long)]
    name: Option<String>,
    /// Text files (.txt, .md) to add as documents, or folders to add
    /// every text file of (recursively).
    docs: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The project file.
    project: PathBuf,
    /// Text files (.txt, .md) to add as documents, or folders to add every
    /// text file of (recursively, in name order; what is left out is listed,
    /// and files whose text is already in the project are skipped).
    #[arg(required = true)]
    docs: Vec<PathBuf>,
}

pub fn new(args: NewArgs) -> anyhow::Result<ExitCode> {
    // The name also names the history folder; a name that is not UTF-8
    // would share one with others.
    if args.project.file_name().is_some_and(|n| n.to_str().is_none()) {
        bail!(
            "{} is not a valid UTF-8 file name; choose another name",
            args.project.display()
        );
    }
    if args.project.exists() {
        bail!(
            "{} already exists; use `marginalia add` to add documents to it",
            args.project.display()
        );
    }
    if let Some(why) = marginalia::formats::project_file_of_any_project(&args.project, true) {
        bail!("{} is {why}; choose another place", args.project.display());
    }
    if let Some(dir) = args.project.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let name = args.name.unwrap_or_else(|| {
        args.project
            .file_stem()
            .map_or_else(|| "Untitled".to_owned(), |s| s.to_string_lossy().into_owned())
    });
    let mut project = Project::new(name);
    let docs = read_documents(&args.project, &project, &args.docs)?;
    report_skipped(&docs.skipped)?;
    let docs = docs.added;
    project.documents = docs.iter().map(|d| d.document.clone()).collect();
    let mut session = Session::new(project);
    session.save_new(&args.project)?;
    // Listed once they are in the saved project, not before.
    report_documents(&docs)?;
    outln!(
        "created {} with {} document(s)",
        args.project.display(),
        session.project().documents.len()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn add(args: AddArgs) -> anyhow::Result<ExitCode> {
    let mut session = super::annotate::open_for_editing(&args.project)?;
    let read = read_documents(&args.project, session.project(), &args.docs)?;
    report_skipped(&read.skipped)?;
    let docs = read.added;
    if docs.is_empty() {
        outln!(
            "nothing to add: {} has {} document(s)",
            args.project.display(),
            session.project().documents.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    report_documents(&docs)?;
    let start = session.project().documents.len();
    let entries = docs
        .into_iter()
        .enumerate()
        .map(|(i, d)| (start + i, d.document))
        .collect();
    session.apply(Command::AddDocuments(entries))?;
    super::annotate::save(&mut session)?;
    outln!(
        "{} now has {} document(s)",
        args.project.display(),
        session.project().documents.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Reads the files and folders given ([`read_documents`]), with the count
/// of files read shown on a terminal as it goes.
fn read_documents(project_path: &Path, project: &Project, paths: &[PathBuf]) -> anyhow::Result<ReadDocuments> {
    use std::io::{IsTerminal, Write as _};
    let terminal = std::io::stderr().is_terminal();
    let mut shown = false;
    let read = marginalia::persist::documents::read_documents(project_path, project, paths, &mut |k, total| {
        if terminal && total > 50 && (k % 100 == 0 || k == total) {
            let _ = write!(std::io::stderr(), "\rreading {k}/{total} files");
            shown = true;
        }
        true
    });
    if shown {
        let _ = writeln!(std::io::stderr());
    }
    Ok(read?)
}

/// Lists what a folder walk left out: each path up to 20, then a count by reason.
fn report_skipped(skipped: &[(PathBuf, String)]) -> std::io::Result<()> {
    const LISTED: usize = 20;
    for (path, why) in skipped.iter().take(LISTED) {
        outln!("  skipped {}: {why}", path.display());
    }
    if skipped.len() > LISTED {
        outln!(
            "  … and {} more skipped ({})",
            skipped.len() - LISTED,
            skipped_summary(&skipped[LISTED..])
        );
    }
    Ok(())
}

fn report_documents(docs: &[NewDocument]) -> std::io::Result<()> {
    for d in docs {
        let doc = &d.document;
        outln!("  {}  {} ({} characters)", doc.id, doc.path, doc.length);
        if let Some(how) = &d.decoding {
            outln!("      {how}");
        }
    }
    Ok(())
}
