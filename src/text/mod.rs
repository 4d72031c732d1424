//! Text stage, the leaf every other stage builds on: the one place that
//! turns byte offsets into lines and columns ([`LineIndex`]), text that maps
//! back to the bytes it came from ([`MappedText`]), and the adapters that
//! let miette show a source with character columns ([`CharSource`],
//! [`Snippet`]), and the escaping of control characters in what people are
//! shown, and the nearest known word to a mistyped one.

pub mod escape;
pub mod lsp;
pub mod position;
pub mod snippet;
pub mod span;
pub mod suggest;

pub use escape::{blank_controls, escape_controls};
pub use position::{LineIndex, Position};
pub use snippet::{CharSource, Snippet};
pub use span::{MappedText, SpanMap};
pub use suggest::nearest;
