//! Signature `AlgorithmIdentifier`s: which scheme, which hash, and the RSASSA-PSS parameters.

use crate::crypto::ec::der_reader::{Reader, oid_to_string, single, tag};

use super::SignatureError;
use super::hash::{HashAlgorithm, parse_hash_body, split_algorithm_identifier};

/// rsaEncryption: PKCS#1 v1.5 with the hash taken from elsewhere (CMS digestAlgorithm).
pub(crate) const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
/// id-RSASSA-PSS.
pub(crate) const RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
/// id-mgf1.
const MGF1: &str = "1.2.840.113549.1.1.8";
/// id-ecPublicKey (used as a signature algorithm by some issuers).
pub(crate) const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
/// ecdsa-with-Specified (X9.62): the hash is in the parameters.
const ECDSA_WITH_SPECIFIED: &str = "1.2.840.10045.4.3";

/// Parameters of RSASSA-PSS (RFC 4055 `RSASSA-PSS-params`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PssParams {
    /// Message hash.
    pub(crate) hash: HashAlgorithm,
    /// Hash used by MGF1.
    pub(crate) mgf_hash: HashAlgorithm,
    /// Salt length in bytes.
    pub(crate) salt_len: usize,
}

/// What a signature `AlgorithmIdentifier` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5; `None` for rsaEncryption, whose hash comes from the digest algorithm.
    RsaPkcs1(Option<HashAlgorithm>),
    /// RSASSA-PSS.
    RsaPss(PssParams),
    /// ECDSA; `hash` is `None` when the OID names no hash. `plain` for BSI TR-03111 `r ‖ s`.
    Ecdsa {
        hash: Option<HashAlgorithm>,
        plain: bool,
    },
}

/// Parses a DER signature `AlgorithmIdentifier`.
pub(crate) fn parse_signature_algorithm(der: &[u8]) -> Result<SignatureAlgorithm, SignatureError> {
    use HashAlgorithm::{Sha1, Sha224, Sha256, Sha384, Sha512};
    let body = single(der, tag::SEQUENCE).map_err(|e| {
        SignatureError::MalformedSignature(format!("signature AlgorithmIdentifier: {e}"))
    })?;
    let (oid, params) = split_algorithm_identifier(body)?;
    let rsa = |h| Ok(SignatureAlgorithm::RsaPkcs1(Some(h)));
    let ecdsa = |h| {
        Ok(SignatureAlgorithm::Ecdsa {
            hash: Some(h),
            plain: false,
        })
    };
    let plain = |h| {
        Ok(SignatureAlgorithm::Ecdsa {
            hash: Some(h),
            plain: true,
        })
    };
    match oid.as_str() {
        RSA_ENCRYPTION => Ok(SignatureAlgorithm::RsaPkcs1(None)),
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => rsa(Sha1),
        "1.2.840.113549.1.1.14" => rsa(Sha224),
        "1.2.840.113549.1.1.11" => rsa(Sha256),
        "1.2.840.113549.1.1.12" => rsa(Sha384),
        "1.2.840.113549.1.1.13" => rsa(Sha512),
        RSASSA_PSS => parse_pss_params(params).map(SignatureAlgorithm::RsaPss),
        "1.2.840.10045.4.1" => ecdsa(Sha1),
        "1.2.840.10045.4.3.1" => ecdsa(Sha224),
        "1.2.840.10045.4.3.2" => ecdsa(Sha256),
        "1.2.840.10045.4.3.3" => ecdsa(Sha384),
        "1.2.840.10045.4.3.4" => ecdsa(Sha512),
        EC_PUBLIC_KEY => Ok(SignatureAlgorithm::Ecdsa {
            hash: None,
            plain: false,
        }),
        ECDSA_WITH_SPECIFIED => {
            let hash = match params {
                Some((tag::SEQUENCE, body)) => Some(parse_hash_body(body)?),
                _ => None,
            };
            Ok(SignatureAlgorithm::Ecdsa { hash, plain: false })
        }
        // BSI TR-03111 ecdsa-plain-SHA* (0.4.0.127.0.7.1.1.4.1.x): r ‖ s, not DER.
        "0.4.0.127.0.7.1.1.4.1.1" => plain(Sha1),
        "0.4.0.127.0.7.1.1.4.1.2" => plain(Sha224),
        "0.4.0.127.0.7.1.1.4.1.3" => plain(Sha256),
        "0.4.0.127.0.7.1.1.4.1.4" => plain(Sha384),
        "0.4.0.127.0.7.1.1.4.1.5" => plain(Sha512),
        _ => Err(SignatureError::UnsupportedAlgorithm(oid)),
    }
}

