//! Structure stage: from blocks to a tree of sections, paragraphs, list
//! items, tables, cells and sentences, each knowing its span in the source
//! and its range in the normalised text.
//!
//! Heading levels are inferred from the numbering family and its order, the
//! way a reader does: a family seen before continues at its level when its
//! number goes on ("2." after "1."), a new family nests under the current
//! heading, and a family that restarts at 1 under a deeper heading nests
//! there.

use std::ops::Range;

use serde::Serialize;

use super::format::{Block, BlockKind, CellRef};
use super::heading::{self, Family, Marker};
use super::normalize::{continues_cluster, normalize_lines};
use crate::text::MappedText;

pub type NodeId = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    Document,
    Section,
    Heading,
    Paragraph,
    ListItem,
    Table,
    Cell,
    Sentence,
}

impl NodeKind {
    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Document => "document",
            NodeKind::Section => "section",
            NodeKind::Heading => "heading",
            NodeKind::Paragraph => "paragraph",
            NodeKind::ListItem => "list-item",
            NodeKind::Table => "table",
            NodeKind::Cell => "cell",
            NodeKind::Sentence => "sentence",
        }
    }

    /// Nodes that hold text of their own (the others hold nodes).
    pub fn is_leaf_text(self) -> bool {
        matches!(
            self,
            NodeKind::Heading | NodeKind::Paragraph | NodeKind::ListItem
        )
    }
}

/// One node of the document tree.
#[derive(Debug, Clone)]
pub struct Node {
    pub kind: NodeKind,
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
    /// Byte range in the decoded document text.
    pub src: Range<usize>,
    /// Byte range in the document's normalised text.
    pub norm: Range<usize>,
    /// Navigation, header or footer text: ignored by rules by default.
    pub boilerplate: bool,
    /// Text of a statute or of internal rules quoted after the policy
    /// ("個人情報の保護に関する法律（抜粋）" and its 第N条): not the policy's own
    /// words, so never evidence for a rule.
    pub quoted: bool,
    /// Section depth (1 = top level), list item nesting (1 = top level);
    /// 0 for other nodes.
    pub level: u8,
    /// The numbering family and number of a section's heading.
    pub family: Option<Family>,
    pub number: Option<u32>,
    /// Table position of a cell.
    pub cell: Option<CellRef>,
    /// Column header of a cell (the text of row 0 in the same column).
    pub header: Option<String>,
}

impl Node {
    pub(super) fn new(kind: NodeKind, parent: Option<NodeId>) -> Self {
        Node {
            kind,
            parent,
            children: Vec::new(),
            src: 0..0,
            norm: 0..0,
            boilerplate: false,
            quoted: false,
            level: 0,
            family: None,
            number: None,
            cell: None,
            header: None,
        }
    }
}

/// The tree plus the normalised text of the whole document.
#[derive(Debug, Clone)]
pub struct Structure {
    /// Nodes in document order (pre-order); node 0 is the document.
    pub nodes: Vec<Node>,
    /// Normalised text of all text-bearing nodes, one per line.
    pub norm: MappedText,
}

