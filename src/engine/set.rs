//! Checking a document set: a policy spread over several pages, evaluated
//! as one document (rules with `scope page` on each page alone), each
//! finding reported in the file its primary span lies in.

use std::ops::Range;
use std::path::PathBuf;
use std::time::Instant;

use super::diag::FileResult;
use super::eval::Evaluator;
use super::finding::{Evidence, Finding, FindingKind};
use super::requirements::{DiagIn, Requirement, located, requirements, sort_requirements};
use super::run::{Checked, Engine, Outcome, Placed, Printer, deadline, item_path, not_loaded};
use super::settings::PathSettings;
use super::status::RuleStatus;
use crate::document::set::{normal, resolve_link};
use crate::document::{Context, Document, Facet, LoadError};
use crate::rules::model::{Applicability, Block, ExprId};
use crate::source::walk::WalkItem;
use crate::source::{display_path, read_file};

/// Pages checked as one document: a name, and the indices of its members
/// in the walked items, in set order (the first is the main page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocSet {
    pub name: String,
    pub members: Vec<usize>,
}

/// What a run checks as one: a file, or a set of files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    File(usize),
    Set(usize),
}

/// The units of a run, in the order of the items: a set stands at the
/// place of its first member (in set order) and its other members are not
/// units of their own. Sets with no member among the items are left out.
pub(super) fn units(n: usize, sets: &[DocSet]) -> Vec<Unit> {
    let mut in_set: Vec<Option<usize>> = vec![None; n];
    for (s, set) in sets.iter().enumerate() {
        for &m in set.members.iter().filter(|&&m| m < n) {
            in_set[m].get_or_insert(s);
        }
    }
    (0..n)
        .filter_map(|i| match in_set[i] {
            None => Some(Unit::File(i)),
            Some(s) => {
                let first = sets[s]
                    .members
                    .iter()
                    .find(|&&m| m < n && in_set[m] == Some(s));
                (first == Some(&i)).then_some(Unit::Set(s))
            }
        })
        .collect()
}

/// A member of a set, loaded or not.
struct Member {
    path: PathBuf,
    shown: String,
    loaded: Result<Document, Option<LoadError>>,
    unreadable: Option<String>,
}

