//! Messages for inputs that could not be checked: located miette reports for
//! undecodable bytes, one-line notes for skipped files.

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, SourceSpan};

use crate::document::LoadError;
use crate::source::{DecodeError, ReadError};
use crate::text::Snippet;
use crate::text::{LineIndex, escape_controls};

#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(policylint::input::decode))]
struct DecodeDiagnostic {
    message: String,
    #[source_code]
    src: Snippet,
    #[label("{label}")]
    at: SourceSpan,
    label: String,
    #[help]
    help: Option<String>,
}

/// Render a load error for a person. `color` chooses the miette theme.
pub fn render(err: &LoadError, color: bool) -> String {
    match err {
        LoadError::Decode {
            path,
            source,
            lossy,
            at,
        } if source.located().is_some() => {
            let (encoding, offset) = source.located().unwrap_or(("UTF-8", 0));
            let name = escape_controls(&path.display().to_string()).into_owned();
            let ix = LineIndex::new(lossy);
            let pos = ix.position(lossy, *at);
            // The lenient decoding put U+FFFD where the bad bytes were.
            let span_len = lossy
                .get(*at..)
                .and_then(|t| t.chars().next())
                .map_or(0, char::len_utf8);
            let src = Snippet::new(name.clone(), lossy, *at..*at + span_len);
            let diag = DecodeDiagnostic {
                message: format!("{name}:{}:{}: {source}", pos.line, pos.column),
                at: src.span(&(*at..*at + span_len)),
                src,
                label: match source {
                    DecodeError::Nul { .. } => format!("a NUL byte (file byte {offset})"),
                    _ => format!("not valid {encoding} (file byte {offset})"),
                },
                help: Some(if encoding == "UTF-8" {
                    "the file is UTF-8 up to here; fix or remove the broken bytes, or re-save the whole file as UTF-8".into()
                } else {
                    format!(
                        "the file was read as {encoding}; fix the broken character or re-save the file as UTF-8"
                    )
                }),
            };
            let theme = if color {
                GraphicalTheme::unicode()
            } else {
                GraphicalTheme::unicode_nocolor()
            };
            let mut out = String::new();
            let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
            if handler.render_report(&mut out, &diag).is_err() {
                out = format!("error: {}\n", diag.message);
            }
            out
        }
        e @ LoadError::Empty { .. } => format!("note: {}\n", escape_controls(&e.to_string())),
        e if e.is_skip() => format!("note: {}; skipped\n", escape_controls(&e.to_string())),
        LoadError::Read(ReadError::NotFound { .. } | ReadError::IsDirectory { .. }) => {
            format!("error: {}\n", escape_controls(&err.to_string()))
        }
        e => format!("error: {}\n", escape_controls(&e.to_string())),
    }
}
