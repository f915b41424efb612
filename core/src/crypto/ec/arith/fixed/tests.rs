//! The fast path against the boxed reference: wNAF recoding, random and edge-case sums on
//! every known curve, explicit curves no table knows, the projective r check.

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

/// The limb counts the fast path is built for (`Precomputed`).
const SERVED_LIMBS: [usize; 4] = [3, 4, 5, 8];

fn served(curve: &Curve) -> bool {
    SERVED_LIMBS.contains(&curve.field_len().div_ceil(8))
}

#[test]
fn fast_path_matches_the_boxed_reference_on_every_known_curve() {
    let mut checked = 0;
    for known in KNOWN_CURVES {
        let curve = Curve::known(known.name).expect("curve");
        assert_eq!(curve.has_fast_path(), served(&curve), "{}", known.name);
        if served(&curve) {
            check_curve(&curve, known.name.as_str());
            checked += 1;
        }
    }
    // P-192, P-224, P-256, brainpoolP160/192/224/256/320/512r1.
    assert_eq!(checked, 9);
}

#[test]
fn the_projective_r_check_agrees_with_affine_x_mod_n() {
    for known in KNOWN_CURVES {
        let curve = Curve::known(known.name).expect("curve");
        let label = known.name.as_str();
        for i in 0u8..4 {
            let q = curve.mul_vartime(curve.generator(), &scalar(&curve, &[6, i]));
            let (u1, u2) = (scalar(&curve, &[7, i]), scalar(&curve, &[8, i]));
            let x = curve
                .mul_double_affine_x_vartime(&u1, &q, &u2)
                .expect("finite");
            let r = with_precision(&x.rem_vartime(&curve.n_uint), curve.precision);
            assert_eq!(
                curve.ecdsa_x_matches_vartime(&u1, &q, &u2, &r),
                Some(true),
                "{label} {i}"
            );
            let r1 = r.wrapping_add(small(&curve, 1));
            assert_eq!(
                curve.ecdsa_x_matches_vartime(&u1, &q, &u2, &r1),
                Some(false),
                "{label} {i}"
            );
        }
        let k = scalar(&curve, b"k");
        let q = curve.mul_vartime(curve.generator(), &k);
        assert_eq!(
            curve.ecdsa_x_matches_vartime(&k, &q, &n_minus(&curve, 1), &small(&curve, 1)),
            None,
            "{label}: the point at infinity"
        );
    }
}

#[test]
fn an_x_above_n_matches_r_plus_n() {
    let curve = Curve::known(CurveName::BrainpoolP512r1).expect("curve");
    let p = curve.p.modulus().as_ref().clone();
    let n = with_precision(curve.n_uint.as_ref(), curve.precision);
    // Candidates: r and r + n while below p (p > n on brainpoolP512r1).
    let be = |v: &BoxedUint| v.to_be_bytes().to_vec();
    let one = small(&curve, 1);
    let r = p.wrapping_sub(&n).wrapping_sub(&one);
    assert_eq!(curve.x_candidates(&r), [be(&r), be(&p.wrapping_sub(&one))]);
    let r = p.wrapping_sub(&n);
    assert_eq!(curve.x_candidates(&r), [be(&r)]);
    // A point whose x lies in [n, p): x = n + t for the first t with x³ + ax + b square.
    let exp = p.wrapping_add(&one).shr_vartime(2).expect("shift");
    let (point, t) = (1u64..)
        .find_map(|t| {
            let x = BoxedMontyForm::new(n.wrapping_add(small(&curve, t)), &curve.p);
            let rhs = x.square().mul(&x).add(&curve.a.mul(&x)).add(&curve.b);
            let y = rhs.pow(&exp);
            (y.square() == rhs).then(|| {
                let mut sec1 = vec![0x04];
                sec1.extend(fixed_be(&x.retrieve(), curve.p_len));
                sec1.extend(fixed_be(&y.retrieve(), curve.p_len));
                (curve.decode_point(&sec1).expect("on the curve"), t)
            })
        })
        .expect("a point");
    // 0·G + 1·Q = Q, whose x = n + t: x mod n = t.
    let (zero, one) = (small(&curve, 0), small(&curve, 1));
    assert_eq!(
        curve.ecdsa_x_matches_vartime(&zero, &point, &one, &small(&curve, t)),
        Some(true)
    );
    assert_eq!(
        curve.ecdsa_x_matches_vartime(&zero, &point, &one, &small(&curve, t + 1)),
        Some(false)
    );
}

#[test]
fn known_curves_compute_with_a_minus_3_and_a_wide_g_table() {
    for known in KNOWN_CURVES {
        let curve = Curve::known(known.name).expect("curve");
        let limbs = curve.field_len().div_ceil(8);
        let nist = known.name.as_str().starts_with("P-");
        // NIST curves have a = −3; every brainpool rX curve is isomorphic to its tX twist.
        // P-384, P-521 and brainpoolP384r1 (6 and 9 limbs) verify through their crates.
        let expected = served(&curve).then_some((limbs, W_G_CACHED, true, !nist));
        assert_eq!(curve.fast_path_shape(), expected, "{}", known.name);
    }
    let one_shot =
        Curve::new(&CurveName::BrainpoolP512r1.known().expect("known").domain()).expect("curve");
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
        // P-521's size (9 limbs) is not served: the same checks then run the boxed path.
        assert_eq!(curve.has_fast_path(), name != CurveName::P521, "{label}");
        if curve.has_fast_path() {
            check_curve(&curve, &label);
        }
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
            let want = BoxedMontyForm::new(with_precision(&x, base.precision), &base.p).mul(&u2);
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
