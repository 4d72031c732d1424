//! Parser of the rule language: turns a rule file into the syntax tree of
//! [`super::ast`], together with every error it finds.
//!
//! Tokens are nom parsers over `&str`. Spans are byte offsets into the whole
//! file, computed from how much input is left (`src.len() - rest.len()`),
//! which holds because nom only ever hands on suffixes of its input.
//! Items and statements are nom-style functions; the loops around them
//! (the file, each `{ … }` block) recover after an error, at the next
//! statement line or the next top-level item, so that one run reports every
//! error of a file.
//!
//! The work is split by layer: `lex` reads tokens, `recover` builds located
//! errors and finds where to resume after one, `stmt` reads patterns and the
//! statements of blocks, `items` reads fields, blocks, the items of a rule
//! and the top-level items of a file.

mod items;
mod lex;
mod recover;
mod stmt;

use std::cell::RefCell;

use super::ast::File;
use super::diagnostic::RuleError;

/// Deepest nesting of `{ … }` blocks in a rule, counting the rule's own
/// braces. The parser recurses once per level and rule files come from pull
/// requests, so the depth must be bounded.
const MAX_DEPTH: usize = 64;

/// Parse a rule file. Never fails as a whole: returns what it could parse
/// and every error found, recovering at the next top-level item (`pack`,
/// `import`, `term`, `rule` at the start of a line) after an error, and
/// inside a rule at the next statement line where possible, so that several
/// errors are reported at once.
pub fn parse(src: &str) -> (File, Vec<RuleError>) {
    let reader = Reader {
        src,
        errors: RefCell::new(Vec::new()),
    };
    let file = reader.file();
    let mut errors = reader.errors.into_inner();
    // Errors are recorded as found, which is not always source order (an
    // unclosed block is noticed after its contents). Dedup is insurance: a
    // parser that backtracked over a string would report its bad escapes
    // twice.
    errors.sort_by_key(|e| (e.span.start, e.span.end));
    errors.dedup();
    (file, errors)
}

struct Reader<'a> {
    src: &'a str,
    /// Every error found, in the order found.
    errors: RefCell<Vec<RuleError>>,
}

impl<'a> Reader<'a> {
    fn off(&self, i: &str) -> usize {
        self.src.len().saturating_sub(i.len())
    }