impl Engine<'_> {
    /// Check the pages of `set` as one document and print each member's
    /// result, in set order.
    pub(super) fn check_set<P: Printer>(
        &self,
        items: &[WalkItem],
        set: &DocSet,
        printer: &P,
    ) -> Vec<P::Part> {
        let started = Instant::now();
        let members: Vec<Member> = set
            .members
            .iter()
            .filter_map(|&i| items.get(i))
            .map(|item| match item {
                WalkItem::File(p) => Member {
                    path: p.clone(),
                    shown: display_path(p),
                    loaded: read_file(p, self.settings().max_file_size)
                        .map_err(LoadError::from)
                        .and_then(|bytes| Document::from_bytes(p, &bytes))
                        .map_err(Some),
                    unreadable: None,
                },
                WalkItem::Error(p, msg) => Member {
                    path: p.clone(),
                    shown: item_path(item),
                    loaded: Err(None),
                    unreadable: Some(msg.clone()),
                },
            })
            .collect();
        // A member that failed to load is reported as always and left out.
        let docs: Vec<(usize, &Member, &Document)> = members
            .iter()
            .enumerate()
            .filter_map(|(k, m)| m.loaded.as_ref().ok().map(|d| (k, m, d)))
            .collect();
        let mut results: Vec<Option<P::Part>> = (0..members.len()).map(|_| None).collect();
        if let Some(&(_, first, _)) = docs.first() {
            let shown: Vec<(String, &Document)> =
                docs.iter().map(|(_, m, d)| (m.shown.clone(), *d)).collect();
            let combined = Document::combine(&docs.iter().map(|d| d.2).collect::<Vec<_>>());
            // Rule settings and configured context: the first member's.
            let settings = self.settings().for_path(&first.path);
            let context = settings.context(&combined.context);
            let seconds = self.settings().file_timeout * docs.len() as f64;
            let deadline = deadline(started, seconds);
            let eval = Evaluator::new(self.rules(), &combined)
                .with_context(context.clone())
                .only_page_rules(false);
            let (findings, mut statuses, stopped) = self.evaluate(&eval, deadline);
            let (skipped, applied) = eval.applicability();
            let mut per: Vec<Vec<Placed>> = (0..docs.len()).map(|_| Vec::new()).collect();
            let mut resolved = Vec::new();
            let mut stated_at = Vec::new();
            for f in findings {
                let Some(f) =
                    self.resolve_reference(f, &eval, &combined, &docs, &context, &mut stated_at)
                else {
                    continue;
                };
                if self.evidence() {
                    resolved.push(f.clone());
                }
                let (k, placed) = place(f, &combined);
                // One finding per place: scopes in several pages may anchor
                // the same finding at the same place.
                let same = |p: &Placed| {
                    let (a, b) = (&p.finding, &placed.finding);
                    (&a.rule, &a.span, a.kind, &a.missing) == (&b.rule, &b.span, b.kind, &b.missing)
                };
                if !per[k].iter().any(same) {
                    per[k].push(placed);
                }
            }
            // A requirement's state follows its findings once references to
            // other pages are resolved.
            for st in &mut statuses {
                st.findings = resolved
                    .iter()
                    .filter(|f| f.rule == st.rule)
                    .cloned()
                    .collect();
                for (rule, name, span) in &stated_at {
                    if *rule == st.rule
                        && let Some(e) = st.elements.iter_mut().find(|e| e.name == *name)
                        && !e.found.contains(span)
                    {
                        e.found.push(span.clone());
                    }
                }
            }
            let mut page_statuses = Vec::with_capacity(docs.len());
            let mut checked = Vec::with_capacity(docs.len());
            for (k, (_, m, doc)) in docs.iter().enumerate() {
                // `scope page` rules: each page alone.
                let page = Evaluator::new(self.rules(), doc)
                    .with_context(context.clone())
                    .only_page_rules(true);
                let (found, page_status, page_stopped) = self.evaluate(&page, deadline);
                page_statuses.push(page_status);
                let (page_skipped, page_applied) = page.applicability();
                per[k].extend(found.into_iter().map(Placed::here));
                let mut skipped_rules = skipped.clone();
                skipped_rules.extend(page_skipped);
                let outcome = Outcome {
                    context: local_context(&context, &combined, k),
                    rules_applied: applied + page_applied,
                    skipped_rules,
                    // The time budget is the set's: said once, on the main page.
                    stopped: if k == 0 {
                        stopped.clone().or(page_stopped)
                    } else {
                        page_stopped
                    },
                };
                let mut result = self.report(
                    &settings,
                    m.shown.clone(),
                    doc,
                    std::mem::take(&mut per[k]),
                    outcome,
                    &shown,
                );
                result.set = Some(set.name.clone());
                checked.push(result);
            }
            if self.evidence() {
                let reqs = self.set_requirements(
                    &settings,
                    statuses,
                    page_statuses,
                    &checked,
                    &combined,
                    &shown,
                );
                for (result, r) in checked.iter_mut().zip(reqs) {
                    result.requirements = r;
                }
            }
            for (result, (i, _, doc)) in checked.into_iter().zip(&docs) {
                results[*i] = Some(printer.print(&Checked {
                    result,
                    document: Some(doc),
                    error: None,
                    members: &shown,
                }));
            }
        }
        members
            .iter()
            .zip(results)
            .map(|(m, r)| match r {
                Some(part) => part,
                None => {
                    let mut result = match (&m.loaded, &m.unreadable) {
                        (Err(Some(e)), _) => not_loaded(m.shown.clone(), e),
                        (_, msg) => super::run::unreadable(
                            m.shown.clone(),
                            msg.clone().unwrap_or_default(),
                            super::diag::Pos::START,
                        ),
                    };
                    result.set = Some(set.name.clone());
                    printer.print(&Checked {
                        result,
                        document: None,
                        error: m.loaded.as_ref().err().and_then(Option::as_ref),
                        members: &[],
                    })
                }
            })
            .collect()
    }

    /// Each member's requirements: the set's (evaluated as one, their
    /// evidence located in the member it lies in) on the main page, with
    /// its own `scope page` rules'; each other page's `scope page` rules'.
    fn set_requirements(
        &self,
        settings: &PathSettings<'_>,
        statuses: Vec<RuleStatus>,
        page_statuses: Vec<Vec<RuleStatus>>,
        checked: &[FileResult],
        combined: &Document,
        shown: &[(String, &Document)],
    ) -> Vec<Vec<Requirement>> {
        let in_member = |k: usize| -> Vec<DiagIn<'_>> {
            let (Some(result), Some((path, doc))) = (checked.get(k), shown.get(k)) else {
                return Vec::new();
            };
            result
                .diagnostics
                .iter()
                .map(|diag| DiagIn {
                    path: (k != 0).then(|| path.clone()),
                    doc,
                    diag,
                })
                .collect()
        };
        let all: Vec<DiagIn<'_>> = (0..checked.len()).flat_map(in_member).collect();
        let set_reqs = requirements(settings, statuses, &all, |r| {
            let (k, local) = combined.part_of(r);
            match shown.get(k) {
                Some((path, doc)) => located(doc, local, (k != 0).then(|| path.clone())),
                None => located(combined, r.clone(), None),
            }
        });
        let mut out: Vec<Vec<Requirement>> = page_statuses
            .into_iter()
            .enumerate()
            .map(|(k, st)| {
                let Some((_, doc)) = shown.get(k) else {
                    return Vec::new();
                };
                let diags: Vec<DiagIn<'_>> = in_member(k)
                    .into_iter()
                    .map(|d| DiagIn { path: None, ..d })
                    .collect();
                requirements(settings, st, &diags, |r| located(doc, r.clone(), None))
            })
            .collect();
        if let Some(main) = out.first_mut() {
            main.extend(set_reqs);
            sort_requirements(self.rules(), main);
        }
        out
    }

    /// A reference to another page of the set (a link to it, or its title
    /// matching the reference) is resolved: the elements that page states
    /// are no longer missing (none left: no finding); for the others the
    /// finding is the rule's own (missing), and its label on the reference
    /// says the page referred to does not state them either.
    fn resolve_reference(
        &self,
        mut f: Finding,
        eval: &Evaluator<'_>,
        combined: &Document,
        docs: &[(usize, &Member, &Document)],
        context: &Context,
        stated_at: &mut Vec<(String, String, Range<usize>)>,
    ) -> Option<Finding> {
        if f.kind != FindingKind::Referenced {
            return Some(f);
        }
        let Some(rule) = self.rules().rule(&f.rule) else {
            return Some(f);
        };
        let Some(label) = f
            .labels
            .iter_mut()
            .find(|l| l.evidence == Evidence::Reference)
        else {
            return Some(f);
        };
        let (from, _) = combined.part_of(&label.span);
        let linked = combined
            .links
            .iter()
            .filter(|l| l.span.start < label.span.end && label.span.start < l.span.end)
            .filter_map(|l| resolve_link(&docs[from].1.path, &l.target))
            .find_map(|target| {
                docs.iter()
                    .position(|(_, m, _)| normal(&m.path) == target)
                    .filter(|&k| k != from)
            });
        let page = linked.or_else(|| {
            let exprs = references(&rule.body);
            docs.iter()
                .enumerate()
                .filter(|&(k, _)| k != from)
                .find(|(_, (_, _, d))| d.title().is_some_and(|t| self.title_matches(t, &exprs)))
                .map(|(k, _)| k)
        });
        let Some(k) = page else {
            return Some(f);
        };
        let on_page = &combined.parts[k].norm;
        let at: Vec<(String, Range<usize>)> = f
            .missing
            .iter()
            .filter_map(|name| {
                let e = rule.element(name)?;
                Some((name.clone(), eval.states(e.expr, on_page)?))
            })
            .collect();
        let stated: Vec<String> = at.iter().map(|(name, _)| name.clone()).collect();
        // What the page states is evidence of the requirement, there.
        stated_at.extend(
            at.into_iter()
                .map(|(name, span)| (f.rule.clone(), name, span)),
        );
        if stated.len() == f.missing.len() {
            return None;
        }
        f.missing.retain(|m| !stated.contains(m));
        f.found.extend(stated);
        label.evidence = Evidence::ResolvedReference {
            page: docs[k].1.shown.clone(),
        };
        f.kind = FindingKind::Missing;
        // The reference's severity no longer applies; an `applies … ->`
        // cap of the rule in this context does.
        f.severity = rule.severity;
        f.capped = None;
        if let Applicability::Applies(Some((max, facet))) = rule.applicability(context)
            && f.severity > max
        {
            f.severity = max;
            f.capped = Some((facet, context.get(facet).value));
        }
        Some(f)
    }

    /// Whether a page title matches one of the reference expressions.
    fn title_matches(&self, title: &str, exprs: &[ExprId]) -> bool {
        let rules = self.rules();
        let scan = rules.patterns.scan(title);
        exprs.iter().any(|&e| {
            rules
                .exprs
                .get(e as usize)
                .is_some_and(|ids| ids.iter().any(|&p| !scan.get(p).is_empty()))
        })
    }
}

