//! Every validator rule of the activation flow, with the edge cases of issue 8: 29 February,
//! century boundaries, the CPR 7th-digit table, user IDs of 4/5/48/49 characters, each allowed
//! special character, Æ/Ø/Å names.

use idproof_core::flow::countries::{self, CodeKind};
use idproof_core::flow::validate::{self, AccessMrz, DocumentKind, ValidationError};
use idproof_core::flow::{Code, Date, Lang};
use idproof_core::mrz::{Mrz, NameMatch};
use proptest::prelude::*;

mod flow_support;

fn d(y: u16, m: u8, day: u8) -> Date {
    Date::new(y, m, day).unwrap()
}

fn today() -> Date {
    d(2026, 11, 30)
}

fn code<T>(r: Result<T, ValidationError>) -> &'static str {
    match r {
        Ok(_) => "OK",
        Err(e) => e.code().as_str(),
    }
}

// ---- P code ---------------------------------------------------------------------------------

#[test]
fn p_code_is_exactly_eight_ascii_digits() {
    assert_eq!(validate::p_code("12345678").unwrap().as_str(), "12345678");
    assert_eq!(
        validate::p_code(" 00000000\n").unwrap().as_str(),
        "00000000"
    );
    for bad in [
        "",
        "1234567",
        "123456789",
        "1234 5678",
        "1234567a",
        "１２３４５６７８",
        "+1234567",
    ] {
        assert_eq!(code(validate::p_code(bad)), "P_CODE_FORMAT", "{bad:?}");
    }
}

// ---- CPR ------------------------------------------------------------------------------------

#[test]
fn cpr_with_and_without_hyphen_gives_date_and_modulus_11() {
    for input in ["070761-4285", "0707614285", " 070761-4285 "] {
        let cpr = validate::cpr(input, today()).unwrap();
        assert_eq!(cpr.birth_date(), d(1961, 7, 7));
        assert_eq!(cpr.digits(), "0707614285");
        assert!(cpr.passes_modulus11());
        assert_eq!(cpr.warning(), None);
    }
}

#[test]
fn cpr_without_modulus_11_is_valid_with_a_warning_only() {
    // cpr.dk: numbers without modulus 11 since 1 October 2007, first with birth date 010165.
    let cpr = validate::cpr("010165-0000", today()).unwrap();
    assert!(!cpr.passes_modulus11());
    assert_eq!(cpr.warning(), Some(Code::CprModulus11));
    assert!(!Code::CprModulus11.message(Lang::En).is_empty());
}

#[test]
fn cpr_format_errors() {
    for bad in [
        "",
        "070761",
        "070761-42851",
        "07076-14285",
        "070761 4285",
        "0707614285x",
        "070761_4285",
        "07O761-4285",
        "070761--4285",
    ] {
        assert_eq!(code(validate::cpr(bad, today())), "CPR_FORMAT", "{bad:?}");
    }
}

#[test]
fn cpr_29_february_only_in_leap_years_of_the_derived_century() {
    let far = d(2099, 12, 31);
    // 7th digit 4, YY 00 → 2000 (leap).
    assert_eq!(
        validate::cpr("290200-4001", far).unwrap().birth_date(),
        d(2000, 2, 29)
    );
    // 7th digit 0, YY 00 → 1900 (not leap: divisible by 100, not by 400).
    assert_eq!(code(validate::cpr("290200-0001", far)), "CPR_DATE");
    // 7th digit 5, YY 96 → 1896 (leap).
    assert_eq!(
        validate::cpr("290296-5001", far).unwrap().birth_date(),
        d(1896, 2, 29)
    );
    // 2001 is not leap.
    assert_eq!(code(validate::cpr("290201-4000", far)), "CPR_DATE");
    // 1964 is leap, 1963 not.
    assert!(validate::cpr("290264-1234", far).is_ok());
    assert_eq!(code(validate::cpr("290263-1234", far)), "CPR_DATE");
    for bad in [
        "000161-1234",
        "320161-1234",
        "310461-1234",
        "011361-1234",
        "010061-1234",
    ] {
        assert_eq!(code(validate::cpr(bad, far)), "CPR_DATE", "{bad}");
    }
}

