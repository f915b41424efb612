//! The fast path of ECDSA verification: u1·G + u2·Q on fixed-width integers
//! (`crypto-bigint` `Uint<LIMBS>` / `FixedMontyForm<LIMBS>` with runtime Montgomery parameters,
//! one monomorphisation per limb count, no allocation per field operation) with interleaved
//! width-5 wNAF.
//!
//! **Variable time: public scalars only.** The wNAF recoding, the table lookups and the early
//! exits of the point formulas all depend on the scalars; verification handles only public
//! values. [`Curve::mul_double_vartime`] (boxed, plain double-and-add) stays as the reference
//! the tests compare this against.

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{BoxedUint, Odd, Uint};

use super::{Curve, JacobianPoint};

/// wNAF window width: digits are odd and in (−2^(W−1), 2^(W−1)).
const W: usize = 5;
/// Odd multiples P, 3P, …, (2^(W−1) − 1)P in a table.
const TABLE: usize = 1 << (W - 2);

type Fe<const L: usize> = FixedMontyForm<L>;

#[derive(Clone, Copy)]
struct Point<const L: usize> {
    x: Fe<L>,
    y: Fe<L>,
    z: Fe<L>,
}

fn is_zero<const L: usize>(v: &Fe<L>) -> bool {
    *v.as_montgomery() == Uint::<L>::ZERO
}

fn uint<const L: usize>(words: &[u64]) -> Uint<L> {
    let mut out = [0u64; L];
    for (o, w) in out.iter_mut().zip(words) {
        *o = *w;
    }
    Uint::from_words(out)
}

struct Field<const L: usize> {
    params: FixedMontyParams<L>,
    a: Fe<L>,
}

impl<const L: usize> Field<L> {
    fn fe(&self, boxed: &crypto_bigint::modular::BoxedMontyForm) -> Fe<L> {
        Fe::new(&uint::<L>(boxed.retrieve().as_words()), &self.params)
    }

    fn point(&self, pt: &JacobianPoint) -> Point<L> {
        Point {
            x: self.fe(&pt.x),
            y: self.fe(&pt.y),
            z: self.fe(&pt.z),
        }
    }

    fn identity(&self) -> Point<L> {
        Point {
            x: Fe::one(&self.params),
            y: Fe::one(&self.params),
            z: Fe::zero(&self.params),
        }
    }

    /// `dbl-2007-bl` (any a), as [`Curve::double`].
    fn double(&self, pt: &Point<L>) -> Point<L> {
        if is_zero(&pt.z) || is_zero(&pt.y) {
            return self.identity();
        }
        let xx = pt.x.square();
        let yy = pt.y.square();
        let yyyy = yy.square();
        let zz = pt.z.square();
        let s = pt.x.add(&yy).square().sub(&xx).sub(&yyyy).double();
        let m = xx.double().add(&xx).add(&self.a.mul(&zz.square()));
        let t = m.square().sub(&s.double());
        let y3 = m.mul(&s.sub(&t)).sub(&yyyy.double().double().double());
        let z3 = pt.y.add(&pt.z).square().sub(&yy).sub(&zz);
        Point { x: t, y: y3, z: z3 }
    }

