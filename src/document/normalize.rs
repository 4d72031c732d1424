//! Normalisation of Japanese text: the one place that decides what text the
//! rules match against.
//!
//! Steps, in order:
//! 1. Unicode NFKC: full-width ASCII and digits become half-width, half-width
//!    katakana become full-width, the ideographic space becomes a space.
//! 2. ASCII case folding.
//! 3. Whitespace folding: a run of spaces, tabs or line breaks next to a CJK
//!    character is removed (PDF conversion puts spaces between characters and
//!    digits: "2 丁目 11 番 1 号" → "2丁目11番1号", "NTT コノキュー" →
//!    "nttコノキュー"); any other run becomes one space; leading and trailing
//!    runs go. [`normalize_lines`] keeps a run that holds a line break as one
//!    `\n`: the text of a node whose line breaks are real line ends.
//! 4. Dash unification between digits (postal codes, phone numbers):
//!    "100−6150", "0120ー966ー486" → "100-6150", "0120-966-486".
//!
//! The result is a [`MappedText`] whose map points into the input, so every
//! normalised byte maps back to an exact input byte range.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

use crate::text::MappedText;

/// Normalise `s`. The returned map gives offsets into `s`.
pub fn normalize(s: &str) -> MappedText {
    normalize_with(s, false)
}

/// Like [`normalize`], but a whitespace run that holds a line break becomes
/// one `\n` (mapped to the break) instead of folding away: a line end stays
/// a boundary that no pattern matches across.
pub fn normalize_lines(s: &str) -> MappedText {
    normalize_with(s, true)
}

fn normalize_with(s: &str, keep_lines: bool) -> MappedText {
    let widened = nfkc_fold(s);
    let folded = fold_spaces_and_dashes(&widened.text, keep_lines);
    MappedText {
        map: folded.map.compose(&widened.map),
        text: folded.text,
    }
}

/// Width folding of one character, for code that recognises markers such as
/// "１．" or "（１）" on un-normalised text: the NFKC form when it is a single
/// char, else the char itself.
pub fn fold_char(c: char) -> char {
    if c.is_ascii() || stable(c) {
        return c;
    }
    let mut it = std::iter::once(c).nfkc();
    match (it.next(), it.next()) {
        (Some(f), None) => f,
        _ => c,
    }
}

/// Per block of 256 BMP chars, computed on first use: which chars NFKC
/// and lowercasing leave unchanged on their own, and which continue the
/// cluster before them. Japanese text touches a few dozen blocks, so the
/// common case is two bit tests instead of an NFKC iterator per char.
struct Block {
    stable: [u64; 4],
    continues: [u64; 4],
}

static BLOCKS: [std::sync::OnceLock<Block>; 256] = [const { std::sync::OnceLock::new() }; 256];

fn block(cp: u32) -> &'static Block {
    BLOCKS[(cp >> 8) as usize].get_or_init(|| {
        let mut b = Block {
            stable: [0; 4],
            continues: [0; 4],
        };
        for i in 0..256u32 {
            let Some(c) = char::from_u32((cp & !0xFF) | i) else {
                continue;
            };
            let (w, bit) = ((i / 64) as usize, 1u64 << (i % 64));
            if !c.is_ascii() && nfkc_alone_unchanged(c) {
                b.stable[w] |= bit;
            }
            if continues_cluster_slow(c) {
                b.continues[w] |= bit;
            }
        }
        b
    })
}

/// NFKC maps the char to itself (ASCII lowercasing cannot then change a
/// non-ASCII char).
fn nfkc_alone_unchanged(c: char) -> bool {
    let mut it = std::iter::once(c).nfkc();
    it.next() == Some(c) && it.next().is_none()
}

fn bit(bits: &[u64; 4], cp: u32) -> bool {
    bits[((cp & 0xFF) / 64) as usize] >> (cp % 64) & 1 == 1
}

/// A non-ASCII char that NFKC and case folding leave as it is, alone.
fn stable(c: char) -> bool {
    let cp = c as u32;
    if cp < 0x10000 {
        bit(&block(cp).stable, cp)
    } else {
        nfkc_alone_unchanged(c)
    }
}

/// Characters that continue the cluster of the char before them under NFKC:
/// combining marks, and half-width voiced sound marks, which NFKC turns into
/// combining marks that compose with the preceding kana.
pub fn continues_cluster(c: char) -> bool {
    let cp = c as u32;
    if cp < 0x80 {
        false
    } else if cp < 0x10000 {
        bit(&block(cp).continues, cp)
    } else {
        continues_cluster_slow(c)
    }
}