#[test]
fn cpr_century_follows_the_cpr_office_seventh_digit_table() {
    // (7th digit, YY) → birth year, at every boundary of the table.
    let table: &[(u8, u8, u16)] = &[
        (0, 0, 1900),
        (0, 99, 1999),
        (1, 36, 1936),
        (2, 37, 1937),
        (3, 58, 1958),
        (3, 99, 1999),
        (4, 0, 2000),
        (4, 36, 2036),
        (4, 37, 1937),
        (4, 99, 1999),
        (9, 0, 2000),
        (9, 36, 2036),
        (9, 37, 1937),
        (9, 99, 1999),
        (5, 0, 2000),
        (5, 57, 2057),
        (5, 58, 1858),
        (6, 36, 2036),
        (6, 37, 2037),
        (7, 57, 2057),
        (7, 58, 1858),
        (8, 99, 1899),
    ];
    for &(seventh, yy, year) in table {
        assert_eq!(
            validate::cpr_birth_year(yy, seventh),
            Some(year),
            "{seventh} {yy}"
        );
        let input = format!("0101{yy:02}-{seventh}000");
        let cpr = validate::cpr(&input, d(2099, 12, 31)).unwrap();
        assert_eq!(cpr.birth_date().year(), year, "{input}");
    }
    assert_eq!(validate::cpr_birth_year(0, 10), None);
    // The whole range is 1858–2057.
    let years: Vec<u16> = (0..=9u8)
        .flat_map(|s| (0..=99u8).map(move |y| validate::cpr_birth_year(y, s).unwrap()))
        .collect();
    assert_eq!(years.iter().min(), Some(&1858));
    assert_eq!(years.iter().max(), Some(&2057));
}

#[test]
fn cpr_birth_date_not_in_the_future() {
    assert!(validate::cpr("301126-4000", today()).is_ok(), "born today");
    assert_eq!(code(validate::cpr("011226-4000", today())), "CPR_FUTURE");
    assert_eq!(code(validate::cpr("010136-4000", today())), "CPR_FUTURE");
    assert_eq!(
        validate::cpr("010137-4000", today())
            .unwrap()
            .birth_date()
            .year(),
        1937
    );
}

// ---- Issuing state --------------------------------------------------------------------------

#[test]
fn every_table_code_is_accepted_and_germany_is_d() {
    let mut n = 0;
    for (c, kind) in countries::all() {
        let allow = kind == CodeKind::Specimen;
        assert_eq!(validate::issuing_state(c, allow).unwrap().code(), c);
        n += 1;
    }
    assert!(n > 270, "{n}");
    let d = validate::issuing_state("D<<", false).unwrap();
    assert_eq!((d.code(), d.as_mrz().as_str()), ("D", "D<<"));
    assert_eq!(validate::issuing_state("d", false).unwrap().code(), "D");
    assert_eq!(validate::issuing_state("dnk", false).unwrap().code(), "DNK");
    assert_eq!(
        code(validate::issuing_state("DEU", false)),
        "COUNTRY_UNKNOWN"
    );
}

#[test]
fn icao_special_codes_are_accepted() {
    for c in [
        "GBD", "GBN", "GBO", "GBP", "GBS", "UNO", "UNA", "UNK", "EUE", "XXA", "XXB", "XXC", "XXX",
        "XOM", "XPO", "XDC", "XBA", "XIM", "XCC", "XCO", "XEC", "XES", "XMP", "XCE", "RKS", "GBR",
        "DNK", "SWE", "NOR", "ISL", "FRO", "GRL", "UKR", "USA",
    ] {
        assert!(validate::issuing_state(c, false).is_ok(), "{c}");
    }
    assert_eq!(countries::lookup("RKS"), Some(CodeKind::Unendorsed));
    assert_eq!(countries::lookup("ANT"), Some(CodeKind::Historical));
}

