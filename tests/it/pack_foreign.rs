//! The built-in pack's foreign-transfer and purposes rules on fixtures in
//! their own words: which text the evidence labels of a finding lie on, and
//! which wordings trigger nothing (issue 15).

use std::path::Path;

use serde_json::Value;

/// One finding of a rule: severity, missing elements, the text it points
/// at, and each label as (message, labelled text, line).
struct Found {
    severity: String,
    missing: Vec<String>,
    at: String,
    labels: Vec<(String, String, String)>,
}

fn check(fixture: &str, rule: &str) -> Vec<Found> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("fixtures/rules/appi").join(fixture);
    let report = crate::common::check_json(&[path.to_str().unwrap()]);
    let src = std::fs::read(&path).unwrap();
    let text = |v: &Value| {
        let (s, e) = (
            v["start"]["offset"].as_u64().unwrap() as usize,
            v["end"]["offset"].as_u64().unwrap() as usize,
        );
        String::from_utf8(src[s..e].to_vec()).unwrap()
    };
    let line = |v: &Value| {
        let s = v["start"]["offset"].as_u64().unwrap() as usize;
        let start = src[..s]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let end = src[s..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(src.len(), |i| s + i);
        String::from_utf8(src[start..end].to_vec()).unwrap()
    };
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .map(|d| Found {
            severity: d["severity"].as_str().unwrap().to_string(),
            missing: d["missing"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap().to_string())
                .collect(),
            at: text(d),
            labels: d["labels"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| (l["message"].as_str().unwrap().to_string(), text(l), line(l)))
                .collect(),
        })
        .collect()
}

fn label<'a>(f: &'a Found, message: &str) -> &'a (String, String, String) {
    f.labels
        .iter()
        .find(|l| l.0.contains(message))
        .unwrap_or_else(|| panic!("no label {message}: {:?}", f.labels))
}

#[test]
fn the_measures_label_lies_on_the_recipients_measures() {
    let f = check(
        "foreign-transfer/labels-measures.md",
        "appi/foreign-transfer",
    );
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].severity.as_str(), &f[0].missing),
        ("error", &vec!["system".to_string()])
    );
    let measures = label(&f[0], "提供先が講ずる措置");
    assert!(
        measures.2.starts_with("委託先は、APEC CBPR認証"),
        "{measures:?}"
    );
    // Not the operator's own "適切な安全管理措置を講じます".
    assert!(!measures.2.contains("適切な"), "{measures:?}");
    let country = label(&f[0], "提供先の国名");
    assert!(country.1.starts_with("ベトナム"), "{country:?}");
    assert!(country.2.contains("委託先に委託"), "{country:?}");
}

#[test]
fn a_negated_transfer_and_domestic_handling_trigger_nothing() {
    assert!(
        check(
            "foreign-transfer/labels-negated.txt",
            "appi/foreign-transfer"
        )
        .is_empty()
    );
    assert!(
        check(
            "foreign-transfer/labels-negated.txt",
            "appi/foreign-equivalent-measures"
        )
        .is_empty()
    );
}

#[test]
fn storage_abroad_triggers_and_the_recipients_aim_is_no_measure() {
    let f = check(
        "foreign-transfer/labels-storage.html",
        "appi/foreign-transfer",
    );
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].missing, ["country", "system", "measures"]);
    assert_eq!(f[0].at, "国外のサーバ");
    // "適切な保護措置を講じています" describes no measure: nothing is labelled.
    assert!(f[0].labels.is_empty(), "{:?}", f[0].labels);
}

#[test]
fn the_fixture_tables_and_lists_label_each_item_on_its_own_text() {
    // fail.html: country and measures found, the system missing.
    let f = check("foreign-transfer/fail.html", "appi/foreign-transfer");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].missing, ["system"]);
    assert!(label(&f[0], "提供先の国名").1.starts_with("大韓民国"));
    assert!(label(&f[0], "提供先が講ずる措置").1.contains("8原則"));
}

#[test]
fn purposes_named_before_the_verb_are_a_statement() {
    // "…の確認、…の作成および送付、料金のご請求に利用いたします" under a heading that does not
    // say 利用目的; "取得の際に示した利用目的" and "利用目的の達成に必要な範囲" do not undo it.
    assert!(check("purposes/labels-stated.md", "appi/purposes").is_empty());
}

#[test]
fn the_purposes_message_matches_its_labels() {
    // "利用目的をお知らせ" and "取得の際に示した利用目的の範囲内" state no purpose: the finding says the
    // statement is missing and labels no sentence as one.
    let f = check("purposes/labels-not-stated.txt", "appi/purposes");
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].severity.as_str(), &f[0].missing),
        ("error", &vec!["statement".to_string()])
    );
    assert!(f[0].labels.is_empty(), "{:?}", f[0].labels);
    // A statement without a concrete purpose: the finding points at the statement and says only
    // the concrete purpose is missing.
    let f = check("purposes/fail.txt", "appi/purposes");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].missing, ["concrete"]);
    assert_eq!(f[0].at, "利用目的");
}
