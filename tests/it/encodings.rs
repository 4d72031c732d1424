//! The same policy written as Shift_JIS, EUC-JP, UTF-16 (LE/BE, with BOM),
//! UTF-8 with BOM and with CRLF line endings gives the same outline as
//! UTF-8: the decoder and the line/column arithmetic hide the encoding.

use std::path::Path;

use policylint::document::{Document, NodeKind};
use policylint::report::outline::{TextOptions, render_text};

const SEEDS: &[&str] = &[
    "001_b1f9d928bcdeb18c.txt",
    "003_173e50e8e64a77e0.txt",
    "004_dcbe507f35b38ff6.txt",
];

/// The seed with every char that `enc` cannot represent replaced by '?', so
/// that the UTF-8 and legacy versions hold the same text.
fn representable(text: &str, enc: &'static encoding_rs::Encoding) -> String {
    text.chars()
        .map(|c| {
            let mut b = [0u8; 4];
            let (_, _, unmappable) = enc.encode(c.encode_utf8(&mut b));
            if unmappable { '?' } else { c }
        })
        .collect()
}

/// Outline without its first line (which names the encoding).
fn outline_body(dir: &Path, name: &str, bytes: &[u8]) -> (String, Document) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let doc = Document::load(&path, u64::MAX).expect("decodes");
    let text = render_text(&doc, TextOptions { sentences: true });
    let body = text.split_once('\n').map(|(_, b)| b.to_string()).unwrap();
    (body, doc)
}

fn utf16(text: &str, le: bool) -> Vec<u8> {
    let mut out = if le {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for u in text.encode_utf16() {
        out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

#[test]
fn legacy_and_utf16_encodings_give_the_utf8_outline() {
    let dir = tempfile::tempdir().unwrap();
    for seed in SEEDS {
        let original = std::fs::read_to_string(Path::new("fixtures/seeds").join(seed)).unwrap();
        for (enc, name) in [
            (encoding_rs::SHIFT_JIS, "Shift_JIS"),
            (encoding_rs::EUC_JP, "EUC-JP"),
        ] {
            let text = representable(&original, enc);
            let (expected, _) = outline_body(dir.path(), seed, text.as_bytes());
            let (encoded, _, errors) = enc.encode(&text);
            assert!(!errors);
            let (got, doc) = outline_body(dir.path(), seed, &encoded);
            assert_eq!(doc.encoding, name, "{seed}");
            assert_eq!(got, expected, "{seed} as {name}");
            // File offsets point at the encoded bytes of the same text.
            let needle = "個人情報";
            if let Some(at) = doc.text.find(needle) {
                let (enc_needle, _, _) = enc.encode(needle);
                let file_at = doc.file_offset(at);
                assert_eq!(
                    &encoded[file_at..file_at + enc_needle.len()],
                    &enc_needle[..],
                    "{seed} as {name}"
                );
            }
        }
        let (expected, _) = outline_body(dir.path(), seed, original.as_bytes());
        for le in [true, false] {
            let (got, doc) = outline_body(dir.path(), seed, &utf16(&original, le));
            assert_eq!(doc.encoding, if le { "UTF-16LE" } else { "UTF-16BE" });
            assert!(doc.bom);
            assert_eq!(got, expected, "{seed} as UTF-16");
        }
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend(original.as_bytes());
        let (got, doc) = outline_body(dir.path(), seed, &bom);
        assert!(doc.bom);
        assert_eq!(got, expected, "{seed} with a UTF-8 BOM");
        assert_eq!(doc.file_offset(0), 3);
    }
}

#[test]
fn crlf_and_lf_give_the_same_outline_and_normalised_text() {
    let dir = tempfile::tempdir().unwrap();
    for seed in SEEDS {
        let original = std::fs::read_to_string(Path::new("fixtures/seeds").join(seed)).unwrap();
        let crlf = original.replace('\n', "\r\n");
        let (lf_outline, lf_doc) = outline_body(dir.path(), seed, original.as_bytes());
        let (crlf_outline, crlf_doc) = outline_body(dir.path(), seed, crlf.as_bytes());
        assert_eq!(lf_outline, crlf_outline, "{seed}");
        assert_eq!(lf_doc.norm.text, crlf_doc.norm.text, "{seed}");
        let kinds = |d: &Document| {
            d.nodes
                .iter()
                .filter(|n| n.kind == NodeKind::Sentence)
                .count()
        };
        assert_eq!(kinds(&lf_doc), kinds(&crlf_doc));
    }
}
