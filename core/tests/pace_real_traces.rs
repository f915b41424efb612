//! PACE against real passports, as recorded by gmrtd (`fixtures/data/gmrtd_pace_traces.json`):
//! given the recorded chip replies and the recorded terminal keys, every command we send is
//! byte-identical and the session keys match.
//!
//! - NZ: PACE-ECDH-GM with **3DES** (retail-MAC tokens, 8-byte SSC), brainpoolP256r1, MRZ.
//! - DE: PACE-CAM with AES-128, followed by a secure-messaging read of EF.CardSecurity, which
//!   our session reproduces too; the chip-authentication key in that file then passes the CAM
//!   check PK_map,IC = CA_IC · PK_IC with the CA_IC the chip sent — a real chip proving its key.

mod pace_support;

use idproof_core::access::pace::{
    Mapping, PaceAlgorithm, PaceCipher, PaceError, PaceParams, PacePassword,
};
use idproof_core::asn1::{Mode, Tlv, tag};
use idproof_core::cms::SignedData;
use idproof_core::crypto::ka::Group;
use idproof_core::mrz::MrzKey;
use idproof_core::sm::SmSuite;
use pace_support::{MapInput, Script, h, hv, run};
use serde_json::Value;

/// id-PK-ECDH (BSI TR-03110-3): the protocol OID of an ECDH ChipAuthenticationPublicKeyInfo.
const ID_PK_ECDH: &str = "0.4.0.127.0.7.2.2.1.2";

struct Trace {
    commands: Vec<Vec<u8>>,
    replies: Vec<Vec<u8>>,
    keys: Vec<Vec<u8>>,
    password: PacePassword,
    sm: Value,
    ssc: Option<Vec<u8>>,
    card_access: Vec<u8>,
}

fn trace(name: &str) -> Trace {
    let events = pace_support::gmrtd()[name]["events"].clone();
    let mut t = Trace {
        commands: vec![],
        replies: vec![],
        keys: vec![],
        password: PacePassword::can("0"),
        sm: Value::Null,
        ssc: None,
        card_access: vec![],
    };
    for e in events.as_array().unwrap() {
        if let Some(c) = e.get("apdu_c") {
            t.commands.push(hv(c));
            t.replies.push(hv(&e["apdu_r"]));
        } else if let Some(k) = e.get("ec_keypair") {
            t.keys.push(hv(&k["priv"]));
        } else if let Some(p) = e.get("password_mrz") {
            let key = MrzKey::new(
                p["docNumber"].as_str().unwrap(),
                p["dateOfBirth"].as_str().unwrap(),
                p["dateOfExpiry"].as_str().unwrap(),
            )
            .unwrap();
            t.password = PacePassword::mrz(&key);
        } else if let Some(sm) = e.get("sm") {
            t.sm = sm.clone();
        } else if let Some(ssc) = e.get("ssc") {
            t.ssc = Some(hv(ssc));
        } else if let Some(ca) = e.get("ef_cardaccess") {
            t.card_access = hv(ca);
        }
    }
    t
}

/// The trace's PACE run: parameter id 13 (brainpoolP256r1) sent in MSE:Set AT, as gmrtd does.
fn script(t: &Trace, oid: &str) -> Script {
    let algorithm = PaceAlgorithm::from_oid(oid).unwrap();
    // The protocol is the one EF.CardAccess advertises (its PACEInfo holds the OID's bytes).
    let oid_der = [&[0x06, 0x0A][..], &algorithm.oid_bytes()].concat();
    assert!(
        t.card_access.windows(12).any(|w| w == oid_der.as_slice()),
        "EF.CardAccess does not offer {oid}"
    );
    Script {
        params: PaceParams {
            algorithm,
            parameter_id: Some(13),
            group: Group::standardized(13).unwrap(),
        },
        password: t.password.clone(),
        replies: t.replies[..5].to_vec(),
        mapping: MapInput::Key(t.keys[0].clone()),
        ephemeral: t.keys[1].clone(),
    }
}

