//! The `card_security` check on real EF.CardSecurity / EF.CardAccess files (issue 13 item 8):
//! a real DE passport's EF.CardSecurity under the DE CSCA with a real DE EF.CardAccess, the FI
//! one alone, and the BSI worked-example and DAN test-card pairs (no CSCA for their signers:
//! not performed, the signature verifies and the PACE entries agree). Real pairs do not list
//! every other entry identically; those differences are the notes asserted here.

use std::collections::BTreeMap;
use std::path::PathBuf;

use idproof_core::asn1::Time;
use idproof_core::auth::card_security::card_security_check;
use idproof_core::auth::trust::TrustStore;
use idproof_core::lds::LdsFile;
use idproof_core::report::{Check, CheckName};

fn data(path: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/data")
        .join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn files(access: Option<&str>, security: &str) -> BTreeMap<LdsFile, Vec<u8>> {
    let mut files = BTreeMap::new();
    if let Some(access) = access {
        files.insert(LdsFile::CardAccess, data(access));
    }
    files.insert(LdsFile::CardSecurity, data(security));
    files
}

fn trust(csca: &str) -> TrustStore {
    let mut trust = TrustStore::new();
    trust.add_certificate(&data(csca), csca).unwrap();
    trust
}

const NO_TRUST: &str = "EF.CardSecurity's signature verifies, but its signer chain was not \
     verified: the trust store is empty: give CSCA certificates or master lists; ";

#[test]
fn de_passport_card_security_passes_under_the_de_csca() {
    let at = Time::from_ymd(2024, 1, 1).unwrap();
    let check = card_security_check(
        &files(
            Some("securityinfos/gmrtd_EF_CardAccess_DE.bin"),
            "sod/DE/EF_CardSecurity.bin",
        ),
        &trust("pki/DE_CSCA.der"),
        at,
    );
    assert_eq!(
        check,
        Check::passed_with(
            CheckName::CardSecurity,
            "EF.CardSecurity signed by C=DE, O=Bundesdruckerei GmbH, serialNumber=152, \
             CN=Document Signer Passport, chain valid at 2024-01-01T00:00:00Z (no signingTime: \
             verification time); EF.CardAccess's 2 PACEInfo(s) and 0 \
             PACEDomainParameterInfo(s) are signed in EF.CardSecurity"
        )
    );
    // Before its signer was valid (and with no signingTime to judge at): the chain fails.
    let before = Time::from_ymd(2020, 1, 1).unwrap();
    let check = card_security_check(
        &files(None, "sod/DE/EF_CardSecurity.bin"),
        &trust("pki/DE_CSCA.der"),
        before,
    );
    assert_eq!(
        check,
        Check::failed(
            CheckName::CardSecurity,
            "PA_CHAIN",
            "EF.CardSecurity signer chain: C=DE, O=Bundesdruckerei GmbH, serialNumber=152, \
             CN=Document Signer Passport is not valid at 2020-01-01T00:00:00Z (valid \
             2023-01-04T06:04:42Z to 2033-07-04T23:59:59Z)"
        )
    );
}

#[test]
fn real_pairs_without_their_csca_are_not_performed_with_the_pace_entries_agreeing() {
    let cases = [
        (
            Some("securityinfos/gmrtd_EF_CardAccess_DE.bin"),
            "sod/DE/EF_CardSecurity.bin",
            "EF.CardAccess's 2 PACEInfo(s) and 0 PACEDomainParameterInfo(s) are signed in \
             EF.CardSecurity",
        ),
        (
            Some("securityinfos/bsi_ecdh_EF_CardAccess.bin"),
            "cardsecurity/ecdh_EF_CardSecurity.bin",
            "EF.CardAccess's 1 PACEInfo(s) and 0 PACEDomainParameterInfo(s) are signed in \
             EF.CardSecurity (note: other EF.CardAccess entries not in EF.CardSecurity as such: \
             0.4.0.127.0.7.2.2.8)",
        ),
        (
            Some("securityinfos/bsi_dh_EF_CardAccess.bin"),
            "securityinfos/bsi_dh_EF_CardSecurity.bin",
            "EF.CardAccess's 1 PACEInfo(s) and 0 PACEDomainParameterInfo(s) are signed in \
             EF.CardSecurity (note: other EF.CardAccess entries not in EF.CardSecurity as such: \
             0.4.0.127.0.7.2.2.8)",
        ),
        (
            Some("securityinfos/bsi_ef_cardaccess_dan.bin"),
            "cardsecurity/ef_cardsecurity_dan.bin",
            "EF.CardAccess's 1 PACEInfo(s) and 0 PACEDomainParameterInfo(s) are signed in \
             EF.CardSecurity (note: other EF.CardAccess entries not in EF.CardSecurity as such: \
             0.4.0.127.0.7.2.2.3.2.2, 0.4.0.127.0.7.2.2.3.2)",
        ),
        (
            None,
            "sod/FI/EF_CardSecurity.bin",
            "no EF.CardAccess was given to compare with it",
        ),
        (
            None,
            "cardsecurity/jmrtd-efcardsecurity.dump",
            "no EF.CardAccess was given to compare with it",
        ),
    ];
    for (access, security, comparison) in cases {
        let check = card_security_check(
            &files(access, security),
            &TrustStore::new(),
            Time::from_ymd(2024, 1, 1).unwrap(),
        );
        assert_eq!(
            check,
            Check::not_performed(CheckName::CardSecurity, format!("{NO_TRUST}{comparison}")),
            "{security}"
        );
    }
}

#[test]
fn real_card_access_files_alone_say_what_they_offer() {
    let cases = [
        (
            "securityinfos/gmrtd_EF_CardAccess_DE.bin",
            "id-PACE-ECDH-GM-AES-CBC-CMAC-128 (v2, parameterId 13), \
             id-PACE-ECDH-CAM-AES-CBC-CMAC-128 (v2, parameterId 13)",
        ),
        // A Slovenian card: chip and terminal authentication only, with trailing bytes.
        (
            "securityinfos/bsi_ef_cardaccess_slowenia.bin",
            "no PACE protocol",
        ),
    ];
    for (access, offer) in cases {
        let mut files = BTreeMap::new();
        files.insert(LdsFile::CardAccess, data(access));
        let check = card_security_check(&files, &TrustStore::new(), Time::EPOCH);
        assert_eq!(
            check,
            Check::not_performed(
                CheckName::CardSecurity,
                format!(
                    "EF.CardSecurity was not given, so EF.CardAccess (which offers {offer}) is \
                     not proven by a signature"
                )
            ),
            "{access}"
        );
    }
}

mod mutated {
    //! Mutated real files never panic, and the check's outcome stays in its contract: with
    //! the genuine EF.CardSecurity, any EF.CardAccess passes or fails `CARD_ACCESS_MISMATCH`
    //! (one that does not parse is a note); any EF.CardSecurity fails only with the check's
    //! codes. `recognise_dump` never panics on either.

    use super::*;
    use idproof_core::lds::recognise_dump;
    use idproof_core::report::CheckStatus;
    use proptest::prelude::*;

    fn mutate(mut bytes: Vec<u8>, edits: &[(prop::sample::Index, u8)]) -> Vec<u8> {
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = *value;
        }
        bytes
    }

    fn run(access: Vec<u8>, security: Vec<u8>) -> Check {
        let _ = recognise_dump(&access);
        let _ = recognise_dump(&security);
        let mut files = BTreeMap::new();
        files.insert(LdsFile::CardAccess, access);
        files.insert(LdsFile::CardSecurity, security);
        card_security_check(
            &files,
            &trust("pki/DE_CSCA.der"),
            Time::from_ymd(2024, 1, 1).unwrap(),
        )
    }

    proptest! {
        #[test]
        fn a_mutated_card_access_passes_or_fails_mismatch(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        ) {
            let access = mutate(data("securityinfos/gmrtd_EF_CardAccess_DE.bin"), &edits);
            let check = run(access, data("sod/DE/EF_CardSecurity.bin"));
            match check.status {
                CheckStatus::Passed => {}
                CheckStatus::Failed => {
                    prop_assert_eq!(check.code.as_deref(), Some("CARD_ACCESS_MISMATCH"));
                }
                CheckStatus::NotPerformed => prop_assert!(false, "{check:?}"),
            }
        }

        #[test]
        fn a_mutated_card_security_fails_only_with_the_check_codes(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
            cut in any::<prop::sample::Index>(),
            truncate in any::<bool>(),
        ) {
            let mut security = mutate(data("sod/DE/EF_CardSecurity.bin"), &edits);
            if truncate {
                security.truncate(cut.index(security.len()));
            }
            let check = run(data("securityinfos/gmrtd_EF_CardAccess_DE.bin"), security);
            if check.status == CheckStatus::Failed {
                let code = check.code.as_deref().unwrap_or_default();
                prop_assert!(
                    ["SIGNATURE", "PA_CHAIN", "PA_REVOKED", "LDS_FORMAT", "CARD_ACCESS_MISMATCH"]
                        .contains(&code),
                    "{check:?}"
                );
            }
        }

        #[test]
        fn arbitrary_bytes_are_never_a_passed_card_security(
            bytes in proptest::collection::vec(any::<u8>(), 0..400),
        ) {
            let check = run(bytes.clone(), bytes);
            prop_assert_ne!(check.status, CheckStatus::Passed);
        }
    }
}

