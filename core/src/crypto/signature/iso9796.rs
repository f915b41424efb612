//! ISO/IEC 9796-2 digital signature scheme 1 with partial message recovery, as RSA Active
//! Authentication uses it (ICAO 9303-11 §6.1, worked example in Appendix F).
//!
//! The chip signs the message representative `F = 6A ‖ M1 ‖ H ‖ T`: header `6A` (partial
//! recovery, no padding), `M1` its own nonce filling the rest of the modulus, `H =
//! Hash(M1 ‖ M2)` with `M2` the terminal's challenge (the non-recoverable part), and the
//! trailer `T`: `BC` (option 1, implicit hash: SHA-1 in ICAO 9303) or `xx CC` (option 2, `xx`
//! the ISO/IEC 10118-3 hash identifier). The verifier opens the signature with the raw RSA
//! public operation, checks header, trailer and hash, and recovers `M1`.
//!
//! Signature opening (ISO/IEC 9796-2 Annex B, "the smaller of J and n − J"): with `J = s^e mod
//! n`, `F = J` when `J ≡ 12 (mod 16)` and `F = n − J` when `n − J ≡ 12 (mod 16)`. `n` is odd,
//! so at most one of the two qualifies and accepting both is no weaker than accepting one.
//!
//! Public data only, so nothing here needs to be constant time except the digest comparison,
//! which is anyway (`subtle`).

use rsa::BoxedUint;
use rsa::hazmat::rsa_encrypt;
use rsa::traits::PublicKeyParts;
use subtle::ConstantTimeEq;

use super::hash::{HashAlgorithm, hash};
use super::key::{PublicKey, parse_spki};
use super::{SignatureError, rsa as rsa_key};

/// The header of a scheme 1 representative with partial recovery and no padding.
pub const HEADER_PARTIAL_RECOVERY: u8 = 0x6A;

/// The trailer field `T` of a message representative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Iso9796Trailer {
    /// Option 1: the single byte `BC`; the hash is implied (SHA-1 in ICAO 9303).
    Implicit,
    /// Option 2: `id ‖ CC`, `id` an ISO/IEC 10118-3 hash-function identifier.
    Explicit {
        /// The hash-function identifier (`34` for SHA-256).
        hash_id: u8,
    },
}

impl Iso9796Trailer {
    /// The trailer for `hash` in option 2 (`33CC` SHA-1, `34CC` SHA-256, `35CC` SHA-512,
    /// `36CC` SHA-384, `38CC` SHA-224: ISO/IEC 10118-3 identifiers).
    pub fn explicit(hash: HashAlgorithm) -> Self {
        let hash_id = match hash {
            HashAlgorithm::Sha1 => 0x33,
            HashAlgorithm::Sha256 => 0x34,
            HashAlgorithm::Sha512 => 0x35,
            HashAlgorithm::Sha384 => 0x36,
            HashAlgorithm::Sha224 => 0x38,
        };
        Iso9796Trailer::Explicit { hash_id }
    }

    /// The trailer's bytes as they end `F`.
    pub fn bytes(self) -> Vec<u8> {
        match self {
            Iso9796Trailer::Implicit => vec![0xBC],
            Iso9796Trailer::Explicit { hash_id } => vec![hash_id, 0xCC],
        }
    }

    /// The hash the trailer names, if this verifier supports it.
    pub fn hash(self) -> Option<HashAlgorithm> {
        match self {
            Iso9796Trailer::Implicit | Iso9796Trailer::Explicit { hash_id: 0x33 } => {
                Some(HashAlgorithm::Sha1)
            }
            Iso9796Trailer::Explicit { hash_id: 0x34 } => Some(HashAlgorithm::Sha256),
            Iso9796Trailer::Explicit { hash_id: 0x35 } => Some(HashAlgorithm::Sha512),
            Iso9796Trailer::Explicit { hash_id: 0x36 } => Some(HashAlgorithm::Sha384),
            Iso9796Trailer::Explicit { hash_id: 0x38 } => Some(HashAlgorithm::Sha224),
            Iso9796Trailer::Explicit { .. } => None,
        }
    }
}

