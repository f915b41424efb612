//! Elliptic curves over prime fields: the known curves, `ECParameters` parsing (named or
//! explicit) with identification by full parameter comparison, and a generic short-Weierstrass
//! implementation for curves without a dedicated RustCrypto crate.
//!
//! The crates (`p256`, `p384`, `p521`, `bp256`, `bp384`) are preferred wherever they exist;
//! this module is ours and fills the gaps (P-192, P-224, brainpoolP160/192/224/320/512r1,
//! unknown explicit curves), for ECDSA verification (variable time) and for key agreement
//! (constant time); see [`arith`].

pub mod arith;
pub(crate) mod curves;
pub(crate) mod der_reader;
mod params;

pub use arith::{Curve, JacobianPoint};
pub use curves::{CurveName, KNOWN_CURVES, KnownCurve, identify};
pub use params::{EcDomain, parse_ec_parameters};

/// Elliptic-curve domain parameters as unsigned big-endian integers without leading zeros.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainParameters {
    /// Field prime p.
    pub p: Vec<u8>,
    /// Coefficient a.
    pub a: Vec<u8>,
    /// Coefficient b.
    pub b: Vec<u8>,
    /// Base point x.
    pub gx: Vec<u8>,
    /// Base point y.
    pub gy: Vec<u8>,
    /// Order n of the base point.
    pub n: Vec<u8>,
    /// Cofactor h, when the parameters state it.
    pub h: Option<Vec<u8>>,
}

impl DomainParameters {
    /// Bit length of the field prime p.
    pub fn field_bits(&self) -> usize {
        bit_length(&self.p)
    }

    /// Bit length of the order n.
    pub fn order_bits(&self) -> usize {
        bit_length(&self.n)
    }
}

/// Bit length of an unsigned big-endian integer.
pub(crate) fn bit_length(bytes: &[u8]) -> usize {
    let bytes = der_reader::strip_leading_zeros(bytes);
    match bytes.first() {
        None => 0,
        Some(&top) => (bytes.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
    }
}

/// Errors from EC parameter parsing and arithmetic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EcError {
    /// `ECParameters` could not be parsed.
    #[error("malformed EC parameters: {0}")]
    MalformedParameters(String),
    /// The parameters are well formed but not supported (binary field, cofactor ≠ 1, …).
    #[error("unsupported EC parameters: {0}")]
    UnsupportedParameters(String),
    /// A point is badly encoded, off the curve or the point at infinity.
    #[error("invalid EC point: {0}")]
    InvalidPoint(String),
    /// r or s is outside [1, n−1].
    #[error("ECDSA r or s out of range")]
    SignatureOutOfRange,
    /// The ECDSA equation does not hold.
    #[error("ECDSA signature does not verify")]
    Invalid,
}
