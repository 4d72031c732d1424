//! HTML: whole documents, and HTML fragments inside table cells of plain-text
//! or Markdown documents.
//!
//! html5gum only tokenizes, so the little tree building we need lives here:
//! an open-element stack with the usual implied end tags, capped in depth so
//! that absurdly deep documents stay linear, plus skipping of elements whose
//! text is never rendered (scripts, styles, SVG, …).
//!
//! [`Sink`] is our own html5gum emitter: it receives text piece by piece (a
//! run of literal text, or one decoded character reference) together with the
//! reader position, which is exact except after the look-ahead of a `</` in
//! raw text, so every block maps back to exactly the bytes it came from.

use std::borrow::Cow;
use std::convert::Infallible;
use std::ops::Range;

use html5gum::{Emitter, Error, State, Tokenizer};

use super::{Block, BlockKind, CellRef, Link};
use crate::text::MappedText;

/// Elements nested deeper than this are not pushed on the open-element stack
/// (they become transparent), which keeps every stack scan bounded.
const MAX_DEPTH: usize = 512;
/// How many overflow entries an end tag may search (keeps end tags O(1)).
const OVERFLOW_SEARCH: usize = 64;
/// Columns tracked for `rowspan` (wider tables still number their cells).
const MAX_TRACKED_COLS: usize = 1024;

/// Extract blocks from the HTML in `text[range]`. All offsets in the returned
/// blocks' maps are offsets into `text` (not into the range).
pub(super) fn extract(text: &str, range: Range<usize>) -> Vec<Block> {
    let Some(src) = text.get(range.clone()) else {
        return Vec::new();
    };
    let work = lone_cr_to_lf(src);
    let work: &str = &work;
    let mut ex = Extractor::new(work, range.start);
    let Ok(()) = Tokenizer::new_with_emitter(work, Sink::new(work, &mut ex)).finish();
    ex.into_blocks()
}

/// A lone CR would be read as LF but map to a CR byte. Rewriting lone CRs to
/// LF up front (same length, so offsets are unchanged) makes the text
/// verbatim; CRLF pairs stay (see [`Sink::text`]).
fn lone_cr_to_lf(src: &str) -> Cow<'_, str> {
    if !src.contains('\r') {
        return Cow::Borrowed(src);
    }
    let mut bytes = src.as_bytes().to_vec();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    // Replacing one ASCII byte by another keeps UTF-8 valid.
    match String::from_utf8(bytes) {
        Ok(s) => Cow::Owned(s),
        Err(_) => Cow::Borrowed(src),
    }
}

// ---------------------------------------------------------------------------
// Tokens with exact spans

/// What the extractor needs of a start tag.
struct StartTag {
    name: String,
    self_closing: bool,
    attributes: Attributes,
}

/// Attributes in source order; the first of duplicates wins, as in browsers.
#[derive(Default)]
struct Attributes(Vec<(String, String)>);

impl Attributes {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The emitter: builds tags, gives every piece of text its exact span (an
/// offset into the work string) and hands both to the [`Extractor`].
struct Sink<'w, 'x> {
    work: &'w str,
    ex: &'x mut Extractor<'w>,
    /// Reader position, as the tokenizer moves it.
    pos: usize,
    /// Where the previous token ended: the next piece of text starts here.
    end: usize,
    tag_start: usize,
    /// A `<` was read since the last token (it may have been dropped).
    open: Option<usize>,
    is_end_tag: bool,
    self_closing: bool,
    name: Vec<u8>,
    /// For the appropriate-end-tag check in raw text.
    last_start: Vec<u8>,
    attributes: Attributes,
    attr_name: Vec<u8>,
    attr_value: Vec<u8>,
}

impl<'w, 'x> Sink<'w, 'x> {
    fn new(work: &'w str, ex: &'x mut Extractor<'w>) -> Self {
        Sink {
            work,
            ex,
            pos: 0,
            end: 0,
            tag_start: 0,
            open: None,
            is_end_tag: false,
            self_closing: false,
            name: Vec::new(),
            last_start: Vec::new(),
            attributes: Attributes::default(),
            attr_name: Vec::new(),
            attr_value: Vec::new(),
        }
    }

    /// One piece of text: literal source text, or one decoded reference
    /// (never both), or a CRLF read as LF, or a NUL.
    fn text(&mut self, s: &[u8]) {
        // The tokenizer sends an empty piece after a CRLF in raw text.
        if s.is_empty() {
            return;
        }
        let work = self.work;
        // `</>` is dropped without a token: skip any before this piece
        // (in raw text it is text, and this piece starts with it).
        if self.open.take().is_some_and(|o| o >= self.end) && !s.starts_with(b"</") {
            while work
                .get(self.end..)
                .is_some_and(|rest| rest.starts_with("</>"))
            {
                self.end += 3;
            }
        }
        let start = self.end;
        let bytes = work.as_bytes();
        let at = |end: usize| bytes.get(start..end) == Some(s);
        // After the look-ahead of a `</` that does not close raw text, the
        // position is one byte late; the `<` cannot begin a reference.
        let literal = if at(self.pos) || (s.first() == Some(&b'<') && at(start + s.len())) {
            start + s.len()
        } else {
            start
        };
        if literal > start {
            self.end = literal;
            // The look-ahead after a reference may split a multi-byte char
            // over two pieces: a char is sent with the piece that ends it.
            let (from, to) = (char_floor(work, start), char_floor(work, literal));
            let Some(run) = work.get(from..to) else {
                return;
            };
            let mut buf = [0u8; 4];
            for (i, c) in run.char_indices() {
                let at = from + i;
                let span = at..at + c.len_utf8();
                self.ex.text(c.encode_utf8(&mut buf), span, true);
            }
            return;
        }
        let end = match bytes.get(start) {
            // CRLF read as one LF: it maps to the CR; the LF is skipped.
            Some(b'\r') if bytes.get(start + 1) == Some(&b'\n') => {
                self.end = start + 2;
                self.ex.text("\n", start..start + 1, false);
                return;
            }
            // A NUL (read as itself or as U+FFFD) is dropped, like literal NULs.
            Some(0) => {
                self.end = start + 1;
                return;
            }
            _ => self.pos,
        };
        let end = if end > start && work.is_char_boundary(end) {
            end
        } else {
            start
        };
        self.end = end;
        self.ex.text(&String::from_utf8_lossy(s), start..end, false);
    }

    fn flush_attribute(&mut self) {
        if self.attr_name.is_empty() {
            return;
        }
        let name = String::from_utf8_lossy(&self.attr_name);
        if self.attributes.get(&name).is_none() {
            let value = String::from_utf8_lossy(&self.attr_value).into_owned();
            self.attributes.0.push((name.into_owned(), value));
        }
        self.attr_name.clear();
        self.attr_value.clear();
    }
}

/// The nearest char boundary at or before `i`.
fn char_floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl Emitter for Sink<'_, '_> {
    type Token = Infallible;

    fn move_position(&mut self, offset: isize) {
        self.pos = self.pos.saturating_add_signed(offset);
    }

    fn set_last_start_tag(&mut self, last_start_tag: Option<&[u8]>) {
        self.last_start.clear();
        self.last_start.extend(last_start_tag.unwrap_or_default());
    }

    fn emit_eof(&mut self) {}

    fn emit_error(&mut self, _: Error) {}

    fn should_emit_errors(&mut self) -> bool {
        false
    }

    fn pop_token(&mut self) -> Option<Infallible> {
        None
    }

    fn emit_string(&mut self, s: &[u8]) {
        self.text(s);
    }

    fn init_start_tag(&mut self) {
        self.is_end_tag = false;
        self.self_closing = false;
        self.name.clear();
        self.attributes.0.clear();
        self.attr_name.clear();
        self.attr_value.clear();
    }

    fn init_end_tag(&mut self) {
        self.init_start_tag();
        self.is_end_tag = true;
    }

    fn init_comment(&mut self) {}

    fn emit_current_tag(&mut self) -> Option<State> {
        self.flush_attribute();
        // Never before the previous token: keeps every map monotonic.
        let span = self.tag_start.max(self.end).min(self.pos)..self.pos;
        self.end = self.pos;
        let name = String::from_utf8_lossy(&self.name).into_owned();
        if self.is_end_tag {
            self.ex.end_tag(&name, span);
            return None;
        }
        self.last_start.clone_from(&self.name);
        // What a parser would switch to for these elements (no tree, so
        // `<script>` in SVG is treated as HTML's too).
        let state = match name.as_str() {
            "title" | "textarea" => Some(State::RcData),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(State::RawText),
            "script" => Some(State::ScriptData),
            "plaintext" => Some(State::PlainText),
            _ => None,
        };
        let tag = StartTag {
            name,
            self_closing: self.self_closing,
            attributes: std::mem::take(&mut self.attributes),
        };
        self.ex.start_tag(tag, span);
        state
    }

    fn emit_current_comment(&mut self) {
        self.end = self.pos;
    }

    fn emit_current_doctype(&mut self) {
        self.end = self.pos;
    }

    fn set_self_closing(&mut self) {
        self.self_closing = !self.is_end_tag;
    }

    fn set_force_quirks(&mut self) {}

    fn push_tag_name(&mut self, s: &[u8]) {
        self.name.extend_from_slice(s);
    }

    fn push_comment(&mut self, _: &[u8]) {}

    fn push_doctype_name(&mut self, _: &[u8]) {}

    fn init_doctype(&mut self) {}

    fn init_attribute(&mut self) {
        self.flush_attribute();
    }

    fn push_attribute_name(&mut self, s: &[u8]) {
        self.attr_name.extend_from_slice(s);
    }

    fn push_attribute_value(&mut self, s: &[u8]) {
        self.attr_value.extend_from_slice(s);
    }

    fn set_doctype_public_identifier(&mut self, _: &[u8]) {}

    fn set_doctype_system_identifier(&mut self, _: &[u8]) {}

    fn push_doctype_public_identifier(&mut self, _: &[u8]) {}

    fn push_doctype_system_identifier(&mut self, _: &[u8]) {}

    fn start_open_tag(&mut self) {
        // Called just after the `<` was read.
        self.tag_start = self.pos.saturating_sub(1);
        self.open = Some(self.tag_start);
    }

    fn current_is_appropriate_end_tag_token(&mut self) -> bool {
        self.is_end_tag && !self.last_start.is_empty() && self.name == self.last_start
    }
}

// ---------------------------------------------------------------------------
// Element classes

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "hr"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Elements whose content is never shown as text. (`<head>` needs no entry:
/// everything it may hold is void or listed here, and stray text in it is
/// rendered in the body by browsers too.)
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "title"
            | "svg"
            | "iframe"
            | "object"
            | "noembed"
            | "noframes"
    )
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "frameset"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "listing"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "optgroup"
            | "option"
            | "p"
            | "plaintext"
            | "pre"
            | "search"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
            | "xmp"
    ) || heading_level(name) > 0
}

