//! `--format sarif`: SARIF 2.1.0, for code-scanning services. Columns are
//! Unicode code points (`columnKind`), rule metadata is in
//! `tool.driver.rules`, and each result has a stable partial fingerprint.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::i18n::Texts;
use super::stream::{Frame, indent};
use crate::engine::{Diag, FileResult, Pos};
use crate::rules::{Lang, RuleSet, Severity};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative path as a URI reference: `/` kept, everything outside the
/// unreserved set percent-encoded (spaces, Japanese, `#`, `?`…).
pub(super) fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn region(d_start: &Pos, d_end: &Pos) -> Value {
    json!({
        "startLine": d_start.line,
        "startColumn": d_start.column,
        "endLine": d_end.line,
        "endColumn": d_end.column,
        "byteOffset": d_start.offset,
        "byteLength": d_end.offset.saturating_sub(d_start.offset),
    })
}

fn location(path: &str, start: &Pos, end: &Pos) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(path) },
            "region": region(start, end),
        }
    })
}

fn result(path: &str, d: &Diag, texts: &Texts<'_>, rule_index: Option<usize>) -> Value {
    let said = texts.diag(d);
    let mut r = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": said.message },
        "locations": [location(path, &d.start, &d.end)],
        "partialFingerprints": { "policylint/v1": d.fingerprint },
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = json!(i);
    }
    if !d.labels.is_empty() {
        r["relatedLocations"] = Value::Array(
            d.labels
                .iter()
                .zip(said.labels)
                .enumerate()
                .map(|(i, (l, message))| {
                    // A label on another page of the set: its own artifact.
                    let mut loc = location(l.path.as_deref().unwrap_or(path), &l.start, &l.end);
                    loc["id"] = json!(i);
                    loc["message"] = json!({ "text": message });
                    loc
                })
                .collect(),
        );
    }
    if let Some(reason) = &d.suppressed {
        let mut s = json!({ "kind": "inSource" });
        if !reason.is_empty() {
            s["justification"] = json!(reason);
        }
        r["suppressions"] = json!([s]);
    }
    if !d.missing.is_empty() {
        r["properties"] = json!({ "missing": d.missing });
    }
    r
}

/// Descriptors for policylint's own diagnostics: always listed after the
/// rules', so that each result's `ruleIndex` is known when it is written.
const OWN: [(&str, &str, &str); 5] = [
    (
        "policylint/input",
        "A document could not be read or decoded",
        "error",
    ),
    (
        "policylint/unused-suppression",
        "A suppression comment suppresses nothing",
        "warning",
    ),
    (
        "policylint/timeout",
        "A document took longer than its time budget; some rules were not evaluated",
        "error",
    ),
    (
        "policylint/more",
        "More findings in a document than the per-file limit",
        "note",
    ),
    (
        "policylint/unknown-rule",
        "A suppression comment names a rule id that no loaded rule has",
        "warning",
    ),
];

/// A SARIF log, written as the run goes: the run-level parts do not depend
/// on the results, which come file by file.
pub(super) struct Log<'a> {
    texts: Texts<'a>,
    /// Rule id to its index in `tool.driver.rules`.
    index: HashMap<String, usize>,
    head: String,
    tail: String,
}

/// Where the results go: `runs[0].results`, with keys in the order
/// `serde_json` writes them (sorted), so the bytes are those of
/// `serde_json::to_string_pretty` of the whole log.
const RESULTS: &str = "\n      \"results\": []";

/// `tool.driver.rules`, and the rule id of each descriptor.
fn descriptors(set: &RuleSet, lang: Lang) -> (Vec<Value>, Vec<String>) {
    let mut rules: Vec<&crate::rules::Rule> = set.rules.iter().collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let mut descriptors: Vec<Value> = rules
        .iter()
        .map(|r| {
            let mut help = r.help.get(lang).to_string();
            if let Some(c) = &r.cite {
                if !help.is_empty() {
                    help.push('\n');
                }
                help.push_str(c);
            }
            let mut d = json!({
                "id": r.id,
                "name": r.id.replace(['/', '-'], "_"),
                "shortDescription": { "text": r.title.get(lang) },
                "fullDescription": { "text": super::explain::describe(r, lang) },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "tags": r.tags, "pack": r.pack },
            });
            if !help.is_empty() {
                d["help"] = json!({ "text": help });
            }
            if let Some(u) = &r.url {
                d["helpUri"] = json!(u);
            }
            if let Some(c) = &r.cite {
                d["properties"]["cite"] = json!(c);
            }
            d
        })
        .collect();
    let mut ids: Vec<String> = rules.iter().map(|r| r.id.clone()).collect();
    for (id, text, level) in OWN {
        if ids.iter().any(|i| i == id) {
            continue;
        }
        descriptors.push(json!({
            "id": id,
            "shortDescription": { "text": text },
            "defaultConfiguration": { "level": level },
        }));
        ids.push(id.to_string());
    }
    (descriptors, ids)
}