fn continues_cluster_slow(c: char) -> bool {
    matches!(c, '\u{FF9E}' | '\u{FF9F}' | '\u{1160}'..='\u{11FF}')
        || (!c.is_ascii() && canonical_combining_class(c) != 0)
}

/// Step 1 and 2: NFKC, CRLF → LF, ASCII lowercase. Runs of text that need
/// no change are copied with one push each.
fn nfkc_fold(s: &str) -> MappedText {
    let mut out = MappedText::with_capacity(s.len());
    let bytes = s.as_bytes();
    let mut buf = String::new();
    let mut i = 0;
    // Start of the pending unchanged run.
    let mut run = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            if !b.is_ascii_uppercase() && b != b'\r' {
                i += 1;
                continue;
            }
            out.push_linear(&s[run..i], run);
            if b == b'\r' {
                if bytes.get(i + 1) == Some(&b'\n') {
                    // CRLF: the LF is copied next; the CR produces nothing.
                    i += 1;
                } else {
                    out.push_atomic("\n", i..i + 1);
                    i += 1;
                }
                run = i;
                continue;
            }
            // Uppercase ASCII: a byte-for-byte rewrite keeps the run linear.
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_uppercase() {
                i += 1;
            }
            out.push_linear(&s[start..i].to_ascii_lowercase(), start);
            run = i;
            continue;
        }
        // A non-ASCII cluster: a char plus whatever composes with it.
        let start = i;
        let mut chars = s[i..].chars();
        let first = chars.next().unwrap_or('\u{FFFD}');
        i += first.len_utf8();
        let mut alone = true;
        for c in chars {
            if continues_cluster(c) {
                i += c.len_utf8();
                alone = false;
            } else {
                break;
            }
        }
        if alone && stable(first) {
            continue;
        }
        out.push_linear(&s[run..start], run);
        run = i;
        let cluster = &s[start..i];
        buf.clear();
        buf.extend(cluster.nfkc());
        buf.make_ascii_lowercase();
        if buf == cluster {
            out.push_linear(cluster, start);
        } else {
            out.push_atomic(&buf, start..i);
        }
    }
    out.push_linear(&s[run..], run);
    out
}

/// CJK characters, next to which whitespace carries no meaning in Japanese.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FDF}'   // radicals
        | '\u{3000}'..='\u{303F}' // CJK symbols and punctuation: 、。「」【】〒
        | '\u{3040}'..='\u{30FF}' // hiragana, katakana
        | '\u{3100}'..='\u{312F}'
        | '\u{3190}'..='\u{31FF}' // kanbun, katakana extensions
        | '\u{3200}'..='\u{33FF}' // enclosed CJK, compatibility
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FFEF}' // what NFKC leaves of the full-width forms
        | '\u{20000}'..='\u{3134F}')
}

