//! Rule-file intelligence for editors (`policylint lsp`): diagnostics,
//! hover and go-to-definition on a `.rules` buffer.
//!
//! Each call takes the path of the rule file, its text as the editor holds
//! it (saved or not), and an `overlay`: the text of other open buffers by
//! path (`None` for a file that is not open, which is then read from disk).
//! Imports are resolved by the same [`Loader`] as `check --rules`, so the
//! same checks hold for buffers as for files: an import stays inside the
//! pack's folder (or the project, the current directory as for `check`),
//! names a regular `.rules` file that exists on disk, and its text, from
//! the overlay or the disk, is at most [`super::MAX_RULE_FILE`] bytes. The
//! overlay is asked for the canonical path of a file first, then for the
//! path as the import joins it to the importing file's folder.
//!
//! Offsets and spans are byte offsets into the text given; every span
//! returned lies within its file's text, on character boundaries.
//!
//! - [`diagnostics`]: every parse and compile error, located in this file.
//!   An error inside an imported file (or one it imports) is reported at
//!   the import line through which that file is reached, naming the file
//!   and the line:column of the error there.
//! - [`hover`]: on a term (its definition or a reference), the term's
//!   definition as written, where it is defined and the comment lines
//!   above it; on an element name (where a `require` names it, or in
//!   `anchor nearest` and `expect missing`), the element as written; on an
//!   import's string, the file it loads and the terms it defines.
//! - [`definition`]: where the term under the offset is defined (this file
//!   or an imported one, transitively, found as the compiler finds it), the
//!   element's name for an element, or the imported file (at its start)
//!   for an import's string.
//!
//! Only names in the syntax tree count: a word inside a string, a regex or
//! a comment is not a reference and gives nothing.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::RuleErrorKind;
use super::ast::{self, Expr, Item, Span, Spanned, Stmt};
use super::compile::find_term;
use super::model::Severity;
use super::{Loader, MAX_RULE_FILE};

/// One error in a rule file, for an editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDiagnostic {
    /// Byte range in the text.
    pub span: Range<usize>,
    pub message: String,
    pub help: Option<String>,
    /// Always [`Severity::Error`]: a rule file with an error does not load.
    pub severity: Severity,
    /// The error's code, as `check --rules` reports it
    /// (`policylint::rules::syntax`…).
    pub code: &'static str,
}

/// A place in a file: where a definition is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub path: PathBuf,
    /// Byte range in that file.
    pub span: Range<usize>,
}

/// Whether a buffer is too large to be a rule file: `check` refuses such a
/// file, and an editor gets one diagnostic instead of a long parse.
fn too_large(text: &str) -> bool {
    text.len() as u64 > MAX_RULE_FILE
}

/// Load the buffer and what it imports; the buffer is file 0.
fn load(path: &Path, text: &str, overlay: &dyn Fn(&Path) -> Option<String>) -> (Loader, usize) {
    // The project is the current directory, as for `check --rules`.
    let mut loader = Loader::new().with_project(Path::new("."));
    let main = loader.add_buffer(path, text.to_string(), overlay);
    (loader, main)
}

