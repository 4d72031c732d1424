//! `policylint.toml`: found upward from the working directory or given with
//! `--config`. Unknown keys and bad values are errors that point into the
//! file (line, column, label), like rule-file errors. What the engine needs
//! of it becomes [`Settings`]; the engine never sees TOML.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSetBuilder};
use miette::{Diagnostic, LabeledSpan, SourceSpan};
use serde::Deserialize;
use toml::Spanned;

use policylint::document::Facet;
use policylint::engine::{Override, RuleSetting, Settings, valid_file_timeout};
use policylint::rules::{Lang, RuleSet, Severity};
use policylint::text::{CharSource, nearest};

pub(crate) const FILE_NAME: &str = "policylint.toml";

/// Type errors reported at once, at most.
const MAX_CONFIG_ERRORS: usize = 20;

/// The line holding `span`, if the span is on one line that is a `key =
/// value` line (not a table header): a line that can be set aside.
fn key_line(text: &str, span: &std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
    let start = text.get(..span.start)?.rfind('\n').map_or(0, |i| i + 1);
    let end = text
        .get(span.start..)?
        .find('\n')
        .map_or(text.len(), |i| span.start + i);
    let line = &text[start..end];
    (span.end <= end && line.contains('=') && !line.trim_start().starts_with('['))
        .then_some(start..end)
}

/// The table whose header holds `span` (`[name]` or `[[name]]`), up to the
/// next header: a table with an unknown name is set aside whole.
fn table_block(text: &str, span: &std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
    let start = text.get(..span.start)?.rfind('\n').map_or(0, |i| i + 1);
    let head_end = text
        .get(span.start..)?
        .find('\n')
        .map_or(text.len(), |i| span.start + i);
    if !text[start..head_end].trim_start().starts_with('[') {
        return None;
    }
    let mut end = head_end;
    while end < text.len() {
        let next = text[end + 1..]
            .find('\n')
            .map_or(text.len(), |i| end + 1 + i);
        if text[end + 1..next].trim_start().starts_with('[') {
            break;
        }
        end = next;
    }
    Some(start..end)
}

/// The field and the expected ones of serde's "unknown field `x`, expected
/// one of `a`, `b`" (or "expected `a`").
fn unknown_field(msg: &str) -> Option<(&str, Vec<&str>)> {
    let rest = msg.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).collect();
    Some((field, expected))
}

/// "did you mean `x`?" when `word` is a typo of one of `known`, else `or`.
fn did_you_mean<'a>(
    word: &str,
    known: impl IntoIterator<Item = &'a str>,
    or: Option<String>,
) -> Option<String> {
    nearest(word, known)
        .map(|n| format!("did you mean `{n}`?"))
        .or(or)
}

/// Errors in the order of the file.
pub(crate) fn by_position(mut errors: Vec<ConfigError>) -> Vec<ConfigError> {
    errors.sort_by_key(|e| e.span.as_ref().map_or(0, |s| s.start));
    errors
}

/// A configuration larger than this is refused (one is a few KB).
const MAX_CONFIG: u64 = 1024 * 1024;

/// The lowest severity that fails the run (`never`: no finding fails it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FailLevel {
    At(Severity),
    Never,
}

impl FailLevel {
    pub(crate) fn parse(s: &str) -> Option<FailLevel> {
        match s {
            "never" => Some(FailLevel::Never),
            s => Severity::parse(s).map(FailLevel::At),
        }
    }

    pub(crate) fn fails(self, s: Severity) -> bool {
        match self {
            FailLevel::At(min) => s >= min,
            FailLevel::Never => false,
        }
    }
}

/// A checked configuration.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// The file it came from, if any.
    pub(crate) path: Option<PathBuf>,
    pub(crate) lang: Option<Lang>,
    pub(crate) fail_level: Option<FailLevel>,
    /// Use the built-in pack (default true).
    pub(crate) builtin: bool,
    pub(crate) packs: Vec<PathBuf>,
    /// What the engine is told: files, limits, rule settings.
    pub(crate) settings: Settings,
    /// Rule ids as written, with their spans, to check against loaded rules.
    rule_refs: Vec<(String, std::ops::Range<usize>)>,
    /// `packs` or `builtin` was in error: which rules would be loaded is
    /// not known, so rule ids are not checked.
    packs_unknown: bool,
    /// The file's name as shown, and its text.
    source: Option<(String, Arc<String>)>,
    /// `[[sets]]`: pages checked as one document.
    pub(crate) sets: Vec<SetDecl>,
    /// Infer sets from relative links between checked pages (default true).
    pub(crate) infer_sets: bool,
}

