//! `policylint help [TOPIC]`: clap's help for a command, plus reference
//! pages that ship inside the binary, so that what `init` writes can point
//! to documentation every user has (not to a file of this repository).

use clap::{Args, CommandFactory};

use crate::{Error, Outcome};

/// The `policylint.toml` reference, as in the repository's docs/config.md.
const CONFIG: &str = include_str!("../../docs/config.md");

#[derive(Debug, Args)]
pub(crate) struct HelpArgs {
    /// `config` (the policylint.toml reference) or a command name.
    topic: Option<String>,
}

pub(crate) fn run(args: &HelpArgs) -> Result<Outcome, Error> {
    let mut cmd = super::Cli::command();
    let Some(topic) = args.topic.as_deref() else {
        print!("{}", cmd.render_long_help());
        return Ok(Outcome::Clean);
    };
    if topic == "config" {
        print!("{CONFIG}");
        return Ok(Outcome::Clean);
    }
    if let Some(sub) = cmd.find_subcommand_mut(topic) {
        print!("{}", sub.render_long_help());
        return Ok(Outcome::Clean);
    }
    let commands: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
    Err(Error::Usage(format!(
        "error: no help topic '{topic}'; topics: config, {}\n",
        commands.join(", ")
    )))
}
