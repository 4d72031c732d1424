//! `policylint check [PATHS...]`: the command every user runs.
//!
//! The report is streamed: files are checked in parallel, in the order of
//! their paths, each rendered in its worker; the calling thread writes each
//! file's part as soon as the files before it are written, then the totals.
//! Memory does not grow with the corpus.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use clap::{Args, ValueEnum};
use miette::{GraphicalReportHandler, GraphicalTheme};

use super::config::{Config, ConfigError, FailLevel, by_position};
use super::paths;
use super::ruleargs::{LangArg, render_errors};
use super::stderr_color;
use crate::{Error, Outcome};
use policylint::engine::baseline::{Baseline, Entry};
use policylint::engine::{Checked, Engine, Printer, entry, valid_file_timeout};
use policylint::report::{Format, Printed, Report, human};
use policylint::rules::{Lang, Loader, Severity};
use policylint::source::walk::WalkItem;
use policylint::text::escape_controls;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum OutFormat {
    Human,
    Json,
    Sarif,
    Github,
    Markdown,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Files and directories to check (default: the current directory).
    paths: Vec<PathBuf>,
    /// Configuration file (default: policylint.toml here or in a parent directory).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Do not apply the configuration's `exclude` globs: check the files
    /// named even if they are excluded, and walk excluded folders.
    #[arg(long)]
    no_exclude: bool,
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
    /// Number of threads (default: all cores; at most 1024).
    #[arg(long, short = 'j', value_parser = threads)]
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
    /// Seconds one file may take, from reading it to its last rule, before
    /// its remaining rules are skipped and the file is reported (default: 10).
    #[arg(long, value_parser = seconds)]
    file_timeout: Option<f64>,
    /// Fail the run (exit 3) when a file was skipped: binary, empty or too large.
    #[arg(long)]
    fail_on_skip: bool,
    /// Show each file's context (operator, document kind, service) and where
    /// it was read, and the rules that did not apply, with the reason.
    #[arg(long)]
    explain_context: bool,
}

/// The most threads `-j` takes: more than any machine has cores for.
const MAX_THREADS: usize = 1024;

fn threads(s: &str) -> Result<usize, String> {
    let n: usize = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of threads"))?;
    if n > MAX_THREADS {
        return Err(format!(
            "{n} threads is more than the {MAX_THREADS} -j allows"
        ));
    }
    Ok(n)
}

fn seconds(s: &str) -> Result<f64, String> {
    let t: f64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    valid_file_timeout(t)
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
    // All of them are here: the count says so.
    if errs.len() > 1 {
        out.push_str(&format!("{} errors in the configuration\n", errs.len()));
    }
    out
}

/// The configuration given, else the one found here or above, else none;
/// with every error found in it that needs no rules.
pub(crate) fn find_config(given: Option<&Path>) -> (Config, Vec<ConfigError>) {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    // A config found here is shown relative to here.
    let config_path = given.map(Path::to_path_buf).or_else(|| {
        Config::discover(&cwd).map(|p| p.strip_prefix(&cwd).map(PathBuf::from).unwrap_or(p))
    });
    match &config_path {
        Some(p) => Config::load(p),
        None => (Config::default(), Vec::new()),
    }
}

/// The configuration, as [`find_config`], for a command that loads no rules.
pub(crate) fn load_config(given: Option<&Path>) -> Result<Config, Error> {
    match find_config(given) {
        (c, errs) if errs.is_empty() => Ok(c),
        (_, errs) => Err(Error::Usage(config_errors(&errs))),
    }
}

