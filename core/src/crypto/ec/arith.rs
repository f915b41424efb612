//! Generic short-Weierstrass arithmetic (y² = x³ + ax + b over GF(p)) with a runtime modulus,
//! on `crypto-bigint` 0.7 `BoxedMontyForm`. This module is ours: it covers the curves no
//! published RustCrypto crate covers (P-192, P-224, brainpoolP160/192/224/320/512r1) and any
//! unknown explicit curve, and it is the differential oracle for the `p256`/`bp256` crates.
//!
//! **Two kinds of scalar multiplication.** ECDSA verification handles only public values (key,
//! signature, message hash), so [`Curve::mul_double_vartime`] uses double-and-add with Shamir's
//! trick and early exits; it must never see a secret scalar (it is the reference the fast path,
//! [`Curve::mul_double_affine_x_vartime`] in `fixed.rs` on the fixed-width field of `field.rs`,
//! is tested against). Key agreement (PACE, CA) uses
//! [`Curve::mul_ct`] in `ct.rs`: a Montgomery ladder with complete addition formulas and
//! constant-time swaps. `swu.rs` is PACE Integrated Mapping's point encoding. The field
//! arithmetic itself (`BoxedMontyForm`) is constant time.

// The point formulas keep the notation of the EFD and SEC 1 (p, n, a, b, r, s, h, u1 …).
#![allow(clippy::many_single_char_names)]

use std::sync::{Arc, OnceLock};

use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, NonZero, Odd};

mod ct;
mod field;
mod fixed;
mod inverse;
mod swu;

use super::der_reader::strip_leading_zeros;
use super::{DomainParameters, EcError};

/// A curve ready for arithmetic: Montgomery parameters for p and n, a, b and the base point.
#[derive(Debug, Clone)]
pub struct Curve {
    precision: u32,
    p: BoxedMontyParams,
    n: BoxedMontyParams,
    n_uint: NonZero<BoxedUint>,
    n_bits: u32,
    p_len: usize,
    a: BoxedMontyForm,
    b: BoxedMontyForm,
    g: JacobianPoint,
    /// wNAF width of the precomputed G table of the fast path.
    g_width: usize,
    /// The fast path's per-curve context, built on first use and shared by clones (`None`
    /// when the fast path does not serve the curve).
    fast: Arc<OnceLock<Option<fixed::Precomputed>>>,
}

/// One slot per entry of [`super::KNOWN_CURVES`] (more slots than curves; a curve beyond them
/// is simply built each time): the well-known curves are built once per process, with the
/// fast path's G table, because ECDSA verification asks for them on every signature.
const CACHE_SLOTS: usize = 16;
static KNOWN_CACHE: [OnceLock<Option<Curve>>; CACHE_SLOTS] =
    [const { OnceLock::new() }; CACHE_SLOTS];

/// A point in Jacobian coordinates (X/Z², Y/Z³); Z = 0 is the point at infinity.
#[derive(Debug, Clone)]
pub struct JacobianPoint {
    x: BoxedMontyForm,
    y: BoxedMontyForm,
    z: BoxedMontyForm,
}

impl JacobianPoint {
    /// True for the point at infinity.
    pub fn is_identity(&self) -> bool {
        bool::from(self.z.is_zero())
    }
}

impl Curve {
    /// Builds a curve from domain parameters and checks them: p odd and > 3, n odd and > 1,
    /// a, b, G coordinates < p, G on the curve, n·G = O, and a cofactor of 1.
    ///
    /// Cofactor ≠ 1 is refused: ECDSA over a curve with a cofactor needs subgroup checks on every
    /// key, and no eMRTD curve has one. An absent cofactor is accepted only when n is at least as
    /// long as p, which (by Hasse's bound) forces h = 1.
    pub fn new(params: &DomainParameters) -> Result<Self, EcError> {
        Self::build(params, true, fixed::W_G_ONE_SHOT)
    }

    /// The curve for a known name, with its standard parameters (the n·G check is skipped: the
    /// constants are the published ones and are covered by tests). `None` for `Unknown`.
    ///
    /// Built once per process and cloned (the clone shares the fast path's precomputed table
    /// of G, so only the first verification on a curve pays for it).
    pub fn known(name: super::CurveName) -> Option<Self> {
        let index = super::KNOWN_CURVES.iter().position(|c| c.name == name)?;
        let build = || {
            super::KNOWN_CURVES
                .get(index)
                .and_then(|k| Self::build(&k.domain(), false, fixed::W_G_CACHED).ok())
        };
        match KNOWN_CACHE.get(index) {
            Some(slot) => slot.get_or_init(build).clone(),
            None => build(),
        }
    }

