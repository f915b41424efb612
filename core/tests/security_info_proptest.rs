//! Arbitrary and mutated bytes never make the SecurityInfos, DG14 or EF.CardSecurity parsers
//! panic: they parse or return an error.

use idproof_core::access::security_info::SecurityInfos;
use idproof_core::lds::Dg14;
use proptest::prelude::*;

fn data(path: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../fixtures/data/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn all_parsers(bytes: &[u8]) {
    let _ = SecurityInfos::parse(bytes);
    let _ = SecurityInfos::parse_exact(bytes);
    let _ = SecurityInfos::from_card_security(bytes);
    let _ = Dg14::parse(bytes);
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        all_parsers(&bytes);
    }

    #[test]
    fn bytes_behind_a_set_header_never_panic(body in proptest::collection::vec(any::<u8>(), 0..200)) {
        let mut bytes = vec![0x31, 0x81, u8::try_from(body.len()).unwrap_or(0)];
        bytes.extend_from_slice(&body);
        all_parsers(&bytes);
    }

    #[test]
    fn mutated_vectors_never_panic(
        which in 0usize..4,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
    ) {
        let path = [
            "securityinfos/bsi_ef_cardaccess_old_testcard.bin",
            "securityinfos/gmrtd_DG14_with_keyid_brainpoolP256r1.bin",
            "securityinfos/bsi_dh_EF_CardSecurity.bin",
            "securityinfos/jmrtd-legacy_spec_sample_encoded_dg14.bin",
        ][which];
        let mut bytes = data(path);
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        all_parsers(&bytes);
        let end = cut.index(bytes.len());
        all_parsers(&bytes[..end]);
    }
}
