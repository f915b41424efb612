//! RSA specifics and the refusals: flipped bits, unsupported OIDs, CMS-style rsaEncryption with
//! a digest algorithm, RSASSA-PSS parameters and our own EMSA-PSS decoder against the crate, the
//! negative-modulus quirk, and truncated or random inputs (never a panic).

#![allow(
    clippy::cast_possible_truncation,
    clippy::many_single_char_names,
    clippy::single_match_else,
    clippy::indexing_slicing
)]

mod signature_common;

use idproof_core::crypto::signature::{
    HashAlgorithm, KeyDescription, Scheme, SignatureError, hash, hash_algorithm_from_oid,
    key_description, verify, verify_pss_own,
};
use proptest::prelude::*;
use signature_common::{children, parse_cert, pki, tlv};

const SHA256: [u8; 15] = [
    0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
];
const RSA_ENCRYPTION: [u8; 15] = [
    0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00,
];

/// RSASSA-PSS AlgorithmIdentifier with SHA-256, MGF1-SHA-256, the given salt and trailer.
fn pss_alg(salt: u8, trailer: Option<u8>) -> Vec<u8> {
    let mut params = vec![0xA0, 0x0F];
    params.extend(SHA256);
    params.extend([
        0xA1, 0x1C, 0x30, 0x1A, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x08,
    ]);
    params.extend(SHA256);
    params.extend([0xA2, 0x03, 0x02, 0x01, salt]);
    if let Some(t) = trailer {
        params.extend([0xA3, 0x03, 0x02, 0x01, t]);
    }
    let mut body = vec![
        0x06,
        0x09,
        0x2A,
        0x86,
        0x48,
        0x86,
        0xF7,
        0x0D,
        0x01,
        0x01,
        0x0A,
        0x30,
        params.len() as u8,
    ];
    body.extend(params);
    let mut out = vec![0x30, body.len() as u8];
    out.extend(body);
    out
}

struct Case {
    issuer: Vec<u8>,
    subject: Vec<u8>,
}

impl Case {
    fn new(issuer: &str, subject: &str) -> Self {
        Case {
            issuer: pki(issuer),
            subject: pki(subject),
        }
    }
    fn run(
        &self,
        f: impl FnOnce(&mut Vec<u8>, &mut Vec<u8>, &mut Vec<u8>, &mut Vec<u8>),
    ) -> Result<idproof_core::crypto::signature::VerifiedAlgorithm, SignatureError> {
        let i = parse_cert(&self.issuer);
        let s = parse_cert(&self.subject);
        let (mut spki, mut alg, mut msg, mut sig) = (
            i.spki.to_vec(),
            s.sig_alg.to_vec(),
            s.tbs.to_vec(),
            s.signature.to_vec(),
        );
        f(&mut spki, &mut alg, &mut msg, &mut sig);
        verify(&spki, &alg, None, &msg, &sig)
    }
}

/// RSA PKCS#1, RSA-PSS, ECDSA with a crate curve and with the generic module.
fn cases() -> Vec<(&'static str, Case)> {
    vec![
        ("pkcs1", Case::new("US_CSCA.der", "US_DSC.der")),
        ("pss", Case::new("MY_CSCA.der", "MY_DSC.der")),
        ("bp384", Case::new("AT_CSCA.der", "AT_DSC.der")),
        ("bp512", Case::new("DE_CSCA.der", "DE_DSC.der")),
    ]
}

#[test]
fn flipped_bits_in_signature_message_or_key_are_invalid() {
    for (name, case) in cases() {
        assert!(case.run(|_, _, _, _| {}).is_ok(), "{name}");
        for pos in [0usize, 7, 31] {
            let r = case.run(|_, _, m, _| m[pos + 10] ^= 0x01);
            assert_eq!(r, Err(SignatureError::Invalid), "{name}: message bit");
        }
        // Signature: last byte of s (ECDSA) or of the RSA signature.
        let r = case.run(|_, _, _, s| {
            let l = s.len() - 1;
            s[l] ^= 0x01;
        });
        assert_eq!(r, Err(SignatureError::Invalid), "{name}: signature bit");
        // Key: for RSA the modulus changes (still a valid key, wrong one); for EC the point
        // leaves the curve, which is a malformed key.
        let rsa = matches!(name, "pkcs1" | "pss");
        let r = case.run(|k, _, _, _| {
            let l = if rsa { k.len() / 2 } else { k.len() - 5 };
            k[l] ^= 0x02;
        });
        match name {
            "pkcs1" | "pss" => assert_eq!(r, Err(SignatureError::Invalid), "{name}: key bit"),
            _ => assert!(
                matches!(r, Err(SignatureError::MalformedKey(_))),
                "{name}: {r:?}"
            ),
        }
    }
}

