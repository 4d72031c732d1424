//! What a rule reports about a document: structured, in no language. The
//! report stage turns each into words.

use std::ops::Range;

use serde::Serialize;

use crate::document::Facet;
use crate::rules::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// Required elements are missing.
    Missing,
    /// Missing elements are only given by a reference to another page.
    Referenced,
    /// A forbidden phrase is present.
    Forbidden,
    /// One name spelled in slightly different ways.
    Inconsistent,
}

/// What a span of the document shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// The element of this name was found here.
    Element(String),
    /// A reference to another page stands in for the missing elements.
    Reference,
    /// A reference to another page of the same set, which does not state
    /// the missing elements either; `page` is that page's path as shown.
    ResolvedReference { page: String },
    /// A forbidden phrase, as written in the document.
    Phrase(String),
    /// One spelling of a name, as written, and how often it occurs.
    Spelling { text: String, count: usize },
}

/// A secondary label: evidence that was found, or context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Byte range in the decoded document text.
    pub span: Range<usize>,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub kind: FindingKind,
    /// Where the finding points: byte range in the decoded document text.
    pub span: Range<usize>,
    /// What the span itself shows, for a forbidden phrase or a spelling.
    pub evidence: Option<Evidence>,
    pub labels: Vec<Label>,
    /// Names of the missing elements.
    pub missing: Vec<String>,
    /// Names of the elements that were found; for an inconsistent name, its
    /// spellings as written.
    pub found: Vec<String>,
    /// The rule's severity was capped here because of this facet's value
    /// (`applies … -> warning`): say why in the report.
    pub capped: Option<(Facet, &'static str)>,
}
