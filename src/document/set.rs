//! Document sets: a policy spread over several pages, read as one document.
//!
//! [`Document::combine`] joins the members end to end: their decoded texts
//! and their normalised texts, each with a hard break between members (an
//! empty line, which no match may cross), their trees under a new root (each
//! member's root stays a document node, so its sections are unchanged), and
//! their links. [`Document::part_of`] maps a range of the combined text back
//! to the member it lies in.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::{Document, Link, NodeKind, context, structure::Node};
use crate::source::FileOffsets;
use crate::text::{LineIndex, MappedText};

/// Between two members, in the decoded and in the normalised text: a hard
/// break (a blank line ends every block and paragraph).
pub const SEPARATOR: &str = "\n\n";

/// Where one member of a set lies in the combined document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartRange {
    /// Byte range in the combined decoded text.
    pub src: Range<usize>,
    /// Byte range in the combined normalised text.
    pub norm: Range<usize>,
}

impl Document {
    /// One document made of `parts`, in order; its path, format and
    /// encoding are the first part's, its context is inferred on the whole.
    /// Directives are not carried over: suppression works per member file.
    pub fn combine(parts: &[&Document]) -> Document {
        let mut text = String::new();
        let mut norm = MappedText::new();
        let mut nodes = vec![Node::new(NodeKind::Document, None)];
        let mut links = Vec::new();
        let mut ranges = Vec::with_capacity(parts.len());
        for (i, d) in parts.iter().enumerate() {
            if i > 0 {
                let at = text.len();
                text.push_str(SEPARATOR);
                norm.push_atomic(SEPARATOR, at..at + SEPARATOR.len());
            }
            let (src0, norm0) = (text.len(), norm.len());
            text.push_str(&d.text);
            norm.append_shifted(&d.norm, src0);
            let id0 = nodes.len() as u32;
            nodes[0].children.push(id0);
            for n in &d.nodes {
                let mut n = n.clone();
                n.parent = Some(n.parent.map_or(0, |p| p + id0));
                for c in &mut n.children {
                    *c += id0;
                }
                n.src = n.src.start + src0..n.src.end + src0;
                n.norm = n.norm.start + norm0..n.norm.end + norm0;
                nodes.push(n);
            }
            links.extend(d.links.iter().map(|l| Link {
                target: l.target.clone(),
                span: l.span.start + src0..l.span.end + src0,
                boilerplate: l.boilerplate,
            }));
            ranges.push(PartRange {
                src: src0..text.len(),
                norm: norm0..norm.len(),
            });
        }
        nodes[0].src = 0..text.len();
        nodes[0].norm = 0..norm.len();
        let first = parts.first();
        let path = first.map(|d| d.path.clone()).unwrap_or_default();
        let context = context::infer(&path, &nodes, &norm);
        Document {
            path,
            encoding: first.map_or("UTF-8", |d| d.encoding),
            bom: false,
            format: first.map_or(super::Format::Text, |d| d.format),
            offsets: FileOffsets::utf8(&text),
            lines: LineIndex::new(&text),
            text,
            nodes,
            norm,
            directives: Vec::new(),
            context,
            links,
            parts: ranges,
        }
    }

    /// The member a combined source range starts in, and the range in that
    /// member's own text (clipped to it). A single page is its own member 0.
    pub fn part_of(&self, src: &Range<usize>) -> (usize, Range<usize>) {
        if self.parts.is_empty() {
            return (0, src.clone());
        }
        let i = self
            .parts
            .partition_point(|p| p.src.end < src.start)
            .min(self.parts.len() - 1);
        let p = &self.parts[i].src;
        let start = src.start.clamp(p.start, p.end) - p.start;
        let end = src.end.clamp(p.start, p.end) - p.start;
        (i, start..end.max(start))
    }

    /// The member a combined normalised range starts in (0 for a page).
    pub fn part_of_norm(&self, norm: usize) -> usize {
        if self.parts.is_empty() {
            return 0;
        }
        self.parts
            .partition_point(|p| p.norm.end < norm)
            .min(self.parts.len() - 1)
    }
}