#[test]
fn unknown_codes_and_specimens_are_refused() {
    for bad in [
        "", "DK", "DENMARK", "XYZ", "WSA", "INP", "DE", "<<<", "GB", "EU",
    ] {
        let r = validate::issuing_state(bad, false);
        assert!(r.is_err(), "{bad:?}");
    }
    assert_eq!(
        code(validate::issuing_state("XYZ", false)),
        "COUNTRY_UNKNOWN"
    );
    assert_eq!(
        code(validate::issuing_state("UTO", false)),
        "COUNTRY_SPECIMEN"
    );
    assert!(validate::issuing_state("UTO", true).is_ok());
}

#[test]
fn issuing_state_is_compared_with_the_mrz_issuer() {
    let chosen = validate::issuing_state("D", false).unwrap();
    assert!(validate::issuing_state_matches("D<<", &chosen).is_ok());
    let e = validate::issuing_state_matches("DNK", &chosen).unwrap_err();
    assert_eq!(e.code(), Code::Country);
}

// ---- Document kind --------------------------------------------------------------------------

#[test]
fn document_codes_map_to_passport_or_id_card() {
    use DocumentKind::{IdCard, Passport};
    for (doc_code, kind) in [
        ("P<", Some(Passport)),
        ("PD", Some(Passport)),
        ("PO", Some(Passport)),
        ("I<", Some(IdCard)),
        ("ID", Some(IdCard)),
        ("IR", Some(IdCard)),
        ("A<", Some(IdCard)),
        ("C<", Some(IdCard)),
        ("CR", Some(IdCard)),
        ("AC", None), // crew member certificate: neither
        ("V<", None),
        ("VB", None),
        ("", None),
    ] {
        assert_eq!(
            validate::kind_of_document_code(doc_code),
            kind,
            "{doc_code:?}"
        );
    }
    assert!(validate::document_kind(Passport, "P<").is_ok());
    assert_eq!(code(validate::document_kind(IdCard, "P<")), "DOC_KIND");
    assert_eq!(code(validate::document_kind(Passport, "ID")), "DOC_KIND");
    assert_eq!(
        code(validate::document_kind(IdCard, "AC")),
        "DOC_KIND_UNSUPPORTED"
    );
    assert_eq!(
        code(validate::document_kind(Passport, "V<")),
        "DOC_KIND_UNSUPPORTED"
    );
}

// ---- Expiry ---------------------------------------------------------------------------------

#[test]
fn expiry_not_in_the_past_relative_to_today() {
    assert_eq!(validate::not_expired("261130", today()).unwrap(), today());
    assert_eq!(
        code(validate::not_expired("261129", today())),
        "DOC_EXPIRED"
    );
    assert_eq!(
        validate::not_expired("361231", today()).unwrap(),
        d(2036, 12, 31)
    );
    // Far-future two-digit years are last century: "99" is 1999, long expired.
    assert_eq!(
        code(validate::not_expired("991231", today())),
        "DOC_EXPIRED"
    );
    assert_eq!(
        validate::not_expired("761231", today()).unwrap().year(),
        2076
    );
    assert_eq!(
        code(validate::not_expired("771231", today())),
        "DOC_EXPIRED"
    );
    // 29 February of the expiry year.
    assert_eq!(
        validate::not_expired("280229", today()).unwrap(),
        d(2028, 2, 29)
    );
    assert_eq!(code(validate::not_expired("270229", today())), "DOC_DATE");
    for bad in ["", "2611", "26113O", "261131", "261300", "<<<<<<"] {
        assert_eq!(
            code(validate::not_expired(bad, today())),
            "DOC_DATE",
            "{bad:?}"
        );
    }
}

#[test]
fn birth_dates_accept_29_february_of_either_century() {
    assert!(validate::birth_date("000229").is_ok(), "2000 was leap");
    assert!(validate::birth_date("960229").is_ok());
    assert_eq!(code(validate::birth_date("970229")), "DOC_DATE");
    assert_eq!(code(validate::birth_date("970230")), "DOC_DATE");
}

// ---- MRZ and DG1 ----------------------------------------------------------------------------

const TD3: [&str; 2] = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
];

fn specimen() -> Mrz {
    Mrz::parse_lines(&TD3).unwrap()
}

