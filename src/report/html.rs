//! `--format html`: the compliance report, one self-contained page (inline
//! CSS and a few lines of inline JS; nothing is fetched). A summary, then
//! the matrix (one row per document or document set, one column per
//! requirement group), then each document's requirements with their
//! evidence. The summary and matrix come first, so the documents are
//! gathered in the worker (excerpts cut there, while the document is at
//! hand) and the page is written at the end of the run.
//!
//! Every piece of document text, path and rule text goes through
//! [`escape`]: a policy containing `<script>` shows it as text.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::i18n::{ReqMark as Mark, Texts, group_label, group_order};
use crate::document::Document;
use crate::engine::{Checked, Pos, ReqState, Requirement, What};
use crate::rules::{Lang, Rule, RuleSet, Severity};

const CSS: &str = include_str!("assets/report.css");
const JS: &str = include_str!("assets/report.js");

/// The first line of the page, after the doctype: a walk that meets an
/// earlier report knows it is not a policy.
pub const HEAD: &str = "<!DOCTYPE html>\n<!-- policylint compliance report -->\n";

/// Characters of context shown on each side of an excerpt.
const CONTEXT: usize = 24;
/// Places shown per element: the first few say where; more is noise.
const MAX_PLACES: usize = 2;

/// `s` as HTML text or as a quoted attribute value: the five markup
/// characters become entities; control characters other than tab and line
/// break are shown as `\u{..}` (they have no business in a page).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {
                let _ = write!(out, "{}", c.escape_unicode());
            }
            c => out.push(c),
        }
    }
    out
}

/// The HTML view of a requirement's mark: its CSS class and `data-status`,
/// a sign that needs no emoji font (and prints), and the word the other
/// reports use.
trait Shown {
    fn id(self) -> &'static str;
    fn sign(self) -> &'static str;
    fn word(self, lang: Lang) -> &'static str;
    fn badge(self, lang: Lang) -> String;
}

impl Shown for Mark {
    fn id(self) -> &'static str {
        match self {
            Mark::Off => "off",
            Mark::NotApplicable => "na",
            Mark::Satisfied => "satisfied",
            Mark::Advisory => "advice",
            Mark::Baselined => "baselined",
            Mark::Suppressed => "suppressed",
            Mark::Referenced => "referenced",
            Mark::Flagged => "flagged",
            Mark::Missing => "missing",
        }
    }

    fn sign(self) -> &'static str {
        match self {
            Mark::Off => "○",
            Mark::NotApplicable => "–",
            Mark::Satisfied => "✓",
            Mark::Advisory => "※",
            Mark::Baselined => "≡",
            Mark::Suppressed => "⊘",
            Mark::Referenced => "↗",
            Mark::Flagged => "!",
            Mark::Missing => "✗",
        }
    }

    fn word(self, lang: Lang) -> &'static str {
        self.said(lang).1
    }

    /// Sign and word, in the status's colour.
    fn badge(self, lang: Lang) -> String {
        format!(
            "<b class=\"st st-{}\">{} {}</b>",
            self.id(),
            self.sign(),
            self.word(lang)
        )
    }
}

