//! One file that holds two versions of a policy: a revision comparison
//! table (新旧対照表) whose header row names the version before and the
//! version after (改定前 / 改定後, 旧 / 新, 変更前 / 変更後, 現行 / 改定案 …).
//!
//! Each version is the same document with the other version's text made
//! invisible to the rules (boilerplate), so that every span stays exact in
//! the one file: the other column's cells, the header row, and, after the
//! table, the other version's copy of text that spilled out of the cells.
//! Such spill-over is what a table pasted from a web page often looks like
//! (the first part of each cell stays in the table, the rest follows it as
//! plain text, the old then the new copy of each part); a copy is told by
//! its twin. Text after the table with no twin belongs to both versions,
//! as does every other column (a row's label: "3. 利用目的").

use std::ops::Range;

use super::context::{self, Inferred, Source, revision_side};
use super::{Document, NodeId, NodeKind};

/// One of the two versions a revision table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Before,
    After,
}

/// A table whose header row names a version before and a version after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionTable {
    /// The table's index in the document (`CellRef::table`).
    pub table: u32,
    pub before_col: u32,
    pub after_col: u32,
    /// The header cells naming the two versions, as byte ranges of the
    /// decoded text (before, after).
    pub before_header: Range<usize>,
    pub after_header: Range<usize>,
}

/// The first revision table of the document, if it has one.
pub fn find_table(doc: &Document) -> Option<RevisionTable> {
    let mut tables: Vec<u32> = doc
        .nodes
        .iter()
        .filter_map(|n| n.cell.filter(|c| c.row == 0).map(|c| c.table))
        .collect();
    tables.dedup();
    tables.into_iter().find_map(|table| {
        let header = |before: bool| {
            doc.nodes.iter().find(|n| {
                n.kind == NodeKind::Cell
                    && n.cell.is_some_and(|c| c.table == table && c.row == 0)
                    && revision_side(&doc.norm.text[n.norm.clone()]) == Some(before)
            })
        };
        let (b, a) = (header(true)?, header(false)?);
        Some(RevisionTable {
            table,
            before_col: b.cell?.col,
            after_col: a.cell?.col,
            before_header: b.src.clone(),
            after_header: a.src.clone(),
        })
    })
}

impl Document {
    /// Make this document the `side` version of its revision table `t`:
    /// the header row, the other column and the other version's copies
    /// after the table become boilerplate, and the context is inferred
    /// again from what is left (a version is policy text, not a fragment,
    /// unless its own words say otherwise).
    pub fn keep_version(&mut self, t: &RevisionTable, side: Side) {
        let hide_col = match side {
            Side::Before => t.after_col,
            Side::After => t.before_col,
        };
        let mut hide: Vec<NodeId> = Vec::new();
        for (i, n) in self.nodes.iter().enumerate() {
            if n.kind != NodeKind::Cell {
                continue;
            }
            if let Some(c) = n.cell.filter(|c| c.table == t.table)
                && (c.row == 0 || c.col == hide_col)
            {
                hide.push(i as NodeId);
            }
        }
        for (id, copy) in spill_over(self, t.table) {
            if copy != side {
                hide.push(id);
            }
        }
        for id in hide {
            self.hide(id);
        }
        // A section whose heading is hidden is no section of this version.
        for i in 0..self.nodes.len() {
            let heading = self.section_heading(i as NodeId);
            if heading.is_some_and(|h| self.node(h).boilerplate) {
                self.nodes[i].boilerplate = true;
            }
        }
        let mut ctx = context::infer(&self.path, &self.nodes, &self.norm);
        if ctx.document.value == "fragment" {
            // The cue was the revision title: the version itself is policy text.
            ctx.document = Inferred {
                value: "policy",
                source: Source::Default,
                cue: None,
                evidence: None,
            };
        }
        self.context = ctx;
    }

    /// Mark a node and everything under it as boilerplate.
    fn hide(&mut self, id: NodeId) {
        let mut stack = vec![id];
        while let Some(i) = stack.pop() {
            let n = &mut self.nodes[i as usize];
            n.boilerplate = true;
            stack.extend(n.children.iter().copied());
        }
    }
}

/// The text blocks after table `table` that are one version's copy of a
/// part whose other copy follows it: `(block, version)`. A part repeated
/// as it is (A A) is the same in both versions; a part whose second copy
/// differs (A B, where A's blocks appear in B in order and B starts and
/// ends like A) is a revised part. Blocks with no twin are not listed.
fn spill_over(doc: &Document, table: u32) -> Vec<(NodeId, Side)> {
    let end = doc
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Cell && n.cell.is_some_and(|c| c.table == table))
        .map(|n| n.norm.end)
        .max();
    let Some(end) = end else {
        return Vec::new();
    };
    let in_table = |n: &super::Node| {
        let mut p = n.parent;
        while let Some(id) = p {
            let pn = doc.node(id);
            if pn.kind == NodeKind::Table {
                return true;
            }
            p = pn.parent;
        }
        false
    };
    let blocks: Vec<(NodeId, &str)> = doc
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| {
            n.kind.is_leaf_text()
                && !n.boilerplate
                && n.norm.start >= end
                && n.norm.start < n.norm.end
                && !in_table(n)
        })
        .map(|(i, n)| (i as NodeId, doc.norm.text[n.norm.clone()].trim()))
        .collect();
    let texts: Vec<&str> = blocks.iter().map(|b| b.1).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < texts.len() {
        match twin(&texts, i) {
            Some((old_end, new_end)) => {
                out.extend((i..old_end).map(|k| (blocks[k].0, Side::Before)));
                out.extend((old_end..new_end).map(|k| (blocks[k].0, Side::After)));
                i = new_end;
            }
            None => i += 1,
        }
    }
    out
}

