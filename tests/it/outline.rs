//! The outline of each seed policy, as a user sees it. The snapshots were
//! reviewed by hand against the seeds' README (see fixtures/seeds/README.md).

use std::path::Path;

use policylint::document::{Document, NodeKind};
use policylint::report::outline::{TextOptions, render_text, to_json};

fn load(name: &str) -> Document {
    let path = Path::new("fixtures/seeds").join(name);
    Document::load(&path, u64::MAX).expect("seed loads")
}

fn outline(name: &str) -> String {
    render_text(&load(name), TextOptions::default())
}

#[test]
fn seed_000_revision_table() {
    insta::assert_snapshot!("seed_000", outline("000_024ac50b9fb83c71.txt"));
}

#[test]
fn seed_001_pdf_converted() {
    insta::assert_snapshot!("seed_001", outline("001_b1f9d928bcdeb18c.txt"));
}

#[test]
fn seed_002_scraped_page() {
    insta::assert_snapshot!("seed_002", outline("002_0b9a48a7ba5653b1.txt"));
}

#[test]
fn seed_003_markdown_like() {
    insta::assert_snapshot!("seed_003", outline("003_173e50e8e64a77e0.txt"));
}

#[test]
fn seed_004_dash_lists() {
    insta::assert_snapshot!("seed_004", outline("004_dcbe507f35b38ff6.txt"));
}

/// Heading texts of the sections at `level`, in order.
fn sections(doc: &Document, level: u8) -> Vec<String> {
    doc.nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == NodeKind::Section && n.level == level)
        .filter_map(|(i, _)| doc.section_heading(i as u32))
        .map(|h| doc.src_text(h).to_string())
        .collect()
}

#[test]
fn seed_001_sections_one_to_ten_and_joint_use_items() {
    let doc = load("001_b1f9d928bcdeb18c.txt");
    let top: Vec<String> = sections(&doc, 1)
        .iter()
        .map(|h| h.split(' ').next().unwrap().to_string())
        .collect();
    assert_eq!(
        top,
        ["1.", "2.", "3.", "4.", "5.", "6.", "7.", "8.", "9.", "10."]
    );
    // Section 3 has (1) to (4).
    let s3 = doc
        .nodes
        .iter()
        .position(|n| n.kind == NodeKind::Section && n.level == 1 && n.number == Some(3))
        .unwrap();
    let subs: Vec<Option<u32>> = doc.nodes[s3]
        .children
        .iter()
        .map(|&c| doc.node(c))
        .filter(|n| n.kind == NodeKind::Section)
        .map(|n| n.number)
        .collect();
    assert_eq!(subs, [Some(1), Some(2), Some(3), Some(4)]);
    // The joint-use part "1 個人データの共同利用" sits under section 8 with (1)-(3).
    let ju = doc
        .nodes
        .iter()
        .enumerate()
        .find(|(i, n)| {
            n.kind == NodeKind::Section
                && doc.src_text(doc.section_heading(*i as u32).unwrap()) == "1 個人データの共同利用"
        })
        .map(|(i, _)| i)
        .expect("joint-use section");
    let parent = doc.nodes[ju].parent.unwrap();
    assert_eq!(doc.nodes[parent as usize].number, Some(8));
    let items: Vec<String> = doc.nodes[ju]
        .children
        .iter()
        .filter(|&&c| doc.node(c).kind == NodeKind::Section)
        .map(|&c| doc.src_text(doc.section_heading(c).unwrap()).to_string())
        .collect();
    assert_eq!(
        items,
        [
            "(1)【共同して利用される個人データの項目】",
            "(2) 【共同して利用する者の範囲】",
            "(3) 【利用する者の利用目的】"
        ]
    );
}