    /// `add-2007-bl` with the doubling and inverse cases, as [`Curve::add`].
    fn add(&self, p1: &Point<L>, p2: &Point<L>) -> Point<L> {
        if is_zero(&p1.z) {
            return *p2;
        }
        if is_zero(&p2.z) {
            return *p1;
        }
        let z1z1 = p1.z.square();
        let z2z2 = p2.z.square();
        let u1 = p1.x.mul(&z2z2);
        let u2 = p2.x.mul(&z1z1);
        let s1 = p1.y.mul(&p2.z).mul(&z2z2);
        let s2 = p2.y.mul(&p1.z).mul(&z1z1);
        let h = u2.sub(&u1);
        let r = s2.sub(&s1).double();
        if is_zero(&h) {
            return if is_zero(&r) {
                self.double(p1)
            } else {
                self.identity()
            };
        }
        let i = h.double().square();
        let j = h.mul(&i);
        let v = u1.mul(&i);
        let x3 = r.square().sub(&j).sub(&v.double());
        let y3 = r.mul(&v.sub(&x3)).sub(&s1.mul(&j).double());
        let z3 = p1.z.add(&p2.z).square().sub(&z1z1).sub(&z2z2).mul(&h);
        Point {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// P, 3P, 5P, …, (2·TABLE − 1)P.
    fn odd_multiples(&self, p: &Point<L>) -> [Point<L>; TABLE] {
        let p2 = self.double(p);
        let mut table = [*p; TABLE];
        let mut prev = *p;
        for slot in table.iter_mut().skip(1) {
            prev = self.add(&prev, &p2);
            *slot = prev;
        }
        table
    }

    fn add_digit(&self, acc: &Point<L>, table: &[Point<L>; TABLE], digit: i8) -> Point<L> {
        // |digit| < 2^(W−1), so the index is always in the table.
        let Some(entry) = table.get(usize::from(digit.unsigned_abs() / 2)) else {
            return *acc;
        };
        if digit > 0 {
            self.add(acc, entry)
        } else {
            let neg = Point {
                x: entry.x,
                y: entry.y.neg(),
                z: entry.z,
            };
            self.add(acc, &neg)
        }
    }
}

/// Width-W non-adjacent form of the little-endian `words`, least significant digit first.
fn wnaf(words: &[u64]) -> Vec<i8> {
    let bits = words.len() * 64;
    let x = words;
    let mut naf = vec![0i8; bits + W + 1];
    let width = 1u64 << W;
    let mask = width - 1;
    let mut carry = 0u64;
    let mut pos = 0;
    while pos <= bits {
        let (idx, bit) = (pos / 64, pos % 64);
        let word = |i: usize| x.get(i).copied().unwrap_or(0);
        let buf = if bit + W <= 64 {
            word(idx) >> bit
        } else {
            (word(idx) >> bit) | (word(idx + 1) << (64 - bit))
        };
        let window = carry + (buf & mask);
        if window & 1 == 0 {
            pos += 1;
            continue;
        }
        // `window` < 2^W + 1, so both casts below are exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
        let digit = if window < width / 2 {
            carry = 0;
            window as i8
        } else {
            carry = 1;
            (window as i64 - width as i64) as i8
        };
        if let Some(slot) = naf.get_mut(pos) {
            *slot = digit;
        }
        pos += W;
    }
    naf
}

/// The affine x of u1·G + u2·Q with `L`-limb arithmetic; `None` for the point at infinity.
fn mul_double_affine_x<const L: usize>(
    curve: &Curve,
    u1: &BoxedUint,
    q: &JacobianPoint,
    u2: &BoxedUint,
) -> Option<BoxedUint> {
    let modulus: Option<Odd<Uint<L>>> =
        Odd::new(uint::<L>(curve.p.modulus().as_ref().as_words())).into();
    let params = FixedMontyParams::new_vartime(modulus?);
    let a = Fe::new(&uint::<L>(curve.a.retrieve().as_words()), &params);
    let field = Field { params, a };
    let g_table = field.odd_multiples(&field.point(&curve.g));
    let q_table = field.odd_multiples(&field.point(q));
    let naf1 = wnaf(u1.as_words());
    let naf2 = wnaf(u2.as_words());
    let top = naf1
        .iter()
        .zip(&naf2)
        .rposition(|(a, b)| *a != 0 || *b != 0);
    let mut acc = field.identity();
    if let Some(top) = top {
        for (&d1, &d2) in naf1.iter().zip(&naf2).take(top + 1).rev() {
            acc = field.double(&acc);
            if d1 != 0 {
                acc = field.add_digit(&acc, &g_table, d1);
            }
            if d2 != 0 {
                acc = field.add_digit(&acc, &q_table, d2);
            }
        }
    }
    if is_zero(&acc.z) {
        return None;
    }
    let z_inv: Option<Fe<L>> = acc.z.invert_vartime().into();
    let x = acc.x.mul(&z_inv?.square()).retrieve();
    Some(BoxedUint::from(&x))
}

impl Curve {
    /// The affine x coordinate of u1·G + u2·Q (`None` for the point at infinity), on the
    /// fixed-width wNAF fast path when the field has 2 to 10 limbs, else on the boxed
    /// [`Curve::mul_double_vartime`]. **Variable time: public scalars only.**
    pub fn mul_double_affine_x_vartime(
        &self,
        u1: &BoxedUint,
        q: &JacobianPoint,
        u2: &BoxedUint,
    ) -> Option<BoxedUint> {
        let limbs = self.p.modulus().as_ref().as_words().len();
        match limbs {
            1 | 2 => mul_double_affine_x::<2>(self, u1, q, u2),
            3 => mul_double_affine_x::<3>(self, u1, q, u2),
            4 => mul_double_affine_x::<4>(self, u1, q, u2),
            5 => mul_double_affine_x::<5>(self, u1, q, u2),
            6 => mul_double_affine_x::<6>(self, u1, q, u2),
            7 => mul_double_affine_x::<7>(self, u1, q, u2),
            8 => mul_double_affine_x::<8>(self, u1, q, u2),
            9 => mul_double_affine_x::<9>(self, u1, q, u2),
            10 => mul_double_affine_x::<10>(self, u1, q, u2),
            _ => self.affine_x(&self.mul_double_vartime(u1, q, u2)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(naf: &[i8]) -> i128 {
        naf.iter()
            .rev()
            .fold(0i128, |acc, d| acc * 2 + i128::from(*d))
    }

    #[test]
    fn wnaf_reconstructs_the_scalar() {
        for k in [
            0u64,
            1,
            2,
            15,
            16,
            17,
            31,
            0xFFFF_FFFF_FFFF_FFFF,
            0x8000_0000_0000_0001,
        ] {
            let naf = wnaf(&[k, 0]);
            assert_eq!(value(&naf), i128::from(k), "{k:x}");
            // Non-zero digits are odd and at least W apart.
            let nz: Vec<usize> = naf
                .iter()
                .enumerate()
                .filter(|(_, d)| **d != 0)
                .map(|(i, _)| i)
                .collect();
            assert!(nz.windows(2).all(|w| w[1] - w[0] >= W));
            assert!(naf.iter().all(|d| *d == 0 || (d % 2 != 0 && d.abs() < 16)));
        }
        let naf = wnaf(&[u64::MAX, 0x7]);
        assert_eq!(value(&naf), (7i128 << 64) | i128::from(u64::MAX));
    }

    #[test]
    fn fast_path_matches_the_boxed_reference_on_every_known_curve() {
        use sha2::{Digest, Sha512};
        for known in crate::crypto::ec::KNOWN_CURVES {
            let curve = Curve::known(known.name).expect("curve");
            let q = curve.mul_vartime(curve.generator(), &BoxedUint::from(0x1234_5678_9ABCu64));
            let n = curve.n_uint.clone();
            for i in 0u8..6 {
                let scalar = |tag: u8| {
                    let mut bytes = Sha512::digest([tag, i]).to_vec();
                    bytes.extend_from_slice(&Sha512::digest([tag, i, 1]));
                    let wide = BoxedUint::from_be_slice_vartime(&bytes);
                    super::super::with_precision(&wide.rem_vartime(&n), curve.precision)
                };
                let (mut u1, mut u2) = (scalar(1), scalar(2));
                if i == 4 {
                    // u1·G + u2·Q with u2 = n − u1·k: the point at infinity.
                    u1 = BoxedUint::from(0x1234_5678_9ABCu64);
                    u1 = super::super::with_precision(&u1, curve.precision);
                    u2 = super::super::with_precision(
                        &n.as_ref().wrapping_sub(super::super::with_precision(
                            &BoxedUint::one(),
                            n.as_ref().bits_precision(),
                        )),
                        curve.precision,
                    );
                }
                if i == 5 {
                    u1 = super::super::with_precision(&BoxedUint::one(), curve.precision);
                }
                let want = curve.affine_x(&curve.mul_double_vartime(&u1, &q, &u2));
                let got = curve.mul_double_affine_x_vartime(&u1, &q, &u2);
                let got = got.map(|v| super::super::with_precision(&v, curve.precision));
                let want = want.map(|v| super::super::with_precision(&v, curve.precision));
                assert_eq!(got, want, "{:?} case {i}", known.name);
            }
        }
    }
}
