//! ICAO PKD LDIF text and PEM blocks (lossy UTF-8 of the input), then the same text loaded
//! into a trust store (every certificate, CRL and master list it holds goes through their
//! parsers). Also: base64 decoding of arbitrary text, and a round trip through the encoder.
#![no_main]

use idproof_core::auth::ldif;
use idproof_core::auth::trust::{MasterListPolicy, TrustStore};
use idproof_core::flow::evidence::{base64_decode, base64_encode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let content = ldif::parse(&text);
    assert_eq!(
        content.items.len(),
        content.dns.len(),
        "an item without its dn"
    );
    let _ = ldif::pem_blocks(&text, "CERTIFICATE");
    let _ = ldif::pem_blocks(&text, "X509 CRL");
    for policy in [
        MasterListPolicy::TrustAsIs,
        MasterListPolicy::VerifyWithStore,
    ] {
        let mut store = TrustStore::new();
        let _ = store.add_ldif(&text, policy, "fuzz.ldif");
        let _ = (store.summary(), store.why_no_anchor());
    }
    let _ = ldif::base64_decode(&text);
    // Both base64 decoders read what the encoder writes.
    let encoded = base64_encode(data);
    assert_eq!(ldif::base64_decode(&encoded).as_deref(), Some(data));
    assert_eq!(base64_decode(&encoded).as_deref(), Ok(data));
    let _ = base64_decode(&text);
});