/// Start tags that close an open `<p>`.
fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "header"
            | "hgroup"
            | "hr"
            | "li"
            | "listing"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "plaintext"
            | "pre"
            | "search"
            | "section"
            | "summary"
            | "table"
            | "ul"
            | "xmp"
    ) || heading_level(name) > 0
}

fn is_table_part(name: &str) -> bool {
    matches!(
        name,
        "table" | "caption" | "colgroup" | "tbody" | "thead" | "tfoot" | "tr" | "td" | "th"
    )
}

fn heading_level(name: &str) -> u8 {
    match name.as_bytes() {
        [b'h', d @ b'1'..=b'6'] => d - b'0',
        _ => 0,
    }
}

/// Boilerplate words found in an `id` or `class` value.
#[derive(Default)]
struct Markers {
    /// Navigation, menus, sidebars, skip links.
    nav: bool,
    /// Site header or footer (not boilerplate inside an article).
    header: bool,
}

impl Markers {
    fn scan(&mut self, value: Option<&str>) {
        for token in value.unwrap_or("").split_ascii_whitespace() {
            let lower = token.to_ascii_lowercase();
            // State flags on wrappers ("has-sidebar", "no-header") describe
            // the layout around the content, not the element itself.
            if ["has-", "has_", "no-", "no_", "with-", "with_"]
                .iter()
                .any(|p| lower.starts_with(p))
            {
                continue;
            }
            // The header or footer of a piece of content ("letter-footer",
            // "article-header", "entry-footer") is part of that content: a
            // letter's signature with the company's address is policy text.
            let content_part = lower.split(['-', '_']).any(|p| {
                matches!(
                    p,
                    "letter"
                        | "article"
                        | "post"
                        | "entry"
                        | "card"
                        | "content"
                        | "contents"
                        | "policy"
                        | "privacy"
                        | "priv"
                        | "terms"
                        | "message"
                        | "signature"
                        | "table"
                        | "section"
                )
            });
            // Whole words or '-'/'_'-separated parts; the hyphenated keywords
            // (global-nav, site-header, site-footer) are covered by their parts.
            for part in lower.split(['-', '_']) {
                match part {
                    "nav" | "navbar" | "navigation" | "menu" | "breadcrumb" | "breadcrumbs"
                    | "sidebar" | "gnav" | "globalnav" | "skip" => self.nav = true,
                    "header" | "footer" if !content_part => self.header = true,
                    _ => {}
                }
            }
        }
    }
}

/// Parses `colspan`/`rowspan` leniently (leading digits), clamped to `1..=max`.
fn span_attr(value: Option<&str>, max: u32) -> u32 {
    let digits = value
        .unwrap_or("")
        .trim_start_matches(|c: char| c.is_ascii_whitespace())
        .trim_start_matches('+');
    digits
        .bytes()
        .take_while(u8::is_ascii_digit)
        .take(9)
        .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'))
        .clamp(1, max)
}

// ---------------------------------------------------------------------------
// Tree building and block extraction

/// What an element passes on to its content.
#[derive(Debug, Clone, Copy)]
struct Ctx {
    boilerplate: bool,
    /// Inside `<main>` or `role="main"`.
    main: bool,
    /// Inside main/article/section: a `<header>` here is the article's own.
    article: bool,
    pre: bool,
    /// Enclosing `ul`/`ol` (list depth).
    lists: u8,
    /// Enclosing tables; 1 = cells belong to the live table.
    tables: u16,
    cell: Option<CellRef>,
    /// Stack index of the heading or list item that gives blocks their kind.
    kind_from: Option<usize>,
}

const ROOT: Ctx = Ctx {
    boilerplate: false,
    main: false,
    article: false,
    pre: false,
    lists: 0,
    tables: 0,
    cell: None,
    kind_from: None,
};

