//! Signature verification for every algorithm real eMRTD PKI uses (ICAO 9303-12, BSI TR-03111):
//! RSA PKCS#1 v1.5, RSASSA-PSS (any salt length), and ECDSA with SHA-1…SHA-512 over the NIST
//! and brainpool r1 curves — with named **or explicit** domain parameters — and over unknown
//! explicit prime curves.
//!
//! The entry point is [`verify`], used for certificate signatures (DSC by CSCA, master-list
//! entries, CRLs) and CMS `SignerInfo` signatures (EF.SOD, EF.CardSecurity, master lists).
//! [`verify_plain_ecdsa`] covers the plain `r ‖ s` format of Active Authentication, and
//! [`iso9796`] the ISO/IEC 9796-2 scheme 1 (message recovery) of RSA Active Authentication.
//!
//! RustCrypto crates do the work where they exist (`rsa`, `p256`, `p384`, `p521`, `bp256`,
//! `bp384`); the `ECParameters` parser, the curve identification and the generic curve module
//! for everything else are ours ([`crate::crypto::ec`]). All inputs are untrusted: nothing here
//! panics, and malformed input gives a `Malformed*` error rather than `Invalid`.
//!
//! Leniency, each because real documents need it: RSA key INTEGERs are read as unsigned
//! magnitudes (a "negative" modulus is the modulus without its leading `00`); RSA signatures
//! shorter than the modulus are left-padded; PKCS#1 v1.5 DigestInfo without NULL parameters is
//! accepted; ECDSA DER signatures with non-minimal lengths or superfluous/missing leading zeros
//! are read for their unambiguous value. Not tolerated (the Wycheproof suite checks both, see
//! `docs/wycheproof.md`): RSA signatures longer than the modulus, and plain `r ‖ s` whose halves
//! are not exactly the byte length of the order.

mod algorithm;
mod ecdsa;
mod hash;
pub mod iso9796;
mod key;
mod rsa;

pub use ecdsa::{EcdsaBackend, verify_ecdsa_prehash};
pub(crate) use ecdsa::{parse_der_signature, split_plain_signature};
pub use hash::{HashAlgorithm, hash, hash_algorithm_from_oid};

use crate::crypto::ec::CurveName;
use crate::error::{Error, ErrorCode};
use algorithm::{PssParams, SignatureAlgorithm, parse_signature_algorithm};
use key::{PublicKey, parse_spki};

/// The signature scheme that was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// RSASSA-PKCS1-v1_5.
    RsaPkcs1v15,
    /// RSASSA-PSS with MGF1 and the given salt length in bytes.
    RsaPss {
        /// Salt length in bytes.
        salt_len: usize,
    },
    /// ECDSA (DER or plain `r ‖ s` signature).
    Ecdsa,
}

/// The key that verified a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyDescription {
    /// An RSA key.
    Rsa {
        /// Modulus length in bits.
        bits: usize,
    },
    /// An EC key.
    Ec {
        /// The curve ([`CurveName::Unknown`] for unrecognised explicit parameters).
        curve: CurveName,
        /// True when the key carried explicit domain parameters instead of a curve OID.
        explicit_params: bool,
        /// Bit length of the field prime.
        bits: usize,
    },
}

/// What was verified, for reports: e.g. "ecdsa-with-SHA256 over brainpoolP384r1 (explicit
/// parameters)".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VerifiedAlgorithm {
    /// The signature scheme.
    pub scheme: Scheme,
    /// The message hash.
    pub hash: HashAlgorithm,
    /// The verifying key.
    pub key: KeyDescription,
}

impl std::fmt::Display for VerifiedAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let h = self.hash.as_str().replace('-', "");
        match self.scheme {
            Scheme::RsaPkcs1v15 => write!(f, "{}WithRSAEncryption", h.to_lowercase())?,
            Scheme::RsaPss { salt_len } => write!(f, "RSASSA-PSS ({h}, salt {salt_len})")?,
            Scheme::Ecdsa => write!(f, "ecdsa-with-{h}")?,
        }
        match self.key {
            KeyDescription::Rsa { bits } => write!(f, " with RSA-{bits}"),
            KeyDescription::Ec {
                curve,
                explicit_params,
                bits,
            } => {
                write!(f, " over {curve}")?;
                if curve == CurveName::Unknown {
                    write!(f, " ({bits}-bit)")?;
                }
                if explicit_params {
                    f.write_str(" (explicit parameters)")?;
                }
                Ok(())
            }
        }
    }
}

