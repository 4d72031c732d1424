//! Requirement status: for each rule, on one document, whether it applies
//! (or why not), each named element found or not and where, and the rule's
//! findings. `check` only needs what is missing; a comparison of two
//! versions (`policylint diff`) and a compliance report need every
//! requirement's state and its evidence, which this records while the rule
//! runs, only when asked.

use std::ops::Range;

use super::diag::SkipReason;
use super::eval::Evaluator;
use super::finding::{Finding, FindingKind};
use crate::rules::model::{Block, Rule};

/// A requirement's state on one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The rule does not apply (its context facet, or nothing it is about
    /// is mentioned).
    NotApplicable(SkipReason),
    /// Every required element is there (for a forbid or consistency rule:
    /// nothing was found against it).
    Satisfied,
    /// Required elements are given only by a reference to another page.
    Referenced,
    /// Required elements are missing.
    Missing,
    /// A forbidden phrase or an inconsistent spelling was found.
    Flagged,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::NotApplicable(_) => "not-applicable",
            Status::Satisfied => "satisfied",
            Status::Referenced => "referenced",
            Status::Missing => "missing",
            Status::Flagged => "flagged",
        }
    }

    /// How well the requirement is met, for comparing two versions: missing
    /// (or flagged) < referenced < satisfied. `None` when it does not apply.
    pub fn rank(self) -> Option<u8> {
        match self {
            Status::NotApplicable(_) => None,
            Status::Missing | Status::Flagged => Some(0),
            Status::Referenced => Some(1),
            Status::Satisfied => Some(2),
        }
    }
}

/// One named element of a rule (`require name = …`) on one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementStatus {
    pub name: String,
    /// The element whose block requires this one (`require window = … {
    /// in near 200 { require channel = … } }`: channel's parent is window).
    pub parent: Option<String>,
    /// Where it was found, as byte ranges of the decoded text, in document
    /// order: the match that stands for it in each part of the document the
    /// rule checked.
    pub found: Vec<Range<usize>>,
    /// The normalised text of each match in `found` (same order): the
    /// words, without the markup a span of the source may hold.
    pub found_text: Vec<String>,
    /// The normalised text of every match of the element in the parts
    /// where it was found (the one in `found` and the others), sorted,
    /// each once, with the first span of each: what two versions' evidence
    /// is compared by.
    pub words: Vec<(String, Range<usize>)>,
    /// Where a finding says it is missing (the finding's span), in order.
    pub missing: Vec<Range<usize>>,
}

/// A rule's state on one document: see [`Evaluator::status`].
#[derive(Debug, Clone, PartialEq)]
pub struct RuleStatus {
    pub rule: String,
    /// `Err` with the reason when the rule does not apply.
    pub applies: Result<(), SkipReason>,
    /// Every element the rule names, in the order of the rule file (those
    /// of a block that was never reached are neither found nor missing).
    pub elements: Vec<ElementStatus>,
    pub findings: Vec<Finding>,
}

impl RuleStatus {
    /// The requirement's state, from its findings: missing elements first,
    /// then a reference standing for them, then a forbidden phrase or
    /// spelling; satisfied when there is none.
    pub fn status(&self) -> Status {
        if let Err(r) = self.applies {
            return Status::NotApplicable(r);
        }
        let has = |k: FindingKind| self.findings.iter().any(|f| f.kind == k);
        if has(FindingKind::Missing) {
            Status::Missing
        } else if has(FindingKind::Referenced) {
            Status::Referenced
        } else if self.findings.is_empty() {
            Status::Satisfied
        } else {
            Status::Flagged
        }
    }

    /// The names of the missing elements, each once, in rule order.
    pub fn missing(&self) -> Vec<&str> {
        self.elements
            .iter()
            .filter(|e| !e.missing.is_empty())
            .map(|e| e.name.as_str())
            .collect()
    }

    pub fn element(&self, name: &str) -> Option<&ElementStatus> {
        self.elements.iter().find(|e| e.name == name)
    }
}

