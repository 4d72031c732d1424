//! `policylint test [PATH]...`: run the examples in rule files.

use std::path::PathBuf;

use clap::Args;

use super::ruleargs::load;
use super::{exit, stderr_color};
use crate::engine::testing::run_all;
use crate::report::test_report;

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Rule files or directories of `*.rules` files (default: `rules`).
    paths: Vec<PathBuf>,
}

pub fn run(args: &TestArgs) -> u8 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from("rules")]
    } else {
        args.paths.clone()
    };
    let set = match load(&paths, stderr_color()) {
        Ok(s) => s,
        Err(e) => {
            eprint!("{e}");
            return exit::USAGE;
        }
    };
    let reports = run_all(&set, |_| true);
    let (text, ok) = test_report::render(&reports);
    print!("{text}");
    if ok { exit::OK } else { exit::FINDINGS }
}
