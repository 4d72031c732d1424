//! The syntax tree of a rule file, as the parser produces it. Every node
//! keeps its byte span in the rule file so that compile errors can point at
//! it. Nothing here is resolved: term references are names, severities are
//! words; the compiler checks them.

use std::ops::Range;

/// Byte range in the rule file.
pub type Span = Range<usize>;

/// A value with the span it was written at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

/// One rule file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct File {
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `pack NAME { field* }`: names the pack this file belongs to.
    Pack(PackDecl),
    /// `import "path"`: terms of another file (relative to this one).
    Import(Spanned<String>),
    /// `term NAME = expr`
    Term(TermDef),
    /// `rule ID { … }`
    Rule(RuleDef),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackDecl {
    pub name: Spanned<String>,
    pub fields: Vec<Field>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermDef {
    pub name: Spanned<String>,
    pub expr: Expr,
    pub span: Span,
}

/// A pattern: alternatives of literals, regular expressions and term names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// `a | b | c` (two or more alternatives)
    Alt(Vec<Expr>, Span),
    /// `"お問い合わせ"` (escapes resolved)
    Literal(Spanned<String>),
    /// `/相談窓口/` (the text between the slashes, `\/` resolved to `/`)
    Regex(Spanned<String>),
    /// `contact`: a term
    Ref(Spanned<String>),
    /// `a then b [within N]`: a match of `a`, then one of `b` later in the
    /// same sentence (at most N characters between them).
    Seq {
        first: Box<Expr>,
        then: Box<Expr>,
        within: Option<Spanned<u32>>,
        span: Span,
    },
    /// `a except followed by z` / `a except preceded by z`: a match of `a`
    /// right before (after) a match of `z` does not count.
    Except {
        base: Box<Expr>,
        side: Side,
        by: Box<Expr>,
        span: Span,
    },
}

/// Which neighbour of a match `except … by` looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// `followed by`: what comes right after the match.
    After,
    /// `preceded by`: what comes right before it.
    Before,
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Alt(_, s) | Expr::Seq { span: s, .. } | Expr::Except { span: s, .. } => s.clone(),
            Expr::Literal(s) | Expr::Regex(s) | Expr::Ref(s) => s.span.clone(),
        }
    }
}

/// `key value` inside a rule or pack: `severity error`, `cite "…"`,
/// `message "…" / "…"`, `message.ja "…"`, `tags [a, b]`,
/// `effective 2022-04-01`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The key as written, with its language suffix if any: "message",
    /// "message.ja".
    pub key: Spanned<String>,
    pub value: FieldValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    Str(Spanned<String>),
    /// `"日本語" / "English"`: a text in both languages.
    Pair(Spanned<String>, Spanned<String>),
    /// A bare word: `error`, `warning`, `info`.
    Word(Spanned<String>),
    /// `2022-04-01`
    Date(Spanned<String>),
    /// `[a, "b"]`
    List(Vec<Spanned<String>>, Span),
}

