//! The one place that turns byte offsets into lines and columns.
//!
//! Lines are 1-based and end at LF, CRLF or a lone CR (classic Mac files), so
//! the three give the same positions; a CR before an LF belongs to the line
//! end. Columns are 1-based and count
//! Unicode scalar values, for humans; UTF-16 code units and bytes are there
//! for machine formats that want them.

use std::sync::OnceLock;

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

/// Bytes per block of the column index.
const BLOCK: usize = 512;

/// Line start offsets of a text, and (built on the first position on a
/// long line) a column index: the characters and UTF-16 units before each
/// block of [`BLOCK`] bytes, so that a column on a line of megabytes costs
/// one block's count, not the line's. (Counting from the line start made
/// findings on a one-line page quadratic.)
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
    blocks: OnceLock<Vec<Counts>>,
}

/// A char boundary and the characters and UTF-16 units before it.
#[derive(Debug, Clone, Copy)]
struct Counts {
    at: usize,
    chars: usize,
    utf16: usize,
}

/// Characters and UTF-16 units of a text.
fn count(s: &str) -> (usize, usize) {
    let chars = s.chars().count();
    // Each 4-byte sequence is one char but two UTF-16 units.
    let astral = s.bytes().filter(|&b| b >= 0xF0).count();
    (chars, chars + astral)
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        starts.extend(
            memchr::memchr2_iter(b'\n', b'\r', bytes)
                .filter(|&i| !ends_before_lf(bytes, i))
                .map(|i| i + 1),
        );
        LineIndex {
            starts,
            len: text.len(),
            blocks: OnceLock::new(),
        }
    }

    /// Characters and UTF-16 units in `text[from..to]` (both char
    /// boundaries).
    fn span_counts(&self, text: &str, from: usize, to: usize) -> (usize, usize) {
        if to - from <= 2 * BLOCK {
            return count(&text[from..to]);
        }
        let blocks = self.blocks.get_or_init(|| {
            let mut out = Vec::with_capacity(text.len() / BLOCK + 1);
            let (mut at, mut chars, mut utf16) = (0, 0, 0);
            for b in (0..=text.len()).step_by(BLOCK) {
                let mut next = b;
                while !text.is_char_boundary(next) {
                    next -= 1;
                }
                let (c, u) = count(&text[at..next]);
                (at, chars, utf16) = (next, chars + c, utf16 + u);
                out.push(Counts { at, chars, utf16 });
            }
            out
        });
        let before = |x: usize| {
            let k = blocks[(x / BLOCK).min(blocks.len() - 1)];
            let (c, u) = count(&text[k.at..x]);
            (k.chars + c, k.utf16 + u)
        };
        let (a, b) = (before(from), before(to));
        (b.0 - a.0, b.1 - a.1)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    /// The 1-based line of byte `offset` (no column: cheap on any line).
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset.min(self.len))
    }

    /// The position of byte `offset` of `text` (clamped to the text and moved
    /// back to a char boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(self.len).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_idx = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line_idx];
        let end = column_end(text, start, offset);
        let (chars, utf16) = self.span_counts(text, start, end);
        Position {
            line: line_idx + 1,
            column: chars + 1,
            utf16_column: utf16 + 1,
            offset,
        }
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
    let bytes = text.as_bytes();
    let mut ends =
        memchr::memchr2_iter(b'\n', b'\r', &bytes[..offset]).filter(|&i| !ends_before_lf(bytes, i));
    let (mut line, mut start) = (1, 0);
    for i in ends.by_ref() {
        line += 1;
        start = i + 1;
    }
    let (chars, utf16) = count(&text[start..column_end(text, start, offset)]);
    Position {
        line,
        column: chars + 1,
        utf16_column: utf16 + 1,
        offset,
    }
}

/// A CR right before an LF: the LF ends the line, not the CR.
fn ends_before_lf(bytes: &[u8], i: usize) -> bool {
    bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n')
}

/// Where the columns before `offset` end, on the line that starts at
/// `start`: a CR right before the LF is part of the line ending, never a
/// column.
fn column_end(text: &str, start: usize, offset: usize) -> usize {
    let cr_lf = offset > start
        && text.as_bytes()[offset - 1] == b'\r'
        && text.as_bytes().get(offset) == Some(&b'\n');
    if cr_lf { offset - 1 } else { offset }
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
    fn a_lone_cr_ends_a_line_too() {
        let cr = "一\r二三\r\r四";
        let lf = "一\n二三\n\n四";
        let (a, b) = (LineIndex::new(cr), LineIndex::new(lf));
        assert_eq!(a.line_count(), 4);
        for (c, l) in cr.char_indices().zip(lf.char_indices()) {
            let (pc, pl) = (a.position(cr, c.0), b.position(lf, l.0));
            assert_eq!((pc.line, pc.column), (pl.line, pl.column), "{c:?}");
            assert_eq!(position(cr, c.0), pc);
        }
        assert_eq!(a.position(cr, cr.find('四').unwrap()).line, 4);
    }

    #[test]
    fn one_off_positions_agree_with_the_index() {
        let t = "ab\r\n当社は𠮷x\n\nz\ry\r";
        let ix = LineIndex::new(t);
        for off in 0..=t.len() + 2 {
            assert_eq!(position(t, off), ix.position(t, off), "offset {off}");
        }
    }

    #[test]
    fn columns_on_a_long_line_come_from_the_block_index() {
        // A megabyte-long line mixing 1-, 3- and 4-byte characters.
        let line: String = "a当𠮷".repeat(50_000);
        let t = format!("前\r\n{line}\r\n後");
        let ix = LineIndex::new(&t);
        let mut step = 0;
        for (off, _) in t.char_indices().step_by(997) {
            let p = ix.position(&t, off);
            assert_eq!(p, position(&t, off), "offset {off}");
            step += 1;
        }
        assert!(step > 100);
        assert!(ix.blocks.get().is_some(), "the index was used");
        let end = t.rfind('\r').unwrap();
        let p = ix.position(&t, end + 1);
        assert_eq!((p.line, p.column, p.utf16_column), (2, 150_001, 200_001));
    }

    #[test]
    fn mid_char_offset_moves_back() {
        let t = "あい";
        let ix = LineIndex::new(t);
        assert_eq!(ix.position(t, 4).column, 2);
    }
}
