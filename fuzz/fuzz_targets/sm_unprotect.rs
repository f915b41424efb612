//! Replies into a 3DES secure-messaging channel with the App D keys.
//!
//! The first byte picks how the rest is used, so the fuzzer also gets past the MAC check:
//! 0 = raw reply; 1 = reply body whose DO'8E' (correct MAC) and trailer are added here;
//! 2 = `sw1 sw2 ‖ plaintext`, wrapped correctly (must round-trip); 3 = `sw1 sw2 ‖ cryptogram`
//! with arbitrary padding inside, wrapped with a correct MAC.
#![no_main]

use idproof_core::sm::{increment_ssc, push_do};
use idproof_fuzz::{app_d_keys, app_d_sm, protect_reply};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let mut sm = app_d_sm();
    let keys = app_d_keys();
    let mut ssc = sm.ssc().to_vec();
    increment_ssc(&mut ssc);
    match mode % 4 {
        0 => {
            let _ = sm.unprotect(rest);
        }
        1 => {
            let mut reply = rest.to_vec();
            let mac = keys.mac(&ssc, rest).unwrap();
            if push_do(&mut reply, 0x8E, &mac).is_ok() {
                reply.extend_from_slice(&[0x90, 0x00]);
                let _ = sm.unprotect(&reply);
            }
        }
        2 => {
            let Some((sw, plain)) = rest.split_first_chunk::<2>() else {
                return;
            };
            let reply = protect_reply(&keys, &ssc, plain, *sw);
            let mut expected = plain.to_vec();
            expected.extend_from_slice(sw);
            assert_eq!(sm.unprotect(&reply), Ok(expected));
        }
        _ => {
            let Some((sw, ct)) = rest.split_first_chunk::<2>() else {
                return;
            };
            let mut body = Vec::new();
            let mut value = vec![0x01];
            value.extend_from_slice(ct);
            if push_do(&mut body, 0x87, &value).is_err() {
                return;
            }
            push_do(&mut body, 0x99, sw).unwrap();
            let mac = keys.mac(&ssc, &body).unwrap();
            push_do(&mut body, 0x8E, &mac).unwrap();
            body.extend_from_slice(sw);
            let _ = sm.unprotect(&body);
        }
    }
});
