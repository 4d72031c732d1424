//! appi/security-measures (one concrete measure taken) and appi/security-measures-categories (the
//! guideline's headings, info) on their fixtures: which documents state a measure, and where the
//! evidence labels of a finding lie — on the sentence that states the measure, never on a
//! look-alike (an https address, a customer's contract, a contact heading, the navigation).

use std::path::Path;

use policylint::document::Document;
use policylint::engine::{Evaluator, Evidence, Finding};
use policylint::rules::{Loader, RuleSet};
use serde_json::Value;

const DIR: &str = "fixtures/rules/appi/security-measures";

/// Every kind of measure the rule accepts, as its elements are named.
const KINDS: [&str; 9] = [
    "access",
    "encryption",
    "training",
    "responsible",
    "rules",
    "physical",
    "audit",
    "outsourcing",
    "tools",
];

/// The JSON report of `policylint check` on one fixture.
fn report(file: &str) -> Value {
    let path = Path::new(DIR).join(file);
    crate::common::check_json(&["--lang", "en", path.to_str().unwrap()])
}

/// The diagnostics of one rule in a report.
fn of(r: &Value, rule: &str) -> Vec<Value> {
    r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .cloned()
        .collect()
}

fn source(file: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR).join(file)).unwrap()
}

/// The text a JSON label or diagnostic covers (offsets are bytes of the file).
fn covered(text: &str, v: &Value) -> String {
    let s = v["start"]["offset"].as_u64().unwrap() as usize;
    let e = v["end"]["offset"].as_u64().unwrap() as usize;
    text[s..e].to_string()
}

/// Whether `inner` (a byte range of `text`) lies inside the first occurrence of `sentence`.
fn inside(text: &str, inner: (usize, usize), sentence: &str) -> bool {
    let at = text
        .find(sentence)
        .unwrap_or_else(|| panic!("{sentence} not in the fixture"));
    at <= inner.0 && inner.1 <= at + sentence.len()
}

#[test]
fn no_warning_where_a_measure_is_taken() {
    for file in [
        "pass.txt",
        "pass.md",
        "pass.html",
        "pass-outsourcing.html",
        "pass-officer.md",
        "pass-list.md",
        "categories-pass.txt",
        // A privacy officer appointed (in another section than the bare aim).
        "fail.txt",
        // "通信は暗号化されています".
        "fail.md",
    ] {
        let r = report(file);
        assert!(
            of(&r, "appi/security-measures").is_empty(),
            "{file}: {:?}",
            of(&r, "appi/security-measures")
        );
    }
}

#[test]
fn bare_aims_and_look_alikes_give_the_warning_and_label_nothing() {
    for file in [
        "fail.html",
        "fail-aims.txt",
        "fail-contracts.html",
        "fail-https.md",
    ] {
        let r = report(file);
        let d = of(&r, "appi/security-measures");
        assert_eq!(d.len(), 1, "{file}: {d:?}");
        let d = &d[0];
        assert_eq!(d["severity"], "warning", "{file}");
        assert_eq!(
            d["message"], "Security measures: no concrete measure is described",
            "{file}"
        );
        let missing: Vec<&str> = d["missing"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap())
            .collect();
        assert_eq!(missing, KINDS, "{file}");
        // Nothing was found, so nothing is labelled as found: the message holds.
        assert!(
            d["labels"].as_array().is_none_or(|l| l.is_empty()),
            "{file}: {:?}",
            d["labels"]
        );
    }
}

#[test]
fn details_on_request_is_an_info_labelled_on_that_sentence() {
    let file = "on-request.txt";
    let text = source(file);
    let r = report(file);
    let d = of(&r, "appi/security-measures");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["severity"], "info");
    let labels = d[0]["labels"].as_array().unwrap();
    assert_eq!(labels.len(), 1, "{labels:?}");
    let l = &labels[0];
    let span = (
        l["start"]["offset"].as_u64().unwrap() as usize,
        l["end"]["offset"].as_u64().unwrap() as usize,
    );
    assert!(
        inside(
            &text,
            span,
            "安全管理措置の具体的な内容については、下記の窓口までお問い合わせいただければ、遅滞なく回答いたします。"
        ),
        "{:?}",
        covered(&text, l)
    );
}

#[test]
fn categories_are_labelled_on_their_headings_and_never_count() {
    // The guideline's headings without 外的環境の把握: an info, each found heading labelled.
    let file = "pass.txt";
    let text = source(file);
    let r = report(file);
    let d = of(&r, "appi/security-measures-categories");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["severity"], "info");
    assert_eq!(d[0]["missing"], serde_json::json!(["external"]));
    let lines: Vec<(String, u64)> = d[0]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (covered(&text, l), l["start"]["line"].as_u64().unwrap()))
        .collect();
    for (heading, line) in [
        ("基本方針", 8),
        ("規律の整備", 10),
        ("組織的", 12),
        ("人的", 14),
        ("物理的", 16),
        ("技術的", 18),
    ] {
        assert!(
            lines
                .iter()
                .any(|(t, l)| t.starts_with(heading) && *l == line),
            "{heading} at {line}: {lines:?}"
        );
    }
    // The headings named only in the navigation and the footer: all missing, none labelled.
    let r = report("fail.html");
    let d = of(&r, "appi/security-measures-categories");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["missing"].as_array().unwrap().len(), 7);
    assert!(d[0]["labels"].as_array().is_none_or(|l| l.is_empty()));
    // Each heading, 外的環境の把握 in a section of its own.
    assert!(
        of(
            &report("categories-pass.txt"),
            "appi/security-measures-categories"
        )
        .is_empty()
    );
}

