//! `policylint check`: every document, in parallel, against the compiled
//! rules; findings located, filtered by configuration, suppressions and the
//! baseline. Each document is read, checked and dropped inside its worker,
//! so memory does not grow with the corpus; results are in order of the
//! path as shown, so the output does not depend on the number of threads.
//!
//! The CLI streams: it sorts the walked items with [`sort_items`], checks
//! them with [`check_item`] through [`super::ordered::ordered`], and writes
//! each file's part of the report as soon as the files before it are
//! written. [`check`] collects every result instead (for library use).

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use super::baseline::{Baseline, Entry, fingerprint};
use super::eval::Evaluator;
use super::finding::{Finding, FindingKind};
use super::suppress;
use crate::config::{Config, RuleSetting};
use crate::document::{Document, LoadError};
use crate::rules::{Lang, RuleSet, Severity};
use crate::source::walk::{WalkItem, walk};

/// A position for machines: 1-based line and column (Unicode scalar
/// values), and the byte offset in the original file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagLabel {
    pub message: String,
    pub start: Pos,
    pub end: Pos,
    /// Byte range in the decoded text (for rendering).
    pub span: Range<usize>,
}

/// A finding, located and ready for every output format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diag {
    pub rule: String,
    pub severity: Severity,
    pub kind: Option<FindingKind>,
    pub message: String,
    pub label: String,
    pub start: Pos,
    pub end: Pos,
    pub span: Range<usize>,
    pub labels: Vec<DiagLabel>,
    pub missing: Vec<String>,
    pub found: Vec<String>,
    pub cite: Option<String>,
    pub help: Option<String>,
    pub url: Option<String>,
    /// The reason given, when a suppression comment covers it.
    pub suppressed: Option<String>,
    pub baselined: bool,
    pub fingerprint: String,
}

impl Diag {
    /// Reported to the user and counted (not suppressed, not baselined).
    pub fn active(&self) -> bool {
        self.suppressed.is_none() && !self.baselined
    }
}

/// The outcome for one file.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// The path as shown (relative as walked, `/` separators).
    pub path: String,
    pub format: Option<&'static str>,
    pub encoding: Option<&'static str>,
    /// Why the file was not checked (binary, empty, too large), if it was not.
    pub skipped: Option<String>,
    pub diagnostics: Vec<Diag>,
    /// The human rendering, when asked for.
    pub human: String,
}

/// Everything a run needs besides the rules.
pub struct CheckOptions<'a> {
    pub paths: Vec<PathBuf>,
    pub config: &'a Config,
    pub lang: Lang,
    pub baseline: Option<&'a Mutex<Baseline>>,
    /// Render the human report (with colour or not).
    pub human: Option<crate::report::human::Style>,
    /// Called after each file (for the progress bar).
    pub on_file: Option<&'a (dyn Fn() + Sync)>,
}

fn show(p: &Path) -> String {
    crate::report::display_path(p)
}

/// Walk the paths (files given explicitly are always checked).
pub fn files(opts: &CheckOptions) -> Vec<WalkItem> {
    walk(&opts.paths, &opts.config.include, &opts.config.exclude)
}

/// The path of a walked item as every report shows it.
pub fn item_path(item: &WalkItem) -> String {
    match item {
        WalkItem::File(p) | WalkItem::Error(p, _) => show(p),
    }
}

/// The path of a walked item as shown, borrowed when it can be (for
/// sorting many paths without a copy of each).
fn shown(item: &WalkItem) -> Cow<'_, str> {
    let (WalkItem::File(p) | WalkItem::Error(p, _)) = item;
    if std::path::MAIN_SEPARATOR != '/' {
        return Cow::Owned(show(p));
    }
    match p.to_string_lossy() {
        Cow::Borrowed(s) => Cow::Borrowed(s.strip_prefix("./").unwrap_or(s)),
        Cow::Owned(s) => Cow::Owned(s.strip_prefix("./").map(str::to_string).unwrap_or(s)),
    }
}

/// Sort walked items by the path as shown: the order of files in every
/// report (stable, so that items shown alike keep the walk's order).
pub fn sort_items(items: &mut [WalkItem]) {
    items.sort_by(|a, b| shown(a).cmp(&shown(b)));
}

