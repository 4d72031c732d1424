//! Which files `policylint check` takes and with which settings, however it
//! is called: globs (include, exclude, overrides) are relative to the
//! configuration's folder whatever paths are named and wherever it runs;
//! named files the configuration excludes are left out with a note;
//! configuration errors come all at once; a mistyped path or an empty run
//! is never a silent pass.

use std::path::{Path, PathBuf};

use crate::common::Out;

fn pack() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/check")
}

/// `policylint check ARGS` in `dir`, with the small test pack only.
fn check(dir: &Path, args: &[&str]) -> Out {
    let pack = pack();
    let mut all = vec!["check", "--no-builtin", "--rules", pack.to_str().unwrap()];
    all.extend_from_slice(args);
    crate::common::run(dir, &all)
}

/// A policy with no contact window (t/contact, an error) that declares a
/// window closed (t/closed, a warning).
const BAD: &str = "# 個人情報の取扱いについて\n\n当社は会員情報を大切に扱います。\n\n以前の受付は閉鎖しました。\n";

/// A project: `policylint.toml` with `toml` at its root, the same bad
/// policy under docs/, docs/legacy/ and legacy/, and one sub-folder.
fn project(toml: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("proj");
    for f in ["docs/a.md", "docs/legacy/old.md", "legacy/old.md"] {
        let path = p.join(f);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, BAD).unwrap();
    }
    std::fs::create_dir_all(p.join("docs/sub")).unwrap();
    std::fs::write(p.join("policylint.toml"), toml).unwrap();
    d
}

fn json(out: &Out) -> serde_json::Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr))
}

/// (path, rule, severity) of every finding of a JSON report.
fn findings(out: &Out) -> Vec<(String, String, String)> {
    json(out)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap().to_string();
            (s("path"), s("rule"), s("severity"))
        })
        .collect()
}

