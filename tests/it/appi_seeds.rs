//! The built-in APPI/TBA pack on the five seed policies: the results the
//! pack must give, pinned (rule, severity, missing elements, line).

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// (rule, severity, missing, line, column) of every finding in a seed.
fn findings(seed: &str) -> Vec<(String, String, Vec<String>, u64, u64)> {
    let out = Command::cargo_bin("policylint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--format", "json", "--fail-level", "never"])
        .arg(Path::new("fixtures/seeds").join(seed))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["missing"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m.as_str().unwrap().to_string())
                    .collect(),
                d["start"]["line"].as_u64().unwrap(),
                d["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn of<'a>(
    f: &'a [(String, String, Vec<String>, u64, u64)],
    rule: &str,
) -> Vec<&'a (String, String, Vec<String>, u64, u64)> {
    f.iter().filter(|x| x.0 == rule).collect()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn seed_001_qonoq() {
    let f = findings("001_b1f9d928bcdeb18c.txt");
    assert!(
        of(&f, "appi/joint-use").is_empty(),
        "controller named with address and representative: {f:?}"
    );
    assert!(of(&f, "appi/complaint-contact").is_empty(), "{f:?}");
    let ft = of(&f, "appi/foreign-transfer");
    assert_eq!(ft.len(), 1, "{f:?}");
    assert_eq!(
        (ft[0].1.as_str(), &ft[0].2, ft[0].3),
        ("error", &strs(&["country", "system", "measures"]), 102)
    );
    // Section 4 says "第三者（外国にある第三者を含みます。）": the finding points there.
    let line = std::fs::read_to_string("fixtures/seeds/001_b1f9d928bcdeb18c.txt")
        .unwrap()
        .lines()
        .nth(101)
        .unwrap()
        .to_string();
    let col = line[..line.find("外国にある第三者を含みます").unwrap()]
        .chars()
        .count()
        + 1;
    assert_eq!(ft[0].4 as usize, col);
}

#[test]
fn seed_002_ntt_communications() {
    let f = findings("002_0b9a48a7ba5653b1.txt");
    let ju = of(&f, "appi/joint-use");
    assert_eq!(ju.len(), 3, "one per joint-use clause: {f:?}");
    let text = std::fs::read_to_string("fixtures/seeds/002_0b9a48a7ba5653b1.txt").unwrap();
    let clauses = [
        "（当社グループ会社との共同利用）",
        "（株式会社NTTドコモとの共同利用）",
        "（調達に係るお取引先法人等に関する情報の共同利用）",
    ];
    let starts: Vec<usize> = clauses
        .iter()
        .map(|c| text[..text.find(c).unwrap()].chars().count() + 1)
        .collect();
    for (i, j) in ju.iter().enumerate() {
        assert_eq!(j.1, "warning", "given by reference");
        assert_eq!(
            j.2,
            strs(&["controller-address", "controller-representative"])
        );
        // Each points into its own clause.
        let next = starts.get(i + 1).copied().unwrap_or(usize::MAX);
        assert!(
            j.4 as usize > starts[i] && (j.4 as usize) < next,
            "{j:?} not in clause {i}"
        );
    }
    assert!(of(&f, "appi/foreign-transfer").is_empty(), "{f:?}");
    assert!(of(&f, "appi/complaint-contact").is_empty(), "{f:?}");
    // Nothing in the navigation before the body, nor in the footer.
    let body = text[..text.find("プライバシーポリシー 制定").unwrap()]
        .chars()
        .count()
        + 1;
    let footer = text[..text.rfind("お問い合わせ このページのトップへ").unwrap()]
        .chars()
        .count()
        + 1;
    for x in &f {
        assert!(
            (x.4 as usize) >= body && (x.4 as usize) < footer,
            "{x:?} in navigation"
        );
    }
}

