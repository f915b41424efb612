//! Montgomery arithmetic modulo a runtime odd prime on fixed-width `[u64; L]` limbs, with the
//! modulus parameters held once (in [`MontField`]) rather than in every element, so a field
//! element is just `L` words on the stack and a multiplication is one CIOS loop.
//!
//! This is the field under the fast ECDSA-verification path ([`super::fixed`]): it is
//! **variable time** (the final subtractions and inversion branch on the values) and must only
//! see public data. The constant-time key-agreement code keeps `BoxedMontyForm`.
//!
//! Elements are always fully reduced (in [0, p)) Montgomery residues x·R mod p, R = 2^(64·L).

// Every index below ranges over `0..L` on `[u64; L]` arrays (or `L + 1` on `[u64; L + 1]`
// built here), never over input data; the compiler removes the checks.
#![allow(clippy::indexing_slicing)]
// Limb arithmetic: the casts split a u128 product into its two u64 halves on purpose.
#![allow(clippy::cast_possible_truncation)]

/// The widest field the fast path serves: 10 limbs, 640 bits (the generic module's limit).
pub(super) const MAX_LIMBS: usize = 10;

/// A field element in Montgomery form, little-endian limbs.
pub(super) type Fe<const L: usize> = [u64; L];

/// The parameters of GF(p) for Montgomery arithmetic with `L` limbs.
#[derive(Debug, Clone)]
pub(super) struct MontField<const L: usize> {
    /// The modulus p (odd, < 2^(64·L)).
    p: [u64; L],
    /// −p⁻¹ mod 2⁶⁴.
    n0: u64,
    /// R² mod p: multiplying by it enters Montgomery form.
    r2: [u64; L],
    /// R³ mod p: turns a plain inverse of a Montgomery residue back into Montgomery form.
    r3: [u64; L],
    /// R mod p, i.e. 1 in Montgomery form.
    one: [u64; L],
}

/// The little-endian limbs of the unsigned big-endian `bytes` (`None` if it needs more than `L`).
pub(super) fn limbs_from_be<const L: usize>(bytes: &[u8]) -> Option<[u64; L]> {
    let mut out = [0u64; L];
    let mut chunks = bytes.rchunks(8);
    for limb in &mut out {
        let Some(chunk) = chunks.next() else { break };
        *limb = chunk.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    }
    chunks.all(|c| c.iter().all(|b| *b == 0)).then_some(out)
}

/// The big-endian bytes (8·L of them) of little-endian limbs.
pub(super) fn limbs_to_be<const L: usize>(limbs: &[u64; L]) -> Vec<u8> {
    limbs.iter().rev().flat_map(|w| w.to_be_bytes()).collect()
}

/// `a + b + carry` → (sum, carry).
#[inline]
fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let t = u128::from(a) + u128::from(b) + u128::from(carry);
    (t as u64, (t >> 64) as u64)
}

/// `a − b − borrow` → (difference, borrow ∈ {0, 1}).
#[inline]
fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    let t = u128::from(a)
        .wrapping_sub(u128::from(b))
        .wrapping_sub(u128::from(borrow));
    (t as u64, (t >> 127) as u64)
}

/// `acc + a·b + carry` → (low word, high word); cannot overflow a u128.
#[inline]
fn mac(acc: u64, a: u64, b: u64, carry: u64) -> (u64, u64) {
    let t = u128::from(acc) + u128::from(a) * u128::from(b) + u128::from(carry);
    (t as u64, (t >> 64) as u64)
}

/// `a ≥ b` on little-endian limbs.
#[inline]
fn geq<const L: usize>(a: &[u64; L], b: &[u64; L]) -> bool {
    for i in (0..L).rev() {
        if a[i] != b[i] {
            return a[i] > b[i];
        }
    }
    true
}

