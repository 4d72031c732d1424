//! `policylint init`, completions and the man page.

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
