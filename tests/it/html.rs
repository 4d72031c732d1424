//! `--format html` and `--output html=PATH`: the compliance report of a
//! run, checked as text (the page itself is loaded in Chromium by
//! scripts/test_html_report.sh). Markup in a document shows as text; the
//! matrix has one row per document; the statuses agree with the findings
//! of the JSON report of the same run; nothing is loaded from elsewhere.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::run;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The values of `attr="…"` in the start tags of `tag` elements.
fn attrs<'a>(html: &'a str, tag: &str, attr: &str) -> Vec<&'a str> {
    let open = format!("<{tag} ");
    let key = format!("{attr}=\"");
    html.match_indices(&open)
        .filter_map(|(i, _)| {
            let tag = &html[i..i + html[i..].find('>').unwrap()];
            let at = tag.find(&key)? + key.len();
            Some(&tag[at..at + tag[at..].find('"').unwrap()])
        })
        .collect()
}

/// The text of the section of row `n` (1-based): between its `<details>`
/// and the next.
fn section(html: &str, n: usize) -> &str {
    let start = html
        .find(&format!("<details class=\"doc\" id=\"d{n}\""))
        .unwrap();
    let end = html[start..].find("</details>").unwrap();
    &html[start..start + end]
}

#[test]
fn one_row_per_document_with_the_statuses_of_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    let html_path = dir.path().join("report.html");
    let out = run(
        root(),
        &[
            "check",
            "fixtures/seeds",
            "fixtures/report",
            "--format",
            "json",
            "--fail-level",
            "never",
            "--output",
            &format!("html={}", html_path.display()),
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let html = std::fs::read_to_string(&html_path).unwrap();
    let files: Vec<&str> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(files.len(), 6, "{files:?}");
    // One row per document, in the order of the run.
    assert_eq!(attrs(&html, "tr", "data-doc"), files);
    assert!(html.contains(&format!("<dt>文書</dt><dd>{}</dd>", files.len())));
    for (n, path) in files.iter().enumerate() {
        // The rules the report says need attention are those with an
        // active finding in the JSON report, and the other way round.
        let active: BTreeSet<&str> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["path"] == *path && d["suppressed"].is_null())
            .map(|d| d["rule"].as_str().unwrap())
            .filter(|r| !r.starts_with("policylint/"))
            .collect();
        let sec = section(&html, n + 1);
        // Each requirement's item: `<li data-rule="…" data-status="…">`
        // (those that do not apply share a line, with no rule attribute).
        let flagged: BTreeSet<&str> = sec
            .split("<li data-rule=\"")
            .skip(1)
            .filter_map(|item| {
                let (rule, rest) = item.split_once('"').unwrap();
                let status = rest.strip_prefix(" data-status=\"").unwrap();
                let status = &status[..status.find('"').unwrap()];
                // An unmet best practice (info) is advice, not missing.
                matches!(status, "missing" | "referenced" | "flagged" | "advice").then_some(rule)
            })
            .collect();
        assert_eq!(flagged, active, "{path}");
        // A row's cell is at least as pressing as any of its group's
        // requirements: a missing one makes the cell missing.
        let row_start = html.find(&format!("<tr data-doc=\"{path}\">")).unwrap();
        let row = &html[row_start..row_start + html[row_start..].find("</tr>").unwrap()];
        for group in attrs(sec, "h3", "id") {
            let g = group.split_once('-').unwrap().1;
            let group_sec = &sec[sec.find(&format!("id=\"{group}\"")).unwrap()..];
            let group_sec = &group_sec[..group_sec.find("</ul>").unwrap()];
            let cell = format!("data-group=\"{g}\" data-status=\"");
            let at = row.find(&cell).unwrap() + cell.len();
            let status = &row[at..at + row[at..].find('"').unwrap()];
            if attrs(group_sec, "li", "data-status").contains(&"missing") {
                assert_eq!(status, "missing", "{path} {g}");
            }
            // The cell links to the group's heading.
            assert!(row.contains(&format!("href=\"#{group}\"")), "{row}");
        }
    }
    // The injected document: what it does state is met, what it lacks is
    // missing, each with its help text.
    let n = files
        .iter()
        .position(|f| f.ends_with("injected.txt"))
        .unwrap()
        + 1;
    let row_start = html
        .find("<tr data-doc=\"fixtures/report/injected.txt\">")
        .unwrap();
    let row = &html[row_start..row_start + html[row_start..].find("</tr>").unwrap()];
    assert!(
        row.contains("data-group=\"purposes\" data-status=\"satisfied\""),
        "{row}"
    );
    assert!(
        row.contains("data-group=\"operator\" data-status=\"missing\""),
        "{row}"
    );
    let sec = section(&html, n);
    assert!(sec.contains("<li data-rule=\"appi/operator-identity\" data-status=\"missing\">"));
    assert!(sec.contains("<p class=\"help\">"));
    assert!(sec.contains("個人情報保護法 第32条"));
}

