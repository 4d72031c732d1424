//! Source snippets for miette that stay readable on very long lines.
//!
//! A scraped page can be one 50 KB line; miette would print all of it. A
//! [`Snippet`] hands miette only a window around the span, while reporting
//! the true line and column, so the rendered `file:line:col` stays exact.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use super::escape::{blank_controls, escape_controls};
use super::position::position;

/// Characters of context kept on each side of a span on a long line of a
/// rule file or configuration ([`CharSource`]).
const CONTEXT_CHARS: usize = 60;
/// Lines of a rule file up to this many bytes are shown whole.
const SHORT_LINE: usize = 240;

/// Lines of a document up to this many columns are shown whole.
const SHORT_LINE_COLS: usize = 120;
/// Columns of context kept on each side of a span on a longer line.
const CONTEXT_COLS: usize = 24;
/// A span on a longer line shows at most this many columns at each end.
const SPAN_END_COLS: usize = 20;
/// Two pieces of a line closer than this (in columns) are shown as one.
const MERGE_GAP_COLS: usize = 8;
/// Stands for the text left out of a line.
const CUT: &str = "…";

/// A window of a document for miette: the lines around some spans, each
/// shown whole when it is short and cut to pieces around the spans (joined
/// by `…`) when it is long, so that a snippet stays readable whatever the
/// lines are (a scraped page can be one 50 KB line). Positions shown are
/// the true ones. Offsets given to miette are [`Snippet::span`]'s: where
/// nothing had to be cut, they are the document's own.
#[derive(Debug, Clone)]
pub struct Snippet {
    name: String,
    window: String,
    /// Offsets miette sees are `base + an index into window`.
    base: usize,
    pieces: Vec<Piece>,
}

/// A run of the document kept in the window.
#[derive(Debug, Clone, Copy)]
struct Piece {
    /// Where it is in the window.
    at: usize,
    /// Where it is in the document, and its length in bytes.
    src: usize,
    len: usize,
    /// Its 0-based line and column (in characters) in the document.
    line: usize,
    column: usize,
}

