//! One folder of hostile inputs, checked in every output format: no panic,
//! no hang, every case named in the output, nothing modified, and the run
//! fails with the input-error code (it holds files that cannot be read).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

const FORMATS: [&str; 5] = ["human", "json", "sarif", "github", "markdown"];

/// Every file under `dir` (not following links) with its bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The hostile folder, and the names every report must mention.
fn hostile(d: &Path) -> Vec<&'static str> {
    let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad");
    // A binary file with a policy's extension.
    std::fs::copy(bad.join("binary.png"), d.join("binary.md")).unwrap();
    for f in [
        "broken-sjis.txt",
        "empty.md",
        "invalid-utf8.txt",
        "utf16-no-bom.txt",
        "whitespace.txt",
    ] {
        std::fs::copy(bad.join(f), d.join(f)).unwrap();
    }
    let w = |name: &str, bytes: &[u8]| std::fs::write(d.join(name), bytes).unwrap();
    // HTML nested 100,000 deep, and a comment that never ends.
    let deep = format!(
        "{}<p>個人情報の窓口は閉鎖しました。</p>",
        "<div>".repeat(100_000)
    );
    w("deep.html", deep.as_bytes());
    w(
        "unterminated.html",
        "<p>個人情報の窓口は閉鎖しました。</p><!-- 閉じないコメント <p>x</p>".as_bytes(),
    );
    // Thousands of findings on one line.
    w(
        "heavy.txt",
        "個人情報の窓口は閉鎖しました。".repeat(10_000).as_bytes(),
    );
    // Classic Mac line ends, terminal escapes, a stray NUL.
    w(
        "mac.txt",
        "プライバシーポリシー\r\r個人情報の窓口は閉鎖しました。\r".as_bytes(),
    );
    w(
        "escape.md",
        "# ポリシー\n\n\u{1b}]0;pwned\u{7}\u{1b}[2J個人情報を扱います。\n".as_bytes(),
    );
    let mut nul = "プライバシーポリシー\n当社は個人情報を取り扱います。\n"
        .as_bytes()
        .to_vec();
    nul.insert(31, 0);
    w("nul.txt", &nul);
    // Japanese UTF-16 without a BOM and without any NUL.
    let u16: Vec<u8> = "個人情報の取扱いについて当社は適切に管理します"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    w("u16-pure.txt", &u16);
    // Markdown and HTML syntax in a name.
    w(
        "[x](https:evil) <img src=x>.md",
        "# ポリシー\n個人情報\n".as_bytes(),
    );
    let mut names = vec![
        "binary.md",
        "broken-sjis.txt",
        "deep.html",
        "empty.md",
        "invalid-utf8.txt",
        "unterminated.html",
        "utf16-no-bom.txt",
        "whitespace.txt",
        "heavy.txt",
        "mac.txt",
        "escape.md",
        "nul.txt",
        "u16-pure.txt",
    ];
    #[cfg(unix)]
    {
        w(
            "forged\n::error file=forged.md::FORGED.md",
            "# ポリシー\n個人情報\n".as_bytes(),
        );
        std::os::unix::fs::symlink(d.join("loop-b.md"), d.join("loop-a.md")).unwrap();
        std::os::unix::fs::symlink(d.join("loop-a.md"), d.join("loop-b.md")).unwrap();
        std::os::unix::fs::symlink(d.join("nowhere.md"), d.join("dangling.md")).unwrap();
        assert!(
            std::process::Command::new("mkfifo")
                .arg(d.join("fifo.md"))
                .status()
                .unwrap()
                .success()
        );
        names.extend(["forged", "loop-a.md", "loop-b.md", "dangling.md"]);
    }
    names
}

#[test]
fn a_folder_of_hostile_inputs_in_every_format() {
    let d = tempfile::tempdir().unwrap();
    let names = hostile(d.path());
    let before = contents(d.path());
    for format in FORMATS {
        let mut args = vec!["check", ".", "--format", format, "--lang", "en"];
        #[cfg(unix)]
        args.push("fifo.md"); // named explicitly: refused, never opened
        let out = Command::cargo_bin("policylint")
            .unwrap()
            .current_dir(d.path())
            .env("NO_COLOR", "1")
            .args(&args)
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{format}: {stderr}");
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
        assert!(
            !stdout.contains('\u{1b}'),
            "{format}: a terminal escape got through"
        );
        for name in &names {
            // Markdown escapes `_`, SARIF percent-encodes: compare the stem.
            let stem = name.split(['.', '\n']).next().unwrap().replace('-', "");
            let shown = stdout.replace('-', "").replace("\\_", "_");
            assert!(shown.contains(&stem), "{format}: {name} is not named");
        }
        #[cfg(unix)]
        assert!(stdout.contains("fifo"), "{format}: the FIFO is not named");
        if format == "json" || format == "sarif" {
            let _: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        }
    }
    assert_eq!(contents(d.path()), before, "a document was modified");
}