/// A `[[sets]]` block: a name, and globs in set order.
#[derive(Debug, Clone)]
pub(crate) struct SetDecl {
    pub(crate) name: String,
    /// Each glob with its span in the file.
    pub(crate) paths: Vec<(Glob, std::ops::Range<usize>)>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            path: None,
            lang: None,
            fail_level: None,
            builtin: true,
            packs: Vec::new(),
            settings: Settings::default(),
            rule_refs: Vec::new(),
            packs_unknown: false,
            source: None,
            sets: Vec::new(),
            infer_sets: true,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    lang: Option<Spanned<String>>,
    fail_level: Option<Spanned<String>>,
    builtin: Option<bool>,
    packs: Option<Vec<String>>,
    include: Option<Vec<Spanned<String>>>,
    exclude: Option<Vec<Spanned<String>>>,
    max_file_size: Option<u64>,
    max_diagnostics: Option<usize>,
    file_timeout: Option<Spanned<f64>>,
    rules: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    /// Context facets for every file: `operator = "juridical"`.
    context: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    overrides: Option<Vec<Spanned<RawOverride>>>,
    sets: Option<Vec<Spanned<RawSet>>>,
    infer_sets: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSet {
    /// Both checked after reading (see [`RawOverride`]).
    name: Option<Spanned<String>>,
    #[serde(default)]
    paths: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    /// Checked after reading, so that a block without it is one more
    /// located error rather than the end of reading.
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    context: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// An error in the configuration file.
#[derive(Debug)]
pub(crate) struct ConfigError {
    pub(crate) message: String,
    pub(crate) label: String,
    pub(crate) help: Option<String>,
    pub(crate) span: Option<std::ops::Range<usize>>,
    source: Option<CharSource>,
}

impl ConfigError {
    /// An error about the configuration as a whole, at no place in it.
    pub(crate) fn unlocated(message: String) -> ConfigError {
        ConfigError {
            message,
            label: String::new(),
            help: None,
            span: None,
            source: None,
        }
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new("policylint::config"))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span.clone()?;
        self.source.as_ref()?;
        let s = SourceSpan::new(span.start.into(), span.end.saturating_sub(span.start));
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(self.label.clone()), s),
        )))
    }
}

struct Builder<'a> {
    name: &'a str,
    text: Arc<String>,
    errors: Vec<ConfigError>,
}

impl Builder<'_> {
    fn err(
        &mut self,
        span: std::ops::Range<usize>,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        self.errors.push(ConfigError {
            message,
            label: label.to_string(),
            help,
            span: Some(span),
            source: Some(CharSource::new(self.name, self.text.clone())),
        });
    }

    /// A `context` table: each key a facet, each value one of its values.
    fn context(
        &mut self,
        table: &BTreeMap<Spanned<String>, Spanned<String>>,
    ) -> Vec<(Facet, &'static str)> {
        let mut out = Vec::new();
        for (k, v) in table {
            let Some(f) = Facet::parse(k.get_ref()) else {
                let names: Vec<&str> = Facet::ALL.iter().map(|f| f.name()).collect();
                let help = did_you_mean(
                    k.get_ref(),
                    names.iter().copied(),
                    Some(format!("the facets are {}", names.join(", "))),
                );
                self.err(
                    k.span(),
                    format!("`{}` is not a context facet", k.get_ref()),
                    "not a facet",
                    help,
                );
                continue;
            };
            match f.value(v.get_ref()) {
                Some(val) => out.push((f, val)),
                None => {
                    let help = did_you_mean(
                        v.get_ref(),
                        f.values().iter().copied(),
                        Some(format!(
                            "`{}` is one of: {}",
                            f.name(),
                            f.values().join(", ")
                        )),
                    );
                    self.err(
                        v.span(),
                        format!("`{}` is not a value of `{}`", v.get_ref(), f.name()),
                        "not a value of this facet",
                        help,
                    )
                }
            }
        }
        out
    }

    fn setting(&mut self, v: &Spanned<String>) -> Option<RuleSetting> {
        match v.get_ref().as_str() {
            "off" => Some(RuleSetting::Off),
            s => match Severity::parse(s) {
                Some(sev) => Some(RuleSetting::Severity(sev)),
                None => {
                    let help = did_you_mean(
                        s,
                        ["off", "error", "warning", "info"],
                        Some(
                            "a rule is set to \"off\" or to the severity it should report at"
                                .into(),
                        ),
                    );
                    self.err(
                        v.span(),
                        format!("`{s}` is not a rule setting"),
                        "expected \"off\", \"error\", \"warning\" or \"info\"",
                        help,
                    );
                    None
                }
            },
        }
    }
}

