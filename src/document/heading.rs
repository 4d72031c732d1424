//! Heading markers of Japanese policies: "1.", "１．", "1 ", "第1条", "（1）",
//! "(1)", "①", "【…】", "<…>", "＜…＞", "（…）", "■", "●", "・", "- ".
//!
//! This module only reads a line's opening; the structure stage decides from
//! the order of families which marker opens which level.

use serde::Serialize;

use super::normalize::fold_char;

/// A numbering family. Two headings of one family are siblings unless
/// something nests them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// `# …` or `<hN>`: the level is stated by the markup.
    Markup(u8),
    /// 第1条
    Article,
    /// 1. / １． / 1、
    DotNumber,
    /// 1.2 / 1.2.3 (the count of numbers)
    Decimal(u8),
    /// "1 見出し" at line start
    SpaceNumber,
    /// (1) / （1）
    ParenNumber,
    /// (a) / （ａ）
    ParenLetter,
    /// ① … ⑳
    Circled,
    /// 【…】
    Bracket,
    /// 【1】 / 〔1〕 / [1] before a title
    BracketNumber,
    /// <…> / ＜…＞ / 〈…〉 / 《…》
    Angle,
    /// （…） as a whole line
    ParenLabel,
    /// ■ □ ◆ ◇ ● ○ ▼ ▲ ・ and similar, followed by a short title
    Symbol(char),
    /// A plain line that titles an appended quotation ("…法（抜粋）")
    Title,
}

impl Family {
    pub fn is_numbered(self) -> bool {
        matches!(
            self,
            Family::Article
                | Family::DotNumber
                | Family::Decimal(_)
                | Family::SpaceNumber
                | Family::ParenNumber
                | Family::ParenLetter
                | Family::Circled
                | Family::BracketNumber
        )
    }

    /// Arabic numbering families that authors mix up by accident ("2." then
    /// "3 " then "4."): a continuation across them is accepted.
    pub fn same_group(self, other: Family) -> bool {
        self == other
            || matches!(
                (self, other),
                (Family::DotNumber, Family::SpaceNumber) | (Family::SpaceNumber, Family::DotNumber)
            )
    }

    pub fn label(self) -> String {
        match self {
            Family::Markup(l) => format!("h{l}"),
            Family::Article => "第N条".into(),
            Family::DotNumber => "N.".into(),
            Family::Decimal(n) => format!("N{}", ".N".repeat(n.saturating_sub(1) as usize)),
            Family::SpaceNumber => "N␣".into(),
            Family::ParenNumber => "(N)".into(),
            Family::ParenLetter => "(a)".into(),
            Family::Circled => "①".into(),
            Family::Bracket => "【】".into(),
            Family::BracketNumber => "【N】".into(),
            Family::Angle => "<>".into(),
            Family::ParenLabel => "（）".into(),
            Family::Symbol(c) => c.to_string(),
            Family::Title => "title".into(),
        }
    }
}

/// A marker found at the start of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Marker {
    pub family: Family,
    pub number: Option<u32>,
}

/// The marker of a list item line: "- ", "* ", "・", "•", "●" … Returns the
/// byte length of the marker and the symbol.
pub(crate) fn bullet(line: &str) -> Option<(usize, char)> {
    let mut it = line.char_indices();
    let (_, c) = it.next()?;
    match c {
        '-' | '*' | '+' => {
            let next = line[1..].chars().next();
            (next == Some(' ') || next == Some('\u{3000}')).then_some((1, c))
        }
        '・' | '･' | '•' | '●' | '○' | '■' | '□' | '◆' | '◇' | '▼' | '▲' | '▶' | '►' | '◎'
        | '★' | '☆' | '※' => {
            // ※ is a note, not a heading; callers decide.
            Some((c.len_utf8(), c))
        }
        _ => None,
    }
}

