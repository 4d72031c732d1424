//! `--format markdown`: a summary table, for GitHub's job summary
//! (`$GITHUB_STEP_SUMMARY`) and pull-request comments. The table is written
//! as the run goes, one row per active finding; the counts come after it.

use std::fmt::Write as _;

use super::i18n::Texts;
use super::stream::Frame;
use crate::engine::{FileResult, Totals};

/// A table cell shows text as written: Markdown and HTML syntax in a file
/// name or a message (`[x](http://…)`, `![](…)`, `<img>`, `|`) is escaped,
/// and line breaks and other control characters do not get through.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c if "\\`*_{}[]()#+!|~".contains(c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The title, the table's head before the first row, or a line saying
/// there are no findings.
pub(super) fn frame(texts: &Texts<'_>) -> Frame {
    let (head, none) = texts.markdown_head();
    Frame {
        head: "## policylint\n\n".into(),
        first: format!("{head}\n|---|---:|---|---|---|\n"),
        between: String::new(),
        after_some: String::new(),
        after_none: none,
    }
}

/// The table rows of one file's active findings.
pub(super) fn rows(r: &FileResult, texts: &Texts<'_>) -> String {
    let mut out = String::new();
    if let Some(reason) = &r.skipped {
        let _ = writeln!(
            out,
            "| {} | | skipped | `policylint/skipped` | {} |",
            cell(&r.path),
            cell(&format!("{reason}; not checked"))
        );
    }
    for d in r.diagnostics.iter().filter(|d| d.active()) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | `{}` | {} |",
            cell(&r.path),
            d.start.line,
            d.severity.name(),
            d.rule,
            cell(&texts.diag(d).message)
        );
    }
    out
}

/// The counts, after the table.
pub(super) fn tail(t: &Totals, texts: &Texts<'_>) -> String {
    texts.markdown_tail(t)
}
