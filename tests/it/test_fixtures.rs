//! `policylint test` on fixture documents found by folder convention: a
//! document under `tests/<rule>/` is a case of that rule, and its
//! `policylint-expect` / `policylint-with` comments say what it expects.

use std::path::Path;

use super::common::{Out, run};

/// Two rules: a contact paragraph needs a phone number and an email
/// address (the finding starts at the paragraph); a document must say the
/// word "policylint" somewhere in its text.
const RULES: &str = r#"
rule t/contact {
  severity error
  message "窓口の{missing}がありません" / "contact: {missing} missing"
  in paragraph with "窓口" {
    anchor scope
    require all {
      phone = /[0-9]{2,4}-[0-9]{4}/ as "電話番号" / "a phone number"
      mail = /@/ as "メールアドレス" / "an email address"
    }
  }
}

rule t/marker {
  severity info
  message "{missing}がありません" / "no {missing}"
  require word = "policylint" as "目印" / "the marker"
}
"#;

/// A pack in a fresh folder: `RULES` (plus `extra` rule text) and the
/// given files, by path below the pack.
fn pack(extra: &str, files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("pack.rules"), format!("{RULES}{extra}")).unwrap();
    for (path, bytes) in files {
        let p = d.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    d
}

fn test(d: &Path) -> Out {
    run(d, &["test", "."])
}

/// The report line of the case at `path` (below `tests/`).
fn line_of<'a>(out: &'a str, path: &str) -> &'a str {
    out.lines()
        .find(|l| l.ends_with(&format!("tests/{path}")))
        .unwrap_or_else(|| panic!("no case for {path} in:\n{out}"))
}

const GOOD_MD: &str = "# お問い合わせ\n\n窓口: 03-1234-5678 / info@example.jp\n";
const NO_MAIL_MD: &str =
    "# お問い合わせ\n\n<!-- policylint-expect missing [mail] -->\n窓口: 03-1234-5678\n";

#[test]
fn pass_and_fail_fixtures_are_validated_and_named_by_path() {
    let d = pack(
        "",
        &[
            ("tests/contact/complete.md", GOOD_MD.as_bytes()),
            // The full id as folders.
            ("tests/t/contact/no-mail.md", NO_MAIL_MD.as_bytes()),
        ],
    );
    let o = test(d.path());
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_eq!(
        line_of(&o.stdout, "contact/complete.md"),
        "validated t/contact #1 (pass)  ./tests/contact/complete.md"
    );
    assert_eq!(
        line_of(&o.stdout, "t/contact/no-mail.md"),
        "validated t/contact #2 (fail)  ./tests/t/contact/no-mail.md"
    );
    assert!(
        o.stdout
            .ends_with("2 cases: 2 validated, 0 missing, 0 noisy, 0 errors\n"),
        "{}",
        o.stdout
    );
    // The missing list must be the finding's: [phone] is not [mail].
    let wrong = NO_MAIL_MD.replace("[mail]", "[phone]");
    let d = pack("", &[("tests/contact/no-mail.md", wrong.as_bytes())]);
    let o = test(d.path());
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(line_of(&o.stdout, "contact/no-mail.md").starts_with("MISSING"));
    assert!(
        o.stdout
            .contains("expected a finding missing [phone] on line 4, but no such finding came"),
        "{}",
        o.stdout
    );
}

