//! HTML and Markdown documents: the outline a user sees, and the facts the
//! rules will rely on (boilerplate, decoded entities, exact spans).

use std::path::Path;

use policylint::document::{Document, Format, NodeKind};
use policylint::report::outline::{TextOptions, render_text};

fn load(name: &str) -> Document {
    Document::load(&Path::new("fixtures/formats").join(name), u64::MAX).unwrap()
}

#[test]
fn html_outline() {
    let doc = load("policy.html");
    assert_eq!(doc.format, Format::Html);
    insta::assert_snapshot!("html_outline", render_text(&doc, TextOptions::default()));
}

#[test]
fn markdown_outline() {
    let doc = load("policy.md");
    assert_eq!(doc.format, Format::Markdown);
    insta::assert_snapshot!(
        "markdown_outline",
        render_text(&doc, TextOptions::default())
    );
}

#[test]
fn html_navigation_footer_script_and_title() {
    let doc = load("policy.html");
    let norm = &doc.norm.text;
    // Script, style, title and comments never reach the text.
    assert!(!norm.contains("0120-000-000窓口") && !norm.contains("var contact"));
    assert!(!norm.contains("font-family"));
    assert!(!norm.contains("受付時間"));
    assert!(!norm.contains("サンプル株式会社</title>"));
    // Every "お問い合わせ" outside <main> is boilerplate; the one in the body is not.
    let leaf_at = |at: usize| {
        doc.nodes
            .iter()
            .rfind(|n| n.kind.is_leaf_text() && n.src.start <= at && at < n.src.end)
    };
    let mut boiler = 0;
    let mut body = 0;
    for (at, _) in doc.text.match_indices("お問い合わせ") {
        match leaf_at(at) {
            Some(n) if n.boilerplate => boiler += 1,
            Some(_) => body += 1,
            None => {} // inside <script>, <style> or a comment: not text at all
        }
    }
    assert_eq!((boiler, body), (2, 3));
}

#[test]
fn html_entities_decode_and_map_back() {
    let doc = load("policy.html");
    let at = doc
        .norm
        .text
        .find("privacy@example.co.jp")
        .expect("email decoded");
    let at_sign = at + "privacy".len();
    let src = doc.norm_to_src(at_sign..at_sign + 1);
    assert_eq!(&doc.text[src.clone()], "&#64;");
    let p = doc.position(src.start);
    assert_eq!((p.line, p.column), (39, 12));
    // Full-width postal code and the long-vowel dashes are normalised.
    assert!(
        doc.norm
            .text
            .contains("〒100-0005東京都千代田区丸の内1-1-1")
    );
    assert!(doc.norm.text.contains("電話:0120-000-000"));
}

#[test]
fn html_table_cells_have_headers() {
    let doc = load("policy.html");
    let cells: Vec<(u32, u32, Option<&str>, &str)> = doc
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == NodeKind::Cell)
        .map(|(i, n)| {
            let c = n.cell.unwrap();
            (c.row, c.col, n.header.as_deref(), doc.src_text(i as u32))
        })
        .collect();
    assert_eq!(cells[0], (0, 0, None, "項目"));
    assert_eq!(cells[3], (1, 1, Some("内容"), "当社および当社の子会社"));
    assert_eq!(cells[5].2, Some("内容"));
    assert!(cells[5].3.starts_with("サンプル株式会社<br>"));
}

#[test]
fn markdown_articles_nest_numbering() {
    let doc = load("policy.md");
    let sections: Vec<(u8, String)> = doc
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == NodeKind::Section)
        .map(|(i, n)| {
            (
                n.level,
                doc.src_text(doc.section_heading(i as u32).unwrap())
                    .to_string(),
            )
        })
        .collect();
    let expected: Vec<(u8, String)> = [
        (1, "個人情報の取扱いについて"),
        (2, "第1条（利用目的）"),
        (2, "第2条（第三者提供）"),
        (3, "（1）当社は、法令に基づく場合を除き、あらかじめご本人の同意を得ずに個人情報を第三者に提供しません。"),
        (3, "（2）当社は、外国にある第三者に個人データを提供する場合、あらかじめ同意を得ます。"),
        (4, "① 提供先の国の名称"),
        (4, "② 当該国の個人情報保護制度"),
        (2, "第3条（お問い合わせ）"),
        (3, "【認定個人情報保護団体】"),
    ]
    .into_iter()
    .map(|(l, s)| (l, s.to_string()))
    .collect();
    assert_eq!(sections, expected);
}

