//! `policylint rules` and `policylint explain ID`.

use std::fmt::Write as _;

use clap::Args;

use super::ruleargs::{LangArg, RuleArgs, load_with_builtin};
use super::{exit, stderr_color};
use crate::report::explain;
use crate::rules::Lang;

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(flatten)]
    rules: RuleArgs,
    /// Language of titles.
    #[arg(long, value_enum, default_value = "ja")]
    lang: LangArg,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, e.g. appi/joint-use.
    id: String,
    #[command(flatten)]
    rules: RuleArgs,
    /// Language of the explanation.
    #[arg(long, value_enum, default_value = "ja")]
    lang: LangArg,
}

pub fn rules(args: &RulesArgs) -> u8 {
    let set = match load_with_builtin(&args.rules, stderr_color()) {
        Ok(s) => s,
        Err(e) => {
            eprint!("{e}");
            return exit::USAGE;
        }
    };
    if set.rules.is_empty() {
        eprintln!(
            "no rules loaded: pass --rules PATH (a rule file or a directory of *.rules files)"
        );
        return exit::USAGE;
    }
    print!("{}", explain::list(&set, Lang::from(args.lang)));
    exit::OK
}

pub fn explain(args: &ExplainArgs) -> u8 {
    let set = match load_with_builtin(&args.rules, stderr_color()) {
        Ok(s) => s,
        Err(e) => {
            eprint!("{e}");
            return exit::USAGE;
        }
    };
    let Some(rule) = set.rule(&args.id) else {
        let mut msg = format!("error: no rule `{}`", args.id);
        let mut ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
        ids.sort();
        if !ids.is_empty() {
            let _ = write!(msg, "; loaded rules: {}", ids.join(", "));
        }
        eprintln!("{msg}");
        return exit::USAGE;
    };
    print!("{}", explain::explain(&set, rule, Lang::from(args.lang)));
    exit::OK
}
