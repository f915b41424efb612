//! Key agreement (`crypto::ka`) pinned to the ICAO 9303-11 worked examples: every key pair,
//! mapped generator and shared secret of Appendices G.1 (ECDH GM), G.2 (DH GM), H.1 (ECDH IM),
//! H.2 (DH IM) and I (CAM), reproduced from the published private values. Plus the structure of
//! every standardized group and the refusal of every kind of bad public key.

use idproof_core::crypto::ka::{Group, GroupKind, KaError, STANDARDIZED_IDS};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/data/icao_9303_11_worked_examples.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn h(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

/// Runs the generic-mapping key agreement of a worked example from the terminal's side.
fn check_generic_mapping(d: &Value, group: &Group) {
    let map_sk = group.private_key(&h(&d["terminal_map_priv"])).unwrap();
    assert_eq!(group.public_key(&map_sk), h(&d["terminal_map_pub"]));
    let mapped = group
        .map_generic(&h(&d["nonce_s"]), &map_sk, &h(&d["chip_map_pub"]))
        .unwrap();
    assert_eq!(mapped.generator(), h(&d["mapped_generator"]));
    let eph_sk = mapped.private_key(&h(&d["terminal_eph_priv"])).unwrap();
    assert_eq!(mapped.public_key(&eph_sk), h(&d["terminal_eph_pub"]));
}

#[test]
fn g1_ecdh_generic_mapping_brainpool_p256() {
    let d = &vectors()["G1_PACE_ECDH_GM"];
    let group = Group::standardized(13).unwrap();
    assert_eq!(group.kind(), GroupKind::Ec);
    check_generic_mapping(d, &group);
    // H = SK_map,PCD · PK_map,IC: its x coordinate is the first half of the published point.
    let map_sk = group.private_key(&h(&d["terminal_map_priv"])).unwrap();
    let shared = group
        .shared_secret(&map_sk, &h(&d["chip_map_pub"]))
        .unwrap();
    assert_eq!(shared.expose(), &h(&d["H_shared_point"])[1..33]);
    let mapped = group
        .map_generic(&h(&d["nonce_s"]), &map_sk, &h(&d["chip_map_pub"]))
        .unwrap();
    let eph_sk = mapped.private_key(&h(&d["terminal_eph_priv"])).unwrap();
    let k = mapped
        .shared_secret(&eph_sk, &h(&d["chip_eph_pub"]))
        .unwrap();
    assert_eq!(k.expose(), h(&d["shared_secret_K_x"]));
}

#[test]
fn g2_dh_generic_mapping_rfc5114_1024() {
    let d = &vectors()["G2_PACE_DH_GM"];
    let group = Group::standardized(0).unwrap();
    assert_eq!(group.kind(), GroupKind::Dh);
    // The standardized group 0 is exactly the one printed in the appendix.
    let explicit = Group::dh(&h(&d["p"]), &h(&d["g"]), Some(&h(&d["q"]))).unwrap();
    assert_eq!(group.generator(), explicit.generator());
    assert_eq!(group.order(), Some(h(&d["q"])));
    check_generic_mapping(d, &group);
    let map_sk = group.private_key(&h(&d["terminal_map_priv"])).unwrap();
    let shared = group
        .shared_secret(&map_sk, &h(&d["chip_map_pub"]))
        .unwrap();
    assert_eq!(shared.expose(), h(&d["h"]));
    let mapped = group
        .map_generic(&h(&d["nonce_s"]), &map_sk, &h(&d["chip_map_pub"]))
        .unwrap();
    let eph_sk = mapped.private_key(&h(&d["terminal_eph_priv"])).unwrap();
    let k = mapped
        .shared_secret(&eph_sk, &h(&d["chip_eph_pub"]))
        .unwrap();
    assert_eq!(k.expose(), h(&d["shared_secret_K"]));
}

#[test]
fn h1_ecdh_integrated_mapping_point_encoding() {
    let d = &vectors()["H1_PACE_ECDH_IM"];
    let group = Group::standardized(13).unwrap();
    let mapped = group.map_integrated(&h(&d["R_mod_p"])).unwrap();
    assert_eq!(mapped.generator(), h(&d["mapped_generator"]));
    // The unreduced PRF output maps to the same point: the reduction mod p happens inside.
    let from_raw = group.map_integrated(&h(&d["R_s_t"])).unwrap();
    assert_eq!(from_raw.generator(), h(&d["mapped_generator"]));
    let eph_sk = mapped.private_key(&h(&d["terminal_eph_priv"])).unwrap();
    assert_eq!(mapped.public_key(&eph_sk), h(&d["terminal_eph_pub"]));
    let k = mapped
        .shared_secret(&eph_sk, &h(&d["chip_eph_pub"]))
        .unwrap();
    assert_eq!(k.expose(), h(&d["shared_secret_K_x"]));
}

#[test]
fn h2_dh_integrated_mapping() {
    let d = &vectors()["H2_PACE_DH_IM"];
    let group = Group::standardized(0).unwrap();
    let mapped = group.map_integrated(&h(&d["R_s_t"])).unwrap();
    assert_eq!(mapped.generator(), h(&d["mapped_generator"]));
    let eph_sk = mapped.private_key(&h(&d["terminal_eph_priv"])).unwrap();
    assert_eq!(mapped.public_key(&eph_sk), h(&d["terminal_eph_pub"]));
    let k = mapped
        .shared_secret(&eph_sk, &h(&d["chip_eph_pub"]))
        .unwrap();
    assert_eq!(k.expose(), h(&d["shared_secret_K"]));
}

#[test]
fn i_chip_authentication_mapping_keys() {
    let d = &vectors()["I_PACE_CAM"];
    let group = Group::standardized(13).unwrap();
    check_generic_mapping(d, &group);
}

#[test]
fn every_standardized_group_agrees_both_ways() {
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    for (id, name) in STANDARDIZED_IDS {
        let group = Group::standardized(id).unwrap_or_else(|e| panic!("{name}: {e}"));
        let a = group.generate(&mut rng);
        let b = group.generate(&mut rng);
        let (pa, pb) = (group.public_key(&a), group.public_key(&b));
        assert_eq!(pa.len(), group.public_len(), "{name}");
        group.check_public(&pa).unwrap();
        let ka = group.shared_secret(&a, &pb).unwrap();
        let kb = group.shared_secret(&b, &pa).unwrap();
        assert_eq!(ka.expose(), kb.expose(), "{name}");
        assert_eq!(ka.expose().len(), group.field_len(), "{name}");
        // Generic mapping is symmetric too: both sides reach the same generator.
        let nonce = [0x5A; 16];
        let ga = group.map_generic(&nonce, &a, &pb).unwrap();
        let gb = group.map_generic(&nonce, &b, &pa).unwrap();
        assert_eq!(ga.generator(), gb.generator(), "{name}");
        assert_ne!(ga.generator(), group.generator(), "{name}");
    }
}

#[test]
fn reserved_parameter_ids_are_refused() {
    for id in [3u8, 4, 5, 6, 7, 19, 31, 255] {
        assert_eq!(
            Group::standardized(id).unwrap_err(),
            KaError::UnknownParameterId(id)
        );
    }
}

#[test]
fn bad_ec_public_keys_are_refused() {
    let group = Group::standardized(13).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let sk = group.generate(&mut rng);
    let good = group.public_key(&sk);
    let mut off_curve = good.clone();
    *off_curve.last_mut().unwrap() ^= 1;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("identity", vec![0x00]),
        ("off curve", off_curve),
        ("truncated", good[..good.len() - 1].to_vec()),
        ("compressed", good[..33].to_vec()),
        ("x ≥ p", {
            let mut v = vec![0x04];
            v.extend([0xFF; 64]);
            v
        }),
    ];
    for (what, key) in cases {
        let err = group.shared_secret(&sk, &key).unwrap_err();
        assert!(
            matches!(err, KaError::InvalidPublicKey(_)),
            "{what}: {err:?}"
        );
        assert!(group.map_generic(&[1; 16], &sk, &key).is_err(), "{what}");
    }
}

