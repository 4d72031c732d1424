//! The rule language, construct by construct: each test compiles a small
//! rule and checks what it finds in a small document.

use std::path::Path;

use policylint::document::{Document, Format};
use policylint::engine::{Evaluator, Finding, FindingKind};
use policylint::report::i18n::Texts;
use policylint::rules::{Lang, Loader, RuleSet, Severity};
use policylint::source::decode;

fn compile(src: &str) -> RuleSet {
    let mut l = Loader::new();
    l.add_source("test.rules", None, src.to_string());
    match l.compile() {
        Ok(s) => s,
        Err(errs) => panic!(
            "{:#?}",
            errs.iter()
                .map(|e| e.error.message.clone())
                .collect::<Vec<_>>()
        ),
    }
}

fn doc(text: &str, format: Format) -> Document {
    Document::parse(Path::new("doc"), decode(text.as_bytes()).unwrap(), format)
}

fn run(set: &RuleSet, text: &str) -> Vec<Finding> {
    run_fmt(set, text, Format::Text)
}

fn run_fmt(set: &RuleSet, text: &str, format: Format) -> Vec<Finding> {
    let d = doc(text, format);
    Evaluator::new(set, &d).run_all()
}

/// (line, column) of a finding's start.
fn at(text: &str, f: &Finding) -> (usize, usize) {
    let d = doc(text, Format::Text);
    let p = d.position(f.span.start);
    (p.line, p.column)
}

const HEAD: &str =
    "severity error\n message.ja \"{missing}がありません\"\n message.en \"missing: {missing}\"\n";

fn rule(body: &str) -> String {
    format!("rule t/x {{\n {HEAD}{body}\n}}\n")
}

#[test]
fn vocabulary_terms_alternatives_and_references() {
    let set = compile(&format!(
        "term contact = \"お問い合わせ\" | \"お問合せ\" | /相談窓口/\nterm window = contact | \"苦情の申出先\"\n{}",
        rule("require w = window")
    ));
    assert!(run(&set, "お問合せはこちら。").is_empty());
    assert!(run(&set, "相談窓口まで。").is_empty());
    assert!(run(&set, "苦情の申出先は下記。").is_empty());
    // Literals match the normalised text: spaces from PDF conversion and
    // full-width forms do not matter.
    assert!(run(&set, "お 問い合わせ は下記。").is_empty());
    let f = run(&set, "当社は個人情報を保護します。");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].missing, ["w"]);
}

#[test]
fn imports_make_terms_visible_across_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("common.rules"),
        "term contact = \"お問い合わせ\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("pack.rules"),
        format!("import \"common.rules\"\n{}", rule("require w = contact")),
    )
    .unwrap();
    let mut l = Loader::new();
    l.add_path(&dir.path().join("pack.rules")).unwrap();
    let set = l.compile().unwrap();
    assert!(run(&set, "お問い合わせ窓口").is_empty());
    assert_eq!(run(&set, "本文").len(), 1);
}

#[test]
fn trigger_with_exception_sentence() {
    let set = compile(&format!(
        "term ju = \"共同利用\" | \"共同して利用\"\nterm exc = /共同して利用する場合であって/\n{}",
        "rule t/ju {\n severity error\n message.ja \"{missing}\"\n message.en \"{missing}\"\n when mentions ju unless in exc\n require items = \"項目\"\n}\n"
    ));
    // No mention: the rule does not apply.
    assert!(run(&set, "当社は個人情報を保護します。").is_empty());
    // Only the statutory exception: not a declaration of joint use.
    assert!(run(&set, "次の場合を除きます。個人データを特定の者との間で共同して利用する場合であって、通知したとき。").is_empty());
    // A real declaration: the rule applies, and points at the mention.
    let text = "当社は個人データを共同利用します。";
    let f = run(&set, text);
    assert_eq!(f.len(), 1);
    assert_eq!(at(text, &f[0]), (1, 10));
}

#[test]
fn section_scopes_with_heading_terms_and_fallback() {
    let set = compile(&format!(
        "term ju = \"共同利用\"\n{}",
        rule("in section(ju) { require scope = \"範囲\" }")
    ));
    let text = "1. 目的\n\n範囲は当社です。\n\n2. 共同利用\n\n項目は氏名です。\n\n3. 共同利用（その2）\n\n範囲は子会社です。\n";
    let f = run(&set, text);
    // Section 1 has 範囲 but is not a joint-use section; section 2 lacks it.
    assert_eq!(f.len(), 1);
    assert_eq!(at(text, &f[0]), (5, 1), "points at the heading");
    // No matching section: nothing to check, unless `or document`.
    assert!(run(&set, "共同利用します。").is_empty());
    let set = compile(&format!(
        "term ju = \"共同利用\"\n{}",
        rule("in section(ju) or document { require scope = \"範囲\" }")
    ));
    assert_eq!(run(&set, "共同利用します。").len(), 1);
}

