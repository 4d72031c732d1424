//! Rule evaluation on one document: the scan's matches, narrowed by scopes,
//! checked against requirements, turned into located findings.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::ops::Range;

use super::diag::{SkipReason, SkippedRule};
use super::finding::{Evidence, Finding, FindingKind, Label};
use crate::document::{Context, Document, NodeId, NodeKind};
use crate::pattern::Scan;
use crate::rules::model::*;

/// A part of the document a block is checked in.
#[derive(Debug, Clone)]
struct Instance {
    /// Range in the normalised text.
    range: Range<usize>,
    /// The section, when the instance is one.
    section: Option<NodeId>,
    /// The match an element block is centred on.
    origin: Option<Range<usize>>,
    /// A window of characters: a match that starts inside it counts, even
    /// if it runs past its end.
    window: bool,
    /// Sections taken together: only matches inside one of these count
    /// (empty: the whole range).
    parts: Vec<Range<usize>>,
}

/// Evaluates rules against one document.
pub struct Evaluator<'a> {
    set: &'a RuleSet,
    doc: &'a Document,
    scan: Scan<'a>,
    exprs: Vec<OnceCell<Vec<Range<usize>>>>,
    /// For `unless in` and `except in`: the sentences that hold a match of
    /// each expression, sorted.
    sentence_marks: Vec<OnceCell<Vec<u32>>>,
    /// Normalised ranges of boilerplate leaves, sorted.
    boiler: Vec<Range<usize>>,
    /// Normalised ranges of quoted statute or rules, sorted: unlike
    /// boilerplate, never evidence, not even with `include boilerplate`.
    quoted: Vec<Range<usize>>,
    /// Sentence and leaf ranges, sorted, for `unless in`.
    sentences: Vec<Range<usize>>,
    sections: Vec<NodeId>,
    /// Where each text block ends in the normalised text (the `\n` that
    /// joins it to the next), sorted: no match may run across one.
    block_ends: Vec<usize>,
    /// Every non-empty text block, in document order.
    blocks: Vec<Range<usize>>,
    /// Normalised ranges of headings that only name a topic (short, with
    /// no statement in them), sorted.
    titles: Vec<Range<usize>>,
    /// When set, evaluation stops once it has passed.
    deadline: std::cell::Cell<Option<std::time::Instant>>,
    /// Set when the deadline passed inside a rule.
    expired: std::cell::Cell<bool>,
    /// The context rules are checked in (the document's, unless set).
    context: Context,
    /// Rules that did not apply, and why; how many did.
    skipped: std::cell::RefCell<Vec<SkippedRule>>,
    applied: std::cell::Cell<usize>,
    /// In a document set: only the rules of this scope (`scope page` when
    /// true); every rule when unset.
    page_rules: Option<bool>,
    /// While [`Evaluator::run_traced`] runs a rule: each element found, by
    /// name, with its match (normalised). `None` otherwise, so that `check`
    /// records nothing.
    trace: std::cell::RefCell<Option<Trace>>,
}

/// Elements found while tracing: name, match, and whether the match is
/// the one that stands for the element (else another match of it in the
/// same part of the document).
type Trace = Vec<(String, Range<usize>, bool)>;

/// What [`Evaluator::run_traced`] saw of one rule.
pub(super) struct TracedRun {
    pub(super) findings: Vec<Finding>,
    /// Why the rule did not apply, if it did not.
    pub(super) skip: Option<SkipReason>,
    /// Each element found: its name, its match (decoded-text bytes), the
    /// match's normalised text, and whether it stands for the element
    /// (else it is another match of it in the part checked).
    pub(super) found: Vec<(String, Range<usize>, String, bool)>,
}

/// Findings in report order: by position, then rule id (stable, so that
/// a rule's own order is kept).
pub(super) fn sort_findings(out: &mut [Finding]) {
    out.sort_by(|a, b| {
        (a.span.start, a.span.end, &a.rule).cmp(&(b.span.start, b.span.end, &b.rule))
    });
}

/// Context that flows down the blocks of one rule.
struct Ctx<'r> {
    rule: &'r Rule,
    triggers: Vec<Range<usize>>,
    elements: HashMap<&'r str, ExprId>,
}

