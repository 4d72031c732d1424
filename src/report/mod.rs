//! Report stage: everything that says a run's results to people or
//! machines. [`i18n`] holds every word; each output format has its module;
//! [`Report`] is the engine's [`Printer`] for all of them (each file is
//! rendered in the worker that checked it) and [`ReportWriter`] its
//! [`Sink`] (the parts are written in order, inside the format's frame,
//! then the format's tail).

mod compact;
pub mod diff;
pub mod explain;
mod github;
pub mod html;
pub mod human;
pub mod i18n;
pub mod input;
mod json;
pub mod lsp;
mod markdown;
pub mod outline;
mod sarif;
mod stream;
pub mod test_report;

use std::io::{self, Write};

use crate::engine::{Checked, Printer, Sink, Totals, What};
use crate::rules::{Lang, RuleSet};
use crate::text::escape_controls;
use i18n::Texts;
use stream::{Frame, Writer};

/// An output format.
#[derive(Debug, Clone, Copy)]
pub enum Format {
    Human(human::Style),
    Json,
    Sarif,
    Github,
    Markdown,
    Compact,
    /// The compliance report: one self-contained page.
    Html,
}

impl Format {
    /// Whether this format shows every requirement's state and evidence
    /// even without `--evidence` (a compliance report does; no format of
    /// findings does).
    pub fn wants_evidence(self) -> bool {
        match self {
            Format::Human(_)
            | Format::Json
            | Format::Sarif
            | Format::Github
            | Format::Markdown
            | Format::Compact => false,
            Format::Html => true,
        }
    }
}

/// Whether any of a run's formats needs requirement states and evidence.
pub fn wants_evidence(formats: &[Format]) -> bool {
    formats.iter().any(|f| f.wants_evidence())
}

/// Renders each checked file in one format.
pub struct Report<'a> {
    format: Format,
    rules: &'a RuleSet,
    texts: Texts<'a>,
    sarif: Option<sarif::Log<'a>>,
    /// Show each file's context and the rules it skipped, and why.
    explain_context: bool,
    /// Show each requirement's state and evidence (`--evidence`).
    evidence: bool,
}

/// One file's part of a report, and what the end of the report needs of it.
pub struct Printed {
    pub text: String,
    pub totals: Totals,
    /// Its entry in the JSON report's `files`.
    file: Option<json::FileEntry>,
    /// A skipped file's notification in the SARIF log.
    notice: Option<serde_json::Value>,
    /// Its part of the HTML report, written at the end.
    html: Option<html::Doc>,
    /// Its row of the Markdown requirement matrix (with `--evidence`).
    row: Option<markdown::MatrixRow>,
}

impl<'a> Report<'a> {
    pub fn new(format: Format, rules: &'a RuleSet, lang: Lang) -> Self {
        Report {
            format,
            rules,
            texts: Texts::new(rules, lang),
            sarif: matches!(format, Format::Sarif).then(|| sarif::Log::new(rules, lang)),
            explain_context: false,
            evidence: false,
        }
    }

    /// Also report each requirement's state and its evidence (the JSON
    /// `requirements`, the Markdown matrix); the engine must record them
    /// ([`crate::engine::Engine::with_evidence`]).
    pub fn evidence(mut self, on: bool) -> Self {
        self.evidence = on;
        self
    }

    /// Also report each file's context and the rules that did not apply
    /// (`--explain-context`).
    pub fn explain_context(mut self, on: bool) -> Self {
        self.explain_context = on;
        self
    }

