//! What a rule reports about a document.

use std::ops::Range;

use serde::Serialize;

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

/// A secondary label: evidence that was found, or context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// Byte range in the decoded document text.
    pub span: Range<usize>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub kind: FindingKind,
    /// Where the finding points: byte range in the decoded document text.
    pub span: Range<usize>,
    /// What the primary label says.
    pub label: String,
    pub labels: Vec<Label>,
    /// Names of the missing elements.
    pub missing: Vec<String>,
    /// Names of the elements that were found.
    pub found: Vec<String>,
    /// The rule's message, rendered in the chosen language.
    pub message: String,
}
