//! "Did you mean": the known word nearest to a mistyped one, for keys and
//! values in `policylint.toml`, rule ids and command arguments.

/// The candidate nearest to `word`, if it is near enough to be a typo of
/// it: a few edits away (a swap of two letters is one edit), fewer for a
/// short word, or a longer word that `word` begins (`warn` → `warning`).
/// Ties go to the earlier candidate.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    // Two letters of five changed is another word, not a typo.
    let most = ((len + 1) / 3).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let d = strsim::osa_distance(word, c);
        let d = if d > most && len >= 3 && c.starts_with(word) {
            most
        } else {
            d
        };
        if d <= most && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::nearest;

    #[test]
    fn typos_are_near_and_other_words_are_not() {
        let keys = ["lang", "fail-level", "include", "exclude", "overrides"];
        assert_eq!(nearest("fail_level", keys), Some("fail-level"));
        assert_eq!(nearest("overides", keys), Some("overrides"));
        assert_eq!(nearest("exclud", keys), Some("exclude"));
        assert_eq!(nearest("colour", keys), None);
        let levels = ["error", "warning", "info", "never"];
        assert_eq!(nearest("wraning", levels), Some("warning"));
        assert_eq!(nearest("warn", levels), Some("warning"));
        assert_eq!(nearest("loud", levels), None);
        // Short words: one edit at most.
        assert_eq!(nearest("jp", ["ja", "en"]), Some("ja"));
        assert_eq!(nearest("fr", ["ja", "en"]), None);
        assert_eq!(
            nearest("t/contakt", ["t/closed", "t/contact"]),
            Some("t/contact")
        );
    }
}
