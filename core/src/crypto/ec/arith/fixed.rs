//! The fast path of ECDSA verification: u1·G + u2·Q on fixed-width `[u64; L]` Montgomery
//! arithmetic ([`super::field`], one monomorphisation per limb count 2–10, the modulus held
//! once, nothing on the heap per operation), Jacobian coordinates with mixed Jacobian + affine
//! additions, the a = −3 doubling where it applies (P-192, P-224, explicit NIST-style curves;
//! and every cached brainpool curve, computed on its isomorphic a = −3 twist, RFC 5639 §3),
//! and one interleaved wNAF chain (Shamir's trick: a single run of doublings for both scalars).
//!
//! The odd multiples of G are computed once per curve in affine form ([`Precomputed`], held by
//! the [`Curve`] and shared by its clones; `Curve::known` caches one `Curve` per well-known
//! curve for the process): width 8 (64 points) for the cached curves, width 5 for a curve built
//! from explicit parameters for one verification. The 8 odd multiples of Q are built per
//! verification and made affine with one inversion (Montgomery's trick). ECDSA's last step
//! compares x(u1·G + u2·Q) with r, r + n, … projectively ([`Curve::ecdsa_x_matches_vartime`]),
//! so no inversion is spent on the result; inversions use the binary algorithm of `inverse.rs`.
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
    /// A finite point; whether its affine x is one of the candidates asked about.
    Matches(bool),
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
    /// With `candidates` (big-endian values below p), whether the affine x is one of them,
    /// checked projectively as X = c·Z² (·u²) without an inversion.
    fn mul_double_x(
        &self,
        u1: &BoxedUint,
        q: &JacobianPoint,
        u2: &BoxedUint,
        candidates: Option<&[Vec<u8>]>,
    ) -> Option<Sum> {
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
        if MontField::is_zero(&acc.z) {
            return Some(Sum::Infinity);
        }
        // x = X / Z² (/ u² back from the twist).
        let mut denominator = self.f.square(&acc.z);
        if let Some((u2, _)) = &self.twist {
            denominator = self.f.mul(&denominator, u2);
        }
        if let Some(candidates) = candidates {
            let mut hit = false;
            for c in candidates {
                let c = self.f.to_mont(&limbs_from_be::<L>(c)?);
                hit |= self.f.mul(&c, &denominator) == acc.x;
            }
            return Some(Sum::Matches(hit));
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

/// [`Ctx`] for the curve's limb count: only the counts of the curves eMRTDs use on this path,
/// 3 (P-192, brainpoolP160/192r1), 4 (P-224, brainpoolP224r1, and any 256-bit explicit curve),
/// 5 (brainpoolP320r1) and 8 (brainpoolP512r1). Each count is a full copy of the field and
/// point code (~23 KB in the phones' library, docs/ffi.md); P-256/384/521 and
/// brainpoolP256/384r1 verify through their crates, so other counts (6, 9: an explicit curve
/// of those sizes that no table names; 2, 7, 10: no eMRTD curve) take the boxed path, which is
/// correct and about 3× slower.
pub(super) enum Precomputed {
    L3(Box<Ctx<3>>),
    L4(Box<Ctx<4>>),
    L5(Box<Ctx<5>>),
    L8(Box<Ctx<8>>),
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
    /// when `twist` and the curve has one; `None` for a limb count other than 3, 4, 5 or 8, or when a
    /// small odd multiple of G is the point at infinity.
    pub(super) fn new(curve: &Curve, g_width: usize, twist: bool) -> Option<Self> {
        if !(2..=8).contains(&g_width) {
            return None;
        }
        Some(match curve.p_len.div_ceil(8) {
            3 => Self::L3(Box::new(Ctx::new(curve, g_width, twist)?)),
            4 => Self::L4(Box::new(Ctx::new(curve, g_width, twist)?)),
            5 => Self::L5(Box::new(Ctx::new(curve, g_width, twist)?)),
            8 => Self::L8(Box::new(Ctx::new(curve, g_width, twist)?)),
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
            Self::L3(c) => shape!(3, c),
            Self::L4(c) => shape!(4, c),
            Self::L5(c) => shape!(5, c),
            Self::L8(c) => shape!(8, c),
        }
    }

    /// See [`Ctx::mul_double_x`].
    fn mul_double_x(
        &self,
        u1: &BoxedUint,
        q: &JacobianPoint,
        u2: &BoxedUint,
        candidates: Option<&[Vec<u8>]>,
    ) -> Option<Sum> {
        match self {
            Self::L3(c) => c.mul_double_x(u1, q, u2, candidates),
            Self::L4(c) => c.mul_double_x(u1, q, u2, candidates),
            Self::L5(c) => c.mul_double_x(u1, q, u2, candidates),
            Self::L8(c) => c.mul_double_x(u1, q, u2, candidates),
        }
    }
}

impl Curve {
    /// The affine x coordinate of u1·G + u2·Q (`None` for the point at infinity), on the
    /// fixed-width fast path (fields of 3, 4, 5 or 8 limbs), else on the boxed
    /// [`Curve::mul_double_vartime`]. **Variable time: public scalars only.**
    pub fn mul_double_affine_x_vartime(
        &self,
        u1: &BoxedUint,
        q: &JacobianPoint,
        u2: &BoxedUint,
    ) -> Option<BoxedUint> {
        let fast = self.fast.get_or_init(|| self.precompute());
        match fast
            .as_ref()
            .and_then(|fast| fast.mul_double_x(u1, q, u2, None))
        {
            Some(Sum::Finite(x)) => return Some(x),
            Some(Sum::Infinity) => return None,
            Some(Sum::Matches(_)) | None => {}
        }
        self.affine_x(&self.mul_double_vartime(u1, q, u2))
    }

    /// Whether u1·G + u2·Q is a finite point whose affine x is ≡ r (mod n) — the last step of
    /// ECDSA verification — without computing x: the values r, r + n, … below p are compared
    /// projectively. `None` for the point at infinity. **Variable time: public values only.**
    pub fn ecdsa_x_matches_vartime(
        &self,
        u1: &BoxedUint,
        q: &JacobianPoint,
        u2: &BoxedUint,
        r: &BoxedUint,
    ) -> Option<bool> {
        let fast = self.fast.get_or_init(|| self.precompute());
        let candidates = self.x_candidates(r);
        match fast
            .as_ref()
            .and_then(|fast| fast.mul_double_x(u1, q, u2, Some(&candidates)))
        {
            Some(Sum::Matches(hit)) => Some(hit),
            Some(Sum::Infinity) => None,
            Some(Sum::Finite(_)) | None => {
                let x = self.affine_x(&self.mul_double_vartime(u1, q, u2))?;
                let v = super::with_precision(&x.rem_vartime(&self.n_uint), self.precision);
                Some(v == super::with_precision(r, self.precision))
            }
        }
    }

    /// r, r + n, r + 2n, … while below p, big-endian (an x below p with x mod n = r is one of
    /// them; with a cofactor of 1 there are at most two).
    fn x_candidates(&self, r: &BoxedUint) -> Vec<Vec<u8>> {
        let p = self.p.modulus().as_ref();
        let n = self.n_uint.as_ref();
        let mut out = Vec::new();
        let mut c = super::with_precision(r, self.precision);
        while c < *p {
            out.push(c.to_be_bytes().to_vec());
            let (next, overflow) = c.overflowing_add(n);
            if bool::from(overflow) {
                break;
            }
            c = next;
        }
        out
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
mod tests;
