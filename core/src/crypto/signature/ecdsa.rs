//! ECDSA verification: signature decoding (DER, tolerant of the non-strict encodings real
//! documents carry, and plain `r ‖ s`), range checks, and dispatch to the RustCrypto crate for
//! the curve where one exists (`p256`, `p384`, `p521`, `bp256`, `bp384`) or to our generic
//! implementation ([`crate::crypto::ec::Curve`]) otherwise.

use ecdsa::signature::hazmat::PrehashVerifier;

use crate::crypto::ec::der_reader::{Reader, strip_leading_zeros, tag};
use crate::crypto::ec::{Curve, CurveName, EcDomain};

use super::SignatureError;
use super::key::ec_error;

/// Decodes `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` into unsigned big-endian
/// r and s.
///
/// Tolerated, because real documents have them and the value is unambiguous: non-minimal length
/// encodings, superfluous leading zero bytes, and an INTEGER whose top bit is set without the
/// leading `00` (read as the unsigned magnitude — the verification equation still decides).
/// Refused: anything but exactly two INTEGERs, and bytes after the SEQUENCE.
pub(crate) fn parse_der_signature(sig: &[u8]) -> Result<(&[u8], &[u8]), SignatureError> {
    let bad = |e: crate::crypto::ec::der_reader::DerError| {
        SignatureError::MalformedSignature(format!("ECDSA-Sig-Value: {e}"))
    };
    let mut outer = Reader::new(sig);
    let body = outer.expect(tag::SEQUENCE).map_err(bad)?;
    outer.finish().map_err(bad)?;
    let mut r = Reader::new(body);
    let r_val = r.unsigned_integer().map_err(bad)?;
    let s_val = r.unsigned_integer().map_err(bad)?;
    r.finish().map_err(bad)?;
    Ok((r_val, s_val))
}

/// Splits a plain (BSI TR-03111 §5.2.1) signature `r ‖ s` into its halves. Each half must be
/// exactly ⌈log₂₅₆ n⌉ bytes (`order_len`): the format has no length fields, so a shorter or
/// longer string is not an alternative encoding but a different one, and Wycheproof's
/// "SignatureSize" vectors show that accepting any even length lets (r, s) of the wrong size
/// through.
pub(crate) fn split_plain_signature(
    sig: &[u8],
    order_len: usize,
) -> Result<(&[u8], &[u8]), SignatureError> {
    if sig.is_empty() || sig.len() != 2 * order_len {
        return Err(SignatureError::MalformedSignature(format!(
            "plain ECDSA signature of {} bytes, expected 2 × {order_len}",
            sig.len()
        )));
    }
    Ok(sig.split_at(order_len))
}

/// True when the unsigned big-endian `v` lies in [1, n−1].
fn in_range(v: &[u8], n: &[u8]) -> bool {
    let v = strip_leading_zeros(v);
    let n = strip_leading_zeros(n);
    !v.is_empty() && (v.len() < n.len() || (v.len() == n.len() && v < n))
}

/// Left-pads `v` to `len` bytes.
fn pad(v: &[u8], len: usize) -> Vec<u8> {
    let v = strip_leading_zeros(v);
    let mut out = vec![0u8; len.saturating_sub(v.len())];
    out.extend_from_slice(v);
    out
}

macro_rules! verify_with_crate {
    ($curve:ty, $len:expr, $point:expr, $hash:expr, $r:expr, $s:expr) => {{
        let key = ecdsa::VerifyingKey::<$curve>::from_sec1_bytes($point).map_err(|_| {
            SignatureError::MalformedKey("EC point invalid or not on the curve".into())
        })?;
        let mut rs = pad($r, $len);
        rs.extend_from_slice(&pad($s, $len));
        let sig =
            ecdsa::Signature::<$curve>::from_slice(&rs).map_err(|_| SignatureError::Invalid)?;
        key.verify_prehash($hash, &sig)
            .map_err(|_| SignatureError::Invalid)
    }};
}

/// Which implementation verifies a curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EcdsaBackend {
    /// The dedicated RustCrypto crate.
    Crate,
    /// Our generic short-Weierstrass module.
    Generic,
}

/// Verifies ECDSA `(r, s)` over the prehashed message `hashed` with the SEC1 `point` on `domain`,
/// with the crate for the curve when there is one. Public for the differential tests.
pub fn verify_ecdsa_prehash(
    domain: &EcDomain,
    point: &[u8],
    hashed: &[u8],
    r: &[u8],
    s: &[u8],
    backend: EcdsaBackend,
) -> Result<(), SignatureError> {
    if point.first() == Some(&0x00) {
        return Err(SignatureError::MalformedKey("EC point at infinity".into()));
    }
    if !in_range(r, &domain.params.n) || !in_range(s, &domain.params.n) {
        return Err(SignatureError::Invalid);
    }
    let len = domain.params.field_bits().div_ceil(8);
    if backend == EcdsaBackend::Crate {
        match domain.name {
            CurveName::P256 => return verify_with_crate!(p256::NistP256, len, point, hashed, r, s),
            CurveName::P384 => return verify_with_crate!(p384::NistP384, len, point, hashed, r, s),
            CurveName::P521 => return verify_with_crate!(p521::NistP521, len, point, hashed, r, s),
            CurveName::BrainpoolP256r1 => {
                return verify_with_crate!(bp256::BrainpoolP256r1, len, point, hashed, r, s);
            }
            CurveName::BrainpoolP384r1 => {
                return verify_with_crate!(bp384::BrainpoolP384r1, len, point, hashed, r, s);
            }
            _ => {}
        }
    }
    let curve = match Curve::known(domain.name) {
        Some(curve) => curve,
        None => Curve::new(&domain.params).map_err(ec_error)?,
    };
    let q = curve.decode_point(point).map_err(ec_error)?;
    curve
        .verify_ecdsa_prehash(&q, hashed, r, s)
        .map_err(ec_error)
}

/// True when a crate (not the generic module) verifies this curve.
pub(crate) fn has_crate(name: CurveName) -> bool {
    matches!(
        name,
        CurveName::P256
            | CurveName::P384
            | CurveName::P521
            | CurveName::BrainpoolP256r1
            | CurveName::BrainpoolP384r1
    )
}
