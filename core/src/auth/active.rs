//! Active Authentication (ICAO 9303-11 §6.1): the chip proves it holds the private key of
//! the DG15 public key by signing the terminal's challenge, so a copy of the data groups on
//! another chip (a clone) is told from the original.
//!
//! The terminal sends INTERNAL AUTHENTICATE ([`internal_authenticate_command`]) with a
//! challenge (RND.IFD, 8 bytes; a server nonce when the caller supplies one) and checks the
//! answer with [`verify_active_authentication`]:
//! - **RSA**: ISO/IEC 9796-2 digital signature scheme 1 with partial message recovery
//!   ([`crate::crypto::signature::iso9796`]); the challenge is the non-recoverable part `M2`
//!   and the trailer names the hash (`BC` = SHA-1, `34CC` = SHA-256, …).
//! - **ECDSA**: a plain `r ‖ s` signature (BSI TR-03111) over the challenge. The hash comes
//!   from DG14's `ActiveAuthenticationInfo` ([`aa_signature_algorithm`]); when DG14 names none
//!   the hash is chosen by the key size ([`fallback_ecdsa_hash`], see there for why). A DER
//!   `ECDSA-Sig-Value` is accepted when the plain reading fails, because some national ID
//!   cards answer that way.
//!
//! A signature that does not verify is [`ErrorCode::AaFailed`] whatever the reason (every
//! reason is a distinct [`AaError`] variant for the report): a clone can produce arbitrary
//! bytes, so no malformed answer may downgrade the check to "not performed".

use crate::asn1::{Mode, Tlv as Asn1Tlv, tag};
use crate::codec::CommandApdu;
use crate::codec::tlv::Tlv;
use crate::crypto::signature::iso9796::{Iso9796Error, Iso9796Trailer, verify_scheme1};
use crate::crypto::signature::{
    EcdsaBackend, HashAlgorithm, KeyDescription, SignatureError, ec_key_domain, hash,
    key_description, parse_der_signature, split_plain_signature, verify_ecdsa_prehash,
};
use crate::error::{Error, ErrorCode};
use crate::lds::{DataGroup, LdsError, LdsFile};

/// `id-icao-mrtd-security-aaProtocolObject`: the protocol OID of ActiveAuthenticationInfo.
pub const ACTIVE_AUTHENTICATION_INFO_OID: &str = "2.23.136.1.1.5";

/// The length of the challenge ICAO 9303-11 specifies (RND.IFD).
pub const CHALLENGE_LEN: usize = 8;

/// INTERNAL AUTHENTICATE with `challenge`: `00 88 00 00 08 <challenge> 00` (before secure
/// messaging). `Le = 00` asks for up to 256 bytes, which holds every RSA-2048 signature and
/// every plain ECDSA signature up to 1024-bit curves.
pub fn internal_authenticate_command(challenge: &[u8; CHALLENGE_LEN]) -> CommandApdu {
    CommandApdu::new(0x00, 0x88, 0x00, 0x00)
        .with_data(challenge.to_vec())
        .with_le(256)
}

/// Where the hash of a verified signature came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashSource {
    /// RSA: the ISO/IEC 9796-2 trailer named it.
    Trailer,
    /// ECDSA: DG14's ActiveAuthenticationInfo named it.
    ActiveAuthenticationInfo,
    /// ECDSA: DG14 named none, so the hash was sized to the key ([`fallback_ecdsa_hash`]).
    KeySize,
}

/// The signature scheme of a verified answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AaScheme {
    /// ISO/IEC 9796-2 scheme 1 with partial recovery.
    Iso9796_2 {
        /// The trailer the representative carried.
        trailer: Iso9796Trailer,
        /// The recovered part `M1` (the chip's own nonce).
        recovered_m1: Vec<u8>,
        /// The representative was `n − s^e` (ISO/IEC 9796-2 signature opening).
        complemented: bool,
    },
    /// ECDSA over the challenge.
    Ecdsa {
        /// The answer was a DER `ECDSA-Sig-Value`, not the plain `r ‖ s` ICAO specifies.
        der_encoded: bool,
    },
}

/// A verified Active Authentication: the key, the hash and where it came from, the scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AaOutcome {
    /// The DG15 key.
    pub key: KeyDescription,
    /// The hash that was used.
    pub hash: HashAlgorithm,
    /// Why that hash.
    pub hash_source: HashSource,
    /// The scheme, with what it recovered.
    pub scheme: AaScheme,
}

