//! Lexing: whitespace and comments, identifiers, keywords and punctuation,
//! numbers and dates, strings (with escapes, or triple-quoted) and regexes.

use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_till, take_while, take_while_m_n, take_while1};
use nom::character::complete::{char, digit1, satisfy};
use nom::combinator::{not, recognize};
use nom::multi::many0_count;
use nom::sequence::terminated;

use super::Reader;
use super::recover::{PErr, Res, backtrack, fatal, syntax};
use crate::rules::ast::{Span, Spanned};
use crate::rules::diagnostic::{RuleError, RuleErrorKind};

const ESCAPE_HELP: &str = "the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a \
                           backslash, or use a regex /…/";

pub(super) fn is_ident_start(c: char) -> bool {
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

pub(super) fn skip_ws(i: &str) -> &str {
    ws(i).map_or(i, |(rest, ())| rest)
}

/// Whitespace, comments and any of the separator characters `seps`.
pub(super) fn skip_seps<'a>(mut i: &'a str, seps: &[char]) -> &'a str {
    loop {
        let j = skip_ws(i);
        match j.strip_prefix(seps) {
            Some(rest) => i = rest,
            None => return j,
        }
    }
}

pub(super) fn ident(i: &str) -> Res<'_, &str> {
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

impl<'a> Reader<'a> {
    // ----- tokens -----

    /// The keyword `word` after whitespace: its span.
    pub(super) fn kw(&self, i: &'a str, word: &'static str) -> Res<'a, Span> {
        let i = skip_ws(i);
        let (rest, _) = keyword(word).parse(i)?;
        Ok((rest, self.off(i)..self.off(rest)))
    }

    /// The punctuation `p` after whitespace: its span.
    pub(super) fn punct(&self, i: &'a str, p: &'static str) -> Res<'a, Span> {
        let i = skip_ws(i);
        let (rest, _) = tag(p).parse(i)?;
        Ok((rest, self.off(i)..self.off(rest)))
    }

    /// The identifier after whitespace, without consuming it.
    pub(super) fn peek_word(&self, i: &'a str) -> Option<&'a str> {
        ident(skip_ws(i)).ok().map(|(_, w)| w)
    }

    pub(super) fn name(&self, i: &'a str) -> Res<'a, Spanned<String>> {
        let i = skip_ws(i);
        let (rest, w) = ident(i)?;
        Ok((
            rest,
            Spanned::new(w.to_string(), self.off(i)..self.off(rest)),
        ))
    }

    pub(super) fn rule_id(&self, i: &'a str) -> Res<'a, Spanned<String>> {
        let i = skip_ws(i);
        let (rest, w) = rule_id_text(i)?;
        Ok((
            rest,
            Spanned::new(w.to_string(), self.off(i)..self.off(rest)),
        ))
    }

    pub(super) fn int(&self, i: &'a str) -> Res<'a, Spanned<u32>> {
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
    pub(super) fn date(&self, i: &'a str) -> Res<'a, Spanned<String>> {
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
    pub(super) fn string(&self, i: &'a str) -> Res<'a, Spanned<String>> {
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
                '\n' if self.item_header_at(start + 1 + k + 1)
                    || self.rule_line_at(start + 1 + k + 1) =>
                {
                    break;
                }
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

    /// `/…/` on one line, or continued on the next with `\` at the end of
    /// a line; `\/` becomes `/`, other escapes are regex syntax and stay.
    /// The span covers the slashes.
    pub(super) fn regex(&self, i: &'a str) -> Res<'a, Spanned<String>> {
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
                    // `\` at the end of a line continues the regex on the
                    // next one, without the line break and the indentation.
                    Some((_, b @ ('\n' | '\r'))) => {
                        if b == '\r' && chars.clone().next().is_some_and(|(_, c)| c == '\n') {
                            chars.next();
                        }
                        while chars
                            .clone()
                            .next()
                            .is_some_and(|(_, c)| c == ' ' || c == '\t')
                        {
                            chars.next();
                        }
                    }
                    None => break,
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
            "add the closing `/` on the same line (or end the line with `\\` to go on); write `\\/` for a slash inside",
        ))
    }
}

/// The text of a `"""…"""` string: without a first line break, and without
/// the indentation common to its non-blank lines (spaces and tabs only: an
/// ideographic space starting a Japanese line is text). Blank lines become
/// empty.
pub(super) fn dedent(raw: &str) -> String {
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
