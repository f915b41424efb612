//! The fast path of ECDSA verification: u1·G + u2·Q on fixed-width `[u64; L]` Montgomery
//! arithmetic ([`super::field`], one monomorphisation per limb count 2–10, the modulus held
//! once, nothing on the heap per operation), Jacobian coordinates with mixed Jacobian + affine
//! additions, the a = −3 doubling where it applies (P-192, P-224, explicit NIST-style curves),
//! and one interleaved wNAF chain (Shamir's trick: a single run of doublings for both scalars).
//!
//! The odd multiples of G are computed once per curve in affine form ([`Precomputed`], held by
//! the [`Curve`] and shared by its clones; `Curve::known` caches one `Curve` per well-known
//! curve for the process): width 8 (64 points) for the cached curves, width 5 for a curve built
//! from explicit parameters for one verification. The 8 odd multiples of Q are built per
//! verification and made affine with one inversion (Montgomery's trick).
//!
//! **Variable time: public scalars only.** The wNAF recoding, the table lookups and the early
//! exits of the point formulas all depend on the scalars; verification handles only public
//! values. [`Curve::mul_double_vartime`] (boxed, plain double-and-add) stays as the reference
//! the tests compare this against.

use std::fmt;

use crypto_bigint::BoxedUint;

use super::field::{Fe, MontField, limbs_from_be, limbs_to_be};
use super::{Curve, JacobianPoint};

/// wNAF width for Q: digits are odd and in (−2^(W−1), 2^(W−1)), table of 2^(W−2) points.
const W_Q: usize = 5;
/// wNAF width for G on a curve built for one verification (its table is not reused).
pub(super) const W_G_ONE_SHOT: usize = 5;
/// wNAF width for G on a cached well-known curve (64 affine points, built once).
pub(super) const W_G_CACHED: usize = 8;

/// u1·G + u2·Q as the fast path computed it.
enum Sum {
    /// The affine x of a finite point.
    Finite(BoxedUint),
    /// The point at infinity.
    Infinity,
}

/// A point in Jacobian coordinates (X/Z², Y/Z³); Z = 0 is the point at infinity.
#[derive(Clone, Copy)]
struct Point<const L: usize> {
    x: Fe<L>,
    y: Fe<L>,
    z: Fe<L>,
}

/// A finite point in affine coordinates.
#[derive(Clone, Copy)]
struct Affine<const L: usize> {
    x: Fe<L>,
    y: Fe<L>,
}

/// Everything per curve that u1·G + u2·Q needs, with `L` limbs.
pub(super) struct Ctx<const L: usize> {
    f: MontField<L>,
    /// The a the formulas use (−3 when `twist` is set).
    a: Fe<L>,
    a_is_minus_3: bool,
    /// (u², u³) of the isomorphism (x, y) → (u²x, u³y) onto y² = x³ − 3x + b·u⁶, when the
    /// arithmetic runs there (a·u⁴ = −3: every brainpool curve has one, RFC 5639 §3).
    twist: Option<(Fe<L>, Fe<L>)>,
    g_width: usize,
    /// G, 3G, 5G, …, (2^(g_width−1) − 1)G (on the twist when there is one).
    g_table: Vec<Affine<L>>,
}

impl<const L: usize> Ctx<L> {
    /// `with_twist`: look for the a = −3 isomorphism (two or three exponentiations, worth it
    /// only for a curve whose context is kept).
    fn new(curve: &Curve, g_width: usize, with_twist: bool) -> Option<Self> {
        let f = MontField::<L>::new(&curve.p.modulus().as_ref().to_be_bytes())?;
        let a = f.to_mont(&limbs_from_be::<L>(&curve.a.retrieve().to_be_bytes())?);
        let three = f.add(&f.double(&f.one()), &f.one());
        let minus_3 = f.neg(&three);
        let a_is_minus_3 = a == minus_3;
        let twist = if a_is_minus_3 || !with_twist {
            None
        } else {
            twist_to_minus_3(&f, &a, &minus_3)
        };
        let mut ctx = Ctx {
            a: if twist.is_some() { minus_3 } else { a },
            f,
            a_is_minus_3: a_is_minus_3 || twist.is_some(),
            twist,
            g_width,
            g_table: Vec::new(),
        };
        let g = ctx.point(&curve.g)?;
        ctx.g_table = ctx.to_affine(&ctx.odd_multiples(&g, 1 << (g_width - 2)))?;
        Some(ctx)
    }