#[test]
fn real_files_of_every_kind_are_recognised_by_content() {
    use idproof_core::lds::{Recognised, recognise_dump, wrap_bare_sod};
    let card_access = [
        "securityinfos/bsi_dh_EF_CardAccess.bin",
        "securityinfos/bsi_ecdh_EF_CardAccess.bin",
        "securityinfos/bsi_ef_cardaccess_ca3.bin",
        "securityinfos/bsi_ef_cardaccess_dan.bin",
        "securityinfos/bsi_ef_cardaccess_new_testcard.bin",
        "securityinfos/bsi_ef_cardaccess_old_testcard.bin",
        "securityinfos/bsi_ef_cardaccess_slowenia.bin",
        "securityinfos/gmrtd_EF_CardAccess_AT.bin",
        "securityinfos/gmrtd_EF_CardAccess_DE.bin",
        "securityinfos/gmrtd_EF_CardAccess_SG.bin",
        // EF.CardSecurity's bare content is a SET OF SecurityInfo too: taken as EF.CardAccess.
        "securityinfos/gmrtd_SecurityInfos_DE_CardSecurity_content.bin",
    ];
    for f in card_access {
        assert_eq!(
            recognise_dump(&data(f)),
            Some(Recognised::File(LdsFile::CardAccess)),
            "{f}"
        );
    }
    let card_security = [
        "securityinfos/bsi_dh_EF_CardSecurity.bin",
        "cardsecurity/ecdh_EF_CardSecurity.bin",
        "cardsecurity/ef_cardsecurity_dan.bin",
        "cardsecurity/jmrtd-efcardsecurity.dump",
        "sod/DE/EF_CardSecurity.bin",
        "sod/FI/EF_CardSecurity.bin",
    ];
    for f in card_security {
        assert_eq!(
            recognise_dump(&data(f)),
            Some(Recognised::File(LdsFile::CardSecurity)),
            "{f}"
        );
    }
    // Every real EF.SOD: as it is, and bare (its ContentInfo), which wraps back byte for byte.
    for cc in [
        "AT", "AU", "CN", "DE", "FI", "FR", "ID", "MY", "NZ", "PH", "RU", "SG", "UK", "US",
    ] {
        let sod = data(&format!("sod/{cc}/EF_SOD.bin"));
        assert_eq!(
            recognise_dump(&sod),
            Some(Recognised::File(LdsFile::Sod)),
            "{cc}"
        );
        let bare = idproof_core::lds::Sod::parse(&sod)
            .unwrap()
            .content_info()
            .to_vec();
        // CN signs id-data: still EF.SOD, since what it signs is an LDS Security Object.
        assert_eq!(recognise_dump(&bare), Some(Recognised::BareSod), "{cc}");
        assert_eq!(wrap_bare_sod(&bare), sod, "{cc}");
    }
    assert_eq!(Recognised::BareSod.file(), LdsFile::Sod);
    // Trust material and the like are not dump files.
    for f in [
        "pki/DE_CSCA.der",
        "pki/DE_DSC.der",
        "pki/master-lists/DE_ML_2026-05-28-08-28-45.ml",
    ] {
        assert_eq!(recognise_dump(&data(f)), None, "{f}");
    }
    for bytes in [
        &[][..],
        &[0x31, 0x00],
        &[0x30, 0x00],
        &[0x31, 0x03, 0x02, 0x01, 0x01],
    ] {
        assert_eq!(recognise_dump(bytes), None, "{bytes:02X?}");
    }
}
