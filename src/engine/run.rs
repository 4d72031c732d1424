//! Checking documents: one at a time (from a path, from bytes, or from a
//! string held in memory, as an editor would ask) or many in parallel.
//!
//! A run over many files is streamed: workers check files in the order of
//! their paths and hand each outcome, with its document still loaded, to a
//! [`Printer`] (in the worker); the calling thread gives the printed parts
//! to a [`Sink`] in path order, each as soon as the files before it are
//! done. Each document is dropped in its worker, so memory does not grow
//! with the corpus, and the output does not depend on the number of
//! threads.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::baseline::{Baseline, Entry, fingerprint};
use super::diag::{Diag, DiagLabel, FileResult, Pos, What};
use super::eval::Evaluator;
use super::finding::Finding;
use super::ordered::ordered;
use super::requirements::{DiagIn, located, requirements};
use super::set::{DocSet, Unit, units};
use super::settings::{PathSettings, RuleSetting, Settings};
use super::status::RuleStatus;
use crate::document::directives::{self, DirectiveKind};
use crate::document::{Document, LoadError};
use crate::rules::{RuleSet, Severity};
use crate::source::walk::{Walk, WalkItem, walk};
use crate::source::{DecodeError, ReadError, display_path, read_file};
use crate::text::LineIndex;

/// One checked file, as a printer sees it: the result, and the document it
/// came from while it is still loaded (or why it could not be loaded).
pub struct Checked<'a> {
    pub result: FileResult,
    pub document: Option<&'a Document>,
    pub error: Option<&'a LoadError>,
    /// The pages of the file's document set (path as shown, document),
    /// which labels may point into; empty for a file checked alone.
    pub members: &'a [(String, &'a Document)],
}

/// Turns a checked file into its part of the output. Runs in the worker
/// that checked the file, so rendering is parallel too.
pub trait Printer: Sync {
    type Part: Send;
    fn print(&self, file: &Checked<'_>) -> Self::Part;
}

/// Receives the printed parts, in path order, on the calling thread.
pub trait Sink<Part> {
    fn write(&mut self, part: Part) -> std::io::Result<()>;
}

impl<Part, F: FnMut(Part) -> std::io::Result<()>> Sink<Part> for F {
    fn write(&mut self, part: Part) -> std::io::Result<()> {
        self(part)
    }
}

/// The compiled rules and the settings of a run.
pub struct Engine<'a> {
    rules: &'a RuleSet,
    settings: Settings,
    baseline: Option<&'a Mutex<Baseline>>,
    /// Fill each result's requirements (their states and evidence).
    evidence: bool,
}

impl<'a> Engine<'a> {
    pub fn new(rules: &'a RuleSet, settings: Settings) -> Self {
        Engine {
            rules,
            settings,
            baseline: None,
            evidence: false,
        }
    }

    /// Record each requirement's state and evidence in the results
    /// ([`FileResult::requirements`]); off by default, since `check` only
    /// needs what is missing.
    pub fn with_evidence(mut self, evidence: bool) -> Self {
        self.evidence = evidence;
        self
    }

    pub(super) fn evidence(&self) -> bool {
        self.evidence
    }

    /// Mark the findings this baseline holds as baselined.
    pub fn with_baseline(mut self, baseline: &'a Mutex<Baseline>) -> Self {
        self.baseline = Some(baseline);
        self
    }

    pub fn rules(&self) -> &'a RuleSet {
        self.rules
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The files under `paths`, in the order of every report: by the path
    /// as shown. A named file is taken whatever its extension, unless the
    /// exclude globs leave it out (see [`Engine::walk`] for which were).
    pub fn files(&self, paths: &[PathBuf]) -> Vec<WalkItem> {
        self.walk(paths).items
    }

    /// The files under `paths`, as [`Engine::files`], and the named paths
    /// the exclude globs left out. Globs are relative to the settings'
    /// base folder, whatever paths are named.
    pub fn walk(&self, paths: &[PathBuf]) -> Walk {
        let s = &self.settings;
        let mut w = walk(paths, &s.base_dir, &s.include, &s.exclude);
        sort_items(&mut w.items);
        w
    }

