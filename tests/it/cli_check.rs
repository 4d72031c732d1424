//! `policylint check`: formats, exit codes, configuration, suppression,
//! baseline, CRLF and determinism across thread counts.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

use crate::common::Out;

fn pack() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/check")
}

fn check_in(dir: &Path, args: &[&str]) -> Out {
    let out = Command::cargo_bin("policylint")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .arg("check")
        .arg("--no-builtin")
        .arg("--rules")
        .arg(pack())
        .args(args)
        .output()
        .unwrap();
    Out {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

const BAD: &str =
    "# プライバシーポリシー\n\n当社は個人情報を適切に取り扱います。\n\n旧窓口は閉鎖しました。\n";
const GOOD: &str = "# プライバシーポリシー\n\nお問い合わせ窓口: privacy@example.com\n";

fn project() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("docs")).unwrap();
    std::fs::write(d.path().join("docs/bad.md"), BAD).unwrap();
    std::fs::write(d.path().join("docs/good.md"), GOOD).unwrap();
    std::fs::write(d.path().join("docs/notes.png"), b"\x89PNG\0\0").unwrap();
    d
}

fn json(out: &Out) -> serde_json::Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

#[test]
fn human_report_is_located_and_readable() {
    let d = project();
    let out = check_in(d.path(), &["docs"]);
    assert_eq!(out.code, 1);
    insta::assert_snapshot!("human_ja", out.stdout);
    assert!(
        out.stderr
            .starts_with("2ファイルを検査（0件スキップ）: エラー1件、警告1件、情報0件"),
        "{}",
        out.stderr
    );
    let en = check_in(d.path(), &["docs", "--lang", "en"]);
    insta::assert_snapshot!("human_en", en.stdout);
    assert!(
        en.stderr
            .starts_with("checked 2 files (0 skipped): 1 errors, 1 warnings, 0 info"),
        "{}",
        en.stderr
    );
}

#[test]
fn json_follows_the_contract() {
    let d = project();
    let out = check_in(d.path(), &["docs", "--format", "json"]);
    assert_eq!(out.code, 1);
    let v = json(&out);
    assert_eq!(v["version"], 1);
    assert_eq!(v["files"][0]["path"], "docs/bad.md");
    assert_eq!(v["files"][0]["format"], "markdown");
    assert_eq!(v["files"][0]["encoding"], "UTF-8");
    assert!(v["files"][0]["skipped"].is_null());
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 2);
    let contact = &diags[0];
    assert_eq!(contact["rule"], "t/contact");
    assert_eq!(contact["severity"], "error");
    assert_eq!(contact["message"], "お問い合わせ窓口の記載がありません");
    assert_eq!(contact["missing"], serde_json::json!(["window"]));
    assert_eq!(
        contact["start"],
        serde_json::json!({"line": 1, "column": 3, "offset": 2})
    );
    assert_eq!(contact["cite"], "個人情報保護法 第32条第1項");
    assert!(contact["suppressed"].is_null());
    let closed = &diags[1];
    assert_eq!(closed["start"]["line"], 5);
    assert_eq!(closed["start"]["column"], 5);
    // Offsets are bytes of the file: "旧窓口は" is 12 bytes.
    let line5 = BAD.match_indices('\n').nth(3).unwrap().0 + 1;
    assert_eq!(closed["start"]["offset"], line5 + 12);
    assert_eq!(
        v["summary"],
        serde_json::json!({"files": 2, "error": 1, "warning": 1, "info": 0, "suppressed": 0, "baselined": 0})
    );
}

