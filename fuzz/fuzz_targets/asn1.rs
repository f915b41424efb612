//! The ASN.1 decoder under both rule sets (DER, and the BER that CMS needs), walked to the
//! bottom: every element's children and every primitive accessor, as X.509 and CMS use them.
#![no_main]

use idproof_core::asn1::{self, MAX_DEPTH, Mode, Tlv};
use libfuzzer_sys::fuzz_target;

/// Visits `tlv` and its descendants (at most `budget` elements in all), calling every accessor.
fn walk(tlv: &Tlv<'_>, depth: usize, budget: &mut usize) {
    assert!(
        depth <= MAX_DEPTH + 1,
        "nesting beyond MAX_DEPTH was accepted"
    );
    let _ = (
        tlv.oid(),
        tlv.small_uint(),
        tlv.bit_string_bytes(),
        tlv.time(),
    );
    if let Ok(octets) = tlv.octets() {
        // Concatenated constructed strings are never longer than the element holding them.
        assert!(octets.len() <= tlv.raw.len());
    }
    if !tlv.is_constructed() {
        return;
    }
    for child in tlv.children() {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        match child {
            Ok(child) => walk(&child, depth + 1, budget),
            Err(_) => return,
        }
    }
    let _ = tlv.child_vec();
}

fuzz_target!(|data: &[u8]| {
    for mode in [Mode::Der, Mode::Ber] {
        if let Ok(tlv) = Tlv::parse(data, mode) {
            assert_eq!(tlv.raw, data, "a whole-input parse covers the input");
            walk(&tlv, 0, &mut 4096);
        }
        if let Ok((tlv, rest)) = Tlv::parse_prefix(data, mode) {
            assert_eq!(tlv.raw.len() + rest.len(), data.len());
        }
    }
    // DER accepts a subset of BER.
    if Tlv::parse(data, Mode::Der).is_ok() {
        assert!(
            Tlv::parse(data, Mode::Ber).is_ok(),
            "DER accepted what BER refused"
        );
    }
    if let Ok(dotted) = asn1::oid_to_string(data) {
        // A decoded OID re-encodes to the same content octets.
        assert_eq!(asn1::oid_from_string(&dotted).as_deref(), Ok(data));
    }
    let _ = asn1::oid_from_string(&String::from_utf8_lossy(data));
    let _ = (
        asn1::Time::parse_utc(data),
        asn1::Time::parse_generalized(data),
    );
});
