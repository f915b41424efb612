//! Finite-field Diffie–Hellman in a prime-order subgroup of Z_p* (PACE DH, DH Chip
//! Authentication), on `crypto-bigint`'s constant-time Montgomery exponentiation.

use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, NonZero, Odd};
use zeroize::Zeroizing;

use super::{KaError, fixed_len};
use crate::crypto::ec::bit_length;
use crate::crypto::ec::der_reader::strip_leading_zeros;

/// Largest modulus accepted: 4096 bits (eMRTDs use 1024 and 2048).
const MAX_P_BITS: usize = 4096;

/// A DH group: p, the current generator g, and the subgroup order q when known.
#[derive(Debug, Clone)]
pub(super) struct DhGroup {
    params: BoxedMontyParams,
    p: BoxedUint,
    p_len: usize,
    precision: u32,
    g: BoxedMontyForm,
    q: Option<BoxedUint>,
}

impl DhGroup {
    pub(super) fn new(p: &[u8], g: &[u8], q: Option<&[u8]>) -> Result<Self, KaError> {
        let bad = |why: &str| KaError::BadParameters(why.to_string());
        let p_bytes = strip_leading_zeros(p);
        let p_bits = bit_length(p_bytes);
        if !(512..=MAX_P_BITS).contains(&p_bits) {
            return Err(bad("DH modulus outside 512–4096 bits"));
        }
        let precision = u32::try_from(p_bytes.len() * 8).map_err(|_| bad("modulus size"))?;
        let uint = |bytes: &[u8]| {
            BoxedUint::from_be_slice(strip_leading_zeros(bytes), precision)
                .map_err(|_| bad("DH parameter longer than p"))
        };
        let p_uint = uint(p_bytes)?;
        let odd: Option<Odd<BoxedUint>> = Odd::new(p_uint.clone()).into();
        let odd = odd.ok_or_else(|| bad("even DH modulus"))?;
        let params = BoxedMontyParams::new_vartime(odd);
        let g_uint = uint(g)?;
        let one = BoxedUint::one_with_precision(precision);
        let p_minus_1 = p_uint.wrapping_sub(&one);
        if g_uint <= one || g_uint >= p_minus_1 {
            return Err(bad("DH generator outside (1, p−1)"));
        }
        let q = match q {
            Some(q) if !strip_leading_zeros(q).is_empty() => {
                let q = uint(q)?;
                if q <= one || q >= p_uint {
                    return Err(bad("DH subgroup order outside (1, p)"));
                }
                Some(q)
            }
            _ => None,
        };
        let group = Self {
            g: BoxedMontyForm::new(g_uint, &params),
            params,
            p: p_uint,
            p_len: p_bytes.len(),
            precision,
            q,
        };
        if let Some(q) = &group.q {
            // g must generate the order-q subgroup.
            if pow_public(&group.g, q) != BoxedMontyForm::one(&group.params) {
                return Err(bad("g does not have order q"));
            }
        }
        Ok(group)
    }

    pub(super) fn field_len(&self) -> usize {
        self.p_len
    }

    pub(super) fn order_len(&self) -> usize {
        self.order_bits().div_ceil(8)
    }

    pub(super) fn order_bits(&self) -> usize {
        match &self.q {
            Some(q) => q.bit_width_vartime() as usize,
            None => self.p.bit_width_vartime() as usize - 1,
        }
    }

    pub(super) fn parameters(&self) -> Option<(Vec<u8>, Vec<u8>, Vec<u8>)> {
        let q = self.q.as_ref()?;
        Some((
            fixed_len(&self.p.to_be_bytes(), self.p_len),
            self.generator(),
            fixed_len(&q.to_be_bytes(), self.order_len()),
        ))
    }

    pub(super) fn order(&self) -> Option<Vec<u8>> {
        self.q
            .as_ref()
            .map(|q| fixed_len(&q.to_be_bytes(), self.order_len()))
    }

    /// An exponent is acceptable when 1 ≤ x < p (the group's exponent length is not enforced:
    /// chips and the BSI worked example use exponents longer than q).
    fn exponent(&self, bytes: &[u8]) -> Option<Zeroizing<BoxedUint>> {
        let bytes = strip_leading_zeros(bytes);
        if bytes.is_empty() || bytes.len() > self.p_len {
            return None;
        }
        let x = Zeroizing::new(BoxedUint::from_be_slice(bytes, self.precision).ok()?);
        (*x < self.p).then_some(x)
    }

    pub(super) fn exponent_in_range(&self, bytes: &[u8]) -> bool {
        self.exponent(bytes).is_some()
    }