impl<'a> Evaluator<'a> {
    pub fn new(set: &'a RuleSet, doc: &'a Document) -> Self {
        let scan = set.patterns.scan(&doc.norm.text);
        let mut boiler = Vec::new();
        let mut quoted = Vec::new();
        let mut sentences = Vec::new();
        let mut sections = Vec::new();
        let mut titles = Vec::new();
        let mut block_ends = Vec::new();
        let mut blocks = Vec::new();
        for (i, n) in doc.nodes.iter().enumerate() {
            if n.kind.is_leaf_text() && n.norm.start < n.norm.end {
                block_ends.push(n.norm.end);
                blocks.push(n.norm.clone());
            }
            if n.kind == NodeKind::Heading && is_title(&doc.norm.text[n.norm.clone()]) {
                titles.push(n.norm.clone());
            }
            if n.kind.is_leaf_text() && n.boilerplate {
                boiler.push(n.norm.clone());
            }
            if n.kind.is_leaf_text() && n.quoted {
                quoted.push(n.norm.clone());
            }
            if n.kind == NodeKind::Sentence
                || (n.kind.is_leaf_text()
                    && !n
                        .children
                        .iter()
                        .any(|&c| doc.node(c).kind == NodeKind::Sentence))
            {
                sentences.push(n.norm.clone());
            }
            if n.kind == NodeKind::Section && !n.boilerplate && !n.quoted {
                sections.push(i as NodeId);
            }
        }
        boiler.sort_by_key(|r| r.start);
        titles.sort_by_key(|r| r.start);
        block_ends.sort_unstable();
        block_ends.dedup();
        blocks.sort_by_key(|r| (r.start, r.end));
        quoted.sort_by_key(|r| r.start);
        sentences.sort_by_key(|r| (r.start, r.end));
        Evaluator {
            set,
            doc,
            scan,
            exprs: (0..set.exprs.len()).map(|_| OnceCell::new()).collect(),
            sentence_marks: (0..set.exprs.len()).map(|_| OnceCell::new()).collect(),
            boiler,
            quoted,
            sentences,
            sections,
            block_ends,
            blocks,
            titles,
            deadline: std::cell::Cell::new(None),
            expired: std::cell::Cell::new(false),
            context: doc.context.clone(),
            skipped: std::cell::RefCell::new(Vec::new()),
            applied: std::cell::Cell::new(0),
            page_rules: None,
            trace: std::cell::RefCell::new(None),
        }
    }

    /// Evaluate only the rules with `scope page` (true) or only the others
    /// (false): a set is checked as one for the latter, page by page for
    /// the former.
    pub fn only_page_rules(mut self, page: bool) -> Self {
        self.page_rules = Some(page);
        self
    }

    /// Check the rules in this context instead of the inferred one (the
    /// configuration's, or a test case's `with`).
    pub fn with_context(mut self, context: Context) -> Self {
        self.context = context;
        self
    }

    /// Where `e` first matches inside the normalised `range` (outside
    /// navigation), as a range of the decoded text: what a page of a set
    /// states, and the evidence for it.
    pub fn states(&self, e: ExprId, range: &Range<usize>) -> Option<Range<usize>> {
        self.within(e, range, false)
            .next()
            .map(|m| self.doc.norm_to_src(m.clone()))
    }

    /// The rules that did not apply so far, in rule order, and how many did.
    pub fn applicability(&self) -> (Vec<SkippedRule>, usize) {
        (self.skipped.borrow().clone(), self.applied.get())
    }

    fn skip(&self, rule: &Rule, reason: SkipReason) {
        self.skipped.borrow_mut().push(SkippedRule {
            rule: rule.id.clone(),
            reason,
        });
    }

    /// Whether the deadline has passed (checked between rules and inside
    /// them, at each part of the document a block is checked in).
    fn expired(&self) -> bool {
        if !self.expired.get()
            && self
                .deadline
                .get()
                .is_some_and(|d| std::time::Instant::now() > d)
        {
            self.expired.set(true);
        }
        self.expired.get()
    }

    /// Findings of every rule, sorted by position then rule id.
    pub fn run_all(&self) -> Vec<Finding> {
        self.run_until(None).0
    }

    /// Findings of every rule, stopping between rules once `deadline` has
    /// passed. The second value names the first rule not evaluated.
    pub fn run_until(
        &self,
        deadline: Option<std::time::Instant>,
    ) -> (Vec<Finding>, Option<String>) {
        let (per_rule, stopped) = self.each_until(deadline, |r| self.run(r));
        let mut out: Vec<Finding> = per_rule.into_iter().flatten().collect();
        sort_findings(&mut out);
        (out, stopped)
    }

    /// `f` on every rule this evaluator checks, in rule order, stopping
    /// between rules once `deadline` has passed; the second value names
    /// the first rule not evaluated.
    pub(super) fn each_until<T>(
        &self,
        deadline: Option<std::time::Instant>,
        mut f: impl FnMut(&Rule) -> T,
    ) -> (Vec<T>, Option<String>) {
        self.deadline.set(deadline);
        let mut out = Vec::new();
        let mut stopped = None;
        for r in &self.set.rules {
            if self.page_rules.is_some_and(|p| p != r.scope_page) {
                continue;
            }
            let found = f(r);
            // A rule cut short reports nothing: what it found so far would
            // depend on the machine's speed.
            if self.expired() {
                stopped = Some(r.id.clone());
                break;
            }
            out.push(found);
        }
        (out, stopped)
    }

