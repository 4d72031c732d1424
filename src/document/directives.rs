//! Suppression comments, parsed once per document (the text format also
//! asks whether a line is one, so that it is not taken for policy text).
//!
//! In Markdown and HTML:
//!   `<!-- policylint-disable-next-line appi/x -- reason -->`
//!   `<!-- policylint-disable appi/x -->` … `<!-- policylint-enable appi/x -->`
//!   `<!-- policylint-disable-file appi/x -->`
//! In plain text the same directives stand on a line of their own, bare or
//! after `#`, `//` or `%`. Without rule ids a directive covers every rule.
//! A reason after `--` is kept.
//!
//! The comments of a rule's test fixture, `policylint-expect …` and
//! `policylint-with …`, take the same forms; they are read here as
//! [`Expectation`]s (what they mean is the test runner's business) and are
//! comments too, never policy text. A `policylint-` word that is none of
//! these is no comment of policylint's: nothing reads it.

use std::ops::Range;

use super::Format;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectiveKind {
    DisableNextLine,
    Disable,
    Enable,
    DisableFile,
}

#[derive(Debug, Clone)]
pub struct Directive {
    pub kind: DirectiveKind,
    /// Rule ids; empty means every rule.
    pub rules: Vec<String>,
    /// Where each rule id is written, in the decoded text.
    pub rule_spans: Vec<Range<usize>>,
    pub reason: Option<String>,
    /// 1-based line of the directive.
    pub line: usize,
    /// Byte range of the directive in the decoded text.
    pub span: Range<usize>,
    /// For next-line: the line it covers. For disable: the last line
    /// covered (the matching enable, or the end of the file).
    pub until: usize,
    pub used: bool,
}

impl Directive {
    fn covers_rule(&self, rule: &str) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|r| r == rule)
    }
}

const PREFIX: &str = "policylint-";

/// A directive read from one line.
struct Parsed {
    kind: DirectiveKind,
    rules: Vec<String>,
    /// Byte range of each rule id within the line.
    rule_ranges: Vec<Range<usize>>,
    reason: Option<String>,
    /// Byte range within the line.
    range: Range<usize>,
}

/// A `policylint-` comment on one line: the offset of `policylint-`, the
/// text after it up to the comment's end, and the offset of that end.
/// `markup` requires the HTML comment form.
fn comment(line: &str, markup: bool) -> Option<(usize, &str, usize)> {
    let trimmed = line.trim_start();
    let lead = line.len() - trimmed.len();
    let (body_start, body, closer) = if let Some(rest) = trimmed.strip_prefix("<!--") {
        let end = rest.find("-->")?;
        (lead + 4, &rest[..end], true)
    } else if markup {
        return None;
    } else {
        let rest = ["#", "//", "%"]
            .iter()
            .find_map(|p| trimmed.strip_prefix(p))
            .unwrap_or(trimmed);
        (lead + (trimmed.len() - rest.len()), rest, false)
    };
    let body_trim = body.trim_start();
    let at = body_start + (body.len() - body_trim.len());
    let after = body_trim.strip_prefix(PREFIX)?;
    let end = if closer {
        line.find("-->").map_or(line.len(), |i| i + 3)
    } else {
        line.trim_end().len()
    };
    Some((at.min(end), after, end))
}

/// The first of `words` that `text` starts with, as a whole word, and the
/// text after it.
fn word<'t, K: Copy>(text: &'t str, words: &[(&str, K)]) -> Option<(K, &'t str)> {
    words.iter().find_map(|(w, k)| {
        let r = text.strip_prefix(w)?;
        (r.is_empty() || r.starts_with(char::is_whitespace)).then_some((*k, r))
    })
}

