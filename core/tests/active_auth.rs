//! Active Authentication (ICAO 9303-11 §6.1) against published vectors: the Appendix F message
//! representative, four real-passport RSA-1024/SHA-1 answers (pymrtd), a real RSA-1792/SHA-256
//! INTERNAL AUTHENTICATE over 3DES secure messaging (gmrtd), the Bouncy Castle ISO 9796-2
//! vector, and ECDSA answers made from OpenSSL signatures; plus every way an answer can be
//! wrong. Vectors: `fixtures/data/aa/`, `fixtures/data/lds/`, `fixtures/data/pki/openssl-ecdsa/`
//! (see `fixtures/data/SOURCES.md`).

use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, Odd};
use idproof_core::ErrorCode;
use idproof_core::auth::active::{
    AaError, AaOutcome, AaScheme, HashSource, internal_authenticate_command,
    verify_active_authentication,
};
use idproof_core::codec::tlv;
use idproof_core::crypto::ec::CurveName;
use idproof_core::crypto::signature::iso9796::{
    Iso9796Error, Iso9796Trailer, parse_message_representative,
};
use idproof_core::crypto::signature::{HashAlgorithm, KeyDescription, hash};
use idproof_core::lds::{DataGroup, Dg15, LdsError, LdsFile, ParsedFile, parse_file};
use idproof_core::sm::SecureMessaging;
use serde_json::Value;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/data/");

fn json(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{DATA}aa/{name}")).unwrap()).unwrap()
}

fn file(path: &str) -> Vec<u8> {
    std::fs::read(format!("{DATA}{path}")).unwrap()
}

