//! The PACE terminal fed arbitrary chip replies at every step (brainpoolP256r1 GM and CAM,
//! DH GM): it must refuse cleanly, never panic, whatever the chip says.
#![no_main]

use idproof_core::access::pace::terminal::Pace;
use idproof_core::access::pace::{PaceAlgorithm, PaceParams, PacePassword};
use idproof_core::crypto::ka::Group;
use libfuzzer_sys::fuzz_target;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let (oid, id) = match selector % 3 {
        0 => ("0.4.0.127.0.7.2.2.4.2.2", 13),
        1 => ("0.4.0.127.0.7.2.2.4.6.2", 13),
        _ => ("0.4.0.127.0.7.2.2.4.1.2", 0),
    };
    let (Ok(algorithm), Ok(group)) = (PaceAlgorithm::from_oid(oid), Group::standardized(id)) else {
        return;
    };
    // Split the rest into five replies at 0xFF 0xFF separators.
    let mut replies = rest.split(|b| *b == 0xFF).map(<[u8]>::to_vec);
    let mut next = || replies.next().unwrap_or_default();
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let params = PaceParams {
        algorithm,
        parameter_id: Some(id),
        group,
    };
    let Ok(pace) = Pace::new(params, &PacePassword::can("123456")) else {
        return;
    };
    let (_, s) = pace.start();
    let Ok((_, s)) = s.respond(&next()) else {
        return;
    };
    let secret = s.generate_mapping_secret(&mut rng);
    let Ok((_, s)) = s.respond(&next(), secret) else {
        return;
    };
    let key = s.generate_ephemeral_key(&mut rng);
    let Ok((_, s)) = s.respond(&next(), key) else {
        return;
    };
    let Ok((_, s)) = s.respond(&next()) else {
        return;
    };
    let _ = s.finish(&next());
});
