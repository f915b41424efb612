//! ICAO 9303-11 Appendix D, byte for byte: BAC key derivation (D.2), authentication and session
//! keys (D.3) and 3DES secure messaging (D.4). Vectors: `fixtures/data/icao_9303_11_worked_examples.json`.

use idproof_core::access::bac::{Bac, BacError};
use idproof_core::crypto::{
    KDF_COUNTER_ENC, KDF_COUNTER_MAC, KeyKind, adjust_des_parity, des3_cbc_decrypt,
    des3_cbc_encrypt, kdf, kdf_tdes, mrz_key_seed, retail_mac, unpad_m2,
};
use idproof_core::sm::{SecureMessaging, SmError};
use idproof_core::{Error, ErrorCode};
use proptest::prelude::*;
use serde_json::Value;
use sha1::{Digest, Sha1};

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/data/icao_9303_11_worked_examples.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn bac_vec() -> Value {
    vectors()["D_BAC"].clone()
}

fn sm_vec() -> Value {
    vectors()["D4_secure_messaging"].clone()
}

fn h(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

fn arr<const N: usize>(v: &Value) -> [u8; N] {
    h(v).try_into().unwrap()
}

fn mrz_info(d: &Value) -> Vec<u8> {
    d["MRZ_information"].as_str().unwrap().as_bytes().to_vec()
}

/// The D.4 session, at its initial SSC.
fn d4_session() -> SecureMessaging {
    let d = sm_vec();
    SecureMessaging::tdes(
        &arr(&d["KS_enc"]),
        &arr(&d["KS_mac"]),
        arr(&d["SSC_initial"]),
    )
}

/// Runs BAC with the D.3 values and returns the secure-messaging session.
fn d3_session() -> SecureMessaging {
    let d = bac_vec();
    let bac = Bac::new(&mrz_info(&d));
    let (_, pending) =
        bac.external_authenticate(&arr(&d["RND_IC"]), arr(&d["RND_IFD"]), arr(&d["K_IFD"]));
    pending
        .finish(&h(&d["apdu_external_authenticate"]["r"]))
        .unwrap()
}

#[test]
fn bac_kdf_matches_icao_d2() {
    let d = bac_vec();
    let info = mrz_info(&d);
    assert_eq!(
        Sha1::digest(&info).as_slice(),
        h(&d["SHA1_MRZ_information"])
    );
    let seed = mrz_key_seed(&info);
    assert_eq!(seed.expose().as_slice(), h(&d["K_seed"]));
    assert_eq!(
        kdf_tdes(seed.expose(), KDF_COUNTER_ENC).expose().as_slice(),
        h(&d["K_enc"])
    );
    assert_eq!(
        kdf_tdes(seed.expose(), KDF_COUNTER_MAC).expose().as_slice(),
        h(&d["K_mac"])
    );
    // The generic KDF entry point agrees.
    assert_eq!(
        kdf(seed.expose(), 1, KeyKind::Tdes2).expose(),
        h(&d["K_enc"])
    );

    let bac = Bac::new(&info);
    assert_eq!(bac.k_enc().expose().as_slice(), h(&d["K_enc"]));
    assert_eq!(bac.k_mac().expose().as_slice(), h(&d["K_mac"]));
}

#[test]
fn des_parity_adjustment_gives_the_exact_icao_k_enc() {
    let d = bac_vec();
    // Raw KDF output before parity: first 16 bytes of SHA-1(K_seed ‖ 00000001).
    let raw = Sha1::new()
        .chain_update(h(&d["K_seed"]))
        .chain_update([0, 0, 0, 1])
        .finalize();
    let mut key = raw[..16].to_vec();
    assert_ne!(key, h(&d["K_enc"]), "the D.2 example needs parity fixing");
    adjust_des_parity(&mut key);
    assert_eq!(key, h(&d["K_enc"]));
}

#[test]
fn bac_get_challenge_matches_icao_d3() {
    let d = bac_vec();
    assert_eq!(
        Bac::get_challenge_apdu().to_vec(),
        h(&d["apdu_get_challenge"]["c"])
    );
    let rnd_ic = Bac::parse_challenge(&h(&d["apdu_get_challenge"]["r"])).unwrap();
    assert_eq!(rnd_ic.to_vec(), h(&d["RND_IC"]));
    assert_eq!(
        Bac::parse_challenge(&[0x69, 0x82]),
        Err(BacError::Rejected { sw: 0x6982 })
    );
    assert_eq!(
        Bac::parse_challenge(&[1, 2, 0x90, 0x00]),
        Err(BacError::Malformed)
    );
    assert_eq!(Bac::parse_challenge(&[0x90]), Err(BacError::Malformed));
}

#[test]
fn bac_external_authenticate_matches_icao_d3() {
    let d = bac_vec();
    let bac = Bac::new(&mrz_info(&d));
    let (apdu, _) =
        bac.external_authenticate(&arr(&d["RND_IC"]), arr(&d["RND_IFD"]), arr(&d["K_IFD"]));
    assert_eq!(apdu, h(&d["apdu_external_authenticate"]["c"]));
    // The pieces, via the shared building blocks.
    let e_ifd = des3_cbc_encrypt(&arr(&d["K_enc"]), &h(&d["S"])).unwrap();
    assert_eq!(e_ifd, h(&d["E_IFD"]));
    assert_eq!(
        retail_mac(&arr(&d["K_mac"]), &e_ifd).to_vec(),
        h(&d["M_IFD"])
    );
    assert_eq!(&apdu[5..37], &e_ifd[..]);
    assert_eq!(&apdu[37..45], &h(&d["M_IFD"])[..]);
}

#[test]
fn bac_session_keys_match_icao_d3() {
    let d = bac_vec();
    // Chip side pieces first.
    let e_ic = h(&d["E_IC"]);
    assert_eq!(retail_mac(&arr(&d["K_mac"]), &e_ic).to_vec(), h(&d["M_IC"]));
    assert_eq!(
        des3_cbc_decrypt(&arr(&d["K_enc"]), &e_ic).unwrap(),
        h(&d["R_decrypted"])
    );

    let sm = d3_session();
    assert_eq!(sm.ssc(), h(&d["SSC"]));
    // Equal to a session built from the printed KS_enc/KS_mac: same protected bytes.
    let mut expected =
        SecureMessaging::tdes(&arr(&d["KS_enc"]), &arr(&d["KS_mac"]), arr(&d["SSC"]));
    let mut got = sm.clone();
    let cmd = [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x01, 0x1E];
    assert_eq!(got.protect(&cmd).unwrap(), expected.protect(&cmd).unwrap());

    // And the seed/keys directly.
    let mut ks_seed = [0u8; 16];
    for (i, b) in ks_seed.iter_mut().enumerate() {
        *b = h(&d["K_IFD"])[i] ^ h(&d["K_IC"])[i];
    }
    assert_eq!(ks_seed.to_vec(), h(&d["K_seed_session"]));
    assert_eq!(kdf_tdes(&ks_seed, 1).expose().to_vec(), h(&d["KS_enc"]));
    assert_eq!(kdf_tdes(&ks_seed, 2).expose().to_vec(), h(&d["KS_mac"]));
}

#[test]
fn bac_then_sm_reads_ef_com_like_icao_d4() {
    let d = sm_vec();
    let mut sm = d3_session();
    let mut ef_com = Vec::new();
    let plain: [&[u8]; 3] = [
        &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x01, 0x1E],
        &[0x00, 0xB0, 0x00, 0x00, 0x04],
        &[0x00, 0xB0, 0x00, 0x04, 0x12],
    ];
    for (step, cmd) in d["steps"].as_array().unwrap().iter().zip(plain) {
        assert_eq!(sm.protect(cmd).unwrap(), h(&step["c"]));
        let reply = sm.unprotect(&h(&step["r"])).unwrap();
        assert_eq!(&reply[reply.len() - 2..], &[0x90, 0x00]);
        ef_com.extend_from_slice(&reply[..reply.len() - 2]);
    }
    assert_eq!(ef_com, h(&d["EF_COM_full"]));
}

