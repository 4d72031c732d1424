//! Document stage: decoded text → format blocks → structure tree and
//! normalised text, with exact spans throughout; suppression directives are
//! read here, once.

pub mod context;
pub(crate) mod directives;
pub mod format;
pub(crate) mod heading;
pub mod normalize;
pub mod revision;
pub mod set;
pub mod structure;

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::source::{self, DecodeError, Decoded, FileOffsets, ReadError};
use crate::text::{LineIndex, MappedText, Position};
pub use context::{Context, Facet};
pub use directives::{Directive, DirectiveKind, comment_line};
pub use format::Format;
pub use set::PartRange;
pub use structure::{Node, NodeId, NodeKind};

/// A link in a document: `<a href>` or Markdown `[text](target)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The target as written.
    pub target: String,
    /// The link text: byte range in the decoded text.
    pub span: Range<usize>,
    /// In site navigation, a header or a footer: a menu links every page,
    /// so such a link says nothing about which pages belong together.
    pub boilerplate: bool,
}

/// A parsed policy document.
#[derive(Debug)]
pub struct Document {
    /// The path as given by the user (for messages).
    pub path: PathBuf,
    pub encoding: &'static str,
    pub bom: bool,
    pub format: Format,
    /// Decoded text (UTF-8, BOM removed, line endings as in the file).
    pub text: String,
    offsets: FileOffsets,
    lines: LineIndex,
    /// The tree, in document order; node 0 is the document.
    pub nodes: Vec<Node>,
    /// Normalised text of all text-bearing nodes, with a map into `text`.
    pub norm: MappedText,
    /// Suppression comments, in order.
    pub directives: Vec<Directive>,
    /// Who publishes it, what kind of page it is, which service: inferred
    /// from the text (the configuration may override it).
    pub context: Context,
    /// Links, in document order.
    pub links: Vec<Link>,
    /// For a set's combined document: where each member's text lies
    /// (empty for a single page).
    pub parts: Vec<PartRange>,
}

/// Why a document could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{}: {source}", path.display())]
    Decode {
        path: PathBuf,
        source: DecodeError,
        /// The file's bytes decoded leniently, for showing where the problem is.
        lossy: String,
        /// Byte offset of the problem in `lossy`.
        at: usize,
    },
    #[error("{}: empty file; nothing to check", path.display())]
    Empty { path: PathBuf },
}

impl LoadError {
    /// A skipped file (binary, empty) as opposed to a broken one.
    pub fn is_skip(&self) -> bool {
        matches!(
            self,
            LoadError::Empty { .. }
                | LoadError::Decode {
                    source: DecodeError::Binary { .. },
                    ..
                }
                | LoadError::Read(ReadError::TooLarge { .. } | ReadError::StreamTooLarge { .. })
        )
    }
}

impl Document {
    /// Decode and parse text held in memory (an editor's unsaved buffer, a
    /// test case); `name` picks the format by its extension, else the text's
    /// shape does.
    pub fn from_text(name: &str, text: &str) -> Result<Document, LoadError> {
        Document::from_bytes(Path::new(name), text.as_bytes())
    }

    /// Read, decode and parse the file at `path`.
    pub fn load(path: &Path, max_size: u64) -> Result<Document, LoadError> {
        let bytes = source::read_file(path, max_size)?;
        Document::from_bytes(path, &bytes)
    }

    /// Decode and parse `bytes` read from `path` (the path also picks the format).
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Document, LoadError> {
        let decoded = source::decode(bytes).map_err(|e| decode_error(path, bytes, e))?;
        if decoded
            .text
            .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
            .is_empty()
        {
            return Err(LoadError::Empty {
                path: path.to_path_buf(),
            });
        }
        let format = format::detect(Some(path), &decoded.text);
        Ok(Document::parse(path, decoded, format))
    }

    /// Parse already decoded text in the given format.
    pub fn parse(path: &Path, decoded: Decoded, format: Format) -> Document {
        let Decoded {
            text,
            encoding,
            bom,
            offsets,
        } = decoded;
        let blocks = format::extract(format, &text);
        let links = blocks
            .iter()
            .flat_map(|b| {
                b.links.iter().map(|l| Link {
                    target: l.target.clone(),
                    span: l.span.clone(),
                    boilerplate: b.boilerplate,
                })
            })
            .collect();
        let structure = structure::build(&text, blocks);
        let lines = LineIndex::new(&text);
        let directives = directives::parse(&text, format);
        let context = context::infer(path, &structure.nodes, &structure.norm);
        Document {
            path: path.to_path_buf(),
            encoding,
            bom,
            format,
            text,
            offsets,
            lines,
            nodes: structure.nodes,
            norm: structure.norm,
            directives,
            context,
            links,
            parts: Vec::new(),
        }
    }

    /// The page's title: its first heading, normalised (none without one).
    pub fn title(&self) -> Option<&str> {
        self.nodes
            .iter()
            .find(|n| n.kind == NodeKind::Heading && !n.boilerplate)
            .map(|n| self.norm.text[n.norm.clone()].trim())
    }

    /// Line and column of a byte offset in the decoded text.
    pub fn position(&self, offset: usize) -> Position {
        self.lines.position(&self.text, offset)
    }

    /// The line of a byte offset in the decoded text.
    pub fn line(&self, offset: usize) -> usize {
        self.lines.line(offset)
    }

    /// Byte offset in the original file of a byte offset in the decoded text.
    pub fn file_offset(&self, offset: usize) -> usize {
        self.offsets.to_file(offset)
    }

    /// Source span of a normalised range.
    pub fn norm_to_src(&self, r: Range<usize>) -> Range<usize> {
        self.norm.to_src(r)
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// The normalised text of a node.
    pub fn norm_text(&self, id: NodeId) -> &str {
        &self.norm.text[self.nodes[id as usize].norm.clone()]
    }

    /// The source text of a node.
    pub fn src_text(&self, id: NodeId) -> &str {
        &self.text[self.nodes[id as usize].src.clone()]
    }

    /// The heading node of a section.
    pub fn section_heading(&self, id: NodeId) -> Option<NodeId> {
        let n = self.node(id);
        (n.kind == NodeKind::Section)
            .then(|| n.children.first().copied())
            .flatten()
    }
}

fn decode_error(path: &Path, bytes: &[u8], e: DecodeError) -> LoadError {
    let file_at = match &e {
        DecodeError::Binary { offset }
        | DecodeError::Invalid { offset, .. }
        | DecodeError::Nul { offset } => *offset,
        DecodeError::Utf16WithoutBom { .. } => 0,
    };
    // Decode the valid prefix exactly so that the offset in `lossy` is right.
    let prefix = String::from_utf8_lossy(&bytes[..file_at.min(bytes.len())]);
    let at = prefix.len();
    let lossy = match &e {
        DecodeError::Invalid { encoding, .. } if *encoding != "UTF-8" => {
            let enc =
                encoding_rs::Encoding::for_label(encoding.as_bytes()).unwrap_or(encoding_rs::UTF_8);
            let (pre, _, _) = enc.decode(&bytes[..file_at.min(bytes.len())]);
            let (all, _, _) = enc.decode(bytes);
            return LoadError::Decode {
                path: path.to_path_buf(),
                source: e,
                at: pre.len(),
                lossy: all.into_owned(),
            };
        }
        DecodeError::Binary { .. } | DecodeError::Utf16WithoutBom { .. } => String::new(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    };
    LoadError::Decode {
        path: path.to_path_buf(),
        source: e,
        lossy,
        at,
    }
}