    fn build(
        params: &DomainParameters,
        check_order: bool,
        g_width: usize,
    ) -> Result<Self, EcError> {
        let bad = |what: &str| EcError::UnsupportedParameters(what.to_string());
        let p_bytes = strip_leading_zeros(&params.p);
        let n_bytes = strip_leading_zeros(&params.n);
        if p_bytes.len() > 80 || n_bytes.len() > 81 {
            return Err(bad("field larger than 640 bits"));
        }
        let precision = u32::try_from(p_bytes.len().max(n_bytes.len()) * 8)
            .map_err(|_| bad("field size"))?
            .max(64);
        let uint = |bytes: &[u8]| {
            BoxedUint::from_be_slice(strip_leading_zeros(bytes), precision)
                .map_err(|_| EcError::MalformedParameters("parameter too large".into()))
        };
        let p_uint = uint(p_bytes)?;
        let n_uint = uint(n_bytes)?;
        if p_uint.bit_width_vartime() < 8 || n_uint.bit_width_vartime() < 2 {
            return Err(bad("degenerate p or n"));
        }
        match params.h.as_deref().map(strip_leading_zeros) {
            Some([1]) => {}
            Some(_) => return Err(bad("cofactor other than 1")),
            None if n_uint.bit_width_vartime() >= p_uint.bit_width_vartime() => {}
            None => return Err(bad("absent cofactor with n shorter than p")),
        }
        let p_odd: Option<Odd<BoxedUint>> = Odd::new(p_uint.clone()).into();
        let n_odd: Option<Odd<BoxedUint>> = Odd::new(n_uint.clone()).into();
        let (Some(p_odd), Some(n_odd)) = (p_odd, n_odd) else {
            return Err(bad("even p or n"));
        };
        let p = BoxedMontyParams::new_vartime(p_odd);
        let n = BoxedMontyParams::new_vartime(n_odd);
        let n_nz: Option<NonZero<BoxedUint>> = NonZero::new(n_uint.clone()).into();
        let n_nz = n_nz.ok_or_else(|| bad("zero n"))?;
        let field = |bytes: &[u8]| -> Result<BoxedMontyForm, EcError> {
            let v = uint(bytes)?;
            if v >= p_uint {
                return Err(EcError::MalformedParameters(
                    "field element not below p".into(),
                ));
            }
            Ok(BoxedMontyForm::new(v, &p))
        };
        let a = field(&params.a)?;
        let b = field(&params.b)?;
        let gx = field(&params.gx)?;
        let gy = field(&params.gy)?;
        let g = JacobianPoint {
            x: gx,
            y: gy,
            z: BoxedMontyForm::one(&p),
        };
        let curve = Curve {
            precision,
            p_len: p_bytes.len(),
            n_bits: n_uint.bit_width_vartime(),
            p,
            n,
            n_uint: n_nz,
            a,
            b,
            g: g.clone(),
            g_width,
            fast: Arc::new(OnceLock::new()),
        };
        if !curve.is_on_curve(&g.x, &g.y) {
            return Err(EcError::MalformedParameters(
                "base point not on the curve".into(),
            ));
        }
        if check_order && !curve.order_of_g_divides(&n_uint) {
            return Err(EcError::MalformedParameters(
                "base point order is not n".into(),
            ));
        }
        Ok(curve)
    }

    /// n·G = O, on the fast path (as n·G + 0·G) where it serves the curve.
    fn order_of_g_divides(&self, n: &BoxedUint) -> bool {
        let zero = BoxedUint::zero_with_precision(self.precision);
        if self.has_fast_path() {
            self.mul_double_affine_x_vartime(n, &self.g, &zero)
                .is_none()
        } else {
            self.mul_vartime(&self.g, n).is_identity()
        }
    }

    /// Bit length of the order n.
    pub fn order_bits(&self) -> u32 {
        self.n_bits
    }

    /// Bytes in a field element (the length of x and y in an uncompressed point).
    pub fn field_len(&self) -> usize {
        self.p_len
    }

    /// The base point G.
    pub fn generator(&self) -> &JacobianPoint {
        &self.g
    }

    fn is_on_curve(&self, x: &BoxedMontyForm, y: &BoxedMontyForm) -> bool {
        let rhs = x.square().mul(x).add(&self.a.mul(x)).add(&self.b);
        y.square() == rhs
    }

