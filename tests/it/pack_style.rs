//! How the built-in pack reads: compliance engineers review these files, so
//! patterns are short lines of named vocabulary, and "the same sentence
//! within N characters" is `then … within N`, not a regex window.

use std::path::Path;

/// Every line of the built-in pack that states a pattern: not a comment, a
/// text field (title, message, help, cite, url) or an example under `test`.
fn pattern_lines() -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    let mut files: Vec<_> =
        walkdir::WalkDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "rules"))
            .map(|e| e.into_path())
            .collect();
    files.sort();
    assert!(files.len() >= 20, "the pack's rule files: {files:?}");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let mut in_example = false;
        let mut in_text = false;
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_start();
            // A `"""` block (an example or a long text) runs until its close.
            let quotes = t.matches("\"\"\"").count();
            if in_example || in_text {
                if quotes % 2 == 1 {
                    in_example = false;
                    in_text = false;
                }
                continue;
            }
            let word = t.split([' ', '.']).next().unwrap_or("");
            let text_field = matches!(
                word,
                "title"
                    | "message"
                    | "help"
                    | "cite"
                    | "url"
                    | "forbid-message"
                    | "reference-message"
            ) || t.starts_with("/ \"");
            if word == "test" || word == "expect" || text_field {
                if quotes % 2 == 1 {
                    in_example = word == "test";
                    in_text = !in_example;
                }
                continue;
            }
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            out.push((name, i + 1, line.to_string()));
        }
    }
    out
}

#[test]
fn no_pattern_line_is_longer_than_120_characters() {
    let lines = pattern_lines();
    assert!(lines.len() > 300, "pattern lines found: {}", lines.len());
    let long: Vec<String> = lines
        .iter()
        .filter(|(_, _, l)| l.chars().count() > 120)
        .map(|(f, n, l)| format!("{f}:{n}: {} characters", l.chars().count()))
        .collect();
    assert!(long.is_empty(), "{long:#?}");
}

#[test]
fn same_sentence_windows_are_written_with_then() {
    let windows: Vec<String> = pattern_lines()
        .iter()
        .filter(|(_, _, l)| l.contains("[^。"))
        .map(|(f, n, l)| format!("{f}:{n}: {}", l.trim()))
        .collect();
    assert!(
        windows.is_empty(),
        "write `A then B within N`:\n{windows:#?}"
    );
}
