//! `policylint diff`: what a revision of a policy drops, adds or changes,
//! requirement by requirement. The two versions are two files, a file and
//! its version at a git revision, the staged version and HEAD's, or the two
//! columns of a 改定前 / 改定後 table in one file.

use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use clap::{Args, ValueEnum};

use super::check::find_config;
use super::config::Config;
use super::ruleargs::LangArg;
use super::stderr_color;
use crate::{Error, Outcome};
use policylint::document::revision::{Side, find_table};
use policylint::document::{Document, LoadError};
use policylint::engine::compare::{Comparison, compare};
use policylint::report::diff::{DiffReport, Version};
use policylint::report::input;
use policylint::rules::{Lang, RuleSet};
use policylint::source::walk::Filter;
use policylint::source::{display_path, read_file};
use policylint::text::escape_controls;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum DiffFormat {
    /// A table: requirement | before | after | change, with locations.
    Human,
    /// The JSON report (docs/diff.md).
    Json,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  policylint diff old.md new.md               two versions as two files
  policylint diff --git HEAD~1 policy.md      policy.md against its version at HEAD~1
  policylint diff --staged                    each staged policy against HEAD (pre-commit)
  policylint diff revision-table.txt          one file holding a 改定前/改定後 table

Exit codes: 0 compared; 1 with --fail-on-drop when a requirement was dropped;
2 usage, configuration or rule errors, or git cannot give the revision;
3 a version could not be read (missing, undecodable, absent at the revision).")]
pub(crate) struct DiffArgs {
    /// OLD NEW (two files); FILE with --git; FILE holding a 改定前/改定後
    /// comparison table (alone, or with --table); with --staged, the files
    /// to compare (default: every staged file policylint reads).
    #[arg(value_name = "FILES")]
    files: Vec<PathBuf>,
    /// Compare FILE with its version at this git revision (`git show
    /// REV:path`), e.g. HEAD, HEAD~1, a tag or a commit id.
    #[arg(long, value_name = "REV", conflicts_with_all = ["staged", "table"])]
    git: Option<String>,
    /// Compare the staged version of each file (`git show :path`) with
    /// HEAD's; a file new in this commit has nothing to compare and is
    /// skipped with a note. For the pre-commit hook.
    #[arg(long, conflicts_with = "table")]
    staged: bool,
    /// FILE holds both versions: a table whose header row names the version
    /// before and after (改定前/改定後, 旧/新, 変更前/変更後, 現行/改定案).
    /// Implied when one file is given with neither --git nor --staged.
    #[arg(long)]
    table: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: DiffFormat,
    /// Language of the report (default: the config's, else ja).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Also show requirements and elements that did not change.
    #[arg(long)]
    all: bool,
    /// Exit 1 when the new version drops a requirement (or an element of
    /// one) the old version met.
    #[arg(long)]
    fail_on_drop: bool,
    /// Configuration file (default: policylint.toml here or in a parent
    /// directory): its rule settings (off, severity) and [context] apply.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Add a local rule pack: a rule file or a directory of *.rules files (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    rules: Vec<PathBuf>,
    /// Do not load the built-in packs.
    #[arg(long)]
    no_builtin: bool,
}

/// Two versions, loaded.
struct Pair {
    before: Document,
    before_name: String,
    after: Document,
    after_name: String,
}

pub(crate) fn run(args: &DiffArgs) -> Result<Outcome, Error> {
    let (config, set) = load(args)?;
    let lang = args
        .lang
        .map(Lang::from)
        .or(config.lang)
        .unwrap_or_default();
    let pairs = if args.staged {
        staged(args, &config)?
    } else if let Some(rev) = &args.git {
        let [file] = args.files.as_slice() else {
            return Err(usage(
                "--git REV takes one FILE: policylint diff --git REV FILE",
            ));
        };
        vec![at_revision(rev, file, &config)?]
    } else {
        match args.files.as_slice() {
            [file] => vec![table(file, &config)?],
            [_, _] if args.table => {
                return Err(usage("--table takes one FILE that holds both versions"));
            }
            [old, new] => vec![two_files(old, new, &config)?],
            [] => {
                return Err(usage(
                    "nothing to compare: give OLD NEW, --git REV FILE, --staged, or a FILE with a 改定前/改定後 table",
                ));
            }
            _ => {
                return Err(usage(
                    "too many files: give OLD NEW, --git REV FILE, or one FILE with a 改定前/改定後 table",
                ));
            }
        }
    };
    let mut dropped = false;
    let mut json = Vec::new();
    let mut text = String::new();
    for p in &pairs {
        let cmp: Comparison = compare(&set, &config.settings, &p.before, &p.after);
        dropped |= cmp.dropped();
        let report = DiffReport {
            rules: &set,
            lang,
            before: Version {
                doc: &p.before,
                name: p.before_name.clone(),
            },
            after: Version {
                doc: &p.after,
                name: p.after_name.clone(),
            },
            cmp: &cmp,
            all: args.all,
        };
        match args.format {
            DiffFormat::Human => {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&report.human());
            }
            DiffFormat::Json => json.push(report.json()),
        }
    }
    if args.format == DiffFormat::Json {
        // One comparison is one object; --staged gives a list of them.
        let value = if args.staged {
            serde_json::Value::Array(json)
        } else {
            json.into_iter().next().unwrap_or(serde_json::Value::Null)
        };
        text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(Error::Input(format!(
            "error: cannot write the report: {e}\n"
        )));
    }
    if args.fail_on_drop && dropped {
        Ok(Outcome::Findings)
    } else {
        Ok(Outcome::Clean)
    }
}