#[test]
fn section_of_and_every_section() {
    let set = compile(&rule(
        "in section of \"認定個人情報保護団体\" { require name = \"協会\" }",
    ));
    let text = "1. 安全管理\n\n認定個人情報保護団体の対象事業者です。\n\n2. 苦情\n\n一般財団法人日本データ通信協会の認定個人情報保護団体です。\n";
    let f = run(&set, text);
    assert_eq!(f.len(), 1);
    assert_eq!(at(text, &f[0]), (1, 1));
    let set = compile(&rule("in section { require date = /[0-9]{4}年/ }"));
    assert_eq!(run(&set, "1. 一\n\n2024年\n\n2. 二\n\n本文\n").len(), 1);
}

#[test]
fn node_scopes_paragraph_sentence_list_item_cell() {
    let text = "手数料は無料です。手数料は別途定めます。\n\n- 氏名のため\n- 住所\n\n料金\t1,000円\n料金\t別途\n";
    let set = compile(&rule(
        "in sentence with \"手数料\" { require amount = /無料|[0-9,]+円/ }",
    ));
    let f = run(&set, text);
    assert_eq!(f.len(), 1, "only the second sentence lacks an amount");
    assert_eq!(at(text, &f[0]), (1, 10));
    let set = compile(&rule(
        "in paragraph with \"手数料\" { require amount = /[0-9,]+円/ }",
    ));
    assert_eq!(run(&set, text).len(), 1);
    let set = compile(&rule("in list-item { require purpose = \"ため\" }"));
    let f = run(&set, text);
    assert_eq!(f.len(), 1);
    assert_eq!(at(text, &f[0]), (4, 1));
    let set = compile(&rule(
        "in cell with \"料金\" { require amount = /[0-9,]+円/ }",
    ));
    assert_eq!(
        run(&set, text).len(),
        2,
        "the amount is in the next cell, not in the 料金 cells"
    );
    let set = compile(&rule("in cell { forbid \"別途\" }"));
    let f = run(&set, text);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].kind, FindingKind::Forbidden);
    assert_eq!(at(text, &f[0]), (7, 4));
}

#[test]
fn near_within_characters() {
    let set = compile(&rule(
        "in near \"窓口\" within 10 { require phone = /0[0-9]+-[0-9]+-[0-9]+/ }",
    ));
    assert!(run(&set, "お問い合わせ窓口: 03-1234-5678").is_empty());
    let far = format!("お問い合わせ窓口。{}03-1234-5678", "あ".repeat(30));
    assert_eq!(run(&set, &far).len(), 1);
}

#[test]
fn element_blocks_check_around_each_occurrence() {
    let set = compile(&rule(
        "require controller = \"管理責任者\" { in near 20 { require all { name = \"株式会社\" addr = \"東京都\" } } }",
    ));
    // The second occurrence satisfies the block: no finding.
    assert!(
        run(
            &set,
            "管理責任者は後述。\n\n管理責任者: 株式会社サンプル 東京都千代田区"
        )
        .is_empty()
    );
    let text = "管理責任者: 株式会社サンプル";
    let f = run(&set, text);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].missing, ["addr"]);
    assert_eq!(f[0].found, ["name"]);
    assert_eq!(
        at(text, &f[0]),
        (1, 1),
        "points at the element's occurrence"
    );
    assert_eq!(f[0].labels.len(), 1, "the found name is a secondary label");
}

#[test]
fn require_all_any_and_at_least() {
    let els = "a = \"甲\" b = \"乙\" c = \"丙\"";
    let all = compile(&rule(&format!("require all {{ {els} }}")));
    let any = compile(&rule(&format!("require any {{ {els} }}")));
    let two = compile(&rule(&format!("require 2 of {{ {els} }}")));
    let f = run(&all, "甲のみ");
    assert_eq!(
        (f[0].missing.clone(), f[0].found.clone()),
        (vec!["b".to_string(), "c".into()], vec!["a".to_string()])
    );
    assert!(run(&any, "甲のみ").is_empty());
    assert_eq!(run(&any, "なし")[0].missing, ["a", "b", "c"]);
    assert_eq!(run(&two, "甲のみ")[0].missing, ["b", "c"]);
    assert!(run(&two, "甲と丙").is_empty());
}

#[test]
fn forbidden_phrase_near_a_term() {
    let set = compile(&rule("forbid /閉鎖しました/ near \"窓口\" within 15"));
    let text = "お問い合わせ窓口は閉鎖しました。";
    let f = run(&set, text);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].kind, FindingKind::Forbidden);
    assert_eq!(at(text, &f[0]), (1, 10));
    assert!(run(&set, "旧店舗は閉鎖しました。").is_empty());
}