/// `a − b` (wrapping) and the final borrow.
#[inline]
fn sub_limbs<const L: usize>(a: &[u64; L], b: &[u64; L]) -> ([u64; L], u64) {
    let mut out = [0u64; L];
    let mut borrow = 0;
    for i in 0..L {
        (out[i], borrow) = sbb(a[i], b[i], borrow);
    }
    (out, borrow)
}

/// `a + b` (wrapping) and the final carry.
#[inline]
fn add_limbs<const L: usize>(a: &[u64; L], b: &[u64; L]) -> ([u64; L], u64) {
    let mut out = [0u64; L];
    let mut carry = 0;
    for i in 0..L {
        (out[i], carry) = adc(a[i], b[i], carry);
    }
    (out, carry)
}

impl<const L: usize> MontField<L> {
    /// The field for an odd modulus p > 1, big-endian, of at most `L` limbs (`None` otherwise).
    pub(super) fn new(p_be: &[u8]) -> Option<Self> {
        let p = limbs_from_be::<L>(p_be)?;
        if p[0] & 1 == 0 || (p[0] == 1 && p.iter().skip(1).all(|w| *w == 0)) {
            return None;
        }
        // Newton's iteration doubles the correct low bits: 1 → 2 → … → 64 after 6 steps.
        let p0 = p[0];
        let mut inv = 1u64;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(p0.wrapping_mul(inv)));
        }
        let mut field = MontField {
            p,
            n0: inv.wrapping_neg(),
            r2: [0; L],
            r3: [0; L],
            one: [0; L],
        };
        // R mod p and R² mod p by doubling 1 (a plain value: `add` does not care), 64·L times each.
        let mut v = [0u64; L];
        v[0] = 1;
        for _ in 0..64 * L {
            v = field.double(&v);
        }
        field.one = v;
        for _ in 0..64 * L {
            v = field.double(&v);
        }
        field.r2 = v;
        field.r3 = field.mul(&field.r2, &field.r2);
        Some(field)
    }

    /// 0.
    pub(super) const ZERO: Fe<L> = [0; L];

    /// 1 in Montgomery form.
    pub(super) fn one(&self) -> Fe<L> {
        self.one
    }

    /// True for 0.
    pub(super) fn is_zero(a: &Fe<L>) -> bool {
        a.iter().all(|w| *w == 0)
    }

    /// Enters Montgomery form; `x` (little-endian words) must be below p.
    pub(super) fn to_mont(&self, words: &[u64]) -> Fe<L> {
        let mut x = [0u64; L];
        for (o, w) in x.iter_mut().zip(words) {
            *o = *w;
        }
        self.mul(&x, &self.r2)
    }

    /// Leaves Montgomery form: the canonical value as little-endian words.
    pub(super) fn retrieve(&self, a: &Fe<L>) -> [u64; L] {
        let mut one = [0u64; L];
        one[0] = 1;
        self.mul(a, &one)
    }

    /// a·b·R⁻¹ mod p (CIOS, Koç et al. 1996), fully reduced.
    #[inline]
    pub(super) fn mul(&self, a: &Fe<L>, b: &Fe<L>) -> Fe<L> {
        let p = &self.p;
        // t = t[0..L] + t_hi·2^(64L); after each round t < 2p < 2^(64L+1).
        let mut t = [0u64; L];
        let mut t_hi = 0u64;
        for &bi in b {
            let mut carry = 0;
            for j in 0..L {
                (t[j], carry) = mac(t[j], a[j], bi, carry);
            }
            let (hi, top) = adc(t_hi, carry, 0);
            let m = t[0].wrapping_mul(self.n0);
            let (_, mut carry) = mac(t[0], m, p[0], 0);
            for j in 1..L {
                (t[j - 1], carry) = mac(t[j], m, p[j], carry);
            }
            let (last, c) = adc(hi, carry, 0);
            t[L - 1] = last;
            t_hi = top + c;
        }
        if t_hi != 0 || geq(&t, p) {
            sub_limbs(&t, p).0
        } else {
            t
        }
    }

    /// a²·R⁻¹ mod p: the double-width square (each cross product once, then doubled, then
    /// the diagonal), then Montgomery reduction (SOS) — about 3/4 of a multiplication's work.
    #[inline]
    pub(super) fn square(&self, a: &Fe<L>) -> Fe<L> {
        if L > MAX_LIMBS {
            return self.mul(a, a);
        }
        let p = &self.p;
        let mut w = [0u64; 2 * MAX_LIMBS];
        for i in 0..L {
            let mut carry = 0;
            for j in (i + 1)..L {
                (w[i + j], carry) = mac(w[i + j], a[i], a[j], carry);
            }
            w[i + L] = carry;
        }
        let mut high_bit = 0;
        for word in w.iter_mut().take(2 * L) {
            let next = *word >> 63;
            *word = (*word << 1) | high_bit;
            high_bit = next;
        }
        let mut carry = 0;
        for i in 0..L {
            let sq = u128::from(a[i]) * u128::from(a[i]);
            (w[2 * i], carry) = adc(w[2 * i], sq as u64, carry);
            (w[2 * i + 1], carry) = adc(w[2 * i + 1], (sq >> 64) as u64, carry);
        }
        // Reduction: w < p² < p·R, so the result is below 2p.
        let mut top = 0;
        for i in 0..L {
            let m = w[i].wrapping_mul(self.n0);
            let mut carry = 0;
            for j in 0..L {
                (w[i + j], carry) = mac(w[i + j], m, p[j], carry);
            }
            (w[i + L], top) = adc(w[i + L], carry, top);
        }
        let mut t = [0u64; L];
        t.copy_from_slice(&w[L..2 * L]);
        if top != 0 || geq(&t, p) {
            sub_limbs(&t, p).0
        } else {
            t
        }
    }

    /// a + b mod p.
    #[inline]
    pub(super) fn add(&self, a: &Fe<L>, b: &Fe<L>) -> Fe<L> {
        let (s, carry) = add_limbs(a, b);
        if carry != 0 || geq(&s, &self.p) {
            sub_limbs(&s, &self.p).0
        } else {
            s
        }
    }

    /// 2a mod p.
    #[inline]
    pub(super) fn double(&self, a: &Fe<L>) -> Fe<L> {
        self.add(a, a)
    }

    /// a − b mod p.
    #[inline]
    pub(super) fn sub(&self, a: &Fe<L>, b: &Fe<L>) -> Fe<L> {
        let (d, borrow) = sub_limbs(a, b);
        if borrow != 0 {
            add_limbs(&d, &self.p).0
        } else {
            d
        }
    }

    /// −a mod p.
    #[inline]
    pub(super) fn neg(&self, a: &Fe<L>) -> Fe<L> {
        if Self::is_zero(a) {
            *a
        } else {
            sub_limbs(&self.p, a).0
        }
    }

    /// aᵉ for the plain exponent `e` (little-endian limbs), by square-and-multiply. Variable
    /// time in `e`.
    pub(super) fn pow(&self, a: &Fe<L>, e: &[u64; L]) -> Fe<L> {
        let mut acc = self.one;
        for word in e.iter().rev() {
            for bit in (0..64).rev() {
                acc = self.square(&acc);
                if (word >> bit) & 1 == 1 {
                    acc = self.mul(&acc, a);
                }
            }
        }
        acc
    }

    /// A square root of a when p ≡ 3 (mod 4): a^((p+1)/4), checked (`None` when a is not a
    /// square or p ≢ 3 mod 4). Variable time.
    pub(super) fn sqrt(&self, a: &Fe<L>) -> Option<Fe<L>> {
        if self.p[0] & 3 != 3 {
            return None;
        }
        // (p + 1) / 4 = (p >> 2) + 1, since p ≡ 3 (mod 4).
        let mut e = [0u64; L];
        for (i, slot) in e.iter_mut().enumerate() {
            let next = self.p.get(i + 1).copied().unwrap_or(0);
            *slot = (self.p[i] >> 2) | (next << 62);
        }
        let mut one = [0u64; L];
        one[0] = 1;
        let (e, _) = add_limbs(&e, &one);
        let root = self.pow(a, &e);
        (self.square(&root) == *a).then_some(root)
    }

    /// a⁻¹ mod p in Montgomery form (`None` for 0). Variable time.
    pub(super) fn invert(&self, a: &Fe<L>) -> Option<Fe<L>> {
        // a = x·R; the plain inverse is x⁻¹·R⁻¹, and mul(·, R³) = x⁻¹·R.
        let inv = super::inverse::invert_mod_vartime(a, &self.p)?;
        let mut words = [0u64; L];
        for (w, v) in words.iter_mut().zip(&inv) {
            *w = *v;
        }
        Some(self.mul(&words, &self.r3))
    }

    /// The inverses of every element of `values` with one inversion (Montgomery's trick);
    /// `None` when any of them is 0.
    pub(super) fn batch_invert(&self, values: &[Fe<L>]) -> Option<Vec<Fe<L>>> {
        // prefix[i] = v0·…·v(i−1)
        let mut prefix = Vec::with_capacity(values.len());
        let mut acc = self.one;
        for v in values {
            prefix.push(acc);
            acc = self.mul(&acc, v);
        }
        let mut inv = self.invert(&acc)?;
        let mut out = vec![[0u64; L]; values.len()];
        for ((slot, v), pre) in out.iter_mut().zip(values).zip(&prefix).rev() {
            *slot = self.mul(&inv, pre);
            inv = self.mul(&inv, v);
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
    use crypto_bigint::{BoxedUint, Odd};

    /// A small deterministic generator (xorshift) for test values.
    fn next(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    fn agrees_with_crypto_bigint<const L: usize>(p_hex: &str) {
        let p_bytes = hex::decode(p_hex).expect("hex");
        let precision = u32::try_from(64 * L).expect("bits");
        let p_boxed = BoxedUint::from_be_slice(&p_bytes, precision).expect("p");
        let field = MontField::<L>::new(&p_bytes).expect("field");
        let params = BoxedMontyParams::new_vartime(Odd::new(p_boxed.clone()).expect("odd"));
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut values: Vec<[u64; L]> = Vec::new();
        let boxed = |v: &[u64; L]| BoxedUint::from_be_slice(&limbs_to_be(v), precision).expect("v");
        let limbs = |v: &BoxedUint| limbs_from_be::<L>(&v.to_be_bytes()).expect("fits");
        values.push([0; L]);
        values.push(limbs(&BoxedUint::one_with_precision(precision)));
        values.push(limbs(
            &p_boxed.wrapping_sub(BoxedUint::one_with_precision(precision)),
        ));
        for _ in 0..40 {
            let mut w = [0u64; L];
            for x in &mut w {
                *x = next(&mut seed);
            }
            let nz = crypto_bigint::NonZero::new(p_boxed.clone()).expect("nz");
            values.push(limbs(&boxed(&w).rem_vartime(&nz)));
        }
        for x in &values {
            for y in values.iter().step_by(3) {
                let (fx, fy) = (field.to_mont(x), field.to_mont(y));
                let (cx, cy) = (
                    BoxedMontyForm::new(boxed(x), &params),
                    BoxedMontyForm::new(boxed(y), &params),
                );
                let check = |ours: Fe<L>, theirs: BoxedMontyForm, op: &str| {
                    assert_eq!(
                        field.retrieve(&ours),
                        limbs(&theirs.retrieve()),
                        "{op} on p = {p_hex}"
                    );
                };
                check(field.mul(&fx, &fy), cx.mul(&cy), "mul");
                check(field.square(&fx), cx.square(), "square");
                check(field.add(&fx, &fy), cx.add(&cy), "add");
                check(field.sub(&fx, &fy), cx.sub(&cy), "sub");
                check(field.neg(&fx), cx.neg(), "neg");
                check(field.double(&fx), cx.double(), "double");
                assert_eq!(field.retrieve(&fx), *x);
            }
            let inv: Option<BoxedMontyForm> = BoxedMontyForm::new(boxed(x), &params)
                .invert_vartime()
                .into();
            match (field.invert(&field.to_mont(x)), inv) {
                (Some(ours), Some(theirs)) => {
                    assert_eq!(field.retrieve(&ours), limbs(&theirs.retrieve()));
                }
                (None, None) => assert_eq!(*x, [0; L]),
                other => panic!("inversion disagrees: {other:?}"),
            }
        }
        for x in &values {
            let fx = field.to_mont(x);
            let sq = field.square(&fx);
            if field.p[0] & 3 == 3 {
                let root = field.sqrt(&sq).expect("a square has a root");
                assert!(root == fx || root == field.neg(&fx), "sqrt on p = {p_hex}");
                // −x² is not a square when p ≡ 3 (mod 4), unless x = 0.
                assert_eq!(field.sqrt(&field.neg(&sq)).is_some(), *x == [0; L]);
            } else {
                assert!(field.sqrt(&sq).is_none());
            }
            let mut three = [0u64; L];
            three[0] = 3;
            assert_eq!(field.pow(&fx, &three), field.mul(&sq, &fx));
        }
        let nonzero: Vec<Fe<L>> = values.iter().skip(1).map(|v| field.to_mont(v)).collect();
        let batch = field.batch_invert(&nonzero).expect("no zero");
        for (v, inv) in nonzero.iter().zip(&batch) {
            assert_eq!(field.mul(v, inv), field.one());
        }
        assert!(
            field
                .batch_invert(&[field.one(), MontField::<L>::ZERO])
                .is_none()
        );
    }

    #[test]
    fn montgomery_field_agrees_with_crypto_bigint_on_curve_primes() {
        // brainpoolP512r1 (top bit set), P-521 (9 limbs, 9-bit top limb), brainpoolP320r1,
        // P-192, P-224 and brainpoolP160r1 (a partial top limb).
        agrees_with_crypto_bigint::<8>(
            "AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA703308717D4D9B009BC66842AECDA12AE6A380E62881FF2F2D82C68528AA6056583A48F3",
        );
        agrees_with_crypto_bigint::<9>(
            "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
        );
        agrees_with_crypto_bigint::<5>(
            "D35E472036BC4FB7E13C785ED201E065F98FCFA6F6F40DEF4F92B9EC7893EC28FCD412B1F1B32E27",
        );
        agrees_with_crypto_bigint::<3>("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFFFFFFFFFF");
        agrees_with_crypto_bigint::<4>("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF000000000000000000000001");
        agrees_with_crypto_bigint::<3>("E95E4A5F737059DC60DFC7AD95B3D8139515620F");
    }

    #[test]
    fn limb_conversions_round_trip_and_refuse_overflow() {
        let be = hex::decode("0102030405060708090A0B").expect("hex");
        let limbs = limbs_from_be::<2>(&be).expect("fits");
        assert_eq!(limbs, [0x0405_0607_0809_0A0B, 0x0001_0203]);
        assert_eq!(
            limbs_to_be(&limbs),
            hex::decode("00000000000102030405060708090A0B").expect("hex")
        );
        assert!(limbs_from_be::<1>(&be).is_none());
        assert_eq!(
            limbs_from_be::<1>(&[0, 0, 0, 0, 0, 0, 0, 0, 0, 7]),
            Some([7])
        );
    }

    #[test]
    fn even_trivial_or_oversized_modulus_is_refused() {
        assert!(MontField::<2>::new(&[1, 4]).is_none());
        assert!(MontField::<1>::new(&[1, 0, 0, 0, 0, 0, 0, 0, 3]).is_none());
        assert!(MontField::<2>::new(&[0, 0]).is_none());
        assert!(MontField::<2>::new(&[1]).is_none());
        assert!(MontField::<2>::new(&[3]).is_some());
    }
}
