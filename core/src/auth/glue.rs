//! The one seam between passive authentication and the signature layer
//! (`crypto::signature`, built on its own branch). Everything in `auth` calls these two
//! functions, so the PA logic does not depend on how algorithms are implemented.

use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

/// Hash algorithms of ICAO 9303 (SOD data-group hashes, CMS digests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlgorithm {
    /// SHA-1.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

/// The hash algorithm of a dotted OID (NIST and OIW arcs).
pub fn hash_algorithm_from_oid(oid: &str) -> Option<HashAlgorithm> {
    Some(match oid {
        "1.3.14.3.2.26" => HashAlgorithm::Sha1,
        "2.16.840.1.101.3.4.2.4" => HashAlgorithm::Sha224,
        "2.16.840.1.101.3.4.2.1" => HashAlgorithm::Sha256,
        "2.16.840.1.101.3.4.2.2" => HashAlgorithm::Sha384,
        "2.16.840.1.101.3.4.2.3" => HashAlgorithm::Sha512,
        _ => return None,
    })
}

/// `data` hashed with `alg`.
pub fn hash(alg: HashAlgorithm, data: &[u8]) -> Vec<u8> {
    match alg {
        HashAlgorithm::Sha1 => Sha1::digest(data).to_vec(),
        HashAlgorithm::Sha224 => Sha224::digest(data).to_vec(),
        HashAlgorithm::Sha256 => Sha256::digest(data).to_vec(),
        HashAlgorithm::Sha384 => Sha384::digest(data).to_vec(),
        HashAlgorithm::Sha512 => Sha512::digest(data).to_vec(),
    }
}

/// What a signature check concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureCheck {
    /// The signature verifies; a short description of scheme, hash and key.
    Valid(String),
    /// The signature, key or encoding is wrong: a failure.
    Invalid(String),
    /// The algorithm or key type cannot be checked here: the check is not performed.
    Unsupported(String),
}

/// Verifies `signature` over `message` with the key in `spki_der`, under the
/// AlgorithmIdentifier `algorithm_der` (and the CMS digestAlgorithm `digest_der`, if any).
pub fn verify_signature(
    spki_der: &[u8],
    algorithm_der: &[u8],
    digest_der: Option<&[u8]>,
    message: &[u8],
    signature: &[u8],
) -> SignatureCheck {
    let _ = (spki_der, algorithm_der, digest_der, message, signature);
    SignatureCheck::Unsupported("the signature layer (crypto::signature) is not available in this build".into())
}
