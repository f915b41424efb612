//! The trust store: master lists verified to their roots (counts as in SOURCES.md), refused
//! without a root, trusted as is on request; the Colombian CRL verified against the CO CSCA
//! from the NL master list with its revoked serials found; LDIF and PEM loading; summaries.

use std::path::PathBuf;

use idproof_core::asn1::Time;
use idproof_core::auth::cert::Certificate;
use idproof_core::auth::chain::check_revocation;
use idproof_core::auth::trust::{MasterListPolicy, TrustError, TrustFileKind, TrustStore};
use idproof_core::report::CheckStatus;

fn data(path: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/data")
        .join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn store_with(root: &str) -> TrustStore {
    let mut t = TrustStore::new();
    t.add_certificate(&data(root), root).unwrap();
    t
}

#[test]
fn master_lists_verify_to_their_roots_with_the_published_counts() {
    for (ml, root, count) in [
        (
            "pki/master-lists/NL_MASTERLIST_20211207.mls",
            "pki/csca/NL_CSCA_serial6_2021.cer",
            306,
        ),
        (
            "pki/master-lists/NL_ML_2026-07-22.ml",
            "pki/csca/NL_ROOT_CA.cer",
            411,
        ),
        (
            "pki/master-lists/DE_ML_2026-05-28-08-28-45.ml",
            "pki/csca/DE_ROOT_CA_CSCA07.cer",
            588,
        ),
    ] {
        let mut trust = store_with(root);
        let report = trust
            .add_master_list(&data(ml), MasterListPolicy::VerifyWithStore, ml)
            .unwrap_or_else(|e| panic!("{ml}: {e}"));
        assert_eq!(
            report.verification,
            CheckStatus::Passed,
            "{ml}: {}",
            report.detail
        );
        assert_eq!(report.certificates, count, "{ml}");
        assert_eq!(report.kind, TrustFileKind::MasterList);
    }
}

#[test]
fn icao_master_list_loads_and_verifies_through_the_un_csca_of_another_list() {
    let ml = data("pki/master-lists/ICAO_ml_01April2025.ml");
    // No United Nations CSCA in an empty store: refused.
    let mut empty = TrustStore::new();
    assert!(matches!(
        empty.add_master_list(&ml, MasterListPolicy::VerifyWithStore, "icao"),
        Err(TrustError::Unverified(_))
    ));
    assert!(empty.is_empty(), "a refused list adds nothing");
    // Trusted as is on the caller's word.
    let report = empty
        .add_master_list(&ml, MasterListPolicy::TrustAsIs, "icao")
        .unwrap();
    assert_eq!(report.certificates, 504);
    assert_eq!(report.verification, CheckStatus::NotPerformed);
    // The DE list (verified to CSCA07) carries the UN CSCA, which then verifies the ICAO list.
    let mut trust = store_with("pki/csca/DE_ROOT_CA_CSCA07.cer");
    trust
        .add_master_list(
            &data("pki/master-lists/DE_ML_2026-05-28-08-28-45.ml"),
            MasterListPolicy::VerifyWithStore,
            "de",
        )
        .unwrap();
    let report = trust
        .add_master_list(&ml, MasterListPolicy::VerifyWithStore, "icao")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        report.verification,
        CheckStatus::Passed,
        "{}",
        report.detail
    );
    assert_eq!(report.certificates, 504);
}

#[test]
fn master_list_is_refused_with_the_wrong_root() {
    let mut trust = store_with("pki/csca/NL_ROOT_CA.cer");
    let err = trust
        .add_master_list(
            &data("pki/master-lists/NL_MASTERLIST_20211207.mls"),
            MasterListPolicy::VerifyWithStore,
            "nl2021",
        )
        .unwrap_err();
    assert!(matches!(err, TrustError::Unverified(_)), "{err}");
    assert_eq!(trust.anchors().count(), 1);
}