/// A text unit before the tree is built.
struct Item {
    kind: ItemKind,
    text: MappedText,
    boilerplate: bool,
    cell: Option<CellRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemKind {
    Paragraph,
    /// A list item; `bullet` is its marker symbol, `depth` its nesting.
    ListItem {
        bullet: Option<char>,
        depth: u8,
    },
    Heading(Marker),
}

struct OpenHeading {
    family: Family,
    number: Option<u32>,
    /// The numbering a markup heading's text opens with ("<h3>(1) …</h3>"):
    /// it orders headings that share one markup level.
    text_marker: Option<Marker>,
    section: NodeId,
}

/// Build the tree of a document whose decoded text is `text`.
pub fn build(text: &str, blocks: Vec<Block>) -> Structure {
    let items = group(text, blocks);
    let paren_labels = items
        .iter()
        .filter(|i| matches!(i.kind, ItemKind::Heading(m) if m.family == Family::ParenLabel))
        .count();
    let mut b = TreeBuilder {
        nodes: vec![Node::new(NodeKind::Document, None)],
        leaves: Vec::new(),
        stack: Vec::new(),
        first_parent: Vec::new(),
        table: None,
        quote: None,
    };
    for idx in 0..items.len() {
        let item = &items[idx];
        let next = items.get(idx + 1);
        let prev = idx.checked_sub(1).map(|p| &items[p]);
        if is_empty_heading(item) {
            // "<h2>&#8203;</h2>": no text, so no section that would swallow
            // the text after it.
            continue;
        }
        if !item.boilerplate && item.cell.is_none() {
            if b.quote.is_some_and(|until| ends_quote(item, until)) {
                b.quote = None;
            }
            if is_quote_title(item)
                && opens_articles(&items[idx + 1..])
                && policy_before(&items[..idx])
            {
                b.open_quote(item);
                continue;
            }
        }
        if item.boilerplate || item.cell.is_some() {
            // No heading detection in navigation or table cells.
            let kind = match item.kind {
                ItemKind::ListItem { .. } => NodeKind::ListItem,
                _ => NodeKind::Paragraph,
            };
            b.add_leaf(item, kind);
            continue;
        }
        match item.kind {
            ItemKind::Heading(m) if is_translated_title(item, m, &items[idx + 1..]) => {
                b.add_leaf(item, NodeKind::Paragraph)
            }
            ItemKind::Heading(m) if m.family != Family::ParenLabel || paren_labels >= 2 => {
                b.add_heading(item, m)
            }
            ItemKind::Heading(_) | ItemKind::Paragraph => b.add_leaf(item, NodeKind::Paragraph),
            ItemKind::ListItem { bullet, .. } => {
                if let Some(m) = b.promoted(item, bullet, prev, next) {
                    b.add_heading(item, m);
                } else {
                    b.add_leaf(item, NodeKind::ListItem);
                }
                if let ItemKind::ListItem { depth, .. } = item.kind
                    && let Some(last) = b.nodes.last_mut()
                    && last.kind == NodeKind::ListItem
                {
                    last.level = depth;
                }
            }
        }
    }
    let TreeBuilder {
        mut nodes, leaves, ..
    } = b;
    let norm = normalise_leaves(&mut nodes, leaves);
    finish_ranges(&mut nodes, text.len());
    label_cells(&mut nodes, text);
    Structure { nodes, norm }
}

/// A markup heading with nothing a reader can see: white space, or
/// zero-width characters that survive as text.
fn is_empty_heading(item: &Item) -> bool {
    matches!(item.kind, ItemKind::Heading(m) if matches!(m.family, Family::Markup(_)))
        && item.text.text.chars().all(|c| {
            c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
        })
}

/// Kana or kanji (not CJK punctuation, which Latin titles borrow).
fn is_japanese(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF66}'..='\u{FF9F}')
}

/// "<h1>Privacy Policy</h1><h1>プライバシーポリシー</h1>": a markup heading in
/// another language directly followed by a heading of the same or a higher
/// level is the next heading's title in translation. As a section it would
/// hold nothing, so it is read as a paragraph. A Latin heading with body
/// text or deeper headings after it ("Google Analytics") stays a section.
fn is_translated_title(item: &Item, m: Marker, rest: &[Item]) -> bool {
    let Family::Markup(level) = m.family else {
        return false;
    };
    let t = &item.text.text;
    if !t.chars().any(char::is_alphabetic) || t.chars().any(is_japanese) {
        return false;
    }
    let next = rest.iter().find(|i| !is_empty_heading(i));
    next.is_some_and(|n| {
        !n.boilerplate
            && n.cell.is_none()
            && matches!(n.kind, ItemKind::Heading(Marker { family: Family::Markup(l), .. }) if l <= level)
    })
}

/// A title that names a law, rules or an excerpt: "個人情報の保護に関する法律
/// （抜粋）", "【関係法令】", "個人情報取扱規程", "（参考）個人情報保護法". One short
/// line, not a sentence, not itself numbered.
fn is_quote_title(item: &Item) -> bool {
    match item.kind {
        ItemKind::Paragraph => {}
        ItemKind::Heading(m) if !m.family.is_numbered() => {}
        _ => return false,
    }
    let t = item.text.text.trim();
    if t.is_empty() || t.contains(['\n', '。']) || t.chars().count() > 40 {
        return false;
    }
    if let ItemKind::Heading(Marker {
        family: Family::Markup(_),
        ..
    }) = item.kind
        && heading::marker(t).is_some_and(|m| m.family.is_numbered())
    {
        return false;
    }
    const WORDS: &[&str] = &[
        "法律",
        "法令",
        "規程",
        "規則",
        "抜粋",
        "参考",
        "条文",
        "施行令",
    ];
    let bare = t.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '】' | '」' | '）' | ')' | '>' | '＞' | '〉' | '》')
    });
    WORDS.iter().any(|w| t.contains(w)) || bare.ends_with('法')
}

/// The text after a title opens with a 第N条 article (or 第N章).
fn opens_articles(rest: &[Item]) -> bool {
    let Some(next) = rest.iter().find(|i| !is_empty_heading(i)) else {
        return false;
    };
    if next.boilerplate || next.cell.is_some() {
        return false;
    }
    let marker = match next.kind {
        ItemKind::Heading(Marker {
            family: Family::Markup(_),
            ..
        })
        | ItemKind::Paragraph => heading::marker(next.text.text.split('\n').next().unwrap_or("")),
        ItemKind::Heading(m) => Some(m),
        ItemKind::ListItem { .. } => None,
    };
    marker.is_some_and(|m| m.family == Family::Article)
}