/// The file a relative link in the page at `from` points to: `from`'s
/// folder joined with the target, `.` and `..` resolved, fragment and query
/// removed. None for an absolute URL (`https:`, `mailto:`, `//host`), a
/// site-absolute path (`/about`) or a link within the page (`#top`).
pub fn resolve_link(from: &Path, target: &str) -> Option<PathBuf> {
    let t = target.trim();
    let t = t.split(['#', '?']).next().unwrap_or("");
    let scheme = t.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if t.is_empty() || scheme || t.starts_with('/') || t.starts_with('\\') {
        return None;
    }
    let base = from.parent().unwrap_or(Path::new(""));
    Some(normal(&base.join(t)))
}

/// A path with `.` components removed and `..` folded where it can be, so
/// that two spellings of one relative path compare equal.
pub fn normal(p: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let last_is_parent =
                    matches!(out.components().next_back(), Some(Component::ParentDir));
                if last_is_parent || !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str, text: &str) -> Document {
        Document::from_text(name, text).expect("loads")
    }

    #[test]
    fn links_are_recorded_with_their_text_and_menu_flag() {
        let d = doc(
            "p.html",
            "<nav><a href=\"cookie.html\">クッキー</a></nav>\
             <main><p>住所は<a href=\"company.html#top\">会社概要</a>をご覧ください。</p></main>",
        );
        let got: Vec<(&str, &str, bool)> = d
            .links
            .iter()
            .map(|l| (l.target.as_str(), &d.text[l.span.clone()], l.boilerplate))
            .collect();
        assert_eq!(
            got,
            [
                ("cookie.html", "クッキー", true),
                ("company.html#top", "会社概要", false)
            ]
        );
        let m = doc("p.md", "# 方針\n\n詳しくは[会社概要](./company.md)へ。\n");
        let got: Vec<(&str, &str)> = m
            .links
            .iter()
            .map(|l| (l.target.as_str(), &m.text[l.span.clone()]))
            .collect();
        assert_eq!(got, [("./company.md", "会社概要")]);
    }

    #[test]
    fn combined_text_maps_back_to_each_member() {
        let a = doc(
            "a.md",
            "# 個人情報保護方針\n\n当社は個人情報を適切に扱います。\n",
        );
        let b = doc("b.md", "# 会社概要\n\n住所: 東京都千代田区丸の内1-1-1\n");
        let c = Document::combine(&[&a, &b]);
        assert_eq!(c.parts.len(), 2);
        assert_eq!(c.text, format!("{}{SEPARATOR}{}", a.text, b.text));
        // Each member's root is a document node under the new root.
        assert_eq!(c.nodes[0].kind, NodeKind::Document);
        assert_eq!(c.nodes[0].children.len(), 2);
        for &r in &c.nodes[0].children {
            assert_eq!(c.node(r).kind, NodeKind::Document);
            assert_eq!(c.node(r).parent, Some(0));
        }
        // A normalised range in the second member maps to its own text.
        let at = c.norm.text.find("東京都").expect("present");
        let src = c.norm_to_src(at..at + "東京都".len());
        let (i, local) = c.part_of(&src);
        assert_eq!(i, 1);
        assert_eq!(&b.text[local], "東京都");
        assert_eq!(c.part_of_norm(at), 1);
        let at = c.norm.text.find("適切").expect("present");
        let (i, local) = c.part_of(&c.norm_to_src(at..at + 6));
        assert_eq!((i, &a.text[local]), (0, "適切"));
        // Every node's texts are those of the member it came from.
        for n in &c.nodes[1..] {
            assert!(c.text.get(n.src.clone()).is_some());
        }
        assert_eq!(b.title(), Some("会社概要"));
    }

    #[test]
    fn relative_links_resolve_from_the_page_folder() {
        let from = Path::new("site/privacy/index.html");
        let r = |t: &str| resolve_link(from, t);
        assert_eq!(
            r("cookie.html"),
            Some(PathBuf::from("site/privacy/cookie.html"))
        );
        assert_eq!(
            r("./cookie.html#a"),
            Some(PathBuf::from("site/privacy/cookie.html"))
        );
        assert_eq!(
            r("../company.html?x=1"),
            Some(PathBuf::from("site/company.html"))
        );
        for t in [
            "https://example.jp/a.html",
            "//cdn/a.html",
            "/about.html",
            "#top",
            "mailto:a@b.jp",
            "",
        ] {
            assert_eq!(r(t), None, "{t}");
        }
        assert_eq!(
            normal(Path::new("./a/../b/./c.md")),
            PathBuf::from("b/c.md")
        );
        assert_eq!(normal(Path::new("../x.md")), PathBuf::from("../x.md"));
    }
}
