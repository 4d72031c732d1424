//! `policylint test [PATH]...`: run the examples in rule files and the
//! fixtures under the `tests` folders of the directories given.

use std::path::PathBuf;

use clap::Args;

use super::ruleargs::load;
use super::stderr_color;
use crate::{Error, Outcome};
use policylint::engine::fixtures;
use policylint::engine::testing::run_with_fixtures;
use policylint::report::test_report;

#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    /// Rule files or directories of `*.rules` files (default: `rules`);
    /// documents under a `tests` folder in a directory are test fixtures.
    paths: Vec<PathBuf>,
}

pub(crate) fn run(args: &TestArgs) -> Result<Outcome, Error> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("rules")]
    } else {
        args.paths.clone()
    };
    let set = load(&paths, stderr_color()).map_err(Error::Usage)?;
    let (found, problems) = fixtures::discover(&paths, &set);
    let reports = run_with_fixtures(&set, |_| true, &found);
    let (text, ok) = test_report::render(&set, &reports, &problems);
    print!("{text}");
    Ok(if ok {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
