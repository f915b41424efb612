//! Key agreement for PACE and Chip Authentication: ECDH over any prime curve (the eleven
//! standardized PACE curves and explicit parameters) and DH in a prime-order subgroup of Z_p*.
//!
//! One [`Group`] type covers both, so the protocols above it (PACE's mappings, CA) are written
//! once: they generate a key pair, exchange encoded public keys, derive a shared secret and, for
//! PACE, map the group to a new generator. Public keys travel in their ICAO encodings (EC
//! `04‖X‖Y`, DH the big-endian value padded to |p|), which is also what tokens are computed over.
//!
//! Every operation with a private key is constant time: EC uses the complete-formula Montgomery
//! ladder of [`crate::crypto::ec::Curve::mul_ct`], DH uses `crypto-bigint`'s constant-time
//! exponentiation. Peer public keys are validated before use (on the curve / in the subgroup),
//! which is what stops small-subgroup and invalid-curve attacks on the chip's side of PACE.

mod dh;
mod ecdh;
mod params;
mod standard;

use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::crypto::ec::DomainParameters;

pub use params::{
    DH_KEY_AGREEMENT, DH_PUBLIC_NUMBER, ID_EC_PUBLIC_KEY, STANDARDIZED_DOMAIN_PARAMETERS,
};
pub use standard::{STANDARDIZED_IDS, standardized_curve, standardized_name};

use dh::DhGroup;
use ecdh::EcGroup;

/// Why a key-agreement operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KaError {
    /// A standardized domain parameter id that is reserved or unknown (valid: 0–2, 8–18).
    #[error("unknown standardized domain parameter id {0}")]
    UnknownParameterId(u8),
    /// Explicit or encoded domain parameters that cannot be used.
    #[error("unusable domain parameters: {0}")]
    BadParameters(String),
    /// A peer public key that is malformed, off the curve, the identity or outside the subgroup.
    #[error("invalid public key: {0}")]
    InvalidPublicKey(String),
    /// A private scalar of 0, not below the order, or of the wrong length.
    #[error("invalid private key")]
    BadScalar,
    /// A mapping produced the identity (EC) or 1 (DH); the protocol must be aborted.
    #[error("mapping produced a degenerate generator")]
    MappingFailed,
}

/// Elliptic curve or finite-field Diffie–Hellman.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKind {
    /// ECDH.
    Ec,
    /// DH modulo a prime.
    Dh,
}

/// A key-agreement group with its current generator. See the module documentation.
#[derive(Debug, Clone)]
pub struct Group(Inner);

#[derive(Debug, Clone)]
enum Inner {
    Ec(Box<EcGroup>),
    Dh(Box<DhGroup>),
}

/// A private key (EC scalar or DH exponent) as big-endian bytes, zeroized on drop.
pub struct PrivateKey(Zeroizing<Vec<u8>>);

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrivateKey(<redacted>)")
    }
}

impl PrivateKey {
    fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// A shared secret: the affine x-coordinate (EC, field length) or g^xy padded to |p| (DH).
pub struct SharedSecret(Zeroizing<Vec<u8>>);

impl std::fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedSecret(<redacted>)")
    }
}

