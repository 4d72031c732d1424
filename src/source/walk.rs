//! Finding the documents to check: files given explicitly are always
//! checked; directories are walked respecting .gitignore, the include and
//! exclude globs, and never following a symlink into a loop.

use std::path::{Path, PathBuf};

use ignore::WalkBuilder;
use ignore::overrides::OverrideBuilder;

/// Extensions checked by default.
pub const DEFAULT_INCLUDE: &[&str] = &[
    "**/*.txt",
    "**/*.md",
    "**/*.markdown",
    "**/*.html",
    "**/*.htm",
    "**/*.vue",
];

/// Per-directory ignore file of policylint (gitignore syntax).
pub const IGNORE_FILE: &str = ".policylintignore";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalkItem {
    File(PathBuf),
    /// A path that could not be walked, with the reason.
    Error(PathBuf, String),
}

fn describe(e: &ignore::Error) -> String {
    match e {
        ignore::Error::Loop { child, .. } => {
            format!("symlink loop at {}; not followed", child.display())
        }
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => describe(err),
        ignore::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    }
}

/// Whether following `path` loops (a link to itself, or links in a
/// circle), as opposed to ending at nothing.
fn is_loop(path: &Path) -> bool {
    // Follow the links by hand (the kernel's ELOOP has no stable io::ErrorKind):
    // a link met twice, or more hops than the kernel allows, is a loop.
    let mut seen = std::collections::HashSet::new();
    let mut at = path.to_path_buf();
    for _ in 0..40 {
        let Ok(target) = std::fs::read_link(&at) else {
            return false; // not a link: the chain ends (at nothing)
        };
        let next = match at.parent() {
            Some(dir) if target.is_relative() => dir.join(target),
            _ => target,
        };
        if !seen.insert(next.clone()) {
            return true;
        }
        at = next;
    }
    true
}

fn error_path(e: &ignore::Error, fallback: &Path) -> PathBuf {
    match e {
        ignore::Error::WithPath { path, .. } => path.clone(),
        ignore::Error::Loop { child, .. } => child.clone(),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err, fallback)
        }
        _ => fallback.to_path_buf(),
    }
}

/// Every document under `paths`, sorted, each once.
pub fn walk(paths: &[PathBuf], include: &[String], exclude: &[String]) -> Vec<WalkItem> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                let msg = if e.kind() == std::io::ErrorKind::NotFound {
                    "no such file or directory".to_string()
                } else if root.symlink_metadata().is_ok() {
                    format!("broken symlink or unreadable: {e}")
                } else {
                    e.to_string()
                };
                errors.push(WalkItem::Error(root.clone(), msg));
                continue;
            }
        };
        if meta.is_file() {
            files.push(root.clone());
            continue;
        }
        if !meta.is_dir() {
            // A device, FIFO or socket named on the command line: reported,
            // never read (reading /dev/zero or a FIFO would not end).
            errors.push(WalkItem::Error(
                root.clone(),
                "not a regular file (a device, FIFO or socket); not read".into(),
            ));
            continue;
        }
        // Excludes are override globs; includes filter afterwards, because an
        // override whitelist would beat .gitignore.
        let mut ob = OverrideBuilder::new(root);
        let mut inc = globset::GlobSetBuilder::new();
        let mut bad = None;
        for g in include {
            match globset::Glob::new(g) {
                Ok(g) => {
                    inc.add(g);
                }
                Err(e) => bad = Some(e.to_string()),
            }
        }
        for g in exclude {
            if let Err(e) = ob.add(&format!("!{g}")) {
                bad = Some(e.to_string());
            }
        }
        let (overrides, inc) = match (ob.build(), inc.build()) {
            (Ok(o), Ok(i)) if bad.is_none() => (o, i),
            (o, i) => {
                let e = bad
                    .or(o.err().map(|e| e.to_string()))
                    .or(i.err().map(|e| e.to_string()))
                    .unwrap_or_default();
                errors.push(WalkItem::Error(root.clone(), format!("invalid glob: {e}")));
                continue;
            }
        };
        let walker = WalkBuilder::new(root)
            .add_custom_ignore_filename(IGNORE_FILE)
            .follow_links(true)
            .require_git(false)
            .overrides(overrides)
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    if e.file_type().is_some_and(|t| t.is_file()) {
                        let rel = e.path().strip_prefix(root).unwrap_or(e.path());
                        if inc.is_match(rel) {
                            files.push(e.into_path());
                        }
                    } else if e.file_type().is_none_or(|t| t.is_symlink()) && !e.path().exists() {
                        let msg = if is_loop(e.path()) {
                            "symlink loop (the link leads back to itself); not followed"
                        } else {
                            "broken symlink; skipped"
                        };
                        errors.push(WalkItem::Error(e.into_path(), msg.into()));
                    }
                }
                Err(e) => {
                    let path = error_path(&e, root);
                    let dangling = path
                        .symlink_metadata()
                        .is_ok_and(|m| m.file_type().is_symlink())
                        && !path.exists();
                    let msg = if dangling && is_loop(&path) {
                        "symlink loop (the link leads back to itself); not followed".to_string()
                    } else if dangling {
                        "broken symlink (its target does not exist); skipped".to_string()
                    } else {
                        describe(&e)
                    };
                    errors.push(WalkItem::Error(path, msg));
                }
            }
        }
    }
    files.sort();
    files.dedup();
    let mut out: Vec<WalkItem> = files.into_iter().map(WalkItem::File).collect();
    out.extend(errors);
    out.sort_by(|a, b| key(a).cmp(key(b)));
    out
}

fn key(i: &WalkItem) -> &Path {
    match i {
        WalkItem::File(p) | WalkItem::Error(p, _) => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inc() -> Vec<String> {
        DEFAULT_INCLUDE.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn walks_with_globs_gitignore_and_loops() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        std::fs::create_dir_all(p.join("a/b")).unwrap();
        std::fs::write(p.join("a/policy.md"), "x").unwrap();
        std::fs::write(p.join("a/b/policy.html"), "x").unwrap();
        std::fs::write(p.join("a/image.png"), "x").unwrap();
        std::fs::write(p.join("a/draft.txt"), "x").unwrap();
        std::fs::write(p.join("a/vendor.txt"), "x").unwrap();
        std::fs::write(p.join(".gitignore"), "draft.txt\n").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(p.join("a"), p.join("a/b/loop")).unwrap();
        let items = walk(&[p.to_path_buf()], &inc(), &["**/vendor.txt".to_string()]);
        let files: Vec<String> = items
            .iter()
            .filter_map(|i| match i {
                WalkItem::File(f) => Some(f.strip_prefix(p).unwrap().display().to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(files, ["a/b/policy.html", "a/policy.md"]);
        #[cfg(unix)]
        assert!(
            items
                .iter()
                .any(|i| matches!(i, WalkItem::Error(_, m) if m.contains("symlink loop"))),
            "{items:?}"
        );
        // An explicit file is checked whatever its extension.
        let items = walk(&[p.join("a/image.png")], &inc(), &[]);
        assert_eq!(items, [WalkItem::File(p.join("a/image.png"))]);
        let items = walk(&[p.join("missing")], &inc(), &[]);
        assert!(matches!(&items[0], WalkItem::Error(_, m) if m == "no such file or directory"));
    }
}