/// Parse and compile `text` as the rules file at `path` (imports resolved
/// from disk beside it, as `check --rules` does, with the open editor
/// buffers given by `overlay` taking precedence over disk), every error
/// located in this file (an error inside an imported file is reported
/// once, at the import line, naming the file and its line:col).
pub fn diagnostics(
    path: &Path,
    text: &str,
    overlay: &dyn Fn(&Path) -> Option<String>,
) -> Vec<RuleDiagnostic> {
    if too_large(text) {
        return vec![RuleDiagnostic {
            span: 0..0,
            message: format!(
                "rule file is {} bytes, over the limit of {MAX_RULE_FILE} bytes",
                text.len()
            ),
            help: Some("split it into files that import each other".into()),
            severity: Severity::Error,
            code: RuleErrorKind::Import.code(),
        }];
    }
    let (loader, main) = load(path, text, overlay);
    let (files, imports) = loader.loaded();
    let sources: Vec<_> = files.iter().map(|(f, _)| f.clone()).collect();
    // For each file, the first import of this one through which it loads.
    let mut via: Vec<Option<Span>> = vec![None; files.len()];
    for (span, first) in loader.imports_of(main) {
        let mut stack = vec![*first];
        while let Some(f) = stack.pop() {
            match via.get_mut(f) {
                Some(slot @ None) if f != main => *slot = Some(span.clone()),
                _ => continue,
            }
            stack.extend(imports.get(f).into_iter().flatten());
        }
    }
    let errors = match loader.compile_indexed() {
        Ok(_) => Vec::new(),
        Err(errors) => errors,
    };
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (fi, located) in errors {
        let e = located.error;
        if fi == main {
            out.push(RuleDiagnostic {
                span: clamp(text, &e.span),
                message: e.message,
                help: e.help,
                severity: Severity::Error,
                code: e.kind.code(),
            });
            continue;
        }
        let Some(src) = sources.get(fi) else { continue };
        let (line, col) = line_col(&src.text, e.span.start);
        // Every loaded file other than this one came through an import;
        // the start of the file is a fallback that should not be needed.
        let at = via.get(fi).cloned().flatten().unwrap_or(0..0);
        let message = format!("in {}:{line}:{col}: {}", src.name, e.message);
        if !seen.insert((at.clone(), message.clone())) {
            continue;
        }
        out.push(RuleDiagnostic {
            span: clamp(text, &at),
            message,
            help: e.help,
            severity: Severity::Error,
            code: e.kind.code(),
        });
    }
    out.sort_by_key(|d| (d.span.start, d.span.end));
    out
}

/// Hover: the definition of the term (or element name, or imported file)
/// under `offset`, as Markdown (the term's definition text as written,
/// where it is defined, its comment lines above it if any).
pub fn hover(
    path: &Path,
    text: &str,
    offset: usize,
    overlay: &dyn Fn(&Path) -> Option<String>,
) -> Option<(Range<usize>, String)> {
    if too_large(text) {
        return None;
    }
    let (loader, main) = load(path, text, overlay);
    let loaded = loader.loaded();
    let file = &loaded.0.get(main)?.1;
    let sym = symbol_at(file, offset)?;
    let shown_name = |fi: usize| -> String {
        if fi == main {
            "this file".to_string()
        } else {
            loaded
                .0
                .get(fi)
                .map_or_else(String::new, |(f, _)| format!("`{}`", f.name))
        }
    };
    match sym {
        Sym::TermRef(name) | Sym::TermDef(name) => {
            let (fi, def) = find_term(loaded, main, &name.node)?;
            let src = &loaded.0.get(fi)?.0.text;
            let (line, _) = line_col(src, def.span.start);
            let mut md = format!(
                "**term** `{}` — defined in {}, line {line}\n\n",
                def.name.node,
                shown_name(fi)
            );
            let comments = comments_above(src, def.span.start);
            if !comments.is_empty() {
                md.push_str(&comments.join("\n"));
                md.push_str("\n\n");
            }
            md.push_str(&fenced(src.get(def.span.clone()).unwrap_or("")));
            Some((clamp(text, &name.span), md))
        }
        Sym::Element { rule, def, at } => {
            let end = [
                Some(def.expr.span().end),
                def.except_in.as_ref().map(|e| e.span().end),
                def.label_ja.as_ref().map(|l| l.span.end),
                def.label_en.as_ref().map(|l| l.span.end),
            ]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(def.name.span.end);
            let (line, _) = line_col(text, def.name.span.start);
            let mut md = format!(
                "**element** `{}` of rule `{}` — line {line}\n\n",
                def.name.node, rule.id.node
            );
            let comments = comments_above(text, def.name.span.start);
            if !comments.is_empty() {
                md.push_str(&comments.join("\n"));
                md.push_str("\n\n");
            }
            md.push_str(&fenced(text.get(def.name.span.start..end).unwrap_or("")));
            Some((clamp(text, &at), md))
        }
        Sym::Import(imp) => {
            let fi = imported(&loader, main, &imp.span)?;
            let (src, f) = loaded.0.get(fi)?;
            let shown = src
                .path
                .as_deref()
                .map_or_else(|| src.name.clone(), |p| p.display().to_string());
            let mut md = format!("**import** `{}`\n\n{shown}", imp.node);
            let terms: Vec<String> = f
                .items
                .iter()
                .filter_map(|i| match i {
                    Item::Term(t) => Some(format!("`{}`", t.name.node)),
                    _ => None,
                })
                .collect();
            if !terms.is_empty() {
                md.push_str("\n\nterms: ");
                md.push_str(&terms.join(", "));
            }
            Some((clamp(text, &imp.span), md))
        }
    }
}

