//! Encoding detection and file-offset mapping of `source::decode`.

use encoding_rs::{EUC_JP, Encoding, ISO_2022_JP, SHIFT_JIS};
use policylint::source::decode::{DecodeError, Decoded, FileOffsets, decode};
use proptest::prelude::*;

/// A realistic policy paragraph: full-width and half-width forms, a postal
/// mark, a circled digit, CRLF and LF line ends.
const POLICY: &str = "個人情報保護方針\r\n\
株式会社サンプル（以下「当社」といいます。）は、〒100-6150 東京都千代田区永田町二丁目\
11番1号に本社を置き、お客様の個人情報を次のとおり取り扱います。\r\n\
第1条（取得する情報）当社は、氏名、住所、電話番号、メールアドレス、会員ID（ＡＢＣ１２３）\
その他の情報を取得します。\r\n\
第2条（利用目的）当社は、取得した情報を①サービスの提供、②お問い合わせへの対応、\
③ｶﾀｶﾅ表記による本人確認のために利用します。\n\
第3条（第三者提供）当社は、法令に基づく場合を除き、あらかじめご本人の同意を得ることなく、\
個人情報を第三者に提供しません。お問い合わせは、株式会社サンプル個人情報保護窓口\
（privacy@example.co.jp）までご連絡ください。\n";

fn ok(bytes: &[u8]) -> Decoded {
    match decode(bytes) {
        Ok(decoded) => decoded,
        Err(error) => panic!("decode failed: {error}"),
    }
}

fn err(bytes: &[u8]) -> DecodeError {
    match decode(bytes) {
        Ok(decoded) => panic!("decoded as {}: {:?}", decoded.encoding, decoded.text),
        Err(error) => error,
    }
}

fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "text not encodable in {}", encoding.name());
    bytes.into_owned()
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    match haystack.windows(needle.len()).position(|w| w == needle) {
        Some(at) => at,
        None => panic!("needle {needle:02X?} not in the file"),
    }
}

fn utf16(text: &str, to_bytes: fn(u16) -> [u8; 2]) -> Vec<u8> {
    text.encode_utf16().flat_map(to_bytes).collect()
}

/// `to_file` rises strictly from char to char and `from_file` undoes it.
fn assert_monotonic(decoded: &Decoded, file_len: usize) {
    let offsets: &FileOffsets = &decoded.offsets;
    let mut previous = None;
    for (i, _) in decoded.text.char_indices() {
        let file = offsets.to_file(i);
        assert!(
            previous < Some(file),
            "to_file({i}) = {file} not increasing"
        );
        assert_eq!(offsets.from_file(file), i);
        previous = Some(file);
    }
    assert_eq!(offsets.to_file(decoded.text.len()), file_len);
    assert_eq!(offsets.from_file(file_len), decoded.text.len());
}

#[test]
fn utf8_without_bom() {
    let decoded = ok(POLICY.as_bytes());
    assert_eq!(decoded.text, POLICY);
    assert_eq!(decoded.encoding, "UTF-8");
    assert!(!decoded.bom);
    assert!(decoded.offsets.is_identity());
    let at = POLICY.find("株式会社").unwrap_or_default();
    assert_eq!(decoded.offsets.to_file(at), at);
    assert_eq!(decoded.offsets.from_file(at + 1), at);
    assert_monotonic(&decoded, POLICY.len());
}

#[test]
fn utf8_with_bom_shifts_offsets() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(POLICY.as_bytes());
    let decoded = ok(&bytes);
    assert_eq!(decoded.text, POLICY);
    assert_eq!(decoded.encoding, "UTF-8");
    assert!(decoded.bom);
    assert!(!decoded.offsets.is_identity());
    let at = POLICY.find("〒").unwrap_or_default();
    assert_eq!(decoded.offsets.to_file(at), at + 3);
    assert_eq!(decoded.offsets.from_file(at + 3), at);
    assert_eq!(decoded.offsets.from_file(1), 0);
    assert_monotonic(&decoded, bytes.len());
}

#[test]
fn line_ends_are_kept() {
    let decoded = ok(b"a\r\nb\rc\n");
    assert_eq!(decoded.text, "a\r\nb\rc\n");
    let decoded = ok(&encode(SHIFT_JIS, "第1条\r\n当社は\rｶﾅ\n"));
    assert_eq!(decoded.text, "第1条\r\n当社は\rｶﾅ\n");
}

