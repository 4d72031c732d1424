//! The default report: one miette graphical diagnostic per finding, with the
//! source snippet, a label on the finding, secondary labels on the evidence,
//! the citation and help.

use std::fmt::Write as _;

use std::ops::Range;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan};

use super::i18n::{Said, Texts};
use crate::document::Document;
use crate::engine::{Diag, FileResult, SkipReason};
use crate::rules::{Lang, Severity};
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
    /// Labels in other files (pages of the same set), each a block of
    /// its own with that file's snippet.
    related: Vec<Human>,
}

impl std::fmt::Display for Human {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Human {}

impl Diagnostic for Human {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        // A block nested under its finding has no code of its own.
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn std::fmt::Display>)
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
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|h| h as &dyn Diagnostic)))
    }
}

/// The report of one file: every active finding, in order; findings of
/// several rules (or one rule twice) on one span are one block.
pub fn render_file(
    doc: &Document,
    r: &FileResult,
    style: Style,
    texts: &Texts<'_>,
    members: &[(String, &Document)],
) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        // Evidence in another page of a set hangs under its finding, not as
        // an "Advice:" block of its own.
        .with_show_related_as_nested(true);
    let mut out = String::new();
    let active: Vec<&Diag> = r.diagnostics.iter().filter(|d| d.active()).collect();
    for group in active.chunk_by(|a, b| a.span == b.span) {
        let h = block(doc, &r.path, group, texts, members);
        if handler.render_report(&mut out, &h).is_err() {
            for d in group {
                out.push_str(&format!(
                    "{}:{}:{}: {} [{}]\n",
                    escape_controls(&r.path),
                    d.start.line,
                    d.start.column,
                    escape_controls(&texts.diag(d).message),
                    d.rule
                ));
            }
        }
        out.push('\n');
    }
    out
}

/// A label to draw: its span in the document and its text.
struct Label {
    span: Range<usize>,
    text: String,
}

/// Labels on one line that overlap are said as one (the first, its text
/// joined with the others'): miette draws a label that starts inside
/// another on its line after the other's end, where it points at nothing.
/// A label over several lines is drawn in the gutter and overlaps nothing.
fn merge_overlaps(labels: Vec<Label>, sep: &str, text: &str) -> Vec<Label> {
    let one_line = |r: &Range<usize>| !text.get(r.clone()).is_some_and(|t| t.contains('\n'));
    let overlaps = |a: &Range<usize>, b: &Range<usize>| {
        one_line(a)
            && one_line(b)
            && (a == b
                || (a.start < b.end && b.start < a.end)
                || (a.is_empty() && a.start == b.start))
    };
    let mut out: Vec<Label> = Vec::with_capacity(labels.len());
    for l in labels {
        match out
            .iter_mut()
            .find(|k| overlaps(&k.span, &l.span) || overlaps(&l.span, &k.span))
        {
            Some(k) => {
                if !k.text.split(sep).any(|t| t == l.text) {
                    k.text = format!("{}{sep}{}", k.text, l.text);
                }
                k.span = k.span.start.min(l.span.start)..k.span.end.max(l.span.end);
            }
            None => out.push(l),
        }
    }
    out
}

