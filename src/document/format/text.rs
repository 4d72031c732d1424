//! Plain text, as policies converted from PDF or copied from web pages come:
//! lines, blank lines, `-` lists, tab-separated rows whose cells may hold
//! HTML, and pages flattened onto one very long line.

use super::{Block, BlockKind, CellRef, html, scraped};
use crate::text::MappedText;

/// Split `text` into line blocks; tab-separated rows become table cells and a
/// flattened web page becomes paragraphs with its navigation marked.
pub(super) fn extract(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut table: u32 = 0;
    let mut row: u32 = 0;
    let mut in_table = false;
    for (start, end) in lines(text) {
        let line = &text[start..end];
        let trimmed = line.trim_matches(is_blank_char);
        if trimmed.is_empty() {
            if in_table {
                in_table = false;
                table += 1;
            }
            blocks.push(Block::new(BlockKind::Blank, MappedText::new()));
            continue;
        }
        // Suppression comments are instructions to policylint, not text.
        if crate::document::directives::is_directive_line(line) {
            blocks.push(Block::new(BlockKind::Blank, MappedText::new()));
            continue;
        }
        if line.contains('\t') {
            if is_separator_row(line) {
                continue;
            }
            if !in_table {
                in_table = true;
                row = 0;
            }
            push_row(
                text,
                start,
                end,
                CellRef { table, row, col: 0 },
                &mut blocks,
            );
            row += 1;
            continue;
        }
        if in_table {
            in_table = false;
            table += 1;
        }
        if scraped::is_flattened_page(line) {
            blocks.extend(scraped::extract_line(text, start..end));
            continue;
        }
        let lead = line.len() - line.trim_start_matches(is_blank_char).len();
        blocks.push(Block::new(
            BlockKind::Line,
            inline_markup(trimmed, start + lead),
        ));
    }
    blocks
}

/// Plain text converted from Markdown keeps inline syntax: `[label](url)`
/// and `**strong**`. The label and the emphasised text are what a reader
/// sees, so only they are kept; the markers fall between map runs.
pub(super) fn inline_markup(line: &str, src_start: usize) -> MappedText {
    let mut out = MappedText::with_capacity(line.len());
    let bytes = line.as_bytes();
    let mut i = 0;
    let mut copied = 0;
    // The emphasis marker opened and not yet closed, if any.
    let mut open: Option<u8> = None;
    let flush = |out: &mut MappedText, from: usize, to: usize| {
        if to > from {
            out.push_linear(&line[from..to], src_start + from);
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'[' => {
                if let Some((label_end, link_end)) = link_at(line, i) {
                    flush(&mut out, copied, i);
                    push_unescaped(&mut out, line, i + 1, label_end, src_start);
                    i = link_end;
                    copied = i;
                    continue;
                }
            }
            b'*' | b'_' if bytes.get(i + 1) == Some(&bytes[i]) => {
                // "**" opens when a partner follows on the line, and closes
                // the one opened before.
                let m = bytes[i];
                let opens = open.is_none() && line[i + 2..].contains(&line[i..i + 2]);
                if opens || open == Some(m) {
                    open = if opens { Some(m) } else { None };
                    flush(&mut out, copied, i);
                    i += 2;
                    copied = i;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    flush(&mut out, copied, bytes.len());
    out
}

/// `[label](target)` starting at `open`: returns (end of label, end of link).
fn link_at(line: &str, open: usize) -> Option<(usize, usize)> {
    let bytes = line.as_bytes();
    let mut j = open + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'[' => return None,
            b']' => break,
            _ => j += 1,
        }
    }
    if bytes.get(j) != Some(&b']') || bytes.get(j + 1) != Some(&b'(') {
        return None;
    }
    let label_end = j;
    let mut k = j + 2;
    let mut depth = 0usize;
    while k < bytes.len() {
        match bytes[k] {
            b'\\' => k += 1,
            b'(' => depth += 1,
            b')' if depth == 0 => return (label_end > open + 1).then_some((label_end, k + 1)),
            b')' => depth -= 1,
            b' ' | b'\t' => return None,
            _ => {}
        }
        k += 1;
    }
    None
}

/// Copy `line[from..to]` dropping Markdown backslash escapes (`\(` → `(`).
fn push_unescaped(out: &mut MappedText, line: &str, from: usize, to: usize, src_start: usize) {
    let bytes = line.as_bytes();
    let mut start = from;
    let mut j = from;
    while j < to {
        if bytes[j] == b'\\' && j + 1 < to && bytes[j + 1].is_ascii_punctuation() {
            if j > start {
                out.push_linear(&line[start..j], src_start + start);
            }
            start = j + 1;
            j += 2;
        } else {
            j += 1;
        }
    }
    if to > start {
        out.push_linear(&line[start..to], src_start + start);
    }
}

/// Line ranges without their terminators (LF or CRLF).
pub(super) fn lines(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        let nl = memchr::memchr(b'\n', &bytes[start..]).map(|i| start + i);
        let mut end = nl.unwrap_or(bytes.len());
        pos = nl.map_or(bytes.len(), |i| i + 1);
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        Some((start, end))
    })
}