#[test]
fn empty_input() {
    let decoded = ok(b"");
    assert_eq!(decoded.text, "");
    assert_eq!(decoded.encoding, "UTF-8");
    assert!(!decoded.bom);
    assert_eq!(decoded.offsets.to_file(0), 0);
}

#[test]
fn reexported_from_source() {
    let decoded = policylint::source::decode(b"abc");
    assert!(matches!(decoded, Ok(policylint::source::Decoded { .. })));
    let error: Result<_, policylint::source::DecodeError> = policylint::source::decode(b"\0");
    assert!(error.is_err());
}

fn check_utf16(bom: [u8; 2], to_bytes: fn(u16) -> [u8; 2], name: &str) {
    let text = format!("{POLICY}𠮷野家の𠮷は「土」に口。\r\n");
    let mut bytes = bom.to_vec();
    bytes.extend(utf16(&text, to_bytes));
    let decoded = ok(&bytes);
    assert_eq!(decoded.text, text);
    assert_eq!(decoded.encoding, name);
    assert!(decoded.bom);
    let yoshi = text.find('𠮷').unwrap_or_default();
    let yoshi_file = 2 + 2 * text[..yoshi].encode_utf16().count();
    assert_eq!(decoded.offsets.to_file(yoshi), yoshi_file);
    // 𠮷 is a surrogate pair: the next char is 4 bytes on, not 2.
    let after = yoshi + '𠮷'.len_utf8();
    assert_eq!(decoded.offsets.to_file(after), yoshi_file + 4);
    assert_eq!(decoded.offsets.from_file(yoshi_file + 3), yoshi);
    let second = text.rfind('𠮷').unwrap_or_default();
    let expected = 2 + 2 * text[..second].encode_utf16().count();
    assert_eq!(decoded.offsets.to_file(second), expected);
    assert_eq!(
        decoded.offsets.to_file(second + 4),
        expected + 4,
        "char after the second 𠮷"
    );
    assert_monotonic(&decoded, bytes.len());
}

#[test]
fn utf16le_with_bom() {
    check_utf16([0xFF, 0xFE], u16::to_le_bytes, "UTF-16LE");
}

#[test]
fn utf16be_with_bom() {
    check_utf16([0xFE, 0xFF], u16::to_be_bytes, "UTF-16BE");
}

#[test]
fn utf16_with_bom_lone_surrogate_is_invalid() {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(utf16("当社は", u16::to_le_bytes));
    let at = bytes.len();
    bytes.extend(0xDC00u16.to_le_bytes());
    bytes.extend(utf16("です", u16::to_le_bytes));
    assert!(matches!(
        err(&bytes),
        DecodeError::Invalid { encoding: "UTF-16LE", offset, .. } if offset == at
    ));
}

/// Decodes `bytes` of `text` and checks that each needle's char offset maps
/// to where its bytes start in the file.
fn check_legacy(
    encoding: &'static Encoding,
    text: &str,
    bytes: &[u8],
    needles: &[&str],
    encode_needle: impl Fn(&str) -> Vec<u8>,
) {
    let decoded = ok(bytes);
    assert_eq!(decoded.encoding, encoding.name());
    assert_eq!(decoded.text, text);
    assert!(!decoded.bom);
    assert!(!decoded.offsets.is_identity());
    for needle in needles {
        let Some(at) = text.find(needle) else {
            panic!("{needle} not in the text");
        };
        let file = find(bytes, &encode_needle(needle));
        assert_eq!(decoded.offsets.to_file(at), file, "to_file of {needle}");
        assert_eq!(decoded.offsets.from_file(file), at, "from_file of {needle}");
        let first = needle.chars().next().map(String::from).unwrap_or_default();
        if encode_needle(&first).len() > 1 {
            assert_eq!(decoded.offsets.from_file(file + 1), at, "inside {needle}");
        }
    }
    assert_monotonic(&decoded, bytes.len());
}

/// Long enough not to match bytes that straddle other characters.
const NEEDLES: [&str; 6] = [
    "株式会社",
    "〒100-6150",
    "ＡＢＣ１２３",
    "①サービス",
    "ｶﾀｶﾅ表記",
    "privacy@",
];

