//! The terminal against a minimal chip built from the same shared functions
//! (`encrypt_nonce`, `integrated_mapping`, `SessionKeys`, `MseSetAt`, `AuthData`), with fresh
//! randomness on both sides, over every standardized group and every cipher.
//!
//! Agreement with our own chip proves nothing about the specification by itself — the worked
//! examples do that — but it covers what no published vector does: AES-192/256, 3DES with
//! Integrated Mapping, NIST curves, brainpool 320/384/512, P-521 and the 2048-bit DH groups
//! (extended-length commands), and it shows the shared chip-side functions fit together.

use idproof_core::access::pace::apdu::{AuthData, MseSetAt, dynamic_auth_data};
use idproof_core::access::pace::{
    KeyAgreement, Mapping, Pace, PaceAlgorithm, PaceCipher, PaceError, PaceParams, PacePassword,
    PaceStep, SessionKeys, encrypt_nonce, integrated_mapping, integrated_mapping_nonce_lengths,
};
use idproof_core::codec::CommandApdu;
use idproof_core::crypto::ka::{Group, PrivateKey};
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};

/// A chip that speaks PACE and nothing else.
struct Chip {
    algorithm: PaceAlgorithm,
    group: Group,
    password: PacePassword,
    rng: ChaCha20Rng,
    /// PACE-CAM: the static key SK_IC and CA_IC = 3, so SK_map,IC = 3·SK_IC (SK_IC < n/4, no
    /// reduction needed) and PK_map,IC = CA_IC · PK_IC.
    static_key: Option<Vec<u8>>,
    nonce: Vec<u8>,
    mapped: Option<Group>,
    map_key: Option<PrivateKey>,
    eph_public: Vec<u8>,
    eph_key: Option<PrivateKey>,
    keys: Option<SessionKeys>,
}

const CA_IC: u8 = 3;

fn times_small(bytes: &[u8], k: u8) -> Vec<u8> {
    let mut out = vec![0u8; bytes.len()];
    let mut carry = 0u16;
    for (o, b) in out.iter_mut().zip(bytes).rev() {
        let v = u16::from(*b) * u16::from(k) + carry;
        *o = v.to_be_bytes()[1];
        carry = v >> 8;
    }
    assert_eq!(carry, 0);
    out
}

impl Chip {
    fn new(algorithm: PaceAlgorithm, group: Group, password: PacePassword, seed: u64) -> Self {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        // SK_IC < 2^(8·(|n|−1) − 2) ≤ n/4, so 3·SK_IC < n.
        let static_key = (algorithm.mapping() == Mapping::ChipAuthentication).then(|| {
            let mut sk = vec![0u8; group.order_len()];
            rng.fill_bytes(&mut sk[1..]);
            sk[1] &= 0x3F;
            sk
        });
        Self {
            algorithm,
            group,
            password,
            rng,
            static_key,
            nonce: vec![],
            mapped: None,
            map_key: None,
            eph_public: vec![],
            eph_key: None,
            keys: None,
        }
    }

    fn static_public(&self) -> Option<Vec<u8>> {
        let sk = self.static_key.as_ref()?;
        Some(self.group.public_key(&self.group.private_key(sk).unwrap()))
    }

    fn ok(objects: &[(u8, &[u8])]) -> Vec<u8> {
        [dynamic_auth_data(objects), vec![0x90, 0x00]].concat()
    }