/// Why a signature was not verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signature (or digest) algorithm is not supported; carries the dotted OID.
    #[error("unsupported signature algorithm {0}")]
    UnsupportedAlgorithm(String),
    /// The key is well formed but not supported (key type, curve, size, cofactor ≠ 1, …).
    #[error("unsupported key: {0}")]
    UnsupportedKey(String),
    /// The key could not be parsed, or its point is off the curve / at infinity.
    #[error("malformed key: {0}")]
    MalformedKey(String),
    /// The signature or an algorithm identifier could not be parsed.
    #[error("malformed signature: {0}")]
    MalformedSignature(String),
    /// The signature does not verify (includes ECDSA r or s outside [1, n−1]).
    #[error("signature does not verify")]
    Invalid,
}

impl From<SignatureError> for Error {
    fn from(e: SignatureError) -> Self {
        let code = match e {
            SignatureError::UnsupportedAlgorithm(_) | SignatureError::UnsupportedKey(_) => {
                ErrorCode::Unsupported
            }
            SignatureError::MalformedKey(_) | SignatureError::MalformedSignature(_) => {
                ErrorCode::LdsFormat
            }
            SignatureError::Invalid => ErrorCode::Signature,
        };
        Error::new(code, e.to_string())
    }
}

/// Verifies `signature` over `message` with the key in `spki_der` (a DER SubjectPublicKeyInfo).
///
/// `algorithm_der` is the DER AlgorithmIdentifier of the signature (certificate
/// signatureAlgorithm or CMS SignerInfo.signatureAlgorithm). `digest_der` is the CMS
/// SignerInfo.digestAlgorithm when verifying a SignerInfo: it is needed when the signature
/// algorithm names no hash (rsaEncryption 1.2.840.113549.1.1.1, or id-ecPublicKey /
/// ecdsa-with-Specified used by some issuers); `None` for certificates. When the signature
/// algorithm does name a hash, that hash is used.
pub fn verify(
    spki_der: &[u8],
    algorithm_der: &[u8],
    digest_der: Option<&[u8]>,
    message: &[u8],
    signature: &[u8],
) -> Result<VerifiedAlgorithm, SignatureError> {
    verify_with_backend(
        spki_der,
        algorithm_der,
        digest_der,
        message,
        signature,
        EcdsaBackend::Crate,
    )
}

/// [`verify`] with the ECDSA implementation chosen by the caller: the differential and
/// Wycheproof tests run every vector through the whole path (algorithm and key parsing, DER
/// signature decoding) once with the crate and once with our generic curve module.
#[doc(hidden)]
pub fn verify_with_backend(
    spki_der: &[u8],
    algorithm_der: &[u8],
    digest_der: Option<&[u8]>,
    message: &[u8],
    signature: &[u8],
    backend: EcdsaBackend,
) -> Result<VerifiedAlgorithm, SignatureError> {
    let alg = parse_signature_algorithm(algorithm_der)?;
    let digest = || -> Result<HashAlgorithm, SignatureError> {
        match digest_der {
            Some(d) => hash::parse_hash_algorithm_identifier(d),
            None => Err(SignatureError::UnsupportedAlgorithm(
                algorithm::algorithm_oid(algorithm_der),
            )),
        }
    };
    let key = parse_spki(spki_der)?;
    match (alg, key) {
        (SignatureAlgorithm::RsaPkcs1(h), PublicKey::Rsa { n, e }) => {
            let h = match h {
                Some(h) => h,
                None => digest()?,
            };
            let key = rsa::public_key(n, e)?;
            rsa::verify_pkcs1v15(&key, h, &hash(h, message), signature)?;
            Ok(VerifiedAlgorithm {
                scheme: Scheme::RsaPkcs1v15,
                hash: h,
                key: KeyDescription::Rsa {
                    bits: rsa::modulus_bits(&key),
                },
            })
        }
        (SignatureAlgorithm::RsaPss(params), PublicKey::Rsa { n, e }) => {
            let key = rsa::public_key(n, e)?;
            rsa::verify_pss(&key, params, &hash(params.hash, message), signature)?;
            Ok(VerifiedAlgorithm {
                scheme: Scheme::RsaPss {
                    salt_len: params.salt_len,
                },
                hash: params.hash,
                key: KeyDescription::Rsa {
                    bits: rsa::modulus_bits(&key),
                },
            })
        }
        (SignatureAlgorithm::Ecdsa { hash: h, plain }, PublicKey::Ec { domain, point }) => {
            let h = match h {
                Some(h) => h,
                None => digest()?,
            };
            let (r, s) = if plain {
                ecdsa::split_plain_signature(signature, domain.params.order_bits().div_ceil(8))?
            } else {
                ecdsa::parse_der_signature(signature)?
            };
            verify_ecdsa_prehash(&domain, point, &hash(h, message), r, s, backend)?;
            Ok(ec_verified(h, &domain))
        }
        (alg, key) => Err(SignatureError::UnsupportedKey(format!(
            "{} key for a {} signature algorithm ({})",
            match key {
                PublicKey::Rsa { .. } => "RSA",
                PublicKey::Ec { .. } => "EC",
            },
            match alg {
                SignatureAlgorithm::Ecdsa { .. } => "ECDSA",
                _ => "RSA",
            },
            algorithm::algorithm_oid(algorithm_der)
        ))),
    }
}

