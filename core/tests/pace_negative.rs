//! PACE, terminal side, against chips that refuse, lie or send garbage: each failure is the
//! precise `PaceError` with the right `ErrorCode`, and nothing panics.
//!
//! The runs start from ICAO 9303-11 G.1 (ECDH-GM), G.2 (DH-GM), H.1 (ECDH-IM) and I (CAM) and
//! change one reply or one input.

mod pace_support;

use idproof_core::access::pace::{
    MappingSecret, Pace, PaceAlgorithm, PaceError, PaceParams, PacePassword, PaceStep,
};
use idproof_core::crypto::ka::Group;
use idproof_core::mrz::MrzKey;
use idproof_core::{Error, ErrorCode};
use pace_support::{MapInput, Script, h, hv, icao, run, with_reply};
use proptest::prelude::*;
use serde_json::Value;
use zeroize::Zeroizing;

fn first_hex(v: &Value) -> Vec<u8> {
    h(v.as_str().unwrap().split(' ').next().unwrap())
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn code(e: &PaceError) -> ErrorCode {
    Error::from(e.clone()).code
}

fn g1() -> (Script, Value) {
    let v = icao()["G1_PACE_ECDH_GM"].clone();
    let script = Script {
        params: PaceParams {
            algorithm: PaceAlgorithm::from_oid("0.4.0.127.0.7.2.2.4.2.2").unwrap(),
            parameter_id: None,
            group: Group::standardized(13).unwrap(),
        },
        password: PacePassword::mrz(&MrzKey::new("T22000129", "640812", "101031").unwrap()),
        replies: v["apdus"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| first_hex(&a["r"]))
            .collect(),
        mapping: MapInput::Key(hv(&v["terminal_map_priv"])),
        ephemeral: hv(&v["terminal_eph_priv"]),
    };
    (script, v)
}

fn g2() -> (Script, Value) {
    let v = icao()["G2_PACE_DH_GM"].clone();
    let script = Script {
        params: PaceParams {
            algorithm: PaceAlgorithm::from_oid("0.4.0.127.0.7.2.2.4.1.2").unwrap(),
            parameter_id: None,
            group: Group::standardized(0).unwrap(),
        },
        password: PacePassword::mrz(&MrzKey::new("T22000129", "640812", "101031").unwrap()),
        replies: vec![
            h("9000"),
            h("7C128010854D8DF5827FA6852D1A4FA701CDDDCA9000"),
            cat(&[&h("7C8183828180"), &hv(&v["chip_map_pub"]), &h("9000")]),
            cat(&[&h("7C8183848180"), &hv(&v["chip_eph_pub"]), &h("9000")]),
            cat(&[&h("7C0A8608"), &hv(&v["T_IC_token"]), &h("9000")]),
        ],
        mapping: MapInput::Key(hv(&v["terminal_map_priv"])),
        ephemeral: hv(&v["terminal_eph_priv"]),
    };
    (script, v)
}

fn h1() -> (Script, Value) {
    let v = icao()["H1_PACE_ECDH_IM"].clone();
    let script = Script {
        params: PaceParams {
            algorithm: PaceAlgorithm::from_oid("0.4.0.127.0.7.2.2.4.4.2").unwrap(),
            parameter_id: None,
            group: Group::standardized(13).unwrap(),
        },
        password: PacePassword::can("123456"),
        replies: v["apdus"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| first_hex(&a["r"]))
            .collect(),
        mapping: MapInput::Nonce(hv(&v["terminal_nonce_t"])),
        ephemeral: hv(&v["terminal_eph_priv"]),
    };
    (script, v)
}

fn cam() -> (Script, Value) {
    let v = icao()["I_PACE_CAM"].clone();
    let script = Script {
        params: PaceParams {
            algorithm: PaceAlgorithm::from_oid("0.4.0.127.0.7.2.2.4.6.2").unwrap(),
            parameter_id: None,
            group: Group::standardized(13).unwrap(),
        },
        password: PacePassword::mrz(&MrzKey::new("C11T002JM", "960812", "231031").unwrap()),
        replies: v["apdus"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| first_hex(&a["r"]))
            .collect(),
        mapping: MapInput::Key(hv(&v["terminal_map_priv"])),
        ephemeral: hv(&v["terminal_eph_priv"]),
    };
    (script, v)
}

fn error_of(script: &Script) -> PaceError {
    match run(script).1 {
        Ok(_) => panic!("PACE succeeded where it must fail"),
        Err(e) => e,
    }
}

#[test]
fn the_unmodified_scripts_succeed() {
    for (script, _) in [g1(), g2(), h1(), cam()] {
        run(&script).1.unwrap();
    }
}

#[test]
fn a_wrong_mrz_fails_the_chip_token_check_with_access_denied() {
    // The recorded chip replies, a different MRZ: another K_π, so another nonce, generator and
    // session keys; the chip's T_IC then cannot verify.
    let (mut script, _) = g1();
    script.password = PacePassword::mrz(&MrzKey::new("T22000130", "640812", "101031").unwrap());
    let (t, result) = run(&script);
    let e = result.unwrap_err();
    assert_eq!(e, PaceError::TokenMismatch);
    assert!(e.is_wrong_password());
    assert_eq!(code(&e), ErrorCode::AccessDenied);
    assert_eq!(
        t.commands.len(),
        5,
        "the failure is only seen at the last step"
    );
}

#[test]
fn a_wrong_can_fails_integrated_mapping_with_access_denied() {
    let (mut script, _) = h1();
    script.password = PacePassword::can("123457");
    let e = error_of(&script);
    assert_eq!(e, PaceError::TokenMismatch);
    assert_eq!(code(&e), ErrorCode::AccessDenied);
}

#[test]
fn the_same_digits_as_mrz_instead_of_can_are_a_wrong_password() {
    // CAN π is the digits; K_π for the MRZ goes through SHA-1. Mixing them up must fail.
    let (mut script, _) = g1();
    script.password = PacePassword::can("T22000129364081251010318");
    assert_eq!(error_of(&script), PaceError::TokenMismatch);
}

#[test]
fn a_flipped_chip_token_byte_fails_with_token_mismatch() {
    for (script, v) in [g1(), g2(), h1(), cam()] {
        let good = script.replies[4].clone();
        let token = hv(&v["T_IC_token"]);
        let at = good.windows(8).position(|w| w == token.as_slice()).unwrap();
        for i in 0..8 {
            for bit in [0x01, 0x80] {
                let mut bad = good.clone();
                bad[at + i] ^= bit;
                let e = error_of(&with_reply(&script, 4, bad));
                assert_eq!(e, PaceError::TokenMismatch);
                assert_eq!(code(&e), ErrorCode::AccessDenied);
            }
        }
    }
}

#[test]
fn a_truncated_or_missing_chip_token_is_malformed_or_mismatched() {
    let (script, _) = g1();
    // 86 with 7 bytes: a well-formed TLV whose token cannot match.
    let short = h("7C09860737BB9674BCE93C9000");
    assert_eq!(
        error_of(&with_reply(&script, 4, short)),
        PaceError::TokenMismatch
    );
    let e = error_of(&with_reply(&script, 4, h("7C0A87083ABB9674BCE93C089000")));
    assert!(
        matches!(
            e,
            PaceError::Malformed {
                step: PaceStep::Token,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(code(&e), ErrorCode::ChipProtocol);
}

#[test]
fn every_status_word_refusal_names_its_step_and_sw() {
    let steps = [
        PaceStep::MseSetAt,
        PaceStep::Nonce,
        PaceStep::Mapping,
        PaceStep::KeyAgreement,
        PaceStep::Token,
    ];
    for (index, step) in steps.into_iter().enumerate() {
        for sw in [
            0x6300u16, 0x63C2, 0x6982, 0x6985, 0x6A80, 0x6A87, 0x6A88, 0x6D00, 0x6F00,
        ] {
            for (script, _) in [g1(), h1()] {
                // With data before the status word too: the SW decides.
                for data in [&[][..], &h("7C00")] {
                    let reply = cat(&[data, &sw.to_be_bytes()]);
                    let (t, result) = run(&with_reply(&script, index, reply));
                    let e = result.unwrap_err();
                    assert_eq!(e, PaceError::Rejected { step, sw });
                    assert_eq!(t.commands.len(), index + 1, "no command after a refusal");
                    let wrong_password = sw & 0xFF00 == 0x6300
                        || (step == PaceStep::Token && matches!(sw, 0x6982 | 0x6A80));
                    assert_eq!(e.is_wrong_password(), wrong_password, "{step:?} {sw:04X}");
                    let expected = if wrong_password {
                        ErrorCode::AccessDenied
                    } else {
                        ErrorCode::PaceFailed
                    };
                    assert_eq!(code(&e), expected, "{step:?} {sw:04X}");
                    assert!(Error::from(e).detail.contains(&format!("{sw:04X}")));
                }
            }
        }
    }
}

#[test]
fn a_chip_ephemeral_key_equal_to_ours_is_refused() {
    for (script, v) in [g1(), g2(), h1()] {
        let ours = hv(&v["terminal_eph_pub"]);
        let reply = cat(&[
            &idproof_core::access::pace::apdu::dynamic_auth_data(&[(0x84, &ours)]),
            &h("9000"),
        ]);
        let e = error_of(&with_reply(&script, 3, reply));
        assert_eq!(e, PaceError::SameEphemeralKey);
        assert_eq!(code(&e), ErrorCode::PaceFailed);
    }
}

fn ga_reply(tag: u8, value: &[u8]) -> Vec<u8> {
    cat(&[
        &idproof_core::access::pace::apdu::dynamic_auth_data(&[(tag, value)]),
        &h("9000"),
    ])
}

/// EC keys that are not valid points: off the curve, the identity, compressed, short, long.
fn bad_ec_points(valid: &[u8]) -> Vec<Vec<u8>> {
    let mut off_curve = valid.to_vec();
    off_curve[64] ^= 1;
    let mut compressed = vec![0x02 | (valid[64] & 1)];
    compressed.extend_from_slice(&valid[1..33]);
    let mut x_too_big = valid.to_vec();
    x_too_big[1..33].fill(0xFF);
    vec![
        off_curve,
        vec![0x00],
        compressed,
        valid[..64].to_vec(),
        [valid, &[0]].concat(),
        [&[0x05][..], &valid[1..]].concat(),
        x_too_big,
        vec![0x04; 65],
        vec![],
    ]
}

#[test]
fn invalid_chip_ec_keys_are_refused_at_their_step() {
    let (script, v) = g1();
    for bad in bad_ec_points(&hv(&v["chip_map_pub"])) {
        let e = error_of(&with_reply(&script, 2, ga_reply(0x82, &bad)));
        assert!(
            matches!(
                &e,
                PaceError::InvalidChipKey {
                    step: PaceStep::Mapping,
                    ..
                }
            ),
            "{bad:02X?}: {e:?}"
        );
        assert_eq!(code(&e), ErrorCode::PaceFailed);
    }
    for (script, v) in [g1(), h1()] {
        for bad in bad_ec_points(&hv(&v["chip_eph_pub"])) {
            let e = error_of(&with_reply(&script, 3, ga_reply(0x84, &bad)));
            assert!(
                matches!(
                    &e,
                    PaceError::InvalidChipKey {
                        step: PaceStep::KeyAgreement,
                        ..
                    }
                ),
                "{bad:02X?}: {e:?}"
            );
        }
    }
}

#[test]
fn invalid_chip_dh_keys_are_refused_at_their_step() {
    let (script, _) = g2();
    let group = Group::standardized(0).unwrap();
    let (modulus, generator, _) = group.dh_parameters().unwrap();
    let mut p_minus_1 = modulus.clone();
    *p_minus_1.last_mut().unwrap() -= 1;
    let mut one = vec![0u8; 128];
    one[127] = 1;
    // 2 lies in (1, p−1) but not in the order-q subgroup of this group (2^q ≠ 1 mod p):
    // only the subgroup check can refuse it.
    let not_in_subgroup = {
        let mut two = vec![0u8; 128];
        two[127] = 2;
        two
    };
    for bad in [
        vec![0u8; 128],
        one,
        p_minus_1,
        modulus.clone(),
        vec![0xFF; 128],
        vec![0x01; 129],
        not_in_subgroup,
        vec![],
    ] {
        for (index, tag, step) in [
            (2, 0x82, PaceStep::Mapping),
            (3, 0x84, PaceStep::KeyAgreement),
        ] {
            let err = error_of(&with_reply(&script, index, ga_reply(tag, &bad)));
            assert!(
                matches!(&err, PaceError::InvalidChipKey { step: at, .. } if *at == step),
                "{step:?} {:02X?}: {err:?}",
                &bad[..bad.len().min(4)]
            );
        }
    }
    // The generator itself is a valid key (in the subgroup): accepted at the mapping step.
    let (_, result) = run(&with_reply(&script, 2, ga_reply(0x82, &generator)));
    assert_eq!(result.unwrap_err(), PaceError::TokenMismatch);
}

#[test]
fn malformed_dynamic_authentication_data_is_refused_at_each_step() {
    let (script, _) = g1();
    let good = script.replies.clone();
    let cases: Vec<(usize, Vec<u8>)> = vec![
        // Step 1: no 7C, wrong outer tag, truncated, trailing bytes, no 80, empty nonce,
        // a nonce that is not whole blocks, a repeated tag, a constructed inner tag.
        (1, h("9000")),
        (1, h("7D12801095A3A016522EE98D01E76CB6B98B42C39000")),
        (1, h("7C12801095A3A016522EE98D01E76CB6B98B429000")),
        (1, cat(&[&good[1][..good[1].len() - 2], &h("009000")])),
        (1, h("7C12811095A3A016522EE98D01E76CB6B98B42C39000")),
        (1, h("7C0280009000")),
        (1, h("7C0F800D95A3A016522EE98D01E76CB6B99000")),
        (1, h("7C068001808001019000")),
        (1, h("7C04A10280009000")),
        // Step 2: no 82 (81 instead), empty template.
        (
            2,
            cat(&[&h("7C438141"), &good[2][4..good[2].len() - 2], &h("9000")]),
        ),
        (2, h("7C009000")),
        (2, h("9000")),
        // Step 3: no 84 (83 instead), truncated.
        (
            3,
            cat(&[&h("7C438341"), &good[3][4..good[3].len() - 2], &h("9000")]),
        ),
        (3, cat(&[&good[3][..good[3].len() - 3], &h("9000")])),
        // Step 4: no 86, garbage.
        (4, h("7C009000")),
        (4, h("FFFF9000")),
        (4, h("9000")),
    ];
    for (index, reply) in cases {
        let e = error_of(&with_reply(&script, index, reply.clone()));
        let step = [
            PaceStep::MseSetAt,
            PaceStep::Nonce,
            PaceStep::Mapping,
            PaceStep::KeyAgreement,
            PaceStep::Token,
        ][index];
        assert!(
            matches!(&e, PaceError::Malformed { step: s, .. } if *s == step),
            "step {index} reply {}: {e:?}",
            hex::encode_upper(&reply)
        );
        assert_eq!(code(&e), ErrorCode::ChipProtocol);
    }
    // A long-form length where the short form would do is BER, not an error.
    run(&with_reply(
        &script,
        1,
        h("7C8112801095A3A016522EE98D01E76CB6B98B42C39000"),
    ))
    .1
    .unwrap();
    // A reply too short to hold a status word.
    for index in 0..5 {
        for reply in [vec![], vec![0x90]] {
            assert!(matches!(
                error_of(&with_reply(&script, index, reply)),
                PaceError::Malformed { .. }
            ));
        }
    }
}

#[test]
fn integrated_mapping_refuses_chip_mapping_data() {
    let (script, v) = h1();
    let e = error_of(&with_reply(
        &script,
        2,
        ga_reply(0x82, &hv(&v["chip_eph_pub"])),
    ));
    assert!(
        matches!(
            e,
            PaceError::Malformed {
                step: PaceStep::Mapping,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn pace_cam_without_or_with_corrupted_chip_authentication_data() {
    let (script, v) = cam();
    let token = hv(&v["T_IC_token"]);
    // The token verifies but 8A is missing.
    let e = error_of(&with_reply(&script, 4, ga_reply(0x86, &token)));
    assert_eq!(e, PaceError::CamDataMissing);
    assert_eq!(code(&e), ErrorCode::PaceFailed);
    let a_ic = hv(&v["encrypted_chip_auth_data_A_IC (tag 8A)"]);
    let reply = |a: &[u8]| {
        cat(&[
            &idproof_core::access::pace::apdu::dynamic_auth_data(&[(0x86, &token), (0x8A, a)]),
            &h("9000"),
        ])
    };
    // Not whole blocks, or bad padding after decryption: malformed.
    for bad in [a_ic[..47].to_vec(), {
        let mut x = a_ic.clone();
        x[47] ^= 0x01;
        x
    }] {
        let e = error_of(&with_reply(&script, 4, reply(&bad)));
        assert!(
            matches!(
                e,
                PaceError::Malformed {
                    step: PaceStep::Token,
                    ..
                }
            ),
            "{e:?}"
        );
    }
    // Altered in the first block: decrypts and unpads, to a CA_IC that fails the check
    // against the chip's static key (PK_IC of Appendix I, see pace_worked_examples.rs).
    let mut altered = a_ic.clone();
    altered[0] ^= 0x01;
    let outcome = run(&with_reply(&script, 4, reply(&altered))).1.unwrap();
    let data = outcome.cam_data.unwrap();
    assert_ne!(data.ca_ic(), hv(&v["CA_IC_decrypted"]));
    let pk_ic = h(
        "041872709494399E7470A6431BE25E83EEE24FEA568C2ED28DB48E05DB3A610DC8\
                   84D256A40E35EFCB59BF6753D3A489D28C7A4D973C2DA138A6E7A4A08F68E16F",
    );
    assert_eq!(data.verify(&pk_ic), Err(PaceError::CamMismatch));
    assert_eq!(code(&PaceError::CamMismatch), ErrorCode::PaceFailed);
    // The untouched data passes.
    let outcome = run(&script).1.unwrap();
    outcome.cam_data.unwrap().verify(&pk_ic).unwrap();
}

#[test]
fn caller_mistakes_are_usage_errors() {
    let (script, v) = g1();
    // ECDH protocol with a DH group.
    let mut params = script.params.clone();
    params.group = Group::standardized(0).unwrap();
    let e = Pace::new(params, &script.password).unwrap_err();
    assert_eq!(e, PaceError::GroupMismatch);
    assert_eq!(code(&e), ErrorCode::Usage);

    // A nonce t given to Generic Mapping, a key given to Integrated Mapping, a short t.
    let start = |s: &Script| {
        let (_, mse) = Pace::new(s.params.clone(), &s.password).unwrap().start();
        mse.respond(&s.replies[0]).unwrap().1
    };
    let nonce_state = start(&script);
    let e = nonce_state
        .respond(
            &script.replies[1],
            MappingSecret::Nonce(Zeroizing::new(vec![0; 16])),
        )
        .unwrap_err();
    assert!(matches!(e, PaceError::BadInput(_)));
    assert_eq!(code(&e), ErrorCode::Usage);

    let (im, iv) = h1();
    let key = Group::standardized(13)
        .unwrap()
        .private_key(&hv(&v["terminal_map_priv"]))
        .unwrap();
    let e = start(&im)
        .respond(&im.replies[1], MappingSecret::Key(key))
        .unwrap_err();
    assert!(matches!(e, PaceError::BadInput(_)));
    let mut short_t = hv(&iv["terminal_nonce_t"]);
    short_t.pop();
    let e = start(&im)
        .respond(
            &im.replies[1],
            MappingSecret::Nonce(Zeroizing::new(short_t)),
        )
        .unwrap_err();
    assert!(matches!(e, PaceError::BadInput(_)));
}

#[test]
fn generated_randomness_has_the_right_shape() {
    use rand_core::SeedableRng;
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
    let (im, _) = h1();
    let (_, mse) = Pace::new(im.params.clone(), &im.password).unwrap().start();
    let (_, nonce) = mse.respond(&im.replies[0]).unwrap();
    assert_eq!(
        nonce.mapping(),
        idproof_core::access::pace::Mapping::Integrated
    );
    let secret = nonce.generate_mapping_secret(&mut rng);
    assert!(matches!(&secret, MappingSecret::Nonce(t) if t.len() == 16));
    let (apdu, mapping) = nonce.respond(&im.replies[1], secret).unwrap();
    assert_eq!(&apdu[..9], &h("10860000147C128110")[..]);
    let eph = mapping.generate_ephemeral_key(&mut rng);
    let (apdu, agreement) = mapping.respond(&im.replies[2], eph).unwrap();
    assert_eq!(apdu.len(), 5 + 0x45 + 1);
    // A fresh terminal key meets the recorded chip key: keys differ, so the chip's token fails.
    let (_, tokens) = agreement.respond(&im.replies[3]).unwrap();
    assert_eq!(
        tokens.finish(&im.replies[4]).unwrap_err(),
        PaceError::TokenMismatch
    );

    let (gm, _) = g1();
    let (_, mse) = Pace::new(gm.params.clone(), &gm.password).unwrap().start();
    let (_, nonce) = mse.respond(&gm.replies[0]).unwrap();
    assert!(matches!(
        nonce.generate_mapping_secret(&mut rng),
        MappingSecret::Key(_)
    ));
}

#[test]
fn debug_output_hides_secrets() {
    let (script, v) = g1();
    let pace = Pace::new(script.params.clone(), &script.password).unwrap();
    let k_pi = hex::encode_upper(pace.k_pi().expose());
    let shown = format!("{pace:?} {:?}", script.password);
    assert!(
        !shown.contains(&k_pi[..8]) && !shown.contains("T22000129"),
        "{shown}"
    );
    let (_, mse) = pace.start();
    let (_, nonce) = mse.respond(&script.replies[0]).unwrap();
    let sk = script
        .params
        .group
        .private_key(&hv(&v["terminal_map_priv"]))
        .unwrap();
    let (_, mapping) = nonce
        .respond(&script.replies[1], MappingSecret::Key(sk))
        .unwrap();
    let shown = format!("{mapping:?}");
    assert!(
        !shown.contains("3F00C4D3") && !shown.contains("63, 0, 196"),
        "{shown}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Any reply at any step, however malformed, ends in an error or a result — never a panic.
    #[test]
    fn hostile_replies_never_panic(index in 0usize..5, body in proptest::collection::vec(any::<u8>(), 0..300), ok in any::<bool>()) {
        for (script, _) in [g1(), g2(), h1(), cam()] {
            let reply = if ok { cat(&[&body, &h("9000")]) } else { body.clone() };
            let _ = run(&with_reply(&script, index, reply));
        }
    }

    /// Random 7C templates with the expected tags but random values never panic either.
    #[test]
    fn hostile_values_in_well_formed_templates_never_panic(index in 1usize..5, value in proptest::collection::vec(any::<u8>(), 0..140)) {
        let tag = [0u8, 0x80, 0x82, 0x84, 0x86][index];
        for (script, _) in [g1(), g2(), cam()] {
            let _ = run(&with_reply(&script, index, ga_reply(tag, &value)));
        }
    }
}