/// One block: the findings on one span (usually one).
fn block(
    doc: &Document,
    path: &str,
    group: &[&Diag],
    texts: &Texts<'_>,
    members: &[(String, &Document)],
) -> Human {
    let said: Vec<Said> = group.iter().map(|d| texts.diag(d)).collect();
    let sep = match texts.lang() {
        Lang::Ja => "／",
        Lang::En => " / ",
    };
    let first = group[0];
    // The primary label first, so that what is merged into it is said
    // after its own text.
    let mut labels = Vec::new();
    for (d, s) in group.iter().zip(&said) {
        labels.push(Label {
            span: d.span.clone(),
            text: escape_controls(&s.label).into_owned(),
        });
    }
    for (d, s) in group.iter().zip(&said) {
        labels.extend(
            d.labels
                .iter()
                .zip(&s.labels)
                .filter(|(l, _)| l.path.is_none())
                .filter(|(l, _)| l.span.start.abs_diff(d.span.start) <= LABEL_REACH)
                .map(|(l, m)| Label {
                    span: l.span.clone(),
                    text: escape_controls(m).into_owned(),
                }),
        );
    }
    // A merged label may come to overlap one it did not before.
    let mut labels = merge_overlaps(labels, sep, &doc.text);
    loop {
        let n = labels.len();
        labels = merge_overlaps(labels, sep, &doc.text);
        if labels.len() == n {
            break;
        }
    }
    let spans: Vec<Range<usize>> = labels.iter().map(|l| l.span.clone()).collect();
    let src = Snippet::covering(path.to_string(), &doc.text, &spans);
    labels.retain(|l| src.contains(&l.span));
    let miette_labels = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let text = Some(l.text.clone());
            if i == 0 {
                LabeledSpan::new_primary_with_span(text, src.span(&l.span))
            } else {
                LabeledSpan::new_with_span(text, src.span(&l.span))
            }
        })
        .collect();
    let mut rules: Vec<&str> = group.iter().map(|d| d.rule.as_str()).collect();
    rules.dedup();
    let message = if group.len() == 1 {
        escape_controls(&said[0].message).into_owned()
    } else {
        let mut m = match texts.lang() {
            Lang::Ja => format!("この箇所に{}件の指摘があります", group.len()),
            Lang::En => format!("{} findings here", group.len()),
        };
        for (d, s) in group.iter().zip(&said) {
            m.push_str(&format!(
                "\n{} {}: {}",
                texts.severity(d.severity),
                d.rule,
                escape_controls(&s.message)
            ));
        }
        m
    };
    Human {
        help: help(group, &said, &rules, texts),
        message,
        code: rules.join(", "),
        severity: match group
            .iter()
            .map(|d| d.severity)
            .max()
            .unwrap_or(first.severity)
        {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        src,
        labels: miette_labels,
        related: elsewhere(group, &said, members),
    }
}

/// A block per label in another file of the set, with that file's snippet.
fn elsewhere(group: &[&Diag], said: &[Said], members: &[(String, &Document)]) -> Vec<Human> {
    let mut out = Vec::new();
    for (d, s) in group.iter().zip(said) {
        for (l, text) in d.labels.iter().zip(&s.labels) {
            let Some(path) = &l.path else { continue };
            let Some((_, other)) = members.iter().find(|(p, _)| p == path) else {
                continue;
            };
            let src = Snippet::covering(path.clone(), &other.text, std::slice::from_ref(&l.span));
            if !src.contains(&l.span) {
                continue;
            }
            let text = escape_controls(text).into_owned();
            out.push(Human {
                message: format!(
                    "{}:{}:{}: {text}",
                    escape_controls(path),
                    l.start.line,
                    l.start.column
                ),
                code: String::new(),
                severity: miette::Severity::Advice,
                labels: vec![LabeledSpan::new_primary_with_span(
                    Some(text),
                    src.span(&l.span),
                )],
                src,
                help: None,
                related: Vec::new(),
            });
        }
    }
    out
}

/// The help of a block: each finding's lines, each line once; under each
/// rule's id (`[appi/x]`) when the block holds several rules.
fn help(group: &[&Diag], said: &[Said], rules: &[&str], texts: &Texts<'_>) -> Option<String> {
    let mut lines: Vec<String> = Vec::new();
    for rule in rules {
        let mut own: Vec<String> = Vec::new();
        for (d, s) in group.iter().zip(said).filter(|(d, _)| d.rule == *rule) {
            for line in texts.help_lines(d, s).iter().flat_map(|h| h.lines()) {
                let line = escape_controls(line).into_owned();
                if !own.contains(&line) {
                    own.push(line);
                }
            }
        }
        // Not indented: miette wraps a long help line flush with the others.
        if rules.len() > 1 && !own.is_empty() {
            lines.push(format!("[{rule}]"));
        }
        lines.extend(own);
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
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
