//! The `marginalia` binary: the GUI when run on a project (or on nothing),
//! the command line when given a subcommand. Parsing flags and reporting
//! errors is all that happens here; the work is in the library.

/// `eprintln!` that never panics: when stderr is a pipe whose reader has
/// gone (`… 2>&1 | head -1`), the message is dropped and the command ends
/// with its own exit status (std's `eprintln!` would panic, exit 101).
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(message) = cli::unknown_command(&argv) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    let args = cli::Cli::parse_from(argv);
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", cli::error_message(&e));
            ExitCode::FAILURE
        }
    }
}
