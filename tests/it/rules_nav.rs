//! Rule-file intelligence for editors (`policylint::rules::navigate`):
//! diagnostics, hover and go-to-definition on a `.rules` buffer, with
//! imports from disk or from other open buffers.

use std::fs;
use std::path::{Path, PathBuf};

use policylint::rules::Severity;
use policylint::rules::navigate::{RuleDiagnostic, Target, definition, diagnostics, hover};
use proptest::prelude::*;

/// No open buffer but the one given.
fn none(_: &Path) -> Option<String> {
    None
}

/// Byte offset of the `n`th (from 0) occurrence of `needle`, plus `k`.
fn off(text: &str, needle: &str, n: usize, k: usize) -> usize {
    text.match_indices(needle).nth(n).expect("needle").0 + k
}

fn span_of(text: &str, needle: &str, n: usize) -> std::ops::Range<usize> {
    let s = off(text, needle, n, 0);
    s..s + needle.len()
}

/// A pack folder with the files given, and the canonical path of each.
fn pack(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap().join("pack");
    fs::create_dir_all(&root).unwrap();
    for (name, text) in files {
        let p = root.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    (dir, root)
}

const RULE: &str = "rule t/x {\n  severity error\n  message \"{missing}がありません\" / \"missing: {missing}\"\n  require w = contact as \"窓口\"\n  anchor nearest w\n  test fail \"なし\"\n    expect missing [w]\n}\n";

#[test]
fn a_valid_file_has_no_diagnostics() {
    let text = format!("term contact = \"お問い合わせ\"\n{RULE}");
    assert_eq!(diagnostics(Path::new("x.rules"), &text, &none), vec![]);
}

#[test]
fn a_syntax_error_is_located() {
    let text = "term contact = \"お問い合わせ\" |\nterm other = = \"x\"\n";
    let d = diagnostics(Path::new("x.rules"), text, &none);
    assert!(!d.is_empty());
    assert!(d.iter().all(|d| d.severity == Severity::Error));
    // The stray `=` on line 2 is reported where it is.
    let second = off(text, "= \"x\"", 0, 0);
    assert!(
        d.iter().any(|d| d.span.start == second),
        "{d:#?} (expected one at {second})"
    );
}

#[test]
fn an_unknown_term_is_located_with_a_suggestion() {
    let text = format!("term contact = \"お問い合わせ\"\nterm window = contct\n{RULE}");
    let d = diagnostics(Path::new("x.rules"), &text, &none);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].span, span_of(&text, "contct", 0));
    assert_eq!(d[0].message, "unknown term `contct`");
    assert_eq!(d[0].help.as_deref(), Some("did you mean `contact`?"));
}

#[test]
fn an_error_in_an_imported_file_is_reported_once_at_the_import() {
    let (_dir, root) = pack(&[
        (
            "common.rules",
            "import \"deep.rules\"\nterm contact = nope\n",
        ),
        ("deep.rules", "term deep = \"x\" |\n"),
    ]);
    let text = format!("import \"common.rules\"\n{RULE}");
    let d = diagnostics(&root.join("main.rules"), &text, &none);
    let at = span_of(&text, "\"common.rules\"", 0);
    assert!(d.iter().all(|d| d.span == at), "{d:#?}");
    // The unknown term, in common.rules at line 2, column 16.
    let unknown: Vec<&RuleDiagnostic> = d
        .iter()
        .filter(|d| d.message.contains("unknown term `nope`"))
        .collect();
    assert_eq!(unknown.len(), 1, "{d:#?}");
    assert!(
        unknown[0].message.contains("common.rules:2:16"),
        "{}",
        unknown[0].message
    );
    // The error in deep.rules, imported by common.rules, comes through
    // the same import.
    assert!(
        d.iter().any(|d| d.message.contains("deep.rules:1:")),
        "{d:#?}"
    );
}

#[test]
fn a_missing_import_is_located() {
    let (_dir, root) = pack(&[]);
    let text = "import \"gone.rules\"\n";
    let d = diagnostics(&root.join("main.rules"), text, &none);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].span, span_of(text, "\"gone.rules\"", 0));
    assert_eq!(d[0].message, "cannot import `gone.rules`");
}

