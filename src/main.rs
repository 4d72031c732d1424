//! The `policylint` command. The commands live in `cli`; this file is the
//! one place that turns how a command ended into an exit code.

#![warn(unreachable_pub)]

mod cli;

use std::process::ExitCode;

/// How a command that ran to its end came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Everything was processed and nothing reached the fail level.
    Clean,
    /// Findings at or above the fail level (or failing rule tests).
    Findings,
}

/// Why a command stopped short.
#[derive(Debug)]
enum Error {
    /// A usage, configuration, rule-file, baseline or output error; the
    /// text, already rendered, says where and what to do.
    Usage(String),
    /// Some inputs could not be read (missing, unreadable, not a regular
    /// file, undecodable; with `--fail-on-skip`, skipped), or the output
    /// could not be written. Inputs were reported where they were met; the
    /// text, if any, says what else went wrong.
    Input(String),
}

impl Error {
    /// Exit codes, stable for scripts and CI (documented in the README).
    fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            Error::Input(_) => 3,
        }
    }
}

fn main() -> ExitCode {
    let code = match cli::run() {
        Ok(Outcome::Clean) => 0,
        Ok(Outcome::Findings) => 1,
        Err(e) => {
            let (Error::Usage(text) | Error::Input(text)) = &e;
            eprint!("{text}");
            e.exit_code()
        }
    };
    ExitCode::from(code)
}
