//! HTML format (work in progress).
use super::Block;
pub fn extract(_text: &str, _range: std::ops::Range<usize>) -> Vec<Block> {
    Vec::new()
}
