//! What a run needs to know besides the rules: limits, which files, and each
//! rule's setting by path. Built by whoever reads the configuration (the
//! CLI reads `policylint.toml`); the engine never sees TOML.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::GlobSet;

use crate::document::context::Inferred;
use crate::document::{Context, Facet};
use crate::rules::Severity;
use crate::source::DEFAULT_MAX_FILE_SIZE;
use crate::source::walk::{DEFAULT_INCLUDE, relative_to};

/// A rule's setting: off, or a severity that replaces the rule's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    Off,
    Severity(Severity),
}

/// Rule settings for the files some globs match.
#[derive(Debug, Clone)]
pub struct Override {
    pub globs: GlobSet,
    pub rules: BTreeMap<String, RuleSetting>,
    /// Context facets set for these files, over the inferred ones.
    pub context: Vec<(Facet, &'static str)>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// Globs of the files a walk checks, and of those it leaves out.
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// Larger files are skipped.
    pub max_file_size: u64,
    /// Findings reported per file at most; the rest are counted in a note.
    pub max_diagnostics: usize,
    /// Seconds one file may take; past it the file's remaining rules are
    /// skipped and the file is reported.
    pub file_timeout: f64,
    /// Each rule's setting everywhere…
    pub rules: BTreeMap<String, RuleSetting>,
    /// …then, in order, for the paths each override matches.
    pub overrides: Vec<Override>,
    /// Context facets set for every file, over the inferred ones (the
    /// overrides' come after).
    pub context: Vec<(Facet, &'static str)>,
    /// Include, exclude and override globs are relative to this directory
    /// (the configuration's folder).
    pub base_dir: PathBuf,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            include: DEFAULT_INCLUDE.iter().map(|s| s.to_string()).collect(),
            exclude: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_diagnostics: 200,
            file_timeout: 10.0,
            rules: BTreeMap::new(),
            overrides: Vec::new(),
            context: Vec::new(),
            base_dir: PathBuf::from("."),
        }
    }
}

/// The longest time budget a file may have, in seconds (a day): larger
/// values are mistakes, and past it a budget cannot be counted.
pub const MAX_FILE_TIMEOUT: f64 = 86_400.0;

/// Whether `seconds` is a usable time budget: finite, above zero, at most
/// [`MAX_FILE_TIMEOUT`].
pub fn valid_file_timeout(seconds: f64) -> Result<f64, String> {
    if seconds.is_finite() && seconds > 0.0 && seconds <= MAX_FILE_TIMEOUT {
        Ok(seconds)
    } else {
        Err(format!(
            "`{seconds}` is not a time budget: give seconds above 0 and at most {MAX_FILE_TIMEOUT} (a day)"
        ))
    }
}

impl Settings {
    /// The settings that apply to `path`: the overrides matching it are
    /// found once, so that each finding's lookup is a map lookup.
    pub fn for_path(&self, path: &Path) -> PathSettings<'_> {
        let mut matching = Vec::new();
        if !self.overrides.is_empty() {
            // Override globs are relative to the base directory, whatever
            // the working directory and however the path was given.
            let rel = relative_to(&self.base_dir, path);
            matching = self
                .overrides
                .iter()
                .filter(|o| o.globs.is_match(&rel))
                .collect();
        }
        PathSettings {
            settings: self,
            matching,
        }
    }
}

/// Rule settings for one file (see [`Settings::for_path`]).
pub struct PathSettings<'a> {
    settings: &'a Settings,
    matching: Vec<&'a Override>,
}

impl PathSettings<'_> {
    /// The `rules` setting, then each matching override in order.
    pub fn get(&self, rule: &str) -> Option<RuleSetting> {
        let mut s = self.settings.rules.get(rule).copied();
        for o in &self.matching {
            if let Some(v) = o.rules.get(rule) {
                s = Some(*v);
            }
        }
        s
    }

    /// The context a file is checked in: the inferred one, with the facets
    /// the configuration sets (everywhere, then by path) put over it.
    pub fn context(&self, inferred: &Context) -> Context {
        let mut c = inferred.clone();
        let all = self.settings.context.iter();
        for &(f, v) in all.chain(self.matching.iter().flat_map(|o| o.context.iter())) {
            c.set(f, Inferred::config(v));
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn legacy_off(base: &str) -> Settings {
        let mut globs = globset::GlobSetBuilder::new();
        globs.add(globset::Glob::new("legacy/**").unwrap());
        Settings {
            overrides: vec![Override {
                globs: globs.build().unwrap(),
                rules: BTreeMap::from([("r".to_string(), RuleSetting::Off)]),
                context: Vec::new(),
            }],
            base_dir: PathBuf::from(base),
            ..Settings::default()
        }
    }

    #[test]
    fn override_globs_are_relative_to_the_base_however_it_is_written() {
        // "" is the folder of a configuration named without one
        // (`policylint.toml` in the working directory).
        for base in ["", ".", "./"] {
            let s = legacy_off(base);
            for path in ["legacy/a.md", "./legacy/a.md", "docs/../legacy/a.md"] {
                let got = s.for_path(Path::new(path)).get("r");
                assert_eq!(got, Some(RuleSetting::Off), "base {base:?}, {path}");
            }
            assert_eq!(s.for_path(Path::new("docs/a.md")).get("r"), None);
        }
        // A base below the working directory: paths are taken from here.
        let s = legacy_off("proj");
        assert_eq!(
            s.for_path(Path::new("proj/legacy/a.md")).get("r"),
            Some(RuleSetting::Off)
        );
        assert_eq!(s.for_path(Path::new("legacy/a.md")).get("r"), None);
    }
}