/// Parse the directive on one line, if any. `markup` requires the HTML
/// comment form.
fn parse_line(line: &str, markup: bool) -> Option<Parsed> {
    let (at, word_and_rest, end) = comment(line, markup)?;
    let (kind, rest) = word(
        word_and_rest,
        &[
            ("disable-next-line", DirectiveKind::DisableNextLine),
            ("disable-file", DirectiveKind::DisableFile),
            ("disable", DirectiveKind::Disable),
            ("enable", DirectiveKind::Enable),
        ],
    )?;
    let (ids, reason) = match rest.split_once("--") {
        Some((ids, reason)) => (
            ids,
            Some(reason.trim().to_string()).filter(|r| !r.is_empty()),
        ),
        None => (rest, None),
    };
    // `ids` is a slice of `line` (from its start): its address tells where
    // it is written in the line.
    let ids_at = ids.as_ptr() as usize - line.as_ptr() as usize;
    let mut rules = Vec::new();
    let mut rule_ranges = Vec::new();
    let mut from = 0;
    for id in ids.split(|c: char| c == ',' || c.is_whitespace()) {
        if !id.is_empty() {
            rule_ranges.push(ids_at + from..ids_at + from + id.len());
            rules.push(id.to_string());
        }
        from += id.len() + 1;
    }
    Some(Parsed {
        kind,
        rules,
        rule_ranges,
        reason,
        range: at..end,
    })
}

/// What a comment of a test fixture states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExpectationKind {
    /// `policylint-expect [missing [a, b]]`: a finding on the next line.
    Expect,
    /// `policylint-with FACET = VALUE, …`: the context of the case.
    With,
}

/// A `policylint-expect` or `policylint-with` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expectation {
    pub kind: ExpectationKind,
    /// What follows the word, trimmed.
    pub args: String,
    /// 1-based line of the comment.
    pub line: usize,
    /// Byte range of the comment from `policylint-` in the decoded text.
    pub span: Range<usize>,
    /// The next non-blank line that is no policylint comment: the line an
    /// `expect` is about (`None` at the end of the text).
    pub next_line: Option<usize>,
}

/// The expectation comment on one line, if any: its kind, its arguments
/// and its byte range within the line.
fn expectation_line(line: &str, markup: bool) -> Option<(ExpectationKind, &str, Range<usize>)> {
    let (at, word_and_rest, end) = comment(line, markup)?;
    let (kind, rest) = word(
        word_and_rest,
        &[
            ("expect", ExpectationKind::Expect),
            ("with", ExpectationKind::With),
        ],
    )?;
    let rest = rest.trim();
    // In plain text the comment runs to the end of the line; in markup,
    // to `-->`.
    Some((kind, rest, at..end))
}

/// Whether a line is a comment of policylint's: a directive or an
/// expectation.
fn is_comment(line: &str, markup: bool) -> bool {
    parse_line(line, markup).is_some() || expectation_line(line, markup).is_some()
}

/// Whether a plain-text line is a directive or an expectation comment
/// (such lines are not policy text).
pub(crate) fn is_directive_line(line: &str) -> bool {
    is_comment(line, false)
}

/// The lines of `text` (without `\r`), each with its byte offset.
fn lines(text: &str) -> Vec<(usize, &str)> {
    let mut v = Vec::new();
    let mut off = 0;
    for l in text.split('\n') {
        v.push((off, l.strip_suffix('\r').unwrap_or(l)));
        off += l.len() + 1;
    }
    v
}

/// The 1-based number of the first non-blank line after the 0-based line
/// `i` that is no policylint comment.
fn next_text_line(lines: &[(usize, &str)], i: usize, markup: bool) -> Option<usize> {
    lines
        .get(i + 1..)?
        .iter()
        .position(|(_, l)| !l.trim().is_empty() && !is_comment(l, markup))
        .map(|k| i + 2 + k)
}

/// Every `policylint-expect` and `policylint-with` comment of a document's
/// decoded text, in order.
pub(crate) fn expectations(text: &str, format: Format) -> Vec<Expectation> {
    let markup = format != Format::Text;
    let lines = lines(text);
    let mut out = Vec::new();
    for (i, (off, line)) in lines.iter().enumerate() {
        if !line.contains(PREFIX) {
            continue;
        }
        let Some((kind, args, r)) = expectation_line(line, markup) else {
            continue;
        };
        out.push(Expectation {
            kind,
            args: args.to_string(),
            line: i + 1,
            span: off + r.start..off + r.end,
            next_line: next_text_line(&lines, i, markup),
        });
    }
    out
}

