//! `policylint rules` and `policylint explain ID`.

use std::fmt::Write as _;

use clap::Args;

use super::ruleargs::{LangArg, RuleArgs, load_with_builtin};
use super::stderr_color;
use crate::{Error, Outcome};
use policylint::report::explain;
use policylint::rules::Lang;

#[derive(Debug, Args)]
pub(crate) struct RulesArgs {
    #[command(flatten)]
    rules: RuleArgs,
    /// Language of titles.
    #[arg(long, value_enum, default_value = "ja")]
    lang: LangArg,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// The rule id, e.g. appi/joint-use.
    id: String,
    #[command(flatten)]
    rules: RuleArgs,
    /// Language of the explanation.
    #[arg(long, value_enum, default_value = "ja")]
    lang: LangArg,
}

pub(crate) fn rules(args: &RulesArgs) -> Result<Outcome, Error> {
    let set = load_with_builtin(&args.rules, stderr_color()).map_err(Error::Usage)?;
    if set.rules.is_empty() {
        return Err(Error::Usage(
            "no rules loaded: pass --rules PATH (a rule file or a directory of *.rules files)\n"
                .into(),
        ));
    }
    print!("{}", explain::list(&set, Lang::from(args.lang)));
    Ok(Outcome::Clean)
}

pub(crate) fn explain(args: &ExplainArgs) -> Result<Outcome, Error> {
    let set = load_with_builtin(&args.rules, stderr_color()).map_err(Error::Usage)?;
    let Some(rule) = set.rule(&args.id) else {
        let mut msg = format!("error: no rule `{}`", args.id);
        if let Some(near) = set.suggest(&args.id) {
            let _ = write!(msg, "; did you mean `{near}`?");
        } else {
            let mut ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
            ids.sort();
            if !ids.is_empty() {
                let _ = write!(msg, "; loaded rules: {}", ids.join(", "));
            }
        }
        msg.push('\n');
        return Err(Error::Usage(msg));
    };
    print!("{}", explain::explain(&set, rule, Lang::from(args.lang)));
    Ok(Outcome::Clean)
}
