//! Front matter at the very top of a Markdown page: `---` YAML or `+++` TOML
//! between fences. It is site metadata, not text, with two exceptions seen in
//! real repositories: a short top-level `title` (which may become the page's
//! h1), and CMS pages (Forestry "blocks") that keep the whole page in YAML
//! values — block scalars or long strings holding HTML or prose. Those values
//! are found here with their exact byte ranges; the Markdown extractor parses
//! them as fragments.
//!
//! A line scanner, not a YAML parser: exact spans matter more than the whole
//! grammar. Front matter without a closing fence is not front matter.

use std::ops::Range;

use super::text::lines;

/// The front matter of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FrontMatter {
    /// End of the closing fence's line (line break included): the front
    /// matter is `0..end`.
    pub end: usize,
    /// The value of a short top-level `title`, quotes excluded.
    pub title: Option<Range<usize>>,
    /// Values that hold page text, in document order.
    pub values: Vec<Value>,
}

/// A YAML value that holds page text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Value {
    /// Bytes of the value: inside the quotes, or the content lines of a
    /// block scalar.
    pub range: Range<usize>,
    /// A section's heading (`headline:`, `heading:`, `title:` inside a block).
    pub heading: bool,
    /// Indentation to strip from each line (block scalars); other values
    /// lose all leading white space of their continuation lines.
    pub indent: Option<usize>,
}

/// Keys whose values are metadata even when they read like prose (SEO
/// descriptions, keywords, image captions).
fn is_metadata_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    matches!(
        k.as_str(),
        "description"
            | "keywords"
            | "excerpt"
            | "summary"
            | "abstract"
            | "tags"
            | "categories"
            | "category"
            | "alt"
            | "alt_text"
            | "caption"
            | "layout"
            | "permalink"
            | "date"
    ) || ["meta", "og", "seo", "twitter", "image", "url", "link"]
        .iter()
        .any(|p| k.starts_with(p))
}

