//! `--format markdown`: a summary table, for GitHub's job summary
//! (`$GITHUB_STEP_SUMMARY`) and pull-request comments.

use std::fmt::Write as _;

use crate::engine::check::{FileResult, counts};
use crate::rules::Lang;

/// Table cells cannot hold `|` or line breaks.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

pub fn render(results: &[FileResult], lang: Lang) -> String {
    let (e, w, i) = counts(results);
    let mut out = String::new();
    let (title, head) = match lang {
        Lang::Ja => (
            "## policylint",
            "| ファイル | 行 | 重大度 | ルール | 内容 |",
        ),
        Lang::En => (
            "## policylint",
            "| File | Line | Severity | Rule | Message |",
        ),
    };
    let _ = writeln!(out, "{title}\n");
    let _ = match lang {
        Lang::Ja => writeln!(
            out,
            "{}ファイル: エラー{e}件、警告{w}件、情報{i}件\n",
            results.len()
        ),
        Lang::En => writeln!(
            out,
            "{} files: {e} errors, {w} warnings, {i} info\n",
            results.len()
        ),
    };
    let active: Vec<_> = results
        .iter()
        .flat_map(|r| {
            r.diagnostics
                .iter()
                .filter(|d| d.active())
                .map(move |d| (r, d))
        })
        .collect();
    if active.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            if lang == Lang::Ja {
                "指摘はありません。"
            } else {
                "No findings."
            }
        );
        return out;
    }
    let _ = writeln!(out, "{head}\n|---|---:|---|---|---|");
    for (r, d) in active {
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
