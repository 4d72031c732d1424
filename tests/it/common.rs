//! Helpers shared by several modules.

/// What a `policylint` run printed, and its exit code.
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run `policylint ARGS` in `dir`, without colour.
pub fn run(dir: &std::path::Path, args: &[&str]) -> Out {
    let out = assert_cmd::Command::cargo_bin("policylint")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    Out {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// The JSON report of `policylint check --fail-level never ARGS…`, run from
/// the project root with the built-in pack; the run must exit 0.
pub fn check_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["check", "--format", "json", "--fail-level", "never"];
    all.extend_from_slice(args);
    let out = run(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), &all);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}
