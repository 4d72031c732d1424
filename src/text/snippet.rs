//! Source snippets for miette that stay readable on very long lines.
//!
//! A scraped page can be one 50 KB line; miette would print all of it. A
//! [`Snippet`] hands miette only a window around the span, while reporting
//! the true line and column, so the rendered `file:line:col` stays exact.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use super::escape::{blank_controls, escape_controls};
use super::position::position;

/// Characters of context kept on each side of a span on a long line.
const CONTEXT_CHARS: usize = 60;
/// Lines up to this many bytes are shown whole.
const SHORT_LINE: usize = 240;

#[derive(Debug, Clone)]
pub struct Snippet {
    name: String,
    window: String,
    /// Byte offset of the window in the full text.
    offset: usize,
    /// 0-based line and column (in chars) of the window start.
    line: usize,
    column: usize,
}

impl Snippet {
    /// A window of `text` around `span` (byte offsets into `text`).
    pub fn new(name: impl Into<String>, text: &str, span: std::ops::Range<usize>) -> Snippet {
        Snippet::covering(name, text, std::slice::from_ref(&span))
    }

    /// A window of `text` covering all `spans`.
    pub fn covering(
        name: impl Into<String>,
        text: &str,
        spans: &[std::ops::Range<usize>],
    ) -> Snippet {
        let lo = spans.iter().map(|r| r.start).min().unwrap_or(0);
        let hi = spans.iter().map(|r| r.end.max(r.start)).max().unwrap_or(0);
        let s = floor_char(text, lo.min(text.len()));
        let e = floor_char(text, hi.min(text.len()).max(s));
        let line_start = text[..s].rfind('\n').map_or(0, |i| i + 1);
        let first_line_end = text[s..].find('\n').map_or(text.len(), |i| s + i);
        let last_line_start = text[..e].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[e..].find('\n').map_or(text.len(), |i| e + i);
        let (ws, we) = if first_line_end - line_start <= SHORT_LINE
            && line_end - last_line_start <= SHORT_LINE
        {
            (line_start, line_end)
        } else {
            (
                back_chars(text, s, CONTEXT_CHARS).max(line_start),
                fwd_chars(text, e, CONTEXT_CHARS).min(line_end),
            )
        };
        let at = position(text, ws);
        Snippet {
            name: escape_controls(&name.into()).into_owned(),
            // Shown on a terminal: no control character gets through, and
            // every offset stays where it was.
            window: blank_controls(&text[ws..we]).into_owned(),
            offset: ws,
            line: at.line - 1,
            column: at.column - 1,
        }
    }

    /// Whether `span` lies inside the window.
    pub fn contains(&self, span: &std::ops::Range<usize>) -> bool {
        span.start >= self.offset && span.end <= self.offset + self.window.len()
    }
}

fn floor_char(t: &str, mut i: usize) -> usize {
    while !t.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn back_chars(t: &str, from: usize, n: usize) -> usize {
    t[..from]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

fn fwd_chars(t: &str, from: usize, n: usize) -> usize {
    t[from..]
        .char_indices()
        .nth(n)
        .map_or(t.len(), |(i, _)| from + i)
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span
            .offset()
            .saturating_sub(self.offset)
            .min(self.window.len());
        let len = span.len().min(self.window.len() - start);
        let local = SourceSpan::new(start.into(), len);
        let inner = self
            .window
            .read_span(&local, context_lines_before, context_lines_after)?;
        // miette counts columns in bytes; ours count characters.
        let local_start = inner.span().offset().min(self.window.len());
        let at = position(&self.window, local_start);
        let mut column = at.column - 1;
        if at.line == 1 {
            column += self.column;
        }
        let line = inner.line() + self.line;
        let data_start = inner.span().offset() + self.offset;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(data_start.into(), inner.span().len()),
            line,
            column,
            inner.line_count(),
        )))
    }
}

/// A whole source text for miette, with columns counted in characters
/// (miette itself counts bytes, which is wrong for Japanese lines).
#[derive(Debug, Clone)]
pub struct CharSource {
    name: String,
    text: std::sync::Arc<String>,
}

impl CharSource {
    pub fn new(name: impl Into<String>, text: std::sync::Arc<String>) -> Self {
        // Shown on a terminal: the same bytes, with no control character.
        let text = match blank_controls(&text) {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(clean) => std::sync::Arc::new(clean),
        };
        CharSource {
            name: escape_controls(&name.into()).into_owned(),
            text,
        }
    }
}

impl SourceCode for CharSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text: &'a str = self.text.as_str();
        // A long line (a minified rule, a 200 KB line of TOML) is shown as a
        // window around the span, like a document's, with true positions.
        let lo = floor_char(text, span.offset().min(text.len()));
        let hi = floor_char(text, (span.offset() + span.len()).min(text.len()).max(lo));
        let ls = text[..lo].rfind('\n').map_or(0, |i| i + 1);
        let le = text[hi..].find('\n').map_or(text.len(), |i| hi + i);
        if le - ls > SHORT_LINE && !text[lo..hi].contains('\n') {
            let ws = back_chars(text, lo, CONTEXT_CHARS).max(ls);
            let we = fwd_chars(text, hi, CONTEXT_CHARS).min(le);
            let at = position(text, ws);
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.clone(),
                &text.as_bytes()[ws..we],
                SourceSpan::new(ws.into(), we - ws),
                at.line - 1,
                at.column - 1,
                1,
            )));
        }
        let inner = text.read_span(span, context_lines_before, context_lines_after)?;
        let column = position(text, inner.span().offset()).column - 1;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_line_window_keeps_true_position() {
        let text = format!("前\n{}X{}", "あ".repeat(500), "い".repeat(500));
        let at = text.find('X').unwrap();
        let sn = Snippet::new("f.txt", &text, at..at + 1);
        assert!(sn.window.chars().count() <= 2 * CONTEXT_CHARS + 1);
        let c = sn.read_span(&SourceSpan::new(at.into(), 1), 0, 0).unwrap();
        assert_eq!(c.line(), 1);
        assert_eq!(c.column(), 500, "the true column, in chars");
        assert_eq!(c.span().offset(), at, "offsets stay those of the full text");
    }

    #[test]
    fn char_source_counts_characters() {
        let text = std::sync::Arc::new("一行目\n当社はX\n".to_string());
        let src = CharSource::new("r.rules", text.clone());
        let at = text.find('X').unwrap();
        let c = src.read_span(&SourceSpan::new(at.into(), 1), 0, 0).unwrap();
        assert_eq!((c.line(), c.column()), (1, 3));
    }

    #[test]
    fn char_source_windows_long_lines() {
        let text = std::sync::Arc::new(format!(
            "一行目\n{}X{}\n",
            "あ".repeat(100_000),
            "い".repeat(100_000)
        ));
        let src = CharSource::new("big.toml", text.clone());
        let at = text.find('X').unwrap();
        let c = src.read_span(&SourceSpan::new(at.into(), 1), 1, 1).unwrap();
        assert!(c.data().len() < 1000, "a window, not the line");
        assert_eq!((c.line(), c.column()), (1, 100_000 - CONTEXT_CHARS));
        assert_eq!(
            c.span().offset() + c.data().len(),
            at + 1 + CONTEXT_CHARS * 3
        );
    }

    #[test]
    fn short_lines_are_whole() {
        let text = "一行目\n二行目のX\n三行目";
        let at = text.find('X').unwrap();
        let sn = Snippet::new("f.txt", text, at..at + 1);
        assert_eq!(sn.window, "二行目のX");
        assert_eq!(sn.line, 1);
        assert_eq!(sn.column, 0);
    }
}
