//! A finding located for every output format, and the outcome of one file.
//! Nothing here is in words: the report stage says each in the user's
//! language.

use std::ops::Range;

use super::finding::{Evidence, FindingKind};
use crate::document::{Context, Facet};
use crate::rules::Severity;

/// A position for machines: 1-based line and column (Unicode scalar
/// values), and the byte offset in the original file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

impl Pos {
    pub(crate) const START: Pos = Pos {
        line: 1,
        column: 1,
        offset: 0,
    };
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagLabel {
    pub evidence: Evidence,
    /// The file the label points into, as shown, when it is not the
    /// diagnostic's own (another page of a document set).
    pub path: Option<String>,
    pub start: Pos,
    pub end: Pos,
    /// Byte range in the decoded text (for rendering).
    pub span: Range<usize>,
}

/// What a diagnostic says: a rule's finding, or one of policylint's own
/// notes about the run.
#[derive(Debug, Clone, PartialEq)]
pub enum What {
    Finding {
        kind: FindingKind,
        /// What the span shows (a forbidden phrase, a spelling).
        evidence: Option<Evidence>,
        /// The severity was capped because of this facet's value.
        capped: Option<(Facet, &'static str)>,
    },
    /// `policylint/input`: the file could not be read or decoded.
    Unreadable(String),
    /// `policylint/timeout`: the rules from `rule` on were not evaluated.
    Timeout { rule: String, seconds: f64 },
    /// `policylint/more`: this many findings over the per-file cap.
    More(usize),
    /// `policylint/unused-suppression`: a directive (naming these rules, or
    /// every rule when empty) suppressed nothing.
    UnusedSuppression(Vec<String>),
    /// `policylint/unknown-rule`: a suppression comment names a rule id no
    /// loaded rule has; the nearest loaded id, if one is near.
    UnknownRule {
        id: String,
        suggestion: Option<String>,
    },
}

/// A finding, located and ready for every output format.
#[derive(Debug, Clone, PartialEq)]
pub struct Diag {
    pub rule: String,
    pub severity: Severity,
    pub what: What,
    pub start: Pos,
    pub end: Pos,
    pub span: Range<usize>,
    pub labels: Vec<DiagLabel>,
    pub missing: Vec<String>,
    pub found: Vec<String>,
    /// The reason given, when a suppression comment covers it.
    pub suppressed: Option<String>,
    pub baselined: bool,
    pub fingerprint: String,
}

impl Diag {
    /// Reported to the user and counted (not suppressed, not baselined).
    pub fn active(&self) -> bool {
        self.suppressed.is_none() && !self.baselined
    }

    /// The kind of a rule's finding (none for policylint's own notes).
    pub fn kind(&self) -> Option<FindingKind> {
        match self.what {
            What::Finding { kind, .. } => Some(kind),
            _ => None,
        }
    }
}

/// The outcome for one file.
#[derive(Debug, Clone, Default)]
pub struct FileResult {
    /// The path as shown (relative as walked, `/` separators).
    pub path: String,
    /// The document set the file was checked in, by name.
    pub set: Option<String>,
    pub format: Option<&'static str>,
    pub encoding: Option<&'static str>,
    /// Why the file was not checked (binary, empty, too large), if it was not.
    pub skipped: Option<String>,
    pub diagnostics: Vec<Diag>,
    /// The context the rules were checked in (inferred, then configured),
    /// for a checked document.
    pub context: Option<Context>,
    /// How many rules applied to the document.
    pub rules_applied: usize,
    /// The rules that did not apply, and why.
    pub skipped_rules: Vec<SkippedRule>,
    /// Each requirement's state and evidence, when asked for (empty
    /// otherwise). In a document set the set's requirements are on its main
    /// page; each other page has its `scope page` rules'.
    pub requirements: Vec<super::requirements::Requirement>,
}

/// Why a rule was not evaluated on a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SkipReason {
    /// The document's context has this value of this facet, which the
    /// rule's `applies` lines do not list.
    Context(Facet, &'static str),
    /// The document does not mention what the rule's `when` asks for.
    NotMentioned,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRule {
    pub rule: String,
    pub reason: SkipReason,
}

/// Counts over the files of a run (or one file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub files: usize,
    pub skipped: usize,
    /// Active findings (not suppressed, not baselined) by severity.
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    pub suppressed: usize,
    pub baselined: usize,
    /// Files that could not be read or decoded (`policylint/input`).
    pub unreadable: usize,
}

impl Totals {
    /// Count one file's result.
    pub fn add(&mut self, r: &FileResult) {
        self.files += 1;
        self.skipped += usize::from(r.skipped.is_some());
        self.unreadable += usize::from(
            r.diagnostics
                .iter()
                .any(|d| matches!(d.what, What::Unreadable(_))),
        );
        for d in &r.diagnostics {
            if d.suppressed.is_some() {
                self.suppressed += 1;
            } else if d.baselined {
                self.baselined += 1;
            } else {
                match d.severity {
                    Severity::Error => self.error += 1,
                    Severity::Warning => self.warning += 1,
                    Severity::Info => self.info += 1,
                }
            }
        }
    }

    pub fn of(r: &FileResult) -> Totals {
        let mut t = Totals::default();
        t.add(r);
        t
    }

    pub fn merge(&mut self, o: &Totals) {
        self.files += o.files;
        self.skipped += o.skipped;
        self.error += o.error;
        self.warning += o.warning;
        self.info += o.info;
        self.suppressed += o.suppressed;
        self.baselined += o.baselined;
        self.unreadable += o.unreadable;
    }

    /// Active findings of this severity.
    pub fn active(&self, s: Severity) -> usize {
        match s {
            Severity::Error => self.error,
            Severity::Warning => self.warning,
            Severity::Info => self.info,
        }
    }
}