/// The page's own words.
fn say(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// One place of evidence, its excerpt cut from the document.
#[derive(Debug, Clone)]
struct Place {
    /// The file it is in (as shown).
    path: String,
    line: usize,
    column: usize,
    before: String,
    text: String,
    after: String,
}

/// One element of a requirement: found (where) or not.
#[derive(Debug, Clone)]
struct Elem {
    name: String,
    places: Vec<Place>,
    /// More places than are kept.
    more: usize,
    missing: bool,
}

#[derive(Debug, Clone)]
struct Req {
    rule: String,
    group: String,
    mark: Mark,
    severity: Option<Severity>,
    /// Why it does not apply, or the suppression's reason.
    reason: Option<String>,
    elements: Vec<Elem>,
    at: Option<Place>,
}

/// One file's part of the page: what its row and section need.
#[derive(Debug, Clone)]
pub struct Doc {
    path: String,
    set: Option<String>,
    /// Why the file was not checked (skipped, unreadable).
    note: Option<String>,
    reqs: Vec<Req>,
}

/// The excerpt of `span` in `doc`: some context on each side, line breaks
/// shown as spaces; `None` when the span is not in the text.
fn cut(doc: &Document, span: &std::ops::Range<usize>) -> Option<(String, String, String)> {
    let text = &doc.text;
    let (s, e) = (span.start, span.end.max(span.start));
    let matched = text.get(s..e)?;
    let before: String = {
        let head = text.get(..s)?;
        let mut v: Vec<char> = head.chars().rev().take(CONTEXT).collect();
        v.reverse();
        v.into_iter().collect()
    };
    let after: String = text.get(e..)?.chars().take(CONTEXT).collect();
    let flat = |s: &str| s.replace(['\r', '\n'], " ");
    Some((flat(&before), flat(matched), flat(&after)))
}

/// The document a place is in: the file itself, or a page of its set.
fn doc_of<'d>(c: &Checked<'d>, path: Option<&str>) -> Option<&'d Document> {
    match path {
        None => c.document,
        Some(p) if p == c.result.path => c.document,
        Some(p) => c.members.iter().find(|(m, _)| m == p).map(|(_, d)| *d),
    }
}

fn place(
    c: &Checked<'_>,
    path: Option<&str>,
    start: Pos,
    span: &std::ops::Range<usize>,
    text: &str,
) -> Place {
    let (before, text, after) = doc_of(c, path)
        .and_then(|d| cut(d, span))
        .unwrap_or_else(|| {
            (
                String::new(),
                text.replace(['\r', '\n'], " "),
                String::new(),
            )
        });
    Place {
        path: path.unwrap_or(&c.result.path).to_string(),
        line: start.line,
        column: start.column,
        before,
        text,
        after,
    }
}

/// One file's part: its requirements with their excerpts cut.
pub(super) fn doc(
    c: &Checked<'_>,
    reqs: &[Requirement],
    texts: &Texts<'_>,
    rules: &RuleSet,
) -> Doc {
    let r = &c.result;
    let note = r.skipped.as_ref().map(|s| texts.skipped(s)).or_else(|| {
        r.diagnostics.iter().find_map(|d| match &d.what {
            What::Unreadable(_) => Some(texts.diag(d).message),
            _ => None,
        })
    });
    let reqs = reqs
        .iter()
        .map(|q| {
            let rule = rules.rule(&q.rule);
            let elements = q
                .elements
                .iter()
                .map(|e| Elem {
                    name: e.name.clone(),
                    places: e
                        .found
                        .iter()
                        .take(MAX_PLACES)
                        .map(|f| place(c, f.path.as_deref(), f.start, &f.span, &f.text))
                        .collect(),
                    more: e.found.len().saturating_sub(MAX_PLACES),
                    missing: e.missing,
                })
                .collect();
            Req {
                rule: q.rule.clone(),
                group: rule
                    .map_or(crate::rules::DEFAULT_GROUP, |r| r.group.as_str())
                    .to_string(),
                mark: Mark::of(&q.state, q.severity),
                severity: q.severity,
                reason: match &q.state {
                    ReqState::NotApplicable(why) => Some(texts.skip_reason(why)),
                    ReqState::Suppressed(why) => why.clone(),
                    _ => None,
                },
                elements,
                at: q
                    .at
                    .as_ref()
                    .filter(|_| q.state != ReqState::Satisfied)
                    .map(|a| place(c, a.path.as_deref(), a.start, &a.span, &a.text)),
            }
        })
        .collect();
    Doc {
        path: r.path.clone(),
        set: r.set.clone(),
        note,
        reqs,
    }
}

/// A row of the matrix: a file, or the pages of a document set merged.
struct Row {
    path: String,
    set: Option<String>,
    pages: Vec<String>,
    notes: Vec<(String, String)>,
    reqs: Vec<Req>,
}