/// Go to definition: where the term under `offset` is defined (this file
/// or an imported one, transitively), or the imported file itself when on
/// an import's string.
pub fn definition(
    path: &Path,
    text: &str,
    offset: usize,
    overlay: &dyn Fn(&Path) -> Option<String>,
) -> Option<Target> {
    if too_large(text) {
        return None;
    }
    let (loader, main) = load(path, text, overlay);
    let loaded = loader.loaded();
    let file = &loaded.0.get(main)?.1;
    let path_of = |fi: usize| -> Option<PathBuf> {
        if fi == main {
            return Some(path.to_path_buf());
        }
        let (src, _) = loaded.0.get(fi)?;
        Some(src.path.clone().unwrap_or_else(|| PathBuf::from(&src.name)))
    };
    match symbol_at(file, offset)? {
        Sym::TermRef(name) | Sym::TermDef(name) => {
            let (fi, def) = find_term(loaded, main, &name.node)?;
            Some(Target {
                path: path_of(fi)?,
                span: def.name.span.clone(),
            })
        }
        Sym::Element { def, .. } => Some(Target {
            path: path.to_path_buf(),
            span: clamp(text, &def.name.span),
        }),
        Sym::Import(imp) => {
            let fi = imported(&loader, main, &imp.span)?;
            Some(Target {
                path: path_of(fi)?,
                span: 0..0,
            })
        }
    }
}

/// The file the import at `span` in file `fi` loaded, if it loaded one.
fn imported(loader: &Loader, fi: usize, span: &Span) -> Option<usize> {
    loader
        .imports_of(fi)
        .iter()
        .find(|(s, _)| s == span)
        .map(|(_, j)| *j)
}

