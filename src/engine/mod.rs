//! Engine stage: scan a document once for every pattern, evaluate the
//! compiled rules, and (for `policylint test`) check rule examples.

pub mod baseline;
pub mod check;
pub mod eval;
pub mod finding;
pub mod matcher;
pub mod ordered;
pub mod suppress;
pub mod testing;

pub use eval::Evaluator;
pub use finding::{Finding, FindingKind, Label};
