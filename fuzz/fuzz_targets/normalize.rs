//! Normalisation and its span map on arbitrary Unicode: the map covers the
//! output, is monotonic, lands on char boundaries of the input, and every
//! output char comes from a non-empty piece of the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policylint::document::normalize::normalize;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let m = normalize(s);
    assert_eq!(m.map.out_len(), m.text.len());
    let bounds: Vec<usize> = m.text.char_indices().map(|(i, _)| i).chain([m.text.len()]).collect();
    let (mut ls, mut le) = (0, 0);
    for w in bounds.windows(2) {
        let r = m.to_src(w[0]..w[1]);
        assert!(r.start < r.end && r.end <= s.len());
        assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
        let (st, en) = (m.map.src_start(w[0]), m.map.src_end(w[1]));
        assert!(st >= ls && en >= le);
        ls = st;
        le = en;
    }
    assert_eq!(normalize(&m.text).text, m.text, "idempotent");
});
