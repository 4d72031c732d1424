//! The one place that turns byte offsets into lines and columns.
//!
//! Lines are 1-based and end at LF (a CR before it belongs to the line end, so
//! CRLF and LF files give the same positions). Columns are 1-based and count
//! Unicode scalar values, for humans; UTF-16 code units and bytes are there
//! for machine formats that want them.

use serde::Serialize;

/// A position in a document's decoded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column in Unicode scalar values (characters).
    pub column: usize,
    /// 1-based column in UTF-16 code units.
    pub utf16_column: usize,
    /// Byte offset in the decoded (UTF-8) text.
    pub offset: usize,
}

/// Line start offsets of a text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    /// The position of byte `offset` of `text` (clamped to the text and moved
    /// back to a char boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(self.len).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_idx = self.starts.partition_point(|&s| s <= offset) - 1;
        at(text, line_idx + 1, self.starts[line_idx], offset)
    }
}

/// The position of byte `offset` of `text` without an index: for a single
/// position (a rule test's location, a snippet's window). Same rules as
/// [`LineIndex::position`].
pub fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text.as_bytes()[..offset];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    at(text, line, start, offset)
}

/// The position of `offset` on the line that starts at `start`.
fn at(text: &str, line: usize, start: usize, offset: usize) -> Position {
    let prefix = &text[start..offset];
    // A CR right before the LF is part of the line ending, never a column.
    let prefix = prefix
        .strip_suffix('\r')
        .filter(|_| text[offset..].starts_with('\n'))
        .unwrap_or(prefix);
    Position {
        line,
        column: prefix.chars().count() + 1,
        utf16_column: prefix.chars().map(char::len_utf16).sum::<usize>() + 1,
        offset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_chars_and_utf16() {
        let t = "ab\n当社は𠮷x\n";
        let ix = LineIndex::new(t);
        let p = ix.position(t, t.find('x').unwrap());
        assert_eq!((p.line, p.column, p.utf16_column), (2, 5, 6));
        let p = ix.position(t, 0);
        assert_eq!((p.line, p.column), (1, 1));
        let p = ix.position(t, t.len());
        assert_eq!((p.line, p.column), (3, 1));
    }

    #[test]
    fn crlf_and_lf_agree() {
        let lf = "一\n二三\n";
        let crlf = "一\r\n二三\r\n";
        let a = LineIndex::new(lf);
        let b = LineIndex::new(crlf);
        let pa = a.position(lf, lf.find('三').unwrap());
        let pb = b.position(crlf, crlf.find('三').unwrap());
        assert_eq!((pa.line, pa.column), (pb.line, pb.column));
        // End of line 1: before the CR counts like before the LF.
        let ea = a.position(lf, lf.find('\n').unwrap());
        let eb = b.position(crlf, crlf.find('\r').unwrap());
        let eb2 = b.position(crlf, crlf.find('\n').unwrap());
        assert_eq!((ea.line, ea.column), (eb.line, eb.column));
        assert_eq!((ea.line, ea.column), (eb2.line, eb2.column));
    }

    #[test]
    fn one_off_positions_agree_with_the_index() {
        let t = "ab\r\n当社は𠮷x\n\nz";
        let ix = LineIndex::new(t);
        for off in 0..=t.len() + 2 {
            assert_eq!(position(t, off), ix.position(t, off), "offset {off}");
        }
    }

    #[test]
    fn mid_char_offset_moves_back() {
        let t = "あい";
        let ix = LineIndex::new(t);
        assert_eq!(ix.position(t, 4).column, 2);
    }
}