fn check_step(sm: &mut SecureMessaging, step: &Value, plain: &[u8]) {
    assert_eq!(
        sm.protect(plain).unwrap(),
        h(&step["c"]),
        "{}",
        step["what"]
    );
    assert_eq!(sm.ssc(), h(&step["SSC_used"]));
    let reply = sm.unprotect(&h(&step["r"])).unwrap();
    assert_eq!(sm.ssc(), h(&step["SSC_response"]));
    let mut expected = h(&step["response_data"]);
    expected.extend_from_slice(&[0x90, 0x00]);
    assert_eq!(reply, expected, "{}", step["what"]);
}

#[test]
fn sm_select_ef_com_matches_icao_d4() {
    let d = sm_vec();
    let step = &d["steps"][0];
    let mut sm = d4_session();
    check_step(&mut sm, step, &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x01, 0x1E]);

    // Intermediate values through the building blocks.
    let keys = d4_session().keys().clone();
    let ssc = h(&step["SSC_used"]);
    let n = h(&step["N_mac_input"]);
    assert_eq!(&n[..8], &ssc[..]);
    // N is printed already padded; `mac` pads internally, so hand it the unpadded input.
    let n = unpad_m2(&n, 8).unwrap();
    assert_eq!(
        keys.mac(&ssc, &n[8..]).unwrap().to_vec(),
        h(&step["DO8E"])[2..].to_vec()
    );
    let do87 = h(&step["DO87"]);
    assert_eq!(
        keys.encrypt(&ssc, &[0x01, 0x1E]).unwrap(),
        do87[3..].to_vec()
    );
    let k = h(&step["K_response_mac_input"]);
    assert_eq!(
        keys.mac(&k[..8], &[0x99, 0x02, 0x90, 0x00])
            .unwrap()
            .to_vec(),
        hex::decode("FA855A5D4C50A8ED").unwrap()
    );
}

