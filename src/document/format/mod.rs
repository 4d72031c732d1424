//! Format stage: turn decoded text into a flat sequence of [`Block`]s, each
//! carrying its text and an exact map back to the decoded source.
//!
//! Every format (plain text, Markdown, HTML, tab-separated rows with HTML
//! cells) produces the same block vocabulary, so the structure stage does not
//! care where a block came from.

mod frontmatter;
mod html;
mod markdown;
mod scraped;
mod template;
mod text;

use std::path::Path;

use serde::Serialize;

use crate::text::MappedText;

/// The markup language of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Markdown,
    Html,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }
}

/// Where a block sits in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CellRef {
    /// Index of the table within the document (0-based).
    pub table: u32,
    /// Row within the table (0-based).
    pub row: u32,
    /// Column within the row (0-based).
    pub col: u32,
}

/// What a block is, as far as the format can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// One line of plain text; the structure stage decides whether it is a
    /// heading, a list item or part of a paragraph.
    Line,
    /// An empty line of plain text (paragraph separator).
    Blank,
    /// A heading whose level the markup states (Markdown `#`, HTML `<hN>`).
    Heading { level: u8 },
    /// A paragraph the markup delimits (Markdown, HTML `<p>`, `<div>` text).
    Paragraph,
    /// A list item the markup delimits; `depth` counts enclosing lists (1 = top).
    ListItem { depth: u8 },
}

/// A piece of text with its kind and its origin.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    /// Text with a map into the decoded source (byte offsets of the document text).
    pub text: MappedText,
    /// Site navigation, header or footer: rules ignore it by default.
    pub boilerplate: bool,
    /// Set when the block lies inside a table cell.
    pub cell: Option<CellRef>,
    /// The links whose text lies in this block (they share its
    /// boilerplate flag: a site menu's links are the menu's).
    pub links: Vec<Link>,
}

/// A link as written: `<a href>` or Markdown `[text](target)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The target as written (not resolved).
    pub target: String,
    /// The link text: byte range in the decoded document text.
    pub span: std::ops::Range<usize>,
}

impl Block {
    pub fn new(kind: BlockKind, text: MappedText) -> Self {
        Block {
            kind,
            text,
            boilerplate: false,
            cell: None,
            links: Vec::new(),
        }
    }

    /// Source range covered by the block's text.
    pub fn src_range(&self) -> std::ops::Range<usize> {
        self.text.to_src(0..self.text.len())
    }
}

/// Choose the format: by extension first, then by sniffing the content (a
/// `.txt` that is mostly HTML markup is HTML).
pub fn detect(path: Option<&Path>, text: &str) -> Format {
    let ext = path
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("html" | "htm" | "xhtml" | "vue") => Format::Html,
        // Server-side templates of web pages (PHP and Blade, ERB/EJS, Twig,
        // Jinja, Liquid, Nunjucks, Smarty): HTML once their code is blanked
        // (template.rs), however they open (`<?php … ?>` before any tag).
        Some("php" | "erb" | "ejs" | "twig" | "jinja" | "j2" | "liquid" | "njk" | "tpl") => {
            Format::Html
        }
        Some("md" | "markdown" | "mdown" | "mkd") => Format::Markdown,
        _ => {
            if looks_like_html(text) {
                Format::Html
            } else {
                Format::Text
            }
        }
    }
}

/// A document is HTML when it opens like one, or when markup makes up most of
/// its non-space bytes. Tab-separated rows with a few HTML cells stay text:
/// the text format handles those cells itself.
pub fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(256)
        .collect::<String>()
        .to_ascii_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        return true;
    }
    let mut in_tag = false;
    let (mut tag_bytes, mut total) = (0usize, 0usize);
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_whitespace() {
            continue;
        }
        total += 1;
        if b == b'<'
            && bytes
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphabetic() || *n == b'/' || *n == b'!')
        {
            in_tag = true;
        }
        if in_tag {
            tag_bytes += 1;
        }
        if b == b'>' {
            in_tag = false;
        }
    }
    total > 0 && tag_bytes * 2 > total
}

/// Extract the blocks of a decoded document.
pub fn extract(format: Format, text: &str) -> Vec<Block> {
    // Template code is blanked first (same length, so every span stays
    // exact): it is not the page's text.
    match format {
        Format::Text => text::extract(text),
        Format::Markdown => markdown::extract_page(&template::mask(text)),
        Format::Html => html::extract(&template::mask(text), 0..text.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_wins_then_sniff() {
        assert_eq!(detect(Some(Path::new("a.md")), "<html>"), Format::Markdown);
        assert_eq!(detect(Some(Path::new("a.HTM")), "plain"), Format::Html);
        // A page kept as a PHP template opens with code, not with a tag.
        assert_eq!(
            detect(
                Some(Path::new("privacy.php")),
                "<?php include 'head.php'; ?>\n本文"
            ),
            Format::Html
        );
        assert_eq!(detect(Some(Path::new("p.html.erb")), "本文"), Format::Html);
        assert_eq!(
            detect(Some(Path::new("a.txt")), "<!DOCTYPE html><p>x</p>"),
            Format::Html
        );
        assert_eq!(
            detect(Some(Path::new("a.txt")), "<div><p>a</p><p>b</p></div>"),
            Format::Html
        );
        assert_eq!(
            detect(
                Some(Path::new("a.txt")),
                "当社は個人情報を<b>適切</b>に取り扱います。当社は。"
            ),
            Format::Text
        );
    }
}
