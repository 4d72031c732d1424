//! The bad-input corpus (fixtures/bad/ and cases made here): each gets a
//! clear message, the right exit code, and the other files of the same run
//! are still checked.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

use crate::common::Out;

fn bad(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/bad")
        .join(name)
}

/// A project holding a control policy with a known finding, plus `extra`.
fn project(extra: &[(&str, &Path)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("control.md"),
        "# プライバシーポリシー\n\n当社は個人情報を適切に取り扱います。\n",
    )
    .unwrap();
    for (name, from) in extra {
        std::fs::copy(from, d.path().join(name)).unwrap();
    }
    d
}

fn check(dir: &Path, args: &[&str]) -> Out {
    let out = Command::cargo_bin("policylint")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .arg("check")
        .args(args)
        .output()
        .unwrap();
    Out {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn json(o: &Out) -> Value {
    serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", o.stdout, o.stderr))
}

fn control_checked(v: &Value) {
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == "control.md" && d["rule"] == "appi/complaint-contact"),
        "the control file was not checked: {v}"
    );
}

fn diag<'a>(v: &'a Value, path: &str, rule: &str) -> Option<&'a Value> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == path && d["rule"] == rule)
}

fn skipped<'a>(v: &'a Value, path: &str) -> Option<&'a str> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .and_then(|f| f["skipped"].as_str())
}

#[test]
fn binary_file_is_skipped_with_a_note() {
    let d = project(&[("logo.png", &bad("binary.png"))]);
    let v = json(&check(d.path(), &[".", "logo.png", "--format", "json"]));
    assert_eq!(
        skipped(&v, "logo.png"),
        Some("binary file (NUL byte at offset 8)")
    );
    control_checked(&v);
    let o = check(d.path(), &["logo.png"]);
    assert_eq!(o.code, 0, "a skipped file fails nothing");
    assert!(
        o.stdout
            .contains("note: logo.png: binary file (NUL byte at offset 8); skipped"),
        "{}",
        o.stdout
    );
}

#[test]
fn invalid_utf8_in_mid_file_is_located() {
    let d = project(&[("broken.txt", &bad("invalid-utf8.txt"))]);
    let v = json(&check(d.path(), &[".", "--format", "json"]));
    let e = diag(&v, "broken.txt", "policylint/input").expect("an input error");
    assert_eq!(
        (e["start"]["line"].as_u64(), e["start"]["offset"].as_u64()),
        (Some(3), Some(59))
    );
    control_checked(&v);
    let o = check(d.path(), &["broken.txt"]);
    assert_eq!(o.code, 3, "an input error has its own exit code");
    assert!(
        o.stdout.contains("broken.txt:3:") && o.stdout.contains("invalid UTF-8 byte sequence"),
        "{}",
        o.stdout
    );
}

#[test]
fn shift_jis_with_a_broken_sequence() {
    let d = project(&[("sjis.txt", &bad("broken-sjis.txt"))]);
    let v = json(&check(d.path(), &[".", "--format", "json"]));
    let e = diag(&v, "sjis.txt", "policylint/input").expect("an input error");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("invalid Shift_JIS byte sequence"),
        "{e}"
    );
    assert_eq!(e["start"]["line"], 2);
    control_checked(&v);
    let o = check(d.path(), &["sjis.txt"]);
    assert_eq!(o.code, 3, "an undecodable file is an input error");
    assert!(o.stdout.contains("sjis.txt:2:"), "{}", o.stdout);
}

#[test]
fn utf16_without_bom_says_so() {
    let d = project(&[("u16.txt", &bad("utf16-no-bom.txt"))]);
    let o = check(d.path(), &[".", "--format", "json"]);
    let v = json(&o);
    let e = diag(&v, "u16.txt", "policylint/input").expect("an input error");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("looks like UTF-16LE without a byte-order mark"),
        "{e}"
    );
    control_checked(&v);
    assert_eq!(check(d.path(), &["u16.txt"]).code, 3);
}

#[test]
fn empty_and_whitespace_only_files_are_skipped() {
    let d = project(&[
        ("empty.md", &bad("empty.md")),
        ("blank.txt", &bad("whitespace.txt")),
    ]);
    let o = check(d.path(), &[".", "--format", "json"]);
    let v = json(&o);
    assert_eq!(skipped(&v, "empty.md"), Some("empty file"));
    assert_eq!(skipped(&v, "blank.txt"), Some("empty file"));
    control_checked(&v);
    assert_eq!(check(d.path(), &["empty.md", "blank.txt"]).code, 0);
}