#[test]
fn scanned_mrz_needs_format_and_check_digits() {
    assert!(validate::scanned_mrz(&TD3.join("\n")).is_ok());
    assert_eq!(code(validate::scanned_mrz("P<UTO")), "MRZ_FORMAT");
    let bad = TD3.join("").replacen("L898902C36", "L898902C37", 1);
    assert_eq!(code(validate::scanned_mrz(&bad)), "MRZ_CHECK_DIGIT");
}

#[test]
fn dg1_must_equal_the_scanned_or_typed_mrz() {
    let scanned = AccessMrz::Scanned(specimen());
    assert!(validate::dg1_matches_access(&specimen(), &scanned).is_ok());
    let typed = validate::manual_mrz("l898902c3", "740812", "120415").unwrap();
    assert!(validate::dg1_matches_access(&specimen(), &typed).is_ok());

    let other_birth = validate::manual_mrz("L898902C3", "740813", "120415").unwrap();
    let e = validate::dg1_matches_access(&specimen(), &other_birth).unwrap_err();
    assert_eq!(
        e,
        ValidationError::MrzMismatch {
            fields: vec!["birth_date"]
        }
    );
    assert_eq!(e.code(), Code::MrzMismatch);

    let renamed = TD3[0].replace("ERIKSSON", "ERIKSSEN");
    let dg1 = Mrz::parse_lines(&[renamed.as_str(), TD3[1]]).unwrap();
    let e = validate::dg1_matches_access(&dg1, &scanned).unwrap_err();
    assert_eq!(
        e,
        ValidationError::MrzMismatch {
            fields: vec!["other"]
        }
    );
    assert!(!e.to_string().contains("ERIKSS"), "no names in errors: {e}");
}

#[test]
fn manual_mrz_fields_are_checked() {
    assert_eq!(
        code(validate::manual_mrz("", "740812", "120415")),
        "MRZ_FORMAT"
    );
    assert_eq!(
        code(validate::manual_mrz("L89-8902", "740812", "120415")),
        "MRZ_FORMAT"
    );
    assert_eq!(
        code(validate::manual_mrz("L898902C3", "74081", "120415")),
        "MRZ_FORMAT"
    );
    assert_eq!(
        code(validate::manual_mrz("L898902C3", "741399", "120415")),
        "DOC_DATE"
    );
    assert_eq!(
        code(validate::manual_mrz("L898902C3", "740812", "121415")),
        "DOC_DATE"
    );
    let key = validate::manual_mrz("L898902C3", "740812", "120415")
        .unwrap()
        .access_key();
    assert_eq!(key.mrz_information().as_str(), "L898902C3674081221204159");
}

// ---- Names ----------------------------------------------------------------------------------

#[test]
fn danish_letters_typed_match_the_mrz_transliteration() {
    assert_eq!(
        validate::names("Søren Ødegård", "OEDEGAARD<<SOEREN<<<<<<").unwrap(),
        NameMatch::Exact
    );
    assert_eq!(
        validate::names("Ærø, Åse", "AEROE<<AASE<<<").unwrap(),
        NameMatch::Exact
    );
    assert_eq!(
        validate::names("ÆBLE", "AEBLE<<<").unwrap(),
        NameMatch::Exact
    );
    // The guide: "Ø should be typed as OE" — typing it in A-Z as printed matches too.
    assert_eq!(
        validate::names("Soeren Oedegaard", "OEDEGAARD<<SOEREN<<<").unwrap(),
        NameMatch::Exact
    );
    // Å printed as A by some issuers.
    assert_eq!(
        validate::names("Åse", "ASE<<<").unwrap(),
        NameMatch::AlternativeTransliteration
    );
    // Ø is never just O in ICAO's current table.
    assert_eq!(code(validate::names("Søren", "SOREN<<<")), "NAME_MISMATCH");
    assert_eq!(
        code(validate::names("Hansen", "OEDEGAARD<<SOEREN<<<")),
        "NAME_MISMATCH"
    );
}

// ---- User ID --------------------------------------------------------------------------------