    /// Findings of one rule.
    pub fn run(&self, rule: &Rule) -> Vec<Finding> {
        let cap = match rule.applicability(&self.context) {
            Applicability::Skipped(facet) => {
                let value = self.context.get(facet).value;
                self.skip(rule, SkipReason::Context(facet, value));
                return Vec::new();
            }
            Applicability::Applies(cap) => cap,
        };
        let mut triggers = Vec::new();
        if let Some(t) = &rule.when {
            triggers = self
                .matches(t.mentions)
                .iter()
                .filter(|m| !self.in_boiler(m) && !self.in_quoted(m))
                .filter(|m| t.unless_in.is_none_or(|u| !self.sentence_matches(m, u)))
                .cloned()
                .collect();
            // A title names a topic ("【5】個人情報の共同利用"); what is done
            // is said under it. When the first text under it matches the
            // `unless` pattern ("共同利用することはありません"), the title's
            // mention does not count either.
            if let Some(u) = t.unless_in {
                triggers.retain(|m| {
                    !starts_in(&self.titles, m)
                        || self
                            .text_under_title(m)
                            .is_none_or(|r| self.within(u, &r, false).next().is_none())
                });
            }
            if triggers.is_empty() {
                self.skip(rule, SkipReason::NotMentioned);
                return Vec::new();
            }
        }
        self.applied.set(self.applied.get() + 1);
        let mut elements = HashMap::new();
        collect_elements(&rule.body, &mut elements);
        let ctx = Ctx {
            rule,
            triggers,
            elements,
        };
        let root = Instance {
            range: 0..self.doc.norm.text.len(),
            section: None,
            origin: None,
            window: false,
            parts: Vec::new(),
        };
        let mut out = Vec::new();
        self.block(&ctx, &rule.body, &root, false, None, &mut out);
        if let Some((max, facet)) = cap {
            let value = self.context.get(facet).value;
            for f in out.iter_mut().filter(|f| f.severity > max) {
                f.severity = max;
                f.capped = Some((facet, value));
            }
        }
        out
    }

    /// One rule's findings, with why it did not apply (if it did not) and
    /// each element found: its name, its match as a byte range of the
    /// decoded text and its normalised text, in the order found. What [`Evaluator::status`] is
    /// built from.
    pub(super) fn run_traced(&self, rule: &Rule) -> TracedRun {
        let skipped = self.skipped.borrow().len();
        self.trace.replace(Some(Vec::new()));
        let findings = self.run(rule);
        let found = self.trace.replace(None).unwrap_or_default();
        let skip = self.skipped.borrow().get(skipped).map(|s| s.reason);
        TracedRun {
            findings,
            skip,
            found: found
                .into_iter()
                .map(|(name, m, rep)| {
                    let text = self.doc.norm.text[m.clone()].to_string();
                    (name, self.doc.norm_to_src(m), text, rep)
                })
                .collect(),
        }
    }

    /// Record that an element was found at `m`, when tracing.
    fn trace_found(&self, el: &Element, m: &Range<usize>, inst: &Instance, boiler: bool) {
        let mut trace = self.trace.borrow_mut();
        let Some(t) = trace.as_mut() else { return };
        t.push((el.name.clone(), m.clone(), true));
        // Every other match in the part: the words a comparison of two
        // versions reads (a changed e-mail after an unchanged address).
        for o in self.within_inst(el.expr, inst, boiler).filter(|o| *o != m) {
            t.push((el.name.clone(), o.clone(), false));
        }
    }

    /// How many elements were recorded so far (0 when not tracing).
    fn trace_len(&self) -> usize {
        self.trace.borrow().as_ref().map_or(0, Vec::len)
    }

    /// Forget the records in `range` (an occurrence of an element block
    /// that did not stand for the element).
    fn trace_forget(&self, range: Range<usize>) {
        if let Some(t) = self.trace.borrow_mut().as_mut() {
            let end = range.end.min(t.len());
            t.drain(range.start.min(end)..end);
        }
    }

    /// The first block of text under the title that holds `m`: what the
    /// section says first about the topic its title names.
    fn text_under_title(&self, m: &Range<usize>) -> Option<Range<usize>> {
        let doc = self.doc;
        let s = self.sections.iter().copied().find(|&s| {
            doc.section_heading(s).is_some_and(|h| {
                let hr = &doc.node(h).norm;
                hr.start <= m.start && m.start < hr.end
            })
        })?;
        let heading = doc.section_heading(s)?;
        let section = &doc.node(s).norm;
        let after = doc.node(heading).norm.end;
        // Text blocks come in document order: the first one after the
        // heading, if it lies in the section.
        let i = self.blocks.partition_point(|b| b.start < after);
        self.blocks.get(i).filter(|b| b.end <= section.end).cloned()
    }

