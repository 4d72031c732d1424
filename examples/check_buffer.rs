//! Check a policy held in memory with the built-in pack: no file, no
//! configuration, no printer. This is the API an editor or language server
//! calls for an unsaved buffer.
//!
//!     cargo run --example check_buffer

use policylint::engine::{Engine, Settings};
use policylint::report::i18n::Texts;
use policylint::rules::{Lang, Loader};

const POLICY: &str = "# プライバシーポリシー

株式会社サンプルは、お客様の個人情報を次の目的で利用します。

- サービスの提供
- お問い合わせへの回答

個人データを外国にある第三者に提供することがあります。
";

fn main() -> Result<(), String> {
    let mut loader = Loader::new();
    loader.add_builtin();
    let rules = loader
        .compile()
        .map_err(|e| format!("{} errors in the built-in pack", e.len()))?;
    let engine = Engine::new(&rules, Settings::default());
    let result = engine.check_text("buffer.md", POLICY);
    // The engine's findings carry no words; the report stage says them.
    let texts = Texts::new(&rules, Lang::En);
    for d in &result.diagnostics {
        let said = texts.diag(d);
        println!(
            "{}:{}:{} {} [{}] {}",
            result.path,
            d.start.line,
            d.start.column,
            d.severity.name(),
            d.rule,
            said.message
        );
    }
    Ok(())
}
