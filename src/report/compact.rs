//! `--format compact`: one line per finding,
//! `path:line:column: severity rule: message`, as editors' quickfix lists,
//! grep and terminals read it. Lines and columns are 1-based, columns in
//! characters (Unicode scalar values); the severity and the rule id are
//! keywords (never translated), the message is in the run's language.

use std::fmt::Write as _;

use super::i18n::Texts;
use crate::engine::FileResult;
use crate::text::escape_controls;

/// The lines of one file: a skipped file's note, then every active finding.
pub(super) fn render_file(r: &FileResult, texts: &Texts<'_>) -> String {
    let path = escape_controls(&r.path);
    let mut out = String::new();
    if let Some(reason) = &r.skipped {
        // Said like the other machine formats say it (a notice in GitHub,
        // a notification in SARIF), so that a skip is never silent.
        let _ = writeln!(
            out,
            "{path}:1:1: info policylint/skipped: {}",
            escape_controls(&texts.skipped(reason))
        );
    }
    for d in r.diagnostics.iter().filter(|d| d.active()) {
        let _ = writeln!(
            out,
            "{path}:{}:{}: {} {}: {}",
            d.start.line,
            d.start.column,
            d.severity.name(),
            escape_controls(&d.rule),
            // A line break in a message is written out: one finding, one line.
            escape_controls(&texts.diag(d).message)
        );
    }
    out
}