    fn transmit(&mut self, apdu: &[u8]) -> Vec<u8> {
        let command = CommandApdu::parse(apdu).unwrap();
        if command.ins == 0x22 {
            let mse = MseSetAt::parse(&command.data).unwrap();
            assert_eq!(mse.algorithm, self.algorithm);
            assert_eq!(mse.password_ref, self.password.reference());
            return vec![0x90, 0x00];
        }
        assert_eq!(command.ins, 0x86);
        let data = AuthData::parse(&command.data, PaceStep::Nonce).unwrap();
        let cipher = self.algorithm.cipher();
        if data.is_empty() {
            assert_eq!(command.cla, 0x10);
            let (s_len, _) = integrated_mapping_nonce_lengths(cipher);
            let len = if self.algorithm.mapping() == Mapping::Integrated {
                s_len
            } else {
                16
            };
            self.nonce = vec![0; len];
            self.rng.fill_bytes(&mut self.nonce);
            let z = encrypt_nonce(&self.password.k_pi(cipher), &self.nonce).unwrap();
            return Self::ok(&[(0x80, &z)]);
        }
        if let Some(mapping) = data.get(0x81) {
            assert_eq!(command.cla, 0x10);
            return match self.algorithm.mapping() {
                Mapping::Integrated => {
                    self.mapped = Some(
                        integrated_mapping(&self.group, cipher, &self.nonce, mapping).unwrap(),
                    );
                    Self::ok(&[])
                }
                Mapping::Generic | Mapping::ChipAuthentication => {
                    let sk = match &self.static_key {
                        Some(sk_ic) => self.group.private_key(&times_small(sk_ic, CA_IC)).unwrap(),
                        None => self.group.generate(&mut self.rng),
                    };
                    let pk = self.group.public_key(&sk);
                    self.mapped = Some(self.group.map_generic(&self.nonce, &sk, mapping).unwrap());
                    self.map_key = Some(sk);
                    Self::ok(&[(0x82, &pk)])
                }
            };
        }
        if let Some(terminal) = data.get(0x83) {
            assert_eq!(command.cla, 0x10);
            let mapped = self.mapped.as_ref().unwrap();
            let sk = mapped.generate(&mut self.rng);
            self.eph_public = mapped.public_key(&sk);
            let shared = mapped.shared_secret(&sk, terminal).unwrap();
            self.keys = Some(SessionKeys::derive(cipher, shared.expose()));
            self.eph_key = Some(sk);
            // Keep the terminal's key for the token.
            self.nonce = terminal.to_vec();
            let public = self.eph_public.clone();
            return Self::ok(&[(0x84, &public)]);
        }
        let token = data.get(0x85).unwrap();
        assert_eq!(command.cla, 0x00);
        let keys = self.keys.as_ref().unwrap();
        if !keys.verify_token(self.algorithm, &self.eph_public, token) {
            return vec![0x63, 0x00];
        }
        let t_ic = keys.token(self.algorithm, &self.nonce);
        match &self.static_key {
            Some(_) => {
                let a_ic = keys.encrypt_chip_auth_data(&[CA_IC]).unwrap();
                Self::ok(&[(0x86, &t_ic), (0x8A, &a_ic)])
            }
            None => Self::ok(&[(0x86, &t_ic)]),
        }
    }
}

fn run(algorithm: PaceAlgorithm, group: Group, password: &PacePassword, seed: u64) {
    let mut chip = Chip::new(algorithm, group.clone(), password.clone(), seed);
    let mut rng = ChaCha20Rng::seed_from_u64(seed ^ 0xFFFF);
    let params = PaceParams {
        algorithm,
        parameter_id: None,
        group,
    };
    let (apdu, s) = Pace::new(params, password).unwrap().start();
    let reply = chip.transmit(&apdu);
    let (apdu, s) = s.respond(&reply).unwrap();
    let reply = chip.transmit(&apdu);
    let secret = s.generate_mapping_secret(&mut rng);
    let (apdu, s) = s.respond(&reply, secret).unwrap();
    let reply = chip.transmit(&apdu);
    let eph = s.generate_ephemeral_key(&mut rng);
    let (apdu, s) = s.respond(&reply, eph).unwrap();
    let reply = chip.transmit(&apdu);
    let (apdu, s) = s.respond(&reply).unwrap();
    let reply = chip.transmit(&apdu);
    let outcome = s.finish(&reply).unwrap();
    let chip_keys = chip.keys.as_ref().unwrap();
    assert_eq!(
        outcome.session_keys().ks_enc().expose(),
        chip_keys.ks_enc().expose()
    );
    assert_eq!(outcome.sm.keys().suite(), algorithm.cipher().sm_suite());
    assert_eq!(outcome.chip_ephemeral_public, chip.eph_public);
    match chip.static_public() {
        Some(pk_ic) => {
            let cam = outcome.cam_data.unwrap();
            assert_eq!(cam.ca_ic(), [CA_IC]);
            cam.verify(&pk_ic).unwrap();
            assert_eq!(
                cam.verify(&outcome.chip_ephemeral_public),
                Err(PaceError::CamMismatch)
            );
        }
        None => assert!(outcome.cam_data.is_none()),
    }
}