#[test]
fn sm_read_binary_matches_icao_d4() {
    let d = sm_vec();
    let mut sm = d4_session();
    check_step(
        &mut sm,
        &d["steps"][0],
        &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x01, 0x1E],
    );
    check_step(&mut sm, &d["steps"][1], &[0x00, 0xB0, 0x00, 0x00, 0x04]);
    check_step(&mut sm, &d["steps"][2], &[0x00, 0xB0, 0x00, 0x04, 0x12]);
    assert_eq!(sm.ssc(), hex::decode("887022120C06C22C").unwrap());

    let step = &d["steps"][1];
    let keys = d4_session().keys().clone();
    let n = h(&step["N_mac_input"]);
    let n = unpad_m2(&n, 8).unwrap();
    assert_eq!(
        keys.mac(&n[..8], &n[8..]).unwrap().to_vec(),
        h(&step["DO8E"])[2..].to_vec()
    );
    let k = h(&step["K_response_mac_input"]);
    let k = unpad_m2(&k, 8).unwrap();
    assert_eq!(
        keys.mac(&k[..8], &k[8..]).unwrap().to_vec(),
        hex::decode("AD55CC17140B2DED").unwrap()
    );
}

/// The D.4 READ BINARY #1 reply, after protecting the commands that precede it.
fn session_before_read_binary_reply() -> (SecureMessaging, Vec<u8>) {
    let d = sm_vec();
    let mut sm = d4_session();
    check_step(
        &mut sm,
        &d["steps"][0],
        &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x01, 0x1E],
    );
    sm.protect(&[0x00, 0xB0, 0x00, 0x00, 0x04]).unwrap();
    (sm, h(&d["steps"][1]["r"]))
}

#[test]
fn sm_reply_with_a_flipped_mac_bit_is_rejected() {
    let (sm, reply) = session_before_read_binary_reply();
    for bit in 0..8 {
        let mut bad = reply.clone();
        let mac_byte = bad.len() - 3;
        bad[mac_byte] ^= 1 << bit;
        assert_eq!(sm.clone().unprotect(&bad), Err(SmError::MacMismatch));
    }
    // Tampering with the cryptogram or the protected SW is caught by the MAC too.
    let mut bad = reply.clone();
    bad[4] ^= 0x80;
    assert_eq!(sm.clone().unprotect(&bad), Err(SmError::MacMismatch));
    let mut bad = reply.clone();
    bad[14] = 0x62;
    assert_eq!(sm.clone().unprotect(&bad), Err(SmError::MacMismatch));
    // Out-of-step SSC (e.g. a replayed reply) fails.
    let mut replay = sm.clone();
    replay.unprotect(&reply).unwrap();
    assert_eq!(replay.unprotect(&reply), Err(SmError::MacMismatch));
    // The original still accepts the genuine reply.
    assert_eq!(
        sm.clone().unprotect(&reply).unwrap(),
        h(&sm_vec()["steps"][1]["response_data"])
            .into_iter()
            .chain([0x90, 0x00])
            .collect::<Vec<_>>()
    );
}

