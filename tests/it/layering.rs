//! The library's stages depend only on the stages before them, along the
//! data flow. A scan of every `crate::…` path in each stage's code (the code
//! before its `#[cfg(test)]` module: a test may load the pack to exercise a
//! matcher) finds any import of a later stage or of a module that is not a
//! stage; the command-line interface lives in the binary, not the library.

use std::path::Path;

use regex::Regex;

/// The stages, in the order data flows through them.
const STAGES: [&str; 7] = [
    "text", "source", "document", "pattern", "rules", "engine", "report",
];

fn stage(name: &str) -> Option<usize> {
    STAGES.iter().position(|s| *s == name)
}

/// The code of a source file that is not test code, with comment lines
/// blanked (line numbers stay).
fn code(text: &str) -> String {
    let text = text.find("#[cfg(test)]").map_or(text, |i| &text[..i]);
    text.lines()
        .map(|l| {
            if l.trim_start().starts_with("//") {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules a file's `crate::` paths name, with their lines.
fn named(text: &str) -> Vec<(String, usize)> {
    let single = Regex::new(r"crate::(\w+)").unwrap();
    let group = Regex::new(r"crate::\{([^}]*)\}").unwrap();
    let first = Regex::new(r"(?:^|,)\s*(\w+)").unwrap();
    let line = |at: usize| text[..at].matches('\n').count() + 1;
    let mut out = Vec::new();
    for c in single.captures_iter(text) {
        let m = c.get(1).unwrap();
        out.push((m.as_str().to_string(), line(m.start())));
    }
    for c in group.captures_iter(text) {
        let inner = c.get(1).unwrap();
        for f in first.captures_iter(inner.as_str()) {
            out.push((f[1].to_string(), line(inner.start())));
        }
    }
    out
}

/// Every edge that runs against the data flow: `(file, line, what)`. Files
/// are `(path below src/, text)`.
fn violations(files: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in files {
        let top = path.split('/').next().unwrap_or("");
        let Some(own) = stage(top.trim_end_matches(".rs")) else {
            continue; // lib.rs, main.rs, cli/: checked below
        };
        for (name, line) in named(&code(text)) {
            match stage(&name) {
                Some(s) if s > own => out.push(format!(
                    "src/{path}:{line}: stage `{}` imports the later stage `{name}`",
                    STAGES[own]
                )),
                Some(_) => {}
                None => out.push(format!(
                    "src/{path}:{line}: stage `{}` imports `{name}`, which is not a library stage",
                    STAGES[own]
                )),
            }
        }
    }
    out
}

/// The modules `lib.rs` declares.
fn lib_modules(lib: &str) -> Vec<String> {
    let m = Regex::new(r"(?m)^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)").unwrap();
    m.captures_iter(lib).map(|c| c[1].to_string()).collect()
}

fn sources() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for e in walkdir::WalkDir::new(&src).into_iter().flatten() {
        if e.path().extension().is_some_and(|x| x == "rs") {
            let rel = e.path().strip_prefix(&src).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            files.push((rel, std::fs::read_to_string(e.path()).unwrap()));
        }
    }
    files.sort();
    files
}

#[test]
fn every_stage_imports_only_earlier_stages() {
    let files = sources();
    assert!(files.len() > 40, "{} files", files.len());
    // Each stage is there and was scanned.
    for s in STAGES {
        assert!(
            files.iter().any(|(p, _)| p.starts_with(&format!("{s}/"))),
            "no src/{s}/"
        );
    }
    let v = violations(&files);
    assert!(
        v.is_empty(),
        "imports against the data flow:\n{}",
        v.join("\n")
    );
}

#[test]
fn the_library_is_the_stages_and_the_cli_is_the_binary() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let mut mods = lib_modules(&lib);
    mods.sort();
    let mut want: Vec<String> = STAGES.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(mods, want);
    let main = std::fs::read_to_string(src.join("main.rs")).unwrap();
    assert_eq!(lib_modules(&main), ["cli"]);
}

/// The five edges that once ran against the flow, each as it was written:
/// the scan reports every one of them.
#[test]
fn the_scan_catches_each_backward_edge() {
    let edges = [
        // document → engine: the text format asked the engine about directives.
        (
            "document/format/text.rs",
            "fn f(line: &str) -> bool {\n    crate::engine::suppress::is_directive_line(line)\n}\n",
            "stage `document` imports the later stage `engine`",
        ),
        // rules → engine: the compiled model held the engine's matcher.
        (
            "rules/model.rs",
            "use crate::engine::matcher::{PatternId, PatternSet};\n",
            "stage `rules` imports the later stage `engine`",
        ),
        // rules → report: rule errors used the report's miette source.
        (
            "rules/diagnostic.rs",
            "use crate::report::snippet::CharSource;\n",
            "stage `rules` imports the later stage `report`",
        ),
        // engine → report: the engine rendered the human report.
        (
            "engine/check.rs",
            "use crate::{document::Document, report::human};\n",
            "stage `engine` imports the later stage `report`",
        ),
        // engine → config: the engine read the TOML-shaped configuration.
        (
            "engine/check.rs",
            "use crate::config::{Config, RuleSetting};\n",
            "stage `engine` imports `config`, which is not a library stage",
        ),
    ];
    for (path, text, want) in edges {
        let v = violations(&[(path.to_string(), text.to_string())]);
        assert_eq!(v.len(), 1, "{path}: {v:?}");
        assert!(v[0].contains(want), "{path}: {}", v[0]);
        assert!(v[0].starts_with(&format!("src/{path}:")), "{}", v[0]);
    }
    // Earlier stages and test code are fine.
    let fine = "use crate::text::LineIndex;\nuse crate::{source::decode, document::Document};\n#[cfg(test)]\nmod tests { use crate::report::json; }\n";
    assert!(violations(&[("engine/run.rs".into(), fine.into())]).is_empty());
}
