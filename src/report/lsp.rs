//! The Language Server Protocol's view of a checked file: each active
//! finding as an LSP diagnostic (the same rule id, severity, message and
//! range as `check` reports, its evidence labels as related information),
//! a rule's hover text, and the example clause a fix may insert. The
//! protocol's plumbing lives in the command (`policylint lsp`).

use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, Range, Uri,
};

use super::explain::describe;
use super::i18n::Texts;
use crate::engine::{FileResult, FindingKind};
use crate::rules::model::{TestInput, TestKind};
use crate::rules::{Lang, Rule, Severity};
use crate::text::lsp::LspText;

/// What the diagnostics name as their source.
pub const SOURCE: &str = "policylint";

/// The LSP range of bytes `start..end` of the text.
pub fn range(text: &LspText<'_>, start: usize, end: usize) -> Range {
    let (l0, c0) = text.position(start);
    let (l1, c1) = text.position(end.max(start));
    Range::new(Position::new(l0, c0), Position::new(l1, c1))
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// The diagnostics of one file checked from `text` (the editor's buffer,
/// the bytes the engine read): a skipped file's note, then every active
/// finding (suppressed and baselined ones are not shown, as in `check`).
pub fn diagnostics(
    r: &FileResult,
    text: &LspText<'_>,
    uri: &Uri,
    texts: &Texts<'_>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(reason) = &r.skipped {
        out.push(Diagnostic {
            range: range(text, 0, 0),
            severity: Some(DiagnosticSeverity::INFORMATION),
            code: Some(NumberOrString::String("policylint/skipped".into())),
            source: Some(SOURCE.into()),
            message: texts.skipped(reason),
            ..Diagnostic::default()
        });
    }
    for d in r.diagnostics.iter().filter(|d| d.active()) {
        let said = texts.diag(d);
        // A label on another page of a document set has no place in this
        // buffer; a single buffer is checked alone, so there is none.
        let related: Vec<DiagnosticRelatedInformation> = d
            .labels
            .iter()
            .zip(&said.labels)
            .filter(|(l, _)| l.path.is_none())
            .map(|(l, message)| DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), range(text, l.start.offset, l.end.offset)),
                message: message.clone(),
            })
            .collect();
        let code_description = said
            .url
            .as_deref()
            .and_then(|u| u.parse::<Uri>().ok())
            .map(|href| CodeDescription { href });
        out.push(Diagnostic {
            range: range(text, d.start.offset, d.end.offset),
            severity: Some(severity(d.severity)),
            code: Some(NumberOrString::String(d.rule.clone())),
            code_description,
            source: Some(SOURCE.into()),
            message: said.message,
            related_information: (!related.is_empty()).then_some(related),
            ..Diagnostic::default()
        });
    }
    out
}

fn t(lang: Lang, ja: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ja => ja,
        Lang::En => en,
    }
}

/// A rule explained for a hover, in Markdown: `explain`'s heading, its
/// summary, how to fix, the citation and link (the full text is
/// `policylint explain ID`).
pub fn hover(rule: &Rule, lang: Lang) -> String {
    let mut out = format!(
        "**{}** — {} ({})\n\n{}\n",
        rule.id,
        rule.title.get(lang),
        rule.severity.name(),
        describe(rule, lang)
    );
    if !rule.help.is_empty() {
        out.push_str(&format!(
            "\n{} {}\n",
            t(lang, "対処:", "How to fix:"),
            rule.help.get(lang)
        ));
    }
    if let Some(u) = &rule.url {
        out.push_str(&format!("\n{} {u}\n", t(lang, "説明:", "docs:")));
    }
    out.push_str(&format!(
        "\n`policylint explain {}` {}\n",
        rule.id,
        t(lang, "で全文を表示します", "shows it in full")
    ));
    out
}

/// The longest example clause offered as a skeleton, in characters: a
/// longer passing example is a document, not a clause.
const MAX_CLAUSE: usize = 200;

