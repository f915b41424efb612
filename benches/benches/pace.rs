//! Criterion benchmarks of PACE, terminal side only, per mapping and domain parameters.
//!
//! For each case the chip's replies are recorded once (our virtual chip, seeded), then the
//! benchmark replays them to a terminal seeded the same way: what is timed is exactly the
//! terminal's work of one PACE run (nonce decryption, mapping, key agreement, KDF, tokens),
//! i.e. what a phone spends, without the chip's share.
//!
//! Run: `cargo bench -p idproof-benches --bench pace` (add `-- --quick` for a fast pass).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use idproof_core::access::pace::terminal::Pace;
use idproof_core::access::pace::{PaceAlgorithm, PaceParams, PacePassword};
use idproof_core::crypto::ka::Group;
use idproof_core::lds::DataGroup;
use idproof_core::mrz::{Mrz, MrzKey};
use idproof_core::reader::Transport;
use idproof_fixtures::chip::{ScriptedRng, VirtualChip, pace_profile};
use idproof_fixtures::factory::{Cipher, Mapping};
use idproof_fixtures::virtual_passport::VirtualPassport;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;

/// One PACE run of the terminal; `chip` answers each command.
fn terminal_run(
    algorithm: PaceAlgorithm,
    parameter_id: u8,
    password: &PacePassword,
    chip: &mut dyn FnMut(&[u8]) -> Vec<u8>,
) {
    let mut rng = ChaCha20Rng::seed_from_u64(42);
    let params = PaceParams {
        algorithm,
        parameter_id: Some(parameter_id),
        group: Group::standardized(parameter_id).expect("group"),
    };
    let (apdu, s) = Pace::new(params, password).expect("pace").start();
    let (apdu, s) = s.respond(&chip(&apdu)).expect("mse");
    let reply = chip(&apdu);
    let secret = s.generate_mapping_secret(&mut rng);
    let (apdu, s) = s.respond(&reply, secret).expect("nonce");
    let reply = chip(&apdu);
    let ephemeral = s.generate_ephemeral_key(&mut rng);
    let (apdu, s) = s.respond(&reply, ephemeral).expect("mapping");
    let (apdu, s) = s.respond(&chip(&apdu)).expect("agreement");
    black_box(s.finish(&chip(&apdu)).expect("tokens"));
}

fn pace(c: &mut Criterion) {
    let cases = [
        (Mapping::Generic, 12, "gm_p256"),
        (Mapping::Generic, 13, "gm_bp256"),
        (Mapping::Generic, 16, "gm_bp384"),
        (Mapping::Generic, 17, "gm_bp512"),
        (Mapping::Generic, 18, "gm_p521"),
        (Mapping::Generic, 0, "gm_dh1024"),
        (Mapping::Generic, 2, "gm_dh2048"),
        (Mapping::Integrated, 13, "im_bp256"),
        (Mapping::Integrated, 12, "im_p256"),
        (Mapping::ChipAuthentication, 13, "cam_bp256"),
    ];
    let mut group = c.benchmark_group("pace_terminal");
    group.sample_size(20);
    for (mapping, id, name) in cases {
        let profile = pace_profile(mapping, id, Cipher::Aes128);
        let builder = VirtualPassport::specimen_builder(&profile).without_dg(DataGroup::DG2);
        let document = builder.build().expect("document");
        let mrz = Mrz::parse_lines(&document.mrz_lines).expect("mrz");
        let password = PacePassword::mrz(&MrzKey::from_mrz(&mrz));
        let offer = &document.security.pace[0];
        let algorithm = PaceAlgorithm::from_oid(&offer.protocol().expect("oid")).expect("alg");
        // Record the chip's answers to a terminal seeded as in the benchmark.
        let mut chip =
            VirtualChip::for_document(&document, profile, ScriptedRng::new::<_, [u8; 0]>([], 7))
                .expect("chip");
        let mut replies = Vec::new();
        terminal_run(algorithm, id, &password, &mut |apdu| {
            let reply = chip.transmit(apdu).expect("chip reply");
            replies.push(reply.clone());
            reply
        });
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut next = replies.iter();
                terminal_run(algorithm, id, &password, &mut |_| {
                    next.next().expect("recorded reply").clone()
                });
            });
        });
    }
    group.finish();
}

criterion_group!(benches, pace);
criterion_main!(benches);
