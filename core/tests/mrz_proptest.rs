//! Property tests of the MRZ parser: arbitrary text never panics, and every `YYMMDD` date is
//! accepted exactly when it is a real calendar date, in all three layouts.

use idproof_core::mrz::{
    CheckedField, Mrz, MrzError, MrzKey, check_digit, name_matches, transliterate,
};
use idproof_core::{Error, ErrorCode};
use proptest::prelude::*;

fn cd(data: &str) -> char {
    char::from(b'0' + check_digit(data).unwrap_or(0))
}

/// A TD3 (passport) MRZ with these dates and correct check digits.
fn td3(birth: &str, expiry: &str) -> Vec<String> {
    let number = "L898902C3";
    let personal = "ZE184226B<<<<<";
    let l2_head = format!(
        "{number}{}UTO{birth}{}F{expiry}{}{personal}{}",
        cd(number),
        cd(birth),
        cd(expiry),
        cd(personal)
    );
    let composite = format!(
        "{}{}{}",
        &l2_head[0..10],
        &l2_head[13..20],
        &l2_head[21..43]
    );
    vec![
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<".to_owned(),
        format!("{l2_head}{}", cd(&composite)),
    ]
}

/// A TD2 MRZ with these dates and correct check digits.
fn td2(birth: &str, expiry: &str) -> Vec<String> {
    let number = "D23145890";
    let l2_head = format!(
        "{number}{}UTO{birth}{}F{expiry}{}<<<<<<<",
        cd(number),
        cd(birth),
        cd(expiry)
    );
    let composite = format!(
        "{}{}{}",
        &l2_head[0..10],
        &l2_head[13..20],
        &l2_head[21..35]
    );
    vec![
        "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<".to_owned(),
        format!("{l2_head}{}", cd(&composite)),
    ]
}

/// A TD1 (ID card) MRZ with these dates and correct check digits.
fn td1(birth: &str, expiry: &str) -> Vec<String> {
    let number = "D23145890";
    let l1 = format!("I<UTO{number}{}<<<<<<<<<<<<<<<", cd(number));
    let l2_head = format!("{birth}{}F{expiry}{}UTO<<<<<<<<<<<", cd(birth), cd(expiry));
    let composite = format!(
        "{}{}{}{}",
        &l1[5..30],
        &l2_head[0..7],
        &l2_head[8..15],
        &l2_head[18..29]
    );
    vec![
        l1,
        format!("{l2_head}{}", cd(&composite)),
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<".to_owned(),
    ]
}

