//! What `check` writes, and where: several reports from one run
//! (`--output FORMAT=PATH`), the one-line `compact` format, and a document
//! read from standard input (`-` with `--stdin-filename`).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common::Out;

fn pack() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/check")
}

/// `policylint check --no-builtin --rules fixtures/check ARGS` in `dir`,
/// with `stdin` piped in (written from a thread, so that a run that stops
/// reading early does not block the test; a closed pipe is expected then).
fn check_with(dir: &Path, args: &[&str], stdin: Option<Vec<u8>>) -> Out {
    let mut child = Command::new(env!("CARGO_BIN_EXE_policylint"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .arg("check")
        .arg("--no-builtin")
        .arg("--rules")
        .arg(pack())
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let writer = stdin.map(|bytes| {
        let mut pipe = child.stdin.take().unwrap();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        })
    });
    let out = child.wait_with_output().unwrap();
    if let Some(w) = writer {
        w.join().unwrap();
    }
    Out {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn check_in(dir: &Path, args: &[&str]) -> Out {
    check_with(dir, args, None)
}

const BAD: &str =
    "# プライバシーポリシー\n\n当社は個人情報を適切に取り扱います。\n\n旧窓口は閉鎖しました。\n";
const GOOD: &str = "# プライバシーポリシー\n\nお問い合わせ窓口: privacy@example.com\n";

fn project() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("docs")).unwrap();
    std::fs::write(d.path().join("docs/bad.md"), BAD).unwrap();
    std::fs::write(d.path().join("docs/good.md"), GOOD).unwrap();
    d
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// (rule, line, column) of each finding in a JSON report.
fn json_findings(v: &serde_json::Value) -> Vec<(String, u64, u64)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["start"]["line"].as_u64().unwrap(),
                d["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

// ---- several outputs from one run ----

/// One report to standard output and four files.
const EVERY_OUTPUT: &[&str] = &[
    "docs",
    "--format",
    "github",
    "--output",
    "sarif=out/report.sarif",
    "--output",
    "markdown=out/summary.md",
    "--output",
    "json=out/report.json",
    "--output",
    "compact=out/findings.txt",
];

#[test]
fn one_run_writes_every_output_with_the_same_findings() {
    let d = project();
    let out = check_in(d.path(), EVERY_OUTPUT);
    // out/ does not exist: a report's folder is not created.
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("out/report.sarif"), "{}", out.stderr);
    std::fs::create_dir(d.path().join("out")).unwrap();
    let out = check_in(d.path(), EVERY_OUTPUT);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let read = |p: &str| std::fs::read_to_string(d.path().join(p)).unwrap();
    let expected = vec![
        ("t/contact".to_string(), 1, 3),
        ("t/closed".to_string(), 5, 5),
    ];
    // The log on standard output: the primary --format.
    let github: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(github.len(), 2, "{}", out.stdout);
    assert!(github[0].starts_with("::error file=docs/bad.md,line=1,col=3,"));
    assert!(github[1].starts_with("::warning file=docs/bad.md,line=5,col=5,"));
    assert_eq!(json_findings(&json(&read("out/report.json"))), expected);
    let sarif = json(&read("out/report.sarif"));
    let results: Vec<(String, u64, u64)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            (
                r["ruleId"].as_str().unwrap().to_string(),
                region["startLine"].as_u64().unwrap(),
                region["startColumn"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(results, expected);
    let md = read("out/summary.md");
    assert!(md.starts_with("## policylint\n"), "{md}");
    assert!(
        md.contains("| docs/bad.md | 1 | error | `t/contact` |"),
        "{md}"
    );
    assert!(
        md.contains("| docs/bad.md | 5 | warning | `t/closed` |"),
        "{md}"
    );
    assert_eq!(
        read("out/findings.txt"),
        "docs/bad.md:1:3: error t/contact: お問い合わせ窓口の記載がありません\n\
         docs/bad.md:5:5: warning t/closed: 「閉鎖しました」と記載されています\n"
    );
    // One summary line: one run.
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
}

#[test]
fn the_primary_format_can_go_to_a_file_beside_the_others() {
    let d = project();
    // A bare --output PATH is where --format goes, as before.
    let out = check_in(
        d.path(),
        &[
            "docs",
            "--format",
            "json",
            "--output",
            "report.json",
            "--output",
            "sarif=report.sarif",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert_eq!(
        json(&std::fs::read_to_string(d.path().join("report.json")).unwrap())["summary"]["error"],
        1
    );
    assert_eq!(
        json(&std::fs::read_to_string(d.path().join("report.sarif")).unwrap())["version"],
        "2.1.0"
    );
    // An extra report may take standard output when the primary one is in a file.
    let out = check_in(
        d.path(),
        &[
            "docs",
            "--format",
            "json",
            "--output",
            "report.json",
            "--output",
            "compact=-",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
    assert!(out.stdout.starts_with("docs/bad.md:1:3: error t/contact: "));
}

#[test]
fn outputs_that_collide_or_do_not_parse_are_usage_errors() {
    let d = project();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--output", "json=-"],
            "two reports would be written to standard output",
        ),
        (
            &["--output", "a.json", "--output", "b.json"],
            "--output PATH without a format is given twice",
        ),
        (
            &["--output", "json=r.txt", "--output", "sarif=r.txt"],
            "r.txt is the destination of two reports",
        ),
        (&["--output", "xml=r.xml"], "unknown format `xml`"),
        (&["--output", "json="], "no path after `json=`"),
    ];
    for (args, says) in cases {
        let mut all = vec!["docs"];
        all.extend_from_slice(args);
        let out = check_in(d.path(), &all);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}: nothing checked");
    }
    assert!(!d.path().join("r.txt").exists());
    // A path that only looks like FORMAT=PATH is a path when it says so.
    let out = check_in(d.path(), &["docs", "--output", "./xml=r.txt"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(d.path().join("xml=r.txt").exists());
}

#[test]
fn an_extra_output_over_a_document_is_refused() {
    let d = project();
    let out = check_in(d.path(), &["docs", "--output", "sarif=docs/good.md"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("one of the documents being checked"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(d.path().join("docs/good.md")).unwrap(),
        GOOD
    );
}

#[test]
fn a_closed_standard_output_still_completes_the_files() {
    let d = project();
    // Many files, so that the log is long enough to fill a pipe nobody reads.
    for i in 0..300 {
        std::fs::write(d.path().join(format!("docs/p{i:03}.md")), BAD).unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_policylint"))
        .current_dir(d.path())
        .env("NO_COLOR", "1")
        .args(["check", "--no-builtin", "--rules"])
        .arg(pack())
        .args(["docs", "--format", "compact", "--output", "json=all.json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // `| head -0`
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "a closed pipe ends quietly");
    let v = json(&std::fs::read_to_string(d.path().join("all.json")).unwrap());
    assert_eq!(v["summary"]["files"], 302);
    assert_eq!(v["summary"]["error"], 301);
}

// ---- the compact format ----

#[test]
fn compact_is_one_line_per_finding() {
    let d = project();
    std::fs::write(d.path().join("docs/empty.md"), "").unwrap();
    let mut broken = "お問い合わせ窓口\n".repeat(4).into_bytes();
    broken[30] = 0xFF;
    std::fs::write(d.path().join("docs/broken.txt"), broken).unwrap();
    let ja = check_in(d.path(), &["docs", "--format", "compact"]);
    assert_eq!(ja.code, 3, "an undecodable file: {}", ja.stderr);
    insta::assert_snapshot!("compact_ja", ja.stdout);
    let en = check_in(d.path(), &["docs", "--format", "compact", "--lang", "en"]);
    insta::assert_snapshot!("compact_en", en.stdout);
    // The summary stays on standard error.
    assert!(
        en.stderr
            .starts_with("checked 4 files (1 skipped, 1 unreadable)"),
        "{}",
        en.stderr
    );
    for line in en.stdout.lines() {
        let mut parts = line.splitn(4, ':');
        let (path, l, c) = (parts.next(), parts.next(), parts.next());
        assert!(path.is_some_and(|p| p.starts_with("docs/")), "{line}");
        assert!(l.unwrap().parse::<u32>().is_ok(), "{line}");
        assert!(c.unwrap().parse::<u32>().is_ok(), "{line}");
        let rest = parts.next().unwrap();
        assert!(
            ["error ", "warning ", "info "]
                .iter()
                .any(|s| rest.strip_prefix(' ').unwrap().starts_with(s)),
            "{line}"
        );
    }
}

#[test]
fn compact_columns_are_characters() {
    let d = tempfile::tempdir().unwrap();
    // 閉 is the 9th character of the line and starts at its 25th byte.
    std::fs::write(d.path().join("p.txt"), "お問い合わせ窓口は閉鎖しました。\n").unwrap();
    let out = check_in(d.path(), &["p.txt", "--format", "compact", "--lang", "en"]);
    assert_eq!(
        out.stdout,
        "p.txt:1:10: warning t/closed: \"閉鎖しました\" is stated\n"
    );
}

#[test]
fn compact_writes_control_characters_out() {
    let d = tempfile::tempdir().unwrap();
    let name = "a\x1b[31mb.md";
    std::fs::write(d.path().join(name), BAD).unwrap();
    let out = check_in(d.path(), &[name, "--format", "compact"]);
    assert!(!out.stdout.contains('\x1b'), "{:?}", out.stdout);
    assert_eq!(out.stdout.lines().count(), 2, "{:?}", out.stdout);
}

// ---- standard input ----

#[test]
fn stdin_is_checked_as_the_file_it_is_named_after() {
    let d = project();
    let from_file = check_in(d.path(), &["docs/bad.md", "--format", "json"]);
    let from_stdin = check_with(
        d.path(),
        &["-", "--stdin-filename", "docs/bad.md", "--format", "json"],
        Some(BAD.as_bytes().to_vec()),
    );
    assert_eq!(from_stdin.code, 1, "{}", from_stdin.stderr);
    assert_eq!(from_stdin.stdout, from_file.stdout);
    // The name need not exist, and picks the format by its extension.
    let html = "<h1>プライバシーポリシー</h1><p>旧窓口は閉鎖しました。</p>\n";
    for (name, format) in [("new/p.html", "html"), ("new/p.txt", "text")] {
        let out = check_with(
            d.path(),
            &["-", "--stdin-filename", name, "--format", "json"],
            Some(html.as_bytes().to_vec()),
        );
        let v = json(&out.stdout);
        assert_eq!(v["files"][0]["path"], name);
        assert_eq!(v["files"][0]["format"], format, "{name}");
    }
    // Without a name: shown as `-`, the format read from the text.
    let out = check_with(
        d.path(),
        &["-", "--format", "compact"],
        Some(BAD.as_bytes().to_vec()),
    );
    assert!(out.stdout.starts_with("-:1:"), "{}", out.stdout);
    assert!(out.stdout.contains(" error t/contact: "), "{}", out.stdout);
}

#[test]
fn stdin_gets_every_output_of_one_run() {
    // Standard input can be read once: every report comes from that one read.
    let d = project();
    let out = check_with(
        d.path(),
        &[
            "-",
            "--stdin-filename",
            "docs/x.md",
            "--format",
            "compact",
            "--output",
            "json=r.json",
            "--output",
            "sarif=r.sarif",
        ],
        Some(BAD.as_bytes().to_vec()),
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 2);
    let v = json(&std::fs::read_to_string(d.path().join("r.json")).unwrap());
    assert_eq!(v["files"][0]["path"], "docs/x.md");
    assert_eq!(v["summary"]["error"], 1);
    let s = json(&std::fs::read_to_string(d.path().join("r.sarif")).unwrap());
    assert_eq!(s["runs"][0]["results"].as_array().unwrap().len(), 2);
}

#[test]
fn stdin_follows_the_config_by_its_name() {
    let d = project();
    std::fs::write(
        d.path().join("policylint.toml"),
        "exclude = [\"drafts/**\"]\n\n[[overrides]]\npaths = [\"legacy/**\"]\n[overrides.rules]\n\"t/contact\" = \"off\"\n",
    )
    .unwrap();
    let run = |name: &str| {
        check_with(
            d.path(),
            &["-", "--stdin-filename", name, "--format", "compact"],
            Some(BAD.as_bytes().to_vec()),
        )
    };
    let plain = run("docs/p.md");
    assert_eq!(plain.code, 1);
    assert_eq!(plain.stdout.lines().count(), 2, "{}", plain.stdout);
    let legacy = run("legacy/p.md");
    assert_eq!(legacy.code, 0, "{}", legacy.stderr);
    assert_eq!(
        legacy.stdout,
        "legacy/p.md:5:5: warning t/closed: 「閉鎖しました」と記載されています\n"
    );
    let draft = run("drafts/p.md");
    assert_eq!(draft.code, 0, "{}", draft.stderr);
    assert!(draft.stdout.is_empty(), "{}", draft.stdout);
    // Said as for a named file the configuration excludes.
    assert!(
        draft.stderr.contains("drafts/p.md") && draft.stderr.contains("--no-exclude"),
        "{}",
        draft.stderr
    );
    let forced = check_with(
        d.path(),
        &[
            "-",
            "--stdin-filename",
            "drafts/p.md",
            "--format",
            "compact",
            "--no-exclude",
        ],
        Some(BAD.as_bytes().to_vec()),
    );
    assert_eq!(forced.code, 1, "{}", forced.stderr);
    assert_eq!(forced.stdout.lines().count(), 2, "{}", forced.stdout);
}

#[test]
fn binary_or_huge_stdin_is_skipped_not_a_panic() {
    let d = project();
    let binary = check_with(
        d.path(),
        &["-", "--stdin-filename", "a.md", "--format", "compact"],
        Some(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()),
    );
    assert_eq!(binary.code, 0, "{}", binary.stderr);
    assert!(
        binary
            .stdout
            .starts_with("a.md:1:1: info policylint/skipped: "),
        "{}",
        binary.stdout
    );
    assert!(!binary.stderr.contains("panicked"), "{}", binary.stderr);
    // More than the cap: read up to it and no further (the writer sees a
    // closed pipe), skipped like an oversized file.
    let huge = vec![b'a'; 8 << 20];
    let out = check_with(
        d.path(),
        &["-", "--max-file-size", "1000", "--format", "json"],
        Some(huge),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = json(&out.stdout);
    let reason = v["files"][0]["skipped"].as_str().unwrap();
    assert!(reason.contains("1000 bytes"), "{reason}");
    let strict = check_with(
        d.path(),
        &["-", "--max-file-size", "1000", "--fail-on-skip"],
        Some(vec![b'a'; 2000]),
    );
    assert_eq!(strict.code, 3, "{}", strict.stderr);
    // Empty standard input is an empty file.
    let empty = check_with(d.path(), &["-", "--format", "json"], Some(Vec::new()));
    assert_eq!(empty.code, 0, "{}", empty.stderr);
    assert_eq!(json(&empty.stdout)["files"][0]["skipped"], "empty file");
}

#[test]
fn stdin_is_alone_and_named_only_when_read() {
    let d = project();
    let out = check_with(d.path(), &["-", "docs"], Some(BAD.as_bytes().to_vec()));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("`-`"), "{}", out.stderr);
    let out = check_in(d.path(), &["docs", "--stdin-filename", "a.md"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--stdin-filename"), "{}", out.stderr);
    // A report is never written over the file standard input is named after.
    let out = check_with(
        d.path(),
        &[
            "-",
            "--stdin-filename",
            "docs/good.md",
            "--output",
            "json=./docs/good.md",
        ],
        Some(BAD.as_bytes().to_vec()),
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("document being checked"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(d.path().join("docs/good.md")).unwrap(),
        GOOD
    );
}

// ---- rules described in words (SARIF and explain) ----

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sarif_driver(lang: &str) -> serde_json::Value {
    let out = crate::common::run(
        root(),
        &[
            "check",
            "fixtures/compliant",
            "--format",
            "sarif",
            "--fail-level",
            "never",
            "--lang",
            lang,
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    json(&out.stdout)["runs"][0]["tool"]["driver"].clone()
}

fn descriptor<'v>(driver: &'v serde_json::Value, id: &str) -> &'v serde_json::Value {
    driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no descriptor {id}"))
}

#[test]
fn sarif_describes_each_rule_in_words() {
    for lang in ["ja", "en"] {
        let driver = sarif_driver(lang);
        assert_eq!(
            driver["informationUri"], "https://github.com/policylint/policylint",
            "{lang}"
        );
        for r in driver["rules"].as_array().unwrap() {
            let Some(full) = r["fullDescription"]["text"].as_str() else {
                continue;
            };
            // No template placeholder, and more than the title.
            assert!(!full.contains('{'), "{lang} {}: {full}", r["id"]);
            let title = r["shortDescription"]["text"].as_str().unwrap();
            assert!(
                full.starts_with(title) && full.len() > title.len() + 5,
                "{full}"
            );
        }
    }
    let ja = sarif_driver("ja");
    let joint = descriptor(&ja, "appi/joint-use")["fullDescription"]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        joint.contains(
            "必要な記載: 共同利用される個人データの項目、共同して利用する者の範囲、利用する者の利用目的、\
             管理について責任を有する者（責任者の名称、責任者の住所、責任者の代表者の氏名）"
        ),
        "{joint}"
    );
    assert!(
        joint.contains("根拠: 個人情報保護法 第27条第5項第3号"),
        "{joint}"
    );
    let en = sarif_driver("en");
    let joint = descriptor(&en, "appi/joint-use")["fullDescription"]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        joint.starts_with(
            "Joint use disclosures. Requires: the data items, the scope of joint users, \
             the users' purposes, the person responsible (the controller's name, \
             the controller's address, the controller's representative)."
        ),
        "{joint}"
    );
}

#[test]
fn explain_says_the_message_in_words() {
    let out = crate::common::run(root(), &["rules", "--lang", "en"]);
    let ids: Vec<String> = out
        .stdout
        .lines()
        .filter(|l| l.contains('/'))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    assert!(ids.len() >= 20, "{}", out.stdout);
    for id in &ids {
        for lang in ["ja", "en"] {
            let out = crate::common::run(root(), &["explain", id, "--lang", lang]);
            assert_eq!(out.code, 0, "{id}: {}", out.stderr);
            for placeholder in ["{missing}", "{found}", "{rule}"] {
                assert!(
                    !out.stdout.contains(placeholder),
                    "{id} ({lang}) shows {placeholder}:\n{}",
                    out.stdout
                );
            }
        }
    }
}

// ---- the human report: long lines, labels on one span, several rules at one place ----

/// Run `check --no-builtin --rules RULES DOC` with `rules` and `doc` written
/// to a fresh folder; the human report (80 columns, no colour).
fn human_with(rules: &str, doc: &str, lang: &str) -> String {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("x.rules"), rules).unwrap();
    std::fs::write(d.path().join("p.txt"), doc).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_policylint"))
        .current_dir(d.path())
        .env("NO_COLOR", "1")
        .args([
            "check",
            "--no-builtin",
            "--rules",
            "x.rules",
            "p.txt",
            "--fail-level",
            "never",
            "--lang",
            lang,
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Columns a line takes on a terminal (wide characters count two).
fn columns(line: &str) -> usize {
    line.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

const PAIR: &str = r#"
rule x/pair {
  title "Pair"
  severity error
  anchor scope
  require all {
    a = "甲社" as "甲社" / "A"
    b = "乙社" as "乙社" / "B"
    c = "丙社" as "丙社" / "C"
  }
  message.ja "{missing}の記載がありません"
  message.en "No {missing}"
}
"#;

#[test]
fn a_snippet_over_a_short_and_a_very_long_line_is_cut() {
    let doc = format!(
        "甲社について。\n{}乙社にも提供します。{}\n",
        "当社は情報を取り扱います。".repeat(18),
        "以上のとおりです。".repeat(20)
    );
    let out = human_with(PAIR, &doc, "ja");
    let widest = out.lines().map(columns).max().unwrap();
    assert!(widest <= 120, "{widest} columns:\n{out}");
    // Both found parts are still shown, each where it is.
    assert!(
        out.contains("甲社はここ") && out.contains("乙社はここ"),
        "{out}"
    );
    assert!(out.contains("[p.txt:1:1]"), "{out}");
    insta::assert_snapshot!("human_long_line", out);
}

#[test]
fn a_long_span_on_a_long_line_shows_its_two_ends() {
    let rules = r#"
rule x/long {
  title "Long"
  severity warning
  forbid /禁止[^。]*。/
  message.ja "禁止の文があります"
  message.en "A forbidden sentence"
}
"#;
    let doc = format!(
        "{}禁止{}。{}\n",
        "前置きの文です。".repeat(20),
        "とても長い文の途中".repeat(30),
        "後の文です。".repeat(20)
    );
    let out = human_with(rules, &doc, "en");
    let widest = out.lines().map(columns).max().unwrap();
    assert!(widest <= 120, "{widest} columns:\n{out}");
    let col = doc[..doc.find("禁止").unwrap()].chars().count() + 1;
    assert!(out.contains(&format!("[p.txt:1:{col}]")), "{out}");
    insta::assert_snapshot!("human_long_span", out);
}

const WHERE: &str = r#"
rule x/where {
  title "Where"
  severity warning
  anchor scope
  require all {
    name = /株式会社[^\s　]{1,10}/ as "名称" / "the name"
    rep = "代表取締役" as "代表者" / "the representative"
  }
  message.ja "{missing}がありません"
  message.en "No {missing}"
}
"#;

#[test]
fn a_label_on_the_primary_span_is_said_with_it() {
    let out = human_with(
        WHERE,
        "株式会社テスト商事\n\n個人情報を取り扱います。\n",
        "ja",
    );
    // One underline for the one span, and both texts on it.
    assert!(out.contains("代表者がありません／名称はここ"), "{out}");
    assert!(!out.contains("┬─┬") && !out.contains("┬┬"), "{out}");
    insta::assert_snapshot!("human_same_span", out);
}

#[test]
fn several_rules_at_one_place_are_one_block() {
    let rules = format!(
        "{WHERE}\n{}",
        r#"
rule x/dated {
  title "Dated"
  severity info
  anchor scope
  require all {
    date = /[0-9]{4}年/ as "日付" / "a date"
  }
  message.ja "{missing}がありません"
  message.en "No {missing}"
  help.ja "制定日を書いてください。"
  help.en "Give the date."
}
"#
    );
    let doc = "株式会社テスト商事\n\n個人情報を取り扱います。\n";
    for lang in ["ja", "en"] {
        let out = human_with(&rules, doc, lang);
        // One snippet: the source line is shown once.
        assert_eq!(out.matches("1 │ 株式会社テスト商事").count(), 1, "{out}");
        assert!(out.contains("x/where") && out.contains("x/dated"), "{out}");
        insta::assert_snapshot!(format!("human_grouped_{lang}"), out);
    }
}