/// A name in the syntax tree that hover and definition know.
enum Sym<'f> {
    /// A term named in a pattern.
    TermRef(&'f Spanned<String>),
    /// The name in `term NAME = …`.
    TermDef(&'f Spanned<String>),
    /// The path of an `import`.
    Import(&'f Spanned<String>),
    /// An element, where it is named (`at`): its definition or a reference.
    Element {
        rule: &'f ast::RuleDef,
        def: &'f ast::Element,
        at: Span,
    },
}

/// The name at `offset`: one whose span holds it, else one that ends right
/// before it (the cursor just after a word).
fn symbol_at(file: &ast::File, offset: usize) -> Option<Sym<'_>> {
    find_symbol(file, offset).or_else(|| find_symbol(file, offset.checked_sub(1)?))
}

fn find_symbol(file: &ast::File, at: usize) -> Option<Sym<'_>> {
    let hit = |s: &Span| s.start <= at && at < s.end;
    for item in &file.items {
        match item {
            Item::Pack(_) => {}
            Item::Import(p) => {
                if hit(&p.span) {
                    return Some(Sym::Import(p));
                }
            }
            Item::Term(t) => {
                if hit(&t.name.span) {
                    return Some(Sym::TermDef(&t.name));
                }
                if let Some(s) = expr_ref(&t.expr, at) {
                    return Some(Sym::TermRef(s));
                }
            }
            Item::Rule(r) => {
                let mut elements = Vec::new();
                collect_elements(&r.body, &mut elements);
                let element = |name: &Spanned<String>| {
                    let def = elements.iter().find(|e| e.name.node == name.node)?;
                    Some(Sym::Element {
                        rule: r,
                        def,
                        at: name.span.clone(),
                    })
                };
                if let Some(w) = &r.when {
                    let found = expr_ref(&w.mentions, at)
                        .or_else(|| w.unless_in.as_ref().and_then(|e| expr_ref(e, at)));
                    if let Some(s) = found {
                        return Some(Sym::TermRef(s));
                    }
                }
                match stmts_symbol(&r.body, at) {
                    Some(Found::Term(s)) => return Some(Sym::TermRef(s)),
                    Some(Found::Element(n)) => return element(n),
                    None => {}
                }
                for t in &r.tests {
                    for e in &t.expects {
                        for m in e.missing.iter().flatten() {
                            if hit(&m.span) {
                                return element(m);
                            }
                        }
                    }
                }
            }
        }
    }
    None
}

/// What a statement holds at an offset: a term reference or an element's
/// name (its definition or a reference to it).
enum Found<'f> {
    Term(&'f Spanned<String>),
    Element(&'f Spanned<String>),
}

fn collect_elements<'f>(stmts: &'f [Stmt], out: &mut Vec<&'f ast::Element>) {
    for s in stmts {
        match s {
            Stmt::Scope(b) => collect_elements(&b.body, out),
            Stmt::Require(r) => {
                for e in &r.elements {
                    out.push(e);
                    collect_elements(&e.body, out);
                }
            }
            _ => {}
        }
    }
}

/// The term reference in an optional pattern whose name holds `at`.
fn opt_ref(e: &Option<Expr>, at: usize) -> Option<&Spanned<String>> {
    e.as_ref().and_then(|e| expr_ref(e, at))
}