/// The whole log, with these results.
fn log(descriptors: Vec<Value>, results: Vec<Value>) -> Value {
    let mut driver = json!({
        "name": "policylint",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": descriptors,
    });
    // Where code scanning links the tool's name: the package's repository.
    if !env!("CARGO_PKG_REPOSITORY").is_empty() {
        driver["informationUri"] = json!(env!("CARGO_PKG_REPOSITORY"));
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

impl<'a> Log<'a> {
    pub(super) fn new(set: &'a RuleSet, lang: Lang) -> Log<'a> {
        let (descriptors, ids) = descriptors(set, lang);
        let mut index = HashMap::with_capacity(ids.len());
        for (i, id) in ids.into_iter().enumerate() {
            index.entry(id).or_insert(i);
        }
        let text =
            serde_json::to_string_pretty(&log(descriptors, Vec::new())).unwrap_or_default() + "\n";
        let at = text.find(RESULTS).unwrap_or(text.len());
        let cut = (at + RESULTS.len() - 1).min(text.len());
        Log {
            texts: Texts::new(set, lang),
            index,
            head: text[..cut].to_string(),
            tail: text.get(cut + 1..).unwrap_or_default().to_string(),
        }
    }

    /// Where the results go.
    pub(super) fn frame(&self) -> Frame {
        Frame {
            head: self.head.clone(),
            first: "\n".into(),
            between: ",\n".into(),
            after_some: "\n      ]".into(),
            after_none: "]".into(),
        }
    }

    /// The results of one file (baselined findings are left out), indented
    /// for their place and joined by `,\n`.
    pub(super) fn results(&self, r: &FileResult) -> String {
        let mut out = String::new();
        for d in r.diagnostics.iter().filter(|d| !d.baselined) {
            let v = result(&r.path, d, &self.texts, self.index.get(&d.rule).copied());
            if !out.is_empty() {
                out.push_str(",\n");
            }
            let text = serde_json::to_string_pretty(&v).unwrap_or_default();
            out.push_str(&indent(&text, "        "));
        }
        out
    }

    /// A skipped file, as a tool execution notification: code scanning
    /// shows that it was not checked.
    pub(super) fn notice(&self, r: &FileResult) -> Option<Value> {
        let reason = r.skipped.as_ref()?;
        Some(json!({
            "level": "warning",
            "descriptor": { "id": "policylint/skipped" },
            "message": { "text": format!("{}: {reason}; not checked", r.path) },
            "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri(&r.path) } } }],
        }))
    }

    /// What follows the results when files were skipped: the run's
    /// invocation with a notification for each, then the rest of the log.
    pub(super) fn tail_with(&self, notices: Vec<Value>) -> String {
        if notices.is_empty() {
            return self.tail.clone();
        }
        let invocations = json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": notices,
        }]);
        let text = serde_json::to_string_pretty(&invocations).unwrap_or_default();
        format!(
            ",\n      \"invocations\": {}{}",
            indent(&text, "      ").trim_start(),
            self.tail
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{DiagLabel, Evidence, What};
    use crate::report::stream::Writer;

    /// The SARIF log of collected results, as the stream writes it.
    fn render(set: &RuleSet, results: &[FileResult], lang: Lang) -> String {
        let log = Log::new(set, lang);
        let mut w = Writer::new(Vec::new(), log.frame());
        for r in results {
            w.file(&log.results(r)).unwrap();
        }
        let out = w
            .finish(|out| std::io::Write::write_all(out, log.tail_with(Vec::new()).as_bytes()))
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri("docs/privacy policy.md"), "docs/privacy%20policy.md");
        assert_eq!(uri("a/個人.txt"), "a/%E5%80%8B%E4%BA%BA.txt");
        assert_eq!(uri("a#b?.md"), "a%23b%3F.md");
    }

    fn builtin() -> RuleSet {
        let mut l = crate::rules::Loader::new();
        l.add_builtin();
        l.compile()
            .unwrap_or_else(|_| panic!("the built-in pack compiles"))
    }

    fn file(path: &str, rules: &[(&str, bool)]) -> FileResult {
        let at = Pos {
            line: 3,
            column: 2,
            offset: 7,
        };
        FileResult {
            path: path.into(),
            format: Some("text"),
            encoding: Some("UTF-8"),
            skipped: None,
            diagnostics: rules
                .iter()
                .map(|(rule, baselined)| Diag {
                    rule: rule.to_string(),
                    severity: Severity::Error,
                    what: What::Unreadable("m \"q\"".into()),
                    start: at,
                    end: at,
                    span: 0..0,
                    labels: vec![DiagLabel {
                        evidence: Evidence::Reference,
                        path: None,
                        start: at,
                        end: at,
                        span: 0..0,
                    }],
                    missing: vec!["x".into()],
                    found: Vec::new(),
                    suppressed: Some(String::new()),
                    baselined: *baselined,
                    fingerprint: "0123456789abcdef".into(),
                })
                .collect(),
            ..FileResult::default()
        }
    }

    #[test]
    fn streamed_bytes_are_serde_pretty_bytes() {
        let set = builtin();
        let (descriptors, ids) = descriptors(&set, Lang::En);
        let texts = Texts::new(&set, Lang::En);
        assert_eq!(ids.len(), set.rules.len() + OWN.len());
        let cases = vec![
            vec![],
            vec![file("a.md", &[])],
            vec![
                file(
                    "a b.md",
                    &[("appi/joint-use", false), ("policylint/more", false)],
                ),
                file("b.md", &[("policylint/input", true)]),
                file(
                    "c.md",
                    &[("nope/unknown", false), ("policylint/input", false)],
                ),
            ],
        ];
        for results in cases {
            let all: Vec<Value> = results
                .iter()
                .flat_map(|r| {
                    r.diagnostics
                        .iter()
                        .filter(|d| !d.baselined)
                        .map(|d| result(&r.path, d, &texts, ids.iter().position(|i| *i == d.rule)))
                })
                .collect();
            let whole =
                serde_json::to_string_pretty(&log(descriptors.clone(), all)).unwrap() + "\n";
            assert_eq!(render(&set, &results, Lang::En), whole);
        }
    }
}