/// An example of the clause a finding of `kind` from `rule` asks for: the
/// wording after 「例:」 in its help (each 「…」 quotation a line), else its
/// first one-line passing test. None for a rule that gives none, and for
/// findings that no added text fixes (a forbidden phrase).
pub fn clause_example(rule: &Rule, kind: FindingKind, lang: Lang) -> Option<String> {
    if !matches!(kind, FindingKind::Missing | FindingKind::Referenced) {
        return None;
    }
    let help = rule.help.get(lang);
    let after = help
        .split_once("例:")
        .or_else(|| help.split_once("Example:"))
        .map(|(_, rest)| rest.trim());
    if let Some(rest) = after {
        let quoted: Vec<&str> = rest
            .split('「')
            .skip(1)
            .filter_map(|q| q.split_once('」').map(|(inner, _)| inner.trim()))
            .filter(|q| !q.is_empty())
            .collect();
        if !quoted.is_empty() {
            return Some(quoted.join("\n"));
        }
        let plain = rest.trim_matches(['"', '“', '”']).trim();
        if !plain.is_empty() && plain.chars().count() <= MAX_CLAUSE {
            return Some(plain.to_string());
        }
    }
    rule.tests.iter().find_map(|c| match (&c.kind, &c.input) {
        (TestKind::Pass, TestInput::Inline(text))
            if !text.trim().is_empty()
                && !text.trim().contains('\n')
                && text.chars().count() <= MAX_CLAUSE =>
        {
            Some(text.trim().to_string())
        }
        _ => None,
    })
}

/// `text` as the body of an LSP snippet: `$`, `}` and `\` stand for
/// themselves, and the whole example is one placeholder to type over.
pub fn snippet(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '$' | '}' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    format!("${{1:{escaped}}}$0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Engine, Settings};
    use crate::rules::Loader;
    use crate::text::lsp::PositionEncoding;

    const RULE: &str = r#"rule demo/contact {
  title "窓口"
  severity error
  require contact = "窓口" as "窓口"
  message "{missing}がありません"
  help "窓口を記載してください。例: 「お問い合わせ窓口 privacy@example.jp」「電話 03-0000-0000」"
  test pass "お問い合わせ窓口: privacy@example.jp"
  test fail "当社は情報を扱います。"
}
"#;

    fn set() -> crate::rules::RuleSet {
        let mut l = Loader::new();
        l.add_source("demo.rules", None, RULE.to_string());
        l.compile().unwrap()
    }

    #[test]
    fn a_finding_is_one_diagnostic_with_its_rule_and_range() {
        let set = set();
        let engine = Engine::new(&set, Settings::default());
        let text = "𠮷当社は情報を扱います。\r\n";
        let r = engine.check_text("p.txt", text);
        let uri: Uri = "file:///p.txt".parse().unwrap();
        let texts = Texts::new(&set, Lang::Ja);
        let d16 = diagnostics(
            &r,
            &LspText::new(text, PositionEncoding::Utf16),
            &uri,
            &texts,
        );
        let d8 = diagnostics(
            &r,
            &LspText::new(text, PositionEncoding::Utf8),
            &uri,
            &texts,
        );
        assert_eq!(d16.len(), 1, "{d16:?}");
        assert_eq!(
            d16[0].code,
            Some(NumberOrString::String("demo/contact".into()))
        );
        assert_eq!(d16[0].severity, Some(DiagnosticSeverity::ERROR));
        assert!(d16[0].message.contains("窓口"), "{}", d16[0].message);
        let d = &r.diagnostics[0];
        // Each encoding counts the columns its own way, from the same bytes.
        let col16 = text[..d.start.offset].encode_utf16().count() as u32;
        assert_eq!(d16[0].range.start, Position::new(0, col16));
        assert_eq!(d8[0].range.start, Position::new(0, d.start.offset as u32));
    }

    #[test]
    fn the_example_clause_comes_from_the_help_then_the_tests() {
        let set = set();
        let rule = set.rule("demo/contact").unwrap();
        assert_eq!(
            clause_example(rule, FindingKind::Missing, Lang::Ja).as_deref(),
            Some("お問い合わせ窓口 privacy@example.jp\n電話 03-0000-0000")
        );
        assert_eq!(clause_example(rule, FindingKind::Forbidden, Lang::Ja), None);
        let mut bare = rule.clone();
        bare.help = Default::default();
        assert_eq!(
            clause_example(&bare, FindingKind::Missing, Lang::Ja).as_deref(),
            Some("お問い合わせ窓口: privacy@example.jp")
        );
        assert!(hover(rule, Lang::Ja).contains("**demo/contact**"));
    }

    #[test]
    fn a_snippet_escapes_its_metacharacters() {
        assert_eq!(snippet("a$b}c\\"), "${1:a\\$b\\}c\\\\}$0");
    }
}