fn usage(msg: &str) -> Error {
    Error::Usage(format!("error: {msg}\n"))
}

/// The configuration and the rules, as `check` loads them.
fn load(args: &DiffArgs) -> Result<(Config, RuleSet), Error> {
    let (config, errs) = find_config(args.config.as_deref());
    let set = super::check::load_rules(&config, errs, args.no_builtin, &args.rules)?;
    Ok((config, set))
}

/// A load error, rendered where it was met (exit 3).
fn input_error(e: &LoadError) -> Error {
    Error::Input(input::render(e, stderr_color()))
}

fn load_file(path: &Path, config: &Config) -> Result<Document, Error> {
    Document::load(path, config.settings.max_file_size).map_err(|e| input_error(&e))
}

fn two_files(old: &Path, new: &Path, config: &Config) -> Result<Pair, Error> {
    Ok(Pair {
        before: load_file(old, config)?,
        before_name: display_path(old),
        after: load_file(new, config)?,
        after_name: display_path(new),
    })
}

/// One file holding a 改定前/改定後 table: each version is the file with the
/// other version's text hidden from the rules.
fn table(file: &Path, config: &Config) -> Result<Pair, Error> {
    let bytes = read_file(file, config.settings.max_file_size)
        .map_err(|e| input_error(&LoadError::from(e)))?;
    let parse = || Document::from_bytes(file, &bytes).map_err(|e| input_error(&e));
    let (mut before, mut after) = (parse()?, parse()?);
    let Some(t) = find_table(&before) else {
        return Err(usage(&format!(
            "{}: no comparison table (a header row with 改定前 and 改定後, 旧 and 新, 変更前 and 変更後, or 現行 and 改定案): give two files, OLD NEW, or --git REV FILE",
            escape_controls(&display_path(file))
        )));
    };
    before.keep_version(&t, Side::Before);
    after.keep_version(&t, Side::After);
    let name = display_path(file);
    let column = |r: &std::ops::Range<usize>| before.text[r.clone()].trim().to_string();
    let (bn, an) = (column(&t.before_header), column(&t.after_header));
    Ok(Pair {
        before_name: format!("{name}[{bn}]"),
        after_name: format!("{name}[{an}]"),
        before,
        after,
    })
}

/// Run git with these arguments (never through a shell): its standard
/// output, or its standard error as the reason it failed.
fn git(args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err
            .lines()
            .next()
            .unwrap_or("git failed")
            .trim()
            .to_string())
    }
}

/// The path of `file` from the root of the repository it is in, with `/`:
/// the working directory's place in the repository (`git rev-parse
/// --show-prefix`) and the path as given, `.` and `..` resolved.
fn repo_path(file: &Path) -> Result<String, Error> {
    let prefix = git(&["rev-parse", "--show-prefix"])
        .map_err(|e| usage(&format!("not in a git repository ({e})")))?;
    let prefix = String::from_utf8_lossy(&prefix).trim().to_string();
    let rel: PathBuf = if file.is_absolute() {
        let top = git(&["rev-parse", "--show-toplevel"]).map_err(|e| usage(&e))?;
        let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
        let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let dir = file.parent().map(canon).unwrap_or_default();
        let full = dir.join(file.file_name().unwrap_or_default());
        full.strip_prefix(canon(&top))
            .map(Path::to_path_buf)
            .map_err(|_| {
                usage(&format!(
                    "{} is outside the git repository here",
                    escape_controls(&file.display().to_string())
                ))
            })?
    } else {
        Path::new(&prefix).join(file)
    };
    let mut parts: Vec<String> = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::ParentDir if parts.pop().is_none() => {
                return Err(usage(&format!(
                    "{} is outside the git repository here",
                    escape_controls(&file.display().to_string())
                )));
            }
            _ => {}
        }
    }
    Ok(parts.join("/"))
}