impl std::fmt::Display for Iso9796Trailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in self.bytes() {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

/// Why a scheme 1 signature was not accepted. Every variant is a signature that does not
/// verify, told apart so a report can say exactly what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Iso9796Error {
    /// The key in the SubjectPublicKeyInfo is malformed, unsupported or not RSA.
    #[error(transparent)]
    Key(#[from] SignatureError),
    /// The signature is empty or has more significant bytes than the modulus.
    #[error("signature of {found} bytes for a {modulus}-byte modulus")]
    SignatureLength {
        /// Bytes in the signature (leading zeros dropped).
        found: usize,
        /// Bytes in the modulus.
        modulus: usize,
    },
    /// The signature, as an integer, is not below the modulus.
    #[error("signature is not less than the modulus")]
    SignatureOutOfRange,
    /// Neither `J` nor `n − J` ends in the nibble `C` every trailer ends with.
    #[error("recovered representative ends in {last:02X}, neither J nor n-J ends in nibble C")]
    Opening {
        /// The last byte of `J = s^e mod n`.
        last: u8,
    },
    /// The representative is not as long as the modulus requires.
    #[error("recovered representative has {found} bytes, the modulus requires {expected}")]
    RepresentativeLength {
        /// Bytes (leading zeros dropped).
        found: usize,
        /// ⌈(k − 1) / 8⌉ for a k-bit modulus.
        expected: usize,
    },
    /// The header is not `6A` (partial recovery, no padding).
    #[error("header {0:02X}, expected 6A (partial message recovery)")]
    Header(u8),
    /// The trailer is neither `BC` nor `xx CC`.
    #[error("trailer {0:02X} is neither BC nor xxCC")]
    Trailer(u8),
    /// An option 2 trailer naming a hash this verifier does not support.
    #[error("trailer {0:02X}CC names a hash function this verifier does not support")]
    UnsupportedHashId(u8),
    /// Too short to hold header, hash and trailer.
    #[error("representative of {found} bytes cannot hold header, {hash} digest and trailer")]
    TooShort {
        /// Bytes in the representative.
        found: usize,
        /// The trailer's hash.
        hash: HashAlgorithm,
    },
    /// `H` is not `Hash(M1 ‖ M2)`.
    #[error("the digest in the representative is not {0}(M1 ‖ challenge)")]
    DigestMismatch(HashAlgorithm),
}

/// A message representative taken apart (not yet checked against `M2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageRepresentative<'a> {
    /// The recoverable part `M1`.
    pub m1: &'a [u8],
    /// The digest `H` as found in `F`.
    pub digest: &'a [u8],
    /// The trailer.
    pub trailer: Iso9796Trailer,
    /// The hash the trailer names.
    pub hash: HashAlgorithm,
}

impl MessageRepresentative<'_> {
    /// Checks `H = Hash(M1 ‖ m2)` in constant time.
    pub fn check(&self, m2: &[u8]) -> Result<(), Iso9796Error> {
        let mut m = Vec::with_capacity(self.m1.len() + m2.len());
        m.extend_from_slice(self.m1);
        m.extend_from_slice(m2);
        let expected = hash(self.hash, &m);
        if bool::from(expected.as_slice().ct_eq(self.digest)) {
            Ok(())
        } else {
            Err(Iso9796Error::DigestMismatch(self.hash))
        }
    }
}

/// Takes `F = 6A ‖ M1 ‖ H ‖ T` apart: header, trailer (which names the hash), digest, `M1`.
pub fn parse_message_representative(f: &[u8]) -> Result<MessageRepresentative<'_>, Iso9796Error> {
    let (&header, rest) = f.split_first().ok_or(Iso9796Error::Header(0))?;
    if header != HEADER_PARTIAL_RECOVERY {
        return Err(Iso9796Error::Header(header));
    }
    let (&last, before_last) = rest.split_last().ok_or(Iso9796Error::Trailer(header))?;
    let (trailer, body) = match last {
        0xBC => (Iso9796Trailer::Implicit, before_last),
        0xCC => {
            let (&hash_id, body) = before_last
                .split_last()
                .ok_or(Iso9796Error::Trailer(last))?;
            (Iso9796Trailer::Explicit { hash_id }, body)
        }
        other => return Err(Iso9796Error::Trailer(other)),
    };
    let hash = trailer.hash().ok_or(match trailer {
        Iso9796Trailer::Explicit { hash_id } => Iso9796Error::UnsupportedHashId(hash_id),
        Iso9796Trailer::Implicit => Iso9796Error::Trailer(last),
    })?;
    let m1_len = body
        .len()
        .checked_sub(hash.output_len())
        .ok_or(Iso9796Error::TooShort {
            found: f.len(),
            hash,
        })?;
    let (m1, digest) = body.split_at(m1_len);
    Ok(MessageRepresentative {
        m1,
        digest,
        trailer,
        hash,
    })
}

/// A verified scheme 1 signature: what was recovered and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveredMessage {
    /// The recoverable part `M1` (the chip's nonce in Active Authentication).
    pub m1: Vec<u8>,
    /// The hash the trailer named.
    pub hash: HashAlgorithm,
    /// The trailer.
    pub trailer: Iso9796Trailer,
    /// True when the representative was `n − s^e` rather than `s^e`.
    pub complemented: bool,
    /// Modulus length in bits.
    pub modulus_bits: usize,
}