/// The paths a JSON report lists as checked.
fn files(out: &Out) -> Vec<String> {
    json(out)["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

/// The severity `t/contact` is reported at in `path`, if it is.
fn contact(out: &Out, path: &str) -> Option<String> {
    findings(out)
        .into_iter()
        .find(|(p, r, _)| p == path && r == "t/contact")
        .map(|(_, _, s)| s)
}

/// `extra`, then the options of a JSON report that never fails on findings.
fn with<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    [extra, &["--format", "json", "--fail-level", "never"]].concat()
}

const OVERRIDE: &str =
    "[[overrides]]\npaths = [\"legacy/**\"]\nrules = { \"t/contact\" = \"warning\" }\n";

#[test]
fn overrides_match_from_the_config_folder_a_subfolder_and_elsewhere() {
    let d = project(OVERRIDE);
    let root = d.path().join("proj");
    // From the configuration's own folder (where `policylint init` puts
    // it), walking it or naming the file.
    for (args, walked) in [
        (with(&[]), true),
        (with(&["."]), true),
        (with(&["legacy/old.md"]), false),
    ] {
        let out = check(&root, &args);
        let legacy = contact(&out, "legacy/old.md");
        assert_eq!(legacy.as_deref(), Some("warning"), "{args:?}");
        if walked {
            assert_eq!(contact(&out, "docs/a.md").as_deref(), Some("error"));
        }
    }
    // From a sub-folder, the configuration found above it.
    let out = check(&root.join("docs"), &with(&["../legacy", "a.md"]));
    assert_eq!(
        contact(&out, "../legacy/old.md").as_deref(),
        Some("warning")
    );
    assert_eq!(contact(&out, "a.md").as_deref(), Some("error"));
    // From elsewhere, with --config.
    let out = check(
        d.path(),
        &with(&["--config", "proj/policylint.toml", "proj"]),
    );
    assert_eq!(
        contact(&out, "proj/legacy/old.md").as_deref(),
        Some("warning")
    );
    assert_eq!(contact(&out, "proj/docs/a.md").as_deref(), Some("error"));
    // --config naming a file of the working directory, without a folder.
    let out = check(&root, &with(&["--config", "policylint.toml", "legacy"]));
    assert_eq!(contact(&out, "legacy/old.md").as_deref(), Some("warning"));
}

#[test]
fn include_and_exclude_are_relative_to_the_config_folder_whatever_is_named() {
    let d = project("exclude = [\"docs/legacy/**\"]\ninclude = [\"docs/**/*.md\"]\n");
    let root = d.path().join("proj");
    // `check` and `check docs` take the same files: legacy/ is not
    // included, docs/legacy/ is excluded.
    assert_eq!(files(&check(&root, &with(&[]))), ["docs/a.md"]);
    assert_eq!(files(&check(&root, &with(&["docs"]))), ["docs/a.md"]);
    // So do a walk from a sub-folder and one with --config from elsewhere.
    assert_eq!(
        files(&check(&root.join("docs"), &with(&[".."]))),
        ["../docs/a.md"]
    );
    assert_eq!(files(&check(&root.join("docs"), &with(&["."]))), ["a.md"]);
    assert_eq!(
        files(&check(
            d.path(),
            &with(&["--config", "proj/policylint.toml", "proj/docs"])
        )),
        ["proj/docs/a.md"]
    );
    // Walking the excluded folder itself finds nothing.
    let out = check(&root, &with(&["docs/legacy"]));
    assert!(files(&out).is_empty(), "{}", out.stdout);
    // A folder excluded by name (gitignore syntax) is not entered.
    let d = project("exclude = [\"legacy\"]\n");
    let out = check(&d.path().join("proj/docs"), &with(&["."]));
    assert_eq!(files(&out), ["a.md"]);
}

#[test]
fn named_files_the_config_excludes_are_skipped_with_a_note() {
    let d = project("exclude = [\"docs/legacy/**\"]\n");
    let root = d.path().join("proj");
    // What pre-commit does: name the staged files.
    let out = check(
        &root,
        &[
            "docs/legacy/old.md",
            "docs/a.md",
            "--format",
            "json",
            "--lang",
            "en",
        ],
    );
    assert_eq!(files(&out), ["docs/a.md"]);
    assert!(
        out.stderr.contains(
            "note: docs/legacy/old.md: not checked: policylint.toml excludes it (docs/legacy/**); --no-exclude checks it"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(out.code, 1, "docs/a.md has an error");
    // From a sub-folder, the note names the file as it was given.
    let out = check(&root.join("docs"), &["legacy/old.md"]);
    assert!(
        out.stderr.contains("注: legacy/old.md は"),
        "{}",
        out.stderr
    );
    assert_eq!(out.code, 0, "nothing was checked: {}", out.stderr);
    // --no-exclude: the named file, and the excluded folder, are checked.
    let out = check(
        &root,
        &["docs/legacy/old.md", "--no-exclude", "--format", "json"],
    );
    assert_eq!(files(&out), ["docs/legacy/old.md"]);
    assert_eq!(out.code, 1);
    assert!(!out.stderr.contains("exclude"), "{}", out.stderr);
    let out = check(&root, &["docs", "--no-exclude", "--format", "json"]);
    assert_eq!(files(&out), ["docs/a.md", "docs/legacy/old.md"]);
}

#[test]
fn the_pre_commit_hook_skips_excluded_files() {
    // The hook's own command line, as .pre-commit-hooks.yaml states it.
    let hooks = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    let field = |name: &str| {
        hooks
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in the hook"))
            .trim()
            .to_string()
    };
    let entry = field("entry:");
    let args = field("args:");
    let args: Vec<&str> = args
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .collect();
    let mut cmd: Vec<&str> = entry.split_whitespace().skip(1).collect();
    assert_eq!(cmd, ["check"], "{entry}");
    let pack = pack();
    cmd.extend(["--no-builtin", "--rules", pack.to_str().unwrap()]);
    cmd.extend(&args);
    cmd.push("docs/legacy/old.md");
    let d = project("exclude = [\"docs/legacy/**\"]\n");
    let out = crate::common::run(&d.path().join("proj"), &cmd);
    assert_eq!(
        out.code, 0,
        "an excluded file does not fail the hook: {}",
        out.stderr
    );
    assert!(out.stderr.contains("docs/legacy/old.md"), "{}", out.stderr);
}

#[test]
fn config_errors_come_all_at_once_in_file_order_with_suggestions() {
    let d = project(
        "lang = \"jp\"\nfail_level = \"error\"\nmax-file-size = \"big\"\n\n[rules]\n\"t/contakt\" = \"off\"\n\"t/closed\" = \"wraning\"\n\n[contxt]\nservice = \"covered\"\n\n[[overrides]]\npath = [\"legacy/**\"]\nrules = { \"t/closd\" = \"warning\" }\n",
    );
    let out = check(&d.path().join("proj"), &["docs"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.is_empty(), "nothing was checked: {}", out.stdout);
    insta::assert_snapshot!("all_config_errors", out.stderr);
    // Each error once, in the order of the file.
    let lines: Vec<usize> = out
        .stderr
        .lines()
        .filter_map(|l| l.trim().strip_prefix("╭─[policylint.toml:"))
        .map(|l| l.split(':').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(lines, [1, 2, 3, 6, 7, 9, 12, 13, 14], "{}", out.stderr);
    for hint in [
        "did you mean `ja`?",
        "did you mean `fail-level`?",
        "did you mean `t/contact`?",
        "did you mean `warning`?",
        "did you mean `context`?",
        "did you mean `paths`?",
        "did you mean `t/closed`?",
    ] {
        assert!(out.stderr.contains(hint), "{hint}: {}", out.stderr);
    }
    assert!(out.stderr.contains("9 errors in the configuration"));
}

#[test]
fn rule_ids_are_not_checked_when_the_packs_cannot_be_read() {
    // `packs` in error: which rules it names is unknown, so an id of its
    // pack is not called unknown; the packs error is reported.
    let d = project("packs = 3\n\n[rules]\n\"local/mine\" = \"off\"\n");
    let out = check(&d.path().join("proj"), &["docs"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("invalid type"), "{}", out.stderr);
    assert!(!out.stderr.contains("local/mine"), "{}", out.stderr);
}

#[test]
fn explain_suggests_the_id_meant() {
    let pack = pack();
    let args = [
        "explain",
        "t/contakt",
        "--no-builtin",
        "--rules",
        pack.to_str().unwrap(),
    ];
    let out = crate::common::run(Path::new(env!("CARGO_MANIFEST_DIR")), &args);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: no rule `t/contakt`; did you mean `t/contact`?\n"
    );
    // With the built-in pack: the same name in another pack.
    let out = crate::common::run(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["explain", "appi/date"],
    );
    assert!(
        out.stderr.contains("did you mean `policy/date`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn suppressions_naming_an_unknown_rule_are_reported_in_every_format() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("a.md"),
        "# 個人情報の取扱い\n\n<!-- policylint-disable-next-line t/contakt, t/closed -- 移行中 -->\n以前の受付は閉鎖しました。\n\n<!-- policylint-disable-file t/nothing-like-it -->\n",
    )
    .unwrap();
    let out = check(d.path(), &["a.md", "--format", "json", "--lang", "en"]);
    let v = json(&out);
    let unknown: Vec<(&str, u64, u64, &str)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "policylint/unknown-rule")
        .map(|d| {
            (
                d["severity"].as_str().unwrap(),
                d["start"]["line"].as_u64().unwrap(),
                d["start"]["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        unknown,
        [
            (
                "warning",
                3,
                35,
                "the suppression names `t/contakt`, which is no loaded rule; did you mean `t/contact`?"
            ),
            (
                "warning",
                6,
                30,
                "the suppression names `t/nothing-like-it`, which is no loaded rule"
            ),
        ]
    );
    // The known id still suppresses; a comment naming only an unknown id
    // is not also called unused.
    let rules: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(
        !rules.contains(&"policylint/unused-suppression"),
        "{rules:?}"
    );
    assert_eq!(v["summary"]["suppressed"], 1);
    // Human, GitHub, Markdown and SARIF say it too, with the suggestion.
    for (format, want) in [
        ("human", "which is no loaded rule; did you mean"),
        ("github", "::warning file=a.md,line=3,col=35"),
        ("markdown", "`policylint/unknown-rule`"),
        ("sarif", "\"ruleId\": \"policylint/unknown-rule\""),
    ] {
        let out = check(d.path(), &["a.md", "--format", format, "--lang", "en"]);
        assert!(out.stdout.contains(want), "{format}: {}", out.stdout);
        assert!(out.stdout.contains("t/contact"), "{format}: {}", out.stdout);
    }
    let human = check(d.path(), &["a.md", "--lang", "en"]).stdout;
    insta::assert_snapshot!("unknown_rule_in_suppression", human);
}

#[test]
fn a_missing_path_is_an_input_error_whatever_the_fail_level() {
    let d = project("fail-level = \"never\"\n");
    let root = d.path().join("proj");
    for args in [
        &["docs", "doc/a.md"][..],
        &["dosc", "--fail-level", "never"],
    ] {
        let out = check(&root, args);
        assert_eq!(out.code, 3, "{args:?}: {}", out.stderr);
        assert!(
            out.stdout.contains("no such file or directory"),
            "{}",
            out.stdout
        );
    }
    // The closing line says the file was not read, not that it was checked.
    let out = check(&root, &["dosc", "docs", "--lang", "en"]);
    assert!(
        out.stderr.contains(" skipped, 1 unreadable): "),
        "{}",
        out.stderr
    );
    // A missing file is reported even if the configuration would exclude
    // it: it is a mistyped name, not a file left out.
    let d = project("exclude = [\"docs/legacy/**\"]\n");
    let out = check(
        &d.path().join("proj"),
        &["docs/legacy/gone.md", "--fail-level", "never"],
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
}

#[test]
fn a_run_that_checks_no_file_says_so() {
    let d = project("");
    let root = d.path().join("proj");
    // An empty folder, and a folder with no document the globs take.
    std::fs::write(root.join("docs/sub/notes.png"), b"\x89PNG\0").unwrap();
    for (args, lang) in [
        (&["docs/sub", "--lang", "en"][..], "en"),
        (&["docs/sub"][..], "ja"),
    ] {
        let out = check(&root, args);
        assert_eq!(out.code, 0, "a warning, not a failure: {}", out.stderr);
        let want = if lang == "en" {
            "warning: 0 files checked: no document under the paths given matches `include`"
        } else {
            "警告: 検査したファイルは0件です"
        };
        assert!(out.stderr.contains(want), "{}", out.stderr);
    }
    // Every named file excluded: the warning says why.
    let d = project("exclude = [\"docs/**\"]\n");
    let out = check(&d.path().join("proj"), &["docs/a.md", "--lang", "en"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stderr.contains(
            "warning: 0 files checked: 1 of the paths given are excluded by the configuration"
        ),
        "{}",
        out.stderr
    );
    // A run that checks a file says nothing of the kind.
    let out = check(&root, &["docs/a.md", "--lang", "en"]);
    assert!(!out.stderr.contains("0 files checked"), "{}", out.stderr);
}
