//! EXTERNAL AUTHENTICATE replies into BAC (App D keys and randomness).
//!
//! First byte: 0 = raw reply; 1 = `R ‖ sw` where R (32 bytes, the chip's RND.IC ‖ RND.IFD ‖
//! K.IC) is encrypted and MACed here, so the echo check and key derivation are reached;
//! 2 = `E.IC` of any length with a correct MAC.
#![no_main]

use idproof_core::access::Bac;
use idproof_core::crypto::{des3_cbc_encrypt, retail_mac};
use idproof_fuzz::{RND_IC, arr, h, mrz_key};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let key = mrz_key();
    let bac = Bac::new(key.mrz_information().as_bytes());
    let (_, pending) = bac.external_authenticate(
        &arr(RND_IC),
        arr("781723860C06C226"),
        arr("0B795240CB7049B01C19B33E32804F0B"),
    );
    let reply = match mode % 3 {
        0 => rest.to_vec(),
        1 => {
            let Some((r, tail)) = rest.split_first_chunk::<32>() else {
                return;
            };
            let e_ic = des3_cbc_encrypt(bac.k_enc().expose(), r).unwrap();
            let mut reply = e_ic.clone();
            reply.extend_from_slice(&retail_mac(bac.k_mac().expose(), &e_ic));
            reply.extend_from_slice(tail.get(..2).unwrap_or(&h("9000")));
            reply
        }
        _ => {
            let mut reply = rest.to_vec();
            reply.extend_from_slice(&retail_mac(bac.k_mac().expose(), rest));
            reply.extend_from_slice(&[0x90, 0x00]);
            reply
        }
    };
    if let Ok(mut sm) = pending.finish(&reply) {
        // Only a reply echoing both challenges opens a channel; it must be usable.
        assert!(sm.protect(&h("00A4020C02011E")).is_ok());
    }
});
