//! `check --evidence`: every requirement's state on each document, with the
//! evidence of each element located in the file (JSON `requirements`, the
//! Markdown matrix), for document sets too; the seeds' evidence points at
//! text the element's expression matches, in any encoding.

use std::path::Path;

use policylint::document::normalize::normalize;
use policylint::rules::{Loader, RuleSet};
use serde_json::Value;

use super::common::run;

const RULES: &str = r#"
rule t/window {
  title "窓口" / "Window"
  severity error
  group complaints
  when mentions "個人情報"
  require window = "お問い合わせ窓口" as "窓口" / "a window" {
    in near 40 {
      require mail = /[a-z]+@[a-z.]+/ as "メール" / "an e-mail address"
    }
  }
  message "{missing}がありません" / "{missing} missing"
}

rule t/purpose {
  title "目的" / "Purposes"
  severity error
  group purposes
  require purpose = "利用目的" as "利用目的" / "the purposes"
  reference "別ページ" -> warning
  message "{missing}がありません" / "{missing} missing"
}

rule t/closed {
  title "閉鎖" / "Closed"
  severity warning
  forbid "閉鎖しました"
  message "閉鎖" / "closed"
}

rule t/joint {
  title "共同利用" / "Joint use"
  severity error
  group joint-use
  when mentions "共同利用"
  require items = "共同利用する項目" as "項目" / "the items"
  message "{missing}がありません" / "{missing} missing"
}

rule t/fee {
  title "手数料" / "Fee"
  severity info
  group rights
  require fee = "手数料" as "手数料" / "the fee"
  message "{missing}がありません" / "{missing} missing"
}
"#;

/// A project with the rules above, a configuration and files.
fn project(config: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("x.rules"), RULES).unwrap();
    std::fs::write(d.path().join("policylint.toml"), config).unwrap();
    for (name, text) in files {
        std::fs::write(d.path().join(name), text).unwrap();
    }
    d
}

fn check(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec![
        "check",
        "--no-builtin",
        "--rules",
        "x.rules",
        "--format",
        "json",
        "--fail-level",
        "never",
    ];
    all.extend_from_slice(args);
    let out = run(dir, &all);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

/// The requirement of `rule` in the file entry of `path`.
fn req<'v>(v: &'v Value, path: &str, rule: &str) -> &'v Value {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("no file {path}"))["requirements"]
        .as_array()
        .unwrap_or_else(|| panic!("no requirements for {path}"))
        .iter()
        .find(|r| r["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {path}"))
}

fn element<'v>(r: &'v Value, name: &str) -> &'v Value {
    r["elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no element {name}"))
}

/// The bytes of `file` between an evidence's start and end offsets.
fn bytes_at<'a>(file: &'a [u8], ev: &Value) -> &'a [u8] {
    let s = ev["start"]["offset"].as_u64().unwrap() as usize;
    let e = ev["end"]["offset"].as_u64().unwrap() as usize;
    &file[s..e]
}

const POLICY: &str =
    "# 個人情報の取扱い\n\n当社のお問い合わせ窓口: info@example.jp\n\n利用目的は次のとおりです。\n";