pub(crate) fn is_blank_char(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// A Markdown-style separator row such as `----------\t--` or `|---|---|`.
fn is_separator_row(line: &str) -> bool {
    line.chars().any(|c| c == '-')
        && line
            .chars()
            .all(|c| matches!(c, '-' | ':' | '|' | '\t' | ' ' | '='))
}

fn has_markup(cell: &str) -> bool {
    let b = cell.as_bytes();
    b.windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/'))
}

/// One tab-separated row: each non-empty cell becomes one block, or several
/// when the cell holds HTML paragraphs or list items.
fn push_row(text: &str, start: usize, end: usize, mut cell: CellRef, out: &mut Vec<Block>) {
    let mut cstart = start;
    for part in text[start..end].split('\t') {
        let cend = cstart + part.len();
        let trimmed = part.trim_matches(is_blank_char);
        if !trimmed.is_empty() {
            if has_markup(part) {
                for mut b in html::extract(text, cstart..cend) {
                    b.cell = Some(cell);
                    out.push(b);
                }
            } else {
                let lead = part.len() - part.trim_start_matches(is_blank_char).len();
                let mut mt = MappedText::new();
                mt.push_linear(trimmed, cstart + lead);
                let mut b = Block::new(BlockKind::Paragraph, mt);
                b.cell = Some(cell);
                out.push(b);
            }
        }
        cell.col += 1;
        cstart = cend + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_blanks() {
        let t = "一行目\r\n\r\n  二行目  \n";
        let b = extract(t);
        assert_eq!(b.len(), 3);
        assert_eq!(b[0].kind, BlockKind::Line);
        assert_eq!(b[0].text.text, "一行目");
        assert_eq!(b[1].kind, BlockKind::Blank);
        assert_eq!(b[2].text.text, "二行目");
        assert_eq!(&t[b[2].src_range()], "二行目");
    }

    #[test]
    fn inline_links_and_emphasis() {
        let t = "名称は[会社概要](#)※をご覧ください。\n**【見出し】**\n[Google \\(サイト\\)](https://x.example/a_(b))\n2**3 と 1_000\n";
        let b = extract(t);
        let texts: Vec<_> = b.iter().map(|b| b.text.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "名称は会社概要※をご覧ください。",
                "【見出し】",
                "Google (サイト)",
                "2**3 と 1_000"
            ]
        );
        let label = b[0].text.text.find("会社概要").unwrap();
        assert_eq!(
            &t[b[0].text.to_src(label..label + "会社概要".len())],
            "会社概要"
        );
        assert_eq!(&t[b[1].src_range()], "【見出し】");
        assert_eq!(&t[b[2].src_range()], "Google \\(サイト\\)");
    }

    #[test]
    fn tab_rows_become_cells() {
        let t = "\t改定前\t改定後\n見出し\t<p>前の文</p>\t<p>後の文</p><ul><li>項目</li></ul>\n----\t--\n";
        let b = extract(t);
        let cells: Vec<_> = b
            .iter()
            .map(|b| (b.cell.map(|c| (c.row, c.col)), b.text.text.as_str()))
            .collect();
        assert_eq!(
            cells,
            vec![
                (Some((0, 1)), "改定前"),
                (Some((0, 2)), "改定後"),
                (Some((1, 0)), "見出し"),
                (Some((1, 1)), "前の文"),
                (Some((1, 2)), "後の文"),
                (Some((1, 2)), "項目"),
            ]
        );
        let last = b.last().unwrap();
        assert_eq!(&t[last.src_range()], "項目");
    }
}
