//! Positions as the Language Server Protocol counts them: 0-based lines
//! (ended by LF, CRLF or a lone CR, as [`LineIndex`] ends them) and 0-based
//! columns in the encoding the client and server agreed on, UTF-16 code
//! units unless the client offered UTF-8.

use super::LineIndex;

/// The unit of an LSP column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PositionEncoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units (the protocol's default): a character outside the
    /// Basic Multilingual Plane (𠮷) counts two.
    #[default]
    Utf16,
}

/// A text with its line index, to convert byte offsets to LSP positions
/// and back.
#[derive(Debug, Clone)]
pub struct LspText<'a> {
    text: &'a str,
    index: LineIndex,
    encoding: PositionEncoding,
}

impl<'a> LspText<'a> {
    pub fn new(text: &'a str, encoding: PositionEncoding) -> Self {
        LspText {
            text,
            index: LineIndex::new(text),
            encoding,
        }
    }

    /// The 0-based (line, column) of byte `offset` (clamped to the text and
    /// moved back to a character boundary).
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let p = self.index.position(self.text, offset);
        let line_start = self.index.line_start(p.line).unwrap_or(0);
        let column = match self.encoding {
            PositionEncoding::Utf8 => {
                // Inside a CRLF is at its CR, as the UTF-16 column counts it.
                let b = self.text.as_bytes();
                let in_crlf = p.offset > line_start
                    && b[p.offset - 1] == b'\r'
                    && b.get(p.offset) == Some(&b'\n');
                p.offset - line_start - usize::from(in_crlf)
            }
            PositionEncoding::Utf16 => p.utf16_column - 1,
        };
        (saturate(p.line - 1), saturate(column))
    }

    /// The byte offset of 0-based `line` and `column`. A column past the
    /// line's end is its end (the protocol says so); inside a character (half
    /// a surrogate pair, a byte within UTF-8) is that character's start; a
    /// line past the last is the end of the text.
    pub fn offset(&self, line: u32, column: u32) -> usize {
        let Some(start) = self.index.line_start(line as usize + 1) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let line_len = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let want = column as usize;
        let mut units = 0;
        for (i, c) in rest[..line_len].char_indices() {
            let width = match self.encoding {
                PositionEncoding::Utf8 => c.len_utf8(),
                PositionEncoding::Utf16 => c.len_utf16(),
            };
            if units + width > want {
                return start + i;
            }
            units += width;
        }
        start + line_len
    }
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_counts_a_character_outside_the_bmp_twice() {
        let t = "𠮷野家\nあ";
        let l = LspText::new(t, PositionEncoding::Utf16);
        assert_eq!(l.position(0), (0, 0));
        assert_eq!(l.position("𠮷".len()), (0, 2));
        assert_eq!(l.position("𠮷野".len()), (0, 3));
        assert_eq!(l.position("𠮷野家\n".len()), (1, 0));
        assert_eq!(l.offset(0, 2), "𠮷".len());
        assert_eq!(l.offset(0, 3), "𠮷野".len());
        // Between the two halves of the surrogate pair: the character's start.
        assert_eq!(l.offset(0, 1), 0);
    }

    #[test]
    fn utf8_counts_bytes() {
        let t = "𠮷野家\nあ";
        let l = LspText::new(t, PositionEncoding::Utf8);
        assert_eq!(l.position("𠮷".len()), (0, 4));
        assert_eq!(l.position("𠮷野".len()), (0, 7));
        assert_eq!(l.offset(0, 4), 4);
        assert_eq!(l.offset(0, 5), 4, "inside 野: its start");
        assert_eq!(l.offset(1, 3), t.len());
    }

    #[test]
    fn crlf_and_lone_cr_end_lines_and_the_cr_is_no_column() {
        let t = "ab\r\n𠮷c\rd";
        for enc in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            let l = LspText::new(t, enc);
            assert_eq!(l.position(2), (0, 2));
            // The CR belongs to the line end: its offset is the line's end.
            assert_eq!(l.position(3), (0, 2));
            assert_eq!(l.position(4), (1, 0));
            assert_eq!(l.position(t.find('d').unwrap()), (2, 0));
            // A column past the end stops before the CRLF.
            assert_eq!(l.offset(0, 99), 2);
            assert_eq!(l.offset(1, 99), t.rfind('\r').unwrap());
            assert_eq!(l.offset(2, 0), t.find('d').unwrap());
            assert_eq!(l.offset(7, 0), t.len());
        }
        let l = LspText::new(t, PositionEncoding::Utf16);
        assert_eq!(l.position(4 + "𠮷".len()), (1, 2));
        assert_eq!(l.offset(1, 2), 4 + "𠮷".len());
    }

    #[test]
    fn round_trip_on_every_boundary() {
        let t = "a𠮷\r\nい😀う\nx";
        for enc in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            let l = LspText::new(t, enc);
            for (i, _) in t.char_indices().filter(|&(_, c)| c != '\r' && c != '\n') {
                let (line, col) = l.position(i);
                assert_eq!(l.offset(line, col), i, "{enc:?} at {i}");
            }
        }
    }
}
