//! `policylint outline` on bad inputs: each gets a clear message naming the
//! file, exit code 3, and the good files in the same run are still outlined.

use std::path::Path;

use assert_cmd::Command;

fn policylint() -> Command {
    let mut c = Command::cargo_bin("policylint").unwrap();
    c.env("NO_COLOR", "1");
    c
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn outline(dir: &Path, args: &[&str]) -> Run {
    let out = policylint()
        .current_dir(dir)
        .arg("outline")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("good.txt"),
        "1. 目的\n\n当社は個人情報を適切に取り扱います。\n",
    )
    .unwrap();
    dir
}

#[test]
fn good_file_exits_zero() {
    let dir = setup();
    let r = outline(dir.path(), &["good.txt"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("section L1 N. 1:1-3:19  1. 目的"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.is_empty());
}

#[test]
fn binary_file_is_skipped_with_a_note() {
    let dir = setup();
    std::fs::write(
        dir.path().join("logo.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0",
    )
    .unwrap();
    let r = outline(dir.path(), &["logo.png", "good.txt"]);
    assert_eq!(r.code, 3);
    assert_eq!(
        r.stderr,
        "note: logo.png: binary file (NUL byte at offset 8); skipped\n"
    );
    assert!(r.stdout.contains("good.txt: text, UTF-8"));
}

#[test]
fn invalid_utf8_mid_file_is_located() {
    let dir = setup();
    let mut bytes = "1. 目的\n\n当社は個人情報を適切に取り扱います。\n"
        .repeat(3)
        .into_bytes();
    // Break the first byte of "個" on line 9.
    let line9 = "1. 目的\n\n当社は個人情報を適切に取り扱います。\n".len() * 2 + "1. 目的\n\n".len();
    bytes[line9 + "当社は".len()] = 0xFF;
    std::fs::write(dir.path().join("broken.txt"), &bytes).unwrap();
    let r = outline(dir.path(), &["broken.txt", "good.txt"]);
    assert_eq!(r.code, 3);
    insta::assert_snapshot!("invalid_utf8", r.stderr);
    assert!(r.stdout.contains("good.txt"));
}

#[test]
fn shift_jis_with_a_broken_sequence_is_located() {
    let dir = setup();
    let (encoded, _, _) =
        encoding_rs::SHIFT_JIS.encode("個人情報の取扱いについて\n当社は個人情報を保護します。\n");
    let mut bytes = encoded.into_owned();
    // Replace "保" (two bytes) with a lead byte followed by a space: not a
    // Shift_JIS character.
    let (ho, _, _) = encoding_rs::SHIFT_JIS.encode("保");
    let at = bytes.windows(2).position(|w| w == &ho[..]).unwrap();
    bytes[at] = 0x82;
    bytes[at + 1] = b' ';
    std::fs::write(dir.path().join("sjis.txt"), &bytes).unwrap();
    let r = outline(dir.path(), &["sjis.txt"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("sjis.txt:2:9:"), "{}", r.stderr);
    assert!(r.stderr.contains("Shift_JIS"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("file byte {at}")),
        "{}",
        r.stderr
    );
}

#[test]
fn empty_and_whitespace_only_files() {
    let dir = setup();
    std::fs::write(dir.path().join("empty.txt"), b"").unwrap();
    std::fs::write(dir.path().join("blank.md"), " \n\u{3000}\n\n".as_bytes()).unwrap();
    let r = outline(dir.path(), &["empty.txt", "blank.md", "good.txt"]);
    assert_eq!(r.code, 3);
    assert_eq!(
        r.stderr,
        "note: empty.txt: empty file; nothing to check\nnote: blank.md: empty file; nothing to check\n"
    );
    assert!(r.stdout.contains("good.txt"));
}

#[test]
fn directory_and_missing_path() {
    let dir = setup();
    std::fs::create_dir(dir.path().join("policy.txt")).unwrap();
    let r = outline(dir.path(), &["policy.txt", "nope.md", "good.txt"]);
    assert_eq!(r.code, 3);
    assert_eq!(
        r.stderr,
        "error: policy.txt: is a directory, not a file\nerror: nope.md: no such file or directory\n"
    );
    assert!(r.stdout.contains("good.txt"));
}

#[test]
fn usage_error_exits_two() {
    let dir = setup();
    let r = outline(dir.path(), &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("required"), "{}", r.stderr);
}

#[test]
fn json_format_is_valid_json() {
    let dir = setup();
    let r = outline(dir.path(), &["--format", "json", "good.txt"]);
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v[0]["encoding"], "UTF-8");
    assert_eq!(v[0]["nodes"][1]["kind"], "section");
    assert_eq!(v[0]["nodes"][1]["start"]["line"], 1);
}
