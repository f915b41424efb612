//! Passive authentication of real documents: the 14 real-passport EF.SODs (signature, DSC →
//! CSCA chain, data-group hash lists against EXPECTED.json), the DE and FI EF.CardSecurity,
//! the NZ 2013 SOD (BER, expired CSCA), EF.CardSecurity without signed attributes, and the
//! specimen sets with their data groups.

use std::collections::BTreeMap;
use std::path::PathBuf;

use idproof_core::asn1::{Mode, Time, hex_upper};
use idproof_core::auth::cert::Certificate;
use idproof_core::auth::pa::{SignedObjectVerification, verify_signed_object};
use idproof_core::auth::trust::{MasterListPolicy, TrustStore};
use idproof_core::cms::{OID_LDS_SECURITY_OBJECT, OID_SECURITY_OBJECT, SignedData};
use idproof_core::lds::sod::LdsSecurityObject;
use idproof_core::lds::{DataGroup, LdsFile, Sod};
use idproof_core::report::{CheckName, CheckStatus, Verdict};
use idproof_core::verify::verify_files;

fn data(path: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/data")
        .join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const COUNTRIES: [&str; 14] = [
    "AT", "AU", "CN", "DE", "FI", "FR", "ID", "MY", "NZ", "PH", "RU", "SG", "UK", "US",
];

fn expected() -> serde_json::Value {
    serde_json::from_slice(&data("sod/EXPECTED.json")).unwrap()
}

fn trust_for(cc: &str) -> TrustStore {
    let mut trust = TrustStore::new();
    if cc == "ID" {
        trust
            .add_certificate(&data("pki/IDN_2010_SERIES/2020-10_CSCA.cer"), "ID")
            .unwrap();
    } else {
        trust
            .add_certificate(&data(&format!("pki/{cc}_CSCA.der")), cc)
            .unwrap();
    }
    trust
}

fn dsc_not_before(cc: &str) -> Time {
    Certificate::from_der(&data(&format!("pki/{cc}_DSC.der")))
        .unwrap()
        .not_before()
}

fn assert_all_passed(v: &SignedObjectVerification, what: &str) {
    let (status, detail) = v.signer.outcome();
    assert_eq!(status, CheckStatus::Passed, "{what} signer: {detail}");
    let chain = v.chain.as_ref().unwrap();
    let (status, detail) = chain.outcome();
    assert_eq!(status, CheckStatus::Passed, "{what} chain: {detail}");
}

#[test]
fn every_real_sod_verifies_signature_chain_and_matches_expected_json() {
    let expected = expected();
    for cc in COUNTRIES {
        let exp = &expected["documents"][cc];
        let raw = data(&format!("sod/{cc}/EF_SOD.bin"));
        let sod = Sod::parse(&raw).unwrap();
        let sd = sod.signed_data().unwrap();
        let ber = exp["indefinite_length_BER"].as_bool().unwrap();
        assert_eq!(sd.encoding == Mode::Ber, ber, "{cc} encoding");
        assert_eq!(
            sd.e_content_type,
            exp["eContentType"].as_str().unwrap(),
            "{cc}"
        );
        let so = LdsSecurityObject::parse(sd.e_content.as_deref().unwrap()).unwrap();
        assert_eq!(
            u64::from(so.version),
            exp["ldsSecurityObject_version"].as_u64().unwrap(),
            "{cc}"
        );
        let hashes: BTreeMap<String, String> = so
            .data_group_hashes
            .iter()
            .map(|(dg, h)| (dg.number().to_string(), hex_upper(h)))
            .collect();
        let want: BTreeMap<String, String> = exp["dg_hashes"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_uppercase()))
            .collect();
        assert_eq!(hashes, want, "{cc} data group hashes");

        // `at` matters only where the SOD has no signingTime (DE, FI, SG, UK): take the DSC's
        // first day, the earliest a document can have been signed.
        let dsc_cc = if cc == "ID" { "ID" } else { cc };
        let at = dsc_not_before(dsc_cc);
        let v = verify_signed_object(&sd, OID_LDS_SECURITY_OBJECT, &trust_for(cc), at);
        assert_all_passed(&v, cc);
        let signed_attrs: Vec<&str> = exp["signerInfo"]["signedAttrs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(
            v.signer.signing_time.is_some(),
            signed_attrs.contains(&"signing_time"),
            "{cc} signingTime"
        );
        assert_eq!(v.revocation.status, CheckStatus::NotPerformed, "{cc}");
        let signer = v.signer.signer.as_ref().unwrap();
        assert_eq!(
            signer.serial_hex().trim_start_matches('0'),
            exp["dsc"]["serial"]
                .as_str()
                .unwrap()
                .trim_start_matches("0x")
                .to_uppercase()
                .trim_start_matches('0'),
            "{cc} DSC serial"
        );
    }
}

