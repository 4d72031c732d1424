//! The decoder on arbitrary bytes: no panic; when it decodes, the map back
//! to file offsets is monotonic and ends at the file's length.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policylint::source::decode;

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = decode(data) {
        let mut last = 0;
        for (i, _) in d.text.char_indices() {
            let f = d.offsets.to_file(i);
            assert!(f >= last && f <= data.len());
            last = f;
        }
        assert_eq!(d.offsets.to_file(d.text.len()), data.len());
    }
});
