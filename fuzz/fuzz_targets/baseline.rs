//! Baselines on arbitrary text (a pull request can supply one in CI): no
//! panic, and a baseline that parses gives each entry at most as often as
//! it was recorded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policylint::engine::baseline::{Baseline, Entry};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(mut b) = Baseline::parse("baseline.json", text) else { return };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else { return };
    let Some(entries) = v["findings"].as_array() else { return };
    // Entries as the baseline reads them (unknown keys are ignored, so two
    // different objects can be one entry).
    let read: Vec<Entry> = entries
        .iter()
        .filter_map(|e| serde_json::from_value::<Entry>(e.clone()).ok())
        .collect();
    for entry in &read {
        let recorded = read.iter().filter(|x| *x == entry).count();
        let mut taken = 0;
        while b.take(entry) {
            taken += 1;
            assert!(taken <= recorded);
        }
    }
});
