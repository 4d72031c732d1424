//! `policylint diff`: two versions compared, said as a compact table
//! (requirement | before | after | change, each with its place in its
//! version) or as JSON (docs/diff.md).

use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

use crate::document::{Document, NodeId, NodeKind};
use crate::engine::compare::{Change, Comparison, ElementChange, RuleDiff, SectionChange};
use crate::engine::{RuleStatus, Status};
use crate::rules::{Lang, RuleSet, Severity};
use crate::text::escape_controls;
use crate::text::snippet::char_cols;

/// One version: its document and the name it is shown by
/// (`policy.md`, `HEAD~1:policy.md`, `policy.md[改定前]`).
pub struct Version<'a> {
    pub doc: &'a Document,
    pub name: String,
}

/// A comparison ready to be said.
pub struct DiffReport<'a> {
    pub rules: &'a RuleSet,
    pub lang: Lang,
    pub before: Version<'a>,
    pub after: Version<'a>,
    pub cmp: &'a Comparison,
    /// Show unchanged requirements too.
    pub all: bool,
}

/// Which version.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Before,
    After,
}

/// Most characters of evidence shown in the table.
const EVIDENCE_CHARS: usize = 24;

impl DiffReport<'_> {
    fn ja_en(&self, ja: &str, en: &str) -> String {
        match self.lang {
            Lang::Ja => ja.to_string(),
            Lang::En => en.to_string(),
        }
    }

    fn version(&self, w: Which) -> &Version<'_> {
        match w {
            Which::Before => &self.before,
            Which::After => &self.after,
        }
    }

    /// The rules shown: changed ones, or all with `--all`.
    fn shown(&self) -> impl Iterator<Item = &RuleDiff> {
        self.cmp
            .rules
            .iter()
            .filter(|r| self.all || r.change != Change::Unchanged)
    }

    fn change_word(&self, c: Change) -> String {
        let (ja, en) = match c {
            Change::Dropped => ("削除", "dropped"),
            Change::Flagged => ("新たな指摘", "flagged"),
            Change::Weakened => ("参照のみに", "weakened"),
            Change::Applies => ("適用開始", "now applies"),
            Change::Added => ("追加", "added"),
            Change::Resolved => ("解消", "resolved"),
            Change::Changed => ("変更", "changed"),
            Change::NoLongerApplies => ("適用外に", "no longer applies"),
            Change::Unchanged => ("変化なし", "unchanged"),
        };
        self.ja_en(ja, en)
    }

    fn status_word(&self, s: Status) -> String {
        let (ja, en) = match s {
            Status::NotApplicable(_) => ("対象外", "n/a"),
            Status::Satisfied => ("充足", "met"),
            Status::Referenced => ("参照のみ", "referenced"),
            Status::Missing => ("不足", "missing"),
            Status::Flagged => ("指摘あり", "flagged"),
        };
        self.ja_en(ja, en)
    }

    fn severity_word(&self, s: Severity) -> String {
        match self.lang {
            Lang::Ja => match s {
                Severity::Error => "エラー",
                Severity::Warning => "警告",
                Severity::Info => "情報",
            }
            .to_string(),
            Lang::En => s.name().to_string(),
        }
    }

    /// `line:column` of a byte offset of a version (the table's column, or
    /// the line, says which version; the head names their files).
    fn at(&self, w: Which, offset: usize) -> String {
        let p = self.version(w).doc.position(offset);
        format!("{}:{}", p.line, p.column)
    }

    /// Where a rule stands in a version: its first evidence when met, else
    /// where its finding points.
    fn rule_at(&self, s: &RuleStatus) -> Option<usize> {
        match s.status() {
            Status::NotApplicable(_) => None,
            Status::Satisfied => s
                .elements
                .iter()
                .filter_map(|e| e.found.first())
                .map(|r| r.start)
                .min(),
            _ => s.findings.first().map(|f| f.span.start),
        }
    }

    /// The place of an element in a version: its evidence (place and
    /// text), else where it is missing: the section aligned with the one
    /// that held it in the other version, else the finding's anchor.
    fn element_place(&self, d: &RuleDiff, name: &str, w: Which) -> Place {
        let (mine, other) = match w {
            Which::Before => (&d.before, &d.after),
            Which::After => (&d.after, &d.before),
        };
        let doc = self.version(w).doc;
        let Some(e) = mine.element(name) else {
            return Place::None;
        };
        // A changed element shows the words the other version lacks.
        let differ = d
            .elements
            .iter()
            .find(|x| x.name == name)
            .and_then(|x| x.differ[usize::from(w == Which::After)].as_ref());
        if let Some(r) = differ.or(e.found.first()) {
            return Place::Evidence(r.clone(), excerpt(&doc.text[r.clone()]));
        }
        let other_w = match w {
            Which::Before => Which::After,
            Which::After => Which::Before,
        };
        let other_doc = self.version(other_w).doc;
        let held = other
            .element(name)
            .and_then(|o| o.found.first())
            .and_then(|r| section_at(other_doc, r.start));
        let aligned = held.and_then(|s| match w {
            Which::After => self.cmp.after_section(s),
            Which::Before => self.cmp.before_section(s),
        });
        if let Some(s) = aligned {
            // The finding's anchor, when it lies in that section, says more.
            let range = &doc.node(s).src;
            let inside = e
                .missing
                .first()
                .filter(|m| range.start <= m.start && m.end <= range.end);
            if let (Some(h), None) = (doc.section_heading(s), inside) {
                let n = doc.node(h);
                return Place::Section(n.src.start, excerpt(doc.src_text(h)));
            }
        }
        match e.missing.first() {
            Some(r) => Place::Anchor(r.start),
            None => Place::None,
        }
    }

    /// The human report: the table, the sections' changes, the counts.
    pub fn human(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}: {}\n{}: {}\n",
            self.ja_en("改定前", "before"),
            escape_controls(&self.before.name),
            self.ja_en("改定後", "after"),
            escape_controls(&self.after.name)
        );
        let mut rows: Vec<[String; 4]> = Vec::new();
        rows.push([
            self.ja_en("要件", "requirement"),
            self.ja_en("改定前", "before"),
            self.ja_en("改定後", "after"),
            self.ja_en("変化", "change"),
        ]);
        for d in self.shown() {
            let rule = self.rules.rule(&d.rule);
            let title = rule.map(|r| r.title.get(self.lang)).unwrap_or_default();
            let cell = |w: Which, s: &RuleStatus| {
                let word = self.status_word(s.status());
                match self.rule_at(s) {
                    Some(o) => format!("{word} {}", self.at(w, o)),
                    None => word,
                }
            };
            let change = match d.severity() {
                Some(s) => format!("{} [{}]", self.change_word(d.change), self.severity_word(s)),
                None => self.change_word(d.change),
            };
            rows.push([
                format!("{} {}", d.rule, title),
                cell(Which::Before, &d.before),
                cell(Which::After, &d.after),
                change,
            ]);
            for e in &d.elements {
                let show = match e.change {
                    ElementChange::Same | ElementChange::Absent => self.all,
                    _ => true,
                };
                if !show {
                    continue;
                }
                let label = rule
                    .and_then(|r| r.element(&e.name))
                    .map(|el| el.label.get(self.lang).to_string())
                    .filter(|l| !l.is_empty())
                    .unwrap_or_else(|| e.name.clone());
                let place = |w: Which| match self.element_place(d, &e.name, w) {
                    Place::Evidence(r, t) => format!("{}「{t}」", self.at(w, r.start)),
                    Place::Section(o, t) => {
                        format!("{} ({} 「{t}」)", self.ja_en("なし", "none"), self.at(w, o))
                    }
                    Place::Anchor(o) => {
                        format!("{} ({})", self.ja_en("なし", "none"), self.at(w, o))
                    }
                    Place::None => self.ja_en("なし", "none"),
                };
                rows.push([
                    format!("  - {label}"),
                    place(Which::Before),
                    place(Which::After),
                    element_word(self.lang, e.change),
                ]);
            }
        }
        if rows.len() == 1 {
            let _ = writeln!(
                out,
                "{}",
                self.ja_en(
                    "要件の状態に変化はありません。",
                    "No requirement changed its state."
                )
            );
        } else {
            out.push_str(&table(&rows));
        }
        if !self.cmp.sections.is_empty() {
            let _ = writeln!(
                out,
                "\n{}",
                self.ja_en(
                    "節の変更（参考。節は見出しで対応付けています）:",
                    "Sections (context; sections are matched by their headings):"
                )
            );
            for s in &self.cmp.sections {
                let heading = |w: Which, id: Option<NodeId>| {
                    let doc = self.version(w).doc;
                    let h = id.and_then(|s| doc.section_heading(s))?;
                    Some(format!(
                        "{}「{}」",
                        self.at(w, doc.node(h).src.start),
                        excerpt(doc.src_text(h))
                    ))
                };
                let b = heading(Which::Before, s.before);
                let a = heading(Which::After, s.after);
                let what = section_word(self.lang, s.change);
                let (bw, aw) = (
                    self.ja_en("改定前", "before"),
                    self.ja_en("改定後", "after"),
                );
                let line = match (b, a) {
                    (Some(b), Some(a)) => format!("{bw} {b} → {aw} {a}"),
                    (Some(b), None) => format!("{bw} {b}"),
                    (None, Some(a)) => format!("{aw} {a}"),
                    (None, None) => String::new(),
                };
                let _ = writeln!(out, "  {what}: {line}");
            }
        }
        let _ = writeln!(out, "\n{}", self.summary_line());
        out
    }

    /// The counts of each kind of change.
    fn summary_line(&self) -> String {
        let count = |c: Change| self.cmp.rules.iter().filter(|r| r.change == c).count();
        let kinds = [
            Change::Dropped,
            Change::Flagged,
            Change::Weakened,
            Change::Added,
            Change::Resolved,
            Change::Changed,
            Change::Applies,
            Change::NoLongerApplies,
        ];
        let parts: Vec<String> = kinds
            .iter()
            .filter(|&&c| count(c) > 0)
            .map(|&c| match self.lang {
                Lang::Ja => format!("{}{}件", self.change_word(c), count(c)),
                Lang::En => format!("{} {}", count(c), self.change_word(c)),
            })
            .collect();
        let same = count(Change::Unchanged);
        match self.lang {
            Lang::Ja => format!(
                "{}（変化なし{same}件）",
                if parts.is_empty() {
                    "変化なし".to_string()
                } else {
                    parts.join("、")
                }
            ),
            Lang::En => format!(
                "{} ({same} unchanged)",
                if parts.is_empty() {
                    "no change".to_string()
                } else {
                    parts.join(", ")
                }
            ),
        }
    }

    /// The JSON report (docs/diff.md).
    pub fn json(&self) -> serde_json::Value {
        let version = |w: Which| {
            let v = self.version(w);
            JsonVersion {
                path: v.name.clone(),
                format: v.doc.format.name(),
                encoding: v.doc.encoding,
            }
        };
        let changes: Vec<JsonRule> = self
            .shown()
            .map(|d| {
                let side = |w: Which, s: &RuleStatus| JsonStatus {
                    status: s.status().name(),
                    reason: match s.status() {
                        Status::NotApplicable(r) => Some(
                            crate::report::i18n::Texts::new(self.rules, self.lang).skip_reason(&r),
                        ),
                        _ => None,
                    },
                    at: self.rule_at(s).map(|o| self.pos(w, o)),
                    missing: s.missing().iter().map(|m| m.to_string()).collect(),
                };
                JsonRule {
                    rule: d.rule.clone(),
                    title: self
                        .rules
                        .rule(&d.rule)
                        .map(|r| r.title.get(self.lang).to_string())
                        .unwrap_or_default(),
                    change: d.change.name(),
                    severity: d.severity().map(Severity::name),
                    before: side(Which::Before, &d.before),
                    after: side(Which::After, &d.after),
                    elements: d
                        .elements
                        .iter()
                        .map(|e| {
                            let place = |w: Which| self.json_place(d, &e.name, w);
                            JsonElement {
                                name: e.name.clone(),
                                parent: e.parent.clone(),
                                change: e.change.name(),
                                before: place(Which::Before),
                                after: place(Which::After),
                            }
                        })
                        .collect(),
                }
            })
            .collect();
        let sections = self
            .cmp
            .sections
            .iter()
            .map(|s| {
                let heading = |w: Which, id: Option<NodeId>| {
                    let doc = self.version(w).doc;
                    let h = id.and_then(|s| doc.section_heading(s))?;
                    Some(JsonHeading {
                        heading: doc.src_text(h).to_string(),
                        at: self.pos(w, doc.node(h).src.start),
                    })
                };
                JsonSection {
                    change: s.change.name(),
                    before: heading(Which::Before, s.before),
                    after: heading(Which::After, s.after),
                }
            })
            .collect();
        let mut summary = serde_json::Map::new();
        for r in &self.cmp.rules {
            let n = summary
                .entry(r.change.name())
                .or_insert(serde_json::Value::from(0u64));
            *n = serde_json::Value::from(n.as_u64().unwrap_or(0) + 1);
        }
        let out = JsonDiff {
            version: 1,
            before: version(Which::Before),
            after: version(Which::After),
            dropped: self.cmp.dropped(),
            changes,
            sections,
            summary,
        };
        serde_json::to_value(out).unwrap_or(serde_json::Value::Null)
    }

    fn pos(&self, w: Which, offset: usize) -> JsonPos {
        let doc = self.version(w).doc;
        let p = doc.position(offset);
        JsonPos {
            line: p.line,
            column: p.column,
            offset: doc.file_offset(offset),
        }
    }

    fn json_place(&self, d: &RuleDiff, name: &str, w: Which) -> JsonPlace {
        let doc = self.version(w).doc;
        let evidence = |r: &Range<usize>| JsonEvidence {
            text: doc.text[r.clone()].to_string(),
            start: self.pos(w, r.start),
            end: self.pos(w, r.end),
        };
        let s = match w {
            Which::Before => &d.before,
            Which::After => &d.after,
        };
        let found = s
            .element(name)
            .map(|e| e.found.iter().map(evidence).collect())
            .unwrap_or_default();
        let missing_at = match self.element_place(d, name, w) {
            Place::Section(o, _) | Place::Anchor(o) => Some(self.pos(w, o)),
            _ => None,
        };
        JsonPlace { found, missing_at }
    }
}