#[test]
fn user_id_length_is_5_to_48_characters() {
    assert_eq!(code(validate::user_id("abcd")), "USER_ID_LENGTH");
    assert_eq!(validate::user_id("abcde").unwrap().as_str(), "abcde");
    let max = "a".repeat(48);
    assert_eq!(validate::user_id(&max).unwrap().as_str(), max);
    assert_eq!(code(validate::user_id(&"a".repeat(49))), "USER_ID_LENGTH");
    // Characters, not bytes: 48 × "ø" is 96 bytes and allowed.
    assert!(validate::user_id(&"ø".repeat(48)).is_ok());
    assert_eq!(code(validate::user_id(&"å".repeat(49))), "USER_ID_LENGTH");
    assert_eq!(code(validate::user_id("")), "USER_ID_LENGTH");
}

#[test]
fn each_allowed_special_character_is_accepted() {
    assert_eq!(validate::USER_ID_SPECIALS.chars().count(), 19);
    for c in validate::USER_ID_SPECIALS.chars() {
        let id = format!("user{c}id");
        assert_eq!(validate::user_id(&id).unwrap().as_str(), id, "{c}");
    }
    assert!(validate::user_id("stine!always!happy:o)").is_ok());
    assert!(validate::user_id("peter78fromlondon").is_ok());
    assert!(validate::user_id("johnsnew#id").is_ok());
    assert!(validate::user_id("two  spaces inside").is_ok());
}

#[test]
fn user_id_is_case_insensitive_including_danish_letters() {
    let upper = validate::user_id("ÆØÅ.Søren.ABC").unwrap();
    let lower = validate::user_id("æøå.søren.abc").unwrap();
    assert_eq!(upper, lower);
    assert_eq!(upper.as_str(), "æøå.søren.abc");
    // å as a + combining ring above.
    assert_eq!(validate::user_id("ga\u{30A}rd1").unwrap().as_str(), "gård1");
}

#[test]
fn user_id_refuses_other_characters() {
    for (bad, position) in [
        ("abc\"de", 4),
        ("abc'de", 4),
        ("abc%de", 4),
        ("abc&de", 4),
        ("café1", 4),
        ("äbcde", 1),
        ("ab\tcd", 3),
        ("ab\u{a0}cd", 3),
        ("abc/de", 4),
        ("abc<de", 4),
        ("abc[de", 4),
        ("abc~de", 4),
    ] {
        assert_eq!(
            validate::user_id(bad).unwrap_err(),
            ValidationError::UserIdCharacter { position },
            "{bad:?}"
        );
    }
}

#[test]
fn user_id_spaces_digits_and_cpr_rules() {
    assert_eq!(code(validate::user_id(" abcde")), "USER_ID_SPACE");
    assert_eq!(code(validate::user_id("abcde ")), "USER_ID_SPACE");
    assert_eq!(code(validate::user_id("0123456789")), "USER_ID_DIGITS");
    assert_eq!(code(validate::user_id("0707614285")), "USER_ID_DIGITS");
    assert!(validate::user_id("012345678").is_ok(), "9 digits");
    assert!(validate::user_id("01234567890").is_ok(), "11 digits");
    assert_eq!(code(validate::user_id("070761-4285")), "USER_ID_CPR");
    assert_eq!(code(validate::user_id("010165-0000")), "USER_ID_CPR");
    assert!(
        validate::user_id("329961-4285").is_ok(),
        "not a real date, so not CPR-like"
    );
    assert!(validate::user_id("070761-42851").is_ok());
}

// ---- Phone and SMS --------------------------------------------------------------------------