/// The file's bytes in git: at a revision (`REV:path`) or staged (`:path`).
/// `None` when the revision exists but the file is not in it.
fn git_blob(rev: &str, path: &str) -> Result<Option<Vec<u8>>, Error> {
    if !rev.is_empty() {
        let commit = format!("{rev}^{{commit}}");
        git(&[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &commit,
        ])
        .map_err(|_| usage(&format!("no such revision: {}", escape_controls(rev))))?;
    }
    let spec = format!("{rev}:{path}");
    if git(&["cat-file", "-e", &spec]).is_err() {
        return Ok(None);
    }
    git(&["cat-file", "blob", &spec])
        .map(Some)
        .map_err(|e| Error::Input(format!("error: {}: {e}\n", escape_controls(&spec))))
}

fn from_git(name: &str, file: &Path, bytes: &[u8]) -> Result<Document, Error> {
    // The document goes by the file's path: its extension picks the format,
    // and the configuration's overrides apply by it.
    Document::from_bytes(file, bytes).map_err(|e| match e {
        LoadError::Empty { .. } => Error::Input(format!(
            "error: {}: empty file; nothing to compare\n",
            escape_controls(name)
        )),
        e => input_error(&e),
    })
}

fn at_revision(rev: &str, file: &Path, config: &Config) -> Result<Pair, Error> {
    let path = repo_path(file)?;
    let name = format!("{rev}:{path}");
    let Some(bytes) = git_blob(rev, &path)? else {
        return Err(Error::Input(format!(
            "error: {} is not in revision {}: nothing to compare it with\n",
            escape_controls(&path),
            escape_controls(rev)
        )));
    };
    Ok(Pair {
        before: from_git(&name, file, &bytes)?,
        before_name: name,
        after: load_file(file, config)?,
        after_name: display_path(file),
    })
}

/// Each staged file against HEAD; a file new in this commit, deleted, or
/// the same as HEAD's is left out (a new one with a note).
fn staged(args: &DiffArgs, config: &Config) -> Result<Vec<Pair>, Error> {
    let s = &config.settings;
    let filter = Filter::new(&s.base_dir, &s.include, &s.exclude).ok();
    let files: Vec<PathBuf> = if args.files.is_empty() {
        let names = git(&["diff", "--cached", "--name-only", "--diff-filter=AM", "-z"])
            .map_err(|e| usage(&format!("not in a git repository ({e})")))?;
        let top = git(&["rev-parse", "--show-toplevel"]).map_err(|e| usage(&e))?;
        let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
        names
            .split(|&b| b == 0)
            .filter(|n| !n.is_empty())
            .map(|n| top.join(String::from_utf8_lossy(n).as_ref()))
            // The files a walk of the repository would check.
            .filter(|p| filter.as_ref().is_none_or(|f| f.included(p)))
            .collect()
    } else {
        args.files.clone()
    };
    let has_head = git(&["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]).is_ok();
    let mut pairs = Vec::new();
    for file in &files {
        // As the check hook: a file the configuration excludes is no policy.
        if let Some(glob) = filter.as_ref().and_then(|f| f.excluded(file, false)) {
            eprintln!(
                "note: {} is excluded by `{}`; not compared",
                escape_controls(&display_path(file)),
                escape_controls(&glob)
            );
            continue;
        }
        let path = repo_path(file)?;
        let Some(now) = git_blob("", &path)? else {
            eprintln!(
                "note: {} is not staged; nothing to compare",
                escape_controls(&display_path(file))
            );
            continue;
        };
        let before = if has_head {
            git_blob("HEAD", &path)?
        } else {
            None
        };
        let Some(before) = before else {
            eprintln!(
                "note: {} is new in this commit; nothing to compare it with",
                escape_controls(&display_path(file))
            );
            continue;
        };
        if before == now {
            continue;
        }
        let (bn, an) = (format!("HEAD:{path}"), format!(":{path}"));
        pairs.push(Pair {
            before: from_git(&bn, file, &before)?,
            before_name: bn,
            after: from_git(&an, file, &now)?,
            after_name: an,
        });
    }
    Ok(pairs)
}