#[test]
fn sarif_has_rules_columns_and_fingerprints() {
    let d = project();
    let a = check_in(d.path(), &["docs", "--format", "sarif"]);
    let b = check_in(d.path(), &["docs", "--format", "sarif"]);
    assert_eq!(a.stdout, b.stdout, "stable across runs");
    let v: serde_json::Value = serde_json::from_str(&a.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let contact = rules.iter().find(|r| r["id"] == "t/contact").unwrap();
    assert_eq!(
        contact["helpUri"],
        "https://example.com/policylint/t/contact"
    );
    assert!(contact["help"]["text"].as_str().unwrap().contains("窓口"));
    let res = &run["results"][0];
    assert_eq!(res["ruleId"], "t/contact");
    assert_eq!(res["level"], "error");
    assert_eq!(
        res["locations"][0]["physicalLocation"]["region"]["startColumn"],
        3
    );
    assert_eq!(
        res["partialFingerprints"]["policylint/v1"]
            .as_str()
            .unwrap()
            .len(),
        16
    );
    assert_eq!(
        rules[res["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "t/contact"
    );
}

#[test]
fn github_annotations() {
    let d = project();
    let out = check_in(d.path(), &["docs", "--format", "github", "--lang", "en"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        "::error file=docs/bad.md,line=1,col=3,endLine=1,endColumn=13,title=t/contact::No a contact window is stated (個人情報保護法 第32条第1項)\n\
         ::warning file=docs/bad.md,line=5,col=5,endLine=5,endColumn=11,title=t/closed::\"閉鎖しました\" is stated\n"
    );
}

#[test]
fn output_file_and_exit_codes() {
    let d = project();
    let out = check_in(
        d.path(),
        &["docs", "--format", "json", "--output", "report.json"],
    );
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(d.path().join("report.json")).unwrap();
    assert!(written.contains("\"t/contact\""));
    // Clean file: 0. Warnings only with the default fail level: 0.
    assert_eq!(check_in(d.path(), &["docs/good.md"]).code, 0);
    std::fs::write(
        d.path().join("warn.md"),
        "お問い合わせ窓口は閉鎖しました。\n",
    )
    .unwrap();
    assert_eq!(check_in(d.path(), &["warn.md"]).code, 0);
    assert_eq!(
        check_in(d.path(), &["warn.md", "--fail-level", "warning"]).code,
        1
    );
    assert_eq!(
        check_in(d.path(), &["docs", "--fail-level", "never"]).code,
        0
    );
    // Usage, config and rule errors: 2.
    assert_eq!(check_in(d.path(), &["--fail-level", "fatal"]).code, 2);
    assert_eq!(check_in(d.path(), &["--rules", "nope.rules"]).code, 2);
    assert_eq!(check_in(d.path(), &["--baseline", "nope.json"]).code, 2);
    std::fs::write(
        d.path().join("bad.rules"),
        "rule x/y {\n severity loud\n message.ja \"a\"\n message.en \"a\"\n}\n",
    )
    .unwrap();
    let out = check_in(d.path(), &["--rules", "bad.rules"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("bad.rules:2:11"), "{}", out.stderr);
}

#[test]
fn unreadable_inputs_are_reported_and_the_run_goes_on() {
    let d = project();
    let mut bytes = "お問い合わせ窓口\n".repeat(4).into_bytes();
    bytes[30] = 0xFF;
    std::fs::write(d.path().join("docs/broken.txt"), bytes).unwrap();
    std::fs::write(d.path().join("docs/empty.md"), "").unwrap();
    let out = check_in(
        d.path(),
        &["docs", "docs/notes.png", "missing.md", "--format", "json"],
    );
    assert_eq!(out.code, 3, "not read is never compliant");
    let v = json(&out);
    let files: Vec<(&str, &serde_json::Value)> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), &f["skipped"]))
        .collect();
    assert!(
        files.contains(&("docs/empty.md", &serde_json::json!("empty file"))),
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .any(|(p, s)| *p == "docs/notes.png" && s.as_str().unwrap().starts_with("binary file"))
    );
    let inputs: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "policylint/input")
        .collect();
    assert_eq!(inputs.len(), 2, "{inputs:?}");
    assert_eq!(inputs[0]["path"], "docs/broken.txt");
    assert_eq!(inputs[0]["start"]["line"], 2);
    // The broken sequence starts at the first byte of its character.
    assert_eq!(inputs[0]["start"]["offset"], 28);
    assert_eq!(inputs[1]["path"], "missing.md");
    // The good and bad documents were still checked.
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "t/contact")
    );
}

