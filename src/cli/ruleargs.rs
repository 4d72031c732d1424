//! Options shared by the commands that load rules.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, ValueEnum};
use miette::{GraphicalReportHandler, GraphicalTheme};

use policylint::rules::{Lang, Loader, LocatedRuleError, RuleSet};

#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub(crate) enum LangArg {
    #[default]
    Ja,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Ja => Lang::Ja,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Debug, Args, Clone, Default)]
pub(crate) struct RuleArgs {
    /// Add a rule file, or a directory of `*.rules` files (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub(crate) rules: Vec<PathBuf>,
    /// Do not load the built-in packs.
    #[arg(long)]
    pub(crate) no_builtin: bool,
}

/// Load the built-in packs (unless `no_builtin`) and the given rule paths.
/// On failure, every error is rendered to a string for stderr.
pub(crate) fn load_with_builtin(args: &RuleArgs, color: bool) -> Result<Arc<RuleSet>, String> {
    load_inner(!args.no_builtin, &args.rules, color)
}

/// Load the given rule paths only.
pub(crate) fn load(paths: &[PathBuf], color: bool) -> Result<Arc<RuleSet>, String> {
    load_inner(false, paths, color)
}

fn load_inner(builtin: bool, paths: &[PathBuf], color: bool) -> Result<Arc<RuleSet>, String> {
    // Packs reach their own folder and the project (the working directory).
    let mut loader = Loader::new().with_project(Path::new("."));
    if builtin {
        loader.add_builtin();
    }
    let mut io_errors = String::new();
    for p in paths {
        if let Err(e) = loader.add_path(p) {
            io_errors.push_str(&format!("error: {e}\n"));
        }
    }
    if !io_errors.is_empty() {
        return Err(io_errors);
    }
    loader
        .compile()
        .map(Arc::new)
        .map_err(|errs| render_errors(&errs, color))
}

/// Render rule errors with miette, followed by a count.
pub(crate) fn render_errors(errs: &[LocatedRuleError], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for e in errs {
        if handler.render_report(&mut out, e).is_err() {
            out.push_str(&format!("error: {}\n", e.error.message));
        }
        out.push('\n');
    }
    let n = errs.len();
    out.push_str(&format!(
        "{n} error{} in rule files\n",
        if n == 1 { "" } else { "s" }
    ));
    out
}
