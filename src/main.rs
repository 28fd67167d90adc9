//! The `marginalia` binary: the GUI when run on a project (or on nothing),
//! the command line when given a subcommand. Parsing flags and reporting
//! errors is all that happens here; the work is in the library.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", cli::error_message(&e));
            ExitCode::FAILURE
        }
    }
}
