//! Two versions of a policy compared requirement by requirement: what the
//! new version drops (was met, now missing), adds, or says differently,
//! each with its evidence or anchor in both versions.
//!
//! Evidence is compared by its text, not its place: a clause that moved
//! with its section, or whose section was renumbered, is unchanged.
//! Sections are aligned by their titles without the numbering ("3. 利用目的"
//! and "第4条（利用目的）" are one section), then by number; how they moved,
//! were renumbered, retitled, added or removed is reported as context.

use std::ops::Range;

use super::settings::{RuleSetting, Settings};
use super::status::{ElementStatus, RuleStatus, Status};
use super::{Evaluator, Finding};
use crate::document::heading;
use crate::document::normalize::normalize;
use crate::document::{Document, NodeId, NodeKind};
use crate::rules::{RuleSet, Severity};

/// How a requirement changed between the two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// Met (or met by reference) before, missing now; or an element found
    /// before is gone from a requirement that was already incomplete.
    Dropped,
    /// A forbidden phrase or an inconsistent spelling is new.
    Flagged,
    /// Met before, only given by a reference now.
    Weakened,
    /// The rule applies now (what it is about is mentioned now).
    Applies,
    /// Missing (or referenced) before, met now; or an element was added to
    /// a requirement still incomplete.
    Added,
    /// A forbidden phrase or inconsistent spelling is gone.
    Resolved,
    /// Met in both, with evidence that reads differently.
    Changed,
    /// The rule no longer applies.
    NoLongerApplies,
    Unchanged,
}

impl Change {
    /// Stable name, for machines.
    pub fn name(self) -> &'static str {
        match self {
            Change::Dropped => "dropped",
            Change::Flagged => "flagged",
            Change::Weakened => "weakened",
            Change::Applies => "applies",
            Change::Added => "added",
            Change::Resolved => "resolved",
            Change::Changed => "changed",
            Change::NoLongerApplies => "no-longer-applies",
            Change::Unchanged => "unchanged",
        }
    }
}

/// How one element of a rule changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementChange {
    /// Found before, not now.
    Lost,
    /// Found now, not before.
    Gained,
    /// Found in both, reading differently.
    Changed,
    /// Found in both, reading the same.
    Same,
    /// Found in neither.
    Absent,
}

impl ElementChange {
    pub fn name(self) -> &'static str {
        match self {
            ElementChange::Lost => "lost",
            ElementChange::Gained => "gained",
            ElementChange::Changed => "changed",
            ElementChange::Same => "same",
            ElementChange::Absent => "absent",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementDiff {
    pub name: String,
    pub parent: Option<String>,
    pub change: ElementChange,
    /// For a changed element, in each version (before, after): a match of
    /// it whose words the other version does not have.
    pub differ: [Option<Range<usize>>; 2],
}

/// One requirement in both versions.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDiff {
    pub rule: String,
    /// The rule's severity, after the configuration's setting.
    pub severity: Severity,
    pub change: Change,
    pub before: RuleStatus,
    pub after: RuleStatus,
    pub elements: Vec<ElementDiff>,
}

impl RuleDiff {
    /// How serious the change is: a drop or a new forbidden phrase at the
    /// rule's severity, a reference standing in for the text a warning at
    /// most, a newly applying rule at its severity when it is not met,
    /// anything else information. `None` when unchanged.
    pub fn severity(&self) -> Option<Severity> {
        let at_most = |s: Severity| self.severity.min(s);
        match self.change {
            Change::Unchanged => None,
            Change::Dropped | Change::Flagged => Some(self.severity),
            Change::Weakened => Some(at_most(Severity::Warning)),
            Change::Applies => match self.after.status() {
                Status::Satisfied => Some(Severity::Info),
                Status::Referenced => Some(at_most(Severity::Warning)),
                _ => Some(self.severity),
            },
            _ => Some(Severity::Info),
        }
    }
}

/// What happened to a section between the versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionChange {
    /// Same title, another number ("3. 利用目的" → "4. 利用目的").
    Renumbered,
    /// Same title, another place among the sections.
    Moved,
    /// Same number, another title.
    Retitled,
    Added,
    Removed,
}

