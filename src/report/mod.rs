//! Report stage: everything that renders results for people or machines.

pub mod explain;
pub mod github;
pub mod human;
pub mod input;
pub mod json;
pub mod markdown;
pub mod outline;
pub mod sarif;
pub mod snippet;
pub mod test_report;