/// Template code (PHP, Blade, Jinja, Smarty, ERB) is not text: no stray
/// `>` or `?>` paragraph, and the text around it keeps exact spans.
#[test]
fn template_code_is_not_text() {
    let doc = load("template.html");
    assert_eq!(doc.format, Format::Html);
    insta::assert_snapshot!(
        "template_outline",
        render_text(&doc, TextOptions::default())
    );
    let norm = &doc.norm.text;
    for code in [
        "?>",
        "<?",
        "@php",
        "@if",
        "{%",
        "$t(",
        "{$",
        "<%",
        "language_attributes",
    ] {
        assert!(!norm.contains(code), "{code} reached the text: {norm}");
    }
    // The translated string is visible text, at its place in the file.
    let at = doc.text.find("お客様相談室").unwrap();
    let node = doc
        .nodes
        .iter()
        .rfind(|n| n.kind.is_leaf_text() && n.src.start <= at && at < n.src.end)
        .unwrap();
    assert!(doc.text[node.src.clone()].contains("お客様相談室"));
    let p = doc.position(at);
    assert_eq!((p.line, p.column), (11, 30));
    // The paragraph with PHP in the middle of the name is one paragraph,
    // starting at its first character.
    let first = doc
        .nodes
        .iter()
        .find(|n| n.kind == NodeKind::Paragraph && !n.boilerplate)
        .unwrap();
    assert_eq!(doc.position(first.src.start).line, 8);
    assert!(
        doc.norm.text[first.norm.clone()].starts_with("サンプル商事株式会社(以下"),
        "{}",
        &doc.norm.text[first.norm.clone()]
    );
}

/// A Vue single-file component: the top-level <template> is the page, its
/// `$t('…')` strings are text, the script and style are not.
#[test]
fn vue_single_file_component() {
    let doc = load("privacy.vue");
    assert_eq!(doc.format, Format::Html);
    insta::assert_snapshot!("vue_outline", render_text(&doc, TextOptions::default()));
    let norm = &doc.norm.text;
    assert!(norm.contains("プライバシーポリシー") && norm.contains("お問い合わせ窓口"));
    assert!(
        !norm.contains("export default") && !norm.contains("margin") && !norm.contains("v-for")
    );
    let at = doc.text.find("個人情報に関する苦情").unwrap();
    let p = doc.position(at);
    assert_eq!((p.line, p.column), (11, 10));
}

/// The leaf node (heading, paragraph, list item) whose text holds `needle`
/// in the normalised text, and the source range of the needle.
fn leaf_with<'d>(
    doc: &'d Document,
    needle: &str,
) -> (&'d policylint::document::Node, std::ops::Range<usize>) {
    let at = doc
        .norm
        .text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {:?}", doc.norm.text));
    let node = doc
        .nodes
        .iter()
        .find(|n| n.kind.is_leaf_text() && n.norm.start <= at && at < n.norm.end)
        .unwrap();
    (node, doc.norm_to_src(at..at + needle.len()))
}

fn line_col(doc: &Document, offset: usize) -> (usize, usize) {
    let p = doc.position(offset);
    (p.line, p.column)
}

/// YAML front matter is metadata: a comment line is no h1, the keys no
/// setext h2, the SEO description no paragraph; the short title becomes the
/// h1 of a page that has none, spanning exactly its value.
#[test]
fn front_matter_is_metadata() {
    let doc = load("frontmatter.md");
    insta::assert_snapshot!(
        "frontmatter_outline",
        render_text(&doc, TextOptions::default())
    );
    let norm = &doc.norm.text;
    for meta in [
        "サイト生成用",
        "layout",
        "permalink",
        "keywords",
        "説明するページ",
    ] {
        assert!(!norm.contains(meta), "{meta} reached the text: {norm}");
    }
    let h1 = doc
        .nodes
        .iter()
        .position(|n| n.kind == NodeKind::Heading)
        .unwrap() as u32;
    assert_eq!(doc.src_text(h1), "個人情報の取扱いについて");
    assert_eq!(line_col(&doc, doc.node(h1).src.start), (4, 9));
    let sections = doc
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Section)
        .map(|n| n.level)
        .collect::<Vec<_>>();
    assert_eq!(sections, vec![1, 2, 2]);
}

