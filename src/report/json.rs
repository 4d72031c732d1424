//! `--format json`: the contract in docs/json.md. Lines and columns are
//! 1-based and count Unicode scalar values; offsets are bytes of the
//! original file.
//!
//! The report is written as it is produced: `version`, then `diagnostics`
//! file by file, then the (small) `files` list and the `summary`. The bytes
//! are those of `serde_json::to_string_pretty` of the whole report.

use std::io::{self, Write};

use serde::Serialize;

use super::i18n::Texts;
use super::outline::context_json;
use super::stream::{Frame, indent};
use crate::document::Document;
use crate::engine::{EvidenceAt, FileResult, Pos, ReqState, Requirement, SkipReason, Totals};
use crate::rules::{DEFAULT_GROUP, RuleSet, Severity};

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    /// The document set the file was checked in.
    #[serde(skip_serializing_if = "Option::is_none")]
    set: Option<&'a str>,
    format: Option<&'a str>,
    encoding: Option<&'a str>,
    skipped: Option<&'a str>,
    /// The context the rules were checked in (docs/applicability.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<&'a serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rules_applied: Option<usize>,
    /// With `--explain-context`: each rule that did not apply, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    skipped_rules: Option<&'a [JsonSkipped]>,
    /// With `--evidence`: each requirement's state and evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    requirements: Option<Vec<JsonRequirement<'a>>>,
}

/// A requirement: docs/json.md, "Requirements".
#[derive(Serialize)]
struct JsonRequirement<'a> {
    rule: &'a str,
    group: &'a str,
    /// satisfied, missing, referenced, flagged, not-applicable,
    /// suppressed, baselined or off.
    state: &'static str,
    /// Not applicable: `context` or `not-mentioned`; suppressed: the
    /// suppression comment's reason, when it gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    facet: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'static str>,
    severity: Option<&'static str>,
    elements: Vec<JsonElement<'a>>,
    at: Option<JsonEvidence<'a>>,
}

#[derive(Serialize)]
struct JsonElement<'a> {
    name: &'a str,
    parent: Option<&'a str>,
    found: Vec<JsonEvidence<'a>>,
    missing: bool,
}

#[derive(Serialize)]
struct JsonEvidence<'a> {
    /// Another page of the document set than the file's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    start: Pos,
    end: Pos,
    text: &'a str,
}

fn evidence(e: &EvidenceAt) -> JsonEvidence<'_> {
    JsonEvidence {
        path: e.path.as_deref(),
        start: e.start,
        end: e.end,
        text: &e.text,
    }
}