#[test]
fn colombian_crl_verifies_against_the_co_csca_and_lists_its_serials() {
    let mut trust = store_with("pki/csca/NL_CSCA_serial6_2021.cer");
    trust
        .add_master_list(
            &data("pki/master-lists/NL_MASTERLIST_20211207.mls"),
            MasterListPolicy::VerifyWithStore,
            "nl",
        )
        .unwrap();
    let report = trust.add_crl(&data("pki/csca/COL.crl"), "COL.crl").unwrap();
    assert_eq!(
        report.verification,
        CheckStatus::Passed,
        "{}",
        report.detail
    );
    let crl = trust.crls().next().unwrap();
    assert_eq!(crl.revoked.len(), 15, "{:?}", crl.revoked_serials_hex());
    let serials = crl.revoked_serials_hex();
    assert_eq!(serials.len(), crl.revoked.len());
    let first = crl.revoked.first().unwrap();
    assert!(crl.find(&first.serial).is_some());
    assert!(crl.find(&[0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F]).is_none());
    let summary = trust.summary();
    assert_eq!(summary.countries["CO"].crls, 1);
}

#[test]
fn crl_without_its_issuer_is_kept_but_not_verified() {
    let mut trust = TrustStore::new();
    let report = trust.add_crl(&data("pki/csca/COL.crl"), "COL.crl").unwrap();
    assert_eq!(report.verification, CheckStatus::NotPerformed);
}

#[test]
fn files_are_recognised_by_content() {
    assert_eq!(
        TrustStore::classify(&data("pki/csca/NL_ROOT_CA.cer")),
        Some(TrustFileKind::Certificate)
    );
    assert_eq!(
        TrustStore::classify(&data("pki/csca/COL.crl")),
        Some(TrustFileKind::Crl)
    );
    assert_eq!(
        TrustStore::classify(&data("pki/master-lists/NL_MASTERLIST_20211207.mls")),
        Some(TrustFileKind::MasterList)
    );
    assert_eq!(TrustStore::classify(b"garbage"), None);
    assert_eq!(TrustStore::classify(&[]), None);
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn fold(attr: &str, b64: &str) -> String {
    // LDIF folds at 76 columns with a leading space on continuation lines.
    let line = format!("{attr}:: {b64}");
    let mut out = String::new();
    let chars: Vec<char> = line.chars().collect();
    for (i, chunk) in chars.chunks(76).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.extend(chunk);
        out.push('\n');
    }
    out
}

#[test]
fn pkd_ldif_and_pem_load() {
    let csca = data("pki/AT_CSCA.der");
    let dsc = data("pki/AT_DSC.der");
    let crl = data("pki/csca/COL.crl");
    let ml = data("pki/master-lists/NL_MASTERLIST_20211207.mls");
    let mut ldif = String::from("version: 1\n\n");
    ldif.push_str("dn: cn=csca,c=AT,dc=data,dc=download,dc=pkd\nobjectClass: inetOrgPerson\n");
    ldif.push_str(&fold("userCertificate;binary", &base64(&csca)));
    ldif.push_str("\ndn: cn=dsc,c=AT,dc=data,dc=download,dc=pkd\n");
    ldif.push_str(&fold("userCertificate;binary", &base64(&dsc)));
    ldif.push_str("\ndn: cn=crl,c=CO,dc=CRLs,dc=pkd\n");
    ldif.push_str(&fold("certificateRevocationList;binary", &base64(&crl)));
    ldif.push_str("\ndn: cn=ml,c=NL,dc=CSCAMasterList,dc=pkd\n");
    ldif.push_str(&fold("pkdMasterListContent", &base64(&ml)));
    ldif.push_str(&fold("somethingElse;binary", "AAAA"));

    let mut trust = TrustStore::new();
    assert_eq!(
        trust
            .add_bytes(ldif.as_bytes(), MasterListPolicy::TrustAsIs, "pkd.ldif")
            .unwrap(),
        TrustFileKind::Ldif
    );
    let summary = trust.summary();
    assert_eq!(summary.document_signers, 1);
    assert_eq!(summary.crls, 1);
    assert!(summary.certificates >= 307, "{}", summary.certificates);
    let ldif_source = summary
        .sources
        .iter()
        .find(|s| s.kind == TrustFileKind::Ldif)
        .unwrap();
    assert_eq!(ldif_source.unrecognised, 1);
    assert_eq!(ldif_source.crls, 1);

    // The same master list inside LDIF is refused under VerifyWithStore without its root.
    let mut strict = TrustStore::new();
    let report = strict
        .add_ldif(&ldif, MasterListPolicy::VerifyWithStore, "pkd.ldif")
        .unwrap();
    assert_eq!(report.verification, CheckStatus::Failed);

    let pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        base64(&csca)
    );
    let mut trust = TrustStore::new();
    assert_eq!(
        trust
            .add_bytes(pem.as_bytes(), MasterListPolicy::VerifyWithStore, "at.pem")
            .unwrap(),
        TrustFileKind::Certificate
    );
    assert_eq!(trust.anchors().count(), 1);
}