/// A CMS page (Forestry blocks) keeps its whole text in front-matter
/// values: headlines become headings, HTML and prose values stay text with
/// exact spans; image paths and alt text do not.
#[test]
fn front_matter_blocks_stay_text() {
    let doc = load("frontmatter-blocks.md");
    insta::assert_snapshot!(
        "frontmatter_blocks_outline",
        render_text(&doc, TextOptions::default())
    );
    let norm = &doc.norm.text;
    assert!(!norm.contains("uploads") && !norm.contains("鍵のイラスト"));
    assert!(!norm.contains("template") && !norm.contains("detail-content"));
    // An entity inside a quoted HTML value decodes and maps back.
    let (node, src) = leaf_with(&doc, "受付窓口:こぐま工房");
    assert_eq!(node.kind, NodeKind::Paragraph);
    assert_eq!(&doc.text[src.clone()], "受付窓口：こぐま工房");
    assert_eq!(line_col(&doc, src.start), (26, 46));
    // A block scalar's paragraph, indentation stripped, keeps its place.
    let (_, src) = leaf_with(&doc, "端末の機種名");
    assert_eq!(line_col(&doc, src.start), (20, 22));
    let (_, src) = leaf_with(&doc, "氏名やメールアドレス");
    assert_eq!(&doc.text[src], "氏名や&nbsp;メールアドレス");
    // The headlines are the section headings, in order.
    let headings: Vec<&str> = doc
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == NodeKind::Heading)
        .map(|(i, _)| doc.norm_text(i as u32))
        .collect();
    assert_eq!(
        headings,
        vec!["プライバシーポリシー", "集めている情報", "連絡先"]
    );
}

/// Without a closing fence, a `---` line and what follows are the page.
#[test]
fn unterminated_front_matter_is_text() {
    let doc = load("frontmatter-unterminated.md");
    assert!(doc.norm.text.contains("title:見出しではない行"));
    assert!(doc.norm.text.contains("大切に扱います。"));
}

/// `<br>` ends a line: the normalised text keeps a line end there and a
/// sentence ends with it; heading-like lines of a `<br>` paragraph become
/// headings over the lines that follow them.
#[test]
fn html_br_ends_lines() {
    let doc = load("linebreaks.html");
    insta::assert_snapshot!(
        "linebreaks_html_outline",
        render_text(&doc, TextOptions::default())
    );
    // The date line and the name line no longer run together.
    let (node, src) = leaf_with(&doc, "制定日:2023年4月1日\n院長日向花子");
    assert_eq!(node.kind, NodeKind::Paragraph);
    assert_eq!(line_col(&doc, src.start), (8, 1));
    let sentences: Vec<&str> = node.children.iter().map(|&c| doc.src_text(c)).collect();
    assert_eq!(sentences.len(), 3, "{sentences:?}");
    assert_eq!(sentences[1], "制定日：2023年4月1日");
    // The window heading heads the lines after it.
    let (_, src) = leaf_with(&doc, "電話:03-1111-2222");
    assert_eq!(line_col(&doc, src.start), (18, 1));
    let sections: Vec<(u8, &str)> = doc
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == NodeKind::Section)
        .map(|(i, n)| {
            (
                n.level,
                doc.src_text(doc.section_heading(i as u32).unwrap()),
            )
        })
        .collect();
    assert_eq!(
        sections,
        vec![
            (1, "個人情報保護方針"),
            (2, "■個人情報の利用目的"),
            (2, "■安全管理措置"),
            (3, "1. 組織的安全管理措置"),
            (3, "2. 技術的安全管理措置"),
            (2, "■お問い合わせ"),
            (3, "【お問い合わせ窓口】"),
        ]
    );
    let items: Vec<&str> = doc
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == NodeKind::ListItem)
        .map(|(i, _)| doc.src_text(i as u32))
        .collect();
    assert_eq!(items, vec!["・氏名", "・生年月日", "・保険証の記号番号"]);
}

