//! `policylint test`: run the examples written in rule files, and the
//! fixture documents under a pack's `tests` folders ([`super::fixtures`]).
//! Like ast-grep's runner, each case is *validated* (exactly the expected
//! findings), *missing* (an expected finding did not come) or *noisy* (a
//! finding no expectation asked for).

use std::path::Path;

use super::eval::Evaluator;
use super::finding::Finding;
use super::fixtures::{self, Fixture};
use crate::document::context::{Inferred, Source};
use crate::document::{Context, Document, Facet, Format, LoadError};
use crate::rules::model::{Expect, Rule, RuleSet, TestCase, TestInput, TestKind};
use crate::source;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Validated,
    /// Expectations no finding met (`None`: the case expected some finding
    /// of the rule, and none came).
    Missing(Vec<Option<Expect>>),
    /// Findings no expectation asked for.
    Noisy(Vec<Noise>),
    /// The case could not run (unreadable file…).
    Error(String),
}

/// A finding no expectation asked for, and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Noise {
    pub line: usize,
    pub column: usize,
    pub finding: Finding,
}

#[derive(Debug, Clone)]
pub struct CaseReport {
    pub rule: String,
    /// 1-based index of the case within its rule.
    pub index: usize,
    pub kind: TestKind,
    /// `file:line:col` of the case in the rule file, or the path of a
    /// fixture.
    pub location: String,
    pub outcome: Outcome,
    /// Both missing and noisy can happen at once: the second list.
    pub also_noisy: Vec<Noise>,
}

impl CaseReport {
    pub fn passed(&self) -> bool {
        self.outcome == Outcome::Validated
    }
}

fn location(rule: &Rule, case: &TestCase) -> String {
    let p = crate::text::position::position(&rule.file.text, case.span.start);
    format!("{}:{}:{}", rule.file.name, p.line, p.column)
}

fn format_named(name: &str) -> Option<Format> {
    match name {
        "text" | "txt" => Some(Format::Text),
        "markdown" | "md" => Some(Format::Markdown),
        "html" => Some(Format::Html),
        _ => None,
    }
}

fn load_case(rule: &Rule, case: &TestCase, index: usize) -> Result<Document, String> {
    match &case.input {
        TestInput::Inline(text) => {
            let format = match &case.format {
                Some(f) => format_named(f)
                    .ok_or_else(|| format!("unknown format `{f}` (use text, markdown or html)"))?,
                None => Format::Text,
            };
            let decoded = source::decode(text.as_bytes()).map_err(|e| e.to_string())?;
            let name = format!("{}#{index}", rule.id);
            Ok(Document::parse(Path::new(&name), decoded, format))
        }
        // A rule not read from disk (the built-in pack) reads no file.
        TestInput::File(_) if rule.file.path.is_none() => Err(format!(
            "{} is not read from disk: its test files are not read (run `policylint test` on the pack's folder)",
            rule.file.name
        )),
        TestInput::File(path) => load_file(path),
    }
}

/// A test document on disk, of at most the size `policylint check` reads.
fn load_file(path: &Path) -> Result<Document, String> {
    Document::load(path, source::DEFAULT_MAX_FILE_SIZE).map_err(|e| match e {
        LoadError::Read(r) => r.to_string(),
        other => other.to_string(),
    })
}

fn meets(doc: &Document, f: &Finding, e: &Expect) -> bool {
    if let Some(m) = &e.missing {
        let mut want = m.clone();
        let mut got = f.missing.clone();
        want.sort();
        got.sort();
        if want != got {
            return false;
        }
    }
    let p = doc.position(f.span.start);
    if let Some((l, c)) = e.at
        && (p.line as u32, p.column as u32) != (l, c)
    {
        return false;
    }
    if let Some(l) = e.line
        && p.line as u32 != l
    {
        return false;
    }
    true
}

