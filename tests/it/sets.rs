//! Document sets: a policy over several pages checked as one document,
//! declared in policylint.toml or inferred from relative links
//! (fixtures/sets/, whose policylint.toml declares `full` and `partial`).

use std::path::{Path, PathBuf};

use super::common::{Out, run};

fn sets_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sets")
}

/// `policylint check --format json --fail-level never ARGS` in `dir`.
fn json_in(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["check", "--format", "json", "--fail-level", "never"];
    all.extend_from_slice(args);
    let out = run(dir, &all);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

fn json(args: &[&str]) -> serde_json::Value {
    json_in(&sets_dir(), args)
}

/// The findings of one rule: (path, severity, missing).
fn of_rule(v: &serde_json::Value, rule: &str) -> Vec<(String, String, Vec<String>)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .map(|d| {
            let missing = d["missing"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap().to_string())
                .collect();
            (
                d["path"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                missing,
            )
        })
        .collect()
}

/// Each file's path and set, in report order.
fn files(v: &serde_json::Value) -> Vec<(String, Option<String>)> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["set"].as_str().map(str::to_string),
            )
        })
        .collect()
}

const OPERATOR: &str = "appi/operator-identity";

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn a_declared_set_finds_the_address_on_the_company_page() {
    let v = json(&["full"]);
    assert_eq!(of_rule(&v, OPERATOR), []);
    assert_eq!(
        files(&v),
        [
            ("full/policy.md".into(), Some("full".into())),
            ("full/company.md".into(), Some("full".into()))
        ],
        "set order, the main page first"
    );
    // The same policy alone: the reference to 会社概要 stays a warning.
    let alone = json(&["alone/policy.md"]);
    assert_eq!(
        of_rule(&alone, OPERATOR),
        [(
            "alone/policy.md".into(),
            "warning".into(),
            s(&["address", "representative"])
        )]
    );
    assert_eq!(files(&alone), [("alone/policy.md".into(), None)]);
}

#[test]
fn a_resolved_reference_to_a_page_that_lacks_it_is_the_rules_own_error() {
    let v = json(&["partial", "--lang", "en"]);
    assert_eq!(
        of_rule(&v, OPERATOR),
        [(
            "partial/policy.html".into(),
            "error".into(),
            s(&["representative"])
        )]
    );
    let d = &v["diagnostics"][0];
    let labels = d["labels"].as_array().unwrap();
    // The address was found on the company page: the label says so, in
    // that file.
    let address = labels
        .iter()
        .find(|l| l["message"] == "address found here")
        .expect("an address label");
    assert_eq!(address["path"], "partial/company.html");
    assert_eq!(address["start"]["line"], 9);
    // The reference names the page it resolved to and what it lacks.
    let reference = labels
        .iter()
        .find(|l| l["path"].is_null() && l["message"].as_str().unwrap().contains("referred"))
        .expect("a label on the reference");
    assert_eq!(
        reference["message"],
        "the page referred to, partial/company.html, does not state representative either"
    );
    assert_eq!(reference["start"]["line"], 8);
}

#[test]
fn a_reference_to_a_page_not_checked_stays_a_warning() {
    // company.md is there, but not checked: no set, a reference as today.
    let v = json(&["notchecked/policy.md"]);
    assert_eq!(
        of_rule(&v, OPERATOR),
        [(
            "notchecked/policy.md".into(),
            "warning".into(),
            s(&["address", "representative"])
        )]
    );
    assert_eq!(files(&v)[0].1, None);
}

#[test]
fn sets_are_inferred_from_relative_links_in_html_and_markdown() {
    for dir in ["infer-html", "infer-md"] {
        let v = json(&[dir]);
        assert_eq!(of_rule(&v, OPERATOR), [], "{dir}");
        let f = files(&v);
        assert_eq!(f.len(), 2, "{dir}");
        let ext = if dir == "infer-md" { "md" } else { "html" };
        let name = format!("{dir}/policy.{ext} (inferred)");
        // The page that links is the main page, first.
        assert_eq!(f[0], (format!("{dir}/policy.{ext}"), Some(name.clone())));
        assert_eq!(f[1], (format!("{dir}/company.{ext}"), Some(name)));
        // Inference off: each page alone, the reference a warning.
        for off in [&["--no-infer-sets"][..], &["--config", "no-infer.toml"][..]] {
            let mut args = vec![dir];
            args.extend_from_slice(off);
            let v = json(&args);
            assert_eq!(of_rule(&v, OPERATOR).len(), 1, "{dir} {off:?}");
            assert!(files(&v).iter().all(|(_, set)| set.is_none()));
        }
    }
}

