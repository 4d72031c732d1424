//! Parser of the rule language: turns a rule file into the syntax tree of
//! [`super::ast`], together with every error it finds.
//!
//! Tokens are nom parsers over `&str`. Spans are byte offsets into the whole
//! file, computed from how much input is left (`src.len() - rest.len()`),
//! which holds because nom only ever hands on suffixes of its input.
//! Items and statements are nom-style functions; the loops around them
//! (the file, each `{ … }` block) recover after an error, at the next
//! statement line or the next top-level item, so that one run reports every
//! error of a file.

use std::cell::RefCell;

use nom::branch::alt;
use nom::bytes::complete::{tag, take_till, take_while, take_while_m_n, take_while1};
use nom::character::complete::{char, digit1, satisfy};
use nom::combinator::{not, opt, recognize};
use nom::error::{ErrorKind, ParseError};
use nom::multi::{many0, many0_count, separated_list0};
use nom::sequence::{preceded, terminated};
use nom::{IResult, Parser};

use super::ast::{
    Anchor, Consistent, Element, Expect, Expr, Field, FieldValue, File, Forbid, Item, NodeScope,
    PackDecl, Reference, Require, RequireMode, RuleDef, Scope, ScopeBlock, Span, Spanned, Stmt,
    TermDef, TestCase, TestKind, TestSource, When,
};
use super::diagnostic::{RuleError, RuleErrorKind};

/// Deepest nesting of `{ … }` blocks in a rule, counting the rule's own
/// braces. The parser recurses once per level and rule files come from pull
/// requests, so the depth must be bounded.
const MAX_DEPTH: usize = 64;

const TOP_HELP: &str = "a rule file holds `pack`, `import`, `term` and `rule` items";
const PATTERN_HELP: &str = "a pattern is a string \"…\", a regex /…/ or a term name, joined by `|`";
const SCOPE_HELP: &str = "a scope is one of: document, section(…), section of …, paragraph, \
                          sentence, list-item, cell, near … within N";
const STMT_HELP: &str =
    "a block holds `in`, `require`, `forbid`, `reference`, `anchor` and `include boilerplate`";
const RULE_ITEM_HELP: &str = "a rule holds fields (`severity error`), `when`, `test` and the \
                              statements `in`, `require`, `forbid`, `reference`, `anchor`, \
                              `include boilerplate`";
const VALUE_HELP: &str =
    "a value is a string \"…\", a word, a date YYYY-MM-DD or a list [a, \"b\"]";
const ESCAPE_HELP: &str = "the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a \
                           backslash, or use a regex /…/";

/// Parse a rule file. Never fails as a whole: returns what it could parse
/// and every error found, recovering at the next top-level item (`pack`,
/// `import`, `term`, `rule` at the start of a line) after an error, and
/// inside a rule at the next statement line where possible, so that several
/// errors are reported at once.
pub fn parse(src: &str) -> (File, Vec<RuleError>) {
    let reader = Reader {
        src,
        errors: RefCell::new(Vec::new()),
    };
    let file = reader.file();
    let mut errors = reader.errors.into_inner();
    // Errors are recorded as found, which is not always source order (an
    // unclosed block is noticed after its contents). Dedup is insurance: a
    // parser that backtracked over a string would report its bad escapes
    // twice.
    errors.sort_by_key(|e| (e.span.start, e.span.end));
    errors.dedup();
    (file, errors)
}

/// How a parser failed, carried in nom's error slot.
#[derive(Debug)]
enum PErr {
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

type Res<'a, O> = IResult<&'a str, O, PErr>;

fn backtrack<'a, T>() -> Res<'a, T> {
    Err(nom::Err::Error(PErr::Backtrack))
}

fn fatal<'a, T>(e: RuleError) -> Res<'a, T> {
    Err(nom::Err::Failure(PErr::Stmt(Box::new(e))))
}

fn syntax(span: Span, message: impl Into<String>, label: impl Into<String>) -> RuleError {
    RuleError::new(RuleErrorKind::Syntax, span, message, label)
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{3000}')
}

/// Whitespace and `#` comments.
fn ws(i: &str) -> Res<'_, ()> {
    many0_count(alt((
        take_while1(is_space),
        recognize((char('#'), take_till(|c| c == '\n'))),
    )))
    .map(|_| ())
    .parse(i)
}

fn skip_ws(i: &str) -> &str {
    ws(i).map_or(i, |(rest, ())| rest)
}

/// Whitespace, comments and any of the separator characters `seps`.
fn skip_seps<'a>(mut i: &'a str, seps: &[char]) -> &'a str {
    loop {
        let j = skip_ws(i);
        match j.strip_prefix(seps) {
            Some(rest) => i = rest,
            None => return j,
        }
    }
}

fn ident(i: &str) -> Res<'_, &str> {
    recognize((satisfy(is_ident_start), take_while(is_ident_char))).parse(i)
}

/// `appi/joint-use`: identifiers joined by `/`, no spaces.
fn rule_id_text(i: &str) -> Res<'_, &str> {
    recognize((ident, many0_count((char('/'), ident)))).parse(i)
}

/// `word` as a whole word, not the start of a longer identifier.
fn keyword<'a>(word: &'static str) -> impl Parser<&'a str, Output = &'a str, Error = PErr> {
    terminated(tag(word), not(satisfy(is_ident_char)))
}

fn digits(n: usize) -> impl for<'a> Fn(&'a str) -> Res<'a, &'a str> {
    move |i| take_while_m_n(n, n, |c: char| c.is_ascii_digit()).parse(i)
}

/// Where recovery looks for the next construct.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sync {
    /// The next statement line at the same brace depth (or the `}` that
    /// closes the enclosing block).
    Stmt,
    /// The next top-level item at the start of a line.
    Top,
}

/// Words after which a `/` starts a regex, not a separator: recovery must
/// skip regexes so that braces inside them do not count.
const REGEX_AFTER: [&str; 9] = [
    "mentions",
    "in",
    "forbid",
    "reference",
    "consistent",
    "unless",
    "with",
    "near",
    "of",
];

/// Words that start a statement or an item. Not reserved: `forbid require`
/// names a term. But one at the start of a line is taken to begin the next
/// statement, so that a pattern or value missing at the end of a line is
/// reported there rather than swallowing the next line.
const KEYWORDS: [&str; 14] = [
    "in",
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

struct Reader<'a> {
    src: &'a str,
    /// Every error found, in the order found.
    errors: RefCell<Vec<RuleError>>,
}