#[test]
fn an_open_buffer_wins_over_the_disk() {
    let (_dir, root) = pack(&[("common.rules", "term contact = \"窓口\"\n")]);
    let main = root.join("main.rules");
    let text = format!("import \"common.rules\"\n{RULE}");
    assert_eq!(diagnostics(&main, &text, &none), vec![]);
    let common = root.join("common.rules");
    let overlay = |p: &Path| (p == common).then(|| "term renamed = \"窓口\"\n".to_string());
    let d = diagnostics(&main, &text, &overlay);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].message, "unknown term `contact`");
    // Definition follows the buffer too.
    let text2 = "import \"common.rules\"\nterm x = renamed\n";
    let t = definition(&main, text2, off(text2, "renamed", 0, 2), &overlay).unwrap();
    assert_eq!(t.path, common);
    assert_eq!(t.span, 5..12);
}

#[test]
fn an_open_buffer_does_not_lift_the_pack_boundary() {
    let (dir, root) = pack(&[]);
    let outside = dir.path().canonicalize().unwrap().join("outside.rules");
    fs::write(&outside, "term contact = \"x\"\n").unwrap();
    let overlay = |_: &Path| Some("term contact = \"x\"\n".to_string());
    let text = "import \"../outside.rules\"\nterm y = contact\n";
    let d = diagnostics(&root.join("main.rules"), text, &overlay);
    assert!(
        d.iter().any(|d| d.message.contains("outside the pack")
            && d.span == span_of(text, "\"../outside.rules\"", 0)),
        "{d:#?}"
    );
    // A buffer for a file that is not on disk is not imported either.
    let text = "import \"ghost.rules\"\n";
    let d = diagnostics(&root.join("main.rules"), text, &overlay);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].message, "cannot import `ghost.rules`");
}

#[test]
fn hover_on_a_local_term_shows_its_definition_and_comments() {
    let text = format!(
        "# 問い合わせの窓口\n# (JIS 表記も)\nterm contact = \"お問い合わせ\" | /相談窓口/\n{RULE}"
    );
    let at = off(&text, "contact as", 0, 3);
    let (range, md) = hover(Path::new("x.rules"), &text, at, &none).unwrap();
    assert_eq!(range, span_of(&text, "contact", 1));
    assert!(
        md.contains("term contact = \"お問い合わせ\" | /相談窓口/"),
        "{md}"
    );
    assert!(md.contains("問い合わせの窓口\n(JIS 表記も)"), "{md}");
    assert!(md.contains("this file, line 3"), "{md}");
    // On the definition's own name too.
    let (range, _) = hover(
        Path::new("x.rules"),
        &text,
        off(&text, "contact", 0, 0),
        &none,
    )
    .unwrap();
    assert_eq!(range, span_of(&text, "contact", 0));
}

#[test]
fn hover_on_an_imported_term_names_its_file() {
    let (_dir, root) = pack(&[(
        "common.rules",
        "\n# 窓口\nterm contact = \"窓口\" | \"相談\"\n",
    )]);
    let text = format!("import \"common.rules\"\n{RULE}");
    let at = off(&text, "contact", 0, 0);
    let (_, md) = hover(&root.join("main.rules"), &text, at, &none).unwrap();
    assert!(md.contains("term contact = \"窓口\" | \"相談\""), "{md}");
    assert!(md.contains("common.rules`, line 3"), "{md}");
    assert!(md.contains("窓口\n\n"), "{md}");
    // On the import's string: the file and its terms.
    let (range, md) = hover(&root.join("main.rules"), &text, 9, &none).unwrap();
    assert_eq!(range, span_of(&text, "\"common.rules\"", 0));
    assert!(md.contains("`contact`"), "{md}");
}

#[test]
fn hover_and_definition_on_element_names() {
    let text = format!("term contact = \"窓口\"\n{RULE}");
    let def = span_of(&text, "w = contact", 0);
    let def = def.start..def.start + 1;
    for n in ["nearest w", "missing [w]"] {
        let at = off(&text, n, 0, n.len() - 1 - usize::from(n.ends_with(']')));
        let t = definition(Path::new("x.rules"), &text, at, &none).unwrap();
        assert_eq!(t.span, def, "{n}");
        let (_, md) = hover(Path::new("x.rules"), &text, at, &none).unwrap();
        assert!(md.contains("w = contact as \"窓口\""), "{md}");
        assert!(md.contains("rule `t/x`"), "{md}");
    }
}

