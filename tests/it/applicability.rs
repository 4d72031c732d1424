//! Which duties apply to which document: the context inferred from the
//! text (operator, document kind, TBA coverage), the rules it skips, the
//! severity it caps, and the configuration that overrides it. Fixtures are
//! in fixtures/applicability/, one per case.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

use crate::common::run as policylint;

/// `check --format json` of fixtures with the built-in pack, run from the
/// project root (no policylint.toml there).
fn check_json(files: &[&str], extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let paths: Vec<String> = files
        .iter()
        .map(|f| format!("fixtures/applicability/{f}"))
        .collect();
    args.extend(paths.iter().map(String::as_str));
    let out = policylint(root(), &args);
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

/// (rule, severity, missing) of every finding in a report.
fn findings(report: &serde_json::Value) -> Vec<(String, String, Vec<String>)> {
    report["diagnostics"]
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
            )
        })
        .collect()
}

fn rules_fired(report: &serde_json::Value) -> Vec<String> {
    findings(report).into_iter().map(|f| f.0).collect()
}

fn facet<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    &report["files"][0]["context"][name]
}

/// Art. 32 and the other duties of a 個人情報取扱事業者.
fn is_appi(rule: &str) -> bool {
    rule.starts_with("appi/")
}

#[test]
fn a_readme_that_points_to_the_policy_is_not_one() {
    let r = check_json(&["README.md"], &[]);
    assert!(findings(&r).is_empty(), "{:?}", findings(&r));
    assert_eq!(facet(&r, "document")["value"], "other");
    assert_eq!(facet(&r, "document")["cue"], "file-name");
    assert_eq!(r["files"][0]["rules_applied"], 0);
    // Not silent: the human report says so in one line, and it is no finding.
    let out = policylint(
        root(),
        &["check", "fixtures/applicability/README.md", "--lang", "en"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "note: fixtures/applicability/README.md: no rule applies to this document (document = other)\n"
    );
}

#[test]
fn a_local_government_is_not_asked_for_art32_items() {
    let r = check_json(&["city.html"], &[]);
    assert!(
        !rules_fired(&r).iter().any(|x| is_appi(x)),
        "{:?}",
        findings(&r)
    );
    let op = facet(&r, "operator");
    assert_eq!(op["value"], "administrative");
    assert_eq!(op["source"], "text");
    assert_eq!(op["cue"], "self-definition");
    // The evidence is located exactly: the name the body gives itself.
    assert_eq!(op["evidence"]["text"], "みなと市");
    assert_eq!(op["evidence"]["start"]["line"], 7);
    assert_eq!(op["evidence"]["start"]["column"], 4);
    let text = std::fs::read_to_string(root().join("fixtures/applicability/city.html")).unwrap();
    let offset = op["evidence"]["start"]["offset"].as_u64().unwrap() as usize;
    assert!(text[offset..].starts_with("みなと市"));
}

#[test]
fn a_national_university_corporation_is_an_administrative_body() {
    let r = check_json(&["national-university.md"], &[]);
    assert!(
        !rules_fired(&r).iter().any(|x| is_appi(x)),
        "{:?}",
        findings(&r)
    );
    assert_eq!(facet(&r, "operator")["value"], "administrative");
    assert_eq!(
        facet(&r, "operator")["evidence"]["text"],
        "国立大学法人さくら大学"
    );
}

#[test]
fn a_cookie_page_gets_no_art32_list() {
    let r = check_json(&["cookie-policy.md"], &[]);
    assert_eq!(facet(&r, "document")["value"], "transmission");
    assert!(
        !rules_fired(&r).iter().any(|x| is_appi(x)),
        "{:?}",
        findings(&r)
    );
}

#[test]
fn a_transmission_notice_that_refers_to_the_policy_gets_no_art32_list() {
    let r = check_json(&["transmission-notice.md"], &[]);
    assert_eq!(facet(&r, "document")["value"], "transmission");
    assert_eq!(facet(&r, "service")["value"], "covered");
    // Its recipient, information and purpose are all in the table.
    assert!(
        !rules_fired(&r)
            .iter()
            .any(|x| is_appi(x) || x.starts_with("tba/"))
    );
}

#[test]
fn a_shop_or_a_corporate_site_is_not_covered_by_art_27_12() {
    for f in ["shop.html", "corporate.html"] {
        let r = check_json(&[f], &[]);
        assert_eq!(facet(&r, "service")["value"], "not-covered", "{f}");
        assert_eq!(facet(&r, "service")["cue"], "own-site", "{f}");
        assert!(
            !rules_fired(&r).iter().any(|x| x.starts_with("tba/")),
            "{f}: {:?}",
            findings(&r)
        );
        // The operator's Art. 32 duties still apply.
        assert!(rules_fired(&r).contains(&"appi/operator-identity".to_string()));
    }
}

#[test]
fn an_sns_is_covered_and_an_incomplete_notice_is_an_error() {
    let r = check_json(&["sns.md"], &[]);
    assert_eq!(facet(&r, "service")["value"], "covered");
    assert_eq!(facet(&r, "service")["evidence"]["text"], "SNS");
    let tba: Vec<_> = findings(&r)
        .into_iter()
        .filter(|f| f.0 == "tba/external-transmission")
        .collect();
    assert_eq!(
        tba,
        [(
            "tba/external-transmission".to_string(),
            "error".to_string(),
            vec!["recipient".to_string()]
        )]
    );
}

#[test]
fn unknown_coverage_is_at_most_a_warning_that_says_why() {
    let r = check_json(&["unknown-coverage.md"], &["--lang", "en"]);
    assert_eq!(facet(&r, "service")["value"], "unknown");
    assert_eq!(facet(&r, "service")["source"], "default");
    let d = r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "tba/external-transmission")
        .expect("the TBA rule applies, capped");
    assert_eq!(d["severity"], "warning");
    let help = d["help"].as_str().unwrap();
    assert!(
        help.contains("service was inferred as `unknown`") && help.contains("[context]"),
        "{help}"
    );
}

