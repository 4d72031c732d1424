//! Baselines: record today's findings so that only new ones are reported.
//! A finding is keyed by rule, path and a fingerprint of the normalised text
//! around it, so that it survives lines moving above it.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// A baseline larger than this is refused (one finding is ~150 bytes).
const MAX_BASELINE: u64 = 64 * 1024 * 1024;

/// A stable 64-bit FNV-1a hash, printed as hex: the same on every machine
/// and every run.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    pub fingerprint: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// Baselined findings, counted (the same finding may occur twice).
#[derive(Debug, Default)]
pub struct Baseline {
    counts: HashMap<Entry, usize>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = crate::source::read_text(path, MAX_BASELINE)?;
        Baseline::parse(&path.display().to_string(), &text)
    }

    /// A baseline from its text; `name` is shown in errors.
    pub fn parse(name: &str, text: &str) -> Result<Baseline, String> {
        let f: File = serde_json::from_str(text).map_err(|e| {
            format!(
                "{name}:{}:{}: not a policylint baseline: {e}",
                e.line(),
                e.column()
            )
        })?;
        if f.version != 1 {
            return Err(format!(
                "{name}: baseline version {} is not supported (expected 1)",
                f.version
            ));
        }
        let mut counts = HashMap::new();
        for e in f.findings {
            *counts.entry(e).or_insert(0) += 1;
        }
        Ok(Baseline { counts })
    }

    /// Whether the finding is in the baseline; each entry covers one finding.
    pub fn take(&mut self, e: &Entry) -> bool {
        match self.counts.get_mut(e) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }

    /// The baseline file for `entries`, sorted so that it diffs well.
    pub fn write(path: &Path, mut entries: Vec<Entry>) -> Result<(), String> {
        entries.sort();
        let f = File {
            version: 1,
            findings: entries,
        };
        let text = serde_json::to_string_pretty(&f).map_err(|e| e.to_string())?;
        std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        assert_eq!(
            fingerprint(&["appi/x", "共同利用"]),
            fingerprint(&["appi/x", "共同利用"])
        );
        assert_ne!(
            fingerprint(&["appi/x", "共同利用"]),
            fingerprint(&["appi/y", "共同利用"])
        );
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(fingerprint(&[]).len(), 16);
    }
}
