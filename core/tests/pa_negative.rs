//! The 16 deliberately broken SODs of pymrtd (`fixtures/data/sod/negative/README.json`), the
//! id-data eContentType SOD, and hostile bytes: each fails the way it should, nothing panics.

use std::collections::BTreeMap;
use std::path::PathBuf;

use idproof_core::asn1::{Mode, Time, Tlv};
use idproof_core::auth::trust::TrustStore;
use idproof_core::cms::SignedData;
use idproof_core::lds::sod::LdsSecurityObject;
use idproof_core::lds::{DataGroup, LdsFile};
use idproof_core::report::{CheckName, CheckStatus, Report, Verdict};
use idproof_core::verify::verify_files;
use proptest::prelude::*;

fn data(path: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/data")
        .join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn dg(n: u8) -> LdsFile {
    LdsFile::Dg(DataGroup::new(n).unwrap())
}

/// Verifies a SOD (and the ETSI DG14/DG15 when `with_etsi_dgs`) with no trust store, so only
/// the SOD's own failures show (the chain is `not_performed`).
fn run(sod: &str, with_etsi_dgs: bool) -> Report {
    let mut files = BTreeMap::new();
    files.insert(LdsFile::Sod, data(sod));
    if with_etsi_dgs {
        files.insert(dg(14), data("sod/etsi_DFLT_EACAA_EF_DG14.bin"));
        files.insert(dg(15), data("sod/etsi_DFLT_EACAA_EF_DG15.bin"));
    }
    verify_files(&files, &TrustStore::new(), Time::EPOCH, None)
}

fn assert_signature_fails(report: &Report, needle: &str, file: &str) {
    let c = report.check(CheckName::SodSignature).unwrap();
    assert_eq!(c.code.as_deref(), Some("PA_SIGNATURE"), "{file}: {c:?}");
    let detail = c.detail.as_deref().unwrap_or_default();
    assert!(
        detail.contains(needle),
        "{file}: {detail:?} lacks {needle:?}"
    );
    assert_eq!(report.verdict, Verdict::Failed, "{file}");
}

#[test]
fn the_unmodified_bases_verify_their_signatures() {
    for (sod, dgs) in [
        ("lds/bsi-tr03105_EF_SOD.bin", false),
        ("sod/etsi_DFLT_EACAA_EF_SOD.bin", true),
    ] {
        let r = run(sod, dgs);
        let c = r.check(CheckName::SodSignature).unwrap();
        assert_eq!(c.status, CheckStatus::Passed, "{sod}: {c:?}");
        if dgs {
            assert_eq!(
                r.check(CheckName::DgHashes).unwrap().status,
                CheckStatus::Passed
            );
        }
    }
}

#[test]
fn structural_corruptions_are_rejected() {
    for (file, needle) in [
        ("L559", "id-signedData"),
        ("L564", "id-signedData"),
        ("L569", "version"),
        ("L574", "version"),
        ("L579", "version"),
        // id-data: accepted as eContentType (CN uses it); the signed attributes were changed
        // along with it, so the signature no longer verifies.
        ("L584", "does not verify"),
        ("L589", "eContentType is 1.2.840.113549.1.7.5"),
        ("L594", "eContentType is 1.2.840.113549.1.7.5"),
    ] {
        let path = format!("sod/negative/sod_negative_{file}.bin");
        assert_signature_fails(&run(&path, false), needle, file);
    }
    assert_signature_fails(
        &run(
            "sod/bsi_tr03105_EF_SOD_modified_econtent_id-data.bin",
            false,
        ),
        "",
        "modified id-data",
    );
}

#[test]
fn lds_security_object_version_2_is_unsupported() {
    for file in ["L599", "L604"] {
        let path = format!("sod/negative/sod_negative_{file}.bin");
        let r = run(&path, false);
        // The eContent changed, so its messageDigest no longer matches …
        assert_signature_fails(&r, "messageDigest", file);
        // … and the object itself is refused.
        let c = r.check(CheckName::DgHashes).unwrap();
        assert_eq!(c.code.as_deref(), Some("PA_HASH"), "{file}: {c:?}");
        assert!(
            c.detail.as_deref().unwrap().contains("not supported"),
            "{c:?}"
        );
    }
}

#[test]
fn trailing_zero_byte_is_dump_padding_and_dropped() {
    // pymrtd's strict parser rejects one trailing byte; ours follows ARCHITECTURE.md ("a dump
    // padded with 00 or FF is accepted and the padding dropped"): the signature covers only
    // the object inside tag 77, so the padded file verifies exactly as the original.
    let padded = run("sod/negative/sod_negative_L609.bin", false);
    let original = run("lds/bsi-tr03105_EF_SOD.bin", false);
    assert_eq!(padded, original);
    // A non-padding trailing byte is refused.
    let mut bytes = data("lds/bsi-tr03105_EF_SOD.bin");
    bytes.push(0x42);
    let files = BTreeMap::from([(LdsFile::Sod, bytes)]);
    let r = verify_files(&files, &TrustStore::new(), Time::EPOCH, None);
    assert_signature_fails(&r, "byte", "non-padding trailing byte");
}

#[test]
fn modified_hashes_and_signature_fail() {
    // DG1 hash modified inside the signed eContent: the messageDigest no longer matches.
    assert_signature_fails(
        &run("sod/negative/sod_negative_L619.bin", true),
        "messageDigest",
        "L619",
    );
    // Signature's last byte changed.
    assert_signature_fails(
        &run("sod/negative/sod_negative_L632.bin", true),
        "signature",
        "L632",
    );
    // DG14 hash modified: messageDigest fails, and the real DG14 no longer matches the hash.
    let r = run("sod/negative/sod_negative_L645.bin", true);
    assert_signature_fails(&r, "messageDigest", "L645");
    let c = r.check(CheckName::DgHashes).unwrap();
    assert_eq!(c.code.as_deref(), Some("PA_HASH"));
    assert!(c.detail.as_deref().unwrap().contains("DG14"), "{c:?}");
}

#[test]
fn modified_data_groups_fail_their_hash_against_the_intact_sod() {
    // L657 and L669 are the intact ETSI SOD; the corruption is in the data group.
    for file in ["L657", "L669"] {
        let path = format!("sod/negative/sod_negative_{file}.bin");
        assert_eq!(
            data(&path),
            data("sod/etsi_DFLT_EACAA_EF_SOD.bin"),
            "{file}"
        );
    }
    // L669: DG15 RSA exponent 010001 → 010002.
    let mut dg15 = data("sod/etsi_DFLT_EACAA_EF_DG15.bin");
    let pos = dg15
        .windows(5)
        .rposition(|w| w == [0x02, 0x03, 0x01, 0x00, 0x01])
        .unwrap();
    dg15[pos + 4] = 0x02;
    let files = BTreeMap::from([
        (LdsFile::Sod, data("sod/negative/sod_negative_L669.bin")),
        (dg(14), data("sod/etsi_DFLT_EACAA_EF_DG14.bin")),
        (dg(15), dg15),
    ]);
    let r = verify_files(&files, &TrustStore::new(), Time::EPOCH, None);
    assert_eq!(
        r.check(CheckName::SodSignature).unwrap().status,
        CheckStatus::Passed
    );
    let c = r.check(CheckName::DgHashes).unwrap();
    assert_eq!(c.code.as_deref(), Some("PA_HASH"));
    assert!(c.detail.as_deref().unwrap().contains("DG15"), "{c:?}");
    // L657 (DG1 country D → ES): the ETSI DG1 is not among the vectors; a DG1 that is not the
    // one hashed fails the same way.
    let files = BTreeMap::from([
        (LdsFile::Sod, data("sod/negative/sod_negative_L657.bin")),
        (dg(1), data("lds/bsi-tr03105_Datagroup1.bin")),
    ]);
    let r = verify_files(&files, &TrustStore::new(), Time::EPOCH, None);
    let c = r.check(CheckName::DgHashes).unwrap();
    assert_eq!(c.code.as_deref(), Some("PA_HASH"), "{c:?}");
}

#[test]
fn truncations_of_real_sods_never_panic_and_never_pass() {
    for sod in [
        "sod/NZ/EF_SOD.bin",
        "sod/DE/EF_SOD.bin",
        "lds/bsi-tr03105_EF_SOD.bin",
    ] {
        let bytes = data(sod);
        for cut in (0..bytes.len()).step_by(7) {
            let files = BTreeMap::from([(LdsFile::Sod, bytes[..cut].to_vec())]);
            let r = verify_files(&files, &TrustStore::new(), Time::EPOCH, None);
            assert_ne!(
                r.check(CheckName::SodSignature).unwrap().status,
                CheckStatus::Passed
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn cms_and_sod_parsing_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = Tlv::parse(&bytes, Mode::Ber);
        let _ = SignedData::parse(&bytes);
        let _ = LdsSecurityObject::parse(&bytes);
        let _ = idproof_core::auth::cert::Certificate::from_der(&bytes);
        let _ = idproof_core::auth::crl::Crl::from_der(&bytes);
        let _ = TrustStore::classify(&bytes);
        let mut with_tag = vec![0x77, 0x82];
        with_tag.extend_from_slice(&u16::try_from(bytes.len()).unwrap().to_be_bytes());
        with_tag.extend_from_slice(&bytes);
        let files = BTreeMap::from([(LdsFile::Sod, with_tag)]);
        let r = verify_files(&files, &TrustStore::new(), Time::EPOCH, None);
        prop_assert_ne!(r.verdict, Verdict::Authentic);
    }

    #[test]
    fn mutated_real_sods_never_panic(pos in 0usize..2400, byte in any::<u8>()) {
        let mut bytes = data("sod/MY/EF_SOD.bin");
        if let Some(b) = bytes.get_mut(pos) {
            *b = byte;
        }
        if let Ok(sod) = idproof_core::lds::Sod::parse(&bytes)
            && let Ok(sd) = sod.signed_data()
            && let Some(c) = sd.e_content.as_deref()
        {
            let _ = LdsSecurityObject::parse(c);
        }
        let mut trust = TrustStore::new();
        trust.add_certificate(&data("pki/MY_CSCA.der"), "MY").unwrap();
        let files = BTreeMap::from([(LdsFile::Sod, bytes)]);
        let _ = verify_files(&files, &trust, Time::from_ymd(2024, 1, 1).unwrap(), None);
    }
}
