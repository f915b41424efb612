//! RSA signature verification: PKCS#1 v1.5 and RSASSA-PSS through the `rsa` crate, with a
//! small EMSA-PSS decoder of our own for the (theoretical) case of an MGF1 hash that differs
//! from the message hash, which the crate's `Pss` cannot express.

use rsa::hazmat::rsa_encrypt;
use rsa::traits::PublicKeyParts;
use rsa::{BoxedUint, Pkcs1v15Sign, Pss, PublicKey};
use sha1::Sha1;
use sha2::{Sha224, Sha256, Sha384, Sha512};

use super::hash::{HashAlgorithm, hash};
use super::{PssParams, SignatureError};

/// Moduli accepted (bits). ICAO 9303-12 uses 1024–4096; 8192 leaves room without allowing
/// absurd sizes.
const MODULUS_BITS: std::ops::RangeInclusive<usize> = 1024..=8192;

/// Builds the public key from unsigned big-endian magnitudes.
pub(crate) fn public_key(n: &[u8], e: &[u8]) -> Result<PublicKey, SignatureError> {
    let n = BoxedUint::from_be_slice_vartime(n);
    let e = BoxedUint::from_be_slice_vartime(e);
    PublicKey::new_with_size_limits(n, e, MODULUS_BITS).map_err(|err| match err {
        rsa::Error::ModulusTooSmall
        | rsa::Error::ModulusTooLarge
        | rsa::Error::PublicExponentTooSmall
        | rsa::Error::PublicExponentTooLarge => {
            SignatureError::UnsupportedKey(format!("RSA key: {err}"))
        }
        other => SignatureError::MalformedKey(format!("RSA key: {other}")),
    })
}

/// Modulus length in bits.
pub(crate) fn modulus_bits(key: &PublicKey) -> usize {
    key.n().as_ref().bit_width_vartime() as usize
}

/// The signature as exactly k = ⌈bits(n)/8⌉ bytes. A short signature (the integer written
/// without its leading zero bytes, as some signers emit it) is left-padded; a longer one is
/// refused even when the excess is zeros, as RFC 8017 §8.2.2 step 1 and §8.1.2 step 1 require
/// (Wycheproof "prepending 0's to signature": accepting it makes signatures malleable).
fn normalise_signature(key: &PublicKey, sig: &[u8]) -> Result<Vec<u8>, SignatureError> {
    let k = key.size();
    if sig.len() > k || sig.is_empty() {
        return Err(SignatureError::MalformedSignature(format!(
            "RSA signature of {} bytes for a {}-byte modulus",
            sig.len(),
            k
        )));
    }
    let mut out = vec![0u8; k - sig.len()];
    out.extend_from_slice(sig);
    Ok(out)
}

/// RSASSA-PKCS1-v1_5 verification of `hashed` (a digest made with `alg`).
pub(crate) fn verify_pkcs1v15(
    key: &PublicKey,
    alg: HashAlgorithm,
    hashed: &[u8],
    sig: &[u8],
) -> Result<(), SignatureError> {
    let sig = normalise_signature(key, sig)?;
    let scheme = match alg {
        HashAlgorithm::Sha1 => Pkcs1v15Sign::new::<Sha1>(),
        HashAlgorithm::Sha224 => Pkcs1v15Sign::new::<Sha224>(),
        HashAlgorithm::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
        HashAlgorithm::Sha384 => Pkcs1v15Sign::new::<Sha384>(),
        HashAlgorithm::Sha512 => Pkcs1v15Sign::new::<Sha512>(),
    };
    if key.verify(scheme, hashed, &sig).is_ok() {
        return Ok(());
    }
    // Some old signers omit the NULL parameters inside DigestInfo; accept that one variant.
    let mut prefix = Vec::with_capacity(19);
    let oid = hash_oid_der(alg);
    let inner_len = oid.len();
    let total = 2 + inner_len + 2 + hashed.len();
    prefix.extend_from_slice(&[0x30, u8::try_from(total).unwrap_or(0)]);
    prefix.extend_from_slice(&[0x30, u8::try_from(inner_len).unwrap_or(0)]);
    prefix.extend_from_slice(oid);
    prefix.extend_from_slice(&[0x04, u8::try_from(hashed.len()).unwrap_or(0)]);
    let scheme = Pkcs1v15Sign {
        hash_len: Some(hashed.len()),
        prefix: prefix.into_boxed_slice(),
    };
    key.verify(scheme, hashed, &sig)
        .map_err(|_| SignatureError::Invalid)
}

/// DER of the hash OID (tag, length, content).
fn hash_oid_der(alg: HashAlgorithm) -> &'static [u8] {
    match alg {
        HashAlgorithm::Sha1 => &[0x06, 0x05, 0x2B, 0x0E, 0x03, 0x02, 0x1A],
        HashAlgorithm::Sha224 => &[
            0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04,
        ],
        HashAlgorithm::Sha256 => &[
            0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        ],
        HashAlgorithm::Sha384 => &[
            0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02,
        ],
        HashAlgorithm::Sha512 => &[
            0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03,
        ],
    }
}

