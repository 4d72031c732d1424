//! policylint: a policy-as-code linter for privacy policies.
//!
//! The crate is laid out along the data flow:
//! [`source`] (read, decode) → [`document`] (format, normalise, structure) →
//! rules → engine → [`report`] (render).

pub mod cli;
pub mod document;
pub mod report;
pub mod source;

pub use document::Document;
