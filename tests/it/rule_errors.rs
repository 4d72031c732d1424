//! Every kind of rule-file error, rendered as the user sees it: file, line,
//! column, the source line, a label and a help line.

use policylint::rules::{Loader, RuleErrorKind};

const OK_HEAD: &str =
    "severity error\n  message.ja \"{missing}がありません\"\n  message.en \"missing: {missing}\"";

fn errors(src: &str) -> (Vec<RuleErrorKind>, String) {
    let mut l = Loader::new();
    l.add_source("pack.rules", None, src.to_string());
    let errs = l.compile().expect_err("the rule file has errors");
    let kinds = errs.iter().map(|e| e.error.kind).collect();
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100);
    let mut out = String::new();
    for e in &errs {
        handler.render_report(&mut out, e).unwrap();
    }
    (kinds, out)
}

#[test]
fn unknown_term() {
    let (k, out) = errors(&format!(
        "term contact = \"お問い合わせ\"\nrule a/b {{\n  {OK_HEAD}\n  require w = contct\n}}\n"
    ));
    assert_eq!(k, [RuleErrorKind::UnknownTerm]);
    insta::assert_snapshot!(out);
}

#[test]
fn term_cycle() {
    let (k, out) = errors("term a = \"甲\" | b\nterm b = c\nterm c = a\n");
    assert!(k.contains(&RuleErrorKind::TermCycle));
    insta::assert_snapshot!(out);
}

#[test]
fn duplicate_rule_id() {
    let (k, out) = errors(&format!(
        "rule a/b {{\n  {OK_HEAD}\n}}\n\nrule a/b {{\n  {OK_HEAD}\n}}\n"
    ));
    assert_eq!(k, [RuleErrorKind::DuplicateRuleId]);
    insta::assert_snapshot!(out);
}

#[test]
fn invalid_regex() {
    let (k, out) = errors(&format!(
        "rule a/b {{\n  {OK_HEAD}\n  require w = /お問い合わせ(窓口/\n}}\n"
    ));
    assert_eq!(k, [RuleErrorKind::InvalidRegex]);
    assert!(out.contains("unclosed group"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn unterminated_string() {
    let (k, out) = errors("term contact = \"お問い合わせ\nterm ok = \"窓口\"\n");
    assert_eq!(k[0], RuleErrorKind::UnterminatedString);
    insta::assert_snapshot!(out);
}

#[test]
fn unknown_scope() {
    let (k, out) = errors(&format!(
        "rule a/b {{\n  {OK_HEAD}\n  in chapter {{\n    require w = \"窓口\"\n  }}\n}}\n"
    ));
    assert_eq!(k, [RuleErrorKind::UnknownScope]);
    insta::assert_snapshot!(out);
}

#[test]
fn unknown_severity() {
    let (k, out) =
        errors("rule a/b {\n  severity fatal\n  message.ja \"x\"\n  message.en \"x\"\n}\n");
    assert_eq!(k, [RuleErrorKind::UnknownSeverity]);
    insta::assert_snapshot!(out);
}

#[test]
fn missing_required_field() {
    let (k, out) =
        errors("rule a/b {\n  severity error\n  message.ja \"{missing}がありません\"\n}\n");
    assert_eq!(k, [RuleErrorKind::MissingField]);
    insta::assert_snapshot!(out);
}

#[test]
fn element_named_twice() {
    let (k, out) = errors(&format!(
        "rule a/b {{\n  {OK_HEAD}\n  require all {{\n    name = \"株式会社\"\n    name = \"合同会社\"\n  }}\n}}\n"
    ));
    assert_eq!(k, [RuleErrorKind::DuplicateElement]);
    insta::assert_snapshot!(out);
}

#[test]
fn unknown_field_and_element_in_expectation() {
    let (k, out) = errors(&format!(
        "rule a/b {{\n  {OK_HEAD}\n  sevrity error\n  require name = \"株式会社\"\n  test fail \"x\" expect missing [nmae]\n}}\n"
    ));
    assert_eq!(
        k,
        [RuleErrorKind::UnknownField, RuleErrorKind::UnknownElement]
    );
    insta::assert_snapshot!(out);
}

#[test]
fn several_errors_at_once() {
    let src = format!(
        "term a = \"甲\nterm b = /(/\nrule x/y {{\n  {OK_HEAD}\n  require w = nope\n}}\nrule x/z {{\n  severity loud\n  message.ja \"x\"\n  message.en \"x\"\n}}\n"
    );
    let (k, _) = errors(&src);
    assert!(k.len() >= 3, "{k:?}");
    assert!(k.contains(&RuleErrorKind::UnterminatedString));
    assert!(k.contains(&RuleErrorKind::UnknownSeverity));
}

#[test]
fn columns_count_characters_on_japanese_lines() {
    let (k, out) = errors(&format!(
        "term contact = \"お問い合わせ\"\nrule a/b {{\n  {OK_HEAD}\n  require w = \"お問い合わせ\" | contct\n}}\n"
    ));
    assert_eq!(k, [RuleErrorKind::UnknownTerm]);
    // "  require w = \"お問い合わせ\" | " is 25 characters (55 bytes).
    assert!(out.contains("[pack.rules:6:26]"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn unknown_facet_and_value() {
    let (k, out) = errors(&format!(
        "rule a/b {{\n  {OK_HEAD}\n  applies servce = covered\n  applies service = covred -> warning\n  require w = \"窓口\" if operator = company\n  test pass \"x\" with document = policyy\n}}\n"
    ));
    assert_eq!(k, [RuleErrorKind::UnknownFacet; 4]);
    insta::assert_snapshot!(out);
}

#[test]
fn except_needs_in_or_operator() {
    let (k, out) = errors(&format!(
        "rule a/b {{\n  {OK_HEAD}\n  require w = \"窓口\" except \"当社\"\n}}\n"
    ));
    assert_eq!(k, [RuleErrorKind::Syntax]);
    assert!(
        out.contains("expected `in` or `operator` after `except`"),
        "{out}"
    );
}

#[test]
fn sequences_and_excepts_that_lack_a_part() {
    let (k, out) = errors(&format!(
        "term a = \"個人情報\" then\nterm b = \"開示\" then \"手数料\" within\nterm c = \"タグ\" except preceded \"ic\"\nterm d = (\"x\" | \"y\"\nrule a/b {{\n  {OK_HEAD}\n}}\n"
    ));
    assert!(
        k.iter().all(|k| *k == RuleErrorKind::Syntax),
        "{k:?}\n{out}"
    );
    assert!(out.contains("expected a pattern after `then`"), "{out}");
    assert!(out.contains("expected a number after `within`"), "{out}");
    assert!(out.contains("expected `by`"), "{out}");
    assert!(out.contains("expected `)` to close the group"), "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn bad_group() {
    let (k, out) = errors(&format!(
        "rule a/b {{\n  {OK_HEAD}\n  group \"Third Party\"\n  forbid \"x\"\n}}\n"
    ));
    assert_eq!(k, [RuleErrorKind::Syntax]);
    assert!(out.contains("bad rule group `Third Party`"), "{out}");
    insta::assert_snapshot!(out);
}
