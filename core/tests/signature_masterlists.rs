//! Every self-signed CSCA certificate in the four real master lists (DE, NL 2026, NL 2021,
//! ICAO) verifies with its own key — counted per algorithm — and each master list's own CMS
//! signature verifies with its embedded signer certificate.

#![allow(
    clippy::cast_possible_truncation,
    clippy::many_single_char_names,
    clippy::single_match_else,
    clippy::indexing_slicing
)]

mod signature_common;

use std::collections::BTreeMap;

use idproof_core::crypto::signature::{SignatureError, verify};
use signature_common::{children, country, parse_cert, parse_master_list, pki, tlv};

const LISTS: &[&str] = &[
    "master-lists/DE_ML_2026-05-28-08-28-45.ml",
    "master-lists/NL_ML_2026-07-22.ml",
    "master-lists/NL_MASTERLIST_20211207.mls",
    "master-lists/ICAO_ml_01April2025.ml",
];

/// Self-signed certificates that genuinely fail upstream, with the reason:
/// (list, country, SHA-256 prefix of the certificate, error).
const KNOWN_BROKEN: &[(&str, &str, &str)] = &[];

#[derive(Default)]
struct Tally {
    entries: usize,
    self_signed: usize,
    links: usize,
    verified: usize,
    per_algorithm: BTreeMap<String, usize>,
    failures: Vec<(String, String)>,
}

fn tally(list: &str) -> Tally {
    let data = pki(list);
    let ml = parse_master_list(&data);
    let mut t = Tally {
        entries: ml.entries.len(),
        ..Tally::default()
    };
    for der in &ml.entries {
        let cert = parse_cert(der);
        if !cert.self_signed() {
            if cert.self_issued() {
                t.links += 1;
            }
            continue;
        }
        t.self_signed += 1;
        match verify(cert.spki, cert.sig_alg, None, cert.tbs, cert.signature) {
            Ok(alg) => {
                t.verified += 1;
                *t.per_algorithm.entry(alg.to_string()).or_default() += 1;
            }
            Err(e) => t.failures.push((country(cert.issuer), describe(der, &e))),
        }
    }
    t
}

fn describe(der: &[u8], e: &SignatureError) -> String {
    let digest = idproof_core::crypto::signature::hash(
        idproof_core::crypto::signature::HashAlgorithm::Sha256,
        der,
    );
    let hex: String = digest.iter().take(6).fold(String::new(), |mut acc, b| {
        use std::fmt::Write;
        let _ = write!(acc, "{b:02x}");
        acc
    });
    format!("{hex}: {e}")
}

#[test]
fn every_self_signed_csca_in_the_master_lists_verifies() {
    let mut grand = BTreeMap::<String, usize>::new();
    let mut all_failures = Vec::new();
    let mut total_entries = 0;
    for list in LISTS {
        let t = tally(list);
        total_entries += t.entries;
        eprintln!(
            "{list}: {} certificates, {} self-signed, {} verified; {} link certificates (same DN, AKI ≠ SKI)",
            t.entries, t.self_signed, t.verified, t.links
        );
        for (alg, n) in &t.per_algorithm {
            *grand.entry(alg.clone()).or_default() += n;
        }
        for (cc, why) in t.failures {
            eprintln!("  FAIL {cc} {why}");
            all_failures.push((list.to_string(), cc, why));
        }
    }
    eprintln!("per algorithm (all four lists):");
    for (alg, n) in &grand {
        eprintln!("  {n:5}  {alg}");
    }
    assert_eq!(total_entries, 306 + 588 + 504 + 411);
    assert_eq!(grand.values().sum::<usize>(), 375 + 411 + 306 + 345);
    let unexpected: Vec<_> = all_failures
        .iter()
        .filter(|(list, cc, why)| {
            !KNOWN_BROKEN
                .iter()
                .any(|(l, c, w)| list.ends_with(l) && cc == c && why.starts_with(w))
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "unexpected failures: {unexpected:#?}"
    );
    assert_eq!(
        all_failures.len(),
        KNOWN_BROKEN.len(),
        "a known-broken entry now verifies"
    );
}

#[test]
fn each_master_list_signature_verifies_with_its_embedded_signer() {
    for list in LISTS {
        let data = pki(list);
        let ml = parse_master_list(&data);
        let si = children(tlv(ml.signer_infos[0]).2);
        // SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, [0] signedAttrs, signatureAlgorithm, signature }
        let digest_alg = si[2].1;
        assert_eq!(si[3].0, 0xA0, "{list}: signedAttrs");
        let mut signed_attrs = si[3].1.to_vec();
        signed_attrs[0] = 0x31;
        let sig_alg = si[4].1;
        let signature = si[5].2;
        let verified: Vec<_> = ml
            .certificates
            .iter()
            .filter_map(|c| {
                let cert = parse_cert(c);
                verify(
                    cert.spki,
                    sig_alg,
                    Some(digest_alg),
                    &signed_attrs,
                    signature,
                )
                .ok()
            })
            .collect();
        assert_eq!(verified.len(), 1, "{list}");
        eprintln!("{list}: signed with {}", verified[0]);
    }
}

/// The certificates that are not self-signed (link certificates with the same DN, and CSCAs
/// re-issued under another name) verify under the certificate whose SKI equals their AKI, found
/// anywhere in the four lists.
#[test]
fn link_and_cross_certificates_verify_under_the_key_their_aki_names() {
    let lists: Vec<Vec<u8>> = LISTS.iter().map(|l| pki(l)).collect();
    let parsed: Vec<_> = lists.iter().map(|d| parse_master_list(d)).collect();
    let all: Vec<&[u8]> = parsed
        .iter()
        .flat_map(|m| m.entries.iter().copied())
        .collect();
    let all_parsed: Vec<_> = all.iter().map(|c| parse_cert(c)).collect();
    let (mut checked, mut verified, mut no_issuer) = (0, 0, 0);
    let mut per_algorithm = BTreeMap::<String, usize>::new();
    let mut failures = Vec::new();
    for der in &all {
        let cert = parse_cert(der);
        if cert.self_signed() {
            continue;
        }
        checked += 1;
        let issuers: Vec<_> = all_parsed
            .iter()
            .filter(|c| c.ski.is_some() && c.ski == cert.aki && c.subject == cert.issuer)
            .collect();
        if issuers.is_empty() {
            no_issuer += 1;
            continue;
        }
        let results: Vec<_> = issuers
            .iter()
            .map(|i| verify(i.spki, cert.sig_alg, None, cert.tbs, cert.signature))
            .collect();
        if let Some(Ok(alg)) = results.iter().find(|r| r.is_ok()) {
            verified += 1;
            *per_algorithm.entry(alg.to_string()).or_default() += 1;
        } else {
            failures.push((
                country(cert.issuer),
                describe(der, results[0].as_ref().unwrap_err()),
            ));
        }
    }
    eprintln!(
        "{checked} non-self-signed entries: {verified} verified, {no_issuer} issuer not in the lists"
    );
    for (alg, n) in &per_algorithm {
        eprintln!("  {n:5}  {alg}");
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(
        (checked, verified, no_issuer),
        (372, VERIFIED_LINKS, 372 - VERIFIED_LINKS)
    );
}

/// Non-self-signed entries whose issuer is in one of the lists (all of them verify).
const VERIFIED_LINKS: usize = 361;
