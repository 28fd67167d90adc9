//! The long fuzzing run: every loader, a million mutated inputs each by
//! default. See `engine.rs` for what is checked.
//!
//! ```text
//! cargo run --release --example fuzz -- [--iterations N] [--seed S] [--only NAME]
//! ```
//!
//! Inputs that panic, hang (over a second) or are refused without a clear
//! message are written to `target/fuzz-findings/`; the exit status is 1
//! when there are any.

mod engine;

use std::path::Path;

fn main() -> std::process::ExitCode {
    let mut iterations: u64 = 1_000_000;
    let mut seed: u64 = 0x5EED;
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args.next();
        match (a.as_str(), value) {
            ("--iterations", Some(v)) => iterations = v.parse().expect("--iterations N"),
            ("--seed", Some(v)) => seed = v.parse().expect("--seed S"),
            ("--only", Some(v)) => only = Some(v),
            _ => {
                eprintln!("usage: fuzz [--iterations N] [--seed S] [--only NAME]");
                return std::process::ExitCode::from(2);
            }
        }
    }
    // Panics are caught and counted: keep their messages off the terminal.
    std::panic::set_hook(Box::new(|_| {}));
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let findings = repo.join("target/fuzz-findings");
    let scratch_dir = tempfile::tempdir().expect("scratch folder");
    let scratch = engine::Scratch::new(scratch_dir.path());
    let mut clean = true;
    println!(
        "{:<18} {:>10} {:>9} {:>9} {:>7} {:>6} {:>8} {:>10} {:>9}",
        "loader", "executions", "accepted", "refused", "panics", "hangs", "unclear", "slowest", "exec/s"
    );
    for target in engine::targets(repo) {
        if only.as_deref().is_some_and(|o| o != target.name) {
            continue;
        }
        let r = engine::run(&target, iterations, seed, &scratch);
        println!(
            "{:<18} {:>10} {:>9} {:>9} {:>7} {:>6} {:>8} {:>8.1}ms {:>9.0}",
            target.name,
            r.executions,
            r.accepted,
            r.refused,
            r.panics.len(),
            r.hangs.len(),
            r.unclear.len(),
            r.slowest.as_secs_f64() * 1000.0,
            r.executions as f64 / r.elapsed.as_secs_f64()
        );
        if !r.is_clean() {
            clean = false;
            let _ = std::fs::create_dir_all(&findings);
            let all = r
                .panics
                .iter()
                .map(|(i, m)| ("panic", i, m.clone()))
                .chain(r.hangs.iter().map(|(i, d)| ("hang", i, format!("{d:?}"))))
                .chain(r.unclear.iter().map(|(i, m)| ("unclear", i, m.clone())));
            for (n, (kind, input, message)) in all.enumerate().take(20) {
                let file = findings.join(format!("{}-{kind}-{n}", target.name));
                let _ = std::fs::write(&file, input);
                println!("  {kind}: {} ({message})", file.display());
            }
        }
    }
    if clean {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