    fn encode(&self, v: &BoxedMontyForm) -> Vec<u8> {
        fixed_len(&v.retrieve().to_be_bytes(), self.p_len)
    }

    /// Decodes and validates a public value: 1 < y < p − 1, and y^q = 1 when q is known.
    pub(super) fn decode(&self, encoded: &[u8]) -> Result<BoxedMontyForm, KaError> {
        let invalid = |why: &str| KaError::InvalidPublicKey(why.to_string());
        if encoded.len() > self.p_len {
            return Err(invalid("DH public value longer than p"));
        }
        let y = BoxedUint::from_be_slice(strip_leading_zeros(encoded), self.precision)
            .map_err(|_| invalid("DH public value longer than p"))?;
        let one = BoxedUint::one_with_precision(self.precision);
        if y <= one || y >= self.p.wrapping_sub(&one) {
            return Err(invalid("DH public value outside (1, p−1)"));
        }
        let y = BoxedMontyForm::new(y, &self.params);
        if let Some(q) = &self.q
            && pow_public(&y, q) != BoxedMontyForm::one(&self.params)
        {
            return Err(invalid("DH public value not in the order-q subgroup"));
        }
        Ok(y)
    }

    fn pow_secret(&self, base: &BoxedMontyForm, x: &[u8]) -> Result<BoxedMontyForm, KaError> {
        let x = self.exponent(x).ok_or(KaError::BadScalar)?;
        Ok(base.pow(&x))
    }

    pub(super) fn public_key(&self, sk: &[u8]) -> Vec<u8> {
        self.pow_secret(&self.g, sk)
            .map(|y| self.encode(&y))
            .unwrap_or_default()
    }

    pub(super) fn generator(&self) -> Vec<u8> {
        self.encode(&self.g)
    }

    pub(super) fn shared_secret(
        &self,
        sk: &[u8],
        peer: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, KaError> {
        let y = self.decode(peer)?;
        let k = self.pow_secret(&y, sk)?;
        Ok(Zeroizing::new(self.encode(&k)))
    }

    fn with_generator(&self, g: BoxedMontyForm) -> Result<Self, KaError> {
        let one = BoxedMontyForm::one(&self.params);
        if g == one || bool::from(g.is_zero()) {
            return Err(KaError::MappingFailed);
        }
        Ok(Self { g, ..self.clone() })
    }

    pub(super) fn map_generic(
        &self,
        nonce: &[u8],
        sk: &[u8],
        peer: &[u8],
    ) -> Result<Self, KaError> {
        let y = self.decode(peer)?;
        let h = self.pow_secret(&y, sk)?;
        let s = Zeroizing::new(BoxedUint::from_be_slice_vartime(nonce));
        let g_s = self.g.pow(&s);
        self.with_generator(g_s.mul(&h))
    }

    pub(super) fn map_integrated(&self, x: &[u8]) -> Result<Self, KaError> {
        let q = self.q.as_ref().ok_or_else(|| {
            KaError::BadParameters("integrated mapping needs the subgroup order q".into())
        })?;
        let p_nz: Option<NonZero<BoxedUint>> = NonZero::new(self.p.clone()).into();
        let p_nz = p_nz.ok_or(KaError::MappingFailed)?;
        let x = Zeroizing::new(BoxedUint::from_be_slice_vartime(x).rem(&p_nz));
        let x_bytes = Zeroizing::new(x.to_be_bytes());
        let x = BoxedUint::from_be_slice(strip_leading_zeros(&x_bytes), self.precision)
            .map_err(|_| KaError::MappingFailed)?;
        let one = BoxedUint::one_with_precision(self.precision);
        let q_nz: Option<NonZero<BoxedUint>> = NonZero::new(q.clone()).into();
        let q_nz = q_nz.ok_or(KaError::MappingFailed)?;
        // (p − 1)/q; q divides p − 1 for a valid group (checked indirectly: g^q = 1).
        let cofactor = self.p.wrapping_sub(&one).div_rem(&q_nz).0;
        let g = BoxedMontyForm::new(x, &self.params).pow(&cofactor);
        self.with_generator(g)
    }

    pub(super) fn mul_public(&self, scalar: &[u8], point: &[u8]) -> Result<Vec<u8>, KaError> {
        let y = self.decode(point)?;
        let k = BoxedUint::from_be_slice_vartime(strip_leading_zeros(scalar));
        Ok(self.encode(&pow_public(&y, &k)))
    }
}

/// base^e for a public exponent: only the exponent's significant bits are processed.
fn pow_public(base: &BoxedMontyForm, e: &BoxedUint) -> BoxedMontyForm {
    base.pow_bounded_exp(e, e.bit_width_vartime())
}
