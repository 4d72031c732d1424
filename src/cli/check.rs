//! `policylint check [PATHS...]`: the command every user runs.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

use clap::{Args, ValueEnum};
use miette::{GraphicalReportHandler, GraphicalTheme};

use super::ruleargs::{LangArg, render_errors};
use super::{exit, stderr_color};
use crate::config::{Config, ConfigError, FailLevel};
use crate::engine::baseline::Baseline;
use crate::engine::check::{CheckOptions, check, counts, entry, files};
use crate::report::{github, human, json, markdown, sarif};
use crate::rules::{Lang, Loader};

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum OutFormat {
    Human,
    Json,
    Sarif,
    Github,
    Markdown,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files and directories to check (default: the current directory).
    paths: Vec<PathBuf>,
    /// Configuration file (default: policylint.toml here or in a parent directory).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Add a local rule pack: a rule file or a directory of *.rules files (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    rules: Vec<PathBuf>,
    /// Do not load the built-in packs.
    #[arg(long)]
    no_builtin: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: OutFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
    /// Language of messages (default: the config's, else ja).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Lowest severity that fails the run: error, warning, info or never.
    #[arg(long, value_parser = ["error", "warning", "info", "never"])]
    fail_level: Option<String>,
    /// Number of threads (default: all cores).
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    /// Report only findings that are not in this baseline file.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file.
    #[arg(long)]
    write_baseline: Option<PathBuf>,
    /// Skip files larger than this many bytes (default: the config's, else 32 MiB).
    #[arg(long)]
    max_file_size: Option<u64>,
    /// Report at most this many findings per file (default: the config's, else 200).
    #[arg(long)]
    max_diagnostics: Option<usize>,
    /// Seconds one file may take before its remaining rules are skipped (default: 10).
    #[arg(long)]
    file_timeout: Option<f64>,
}

fn config_errors(errs: &[ConfigError]) -> String {
    let theme = if stderr_color() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let h = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for e in errs {
        if h.render_report(&mut out, e).is_err() {
            out.push_str(&format!("error: {e}\n"));
        }
    }
    out
}

pub fn run(args: &CheckArgs) -> u8 {
    let started = Instant::now();
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    // A config found here is shown relative to here.
    let config_path = args.config.clone().or_else(|| {
        Config::discover(&cwd).map(|p| p.strip_prefix(&cwd).map(PathBuf::from).unwrap_or(p))
    });
    let mut config = match &config_path {
        Some(p) => match Config::load(p) {
            Ok(c) => c,
            Err(errs) => {
                eprint!("{}", config_errors(&errs));
                return exit::USAGE;
            }
        },
        None => Config::default(),
    };
    if let Some(m) = args.max_file_size {
        config.max_file_size = m;
    }
    if let Some(m) = args.max_diagnostics {
        config.max_diagnostics = m.max(1);
    }
    if let Some(t) = args.file_timeout.filter(|t| *t > 0.0) {
        config.file_timeout = t;
    }
    let mut loader = Loader::new();
    if config.builtin && !args.no_builtin {
        loader.add_builtin();
    }
    for p in config.packs.iter().chain(&args.rules) {
        if let Err(e) = loader.add_path(p) {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    }
    let set = match loader.compile() {
        Ok(s) => s,
        Err(errs) => {
            eprint!("{}", render_errors(&errs, stderr_color()));
            return exit::USAGE;
        }
    };
    if set.rules.is_empty() {
        eprintln!(
            "error: no rules loaded: the built-in packs are off or empty; add a pack with --rules PATH"
        );
        return exit::USAGE;
    }
    let unknown = config.check_rule_ids(&set);
    if !unknown.is_empty() {
        eprint!("{}", config_errors(&unknown));
        return exit::USAGE;
    }
    let lang = args
        .lang
        .map(Lang::from)
        .or(config.lang)
        .unwrap_or_default();
    let fail_level = args
        .fail_level
        .as_deref()
        .and_then(FailLevel::parse)
        .or(config.fail_level)
        .unwrap_or(FailLevel::At(crate::rules::Severity::Error));
    let baseline = match &args.baseline {
        Some(p) => match Baseline::load(p) {
            Ok(b) => Some(Mutex::new(b)),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        },
        None => None,
    };
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let style = (args.format == OutFormat::Human).then(|| human::Style {
        color: to_terminal && std::env::var_os("NO_COLOR").is_none(),
        width: if to_terminal { 100 } else { 80 },
        lang,
    });
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut opts = CheckOptions {
        paths,
        config: &config,
        lang,
        baseline: baseline.as_ref(),
        human: style,
        on_file: None,
    };
    let items = files(&opts);
    let bar = (std::io::stderr().is_terminal() && items.len() > 200).then(|| {
        let b = indicatif::ProgressBar::new(items.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    opts.on_file = Some(&tick);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build();
    let results = match pool {
        Ok(p) => p.install(|| check(&set, &opts, &items)),
        Err(_) => check(&set, &opts, &items),
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let report = match args.format {
        OutFormat::Human => results.iter().map(|r| r.human.as_str()).collect::<String>(),
        OutFormat::Json => json::render(&results),
        OutFormat::Sarif => sarif::render(&set, &results, lang),
        OutFormat::Github => github::render(&results),
        OutFormat::Markdown => markdown::render(&results, lang),
    };
    let written = match &args.output {
        Some(p) => std::fs::write(p, &report).map_err(|e| format!("{}: {e}", p.display())),
        None => std::io::stdout()
            .lock()
            .write_all(report.as_bytes())
            .map_err(|e| e.to_string()),
    };
    if let Err(e) = written {
        if args.output.is_some() {
            eprintln!("error: cannot write the report: {e}");
            return exit::USAGE;
        }
        return exit::OK; // stdout closed (a pipe to `head`)
    }
    if let Some(p) = &args.write_baseline {
        let entries = results
            .iter()
            .flat_map(|r| {
                r.diagnostics
                    .iter()
                    .filter(|d| d.suppressed.is_none())
                    .map(move |d| entry(&r.path, d))
            })
            .collect();
        if let Err(e) = Baseline::write(p, entries) {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    }
    let (e, w, i) = counts(&results);
    let skipped = results.iter().filter(|r| r.skipped.is_some()).count();
    let all = || results.iter().flat_map(|r| &r.diagnostics);
    let suppressed = all().filter(|d| d.suppressed.is_some()).count();
    let baselined = all().filter(|d| d.baselined).count();
    let secs = started.elapsed().as_secs_f64();
    let summary = match lang {
        Lang::Ja => format!(
            "{}ファイルを検査（{skipped}件スキップ）: エラー{e}件、警告{w}件、情報{i}件、抑制{suppressed}件、ベースライン{baselined}件（{secs:.2}秒）",
            results.len()
        ),
        Lang::En => format!(
            "checked {} files ({skipped} skipped): {e} errors, {w} warnings, {i} info; {suppressed} suppressed, {baselined} baselined ({secs:.2}s)",
            results.len()
        ),
    };
    eprintln!("{summary}");
    let failed = all()
        .filter(|d| d.active())
        .any(|d| fail_level.fails(d.severity));
    if failed { exit::FINDINGS } else { exit::OK }
}