/// The set's context as one member shows it: the words a facet was read
/// from are located in that member, or not shown when on another page.
fn local_context(ctx: &Context, combined: &Document, k: usize) -> Context {
    let mut c = ctx.clone();
    for f in Facet::ALL {
        let mut v = ctx.get(f).clone();
        v.evidence = v.evidence.and_then(|r| {
            let (j, local) = combined.part_of(&r);
            (j == k).then_some(local)
        });
        c.set(f, v);
    }
    c
}

/// The expressions of a rule's `reference` statements, in every block.
fn references(b: &Block) -> Vec<ExprId> {
    let mut out: Vec<ExprId> = b.references.iter().map(|r| r.expr).collect();
    for s in &b.scopes {
        out.extend(references(&s.body));
    }
    for r in &b.requires {
        for e in &r.elements {
            if let Some(body) = &e.body {
                out.extend(references(body));
            }
        }
    }
    out
}

/// A finding of the combined document, moved into the member its primary
/// span lies in; each label keeps its own member.
fn place(mut f: Finding, combined: &Document) -> (usize, Placed) {
    let (k, span) = combined.part_of(&f.span);
    f.span = span;
    let mut elsewhere = Vec::with_capacity(f.labels.len());
    for l in &mut f.labels {
        let (j, span) = combined.part_of(&l.span);
        l.span = span;
        elsewhere.push((j != k).then_some(j));
    }
    (
        k,
        Placed {
            finding: f,
            elsewhere,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_is_one_unit_at_the_place_of_its_main_page() {
        let sets = [
            DocSet {
                name: "a".into(),
                members: vec![3, 1],
            },
            // A member in two sets stays in the first; out of range is ignored.
            DocSet {
                name: "b".into(),
                members: vec![4, 1, 9],
            },
        ];
        assert_eq!(
            units(6, &sets),
            [
                Unit::File(0),
                Unit::File(2),
                Unit::Set(0),
                Unit::Set(1),
                Unit::File(5)
            ]
        );
        // A set none of whose members is checked is no unit.
        let gone = [DocSet {
            name: "c".into(),
            members: vec![7],
        }];
        assert_eq!(units(2, &gone), [Unit::File(0), Unit::File(1)]);
    }
}
