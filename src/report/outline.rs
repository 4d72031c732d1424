//! `policylint outline`: the tree the engine sees, for rule authors.

use std::fmt::Write as _;

use serde::Serialize;

use crate::document::context::{Inferred, Source};
use crate::document::heading::Family;
use crate::document::{Context, Document, Facet, Format, NodeId, NodeKind};
use crate::source::display_path;
use crate::text::{Position, escape_controls};

/// How much of a node's text the text outline shows.
const EXCERPT_CHARS: usize = 48;

#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// Show sentence nodes too.
    pub sentences: bool,
}

fn excerpt(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if n == max {
            out.push('…');
            break;
        }
        match c {
            '\r' if chars.peek() == Some(&'\n') => continue,
            '\n' | '\r' => out.push('⏎'),
            '\t' => out.push('→'),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
        n += 1;
    }
    out
}

/// Source text for display: in HTML, tags are dropped and white space
/// collapsed, so that the excerpt reads like the page (positions stay those
/// of the source).
fn display(doc: &Document, t: &str) -> String {
    if doc.format != Format::Html {
        return t.to_string();
    }
    let mut out = String::with_capacity(t.len());
    let mut in_tag = false;
    let mut space = false;
    for c in t.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if in_tag => {}
            c if c.is_ascii_whitespace() => space = !out.is_empty(),
            c => {
                if space {
                    out.push(' ');
                    space = false;
                }
                out.push(c);
            }
        }
    }
    out
}

fn span(doc: &Document, id: NodeId) -> (Position, Position) {
    let n = doc.node(id);
    (doc.position(n.src.start), doc.position(n.src.end))
}

fn counts(doc: &Document) -> String {
    let count = |k: NodeKind| doc.nodes.iter().filter(|n| n.kind == k).count();
    format!(
        "{} sections, {} paragraphs, {} list items, {} table cells, {} sentences",
        count(NodeKind::Section),
        count(NodeKind::Paragraph),
        count(NodeKind::ListItem),
        count(NodeKind::Cell),
        count(NodeKind::Sentence)
    )
}

/// Render the outline as indented text.
pub fn render_text(doc: &Document, opts: TextOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {}, {}{}, {} lines; {}",
        escape_controls(&display_path(&doc.path)),
        doc.format.name(),
        doc.encoding,
        if doc.bom { " with BOM" } else { "" },
        doc.position(doc.text.len()).line,
        counts(doc)
    );
    out.push_str(&context_text(doc, &doc.context));
    // Iterative pre-order walk: depth of nesting never touches the stack.
    let mut stack: Vec<(NodeId, usize)> = vec![(0, 0)];
    while let Some((id, depth)) = stack.pop() {
        let n = doc.node(id);
        let (s, e) = span(doc, id);
        let indent = "  ".repeat(depth);
        let mut label = n.kind.name().to_string();
        let mut text = None;
        let mut skip_first_child = false;
        let mut inline_child = None;
        match n.kind {
            NodeKind::Section => {
                let fam = n.family.map(Family::label).unwrap_or_default();
                let _ = write!(label, " L{} {}", n.level, fam);
                if let Some(h) = doc.section_heading(id) {
                    text = Some(doc.src_text(h));
                    skip_first_child = true;
                }
            }
            NodeKind::Cell => {
                if let Some(c) = n.cell {
                    let _ = write!(label, " r{}c{}", c.row, c.col);
                }
                if let Some(h) = &n.header {
                    let _ = write!(label, " [{h}]");
                }
                // A cell holding one paragraph shows its text on its own line.
                if let [only] = n.children[..]
                    && doc.node(only).kind == NodeKind::Paragraph
                {
                    text = Some(doc.src_text(only));
                    inline_child = Some(only);
                }
            }
            NodeKind::ListItem if n.level > 1 => {
                let _ = write!(label, " d{}", n.level);
                text = Some(doc.src_text(id));
            }
            NodeKind::Document | NodeKind::Table => {}
            _ => text = Some(doc.src_text(id)),
        }
        if n.boilerplate {
            label.push_str(" [boilerplate]");
        }
        if n.quoted {
            label.push_str(" [quoted]");
        }
        let _ = write!(
            out,
            "{indent}{label} {}:{}-{}:{}",
            s.line, s.column, e.line, e.column
        );
        if let Some(t) = text {
            let _ = write!(out, "  {}", excerpt(&display(doc, t), EXCERPT_CHARS));
        }
        let shown = inline_child.unwrap_or(id);
        let sentences = doc
            .node(shown)
            .children
            .iter()
            .filter(|&&c| doc.node(c).kind == NodeKind::Sentence)
            .count();
        if sentences > 1 && !opts.sentences {
            let _ = write!(out, "  ({sentences} sentences)");
        }
        out.push('\n');
        let kids: Vec<NodeId> = doc
            .node(shown)
            .children
            .iter()
            .copied()
            .skip(usize::from(skip_first_child))
            .filter(|&c| opts.sentences || doc.node(c).kind != NodeKind::Sentence)
            .collect();
        for &c in kids.iter().rev() {
            stack.push((c, depth + 1));
        }
    }
    out
}

