//! Where checking time goes, by format and by pattern, over a directory:
//! a measuring tool run by hand (`cargo run --release --example
//! pattern_cost -- DIR [RULES]`; the built-in pack, or the pack in folder
//! RULES), so it may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use policylint::document::Document;
use policylint::pattern::Plan;
use policylint::rules::Loader;
use std::time::{Duration, Instant};
fn main() {
    let mut l = Loader::new().with_project(&std::env::current_dir().unwrap());
    match std::env::args().nth(2) {
        Some(rules) => l.add_path(std::path::Path::new(&rules)).unwrap(),
        None => l.add_builtin(),
    }
    let set = l.compile().unwrap();
    let dir = std::env::args().nth(1).unwrap();
    let mut docs = Vec::new();
    let mut load = Duration::ZERO;
    let mut read = Duration::ZERO;
    let mut by_ext: std::collections::BTreeMap<String, (Duration, u64)> = Default::default();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let t = Instant::now();
            let _b = std::fs::read(e.path()).unwrap();
            read += t.elapsed();
            let t = Instant::now();
            if let Ok(d) = Document::load(e.path(), 1 << 30) {
                docs.push(d);
            }
            load += t.elapsed();
            let ext = e
                .path()
                .extension()
                .and_then(|x| x.to_str())
                .unwrap_or("")
                .to_string();
            let ent = by_ext.entry(ext).or_default();
            ent.0 += t.elapsed();
            ent.1 += e.metadata().unwrap().len();
        }
    }
    for (k, (t, b)) in &by_ext {
        println!(
            "{k}: {:?} for {:.1} MB = {:.1} MB/s",
            t,
            *b as f64 / 1e6,
            *b as f64 / 1e6 / t.as_secs_f64()
        );
    }
    let t = Instant::now();
    let mut nf = 0;
    for d in &docs {
        nf += policylint::engine::Evaluator::new(&set, d).run_all().len();
    }
    println!(
        "read {:?} load {:?} eval {:?} findings {nf}",
        read,
        load,
        t.elapsed()
    );
    let n = set.patterns.len();
    let mut cost = vec![Duration::ZERO; n];
    let mut count = vec![0usize; n];
    let mut ac = Duration::ZERO;
    for d in &docs {
        let t = Instant::now();
        let scan = set.patterns.scan(&d.norm.text);
        ac += t.elapsed();
        for id in 0..n as u32 {
            if set.patterns.plan(id).is_some() {
                let t = Instant::now();
                count[id as usize] += scan.get(id).len();
                cost[id as usize] += t.elapsed();
            }
        }
    }
    let mut v: Vec<_> = (0..n)
        .filter(|&i| set.patterns.plan(i as u32).is_some())
        .collect();
    v.sort_by_key(|&i| std::cmp::Reverse(cost[i]));
    // The automaton's busiest literals: every hit of every literal is
    // reported and stored, however rare the rule that wants it.
    let mut lits: std::collections::BTreeMap<String, usize> = set
        .patterns
        .automaton_literals()
        .iter()
        .map(|l| (l.clone(), 0))
        .collect();
    for d in &docs {
        for (l, c) in lits.iter_mut() {
            *c += d.norm.text.matches(l.as_str()).count();
        }
    }
    let mut lv: Vec<_> = lits.into_iter().collect();
    lv.sort_by_key(|(_, c)| std::cmp::Reverse(*c));
    let hits: usize = lv.iter().map(|(_, c)| c).sum();
    println!(
        "{} automaton literals ({} KiB), {hits} hits; the busiest:",
        lv.len(),
        set.patterns.automaton_bytes() / 1024
    );
    for (l, c) in lv.iter().take(20) {
        println!("{c:>9} {l:?}");
    }
    println!(
        "ac {:?} regex total {:?} ({} regexes)",
        ac,
        cost.iter().sum::<Duration>(),
        v.len()
    );
    for i in v.iter().take(25) {
        let d = set.patterns.describe(*i as u32);
        let full = matches!(set.patterns.plan(*i as u32), Some(Plan::Full));
        println!(
            "{:>8.1}ms {:>7} {} {:.70}",
            cost[*i].as_secs_f64() * 1e3,
            count[*i],
            if full { "F" } else { "W" },
            d
        );
    }
}