    pub fn texts(&self) -> &Texts<'a> {
        &self.texts
    }

    /// A writer of this report to `out`.
    pub fn writer<W: Write>(&self, out: W) -> ReportWriter<'_, 'a, W> {
        let frame = match (self.format, &self.sarif) {
            (Format::Json, _) => json::frame(),
            (Format::Sarif, Some(log)) => log.frame(),
            (Format::Markdown, _) => markdown::frame(&self.texts),
            _ => Frame::default(),
        };
        ReportWriter {
            report: self,
            writer: Writer::new(out, frame),
            totals: Totals::default(),
            files: Vec::new(),
            notices: Vec::new(),
            page: html::Page::default(),
            rows: Vec::new(),
        }
    }

    /// The human report of one file: its findings, or why it was not read.
    fn human(&self, c: &Checked<'_>, style: human::Style) -> String {
        let r = &c.result;
        if let Some(doc) = c.document {
            let mut out = human::render_file(doc, r, style, &self.texts, c.members);
            out.push_str(&human::context_note(
                doc,
                r,
                &self.texts,
                self.explain_context,
            ));
            return out;
        }
        if let Some(e @ crate::document::LoadError::Decode { .. }) = c.error {
            return input::render(e, style.color);
        }
        let path = escape_controls(&r.path);
        if let Some(reason) = &r.skipped {
            return format!("note: {path}: {}; skipped\n", escape_controls(reason));
        }
        r.diagnostics
            .iter()
            .filter_map(|d| match &d.what {
                What::Unreadable(msg) => Some(format!("error: {path}: {}\n", escape_controls(msg))),
                _ => None,
            })
            .collect()
    }
}

impl Printer for Report<'_> {
    type Part = Printed;

    fn print(&self, c: &Checked<'_>) -> Printed {
        let r = &c.result;
        let text = match (self.format, &self.sarif) {
            (Format::Human(style), _) => self.human(c, style),
            (Format::Json, _) => json::diagnostics(r, &self.texts),
            (Format::Sarif, Some(log)) => log.results(r),
            (Format::Github, _) => github::render_file(r, &self.texts),
            (Format::Markdown, _) => markdown::rows(r, &self.texts),
            (Format::Compact, _) => compact::render_file(r, &self.texts),
            (Format::Html, _) | (Format::Sarif, None) => String::new(),
        };
        Printed {
            text,
            totals: Totals::of(r),
            file: matches!(self.format, Format::Json).then(|| {
                json::FileEntry::of(
                    r,
                    c.document,
                    self.explain_context,
                    self.evidence,
                    &self.texts,
                )
            }),
            notice: self.sarif.as_ref().and_then(|log| log.notice(r)),
            html: matches!(self.format, Format::Html)
                .then(|| html::doc(c, &r.requirements, &self.texts, self.rules)),
            row: (self.evidence && matches!(self.format, Format::Markdown))
                .then(|| markdown::matrix_row(r, self.texts.rules()))
                .flatten(),
        }
    }
}

/// Writes a report's parts in order, then its tail.
pub struct ReportWriter<'r, 'a, W: Write> {
    report: &'r Report<'a>,
    writer: Writer<W>,
    totals: Totals,
    files: Vec<json::FileEntry>,
    notices: Vec<serde_json::Value>,
    /// The HTML report's documents, until the end (its matrix comes first).
    page: html::Page,
    rows: Vec<markdown::MatrixRow>,
}

impl<W: Write> ReportWriter<'_, '_, W> {
    /// Flush what was written so far (a terminal shows each file at once).
    pub fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }

    /// The counts so far.
    pub fn totals(&self) -> &Totals {
        &self.totals
    }

    /// Close the report: the format's tail (the JSON `files` and `summary`,
    /// the SARIF run's end, the Markdown counts). Returns the totals.
    pub fn finish(self) -> io::Result<Totals> {
        let ReportWriter {
            report,
            writer,
            totals,
            files,
            notices,
            page,
            rows,
        } = self;
        writer.finish(|out| match (report.format, &report.sarif) {
            (Format::Json, _) => json::write_tail(out, &files, &totals),
            (Format::Sarif, Some(log)) => out.write_all(log.tail_with(notices).as_bytes()),
            (Format::Markdown, _) => {
                out.write_all(markdown::tail(&totals, &report.texts).as_bytes())?;
                out.write_all(markdown::matrix(&rows, &report.texts).as_bytes())
            }
            (Format::Html, _) => page.write(out, &report.texts, report.rules),
            _ => Ok(()),
        })?;
        Ok(totals)
    }
}

impl<W: Write> Sink<Printed> for ReportWriter<'_, '_, W> {
    fn write(&mut self, part: Printed) -> io::Result<()> {
        self.writer.file(&part.text)?;
        self.totals.merge(&part.totals);
        self.files.extend(part.file);
        self.notices.extend(part.notice);
        if let Some(doc) = part.html {
            self.page.add(doc);
        }
        if let Some(row) = part.row {
            markdown::push_row(&mut self.rows, row);
        }
        Ok(())
    }
}
