//! Markdown, parsed with pulldown-cmark using its source offsets. HTML blocks
//! inside Markdown go through the HTML extractor so that their text keeps its
//! spans too.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::frontmatter::{self, Value};
use super::{Block, BlockKind, CellRef, Link, html};
use crate::text::MappedText;

struct Builder<'a> {
    text: &'a str,
    blocks: Vec<Block>,
    current: Option<(BlockKind, MappedText)>,
    cell: Option<CellRef>,
    /// Links since the last block was emitted (see `flush`).
    links: Vec<Link>,
}

impl<'a> Builder<'a> {
    fn start(&mut self, kind: BlockKind) {
        self.flush();
        self.current = Some((kind, MappedText::new()));
    }

    fn flush(&mut self) {
        if let Some((kind, mut mt)) = self.current.take() {
            mt.trim_end_matches(char::is_whitespace);
            if !mt.text.trim().is_empty() {
                let mut b = Block::new(kind, mt);
                b.cell = self.cell;
                b.links = std::mem::take(&mut self.links);
                self.blocks.push(b);
            }
        }
    }

    /// Text with its source range: verbatim when the event text is the
    /// source slice, else atomic (escapes, entities).
    fn push(&mut self, s: &str, range: std::ops::Range<usize>) {
        let cur = self
            .current
            .get_or_insert_with(|| (BlockKind::Paragraph, MappedText::new()));
        if cur.1.is_empty() {
            let trimmed = s.trim_start();
            if trimmed.is_empty() {
                return;
            }
            let cut = s.len() - trimmed.len();
            if self.text.get(range.clone()) == Some(s) {
                cur.1.push_linear(trimmed, range.start + cut);
            } else {
                cur.1.push_atomic(trimmed, range);
            }
            return;
        }
        if self.text.get(range.clone()) == Some(s) {
            cur.1.push_linear(s, range.start);
        } else {
            cur.1.push_atomic(s, range);
        }
    }
}

impl Builder<'_> {
    /// A space or a line end inside the current block (none at its start).
    fn separator(&mut self, s: &str, range: std::ops::Range<usize>) {
        if let Some((_, mt)) = &mut self.current
            && !mt.is_empty()
        {
            mt.push_atomic(s, range);
        }
    }
}

impl Builder<'_> {
    fn push_html(&mut self, text: &str, range: std::ops::Range<usize>) {
        let cell = self.cell;
        for mut blk in html::extract(text, range) {
            if blk.cell.is_none() {
                blk.cell = cell;
            }
            self.blocks.push(blk);
        }
    }
}

/// An HTML block's range holds only its own lines (not a list item's or a
/// quote's markers): it starts a line and no line opens with `>`.
fn html_is_contiguous(text: &str, range: &std::ops::Range<usize>) -> bool {
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..range.start].trim().is_empty()
        && text
            .get(range.clone())
            .is_some_and(|s| !s.lines().any(|l| l.trim_start().starts_with("> ")))
}

/// Text that opens with a tag or a comment: `<div`, `</p>`, `<!--`.
fn opens_with_tag(s: &str) -> bool {
    let t = s.trim_start().as_bytes();
    t.first() == Some(&b'<')
        && t.get(1)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'/' || *c == b'!')
}

/// An inline `<br>`, `<br/>`, `<br />` or `</br>`.
fn is_br(tag: &str) -> bool {
    let t = tag.trim().to_ascii_lowercase();
    let name = t
        .trim_start_matches('<')
        .trim_start_matches('/')
        .trim_end_matches('>')
        .trim_end_matches('/')
        .trim_end();
    name == "br" || name.starts_with("br ")
}