/// Policy text comes before: a quotation is appended to a policy, while a
/// document that opens with "個人情報保護規程" and its articles is itself the
/// policy. Two headings or three sentences of the policy's own are enough.
fn policy_before(before: &[Item]) -> bool {
    let own = || before.iter().filter(|i| !i.boilerplate && i.cell.is_none());
    let headings = own()
        .filter(|i| matches!(i.kind, ItemKind::Heading(_)))
        .count();
    let sentences: usize = own().map(|i| i.text.text.matches('。').count()).sum();
    headings >= 2 || sentences >= 3
}

/// A markup heading at the quotation's level or above that is not one of
/// its articles: the policy's text goes on.
fn ends_quote(item: &Item, until: u8) -> bool {
    let ItemKind::Heading(Marker {
        family: Family::Markup(l),
        ..
    }) = item.kind
    else {
        return false;
    };
    l <= until
        && !heading::marker(item.text.text.split('\n').next().unwrap_or(""))
            .is_some_and(|m| m.family == Family::Article)
}

fn indentation(text: &str, src_start: usize) -> usize {
    let line_start = text[..src_start].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..src_start]
        .chars()
        .filter(|c| *c == ' ' || *c == '\t' || *c == '\u{3000}')
        .count()
}

/// Group plain-text lines into paragraphs and list items; other blocks pass
/// through as they are.
fn group(text: &str, blocks: Vec<Block>) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::with_capacity(blocks.len());
    // Index of the item that plain lines may continue.
    let mut open: Option<usize> = None;
    for block in blocks {
        let Block {
            kind,
            text: mt,
            boilerplate,
            cell,
            ..
        } = block;
        let item = |kind| Item {
            kind,
            text: mt.clone(),
            boilerplate,
            cell,
        };
        match kind {
            BlockKind::Blank => open = None,
            BlockKind::Heading { level } => {
                open = None;
                items.push(item(ItemKind::Heading(Marker {
                    family: Family::Markup(level),
                    number: None,
                })));
            }
            BlockKind::ListItem { depth } => {
                open = None;
                let bullet = heading::bullet(&mt.text).map(|(_, c)| c);
                items.push(item(ItemKind::ListItem { bullet, depth }));
            }
            BlockKind::Paragraph if cell.is_none() && !boilerplate && opens_lines(&mt.text) => {
                open = None;
                items.extend(split_lines(&mt, boilerplate));
            }
            BlockKind::Paragraph if !boilerplate && inline_bullets(&mt.text).len() > 1 => {
                open = None;
                // "● 一つ目 ● 二つ目" in one block: a list written inline.
                let cuts = inline_bullets(&mt.text);
                for (k, &start) in cuts.iter().enumerate() {
                    let end = cuts.get(k + 1).copied().unwrap_or(mt.len());
                    let mut piece = mt.slice(start..end);
                    piece.trim_end_matches(char::is_whitespace);
                    let bullet = piece.text.chars().next();
                    items.push(Item {
                        kind: ItemKind::ListItem { bullet, depth: 1 },
                        text: piece,
                        boilerplate,
                        cell,
                    });
                }
            }
            BlockKind::Paragraph => {
                open = None;
                let kind = if cell.is_some() || boilerplate {
                    ItemKind::Paragraph
                } else {
                    first_line_kind(text, &mt, 1)
                };
                items.push(item(kind));
            }
            BlockKind::Line => {
                let kind = first_line_kind(text, &mt, 0);
                match (kind, open) {
                    (ItemKind::Paragraph, Some(i)) => {
                        // Continuation line: join with the line break between.
                        let prev = &mut items[i].text;
                        let gap = prev.to_src(0..prev.len()).end..mt.to_src(0..0).start;
                        prev.push_atomic("\n", gap);
                        append(prev, &mt);
                    }
                    (ItemKind::Heading(_), _) => {
                        open = None;
                        items.push(item(kind));
                    }
                    _ => {
                        open = Some(items.len());
                        items.push(item(kind));
                    }
                }
            }
        }
    }
    items
}

/// What one line opens on its own: a numbered or labelled heading, a list
/// item (a bullet other than ※), or nothing (a line of a paragraph).
fn line_opens(line: &str) -> Option<ItemKind> {
    if let Some(m) = heading::marker(line)
        && !matches!(m.family, Family::Symbol(_))
    {
        return Some(ItemKind::Heading(m));
    }
    match heading::bullet(line) {
        Some((_, sym)) if sym != '※' => Some(ItemKind::ListItem {
            bullet: Some(sym),
            depth: 1,
        }),
        _ => None,
    }
}

/// Line ranges of a block's text (split at `\n`), trimmed, empty ones left out.
fn line_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split('\n') {
        let lead = piece.len() - piece.trim_start().len();
        let body = piece.trim();
        if !body.is_empty() {
            out.push(start + lead..start + lead + body.len());
        }
        start += piece.len() + 1;
    }
    out
}