trait OrExpect<'a, O> {
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
    fn off(&self, i: &str) -> usize {
        self.src.len().saturating_sub(i.len())
    }

    fn rest(&self, at: usize) -> &'a str {
        self.src.get(at..).unwrap_or("")
    }

    fn push(&self, e: RuleError) {
        self.errors.borrow_mut().push(e);
    }

    // ----- what is where, for messages -----

    /// The token at `i` (after whitespace): its span, a label saying what it
    /// is, and how a message names it.
    fn found(&self, i: &'a str) -> (Span, String, String) {
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
    fn expected(&self, i: &'a str, message: &str, help: &str) -> nom::Err<PErr> {
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

    fn unexpected(&self, i: &'a str, help: &str) -> RuleError {
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
    fn line_from(&self, start: usize) -> (Span, usize) {
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
    fn top_item_at(&self, at: usize) -> bool {
        let Ok((after, word)) = ident(self.rest(at)) else {
            return false;
        };
        let line_start = at == 0 || self.src.as_bytes().get(at - 1) == Some(&b'\n');
        matches!(word, "pack" | "import" | "term" | "rule")
            && (line_start || !skip_ws(after).starts_with('='))
    }

    /// The next token after `i` is a keyword on a later line: it starts the
    /// next statement or item, and is no term name or word value.
    fn keyword_on_next_line(&self, i: &'a str) -> bool {
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
    fn sync(&self, from: usize, mode: Sync, error: usize) -> usize {
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
    fn item_header_at(&self, at: usize) -> bool {
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
    fn next_top_line(&self, from: usize) -> usize {
        let mut p = from;
        while let Some(k) = self.rest(p).find('\n') {
            p = self.indent_end(p + k + 1);
            if self.top_item_at(p) {
                return p;
            }
        }
        self.src.len()
    }

    // ----- tokens -----

    /// The keyword `word` after whitespace: its span.
    fn kw(&self, i: &'a str, word: &'static str) -> Res<'a, Span> {
        let i = skip_ws(i);
        let (rest, _) = keyword(word).parse(i)?;
        Ok((rest, self.off(i)..self.off(rest)))
    }

    /// The punctuation `p` after whitespace: its span.
    fn punct(&self, i: &'a str, p: &'static str) -> Res<'a, Span> {
        let i = skip_ws(i);
        let (rest, _) = tag(p).parse(i)?;
        Ok((rest, self.off(i)..self.off(rest)))
    }

    /// The identifier after whitespace, without consuming it.
    fn peek_word(&self, i: &'a str) -> Option<&'a str> {
        ident(skip_ws(i)).ok().map(|(_, w)| w)
    }

    fn name(&self, i: &'a str) -> Res<'a, Spanned<String>> {
        let i = skip_ws(i);
        let (rest, w) = ident(i)?;
        Ok((
            rest,
            Spanned::new(w.to_string(), self.off(i)..self.off(rest)),
        ))
    }

    fn rule_id(&self, i: &'a str) -> Res<'a, Spanned<String>> {
        let i = skip_ws(i);
        let (rest, w) = rule_id_text(i)?;
        Ok((
            rest,
            Spanned::new(w.to_string(), self.off(i)..self.off(rest)),
        ))
    }

    fn int(&self, i: &'a str) -> Res<'a, Spanned<u32>> {
        let i = skip_ws(i);
        let (rest, text) = digit1(i)?;
        let span = self.off(i)..self.off(rest);
        match text.parse::<u32>() {
            Ok(n) => Ok((rest, Spanned::new(n, span))),
            Err(_) => fatal(
                syntax(span, "number too large", "this does not fit in 32 bits")
                    .with_help("numbers go up to 4294967295"),
            ),
        }
    }

    /// `YYYY-MM-DD`
    fn date(&self, i: &'a str) -> Res<'a, Spanned<String>> {
        let i = skip_ws(i);
        let (rest, text) = recognize((
            digits(4),
            char('-'),
            digits(2),
            char('-'),
            digits(2),
            not(satisfy(is_ident_char)),
        ))
        .parse(i)?;
        let span = self.off(i)..self.off(rest);
        let num = |r: std::ops::Range<usize>| text.get(r).and_then(|t| t.parse::<u32>().ok());
        if !matches!(num(5..7), Some(1..=12)) || !matches!(num(8..10), Some(1..=31)) {
            return fatal(
                syntax(
                    span,
                    format!("invalid date `{text}`"),
                    "no such month or day",
                )
                .with_help("write dates as YYYY-MM-DD, like 2022-04-01"),
            );
        }
        Ok((rest, Spanned::new(text.to_string(), span)))
    }

    /// Reports an unterminated string or regex opening at `start`.
    fn unterminated(&self, start: usize, what: &str, help: &str) -> nom::Err<PErr> {
        let (span, line_end) = self.line_from(start);
        let e = RuleError::new(
            RuleErrorKind::UnterminatedString,
            span,
            format!("unterminated {what}"),
            format!("this {what} is never closed"),
        )
        .with_help(help);
        if what == "regex" {
            // A regex ends at its line, so the next line is unharmed.
            nom::Err::Failure(PErr::Stmt(Box::new(e)))
        } else {
            nom::Err::Failure(PErr::Top(Box::new(e), line_end))
        }
    }

    /// `"…"` with escapes, or `"""…"""` verbatim and dedented. The span
    /// covers the quotes. A `"…"` string may hold line breaks, but one that
    /// runs into a line starting an item is taken as unterminated.
    fn string(&self, i: &'a str) -> Res<'a, Spanned<String>> {
        let i = skip_ws(i);
        let start = self.off(i);
        if let Some(body) = i.strip_prefix("\"\"\"") {
            let Some(k) = body.find("\"\"\"") else {
                return Err(self.unterminated(start, "string", "add the closing `\"\"\"`"));
            };
            let rest = body.get(k + 3..).unwrap_or("");
            let text = dedent(body.get(..k).unwrap_or(""));
            return Ok((rest, Spanned::new(text, start..self.off(rest))));
        }
        let Some(body) = i.strip_prefix('"') else {
            return backtrack();
        };
        let mut out = String::new();
        let mut chars = body.char_indices();
        while let Some((k, c)) = chars.next() {
            match c {
                '"' => {
                    let rest = body.get(k + 1..).unwrap_or("");
                    return Ok((rest, Spanned::new(out, start..self.off(rest))));
                }
                '\n' if self.item_header_at(start + 1 + k + 1) => break,
                '\\' => match chars.next() {
                    Some((_, '"')) => out.push('"'),
                    Some((_, '\\')) => out.push('\\'),
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((k2, other)) => {
                        // Reported, but the string goes on: its end is still
                        // found, so nothing else is disturbed.
                        let at = start + 1 + k;
                        let end = start + 1 + k2 + other.len_utf8();
                        let shown = self.src.get(at..end).unwrap_or("\\");
                        self.push(
                            syntax(
                                at..end,
                                format!("unknown escape `{shown}` in a string"),
                                "not an escape",
                            )
                            .with_help(ESCAPE_HELP),
                        );
                        out.push('\\');
                        out.push(other);
                    }
                    None => break,
                },
                c => out.push(c),
            }
        }
        Err(self.unterminated(start, "string", "add the closing `\"`"))
    }

    /// `/…/` on one line; `\/` becomes `/`, other escapes are regex syntax
    /// and stay. The span covers the slashes.
    fn regex(&self, i: &'a str) -> Res<'a, Spanned<String>> {
        let i = skip_ws(i);
        let start = self.off(i);
        let Some(body) = i.strip_prefix('/') else {
            return backtrack();
        };
        let mut out = String::new();
        let mut chars = body.char_indices();
        while let Some((k, c)) = chars.next() {
            match c {
                '/' => {
                    let rest = body.get(k + 1..).unwrap_or("");
                    return Ok((rest, Spanned::new(out, start..self.off(rest))));
                }
                '\n' => break,
                '\\' => match chars.next() {
                    Some((_, '/')) => out.push('/'),
                    Some((_, '\n')) | None => break,
                    Some((_, other)) => {
                        out.push('\\');
                        out.push(other);
                    }
                },
                c => out.push(c),
            }
        }
        Err(self.unterminated(
            start,
            "regex",
            "add the closing `/` on the same line; write `\\/` for a slash inside",
        ))
    }

    // ----- patterns -----

    fn atom(&self, i: &'a str) -> Res<'a, Expr> {
        match skip_ws(i).chars().next() {
            Some('"') => self.string(i).map(|(r, s)| (r, Expr::Literal(s))),
            Some('/') => self.regex(i).map(|(r, s)| (r, Expr::Regex(s))),
            Some(c) if is_ident_start(c) => self.name(i).map(|(r, s)| (r, Expr::Ref(s))),
            _ => backtrack(),
        }
    }

    /// `atom { "|" atom }`
    fn expr(&self, i: &'a str) -> Res<'a, Expr> {
        if self.keyword_on_next_line(i) {
            return backtrack();
        }
        let (i, first) = self.atom(i)?;
        let (i, more) = many0(preceded(
            |i| self.punct(i, "|"),
            |i| {
                self.atom(i)
                    .or_expect(self, i, "expected a pattern after `|`", PATTERN_HELP)
            },
        ))
        .parse(i)?;
        let Some(last) = more.last() else {
            return Ok((i, first));
        };
        let span = first.span().start..last.span().end;
        let mut all = vec![first];
        all.extend(more);
        Ok((i, Expr::Alt(all, span)))
    }

    /// A pattern that must be there, after `what`.
    fn expr_after(&self, i: &'a str, what: &str) -> Res<'a, Expr> {
        self.expr(i).or_expect(
            self,
            i,
            &format!("expected a pattern after {what}"),
            PATTERN_HELP,
        )
    }

    fn int_after(&self, i: &'a str, what: &str) -> Res<'a, Spanned<u32>> {
        self.int(i).or_expect(
            self,
            i,
            &format!("expected a number after {what}"),
            "write a count of characters, like `100`",
        )
    }

    // ----- fields -----

    /// `key value`
    fn field(&self, i: &'a str) -> Res<'a, Field> {
        let i = skip_ws(i);
        let (after_key, key) = recognize((ident, opt((char('.'), ident)))).parse(i)?;
        let key = Spanned::new(key.to_string(), self.off(i)..self.off(after_key));
        let (rest, value) = self.value(after_key, &key.node)?;
        let span = key.span.start..value.span().end;
        Ok((rest, Field { key, value, span }))
    }

    /// `string | date | list | ident`
    fn value(&self, i: &'a str, key: &str) -> Res<'a, FieldValue> {
        let message = format!("expected a value after `{key}`");
        match skip_ws(i).chars().next() {
            Some('"') => self.string(i).map(|(r, s)| (r, FieldValue::Str(s))),
            Some('[') => self.list(i),
            Some(c) if c.is_ascii_digit() => self
                .date(i)
                .map(|(r, s)| (r, FieldValue::Date(s)))
                .or_expect(self, i, &message, VALUE_HELP),
            Some(c) if is_ident_start(c) && !self.keyword_on_next_line(i) => {
                self.name(i).map(|(r, s)| (r, FieldValue::Word(s)))
            }
            _ => Err(self.expected(i, &message, VALUE_HELP)),
        }
    }

    /// `[a, "b", appi/x]`, an optional trailing comma.
    fn list(&self, i: &'a str) -> Res<'a, FieldValue> {
        let (i, open) = self.punct(i, "[")?;
        let item = |i: &'a str| -> Res<'a, Spanned<String>> {
            match skip_ws(i).chars().next() {
                Some('"') => self.string(i),
                _ => self.rule_id(i),
            }
        };
        let (i, items) = separated_list0(|i| self.punct(i, ","), item).parse(i)?;
        let (i, _) = opt(|i| self.punct(i, ",")).parse(i)?;
        let (rest, close) = self.punct(i, "]").or_expect(
            self,
            i,
            "expected `]` to close the list",
            "list items are words or strings separated by `,`, like `[a, \"b\"]`",
        )?;
        Ok((rest, FieldValue::List(items, open.start..close.end)))
    }

    // ----- blocks -----

    /// Reports a block whose `}` never came: `at` is where the next item
    /// starts, or `None` at the end of the file.
    fn unclosed(&self, open: &Span, what: &str, at: Option<usize>) {
        let e = syntax(
            open.clone(),
            format!("expected `}}` to close {what}"),
            "this `{` is never closed",
        )
        .with_help(format!("add `}}` at the end of {what}"));
        let e = match at {
            Some(at) => {
                let word = ident(self.rest(at)).map_or("", |(_, w)| w);
                e.with_related(at..at + word.len(), "the next item starts here")
            }
            None => {
                let end = self.src.trim_end().len();
                e.with_related(end..end, "the file ends here")
            }
        };
        self.push(e);
    }

    /// Reads `{` for a block at nesting level `depth`.
    fn open_block(&self, i: &'a str, depth: usize, message: &str, help: &str) -> Res<'a, Span> {
        let (rest, open) = self.punct(i, "{").or_expect(self, i, message, help)?;
        if depth > MAX_DEPTH {
            return fatal(
                syntax(
                    open,
                    "nested too deeply",
                    format!("this block is {depth} levels deep"),
                )
                .with_help(format!(
                    "blocks nest at most {MAX_DEPTH} levels deep; split the rule"
                )),
            );
        }
        Ok((rest, open))
    }

    /// The items of a block whose `{` (at `open`) has been read, up to its
    /// `}`: returns the input after the `}` and the `}`'s end. `item` reads
    /// one item; after an error, reading goes on at the next line.
    fn block(
        &self,
        mut i: &'a str,
        open: &Span,
        what: &str,
        seps: &[char],
        item: &mut dyn FnMut(&'a str) -> Res<'a, ()>,
    ) -> Res<'a, usize> {
        loop {
            let j = skip_seps(i, seps);
            let at = self.off(j);
            if j.is_empty() {
                self.unclosed(open, what, None);
                return Err(nom::Err::Failure(PErr::Cut(at)));
            }
            if let Some(rest) = j.strip_prefix('}') {
                return Ok((rest, at + 1));
            }
            if self.top_item_at(at) {
                self.unclosed(open, what, Some(at));
                return Err(nom::Err::Failure(PErr::Cut(at)));
            }
            let error = match item(j) {
                Ok((rest, ())) if rest.len() < j.len() => {
                    i = rest;
                    continue;
                }
                Ok(_) | Err(nom::Err::Error(_) | nom::Err::Incomplete(_)) => {
                    self.unexpected(j, STMT_HELP)
                }
                Err(nom::Err::Failure(PErr::Stmt(e))) => *e,
                Err(nom::Err::Failure(PErr::Backtrack)) => self.unexpected(j, STMT_HELP),
                Err(e) => return Err(e),
            };
            let next = self.sync(at, Sync::Stmt, error.span.start);
            self.push(error);
            // Recovery always moves on; should it not, skip one char.
            let step = j.chars().next().map_or(1, char::len_utf8);
            i = self.rest(next.max(at + step));
        }
    }

    /// A statement in a nested block, with an error for anything else.
    fn block_stmt(&self, j: &'a str, depth: usize, body: &mut Vec<Stmt>) -> Res<'a, ()> {
        match self.stmt(j, depth) {
            Ok((rest, s)) => {
                body.push(s);
                Ok((rest, ()))
            }
            Err(nom::Err::Error(_)) => {
                let (span, label, _) = self.found(j);
                let e = match self.peek_word(j) {
                    Some(w @ ("when" | "test" | "expect")) => syntax(
                        span,
                        format!("`{w}` must be at the top level of a rule"),
                        label,
                    )
                    .with_help(format!("move `{w}` out of the block, into the rule itself")),
                    _ => syntax(span, "expected a statement", label)
                        .with_help(format!("{STMT_HELP}; fields go at the top of the rule")),
                };
                fatal(e)
            }
            Err(e) => Err(e),
        }
    }

    // ----- statements -----

    /// A statement in a block at nesting level `depth`.
    fn stmt(&self, i: &'a str, depth: usize) -> Res<'a, Stmt> {
        match self.peek_word(i) {
            Some("in") => self.scope_block(i, depth).map(|(r, s)| (r, Stmt::Scope(s))),
            Some("require") => self.require(i, depth).map(|(r, s)| (r, Stmt::Require(s))),
            Some("forbid") => self.forbid(i).map(|(r, s)| (r, Stmt::Forbid(s))),
            Some("reference") => self.reference(i).map(|(r, s)| (r, Stmt::Reference(s))),
            Some("consistent") => {
                let (i, kw) = self.kw(i, "consistent")?;
                let (rest, expr) = self.expr_after(i, "`consistent`")?;
                let span = kw.start..expr.span().end;
                Ok((rest, Stmt::Consistent(Consistent { expr, span })))
            }
            Some("anchor") => self.anchor(i).map(|(r, s)| (r, Stmt::Anchor(s))),
            Some("include") => {
                let (i, kw) = self.kw(i, "include")?;
                let (rest, word) = self.kw(i, "boilerplate").or_expect(
                    self,
                    i,
                    "expected `boilerplate` after `include`",
                    "write `include boilerplate` to also look in menus, headers and footers",
                )?;
                Ok((rest, Stmt::IncludeBoilerplate(kw.start..word.end)))
            }
            _ => backtrack(),
        }
    }

    /// `in SCOPE { stmt* }`
    fn scope_block(&self, i: &'a str, depth: usize) -> Res<'a, ScopeBlock> {
        let (i, kw) = self.kw(i, "in")?;
        let (i, scope) = self.scope(i)?;
        let (i, open) = self.open_block(
            i,
            depth + 1,
            "expected `{` after the scope",
            "write the statements of the scope between `{` and `}`",
        )?;
        let mut body = Vec::new();
        let (rest, end) = self.block(i, &open, "the `in` block", &[';'], &mut |j| {
            self.block_stmt(j, depth + 1, &mut body)
        })?;
        Ok((
            rest,
            ScopeBlock {
                scope,
                body,
                span: kw.start..end,
            },
        ))
    }

    fn scope(&self, i: &'a str) -> Res<'a, Scope> {
        let (after, word) =
            self.name(i)
                .or_expect(self, i, "expected a scope after `in`", SCOPE_HELP)?;
        let start = word.span.start;
        match word.node.as_str() {
            "document" => Ok((after, Scope::Document(word.span))),
            "section" => {
                if let Ok((j, _)) = self.kw(after, "of") {
                    let (rest, of) = self.expr_after(j, "`section of`")?;
                    let span = start..of.span().end;
                    return Ok((rest, Scope::SectionOf { of, span }));
                }
                let mut end = word.span.end;
                let mut i = after;
                let mut heading = None;
                if let Ok((j, _)) = self.punct(i, "(") {
                    let (j, e) = self.expr_after(j, "`section(`")?;
                    let (j, close) = self.punct(j, ")").or_expect(
                        self,
                        j,
                        "expected `)` after the heading pattern",
                        "write `section(PATTERN)`",
                    )?;
                    heading = Some(e);
                    end = close.end;
                    i = j;
                }
                let mut or_document = false;
                if let Ok((j, _)) = self.kw(i, "or") {
                    let (j, doc) = self.kw(j, "document").or_expect(
                        self,
                        j,
                        "expected `document` after `or`",
                        "write `section(…) or document`",
                    )?;
                    or_document = true;
                    end = doc.end;
                    i = j;
                }
                let span = start..end;
                Ok((
                    i,
                    Scope::Section {
                        heading,
                        or_document,
                        span,
                    },
                ))
            }
            "paragraph" | "sentence" | "list-item" | "cell" => {
                let kind = match word.node.as_str() {
                    "paragraph" => NodeScope::Paragraph,
                    "sentence" => NodeScope::Sentence,
                    "list-item" => NodeScope::ListItem,
                    _ => NodeScope::Cell,
                };
                let kind = Spanned::new(kind, word.span.clone());
                let (rest, with) = match self.kw(after, "with") {
                    Ok((j, _)) => {
                        let (j, e) = self.expr_after(j, "`with`")?;
                        (j, Some(e))
                    }
                    Err(_) => (after, None),
                };
                let end = with.as_ref().map_or(word.span.end, |e| e.span().end);
                Ok((
                    rest,
                    Scope::Node {
                        kind,
                        with,
                        span: start..end,
                    },
                ))
            }
            "near" => {
                match self.int(after) {
                    Ok((rest, chars)) => {
                        let span = start..chars.span.end;
                        return Ok((
                            rest,
                            Scope::Near {
                                of: None,
                                chars,
                                span,
                            },
                        ));
                    }
                    // Not a number: a pattern follows.
                    Err(nom::Err::Error(_)) => {}
                    Err(e) => return Err(e),
                }
                let (j, of) = self.expr(after).or_expect(
                    self,
                    after,
                    "expected a number or a pattern after `near`",
                    "write `near N` or `near PATTERN within N`",
                )?;
                let (j, _) = self.kw(j, "within").or_expect(
                    self,
                    j,
                    "expected `within` after the pattern",
                    "write `near PATTERN within N`",
                )?;
                let (rest, chars) = self.int_after(j, "`within`")?;
                let span = start..chars.span.end;
                Ok((
                    rest,
                    Scope::Near {
                        of: Some(of),
                        chars,
                        span,
                    },
                ))
            }
            other => fatal(
                RuleError::new(
                    RuleErrorKind::UnknownScope,
                    word.span.clone(),
                    format!("unknown scope `{other}`"),
                    "not a scope",
                )
                .with_help(SCOPE_HELP),
            ),
        }
    }

    /// `require (all | any | N of) { element* }` or `require element`.
    fn require(&self, i: &'a str, depth: usize) -> Res<'a, Require> {
        let (i, kw) = self.kw(i, "require")?;
        let mode = alt((
            |i| {
                self.kw(i, "all")
                    .map(|(r, s)| (r, Spanned::new(RequireMode::All, s)))
            },
            |i| {
                self.kw(i, "any")
                    .map(|(r, s)| (r, Spanned::new(RequireMode::Any, s)))
            },
        ))
        .parse(i);
        let (i, mode) = match mode {
            // `all` and `any` are also possible element names: a mode needs `{`.
            Ok((j, mode)) if self.punct(j, "{").is_ok() => (j, mode),
            _ => match self.int(i) {
                Ok((j, n)) => {
                    let (j, of) = self.kw(j, "of").or_expect(
                        self,
                        j,
                        "expected `of` after the number",
                        "write `require N of { … }`",
                    )?;
                    let span = n.span.start..of.end;
                    (j, Spanned::new(RequireMode::AtLeast(n.node), span))
                }
                Err(nom::Err::Error(_)) => {
                    let (rest, element) = self.element(i, depth).or_expect(
                        self,
                        i,
                        "expected an element or `all`, `any`, `N of` after `require`",
                        "write `require NAME = PATTERN` or `require all { … }`",
                    )?;
                    let span = kw.start..element.span.end;
                    let mode = Spanned::new(RequireMode::All, kw.clone());
                    return Ok((
                        rest,
                        Require {
                            mode,
                            elements: vec![element],
                            span,
                        },
                    ));
                }
                Err(e) => return Err(e),
            },
        };
        let (i, open) = self.open_block(
            i,
            depth + 1,
            "expected `{` after the mode of `require`",
            "write the elements between `{` and `}`",
        )?;
        let mut elements = Vec::new();
        let (rest, end) = self.block(i, &open, "the `require` block", &[',', ';'], &mut |j| {
            let (rest, e) = self.element(j, depth + 1).or_expect(
                self,
                j,
                "expected an element",
                "an element is written `NAME = PATTERN [as \"ja\" / \"en\"]`",
            )?;
            elements.push(e);
            Ok((rest, ()))
        })?;
        Ok((
            rest,
            Require {
                mode,
                elements,
                span: kw.start..end,
            },
        ))
    }

    /// `NAME = EXPR [as "ja" [/ "en"]] [{ stmt* }]` in a block at `depth`.
    fn element(&self, i: &'a str, depth: usize) -> Res<'a, Element> {
        let (i, name) = self.name(i)?;
        let (i, _) = self.punct(i, "=").or_expect(
            self,
            i,
            &format!("expected `=` after the element name `{}`", name.node),
            "an element is written `NAME = PATTERN`",
        )?;
        let (mut i, expr) = self.expr_after(i, "`=`")?;
        let mut end = expr.span().end;
        let (mut label_ja, mut label_en) = (None, None);
        if let Ok((j, _)) = self.kw(i, "as") {
            let (j, ja) = self.string(j).or_expect(
                self,
                j,
                "expected a label string after `as`",
                "write `as \"日本語\" / \"English\"`",
            )?;
            end = ja.span.end;
            label_ja = Some(ja);
            i = j;
            if let Ok((j, _)) = self.punct(i, "/") {
                let (j, en) = self.string(j).or_expect(
                    self,
                    j,
                    "expected an English label after `/`",
                    "write `as \"日本語\" / \"English\"`",
                )?;
                end = en.span.end;
                label_en = Some(en);
                i = j;
            }
        }
        let mut body = Vec::new();
        if self.punct(i, "{").is_ok() {
            let (j, open) = self.open_block(
                i,
                depth + 1,
                "expected `{` after the element",
                "write the element's statements between `{` and `}`",
            )?;
            let what = format!("the block of the element `{}`", name.node);
            let (j, close) = self.block(j, &open, &what, &[';'], &mut |k| {
                self.block_stmt(k, depth + 1, &mut body)
            })?;
            end = close;
            i = j;
        }
        let span = name.span.start..end;
        Ok((
            i,
            Element {
                name,
                expr,
                label_ja,
                label_en,
                body,
                span,
            },
        ))
    }

    /// `forbid EXPR [near EXPR within N]`
    fn forbid(&self, i: &'a str) -> Res<'a, Forbid> {
        let (i, kw) = self.kw(i, "forbid")?;
        let (i, expr) = self.expr_after(i, "`forbid`")?;
        let (rest, near) = match self.kw(i, "near") {
            Ok((j, _)) => {
                let (j, of) = self.expr_after(j, "`near`")?;
                let (j, _) = self.kw(j, "within").or_expect(
                    self,
                    j,
                    "expected `within` after the pattern",
                    "write `forbid PATTERN near PATTERN within N`",
                )?;
                let (j, n) = self.int_after(j, "`within`")?;
                (j, Some((of, n)))
            }
            Err(_) => (i, None),
        };
        let end = near.as_ref().map_or(expr.span().end, |(_, n)| n.span.end);
        Ok((
            rest,
            Forbid {
                expr,
                near,
                span: kw.start..end,
            },
        ))
    }

    /// `reference EXPR [-> SEVERITY] [unless EXPR]`
    fn reference(&self, i: &'a str) -> Res<'a, Reference> {
        let (i, kw) = self.kw(i, "reference")?;
        let (i, expr) = self.expr_after(i, "`reference`")?;
        let (rest, severity) = match self.punct(i, "->") {
            Ok((j, _)) => {
                let (j, s) = self.name(j).or_expect(
                    self,
                    j,
                    "expected a severity after `->`",
                    "write `-> error`, `-> warning` or `-> info`",
                )?;
                (j, Some(s))
            }
            Err(_) => (i, None),
        };
        let (rest, unless) = match self.kw(rest, "unless") {
            Ok((j, _)) => {
                let (j, u) = self.expr_after(j, "`unless`")?;
                (j, Some(u))
            }
            Err(_) => (rest, None),
        };
        let end = unless
            .as_ref()
            .map(|u| u.span().end)
            .or(severity.as_ref().map(|s| s.span.end))
            .unwrap_or(expr.span().end);
        Ok((
            rest,
            Reference {
                expr,
                severity,
                unless,
                span: kw.start..end,
            },
        ))
    }

    /// `anchor trigger | heading | scope | nearest NAME`
    fn anchor(&self, i: &'a str) -> Res<'a, Spanned<Anchor>> {
        const HELP: &str =
            "write `anchor trigger`, `anchor heading`, `anchor scope` or `anchor nearest NAME`";
        let (i, kw) = self.kw(i, "anchor")?;
        let (rest, word) =
            self.name(i)
                .or_expect(self, i, "expected an anchor after `anchor`", HELP)?;
        let (rest, anchor, end) = match word.node.as_str() {
            "trigger" => (rest, Anchor::Trigger, word.span.end),
            "heading" => (rest, Anchor::Heading, word.span.end),
            "scope" => (rest, Anchor::Scope, word.span.end),
            "nearest" => {
                let (j, n) = self.name(rest).or_expect(
                    self,
                    rest,
                    "expected an element name after `nearest`",
                    HELP,
                )?;
                (j, Anchor::Nearest(n.node), n.span.end)
            }
            other => {
                return fatal(
                    syntax(
                        word.span.clone(),
                        format!("unknown anchor `{other}`"),
                        "not an anchor",
                    )
                    .with_help(HELP),
                );
            }
        };
        Ok((rest, Spanned::new(anchor, kw.start..end)))
    }

    // ----- rule-level items -----

    /// `when mentions EXPR [unless in EXPR]`
    fn when(&self, i: &'a str) -> Res<'a, When> {
        let (i, kw) = self.kw(i, "when")?;
        let (i, _) = self.kw(i, "mentions").or_expect(
            self,
            i,
            "expected `mentions` after `when`",
            "write `when mentions PATTERN [unless in PATTERN]`",
        )?;
        let (i, mentions) = self.expr_after(i, "`when mentions`")?;
        let (rest, unless_in) = match self.kw(i, "unless") {
            Ok((j, _)) => {
                let (j, _) = self.kw(j, "in").or_expect(
                    self,
                    j,
                    "expected `in` after `unless`",
                    "write `unless in PATTERN`",
                )?;
                let (j, e) = self.expr_after(j, "`unless in`")?;
                (j, Some(e))
            }
            Err(_) => (i, None),
        };
        let end = unless_in.as_ref().unwrap_or(&mentions).span().end;
        Ok((
            rest,
            When {
                mentions,
                unless_in,
                span: kw.start..end,
            },
        ))
    }

    /// `test pass|fail ("text" | file "path") [format WORD] expect*`
    fn test(&self, i: &'a str) -> Res<'a, TestCase> {
        let (i, kw) = self.kw(i, "test")?;
        let (i, kind) = alt((
            |i| {
                self.kw(i, "pass")
                    .map(|(r, s)| (r, Spanned::new(TestKind::Pass, s)))
            },
            |i| {
                self.kw(i, "fail")
                    .map(|(r, s)| (r, Spanned::new(TestKind::Fail, s)))
            },
        ))
        .parse(i)
        .or_expect(
            self,
            i,
            "expected `pass` or `fail` after `test`",
            "write `test pass \"…\"` or `test fail \"…\"`",
        )?;
        let (i, source) = match self.kw(i, "file") {
            Ok((j, _)) => {
                let (j, path) = self.string(j).or_expect(
                    self,
                    j,
                    "expected a path string after `file`",
                    "write `file \"cases/bad.md\"`",
                )?;
                (j, TestSource::File(path))
            }
            Err(_) => {
                let (j, text) = self.string(i).or_expect(
                    self,
                    i,
                    "expected the test text after the test kind",
                    "write the text as a string \"…\" or \"\"\"…\"\"\", or `file \"path\"`",
                )?;
                (j, TestSource::Inline(text))
            }
        };
        let mut end = match &source {
            TestSource::Inline(s) | TestSource::File(s) => s.span.end,
        };
        let (mut i, format) = match self.kw(i, "format") {
            Ok((j, _)) => {
                let (j, f) = self.name(j).or_expect(
                    self,
                    j,
                    "expected a format after `format`",
                    "write `format markdown`, `format html` or `format text`",
                )?;
                end = f.span.end;
                (j, Some(f))
            }
            Err(_) => (i, None),
        };
        let mut expects = Vec::new();
        loop {
            let j = skip_seps(i, &[';']);
            if self.peek_word(j) != Some("expect") {
                break;
            }
            let (j, e) = self.expect(j)?;
            end = e.span.end;
            expects.push(e);
            i = j;
        }
        Ok((
            i,
            TestCase {
                kind,
                source,
                format,
                expects,
                span: kw.start..end,
            },
        ))
    }

    /// `expect [missing [a, b]] [at LINE:COL]`
    fn expect(&self, i: &'a str) -> Res<'a, Expect> {
        let (i, kw) = self.kw(i, "expect")?;
        let mut end = kw.end;
        let (i, missing) = match self.kw(i, "missing") {
            Ok((j, _)) => {
                let (j, _) = self.punct(j, "[").or_expect(
                    self,
                    j,
                    "expected `[` after `missing`",
                    "write `missing [element, …]`",
                )?;
                let (j, names) =
                    separated_list0(|i| self.punct(i, ","), |i| self.name(i)).parse(j)?;
                let (j, _) = opt(|i| self.punct(i, ",")).parse(j)?;
                let (j, close) = self.punct(j, "]").or_expect(
                    self,
                    j,
                    "expected `]` to close the list of missing elements",
                    "write element names separated by `,`, like `missing [items, controller]`",
                )?;
                end = close.end;
                (j, Some(names))
            }
            Err(_) => (i, None),
        };
        let (rest, at) = match self.kw(i, "at") {
            Ok((j, _)) => {
                const HELP: &str = "write the position as LINE:COLUMN, like `at 3:1`";
                let (j, line) =
                    self.int(j)
                        .or_expect(self, j, "expected a line number after `at`", HELP)?;
                let (j, _) = self.punct(j, ":").or_expect(
                    self,
                    j,
                    "expected `:` after the line number",
                    HELP,
                )?;
                let (j, col) =
                    self.int(j)
                        .or_expect(self, j, "expected a column number after `:`", HELP)?;
                end = col.span.end;
                let span = line.span.start..col.span.end;
                (j, Some(Spanned::new((line.node, col.node), span)))
            }
            Err(_) => (i, None),
        };
        Ok((
            rest,
            Expect {
                missing,
                at,
                span: kw.start..end,
            },
        ))
    }

    /// One item of a rule body, added to `rule`.
    fn rule_item(&self, j: &'a str, rule: &mut RuleDef) -> Res<'a, ()> {
        match self.peek_word(j) {
            Some("when") => {
                let (rest, w) = self.when(j)?;
                match &rule.when {
                    Some(first) => self.push(
                        syntax(
                            w.span.clone(),
                            "a rule has one `when`",
                            "second `when` here",
                        )
                        .with_help("join the patterns with `|` in one `when`")
                        .with_related(first.span.clone(), "first `when` here"),
                    ),
                    None => rule.when = Some(w),
                }
                Ok((rest, ()))
            }
            Some("test") => {
                let (rest, t) = self.test(j)?;
                rule.tests.push(t);
                Ok((rest, ()))
            }
            Some("expect") => {
                let (span, label, _) = self.found(j);
                fatal(
                    syntax(span, "`expect` must follow a `test`", label)
                        .with_help("put each `expect` right after the `test` it belongs to"),
                )
            }
            Some(_) => match self.stmt(j, 1) {
                Ok((rest, s)) => {
                    rule.body.push(s);
                    Ok((rest, ()))
                }
                Err(nom::Err::Error(_)) => {
                    let (rest, f) = self.field(j)?;
                    rule.fields.push(f);
                    Ok((rest, ()))
                }
                Err(e) => Err(e),
            },
            None => {
                let (span, label, _) = self.found(j);
                fatal(
                    syntax(span, "expected a field or a statement", label)
                        .with_help(RULE_ITEM_HELP),
                )
            }
        }
    }

    /// `rule ID { rule_item* }`
    fn rule(&self, i: &'a str) -> Res<'a, RuleDef> {
        let (i, kw) = self.kw(i, "rule")?;
        let (i, id) = self.rule_id(i).or_expect(
            self,
            i,
            "expected a rule id after `rule`",
            "a rule id is names joined by `/`, like `appi/joint-use`",
        )?;
        let (i, open) = self.punct(i, "{").or_expect(
            self,
            i,
            &format!("expected `{{` after the rule id `{}`", id.node),
            "write the rule's fields and statements between `{` and `}`",
        )?;
        let what = format!("the rule `{}`", id.node);
        let mut rule = RuleDef {
            id,
            fields: Vec::new(),
            when: None,
            body: Vec::new(),
            tests: Vec::new(),
            span: kw.start..open.end,
        };
        let mut last = open.end;
        let res = self.block(i, &open, &what, &[';'], &mut |j| {
            let (rest, ()) = self.rule_item(j, &mut rule)?;
            last = self.off(rest);
            Ok((rest, ()))
        });
        let (rest, end) = match res {
            Ok(done) => done,
            // Keep what was read of an unclosed rule.
            Err(nom::Err::Failure(PErr::Cut(at))) => (self.rest(at), last),
            Err(e) => return Err(e),
        };
        rule.span = kw.start..end;
        Ok((rest, rule))
    }

    // ----- top-level items -----

    /// `pack NAME { field* }`
    fn pack(&self, i: &'a str) -> Res<'a, PackDecl> {
        let (i, kw) = self.kw(i, "pack")?;
        let (i, name) = self.name(i).or_expect(
            self,
            i,
            "expected a pack name after `pack`",
            "write `pack NAME { title \"…\" }`",
        )?;
        let (i, open) = self.punct(i, "{").or_expect(
            self,
            i,
            "expected `{` after the pack name",
            "write the pack's fields between `{` and `}`",
        )?;
        let what = format!("the pack `{}`", name.node);
        let mut fields = Vec::new();
        let mut last = open.end;
        let res = self.block(i, &open, &what, &[';'], &mut |j| {
            let (rest, f) = self.field(j).or_expect(
                self,
                j,
                "expected a field",
                "a pack holds fields such as `title \"…\"`",
            )?;
            fields.push(f);
            last = self.off(rest);
            Ok((rest, ()))
        });
        let (rest, end) = match res {
            Ok(done) => done,
            Err(nom::Err::Failure(PErr::Cut(at))) => (self.rest(at), last),
            Err(e) => return Err(e),
        };
        Ok((
            rest,
            PackDecl {
                name,
                fields,
                span: kw.start..end,
            },
        ))
    }

    /// `term NAME = EXPR`
    fn term(&self, i: &'a str) -> Res<'a, TermDef> {
        const HELP: &str = "a term is written `term NAME = PATTERN`";
        let (i, kw) = self.kw(i, "term")?;
        let (i, name) =
            self.name(i)
                .or_expect(self, i, "expected a term name after `term`", HELP)?;
        let (i, _) =
            self.punct(i, "=")
                .or_expect(self, i, "expected `=` after the term name", HELP)?;
        let (rest, expr) = self.expr_after(i, "`=`")?;
        let span = kw.start..expr.span().end;
        Ok((rest, TermDef { name, expr, span }))
    }

    fn item(&self, i: &'a str) -> Res<'a, Item> {
        match self.peek_word(i) {
            Some("pack") => self.pack(i).map(|(r, p)| (r, Item::Pack(p))),
            Some("import") => {
                let (j, _) = self.kw(i, "import")?;
                let (rest, path) = self.string(j).or_expect(
                    self,
                    j,
                    "expected a path string after `import`",
                    "write `import \"common.rules\"`",
                )?;
                Ok((rest, Item::Import(path)))
            }
            Some("term") => self.term(i).map(|(r, t)| (r, Item::Term(t))),
            Some("rule") => self.rule(i).map(|(r, d)| (r, Item::Rule(d))),
            Some(w @ ("test" | "expect")) => {
                let (span, label, _) = self.found(i);
                fatal(
                    syntax(span, format!("`{w}` must come inside a rule"), label)
                        .with_help("put test cases at the end of the `rule { … }` they check"),
                )
            }
            _ => backtrack(),
        }
    }

    fn file(&self) -> File {
        let mut items = Vec::new();
        let mut i = self.src;
        loop {
            let j = skip_seps(i, &[';']);
            if j.is_empty() {
                break;
            }
            let at = self.off(j);
            let next = match self.item(j) {
                Ok((rest, item)) => {
                    items.push(item);
                    rest
                }
                Err(nom::Err::Failure(PErr::Top(e, resume))) => {
                    self.push(*e);
                    self.rest(self.next_top_line(resume))
                }
                Err(nom::Err::Failure(PErr::Stmt(e))) => {
                    self.push(*e);
                    self.rest(self.sync(at, Sync::Top, at))
                }
                Err(nom::Err::Failure(PErr::Cut(resume))) => self.rest(resume),
                Err(_) => {
                    self.push(self.unexpected(j, TOP_HELP));
                    self.rest(self.sync(at, Sync::Top, at))
                }
            };
            // Every branch moves on; should one not, skip a char rather
            // than loop forever.
            i = if next.len() < j.len() {
                next
            } else {
                let step = j.chars().next().map_or(1, char::len_utf8);
                j.get(step..).unwrap_or("")
            };
        }
        File { items }
    }
}

/// The text of a `"""…"""` string: without a first line break, and without
/// the indentation common to its non-blank lines (spaces and tabs only: an
/// ideographic space starting a Japanese line is text). Blank lines become
/// empty.
fn dedent(raw: &str) -> String {
    let text = raw
        .strip_prefix("\r\n")
        .or_else(|| raw.strip_prefix('\n'))
        .unwrap_or(raw);
    let indent_of =
        |line: &str| -> usize { line.len() - line.trim_start_matches([' ', '\t']).len() };
    let mut common: Option<&str> = None;
    for line in text.split('\n').filter(|l| !l.trim().is_empty()) {
        let ind = line.get(..indent_of(line)).unwrap_or("");
        common = Some(match common {
            None => ind,
            Some(c) => {
                let n = c
                    .bytes()
                    .zip(ind.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                c.get(..n).unwrap_or("")
            }
        });
    }
    let common = common.unwrap_or("");
    text.split('\n')
        .map(|line| {
            if line.trim().is_empty() {
                ""
            } else {
                line.strip_prefix(common).unwrap_or(line)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    const EXAMPLE: &str = r#"# demo pack
pack demo { title "Demo" }
import "common.rules"

term contact = "お問い合わせ" | "お問合せ" | /相談窓口/
term joint_use = "共同利用" | "共同して利用"
term exception = /共同して利用する場合であって/

rule demo/joint-use {
  title.ja "共同利用の公表事項"
  title.en "Joint use disclosures"
  severity error
  cite "個人情報保護法 第27条第5項第3号"
  url "https://example.com/rules/joint-use"
  effective 2022-04-01
  tags [joint-use, appi]
  when mentions joint_use unless in exception
  in section(joint_use) or document {
    anchor heading
    require all {
      items = /共同(して)?利用(される|する)[^。]{0,20}項目/ as "項目" / "data items"
      controller = /管理について責任を有する者/ as "管理責任者" / "controller" {
        in near 300 {
          require 2 of {
            controller-name = corp_name
            controller-address = address
          }
          reference "会社概要" -> warning
        }
      }
    }
    forbid "閉鎖しました" near contact within 100
  }
  include boilerplate
  message.ja "共同利用の{missing}が記載されていません"
  message.en "Joint use: {missing} not stated"
  test pass """
    5. 共同利用
    共同して利用される個人データの項目: 氏名
    """
  test fail "共同利用します。" format text
    expect missing [items, controller] at 1:1
  test fail file "cases/bad.md"
    expect missing [controller-address]
}
"#;

    /// The text a span covers.
    fn at(src: &str, span: &Span) -> String {
        src.get(span.clone())
            .map(str::to_string)
            .unwrap_or_else(|| format!("<bad span {span:?}>"))
    }

    /// The span of the `n`th (from 0) occurrence of `needle`.
    fn find(src: &str, needle: &str, n: usize) -> Span {
        let start = src
            .match_indices(needle)
            .nth(n)
            .map(|(k, _)| k)
            .expect("needle in source");
        start..start + needle.len()
    }

    fn parse_ok(src: &str) -> File {
        let (file, errors) = parse(src);
        assert_eq!(errors, vec![], "unexpected errors");
        file
    }

    fn rules(file: &File) -> Vec<&RuleDef> {
        file.items
            .iter()
            .filter_map(|i| match i {
                Item::Rule(r) => Some(r),
                _ => None,
            })
            .collect()
    }

    fn only_rule(file: &File) -> &RuleDef {
        let rules = rules(file);
        assert_eq!(rules.len(), 1, "one rule");
        rules[0]
    }

    fn lit(e: &Expr) -> (&'static str, &str) {
        match e {
            Expr::Literal(s) => ("lit", &s.node),
            Expr::Regex(s) => ("re", &s.node),
            Expr::Ref(s) => ("ref", &s.node),
            Expr::Alt(..) => ("alt", ""),
        }
    }

    fn alts(e: &Expr) -> Vec<(&'static str, &str)> {
        match e {
            Expr::Alt(v, _) => v.iter().map(lit).collect(),
            other => vec![lit(other)],
        }
    }

    fn field<'f>(fields: &'f [Field], key: &str) -> &'f FieldValue {
        &fields
            .iter()
            .find(|f| f.key.node == key)
            .expect("field")
            .value
    }

    fn word(v: &FieldValue) -> (&'static str, &str) {
        match v {
            FieldValue::Str(s) => ("str", &s.node),
            FieldValue::Word(s) => ("word", &s.node),
            FieldValue::Date(s) => ("date", &s.node),
            FieldValue::List(..) => ("list", ""),
        }
    }

    /// Every error of `src`, rendered as a user sees it.
    fn render(src: &str, errors: &[RuleError]) -> String {
        let handler =
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
        let source = Arc::new(src.to_string());
        let mut out = String::new();
        for e in errors {
            let located = e.clone().located("demo.rules", Arc::clone(&source));
            handler.render_report(&mut out, &located).expect("render");
            out.push('\n');
        }
        out
    }

    /// Parses `src`, which must give exactly one error, and snapshots it.
    fn one_error(name: &str, src: &str) -> (File, RuleError) {
        let (file, errors) = parse(src);
        assert_eq!(errors.len(), 1, "errors: {errors:#?}");
        insta::assert_snapshot!(name, render(src, &errors));
        let e = errors.into_iter().next().expect("one error");
        (file, e)
    }

    #[test]
    fn example_gives_the_tree() {
        let file = parse_ok(EXAMPLE);
        assert_eq!(file.items.len(), 6);
        let Item::Pack(pack) = &file.items[0] else {
            panic!("pack first")
        };
        assert_eq!(pack.name.node, "demo");
        assert_eq!(word(field(&pack.fields, "title")), ("str", "Demo"));
        let Item::Import(path) = &file.items[1] else {
            panic!("import second")
        };
        assert_eq!(path.node, "common.rules");
        let terms: Vec<_> = file
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Term(t) => Some((t.name.node.as_str(), alts(&t.expr))),
                _ => None,
            })
            .collect();
        assert_eq!(
            terms,
            vec![
                (
                    "contact",
                    vec![
                        ("lit", "お問い合わせ"),
                        ("lit", "お問合せ"),
                        ("re", "相談窓口")
                    ]
                ),
                (
                    "joint_use",
                    vec![("lit", "共同利用"), ("lit", "共同して利用")]
                ),
                ("exception", vec![("re", "共同して利用する場合であって")]),
            ]
        );

        let rule = only_rule(&file);
        assert_eq!(rule.id.node, "demo/joint-use");
        let keys: Vec<_> = rule.fields.iter().map(|f| f.key.node.as_str()).collect();
        assert_eq!(
            keys,
            [
                "title.ja",
                "title.en",
                "severity",
                "cite",
                "url",
                "effective",
                "tags",
                "message.ja",
                "message.en"
            ]
        );
        assert_eq!(word(field(&rule.fields, "severity")), ("word", "error"));
        assert_eq!(
            word(field(&rule.fields, "effective")),
            ("date", "2022-04-01")
        );
        assert_eq!(
            word(field(&rule.fields, "message.ja")),
            ("str", "共同利用の{missing}が記載されていません")
        );
        let FieldValue::List(tags, _) = field(&rule.fields, "tags") else {
            panic!("tags list")
        };
        let tags: Vec<_> = tags.iter().map(|t| t.node.as_str()).collect();
        assert_eq!(tags, ["joint-use", "appi"]);

        let when = rule.when.as_ref().expect("when");
        assert_eq!(alts(&when.mentions), [("ref", "joint_use")]);
        assert_eq!(
            alts(when.unless_in.as_ref().expect("unless")),
            [("ref", "exception")]
        );

        assert_eq!(rule.body.len(), 2);
        let Stmt::Scope(section) = &rule.body[0] else {
            panic!("scope block")
        };
        let Scope::Section {
            heading: Some(heading),
            or_document: true,
            ..
        } = &section.scope
        else {
            panic!("section(…) or document: {:?}", section.scope)
        };
        assert_eq!(alts(heading), [("ref", "joint_use")]);
        assert!(matches!(rule.body[1], Stmt::IncludeBoilerplate(_)));
        assert_eq!(section.body.len(), 3);
        assert!(matches!(
            section.body[0],
            Stmt::Anchor(Spanned {
                node: Anchor::Heading,
                ..
            })
        ));
        let Stmt::Require(req) = &section.body[1] else {
            panic!("require")
        };
        assert_eq!(req.mode.node, RequireMode::All);
        let names: Vec<_> = req.elements.iter().map(|e| e.name.node.as_str()).collect();
        assert_eq!(names, ["items", "controller"]);
        let items = &req.elements[0];
        assert_eq!(
            alts(&items.expr),
            [("re", "共同(して)?利用(される|する)[^。]{0,20}項目")]
        );
        assert_eq!(
            items.label_ja.as_ref().map(|l| l.node.as_str()),
            Some("項目")
        );
        assert_eq!(
            items.label_en.as_ref().map(|l| l.node.as_str()),
            Some("data items")
        );
        assert!(items.body.is_empty());
        let controller = &req.elements[1];
        assert_eq!(
            controller.label_ja.as_ref().map(|l| l.node.as_str()),
            Some("管理責任者")
        );
        assert_eq!(
            controller.label_en.as_ref().map(|l| l.node.as_str()),
            Some("controller")
        );
        let [Stmt::Scope(near)] = controller.body.as_slice() else {
            panic!("element block")
        };
        let Scope::Near {
            of: None, chars, ..
        } = &near.scope
        else {
            panic!("near 300")
        };
        assert_eq!(chars.node, 300);
        let [Stmt::Require(inner), Stmt::Reference(reference)] = near.body.as_slice() else {
            panic!("require and reference")
        };
        assert_eq!(inner.mode.node, RequireMode::AtLeast(2));
        let inner: Vec<_> = inner
            .elements
            .iter()
            .map(|e| (e.name.node.as_str(), alts(&e.expr)))
            .collect();
        assert_eq!(
            inner,
            [
                ("controller-name", vec![("ref", "corp_name")]),
                ("controller-address", vec![("ref", "address")])
            ]
        );
        assert_eq!(alts(&reference.expr), [("lit", "会社概要")]);
        assert_eq!(
            reference.severity.as_ref().map(|s| s.node.as_str()),
            Some("warning")
        );
        let Stmt::Forbid(forbid) = &section.body[2] else {
            panic!("forbid")
        };
        assert_eq!(alts(&forbid.expr), [("lit", "閉鎖しました")]);
        let (near_expr, within) = forbid.near.as_ref().expect("near");
        assert_eq!(alts(near_expr), [("ref", "contact")]);
        assert_eq!(within.node, 100);

        assert_eq!(rule.tests.len(), 3);
        let t0 = &rule.tests[0];
        assert_eq!(t0.kind.node, TestKind::Pass);
        let TestSource::Inline(text) = &t0.source else {
            panic!("inline")
        };
        assert_eq!(
            text.node,
            "5. 共同利用\n共同して利用される個人データの項目: 氏名\n"
        );
        assert!(t0.expects.is_empty());
        let t1 = &rule.tests[1];
        assert_eq!(t1.kind.node, TestKind::Fail);
        assert_eq!(
            t1.source,
            TestSource::Inline(Spanned::new(
                "共同利用します。".into(),
                find(EXAMPLE, "\"共同利用します。\"", 0)
            ))
        );
        assert_eq!(t1.format.as_ref().map(|f| f.node.as_str()), Some("text"));
        let [e1] = t1.expects.as_slice() else {
            panic!("one expect")
        };
        let missing: Vec<_> = e1
            .missing
            .iter()
            .flatten()
            .map(|m| m.node.as_str())
            .collect();
        assert_eq!(missing, ["items", "controller"]);
        assert_eq!(e1.at, Some(Spanned::new((1, 1), find(EXAMPLE, "1:1", 0))));
        let t2 = &rule.tests[2];
        let TestSource::File(path) = &t2.source else {
            panic!("file")
        };
        assert_eq!(path.node, "cases/bad.md");
        let [e2] = t2.expects.as_slice() else {
            panic!("one expect")
        };
        let missing: Vec<_> = e2
            .missing
            .iter()
            .flatten()
            .map(|m| m.node.as_str())
            .collect();
        assert_eq!(missing, ["controller-address"]);
        assert_eq!(e2.at, None);
    }

    #[test]
    fn spans_cover_exactly_their_text() {
        let src = EXAMPLE;
        let file = parse_ok(src);
        let rule = only_rule(&file);
        assert_eq!(rule.id.span, 255..269);
        assert_eq!(at(src, &rule.id.span), "demo/joint-use");
        assert_eq!(rule.span.start, find(src, "rule demo", 0).start);
        assert_eq!(rule.span.end, src.trim_end().len());

        let cite = rule
            .fields
            .iter()
            .find(|f| f.key.node == "cite")
            .expect("cite");
        assert_eq!(
            at(src, &cite.span),
            "cite \"個人情報保護法 第27条第5項第3号\""
        );
        // Inside Japanese text: the value's span starts after "cite ".
        assert_eq!(cite.value.span(), 372..418);
        let tags = rule
            .fields
            .iter()
            .find(|f| f.key.node == "tags")
            .expect("tags");
        assert_eq!(at(src, &tags.span), "tags [joint-use, appi]");
        assert_eq!(at(src, &tags.value.span()), "[joint-use, appi]");

        // Walk to `corp_name`.
        let Stmt::Scope(section) = &rule.body[0] else {
            panic!()
        };
        assert_eq!(
            at(src, &section.scope.span()),
            "section(joint_use) or document"
        );
        let Stmt::Require(req) = &section.body[1] else {
            panic!()
        };
        let controller = &req.elements[1];
        assert!(at(src, &controller.span).starts_with("controller = /管理"));
        assert!(at(src, &controller.span).ends_with("}\n      }"));
        let Stmt::Scope(near) = &controller.body[0] else {
            panic!()
        };
        assert_eq!(at(src, &near.scope.span()), "near 300");
        let Stmt::Require(inner) = &near.body[0] else {
            panic!()
        };
        assert_eq!(at(src, &inner.mode.span), "2 of");
        let corp = &inner.elements[0].expr;
        assert_eq!(corp.span(), find(src, "corp_name", 0));
        assert_eq!(corp.span(), 909..918);
        assert_eq!(
            at(src, &inner.elements[0].span),
            "controller-name = corp_name"
        );
        let Stmt::Reference(reference) = &near.body[1] else {
            panic!()
        };
        assert_eq!(
            at(src, &reference.span),
            "reference \"会社概要\" -> warning"
        );

        // Term alternatives: the Alt spans all of them, the regex its slashes.
        let Item::Term(contact) = &file.items[2] else {
            panic!()
        };
        assert_eq!(
            at(src, &contact.expr.span()),
            "\"お問い合わせ\" | \"お問合せ\" | /相談窓口/"
        );
        let Expr::Alt(parts, _) = &contact.expr else {
            panic!()
        };
        assert_eq!(at(src, &parts[2].span()), "/相談窓口/");
        assert_eq!(
            at(src, &contact.span),
            "term contact = \"お問い合わせ\" | \"お問合せ\" | /相談窓口/"
        );

        let t1 = &rule.tests[1];
        assert_eq!(
            at(src, &t1.span),
            "test fail \"共同利用します。\" format text\n    expect missing [items, controller] at 1:1"
        );
        assert_eq!(at(src, &t1.expects[0].at.as_ref().expect("at").span), "1:1");
        let Stmt::Forbid(forbid) = &section.body[2] else {
            panic!()
        };
        assert_eq!(
            at(src, &forbid.span),
            "forbid \"閉鎖しました\" near contact within 100"
        );
    }

    #[test]
    fn strings_regexes_and_dedent() {
        let src = "term a = \"q\\\"b\\\\s\\n\\t\" | /a\\/b\\d/ | \"line\none\"\n";
        let file = parse_ok(src);
        let Item::Term(t) = &file.items[0] else {
            panic!()
        };
        assert_eq!(
            alts(&t.expr),
            [
                ("lit", "q\"b\\s\n\t"),
                ("re", "a/b\\d"),
                ("lit", "line\none")
            ]
        );

        assert_eq!(dedent("\n    a\n      b\n\n    c\n    "), "a\n  b\n\nc\n");
        assert_eq!(dedent("no break\n  x"), "no break\n  x");
        // An ideographic space is text, not indentation.
        assert_eq!(dedent("\n  \u{3000}本文\n  x"), "\u{3000}本文\nx");
        let file = parse_ok("rule a { test pass \"\"\"\r\n  x\r\n  y\"\"\" }");
        let TestSource::Inline(text) = &only_rule(&file).tests[0].source else {
            panic!()
        };
        assert_eq!(text.node, "x\r\ny");
    }

    #[test]
    fn layout_is_free() {
        // Ideographic spaces, CRLF, `;`, comments with braces, several items on one line.
        let src = "term a = \"x\"\u{3000}term b = a|\"y\" # } {\r\nrule r/s{severity error;anchor trigger;in document{forbid b}}";
        let file = parse_ok(src);
        assert_eq!(file.items.len(), 3);
        let rule = only_rule(&file);
        assert_eq!(rule.fields.len(), 1);
        assert_eq!(rule.body.len(), 2);
    }

    #[test]
    fn words_that_are_also_keywords() {
        // `all` and `term` as element names; a mode needs `{`.
        let src =
            "rule a {\n  require all = /x/\n  require any {\n    term = /y/, rule = /z/\n  }\n}\n";
        let file = parse_ok(src);
        let rule = only_rule(&file);
        let [Stmt::Require(r1), Stmt::Require(r2)] = rule.body.as_slice() else {
            panic!()
        };
        assert_eq!(
            (r1.mode.node, r1.elements[0].name.node.as_str()),
            (RequireMode::All, "all")
        );
        assert_eq!(at(src, &r1.mode.span), "require");
        assert_eq!(r2.mode.node, RequireMode::Any);
        let names: Vec<_> = r2.elements.iter().map(|e| e.name.node.as_str()).collect();
        assert_eq!(names, ["term", "rule"]);
    }

    #[test]
    fn every_scope_form() {
        let src = "rule a {\n in document {}\n in section {}\n in section of x | /y/ {}\n in paragraph with z {}\n in list-item {}\n in near x within 50 {}\n anchor nearest items\n}";
        let file = parse_ok(src);
        let scopes: Vec<_> = only_rule(&file)
            .body
            .iter()
            .filter_map(|s| match s {
                Stmt::Scope(b) => Some(at(src, &b.scope.span())),
                _ => None,
            })
            .collect();
        assert_eq!(
            scopes,
            [
                "document",
                "section",
                "section of x | /y/",
                "paragraph with z",
                "list-item",
                "near x within 50"
            ]
        );
        let rule = only_rule(&file);
        assert!(matches!(
            &rule.body[3],
            Stmt::Scope(ScopeBlock {
                scope: Scope::Node {
                    kind: Spanned {
                        node: NodeScope::Paragraph,
                        ..
                    },
                    with: Some(_),
                    ..
                },
                ..
            })
        ));
        assert!(
            matches!(&rule.body[6], Stmt::Anchor(Spanned { node: Anchor::Nearest(n), .. }) if n == "items")
        );
    }

    #[test]
    fn unterminated_string() {
        let src = "term a = \"abc\n\nterm b = /x/\n";
        let (file, e) = one_error("unterminated_string", src);
        assert_eq!(e.kind, RuleErrorKind::UnterminatedString);
        assert_eq!(e.message, "unterminated string");
        assert_eq!(e.label, "this string is never closed");
        assert_eq!(e.help.as_deref(), Some("add the closing `\"`"));
        assert_eq!(e.span, 9..13);
        // Recovery goes on at the next item after the quote's line.
        assert_eq!(file.items.len(), 1);
        assert!(matches!(&file.items[0], Item::Term(t) if t.name.node == "b"));
    }

    #[test]
    fn string_running_into_the_next_item_is_unterminated() {
        let src = "term contact = \"お問い合わせ\nterm ok = \"窓口\"\nrule a {\n  test pass \"x\nrule of thumb\"\n}\n";
        let (file, e) = one_error("string_into_next_item", src);
        assert_eq!(e.kind, RuleErrorKind::UnterminatedString);
        assert_eq!(at(src, &e.span), "\"お問い合わせ");
        // The next item is read; a line that only starts with `rule` is text.
        let Item::Term(ok) = &file.items[0] else {
            panic!()
        };
        assert_eq!(alts(&ok.expr), [("lit", "窓口")]);
        let TestSource::Inline(text) = &only_rule(&file).tests[0].source else {
            panic!()
        };
        assert_eq!(text.node, "x\nrule of thumb");
    }

    #[test]
    fn unterminated_triple_quoted_string() {
        let src = "rule a {\n  test pass \"\"\"\n  text\n";
        let (file, e) = one_error("unterminated_triple_string", src);
        assert_eq!(e.kind, RuleErrorKind::UnterminatedString);
        assert_eq!(
            e.span,
            find(src, "\"\"\"", 0).start..src.find("\n  text").expect("line")
        );
        assert_eq!(e.help.as_deref(), Some("add the closing `\"\"\"`"));
        assert!(file.items.is_empty());
    }

    #[test]
    fn unterminated_regex() {
        let src = "rule a {\n  forbid /閉鎖\\/\n  severity error\n}\n";
        let (file, e) = one_error("unterminated_regex", src);
        assert_eq!(e.kind, RuleErrorKind::UnterminatedString);
        assert_eq!(e.message, "unterminated regex");
        assert_eq!(e.label, "this regex is never closed");
        assert_eq!(at(src, &e.span), "/閉鎖\\/");
        // Only the statement is lost.
        let rule = only_rule(&file);
        assert!(rule.body.is_empty());
        assert_eq!(rule.fields.len(), 1);
    }

    #[test]
    fn unknown_scope_skips_its_block() {
        let src = "rule a {\n  in chapter {\n    forbid \"\\\"}\" | /\\/}/ # }\n    in document { anchor scope }\n  }\n  severity error\n}\n";
        let (file, e) = one_error("unknown_scope", src);
        assert_eq!(e.kind, RuleErrorKind::UnknownScope);
        assert_eq!(e.message, "unknown scope `chapter`");
        assert_eq!(e.label, "not a scope");
        assert_eq!(e.span, find(src, "chapter", 0));
        assert_eq!(
            e.help.as_deref(),
            Some(
                "a scope is one of: document, section(…), section of …, paragraph, sentence, list-item, cell, near … within N"
            )
        );
        let rule = only_rule(&file);
        assert!(rule.body.is_empty());
        assert_eq!(rule.fields.len(), 1);
        assert_eq!(rule.span, 0..src.trim_end().len());
    }

    #[test]
    fn missing_equals_in_a_term() {
        let src = "term contact \"お問い合わせ\"\nterm b = \"x\"\n";
        let (file, e) = one_error("missing_equals", src);
        assert_eq!(e.kind, RuleErrorKind::Syntax);
        assert_eq!(e.message, "expected `=` after the term name");
        assert_eq!(e.label, "found a string here");
        assert_eq!(e.span, find(src, "\"お問い合わせ\"", 0));
        assert_eq!(file.items.len(), 1);
    }

    #[test]
    fn missing_pattern_at_the_end_of_a_line() {
        let src = "term contact =\nterm b = \"x\"\n";
        let (_, e) = one_error("missing_pattern", src);
        assert_eq!(e.message, "expected a pattern after `=`");
        assert_eq!(e.label, "the line ends here");
        assert_eq!(e.span, 14..14);
    }

    #[test]
    fn missing_closing_brace_at_the_end_of_the_file() {
        let src = "rule appi/x {\n  severity error\n  in document {\n    anchor heading\n  }\n";
        let (file, e) = one_error("missing_brace", src);
        assert_eq!(e.kind, RuleErrorKind::Syntax);
        assert_eq!(e.message, "expected `}` to close the rule `appi/x`");
        assert_eq!(e.label, "this `{` is never closed");
        assert_eq!(e.span, 12..13);
        assert_eq!(
            e.related,
            vec![(
                src.len() - 1..src.len() - 1,
                "the file ends here".to_string()
            )]
        );
        // What was read is kept.
        let rule = only_rule(&file);
        assert_eq!((rule.fields.len(), rule.body.len()), (1, 1));
        assert_eq!(at(src, &rule.span), src.trim_end());
    }

    #[test]
    fn missing_closing_brace_before_the_next_rule() {
        let src = "rule a {\n  in document {\n    anchor heading\n}\nrule b {\n}\n";
        let (file, e) = one_error("missing_brace_next_rule", src);
        assert_eq!(e.message, "expected `}` to close the rule `a`");
        assert_eq!(
            e.related,
            vec![(
                find(src, "rule", 1),
                "the next item starts here".to_string()
            )]
        );
        let ids: Vec<_> = rules(&file).iter().map(|r| r.id.node.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
    }

    #[test]
    fn stray_token_at_top_level() {
        let src = "term a = \"x\")\nterm b = \"y\"\n";
        let (file, e) = one_error("stray_token", src);
        assert_eq!(e.kind, RuleErrorKind::Syntax);
        assert_eq!(e.message, "unexpected `)`");
        assert_eq!(e.label, "found `)` here");
        assert_eq!(e.span, 12..13);
        assert_eq!(e.help.as_deref(), Some(TOP_HELP));
        assert_eq!(file.items.len(), 2);
    }

    #[test]
    fn test_outside_a_rule() {
        let src = "test pass \"x\"\n  expect\nrule a {}\n";
        let (file, e) = one_error("test_outside_rule", src);
        assert_eq!(e.message, "`test` must come inside a rule");
        assert_eq!(e.span, 0..4);
        assert_eq!(rules(&file).len(), 1);
    }

    #[test]
    fn bad_escape() {
        let src = "term a = \"x\\d+\"\n";
        let (file, e) = one_error("bad_escape", src);
        assert_eq!(e.kind, RuleErrorKind::Syntax);
        assert_eq!(e.message, "unknown escape `\\d` in a string");
        assert_eq!(e.label, "not an escape");
        assert_eq!(e.span, 11..13);
        // The string goes on to its end.
        let Item::Term(t) = &file.items[0] else {
            panic!()
        };
        assert_eq!(alts(&t.expr), [("lit", "x\\d+")]);
    }

    #[test]
    fn number_too_large() {
        let src = "rule a {\n  in near 4294967296 {\n    anchor heading\n  }\n  forbid x near y within 4294967295\n}\n";
        let (file, e) = one_error("number_too_large", src);
        assert_eq!(e.kind, RuleErrorKind::Syntax);
        assert_eq!(e.message, "number too large");
        assert_eq!(e.label, "this does not fit in 32 bits");
        assert_eq!(e.span, find(src, "4294967296", 0));
        let rule = only_rule(&file);
        let [Stmt::Forbid(f)] = rule.body.as_slice() else {
            panic!()
        };
        assert_eq!(f.near.as_ref().map(|(_, n)| n.node), Some(u32::MAX));
    }

    fn nested(levels: usize) -> String {
        let mut src = String::from("rule deep {\n");
        src.push_str(&"in document {\n".repeat(levels));
        src.push_str("anchor heading\n");
        src.push_str(&"}\n".repeat(levels));
        src.push_str("severity error\n}\n");
        src
    }

    #[test]
    fn nesting_up_to_the_limit_is_fine() {
        let src = nested(MAX_DEPTH - 1);
        let file = parse_ok(&src);
        let mut depth = 0;
        let mut body = &only_rule(&file).body;
        while let Some(Stmt::Scope(b)) = body.first() {
            depth += 1;
            body = &b.body;
        }
        assert_eq!(depth, MAX_DEPTH - 1);
    }

    #[test]
    fn nesting_too_deep() {
        let src = nested(200);
        let (file, errors) = parse(&src);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        let e = &errors[0];
        assert_eq!(e.kind, RuleErrorKind::Syntax);
        assert_eq!(e.message, "nested too deeply");
        assert_eq!(e.label, "this block is 65 levels deep");
        // The 64th `in` block, the 65th level counting the rule's braces.
        assert_eq!(
            e.span,
            find(&src, "{", MAX_DEPTH).start..find(&src, "{", MAX_DEPTH).end
        );
        // The rest of the rule is still read.
        assert_eq!(only_rule(&file).fields.len(), 1);
        insta::assert_snapshot!("nesting_too_deep", render(&src, &errors));
    }

    #[test]
    fn deep_element_blocks_are_limited_too() {
        let mut src = String::from("rule deep {\n");
        for k in 0..100 {
            src.push_str(&format!("require e{k} = x {{\n"));
        }
        src.push_str(&"}\n".repeat(100));
        src.push_str("}\n");
        let (_, errors) = parse(&src);
        let messages: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages, ["nested too deeply"]);
    }

    #[test]
    fn recovery_reports_three_errors_and_keeps_two_items() {
        let src = "\
term good_one = \"a\" | /b/
term broken \"no equals\"
rule broken/two {
  in chapter {
    anchor heading
  }
  severity error
  test pass \"x\"
    expect missing [a b]
}
pack { title \"no name\" }
rule good/two {
  severity warning
}
} # stray
";
        let (file, errors) = parse(src);
        insta::assert_snapshot!("recovery", render(src, &errors));
        let messages: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "expected `=` after the term name",
                "unknown scope `chapter`",
                "expected `]` to close the list of missing elements",
                "expected a pack name after `pack`",
                "unexpected `}`",
            ]
        );
        let names: Vec<_> = file
            .items
            .iter()
            .map(|i| match i {
                Item::Term(t) => t.name.node.as_str(),
                Item::Rule(r) => r.id.node.as_str(),
                _ => "other",
            })
            .collect();
        // The broken rule is kept with what could be read of it.
        assert_eq!(names, ["good_one", "broken/two", "good/two"]);
    }

    #[test]
    fn recovery_three_broken_items_two_good() {
        let src = "\
import
term a = \"x\"
rule {
  severity error
}
term = \"y\"
rule b/c { severity info }
";
        let (file, errors) = parse(src);
        assert_eq!(errors.len(), 3, "{errors:#?}");
        let spans: Vec<_> = errors
            .iter()
            .map(|e| (e.message.as_str(), at(src, &e.span)))
            .collect();
        assert_eq!(
            spans,
            [
                ("expected a path string after `import`", String::new()),
                ("expected a rule id after `rule`", "{".to_string()),
                ("expected a term name after `term`", "=".to_string()),
            ]
        );
        assert_eq!(file.items.len(), 2);
        assert!(matches!(&file.items[0], Item::Term(t) if t.name.node == "a"));
        assert!(matches!(&file.items[1], Item::Rule(r) if r.id.node == "b/c"));
    }

    #[test]
    fn statement_errors_inside_blocks_recover_per_line() {
        let src = "rule a {\n  in document {\n    anchor sideways\n    forbid\n    require x /y/\n    anchor heading\n  }\n  when mentions x\n  when mentions y\n}\n";
        let (file, errors) = parse(src);
        let messages: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown anchor `sideways`",
                "expected a pattern after `forbid`",
                "expected `=` after the element name `x`",
                "a rule has one `when`",
            ]
        );
        insta::assert_snapshot!("block_errors", render(src, &errors));
        let rule = only_rule(&file);
        let Stmt::Scope(b) = &rule.body[0] else {
            panic!()
        };
        assert!(matches!(
            b.body.as_slice(),
            [Stmt::Anchor(Spanned {
                node: Anchor::Heading,
                ..
            })]
        ));
        assert_eq!(
            alts(&rule.when.as_ref().expect("when").mentions),
            [("ref", "x")]
        );
    }

    /// Deterministic pseudo-random numbers, so that failures repeat.
    fn lcg(seed: &mut u64) -> usize {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 33) as usize
    }

    #[test]
    fn mangled_input_never_panics_and_spans_stay_on_char_boundaries() {
        let mut variants: Vec<String> = Vec::new();
        for cut in (0..EXAMPLE.len()).step_by(37) {
            let cut = (0..=cut)
                .rev()
                .find(|&k| EXAMPLE.is_char_boundary(k))
                .unwrap_or(0);
            variants.push(EXAMPLE[..cut].to_string());
        }
        let chars: Vec<char> = EXAMPLE.chars().collect();
        let mut seed = 7;
        for _ in 0..20 {
            let k = lcg(&mut seed) % chars.len();
            let mut v = chars.clone();
            v.remove(k);
            variants.push(v.into_iter().collect());
        }
        for n in 0..10 {
            let brace = if n % 2 == 0 { "{" } else { "}" };
            let positions: Vec<_> = EXAMPLE.match_indices(brace).map(|(k, _)| k).collect();
            let k = positions[lcg(&mut seed) % positions.len()];
            variants.push(format!("{}{brace}{}", &EXAMPLE[..k], &EXAMPLE[k..]));
        }
        variants.push(EXAMPLE.replace('"', ""));
        variants.push(EXAMPLE.replace('/', ""));
        variants.push(EXAMPLE.replace('\n', " "));
        variants.push(EXAMPLE.replace('}', ""));
        variants.push(EXAMPLE.replace('{', ""));
        variants.push("{".repeat(10_000));
        variants.push("rule a {".to_string() + &"require x = y {".repeat(10_000));
        let mut with_errors = 0;
        for src in &variants {
            let (file, errors) = parse(src);
            with_errors += usize::from(!errors.is_empty());
            let ok = |s: &Span| {
                s.start <= s.end
                    && s.end <= src.len()
                    && src.is_char_boundary(s.start)
                    && src.is_char_boundary(s.end)
            };
            for e in &errors {
                assert!(ok(&e.span), "{e:?} in {src:?}");
                assert!(e.related.iter().all(|(s, _)| ok(s)), "{e:?} in {src:?}");
                assert!(
                    !e.message.is_empty() && !e.message.ends_with('.') && !e.message.contains('\n')
                );
            }
            for item in &file.items {
                let span = match item {
                    Item::Pack(p) => p.span.clone(),
                    Item::Import(s) => s.span.clone(),
                    Item::Term(t) => t.span.clone(),
                    Item::Rule(r) => r.span.clone(),
                };
                assert!(ok(&span), "{span:?} in {src:?}");
            }
        }
        // The mangling does break things.
        assert!(with_errors > variants.len() / 2);
    }
}
