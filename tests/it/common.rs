//! Helpers shared by several modules.

/// What a `policylint` run printed, and its exit code.
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}
