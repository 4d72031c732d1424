//! `policylint init`: write a commented `policylint.toml` and, on request,
//! the pre-commit snippet and a GitHub workflow. Existing files are kept
//! unless `--force`.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::{Error, Outcome};

const TOML: &str = include_str!("templates/policylint.toml");
const PRE_COMMIT: &str = include_str!("templates/pre-commit-config.yaml");
const WORKFLOW: &str = include_str!("templates/workflow.yml");

/// The release tag of this build: the release workflow publishes every
/// version as `v<version>`, so the snippets pin what the user runs.
const TAG: &str = concat!("v", env!("CARGO_PKG_VERSION"));

/// A template with `@TAG@` replaced by this build's release tag.
fn pinned(template: &str) -> String {
    template.replace("@TAG@", TAG)
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Directory to write into (default: the current directory).
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Also write `.pre-commit-config.yaml`.
    #[arg(long)]
    pre_commit: bool,
    /// Also write `.github/workflows/policylint.yml`.
    #[arg(long)]
    github: bool,
    /// Overwrite files that exist.
    #[arg(long)]
    force: bool,
}

fn write(path: &Path, text: &str, force: bool) -> Result<bool, String> {
    if path.exists() && !force {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(true)
}

pub(crate) fn run(args: &InitArgs) -> Result<Outcome, Error> {
    let mut files = vec![(args.dir.join(super::config::FILE_NAME), TOML.to_string())];
    if args.pre_commit {
        files.push((args.dir.join(".pre-commit-config.yaml"), pinned(PRE_COMMIT)));
    }
    if args.github {
        files.push((
            args.dir.join(".github/workflows/policylint.yml"),
            pinned(WORKFLOW),
        ));
    }
    let mut kept = String::new();
    for (path, text) in files {
        match write(&path, &text, args.force) {
            Ok(true) => println!("wrote {}", path.display()),
            Ok(false) => kept.push_str(&format!(
                "{} exists; kept it (use --force to overwrite)\n",
                path.display()
            )),
            Err(e) => return Err(Error::Usage(format!("{kept}error: {e}\n"))),
        }
    }
    if kept.is_empty() {
        Ok(Outcome::Clean)
    } else {
        Err(Error::Usage(kept))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_template_is_a_valid_config() {
        let (_, errors) = crate::cli::config::Config::parse(
            "policylint.toml",
            super::TOML.to_string(),
            std::path::Path::new("."),
        );
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert!(messages.is_empty(), "{messages:?}");
    }

    /// The template says its values are the defaults: a file written by
    /// `init` must not change what a run checks (it once left out `*.vue`).
    #[test]
    fn the_template_writes_the_defaults() {
        use policylint::engine::Settings;
        let (c, _) = crate::cli::config::Config::parse(
            "policylint.toml",
            super::TOML.to_string(),
            std::path::Path::new("."),
        );
        let d = Settings::default();
        let s = &c.settings;
        assert_eq!(s.include, d.include);
        assert_eq!(s.exclude, d.exclude);
        assert_eq!(s.max_file_size, d.max_file_size);
        assert_eq!(s.max_diagnostics, d.max_diagnostics);
        assert_eq!(s.file_timeout, d.file_timeout);
        assert!(s.rules.is_empty() && s.overrides.is_empty() && s.context.is_empty());
        assert!(c.builtin && c.packs.is_empty());
        assert_eq!(c.lang, Some(policylint::rules::Lang::Ja));
        assert_eq!(
            c.fail_level,
            Some(crate::cli::config::FailLevel::At(
                policylint::rules::Severity::Error
            ))
        );
    }
}
