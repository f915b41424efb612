//! Arbitrary bytes as a trust file (`TrustStore::add_bytes`, what `--trust` and the bindings
//! load): classification by content, then the certificate, CRL, master list, deviation list
//! or LDIF path, under both master list policies, into a store that already holds a CSCA (so
//! `VerifyWithStore` reaches the signer and chain checks), followed by every store query.
//!
//! First byte: bit 0 = trust lists as is, else verify them with the store.
#![no_main]

use idproof_core::asn1::Time;
use idproof_core::auth::deviation::apply::DocumentFacts;
use idproof_core::auth::trust::{MasterListPolicy, TrustFileKind, TrustStore};
use libfuzzer_sys::fuzz_target;

/// A real CSCA (DE), already in the store before the fuzzed file.
const CSCA: &[u8] = include_bytes!("../../fixtures/data/pki/DE_CSCA.der");

fuzz_target!(|data: &[u8]| {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let policy = if flags & 1 != 0 {
        MasterListPolicy::TrustAsIs
    } else {
        MasterListPolicy::VerifyWithStore
    };
    let mut store = TrustStore::new();
    store.add_certificate(CSCA, "DE_CSCA.der").unwrap();
    let kind = TrustStore::classify(bytes);
    match store.add_bytes(bytes, policy, "fuzz") {
        // What was added is what the bytes were classified as (a master list's signed
        // content may turn out to be a deviation list).
        Ok(added) => assert!(
            Some(added) == kind || added == TrustFileKind::DeviationList,
            "{added:?} added, classified {kind:?}"
        ),
        Err(_) => store.record_refused("fuzz"),
    }
    let _ = (
        store.summary(),
        store.why_no_anchor(),
        store.has_deviations(),
    );
    let at = Time::from_ymd(2026, 12, 7).unwrap();
    for cert in store.anchors().chain(store.document_signers()).take(16) {
        let _ = store.issuers_of(cert).count();
        let _ = store.find(cert.subject(), cert.ski());
        let facts = DocumentFacts {
            dsc: Some(cert),
            document_code: Some("P<"),
            document_number: Some("C01X00T47"),
            signing_time: Some(at),
        };
        let _ = store.deviations_for(&facts);
    }
    for crl in store.crls().take(16) {
        let _ = crl.current_at(at);
    }
});
