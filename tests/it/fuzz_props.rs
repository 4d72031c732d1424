//! The fuzz targets' properties (fuzz/fuzz_targets), as proptests that run
//! in the normal suite: arbitrary input never panics and every span lands
//! on char boundaries.

use std::path::Path;
use std::sync::OnceLock;

use policylint::Document;
use policylint::engine::Evaluator;
use policylint::rules::{Loader, RuleSet};
use proptest::prelude::*;

fn rules() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut l = Loader::new();
        l.add_builtin();
        l.compile()
            .unwrap_or_else(|_| panic!("the built-in pack compiles"))
    })
}

/// Text built from pieces of rule syntax, so that the parser gets deep.
fn rule_like() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "rule ",
        "a/b ",
        "{",
        "}",
        "\n",
        " ",
        "term ",
        "x ",
        "= ",
        "\"お問い合わせ\"",
        "\"",
        "/",
        "/re/",
        "|",
        "require ",
        "all ",
        "any ",
        "2 of ",
        "in ",
        "section",
        "(x)",
        "near ",
        "within ",
        "10",
        "forbid ",
        "reference ",
        "-> ",
        "warning",
        "severity ",
        "error ",
        "message.ja ",
        "message.en ",
        "test ",
        "pass ",
        "fail ",
        "expect ",
        "missing ",
        "[a, b]",
        "at ",
        "1:1",
        "#",
        "\"\"\"",
        "import ",
        "pack ",
        "consistent ",
        "unless ",
        "anchor ",
        "trigger",
        "é",
        "漢",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn rule_files_never_panic_and_errors_are_located(src in prop_oneof![rule_like(), any::<String>()]) {
        let (_, errors) = policylint::rules::parser::parse(&src);
        for e in &errors {
            prop_assert!(e.span.start <= e.span.end && e.span.end <= src.len());
            prop_assert!(src.is_char_boundary(e.span.start) && src.is_char_boundary(e.span.end));
        }
        let mut l = Loader::new();
        l.add_source("p.rules", None, src.clone());
        if let Err(errs) = l.compile() {
            for e in errs {
                let s = &e.error.span;
                prop_assert!(src.is_char_boundary(s.start) && src.is_char_boundary(s.end.min(src.len())));
            }
        }
    }

    #[test]
    fn the_whole_pipeline_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400), kind in 0..3usize) {
        let name = ["d.txt", "d.md", "d.html"][kind];
        if let Ok(doc) = Document::from_bytes(Path::new(name), &bytes) {
            for f in Evaluator::new(rules(), &doc).run_all() {
                prop_assert!(doc.text.is_char_boundary(f.span.start) && doc.text.is_char_boundary(f.span.end));
            }
        }
    }
}