/// A paragraph of several lines (`<br>`, hard breaks) one of which opens a
/// heading or a list item: "■個人情報の利用目的<br>当社は…", "【窓口】<br>社名".
fn opens_lines(text: &str) -> bool {
    let lines = line_ranges(text);
    lines.len() > 1 && lines.iter().any(|r| line_opens(&text[r.clone()]).is_some())
}

/// Split such a paragraph the way plain-text lines are grouped: a line that
/// opens something is an item of its own, the lines between are paragraphs
/// (a line after a list item starts a paragraph, so that a short "■…" title
/// followed by body text can be promoted to a heading).
fn split_lines(mt: &MappedText, boilerplate: bool) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    // Start of the open paragraph's first line and the end of its last line.
    let mut para: Option<Range<usize>> = None;
    let flush = |para: &mut Option<Range<usize>>, out: &mut Vec<Item>| {
        if let Some(r) = para.take() {
            out.push(Item {
                kind: ItemKind::Paragraph,
                text: mt.slice(r),
                boilerplate,
                cell: None,
            });
        }
    };
    for r in line_ranges(&mt.text) {
        match line_opens(&mt.text[r.clone()]) {
            Some(kind) => {
                flush(&mut para, &mut out);
                out.push(Item {
                    kind,
                    text: mt.slice(r),
                    boilerplate,
                    cell: None,
                });
            }
            None => match &mut para {
                Some(p) => p.end = r.end,
                None => para = Some(r),
            },
        }
    }
    flush(&mut para, &mut out);
    out
}

/// Start offsets of the items of a list written inline: the block starts
/// with a bullet symbol and the same symbol recurs after a space.
fn inline_bullets(text: &str) -> Vec<usize> {
    let Some(first) = text.chars().next() else {
        return Vec::new();
    };
    if !matches!(first, '●' | '・' | '•' | '■' | '◆' | '○' | '◎') {
        return Vec::new();
    }
    // '・' also joins words ("サービス・商品"), so it needs a space before it.
    let anywhere = !matches!(first, '・' | '•');
    let mut cuts = vec![0];
    let mut prev_space = false;
    for (i, c) in text.char_indices().skip(1) {
        if c == first && (prev_space || anywhere) {
            cuts.push(i);
        }
        prev_space = c.is_whitespace();
    }
    cuts
}

/// What a line (or the first line of a paragraph) opens.
fn first_line_kind(text: &str, mt: &MappedText, base_depth: u8) -> ItemKind {
    let first = mt.text.split('\n').next().unwrap_or("");
    if let Some(m) = heading::marker(first)
        && !matches!(m.family, Family::Symbol(_))
    {
        return ItemKind::Heading(m);
    }
    if let Some((_, sym)) = heading::bullet(first)
        && sym != '※'
    {
        let indent = indentation(text, mt.to_src(0..0).start);
        let depth = base_depth
            .max(1)
            .saturating_add(indent.div_ceil(2).min(8) as u8);
        return ItemKind::ListItem {
            bullet: Some(sym),
            depth,
        };
    }
    ItemKind::Paragraph
}

/// Append `other` (a map into the same source) to `dst`.
fn append(dst: &mut MappedText, other: &MappedText) {
    dst.append_mapped(&other.text, &other.map);
}

struct TreeBuilder {
    nodes: Vec<Node>,
    leaves: Vec<(NodeId, MappedText)>,
    stack: Vec<OpenHeading>,
    /// For each unnumbered family, the family it was first opened under
    /// (None: at the top).
    first_parent: Vec<(Family, Option<Family>)>,
    /// The open table: (table index, table node, current cell node and its ref).
    table: Option<(u32, NodeId, NodeId, CellRef)>,
    /// Inside an appended quotation of a statute or rules: the markup level
    /// whose next heading ends it.
    quote: Option<u8>,
}

impl TreeBuilder {
    fn push_node(&mut self, mut node: Node, parent: NodeId) -> NodeId {
        let id = self.nodes.len() as NodeId;
        node.parent = Some(parent);
        node.quoted = self.quote.is_some() && !node.boilerplate;
        self.nodes.push(node);
        self.nodes[parent as usize].children.push(id);
        id
    }

    fn container(&self) -> NodeId {
        self.stack.last().map_or(0, |h| h.section)
    }

    fn add_leaf(&mut self, item: &Item, kind: NodeKind) {
        let parent = match item.cell {
            Some(cell) => self.cell_node(cell, item.boilerplate),
            None => {
                self.table = None;
                self.container()
            }
        };
        let mut node = Node::new(kind, Some(parent));
        node.boilerplate = item.boilerplate;
        node.src = item.text.to_src(0..item.text.len());
        let id = self.push_node(node, parent);
        self.leaves.push((id, item.text.clone()));
    }