#[test]
fn config_is_found_upward_and_applies() {
    let d = project();
    std::fs::write(
        d.path().join("policylint.toml"),
        "lang = \"en\"\nfail-level = \"warning\"\n\n[rules]\n\"t/closed\" = \"off\"\n\n[[overrides]]\npaths = [\"legacy/**\"]\nrules = { \"t/contact\" = \"warning\" }\n",
    )
    .unwrap();
    std::fs::create_dir_all(d.path().join("legacy")).unwrap();
    std::fs::write(d.path().join("legacy/old.md"), BAD).unwrap();
    let sub = d.path().join("docs");
    let out = check_in(&sub, &["bad.md", "../legacy/old.md", "--format", "json"]);
    let v = json(&out);
    let diags: Vec<(String, String, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        diags,
        [
            (
                "../legacy/old.md".to_string(),
                "t/contact".to_string(),
                "warning".to_string()
            ),
            (
                "bad.md".to_string(),
                "t/contact".to_string(),
                "error".to_string()
            ),
        ],
        "t/closed is off; the legacy override lowers t/contact"
    );
    assert_eq!(
        v["diagnostics"][0]["message"], "No a contact window is stated",
        "lang from config"
    );
    assert_eq!(out.code, 1, "fail-level warning from config");
}

fn config_error(toml: &str) -> String {
    let d = project();
    std::fs::write(d.path().join("policylint.toml"), toml).unwrap();
    let out = check_in(d.path(), &["docs"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    out.stderr
}

#[test]
fn config_errors_point_into_the_toml() {
    insta::assert_snapshot!(
        "config_unknown_key",
        config_error("lang = \"ja\"\nfail_level = \"error\"\n")
    );
    insta::assert_snapshot!(
        "config_bad_value",
        config_error("lang = \"ja\"\n\n[rules]\n\"t/contact\" = \"loud\"\n")
    );
    insta::assert_snapshot!(
        "config_unknown_rule",
        config_error("[rules]\n\"t/contakt\" = \"off\"\n")
    );
    insta::assert_snapshot!("config_bad_lang", config_error("lang = \"fr\"\n"));
    // Nothing near: the list of rules is where to look.
    let far = config_error("[rules]\n\"t/nothing-like-it\" = \"off\"\n");
    assert!(far.contains("run `policylint rules`"), "{far}");
}

#[test]
fn suppressions_used_unused_and_reasons() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("a.md"),
        "<!-- policylint-disable-file t/contact -- 窓口は別ページに記載 -->\n\n<!-- policylint-disable-next-line t/closed -->\n旧窓口は閉鎖しました。\n\n<!-- policylint-disable t/closed -->\n別の窓口も閉鎖しました。\n<!-- policylint-enable t/closed -->\n\n<!-- policylint-disable-next-line t/controller -->\n本文です。\n",
    )
    .unwrap();
    std::fs::write(d.path().join("b.txt"), "# policylint-disable-next-line t/closed -- 移行中\n窓口は閉鎖しました。\nお問い合わせ窓口\n").unwrap();
    let out = check_in(d.path(), &[".", "--format", "json"]);
    let v = json(&out);
    let diags: Vec<(String, String, u64, serde_json::Value)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["start"]["line"].as_u64().unwrap(),
                d["suppressed"].clone(),
            )
        })
        .collect();
    use serde_json::json;
    assert_eq!(
        diags,
        [
            (
                "a.md".into(),
                "t/contact".into(),
                4,
                json!("窓口は別ページに記載")
            ),
            ("a.md".into(), "t/closed".into(), 4, json!("")),
            ("a.md".into(), "t/closed".into(), 7, json!("")),
            (
                "a.md".into(),
                "policylint/unused-suppression".into(),
                10,
                json!(null)
            ),
            ("b.txt".into(), "t/closed".into(), 2, json!("移行中")),
        ]
    );
    assert_eq!(v["summary"]["suppressed"], 4);
    assert_eq!(
        v["summary"]["warning"], 1,
        "the unused suppression is a warning"
    );
    // The plain-text directive line is not policy text.
    let outline = Command::cargo_bin("policylint")
        .unwrap()
        .current_dir(d.path())
        .args(["outline", "b.txt"])
        .output()
        .unwrap();
    assert!(
        !String::from_utf8(outline.stdout)
            .unwrap()
            .contains("policylint-disable")
    );
}