#[test]
fn summary_counts_countries_and_validity() {
    let mut trust = store_with("pki/csca/DE_ROOT_CA_CSCA07.cer");
    trust
        .add_master_list(
            &data("pki/master-lists/DE_ML_2026-05-28-08-28-45.ml"),
            MasterListPolicy::VerifyWithStore,
            "de",
        )
        .unwrap();
    let s = trust.summary();
    assert!(s.countries.len() >= 100, "{}", s.countries.len());
    let de = &s.countries["DE"];
    assert!(de.cscas >= 2);
    assert!(de.valid_from < de.valid_to);
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["sources"][1]["verification"], "passed");
    assert!(
        json["countries"]["DE"]["valid_from"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
}

#[test]
fn revocation_without_a_crl_is_not_performed() {
    let trust = store_with("pki/AT_CSCA.der");
    let dsc = Certificate::from_der(&data("pki/AT_DSC.der")).unwrap();
    let csca = trust.anchors().next().unwrap();
    let step = check_revocation(
        &dsc,
        Some(csca),
        &trust,
        Time::from_ymd(2025, 1, 1).unwrap(),
    );
    assert_eq!(step.status, CheckStatus::NotPerformed);
}

/// Where each certList entry of a master list sits in the file: (offset, length).
fn master_list_entries(ml: &[u8]) -> Vec<(usize, usize)> {
    use idproof_core::cms::{SignedData, master_list_certificates};
    use std::borrow::Cow;
    let sd = SignedData::parse(ml).unwrap();
    let Some(Cow::Borrowed(content)) = sd.e_content else {
        panic!("the master list's eContent is not a slice of the file");
    };
    master_list_certificates(content)
        .unwrap()
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            (e.as_ptr() as usize - ml.as_ptr() as usize, e.len())
        })
        .collect()
}

/// The offset of `pattern` inside `ml[range]`, relative to the file.
fn find_in(ml: &[u8], (off, len): (usize, usize), pattern: &[u8]) -> Option<usize> {
    ml[off..off + len]
        .windows(pattern.len())
        .position(|w| w == pattern)
        .map(|p| off + p)
}

/// The key identifier's own OCTET STRING (SKI) or `[0]` keyIdentifier (AKI) length byte
/// after the extension OID `oid`: `04 14` / `80 14` within the next few bytes.
fn key_id_length_byte(ml: &[u8], entry: (usize, usize), oid: &[u8], inner: u8) -> Option<usize> {
    let at = find_in(ml, entry, oid)?;
    (at + oid.len()..at + oid.len() + 12)
        .find(|&i| ml[i] == inner && ml[i + 1] == 0x14)
        .map(|i| i + 1)
}

