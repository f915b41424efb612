//! Arbitrary bytes (as lossy UTF-8) into the MRZ parser and everything derived from a parse.
#![no_main]

use idproof_core::flow::date::Date;
use idproof_core::mrz::{Mrz, MrzKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(mrz) = Mrz::parse(&text) {
        let _ = mrz.check_digit_failures();
        let _ = mrz.validate();
        let _ = (mrz.surname(), mrz.given_names(), mrz.optional_data());
        let _ = MrzKey::from_mrz(&mrz).mrz_information();
        let _ = (mrz.name(), mrz.issuing_state(), mrz.document_code());
        if let Some(today) = Date::new(2026, 12, 7) {
            let _ = (mrz.birth_date_iso(today), mrz.expiry_date_iso(today));
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    let _ = Mrz::parse_lines(&lines);
});
