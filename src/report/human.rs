//! The default report: one miette graphical diagnostic per finding, with the
//! source snippet, a label on the finding, secondary labels on the evidence,
//! the citation and help.

use std::fmt::Write as _;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};

use super::i18n::Texts;
use crate::document::Document;
use crate::engine::{DiagLabel, FileResult, SkipReason};
use crate::rules::Severity;
use crate::text::{Snippet, escape_controls};

/// Secondary labels further than this from the finding (in bytes) are left
/// out of the snippet (they stay in JSON and SARIF).
const LABEL_REACH: usize = 900;

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

#[derive(Debug)]
struct Human {
    message: String,
    code: String,
    severity: miette::Severity,
    src: Snippet,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
}

impl std::fmt::Display for Human {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Human {}

impl Diagnostic for Human {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

fn sspan(r: &std::ops::Range<usize>) -> SourceSpan {
    SourceSpan::new(r.start.into(), r.end.saturating_sub(r.start))
}

/// The report of one file: every active finding, in order.
pub fn render_file(doc: &Document, r: &FileResult, style: Style, texts: &Texts<'_>) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(style.width);
    let mut out = String::new();
    for d in r.diagnostics.iter().filter(|d| d.active()) {
        let said = texts.diag(d);
        let near: Vec<(&DiagLabel, &String)> = d
            .labels
            .iter()
            .zip(&said.labels)
            .filter(|(l, _)| l.span.start.abs_diff(d.span.start) <= LABEL_REACH)
            .collect();
        let mut spans = vec![d.span.clone()];
        spans.extend(near.iter().map(|(l, _)| l.span.clone()));
        let src = Snippet::covering(r.path.clone(), &doc.text, &spans);
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            Some(escape_controls(&said.label).into_owned()),
            sspan(&d.span),
        )];
        labels.extend(
            near.iter()
                .filter(|(l, _)| src.contains(&l.span))
                .map(|(l, m)| {
                    LabeledSpan::new_with_span(
                        Some(escape_controls(m).into_owned()),
                        sspan(&l.span),
                    )
                }),
        );
        let h = Human {
            help: texts.help_lines(d, &said).map(|h| {
                h.lines()
                    .map(escape_controls)
                    .collect::<Vec<_>>()
                    .join("\n")
            }),
            message: escape_controls(&said.message).into_owned(),
            code: d.rule.clone(),
            severity: match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            src,
            labels,
        };
        if handler.render_report(&mut out, &h).is_err() {
            out.push_str(&format!(
                "{}:{}:{}: {} [{}]\n",
                escape_controls(&r.path),
                d.start.line,
                d.start.column,
                h.message,
                d.rule
            ));
        }
        out.push('\n');
    }
    out
}

/// What the human report says of a file's context: a one-line note when no
/// rule applies to it (not a finding); with `--explain-context`, the
/// context, where each value was read, and the rules skipped by reason.
pub fn context_note(doc: &Document, r: &FileResult, texts: &Texts<'_>, explain: bool) -> String {
    let Some(ctx) = &r.context else {
        return String::new();
    };
    let path = escape_controls(&r.path);
    let mut out = String::new();
    if r.rules_applied == 0 && !explain {
        let _ = writeln!(
            out,
            "note: {path}: {}",
            texts.no_rule_applies(ctx.document.value)
        );
    }
    if !explain {
        return out;
    }
    let _ = writeln!(out, "{path}:");
    for line in crate::report::outline::context_text(doc, ctx).lines() {
        let _ = writeln!(out, "  {}", escape_controls(line));
    }
    let _ = writeln!(out, "  rules applied: {}", r.rules_applied);
    let mut reasons: Vec<&SkipReason> = r.skipped_rules.iter().map(|s| &s.reason).collect();
    reasons.sort();
    reasons.dedup();
    for reason in reasons {
        let rules: Vec<&str> = r
            .skipped_rules
            .iter()
            .filter(|s| &s.reason == reason)
            .map(|s| s.rule.as_str())
            .collect();
        let _ = writeln!(
            out,
            "  skipped ({}): {}",
            texts.skip_reason(reason),
            rules.join(", ")
        );
    }
    out
}