/// Verifies an ISO/IEC 9796-2 scheme 1 signature with partial recovery: `signature` by the
/// RSA key in `spki_der` over the non-recoverable part `m2`. Returns the recovered `M1`.
pub fn verify_scheme1(
    spki_der: &[u8],
    m2: &[u8],
    signature: &[u8],
) -> Result<RecoveredMessage, Iso9796Error> {
    let PublicKey::Rsa { n, e } = parse_spki(spki_der)? else {
        return Err(SignatureError::UnsupportedKey(
            "ISO/IEC 9796-2 needs an RSA key, DG15 holds an EC key".into(),
        )
        .into());
    };
    let key = rsa_key::public_key(n, e)?;
    let modulus_len = key.size();
    let modulus_bits = rsa_key::modulus_bits(&key);
    let significant = crate::crypto::ec::der_reader::strip_leading_zeros(signature);
    if signature.is_empty() || significant.len() > modulus_len {
        return Err(Iso9796Error::SignatureLength {
            found: significant.len(),
            modulus: modulus_len,
        });
    }
    // Exactly k bytes, so the signature has the modulus's precision.
    let mut padded = vec![0u8; modulus_len - significant.len()];
    padded.extend_from_slice(significant);
    let sig = BoxedUint::from_be_slice_vartime(&padded);
    let modulus = key.n().as_ref();
    if sig >= *modulus {
        return Err(Iso9796Error::SignatureOutOfRange);
    }
    let j = rsa_encrypt(&key, &sig).map_err(|_| Iso9796Error::SignatureOutOfRange)?;
    let ends_in_c = |v: &BoxedUint| v.to_be_bytes().last().is_some_and(|b| b & 0x0F == 0x0C);
    let (f, complemented) = if ends_in_c(&j) {
        (j, false)
    } else {
        let n_minus_j = modulus.wrapping_sub(&j);
        if !ends_in_c(&n_minus_j) {
            return Err(Iso9796Error::Opening {
                last: j.to_be_bytes().last().copied().unwrap_or(0),
            });
        }
        (n_minus_j, true)
    };
    let f_bytes = f.to_be_bytes();
    let f_bytes = crate::crypto::ec::der_reader::strip_leading_zeros(&f_bytes);
    let expected = modulus_bits.saturating_sub(1).div_ceil(8);
    if f_bytes.len() != expected {
        return Err(Iso9796Error::RepresentativeLength {
            found: f_bytes.len(),
            expected,
        });
    }
    let representative = parse_message_representative(f_bytes)?;
    representative.check(m2)?;
    Ok(RecoveredMessage {
        m1: representative.m1.to_vec(),
        hash: representative.hash,
        trailer: representative.trailer,
        complemented,
        modulus_bits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailer_table_is_iso_10118_3() {
        let cases = [
            (HashAlgorithm::Sha1, "33CC"),
            (HashAlgorithm::Sha224, "38CC"),
            (HashAlgorithm::Sha256, "34CC"),
            (HashAlgorithm::Sha384, "36CC"),
            (HashAlgorithm::Sha512, "35CC"),
        ];
        for (h, text) in cases {
            let t = Iso9796Trailer::explicit(h);
            assert_eq!(t.to_string(), text);
            assert_eq!(t.hash(), Some(h));
        }
        assert_eq!(Iso9796Trailer::Implicit.to_string(), "BC");
        assert_eq!(Iso9796Trailer::Implicit.hash(), Some(HashAlgorithm::Sha1));
        // RIPEMD-160 (31) and Whirlpool (37) are not supported.
        assert_eq!(Iso9796Trailer::Explicit { hash_id: 0x31 }.hash(), None);
        assert_eq!(Iso9796Trailer::Explicit { hash_id: 0x37 }.hash(), None);
    }

    #[test]
    fn short_or_odd_representatives_are_errors_not_panics() {
        for f in [
            &[][..],
            &[0x6A],
            &[0x6A, 0xBC],
            &[0x6A, 0xCC],
            &[0x6A, 0x34, 0xCC],
            &[0x4A, 0xBC],
        ] {
            assert!(parse_message_representative(f).is_err(), "{f:02X?}");
        }
        assert_eq!(
            parse_message_representative(&[0x6A, 0x31, 0xCC]),
            Err(Iso9796Error::UnsupportedHashId(0x31))
        );
        assert_eq!(
            parse_message_representative(&[0x6A, 0x00, 0xBD]),
            Err(Iso9796Error::Trailer(0xBD))
        );
    }
}