    fn fe(&self, v: &crypto_bigint::modular::BoxedMontyForm) -> Option<Fe<L>> {
        Some(
            self.f
                .to_mont(&limbs_from_be::<L>(&v.retrieve().to_be_bytes())?),
        )
    }

    /// A point of the curve in this context's coordinates (mapped onto the twist if any).
    fn point(&self, pt: &JacobianPoint) -> Option<Point<L>> {
        let (x, y, z) = (self.fe(&pt.x)?, self.fe(&pt.y)?, self.fe(&pt.z)?);
        Some(match &self.twist {
            Some((u2, u3)) => Point {
                x: self.f.mul(&x, u2),
                y: self.f.mul(&y, u3),
                z,
            },
            None => Point { x, y, z },
        })
    }

    fn identity(&self) -> Point<L> {
        Point {
            x: self.f.one(),
            y: self.f.one(),
            z: MontField::<L>::ZERO,
        }
    }

    /// 2P: `dbl-2001-b` when a = −3 (3M + 5S), else `dbl-2007-bl` (1M + 8S + 1·a).
    fn double(&self, pt: &Point<L>) -> Point<L> {
        let f = &self.f;
        if MontField::is_zero(&pt.z) || MontField::is_zero(&pt.y) {
            return self.identity();
        }
        if self.a_is_minus_3 {
            let delta = f.square(&pt.z);
            let gamma = f.square(&pt.y);
            let beta = f.mul(&pt.x, &gamma);
            let t = f.mul(&f.sub(&pt.x, &delta), &f.add(&pt.x, &delta));
            let alpha = f.add(&f.double(&t), &t);
            let beta4 = f.double(&f.double(&beta));
            let x3 = f.sub(&f.square(&alpha), &f.double(&beta4));
            let z3 = f.sub(&f.sub(&f.square(&f.add(&pt.y, &pt.z)), &gamma), &delta);
            let gamma2 = f.square(&gamma);
            let y3 = f.sub(
                &f.mul(&alpha, &f.sub(&beta4, &x3)),
                &f.double(&f.double(&f.double(&gamma2))),
            );
            return Point {
                x: x3,
                y: y3,
                z: z3,
            };
        }
        let xx = f.square(&pt.x);
        let yy = f.square(&pt.y);
        let yyyy = f.square(&yy);
        let zz = f.square(&pt.z);
        let s = f.double(&f.sub(&f.sub(&f.square(&f.add(&pt.x, &yy)), &xx), &yyyy));
        let m = f.add(&f.add(&f.double(&xx), &xx), &f.mul(&self.a, &f.square(&zz)));
        let t = f.sub(&f.square(&m), &f.double(&s));
        let y3 = f.sub(
            &f.mul(&m, &f.sub(&s, &t)),
            &f.double(&f.double(&f.double(&yyyy))),
        );
        let z3 = f.sub(&f.sub(&f.square(&f.add(&pt.y, &pt.z)), &yy), &zz);
        Point { x: t, y: y3, z: z3 }
    }