/// Where an element stands in a version.
enum Place {
    /// Found: its span and its text, shortened.
    Evidence(Range<usize>, String),
    /// Not found; the section that holds it in the other version is here.
    Section(usize, String),
    /// Not found; the finding points here.
    Anchor(usize),
    None,
}

fn element_word(lang: Lang, c: ElementChange) -> String {
    let (ja, en) = match c {
        ElementChange::Lost => ("削除", "lost"),
        ElementChange::Gained => ("追加", "gained"),
        ElementChange::Changed => ("変更", "changed"),
        ElementChange::Same => ("同じ", "same"),
        ElementChange::Absent => ("なし", "absent"),
    };
    match lang {
        Lang::Ja => ja.into(),
        Lang::En => en.into(),
    }
}

fn section_word(lang: Lang, c: SectionChange) -> &'static str {
    match (lang, c) {
        (Lang::Ja, SectionChange::Renumbered) => "番号変更",
        (Lang::Ja, SectionChange::Moved) => "移動",
        (Lang::Ja, SectionChange::Retitled) => "見出し変更",
        (Lang::Ja, SectionChange::Added) => "追加",
        (Lang::Ja, SectionChange::Removed) => "削除",
        (Lang::En, c) => c.name(),
    }
}

/// The innermost section of a document that holds byte `offset`.
fn section_at(doc: &Document, offset: usize) -> Option<NodeId> {
    doc.nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| {
            n.kind == NodeKind::Section
                && !n.boilerplate
                && n.src.start <= offset
                && offset < n.src.end
        })
        .map(|(i, _)| i as NodeId)
        .next_back()
}

