//! `policylint check [PATHS...]`: the command every user runs.
//!
//! The report is streamed: files are checked in parallel, in the order of
//! their paths, each rendered in its worker; the calling thread writes each
//! file's part as soon as the files before it are written, then the totals.
//! Memory does not grow with the corpus, except for the HTML report: its
//! matrix comes first, so it keeps each document's part (requirements and
//! short excerpts, not the document) until the end.

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
use policylint::engine::{Checked, Engine, Printer, Totals, entry, valid_file_timeout};
use policylint::report::{Format, Printed, Report, ReportWriter, human};
use policylint::rules::{Lang, Loader, RuleSet, Severity};
use policylint::source::read_stream;
use policylint::source::walk::{Excluded, Filter, WalkItem};
use policylint::text::escape_controls;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum OutFormat {
    /// Each finding with its source snippet.
    Human,
    /// The JSON report (docs/json.md).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands: annotations.
    Github,
    /// A table of findings, then the counts (a job summary).
    Markdown,
    /// One line per finding: `path:line:column: severity rule: message`.
    Compact,
    /// The compliance report: one self-contained HTML page, a matrix of
    /// requirements by document, then each one's evidence (docs/report.md).
    Html,
}

impl OutFormat {
    fn name(self) -> &'static str {
        match self {
            OutFormat::Human => "human",
            OutFormat::Json => "json",
            OutFormat::Sarif => "sarif",
            OutFormat::Github => "github",
            OutFormat::Markdown => "markdown",
            OutFormat::Compact => "compact",
            OutFormat::Html => "html",
        }
    }

    /// The report's format; a human report on a terminal is coloured
    /// (unless NO_COLOR) and wider.
    fn report(self, on_terminal: bool) -> Format {
        match self {
            OutFormat::Human => Format::Human(human::Style {
                color: on_terminal && std::env::var_os("NO_COLOR").is_none(),
                width: if on_terminal { 100 } else { 80 },
            }),
            OutFormat::Json => Format::Json,
            OutFormat::Sarif => Format::Sarif,
            OutFormat::Github => Format::Github,
            OutFormat::Markdown => Format::Markdown,
            OutFormat::Compact => Format::Compact,
            OutFormat::Html => Format::Html,
        }
    }
}

/// One `--output` value: `PATH`, where `--format` goes, or `FORMAT=PATH`,
/// one more report of the same run.
#[derive(Debug, Clone)]
pub(crate) struct OutputArg {
    format: Option<OutFormat>,
    path: PathBuf,
}

fn output_arg(s: &str) -> Result<OutputArg, String> {
    if let Some((name, path)) = s.split_once('=') {
        // A word before `=` names a format; a file whose name only looks
        // so is written with a folder (`./a=b`).
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()) {
            let format = OutFormat::from_str(name, false).map_err(|_| {
                let names: Vec<&str> = OutFormat::value_variants()
                    .iter()
                    .map(|f| f.name())
                    .collect();
                format!(
                    "unknown format `{name}` (formats: {}); a file whose name has `=` is written ./{s}",
                    names.join(", ")
                )
            })?;
            if path.is_empty() {
                return Err(format!(
                    "no path after `{name}=`: give FORMAT=PATH, or FORMAT=- for standard output"
                ));
            }
            return Ok(OutputArg {
                format: Some(format),
                path: PathBuf::from(path),
            });
        }
    }
    if s.is_empty() {
        return Err("an empty path".into());
    }
    Ok(OutputArg {
        format: None,
        path: PathBuf::from(s),
    })
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Files and directories to check (default: the current directory); `-`
    /// reads one document from standard input.
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
    /// Format of the report on standard output (or in the file a bare
    /// `--output PATH` names).
    #[arg(long, value_enum, default_value = "human")]
    format: OutFormat,
    /// `PATH`: write the --format report there instead of standard output.
    /// `FORMAT=PATH` (repeatable): also write a report in FORMAT there, from
    /// the same run (`-` is standard output). Example: `--format github
    /// --output sarif=policylint.sarif --output markdown=summary.md`.
    #[arg(long, short = 'o', value_name = "[FORMAT=]PATH", value_parser = output_arg)]
    output: Vec<OutputArg>,
    /// The name of the document read from standard input (`-`): shown in
    /// the reports; its extension picks the format, and the configuration's
    /// overrides and excludes apply by it. It need not exist.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<PathBuf>,
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
    /// Do not infer document sets from relative links between the pages
    /// checked (the configuration's `[[sets]]` still apply).
    #[arg(long)]
    no_infer_sets: bool,
    /// Report every requirement's state (satisfied, missing, referenced,
    /// not applicable…) and where each element was found: the JSON
    /// `requirements` of each file, the Markdown requirement matrix.
    #[arg(long)]
    evidence: bool,
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