impl Row {
    fn new(d: Doc) -> Row {
        let mut row = Row {
            path: d.path.clone(),
            set: d.set.clone(),
            pages: Vec::new(),
            notes: Vec::new(),
            reqs: Vec::new(),
        };
        row.add(d);
        row
    }

    /// Add a page: a rule's state on the set is its most pressing on any
    /// page (a set-scope finding is reported on one page only).
    fn add(&mut self, d: Doc) {
        self.pages.push(d.path.clone());
        if let Some(n) = d.note {
            self.notes.push((d.path, n));
        }
        for q in d.reqs {
            match self.reqs.iter_mut().find(|x| x.rule == q.rule) {
                Some(x) if q.mark > x.mark => *x = q,
                Some(x) if q.mark == x.mark => {
                    // Evidence found on another page counts for the set.
                    for e in q.elements {
                        match x.elements.iter_mut().find(|y| y.name == e.name) {
                            Some(y) if y.places.is_empty() => *y = e,
                            Some(_) => {}
                            None => x.elements.push(e),
                        }
                    }
                }
                Some(_) => {}
                None => self.reqs.push(q),
            }
        }
    }

    fn cell(&self, group: &str) -> Option<Mark> {
        self.reqs
            .iter()
            .filter(|q| q.group == group)
            .map(|q| q.mark)
            .max()
    }
}

/// Gathers the documents' parts, then writes the page.
#[derive(Default)]
pub(super) struct Page {
    rows: Vec<Row>,
}

impl Page {
    pub(super) fn add(&mut self, d: Doc) {
        match self.rows.last_mut() {
            Some(row) if row.set.is_some() && row.set == d.set => row.add(d),
            _ => self.rows.push(Row::new(d)),
        }
    }

    /// The whole page.
    pub(super) fn write(
        &self,
        out: &mut dyn Write,
        texts: &Texts<'_>,
        rules: &RuleSet,
    ) -> io::Result<()> {
        let lang = texts.lang();
        let mut s = String::with_capacity(1 << 16);
        s.push_str(HEAD);
        let title = say(
            lang,
            "policylint 適合レポート",
            "policylint compliance report",
        );
        let _ = write!(
            s,
            "<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{title}</h1>\n",
            say(lang, "ja", "en")
        );
        self.summary(&mut s, lang, rules);
        s.push_str("</header>\n<main>\n");
        out.write_all(s.as_bytes())?;
        s.clear();
        // The groups some document has a requirement in: a group no rule
        // loaded is in would be a column of blanks.
        let mut groups: Vec<&str> = Vec::new();
        for q in self.rows.iter().flat_map(|r| &r.reqs) {
            if !groups.contains(&q.group.as_str()) {
                groups.push(&q.group);
            }
        }
        groups.sort_by_key(|g| group_order(g));
        self.matrix(&mut s, lang, &groups);
        out.write_all(s.as_bytes())?;
        s.clear();
        let _ = writeln!(
            s,
            "<h2 id=\"details\">{}</h2>",
            say(lang, "文書ごとの詳細", "Documents")
        );
        let open = self.rows.len() == 1;
        for (n, row) in self.rows.iter().enumerate() {
            section(&mut s, n + 1, row, open, &groups, texts, rules);
            if s.len() > 1 << 16 {
                out.write_all(s.as_bytes())?;
                s.clear();
            }
        }
        let _ = write!(s, "</main>\n<script>\n{JS}</script>\n</body>\n</html>\n");
        out.write_all(s.as_bytes())
    }

