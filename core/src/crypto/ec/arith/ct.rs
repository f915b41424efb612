//! Constant-time scalar multiplication for key agreement (PACE, Chip Authentication), where the
//! scalar is a secret. Ours, beside the verify-only code, for the same curves the crates miss.
//!
//! Points are kept in homogeneous projective coordinates (X:Y:Z, affine x = X/Z, y = Y/Z) and
//! added with the *complete* formulas of Renes, Costello and Batina, "Complete addition formulas
//! for prime order elliptic curves" (EUROCRYPT 2016), Algorithm 1 (any a). Complete means one
//! straight-line formula for every input — P + Q, P + P, P + O, P + (−P) — so there is no branch
//! on secret data; every eMRTD curve has prime order, which the formulas require. The scalar
//! multiplication is a Montgomery ladder over a fixed number of bits (the bit length of n) with
//! constant-time conditional swaps, on `BoxedMontyForm` arithmetic, which is constant time.

// The formulas keep the paper's names (t0…t5, X3, Y3, Z3, b3).
#![allow(clippy::many_single_char_names)]

use crypto_bigint::modular::BoxedMontyForm;
use crypto_bigint::{BoxedUint, Choice, CtAssign};

use super::{Curve, JacobianPoint};

/// A point in homogeneous projective coordinates; Z = 0 is the point at infinity (0:1:0).
#[derive(Clone)]
pub(crate) struct ProjectivePoint {
    x: BoxedMontyForm,
    y: BoxedMontyForm,
    z: BoxedMontyForm,
}

impl ProjectivePoint {
    fn ct_swap(a: &mut Self, b: &mut Self, choice: Choice) {
        let old_a = a.clone();
        a.x.ct_assign(&b.x, choice);
        a.y.ct_assign(&b.y, choice);
        a.z.ct_assign(&b.z, choice);
        b.x.ct_assign(&old_a.x, choice);
        b.y.ct_assign(&old_a.y, choice);
        b.z.ct_assign(&old_a.z, choice);
    }
}

impl Curve {
    fn projective_identity(&self) -> ProjectivePoint {
        ProjectivePoint {
            x: BoxedMontyForm::zero(&self.p),
            y: BoxedMontyForm::one(&self.p),
            z: BoxedMontyForm::zero(&self.p),
        }
    }

    /// Jacobian (X, Y, Z) → projective (X·Z, Y, Z³): both describe (X/Z², Y/Z³).
    pub(crate) fn to_projective(pt: &JacobianPoint) -> ProjectivePoint {
        let zz = pt.z.square();
        ProjectivePoint {
            x: pt.x.mul(&pt.z),
            y: pt.y.clone(),
            z: zz.mul(&pt.z),
        }
    }

    /// Projective (X, Y, Z) → Jacobian (X·Z, Y·Z², Z): both describe (X/Z, Y/Z).
    pub(crate) fn to_jacobian(pt: &ProjectivePoint) -> JacobianPoint {
        JacobianPoint {
            x: pt.x.mul(&pt.z),
            y: pt.y.mul(&pt.z.square()),
            z: pt.z.clone(),
        }
    }