#[test]
fn reference_instead_of_statement_is_its_own_outcome() {
    let set = compile(&rule(
        "require all { addr = \"東京都\" rep = \"代表取締役\" } reference \"会社概要\" -> warning",
    ));
    let f = run(&set, "住所および代表者名は会社概要をご参照ください。");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].kind, FindingKind::Referenced);
    assert_eq!(f[0].severity, Severity::Warning);
    assert_eq!(f[0].missing, ["addr", "rep"]);
    let f = run(&set, "住所は未記載。");
    assert_eq!(
        (f[0].kind, f[0].severity),
        (FindingKind::Missing, Severity::Error)
    );
}

#[test]
fn anchors_choose_where_findings_point() {
    let text = "前文\n\n1. 共同利用\n\n共同利用します。管理者は株式会社サンプル。\n";
    let base = "term ju = \"共同利用\"\n";
    let mk = |anchor: &str| {
        compile(&format!(
            "{base}rule t/x {{\n {HEAD} when mentions ju\n in section(ju) {{ anchor {anchor} require all {{ corp = \"株式会社\" addr = \"東京都\" }} }}\n}}\n"
        ))
    };
    assert_eq!(at(text, &run(&mk("heading"), text)[0]), (3, 1));
    assert_eq!(at(text, &run(&mk("trigger"), text)[0]), (3, 4));
    assert_eq!(at(text, &run(&mk("scope"), text)[0]), (3, 1));
    assert_eq!(at(text, &run(&mk("nearest corp"), text)[0]), (5, 13));
}

#[test]
fn boilerplate_is_excluded_unless_included() {
    let html =
        "<nav><a>お問い合わせ</a></nav><main><p>本文です。</p></main><footer>© Example</footer>";
    let set = compile(&rule("require w = \"お問い合わせ\""));
    assert_eq!(
        run_fmt(&set, html, Format::Html).len(),
        1,
        "a menu link is not a contact window"
    );
    let set = compile(&rule("include boilerplate\n require w = \"お問い合わせ\""));
    assert!(run_fmt(&set, html, Format::Html).is_empty());
}

/// Quoted statute after the policy is never evidence: not for a require,
/// not as a section, not even with `include boilerplate`.
#[test]
fn quoted_statute_is_never_evidence() {
    let text = "1. 利用目的\n\n当社は、連絡のために個人情報を利用します。\n\n2. 安全管理\n\n当社は、個人情報を安全に管理します。\n\n個人情報の保護に関する法律（抜粋）\n\n第二十七条 事業者は、本人の同意を得ないで第三者に提供してはならない。\n";
    let d = doc(text, Format::Text);
    assert!(d.nodes.iter().any(|n| n.quoted));
    for body in [
        "require w = \"第三者に提供\"",
        "include boilerplate\n require w = \"第三者に提供\"",
    ] {
        let set = compile(&rule(body));
        assert_eq!(run(&set, text).len(), 1, "{body}");
    }
    // A quoted paragraph is no paragraph to check.
    let set = compile(&rule(
        "in paragraph with \"事業者\" { require w = \"委託\" }",
    ));
    assert!(run(&set, text).is_empty());
    // The same sentence in the policy's own text is evidence.
    let own = text.replace("個人情報の保護に関する法律（抜粋）\n\n", "");
    let set = compile(&rule("require w = \"第三者に提供\""));
    assert!(run(&set, &own).is_empty());
    // A quoted article is no section either.
    let set = compile(&rule("in section(\"第二十七条\") { require w = \"委託\" }"));
    assert!(run(&set, text).is_empty());
    assert_eq!(run(&set, &own).len(), 1);
    // A forbidden phrase in the quotation is not the policy's.
    let set = compile(&rule("forbid /提供してはならない/"));
    assert!(run(&set, text).is_empty());
}

#[test]
fn messages_in_both_languages_with_placeholders() {
    let set = compile(
        "rule t/m {\n severity warning\n message.ja \"{missing}がありません（{found}はあり）\"\n message.en \"missing {missing}; found {found} ({rule})\"\n require all { a = \"甲\" as \"名称\" / \"the name\" b = \"乙\" as \"住所\" / \"the address\" c = \"丙\" as \"代表者\" / \"the representative\" }\n}\n",
    );
    // The engine finds; the report's i18n says it in each language.
    let found = run_fmt(&set, "甲", Format::Text);
    let (message, label, _) = Texts::new(&set, Lang::Ja).finding(&found[0]);
    assert_eq!(message, "住所、代表者がありません（名称はあり）");
    assert_eq!(label, "住所、代表者がありません");
    let (message, _, labels) = Texts::new(&set, Lang::En).finding(&found[0]);
    assert_eq!(
        message,
        "missing the address, the representative; found the name (t/m)"
    );
    assert_eq!(labels[0], "the name found here");
}