impl std::fmt::Display for AaOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.scheme {
            AaScheme::Iso9796_2 { trailer, .. } => {
                write!(
                    f,
                    "ISO/IEC 9796-2 scheme 1, {} (trailer {trailer})",
                    self.hash
                )?;
            }
            AaScheme::Ecdsa { der_encoded } => {
                write!(f, "ECDSA, {}", self.hash)?;
                match self.hash_source {
                    HashSource::ActiveAuthenticationInfo => {
                        f.write_str(" (from DG14 ActiveAuthenticationInfo)")?;
                    }
                    HashSource::KeySize => {
                        f.write_str(" (DG14 names none: hash sized to the key)")?;
                    }
                    HashSource::Trailer => {}
                }
                if *der_encoded {
                    f.write_str(", DER-encoded signature")?;
                }
            }
        }
        match self.key {
            KeyDescription::Rsa { bits } => write!(f, " with RSA-{bits}"),
            KeyDescription::Ec {
                curve,
                explicit_params,
                ..
            } => {
                write!(f, " over {curve}")?;
                if explicit_params {
                    f.write_str(" (explicit parameters)")?;
                }
                Ok(())
            }
        }
    }
}

/// Why Active Authentication did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AaError {
    /// The DG15 key is malformed or of a kind this verifier does not support.
    #[error("DG15 key: {0}")]
    Key(SignatureError),
    /// The challenge is empty.
    #[error("the challenge is empty")]
    EmptyChallenge,
    /// RSA: the ISO/IEC 9796-2 signature does not verify (the variant says why).
    #[error("ISO/IEC 9796-2 signature: {0}")]
    Iso9796(Iso9796Error),
    /// ECDSA: the answer is not a signature of the expected shape (neither `r ‖ s` of twice the
    /// order's byte length nor a DER `ECDSA-Sig-Value`).
    #[error("ECDSA signature: {0}")]
    MalformedEcdsa(String),
    /// ECDSA: the signature does not verify with the DG15 key (with the hash given).
    #[error("ECDSA signature does not verify with the DG15 key and {0}")]
    EcdsaInvalid(HashAlgorithm),
}

impl AaError {
    /// The stable code: [`ErrorCode::AaFailed`] for every answer that does not verify,
    /// `LDS_FORMAT`/`UNSUPPORTED` for a DG15 key that cannot be used, `USAGE` for an empty
    /// challenge.
    pub fn code(&self) -> ErrorCode {
        match self {
            AaError::Key(
                SignatureError::UnsupportedKey(_) | SignatureError::UnsupportedAlgorithm(_),
            )
            | AaError::Iso9796(Iso9796Error::Key(
                SignatureError::UnsupportedKey(_) | SignatureError::UnsupportedAlgorithm(_),
            )) => ErrorCode::Unsupported,
            AaError::Key(_) | AaError::Iso9796(Iso9796Error::Key(_)) => ErrorCode::LdsFormat,
            AaError::EmptyChallenge => ErrorCode::Usage,
            AaError::Iso9796(_) | AaError::MalformedEcdsa(_) | AaError::EcdsaInvalid(_) => {
                ErrorCode::AaFailed
            }
        }
    }
}

impl From<AaError> for Error {
    fn from(e: AaError) -> Self {
        Error::new(e.code(), e.to_string())
    }
}