impl SectionChange {
    pub fn name(self) -> &'static str {
        match self {
            SectionChange::Renumbered => "renumbered",
            SectionChange::Moved => "moved",
            SectionChange::Retitled => "retitled",
            SectionChange::Added => "added",
            SectionChange::Removed => "removed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionDiff {
    pub change: SectionChange,
    /// The section node in each version (its heading is the section's
    /// first child).
    pub before: Option<NodeId>,
    pub after: Option<NodeId>,
}

/// Two versions compared.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Every rule that is not off, in rule order, unchanged ones included.
    pub rules: Vec<RuleDiff>,
    /// Sections renumbered, moved, retitled, added or removed, in the order
    /// of the new version (removed ones after).
    pub sections: Vec<SectionDiff>,
    /// Every pair of aligned sections (before, after).
    pub aligned: Vec<(NodeId, NodeId)>,
}

impl Comparison {
    /// Whether the new version dropped a requirement or an element of one.
    pub fn dropped(&self) -> bool {
        self.rules.iter().any(|r| r.change == Change::Dropped)
    }

    /// The section of the new version aligned with `before`, a section of
    /// the old one.
    pub fn after_section(&self, before: NodeId) -> Option<NodeId> {
        self.aligned.iter().find(|p| p.0 == before).map(|p| p.1)
    }

    /// The section of the old version aligned with `after`.
    pub fn before_section(&self, after: NodeId) -> Option<NodeId> {
        self.aligned.iter().find(|p| p.1 == after).map(|p| p.0)
    }
}

/// Compare two versions under the rules and settings of a `check`: rules
/// turned off are left out, a configured severity replaces the rule's, and
/// each version is checked in its context with the configuration's facets
/// over it (the settings that apply to each document's path).
pub fn compare(
    set: &RuleSet,
    settings: &Settings,
    before: &Document,
    after: &Document,
) -> Comparison {
    let (sb, sa) = (
        settings.for_path(&before.path),
        settings.for_path(&after.path),
    );
    let seen = (visible(before), visible(after));
    let eb = Evaluator::new(set, before).with_context(sb.context(&before.context));
    let ea = Evaluator::new(set, after).with_context(sa.context(&after.context));
    let mut rules = Vec::new();
    for rule in &set.rules {
        let severity = match sa.get(&rule.id) {
            Some(RuleSetting::Off) => continue,
            Some(RuleSetting::Severity(s)) => s,
            None => rule.severity,
        };
        let b = eb.status(rule);
        let a = ea.status(rule);
        let elements = b
            .elements
            .iter()
            .zip(&a.elements)
            .map(|(x, y)| {
                let (change, differ) = element_change((x, &seen.0), (y, &seen.1));
                ElementDiff {
                    name: x.name.clone(),
                    parent: x.parent.clone(),
                    change,
                    differ,
                }
            })
            .collect::<Vec<_>>();
        let change = change(before, &b, after, &a, &elements);
        rules.push(RuleDiff {
            rule: rule.id.clone(),
            severity,
            change,
            before: b,
            after: a,
            elements,
        });
    }
    let (sections, aligned) = align(before, after);
    Comparison {
        rules,
        sections,
        aligned,
    }
}

/// An element's change. Found in both, it changed when some words that
/// match it where it was found in one version (its evidence, and the other
/// matches there) occur nowhere in the other's visible text; not merely
/// because another occurrence of the same words was picked.
fn element_change(
    (before, bseen): (&ElementStatus, &str),
    (after, aseen): (&ElementStatus, &str),
) -> (ElementChange, [Option<Range<usize>>; 2]) {
    // The first match whose words the other version does not have.
    let gone = |e: &ElementStatus, other: &str| {
        e.words
            .iter()
            .find(|(t, _)| !other.contains(squeeze(t).as_str()))
            .map(|w| w.1.clone())
    };
    match (before.found.is_empty(), after.found.is_empty()) {
        (true, true) => (ElementChange::Absent, [None, None]),
        (false, true) => (ElementChange::Lost, [None, None]),
        (true, false) => (ElementChange::Gained, [None, None]),
        (false, false) => {
            let differ = [gone(before, aseen), gone(after, bseen)];
            if differ.iter().all(Option::is_none) {
                (ElementChange::Same, differ)
            } else {
                (ElementChange::Changed, differ)
            }
        }
    }
}

