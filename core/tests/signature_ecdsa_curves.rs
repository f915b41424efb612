//! ECDSA on every supported curve, named and explicit, against signatures made by OpenSSL
//! (`fixtures/data/pki/openssl-ecdsa/generate.sh`); plain `r ‖ s`; the generic module checked
//! against the `p256`/`p384`/`p521`/`bp256`/`bp384` crates on the same inputs (valid and
//! invalid); and the edge cases ECDSA must refuse.

#![allow(
    clippy::cast_possible_truncation,
    clippy::many_single_char_names,
    clippy::single_match_else,
    clippy::indexing_slicing
)]

mod signature_common;

use idproof_core::crypto::ec::{Curve, CurveName};
use idproof_core::crypto::signature::{
    EcdsaBackend, HashAlgorithm, KeyDescription, Scheme, SignatureError, curve_has_crate,
    ec_key_domain, hash, verify, verify_ecdsa_prehash, verify_plain_ecdsa,
};
use signature_common::{children, pki, tlv};

fn ecdsa_alg(h: HashAlgorithm) -> Vec<u8> {
    match h {
        HashAlgorithm::Sha1 => vec![
            0x30, 0x09, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x01,
        ],
        _ => {
            let last = match h {
                HashAlgorithm::Sha224 => 1,
                HashAlgorithm::Sha256 => 2,
                HashAlgorithm::Sha384 => 3,
                _ => 4,
            };
            vec![
                0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, last,
            ]
        }
    }
}

fn hash_named(name: &str) -> HashAlgorithm {
    match name {
        "sha1" => HashAlgorithm::Sha1,
        "sha224" => HashAlgorithm::Sha224,
        "sha256" => HashAlgorithm::Sha256,
        "sha384" => HashAlgorithm::Sha384,
        _ => HashAlgorithm::Sha512,
    }
}

/// (folder, curve we must identify, field bits)
const VECTORS: &[(&str, CurveName, usize)] = &[
    ("prime192v1_sha256", CurveName::P192, 192),
    ("prime192v1_sha512", CurveName::P192, 192),
    ("secp224r1_sha256", CurveName::P224, 224),
    ("prime256v1_sha256", CurveName::P256, 256),
    ("secp384r1_sha256", CurveName::P384, 384),
    ("secp521r1_sha256", CurveName::P521, 521),
    ("secp521r1_sha1", CurveName::P521, 521),
    ("brainpoolP160r1_sha256", CurveName::BrainpoolP160r1, 160),
    ("brainpoolP160r1_sha384", CurveName::BrainpoolP160r1, 160),
    ("brainpoolP192r1_sha256", CurveName::BrainpoolP192r1, 192),
    ("brainpoolP224r1_sha256", CurveName::BrainpoolP224r1, 224),
    ("brainpoolP256r1_sha256", CurveName::BrainpoolP256r1, 256),
    ("brainpoolP320r1_sha256", CurveName::BrainpoolP320r1, 320),
    ("brainpoolP384r1_sha256", CurveName::BrainpoolP384r1, 384),
    ("brainpoolP512r1_sha256", CurveName::BrainpoolP512r1, 512),
    ("brainpoolP512r1_sha224", CurveName::BrainpoolP512r1, 512),
];

struct Vector {
    named: Vec<u8>,
    explicit: Vec<u8>,
    sig: Vec<u8>,
    msg: Vec<u8>,
    hash: HashAlgorithm,
}

fn load(dir: &str) -> Vector {
    let h = dir.rsplit('_').next().unwrap();
    Vector {
        named: pki(&format!("openssl-ecdsa/{dir}/key_named.der")),
        explicit: pki(&format!("openssl-ecdsa/{dir}/key_explicit.der")),
        sig: pki(&format!("openssl-ecdsa/{dir}/sig.der")),
        msg: pki("openssl-ecdsa/msg.bin"),
        hash: hash_named(h),
    }
}

/// (r, s) of a DER signature, unsigned.
fn r_s(sig: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let parts = children(tlv(sig).2);
    let strip = |v: &[u8]| {
        v.iter()
            .skip_while(|b| **b == 0)
            .copied()
            .collect::<Vec<u8>>()
    };
    (strip(parts[0].2), strip(parts[1].2))
}

fn der_sig(r: &[u8], s: &[u8]) -> Vec<u8> {
    let int = |v: &[u8]| {
        let mut body = v.to_vec();
        if body.first().is_none_or(|b| b & 0x80 != 0) {
            body.insert(0, 0);
        }
        let mut out = vec![0x02, body.len() as u8];
        out.extend(body);
        out
    };
    let mut body = int(r);
    body.extend(int(s));
    let mut out = vec![0x30, 0x81, body.len() as u8];
    out.extend(body);
    out
}

