//! Parsing of X9.62 / RFC 3279 `ECParameters` (named curve OID or explicit `SpecifiedECDomain`).
//!
//! `sec1` only models named curves, so this parser is ours. Explicit parameters are common in
//! eMRTD PKI (ICAO 9303-12 recommends them), so they are parsed in full and then identified
//! against the known curves by comparing every parameter.
// p, a, b, n, h are the standard names of the domain parameters.
#![allow(clippy::many_single_char_names)]

use super::der_reader::{DerError, Reader, strip_leading_zeros, tag};
use super::{CurveName, DomainParameters, EcError, identify};

/// `prime-field` (X9.62 1.2.840.10045.1.1).
const PRIME_FIELD: &str = "1.2.840.10045.1.1";

/// The domain of an EC key, as found in its `ECParameters`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcDomain {
    /// The curve, or [`CurveName::Unknown`] for explicit parameters that match no known curve.
    pub name: CurveName,
    /// True when the key carried explicit domain parameters rather than a named-curve OID.
    pub explicit: bool,
    /// The full parameters (the standard ones for a named curve).
    pub params: DomainParameters,
}

fn malformed(e: DerError) -> EcError {
    EcError::MalformedParameters(e.to_string())
}

/// Parses DER `ECParameters`: a named-curve OID, or explicit `SpecifiedECDomain` parameters.
/// `implicitlyCA` (NULL), characteristic-two fields and unknown named curves are unsupported.
pub fn parse_ec_parameters(der: &[u8]) -> Result<EcDomain, EcError> {
    let mut outer = Reader::new(der);
    let tlv = outer.read().map_err(malformed)?;
    outer.finish().map_err(malformed)?;
    match tlv.tag {
        tag::OID => {
            let oid = super::der_reader::oid_to_string(tlv.value)
                .ok_or_else(|| EcError::MalformedParameters("bad curve OID".into()))?;
            let name = CurveName::from_oid(&oid)
                .ok_or_else(|| EcError::UnsupportedParameters(format!("named curve {oid}")))?;
            let params = name
                .known()
                .map(super::KnownCurve::domain)
                .ok_or_else(|| EcError::UnsupportedParameters(format!("named curve {oid}")))?;
            Ok(EcDomain {
                name,
                explicit: false,
                params,
            })
        }
        tag::SEQUENCE => parse_specified(tlv.value),
        tag::NULL => Err(EcError::UnsupportedParameters(
            "implicitlyCA domain parameters".into(),
        )),
        other => Err(EcError::MalformedParameters(format!(
            "ECParameters with tag {other:02X}"
        ))),
    }
}

fn parse_specified(body: &[u8]) -> Result<EcDomain, EcError> {
    let mut r = Reader::new(body);
    let version = r.unsigned_integer().map_err(malformed)?;
    if !matches!(version, [1..=3]) {
        return Err(EcError::UnsupportedParameters(format!(
            "SpecifiedECDomain version {version:02X?}"
        )));
    }
    // FieldID ::= SEQUENCE { fieldType OID, parameters ANY } — prime-field: INTEGER p
    let mut field = Reader::new(r.expect(tag::SEQUENCE).map_err(malformed)?);
    let field_type = super::der_reader::oid_to_string(field.expect(tag::OID).map_err(malformed)?)
        .unwrap_or_default();
    if field_type != PRIME_FIELD {
        return Err(EcError::UnsupportedParameters(format!(
            "field type {field_type} (only prime fields are supported)"
        )));
    }
    let p = field.unsigned_integer().map_err(malformed)?.to_vec();
    field.finish().map_err(malformed)?;
    // Curve ::= SEQUENCE { a OCTET STRING, b OCTET STRING, seed BIT STRING OPTIONAL }
    let mut curve = Reader::new(r.expect(tag::SEQUENCE).map_err(malformed)?);
    let a = strip_leading_zeros(curve.expect(tag::OCTET_STRING).map_err(malformed)?).to_vec();
    let b = strip_leading_zeros(curve.expect(tag::OCTET_STRING).map_err(malformed)?).to_vec();
    if curve.peek_tag() == Some(tag::BIT_STRING) {
        curve.read().map_err(malformed)?;
    }
    curve.finish().map_err(malformed)?;
    let base = r.expect(tag::OCTET_STRING).map_err(malformed)?;
    let n = r.unsigned_integer().map_err(malformed)?.to_vec();
    let h = if r.peek_tag() == Some(tag::INTEGER) {
        Some(r.unsigned_integer().map_err(malformed)?.to_vec())
    } else {
        None
    };
    // An optional hash AlgorithmIdentifier (version 2/3) may follow; it does not change the curve.
    if r.peek_tag() == Some(tag::SEQUENCE) {
        r.read().map_err(malformed)?;
    }
    r.finish().map_err(malformed)?;

    let (gx, gy, parity) = split_base(base, p.len())?;
    let mut params = DomainParameters {
        p,
        a,
        b,
        gx,
        gy,
        n,
        h,
    };
    let name = identify(&params, parity);
    let standard = super::KNOWN_CURVES
        .iter()
        .position(|k| k.name == name)
        .and_then(|i| super::curves::known_domains().get(i));
    if let Some(standard) = standard {
        // Use the standard parameters (this also fills in y of a compressed base point).
        params = standard.clone();
    } else if parity.is_some() {
        return Err(EcError::UnsupportedParameters(
            "compressed base point on an unknown curve".into(),
        ));
    }
    Ok(EcDomain {
        name,
        explicit: true,
        params,
    })
}

/// x, y (empty when compressed) and the parity of y for a compressed point.
type BasePoint = (Vec<u8>, Vec<u8>, Option<bool>);

/// Splits a SEC1-encoded base point into x, y (empty for a compressed point) and the parity of
/// y for a compressed point.
fn split_base(base: &[u8], p_len: usize) -> Result<BasePoint, EcError> {
    let bad = || EcError::MalformedParameters("bad base point encoding".into());
    let (&prefix, coords) = base.split_first().ok_or_else(bad)?;
    match prefix {
        0x04 if coords.len() % 2 == 0 && coords.len() >= 2 * p_len => {
            let (x, y) = coords.split_at(coords.len() / 2);
            Ok((
                strip_leading_zeros(x).to_vec(),
                strip_leading_zeros(y).to_vec(),
                None,
            ))
        }
        0x02 | 0x03 if coords.len() >= p_len => Ok((
            strip_leading_zeros(coords).to_vec(),
            Vec::new(),
            Some(prefix == 0x03),
        )),
        _ => Err(bad()),
    }
}