/// Read a run of ASCII or full-width digits. Returns (value, bytes).
fn digits(s: &str) -> Option<(u32, usize)> {
    let mut value: u32 = 0;
    let mut len = 0;
    for c in s.chars() {
        let f = fold_char(c);
        if !f.is_ascii_digit() {
            break;
        }
        value = value.checked_mul(10)?.checked_add(f as u32 - '0' as u32)?;
        len += c.len_utf8();
        if len > 12 {
            return None;
        }
    }
    (len > 0).then_some((value, len))
}

fn kanji_number(s: &str) -> Option<(u32, usize)> {
    let mut value = 0u32;
    let mut cur = 0u32;
    let mut len = 0;
    for c in s.chars() {
        let d = match c {
            '〇' | '零' => Some(0),
            '一' => Some(1),
            '二' => Some(2),
            '三' => Some(3),
            '四' => Some(4),
            '五' => Some(5),
            '六' => Some(6),
            '七' => Some(7),
            '八' => Some(8),
            '九' => Some(9),
            _ => None,
        };
        if let Some(d) = d {
            cur = cur * 10 + d;
        } else if c == '十' {
            value += cur.max(1) * 10;
            cur = 0;
        } else if c == '百' {
            value += cur.max(1) * 100;
            cur = 0;
        } else {
            break;
        }
        len += c.len_utf8();
    }
    (len > 0).then_some((value + cur, len))
}

/// Whether the text after "N " makes the number a quantity, not a heading
/// number: "2022 年", "1,000 円", "3 か月", "1 件あたり". A unit char that
/// starts a word ("1 個人データ", "1 名称") does not count.
fn starts_with_unit(title: &str) -> bool {
    const WORDS: &[&str] = &["か月", "ヶ月", "ケ月", "カ月", "か所", "丁目", "時間"];
    if WORDS.iter().any(|w| title.starts_with(w)) {
        return true;
    }
    let mut it = title.chars();
    let Some(c) = it.next() else {
        return false;
    };
    let c = fold_char(c);
    if c.is_ascii_digit()
        || matches!(
            c,
            ',' | '.' | ':' | '/' | '-' | '~' | '～' | '%' | 'F' | 'f'
        )
    {
        return true;
    }
    let unit = matches!(
        c,
        '年' | '月'
            | '日'
            | '円'
            | '件'
            | '時'
            | '分'
            | '秒'
            | '号'
            | '番'
            | '歳'
            | '個'
            | '名'
            | '回'
            | '週'
            | '階'
            | '万'
            | '億'
            | '人'
            | '社'
            | '条'
    );
    // A unit is followed by kana, punctuation, a space or nothing; followed
    // by another ideograph it is the first char of a word.
    unit && !it
        .next()
        .is_some_and(|n| matches!(n, '\u{4E00}'..='\u{9FFF}'))
}

fn circled(c: char) -> Option<u32> {
    match c {
        '\u{2460}'..='\u{2473}' => Some(c as u32 - 0x2460 + 1),
        '\u{3251}'..='\u{325F}' => Some(c as u32 - 0x3251 + 21),
        '\u{32B1}'..='\u{32BF}' => Some(c as u32 - 0x32B1 + 36),
        _ => None,
    }
}

/// Strip Markdown emphasis around a whole line ("**【…】**").
pub(crate) fn strip_emphasis(line: &str) -> &str {
    let t = line.trim();
    for m in ["**", "__"] {
        if let Some(inner) = t.strip_prefix(m).and_then(|s| s.strip_suffix(m)) {
            return inner.trim();
        }
    }
    t
}

/// Whole-line enclosures: 【…】, <…>, （…）.
fn enclosed(line: &str) -> Option<Family> {
    let mut chars = line.chars();
    let open = chars.next()?;
    let close = line.chars().last()?;
    let inner_len = line.chars().count().saturating_sub(2);
    if inner_len == 0 || inner_len > 60 {
        return None;
    }
    let fam = match (open, close) {
        ('【', '】') => Family::Bracket,
        ('<' | '＜' | '〈' | '《', '>' | '＞' | '〉' | '》') => Family::Angle,
        ('(' | '（', ')' | '）') => Family::ParenLabel,
        _ => return None,
    };
    let inner: String = line.chars().skip(1).take(inner_len).collect();
    // A closing-then-opening pair inside means two groups, not one label.
    if inner.contains(['。', '【', '】']) || (fam == Family::Angle && inner.contains(['<', '>']))
    {
        return None;
    }
    if fam == Family::ParenLabel && inner.chars().all(|c| fold_char(c).is_ascii_digit()) {
        return None;
    }
    Some(fam)
}

