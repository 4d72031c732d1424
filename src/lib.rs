//! policylint: a policy-as-code linter for privacy policies.
//!
//! The crate is laid out along the data flow:
//! [`source`] (read, decode) → [`document`] (format, normalise, structure) →
//! [`rules`] (parse, compile) → [`engine`] (evaluate) → [`report`] (render).

pub mod cli;
pub mod config;
pub mod document;
pub mod engine;
pub mod report;
pub mod rules;
pub mod source;

pub use document::Document;
