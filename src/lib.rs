//! policylint: a policy-as-code linter for privacy policies.
//!
//! The crate is laid out along the data flow, each stage depending only on
//! the stages before it (a test, `layering`, holds it to that):
//!
//! [`text`] (offsets → lines and columns, span maps) → [`source`] (read,
//! walk, decode) → [`document`] (format, normalise, structure, directives) →
//! [`pattern`] (the multi-pattern matcher) → [`rules`] (parse, compile) →
//! [`engine`] (evaluate, run over files) → [`report`] (messages, printers).
//!
//! The command-line interface lives in the binary, on top of all of them.
//! Checking a document held in memory takes a few lines:
//!
//! ```
//! use policylint::engine::{Engine, Settings};
//! use policylint::rules::Loader;
//!
//! let mut loader = Loader::new();
//! loader.add_builtin();
//! let rules = loader.compile().expect("the built-in pack compiles");
//! let engine = Engine::new(&rules, Settings::default());
//! let result = engine.check_text("policy.md", "# プライバシーポリシー\n\n当社は個人情報を適切に取り扱います。\n");
//! assert!(result.diagnostics.iter().any(|d| d.rule.starts_with("appi/")));
//! ```

#![warn(unreachable_pub)]

pub mod document;
pub mod engine;
pub mod pattern;
pub mod report;
pub mod rules;
pub mod source;
pub mod text;

pub use document::Document;