pub(crate) fn config_errors(errs: &[ConfigError]) -> String {
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

/// The rules a configuration names (the built-in packs unless turned off,
/// its packs, then `extra`), compiled; the configuration's own errors
/// (`config_errs`, and rule ids no loaded rule has) reported with them, all
/// at once. What `check` and `diff` load alike.
pub(crate) fn load_rules(
    config: &Config,
    mut config_errs: Vec<ConfigError>,
    no_builtin: bool,
    extra: &[PathBuf],
) -> Result<RuleSet, Error> {
    let usage =
        |errs: &[ConfigError], more: String| Error::Usage(format!("{}{more}", config_errors(errs)));
    // Packs reach their own folder and the project (the working directory).
    let mut loader = Loader::new().with_project(Path::new("."));
    if config.builtin && !no_builtin {
        loader.add_builtin();
    }
    for p in config.packs.iter().chain(extra) {
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
    Ok(set)
}

pub(crate) fn run(args: &CheckArgs) -> Result<Outcome, Error> {
    let started = Instant::now();
    // The configuration's errors are reported once the rules are loaded,
    // with its unknown rule ids: all in one run, in the order of the file.
    let (mut config, config_errs) = find_config(args.config.as_deref());
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
    let set = load_rules(&config, config_errs, args.no_builtin, &args.rules)?;
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
    let outputs = resolve_outputs(args)?;
    let stdout_terminal = std::io::stdout().is_terminal();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let stdin = stdin_name(args)?;
    let formats: Vec<Format> = outputs.iter().map(|o| o.format.report(false)).collect();
    let evidence = args.evidence || policylint::report::wants_evidence(&formats);
    let mut engine = Engine::new(&set, config.settings.clone()).with_evidence(evidence);
    if let Some(b) = &baseline {
        engine = engine.with_baseline(b);
    }
    let (mut items, input, excluded) = match &stdin {
        Some(name) => {
            // Standard input goes by its name, as a named file: left out
            // when the configuration excludes that name.
            let s = &config.settings;
            let excluded: Vec<Excluded> = Filter::new(&s.base_dir, &s.include, &s.exclude)
                .ok()
                .and_then(|f| f.excluded(name, false))
                .map(|glob| Excluded {
                    path: name.clone(),
                    glob,
                })
                .into_iter()
                .collect();
            (Vec::new(), vec![name.clone()], excluded)
        }
        None => {
            let walked = engine.walk(&paths);
            (walked.items, paths.clone(), walked.excluded)
        }
    };
    eprint!(
        "{}",
        paths::excluded_notes(&excluded, config.path.as_deref(), lang)
    );
    // An excluded standard input is not read; the reports are written, empty.
    let read_stdin = stdin.as_ref().filter(|_| excluded.is_empty());
    // What this run writes is never read as a policy, and never written
    // over one.
    for out in outputs
        .iter()
        .filter_map(|o| o.file())
        .chain(args.write_baseline.as_deref())
    {
        guard_output(&mut items, &input, out)?;
        // Standard input's name may be a file: the document, not a report.
        if stdin.as_deref().is_some_and(|name| same_path(name, out)) {
            return Err(Error::Usage(format!(
                "error: {} is the name of the document being checked; write the report elsewhere\n",
                escape_controls(&out.display().to_string())
            )));
        }
    }
    let infer = config.infer_sets && !args.no_infer_sets;
    let sets = if read_stdin.is_some() {
        Vec::new()
    } else {
        let max = engine.settings().max_file_size;
        let (sets, notes) = super::sets::resolve(&config, &items, infer, max)
            .map_err(|errs| Error::Usage(config_errors(&errs)))?;
        eprint!("{notes}");
        sets
    };
    let bar = (std::io::stderr().is_terminal() && items.len() > 200).then(|| {
        let b = indicatif::ProgressBar::new(items.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let reports: Vec<Report> = outputs
        .iter()
        .map(|o| {
            let on_terminal = o.dest == Dest::Stdout && stdout_terminal;
            Report::new(o.format.report(on_terminal), &set, lang)
                .explain_context(args.explain_context)
                .evidence(evidence)
        })
        .collect();
    let printer = Cli {
        reports: &reports,
        keep_entries: args.write_baseline.is_some(),
        bar: bar.as_ref(),
    };
    let mut slots = Vec::with_capacity(outputs.len());
    for (o, report) in outputs.iter().zip(&reports) {
        let out: Box<dyn Write> = match &o.dest {
            Dest::Stdout => Box::new(BufWriter::with_capacity(1 << 16, std::io::stdout())),
            Dest::File(p) => match std::fs::File::create(p) {
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
        };
        slots.push(Slot {
            writer: Some(report.writer(out)),
            dest: &o.dest,
            failed: None,
        });
    }
    // On a terminal, each file's findings show as soon as they are known.
    let live = outputs.iter().any(|o| o.dest == Dest::Stdout) && stdout_terminal;
    let mut entries = Vec::new();
    let mut totals = Totals::default();
    // Every report gets its part of each file, from the one evaluation; a
    // report that cannot be written is given up, and the run goes on for
    // the others (a closed pipe does not lose the SARIF file).
    let mut sink = |done: Done| -> std::io::Result<()> {
        entries.extend(done.entries);
        if let Some(first) = done.parts.first() {
            totals.merge(&first.totals);
        }
        let write = || {
            for (slot, part) in slots.iter_mut().zip(done.parts) {
                slot.write(part, live);
            }
        };
        match &bar {
            // Without breaking the progress bar.
            Some(b) if live => b.suspend(write),
            _ => write(),
        }
        if slots.iter().all(|s| s.failed.is_some()) {
            return Err(std::io::Error::other("no report can be written"));
        }
        Ok(())
    };
    let streamed = match read_stdin {
        Some(name) => {
            let read = read_stream(
                name,
                std::io::stdin().lock(),
                engine.settings().max_file_size,
            );
            let part = engine.check_read(name, read, |c| printer.print(&c));
            sink(part)
        }
        None => engine.run_sets(&items, &sets, args.threads, &printer, &mut sink),
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let mut closed_pipe = false;
    for slot in &mut slots {
        slot.finish();
        match (&slot.failed, slot.dest) {
            (None, _) => {}
            // A closed pipe (`| head`) ends the run quietly; any other
            // write error is an I/O error.
            (Some(e), Dest::Stdout) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                closed_pipe = true;
            }
            (Some(e), dest) => {
                return Err(Error::Input(format!(
                    "error: cannot write the report: {dest}: {e}\n"
                )));
            }
        }
    }
    if closed_pipe {
        // The run was cut short when nothing else was being written: its
        // findings are not all known, so no baseline is written from them.
        if streamed.is_ok() {
            write_baseline(args, entries)?;
        }
        return Ok(Outcome::Clean);
    }
    write_baseline(args, entries)?;
    if let Some(report) = reports.first() {
        eprintln!(
            "{}",
            report
                .texts()
                .summary(&totals, started.elapsed().as_secs_f64())
        );
    }
    if totals.files == 0 {
        eprint!("{}", paths::nothing_checked(excluded.len(), lang));
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

fn write_baseline(args: &CheckArgs, entries: Vec<Entry>) -> Result<(), Error> {
    match &args.write_baseline {
        Some(p) => Baseline::write(p, entries).map_err(|e| Error::Input(format!("error: {e}\n"))),
        None => Ok(()),
    }
}

/// Where a report goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Dest {
    Stdout,
    File(PathBuf),
}

impl Dest {
    fn of(path: &Path) -> Dest {
        if path == Path::new("-") {
            Dest::Stdout
        } else {
            Dest::File(path.to_path_buf())
        }
    }
}

impl std::fmt::Display for Dest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Dest::Stdout => f.write_str("standard output"),
            Dest::File(p) => write!(f, "{}", escape_controls(&p.display().to_string())),
        }
    }
}

/// One report of the run: a format and where it goes.
#[derive(Debug)]
struct Output {
    format: OutFormat,
    dest: Dest,
}

impl Output {
    fn file(&self) -> Option<&Path> {
        match &self.dest {
            Dest::File(p) => Some(p),
            Dest::Stdout => None,
        }
    }
}

/// The reports a run writes: `--format` to standard output, or to the bare
/// `--output PATH`, then each `--output FORMAT=PATH`. One may go to
/// standard output, and no two to one file.
fn resolve_outputs(args: &CheckArgs) -> Result<Vec<Output>, Error> {
    let usage = |m: String| Err(Error::Usage(format!("error: {m}\n")));
    let bare: Vec<&OutputArg> = args.output.iter().filter(|o| o.format.is_none()).collect();
    if bare.len() > 1 {
        return usage(
            "--output PATH without a format is given twice: it says where --format goes; \
             write the other reports as --output FORMAT=PATH"
                .into(),
        );
    }
    let mut all = vec![Output {
        format: args.format,
        dest: bare.first().map_or(Dest::Stdout, |o| Dest::of(&o.path)),
    }];
    all.extend(args.output.iter().filter_map(|o| {
        o.format.map(|format| Output {
            format,
            dest: Dest::of(&o.path),
        })
    }));
    let to_stdout: Vec<&Output> = all.iter().filter(|o| o.dest == Dest::Stdout).collect();
    if let [a, b, ..] = to_stdout[..] {
        return usage(format!(
            "two reports would be written to standard output ({} and {}): write one to a file \
             with --output FORMAT=PATH, or the --format one with --output PATH",
            a.format.name(),
            b.format.name()
        ));
    }
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            if let (Some(p), Some(q)) = (a.file(), b.file())
                && same_path(p, q)
            {
                return usage(format!(
                    "{} is the destination of two reports ({} and {}): give each its own file",
                    escape_controls(&p.display().to_string()),
                    a.format.name(),
                    b.format.name()
                ));
            }
        }
    }
    Ok(all)
}

/// Whether two paths name one file: spelled alike (`./a` and `a`), or the
/// same existing file.
fn same_path(a: &Path, b: &Path) -> bool {
    fn parts(p: &Path) -> Vec<std::path::Component<'_>> {
        p.components()
            .filter(|c| *c != std::path::Component::CurDir)
            .collect()
    }
    parts(a) == parts(b) || same_file::is_same_file(a, b).unwrap_or(false)
}

/// The name standard input goes by when `-` is the path; a usage error
/// when `-` is not alone, or `--stdin-filename` names nothing read.
fn stdin_name(args: &CheckArgs) -> Result<Option<PathBuf>, Error> {
    let dash = args.paths.iter().any(|p| p == Path::new("-"));
    match (dash, &args.stdin_filename) {
        (true, _) if args.paths.len() > 1 => Err(Error::Usage(
            "error: `-` (standard input) is checked on its own: give it as the only path\n".into(),
        )),
        (true, name) => Ok(Some(name.clone().unwrap_or_else(|| PathBuf::from("-")))),
        (false, Some(_)) => Err(Error::Usage(
            "error: --stdin-filename names standard input, which is read when `-` is the path: \
             policylint check - --stdin-filename NAME\n"
                .into(),
        )),
        (false, None) => Ok(None),
    }
}

/// One report being written, or given up on after a write error.
struct Slot<'r, 'a, 'o> {
    writer: Option<ReportWriter<'r, 'a, Box<dyn Write>>>,
    dest: &'o Dest,
    failed: Option<std::io::Error>,
}