#[test]
fn an_individual_is_not_asked_for_a_representative() {
    let r = check_json(&["individual.md"], &[]);
    assert_eq!(facet(&r, "operator")["value"], "individual");
    assert!(
        !findings(&r)
            .iter()
            .any(|f| f.2.contains(&"representative".to_string())),
        "{:?}",
        findings(&r)
    );
    assert!(!rules_fired(&r).contains(&"appi/operator-identity".to_string()));
    // A company is: name and address given, the representative missing.
    let r = check_json(&["company.md"], &[]);
    assert_eq!(facet(&r, "operator")["value"], "juridical");
    assert!(findings(&r).contains(&(
        "appi/operator-identity".to_string(),
        "error".to_string(),
        vec!["representative".to_string()]
    )));
}

#[test]
fn a_revision_fragment_gets_no_whole_policy_findings() {
    let out = policylint(
        root(),
        &[
            "check",
            "--format",
            "json",
            "fixtures/seeds/000_024ac50b9fb83c71.txt",
        ],
    );
    let r: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(facet(&r, "document")["value"], "fragment");
    assert_eq!(facet(&r, "document")["cue"], "revision-table");
    assert_eq!(facet(&r, "document")["evidence"]["text"], "改定前");
    assert!(findings(&r).is_empty(), "{:?}", findings(&r));
}

/// A project folder holding copies of fixtures and a policylint.toml.
fn project(toml: &str, files: &[&str]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("docs/notices")).unwrap();
    for f in files {
        std::fs::copy(
            root().join("fixtures/applicability").join(f),
            d.path().join("docs").join(f),
        )
        .unwrap();
    }
    std::fs::write(d.path().join("policylint.toml"), toml).unwrap();
    d
}

#[test]
fn the_configuration_overrides_the_inferred_context() {
    // Everywhere: the service is covered, so the notice is checked in full.
    let d = project(
        "[context]\nservice = \"covered\"\n",
        &["unknown-coverage.md"],
    );
    let out = policylint(d.path(), &["check", "--format", "json", "docs"]);
    let r: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(facet(&r, "service")["value"], "covered");
    assert_eq!(facet(&r, "service")["source"], "config");
    assert!(findings(&r).contains(&(
        "tba/external-transmission".to_string(),
        "error".to_string(),
        vec!["recipient".to_string()]
    )));
    // By path: the files an override names are not policies; the others are.
    let d = project(
        "[[overrides]]\npaths = [\"docs/company.md\"]\ncontext = { document = \"other\" }\n",
        &["company.md", "sns.md"],
    );
    let out = policylint(d.path(), &["check", "--format", "json", "docs"]);
    let r: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let files = r["files"].as_array().unwrap();
    assert_eq!(files[0]["path"], "docs/company.md");
    assert_eq!(files[0]["context"]["document"]["value"], "other");
    assert_eq!(files[0]["rules_applied"], 0);
    assert_eq!(files[1]["context"]["document"]["value"], "policy");
    let paths: Vec<&str> = r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().all(|p| *p == "docs/sns.md"), "{paths:?}");
    // The outline shows the context with the configuration applied.
    let out = policylint(d.path(), &["outline", "docs/company.md"]);
    assert!(
        out.stdout.contains("document = other (configuration)"),
        "{}",
        out.stdout
    );
}

#[test]
fn context_errors_point_into_the_toml() {
    let d = project(
        "[context]\noperatr = \"individual\"\nservice = \"maybe\"\n",
        &["company.md"],
    );
    let out = policylint(d.path(), &["check", "docs"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    insta::assert_snapshot!("context_config_errors", out.stderr);
}

#[test]
fn explain_context_lists_the_skipped_rules_and_why() {
    let out = policylint(
        root(),
        &[
            "check",
            "--explain-context",
            "--lang",
            "en",
            "fixtures/applicability/cookie-policy.md",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    insta::assert_snapshot!("explain_context_human", out.stdout);
    let r = check_json(
        &["cookie-policy.md"],
        &["--explain-context", "--lang", "en"],
    );
    let skipped = r["files"][0]["skipped_rules"].as_array().unwrap();
    let reason = |rule: &str| {
        skipped
            .iter()
            .find(|s| s["rule"] == rule)
            .unwrap_or_else(|| panic!("{rule} not skipped: {skipped:?}"))
            .clone()
    };
    let p = reason("appi/purposes");
    assert_eq!(
        (&p["reason"], &p["facet"], &p["value"]),
        (
            &serde_json::json!("context"),
            &serde_json::json!("document"),
            &serde_json::json!("transmission")
        )
    );
    // A rule about something the page never mentions is said to be so.
    assert!(skipped.iter().any(|s| s["reason"] == "not-mentioned"));
    // Without the flag, the JSON report keeps the context but not the list.
    let r = check_json(&["cookie-policy.md"], &[]);
    assert!(r["files"][0].get("skipped_rules").is_none());
    assert_eq!(r["files"][0]["rules_applied"], 1);
}
