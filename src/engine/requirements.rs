//! Every requirement's state on a checked document (or document set), with
//! its evidence located for every output: what a compliance report shows.
//! `check` fills it only when asked (`--evidence`, `--format html`); the
//! findings say what to fix, this says what is there and where.

use std::ops::Range;

use super::diag::{Diag, Pos, SkipReason};
use super::finding::FindingKind;
use super::run::pos;
use super::settings::{PathSettings, RuleSetting};
use super::status::RuleStatus;
use crate::document::Document;
use crate::rules::RuleSet;

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

/// A diagnostic of a checked file, with that file: its path when it is not
/// the requirement's own file, and its document (for the text at a span).
pub(super) struct DiagIn<'a> {
    pub path: Option<String>,
    pub doc: &'a Document,
    pub diag: &'a Diag,
}

/// Evidence at `span` (decoded-text bytes) of `doc`, located as findings
/// are (one place turns offsets into positions), with the text there.
pub(super) fn located(doc: &Document, span: Range<usize>, path: Option<String>) -> EvidenceAt {
    EvidenceAt {
        path,
        start: pos(doc, span.start),
        end: pos(doc, span.end),
        text: doc.text.get(span.clone()).unwrap_or_default().to_string(),
        span,
    }
}

/// Each evaluated rule's requirement, in rule order. `statuses` hold the
/// final findings of each rule (after a set's references are resolved),
/// `diags` every diagnostic reported for them (in a set: in any member),
/// settings applied, suppressed and baselined; `evidence` locates a span
/// of the evaluated document (in the member it lies in, for a set).
pub(super) fn requirements(
    settings: &PathSettings<'_>,
    statuses: Vec<RuleStatus>,
    diags: &[DiagIn<'_>],
    evidence: impl Fn(&Range<usize>) -> EvidenceAt,
) -> Vec<Requirement> {
    statuses
        .into_iter()
        .map(|st| requirement(settings, st, diags, &evidence))
        .collect()
}

/// Requirements in the order of the rules (a set's main page has the
/// set's and its own page's, evaluated apart).
pub(super) fn sort_requirements(rules: &RuleSet, reqs: &mut [Requirement]) {
    reqs.sort_by_key(|r| rules.rules.iter().position(|x| x.id == r.rule));
}

fn requirement(
    settings: &PathSettings<'_>,
    st: RuleStatus,
    diags: &[DiagIn<'_>],
    evidence: &impl Fn(&Range<usize>) -> EvidenceAt,
) -> Requirement {
    let setting = settings.get(&st.rule);
    if setting == Some(RuleSetting::Off) {
        // Not checked, by configuration: nothing it found is evidence.
        return Requirement {
            rule: st.rule,
            state: ReqState::Off,
            severity: None,
            elements: Vec::new(),
            at: None,
        };
    }
    let own: Vec<&DiagIn<'_>> = diags
        .iter()
        .filter(|d| d.diag.rule == st.rule && d.diag.kind().is_some())
        .collect();
    let active: Vec<&DiagIn<'_>> = own.iter().copied().filter(|d| d.diag.active()).collect();
    // The state follows the findings still reported; a finding over the
    // per-file cap has no diagnostic, and counts as reported.
    let kinds: Vec<FindingKind> = if active.is_empty() {
        st.findings.iter().map(|f| f.kind).collect()
    } else {
        active.iter().filter_map(|d| d.diag.kind()).collect()
    };
    let state = match st.applies {
        Err(why) => ReqState::NotApplicable(why),
        Ok(()) if st.findings.is_empty() => ReqState::Satisfied,
        Ok(()) if !own.is_empty() && active.is_empty() => {
            match own.iter().find_map(|d| d.diag.suppressed.clone()) {
                Some(reason) => ReqState::Suppressed(Some(reason).filter(|r| !r.is_empty())),
                None => ReqState::Baselined,
            }
        }
        Ok(()) if kinds.contains(&FindingKind::Missing) => ReqState::Missing,
        Ok(()) if kinds.contains(&FindingKind::Referenced) => ReqState::Referenced,
        Ok(()) => ReqState::Flagged,
    };
    let shown = if active.is_empty() { &own } else { &active };
    let severity = match state {
        ReqState::Satisfied | ReqState::NotApplicable(_) | ReqState::Off => None,
        _ if !shown.is_empty() => shown.iter().map(|d| d.diag.severity).max(),
        _ => st
            .findings
            .iter()
            .map(|f| match setting {
                Some(RuleSetting::Severity(s)) => s,
                _ => f.severity,
            })
            .max(),
    };
    let at = shown.first().map(|d| EvidenceAt {
        path: d.path.clone(),
        start: d.diag.start,
        end: d.diag.end,
        span: d.diag.span.clone(),
        text: d
            .doc
            .text
            .get(d.diag.span.clone())
            .unwrap_or_default()
            .to_string(),
    });
    let elements = st
        .elements
        .iter()
        .map(|e| ElementState {
            name: e.name.clone(),
            parent: e.parent.clone(),
            found: e.found.iter().map(evidence).collect(),
            missing: st.findings.iter().any(|f| {
                matches!(f.kind, FindingKind::Missing | FindingKind::Referenced)
                    && f.missing.contains(&e.name)
            }),
        })
        .collect();
    Requirement {
        rule: st.rule,
        state,
        severity,
        elements,
        at,
    }
}