/// Check one walked item (not counted by `on_file`).
pub fn check_item(set: &RuleSet, opts: &CheckOptions, item: &WalkItem) -> FileResult {
    match item {
        WalkItem::File(p) => check_file(set, opts, p),
        WalkItem::Error(p, msg) => input_error(p, msg.clone(), opts),
    }
}

/// Check every walked item and collect the results, sorted by path.
pub fn check(set: &RuleSet, opts: &CheckOptions, items: &[WalkItem]) -> Vec<FileResult> {
    let mut results: Vec<FileResult> = items
        .par_iter()
        .map(|item| {
            let r = check_item(set, opts, item);
            if let Some(f) = opts.on_file {
                f();
            }
            r
        })
        .collect();
    results.sort_by(|a, b| a.path.cmp(&b.path));
    results
}

pub fn entry(path: &str, d: &Diag) -> Entry {
    Entry {
        rule: d.rule.clone(),
        path: path.to_string(),
        fingerprint: d.fingerprint.clone(),
    }
}

fn input_error(p: &Path, msg: String, opts: &CheckOptions) -> FileResult {
    let pos = Pos {
        line: 1,
        column: 1,
        offset: 0,
    };
    let path = show(p);
    let message = match opts.lang {
        Lang::Ja => format!("読み込めません: {msg}"),
        Lang::En => format!("cannot be read: {msg}"),
    };
    let human = if opts.human.is_some() {
        format!("error: {path}: {msg}\n")
    } else {
        String::new()
    };
    FileResult {
        diagnostics: vec![Diag {
            rule: "policylint/input".into(),
            severity: Severity::Error,
            kind: None,
            label: msg.clone(),
            message,
            start: pos,
            end: pos,
            span: 0..0,
            labels: Vec::new(),
            missing: Vec::new(),
            found: Vec::new(),
            cite: None,
            help: None,
            url: None,
            suppressed: None,
            baselined: false,
            fingerprint: fingerprint(&["policylint/input", &path]),
        }],
        path,
        format: None,
        encoding: None,
        skipped: None,
        human,
    }
}

fn check_file(set: &RuleSet, opts: &CheckOptions, p: &Path) -> FileResult {
    let started = std::time::Instant::now();
    let path = show(p);
    let doc = match Document::load(p, opts.config.max_file_size) {
        Ok(d) => d,
        Err(e) if e.is_skip() => {
            let reason = match &e {
                LoadError::Empty { .. } => "empty file".to_string(),
                LoadError::Read(r) => r.to_string().rsplit(": ").next().unwrap_or("").to_string(),
                other => other
                    .to_string()
                    .rsplit(": ")
                    .next()
                    .unwrap_or("")
                    .to_string(),
            };
            let human = if opts.human.is_some() {
                format!("note: {path}: {reason}; skipped\n")
            } else {
                String::new()
            };
            return FileResult {
                path,
                format: None,
                encoding: None,
                skipped: Some(reason),
                diagnostics: Vec::new(),
                human,
            };
        }
        Err(e) => {
            let mut r = input_error(
                p,
                e.to_string()
                    .split_once(": ")
                    .map_or(e.to_string(), |(_, m)| m.to_string()),
                opts,
            );
            if let (LoadError::Decode { .. }, Some(style)) = (&e, opts.human) {
                r.human = crate::report::input::render(&e, style.color);
            }
            if let LoadError::Decode { lossy, at, .. } = &e {
                let ix = crate::document::LineIndex::new(lossy);
                let p = ix.position(lossy, *at);
                let off = match &e {
                    LoadError::Decode {
                        source: crate::source::DecodeError::Invalid { offset, .. },
                        ..
                    } => *offset,
                    _ => 0,
                };
                let pos = Pos {
                    line: p.line,
                    column: p.column,
                    offset: off,
                };
                r.diagnostics[0].start = pos;
                r.diagnostics[0].end = pos;
            }
            return r;
        }
    };
    let budget = std::time::Duration::from_secs_f64(opts.config.file_timeout);
    let deadline = started + budget;
    let (findings, stopped) = Evaluator::new(set, &doc, opts.lang).run_until(Some(deadline));
    let mut directives = suppress::parse(&doc.text, doc.format);
    let mut diags = Vec::with_capacity(findings.len());
    let settings = opts.config.settings_for(p);
    for f in findings {
        let mut severity = f.severity;
        match settings.get(&f.rule) {
            Some(RuleSetting::Off) => continue,
            Some(RuleSetting::Severity(s)) => severity = s,
            None => {}
        }
        let mut d = locate(set, &doc, &f, severity, opts.lang);
        d.suppressed = suppress::suppress(&mut directives, &f.rule, d.start.line);
        diags.push(d);
    }
    for dir in directives
        .iter()
        .filter(|d| !d.used && d.kind != suppress::DirectiveKind::Enable)
    {
        diags.push(unused_suppression(&doc, dir, opts.lang));
    }
    diags.sort_by(|a, b| {
        (a.span.start, a.span.end, &a.rule).cmp(&(b.span.start, b.span.end, &b.rule))
    });
    if let Some(rule) = stopped {
        diags.push(budget_note(&doc, &rule, opts));
    }
    let cap = opts.config.max_diagnostics;
    if diags.len() > cap {
        let more = diags.len() - cap;
        diags.truncate(cap);
        diags.push(more_note(&doc, more, opts.lang));
    }
    // Baseline entries are keyed by path, so each file consumes only its
    // own, in its own fixed order: the thread count cannot change the result.
    if let Some(b) = opts.baseline {
        let mut b = b.lock().unwrap_or_else(|e| e.into_inner());
        for d in diags.iter_mut().filter(|d| d.suppressed.is_none()) {
            d.baselined = b.take(&entry(&path, d));
        }
    }
    let mut r = FileResult {
        path,
        format: Some(doc.format.name()),
        encoding: Some(doc.encoding),
        skipped: None,
        diagnostics: diags,
        human: String::new(),
    };
    if let Some(style) = opts.human {
        r.human = crate::report::human::render_file(&doc, &r, style);
    }
    r
}