/// Text shown in a cell: one line, control characters escaped, at most
/// [`EVIDENCE_CHARS`] characters.
fn excerpt(s: &str) -> String {
    let s = without_tags(s);
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let one = escape_controls(&one).into_owned();
    if one.chars().count() <= EVIDENCE_CHARS {
        one
    } else {
        let cut: String = one.chars().take(EVIDENCE_CHARS - 1).collect();
        format!("{cut}…")
    }
}

/// Text without the HTML tags a span of markup holds (`対応</strong>：`,
/// `プライバシー<wbr>ポリシー`): what a reader of the page sees.
fn without_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        let after = &rest[i + 1..];
        let tag = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match after.find('>').filter(|_| tag) {
            Some(j) => {
                out.push_str(&rest[..i]);
                rest = &after[j + 1..];
            }
            None => {
                out.push_str(&rest[..=i]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn cols(s: &str) -> usize {
    s.chars().map(char_cols).sum()
}

/// Rows as columns padded to the widest cell (terminal columns), the last
/// column unpadded.
fn table(rows: &[[String; 4]]) -> String {
    let mut widths = [0usize; 4];
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(cols(c));
        }
    }
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            line.push_str(c);
            if i < 3 {
                line.push_str(&" ".repeat(widths[i] - cols(c) + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[derive(Serialize)]
struct JsonDiff {
    version: u32,
    before: JsonVersion,
    after: JsonVersion,
    /// Whether a requirement was dropped (what `--fail-on-drop` fails on).
    dropped: bool,
    changes: Vec<JsonRule>,
    sections: Vec<JsonSection>,
    summary: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct JsonVersion {
    path: String,
    format: &'static str,
    encoding: &'static str,
}

#[derive(Serialize)]
struct JsonRule {
    rule: String,
    title: String,
    change: &'static str,
    severity: Option<&'static str>,
    before: JsonStatus,
    after: JsonStatus,
    elements: Vec<JsonElement>,
}

#[derive(Serialize)]
struct JsonStatus {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    at: Option<JsonPos>,
    missing: Vec<String>,
}

#[derive(Serialize)]
struct JsonElement {
    name: String,
    parent: Option<String>,
    change: &'static str,
    before: JsonPlace,
    after: JsonPlace,
}

#[derive(Serialize)]
struct JsonPlace {
    found: Vec<JsonEvidence>,
    missing_at: Option<JsonPos>,
}

#[derive(Serialize)]
struct JsonEvidence {
    text: String,
    start: JsonPos,
    end: JsonPos,
}

#[derive(Serialize)]
struct JsonSection {
    change: &'static str,
    before: Option<JsonHeading>,
    after: Option<JsonHeading>,
}

#[derive(Serialize)]
struct JsonHeading {
    heading: String,
    at: JsonPos,
}

#[derive(Serialize)]
struct JsonPos {
    line: usize,
    column: usize,
    /// Byte offset in the file as read.
    offset: usize,
}