    /// Check text held in memory; `name` is the path shown, and its
    /// extension picks the format.
    pub fn check_text(&self, name: &str, text: &str) -> FileResult {
        self.check_bytes(Path::new(name), text.as_bytes())
    }

    /// Check a file's bytes, read by the caller.
    pub fn check_bytes(&self, path: &Path, bytes: &[u8]) -> FileResult {
        let started = Instant::now();
        self.with_loaded(path, started, Document::from_bytes(path, bytes), |c| {
            c.result
        })
    }

    /// Check bytes the caller read, or failed to read (standard input),
    /// and hand the outcome, document and all, to `f`. `path` is the name
    /// the document goes by: it is shown, picks the format by its
    /// extension and the settings by its place.
    pub fn check_read<T>(
        &self,
        path: &Path,
        read: Result<Vec<u8>, ReadError>,
        f: impl FnOnce(Checked<'_>) -> T,
    ) -> T {
        let started = Instant::now();
        let loaded = read
            .map_err(LoadError::from)
            .and_then(|bytes| Document::from_bytes(path, &bytes));
        self.with_loaded(path, started, loaded, f)
    }

    /// Read and check one file.
    pub fn check_path(&self, path: &Path) -> FileResult {
        self.check_item(&WalkItem::File(path.to_path_buf()), |c| c.result)
    }

    /// Check a walked item and hand the outcome, document and all, to `f`.
    pub fn check_item<T>(&self, item: &WalkItem, f: impl FnOnce(Checked<'_>) -> T) -> T {
        match item {
            WalkItem::File(p) => {
                let started = Instant::now();
                let loaded = read_file(p, self.settings.max_file_size)
                    .map_err(LoadError::from)
                    .and_then(|bytes| Document::from_bytes(p, &bytes));
                self.with_loaded(p, started, loaded, f)
            }
            WalkItem::Error(p, msg) => f(Checked {
                result: unreadable(display_path(p), msg.clone(), Pos::START),
                document: None,
                error: None,
                members: &[],
            }),
        }
    }

    /// Check every item on `threads` threads (all cores when `None`),
    /// printing each in its worker and writing the parts to `sink` in
    /// order. The first error of the sink stops the run and is returned.
    pub fn run<P: Printer, S: Sink<P::Part>>(
        &self,
        items: &[WalkItem],
        threads: Option<usize>,
        printer: &P,
        sink: &mut S,
    ) -> std::io::Result<()> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.unwrap_or(0))
            .build()
            .ok();
        ordered(
            pool.as_ref(),
            items.len(),
            |i| self.check_item(&items[i], |c| printer.print(&c)),
            |part| sink.write(part),
        )
    }

    /// As [`Engine::run`], with `sets` of items each checked as one
    /// document. A set is one unit of work, at the place of its first
    /// member; its members' parts are written together, in set order.
    pub fn run_sets<P: Printer, S: Sink<P::Part>>(
        &self,
        items: &[WalkItem],
        sets: &[DocSet],
        threads: Option<usize>,
        printer: &P,
        sink: &mut S,
    ) -> std::io::Result<()> {
        if sets.is_empty() {
            return self.run(items, threads, printer, sink);
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.unwrap_or(0))
            .build()
            .ok();
        let units = units(items.len(), sets);
        ordered(
            pool.as_ref(),
            units.len(),
            |u| match units[u] {
                Unit::File(i) => vec![self.check_item(&items[i], |c| printer.print(&c))],
                Unit::Set(s) => self.check_set(items, &sets[s], printer),
            },
            |parts| parts.into_iter().try_for_each(|p| sink.write(p)),
        )
    }

