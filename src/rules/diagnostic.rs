//! Errors in rule files: parse and compile errors share one shape, rendered
//! with miette so that each points into the rule file with a label and help.

use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, SourceSpan};

use super::ast::Span;
use crate::text::CharSource;

/// What went wrong, for tests and for `--format json` one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleErrorKind {
    Syntax,
    UnterminatedString,
    UnknownTerm,
    TermCycle,
    DuplicateRuleId,
    DuplicateTerm,
    InvalidRegex,
    UnknownScope,
    UnknownSeverity,
    UnknownField,
    MissingField,
    DuplicateElement,
    UnknownElement,
    UnknownFacet,
    Import,
    Test,
}

impl RuleErrorKind {
    /// The diagnostic code shown to users.
    pub fn code(self) -> &'static str {
        match self {
            RuleErrorKind::Syntax => "policylint::rules::syntax",
            RuleErrorKind::UnterminatedString => "policylint::rules::unterminated-string",
            RuleErrorKind::UnknownTerm => "policylint::rules::unknown-term",
            RuleErrorKind::TermCycle => "policylint::rules::term-cycle",
            RuleErrorKind::DuplicateRuleId => "policylint::rules::duplicate-rule",
            RuleErrorKind::DuplicateTerm => "policylint::rules::duplicate-term",
            RuleErrorKind::InvalidRegex => "policylint::rules::invalid-regex",
            RuleErrorKind::UnknownScope => "policylint::rules::unknown-scope",
            RuleErrorKind::UnknownSeverity => "policylint::rules::unknown-severity",
            RuleErrorKind::UnknownFacet => "policylint::rules::unknown-facet",
            RuleErrorKind::UnknownField => "policylint::rules::unknown-field",
            RuleErrorKind::MissingField => "policylint::rules::missing-field",
            RuleErrorKind::DuplicateElement => "policylint::rules::duplicate-element",
            RuleErrorKind::UnknownElement => "policylint::rules::unknown-element",
            RuleErrorKind::Import => "policylint::rules::import",
            RuleErrorKind::Test => "policylint::rules::test",
        }
    }
}

/// One error in a rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub kind: RuleErrorKind,
    /// One line, no trailing period: "unknown term `contct`".
    pub message: String,
    /// Where it is.
    pub span: Span,
    /// What the primary label says.
    pub label: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Other places that matter (the first definition of a duplicate…).
    pub related: Vec<(Span, String)>,
}

impl RuleError {
    pub fn new(
        kind: RuleErrorKind,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        RuleError {
            kind,
            message: message.into(),
            span,
            label: label.into(),
            help: None,
            related: Vec::new(),
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    /// Attach the rule file, for rendering.
    pub fn located(self, name: &str, source: Arc<String>) -> LocatedRuleError {
        LocatedRuleError {
            source: CharSource::new(name, source),
            error: self,
        }
    }
}

/// A rule error with its file, ready for miette.
#[derive(Debug)]
pub struct LocatedRuleError {
    source: CharSource,
    pub error: RuleError,
}

impl LocatedRuleError {
    /// The name of the rule file the error is in, as it was added.
    pub fn file(&self) -> &str {
        self.source.name()
    }
}

impl std::fmt::Display for LocatedRuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.error.message)
    }
}

impl std::error::Error for LocatedRuleError {}

impl Diagnostic for LocatedRuleError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.error.kind.code()))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.error
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = |s: &Span| SourceSpan::new(s.start.into(), s.end.saturating_sub(s.start));
        let primary = LabeledSpan::new_primary_with_span(
            Some(self.error.label.clone()),
            span(&self.error.span),
        );
        let related = self
            .error
            .related
            .iter()
            .map(move |(s, l)| LabeledSpan::new_with_span(Some(l.clone()), span(s)));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}
