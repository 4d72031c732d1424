//! Every requirement's state on a checked document (or document set), with
//! its evidence located for every output: what a compliance report shows.
//! `check` fills it only when asked (`--evidence`, `--format html`); the
//! findings say what to fix, this says what is there and where.

use std::ops::Range;

use super::diag::{Pos, SkipReason};

/// A requirement's state, as a compliance report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReqState {
    /// Every required element is there (a forbid or consistency rule:
    /// nothing against it was found).
    Satisfied,
    /// Required elements are missing (`missing` names them).
    Missing,
    /// Missing elements are given only by a reference to another page.
    Referenced,
    /// A forbidden phrase or an inconsistent spelling was found.
    Flagged,
    /// The rule does not apply to the document, and why.
    NotApplicable(SkipReason),
    /// Its finding is covered by a suppression comment (the reason, if
    /// one was given).
    Suppressed(Option<String>),
    /// Its finding is in the baseline.
    Baselined,
    /// Turned off by the configuration.
    Off,
}

/// One place that shows an element: located in the file it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceAt {
    /// The file, when it is another page of the document set than the
    /// requirement's own file; `None` for the same file.
    pub path: Option<String>,
    pub start: Pos,
    pub end: Pos,
    /// Byte range in that file's decoded text (for excerpts).
    pub span: Range<usize>,
    /// The text matched, as written in the file.
    pub text: String,
}

/// One named element of a rule, found or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementState {
    pub name: String,
    /// The element whose block requires this one, if any.
    pub parent: Option<String>,
    /// Where it was found, in document order (empty when it was not).
    pub found: Vec<EvidenceAt>,
    /// A finding says it is missing.
    pub missing: bool,
}

/// One rule's state on one document or set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub rule: String,
    pub state: ReqState,
    /// The severity the finding has (or would have) after settings, for a
    /// requirement that is not satisfied.
    pub severity: Option<crate::rules::Severity>,
    pub elements: Vec<ElementState>,
    /// Where a finding says it is missing (its primary location), if any.
    pub at: Option<EvidenceAt>,
}