#[test]
fn html_nested_100000_levels_deep() {
    let d = project(&[("deep.html", &bad("deep.html"))]);
    let v = json(&check(d.path(), &[".", "--format", "json"]));
    let f = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "deep.html")
        .unwrap();
    assert_eq!(f["format"], "html");
    assert!(diag(&v, "deep.html", "policylint/input").is_none());
    // The paragraph at the bottom was read: its window and email count.
    assert!(
        diag(&v, "deep.html", "appi/complaint-contact").is_none(),
        "{v}"
    );
    control_checked(&v);
    assert_eq!(
        check(d.path(), &["deep.html", "--fail-level", "never"]).code,
        0
    );
}

#[test]
fn unterminated_html_comment() {
    let d = project(&[("open.html", &bad("unterminated-comment.html"))]);
    let v = json(&check(d.path(), &[".", "--format", "json"]));
    // "閉鎖しました" is inside the (unterminated) comment: not text.
    assert!(
        diag(&v, "open.html", "appi/contact-closed").is_none(),
        "{v}"
    );
    assert!(
        diag(&v, "open.html", "appi/complaint-contact").is_none(),
        "{v}"
    );
    control_checked(&v);
    assert_eq!(
        check(d.path(), &["open.html", "--fail-level", "never"]).code,
        0
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop_and_dangling_symlink() {
    let d = project(&[]);
    std::fs::create_dir(d.path().join("sub")).unwrap();
    std::os::unix::fs::symlink(d.path(), d.path().join("sub/loop")).unwrap();
    std::os::unix::fs::symlink(d.path().join("nowhere.md"), d.path().join("dangling.md")).unwrap();
    // Two links that lead to each other: a loop, not a broken link.
    std::os::unix::fs::symlink(d.path().join("b.md"), d.path().join("a.md")).unwrap();
    std::os::unix::fs::symlink(d.path().join("a.md"), d.path().join("b.md")).unwrap();
    let v = json(&check(d.path(), &[".", "--format", "json"]));
    let inputs: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["rule"] == "policylint/input")
        .map(|x| {
            format!(
                "{} {}",
                x["path"].as_str().unwrap(),
                x["message"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        inputs
            .iter()
            .any(|m| m.starts_with("sub/loop") && m.contains("symlink loop")),
        "{inputs:?}"
    );
    assert!(
        inputs
            .iter()
            .any(|m| m.starts_with("dangling.md") && m.contains("broken symlink")),
        "{inputs:?}"
    );
    for name in ["a.md", "b.md"] {
        assert!(
            inputs.iter().any(|m| m.starts_with(name)
                && m.contains("symlink loop")
                && !m.contains("broken")),
            "{inputs:?}"
        );
    }
    control_checked(&v);
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let d = project(&[("secret.md", &bad("../compliant/privacy-policy.md"))]);
    let p = d.path().join("secret.md");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::File::open(&p).is_ok(); // root reads anything
    let v = json(&check(d.path(), &[".", "--format", "json"]));
    if readable {
        assert!(
            diag(&v, "secret.md", "policylint/input").is_none(),
            "readable here, so checked: {v}"
        );
        assert!(
            v["files"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["path"] == "secret.md" && f["format"] == "markdown")
        );
    } else {
        let e = diag(&v, "secret.md", "policylint/input").expect("an input error");
        assert!(
            e["message"].as_str().unwrap().contains("permission denied"),
            "{e}"
        );
    }
    control_checked(&v);
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn directory_named_like_a_file() {
    let d = project(&[]);
    std::fs::create_dir(d.path().join("policy.md")).unwrap();
    std::fs::write(d.path().join("policy.md/inner.md"), "本文\n").unwrap();
    let v = json(&check(
        d.path(),
        &["policy.md", "control.md", "--format", "json"],
    ));
    assert!(
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "policy.md/inner.md"),
        "{v}"
    );
    control_checked(&v);
}

#[test]
fn path_with_spaces_quotes_newline_and_command_substitution() {
    let d = project(&[]);
    let name = if cfg!(windows) {
        "a b 'c' $(touch PWNED).md"
    } else {
        "a b \"c\"\n$(touch PWNED).md"
    };
    std::fs::write(
        d.path().join(name),
        "当社は個人情報を適切に取り扱います。\n",
    )
    .unwrap();
    let v = json(&check(d.path(), &[".", "--format", "json"]));
    assert!(diag(&v, name, "appi/complaint-contact").is_some(), "{v}");
    control_checked(&v);
    let gh = check(d.path(), &[name, "--format", "github"]);
    assert!(
        gh.stdout.lines().all(|l| l.starts_with("::")),
        "one command per line: {}",
        gh.stdout
    );
    assert!(!d.path().join("PWNED").exists());
}

#[test]
fn malformed_toml_is_a_located_config_error() {
    let d = project(&[("policylint.toml", &bad("malformed.toml"))]);
    let o = check(d.path(), &["."]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("policylint.toml:2:"), "{}", o.stderr);
    assert!(o.stderr.contains("policylint::config"), "{}", o.stderr);
}

#[test]
fn rule_file_with_a_10_mb_regex() {
    let d = project(&[]);
    let big = "お問い合わせ".repeat(10 * 1024 * 1024 / 18);
    std::fs::write(
        d.path().join("big.rules"),
        format!("rule big/x {{\n severity error\n message.ja \"x\"\n message.en \"x\"\n require w = /({big})+/\n}}\n"),
    )
    .unwrap();
    let o = check(d.path(), &[".", "--rules", "big.rules"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("invalid regex") && o.stderr.contains("size limit"),
        "{}",
        &o.stderr[..o.stderr.len().min(2000)]
    );
    assert!(o.stderr.contains("big.rules:5:"), "located");
}

#[test]
fn a_catastrophic_backtracking_regex_runs_in_linear_time() {
    let d = project(&[]);
    std::fs::write(
        d.path().join("a.txt"),
        format!("{}b\n", "a".repeat(100_000)),
    )
    .unwrap();
    let o = check(
        d.path(),
        &[
            "a.txt",
            "--no-builtin",
            "--rules",
            bad("catastrophic.rules").to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    // Rust's regex engine has no backtracking: the run finishes, with the
    // rule's finding (the text ends in "b", so `(a+)+$` never matches).
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(diag(&json(&o), "a.txt", "bad/catastrophic").is_some());
}

#[test]
fn per_file_limits_time_budget_and_finding_cap() {
    let d = project(&[]);
    let v = json(&check(
        d.path(),
        &["control.md", "--format", "json", "--max-diagnostics", "1"],
    ));
    let rules: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules.len(), 2, "{rules:?}");
    assert_eq!(rules[1], "policylint/more");
    assert!(
        v["diagnostics"][1]["message"]
            .as_str()
            .unwrap()
            .contains("ほかに"),
        "{v}"
    );
    let o = check(
        d.path(),
        &[
            "control.md",
            "--format",
            "json",
            "--file-timeout",
            "0.000001",
        ],
    );
    let v = json(&o);
    let t = diag(&v, "control.md", "policylint/timeout").expect("the time budget is reported");
    assert_eq!(t["severity"], "error");
    assert_eq!(o.code, 1);
}

/// 100 MB on one line: generated here, run by .ci/run (`--ignored`).
#[test]
#[ignore = "writes 100 MB; .ci/run runs it"]
fn a_100_mb_single_line_file() {
    let d = project(&[]);
    let line = "当社は個人情報を適切に取り扱います。".repeat(100 * 1024 * 1024 / 54);
    std::fs::write(d.path().join("huge.txt"), &line).unwrap();
    drop(line);
    // Over the default limit (32 MiB): skipped with a note, the run goes on.
    let v = json(&check(d.path(), &[".", "--format", "json"]));
    assert!(
        skipped(&v, "huge.txt").is_some_and(|s| s.contains("over the limit")),
        "{v}"
    );
    control_checked(&v);
    // With the limit raised, it is read, and the time budget keeps the run
    // bounded: either checked, or reported as partly checked.
    let o = check(
        d.path(),
        &[
            "huge.txt",
            "--format",
            "json",
            "--max-file-size",
            "200000000",
            "--file-timeout",
            "5",
        ],
    );
    let v = json(&o);
    let f = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "huge.txt")
        .unwrap();
    assert!(f["skipped"].is_null(), "{f}");
    assert!(o.code == 0 || o.code == 1, "{}", o.stderr);
}

// ----- Round two: configuration is untrusted, cost is linear, and "not
// read" is never "compliant".

/// Run `policylint ARGS` in `dir` with stdout going to `stdout`.
fn run_to(dir: &Path, args: &[&str], stdout: std::process::Stdio) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_policylint"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .stdout(stdout)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn absurd_time_budgets_and_thread_counts_are_refused_not_panicked_on() {
    let d = project(&[]);
    for value in ["inf", "nan", "-1.0", "0.0", "1e300"] {
        std::fs::write(
            d.path().join("policylint.toml"),
            format!("file-timeout = {value}\n"),
        )
        .unwrap();
        let o = check(d.path(), &["control.md"]);
        assert_eq!(o.code, 2, "{value}: {}", o.stderr);
        assert!(
            o.stderr.contains("policylint.toml:1:16") && o.stderr.contains("not a time budget"),
            "{value}: {}",
            o.stderr
        );
        assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
    }
    std::fs::remove_file(d.path().join("policylint.toml")).unwrap();
    for value in ["1e19", "inf", "NaN", "0"] {
        let o = check(d.path(), &["control.md", "--file-timeout", value]);
        assert_eq!(o.code, 2, "{value}: {}", o.stderr);
        assert!(o.stderr.contains("not a time budget"), "{}", o.stderr);
    }
    let o = check(d.path(), &["control.md", "-j", "100000"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("more than the 1024"), "{}", o.stderr);
}

#[cfg(unix)]
#[test]
fn devices_and_fifos_named_explicitly_are_input_errors() {
    let d = project(&[]);
    let fifo = d.path().join("pipe.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let o = check(
        d.path(),
        &[
            "control.md",
            "/dev/null",
            "/dev/zero",
            "pipe.md",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.code, 3, "{}", o.stderr);
    let v = json(&o);
    control_checked(&v);
    for p in ["/dev/null", "/dev/zero", "pipe.md"] {
        let e = diag(&v, p, "policylint/input").unwrap_or_else(|| panic!("{p}: {v}"));
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains("not a regular file"),
            "{e}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_report_that_cannot_be_written_is_an_io_error() {
    let d = project(&[]);
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let (code, err) = run_to(d.path(), &["check", "control.md"], full.into());
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("cannot write the report: standard output"),
        "{err}"
    );
}

#[test]
fn cr_only_line_ends_count_as_lines() {
    let d = project(&[]);
    // Classic Mac line ends: the closed window is on line 4.
    std::fs::write(
        d.path().join("mac.txt"),
        "プライバシーポリシー\r\r当社は個人情報を取り扱います。\r個人情報の窓口は閉鎖しました。\r",
    )
    .unwrap();
    let v = json(&check(d.path(), &["mac.txt", "--format", "json"]));
    let e = diag(&v, "mac.txt", "appi/contact-closed").unwrap_or_else(|| panic!("{v}"));
    assert_eq!(e["start"]["line"], 4, "{e}");
    assert_eq!(e["start"]["column"], 9, "{e}");
}

/// `policylint ARGS` in `dir`, killed after 20 s (a read that blocks on a
/// FIFO or never ends on /dev/zero must not hang the suite), with a
/// secret in its environment.
fn run_bounded(dir: &Path, args: &[&str]) -> Out {
    let out = Command::cargo_bin("policylint")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("POLICYLINT_TEST_SECRET", "hunter2-secret")
        .args(args)
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A pack folder `pack/` in `d` holding `main.rules` with `body`.
fn pack(d: &Path, body: &str) {
    std::fs::create_dir_all(d.join("pack")).unwrap();
    std::fs::write(
        d.join("pack/main.rules"),
        format!("{body}\nrule p/x {{\n severity error\n message.ja \"x\"\n message.en \"x\"\n require w = \"窓口\"\n}}\n"),
    )
    .unwrap();
}

#[test]
fn rule_files_reach_only_their_pack_and_never_print_other_files() {
    let d = project(&[]);
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(
        outer.path().join("secret.rules"),
        "term leaked = \"TOP-SECRET-LINE\"\n",
    )
    .unwrap();
    let escape = format!("{}/secret.rules", outer.path().display());
    for import in [
        "/etc/passwd",
        "/proc/self/environ",
        "../../../../../../../../etc/passwd",
        escape.as_str(),
    ] {
        pack(d.path(), &format!("import \"{import}\""));
        let o = run_bounded(d.path(), &["check", "control.md", "--rules", "pack"]);
        assert_eq!(o.code, 2, "{import}: {}", o.stderr);
        assert!(
            o.stderr.contains("cannot import") && o.stderr.contains("main.rules:1:8"),
            "{import}: {}",
            o.stderr
        );
        for leak in ["root:", "hunter2-secret", "TOP-SECRET-LINE"] {
            assert!(
                !o.stderr.contains(leak) && !o.stdout.contains(leak),
                "{import} leaked {leak}"
            );
        }
    }
    // A test file outside the pack is refused before anything is read.
    std::fs::write(
        d.path().join("pack/main.rules"),
        "rule p/x {\n severity error\n message.ja \"x\"\n message.en \"x\"\n forbid /.+/\n test pass file \"/etc/passwd\"\n}\n",
    )
    .unwrap();
    let o = run_bounded(
        outer.path(),
        &["test", &d.path().join("pack").display().to_string()],
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("outside the pack"), "{}", o.stderr);
    assert!(!o.stdout.contains("root:") && !o.stderr.contains("root:"));
    // Imports inside the pack still work.
    std::fs::write(d.path().join("pack/terms.rules"), "term w = \"窓口\"\n").unwrap();
    pack(d.path(), "import \"terms.rules\"");
    let o = run_bounded(d.path(), &["check", "control.md", "--rules", "pack"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
}

#[cfg(unix)]
#[test]
fn configuration_side_files_are_regular_and_bounded() {
    let d = project(&[]);
    let fifo = d.path().join("pack/fifo.rules");
    pack(d.path(), "import \"fifo.rules\"");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let bfifo = d.path().join("baseline.json");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&bfifo)
            .status()
            .unwrap()
            .success()
    );
    let cases: [(&[&str], &str); 6] = [
        (
            &["check", "control.md", "--rules", "/dev/zero"],
            "not a rule file",
        ),
        (
            &["check", "control.md", "--rules", "pack"],
            "not a regular file",
        ),
        (
            &["check", "control.md", "--baseline", "/dev/zero"],
            "not a regular file",
        ),
        (
            &["check", "control.md", "--baseline", "baseline.json"],
            "not a regular file",
        ),
        (
            &["check", "control.md", "--config", "/dev/zero"],
            "not a regular file",
        ),
        (&["test", "/dev/zero"], "not a rule file"),
    ];
    for (args, want) in cases {
        let o = run_bounded(d.path(), args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(o.stderr.contains(want), "{args:?}: {}", o.stderr);
    }
    std::fs::write(
        d.path().join("policylint.toml"),
        "packs = [\"/dev/zero\"]\n",
    )
    .unwrap();
    let o = run_bounded(d.path(), &["check", "control.md"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("not a rule file"), "{}", o.stderr);
}

#[cfg(unix)]
#[test]
fn names_and_text_cannot_inject_commands_into_logs_or_terminals() {
    let d = project(&[]);
    let forged = "x\n::error file=forged.md,line=1::FORGED.md";
    let policy = "# プライバシーポリシー\n\n当社は個人情報を\u{1b}]0;pwned\u{7}適切に取り扱います。\u{1b}[2J\n";
    std::fs::write(d.path().join(forged), policy).unwrap();
    std::fs::write(d.path().join("[x](https:evil) <img src=x>.md"), policy).unwrap();
    for format in ["human", "github", "markdown"] {
        let o = check(d.path(), &[".", "--format", format]);
        assert_eq!(o.code, 1, "{format}: {}", o.stderr);
        for line in o.stdout.lines() {
            assert!(
                !line.starts_with("::error file=forged.md"),
                "{format}: a forged workflow command: {line}"
            );
            assert!(
                format == "github" || !line.starts_with("::"),
                "{format}: {line}"
            );
        }
        assert!(
            !o.stdout.contains('\u{1b}') && !o.stdout.contains('\u{7}'),
            "{format}: {:?}",
            o.stdout
        );
    }
    let md = check(d.path(), &[".", "--format", "markdown"]).stdout;
    assert!(
        md.contains(r"\[x\]\(https:evil\) &lt;img src=x&gt;.md"),
        "{md}"
    );
    let human = check(d.path(), &["."]).stdout;
    assert!(human.contains(r"x\n::error file=forged.md"), "{human}");
    let out = Command::cargo_bin("policylint")
        .unwrap()
        .current_dir(d.path())
        .args(["outline", forged])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with(r"x\n::error"), "{text}");
    assert!(!text.contains('\u{1b}'), "{text:?}");
}

#[test]
fn skipped_files_are_named_in_every_format_and_can_fail_the_run() {
    let d = project(&[("logo.png", &bad("binary.png"))]);
    std::fs::write(d.path().join("empty.md"), "").unwrap();
    let names = ["logo.png", "empty.md"];
    let o = check(
        d.path(),
        &["control.md", "logo.png", "empty.md", "--format", "sarif"],
    );
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    let notes = &v["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    for n in names {
        assert!(
            notes
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == n),
            "sarif: {n}: {notes}"
        );
    }
    let gh = check(
        d.path(),
        &["control.md", "logo.png", "empty.md", "--format", "github"],
    )
    .stdout;
    let md = check(
        d.path(),
        &[
            "control.md",
            "logo.png",
            "empty.md",
            "--format",
            "markdown",
            "--lang",
            "en",
        ],
    )
    .stdout;
    for n in names {
        assert!(
            gh.contains(&format!("::notice file={n},title=policylint/skipped::")),
            "{gh}"
        );
        assert!(
            md.contains(&format!("| {n} | | skipped | `policylint/skipped` |")),
            "{md}"
        );
    }
    assert!(md.contains("3 files (2 skipped):"), "{md}");
    let human = check(d.path(), &["logo.png"]).stdout;
    assert!(
        human.contains("note: logo.png: binary file (NUL byte at offset 8); skipped\n")
            && !human.contains("skipped; skipped"),
        "{human}"
    );
    assert_eq!(check(d.path(), &["logo.png", "empty.md"]).code, 0);
    let o = check(d.path(), &["logo.png", "empty.md", "--fail-on-skip"]);
    assert_eq!(o.code, 3, "{}", o.stderr);
}

#[test]
fn utf16_japanese_and_a_stray_nul_are_not_taken_for_binary() {
    let d = project(&[]);
    let text = "個人情報保護方針\n\u{3000}当社は、以下のとおり定めます。\n";
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    std::fs::write(d.path().join("u16.txt"), le).unwrap();
    let mut nul = "プライバシーポリシー\n当社は個人情報を取り扱います。\n"
        .as_bytes()
        .to_vec();
    nul.insert(31, 0);
    std::fs::write(d.path().join("nul.txt"), nul).unwrap();
    let o = check(d.path(), &["u16.txt", "nul.txt", "--format", "json"]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    let v = json(&o);
    assert!(
        skipped(&v, "u16.txt").is_none() && skipped(&v, "nul.txt").is_none(),
        "{v}"
    );
    let u = diag(&v, "u16.txt", "policylint/input").unwrap();
    assert!(
        u["message"]
            .as_str()
            .unwrap()
            .contains("UTF-16LE without a byte-order mark"),
        "{u}"
    );
    let n = diag(&v, "nul.txt", "policylint/input").unwrap();
    assert!(
        n["message"]
            .as_str()
            .unwrap()
            .contains("NUL byte at byte offset 31"),
        "{n}"
    );
    assert_eq!(
        (n["start"]["line"].as_u64(), n["start"]["offset"].as_u64()),
        (Some(2), Some(31)),
        "{n}"
    );
    let human = check(d.path(), &["nul.txt"]).stdout;
    assert!(
        human.contains("nul.txt:2:1") && human.contains("a NUL byte (file byte 31)"),
        "{human}"
    );
}

#[test]
fn a_file_cut_by_its_time_budget_says_so_in_every_format() {
    let d = project(&[]);
    for format in ["human", "json", "sarif", "github", "markdown"] {
        // The budget covers reading and parsing: it is over before any rule
        // has run, so no rule reports part of what it would find.
        let o = check(
            d.path(),
            &[
                "control.md",
                "--file-timeout",
                "0.000001",
                "--format",
                format,
            ],
        );
        assert_eq!(o.code, 1, "{format}: {}", o.stderr);
        assert!(
            o.stdout.contains("policylint/timeout"),
            "{format}: {}",
            o.stdout
        );
        // control.md lacks a complaint window: that finding is not reported
        // (SARIF lists every rule's descriptor: look at its results).
        let shown = match format {
            "sarif" => {
                serde_json::from_str::<Value>(&o.stdout).unwrap()["runs"][0]["results"].to_string()
            }
            _ => o.stdout.clone(),
        };
        assert!(
            !shown.contains("appi/complaint-contact"),
            "{format}: {shown}"
        );
    }
}

#[test]
fn every_configuration_error_is_reported_at_once_in_file_order() {
    let d = project(&[]);
    std::fs::write(
        d.path().join("policylint.toml"),
        "lang = 3\nmax-diagnostics = \"many\"\ncolour = true\nfile-timeout = inf\nfail-level = \"fatal\"\n",
    )
    .unwrap();
    let o = check(d.path(), &["control.md"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    let at: Vec<usize> = (1..=5)
        .map(|line| {
            o.stderr
                .find(&format!("policylint.toml:{line}:"))
                .unwrap_or_else(|| panic!("line {line} not reported: {}", o.stderr))
        })
        .collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "in file order: {}",
        o.stderr
    );
}