    /// Decodes an uncompressed SEC1 point (`04 ‖ X ‖ Y`) and checks that it lies on the curve.
    /// The point at infinity (`00`), compressed and hybrid encodings are refused (eMRTD keys
    /// are uncompressed; decompression would need a square root that verification does not).
    pub fn decode_point(&self, sec1: &[u8]) -> Result<JacobianPoint, EcError> {
        let (&prefix, coords) = sec1
            .split_first()
            .ok_or_else(|| EcError::InvalidPoint("empty point".into()))?;
        match prefix {
            0x04 => {}
            0x00 => return Err(EcError::InvalidPoint("point at infinity".into())),
            0x02 | 0x03 => {
                return Err(EcError::UnsupportedParameters(
                    "compressed point on a curve without a crate".into(),
                ));
            }
            other => {
                return Err(EcError::InvalidPoint(format!(
                    "point encoding prefix {other:02X}"
                )));
            }
        }
        if coords.len() != 2 * self.p_len {
            return Err(EcError::InvalidPoint(format!(
                "point of {} bytes, expected {}",
                sec1.len(),
                1 + 2 * self.p_len
            )));
        }
        let (xb, yb) = coords.split_at(self.p_len);
        let modulus = self.p.modulus().as_ref();
        let coord = |bytes: &[u8]| -> Result<BoxedMontyForm, EcError> {
            let v = BoxedUint::from_be_slice(bytes, self.precision)
                .map_err(|_| EcError::InvalidPoint("coordinate too long".into()))?;
            if v >= *modulus {
                return Err(EcError::InvalidPoint("coordinate not below p".into()));
            }
            Ok(BoxedMontyForm::new(v, &self.p))
        };
        let x = coord(xb)?;
        let y = coord(yb)?;
        if !self.is_on_curve(&x, &y) {
            return Err(EcError::InvalidPoint("point not on the curve".into()));
        }
        Ok(JacobianPoint {
            x,
            y,
            z: BoxedMontyForm::one(&self.p),
        })
    }

    fn identity(&self) -> JacobianPoint {
        JacobianPoint {
            x: BoxedMontyForm::one(&self.p),
            y: BoxedMontyForm::one(&self.p),
            z: BoxedMontyForm::zero(&self.p),
        }
    }