fn h(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

fn pymrtd() -> Value {
    json("pymrtd_aa_iso9796_2_vectors.json")
}

fn real_passport_spki() -> Vec<u8> {
    Dg15::parse(&h(&pymrtd()["real_passport_rsa1024_sha1"]["DG15"]))
        .unwrap()
        .spki()
        .to_vec()
}

fn rsa_outcome(outcome: &AaOutcome) -> (&[u8], Iso9796Trailer, bool) {
    match &outcome.scheme {
        AaScheme::Iso9796_2 {
            trailer,
            recovered_m1,
            complemented,
        } => (recovered_m1, *trailer, *complemented),
        AaScheme::Ecdsa { .. } => panic!("not RSA: {outcome:?}"),
    }
}

// ---------- ICAO 9303-11 Appendix F ----------

#[test]
fn appendix_f_representative_is_header_m1_digest_trailer() {
    let f_vec = &pymrtd()["icao_9303_p11_appendix_F_worked_example"];
    let (m1, m2, digest, f) = (
        h(&f_vec["M1"]),
        h(&f_vec["RND_IFD_M2"]),
        h(&f_vec["H_SHA1_of_M1_concat_M2"]),
        h(&f_vec["F_message_representative"]),
    );
    // k = 1024: 106-byte M1 (c − 4 = 848 bits), 20-byte SHA-1 digest, trailer BC.
    assert_eq!((f.len(), m1.len()), (128, 106));
    let mut m = m1.clone();
    m.extend_from_slice(&m2);
    assert_eq!(hash(HashAlgorithm::Sha1, &m), digest);
    let mut built = vec![0x6A];
    built.extend_from_slice(&m1);
    built.extend_from_slice(&digest);
    built.push(0xBC);
    assert_eq!(built, f);

    let parsed = parse_message_representative(&f).unwrap();
    assert_eq!(parsed.m1, m1.as_slice());
    assert_eq!(parsed.digest, digest.as_slice());
    assert_eq!(parsed.trailer, Iso9796Trailer::Implicit);
    assert_eq!(parsed.hash, HashAlgorithm::Sha1);
    assert_eq!(parsed.check(&m2), Ok(()));
    let mut other = m2.clone();
    other[7] ^= 1;
    assert_eq!(
        parsed.check(&other),
        Err(Iso9796Error::DigestMismatch(HashAlgorithm::Sha1))
    );
}

#[test]
fn appendix_f_representative_with_wrong_header_or_trailer_is_refused() {
    let f = h(&pymrtd()["icao_9303_p11_appendix_F_worked_example"]["F_message_representative"]);
    let with = |at: usize, byte: u8| {
        let mut g = f.clone();
        g[at] = byte;
        parse_message_representative(&g).map(|_| ())
    };
    let last = f.len() - 1;
    // 4B: full recovery with padding, not what AA signs.
    assert_eq!(with(0, 0x4B), Err(Iso9796Error::Header(0x4B)));
    assert_eq!(with(0, 0x6B), Err(Iso9796Error::Header(0x6B)));
    assert_eq!(with(last, 0xBD), Err(Iso9796Error::Trailer(0xBD)));
    // Option 2 trailer: the byte before CC names the hash; 31 (RIPEMD-160) is not supported.
    assert_eq!(with(last, 0xCC), Err(Iso9796Error::UnsupportedHashId(0x27)));
    let mut g = f.clone();
    g[last - 1] = 0x31;
    g[last] = 0xCC;
    assert_eq!(
        parse_message_representative(&g).map(|_| ()),
        Err(Iso9796Error::UnsupportedHashId(0x31))
    );
    // Read as SHA-256 (34CC), the digest is 32 bytes and no longer SHA-256(M1 ‖ M2).
    g[last - 1] = 0x34;
    let as_sha256 = parse_message_representative(&g).unwrap();
    assert_eq!(as_sha256.hash, HashAlgorithm::Sha256);
    assert_eq!(
        as_sha256.check(&h(
            &pymrtd()["icao_9303_p11_appendix_F_worked_example"]["RND_IFD_M2"]
        )),
        Err(Iso9796Error::DigestMismatch(HashAlgorithm::Sha256))
    );
}

// ---------- real passport, RSA-1024 / SHA-1 (pymrtd) ----------

#[test]
fn real_passport_answers_recover_the_stated_m1() {
    let v = &pymrtd()["real_passport_rsa1024_sha1"];
    let dg15 = Dg15::parse(&h(&v["DG15"])).unwrap();
    assert_eq!(dg15.key(), KeyDescription::Rsa { bits: 1024 });
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let outcome = verify_active_authentication(
            dg15.spki(),
            &h(&case["challenge_M2"]),
            &h(&case["signature"]),
            None,
        )
        .unwrap();
        assert_eq!(outcome.key, KeyDescription::Rsa { bits: 1024 });
        assert_eq!(outcome.hash, HashAlgorithm::Sha1);
        assert_eq!(outcome.hash_source, HashSource::Trailer);
        let (m1, trailer, complemented) = rsa_outcome(&outcome);
        assert_eq!(m1, h(&case["recovered_M1"]));
        assert_eq!((trailer, complemented), (Iso9796Trailer::Implicit, false));
        assert_eq!(
            outcome.to_string(),
            "ISO/IEC 9796-2 scheme 1, SHA-1 (trailer BC) with RSA-1024"
        );
        // The ECDSA hash from DG14 does not apply to RSA.
        assert_eq!(
            verify_active_authentication(
                dg15.spki(),
                &h(&case["challenge_M2"]),
                &h(&case["signature"]),
                Some(HashAlgorithm::Sha512),
            ),
            Ok(outcome)
        );
    }
}

#[test]
fn every_flipped_signature_bit_is_aa_failed() {
    let spki = real_passport_spki();
    let case = &pymrtd()["real_passport_rsa1024_sha1"]["cases"][0];
    let (challenge, signature) = (h(&case["challenge_M2"]), h(&case["signature"]));
    for i in 0..signature.len() {
        for bit in [0x01, 0x80] {
            let mut bad = signature.clone();
            bad[i] ^= bit;
            let err = verify_active_authentication(&spki, &challenge, &bad, None).unwrap_err();
            assert_eq!(err.code(), ErrorCode::AaFailed, "byte {i}: {err}");
        }
    }
}