#[test]
fn markup_in_a_document_is_text() {
    let out = run(
        root(),
        &[
            "check",
            "fixtures/report/injected.txt",
            "--format",
            "html",
            "--fail-level",
            "never",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let html = &out.stdout;
    assert!(!html.contains("<script>document"), "{html}");
    assert!(!html.contains("<p id=pwned>"));
    assert!(!html.contains("<img src=x"));
    assert!(html.contains("&lt;script&gt;document.title=&#39;PWNED&#39;"));
    assert!(html.contains("みどり青果店&lt;img src=x"));
    assert!(!html.contains("onerror=\""));
    // The page's only script is its own.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("<title>policylint 適合レポート</title>"));
}

#[test]
fn loads_nothing_from_elsewhere() {
    let out = run(
        root(),
        &[
            "check",
            "fixtures/seeds",
            "fixtures/report",
            "--format",
            "html",
            "--fail-level",
            "never",
        ],
    );
    let html = &out.stdout;
    assert!(html.starts_with("<!DOCTYPE html>\n<!-- policylint compliance report -->\n"));
    for bad in [
        "<script src",
        "<link",
        "<img",
        "<iframe",
        "<object",
        "<embed",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(bad), "{bad}");
    }
    assert!(attrs(html, "script", "src").is_empty());
    for tag in ["img", "script", "iframe", "source", "video", "audio"] {
        assert!(attrs(html, tag, "src").is_empty(), "{tag}");
    }
    // Links to elsewhere are plain links (the law a rule cites), never a
    // stylesheet or an icon.
    let hrefs = attrs(html, "a", "href");
    assert!(
        hrefs.iter().any(|h| h.starts_with("https://")),
        "a cited URL is linked"
    );
    for h in hrefs {
        assert!(
            h.starts_with('#') || h.starts_with("https://") || h.starts_with("http://"),
            "{h}"
        );
    }
}

#[test]
fn english_with_lang_en() {
    let out = run(
        root(),
        &[
            "check",
            "fixtures/report/injected.txt",
            "--format",
            "html",
            "--lang",
            "en",
            "--fail-level",
            "never",
        ],
    );
    let html = &out.stdout;
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("<title>policylint compliance report</title>"));
    assert!(html.contains("Requirement matrix"));
    assert!(html.contains("✗ Missing"));
    assert!(!html.contains("要件マトリクス"));
}

#[test]
fn an_earlier_report_is_not_checked_as_a_policy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("fixtures/report/injected.txt"),
        dir.path().join("policy.txt"),
    )
    .unwrap();
    let first = run(
        dir.path(),
        &[
            "check",
            ".",
            "--output",
            "html=report.html",
            "--fail-level",
            "never",
        ],
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    // The second run walks past the first's report, and writes over it.
    let second = run(
        dir.path(),
        &[
            "check",
            ".",
            "--format",
            "json",
            "--output",
            "html=report.html",
            "--fail-level",
            "never",
        ],
    );
    assert_eq!(second.code, 0, "{}", second.stderr);
    let json: serde_json::Value = serde_json::from_str(&second.stdout).unwrap();
    let files: Vec<&str> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["policy.txt"]);
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert_eq!(attrs(&html, "tr", "data-doc"), ["policy.txt"]);
}

#[test]
fn a_document_set_is_one_row_with_evidence_on_its_pages() {
    let out = run(
        &root().join("fixtures/sets"),
        &[
            "check",
            "full",
            "alone",
            "--format",
            "html",
            "--fail-level",
            "never",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let html = &out.stdout;
    assert_eq!(
        attrs(html, "tr", "data-doc"),
        ["alone/policy.md", "full (full/policy.md)"]
    );
    let sec = section(html, 2);
    assert!(sec.contains("full/policy.md, full/company.md"), "{sec}");
    // The operator's address is on the company page: its place says so.
    assert!(
        sec.contains("<span class=\"loc\">full/company.md "),
        "{sec}"
    );
    assert_eq!(
        sec.matches("data-rule=\"appi/operator-identity\"").count(),
        1
    );
}
