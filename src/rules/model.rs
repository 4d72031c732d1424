//! Compiled rules: what the engine evaluates. Terms are resolved to pattern
//! sets, severities and scopes are checked, messages are ready to render.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use super::ast::Span;
use crate::document::{Context, Facet};
use crate::pattern::{PatternId, PatternSet};

/// Index of a compiled pattern expression in [`RuleSet::exprs`].
pub type ExprId = u32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// The language of user-facing messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// Text in both languages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    pub ja: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja if !self.ja.is_empty() => &self.ja,
            Lang::En if !self.en.is_empty() => &self.en,
            _ if !self.ja.is_empty() => &self.ja,
            _ => &self.en,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ja.is_empty() && self.en.is_empty()
    }
}

/// A rule file as loaded.
#[derive(Debug)]
pub struct SourceFile {
    /// Name shown in messages (a path, or `builtin:appi/…`).
    pub name: String,
    /// Where it is on disk, if it is (test files are relative to it).
    pub path: Option<PathBuf>,
    pub text: Arc<String>,
}

/// All loaded rules and the patterns they need.
#[derive(Debug)]
pub struct RuleSet {
    pub files: Vec<Arc<SourceFile>>,
    pub patterns: PatternSet,
    /// Pattern ids of each compiled expression.
    pub exprs: Vec<Vec<PatternId>>,
    /// What does not count among an expression's matches (`except`).
    pub excepts: Vec<Except>,
    pub rules: Vec<Rule>,
}

impl RuleSet {
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The loaded rule id a mistyped `id` most likely means: the nearest
    /// by spelling, else one with the same name in another pack
    /// (`appi/date` → `policy/date`).
    pub fn suggest(&self, id: &str) -> Option<&str> {
        let mut ids: Vec<&str> = self.rules.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        crate::text::nearest(id, ids.iter().copied()).or_else(|| {
            let name = id.rsplit('/').next().unwrap_or(id);
            ids.into_iter()
                .find(|r| r.rsplit('/').next() == Some(name) && *r != id)
        })
    }
}

/// `except in X` / `except operator` on an element's expression.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Except {
    /// Matches inside a sentence that matches this do not count.
    pub in_sentence: Option<ExprId>,
    /// Matches on the operator's own name do not count.
    pub operator: bool,
}

/// The group of a rule that names none.
pub const DEFAULT_GROUP: &str = "other";

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub pack: String,
    pub title: Text,
    pub severity: Severity,
    pub cite: Option<String>,
    pub url: Option<String>,
    pub effective: Option<String>,
    pub tags: Vec<String>,
    /// Message of findings about missing elements.
    pub message: Text,
    /// Message of findings about forbidden phrases (defaults to `message`).
    pub forbid_message: Text,
    /// Message when a reference stands in (defaults to `message`).
    pub reference_message: Text,
    pub help: Text,
    pub when: Option<Trigger>,
    /// The contexts the rule applies to (empty: every context).
    pub applies: Vec<Applies>,
    /// `scope page`: checked on each page of a document set alone (the
    /// default, set scope, checks a set as one document).
    pub scope_page: bool,
    /// `group NAME`: the requirement group the rule belongs to (a column
    /// of the compliance matrix); [`DEFAULT_GROUP`] when not given.
    pub group: String,
    pub body: Block,
    pub tests: Vec<TestCase>,
    /// The file and span of the rule, for `explain` and test reports.
    pub file: Arc<SourceFile>,
    pub span: Span,
}

impl Rule {
    /// The element of this name, in any block of the rule (names are
    /// unique within a rule).
    pub fn element(&self, name: &str) -> Option<&Element> {
        fn find<'b>(b: &'b Block, name: &str) -> Option<&'b Element> {
            for r in &b.requires {
                for e in &r.elements {
                    if e.name == name {
                        return Some(e);
                    }
                    if let Some(found) = e.body.as_ref().and_then(|body| find(body, name)) {
                        return Some(found);
                    }
                }
            }
            b.scopes.iter().find_map(|s| find(&s.body, name))
        }
        find(&self.body, name)
    }
}

/// `applies FACET = V | V [-> SEVERITY]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applies {
    pub facet: Facet,
    pub values: Vec<&'static str>,
    pub cap: Option<Severity>,
}

/// Whether a rule applies in a context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applicability {
    /// It applies; findings are capped at this severity, because of the
    /// value of this facet.
    Applies(Option<(Severity, Facet)>),
    /// It does not apply: the context's value of this facet is not one of
    /// the values the rule lists.
    Skipped(Facet),
}

