//! Error recovery: how a parser fails, located errors ("expected …" at the
//! next token), and where to resume after an error.

use nom::branch::alt;
use nom::character::complete::digit1;
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Parser};

use super::Reader;
use super::lex::{ident, is_ident_start, skip_ws};
use crate::rules::ast::Span;
use crate::rules::diagnostic::{RuleError, RuleErrorKind};

/// How a parser failed, carried in nom's error slot.
#[derive(Debug)]
pub(super) enum PErr {
    /// Not this construct: the caller may try another (nom's `Error`).
    Backtrack,
    /// A committed error: report it and skip to the next statement or item.
    Stmt(Box<RuleError>),
    /// An unterminated string swallowed the rest of the file: report it and
    /// resume at the next top-level item after offset `.1`.
    Top(Box<RuleError>, usize),
    /// A block met the end of the file or the next top-level item before its
    /// `}`. Already reported; everything up to offset `.0` is given up.
    Cut(usize),
}

impl<I> ParseError<I> for PErr {
    fn from_error_kind(_: I, _: ErrorKind) -> Self {
        PErr::Backtrack
    }

    fn append(_: I, _: ErrorKind, other: Self) -> Self {
        other
    }
}

pub(super) type Res<'a, O> = IResult<&'a str, O, PErr>;

pub(super) fn backtrack<'a, T>() -> Res<'a, T> {
    Err(nom::Err::Error(PErr::Backtrack))
}

pub(super) fn fatal<'a, T>(e: RuleError) -> Res<'a, T> {
    Err(nom::Err::Failure(PErr::Stmt(Box::new(e))))
}

pub(super) fn syntax(
    span: Span,
    message: impl Into<String>,
    label: impl Into<String>,
) -> RuleError {
    RuleError::new(RuleErrorKind::Syntax, span, message, label)
}

/// Where recovery looks for the next construct.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Sync {
    /// The next statement line at the same brace depth (or the `}` that
    /// closes the enclosing block).
    Stmt,
    /// The next top-level item at the start of a line.
    Top,
}

/// Words after which a `/` starts a regex, not a separator: recovery must
/// skip regexes so that braces inside them do not count.
const REGEX_AFTER: [&str; 10] = [
    "mentions",
    "in",
    "forbid",
    "reference",
    "consistent",
    "ignoring",
    "unless",
    "with",
    "near",
    "of",
];

/// Words that start a statement or an item. Not reserved: `forbid require`
/// names a term. But one at the start of a line is taken to begin the next
/// statement, so that a pattern or value missing at the end of a line is
/// reported there rather than swallowing the next line.
const KEYWORDS: [&str; 15] = [
    "in",
    "applies",
    "require",
    "forbid",
    "reference",
    "consistent",
    "anchor",
    "include",
    "when",
    "test",
    "expect",
    "pack",
    "import",
    "term",
    "rule",
];

pub(super) trait OrExpect<'a, O> {
    /// Turns "not this" into a committed error "expected …" at the next token.
    fn or_expect(self, r: &Reader<'a>, at: &'a str, message: &str, help: &str) -> Res<'a, O>;
}

impl<'a, O> OrExpect<'a, O> for Res<'a, O> {
    fn or_expect(self, r: &Reader<'a>, at: &'a str, message: &str, help: &str) -> Res<'a, O> {
        match self {
            Err(nom::Err::Error(_)) => Err(r.expected(at, message, help)),
            other => other,
        }
    }
}

impl<'a> Reader<'a> {
    // ----- what is where, for messages -----

    /// The token at `i` (after whitespace): its span, a label saying what it
    /// is, and how a message names it.
    pub(super) fn found(&self, i: &'a str) -> (Span, String, String) {
        let j = skip_ws(i);
        let at = self.off(j);
        let Some(c) = j.chars().next() else {
            let end = self.src.trim_end().len();
            return (end..end, "the file ends here".into(), "end of file".into());
        };
        if c == '"' {
            if j.starts_with("\"\"\"") {
                return (at..at + 3, "found a string here".into(), "string".into());
            }
            let line = j.split('\n').next().unwrap_or(j);
            let mut end = c.len_utf8();
            let mut escaped = false;
            for (k, ch) in line.char_indices().skip(1) {
                if escaped {
                    escaped = false;
                } else if ch == '\\' {
                    escaped = true;
                } else if ch == '"' {
                    end = k + 1;
                    break;
                }
            }
            return (at..at + end, "found a string here".into(), "string".into());
        }
        let text = if is_ident_start(c) {
            ident(j).map_or("", |(_, w)| w)
        } else if c.is_ascii_digit() {
            digit1::<_, PErr>(j).map_or("", |(_, d)| d)
        } else {
            j.get(..c.len_utf8()).unwrap_or("")
        };
        (
            at..at + text.len(),
            format!("found `{text}` here"),
            format!("`{text}`"),
        )
    }