/// The part starting at `i` and its second copy: `(end of the first, end of
/// the second)`. The shortest exact repeat first; else a revised copy.
fn twin(t: &[&str], i: usize) -> Option<(usize, usize)> {
    let rest = t.len() - i;
    if let Some(k) = (1..=rest / 2).find(|&k| t[i..i + k] == t[i + k..i + 2 * k]) {
        return Some((i + k, i + 2 * k));
    }
    // A revised copy starts with the same block as the part, and ends with
    // the part's last block; the part's blocks appear in it in order (text
    // was added), or all but a few (text was also removed).
    for j in (i + 1..t.len()).filter(|&j| t[j] == t[i]) {
        let last = t[j - 1];
        let Some(e) = (j..t.len()).find(|&e| t[e] == last) else {
            continue;
        };
        let (old, new) = (&t[i..j], &t[j..=e]);
        let kept = common(old, new);
        if kept * 4 >= old.len() * 3 && kept * 2 >= new.len() {
            return Some((j, e + 1));
        }
    }
    None
}

/// The length of the longest common subsequence of two block lists.
fn common(a: &[&str], b: &[&str]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diag = 0;
        for (k, y) in b.iter().enumerate() {
            let up = row[k + 1];
            row[k + 1] = if x == y { diag + 1 } else { up.max(row[k]) };
            diag = up;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visible(doc: &Document) -> Vec<String> {
        doc.nodes
            .iter()
            .filter(|n| n.kind.is_leaf_text() && !n.boilerplate && n.norm.start < n.norm.end)
            .map(|n| doc.text[n.src.clone()].trim().to_string())
            .collect()
    }

    const TABLE: &str = "| 項目 | 改定前 | 改定後 |\n|---|---|---|\n| 第5条 | 窓口は電話です。 | 窓口はメールです。 |\n\n附則\n";

    #[test]
    fn each_version_hides_the_other_column_and_the_header() {
        let mut old = Document::from_text("t.md", TABLE).unwrap();
        let t = find_table(&old).unwrap();
        assert_eq!((t.before_col, t.after_col), (1, 2));
        assert_eq!(&old.text[t.before_header.clone()], "改定前");
        assert_eq!(old.context.document.value, "fragment");
        old.keep_version(&t, Side::Before);
        assert_eq!(visible(&old), ["第5条", "窓口は電話です。", "附則"]);
        assert_eq!(old.context.document.value, "policy");
        let mut new = Document::from_text("t.md", TABLE).unwrap();
        new.keep_version(&t, Side::After);
        assert_eq!(visible(&new), ["第5条", "窓口はメールです。", "附則"]);
    }

    #[test]
    fn general_column_names() {
        for (b, a) in [("旧", "新"), ("変更前", "変更後"), ("現行", "改定案")] {
            let text = format!("| {b} | {a} |\n|---|---|\n| 甲 | 乙 |\n");
            let doc = Document::from_text("t.md", &text).unwrap();
            let t = find_table(&doc).unwrap_or_else(|| panic!("{b}/{a}"));
            assert_eq!((t.before_col, t.after_col), (0, 1));
        }
        let doc = Document::from_text("t.md", "| 項目 | 内容 |\n|---|---|\n| 甲 | 乙 |\n").unwrap();
        assert_eq!(find_table(&doc), None);
    }

    #[test]
    fn spill_over_copies_go_to_their_version() {
        // After the table: part A twice as it is, then part B and its
        // revised copy (one paragraph added), then a closing line.
        let text = "| 改定前 | 改定後 |\n|---|---|\n| 冒頭 | 冒頭 |\n\n\
                    A一。\n\nA二。\n\nA一。\n\nA二。\n\n\
                    B一。\n\nB二。\n\nB一。\n\n追加。\n\nB二。\n\n以上。\n";
        let mut old = Document::from_text("t.md", text).unwrap();
        let t = find_table(&old).unwrap();
        old.keep_version(&t, Side::Before);
        assert_eq!(
            visible(&old),
            ["冒頭", "A一。", "A二。", "B一。", "B二。", "以上。"]
        );
        let mut new = Document::from_text("t.md", text).unwrap();
        new.keep_version(&t, Side::After);
        assert_eq!(
            visible(&new),
            [
                "冒頭",
                "A一。",
                "A二。",
                "B一。",
                "追加。",
                "B二。",
                "以上。"
            ]
        );
    }

    #[test]
    fn twins() {
        assert_eq!(twin(&["a", "b", "a", "b"], 0), Some((2, 4)));
        assert_eq!(twin(&["a", "b", "a", "x", "b"], 0), Some((2, 5)));
        assert_eq!(twin(&["a", "b", "c"], 0), None);
        // Too different to be a revised copy.
        assert_eq!(
            twin(&["a", "b", "c", "d", "a", "x", "y", "z", "d"], 0),
            None
        );
        assert_eq!(common(&["a", "b", "c"], &["a", "x", "c"]), 2);
    }
}