    /// Where the operator's own name stands in the normalised text: every
    /// occurrence of the name the document defines itself by.
    fn operator_names(&self) -> Vec<Range<usize>> {
        let Some(name) = self
            .context
            .operator_name
            .as_deref()
            .filter(|n| !n.is_empty())
        else {
            return Vec::new();
        };
        self.doc
            .norm
            .text
            .match_indices(name)
            .map(|(i, n)| i..i + n.len())
            .collect()
    }

    /// All matches of an expression, sorted by start.
    fn matches(&self, e: ExprId) -> &[Range<usize>] {
        self.exprs[e as usize].get_or_init(|| {
            let ids = &self.set.exprs[e as usize];
            let mut v: Vec<Range<usize>> = ids
                .iter()
                .flat_map(|&p| self.scan.get(p).iter().cloned())
                .collect();
            if ids.len() > 1 {
                v.sort_by_key(|r| (r.start, r.end));
                v.dedup();
            }
            // `except`: a match in a sentence that says X, or on the
            // operator's own name, does not count.
            let except = self
                .set
                .excepts
                .get(e as usize)
                .copied()
                .unwrap_or_default();
            if let Some(x) = except.in_sentence {
                v.retain(|m| !self.sentence_matches(m, x));
            }
            if except.operator {
                let own = self.operator_names();
                v.retain(|m| !own.iter().any(|o| o.start < m.end && m.start < o.end));
            }
            // A heading and the next paragraph are two blocks, not one
            // sentence: a match with text of both is no match. (The joining
            // `\n` may be its first or last character, as a regex's
            // `(^|[^0-9])` context.)
            v.retain(|m| !self.crosses_blocks(m));
            v
        })
    }

    fn crosses_blocks(&self, m: &Range<usize>) -> bool {
        let i = self.block_ends.partition_point(|&e| e <= m.start);
        self.block_ends.get(i).is_some_and(|&e| e + 1 < m.end)
    }

    fn in_boiler(&self, m: &Range<usize>) -> bool {
        starts_in(&self.boiler, m)
    }

    fn in_quoted(&self, m: &Range<usize>) -> bool {
        starts_in(&self.quoted, m)
    }

    /// Matches of `e` inside `range`.
    fn within(
        &self,
        e: ExprId,
        range: &Range<usize>,
        boiler: bool,
    ) -> impl Iterator<Item = &Range<usize>> {
        self.within_ext(e, range, boiler, false)
    }

