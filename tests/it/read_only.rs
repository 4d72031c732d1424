//! policylint never modifies the documents it reads: hashes and mtimes of
//! every file under fixtures/ are the same before and after `check`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn snapshot(root: &Path) -> BTreeMap<PathBuf, (u64, std::time::SystemTime, u64)> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.file_type().is_file() {
            let bytes = std::fs::read(e.path()).unwrap();
            // FNV-1a: a content hash without another dependency.
            let h = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
            });
            let m = e.metadata().unwrap();
            out.insert(e.path().to_path_buf(), (h, m.modified().unwrap(), m.len()));
        }
    }
    out
}

#[test]
fn check_leaves_every_document_untouched() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let before = snapshot(&fixtures);
    assert!(before.len() > 100);
    for fmt in ["human", "json", "sarif", "github", "markdown"] {
        let out = Command::cargo_bin("policylint")
            .unwrap()
            .args(["check", "--fail-level", "never", "--format", fmt])
            .arg(&fixtures)
            .output()
            .unwrap();
        // fixtures/bad holds undecodable files: an input error (3).
        assert_eq!(out.status.code(), Some(3), "{fmt}");
    }
    let out = Command::cargo_bin("policylint")
        .unwrap()
        .arg("outline")
        .arg(fixtures.join("seeds/001_b1f9d928bcdeb18c.txt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(snapshot(&fixtures), before);
}
