//! `verify::verify_files` (what `idproof verify` runs on dumped files) over an arbitrary file
//! map ([`idproof_fuzz::file_map`]), against a trust store holding a real CSCA, with and
//! without the access MRZ: every check's parsing of hostile files at once, in combination.
//!
//! First byte: bit 0 = give the ICAO 9303 specimen MRZ as the access MRZ.
#![no_main]

use idproof_core::asn1::Time;
use idproof_core::auth::trust::TrustStore;
use idproof_core::lds::{DataGroup, LdsFile};
use idproof_core::mrz::Mrz;
use idproof_core::report::Verdict;
use idproof_core::verify::verify_files;
use idproof_fuzz::file_map;
use libfuzzer_sys::fuzz_target;

const CSCA: &[u8] = include_bytes!("../../fixtures/data/pki/DE_CSCA.der");
/// ICAO 9303-4's TD3 specimen.
const SPECIMEN: &str =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let files = file_map(rest);
    let mut trust = TrustStore::new();
    trust.add_certificate(CSCA, "DE_CSCA.der").unwrap();
    let mrz = Mrz::parse(SPECIMEN).unwrap();
    let access = (flags & 1 != 0).then_some(&mrz);
    let report = verify_files(&files, &trust, Time::from_ymd(2026, 12, 7).unwrap(), access);
    // Authentic needs a signed EF.SOD and DG1's MRZ, at the least.
    if report.verdict == Verdict::Authentic {
        assert!(
            files.contains_key(&LdsFile::Sod) && files.contains_key(&LdsFile::Dg(DataGroup::DG1))
        );
    }
    assert_eq!(
        report.verdict == Verdict::Failed,
        !report.failures.is_empty()
    );
});