impl Rule {
    /// Whether the rule applies in `ctx`: for each facet the rule names,
    /// some line must list the context's value (lines on one facet are
    /// alternatives); the strictest cap among the facets holds, and on one
    /// facet an uncapped line beats a capped one.
    pub fn applicability(&self, ctx: &Context) -> Applicability {
        let mut cap: Option<(Severity, Facet)> = None;
        for facet in Facet::ALL {
            let lines: Vec<&Applies> = self.applies.iter().filter(|a| a.facet == facet).collect();
            if lines.is_empty() {
                continue;
            }
            let value = ctx.get(facet).value;
            let matching: Vec<&Applies> = lines
                .into_iter()
                .filter(|a| a.values.contains(&value))
                .collect();
            if matching.is_empty() {
                return Applicability::Skipped(facet);
            }
            if matching.iter().all(|a| a.cap.is_some()) {
                let c = matching.iter().filter_map(|a| a.cap).max();
                if let Some(c) = c
                    && cap.is_none_or(|(old, _)| c < old)
                {
                    cap = Some((c, facet));
                }
            }
        }
        Applicability::Applies(cap)
    }
}

/// `if FACET = V | V` on an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub facet: Facet,
    pub values: Vec<&'static str>,
}

impl Condition {
    pub fn holds(&self, ctx: &Context) -> bool {
        self.values.contains(&ctx.get(self.facet).value)
    }
}

#[derive(Debug, Clone)]
pub struct Trigger {
    pub mentions: ExprId,
    pub unless_in: Option<ExprId>,
}

#[derive(Debug, Clone, Default)]
pub struct Block {
    pub scopes: Vec<ScopeBlock>,
    pub requires: Vec<Requirement>,
    pub forbids: Vec<Forbid>,
    pub references: Vec<Reference>,
    pub anchor: Option<Anchor>,
    pub include_boilerplate: bool,
    /// Patterns whose near-identical matches must be spelled the same.
    pub consistent: Vec<Consistent>,
}

/// `consistent EXPR [ignoring EXPR]`.
#[derive(Debug, Clone, Copy)]
pub struct Consistent {
    pub expr: ExprId,
    /// Parts of a spelling set aside when comparing how names begin.
    pub ignoring: Option<ExprId>,
}

#[derive(Debug, Clone)]
pub struct ScopeBlock {
    pub scope: Scope,
    pub body: Block,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeScope {
    Paragraph,
    Sentence,
    ListItem,
    Cell,
}

#[derive(Debug, Clone)]
pub enum Scope {
    Document,
    Section {
        heading: Option<ExprId>,
        or_document: bool,
        /// The matching sections together, as one part.
        together: bool,
    },
    SectionOf(ExprId),
    Node {
        kind: NodeScope,
        with: Option<ExprId>,
    },
    Near {
        of: Option<ExprId>,
        chars: u32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    All,
    Any,
    AtLeast(u32),
}

#[derive(Debug, Clone)]
pub struct Requirement {
    pub mode: Mode,
    pub elements: Vec<Element>,
}

#[derive(Debug, Clone)]
pub struct Element {
    pub name: String,
    pub label: Text,
    pub expr: ExprId,
    /// Required only in the contexts this names.
    pub condition: Option<Condition>,
    pub body: Option<Block>,
}

impl Element {
    /// The elements the block of this element requires, through its scopes
    /// but not into their own blocks: what this element stands for (the
    /// controller: its name, address and representative).
    pub fn children(&self) -> Vec<&Element> {
        fn collect<'b>(b: &'b Block, out: &mut Vec<&'b Element>) {
            for r in &b.requires {
                out.extend(&r.elements);
            }
            for s in &b.scopes {
                collect(&s.body, out);
            }
        }
        let mut out = Vec::new();
        if let Some(body) = &self.body {
            collect(body, &mut out);
        }
        out
    }
}

#[derive(Debug, Clone)]
pub struct Forbid {
    pub expr: ExprId,
    pub near: Option<(ExprId, u32)>,
}

#[derive(Debug, Clone)]
pub struct Reference {
    pub expr: ExprId,
    pub severity: Severity,
    /// When this also matches in the scope, the reference does not count.
    pub unless: Option<ExprId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    Trigger,
    Heading,
    Scope,
    Nearest(String),
    /// The first match of this expression in the part checked.
    At(ExprId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestKind {
    Pass,
    Fail,
}

#[derive(Debug, Clone)]
pub enum TestInput {
    Inline(String),
    File(PathBuf),
}

#[derive(Debug, Clone)]
pub struct TestCase {
    pub kind: TestKind,
    pub input: TestInput,
    /// Format name for inline text: text, markdown or html.
    pub format: Option<String>,
    /// The context the case is checked in, over the one inferred.
    pub with: Vec<(Facet, &'static str)>,
    pub expects: Vec<Expect>,
    /// Where the case is written, for reports.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expect {
    pub missing: Option<Vec<String>>,
    pub at: Option<(u32, u32)>,
    /// The line the finding starts on, whatever its column (a fixture's
    /// `policylint-expect` names the line after it).
    pub line: Option<u32>,
}