impl FieldValue {
    pub fn span(&self) -> Span {
        match self {
            FieldValue::Str(s) | FieldValue::Word(s) | FieldValue::Date(s) => s.span.clone(),
            FieldValue::Pair(ja, en) => ja.span.start..en.span.end,
            FieldValue::List(_, s) => s.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDef {
    /// `appi/joint-use`
    pub id: Spanned<String>,
    pub fields: Vec<Field>,
    pub when: Option<When>,
    /// `applies FACET = V | V [-> SEVERITY]`: the contexts the rule applies to.
    pub applies: Vec<Applies>,
    /// Statements at the top of the rule: they apply to the whole document
    /// unless a scope block narrows them.
    pub body: Vec<Stmt>,
    pub tests: Vec<TestCase>,
    pub span: Span,
}

/// `when mentions EXPR [unless in EXPR]`: the rule applies only when the
/// document mentions EXPR outside sentences that match the `unless` pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct When {
    pub mentions: Expr,
    pub unless_in: Option<Expr>,
    pub span: Span,
}

/// `applies FACET = V | V [-> SEVERITY]`: the rule applies to documents
/// whose context has one of the values for this facet; `-> SEVERITY` caps
/// the severity of its findings there. Lines on one facet are alternatives;
/// lines on different facets must all hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applies {
    pub facet: Spanned<String>,
    pub values: Vec<Spanned<String>>,
    pub cap: Option<Spanned<String>>,
    pub span: Span,
}

/// `if FACET = V | V` on an element: the element is required only there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub facet: Spanned<String>,
    pub values: Vec<Spanned<String>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stmt {
    /// `in SCOPE { stmt* }`
    Scope(ScopeBlock),
    Require(Require),
    Forbid(Forbid),
    Reference(Reference),
    /// `anchor trigger | heading | scope | nearest NAME`
    Anchor(Spanned<Anchor>),
    /// `include boilerplate`: also look in navigation, headers and footers.
    IncludeBoilerplate(Span),
    /// `consistent EXPR [ignoring EXPR]`: near-identical matches must be
    /// spelled the same.
    Consistent(Consistent),
}

/// `consistent EXPR [ignoring EXPR]`: matches that are almost the same (a
/// legal name with a typo) but not identical are reported, with a label on
/// each spelling. Two spellings are one name only if they begin alike once
/// the parts matching `ignoring` (legal forms such as 株式会社) are set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consistent {
    pub expr: Expr,
    pub ignoring: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeBlock {
    pub scope: Scope,
    pub body: Vec<Stmt>,
    pub span: Span,
}

/// Node kinds a scope can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeScope {
    Paragraph,
    Sentence,
    ListItem,
    Cell,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `document`
    Document(Span),
    /// `section(EXPR)`: each section whose heading matches; `section` alone:
    /// every section. `or document` falls back to the whole document when
    /// no section matches.
    Section {
        heading: Option<Expr>,
        or_document: bool,
        /// `sections(EXPR)`: the matching sections taken together, as one
        /// part (a clause split over "Cookie" and "アクセス解析" sections).
        together: bool,
        span: Span,
    },
    /// `section of EXPR`: the innermost section around each match.
    SectionOf { of: Expr, span: Span },
    /// `paragraph | sentence | list-item | cell [with EXPR]`
    Node {
        kind: Spanned<NodeScope>,
        with: Option<Expr>,
        span: Span,
    },
    /// `near EXPR within N`: N characters either side of each match.
    /// `near N` inside an element block: around the element's match.
    Near {
        of: Option<Expr>,
        chars: Spanned<u32>,
        span: Span,
    },
}

impl Scope {
    pub fn span(&self) -> Span {
        match self {
            Scope::Document(s) => s.clone(),
            Scope::Section { span, .. }
            | Scope::SectionOf { span, .. }
            | Scope::Node { span, .. }
            | Scope::Near { span, .. } => span.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequireMode {
    All,
    Any,
    AtLeast(u32),
}

/// `require NAME = EXPR …` or `require all|any|N of { element* }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Require {
    pub mode: Spanned<RequireMode>,
    pub elements: Vec<Element>,
    pub span: Span,
}

/// `NAME = EXPR [as "ja" [/ "en"]] [{ stmt* }]`: a named part of a clause.
/// The block, if any, is checked around each match of the element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub name: Spanned<String>,
    pub expr: Expr,
    /// `except in EXPR`: a match inside a sentence that matches EXPR does
    /// not count ("X（以下「当社」）" names the operator, not a recipient).
    pub except_in: Option<Expr>,
    /// `except operator`: a match on the operator's own name (as the
    /// document defines it) does not count.
    pub except_operator: bool,
    pub label_ja: Option<Spanned<String>>,
    pub label_en: Option<Spanned<String>>,
    /// `if FACET = V | V`
    pub condition: Option<Condition>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

/// `forbid EXPR [near EXPR within N]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forbid {
    pub expr: Expr,
    pub near: Option<(Expr, Spanned<u32>)>,
    pub span: Span,
}

/// `reference EXPR [-> SEVERITY] [unless EXPR]`: a pointer to another page
/// stands in for the missing elements, at the given severity — unless the
/// scope also says the page is gone ("公開を終了しました").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub expr: Expr,
    pub severity: Option<Spanned<String>>,
    pub unless: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    Trigger,
    Heading,
    Scope,
    /// The element's name, with its span.
    Nearest(Spanned<String>),
    /// `anchor at EXPR`: the first match of EXPR in the part checked.
    At(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestKind {
    Pass,
    Fail,
}

/// `test pass|fail ("text" | file "path") [format WORD] expect*`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCase {
    pub kind: Spanned<TestKind>,
    pub source: TestSource,
    /// `format markdown|html|text` for inline text (default: text).
    pub format: Option<Spanned<String>>,
    /// `with FACET = VALUE, …`: the context the case is checked in.
    pub with: Vec<(Spanned<String>, Spanned<String>)>,
    pub expects: Vec<Expect>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestSource {
    Inline(Spanned<String>),
    File(Spanned<String>),
}

/// `expect [missing [a, b]] [at LINE:COL]`: one finding the case must give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expect {
    pub missing: Option<Vec<Spanned<String>>>,
    pub at: Option<Spanned<(u32, u32)>>,
    pub span: Span,
}