#[test]
fn links_in_menus_and_footers_do_not_make_a_set() {
    // Two policies whose navigation and footer link to one cookie page.
    let v = json(&["nav"]);
    assert!(files(&v).iter().all(|(_, set)| set.is_none()), "{v:#}");
    let found: Vec<String> = of_rule(&v, OPERATOR).into_iter().map(|f| f.0).collect();
    assert_eq!(found, ["nav/a.html", "nav/b.html"]);
}

/// A project with these files and rules, and a set of `members`.
fn project(files: &[(&str, &str)], members: &[&str]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(d.path().join(name), text).unwrap();
    }
    let paths: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
    std::fs::write(
        d.path().join("policylint.toml"),
        format!(
            "[[sets]]\nname = \"pages\"\npaths = [{}]\n",
            paths.join(", ")
        ),
    )
    .unwrap();
    d
}

const RULES: &str = r#"
rule t/whole {
  title "甲" / "A"
  severity error
  message "甲がありません" / "no A"
  help "甲を書く" / "write A"
  require all { a = "甲の記載" }
}

rule t/page {
  title "甲（頁ごと）" / "A on each page"
  severity error
  scope page
  message "甲がありません" / "no A"
  help "甲を書く" / "write A"
  require all { a = "甲の記載" }
}

rule t/window {
  title "窓口" / "window"
  severity warning
  message "窓口の近くにメールがありません" / "no mail near the window"
  help "メールを書く" / "write the mail"
  in near "窓口" within 12 {
    require all { mail = "メール" }
  }
}
"#;

fn rules_run(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--no-builtin", "--rules", "x.rules"];
    all.extend_from_slice(args);
    json_in(dir, &all)
}

#[test]
fn scope_page_rules_check_each_page_alone() {
    let d = project(
        &[
            ("x.rules", RULES),
            ("a.md", "# 方針\n\n甲の記載があります。\n"),
            ("b.md", "# 別紙\n\nほかのことを書きます。\n"),
        ],
        &["a.md", "b.md"],
    );
    let v = rules_run(d.path(), &["a.md", "b.md"]);
    assert_eq!(of_rule(&v, "t/whole"), [], "the set states A");
    assert_eq!(
        of_rule(&v, "t/page"),
        [("b.md".into(), "error".into(), s(&["a"]))],
        "b.md alone does not"
    );
}

#[test]
fn a_window_does_not_reach_into_the_next_page() {
    let files = [
        ("x.rules", RULES),
        ("a.md", "# 方針\n\nお問い合わせ窓口\n"),
        ("b.md", "メールでどうぞ。\n"),
    ];
    let d = project(&files, &["a.md", "b.md"]);
    let v = rules_run(d.path(), &["a.md", "b.md"]);
    assert_eq!(
        of_rule(&v, "t/window"),
        [("a.md".into(), "warning".into(), s(&["mail"]))]
    );
    // One page with the same text: the window reaches the mail.
    std::fs::write(
        d.path().join("c.md"),
        "# 方針\n\nお問い合わせ窓口\n\nメールでどうぞ。\n",
    )
    .unwrap();
    let v = rules_run(d.path(), &["c.md"]);
    assert_eq!(of_rule(&v, "t/window"), []);
}

#[test]
fn a_suppression_comment_in_a_member_suppresses_its_finding() {
    let dir = sets_dir().join("partial");
    let policy = std::fs::read_to_string(dir.join("policy.html")).unwrap();
    let company = std::fs::read_to_string(dir.join("company.html")).unwrap();
    let policy = policy.replace(
        "<h1>",
        "<!-- policylint-disable-next-line appi/operator-identity -- on the group page -->\n<h1>",
    );
    let d = project(
        &[("policy.html", &policy), ("company.html", &company)],
        &["policy.html", "company.html"],
    );
    let v = json_in(d.path(), &["."]);
    let found: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == OPERATOR)
        .collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["suppressed"], "on the group page");
    assert_eq!(found[0]["path"], "policy.html");
}

