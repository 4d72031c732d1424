//! Engine stage: scan a document once for every pattern, evaluate the
//! compiled rules, locate what they find, apply settings, suppressions and
//! the baseline; run that over one document or many in parallel; check the
//! examples written in rule files. Nothing here is in words or in a
//! language: the report stage says it.

pub mod baseline;
pub mod compare;
mod diag;
mod eval;
mod finding;
pub mod fixtures;
mod ordered;
mod requirements;
mod run;
mod set;
mod settings;
mod status;
pub mod testing;

pub use diag::{Diag, DiagLabel, FileResult, Pos, SkipReason, SkippedRule, Totals, What};
pub use eval::Evaluator;
pub use finding::{Evidence, Finding, FindingKind, Label};
pub use requirements::{ElementState, EvidenceAt, ReqState, Requirement};
pub use run::{Checked, Engine, Printer, Sink, entry, item_path};
pub use set::DocSet;
pub use settings::{
    MAX_FILE_TIMEOUT, Override, PathSettings, RuleSetting, Settings, valid_file_timeout,
};
pub use status::{ElementStatus, RuleStatus, Status};

#[cfg(test)]
mod pattern_tests;
