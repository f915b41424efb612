//! PACE, CAN, Chip and Active Authentication and full verification through the FFI types, the
//! way Kotlin and Swift use them: read the fixtures' virtual passport with a `ReadSession`,
//! verify the `Document` record against a `TrustStore` holding the passport's test CSCA.

use idproof_core::reader::Transport;
use idproof_ffi::{
    AaResponse, AccessKey, AccessProtocol, CheckStatus, Document, IdProofError, MasterListPolicy,
    PasswordKind, ReadOptions, ReadSession, ReadStep, TrustFileKind, TrustStore, Verdict,
    VerificationReport, default_read_options, verify, verify_read,
};
use idproof_fixtures::chip::{ChipProfile, ScriptedRng, VirtualChip, profile_by_name};
use idproof_fixtures::virtual_passport::VirtualPassport;

/// 2026-01-01T00:00:00Z: inside the test PKI's validity.
const AT: i64 = 1_767_225_600;
const CHALLENGE: [u8; 8] = [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF];

fn passport(profile: &str) -> VirtualPassport {
    VirtualPassport::specimen(profile_by_name(profile).expect("profile")).expect("specimen")
}

fn options() -> ReadOptions {
    ReadOptions {
        active_authentication_challenge: Some(CHALLENGE.to_vec()),
        ..default_read_options()
    }
}

fn drive(
    chip: &mut VirtualChip,
    key: AccessKey,
    options: ReadOptions,
) -> Result<Document, IdProofError> {
    let session = ReadSession::new(key, options)?;
    let mut response = None;
    loop {
        match session.step(response.take())? {
            ReadStep::Transmit { apdu } => {
                response = Some(chip.transmit(&apdu).expect("the chip stays in the field"));
            }
            ReadStep::Progress { .. } => {}
            ReadStep::Done { document } => return Ok(document),
        }
    }
}

fn mrz_key(p: &VirtualPassport) -> AccessKey {
    AccessKey::Mrz {
        lines: p.mrz.lines().to_vec(),
    }
}

fn trust(p: &VirtualPassport) -> std::sync::Arc<TrustStore> {
    let store = TrustStore::new();
    let added = store
        .add_certificate(p.document.pki.csca_der().to_vec(), "csca.der".into())
        .expect("CSCA");
    assert_eq!(added, 1);
    store
}

fn status(report: &VerificationReport, name: &str) -> CheckStatus {
    report
        .checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check {name}"))
        .status
}

fn code(report: &VerificationReport, name: &str) -> Option<String> {
    report
        .checks
        .iter()
        .find(|c| c.name == name)
        .and_then(|c| c.code.clone())
}

#[test]
fn modern_passport_reads_by_pace_cam_and_verifies_authentic() {
    let mut p = passport("modern-passport");
    let key = mrz_key(&p);
    let doc = drive(&mut p.chip, key, options()).expect("read");
    assert_eq!(doc.access.protocol, AccessProtocol::Pace);
    assert_eq!(doc.access.mapping.as_deref(), Some("CAM"));
    assert_eq!(doc.access.password, PasswordKind::Mrz);
    assert_eq!(doc.access.cipher, "AES-128");
    assert!(doc.access.pace_offered);
    let ca = doc.chip.chip_authentication.as_ref().expect("CA evidence");
    assert!(ca.confirmed && ca.failure.is_none(), "{ca:?}");
    assert!(doc.chip.pace_cam.is_some());
    let aa = doc.active_authentication.as_ref().expect("AA exchange");
    assert_eq!(aa.challenge, CHALLENGE);
    assert!(matches!(&aa.response, AaResponse::Signature { signature } if !signature.is_empty()));

    let lines = p.mrz.lines().to_vec();
    let report = verify(doc.clone(), trust(&p), AT, Some(lines.clone())).expect("verify");
    assert_eq!(report.verdict, Verdict::Authentic, "{report:?}");
    assert!(report.failures.is_empty());
    for name in [
        "sod_signature",
        "dsc_chain",
        "dg_hashes",
        "com_consistency",
        "mrz",
        "dg1_mrz_match",
        "chip_authentication",
        "active_authentication",
    ] {
        assert_eq!(status(&report, name), CheckStatus::Passed, "{name}");
    }

    // Without trust the same document is only incomplete, and an empty store changes nothing.
    let untrusted = verify_read(doc.clone(), Some(lines.clone())).expect("verify_read");
    assert_eq!(untrusted.verdict, Verdict::Incomplete);
    assert_eq!(status(&untrusted, "dsc_chain"), CheckStatus::NotPerformed);
    let empty = verify(doc, TrustStore::new(), AT, Some(lines)).expect("verify");
    assert_eq!(empty, untrusted);
}

