//! Test fixtures found by folder convention: a document under a folder
//! named `tests` in a pack is a case of the rule its folders name
//! (`tests/appi/joint-use/no-controller.md`, or `tests/joint-use/…` when
//! the last segment of the id is unique), and states what it expects in
//! comments (`policylint-expect [missing [a, b]]`, `policylint-with
//! FACET = VALUE, …`). This module finds the fixtures and reads their
//! comments; [`super::testing`] runs them.

use std::path::{Path, PathBuf};

use crate::document::directives::{self, Expectation, ExpectationKind};
use crate::document::{Document, Facet};
use crate::rules::model::{Expect, Rule, RuleSet, TestCase, TestInput, TestKind};

/// The folder whose documents are fixtures.
pub const FOLDER: &str = "tests";

/// The extensions of fixture documents (those `policylint check` reads by
/// default).
pub const EXTENSIONS: &[&str] = &["md", "markdown", "html", "htm", "txt"];

/// A fixture and the rule it is a case of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixture {
    pub path: PathBuf,
    pub rule: String,
}

/// A fixture that names no rule, or several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureError {
    pub path: PathBuf,
    pub message: String,
}

fn is_fixture_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// The fixtures below each folder of `dirs` (files and missing paths are
/// passed over: they are rule files, whose loading reports them), in path
/// order, with an error for each one whose folders name no loaded rule or
/// an ambiguous one.
pub fn discover(dirs: &[PathBuf], set: &RuleSet) -> (Vec<Fixture>, Vec<FixtureError>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        // Links are not followed: a fixture lies inside the folder walked.
        let walk = walkdir::WalkDir::new(dir)
            .follow_links(false)
            .sort_by_file_name();
        for entry in walk.into_iter().filter_map(Result::ok) {
            if !entry.file_type().is_file() || !is_fixture_name(entry.path()) {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(dir) else {
                continue;
            };
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            // Folders only: the file's own name is the case's name.
            let folders = &parts[..parts.len().saturating_sub(1)];
            let Some(at) = folders.iter().position(|p| p == FOLDER) else {
                continue;
            };
            let path = entry.path().to_path_buf();
            match rule_named(&folders[at + 1..], set) {
                Ok(rule) => found.push(Fixture { path, rule }),
                Err(message) => errors.push(FixtureError { path, message }),
            }
        }
    }
    (found, errors)
}

/// The rule that the folders below `tests/` name: its full id, or the last
/// segment of exactly one loaded rule's id.
fn rule_named(folders: &[String], set: &RuleSet) -> Result<String, String> {
    const HELP: &str = "put a fixture in tests/<rule id>/ (tests/appi/joint-use/x.md) or in \
                        tests/<last part of the id>/ (tests/joint-use/x.md)";
    if folders.is_empty() {
        return Err(format!(
            "a fixture directly in `{FOLDER}/` names no rule; {HELP}"
        ));
    }
    let name = folders.join("/");
    if set.rule(&name).is_some() {
        return Ok(name);
    }
    let last = |id: &str| id.rsplit('/').next().unwrap_or(id).to_string();
    let same_last: Vec<&str> = if folders.len() == 1 {
        set.rules
            .iter()
            .map(|r| r.id.as_str())
            .filter(|id| last(id) == name)
            .collect()
    } else {
        Vec::new()
    };
    match same_last.as_slice() {
        [one] => Ok((*one).to_string()),
        [] => {
            let best = set.rules.iter().map(|r| r.id.as_str()).min_by_key(|id| {
                strsim::levenshtein(id, &name).min(strsim::levenshtein(&last(id), &name))
            });
            let hint = best.map_or(String::new(), |b| format!(" (did you mean `{b}`?)"));
            Err(format!(
                "the folder `{name}` names no loaded rule{hint}; {HELP}"
            ))
        }
        many => Err(format!(
            "the folder `{name}` is the last part of the ids of {}: write the full id, \
             as folders: {}",
            many.iter()
                .map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", "),
            many.iter()
                .map(|id| format!("{FOLDER}/{id}/"))
                .collect::<Vec<_>>()
                .join(" or ")
        )),
    }
}