/// The heading marker at the start of `line`, if any. `line` is one line of
/// un-normalised text; full-width forms are folded here.
pub(crate) fn marker(line: &str) -> Option<Marker> {
    let line = strip_emphasis(line);
    let first = line.chars().next()?;
    let folded = fold_char(first);
    // 第1条 / 第一条
    if let Some(rest) = line.strip_prefix('第') {
        let (n, len) = digits(rest).or_else(|| kanji_number(rest))?;
        let after = &rest[len..];
        if after.starts_with(['条', '章', '節']) {
            return Some(Marker {
                family: Family::Article,
                number: Some(n),
            });
        }
        return None;
    }
    if let Some(n) = circled(first) {
        return Some(Marker {
            family: Family::Circled,
            number: Some(n),
        });
    }
    if folded == '(' {
        let rest = &line[first.len_utf8()..];
        let close_at = |s: &str| {
            let c = s.chars().next()?;
            (fold_char(c) == ')').then_some(c.len_utf8())
        };
        if let Some((n, len)) = digits(rest)
            && close_at(&rest[len..]).is_some()
        {
            return Some(Marker {
                family: Family::ParenNumber,
                number: Some(n),
            });
        }
        let mut rc = rest.chars();
        if let Some(l) = rc.next() {
            let lf = fold_char(l).to_ascii_lowercase();
            if lf.is_ascii_lowercase() && close_at(&rest[l.len_utf8()..]).is_some() {
                return Some(Marker {
                    family: Family::ParenLetter,
                    number: Some(lf as u32 - 'a' as u32 + 1),
                });
            }
        }
    }
    // 【1】 / 〔1〕 / [1] before a title: a numbered heading, not a label.
    if matches!(folded, '【' | '〔' | '[') {
        let rest = &line[first.len_utf8()..];
        if let Some((n, len)) = digits(rest)
            && rest[len..]
                .chars()
                .next()
                .is_some_and(|c| matches!(fold_char(c), '】' | '〕' | ']'))
        {
            return Some(Marker {
                family: Family::BracketNumber,
                number: Some(n),
            });
        }
    }
    if let Some(fam) = enclosed(line) {
        return Some(Marker {
            family: fam,
            number: None,
        });
    }
    if let Some((n, len)) = digits(line) {
        let rest = &line[len..];
        let mut rc = rest.chars();
        let sep = rc.next()?;
        let fs = fold_char(sep);
        if fs == '.' || sep == '、' {
            // "1.2 …": decimal numbering.
            let after = &rest[sep.len_utf8()..];
            if fs == '.'
                && let Some((_, l2)) = digits(after)
            {
                let mut count = 2u8;
                let mut tail = &after[l2..];
                while let Some(t) = tail.strip_prefix('.')
                    && let Some((_, l3)) = digits(t)
                {
                    count = count.saturating_add(1);
                    tail = &t[l3..];
                }
                let tail = tail.trim_start_matches('.');
                if tail.starts_with([' ', '\u{3000}'])
                    || tail.chars().next().is_some_and(super::normalize::is_cjk)
                {
                    return Some(Marker {
                        family: Family::Decimal(count),
                        number: Some(n),
                    });
                }
                return None;
            }
            let title = after.trim_start_matches([' ', '\u{3000}']);
            let t0 = title.chars().next()?;
            if n <= 99 && !fold_char(t0).is_ascii_digit() {
                return Some(Marker {
                    family: Family::DotNumber,
                    number: Some(n),
                });
            }
            return None;
        }
        if fs == ' ' || sep == '\u{3000}' {
            let title = rest.trim_start_matches([' ', '\u{3000}']);
            let t0 = title.chars().next()?;
            let _ = t0;
            if n <= 50 && !starts_with_unit(title) {
                return Some(Marker {
                    family: Family::SpaceNumber,
                    number: Some(n),
                });
            }
        }
        return None;
    }
    if let Some((_, sym)) = bullet(line)
        && !matches!(sym, '-' | '*' | '+' | '※' | '•')
    {
        return Some(Marker {
            family: Family::Symbol(fold_char(sym)),
            number: None,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fam(s: &str) -> Option<(Family, Option<u32>)> {
        marker(s).map(|m| (m.family, m.number))
    }

    #[test]
    fn numbered_families() {
        assert_eq!(
            fam("1. パーソナルデータの適正な取扱い"),
            Some((Family::DotNumber, Some(1)))
        );
        assert_eq!(fam("１．個人情報"), Some((Family::DotNumber, Some(1))));
        assert_eq!(
            fam("10. プライバシーポリシーの変更"),
            Some((Family::DotNumber, Some(10)))
        );
        assert_eq!(
            fam("1 個人データの共同利用"),
            Some((Family::SpaceNumber, Some(1)))
        );
        assert_eq!(fam("第3条（利用目的）"), Some((Family::Article, Some(3))));
        assert_eq!(fam("第十二条 雑則"), Some((Family::Article, Some(12))));
        assert_eq!(fam("（1）当社は"), Some((Family::ParenNumber, Some(1))));
        assert_eq!(fam("(12) 当社は"), Some((Family::ParenNumber, Some(12))));
        assert_eq!(fam("（ａ）対象"), Some((Family::ParenLetter, Some(1))));
        assert_eq!(fam("②本人確認"), Some((Family::Circled, Some(2))));
        assert_eq!(fam("1.2 細目"), Some((Family::Decimal(2), Some(1))));
        assert_eq!(
            fam("【5】個人情報の共同利用"),
            Some((Family::BracketNumber, Some(5)))
        );
        assert_eq!(fam("〔2〕利用目的"), Some((Family::BracketNumber, Some(2))));
        assert_eq!(fam("[１] 目的"), Some((Family::BracketNumber, Some(1))));
        // A label with a number inside is still a label.
        assert_eq!(fam("【様式1】"), Some((Family::Bracket, None)));
    }

    #[test]
    fn quantities_are_not_headings() {
        assert_eq!(fam("2022 年 10 月 1 日"), None);
        assert_eq!(fam("1,000 円"), None);
        assert_eq!(fam("3 か月以内"), None);
        assert_eq!(fam("100-6150"), None);
        assert_eq!(fam("3.14"), None);
    }

    #[test]
    fn enclosed_labels() {
        assert_eq!(
            fam("【お客さま分析について】"),
            Some((Family::Bracket, None))
        );
        assert_eq!(
            fam("**【お客さま対応内容等（録音・録画）の利用について】**"),
            Some((Family::Bracket, None))
        );
        assert_eq!(fam("<送付先>"), Some((Family::Angle, None)));
        assert_eq!(fam("＜お問い合わせ窓口＞"), Some((Family::Angle, None)));
        assert_eq!(fam("（適切な取り扱い）"), Some((Family::ParenLabel, None)));
        assert_eq!(fam("（※国や郵便番号はハッシュ化されません。）"), None);
        assert_eq!(fam("【様式 1】 「開示請求書」"), None);
    }

    #[test]
    fn symbols_and_bullets() {
        assert_eq!(fam("■ 利用目的"), Some((Family::Symbol('■'), None)));
        assert_eq!(fam("・基本情報"), Some((Family::Symbol('・'), None)));
        assert_eq!(fam("- 項目"), None);
        assert_eq!(fam("※注意"), None);
        assert_eq!(bullet("- 項目"), Some((1, '-')));
        assert_eq!(bullet("-1"), None);
    }
}