#[test]
fn each_state_with_its_evidence_located() {
    let d = project(
        "",
        &[
            ("a.md", POLICY),
            // The purposes only by a reference; the window without a mail;
            // a forbidden phrase.
            (
                "b.md",
                "# 個人情報\n\n窓口は閉鎖しました。お問い合わせ窓口を置きます。\n\n目的は別ページをご覧ください。\n",
            ),
        ],
    );
    let v = check(d.path(), &["--evidence", "a.md", "b.md"]);
    let a = std::fs::read(d.path().join("a.md")).unwrap();

    let w = req(&v, "a.md", "t/window");
    assert_eq!(w["state"], "satisfied");
    assert_eq!(w["group"], "complaints");
    assert_eq!(w["severity"], Value::Null);
    assert_eq!(w["at"], Value::Null);
    let window = element(w, "window");
    assert_eq!(window["parent"], Value::Null);
    assert_eq!(window["missing"], false);
    let ev = &window["found"][0];
    assert_eq!(ev["text"], "お問い合わせ窓口");
    assert_eq!(bytes_at(&a, ev), "お問い合わせ窓口".as_bytes());
    // Line 3, after "当社の" (3 characters): column 4.
    assert_eq!(
        (ev["start"]["line"].as_u64(), ev["start"]["column"].as_u64()),
        (Some(3), Some(4))
    );
    assert_eq!(ev.get("path"), None, "in the file's own text");
    let mail = element(w, "mail");
    assert_eq!(mail["parent"], "window");
    assert_eq!(mail["found"][0]["text"], "info@example.jp");
    assert_eq!(bytes_at(&a, &mail["found"][0]), b"info@example.jp");

    // No `when` trigger met: not applicable, and why.
    let j = req(&v, "a.md", "t/joint");
    assert_eq!(j["state"], "not-applicable");
    assert_eq!(j["reason"], "not-mentioned");
    assert!(element(j, "items")["found"].as_array().unwrap().is_empty());
    // No fee anywhere: missing, at the finding's place.
    let f = req(&v, "a.md", "t/fee");
    assert_eq!(f["state"], "missing");
    assert_eq!(f["severity"], "info");
    assert_eq!(element(f, "fee")["missing"], true);
    assert!(f["at"]["start"]["line"].as_u64().is_some());
    assert_eq!(req(&v, "a.md", "t/closed")["state"], "satisfied");

    let b = std::fs::read(d.path().join("b.md")).unwrap();
    let w = req(&v, "b.md", "t/window");
    assert_eq!(w["state"], "missing");
    assert_eq!(w["severity"], "error");
    assert_eq!(element(w, "mail")["missing"], true);
    assert_eq!(element(w, "window")["missing"], false);
    // Where the finding says the mail is missing: at the window.
    assert_eq!(w["at"]["text"], "お問い合わせ窓口");
    assert_eq!(bytes_at(&b, &w["at"]), "お問い合わせ窓口".as_bytes());
    let p = req(&v, "b.md", "t/purpose");
    assert_eq!(p["state"], "referenced");
    assert_eq!(p["severity"], "warning");
    let c = req(&v, "b.md", "t/closed");
    assert_eq!(c["state"], "flagged");
    assert_eq!(bytes_at(&b, &c["at"]), "閉鎖しました".as_bytes());
    assert!(c["elements"].as_array().unwrap().is_empty());

    // Without --evidence there is no `requirements` key, and the findings
    // are the same.
    let plain = check(d.path(), &["a.md", "b.md"]);
    assert!(plain["files"][0].get("requirements").is_none());
    assert_eq!(plain["diagnostics"], v["diagnostics"]);
}

#[test]
fn settings_suppression_and_baseline_decide_the_state() {
    let text = "# 個人情報\n\n<!-- policylint-disable-file t/fee -- 無料のため -->\n利用目的は次のとおりです。お問い合わせ窓口は閉鎖しました。\n";
    let d = project(
        "[rules]\n\"t/window\" = \"off\"\n\"t/purpose\" = \"info\"\n\"t/joint\" = \"warning\"\n",
        &[("a.md", text), ("c.md", "共同利用について。\n")],
    );
    let v = check(d.path(), &["--evidence", "a.md"]);
    let w = req(&v, "a.md", "t/window");
    assert_eq!(w["state"], "off");
    assert!(w["elements"].as_array().unwrap().is_empty());
    let f = req(&v, "a.md", "t/fee");
    assert_eq!(f["state"], "suppressed");
    assert_eq!(f["reason"], "無料のため");
    assert_eq!(f["severity"], "info");

    // A finding in the baseline: baselined, at the rule's severity after
    // settings.
    let out = run(
        d.path(),
        &[
            "check",
            "--no-builtin",
            "--rules",
            "x.rules",
            "--write-baseline",
            "b.json",
            "c.md",
        ],
    );
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let v = check(d.path(), &["--evidence", "--baseline", "b.json", "c.md"]);
    let j = req(&v, "c.md", "t/joint");
    assert_eq!(j["state"], "baselined");
    assert_eq!(j["severity"], "warning");
    assert_eq!(element(j, "items")["missing"], true);
    let v = check(d.path(), &["--evidence", "c.md"]);
    assert_eq!(req(&v, "c.md", "t/joint")["state"], "missing");
}

