//! Properties of normalisation and its span map, for arbitrary Unicode input:
//! the map is total, monotonic, and lands on char boundaries of the original.

use policylint::document::normalize::{normalize, normalize_lines};
use policylint::document::{Document, Format};
use policylint::source::decode;
use proptest::prelude::*;

/// Text that exercises the normaliser: Japanese, full-width and half-width
/// forms, spaces of every kind, dashes, digits, combining marks, CRLF.
fn japanese_like() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "当社",
        "は",
        "、",
        "。",
        "個人情報",
        "ＮＴＴ",
        "ｶﾀｶﾅ",
        "ｶﾞ",
        "ﾊﾟ",
        "ﾞ",
        "ﾟ",
        " ",
        "　",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "〒",
        "１００",
        "−",
        "ー",
        "－",
        "‐",
        "0120",
        "-",
        "2",
        " 丁目 ",
        "A",
        "b",
        "Z",
        "①",
        "㈱",
        "e\u{301}",
        "\u{3099}",
        "\u{a0}",
        "𠮷",
        "(",
        "（",
        "）",
        "【",
        "】",
        "<",
        "&",
        "\u{feff}",
        "ｱ",
        "Ａ",
        "x",
        "ﬁ",
        "㌔",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

fn check_map(s: &str) {
    check_map_of(s, normalize(s));
    check_map_of(s, normalize_lines(s));
}

fn check_map_of(s: &str, m: policylint::text::span::MappedText) {
    assert_eq!(
        m.map.out_len(),
        m.text.len(),
        "the map covers the whole output"
    );
    let bounds: Vec<usize> = m
        .text
        .char_indices()
        .map(|(i, _)| i)
        .chain([m.text.len()])
        .collect();
    let mut last_start = 0;
    let mut last_end = 0;
    for (k, &i) in bounds.iter().enumerate() {
        let st = m.map.src_start(i);
        let en = m.map.src_end(i);
        assert!(st <= s.len() && en <= s.len());
        assert!(
            s.is_char_boundary(st),
            "start {st} of {i} not on a boundary in {s:?}"
        );
        assert!(
            s.is_char_boundary(en),
            "end {en} of {i} not on a boundary in {s:?}"
        );
        assert!(st >= last_start, "src_start not monotonic at {i} in {s:?}");
        assert!(en >= last_end, "src_end not monotonic at {i} in {s:?}");
        last_start = st;
        last_end = en;
        // Every normalised char comes from a non-empty piece of the input.
        if let Some(&j) = bounds.get(k + 1) {
            let r = m.to_src(i..j);
            assert!(r.start < r.end, "char at {i} maps to nothing in {s:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn map_is_total_monotonic_on_boundaries_any_unicode(s in any::<String>()) {
        check_map(&s);
    }

    #[test]
    fn map_is_total_monotonic_on_boundaries_japanese(s in japanese_like()) {
        check_map(&s);
    }

    #[test]
    fn normalisation_is_idempotent(s in japanese_like()) {
        let once = normalize(&s).text;
        prop_assert_eq!(normalize(&once).text, once);
        let lines = normalize_lines(&s).text;
        prop_assert_eq!(normalize_lines(&lines).text, lines.clone());
        // Keeping line ends changes nothing else.
        prop_assert_eq!(normalize(&lines).text, normalize(&s).text);
    }

    #[test]
    fn every_node_maps_inside_the_document(s in japanese_like(), fmt in 0..3u8) {
        let format = [Format::Text, Format::Markdown, Format::Html][fmt as usize];
        let Ok(decoded) = decode(s.as_bytes()) else { return Ok(()); };
        let doc = Document::parse(std::path::Path::new("x"), decoded, format);
        for n in &doc.nodes {
            prop_assert!(n.src.start <= n.src.end && n.src.end <= doc.text.len());
            prop_assert!(doc.text.is_char_boundary(n.src.start) && doc.text.is_char_boundary(n.src.end));
            prop_assert!(n.norm.end <= doc.norm.text.len());
            let r = doc.norm_to_src(n.norm.clone());
            prop_assert!(doc.text.is_char_boundary(r.start) && doc.text.is_char_boundary(r.end));
            if n.norm.start < n.norm.end {
                prop_assert!(r.start >= n.src.start && r.end <= n.src.end, "{:?} {:?} {:?}", n.kind, r, n.src);
            }
        }
    }
}

#[test]
fn pdf_spacing_matches_the_unspaced_form() {
    assert_eq!(
        normalize("東京都千代田区永田町 2 丁目 11 番 1 号").text,
        normalize("東京都千代田区永田町2丁目11番1号").text
    );
    assert_eq!(
        normalize("株式会社 NTT コノキュー").text,
        normalize("株式会社NTTコノキュー").text
    );
    assert_eq!(normalize("〒100−6150").text, "〒100-6150");
    assert_eq!(normalize("0120ー966ー486").text, "0120-966-486");
    assert_eq!(
        normalize("ＴＥＬ：０３－１２３４－５６７８").text,
        "tel:03-1234-5678"
    );
}