    fn summary(&self, s: &mut String, lang: Lang, rules: &RuleSet) {
        let mut counts = [0usize; Mark::ALL.len()];
        let mut ids: Vec<&str> = Vec::new();
        for q in self.rows.iter().flat_map(|r| &r.reqs) {
            if let Some(i) = Mark::ALL.iter().position(|m| *m == q.mark) {
                counts[i] += 1;
            }
            if !ids.contains(&q.rule.as_str()) {
                ids.push(&q.rule);
            }
        }
        let mut packs: Vec<&str> = rules.rules.iter().map(|r| r.pack.as_str()).collect();
        packs.sort_unstable();
        packs.dedup();
        let dt = |s: &mut String, k: &str, v: &str| {
            let _ = writeln!(s, "<dt>{k}</dt><dd>{v}</dd>");
        };
        s.push_str("<dl class=\"summary\">\n");
        dt(
            s,
            say(lang, "文書", "Documents"),
            &self.rows.len().to_string(),
        );
        dt(s, say(lang, "要件", "Requirements"), &ids.len().to_string());
        dt(
            s,
            say(lang, "ルールパック", "Rule packs"),
            &escape(&packs.join(", ")),
        );
        dt(
            s,
            say(lang, "ツール", "Tool"),
            &format!("policylint {}", env!("CARGO_PKG_VERSION")),
        );
        dt(s, say(lang, "作成日", "Date"), &today());
        s.push_str("</dl>\n<table class=\"counts\">\n<thead><tr>");
        let _ = write!(
            s,
            "<th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
            say(lang, "状態", "Status"),
            say(
                lang,
                "件数（文書×要件）",
                "Count (documents × requirements)"
            )
        );
        for (m, n) in Mark::ALL.iter().zip(counts) {
            let _ = writeln!(
                s,
                "<tr data-status=\"{}\"><td>{}</td><td>{n}</td></tr>",
                m.id(),
                m.badge(lang)
            );
        }
        s.push_str("</tbody>\n</table>\n");
    }

    fn matrix(&self, s: &mut String, lang: Lang, groups: &[&str]) {
        let _ = write!(
            s,
            "<h2 id=\"matrix\">{}</h2>\n<div class=\"scroll\">\n<table class=\"matrix\">\n<thead><tr><th>{}</th>",
            say(lang, "要件マトリクス", "Requirement matrix"),
            say(lang, "文書", "Document")
        );
        for g in groups {
            let _ = write!(
                s,
                "<th data-group=\"{}\">{}</th>",
                escape(g),
                escape(&group_label(g, lang))
            );
        }
        s.push_str("</tr></thead>\n<tbody>\n");
        for (n, row) in self.rows.iter().enumerate() {
            let n = n + 1;
            let name = row_name(row);
            let _ = write!(
                s,
                "<tr data-doc=\"{}\"><th scope=\"row\"><a href=\"#d{n}\">{}</a></th>",
                escape(&name),
                escape(&name)
            );
            for g in groups {
                let id = escape(g);
                match row.cell(g) {
                    Some(m) => {
                        let _ = write!(
                            s,
                            // Kept small: a thousand rows of twelve cells.
                            "<td data-group=\"{id}\" data-status=\"{0}\"><a href=\"#d{n}-{id}\">{1} {2}</a></td>",
                            m.id(),
                            m.sign(),
                            m.word(lang)
                        );
                    }
                    None => {
                        let _ = write!(s, "<td data-group=\"{id}\" data-status=\"none\">·</td>");
                    }
                }
            }
            s.push_str("</tr>\n");
        }
        let _ = writeln!(
            s,
            "</tbody>\n</table>\n</div>\n<p class=\"note\">{}</p>",
            say(
                lang,
                "各欄は、その分類の要件のうち最も対応が必要な状態を示します。「·」はその分類の要件がないことを示します。",
                "Each cell shows the group's requirement most in need of attention; “·” means the group has none."
            )
        );
    }
}

/// A row's name: the file, or the set and its main page.
fn row_name(row: &Row) -> String {
    match &row.set {
        Some(set) if row.pages.len() > 1 => format!("{set} ({})", row.path),
        _ => row.path.clone(),
    }
}

