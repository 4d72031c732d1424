//! One scan of a document's normalised text for every pattern of every
//! loaded rule: literals go into one Aho-Corasick automaton; each regular
//! expression runs with its own literal prefilter and lazy DFA.
//!
//! A RegexSet was measured and rejected: the set's combined lazy DFA over
//! large Unicode classes (`[\p{Han}…]{1,30}`) overflows its cache and falls
//! back to the PikeVM, which made checking about 7× slower than running each
//! regex alone, whose prefilter skips most of the text.

use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::{Regex, RegexBuilder};

/// Index of a pattern in a [`PatternSet`].
pub type PatternId = u32;

/// Compiled size limit of one regular expression.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Lazy DFA cache limit of one regular expression.
pub const REGEX_DFA_LIMIT: usize = 2 << 20;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Pattern {
    Literal(String),
    Regex(String),
}

/// All patterns of a rule set.
#[derive(Debug, Default)]
pub struct PatternSet {
    patterns: Vec<Pattern>,
    index: std::collections::HashMap<Pattern, PatternId>,
    ac: Option<AhoCorasick>,
    /// Pattern id of each automaton pattern.
    ac_ids: Vec<PatternId>,
    regexes: Vec<(Regex, PatternId)>,
}

/// Matches of every pattern in one text, each list sorted by start.
#[derive(Debug, Default)]
pub struct Scan {
    pub by_pattern: Vec<Vec<Range<usize>>>,
}

impl PatternSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// A literal, already normalised the way documents are.
    pub fn add_literal(&mut self, lit: String) -> PatternId {
        self.add(Pattern::Literal(lit))
    }

    /// A regular expression; the error is the regex crate's.
    pub fn add_regex(&mut self, src: &str) -> Result<PatternId, regex::Error> {
        let key = Pattern::Regex(src.to_string());
        if let Some(&id) = self.index.get(&key) {
            return Ok(id);
        }
        let re = build_regex(src)?;
        let id = self.add(key);
        self.regexes.push((re, id));
        Ok(id)
    }

    fn add(&mut self, p: Pattern) -> PatternId {
        if let Some(&id) = self.index.get(&p) {
            return id;
        }
        let id = self.patterns.len() as PatternId;
        self.patterns.push(p.clone());
        self.index.insert(p, id);
        id
    }

    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// A pattern as a rule author would write it: `"literal"` or `/regex/`.
    pub fn describe(&self, id: PatternId) -> String {
        match self.patterns.get(id as usize) {
            Some(Pattern::Literal(s)) => format!("\"{s}\""),
            Some(Pattern::Regex(s)) => format!("/{s}/"),
            None => String::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Build the automaton once all patterns are in.
    pub fn build(&mut self) -> Result<(), String> {
        let mut lits = Vec::new();
        self.ac_ids.clear();
        for (i, p) in self.patterns.iter().enumerate() {
            if let Pattern::Literal(s) = p {
                lits.push(s.as_str());
                self.ac_ids.push(i as PatternId);
            }
        }
        self.ac = if lits.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&lits)
                    .map_err(|e| e.to_string())?,
            )
        };
        Ok(())
    }

    /// Every match of every pattern in `text`.
    pub fn scan(&self, text: &str) -> Scan {
        let mut by_pattern: Vec<Vec<Range<usize>>> = vec![Vec::new(); self.patterns.len()];
        if let Some(ac) = &self.ac {
            for m in ac.find_overlapping_iter(text) {
                let id = self.ac_ids[m.pattern().as_usize()];
                by_pattern[id as usize].push(m.start()..m.end());
            }
        }
        for (re, id) in &self.regexes {
            let list = &mut by_pattern[*id as usize];
            list.extend(
                re.find_iter(text)
                    .filter(|m| !m.is_empty())
                    .map(|m| m.range()),
            );
        }
        // Overlapping automaton matches arrive by end position.
        for list in &mut by_pattern {
            list.sort_by_key(|r| (r.start, r.end));
        }
        Scan { by_pattern }
    }
}

fn build_regex(src: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(src)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_DFA_LIMIT)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_and_regexes_in_one_scan() {
        let mut ps = PatternSet::new();
        let a = ps.add_literal("お問い合わせ".into());
        let b = ps.add_literal("問い合わせ".into());
        let c = ps.add_regex("〒[0-9]{3}-[0-9]{4}").unwrap();
        assert_eq!(ps.add_literal("お問い合わせ".into()), a, "deduplicated");
        ps.build().unwrap();
        let t = "お問い合わせは〒100-6150へ。問い合わせ";
        let s = ps.scan(t);
        assert_eq!(s.by_pattern[a as usize].len(), 1);
        // Overlapping: 問い合わせ inside お問い合わせ counts too.
        assert_eq!(s.by_pattern[b as usize].len(), 2);
        let r = s.by_pattern[c as usize][0].clone();
        assert_eq!(&t[r], "〒100-6150");
    }

    #[test]
    fn regex_errors_and_limits() {
        let mut ps = PatternSet::new();
        assert!(ps.add_regex("(unclosed").is_err());
        // A regex whose compiled form exceeds the size limit is refused.
        let huge = format!("(?:{}){{1000}}", "[a-z]".repeat(50));
        assert!(ps.add_regex(&huge).is_err());
    }
}