impl Slot<'_, '_, '_> {
    fn write(&mut self, part: Printed, flush: bool) {
        let Some(w) = &mut self.writer else {
            return;
        };
        let done = policylint::engine::Sink::write(w, part).and_then(|()| {
            if flush && *self.dest == Dest::Stdout {
                w.flush()
            } else {
                Ok(())
            }
        });
        if let Err(e) = done {
            self.failed = Some(e);
            self.writer = None;
        }
    }

    /// Close the report (its tail, then a flush).
    fn finish(&mut self) {
        if let Some(w) = self.writer.take()
            && let Err(e) = w.finish()
        {
            self.failed = Some(e);
        }
    }
}

/// What a worker keeps of a checked file: its part of the report and the
/// baseline entries `--write-baseline` needs. The document is dropped.
struct Done {
    /// One part per report, in the order of the outputs.
    parts: Vec<Printed>,
    entries: Vec<Entry>,
}

/// The report's printer, plus what the command adds: baseline entries and
/// the progress bar.
struct Cli<'a> {
    reports: &'a [Report<'a>],
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
            parts: self.reports.iter().map(|r| r.print(c)).collect(),
            entries,
        }
    }
}

/// The heads of what `check` writes (a Markdown, JSON, SARIF or HTML
/// report, GitHub workflow commands, a baseline): a file that starts so is
/// an earlier report, not a policy.
const REPORT_HEADS: [&str; 5] = [
    policylint::report::html::HEAD,
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
