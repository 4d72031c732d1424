//! Rules stage: the rule language (parse), the compiler (check and resolve),
//! and the compiled model the engine evaluates.

pub mod ast;
mod builtin;
mod compile;
mod diagnostic;
pub mod model;
pub mod navigate;
pub mod parser;

pub use compile::{Loader, MAX_RULE_FILE};
pub use diagnostic::{LocatedRuleError, RuleError, RuleErrorKind};
pub use model::{DEFAULT_GROUP, Lang, Rule, RuleSet, Severity};
