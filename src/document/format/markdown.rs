//! Markdown, parsed with pulldown-cmark using its source offsets. HTML blocks
//! inside Markdown go through the HTML extractor so that their text keeps its
//! spans too.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::{Block, BlockKind, CellRef, html};
use crate::text::MappedText;

struct Builder<'a> {
    text: &'a str,
    blocks: Vec<Block>,
    current: Option<(BlockKind, MappedText)>,
    cell: Option<CellRef>,
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

pub(super) fn extract(text: &str) -> Vec<Block> {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let mut b = Builder {
        text,
        blocks: Vec::new(),
        current: None,
        cell: None,
    };
    let mut list_depth: u8 = 0;
    let mut table: u32 = 0;
    let mut row: u32 = 0;
    let mut col: u32 = 0;
    for (ev, range) in Parser::new_ext(text, opts).into_offset_iter() {
        match ev {
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
            Event::Text(s) | Event::Code(s) => b.push(&s, range),
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, mt)) = &mut b.current
                    && !mt.is_empty()
                {
                    mt.push_atomic("\n", range);
                }
            }
            Event::Html(_) => {
                // An HTML block: extract it with its own spans.
                b.flush();
                let cell = b.cell;
                for mut blk in html::extract(text, range) {
                    if blk.cell.is_none() {
                        blk.cell = cell;
                    }
                    b.blocks.push(blk);
                }
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
            (BlockKind::Paragraph, "当社は\n個人情報を守ります。", None)
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
}
