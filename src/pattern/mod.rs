//! One scan of a document's normalised text for every pattern of every
//! loaded rule: one Aho-Corasick pass finds every literal, including the
//! literals that regular expressions start with or require; each regex then
//! runs only at or around those hits, and only when a rule asks for it.
//!
//! Plans, from the regex's syntax tree: when every match starts with one of
//! a few literals (`(株式会社|合同会社)…`), an anchored search at each hit
//! (one forward pass, no reverse pass to find the start); when every match
//! contains one (`…[^。]{0,20}手数料`) and is bounded around it, a search of
//! the small window around each hit; otherwise the whole text. Both give
//! exactly the matches a search of the whole text gives (the tests
//! `windows_equal_full_search*` check it on the pack and on random text).
//! The earlier design ran each regex over the whole text and spent 60% of
//! the time there. A RegexSet was rejected before that: its combined lazy DFA
//! over large Unicode classes overflows and falls back to the PikeVM, 7×
//! slower still.

use std::cell::OnceCell;
use std::ops::Range;

use aho_corasick::automaton::Automaton;
use aho_corasick::{AhoCorasick, MatchKind};
use regex_automata::meta;
use regex_automata::{Anchored, Input};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Class, Hir, HirKind};

/// Index of a pattern in a [`PatternSet`].
pub type PatternId = u32;

/// Compiled size limit of one regular expression.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Lazy DFA cache limit of one regular expression (per thread).
pub const REGEX_DFA_LIMIT: usize = 2 << 20;

/// Beyond this many hits of a regex's required literals, and more than one
/// hit per this many bytes, one search of the span beats a window per hit
/// (a common literal such as `-` in a list-heavy document).
const DENSE_HITS: usize = 64;
const DENSE_BYTES_PER_HIT: usize = 48;
/// Classes of at most this many characters count as literals.
const MAX_CLASS_LITERALS: usize = 16;
/// At most this many required literals per regex.
const MAX_REQUIRED: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Pattern {
    Literal(String),
    Regex(String),
    /// A match of `first`, then one of `then` later in the same sentence,
    /// with at most `within` characters between them.
    Seq {
        first: PatternId,
        then: PatternId,
        within: Option<u32>,
    },
    /// A match of `base` that is not right before (`after`) or right after
    /// (`!after`) a match of `by`.
    Except {
        base: PatternId,
        by: PatternId,
        after: bool,
    },
    /// The matches of all of these, merged once per document however many
    /// sequences share them (a term used on either side of several `then`).
    Union(Vec<PatternId>),
}

/// Where one sentence ends and the next begins, for `then`: the same
/// characters `[^。\n]` stood for in the pack's regexes. An automaton of two
/// literals searches with SIMD; `str::match_indices` over a char set cost
/// 3% of a run.
static BREAKS: std::sync::LazyLock<AhoCorasick> = std::sync::LazyLock::new(|| {
    AhoCorasick::new(["。", "\n"]).unwrap_or_else(|_| unreachable!("two literals always build"))
});

/// How a regex is searched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Every match contains one of the literals (automaton patterns), and
    /// starts at most `before` bytes before it and ends at most `after`
    /// bytes after it (`None`: no bound).
    Windows {
        literals: Vec<String>,
        before: Option<usize>,
        after: Option<usize>,
    },
    /// Every match starts with one of the literals: an anchored search at
    /// each hit finds the match and its end in one forward pass.
    Prefix { literals: Vec<String> },
    /// Over the whole text (the regex's own prefilter still applies).
    Full,
}

#[derive(Debug)]
struct CompiledRegex {
    re: meta::Regex,
    plan: Plan,
}

/// Who consumes the hits of one automaton literal.
#[derive(Debug, Clone, Copy)]
enum Target {
    Literal(PatternId),
    /// Index into `regexes`.
    Regex(u32),
}

/// All patterns of a rule set.
#[derive(Debug, Default)]
pub struct PatternSet {
    patterns: Vec<Pattern>,
    index: std::collections::HashMap<Pattern, PatternId>,
    ac: Option<aho_corasick::dfa::DFA>,
    /// Consumers of each automaton pattern.
    ac_targets: Vec<Vec<Target>>,
    /// The automaton's literals, for measuring tools.
    ac_literals: Vec<String>,
    regexes: Vec<CompiledRegex>,
    /// Index in `regexes` of each pattern that is a regex.
    regex_of: Vec<Option<u32>>,
    /// Index among the derived patterns (`then`, `except … by`) of each
    /// pattern that is one.
    derived_of: Vec<Option<u32>>,
    derived: u32,
}