/// Normalised text without its whitespace: line breaks and spacing do not
/// make two texts differ.
fn squeeze(t: &str) -> String {
    t.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The text of a document the rules see (no boilerplate, no quotation),
/// as [`texts`] normalises it, blocks joined by a line break.
fn visible(doc: &Document) -> String {
    let mut out = String::new();
    for n in &doc.nodes {
        if n.kind.is_leaf_text() && !n.boilerplate && !n.quoted {
            out.extend(
                doc.norm.text[n.norm.clone()]
                    .chars()
                    .filter(|c| !c.is_whitespace()),
            );
            out.push('\n');
        }
    }
    out
}

/// The texts of some spans, normalised (width, case, spacing), sorted and
/// each once: what a reader would call the same words.
fn texts(doc: &Document, spans: &[Range<usize>]) -> Vec<String> {
    let mut v: Vec<String> = spans
        .iter()
        .filter_map(|r| doc.text.get(r.clone()))
        .map(|t| {
            normalize(t)
                .text
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect()
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The phrases a forbid or consistency rule found, as [`texts`].
fn flagged(doc: &Document, findings: &[Finding]) -> Vec<String> {
    let spans: Vec<Range<usize>> = findings.iter().map(|f| f.span.clone()).collect();
    texts(doc, &spans)
}

fn change(
    bd: &Document,
    b: &RuleStatus,
    ad: &Document,
    a: &RuleStatus,
    elements: &[ElementDiff],
) -> Change {
    let (sb, sa) = (b.status(), a.status());
    let (rb, ra) = match (sb.rank(), sa.rank()) {
        (None, None) => return Change::Unchanged,
        (None, Some(_)) => return Change::Applies,
        (Some(_), None) => return Change::NoLongerApplies,
        (Some(x), Some(y)) => (x, y),
    };
    let lost = elements.iter().any(|e| e.change == ElementChange::Lost);
    let gained = elements.iter().any(|e| e.change == ElementChange::Gained);
    if ra < rb {
        return match sa {
            Status::Flagged => Change::Flagged,
            Status::Referenced => Change::Weakened,
            _ => Change::Dropped,
        };
    }
    if ra > rb {
        return if sb == Status::Flagged {
            Change::Resolved
        } else {
            Change::Added
        };
    }
    match sa {
        Status::Missing | Status::Referenced if lost => Change::Dropped,
        Status::Missing | Status::Referenced if gained => Change::Added,
        Status::Flagged if flagged(bd, &b.findings) != flagged(ad, &a.findings) => Change::Changed,
        _ if lost || gained => Change::Changed,
        _ if elements.iter().any(|e| e.change == ElementChange::Changed) => Change::Changed,
        _ => Change::Unchanged,
    }
}

/// One section of a version, for aligning.
struct Sec {
    id: NodeId,
    key: String,
    number: Option<(heading::Family, u32)>,
}

fn sections(doc: &Document) -> Vec<Sec> {
    doc.nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == NodeKind::Section && !n.boilerplate && !n.quoted)
        .filter_map(|(i, n)| {
            let h = doc.section_heading(i as NodeId)?;
            let text = doc.norm_text(h);
            // A markup heading's number is in its text ("## 3. 利用目的").
            let marked = heading::marker(text).and_then(|m| Some(m.family).zip(m.number));
            Some(Sec {
                id: i as NodeId,
                key: title_key(text),
                number: marked.or(n.family.zip(n.number)),
            })
        })
        .collect()
}

/// Sections aligned by title without numbering, then by number; what
/// changed, and every aligned pair.
fn align(before: &Document, after: &Document) -> (Vec<SectionDiff>, Vec<(NodeId, NodeId)>) {
    let (b, a) = (sections(before), sections(after));
    // pairs[i] = index in `a` of the section aligned with b[i].
    let mut pairs: Vec<Option<usize>> = vec![None; b.len()];
    let mut taken = vec![false; a.len()];
    let mut retitled = vec![false; b.len()];
    for (i, s) in b.iter().enumerate() {
        if s.key.is_empty() {
            continue;
        }
        if let Some(j) = (0..a.len()).find(|&j| !taken[j] && a[j].key == s.key) {
            pairs[i] = Some(j);
            taken[j] = true;
        }
    }
    for (i, s) in b.iter().enumerate() {
        if pairs[i].is_some() || s.number.is_none() {
            continue;
        }
        if let Some(j) = (0..a.len()).find(|&j| !taken[j] && a[j].number == s.number) {
            pairs[i] = Some(j);
            taken[j] = true;
            retitled[i] = true;
        }
    }
    // Moved: aligned sections outside the longest run that keeps its order.
    let order: Vec<(usize, usize)> = pairs
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.map(|j| (i, j)))
        .collect();
    let keep = longest_increasing(&order.iter().map(|p| p.1).collect::<Vec<_>>());
    let mut out: Vec<(usize, SectionDiff)> = Vec::new();
    for (k, &(i, j)) in order.iter().enumerate() {
        let change = if retitled[i] {
            Some(SectionChange::Retitled)
        } else if !keep[k] {
            Some(SectionChange::Moved)
        } else if b[i].number.map(|n| n.1) != a[j].number.map(|n| n.1) {
            Some(SectionChange::Renumbered)
        } else {
            None
        };
        if let Some(change) = change {
            out.push((
                j,
                SectionDiff {
                    change,
                    before: Some(b[i].id),
                    after: Some(a[j].id),
                },
            ));
        }
    }
    for (j, s) in a.iter().enumerate().filter(|(j, _)| !taken[*j]) {
        out.push((
            j,
            SectionDiff {
                change: SectionChange::Added,
                before: None,
                after: Some(s.id),
            },
        ));
    }
    out.sort_by_key(|x| x.0);
    let mut diffs: Vec<SectionDiff> = out.into_iter().map(|x| x.1).collect();
    for (i, s) in b.iter().enumerate().filter(|(i, _)| pairs[*i].is_none()) {
        let _ = i;
        diffs.push(SectionDiff {
            change: SectionChange::Removed,
            before: Some(s.id),
            after: None,
        });
    }
    let aligned = order.iter().map(|&(i, j)| (b[i].id, a[j].id)).collect();
    (diffs, aligned)
}

/// Which items of `v` form its longest strictly increasing subsequence.
fn longest_increasing(v: &[usize]) -> Vec<bool> {
    // O(n²) is fine: a policy has tens of sections.
    let n = v.len();
    let mut len = vec![1usize; n];
    let mut prev = vec![usize::MAX; n];
    for i in 0..n {
        for k in 0..i {
            if v[k] < v[i] && len[k] + 1 > len[i] {
                len[i] = len[k] + 1;
                prev[i] = k;
            }
        }
    }
    let mut keep = vec![false; n];
    let mut at = (0..n).max_by_key(|&i| (len[i], std::cmp::Reverse(i)));
    while let Some(i) = at {
        keep[i] = true;
        at = (prev[i] != usize::MAX).then_some(prev[i]);
    }
    keep
}

/// A heading's title without its numbering and the brackets around it:
/// "3. 利用目的", "第3条（利用目的）", "【3】利用目的", "(3) 利用目的" and
/// "【利用目的】" all give "利用目的". `text` is normalised.
pub fn title_key(text: &str) -> String {
    let mut t = text.trim().trim_start_matches('#').trim_start();
    // 第N条 / 第N章 / 第N節, in digits or kanji.
    if let Some(rest) = t.strip_prefix('第') {
        let digits = rest.trim_start_matches(|c: char| {
            c.is_ascii_digit() || "〇一二三四五六七八九十百".contains(c)
        });
        if let Some(after) = digits.strip_prefix(['条', '章', '節']) {
            t = after;
        }
    }
    let t = strip_number(t);
    let mut t = t.trim_start_matches([' ', '.', '、', ':']).trim();
    // A title in brackets: 【利用目的】, (利用目的), <利用目的>.
    for (o, c) in [
        ('【', '】'),
        ('(', ')'),
        ('<', '>'),
        ('「', '」'),
        ('〔', '〕'),
    ] {
        if let Some(inner) = t.strip_prefix(o).and_then(|s| s.strip_suffix(c)) {
            t = inner.trim();
        }
    }
    t.trim_matches('*').trim().to_string()
}

/// `text` without the number it opens with: "1." / "1.2" / "1 " / "1)" /
/// "(1)" / "①" / "【1】" / "[1]" / "〔1〕". A number that is part of the title
/// ("2022年…") stays.
fn strip_number(t: &str) -> &str {
    let Some(c) = t.chars().next() else {
        return t;
    };
    if ('①'..='⑳').contains(&c) {
        return &t[c.len_utf8()..];
    }
    let digits = |s: &str| {
        s.len()
            - s.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
                .len()
    };
    let close = match c {
        '(' => Some(')'),
        '【' => Some('】'),
        '[' => Some(']'),
        '〔' => Some('〕'),
        _ => None,
    };
    if let Some(close) = close {
        let body = &t[c.len_utf8()..];
        let n = digits(body);
        return match body[n..].strip_prefix(close) {
            Some(rest) if n > 0 => rest,
            _ => t,
        };
    }
    let n = digits(t);
    if n == 0 || !c.is_ascii_digit() {
        return t;
    }
    let rest = &t[n..];
    if t[..n].ends_with('.') || rest.is_empty() || rest.starts_with([' ', '、', ':']) {
        rest
    } else if let Some(r) = rest.strip_prefix(')') {
        r
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_without_numbering() {
        for h in [
            "3. 利用目的",
            "第3条(利用目的)",
            "第三条 利用目的",
            "【3】利用目的",
            "(3) 利用目的",
            "【利用目的】",
            "③利用目的",
            "4 利用目的",
            "1.2 利用目的",
            "利用目的",
        ] {
            assert_eq!(title_key(h), "利用目的", "{h}");
        }
        // A number that is part of the title stays.
        assert_eq!(title_key("2022年改正について"), "2022年改正について");
    }

    #[test]
    fn longest_run() {
        assert_eq!(longest_increasing(&[0, 3, 1, 2]), [true, false, true, true]);
        assert_eq!(longest_increasing(&[3, 0, 1, 2]), [false, true, true, true]);
        assert!(longest_increasing(&[]).is_empty());
    }

    fn changes(before: &str, after: &str) -> Vec<(SectionChange, String, String)> {
        let b = Document::from_text("b.md", before).unwrap();
        let a = Document::from_text("a.md", after).unwrap();
        let heading = |d: &Document, s: Option<NodeId>| {
            s.and_then(|s| d.section_heading(s))
                .map(|h| d.src_text(h).to_string())
                .unwrap_or_default()
        };
        align(&b, &a)
            .0
            .iter()
            .map(|d| (d.change, heading(&b, d.before), heading(&a, d.after)))
            .collect()
    }

    #[test]
    fn sections_align_by_title_then_number() {
        let before =
            "# 方針\n\n## 1. 目的\n\n本文。\n\n## 2. 窓口\n\n本文。\n\n## 3. 安全\n\n本文。\n";
        // Renumbered: a section inserted before the others.
        let after = "# 方針\n\n## 1. 定義\n\n本文。\n\n## 2. 目的\n\n本文。\n\n## 3. 窓口\n\n本文。\n\n## 4. 安全\n\n本文。\n";
        let got = changes(before, after);
        assert_eq!(
            got[0],
            (SectionChange::Added, String::new(), "1. 定義".into())
        );
        assert_eq!(
            got[1],
            (
                SectionChange::Renumbered,
                "1. 目的".into(),
                "2. 目的".into()
            )
        );
        assert_eq!(got.len(), 4);
        // Reordered: one section moved, the others keep their order.
        let after =
            "# 方針\n\n## 1. 窓口\n\n本文。\n\n## 2. 安全\n\n本文。\n\n## 3. 目的\n\n本文。\n";
        let got = changes(before, after);
        assert!(
            got.contains(&(SectionChange::Moved, "1. 目的".into(), "3. 目的".into())),
            "{got:?}"
        );
        // Retitled: same number, another title; removed.
        let after = "# 方針\n\n## 1. 利用の目的\n\n本文。\n\n## 2. 窓口\n\n本文。\n";
        let got = changes(before, after);
        assert_eq!(
            got,
            [
                (
                    SectionChange::Retitled,
                    "1. 目的".into(),
                    "1. 利用の目的".into()
                ),
                (SectionChange::Removed, "3. 安全".into(), String::new()),
            ]
        );
    }
}