/// The context lines of a document: each facet's value, where it comes
/// from, and the words it was read from with their position.
pub fn context_text(doc: &Document, ctx: &Context) -> String {
    let mut out = String::new();
    for (i, f) in Facet::ALL.into_iter().enumerate() {
        let v = ctx.get(f);
        let lead = if i == 0 { "context: " } else { "         " };
        let _ = write!(out, "{lead}{} = {}", f.name(), v.value);
        match (v.source, v.cue, &v.evidence) {
            (Source::Text, Some(cue), Some(r)) => {
                let p = doc.position(r.start);
                let words = excerpt(&display(doc, &doc.text[r.clone()]), 32);
                let _ = write!(out, " ({cue} at {}:{} 「{words}」)", p.line, p.column);
            }
            (Source::Config, _, _) => out.push_str(" (configuration)"),
            _ => out.push_str(" (nothing in the text says; default)"),
        }
        out.push('\n');
    }
    out
}

#[derive(Serialize)]
struct JsonFacet {
    value: &'static str,
    source: Source,
    #[serde(skip_serializing_if = "Option::is_none")]
    cue: Option<&'static str>,
    /// The words the value was read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<JsonEvidence>,
}

#[derive(Serialize)]
struct JsonEvidence {
    text: String,
    start: JsonPos,
    end: JsonPos,
}

/// A document's context as JSON: each facet's value, its source and cue,
/// and the evidence with positions (the same in `outline` and `check`).
pub fn context_json(doc: &Document, ctx: &Context) -> serde_json::Value {
    let facet = |v: &Inferred| JsonFacet {
        value: v.value,
        source: v.source,
        cue: v.cue,
        evidence: v.evidence.as_ref().map(|r| JsonEvidence {
            text: doc.text[r.clone()].to_string(),
            start: json_pos(doc, doc.position(r.start)),
            end: json_pos(doc, doc.position(r.end)),
        }),
    };
    let mut map = serde_json::Map::new();
    for f in Facet::ALL {
        let v = serde_json::to_value(facet(ctx.get(f))).unwrap_or(serde_json::Value::Null);
        map.insert(f.name().to_string(), v);
    }
    serde_json::Value::Object(map)
}

#[derive(Serialize)]
struct JsonPos {
    line: usize,
    column: usize,
    utf16_column: usize,
    /// Byte offset in the original file.
    offset: usize,
}

#[derive(Serialize)]
struct JsonNode {
    id: NodeId,
    kind: NodeKind,
    parent: Option<NodeId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    family: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<u32>,
    boilerplate: bool,
    /// Quoted statute or rules after the policy: never evidence.
    quoted: bool,
    start: JsonPos,
    end: JsonPos,
    #[serde(skip_serializing_if = "Option::is_none")]
    row: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    col: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    header: Option<String>,
    /// Source text of text-bearing nodes (headings, paragraphs, list items, sentences).
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    /// Normalised text the rules match, for the same nodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    normalized: Option<String>,
}

#[derive(Serialize)]
struct JsonOutline {
    path: String,
    format: &'static str,
    encoding: &'static str,
    bom: bool,
    /// Columns count Unicode scalar values; offsets are bytes of the original file.
    column_unit: &'static str,
    offset_unit: &'static str,
    /// Who publishes it, what kind of page, which service (see docs/applicability.md).
    context: serde_json::Value,
    nodes: Vec<JsonNode>,
}

fn json_pos(doc: &Document, p: Position) -> JsonPos {
    JsonPos {
        line: p.line,
        column: p.column,
        utf16_column: p.utf16_column,
        offset: doc.file_offset(p.offset),
    }
}

/// The outline as a JSON value: a flat list of nodes in document order, each
/// naming its parent.
pub fn to_json(doc: &Document) -> serde_json::Value {
    let nodes = doc
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let id = i as NodeId;
            let (s, e) = span(doc, id);
            let has_text = n.kind.is_leaf_text() || n.kind == NodeKind::Sentence;
            JsonNode {
                id,
                kind: n.kind,
                parent: n.parent,
                level: (n.kind == NodeKind::Section).then_some(n.level),
                family: n.family.map(Family::label),
                number: n.number,
                boilerplate: n.boilerplate,
                quoted: n.quoted,
                start: json_pos(doc, s),
                end: json_pos(doc, e),
                row: n.cell.map(|c| c.row),
                col: n.cell.map(|c| c.col),
                header: n.header.clone(),
                text: has_text.then(|| doc.src_text(id).to_string()),
                normalized: has_text.then(|| doc.norm_text(id).to_string()),
            }
        })
        .collect();
    let outline = JsonOutline {
        path: display_path(&doc.path),
        format: doc.format.name(),
        encoding: doc.encoding,
        bom: doc.bom,
        column_unit: "unicode-scalar-value",
        offset_unit: "byte-of-original-file",
        context: context_json(doc, &doc.context),
        nodes,
    };
    serde_json::to_value(outline).unwrap_or(serde_json::Value::Null)
}
