//! Finding the documents to check: files given explicitly are checked
//! whatever their extension, unless an exclude glob leaves them out;
//! directories are walked respecting .gitignore, the include and exclude
//! globs (relative to one folder, the configuration's), and never following
//! a symlink into a loop.

use std::path::{Component, Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::WalkBuilder;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

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

/// A path as the project sees it: absolute and without `.` or `..` (taken
/// lexically, so a walked path keeps the folders it was reached through).
fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    let joined;
    let path = if path.is_absolute() {
        path
    } else {
        joined = cwd.join(path);
        &joined
    };
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn current_dir() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

/// `path` relative to `base`, both taken from the working directory: how
/// include, exclude and override globs see a file. A path outside `base`
/// stays absolute, so that only globs not anchored in the folder
/// (`**/*.md`, `vendor`) can match it.
pub fn relative_to(base: &Path, path: &Path) -> PathBuf {
    let cwd = current_dir();
    let base = absolute(&cwd, base);
    let abs = absolute(&cwd, path);
    match abs.strip_prefix(&base) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => abs,
    }
}

/// Which files a run takes: `include` and `exclude` globs, both relative to
/// one folder (the configuration's, else the working directory) whatever
/// paths are named. Excludes have gitignore syntax (a name without a slash
/// matches at any depth; a folder excludes what is under it).
#[derive(Clone)]
pub struct Filter {
    base: PathBuf,
    cwd: PathBuf,
    include: GlobSet,
    exclude: Gitignore,
}

impl Filter {
    pub fn new(base: &Path, include: &[String], exclude: &[String]) -> Result<Filter, String> {
        let cwd = current_dir();
        let base = absolute(&cwd, base);
        let mut inc = GlobSetBuilder::new();
        for g in include {
            inc.add(Glob::new(g).map_err(|e| e.to_string())?);
        }
        let mut exc = GitignoreBuilder::new(&base);
        for g in exclude {
            exc.add_line(None, g).map_err(|e| e.to_string())?;
        }
        Ok(Filter {
            include: inc.build().map_err(|e| e.to_string())?,
            exclude: exc.build().map_err(|e| e.to_string())?,
            base,
            cwd,
        })
    }

    /// `path` as the globs see it (see [`relative_to`]).
    pub fn relative(&self, path: &Path) -> PathBuf {
        let abs = absolute(&self.cwd, path);
        match abs.strip_prefix(&self.base) {
            Ok(rel) => rel.to_path_buf(),
            Err(_) => abs,
        }
    }

    /// The exclude glob that matches `rel` itself (not its folders).
    fn excludes(&self, rel: &Path, is_dir: bool) -> Option<String> {
        match self.exclude.matched(rel, is_dir) {
            ignore::Match::Ignore(g) => Some(g.original().to_string()),
            _ => None,
        }
    }

    /// The exclude glob that leaves `path` out, by itself or by a folder
    /// above it in the base folder (the folders above a path outside it
    /// are not the project's).
    pub fn excluded(&self, path: &Path, is_dir: bool) -> Option<String> {
        let rel = self.relative(path);
        self.excludes(&rel, is_dir).or_else(|| {
            if rel.is_absolute() {
                return None;
            }
            rel.ancestors()
                .skip(1)
                .filter(|a| !a.as_os_str().is_empty())
                .find_map(|a| self.excludes(a, true))
        })
    }

    /// Whether a file met in a walk is one the include globs take.
    pub fn included(&self, path: &Path) -> bool {
        self.include.is_match(self.relative(path))
    }
}

/// A file or folder named to a walk that the exclude globs leave out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excluded {
    pub path: PathBuf,
    /// The glob that matched, as written.
    pub glob: String,
}

/// What a walk found: the documents and unwalkable paths, sorted, and the
/// named paths it left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Walk {
    pub items: Vec<WalkItem>,
    pub excluded: Vec<Excluded>,
}

