//! The one seam between passive authentication and the signature layer
//! ([`crate::crypto::signature`]): every signature in `auth` is checked through
//! [`verify_signature`], which turns the layer's result into a [`SignatureCheck`] — valid,
//! invalid (a failure) or unsupported (the check is not performed, never passed).

use crate::crypto::signature::{SignatureError, verify};
pub use crate::crypto::signature::{hash, hash_algorithm_from_oid};

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
    match verify(spki_der, algorithm_der, digest_der, message, signature) {
        Ok(alg) => SignatureCheck::Valid(alg.to_string()),
        Err(SignatureError::Invalid) => {
            SignatureCheck::Invalid("the signature does not verify".into())
        }
        Err(e @ (SignatureError::UnsupportedAlgorithm(_) | SignatureError::UnsupportedKey(_))) => {
            SignatureCheck::Unsupported(e.to_string())
        }
        Err(e) => SignatureCheck::Invalid(e.to_string()),
    }
}
