//! `policylint rules`, `explain` and `test` on the demo pack.

use std::path::Path;

use assert_cmd::Command;
use policylint::report::explain;
use policylint::rules::Lang;

const DEMO: &str = "fixtures/rules/demo";

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("policylint")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn rules_lists_the_demo_pack() {
    let (code, out, err) = run(&["rules", "--no-builtin", "--rules", DEMO]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
    let (_, en, _) = run(&["rules", "--no-builtin", "--rules", DEMO, "--lang", "en"]);
    assert!(en.contains("Joint use disclosures"));
}

#[test]
fn explain_a_rule_in_both_languages() {
    let (code, ja, err) = run(&["explain", "demo/joint-use", "--no-builtin", "--rules", DEMO]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("explain_ja", ja);
    let (_, en, _) = run(&[
        "explain",
        "demo/joint-use",
        "--no-builtin",
        "--rules",
        DEMO,
        "--lang",
        "en",
    ]);
    insta::assert_snapshot!("explain_en", en);
    let (code, _, err) = run(&["explain", "demo/nope", "--no-builtin", "--rules", DEMO]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no rule `demo/nope`") && err.contains("demo/joint-use"),
        "{err}"
    );
}

#[test]
fn explain_says_how_a_rule_reads_a_document_set() {
    let (code, out, err) = run(&["explain", "appi/pre-2022-revision", "--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\nscope: page (each page of a document set on its own)\n"),
        "{out}"
    );
    let (_, out, _) = run(&["explain", "appi/joint-use", "--lang", "en"]);
    assert!(
        out.contains("\nscope: set (a document set's pages read as one document)\n"),
        "{out}"
    );
}

#[test]
fn the_demo_pack_tests_are_all_green() {
    let (code, out, err) = run(&["test", DEMO]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        !out.contains("MISSING") && !out.contains("NOISY") && !out.contains("ERROR"),
        "{out}"
    );
    let last = out.lines().rev().find(|l| !l.is_empty()).unwrap();
    assert!(last.ends_with("0 missing, 0 noisy, 0 errors"), "{last}");
    let n: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(n >= 15, "every rule has cases: {n}");
}

#[test]
fn a_wrong_expectation_fails_and_names_the_case() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["common.rules", "demo.rules"] {
        let text = std::fs::read_to_string(Path::new(DEMO).join(f)).unwrap();
        // Expect the wrong column for the fee rule's failing case.
        let text = text.replace(
            "expect missing [amount] at 1:1",
            "expect missing [amount] at 1:5",
        );
        std::fs::write(dir.path().join(f), text).unwrap();
    }
    std::fs::create_dir(dir.path().join("cases")).unwrap();
    std::fs::copy(
        Path::new(DEMO).join("cases/joint-use-reference.md"),
        dir.path().join("cases/joint-use-reference.md"),
    )
    .unwrap();
    let (code, out, _) = run(&["test", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    let failing: Vec<&str> = out.lines().filter(|l| l.starts_with("MISSING")).collect();
    assert_eq!(failing.len(), 1, "{out}");
    assert!(failing[0].contains("demo/fee-amount #3 (fail)"), "{out}");
    assert!(
        out.contains("expected a finding missing [amount] at 1:5, but no such finding came"),
        "{out}"
    );
    assert!(out.contains("unexpected finding: 1:1"), "{out}");
}

#[test]
fn a_run_without_cases_fails() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.rules"),
        "rule a/b {\n severity info\n message.ja \"x\"\n message.en \"x\"\n require w = \"窓口\"\n}\n",
    )
    .unwrap();
    let (code, out, _) = run(&["test", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("no test case ran"), "{out}");
}

#[test]
fn rule_errors_exit_two_with_located_messages() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.rules"),
        "term a = \"甲\"\nrule a/b {\n severity loud\n message.ja \"x\"\n message.en \"x\"\n}\n",
    )
    .unwrap();
    let (code, _, err) = run(&[
        "rules",
        "--no-builtin",
        "--rules",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown severity `loud`"), "{err}");
    assert!(err.contains("bad.rules:3:11"), "{err}");
    assert!(err.contains("1 error in rule files"), "{err}");
}

#[test]
fn the_built_in_pack_lists_and_explains_every_rule() {
    let (code, out, err) = run(&["rules"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("builtin_rules", out);
    let ids: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.contains('/'))
        .collect();
    assert_eq!(ids.len(), 21, "{out}");
    // One rule through the command; every rule through the library.
    let (code, text, err) = run(&["explain", ids[0], "--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    assert!(text.starts_with(ids[0]), "{text}");
    let mut l = policylint::rules::Loader::new();
    l.add_builtin();
    let set = l.compile().unwrap();
    for id in ids {
        let rule = set.rule(id).unwrap();
        for (lang, l) in [("ja", Lang::Ja), ("en", Lang::En)] {
            let text = explain::explain(&set, rule, l);
            assert!(text.starts_with(id), "{text}");
            assert!(
                text.contains(if lang == "ja" { "根拠:" } else { "cites:" }),
                "{id} cites an article"
            );
            assert!(
                text.contains(if lang == "ja" {
                    "違反する例:"
                } else {
                    "Failing example:"
                }),
                "{id} has a failing example"
            );
        }
    }
}

#[test]
fn the_built_in_pack_examples_are_all_green() {
    let (code, out, err) = run(&["test", "rules"]);
    assert_eq!(code, 0, "{out}{err}");
    let last = out.lines().rev().find(|l| !l.is_empty()).unwrap();
    assert!(last.ends_with("0 missing, 0 noisy, 0 errors"), "{last}");
}