#[test]
fn sm_reply_without_mac_or_status_is_rejected() {
    let (sm, reply) = session_before_read_binary_reply();
    // Strip DO'8E'.
    let no_mac = [&reply[..reply.len() - 12], &reply[reply.len() - 2..]].concat();
    assert_eq!(sm.clone().unprotect(&no_mac), Err(SmError::MacMissing));

    // A reply with a correct MAC but no DO'99' (built with the shared building blocks).
    let mut chip = sm.clone();
    let keys = chip.keys().clone();
    let mut ssc = chip.ssc().to_vec();
    idproof_core::sm::increment_ssc(&mut ssc);
    let mut body = Vec::new();
    let ct = keys.encrypt(&ssc, b"abcd").unwrap();
    idproof_core::sm::push_do(&mut body, 0x87, &[&[1u8][..], &ct].concat()).unwrap();
    let mac = keys.mac(&ssc, &body).unwrap();
    idproof_core::sm::push_do(&mut body, 0x8E, &mac).unwrap();
    body.extend_from_slice(&[0x90, 0x00]);
    assert_eq!(chip.unprotect(&body), Err(SmError::StatusMissing));
}

#[test]
fn sm_plain_status_reply_is_reported_with_its_sw() {
    let mut sm = d4_session();
    sm.protect(&[0x00, 0xB0, 0x00, 0x00, 0x04]).unwrap();
    for sw in [0x6982u16, 0x6987, 0x6988, 0x9000] {
        assert_eq!(
            sm.clone().unprotect(&sw.to_be_bytes()),
            Err(SmError::Unprotected { sw })
        );
    }
    let err: Error = SmError::Unprotected { sw: 0x6982 }.into();
    assert_eq!(err.code, ErrorCode::SecureMessaging);
    assert!(err.detail.contains("6982"));
    assert_eq!(sm.unprotect(&[0x90]), Err(SmError::MalformedResponse));
}

#[test]
fn bac_wrong_m_ic_is_access_denied() {
    let d = bac_vec();
    let bac = Bac::new(&mrz_info(&d));
    let start = || {
        bac.external_authenticate(&arr(&d["RND_IC"]), arr(&d["RND_IFD"]), arr(&d["K_IFD"]))
            .1
    };
    let good = h(&d["apdu_external_authenticate"]["r"]);

    let mut bad = good.clone();
    bad[39] ^= 0x01; // last byte of M_IC
    let err = start().finish(&bad).unwrap_err();
    assert_eq!(err, BacError::MacMismatch);
    assert_eq!(Error::from(err).code, ErrorCode::AccessDenied);

    // A chip answering with the other MRZ's keys: wrong MAC too.
    let other = Bac::new(b"L898902C<369080619406237");
    let (_, pending) =
        other.external_authenticate(&arr(&d["RND_IC"]), arr(&d["RND_IFD"]), arr(&d["K_IFD"]));
    assert_eq!(pending.finish(&good).unwrap_err(), BacError::MacMismatch);

    // Right keys, but RND.IFD not echoed (a different RND.IFD was sent).
    let (_, pending) = bac.external_authenticate(&arr(&d["RND_IC"]), [0; 8], arr(&d["K_IFD"]));
    let err = pending.finish(&good).unwrap_err();
    assert_eq!(err, BacError::ChallengeMismatch);
    assert_eq!(Error::from(err).code, ErrorCode::AccessDenied);

    for sw in [0x6300u16, 0x6982, 0x6A80] {
        let err = start().finish(&sw.to_be_bytes()).unwrap_err();
        assert_eq!(err, BacError::Rejected { sw });
        assert_eq!(Error::from(err).code, ErrorCode::AccessDenied);
    }
    let err = start().finish(&good[2..]).unwrap_err();
    assert_eq!(err, BacError::Malformed);
    assert_eq!(Error::from(err).code, ErrorCode::ChipProtocol);
}

