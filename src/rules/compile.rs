//! The compiler: parsed rule files → one [`RuleSet`]. It resolves terms
//! (across imports), turns every pattern into one shared [`PatternSet`],
//! and checks everything the parser cannot: unknown terms, term cycles,
//! duplicate rules and elements, regexes, severities, fields.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::ast::{self, Span, Spanned};
use super::diagnostic::{LocatedRuleError, RuleError, RuleErrorKind};
use super::model::*;
use super::parser;
use crate::document::Facet;
use crate::document::normalize::normalize;
use crate::pattern::{PatternId, PatternSet};

/// The extension of rule files.
pub(super) const RULE_EXT: &str = "rules";

/// Rule files larger than this are refused (a pack is a few hundred KB).
pub const MAX_RULE_FILE: u64 = 16 * 1024 * 1024;

/// Collects rule files (following imports) and compiles them together.
///
/// A rule file comes from a pull request as often as from the user, so
/// what it can reach is bounded: its imports and test files must lie
/// inside its pack's folder (the folder given, or the folder of the file
/// given) or inside the project (see [`Loader::with_project`]) and be
/// regular files; imports must be `.rules` files under [`MAX_RULE_FILE`].
/// The built-in packs and rule text held in memory reach no file at all.
#[derive(Default)]
pub struct Loader {
    files: Vec<(Arc<SourceFile>, ast::File)>,
    /// For each file, the folders its imports and test files may be in.
    reach: Vec<Vec<PathBuf>>,
    project: Option<PathBuf>,
    /// Canonical paths already loaded.
    seen: HashSet<PathBuf>,
    /// Every error so far, with the index of the file it is in.
    errors: Vec<(usize, LocatedRuleError)>,
    /// Imports of each file, as file indexes.
    imports: Vec<Vec<usize>>,
    /// Imports of each file: the span of the import's path, and the file
    /// it loaded.
    import_at: Vec<Vec<(Span, usize)>>,
}

/// Editor buffers that stand in for files on disk (see
/// [`Loader::add_buffer`]): the text of the file at a path, if open.
pub(super) type Overlay<'o> = Option<&'o dyn Fn(&Path) -> Option<String>>;

/// What was loaded: each file with its syntax tree, and each file's
/// imports as file indexes.
pub(super) type Loaded<'l> = (&'l [(Arc<SourceFile>, ast::File)], &'l [Vec<usize>]);

/// Whether `path` (canonical) lies in one of `reach`.
fn within(reach: &[PathBuf], path: &Path) -> bool {
    reach.iter().any(|r| path.starts_with(r))
}

/// Fields whose value is a text in each language: `message "ja" / "en"`
/// (one string: the same text in both), or the older keys with a language
/// suffix, still read: `message.ja "…"`, `message.en "…"`.
const TEXT_FIELDS: &[&str] = &[
    "title",
    "message",
    "forbid-message",
    "reference-message",
    "help",
];

/// The fields of a rule, as shown in help texts.
const SHOWN_FIELDS: &[&str] = &[
    "title",
    "severity",
    "cite",
    "url",
    "effective",
    "tags",
    "scope",
    "group",
    "message",
    "forbid-message",
    "reference-message",
    "help",
];

/// Whether `key` is a rule field: one of [`SHOWN_FIELDS`], or a text
/// field with a language suffix (`message.ja`).
pub(super) fn is_field(key: &str) -> bool {
    SHOWN_FIELDS.contains(&key) || text_key(key).is_some()
}

/// The language a text field's key names, and its key without the suffix.
fn text_key(key: &str) -> Option<(&str, Option<Lang>)> {
    let (base, lang) = match key.rsplit_once('.') {
        Some((base, "ja")) => (base, Some(Lang::Ja)),
        Some((base, "en")) => (base, Some(Lang::En)),
        Some(_) => return None,
        None => (key, None),
    };
    TEXT_FIELDS.contains(&base).then_some((base, lang))
}

/// A text field's texts as set so far: the text and the span of the field
/// that set it, for each language.
#[derive(Default)]
struct TextSlots {
    ja: Option<(String, Span)>,
    en: Option<(String, Span)>,
}

impl TextSlots {
    fn text(&self) -> Text {
        let get = |slot: &Option<(String, Span)>| slot.as_ref().map(|(t, _)| t.clone());
        Text {
            ja: get(&self.ja).unwrap_or_default(),
            en: get(&self.en).unwrap_or_default(),
        }
    }
}

impl Loader {
    pub fn new() -> Self {
        Self::default()
    }

    /// Let packs also reach files in `dir` (the project being checked: its
    /// rule tests may use its fixtures). Without it a pack reaches only its
    /// own folder.
    pub fn with_project(mut self, dir: &Path) -> Self {
        self.project = dir.canonicalize().ok();
        self
    }

    /// Add the built-in packs (embedded from `rules/`); their imports
    /// resolve among themselves.
    pub fn add_builtin(&mut self) {
        for (name, _) in super::builtin::FILES {
            self.add_virtual(name);
        }
    }

    fn add_virtual(&mut self, rel: &str) -> Option<usize> {
        let name = format!("{}{rel}", super::builtin::PREFIX);
        if let Some(i) = self.files.iter().position(|(f, _)| f.name == name) {
            return Some(i);
        }
        let (_, text) = super::builtin::FILES.iter().find(|(n, _)| *n == rel)?;
        Some(self.add_source_in(&name, None, text.to_string(), Vec::new(), None))
    }

    /// Add rule text that does not live on disk (the built-in pack, tests):
    /// it imports nothing from disk and reads no test file.
    pub fn add_source(&mut self, name: &str, path: Option<PathBuf>, text: String) -> usize {
        self.add_source_in(name, path, text, Vec::new(), None)
    }