#[test]
fn unsupported_algorithm_oids_are_named() {
    let case = Case::new("US_CSCA.der", "US_DSC.der");
    let r = case.run(|_, a, _, _| *a = vec![0x30, 0x06, 0x06, 0x04, 0x2A, 0x03, 0x04, 0x05]);
    assert_eq!(
        r,
        Err(SignatureError::UnsupportedAlgorithm("1.2.3.4.5".into()))
    );
    // md5WithRSAEncryption is not supported.
    let md5 = [
        0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x04, 0x05, 0x00,
    ];
    let r = case.run(|_, a, _, _| *a = md5.to_vec());
    assert_eq!(
        r,
        Err(SignatureError::UnsupportedAlgorithm(
            "1.2.840.113549.1.1.4".into()
        ))
    );
    // An EC key with an RSA algorithm, and vice versa.
    let ec = Case::new("AT_CSCA.der", "AT_DSC.der");
    assert!(matches!(
        ec.run(|_, a, _, _| *a = RSA_ENCRYPTION.to_vec()),
        Err(SignatureError::UnsupportedKey(_))
    ));
}

#[test]
fn rsa_encryption_takes_the_hash_from_the_digest_algorithm() {
    let ca = pki("US_CSCA.der");
    let dsc = pki("US_DSC.der");
    let (ca, dsc) = (parse_cert(&ca), parse_cert(&dsc));
    let got = verify(
        ca.spki,
        &RSA_ENCRYPTION,
        Some(&SHA256),
        dsc.tbs,
        dsc.signature,
    )
    .unwrap();
    assert_eq!(
        (got.scheme, got.hash),
        (Scheme::RsaPkcs1v15, HashAlgorithm::Sha256)
    );
    // Without a digest algorithm the hash is unknown.
    assert_eq!(
        verify(ca.spki, &RSA_ENCRYPTION, None, dsc.tbs, dsc.signature),
        Err(SignatureError::UnsupportedAlgorithm(
            "1.2.840.113549.1.1.1".into()
        ))
    );
    // With the wrong digest it does not verify.
    let mut sha1 = vec![0x30, 0x07, 0x06, 0x05, 0x2B, 0x0E, 0x03, 0x02, 0x1A];
    assert_eq!(
        verify(
            ca.spki,
            &RSA_ENCRYPTION,
            Some(&sha1),
            dsc.tbs,
            dsc.signature
        ),
        Err(SignatureError::Invalid)
    );
    sha1[8] = 0x1B;
    assert!(matches!(
        verify(
            ca.spki,
            &RSA_ENCRYPTION,
            Some(&sha1),
            dsc.tbs,
            dsc.signature
        ),
        Err(SignatureError::UnsupportedAlgorithm(_))
    ));
    // id-ecPublicKey as the signature algorithm, hash from the digest algorithm.
    let at_ca = pki("AT_CSCA.der");
    let at = pki("AT_DSC.der");
    let (at_ca, at) = (parse_cert(&at_ca), parse_cert(&at));
    let ec_pk = [
        0x30, 0x09, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01,
    ];
    let sha384 = [
        0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02,
    ];
    let got = verify(at_ca.spki, &ec_pk, Some(&sha384), at.tbs, at.signature).unwrap();
    assert_eq!(
        (got.scheme, got.hash),
        (Scheme::Ecdsa, HashAlgorithm::Sha384)
    );
}

#[test]
fn our_emsa_pss_decoder_agrees_with_the_rsa_crate() {
    for (ca, dsc) in [
        ("MY_CSCA.der", "MY_DSC.der"),
        ("PH_CSCA.der", "PH_DSC.der"),
        ("SG_CSCA.der", "SG_DSC.der"),
    ] {
        let ca_der = pki(ca);
        let dsc_der = pki(dsc);
        let (ca, dsc) = (parse_cert(&ca_der), parse_cert(&dsc_der));
        let h = HashAlgorithm::Sha256;
        assert_eq!(
            verify_pss_own(ca.spki, h, h, 32, dsc.tbs, dsc.signature),
            Ok(())
        );
        // Wrong salt length, wrong MGF hash, wrong message: all refused by both.
        assert_eq!(
            verify_pss_own(ca.spki, h, h, 20, dsc.tbs, dsc.signature),
            Err(SignatureError::Invalid)
        );
        assert_eq!(
            verify_pss_own(ca.spki, h, HashAlgorithm::Sha1, 32, dsc.tbs, dsc.signature),
            Err(SignatureError::Invalid)
        );
        assert_eq!(
            verify_pss_own(ca.spki, h, h, 32, b"x", dsc.signature),
            Err(SignatureError::Invalid)
        );
        // The crate path agrees on the same inputs.
        assert!(verify(ca.spki, &pss_alg(32, None), None, dsc.tbs, dsc.signature).is_ok());
        assert_eq!(
            verify(ca.spki, &pss_alg(20, None), None, dsc.tbs, dsc.signature),
            Err(SignatureError::Invalid)
        );
    }
}