#[test]
fn sm_odd_ins_and_extended_length_round_trip_through_a_chip_built_from_building_blocks() {
    // READ BINARY B1 with an extended Le: data goes in DO'85', Le in a 2-byte DO'97'.
    let mut sm = d4_session();
    let plain = [
        0x00, 0xB1, 0x00, 0x00, 0x00, 0x00, 0x04, 0x54, 0x02, 0x7F, 0xFF, 0x01, 0x00,
    ];
    let out = sm.protect(&plain).unwrap();
    assert_eq!(&out[..5], &[0x0C, 0xB1, 0x00, 0x00, 0x00]);
    let lc = usize::from(u16::from_be_bytes([out[5], out[6]]));
    assert_eq!(out.len(), 7 + lc + 2);
    assert_eq!(&out[out.len() - 2..], &[0, 0]);
    let body = &out[7..7 + lc];
    assert_eq!(body[0], 0x85);
    assert_eq!(body[1], 8);
    assert_eq!(&body[10..14], &[0x97, 0x02, 0x01, 0x00]);
    let keys = sm.keys().clone();
    let ssc = sm.ssc().to_vec();
    assert_eq!(
        keys.decrypt(&ssc, &body[2..10]).unwrap(),
        vec![0x54, 0x02, 0x7F, 0xFF]
    );

    // A large response (300 bytes) with a long-form DO'87' length.
    let data: Vec<u8> = (0..=255u8).chain(0..44).collect();
    let mut ssc = ssc;
    idproof_core::sm::increment_ssc(&mut ssc);
    let ct = keys.encrypt(&ssc, &data).unwrap();
    let mut resp = Vec::new();
    idproof_core::sm::push_do(&mut resp, 0x87, &[&[1u8][..], &ct].concat()).unwrap();
    assert_eq!(&resp[..2], &[0x87, 0x82]);
    idproof_core::sm::push_do(&mut resp, 0x99, &[0x90, 0x00]).unwrap();
    let mac = keys.mac(&ssc, &resp).unwrap();
    idproof_core::sm::push_do(&mut resp, 0x8E, &mac).unwrap();
    resp.extend_from_slice(&[0x90, 0x00]);
    let plain_reply = sm.unprotect(&resp).unwrap();
    assert_eq!(&plain_reply[..300], &data[..]);
    assert_eq!(&plain_reply[300..], &[0x90, 0x00]);

    // Short command data whose protected body exceeds 255 bytes switches to extended length.
    let mut big = vec![0x00, 0xD6, 0x00, 0x00, 0xF0];
    big.extend_from_slice(&[0xAA; 0xF0]);
    let out = sm.protect(&big).unwrap();
    assert_eq!(out[4], 0x00);
    assert_eq!(u16::from_be_bytes([out[5], out[6]]) as usize, out.len() - 9);
}

proptest! {
    #[test]
    fn unprotect_never_panics_on_random_replies(reply in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut sm = d4_session();
        let _ = sm.unprotect(&reply);
    }

    #[test]
    fn unprotect_never_panics_on_sm_shaped_replies(
        tags in proptest::collection::vec(prop_oneof![Just(0x87u8), Just(0x85), Just(0x99), Just(0x8E), any::<u8>()], 0..5),
        lens in proptest::collection::vec(prop_oneof![0u8..20, Just(0x81), Just(0x82), Just(0x8F)], 5),
        fill in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut reply = Vec::new();
        for (t, l) in tags.iter().zip(&lens) {
            reply.push(*t);
            reply.push(*l);
            reply.extend(fill.iter().take(usize::from(*l)));
        }
        reply.extend_from_slice(&[0x90, 0x00]);
        let _ = d4_session().unprotect(&reply);
    }

    #[test]
    fn protect_never_panics_on_random_commands(cmd in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = d4_session().protect(&cmd);
    }

    #[test]
    fn bac_finish_never_panics_on_random_replies(reply in proptest::collection::vec(any::<u8>(), 0..64)) {
        let d = bac_vec();
        let bac = Bac::new(&mrz_info(&d));
        let (_, pending) = bac.external_authenticate(&arr(&d["RND_IC"]), arr(&d["RND_IFD"]), arr(&d["K_IFD"]));
        prop_assert!(pending.finish(&reply).is_err());
    }
}