#[test]
fn another_challenge_is_a_digest_mismatch() {
    let spki = real_passport_spki();
    let cases = &pymrtd()["real_passport_rsa1024_sha1"]["cases"];
    // The answer to challenge 0 offered for challenge 1, and a one-bit change.
    let signature = h(&cases[0]["signature"]);
    let mut flipped = h(&cases[0]["challenge_M2"]);
    flipped[0] ^= 0x01;
    for challenge in [h(&cases[1]["challenge_M2"]), flipped] {
        let err = verify_active_authentication(&spki, &challenge, &signature, None).unwrap_err();
        assert_eq!(
            err,
            AaError::Iso9796(Iso9796Error::DigestMismatch(HashAlgorithm::Sha1))
        );
        assert_eq!(err.code(), ErrorCode::AaFailed);
        assert_eq!(
            idproof_core::Error::from(err).code.as_str(),
            "AA_FAILED",
            "stable string form"
        );
    }
    assert_eq!(
        verify_active_authentication(&spki, &[], &signature, None),
        Err(AaError::EmptyChallenge)
    );
}

/// n, e of the real-passport key.
fn real_passport_n() -> Vec<u8> {
    let spki = real_passport_spki();
    // SPKI … 02 81 81 00 <128 bytes n> 02 03 010001
    let at = spki
        .windows(4)
        .position(|w| w == [0x02, 0x81, 0x81, 0x00])
        .unwrap();
    spki[at + 4..at + 4 + 128].to_vec()
}

#[test]
fn signatures_not_below_the_modulus_are_refused() {
    let spki = real_passport_spki();
    let challenge = h(&pymrtd()["real_passport_rsa1024_sha1"]["cases"][0]["challenge_M2"]);
    let n = real_passport_n();
    let mut above = n.clone();
    above[127] += 1;
    let aa = |sig: &[u8]| verify_active_authentication(&spki, &challenge, sig, None);
    assert_eq!(
        aa(&n),
        Err(AaError::Iso9796(Iso9796Error::SignatureOutOfRange))
    );
    assert_eq!(
        aa(&above),
        Err(AaError::Iso9796(Iso9796Error::SignatureOutOfRange))
    );
    assert_eq!(
        aa(&[0xFF; 128]),
        Err(AaError::Iso9796(Iso9796Error::SignatureOutOfRange))
    );
    let mut long = vec![0x01];
    long.extend_from_slice(&n);
    assert_eq!(
        aa(&long),
        Err(AaError::Iso9796(Iso9796Error::SignatureLength {
            found: 129,
            modulus: 128
        }))
    );
    assert_eq!(
        aa(&[]),
        Err(AaError::Iso9796(Iso9796Error::SignatureLength {
            found: 0,
            modulus: 128
        }))
    );
    // s = 1: J = 1, n − 1 ends in …54: neither ends in nibble C.
    assert_eq!(
        aa(&[1]),
        Err(AaError::Iso9796(Iso9796Error::Opening { last: 0x01 }))
    );
    for err in [aa(&n), aa(&[1]), aa(&[])] {
        assert_eq!(err.unwrap_err().code(), ErrorCode::AaFailed);
    }
}

#[test]
fn the_complement_n_minus_s_opens_to_the_same_message() {
    // (n − s)^e = n − s^e for odd e: ISO/IEC 9796-2's opening takes n − J when J does not end
    // in nibble C.
    let spki = real_passport_spki();
    let case = &pymrtd()["real_passport_rsa1024_sha1"]["cases"][2];
    let n = BoxedUint::from_be_slice(&real_passport_n(), 1024).unwrap();
    let s = BoxedUint::from_be_slice(&h(&case["signature"]), 1024).unwrap();
    let complement = n.wrapping_sub(&s).to_be_bytes();
    let outcome =
        verify_active_authentication(&spki, &h(&case["challenge_M2"]), &complement, None).unwrap();
    let (m1, _, complemented) = rsa_outcome(&outcome);
    assert_eq!(m1, h(&case["recovered_M1"]));
    assert!(complemented);
}

#[test]
fn leading_zero_bytes_of_the_signature_are_ignored() {
    // The signature is an integer: zero bytes in front of the k bytes change nothing.
    let spki = real_passport_spki();
    let case = &pymrtd()["real_passport_rsa1024_sha1"]["cases"][3];
    let mut padded = vec![0, 0];
    padded.extend(h(&case["signature"]));
    let outcome =
        verify_active_authentication(&spki, &h(&case["challenge_M2"]), &padded, None).unwrap();
    assert_eq!(rsa_outcome(&outcome).0, h(&case["recovered_M1"]));
}

// ---------- real passport, RSA-1792 / SHA-256 over 3DES SM (gmrtd) ----------