    fn with_loaded<T>(
        &self,
        p: &Path,
        started: Instant,
        loaded: Result<Document, LoadError>,
        f: impl FnOnce(Checked<'_>) -> T,
    ) -> T {
        let path = display_path(p);
        match loaded {
            Ok(doc) => {
                let result = self.check_loaded(p, path, &doc, started);
                f(Checked {
                    result,
                    document: Some(&doc),
                    error: None,
                    members: &[],
                })
            }
            Err(e) => f(Checked {
                result: not_loaded(path, &e),
                document: None,
                error: Some(&e),
                members: &[],
            }),
        }
    }

    /// Check a loaded document; `path` is how it is shown.
    fn check_loaded(&self, p: &Path, path: String, doc: &Document, started: Instant) -> FileResult {
        let deadline = deadline(started, self.settings.file_timeout);
        let settings = self.settings.for_path(p);
        let context = settings.context(&doc.context);
        let eval = Evaluator::new(self.rules, doc).with_context(context.clone());
        let (findings, statuses, stopped) = self.evaluate(&eval, deadline);
        let (skipped_rules, rules_applied) = eval.applicability();
        let findings = findings.into_iter().map(Placed::here).collect();
        let outcome = Outcome {
            context,
            rules_applied,
            skipped_rules,
            stopped,
        };
        let mut result = self.report(&settings, path, doc, findings, outcome, &[]);
        if self.evidence {
            let diags: Vec<DiagIn<'_>> = result
                .diagnostics
                .iter()
                .map(|diag| DiagIn {
                    path: None,
                    doc,
                    diag,
                })
                .collect();
            let reqs = requirements(&settings, statuses, &diags, |r| {
                located(doc, r.clone(), None)
            });
            result.requirements = reqs;
        }
        result
    }

    /// Every rule's findings (and, when evidence is asked for, each
    /// rule's status: the same findings and what stands for each element),
    /// up to the deadline.
    pub(super) fn evaluate(
        &self,
        eval: &Evaluator<'_>,
        deadline: Option<Instant>,
    ) -> (Vec<Finding>, Vec<RuleStatus>, Option<String>) {
        if self.evidence {
            eval.status_until(deadline)
        } else {
            let (findings, stopped) = eval.run_until(deadline);
            (findings, Vec::new(), stopped)
        }
    }

    /// A checked document's findings, settings applied, suppressed, capped,
    /// located and baselined: its result. `members` are the pages of its
    /// set (path as shown, document) that labels may point into.
    pub(super) fn report(
        &self,
        settings: &PathSettings<'_>,
        path: String,
        doc: &Document,
        findings: Vec<Placed>,
        outcome: Outcome,
        members: &[(String, &Document)],
    ) -> FileResult {
        let Outcome {
            context,
            rules_applied,
            skipped_rules,
            stopped,
        } = outcome;
        let mut directives = doc.directives.clone();
        // Everything reported, in order, before any is located: a file with
        // a million findings locates only the ones it shows (the cap).
        let mut found: Vec<Pending> = Vec::with_capacity(findings.len());
        for Placed {
            finding: mut f,
            elsewhere,
        } in findings
        {
            match settings.get(&f.rule) {
                Some(RuleSetting::Off) => continue,
                Some(RuleSetting::Severity(s)) => f.severity = s,
                None => {}
            }
            let line = doc.line(f.span.start);
            let suppressed = directives::suppress(&mut directives, &f.rule, line);
            found.push(Pending::Finding(
                Box::new(Placed {
                    finding: f,
                    elsewhere,
                }),
                suppressed,
            ));
        }
        for (i, dir) in directives.iter().enumerate() {
            let unknown = dir
                .rules
                .iter()
                .filter(|id| self.rules.rule(id).is_none())
                .count();
            for (k, id) in dir.rules.iter().enumerate() {
                if self.rules.rule(id).is_none() {
                    found.push(Pending::Unknown(i, k));
                }
            }
            // A comment that names only unknown ids is said to be wrong
            // once, not also unused.
            let all_unknown = unknown > 0 && unknown == dir.rules.len();
            if !dir.used && dir.kind != DirectiveKind::Enable && !all_unknown {
                found.push(Pending::Unused(i));
            }
        }
        found.sort_by(|a, b| a.key(&directives).cmp(&b.key(&directives)));
        let cap = self.settings.max_diagnostics;
        let more = found.len().saturating_sub(cap);
        found.truncate(cap);
        // Built once per document, and only when a finding needs it.
        let leaves = std::cell::OnceCell::new();
        let mut diags: Vec<Diag> = found
            .into_iter()
            .map(|x| match x {
                Pending::Finding(p, suppressed) => Diag {
                    suppressed,
                    ..locate(
                        doc,
                        leaves.get_or_init(|| Leaves::new(doc)),
                        p.finding,
                        &p.elsewhere,
                        members,
                    )
                },
                Pending::Unused(i) => unused_suppression(doc, &directives[i]),
                Pending::Unknown(i, k) => unknown_rule(doc, self.rules, &directives[i], k),
            })
            .collect();
        if more > 0 {
            let what = What::More(more);
            let key = more.to_string();
            diags.push(file_note(
                doc,
                "policylint/more",
                Severity::Info,
                what,
                &key,
            ));
        }
        // After the cap: a file only partly checked is always said to be.
        if let Some(rule) = stopped {
            let seconds = self.settings.file_timeout;
            let key = format!("{rule} {seconds}");
            let what = What::Timeout { rule, seconds };
            diags.push(file_note(
                doc,
                "policylint/timeout",
                Severity::Error,
                what,
                &key,
            ));
        }
        // Baseline entries are keyed by path, so each file consumes only its
        // own, in its own fixed order: the thread count cannot change the result.
        if let Some(b) = self.baseline {
            let mut b = b.lock().unwrap_or_else(|e| e.into_inner());
            for d in diags.iter_mut().filter(|d| d.suppressed.is_none()) {
                d.baselined = b.take(&entry(&path, d));
            }
        }
        FileResult {
            path,
            set: None,
            format: Some(doc.format.name()),
            encoding: Some(doc.encoding),
            skipped: None,
            diagnostics: diags,
            context: Some(context),
            rules_applied,
            skipped_rules,
            requirements: Vec::new(),
        }
    }
}

/// The baseline entry of a diagnostic in the file shown as `path`.
pub fn entry(path: &str, d: &Diag) -> Entry {
    Entry {
        rule: d.rule.clone(),
        path: path.to_string(),
        fingerprint: d.fingerprint.clone(),
    }
}

/// The path of a walked item as shown, borrowed when it can be (for
/// sorting many paths without a copy of each).
fn shown(item: &WalkItem) -> Cow<'_, str> {
    let (WalkItem::File(p) | WalkItem::Error(p, _)) = item;
    if std::path::MAIN_SEPARATOR != '/' {
        return Cow::Owned(display_path(p));
    }
    match p.to_string_lossy() {
        Cow::Borrowed(s) => Cow::Borrowed(s.strip_prefix("./").unwrap_or(s)),
        Cow::Owned(s) => Cow::Owned(s.strip_prefix("./").map(str::to_string).unwrap_or(s)),
    }
}