#[test]
fn evidence_on_another_page_of_a_set_names_that_page() {
    let d = project(
        "[[sets]]\nname = \"pages\"\npaths = [\"policy.md\", \"contact.md\"]\n",
        &[
            (
                "policy.md",
                "# 個人情報保護方針\n\n利用目的は次のとおりです。\n",
            ),
            (
                "contact.md",
                "# 窓口\n\n個人情報のお問い合わせ窓口: info@example.jp\n",
            ),
        ],
    );
    let v = check(d.path(), &["--evidence", "policy.md", "contact.md"]);
    let w = req(&v, "policy.md", "t/window");
    assert_eq!(w["state"], "satisfied");
    let ev = &element(w, "window")["found"][0];
    assert_eq!(ev["path"], "contact.md");
    let contact = std::fs::read(d.path().join("contact.md")).unwrap();
    assert_eq!(bytes_at(&contact, ev), "お問い合わせ窓口".as_bytes());
    assert_eq!(ev["start"]["line"], 3);
    let p = &element(req(&v, "policy.md", "t/purpose"), "purpose")["found"][0];
    assert_eq!(p.get("path"), None);
    // The set's requirements are on its main page only.
    let other = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "contact.md")
        .unwrap();
    assert_eq!(other["set"], "pages");
    assert!(other["requirements"].as_array().unwrap().is_empty());
}

