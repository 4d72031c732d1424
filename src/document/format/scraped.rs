//! Web pages flattened to one long line (a scrape that joined every element
//! with a space). Two jobs:
//!
//! 1. Find the policy body and mark the site navigation before it and the
//!    footer after it as boilerplate, so that "お問い合わせ" in a menu never
//!    counts as a contact window. The body is the maximum-sum run of
//!    space-separated chunks where prose scores positively and short menu
//!    labels negatively (the body-text-extraction idea of Finn, Kushmerick and
//!    Smyth, 2001), extended back to the policy title just before it.
//! 2. Recover block boundaries inside the body: a new block starts after a
//!    sentence end followed by a space (Japanese puts no space after 。, so the
//!    space is a lost element boundary) and around heading labels such as
//!    （共同利用）, （1）…, <…> and 【…】.

use super::{Block, BlockKind};
use crate::text::MappedText;

/// Lines at least this long, made of many space-separated chunks, are
/// flattened pages.
const MIN_LINE_BYTES: usize = 2000;
const MIN_CHUNKS: usize = 100;
/// A body must score at least this much to be trusted.
const MIN_BODY_SCORE: i64 = 200;
/// How far before the body the policy title may stand (in chunks).
const TITLE_LOOKBACK_CHUNKS: usize = 12;

const TITLE_WORDS: &[&str] = &[
    "プライバシーポリシー",
    "個人情報保護方針",
    "個人情報の取扱い",
    "個人情報の取り扱い",
    "個人情報保護に関して",
    "プライバシーステートメント",
    "プライバシー・ポリシー",
    "privacy policy",
    "Privacy Policy",
];

pub(super) fn is_flattened_page(line: &str) -> bool {
    line.len() >= MIN_LINE_BYTES && line.split_ascii_whitespace().nth(MIN_CHUNKS).is_some()
}

#[derive(Debug, Clone, Copy)]
struct Chunk {
    start: usize,
    end: usize,
}

fn chunks(text: &str, start: usize, end: usize) -> Vec<Chunk> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = start;
    while i < end {
        while i < end && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let s = i;
        while i < end && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i > s {
            out.push(Chunk { start: s, end: i });
        }
    }
    out
}

fn ends_sentence(s: &str) -> bool {
    s.ends_with(['。', '！', '？', '!', '?'])
}

/// Prose scores its length; short labels (menu items) score negatively;
/// medium fragments without punctuation are neutral.
fn score(s: &str) -> i64 {
    let len = s.chars().count() as i64;
    let prose = s.contains('。') || (len >= 20 && s.contains('、')) || len >= 50;
    if prose {
        len
    } else if len <= 12 {
        -(len + 3)
    } else {
        0
    }
}

/// The chunk range [first, last] of the body, if the line has one.
fn body_range(text: &str, cs: &[Chunk]) -> Option<(usize, usize)> {
    let (mut best, mut best_s, mut best_e) = (0i64, 0usize, 0usize);
    let (mut cur, mut cur_s) = (0i64, 0usize);
    for (i, c) in cs.iter().enumerate() {
        let sc = score(&text[c.start..c.end]);
        if cur <= 0 {
            cur = 0;
            cur_s = i;
        }
        cur += sc;
        if cur > best {
            best = cur;
            best_s = cur_s;
            best_e = i;
        }
    }
    if best < MIN_BODY_SCORE {
        return None;
    }
    // Walk back to the nearest policy title shortly before the body.
    let lo = best_s.saturating_sub(TITLE_LOOKBACK_CHUNKS);
    let title = (lo..best_s)
        .rev()
        .find(|&i| {
            let s = &text[cs[i].start..cs[i].end];
            TITLE_WORDS.iter().any(|w| s.starts_with(w))
        })
        .unwrap_or(best_s);
    Some((title, best_e))
}

/// A chunk that opens a heading label: （…）, (…), <…>, ＜…＞, 【…】, with the
/// label closed within the chunk and no sentence punctuation inside it.
fn is_heading_chunk(s: &str) -> bool {
    let Some(open) = s.chars().next() else {
        return false;
    };
    let close = match open {
        '（' => '）',
        '(' => ')',
        '<' => '>',
        '＜' => '＞',
        '【' => '】',
        _ => return false,
    };
    let Some(pos) = s.find(close) else {
        return false;
    };
    let inner = &s[open.len_utf8()..pos];
    !inner.is_empty() && inner.chars().count() <= 40 && !inner.contains('。')
}

fn block_of(text: &str, first: Chunk, last: Chunk, boilerplate: bool) -> Block {
    let mut mt = MappedText::new();
    mt.push_linear(&text[first.start..last.end], first.start);
    let mut b = Block::new(BlockKind::Paragraph, mt);
    b.boilerplate = boilerplate;
    b
}

/// Blocks of a flattened page occupying `range` of `text`.
pub(super) fn extract_line(text: &str, range: std::ops::Range<usize>) -> Vec<Block> {
    let cs = chunks(text, range.start, range.end);
    let mut out = Vec::new();
    let Some(&last) = cs.last() else {
        return out;
    };
    let (b0, b1) = match body_range(text, &cs) {
        Some(r) => r,
        None => (0, cs.len() - 1),
    };
    if b0 > 0 {
        out.push(block_of(text, cs[0], cs[b0 - 1], true));
    }
    let mut start = b0;
    let mut i = b0;
    while i <= b1 {
        let s = &text[cs[i].start..cs[i].end];
        if is_heading_chunk(s) && i > start {
            out.push(block_of(text, cs[start], cs[i - 1], false));
            start = i;
        }
        let heading_alone = is_heading_chunk(s) && i == start;
        if heading_alone || ends_sentence(s) || i == b1 {
            out.push(block_of(text, cs[start], cs[i], false));
            start = i + 1;
        }
        i += 1;
    }
    if b1 + 1 < cs.len() {
        out.push(block_of(text, cs[b1 + 1], last, true));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> String {
        let nav = "ホーム 製品 料金 お問い合わせ 会社案内 採用情報 ".repeat(30);
        let body = "プライバシーポリシー 制定　2005年4月1日 （適切な取り扱い） 当社は、個人情報に関する法令を遵守し、お客さまの個人情報の保護に万全を尽くします。 （お問い合わせ） お客さまの個人情報に関するお問い合わせは、下記の窓口までご連絡ください。窓口は平日に受け付けます。 ";
        let foot = "お問い合わせ サイトマップ © Example Corporation All Rights Reserved.";
        format!("{nav}{}{foot}", body.repeat(8))
    }

    #[test]
    fn body_is_found_and_navigation_marked() {
        let t = page();
        assert!(is_flattened_page(&t));
        let blocks = extract_line(&t, 0..t.len());
        assert!(blocks[0].boilerplate);
        assert!(blocks[0].text.text.starts_with("ホーム"));
        assert!(!blocks[1].boilerplate);
        assert!(
            blocks[1].text.text.starts_with("プライバシーポリシー 制定"),
            "{}",
            blocks[1].text.text
        );
        let last = blocks.last().unwrap();
        assert!(last.boilerplate);
        assert!(last.text.text.ends_with("Reserved."));
        assert!(last.text.text.starts_with("お問い合わせ サイトマップ"));
        // Headings become their own blocks.
        assert!(blocks.iter().any(|b| b.text.text == "（適切な取り扱い）"));
        // Sentence-separated blocks keep exact ranges.
        for b in &blocks {
            assert_eq!(&t[b.src_range()], b.text.text);
        }
    }

    #[test]
    fn short_text_is_not_a_page() {
        assert!(!is_flattened_page("当社は 個人情報を 保護します。"));
    }
}
