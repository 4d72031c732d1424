//! Every format parser (text, Markdown, HTML, and TSV rows with HTML cells
//! through the text format) and the structure stage on arbitrary text: no
//! panic, and every node's span lies on char boundaries inside the text.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use policylint::document::{Document, Format};
use policylint::source::decode;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest).into_owned();
    let format = [Format::Text, Format::Markdown, Format::Html][usize::from(sel) % 3];
    let Ok(decoded) = decode(text.as_bytes()) else { return };
    let doc = Document::parse(Path::new("fuzz"), decoded, format);
    for n in &doc.nodes {
        assert!(n.src.start <= n.src.end && n.src.end <= doc.text.len());
        assert!(doc.text.is_char_boundary(n.src.start) && doc.text.is_char_boundary(n.src.end));
        let r = doc.norm_to_src(n.norm.clone());
        assert!(doc.text.is_char_boundary(r.start) && doc.text.is_char_boundary(r.end));
    }
});
