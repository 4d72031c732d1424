//! The built-in pack's rules on individuals' requests (appi/rights-procedure)
//! and the contact window (appi/complaint-contact): each finding, and each
//! label of a found element, must point at the clause that means it — not at
//! "第三者に開示しません", a court's 開示請求, a bare "こちらのフォーム" or a
//! contact person collected as data.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

use policylint::document::{Document, Format};
use policylint::engine::{Evaluator, Evidence};
use policylint::rules::{Loader, RuleSet};
use policylint::source::decode;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `check --format json` of one fixture with the built-in pack.
fn check(fixture: &str) -> Value {
    let out = Command::cargo_bin("policylint")
        .unwrap()
        .current_dir(root())
        .env("NO_COLOR", "1")
        .args(["check", "--format", "json", fixture])
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(
        code == 0 || code == 1,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The findings of one rule in a report.
fn of_rule<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .collect()
}

fn missing(d: &Value) -> Vec<&str> {
    d["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect()
}

/// The source text a span of the report covers, and its line.
fn spanned(src: &str, span: &Value) -> (String, u64) {
    let s = span["start"]["offset"].as_u64().unwrap() as usize;
    let e = span["end"]["offset"].as_u64().unwrap() as usize;
    (
        src[s..e].to_string(),
        span["start"]["line"].as_u64().unwrap(),
    )
}

/// Label message → (text, line) of a finding's labels.
fn labels(src: &str, d: &Value) -> Vec<(String, String, u64)> {
    d["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let (t, line) = spanned(src, l);
            (l["message"].as_str().unwrap().to_string(), t, line)
        })
        .collect()
}

fn read(fixture: &str) -> String {
    std::fs::read_to_string(root().join(fixture)).unwrap()
}

#[test]
fn disclosure_label_lies_on_the_request_not_on_disclosure_to_third_parties() {
    let fx = "fixtures/rules/appi/rights-procedure/labels.md";
    let src = read(fx);
    let report = check(fx);
    let found = of_rule(&report, "appi/rights-procedure");
    // Suspension is not offered: an error naming only it (disclosure, its
    // channel and correction are there).
    let main: Vec<_> = found
        .iter()
        .filter(|d| missing(d) == ["suspension"])
        .collect();
    assert_eq!(main.len(), 1, "{found:#?}");
    assert_eq!(main[0]["severity"], "error");
    let ls = labels(&src, main[0]);
    let disclosure = ls.iter().find(|l| l.0 == "開示の請求はここ").unwrap();
    // Section 2 (lines 9-11), never line 7's "第三者に開示しません" nor its
    // "法令に基づく開示請求".
    assert!((9..=11).contains(&disclosure.2), "{ls:?}");
    assert!(disclosure.1.contains("開示"), "{ls:?}");
    let correction = ls.iter().find(|l| l.0 == "訂正・追加・削除はここ").unwrap();
    assert_eq!(correction.2, 11, "{ls:?}");
    assert_eq!(correction.1, "訂正");
    // The channel is given in section 3: no finding says procedure is missing.
    assert!(
        found.iter().all(|d| !missing(d).contains(&"procedure")),
        "{found:#?}"
    );
    // Third-party records: left to the general 開示等 procedure, a warning
    // whose reference label lies on that procedure.
    let records: Vec<_> = found
        .iter()
        .filter(|d| missing(d) == ["third-party-records"])
        .collect();
    assert_eq!(records.len(), 1, "{found:#?}");
    assert_eq!(records[0]["severity"], "warning");
    let ls = labels(&src, records[0]);
    assert_eq!(ls.len(), 1, "{ls:?}");
    assert!((9..=11).contains(&ls[0].2), "{ls:?}");
}

#[test]
fn a_request_without_a_reachable_channel_is_missing_its_procedure_there() {
    let fx = "fixtures/rules/appi/rights-procedure/labels-no-channel.txt";
    let src = read(fx);
    let report = check(fx);
    let found = of_rule(&report, "appi/rights-procedure");
    // Every request is named (records too), but "当社所定の手続き", "こちらの
    // フォーム" and a tool vendor's URL are no place to send it.
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(missing(found[0]), ["procedure"]);
    assert_eq!(found[0]["severity"], "error");
    // The finding points at the request it concerns.
    let (text, line) = spanned(&src, found[0]);
    assert_eq!(line, 3);
    assert!(text.contains("開示"), "{text}");
}

#[test]
fn contact_window_is_not_a_contact_person_collected_as_data() {
    let fx = "fixtures/rules/appi/complaint-contact/labels-data-contact.txt";
    let src = read(fx);
    let report = check(fx);
    let found = of_rule(&report, "appi/complaint-contact");
    assert_eq!(found.len(), 1, "{found:#?}");
    // The window is the inquiry sentence of line 6 (not line 3's 緊急連絡先);
    // it gives no address, phone or e-mail.
    assert_eq!(missing(found[0]), ["channel"]);
    let (text, line) = spanned(&src, found[0]);
    assert_eq!(line, 6);
    assert!(text.starts_with("お問い合わせ"), "{text}");
}

/// The pack's own vocabulary (terms.rules and the rule file's terms) with a
/// probe rule that always reports, so that the label of a found channel
/// shows where the term matched.
fn probe(rule_file: &str, term: &str) -> RuleSet {
    let strip = |p: &str| {
        let text = std::fs::read_to_string(root().join(p)).unwrap();
        let text = text.split("\nrule ").next().unwrap().to_string();
        text.lines()
            .filter(|l| !l.starts_with("import "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let src = format!(
        "{}\n{}\nrule probe/channel {{\n severity error\n message.ja \"x\"\n message.en \"x\"\n \
         require all {{\n  channel = {term}\n  never = \"この語は現れない\"\n }}\n}}\n",
        strip("rules/appi/terms.rules"),
        strip(rule_file),
    );
    let mut l = Loader::new();
    l.add_source("probe.rules", None, src);
    l.compile().unwrap_or_else(|e| {
        panic!(
            "{:?}",
            e.iter().map(|e| &e.error.message).collect::<Vec<_>>()
        )
    })
}

/// The text of the channel label the probe finds in `text`, if any.
fn channel_in(set: &RuleSet, text: &str) -> Option<String> {
    let d = Document::parse(
        Path::new("doc"),
        decode(text.as_bytes()).unwrap(),
        Format::Text,
    );
    let f = Evaluator::new(set, &d).run_all();
    assert_eq!(f.len(), 1);
    f[0].labels
        .iter()
        .find(|l| matches!(&l.evidence, Evidence::Element(n) if n == "channel"))
        .map(|l| d.text[l.span.clone()].to_string())
}

#[test]
fn the_channel_label_lies_on_the_address_phone_or_email() {
    for (file, term) in [
        ("rules/appi/rights-procedure.rules", "rp_channel"),
        ("rules/appi/complaint-contact.rules", "cc_channel"),
    ] {
        let set = probe(file, term);
        // A phone number with spaced hyphens, after a bare form and a platform.
        let text = "プラットフォームの規約に従います。こちらのフォームもご利用ください。\n窓口 電話：06 - 1234 - 5678（代表）";
        assert_eq!(
            channel_in(&set, text).as_deref(),
            Some("06 - 1234 - 5678"),
            "{term}"
        );
        // Full-width digits and hyphens.
        let text = "個人情報相談窓口　電話：０３－１２３４－５６７８";
        assert_eq!(
            channel_in(&set, text).as_deref(),
            Some("０３－１２３４－５６７８"),
            "{term}"
        );
        let text = "ご請求は privacy@example.co.jp まで。";
        assert_eq!(
            channel_in(&set, text).as_deref(),
            Some("privacy@example.co.jp"),
            "{term}"
        );
        let text = "〒460-0008 愛知県名古屋市中区栄一丁目2番3号";
        assert_eq!(
            channel_in(&set, text).as_deref(),
            Some("〒460-0008"),
            "{term}"
        );
        // "こちらのフォーム" and "当社ホームページ" are no channel.
        let text = "こちらのフォームまたは当社ホームページからご連絡ください。";
        assert_eq!(channel_in(&set, text), None, "{term}");
    }
}