#[test]
fn definition_of_local_imported_and_transitive_terms() {
    let a = "import \"sub/b.rules\"\nterm from_a = \"a\"\n";
    let b = "term from_b = \"b\"\n";
    let (_dir, root) = pack(&[("a.rules", a), ("sub/b.rules", b)]);
    let main = root.join("main.rules");
    let text = "import \"a.rules\"\nterm local = \"l\"\nterm all = local | from_a | from_b\n";
    let go = |needle: &str, n: usize| definition(&main, text, off(text, needle, n, 1), &none);
    assert_eq!(
        go("local", 1),
        Some(Target {
            path: main.clone(),
            span: span_of(text, "local", 0)
        })
    );
    assert_eq!(
        go("from_a", 0),
        Some(Target {
            path: root.join("a.rules"),
            span: span_of(a, "from_a", 0)
        })
    );
    assert_eq!(
        go("from_b", 0),
        Some(Target {
            path: root.join("sub/b.rules"),
            span: span_of(b, "from_b", 0)
        })
    );
    // On the import's string: the file itself.
    assert_eq!(
        go("\"a.rules\"", 0),
        Some(Target {
            path: root.join("a.rules"),
            span: 0..0
        })
    );
    // Right after a name (the cursor at its end) still counts.
    let end = off(text, "from_b", 0, 6);
    assert_eq!(definition(&main, text, end, &none), go("from_b", 0));
    // An unknown term has no definition.
    let text = "term x = nowhere\n";
    assert_eq!(definition(&main, text, 10, &none), None);
}

#[test]
fn words_in_strings_regexes_and_comments_are_not_references() {
    let text = "# contact\nterm contact = \"contact\" | /contact/\nterm x = contact # contact\n";
    let p = Path::new("x.rules");
    for n in [0, 2, 3, 5] {
        let at = off(text, "contact", n, 2);
        assert_eq!(hover(p, text, at, &none), None, "occurrence {n}");
        assert_eq!(definition(p, text, at, &none), None, "occurrence {n}");
    }
    // The real reference does resolve.
    let t = definition(p, text, off(text, "contact", 4, 2), &none).unwrap();
    assert_eq!(t.span, span_of(text, "contact", 1));
}

#[test]
fn multi_byte_text_before_the_offset() {
    let text = "# 日本語のコメント　全角スペース\nterm 窓口 = \"x\"\nterm contact = \"お問い合わせ・相談窓口\"\nterm x = \"個人情報\" then contact\n";
    let p = Path::new("x.rules");
    let at = off(text, "contact", 1, 4);
    let t = definition(p, text, at, &none).unwrap();
    assert_eq!(t.span, span_of(text, "contact", 0));
    let (range, md) = hover(p, text, at, &none).unwrap();
    assert_eq!(range, span_of(text, "contact", 1));
    assert!(md.contains("line 3"), "{md}");
    // The non-ASCII term name is an error, located on char boundaries.
    for d in diagnostics(p, text, &none) {
        assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
    }
    // An offset inside a multi-byte character gives nothing, not a panic.
    let mid = off(text, "個人", 0, 1);
    assert_eq!(hover(p, text, mid, &none), None);
}

fn check_span(text: &str, s: &std::ops::Range<usize>) -> Result<(), TestCaseError> {
    prop_assert!(
        s.start <= s.end && s.end <= text.len(),
        "{s:?} in {}",
        text.len()
    );
    prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any text, half-typed or garbage, and any offset: no panic, and
    /// every span lies within the text on character boundaries.
    #[test]
    fn any_text_and_offset(
        text in prop_oneof![
            any::<String>(),
            "[a-z_ =|\"/#{}\\[\\]\n窓口]{0,80}",
            // Pieces of the language, shuffled.
            prop::collection::vec(
                prop::sample::select(vec![
                    "term ", "contact", " = ", "\"窓口\"", " | ", "/相談/", "import ",
                    "\"a.rules\"", "rule t/x {", "}", "\n", "require ", "w", " as ",
                    "anchor nearest ", "expect missing [", "]", "# 注\n", "then ", "\"",
                ]),
                0..30,
            ).prop_map(|v| v.concat()),
        ],
        offset in 0usize..200,
    ) {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.rules"), "term contact = \"x\"\n").unwrap();
        let path = dir.path().join("main.rules");
        for d in diagnostics(&path, &text, &none) {
            check_span(&text, &d.span)?;
            prop_assert!(!d.message.is_empty());
        }
        if let Some((range, md)) = hover(&path, &text, offset, &none) {
            check_span(&text, &range)?;
            prop_assert!(!md.is_empty());
        }
        if let Some(t) = definition(&path, &text, offset, &none)
            && t.path == path
        {
            check_span(&text, &t.span)?;
        }
    }
}