#[test]
fn the_aa_exchange_round_trips_and_a_forged_answer_fails() {
    let mut p = passport("specimen");
    let key = mrz_key(&p);
    let doc = drive(&mut p.chip, key, options()).expect("read");
    assert_eq!(doc.access.protocol, AccessProtocol::Bac);
    let store = trust(&p);
    let report = verify(doc.clone(), store.clone(), AT, None).expect("verify");
    assert_eq!(report.verdict, Verdict::Authentic, "{report:?}");
    assert_eq!(
        status(&report, "active_authentication"),
        CheckStatus::Passed
    );
    // BAC specimen: no DG14, no PACE-CAM.
    assert_eq!(
        status(&report, "chip_authentication"),
        CheckStatus::NotPerformed
    );

    let mut forged = doc.clone();
    let aa = forged.active_authentication.as_mut().expect("AA");
    let AaResponse::Signature { signature } = &mut aa.response else {
        panic!("signed")
    };
    *signature.last_mut().expect("bytes") ^= 0x01;
    let report = verify(forged, store.clone(), AT, None).expect("verify");
    assert_eq!(report.verdict, Verdict::Failed);
    assert_eq!(
        code(&report, "active_authentication").as_deref(),
        Some("AA_FAILED")
    );

    let mut other_challenge = doc.clone();
    other_challenge
        .active_authentication
        .as_mut()
        .expect("AA")
        .challenge[0] ^= 0x80;
    let report = verify(other_challenge, store.clone(), AT, None).expect("verify");
    assert_eq!(
        code(&report, "active_authentication").as_deref(),
        Some("AA_FAILED")
    );

    let mut refused = doc.clone();
    refused.active_authentication.as_mut().expect("AA").response = AaResponse::Refused {
        status_word: 0x6D00,
    };
    let report = verify(refused, store.clone(), AT, None).expect("verify");
    assert_eq!(
        code(&report, "active_authentication").as_deref(),
        Some("AA_FAILED")
    );

    let mut short = doc.clone();
    short.active_authentication.as_mut().expect("AA").challenge = vec![0; 7];
    let err = verify(short, store.clone(), AT, None).unwrap_err();
    assert_eq!(err.code(), "USAGE");

    let mut without = doc;
    without.active_authentication = None;
    let report = verify(without, store, AT, None).expect("verify");
    assert_eq!(
        status(&report, "active_authentication"),
        CheckStatus::NotPerformed
    );
    assert_eq!(report.verdict, Verdict::Authentic);
}

#[test]
fn a_challenge_must_be_eight_bytes() {
    for len in [0, 7, 9, 16] {
        let options = ReadOptions {
            active_authentication_challenge: Some(vec![0x42; len]),
            ..default_read_options()
        };
        let err = ReadSession::new(
            AccessKey::Can {
                can: "123456".into(),
            },
            options,
        )
        .unwrap_err();
        assert!(matches!(err, IdProofError::InvalidInput { .. }), "{err:?}");
        assert_eq!(err.code(), "USAGE", "{len}");
    }
    let challenge = idproof_ffi::new_active_authentication_challenge().expect("rng");
    assert_eq!(challenge.len(), 8);
    assert_ne!(
        challenge,
        idproof_ffi::new_active_authentication_challenge().expect("rng")
    );
    assert_eq!(default_read_options().active_authentication_challenge, None);
}

#[test]
fn can_only_card_reads_with_its_can_and_not_with_another() {
    let mut p = passport("can-only");
    let can = p.document.security.can.clone().expect("CAN");
    assert_eq!(can, "123456");
    let doc = drive(&mut p.chip, AccessKey::Can { can }, options()).expect("read");
    assert_eq!(doc.access.protocol, AccessProtocol::Pace);
    assert_eq!(doc.access.password, PasswordKind::Can);
    assert_eq!(doc.access.mapping.as_deref(), Some("GM"));
    assert_eq!(doc.mrz.as_ref().map(|m| m.format.as_str()), Some("TD1"));
    let report = verify(doc, trust(&p), AT, None).expect("verify");
    assert_eq!(report.verdict, Verdict::Authentic, "{report:?}");
    assert_eq!(
        status(&report, "active_authentication"),
        CheckStatus::Passed
    );
    assert_eq!(status(&report, "dg1_mrz_match"), CheckStatus::NotPerformed);

    let mut p = passport("can-only");
    let err = drive(
        &mut p.chip,
        AccessKey::Can {
            can: "654321".into(),
        },
        options(),
    )
    .unwrap_err();
    assert!(matches!(err, IdProofError::AccessDenied { .. }), "{err:?}");
    assert_eq!(err.code(), "ACCESS_DENIED");
}