/// A file-level note at the start of the document.
fn file_note(
    doc: &Document,
    rule: &str,
    severity: Severity,
    message: String,
    label: String,
) -> Diag {
    let at = pos(doc, 0);
    Diag {
        rule: rule.into(),
        severity,
        kind: None,
        label,
        start: at,
        end: at,
        span: 0..0,
        labels: Vec::new(),
        missing: Vec::new(),
        found: Vec::new(),
        cite: None,
        help: None,
        url: None,
        suppressed: None,
        baselined: false,
        fingerprint: fingerprint(&[rule, &message]),
        message,
    }
}

/// The file took longer than its budget: the rules from `rule` on were not
/// evaluated. An error, so that a pathological file cannot pass silently.
fn budget_note(doc: &Document, rule: &str, opts: &CheckOptions) -> Diag {
    let secs = opts.config.file_timeout;
    let (message, label) = match opts.lang {
        Lang::Ja => (
            format!(
                "検査が時間の上限（{secs}秒）を超えたため、{rule} 以降のルールを評価していません"
            ),
            "このファイルの検査を途中で打ち切りました".to_string(),
        ),
        Lang::En => (
            format!("checking took longer than {secs}s; rules from {rule} on were not evaluated"),
            "this file was only partly checked".to_string(),
        ),
    };
    file_note(doc, "policylint/timeout", Severity::Error, message, label)
}

/// More findings than the per-file cap: say how many are not shown.
fn more_note(doc: &Document, more: usize, lang: Lang) -> Diag {
    let (message, label) = match lang {
        Lang::Ja => (
            format!("ほかに{more}件の指摘があります（表示の上限を超えました）"),
            format!("+{more}件"),
        ),
        Lang::En => (
            format!("+{more} more findings in this file (over the per-file limit)"),
            format!("+{more} more"),
        ),
    };
    file_note(doc, "policylint/more", Severity::Info, message, label)
}

fn pos(doc: &Document, offset: usize) -> Pos {
    let p = doc.position(offset);
    Pos {
        line: p.line,
        column: p.column,
        offset: doc.file_offset(p.offset),
    }
}