    /// Add the rule file at `path` with the text `text` (an editor's
    /// buffer, saved or not), as [`Loader::add_path`] adds one file: its
    /// imports resolve beside it, within its pack's folder (and the
    /// project), the same way; a file `overlay` has the text of is read
    /// from there instead of from disk, under the same checks (it must
    /// still be a regular file on disk, under the size cap). Returns the
    /// file's index, which [`Loader::loaded`] and the errors refer to.
    pub(super) fn add_buffer(
        &mut self,
        path: &Path,
        text: String,
        overlay: &dyn Fn(&Path) -> Option<String>,
    ) -> usize {
        // An unsaved new file has no canonical path; its folder may.
        let canon = path.canonicalize().ok().or_else(|| {
            let dir = path.parent()?;
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            Some(dir.canonicalize().ok()?.join(path.file_name()?))
        });
        let mut reach: Vec<PathBuf> = canon
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .into_iter()
            .collect();
        reach.extend(self.project.clone());
        if let Some(c) = &canon {
            self.seen.insert(c.clone());
        }
        self.add_source_in(
            &path.display().to_string(),
            canon,
            text,
            reach,
            Some(overlay),
        )
    }

    /// Record that the import at `span` in file `from` loaded file `to`.
    fn link(&mut self, from: usize, span: &Span, to: usize) {
        if let Some(v) = self.imports.get_mut(from) {
            v.push(to);
        }
        if let Some(v) = self.import_at.get_mut(from) {
            v.push((span.clone(), to));
        }
    }

    /// The imports of file `fi` that loaded a file: the span of each
    /// import's path in `fi`, and the index of the file it loaded.
    pub(super) fn imports_of(&self, fi: usize) -> &[(Span, usize)] {
        self.import_at.get(fi).map_or(&[], Vec::as_slice)
    }