fn requirement<'a>(r: &'a Requirement, rules: &'a RuleSet) -> JsonRequirement<'a> {
    let (state, reason, facet, value) = match &r.state {
        ReqState::Satisfied => ("satisfied", None, None, None),
        ReqState::Missing => ("missing", None, None, None),
        ReqState::Referenced => ("referenced", None, None, None),
        ReqState::Flagged => ("flagged", None, None, None),
        ReqState::NotApplicable(SkipReason::Context(f, v)) => {
            ("not-applicable", Some("context"), Some(f.name()), Some(*v))
        }
        ReqState::NotApplicable(SkipReason::NotMentioned) => {
            ("not-applicable", Some("not-mentioned"), None, None)
        }
        ReqState::Suppressed(why) => ("suppressed", why.as_deref(), None, None),
        ReqState::Baselined => ("baselined", None, None, None),
        ReqState::Off => ("off", None, None, None),
    };
    JsonRequirement {
        rule: &r.rule,
        group: rules
            .rule(&r.rule)
            .map_or(DEFAULT_GROUP, |x| x.group.as_str()),
        state,
        reason,
        facet,
        value,
        severity: r.severity.map(Severity::name),
        elements: r
            .elements
            .iter()
            .map(|e| JsonElement {
                name: &e.name,
                parent: e.parent.as_deref(),
                found: e.found.iter().map(evidence).collect(),
                missing: e.missing,
            })
            .collect(),
        at: r.at.as_ref().map(evidence),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(super) struct JsonSkipped {
    rule: String,
    /// `context` (a facet's value the rule does not apply to) or
    /// `not-mentioned` (the document does not mention what it is about).
    reason: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    facet: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'static str>,
    message: String,
}

#[derive(Serialize)]
struct JsonLabel {
    message: String,
    /// The file the label points into, when not the diagnostic's own
    /// (another page of its document set).
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    start: Pos,
    end: Pos,
}

#[derive(Serialize)]
struct JsonDiag<'a> {
    rule: &'a str,
    severity: &'a str,
    message: String,
    path: &'a str,
    start: Pos,
    end: Pos,
    missing: &'a [String],
    found: &'a [String],
    labels: Vec<JsonLabel>,
    cite: Option<String>,
    help: Option<String>,
    url: Option<String>,
    suppressed: Option<&'a str>,
    fingerprint: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    error: usize,
    warning: usize,
    info: usize,
    suppressed: usize,
    baselined: usize,
}

/// Where the diagnostics go: inside the top-level object, before `files`.
pub(super) fn frame() -> Frame {
    Frame {
        head: "{\n  \"version\": 1,\n  \"diagnostics\": [".into(),
        first: "\n".into(),
        between: ",\n".into(),
        after_some: "\n  ]".into(),
        after_none: "]".into(),
    }
}

fn json_diags<'a>(r: &'a FileResult, texts: &Texts<'_>) -> impl Iterator<Item = JsonDiag<'a>> {
    r.diagnostics
        .iter()
        .filter(|d| !d.baselined)
        .map(|d| (d, texts.diag(d)))
        .map(|(d, said)| JsonDiag {
            rule: &d.rule,
            severity: d.severity.name(),
            message: said.message,
            path: &r.path,
            start: d.start,
            end: d.end,
            missing: &d.missing,
            found: &d.found,
            labels: d
                .labels
                .iter()
                .zip(said.labels)
                .map(|(l, message)| JsonLabel {
                    message,
                    path: l.path.clone(),
                    start: l.start,
                    end: l.end,
                })
                .collect(),
            cite: said.cite,
            help: said.help,
            url: said.url,
            suppressed: d.suppressed.as_deref(),
            fingerprint: &d.fingerprint,
        })
}

/// The elements of `diagnostics` for one file (baselined ones are left
/// out), indented for their place in the report and joined by `,\n`.
pub(super) fn diagnostics(r: &FileResult, texts: &Texts<'_>) -> String {
    let mut out = String::new();
    for j in json_diags(r, texts) {
        if !out.is_empty() {
            out.push_str(",\n");
        }
        out.push_str(&indent(&pretty(&j), "    "));
    }
    out
}

/// What `files` says of one file, rendered in the worker that checked it
/// and kept as text until the end of the run (a parsed value per file
/// would make memory grow with the corpus).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FileEntry {
    json: Box<str>,
}

impl FileEntry {
    pub(super) fn of(
        r: &FileResult,
        doc: Option<&Document>,
        explain: bool,
        evidence: bool,
        texts: &Texts<'_>,
    ) -> FileEntry {
        let context = match (doc, &r.context) {
            (Some(d), Some(c)) => Some(context_json(d, c)),
            _ => None,
        };
        let skipped_rules: Option<Vec<JsonSkipped>> = (explain && context.is_some()).then(|| {
            r.skipped_rules
                .iter()
                .map(|s| {
                    let (reason, facet, value) = match s.reason {
                        SkipReason::Context(f, v) => ("context", Some(f.name()), Some(v)),
                        SkipReason::NotMentioned => ("not-mentioned", None, None),
                    };
                    JsonSkipped {
                        rule: s.rule.clone(),
                        reason,
                        facet,
                        value,
                        message: texts.skip_reason(&s.reason),
                    }
                })
                .collect()
        });
        let entry = JsonFile {
            path: &r.path,
            set: r.set.as_deref(),
            format: r.format,
            encoding: r.encoding,
            skipped: r.skipped.as_deref(),
            rules_applied: context.is_some().then_some(r.rules_applied),
            context: context.as_ref(),
            skipped_rules: skipped_rules.as_deref(),
            requirements: (evidence && context.is_some()).then(|| {
                r.requirements
                    .iter()
                    .map(|q| requirement(q, texts.rules()))
                    .collect()
            }),
        };
        FileEntry {
            json: Box::from(indent(&pretty(&entry), "    ")),
        }
    }
}

/// What follows the diagnostics: `files` (each file's entry, in order) and
/// `summary`.
pub(super) fn write_tail<'a, W: Write + ?Sized>(
    out: &mut W,
    files: impl IntoIterator<Item = &'a FileEntry>,
    t: &Totals,
) -> io::Result<()> {
    out.write_all(b",\n  \"files\": [")?;
    let mut some = false;
    for e in files {
        out.write_all(if some { b",\n" } else { b"\n" })?;
        some = true;
        out.write_all(e.json.as_bytes())?;
    }
    out.write_all(if some { b"\n  ]" } else { b"]" })?;
    let summary = Summary {
        files: t.files,
        error: t.error,
        warning: t.warning,
        info: t.info,
        suppressed: t.suppressed,
        baselined: t.baselined,
    };
    write!(
        out,
        ",\n  \"summary\": {}\n}}\n",
        indent(&pretty(&summary), "  ").trim_start()
    )
}