impl Evaluator<'_> {
    /// The state of one rule on this document: whether it applies, each
    /// element found (and where) or missing, and its findings (exactly
    /// those [`Evaluator::run`] gives). The evidence is recorded only here;
    /// `run` records nothing.
    pub fn status(&self, rule: &Rule) -> RuleStatus {
        let run = self.run_traced(rule);
        let mut elements = Vec::new();
        declared(&rule.body, None, &mut elements);
        let mut found = run.found;
        found.sort_by_key(|f| (f.1.start, f.1.end, !f.3));
        for (name, span, text, rep) in found {
            let Some(e) = elements.iter_mut().find(|e| e.name == name) else {
                continue;
            };
            if rep && e.found.last() != Some(&span) {
                e.found.push(span.clone());
                e.found_text.push(text.clone());
            }
            e.words.push((text, span));
        }
        for f in &run.findings {
            if !matches!(f.kind, FindingKind::Missing | FindingKind::Referenced) {
                continue;
            }
            for name in &f.missing {
                if let Some(e) = elements.iter_mut().find(|e| &e.name == name) {
                    e.missing.push(f.span.clone());
                }
            }
        }
        for e in &mut elements {
            e.missing.sort_by_key(|r| (r.start, r.end));
            e.missing.dedup();
            e.words
                .sort_by(|a, b| (&a.0, a.1.start).cmp(&(&b.0, b.1.start)));
            e.words.dedup_by(|a, b| a.0 == b.0);
        }
        RuleStatus {
            rule: rule.id.clone(),
            applies: run.skip.map_or(Ok(()), Err),
            elements,
            findings: run.findings,
        }
    }
}

impl Evaluator<'_> {
    /// As [`Evaluator::run_until`], with each evaluated rule's status (in
    /// rule order): the same findings, and the evidence of each element.
    pub fn status_until(
        &self,
        deadline: Option<std::time::Instant>,
    ) -> (Vec<Finding>, Vec<RuleStatus>, Option<String>) {
        let (statuses, stopped) = self.each_until(deadline, |r| self.status(r));
        let mut findings: Vec<Finding> = statuses
            .iter()
            .flat_map(|s| s.findings.iter().cloned())
            .collect();
        super::eval::sort_findings(&mut findings);
        (findings, statuses, stopped)
    }
}