#[test]
fn an_expectation_on_the_wrong_line_is_missing_and_the_finding_noisy() {
    // The comment is about the blank-separated line after it, line 5; the
    // finding starts at the contact paragraph on line 7.
    let text = "# お問い合わせ\n\n<!-- policylint-expect missing [mail] -->\n\n前文です。\n\n窓口: 03-1234-5678\n";
    let d = pack("", &[("tests/contact/wrong-line.md", text.as_bytes())]);
    let o = test(d.path());
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(
        line_of(&o.stdout, "contact/wrong-line.md").starts_with("MISSING   t/contact #1 (fail)"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("expected a finding missing [mail] on line 5, but no such finding came"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("unexpected finding: 7:1 窓口のメールアドレスがありません (missing [mail])"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .ends_with("1 cases: 0 validated, 1 missing, 0 noisy, 0 errors\n")
    );
}

#[test]
fn a_pass_fixture_with_a_finding_is_noisy() {
    let text = "窓口はこちら: info@example.jp\n";
    let d = pack("", &[("tests/contact/noisy.txt", text.as_bytes())]);
    let o = test(d.path());
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(
        line_of(&o.stdout, "contact/noisy.txt").starts_with("NOISY     t/contact #1 (pass)"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("unexpected finding: 1:1 窓口の電話番号がありません (missing [phone])"),
        "{}",
        o.stdout
    );
}

#[test]
fn plain_text_and_html_comment_forms() {
    // Plain text: a line of its own, bare or after `#`, `//` or `%`; the
    // comment is no policy text (the word in it is not "said").
    let txt =
        "% policylint-with operator = individual\n# policylint-expect missing [word]\n本文です。\n";
    let bare = "policylint-expect\n\n本文です。\n";
    let slashes = "// policylint-expect missing [phone]\n窓口: info@example.jp\n";
    // HTML: a comment on its own line; the next non-blank line is the one
    // the finding starts on.
    let html = "<html><body><main>\n<h1>窓口</h1>\n<!-- policylint-expect missing [phone, mail] -->\n\n<p>窓口はありません。</p>\n</main></body></html>\n";
    let d = pack(
        "",
        &[
            ("tests/marker/comment-only.txt", txt.as_bytes()),
            ("tests/marker/bare.txt", bare.as_bytes()),
            ("tests/contact/slashes.txt", slashes.as_bytes()),
            ("tests/contact/page.html", html.as_bytes()),
        ],
    );
    let o = test(d.path());
    assert_eq!(o.code, 0, "{}", o.stdout);
    for f in [
        "marker/comment-only.txt",
        "marker/bare.txt",
        "contact/slashes.txt",
        "contact/page.html",
    ] {
        assert!(
            line_of(&o.stdout, f).starts_with("validated"),
            "{f}: {}",
            o.stdout
        );
    }
    // An unknown `policylint-` word is no comment, as for the
    // suppression directives: in plain text that line is text (and says
    // the marker word), in HTML a comment nobody reads.
    let d = pack(
        "",
        &[
            (
                "tests/marker/unknown-word.txt",
                b"# policylint-expected\n".as_slice(),
            ),
            (
                "tests/contact/unknown-word.html",
                b"<p>x</p>\n<!-- policylint-expectation -->\n<p>y</p>\n".as_slice(),
            ),
        ],
    );
    let o = test(d.path());
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(
        line_of(&o.stdout, "marker/unknown-word.txt").starts_with("validated t/marker #1 (pass)")
    );
    assert!(
        line_of(&o.stdout, "contact/unknown-word.html")
            .starts_with("validated t/contact #1 (pass)")
    );
}

#[test]
fn with_sets_the_context_of_the_case() {
    // The rule only applies to individuals' documents.
    let extra = "rule t/individual {\n  severity warning\n  message \"{missing}\"\n  \
                 applies operator = individual\n  require name = \"運営者\" as \"運営者\" / \"the operator\"\n}\n";
    let inside =
        "<!-- policylint-with operator = individual -->\n<!-- policylint-expect -->\n本文\n";
    let outside = "<!-- policylint-with operator = juridical -->\n本文\n";
    let d = pack(
        extra,
        &[
            ("tests/individual/inside.md", inside.as_bytes()),
            ("tests/individual/outside.md", outside.as_bytes()),
        ],
    );
    let o = test(d.path());
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(
        line_of(&o.stdout, "individual/inside.md").starts_with("validated t/individual #1 (fail)")
    );
    assert!(
        line_of(&o.stdout, "individual/outside.md").starts_with("validated t/individual #2 (pass)")
    );
}

#[test]
fn a_folder_that_names_no_rule_fails_the_run() {
    let d = pack(
        "",
        &[
            ("tests/contct/x.md", GOOD_MD.as_bytes()),
            ("tests/loose.md", GOOD_MD.as_bytes()),
            ("tests/contact/ok.md", GOOD_MD.as_bytes()),
        ],
    );
    let o = test(d.path());
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(
        o.stdout.contains("ERROR     ./tests/contct/x.md\n"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains(
            "./tests/contct/x.md: the folder `contct` names no loaded rule (did you mean `t/contact`?)"
        ),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("./tests/loose.md: a fixture directly in `tests/` names no rule"),
        "{}",
        o.stdout
    );
    // The good fixture still runs; the two bad ones count as errors.
    assert!(line_of(&o.stdout, "contact/ok.md").starts_with("validated"));
    assert!(
        o.stdout
            .ends_with("3 cases: 1 validated, 0 missing, 0 noisy, 2 errors\n"),
        "{}",
        o.stdout
    );
}

#[test]
fn an_ambiguous_last_segment_fails_the_run() {
    let extra =
        "rule u/contact {\n  severity info\n  message \"{missing}\"\n  require x = \"甲\"\n}\n";
    let d = pack(
        extra,
        &[
            ("tests/contact/x.md", GOOD_MD.as_bytes()),
            ("tests/u/contact/y.md", "甲\n".as_bytes()),
        ],
    );
    let o = test(d.path());
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(
        o.stdout.contains(
            "./tests/contact/x.md: the folder `contact` is the last part of the ids of \
             `t/contact`, `u/contact`: write the full id, as folders: tests/t/contact/ or tests/u/contact/"
        ),
        "{}",
        o.stdout
    );
    // The full id is never ambiguous.
    assert!(line_of(&o.stdout, "u/contact/y.md").starts_with("validated u/contact #1 (pass)"));
}

#[test]
fn malformed_comments_and_bad_files_are_located_errors() {
    let cases: [(&str, &[u8], &str); 7] = [
        (
            "contact/no-brackets.md",
            b"# x\n\n<!-- policylint-expect missing mail -->\n\xe7\xaa\x93\xe5\x8f\xa3\n",
            "tests/contact/no-brackets.md:3:6: malformed `policylint-expect`: unexpected `missing mail`",
        ),
        (
            "contact/unknown-element.txt",
            "# policylint-expect missing [fax]\n窓口\n".as_bytes(),
            "tests/contact/unknown-element.txt:1:3: malformed `policylint-expect`: the rule `t/contact` has no element `fax`",
        ),
        (
            "contact/nothing-after.txt",
            "窓口\n# policylint-expect\n\n".as_bytes(),
            "tests/contact/nothing-after.txt:2:3: `policylint-expect` is about the line after it, and no line follows",
        ),
        (
            "contact/bad-facet.txt",
            "# policylint-with servce = covered\n窓口\n".as_bytes(),
            "tests/contact/bad-facet.txt:1:3: malformed `policylint-with`: unknown facet `servce`",
        ),
        (
            "contact/bad-value.html",
            "<p>窓口</p>\n  <!-- policylint-with operator = company -->\n".as_bytes(),
            "tests/contact/bad-value.html:2:8: malformed `policylint-with`: `company` is no value of `operator`",
        ),
        (
            "contact/twice.txt",
            "# policylint-with operator = individual, operator = juridical\n窓口\n".as_bytes(),
            "tests/contact/twice.txt:1:3: the facet `operator` is set twice",
        ),
        // Not decodable: a NUL byte in the middle of text.
        (
            "contact/binary.txt",
            b"\xe7\xaa\x93\xe5\x8f\xa3\x00\x01\x02\xff\xfe",
            "tests/contact/binary.txt",
        ),
    ];
    let paths: Vec<String> = cases.iter().map(|(p, _, _)| format!("tests/{p}")).collect();
    let files: Vec<(&str, &[u8])> = paths
        .iter()
        .zip(&cases)
        .map(|(p, (_, b, _))| (p.as_str(), *b))
        .collect();
    let d = pack("", &files);
    let o = test(d.path());
    assert_eq!(o.code, 1, "{}", o.stdout);
    for (path, _, want) in cases {
        assert!(
            line_of(&o.stdout, path).starts_with("ERROR"),
            "{path}: {}",
            o.stdout
        );
        assert!(
            o.stdout.contains(want),
            "{path}: want {want} in\n{}",
            o.stdout
        );
    }
    assert!(
        o.stdout
            .ends_with("7 cases: 0 validated, 0 missing, 0 noisy, 7 errors\n"),
        "{}",
        o.stdout
    );
}

#[test]
fn a_fixture_over_the_size_cap_is_an_error_not_a_read() {
    let d = pack("", &[]);
    let big = d.path().join("tests/contact/big.txt");
    std::fs::create_dir_all(big.parent().unwrap()).unwrap();
    // Sparse: the size is checked before anything is read.
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(32 * 1024 * 1024 + 1).unwrap();
    let o = test(d.path());
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(line_of(&o.stdout, "contact/big.txt").starts_with("ERROR"));
    assert!(
        o.stdout.contains("over the limit of 33554432 bytes"),
        "{}",
        o.stdout
    );
}

#[cfg(unix)]
#[test]
fn links_and_special_files_under_tests_are_passed_over() {
    let d = pack("", &[("tests/contact/ok.md", GOOD_MD.as_bytes())]);
    let dir = d.path().join("tests/contact");
    std::os::unix::fs::symlink("/etc/passwd", dir.join("link.txt")).unwrap();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(dir.join("fifo.md"))
            .status()
            .unwrap()
            .success()
    );
    let o = test(d.path());
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(
        !o.stdout.contains("link.txt") && !o.stdout.contains("fifo.md"),
        "{}",
        o.stdout
    );
}

#[test]
fn the_demo_pack_has_fixtures_of_each_kind() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = run(root, &["test", "fixtures/rules/demo"]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    let fixtures: Vec<&str> = o
        .stdout
        .lines()
        .filter(|l| l.contains("fixtures/rules/demo/tests/"))
        .collect();
    assert!(fixtures.len() >= 4, "{}", o.stdout);
    assert!(fixtures.iter().all(|l| l.starts_with("validated")));
    assert!(fixtures.iter().any(|l| l.contains("(pass)")));
    assert!(fixtures.iter().any(|l| l.contains("(fail)")));
    for ext in [".md", ".txt", ".html"] {
        assert!(fixtures.iter().any(|l| l.ends_with(ext)), "{ext}");
    }
}

#[test]
fn fixtures_run_through_the_library_too() {
    use policylint::engine::fixtures::discover;
    use policylint::engine::testing::{Outcome, run_with_fixtures};
    use policylint::rules::Loader;

    let d = pack(
        "",
        &[
            ("tests/contact/no-mail.md", NO_MAIL_MD.as_bytes()),
            ("tests/other/x.md", GOOD_MD.as_bytes()),
        ],
    );
    let mut l = Loader::new();
    l.add_path(d.path()).unwrap();
    let set = l.compile().unwrap();
    let (found, problems) = discover(&[d.path().to_path_buf()], &set);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, "t/contact");
    assert_eq!(problems.len(), 1);
    assert!(problems[0].path.ends_with("tests/other/x.md"));
    let reports = run_with_fixtures(&set, |_| true, &found);
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].outcome, Outcome::Validated);
    // The built-in pack, embedded, has no folder to walk: nothing is read.
    let mut l = Loader::new();
    l.add_builtin();
    let set = l.compile().unwrap();
    let (found, problems) = discover(&[], &set);
    assert!(found.is_empty() && problems.is_empty());
}