#[test]
fn gmrtd_internal_authenticate_trace_byte_for_byte() {
    let trace = json("gmrtd_activeauth_trace.json");
    let events = trace["TestDoActiveAuth"]["events"].as_array().unwrap();
    let get = |key: &str| events.iter().find(|e| e.get(key).is_some()).unwrap()[key].clone();
    let keys = get("sm");
    let mut sm = SecureMessaging::tdes(
        &h(&keys["ksEnc"]).try_into().unwrap(),
        &h(&keys["ksMac"]).try_into().unwrap(),
        h(&get("ssc")).try_into().unwrap(),
    );
    let challenge: [u8; 8] = h(&get("static_random")).try_into().unwrap();
    assert_eq!(hex::encode_upper(challenge), "96302B0F3D7E7864");
    let command = internal_authenticate_command(&challenge)
        .to_bytes()
        .unwrap();
    assert_eq!(
        hex::encode_upper(&command),
        "0088000008".to_owned() + "96302B0F3D7E7864" + "00"
    );
    let exchange = get("apdu_c");
    assert_eq!(
        sm.protect(&command).unwrap(),
        h(&exchange),
        "INTERNAL AUTHENTICATE under SM"
    );
    let reply_event = events.iter().find(|e| e.get("apdu_r").is_some()).unwrap();
    let reply = sm.unprotect(&h(&reply_event["apdu_r"])).unwrap();
    let (signature, sw) = reply.split_at(reply.len() - 2);
    assert_eq!(sw, [0x90, 0x00]);
    assert_eq!(signature, h(&get("Signature")).as_slice());
    assert_eq!(hex::encode_upper(sm.ssc()), "00000000000000CE");

    let dg15 = Dg15::parse(&h(&get("dg15bytes"))).unwrap();
    assert_eq!(dg15.raw(), file("aa/gmrtd_DG15_RSA.bin"));
    assert_eq!(dg15.key(), KeyDescription::Rsa { bits: 1792 });
    let outcome = verify_active_authentication(dg15.spki(), &challenge, signature, None).unwrap();
    assert_eq!(outcome.hash, HashAlgorithm::Sha256);
    let (m1, trailer, complemented) = rsa_outcome(&outcome);
    assert_eq!(trailer, Iso9796Trailer::explicit(HashAlgorithm::Sha256));
    assert_eq!(trailer.to_string(), "34CC");
    assert!(!complemented);
    // 224-byte representative: header, 32-byte digest, 2-byte trailer.
    assert_eq!(m1.len(), 224 - 1 - 32 - 2);
    assert_eq!(
        outcome.to_string(),
        "ISO/IEC 9796-2 scheme 1, SHA-256 (trailer 34CC) with RSA-1792"
    );
    let mut flipped = signature.to_vec();
    flipped[100] ^= 0x10;
    assert_eq!(
        verify_active_authentication(dg15.spki(), &challenge, &flipped, None)
            .unwrap_err()
            .code(),
        ErrorCode::AaFailed
    );
}

// ---------- Bouncy Castle ISO9796Test (via pymrtd) ----------

#[test]
fn bouncy_castle_vector_recovers_m1() {
    let v = &pymrtd()["bouncycastle_iso9796_test"];
    let outcome =
        verify_active_authentication(&h(&v["pubkey_spki"]), &h(&v["msg_M2"]), &h(&v["sig"]), None)
            .unwrap();
    let (m1, trailer, _) = rsa_outcome(&outcome);
    assert_eq!(m1, h(&v["recovered_M1"]));
    assert_eq!(trailer, Iso9796Trailer::Implicit);
    assert_eq!(outcome.key, KeyDescription::Rsa { bits: 1024 });
}

// ---------- representatives we sign ourselves (specimen key) ----------

struct TestKey {
    n: Vec<u8>,
    d: Vec<u8>,
    spki: Vec<u8>,
}