/// Verifies the chip's answer `response` to INTERNAL AUTHENTICATE with `challenge`, using
/// the DG15 key `spki_der` (a DER SubjectPublicKeyInfo, [`crate::lds::Dg15::spki`]).
///
/// `ecdsa_hash` is the hash of DG14's ActiveAuthenticationInfo signatureAlgorithm
/// ([`aa_signature_algorithm`] then [`ecdsa_hash_from_oid`]); `None` when DG14 names none,
/// and then ECDSA uses [`fallback_ecdsa_hash`]. RSA ignores it: the trailer names the hash.
pub fn verify_active_authentication(
    spki_der: &[u8],
    challenge: &[u8],
    response: &[u8],
    ecdsa_hash: Option<HashAlgorithm>,
) -> Result<AaOutcome, AaError> {
    if challenge.is_empty() {
        return Err(AaError::EmptyChallenge);
    }
    let key = key_description(spki_der).map_err(AaError::Key)?;
    match key {
        KeyDescription::Rsa { .. } => {
            let recovered = verify_scheme1(spki_der, challenge, response).map_err(|e| match e {
                Iso9796Error::Key(k) => AaError::Key(k),
                other => AaError::Iso9796(other),
            })?;
            Ok(AaOutcome {
                key,
                hash: recovered.hash,
                hash_source: HashSource::Trailer,
                scheme: AaScheme::Iso9796_2 {
                    trailer: recovered.trailer,
                    recovered_m1: recovered.m1,
                    complemented: recovered.complemented,
                },
            })
        }
        KeyDescription::Ec { .. } => {
            let (domain, point) = ec_key_domain(spki_der).map_err(AaError::Key)?;
            let (hash_alg, hash_source) = match ecdsa_hash {
                Some(h) => (h, HashSource::ActiveAuthenticationInfo),
                None => (
                    fallback_ecdsa_hash(domain.params.order_bits()),
                    HashSource::KeySize,
                ),
            };
            let digest = hash(hash_alg, challenge);
            let verify = |r: &[u8], s: &[u8]| {
                verify_ecdsa_prehash(&domain, &point, &digest, r, s, EcdsaBackend::Crate)
            };
            let plain = split_plain_signature(response, domain.params.order_bits().div_ceil(8))
                .and_then(|(r, s)| verify(r, s));
            let der_encoded = match plain {
                Ok(()) => false,
                Err(
                    e @ (SignatureError::MalformedKey(_)
                    | SignatureError::UnsupportedKey(_)
                    | SignatureError::UnsupportedAlgorithm(_)),
                ) => return Err(AaError::Key(e)),
                Err(e) => {
                    // Some ID cards answer with a DER ECDSA-Sig-Value instead.
                    let der = (response.first() == Some(&tag::SEQUENCE))
                        .then(|| parse_der_signature(response).and_then(|(r, s)| verify(r, s)));
                    match (der, e) {
                        (Some(Ok(())), _) => true,
                        (_, SignatureError::MalformedSignature(m)) => {
                            return Err(AaError::MalformedEcdsa(m));
                        }
                        _ => return Err(AaError::EcdsaInvalid(hash_alg)),
                    }
                }
            };
            Ok(AaOutcome {
                key,
                hash: hash_alg,
                hash_source,
                scheme: AaScheme::Ecdsa { der_encoded },
            })
        }
    }
}

/// The hash for ECDSA Active Authentication when DG14 names none: the longest SHA-2 whose
/// output is not longer than the key (the order n): SHA-512 from 512 bits (P-521,
/// brainpoolP512r1), SHA-384 from 384, SHA-256 from 256 (P-256, brainpoolP256r1/P320r1),
/// SHA-224 below.
///
/// Why: ICAO 9303-11 §6.1 requires "a hash algorithm whose output length is of the same
/// length or shorter than the length of the ECDSA key" and forbids SHA-1 and RIPEMD-160; DG14
/// SHALL carry ActiveAuthenticationInfo for ECDSA but real documents omit it. gmrtd derives
/// the hash from the order length exactly so (`CryptoHashFromEcPubKey`); JMRTD instead fails
/// Active Authentication without ActiveAuthenticationInfo, which would fail genuine chips.
pub fn fallback_ecdsa_hash(order_bits: usize) -> HashAlgorithm {
    match order_bits {
        512.. => HashAlgorithm::Sha512,
        384.. => HashAlgorithm::Sha384,
        256.. => HashAlgorithm::Sha256,
        _ => HashAlgorithm::Sha224,
    }
}

/// The hash of an ActiveAuthenticationInfo signatureAlgorithm OID: BSI TR-03111
/// `ecdsa-plain-SHA*` (0.4.0.127.0.7.1.1.4.1.x) or X9.62 `ecdsa-with-SHA*`. `None` for any
/// other (e.g. `ecdsa-plain-RIPEMD160`).
pub fn ecdsa_hash_from_oid(oid: &str) -> Option<HashAlgorithm> {
    Some(match oid {
        "0.4.0.127.0.7.1.1.4.1.1" | "1.2.840.10045.4.1" => HashAlgorithm::Sha1,
        "0.4.0.127.0.7.1.1.4.1.2" | "1.2.840.10045.4.3.1" => HashAlgorithm::Sha224,
        "0.4.0.127.0.7.1.1.4.1.3" | "1.2.840.10045.4.3.2" => HashAlgorithm::Sha256,
        "0.4.0.127.0.7.1.1.4.1.4" | "1.2.840.10045.4.3.3" => HashAlgorithm::Sha384,
        "0.4.0.127.0.7.1.1.4.1.5" | "1.2.840.10045.4.3.4" => HashAlgorithm::Sha512,
        _ => return None,
    })
}

const DG14: LdsFile = LdsFile::Dg(DataGroup::DG14);