#[test]
fn one_scan_for_all_rules() {
    // Two rules sharing a literal share its pattern: the set holds it once.
    let set = compile(&format!(
        "{}\nrule t/y {{\n {HEAD} require w = \"お問い合わせ\"\n}}\n",
        rule("require w = \"お問い合わせ\" | /窓口/")
    ));
    assert_eq!(set.patterns.len(), 2);
    assert_eq!(set.rules.len(), 2);
}

#[test]
fn consistent_reports_near_spellings_and_ignores_what_the_rule_says() {
    let text = "株式会社uqテレコムと株式会社楽天テレコム。株式会社サンプル商事と株式会社サンプル商亊と株式会社サンプル商事。";
    let names = r"/株式会社[a-z\p{Katakana}\p{Han}]{2,8}/";
    // Without `ignoring`, two companies sharing the legal form look like one
    // name spelled two ways.
    let set = compile(&rule(&format!("consistent {names}")));
    let found = run(&set, text);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|f| f.kind == FindingKind::Inconsistent));
    // Set aside, the legal form no longer makes them alike: only the typo
    // (亊 for 事, once against twice) is left, on the rarer spelling.
    let set = compile(&rule(&format!("consistent {names} ignoring \"株式会社\"")));
    let found = run(&set, text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].found,
        ["株式会社サンプル商事", "株式会社サンプル商亊"]
    );
    let d = doc(text, Format::Text);
    assert_eq!(&d.text[found[0].span.clone()], "株式会社サンプル商亊");
}

/// A context with these facets set (the rest: a policy, operator and
/// service unknown).
fn context(set: &[(&str, &str)]) -> policylint::document::Context {
    use policylint::document::context::Inferred;
    use policylint::document::{Context, Facet};
    let mut c = Context::unknown();
    for (f, v) in set {
        let f = Facet::parse(f).unwrap();
        c.set(f, Inferred::config(f.value(v).unwrap()));
    }
    c
}

fn run_in(set: &RuleSet, text: &str, ctx: &[(&str, &str)]) -> Vec<Finding> {
    let d = doc(text, Format::Text);
    Evaluator::new(set, &d).with_context(context(ctx)).run_all()
}

#[test]
fn applies_lines_on_one_facet_are_alternatives_and_facets_must_all_hold() {
    let set = compile(&rule(
        "applies document = policy | companion\n applies operator = juridical | individual\n require w = \"窓口\"",
    ));
    let text = "個人情報を扱います。";
    assert_eq!(
        run_in(
            &set,
            text,
            &[("document", "policy"), ("operator", "juridical")]
        )
        .len(),
        1
    );
    assert_eq!(
        run_in(
            &set,
            text,
            &[("document", "companion"), ("operator", "individual")]
        )
        .len(),
        1
    );
    assert!(
        run_in(
            &set,
            text,
            &[("document", "other"), ("operator", "juridical")]
        )
        .is_empty()
    );
    assert!(
        run_in(
            &set,
            text,
            &[("document", "policy"), ("operator", "administrative")]
        )
        .is_empty()
    );
    // The evaluator says why it skipped the rule.
    let d = doc(text, Format::Text);
    let ev = Evaluator::new(&set, &d).with_context(context(&[("operator", "administrative")]));
    assert!(ev.run_all().is_empty());
    let (skipped, applied) = ev.applicability();
    assert_eq!(applied, 0);
    assert_eq!(
        skipped[0].reason,
        policylint::engine::SkipReason::Context(
            policylint::document::Facet::Operator,
            "administrative"
        )
    );
}

#[test]
fn a_capped_line_lowers_the_severity_and_says_which_facet() {
    let set = compile(&rule(
        "applies service = covered\n applies service = unknown -> warning\n require w = \"窓口\"",
    ));
    let text = "クッキーを使います。";
    let full = run_in(&set, text, &[("service", "covered")]);
    assert_eq!(full[0].severity, Severity::Error);
    assert_eq!(full[0].capped, None);
    let capped = run_in(&set, text, &[("service", "unknown")]);
    assert_eq!(capped[0].severity, Severity::Warning);
    assert_eq!(
        capped[0].capped,
        Some((policylint::document::Facet::Service, "unknown"))
    );
    assert!(run_in(&set, text, &[("service", "not-covered")]).is_empty());
}