/// All directives of a document's decoded text.
pub(crate) fn parse(text: &str, format: Format) -> Vec<Directive> {
    let markup = format != Format::Text;
    let lines = lines(text);
    let mut out: Vec<Directive> = Vec::new();
    for (i, (off, line)) in lines.iter().enumerate() {
        if !line.contains(PREFIX) {
            continue;
        }
        let Some(Parsed {
            kind,
            rules,
            rule_ranges,
            reason,
            range: r,
        }) = parse_line(line, markup)
        else {
            continue;
        };
        let line_no = i + 1;
        let until = match kind {
            DirectiveKind::DisableNextLine => {
                next_text_line(&lines, i, markup).unwrap_or(line_no + 1)
            }
            _ => lines.len(),
        };
        out.push(Directive {
            kind,
            rules,
            rule_spans: rule_ranges
                .into_iter()
                .map(|x| off + x.start..off + x.end)
                .collect(),
            reason,
            line: line_no,
            span: off + r.start..off + r.end,
            until,
            used: false,
        });
    }
    // A disable lasts until the enable that names the same rules (or all).
    let enables: Vec<(usize, Vec<String>)> = out
        .iter()
        .filter(|d| d.kind == DirectiveKind::Enable)
        .map(|d| (d.line, d.rules.clone()))
        .collect();
    for d in out.iter_mut().filter(|d| d.kind == DirectiveKind::Disable) {
        if let Some((l, _)) = enables.iter().find(|(l, r)| {
            *l > d.line
                && (r.is_empty() || d.rules.is_empty() || d.rules.iter().any(|x| r.contains(x)))
        }) {
            d.until = *l;
        }
    }
    out
}

/// The directive that suppresses a finding of `rule` starting on `line`,
/// marking it used. Returns the reason ("" when none was given).
pub(crate) fn suppress(directives: &mut [Directive], rule: &str, line: usize) -> Option<String> {
    let d = directives.iter_mut().find(|d| {
        d.covers_rule(rule)
            && match d.kind {
                DirectiveKind::DisableFile => true,
                DirectiveKind::DisableNextLine => line == d.until,
                DirectiveKind::Disable => line > d.line && line < d.until,
                DirectiveKind::Enable => false,
            }
    })?;
    d.used = true;
    Some(d.reason.clone().unwrap_or_default())
}