/// The passport's chip replaced by a clone: same files, other private keys.
fn clone_of(p: &VirtualPassport) -> VirtualChip {
    VirtualChip::for_document(
        &p.document,
        p.chip.profile().clone(),
        ScriptedRng::new::<_, [u8; 0]>([], 1),
    )
    .expect("chip")
    .cloned_with_other_keys(77)
}

#[test]
fn clones_fail_chip_authentication_and_pace_cam() {
    // Chip Authentication: the read itself ends with CA_FAILED (a `Chip` error).
    let p = passport("chip-auth");
    let err = drive(&mut clone_of(&p), mrz_key(&p), default_read_options()).unwrap_err();
    assert!(matches!(err, IdProofError::Chip { .. }), "{err:?}");
    assert_eq!(err.code(), "CA_FAILED");

    // PACE-CAM: the read succeeds; the evidence carried in the record fails verification.
    let p = passport("pace-cam");
    let doc = drive(&mut clone_of(&p), mrz_key(&p), default_read_options()).expect("read");
    assert_eq!(doc.access.mapping.as_deref(), Some("CAM"));
    let report = verify(doc, trust(&p), AT, None).expect("verify");
    assert_eq!(report.verdict, Verdict::Failed, "{report:?}");
    assert_eq!(
        code(&report, "chip_authentication").as_deref(),
        Some("CA_FAILED")
    );
}