    fn cell_node(&mut self, cell: CellRef, boilerplate: bool) -> NodeId {
        let parent = self.container();
        let table_node = match self.table {
            Some((t, node, _, _)) if t == cell.table => node,
            _ => {
                let mut n = Node::new(NodeKind::Table, Some(parent));
                n.boilerplate = boilerplate;
                self.push_node(n, parent)
            }
        };
        if let Some((t, _, cnode, cref)) = self.table
            && t == cell.table
            && cref == cell
        {
            return cnode;
        }
        let mut n = Node::new(NodeKind::Cell, Some(table_node));
        n.cell = Some(cell);
        n.boilerplate = boilerplate;
        let cnode = self.push_node(n, table_node);
        self.table = Some((cell.table, table_node, cnode, cell));
        cnode
    }

    /// A list item that is really a heading: it continues an open numbering
    /// family ("- (2) …" after "(1) …"), or it is a short symbol line
    /// ("・基本情報") followed by body text.
    fn promoted(
        &self,
        item: &Item,
        bullet: Option<char>,
        prev: Option<&Item>,
        next: Option<&Item>,
    ) -> Option<Marker> {
        let first = item.text.text.split('\n').next().unwrap_or("");
        let body = match heading::bullet(first) {
            Some((len, '-' | '*' | '+')) => first[len..].trim_start(),
            _ => first,
        };
        if let Some(m) = heading::marker(body)
            && m.family.is_numbered()
            && let Some(n) = m.number
            && self
                .stack
                .iter()
                .any(|e| e.family.same_group(m.family) && e.number.is_some_and(|k| k + 1 == n))
        {
            return Some(m);
        }
        let sym = bullet?;
        if sym == '※' {
            return None;
        }
        let title = first[sym.len_utf8()..].trim();
        let short =
            !title.is_empty() && title.chars().count() <= 30 && !title.contains(['。', '、', '，']);
        let next_is_body = next
            .is_some_and(|n| n.kind == ItemKind::Paragraph && n.cell.is_none() && !n.boilerplate);
        let prev_same = prev.is_some_and(
            |p| matches!(p.kind, ItemKind::ListItem { bullet: Some(b), .. } if b == sym),
        );
        (short && next_is_body && !prev_same).then_some(Marker {
            family: Family::Symbol(heading::marker(first).map_or(sym, |m| match m.family {
                Family::Symbol(c) => c,
                _ => sym,
            })),
            number: None,
        })
    }

    /// Where a heading of family `fam` goes: the stack length to keep.
    /// `text_marker` is the numbering a markup heading's text opens with.
    fn place(&self, fam: Family, number: Option<u32>, text_marker: Option<Marker>) -> usize {
        let len = self.stack.len();
        if let Family::Markup(level) = fam {
            let p = self
                .stack
                .iter()
                .rposition(|e| matches!(e.family, Family::Markup(l) if l < level))
                .map_or(0, |i| i + 1);
            return match text_marker {
                Some(m) => p + self.place_in_level(fam, p, m),
                None => p,
            };
        }
        // Numbering does not continue across a markup heading.
        let floor = self
            .stack
            .iter()
            .rposition(|e| matches!(e.family, Family::Markup(_)))
            .map_or(0, |i| i + 1);
        if fam.is_numbered() {
            let n = number.unwrap_or(1);
            if let Some(i) = self.stack[floor..]
                .iter()
                .rposition(|e| e.family.same_group(fam) && e.number.is_some_and(|k| k + 1 == n))
            {
                return floor + i;
            }
            let top_same = self.stack.last().is_some_and(|e| e.family == fam);
            if n <= 1 {
                return if top_same { len - 1 } else { len };
            }
            if let Some(i) = self.stack[floor..].iter().rposition(|e| e.family == fam) {
                return floor + i;
            }
            return len;
        }
        // Unnumbered labels (【…】, <…>, （…）, ■): nest where the family was
        // first seen nested (a label that lives under "①" opens under "①"
        // again); elsewhere, a sibling of the nearest label of the family.
        let top = self.stack.last().map(|e| e.family);
        let first = self
            .first_parent
            .iter()
            .find(|(f, _)| *f == fam)
            .map(|(_, p)| *p);
        if first.is_some_and(|p| p.is_some() && p == top) {
            return len;
        }
        if let Some(i) = self.stack[floor..].iter().rposition(|e| e.family == fam) {
            return floor + i;
        }
        len
    }

    /// Sites use one `<hN>` for a section and for its numbered parts
    /// ("<h3>利用目的</h3>", "<h3>(1) …</h3>"): among the open headings of
    /// this markup level (from `p` on), the numbering of their text nests the
    /// way it does in plain text. Returns how many of them to keep.
    fn place_in_level(&self, fam: Family, p: usize, m: Marker) -> usize {
        let chain = self.stack[p..]
            .iter()
            .take_while(|e| e.family == fam)
            .map(|e| e.text_marker)
            .collect::<Vec<_>>();
        let n = m.number.unwrap_or(1);
        // A continuation ("(2)" after "(1)") is a sibling.
        if let Some(i) = chain.iter().rposition(|t| {
            t.is_some_and(|t| t.family.same_group(m.family) && t.number.is_some_and(|k| k + 1 == n))
        }) {
            return i;
        }
        let same = chain
            .iter()
            .rposition(|t| t.is_some_and(|t| t.family == m.family));
        match same {
            // The family restarts under a deeper heading of this level: nest.
            Some(i) if n <= 1 && i + 1 < chain.len() => chain.len(),
            Some(i) => i,
            // A family met for the first time nests under the heading before
            // it at this level, unnumbered or of another family.
            None => chain.len(),
        }
    }

