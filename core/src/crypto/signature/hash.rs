//! The message digests of ICAO 9303 (SHA-1 and SHA-2) and their OIDs.

use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

use crate::crypto::ec::der_reader::{Reader, oid_to_string, tag};

use super::SignatureError;

/// A hash algorithm used for data-group hashes and signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// SHA-1 (1.3.14.3.2.26).
    Sha1,
    /// SHA-224 (2.16.840.1.101.3.4.2.4).
    Sha224,
    /// SHA-256 (2.16.840.1.101.3.4.2.1).
    Sha256,
    /// SHA-384 (2.16.840.1.101.3.4.2.2).
    Sha384,
    /// SHA-512 (2.16.840.1.101.3.4.2.3).
    Sha512,
}

impl HashAlgorithm {
    /// Length of the digest in bytes.
    pub fn output_len(self) -> usize {
        match self {
            HashAlgorithm::Sha1 => 20,
            HashAlgorithm::Sha224 => 28,
            HashAlgorithm::Sha256 => 32,
            HashAlgorithm::Sha384 => 48,
            HashAlgorithm::Sha512 => 64,
        }
    }

    /// The conventional name, e.g. `"SHA-256"`.
    pub fn as_str(self) -> &'static str {
        match self {
            HashAlgorithm::Sha1 => "SHA-1",
            HashAlgorithm::Sha224 => "SHA-224",
            HashAlgorithm::Sha256 => "SHA-256",
            HashAlgorithm::Sha384 => "SHA-384",
            HashAlgorithm::Sha512 => "SHA-512",
        }
    }

    /// The dotted OID of the algorithm.
    pub fn oid(self) -> &'static str {
        match self {
            HashAlgorithm::Sha1 => "1.3.14.3.2.26",
            HashAlgorithm::Sha224 => "2.16.840.1.101.3.4.2.4",
            HashAlgorithm::Sha256 => "2.16.840.1.101.3.4.2.1",
            HashAlgorithm::Sha384 => "2.16.840.1.101.3.4.2.2",
            HashAlgorithm::Sha512 => "2.16.840.1.101.3.4.2.3",
        }
    }
}

impl std::fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Hashes `data` with `alg`.
pub fn hash(alg: HashAlgorithm, data: &[u8]) -> Vec<u8> {
    match alg {
        HashAlgorithm::Sha1 => Sha1::digest(data).to_vec(),
        HashAlgorithm::Sha224 => Sha224::digest(data).to_vec(),
        HashAlgorithm::Sha256 => Sha256::digest(data).to_vec(),
        HashAlgorithm::Sha384 => Sha384::digest(data).to_vec(),
        HashAlgorithm::Sha512 => Sha512::digest(data).to_vec(),
    }
}

/// The hash algorithm a dotted OID names (`None` for anything else).
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

/// An algorithm's dotted OID and its parameters as (tag, value), if present.
pub(crate) type AlgorithmParts<'a> = (String, Option<(u8, &'a [u8])>);

/// Parses the content of a DER `AlgorithmIdentifier` SEQUENCE into its dotted OID and the raw
/// bytes of its parameters (the whole TLV), if any.
pub(crate) fn split_algorithm_identifier(
    body: &[u8],
) -> Result<AlgorithmParts<'_>, SignatureError> {
    let mut r = Reader::new(body);
    let oid_bytes = r
        .expect(tag::OID)
        .map_err(|e| SignatureError::MalformedSignature(format!("AlgorithmIdentifier: {e}")))?;
    let oid = oid_to_string(oid_bytes)
        .ok_or_else(|| SignatureError::MalformedSignature("bad algorithm OID".into()))?;
    let params = if r.is_empty() {
        None
    } else {
        let tlv = r
            .read()
            .map_err(|e| SignatureError::MalformedSignature(format!("AlgorithmIdentifier: {e}")))?;
        Some((tlv.tag, tlv.value))
    };
    r.finish()
        .map_err(|e| SignatureError::MalformedSignature(format!("AlgorithmIdentifier: {e}")))?;
    Ok((oid, params))
}

/// Parses a DER hash `AlgorithmIdentifier` (parameters absent or NULL).
pub(crate) fn parse_hash_algorithm_identifier(der: &[u8]) -> Result<HashAlgorithm, SignatureError> {
    let body = crate::crypto::ec::der_reader::single(der, tag::SEQUENCE).map_err(|e| {
        SignatureError::MalformedSignature(format!("digest AlgorithmIdentifier: {e}"))
    })?;
    parse_hash_body(body)
}

/// Like [`parse_hash_algorithm_identifier`] on the content of the SEQUENCE.
pub(crate) fn parse_hash_body(body: &[u8]) -> Result<HashAlgorithm, SignatureError> {
    let (oid, params) = split_algorithm_identifier(body)?;
    let alg = hash_algorithm_from_oid(&oid).ok_or(SignatureError::UnsupportedAlgorithm(oid))?;
    match params {
        None | Some((tag::NULL, [])) => Ok(alg),
        Some(_) => Err(SignatureError::MalformedSignature(format!(
            "unexpected parameters for {}",
            alg.as_str()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_lengths_and_known_values() {
        for alg in [
            HashAlgorithm::Sha1,
            HashAlgorithm::Sha224,
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            assert_eq!(hash(alg, b"abc").len(), alg.output_len());
            assert_eq!(hash_algorithm_from_oid(alg.oid()), Some(alg));
        }
        assert_eq!(
            hash(HashAlgorithm::Sha1, b"abc"),
            [
                0xA9, 0x99, 0x3E, 0x36, 0x47, 0x06, 0x81, 0x6A, 0xBA, 0x3E, 0x25, 0x71, 0x78, 0x50,
                0xC2, 0x6C, 0x9C, 0xD0, 0xD8, 0x9D
            ]
        );
    }

    #[test]
    fn hash_identifiers_with_absent_or_null_parameters() {
        let absent = [
            0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        ];
        let null = [
            0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
            0x00,
        ];
        assert_eq!(
            parse_hash_algorithm_identifier(&absent),
            Ok(HashAlgorithm::Sha256)
        );
        assert_eq!(
            parse_hash_algorithm_identifier(&null),
            Ok(HashAlgorithm::Sha256)
        );
        assert!(matches!(
            parse_hash_algorithm_identifier(&[0x30, 0x04, 0x06, 0x02, 0x2A, 0x03]),
            Err(SignatureError::UnsupportedAlgorithm(oid)) if oid == "1.2.3"
        ));
    }
}