#[test]
fn bad_dh_public_keys_are_refused() {
    let group = Group::standardized(0).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let sk = group.generate(&mut rng);
    let p = hex::decode(concat!(
        "B10B8F96A080E01DDE92DE5EAE5D54EC52C99FBCFB06A3C69A6A9DCA52D23B61",
        "6073E28675A23D189838EF1E2EE652C013ECB4AEA906112324975C3CD49B83BF",
        "ACCBDD7D90C4BD7098488E9C219A73724EFFD6FAE5644738FAA31A4FF55BCCC0",
        "A151AF5F0DC8B4BD45BF37DF365C1A65E68CFDA76D4DA708DF1FB2BC2E4A4371",
    ))
    .unwrap();
    let mut p_minus_1 = p.clone();
    *p_minus_1.last_mut().unwrap() -= 1;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("zero", vec![0]),
        ("one", vec![1]),
        ("p − 1", p_minus_1),
        ("p", p),
        // 2 is not in the order-q subgroup of this group.
        ("outside the subgroup", vec![2]),
        ("longer than p", vec![1; 129]),
    ];
    for (what, key) in cases {
        let err = group.shared_secret(&sk, &key).unwrap_err();
        assert!(
            matches!(err, KaError::InvalidPublicKey(_)),
            "{what}: {err:?}"
        );
    }
}