impl Config {
    /// Find `policylint.toml` in `start` or a parent directory.
    pub(crate) fn discover(start: &Path) -> Option<PathBuf> {
        let mut dir = Some(start);
        while let Some(d) = dir {
            let p = d.join(FILE_NAME);
            if p.is_file() {
                return Some(p);
            }
            dir = d.parent();
        }
        None
    }

    /// Load a configuration file: what could be read of it, and every error
    /// found without the rules (see [`Config::check_rule_ids`] for those).
    /// An unreadable file is one error and the default configuration.
    pub(crate) fn load(path: &Path) -> (Config, Vec<ConfigError>) {
        let text = match policylint::source::read_text(path, MAX_CONFIG) {
            Ok(t) => t,
            Err(message) => {
                let e = ConfigError {
                    message,
                    label: String::new(),
                    help: None,
                    span: None,
                    source: None,
                };
                return (Config::default(), vec![e]);
            }
        };
        let dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let (mut c, errors) = Config::parse(&path.display().to_string(), text, &dir);
        c.path = Some(path.to_path_buf());
        (c, errors)
    }

    /// Check configuration text, `dir` being where relative paths start:
    /// what could be read, and every error, in the order of the file.
    pub(crate) fn parse(name: &str, text: String, dir: &Path) -> (Config, Vec<ConfigError>) {
        let text = Arc::new(text);
        let mut b = Builder {
            name,
            text: text.clone(),
            errors: Vec::new(),
        };
        let mut c = Config {
            settings: Settings {
                // A config named without a folder lives in the working
                // directory: its parent is "", which globs cannot be
                // relative to.
                base_dir: if dir.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    dir.to_path_buf()
                },
                ..Settings::default()
            },
            source: Some((name.to_string(), text.clone())),
            ..Config::default()
        };
        // Each error at once: a key with a wrong type or name is reported and
        // its line (a table with an unknown name: the whole table) set aside,
        // blanked so that offsets stay, then the rest is read again. A
        // syntax error, or one that is not on a single key's line, ends it.
        let mut work = text.as_str().to_string();
        let mut raw = None;
        for _ in 0..MAX_CONFIG_ERRORS {
            match toml::from_str::<RawConfig>(&work) {
                Ok(r) => {
                    raw = Some(r);
                    break;
                }
                Err(e) => {
                    let span = e.span().unwrap_or(0..0);
                    let msg = e.message().to_string();
                    let unknown = unknown_field(&msg);
                    let (message, label, help) = match &unknown {
                        Some((field, expected)) => (
                            // The top level's keys include `fail-level`.
                            if expected.contains(&"fail-level") {
                                format!("`{field}` is not a policylint.toml key")
                            } else {
                                format!("`{field}` is not a key of this table")
                            },
                            "unknown key",
                            did_you_mean(
                                field,
                                expected.iter().copied(),
                                Some(format!("the keys here are {}", expected.join(", "))),
                            ),
                        ),
                        None => (msg.clone(), "here", None),
                    };
                    let line = key_line(&work, &span);
                    // The key a bad value belongs to, named in the message.
                    let key = line
                        .as_ref()
                        .and_then(|l| work[l.clone()].split('=').next())
                        .map(|k| k.trim().trim_matches('"').to_string())
                        .unwrap_or_default();
                    let message = if unknown.is_none() && !key.is_empty() {
                        format!("`{key}`: {message}")
                    } else {
                        message
                    };
                    b.err(span.clone(), message, label, help);
                    let aside = match line {
                        Some(line) if unknown.is_some() || msg.starts_with("invalid") => Some(line),
                        None if unknown.is_some() => table_block(&work, &span),
                        _ => None,
                    };
                    let Some(aside) = aside else { break };
                    if key == "packs" || key == "builtin" {
                        c.packs_unknown = true;
                    }
                    work.replace_range(aside.clone(), &" ".repeat(aside.len()));
                }
            }
        }
        let Some(raw) = raw else {
            // Nothing could be read: which rules the file would load is not
            // known either.
            c.packs_unknown = true;
            return (c, by_position(b.errors));
        };
        if let Some(l) = &raw.lang {
            c.lang = Lang::parse(l.get_ref());
            if c.lang.is_none() {
                let help = did_you_mean(l.get_ref(), ["ja", "en"], None);
                b.err(
                    l.span(),
                    format!("`{}` is not a language", l.get_ref()),
                    "expected \"ja\" or \"en\"",
                    help,
                );
            }
        }
        if let Some(f) = &raw.fail_level {
            c.fail_level = FailLevel::parse(f.get_ref());
            if c.fail_level.is_none() {
                let help = did_you_mean(
                    f.get_ref(),
                    ["error", "warning", "info", "never"],
                    Some(
                        "findings at or above the fail level make `policylint check` exit with 1"
                            .into(),
                    ),
                );
                b.err(
                    f.span(),
                    format!("`{}` is not a fail level", f.get_ref()),
                    "expected \"error\", \"warning\", \"info\" or \"never\"",
                    help,
                );
            }
        }
        if let Some(v) = raw.builtin {
            c.builtin = v;
        }
        if let Some(p) = raw.packs {
            c.packs = p.iter().map(|p| dir.join(p)).collect();
        }
        let check_globs = |b: &mut Builder, globs: &[Spanned<String>]| -> Vec<String> {
            let mut out = Vec::new();
            for g in globs {
                match Glob::new(g.get_ref()) {
                    Ok(_) => out.push(g.get_ref().clone()),
                    Err(e) => b.err(
                        g.span(),
                        format!("invalid glob: {}", e.kind()),
                        "this glob",
                        None,
                    ),
                }
            }
            out
        };
        if let Some(i) = &raw.include {
            c.settings.include = check_globs(&mut b, i);
        }
        if let Some(x) = &raw.exclude {
            c.settings.exclude = check_globs(&mut b, x);
        }
        if let Some(m) = raw.max_file_size {
            c.settings.max_file_size = m;
        }
        if let Some(m) = raw.max_diagnostics {
            c.settings.max_diagnostics = m.max(1);
        }
        if let Some(t) = &raw.file_timeout {
            match valid_file_timeout(*t.get_ref()) {
                Ok(t) => c.settings.file_timeout = t,
                Err(msg) => b.err(
                    t.span(),
                    msg,
                    "not a usable number of seconds",
                    Some("for example `file-timeout = 10`".into()),
                ),
            }
        }
        for (k, v) in raw.rules.iter().flatten() {
            c.rule_refs.push((k.get_ref().clone(), k.span()));
            if let Some(s) = b.setting(v) {
                c.settings.rules.insert(k.get_ref().clone(), s);
            }
        }
        if let Some(t) = &raw.context {
            c.settings.context = b.context(t);
        }
        for o in raw.overrides.iter().flatten() {
            let span = o.span();
            let o = o.get_ref();
            if o.paths.is_empty() {
                // The header line: where the block starts.
                let head = text
                    .get(span.clone())
                    .and_then(|t| t.find('\n'))
                    .map_or(span.clone(), |n| span.start..span.start + n);
                b.err(
                    head,
                    "an `[[overrides]]` block without `paths`".into(),
                    "this block",
                    Some("add `paths = [\"GLOB\", …]`: the files it applies to".into()),
                );
            }
            let mut gs = GlobSetBuilder::new();
            for p in &o.paths {
                match Glob::new(p.get_ref()) {
                    Ok(g) => {
                        gs.add(g);
                    }
                    Err(e) => b.err(
                        p.span(),
                        format!("invalid glob: {}", e.kind()),
                        "this glob",
                        None,
                    ),
                }
            }
            let mut rules = BTreeMap::new();
            for (k, v) in &o.rules {
                c.rule_refs.push((k.get_ref().clone(), k.span()));
                if let Some(s) = b.setting(v) {
                    rules.insert(k.get_ref().clone(), s);
                }
            }
            let context = b.context(&o.context);
            match gs.build() {
                Ok(globs) => c.settings.overrides.push(Override {
                    globs,
                    rules,
                    context,
                }),
                Err(e) => b.err(0..0, format!("invalid globs: {e}"), "", None),
            }
        }
        c.infer_sets = raw.infer_sets.unwrap_or(true);
        let mut names: BTreeMap<String, std::ops::Range<usize>> = BTreeMap::new();
        for set in raw.sets.iter().flatten() {
            let span = set.span();
            let set = set.get_ref();
            let head = text
                .get(span.clone())
                .and_then(|t| t.find('\n'))
                .map_or(span.clone(), |n| span.start..span.start + n);
            let name = match &set.name {
                Some(n) if !n.get_ref().trim().is_empty() => {
                    if names.insert(n.get_ref().clone(), n.span()).is_some() {
                        b.err(
                            n.span(),
                            format!("two `[[sets]]` are named `{}`", n.get_ref()),
                            "this name is taken",
                            Some("give each set its own name".into()),
                        );
                    }
                    n.get_ref().clone()
                }
                Some(n) => {
                    b.err(n.span(), "an empty set name".into(), "this name", None);
                    String::new()
                }
                None => {
                    b.err(
                        head.clone(),
                        "a `[[sets]]` block without `name`".into(),
                        "this block",
                        Some("add `name = \"…\"`: how the reports call the set".into()),
                    );
                    String::new()
                }
            };
            if set.paths.is_empty() {
                b.err(
                    head,
                    "a `[[sets]]` block without `paths`".into(),
                    "this block",
                    Some("add `paths = [\"main.html\", \"company.html\", …]`: its pages, main page first".into()),
                );
            }
            let mut paths = Vec::new();
            for p in &set.paths {
                match Glob::new(p.get_ref()) {
                    Ok(g) => paths.push((g, p.span())),
                    Err(e) => b.err(
                        p.span(),
                        format!("invalid glob: {}", e.kind()),
                        "this glob",
                        None,
                    ),
                }
            }
            c.sets.push(SetDecl { name, paths });
        }
        (c, by_position(b.errors))
    }

    /// An error located in the configuration file (a set's path).
    pub(crate) fn error_at(
        &self,
        span: std::ops::Range<usize>,
        message: String,
        label: &str,
        help: Option<String>,
    ) -> ConfigError {
        ConfigError {
            message,
            label: label.to_string(),
            help,
            source: self
                .source
                .as_ref()
                .map(|(n, t)| CharSource::new(n, t.clone())),
            span: self.source.as_ref().map(|_| span),
        }
    }

    /// Rule ids in the file that no loaded rule has (none are checked when
    /// the file's `packs` or `builtin` could not be read).
    pub(crate) fn check_rule_ids(&self, set: &RuleSet) -> Vec<ConfigError> {
        let Some((name, text)) = &self.source else {
            return Vec::new();
        };
        if self.packs_unknown {
            return Vec::new();
        }
        let mut b = Builder {
            name,
            text: text.clone(),
            errors: Vec::new(),
        };
        for (id, span) in &self.rule_refs {
            if set.rule(id).is_none() {
                let help = match set.suggest(id) {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => "run `policylint rules` to see the loaded rules".to_string(),
                };
                b.err(
                    span.clone(),
                    format!("no rule `{id}` is loaded"),
                    "unknown rule id",
                    Some(help),
                );
            }
        }
        b.errors
    }
}