fn stmts_symbol(stmts: &[Stmt], at: usize) -> Option<Found<'_>> {
    let term = |e| opt_ref(e, at);
    for s in stmts {
        let found = match s {
            Stmt::Scope(b) => {
                let in_scope = match &b.scope {
                    ast::Scope::Document(_) => None,
                    ast::Scope::Section { heading, .. } => term(heading),
                    ast::Scope::SectionOf { of, .. } => expr_ref(of, at),
                    ast::Scope::Node { with, .. } => term(with),
                    ast::Scope::Near { of, .. } => term(of),
                };
                match in_scope {
                    Some(s) => Some(Found::Term(s)),
                    None => stmts_symbol(&b.body, at),
                }
            }
            Stmt::Require(r) => r.elements.iter().find_map(|e| {
                if e.name.span.start <= at && at < e.name.span.end {
                    return Some(Found::Element(&e.name));
                }
                expr_ref(&e.expr, at)
                    .or_else(|| term(&e.except_in))
                    .map(Found::Term)
                    .or_else(|| stmts_symbol(&e.body, at))
            }),
            Stmt::Forbid(f) => expr_ref(&f.expr, at)
                .or_else(|| f.near.as_ref().and_then(|(e, _)| expr_ref(e, at)))
                .map(Found::Term),
            Stmt::Reference(r) => expr_ref(&r.expr, at)
                .or_else(|| term(&r.unless))
                .map(Found::Term),
            Stmt::Consistent(c) => expr_ref(&c.expr, at)
                .or_else(|| term(&c.ignoring))
                .map(Found::Term),
            Stmt::Anchor(a) => match &a.node {
                ast::Anchor::Nearest(n) if n.span.start <= at && at < n.span.end => {
                    Some(Found::Element(n))
                }
                ast::Anchor::At(e) => expr_ref(e, at).map(Found::Term),
                _ => None,
            },
            Stmt::IncludeBoilerplate(_) => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The term reference of `e` whose name holds `at`. Literals and regexes
/// hold no reference, whatever words they contain.
fn expr_ref(e: &Expr, at: usize) -> Option<&Spanned<String>> {
    let span = e.span();
    if at < span.start || at >= span.end {
        return None;
    }
    match e {
        Expr::Ref(s) => Some(s),
        Expr::Literal(_) | Expr::Regex(_) => None,
        Expr::Alt(alts, _) => alts.iter().find_map(|a| expr_ref(a, at)),
        Expr::Seq { first, then, .. } => expr_ref(first, at).or_else(|| expr_ref(then, at)),
        Expr::Except { base, by, .. } => expr_ref(base, at).or_else(|| expr_ref(by, at)),
    }
}

/// The `#` comment lines right above the line holding `at`, without the
/// `#`, top first.
fn comments_above(text: &str, at: usize) -> Vec<String> {
    let before = text.get(..at).unwrap_or("");
    // Only a definition that starts its line has comments above it.
    let line_start = before.rfind('\n').map_or(0, |k| k + 1);
    if !before.get(line_start..).unwrap_or("").trim().is_empty() {
        return Vec::new();
    }
    let mut out: Vec<String> = before
        .get(..line_start)
        .unwrap_or("")
        .lines()
        .rev()
        .map_while(|l| l.trim().strip_prefix('#'))
        .map(|c| c.strip_prefix(' ').unwrap_or(c).trim_end().to_string())
        .collect();
    out.reverse();
    out
}

/// `code` as a fenced Markdown block, with a fence longer than any run of
/// backticks inside.
fn fenced(code: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in code.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}\n{code}\n{fence}")
}

/// 1-based line and column (in characters) of byte `at` in `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let at = floor_boundary(text, at.min(text.len()));
    let before = text.get(..at).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |k| k + 1);
    let col = before.get(line_start..).unwrap_or("").chars().count() + 1;
    (line, col)
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `span` kept within `text` and on character boundaries, so that an
/// editor can always convert it.
fn clamp(text: &str, span: &Span) -> Range<usize> {
    let start = floor_boundary(text, span.start.min(text.len()));
    let mut end = span.end.clamp(start, text.len());
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_above_stop_at_the_first_other_line() {
        let text = "# not this\n\n# 一行目\n  #二行目\nterm a = \"x\"\n";
        let at = text.find("term").unwrap();
        assert_eq!(comments_above(text, at), vec!["一行目", "二行目"]);
        // A definition after other code on its line has none.
        let text = "# c\nrule x { } term a = \"x\"";
        assert!(comments_above(text, text.find("term").unwrap()).is_empty());
    }

    #[test]
    fn fences_outgrow_backticks_inside() {
        assert_eq!(fenced("a"), "```\na\n```");
        assert_eq!(fenced("x ```` y"), "`````\nx ```` y\n`````");
    }

    #[test]
    fn clamp_keeps_spans_in_the_text_on_boundaries() {
        let text = "窓口";
        assert_eq!(clamp(text, &(1..2)), 0..3);
        assert_eq!(clamp(text, &(4..100)), 3..6);
        assert_eq!(clamp(text, &(100..200)), 6..6);
        assert_eq!(line_col("あ\nいう", 7), (2, 2));
        assert_eq!(line_col("あ", 2), (1, 1));
    }

    #[test]
    fn a_buffer_over_the_size_cap_gets_one_diagnostic() {
        let text = "#".repeat(MAX_RULE_FILE as usize + 1);
        let d = diagnostics(Path::new("x.rules"), &text, &|_| None);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("over the limit"), "{}", d[0].message);
        assert_eq!(hover(Path::new("x.rules"), &text, 3, &|_| None), None);
    }
}
