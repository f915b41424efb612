//! Arbitrary text never makes the MRZ parser panic.

use idproof_core::mrz::{Mrz, MrzKey, name_matches, transliterate};
use proptest::prelude::*;

proptest! {
    #[test]
    fn parse_never_panics_on_arbitrary_text(text in ".{0,120}") {
        let _ = Mrz::parse(&text);
    }

    #[test]
    fn parse_never_panics_on_mrz_alphabet(text in "[A-Z0-9< \n]{0,100}") {
        if let Ok(mrz) = Mrz::parse(&text) {
            let _ = mrz.check_digit_failures();
            let _ = MrzKey::from_mrz(&mrz).mrz_information();
        }
    }

    #[test]
    fn well_shaped_lines_always_parse_or_explain(l1 in "[A-Z0-9<]{44}", l2 in "[A-Z0-9<]{44}") {
        match Mrz::parse_lines(&[l1, l2]) {
            Ok(mrz) => prop_assert_eq!(mrz.lines().len(), 2),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn name_functions_never_panic(typed in ".{0,60}", field in "[A-Z< ]{0,44}") {
        let _ = transliterate(&typed);
        let _ = name_matches(&typed, &field);
    }
}