#[test]
fn pace_ecdh_gm_3des_matches_a_real_nz_passport() {
    let t = trace("TestDoPace_GM_ECDH_TDES_CBC_NZ");
    let (got, outcome) = run(&script(&t, "0.4.0.127.0.7.2.2.4.2.1"));
    let outcome = outcome.unwrap();
    assert_eq!(got.commands, t.commands[..5].to_vec());
    assert_eq!(got.ks_enc.unwrap(), hv(&t.sm["ksEnc"]));
    assert_eq!(got.ks_mac.unwrap(), hv(&t.sm["ksMac"]));
    // The 3DES token is a retail MAC (gmrtd's iso9797 vector: 8D7C617D43EFE09E).
    assert_eq!(got.terminal_token.unwrap(), h("8D7C617D43EFE09E"));
    assert_eq!(outcome.algorithm.cipher(), PaceCipher::Tdes);
    assert_eq!(outcome.sm.keys().suite(), SmSuite::Tdes);
    assert_eq!(outcome.sm.ssc(), [0u8; 8]);
}

#[test]
fn pace_cam_matches_a_real_de_passport_and_its_card_security_key() {
    let t = trace("TestDoPace_CAM_ECDH_DE");
    let (got, outcome) = run(&script(&t, "0.4.0.127.0.7.2.2.4.6.2"));
    let mut outcome = outcome.unwrap();
    assert_eq!(got.commands, t.commands[..5].to_vec());
    assert_eq!(got.ks_enc.unwrap(), hv(&t.sm["ksEnc"]));
    assert_eq!(got.ks_mac.unwrap(), hv(&t.sm["ksMac"]));
    assert_eq!(outcome.algorithm.mapping(), Mapping::ChipAuthentication);

    // The session PACE opened reproduces the recorded SM read of EF.CardSecurity (SELECT 011D,
    // then READ BINARY by offset): each protected command byte for byte, each reply verified.
    let mut card_security = Vec::new();
    for (i, (command, reply)) in t.commands.iter().zip(&t.replies).enumerate().skip(5) {
        let plain = if command[1] == 0xA4 {
            h("00A4020C02011D")
        } else {
            // READ BINARY: offset in P1-P2, Le in DO'97' (`97 01 Le` right after Lc).
            assert_eq!(&command[5..7], &[0x97, 0x01]);
            vec![0x00, 0xB0, command[2], command[3], command[7]]
        };
        let protected = outcome.sm.protect(&plain).unwrap();
        assert_eq!(
            hex::encode_upper(&protected),
            hex::encode_upper(command),
            "SM command {i}"
        );
        let data = outcome.sm.unprotect(reply).unwrap();
        let (body, sw) = data.split_at(data.len() - 2);
        assert_eq!(sw, [0x90, 0x00]);
        if plain[1] == 0xB0 {
            let offset = usize::from(u16::from_be_bytes([plain[2], plain[3]]));
            assert_eq!(offset, card_security.len(), "reads are contiguous");
            card_security.extend_from_slice(body);
        }
    }
    assert_eq!(outcome.sm.ssc(), t.ssc.unwrap());

    // EF.CardSecurity: SignedData over SecurityInfos holding the chip-authentication key(s).
    let sd = SignedData::parse(&card_security).unwrap();
    assert_eq!(sd.e_content_type, "0.4.0.127.0.7.3.2.1");
    let infos = sd.e_content.unwrap();
    let keys = ca_public_keys(&infos);
    assert!(
        !keys.is_empty(),
        "no ECDH chip-authentication key in EF.CardSecurity"
    );

    let cam = outcome.cam_data.take().unwrap();
    let passing: Vec<_> = keys.iter().filter(|k| cam.verify(k).is_ok()).collect();
    assert_eq!(
        passing.len(),
        1,
        "exactly one CA key is the chip's PACE-CAM key"
    );
    // Any other key (here the chip's ephemeral key) fails the check.
    assert_eq!(
        cam.verify(&outcome.chip_ephemeral_public),
        Err(PaceError::CamMismatch)
    );
}

/// The subjectPublicKey of every `ChipAuthenticationPublicKeyInfo` with id-PK-ECDH.
fn ca_public_keys(security_infos: &[u8]) -> Vec<Vec<u8>> {
    let set = Tlv::parse(security_infos, Mode::Der)
        .unwrap()
        .expect(tag::SET, "SecurityInfos")
        .unwrap();
    let mut keys = Vec::new();
    for info in set.children() {
        let info = info.unwrap();
        let mut fields = info.children();
        let protocol = fields.next().unwrap().unwrap();
        if protocol.oid().unwrap() != ID_PK_ECDH {
            continue;
        }
        let spki = fields.next().unwrap().unwrap();
        let mut spki_fields = spki.children();
        let _algorithm = spki_fields.next().unwrap().unwrap();
        let key = spki_fields.next().unwrap().unwrap();
        keys.push(key.bit_string_bytes().unwrap().to_vec());
    }
    keys
}