/// The fixtures' specimen RSA-1024 AA key, with its SPKI built by hand.
fn test_key() -> TestKey {
    let keys = json("specimen_rsa_aa_keys.json");
    let k = &keys["rsa1024"];
    let (n, e, d) = (h(&k["n"]), h(&k["e"]), h(&k["d"]));
    let der = |tag: u8, content: &[u8]| tlv::encode(u32::from(tag), content);
    let mut n_int = vec![0];
    n_int.extend_from_slice(&n);
    let mut rsa_key = der(0x02, &n_int);
    rsa_key.extend(der(0x02, &e));
    let mut bits = vec![0];
    bits.extend(der(0x30, &rsa_key));
    let alg = hex::decode("300D06092A864886F70D0101010500").unwrap();
    let mut spki = alg;
    spki.extend(der(0x03, &bits));
    TestKey {
        n,
        d,
        spki: der(0x30, &spki),
    }
}

impl TestKey {
    /// The raw private operation F^d mod n.
    fn sign_raw(&self, f: &[u8]) -> Vec<u8> {
        let bits = u32::try_from(self.n.len() * 8).unwrap();
        let n = Odd::new(BoxedUint::from_be_slice(&self.n, bits).unwrap()).unwrap();
        let params = BoxedMontyParams::new(n);
        let x = BoxedUint::from_be_slice(f, bits).unwrap();
        let d = BoxedUint::from_be_slice(&self.d, bits).unwrap();
        BoxedMontyForm::new(x, &params)
            .pow(&d)
            .retrieve()
            .to_be_bytes()
            .to_vec()
    }

    /// `header ‖ M1 ‖ Hash(M1 ‖ m2) ‖ trailer`, M1 filling the modulus.
    fn representative(
        &self,
        header: u8,
        m2: &[u8],
        hash_alg: HashAlgorithm,
        trailer: &[u8],
    ) -> Vec<u8> {
        let m1_len = self.n.len() - 1 - hash_alg.output_len() - trailer.len();
        let m1: Vec<u8> = (0..m1_len)
            .map(|i| u8::try_from(i % 251).unwrap())
            .collect();
        let mut m = m1.clone();
        m.extend_from_slice(m2);
        let mut f = vec![header];
        f.extend(m1);
        f.extend(hash(hash_alg, &m));
        f.extend_from_slice(trailer);
        f
    }
}

#[test]
fn own_representatives_verify_with_each_trailer() {
    let key = test_key();
    let m2 = *b"\x01\x02\x03\x04\x05\x06\x07\x08";
    for (h_alg, trailer) in [
        (HashAlgorithm::Sha1, vec![0xBC]),
        (HashAlgorithm::Sha1, vec![0x33, 0xCC]),
        (HashAlgorithm::Sha224, vec![0x38, 0xCC]),
        (HashAlgorithm::Sha256, vec![0x34, 0xCC]),
        (HashAlgorithm::Sha384, vec![0x36, 0xCC]),
        (HashAlgorithm::Sha512, vec![0x35, 0xCC]),
    ] {
        let f = key.representative(0x6A, &m2, h_alg, &trailer);
        let outcome =
            verify_active_authentication(&key.spki, &m2, &key.sign_raw(&f), None).unwrap();
        assert_eq!(outcome.hash, h_alg);
        assert_eq!(rsa_outcome(&outcome).1.bytes(), trailer);
    }
}

#[test]
fn own_representatives_with_a_wrong_field_are_refused_precisely() {
    let key = test_key();
    let m2 = [9u8; 8];
    let aa = |f: &[u8]| verify_active_authentication(&key.spki, &m2, &key.sign_raw(f), None);
    let good = key.representative(0x6A, &m2, HashAlgorithm::Sha256, &[0x34, 0xCC]);
    assert!(aa(&good).is_ok());

    let cases: Vec<(Vec<u8>, Iso9796Error)> = vec![
        (
            key.representative(0x4B, &m2, HashAlgorithm::Sha256, &[0x34, 0xCC]),
            Iso9796Error::Header(0x4B),
        ),
        (
            key.representative(0x4A, &m2, HashAlgorithm::Sha256, &[0x34, 0xCC]),
            Iso9796Error::Header(0x4A),
        ),
        // Trailer ending in nibble C but neither BC nor xxCC.
        (
            key.representative(0x6A, &m2, HashAlgorithm::Sha1, &[0xAC]),
            Iso9796Error::Trailer(0xAC),
        ),
        // RIPEMD-160's identifier with a 20-byte digest: unsupported, still a failure.
        (
            key.representative(0x6A, &m2, HashAlgorithm::Sha1, &[0x31, 0xCC]),
            Iso9796Error::UnsupportedHashId(0x31),
        ),
        // The trailer says SHA-256, the digest is SHA-384 of M1 ‖ M2.
        (
            key.representative(0x6A, &m2, HashAlgorithm::Sha384, &[0x34, 0xCC]),
            Iso9796Error::DigestMismatch(HashAlgorithm::Sha256),
        ),
        // One byte short of the modulus: 00 6A … (header in the wrong place).
        (
            {
                let mut f = key.representative(0x6A, &m2, HashAlgorithm::Sha256, &[0x34, 0xCC]);
                f.remove(1);
                f
            },
            Iso9796Error::RepresentativeLength {
                found: 127,
                expected: 128,
            },
        ),
    ];
    for (f, expected) in cases {
        let err = aa(&f).unwrap_err();
        assert_eq!(err, AaError::Iso9796(expected.clone()), "{expected}");
        assert_eq!(err.code(), ErrorCode::AaFailed);
    }
    // Digest over the wrong challenge.
    assert_eq!(
        verify_active_authentication(&key.spki, &[8u8; 8], &key.sign_raw(&good), None),
        Err(AaError::Iso9796(Iso9796Error::DigestMismatch(
            HashAlgorithm::Sha256
        )))
    );
}