/// Matches of every pattern in one text. Literal matches come from the
/// automaton pass; a regex's matches are computed the first time they are
/// asked for, so a rule whose trigger is absent costs nothing more.
#[derive(Debug)]
pub struct Scan<'s> {
    set: &'s PatternSet,
    text: &'s str,
    /// Matches of each literal pattern, sorted by start.
    literal: Vec<Vec<Range<usize>>>,
    /// Hits of each windowed regex's required literals.
    hits: Vec<Vec<Range<usize>>>,
    regex: Vec<OnceCell<Vec<Range<usize>>>>,
    derived: Vec<OnceCell<Vec<Range<usize>>>>,
    /// Byte offsets of the sentence breaks, found the first time a `then`
    /// asks.
    breaks: OnceCell<Vec<usize>>,
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
        let (re, hir) = build_regex(src)?;
        let id = self.add(key);
        let plan = plan(&hir);
        self.regex_of.resize(self.patterns.len(), None);
        self.regex_of[id as usize] = Some(self.regexes.len() as u32);
        self.regexes.push(CompiledRegex { re, plan });
        Ok(id)
    }

    /// `first then then [within N]`: both sides already added.
    pub fn add_seq(
        &mut self,
        first: Vec<PatternId>,
        then: Vec<PatternId>,
        within: Option<u32>,
    ) -> PatternId {
        let (first, then) = (self.one(first), self.one(then));
        self.add_derived(Pattern::Seq {
            first,
            then,
            within,
        })
    }

    /// `base except followed by z` (`after`) or `except preceded by z`.
    pub fn add_except(
        &mut self,
        base: Vec<PatternId>,
        by: Vec<PatternId>,
        after: bool,
    ) -> PatternId {
        let (base, by) = (self.one(base), self.one(by));
        self.add_derived(Pattern::Except { base, by, after })
    }

    /// The literals `id` stands for, when it is nothing else: what an
    /// `except … by` can compare with the text next to a match.
    fn adjacent_literals(&self, id: PatternId) -> Option<Vec<&str>> {
        match self.patterns.get(id as usize)? {
            Pattern::Literal(s) => Some(vec![s.as_str()]),
            Pattern::Union(ids) => ids
                .iter()
                .map(|&i| match self.patterns.get(i as usize) {
                    Some(Pattern::Literal(s)) => Some(s.as_str()),
                    _ => None,
                })
                .collect(),
            _ => None,
        }
    }

    /// One pattern standing for the alternatives `ids`.
    fn one(&mut self, mut ids: Vec<PatternId>) -> PatternId {
        ids.sort_unstable();
        ids.dedup();
        match ids.as_slice() {
            [one] => *one,
            _ => self.add_derived(Pattern::Union(ids)),
        }
    }

    fn add_derived(&mut self, p: Pattern) -> PatternId {
        if let Some(&id) = self.index.get(&p) {
            return id;
        }
        let id = self.add(p);
        self.derived_of.resize(self.patterns.len(), None);
        self.derived_of[id as usize] = Some(self.derived);
        self.derived += 1;
        id
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
        let list = |ids: &[PatternId]| {
            let v: Vec<String> = ids.iter().map(|&i| self.describe(i)).collect();
            if v.len() == 1 {
                v.concat()
            } else {
                format!("({})", v.join(" | "))
            }
        };
        match self.patterns.get(id as usize) {
            Some(Pattern::Literal(s)) => format!("\"{s}\""),
            Some(Pattern::Regex(s)) => format!("/{s}/"),
            Some(Pattern::Seq {
                first,
                then,
                within,
            }) => {
                let w = within.map_or(String::new(), |n| format!(" within {n}"));
                format!("{} then {}{w}", list(&[*first]), list(&[*then]))
            }
            Some(Pattern::Except { base, by, after }) => {
                let side = if *after { "followed" } else { "preceded" };
                format!("{} except {side} by {}", list(&[*base]), list(&[*by]))
            }
            Some(Pattern::Union(ids)) => list(ids),
            None => String::new(),
        }
    }

    /// How the regex with this id is searched (`None` for a literal).
    pub fn plan(&self, id: PatternId) -> Option<&Plan> {
        let r = (*self.regex_of.get(id as usize)?)?;
        Some(&self.regexes[r as usize].plan)
    }

    /// The literals the automaton scans for (after `build`).
    pub fn automaton_literals(&self) -> &[String] {
        &self.ac_literals
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Build the automaton once all patterns are in, for every pattern.
    pub fn build(&mut self) -> Result<(), String> {
        self.build_for(0..self.patterns.len() as PatternId)
    }

    /// Build the automaton for the literals that `roots` (the patterns
    /// rules ask for) reach. A literal only ever asked for right next to
    /// another match (`except followed by "の"`) is compared with the text
    /// there instead: scanning for "の" everywhere cost a tenth of a run.
    /// A literal of a term no rule uses is not scanned either.
    pub fn build_for(&mut self, roots: impl IntoIterator<Item = PatternId>) -> Result<(), String> {
        self.regex_of.resize(self.patterns.len(), None);
        self.derived_of.resize(self.patterns.len(), None);
        let mut reached = vec![false; self.patterns.len()];
        let mut stack: Vec<PatternId> = roots.into_iter().collect();
        while let Some(id) = stack.pop() {
            let Some(seen) = reached.get_mut(id as usize) else {
                continue;
            };
            if std::mem::replace(seen, true) {
                continue;
            }
            match &self.patterns[id as usize] {
                Pattern::Seq { first, then, .. } => stack.extend([*first, *then]),
                Pattern::Union(ids) => stack.extend(ids),
                Pattern::Except { base, by, .. } => {
                    stack.push(*base);
                    if self.adjacent_literals(*by).is_none() {
                        stack.push(*by);
                    }
                }
                Pattern::Literal(_) | Pattern::Regex(_) => {}
            }
        }
        let mut wanted: Vec<(&str, Target)> = Vec::new();
        for (i, p) in self.patterns.iter().enumerate() {
            if let Pattern::Literal(s) = p
                && reached[i]
            {
                wanted.push((s, Target::Literal(i as PatternId)));
            }
        }
        for (ri, r) in self.regexes.iter().enumerate() {
            if let Plan::Windows { literals, .. } | Plan::Prefix { literals } = &r.plan {
                for l in literals {
                    wanted.push((l, Target::Regex(ri as u32)));
                }
            }
        }
        // One automaton pattern per distinct literal, with all its consumers.
        let mut lits: Vec<&str> = Vec::new();
        let mut slot: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        for (s, t) in wanted {
            let k = *slot.entry(s).or_insert_with(|| {
                lits.push(s);
                targets.push(Vec::new());
                lits.len() - 1
            });
            targets[k].push(t);
        }
        self.ac = if lits.is_empty() {
            None
        } else {
            // The DFA type itself, not `AhoCorasick` over it: an overlapping
            // search through the wrapper calls the automaton through a trait
            // object at every byte; on the concrete type the step inlines
            // (measured: a third of the pass on the pack's ~2,000 literals).
            // The DFA scans them faster than the contiguous NFA (which builds
            // faster but walks more per byte).
            Some(
                aho_corasick::dfa::DFA::builder()
                    .match_kind(MatchKind::Standard)
                    // Japanese text returns to the start state every few
                    // bytes, and a prefilter is consulted each time to skip
                    // ahead by nothing: without it, the pass is one table
                    // step per byte.
                    .prefilter(false)
                    .build(&lits)
                    .map_err(|e| e.to_string())?,
            )
        };
        self.ac_targets = targets;
        self.ac_literals = lits.iter().map(|s| s.to_string()).collect();
        Ok(())
    }

    /// Scan `text`: one automaton pass; regexes wait until asked for.
    pub fn scan<'s>(&'s self, text: &'s str) -> Scan<'s> {
        let mut literal: Vec<Vec<Range<usize>>> = vec![Vec::new(); self.patterns.len()];
        let mut hits: Vec<Vec<Range<usize>>> = vec![Vec::new(); self.regexes.len()];
        if let Some(ac) = &self.ac
            && let Ok(start) = ac.start_state(aho_corasick::Anchored::No)
        {
            // Every occurrence of every literal: one table step per byte,
            // and at a match state each literal that ends there. The
            // library's overlapping iterator does the same but keeps its
            // position in a state struct and returns at every match: three
            // times the instructions per byte.
            let mut sid = start;
            for (at, &b) in text.as_bytes().iter().enumerate() {
                sid = ac.next_state(aho_corasick::Anchored::No, sid, b);
                // Without a prefilter the only special states of an
                // unanchored automaton are match states (no dead state is
                // reachable).
                if !ac.is_special(sid) || !ac.is_match(sid) {
                    continue;
                }
                for i in 0..ac.match_len(sid) {
                    let pid = ac.match_pattern(sid, i);
                    let m = at + 1 - ac.pattern_len(pid)..at + 1;
                    for t in &self.ac_targets[pid.as_usize()] {
                        match *t {
                            Target::Literal(id) => literal[id as usize].push(m.clone()),
                            Target::Regex(r) => hits[r as usize].push(m.clone()),
                        }
                    }
                }
            }
        }
        // Overlapping automaton matches arrive by end position.
        for list in literal.iter_mut().chain(hits.iter_mut()) {
            list.sort_unstable_by_key(|r| (r.start, r.end));
        }
        Scan {
            set: self,
            text,
            literal,
            hits,
            regex: (0..self.regexes.len()).map(|_| OnceCell::new()).collect(),
            derived: (0..self.derived).map(|_| OnceCell::new()).collect(),
            breaks: OnceCell::new(),
        }
    }
}

