//! `marginalia merge`: three-way merge of two edited copies of a project,
//! usable as a git merge driver (`marginalia merge %O %A %B -o %A`).
//!
//! Exit status: 0 when the merge is clean, 1 when it has conflicts (the
//! output is still written: ours kept, conflicts listed on stderr and
//! marked in the project), 2 when an input cannot be read or the output
//! cannot be written (then nothing is written).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use marginalia::merge;
use marginalia::persist::format;

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
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &MergeArgs) -> anyhow::Result<ExitCode> {
    let merged = merge::merge_files(&args.base, &args.ours, &args.theirs)?;
    let text = format::to_string(&merged.project);
    write_atomic(&args.output, text.as_bytes(), false)
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