fn ec_verified(h: HashAlgorithm, domain: &crate::crypto::ec::EcDomain) -> VerifiedAlgorithm {
    VerifiedAlgorithm {
        scheme: Scheme::Ecdsa,
        hash: h,
        key: KeyDescription::Ec {
            curve: domain.name,
            explicit_params: domain.explicit,
            bits: domain.params.field_bits(),
        },
    }
}

/// Verifies a plain (BSI TR-03111 §5.2.1) ECDSA signature `r ‖ s` — each half exactly the byte
/// length of the order n — over `message` hashed with `hash_alg`, with the EC key in `spki_der`. This is the
/// format of ECDSA Active Authentication responses and of the `ecdsa-plain-*` OIDs.
pub fn verify_plain_ecdsa(
    spki_der: &[u8],
    hash_alg: HashAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> Result<VerifiedAlgorithm, SignatureError> {
    let PublicKey::Ec { domain, point } = parse_spki(spki_der)? else {
        return Err(SignatureError::UnsupportedKey(
            "plain ECDSA needs an EC key".into(),
        ));
    };
    let (r, s) = ecdsa::split_plain_signature(signature, domain.params.order_bits().div_ceil(8))?;
    verify_ecdsa_prehash(
        &domain,
        point,
        &hash(hash_alg, message),
        r,
        s,
        EcdsaBackend::Crate,
    )?;
    Ok(ec_verified(hash_alg, &domain))
}

/// Whether a curve is verified by a RustCrypto crate (`true`) or by the generic module.
pub fn curve_has_crate(name: CurveName) -> bool {
    ecdsa::has_crate(name)
}

/// Verifies RSASSA-PSS with our own EMSA-PSS decoder instead of the crate (differential tests).
#[doc(hidden)]
pub fn verify_pss_own(
    spki_der: &[u8],
    hash_alg: HashAlgorithm,
    mgf_hash: HashAlgorithm,
    salt_len: usize,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    let PublicKey::Rsa { n, e } = parse_spki(spki_der)? else {
        return Err(SignatureError::UnsupportedKey("not RSA".into()));
    };
    let key = rsa::public_key(n, e)?;
    let params = PssParams {
        hash: hash_alg,
        mgf_hash,
        salt_len,
    };
    rsa::verify_pss_without_crate(&key, params, &hash(hash_alg, message), signature)
}

/// Describes the key in a DER SubjectPublicKeyInfo without verifying anything (e.g. the DG15
/// Active Authentication key, for reports). RSA keys are checked as [`verify`] would use them.
pub fn key_description(spki_der: &[u8]) -> Result<KeyDescription, SignatureError> {
    match parse_spki(spki_der)? {
        PublicKey::Rsa { n, e } => Ok(KeyDescription::Rsa {
            bits: rsa::modulus_bits(&rsa::public_key(n, e)?),
        }),
        PublicKey::Ec { domain, .. } => Ok(KeyDescription::Ec {
            curve: domain.name,
            explicit_params: domain.explicit,
            bits: domain.params.field_bits(),
        }),
    }
}

/// Parses the domain parameters and point of an EC SubjectPublicKeyInfo (for tests and reports).
pub fn ec_key_domain(
    spki_der: &[u8],
) -> Result<(crate::crypto::ec::EcDomain, Vec<u8>), SignatureError> {
    match parse_spki(spki_der)? {
        PublicKey::Ec { domain, point } => Ok((domain, point.to_vec())),
        PublicKey::Rsa { .. } => Err(SignatureError::UnsupportedKey("not an EC key".into())),
    }
}
