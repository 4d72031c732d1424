//! Text from documents, file names and rule files is shown on terminals
//! and in CI logs, where a control character is a command: a line break
//! followed by `::error …` is a GitHub workflow command, ESC sequences
//! retitle or clear the terminal, a lone CR overwrites the line. What is
//! printed for people goes through here first.

use std::borrow::Cow;

/// `s` with every control character written out (`\n`, `\r`, `\t`,
/// `\u{1b}`…), on one line.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `s` with control characters other than line breaks and tabs replaced by
/// `?`, one per byte, so that every byte offset into it stays valid (a
/// source snippet whose spans point into it). A CR that is not part of a
/// CRLF becomes a space.
pub fn blank_controls(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    let bad = |i: usize, c: char| match c {
        '\n' | '\t' => false,
        '\r' => bytes.get(i + 1) != Some(&b'\n'),
        c => c.is_control(),
    };
    if !s.char_indices().any(|(i, c)| bad(i, c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        if c == '\r' && bad(i, c) {
            out.push(' ');
        } else if bad(i, c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_written_out_on_one_line() {
        let name = "x\n::error file=forged.md,line=1::FORGED.md";
        assert_eq!(
            escape_controls(name),
            "x\\n::error file=forged.md,line=1::FORGED.md"
        );
        assert_eq!(
            escape_controls("a\u{1b}]0;pwned\u{7}b"),
            "a\\u{1b}]0;pwned\\u{7}b"
        );
        assert!(matches!(escape_controls("普通の名前.md"), Cow::Borrowed(_)));
    }

    #[test]
    fn blanking_keeps_every_offset() {
        let t = "一\u{1b}[2J二\r\n三\r四\u{85}五\t";
        let b = blank_controls(t);
        assert_eq!(b.len(), t.len());
        assert_eq!(b, "一?[2J二\r\n三 四??五\t");
        for (i, _) in t.char_indices() {
            assert!(b.is_char_boundary(i));
        }
    }
}