// ---------- ECDSA (OpenSSL signatures as plain r ‖ s answers) ----------

struct EcVector {
    name: &'static str,
    curve: CurveName,
    hash: HashAlgorithm,
}

const EC_VECTORS: [EcVector; 7] = [
    EcVector {
        name: "prime256v1_sha256",
        curve: CurveName::P256,
        hash: HashAlgorithm::Sha256,
    },
    EcVector {
        name: "secp384r1_sha256",
        curve: CurveName::P384,
        hash: HashAlgorithm::Sha256,
    },
    EcVector {
        name: "secp521r1_sha256",
        curve: CurveName::P521,
        hash: HashAlgorithm::Sha256,
    },
    EcVector {
        name: "brainpoolP256r1_sha256",
        curve: CurveName::BrainpoolP256r1,
        hash: HashAlgorithm::Sha256,
    },
    EcVector {
        name: "brainpoolP320r1_sha256",
        curve: CurveName::BrainpoolP320r1,
        hash: HashAlgorithm::Sha256,
    },
    EcVector {
        name: "brainpoolP512r1_sha224",
        curve: CurveName::BrainpoolP512r1,
        hash: HashAlgorithm::Sha224,
    },
    EcVector {
        name: "secp224r1_sha256",
        curve: CurveName::P224,
        hash: HashAlgorithm::Sha256,
    },
];

/// An OpenSSL DER ECDSA-Sig-Value as the plain `r ‖ s` of `len`-byte halves.
fn plain(der: &[u8], len: usize) -> Vec<u8> {
    let int = |at: usize| -> (Vec<u8>, usize) {
        assert_eq!(der[at], 0x02);
        let l = der[at + 1] as usize;
        let v: Vec<u8> = der[at + 2..at + 2 + l]
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        let mut out = vec![0u8; len - v.len()];
        out.extend(v);
        (out, at + 2 + l)
    };
    let start = if der[1] == 0x81 { 3 } else { 2 };
    let (mut r, next) = int(start);
    let (s, _) = int(next);
    r.extend(s);
    r
}

fn order_len(curve: CurveName) -> usize {
    match curve {
        CurveName::P224 => 28,
        CurveName::P256 | CurveName::BrainpoolP256r1 => 32,
        CurveName::BrainpoolP320r1 => 40,
        CurveName::P384 => 48,
        CurveName::BrainpoolP512r1 => 64,
        CurveName::P521 => 66,
        other => panic!("{other:?}"),
    }
}

