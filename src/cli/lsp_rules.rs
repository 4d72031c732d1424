//! Rule files (`.rules`) in the language server: diagnostics as the author
//! types, hover on a term, go to a term's definition or an imported file.
//!
//! This is the server's adapter over the rules stage: it takes the shapes
//! of `policylint::rules::navigate` (diagnostics located in the file being
//! edited, hover text, a target), computed here from the parser, the
//! compiler and the file's own `term` lines. Replacing the three bodies with
//! calls to `navigate` changes nothing for the server.

use std::ops::Range;
use std::path::{Path, PathBuf};

use policylint::rules::Loader;

/// An error located in the rule file being edited.
pub(crate) struct RuleDiagnostic {
    pub(crate) span: Range<usize>,
    pub(crate) message: String,
    pub(crate) help: Option<String>,
    /// The error's code (`policylint::rules::RuleErrorKind::code`).
    pub(crate) code: String,
}

/// Where a name is defined.
pub(crate) struct Target {
    pub(crate) path: PathBuf,
    pub(crate) span: Range<usize>,
}

/// Parse and compile `text` as the rule file at `path`, its imports read
/// from disk beside it; every error, those of an imported file at the
/// import that brought it in (else at the start).
pub(crate) fn diagnostics(path: &Path, text: &str) -> Vec<RuleDiagnostic> {
    let mut loader = Loader::new();
    let name = loader.add_text_at(path, text.to_string());
    let errs = match loader.compile() {
        Ok(_) => return Vec::new(),
        Err(errs) => errs,
    };
    errs.into_iter()
        .map(|e| {
            let here = e.file() == name;
            let span = if here {
                e.error.span.clone()
            } else {
                import_of(text, e.file()).unwrap_or(0..0)
            };
            let message = if here {
                e.error.message.clone()
            } else {
                format!("{}: {}", e.file(), e.error.message)
            };
            RuleDiagnostic {
                span,
                message,
                help: e.error.help.clone(),
                code: e.error.kind.code().to_string(),
            }
        })
        .collect()
}

/// The span of the `import "…"` line of `text` whose path ends the way
/// `file` (an imported file's name) does.
fn import_of(text: &str, file: &str) -> Option<Range<usize>> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("import")
            && let Some(p) = rest
                .trim()
                .strip_prefix('"')
                .and_then(|r| r.split('"').next())
        {
            let p = p.trim_start_matches("./");
            if Path::new(file).ends_with(p) {
                let lead = line.len() - line.trim_start().len();
                return Some(at + lead..at + lead + t.len());
            }
        }
        at += line.len();
    }
    None
}

/// The identifier (letters, digits, `_`, `-`, `/`) around `offset`.
fn word_at(text: &str, offset: usize) -> Option<(Range<usize>, &str)> {
    let is_word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '/' | '.');
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word(c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|&(_, c)| !is_word(c))
        .map_or(text.len(), |(i, _)| offset + i);
    (start < end).then(|| (start..end, &text[start..end]))
}

/// The quoted path of an `import` line under `offset`.
fn import_at(text: &str, offset: usize) -> Option<(Range<usize>, &str)> {
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    let t = line.trim_start();
    if !t.starts_with("import") {
        return None;
    }
    let open = line.find('"')? + 1;
    let close = open + line[open..].find('"')?;
    Some((line_start + open..line_start + close, &line[open..close]))
}

/// The `term NAME =` line defining `name` in `text`.
fn term_definition(text: &str, name: &str) -> Option<Range<usize>> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("term ")
            && let Some((n, _)) = rest.split_once('=')
            && n.trim() == name
        {
            return Some(at..at + line.trim_end().len());
        }
        at += line.len();
    }
    None
}

/// The files `text` imports, resolved beside `path`, that exist.
fn imported(path: &Path, text: &str) -> Vec<PathBuf> {
    let base = path.parent().unwrap_or(Path::new("."));
    text.lines()
        .filter_map(|l| {
            let rest = l.trim().strip_prefix("import")?;
            let p = rest.trim().strip_prefix('"')?.split('"').next()?;
            Some(base.join(p))
        })
        .filter(|p| p.is_file())
        .collect()
}

/// Where the term (or imported file) under `offset` is defined: this
/// file's `term` lines, then those of the files it imports.
pub(crate) fn definition(path: &Path, text: &str, offset: usize) -> Option<Target> {
    if let Some((_, p)) = import_at(text, offset) {
        let target = path.parent().unwrap_or(Path::new(".")).join(p);
        return target.is_file().then_some(Target {
            path: target,
            span: 0..0,
        });
    }
    let (_, name) = word_at(text, offset)?;
    if let Some(span) = term_definition(text, name) {
        return Some(Target {
            path: path.to_path_buf(),
            span,
        });
    }
    imported(path, text).into_iter().find_map(|p| {
        let t = policylint::source::read_text(&p, policylint::rules::MAX_RULE_FILE).ok()?;
        term_definition(&t, name).map(|span| Target { path: p, span })
    })
}

/// Hover: the definition line of the term under `offset` (and the file it
/// is in, when another), or the imported path, as Markdown.
pub(crate) fn hover(path: &Path, text: &str, offset: usize) -> Option<(Range<usize>, String)> {
    if let Some((span, p)) = import_at(text, offset) {
        return Some((span, format!("import `{p}`")));
    }
    let (span, _) = word_at(text, offset)?;
    let target = definition(path, text, offset)?;
    let source = if target.path == path {
        text.to_string()
    } else {
        policylint::source::read_text(&target.path, policylint::rules::MAX_RULE_FILE).ok()?
    };
    let line = source.get(target.span.clone())?;
    let from = if target.path == path {
        String::new()
    } else {
        format!("\n\n{}", target.path.display())
    };
    Some((span, format!("```\n{line}\n```{from}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_syntax_error_is_located_in_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.rules");
        let text = "rule x/y {\n  title \"t\"\n  severity oops\n}\n";
        let d = diagnostics(&p, text);
        assert!(!d.is_empty());
        assert!(
            d[0].span.start >= text.find("severity").unwrap(),
            "{:?}",
            d[0].span
        );
        assert!(diagnostics(&p, "term a = \"x\"\n").is_empty());
    }

    #[test]
    fn a_term_is_found_here_or_in_an_import() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("terms.rules"), "term far = \"遠い\"\n").unwrap();
        let p = dir.path().join("a.rules");
        let text = "import \"terms.rules\"\nterm near = \"近い\"\nterm both = near | far\n";
        let at = |w: &str| text.rfind(w).unwrap() + 1;
        let t = definition(&p, text, at("near")).unwrap();
        assert_eq!(t.path, p);
        assert_eq!(&text[t.span], "term near = \"近い\"");
        let t = definition(&p, text, at("far")).unwrap();
        assert_eq!(t.path, dir.path().join("terms.rules"));
        let t = definition(&p, text, at("terms.rules")).unwrap();
        assert_eq!(t.path, dir.path().join("terms.rules"));
        assert_eq!(
            import_of(text, &dir.path().join("terms.rules").display().to_string()),
            Some(0..20)
        );
    }
}