/// Every document under `paths`, sorted, each once: a named file whatever
/// its extension, a named directory walked respecting `.gitignore`,
/// `.policylintignore` and the filter. A named path the exclude globs
/// match is left out (and listed in [`Walk::excluded`]).
pub fn walk(paths: &[PathBuf], base: &Path, include: &[String], exclude: &[String]) -> Walk {
    let filter = Filter::new(base, include, exclude);
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut excluded = Vec::new();
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
        let filter = match &filter {
            Ok(f) => f,
            Err(e) => {
                errors.push(WalkItem::Error(root.clone(), format!("invalid glob: {e}")));
                continue;
            }
        };
        if let Some(glob) = filter.excluded(root, meta.is_dir()) {
            excluded.push(Excluded {
                path: root.clone(),
                glob,
            });
            continue;
        }
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
        // Excludes prune the walk (an excluded folder is not entered);
        // includes filter files afterwards. Both see the path relative to
        // the filter's folder, not to `root`.
        let mut builder = WalkBuilder::new(root);
        builder
            .add_custom_ignore_filename(IGNORE_FILE)
            .follow_links(true)
            .require_git(false);
        if !filter.exclude.is_empty() {
            let f = filter.clone();
            builder.filter_entry(move |e| {
                let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                f.excludes(&f.relative(e.path()), is_dir).is_none()
            });
        }
        for entry in builder.build() {
            match entry {
                Ok(e) => {
                    if e.file_type().is_some_and(|t| t.is_file()) {
                        if filter.included(e.path()) {
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
    let mut items: Vec<WalkItem> = files.into_iter().map(WalkItem::File).collect();
    items.extend(errors);
    items.sort_by(|a, b| key(a).cmp(key(b)));
    Walk { items, excluded }
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

    fn files(w: &Walk, base: &Path) -> Vec<String> {
        w.items
            .iter()
            .filter_map(|i| match i {
                WalkItem::File(f) => Some(f.strip_prefix(base).unwrap().display().to_string()),
                _ => None,
            })
            .collect()
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
        let items = walk(
            &[p.to_path_buf()],
            p,
            &inc(),
            &["**/vendor.txt".to_string()],
        );
        assert_eq!(files(&items, p), ["a/b/policy.html", "a/policy.md"]);
        #[cfg(unix)]
        assert!(
            items
                .items
                .iter()
                .any(|i| matches!(i, WalkItem::Error(_, m) if m.contains("symlink loop"))),
            "{items:?}"
        );
        // An explicit file is checked whatever its extension.
        let items = walk(&[p.join("a/image.png")], p, &inc(), &[]);
        assert_eq!(items.items, [WalkItem::File(p.join("a/image.png"))]);
        let items = walk(&[p.join("missing")], p, &inc(), &[]);
        assert!(
            matches!(&items.items[0], WalkItem::Error(_, m) if m == "no such file or directory")
        );
    }

    #[test]
    fn globs_are_relative_to_the_base_whatever_path_is_walked() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        std::fs::create_dir_all(p.join("docs/legacy/old")).unwrap();
        std::fs::create_dir_all(p.join("notes")).unwrap();
        std::fs::write(p.join("docs/a.md"), "x").unwrap();
        std::fs::write(p.join("docs/legacy/b.md"), "x").unwrap();
        std::fs::write(p.join("docs/legacy/old/c.md"), "x").unwrap();
        std::fs::write(p.join("notes/d.md"), "x").unwrap();
        let exclude = ["docs/legacy/**".to_string()];
        let include = ["docs/**/*.md".to_string()];
        for root in [p.to_path_buf(), p.join("docs"), p.join("docs/legacy")] {
            let w = walk(std::slice::from_ref(&root), p, &include, &exclude);
            let want: &[&str] = if root.ends_with("legacy") {
                &[]
            } else {
                &["docs/a.md"]
            };
            assert_eq!(files(&w, p), want, "walking {}", root.display());
        }
        // Named files the globs exclude are left out and listed; a folder
        // excluded (gitignore syntax) leaves out everything under it.
        let named = [p.join("docs/legacy/b.md"), p.join("docs/a.md")];
        let w = walk(&named, p, &include, &exclude);
        assert_eq!(files(&w, p), ["docs/a.md"]);
        assert_eq!(
            w.excluded,
            [Excluded {
                path: p.join("docs/legacy/b.md"),
                glob: "docs/legacy/**".into()
            }]
        );
        let w = walk(
            &[p.join("docs/legacy/old/c.md"), p.join("docs/legacy/old")],
            p,
            &include,
            &["docs/legacy".to_string()],
        );
        assert!(w.items.is_empty(), "{w:?}");
        assert_eq!(w.excluded.len(), 2);
        // Outside the base folder only unanchored globs apply.
        let base = p.join("docs");
        let w = walk(&[p.join("notes")], &base, &inc(), &["notes/**".to_string()]);
        assert_eq!(files(&w, p), ["notes/d.md"]);
        let w = walk(&[p.join("notes")], &base, &inc(), &["d.md".to_string()]);
        assert!(w.items.is_empty(), "{w:?}");
    }

    #[test]
    fn relative_paths_are_taken_lexically() {
        let cwd = Path::new("/w/project");
        assert_eq!(
            absolute(cwd, Path::new("./docs/../a/./b.md")),
            Path::new("/w/project/a/b.md")
        );
        assert_eq!(absolute(cwd, Path::new("/x/y/..")), Path::new("/x"));
        assert_eq!(absolute(cwd, Path::new("")), Path::new("/w/project"));
    }
}
