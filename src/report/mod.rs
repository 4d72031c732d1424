//! Report stage: everything that renders results for people or machines.

/// A path as shown in every report: without a leading `./`, with `/`
/// separators on every platform (so reports and snapshots agree).
pub fn display_path(p: &std::path::Path) -> String {
    let s = p.display().to_string();
    let s = s.strip_prefix("./").unwrap_or(&s);
    if std::path::MAIN_SEPARATOR == '\\' {
        s.replace('\\', "/")
    } else {
        s.to_string()
    }
}

pub mod explain;
pub mod github;
pub mod human;
pub mod input;
pub mod json;
pub mod markdown;
pub mod outline;
pub mod sarif;
pub mod snippet;
pub mod stream;
pub mod test_report;