/// Markdown: a soft break is a space (CommonMark), a hard break (two
/// spaces, a backslash, an inline `<br>`) ends a line.
#[test]
fn markdown_hard_breaks_end_lines() {
    let doc = load("linebreaks.md");
    insta::assert_snapshot!(
        "linebreaks_md_outline",
        render_text(&doc, TextOptions::default())
    );
    let norm = &doc.norm.text;
    assert!(norm.contains("ご提供いただいた情報をサービスの提供のために利用します。"));
    let (node, src) = leaf_with(&doc, "あおぞら通信株式会社\n受付時間");
    assert_eq!(line_col(&doc, src.start), (10, 1));
    assert_eq!(node.children.len(), 3);
    let (_, src) = leaf_with(&doc, "メール:privacy@aozora.example");
    assert_eq!(line_col(&doc, src.start), (12, 1));
    let headings: Vec<&str> = doc
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == NodeKind::Heading)
        .map(|(i, _)| doc.src_text(i as u32))
        .collect();
    assert_eq!(
        headings,
        vec!["個人情報の取扱い", "第1条（目的）", "【お問い合わせ窓口】"]
    );
}

/// Plain text: a single newline inside a paragraph ends a line too.
#[test]
fn plain_text_lines_end_lines() {
    let doc = load("linebreaks.txt");
    let (node, src) = leaf_with(&doc, "こもれび食堂\n代表木下一郎");
    assert_eq!(node.kind, NodeKind::Paragraph);
    assert_eq!(node.children.len(), 2);
    let (_, src2) = leaf_with(&doc, "代表木下一郎");
    assert_eq!(line_col(&doc, src.start), (4, 1));
    assert_eq!(line_col(&doc, src2.start), (5, 1));
}

/// An EUC-JP page with CRLF line ends, half-width katakana and a JIS X 0212
/// kanji (鷗, three bytes). Generated with Python: the text written as UTF-8,
/// `\n` replaced by `\r\n`, encoded with the `euc_jp` codec.
#[test]
fn eucjp_crlf_page() {
    let doc = load("eucjp-crlf.html");
    assert_eq!(doc.encoding, "EUC-JP");
    insta::assert_snapshot!(
        "eucjp_crlf_outline",
        render_text(&doc, TextOptions::default())
    );
    assert!(
        doc.norm
            .text
            .contains("鷗ヶ丘観光協会(カモメガオカカンコウキョウカイ)")
    );
    let (node, src) = leaf_with(&doc, "個人情報保護管理者");
    assert_eq!(node.kind, NodeKind::Paragraph);
    assert_eq!(line_col(&doc, src.start), (16, 1));
    assert_eq!(doc.file_offset(src.start), 476);
    assert_eq!(
        doc.file_offset(src.end),
        476 + "個人情報保護管理者".chars().count() * 2
    );
    // Half-width katakana: one byte pair per char in EUC-JP (8E xx).
    let (_, src) = leaf_with(&doc, "カモメ");
    assert_eq!(&doc.text[src.clone()], "ｶﾓﾒ");
    assert_eq!(line_col(&doc, src.start), (10, 18));
    assert_eq!(doc.file_offset(src.start), 268);
}

/// One `<h3>` for a section and its numbered parts: the parts nest under the
/// unnumbered heading before them until the next unnumbered `<h3>`.
#[test]
fn flat_heading_levels_nest_by_numbering() {
    let doc = load("flat-headings.html");
    insta::assert_snapshot!(
        "flat_headings_outline",
        render_text(&doc, TextOptions::default())
    );
    let level_of = |title: &str| {
        doc.nodes
            .iter()
            .enumerate()
            .find(|(i, n)| {
                n.kind == NodeKind::Section
                    && doc
                        .section_heading(*i as u32)
                        .is_some_and(|h| doc.src_text(h) == title)
            })
            .map(|(_, n)| n.level)
    };
    assert_eq!(level_of("個人情報の利用目的"), Some(2));
    assert_eq!(level_of("(4) 採用選考"), Some(3));
    assert_eq!(level_of("請求書の送付"), Some(4));
    // The run ends at the next unnumbered <h3>.
    assert_eq!(level_of("第三者への提供"), Some(2));
    assert_eq!(level_of("②規程の整備"), Some(4));
    assert_eq!(level_of("2. 技術的な措置"), Some(3));
    let at = doc.text.find("(3) ご請求").unwrap();
    let p = doc.position(at);
    assert_eq!((p.line, p.column), (16, 5));
}