/// Sort walked items by the path as shown: the order of files in every
/// report (stable, so that items shown alike keep the walk's order).
fn sort_items(items: &mut [WalkItem]) {
    items.sort_by(|a, b| shown(a).cmp(&shown(b)));
}

/// The path of a walked item as every report shows it.
pub fn item_path(item: &WalkItem) -> String {
    let (WalkItem::File(p) | WalkItem::Error(p, _)) = item;
    display_path(p)
}

/// `policylint/input`: a file that could not be read or decoded.
pub(super) fn unreadable(path: String, msg: String, at: Pos) -> FileResult {
    let what = What::Unreadable(msg);
    FileResult {
        diagnostics: vec![note("policylint/input", Severity::Error, what, at, &path)],
        path,
        set: None,
        format: None,
        encoding: None,
        skipped: None,
        context: None,
        rules_applied: 0,
        skipped_rules: Vec::new(),
        requirements: Vec::new(),
    }
}

/// The result for a file that was not loaded: skipped (binary, empty, too
/// large) or unreadable.
pub(super) fn not_loaded(path: String, e: &LoadError) -> FileResult {
    if e.is_skip() {
        let reason = match e {
            LoadError::Empty { .. } => "empty file".to_string(),
            other => other
                .to_string()
                .rsplit(": ")
                .next()
                .unwrap_or("")
                .to_string(),
        };
        return FileResult {
            path,
            set: None,
            format: None,
            encoding: None,
            skipped: Some(reason),
            diagnostics: Vec::new(),
            context: None,
            rules_applied: 0,
            skipped_rules: Vec::new(),
            requirements: Vec::new(),
        };
    }
    let text = e.to_string();
    let msg = text
        .split_once(": ")
        .map_or(text.clone(), |(_, m)| m.to_string());
    let at = match e {
        LoadError::Decode {
            lossy, at, source, ..
        } => {
            let p = LineIndex::new(lossy).position(lossy, *at);
            let offset = match source {
                DecodeError::Invalid { offset, .. } | DecodeError::Nul { offset } => *offset,
                _ => 0,
            };
            Pos {
                line: p.line,
                column: p.column,
                offset,
            }
        }
        _ => Pos::START,
    };
    unreadable(path, msg, at)
}