#[test]
fn baseline_survives_inserted_lines() {
    let d = project();
    let out = check_in(d.path(), &["docs", "--write-baseline", "baseline.json"]);
    assert_eq!(out.code, 1);
    let b = std::fs::read_to_string(d.path().join("baseline.json")).unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&b).unwrap()["findings"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        check_in(d.path(), &["docs", "--baseline", "baseline.json"]).code,
        0
    );
    // Insert lines above both findings, and a paragraph between them: still
    // baselined.
    let moved = format!(
        "<!-- 改定 2024-10-01 -->\n\n{}",
        BAD.replace("\n\n旧窓口", "\n\n追加した段落です。\n\n旧窓口")
    );
    std::fs::write(d.path().join("docs/bad.md"), moved).unwrap();
    let out = check_in(
        d.path(),
        &["docs", "--baseline", "baseline.json", "--format", "json"],
    );
    assert_eq!(out.code, 0, "{}", out.stdout);
    let v = json(&out);
    assert_eq!(v["summary"]["baselined"], 2);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0);
    // A new finding is reported.
    std::fs::write(d.path().join("docs/new.md"), "本文のみ\n").unwrap();
    let out = check_in(
        d.path(),
        &["docs", "--baseline", "baseline.json", "--format", "json"],
    );
    assert_eq!(out.code, 1);
    assert_eq!(json(&out)["diagnostics"][0]["path"], "docs/new.md");
}

#[test]
fn crlf_gives_the_same_findings() {
    let d = project();
    std::fs::write(d.path().join("docs/bad.md"), BAD.replace('\n', "\r\n")).unwrap();
    let crlf = json(&check_in(d.path(), &["docs/bad.md", "--format", "json"]));
    std::fs::write(d.path().join("docs/bad.md"), BAD).unwrap();
    let lf = json(&check_in(d.path(), &["docs/bad.md", "--format", "json"]));
    let lines = |v: &serde_json::Value| {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["rule"].clone(),
                    d["start"]["line"].clone(),
                    d["start"]["column"].clone(),
                    d["end"]["column"].clone(),
                    d["fingerprint"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(lines(&crlf), lines(&lf));
}

/// A deterministic pseudo-random corpus built from the seeds' paragraphs.
pub(crate) fn corpus(dir: &Path, n: usize) {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds");
    let mut paras: Vec<String> = Vec::new();
    for e in std::fs::read_dir(&seeds).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            let t = std::fs::read_to_string(&p).unwrap();
            paras.extend(
                t.split("\n\n")
                    .filter(|s| !s.trim().is_empty())
                    .map(str::to_string),
            );
        }
    }
    paras.sort();
    let mut x: u64 = 42;
    for i in 0..n {
        let mut doc = String::new();
        for _ in 0..12 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            doc.push_str(&paras[(x >> 33) as usize % paras.len()]);
            doc.push_str("\n\n");
        }
        let ext = ["txt", "md", "html"][i % 3];
        let body = if ext == "html" {
            format!("<main><p>{}</p></main>", doc.replace("\n\n", "</p><p>"))
        } else {
            doc
        };
        std::fs::write(dir.join(format!("doc{i:03}.{ext}")), body).unwrap();
    }
}

const FORMATS: [&str; 5] = ["human", "json", "sarif", "github", "markdown"];

/// The command passes `-j` through: one thread and two give the same bytes
/// (the engine's determinism is tested through the library, in `run`).
#[test]
fn the_thread_count_does_not_change_the_report() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |j: &str| {
        let out = Command::cargo_bin("policylint")
            .unwrap()
            .current_dir(root)
            .env("NO_COLOR", "1")
            .args(["check", "fixtures/seeds", "--format", "json", "-j", j])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "-j{j}");
        String::from_utf8(out.stdout).unwrap()
    };
    let one = run("1");
    assert!(one.len() > 1000, "{one}");
    assert_eq!(one, run("2"));
}

