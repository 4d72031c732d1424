//! The report of `policylint test`: one line per case, details for the
//! failures, and a closing count.

use std::fmt::Write as _;

use crate::engine::testing::{CaseReport, Outcome};
use crate::rules::model::TestKind;

/// Render the reports; the bool says whether the run passed (every case
/// validated, and at least one case ran).
pub fn render(reports: &[CaseReport]) -> (String, bool) {
    let mut out = String::new();
    let (mut validated, mut missing, mut noisy, mut errors) = (0, 0, 0, 0);
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
                    let _ = writeln!(out, "    expected {w}, but no such finding came");
                }
                for n in &r.also_noisy {
                    let _ = writeln!(out, "    unexpected finding: {n}");
                }
            }
            Outcome::Noisy(what) => {
                noisy += 1;
                let _ = writeln!(out, "{}", head("NOISY"));
                for n in what {
                    let _ = writeln!(out, "    unexpected finding: {n}");
                }
            }
            Outcome::Error(e) => {
                errors += 1;
                let _ = writeln!(out, "{}", head("ERROR"));
                let _ = writeln!(out, "    {e}");
            }
        }
    }
    let ran = reports.len();
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