/// Find the front matter at the start of `text`.
pub(super) fn parse(text: &str) -> Option<FrontMatter> {
    let all: Vec<(usize, usize)> = lines(text).collect();
    let (s0, e0) = *all.first()?;
    let fence = text[s0..e0].trim_end();
    let yaml = match fence {
        "---" => true,
        "+++" => false,
        _ => return None,
    };
    let close = all.iter().skip(1).position(|&(s, e)| {
        let l = text[s..e].trim_end();
        l == fence || (yaml && l == "...")
    })? + 1;
    let (_, close_end) = all[close];
    let end = text[close_end..]
        .find('\n')
        .map_or(text.len(), |i| close_end + i + 1);
    let body = &all[1..close];
    let mut fm = FrontMatter {
        end,
        title: None,
        values: Vec::new(),
    };
    if yaml {
        scan_yaml(text, body, &mut fm);
    } else {
        scan_toml(text, body, &mut fm);
    }
    Some(fm)
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// `key:` at the start of `rest`: the key and the offset just after the colon.
fn key_at(rest: &str) -> Option<(&str, usize)> {
    let colon = rest.find(':')?;
    let key = &rest[..colon];
    let ok = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    let after = rest[colon + 1..].chars().next();
    (ok && after.is_none_or(|c| c == ' ' || c == '\t')).then_some((key, colon + 1))
}

/// Markup (`<p>`, `</a>`) or prose: something a reader sees as page text.
fn reads_as_text(v: &str) -> bool {
    let b = v.as_bytes();
    let markup = b
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/'));
    let prose = v.chars().count() >= 20 && v.chars().any(crate::document::normalize::is_cjk);
    markup || prose
}

/// The end of a quoted scalar opened at `open` (the quote char's offset),
/// possibly on a later line; None when it never closes before `limit`.
fn quote_end(text: &str, open: usize, limit: usize) -> Option<usize> {
    let q = text.as_bytes()[open];
    let b = text.as_bytes();
    let mut i = open + 1;
    while i < limit {
        match b[i] {
            b'\\' if q == b'"' => i += 2,
            c if c == q => {
                if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                return Some(i);
            }
            _ => i += 1,
        }
    }
    None
}

/// A block scalar's header: `|` or `>`, then optional chomping and
/// indentation indicators, then optionally a comment.
fn is_block_header(v: &str) -> bool {
    let Some(rest) = v.strip_prefix(['|', '>']) else {
        return false;
    };
    let ind = rest.split(" #").next().unwrap_or("").trim_end();
    ind.len() <= 2 && ind.bytes().all(|b| matches!(b, b'+' | b'-' | b'1'..=b'9'))
}

fn scan_yaml(text: &str, body: &[(usize, usize)], fm: &mut FrontMatter) {
    let limit = body.last().map_or(0, |l| l.1);
    let mut i = 0;
    while i < body.len() {
        let (s, e) = body[i];
        i += 1;
        let line = &text[s..e];
        let mut col = indent_of(line);
        // Sequence entries: "- key: value" (possibly "- - key").
        let mut in_seq = false;
        while text[s + col..e].starts_with("- ") {
            col += 2;
            col += indent_of(&text[s + col..e]);
            in_seq = true;
        }
        let rest = &text[s + col..e];
        if rest.starts_with('#') {
            continue;
        }
        let Some((key, after)) = key_at(rest) else {
            continue;
        };
        let top = col == 0 && !in_seq;
        let vstart = s + col + after;
        let raw = &text[vstart..e];
        let lead = raw.len() - raw.trim_start().len();
        let vstart = vstart + lead;
        let v = text[vstart..e].trim_end();
        if v.is_empty() || v.starts_with('#') {
            continue;
        }
        let heading_key = matches!(key, "headline" | "heading" | "title");
        // Block scalar: "|", "|-", ">+", "|2" … then more-indented lines.
        if is_block_header(v) {
            let first = i;
            let mut last = None;
            let mut indent = None;
            while i < body.len() {
                let (ls, le) = body[i];
                let l = &text[ls..le];
                if l.trim().is_empty() {
                    i += 1;
                    continue;
                }
                let ind = indent_of(l);
                if ind <= col {
                    break;
                }
                indent.get_or_insert(ind);
                last = Some(le);
                i += 1;
            }
            if let (Some(end), Some(ind)) = (last, indent)
                && !is_metadata_key(key)
            {
                let start = body[first..]
                    .iter()
                    .find(|(ls, le)| !text[*ls..*le].trim().is_empty())
                    .map_or(end, |l| l.0);
                fm.values.push(Value {
                    range: start..end,
                    heading: heading_key && !top,
                    indent: Some(ind),
                });
            }
            continue;
        }
        // Quoted scalar, possibly over several lines.
        let range = if v.starts_with(['"', '\'']) {
            let Some(close) = quote_end(text, vstart, limit) else {
                continue;
            };
            while i < body.len() && body[i].0 < close {
                i += 1;
            }
            vstart + 1..close
        } else {
            // Plain scalar: this line (up to a comment), and the more
            // indented lines that continue it.
            let mut end = vstart + v.find(" #").unwrap_or(v.len());
            while i < body.len() {
                let (ls, le) = body[i];
                let l = &text[ls..le];
                if l.trim().is_empty() || indent_of(l) <= col || key_at(l.trim_start()).is_some() {
                    break;
                }
                end = ls + l.trim_end().len();
                i += 1;
            }
            vstart..end
        };
        let value = &text[range.clone()];
        if value.trim().is_empty() {
            continue;
        }
        let one_line = !value.contains('\n');
        if top && key == "title" {
            if one_line && value.chars().count() <= 80 {
                fm.title = Some(range);
            }
        } else if heading_key && !top && one_line && value.chars().count() <= 120 {
            fm.values.push(Value {
                range,
                heading: true,
                indent: None,
            });
        } else if !is_metadata_key(key) && reads_as_text(value) {
            fm.values.push(Value {
                range,
                heading: false,
                indent: None,
            });
        }
    }
}

/// TOML front matter (Hugo): only a top-level `title = "…"` is read.
fn scan_toml(text: &str, body: &[(usize, usize)], fm: &mut FrontMatter) {
    for &(s, e) in body {
        let line = &text[s..e];
        if line.trim_start().starts_with('[') {
            break; // a table: no longer top level
        }
        let Some(rest) = line.strip_prefix("title") else {
            continue;
        };
        let r = rest.trim_start();
        let Some(v) = r.strip_prefix('=') else {
            continue;
        };
        let v = v.trim();
        let q = v.chars().next();
        if let Some(q @ ('"' | '\'')) = q
            && v.len() >= 2
            && v.ends_with(q)
        {
            // `v` ends where the trimmed line ends.
            let vend = s + line.trim_end().len();
            let (start, end) = (vend - v.len() + 1, vend - 1);
            if text[start..end].chars().count() <= 80 {
                fm.title = Some(start..end);
            }
        }
        break;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_title_and_metadata() {
        let t = "---\n# a comment\nlayout: page\ntitle: 'プライバシーポリシー'\ndescription: 当サイトの個人情報の取扱いについて説明するページです。\n---\n本文\n";
        let fm = parse(t).unwrap();
        assert_eq!(&t[fm.end..], "本文\n");
        assert_eq!(&t[fm.title.clone().unwrap()], "プライバシーポリシー");
        assert!(fm.values.is_empty());
    }

    #[test]
    fn unterminated_is_not_front_matter() {
        assert_eq!(parse("---\ntitle: x\n\n本文\n"), None);
        assert_eq!(parse("text\n---\n"), None);
    }

    #[test]
    fn blocks_keep_their_text_values() {
        let t = "---\r\ntitle: 方針\r\nsections:\r\n- headline: \"<b>はじめに</b>\"\r\n  content: |-\r\n    <p>一段落目。</p>\r\n\r\n    <p>二段落目。</p>\r\n  image: '/a.png'\r\n- headline: 窓口\r\n  content: お問い合わせは下記の窓口までご連絡ください。<br>サンプル株式会社\r\n---\r\n";
        let fm = parse(t).unwrap();
        assert_eq!(fm.end, t.len());
        let got: Vec<(&str, bool, Option<usize>)> = fm
            .values
            .iter()
            .map(|v| (&t[v.range.clone()], v.heading, v.indent))
            .collect();
        assert_eq!(
            got,
            vec![
                ("<b>はじめに</b>", true, None),
                (
                    "    <p>一段落目。</p>\r\n\r\n    <p>二段落目。</p>",
                    false,
                    Some(4)
                ),
                ("窓口", true, None),
                (
                    "お問い合わせは下記の窓口までご連絡ください。<br>サンプル株式会社",
                    false,
                    None
                ),
            ]
        );
    }

    #[test]
    fn toml_title() {
        let t = "+++\ntitle = \"個人情報保護方針\"\ndraft = false\n+++\n本文\n";
        let fm = parse(t).unwrap();
        assert_eq!(&t[fm.title.unwrap()], "個人情報保護方針");
        assert_eq!(&t[fm.end..], "本文\n");
    }
}
