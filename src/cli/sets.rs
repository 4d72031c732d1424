//! Which checked files form document sets: the configuration's `[[sets]]`,
//! then sets inferred from relative links between checked pages.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use policylint::document::set::{normal, resolve_link};
use policylint::document::{Document, Facet};
use policylint::engine::DocSet;
use policylint::source::read_file;
use policylint::source::walk::{WalkItem, relative_to};
use rayon::prelude::*;

use super::config::{Config, ConfigError};

/// The sets of a run over `items`, and notes for standard error (a set
/// path that matches no file being checked). Errors: a file in two sets.
pub(crate) fn resolve(
    config: &Config,
    items: &[WalkItem],
    infer: bool,
    max_size: u64,
) -> Result<(Vec<DocSet>, String), Vec<ConfigError>> {
    let base = &config.settings.base_dir;
    let rel: Vec<PathBuf> = items.iter().map(|i| relative_to(base, path(i))).collect();
    let mut owner: Vec<Option<usize>> = vec![None; items.len()];
    let mut sets = Vec::new();
    let mut notes = String::new();
    let mut errors = Vec::new();
    for decl in &config.sets {
        let s = sets.len();
        let mut members = Vec::new();
        let mut unmatched = Vec::new();
        for (glob, span) in &decl.paths {
            let m = glob.compile_matcher();
            let mut matched = false;
            for (i, r) in rel.iter().enumerate() {
                if !m.is_match(r) {
                    continue;
                }
                matched = true;
                match owner[i] {
                    Some(o) if o == s => {}
                    Some(o) => errors.push(config.error_at(
                        span.clone(),
                        format!(
                            "{} is in two sets: `{}` and `{}`",
                            r.display(),
                            config.sets[o].name,
                            decl.name
                        ),
                        "matches a page of another set",
                        Some("a page belongs to one set: remove it from one of them".into()),
                    )),
                    None => {
                        owner[i] = Some(s);
                        members.push(i);
                    }
                }
            }
            if !matched {
                unmatched.push(glob.glob());
            }
        }
        // A note, not an error: a run over some files only (a pre-commit
        // hook's changed files) checks part of a set, or none of it (then
        // nothing is said).
        if !members.is_empty() {
            for g in unmatched {
                notes.push_str(&format!(
                    "note: set `{}`: `{g}` matches no file being checked\n",
                    decl.name
                ));
            }
        }
        sets.push(DocSet {
            name: decl.name.clone(),
            members,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if infer {
        sets.extend(infer_sets(items, &owner, max_size));
    }
    Ok((sets, notes))
}

fn path(item: &WalkItem) -> &Path {
    let (WalkItem::File(p) | WalkItem::Error(p, _)) = item;
    p
}

/// Pages linked together by relative links in their text (not in menus,
/// headers or footers) are one set: the connected pages, the main page
/// first (the one linking to most of the others; on a tie, the one read
/// as a policy, then the first by path), the others in path order. Files
/// already in a declared set take no part.
fn infer_sets(items: &[WalkItem], owner: &[Option<usize>], max_size: u64) -> Vec<DocSet> {
    let free: Vec<usize> = (0..items.len())
        .filter(|&i| owner[i].is_none() && matches!(items[i], WalkItem::File(_)))
        .collect();
    if free.len() < 2 {
        return Vec::new();
    }
    let by_path: HashMap<PathBuf, usize> =
        free.iter().map(|&i| (normal(path(&items[i])), i)).collect();
    // Which pages may link to another checked page: only those whose bytes
    // name another checked file are parsed (most pages link to none).
    let names: Vec<String> = free
        .iter()
        .filter_map(|&i| path(&items[i]).file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    let Ok(ac) = aho_corasick::AhoCorasick::new(&names) else {
        return Vec::new();
    };
    // (item, in-set link targets, read as a policy)
    let pages: Vec<(usize, Vec<usize>, bool)> = free
        .par_iter()
        .filter_map(|&i| {
            let p = path(&items[i]);
            let bytes = read_file(p, max_size).ok()?;
            if !ac.is_match(&bytes) {
                return None;
            }
            let doc = Document::from_bytes(p, &bytes).ok()?;
            let mut targets: Vec<usize> = doc
                .links
                .iter()
                .filter(|l| !l.boilerplate)
                .filter_map(|l| resolve_link(p, &l.target))
                .filter_map(|t| by_path.get(&t).copied())
                .filter(|&t| t != i)
                .collect();
            targets.sort_unstable();
            targets.dedup();
            let policy = doc.context.get(Facet::Document).value == "policy";
            (!targets.is_empty()).then_some((i, targets, policy))
        })
        .collect();
    if pages.is_empty() {
        return Vec::new();
    }
    let mut parent: Vec<usize> = (0..items.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for (i, targets, _) in &pages {
        for &t in targets {
            let (a, b) = (find(&mut parent, *i), find(&mut parent, t));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for &i in &free {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let score: HashMap<usize, (usize, bool)> = pages
        .iter()
        .map(|(i, t, policy)| (*i, (t.len(), *policy)))
        .collect();
    let mut out: Vec<DocSet> = groups
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|mut g| {
            g.sort_unstable();
            let main = g
                .iter()
                .copied()
                .max_by_key(|i| {
                    let (n, policy) = score.get(i).copied().unwrap_or((0, false));
                    (n, policy, std::cmp::Reverse(*i))
                })
                .unwrap_or(g[0]);
            g.retain(|&i| i != main);
            g.insert(0, main);
            DocSet {
                name: format!("{} (inferred)", policylint::engine::item_path(&items[main])),
                members: g,
            }
        })
        .collect();
    out.sort_by_key(|s| s.members.first().copied());
    out
}
