//! Rule files (`.rules`) in the language server: diagnostics as the author
//! types, hover on a term, go to a term's definition or an imported file.
//! The work is the rules stage's (`policylint::rules::navigate`: the
//! compiler's own import resolution and term lookup); this adapter gives it
//! the editor's open buffers, which win over the files on disk.

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(crate) use policylint::rules::navigate::{RuleDiagnostic, Target};

/// The open rule buffers, by path as opened and as canonical (navigate
/// asks for the canonical path of an imported file first).
#[derive(Clone, Default)]
pub(crate) struct Overlay(Vec<(PathBuf, Option<PathBuf>, Arc<String>)>);

impl Overlay {
    pub(crate) fn new(buffers: impl IntoIterator<Item = (PathBuf, Arc<String>)>) -> Overlay {
        Overlay(
            buffers
                .into_iter()
                .map(|(p, t)| {
                    let canonical = p.canonicalize().ok();
                    (p, canonical, t)
                })
                .collect(),
        )
    }

    fn get(&self, path: &Path) -> Option<String> {
        self.0
            .iter()
            .find(|(p, c, _)| p == path || c.as_deref() == Some(path))
            .map(|(_, _, t)| t.to_string())
    }
}

/// Parse and compile `text` as the rule file at `path`; every error, those
/// of an imported file at the import that brought it in.
pub(crate) fn diagnostics(path: &Path, text: &str, open: &Overlay) -> Vec<RuleDiagnostic> {
    policylint::rules::navigate::diagnostics(path, text, &|p| open.get(p))
}

/// Where the term (or imported file) under `offset` is defined.
pub(crate) fn definition(path: &Path, text: &str, offset: usize, open: &Overlay) -> Option<Target> {
    policylint::rules::navigate::definition(path, text, offset, &|p| open.get(p))
}

/// Hover: the definition of the term, element or imported file under
/// `offset`, as Markdown.
pub(crate) fn hover(
    path: &Path,
    text: &str,
    offset: usize,
    open: &Overlay,
) -> Option<(std::ops::Range<usize>, String)> {
    policylint::rules::navigate::hover(path, text, offset, &|p| open.get(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An open buffer of an imported file wins over the file on disk.
    #[test]
    fn an_open_import_wins_over_the_disk() {
        let dir = tempfile::tempdir().unwrap();
        let terms = dir.path().join("terms.rules");
        std::fs::write(&terms, "term far = \"遠い\"\n").unwrap();
        let p = dir.path().join("a.rules");
        let text = "import \"terms.rules\"\nterm both = far | near\n";
        assert_eq!(diagnostics(&p, text, &Overlay::default()).len(), 1);
        let open = Overlay::new([(
            terms.clone(),
            Arc::new("term far = \"遠い\"\nterm near = \"近い\"\n".to_string()),
        )]);
        assert!(diagnostics(&p, text, &open).is_empty());
        let at = text.rfind("near").unwrap();
        let t = definition(&p, text, at, &open).unwrap();
        assert_eq!(
            t.path.canonicalize().unwrap(),
            terms.canonicalize().unwrap()
        );
        assert!(hover(&p, text, at, &open).is_some());
    }
}
