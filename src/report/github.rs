//! `--format github`: workflow commands, so that findings appear as
//! annotations on the pull request's lines.

use std::fmt::Write as _;

use super::i18n::Texts;
use crate::engine::FileResult;
use crate::rules::Severity;

/// Escaping for the message part of a workflow command (other control
/// characters are written out).
fn data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// Escaping for a property value (also `:` and `,`).
fn prop(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The workflow commands of one file's active findings.
pub(super) fn render_file(r: &FileResult, texts: &Texts<'_>) -> String {
    let mut out = String::new();
    if let Some(reason) = &r.skipped {
        let _ = writeln!(
            out,
            "::notice file={},title=policylint/skipped::{}",
            prop(&r.path),
            data(&format!("{reason}; not checked"))
        );
    }
    for d in r.diagnostics.iter().filter(|d| d.active()) {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let said = texts.diag(d);
        let mut msg = said.message;
        if let Some(c) = &said.cite {
            msg.push_str(&format!(" ({c})"));
        }
        // An annotation has one place: the other pages of a set are named.
        for (l, text) in d.labels.iter().zip(&said.labels) {
            if let Some(p) = &l.path {
                msg.push_str(&format!("\n{p}:{}: {text}", l.start.line));
            }
        }
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            prop(&r.path),
            d.start.line,
            d.start.column,
            d.end.line,
            d.end.column,
            prop(&d.rule),
            data(&msg)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(prop("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
        assert_eq!(data("a,b:c"), "a,b:c");
    }
}