    /// The title of an appended quotation: a top-level section (the quoted
    /// articles are not parts of the policy's last section) that holds
    /// everything up to the quotation's end.
    fn open_quote(&mut self, item: &Item) {
        let innermost_markup = self.stack.iter().rev().find_map(|e| match e.family {
            Family::Markup(l) => Some(l),
            _ => None,
        });
        let family = match item.kind {
            ItemKind::Heading(m) if !m.family.is_numbered() => m.family,
            _ => Family::Title,
        };
        self.quote = Some(match family {
            Family::Markup(l) => l,
            // A plain line ends at the next markup heading of the level it
            // was written under (any, outside markup sections).
            _ => innermost_markup.unwrap_or(u8::MAX),
        });
        self.stack.clear();
        self.add_heading(
            item,
            Marker {
                family,
                number: None,
            },
        );
    }

    fn add_heading(&mut self, item: &Item, m: Marker) {
        self.table = None;
        let text_marker = match m.family {
            Family::Markup(_) => heading::marker(item.text.text.split('\n').next().unwrap_or(""))
                .filter(|t| t.family.is_numbered()),
            _ => None,
        };
        let mut keep = self.place(m.family, m.number, text_marker);
        if self.quote.is_some() && !self.stack.is_empty() {
            // Nothing inside a quotation climbs above its title.
            keep = keep.max(1);
        }
        // A continuation across the DotNumber/SpaceNumber typo keeps the family
        // it continues.
        let family = match self.stack.get(keep) {
            Some(e) if e.family != m.family && e.family.same_group(m.family) => e.family,
            _ => m.family,
        };
        self.stack.truncate(keep);
        if !family.is_numbered() && !self.first_parent.iter().any(|(f, _)| *f == family) {
            let under = self.stack.last().map(|e| e.family);
            self.first_parent.push((family, under));
        }
        let parent = self.container();
        let mut sec = Node::new(NodeKind::Section, Some(parent));
        sec.level = (keep + 1).min(u8::MAX as usize) as u8;
        sec.family = Some(family);
        sec.number = m.number;
        let sid = self.push_node(sec, parent);
        self.stack.push(OpenHeading {
            family,
            number: m.number,
            text_marker,
            section: sid,
        });
        let mut h = Node::new(NodeKind::Heading, Some(sid));
        h.src = item.text.to_src(0..item.text.len());
        h.level = 0;
        let hid = self.push_node(h, sid);
        self.leaves.push((hid, item.text.clone()));
    }
}

/// Normalise every text-bearing node into one document text, each node on
/// lines of its own, and add sentence nodes. A line break inside a block
/// (`<br>`, a Markdown hard break, a line of plain text) is a line end: it
/// stays `\n` and ends a sentence, so a heading line and the name on the
/// next line never run together.
fn normalise_leaves(nodes: &mut Vec<Node>, leaves: Vec<(NodeId, MappedText)>) -> MappedText {
    let total: usize = leaves.iter().map(|l| l.1.len() + 1).sum();
    let mut doc = MappedText::with_capacity(total);
    for (id, text) in leaves {
        let local = normalize_lines(&text.text);
        let start = doc.len();
        let composed = local.map.compose(&text.map);
        doc.append_mapped(&local.text, &composed);
        let end = doc.len();
        let node = &mut nodes[id as usize];
        node.norm = start..end;
        let src_end = node.src.end;
        // The separator belongs to no source text: map it to the node's end.
        doc.push_atomic("\n", src_end..src_end);
        if nodes[id as usize].kind == NodeKind::Heading {
            continue;
        }
        let boiler = nodes[id as usize].boilerplate;
        let quoted = nodes[id as usize].quoted;
        for r in sentences(&text.text) {
            let ns = local.map.from_src_start(r.start);
            let ne = local.map.from_src_end(r.end);
            if ne <= ns {
                continue;
            }
            let mut s = Node::new(NodeKind::Sentence, Some(id));
            s.src = text.to_src(r);
            s.norm = start + ns..start + ne;
            s.boilerplate = boiler;
            s.quoted = quoted;
            let sid = nodes.len() as NodeId;
            nodes.push(s);
            nodes[id as usize].children.push(sid);
        }
    }
    doc
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '」' | '』' | '）' | ')' | '】' | '〕' | '》' | '〉' | '"' | '\'' | '”' | '’'
    )
}