/// Issue 13 item 4: a real national master list (NL, 411 CSCAs) with broken entries of
/// several kinds, edited in place so the list keeps its shape: each entry is judged on its
/// own. Unreadable key identifiers (the real case: "length too long") are treated as absent
/// and noted, the certificate loads; an element that is not a certificate and a certificate
/// whose TBSCertificate does not parse are refused by position; the other entries load.
/// (The edits break the list's signature, so the list is taken as is: the signature is
/// judged over the raw bytes before any entry is looked at, `master_list_is_refused_…`.)
#[test]
fn broken_master_list_entries_are_judged_one_by_one() {
    const SKI: &[u8] = &[0x06, 0x03, 0x55, 0x1d, 0x0e];
    const AKI: &[u8] = &[0x06, 0x03, 0x55, 0x1d, 0x23];
    let original = data("pki/master-lists/NL_ML_2026-07-22.ml");
    let entries = master_list_entries(&original);
    assert_eq!(entries.len(), 411);
    let with_ski: Vec<usize> = (0..entries.len())
        .filter(|&i| key_id_length_byte(&original, entries[i], SKI, 0x04).is_some())
        .collect();
    let with_aki: Vec<usize> = (0..entries.len())
        .filter(|&i| key_id_length_byte(&original, entries[i], AKI, 0x80).is_some())
        .filter(|i| !with_ski[..1].contains(i))
        .collect();
    let (ski_victim, aki_victim) = (with_ski[0], with_aki[0]);
    let not_a_cert = (0..entries.len())
        .find(|i| ![ski_victim, aki_victim].contains(i))
        .unwrap();
    let bad_tbs = (not_a_cert + 1..entries.len())
        .find(|i| ![ski_victim, aki_victim].contains(i))
        .unwrap();

    let mut ml = original.clone();
    // "length too long": a long-form length claiming 4 more bytes where 20 were.
    ml[key_id_length_byte(&original, entries[ski_victim], SKI, 0x04).unwrap()] = 0x84;
    ml[key_id_length_byte(&original, entries[aki_victim], AKI, 0x80).unwrap()] = 0x84;
    // An element of the SET that is an OCTET STRING, not a Certificate.
    ml[entries[not_a_cert].0] = 0x04;
    // A certificate whose TBSCertificate is a SET: the certificate does not parse.
    let tbs = entries[bad_tbs].0 + 4;
    assert_eq!(original[tbs], 0x30);
    ml[tbs] = 0x31;

    let mut trust = TrustStore::new();
    let report = trust
        .add_master_list(&ml, MasterListPolicy::TrustAsIs, "broken.ml")
        .unwrap_or_else(|e| panic!("one bad entry refused the whole list: {e}"));
    let refused: Vec<&str> = report.refused.iter().map(|r| r.entry.as_str()).collect();
    let (a, b) = (format!("#{}", not_a_cert + 1), format!("#{}", bad_tbs + 1));
    assert_eq!(refused.len(), 2, "{:?}", report.refused);
    assert!(refused[0].starts_with(&a), "{refused:?}");
    assert!(refused[1].starts_with(&b), "{refused:?}");
    assert!(
        report.refused[0].reason.contains("not a Certificate"),
        "{:?}",
        report.refused
    );
    // The list held 411 entries; the two refused ones are not added as trust anchors.
    assert_eq!(report.certificates, 411, "{}", report.detail);
    let broken_added = report.added;
    assert_eq!(report.notes.len(), 2, "{:?}", report.notes);
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("subjectKeyIdentifier unreadable")),
        "{:?}",
        report.notes
    );
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("authorityKeyIdentifier unreadable")),
        "{:?}",
        report.notes
    );

    // The same list untouched, taken as is: everything loads, nothing refused or noted.
    let mut clean = TrustStore::new();
    let report = clean
        .add_master_list(&original, MasterListPolicy::TrustAsIs, "clean.ml")
        .unwrap();
    assert_eq!(
        (
            report.certificates,
            report.refused.len(),
            report.notes.len()
        ),
        (411, 0, 0)
    );
    assert_eq!(
        broken_added,
        report.added - 2,
        "the noted entries load, the refused do not"
    );
}

/// `path`'s DER as one LDIF entry `dn: cn=NAME,…` with `attr` folded at 76 columns.
fn ldif_entry(name: &str, attr: &str, der: &[u8]) -> String {
    format!(
        "dn: cn={name},c=AT,dc=data,dc=download,dc=pkd\n{}\n",
        fold(attr, &base64(der))
    )
}