#[test]
fn real_sods_fail_the_chain_against_another_countrys_csca() {
    let raw = data("sod/AT/EF_SOD.bin");
    let sod = Sod::parse(&raw).unwrap();
    let sd = sod.signed_data().unwrap();
    let v = verify_signed_object(
        &sd,
        OID_LDS_SECURITY_OBJECT,
        &trust_for("FR"),
        dsc_not_before("AT"),
    );
    assert_eq!(v.signer.outcome().0, CheckStatus::Passed);
    assert_eq!(v.chain.unwrap().outcome().0, CheckStatus::Failed);
}

#[test]
fn indonesian_dsc_verifies_through_the_link_certificate_too() {
    let raw = data("sod/ID/EF_SOD.bin");
    let sod = Sod::parse(&raw).unwrap();
    let sd = sod.signed_data().unwrap();
    // Only the link certificate (new key, signed by the old 2016 CSCA) and the old CSCA:
    // the DSC's AKI selects the link certificate, which chains to the old root.
    let mut trust = TrustStore::new();
    for f in [
        "2016-01_CSCA.cer",
        "2020-10_CSCA_LINK.cer",
        "2010-12_CSCA.cer",
    ] {
        trust
            .add_certificate(&data(&format!("pki/IDN_2010_SERIES/{f}")), f)
            .unwrap();
    }
    let v = verify_signed_object(&sd, OID_LDS_SECURITY_OBJECT, &trust, dsc_not_before("ID"));
    assert_all_passed(&v, "ID via link");
    let chain = v.chain.unwrap();
    // DSC → 2020 link certificate (new key, signed by the 2016 key; same DN, attributes in
    // another order) → 2016 self-signed CSCA.
    assert_eq!(chain.path.len(), 2, "{:?}", chain.steps);
    assert_eq!(
        chain.path[0].der(),
        data("pki/IDN_2010_SERIES/2020-10_CSCA_LINK.cer")
    );
    assert_eq!(
        chain.path[1].der(),
        data("pki/IDN_2010_SERIES/2016-01_CSCA.cer")
    );
    assert!(chain.path[0].is_self_issued(), "link shares the DN");
    assert_ne!(chain.path[0].aki(), chain.path[0].ski());

    // Only the old key's CSCA: same DN as the DSC's issuer, but its SKI is not the DSC's AKI.
    let mut old_only = TrustStore::new();
    old_only
        .add_certificate(&data("pki/IDN_2010_SERIES/2016-01_CSCA.cer"), "old")
        .unwrap();
    let v = verify_signed_object(
        &sd,
        OID_LDS_SECURITY_OBJECT,
        &old_only,
        dsc_not_before("ID"),
    );
    let (status, detail) = v.chain.unwrap().outcome();
    assert_eq!(status, CheckStatus::Failed, "{detail}");
    assert!(detail.contains("no CSCA in the trust store"), "{detail}");
}

#[test]
fn de_and_fi_card_security_verify() {
    for cc in ["DE", "FI"] {
        let raw = data(&format!("sod/{cc}/EF_CardSecurity.bin"));
        let sd = SignedData::parse(&raw).unwrap();
        let v = verify_signed_object(&sd, OID_SECURITY_OBJECT, &trust_for(cc), dsc_not_before(cc));
        let (status, detail) = v.signer.outcome();
        assert_eq!(status, CheckStatus::Passed, "{cc}: {detail}");
        let (status, detail) = v.chain.unwrap().outcome();
        // The CardSecurity DSC is issued by the same CSCA as the SOD's.
        assert_eq!(status, CheckStatus::Passed, "{cc}: {detail}");
    }
}

