//! Evidence bundles (JSON from the app, hostile to the backend): `EvidenceBundle::from_json`,
//! and `verify_evidence` on whatever parses, over an empty trust store and one with a CSCA.
//!
//! First byte: bit 0 = the rest is a file map ([`idproof_fuzz::file_map`]) that the harness
//! turns into a bundle the way the app does (`from_read` with the app's own report), so the
//! serialiser, the parser and the re-verification see every kind of hostile file content;
//! the bundle must round-trip through JSON exactly and re-verify as consistent. Else the rest
//! is the JSON text (lossy UTF-8).
#![no_main]

use idproof_core::asn1::Time;
use idproof_core::auth::trust::TrustStore;
use idproof_core::flow::evidence::{EvidenceBundle, verify_evidence};
use idproof_core::flow::{Nonce, SessionId};
use idproof_core::reader::{AccessInfo, ChipEvidence, Document, ReadStats};
use idproof_core::verify::verify_files;
use idproof_fuzz::file_map;
use libfuzzer_sys::fuzz_target;

/// The CSCA of `idproof demo`, whose evidence bundle is a seed: with it, a bundle can verify
/// all the way (chain, signatures, hashes), so mutations of a good bundle reach every check.
const CSCA: &[u8] = include_bytes!("../data/demo_csca.der");

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let at = Time::from_ymd(2026, 12, 7).unwrap();
    let nonce = Nonce::new((1..=16).collect()).unwrap();
    let empty = TrustStore::new();
    let mut trust = TrustStore::new();
    trust.add_certificate(CSCA, "demo_csca.der").unwrap();
    if flags & 1 != 0 {
        let files = file_map(rest);
        let report = verify_files(&files, &empty, at, None);
        let document = Document {
            files,
            absent: Vec::new(),
            refused: Vec::new(),
            access: AccessInfo::bac(),
            chip: ChipEvidence {
                chip_authentication: None,
                pace_cam: None,
            },
            stats: ReadStats::default(),
            active_authentication: None,
        };
        let bundle =
            EvidenceBundle::from_read(&document, &report, SessionId("fuzz".into()), &nonce, at);
        let Ok(json) = bundle.to_json() else {
            return;
        };
        let back = EvidenceBundle::from_json(&json).expect("our own bundle is refused");
        assert!(back == bundle, "the bundle does not round-trip");
        let _ = verify_evidence(&back, &empty, at, &nonce);
        let _ = verify_evidence(&back, &trust, at, &nonce);
        return;
    }
    let text = String::from_utf8_lossy(rest);
    if let Ok(bundle) = EvidenceBundle::from_json(&text) {
        // What parses re-serialises to something that parses to the same bundle.
        let again = bundle
            .to_json()
            .expect("a parsed bundle does not serialise");
        assert!(EvidenceBundle::from_json(&again).ok() == Some(bundle.clone()));
        let _ = verify_evidence(&bundle, &empty, at, &nonce);
        let _ = verify_evidence(&bundle, &trust, at, &nonce);
    }
});