struct Elem {
    name: String,
    block: bool,
    heading: u8,
    /// For `li`: its first block was already emitted as a list item, later
    /// ones are continuation paragraphs.
    item_used: bool,
    ctx: Ctx,
}

/// The outermost table, whose cells get [`CellRef`]s (nested tables are
/// flattened into its cells).
struct LiveTable {
    index: u32,
    row: Option<u32>,
    col: u32,
    in_row: bool,
    /// Per column, the first row no longer covered by a `rowspan`.
    occupied: Vec<u32>,
}

impl LiveTable {
    fn new_row(&mut self) {
        self.row = Some(self.row.map_or(0, |r| r.saturating_add(1)));
        self.col = 0;
        self.in_row = true;
    }

    fn place(&mut self, colspan: u32, rowspan: u32) -> CellRef {
        let row = self.row.unwrap_or(0);
        while let Some(&until) = self.occupied.get(self.col as usize)
            && until > row
        {
            self.col += 1;
        }
        let cell = CellRef {
            table: self.index,
            row,
            col: self.col,
        };
        if rowspan > 1 {
            let until = row.saturating_add(rowspan);
            let first = self.col as usize;
            let end = first.saturating_add(colspan as usize).min(MAX_TRACKED_COLS);
            if self.occupied.len() < end {
                self.occupied.resize(end, 0);
            }
            for slot in self.occupied.iter_mut().take(end).skip(first) {
                *slot = (*slot).max(until);
            }
        }
        self.col = self.col.saturating_add(colspan);
        cell
    }
}

/// An element whose content is dropped, up to its matching end tag.
struct Skip {
    name: String,
    /// Nested elements of the same name still open.
    depth: u32,
}

/// Collapsed whitespace waiting for the next visible char.
struct Ws {
    /// The first contiguous run of the collapsed whitespace.
    span: Range<usize>,
    /// Exactly one verbatim space: copied linearly.
    single: bool,
}

/// The block being built.
struct Current {
    text: MappedText,
    /// Verbatim bytes (work offsets) not yet copied into `text`.
    lin: Option<Range<usize>>,
    ws: Option<Ws>,
    last: Option<char>,
    kind: BlockKind,
    cell: Option<CellRef>,
    /// Every visible char so far was boilerplate.
    boilerplate: bool,
    main: bool,
}

impl Current {
    fn new() -> Self {
        Current {
            text: MappedText::new(),
            lin: None,
            ws: None,
            last: None,
            kind: BlockKind::Paragraph,
            cell: None,
            boilerplate: true,
            main: false,
        }
    }

    fn is_empty(&self) -> bool {
        self.text.is_empty() && self.lin.is_none()
    }

    fn push_verbatim(&mut self, span: Range<usize>, work: &str, base: usize) {
        if let Some(l) = &mut self.lin
            && l.end == span.start
        {
            l.end = span.end;
            return;
        }
        self.flush_lin(work, base);
        self.lin = Some(span);
    }

    fn push_atomic(&mut self, s: &str, span: Range<usize>, work: &str, base: usize) {
        self.flush_lin(work, base);
        self.text.push_atomic(s, base + span.start..base + span.end);
    }

    fn flush_lin(&mut self, work: &str, base: usize) {
        if let Some(l) = self.lin.take()
            && let Some(s) = work.get(l.clone())
        {
            self.text.push_linear(s, base + l.start);
        }
    }
}

struct Extractor<'w> {
    work: &'w str,
    /// Offset of `work` in the caller's text.
    base: usize,
    blocks: Vec<Block>,
    /// Per block: it lies inside `<main>`.
    in_main: Vec<bool>,
    stack: Vec<Elem>,
    /// Elements opened beyond [`MAX_DEPTH`] (name, block-level), kept only to
    /// match their end tags.
    overflow: Vec<(String, bool)>,
    skip: Option<Skip>,
    /// Inside `<rt>`/`<rp>`: ruby readings are dropped so that the base text
    /// reads as written. Their end tags are often omitted, so this ends at
    /// the next block boundary too.
    ruby: bool,
    /// Inside a Vue single-file component's top-level <template>: its
    /// nested <template>s (v-if, v-for groups) are rendered too.
    vue: bool,
    doc_has_main: bool,
    table: Option<LiveTable>,
    tables: u32,
    cur: Current,
    /// The `<a href>` open: its target and where its text starts.
    open_link: Option<(String, usize)>,
    /// Links closed since the last block was emitted: they belong to the
    /// next block emitted (normally the one that holds their text).
    links: Vec<Link>,
}

impl<'w> Extractor<'w> {
    fn new(work: &'w str, base: usize) -> Self {
        Extractor {
            work,
            base,
            blocks: Vec::new(),
            in_main: Vec::new(),
            stack: Vec::new(),
            overflow: Vec::new(),
            skip: None,
            ruby: false,
            vue: false,
            doc_has_main: false,
            table: None,
            tables: 0,
            cur: Current::new(),
            open_link: None,
            links: Vec::new(),
        }
    }

    fn ctx(&self) -> Ctx {
        self.stack.last().map_or(ROOT, |e| e.ctx)
    }

    fn into_blocks(mut self) -> Vec<Block> {
        self.finish();
        if self.doc_has_main {
            for (b, &m) in self.blocks.iter_mut().zip(&self.in_main) {
                if !m {
                    b.boilerplate = true;
                }
            }
        }
        self.blocks
    }

    /// Text from the sink: one char, or the chars of one reference.
    fn text(&mut self, s: &str, span: Range<usize>, verbatim: bool) {
        if self.skip.is_some() || self.ruby || s.contains('\0') {
            return;
        }
        let (work, base) = (self.work, self.base);
        let ctx = self.ctx();
        let mut chars = s.chars();
        let space =
            matches!((chars.next(), chars.next()), (Some(c), None) if c.is_ascii_whitespace());
        if space {
            if self.cur.is_empty() {
                return;
            }
            if !ctx.pre {
                match &mut self.cur.ws {
                    None => {
                        self.cur.ws = Some(Ws {
                            span,
                            single: verbatim && s == " ",
                        });
                    }
                    Some(w) if w.span.end == span.start => {
                        w.span.end = span.end;
                        w.single = false;
                    }
                    // Whitespace after markup in between: the space keeps
                    // mapping to the first run only.
                    Some(_) => {}
                }
                return;
            }
        }
        // Collapsed whitespace before this char (also before preformatted
        // whitespace, so the map stays in source order).
        if let Some(w) = self.cur.ws.take()
            && self.cur.last != Some('\n')
        {
            if w.single {
                self.cur.push_verbatim(w.span, work, base);
            } else {
                self.cur.push_atomic(" ", w.span, work, base);
            }
        }
        if !space {
            if self.cur.is_empty() {
                self.cur.kind = self.block_kind();
                self.cur.cell = ctx.cell;
            }
            self.cur.boilerplate &= ctx.boilerplate;
            self.cur.main |= ctx.main;
        }
        if verbatim {
            self.cur.push_verbatim(span, work, base);
        } else {
            self.cur.push_atomic(s, span, work, base);
        }
        self.cur.last = s.chars().last();
    }