/// A file-level note at the start of the document; `key` tells it from
/// other notes of the same rule in the fingerprint.
fn file_note(doc: &Document, rule: &str, severity: Severity, what: What, key: &str) -> Diag {
    note(rule, severity, what, pos(doc, 0), key)
}

/// One of policylint's own notes, at one place.
fn note(rule: &str, severity: Severity, what: What, at: Pos, key: &str) -> Diag {
    Diag {
        rule: rule.into(),
        severity,
        what,
        start: at,
        end: at,
        span: 0..0,
        labels: Vec::new(),
        missing: Vec::new(),
        found: Vec::new(),
        suppressed: None,
        baselined: false,
        fingerprint: fingerprint(&[rule, key]),
    }
}

pub(super) fn pos(doc: &Document, offset: usize) -> Pos {
    let p = doc.position(offset);
    Pos {
        line: p.line,
        column: p.column,
        offset: doc.file_offset(p.offset),
    }
}

/// A finding, an unused suppression (by its index), or an unknown rule id
/// in a suppression (by the indices of the directive and of the id),
/// before it is located.
enum Pending {
    Finding(Box<Placed>, Option<String>),
    Unused(usize),
    Unknown(usize, usize),
}

impl Pending {
    /// Position then rule: the order of a file's diagnostics.
    fn key<'a>(&'a self, directives: &'a [directives::Directive]) -> (usize, usize, &'a str) {
        match self {
            Pending::Finding(p, _) => {
                let f = &p.finding;
                (f.span.start, f.span.end, f.rule.as_str())
            }
            Pending::Unused(i) => {
                let d = &directives[*i];
                (d.span.start, d.span.end, "policylint/unused-suppression")
            }
            Pending::Unknown(i, k) => {
                let at = id_span(&directives[*i], *k);
                (at.start, at.end, "policylint/unknown-rule")
            }
        }
    }
}

/// The end of a file's time budget, counted from before it was read; none
/// when the budget is too large to count.
pub(super) fn deadline(started: Instant, seconds: f64) -> Option<Instant> {
    Duration::try_from_secs_f64(seconds)
        .ok()
        .and_then(|d| started.checked_add(d))
}

/// The leaf text nodes of a document by source position, to find the leaf
/// around an offset (the fingerprint context) by binary search. Leaves
/// nest (a sentence in its paragraph): the innermost one holding an offset
/// is the last one in document order, which is what is looked for.
struct Leaves {
    /// (start, end, node) sorted by start, outer before inner.
    spans: Vec<(usize, usize, usize)>,
    /// For each, the nearest leaf that encloses it.
    outer: Vec<Option<usize>>,
}

impl Leaves {
    fn new(doc: &Document) -> Leaves {
        let mut spans: Vec<(usize, usize, usize)> = doc
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.kind.is_leaf_text())
            .map(|(i, n)| (n.src.start, n.src.end.max(n.src.start + 1), i))
            .collect();
        spans.sort_by_key(|&(s, e, i)| (s, std::cmp::Reverse(e), i));
        let mut outer = Vec::with_capacity(spans.len());
        let mut stack: Vec<usize> = Vec::new();
        for (k, &(s, e, _)) in spans.iter().enumerate() {
            while stack
                .last()
                .is_some_and(|&t| !(spans[t].0 <= s && e <= spans[t].1))
            {
                stack.pop();
            }
            outer.push(stack.last().copied());
            stack.push(k);
        }
        Leaves { spans, outer }
    }

    /// The normalised text of the leaf around `offset`.
    fn context<'d>(&self, doc: &'d Document, offset: usize) -> &'d str {
        let mut k = self
            .spans
            .partition_point(|&(s, _, _)| s <= offset)
            .checked_sub(1);
        while let Some(i) = k {
            let (s, e, node) = self.spans[i];
            if s <= offset && offset < e {
                return &doc.norm.text[doc.nodes[node].norm.clone()];
            }
            k = self.outer[i];
        }
        ""
    }
}