#[test]
fn seed_002_body_navigation_and_footer() {
    let doc = load("002_0b9a48a7ba5653b1.txt");
    let first_body = doc
        .nodes
        .iter()
        .enumerate()
        .find(|(_, n)| n.kind == NodeKind::Paragraph && !n.boilerplate)
        .map(|(i, _)| i as u32)
        .unwrap();
    assert!(
        doc.src_text(first_body)
            .starts_with("プライバシーポリシー 制定\u{3000}2005年4月1日")
    );
    // Everything before the body is boilerplate, and so is the footer.
    let body_start = doc.node(first_body).src.start;
    for n in doc.nodes.iter().filter(|n| n.kind == NodeKind::Paragraph) {
        if n.src.end <= body_start {
            assert!(n.boilerplate);
        }
    }
    let footer = doc
        .nodes
        .iter()
        .rev()
        .find(|n| n.kind == NodeKind::Paragraph)
        .unwrap();
    assert!(footer.boilerplate);
    assert!(doc.text[footer.src.clone()].contains("© NTT Communications"));
    // "お問い合わせ" in the menu is boilerplate; the body's contact heading is not.
    let text = &doc.text;
    let mut in_nav = 0;
    let mut in_body = 0;
    for (at, _) in text.match_indices("お問い合わせ") {
        let leaf = doc
            .nodes
            .iter()
            .rfind(|n| n.kind.is_leaf_text() && n.src.start <= at && at < n.src.end)
            .expect("every occurrence is in some node");
        if leaf.boilerplate {
            in_nav += 1
        } else {
            in_body += 1
        }
    }
    assert_eq!(in_nav, 2, "footer menu occurrences");
    assert!(in_body >= 3, "body occurrences: {in_body}");
    // Parenthesised headings are sections.
    let heads = sections(&doc, 1);
    for h in [
        "（適切な取り扱い）",
        "（共同利用）",
        "（株式会社NTTドコモとの共同利用）",
        "（お問い合わせ）",
        "（認定個人情報保護団体および苦情解決の申出先）",
    ] {
        if h == "（共同利用）" {
            assert!(heads.iter().any(|x| x.ends_with("共同利用）")), "{h}");
        } else {
            assert!(heads.iter().any(|x| x == h), "{h} missing from {heads:?}");
        }
    }
}

#[test]
fn seed_000_cells_on_their_lines_and_columns() {
    let doc = load("000_024ac50b9fb83c71.txt");
    let cells: Vec<_> = doc
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Cell)
        .map(|n| {
            let p = doc.position(n.src.start);
            (
                n.cell.unwrap().row,
                n.cell.unwrap().col,
                n.header.clone(),
                p.line,
                p.column,
            )
        })
        .collect();
    // Header row on line 3, the revised section on line 4.
    assert_eq!(cells[0], (0, 1, None, 3, 2));
    assert_eq!(cells[1], (0, 2, None, 3, 6));
    assert_eq!(cells[2], (1, 0, None, 4, 1));
    assert_eq!(cells[3].0..=cells[3].2.is_some() as u32, 1..=1);
    let before = cells
        .iter()
        .find(|c| c.2.as_deref() == Some("改定前"))
        .unwrap();
    let after = cells
        .iter()
        .find(|c| c.2.as_deref() == Some("改定後"))
        .unwrap();
    assert_eq!((before.3, after.3), (4, 4));
    assert!(before.4 < after.4);
    // The 改定後 cell's text starts right after the second tab of line 4.
    let line4 = doc.text.lines().nth(3).unwrap();
    let tab2 = line4.match_indices('\t').nth(1).unwrap().0;
    let expected_col = line4[..tab2].chars().count() + 2 + "<p>".len();
    assert_eq!(after.4, expected_col);
}

#[test]
fn json_outline_has_every_node_with_positions() {
    let doc = load("004_dcbe507f35b38ff6.txt");
    let v = to_json(&doc);
    let nodes = v["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), doc.nodes.len());
    assert_eq!(v["column_unit"], "unicode-scalar-value");
    let first_section = nodes.iter().find(|n| n["kind"] == "section").unwrap();
    assert_eq!(first_section["start"]["line"], 5);
    assert_eq!(first_section["family"], "【】");
    let sentence = nodes.iter().find(|n| n["kind"] == "sentence").unwrap();
    assert!(sentence["normalized"].is_string());
}

/// Byte offset of a 1-based line and character column, computed here from
/// scratch (not with the library's line index).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut off = 0;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line {
            return off + l.char_indices().nth(column - 1).map_or(l.len(), |(b, _)| b);
        }
        off += l.len() + 1;
    }
    text.len()
}

#[test]
fn every_json_position_points_at_the_node_text_in_the_file() {
    for seed in [
        "000_024ac50b9fb83c71.txt",
        "001_b1f9d928bcdeb18c.txt",
        "002_0b9a48a7ba5653b1.txt",
        "003_173e50e8e64a77e0.txt",
        "004_dcbe507f35b38ff6.txt",
    ] {
        let file = std::fs::read_to_string(Path::new("fixtures/seeds").join(seed)).unwrap();
        let v = to_json(&load(seed));
        let mut checked = 0;
        for n in v["nodes"].as_array().unwrap() {
            let Some(text) = n["text"].as_str() else {
                continue;
            };
            let (s, e) = (&n["start"], &n["end"]);
            let so = offset_of(
                &file,
                s["line"].as_u64().unwrap() as usize,
                s["column"].as_u64().unwrap() as usize,
            );
            let eo = offset_of(
                &file,
                e["line"].as_u64().unwrap() as usize,
                e["column"].as_u64().unwrap() as usize,
            );
            assert_eq!(so as u64, s["offset"].as_u64().unwrap(), "{seed}: {n}");
            assert_eq!(&file[so..eo], text, "{seed}: {n}");
            checked += 1;
        }
        assert!(checked > 50, "{seed}: only {checked} nodes with text");
    }
}