    /// `<br>`: a line break inside the current block.
    fn line_break(&mut self, span: Range<usize>) {
        if self.skip.is_some() || self.ruby || self.cur.is_empty() {
            return;
        }
        self.cur.ws = None;
        self.cur.push_atomic("\n", span, self.work, self.base);
        self.cur.last = Some('\n');
    }

    fn block_kind(&mut self) -> BlockKind {
        let Some(e) = self.ctx().kind_from.and_then(|i| self.stack.get_mut(i)) else {
            return BlockKind::Paragraph;
        };
        if e.heading > 0 {
            BlockKind::Heading { level: e.heading }
        } else if !e.item_used {
            e.item_used = true;
            BlockKind::ListItem {
                depth: e.ctx.lists.max(1),
            }
        } else {
            BlockKind::Paragraph
        }
    }

    /// End the current block, emitting it if it has visible text.
    fn finish(&mut self) {
        let mut cur = std::mem::replace(&mut self.cur, Current::new());
        cur.flush_lin(self.work, self.base);
        cur.text.trim_end_matches(|c| c.is_ascii_whitespace());
        if cur.text.text.chars().any(|c| !c.is_whitespace()) {
            self.blocks.push(Block {
                kind: cur.kind,
                text: cur.text,
                boilerplate: cur.boilerplate,
                cell: cur.cell,
                links: std::mem::take(&mut self.links),
            });
            self.in_main.push(cur.main);
        }
    }

    fn start_tag(&mut self, tag: StartTag, span: Range<usize>) {
        let name = tag.name.as_str();
        if let Some(skip) = &mut self.skip {
            if skip.name == name && !tag.self_closing {
                skip.depth = skip.depth.saturating_add(1);
            }
            return;
        }
        if self.ruby {
            if matches!(name, "rt" | "rp") {
                return;
            }
            if is_skipped(name) {
                return self.begin_skip(tag);
            }
            if !is_block(name) {
                return;
            }
            self.ruby = false;
        }
        if name == "a"
            && let Some(href) = tag.attributes.get("href")
        {
            self.open_link = Some((href.trim().to_string(), self.base + span.end));
        }
        match name {
            "br" => return self.line_break(span),
            "head" => return,
            "rt" | "rp" => {
                self.ruby = true;
                return;
            }
            // A Vue single-file component: its top-level <template> is the
            // page (elsewhere a <template>'s content is inert).
            "template" if (self.vue || self.stack.is_empty()) && !tag.self_closing => {
                self.vue = true;
            }
            _ if is_skipped(name) => return self.begin_skip(tag),
            _ => {}
        }
        let block = is_block(name);
        if block {
            self.finish();
        }
        if is_void(name) {
            return;
        }
        if self.overflow.is_empty() {
            self.implied_ends(name);
        }
        if !self.overflow.is_empty() || self.stack.len() >= MAX_DEPTH {
            // Too deep: transparent. Siblings that close each other still do,
            // so long flat runs of them do not pile up.
            if let Some((last, _)) = self.overflow.last()
                && last == name
                && matches!(
                    name,
                    "p" | "li" | "dd" | "dt" | "td" | "th" | "tr" | "option"
                )
            {
                self.overflow.pop();
            }
            self.overflow.push((tag.name, block));
            return;
        }
        let cell = self.table_accounting(&tag);
        let elem = self.new_elem(tag, block, cell);
        if elem.ctx.main {
            self.doc_has_main = true;
        }
        self.stack.push(elem);
    }

    fn begin_skip(&mut self, tag: StartTag) {
        // Raw-text elements (script, style, …) switch the tokenizer until their
        // end tag even when written `<x/>`; the others may really be empty.
        if tag.self_closing
            && matches!(
                tag.name.as_str(),
                "svg" | "object" | "noscript" | "template"
            )
        {
            return;
        }
        self.skip = Some(Skip {
            name: tag.name,
            depth: 0,
        });
    }

    fn end_tag(&mut self, name: &str, span: Range<usize>) {
        if let Some(skip) = &mut self.skip {
            if skip.name == name {
                if skip.depth == 0 {
                    self.skip = None;
                } else {
                    skip.depth -= 1;
                }
            }
            return;
        }
        if self.ruby {
            match name {
                "rt" | "rp" => {
                    self.ruby = false;
                    return;
                }
                "ruby" => self.ruby = false,
                _ if is_block(name) => self.ruby = false,
                _ => return,
            }
        }
        if name == "a"
            && let Some((target, start)) = self.open_link.take()
        {
            let end = (self.base + span.start).max(start);
            self.links.push(Link {
                target,
                span: start..end,
            });
        }
        match name {
            "br" => return self.line_break(span),
            // Content after </body> is still body content.
            "html" | "body" | "head" | "rt" | "rp" => return,
            _ => {}
        }
        let block = is_block(name);
        if !self.overflow.is_empty() {
            let lo = self.overflow.len().saturating_sub(OVERFLOW_SEARCH);
            if let Some(i) = self.overflow[lo..].iter().rposition(|(n, _)| n == name) {
                if self.overflow[lo + i..].iter().any(|&(_, b)| b) {
                    self.finish();
                }
                self.overflow.truncate(lo + i);
                return;
            }
        }
        if name == "tr" && self.close_implied_row() {
            return;
        }
        // Only table parts may close elements outside the current cell.
        let stops: &[&str] = if is_table_part(name) {
            &["table"]
        } else {
            &["table", "td", "th", "caption"]
        };
        for i in (0..self.stack.len()).rev() {
            let open = self.stack[i].name.as_str();
            if open == name {
                return self.pop_to(i);
            }
            if stops.contains(&open) {
                break;
            }
        }
        // An unmatched block end tag (a stray </p>) still separates text.
        if block {
            self.finish();
        }
    }

    /// `</tr>` for a row a bare `<td>` opened (no `tr` element was pushed):
    /// close the cell and end the row. False when a `tr` is open.
    fn close_implied_row(&mut self) -> bool {
        let Some(t) = self.stack.iter().rposition(|e| e.name == "table") else {
            return false;
        };
        if self.stack[t..].iter().any(|e| e.name == "tr") {
            return false;
        }
        self.clear_table_to(&["tbody", "thead", "tfoot", "table"]);
        if self.stack[t].ctx.tables == 1
            && let Some(live) = &mut self.table
        {
            live.in_row = false;
        }
        true
    }

    /// Pop the elements at stack index `i` and above.
    fn pop_to(&mut self, i: usize) {
        if i >= self.stack.len() {
            return;
        }
        if !self.overflow.is_empty() || self.stack[i..].iter().any(|e| e.block) {
            self.finish();
        }
        // Overflow elements are descendants of every stacked element.
        self.overflow.clear();
        for e in self.stack.drain(i..) {
            if e.ctx.tables == 1 {
                match e.name.as_str() {
                    "tr" => {
                        if let Some(t) = &mut self.table {
                            t.in_row = false;
                        }
                    }
                    "table" => self.table = None,
                    _ => {}
                }
            }
        }
    }