#[test]
fn seed_003_ocn() {
    let f = findings("003_173e50e8e64a77e0.txt");
    let closed = of(&f, "appi/contact-closed");
    let text = std::fs::read_to_string("fixtures/seeds/003_173e50e8e64a77e0.txt").unwrap();
    let line = |n: u64| text.lines().nth(n as usize - 1).unwrap();
    assert!(
        closed.iter().any(|c| c.1 == "error"
            && line(c.3)
                .chars()
                .skip(c.4 as usize - 1)
                .collect::<String>()
                .starts_with("閉鎖しました")),
        "{closed:?}"
    );
    let ju = of(&f, "appi/joint-use");
    assert_eq!(ju.len(), 1, "{f:?}");
    assert_eq!(
        (ju[0].1.as_str(), &ju[0].2),
        (
            "error",
            &strs(&["controller-address", "controller-representative"])
        ),
        "the referenced profile is no longer published"
    );
    let names = of(&f, "appi/operator-name-consistency");
    assert_eq!(names.len(), 1, "{f:?}");
    assert_eq!(names[0].1, "warning");
    // The finding names both spellings and labels each.
    let out = Command::cargo_bin("policylint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "check",
            "--format",
            "json",
            "fixtures/seeds/003_173e50e8e64a77e0.txt",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "appi/operator-name-consistency")
        .unwrap();
    let msg = d["message"].as_str().unwrap();
    assert!(
        msg.contains("テレソナント") && msg.contains("レゾナント"),
        "{msg}"
    );
    assert_eq!(
        d["labels"].as_array().unwrap().len(),
        1,
        "a label on the other spelling"
    );
}

#[test]
fn seed_004_rakuten_dmm() {
    let f = findings("004_dcbe507f35b38ff6.txt");
    let ju = of(&f, "appi/joint-use");
    assert_eq!(ju.len(), 1, "{f:?}");
    assert_eq!(
        (ju[0].1.as_str(), &ju[0].2, ju[0].3),
        (
            "error",
            &strs(&["controller-address", "controller-representative"]),
            97
        )
    );
    let text = std::fs::read_to_string("fixtures/seeds/004_dcbe507f35b38ff6.txt").unwrap();
    assert!(
        text.lines()
            .nth(96)
            .unwrap()
            .contains("(4)共同して利用する個人情報の管理について責任を有する者の名称")
    );
    let ft = of(&f, "appi/foreign-transfer");
    assert!(
        !ft.is_empty()
            && ft
                .iter()
                .all(|x| x.1 == "error" && x.2.contains(&"country".to_string())),
        "{f:?}"
    );
    let pre = of(&f, "appi/pre-2022-revision");
    assert_eq!(pre.len(), 1);
    assert_eq!((pre[0].1.as_str(), pre[0].3, pre[0].4), ("warning", 117, 1));
    assert!(
        text.lines()
            .nth(116)
            .unwrap()
            .starts_with("最終改定日:2021年04月01日")
    );
    assert!(of(&f, "appi/complaint-contact").is_empty(), "{f:?}");
}

#[test]
fn seed_000_fragment_findings_fall_inside_cells_or_text() {
    let out = Command::cargo_bin("policylint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "check",
            "--format",
            "json",
            "--fail-level",
            "never",
            "fixtures/seeds/000_024ac50b9fb83c71.txt",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = std::fs::read_to_string("fixtures/seeds/000_024ac50b9fb83c71.txt").unwrap();
    for d in v["diagnostics"].as_array().unwrap() {
        let (s, e) = (
            d["start"]["offset"].as_u64().unwrap() as usize,
            d["end"]["offset"].as_u64().unwrap() as usize,
        );
        assert!(s < e && e <= text.len(), "{d}");
        let covered = &text[s..e];
        // Never inside markup: the span holds text, not a tag.
        assert!(
            !covered.contains('<') && !covered.contains('\t'),
            "{covered:?} in {d}"
        );
    }
}

#[test]
fn no_article_32_rule_fires_on_a_pseudonymised_only_notice() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("kamei.md"),
        "# 仮名加工情報の取扱いについて\n\n当社は、仮名加工情報を統計の作成の目的で利用します。仮名加工情報に係る個人情報の項目は、購買履歴です。\n",
    )
    .unwrap();
    let out = Command::cargo_bin("policylint")
        .unwrap()
        .current_dir(d.path())
        .args(["check", "--format", "json", "kamei.md"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(rules.is_empty(), "{rules:?}");
}

#[test]
fn processed_data_notices_in_the_fixtures_trigger_no_article_32_rule() {
    let out = Command::cargo_bin("policylint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--format", "json"])
        .args([
            "fixtures/rules/appi/pseudonymized/notice.txt",
            "fixtures/rules/appi/pseudonymized/pass.html",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["files"], 2);
    let rules: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(rules.is_empty(), "{rules:?}");
}

/// The whole JSON report on the seeds (keys sorted, as parsed): every
/// diagnostic with its message, positions, labels, help and fingerprint.
/// The report is streamed; this pins its content, whatever its layout.
#[test]
fn seeds_json_report_is_pinned() {
    let out = Command::cargo_bin("policylint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "fixtures/seeds", "--format", "json", "-j", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    insta::assert_snapshot!(
        "seeds_json_report",
        serde_json::to_string_pretty(&v).unwrap()
    );
}