/// RSASSA-PSS verification of `hashed` with any salt length.
pub(crate) fn verify_pss(
    key: &PublicKey,
    params: PssParams,
    hashed: &[u8],
    sig: &[u8],
) -> Result<(), SignatureError> {
    let sig = normalise_signature(key, sig)?;
    if params.mgf_hash != params.hash {
        return emsa_pss_verify_raw(key, params, hashed, &sig);
    }
    let salt = params.salt_len;
    let result = match params.hash {
        HashAlgorithm::Sha1 => key.verify(Pss::<Sha1>::new_with_salt(salt), hashed, &sig),
        HashAlgorithm::Sha224 => key.verify(Pss::<Sha224>::new_with_salt(salt), hashed, &sig),
        HashAlgorithm::Sha256 => key.verify(Pss::<Sha256>::new_with_salt(salt), hashed, &sig),
        HashAlgorithm::Sha384 => key.verify(Pss::<Sha384>::new_with_salt(salt), hashed, &sig),
        HashAlgorithm::Sha512 => key.verify(Pss::<Sha512>::new_with_salt(salt), hashed, &sig),
    };
    result.map_err(|_| SignatureError::Invalid)
}

/// RSASSA-PSS verification with our decoder only (the differential tests' second path), with
/// the same signature-length rule as [`verify_pss`].
pub(crate) fn verify_pss_without_crate(
    key: &PublicKey,
    params: PssParams,
    hashed: &[u8],
    sig: &[u8],
) -> Result<(), SignatureError> {
    let sig = normalise_signature(key, sig)?;
    emsa_pss_verify_raw(key, params, hashed, &sig)
}

/// EMSA-PSS-VERIFY (RFC 8017 §9.1.2) on the raw RSA public operation, for any MGF1 hash.
/// Public data only, so not constant time.
pub(crate) fn emsa_pss_verify_raw(
    key: &PublicKey,
    params: PssParams,
    m_hash: &[u8],
    sig: &[u8],
) -> Result<(), SignatureError> {
    let s = BoxedUint::from_be_slice_vartime(sig);
    if s >= *key.n().as_ref() {
        return Err(SignatureError::Invalid);
    }
    let m = rsa_encrypt(key, &s).map_err(|_| SignatureError::Invalid)?;
    let em_bits = modulus_bits(key) - 1;
    let em_len = em_bits.div_ceil(8);
    let m_bytes = m.to_be_bytes();
    let m_trimmed = crate::crypto::ec::der_reader::strip_leading_zeros(&m_bytes);
    if m_trimmed.len() > em_len {
        return Err(SignatureError::Invalid);
    }
    let mut em = vec![0u8; em_len - m_trimmed.len()];
    em.extend_from_slice(m_trimmed);

    let h_len = params.hash.output_len();
    let s_len = params.salt_len;
    if m_hash.len() != h_len || em_len < h_len + s_len + 2 || em.last() != Some(&0xBC) {
        return Err(SignatureError::Invalid);
    }
    let db_len = em_len - h_len - 1;
    let (masked_db, rest) = em.split_at(db_len);
    let h = rest.get(..h_len).ok_or(SignatureError::Invalid)?;
    let top_bits = 8 * em_len - em_bits;
    let top_mask = 0xFFu8
        .checked_shr(u32::try_from(top_bits).unwrap_or(8))
        .unwrap_or(0);
    if masked_db.first().is_some_and(|b| b & !top_mask != 0) {
        return Err(SignatureError::Invalid);
    }
    let mask = mgf1(params.mgf_hash, h, db_len);
    let mut db: Vec<u8> = masked_db.iter().zip(&mask).map(|(a, b)| a ^ b).collect();
    if let Some(first) = db.first_mut() {
        *first &= top_mask;
    }
    let pad_len = em_len - h_len - s_len - 2;
    let (pad, tail) = db.split_at(pad_len);
    if pad.iter().any(|&b| b != 0) || tail.first() != Some(&0x01) {
        return Err(SignatureError::Invalid);
    }
    let salt = tail.get(1..).unwrap_or_default();
    let mut m_prime = vec![0u8; 8];
    m_prime.extend_from_slice(m_hash);
    m_prime.extend_from_slice(salt);
    if hash(params.hash, &m_prime) == h {
        Ok(())
    } else {
        Err(SignatureError::Invalid)
    }
}

/// MGF1 (RFC 8017 B.2.1).
fn mgf1(alg: HashAlgorithm, seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + alg.output_len());
    let mut counter: u32 = 0;
    while out.len() < len {
        let mut input = seed.to_vec();
        input.extend_from_slice(&counter.to_be_bytes());
        out.extend_from_slice(&hash(alg, &input));
        counter = counter.wrapping_add(1);
    }
    out.truncate(len);
    out
}
