//! Report stage: everything that renders results for people or machines.

pub mod explain;
pub mod input;
pub mod outline;
pub mod snippet;
pub mod test_report;