#[test]
fn shift_jis_round_trip_and_offsets() {
    let bytes = encode(SHIFT_JIS, POLICY);
    check_legacy(SHIFT_JIS, POLICY, &bytes, &NEEDLES, |n| {
        encode(SHIFT_JIS, n)
    });
    // Every char boundary, against the encoder itself.
    let decoded = ok(&bytes);
    for (i, _) in POLICY.char_indices() {
        let expected = encode(SHIFT_JIS, &POLICY[..i]).len();
        assert_eq!(decoded.offsets.to_file(i), expected);
    }
}

#[test]
fn euc_jp_round_trip_and_offsets() {
    let bytes = encode(EUC_JP, POLICY);
    check_legacy(EUC_JP, POLICY, &bytes, &NEEDLES, |n| encode(EUC_JP, n));
    let decoded = ok(&bytes);
    for (i, _) in POLICY.char_indices() {
        let expected = encode(EUC_JP, &POLICY[..i]).len();
        assert_eq!(decoded.offsets.to_file(i), expected);
    }
}

#[test]
fn iso_2022_jp_round_trip_and_offsets() {
    // The ISO-2022-JP encoder turns half-width katakana into full-width
    // ones, so this text uses full-width ones to be able to round-trip.
    let text = POLICY.replace("ｶﾀｶﾅ", "カタカナ");
    let bytes = encode(ISO_2022_JP, &text);
    assert!(bytes.is_ascii());
    let needles = [
        "株式会社",
        "〒100-6150",
        "ＡＢＣ１２３",
        "①サービス",
        "カタカナ表記",
        "privacy@",
    ];
    // A char's bytes are its own, not the escape sequence before it: find
    // the needle without the escapes the encoder puts around it.
    check_legacy(ISO_2022_JP, &text, &bytes, &needles, |needle| {
        let encoded = encode(ISO_2022_JP, needle);
        let start = if encoded.starts_with(b"\x1B$B") { 3 } else { 0 };
        let end = encoded.len() - if encoded.ends_with(b"\x1B(B") { 3 } else { 0 };
        encoded[start..end.max(start)].to_vec()
    });
}

#[test]
fn shift_jis_broken_multibyte_sequence() {
    let mut bytes = encode(SHIFT_JIS, POLICY);
    let at = find(&bytes, &encode(SHIFT_JIS, "第2条"));
    // A lead byte followed by a space instead of a trail byte.
    bytes.splice(at..at, [0x82, 0x20]);
    assert_eq!(
        err(&bytes),
        DecodeError::Invalid {
            encoding: "Shift_JIS",
            offset: at,
            len: 1
        }
    );
}

#[test]
fn euc_jp_broken_sequence_is_reported_as_euc_jp() {
    let mut bytes = encode(EUC_JP, POLICY);
    let at = find(&bytes, &encode(EUC_JP, "第3条"));
    bytes.insert(at, 0xA4);
    bytes.insert(at + 1, b'x');
    assert!(matches!(
        err(&bytes),
        DecodeError::Invalid { encoding: "EUC-JP", offset, .. } if offset == at
    ));
}

#[test]
fn invalid_utf8_in_mid_file() {
    let mut bytes = POLICY.repeat(4).into_bytes();
    let at = POLICY.len() * 2 + POLICY.find("第2条").unwrap_or_default();
    bytes.insert(at, 0xFF);
    assert_eq!(
        err(&bytes),
        DecodeError::Invalid {
            encoding: "UTF-8",
            offset: at,
            len: 1
        }
    );
}

#[test]
fn truncated_utf8_at_end() {
    let mut bytes = POLICY.as_bytes().to_vec();
    let at = bytes.len();
    bytes.extend_from_slice(&"個".as_bytes()[..2]);
    assert_eq!(
        err(&bytes),
        DecodeError::Invalid {
            encoding: "UTF-8",
            offset: at,
            len: 2
        }
    );
}

#[test]
fn binary_file() {
    let png = b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0";
    assert_eq!(err(png), DecodeError::Binary { offset: 8 });
    let error = err(png);
    assert_eq!(error.to_string(), "binary file (NUL byte at offset 8)");
}

#[test]
fn utf16_without_bom() {
    let text = "Privacy Policy\r\n個人情報保護方針 (2024-04-01)\r\n";
    assert_eq!(
        err(&utf16(text, u16::to_le_bytes)),
        DecodeError::Utf16WithoutBom { endian: "LE" }
    );
    assert_eq!(
        err(&utf16(text, u16::to_be_bytes)),
        DecodeError::Utf16WithoutBom { endian: "BE" }
    );
    assert!(
        err(&utf16(text, u16::to_le_bytes))
            .to_string()
            .contains("UTF-16LE")
    );
}