/// Empty headings are not sections; a title in another language directly
/// before a heading of its level is a paragraph, so its text stays.
#[test]
fn empty_and_translated_headings() {
    let doc = load("empty-heading.html");
    insta::assert_snapshot!(
        "empty_heading_outline",
        render_text(&doc, TextOptions::default())
    );
    let headings: Vec<&str> = doc
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Heading)
        .map(|n| doc.text[n.src.clone()].trim())
        .collect();
    assert_eq!(
        headings,
        vec![
            "プライバシーポリシー",
            "利用目的",
            "お問い合わせ",
            "Google Analytics"
        ]
    );
    // No text is lost: each translated title is a paragraph of its own.
    for title in ["Privacy Policy", "Purpose of Use", "Contact"] {
        let at = doc.text.find(&format!(">{title}<")).unwrap() + 1;
        let node = doc
            .nodes
            .iter()
            .find(|n| n.src.start == at)
            .unwrap_or_else(|| panic!("{title} has no node"));
        assert_eq!(node.kind, NodeKind::Paragraph, "{title}");
        assert_eq!(&doc.text[node.src.clone()], title);
    }
    // The text after the empty headings stays in the section before them.
    let at = doc.text.find("当院は、個人情報の保護").unwrap();
    let p = doc.position(at);
    assert_eq!((p.line, p.column), (14, 4));
    let para = doc.nodes.iter().find(|n| n.src.start == at).unwrap();
    let parent = doc.node(para.parent.unwrap());
    assert_eq!(
        doc.src_text(doc.section_heading(para.parent.unwrap()).unwrap()),
        "プライバシーポリシー"
    );
    assert_eq!(parent.level, 1);
}

/// A statute excerpt and internal rules appended after the policy: their
/// 第N条 articles are not nested into the policy's last section, and every
/// node of them is quoted.
#[test]
fn quoted_statute_after_the_policy() {
    let doc = load("quoted-statute.txt");
    assert_eq!(doc.format, Format::Text);
    insta::assert_snapshot!(
        "quoted_statute_outline",
        render_text(&doc, TextOptions::default())
    );
    let start = doc.text.find("個人情報の保護に関する法律（抜粋）").unwrap();
    let p = doc.position(start);
    assert_eq!((p.line, p.column), (19, 1));
    for (i, n) in doc.nodes.iter().enumerate().skip(1) {
        assert_eq!(n.quoted, n.src.start >= start, "node {i} {:?}", n.kind);
    }
    // The policy's last section ends with its own text.
    let last = doc
        .nodes
        .iter()
        .enumerate()
        .rfind(|(_, n)| n.kind == NodeKind::Section && !n.quoted)
        .unwrap();
    assert_eq!(
        doc.src_text(doc.section_heading(last.0 as u32).unwrap()),
        "4. お問い合わせ"
    );
    assert!(last.1.src.end < start);
    // Both appendices are top-level sections.
    let tops: Vec<&str> = doc
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == NodeKind::Section && n.quoted && n.level == 1)
        .map(|(i, _)| doc.src_text(doc.section_heading(i as u32).unwrap()))
        .collect();
    assert_eq!(
        tops,
        vec![
            "個人情報の保護に関する法律（抜粋）",
            "（参考）ひまわり保育園 個人情報取扱規程"
        ]
    );
    let json = policylint::report::outline::to_json(&doc);
    let quoted = json["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["quoted"] == true)
        .count();
    assert_eq!(quoted, doc.nodes.iter().filter(|n| n.quoted).count());
    assert!(quoted > 10);
}

/// A policy written as articles is the policy, not a quotation, even when
/// its title names rules.
#[test]
fn a_policy_written_as_articles_is_not_quoted() {
    let text = "個人情報取扱規程\n\n第1条（目的）\nこの規程は、当社の個人情報の取扱いを定める。\n\n第2条（利用目的）\n当社は、取引先との連絡のために個人情報を利用する。\n";
    let doc = Document::parse(
        Path::new("rules.txt"),
        policylint::source::decode(text.as_bytes()).unwrap(),
        Format::Text,
    );
    assert!(doc.nodes.iter().all(|n| !n.quoted));
    assert_eq!(
        doc.nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Section)
            .count(),
        2
    );
}