/// The context a case is checked in: the inferred one, except that a case
/// is a policy of a covered service unless it says otherwise (`with`), so
/// that an example sentence is checked at the rule's own severity.
fn case_context(doc: &Document, case: &TestCase) -> Context {
    let mut c = doc.context.clone();
    if c.document.source == Source::Default {
        c.set(Facet::Document, Inferred::config("policy"));
    }
    c.set(Facet::Service, Inferred::config("covered"));
    for &(f, v) in &case.with {
        c.set(f, Inferred::config(v));
    }
    c
}

/// Run one case of `rule`.
pub fn run_case(set: &RuleSet, rule: &Rule, case: &TestCase, index: usize) -> CaseReport {
    let mut report = CaseReport {
        rule: rule.id.clone(),
        index,
        kind: case.kind,
        location: location(rule, case),
        outcome: Outcome::Validated,
        also_noisy: Vec::new(),
    };
    match load_case(rule, case, index) {
        Ok(doc) => check(set, rule, case, &doc, &mut report),
        Err(e) => report.outcome = Outcome::Error(e),
    }
    report
}

/// Run a fixture of `rule`: the case its comments state.
pub fn run_fixture(set: &RuleSet, rule: &Rule, path: &Path, index: usize) -> CaseReport {
    let mut report = CaseReport {
        rule: rule.id.clone(),
        index,
        kind: TestKind::Pass,
        location: path.display().to_string(),
        outcome: Outcome::Validated,
        also_noisy: Vec::new(),
    };
    let case = load_file(path).and_then(|doc| {
        let case = fixtures::read_case(rule, path, &doc)?;
        Ok((doc, case))
    });
    match case {
        Ok((doc, case)) => {
            report.kind = case.kind;
            check(set, rule, &case, &doc, &mut report);
        }
        Err(e) => report.outcome = Outcome::Error(e),
    }
    report
}

/// Check `doc` against the expectations of `case`, into `report`.
fn check(set: &RuleSet, rule: &Rule, case: &TestCase, doc: &Document, report: &mut CaseReport) {
    let findings = Evaluator::new(set, doc)
        .with_context(case_context(doc, case))
        .run(rule);
    let mut used = vec![false; findings.len()];
    let mut missing = Vec::new();
    match case.kind {
        TestKind::Pass => {}
        TestKind::Fail if case.expects.is_empty() => {
            if findings.is_empty() {
                missing.push(None);
            }
            used.iter_mut().for_each(|u| *u = true);
        }
        TestKind::Fail => {
            for e in &case.expects {
                match findings
                    .iter()
                    .enumerate()
                    .find(|(i, f)| !used[*i] && meets(doc, f, e))
                {
                    Some((i, _)) => used[i] = true,
                    None => missing.push(Some(e.clone())),
                }
            }
        }
    }
    let noisy: Vec<Noise> = findings
        .into_iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(finding, _)| {
            let p = doc.position(finding.span.start);
            Noise {
                line: p.line,
                column: p.column,
                finding,
            }
        })
        .collect();
    report.outcome = if !missing.is_empty() {
        report.also_noisy = noisy;
        Outcome::Missing(missing)
    } else if !noisy.is_empty() {
        Outcome::Noisy(noisy)
    } else {
        Outcome::Validated
    };
}

/// Run every case of every rule in `set` whose file is selected by `keep`.
pub fn run_all(set: &RuleSet, keep: impl Fn(&Rule) -> bool) -> Vec<CaseReport> {
    run_with_fixtures(set, keep, &[])
}

/// Run every case of every rule selected by `keep`, and its `fixtures`:
/// each rule's fixtures come after its own cases, numbered on from them.
pub fn run_with_fixtures(
    set: &RuleSet,
    keep: impl Fn(&Rule) -> bool,
    fixtures: &[Fixture],
) -> Vec<CaseReport> {
    let mut out = Vec::new();
    for rule in set.rules.iter().filter(|r| keep(r)) {
        for (i, case) in rule.tests.iter().enumerate() {
            out.push(run_case(set, rule, case, i + 1));
        }
        let mine = fixtures.iter().filter(|f| f.rule == rule.id);
        for (i, f) in mine.enumerate() {
            out.push(run_fixture(set, rule, &f.path, rule.tests.len() + i + 1));
        }
    }
    out
}