fn level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A Markdown page: its front matter (metadata, or the page text a CMS keeps
/// in it), then its body.
pub(super) fn extract_page(text: &str) -> Vec<Block> {
    let Some(fm) = frontmatter::parse(text) else {
        return extract(text);
    };
    let mut blocks = Vec::new();
    for v in &fm.values {
        blocks.extend(fragment(text, v));
    }
    // The body is parsed with the front matter blanked: same length, line
    // breaks kept, so its offsets are the file's.
    let mut body = String::with_capacity(text.len());
    for c in text[..fm.end].chars() {
        match c {
            '\n' | '\r' => body.push(c),
            _ => body.extend(std::iter::repeat_n(' ', c.len_utf8())),
        }
    }
    body.push_str(&text[fm.end..]);
    blocks.extend(extract(&body));
    // A short title is the page's h1 when the page has none, unless the
    // first heading already says the same.
    if let Some(t) = fm.title {
        let title = text[t.clone()].trim();
        let has_h1 = blocks
            .iter()
            .any(|b| b.kind == BlockKind::Heading { level: 1 });
        let first = blocks
            .iter()
            .find(|b| matches!(b.kind, BlockKind::Heading { .. }))
            .map(|b| b.text.text.trim());
        if !has_h1 && first != Some(title) && !title.is_empty() {
            let lead = text[t.clone()].len() - text[t.clone()].trim_start().len();
            let mut mt = MappedText::new();
            mt.push_linear(title, t.start + lead);
            blocks.insert(0, Block::new(BlockKind::Heading { level: 1 }, mt));
        }
    }
    blocks
}

/// The blocks of a front-matter value. A heading value is read as inline
/// HTML ("<strong>…</strong>", "…<wbr>…"); a text value as Markdown (which
/// passes HTML blocks on), over the value's lines without the indentation of
/// the YAML around them, the maps composed back onto the file's bytes.
fn fragment(text: &str, v: &Value) -> Vec<Block> {
    if v.heading {
        let mut blocks = html::extract(text, v.range.clone());
        for b in &mut blocks {
            b.kind = BlockKind::Heading { level: 2 };
        }
        return blocks;
    }
    let mut src = MappedText::with_capacity(v.range.len());
    let mut at = v.range.start;
    for (k, piece) in text[v.range.clone()].split_inclusive('\n').enumerate() {
        let strip = match v.indent {
            Some(n) => (piece.len() - piece.trim_start_matches(' ').len()).min(n),
            None if k > 0 => piece.len() - piece.trim_start_matches([' ', '\t']).len(),
            None => 0,
        };
        src.push_linear(&piece[strip..], at + strip);
        at += piece.len();
    }
    let mut blocks = extract(&src.text);
    for b in &mut blocks {
        b.text.map = b.text.map.compose(&src.map);
    }
    blocks
}

pub(super) fn extract(text: &str) -> Vec<Block> {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let mut b = Builder {
        text,
        blocks: Vec::new(),
        current: None,
        cell: None,
        links: Vec::new(),
    };
    let mut list_depth: u8 = 0;
    let mut table: u32 = 0;
    let mut row: u32 = 0;
    let mut col: u32 = 0;
    // Events inside a range already extracted as HTML are skipped.
    let mut html_until = 0usize;
    for (ev, range) in Parser::new_ext(text, opts).into_offset_iter() {
        if range.start < html_until {
            continue;
        }
        match ev {
            // An HTML block is extracted whole: line by line, a `<style>` or
            // `<script>` would leak its content as text. Inside a list item or
            // quote its lines are not contiguous; they go one by one below.
            Event::Start(Tag::HtmlBlock) if html_is_contiguous(text, &range) => {
                b.flush();
                b.push_html(text, range.clone());
                html_until = range.end;
            }
            // An indented "code block" that opens with a tag is HTML indented
            // under a blank line (pages that wrap their body in <div>s).
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented))
                if opens_with_tag(&text[range.clone()]) =>
            {
                b.flush();
                b.push_html(text, range.clone());
                html_until = range.end;
            }
            Event::Start(Tag::Heading { level: l, .. }) => {
                b.start(BlockKind::Heading { level: level(l) })
            }
            Event::End(TagEnd::Heading(_)) => b.flush(),
            Event::Start(Tag::Paragraph) => {
                // A paragraph inside a list item continues the item's block.
                let in_item =
                    matches!(&b.current, Some((BlockKind::ListItem { .. }, mt)) if mt.is_empty());
                if !in_item {
                    b.start(BlockKind::Paragraph);
                }
            }
            Event::End(TagEnd::Paragraph) => b.flush(),
            Event::Start(Tag::List(_)) => {
                b.flush();
                list_depth = list_depth.saturating_add(1);
            }
            Event::End(TagEnd::List(_)) => {
                b.flush();
                list_depth = list_depth.saturating_sub(1);
            }
            Event::Start(Tag::Item) => b.start(BlockKind::ListItem {
                depth: list_depth.max(1),
            }),
            Event::End(TagEnd::Item) => b.flush(),
            Event::Start(Tag::Table(_)) => {
                b.flush();
                row = 0;
            }
            Event::End(TagEnd::Table) => {
                b.flush();
                b.cell = None;
                table += 1;
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => col = 0,
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => row += 1,
            Event::Start(Tag::TableCell) => {
                b.flush();
                b.cell = Some(CellRef { table, row, col });
                b.start(BlockKind::Paragraph);
            }
            Event::End(TagEnd::TableCell) => {
                b.flush();
                b.cell = None;
                col += 1;
            }
            Event::Start(Tag::CodeBlock(_)) => b.start(BlockKind::Paragraph),
            Event::End(TagEnd::CodeBlock) => b.flush(),
            Event::Start(Tag::Link { dest_url, .. }) => {
                // The link text: `[text](target)` without its brackets.
                let written = &text[range.clone()];
                let span = match (written.strip_prefix('['), written.find("](")) {
                    (Some(_), Some(k)) => range.start + 1..range.start + k,
                    _ => range.clone(),
                };
                b.links.push(Link {
                    target: dest_url.trim().to_string(),
                    span,
                });
            }
            Event::Text(s) | Event::Code(s) => b.push(&s, range),
            // A soft break is a space, as CommonMark renders it; a hard
            // break (two spaces, a backslash, an inline `<br>`) ends a line.
            Event::SoftBreak => b.separator(" ", range),
            Event::HardBreak => b.separator("\n", range),
            Event::InlineHtml(h) if is_br(&h) => b.separator("\n", range),
            Event::Html(_) => {
                // A line of an HTML block: extract it with its own spans.
                b.flush();
                b.push_html(text, range);
            }
            _ => {}
        }
    }
    b.flush();
    b.blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_paragraphs_lists_tables() {
        let t = "# プライバシーポリシー\n\n当社は\n個人情報を守ります。\n\n- 項目&amp;一\n  - 入れ子\n\n| 改定前 | 改定後 |\n|---|---|\n| 旧 | 新 |\n";
        let b = extract(t);
        let got: Vec<_> = b
            .iter()
            .map(|b| (b.kind, b.text.text.as_str(), b.cell.map(|c| (c.row, c.col))))
            .collect();
        assert_eq!(
            got[0],
            (
                BlockKind::Heading { level: 1 },
                "プライバシーポリシー",
                None
            )
        );
        assert_eq!(
            got[1],
            (BlockKind::Paragraph, "当社は 個人情報を守ります。", None)
        );
        assert_eq!(got[2], (BlockKind::ListItem { depth: 1 }, "項目&一", None));
        assert_eq!(got[3], (BlockKind::ListItem { depth: 2 }, "入れ子", None));
        assert_eq!(got[4].1, "改定前");
        assert_eq!(got[4].2, Some((0, 0)));
        assert_eq!(got[7].1, "新");
        assert_eq!(got[7].2, Some((1, 1)));
        // Spans are exact, the entity maps to its source bytes.
        assert_eq!(&t[b[0].src_range()], "プライバシーポリシー");
        assert_eq!(&t[b[2].src_range()], "項目&amp;一");
        assert_eq!(&t[b[7].src_range()], "新");
    }

    #[test]
    fn hard_breaks_end_lines_soft_breaks_are_spaces() {
        let t = "一行目  \n二行目\\\n三行目<br>\n四行目<BR />五行目\n六行目\n";
        let b = extract(t);
        assert_eq!(b.len(), 1);
        assert_eq!(
            b[0].text.text,
            "一行目\n二行目\n三行目\n 四行目\n五行目 六行目"
        );
        // The line end of `<BR />` maps to the tag.
        let at = b[0].text.text.find("\n五").unwrap();
        assert_eq!(&t[b[0].text.to_src(at..at + 1)], "<BR />");
    }
}
