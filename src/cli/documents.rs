//! `marginalia new` and `marginalia add`: creating projects and adding documents.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use marginalia::edit::Command;
use marginalia::model::Project;
use marginalia::persist::documents::{NewDocument, read_new_document};
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

/// What reading the files given gave: the documents to add, and what was
/// left out (with why).
struct Read {
    added: Vec<NewDocument>,
    skipped: Vec<(PathBuf, String)>,
}

/// Reads every file (folders walked), or fails on the first named file that
/// cannot be a document, before anything is written. A file found in a
/// folder whose text is already in the project (or read just before) is
/// skipped, so that adding a folder again adds only what is new; a file
/// named on its own is refused then, as before. On a terminal, the count
/// of files read is shown as it goes.
fn read_documents(project_path: &Path, project: &Project, paths: &[PathBuf]) -> anyhow::Result<Read> {
    use std::collections::HashMap;
    use std::io::{IsTerminal, Write as _};
    let collected = marginalia::persist::documents::collect_files(paths)?;
    let mut skipped: Vec<(PathBuf, String)> = collected
        .skipped
        .into_iter()
        .map(|(p, why)| (p, why.to_owned()))
        .collect();
    let mut by_hash: HashMap<String, String> = project
        .documents
        .iter()
        .map(|d| (d.hash.clone(), d.id.clone()))
        .collect();
    let progress = std::io::stderr().is_terminal() && collected.files.len() > 50;
    let total = collected.files.len();
    let mut out: Vec<NewDocument> = Vec::new();
    let mut taken: Vec<String> = Vec::new();
    for (k, file) in collected.files.iter().enumerate() {
        if progress && k % 100 == 0 {
            let _ = write!(std::io::stderr(), "\rreading {k}/{total} files");
        }
        let named = paths.contains(file);
        let d = read_new_document(project_path, file, project, &taken)?;
        if let Some(existing) = by_hash.get(&d.document.hash) {
            if named {
                bail!(
                    "{} is already in the project as document {existing:?}; nothing was added",
                    d.document.path
                );
            }
            skipped.push((file.clone(), format!("the same text as document {existing:?}")));
            continue;
        }
        by_hash.insert(d.document.hash.clone(), d.document.id.clone());
        taken.push(d.document.id.clone());
        out.push(d);
    }
    if progress {
        let _ = writeln!(std::io::stderr(), "\rreading {total}/{total} files");
    }
    Ok(Read { added: out, skipped })
}

/// Lists what a folder walk left out: each path up to 20, then a count by reason.
fn report_skipped(skipped: &[(PathBuf, String)]) -> std::io::Result<()> {
    const LISTED: usize = 20;
    for (path, why) in skipped.iter().take(LISTED) {
        outln!("  skipped {}: {why}", path.display());
    }
    if skipped.len() > LISTED {
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for (_, why) in &skipped[LISTED..] {
            *counts.entry(why.as_str()).or_default() += 1;
        }
        let rest: Vec<String> = counts.iter().map(|(why, n)| format!("{n} {why}")).collect();
        outln!("  … and {} more skipped ({})", skipped.len() - LISTED, rest.join("; "));
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