/// Characters that survive a Shift_JIS round trip on their own (the
/// encoder maps e.g. ¥ to 0x5C, which decodes as a backslash).
fn sjis_round_trips(c: char) -> bool {
    let s = c.to_string();
    let (bytes, _, unmappable) = SHIFT_JIS.encode(&s);
    c != '\0' && !unmappable && SHIFT_JIS.decode_without_bom_handling(&bytes).0 == s.as_str()
}

fn sjis_string() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        2 => any::<char>(),
        3 => prop::char::range(' ', '~'),
        3 => prop::char::range('\u{3041}', '\u{30FA}'),
        3 => prop::char::range('\u{4E00}', '\u{9FA0}'),
        2 => prop::char::range('\u{FF01}', '\u{FF9F}'),
        1 => prop::char::range('\u{2460}', '\u{2473}'),
        1 => prop_oneof![Just('\r'), Just('\n')],
    ];
    prop::collection::vec(c, 0..120)
        .prop_map(|chars| chars.into_iter().filter(|&c| sjis_round_trips(c)).collect())
}

proptest! {
    #[test]
    fn utf8_round_trips_with_identity_offsets(s in any::<String>()) {
        prop_assume!(!s.contains('\0'));
        // 7-bit text with escapes may be ISO-2022-JP; not this property.
        prop_assume!(!(s.is_ascii() && s.contains('\u{1B}')));
        let decoded = ok(s.as_bytes());
        prop_assert_eq!(decoded.encoding, "UTF-8");
        if let Some(rest) = s.strip_prefix('\u{FEFF}') {
            // Starting with U+FEFF is starting with a UTF-8 BOM.
            prop_assert!(decoded.bom);
            prop_assert_eq!(decoded.text.as_str(), rest);
        } else {
            prop_assert!(!decoded.bom);
            prop_assert_eq!(&decoded.text, &s);
            prop_assert!(decoded.offsets.is_identity());
            for (i, _) in s.char_indices() {
                prop_assert_eq!(decoded.offsets.to_file(i), i);
                prop_assert_eq!(decoded.offsets.from_file(i), i);
            }
            prop_assert_eq!(decoded.offsets.to_file(s.len()), s.len());
        }
    }

    /// After a realistic paragraph (so detection has something to go on),
    /// any Shift_JIS-encodable text decodes back with exact offsets.
    #[test]
    fn shift_jis_round_trips_with_exact_offsets(suffix in sjis_string()) {
        let s = format!("{POLICY}{suffix}");
        let bytes = encode(SHIFT_JIS, &s);
        let decoded = ok(&bytes);
        prop_assert_eq!(decoded.encoding, "Shift_JIS");
        prop_assert_eq!(&decoded.text, &s);
        // Shift_JIS is stateless: the suffix's chars start where the
        // encodings of everything before them end.
        let mut expected = encode(SHIFT_JIS, POLICY).len();
        for (j, c) in suffix.char_indices() {
            let i = POLICY.len() + j;
            prop_assert_eq!(decoded.offsets.to_file(i), expected);
            prop_assert_eq!(decoded.offsets.from_file(expected), i);
            let len = SHIFT_JIS.encode(c.encode_utf8(&mut [0; 4])).0.len();
            for inside in expected..expected + len {
                prop_assert_eq!(decoded.offsets.from_file(inside), i);
            }
            expected += len;
        }
        prop_assert_eq!(expected, bytes.len());
        prop_assert_eq!(decoded.offsets.to_file(s.len()), expected);
    }

    #[test]
    fn utf16le_with_bom_round_trips_with_exact_offsets(s in any::<String>()) {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(utf16(&s, u16::to_le_bytes));
        let decoded = ok(&bytes);
        prop_assert_eq!(decoded.encoding, "UTF-16LE");
        prop_assert_eq!(&decoded.text, &s);
        let mut previous = None;
        for (i, _) in s.char_indices().chain([(s.len(), ' ')]) {
            let file = decoded.offsets.to_file(i);
            prop_assert!(previous < Some(file));
            prop_assert_eq!(file, 2 + 2 * s[..i].encode_utf16().count());
            prop_assert_eq!(decoded.offsets.from_file(file), i);
            previous = Some(file);
        }
    }
}