/// The elements a block names, with their parents, in rule order; a name
/// given twice (in two scopes) is one element.
fn declared(b: &Block, parent: Option<&str>, out: &mut Vec<ElementStatus>) {
    for r in &b.requires {
        for e in &r.elements {
            if !out.iter().any(|o| o.name == e.name) {
                out.push(ElementStatus {
                    name: e.name.clone(),
                    parent: parent.map(str::to_string),
                    found: Vec::new(),
                    found_text: Vec::new(),
                    words: Vec::new(),
                    missing: Vec::new(),
                });
            }
            if let Some(body) = &e.body {
                declared(body, Some(&e.name), out);
            }
        }
    }
    for s in &b.scopes {
        declared(&s.body, parent, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::rules::Loader;

    const RULES: &str = r#"
rule t/contact {
  title "窓口" / "Window"
  severity error
  when mentions "個人情報"
  require window = "お問い合わせ窓口" as "窓口" / "a window" {
    in near 40 {
      require channel = /0\d{1,3}-\d{2,4}-\d{4}/ as "電話" / "a phone"
    }
  }
  reference "別ページ" -> warning
  message "{missing}がありません" / "{missing} missing"
}
rule t/closed {
  title "閉鎖" / "Closed"
  severity error
  forbid "窓口は閉鎖しました"
  message "閉鎖" / "closed"
}
"#;

    fn set() -> crate::rules::RuleSet {
        let mut l = Loader::new();
        l.add_source("test.rules", None, RULES.to_string());
        l.compile().unwrap()
    }

    fn status_of(text: &str, rule: &str) -> (RuleStatus, Document) {
        let set = set();
        let doc = Document::from_text("p.md", text).unwrap();
        let s = Evaluator::new(&set, &doc).status(set.rule(rule).unwrap());
        (s, doc)
    }

    #[test]
    fn a_satisfied_element_points_at_its_evidence() {
        let text = "# 個人情報の取扱い\n\n当社のお問い合わせ窓口は電話 03-1234-5678 です。\n";
        let (s, doc) = status_of(text, "t/contact");
        assert_eq!(s.status(), Status::Satisfied);
        let w = s.element("window").unwrap();
        assert_eq!(w.parent, None);
        assert_eq!(w.found.len(), 1);
        assert_eq!(&doc.text[w.found[0].clone()], "お問い合わせ窓口");
        assert_eq!(w.found_text, ["お問い合わせ窓口"]);
        let c = s.element("channel").unwrap();
        assert_eq!(c.parent.as_deref(), Some("window"));
        assert_eq!(c.words[0].0, "03-1234-5678");
        assert_eq!(c.words.len(), 1);
        assert_eq!(&doc.text[c.found[0].clone()], "03-1234-5678");
        assert!(s.missing().is_empty());
    }

    #[test]
    fn the_evidence_is_the_occurrence_whose_block_is_satisfied() {
        // The first window has no phone near it; the second has.
        let text = "# 個人情報\n\nお問い合わせ窓口は移転しました。\n\n".to_string()
            + &"これは窓口とは関係のない長い説明の文章です。".repeat(4)
            + "\n\n新しいお問い合わせ窓口: 06-1111-2222\n";
        let (s, doc) = status_of(&text, "t/contact");
        assert_eq!(s.status(), Status::Satisfied);
        let w = s.element("window").unwrap();
        assert_eq!(w.found.len(), 1);
        assert!(doc.position(w.found[0].start).line == 7, "{:?}", w.found);
        let c = s.element("channel").unwrap();
        assert_eq!(&doc.text[c.found[0].clone()], "06-1111-2222");
        // The first window had no phone near it: its words are not the
        // evidence of this one.
        assert_eq!(c.words.len(), 1);
        assert_eq!(&doc.text[c.words[0].1.clone()], "06-1111-2222");
    }

    #[test]
    fn missing_elements_are_located_where_the_finding_points() {
        let (s, doc) = status_of("個人情報のお問い合わせ窓口を設けます。\n", "t/contact");
        assert_eq!(s.status(), Status::Missing);
        assert_eq!(s.missing(), vec!["channel"]);
        let c = s.element("channel").unwrap();
        assert!(c.found.is_empty());
        assert_eq!(c.missing, vec![s.findings[0].span.clone()]);
        assert_eq!(&doc.text[s.findings[0].span.clone()], "お問い合わせ窓口");
    }

    #[test]
    fn a_reference_and_a_rule_that_does_not_apply() {
        let (s, _) = status_of("個人情報の窓口は別ページをご覧ください。\n", "t/contact");
        assert_eq!(s.status(), Status::Referenced);
        assert_eq!(s.missing(), vec!["window"]);
        let (s, _) = status_of("当社のお問い合わせ窓口: 03-1234-5678\n", "t/contact");
        assert_eq!(s.status(), Status::NotApplicable(SkipReason::NotMentioned));
        assert!(s.elements.iter().all(|e| e.found.is_empty()));
    }

    #[test]
    fn a_forbid_rule_is_flagged_or_satisfied() {
        let (s, _) = status_of("窓口は閉鎖しました。\n", "t/closed");
        assert_eq!(s.status(), Status::Flagged);
        assert!(s.elements.is_empty());
        let (s, _) = status_of("窓口は営業中です。\n", "t/closed");
        assert_eq!(s.status(), Status::Satisfied);
    }

    #[test]
    fn status_until_gives_the_findings_run_until_gives() {
        let set = set();
        let text = "個人情報のお問い合わせ窓口を設けます。窓口は閉鎖しました。\n";
        let doc = Document::from_text("p.md", text).unwrap();
        let (found, statuses, stopped) = Evaluator::new(&set, &doc).status_until(None);
        assert_eq!((found, stopped), Evaluator::new(&set, &doc).run_until(None));
        let ids: Vec<&str> = statuses.iter().map(|s| s.rule.as_str()).collect();
        // In rule order (the order of the rule file).
        assert_eq!(ids, ["t/contact", "t/closed"]);
    }

    #[test]
    fn status_gives_the_findings_run_gives() {
        let set = set();
        let text = "個人情報のお問い合わせ窓口を設けます。窓口は閉鎖しました。\n";
        let doc = Document::from_text("p.md", text).unwrap();
        let ev = Evaluator::new(&set, &doc);
        for r in &set.rules {
            assert_eq!(ev.status(r).findings, ev.run(r), "{}", r.id);
        }
    }
}
