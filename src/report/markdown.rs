//! `--format markdown`: a summary table, for GitHub's job summary
//! (`$GITHUB_STEP_SUMMARY`) and pull-request comments. The table is written
//! as the run goes, one row per active finding; the counts come after it.
//! With `--evidence`, a matrix follows: one row per document (or document
//! set), one column per requirement group, each cell the worst state of
//! the group's rules, as a sign and a word.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::i18n::{ReqMark, Texts, group_label, group_order};
use super::stream::Frame;
use crate::engine::{FileResult, Totals};
use crate::rules::{DEFAULT_GROUP, RuleSet};

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

/// One row of the requirement matrix: a document, or a document set (its
/// pages' requirements together), and the worst state of each group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct MatrixRow {
    name: String,
    set: Option<String>,
    cells: BTreeMap<String, ReqMark>,
}

/// A checked file's row (none for a file not checked).
pub(super) fn matrix_row(r: &FileResult, rules: &RuleSet) -> Option<MatrixRow> {
    r.context.as_ref()?;
    let mut cells = BTreeMap::new();
    for q in &r.requirements {
        let group = rules
            .rule(&q.rule)
            .map_or(DEFAULT_GROUP, |x| x.group.as_str());
        let mark = ReqMark::of(&q.state, q.severity);
        cells
            .entry(group.to_string())
            .and_modify(|m: &mut ReqMark| *m = (*m).max(mark))
            .or_insert(mark);
    }
    Some(MatrixRow {
        name: r.set.clone().unwrap_or_else(|| r.path.clone()),
        set: r.set.clone(),
        cells,
    })
}

/// Add a row; the pages of one set (written one after another) are one.
pub(super) fn push_row(rows: &mut Vec<MatrixRow>, row: MatrixRow) {
    if let Some(last) = rows.last_mut()
        && row.set.is_some()
        && last.set == row.set
    {
        for (g, m) in row.cells {
            last.cells
                .entry(g)
                .and_modify(|x| *x = (*x).max(m))
                .or_insert(m);
        }
        return;
    }
    rows.push(row);
}

/// The matrix of documents × requirement groups, then its legend; nothing
/// when no document was checked.
pub(super) fn matrix(rows: &[MatrixRow], texts: &Texts<'_>) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let lang = texts.lang();
    let mut groups: Vec<&str> = rows
        .iter()
        .flat_map(|r| r.cells.keys().map(String::as_str))
        .collect();
    groups.sort_by_key(|g| group_order(g));
    groups.dedup();
    let (title, doc, legend) = texts.matrix_words();
    let mut out = format!("\n{title}\n\n| {doc} |");
    for g in &groups {
        let _ = write!(out, " {} |", cell(&group_label(g, lang)));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(groups.len()));
    out.push('\n');
    for r in rows {
        let _ = write!(out, "| {} |", cell(&r.name));
        for g in &groups {
            match r.cells.get(*g) {
                Some(m) => {
                    let (sign, word, _) = m.said(lang);
                    let _ = write!(out, " {sign} {word} |");
                }
                None => out.push_str(" |"),
            }
        }
        out.push('\n');
    }
    let _ = writeln!(out, "\n{legend}:\n");
    for m in ReqMark::ALL {
        let (sign, word, means) = m.said(lang);
        let _ = writeln!(out, "- {sign} {word}: {means}");
    }
    out
}