/// Whether `YYMMDD` is a real date for some century (19YY or 20YY), by the Gregorian rule
/// written out independently of the parser.
fn is_real_date(yy: u32, mm: u32, dd: u32) -> bool {
    let leap = |y: u32| (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = |y: u32| match mm {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap(y) => 29,
        2 => 28,
        _ => 0,
    };
    dd >= 1 && (dd <= days(1900 + yy) || dd <= days(2000 + yy))
}

fn layouts() -> [fn(&str, &str) -> Vec<String>; 3] {
    [td1, td2, td3]
}

/// The outcome of parsing and validating an MRZ, as the stable code (or "OK").
fn outcome(lines: &[String]) -> (String, String) {
    match Mrz::parse_lines(lines).and_then(|m| m.validate().map(|()| m)) {
        Ok(_) => ("OK".to_owned(), String::new()),
        Err(e) => {
            let e: Error = e.into();
            (e.code.as_str().to_owned(), e.detail)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Every digit-only birth date: valid iff a real date, else MRZ_DATE naming birth_date.
    #[test]
    fn birth_date_valid_iff_real(yy in 0u32..100, mm in 0u32..100, dd in 0u32..100, layout in 0usize..3) {
        let birth = format!("{yy:02}{mm:02}{dd:02}");
        let lines = layouts()[layout](&birth, "310101");
        let (code, detail) = outcome(&lines);
        if is_real_date(yy, mm, dd) {
            prop_assert_eq!(code, "OK", "{} {}", birth, detail);
        } else {
            prop_assert_eq!(code, "MRZ_DATE", "{}", birth);
            prop_assert!(detail.starts_with("birth_date: "), "{}", detail);
        }
    }

    /// Every expiry date: valid iff a real date, else MRZ_DATE naming expiry_date.
    #[test]
    fn expiry_date_valid_iff_real(yy in 0u32..100, mm in 0u32..100, dd in 0u32..100, layout in 0usize..3) {
        let expiry = format!("{yy:02}{mm:02}{dd:02}");
        let lines = layouts()[layout]("740812", &expiry);
        let (code, detail) = outcome(&lines);
        if is_real_date(yy, mm, dd) {
            prop_assert_eq!(code, "OK", "{} {}", expiry, detail);
        } else {
            prop_assert_eq!(code, "MRZ_DATE", "{}", expiry);
            prop_assert!(detail.starts_with("expiry_date: "), "{}", detail);
        }
    }

    /// Unknown birth day or month as fillers (ICAO 9303-3): valid when the known part is.
    #[test]
    fn birth_date_unknown_parts(yy in 0u32..100, mm in 0u32..100, layout in 0usize..3) {
        let make = layouts()[layout];
        let (code, _) = outcome(&make(&format!("{yy:02}<<<<"), "310101"));
        prop_assert_eq!(code, "OK");
        let (code, detail) = outcome(&make(&format!("{yy:02}{mm:02}<<"), "310101"));
        prop_assert_eq!(code, if (1..=12).contains(&mm) { "OK" } else { "MRZ_DATE" }, "{}", detail);
        // A known day after an unknown month is not an ICAO form.
        let (code, _) = outcome(&make(&format!("{yy:02}<<{:02}", mm % 28 + 1), "310101"));
        prop_assert_eq!(code, "MRZ_FORMAT");
    }

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

    /// Two lines of 44 MRZ characters: either a TD3 whose raw lines are kept, or one of the
    /// format/date errors a TD3 can have (the shape is right, so never a length error).
    #[test]
    fn well_shaped_lines_always_parse_or_explain(l1 in "[A-Z0-9<]{44}", l2 in "[A-Z0-9<]{44}") {
        match Mrz::parse_lines(&[l1.clone(), l2.clone()]) {
            Ok(mrz) => prop_assert_eq!(mrz.lines(), &[l1, l2][..]),
            Err(MrzError::Format { detail }) => prop_assert!(
                ["document code", "visa", "birth date", "expiry date", "sex", "invalid character in"]
                    .iter()
                    .any(|p| detail.contains(p)) && !detail.contains("wrong length"),
                "{}", detail
            ),
            Err(MrzError::Date { field, .. }) => prop_assert!(
                matches!(field, CheckedField::BirthDate | CheckedField::ExpiryDate)
            ),
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }

    #[test]
    fn name_functions_never_panic(typed in ".{0,60}", field in "[A-Z< ]{0,44}") {
        let _ = transliterate(&typed);
        let _ = name_matches(&typed, &field);
    }
}

#[test]
fn the_issue_dates_are_refused() {
    for (birth, expiry, field) in [
        ("741312", "310101", "birth_date"),
        ("740832", "310101", "birth_date"),
        ("740812", "349999", "expiry_date"),
        ("010229", "310101", "birth_date"),
    ] {
        for make in layouts() {
            let (code, detail) = outcome(&make(birth, expiry));
            assert_eq!(code, "MRZ_DATE", "{birth} {expiry}");
            assert!(detail.starts_with(&format!("{field}: ")), "{detail}");
        }
    }
    // 29 Feb 2000 / 1900: 00 is a leap year in one century, so accepted; so are 1996/2096.
    for birth in ["000229", "960229", "040229"] {
        assert_eq!(outcome(&td3(birth, "310101")).0, "OK", "{birth}");
    }
    assert_eq!(ErrorCode::MrzDate.as_str(), "MRZ_DATE");
}