#[test]
fn an_element_with_a_condition_is_required_only_where_it_holds() {
    let set = compile(&rule(
        "require all {\n name = \"株式会社\"\n representative = \"代表取締役\" if operator = juridical | unknown\n }",
    ));
    let text = "株式会社サンプルです。";
    let f = run_in(&set, text, &[("operator", "juridical")]);
    assert_eq!(f[0].missing, ["representative"]);
    assert!(run_in(&set, text, &[("operator", "individual")]).is_empty());
    // Neither missing nor found where it does not apply.
    let f = run_in(&set, "代表取締役です。", &[("operator", "individual")]);
    assert_eq!(f[0].missing, ["name"]);
    assert!(f[0].found.is_empty());
}

#[test]
fn test_cases_run_in_the_context_they_name() {
    let set = compile(&rule(
        "applies operator = juridical\n require w = \"窓口\"\n test fail \"個人情報。\" with operator = juridical\n test pass \"個人情報。\" with operator = individual, document = policy",
    ));
    let reports = policylint::engine::testing::run_all(&set, |_| true);
    assert_eq!(reports.len(), 2);
    assert!(reports.iter().all(|r| r.passed()), "{reports:#?}");
}

#[test]
fn sections_taken_together_find_a_clause_split_over_them() {
    let set = compile(&rule(
        "in sections(/cookie|アクセス解析/) or document {\n require all {\n who = \"google\"\n why = \"のため\"\n }\n }",
    ));
    let text = "# Cookieについて\n\n分析のために使います。\n\n# 会社概要\n\nGoogle本社の近くです。\n\n# アクセス解析\n\nGoogle Analyticsを使います。\n";
    assert!(run_fmt(&set, text, Format::Markdown).is_empty());
    // What lies between the sections is not part of them.
    let text = "# Cookieについて\n\n分析のために使います。\n\n# 会社概要\n\nGoogle本社の近くです。\n\n# アクセス解析\n\n解析ツールを使います。\n";
    let f = run_fmt(&set, text, Format::Markdown);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].missing, ["who"]);
    // One section of its own, as `section(…)` would check it.
    let one = compile(&rule(
        "in section(/cookie|アクセス解析/) or document {\n require all {\n who = \"google\"\n why = \"のため\"\n }\n }",
    ));
    let text = "# Cookieについて\n\n分析のために使います。\n\n# アクセス解析\n\nGoogle Analyticsを使います。\n";
    assert_eq!(run_fmt(&one, text, Format::Markdown).len(), 2);
    assert!(run_fmt(&set, text, Format::Markdown).is_empty());
}

#[test]
fn a_title_mention_does_not_count_when_the_text_under_it_says_unless() {
    let set = compile(&rule(
        "when mentions \"共同利用\" unless in /共同利用することはありません/\n require w = \"項目\"",
    ));
    // The title alone names the topic; the text under it negates it.
    let negated = "# 3. 共同利用\n\n当社は、共同利用することはありません。\n";
    assert!(run_fmt(&set, negated, Format::Markdown).is_empty());
    // The title's mention counts when the text under it does not negate it,
    // even if the body speaks of it in other words.
    let declared = "# 3. 共同利用\n\n当社は、グループ会社と次のとおり利用します。\n";
    assert_eq!(run_fmt(&set, declared, Format::Markdown).len(), 1);
    // A mention in the body is a mention, whatever the title.
    let body = "# 3. その他\n\n当社は、子会社と共同利用します。\n";
    assert_eq!(run_fmt(&set, body, Format::Markdown).len(), 1);
}

#[test]
fn no_match_runs_across_two_blocks() {
    let set = compile(&rule("require w = /項目[^。]{0,8}氏名/"));
    // A heading and the paragraph under it are two blocks, not one sentence.
    let split = "# 共同利用する項目\n\n氏名、住所\n";
    assert_eq!(run_fmt(&set, split, Format::Markdown).len(), 1);
    assert!(run_fmt(&set, "# 共同利用\n\n項目は氏名です。\n", Format::Markdown).is_empty());
    // The `\n` that joins two blocks may still be a regex's context
    // character: a postal code at the start of a paragraph is found.
    let set = compile(&rule(
        "require p = /(^|[^0-9-])[0-9]{3}-[0-9]{4}([^0-9-]|$)/",
    ));
    assert!(
        run_fmt(
            &set,
            "# 所在地\n\n100-0005 東京都千代田区\n",
            Format::Markdown
        )
        .is_empty()
    );
}