    /// P1 + P2, `add-2007-bl` (11M + 5S) with the doubling and inverse cases handled.
    fn add(&self, p1: &Point<L>, p2: &Point<L>) -> Point<L> {
        let f = &self.f;
        if MontField::is_zero(&p1.z) {
            return *p2;
        }
        if MontField::is_zero(&p2.z) {
            return *p1;
        }
        let z1z1 = f.square(&p1.z);
        let z2z2 = f.square(&p2.z);
        let u1 = f.mul(&p1.x, &z2z2);
        let u2 = f.mul(&p2.x, &z1z1);
        let s1 = f.mul(&f.mul(&p1.y, &p2.z), &z2z2);
        let s2 = f.mul(&f.mul(&p2.y, &p1.z), &z1z1);
        let h = f.sub(&u2, &u1);
        let r = f.double(&f.sub(&s2, &s1));
        if MontField::is_zero(&h) {
            return if MontField::is_zero(&r) {
                self.double(p1)
            } else {
                self.identity()
            };
        }
        let i = f.square(&f.double(&h));
        let j = f.mul(&h, &i);
        let v = f.mul(&u1, &i);
        let x3 = f.sub(&f.sub(&f.square(&r), &j), &f.double(&v));
        let y3 = f.sub(&f.mul(&r, &f.sub(&v, &x3)), &f.double(&f.mul(&s1, &j)));
        let z3 = f.mul(
            &f.sub(&f.sub(&f.square(&f.add(&p1.z, &p2.z)), &z1z1), &z2z2),
            &h,
        );
        Point {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// P1 + (x2, y2), `madd-2007-bl` (7M + 4S) with the doubling and inverse cases handled.
    fn add_affine(&self, p1: &Point<L>, x2: &Fe<L>, y2: &Fe<L>) -> Point<L> {
        let f = &self.f;
        if MontField::is_zero(&p1.z) {
            return Point {
                x: *x2,
                y: *y2,
                z: f.one(),
            };
        }
        let z1z1 = f.square(&p1.z);
        let u2 = f.mul(x2, &z1z1);
        let s2 = f.mul(&f.mul(y2, &p1.z), &z1z1);
        let h = f.sub(&u2, &p1.x);
        let r = f.double(&f.sub(&s2, &p1.y));
        if MontField::is_zero(&h) {
            return if MontField::is_zero(&r) {
                self.double(p1)
            } else {
                self.identity()
            };
        }
        let hh = f.square(&h);
        let i = f.double(&f.double(&hh));
        let j = f.mul(&h, &i);
        let v = f.mul(&p1.x, &i);
        let x3 = f.sub(&f.sub(&f.square(&r), &j), &f.double(&v));
        let y3 = f.sub(&f.mul(&r, &f.sub(&v, &x3)), &f.double(&f.mul(&p1.y, &j)));
        let z3 = f.sub(&f.sub(&f.square(&f.add(&p1.z, &h)), &z1z1), &hh);
        Point {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// P, 3P, 5P, …, (2·count − 1)P.
    fn odd_multiples(&self, p: &Point<L>, count: usize) -> Vec<Point<L>> {
        let p2 = self.double(p);
        let mut table = Vec::with_capacity(count);
        let mut prev = *p;
        table.push(prev);
        for _ in 1..count {
            prev = self.add(&prev, &p2);
            table.push(prev);
        }
        table
    }

    /// The affine forms of finite points, with one inversion (`None` if any is infinity).
    fn to_affine(&self, points: &[Point<L>]) -> Option<Vec<Affine<L>>> {
        let zs: Vec<Fe<L>> = points.iter().map(|p| p.z).collect();
        let inverses = self.f.batch_invert(&zs)?;
        Some(
            points
                .iter()
                .zip(&inverses)
                .map(|(p, zi)| {
                    let zi2 = self.f.square(zi);
                    Affine {
                        x: self.f.mul(&p.x, &zi2),
                        y: self.f.mul(&p.y, &self.f.mul(&zi2, zi)),
                    }
                })
                .collect(),
        )
    }

    /// acc ± table[|digit| / 2].
    fn add_digit(&self, acc: &Point<L>, table: &[Affine<L>], digit: i8) -> Point<L> {
        // |digit| < 2^(W−1) for the table's W, so the index is always in the table.
        let Some(entry) = table.get(usize::from(digit.unsigned_abs() / 2)) else {
            return *acc;
        };
        if digit > 0 {
            self.add_affine(acc, &entry.x, &entry.y)
        } else {
            self.add_affine(acc, &entry.x, &self.f.neg(&entry.y))
        }
    }

    /// The affine x of u1·G + u2·Q (or that it is the point at infinity); `None` when this
    /// path cannot compute it (Q is infinity or a small multiple of it is; a scalar wider than
    /// the field) and the caller must use the reference.
    fn mul_double_x(&self, u1: &BoxedUint, q: &JacobianPoint, u2: &BoxedUint) -> Option<Sum> {
        let q = self.point(q)?;
        if MontField::is_zero(&q.z) {
            return None;
        }
        let q_table = self.to_affine(&self.odd_multiples(&q, 1 << (W_Q - 2)))?;
        let naf1 = wnaf(&u1.to_be_bytes(), self.g_width);
        let naf2 = wnaf(&u2.to_be_bytes(), W_Q);
        let len = naf1.len().max(naf2.len());
        let digit = |naf: &[i8], i: usize| naf.get(i).copied().unwrap_or(0);
        let top = (0..len).rposition(|i| digit(&naf1, i) != 0 || digit(&naf2, i) != 0);
        let mut acc = self.identity();
        if let Some(top) = top {
            for i in (0..=top).rev() {
                acc = self.double(&acc);
                let (d1, d2) = (digit(&naf1, i), digit(&naf2, i));
                if d1 != 0 {
                    acc = self.add_digit(&acc, &self.g_table, d1);
                }
                if d2 != 0 {
                    acc = self.add_digit(&acc, &q_table, d2);
                }
            }
        }
        // x = X / Z² (/ u² back from the twist).
        let mut denominator = self.f.square(&acc.z);
        if let Some((u2, _)) = &self.twist {
            denominator = self.f.mul(&denominator, u2);
        }
        let Some(inv) = self.f.invert(&denominator) else {
            return Some(Sum::Infinity);
        };
        let x = self.f.retrieve(&self.f.mul(&acc.x, &inv));
        let bits = u32::try_from(64 * L).ok()?;
        BoxedUint::from_be_slice(&limbs_to_be(&x), bits)
            .ok()
            .map(Sum::Finite)
    }
}

/// (u², u³) with a·u⁴ = −3, when p ≡ 3 (mod 4) and −3/a is a fourth power.
fn twist_to_minus_3<const L: usize>(
    f: &MontField<L>,
    a: &Fe<L>,
    minus_3: &Fe<L>,
) -> Option<(Fe<L>, Fe<L>)> {
    let c = f.mul(minus_3, &f.invert(a)?);
    let s = f.sqrt(&c)?;
    // u² is whichever of ±s is itself a square (−1 is not one when p ≡ 3 mod 4).
    let u = f.sqrt(&s).or_else(|| f.sqrt(&f.neg(&s)))?;
    let u2 = f.square(&u);
    (f.mul(a, &f.square(&u2)) == *minus_3).then(|| (u2, f.mul(&u2, &u)))
}

/// Width-`w` non-adjacent form (2 ≤ w ≤ 8) of the unsigned big-endian `bytes`, least
/// significant digit first: every non-zero digit is odd, below 2^(w−1) in magnitude, and
/// followed by at least w − 1 zeros.
fn wnaf(bytes: &[u8], w: usize) -> Vec<i8> {
    let words: Vec<u64> = bytes
        .rchunks(8)
        .map(|c| c.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
        .collect();
    let bits = words.len() * 64;
    let mut naf = vec![0i8; bits + w + 1];
    let width = 1u64 << w;
    let mask = width - 1;
    let mut carry = 0u64;
    let mut pos = 0;
    let word = |i: usize| words.get(i).copied().unwrap_or(0);
    while pos <= bits {
        let (idx, bit) = (pos / 64, pos % 64);
        let buf = if bit + w <= 64 {
            word(idx) >> bit
        } else {
            (word(idx) >> bit) | (word(idx + 1) << (64 - bit))
        };
        let window = carry + (buf & mask);
        if window & 1 == 0 {
            pos += 1;
            continue;
        }
        // `window` ≤ 2^w and w ≤ 8, so both casts below are exact.
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
        pos += w;
    }
    naf
}

/// [`Ctx`] for the curve's limb count (2–10 limbs of 64 bits, i.e. fields up to 640 bits).
pub(super) enum Precomputed {
    L2(Box<Ctx<2>>),
    L3(Box<Ctx<3>>),
    L4(Box<Ctx<4>>),
    L5(Box<Ctx<5>>),
    L6(Box<Ctx<6>>),
    L7(Box<Ctx<7>>),
    L8(Box<Ctx<8>>),
    L9(Box<Ctx<9>>),
    L10(Box<Ctx<10>>),
}

impl fmt::Debug for Precomputed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (limbs, g_width, a_is_minus_3, twist) = self.shape();
        f.debug_struct("Precomputed")
            .field("limbs", &limbs)
            .field("g_width", &g_width)
            .field("a_is_minus_3", &a_is_minus_3)
            .field("twist", &twist)
            .finish()
    }
}

impl Precomputed {
    /// The context for `curve` with a G table of width `g_width` (2..=8), on the a = −3 twist
    /// when `twist` and the curve has one; `None` when the field is wider than 10 limbs or a
    /// small odd multiple of G is the point at infinity.
    pub(super) fn new(curve: &Curve, g_width: usize, twist: bool) -> Option<Self> {
        if !(2..=8).contains(&g_width) {
            return None;
        }
        Some(match curve.p_len.div_ceil(8) {
            0..=2 => Self::L2(Box::new(Ctx::new(curve, g_width, twist)?)),
            3 => Self::L3(Box::new(Ctx::new(curve, g_width, twist)?)),
            4 => Self::L4(Box::new(Ctx::new(curve, g_width, twist)?)),
            5 => Self::L5(Box::new(Ctx::new(curve, g_width, twist)?)),
            6 => Self::L6(Box::new(Ctx::new(curve, g_width, twist)?)),
            7 => Self::L7(Box::new(Ctx::new(curve, g_width, twist)?)),
            8 => Self::L8(Box::new(Ctx::new(curve, g_width, twist)?)),
            9 => Self::L9(Box::new(Ctx::new(curve, g_width, twist)?)),
            10 => Self::L10(Box::new(Ctx::new(curve, g_width, twist)?)),
            _ => return None,
        })
    }

    /// (limbs, G table width, a = −3 formulas, on a twist).
    fn shape(&self) -> (usize, usize, bool, bool) {
        macro_rules! shape {
            ($l:expr, $c:expr) => {
                ($l, $c.g_width, $c.a_is_minus_3, $c.twist.is_some())
            };
        }
        match self {
            Self::L2(c) => shape!(2, c),
            Self::L3(c) => shape!(3, c),
            Self::L4(c) => shape!(4, c),
            Self::L5(c) => shape!(5, c),
            Self::L6(c) => shape!(6, c),
            Self::L7(c) => shape!(7, c),
            Self::L8(c) => shape!(8, c),
            Self::L9(c) => shape!(9, c),
            Self::L10(c) => shape!(10, c),
        }
    }

    /// See [`Ctx::mul_double_x`].
    fn mul_double_x(&self, u1: &BoxedUint, q: &JacobianPoint, u2: &BoxedUint) -> Option<Sum> {
        match self {
            Self::L2(c) => c.mul_double_x(u1, q, u2),
            Self::L3(c) => c.mul_double_x(u1, q, u2),
            Self::L4(c) => c.mul_double_x(u1, q, u2),
            Self::L5(c) => c.mul_double_x(u1, q, u2),
            Self::L6(c) => c.mul_double_x(u1, q, u2),
            Self::L7(c) => c.mul_double_x(u1, q, u2),
            Self::L8(c) => c.mul_double_x(u1, q, u2),
            Self::L9(c) => c.mul_double_x(u1, q, u2),
            Self::L10(c) => c.mul_double_x(u1, q, u2),
        }
    }
}

impl Curve {
    /// The affine x coordinate of u1·G + u2·Q (`None` for the point at infinity), on the
    /// fixed-width fast path (fields of 2 to 10 limbs), else on the boxed
    /// [`Curve::mul_double_vartime`]. **Variable time: public scalars only.**
    pub fn mul_double_affine_x_vartime(
        &self,
        u1: &BoxedUint,
        q: &JacobianPoint,
        u2: &BoxedUint,
    ) -> Option<BoxedUint> {
        let fast = self.fast.get_or_init(|| self.precompute());
        match fast.as_ref().and_then(|fast| fast.mul_double_x(u1, q, u2)) {
            Some(Sum::Finite(x)) => return Some(x),
            Some(Sum::Infinity) => return None,
            None => {}
        }
        self.affine_x(&self.mul_double_vartime(u1, q, u2))
    }

    /// The fast path's context: a wide G table and the a = −3 twist for a cached curve.
    fn precompute(&self) -> Option<Precomputed> {
        let cached = self.g_width == W_G_CACHED;
        Precomputed::new(self, self.g_width, cached)
    }

    /// True when the fast path serves this curve (for tests and benches).
    pub fn has_fast_path(&self) -> bool {
        self.fast.get_or_init(|| self.precompute()).is_some()
    }

    /// How the fast path computes on this curve: (limbs, G table width, a = −3 doubling,
    /// on an isomorphic a = −3 curve); `None` when it does not serve the curve.
    pub fn fast_path_shape(&self) -> Option<(usize, usize, bool, bool)> {
        self.fast
            .get_or_init(|| self.precompute())
            .as_ref()
            .map(Precomputed::shape)
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
    fn wnaf_reconstructs_the_scalar_for_every_width() {
        for w in 2..=8 {
            for k in [
                0u64,
                1,
                2,
                15,
                16,
                17,
                31,
                127,
                128,
                255,
                0xFFFF_FFFF_FFFF_FFFF,
                0x8000_0000_0000_0001,
                0x5A5A_C3C3_0F0F_F0F0,
            ] {
                let naf = wnaf(&k.to_be_bytes(), w);
                assert_eq!(value(&naf), i128::from(k), "{k:x} w={w}");
                // Non-zero digits are odd, below 2^(w−1), and at least w apart.
                let nz: Vec<usize> = naf
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| **d != 0)
                    .map(|(i, _)| i)
                    .collect();
                assert!(nz.windows(2).all(|p| p[1] - p[0] >= w), "w={w}");
                let bound = 1i16 << (w - 1);
                assert!(
                    naf.iter()
                        .all(|d| *d == 0 || (d % 2 != 0 && i16::from(*d).abs() < bound))
                );
            }
        }
        let mut bytes = 7u64.to_be_bytes().to_vec();
        bytes.extend_from_slice(&u64::MAX.to_be_bytes());
        assert_eq!(
            value(&wnaf(&bytes, 5)),
            (7i128 << 64) | i128::from(u64::MAX)
        );
        assert_eq!(
            value(&wnaf(&bytes[5..], 8)),
            (7i128 << 64) | i128::from(u64::MAX)
        );
    }

    use super::super::{DomainParameters, fixed_be, with_precision};
    use crate::crypto::ec::{CurveName, KNOWN_CURVES};
    use crypto_bigint::modular::BoxedMontyForm;
    use sha2::{Digest, Sha512};

    /// A deterministic pseudo-random scalar below n.
    fn scalar(curve: &Curve, tag: &[u8]) -> BoxedUint {
        let mut bytes = Sha512::digest(tag).to_vec();
        bytes.extend_from_slice(&Sha512::digest([tag, b"2"].concat()));
        let wide = BoxedUint::from_be_slice_vartime(&bytes);
        with_precision(&wide.rem_vartime(&curve.n_uint), curve.precision)
    }

    fn small(curve: &Curve, v: u64) -> BoxedUint {
        with_precision(&BoxedUint::from(v), curve.precision)
    }

    fn n_minus(curve: &Curve, v: u64) -> BoxedUint {
        let n = with_precision(curve.n_uint.as_ref(), curve.precision);
        n.wrapping_sub(small(curve, v))
    }

    /// Both paths on (u1, Q, u2); returns the x the fast path computed (fixed length).
    fn both(
        curve: &Curve,
        u1: &BoxedUint,
        q: &JacobianPoint,
        u2: &BoxedUint,
        what: &str,
    ) -> Option<Vec<u8>> {
        let want = curve.affine_x(&curve.mul_double_vartime(u1, q, u2));
        let got = curve.mul_double_affine_x_vartime(u1, q, u2);
        let want = want.map(|v| fixed_be(&v, curve.p_len));
        let got = got.map(|v| fixed_be(&v, curve.p_len));
        assert_eq!(got, want, "{what}");
        got
    }

    /// Random scalars and points, and the edge cases: a sum at infinity, Q = ±G (the table
    /// additions meet doublings), zero and one scalars, Q in Jacobian form with Z ≠ 1.
    fn check_curve(curve: &Curve, label: &str) {
        assert!(curve.has_fast_path(), "{label}");
        let g = curve.generator().clone();
        for i in 0u8..8 {
            let k = scalar(curve, &[0, i]);
            let q = curve.mul_vartime(&g, &k);
            let q_affine = curve
                .decode_point(&curve.encode_point(&q).expect("finite"))
                .expect("on curve");
            let (u1, u2) = (scalar(curve, &[1, i]), scalar(curve, &[2, i]));
            let x = both(curve, &u1, &q, &u2, &format!("{label} random {i}"));
            assert!(x.is_some(), "{label} random {i}");
            both(curve, &u1, &q_affine, &u2, &format!("{label} affine Q {i}"));
            // k·G + (n − 1)·(k·G) = n·k·G = O.
            let inf = both(
                curve,
                &k,
                &q,
                &n_minus(curve, 1),
                &format!("{label} infinity {i}"),
            );
            assert_eq!(inf, None, "{label} infinity {i}");
        }
        let (zero, one) = (small(curve, 0), small(curve, 1));
        let u = scalar(curve, b"u");
        let neg_g = curve.mul_vartime(&g, &n_minus(curve, 1));
        for (what, u1, q, u2) in [
            ("u1 = 0", &zero, &g, &u),
            ("u2 = 0", &u, &g, &zero),
            ("both 0", &zero, &g, &zero),
            ("1·G + 1·G", &one, &g, &one),
            ("u·G + u·G", &u, &g, &u),
            ("u·G + u·(−G)", &u, &neg_g, &u),
            ("(n−1)·G + 1·G", &n_minus(curve, 1), &g, &one),
            (
                "(n−1)·G + (n−1)·G",
                &n_minus(curve, 1),
                &g,
                &n_minus(curve, 1),
            ),
        ] {
            both(curve, u1, q, u2, &format!("{label} {what}"));
        }
    }

    #[test]
    fn fast_path_matches_the_boxed_reference_on_every_known_curve() {
        for known in KNOWN_CURVES {
            let curve = Curve::known(known.name).expect("curve");
            check_curve(&curve, known.name.as_str());
        }
    }

    #[test]
    fn known_curves_compute_with_a_minus_3_and_a_wide_g_table() {
        for known in KNOWN_CURVES {
            let curve = Curve::known(known.name).expect("curve");
            let limbs = curve.field_len().div_ceil(8).max(2);
            let nist = known.name.as_str().starts_with("P-");
            // NIST curves have a = −3; every brainpool rX curve is isomorphic to its tX twist.
            assert_eq!(
                curve.fast_path_shape(),
                Some((limbs, W_G_CACHED, true, !nist)),
                "{}",
                known.name
            );
        }
        let one_shot = Curve::new(&CurveName::BrainpoolP512r1.known().expect("known").domain())
            .expect("curve");
        assert_eq!(
            one_shot.fast_path_shape(),
            Some((8, W_G_ONE_SHOT, false, false))
        );
    }

    /// The curve isomorphic to `name` under (x, y) → (u²x, u³y): a = a·u⁴, b = b·u⁶ — explicit
    /// parameters no table knows, with the same n, on which x(k·G') = u²·x(k·G).
    fn isomorphic(name: CurveName, u: u64) -> (Curve, Curve, BoxedMontyForm) {
        let base = Curve::known(name).expect("curve");
        let params = &base.p;
        let u = BoxedMontyForm::new(small(&base, u), params);
        let (u2, u3) = (u.square(), u.square().mul(&u));
        let (u4, u6) = (u2.square(), u3.square());
        let enc = |v: &BoxedMontyForm| fixed_be(&v.retrieve(), base.p_len);
        let domain = name.known().expect("known").domain();
        let mapped = DomainParameters {
            a: enc(&base.a.mul(&u4)),
            b: enc(&base.b.mul(&u6)),
            gx: enc(&base.g.x.mul(&u2)),
            gy: enc(&base.g.y.mul(&u3)),
            ..domain
        };
        let curve = Curve::new(&mapped).expect("isomorphic curve is valid");
        (base, curve, u2)
    }

    #[test]
    fn fast_path_matches_on_explicit_curves_no_table_knows() {
        for (name, u) in [
            (CurveName::BrainpoolP512r1, 2),
            (CurveName::P521, 3),
            (CurveName::BrainpoolP320r1, 5),
            (CurveName::P192, 7),
        ] {
            let (base, curve, u2) = isomorphic(name, u);
            let label = format!("{name} ≅ u = {u}");
            check_curve(&curve, &label);
            for i in 0u8..4 {
                let (k, u1, v) = (
                    scalar(&base, &[3, i]),
                    scalar(&base, &[4, i]),
                    scalar(&base, &[5, i]),
                );
                let q = base.mul_vartime(base.generator(), &k);
                let q_mapped = curve.mul_vartime(curve.generator(), &k);
                let x = base
                    .mul_double_affine_x_vartime(&u1, &q, &v)
                    .expect("finite");
                let x_mapped = curve
                    .mul_double_affine_x_vartime(&u1, &q_mapped, &v)
                    .expect("finite");
                let want =
                    BoxedMontyForm::new(with_precision(&x, base.precision), &base.p).mul(&u2);
                assert_eq!(
                    fixed_be(&x_mapped, base.p_len),
                    fixed_be(&want.retrieve(), base.p_len),
                    "{label} {i}"
                );
            }
        }
    }

    #[test]
    fn fast_path_serves_secp256k1_with_a_zero() {
        let hex = |s: &str| hex::decode(s).expect("hex");
        let curve = Curve::new(&DomainParameters {
            p: hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F"),
            a: vec![0],
            b: vec![7],
            gx: hex("79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798"),
            gy: hex("483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8"),
            n: hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141"),
            h: Some(vec![1]),
        })
        .expect("secp256k1");
        check_curve(&curve, "secp256k1");
    }

    #[test]
    fn a_wrong_order_is_still_refused() {
        let mut domain = CurveName::BrainpoolP512r1.known().expect("known").domain();
        if let Some(last) = domain.n.last_mut() {
            *last ^= 0x02;
        }
        assert!(matches!(
            Curve::new(&domain),
            Err(crate::crypto::ec::EcError::MalformedParameters(_))
        ));
    }
}