/// The normalised text of the leaf around `offset`: the fingerprint context.
fn context(doc: &Document, offset: usize) -> &str {
    doc.nodes
        .iter()
        .rev()
        .find(|n| {
            n.kind.is_leaf_text()
                && n.src.start <= offset
                && offset < n.src.end.max(n.src.start + 1)
        })
        .map(|n| &doc.norm.text[n.norm.clone()])
        .unwrap_or("")
}

fn locate(set: &RuleSet, doc: &Document, f: &Finding, severity: Severity, lang: Lang) -> Diag {
    let rule = set.rule(&f.rule);
    let matched = &doc.text[f.span.clone()];
    Diag {
        rule: f.rule.clone(),
        severity,
        kind: Some(f.kind),
        message: f.message.clone(),
        label: f.label.clone(),
        start: pos(doc, f.span.start),
        end: pos(doc, f.span.end),
        span: f.span.clone(),
        labels: f
            .labels
            .iter()
            .map(|l| DiagLabel {
                message: l.message.clone(),
                start: pos(doc, l.span.start),
                end: pos(doc, l.span.end),
                span: l.span.clone(),
            })
            .collect(),
        missing: f.missing.clone(),
        found: f.found.clone(),
        cite: rule.and_then(|r| r.cite.clone()),
        help: rule
            .filter(|r| !r.help.is_empty())
            .map(|r| r.help.get(lang).to_string()),
        url: rule.and_then(|r| r.url.clone()),
        suppressed: None,
        baselined: false,
        fingerprint: fingerprint(&[
            &f.rule,
            context(doc, f.span.start),
            matched,
            &f.missing.join(","),
        ]),
    }
}

fn unused_suppression(doc: &Document, d: &suppress::Directive, lang: Lang) -> Diag {
    let rules = if d.rules.is_empty() {
        "*".to_string()
    } else {
        d.rules.join(", ")
    };
    let message = match lang {
        Lang::Ja => format!("この抑制コメントは何も抑制していません（{rules}）"),
        Lang::En => format!("this suppression suppresses nothing ({rules})"),
    };
    Diag {
        rule: "policylint/unused-suppression".into(),
        severity: Severity::Warning,
        kind: None,
        label: match lang {
            Lang::Ja => "該当する指摘がありません".into(),
            Lang::En => "no finding here to suppress".into(),
        },
        message,
        start: pos(doc, d.span.start),
        end: pos(doc, d.span.end),
        span: d.span.clone(),
        labels: Vec::new(),
        missing: Vec::new(),
        found: Vec::new(),
        cite: None,
        help: Some(match lang {
            Lang::Ja => "不要になった抑制コメントは削除してください".into(),
            Lang::En => "remove the comment, or fix the rule id it names".into(),
        }),
        url: None,
        suppressed: None,
        baselined: false,
        fingerprint: fingerprint(&["policylint/unused-suppression", &doc.text[d.span.clone()]]),
    }
}

/// Counts of active diagnostics by severity: (error, warning, info).
pub fn counts(results: &[FileResult]) -> (usize, usize, usize) {
    let mut c = (0, 0, 0);
    for d in results
        .iter()
        .flat_map(|r| &r.diagnostics)
        .filter(|d| d.active())
    {
        match d.severity {
            Severity::Error => c.0 += 1,
            Severity::Warning => c.1 += 1,
            Severity::Info => c.2 += 1,
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_sort_by_the_path_as_shown() {
        let f = |s: &str| WalkItem::File(PathBuf::from(s));
        let mut items = vec![
            f("./b.md"),
            f("a/z.md"),
            WalkItem::Error(PathBuf::from("./a.md"), "gone".into()),
            f("a.md"),
            f("a-b/c.md"),
            f("./個人.md"),
        ];
        for i in &items {
            assert_eq!(shown(i), item_path(i));
        }
        sort_items(&mut items);
        let shown: Vec<String> = items.iter().map(item_path).collect();
        assert_eq!(
            shown,
            ["a-b/c.md", "a.md", "a.md", "a/z.md", "b.md", "個人.md"]
        );
        // Stable: the error stays before the file shown alike.
        assert!(matches!(items[1], WalkItem::Error(..)));
    }
}
