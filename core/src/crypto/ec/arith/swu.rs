//! The point encoding of PACE Integrated Mapping (ICAO 9303-11 §4.4.3.3.2, "Point Encoding for
//! the ECDH-Integrated Mapping"): the simplified SWU map of Brier, Coron, Icart, Madore, Randriam
//! and Tibouchi, for curves with p ≡ 3 (mod 4). Part 11 replaced the Icart encoding that older
//! drafts used; ICAO Appendix H.1 pins this one. No crate implements it for arbitrary curves.
//!
//! The encoded value t is derived from the PACE nonce (a secret), so the arithmetic is constant
//! time apart from the final choice between the two candidate points, which the specification
//! makes on a public-looking comparison; we make it with a constant-time select as well.

use crypto_bigint::modular::BoxedMontyForm;
use crypto_bigint::{BoxedUint, CtEq, CtSelect};

use super::{Curve, JacobianPoint};

impl Curve {
    /// f_G(t): maps a field element t (the pseudo-random function's output, reduced mod p) to a
    /// point. `None` when p ≢ 3 (mod 4) (the encoding needs that square root), when a = 0, or
    /// for the degenerate inputs t = 0 and α + α² = 0, which have negligible probability.
    pub fn encode_swu(&self, t: &BoxedUint) -> Option<JacobianPoint> {
        let p = self.p.modulus().as_ref();
        // p ≡ 3 (mod 4): the two low bits are set.
        if !(p.bit_vartime(0) && p.bit_vartime(1)) || bool::from(self.a.is_zero()) {
            return None;
        }
        let t = BoxedMontyForm::new(super::with_precision(t, self.precision), &self.p);
        if bool::from(t.is_zero()) {
            return None;
        }
        let one = BoxedMontyForm::one(&self.p);
        // 1. α = −t²
        let alpha = t.square().neg();
        let alpha_sq = alpha.square();
        // 2. X2 = −b · (1 + α + α²) · (a · (α + α²))⁻¹
        let denominator = self.a.mul(&alpha.add(&alpha_sq));
        let inv: Option<BoxedMontyForm> = denominator.invert().into();
        let inv = inv?;
        let x2 = self.b.neg().mul(&one.add(&alpha).add(&alpha_sq)).mul(&inv);
        // 3. X3 = α · X2
        let x3 = alpha.mul(&x2);
        // 4–5. h2 = X2³ + a·X2 + b, h3 = X3³ + a·X3 + b
        let h2 = x2.square().mul(&x2).add(&self.a.mul(&x2)).add(&self.b);
        // 6. U = t³ · h2
        let u = t.square().mul(&t).mul(&h2);
        // 7. A = h2^(p − 1 − (p + 1)/4)
        let one_uint = BoxedUint::one_with_precision(self.precision);
        let quarter = p.wrapping_add(&one_uint).shr(2);
        let exponent = p.wrapping_sub(&one_uint).wrapping_sub(&quarter);
        let a_pow = h2.pow(&exponent);
        // 8–9. A²·h2 = 1 → (X2, A·h2), else (X3, A·U)
        let is_square = a_pow.square().mul(&h2).ct_eq(&one);
        let x = x3.ct_select(&x2, is_square);
        let y = a_pow.mul(&u).ct_select(&a_pow.mul(&h2), is_square);
        Some(JacobianPoint { x, y, z: one })
    }
}