/// The line (with its line break) that writes a directive of `kind` for
/// `rule` with `reason`, in `format`'s comment syntax: an HTML comment in
/// Markdown and HTML, a line of its own after `#` in plain text (where an
/// HTML comment would be policy text to a reader). Editors offer it as a fix.
pub fn comment_line(format: Format, kind: DirectiveKind, rule: &str, reason: &str) -> String {
    let word = match kind {
        DirectiveKind::DisableNextLine => "disable-next-line",
        DirectiveKind::Disable => "disable",
        DirectiveKind::Enable => "enable",
        DirectiveKind::DisableFile => "disable-file",
    };
    let body = format!("{PREFIX}{word} {rule} -- {reason}");
    match format {
        Format::Text => format!("# {body}\n"),
        Format::Markdown | Format::Html => format!("<!-- {body} -->\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_comment_is_read_back_as_the_directive() {
        for format in [Format::Text, Format::Markdown, Format::Html] {
            for kind in [DirectiveKind::DisableNextLine, DirectiveKind::DisableFile] {
                let line = comment_line(format, kind, "appi/x", "理由");
                let text = format!("{line}本文\n");
                let d = parse(&text, format);
                assert_eq!(d.len(), 1, "{format:?} {kind:?}: {line}");
                assert_eq!(d[0].kind, kind);
                assert_eq!(d[0].rules, ["appi/x"]);
                assert_eq!(d[0].reason.as_deref(), Some("理由"));
            }
        }
    }

    #[test]
    fn forms_and_reasons() {
        let t = "# policylint-disable-next-line appi/a, appi/b -- 経過措置\n\n本文\n<!-- policylint-disable-file -->\n";
        let d = parse(t, Format::Text);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].kind, DirectiveKind::DisableNextLine);
        assert_eq!(d[0].rules, ["appi/a", "appi/b"]);
        assert_eq!(d[0].reason.as_deref(), Some("経過措置"));
        assert_eq!(d[0].until, 3, "the next non-blank line");
        assert_eq!(d[1].kind, DirectiveKind::DisableFile);
        assert!(d[1].rules.is_empty());
        // Where each id is written, for a report on a mistyped one.
        let ids: Vec<&str> = d[0].rule_spans.iter().map(|r| &t[r.clone()]).collect();
        assert_eq!(ids, ["appi/a", "appi/b"]);
        assert!(is_directive_line("policylint-disable appi/x"));
        assert!(!is_directive_line("当社は policylint-disable を使いません"));
    }

    #[test]
    fn markup_needs_comments() {
        let t = "# policylint-disable appi/a\n<!-- policylint-disable appi/a -->\nx\n<!-- policylint-enable appi/a -->\ny\n";
        let mut d = parse(t, Format::Markdown);
        assert_eq!(d.len(), 2);
        assert_eq!(&t[d[0].span.clone()], "policylint-disable appi/a -->");
        assert_eq!(&t[d[0].rule_spans[0].clone()], "appi/a");
        assert_eq!(suppress(&mut d, "appi/a", 3), Some(String::new()));
        assert_eq!(suppress(&mut d, "appi/a", 5), None);
        assert_eq!(suppress(&mut d, "appi/b", 3), None);
        assert!(d[0].used);
    }

    #[test]
    fn expectation_comments_in_each_form() {
        let t = "# policylint-expect missing [a, b]\n\n// policylint-with service = covered\n本文\n% policylint-expect\n";
        let e = expectations(t, Format::Text);
        let got: Vec<_> = e
            .iter()
            .map(|x| (x.kind, x.args.as_str(), x.line, x.next_line))
            .collect();
        assert_eq!(
            got,
            [
                (ExpectationKind::Expect, "missing [a, b]", 1, Some(4)),
                (ExpectationKind::With, "service = covered", 3, Some(4)),
                (ExpectationKind::Expect, "", 5, None),
            ]
        );
        assert_eq!(&t[e[0].span.clone()], "policylint-expect missing [a, b]");
        // They are comments: never policy text, and no directive.
        assert!(is_directive_line("# policylint-expect missing [a]"));
        assert!(is_directive_line("policylint-with operator = individual"));
        assert!(parse(t, Format::Text).is_empty());
        // Markup needs the comment form; the comment ends at `-->`.
        let m = "policylint-expect\n<!-- policylint-expect missing [x] --> tail\n\n<p>本文</p>\n";
        let e = expectations(m, Format::Html);
        assert_eq!(e.len(), 1);
        assert_eq!(
            (e[0].args.as_str(), e[0].next_line),
            ("missing [x]", Some(4))
        );
        assert_eq!(&m[e[0].span.clone()], "policylint-expect missing [x] -->");
        // Another word is no expectation, as it is no directive.
        assert!(
            expectations(
                "# policylint-expected\n# policylint-without x\n",
                Format::Text
            )
            .is_empty()
        );
        assert!(!is_directive_line("# policylint-expected"));
    }

    #[test]
    fn a_next_line_directive_skips_expectation_comments() {
        let t = "<!-- policylint-disable-next-line appi/a -->\n<!-- policylint-expect -->\n本文\n";
        let d = parse(t, Format::Markdown);
        assert_eq!(d[0].until, 3);
    }
}
