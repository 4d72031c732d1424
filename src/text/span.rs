//! Text that remembers where every byte came from.
//!
//! Each stage that rewrites text (format extraction, normalisation) produces a
//! [`MappedText`]: the new text plus a [`SpanMap`] back to the text it was made
//! from. Maps compose, so the engine can always answer "which bytes of the
//! original file is this?" exactly.
//!
//! A map is a sorted list of runs. A *linear* run says that its output bytes
//! correspond one to one to the same number of source bytes (verbatim copies,
//! ASCII case folding). An *atomic* run says that its output bytes came from a
//! source range as a whole (an entity `&#64;` → `@`, `２` → `2`, a removed
//! space): a span that touches it is widened to the whole source range. Source
//! bytes that produced nothing (markup, folded spaces) simply fall between runs.
//!
//! ```
//! use policylint::text::span::MappedText;
//!
//! // "info&#64;example.jp" extracted from HTML: the '@' stands for 5 bytes.
//! let src = "info&#64;example.jp";
//! let mut t = MappedText::new();
//! t.push_linear("info", 0);
//! t.push_atomic("@", 4..9);
//! t.push_linear("example.jp", 9);
//! assert_eq!(t.text, "info@example.jp");
//! assert_eq!(&src[t.to_src(4..5)], "&#64;");
//! assert_eq!(&src[t.to_src(0..t.len())], src);
//! ```

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    out: usize,
    src: usize,
    out_len: usize,
    src_len: usize,
    linear: bool,
}

impl Run {
    fn out_end(&self) -> usize {
        self.out + self.out_len
    }
    fn src_end(&self) -> usize {
        self.src + self.src_len
    }
}

/// A monotonic map from output byte offsets to source byte offsets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpanMap {
    runs: Vec<Run>,
}

/// Text plus its map back to the text it was derived from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MappedText {
    pub text: String,
    pub map: SpanMap,
}

impl MappedText {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(n: usize) -> Self {
        MappedText {
            text: String::with_capacity(n),
            map: SpanMap {
                runs: Vec::with_capacity(n / 64 + 1),
            },
        }
    }

    /// Text copied from `src_start..src_start + s.len()` byte for byte
    /// (or with a byte-for-byte rewrite such as ASCII case folding).
    pub fn push_linear(&mut self, s: &str, src_start: usize) {
        if s.is_empty() {
            return;
        }
        let out = self.text.len();
        self.text.push_str(s);
        self.map.push(Run {
            out,
            src: src_start,
            out_len: s.len(),
            src_len: s.len(),
            linear: true,
        });
    }

    /// Text that stands for the whole of `src` (possibly empty on either side).
    pub fn push_atomic(&mut self, s: &str, src: Range<usize>) {
        if s.is_empty() {
            return;
        }
        let out = self.text.len();
        self.text.push_str(s);
        self.map.push(Run {
            out,
            src: src.start,
            out_len: s.len(),
            src_len: src.end.saturating_sub(src.start),
            linear: false,
        });
    }

    /// One char standing for `src`: linear when it is a verbatim copy.
    pub fn push_char(&mut self, c: char, src: Range<usize>) {
        let mut buf = [0u8; 4];
        let s = c.encode_utf8(&mut buf);
        if src.end.saturating_sub(src.start) == s.len() {
            self.push_linear(s, src.start);
        } else {
            self.push_atomic(s, src);
        }
    }

    /// The part of the text in `r` (char boundaries), with its map.
    pub fn slice(&self, r: Range<usize>) -> MappedText {
        let mut out = MappedText::with_capacity(r.end - r.start);
        out.text.push_str(&self.text[r.clone()]);
        for run in &self.map.runs {
            let (a, b) = (run.out.max(r.start), run.out_end().min(r.end));
            if a >= b {
                continue;
            }
            let piece = if run.linear {
                Run {
                    out: a - r.start,
                    src: run.src + (a - run.out),
                    out_len: b - a,
                    src_len: b - a,
                    linear: true,
                }
            } else {
                Run {
                    out: a - r.start,
                    out_len: b - a,
                    ..*run
                }
            };
            out.map.push(piece);
        }
        out
    }

    /// Append `text` whose map `map` points into the same source as `self`.
    pub fn append_mapped(&mut self, text: &str, map: &SpanMap) {
        let shift = self.text.len();
        self.text.push_str(text);
        for r in &map.runs {
            self.map.push(Run {
                out: r.out + shift,
                ..*r
            });
        }
        let covered = map.out_len();
        if covered < text.len() {
            // Defensive: text the map does not cover sticks to the map's end.
            let p = map.runs.last().map_or(0, |r| r.src_end());
            self.map.push(Run {
                out: shift + covered,
                src: p,
                out_len: text.len() - covered,
                src_len: 0,
                linear: false,
            });
        }
    }

