//! Chip Authentication on the reader side fed arbitrary chip replies: the MSE reply and the
//! GENERAL AUTHENTICATE reply (CA v2's nonce and token), for real DG14 keys — brainpoolP256r1
//! with keyId (DE), the AT and MY chips, and the ICAO sample's DH key — with both command
//! variants. The chip's own command parser is fed the same bytes.
//!
//! First byte: bits 0–1 pick the DG14, bit 2 the commands (MSE:Set KAT or MSE:Set AT + GA);
//! the rest is split at the first `FF` into the MSE reply and the GA reply.
#![no_main]

use idproof_core::access::chip_auth::{CaCommands, CaNext, ChipAuthentication, parse_command};
use idproof_core::lds::Dg14;
use libfuzzer_sys::fuzz_target;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;

const DG14: [&[u8]; 4] = [
    include_bytes!("../../fixtures/data/securityinfos/gmrtd_DG14_with_keyid_brainpoolP256r1.bin"),
    include_bytes!("../../fixtures/data/securityinfos/gmrtd_DG14_AT.bin"),
    include_bytes!("../../fixtures/data/securityinfos/gmrtd_DG14_MY.bin"),
    include_bytes!("../../fixtures/data/securityinfos/jmrtd-legacy_spec_sample_encoded_dg14.bin"),
];

fuzz_target!(|data: &[u8]| {
    let _ = parse_command(data);
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let dg14 = DG14[usize::from(selector & 3)];
    let infos = match Dg14::parse(dg14) {
        Ok(dg14) => dg14.infos,
        Err(_) => match idproof_core::access::security_info::SecurityInfos::parse(dg14) {
            Ok(infos) => infos,
            Err(_) => return,
        },
    };
    let Ok(ca) = ChipAuthentication::from_security_infos(&infos) else {
        return;
    };
    let commands = if selector & 4 != 0 {
        CaCommands::SetAtGeneralAuthenticate
    } else {
        CaCommands::SetKat
    };
    let ca = ca.with_commands(commands);
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let Ok((_, pending)) = ca.start(&mut rng) else {
        return;
    };
    let (mse, ga) = match rest.iter().position(|b| *b == 0xFF) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    match pending.finish(mse) {
        Ok(CaNext::GeneralAuthenticate(_, pending)) => {
            if let Ok(keys) = pending.finish(ga) {
                let _ = keys.secure_messaging();
            }
        }
        Ok(CaNext::Established(keys)) => {
            let _ = keys.secure_messaging();
        }
        Err(_) => {}
    }
});
