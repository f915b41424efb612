//! ECDH over a prime curve (any of the standardized PACE curves or explicit parameters), on our
//! generic arithmetic, so every curve — P-192 and brainpoolP320r1 included — takes one path.

use crypto_bigint::{BoxedUint, NonZero};
use zeroize::Zeroizing;

use super::{KaError, fixed_len};
use crate::crypto::ec::der_reader::strip_leading_zeros;
use crate::crypto::ec::{Curve, DomainParameters, EcError, JacobianPoint, bit_length};

/// An elliptic-curve group: the curve with its current generator.
#[derive(Debug, Clone)]
pub(super) struct EcGroup {
    curve: Curve,
}

#[allow(clippy::needless_pass_by_value)] // used as `map_err(invalid)`
fn invalid(e: EcError) -> KaError {
    KaError::InvalidPublicKey(e.to_string())
}

impl EcGroup {
    pub(super) fn new(domain: &DomainParameters) -> Result<Self, KaError> {
        let curve = Curve::new(domain).map_err(|e| KaError::BadParameters(e.to_string()))?;
        Ok(Self { curve })
    }

    pub(super) fn from_curve(curve: Curve) -> Self {
        Self { curve }
    }

    pub(super) fn field_len(&self) -> usize {
        self.curve.field_len()
    }

    pub(super) fn order_len(&self) -> usize {
        self.order_bits().div_ceil(8)
    }

    pub(super) fn order_bits(&self) -> usize {
        self.curve.order_bits() as usize
    }

    pub(super) fn order(&self) -> Vec<u8> {
        fixed_len(&self.curve.order().to_be_bytes(), self.order_len())
    }

    /// The scalar as an integer of the curve's precision, if 1 ≤ k < n.
    fn scalar(&self, bytes: &[u8]) -> Option<Zeroizing<BoxedUint>> {
        let bytes = strip_leading_zeros(bytes);
        if bytes.is_empty() || bit_length(bytes) > self.order_bits() {
            return None;
        }
        let k = Zeroizing::new(BoxedUint::from_be_slice(bytes, self.curve.precision()).ok()?);
        (*k < *self.curve.order()).then_some(k)
    }

    pub(super) fn scalar_in_range(&self, bytes: &[u8]) -> bool {
        self.scalar(bytes).is_some()
    }

    pub(super) fn decode(&self, encoded: &[u8]) -> Result<JacobianPoint, KaError> {
        self.curve.decode_point(encoded).map_err(invalid)
    }

    fn encode(&self, pt: &JacobianPoint) -> Result<Vec<u8>, KaError> {
        self.curve
            .encode_point(pt)
            .ok_or_else(|| KaError::InvalidPublicKey("point at infinity".into()))
    }

    /// k·P with a secret k (already range-checked by [`Self::scalar`] when it was created).
    fn mul_secret(&self, k: &[u8], pt: &JacobianPoint) -> Result<JacobianPoint, KaError> {
        let k = self.scalar(k).ok_or(KaError::BadScalar)?;
        Ok(self.curve.mul_ct(pt, &k))
    }

    pub(super) fn public_key(&self, sk: &[u8]) -> Vec<u8> {
        // A PrivateKey is only built from an in-range scalar, so neither step can fail; an empty
        // key would only come from a bug and is then refused by every peer.
        self.mul_secret(sk, self.curve.generator())
            .and_then(|pt| self.encode(&pt))
            .unwrap_or_default()
    }

    pub(super) fn generator(&self) -> Vec<u8> {
        self.encode(self.curve.generator()).unwrap_or_default()
    }

    pub(super) fn shared_secret(
        &self,
        sk: &[u8],
        peer: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, KaError> {
        let peer = self.decode(peer)?;
        let shared = self.mul_secret(sk, &peer)?;
        let x = self
            .curve
            .affine_x(&shared)
            .ok_or_else(|| KaError::InvalidPublicKey("shared point is the identity".into()))?;
        Ok(Zeroizing::new(fixed_len(
            &x.to_be_bytes(),
            self.field_len(),
        )))
    }

    pub(super) fn map_generic(
        &self,
        nonce: &[u8],
        sk: &[u8],
        peer: &[u8],
    ) -> Result<Self, KaError> {
        let peer = self.decode(peer)?;
        let h = self.mul_secret(sk, &peer)?;
        // s is a 128–256-bit nonce, below n on every curve of at least 192 bits; reduce it
        // anyway so an explicit small curve cannot make the ladder drop bits.
        let s = self.reduce(nonce)?;
        let s_g = self.curve.mul_ct(self.curve.generator(), &s);
        let mapped = self.curve.add_ct(&s_g, &h);
        self.curve
            .with_generator(&mapped)
            .map(Self::from_curve)
            .ok_or(KaError::MappingFailed)
    }

    /// A big-endian integer reduced mod n, at the curve's precision.
    fn reduce(&self, bytes: &[u8]) -> Result<Zeroizing<BoxedUint>, KaError> {
        let wide = Zeroizing::new(BoxedUint::from_be_slice_vartime(bytes));
        let n = self.curve.order();
        let n_nz: Option<NonZero<BoxedUint>> = NonZero::new(n.clone()).into();
        let n_nz = n_nz.ok_or(KaError::MappingFailed)?;
        let r = Zeroizing::new(wide.rem(&n_nz));
        let bytes = Zeroizing::new(r.to_be_bytes());
        BoxedUint::from_be_slice(strip_leading_zeros(&bytes), self.curve.precision())
            .map(Zeroizing::new)
            .map_err(|_| KaError::MappingFailed)
    }

    pub(super) fn map_integrated(&self, x: &[u8]) -> Result<Self, KaError> {
        let t = Zeroizing::new(BoxedUint::from_be_slice_vartime(x));
        let p_nz: Option<NonZero<BoxedUint>> =
            NonZero::new(self.curve.field_modulus().clone()).into();
        let p_nz = p_nz.ok_or(KaError::MappingFailed)?;
        let t = Zeroizing::new(t.rem(&p_nz));
        let mapped = self.curve.encode_swu(&t).ok_or(KaError::MappingFailed)?;
        self.curve
            .with_generator(&mapped)
            .map(Self::from_curve)
            .ok_or(KaError::MappingFailed)
    }

    pub(super) fn multiply_scalars(
        &self,
        a: &[u8],
        b: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, KaError> {
        let a = self.scalar(a).ok_or(KaError::BadScalar)?;
        let b = self.scalar(b).ok_or(KaError::BadScalar)?;
        let product = Zeroizing::new(self.curve.mul_scalars(&a, &b));
        Ok(Zeroizing::new(fixed_len(
            &product.to_be_bytes(),
            self.order_len(),
        )))
    }

    pub(super) fn mul_public(&self, scalar: &[u8], point: &[u8]) -> Result<Vec<u8>, KaError> {
        let pt = self.decode(point)?;
        let k = BoxedUint::from_be_slice_vartime(strip_leading_zeros(scalar));
        self.encode(&self.curve.mul_vartime(&pt, &k))
    }
}