fn algorithm(mapping: Mapping, ka: KeyAgreement, cipher: PaceCipher) -> PaceAlgorithm {
    PaceAlgorithm::new(mapping, ka, cipher).unwrap()
}

const CIPHERS: [PaceCipher; 4] = [
    PaceCipher::Tdes,
    PaceCipher::Aes128,
    PaceCipher::Aes192,
    PaceCipher::Aes256,
];

#[test]
fn every_ec_curve_with_generic_mapping() {
    for (i, id) in (8..=18u8).enumerate() {
        let cipher = CIPHERS[i % 4];
        let group = Group::standardized(id).unwrap();
        let alg = algorithm(Mapping::Generic, KeyAgreement::Ecdh, cipher);
        run(alg, group, &PacePassword::can("123456"), u64::from(id));
    }
}

#[test]
fn every_cipher_with_every_ec_mapping() {
    for (i, cipher) in CIPHERS.into_iter().enumerate() {
        for mapping in [
            Mapping::Generic,
            Mapping::Integrated,
            Mapping::ChipAuthentication,
        ] {
            let Some(alg) = PaceAlgorithm::new(mapping, KeyAgreement::Ecdh, cipher) else {
                assert_eq!(
                    (mapping, cipher),
                    (Mapping::ChipAuthentication, PaceCipher::Tdes)
                );
                continue;
            };
            for id in [12u8, 13, 16] {
                let key = idproof_core::mrz::MrzKey::new("L898902C", "690806", "940623").unwrap();
                run(
                    alg,
                    Group::standardized(id).unwrap(),
                    &PacePassword::mrz(&key),
                    (i as u64) << 8 | u64::from(id),
                );
            }
        }
    }
}

#[test]
fn integrated_mapping_on_curves_of_every_size() {
    // Integrated Mapping needs p ≡ 3 mod 4 (simplified SWU); every standardized curve but
    // P-224 (id 10) satisfies it.
    for id in [8u8, 9, 11, 12, 14, 15, 16, 17, 18] {
        let alg = algorithm(Mapping::Integrated, KeyAgreement::Ecdh, PaceCipher::Aes256);
        run(
            alg,
            Group::standardized(id).unwrap(),
            &PacePassword::can("500540"),
            u64::from(id),
        );
    }
}

#[test]
fn dh_groups_with_both_mappings() {
    for (id, cipher) in [
        (0u8, PaceCipher::Tdes),
        (0, PaceCipher::Aes192),
        (2, PaceCipher::Aes256),
    ] {
        for mapping in [Mapping::Generic, Mapping::Integrated] {
            let alg = algorithm(mapping, KeyAgreement::Dh, cipher);
            run(
                alg,
                Group::standardized(id).unwrap(),
                &PacePassword::can("123456"),
                u64::from(id) + 40,
            );
        }
    }
}

#[test]
fn integrated_mapping_on_p224_is_refused_not_panicked() {
    // P-224 has p ≡ 1 mod 4, outside the simplified SWU encoding ICAO specifies.
    let alg = algorithm(Mapping::Integrated, KeyAgreement::Ecdh, PaceCipher::Aes128);
    let group = Group::standardized(10).unwrap();
    let password = PacePassword::can("123456");
    let mut chip = Chip::new(
        algorithm(Mapping::Generic, KeyAgreement::Ecdh, PaceCipher::Aes128),
        group.clone(),
        password.clone(),
        1,
    );
    chip.algorithm = alg;
    let params = PaceParams {
        algorithm: alg,
        parameter_id: Some(10),
        group,
    };
    let (apdu, s) = Pace::new(params, &password).unwrap().start();
    let (apdu, s) = s.respond(&chip.transmit(&apdu)).unwrap();
    let reply = chip.transmit(&apdu);
    let secret = s.generate_mapping_secret(&mut ChaCha20Rng::seed_from_u64(2));
    let err = s.respond(&reply, secret).unwrap_err();
    assert!(matches!(err, PaceError::MappingFailed(_)), "{err:?}");
    assert_eq!(
        idproof_core::Error::from(err).code,
        idproof_core::ErrorCode::PaceFailed
    );
}
