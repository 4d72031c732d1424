//! `policylint rules` (the list) and `policylint explain ID` (one rule in
//! full: what it checks, why, the citation, and examples).

use std::fmt::Write as _;

use crate::rules::model::*;

/// At most this many alternatives of a pattern are shown.
const MAX_ALTERNATIVES: usize = 6;

fn t(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// One line per rule: id, severity, title, pack.
pub fn list(set: &RuleSet, lang: Lang) -> String {
    let mut rules: Vec<&Rule> = set.rules.iter().collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let w = rules
        .iter()
        .map(|r| r.id.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for r in &rules {
        let _ = writeln!(
            out,
            "{:<w$}  {:<7}  {}  [{}]",
            r.id,
            r.severity.name(),
            r.title.get(lang),
            r.pack
        );
    }
    let _ = writeln!(
        out,
        "{} {}",
        rules.len(),
        t(
            lang,
            "件のルール",
            if rules.len() == 1 { "rule" } else { "rules" }
        )
    );
    out
}

fn expr(set: &RuleSet, e: ExprId) -> String {
    let ids = &set.exprs[e as usize];
    let mut parts: Vec<String> = ids
        .iter()
        .take(MAX_ALTERNATIVES)
        .map(|&p| set.patterns.describe(p))
        .collect();
    if ids.len() > MAX_ALTERNATIVES {
        parts.push(format!("… (+{})", ids.len() - MAX_ALTERNATIVES));
    }
    parts.join(" | ")
}

fn labels(els: &[Element], lang: Lang) -> String {
    els.iter()
        .map(|e| {
            if e.label.get(lang) == e.name {
                e.name.clone()
            } else {
                format!("{} ({})", e.label.get(lang), e.name)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn block(set: &RuleSet, b: &Block, lang: Lang, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    if b.include_boilerplate {
        let _ = writeln!(
            out,
            "{pad}{}",
            t(
                lang,
                "ナビゲーション等の定型部分も対象にする",
                "also looks in navigation, headers and footers"
            )
        );
    }
    for r in &b.requires {
        let mode = match (r.mode, lang) {
            (Mode::All, Lang::Ja) => "すべて必要".to_string(),
            (Mode::All, Lang::En) => "requires all of".to_string(),
            (Mode::Any, Lang::Ja) => "いずれか一つが必要".to_string(),
            (Mode::Any, Lang::En) => "requires any of".to_string(),
            (Mode::AtLeast(n), Lang::Ja) => format!("{n}個以上が必要"),
            (Mode::AtLeast(n), Lang::En) => format!("requires at least {n} of"),
        };
        let _ = writeln!(out, "{pad}{mode}: {}", labels(&r.elements, lang));
        for e in &r.elements {
            let cond = e.condition.as_ref().map(|c| match lang {
                Lang::Ja => format!(
                    "（{} = {} の場合のみ）",
                    c.facet.name(),
                    c.values.join(" | ")
                ),
                Lang::En => format!(
                    " (only where {} = {})",
                    c.facet.name(),
                    c.values.join(" | ")
                ),
            });
            let _ = writeln!(
                out,
                "{pad}  - {} = {}{}",
                e.name,
                expr(set, e.expr),
                cond.unwrap_or_default()
            );
            if let Some(body) = &e.body {
                let _ = writeln!(
                    out,
                    "{pad}    {}",
                    match lang {
                        Lang::Ja => format!("「{}」の出現ごとに:", e.label.get(lang)),
                        Lang::En => format!("around each {}:", e.label.get(lang)),
                    }
                );
                block(set, body, lang, depth + 3, out);
            }
        }
    }
    for r in &b.references {
        let unless = r.unless.map(|u| match lang {
            Lang::Ja => format!("（{} があれば無効）", expr(set, u)),
            Lang::En => format!(" (not when {} is also there)", expr(set, u)),
        });
        let _ = writeln!(
            out,
            "{pad}{} {} → {}{}",
            t(lang, "参照による記載:", "a reference stands in:"),
            expr(set, r.expr),
            r.severity.name(),
            unless.unwrap_or_default()
        );
    }
    for c in &b.consistent {
        let ignoring = c.ignoring.map(|e| match lang {
            Lang::Ja => format!("（{} を除いて比較）", expr(set, e)),
            Lang::En => format!(" (ignoring {})", expr(set, e)),
        });
        let _ = writeln!(
            out,
            "{pad}{} {}{}",
            t(lang, "表記の揺れを検出:", "spellings must agree:"),
            expr(set, c.expr),
            ignoring.unwrap_or_default()
        );
    }
    for f in &b.forbids {
        let near = f.near.map(|(e, n)| match lang {
            Lang::Ja => format!("（{} から{n}文字以内）", expr(set, e)),
            Lang::En => format!(" (within {n} characters of {})", expr(set, e)),
        });
        let _ = writeln!(
            out,
            "{pad}{} {}{}",
            t(lang, "禁止:", "forbids:"),
            expr(set, f.expr),
            near.unwrap_or_default()
        );
    }
    if let Some(a) = &b.anchor {
        let what = match a {
            Anchor::Trigger => t(lang, "適用のきっかけ", "the trigger").to_string(),
            Anchor::Heading => t(lang, "見出し", "the section heading").to_string(),
            Anchor::Scope => t(lang, "範囲の先頭", "the start of the scope").to_string(),
            Anchor::Nearest(n) => n.clone(),
            Anchor::At(e) => expr(set, *e),
        };
        let _ = writeln!(
            out,
            "{pad}{} {what}",
            t(lang, "欠落の指摘位置:", "missing parts are reported at:")
        );
    }
    for s in &b.scopes {
        let scope = match (&s.scope, lang) {
            (Scope::Document, Lang::Ja) => "文書全体で:".to_string(),
            (Scope::Document, Lang::En) => "in the whole document:".to_string(),
            (Scope::Section { heading: None, .. }, Lang::Ja) => "各セクションで:".to_string(),
            (Scope::Section { heading: None, .. }, Lang::En) => "in each section:".to_string(),
            (
                Scope::Section {
                    heading: Some(h),
                    or_document,
                    together,
                },
                Lang::Ja,
            ) => format!(
                "見出しが {} に一致する{}で{}:",
                expr(set, *h),
                if *together {
                    "セクション全体（まとめて）"
                } else {
                    "セクション"
                },
                if *or_document {
                    "（なければ文書全体で）"
                } else {
                    ""
                }
            ),
            (
                Scope::Section {
                    heading: Some(h),
                    or_document,
                    together,
                },
                Lang::En,
            ) => format!(
                "in {} whose heading matches {}{}:",
                if *together {
                    "all the sections, taken together,"
                } else {
                    "sections"
                },
                expr(set, *h),
                if *or_document {
                    " (or the whole document if none)"
                } else {
                    ""
                }
            ),
            (Scope::SectionOf(e), Lang::Ja) => format!("{} を含むセクションで:", expr(set, *e)),
            (Scope::SectionOf(e), Lang::En) => {
                format!("in the section around each {}:", expr(set, *e))
            }
            (Scope::Node { kind, with }, _) => {
                let k = match kind {
                    NodeScope::Paragraph => t(lang, "段落", "paragraph"),
                    NodeScope::Sentence => t(lang, "文", "sentence"),
                    NodeScope::ListItem => t(lang, "箇条書きの項目", "list item"),
                    NodeScope::Cell => t(lang, "表のセル", "table cell"),
                };
                match (with, lang) {
                    (Some(w), Lang::Ja) => format!("{} を含む各{k}で:", expr(set, *w)),
                    (Some(w), Lang::En) => format!("in each {k} with {}:", expr(set, *w)),
                    (None, Lang::Ja) => format!("各{k}で:"),
                    (None, Lang::En) => format!("in each {k}:"),
                }
            }
            (Scope::Near { of, chars }, Lang::Ja) => match of {
                Some(e) => format!("{} の前後{chars}文字で:", expr(set, *e)),
                None => format!("その前後{chars}文字で:"),
            },
            (Scope::Near { of, chars }, Lang::En) => match of {
                Some(e) => format!("within {chars} characters of {}:", expr(set, *e)),
                None => format!("within {chars} characters of it:"),
            },
        };
        let _ = writeln!(out, "{pad}{scope}");
        block(set, &s.body, lang, depth + 1, out);
    }
}

/// A required element in words: its label, what its own block requires
/// (the controller: its name, address and representative), and the
/// contexts it alone is required in.
fn element_words(e: &Element, lang: Lang) -> String {
    let sep = t(lang, "、", ", ");
    let mut out = e.label.get(lang).to_string();
    let children = e.children();
    if !children.is_empty() {
        let list: Vec<String> = children.iter().map(|c| element_words(c, lang)).collect();
        out = match lang {
            Lang::Ja => format!("{out}（{}）", list.join(sep)),
            Lang::En => format!("{out} ({})", list.join(sep)),
        };
    }
    if let Some(c) = &e.condition {
        let values = c.values.join(" | ");
        let _ = match lang {
            Lang::Ja => write!(out, "［{} = {values} の場合］", c.facet.name()),
            Lang::En => write!(out, " [where {} = {values}]", c.facet.name()),
        };
    }
    out
}

/// What a rule's blocks say, gathered through its scopes: the elements
/// required together (one list, each once), then the other sentences, in
/// order, each once. What an element's own block requires is said with
/// the element; what else it says (a reference that stands in) is said here.
#[derive(Default)]
struct Words {
    required: Vec<String>,
    sentences: Vec<String>,
}

impl Words {
    fn add(&mut self, s: String) {
        if !self.sentences.contains(&s) {
            self.sentences.push(s);
        }
    }

    /// `nested`: the block of a required element, whose own requirements
    /// were said with the element.
    fn block(&mut self, b: &Block, lang: Lang, nested: bool) {
        let sep = t(lang, "、", ", ");
        for r in b.requires.iter().filter(|_| !nested) {
            let list: Vec<String> = r.elements.iter().map(|e| element_words(e, lang)).collect();
            let joined = list.join(sep);
            match (r.mode, lang) {
                (Mode::All, _) => {
                    for e in list {
                        if !self.required.contains(&e) {
                            self.required.push(e);
                        }
                    }
                }
                (Mode::Any, Lang::Ja) => self.add(format!("次のいずれかの記載が必要: {joined}")),
                (Mode::Any, Lang::En) => self.add(format!("Requires one of: {joined}")),
                (Mode::AtLeast(n), Lang::Ja) => {
                    self.add(format!("次のうち{n}つ以上の記載が必要: {joined}"))
                }
                (Mode::AtLeast(n), Lang::En) => {
                    self.add(format!("Requires at least {n} of: {joined}"))
                }
            }
        }
        for r in &b.references {
            let sev = r.severity.name();
            self.add(match lang {
                Lang::Ja => format!("他のページへの参照だけで示された記載は重大度 {sev} で指摘します"),
                Lang::En => format!(
                    "A part given only by a reference to another page is reported with severity {sev}"
                ),
            });
        }
        if !b.consistent.is_empty() {
            self.add(
                t(
                    lang,
                    "同じ名称が異なる表記で書かれていれば指摘します",
                    "Flags one name spelled in different ways",
                )
                .into(),
            );
        }
        if !b.forbids.is_empty() {
            self.add(
                t(
                    lang,
                    "使ってはならない表現があれば指摘します",
                    "Flags wording that must not be used",
                )
                .into(),
            );
        }
        for s in &b.scopes {
            self.block(&s.body, lang, nested);
        }
        for body in b
            .requires
            .iter()
            .flat_map(|r| &r.elements)
            .filter_map(|e| e.body.as_ref())
        {
            self.block(body, lang, true);
        }
    }
}

/// A rule in a reader's words: its title, what it requires (the labels of
/// its elements), what it flags, when it applies, and what it cites. This
/// is SARIF's `fullDescription`, which code scanning shows, and the
/// summary `explain` starts with.
pub fn describe(rule: &Rule, lang: Lang) -> String {
    let mut words = Words::default();
    words.block(&rule.body, lang, false);
    let mut sentences = vec![
        rule.title
            .get(lang)
            .trim_end_matches(['。', '.'])
            .to_string(),
    ];
    if !words.required.is_empty() {
        let list = words.required.join(t(lang, "、", ", "));
        sentences.push(match lang {
            Lang::Ja => format!("必要な記載: {list}"),
            Lang::En => format!("Requires: {list}"),
        });
    }
    sentences.extend(words.sentences);
    if rule.when.is_some() {
        sentences.push(
            t(
                lang,
                "文書がその事項に触れている場合にだけ適用します",
                "Applies only where the document mentions the matter",
            )
            .into(),
        );
    }
    if let Some(c) = &rule.cite {
        sentences.push(match lang {
            Lang::Ja => format!("根拠: {c}"),
            Lang::En => format!("Cites: {c}"),
        });
    }
    let end = t(lang, "。", ". ");
    let mut out = sentences.join(end);
    out.push_str(end.trim_end());
    out
}

/// A message template with its placeholders said in words, as `explain`
/// shows it (the findings fill them with what was missing or found).
fn template_words(template: &str, rule: &Rule, lang: Lang) -> String {
    crate::report::i18n::fill(
        template,
        t(lang, "〈不足している記載〉", "<what is missing>"),
        t(lang, "〈見つかった表現〉", "<the wording found>"),
        &rule.id,
    )
}

fn indent(text: &str, pad: &str) -> String {
    text.lines().map(|l| format!("{pad}{l}\n")).collect()
}

/// Everything about one rule.
pub fn explain(set: &RuleSet, rule: &Rule, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", rule.id, rule.title.get(lang));
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{} {}",
        t(lang, "重大度:", "severity:"),
        rule.severity.name()
    );
    let _ = writeln!(out, "{} {}", t(lang, "パック:", "pack:"), rule.pack);
    if let Some(c) = &rule.cite {
        let _ = writeln!(out, "{} {c}", t(lang, "根拠:", "cites:"));
    }
    if let Some(u) = &rule.url {
        let _ = writeln!(out, "{} {u}", t(lang, "説明:", "docs:"));
    }
    if let Some(d) = &rule.effective {
        let _ = writeln!(out, "{} {d}", t(lang, "施行日:", "effective:"));
    }
    // In a document set most rules read the pages as one; a page-scope rule
    // reads each page alone, which changes what satisfies it.
    let _ = writeln!(
        out,
        "{} {}",
        t(lang, "範囲:", "scope:"),
        if rule.scope_page {
            t(
                lang,
                "ページごと（文書セットでも各ページを単独で検査）",
                "page (each page of a document set on its own)",
            )
        } else {
            t(
                lang,
                "セット（文書セットは全ページを一つの文書として検査）",
                "set (a document set's pages read as one document)",
            )
        }
    );
    let _ = writeln!(
        out,
        "{} {} ({})",
        t(lang, "グループ:", "group:"),
        super::i18n::group_label(&rule.group, lang),
        rule.group
    );
    if !rule.tags.is_empty() {
        let _ = writeln!(
            out,
            "{} {}",
            t(lang, "タグ:", "tags:"),
            rule.tags.join(", ")
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", t(lang, "概要:", "In short:"));
    let _ = write!(out, "{}", indent(&describe(rule, lang), "  "));
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", t(lang, "検査内容:", "What it checks:"));
    match &rule.when {
        Some(w) => {
            let _ = writeln!(
                out,
                "  {} {}",
                t(
                    lang,
                    "適用条件: 文書が次に言及するとき",
                    "applies when the document mentions"
                ),
                expr(set, w.mentions)
            );
            if let Some(u) = w.unless_in {
                let _ = writeln!(
                    out,
                    "  {} {}",
                    t(
                        lang,
                        "（次に一致する文の中の言及は除く）",
                        "(not counting mentions in sentences matching"
                    ),
                    expr(set, u) + t(lang, "", ")")
                );
            }
        }
        None => {
            let _ = writeln!(
                out,
                "  {}",
                t(lang, "適用条件: すべての文書", "applies to every document")
            );
        }
    }
    for a in &rule.applies {
        let cap = a.cap.map(|c| match lang {
            Lang::Ja => format!("（重大度は最大 {}）", c.name()),
            Lang::En => format!(" (at most {})", c.name()),
        });
        let _ = writeln!(
            out,
            "  {} {} = {}{}",
            t(lang, "対象の文書:", "applies where"),
            a.facet.name(),
            a.values.join(" | "),
            cap.unwrap_or_default()
        );
    }
    block(set, &rule.body, lang, 1, &mut out);
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", t(lang, "メッセージ:", "Message:"));
    // Each distinct message the rule can give: for a missing part, for a
    // forbidden phrase, for a part given only by reference.
    let mut messages: Vec<String> = Vec::new();
    let has = |f: fn(&Block) -> bool| {
        fn any(b: &Block, f: fn(&Block) -> bool) -> bool {
            f(b) || b.scopes.iter().any(|s| any(&s.body, f))
                || b.requires
                    .iter()
                    .flat_map(|r| &r.elements)
                    .filter_map(|e| e.body.as_ref())
                    .any(|body| any(body, f))
        }
        any(&rule.body, f)
    };
    let kinds = [
        (
            &rule.message,
            has(|b| !b.requires.is_empty() || !b.consistent.is_empty()),
        ),
        (&rule.forbid_message, has(|b| !b.forbids.is_empty())),
        (&rule.reference_message, has(|b| !b.references.is_empty())),
    ];
    for (text, used) in kinds {
        let said = template_words(text.get(lang), rule, lang);
        if used && !messages.contains(&said) {
            messages.push(said);
        }
    }
    if messages.is_empty() {
        messages.push(template_words(rule.message.get(lang), rule, lang));
    }
    for m in &messages {
        let _ = write!(out, "{}", indent(m, "  "));
    }
    if !rule.help.is_empty() {
        let _ = writeln!(out, "{}", t(lang, "対処:", "How to fix:"));
        let _ = write!(out, "{}", indent(rule.help.get(lang), "  "));
    }
    for (kind, head) in [
        (TestKind::Pass, t(lang, "適合する例:", "Passing example:")),
        (TestKind::Fail, t(lang, "違反する例:", "Failing example:")),
    ] {
        let Some(case) = rule.tests.iter().find(|c| c.kind == kind) else {
            continue;
        };
        let _ = writeln!(out);
        let _ = writeln!(out, "{head}");
        match &case.input {
            TestInput::Inline(text) => {
                let _ = write!(out, "{}", indent(text, "  │ "));
            }
            TestInput::File(p) => {
                let _ = writeln!(out, "  {} {}", t(lang, "ファイル", "file"), p.display());
            }
        }
        for e in &case.expects {
            let mut s = String::from(t(lang, "  期待:", "  expected:"));
            if let Some(m) = &e.missing {
                let _ = write!(s, " missing [{}]", m.join(", "));
            }
            if let Some((l, c)) = e.at {
                let _ = write!(s, " at {l}:{c}");
            }
            let _ = writeln!(out, "{s}");
        }
    }
    out
}