/// The built-in pack and a probe rule that requires every kind of measure, by the pack's own
/// vocabulary, and one thing no document says: its finding labels each kind found.
fn probe() -> RuleSet {
    let mut l = Loader::new();
    l.add_builtin();
    let kinds = "access = access_limited encryption = encryption training = staff_training \
                 responsible = responsible rules = internal_rules physical = physical_measure \
                 audit = audit outsourcing = outsourcing tools = technical_tool";
    l.add_source(
        "builtin:appi/probe-security.rules",
        None,
        format!(
            "import \"security-measures.rules\"\nrule probe/security {{\n severity info\n \
             message.ja \"x\"\n message.en \"x\"\n require all {{ {kinds} never = \"存在しない語句\" }}\n}}\n"
        ),
    );
    l.compile().unwrap_or_else(|e| {
        panic!(
            "{:?}",
            e.iter()
                .map(|e| e.error.message.clone())
                .collect::<Vec<_>>()
        )
    })
}

/// A kind of measure and the byte range of the text labelled as it.
type Found = (String, (usize, usize));

/// Every measure the probe finds in a fixture.
fn found(set: &RuleSet, file: &str) -> (Document, Vec<Found>) {
    let doc = Document::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR).join(file),
        1 << 20,
    )
    .unwrap();
    let findings: Vec<Finding> = Evaluator::new(set, &doc)
        .run_all()
        .into_iter()
        .filter(|f| f.rule == "probe/security")
        .collect();
    assert_eq!(findings.len(), 1, "{file}");
    let labels = findings[0]
        .labels
        .iter()
        .map(|l| match &l.evidence {
            Evidence::Element(e) => (e.clone(), (l.span.start, l.span.end)),
            other => panic!("{other:?}"),
        })
        .collect();
    (doc, labels)
}

#[test]
fn found_measures_lie_on_the_sentence_that_states_them() {
    let set = probe();
    let cases: [(&str, &[(&str, &str)]); 5] = [
        (
            "pass.txt",
            &[
                (
                    "access",
                    "アクセス制御を実施して、担当者及び取り扱う個人情報データベース等の範囲を限定しています。",
                ),
                (
                    "training",
                    "個人データの取扱いに関する留意事項について、従業者に定期的な研修を実施しています。",
                ),
                ("responsible", "個人データの取扱いに関する責任者を設置し、"),
                ("rules", "個人データ取扱規程を策定しています。"),
                (
                    "physical",
                    "個人データを取り扱う区域において、従業者の入退室管理を行っています。",
                ),
            ],
        ),
        (
            // The contract and the supervision in the outsourcing section, not the https address
            // nor the sales contract with the customer (売買契約の締結).
            "pass-outsourcing.html",
            &[(
                "outsourcing",
                "この場合、個人情報の取扱いに関する契約を委託先と締結し、委託先に対して必要かつ適切な監督を行います。",
            )],
        ),
        (
            "pass-officer.md",
            &[("responsible", "個人情報保護管理者：事務局長　鈴木一郎")],
        ),
        (
            "pass-list.md",
            &[
                ("encryption", "SSL/TLSによる通信の暗号化"),
                ("physical", "記録を保管する部屋の入退室管理"),
                ("audit", "年1回の内部監査"),
            ],
        ),
        (
            // "通信は暗号化されています", not "個人的な嗜好".
            "fail.md",
            &[(
                "encryption",
                "アプリと当社サーバとの通信は暗号化されています。",
            )],
        ),
    ];
    for (file, expected) in cases {
        let (doc, labels) = found(&set, file);
        assert_eq!(
            labels.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            expected.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            "{file}: the kinds found"
        );
        for ((kind, span), (_, sentence)) in labels.iter().zip(expected) {
            assert!(
                inside(&doc.text, *span, sentence),
                "{file}: {kind} labelled on {:?}",
                &doc.text[span.0..span.1]
            );
        }
    }
    // Look-alikes give no label at all: an https address, SSL products, customers' contracts,
    // "入退去", "規則で定められた", visitors' access logs, a contact heading, the categories named.
    for file in [
        "fail-https.md",
        "fail-contracts.html",
        "fail-aims.txt",
        "fail.html",
    ] {
        let (doc, labels) = found(&set, file);
        assert!(
            labels.is_empty(),
            "{file}: {:?}",
            labels
                .iter()
                .map(|(k, s)| (k, &doc.text[s.0..s.1]))
                .collect::<Vec<_>>()
        );
    }
}