fn pretty<T: Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Diag, DiagLabel, Evidence, What};
    use crate::report::stream::Writer;
    use crate::rules::{Lang, Loader, RuleSet, Severity};

    fn no_rules() -> RuleSet {
        Loader::new().compile().unwrap()
    }

    /// The whole report of collected results, as the stream writes it.
    fn render(results: &[FileResult], texts: &Texts<'_>) -> String {
        let mut w = Writer::new(Vec::new(), frame());
        let mut totals = Totals::default();
        for r in results {
            w.file(&diagnostics(r, texts)).unwrap();
            totals.add(r);
        }
        let entries: Vec<FileEntry> = results
            .iter()
            .map(|r| FileEntry::of(r, None, false, false, texts))
            .collect();
        let out = w.finish(|out| write_tail(out, &entries, &totals)).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn diag(rule: &str, suppressed: Option<&str>, baselined: bool) -> Diag {
        let p = |line, column, offset| Pos {
            line,
            column,
            offset,
        };
        Diag {
            rule: rule.into(),
            severity: Severity::Warning,
            what: What::Unreadable("メッセージ \"quoted\"\nline".into()),
            start: p(1, 2, 3),
            end: p(4, 5, 6),
            span: 3..6,
            labels: vec![DiagLabel {
                evidence: Evidence::Reference,
                path: None,
                start: p(1, 1, 0),
                end: p(1, 2, 1),
                span: 0..1,
            }],
            missing: vec!["a".into(), "b".into()],
            found: Vec::new(),
            suppressed: suppressed.map(str::to_string),
            baselined,
            fingerprint: "0123456789abcdef".into(),
        }
    }

    fn file(path: &str, diagnostics: Vec<Diag>, skipped: Option<&str>) -> FileResult {
        FileResult {
            path: path.into(),
            format: skipped.is_none().then_some("markdown"),
            encoding: skipped.is_none().then_some("UTF-8"),
            skipped: skipped.map(str::to_string),
            diagnostics,
            ..FileResult::default()
        }
    }

    fn json_file(r: &FileResult) -> JsonFile<'_> {
        JsonFile {
            path: &r.path,
            set: r.set.as_deref(),
            format: r.format,
            encoding: r.encoding,
            skipped: r.skipped.as_deref(),
            context: None,
            rules_applied: None,
            skipped_rules: None,
            requirements: None,
        }
    }

    /// The report as one `serde_json` value, in the documented key order.
    fn whole(results: &[FileResult], texts: &Texts<'_>) -> String {
        #[derive(Serialize)]
        struct Report<'a> {
            version: u32,
            diagnostics: Vec<JsonDiag<'a>>,
            files: Vec<JsonFile<'a>>,
            summary: Summary,
        }
        let mut t = Totals::default();
        results.iter().for_each(|r| t.add(r));
        let report = Report {
            version: 1,
            diagnostics: results.iter().flat_map(|r| json_diags(r, texts)).collect(),
            files: results.iter().map(json_file).collect(),
            summary: Summary {
                files: t.files,
                error: t.error,
                warning: t.warning,
                info: t.info,
                suppressed: t.suppressed,
                baselined: t.baselined,
            },
        };
        pretty(&report) + "\n"
    }

    #[test]
    fn streamed_bytes_are_serde_pretty_bytes() {
        let cases = vec![
            vec![],
            vec![file("a.md", vec![], None)],
            vec![file("logo.png", vec![], Some("binary file"))],
            vec![
                file("a.md", vec![diag("x/a", None, false)], None),
                file("b.md", vec![], None),
                file(
                    "c.md",
                    vec![
                        diag("x/b", Some("理由"), false),
                        diag("x/c", None, true),
                        diag("x/d", None, false),
                    ],
                    None,
                ),
                file("d.md", vec![diag("x/e", None, true)], None),
            ],
        ];
        let rules = no_rules();
        let texts = Texts::new(&rules, Lang::Ja);
        for results in cases {
            let streamed = render(&results, &texts);
            // Messages are said by i18n: the input note in Japanese.
            let said = results
                .iter()
                .flat_map(|r| &r.diagnostics)
                .any(|d| !d.baselined);
            assert_eq!(
                said,
                streamed.contains("読み込めません: メッセージ"),
                "{streamed}"
            );
            assert_eq!(streamed, whole(&results, &texts));
            let v: serde_json::Value = serde_json::from_str(&streamed).unwrap();
            let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
            assert_eq!(keys.len(), 4);
        }
    }
}
