//! The matcher's plans on the real pack: here rather than in `pattern`,
//! which comes before the rules and documents these tests load.

use std::ops::Range;

use crate::pattern::{PatternId, Plan};
use crate::rules::{Loader, RuleSet};

fn find_all(re: &regex::Regex, text: &str) -> Vec<Range<usize>> {
    re.find_iter(text)
        .filter(|m| !m.is_empty())
        .map(|m| m.range())
        .collect()
}

fn pack() -> RuleSet {
    let mut l = Loader::new();
    l.add_builtin();
    l.compile().unwrap()
}

fn regex_src(set: &RuleSet, id: PatternId) -> String {
    let d = set.patterns.describe(id);
    d[1..d.len() - 1].to_string()
}

/// Every regex of the built-in pack, on the normalised text of every
/// fixture document: the windowed search finds exactly what a search of
/// the whole text finds.
#[test]
fn windows_equal_full_search() {
    let set = pack();
    let ids: Vec<PatternId> = (0..set.patterns.len() as PatternId)
        .filter(|&id| set.patterns.plan(id).is_some())
        .collect();
    let windowed = ids
        .iter()
        .filter(|&&id| !matches!(set.patterns.plan(id), Some(Plan::Full)))
        .count();
    assert!(
        windowed * 10 >= ids.len() * 8,
        "most of the pack is windowed: {windowed}/{}",
        ids.len()
    );
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let plain: Vec<regex::Regex> = ids
        .iter()
        .map(|&id| regex::Regex::new(&regex_src(&set, id)).unwrap())
        .collect();
    let mut docs = 0;
    let mut found = 0;
    for e in walkdir::WalkDir::new(root).into_iter().flatten() {
        if !e.file_type().is_file() {
            continue;
        }
        let Ok(doc) = crate::document::Document::load(e.path(), 1 << 24) else {
            continue;
        };
        docs += 1;
        let text = &doc.norm.text;
        let scan = set.patterns.scan(text);
        for (&id, re) in ids.iter().zip(&plain) {
            let want = find_all(re, text);
            found += want.len();
            assert_eq!(
                scan.get(id),
                want.as_slice(),
                "{} in {}",
                set.patterns.describe(id),
                e.path().display()
            );
        }
    }
    assert!(
        docs > 100 && found > 1000,
        "{docs} documents, {found} matches"
    );
}