#[test]
fn openssl_signatures_verify_on_every_curve_named_and_explicit() {
    for (dir, curve, bits) in VECTORS {
        let v = load(dir);
        for (key, explicit) in [(&v.named, false), (&v.explicit, true)] {
            let got = verify(key, &ecdsa_alg(v.hash), None, &v.msg, &v.sig)
                .unwrap_or_else(|e| panic!("{dir} explicit={explicit}: {e}"));
            assert_eq!(got.scheme, Scheme::Ecdsa);
            assert_eq!(got.hash, v.hash, "{dir}");
            assert_eq!(
                got.key,
                KeyDescription::Ec {
                    curve: *curve,
                    explicit_params: explicit,
                    bits: *bits
                },
                "{dir}"
            );
            // A different message fails.
            assert_eq!(
                verify(key, &ecdsa_alg(v.hash), None, b"another message", &v.sig),
                Err(SignatureError::Invalid),
                "{dir}"
            );
        }
    }
}

#[test]
fn unknown_explicit_curves_verify_with_the_generic_module() {
    // brainpoolP256t1 and secp256k1 (a = 0) are not in the known list.
    for dir in ["brainpoolP256t1_sha256", "secp256k1_sha256"] {
        let v = load(dir);
        let got = verify(&v.explicit, &ecdsa_alg(v.hash), None, &v.msg, &v.sig).unwrap();
        assert_eq!(
            got.key,
            KeyDescription::Ec {
                curve: CurveName::Unknown,
                explicit_params: true,
                bits: 256
            },
            "{dir}"
        );
        assert_eq!(
            got.to_string(),
            "ecdsa-with-SHA256 over unknown curve (256-bit) (explicit parameters)"
        );
        assert_eq!(
            verify(&v.explicit, &ecdsa_alg(v.hash), None, b"x", &v.sig),
            Err(SignatureError::Invalid)
        );
        // The named form is an OID we do not know.
        assert!(matches!(
            verify(&v.named, &ecdsa_alg(v.hash), None, &v.msg, &v.sig),
            Err(SignatureError::UnsupportedKey(_))
        ));
    }
}

#[test]
fn plain_signatures_verify_like_der_ones() {
    for (dir, ..) in VECTORS {
        let v = load(dir);
        let (domain, _) = ec_key_domain(&v.named).unwrap();
        let len = domain.params.field_bits().div_ceil(8);
        let (r, s) = r_s(&v.sig);
        let mut plain = vec![0u8; len - r.len()];
        plain.extend(&r);
        plain.extend(vec![0u8; len - s.len()]);
        plain.extend(&s);
        verify_plain_ecdsa(&v.explicit, v.hash, &v.msg, &plain)
            .unwrap_or_else(|e| panic!("{dir}: {e}"));
        plain[len / 2] ^= 1;
        assert_eq!(
            verify_plain_ecdsa(&v.explicit, v.hash, &v.msg, &plain),
            Err(SignatureError::Invalid)
        );
        assert!(matches!(
            verify_plain_ecdsa(&v.explicit, v.hash, &v.msg, &plain[1..]),
            Err(SignatureError::MalformedSignature(_))
        ));
    }
}

#[test]
fn non_strict_der_signatures_are_read_for_their_value() {
    let v = load("brainpoolP256r1_sha256");
    let alg = ecdsa_alg(v.hash);
    let (r, s) = r_s(&v.sig);
    // Long-form SEQUENCE length and extra leading zeros in both INTEGERs.
    let mut r0 = vec![0, 0];
    r0.extend(&r);
    let mut s0 = vec![0];
    s0.extend(&s);
    let sloppy = der_sig(&r0, &s0);
    verify(&v.named, &alg, None, &v.msg, &sloppy).unwrap();
    // Trailing garbage after the SEQUENCE is refused.
    let mut trailing = v.sig.clone();
    trailing.push(0);
    assert!(matches!(
        verify(&v.named, &alg, None, &v.msg, &trailing),
        Err(SignatureError::MalformedSignature(_))
    ));
}

