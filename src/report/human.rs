//! The default report: one miette graphical diagnostic per finding, with the
//! source snippet, a label on the finding, secondary labels on the evidence,
//! the citation and help.

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};

use super::snippet::Snippet;
use crate::document::Document;
use crate::engine::check::{Diag, FileResult};
use crate::rules::{Lang, Severity};

/// Secondary labels further than this from the finding (in bytes) are left
/// out of the snippet (they stay in JSON and SARIF).
const LABEL_REACH: usize = 900;

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
    pub lang: Lang,
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

fn help_text(d: &Diag, lang: Lang) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(h) = &d.help {
        parts.push(h.clone());
    }
    if let Some(c) = &d.cite {
        parts.push(match lang {
            Lang::Ja => format!("根拠: {c}"),
            Lang::En => format!("cites: {c}"),
        });
    }
    if let Some(u) = &d.url {
        parts.push(match lang {
            Lang::Ja => format!("詳しく: {u}"),
            Lang::En => format!("see: {u}"),
        });
    }
    if !d.missing.is_empty() {
        parts.push(match lang {
            Lang::Ja => format!("不足: {}", d.missing.join(", ")),
            Lang::En => format!("missing: {}", d.missing.join(", ")),
        });
    }
    (!parts.is_empty()).then(|| parts.join("\n"))
}

/// The report of one file: every active finding, in order.
pub fn render_file(doc: &Document, r: &FileResult, style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(style.width);
    let mut out = String::new();
    for d in r.diagnostics.iter().filter(|d| d.active()) {
        let near: Vec<&crate::engine::check::DiagLabel> = d
            .labels
            .iter()
            .filter(|l| l.span.start.abs_diff(d.span.start) <= LABEL_REACH)
            .collect();
        let mut spans = vec![d.span.clone()];
        spans.extend(near.iter().map(|l| l.span.clone()));
        let src = Snippet::covering(r.path.clone(), &doc.text, &spans);
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            Some(d.label.clone()),
            sspan(&d.span),
        )];
        labels.extend(
            near.iter()
                .filter(|l| src.contains(&l.span))
                .map(|l| LabeledSpan::new_with_span(Some(l.message.clone()), sspan(&l.span))),
        );
        let h = Human {
            message: d.message.clone(),
            code: d.rule.clone(),
            severity: match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            src,
            labels,
            help: help_text(d, style.lang),
        };
        if handler.render_report(&mut out, &h).is_err() {
            out.push_str(&format!(
                "{}:{}:{}: {} [{}]\n",
                r.path, d.start.line, d.start.column, d.message, d.rule
            ));
        }
        out.push('\n');
    }
    out
}
