//! Command-line interface: argument parsing, `policylint.toml`, and one
//! module per command. Each command returns how it ended; `main` maps that
//! to an exit code.

mod check;
mod config;
mod diff;
mod help;
mod init;
mod lsp;
mod lsp_rules;
mod outline;
mod paths;
mod ruleargs;
mod rules_cmd;
mod sets;
mod test_cmd;

use std::io::IsTerminal;

use clap::{Parser, Subcommand};

use crate::{Error, Outcome};

#[derive(Debug, Parser)]
#[command(
    name = "policylint",
    version,
    about = "A policy-as-code linter for privacy policies (APPI first)",
    long_about = None,
    // Our own `help` adds topics (`help config`) to clap's command help.
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check privacy policies against the rule packs (the built-in APPI pack by default).
    Check(check::CheckArgs),
    /// Compare two versions of a policy requirement by requirement: what the
    /// new one drops, adds or changes (two files, --git REV FILE, --staged,
    /// or one file holding a 改定前/改定後 table).
    Diff(diff::DiffArgs),
    /// Print the document tree the engine sees: sections, paragraphs, list
    /// items, table cells and sentences, each with line:column.
    Outline(outline::OutlineArgs),
    /// List the loaded rules: id, severity, title and pack.
    Rules(rules_cmd::RulesArgs),
    /// Explain one rule: what it checks, why, the citation, and examples.
    Explain(rules_cmd::ExplainArgs),
    /// Run the examples written in rule files (`test pass` / `test fail`).
    Test(test_cmd::TestArgs),
    /// Run the language server (LSP over standard input and output): findings
    /// as you type in editors (docs/lsp.md).
    Lsp(lsp::LspArgs),
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
    /// Print help: `help config` for the policylint.toml reference, `help
    /// COMMAND` for a command.
    Help(help::HelpArgs),
}

/// Whether to colour output written to stderr.
pub(crate) fn stderr_color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

/// Parse the arguments and run the command.
pub(crate) fn run() -> Result<Outcome, Error> {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Outline(args) => outline::run(&args),
        Command::Rules(args) => rules_cmd::rules(&args),
        Command::Explain(args) => rules_cmd::explain(&args),
        Command::Test(args) => test_cmd::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Lsp(args) => lsp::run(&args),
        Command::Help(args) => help::run(&args),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "policylint", &mut std::io::stdout());
            Ok(Outcome::Clean)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd)
                .render(&mut std::io::stdout())
                .map(|()| Outcome::Clean)
                .map_err(|e| Error::Usage(format!("error: cannot write the man page: {e}\n")))
        }
    }
}