#[test]
fn except_in_and_except_operator_set_matches_aside() {
    let set = compile(&rule(
        "require who = /[\\p{Katakana}]+株式会社/ except operator except in /以下「当/",
    ));
    // The operator's own name, where it defines itself and anywhere else,
    // is not a third party.
    let own = "サンプル株式会社（以下「当社」）です。\n\nお問い合わせはサンプル株式会社まで。\n";
    let f = run(&set, own);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].missing, ["who"]);
    // A third party is found, and its label lies on its name.
    let third = "サンプル株式会社（以下「当社」）です。\n\nデータはテスト株式会社に送ります。\n";
    assert!(run(&set, third).is_empty());
    // `except in` alone: a sentence that defines a name does not count.
    let set = compile(&rule(
        "require who = /[\\p{Katakana}]+株式会社/ except in /以下「当/",
    ));
    assert_eq!(run(&set, "サンプル株式会社（以下「当社」）です。").len(), 1);
    assert!(run(&set, "宛先はサンプル株式会社です。").is_empty());
}

/// The text of each finding's span (in the file's bytes), in order.
fn spans<'t>(text: &'t str, found: &[Finding]) -> Vec<&'t str> {
    found.iter().map(|f| &text[f.span.clone()]).collect()
}

#[test]
fn then_finds_the_nearest_later_match_in_the_same_sentence() {
    let set = compile(&rule(
        "forbid (\"個人情報\" | \"個人データ\") then (\"委託する\" | \"委託先\") within 10",
    ));
    // The nearest 委託 after each 個人情報, at most ten characters on; not
    // across 。 or a line end, and not eleven characters away.
    let text = "個人情報の取扱いを委託する。個人データ。委託先\n個人情報\n委託先。個人情報の処理業務の全部又は一部を委託先に";
    assert_eq!(
        spans(text, &run(&set, text)),
        ["個人情報の取扱いを委託する"]
    );
    // Each mention pairs with its nearest 委託 (個人情報 is eleven characters
    // away here, 個人データ five).
    let text = "個人情報及び個人データの処理を委託する。";
    assert_eq!(
        spans(text, &run(&set, text)),
        ["個人データの処理を委託する"]
    );
    let text = "個人情報又は個人データを委託する。";
    assert_eq!(
        spans(text, &run(&set, text)),
        ["個人情報又は個人データを委託する", "個人データを委託する"]
    );
    // Without `within`, anywhere later in the sentence. In a chain, `within`
    // bounds the gap before its part, and the chain finds the second 委託
    // when the first is too far from 契約.
    let set = compile(&rule(
        "forbid \"個人情報\" then \"委託\" then (\"契約\" | \"覚書\") within 4",
    ));
    let text = "当社は、個人情報の取扱いの全部又は一部を外部の事業者に委託する場合、委託先と契約を結びます。";
    assert_eq!(
        spans(text, &run(&set, text)),
        ["個人情報の取扱いの全部又は一部を外部の事業者に委託する場合、委託先と契約"]
    );
    let text = "個人情報を委託する場合、委託先との間で秘密保持の契約を結びます。";
    assert!(
        run(&set, text).is_empty(),
        "契約 is more than four characters after 委託"
    );
}

#[test]
fn within_counts_characters_not_bytes() {
    let set = compile(&rule("forbid \"開示\" then \"手数料\" within 3"));
    for (text, n) in [
        ("開示の手数料", 1),
        ("開示請求の手数料", 1),
        ("開示の請求の手数料", 0),
        ("開示abcd手数料", 0),
    ] {
        assert_eq!(run(&set, text).len(), n, "{text}");
    }
}

#[test]
fn except_followed_or_preceded_by_sets_a_match_aside() {
    let set = compile(&rule(
        "forbid \"タグ\" except preceded by (\"ハッシュ\" | \"ic\")",
    ));
    let text = "ハッシュタグとICタグと広告タグ";
    let f = run(&set, text);
    assert_eq!(spans(text, &f), ["タグ"]);
    assert_eq!(f[0].span.start, text.rfind("タグ").unwrap());
    let set = compile(&rule("forbid \"施行\" except followed by \"の\""));
    let text = "2022年4月1日施行の改正法に合わせ、2024年4月1日から施行します。";
    let f = run(&set, text);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].span.start, text.rfind("施行").unwrap());
    // Both sides, and `then` over an `except`.
    let set = compile(&rule(
        "forbid \"情報\" except preceded by \"個人\" except followed by \"保護\" then \"提供\" within 2",
    ));
    let text = "個人情報を提供。情報保護を提供。情報を提供。";
    assert_eq!(spans(text, &run(&set, text)), ["情報を提供"]);
}

#[test]
fn a_regex_goes_on_after_a_backslash_at_the_end_of_a_line() {
    let set = compile(&rule("forbid /(開示|訂正)\\\n           (の)?手数料/\n"));
    assert_eq!(run(&set, "訂正の手数料").len(), 1);
    assert_eq!(run(&set, "訂正手数料").len(), 1);
    assert!(run(&set, "訂正と手数料").is_empty());
}