    /// Close what HTML authors leave open (`</p>`, `</li>`, `</td>`, `</tr>`).
    fn implied_ends(&mut self, name: &str) {
        if closes_p(name) {
            self.close_p();
        }
        match name {
            // A heading directly inside a heading closes it.
            _ if heading_level(name) > 0 && self.stack.last().is_some_and(|e| e.heading > 0) => {
                self.pop_to(self.stack.len() - 1);
            }
            "li" => self.close_item(&["li"]),
            "dd" | "dt" => self.close_item(&["dd", "dt"]),
            "td" | "th" => self.clear_table_to(&["tr", "tbody", "thead", "tfoot", "table"]),
            "tr" => self.clear_table_to(&["tbody", "thead", "tfoot", "table"]),
            "tbody" | "thead" | "tfoot" | "caption" | "colgroup" => self.clear_table_to(&["table"]),
            "option" | "optgroup" if self.stack.last().is_some_and(|e| e.name == "option") => {
                self.pop_to(self.stack.len() - 1);
            }
            _ => {}
        }
    }

    /// Close an open `<p>` in button scope.
    fn close_p(&mut self) {
        for i in (0..self.stack.len()).rev() {
            match self.stack[i].name.as_str() {
                "p" => return self.pop_to(i),
                "html" | "table" | "td" | "th" | "caption" | "marquee" | "object" | "template"
                | "applet" | "button" => return,
                _ => {}
            }
        }
    }

    /// Close the previous item of the same list (`li`, or `dd`/`dt`).
    fn close_item(&mut self, names: &[&str]) {
        for i in (0..self.stack.len()).rev() {
            let e = &self.stack[i];
            if names.contains(&e.name.as_str()) {
                return self.pop_to(i);
            }
            if e.block && !matches!(e.name.as_str(), "address" | "div" | "p") {
                return;
            }
        }
    }

    /// Within the nearest table, pop everything above the nearest element
    /// named in `stops` (which includes or implies `table`).
    fn clear_table_to(&mut self, stops: &[&str]) {
        let Some(t) = self.stack.iter().rposition(|e| e.name == "table") else {
            return;
        };
        if let Some(i) = (t..self.stack.len())
            .rev()
            .find(|&i| stops.contains(&self.stack[i].name.as_str()))
        {
            self.pop_to(i + 1);
        }
    }

    /// Row and column bookkeeping of the live table; the cell a new element
    /// belongs to.
    fn table_accounting(&mut self, tag: &StartTag) -> Option<CellRef> {
        let parent = self.ctx();
        let name = tag.name.as_str();
        if name == "table" && parent.tables == 0 {
            self.table = Some(LiveTable {
                index: self.tables,
                row: None,
                col: 0,
                in_row: false,
                occupied: Vec::new(),
            });
            self.tables = self.tables.saturating_add(1);
            return parent.cell;
        }
        if parent.tables != 1 {
            return parent.cell;
        }
        let Some(t) = &mut self.table else {
            return parent.cell;
        };
        match name {
            "tr" => t.new_row(),
            "td" | "th" => {
                if !t.in_row {
                    t.new_row();
                }
                let colspan = span_attr(tag.attributes.get("colspan"), 1000);
                let rowspan = span_attr(tag.attributes.get("rowspan"), 65534);
                return Some(t.place(colspan, rowspan));
            }
            "tbody" | "thead" | "tfoot" => t.in_row = false,
            _ => {}
        }
        parent.cell
    }

    fn new_elem(&self, tag: StartTag, block: bool, cell: Option<CellRef>) -> Elem {
        let parent = self.ctx();
        let StartTag {
            name, attributes, ..
        } = tag;
        let n = name.as_str();
        let role = attributes.get("role").unwrap_or("");
        let role_is = |r: &str| {
            role.split_ascii_whitespace()
                .any(|t| t.eq_ignore_ascii_case(r))
        };
        let main = n == "main" || role_is("main");
        let mut markers = Markers::default();
        // Page-level classes ("page-template has-sidebar") say nothing about
        // the content itself.
        if !main && !matches!(n, "html" | "body" | "article") {
            markers.scan(attributes.get("id"));
            markers.scan(attributes.get("class"));
        }
        let own_boilerplate = matches!(n, "nav" | "aside" | "search")
            || [
                "navigation",
                "banner",
                "contentinfo",
                "complementary",
                "search",
            ]
            .into_iter()
            .any(role_is)
            || markers.nav
            || ((matches!(n, "header" | "footer") || markers.header) && !parent.article);
        let heading = heading_level(n);
        let kind_from = if heading > 0 || n == "li" {
            Some(self.stack.len())
        } else if matches!(n, "td" | "th" | "caption") {
            None
        } else {
            parent.kind_from
        };
        let ctx = Ctx {
            // The author's main content is never boilerplate.
            boilerplate: !main && (parent.boilerplate || own_boilerplate),
            main: parent.main || main,
            article: parent.article
                || main
                || matches!(n, "article" | "section")
                || role_is("article"),
            pre: parent.pre || matches!(n, "pre" | "listing" | "xmp" | "plaintext" | "textarea"),
            lists: if matches!(n, "ul" | "ol" | "menu" | "dir") {
                parent.lists.saturating_add(1)
            } else {
                parent.lists
            },
            tables: parent.tables.saturating_add(u16::from(n == "table")),
            cell,
            kind_from,
        };
        Elem {
            name,
            block,
            heading,
            item_used: false,
            ctx,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn blocks(html: &str) -> Vec<Block> {
        extract(html, 0..html.len())
    }

    fn texts(bs: &[Block]) -> Vec<&str> {
        bs.iter().map(|b| b.text.text.as_str()).collect()
    }

    /// Source text behind the first occurrence of `needle` in the block text.
    fn src_of<'a>(src: &'a str, b: &Block, needle: &str) -> &'a str {
        let i = b.text.text.find(needle).expect("needle in block text");
        &src[b.text.to_src(i..i + needle.len())]
    }

    #[test]
    fn hidden_email_decodes_and_maps_to_the_reference() {
        let html = "<p>窓口：info&#64;example&#46;co&#46;jp まで</p>";
        let b = blocks(html);
        assert_eq!(texts(&b), ["窓口：info@example.co.jp まで"]);
        let at = b[0].text.text.find('@').unwrap();
        let at_src = html.find("&#64;").unwrap();
        assert_eq!(b[0].text.to_src(at..at + 1), at_src..at_src + 5);
        assert_eq!(
            src_of(html, &b[0], "info@example.co.jp"),
            "info&#64;example&#46;co&#46;jp"
        );
    }

    #[test]
    fn script_ends_at_its_end_tag_after_false_end_tags() {
        // html5tokenizer 0.5.2 never left the script here and lost the page.
        let html = "<script>a</b</c</script><p>本文</p>";
        assert_eq!(texts(&blocks(html)), ["本文"]);
    }

    #[test]
    fn raw_text_look_ahead_keeps_exact_spans() {
        // After `</b` the reader is one byte late; `</`, `b>` and the
        // reference must still map to their own bytes.
        let html = "<textarea>a</b>&lt;c</textarea>\0x";
        let b = blocks(html);
        assert_eq!(texts(&b), ["a</b><cx"]);
        assert_eq!(src_of(html, &b[0], "</b>"), "</b>");
        assert_eq!(src_of(html, &b[0], "<c"), "&lt;c");
        assert_eq!(src_of(html, &b[0], "cx"), "c</textarea>\0x");
    }

    #[test]
    fn an_empty_end_tag_in_raw_text_is_text() {
        // Outside raw text `</>` is dropped without a token; inside a
        // <textarea> it is text and maps to its own bytes.
        let html = "<textarea></>a</textarea><p></>b</p>";
        let b = blocks(html);
        assert_eq!(texts(&b), ["</>a", "b"]);
        assert_eq!(src_of(html, &b[0], "</>"), "</>");
        assert_eq!(src_of(html, &b[1], "b"), "b");
    }