/// Parses `RSASSA-PSS-params`; absent parameters mean all defaults (SHA-1, MGF1-SHA-1, salt 20,
/// trailer 1).
fn parse_pss_params(params: Option<(u8, &[u8])>) -> Result<PssParams, SignatureError> {
    let bad = |what: &str| SignatureError::MalformedSignature(format!("RSASSA-PSS-params: {what}"));
    let mut out = PssParams {
        hash: HashAlgorithm::Sha1,
        mgf_hash: HashAlgorithm::Sha1,
        salt_len: 20,
    };
    let body = match params {
        None | Some((tag::NULL, [])) => return Ok(out),
        Some((tag::SEQUENCE, body)) => body,
        Some(_) => return Err(bad("not a SEQUENCE")),
    };
    let mut r = Reader::new(body);
    let mut last_tag = None;
    while !r.is_empty() {
        let field = r.read().map_err(|e| bad(&e.to_string()))?;
        if last_tag.is_some_and(|t| field.tag <= t) {
            return Err(bad("fields out of order"));
        }
        last_tag = Some(field.tag);
        match field.tag {
            0xA0 => {
                let alg = single(field.value, tag::SEQUENCE).map_err(|e| bad(&e.to_string()))?;
                out.hash = parse_hash_body(alg)?;
            }
            0xA1 => {
                let alg = single(field.value, tag::SEQUENCE).map_err(|e| bad(&e.to_string()))?;
                let (oid, mgf_params) = split_algorithm_identifier(alg)?;
                if oid != MGF1 {
                    return Err(SignatureError::UnsupportedAlgorithm(oid));
                }
                match mgf_params {
                    Some((tag::SEQUENCE, body)) => out.mgf_hash = parse_hash_body(body)?,
                    _ => return Err(bad("MGF1 without a hash algorithm")),
                }
            }
            0xA2 => {
                let salt = single(field.value, tag::INTEGER).map_err(|e| bad(&e.to_string()))?;
                out.salt_len = small_uint(salt).ok_or_else(|| bad("salt length"))?;
            }
            0xA3 => {
                let trailer = single(field.value, tag::INTEGER).map_err(|e| bad(&e.to_string()))?;
                if small_uint(trailer) != Some(1) {
                    return Err(SignatureError::UnsupportedAlgorithm(format!(
                        "{RSASSA_PSS} with trailerField {trailer:02X?}"
                    )));
                }
            }
            _ => return Err(bad("unknown field")),
        }
    }
    Ok(out)
}

/// A non-negative INTEGER value that fits in 16 bits.
fn small_uint(value: &[u8]) -> Option<usize> {
    if value.first().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    let v = crate::crypto::ec::der_reader::strip_leading_zeros(value);
    if v.len() > 2 {
        return None;
    }
    Some(v.iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b)))
}

/// Dotted OID of a DER `AlgorithmIdentifier`, for error messages (`"?"` when unreadable).
pub(crate) fn algorithm_oid(der: &[u8]) -> String {
    single(der, tag::SEQUENCE)
        .ok()
        .and_then(|body| Reader::new(body).expect(tag::OID).ok())
        .and_then(oid_to_string)
        .unwrap_or_else(|| "?".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pss_defaults_when_parameters_absent() {
        // SEQUENCE { OID 1.2.840.113549.1.1.10 }
        let der = [
            0x30, 0x0B, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A,
        ];
        assert_eq!(
            parse_signature_algorithm(&der),
            Ok(SignatureAlgorithm::RsaPss(PssParams {
                hash: HashAlgorithm::Sha1,
                mgf_hash: HashAlgorithm::Sha1,
                salt_len: 20
            }))
        );
    }

    #[test]
    fn unknown_oid_is_reported_dotted() {
        let der = [0x30, 0x04, 0x06, 0x02, 0x2A, 0x03];
        assert_eq!(
            parse_signature_algorithm(&der),
            Err(SignatureError::UnsupportedAlgorithm("1.2.3".into()))
        );
        assert_eq!(algorithm_oid(&der), "1.2.3");
    }
}