#[test]
fn card_security_without_signed_attributes_is_signed_over_econtent() {
    let raw = data("cardsecurity/jmrtd-efcardsecurity.dump");
    let sd = SignedData::parse(&raw).unwrap();
    assert!(sd.signer_infos[0].signed_attrs.is_none());
    let v = verify_signed_object(&sd, OID_SECURITY_OBJECT, &TrustStore::new(), Time::EPOCH);
    let steps: Vec<(&str, CheckStatus)> =
        v.signer.steps.iter().map(|s| (s.name, s.status)).collect();
    assert!(
        steps.contains(&("signature", CheckStatus::Passed)),
        "{:?}",
        v.signer.steps
    );
    // No CSCA given: the chain is not performed, never passed.
    assert_eq!(v.chain.unwrap().outcome().0, CheckStatus::NotPerformed);
}

#[test]
fn other_card_security_files_verify_their_signature() {
    for f in [
        "cardsecurity/ef_cardsecurity_dan.bin",
        "cardsecurity/ecdh_EF_CardSecurity.bin",
    ] {
        let raw = data(f);
        let sd = SignedData::parse(&raw).unwrap();
        let v = verify_signed_object(&sd, OID_SECURITY_OBJECT, &TrustStore::new(), Time::EPOCH);
        let sig = v
            .signer
            .steps
            .iter()
            .find(|s| s.name == "signature")
            .unwrap();
        assert_eq!(sig.status, CheckStatus::Passed, "{f}: {}", sig.detail);
    }
}

#[test]
fn nz_2013_sod_verifies_at_its_signing_time_with_the_expired_csca() {
    let mut trust = TrustStore::new();
    trust
        .add_master_list(
            &data("pki/master-lists/ICAO_ml_01April2025.ml"),
            MasterListPolicy::TrustAsIs,
            "ICAO",
        )
        .unwrap();
    let raw = data("lds/jmrtd-legacy_NZ2013_EF_SOD.bin");
    let sod = Sod::parse(&raw).unwrap();
    let sd = sod.signed_data().unwrap();
    assert_eq!(sd.encoding, Mode::Ber);
    let at = Time::from_ymd(2026, 1, 1).unwrap();
    let v = verify_signed_object(&sd, OID_LDS_SECURITY_OBJECT, &trust, at);
    assert_all_passed(&v, "NZ 2013");
    let signing_time = v.signer.signing_time.unwrap();
    assert_eq!(signing_time.to_string(), "2011-10-18T00:38:56Z");
    assert_eq!(
        v.chain_time, signing_time,
        "`at` must not override signingTime"
    );
    let csca = v.chain.as_ref().unwrap().issuer().unwrap();
    assert!(!csca.valid_at(at), "the NZ CSCA has expired by now");
}

fn files(entries: &[(LdsFile, &str)]) -> BTreeMap<LdsFile, Vec<u8>> {
    entries.iter().map(|(f, p)| (*f, data(p))).collect()
}

fn dg(n: u8) -> LdsFile {
    LdsFile::Dg(DataGroup::new(n).unwrap())
}