/// Issue 13 item 4, LDIF: a PKD export with broken entries of each kind loads; each is
/// judged on its own. A certificate cut short, a CRL cut short and a value that is not
/// base64 are refused by DN with their reason; a certificate whose subjectKeyIdentifier is
/// unreadable loads with a note; a CRL with an unreadable revoked entry loads with that entry
/// refused (so it can prove no serial unrevoked); the good entries load as if alone.
#[test]
fn broken_ldif_entries_are_judged_one_by_one() {
    const SKI: &[u8] = &[0x06, 0x03, 0x55, 0x1d, 0x0e];
    let csca = data("pki/AT_CSCA.der");
    let dsc = data("pki/AT_DSC.der");
    let de = data("pki/DE_CSCA.der");
    let crl = data("pki/csca/COL.crl");
    let mut bad_ski = de.clone();
    let at = key_id_length_byte(&de, (0, de.len()), SKI, 0x04).expect("DE CSCA has an SKI");
    bad_ski[at] = 0x84;
    let mut bad_entry_crl = crl.clone();
    let first = idproof_core::auth::crl::Crl::from_der(&crl)
        .unwrap()
        .revoked[0]
        .serial
        .clone();
    let serial_at = (0..crl.len() - first.len())
        .find(|&i| crl[i] == 0x02 && &crl[i + 2..i + 2 + first.len()] == first.as_slice())
        .expect("the first revoked serial");
    bad_entry_crl[serial_at] = 0x04;

    let mut ldif = String::from("version: 1\n\n");
    ldif.push_str(&ldif_entry("csca", "userCertificate;binary", &csca));
    ldif.push_str(&ldif_entry(
        "cut-cert",
        "userCertificate;binary",
        &dsc[..dsc.len() / 2],
    ));
    ldif.push_str(
        "dn: cn=not-base64,c=AT,dc=data,dc=download,dc=pkd\nuserCertificate;binary:: MII!\n\n",
    );
    ldif.push_str(&ldif_entry("bad-ski", "userCertificate;binary", &bad_ski));
    ldif.push_str(&ldif_entry(
        "bad-entry-crl",
        "certificateRevocationList;binary",
        &bad_entry_crl,
    ));
    ldif.push_str(&ldif_entry(
        "cut-crl",
        "certificateRevocationList;binary",
        &crl[..crl.len() - 40],
    ));
    ldif.push_str(&ldif_entry("dsc", "userCertificate;binary", &dsc));

    let mut trust = TrustStore::new();
    let report = trust
        .add_ldif(&ldif, MasterListPolicy::TrustAsIs, "broken.ldif")
        .unwrap_or_else(|e| panic!("one bad entry refused the whole file: {e}"));
    let dn = |name: &str| format!("cn={name},c=AT,dc=data,dc=download,dc=pkd");
    let refused: Vec<(String, String)> = report
        .refused
        .iter()
        .map(|r| (r.entry.clone(), r.reason.clone()))
        .collect();
    let refused_before_dsc = [
        (
            dn("cut-cert"),
            "certificate: truncated ASN.1 element".to_owned(),
        ),
        (
            dn("not-base64"),
            "userCertificate;binary: not valid base64".to_owned(),
        ),
        (
            format!("{} revoked entry #1", dn("bad-entry-crl")),
            "expected userCertificate, found tag 0x04".to_owned(),
        ),
        (dn("cut-crl"), "CRL: truncated ASN.1 element".to_owned()),
    ];
    assert_eq!(refused, refused_before_dsc);
    assert_eq!(
        report.notes,
        [
            "C=DE, O=bund, OU=bsi, CN=csca-germany: subjectKeyIdentifier unreadable (truncated \
          ASN.1 element), treated as absent"
        ]
    );
    // AT CSCA and the DE CSCA with the bad SKI are anchors, the AT DSC a Document Signer;
    // the CRL with one bad entry loaded with its other serials.
    assert_eq!(
        (
            report.certificates,
            report.added,
            report.document_signers,
            report.crls,
            report.unrecognised
        ),
        (3, 2, 1, 1, 0)
    );
    let loaded = trust.crls().next().unwrap();
    assert_eq!(
        loaded.revoked.len(),
        14,
        "15 serials less the unreadable one"
    );
    assert_eq!(loaded.refused.len(), 1);
    assert!(loaded.find(&first).is_none());

    // The same file cut anywhere inside its last entry's value (a truncated download): that
    // entry is refused as truncated, everything before it is judged exactly as before.
    let value_start = ldif.rfind("userCertificate;binary:: ").unwrap() + 30;
    let value_end = ldif.len() - 8;
    for cut in (value_start..value_end).step_by(97).chain([value_end]) {
        let mut trust = TrustStore::new();
        let report = trust
            .add_ldif(&ldif[..cut], MasterListPolicy::TrustAsIs, "cut.ldif")
            .unwrap();
        let mut expected = refused_before_dsc.to_vec();
        expected.push((dn("dsc"), "certificate: truncated ASN.1 element".to_owned()));
        let got: Vec<(String, String)> = report
            .refused
            .iter()
            .map(|r| (r.entry.clone(), r.reason.clone()))
            .collect();
        // The DSC entry's refusal is listed where certificates are judged (before CRLs).
        let mut got_sorted = got.clone();
        got_sorted.sort();
        expected.sort();
        assert_eq!(got_sorted, expected, "cut at {cut}");
        assert_eq!(
            (
                report.certificates,
                report.added,
                report.document_signers,
                report.crls
            ),
            (2, 2, 0, 1),
            "cut at {cut}"
        );
    }
}
