//! `--format markdown`: a summary table, for GitHub's job summary
//! (`$GITHUB_STEP_SUMMARY`) and pull-request comments. The table is written
//! as the run goes, one row per active finding; the counts come after it.

use std::fmt::Write as _;
use std::io::Write as _;

use super::stream::{Frame, Totals, Writer};
use crate::engine::check::FileResult;
use crate::rules::Lang;

/// Table cells cannot hold `|` or line breaks.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The title, the table's head before the first row, or a line saying
/// there are no findings.
pub fn frame(lang: Lang) -> Frame {
    let (head, none) = match lang {
        Lang::Ja => (
            "| ファイル | 行 | 重大度 | ルール | 内容 |",
            "指摘はありません。\n",
        ),
        Lang::En => (
            "| File | Line | Severity | Rule | Message |",
            "No findings.\n",
        ),
    };
    Frame {
        head: "## policylint\n\n".into(),
        first: format!("{head}\n|---|---:|---|---|---|\n"),
        between: String::new(),
        after_some: String::new(),
        after_none: none.into(),
    }
}

/// The table rows of one file's active findings.
pub fn rows(r: &FileResult) -> String {
    let mut out = String::new();
    for d in r.diagnostics.iter().filter(|d| d.active()) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | `{}` | {} |",
            cell(&r.path),
            d.start.line,
            d.severity.name(),
            d.rule,
            cell(&d.message)
        );
    }
    out
}

/// The counts, after the table.
pub fn tail(t: &Totals, lang: Lang) -> String {
    let (files, e, w, i) = (t.files, t.error, t.warning, t.info);
    match lang {
        Lang::Ja => format!("\n{files}ファイル: エラー{e}件、警告{w}件、情報{i}件\n"),
        Lang::En => format!("\n{files} files: {e} errors, {w} warnings, {i} info\n"),
    }
}

/// The summary of collected results (what the CLI streams).
pub fn render(results: &[FileResult], lang: Lang) -> String {
    let mut w = Writer::new(Vec::new(), frame(lang));
    let mut t = Totals::default();
    for r in results {
        // Writing into a Vec cannot fail.
        let _ = w.file(&rows(r));
        t.add(r);
    }
    let out = w
        .finish(|out| out.write_all(tail(&t, lang).as_bytes()))
        .unwrap_or_default();
    String::from_utf8(out).unwrap_or_default()
}