pub(crate) fn run(args: &CheckArgs) -> Result<Outcome, Error> {
    let started = Instant::now();
    // The configuration's errors are reported once the rules are loaded,
    // with its unknown rule ids: all in one run, in the order of the file.
    let (mut config, mut config_errs) = find_config(args.config.as_deref());
    let settings = &mut config.settings;
    if let Some(m) = args.max_file_size {
        settings.max_file_size = m;
    }
    if let Some(m) = args.max_diagnostics {
        settings.max_diagnostics = m.max(1);
    }
    if let Some(t) = args.file_timeout {
        settings.file_timeout = t;
    }
    paths::apply_args(settings, args.no_exclude);
    let usage =
        |errs: &[ConfigError], more: String| Error::Usage(format!("{}{more}", config_errors(errs)));
    // Packs reach their own folder and the project (the working directory).
    let mut loader = Loader::new().with_project(Path::new("."));
    if config.builtin && !args.no_builtin {
        loader.add_builtin();
    }
    for p in config.packs.iter().chain(&args.rules) {
        loader
            .add_path(p)
            .map_err(|e| usage(&config_errs, format!("error: {e}\n")))?;
    }
    let set = loader
        .compile()
        .map_err(|errs| usage(&config_errs, render_errors(&errs, stderr_color())))?;
    config_errs.extend(config.check_rule_ids(&set));
    if !config_errs.is_empty() {
        return Err(usage(&by_position(config_errs), String::new()));
    }
    if set.rules.is_empty() {
        return Err(Error::Usage(
            "error: no rules loaded: the built-in packs are off or empty; add a pack with --rules PATH\n"
                .into(),
        ));
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
        .unwrap_or(FailLevel::At(Severity::Error));
    let baseline = match &args.baseline {
        Some(p) => Some(Mutex::new(
            Baseline::load(p).map_err(|e| Error::Usage(format!("error: {e}\n")))?,
        )),
        None => None,
    };
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let format = match args.format {
        OutFormat::Human => Format::Human(human::Style {
            color: to_terminal && std::env::var_os("NO_COLOR").is_none(),
            width: if to_terminal { 100 } else { 80 },
        }),
        OutFormat::Json => Format::Json,
        OutFormat::Sarif => Format::Sarif,
        OutFormat::Github => Format::Github,
        OutFormat::Markdown => Format::Markdown,
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut engine = Engine::new(&set, config.settings.clone());
    if let Some(b) = &baseline {
        engine = engine.with_baseline(b);
    }
    let walked = engine.walk(&paths);
    eprint!(
        "{}",
        paths::excluded_notes(&walked.excluded, config.path.as_deref(), lang)
    );
    let mut items = walked.items;
    // What this run writes is never read as a policy, and never written
    // over one.
    for out in args.output.iter().chain(&args.write_baseline) {
        guard_output(&mut items, &paths, out)?;
    }
    let bar = (std::io::stderr().is_terminal() && items.len() > 200).then(|| {
        let b = indicatif::ProgressBar::new(items.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let report = Report::new(format, &set, lang).explain_context(args.explain_context);
    let printer = Cli {
        report: &report,
        keep_entries: args.write_baseline.is_some(),
        bar: bar.as_ref(),
    };
    let out: Box<dyn Write> = match &args.output {
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Box::new(BufWriter::with_capacity(1 << 16, f)),
            Err(e) => {
                if let Some(b) = &bar {
                    b.finish_and_clear();
                }
                return Err(Error::Input(format!(
                    "error: cannot write the report: {}: {e}\n",
                    p.display()
                )));
            }
        },
        None => Box::new(BufWriter::with_capacity(1 << 16, std::io::stdout().lock())),
    };
    let mut writer = report.writer(out);
    let mut entries = Vec::new();
    let streamed = engine.run(&items, args.threads, &printer, &mut |done: Done| {
        entries.extend(done.entries);
        // On a terminal, each file's findings show as soon as they are
        // known, without breaking the progress bar.
        let write = || {
            policylint::engine::Sink::write(&mut writer, done.part)?;
            if to_terminal { writer.flush() } else { Ok(()) }
        };
        match &bar {
            Some(b) if to_terminal => b.suspend(write),
            _ => write(),
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let totals = match streamed.and_then(|()| writer.finish()) {
        Ok(t) => t,
        // A closed pipe (`| head`) ends the run quietly; any other write
        // error is an I/O error.
        Err(e) if args.output.is_none() && e.kind() == std::io::ErrorKind::BrokenPipe => {
            return Ok(Outcome::Clean);
        }
        Err(e) => {
            let to = args
                .output
                .as_ref()
                .map_or("standard output".to_string(), |p| p.display().to_string());
            return Err(Error::Input(format!(
                "error: cannot write the report: {to}: {e}\n"
            )));
        }
    };
    if let Some(p) = &args.write_baseline {
        Baseline::write(p, entries).map_err(|e| Error::Input(format!("error: {e}\n")))?;
    }
    eprintln!(
        "{}",
        report
            .texts()
            .summary(&totals, started.elapsed().as_secs_f64())
    );
    if totals.files == 0 {
        eprint!("{}", paths::nothing_checked(walked.excluded.len(), lang));
    }
    // Not read is never compliant: an input error fails the run with its
    // own code, whatever the findings (and so does a skip, when asked).
    if totals.unreadable > 0 || (args.fail_on_skip && totals.skipped > 0) {
        return Err(Error::Input(String::new()));
    }
    let failed = [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .any(|s| totals.active(s) > 0 && fail_level.fails(s));
    Ok(if failed {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}

/// What a worker keeps of a checked file: its part of the report and the
/// baseline entries `--write-baseline` needs. The document is dropped.
struct Done {
    part: Printed,
    entries: Vec<Entry>,
}

/// The report's printer, plus what the command adds: baseline entries and
/// the progress bar.
struct Cli<'a> {
    report: &'a Report<'a>,
    keep_entries: bool,
    bar: Option<&'a indicatif::ProgressBar>,
}

impl Printer for Cli<'_> {
    type Part = Done;

    fn print(&self, c: &Checked<'_>) -> Done {
        if let Some(b) = self.bar {
            b.inc(1);
        }
        let entries = if self.keep_entries {
            let r = &c.result;
            r.diagnostics
                .iter()
                .filter(|d| d.suppressed.is_none())
                .map(|d| entry(&r.path, d))
                .collect()
        } else {
            Vec::new()
        };
        Done {
            part: self.report.print(c),
            entries,
        }
    }
}

/// The heads of what `check` writes (a Markdown, JSON or SARIF report,
/// GitHub workflow commands, a baseline): a file that starts so is an
/// earlier report, not a policy.
const REPORT_HEADS: [&str; 4] = [
    "## policylint\n",
    "{\n  \"version\": 1,\n",
    "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\"",
    "::",
];

fn is_report(path: &Path) -> bool {
    use std::io::Read as _;
    let mut head = [0u8; 80];
    let n = std::fs::File::open(path)
        .and_then(|f| f.take(80).read(&mut head))
        .unwrap_or(0);
    let head = String::from_utf8_lossy(&head[..n]);
    n == 0 || REPORT_HEADS.iter().any(|h| head.starts_with(h))
}

/// A file this run writes (`--output`, `--write-baseline`) among the
/// documents it reads: an earlier report found by the walk is left out (a
/// report is not a policy); a document, or a file named on the command
/// line, is refused rather than overwritten. Files are compared by identity
/// (device and inode), not by name.
fn guard_output(items: &mut Vec<WalkItem>, paths: &[PathBuf], out: &Path) -> Result<(), Error> {
    if !out.exists() {
        return Ok(()); // written after the walk: not among the documents
    }
    let name = out.file_name();
    let same = |p: &Path| p.file_name() == name && same_file::is_same_file(p, out).unwrap_or(false);
    let mut refused = None;
    items.retain(|item| match item {
        WalkItem::File(p) if same(p) => {
            if paths.iter().any(|given| same(given)) || !is_report(p) {
                refused = Some(p.clone());
            }
            false
        }
        _ => true,
    });
    match refused {
        Some(p) => Err(Error::Usage(format!(
            "error: {} is one of the documents being checked; write the report elsewhere\n",
            escape_controls(&p.display().to_string())
        ))),
        None => Ok(()),
    }
}