    #[test]
    fn named_references_decode_with_exact_spans() {
        // The tokenizer reports a wrong end for named references; each one
        // must still map to exactly its own bytes, also next to multi-byte text.
        let html = "<p>A&amp;B &lt;C&gt;&nbsp;D&#x3000;E&amp;個人&copy;&#x60C5;報</p>";
        let b = blocks(html);
        assert_eq!(texts(&b), ["A&B <C>\u{a0}D\u{3000}E&個人©情報"]);
        let t = &b[0].text;
        let pairs = [
            (1, "&amp;"),
            (4, "&lt;"),
            (6, "&gt;"),
            (7, "&nbsp;"),
            (10, "&#x3000;"),
            (14, "&amp;"),
        ];
        let mut from = 0;
        for (out, want) in pairs {
            let c = t.text[out..].chars().next().unwrap();
            let r = t.to_src(out..out + c.len_utf8());
            assert_eq!(&html[r.clone()], want, "char {c:?}");
            assert!(r.start >= from);
            from = r.end;
        }
        assert_eq!(src_of(html, &b[0], "個人"), "個人");
        assert_eq!(src_of(html, &b[0], "©"), "&copy;");
        assert_eq!(src_of(html, &b[0], "情"), "&#x60C5;");
        assert_eq!(src_of(html, &b[0], "報"), "報");
        assert_eq!(src_of(html, &b[0], "E&個"), "E&amp;個");
    }

    #[test]
    fn tokenizer_span_quirks_are_repaired() {
        let html = "<p>a < b &notit; x&amp;<b>y</b> &#64x &NotEqualTilde;z</p>";
        let b = blocks(html);
        assert_eq!(texts(&b), ["a < b ¬it; x&y @x \u{2242}\u{338}z"]);
        assert_eq!(src_of(html, &b[0], "<"), "<");
        assert_eq!(src_of(html, &b[0], "¬"), "&not");
        assert_eq!(src_of(html, &b[0], "¬it;"), "&notit;");
        assert_eq!(src_of(html, &b[0], "x&y"), "x&amp;<b>y");
        assert_eq!(src_of(html, &b[0], "@"), "&#64");
        assert_eq!(src_of(html, &b[0], "\u{2242}"), "&NotEqualTilde;");
        assert_eq!(src_of(html, &b[0], "\u{338}"), "&NotEqualTilde;");
        assert_eq!(src_of(html, &b[0], "z"), "z");
    }

    #[test]
    fn dropped_content_never_appears() {
        let html = concat!(
            "<!DOCTYPE html><html><head><title>タイトル</title>",
            "<meta charset=utf-8><style>p{color:red}</style>",
            "<script>var a = \"<p>スクリプト</p>\";</script></head>",
            "<body><!-- コメント --><p>本文</p><noscript>JS無効</noscript>",
            "<svg><text>図</text><svg>入れ子</svg>図2</svg><template><p>雛形</p></template>",
            "<iframe src=x>枠</iframe><object>代替</object><svg/>",
            "<p>後文<script>document.write('<b>x</b>')</script>続き</p></body></html>",
        );
        assert_eq!(texts(&blocks(html)), ["本文", "後文続き"]);
    }

    #[test]
    fn headings_lists_and_implied_end_tags() {
        let html = concat!(
            "<h1>プライバシーポリシー</h1><p>前文<h2>第1条</h2>",
            "<ul><li>氏名<li>住所<ul><li>都道府県<li>市区町村</ul><li>電話番号</ul>",
            "<p>次の段落<p>最後<ol><li><p>項目</p><p>続き</p></ol>",
        );
        let b = blocks(html);
        let got: Vec<(BlockKind, &str)> =
            b.iter().map(|b| (b.kind, b.text.text.as_str())).collect();
        use BlockKind::*;
        assert_eq!(
            got,
            [
                (Heading { level: 1 }, "プライバシーポリシー"),
                (Paragraph, "前文"),
                (Heading { level: 2 }, "第1条"),
                (ListItem { depth: 1 }, "氏名"),
                (ListItem { depth: 1 }, "住所"),
                (ListItem { depth: 2 }, "都道府県"),
                (ListItem { depth: 2 }, "市区町村"),
                (ListItem { depth: 1 }, "電話番号"),
                (Paragraph, "次の段落"),
                (Paragraph, "最後"),
                (ListItem { depth: 1 }, "項目"),
                (Paragraph, "続き"),
            ]
        );
        assert!(b.iter().all(|b| !b.boilerplate && b.cell.is_none()));
    }

    #[test]
    fn whitespace_collapses_and_trims() {
        let html = "<div>\n  <p>\n   当社は、\n\t個人情報を   <b>適切</b>\n に取り扱います。A B  \n</p>\n</div><p>全角\u{3000}空白&nbsp;と\u{a0}NBSP</p><p> \u{3000} </p>";
        let b = blocks(html);
        assert_eq!(
            texts(&b),
            [
                "当社は、 個人情報を 適切 に取り扱います。A B",
                "全角\u{3000}空白\u{a0}と\u{a0}NBSP"
            ]
        );
        let first = html.find("当社").unwrap();
        let last = html.find("A B").unwrap() + 3;
        assert_eq!(b[0].src_range(), first..last);
        // A collapsed run maps to the run, a single space to itself.
        assert_eq!(src_of(html, &b[0], "、 個"), "、\n\t個");
        let sp = b[0].text.text.find("A B").unwrap() + 1;
        let r = b[0].text.to_src(sp..sp + 1);
        assert_eq!((&html[r.clone()], r.start), (" ", last - 2));
        assert_eq!(src_of(html, &b[0], "を 適"), "を   <b>適");
        // A lone newline is collapsed too, mapped to itself.
        let html = "<p>一文目。\n二文目。</p>";
        let b = blocks(html);
        assert_eq!(texts(&b), ["一文目。 二文目。"]);
        assert_eq!(src_of(html, &b[0], " "), "\n");
    }

    #[test]
    fn verbatim_text_is_one_linear_run() {
        let html = "<p>  abc def ghi</p>";
        let b = blocks(html);
        assert_eq!(b[0].text.text, "abc def ghi");
        assert_eq!(b[0].text.map.run_count(), 1);
        assert_eq!(b[0].src_range(), 5..16);
    }

    #[test]
    fn pre_keeps_whitespace_and_br_breaks_lines() {
        let html = "<pre>\n行1\n    行2\r\n行3\r行4  \n</pre><p>一行目<br>二行目 <br/>\n  三行目<br><br></p>";
        let b = blocks(html);
        assert_eq!(
            texts(&b),
            ["行1\n    行2\n行3\n行4", "一行目\n二行目\n三行目"]
        );
        // The lone CR comes out as LF mapped to the CR byte.
        let cr = html.find("\r行4").unwrap();
        let i = b[0].text.text.find("\n行4").unwrap();
        assert_eq!(b[0].text.to_src(i..i + 1), cr..cr + 1);
        assert_eq!(src_of(html, &b[1], "目\n二"), "目<br>二");
        assert_eq!(src_of(html, &b[1], "目\n三"), "目 <br/>\n  三");
        let i = b[1].text.text.find("\n三").unwrap();
        let br = html.find("<br/>").unwrap();
        assert_eq!(b[1].text.to_src(i..i + 1), br..br + 5);
    }

