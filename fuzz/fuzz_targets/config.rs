//! `policylint.toml` on arbitrary text (a pull request supplies it in CI):
//! no panic; every error renders, with its span inside the file; values
//! that reach the engine are usable (a finite, positive time budget).
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use policylint::rules::{Loader, RuleSet};

// The configuration lives in the binary; the target compiles the same file.
#[allow(dead_code, unreachable_pub)]
#[path = "../../src/cli/config.rs"]
mod config;

fn rules() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| {
        let mut l = Loader::new();
        l.add_builtin();
        l.compile().unwrap_or_else(|_| panic!("the built-in pack compiles"))
    })
}

fn render(errors: &[config::ConfigError], text: &str) {
    let h = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    for e in errors {
        if let Some(s) = &e.span {
            assert!(s.start <= s.end && s.end <= text.len(), "{s:?}");
        }
        let mut out = String::new();
        let _ = h.render_report(&mut out, e);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // What could be read is usable even when the file has errors: the
    // run reports them all, but reads the rules it names first.
    let (c, errors) = config::Config::parse("policylint.toml", text.to_string(), Path::new("."));
    let t = c.settings.file_timeout;
    assert!(t.is_finite() && t > 0.0 && t <= policylint::engine::MAX_FILE_TIMEOUT);
    assert!(c.settings.max_diagnostics >= 1);
    render(&errors, text);
    render(&c.check_rule_ids(rules()), text);
});