    /// Point doubling, `dbl-2007-bl` (any a).
    pub fn double(&self, pt: &JacobianPoint) -> JacobianPoint {
        if pt.is_identity() || bool::from(pt.y.is_zero()) {
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
        JacobianPoint { x: t, y: y3, z: z3 }
    }

    /// Point addition, `add-2007-bl`, with the doubling and inverse cases handled.
    pub fn add(&self, p1: &JacobianPoint, p2: &JacobianPoint) -> JacobianPoint {
        if p1.is_identity() {
            return p2.clone();
        }
        if p2.is_identity() {
            return p1.clone();
        }
        let z1z1 = p1.z.square();
        let z2z2 = p2.z.square();
        let u1 = p1.x.mul(&z2z2);
        let u2 = p2.x.mul(&z1z1);
        let s1 = p1.y.mul(&p2.z).mul(&z2z2);
        let s2 = p2.y.mul(&p1.z).mul(&z1z1);
        let h = u2.sub(&u1);
        let r = s2.sub(&s1).double();
        if bool::from(h.is_zero()) {
            return if bool::from(r.is_zero()) {
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
        JacobianPoint {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// k·P by double-and-add. **Variable time: public scalars only.**
    pub fn mul_vartime(&self, pt: &JacobianPoint, k: &BoxedUint) -> JacobianPoint {
        let mut acc = self.identity();
        for i in (0..k.bit_width_vartime()).rev() {
            acc = self.double(&acc);
            if k.bit_vartime(i) {
                acc = self.add(&acc, pt);
            }
        }
        acc
    }

    /// u1·G + u2·Q with Shamir's trick. **Variable time: public scalars only.**
    pub fn mul_double_vartime(
        &self,
        u1: &BoxedUint,
        q: &JacobianPoint,
        u2: &BoxedUint,
    ) -> JacobianPoint {
        let gq = self.add(&self.g, q);
        let bits = u1.bit_width_vartime().max(u2.bit_width_vartime());
        let mut acc = self.identity();
        for i in (0..bits).rev() {
            acc = self.double(&acc);
            match (u1.bit_vartime(i), u2.bit_vartime(i)) {
                (true, true) => acc = self.add(&acc, &gq),
                (true, false) => acc = self.add(&acc, &self.g),
                (false, true) => acc = self.add(&acc, q),
                (false, false) => {}
            }
        }
        acc
    }

    /// The affine x coordinate of a finite point (`None` for infinity).
    pub fn affine_x(&self, pt: &JacobianPoint) -> Option<BoxedUint> {
        let z_inv: Option<BoxedMontyForm> = pt.z.invert_vartime().into();
        z_inv.map(|zi| pt.x.mul(&zi.square()).retrieve())
    }

    /// Encodes a finite point as uncompressed SEC1 (`04 ‖ X ‖ Y`); `None` for infinity.
    pub fn encode_point(&self, pt: &JacobianPoint) -> Option<Vec<u8>> {
        let z_inv: Option<BoxedMontyForm> = pt.z.invert_vartime().into();
        let zi = z_inv?;
        let zi2 = zi.square();
        let x = pt.x.mul(&zi2).retrieve();
        let y = pt.y.mul(&zi2.mul(&zi)).retrieve();
        let mut out = Vec::with_capacity(1 + 2 * self.p_len);
        out.push(0x04);
        out.extend_from_slice(&fixed_be(&x, self.p_len));
        out.extend_from_slice(&fixed_be(&y, self.p_len));
        Some(out)
    }

    /// ECDSA verification (ANSI X9.62 / SEC 1 §4.1.4, BSI TR-03111 §4.2.1.2) of `(r, s)` —
    /// unsigned big-endian — over the message hash `hash` with public key `q`.
    ///
    /// r and s must lie in [1, n−1]; the hash is truncated to the bit length of n; the result
    /// u1·G + u2·Q must not be the point at infinity, and its x mod n must equal r.
    pub fn verify_ecdsa_prehash(
        &self,
        q: &JacobianPoint,
        hash: &[u8],
        r: &[u8],
        s: &[u8],
    ) -> Result<(), EcError> {
        if q.is_identity() {
            return Err(EcError::InvalidPoint("point at infinity".into()));
        }
        let n = self.n_uint.as_ref();
        let scalar = |bytes: &[u8]| -> Option<BoxedUint> {
            let v = BoxedUint::from_be_slice(strip_leading_zeros(bytes), self.precision).ok()?;
            (!bool::from(v.is_zero()) && v < *n).then_some(v)
        };
        let (Some(r_int), Some(s_int)) = (scalar(r), scalar(s)) else {
            return Err(EcError::SignatureOutOfRange);
        };
        let e = self.hash_to_scalar(hash);
        let w = invert_mod_n_vartime(&s_int, n).ok_or(EcError::SignatureOutOfRange)?;
        let w = BoxedMontyForm::new(with_precision(&w, self.precision), &self.n);
        let u1 = BoxedMontyForm::new(e, &self.n).mul(&w).retrieve();
        let u2 = BoxedMontyForm::new(r_int.clone(), &self.n)
            .mul(&w)
            .retrieve();
        match self.ecdsa_x_matches_vartime(&u1, q, &u2, &r_int) {
            Some(true) => Ok(()),
            Some(false) | None => Err(EcError::Invalid),
        }
    }

    /// The leftmost bit-length(n) bits of `hash` as an integer, reduced mod n.
    fn hash_to_scalar(&self, hash: &[u8]) -> BoxedUint {
        let n_bits = self.n_bits as usize;
        let hash_bits = hash.len() * 8;
        let (bytes, shift) = if hash_bits > n_bits {
            let keep = n_bits.div_ceil(8);
            (hash.get(..keep).unwrap_or(hash), keep * 8 - n_bits)
        } else {
            (hash, 0)
        };
        let wide = BoxedUint::from_be_slice_vartime(bytes);
        let shifted = wide
            .shr_vartime(u32::try_from(shift).unwrap_or(0))
            .unwrap_or(wide);
        let reduced = shifted.rem_vartime(&self.n_uint);
        with_precision(&reduced, self.precision)
    }
}

/// s⁻¹ mod n for public values (the binary extended Euclidean algorithm of `inverse.rs`).
fn invert_mod_n_vartime(s: &BoxedUint, n: &BoxedUint) -> Option<BoxedUint> {
    let words = |v: &BoxedUint, len: usize| -> Vec<u64> {
        let mut out: Vec<u64> = v
            .to_be_bytes()
            .rchunks(8)
            .map(|c| c.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
            .collect();
        out.resize(len, 0);
        out
    };
    let len = n.to_be_bytes().len().div_ceil(8);
    let inv = inverse::invert_mod_vartime(&words(s, len), &words(n, len))?;
    let bytes: Vec<u8> = inv.iter().rev().flat_map(|w| w.to_be_bytes()).collect();
    Some(BoxedUint::from_be_slice_vartime(&bytes))
}

/// `v` re-encoded with exactly `precision` bits (`v` must fit, which callers guarantee).
fn with_precision(v: &BoxedUint, precision: u32) -> BoxedUint {
    if v.bits_precision() == precision {
        return v.clone();
    }
    let bytes = v.to_be_bytes();
    BoxedUint::from_be_slice(strip_leading_zeros(&bytes), precision)
        .unwrap_or_else(|_| BoxedUint::zero_with_precision(precision))
}

/// Big-endian bytes of `v`, left-padded or trimmed to exactly `len` bytes.
fn fixed_be(v: &BoxedUint, len: usize) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let trimmed = strip_leading_zeros(&bytes);
    let mut out = vec![0u8; len.saturating_sub(trimmed.len())];
    out.extend_from_slice(trimmed);
    out
}