/// Every shape of page, checked with the built-in pack: the first finding
/// of each fixture points at the right text, at the right line and column
/// (template code, front matter, `<br>` lines, empty headings and EUC-JP
/// all keep exact spans), and nothing points into a quoted statute.
#[test]
fn each_shape_locates_its_findings() {
    use policylint::engine::{Engine, Settings};
    use policylint::rules::Loader;
    let mut loader = Loader::new();
    loader.add_builtin();
    let set = loader.compile().unwrap();
    let engine = Engine::new(&set, Settings::default());
    let expected = [
        // Its 受付窓口 with a phone number is a contact window: the first
        // finding is the operator's identity, at the same place.
        (
            "empty-heading.html",
            "appi/operator-identity",
            7,
            5,
            "Privacy Policy",
        ),
        (
            "eucjp-crlf.html",
            "appi/security-measures",
            9,
            5,
            "個人情報",
        ),
        (
            "flat-headings.html",
            "appi/operator-identity",
            6,
            5,
            "個人情報の取扱いについて",
        ),
        (
            "frontmatter-toml.md",
            "appi/security-measures",
            2,
            10,
            "個人情報",
        ),
        (
            "frontmatter-unterminated.md",
            "appi/complaint-contact",
            2,
            1,
            "title: 見出しではない行",
        ),
        ("frontmatter.md", "appi/security-measures", 4, 9, "個人情報"),
        (
            "linebreaks.html",
            "appi/operator-identity",
            6,
            5,
            "個人情報保護方針",
        ),
        ("linebreaks.md", "appi/security-measures", 1, 3, "個人情報"),
        ("linebreaks.txt", "appi/security-measures", 1, 1, "個人情報"),
        (
            "privacy.vue",
            "appi/operator-identity",
            3,
            16,
            "プライバシーポリシー",
        ),
        // Its window ("お問い合わせは、園長までお申し出ください") has no
        // channel: that finding is at the window (15:1), not at the top.
        (
            "quoted-statute.txt",
            "appi/operator-identity",
            1,
            1,
            "ひまわり保育園 個人情報保護方針",
        ),
        (
            "template.html",
            "appi/operator-identity",
            7,
            5,
            "プライバシーポリシー",
        ),
    ];
    for (file, rule, line, column, text) in expected {
        let path = Path::new("fixtures/formats").join(file);
        let r = engine.check_path(&path);
        let doc = load(file);
        let d = &r.diagnostics[0];
        assert_eq!(
            (d.rule.as_str(), d.start.line, d.start.column),
            (rule, line, column),
            "{file}"
        );
        assert!(
            doc.text[d.span.clone()].starts_with(text),
            "{file}: {:?}",
            &doc.text[d.span.clone()]
        );
        let quoted: Vec<_> = doc
            .nodes
            .iter()
            .filter(|n| n.quoted)
            .map(|n| n.src.clone())
            .collect();
        for d in &r.diagnostics {
            for q in &quoted {
                assert!(
                    !(q.start <= d.span.start && d.span.start < q.end),
                    "{file}: {} in a quotation",
                    d.rule
                );
                for l in &d.labels {
                    assert!(
                        !(q.start <= l.span.start && l.span.start < q.end),
                        "{file}: a label in a quotation"
                    );
                }
            }
        }
    }
}

/// TOML front matter (Hugo's `+++`) is metadata like YAML's; its title is
/// the page's h1 when the body has none.
#[test]
fn toml_front_matter_is_metadata() {
    let doc = load("frontmatter-toml.md");
    insta::assert_snapshot!(
        "frontmatter_toml_outline",
        render_text(&doc, TextOptions::default())
    );
    assert!(!doc.norm.text.contains("draft") && !doc.norm.text.contains("hugo"));
    let (node, src) = leaf_with(&doc, "個人情報の取扱い");
    assert_eq!(node.kind, NodeKind::Heading);
    assert_eq!(line_col(&doc, src.start), (2, 10));
}
