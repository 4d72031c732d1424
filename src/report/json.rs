//! `--format json`: the contract in docs/json.md. Lines and columns are
//! 1-based and count Unicode scalar values; offsets are bytes of the
//! original file.

use serde::Serialize;

use crate::engine::check::{FileResult, Pos, counts};

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    format: Option<&'a str>,
    encoding: Option<&'a str>,
    skipped: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    start: Pos,
    end: Pos,
}

#[derive(Serialize)]
struct JsonDiag<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    path: &'a str,
    start: Pos,
    end: Pos,
    missing: &'a [String],
    found: &'a [String],
    labels: Vec<JsonLabel<'a>>,
    cite: Option<&'a str>,
    help: Option<&'a str>,
    url: Option<&'a str>,
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

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    files: Vec<JsonFile<'a>>,
    diagnostics: Vec<JsonDiag<'a>>,
    summary: Summary,
}

pub fn render(results: &[FileResult]) -> String {
    let (error, warning, info) = counts(results);
    let all = || {
        results
            .iter()
            .flat_map(|r| r.diagnostics.iter().map(move |d| (r, d)))
    };
    let report = Report {
        version: 1,
        files: results
            .iter()
            .map(|r| JsonFile {
                path: &r.path,
                format: r.format,
                encoding: r.encoding,
                skipped: r.skipped.as_deref(),
            })
            .collect(),
        diagnostics: all()
            .filter(|(_, d)| !d.baselined)
            .map(|(r, d)| JsonDiag {
                rule: &d.rule,
                severity: d.severity.name(),
                message: &d.message,
                path: &r.path,
                start: d.start,
                end: d.end,
                missing: &d.missing,
                found: &d.found,
                labels: d
                    .labels
                    .iter()
                    .map(|l| JsonLabel {
                        message: &l.message,
                        start: l.start,
                        end: l.end,
                    })
                    .collect(),
                cite: d.cite.as_deref(),
                help: d.help.as_deref(),
                url: d.url.as_deref(),
                suppressed: d.suppressed.as_deref(),
                fingerprint: &d.fingerprint,
            })
            .collect(),
        summary: Summary {
            files: results.len(),
            error,
            warning,
            info,
            suppressed: all().filter(|(_, d)| d.suppressed.is_some()).count(),
            baselined: all().filter(|(_, d)| d.baselined).count(),
        },
    };
    serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
}