    /// Block texts with their boilerplate flags.
    fn flags(html: &str) -> Vec<(String, bool)> {
        blocks(html)
            .into_iter()
            .map(|b| (b.text.text, b.boilerplate))
            .collect()
    }

    fn owned(v: &[(&str, bool)]) -> Vec<(String, bool)> {
        v.iter().map(|&(t, b)| (t.to_string(), b)).collect()
    }

    #[test]
    fn boilerplate_by_element_role_and_class() {
        let html = concat!(
            "<body><header class=\"site-header\"><a href=\"/\">ロゴ</a></header>",
            "<nav><ul><li><a href=\"/contact\">お問い合わせ</a></li></ul></nav>",
            "<div class=\"global-nav\">メニュー</div>",
            "<div id=\"l-breadcrumbs\">ホーム &gt; 方針</div>",
            "<article><header><h1>プライバシーポリシー</h1></header>",
            "<p>お問い合わせ窓口は次のとおりです。</p>",
            "<p><a class=\"skip-link\" href=\"#\">本文へ</a></p>",
            "<p>詳しくは<a class=\"menu-link\" href=\"#\">こちら</a>。</p></article>",
            "<aside>関連リンク</aside><div role=\"contentinfo\">著作権表示</div>",
            "<div class=\"has-sidebar\">サイドバーのある本文</div><footer>フッター</footer></body>",
        );
        let mut got = flags(html);
        got.sort();
        let mut want = owned(&[
            ("ロゴ", true),
            ("お問い合わせ", true),
            ("メニュー", true),
            ("ホーム > 方針", true),
            ("プライバシーポリシー", false),
            ("お問い合わせ窓口は次のとおりです。", false),
            ("本文へ", true),
            ("詳しくはこちら。", false),
            ("関連リンク", true),
            ("著作権表示", true),
            ("サイドバーのある本文", false),
            ("フッター", true),
        ]);
        want.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn class_words_match_whole_parts_only() {
        let hit = |v: &str| {
            let mut m = Markers::default();
            m.scan(Some(v));
            (m.nav, m.header)
        };
        assert_eq!(hit("global-nav"), (true, false));
        assert_eq!(hit("x GNav"), (true, false));
        assert_eq!(hit("l-header__inner"), (false, true));
        assert_eq!(hit("site_footer"), (false, true));
        assert_eq!(hit("menu_item breadcrumb"), (true, false));
        assert_eq!(hit("canvas unavailable navy"), (false, false));
        assert_eq!(hit("has-sidebar no-header"), (false, false));
        // A footer of the content itself is content.
        assert_eq!(hit("letter-footer col-xs-12"), (false, false));
        assert_eq!(hit("entry_header"), (false, false));
        // The policy's own closing block (enactment date, signatory).
        assert_eq!(hit("priv_footer"), (false, false));
        assert_eq!(hit("privacy-footer"), (false, false));
        assert_eq!(hit("terms_header"), (false, false));
        assert_eq!(hit("footer-nav"), (true, true));
    }

    #[test]
    fn outside_main_is_boilerplate() {
        let html = concat!(
            "<body><div>サイト名</div><main><h1>個人情報保護方針</h1>",
            "<header>方針の見出し</header><p>本文</p><nav>目次</nav></main>",
            "<div>関連情報</div></body>",
        );
        let got = flags(html);
        let want = owned(&[
            ("サイト名", true),
            ("個人情報保護方針", false),
            ("方針の見出し", false),
            ("本文", false),
            ("目次", true),
            ("関連情報", true),
        ]);
        assert_eq!(got, want);

        let html = "<div>外</div><div role=\"main\" class=\"nav\"><p>内</p></div>";
        let bp: Vec<bool> = blocks(html).iter().map(|b| b.boilerplate).collect();
        assert_eq!(bp, [true, false]);
        // Without a main element nothing is boilerplate by position.
        assert!(!blocks("<div>外</div><p>内</p>")[0].boilerplate);
    }

    /// (table, row, col)
    type Cell = Option<(u32, u32, u32)>;

    fn cells(html: &str) -> Vec<(String, Cell)> {
        blocks(html)
            .into_iter()
            .map(|b| (b.text.text, b.cell.map(|c| (c.table, c.row, c.col))))
            .collect()
    }

    fn want(v: &[(&str, Cell)]) -> Vec<(String, Cell)> {
        v.iter().map(|(t, c)| (t.to_string(), *c)).collect()
    }

    #[test]
    fn table_cells_get_cell_refs() {
        let html = concat!(
            "<p>前</p><table>\n<tr><th>改定前</th><th>改定後</th></tr>\n",
            "<tr><td>第1条 旧</td><td><p>第1条 新</p><ul><li>項目A<li>項目B</ul></td></tr>\n",
            "<tr><td colspan=\"2\">備考<td>後\n</table>",
            "<table><thead><tr><th>H</thead><tbody><tr><td rowspan=2>A<td>B<tr><td>C</tbody></table>",
        );
        assert_eq!(
            cells(html),
            want(&[
                ("前", None),
                ("改定前", Some((0, 0, 0))),
                ("改定後", Some((0, 0, 1))),
                ("第1条 旧", Some((0, 1, 0))),
                ("第1条 新", Some((0, 1, 1))),
                ("項目A", Some((0, 1, 1))),
                ("項目B", Some((0, 1, 1))),
                ("備考", Some((0, 2, 0))),
                ("後", Some((0, 2, 2))),
                ("H", Some((1, 0, 0))),
                ("A", Some((1, 1, 0))),
                ("B", Some((1, 1, 1))),
                ("C", Some((1, 2, 1))),
            ])
        );
        let kinds: Vec<BlockKind> = blocks(html).iter().map(|b| b.kind).collect();
        assert_eq!(kinds[5], BlockKind::ListItem { depth: 1 });
    }

    #[test]
    fn cells_without_row_tags_get_implied_rows() {
        let html = "<table><td>a<td>b</tr><td>c</table>";
        assert_eq!(
            cells(html),
            want(&[
                ("a", Some((0, 0, 0))),
                ("b", Some((0, 0, 1))),
                ("c", Some((0, 1, 0))),
            ])
        );
    }

    #[test]
    fn nested_tables_flatten_into_the_outer_cell() {
        let html =
            "<table><tr><td>外<table><tr><td>内1<td>内2</table>後</td><td>隣</table><td>表外";
        assert_eq!(
            cells(html),
            want(&[
                ("外", Some((0, 0, 0))),
                ("内1", Some((0, 0, 0))),
                ("内2", Some((0, 0, 0))),
                ("後", Some((0, 0, 0))),
                ("隣", Some((0, 0, 1))),
                ("表外", None),
            ])
        );
    }

    #[test]
    fn fragment_offsets_are_relative_to_the_whole_text() {
        let text = "前\t<p>本文&#64;</p>\t後";
        let start = text.find('<').unwrap();
        let end = text.rfind('\t').unwrap();
        let b = extract(text, start..end);
        assert_eq!(texts(&b), ["本文@"]);
        assert_eq!(b[0].cell, None);
        let body = text.find("本文").unwrap();
        assert_eq!(b[0].src_range(), body..body + "本文&#64;".len());
        assert_eq!(src_of(text, &b[0], "@"), "&#64;");
        // Ranges that are not char boundaries or are reversed give nothing.
        assert!(extract(text, 1..2).is_empty());
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = extract(text, 5..3);
        assert!(reversed.is_empty());
        assert!(extract(text, 0..text.len() + 1).is_empty());
    }

    #[test]
    fn ruby_readings_are_dropped() {
        let html = "<p><ruby>個人<rp>(</rp><rt>こじん</rt><rp>)</rp></ruby>情報<ruby>漢<rt>かん</ruby></p><p><ruby>字<rt>じ</p><p>後";
        assert_eq!(texts(&blocks(html)), ["個人情報漢", "字", "後"]);
    }

    #[test]
    fn deep_nesting_is_linear_and_stack_safe() {
        let handle = std::thread::spawn(|| {
            let n = 100_000;
            let html = "<div>".repeat(n) + "深い本文" + &"</div>".repeat(n) + "<p>後</p>";
            let b = extract(&html, 0..html.len());
            assert_eq!(texts(&b), ["深い本文", "後"]);
            let at = html.find("深い").unwrap();
            assert_eq!(b[0].src_range(), at..at + "深い本文".len());

            let html =
                "<span><li><p>".repeat(n / 3) + "x" + &"</p></li></span>".repeat(n / 3) + "y";
            let b = extract(&html, 0..html.len());
            assert_eq!(texts(&b), ["x", "y"]);

            let html = "<b>".repeat(n) + "太字" + &"<td>".repeat(n);
            assert_eq!(texts(&extract(&html, 0..html.len())), ["太字"]);
        });
        assert!(handle.join().is_ok());
    }

    #[test]
    fn unterminated_markup_at_eof() {
        for html in [
            "<p>前文</p><!-- 閉じない <p>x</p>",
            "<p>前文</p><p class=\"x",
            "<p>前文<a href=",
            "<p>前文</p><script>var x = 1;",
            "<p>前文</p><!",
            "<p>前文</p><!DOCTYPE",
        ] {
            assert_eq!(texts(&blocks(html)), ["前文"], "{html}");
        }
        assert_eq!(texts(&blocks("<p>前文 &am")), ["前文 &am"]);
        // A '<' that opens nothing is text, as in browsers.
        assert_eq!(texts(&blocks("<p>前文</p></")), ["前文", "</"]);
        assert!(blocks("").is_empty());
        assert!(blocks("   \n ").is_empty());
    }

    const PIECES: &[&str] = &[
        "<p>",
        "</p>",
        "<div class=\"nav\">",
        "</div>",
        "<li>",
        "<ul>",
        "</ul>",
        "<table>",
        "<tr>",
        "<td colspan=2>",
        "<td rowspan=3>",
        "<th>",
        "</td>",
        "</table>",
        "<br>",
        "</br>",
        "<script>",
        "</script>",
        "<!--",
        "-->",
        "<pre>",
        "</pre>",
        "&amp;",
        "&#64;",
        "&not",
        "&NotEqualTilde;",
        "&#x3000;",
        "&#32;",
        "&",
        "<",
        ">",
        "</",
        "\r",
        "\n",
        "\r\n",
        " ",
        "\t",
        "\0",
        "<h2>",
        "<main>",
        "</main>",
        "<rt>",
        "<svg/>",
        "<svg>",
        "</svg>",
        "<title>",
        "</title>",
        "<b>",
        "</b>",
        "<header>",
        "<article>",
        "<!DOCTYPE html>",
        "<textarea>",
        "<plaintext>",
        "\"",
        "'",
        "=",
        "<a href=\"x&amp;y\">",
        "</a>",
        "<ruby>",
        "<rp>",
    ];

    fn html_like() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => prop::sample::select(PIECES).prop_map(str::to_string),
            2 => "[a-zあ-ん個人情報\u{3000}\u{a0};#x0-9 ]{0,4}",
            1 => any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..48).prop_map(|v| v.concat())
    }

    /// End of the character reference starting with the `&` at `start`, as
    /// far as its syntax goes: `&#` digits `;`?, `&#x` hex digits `;`?, `&`
    /// name `;`?.
    fn reference_end(bytes: &[u8], start: usize) -> usize {
        let mut i = start + 1;
        if bytes.get(i) == Some(&b'#') {
            i += 1;
            let hex = matches!(bytes.get(i), Some(b'x' | b'X'));
            if hex {
                i += 1;
            }
            while bytes.get(i).is_some_and(|b| {
                if hex {
                    b.is_ascii_hexdigit()
                } else {
                    b.is_ascii_digit()
                }
            }) {
                i += 1;
            }
        } else {
            while bytes.get(i).is_some_and(u8::is_ascii_alphanumeric) {
                i += 1;
            }
        }
        if bytes.get(i) == Some(&b';') {
            i += 1;
        }
        i.min(bytes.len())
    }

    /// Whitespace and references (to whitespace), nothing else.
    fn is_space_run(s: &str) -> bool {
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'&' {
                let e = reference_end(b, i);
                if e <= i + 2 {
                    return false;
                }
                i = e;
            } else if b[i].is_ascii_whitespace() {
                i += 1;
            } else {
                return false;
            }
        }
        !s.is_empty()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn extraction_is_total_and_maps_stay_sane(
            prefix in "[前後\ta-z<&]{0,3}",
            body in html_like(),
            suffix in "[前後\ta-z>;]{0,3}",
        ) {
            let text = format!("{prefix}{body}{suffix}");
            let range = prefix.len()..prefix.len() + body.len();
            let bs = extract(&text, range.clone());
            for b in &bs {
                let t = &b.text.text;
                prop_assert!(t.chars().any(|c| !c.is_whitespace()), "blank block {t:?}");
                prop_assert_eq!(t.trim_matches(|c: char| c.is_ascii_whitespace()), t.as_str());
                let bounds: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
                for (a, &j) in bounds.iter().enumerate().skip(1) {
                    let mut prev = range.start;
                    for &i in &bounds[..a] {
                        let r = b.text.to_src(i..j);
                        prop_assert!(range.start <= r.start && r.start <= r.end && r.end <= range.end,
                            "{r:?} outside {range:?}");
                        prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                        prop_assert!(r.start >= prev, "not monotonic");
                        prev = r.start;
                    }
                }
                // Every char maps to itself, a reference, collapsed
                // whitespace or a line break's markup.
                for (i, c) in t.char_indices() {
                    let s = &text[b.text.to_src(i..i + c.len_utf8())];
                    let is_ref = s.starts_with('&') && s.len() > 1
                        && s[1..].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'#' || b == b';');
                    let ok = s.chars().eq([c])
                        || is_ref
                        || (c == ' ' && is_space_run(s))
                        || (c == '\n' && (s == "\r" || s.starts_with('<')));
                    prop_assert!(ok, "{c:?} maps to {s:?} in {t:?}");
                }
            }
            // The same HTML on its own gives the same blocks, shifted.
            let alone = extract(&body, 0..body.len());
            prop_assert_eq!(alone.len(), bs.len());
            for (x, y) in alone.iter().zip(&bs) {
                prop_assert_eq!(&x.text.text, &y.text.text);
                let (rx, ry) = (x.src_range(), y.src_range());
                prop_assert_eq!(rx.start + prefix.len()..rx.end + prefix.len(), ry);
            }
        }
    }
}