/// Columns a character takes on a terminal: two for the wide ones (CJK,
/// kana, hangul, full-width forms), else one. Close enough to decide where
/// to cut; miette measures what it draws itself.
pub fn char_cols(c: char) -> usize {
    match c as u32 {
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

#[cfg(test)]
fn cols(s: &str) -> usize {
    s.chars().map(char_cols).sum()
}

/// Whether `s` takes more than `n` columns; reads no further than needed
/// (a line may be megabytes long).
fn wider_than(s: &str, n: usize) -> bool {
    let mut w = 0;
    for c in s.chars() {
        w += char_cols(c);
        if w > n {
            return true;
        }
    }
    false
}

/// The offset `n` columns before `from`, not before `floor`.
fn back_cols(t: &str, from: usize, n: usize, floor: usize) -> usize {
    let mut w = 0;
    let mut at = from;
    for (i, c) in t[floor..from].char_indices().rev() {
        w += char_cols(c);
        if w > n {
            break;
        }
        at = floor + i;
    }
    at
}

/// The offset `n` columns after `from`, not after `ceil`.
fn fwd_cols(t: &str, from: usize, n: usize, ceil: usize) -> usize {
    let mut w = 0;
    for (i, c) in t[from..ceil].char_indices() {
        w += char_cols(c);
        if w > n {
            return from + i;
        }
    }
    ceil
}

/// Line and column (0-based, in characters) after `text[from..to]`, from
/// `(line, column)` at `from`: line ends as in [`position`] (LF, CRLF, a
/// lone CR), a CR before an LF no column.
fn advance(
    text: &str,
    from: usize,
    to: usize,
    (mut line, mut column): (usize, usize),
) -> (usize, usize) {
    let bytes = text.as_bytes();
    for (i, c) in text[from..to].char_indices() {
        match c {
            '\n' => (line, column) = (line + 1, 0),
            '\r' if bytes.get(from + i + 1) == Some(&b'\n') => {}
            '\r' => (line, column) = (line + 1, 0),
            _ => column += 1,
        }
    }
    (line, column)
}

/// The runs of the line `[ls, le)` to show, in order: all of it when it is
/// short; else each span's part of it with context around (a long span by
/// its two ends), runs close together merged; the line's start when no
/// span is on it.
fn runs(text: &str, ls: usize, le: usize, spans: &[std::ops::Range<usize>]) -> Vec<(usize, usize)> {
    if !wider_than(&text[ls..le], SHORT_LINE_COLS) {
        return vec![(ls, le)];
    }
    let mut runs = Vec::new();
    for r in spans.iter().filter(|r| r.start <= le && r.end >= ls) {
        let (a, b) = (r.start.max(ls), r.end.min(le).max(r.start.max(ls)));
        if wider_than(&text[a..b], 2 * SPAN_END_COLS + MERGE_GAP_COLS) {
            runs.push((
                back_cols(text, a, CONTEXT_COLS, ls),
                fwd_cols(text, a, SPAN_END_COLS, le),
            ));
            runs.push((
                back_cols(text, b, SPAN_END_COLS, ls),
                fwd_cols(text, b, CONTEXT_COLS, le),
            ));
        } else {
            runs.push((
                back_cols(text, a, CONTEXT_COLS, ls),
                fwd_cols(text, b, CONTEXT_COLS, le),
            ));
        }
    }
    if runs.is_empty() {
        return vec![(ls, fwd_cols(text, ls, CONTEXT_COLS, le))];
    }
    runs.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(runs.len());
    for (a, b) in runs {
        match merged.last_mut() {
            Some(last) if a <= last.1 || !wider_than(&text[last.1..a], MERGE_GAP_COLS - 1) => {
                last.1 = last.1.max(b);
            }
            _ => merged.push((a, b)),
        }
    }
    merged
}

impl Snippet {
    /// A window of `text` around `span` (byte offsets into `text`).
    pub fn new(name: impl Into<String>, text: &str, span: std::ops::Range<usize>) -> Snippet {
        Snippet::covering(name, text, std::slice::from_ref(&span))
    }

    /// A window of `text` covering all `spans`: every line from the first
    /// span's to the last one's.
    pub fn covering(
        name: impl Into<String>,
        text: &str,
        spans: &[std::ops::Range<usize>],
    ) -> Snippet {
        let spans: Vec<std::ops::Range<usize>> = spans
            .iter()
            .map(|r| {
                let a = floor_char(text, r.start.min(text.len()));
                a..floor_char(text, r.end.min(text.len()).max(a))
            })
            .collect();
        let lo = spans.iter().map(|r| r.start).min().unwrap_or(0);
        let hi = spans.iter().map(|r| r.end).max().unwrap_or(0);
        let mut ls = text[..lo].rfind('\n').map_or(0, |i| i + 1);
        let last = text[..hi].rfind('\n').map_or(0, |i| i + 1).max(ls);
        let mut window = String::new();
        let mut pieces: Vec<Piece> = Vec::new();
        let mut at: Option<(usize, (usize, usize))> = None;
        loop {
            let le = text[ls..].find('\n').map_or(text.len(), |i| ls + i);
            let runs = runs(text, ls, le, &spans);
            let mut cursor = ls;
            for (i, &(a, b)) in runs.iter().enumerate() {
                if a > cursor {
                    window.push_str(CUT);
                }
                // The line's own break goes with its last run, so that a
                // CRLF stays one.
                let end = if i + 1 == runs.len() && b == le && ls < last {
                    (le + 1).min(text.len())
                } else {
                    b
                };
                let (line, column) = match at {
                    None => {
                        let p = position(text, a);
                        (p.line - 1, p.column - 1)
                    }
                    Some((from, lc)) => advance(text, from, a, lc),
                };
                at = Some((a, (line, column)));
                pieces.push(Piece {
                    at: window.len(),
                    src: a,
                    len: end - a,
                    line,
                    column,
                });
                // Shown on a terminal: no control character gets through,
                // and every offset stays where it was.
                window.push_str(&blank_controls(&text[a..end]));
                cursor = end;
            }
            if cursor < le {
                window.push_str(CUT);
                if ls < last {
                    window.push('\n');
                }
            }
            if ls >= last {
                break;
            }
            ls = le + 1;
        }
        let base = pieces.first().map_or(0, |p| p.src.saturating_sub(p.at));
        Snippet {
            name: escape_controls(&name.into()).into_owned(),
            window,
            base,
            pieces,
        }
    }

    /// Where a document offset is in the window: in its piece, or at the
    /// cut that stands for it.
    fn to_window(&self, offset: usize) -> usize {
        for p in &self.pieces {
            if offset < p.src {
                return p.at.saturating_sub(CUT.len());
            }
            if offset <= p.src + p.len {
                return p.at + (offset - p.src);
            }
        }
        self.window.len()
    }

    /// The span miette is given for a span of the document.
    pub fn span(&self, r: &std::ops::Range<usize>) -> SourceSpan {
        let a = self.to_window(r.start);
        let b = self.to_window(r.end.max(r.start)).max(a);
        SourceSpan::new((self.base + a).into(), b - a)
    }

    /// Whether `span` is shown: both its ends are in the window, not cut.
    pub fn contains(&self, span: &std::ops::Range<usize>) -> bool {
        let kept = |o: usize| self.pieces.iter().any(|p| p.src <= o && o <= p.src + p.len);
        kept(span.start) && kept(span.end)
    }

    /// The document's line and column (0-based) of a window index.
    fn position_of(&self, idx: usize) -> (usize, usize) {
        let Some(p) = self
            .pieces
            .iter()
            .find(|p| idx < p.at + p.len)
            .or(self.pieces.last())
        else {
            return (0, 0);
        };
        if idx <= p.at {
            return (p.line, p.column);
        }
        let text = &self.window[p.at..];
        let to = floor_char(text, idx - p.at);
        advance(text, 0, to, (p.line, p.column))
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
            .saturating_sub(self.base)
            .min(self.window.len());
        let len = span.len().min(self.window.len() - start);
        let local = SourceSpan::new(start.into(), len);
        let inner = self
            .window
            .read_span(&local, context_lines_before, context_lines_after)?;
        // miette counts columns in bytes; ours count characters, and the
        // window's lines may start anywhere in the document's.
        let (line, column) = self.position_of(inner.span().offset().min(self.window.len()));
        let data_start = inner.span().offset() + self.base;
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
    /// The source's name, as shown.
    pub fn name(&self) -> &str {
        &self.name
    }

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
        assert!(
            cols(&sn.window) <= 2 * CONTEXT_COLS + 1 + 2,
            "{}",
            sn.window
        );
        assert!(sn.window.starts_with(CUT) && sn.window.ends_with(CUT));
        let span = sn.span(&(at..at + 1));
        assert_eq!(span.offset(), at, "one piece: the document's own offsets");
        let c = sn.read_span(&span, 0, 0).unwrap();
        assert_eq!(c.line(), 1);
        assert_eq!(c.column(), 500, "the true column, in chars");
        assert_eq!(c.data(), b"X");
    }

    #[test]
    fn long_lines_are_cut_around_each_span() {
        // A short line, then a long one with two spans far apart.
        let text = format!(
            "甲\n{}乙{}丙{}\n",
            "あ".repeat(300),
            "い".repeat(300),
            "う".repeat(300)
        );
        let spans: Vec<std::ops::Range<usize>> = ["甲", "乙", "丙"]
            .iter()
            .map(|w| {
                let at = text.find(w).unwrap();
                at..at + w.len()
            })
            .collect();
        let sn = Snippet::covering("f.txt", &text, &spans);
        let lines: Vec<&str> = sn.window.lines().collect();
        assert_eq!(lines.len(), 2, "{}", sn.window);
        assert_eq!(lines[0], "甲");
        assert!(cols(lines[1]) <= 4 * CONTEXT_COLS + 4 + 3, "{}", lines[1]);
        assert_eq!(lines[1].matches(CUT).count(), 3, "{}", lines[1]);
        for (w, r) in ["甲", "乙", "丙"].iter().zip(&spans) {
            assert!(sn.contains(r));
            let span = sn.span(r);
            let c = sn.read_span(&span, 0, 0).unwrap();
            assert_eq!(&c.data()[..w.len()], w.as_bytes());
            let p = position(&text, r.start);
            assert_eq!((c.line(), c.column()), (p.line - 1, p.column - 1), "{w}");
        }
        // What was cut is not shown.
        let hidden = text.find('乙').unwrap() + "乙".len() + 150 * "い".len();
        assert!(!sn.contains(&(hidden..hidden + 3)));
    }

    #[test]
    fn a_long_span_shows_its_two_ends() {
        let text = format!(
            "{}[{}]{}",
            "あ".repeat(100),
            "い".repeat(400),
            "う".repeat(100)
        );
        let (a, b) = (text.find('[').unwrap(), text.find(']').unwrap() + 1);
        let sn = Snippet::new("f.txt", &text, a..b);
        assert!(
            cols(&sn.window) <= 2 * (CONTEXT_COLS + SPAN_END_COLS) + 3,
            "{}",
            sn.window
        );
        let span = sn.span(&(a..b));
        let shown = &sn.window[span.offset() - sn.base..span.offset() - sn.base + span.len()];
        assert!(shown.starts_with('[') && shown.ends_with(']') && shown.contains(CUT));
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
        let c = sn.read_span(&sn.span(&(at..at + 1)), 1, 1).unwrap();
        assert_eq!((c.line(), c.column()), (1, 0));
        assert_eq!(c.data(), "二行目のX".as_bytes());
    }
}