/// Dashes that stand for a hyphen between digits in Japanese addresses and
/// phone numbers (the long-vowel mark included: "0120ー966ー486").
pub fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            ..='\u{2015}'
                | '\u{2212}'
                | '\u{2043}'
                | '\u{30FC}'
                | '\u{FE58}'
                | '\u{FE63}'
                | '\u{FF0D}'
                | '\u{FF70}'
    )
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Steps 3 and 4 on NFKC-folded text (CR already gone).
fn fold_spaces_and_dashes(s: &str, keep_lines: bool) -> MappedText {
    let mut out = MappedText::with_capacity(s.len());
    let mut iter = s.char_indices().peekable();
    // Last char written to the output, for context.
    let mut prev: Option<char> = None;
    // Start of the pending run of chars copied as they are.
    let mut run: Option<usize> = None;
    let flush = |out: &mut MappedText, run: &mut Option<usize>, end: usize| {
        if let Some(r) = run.take() {
            out.push_linear(&s[r..end], r);
        }
    };
    while let Some((i, c)) = iter.next() {
        if is_space(c) {
            flush(&mut out, &mut run, i);
            // The kept space (if any) stands for the last char of the run, so
            // that a span starting inside the run maps to the run's end.
            let mut last = (i, c);
            let mut newline = (c == '\n').then_some(i);
            while let Some(&(j, d)) = iter.peek() {
                if !is_space(d) {
                    break;
                }
                last = (j, d);
                if d == '\n' && newline.is_none() {
                    newline = Some(j);
                }
                iter.next();
            }
            let next = iter.peek().map(|&(_, d)| d);
            let (Some(p), Some(n)) = (prev, next) else {
                continue; // leading or trailing whitespace
            };
            if keep_lines && let Some(j) = newline {
                out.push_linear("\n", j);
                prev = Some('\n');
                continue;
            }
            // Dropping the space before a combining mark would let the mark
            // compose with the char before the space on a second pass.
            let combining = canonical_combining_class(n) != 0;
            if (is_cjk(p) || is_cjk(n)) && !combining {
                continue;
            }
            let (j, d) = last;
            if d == ' ' {
                out.push_linear(" ", j);
            } else {
                out.push_atomic(" ", j..j + d.len_utf8());
            }
            prev = Some(' ');
            continue;
        }
        if c != '-' && is_dash(c) && prev.is_some_and(|p| p.is_ascii_digit()) {
            // Look past spaces: "0120ー 966" is a phone number too (the space
            // next to the CJK dash would be folded away anyway).
            let mut ahead = iter.clone();
            let mut skipped = 0;
            // A kept line end is not crossed.
            while ahead
                .peek()
                .is_some_and(|&(_, d)| is_space(d) && !(keep_lines && d == '\n'))
            {
                ahead.next();
                skipped += 1;
            }
            if ahead.peek().is_some_and(|&(_, n)| n.is_ascii_digit()) {
                flush(&mut out, &mut run, i);
                out.push_atomic("-", i..i + c.len_utf8());
                for _ in 0..skipped {
                    iter.next();
                }
                prev = Some('-');
                continue;
            }
        }
        run.get_or_insert(i);
        prev = Some(c);
    }
    flush(&mut out, &mut run, s.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalize(s).text
    }

    #[test]
    fn width_and_case() {
        assert_eq!(n("ＡＢＣ１２３"), "abc123");
        assert_eq!(n("ｶﾀｶﾅ ｶﾞｷﾞ"), "カタカナガギ");
        assert_eq!(n("E-Mail"), "e-mail");
        assert_eq!(n("（１）"), "(1)");
    }

    #[test]
    fn pdf_spaces_fold() {
        assert_eq!(n("2 丁目 11 番 1 号"), "2丁目11番1号");
        assert_eq!(n("NTT コノキュー"), "nttコノキュー");
        assert_eq!(n("株式会社　NTT　ドコモ"), "株式会社nttドコモ");
        assert_eq!(n("Google  Inc.\tが"), "google inc.が");
        assert_eq!(n("  前後  "), "前後");
        assert_eq!(n("一行目\r\n二行目"), "一行目二行目");
        assert_eq!(n("line one\r\nline two"), "line one line two");
    }

    #[test]
    fn line_ends_kept_on_request() {
        let s = "【窓口】 \r\n  サンプル株式会社\n\n0120ー\n966";
        let m = normalize_lines(s);
        assert_eq!(m.text, "【窓口】\nサンプル株式会社\n0120ー\n966");
        // The kept break maps to the first line break of its run.
        let at = m.text.find('\n').unwrap();
        assert_eq!(m.to_src(at..at + 1), 14..15);
        assert_eq!(normalize_lines(&m.text).text, m.text);
        assert_eq!(normalize(s).text, "【窓口】サンプル株式会社0120-966");
    }

    #[test]
    fn dashes_between_digits() {
        assert_eq!(n("〒100−6150"), "〒100-6150");
        assert_eq!(n("0120ー966ー486"), "0120-966-486");
        assert_eq!(n("〒１００－６１５０"), "〒100-6150");
        assert_eq!(n("コーヒー"), "コーヒー");
        assert_eq!(n("データ−1"), "データ−1");
    }

    #[test]
    fn map_points_at_original_bytes() {
        let s = "〒 １００−６１５０ 東京都";
        let m = normalize(s);
        assert_eq!(m.text, "〒100-6150東京都");
        let dash = m.text.find('-').unwrap();
        let r = m.to_src(dash..dash + 1);
        assert_eq!(&s[r], "−");
        let t = m.text.find("東京都").unwrap();
        let r = m.to_src(t..t + "東京都".len());
        assert_eq!(&s[r], "東京都");
        let r = m.to_src(0..m.text.len());
        assert_eq!(&s[r], s.trim());
    }

    #[test]
    fn fold_char_widths() {
        assert_eq!(fold_char('１'), '1');
        assert_eq!(fold_char('（'), '(');
        assert_eq!(fold_char('＜'), '<');
        assert_eq!(fold_char('①'), '1');
        assert_eq!(fold_char('漢'), '漢');
    }
}