    /// The files loaded so far and their imports.
    pub(super) fn loaded(&self) -> Loaded<'_> {
        (&self.files, &self.imports)
    }

    fn add_source_in(
        &mut self,
        name: &str,
        path: Option<PathBuf>,
        text: String,
        reach: Vec<PathBuf>,
        overlay: Overlay<'_>,
    ) -> usize {
        let text = Arc::new(text);
        let (file, errors) = parser::parse(&text);
        let src = Arc::new(SourceFile {
            name: name.to_string(),
            path,
            text: text.clone(),
        });
        let idx = self.files.len();
        for e in errors {
            self.errors.push((idx, e.located(name, text.clone())));
        }
        self.files.push((src, file));
        self.reach.push(reach);
        self.imports.push(Vec::new());
        self.import_at.push(Vec::new());
        self.follow_imports(idx, overlay);
        idx
    }

    /// Add a rule file, or every `*.rules` file below a directory: a pack,
    /// whose files reach only its folder (and the project).
    pub fn add_path(&mut self, path: &Path) -> Result<(), String> {
        let canon = path
            .canonicalize()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let pack = match canon.parent() {
            Some(parent) if !canon.is_dir() => parent.to_path_buf(),
            _ => canon.clone(),
        };
        let mut reach = vec![pack];
        reach.extend(self.project.clone());
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = walkdir::WalkDir::new(path)
                .follow_links(false)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .filter(|p| p.extension().is_some_and(|e| e == RULE_EXT))
                .collect();
            entries.sort();
            for p in entries {
                self.add_file(&p, &reach, None)?;
            }
            return Ok(());
        }
        self.add_file(path, &reach, None).map(|_| ())
    }

    fn add_file(
        &mut self,
        path: &Path,
        reach: &[PathBuf],
        overlay: Overlay<'_>,
    ) -> Result<Option<usize>, String> {
        if path.extension().is_none_or(|e| e != RULE_EXT) {
            return Err(format!(
                "{}: not a rule file (a rule file's name ends in .{RULE_EXT})",
                path.display()
            ));
        }
        let canon = path
            .canonicalize()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some(i) = self
            .files
            .iter()
            .position(|(f, _)| f.path.as_deref() == Some(canon.as_path()))
        {
            return Ok(Some(i));
        }
        if !self.seen.insert(canon.clone()) {
            return Ok(None);
        }
        let buffer = overlay.and_then(|o| o(&canon).or_else(|| o(path)));
        let text = match buffer {
            Some(text) => {
                // An editor's buffer stands in for the file's text only:
                // the file must still be a regular file of bounded size.
                read_checks(&canon, text.len() as u64).map_err(|e| e.to_string())?;
                text
            }
            None => {
                // A regular file of bounded size: never a device, a FIFO or /proc.
                let bytes =
                    crate::source::read_file(path, MAX_RULE_FILE).map_err(|e| e.to_string())?;
                String::from_utf8(bytes).map_err(|e| {
                    format!(
                        "{}: rule files must be UTF-8 (invalid byte at offset {})",
                        path.display(),
                        e.utf8_error().valid_up_to()
                    )
                })?
            }
        };
        Ok(Some(self.add_source_in(
            &path.display().to_string(),
            Some(canon),
            text,
            reach.to_vec(),
            overlay,
        )))
    }

    fn follow_imports(&mut self, idx: usize, overlay: Overlay<'_>) {
        let imports: Vec<Spanned<String>> = self.files[idx]
            .1
            .items
            .iter()
            .filter_map(|i| match i {
                ast::Item::Import(p) => Some(p.clone()),
                _ => None,
            })
            .collect();
        let src = self.files[idx].0.clone();
        for imp in imports {
            if let Some(rel) = src.name.strip_prefix(super::builtin::PREFIX) {
                // A built-in file imports another built-in file.
                let target = Path::new(rel)
                    .parent()
                    .unwrap_or(Path::new(""))
                    .join(&imp.node);
                let target = normalise_rel(&target);
                match self.add_virtual(&target) {
                    Some(j) => self.link(idx, &imp.span, j),
                    None => {
                        let e = RuleError::new(
                            RuleErrorKind::Import,
                            imp.span.clone(),
                            format!("cannot import `{}`", imp.node),
                            "imported here",
                        )
                        .with_help(format!("no built-in rule file `{target}`"));
                        self.errors
                            .push((idx, e.located(&src.name, src.text.clone())));
                    }
                }
                continue;
            }
            let base = src
                .path
                .as_deref()
                .and_then(Path::parent)
                .map(Path::to_path_buf);
            let Some(base) = base else {
                let e = RuleError::new(
                    RuleErrorKind::Import,
                    imp.span.clone(),
                    "cannot import from a rule source that is not a file",
                    "imported here",
                );
                self.errors
                    .push((idx, e.located(&src.name, src.text.clone())));
                continue;
            };
            let target = base.join(&imp.node);
            let reach = self.reach[idx].clone();
            // Resolved before anything is read: `..`, absolute paths and
            // links must not lead out of the pack.
            let outside = target.canonicalize().is_ok_and(|c| !within(&reach, &c));
            if outside {
                let e = RuleError::new(
                    RuleErrorKind::Import,
                    imp.span.clone(),
                    format!("cannot import `{}`: it is outside the pack", imp.node),
                    "imported here",
                )
                .with_help(
                    "a rule file imports only .rules files inside its pack's folder (or the project)",
                );
                self.errors
                    .push((idx, e.located(&src.name, src.text.clone())));
                continue;
            }
            match self.add_file(&target, &reach, overlay) {
                Ok(Some(j)) => self.link(idx, &imp.span, j),
                Ok(None) => {
                    if let Ok(c) = target.canonicalize()
                        && let Some(j) = self
                            .files
                            .iter()
                            .position(|(f, _)| f.path.as_deref() == Some(c.as_path()))
                    {
                        self.link(idx, &imp.span, j);
                    }
                }
                Err(msg) => {
                    let e = RuleError::new(
                        RuleErrorKind::Import,
                        imp.span.clone(),
                        format!("cannot import `{}`", imp.node),
                        "imported here",
                    )
                    .with_help(msg);
                    self.errors
                        .push((idx, e.located(&src.name, src.text.clone())));
                }
            }
        }
    }

    /// Compile everything loaded. All errors of all files come back at once.
    pub fn compile(self) -> Result<RuleSet, Vec<LocatedRuleError>> {
        self.compile_indexed()
            .map_err(|errors| errors.into_iter().map(|(_, e)| e).collect())
    }

    /// [`Loader::compile`], each error with the index of its file.
    pub(super) fn compile_indexed(self) -> Result<RuleSet, Vec<(usize, LocatedRuleError)>> {
        let Loader {
            files,
            mut errors,
            imports,
            reach,
            ..
        } = self;
        let mut c = Compiler {
            files: &files,
            reach: &reach,
            imports: &imports,
            patterns: PatternSet::new(),
            exprs: Vec::new(),
            excepts: Vec::new(),
            expr_index: HashMap::new(),
            terms: HashMap::new(),
            resolving: Vec::new(),
            errors: Vec::new(),
        };
        c.collect_terms();
        let mut rules = Vec::new();
        let mut ids: HashMap<String, (usize, Span)> = HashMap::new();
        for (fi, (src, file)) in files.iter().enumerate() {
            let pack = file
                .items
                .iter()
                .find_map(|i| match i {
                    ast::Item::Pack(p) => Some(p.name.node.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| default_pack_name(src));
            for item in &file.items {
                if let ast::Item::Term(t) = item {
                    // Compile every term so that errors show even if unused.
                    c.term_patterns(fi, &t.name.node, &t.name.span);
                }
                let ast::Item::Rule(r) = item else { continue };
                if let Some((pf, pspan)) = ids.get(&r.id.node) {
                    let mut e = RuleError::new(
                        RuleErrorKind::DuplicateRuleId,
                        r.id.span.clone(),
                        format!("duplicate rule id `{}`", r.id.node),
                        "defined again here",
                    )
                    .with_help("rule ids are public and must be unique across all loaded packs; rename one");
                    if *pf == fi {
                        e = e.with_related(pspan.clone(), "first defined here");
                    } else {
                        e.help = Some(format!(
                            "rule ids must be unique across all loaded packs; it is first defined in {}",
                            files[*pf].0.name
                        ));
                    }
                    c.errors.push((fi, e));
                    continue;
                }
                ids.insert(r.id.node.clone(), (fi, r.id.span.clone()));
                if let Some(rule) = c.rule(fi, &pack, src, r) {
                    rules.push(rule);
                }
            }
        }
        let Compiler {
            mut patterns,
            exprs,
            mut excepts,
            errors: compile_errors,
            ..
        } = c;
        for (fi, e) in compile_errors {
            let src = &files[fi].0;
            errors.push((fi, e.located(&src.name, src.text.clone())));
        }
        if let Err(e) = patterns.build_for(exprs.iter().flatten().copied()) {
            // Only reachable through limits on the combined set.
            if let Some((src, _)) = files.first() {
                errors.push((
                    0,
                    RuleError::new(
                        RuleErrorKind::InvalidRegex,
                        0..0,
                        format!("the patterns could not be combined: {e}"),
                        "",
                    )
                    .located(&src.name, src.text.clone()),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        excepts.resize(exprs.len(), Except::default());
        Ok(RuleSet {
            files: files.into_iter().map(|(f, _)| f).collect(),
            patterns,
            exprs,
            excepts,
            rules,
        })
    }
}

/// The checks [`crate::source::read_file`] makes before reading, for a
/// file whose text comes from elsewhere (an editor's buffer) and is `len`
/// bytes long.
fn read_checks(path: &Path, len: u64) -> Result<(), crate::source::ReadError> {
    use crate::source::ReadError;
    let owned = || path.to_path_buf();
    let meta = std::fs::metadata(path).map_err(|e| ReadError::Io {
        path: owned(),
        source: e,
    })?;
    if meta.is_dir() {
        return Err(ReadError::IsDirectory { path: owned() });
    }
    if !meta.is_file() {
        return Err(ReadError::NotAFile { path: owned() });
    }
    if len > MAX_RULE_FILE {
        return Err(ReadError::TooLarge {
            path: owned(),
            size: len,
            limit: MAX_RULE_FILE,
        });
    }
    Ok(())
}

/// `a/./b/../c` → `a/c`, with `/` separators.
fn normalise_rel(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

fn default_pack_name(src: &SourceFile) -> String {
    if let Some(rel) = src.name.strip_prefix(super::builtin::PREFIX) {
        return rel
            .split('/')
            .next()
            .filter(|s| !s.ends_with(".rules"))
            .unwrap_or("builtin")
            .to_string();
    }
    src.path
        .as_deref()
        .and_then(Path::parent)
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "local".into())
}

/// The definition of term `name` visible from file `fi`: its own terms
/// first, then those of its imports (depth first). The compiler and the
/// editor's go-to-definition share it, so both find the same one.
pub(super) fn find_term<'f>(
    (files, imports): Loaded<'f>,
    fi: usize,
    name: &str,
) -> Option<(usize, &'f ast::TermDef)> {
    let mut stack = vec![fi];
    let mut visited = HashSet::new();
    while let Some(f) = stack.pop() {
        if !visited.insert(f) {
            continue;
        }
        for item in &files.get(f)?.1.items {
            if let ast::Item::Term(t) = item
                && t.name.node == name
            {
                return Some((f, t));
            }
        }
        stack.extend(imports.get(f).into_iter().flatten().rev());
    }
    None
}

struct Compiler<'a> {
    files: &'a [(Arc<SourceFile>, ast::File)],
    /// For each file, the folders its test files may be in.
    reach: &'a [Vec<PathBuf>],
    imports: &'a [Vec<usize>],
    patterns: PatternSet,
    exprs: Vec<Vec<PatternId>>,
    /// `except in` of each expression that has one (by ExprId; shorter
    /// than `exprs` until the end).
    excepts: Vec<Except>,
    expr_index: HashMap<Vec<PatternId>, ExprId>,
    /// (file, term) → resolved pattern ids (None while unresolvable).
    terms: HashMap<(usize, String), Option<Vec<PatternId>>>,
    /// Terms being resolved, for cycle detection.
    resolving: Vec<(usize, String)>,
    errors: Vec<(usize, RuleError)>,
}

impl<'a> Compiler<'a> {
    fn collect_terms(&mut self) {
        for (fi, (_, file)) in self.files.iter().enumerate() {
            let mut seen: HashMap<&str, &Span> = HashMap::new();
            for item in &file.items {
                if let ast::Item::Term(t) = item {
                    if let Some(first) = seen.get(t.name.node.as_str()) {
                        self.errors.push((
                            fi,
                            RuleError::new(
                                RuleErrorKind::DuplicateTerm,
                                t.name.span.clone(),
                                format!("term `{}` is defined twice", t.name.node),
                                "defined again here",
                            )
                            .with_related((*first).clone(), "first defined here")
                            .with_help("merge the two definitions with `|`, or rename one"),
                        ));
                    } else {
                        seen.insert(&t.name.node, &t.name.span);
                    }
                }
            }
        }
    }

    /// The definition of term `name` visible from file `fi`: its own terms
    /// first, then those of its imports (depth first).
    fn find_term(&self, fi: usize, name: &str) -> Option<(usize, &'a ast::TermDef)> {
        find_term((self.files, self.imports), fi, name)
    }

    fn visible_terms(&self, fi: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![fi];
        let mut visited = HashSet::new();
        while let Some(f) = stack.pop() {
            if !visited.insert(f) {
                continue;
            }
            for item in &self.files[f].1.items {
                if let ast::Item::Term(t) = item {
                    out.push(t.name.node.clone());
                }
            }
            stack.extend(self.imports[f].iter());
        }
        out
    }

    /// Pattern ids of term `name` as seen from file `fi`; reports unknown
    /// terms and cycles at `span`.
    fn term_patterns(&mut self, fi: usize, name: &str, span: &Span) -> Option<Vec<PatternId>> {
        let Some((tf, def)) = self.find_term(fi, name) else {
            let mut e = RuleError::new(
                RuleErrorKind::UnknownTerm,
                span.clone(),
                format!("unknown term `{name}`"),
                "no term of this name",
            );
            let best = self
                .visible_terms(fi)
                .into_iter()
                .map(|t| (strsim::levenshtein(name, &t), t))
                .filter(|(d, t)| *d <= 2.max(t.chars().count() / 3))
                .min();
            e.help = Some(match best {
                Some((_, t)) => format!("did you mean `{t}`?"),
                None => format!(
                    "define it with `term {name} = \"…\"`, or import the file that defines it"
                ),
            });
            self.errors.push((fi, e));
            return None;
        };
        let key = (tf, name.to_string());
        if let Some(done) = self.terms.get(&key) {
            return done.clone();
        }
        if let Some(pos) = self.resolving.iter().position(|k| *k == key) {
            let chain: Vec<String> = self.resolving[pos..]
                .iter()
                .map(|(_, n)| n.clone())
                .chain([name.to_string()])
                .collect();
            self.errors.push((
                tf,
                RuleError::new(
                    RuleErrorKind::TermCycle,
                    def.name.span.clone(),
                    format!("term `{name}` refers to itself: {}", chain.join(" → ")),
                    "this term is part of a cycle",
                )
                .with_related(span.clone(), "referred to here")
                .with_help("a term must bottom out in strings and regexes; break the cycle"),
            ));
            self.terms.insert(key, None);
            return None;
        }
        self.resolving.push(key.clone());
        let pats = self.expr_patterns(tf, &def.expr);
        self.resolving.pop();
        // A cycle found deeper already marked this term as failed.
        if self.terms.get(&key).is_some_and(Option::is_none) {
            return None;
        }
        self.terms.insert(key, pats.clone());
        pats
    }

    fn expr_patterns(&mut self, fi: usize, e: &ast::Expr) -> Option<Vec<PatternId>> {
        match e {
            ast::Expr::Literal(s) => {
                let n = normalize(&s.node).text;
                if n.is_empty() {
                    self.errors.push((
                        fi,
                        RuleError::new(
                            RuleErrorKind::Syntax,
                            s.span.clone(),
                            "empty pattern",
                            "this matches nothing after normalisation",
                        )
                        .with_help("write at least one visible character"),
                    ));
                    return None;
                }
                Some(vec![self.patterns.add_literal(n)])
            }
            ast::Expr::Regex(s) => match self.patterns.add_regex(&s.node) {
                Ok(id) => Some(vec![id]),
                Err(err) => {
                    let msg = err.to_string();
                    let last = msg.lines().last().unwrap_or("").trim();
                    let first = last.strip_prefix("error: ").unwrap_or(last).to_string();
                    self.errors.push((
                        fi,
                        RuleError::new(
                            RuleErrorKind::InvalidRegex,
                            s.span.clone(),
                            format!("invalid regex: {first}"),
                            "this regex",
                        )
                        .with_help(format!("the regex crate says:\n{msg}")),
                    ));
                    None
                }
            },
            ast::Expr::Ref(name) => self.term_patterns(fi, &name.node, &name.span),
            ast::Expr::Seq {
                first,
                then,
                within,
                ..
            } => {
                let a = self.expr_patterns(fi, first);
                let b = self.expr_patterns(fi, then);
                Some(vec![self.patterns.add_seq(
                    a?,
                    b?,
                    within.as_ref().map(|n| n.node),
                )])
            }
            ast::Expr::Except { base, side, by, .. } => {
                let a = self.expr_patterns(fi, base);
                let z = self.expr_patterns(fi, by);
                Some(vec![self.patterns.add_except(
                    a?,
                    z?,
                    *side == ast::Side::After,
                )])
            }
            ast::Expr::Alt(alts, _) => {
                let mut all = Vec::new();
                let mut ok = true;
                for a in alts {
                    match self.expr_patterns(fi, a) {
                        Some(p) => all.extend(p),
                        None => ok = false,
                    }
                }
                ok.then(|| {
                    all.sort_unstable();
                    all.dedup();
                    all
                })
            }
        }
    }

    fn expr(&mut self, fi: usize, e: &ast::Expr) -> Option<ExprId> {
        let pats = self.expr_patterns(fi, e)?;
        if let Some(&id) = self.expr_index.get(&pats) {
            return Some(id);
        }
        let id = self.exprs.len() as ExprId;
        self.exprs.push(pats.clone());
        self.expr_index.insert(pats, id);
        Some(id)
    }

    /// An expression with an `except`: an expression of its own, never
    /// shared with the plain one.
    fn expr_except(
        &mut self,
        fi: usize,
        e: &ast::Expr,
        in_sentence: Option<&ast::Expr>,
        operator: bool,
    ) -> Option<ExprId> {
        let pats = self.expr_patterns(fi, e)?;
        let in_sentence = match in_sentence {
            Some(x) => Some(self.expr(fi, x)?),
            None => None,
        };
        let id = self.exprs.len() as ExprId;
        self.exprs.push(pats);
        self.excepts.resize(id as usize, Except::default());
        self.excepts.push(Except {
            in_sentence,
            operator,
        });
        Some(id)
    }

    fn severity(&mut self, fi: usize, word: &Spanned<String>) -> Option<Severity> {
        let s = Severity::parse(&word.node);
        if s.is_none() {
            self.errors.push((
                fi,
                RuleError::new(
                    RuleErrorKind::UnknownSeverity,
                    word.span.clone(),
                    format!("unknown severity `{}`", word.node),
                    "not a severity",
                )
                .with_help("use `error`, `warning` or `info`"),
            ));
        }
        s
    }

    /// A facet name and its values, checked against the document context's
    /// vocabulary, with a suggestion for a misspelling.
    fn facet_values(
        &mut self,
        fi: usize,
        facet: &Spanned<String>,
        values: &[Spanned<String>],
    ) -> Option<(Facet, Vec<&'static str>)> {
        let Some(f) = Facet::parse(&facet.node) else {
            let names: Vec<&str> = Facet::ALL.iter().map(|f| f.name()).collect();
            self.errors.push((
                fi,
                RuleError::new(
                    RuleErrorKind::UnknownFacet,
                    facet.span.clone(),
                    format!("unknown context facet `{}`", facet.node),
                    "not a facet",
                )
                .with_help(suggest(&facet.node, &names, "facets")),
            ));
            return None;
        };
        let mut out = Vec::new();
        for v in values {
            match f.value(&v.node) {
                Some(x) => out.push(x),
                None => self.errors.push((
                    fi,
                    RuleError::new(
                        RuleErrorKind::UnknownFacet,
                        v.span.clone(),
                        format!("`{}` is not a value of `{}`", v.node, f.name()),
                        "not a value of this facet",
                    )
                    .with_help(suggest(&v.node, f.values(), "values")),
                )),
            }
        }
        (out.len() == values.len()).then_some((f, out))
    }

    fn rule(
        &mut self,
        fi: usize,
        pack: &str,
        src: &Arc<SourceFile>,
        r: &ast::RuleDef,
    ) -> Option<Rule> {
        let before = self.errors.len();
        let mut texts: HashMap<&str, TextSlots> = HashMap::new();
        let mut severity = None;
        let (mut cite, mut url, mut effective) = (None, None, None);
        let mut tags = Vec::new();
        let mut scope_page = false;
        let mut group = None;
        let mut seen_fields: HashMap<&str, &Span> = HashMap::new();
        for f in &r.fields {
            let key = f.key.node.as_str();
            if !is_field(key) {
                let best = SHOWN_FIELDS
                    .iter()
                    .min_by_key(|k| strsim::levenshtein(key, k))
                    .copied()
                    .unwrap_or("title");
                self.errors.push((
                    fi,
                    RuleError::new(
                        RuleErrorKind::UnknownField,
                        f.key.span.clone(),
                        format!("unknown field `{key}`"),
                        "not a rule field",
                    )
                    .with_help(format!(
                        "did you mean `{best}`? Fields: {}",
                        SHOWN_FIELDS.join(", ")
                    )),
                ));
                continue;
            }
            if let Some(first) = seen_fields.insert(key, &f.key.span) {
                self.errors.push((
                    fi,
                    RuleError::new(
                        RuleErrorKind::Syntax,
                        f.key.span.clone(),
                        format!("field `{key}` is set twice"),
                        "set again here",
                    )
                    .with_related(first.clone(), "first set here")
                    .with_help("keep one of them"),
                ));
                continue;
            }
            if let Some((base, lang)) = text_key(key) {
                self.text_field(fi, f, base, lang, texts.entry(base).or_default());
                continue;
            }
            if let ast::FieldValue::Pair(_, en) = &f.value {
                self.errors.push((fi, one_value(key, en)));
                continue;
            }
            let text = match &f.value {
                ast::FieldValue::Str(s) | ast::FieldValue::Word(s) | ast::FieldValue::Date(s) => {
                    s.node.clone()
                }
                ast::FieldValue::Pair(ja, _) => ja.node.clone(),
                ast::FieldValue::List(items, _) => items
                    .iter()
                    .map(|i| i.node.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            };
            match key {
                "cite" => cite = Some(text),
                "url" => url = Some(text),
                "effective" => effective = Some(text),
                "scope" => match text.as_str() {
                    "page" => scope_page = true,
                    "set" => scope_page = false,
                    other => {
                        let span = match &f.value {
                            ast::FieldValue::Str(s) | ast::FieldValue::Word(s) => s.span.clone(),
                            _ => f.key.span.clone(),
                        };
                        self.errors.push((
                            fi,
                            RuleError::new(
                                RuleErrorKind::UnknownScope,
                                span,
                                format!("unknown rule scope `{other}`"),
                                "not a rule scope",
                            )
                            .with_help("use `scope page` (each page of a set alone) or `scope set` (the default)"),
                        ));
                    }
                },
                "group" => {
                    // A group is a column of the compliance matrix and a key
                    // scripts read: one plain id, as rule ids are written.
                    let ok = !text.is_empty()
                        && text
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                    if ok {
                        group = Some(text);
                    } else {
                        let span = match &f.value {
                            ast::FieldValue::Str(s) | ast::FieldValue::Word(s) => s.span.clone(),
                            _ => f.key.span.clone(),
                        };
                        self.errors.push((
                            fi,
                            RuleError::new(
                                RuleErrorKind::Syntax,
                                span,
                                format!("bad rule group `{text}`"),
                                "not a group id",
                            )
                            .with_help("a group id is lower-case letters, digits and `-`, e.g. `group third-party`"),
                        ));
                    }
                }
                "tags" => {
                    if let ast::FieldValue::List(items, _) = &f.value {
                        tags = items.iter().map(|i| i.node.clone()).collect();
                    } else {
                        tags = vec![text];
                    }
                }
                "severity" => {
                    if let ast::FieldValue::Word(w) | ast::FieldValue::Str(w) = &f.value {
                        severity = self.severity(fi, w);
                    }
                }
                _ => {}
            }
        }
        let missing_field = |name: &str, label: &str, help: &str| {
            RuleError::new(
                RuleErrorKind::MissingField,
                r.id.span.clone(),
                format!("rule `{}` has no {name}", r.id.node),
                label.to_string(),
            )
            .with_help(help.to_string())
        };
        if !seen_fields.contains_key("severity") {
            self.errors.push((
                fi,
                missing_field(
                    "`severity`",
                    "`severity` is required",
                    "add `severity error`, `severity warning` or `severity info`",
                ),
            ));
        }
        const MESSAGE_EG: &str =
            "message \"{missing}が記載されていません\" / \"{missing} not stated\"";
        let message_slots = texts.get("message");
        match message_slots.map(|m| (m.ja.is_some(), m.en.is_some())) {
            Some((true, true)) => {}
            Some((true, false)) => self.errors.push((
                fi,
                missing_field(
                    "English `message`",
                    "a message in English is required",
                    &format!("give both texts, e.g. `{MESSAGE_EG}`"),
                ),
            )),
            Some((false, true)) => self.errors.push((
                fi,
                missing_field(
                    "Japanese `message`",
                    "a message in Japanese is required",
                    &format!("give both texts, e.g. `{MESSAGE_EG}`"),
                ),
            )),
            _ => self.errors.push((
                fi,
                missing_field(
                    "`message`",
                    "`message` is required",
                    &format!("add e.g. `{MESSAGE_EG}`"),
                ),
            )),
        }
        let text = |base: &str| texts.get(base).map(TextSlots::text).unwrap_or_default();
        let (title, message, forbid_message, reference_message, help) = (
            text("title"),
            text("message"),
            text("forbid-message"),
            text("reference-message"),
            text("help"),
        );
        let when = r.when.as_ref().and_then(|w| {
            let mentions = self.expr(fi, &w.mentions)?;
            let unless_in = match &w.unless_in {
                Some(u) => Some(self.expr(fi, u)?),
                None => None,
            };
            Some(Trigger {
                mentions,
                unless_in,
            })
        });
        let mut applies = Vec::new();
        for a in &r.applies {
            let cap = match &a.cap {
                Some(w) => match self.severity(fi, w) {
                    Some(s) => Some(s),
                    None => continue,
                },
                None => None,
            };
            if let Some((facet, values)) = self.facet_values(fi, &a.facet, &a.values) {
                applies.push(Applies { facet, values, cap });
            }
        }
        let mut elements: HashMap<String, Span> = HashMap::new();
        let body = self.block(fi, &r.body, &mut elements);
        // Anchors and test expectations may only name elements of this rule.
        self.check_anchor_names(fi, &r.body, &elements);
        let mut tests = Vec::new();
        for t in &r.tests {
            let mut with = Vec::new();
            for (facet, value) in &t.with {
                if let Some((f, v)) = self.facet_values(fi, facet, std::slice::from_ref(value)) {
                    with.push((f, v[0]));
                }
            }
            for ex in &t.expects {
                for m in ex.missing.iter().flatten() {
                    if !elements.contains_key(&m.node) {
                        self.errors.push((fi, unknown_element(m, &elements)));
                    }
                }
            }
            let input = match &t.source {
                ast::TestSource::Inline(s) => TestInput::Inline(s.node.clone()),
                ast::TestSource::File(p) => {
                    let base = src
                        .path
                        .as_deref()
                        .and_then(Path::parent)
                        .unwrap_or(Path::new("."));
                    let path = base.join(&p.node);
                    // A test file is read only inside the pack (or the
                    // project); a missing one is reported when the case runs.
                    let reach = &self.reach[fi];
                    let on_disk = src.path.is_some();
                    if on_disk && path.canonicalize().is_ok_and(|c| !within(reach, &c)) {
                        self.errors.push((
                            fi,
                            RuleError::new(
                                RuleErrorKind::Test,
                                p.span.clone(),
                                format!("test file `{}` is outside the pack", p.node),
                                "this file",
                            )
                            .with_help(
                                "test files must lie inside the pack's folder (or the project)",
                            ),
                        ));
                        continue;
                    }
                    TestInput::File(path)
                }
            };
            tests.push(TestCase {
                kind: match t.kind.node {
                    ast::TestKind::Pass => TestKind::Pass,
                    ast::TestKind::Fail => TestKind::Fail,
                },
                input,
                format: t.format.as_ref().map(|f| f.node.clone()),
                with,
                expects: t
                    .expects
                    .iter()
                    .map(|e| Expect {
                        missing: e
                            .missing
                            .as_ref()
                            .map(|m| m.iter().map(|s| s.node.clone()).collect()),
                        at: e.at.as_ref().map(|a| a.node),
                        line: None,
                    })
                    .collect(),
                span: t.span.clone(),
            });
        }
        if self.errors.len() > before {
            return None;
        }
        Some(Rule {
            id: r.id.node.clone(),
            pack: pack.to_string(),
            title: if title.is_empty() {
                Text {
                    ja: r.id.node.clone(),
                    en: r.id.node.clone(),
                }
            } else {
                title
            },
            severity: severity.unwrap_or(Severity::Error),
            cite,
            url,
            effective,
            tags,
            scope_page,
            group: group.unwrap_or_else(|| DEFAULT_GROUP.to_string()),
            forbid_message: if forbid_message.is_empty() {
                message.clone()
            } else {
                forbid_message
            },
            reference_message: if reference_message.is_empty() {
                message.clone()
            } else {
                reference_message
            },
            message,
            help,
            when,
            applies,
            body,
            tests,
            file: src.clone(),
            span: r.span.clone(),
        })
    }

    /// One text field, `base` with the language suffix `lang` if it has
    /// one: its texts go into `slots`; a language given twice (`message
    /// "…" / "…"` and `message.ja "…"`) is an error.
    fn text_field(
        &mut self,
        fi: usize,
        f: &ast::Field,
        base: &str,
        lang: Option<Lang>,
        slots: &mut TextSlots,
    ) {
        let single = |s: &Spanned<String>| (s.node.clone(), s.span.clone());
        let parts: Vec<(Lang, (String, Span))> = match (&f.value, lang) {
            (ast::FieldValue::Pair(ja, en), None) => {
                vec![(Lang::Ja, single(ja)), (Lang::En, single(en))]
            }
            (ast::FieldValue::Pair(first, en), Some(l)) => {
                self.errors.push((
                    fi,
                    one_value(&f.key.node, en).with_help(format!(
                        "write `{base} \"日本語\" / \"English\"`, or one string after `{}`",
                        f.key.node
                    )),
                ));
                // The first text still counts, so that no "has no
                // message" follows from this one error.
                vec![(l, single(first))]
            }
            (ast::FieldValue::List(..), _) => {
                self.errors.push((
                    fi,
                    RuleError::new(
                        RuleErrorKind::Syntax,
                        f.value.span(),
                        format!("`{}` takes a text, not a list", f.key.node),
                        "a list",
                    )
                    .with_help(format!("write `{base} \"日本語\" / \"English\"`")),
                ));
                return;
            }
            // One string: the same text in both languages, or in the one
            // the key names.
            (
                ast::FieldValue::Str(s) | ast::FieldValue::Word(s) | ast::FieldValue::Date(s),
                lang,
            ) => match lang {
                Some(l) => vec![(l, single(s))],
                None => vec![(Lang::Ja, single(s)), (Lang::En, single(s))],
            },
        };
        for (l, (text, span)) in parts {
            let (slot, language) = match l {
                Lang::Ja => (&mut slots.ja, "Japanese"),
                Lang::En => (&mut slots.en, "English"),
            };
            if let Some((_, first)) = slot {
                self.errors.push((
                    fi,
                    RuleError::new(
                        RuleErrorKind::Syntax,
                        span,
                        format!("the {language} text of `{base}` is given twice"),
                        "given again here",
                    )
                    .with_related(first.clone(), "first given here")
                    .with_help(format!(
                        "give each text once: `{base} \"日本語\" / \"English\"` (the keys \
                         `{base}.ja` and `{base}.en` are the older form of the same)"
                    )),
                ));
                // One error per field is enough.
                return;
            }
            *slot = Some((text, span));
        }
    }

    fn check_anchor_names(
        &mut self,
        fi: usize,
        stmts: &[ast::Stmt],
        elements: &HashMap<String, Span>,
    ) {
        for s in stmts {
            match s {
                ast::Stmt::Anchor(a) => {
                    if let ast::Anchor::Nearest(name) = &a.node
                        && !elements.contains_key(&name.node)
                    {
                        // At the whole statement, as before the name had a span.
                        let sp = Spanned::new(name.node.clone(), a.span.clone());
                        self.errors.push((fi, unknown_element(&sp, elements)));
                    }
                }
                ast::Stmt::Scope(b) => self.check_anchor_names(fi, &b.body, elements),
                ast::Stmt::Require(r) => {
                    for e in &r.elements {
                        self.check_anchor_names(fi, &e.body, elements);
                    }
                }
                _ => {}
            }
        }
    }

    fn block(
        &mut self,
        fi: usize,
        stmts: &[ast::Stmt],
        elements: &mut HashMap<String, Span>,
    ) -> Block {
        let mut b = Block::default();
        for s in stmts {
            match s {
                ast::Stmt::Scope(sb) => {
                    let scope = match &sb.scope {
                        ast::Scope::Document(_) => Some(Scope::Document),
                        ast::Scope::Section {
                            heading,
                            or_document,
                            together,
                            ..
                        } => {
                            let heading = match heading {
                                Some(h) => self.expr(fi, h).map(Some),
                                None => Some(None),
                            };
                            heading.map(|heading| Scope::Section {
                                heading,
                                or_document: *or_document,
                                together: *together,
                            })
                        }
                        ast::Scope::SectionOf { of, .. } => self.expr(fi, of).map(Scope::SectionOf),
                        ast::Scope::Node { kind, with, .. } => {
                            let with = match with {
                                Some(w) => self.expr(fi, w).map(Some),
                                None => Some(None),
                            };
                            let kind = match kind.node {
                                ast::NodeScope::Paragraph => NodeScope::Paragraph,
                                ast::NodeScope::Sentence => NodeScope::Sentence,
                                ast::NodeScope::ListItem => NodeScope::ListItem,
                                ast::NodeScope::Cell => NodeScope::Cell,
                            };
                            with.map(|with| Scope::Node { kind, with })
                        }
                        ast::Scope::Near { of, chars, .. } => {
                            let of = match of {
                                Some(o) => self.expr(fi, o).map(Some),
                                None => Some(None),
                            };
                            of.map(|of| Scope::Near {
                                of,
                                chars: chars.node,
                            })
                        }
                    };
                    let body = self.block(fi, &sb.body, elements);
                    if let Some(scope) = scope {
                        b.scopes.push(ScopeBlock { scope, body });
                    }
                }
                ast::Stmt::Require(r) => {
                    let mode = match r.mode.node {
                        ast::RequireMode::All => Mode::All,
                        ast::RequireMode::Any => Mode::Any,
                        ast::RequireMode::AtLeast(n) => Mode::AtLeast(n),
                    };
                    if let Mode::AtLeast(n) = mode
                        && (n == 0 || n as usize > r.elements.len())
                    {
                        self.errors.push((
                            fi,
                            RuleError::new(
                                RuleErrorKind::Syntax,
                                r.mode.span.clone(),
                                format!(
                                    "`{n} of` needs between 1 and {} elements",
                                    r.elements.len()
                                ),
                                "cannot be met",
                            )
                            .with_help("lower the number or add elements"),
                        ));
                    }
                    let mut els = Vec::new();
                    for e in &r.elements {
                        if let Some(first) = elements.get(&e.name.node) {
                            self.errors.push((
                                fi,
                                RuleError::new(
                                    RuleErrorKind::DuplicateElement,
                                    e.name.span.clone(),
                                    format!("element `{}` is named twice in this rule", e.name.node),
                                    "named again here",
                                )
                                .with_related(first.clone(), "first named here")
                                .with_help("findings list missing elements by name; give each element its own name"),
                            ));
                        } else {
                            elements.insert(e.name.node.clone(), e.name.span.clone());
                        }
                        let expr = if e.except_in.is_some() || e.except_operator {
                            self.expr_except(fi, &e.expr, e.except_in.as_ref(), e.except_operator)
                        } else {
                            self.expr(fi, &e.expr)
                        };
                        let condition = e.condition.as_ref().and_then(|c| {
                            self.facet_values(fi, &c.facet, &c.values)
                                .map(|(facet, values)| Condition { facet, values })
                        });
                        let body = (!e.body.is_empty()).then(|| self.block(fi, &e.body, elements));
                        if let Some(expr) = expr {
                            els.push(Element {
                                name: e.name.node.clone(),
                                label: Text {
                                    ja: e
                                        .label_ja
                                        .as_ref()
                                        .map_or_else(|| e.name.node.clone(), |l| l.node.clone()),
                                    en: e
                                        .label_en
                                        .as_ref()
                                        .map_or_else(|| e.name.node.clone(), |l| l.node.clone()),
                                },
                                expr,
                                condition,
                                body,
                            });
                        }
                    }
                    b.requires.push(Requirement {
                        mode,
                        elements: els,
                    });
                }
                ast::Stmt::Forbid(f) => {
                    let expr = self.expr(fi, &f.expr);
                    let near = match &f.near {
                        Some((e, n)) => self.expr(fi, e).map(|e| Some((e, n.node))),
                        None => Some(None),
                    };
                    if let (Some(expr), Some(near)) = (expr, near) {
                        b.forbids.push(Forbid { expr, near });
                    }
                }
                ast::Stmt::Consistent(c) => {
                    let expr = self.expr(fi, &c.expr);
                    let ignoring = match &c.ignoring {
                        Some(e) => self.expr(fi, e).map(Some),
                        None => Some(None),
                    };
                    if let (Some(expr), Some(ignoring)) = (expr, ignoring) {
                        b.consistent.push(Consistent { expr, ignoring });
                    }
                }
                ast::Stmt::Reference(r) => {
                    let expr = self.expr(fi, &r.expr);
                    let unless = match &r.unless {
                        Some(u) => self.expr(fi, u).map(Some),
                        None => Some(None),
                    };
                    let severity = match &r.severity {
                        Some(s) => self.severity(fi, s),
                        None => Some(Severity::Warning),
                    };
                    if let (Some(expr), Some(severity), Some(unless)) = (expr, severity, unless) {
                        b.references.push(Reference {
                            expr,
                            severity,
                            unless,
                        });
                    }
                }
                ast::Stmt::Anchor(a) => {
                    b.anchor = match &a.node {
                        ast::Anchor::Trigger => Some(Anchor::Trigger),
                        ast::Anchor::Heading => Some(Anchor::Heading),
                        ast::Anchor::Scope => Some(Anchor::Scope),
                        ast::Anchor::Nearest(n) => Some(Anchor::Nearest(n.node.clone())),
                        ast::Anchor::At(e) => self.expr(fi, e).map(Anchor::At),
                    }
                }
                ast::Stmt::IncludeBoilerplate(_) => b.include_boilerplate = true,
            }
        }
        b
    }
}

/// "did you mean" for a word among `options`, then the list of them.
fn suggest(word: &str, options: &[&str], what: &str) -> String {
    let best = options
        .iter()
        .min_by_key(|o| strsim::levenshtein(word, o))
        .filter(|o| strsim::levenshtein(word, o) <= 3);
    match best {
        Some(b) => format!("did you mean `{b}`? {what}: {}", options.join(", ")),
        None => format!("{what}: {}", options.join(", ")),
    }
}

/// `key "…" / "…"` on a field that takes one value.
fn one_value(key: &str, en: &Spanned<String>) -> RuleError {
    RuleError::new(
        RuleErrorKind::Syntax,
        en.span.clone(),
        format!("`{key}` takes one value"),
        "a second text",
    )
    .with_help(format!(
        "only `title`, `message`, `help`, `forbid-message` and `reference-message` take \
         `\"日本語\" / \"English\"`; give `{key}` one string"
    ))
}

fn unknown_element(name: &Spanned<String>, elements: &HashMap<String, Span>) -> RuleError {
    let mut names: Vec<&String> = elements.keys().collect();
    names.sort();
    let best = names
        .iter()
        .min_by_key(|n| strsim::levenshtein(&name.node, n));
    RuleError::new(
        RuleErrorKind::UnknownElement,
        name.span.clone(),
        format!("unknown element `{}`", name.node),
        "no element of this name in the rule",
    )
    .with_help(match best {
        Some(b) if strsim::levenshtein(&name.node, b) <= 3 => format!("did you mean `{b}`?"),
        _ => format!(
            "elements of this rule: {}",
            names
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}
