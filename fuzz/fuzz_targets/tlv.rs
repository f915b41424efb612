//! BER-TLV decoding of arbitrary bytes: single TLVs, the whole tree, headers, children.
#![no_main]

use idproof_core::codec::tlv::{self, Tlv};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((t, rest)) = Tlv::parse(data) {
        assert_eq!(t.raw.len() + rest.len(), data.len());
        assert!(t.value.len() <= t.raw.len());
        for child in t.children().take(64) {
            let _ = child.map(|c| c.tag);
        }
        let _ = t.child(0x5C);
    }
    let _ = tlv::validate_tree(data);
    if let Ok(header) = tlv::parse_header(data) {
        // At most a 4-byte tag and a 5-byte length (84 + four bytes).
        assert!(header.header_len <= 9);
        let _ = header.total_len();
    }
    let _ = tlv::find(data, 0x7F66);
    let _ = Tlv::parse_single(data, 0x60);
});