    /// Append another mapped text whose source lies `src_shift` bytes
    /// further on in this one's source (joining documents end to end).
    pub fn append_shifted(&mut self, other: &MappedText, src_shift: usize) {
        let shift = self.text.len();
        self.text.push_str(&other.text);
        for r in &other.map.runs {
            self.map.push(Run {
                out: r.out + shift,
                src: r.src + src_shift,
                ..*r
            });
        }
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Remove trailing chars for which `f` holds (the map is trimmed too).
    pub fn trim_end_matches(&mut self, f: impl Fn(char) -> bool) {
        let keep = self.text.trim_end_matches(&f).len();
        self.truncate(keep);
    }

    pub fn truncate(&mut self, len: usize) {
        if len >= self.text.len() {
            return;
        }
        self.text.truncate(len);
        self.map.truncate(len);
    }

    /// Source range of the output range `r`.
    pub fn to_src(&self, r: Range<usize>) -> Range<usize> {
        self.map.to_src(r)
    }
}

impl SpanMap {
    fn push(&mut self, run: Run) {
        if let Some(last) = self.runs.last_mut()
            && last.linear
            && run.linear
            && last.out_end() == run.out
            && last.src_end() == run.src
        {
            last.out_len += run.out_len;
            last.src_len += run.src_len;
            return;
        }
        debug_assert!(self.runs.last().is_none_or(|l| l.out_end() == run.out));
        self.runs.push(run);
    }

    fn truncate(&mut self, len: usize) {
        while let Some(last) = self.runs.last_mut() {
            if last.out >= len {
                self.runs.pop();
            } else {
                if last.out_end() > len {
                    let cut = last.out_end() - len;
                    last.out_len -= cut;
                    if last.linear {
                        last.src_len -= cut;
                    }
                }
                break;
            }
        }
    }

    /// Output length covered by the map.
    pub fn out_len(&self) -> usize {
        self.runs.last().map_or(0, |r| r.out_end())
    }

    /// Index of the run containing output offset `o` (o < out_len).
    fn run_at(&self, o: usize) -> usize {
        self.runs.partition_point(|r| r.out_end() <= o)
    }

    /// Source offset where a span starting at output offset `o` begins.
    pub fn src_start(&self, o: usize) -> usize {
        let Some(last) = self.runs.last() else {
            return 0;
        };
        if o >= last.out_end() {
            return last.src_end();
        }
        let r = &self.runs[self.run_at(o)];
        if r.linear { r.src + (o - r.out) } else { r.src }
    }

    /// Source offset where a span ending at output offset `o` ends.
    pub fn src_end(&self, o: usize) -> usize {
        let Some(first) = self.runs.first() else {
            return 0;
        };
        if o <= first.out {
            return first.src;
        }
        // The run containing byte o-1.
        let r = &self.runs[self.run_at(o - 1)];
        if r.linear {
            r.src + (o - r.out)
        } else {
            r.src_end()
        }
    }

    /// Source range for output range `r`; an empty range maps to an empty range.
    pub fn to_src(&self, r: Range<usize>) -> Range<usize> {
        if r.start >= r.end {
            let p = self.src_start(r.start);
            return p..p;
        }
        let s = self.src_start(r.start);
        let e = self.src_end(r.end).max(s);
        s..e
    }

    /// Output offset of the first output byte at or after source offset `s`.
    pub fn from_src_start(&self, s: usize) -> usize {
        // First run that ends after s in the source.
        let i = self.runs.partition_point(|r| {
            if r.src_len == 0 {
                r.src < s
            } else {
                r.src_end() <= s
            }
        });
        match self.runs.get(i) {
            None => self.out_len(),
            Some(r) if r.linear && s > r.src => r.out + (s - r.src),
            Some(r) => r.out,
        }
    }

    /// Output offset just after the last output byte that comes from source
    /// bytes before `s`.
    pub fn from_src_end(&self, s: usize) -> usize {
        // Runs that start before s.
        let i = self.runs.partition_point(|r| r.src < s);
        if i == 0 {
            return self.runs.first().map_or(0, |r| r.out);
        }
        let r = &self.runs[i - 1];
        if r.linear && s < r.src_end() {
            r.out + (s - r.src)
        } else {
            r.out_end()
        }
    }