    /// Matches of `e` in an instance: inside it, or for a character window,
    /// starting inside it.
    fn within_inst<'s>(
        &'s self,
        e: ExprId,
        inst: &'s Instance,
        boiler: bool,
    ) -> impl Iterator<Item = &'s Range<usize>> {
        self.within_ext(e, &inst.range, boiler, inst.window)
            .filter(|m| in_parts(&inst.parts, m))
    }

    /// The match of `e` that stands for an element in `inst`: the first one,
    /// or, around an occurrence, the one nearest to it (ahead of it on a
    /// tie: a clause names its controller after the heading, not before).
    fn pick<'s>(&'s self, e: ExprId, inst: &'s Instance, boiler: bool) -> Option<&'s Range<usize>> {
        let mut it = self.within_inst(e, inst, boiler);
        let Some(o) = &inst.origin else {
            return it.next();
        };
        it.min_by_key(|m| {
            if m.start >= o.end {
                (m.start - o.end) * 2
            } else {
                (o.start.saturating_sub(m.end)) * 2 + 1
            }
        })
    }

    fn within_ext(
        &self,
        e: ExprId,
        range: &Range<usize>,
        boiler: bool,
        loose: bool,
    ) -> impl Iterator<Item = &Range<usize>> {
        let all = self.matches(e);
        let i = all.partition_point(|m| m.start < range.start);
        let end = range.end;
        all[i..]
            .iter()
            .take_while(move |m| m.start < end)
            .filter(move |m| {
                (loose || m.end <= end) && (boiler || !self.in_boiler(m)) && !self.in_quoted(m)
            })
    }

    /// Whether the sentence around `m` also matches `e`.
    fn sentence_matches(&self, m: &Range<usize>, e: ExprId) -> bool {
        let i = self.sentences.partition_point(|s| s.end <= m.start);
        if self.sentences.get(i).is_none_or(|s| s.start > m.start) {
            return false;
        }
        // The sentences that hold a match of `e`, found once: a trigger
        // with thousands of mentions asks for each.
        let marked = self.sentence_marks[e as usize].get_or_init(|| {
            let mut v: Vec<u32> = self
                .matches(e)
                .iter()
                .filter(|x| !self.in_quoted(x))
                .filter_map(|x| {
                    let j = self.sentences.partition_point(|s| s.end <= x.start);
                    let s = self.sentences.get(j)?;
                    (s.start <= x.start && x.end <= s.end).then_some(j as u32)
                })
                .collect();
            v.dedup();
            v
        });
        marked.binary_search(&(i as u32)).is_ok()
    }

    fn block(
        &self,
        ctx: &Ctx,
        block: &Block,
        inst: &Instance,
        boiler: bool,
        anchor: Option<&Anchor>,
        out: &mut Vec<Finding>,
    ) {
        let boiler = boiler || block.include_boilerplate;
        let anchor = block.anchor.as_ref().or(anchor);
        for req in &block.requires {
            self.require(ctx, block, req, inst, boiler, anchor, out);
        }
        for f in &block.forbids {
            self.forbid(ctx, f, inst, boiler, out);
        }
        for c in &block.consistent {
            self.consistent(ctx, c, inst, boiler, out);
        }
        for sb in &block.scopes {
            for child in self.instances(&sb.scope, inst, boiler) {
                if self.expired() {
                    return;
                }
                self.block(ctx, &sb.body, &child, boiler, anchor, out);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn require(
        &self,
        ctx: &Ctx,
        block: &Block,
        req: &Requirement,
        inst: &Instance,
        boiler: bool,
        anchor: Option<&Anchor>,
        out: &mut Vec<Finding>,
    ) {
        let mut present: Vec<(&Element, Range<usize>)> = Vec::new();
        let mut absent: Vec<&Element> = Vec::new();
        // An element whose condition does not hold in this context is
        // neither required nor reported.
        let elements = req
            .elements
            .iter()
            .filter(|e| e.condition.as_ref().is_none_or(|c| c.holds(&self.context)));
        for el in elements {
            match self.pick(el.expr, inst, boiler) {
                Some(m) => present.push((el, m.clone())),
                None => absent.push(el),
            }
        }
        let missing: Vec<&Element> = match req.mode {
            Mode::All => absent.clone(),
            Mode::Any if present.is_empty() => absent.clone(),
            Mode::AtLeast(n) if present.len() < n as usize => absent.clone(),
            _ => Vec::new(),
        };
        // Element blocks: checked around each occurrence; the occurrence
        // that satisfies most stands for the element.
        for (el, picked) in &present {
            let Some(body) = &el.body else {
                self.trace_found(el, picked, inst, boiler);
                continue;
            };
            let mut best: Option<Vec<Finding>> = None;
            // Traced: the occurrence that stands for the element, and only
            // what its block found (records from `base` on).
            let base = self.trace_len();
            let mut best_at = picked.clone();
            for m in self.within_inst(el.expr, inst, boiler) {
                let mark = self.trace_len();
                let child = Instance {
                    range: inst.range.clone(),
                    section: inst.section,
                    origin: Some(m.clone()),
                    window: inst.window,
                    parts: inst.parts.clone(),
                };
                let mut found = Vec::new();
                // An element block starts with its own anchor: by default
                // its findings point at the element's occurrence.
                self.block(ctx, body, &child, boiler, None, &mut found);
                let better = best.as_ref().is_none_or(|b| found.len() < b.len());
                if better {
                    self.trace_forget(base..mark);
                    best_at = m.clone();
                    let done = found.is_empty();
                    best = Some(found);
                    if done {
                        break;
                    }
                } else {
                    self.trace_forget(mark..usize::MAX);
                }
            }
            self.trace_found(el, &best_at, inst, boiler);
            out.extend(best.unwrap_or_default());
        }
        if missing.is_empty() {
            return;
        }
        let reference = block
            .references
            .iter()
            .filter(|r| {
                r.unless
                    .is_none_or(|u| self.within_inst(u, inst, boiler).next().is_none())
            })
            .find_map(|r| {
                self.within_inst(r.expr, inst, boiler)
                    .next()
                    .map(|m| (r, m.clone()))
            });
        let primary = self.anchor(ctx, anchor, inst, &present, boiler);
        let mut labels: Vec<Label> = present
            .iter()
            .map(|(e, m)| Label {
                span: self.doc.norm_to_src(m.clone()),
                evidence: Evidence::Element(e.name.clone()),
            })
            .collect();
        let (kind, severity) = match &reference {
            Some((r, m)) => {
                labels.push(Label {
                    span: self.doc.norm_to_src(m.clone()),
                    evidence: Evidence::Reference,
                });
                (FindingKind::Referenced, r.severity)
            }
            None => (FindingKind::Missing, ctx.rule.severity),
        };
        out.push(Finding {
            rule: ctx.rule.id.clone(),
            severity,
            kind,
            span: self.doc.norm_to_src(primary),
            evidence: None,
            labels,
            missing: missing.iter().map(|e| e.name.clone()).collect(),
            found: present.iter().map(|(e, _)| e.name.clone()).collect(),
            capped: None,
        });
    }

    fn forbid(&self, ctx: &Ctx, f: &Forbid, inst: &Instance, boiler: bool, out: &mut Vec<Finding>) {
        for m in self.within_inst(f.expr, inst, boiler) {
            if let Some((near, n)) = f.near {
                let win = self.window(m, n, &inst.range);
                if self.within(near, &win, boiler).next().is_none() {
                    continue;
                }
            }
            let src = self.doc.norm_to_src(m.clone());
            let text = self.doc.text[src.clone()].to_string();
            out.push(Finding {
                rule: ctx.rule.id.clone(),
                severity: ctx.rule.severity,
                kind: FindingKind::Forbidden,
                span: src,
                evidence: Some(Evidence::Phrase(text)),
                labels: Vec::new(),
                missing: Vec::new(),
                found: Vec::new(),
                capped: None,
            });
        }
    }

    /// Spellings of one thing that differ slightly (a typo in a legal name):
    /// one finding per group, on the rarer spelling, labelling the others.
    fn consistent(
        &self,
        ctx: &Ctx,
        c: &Consistent,
        inst: &Instance,
        boiler: bool,
        out: &mut Vec<Finding>,
    ) {
        let text = &self.doc.norm.text;
        // Distinct spellings in order of first occurrence, with counts.
        let mut spellings: Vec<(&str, Range<usize>, usize)> = Vec::new();
        for m in self.within_inst(c.expr, inst, boiler) {
            let s = &text[m.clone()];
            match spellings.iter_mut().find(|(t, _, _)| *t == s) {
                Some(x) => x.2 += 1,
                None => spellings.push((s, m.clone(), 1)),
            }
        }
        let mut done = vec![false; spellings.len()];
        let cores: Vec<String> = spellings
            .iter()
            .map(|s| self.name_core(&s.1, c.ignoring))
            .collect();
        for i in 0..spellings.len() {
            if done[i] || self.expired() {
                continue;
            }
            let mut group = vec![i];
            for j in i + 1..spellings.len() {
                if !done[j]
                    && near_spelling((spellings[i].0, &cores[i]), (spellings[j].0, &cores[j]))
                {
                    group.push(j);
                }
            }
            if group.len() < 2 {
                continue;
            }
            for &g in &group {
                done[g] = true;
            }
            // The rarer spelling is the likely typo; on a tie, the later one.
            let odd = group
                .iter()
                .copied()
                .min_by_key(|&g| (spellings[g].2, std::cmp::Reverse(g)))
                .unwrap_or(group[0]);
            let name =
                |g: usize| self.doc.text[self.doc.norm_to_src(spellings[g].1.clone())].to_string();
            let spelled = |g: usize| Evidence::Spelling {
                text: name(g),
                count: spellings[g].2,
            };
            let labels = group
                .iter()
                .filter(|&&g| g != odd)
                .map(|&g| Label {
                    span: self.doc.norm_to_src(spellings[g].1.clone()),
                    evidence: spelled(g),
                })
                .collect();
            out.push(Finding {
                rule: ctx.rule.id.clone(),
                severity: ctx.rule.severity,
                kind: FindingKind::Inconsistent,
                span: self.doc.norm_to_src(spellings[odd].1.clone()),
                evidence: Some(spelled(odd)),
                labels,
                missing: Vec::new(),
                found: group.iter().map(|&g| name(g)).collect(),
                capped: None,
            });
        }
    }

    /// A spelling (a range of the normalised text) without the matches of
    /// `ignoring` inside it: what two spellings of one name begin alike in.
    fn name_core(&self, m: &Range<usize>, ignoring: Option<ExprId>) -> String {
        let text = &self.doc.norm.text;
        let Some(ig) = ignoring else {
            return text[m.clone()].to_string();
        };
        let mut core = String::with_capacity(m.len());
        let mut at = m.start;
        for r in self.within(ig, m, true) {
            if r.start >= at {
                core.push_str(&text[at..r.start]);
                at = r.end;
            }
        }
        core.push_str(&text[at..m.end]);
        core
    }

    /// Where a finding about missing elements points.
    fn anchor(
        &self,
        ctx: &Ctx,
        anchor: Option<&Anchor>,
        inst: &Instance,
        present: &[(&Element, Range<usize>)],
        boiler: bool,
    ) -> Range<usize> {
        let heading = || {
            inst.section
                .and_then(|s| self.doc.section_heading(s))
                .map(|h| self.doc.node(h).norm.clone())
        };
        let trigger = || {
            ctx.triggers
                .iter()
                .find(|t| t.start >= inst.range.start && t.end <= inst.range.end)
                .or(ctx.triggers.first())
                .cloned()
        };
        // The first text of the scope outside navigation, else its start.
        let scope_start = || {
            let first = self
                .doc
                .nodes
                .iter()
                .find(|n| {
                    n.kind.is_leaf_text()
                        && (boiler || !n.boilerplate)
                        && !n.quoted
                        && n.norm.start >= inst.range.start
                        && n.norm.end <= inst.range.end
                        && n.norm.start < n.norm.end
                })
                .map(|n| n.norm.clone());
            first.unwrap_or(inst.range.start..inst.range.start)
        };
        let chosen = match anchor {
            Some(Anchor::Heading) => heading(),
            Some(Anchor::Trigger) => trigger(),
            Some(Anchor::Scope) => Some(scope_start()),
            // The first match in the part checked, else the trigger.
            Some(Anchor::At(e)) => self
                .within_inst(*e, inst, boiler)
                .next()
                .cloned()
                .or_else(trigger),
            Some(Anchor::Nearest(name)) => present
                .iter()
                .find(|(e, _)| e.name == *name)
                .map(|(_, m)| m.clone())
                .or_else(|| {
                    let e = *ctx.elements.get(name.as_str())?;
                    self.within_inst(e, inst, boiler).next().cloned()
                }),
            None => None,
        };
        chosen
            .or_else(|| inst.origin.clone())
            .or_else(heading)
            .or_else(trigger)
            .unwrap_or_else(scope_start)
    }

    /// `n` characters either side of `m`, inside `within`.
    fn window(&self, m: &Range<usize>, n: u32, within: &Range<usize>) -> Range<usize> {
        // In a set, a window never reaches into another page.
        let clipped;
        let within = match self.doc.parts.get(self.doc.part_of_norm(m.start)) {
            Some(p) => {
                clipped = within.start.max(p.norm.start)..within.end.min(p.norm.end);
                &clipped
            }
            None => within,
        };
        let t = &self.doc.norm.text;
        let n = n as usize;
        let start = t[within.start..m.start]
            .char_indices()
            .rev()
            .nth(n.saturating_sub(1))
            .map_or(within.start, |(i, _)| within.start + i);
        let start = if n == 0 { m.start } else { start };
        let end = t[m.end..within.end]
            .char_indices()
            .nth(n)
            .map_or(within.end, |(i, _)| m.end + i);
        start..end
    }

    /// The parts of `parent` a scope names.
    fn instances(&self, scope: &Scope, parent: &Instance, boiler: bool) -> Vec<Instance> {
        let doc = self.doc;
        let inside = |r: &Range<usize>| {
            r.start >= parent.range.start
                && r.end <= parent.range.end
                && r.start < r.end
                && in_parts(&parent.parts, r)
        };
        match scope {
            Scope::Document => vec![Instance {
                range: 0..doc.norm.text.len(),
                section: None,
                origin: None,
                window: false,
                parts: Vec::new(),
            }],
            Scope::Section {
                heading,
                or_document,
                together,
            } => {
                let mut out: Vec<Instance> = Vec::new();
                for &s in &self.sections {
                    let n = doc.node(s);
                    if !inside(&n.norm) {
                        continue;
                    }
                    // Outermost matching sections only.
                    if out
                        .iter()
                        .any(|o| o.range.start <= n.norm.start && n.norm.end <= o.range.end)
                    {
                        continue;
                    }
                    let ok = match heading {
                        None => true,
                        Some(e) => doc.section_heading(s).is_some_and(|h| {
                            self.within(*e, &doc.node(h).norm, true).next().is_some()
                        }),
                    };
                    if ok {
                        out.push(Instance {
                            range: n.norm.clone(),
                            section: Some(s),
                            origin: None,
                            window: false,
                            parts: Vec::new(),
                        });
                    }
                }
                if out.is_empty() && *or_document {
                    out.push(parent.clone());
                } else if *together && out.len() > 1 {
                    // One part made of every matching section: its heading
                    // is the first one's, its matches those inside any.
                    let parts: Vec<Range<usize>> = out.iter().map(|i| i.range.clone()).collect();
                    let start = parts.iter().map(|p| p.start).min().unwrap_or(0);
                    let end = parts.iter().map(|p| p.end).max().unwrap_or(0);
                    let section = out[0].section;
                    out = vec![Instance {
                        range: start..end,
                        section,
                        origin: None,
                        window: false,
                        parts,
                    }];
                }
                out
            }
            Scope::SectionOf(e) => {
                let mut out: Vec<Instance> = Vec::new();
                for m in self.within(*e, &parent.range, boiler) {
                    let sec = self
                        .sections
                        .iter()
                        .rev()
                        .find(|&&s| {
                            let r = &doc.node(s).norm;
                            r.start <= m.start && m.end <= r.end && inside(r)
                        })
                        .copied();
                    let inst = match sec {
                        Some(s) => Instance {
                            range: doc.node(s).norm.clone(),
                            section: Some(s),
                            origin: None,
                            window: false,
                            parts: Vec::new(),
                        },
                        None => parent.clone(),
                    };
                    if !out.iter().any(|o| o.range == inst.range) {
                        out.push(inst);
                    }
                }
                out
            }
            Scope::Node { kind, with } => {
                let want = match kind {
                    NodeScope::Paragraph => NodeKind::Paragraph,
                    NodeScope::Sentence => NodeKind::Sentence,
                    NodeScope::ListItem => NodeKind::ListItem,
                    NodeScope::Cell => NodeKind::Cell,
                };
                doc.nodes
                    .iter()
                    .filter(|n| {
                        n.kind == want && (boiler || !n.boilerplate) && !n.quoted && inside(&n.norm)
                    })
                    .filter(|n| {
                        with.is_none_or(|w| self.within(w, &n.norm, boiler).next().is_some())
                    })
                    .map(|n| Instance {
                        range: n.norm.clone(),
                        section: parent.section,
                        origin: None,
                        window: false,
                        parts: Vec::new(),
                    })
                    .collect()
            }
            Scope::Near { of, chars } => {
                let centres: Vec<Range<usize>> = match of {
                    Some(e) => self.within(*e, &parent.range, boiler).cloned().collect(),
                    None => parent.origin.iter().cloned().collect(),
                };
                centres
                    .iter()
                    .map(|m| Instance {
                        range: self.window(m, *chars, &parent.range),
                        section: parent.section,
                        origin: Some(m.clone()),
                        window: true,
                        parts: Vec::new(),
                    })
                    .collect()
            }
        }
    }
}

/// Whether `m` lies inside one of `parts` (always, when there are none).
fn in_parts(parts: &[Range<usize>], m: &Range<usize>) -> bool {
    parts.is_empty() || parts.iter().any(|p| p.start <= m.start && m.end <= p.end)
}

/// Two spellings of the same name: different, but within about one edit in
/// five characters, and sharing their first two characters once the parts
/// the rule ignores (legal forms) are set aside (so "UQコミュニケーションズ" and
/// "楽天コミュニケーションズ" are two companies). A spelling that merely has
/// extra text in front or behind ("名称楽天モバイル株式会社") is the same name.
/// Each spelling comes with its core ([`Evaluator::name_core`]).
fn near_spelling((a, ca): (&str, &str), (b, cb): (&str, &str)) -> bool {
    if a == b || a.ends_with(b) || b.ends_with(a) || a.starts_with(b) || b.starts_with(a) {
        return false;
    }
    let shared = ca
        .chars()
        .zip(cb.chars())
        .take_while(|(x, y)| x == y)
        .count();
    if shared < 2 {
        return false;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    let limit = (la.max(lb) / 5).max(1);
    la.abs_diff(lb) <= limit && strsim::levenshtein(a, b) <= limit && !another_business(a, b)
}

/// Two names that differ by a whole word in kanji name two businesses of
/// one group, not one name mistyped: …生命保険 / …損害保険, …銀行 /
/// …信託銀行. A typo in kanji changes one character (商事 / 商亊).
fn another_business(a: &str, b: &str) -> bool {
    let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let pre = ac.iter().zip(&bc).take_while(|(x, y)| x == y).count();
    let rest = (ac.len() - pre).min(bc.len() - pre);
    let suf = ac[pre..]
        .iter()
        .rev()
        .zip(bc[pre..].iter().rev())
        .take(rest)
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&ac[pre..ac.len() - suf], &bc[pre..bc.len() - suf]);
    let kanji = |m: &[char]| {
        m.iter()
            .all(|c| matches!(c, '\u{4e00}'..='\u{9fff}' | '々'))
    };
    let word = |m: &[char]| m.len() >= 2 && kanji(m);
    (word(ma) || ma.is_empty()) && (word(mb) || mb.is_empty()) && (word(ma) || word(mb))
}

fn collect_elements<'r>(b: &'r Block, out: &mut HashMap<&'r str, ExprId>) {
    for r in &b.requires {
        for e in &r.elements {
            out.insert(&e.name, e.expr);
            if let Some(body) = &e.body {
                collect_elements(body, out);
            }
        }
    }
    for s in &b.scopes {
        collect_elements(&s.body, out);
    }
}

/// Whether `m` starts inside one of `ranges` (sorted, not overlapping).
/// A heading that only names a topic: short, with no statement (no `。`,
/// no "label: value"). Numbered lines of plain text are headings too, and
/// those often state something ("(4) 管理責任者: 株式会社…").
fn is_title(text: &str) -> bool {
    text.chars().count() <= 24 && !text.contains(['。', ':'])
}

fn starts_in(ranges: &[Range<usize>], m: &Range<usize>) -> bool {
    let i = ranges.partition_point(|b| b.end <= m.start);
    ranges
        .get(i)
        .is_some_and(|b| b.start <= m.start && m.start < b.end)
}