/// A finding, and for each of its labels the member of the set it points
/// into when that is another file than the finding's (an index into the
/// `members` given to [`Engine::report`]).
pub(super) struct Placed {
    pub(super) finding: Finding,
    pub(super) elsewhere: Vec<Option<usize>>,
}

impl Placed {
    /// A finding whose labels all point into its own file.
    pub(super) fn here(finding: Finding) -> Placed {
        Placed {
            elsewhere: vec![None; finding.labels.len()],
            finding,
        }
    }
}

/// How a document's rules were evaluated.
pub(super) struct Outcome {
    pub context: crate::document::Context,
    pub rules_applied: usize,
    pub skipped_rules: Vec<super::diag::SkippedRule>,
    /// The first rule not evaluated (the time budget ran out).
    pub stopped: Option<String>,
}

fn locate(
    doc: &Document,
    leaves: &Leaves,
    f: Finding,
    elsewhere: &[Option<usize>],
    members: &[(String, &Document)],
) -> Diag {
    let fingerprint = fingerprint(&[
        &f.rule,
        leaves.context(doc, f.span.start),
        &doc.text[f.span.clone()],
        &f.missing.join(","),
    ]);
    Diag {
        severity: f.severity,
        what: What::Finding {
            kind: f.kind,
            evidence: f.evidence,
            capped: f.capped,
        },
        start: pos(doc, f.span.start),
        end: pos(doc, f.span.end),
        labels: f
            .labels
            .into_iter()
            .enumerate()
            .map(|(k, l)| {
                let other = elsewhere
                    .get(k)
                    .copied()
                    .flatten()
                    .and_then(|m| members.get(m));
                let (path, in_doc) = match other {
                    Some((p, d)) => (Some(p.clone()), *d),
                    None => (None, doc),
                };
                DiagLabel {
                    start: pos(in_doc, l.span.start),
                    end: pos(in_doc, l.span.end),
                    span: l.span,
                    evidence: l.evidence,
                    path,
                }
            })
            .collect(),
        span: f.span,
        rule: f.rule,
        missing: f.missing,
        found: f.found,
        suppressed: None,
        baselined: false,
        fingerprint,
    }
}

fn unused_suppression(doc: &Document, d: &directives::Directive) -> Diag {
    Diag {
        rule: "policylint/unused-suppression".into(),
        severity: Severity::Warning,
        what: What::UnusedSuppression(d.rules.clone()),
        start: pos(doc, d.span.start),
        end: pos(doc, d.span.end),
        span: d.span.clone(),
        labels: Vec::new(),
        missing: Vec::new(),
        found: Vec::new(),
        suppressed: None,
        baselined: false,
        fingerprint: fingerprint(&["policylint/unused-suppression", &doc.text[d.span.clone()]]),
    }
}

/// Where a directive's `k`th rule id is written (the whole directive if it
/// cannot be found, which the parser does not allow).
fn id_span(d: &directives::Directive, k: usize) -> std::ops::Range<usize> {
    d.rule_spans
        .get(k)
        .cloned()
        .unwrap_or_else(|| d.span.clone())
}

/// `policylint/unknown-rule`: a suppression comment names a rule id that
/// no loaded rule has (a typo suppresses nothing, silently otherwise).
fn unknown_rule(doc: &Document, rules: &RuleSet, d: &directives::Directive, k: usize) -> Diag {
    let id = d.rules.get(k).cloned().unwrap_or_default();
    let span = id_span(d, k);
    Diag {
        rule: "policylint/unknown-rule".into(),
        severity: Severity::Warning,
        what: What::UnknownRule {
            suggestion: rules.suggest(&id).map(str::to_string),
            id: id.clone(),
        },
        start: pos(doc, span.start),
        end: pos(doc, span.end),
        labels: Vec::new(),
        missing: Vec::new(),
        found: Vec::new(),
        suppressed: None,
        baselined: false,
        fingerprint: fingerprint(&["policylint/unknown-rule", &doc.text[d.span.clone()], &id]),
        span,
    }
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