#[test]
fn element_excepts_still_follow_a_pattern_with_except_by() {
    // `except in` belongs to the element, `except followed by` to the pattern.
    let set = compile(&rule(
        "require w = \"窓口\" except followed by \"は閉鎖\" except in /旧/ as \"窓口\" / \"window\"",
    ));
    assert!(run(&set, "相談窓口までご連絡ください。").is_empty());
    assert_eq!(run(&set, "相談窓口は閉鎖しました。").len(), 1);
    assert_eq!(run(&set, "旧相談窓口です。").len(), 1);
}

/// The same rule, its texts written `key "ja" / "en"` (`new`) or with the
/// older suffixed keys (`old`).
fn bilingual_rule(new: bool) -> String {
    let texts = if new {
        "title \"窓口\" / \"Contact window\"\n \
         message \"{missing}がありません\"\n   / \"missing: {missing}\"\n \
         forbid-message \"\"\"\n   「{found}」とあります\n   \"\"\" / \"It says \\\"{found}\\\"\"\n \
         reference-message \"{missing}は参照先にあります\" / \"{missing} by reference\"\n \
         help \"窓口を書いてください。\" / \"\"\"\n   Name the window.\n   \"\"\"\n"
    } else {
        "title.ja \"窓口\"\n title.en \"Contact window\"\n \
         message.ja \"{missing}がありません\"\n message.en \"missing: {missing}\"\n \
         forbid-message.ja \"「{found}」とあります\\n\"\n forbid-message.en \"It says \\\"{found}\\\"\"\n \
         reference-message.ja \"{missing}は参照先にあります\"\n reference-message.en \"{missing} by reference\"\n \
         help.ja \"窓口を書いてください。\"\n help.en \"Name the window.\\n\"\n"
    };
    format!(
        "rule t/w {{\n severity warning\n {texts} require all {{ window = \"窓口\" as \"窓口\" / \"the window\" \
         phone = /[0-9]{{2,4}}-[0-9]{{4}}/ as \"電話番号\" / \"a phone number\" }}\n \
         reference \"会社概要\"\n forbid \"閉鎖しました\"\n}}\n"
    )
}

#[test]
fn texts_in_both_languages_read_like_the_suffixed_keys() {
    let (new, old) = (
        compile(&bilingual_rule(true)),
        compile(&bilingual_rule(false)),
    );
    let (n, o) = (&new.rules[0], &old.rules[0]);
    assert_eq!(n.title.en, "Contact window");
    assert_eq!(n.help.en, "Name the window.\n");
    assert_eq!(
        (
            &n.title,
            &n.message,
            &n.forbid_message,
            &n.reference_message,
            &n.help
        ),
        (
            &o.title,
            &o.message,
            &o.forbid_message,
            &o.reference_message,
            &o.help
        )
    );
    // A missing, a forbidden and a referenced finding say the same in
    // both languages whichever way the rule was written.
    for text in [
        "窓口は下記です。",
        "窓口は閉鎖しました。03-1234-5678",
        "会社概要をご覧ください。",
    ] {
        let (fn_, fo) = (run(&new, text), run(&old, text));
        assert!(!fn_.is_empty(), "{text}");
        assert_eq!(fn_.len(), fo.len(), "{text}");
        for lang in [Lang::Ja, Lang::En] {
            let said = |set: &RuleSet, f: &[Finding]| -> Vec<String> {
                f.iter()
                    .map(|f| Texts::new(set, lang).finding(f).0)
                    .collect()
            };
            assert_eq!(said(&new, &fn_), said(&old, &fo), "{text}");
        }
    }
    let f = run(&new, "窓口は閉鎖しました。03-1234-5678");
    assert_eq!(
        Texts::new(&new, Lang::En).finding(&f[0]).0,
        "It says \"閉鎖しました\""
    );
    // One string is the text in both languages, as `title "…"` always was.
    let set = compile(
        "rule t/o {\n severity info\n title \"Demo\"\n message \"{missing}\"\n require w = \"窓口\"\n}\n",
    );
    let r = &set.rules[0];
    assert_eq!((r.title.ja.as_str(), r.title.en.as_str()), ("Demo", "Demo"));
    assert_eq!(
        (r.message.ja.as_str(), r.message.en.as_str()),
        ("{missing}", "{missing}")
    );
}

fn compile_errors(src: &str) -> Vec<policylint::rules::LocatedRuleError> {
    let mut l = Loader::new();
    l.add_source("test.rules", None, src.to_string());
    l.compile().expect_err("the rule file has errors")
}