#[test]
fn private_keys_out_of_range_are_refused() {
    let group = Group::standardized(13).unwrap();
    let n = group.order().unwrap();
    assert_eq!(group.private_key(&[0]).unwrap_err(), KaError::BadScalar);
    assert_eq!(group.private_key(&[]).unwrap_err(), KaError::BadScalar);
    assert_eq!(group.private_key(&n).unwrap_err(), KaError::BadScalar);
    assert_eq!(
        group.private_key(&[0xFF; 33]).unwrap_err(),
        KaError::BadScalar
    );
    let mut n_minus_1 = n.clone();
    *n_minus_1.last_mut().unwrap() -= 1;
    assert!(group.private_key(&n_minus_1).is_ok());
}

#[test]
fn groups_from_algorithm_identifiers() {
    // brainpoolP256r1 by name, and BSI's standardized id 13.
    let named = hex::decode("06092B2403030208010107").unwrap();
    let by_name = Group::from_algorithm_parameters("1.2.840.10045.2.1", &named).unwrap();
    let by_id = Group::from_algorithm_parameters("0.4.0.127.0.7.1.2", &[0x02, 0x01, 0x0D]).unwrap();
    assert_eq!(by_name.generator(), by_id.generator());
    assert_eq!(
        by_name.generator(),
        Group::standardized(13).unwrap().generator()
    );
    assert!(matches!(
        Group::from_algorithm_parameters("1.2.3.4", &named),
        Err(KaError::BadParameters(_))
    ));
    assert!(matches!(
        Group::from_algorithm_parameters("1.2.840.10046.2.1", &[0x30, 0x03, 0x02, 0x01]),
        Err(KaError::BadParameters(_))
    ));
}

#[test]
fn scalar_products_give_the_cam_relation() {
    // SK_map = c · SK_IC mod n ⇒ PK_map = c · PK_IC: what the chip side of PACE-CAM relies on.
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    for id in [8u8, 13, 14, 17, 18] {
        let group = Group::standardized(id).unwrap();
        // Scalars below n: one byte shorter than the order.
        let mut draw = || {
            let mut b = vec![0u8; group.order_len()];
            rand_chacha::rand_core::RngCore::fill_bytes(&mut rng, &mut b[1..]);
            b
        };
        let c_bytes = draw();
        let sk_bytes = draw();
        let sk = group.private_key(&sk_bytes).unwrap();
        let product = group.multiply_scalars(&c_bytes, &sk_bytes).unwrap();
        let sk_map = group.private_key(&product).unwrap();
        let pk_ic = group.public_key(&sk);
        assert_eq!(
            group.public_key(&sk_map),
            group.mul_public(&c_bytes, &pk_ic).unwrap(),
            "id {id}"
        );
    }
    assert_eq!(
        Group::standardized(0)
            .unwrap()
            .multiply_scalars(&[1], &[2])
            .unwrap_err(),
        KaError::BadScalar
    );
}
