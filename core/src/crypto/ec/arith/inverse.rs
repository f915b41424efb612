//! Modular inversion for the verification fast path: the binary extended Euclidean algorithm
//! (HAC 14.61 for an odd modulus) on little-endian `u64` words, without allocation per step.
//! A few times faster than `crypto-bigint`'s boxed safegcd for one-off inversions of public
//! values (the Q table's batch inversion and s⁻¹ mod n in ECDSA verification).
//!
//! **Variable time: public values only.**

// Word arithmetic: the casts split u128 sums into their two u64 halves on purpose.
#![allow(clippy::cast_possible_truncation)]

use std::cmp::Ordering;

fn is_zero(v: &[u64]) -> bool {
    v.iter().all(|w| *w == 0)
}

fn is_one(v: &[u64]) -> bool {
    v.split_first()
        .is_some_and(|(first, rest)| *first == 1 && is_zero(rest))
}

fn is_even(v: &[u64]) -> bool {
    v.first().is_none_or(|w| w & 1 == 0)
}

fn cmp(a: &[u64], b: &[u64]) -> Ordering {
    a.iter().rev().cmp(b.iter().rev())
}

/// a −= b (a ≥ b).
fn sub_assign(a: &mut [u64], b: &[u64]) {
    let mut borrow = 0u64;
    for (x, y) in a.iter_mut().zip(b) {
        let t = u128::from(*x)
            .wrapping_sub(u128::from(*y))
            .wrapping_sub(u128::from(borrow));
        *x = t as u64;
        borrow = (t >> 127) as u64;
    }
}

/// a += b, returning the carry out.
fn add_assign(a: &mut [u64], b: &[u64]) -> u64 {
    let mut carry = 0u64;
    for (x, y) in a.iter_mut().zip(b) {
        let t = u128::from(*x) + u128::from(*y) + u128::from(carry);
        *x = t as u64;
        carry = (t >> 64) as u64;
    }
    carry
}

/// a >>= 1, shifting `top` in as the new most significant bit.
fn shr1(a: &mut [u64], top: u64) {
    let mut carry = top;
    for w in a.iter_mut().rev() {
        let next = *w & 1;
        *w = (*w >> 1) | (carry << 63);
        carry = next;
    }
}

/// x / 2 mod m, for x < m and m odd.
fn half_mod(x: &mut [u64], m: &[u64]) {
    if is_even(x) {
        shr1(x, 0);
    } else {
        let carry = add_assign(x, m);
        shr1(x, carry);
    }
}

/// x − y mod m, for x, y < m.
fn sub_mod(x: &mut [u64], y: &[u64], m: &[u64]) {
    if cmp(x, y) == Ordering::Less {
        // x + m − y < m, computed as x + (m − y) without overflow.
        let mut t = m.to_vec();
        sub_assign(&mut t, y);
        add_assign(x, &t);
    } else {
        sub_assign(x, y);
    }
}

/// a⁻¹ mod m for an odd modulus m > 1 and a < m, as words of m's length (`None` when a is 0
/// or shares a factor with m). Variable time.
pub(super) fn invert_mod_vartime(a: &[u64], m: &[u64]) -> Option<Vec<u64>> {
    if a.len() != m.len() || is_even(m) || is_one(m) || is_zero(a) || cmp(a, m) != Ordering::Less {
        return None;
    }
    // Invariants: x1·a ≡ u and x2·a ≡ v (mod m).
    let mut u = a.to_vec();
    let mut v = m.to_vec();
    let mut x1 = vec![0u64; m.len()];
    if let Some(w) = x1.first_mut() {
        *w = 1;
    }
    let mut x2 = vec![0u64; m.len()];
    loop {
        while is_even(&u) {
            shr1(&mut u, 0);
            half_mod(&mut x1, m);
        }
        while is_even(&v) {
            shr1(&mut v, 0);
            half_mod(&mut x2, m);
        }
        if is_one(&u) {
            return Some(x1);
        }
        if is_one(&v) {
            return Some(x2);
        }
        if cmp(&u, &v) == Ordering::Less {
            sub_assign(&mut v, &u);
            sub_mod(&mut x2, &x1, m);
        } else {
            sub_assign(&mut u, &v);
            sub_mod(&mut x1, &x2, m);
        }
        // gcd(a, m) > 1: u and v meet at the gcd, and the subtraction leaves 0.
        if is_zero(&u) || is_zero(&v) {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crypto_bigint::{BoxedUint, Odd};

    fn words(v: &BoxedUint, len: usize) -> Vec<u64> {
        let bytes = v.to_be_bytes();
        let mut out: Vec<u64> = bytes
            .rchunks(8)
            .map(|c| c.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
            .collect();
        out.resize(len, 0);
        out
    }

    #[test]
    fn binary_inversion_agrees_with_crypto_bigint() {
        // brainpoolP512r1's n and p, P-521's p, and a one-word prime.
        let moduli = [
            "AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA70330870553E5C414CA92619418661197FAC10471DB1D381085DDADDB58796829CA90069",
            "AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA703308717D4D9B009BC66842AECDA12AE6A380E62881FF2F2D82C68528AA6056583A48F3",
            "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
            "FFFFFFFFFFFFFFC5", // 2⁶⁴ − 59, a one-word prime
        ];
        let mut seed = 0x0123_4567_89AB_CDEFu64;
        for hex_m in moduli {
            let m_bytes = hex::decode(hex_m).expect("hex");
            let len = m_bytes.len().div_ceil(8);
            let bits = u32::try_from(len * 64).expect("bits");
            let m = BoxedUint::from_be_slice(&m_bytes, bits).expect("m");
            let m_odd = Odd::new(m.clone()).expect("odd");
            let m_words = words(&m, len);
            let nz = crypto_bigint::NonZero::new(m.clone()).expect("nz");
            for i in 0..30u64 {
                let mut raw = vec![0u8; len * 8];
                for b in &mut raw {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    *b = seed as u8;
                }
                let a = match i {
                    0 => BoxedUint::one_with_precision(bits),
                    1 => m.wrapping_sub(BoxedUint::one_with_precision(bits)),
                    _ => BoxedUint::from_be_slice(&raw, bits)
                        .expect("a")
                        .rem_vartime(&nz),
                };
                let want: Option<BoxedUint> = a.invert_odd_mod_vartime(&m_odd).into();
                let got = invert_mod_vartime(&words(&a, len), &m_words);
                assert_eq!(got, want.map(|w| words(&w, len)), "{hex_m} case {i}");
            }
            assert_eq!(invert_mod_vartime(&vec![0; len], &m_words), None);
            assert_eq!(invert_mod_vartime(&m_words, &m_words), None);
        }
        // A factor shared with a composite modulus: no inverse (and no endless loop).
        assert_eq!(invert_mod_vartime(&[3], &[15]), None);
        assert_eq!(invert_mod_vartime(&[10], &[15]), None);
        assert_eq!(invert_mod_vartime(&[2], &[15]), Some(vec![8]));
        assert_eq!(invert_mod_vartime(&[2], &[1]), None);
        assert_eq!(invert_mod_vartime(&[2], &[4]), None);
        assert_eq!(invert_mod_vartime(&[2], &[5]), Some(vec![3]));
    }
}
