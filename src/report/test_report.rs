//! The report of `policylint test`: one line per case, details for the
//! failures, and a closing count.

use std::fmt::Write as _;

use super::i18n::Texts;
use crate::engine::fixtures::FixtureError;
use crate::engine::testing::{CaseReport, Noise, Outcome};
use crate::rules::model::{Expect, TestKind};
use crate::rules::{Lang, RuleSet};

/// An expectation no finding met, for people.
fn expected(e: &Option<Expect>, rule: &str) -> String {
    let Some(e) = e else {
        return format!("at least one finding of {rule}");
    };
    let mut s = String::from("a finding");
    if let Some(m) = &e.missing {
        s.push_str(&format!(" missing [{}]", m.join(", ")));
    }
    if let Some((l, c)) = e.at {
        s.push_str(&format!(" at {l}:{c}"));
    }
    if let Some(l) = e.line {
        s.push_str(&format!(" on line {l}"));
    }
    s
}

/// A finding no expectation asked for: where, its message (in Japanese, the
/// pack's first language), and what it says is missing.
fn unexpected(n: &Noise, texts: &Texts<'_>) -> String {
    let (message, _, _) = texts.finding(&n.finding);
    let mut s = format!("{}:{} {message}", n.line, n.column);
    if !n.finding.missing.is_empty() {
        s.push_str(&format!(" (missing [{}])", n.finding.missing.join(", ")));
    }
    s
}

/// Render the reports, after the fixtures that name no rule (`problems`);
/// the bool says whether the run passed (every case validated, no problem,
/// and at least one case ran).
pub fn render(set: &RuleSet, reports: &[CaseReport], problems: &[FixtureError]) -> (String, bool) {
    let texts = Texts::new(set, Lang::Ja);
    let mut out = String::new();
    let (mut validated, mut missing, mut noisy, mut errors) = (0, 0, 0, 0);
    for p in problems {
        errors += 1;
        let _ = writeln!(out, "{:<9} {}", "ERROR", p.path.display());
        let _ = writeln!(out, "    {}: {}", p.path.display(), p.message);
    }
    for r in reports {
        let kind = match r.kind {
            TestKind::Pass => "pass",
            TestKind::Fail => "fail",
        };
        let head =
            |word: &str| format!("{word:<9} {} #{} ({kind})  {}", r.rule, r.index, r.location);
        match &r.outcome {
            Outcome::Validated => {
                validated += 1;
                let _ = writeln!(out, "{}", head("validated"));
            }
            Outcome::Missing(what) => {
                missing += 1;
                let _ = writeln!(out, "{}", head("MISSING"));
                for w in what {
                    let w = expected(w, &r.rule);
                    let _ = writeln!(out, "    expected {w}, but no such finding came");
                }
                for n in &r.also_noisy {
                    let _ = writeln!(out, "    unexpected finding: {}", unexpected(n, &texts));
                }
            }
            Outcome::Noisy(what) => {
                noisy += 1;
                let _ = writeln!(out, "{}", head("NOISY"));
                for n in what {
                    let _ = writeln!(out, "    unexpected finding: {}", unexpected(n, &texts));
                }
            }
            Outcome::Error(e) => {
                errors += 1;
                let _ = writeln!(out, "{}", head("ERROR"));
                let _ = writeln!(out, "    {e}");
            }
        }
    }
    let ran = reports.len() + problems.len();
    let _ = writeln!(
        out,
        "\n{ran} cases: {validated} validated, {missing} missing, {noisy} noisy, {errors} errors"
    );
    if ran == 0 {
        let _ = writeln!(
            out,
            "no test case ran: add `test pass` / `test fail` cases to the rules"
        );
    }
    let ok = ran > 0 && validated == ran;
    (out, ok)
}
