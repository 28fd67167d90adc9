//! `marginalia merge`: three-way merge of two edited copies of a project,
//! usable as a git merge driver (`marginalia merge %O %A %B -o %A`).
//!
//! Exit status: 0 when the merge is clean, 1 when it has conflicts (the
//! output is still written: ours kept, conflicts listed on stderr and
//! marked in the project), 2 when an input cannot be read or the output
//! cannot be written (then nothing is written).
//!
//! A `.gitattributes` line `*.ron merge=marginalia` also sends RON files
//! that are not projects (another tool's configuration, an old history
//! index) to the driver. When none of the three files declares a
//! `format_version`, they are merged as plain text, line by line, by
//! `git merge-file` (with the usual conflict markers), as git would have
//! without the driver.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use marginalia::formats::{OutputGuard, project_file_of_any_project};
use marginalia::merge;
use marginalia::model::Project;
use marginalia::persist::load::parse_file_only;
use marginalia::persist::lock::{CLI_WAIT, ProjectLock};
use marginalia::persist::save::resolve_link;
use marginalia::persist::{format, safe_read};

use marginalia::persist::save::write_atomic;

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The common ancestor (git's %O).
    base: PathBuf,
    /// Our edited copy (git's %A); it wins conflicts.
    ours: PathBuf,
    /// Their edited copy (git's %B).
    theirs: PathBuf,
    /// Where to write the result (may be OURS: git expects the result in %A).
    #[arg(short, long)]
    output: PathBuf,
}

pub fn merge(args: MergeArgs) -> ExitCode {
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", super::error_message(&e));
            ExitCode::from(2)
        }
    }
}

fn run(args: &MergeArgs) -> anyhow::Result<ExitCode> {
    // OUT is usually OURS, a project others may be saving: read and write
    // under its lock, like every other save.
    let output =
        resolve_link(&args.output).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", args.output.display()))?;
    if let Ok(meta) = std::fs::metadata(&output)
        && !meta.is_file()
    {
        anyhow::bail!(
            "{} exists and is not a regular file; nothing was written",
            args.output.display()
        );
    }
    // Checked before the lock is taken, which would create a lock file.
    if let Some(why) = project_file_of_any_project(&output, true) {
        anyhow::bail!("{} is {why}; nothing was written", args.output.display());
    }
    let _lock = ProjectLock::acquire(&output, CLI_WAIT)?;
    let inputs = [&args.base, &args.ours, &args.theirs];
    let mut texts = Vec::with_capacity(3);
    for path in inputs {
        let text = safe_read::read_utf8(path, safe_read::MAX_PROJECT_BYTES)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        texts.push(text);
    }
    if texts.iter().all(|t| format::declared_version(t).is_none()) {
        return merge_as_text(args, &output);
    }
    let ours = parse_file_only(&texts[1], &args.ours)?;
    let theirs = parse_file_only(&texts[2], &args.theirs)?;
    // Both branches added the file: git hands over an empty ancestor.
    let base = if texts[0].trim().is_empty() {
        Project::new(&ours.name)
    } else {
        parse_file_only(&texts[0], &args.base)?
    };
    OutputGuard::documents(&args.ours, &ours)
        .check(&output, std::slice::from_ref(&output), false)
        .map_err(|e| anyhow::anyhow!("{e}; nothing was written"))?;
    let merged = merge::merge(&base, &ours, &theirs);
    let text = format::to_string(&merged.project);
    write_atomic(&output, text.as_bytes(), false)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", args.output.display()))?;
    let t = merged.tally;
    eprintln!(
        "marginalia merge: {} annotation(s) from theirs, {} from ours, {} deleted, {} added by both (kept once); {} conflict(s)",
        t.from_theirs,
        t.from_ours,
        t.deleted,
        t.deduplicated,
        merged.conflicts.len()
    );
    // The suggestion layer merges too: what theirs brought to ours.
    let sc = merged.suggestions;
    if sc != marginalia::diff::SuggestionCounts::default() {
        eprintln!(
            "marginalia merge: suggestions from theirs: {} added, {} removed (accepted or cleared), {} rejected, {} reopened, {} changed",
            sc.added, sc.removed, sc.rejected, sc.reopened, sc.changed
        );
    }
    if merged.is_clean() {
        return Ok(ExitCode::SUCCESS);
    }
    for conflict in &merged.conflicts {
        eprintln!("conflict: {conflict}");
    }
    if merged.annotation_conflicts > 0 {
        eprintln!(
            "{} annotation conflict(s) kept ours and are marked (meta \"{}\"): open {} in the workbench to resolve them",
            merged.annotation_conflicts,
            merge::CONFLICT,
            args.output.display()
        );
    }
    Ok(ExitCode::from(1))
}

/// Merges three files that are not projects as text, with `git merge-file`,
/// into `output` (OUT with its links resolved).
fn merge_as_text(args: &MergeArgs, output: &Path) -> anyhow::Result<ExitCode> {
    // A path git hands over never starts with '-'; one typed by a user
    // might, and must not be read as an option.
    let arg = |p: &Path| {
        if p.as_os_str().to_string_lossy().starts_with('-') {
            Path::new(".").join(p)
        } else {
            p.to_owned()
        }
    };
    let out = std::process::Command::new("git")
        .args(["merge-file", "-p", "-L", "ours", "-L", "base", "-L", "theirs"])
        .arg(arg(&args.ours))
        .arg(arg(&args.base))
        .arg(arg(&args.theirs))
        .output()
        .map_err(|e| {
            anyhow::anyhow!(
                "these files are not Marginalia projects, and git, which merges them as text, cannot run: {e}"
            )
        })?;
    // git merge-file exits with the number of conflicts, or a negative
    // number (255 and below as a status) on trouble.
    let Some(conflicts @ 0..=127) = out.status.code() else {
        anyhow::bail!("git merge-file failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    };
    write_atomic(output, &out.stdout, false)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", args.output.display()))?;
    eprintln!(
        "marginalia merge: {} is not a Marginalia project; merged as text, {conflicts} conflict(s)",
        args.ours.display()
    );
    Ok(if conflicts == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