#[test]
fn phone_numbers_are_e164() {
    // Every spelling people type comes out as the one E.164 string.
    for typed in [
        "+4512345678",
        "+45 12 34 56 78",
        "+45-12-34-56-78",
        "+45.12.34.56.78",
        "(+45) 12 34 56 78",
        "+45 (12) 345-678",
        "+45/12345678",
        "0045 12 34 56 78",
        "004512345678",
        "12 34 56 78",
        "12345678",
        "\u{a0}+45\u{a0}1234\u{a0}5678\t",
        "+45\u{2011}1234\u{2013}5678",
    ] {
        assert_eq!(
            validate::phone(typed).unwrap().as_str(),
            "+4512345678",
            "{typed:?}"
        );
    }
    assert_eq!(
        validate::phone("0046 70-123 45 67").unwrap().as_str(),
        "+46701234567"
    );
    assert!(validate::phone("+12025550123").is_ok());
    assert!(validate::phone("+123456789012345").is_ok(), "15 digits");
    assert!(validate::phone("+12345678").is_ok(), "8 digits");
    for (bad, c) in [
        // Without + or 00, only a Danish 8-digit number is understood.
        ("4512345678", "PHONE_FORMAT"),
        ("1234567", "PHONE_FORMAT"),
        ("070 1234 5678", "PHONE_FORMAT"),
        // 8 digits starting with 0 are not a Danish number (and 00 is the prefix).
        ("0123 4567", "PHONE_FORMAT"),
        ("+1234567", "PHONE_FORMAT"),
        ("001234567", "PHONE_FORMAT"),
        ("+1234567890123456", "PHONE_FORMAT"),
        ("+45l2345678", "PHONE_FORMAT"),
        ("45+12345678", "PHONE_FORMAT"),
        ("++4512345678", "PHONE_FORMAT"),
        ("+45 1234 5678 ext 9", "PHONE_FORMAT"),
        ("+", "PHONE_FORMAT"),
        ("", "PHONE_FORMAT"),
        (" - ", "PHONE_FORMAT"),
        ("+0123456789", "PHONE_COUNTRY_CODE"),
        ("000123456789", "PHONE_COUNTRY_CODE"),
        ("+451234567", "PHONE_DK_LENGTH"),
        ("0045 1234 567", "PHONE_DK_LENGTH"),
        ("+45123456789", "PHONE_DK_LENGTH"),
    ] {
        assert_eq!(code(validate::phone(bad)), c, "{bad:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_spelling_of_a_valid_number_normalises_to_its_e164_form(
        (typed, e164) in flow_support::phone_spellings()
    ) {
        let phone = validate::phone(&typed);
        prop_assert_eq!(phone.as_ref().map(validate::PhoneNumber::as_str), Ok(e164.as_str()), "{:?}", typed);
    }

    #[test]
    fn the_phone_validator_never_panics_and_accepts_only_e164(text in "\\PC{0,24}") {
        if let Ok(phone) = validate::phone(&text) {
            let digits = phone.as_str().strip_prefix('+').unwrap();
            prop_assert!((8..=15).contains(&digits.len()));
            prop_assert!(digits.bytes().all(|b| b.is_ascii_digit()));
            prop_assert!(!digits.starts_with('0'));
        }
    }
}

#[test]
fn sms_codes_are_4_to_8_digits() {
    assert_eq!(validate::sms_code(" 123 456 ").unwrap().as_str(), "123456");
    assert!(validate::sms_code("1234").is_ok());
    assert!(validate::sms_code("12345678").is_ok());
    for bad in ["123", "123456789", "12a456", ""] {
        assert_eq!(code(validate::sms_code(bad)), "SMS_CODE_FORMAT", "{bad:?}");
    }
}

// ---- Errors ---------------------------------------------------------------------------------

#[test]
fn validation_errors_have_messages_and_hold_no_input() {
    let errors = [
        validate::p_code("1234").unwrap_err(),
        validate::cpr("310261-4285", today()).unwrap_err(),
        validate::user_id("0707614285").unwrap_err(),
        validate::phone("+459876").unwrap_err(),
        validate::names("Søren", "HANSEN<<PETER<<").unwrap_err(),
    ];
    for e in errors {
        let text = format!("{e} {e:?} {}", e.message(Lang::En));
        assert!(!e.message(Lang::En).is_empty());
        for secret in ["9876", "310261", "4285", "0707614285", "Søren", "HANSEN"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}

#[test]
fn validated_personal_values_redact_in_debug() {
    let shown = format!(
        "{:?} {:?} {:?} {:?} {:?} {:?}",
        validate::p_code("12345678").unwrap(),
        validate::cpr("070761-4285", today()).unwrap(),
        validate::user_id("secret.user").unwrap(),
        validate::phone("+4512345678").unwrap(),
        validate::sms_code("123456").unwrap(),
        validate::manual_mrz("L898902C3", "740812", "120415").unwrap(),
    );
    for secret in [
        "12345678",
        "0707614285",
        "secret",
        "123456",
        "L898902C3",
        "740812",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}