/// The case a fixture document states: a fail case with one expectation
/// per `policylint-expect` (a finding on the line after it), or a pass case
/// when there is none; `policylint-with` sets its context. A malformed
/// comment is an error located at `path:line:column`.
pub fn read_case(rule: &Rule, path: &Path, doc: &Document) -> Result<TestCase, String> {
    let mut expects = Vec::new();
    let mut with: Vec<(Facet, &'static str)> = Vec::new();
    for e in directives::expectations(&doc.text, doc.format) {
        let located = |message: String| {
            let p = doc.position(e.span.start);
            format!("{}:{}:{}: {message}", path.display(), p.line, p.column)
        };
        match e.kind {
            ExpectationKind::Expect => expects.push(expect(rule, &e).map_err(located)?),
            ExpectationKind::With => {
                for (facet, value) in facets(&e.args).map_err(located)? {
                    if with.iter().any(|(f, _)| *f == facet) {
                        return Err(located(format!(
                            "the facet `{}` is set twice: a case is checked in one context",
                            facet.name()
                        )));
                    }
                    with.push((facet, value));
                }
            }
        }
    }
    Ok(TestCase {
        kind: if expects.is_empty() {
            TestKind::Pass
        } else {
            TestKind::Fail
        },
        input: TestInput::File(path.to_path_buf()),
        format: None,
        with,
        expects,
        span: 0..0,
    })
}

/// `policylint-expect [missing [a, b]]`
fn expect(rule: &Rule, e: &Expectation) -> Result<Expect, String> {
    const FORM: &str = "write `policylint-expect` or `policylint-expect missing [a, b]`";
    let Some(line) = e.next_line else {
        return Err(format!(
            "`policylint-expect` is about the line after it, and no line follows; {FORM}"
        ));
    };
    let line = u32::try_from(line).unwrap_or(u32::MAX);
    if e.args.is_empty() {
        return Ok(Expect {
            missing: None,
            at: None,
            line: Some(line),
        });
    }
    let list = e
        .args
        .strip_prefix("missing")
        .map(str::trim)
        .and_then(|l| l.strip_prefix('['))
        .and_then(|l| l.strip_suffix(']'));
    let Some(list) = list else {
        return Err(format!(
            "malformed `policylint-expect`: unexpected `{}`; {FORM}",
            e.args
        ));
    };
    let names: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    for n in &names {
        if rule.element(n).is_none() {
            return Err(format!(
                "malformed `policylint-expect`: the rule `{}` has no element `{n}`",
                rule.id
            ));
        }
    }
    Ok(Expect {
        missing: Some(names),
        at: None,
        line: Some(line),
    })
}

/// `FACET = VALUE, FACET = VALUE`
fn facets(args: &str) -> Result<Vec<(Facet, &'static str)>, String> {
    const FORM: &str = "write `policylint-with FACET = VALUE, …`, like \
                        `policylint-with service = not-covered, operator = individual`";
    if args.is_empty() {
        return Err(format!("`policylint-with` names no facet; {FORM}"));
    }
    let mut out = Vec::new();
    for part in args.split(',') {
        let Some((facet, value)) = part.split_once('=') else {
            return Err(format!(
                "malformed `policylint-with`: expected `FACET = VALUE`, found `{}`; {FORM}",
                part.trim()
            ));
        };
        let (facet, value) = (facet.trim(), value.trim());
        let names = || {
            Facet::ALL
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some(f) = Facet::parse(facet) else {
            return Err(format!(
                "malformed `policylint-with`: unknown facet `{facet}` (facets: {})",
                names()
            ));
        };
        let Some(v) = f.value(value) else {
            return Err(format!(
                "malformed `policylint-with`: `{value}` is no value of `{facet}` (values: {})",
                f.values().join(", ")
            ));
        };
        out.push((f, v));
    }
    Ok(out)
}