#[test]
fn ecdsa_answers_verify_with_the_dg14_hash_over_named_and_explicit_keys() {
    let msg = file("pki/openssl-ecdsa/msg.bin");
    for v in &EC_VECTORS {
        let der = file(&format!("pki/openssl-ecdsa/{}/sig.der", v.name));
        let response = plain(&der, order_len(v.curve));
        for (key_file, explicit) in [("key_named.der", false), ("key_explicit.der", true)] {
            let spki = file(&format!("pki/openssl-ecdsa/{}/{key_file}", v.name));
            let outcome = verify_active_authentication(&spki, &msg, &response, Some(v.hash))
                .unwrap_or_else(|e| panic!("{} {key_file}: {e}", v.name));
            assert_eq!(outcome.hash, v.hash);
            assert_eq!(outcome.hash_source, HashSource::ActiveAuthenticationInfo);
            assert_eq!(outcome.scheme, AaScheme::Ecdsa { der_encoded: false });
            assert!(
                matches!(outcome.key, KeyDescription::Ec { curve, explicit_params, .. }
                    if curve == v.curve && explicit_params == explicit),
                "{outcome:?}"
            );
            // A flipped bit anywhere: AA_FAILED.
            for i in [0, response.len() / 2, response.len() - 1] {
                let mut bad = response.clone();
                bad[i] ^= 0x04;
                let err =
                    verify_active_authentication(&spki, &msg, &bad, Some(v.hash)).unwrap_err();
                assert_eq!(err.code(), ErrorCode::AaFailed, "{} byte {i}", v.name);
            }
        }
    }
}

#[test]
fn without_active_authentication_info_the_hash_is_sized_to_the_key() {
    let msg = file("pki/openssl-ecdsa/msg.bin");
    for v in &EC_VECTORS {
        let spki = file(&format!("pki/openssl-ecdsa/{}/key_named.der", v.name));
        let der = file(&format!("pki/openssl-ecdsa/{}/sig.der", v.name));
        let response = plain(&der, order_len(v.curve));
        let result = verify_active_authentication(&spki, &msg, &response, None);
        // P-256, brainpoolP256r1 and brainpoolP320r1 signed with SHA-256 = the key-sized hash;
        // the others were signed with a hash other than the one the fallback picks.
        let fallback = match v.curve {
            CurveName::P224 => HashAlgorithm::Sha224,
            CurveName::P256 | CurveName::BrainpoolP256r1 | CurveName::BrainpoolP320r1 => {
                HashAlgorithm::Sha256
            }
            CurveName::P384 => HashAlgorithm::Sha384,
            _ => HashAlgorithm::Sha512,
        };
        if fallback == v.hash {
            let outcome = result.unwrap();
            assert_eq!(
                (outcome.hash, outcome.hash_source),
                (fallback, HashSource::KeySize),
                "{}",
                v.name
            );
            assert!(outcome.to_string().contains("hash sized to the key"));
        } else {
            assert_eq!(result, Err(AaError::EcdsaInvalid(fallback)), "{}", v.name);
        }
    }
}

#[test]
fn ecdsa_der_answers_are_accepted_and_malformed_ones_fail() {
    let msg = file("pki/openssl-ecdsa/msg.bin");
    let spki = file("pki/openssl-ecdsa/prime256v1_sha256/key_named.der");
    let der = file("pki/openssl-ecdsa/prime256v1_sha256/sig.der");
    let outcome =
        verify_active_authentication(&spki, &msg, &der, Some(HashAlgorithm::Sha256)).unwrap();
    assert_eq!(outcome.scheme, AaScheme::Ecdsa { der_encoded: true });
    // Wrong hash from DG14.
    let response = plain(&der, 32);
    assert_eq!(
        verify_active_authentication(&spki, &msg, &response, Some(HashAlgorithm::Sha384)),
        Err(AaError::EcdsaInvalid(HashAlgorithm::Sha384))
    );
    // Another challenge.
    assert_eq!(
        verify_active_authentication(&spki, b"other", &response, Some(HashAlgorithm::Sha256)),
        Err(AaError::EcdsaInvalid(HashAlgorithm::Sha256))
    );
    for bad in [&response[..63], &[][..], &[0x30, 0x02, 0x02, 0x00][..]] {
        let err = verify_active_authentication(&spki, &msg, bad, Some(HashAlgorithm::Sha256))
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::AaFailed, "{bad:02X?}: {err}");
    }
    assert!(matches!(
        verify_active_authentication(&spki, &msg, &response[..63], None),
        Err(AaError::MalformedEcdsa(_))
    ));
    // r = 0 and s = n are out of range: a failure, not a panic.
    let mut zero_r = response.clone();
    zero_r[..32].fill(0);
    assert_eq!(
        verify_active_authentication(&spki, &msg, &zero_r, Some(HashAlgorithm::Sha256)),
        Err(AaError::EcdsaInvalid(HashAlgorithm::Sha256))
    );
}