    /// Map through `inner` as well: `self` maps A→B and `inner` maps B→C; the
    /// result maps A→C.
    pub fn compose(&self, inner: &SpanMap) -> SpanMap {
        let mut out = SpanMap {
            runs: Vec::with_capacity(self.runs.len() + inner.runs.len() / 4),
        };
        let mut j = 0usize; // first inner run that may overlap
        for r in &self.runs {
            if !r.linear || r.src_len == 0 {
                let s = inner.src_start(r.src);
                let e = if r.src_len == 0 {
                    s
                } else {
                    inner.src_end(r.src_end()).max(s)
                };
                out.push(Run {
                    out: r.out,
                    src: s,
                    out_len: r.out_len,
                    src_len: e - s,
                    linear: false,
                });
                continue;
            }
            // Linear outer run over B range [b0, b1): split at inner runs.
            let (b0, b1) = (r.src, r.src_end());
            let mut b = b0;
            while j < inner.runs.len() && inner.runs[j].out_end() <= b {
                j += 1;
            }
            let mut k = j;
            while b < b1 {
                let Some(ir) = inner.runs.get(k) else {
                    // Beyond the inner map: attach to its end.
                    let p = inner.out_len_src_end();
                    out.push(Run {
                        out: r.out + (b - b0),
                        src: p,
                        out_len: b1 - b,
                        src_len: 0,
                        linear: false,
                    });
                    break;
                };
                let seg_end = b1.min(ir.out_end());
                let o = r.out + (b - b0);
                if ir.linear {
                    out.push(Run {
                        out: o,
                        src: ir.src + (b - ir.out),
                        out_len: seg_end - b,
                        src_len: seg_end - b,
                        linear: true,
                    });
                } else {
                    out.push(Run {
                        out: o,
                        src: ir.src,
                        out_len: seg_end - b,
                        src_len: ir.src_len,
                        linear: false,
                    });
                }
                b = seg_end;
                if b >= ir.out_end() {
                    k += 1;
                }
            }
            j = k.min(inner.runs.len());
        }
        out
    }

    fn out_len_src_end(&self) -> usize {
        self.runs.last().map_or(0, |r| r.src_end())
    }

    /// Number of runs (for tests and memory accounting).
    pub fn run_count(&self) -> usize {
        self.runs.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_runs_merge_and_map() {
        let mut m = MappedText::new();
        m.push_linear("ab", 10);
        m.push_linear("cd", 12);
        assert_eq!(m.map.run_count(), 1);
        assert_eq!(m.to_src(1..3), 11..13);
        assert_eq!(m.map.from_src_start(12), 2);
    }

    #[test]
    fn atomic_run_widens() {
        // "a@b" from "a&#64;b"
        let mut m = MappedText::new();
        m.push_linear("a", 0);
        m.push_atomic("@", 1..6);
        m.push_linear("b", 6);
        assert_eq!(m.text, "a@b");
        assert_eq!(m.to_src(1..2), 1..6);
        assert_eq!(m.to_src(0..3), 0..7);
        assert_eq!(m.to_src(2..3), 6..7);
        assert_eq!(m.map.from_src_start(3), 1);
        assert_eq!(m.map.from_src_end(3), 2);
    }

    #[test]
    fn gaps_are_skipped() {
        // "ab" from "<i>a</i>b"
        let mut m = MappedText::new();
        m.push_linear("a", 3);
        m.push_linear("b", 8);
        assert_eq!(m.to_src(0..2), 3..9);
        assert_eq!(m.map.from_src_start(0), 0);
        assert_eq!(m.map.from_src_start(5), 1);
        assert_eq!(m.map.from_src_end(5), 1);
    }

    #[test]
    fn compose_through_atomic_and_linear() {
        // source "X&#65;BC" -> extracted "XABC" -> normalised "xabc" (case fold)
        let mut ex = MappedText::new();
        ex.push_linear("X", 0);
        ex.push_atomic("A", 1..6);
        ex.push_linear("BC", 6);
        let mut norm = MappedText::new();
        norm.push_linear("xabc", 0);
        let m = norm.map.compose(&ex.map);
        assert_eq!(m.to_src(0..1), 0..1);
        assert_eq!(m.to_src(1..2), 1..6);
        assert_eq!(m.to_src(2..4), 6..8);
        assert_eq!(m.to_src(0..4), 0..8);
    }

    #[test]
    fn slice_keeps_exact_sources() {
        let mut m = MappedText::new();
        m.push_linear("ab", 0);
        m.push_atomic("@", 2..7);
        m.push_linear("cd", 7);
        let s = m.slice(1..4);
        assert_eq!(s.text, "b@c");
        assert_eq!(s.to_src(0..1), 1..2);
        assert_eq!(s.to_src(1..2), 2..7);
        assert_eq!(s.to_src(0..3), 1..8);
    }

    #[test]
    fn truncate_trims_map() {
        let mut m = MappedText::new();
        m.push_linear("abc", 0);
        m.push_atomic(" ", 3..6);
        m.trim_end_matches(|c| c == ' ');
        assert_eq!(m.text, "abc");
        assert_eq!(m.map.out_len(), 3);
    }
}
