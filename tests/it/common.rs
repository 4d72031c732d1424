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
