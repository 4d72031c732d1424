//! `--format sarif`: SARIF 2.1.0, for code-scanning services. Columns are
//! Unicode code points (`columnKind`), rule metadata is in
//! `tool.driver.rules`, and each result has a stable partial fingerprint.

use serde_json::{Value, json};

use crate::engine::check::{Diag, DiagLabel, FileResult};
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
pub fn uri(path: &str) -> String {
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

fn region(d_start: &crate::engine::check::Pos, d_end: &crate::engine::check::Pos) -> Value {
    json!({
        "startLine": d_start.line,
        "startColumn": d_start.column,
        "endLine": d_end.line,
        "endColumn": d_end.column,
        "byteOffset": d_start.offset,
        "byteLength": d_end.offset.saturating_sub(d_start.offset),
    })
}

fn location(
    path: &str,
    start: &crate::engine::check::Pos,
    end: &crate::engine::check::Pos,
) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(path) },
            "region": region(start, end),
        }
    })
}

fn result(path: &str, d: &Diag, rule_index: Option<usize>) -> Value {
    let mut r = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": d.message },
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
                .enumerate()
                .map(|(i, l): (usize, &DiagLabel)| {
                    let mut loc = location(path, &l.start, &l.end);
                    loc["id"] = json!(i);
                    loc["message"] = json!({ "text": l.message });
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

/// The SARIF log of a run.
pub fn render(set: &RuleSet, results: &[FileResult], lang: Lang) -> String {
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
                "fullDescription": { "text": r.message.get(lang) },
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
    // Diagnostics of policylint itself get descriptors too.
    for (id, text) in [
        (
            "policylint/input",
            "A document could not be read or decoded",
        ),
        (
            "policylint/unused-suppression",
            "A suppression comment suppresses nothing",
        ),
        (
            "policylint/timeout",
            "A document took longer than its time budget; some rules were not evaluated",
        ),
        (
            "policylint/more",
            "More findings in a document than the per-file limit",
        ),
    ] {
        if results
            .iter()
            .flat_map(|r| &r.diagnostics)
            .any(|d| d.rule == id)
        {
            descriptors.push(json!({
                "id": id,
                "shortDescription": { "text": text },
                "defaultConfiguration": { "level": match id {
                    "policylint/input" | "policylint/timeout" => "error",
                    "policylint/more" => "note",
                    _ => "warning",
                } },
            }));
            ids.push(id.to_string());
        }
    }
    let results_json: Vec<Value> = results
        .iter()
        .flat_map(|r| {
            r.diagnostics
                .iter()
                .filter(|d| !d.baselined)
                .map(|d| result(&r.path, d, ids.iter().position(|i| *i == d.rule)))
                .collect::<Vec<_>>()
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "policylint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results_json,
        }]
    });
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri("docs/privacy policy.md"), "docs/privacy%20policy.md");
        assert_eq!(uri("a/個人.txt"), "a/%E5%80%8B%E4%BA%BA.txt");
        assert_eq!(uri("a#b?.md"), "a%23b%3F.md");
    }
}