    /// "expected …" at the token after `i`; when that token is on a later
    /// line, points at the end of the line instead, where the thing is missing.
    pub(super) fn expected(&self, i: &'a str, message: &str, help: &str) -> nom::Err<PErr> {
        let j = skip_ws(i);
        let gap = self.src.get(self.off(i)..self.off(j)).unwrap_or("");
        let (span, label) = if !j.is_empty() && gap.contains('\n') {
            let at = self.off(i);
            (at..at, "the line ends here".to_string())
        } else {
            let (span, label, _) = self.found(i);
            (span, label)
        };
        nom::Err::Failure(PErr::Stmt(Box::new(
            syntax(span, message, label).with_help(help),
        )))
    }

    pub(super) fn unexpected(&self, i: &'a str, help: &str) -> RuleError {
        let (span, label, what) = self.found(i);
        let help = if what == "`}`" {
            "this `}` closes nothing: remove it, or check the braces above"
        } else {
            help
        };
        syntax(span, format!("unexpected {what}"), label).with_help(help)
    }

    /// The span of the line from `start` up to its end (without `\r\n`),
    /// and the offset of that end.
    pub(super) fn line_from(&self, start: usize) -> (Span, usize) {
        let rest = self.rest(start);
        let len = rest.find('\n').unwrap_or(rest.len());
        let line = rest.get(..len).unwrap_or("");
        let shown = line.strip_suffix('\r').unwrap_or(line);
        (start..start + shown.len(), start + len)
    }

    // ----- recovery -----

    /// A top-level item starts at `at`: `pack`, `import`, `term` or `rule`
    /// as a word, either at the very start of a line or not followed by `=`
    /// (an element in a block may be named `term`).
    pub(super) fn top_item_at(&self, at: usize) -> bool {
        let Ok((after, word)) = ident(self.rest(at)) else {
            return false;
        };
        let line_start = at == 0 || self.src.as_bytes().get(at - 1) == Some(&b'\n');
        matches!(word, "pack" | "import" | "term" | "rule")
            && (line_start || !skip_ws(after).starts_with('='))
    }

    /// The next token after `i` is a keyword on a later line: it starts the
    /// next statement or item, and is no term name or word value.
    pub(super) fn keyword_on_next_line(&self, i: &'a str) -> bool {
        let j = skip_ws(i);
        let gap = self.src.get(self.off(i)..self.off(j)).unwrap_or("");
        gap.contains('\n') && self.peek_word(j).is_some_and(|w| KEYWORDS.contains(&w))
    }

    /// Skips indentation at `p`.
    fn indent_end(&self, p: usize) -> usize {
        let rest = self.rest(p);
        p + (rest.len() - rest.trim_start_matches([' ', '\t', '\u{3000}']).len())
    }

    /// Where to resume after an error at `error` in the construct that
    /// starts at `from`. Skips strings, regexes and comments, so that braces
    /// and item keywords inside them do not count, and balanced `{ … }`. A
    /// statement resumes on a line after the error: a test's `expect` lines
    /// belong to it.
    pub(super) fn sync(&self, from: usize, mode: Sync, error: usize) -> usize {
        let b = self.src.as_bytes();
        let mut p = from;
        let mut depth = 0usize;
        let mut regex_ok = false;
        while let Some(&c) = b.get(p) {
            match c {
                b'\n' => {
                    p += 1;
                    if mode == Sync::Stmt && depth == 0 && p > error {
                        return p;
                    }
                    p = self.indent_end(p);
                    if self.top_item_at(p) {
                        return p;
                    }
                    regex_ok = true;
                }
                b'#' => p = self.rest(p).find('\n').map_or(b.len(), |k| p + k),
                b'"' => {
                    p = self.skip_string(p);
                    regex_ok = false;
                }
                b'/' => {
                    p = if regex_ok { self.skip_regex(p) } else { p + 1 };
                    regex_ok = false;
                }
                b'{' => {
                    depth += 1;
                    p += 1;
                    regex_ok = true;
                }
                b'}' => {
                    if depth == 0 && mode == Sync::Stmt {
                        return p;
                    }
                    depth = depth.saturating_sub(1);
                    p += 1;
                    regex_ok = false;
                }
                b'=' | b'|' | b'(' | b',' | b'[' | b';' => {
                    p += 1;
                    regex_ok = true;
                }
                b' ' | b'\t' | b'\r' => p += 1,
                _ if is_ident_start(char::from(c)) => {
                    let word = ident(self.rest(p)).map_or("", |(_, w)| w);
                    regex_ok = REGEX_AFTER.contains(&word);
                    p += word.len().max(1);
                }
                _ => {
                    // Bytes of a multi-byte char are never ASCII, so stepping
                    // through them one by one never stops inside a char.
                    p += 1;
                    regex_ok = false;
                }
            }
        }
        b.len()
    }

