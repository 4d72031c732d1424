//! policylint's integration tests, as one test binary (one link instead of
//! fifteen). Each module is one topic and was once its own `tests/*.rs`
//! file; its tests are named `it::<module>::<test>`, its insta snapshots are
//! `snapshots/it__<module>__<name>.snap`, and proptest keeps its regression
//! seeds in `tests/proptest-regressions/<module>.txt`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod appi_seeds;
mod applicability;
mod bad_inputs;
mod cli_check;
mod cli_init;
mod cli_inputs;
mod cli_rules;
mod config_paths;
mod decode;
mod diff;
mod encodings;
mod evidence;
mod formats;
mod fuzz_props;
mod hostile;
mod html;
mod layering;
mod lsp;
mod normalize_props;
mod outline;
mod outputs;
mod pack_foreign;
mod pack_rights;
mod pack_security;
mod pack_snapshots;
mod pack_style;
mod read_only;
mod rule_errors;
mod rules_dsl;
mod rules_nav;
mod run;
mod sets;
mod test_fixtures;