#[test]
fn pss_salt_length_comes_from_the_parameters() {
    let case = Case::new("MY_CSCA.der", "MY_DSC.der");
    // Our re-encoding of MY's parameters is byte-identical to the certificate's.
    assert!(
        case.run(|_, a, _, _| assert_eq!(*a, pss_alg(32, None)))
            .is_ok()
    );
    assert!(case.run(|_, a, _, _| *a = pss_alg(32, Some(1))).is_ok());
    // Salt 20 instead of 32 → the check must fail.
    assert_eq!(
        case.run(|_, a, _, _| *a = pss_alg(20, None)),
        Err(SignatureError::Invalid)
    );
    // trailerField other than 1 is unsupported.
    assert!(matches!(
        case.run(|_, a, _, _| *a = pss_alg(32, Some(2))),
        Err(SignatureError::UnsupportedAlgorithm(_))
    ));
    // Absent parameters mean SHA-1/MGF1-SHA-1/salt 20, which this signature is not.
    let bare = [
        0x30, 0x0B, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A,
    ];
    assert_eq!(
        case.run(|_, a, _, _| *a = bare.to_vec()),
        Err(SignatureError::Invalid)
    );
}

#[test]
fn a_negative_modulus_is_read_as_its_magnitude() {
    // A real DG15 (JMRTD BSI 2008 specimen): the modulus INTEGER lacks its leading 00.
    let dg15 = pki("jmrtd_bsi2008_DG15_negative_modulus.bin");
    let spki = tlv(&dg15).2;
    assert_eq!(
        key_description(spki),
        Ok(KeyDescription::Rsa { bits: 1024 })
    );

    // Re-encode a real CSCA key the same way and check a real signature still verifies.
    let ca = pki("NZ_CSCA.der");
    let dsc = pki("NZ_DSC.der");
    let (ca, dsc) = (parse_cert(&ca), parse_cert(&dsc));
    let spki_parts = children(tlv(ca.spki).2);
    let rsa_key = children(tlv(&spki_parts[1].2[1..]).2);
    let n = rsa_key[0].2;
    assert_eq!(n[0], 0, "a positive modulus has its leading zero");
    let e = rsa_key[1].1;
    let der = |tag: u8, body: &[u8]| {
        let mut out = vec![tag];
        let len = body.len();
        if len < 0x80 {
            out.push(len as u8);
        } else {
            out.extend([0x82, (len >> 8) as u8, len as u8]);
        }
        out.extend(body);
        out
    };
    let mut rsa_body = der(0x02, &n[1..]);
    rsa_body.extend(e);
    let mut bits = vec![0];
    bits.extend(der(0x30, &rsa_body));
    let mut spki_body = spki_parts[0].1.to_vec();
    spki_body.extend(der(0x03, &bits));
    let negative_spki = der(0x30, &spki_body);
    let got = verify(&negative_spki, dsc.sig_alg, None, dsc.tbs, dsc.signature).unwrap();
    assert_eq!(got.key, KeyDescription::Rsa { bits: 4096 });
}

#[test]
fn hash_helpers_are_shared_with_passive_authentication() {
    assert_eq!(
        hash_algorithm_from_oid("2.16.840.1.101.3.4.2.3"),
        Some(HashAlgorithm::Sha512)
    );
    assert_eq!(hash_algorithm_from_oid("1.2.840.113549.2.5"), None);
    assert_eq!(hash(HashAlgorithm::Sha224, b"").len(), 28);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Truncating any of the four inputs never panics and never verifies.
    #[test]
    fn truncated_inputs_never_panic(which in 0usize..4, cut in 0usize..2000, case_idx in 0usize..4) {
        let (_, case) = cases().swap_remove(case_idx);
        let r = case.run(|k, a, m, s| {
            let v = match which { 0 => k, 1 => a, 2 => m, _ => s };
            let keep = cut % v.len().max(1);
            v.truncate(keep);
        });
        prop_assert!(r.is_err());
        if which != 2 {
            prop_assert!(!matches!(r, Err(SignatureError::Invalid)) || which == 3, "{:?}", r);
        }
    }

    /// Random bytes anywhere give an error, never a panic.
    #[test]
    fn random_inputs_never_panic(key in proptest::collection::vec(any::<u8>(), 0..300),
                                 alg in proptest::collection::vec(any::<u8>(), 0..40),
                                 sig in proptest::collection::vec(any::<u8>(), 0..200)) {
        prop_assert!(verify(&key, &alg, Some(&alg), b"m", &sig).is_err());
        // Random bytes are not a SubjectPublicKeyInfo: the error must say the key is at
        // fault (malformed, or a well-formed SPKI of an unsupported kind), never Ok.
        let described = key_description(&key);
        prop_assert!(
            matches!(described, Err(SignatureError::MalformedKey(_) | SignatureError::UnsupportedKey(_))),
            "{:?}", described
        );
    }

    /// Mutating one byte of a real EC key, algorithm or signature never panics.
    #[test]
    fn single_byte_mutations_never_panic(pos in 0usize..2000, val in any::<u8>(), which in 0usize..3, case_idx in 0usize..4) {
        let (_, case) = cases().swap_remove(case_idx);
        let _ = case.run(|k, a, _, s| {
            let v = match which { 0 => k, 1 => a, _ => s };
            let l = v.len();
            if l > 0 { v[pos % l] = val; }
        });
    }
}