#[test]
fn json_and_markdown_snapshots() {
    let d = project(
        "[rules]\n\"t/joint\" = \"off\"\n",
        &[
            ("a.md", POLICY),
            (
                "b.md",
                "# 個人情報\n\n目的は別ページをご覧ください。窓口は閉鎖しました。\n",
            ),
        ],
    );
    // The report as written (its documented key order), requirements and all.
    let out = run(
        d.path(),
        &[
            "check",
            "--no-builtin",
            "--rules",
            "x.rules",
            "--format",
            "json",
            "--evidence",
            "--fail-level",
            "never",
            "a.md",
            "b.md",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["files"][1]["requirements"][1]["state"], "referenced");
    insta::assert_snapshot!("evidence_json", out.stdout);
    for lang in ["ja", "en"] {
        let out = run(
            d.path(),
            &[
                "check",
                "--no-builtin",
                "--rules",
                "x.rules",
                "--format",
                "markdown",
                "--evidence",
                "--fail-level",
                "never",
                "--lang",
                lang,
                "a.md",
                "b.md",
            ],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        // The worst state of a group wins: b.md's purposes are referenced only.
        assert!(out.stdout.contains("| b.md |"), "{}", out.stdout);
        insta::assert_snapshot!(format!("evidence_markdown_{lang}"), out.stdout);
    }
    // Without --evidence the Markdown report has no matrix.
    let out = run(
        d.path(),
        &[
            "check",
            "--no-builtin",
            "--rules",
            "x.rules",
            "--format",
            "markdown",
            "--fail-level",
            "never",
            "a.md",
        ],
    );
    assert!(!out.stdout.contains("###"), "{}", out.stdout);
}

#[test]
fn requirements_do_not_depend_on_the_thread_count() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sets");
    let go = |j: &str| {
        let out = run(
            &dir,
            &[
                "check",
                "--format",
                "json",
                "--evidence",
                "--fail-level",
                "never",
                "-j",
                j,
                ".",
            ],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let one = go("1");
    assert!(one.contains("\"requirements\""));
    assert_eq!(one, go("4"));
}

fn builtin() -> RuleSet {
    let mut l = Loader::new();
    l.add_builtin();
    l.compile().unwrap()
}

/// Whether the element's expression matches `text` (normalised as the
/// document's text is).
fn matches(set: &RuleSet, rule: &str, element: &str, text: &str) -> bool {
    let Some(e) = set.rule(rule).and_then(|r| r.element(element)) else {
        panic!("{rule} has no element {element}");
    };
    let norm = normalize(text);
    let scan = set.patterns.scan(&norm.text);
    set.exprs[e.expr as usize]
        .iter()
        .any(|&p| !scan.get(p).is_empty())
}

/// Walk every evidence span of the seeds' report: the file's bytes at the
/// reported offsets, decoded, are the evidence's text, and the element's
/// own expression matches it. Run on the seeds as written (UTF-8) and
/// written in Shift_JIS and EUC-JP, whose offsets differ.
#[test]
fn every_evidence_span_of_the_seeds_is_text_its_element_matches() {
    let set = builtin();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds");
    let dir = tempfile::tempdir().unwrap();
    let mut walked = 0;
    for entry in std::fs::read_dir(&seeds).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_none_or(|e| e != "txt") {
            continue;
        }
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        let original = std::fs::read_to_string(&p).unwrap();
        for enc in [
            encoding_rs::UTF_8,
            encoding_rs::SHIFT_JIS,
            encoding_rs::EUC_JP,
        ] {
            // Characters the encoding lacks become `?` (as the encoding tests do).
            let text: String = original
                .chars()
                .map(|c| {
                    let mut b = [0u8; 4];
                    if enc.encode(c.encode_utf8(&mut b)).2 {
                        '?'
                    } else {
                        c
                    }
                })
                .collect();
            let bytes = enc.encode(&text).0.into_owned();
            std::fs::write(dir.path().join(&name), &bytes).unwrap();
            let out = run(
                dir.path(),
                &[
                    "check",
                    "--format",
                    "json",
                    "--evidence",
                    "--fail-level",
                    "never",
                    &name,
                ],
            );
            assert_eq!(out.code, 0, "{}", out.stderr);
            let v: Value = serde_json::from_str(&out.stdout).unwrap();
            let file = &v["files"][0];
            assert_eq!(file["encoding"], enc.name(), "{name}");
            for r in file["requirements"].as_array().unwrap() {
                let rule = r["rule"].as_str().unwrap();
                for e in r["elements"].as_array().unwrap() {
                    let el = e["name"].as_str().unwrap();
                    for ev in e["found"].as_array().unwrap() {
                        let (decoded, _, bad) = enc.decode(bytes_at(&bytes, ev));
                        assert!(!bad, "{name} {rule} {el}");
                        let decoded = decoded.trim_start_matches('\u{feff}');
                        assert_eq!(decoded, ev["text"].as_str().unwrap(), "{name} {rule} {el}");
                        assert!(
                            matches(&set, rule, el, decoded),
                            "{name} ({}) {rule} {el}: {decoded:?}",
                            enc.name()
                        );
                        walked += 1;
                    }
                }
            }
        }
    }
    // The seeds state many elements: the walk is not vacuous.
    assert!(walked > 100, "only {walked} evidence spans");
}

/// A reference resolved to another page of a set: what that page states is
/// the requirement's evidence, located in that page (the joint-use
/// controller's address and representative, only on the company profile,
/// which the policy links to).
#[test]
fn a_resolved_reference_has_its_evidence_on_the_page_referred_to() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sets/resolved");
    let out = run(
        &dir,
        &[
            "check",
            "--evidence",
            "--format",
            "json",
            "--fail-level",
            "never",
            ".",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let r = req(&v, "policy.md", "appi/joint-use");
    assert_eq!(r["state"], "satisfied", "{r}");
    let company = std::fs::read(dir.join("company.md")).unwrap();
    let address = &element(r, "controller-address")["found"][0];
    assert_eq!(address["path"], "company.md");
    assert_eq!(bytes_at(&company, address), "〒100-0005".as_bytes());
    let representative = &element(r, "controller-representative")["found"][0];
    assert_eq!(representative["path"], "company.md");
    // The label, the title and the whole name (the title is not taken for
    // the name: "代表者：代表取締役 山" once).
    assert_eq!(
        std::str::from_utf8(bytes_at(&company, representative)).unwrap(),
        "代表者：代表取締役 山田太郎"
    );
}
