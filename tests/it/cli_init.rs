//! `policylint init`, `help`, completions and the man page, and what the
//! README promises a new user (installing, licence).

use assert_cmd::Command;

fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("policylint")
        .unwrap()
        .current_dir(dir)
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
fn init_in_a_fresh_directory_writes_a_working_config() {
    let d = tempfile::tempdir().unwrap();
    let (code, out, _) = run(d.path(), &["init", "--pre-commit", "--github"]);
    assert_eq!(code, 0);
    assert!(out.contains("wrote ./policylint.toml"), "{out}");
    let toml = std::fs::read_to_string(d.path().join("policylint.toml")).unwrap();
    assert!(toml.starts_with("# policylint configuration"));
    assert!(d.path().join(".pre-commit-config.yaml").is_file());
    let wf = std::fs::read_to_string(d.path().join(".github/workflows/policylint.yml")).unwrap();
    assert!(wf.contains("upload-sarif"));
    // The written config is used by check.
    std::fs::create_dir(d.path().join("docs")).unwrap();
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/compliant/privacy-policy.md"),
        d.path().join("docs/privacy.md"),
    )
    .unwrap();
    let (code, _, err) = run(d.path(), &["check", "docs"]);
    assert_eq!(code, 0, "{err}");
    // The commented examples are valid when uncommented.
    let examples = toml
        .replace("# [context]\n# service", "[context]\nservice")
        .replace("# [[overrides]]\n# paths", "[[overrides]]\npaths")
        .replace("# rules = {", "rules = {")
        .replace("# context = {", "context = {");
    assert!(examples.contains("\n[context]\n") && examples.contains("\ncontext = {"));
    std::fs::write(d.path().join("policylint.toml"), examples).unwrap();
    let (code, _, err) = run(d.path(), &["check", "docs"]);
    assert!(code == 0 || code == 1, "{err}");
}

#[test]
fn init_keeps_existing_files_unless_forced() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("policylint.toml"), "lang = \"en\"\n").unwrap();
    let (code, _, err) = run(d.path(), &["init"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("policylint.toml exists; kept it (use --force to overwrite)"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(d.path().join("policylint.toml")).unwrap(),
        "lang = \"en\"\n"
    );
    let (code, _, _) = run(d.path(), &["init", "--force"]);
    assert_eq!(code, 0);
    assert!(
        std::fs::read_to_string(d.path().join("policylint.toml"))
            .unwrap()
            .starts_with("# policylint configuration")
    );
}

#[test]
fn completions_and_man_page() {
    let d = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, _) = run(d.path(), &["completions", shell]);
        assert_eq!(code, 0);
        assert!(
            out.contains("policylint") && out.contains("check"),
            "{shell}"
        );
    }
    let (code, out, _) = run(d.path(), &["man"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(".ie") || out.contains(".TH policylint"),
        "{}",
        &out[..out.len().min(200)]
    );
}

/// The fenced block after `<!-- quickstart:NAME -->` in the README.
fn readme_block(name: &str) -> String {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let marker = format!("<!-- quickstart:{name} -->");
    let after = &readme[readme.find(&marker).unwrap() + marker.len()..];
    let body = &after[after.find("```").unwrap()..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_string()
}

#[test]
fn init_points_only_to_documentation_the_user_has() {
    let d = tempfile::tempdir().unwrap();
    let (code, _, _) = run(d.path(), &["init"]);
    assert_eq!(code, 0);
    let toml = std::fs::read_to_string(d.path().join("policylint.toml")).unwrap();
    // The user's repository has no docs/ of ours: no path into it.
    assert!(!toml.contains("docs/"), "{toml}");
    assert!(toml.contains("`policylint help config`"), "{toml}");
    let (code, out, err) = run(d.path(), &["help", "config"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("# Configuration reference"), "{out}");
    assert!(out.contains("`max-diagnostics`"), "{out}");
    let (code, out, _) = run(d.path(), &["help", "init"]);
    assert_eq!(code, 0);
    assert!(out.contains("--pre-commit"), "{out}");
    let (code, _, err) = run(d.path(), &["help", "confg"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no help topic 'confg'; topics: config, check"),
        "{err}"
    );
}

#[test]
fn init_snippets_pin_the_release_tag_as_the_readme_does() {
    let tag = concat!("v", env!("CARGO_PKG_VERSION"));
    let d = tempfile::tempdir().unwrap();
    let (code, _, _) = run(d.path(), &["init", "--pre-commit", "--github"]);
    assert_eq!(code, 0);
    let pre_commit = std::fs::read_to_string(d.path().join(".pre-commit-config.yaml")).unwrap();
    let workflow =
        std::fs::read_to_string(d.path().join(".github/workflows/policylint.yml")).unwrap();
    // pre-commit warns about a mutable ref such as `main`.
    assert!(
        pre_commit.contains(&format!("    rev: {tag}\n")),
        "{pre_commit}"
    );
    let uses = format!("- uses: policylint/policylint@{tag}\n");
    assert!(workflow.contains(&uses), "{workflow}");
    assert!(!pre_commit.contains("@TAG@") && !workflow.contains("@TAG@"));
    // The README's quick starts say the same.
    let readme_pre_commit = readme_block("pre-commit");
    let written = &pre_commit[pre_commit.find("repos:").unwrap()..];
    assert_eq!(readme_pre_commit, written);
    assert!(
        readme_block("github").contains(&uses),
        "{}",
        readme_block("github")
    );
}

#[test]
fn the_readme_installs_with_the_lock_file() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    // `cargo install` ignores Cargo.lock unless told: the binary would not
    // be the one the tests ran.
    let installs: Vec<&str> = readme
        .match_indices("cargo install ")
        .map(|(i, _)| readme[i..].lines().next().unwrap())
        .collect();
    assert!(!installs.is_empty());
    for line in installs {
        assert!(line.contains("--locked"), "{line}");
    }
}

#[test]
fn the_package_is_licensed_mit_or_apache() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("\nlicense = \"MIT OR Apache-2.0\"\n"),
        "{manifest}"
    );
    let mit = std::fs::read_to_string(root.join("LICENSE-MIT")).unwrap();
    assert!(mit.contains("Copyright (c) 2026 The policylint authors"));
    assert!(mit.contains("Permission is hereby granted, free of charge"));
    let apache = std::fs::read_to_string(root.join("LICENSE-APACHE")).unwrap();
    assert!(apache.contains("Apache License\n                        Version 2.0, January 2004"));
    assert!(apache.contains("END OF TERMS AND CONDITIONS"));
}