/// One document's section: each group with its requirements.
fn section(
    s: &mut String,
    n: usize,
    row: &Row,
    open: bool,
    groups: &[&str],
    texts: &Texts<'_>,
    rules: &RuleSet,
) {
    let lang = texts.lang();
    let mut tally = Vec::new();
    for m in [
        Mark::Missing,
        Mark::Flagged,
        Mark::Referenced,
        Mark::Advisory,
        Mark::Satisfied,
        Mark::NotApplicable,
    ] {
        let k = row.reqs.iter().filter(|q| q.mark == m).count();
        if k > 0 {
            tally.push(format!("{} {} {k}", m.sign(), m.word(lang)));
        }
    }
    let _ = write!(
        s,
        "<details class=\"doc\" id=\"d{n}\"{}>\n<summary>{}<span class=\"tally\">{}</span></summary>\n",
        if open { " open" } else { "" },
        escape(&row_name(row)),
        tally.join(" / ")
    );
    if row.pages.len() > 1 {
        let _ = writeln!(
            s,
            "<p class=\"note\">{}: {}</p>",
            say(lang, "ページ", "Pages"),
            escape(&row.pages.join(", "))
        );
    }
    for (path, note) in &row.notes {
        let _ = writeln!(
            s,
            "<p class=\"note\">{}: {}</p>",
            escape(path),
            escape(note)
        );
    }
    if row.reqs.is_empty() && row.notes.is_empty() {
        let _ = writeln!(
            s,
            "<p class=\"note\">{}</p>",
            say(
                lang,
                "適用される要件がありません。",
                "No requirement applies."
            )
        );
    }
    for &id in groups {
        let mut reqs: Vec<&Req> = row.reqs.iter().filter(|q| q.group == id).collect();
        if reqs.is_empty() {
            continue;
        }
        reqs.sort_by_key(|q| std::cmp::Reverse(q.mark));
        let _ = write!(
            s,
            "<h3 class=\"group\" id=\"d{n}-{}\">{}</h3>\n<ul class=\"reqs\">\n",
            escape(id),
            escape(&group_label(id, lang))
        );
        let (na, rest): (Vec<&Req>, Vec<&Req>) = reqs
            .into_iter()
            .partition(|q| q.mark == Mark::NotApplicable);
        for q in rest {
            requirement(s, row, q, texts, rules.rule(&q.rule));
        }
        not_applicable(s, &na, lang, rules);
        s.push_str("</ul>\n");
    }
    s.push_str("</details>\n");
}

/// The requirements of a group that do not apply: one line per reason
/// (most rules do not apply to most documents; a line each would be most
/// of a large report).
fn not_applicable(s: &mut String, na: &[&Req], lang: Lang, rules: &RuleSet) {
    let mut reasons: Vec<&str> = na.iter().filter_map(|q| q.reason.as_deref()).collect();
    reasons.sort_unstable();
    reasons.dedup();
    for why in reasons.iter().map(Some).chain([None]) {
        let these: Vec<String> = na
            .iter()
            .filter(|q| q.reason.as_deref() == why.copied())
            .map(|q| {
                let title = rules
                    .rule(&q.rule)
                    .map_or(q.rule.as_str(), |r| r.title.get(lang));
                format!(
                    "{} <span class=\"rule\">{}</span>",
                    escape(title),
                    escape(&q.rule)
                )
            })
            .collect();
        if these.is_empty() {
            continue;
        }
        let _ = write!(
            s,
            "<li data-status=\"na\">{} {}",
            Mark::NotApplicable.badge(lang),
            these.join(say(lang, "、", ", "))
        );
        if let Some(why) = why {
            let _ = write!(s, " <span class=\"note\">— {}</span>", escape(why));
        }
        s.push_str("</li>\n");
    }
}

