//! The engine's streaming run, through the library as an embedder (or the
//! CLI) calls it: every format's report is the same whatever the number of
//! threads, on a generated corpus, the seeds and the whole of fixtures/.

use std::path::{Path, PathBuf};

use policylint::engine::{Engine, Settings, Totals};
use policylint::report::{Format, Report, human};
use policylint::rules::{Lang, Loader, RuleSet};

fn rules(with_demo: bool) -> RuleSet {
    let mut l = Loader::new();
    l.add_builtin();
    if with_demo {
        l.add_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/demo"))
            .unwrap();
    }
    l.compile().unwrap()
}

/// The report of `paths` in `format` on `threads` threads, and its counts.
fn report(
    set: &RuleSet,
    paths: &[PathBuf],
    format: Format,
    threads: Option<usize>,
) -> (String, Totals) {
    let engine = Engine::new(set, Settings::default());
    let items = engine.files(paths);
    let report = Report::new(format, set, Lang::Ja);
    let mut out = Vec::new();
    let mut writer = report.writer(&mut out);
    engine.run(&items, threads, &report, &mut writer).unwrap();
    let totals = writer.finish().unwrap();
    (String::from_utf8(out).unwrap(), totals)
}

#[test]
fn one_thread_and_more_give_byte_identical_reports_in_every_format() {
    let d = tempfile::tempdir().unwrap();
    super::cli_check::corpus(d.path(), 80);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The corpus and the seeds with the demo pack added; the whole of
    // fixtures/ (bad inputs, suppressions, encodings) with the built-in pack.
    let with_demo = rules(true);
    let builtin = rules(false);
    let targets = [
        (d.path().to_path_buf(), &with_demo),
        (root.join("fixtures/seeds"), &with_demo),
        (root.join("fixtures"), &builtin),
    ];
    let formats = [
        Format::Human(human::Style {
            color: false,
            width: 80,
        }),
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Markdown,
    ];
    for (target, set) in targets {
        let paths = [target.clone()];
        for format in formats {
            let (one, t1) = report(set, &paths, format, Some(1));
            let (two, t2) = report(set, &paths, format, Some(2));
            assert!(one.len() > 1000, "{format:?}: {one}");
            assert!(t1.error > 0, "{format:?}: {t1:?}");
            assert_eq!(one, two, "{format:?}: {}", target.display());
            assert_eq!(t1, t2, "{format:?}");
            if matches!(format, Format::Json) {
                let (all, _) = report(set, &paths, format, None);
                assert_eq!(one, all, "all cores: {}", target.display());
            }
            if !matches!(format, Format::Human(_) | Format::Github) {
                assert!(one.ends_with('\n') && !one.ends_with("\n\n"), "{format:?}");
            }
        }
    }
}

/// What an editor calls for an unsaved buffer: no file, no configuration.
/// The result is the one the same text gives when read from a file.
#[test]
fn a_buffer_in_memory_is_checked_like_the_file() {
    let set = rules(false);
    let engine = Engine::new(&set, Settings::default());
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds/004_dcbe507f35b38ff6.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    let from_file = engine.check_path(&path);
    let from_buffer = engine.check_text(&path.display().to_string(), &text);
    assert!(!from_file.diagnostics.is_empty());
    assert_eq!(from_file.diagnostics, from_buffer.diagnostics);
    // A name without a known extension is read by its shape; an empty
    // buffer is skipped, not an error.
    let empty = engine.check_text("buffer", "  \n");
    assert_eq!(empty.skipped.as_deref(), Some("empty file"));
    assert!(empty.diagnostics.is_empty());
}