    /// The end of the string literal opening at `p` (the end of the file if
    /// it is never closed).
    fn skip_string(&self, p: usize) -> usize {
        let rest = self.rest(p);
        if let Some(body) = rest.strip_prefix("\"\"\"") {
            return body
                .find("\"\"\"")
                .map_or(self.src.len(), |k| p + 3 + k + 3);
        }
        let b = rest.as_bytes();
        let mut k = 1;
        while let Some(&c) = b.get(k) {
            match c {
                b'\\' => k += 2,
                b'"' => return p + k + 1,
                // Unterminated, as `string` decides: stop at the line break.
                b'\n' if self.item_header_at(p + k + 1) => return p + k,
                _ => k += 1,
            }
        }
        self.src.len()
    }

    /// The line at `at` (after indentation) starts an item header: `term
    /// NAME =`, `rule ID {`, `import "`, `pack NAME {`. A string that runs
    /// into such a line has lost its closing quote: a line break is allowed
    /// in a string, but without this the string would pair with the next
    /// quote of the file and bury the error under confusing ones.
    /// Whether the line starting at `at` begins a field or a statement of
    /// a rule (`severity error`, `message.ja "…"`, `require …`, a lone
    /// `}`): a `"…"` string running onto it was left open on the line
    /// before, and is reported at its quote.
    pub(super) fn rule_line_at(&self, at: usize) -> bool {
        const STATEMENTS: [&str; 9] = [
            "applies",
            "require",
            "forbid",
            "reference",
            "consistent",
            "anchor",
            "when",
            "test",
            "expect",
        ];
        let line = self.rest(self.indent_end(at));
        let line = line.split('\n').next().unwrap_or("").trim_end();
        if line == "}" {
            return true;
        }
        let (word, rest) = line.split_once([' ', '\t']).unwrap_or((line, ""));
        let starts = STATEMENTS.contains(&word) || crate::rules::compile::is_field(word);
        starts && !rest.trim().is_empty()
    }

    pub(super) fn item_header_at(&self, at: usize) -> bool {
        let i = self.rest(self.indent_end(at));
        let term = |i| {
            let (i, _) = self.kw(i, "term")?;
            let (i, _) = self.name(i)?;
            self.punct(i, "=").map(|(r, _)| (r, ()))
        };
        let rule = |i| {
            let (i, _) = self.kw(i, "rule")?;
            let (i, _) = self.rule_id(i)?;
            self.punct(i, "{").map(|(r, _)| (r, ()))
        };
        let pack = |i| {
            let (i, _) = self.kw(i, "pack")?;
            let (i, _) = self.name(i)?;
            self.punct(i, "{").map(|(r, _)| (r, ()))
        };
        let import = |i| {
            let (i, _) = self.kw(i, "import")?;
            self.punct(i, "\"").map(|(r, _)| (r, ()))
        };
        alt((term, rule, pack, import)).parse(i).is_ok()
    }

    /// The end of the regex opening at `p`, or just past the `/` when it is
    /// not closed on its line (then it was not a regex).
    fn skip_regex(&self, p: usize) -> usize {
        let b = self.rest(p).as_bytes();
        let mut k = 1;
        while let Some(&c) = b.get(k) {
            match c {
                b'\\' => k += 2,
                b'/' => return p + k + 1,
                b'\n' => break,
                _ => k += 1,
            }
        }
        p + 1
    }

    /// The next top-level item at the start of a line after `from`, the end
    /// of an unterminated string's line. Strings are not skipped: the quote
    /// that opened one is the problem, so quotes after it cannot be trusted.
    pub(super) fn next_top_line(&self, from: usize) -> usize {
        let mut p = from;
        while let Some(k) = self.rest(p).find('\n') {
            p = self.indent_end(p + k + 1);
            if self.top_item_at(p) {
                return p;
            }
        }
        self.src.len()
    }
}