/// Every format's report is written as the run goes, in path order: the
/// JSON and SARIF reports are still one valid document, with every file's
/// findings, and the same counts as the other formats.
#[test]
fn streamed_reports_are_whole() {
    let d = tempfile::tempdir().unwrap();
    corpus(d.path(), 60);
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/demo");
    let run = |format: &str| {
        let out = Command::cargo_bin("policylint")
            .unwrap()
            .current_dir(d.path())
            .args(["check", ".", "--lang", "en", "--format", format, "-j", "2"])
            .arg("--rules")
            .arg(&demo)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let j: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let mut keys: Vec<&str> = j.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["diagnostics", "files", "summary", "version"]);
    let diags = j["diagnostics"].as_array().unwrap();
    let files = j["files"].as_array().unwrap();
    assert_eq!(files.len(), 60);
    assert_eq!(j["summary"]["files"], 60);
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "files in path order");
    let diag_paths: Vec<&str> = diags.iter().map(|d| d["path"].as_str().unwrap()).collect();
    assert!(
        diag_paths.windows(2).all(|w| w[0] <= w[1]),
        "diagnostics in path order"
    );
    let active = |sev: &str| diags.iter().filter(|d| d["severity"] == sev).count();
    assert_eq!(j["summary"]["error"], active("error"));
    assert_eq!(j["summary"]["warning"], active("warning"));
    let s: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    let results = s["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), diags.len());
    let rules = s["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    for (r, d) in results.iter().zip(diags) {
        assert_eq!(r["ruleId"], d["rule"]);
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            d["rule"]
        );
    }
    let gh = run("github");
    assert_eq!(gh.lines().count(), diags.len());
    let md = run("markdown");
    let rows = md.lines().filter(|l| l.starts_with("| doc")).count();
    assert_eq!(rows, diags.len());
    let (e, w, i) = (active("error"), active("warning"), active("info"));
    assert!(
        md.ends_with(&format!(
            "|\n\n60 files: {e} errors, {w} warnings, {i} info\n"
        )),
        "{md}"
    );
}

/// A closed stdout (`| head`) ends the run quietly, with exit 0.
#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    use std::io::Read;
    let d = tempfile::tempdir().unwrap();
    corpus(d.path(), 200);
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/demo");
    for format in FORMATS {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("policylint"))
            .current_dir(d.path())
            .args(["check", ".", "--format", format, "-j", "2", "--rules"])
            .arg(&demo)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 64];
        stdout.read_exact(&mut first).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{format}: {stderr}");
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
    }
}

#[test]
fn an_unwritable_output_is_an_io_error() {
    let d = project();
    let out = check_in(
        d.path(),
        &[
            "docs",
            "--format",
            "json",
            "--output",
            "no/such/dir/report.json",
        ],
    );
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.contains("cannot write the report"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("no/such/dir/report.json"),
        "{}",
        out.stderr
    );
}

/// A report is never written over a document being checked (named or
/// found by the walk), and a report written into the tree is not read as a
/// policy by the next run.
#[test]
fn a_report_is_never_written_over_a_checked_document() {
    let d = project();
    let bad = std::fs::read_to_string(d.path().join("docs/bad.md")).unwrap();
    for args in [
        &["docs", "--output", "docs/bad.md"][..],
        &["docs/bad.md", "--output", "docs/bad.md"],
        &["docs", "--write-baseline", "docs/bad.md"],
        &["docs", "--output", "./docs/../docs/bad.md"],
    ] {
        let out = check_in(d.path(), args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("one of the documents being checked"),
            "{}",
            out.stderr
        );
        assert_eq!(
            std::fs::read_to_string(d.path().join("docs/bad.md")).unwrap(),
            bad
        );
    }
    let args = [
        "docs",
        "--format",
        "markdown",
        "--lang",
        "en",
        "--output",
        "docs/report.md",
    ];
    let first = check_in(d.path(), &args);
    assert_eq!(first.code, 1, "{}", first.stderr);
    let report = std::fs::read_to_string(d.path().join("docs/report.md")).unwrap();
    let second = check_in(d.path(), &args);
    assert_eq!(second.code, 1, "{}", second.stderr);
    assert_eq!(
        std::fs::read_to_string(d.path().join("docs/report.md")).unwrap(),
        report
    );
    assert!(!report.contains("report.md"), "{report}");
}

#[test]
fn markdown_summary_table() {
    let d = project();
    let out = check_in(d.path(), &["docs", "--format", "markdown", "--lang", "en"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stdout,
        "## policylint\n\n| File | Line | Severity | Rule | Message |\n|---|---:|---|---|---|\n\
         | docs/bad.md | 1 | error | `t/contact` | No a contact window is stated |\n\
         | docs/bad.md | 5 | warning | `t/closed` | \"閉鎖しました\" is stated |\n\
         \n2 files: 1 errors, 1 warnings, 0 info\n"
    );
    let out = check_in(d.path(), &["docs/good.md", "--format", "markdown"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stdout,
        "## policylint\n\n指摘はありません。\n\n1ファイル: エラー0件、警告0件、情報0件\n"
    );
}