    /// P + Q with the complete formulas (RCB 2016, Algorithm 1). Straight-line code.
    pub(crate) fn add_complete(&self, p: &ProjectivePoint, q: &ProjectivePoint) -> ProjectivePoint {
        let a = &self.a;
        let b3 = self.b.double().add(&self.b);
        let (x1, y1, z1) = (&p.x, &p.y, &p.z);
        let (x2, y2, z2) = (&q.x, &q.y, &q.z);
        let mut t0 = x1.mul(x2);
        let mut t1 = y1.mul(y2);
        let mut t2 = z1.mul(z2);
        let mut t3 = x1.add(y1);
        let mut t4 = x2.add(y2);
        t3 = t3.mul(&t4);
        t4 = t0.add(&t1);
        t3 = t3.sub(&t4);
        t4 = x1.add(z1);
        let mut t5 = x2.add(z2);
        t4 = t4.mul(&t5);
        t5 = t0.add(&t2);
        t4 = t4.sub(&t5);
        t5 = y1.add(z1);
        let mut x3 = y2.add(z2);
        t5 = t5.mul(&x3);
        x3 = t1.add(&t2);
        t5 = t5.sub(&x3);
        let mut z3 = a.mul(&t4);
        x3 = b3.mul(&t2);
        z3 = x3.add(&z3);
        x3 = t1.sub(&z3);
        z3 = t1.add(&z3);
        let mut y3 = x3.mul(&z3);
        t1 = t0.add(&t0);
        t1 = t1.add(&t0);
        t2 = a.mul(&t2);
        t4 = b3.mul(&t4);
        t1 = t1.add(&t2);
        t2 = t0.sub(&t2);
        t2 = a.mul(&t2);
        t4 = t4.add(&t2);
        t0 = t1.mul(&t4);
        y3 = y3.add(&t0);
        t0 = t5.mul(&t4);
        x3 = t3.mul(&x3);
        x3 = x3.sub(&t0);
        t0 = t3.mul(&t1);
        z3 = t5.mul(&z3);
        z3 = z3.add(&t0);
        ProjectivePoint {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// k·P in constant time (for secret k): a Montgomery ladder over exactly `bit_length(n)`
    /// bits of k. k must already be reduced below n (the caller's scalars are), so no bit of
    /// k is dropped; its value and bit length do not change the sequence of operations.
    pub fn mul_ct(&self, pt: &JacobianPoint, k: &BoxedUint) -> JacobianPoint {
        let mut r0 = self.projective_identity();
        let mut r1 = Self::to_projective(pt);
        let bits = self.n_bits.min(k.bits_precision());
        for i in (0..bits).rev() {
            let bit = k.bit(i);
            ProjectivePoint::ct_swap(&mut r0, &mut r1, bit);
            r1 = self.add_complete(&r0, &r1);
            r0 = self.add_complete(&r0, &r0);
            ProjectivePoint::ct_swap(&mut r0, &mut r1, bit);
        }
        Self::to_jacobian(&r0)
    }

    /// P + Q for points that may depend on secrets (PACE GM's s·G + H), with the complete
    /// formulas: no branch on the inputs.
    pub fn add_ct(&self, p: &JacobianPoint, q: &JacobianPoint) -> JacobianPoint {
        Self::to_jacobian(&self.add_complete(&Self::to_projective(p), &Self::to_projective(q)))
    }

    /// The same curve with another base point (a PACE mapped generator). The order n and the
    /// cofactor 1 carry over: on a prime-order curve every point other than O generates it.
    /// `None` for the point at infinity.
    pub fn with_generator(&self, g: &JacobianPoint) -> Option<Curve> {
        if g.is_identity() {
            return None;
        }
        let z_inv: Option<BoxedMontyForm> = g.z.invert().into();
        let zi = z_inv?;
        let zi2 = zi.square();
        let affine = JacobianPoint {
            x: g.x.mul(&zi2),
            y: g.y.mul(&zi2.mul(&zi)),
            z: BoxedMontyForm::one(&self.p),
        };
        let mut curve = self.clone();
        curve.g = affine;
        Some(curve)
    }

    /// The order n.
    pub fn order(&self) -> &BoxedUint {
        self.n_uint.as_ref()
    }

    /// a · b mod n, constant time (for the chip side of PACE-CAM: SK_map = CA_IC · SK_IC).
    /// Both inputs must be below n.
    pub fn mul_scalars(&self, a: &BoxedUint, b: &BoxedUint) -> BoxedUint {
        BoxedMontyForm::new(super::with_precision(a, self.precision), &self.n)
            .mul(&BoxedMontyForm::new(
                super::with_precision(b, self.precision),
                &self.n,
            ))
            .retrieve()
    }

    /// The field prime p.
    pub fn field_modulus(&self) -> &BoxedUint {
        self.p.modulus().as_ref()
    }

    /// Working precision (bits) of this curve's integers.
    pub fn precision(&self) -> u32 {
        self.precision
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::{CurveName, KNOWN_CURVES};
    use super::*;

    fn scalar(curve: &Curve, seed: u8) -> BoxedUint {
        // A deterministic scalar below n: n with its top byte cleared, xored with a pattern.
        let n = curve.order().to_be_bytes_trimmed_vartime();
        let mut bytes: Vec<u8> = n
            .iter()
            .enumerate()
            .map(|(i, b)| b ^ seed.wrapping_mul(u8::try_from(i % 251).unwrap_or(1)))
            .collect();
        let first = bytes.iter().position(|&b| b != 0).unwrap_or(0);
        bytes[first] = 0;
        BoxedUint::from_be_slice(&bytes, curve.precision()).unwrap()
    }

    #[test]
    fn ladder_matches_double_and_add_on_every_known_curve() {
        for known in KNOWN_CURVES {
            let curve = Curve::known(known.name).unwrap();
            for seed in [1u8, 7, 0xA5] {
                let k = scalar(&curve, seed);
                let ct = curve.mul_ct(curve.generator(), &k);
                let vt = curve.mul_vartime(curve.generator(), &k);
                assert_eq!(
                    curve.encode_point(&ct),
                    curve.encode_point(&vt),
                    "{}",
                    known.name.as_str()
                );
            }
        }
    }

    #[test]
    fn complete_addition_handles_doubling_identity_and_inverse() {
        let curve = Curve::known(CurveName::BrainpoolP256r1).unwrap();
        let g = curve.generator().clone();
        let two_g = curve.add_ct(&g, &g);
        assert_eq!(
            curve.encode_point(&two_g),
            curve.encode_point(&curve.double(&g))
        );
        let o = curve.identity();
        assert_eq!(
            curve.encode_point(&curve.add_ct(&g, &o)),
            curve.encode_point(&g)
        );
        let n_minus_1 = curve
            .order()
            .wrapping_sub(BoxedUint::one_with_precision(curve.precision()));
        let minus_g = curve.mul_ct(&g, &n_minus_1);
        assert!(curve.add_ct(&g, &minus_g).is_identity());
        // k = 0 gives O without a special case.
        let zero = BoxedUint::zero_with_precision(curve.precision());
        assert!(curve.mul_ct(&g, &zero).is_identity());
    }
}
