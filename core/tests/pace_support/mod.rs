//! Drives the PACE terminal through a scripted exchange (recorded chip replies and fixed
//! terminal randomness) and records every command and intermediate value, so the tests can
//! compare each one with a published vector.

#![allow(dead_code)]

use idproof_core::access::pace::{
    MappingSecret, Pace, PaceError, PaceOutcome, PaceParams, PacePassword,
};
use idproof_core::crypto::ka::Group;
use serde_json::Value;
use zeroize::Zeroizing;

pub fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace([' ', '\n'], "")).unwrap()
}

pub fn hv(v: &Value) -> Vec<u8> {
    h(v.as_str().unwrap_or_else(|| panic!("not a string: {v}")))
}

fn load(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// ICAO 9303-11 worked examples (Appendices D–I).
pub fn icao() -> Value {
    load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/data/icao_9303_11_worked_examples.json"
    ))
}

/// BSI EAC worked example (via OpenPACE).
pub fn bsi() -> Value {
    load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/data/bsi_eac_worked_example.json"
    ))
}

/// gmrtd's PACE traces (ICAO G.1, real NZ and DE passports).
pub fn gmrtd() -> Value {
    load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/data/gmrtd_pace_traces.json"
    ))
}

/// The terminal randomness of a run.
#[derive(Clone)]
pub enum MapInput {
    /// GM / CAM mapping private key.
    Key(Vec<u8>),
    /// IM nonce t.
    Nonce(Vec<u8>),
}

/// A scripted PACE run.
#[derive(Clone)]
pub struct Script {
    pub params: PaceParams,
    pub password: PacePassword,
    /// The chip's five replies (MSE, GA1–GA4), each with its status word.
    pub replies: Vec<Vec<u8>>,
    pub mapping: MapInput,
    pub ephemeral: Vec<u8>,
}

/// What the terminal sent and computed, as far as it got.
#[derive(Default)]
pub struct Transcript {
    pub commands: Vec<Vec<u8>>,
    pub k_pi: Vec<u8>,
    pub nonce: Option<Vec<u8>>,
    pub terminal_mapping_data: Option<Vec<u8>>,
    pub chip_mapping_public: Option<Vec<u8>>,
    pub mapped_generator: Option<Vec<u8>>,
    pub terminal_ephemeral_public: Option<Vec<u8>>,
    pub shared_secret: Option<Vec<u8>>,
    pub ks_enc: Option<Vec<u8>>,
    pub ks_mac: Option<Vec<u8>>,
    pub terminal_token: Option<Vec<u8>>,
}

/// Runs `script`; returns the transcript and the outcome (or the first error).
pub fn run(script: &Script) -> (Transcript, Result<PaceOutcome, PaceError>) {
    let mut t = Transcript::default();
    let result = run_into(script, &mut t);
    (t, result)
}

fn run_into(script: &Script, t: &mut Transcript) -> Result<PaceOutcome, PaceError> {
    let group: Group = script.params.group.clone();
    let pace = Pace::new(script.params.clone(), &script.password)?;
    t.k_pi = pace.k_pi().expose().to_vec();
    let (apdu, s) = pace.start();
    t.commands.push(apdu);
    let (apdu, s) = s.respond(&script.replies[0])?;
    t.commands.push(apdu);
    let secret = match &script.mapping {
        MapInput::Key(k) => MappingSecret::Key(group.private_key(k).unwrap()),
        MapInput::Nonce(n) => MappingSecret::Nonce(Zeroizing::new(n.clone())),
    };
    let (apdu, s) = s.respond(&script.replies[1], secret)?;
    t.commands.push(apdu);
    t.nonce = Some(s.nonce().to_vec());
    t.terminal_mapping_data = Some(s.terminal_mapping_data().to_vec());
    let eph = group.private_key(&script.ephemeral).unwrap();
    let (apdu, s) = s.respond(&script.replies[2], eph)?;
    t.commands.push(apdu);
    t.mapped_generator = Some(s.mapped_group().generator());
    t.chip_mapping_public = s.chip_mapping_public().map(<[u8]>::to_vec);
    t.terminal_ephemeral_public = Some(s.terminal_ephemeral_public().to_vec());
    let (apdu, s) = s.respond(&script.replies[3])?;
    t.commands.push(apdu);
    t.shared_secret = Some(s.shared_secret().to_vec());
    t.ks_enc = Some(s.session_keys().ks_enc().expose().to_vec());
    t.ks_mac = Some(s.session_keys().ks_mac().expose().to_vec());
    t.terminal_token = Some(s.terminal_token().to_vec());
    s.finish(&script.replies[4])
}

/// Replaces the reply to step `index` (0 = MSE:Set AT).
pub fn with_reply(script: &Script, index: usize, reply: Vec<u8>) -> Script {
    let mut s = script.clone();
    s.replies[index] = reply;
    s
}