impl Scan<'_> {
    /// Every match of pattern `id`, sorted by start (non-overlapping for a
    /// regex, as its own search finds them; every occurrence for a literal).
    pub fn get(&self, id: PatternId) -> &[Range<usize>] {
        if let Some(d) = self.set.derived_of.get(id as usize).copied().flatten() {
            return self.derived[d as usize].get_or_init(|| self.derive(id));
        }
        match self.set.regex_of.get(id as usize).copied().flatten() {
            None => self.literal.get(id as usize).map_or(&[], |v| v.as_slice()),
            Some(r) => self.regex[r as usize].get_or_init(|| self.search(r as usize)),
        }
    }

    fn breaks(&self) -> &[usize] {
        self.breaks
            .get_or_init(|| BREAKS.find_iter(self.text).map(|m| m.start()).collect())
    }

    fn derive(&self, id: PatternId) -> Vec<Range<usize>> {
        match self.set.patterns.get(id as usize) {
            Some(Pattern::Seq {
                first,
                then,
                within,
            }) => {
                // The second side first: it is the rarer one as often as not,
                // and when it is absent the first is never looked at.
                let b = self.get(*then);
                if b.is_empty() {
                    return Vec::new();
                }
                self.seq(self.get(*first), b, *within)
            }
            Some(Pattern::Except { base, by, after }) => {
                let base = self.get(*base);
                if base.is_empty() {
                    return Vec::new();
                }
                let mut out = base.to_vec();
                let text = self.text;
                if let Some(lits) = self.set.adjacent_literals(*by) {
                    out.retain(|m| {
                        !lits.iter().any(|l| {
                            if *after {
                                text[m.end..].starts_with(l)
                            } else {
                                text[..m.start].ends_with(l)
                            }
                        })
                    });
                    return out;
                }
                let by = self.get(*by);
                if *after {
                    // `by` is sorted by start: is there one starting at m.end?
                    out.retain(|m| {
                        let i = by.partition_point(|z| z.start < m.end);
                        by.get(i).is_none_or(|z| z.start != m.end)
                    });
                } else {
                    let mut ends: Vec<usize> = by.iter().map(|z| z.end).collect();
                    ends.sort_unstable();
                    out.retain(|m| ends.binary_search(&m.start).is_err());
                }
                out
            }
            Some(Pattern::Union(ids)) => {
                let mut v: Vec<Range<usize>> = ids
                    .iter()
                    .flat_map(|&p| self.get(p).iter().cloned())
                    .collect();
                v.sort_unstable_by_key(|r| (r.start, r.end));
                v.dedup();
                v
            }
            _ => Vec::new(),
        }
    }

    /// `a then b within N`: for each match of `a`, the nearest match of `b`
    /// that starts at or after its end, when no sentence break and at most
    /// N characters lie between them. Every such pair is a match, as every
    /// occurrence of a literal is: a chain `a then (b then c)` must see each
    /// `b then c` to find the one nearest to each `a`.
    fn seq(
        &self,
        a: &[Range<usize>],
        b: &[Range<usize>],
        within: Option<u32>,
    ) -> Vec<Range<usize>> {
        if a.is_empty() || b.is_empty() {
            return Vec::new();
        }
        let breaks = self.breaks();
        let mut out: Vec<Range<usize>> = Vec::new();
        for x in a {
            // The nearest is enough: a later `b` has a longer gap, with the
            // same breaks in it and more.
            let i = b.partition_point(|y| y.start < x.end);
            let Some(y) = b.get(i) else { continue };
            let gap = x.end..y.start;
            let k = breaks.partition_point(|&p| p < gap.start);
            if breaks.get(k).is_some_and(|&p| p < gap.end) {
                continue;
            }
            if let Some(n) = within {
                let n = n as usize;
                // A character is at most 4 bytes: count only short gaps.
                if gap.len() > 4 * n || self.text[gap].chars().count() > n {
                    continue;
                }
            }
            out.push(x.start..y.end);
        }
        out.sort_unstable_by_key(|r| (r.start, r.end));
        out.dedup();
        out
    }

    fn search(&self, r: usize) -> Vec<Range<usize>> {
        let cr = &self.set.regexes[r];
        let text = self.text;
        let mut out = Vec::new();
        let find = |range: Range<usize>| {
            cr.re
                .find_iter(Input::new(text).range(range))
                .filter(|m| !m.is_empty())
                .map(|m| m.range())
        };
        let hits = &self.hits[r];
        let (before, after) = match &cr.plan {
            Plan::Full => {
                out.extend(find(0..text.len()));
                return out;
            }
            Plan::Prefix { .. } if hits.len() > DENSE_HITS && hits.len() * 8 > text.len() => {
                out.extend(find(hits[0].start..text.len()));
                return out;
            }
            Plan::Prefix { .. } => {
                // The leftmost match starts at the first hit where an anchored
                // search succeeds; the next one at a hit after its end.
                let mut p = 0;
                for h in hits {
                    if h.start < p {
                        continue;
                    }
                    let input = Input::new(text)
                        .range(h.start..text.len())
                        .anchored(Anchored::Yes);
                    if let Some(m) = cr.re.search(&input).filter(|m| !m.is_empty()) {
                        out.push(m.range());
                        p = m.end();
                    }
                }
                return out;
            }
            Plan::Windows { before, after, .. } => (before, after),
        };
        let (Some(first), Some(last_end)) = (hits.first(), hits.iter().map(|h| h.end).max()) else {
            return out; // no required literal, no match
        };
        // Every match lies in lo..hi.
        let lo = before.map_or(0, |b| floor_char(text, first.start.saturating_sub(b)));
        let hi = after.map_or(text.len(), |a| {
            ceil_char(text, (last_end + a).min(text.len()))
        });
        match (before, after) {
            // Hits so dense that windows would cost more than one search.
            _ if hits.len() > DENSE_HITS && hits.len() * DENSE_BYTES_PER_HIT > hi - lo => {
                out.extend(find(lo..hi));
            }
            (Some(before), Some(after)) => {
                // A match containing hit h lies in h.start-before..h.end+after:
                // search those windows, merged so that no match is found
                // twice, each widened to character boundaries.
                let mut cur: Option<Range<usize>> = None;
                for h in hits {
                    let w = floor_char(text, h.start.saturating_sub(*before))
                        ..ceil_char(text, (h.end + after).min(text.len()));
                    match &mut cur {
                        Some(c) if w.start <= c.end => c.end = c.end.max(w.end),
                        _ => {
                            if let Some(c) = cur.replace(w) {
                                out.extend(find(c));
                            }
                        }
                    }
                }
                if let Some(c) = cur {
                    out.extend(find(c));
                }
            }
            (Some(before), None) => {
                // Matches start at most `before` bytes before a hit: search on
                // from the first place a match can start, and after each
                // match, jump to the next such place.
                let mut p = 0;
                let mut i = 0;
                loop {
                    while i < hits.len() && hits[i].start < p {
                        i += 1;
                    }
                    let Some(h) = hits.get(i) else { break };
                    let a = p.max(floor_char(text, h.start.saturating_sub(*before)));
                    match cr.re.search(&Input::new(text).range(a..text.len())) {
                        Some(m) if m.is_empty() => p = ceil_char(text, m.end() + 1),
                        Some(m) => {
                            out.push(m.range());
                            p = m.end();
                        }
                        None => break,
                    }
                }
            }
            _ => out.extend(find(lo..hi)),
        }
        out
    }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The regex, compiled as the `regex` crate compiles it (leftmost-first,
/// Unicode, no empty matches inside a character), and its syntax tree.
fn build_regex(src: &str) -> Result<(meta::Regex, Hir), regex::Error> {
    let checked = || {
        regex::RegexBuilder::new(src)
            .size_limit(REGEX_SIZE_LIMIT)
            .dfa_size_limit(REGEX_DFA_LIMIT)
            .build()
    };
    let hir = match regex_syntax::ParserBuilder::new()
        .utf8(true)
        .build()
        .parse(src)
    {
        Ok(h) => h,
        // The regex crate words the error for the user.
        Err(_) => return Err(checked().err().unwrap_or(regex::Error::Syntax(src.into()))),
    };
    let config = meta::Config::new()
        .match_kind(regex_automata::MatchKind::LeftmostFirst)
        .utf8_empty(true)
        .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
        .hybrid_cache_capacity(REGEX_DFA_LIMIT);
    match meta::Builder::new().configure(config).build_from_hir(&hir) {
        Ok(re) => Ok((re, hir)),
        Err(_) => Err(checked()
            .err()
            .unwrap_or(regex::Error::CompiledTooBig(REGEX_SIZE_LIMIT))),
    }
}

/// Literals every match of `hir` contains, with how far a match extends
/// around them (`None`: unbounded).
#[derive(Debug, Clone)]
struct Required {
    literals: Vec<Vec<u8>>,
    before: Option<usize>,
    after: Option<usize>,
}

impl Required {
    fn min_len(&self) -> usize {
        self.literals.iter().map(Vec::len).min().unwrap_or(0)
    }

    /// Longer literals are rarer; fewer of them make a smaller automaton;
    /// bounded windows are cheaper to search.
    fn score(&self) -> (usize, std::cmp::Reverse<usize>, usize) {
        let bounded = self.before.is_some() as usize + self.after.is_some() as usize;
        (
            self.min_len().min(9),
            std::cmp::Reverse(self.literals.len()),
            bounded,
        )
    }
}

/// How to search a regex: around the literals every match requires, when
/// it has some.
pub fn plan(hir: &Hir) -> Plan {
    // Literals that every match starts with, each at least one Japanese
    // character long (shorter ones, such as a digit, hit too often).
    let prefixes = Extractor::new().kind(ExtractKind::Prefix).extract(hir);
    if let Some(lits) = prefixes.literals()
        && !lits.is_empty()
        && lits.len() <= MAX_REQUIRED
        && lits.iter().all(|l| l.as_bytes().len() >= 3)
    {
        let mut literals: Vec<String> = lits
            .iter()
            .filter_map(|l| String::from_utf8(l.as_bytes().to_vec()).ok())
            .collect();
        if literals.len() == lits.len() {
            literals.sort();
            literals.dedup();
            return Plan::Prefix { literals };
        }
    }
    match required(hir) {
        Some(r) if r.literals.len() <= MAX_REQUIRED => {
            let mut literals: Vec<String> = r
                .literals
                .into_iter()
                .filter_map(|l| String::from_utf8(l).ok())
                .collect();
            literals.sort();
            literals.dedup();
            Plan::Windows {
                literals,
                before: r.before,
                after: r.after,
            }
        }
        _ => Plan::Full,
    }
}

fn add(a: Option<usize>, b: Option<usize>) -> Option<usize> {
    a?.checked_add(b?)
}

fn required(hir: &Hir) -> Option<Required> {
    let one = |lits: Vec<Vec<u8>>| Required {
        literals: lits,
        before: Some(0),
        after: Some(0),
    };
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => None,
        HirKind::Literal(l) => Some(one(vec![l.0.to_vec()])),
        HirKind::Class(Class::Unicode(c)) => {
            let n: usize = c
                .ranges()
                .iter()
                .map(|r| r.end() as usize - r.start() as usize + 1)
                .sum();
            if n > MAX_CLASS_LITERALS {
                return None;
            }
            let lits = c
                .ranges()
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .map(|ch| ch.to_string().into_bytes())
                .collect();
            Some(one(lits))
        }
        HirKind::Class(Class::Bytes(_)) => None,
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Repetition(rep) => {
            if rep.min == 0 {
                return None;
            }
            let sub = required(&rep.sub)?;
            // The occurrence may be in any of the repeats.
            let extra = rep
                .max
                .and_then(|m| (m as usize - 1).checked_mul(rep.sub.properties().maximum_len()?));
            Some(Required {
                before: add(sub.before, extra),
                after: add(sub.after, extra),
                ..sub
            })
        }
        HirKind::Concat(xs) => {
            let lens: Vec<Option<usize>> =
                xs.iter().map(|x| x.properties().maximum_len()).collect();
            let sum = |ls: &[Option<usize>]| ls.iter().try_fold(0usize, |a, &l| a.checked_add(l?));
            let mut best: Option<Required> = None;
            for (i, x) in xs.iter().enumerate() {
                let Some(r) = required(x) else { continue };
                let r = Required {
                    before: add(r.before, sum(&lens[..i])),
                    after: add(r.after, sum(&lens[i + 1..])),
                    ..r
                };
                if best.as_ref().is_none_or(|b| r.score() > b.score()) {
                    best = Some(r);
                }
            }
            best
        }
        HirKind::Alternation(xs) => {
            let mut out = Required {
                literals: Vec::new(),
                before: Some(0),
                after: Some(0),
            };
            for x in xs {
                let r = required(x)?;
                out.literals.extend(r.literals);
                out.before = out.before.zip(r.before).map(|(a, b)| a.max(b));
                out.after = out.after.zip(r.after).map(|(a, b)| a.max(b));
            }
            Some(out)
        }
    }
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
        assert_eq!(s.get(a).len(), 1);
        // Overlapping: 問い合わせ inside お問い合わせ counts too.
        assert_eq!(s.get(b).len(), 2);
        let r = s.get(c)[0].clone();
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

#[cfg(test)]
mod plan_tests {
    use super::*;
    use proptest::prelude::*;

    /// What a plain search of the whole text finds.
    fn reference(src: &str, text: &str) -> Vec<Range<usize>> {
        find_all(&regex::Regex::new(src).unwrap(), text)
    }

    fn find_all(re: &regex::Regex, text: &str) -> Vec<Range<usize>> {
        re.find_iter(text)
            .filter(|m| !m.is_empty())
            .map(|m| m.range())
            .collect()
    }

    #[test]
    fn plans_by_shape() {
        let plan_of = |src: &str| plan(&regex_syntax::Parser::new().parse(src).unwrap());
        // Starts with a literal: anchored searches at its hits.
        assert_eq!(
            plan_of("(株式会社|合同会社)[a-z]{1,3}"),
            Plan::Prefix {
                literals: vec!["合同会社".into(), "株式会社".into()]
            }
        );
        // A literal in the middle: windows around it.
        let Plan::Windows {
            literals,
            before,
            after,
        } = plan_of("[a-z]{1,3}(株式会社|合同会社)[0-9]?")
        else {
            panic!()
        };
        assert_eq!(literals, ["合同会社", "株式会社"]);
        assert_eq!((before, after), (Some(3), Some(1)));
        // Unbounded on one side.
        let Plan::Windows { before, after, .. } = plan_of("[0-9]+円") else {
            panic!()
        };
        assert_eq!((before, after), (None, Some(0)));
        // A prefix too short to be worth a hit each: windows on the rarer part.
        assert!(matches!(plan_of("-[0-9]{0,3}会社"), Plan::Windows { .. }));
        // A match need not contain any literal.
        assert_eq!(plan_of("[a-z]{2,5}|円"), Plan::Full);
        assert_eq!(plan_of("(円)?"), Plan::Full);
    }

    fn check(src: &str, text: &str) {
        let mut ps = PatternSet::new();
        let id = ps.add_regex(src).unwrap();
        ps.build().unwrap();
        let scan = ps.scan(text);
        assert_eq!(
            scan.get(id),
            reference(src, text).as_slice(),
            "/{src}/ on {text:?}"
        );
    }

    proptest! {
        /// Regexes of every plan shape (bounded windows, one side unbounded,
        /// look-around at the window edges, overlapping and dense hits) on
        /// texts made of their own pieces.
        #[test]
        fn windows_equal_full_search_random(
            text in proptest::collection::vec(
                prop_oneof![
                    Just("株式会社"), Just("会社"), Just("円"), Just("0"), Just("12"),
                    Just("-"), Just("。"), Just("\n"), Just(" "), Just("あ"), Just("ab"),
                    Just("手数料"), Just("とき"), Just("共同"), Just("共同利用"),
                ],
                0..200,
            ).prop_map(|v| v.concat()),
            which in 0usize..9,
        ) {
            let srcs = [
                "株式会社[^。]{0,5}",
                "[^。\\n]{1,4}会社",
                "[0-9][0-9,]*円|無料",
                "手数料[^。]{0,6}([0-9]+円)?",
                "共同(利用)?[^。]*?(とき|。)",
                "(?m)^[0-9]{2}-|-[0-9]$",
                "(^|[^0-9])[0-9]{2}-[0-9]",
                "会社|共同利用|a",
                "(株式|共同)(会社|利用)(円|とき)?",
            ];
            check(srcs[which], &text);
        }
    }

    /// A text made of the pieces a `then` over 会社/手数料 meets.
    fn seq_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("株式会社"),
                Just("会社"),
                Just("手数料"),
                Just("。"),
                Just("\n"),
                Just("あ"),
                Just("ab"),
                Just("円"),
            ],
            0..120,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        /// `会社 then 手数料 within N` finds a match exactly where the regex
        /// `会社[^。\n]{0,N}?手数料` does; each match is one such clause, and
        /// the matches are sorted.
        #[test]
        fn then_agrees_with_the_window_regex(text in seq_text(), n in 0u32..8, bounded in any::<bool>()) {
            let within = bounded.then_some(n);
            let mut ps = PatternSet::new();
            let a = ps.add_literal("会社".into());
            let b = ps.add_literal("手数料".into());
            let id = ps.add_seq(vec![a], vec![b], within);
            ps.build().unwrap();
            let scan = ps.scan(&text);
            let got = scan.get(id);
            let gap = within.map_or("*".to_string(), |n| format!("{{0,{n}}}"));
            let re = regex::Regex::new(&format!("会社[^。\n]{gap}?手数料")).unwrap();
            let whole = regex::Regex::new(&format!("^会社[^。\n]{gap}手数料$")).unwrap();
            prop_assert_eq!(got.is_empty(), re.find(&text).is_none(), "{:?} {:?}", text, got);
            for w in got.windows(2) {
                prop_assert!((w[0].start, w[0].end) < (w[1].start, w[1].end), "{:?}", got);
            }
            for m in got {
                prop_assert!(whole.is_match(&text[m.clone()]), "{:?}", &text[m.clone()]);
            }
            // Every 手数料 that ends a regex match ends one of ours.
            let ends: Vec<usize> = got.iter().map(|m| m.end).collect();
            for m in re.find_iter(&text) {
                prop_assert!(ends.contains(&m.end()), "{:?} {:?}", text, m.range());
            }
        }

        /// A chain finds a match wherever the regex that backtracks over
        /// each part's choices does.
        #[test]
        fn a_chain_finds_a_match_wherever_one_exists(text in seq_text(), n in 0u32..6) {
            let mut ps = PatternSet::new();
            let a = ps.add_literal("株式".into());
            let b = ps.add_literal("会社".into());
            let c = ps.add_literal("円".into());
            let bc = ps.add_seq(vec![b], vec![c], Some(n));
            let id = ps.add_seq(vec![a], vec![bc], None);
            ps.build().unwrap();
            let scan = ps.scan(&text);
            let re = regex::Regex::new(&format!("株式[^。\n]*会社[^。\n]{{0,{n}}}円")).unwrap();
            prop_assert_eq!(scan.get(id).is_empty(), !re.is_match(&text), "{:?}", text);
        }

        /// `except followed by` / `preceded by` drop exactly the matches a
        /// neighbour touches.
        #[test]
        fn except_drops_the_matches_a_neighbour_touches(text in seq_text(), after in any::<bool>()) {
            let mut ps = PatternSet::new();
            let a = ps.add_literal("会社".into());
            let z = ps.add_literal(if after { "手数料" } else { "株式" }.into());
            let id = ps.add_except(vec![a], vec![z], after);
            ps.build().unwrap();
            let scan = ps.scan(&text);
            let expected: Vec<Range<usize>> = text
                .match_indices("会社")
                .map(|(i, s)| i..i + s.len())
                .filter(|m| {
                    if after {
                        !text[m.end..].starts_with("手数料")
                    } else {
                        !text[..m.start].ends_with("株式")
                    }
                })
                .collect();
            prop_assert_eq!(scan.get(id), expected.as_slice());
        }
    }
}
