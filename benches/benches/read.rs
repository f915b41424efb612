//! Criterion benchmarks of the read path: MRZ parsing, BAC + secure messaging, and a full
//! in-process read of the specimen passport from the virtual chip (short and extended length).
//!
//! Run: `cargo bench -p idproof-benches --bench read` (add `-- --quick` for a fast pass).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use idproof_core::mrz::{Mrz, MrzKey};
use idproof_core::reader::{ExtendedLength, ReadOptions};
use idproof_core::sm::SecureMessaging;
use idproof_fixtures::chip::ChipProfile;
use idproof_fixtures::virtual_passport::{VirtualPassport, read_resuming};

const TD3: &str =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10";

fn mrz(c: &mut Criterion) {
    c.bench_function("mrz_parse_td3", |b| b.iter(|| Mrz::parse(black_box(TD3))));
    c.bench_function("mrz_key_from_fields", |b| {
        b.iter(|| MrzKey::new(black_box("L898902C3"), "740812", "120415"));
    });
}

fn secure_messaging(c: &mut Criterion) {
    let mut sm = SecureMessaging::tdes(&[0x11; 16], &[0x22; 16], [0; 8]);
    let read_binary = [0x00, 0xB0, 0x00, 0x00, 0xE7];
    c.bench_function("sm_3des_protect_read_binary", |b| {
        b.iter(|| sm.protect(black_box(&read_binary)));
    });
}

fn full_read(c: &mut Criterion) {
    let base = VirtualPassport::specimen(ChipProfile::specimen()).expect("specimen");
    for (name, extended) in [
        ("read_specimen_bac_extended", ExtendedLength::Auto),
        ("read_specimen_bac_short", ExtendedLength::Never),
    ] {
        let options = ReadOptions {
            extended_length: extended,
            ..ReadOptions::default()
        };
        c.bench_function(name, |b| {
            b.iter(|| {
                let mut passport =
                    VirtualPassport::from_document(base.document.clone(), ChipProfile::specimen())
                        .expect("chip");
                let mut session = passport.session(options.clone(), 1);
                read_resuming(&mut session, &mut passport.chip, |_| {}).expect("read")
            });
        });
    }
}

criterion_group!(benches, mrz, secure_messaging, full_read);
criterion_main!(benches);
