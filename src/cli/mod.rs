//! Command-line interface: argument parsing and the mapping from outcomes to
//! exit codes. Commands live in their own modules.

mod check;
mod init;
mod outline;
mod ruleargs;
mod rules_cmd;
mod test_cmd;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit codes, stable for scripts and CI.
pub mod exit {
    /// Everything was processed and nothing reached the fail level.
    pub const OK: u8 = 0;
    /// Findings at or above the fail level.
    pub const FINDINGS: u8 = 1;
    /// Usage, configuration or rule-file error.
    pub const USAGE: u8 = 2;
    /// An input could not be processed: missing, unreadable, a directory,
    /// undecodable, binary or empty.
    pub const INPUT: u8 = 3;
}

#[derive(Debug, Parser)]
#[command(
    name = "policylint",
    version,
    about = "A policy-as-code linter for privacy policies (APPI first)",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check privacy policies against the rule packs (the built-in APPI pack by default).
    Check(check::CheckArgs),
    /// Print the document tree the engine sees: sections, paragraphs, list
    /// items, table cells and sentences, each with line:column.
    Outline(outline::OutlineArgs),
    /// List the loaded rules: id, severity, title and pack.
    Rules(rules_cmd::RulesArgs),
    /// Explain one rule: what it checks, why, the citation, and examples.
    Explain(rules_cmd::ExplainArgs),
    /// Run the examples written in rule files (`test pass` / `test fail`).
    Test(test_cmd::TestArgs),
    /// Write a commented policylint.toml (and, on request, pre-commit and
    /// GitHub workflow files).
    Init(init::InitArgs),
    /// Print shell completions.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

/// Whether to colour output written to stderr.
pub(crate) fn stderr_color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Outline(args) => outline::run(&args),
        Command::Rules(args) => rules_cmd::rules(&args),
        Command::Explain(args) => rules_cmd::explain(&args),
        Command::Test(args) => test_cmd::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "policylint", &mut std::io::stdout());
            exit::OK
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            match clap_mangen::Man::new(cmd).render(&mut std::io::stdout()) {
                Ok(()) => exit::OK,
                Err(_) => exit::USAGE,
            }
        }
    };
    ExitCode::from(code)
}
