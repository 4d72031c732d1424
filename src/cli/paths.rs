//! What `check` says about the paths it was given, besides the report: the
//! named paths the configuration excludes, and a run that found nothing to
//! check. Both go to stderr; neither changes the exit code.

use std::path::Path;

use policylint::engine::Settings;
use policylint::rules::Lang;
use policylint::source::display_path;
use policylint::source::walk::Excluded;
use policylint::text::escape_controls;

/// `--no-exclude`: the configuration's `exclude` globs are not applied, to
/// named paths or in walks (`.gitignore` and `.policylintignore` still are).
pub(crate) fn apply_args(settings: &mut Settings, no_exclude: bool) {
    if no_exclude {
        settings.exclude.clear();
    }
}

fn shown(p: &Path) -> String {
    escape_controls(&display_path(p)).into_owned()
}

/// One note per named path left out, naming the glob and the way to check
/// it anyway (pre-commit names files; so does a user).
pub(crate) fn excluded_notes(excluded: &[Excluded], config: Option<&Path>, lang: Lang) -> String {
    let config = config.map_or_else(|| "policylint.toml".to_string(), shown);
    let mut out = String::new();
    for e in excluded {
        let path = shown(&e.path);
        let glob = escape_controls(&e.glob);
        out.push_str(&match lang {
            Lang::Ja => format!(
                "注: {path} は {config} の exclude（{glob}）に当たるため検査しません（--no-exclude で検査します）\n"
            ),
            Lang::En => format!(
                "note: {path}: not checked: {config} excludes it ({glob}); --no-exclude checks it\n"
            ),
        });
    }
    out
}

/// The warning of a run that found no document to check: a mistyped
/// folder, or globs that leave everything out, would otherwise pass in
/// silence.
pub(crate) fn nothing_checked(excluded: usize, lang: Lang) -> String {
    match (lang, excluded) {
        (Lang::Ja, 0) => {
            "警告: 検査したファイルは0件です。指定したパスに、include に合う文書がありません\n"
                .into()
        }
        (Lang::Ja, n) => format!(
            "警告: 検査したファイルは0件です。指定したパスのうち{n}件は exclude に当たります\n"
        ),
        (Lang::En, 0) => {
            "warning: 0 files checked: no document under the paths given matches `include`\n".into()
        }
        (Lang::En, n) => format!(
            "warning: 0 files checked: {n} of the paths given are excluded by the configuration\n"
        ),
    }
}