#[test]
fn r_and_s_outside_one_to_n_minus_one_are_invalid() {
    for dir in [
        "prime256v1_sha256",
        "brainpoolP512r1_sha256",
        "secp224r1_sha256",
    ] {
        let v = load(dir);
        let alg = ecdsa_alg(v.hash);
        let (domain, _) = ec_key_domain(&v.named).unwrap();
        let n = domain.params.n.clone();
        let (r, s) = r_s(&v.sig);
        for (rr, ss) in [
            (vec![0u8], s.clone()),
            (r.clone(), vec![0u8]),
            (r.clone(), n.clone()),
            (n.clone(), s.clone()),
        ] {
            assert_eq!(
                verify(&v.named, &alg, None, &v.msg, &der_sig(&rr, &ss)),
                Err(SignatureError::Invalid),
                "{dir}"
            );
        }
    }
}

#[test]
fn keys_off_the_curve_or_at_infinity_are_malformed() {
    for dir in [
        "prime256v1_sha256",
        "brainpoolP320r1_sha256",
        "brainpoolP384r1_sha256",
    ] {
        let v = load(dir);
        let alg = ecdsa_alg(v.hash);
        let mut off = v.explicit.clone();
        let last = off.len() - 1;
        off[last] ^= 1; // y changes: the point leaves the curve
        assert!(
            matches!(
                verify(&off, &alg, None, &v.msg, &v.sig),
                Err(SignatureError::MalformedKey(_))
            ),
            "{dir}"
        );
    }
}

#[test]
fn generic_module_agrees_with_the_crates() {
    for (dir, curve, _) in VECTORS {
        if !curve_has_crate(*curve) {
            continue;
        }
        let v = load(dir);
        let (domain, point) = ec_key_domain(&v.explicit).unwrap();
        let digest = hash(v.hash, &v.msg);
        let (r, s) = r_s(&v.sig);
        let mut cases = vec![(digest.clone(), r.clone(), s.clone(), true)];
        let mut bad_digest = digest.clone();
        bad_digest[0] ^= 0x80;
        cases.push((bad_digest, r.clone(), s.clone(), false));
        let mut bad_r = r.clone();
        let l = bad_r.len() - 1;
        bad_r[l] ^= 1;
        cases.push((digest.clone(), bad_r, s.clone(), false));
        cases.push((digest.clone(), s.clone(), r.clone(), false));
        // Short and long prehashes (truncation and zero-extension rules).
        cases.push((digest[..16].to_vec(), r.clone(), s.clone(), false));
        for (d, rr, ss, expect) in cases {
            let a = verify_ecdsa_prehash(&domain, &point, &d, &rr, &ss, EcdsaBackend::Crate);
            let b = verify_ecdsa_prehash(&domain, &point, &d, &rr, &ss, EcdsaBackend::Generic);
            assert_eq!(a, b, "{dir}");
            assert_eq!(a.is_ok(), expect, "{dir}");
        }
    }
}

#[test]
fn generic_arithmetic_matches_the_p256_crate_on_random_scalars() {
    use p256::elliptic_curve::sec1::ToSec1Point;
    let curve = Curve::known(CurveName::P256).unwrap();
    let mut k = [0u8; 32];
    for i in 0..8u8 {
        for (j, b) in k.iter_mut().enumerate() {
            *b = (j as u8).wrapping_mul(37).wrapping_add(i.wrapping_mul(101)) ^ 0x5A;
        }
        k[0] &= 0x7F;
        let scalar = crypto_bigint::BoxedUint::from_be_slice(&k, 256).unwrap();
        let ours = curve
            .encode_point(&curve.mul_vartime(curve.generator(), &scalar))
            .unwrap();
        let s = p256::NonZeroScalar::try_from(&k[..]).unwrap();
        let theirs = p256::PublicKey::from_secret_scalar(&s).to_sec1_point(false);
        assert_eq!(ours, theirs.as_bytes());
    }
}

#[test]
fn the_generic_module_rejects_bad_domains() {
    use idproof_core::crypto::ec::{DomainParameters, EcError};
    let good = CurveName::BrainpoolP224r1.known().unwrap().domain();
    assert!(Curve::new(&good).is_ok());
    let mut h2 = good.clone();
    h2.h = Some(vec![2]);
    assert!(matches!(
        Curve::new(&h2),
        Err(EcError::UnsupportedParameters(_))
    ));
    let mut wrong_n = good.clone();
    let l = wrong_n.n.len() - 1;
    wrong_n.n[l] ^= 2;
    assert!(Curve::new(&wrong_n).is_err());
    let mut off = good.clone();
    let l = off.gy.len() - 1;
    off.gy[l] ^= 1;
    assert!(matches!(
        Curve::new(&off),
        Err(EcError::MalformedParameters(_))
    ));
    let empty = DomainParameters {
        p: vec![],
        a: vec![],
        b: vec![],
        gx: vec![],
        gy: vec![],
        n: vec![],
        h: None,
    };
    assert!(Curve::new(&empty).is_err());
}