// ---------- DG15 files ----------

#[test]
fn real_dg15_files_parse_to_their_keys() {
    let cases: [(&str, KeyDescription); 6] = [
        (
            "sod/etsi_DFLT_EACAA_EF_DG15.bin",
            KeyDescription::Rsa { bits: 1024 },
        ),
        (
            "lds/bsi-tr03105_Datagroup15.bin",
            KeyDescription::Rsa { bits: 1024 },
        ),
        // The modulus is a negative INTEGER (no leading 00): read as unsigned.
        (
            "lds/bsi2008_Datagroup15.bin",
            KeyDescription::Rsa { bits: 1024 },
        ),
        (
            "lds/loes2006_ef010F.bin",
            KeyDescription::Rsa { bits: 1024 },
        ),
        ("aa/gmrtd_DG15_RSA.bin", KeyDescription::Rsa { bits: 1792 }),
        (
            "pki/jmrtd_bsi2008_DG15_negative_modulus.bin",
            KeyDescription::Rsa { bits: 1024 },
        ),
    ];
    for (path, key) in cases {
        let bytes = file(path);
        let dg15 = Dg15::parse(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(dg15.key(), key, "{path}");
        assert_eq!(dg15.raw(), bytes.as_slice());
        assert_eq!(dg15.spki().first(), Some(&0x30));
        match parse_file(LdsFile::Dg(DataGroup::DG15), &bytes).unwrap() {
            ParsedFile::Dg15(parsed) => assert_eq!(*parsed, dg15),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn dg15_under_tag_70_and_broken_keys_are_refused() {
    let tag70 = file("lds/pymrtd_etsi_EAC_LDS_I01_EF_DG15_tag70.bin");
    assert_eq!(
        Dg15::parse(&tag70),
        Err(LdsError::WrongOuterTag {
            file: LdsFile::Dg(DataGroup::DG15),
            expected: 0x6F,
            found: 0x70
        })
    );
    // The same content under 6F is the ETSI DG15.
    let mut retagged = tag70.clone();
    retagged[0] = 0x6F;
    assert_eq!(retagged, file("sod/etsi_DFLT_EACAA_EF_DG15.bin"));
    // A byte after the SPKI inside 6F, an unknown key algorithm, a too-small RSA key.
    let etsi = file("sod/etsi_DFLT_EACAA_EF_DG15.bin");
    let mut extra = etsi.clone();
    extra.push(0x00);
    extra[2] += 1;
    assert!(matches!(Dg15::parse(&extra), Err(LdsError::Invalid { .. })));
    let mut other_alg = etsi.clone();
    other_alg[18] ^= 0x01; // rsaEncryption → 1.2.840.113549.1.1.0
    assert!(
        matches!(Dg15::parse(&other_alg), Err(LdsError::Invalid { detail, .. }) if detail.contains("unsupported"))
    );
    for n in 0..etsi.len() {
        assert!(Dg15::parse(&etsi[..n]).is_err(), "prefix {n}");
    }
}

// ---------- arbitrary input never panics ----------

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_answers_fail_with_aa_failed(
        response in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
        challenge in proptest::collection::vec(proptest::num::u8::ANY, 1..16),
    ) {
        let rsa = real_passport_spki();
        let ec = file("pki/openssl-ecdsa/brainpoolP256r1_sha256/key_explicit.der");
        for (spki, hash) in [(&rsa, None), (&ec, None), (&ec, Some(HashAlgorithm::Sha384))] {
            let err = verify_active_authentication(spki, &challenge, &response, hash).unwrap_err();
            proptest::prop_assert_eq!(err.code(), ErrorCode::AaFailed, "{}", err);
        }
    }

    #[test]
    fn arbitrary_dg15_and_dg14_content_never_panics(
        content in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
    ) {
        let _ = Dg15::parse(&tlv::encode(0x6F, &content));
        let _ = idproof_core::auth::active::aa_signature_algorithm(&tlv::encode(0x6E, &content));
        let _ = verify_active_authentication(&content, &[1; 8], &content, None);
    }
}