impl SharedSecret {
    /// The secret bytes (input to the key derivation function).
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl Group {
    /// The standardized domain parameters of ICAO 9303-11 §9.5.1 (BSI TR-03110-3 Table 4):
    /// 0–2 the RFC 5114 DH groups, 8–18 P-192, brainpoolP192r1, P-224, brainpoolP224r1, P-256,
    /// brainpoolP256r1, brainpoolP320r1, P-384, brainpoolP384r1, brainpoolP512r1, P-521.
    pub fn standardized(id: u8) -> Result<Group, KaError> {
        standard::group(id)
    }

    /// A group from explicit elliptic-curve domain parameters (checked: G on the curve, n·G = O,
    /// cofactor 1).
    pub fn ec(domain: &DomainParameters) -> Result<Group, KaError> {
        Ok(Group(Inner::Ec(Box::new(EcGroup::new(domain)?))))
    }

    /// A DH group from p, g and, when known, the subgroup order q (needed to validate peer keys
    /// and to bound private keys; without it the full range below p is used).
    pub fn dh(p: &[u8], g: &[u8], q: Option<&[u8]>) -> Result<Group, KaError> {
        Ok(Group(Inner::Dh(Box::new(DhGroup::new(p, g, q)?))))
    }

    /// The group named by an `AlgorithmIdentifier`: `id-ecPublicKey` with `ECParameters` (named
    /// or explicit), X9.42 `dhpublicnumber` or PKCS #3 `dhKeyAgreement` with DH parameters, or
    /// BSI's `standardizedDomainParameters` with a parameter id. `params_der` is the DER of the
    /// parameters field.
    pub fn from_algorithm_parameters(
        algorithm_oid: &str,
        params_der: &[u8],
    ) -> Result<Group, KaError> {
        params::group_from_algorithm(algorithm_oid, params_der)
    }

    /// ECDH or DH.
    pub fn kind(&self) -> GroupKind {
        match &self.0 {
            Inner::Ec(_) => GroupKind::Ec,
            Inner::Dh(_) => GroupKind::Dh,
        }
    }

    /// Bytes in a field element (EC) or in p (DH): the length of the shared secret, of an EC
    /// coordinate and of a DH public key.
    pub fn field_len(&self) -> usize {
        match &self.0 {
            Inner::Ec(g) => g.field_len(),
            Inner::Dh(g) => g.field_len(),
        }
    }

    /// Bytes in an encoded public key: `1 + 2·field_len` (EC, uncompressed) or `field_len` (DH).
    pub fn public_len(&self) -> usize {
        match &self.0 {
            Inner::Ec(g) => 1 + 2 * g.field_len(),
            Inner::Dh(g) => g.field_len(),
        }
    }

    /// Bytes in the order n (EC) or q (DH; |p| when q is unknown).
    pub fn order_len(&self) -> usize {
        match &self.0 {
            Inner::Ec(g) => g.order_len(),
            Inner::Dh(g) => g.order_len(),
        }
    }

    /// A DH group's (p, g, q) as big-endian bytes (g the current generator); `None` for EC or
    /// when q is unknown. For encoding SubjectPublicKeyInfo / PACEDomainParameterInfo.
    pub fn dh_parameters(&self) -> Option<(Vec<u8>, Vec<u8>, Vec<u8>)> {
        match &self.0 {
            Inner::Ec(_) => None,
            Inner::Dh(g) => g.parameters(),
        }
    }

    /// The order n (EC) or q (DH) as big-endian bytes, when known.
    pub fn order(&self) -> Option<Vec<u8>> {
        match &self.0 {
            Inner::Ec(g) => Some(g.order()),
            Inner::Dh(g) => g.order(),
        }
    }

    /// A fresh private key, uniform in [1, order − 1], drawn from `rng`.
    pub fn generate(&self, rng: &mut dyn CryptoRng) -> PrivateKey {
        let len = self.order_len();
        loop {
            let mut bytes = Zeroizing::new(vec![0u8; len]);
            rng.fill_bytes(&mut bytes);
            // Rejection sampling on the order's bit length keeps the key uniform.
            let excess = len * 8 - self.order_bits();
            if let Some(top) = bytes.first_mut() {
                *top &= 0xFF_u8
                    .checked_shr(u32::try_from(excess).unwrap_or(0))
                    .unwrap_or(0);
            }
            if let Ok(key) = self.private_key(&bytes) {
                return key;
            }
        }
    }

    fn order_bits(&self) -> usize {
        match &self.0 {
            Inner::Ec(g) => g.order_bits(),
            Inner::Dh(g) => g.order_bits(),
        }
    }

    /// A given private key (worked examples; the chip side of the virtual chip), big-endian.
    /// EC: 1 ≤ k < n. DH: any value 1 ≤ x < p (the BSI worked example uses 1024-bit exponents
    /// with a 160-bit q), as real chips accept.
    pub fn private_key(&self, bytes: &[u8]) -> Result<PrivateKey, KaError> {
        let ok = match &self.0 {
            Inner::Ec(g) => g.scalar_in_range(bytes),
            Inner::Dh(g) => g.exponent_in_range(bytes),
        };
        if ok {
            Ok(PrivateKey(Zeroizing::new(bytes.to_vec())))
        } else {
            Err(KaError::BadScalar)
        }
    }

    /// The public key of `sk`: EC `04‖X‖Y`, DH g^x padded to |p|.
    pub fn public_key(&self, sk: &PrivateKey) -> Vec<u8> {
        match &self.0 {
            Inner::Ec(g) => g.public_key(sk.bytes()),
            Inner::Dh(g) => g.public_key(sk.bytes()),
        }
    }

    /// The generator, encoded as a public key.
    pub fn generator(&self) -> Vec<u8> {
        match &self.0 {
            Inner::Ec(g) => g.generator(),
            Inner::Dh(g) => g.generator(),
        }
    }

    /// Validates a peer public key: EC uncompressed, on the curve and not the identity; DH
    /// 1 < y < p − 1 and, when q is known, y^q = 1.
    pub fn check_public(&self, pk: &[u8]) -> Result<(), KaError> {
        match &self.0 {
            Inner::Ec(g) => g.decode(pk).map(|_| ()),
            Inner::Dh(g) => g.decode(pk).map(|_| ()),
        }
    }

    /// The shared secret of `sk` and a peer public key (validated first).
    pub fn shared_secret(&self, sk: &PrivateKey, peer: &[u8]) -> Result<SharedSecret, KaError> {
        let bytes = match &self.0 {
            Inner::Ec(g) => g.shared_secret(sk.bytes(), peer)?,
            Inner::Dh(g) => g.shared_secret(sk.bytes(), peer)?,
        };
        Ok(SharedSecret(bytes))
    }

    /// PACE Generic Mapping (ICAO 9303-11 §4.4.3.3.1): the group with generator
    /// G' = s·G + sk·PK_peer (EC) or g' = g^s · PK_peer^sk mod p (DH).
    pub fn map_generic(
        &self,
        nonce: &[u8],
        sk: &PrivateKey,
        peer: &[u8],
    ) -> Result<Group, KaError> {
        Ok(Group(match &self.0 {
            Inner::Ec(g) => Inner::Ec(Box::new(g.map_generic(nonce, sk.bytes(), peer)?)),
            Inner::Dh(g) => Inner::Dh(Box::new(g.map_generic(nonce, sk.bytes(), peer)?)),
        }))
    }

    /// PACE Integrated Mapping (ICAO 9303-11 §4.4.3.3.2): `x` is R_p(s, t), the pseudo-random
    /// function's output; it is reduced mod p here. EC: the point encoding f_G (simplified SWU,
    /// p ≡ 3 mod 4); DH: g' = x^((p−1)/q) mod p.
    pub fn map_integrated(&self, x: &[u8]) -> Result<Group, KaError> {
        Ok(Group(match &self.0 {
            Inner::Ec(g) => Inner::Ec(Box::new(g.map_integrated(x)?)),
            Inner::Dh(g) => Inner::Dh(Box::new(g.map_integrated(x)?)),
        }))
    }

    /// a · b mod n for two EC scalars in [1, n − 1], constant time: the chip side of PACE-CAM
    /// picks CA_IC and uses SK_map = CA_IC · SK_IC, so that PK_map = CA_IC · PK_IC. `BadScalar`
    /// for DH groups and out-of-range inputs.
    pub fn multiply_scalars(&self, a: &[u8], b: &[u8]) -> Result<Zeroizing<Vec<u8>>, KaError> {
        match &self.0 {
            Inner::Ec(g) => g.multiply_scalars(a, b),
            Inner::Dh(_) => Err(KaError::BadScalar),
        }
    }

    /// scalar · point for public values (variable time), e.g. PACE-CAM's check
    /// PK_map,IC = CA_IC · PK_IC. Returns the encoded result.
    pub fn mul_public(&self, scalar: &[u8], point: &[u8]) -> Result<Vec<u8>, KaError> {
        match &self.0 {
            Inner::Ec(g) => g.mul_public(scalar, point),
            Inner::Dh(g) => g.mul_public(scalar, point),
        }
    }
}

/// Big-endian bytes left-padded with zeros (or trimmed of leading zeros) to `len`.
fn fixed_len(bytes: &[u8], len: usize) -> Vec<u8> {
    let trimmed = crate::crypto::ec::der_reader::strip_leading_zeros(bytes);
    let mut out = vec![0u8; len.saturating_sub(trimmed.len())];
    out.extend_from_slice(trimmed);
    out
}