#[test]
fn set_errors_in_the_config_are_located() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("a.md"),
        "# 方針\n\n当社は個人情報を扱います。\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("policylint.toml"),
        "[[sets]]\npaths = [\"a.md\"]\n\n[[sets]]\nname = \"b\"\n",
    )
    .unwrap();
    let out: Out = run(d.path(), &["check", "a.md"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("a `[[sets]]` block without `name`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("a `[[sets]]` block without `paths`"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("policylint.toml:1:1"), "{}", out.stderr);
    // A file in two sets.
    std::fs::write(
        d.path().join("policylint.toml"),
        "[[sets]]\nname = \"a\"\npaths = [\"a.md\"]\n\n[[sets]]\nname = \"b\"\npaths = [\"*.md\"]\n",
    )
    .unwrap();
    let out = run(d.path(), &["check", "a.md"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("a.md is in two sets: `a` and `b`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("policylint.toml:7:10"),
        "{}",
        out.stderr
    );
    // A path of a set that matches nothing checked: a note, and the run goes on.
    std::fs::write(
        d.path().join("policylint.toml"),
        "[[sets]]\nname = \"a\"\npaths = [\"a.md\", \"gone.md\"]\n",
    )
    .unwrap();
    let out = run(d.path(), &["check", "a.md", "--fail-level", "never"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("note: set `a`: `gone.md` matches no file being checked"),
        "{}",
        out.stderr
    );
}

#[test]
fn reports_do_not_depend_on_the_thread_count() {
    let one = run(&sets_dir(), &["check", "--format", "json", "-j", "1", "."]);
    for j in ["2", "4"] {
        let more = run(&sets_dir(), &["check", "--format", "json", "-j", j, "."]);
        assert_eq!(one.stdout, more.stdout, "-j {j}");
    }
    let v: serde_json::Value = serde_json::from_str(&one.stdout).unwrap();
    let sets: Vec<Option<String>> = files(&v).into_iter().map(|f| f.1).collect();
    assert!(sets.iter().filter(|s| s.is_some()).count() >= 8, "{sets:?}");
}

#[test]
fn every_output_format_shows_a_finding_in_two_files() {
    let dir = sets_dir();
    for format in ["compact", "github", "json", "sarif", "markdown", "human"] {
        let out = run(
            &dir,
            &[
                "check",
                "partial",
                "--format",
                format,
                "--lang",
                "en",
                "--fail-level",
                "never",
            ],
        );
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        insta::assert_snapshot!(format!("two_files_{format}"), out.stdout);
    }
}

#[test]
fn the_main_pages_settings_and_context_apply_to_the_set() {
    let files = [
        ("x.rules", RULES),
        ("a.md", "# 方針\n\n当社の方針です。\n"),
        ("b.md", "# 別紙\n\nほかのことを書きます。\n"),
    ];
    let d = project(&files, &["a.md", "b.md"]);
    let base = std::fs::read_to_string(d.path().join("policylint.toml")).unwrap();
    let with = |extra: &str| {
        std::fs::write(d.path().join("policylint.toml"), format!("{base}\n{extra}")).unwrap();
        rules_run(d.path(), &["a.md", "b.md"])
    };
    let severity = |v: &serde_json::Value| {
        of_rule(v, "t/whole")
            .into_iter()
            .map(|f| f.1)
            .collect::<Vec<_>>()
    };
    // An override of another member's path does not reach the set.
    let v = with("[[overrides]]\npaths = [\"b.md\"]\nrules = { \"t/whole\" = \"info\" }\n");
    assert_eq!(severity(&v), ["error"]);
    // The main page's does.
    let v = with("[[overrides]]\npaths = [\"a.md\"]\nrules = { \"t/whole\" = \"info\" }\n");
    assert_eq!(severity(&v), ["info"]);
    // So does its configured context, shown on every member.
    let v = with("[[overrides]]\npaths = [\"a.md\"]\ncontext = { document = \"other\" }\n");
    for f in v["files"].as_array().unwrap() {
        assert_eq!(f["context"]["document"]["value"], "other", "{f}");
        assert_eq!(f["context"]["document"]["source"], "config", "{f}");
    }
}
