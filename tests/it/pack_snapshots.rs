//! What a user sees for each built-in rule: the first failing example of
//! each rule (written in its rule file, inline or as a fixture), checked
//! with the whole pack, and that rule's findings rendered as the human
//! report renders them (Japanese, no colour, 100 columns).

use std::path::{Path, PathBuf};

use policylint::document::Facet;
use policylint::engine::{Engine, Settings};
use policylint::report::human::{Style, render_file};
use policylint::report::i18n::Texts;
use policylint::rules::model::{TestInput, TestKind};
use policylint::rules::{Lang, Loader};
use policylint::source::walk::WalkItem;

#[test]
fn every_built_in_rule_has_a_rendered_failing_example() {
    // The pack from disk, so that fixture paths resolve as `policylint
    // test rules` resolves them.
    let mut loader = Loader::new().with_project(Path::new("."));
    loader.add_path(Path::new("rules")).unwrap();
    let set = loader.compile().unwrap();
    let texts = Texts::new(&set, Lang::Ja);
    let style = Style {
        color: false,
        width: 100,
    };
    let dir = tempfile::tempdir().unwrap();
    let mut rules: Vec<_> = set.rules.iter().collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    for rule in rules {
        let case = rule
            .tests
            .iter()
            .find(|c| c.kind == TestKind::Fail)
            .unwrap_or_else(|| panic!("{} has no failing example", rule.id));
        let path: PathBuf = match &case.input {
            TestInput::File(p) => p.clone(),
            TestInput::Inline(text) => {
                let ext = match case.format.as_deref() {
                    Some("markdown") => "md",
                    Some("html") => "html",
                    _ => "txt",
                };
                let p = dir.path().join(format!("case.{ext}"));
                std::fs::write(&p, text).unwrap();
                p
            }
        };
        // As `policylint test` checks it: a covered service, and the
        // context the case names.
        let mut settings = Settings::default();
        settings.context.push((Facet::Service, "covered"));
        settings.context.extend(case.with.iter().copied());
        let engine = Engine::new(&set, settings);
        let shown = engine.check_item(&WalkItem::File(path.clone()), |c| {
            let mut result = c.result.clone();
            result.diagnostics.retain(|d| d.rule == rule.id);
            assert!(
                !result.diagnostics.is_empty(),
                "{}: its failing example gives no finding",
                rule.id
            );
            // The temporary file's name is not what a reviewer should read.
            result.path = match &case.input {
                TestInput::File(p) => p.display().to_string(),
                TestInput::Inline(_) => format!("{} (inline example)", rule.id),
            };
            render_file(c.document.unwrap(), &result, style, &texts, c.members)
        });
        let name = rule.id.replace('/', "__");
        insta::assert_snapshot!(name, shown);
    }
}

/// The compliant example of the README and the quick starts: no finding of
/// any severity, best practice included.
#[test]
fn the_compliant_policy_gets_no_finding_at_all() {
    let mut loader = Loader::new();
    loader.add_builtin();
    let set = loader.compile().unwrap();
    let r = Engine::new(&set, Settings::default())
        .check_path(Path::new("fixtures/compliant/privacy-policy.md"));
    let rules: Vec<&str> = r.diagnostics.iter().map(|d| d.rule.as_str()).collect();
    assert!(rules.is_empty(), "{rules:?}");
    assert!(r.rules_applied > 10, "{}", r.rules_applied);
}

/// A joint-use section that says nothing of the controller: the message
/// says what the controller stands for (its name, address and
/// representative), not only "the controller"; JSON keeps element names.
#[test]
fn a_joint_use_section_without_a_controller_lists_what_one_must_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.md");
    std::fs::write(
        &path,
        "# 個人情報保護方針\n\n株式会社テスト（以下「当社」）は、お客様の個人情報を次のとおり取り扱います。\n\n\
         ## 共同利用\n\n当社は、次のとおり個人データを共同して利用します。\n\n\
         (1) 共同して利用される個人データの項目: 氏名、電話番号\n\
         (2) 共同して利用する者の範囲: 当社の関連会社\n\
         (3) 利用する者の利用目的: アフターサービスの提供\n",
    )
    .unwrap();
    let mut loader = Loader::new();
    loader.add_builtin();
    let set = loader.compile().unwrap();
    let rule = set.rule("appi/joint-use").unwrap();
    let label = |name: &str, lang: Lang| rule.element(name).unwrap().label.get(lang).to_string();
    let parts = |lang: Lang, sep: &str| {
        [
            "controller-name",
            "controller-address",
            "controller-representative",
        ]
        .map(|n| label(n, lang))
        .join(sep)
    };
    let want_ja = rule.message.ja.replace(
        "{missing}",
        &format!(
            "{}（{}）",
            label("controller", Lang::Ja),
            parts(Lang::Ja, "、")
        ),
    );
    let want_en = rule.message.en.replace(
        "{missing}",
        &format!(
            "{} ({})",
            label("controller", Lang::En),
            parts(Lang::En, ", ")
        ),
    );
    for (lang, want) in [("ja", want_ja), ("en", want_en)] {
        let report = super::common::check_json(&[path.to_str().unwrap(), "--lang", lang]);
        let found: Vec<&serde_json::Value> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["rule"] == "appi/joint-use")
            .collect();
        assert_eq!(found.len(), 1, "{lang}: {report}");
        assert_eq!(found[0]["message"], want.as_str(), "{lang}");
        assert_eq!(
            found[0]["missing"],
            serde_json::json!(["controller"]),
            "{lang}"
        );
    }
}