#[test]
fn verification_time_and_trust_files_are_checked() {
    let mut p = passport("specimen");
    let key = mrz_key(&p);
    let doc = drive(&mut p.chip, key, default_read_options()).expect("read");
    for at in [i64::MIN, -62_135_596_801, 253_402_300_800, i64::MAX] {
        let err = verify(doc.clone(), trust(&p), at, None).unwrap_err();
        assert_eq!(err.code(), "USAGE", "{at}");
    }

    let store = TrustStore::new();
    let err = store
        .add_certificate(b"not a certificate".to_vec(), "junk".into())
        .unwrap_err();
    assert!(matches!(err, IdProofError::InvalidInput { .. }), "{err:?}");
    assert_eq!(err.code(), "USAGE");
    let err = store
        .add_file(
            vec![0x04, 0x01, 0x00],
            MasterListPolicy::TrustAsIs,
            "x".into(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "USAGE");
    let kind = store
        .add_file(
            p.document.pki.csca_der().to_vec(),
            MasterListPolicy::VerifyWithStore,
            "csca.der".into(),
        )
        .expect("certificate");
    assert_eq!(kind, TrustFileKind::Certificate);
    let summary = store.summary().expect("summary");
    assert_eq!(summary.certificates, 1);
    assert_eq!(summary.countries.len(), 1);
    assert_eq!(summary.countries[0].country, "UT");
    assert_eq!(summary.countries[0].valid_from, "2020-01-01T00:00:00Z");
    assert_eq!(summary.countries[0].valid_to, "2040-01-01T00:00:00Z");
    assert_eq!(summary.sources.len(), 1);
    assert_eq!(summary.sources[0].label, "csca.der");
    assert_eq!(summary.sources[0].added, 1);
    // The same certificate again adds nothing.
    assert_eq!(
        store
            .add_certificate(p.document.pki.csca_der().to_vec(), "again".into())
            .expect("again"),
        0
    );

    // A CSCA that did not sign this passport: the chain fails.
    let other = VirtualPassport::from_builder(
        &VirtualPassport::specimen_builder(&ChipProfile::specimen()).seed(99),
        ChipProfile::specimen(),
    )
    .expect("other");
    let report = verify(doc, trust(&other), AT, None).expect("verify");
    assert_eq!(report.verdict, Verdict::Failed);
    assert_eq!(code(&report, "dsc_chain").as_deref(), Some("PA_CHAIN"));
}

#[cfg(feature = "simulator")]
#[test]
fn the_simulator_exposes_its_csca_and_can() {
    use idproof_ffi::simulator::VirtualPassport as Simulator;
    let sim = Simulator::new("can-only".into()).expect("simulator");
    assert_eq!(sim.can().expect("can").as_deref(), Some("123456"));
    let fixture = passport("can-only");
    assert_eq!(
        sim.csca_der().expect("csca"),
        fixture.document.pki.csca_der()
    );
    let sim = Simulator::new("specimen".into()).expect("simulator");
    assert_eq!(sim.can().expect("can"), None);
}

fn data(path: &str) -> Vec<u8> {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/data")
        .join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn master_lists_and_crls_load_through_the_ffi_store() {
    let ml = data("pki/master-lists/NL_MASTERLIST_20211207.mls");
    // Its signing CSCA is not in the store yet: refused, nothing added.
    let store = TrustStore::new();
    let err = store
        .add_master_list(ml.clone(), MasterListPolicy::VerifyWithStore, "nl".into())
        .unwrap_err();
    assert!(matches!(err, IdProofError::InvalidInput { .. }), "{err:?}");
    assert_eq!(err.code(), "TRUST_UNVERIFIED");
    assert_eq!(store.summary().expect("summary").certificates, 0);

    store
        .add_certificate(data("pki/csca/NL_CSCA_serial6_2021.cer"), "nl-csca".into())
        .expect("NL CSCA");
    let source = store
        .add_master_list(ml, MasterListPolicy::VerifyWithStore, "nl".into())
        .expect("verified list");
    assert_eq!(source.kind, TrustFileKind::MasterList);
    assert_eq!(source.certificates, 306);
    assert_eq!(
        source.verification,
        CheckStatus::Passed,
        "{}",
        source.detail
    );

    let crl = store
        .add_crl(data("pki/csca/COL.crl"), "COL.crl".into())
        .expect("CRL");
    assert_eq!(crl.kind, TrustFileKind::Crl);
    assert_eq!(crl.verification, CheckStatus::Passed, "{}", crl.detail);
    let summary = store.summary().expect("summary");
    assert_eq!(summary.crls, 1);
    let co = summary
        .countries
        .iter()
        .find(|c| c.country == "CO")
        .expect("CO");
    assert_eq!(co.crls, 1);
    assert_eq!(
        summary
            .sources
            .iter()
            .map(|s| s.label.as_str())
            .collect::<Vec<_>>(),
        ["nl-csca", "nl", "COL.crl"]
    );

    // Trusted as is on the caller's word: added, verification not performed.
    let as_is = TrustStore::new()
        .add_master_list(
            data("pki/master-lists/NL_MASTERLIST_20211207.mls"),
            MasterListPolicy::TrustAsIs,
            "nl".into(),
        )
        .expect("as is");
    assert_eq!(as_is.verification, CheckStatus::NotPerformed);
    assert_eq!(as_is.certificates, 306);
}

#[test]
fn a_deviation_list_annotates_the_failed_check_through_the_ffi_and_the_verdict_stays_failed() {
    use idproof_fixtures::factory::deviation::{
        DG_HASH_WRONG, DeviationEntry, DeviationText, deviation_list,
    };
    use idproof_fixtures::pki::date;
    let mut p = passport("specimen");
    let key = mrz_key(&p);
    let mut doc = drive(&mut p.chip, key, options()).expect("read");
    // One byte of DG2 changed: dg_hashes fails for DG2.
    let dg2 = doc.files.get_mut("DG2").expect("DG2 read");
    *dg2.last_mut().expect("DG2 bytes") ^= 0x01;

    let pki = &p.document.pki;
    let entry = DeviationEntry::for_dsc(pki.dsc())
        .describe(DeviationText::datagroup(DG_HASH_WRONG, 2).text("hash computed too early"));
    let (signer, signer_key) = pki
        .issue_signer(7, "Deviation List Signer")
        .expect("signer");
    let list = deviation_list(&[entry], &signer, &signer_key, date(2025, 1, 1)).expect("list");
    let store = trust(&p);
    let kind = store
        .add_file(list, MasterListPolicy::VerifyWithStore, "UT.dvl".into())
        .expect("deviation list");
    assert_eq!(kind, TrustFileKind::DeviationList);

    let report = verify(doc, store, AT, None).expect("verify");
    assert_eq!(report.verdict, Verdict::Failed);
    let dg_hashes = report
        .checks
        .iter()
        .find(|c| c.name == "dg_hashes")
        .expect("dg_hashes");
    assert_eq!(dg_hashes.status, CheckStatus::Failed);
    assert_eq!(dg_hashes.code.as_deref(), Some("PA_HASH"));
    let codes: Vec<&str> = dg_hashes
        .deviations
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["DEVIATION_DG_HASH_WRONG"]);
    assert_eq!(dg_hashes.deviations[0].deviation_type, DG_HASH_WRONG);
    assert!(
        dg_hashes.deviations[0]
            .detail
            .contains("hash computed too early")
    );
    // Only the check the deviation explains carries it.
    for other in report.checks.iter().filter(|c| c.name != "dg_hashes") {
        assert!(other.deviations.is_empty(), "{other:?}");
    }
}