/// Sentence ranges of a text: split after 。！？ (and closing brackets that
/// follow), and at line breaks: every `\n` left in a block's text is a line
/// end (a Markdown soft break is a space by then).
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let mut end = None;
        if matches!(c, '。' | '！' | '？') {
            let mut e = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                // Closing brackets and combining marks belong to the sentence.
                if is_closer(d) || matches!(d, '。' | '！' | '？') || continues_cluster(d) {
                    e = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            end = Some((e, e));
        } else if c == '\n' {
            end = Some((i, i + 1));
        }
        if let Some((e, next)) = end {
            push_trimmed(text, start..e, &mut out);
            start = next;
        }
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    // Leading spaces go, but not one that carries a combining mark.
    let mut lead = 0;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if !c.is_whitespace() || it.peek().is_some_and(|&(_, d)| continues_cluster(d)) {
            break;
        }
        lead = i + c.len_utf8();
    }
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(r.start + lead..r.end - trail);
    }
}

/// Containers cover their children: compute spans bottom-up.
fn finish_ranges(nodes: &mut [Node], text_len: usize) {
    for i in (0..nodes.len()).rev() {
        if nodes[i].children.is_empty() || nodes[i].kind.is_leaf_text() {
            continue;
        }
        let (mut s, mut e, mut ns, mut ne) = (usize::MAX, 0, usize::MAX, 0);
        for &c in &nodes[i].children {
            let c = &nodes[c as usize];
            s = s.min(c.src.start);
            e = e.max(c.src.end);
            ns = ns.min(c.norm.start);
            ne = ne.max(c.norm.end);
        }
        nodes[i].src = s..e.max(s);
        nodes[i].norm = ns..ne.max(ns);
        // A container is boilerplate when everything in it is.
        if nodes[i].kind != NodeKind::Document {
            let all = nodes[i]
                .children
                .iter()
                .all(|&c| nodes[c as usize].boilerplate);
            nodes[i].boilerplate = all;
        }
    }
    nodes[0].src = 0..text_len;
    nodes[0].norm = 0..nodes.iter().map(|n| n.norm.end).max().unwrap_or(0);
}