#[test]
fn specimen_sets_hash_check_their_data_groups() {
    // loes2006 (NL 2006 specimen): DG1, DG2, DG15 all hashed; EF.COM agrees.
    let loes = files(&[
        (LdsFile::Com, "lds/loes2006_ef011E.bin"),
        (LdsFile::Sod, "lds/loes2006_ef011D.bin"),
        (dg(1), "lds/loes2006_ef0101.bin"),
        (dg(2), "lds/loes2006_ef0102.bin"),
        (dg(15), "lds/loes2006_ef010F.bin"),
    ]);
    let r = verify_files(&loes, &TrustStore::new(), Time::EPOCH, None);
    let c = r.check(CheckName::DgHashes).unwrap();
    assert_eq!(c.status, CheckStatus::Passed, "{c:?}");
    assert_eq!(
        r.check(CheckName::SodSignature).unwrap().status,
        CheckStatus::Passed
    );
    assert_eq!(
        r.check(CheckName::ComConsistency).unwrap().status,
        CheckStatus::Passed
    );
    // No CSCA for the specimen: the chain is not performed → incomplete, not authentic.
    assert_eq!(r.verdict, Verdict::Incomplete);

    // bsi2008: DG1, DG2, DG14 hashed; DG15 present but not hashed → PA_HASH.
    let mut bsi = files(&[
        (LdsFile::Com, "lds/bsi2008_EF_COM.bin"),
        (LdsFile::Sod, "lds/bsi2008_EF_SOD.bin"),
        (dg(1), "lds/bsi2008_Datagroup1.bin"),
        (dg(2), "lds/bsi2008_Datagroup2.bin"),
        (dg(14), "lds/bsi2008_Datagroup14.bin"),
    ]);
    let r = verify_files(&bsi, &TrustStore::new(), Time::EPOCH, None);
    assert_eq!(
        r.check(CheckName::DgHashes).unwrap().status,
        CheckStatus::Passed
    );
    assert_eq!(
        r.check(CheckName::SodSignature).unwrap().status,
        CheckStatus::Passed
    );
    bsi.insert(dg(15), data("lds/bsi2008_Datagroup15.bin"));
    let r = verify_files(&bsi, &TrustStore::new(), Time::EPOCH, None);
    let c = r.check(CheckName::DgHashes).unwrap();
    assert_eq!(c.code.as_deref(), Some("PA_HASH"), "{c:?}");
    assert!(c.detail.as_ref().unwrap().contains("DG15"));
    assert_eq!(r.verdict, Verdict::Failed);

    // BSI TR-03105: DG1 and DG14 match (RSA-PSS SOD) and EF.COM agrees; its DG15 is not
    // hashed in the SOD → PA_HASH once read.
    let mut tr = files(&[
        (LdsFile::Com, "lds/bsi-tr03105_EF_COM.bin"),
        (LdsFile::Sod, "lds/bsi-tr03105_EF_SOD.bin"),
        (dg(1), "lds/bsi-tr03105_Datagroup1.bin"),
        (dg(14), "lds/bsi-tr03105_Datagroup14.bin"),
    ]);
    let r = verify_files(&tr, &TrustStore::new(), Time::EPOCH, None);
    assert_eq!(
        r.check(CheckName::SodSignature).unwrap().status,
        CheckStatus::Passed
    );
    assert_eq!(
        r.check(CheckName::DgHashes).unwrap().status,
        CheckStatus::Passed
    );
    assert_eq!(
        r.check(CheckName::ComConsistency).unwrap().status,
        CheckStatus::Passed
    );
    tr.insert(dg(15), data("lds/bsi-tr03105_Datagroup15.bin"));
    let r = verify_files(&tr, &TrustStore::new(), Time::EPOCH, None);
    let c = r.check(CheckName::DgHashes).unwrap();
    assert_eq!(c.code.as_deref(), Some("PA_HASH"), "{c:?}");

    // EF.COM listing a data group the SOD does not hash → PA_COM: the loes2006 EF.COM
    // against the bsi2008 SOD.
    let mixed = files(&[
        (LdsFile::Com, "lds/loes2006_ef011E.bin"),
        (LdsFile::Sod, "lds/bsi2008_EF_SOD.bin"),
        (dg(1), "lds/bsi2008_Datagroup1.bin"),
    ]);
    let r = verify_files(&mixed, &TrustStore::new(), Time::EPOCH, None);
    let com = r.check(CheckName::ComConsistency).unwrap();
    assert_eq!(com.code.as_deref(), Some("PA_COM"), "{com:?}");
}

#[test]
fn every_bundled_certificate_parses() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/data/pki");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "der" || e == "cer") {
            let der = std::fs::read(&path).unwrap();
            let cert =
                Certificate::from_der(&der).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(cert.der(), der.as_slice());
            n += 1;
        }
    }
    assert!(n >= 27, "{n}");
}
