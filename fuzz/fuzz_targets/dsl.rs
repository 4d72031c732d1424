//! The rule-language parser and compiler on arbitrary text: no panic, and
//! every error span lies on char boundaries inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policylint::rules::Loader;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let (_, errors) = policylint::rules::parser::parse(src);
    for e in &errors {
        assert!(e.span.start <= e.span.end && e.span.end <= src.len());
        assert!(src.is_char_boundary(e.span.start) && src.is_char_boundary(e.span.end));
    }
    let mut l = Loader::new();
    l.add_source("fuzz.rules", None, src.to_string());
    if let Err(errs) = l.compile() {
        for e in errs {
            let s = &e.error.span;
            assert!(s.start <= s.end && s.end <= src.len());
            assert!(src.is_char_boundary(s.start) && src.is_char_boundary(s.end));
        }
    }
});