/// Give each body cell the text of its column's header cell (row 0), when
/// row 0 looks like a header: short cells.
fn label_cells(nodes: &mut [Node], text: &str) {
    let tables: Vec<usize> = (0..nodes.len())
        .filter(|&i| nodes[i].kind == NodeKind::Table)
        .collect();
    for t in tables {
        let cells = nodes[t].children.clone();
        let mut headers: Vec<(u32, String)> = Vec::new();
        for &c in &cells {
            let n = &nodes[c as usize];
            if let Some(cr) = n.cell
                && cr.row == 0
            {
                headers.push((cr.col, text[n.src.clone()].trim().to_string()));
            }
        }
        let header_like = |h: &str| h.chars().count() <= 20 && !h.ends_with('。');
        if headers.is_empty() || !headers.iter().all(|(_, h)| header_like(h)) {
            continue;
        }
        for &c in &cells {
            let n = &mut nodes[c as usize];
            if let Some(cr) = n.cell
                && cr.row > 0
            {
                n.header = headers
                    .iter()
                    .find(|(col, _)| *col == cr.col)
                    .map(|(_, h)| h.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::format::{self, Format};

    fn outline(t: &str) -> Vec<String> {
        let s = build(t, format::extract(Format::Text, t));
        s.nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Section)
            .map(|n| {
                let h = &s.nodes[n.children[0] as usize];
                format!("{}{}", "  ".repeat(n.level as usize - 1), &t[h.src.clone()])
            })
            .collect()
    }

    #[test]
    fn levels_follow_numbering_families() {
        let t = "前文です。\n\n1. 目的\n\n(1) 一つ目\n\n本文。\n\n(2) 二つ目\n\n①細目\n\n②細目二\n\n2. 次\n\n(1) 再び\n";
        assert_eq!(
            outline(t),
            vec![
                "1. 目的",
                "  (1) 一つ目",
                "  (2) 二つ目",
                "    ①細目",
                "    ②細目二",
                "2. 次",
                "  (1) 再び"
            ]
        );
    }

    #[test]
    fn typo_family_continues_and_restart_nests() {
        let t = "【方針】\n\n1. 一\n\n2. 二\n\n3 三\n\n4. 四\n\n1 内側\n\n2 内側二\n\n5. 五\n\n【別表】\n\n1. 別一\n";
        assert_eq!(
            outline(t),
            vec![
                "【方針】",
                "  1. 一",
                "  2. 二",
                "  3 三",
                "  4. 四",
                "    1 内側",
                "    2 内側二",
                "  5. 五",
                "【別表】",
                "  1. 別一"
            ]
        );
    }

    #[test]
    fn list_items_paragraphs_and_promotion() {
        let t = "5. 共同利用\n\n(1) 項目 氏名\n\n- (2) 範囲 当社\n- (3) 目的\n\n・基本情報\n\n氏名、住所。\n\n- 一つ目\n続き\n- 二つ目\n";
        let s = build(t, format::extract(Format::Text, t));
        let kinds: Vec<_> = s.nodes.iter().map(|n| n.kind).collect();
        assert_eq!(kinds.iter().filter(|k| **k == NodeKind::Section).count(), 5);
        let items: Vec<_> = s
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::ListItem)
            .map(|n| &t[n.src.clone()])
            .collect();
        assert_eq!(items, vec!["- 一つ目\n続き", "- 二つ目"]);
        assert_eq!(
            outline(t),
            vec![
                "5. 共同利用",
                "  (1) 項目 氏名",
                "  - (2) 範囲 当社",
                "  - (3) 目的",
                "    ・基本情報"
            ]
        );
    }

    #[test]
    fn same_markup_level_nests_by_text_numbering() {
        let t = "## はじめに\n\n本文。\n\n## 利用目的\n\n## (1) 一つ目\n\n## (2) 二つ目\n\n### 細目\n\n## (3) 三つ目\n\n## 第三者提供\n\n## 1. 一\n\n## 2. 二\n";
        let s = build(t, format::extract(Format::Markdown, t));
        let got: Vec<_> = s
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Section)
            .map(|n| {
                let h = &s.nodes[n.children[0] as usize];
                format!("{}{}", "  ".repeat(n.level as usize - 1), &t[h.src.clone()])
            })
            .collect();
        assert_eq!(
            got,
            vec![
                "はじめに",
                "利用目的",
                "  (1) 一つ目",
                "  (2) 二つ目",
                "    細目",
                "  (3) 三つ目",
                "第三者提供",
                "  1. 一",
                "  2. 二",
            ]
        );
        // Numbered headings with no unnumbered one before them stay siblings.
        let t = "## 1. 一\n\n## 2. 二\n\n## (1) 細目\n\n## 3. 三\n";
        let s = build(t, format::extract(Format::Markdown, t));
        let levels: Vec<u8> = s
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Section)
            .map(|n| n.level)
            .collect();
        assert_eq!(levels, vec![1, 1, 2, 1]);
    }

    #[test]
    fn html_quotation_ends_at_the_next_heading_of_its_level() {
        let t = "<h1>個人情報保護方針</h1><h2>1. 利用目的</h2><p>連絡のため。</p><h2>2. 管理</h2><p>適切に管理します。</p>\
                 <h2>【関係法令】</h2><p>第十七条 事業者は、不正に取得してはならない。</p><h3>第二十条</h3><p>二項。</p>\
                 <h2>お問い合わせ</h2><p>窓口まで。</p>";
        let s = build(t, format::extract(Format::Html, t));
        let sections: Vec<_> = s
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Section)
            .map(|n| {
                let h = &s.nodes[n.children[0] as usize];
                (n.level, &t[h.src.clone()], n.quoted)
            })
            .collect();
        assert_eq!(
            sections,
            vec![
                (1, "個人情報保護方針", false),
                (2, "1. 利用目的", false),
                (2, "2. 管理", false),
                (1, "【関係法令】", true),
                (2, "第十七条 事業者は、不正に取得してはならない。", true),
                (2, "第二十条", true),
                (1, "お問い合わせ", false),
            ]
        );
        // A title without articles after it is the policy's own heading.
        let t = "<h2>1. 目的</h2><p>一。</p><h2>2. 管理</h2><p>二。</p><h2>関係法令の遵守</h2><p>法令を守ります。</p>";
        let s = build(t, format::extract(Format::Html, t));
        assert!(s.nodes.iter().all(|n| !n.quoted));
    }

    #[test]
    fn sentences_and_norm_ranges() {
        let t = "当社は　ＮＴＴ です。「確認」。\n二文目！\n";
        let s = build(t, format::extract(Format::Text, t));
        let sents: Vec<_> = s
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Sentence)
            .map(|n| (&t[n.src.clone()], &s.norm.text[n.norm.clone()]))
            .collect();
        assert_eq!(
            sents,
            vec![
                ("当社は　ＮＴＴ です。", "当社はnttです。"),
                ("「確認」。", "「確認」。"),
                ("二文目！", "二文目!")
            ]
        );
        // Every node's normalised range maps back inside its source span.
        for n in &s.nodes {
            let r = s.norm.to_src(n.norm.clone());
            assert!(
                r.start >= n.src.start && r.end <= n.src.end,
                "{:?} {:?} {:?}",
                n.kind,
                r,
                n.src
            );
        }
    }

    #[test]
    fn cells_get_headers() {
        let t = "\t改定前\t改定後\n3.目的\t<p>旧</p>\t<p>新</p>\n";
        let s = build(t, format::extract(Format::Text, t));
        let cells: Vec<_> = s
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Cell)
            .map(|n| (n.cell.unwrap().row, n.cell.unwrap().col, n.header.clone()))
            .collect();
        assert_eq!(cells[3], (1, 1, Some("改定前".into())));
        assert_eq!(cells[4], (1, 2, Some("改定後".into())));
    }
}