/// The signatureAlgorithm OID of the first ActiveAuthenticationInfo in DG14 (`6E { SET OF
/// SecurityInfo }`), `None` when DG14 has none.
///
/// `ActiveAuthenticationInfo ::= SEQUENCE { protocol id-icao-mrtd-security-aaProtocolObject,
/// version INTEGER (1), signatureAlgorithm OBJECT IDENTIFIER }` (ICAO 9303-11 §9.2.6). Other
/// SecurityInfos are skipped unread, so this needs no knowledge of chip authentication.
pub fn aa_signature_algorithm(dg14: &[u8]) -> Result<Option<String>, LdsError> {
    let invalid = |what: String| LdsError::invalid(DG14, what);
    let outer = Tlv::parse_single(dg14, u32::from(DataGroup::DG14.tag()))
        .map_err(|source| LdsError::Tlv { file: DG14, source })?;
    let infos = Asn1Tlv::parse(outer.value, Mode::Ber)
        .and_then(|t| t.expect(tag::SET, "SecurityInfos (SET)"))
        .map_err(|e| invalid(format!("SecurityInfos: {e}")))?;
    for info in infos.children() {
        let info = info.map_err(|e| invalid(format!("SecurityInfo: {e}")))?;
        let mut fields = info.children();
        let Some(Ok(protocol)) = fields.next() else {
            continue;
        };
        if protocol.oid().ok().as_deref() != Some(ACTIVE_AUTHENTICATION_INFO_OID) {
            continue;
        }
        let version = aa_info_field(fields.next(), "version")?
            .small_uint()
            .map_err(|e| invalid(format!("ActiveAuthenticationInfo version: {e}")))?;
        if version != 1 {
            return Err(invalid(format!(
                "ActiveAuthenticationInfo version {version}, expected 1"
            )));
        }
        let algorithm = aa_info_field(fields.next(), "signatureAlgorithm")?
            .oid()
            .map_err(|e| invalid(format!("ActiveAuthenticationInfo signatureAlgorithm: {e}")))?;
        return Ok(Some(algorithm));
    }
    Ok(None)
}

fn aa_info_field<'a>(
    field: Option<Result<Asn1Tlv<'a>, crate::asn1::Asn1Error>>,
    what: &str,
) -> Result<Asn1Tlv<'a>, LdsError> {
    field
        .ok_or_else(|| {
            LdsError::invalid(DG14, format!("ActiveAuthenticationInfo: missing {what}"))
        })?
        .map_err(|e| LdsError::invalid(DG14, format!("ActiveAuthenticationInfo {what}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_authenticate_is_the_icao_command() {
        let c = internal_authenticate_command(&[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(
            c.to_bytes().unwrap(),
            [0x00, 0x88, 0x00, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00]
        );
    }

    #[test]
    fn fallback_hash_is_the_longest_not_longer_than_the_key() {
        assert_eq!(fallback_ecdsa_hash(192), HashAlgorithm::Sha224);
        assert_eq!(fallback_ecdsa_hash(224), HashAlgorithm::Sha224);
        assert_eq!(fallback_ecdsa_hash(256), HashAlgorithm::Sha256);
        assert_eq!(fallback_ecdsa_hash(320), HashAlgorithm::Sha256);
        assert_eq!(fallback_ecdsa_hash(384), HashAlgorithm::Sha384);
        assert_eq!(fallback_ecdsa_hash(512), HashAlgorithm::Sha512);
        assert_eq!(fallback_ecdsa_hash(521), HashAlgorithm::Sha512);
    }

    fn dg14(infos: &[&str]) -> Vec<u8> {
        let body: String = infos.concat();
        let set = format!("31{:02X}{body}", body.len() / 2);
        hex::decode(format!("6E{:02X}{set}", set.len() / 2)).unwrap()
    }

    // SEQUENCE { 2.23.136.1.1.5, INTEGER version, ecdsa-plain-SHA384 }.
    fn aa_info(version: u8) -> String {
        format!("301706066781080101050201{version:02X}060A04007F00070101040104")
    }
    // Some other SecurityInfo: SEQUENCE { 1.2.3.4 }.
    const OTHER: &str = "300506032A0304";

    #[test]
    fn active_authentication_info_is_found_among_security_infos() {
        let oid = aa_signature_algorithm(&dg14(&[OTHER, &aa_info(1)]))
            .unwrap()
            .unwrap();
        assert_eq!(oid, "0.4.0.127.0.7.1.1.4.1.4");
        assert_eq!(ecdsa_hash_from_oid(&oid), Some(HashAlgorithm::Sha384));
        assert_eq!(aa_signature_algorithm(&dg14(&[OTHER])), Ok(None));
        assert!(matches!(
            aa_signature_algorithm(&dg14(&[&aa_info(2)])),
            Err(LdsError::Invalid { .. })
        ));
        // Not a DG14, truncated: errors, no panic.
        assert!(aa_signature_algorithm(&[0x6F, 0x00]).is_err());
        let whole = dg14(&[&aa_info(1)]);
        for n in 0..whole.len() {
            let _ = aa_signature_algorithm(whole.get(..n).unwrap());
        }
    }
}
