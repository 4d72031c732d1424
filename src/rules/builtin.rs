//! The built-in rule packs, embedded from `rules/` at build time.

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// Prefix of the names of built-in rule files in messages.
pub(super) const PREFIX: &str = "builtin:";