#[test]
fn a_text_given_twice_is_a_located_error() {
    let src = "rule t/d {\n severity error\n message \"{missing}がありません\" / \"missing: {missing}\"\n message.ja \"{missing}なし\"\n}\n";
    let errs = compile_errors(src);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let e = &errs[0].error;
    assert_eq!(e.message, "the Japanese text of `message` is given twice");
    assert_eq!(&src[e.span.clone()], "\"{missing}なし\"");
    assert_eq!(&src[e.related[0].0.clone()], "\"{missing}がありません\"");
    // Also when the suffixed key comes first, and for one string that
    // stands for both languages.
    let src = "rule t/d {\n severity error\n help.en \"Fix it.\"\n message \"{missing}\" / \"{missing}\"\n help \"直す\"\n}\n";
    let errs = compile_errors(src);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(
        errs[0].error.message,
        "the English text of `help` is given twice"
    );
    assert_eq!(&src[errs[0].error.span.clone()], "\"直す\"");
    // A suffixed key takes one text, and other fields take no pair.
    let src = "rule t/d {\n severity error\n message.ja \"a\" / \"b\"\n cite \"法\" / \"Act\"\n message.en \"c\"\n}\n";
    let errs = compile_errors(src);
    let said: Vec<(&str, &str)> = errs
        .iter()
        .map(|e| (e.error.message.as_str(), &src[e.error.span.clone()]))
        .collect();
    assert_eq!(
        said,
        [
            ("`message.ja` takes one value", "\"b\""),
            ("`cite` takes one value", "\"Act\""),
        ]
    );
}

#[test]
fn a_missing_parent_lists_what_it_stands_for() {
    let set = compile(
        "rule t/p {\n severity error\n message \"{missing}がありません\" / \"missing: {missing}\"\n \
         require all {\n  items = \"項目\" as \"項目\" / \"the items\"\n  \
         controller = \"責任者\" as \"管理責任者\" / \"the controller\" {\n   in near 40 {\n    \
         require all {\n     name = \"株式会社\" as \"氏名又は名称\" / \"name\"\n     \
         address = \"東京都\" as \"住所\" / \"address\"\n     \
         rep = \"代表\" as \"代表者の氏名\" / \"representative\" { require title = \"取締役\" as \"役職\" / \"title\" }\n    \
         }\n   }\n  }\n }\n}\n",
    );
    // Neither the items nor the controller: the controller's children
    // follow its label in brackets (one level: not the representative's
    // own title).
    let f = run(&set, "当社は個人データを共同利用します。");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].missing, ["items", "controller"], "names stay names");
    let (message, label, _) = Texts::new(&set, Lang::Ja).finding(&f[0]);
    assert_eq!(
        message,
        "項目、管理責任者（氏名又は名称、住所、代表者の氏名）がありません"
    );
    // The short label at the finding stays short.
    assert_eq!(label, "項目、管理責任者がありません");
    let (message, _, _) = Texts::new(&set, Lang::En).finding(&f[0]);
    assert_eq!(
        message,
        "missing: the items, the controller (name, address, representative)"
    );
    // The controller found, its parts missing: each is named as it is,
    // and one with a block of its own lists that block.
    let f = run(&set, "項目は氏名です。責任者は未定です。");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].missing, ["name", "address", "rep"]);
    let (message, _, _) = Texts::new(&set, Lang::Ja).finding(&f[0]);
    assert_eq!(
        message,
        "氏名又は名称、住所、代表者の氏名（役職）がありません"
    );
}

#[test]
fn a_rule_names_its_group_or_is_in_other() {
    let set = compile(&format!(
        "rule t/a {{\n {HEAD} group third-party\n forbid \"x\"\n}}\nrule t/b {{\n {HEAD} forbid \"y\"\n}}\n"
    ));
    assert_eq!(set.rule("t/a").unwrap().group, "third-party");
    assert_eq!(set.rule("t/b").unwrap().group, "other");
    // `explain` names the group in the reader's language and as written.
    let text = policylint::report::explain::explain(&set, set.rule("t/a").unwrap(), Lang::En);
    assert!(
        text.contains("group: Third parties (third-party)"),
        "{text}"
    );
}

#[test]
fn every_built_in_rule_has_a_known_group() {
    let mut l = Loader::new();
    l.add_builtin();
    let set = l.compile().unwrap();
    assert!(set.rules.len() > 15);
    for r in &set.rules {
        assert!(
            policylint::report::i18n::GROUPS
                .iter()
                .any(|g| g.0 == r.group && g.0 != "other"),
            "{} is in group {}",
            r.id,
            r.group
        );
    }
    assert_eq!(
        policylint::report::i18n::group_label("joint-use", Lang::Ja),
        "共同利用"
    );
    // A custom group is shown as written.
    assert_eq!(
        policylint::report::i18n::group_label("my-own", Lang::En),
        "my-own"
    );
}
