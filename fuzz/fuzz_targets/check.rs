//! The whole pipeline on arbitrary bytes with the built-in pack: decode,
//! parse, normalise, evaluate every rule. No panic; every finding lies on
//! char boundaries inside the document.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use policylint::Document;
use policylint::engine::Evaluator;
use policylint::rules::{Loader, RuleSet};

fn rules() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut l = Loader::new();
        l.add_builtin();
        l.compile().unwrap_or_else(|_| panic!("the built-in pack compiles"))
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let name = ["doc.txt", "doc.md", "doc.html"][usize::from(sel) % 3];
    let Ok(doc) = Document::from_bytes(Path::new(name), rest) else { return };
    for f in Evaluator::new(rules(), &doc).run_all() {
        assert!(f.span.start <= f.span.end && f.span.end <= doc.text.len());
        assert!(doc.text.is_char_boundary(f.span.start) && doc.text.is_char_boundary(f.span.end));
        for l in &f.labels {
            assert!(doc.text.is_char_boundary(l.span.start) && doc.text.is_char_boundary(l.span.end));
        }
    }
});