fn requirement(s: &mut String, row: &Row, q: &Req, texts: &Texts<'_>, rule: Option<&Rule>) {
    let lang = texts.lang();
    let title = rule.map_or(q.rule.as_str(), |r| r.title.get(lang));
    let _ = write!(
        s,
        "<li data-rule=\"{}\" data-status=\"{}\">{} <strong>{}</strong> <span class=\"rule\">{}",
        escape(&q.rule),
        q.mark.id(),
        q.mark.badge(lang),
        escape(title),
        escape(&q.rule)
    );
    if let Some(sev) = q.severity.filter(|_| q.mark > Mark::Satisfied) {
        let _ = write!(s, " · {}", texts.severity(sev));
    }
    s.push_str("</span>");
    // Not applicable: one line, the reason (the article does not matter
    // here, and most rules are so on most documents).
    if let Some(r) = rule
        && let Some(cite) = r.cite.as_ref().filter(|_| q.mark > Mark::NotApplicable)
    {
        let _ = write!(s, "<br><span class=\"cite\">{}", escape(cite));
        if let Some(url) = r
            .url
            .as_ref()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        {
            let _ = write!(
                s,
                " <a href=\"{}\" rel=\"noreferrer\">{}</a>",
                escape(url),
                escape(url)
            );
        }
        s.push_str("</span>");
    }
    if let Some(why) = &q.reason {
        let _ = write!(s, " <span class=\"note\">— {}</span>", escape(why));
    }
    let element = |name: &str| -> String {
        rule.and_then(|r| r.element(name))
            .map_or_else(|| name.to_string(), |e| e.label.get(lang).to_string())
    };
    let found: Vec<&Elem> = q.elements.iter().filter(|e| !e.places.is_empty()).collect();
    if !found.is_empty() {
        s.push_str("\n<ul class=\"ev\">\n");
        for e in found {
            let _ = write!(s, "<li>{}: ", escape(&element(&e.name)));
            for (i, p) in e.places.iter().enumerate() {
                if i > 0 {
                    s.push_str("; ");
                }
                excerpt(s, row, p);
            }
            if e.more > 0 {
                let _ = write!(s, " {}", escape(&format!("(+{})", e.more)));
            }
            s.push_str("</li>\n");
        }
        s.push_str("</ul>\n");
    }
    let missing: Vec<String> = q
        .elements
        .iter()
        .filter(|e| e.missing)
        .map(|e| element(&e.name))
        .collect();
    if !missing.is_empty() {
        let _ = write!(
            s,
            "<br>{}: {}",
            say(lang, "不足している事項", "Missing"),
            escape(&missing.join(say(lang, "、", ", ")))
        );
    }
    if q.mark > Mark::Satisfied {
        if let Some(p) = &q.at {
            let _ = write!(s, "<br>{}: ", say(lang, "指摘箇所", "At"));
            excerpt(s, row, p);
        }
        if let Some(r) = rule.filter(|r| !r.help.is_empty()) {
            let _ = write!(s, "<p class=\"help\">{}</p>", escape(r.help.get(lang)));
        }
    }
    s.push_str("</li>\n");
}

/// `line:column` (with the file, when it is another page of the set) and
/// the excerpt, the match highlighted.
fn excerpt(s: &mut String, row: &Row, p: &Place) {
    let file = if p.path == row.path {
        String::new()
    } else {
        format!("{} ", escape(&p.path))
    };
    let _ = write!(
        s,
        "<span class=\"loc\">{file}{}:{}</span> <span class=\"excerpt\">…{}<mark>{}</mark>{}…</span>",
        p.line,
        p.column,
        escape(&p.before),
        escape(&p.text),
        escape(&p.after)
    );
}

