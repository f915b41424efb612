//! `SubjectPublicKeyInfo` parsing for RSA and EC keys (named or explicit domain parameters).

use crate::crypto::ec::der_reader::{Reader, bit_string_bytes, single, tag};
use crate::crypto::ec::{EcDomain, EcError, parse_ec_parameters};

use super::SignatureError;
use super::algorithm::{EC_PUBLIC_KEY, RSA_ENCRYPTION, RSASSA_PSS};
use super::hash::split_algorithm_identifier;

/// id-ecDH (SEC 1), occasionally used as the key algorithm of an ECDSA key.
const EC_DH: &str = "1.3.132.1.12";

/// A parsed public key.
#[derive(Debug, Clone)]
pub(crate) enum PublicKey<'a> {
    /// RSA: modulus and exponent as unsigned big-endian magnitudes without leading zeros.
    Rsa { n: &'a [u8], e: &'a [u8] },
    /// EC: the domain and the SEC1-encoded point.
    Ec { domain: EcDomain, point: &'a [u8] },
}

fn malformed(what: impl std::fmt::Display) -> SignatureError {
    SignatureError::MalformedKey(format!("SubjectPublicKeyInfo: {what}"))
}

pub(crate) fn ec_error(e: EcError) -> SignatureError {
    match e {
        EcError::MalformedParameters(m) | EcError::InvalidPoint(m) => {
            SignatureError::MalformedKey(m)
        }
        EcError::UnsupportedParameters(m) => SignatureError::UnsupportedKey(m),
        EcError::SignatureOutOfRange | EcError::Invalid => SignatureError::Invalid,
    }
}

/// Parses a DER `SubjectPublicKeyInfo`.
pub(crate) fn parse_spki(der: &[u8]) -> Result<PublicKey<'_>, SignatureError> {
    let body = single(der, tag::SEQUENCE).map_err(malformed)?;
    let mut r = Reader::new(body);
    let alg = r.expect(tag::SEQUENCE).map_err(malformed)?;
    let key_bits =
        bit_string_bytes(r.expect(tag::BIT_STRING).map_err(malformed)?).map_err(malformed)?;
    r.finish().map_err(malformed)?;
    let (oid, params) = split_algorithm_identifier(alg).map_err(|e| malformed(e.to_string()))?;
    match oid.as_str() {
        RSA_ENCRYPTION | RSASSA_PSS => {
            // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }. The INTEGERs are
            // read as unsigned magnitudes: some documents (JMRTD BSI 2008 DG15) encode the modulus
            // without the leading 00, i.e. as a negative INTEGER, and mean the unsigned value.
            let rsa = single(key_bits, tag::SEQUENCE).map_err(malformed)?;
            let mut k = Reader::new(rsa);
            let n = k.unsigned_integer().map_err(malformed)?;
            let e = k.unsigned_integer().map_err(malformed)?;
            k.finish().map_err(malformed)?;
            Ok(PublicKey::Rsa { n, e })
        }
        EC_PUBLIC_KEY | EC_DH => {
            let Some((ptag, pvalue)) = params else {
                return Err(SignatureError::UnsupportedKey(
                    "EC key without domain parameters".into(),
                ));
            };
            // Re-assemble the parameters' TLV for the ECParameters parser.
            let mut tlv = vec![ptag];
            push_len(&mut tlv, pvalue.len());
            tlv.extend_from_slice(pvalue);
            let domain = parse_ec_parameters(&tlv).map_err(ec_error)?;
            Ok(PublicKey::Ec {
                domain,
                point: key_bits,
            })
        }
        _ => Err(SignatureError::UnsupportedKey(oid)),
    }
}

/// Appends a DER definite length.
fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap_or(0));
    } else {
        let bytes = len.to_be_bytes();
        let trimmed = crate::crypto::ec::der_reader::strip_leading_zeros(&bytes);
        out.push(0x80 | u8::try_from(trimmed.len()).unwrap_or(0));
        out.extend_from_slice(trimmed);
    }
}
