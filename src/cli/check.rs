//! `policylint check [PATHS...]`: the command every user runs.
//!
//! The report is streamed: files are checked in parallel, in the order of
//! their paths, each rendered in its worker; the calling thread writes each
//! file's part as soon as the files before it are written, then the totals.
//! Memory does not grow with the corpus.

use std::collections::HashMap;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use clap::{Args, ValueEnum};
use miette::{GraphicalReportHandler, GraphicalTheme};

use super::ruleargs::{LangArg, render_errors};
use super::{exit, stderr_color};
use crate::config::{Config, ConfigError, FailLevel};
use crate::engine::baseline::{Baseline, Entry};
use crate::engine::check::{
    CheckOptions, FileResult, check_item, entry, files, item_path, sort_items,
};
use crate::engine::ordered::ordered;
use crate::report::stream::{Frame, Totals, Writer};
use crate::report::{github, human, json, markdown, sarif};
use crate::rules::{Lang, Loader, Severity};
use crate::source::walk::WalkItem;

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
    let mut items = files(&opts);
    // The order of files in every report.
    sort_items(&mut items);
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
    let render = match args.format {
        OutFormat::Human => Render::Human,
        OutFormat::Json => Render::Json,
        OutFormat::Sarif => Render::Sarif(sarif::Log::new(&set, lang)),
        OutFormat::Github => Render::Github,
        OutFormat::Markdown => Render::Markdown,
    };
    let keep_entries = args.write_baseline.is_some();
    let check_one = |i: usize| {
        let r = check_item(&set, &opts, &items[i]);
        tick();
        render.done(r, keep_entries)
    };
    // A report that overwrites one of the documents: check those first, so
    // that they are read as they were, not as an emptied report.
    let early: Mutex<HashMap<usize, Done>> = Mutex::new(match &args.output {
        Some(out) => same_file(&items, out)
            .into_iter()
            .map(|i| (i, check_one(i)))
            .collect(),
        None => HashMap::new(),
    });
    let has_early = !early.lock().unwrap_or_else(|e| e.into_inner()).is_empty();
    let out: Box<dyn Write> = match &args.output {
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Box::new(BufWriter::with_capacity(1 << 16, f)),
            Err(e) => {
                if let Some(b) = &bar {
                    b.finish_and_clear();
                }
                eprintln!("error: cannot write the report: {}: {e}", p.display());
                return exit::USAGE;
            }
        },
        None => Box::new(BufWriter::with_capacity(1 << 16, std::io::stdout().lock())),
    };
    let frame = match &render {
        Render::Human | Render::Github => Frame::default(),
        Render::Json => json::frame(),
        Render::Sarif(log) => log.frame(),
        Render::Markdown => markdown::frame(lang),
    };
    let mut writer = Writer::new(out, frame);
    let mut totals = Totals::default();
    // The JSON report's `files` come after the diagnostics: keep what they
    // say besides the path (the path is the item's).
    let mut file_entries: Vec<json::FileEntry> = Vec::new();
    if matches!(render, Render::Json) {
        file_entries.reserve_exact(items.len());
    }
    let mut entries = Vec::new();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .ok();
    let streamed = ordered(
        pool.as_ref(),
        items.len(),
        |i| {
            if has_early {
                let done = early.lock().unwrap_or_else(|e| e.into_inner()).remove(&i);
                if let Some(d) = done {
                    return d;
                }
            }
            check_one(i)
        },
        |d: Done| -> std::io::Result<()> {
            // On a terminal, each file's findings show as soon as they are
            // known, without breaking the progress bar.
            if to_terminal {
                match &bar {
                    Some(b) => b.suspend(|| writer.file(&d.part).and_then(|()| writer.flush()))?,
                    None => writer.file(&d.part).and_then(|()| writer.flush())?,
                }
            } else {
                writer.file(&d.part)?;
            }
            totals.merge(&d.totals);
            file_entries.extend(d.file);
            entries.extend(d.entries);
            Ok(())
        },
    );
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let written = streamed.and_then(|()| {
        writer
            .finish(|out| match &render {
                Render::Human | Render::Github => Ok(()),
                Render::Json => {
                    let paths = items.iter().map(item_path);
                    let files = paths.zip(&file_entries);
                    json::write_tail(out, files, &totals)
                }
                Render::Sarif(log) => out.write_all(log.tail().as_bytes()),
                Render::Markdown => out.write_all(markdown::tail(&totals, lang).as_bytes()),
            })
            .map(drop)
    });
    if let Err(e) = written {
        if let Some(p) = &args.output {
            eprintln!("error: cannot write the report: {}: {e}", p.display());
            return exit::USAGE;
        }
        return exit::OK; // stdout closed (a pipe to `head`)
    }
    if let Some(p) = &args.write_baseline
        && let Err(e) = Baseline::write(p, entries)
    {
        eprintln!("error: {e}");
        return exit::USAGE;
    }
    let Totals {
        files: n,
        skipped,
        error: e,
        warning: w,
        info: i,
        suppressed,
        baselined,
    } = totals;
    let secs = started.elapsed().as_secs_f64();
    let summary = match lang {
        Lang::Ja => format!(
            "{n}ファイルを検査（{skipped}件スキップ）: エラー{e}件、警告{w}件、情報{i}件、抑制{suppressed}件、ベースライン{baselined}件（{secs:.2}秒）"
        ),
        Lang::En => format!(
            "checked {n} files ({skipped} skipped): {e} errors, {w} warnings, {i} info; {suppressed} suppressed, {baselined} baselined ({secs:.2}s)"
        ),
    };
    eprintln!("{summary}");
    let failed = [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .any(|s| totals.active(s) > 0 && fail_level.fails(s));
    if failed { exit::FINDINGS } else { exit::OK }
}

/// How each file's part of the report is rendered (in its worker).
enum Render {
    Human,
    Json,
    Sarif(sarif::Log),
    Github,
    Markdown,
}

/// What a worker keeps of a checked file: its part of the report and what
/// the end of the run needs. The document and its findings are dropped.
struct Done {
    part: String,
    /// Its entry in the JSON report's `files`.
    file: Option<json::FileEntry>,
    totals: Totals,
    /// Baseline entries, only for `--write-baseline`.
    entries: Vec<Entry>,
}

impl Render {
    fn done(&self, mut r: FileResult, keep_entries: bool) -> Done {
        let part = match self {
            Render::Human => std::mem::take(&mut r.human),
            Render::Json => json::diagnostics(&r),
            Render::Sarif(log) => log.results(&r),
            Render::Github => github::render_file(&r),
            Render::Markdown => markdown::rows(&r),
        };
        let file = matches!(self, Render::Json).then(|| json::FileEntry::of(&r));
        let entries = if keep_entries {
            r.diagnostics
                .iter()
                .filter(|d| d.suppressed.is_none())
                .map(|d| entry(&r.path, d))
                .collect()
        } else {
            Vec::new()
        };
        Done {
            part,
            file,
            totals: Totals::of(&r),
            entries,
        }
    }
}

/// The walked files that are `out` (by name first, then by canonical path).
fn same_file(items: &[WalkItem], out: &Path) -> Vec<usize> {
    let Ok(target) = out.canonicalize() else {
        return Vec::new(); // not there yet: no document to protect
    };
    let names = [out.file_name(), target.file_name()];
    items
        .iter()
        .enumerate()
        .filter(|(_, item)| match item {
            WalkItem::File(p) => {
                names.contains(&p.file_name()) && p.canonicalize().is_ok_and(|c| c == target)
            }
            WalkItem::Error(..) => false,
        })
        .map(|(i, _)| i)
        .collect()
}