    fn rest(&self, at: usize) -> &'a str {
        self.src.get(at..).unwrap_or("")
    }

    fn push(&self, e: RuleError) {
        self.errors.borrow_mut().push(e);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::items::TOP_HELP;
    use super::lex::dedent;
    use super::*;
    use crate::rules::ast::{
        Anchor, Expr, Field, FieldValue, Item, NodeScope, RequireMode, RuleDef, Scope, ScopeBlock,
        Side, Span, Spanned, Stmt, TestKind, TestSource,
    };
    use crate::rules::diagnostic::RuleErrorKind;

    const EXAMPLE: &str = r#"# demo pack
pack demo { title "Demo" }
import "common.rules"

term contact = "お問い合わせ" | "お問合せ" | /相談窓口/
term joint_use = "共同利用" | "共同して利用"
term exception = /共同して利用する場合であって/

rule demo/joint-use {
  title.ja "共同利用の公表事項"
  title.en "Joint use disclosures"
  severity error
  cite "個人情報保護法 第27条第5項第3号"
  url "https://example.com/rules/joint-use"
  effective 2022-04-01
  tags [joint-use, appi]
  when mentions joint_use unless in exception
  in section(joint_use) or document {
    anchor heading
    require all {
      items = /共同(して)?利用(される|する)[^。]{0,20}項目/ as "項目" / "data items"
      controller = /管理について責任を有する者/ as "管理責任者" / "controller" {
        in near 300 {
          require 2 of {
            controller-name = corp_name
            controller-address = address
          }
          reference "会社概要" -> warning
        }
      }
    }
    forbid "閉鎖しました" near contact within 100
  }
  include boilerplate
  message.ja "共同利用の{missing}が記載されていません"
  message.en "Joint use: {missing} not stated"
  test pass """
    5. 共同利用
    共同して利用される個人データの項目: 氏名
    """
  test fail "共同利用します。" format text
    expect missing [items, controller] at 1:1
  test fail file "cases/bad.md"
    expect missing [controller-address]
}
"#;

    /// The text a span covers.
    fn at(src: &str, span: &Span) -> String {
        src.get(span.clone())
            .map(str::to_string)
            .unwrap_or_else(|| format!("<bad span {span:?}>"))
    }

    /// The span of the `n`th (from 0) occurrence of `needle`.
    fn find(src: &str, needle: &str, n: usize) -> Span {
        let start = src
            .match_indices(needle)
            .nth(n)
            .map(|(k, _)| k)
            .expect("needle in source");
        start..start + needle.len()
    }

    fn parse_ok(src: &str) -> File {
        let (file, errors) = parse(src);
        assert_eq!(errors, vec![], "unexpected errors");
        file
    }

    fn rules(file: &File) -> Vec<&RuleDef> {
        file.items
            .iter()
            .filter_map(|i| match i {
                Item::Rule(r) => Some(r),
                _ => None,
            })
            .collect()
    }

    fn only_rule(file: &File) -> &RuleDef {
        let rules = rules(file);
        assert_eq!(rules.len(), 1, "one rule");
        rules[0]
    }

    fn lit(e: &Expr) -> (&'static str, &str) {
        match e {
            Expr::Literal(s) => ("lit", &s.node),
            Expr::Regex(s) => ("re", &s.node),
            Expr::Ref(s) => ("ref", &s.node),
            Expr::Alt(..) => ("alt", ""),
            Expr::Seq { .. } => ("seq", ""),
            Expr::Except { .. } => ("except", ""),
        }
    }

    fn alts(e: &Expr) -> Vec<(&'static str, &str)> {
        match e {
            Expr::Alt(v, _) => v.iter().map(lit).collect(),
            other => vec![lit(other)],
        }
    }

    fn field<'f>(fields: &'f [Field], key: &str) -> &'f FieldValue {
        &fields
            .iter()
            .find(|f| f.key.node == key)
            .expect("field")
            .value
    }

    fn word(v: &FieldValue) -> (&'static str, &str) {
        match v {
            FieldValue::Str(s) => ("str", &s.node),
            FieldValue::Word(s) => ("word", &s.node),
            FieldValue::Date(s) => ("date", &s.node),
            FieldValue::Pair(..) => ("pair", ""),
            FieldValue::List(..) => ("list", ""),
        }
    }

    #[test]
    fn consistent_with_and_without_ignoring() {
        let src = "rule t/c {\n  consistent /[a-z]{2,5}株式会社/ ignoring legal | \"社\"\n  consistent corp\n}\n";
        let file = parse_ok(src);
        let r = only_rule(&file);
        let stmts: Vec<&crate::rules::ast::Consistent> = r
            .body
            .iter()
            .filter_map(|s| match s {
                Stmt::Consistent(c) => Some(c),
                _ => None,
            })
            .collect();
        assert_eq!(stmts.len(), 2);
        assert_eq!(lit(&stmts[0].expr), ("re", "[a-z]{2,5}株式会社"));
        let ignoring = stmts[0].ignoring.as_ref().expect("ignoring");
        assert_eq!(alts(ignoring), [("ref", "legal"), ("lit", "社")]);
        assert_eq!(
            &src[stmts[0].span.clone()],
            "consistent /[a-z]{2,5}株式会社/ ignoring legal | \"社\""
        );
        assert!(stmts[1].ignoring.is_none());
        // `ignoring` needs a pattern.
        let (_, errors) = parse("rule t/c {\n  consistent corp ignoring\n}\n");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].message, "expected a pattern after `ignoring`");
    }

    #[test]
    fn a_string_left_open_is_reported_at_its_quote() {
        // The string would otherwise run on to the next `"`, two lines down.
        let src = "rule t/x {\n  title.ja \"abc\n  severity error\n  message.ja \"m\"\n}\n";
        let (_, errors) = parse(src);
        let open = errors
            .iter()
            .find(|e| e.kind == RuleErrorKind::UnterminatedString)
            .expect("an unterminated string");
        assert_eq!(open.span.start, src.find("\"abc").unwrap());
        // A help text that goes on over lines is still one string.
        let ok = "rule t/x {\n  help.en \"Use the name\n  in every place.\"\n  severity error\n}\n";
        let (_, errors) = parse(ok);
        assert!(
            errors
                .iter()
                .all(|e| e.kind != RuleErrorKind::UnterminatedString),
            "{errors:?}"
        );
    }

    /// Every error of `src`, rendered as a user sees it.
    fn render(src: &str, errors: &[RuleError]) -> String {
        let handler =
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
        let source = Arc::new(src.to_string());
        let mut out = String::new();
        for e in errors {
            let located = e.clone().located("demo.rules", Arc::clone(&source));
            handler.render_report(&mut out, &located).expect("render");
            out.push('\n');
        }
        out
    }

    /// Parses `src`, which must give exactly one error, and snapshots it.
    fn one_error(name: &str, src: &str) -> (File, RuleError) {
        let (file, errors) = parse(src);
        assert_eq!(errors.len(), 1, "errors: {errors:#?}");
        insta::assert_snapshot!(name, render(src, &errors));
        let e = errors.into_iter().next().expect("one error");
        (file, e)
    }

    #[test]
    fn example_gives_the_tree() {
        let file = parse_ok(EXAMPLE);
        assert_eq!(file.items.len(), 6);
        let Item::Pack(pack) = &file.items[0] else {
            panic!("pack first")
        };
        assert_eq!(pack.name.node, "demo");
        assert_eq!(word(field(&pack.fields, "title")), ("str", "Demo"));
        let Item::Import(path) = &file.items[1] else {
            panic!("import second")
        };
        assert_eq!(path.node, "common.rules");
        let terms: Vec<_> = file
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Term(t) => Some((t.name.node.as_str(), alts(&t.expr))),
                _ => None,
            })
            .collect();
        assert_eq!(
            terms,
            vec![
                (
                    "contact",
                    vec![
                        ("lit", "お問い合わせ"),
                        ("lit", "お問合せ"),
                        ("re", "相談窓口")
                    ]
                ),
                (
                    "joint_use",
                    vec![("lit", "共同利用"), ("lit", "共同して利用")]
                ),
                ("exception", vec![("re", "共同して利用する場合であって")]),
            ]
        );

        let rule = only_rule(&file);
        assert_eq!(rule.id.node, "demo/joint-use");
        let keys: Vec<_> = rule.fields.iter().map(|f| f.key.node.as_str()).collect();
        assert_eq!(
            keys,
            [
                "title.ja",
                "title.en",
                "severity",
                "cite",
                "url",
                "effective",
                "tags",
                "message.ja",
                "message.en"
            ]
        );
        assert_eq!(word(field(&rule.fields, "severity")), ("word", "error"));
        assert_eq!(
            word(field(&rule.fields, "effective")),
            ("date", "2022-04-01")
        );
        assert_eq!(
            word(field(&rule.fields, "message.ja")),
            ("str", "共同利用の{missing}が記載されていません")
        );
        let FieldValue::List(tags, _) = field(&rule.fields, "tags") else {
            panic!("tags list")
        };
        let tags: Vec<_> = tags.iter().map(|t| t.node.as_str()).collect();
        assert_eq!(tags, ["joint-use", "appi"]);

        let when = rule.when.as_ref().expect("when");
        assert_eq!(alts(&when.mentions), [("ref", "joint_use")]);
        assert_eq!(
            alts(when.unless_in.as_ref().expect("unless")),
            [("ref", "exception")]
        );

        assert_eq!(rule.body.len(), 2);
        let Stmt::Scope(section) = &rule.body[0] else {
            panic!("scope block")
        };
        let Scope::Section {
            heading: Some(heading),
            or_document: true,
            ..
        } = &section.scope
        else {
            panic!("section(…) or document: {:?}", section.scope)
        };
        assert_eq!(alts(heading), [("ref", "joint_use")]);
        assert!(matches!(rule.body[1], Stmt::IncludeBoilerplate(_)));
        assert_eq!(section.body.len(), 3);
        assert!(matches!(
            section.body[0],
            Stmt::Anchor(Spanned {
                node: Anchor::Heading,
                ..
            })
        ));
        let Stmt::Require(req) = &section.body[1] else {
            panic!("require")
        };
        assert_eq!(req.mode.node, RequireMode::All);
        let names: Vec<_> = req.elements.iter().map(|e| e.name.node.as_str()).collect();
        assert_eq!(names, ["items", "controller"]);
        let items = &req.elements[0];
        assert_eq!(
            alts(&items.expr),
            [("re", "共同(して)?利用(される|する)[^。]{0,20}項目")]
        );
        assert_eq!(
            items.label_ja.as_ref().map(|l| l.node.as_str()),
            Some("項目")
        );
        assert_eq!(
            items.label_en.as_ref().map(|l| l.node.as_str()),
            Some("data items")
        );
        assert!(items.body.is_empty());
        let controller = &req.elements[1];
        assert_eq!(
            controller.label_ja.as_ref().map(|l| l.node.as_str()),
            Some("管理責任者")
        );
        assert_eq!(
            controller.label_en.as_ref().map(|l| l.node.as_str()),
            Some("controller")
        );
        let [Stmt::Scope(near)] = controller.body.as_slice() else {
            panic!("element block")
        };
        let Scope::Near {
            of: None, chars, ..
        } = &near.scope
        else {
            panic!("near 300")
        };
        assert_eq!(chars.node, 300);
        let [Stmt::Require(inner), Stmt::Reference(reference)] = near.body.as_slice() else {
            panic!("require and reference")
        };
        assert_eq!(inner.mode.node, RequireMode::AtLeast(2));
        let inner: Vec<_> = inner
            .elements
            .iter()
            .map(|e| (e.name.node.as_str(), alts(&e.expr)))
            .collect();
        assert_eq!(
            inner,
            [
                ("controller-name", vec![("ref", "corp_name")]),
                ("controller-address", vec![("ref", "address")])
            ]
        );
        assert_eq!(alts(&reference.expr), [("lit", "会社概要")]);
        assert_eq!(
            reference.severity.as_ref().map(|s| s.node.as_str()),
            Some("warning")
        );
        let Stmt::Forbid(forbid) = &section.body[2] else {
            panic!("forbid")
        };
        assert_eq!(alts(&forbid.expr), [("lit", "閉鎖しました")]);
        let (near_expr, within) = forbid.near.as_ref().expect("near");
        assert_eq!(alts(near_expr), [("ref", "contact")]);
        assert_eq!(within.node, 100);

        assert_eq!(rule.tests.len(), 3);
        let t0 = &rule.tests[0];
        assert_eq!(t0.kind.node, TestKind::Pass);
        let TestSource::Inline(text) = &t0.source else {
            panic!("inline")
        };
        assert_eq!(
            text.node,
            "5. 共同利用\n共同して利用される個人データの項目: 氏名\n"
        );
        assert!(t0.expects.is_empty());
        let t1 = &rule.tests[1];
        assert_eq!(t1.kind.node, TestKind::Fail);
        assert_eq!(
            t1.source,
            TestSource::Inline(Spanned::new(
                "共同利用します。".into(),
                find(EXAMPLE, "\"共同利用します。\"", 0)
            ))
        );
        assert_eq!(t1.format.as_ref().map(|f| f.node.as_str()), Some("text"));
        let [e1] = t1.expects.as_slice() else {
            panic!("one expect")
        };
        let missing: Vec<_> = e1
            .missing
            .iter()
            .flatten()
            .map(|m| m.node.as_str())
            .collect();
        assert_eq!(missing, ["items", "controller"]);
        assert_eq!(e1.at, Some(Spanned::new((1, 1), find(EXAMPLE, "1:1", 0))));
        let t2 = &rule.tests[2];
        let TestSource::File(path) = &t2.source else {
            panic!("file")
        };
        assert_eq!(path.node, "cases/bad.md");
        let [e2] = t2.expects.as_slice() else {
            panic!("one expect")
        };
        let missing: Vec<_> = e2
            .missing
            .iter()
            .flatten()
            .map(|m| m.node.as_str())
            .collect();
        assert_eq!(missing, ["controller-address"]);
        assert_eq!(e2.at, None);
    }

    #[test]
    fn spans_cover_exactly_their_text() {
        let src = EXAMPLE;
        let file = parse_ok(src);
        let rule = only_rule(&file);
        assert_eq!(rule.id.span, 255..269);
        assert_eq!(at(src, &rule.id.span), "demo/joint-use");
        assert_eq!(rule.span.start, find(src, "rule demo", 0).start);
        assert_eq!(rule.span.end, src.trim_end().len());

        let cite = rule
            .fields
            .iter()
            .find(|f| f.key.node == "cite")
            .expect("cite");
        assert_eq!(
            at(src, &cite.span),
            "cite \"個人情報保護法 第27条第5項第3号\""
        );
        // Inside Japanese text: the value's span starts after "cite ".
        assert_eq!(cite.value.span(), 372..418);
        let tags = rule
            .fields
            .iter()
            .find(|f| f.key.node == "tags")
            .expect("tags");
        assert_eq!(at(src, &tags.span), "tags [joint-use, appi]");
        assert_eq!(at(src, &tags.value.span()), "[joint-use, appi]");

        // Walk to `corp_name`.
        let Stmt::Scope(section) = &rule.body[0] else {
            panic!()
        };
        assert_eq!(
            at(src, &section.scope.span()),
            "section(joint_use) or document"
        );
        let Stmt::Require(req) = &section.body[1] else {
            panic!()
        };
        let controller = &req.elements[1];
        assert!(at(src, &controller.span).starts_with("controller = /管理"));
        assert!(at(src, &controller.span).ends_with("}\n      }"));
        let Stmt::Scope(near) = &controller.body[0] else {
            panic!()
        };
        assert_eq!(at(src, &near.scope.span()), "near 300");
        let Stmt::Require(inner) = &near.body[0] else {
            panic!()
        };
        assert_eq!(at(src, &inner.mode.span), "2 of");
        let corp = &inner.elements[0].expr;
        assert_eq!(corp.span(), find(src, "corp_name", 0));
        assert_eq!(corp.span(), 909..918);
        assert_eq!(
            at(src, &inner.elements[0].span),
            "controller-name = corp_name"
        );
        let Stmt::Reference(reference) = &near.body[1] else {
            panic!()
        };
        assert_eq!(
            at(src, &reference.span),
            "reference \"会社概要\" -> warning"
        );

        // Term alternatives: the Alt spans all of them, the regex its slashes.
        let Item::Term(contact) = &file.items[2] else {
            panic!()
        };
        assert_eq!(
            at(src, &contact.expr.span()),
            "\"お問い合わせ\" | \"お問合せ\" | /相談窓口/"
        );
        let Expr::Alt(parts, _) = &contact.expr else {
            panic!()
        };
        assert_eq!(at(src, &parts[2].span()), "/相談窓口/");
        assert_eq!(
            at(src, &contact.span),
            "term contact = \"お問い合わせ\" | \"お問合せ\" | /相談窓口/"
        );

        let t1 = &rule.tests[1];
        assert_eq!(
            at(src, &t1.span),
            "test fail \"共同利用します。\" format text\n    expect missing [items, controller] at 1:1"
        );
        assert_eq!(at(src, &t1.expects[0].at.as_ref().expect("at").span), "1:1");
        let Stmt::Forbid(forbid) = &section.body[2] else {
            panic!()
        };
        assert_eq!(
            at(src, &forbid.span),
            "forbid \"閉鎖しました\" near contact within 100"
        );
    }

    #[test]
    fn strings_regexes_and_dedent() {
        let src = "term a = \"q\\\"b\\\\s\\n\\t\" | /a\\/b\\d/ | \"line\none\"\n";
        let file = parse_ok(src);
        let Item::Term(t) = &file.items[0] else {
            panic!()
        };
        assert_eq!(
            alts(&t.expr),
            [
                ("lit", "q\"b\\s\n\t"),
                ("re", "a/b\\d"),
                ("lit", "line\none")
            ]
        );

        assert_eq!(dedent("\n    a\n      b\n\n    c\n    "), "a\n  b\n\nc\n");
        assert_eq!(dedent("no break\n  x"), "no break\n  x");
        // An ideographic space is text, not indentation.
        assert_eq!(dedent("\n  \u{3000}本文\n  x"), "\u{3000}本文\nx");
        let file = parse_ok("rule a { test pass \"\"\"\r\n  x\r\n  y\"\"\" }");
        let TestSource::Inline(text) = &only_rule(&file).tests[0].source else {
            panic!()
        };
        assert_eq!(text.node, "x\r\ny");
    }

    #[test]
    fn sequences_excepts_groups_and_continued_regexes() {
        let src = "term a = (\"x\" | b) then /y\\\r\n      z/ within 5 | \"w\" except followed by \"v\" then c";
        let file = parse_ok(src);
        let Item::Term(t) = &file.items[0] else {
            panic!()
        };
        let Expr::Alt(alts, _) = &t.expr else {
            panic!("{:?}", t.expr)
        };
        let Expr::Seq {
            first,
            then,
            within,
            span,
        } = &alts[0]
        else {
            panic!("{:?}", alts[0])
        };
        // The group is its alternatives; the continued regex has no line
        // break and no indentation.
        assert_eq!(self::alts(first), [("lit", "x"), ("ref", "b")]);
        assert_eq!(lit(then), ("re", "yz"));
        assert_eq!(within.as_ref().map(|n| n.node), Some(5));
        assert_eq!(at(src, span), "(\"x\" | b) then /y\\\r\n      z/ within 5");
        // `except` binds tighter than `then`.
        let Expr::Seq { first, then, .. } = &alts[1] else {
            panic!("{:?}", alts[1])
        };
        let Expr::Except { base, side, by, .. } = first.as_ref() else {
            panic!("{first:?}")
        };
        assert_eq!(
            (lit(base), *side, lit(by)),
            (("lit", "w"), Side::After, ("lit", "v"))
        );
        assert_eq!(lit(then), ("ref", "c"));
    }

    #[test]
    fn layout_is_free() {
        // Ideographic spaces, CRLF, `;`, comments with braces, several items on one line.
        let src = "term a = \"x\"\u{3000}term b = a|\"y\" # } {\r\nrule r/s{severity error;anchor trigger;in document{forbid b}}";
        let file = parse_ok(src);
        assert_eq!(file.items.len(), 3);
        let rule = only_rule(&file);
        assert_eq!(rule.fields.len(), 1);
        assert_eq!(rule.body.len(), 2);
    }

    #[test]
    fn words_that_are_also_keywords() {
        // `all` and `term` as element names; a mode needs `{`.
        let src =
            "rule a {\n  require all = /x/\n  require any {\n    term = /y/, rule = /z/\n  }\n}\n";
        let file = parse_ok(src);
        let rule = only_rule(&file);
        let [Stmt::Require(r1), Stmt::Require(r2)] = rule.body.as_slice() else {
            panic!()
        };
        assert_eq!(
            (r1.mode.node, r1.elements[0].name.node.as_str()),
            (RequireMode::All, "all")
        );
        assert_eq!(at(src, &r1.mode.span), "require");
        assert_eq!(r2.mode.node, RequireMode::Any);
        let names: Vec<_> = r2.elements.iter().map(|e| e.name.node.as_str()).collect();
        assert_eq!(names, ["term", "rule"]);
    }

    #[test]
    fn every_scope_form() {
        let src = "rule a {\n in document {}\n in section {}\n in section of x | /y/ {}\n in paragraph with z {}\n in list-item {}\n in near x within 50 {}\n anchor nearest items\n}";
        let file = parse_ok(src);
        let scopes: Vec<_> = only_rule(&file)
            .body
            .iter()
            .filter_map(|s| match s {
                Stmt::Scope(b) => Some(at(src, &b.scope.span())),
                _ => None,
            })
            .collect();
        assert_eq!(
            scopes,
            [
                "document",
                "section",
                "section of x | /y/",
                "paragraph with z",
                "list-item",
                "near x within 50"
            ]
        );
        let rule = only_rule(&file);
        assert!(matches!(
            &rule.body[3],
            Stmt::Scope(ScopeBlock {
                scope: Scope::Node {
                    kind: Spanned {
                        node: NodeScope::Paragraph,
                        ..
                    },
                    with: Some(_),
                    ..
                },
                ..
            })
        ));
        assert!(
            matches!(&rule.body[6], Stmt::Anchor(Spanned { node: Anchor::Nearest(n), .. }) if n.node == "items")
        );
    }

    #[test]
    fn unterminated_string() {
        let src = "term a = \"abc\n\nterm b = /x/\n";
        let (file, e) = one_error("unterminated_string", src);
        assert_eq!(e.kind, RuleErrorKind::UnterminatedString);
        assert_eq!(e.message, "unterminated string");
        assert_eq!(e.label, "this string is never closed");
        assert_eq!(e.help.as_deref(), Some("add the closing `\"`"));
        assert_eq!(e.span, 9..13);
        // Recovery goes on at the next item after the quote's line.
        assert_eq!(file.items.len(), 1);
        assert!(matches!(&file.items[0], Item::Term(t) if t.name.node == "b"));
    }

    #[test]
    fn string_running_into_the_next_item_is_unterminated() {
        let src = "term contact = \"お問い合わせ\nterm ok = \"窓口\"\nrule a {\n  test pass \"x\nrule of thumb\"\n}\n";
        let (file, e) = one_error("string_into_next_item", src);
        assert_eq!(e.kind, RuleErrorKind::UnterminatedString);
        assert_eq!(at(src, &e.span), "\"お問い合わせ");
        // The next item is read; a line that only starts with `rule` is text.
        let Item::Term(ok) = &file.items[0] else {
            panic!()
        };
        assert_eq!(alts(&ok.expr), [("lit", "窓口")]);
        let TestSource::Inline(text) = &only_rule(&file).tests[0].source else {
            panic!()
        };
        assert_eq!(text.node, "x\nrule of thumb");
    }

    #[test]
    fn unterminated_triple_quoted_string() {
        let src = "rule a {\n  test pass \"\"\"\n  text\n";
        let (file, e) = one_error("unterminated_triple_string", src);
        assert_eq!(e.kind, RuleErrorKind::UnterminatedString);
        assert_eq!(
            e.span,
            find(src, "\"\"\"", 0).start..src.find("\n  text").expect("line")
        );
        assert_eq!(e.help.as_deref(), Some("add the closing `\"\"\"`"));
        assert!(file.items.is_empty());
    }

    #[test]
    fn unterminated_regex() {
        let src = "rule a {\n  forbid /閉鎖\\/\n  severity error\n}\n";
        let (file, e) = one_error("unterminated_regex", src);
        assert_eq!(e.kind, RuleErrorKind::UnterminatedString);
        assert_eq!(e.message, "unterminated regex");
        assert_eq!(e.label, "this regex is never closed");
        assert_eq!(at(src, &e.span), "/閉鎖\\/");
        // Only the statement is lost.
        let rule = only_rule(&file);
        assert!(rule.body.is_empty());
        assert_eq!(rule.fields.len(), 1);
    }

    #[test]
    fn unknown_scope_skips_its_block() {
        let src = "rule a {\n  in chapter {\n    forbid \"\\\"}\" | /\\/}/ # }\n    in document { anchor scope }\n  }\n  severity error\n}\n";
        let (file, e) = one_error("unknown_scope", src);
        assert_eq!(e.kind, RuleErrorKind::UnknownScope);
        assert_eq!(e.message, "unknown scope `chapter`");
        assert_eq!(e.label, "not a scope");
        assert_eq!(e.span, find(src, "chapter", 0));
        assert_eq!(
            e.help.as_deref(),
            Some(
                "a scope is one of: document, section(…), sections(…), section of …, paragraph, sentence, list-item, cell, near … within N"
            )
        );
        let rule = only_rule(&file);
        assert!(rule.body.is_empty());
        assert_eq!(rule.fields.len(), 1);
        assert_eq!(rule.span, 0..src.trim_end().len());
    }

    #[test]
    fn missing_equals_in_a_term() {
        let src = "term contact \"お問い合わせ\"\nterm b = \"x\"\n";
        let (file, e) = one_error("missing_equals", src);
        assert_eq!(e.kind, RuleErrorKind::Syntax);
        assert_eq!(e.message, "expected `=` after the term name");
        assert_eq!(e.label, "found a string here");
        assert_eq!(e.span, find(src, "\"お問い合わせ\"", 0));
        assert_eq!(file.items.len(), 1);
    }

    #[test]
    fn missing_pattern_at_the_end_of_a_line() {
        let src = "term contact =\nterm b = \"x\"\n";
        let (_, e) = one_error("missing_pattern", src);
        assert_eq!(e.message, "expected a pattern after `=`");
        assert_eq!(e.label, "the line ends here");
        assert_eq!(e.span, 14..14);
    }

    #[test]
    fn missing_closing_brace_at_the_end_of_the_file() {
        let src = "rule appi/x {\n  severity error\n  in document {\n    anchor heading\n  }\n";
        let (file, e) = one_error("missing_brace", src);
        assert_eq!(e.kind, RuleErrorKind::Syntax);
        assert_eq!(e.message, "expected `}` to close the rule `appi/x`");
        assert_eq!(e.label, "this `{` is never closed");
        assert_eq!(e.span, 12..13);
        assert_eq!(
            e.related,
            vec![(
                src.len() - 1..src.len() - 1,
                "the file ends here".to_string()
            )]
        );
        // What was read is kept.
        let rule = only_rule(&file);
        assert_eq!((rule.fields.len(), rule.body.len()), (1, 1));
        assert_eq!(at(src, &rule.span), src.trim_end());
    }

    #[test]
    fn missing_closing_brace_before_the_next_rule() {
        let src = "rule a {\n  in document {\n    anchor heading\n}\nrule b {\n}\n";
        let (file, e) = one_error("missing_brace_next_rule", src);
        assert_eq!(e.message, "expected `}` to close the rule `a`");
        assert_eq!(
            e.related,
            vec![(
                find(src, "rule", 1),
                "the next item starts here".to_string()
            )]
        );
        let ids: Vec<_> = rules(&file).iter().map(|r| r.id.node.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
    }

    #[test]
    fn stray_token_at_top_level() {
        let src = "term a = \"x\")\nterm b = \"y\"\n";
        let (file, e) = one_error("stray_token", src);
        assert_eq!(e.kind, RuleErrorKind::Syntax);
        assert_eq!(e.message, "unexpected `)`");
        assert_eq!(e.label, "found `)` here");
        assert_eq!(e.span, 12..13);
        assert_eq!(e.help.as_deref(), Some(TOP_HELP));
        assert_eq!(file.items.len(), 2);
    }

    #[test]
    fn test_outside_a_rule() {
        let src = "test pass \"x\"\n  expect\nrule a {}\n";
        let (file, e) = one_error("test_outside_rule", src);
        assert_eq!(e.message, "`test` must come inside a rule");
        assert_eq!(e.span, 0..4);
        assert_eq!(rules(&file).len(), 1);
    }

    #[test]
    fn bad_escape() {
        let src = "term a = \"x\\d+\"\n";
        let (file, e) = one_error("bad_escape", src);
        assert_eq!(e.kind, RuleErrorKind::Syntax);
        assert_eq!(e.message, "unknown escape `\\d` in a string");
        assert_eq!(e.label, "not an escape");
        assert_eq!(e.span, 11..13);
        // The string goes on to its end.
        let Item::Term(t) = &file.items[0] else {
            panic!()
        };
        assert_eq!(alts(&t.expr), [("lit", "x\\d+")]);
    }

    #[test]
    fn number_too_large() {
        let src = "rule a {\n  in near 4294967296 {\n    anchor heading\n  }\n  forbid x near y within 4294967295\n}\n";
        let (file, e) = one_error("number_too_large", src);
        assert_eq!(e.kind, RuleErrorKind::Syntax);
        assert_eq!(e.message, "number too large");
        assert_eq!(e.label, "this does not fit in 32 bits");
        assert_eq!(e.span, find(src, "4294967296", 0));
        let rule = only_rule(&file);
        let [Stmt::Forbid(f)] = rule.body.as_slice() else {
            panic!()
        };
        assert_eq!(f.near.as_ref().map(|(_, n)| n.node), Some(u32::MAX));
    }

    fn nested(levels: usize) -> String {
        let mut src = String::from("rule deep {\n");
        src.push_str(&"in document {\n".repeat(levels));
        src.push_str("anchor heading\n");
        src.push_str(&"}\n".repeat(levels));
        src.push_str("severity error\n}\n");
        src
    }

    #[test]
    fn nesting_up_to_the_limit_is_fine() {
        let src = nested(MAX_DEPTH - 1);
        let file = parse_ok(&src);
        let mut depth = 0;
        let mut body = &only_rule(&file).body;
        while let Some(Stmt::Scope(b)) = body.first() {
            depth += 1;
            body = &b.body;
        }
        assert_eq!(depth, MAX_DEPTH - 1);
    }

    #[test]
    fn nesting_too_deep() {
        let src = nested(200);
        let (file, errors) = parse(&src);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        let e = &errors[0];
        assert_eq!(e.kind, RuleErrorKind::Syntax);
        assert_eq!(e.message, "nested too deeply");
        assert_eq!(e.label, "this block is 65 levels deep");
        // The 64th `in` block, the 65th level counting the rule's braces.
        assert_eq!(
            e.span,
            find(&src, "{", MAX_DEPTH).start..find(&src, "{", MAX_DEPTH).end
        );
        // The rest of the rule is still read.
        assert_eq!(only_rule(&file).fields.len(), 1);
        insta::assert_snapshot!("nesting_too_deep", render(&src, &errors));
    }

    #[test]
    fn deep_element_blocks_are_limited_too() {
        let mut src = String::from("rule deep {\n");
        for k in 0..100 {
            src.push_str(&format!("require e{k} = x {{\n"));
        }
        src.push_str(&"}\n".repeat(100));
        src.push_str("}\n");
        let (_, errors) = parse(&src);
        let messages: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages, ["nested too deeply"]);
    }

    #[test]
    fn recovery_reports_three_errors_and_keeps_two_items() {
        let src = "\
term good_one = \"a\" | /b/
term broken \"no equals\"
rule broken/two {
  in chapter {
    anchor heading
  }
  severity error
  test pass \"x\"
    expect missing [a b]
}
pack { title \"no name\" }
rule good/two {
  severity warning
}
} # stray
";
        let (file, errors) = parse(src);
        insta::assert_snapshot!("recovery", render(src, &errors));
        let messages: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "expected `=` after the term name",
                "unknown scope `chapter`",
                "expected `]` to close the list of missing elements",
                "expected a pack name after `pack`",
                "unexpected `}`",
            ]
        );
        let names: Vec<_> = file
            .items
            .iter()
            .map(|i| match i {
                Item::Term(t) => t.name.node.as_str(),
                Item::Rule(r) => r.id.node.as_str(),
                _ => "other",
            })
            .collect();
        // The broken rule is kept with what could be read of it.
        assert_eq!(names, ["good_one", "broken/two", "good/two"]);
    }

    #[test]
    fn recovery_three_broken_items_two_good() {
        let src = "\
import
term a = \"x\"
rule {
  severity error
}
term = \"y\"
rule b/c { severity info }
";
        let (file, errors) = parse(src);
        assert_eq!(errors.len(), 3, "{errors:#?}");
        let spans: Vec<_> = errors
            .iter()
            .map(|e| (e.message.as_str(), at(src, &e.span)))
            .collect();
        assert_eq!(
            spans,
            [
                ("expected a path string after `import`", String::new()),
                ("expected a rule id after `rule`", "{".to_string()),
                ("expected a term name after `term`", "=".to_string()),
            ]
        );
        assert_eq!(file.items.len(), 2);
        assert!(matches!(&file.items[0], Item::Term(t) if t.name.node == "a"));
        assert!(matches!(&file.items[1], Item::Rule(r) if r.id.node == "b/c"));
    }

    #[test]
    fn statement_errors_inside_blocks_recover_per_line() {
        let src = "rule a {\n  in document {\n    anchor sideways\n    forbid\n    require x /y/\n    anchor heading\n  }\n  when mentions x\n  when mentions y\n}\n";
        let (file, errors) = parse(src);
        let messages: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown anchor `sideways`",
                "expected a pattern after `forbid`",
                "expected `=` after the element name `x`",
                "a rule has one `when`",
            ]
        );
        insta::assert_snapshot!("block_errors", render(src, &errors));
        let rule = only_rule(&file);
        let Stmt::Scope(b) = &rule.body[0] else {
            panic!()
        };
        assert!(matches!(
            b.body.as_slice(),
            [Stmt::Anchor(Spanned {
                node: Anchor::Heading,
                ..
            })]
        ));
        assert_eq!(
            alts(&rule.when.as_ref().expect("when").mentions),
            [("ref", "x")]
        );
    }

    /// Deterministic pseudo-random numbers, so that failures repeat.
    fn lcg(seed: &mut u64) -> usize {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 33) as usize
    }

    #[test]
    fn mangled_input_never_panics_and_spans_stay_on_char_boundaries() {
        let mut variants: Vec<String> = Vec::new();
        for cut in (0..EXAMPLE.len()).step_by(37) {
            let cut = (0..=cut)
                .rev()
                .find(|&k| EXAMPLE.is_char_boundary(k))
                .unwrap_or(0);
            variants.push(EXAMPLE[..cut].to_string());
        }
        let chars: Vec<char> = EXAMPLE.chars().collect();
        let mut seed = 7;
        for _ in 0..20 {
            let k = lcg(&mut seed) % chars.len();
            let mut v = chars.clone();
            v.remove(k);
            variants.push(v.into_iter().collect());
        }
        for n in 0..10 {
            let brace = if n % 2 == 0 { "{" } else { "}" };
            let positions: Vec<_> = EXAMPLE.match_indices(brace).map(|(k, _)| k).collect();
            let k = positions[lcg(&mut seed) % positions.len()];
            variants.push(format!("{}{brace}{}", &EXAMPLE[..k], &EXAMPLE[k..]));
        }
        variants.push(EXAMPLE.replace('"', ""));
        variants.push(EXAMPLE.replace('/', ""));
        variants.push(EXAMPLE.replace('\n', " "));
        variants.push(EXAMPLE.replace('}', ""));
        variants.push(EXAMPLE.replace('{', ""));
        variants.push("{".repeat(10_000));
        variants.push("rule a {".to_string() + &"require x = y {".repeat(10_000));
        let mut with_errors = 0;
        for src in &variants {
            let (file, errors) = parse(src);
            with_errors += usize::from(!errors.is_empty());
            let ok = |s: &Span| {
                s.start <= s.end
                    && s.end <= src.len()
                    && src.is_char_boundary(s.start)
                    && src.is_char_boundary(s.end)
            };
            for e in &errors {
                assert!(ok(&e.span), "{e:?} in {src:?}");
                assert!(e.related.iter().all(|(s, _)| ok(s)), "{e:?} in {src:?}");
                assert!(
                    !e.message.is_empty() && !e.message.ends_with('.') && !e.message.contains('\n')
                );
            }
            for item in &file.items {
                let span = match item {
                    Item::Pack(p) => p.span.clone(),
                    Item::Import(s) => s.span.clone(),
                    Item::Term(t) => t.span.clone(),
                    Item::Rule(r) => r.span.clone(),
                };
                assert!(ok(&span), "{span:?} in {src:?}");
            }
        }
        // The mangling does break things.
        assert!(with_errors > variants.len() / 2);
    }
}