/// Today's date (UTC), or that of `SOURCE_DATE_EPOCH` when set (a
/// reproducible build, a test).
fn today() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    let (y, m, d) = civil(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{ElementState, EvidenceAt, FileResult, SkipReason};

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        // An attribute value cannot be closed from inside.
        let attr = format!("<a title=\"{}\">", escape("\" onmouseover=\"x"));
        assert_eq!(attr, "<a title=\"&quot; onmouseover=&quot;x\">");
        assert_eq!(escape("個人情報\tok\n"), "個人情報\tok\n");
        assert_eq!(escape("a\u{1b}[31mb\u{0}"), "a\\u{1b}[31mb\\u{0}");
    }

    #[test]
    fn dates_are_civil() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(19_723), (2024, 1, 1));
        assert_eq!(civil(19_782), (2024, 2, 29));
        assert_eq!(civil(-1), (1969, 12, 31));
    }

    fn builtin() -> RuleSet {
        let mut l = crate::rules::Loader::new();
        l.add_builtin();
        l.compile()
            .unwrap_or_else(|_| panic!("the built-in pack compiles"))
    }

    const POLICY: &str = "個人情報保護方針\n\n当社は<script>document.title='pwned'</script>株式会社テストです。\nお問い合わせ窓口: 03-0000-0000\n";

    fn at(doc: &Document, needle: &str) -> EvidenceAt {
        let start = doc.text.find(needle).unwrap();
        let p = doc.position(start);
        EvidenceAt {
            path: None,
            start: Pos {
                line: p.line,
                column: p.column,
                offset: start,
            },
            end: Pos {
                line: p.line,
                column: p.column + needle.chars().count(),
                offset: start + needle.len(),
            },
            span: start..start + needle.len(),
            text: needle.to_string(),
        }
    }

    fn page(lang: Lang, docs: Vec<(&str, Option<&str>, Vec<Requirement>)>) -> String {
        let rules = builtin();
        let texts = Texts::new(&rules, lang);
        let doc = Document::from_text("p.txt", POLICY).unwrap();
        let mut page = Page::default();
        for (path, set, reqs) in docs {
            let c = Checked {
                result: FileResult {
                    path: path.into(),
                    set: set.map(str::to_string),
                    ..FileResult::default()
                },
                document: Some(&doc),
                error: None,
                members: &[],
            };
            page.add(super::doc(&c, &reqs, &texts, &rules));
        }
        let mut out = Vec::new();
        page.write(&mut out, &texts, &rules).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn req(rule: &str, state: ReqState) -> Requirement {
        Requirement {
            rule: rule.into(),
            state,
            severity: Some(Severity::Error),
            elements: Vec::new(),
            at: None,
        }
    }

    #[test]
    fn one_row_per_document_and_a_set_is_one_row() {
        let reqs = || {
            vec![
                req("appi/operator-identity", ReqState::Satisfied),
                req("appi/purposes", ReqState::Missing),
            ]
        };
        let html = page(
            Lang::Ja,
            vec![
                ("a.txt", None, reqs()),
                ("s/index.html", Some("s"), reqs()),
                ("s/contact.html", Some("s"), reqs()),
                (
                    "b.txt",
                    None,
                    vec![req("appi/operator-identity", ReqState::Missing)],
                ),
            ],
        );
        let rows: Vec<&str> = html.matches("<tr data-doc=").collect();
        assert_eq!(rows.len(), 3, "{html}");
        assert!(html.contains("<tr data-doc=\"s (s/index.html)\">"));
        assert!(html.contains("s/index.html, s/contact.html"));
        // The cells: operator met, purposes missing; b.txt has no purposes
        // requirement; no document has a rights one: no such column.
        assert!(html.contains(
            "data-group=\"operator\" data-status=\"satisfied\"><a href=\"#d1-operator\">"
        ));
        assert!(html.contains("data-group=\"purposes\" data-status=\"missing\""));
        let b = &html[html.find("<tr data-doc=\"b.txt\">").unwrap()..];
        let b = &b[..b.find("</tr>").unwrap()];
        assert!(
            b.contains("data-group=\"operator\" data-status=\"missing\""),
            "{b}"
        );
        assert!(
            b.contains("data-group=\"purposes\" data-status=\"none\""),
            "{b}"
        );
        assert_eq!(b.matches("<td").count(), 2, "{b}");
        assert!(!html.contains("data-group=\"rights\""));
        // The link goes to a heading that exists.
        assert!(html.contains("<h3 class=\"group\" id=\"d2-purposes\">"));
        assert!(html.contains("✗ 不足"));
    }

    #[test]
    fn a_set_takes_each_rule_at_its_most_pressing() {
        let html = page(
            Lang::En,
            vec![
                (
                    "s/a.html",
                    Some("s"),
                    vec![req("appi/purposes", ReqState::Satisfied)],
                ),
                (
                    "s/b.html",
                    Some("s"),
                    vec![req("appi/purposes", ReqState::Missing)],
                ),
            ],
        );
        assert!(html.contains("data-group=\"purposes\" data-status=\"missing\""));
        assert!(!html.contains("data-group=\"purposes\" data-status=\"satisfied\""));
        assert!(html.contains("<html lang=\"en\">"));
        assert!(html.contains("Requirement matrix"));
    }

    #[test]
    fn an_unmet_best_practice_is_advice_not_missing() {
        let mut advice = req("appi/security-measures-categories", ReqState::Missing);
        advice.severity = Some(Severity::Info);
        let html = page(Lang::En, vec![("a.txt", None, vec![advice])]);
        assert!(
            html.contains("data-group=\"security\" data-status=\"advice\""),
            "{html}"
        );
        assert!(html.contains("※ Advice"));
        assert!(html.contains(
            "<li data-rule=\"appi/security-measures-categories\" data-status=\"advice\">"
        ));
        assert!(!html.contains("<td data-group=\"security\" data-status=\"missing\""));
    }

    #[test]
    fn evidence_is_escaped_located_and_highlighted() {
        let doc = Document::from_text("p.txt", POLICY).unwrap();
        let mut met = req("appi/operator-identity", ReqState::Satisfied);
        met.elements.push(ElementState {
            name: "name".into(),
            parent: None,
            found: vec![at(
                &doc,
                "<script>document.title='pwned'</script>株式会社テスト",
            )],
            missing: false,
        });
        let mut missing = req("appi/purposes", ReqState::Missing);
        missing.at = Some(at(&doc, "個人情報保護方針"));
        let na = req(
            "appi/joint-use",
            ReqState::NotApplicable(SkipReason::NotMentioned),
        );
        let html = page(
            Lang::Ja,
            vec![(
                "<img src=x onerror=alert(1)>.txt",
                None,
                vec![met, missing, na],
            )],
        );
        assert!(!html.contains("<script>document"), "{html}");
        assert!(!html.contains("<img src=x"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;.txt"));
        assert!(html.contains(
            "<span class=\"loc\">3:4</span> <span class=\"excerpt\">…個人情報保護方針  当社は<mark>&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;株式会社テスト</mark>"
        ), "{html}");
        // A missing requirement: where, and the rule's help.
        let purposes = builtin().rule("appi/purposes").unwrap().help.ja.clone();
        assert!(!purposes.is_empty());
        assert!(html.contains(&format!("<p class=\"help\">{}</p>", escape(&purposes))));
        assert!(html.contains("指摘箇所: <span class=\"loc\">1:1</span>"));
        // Not applicable, with the reason.
        assert!(html.contains("<li data-status=\"na\"><b class=\"st st-na\">– 対象外</b> 共同利用の公表事項 <span class=\"rule\">appi/joint-use</span> <span class=\"note\">— 文書が該当事項に触れていません</span></li>"), "{html}");
        // One document: its section is open.
        assert!(html.contains("<details class=\"doc\" id=\"d1\" open>"));
    }

    #[test]
    fn loads_nothing_from_elsewhere() {
        let html = page(
            Lang::Ja,
            vec![("a.txt", None, vec![req("appi/purposes", ReqState::Missing)])],
        );
        assert!(html.starts_with(HEAD));
        for bad in ["<script src", "<link", "<img", "@import", "url(", "<iframe"] {
            assert!(!html.contains(bad), "{bad}");
        }
        for attr in ["src=\"http", "href=\"http"] {
            for (i, _) in html.match_indices(attr) {
                // Only a plain link, to the law a rule cites.
                assert!(
                    html[..i].ends_with("<a "),
                    "{}",
                    &html[i.saturating_sub(40)..i + 40]
                );
            }
        }
    }
}
