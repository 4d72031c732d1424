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
    reason: Option<String>,
    /// Byte range within the line.
    range: Range<usize>,
}

/// Parse the directive on one line, if any. `markup` requires the HTML
/// comment form.
fn parse_line(line: &str, markup: bool) -> Option<Parsed> {
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
    let word_and_rest = body_trim.strip_prefix(PREFIX)?;
    let (kind, rest) = [
        ("disable-next-line", DirectiveKind::DisableNextLine),
        ("disable-file", DirectiveKind::DisableFile),
        ("disable", DirectiveKind::Disable),
        ("enable", DirectiveKind::Enable),
    ]
    .iter()
    .find_map(|(w, k)| {
        let r = word_and_rest.strip_prefix(w)?;
        (r.is_empty() || r.starts_with(char::is_whitespace)).then_some((*k, r))
    })?;
    let (ids, reason) = match rest.split_once("--") {
        Some((ids, reason)) => (
            ids,
            Some(reason.trim().to_string()).filter(|r| !r.is_empty()),
        ),
        None => (rest, None),
    };
    let rules = ids
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let end = if closer {
        line.find("-->").map_or(line.len(), |i| i + 3)
    } else {
        line.trim_end().len()
    };
    Some(Parsed {
        kind,
        rules,
        reason,
        range: at.min(end)..end,
    })
}

/// Whether a plain-text line is a directive (such lines are not policy text).
pub(crate) fn is_directive_line(line: &str) -> bool {
    parse_line(line, false).is_some()
}

/// All directives of a document's decoded text.
pub(crate) fn parse(text: &str, format: Format) -> Vec<Directive> {
    let markup = format != Format::Text;
    let lines: Vec<(usize, &str)> = {
        let mut v = Vec::new();
        let mut off = 0;
        for l in text.split('\n') {
            v.push((off, l.strip_suffix('\r').unwrap_or(l)));
            off += l.len() + 1;
        }
        v
    };
    let mut out: Vec<Directive> = Vec::new();
    for (i, (off, line)) in lines.iter().enumerate() {
        if !line.contains(PREFIX) {
            continue;
        }
        let Some(Parsed {
            kind,
            rules,
            reason,
            range: r,
        }) = parse_line(line, markup)
        else {
            continue;
        };
        let line_no = i + 1;
        let until = match kind {
            DirectiveKind::DisableNextLine => lines[i + 1..]
                .iter()
                .position(|(_, l)| !l.trim().is_empty() && parse_line(l, markup).is_none())
                .map_or(line_no + 1, |k| line_no + 1 + k),
            _ => lines.len(),
        };
        out.push(Directive {
            kind,
            rules,
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(is_directive_line("policylint-disable appi/x"));
        assert!(!is_directive_line("当社は policylint-disable を使いません"));
    }

    #[test]
    fn markup_needs_comments() {
        let t = "# policylint-disable appi/a\n<!-- policylint-disable appi/a -->\nx\n<!-- policylint-enable appi/a -->\ny\n";
        let mut d = parse(t, Format::Markdown);
        assert_eq!(d.len(), 2);
        assert_eq!(&t[d[0].span.clone()], "policylint-disable appi/a -->");
        assert_eq!(suppress(&mut d, "appi/a", 3), Some(String::new()));
        assert_eq!(suppress(&mut d, "appi/a", 5), None);
        assert_eq!(suppress(&mut d, "appi/b", 3), None);
        assert!(d[0].used);
    }
}
