//! `policylint test [PATH]...`: run the examples in rule files.

use std::path::PathBuf;

use clap::Args;

use super::ruleargs::load;
use super::stderr_color;
use crate::{Error, Outcome};
use policylint::engine::testing::run_all;
use policylint::report::test_report;

#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    /// Rule files or directories of `*.rules` files (default: `rules`).
    paths: Vec<PathBuf>,
}

pub(crate) fn run(args: &TestArgs) -> Result<Outcome, Error> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("rules")]
    } else {
        args.paths.clone()
    };
    let set = load(&paths, stderr_color()).map_err(Error::Usage)?;
    let reports = run_all(&set, |_| true);
    let (text, ok) = test_report::render(&set, &reports);
    print!("{text}");
    Ok(if ok {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
