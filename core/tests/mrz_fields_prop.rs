//! Generated TD1, TD2 and TD3 MRZs: the fields come back as people write them (fillers
//! gone, `SURNAME, GIVEN NAMES`, ISO dates in the right century) and pad back to exactly
//! what was printed. The lines are composed here, independently of the parser; check
//! digits are left wrong on purpose (`0`): fields are read whatever the digits say.

use idproof_core::flow::date::Date;
use idproof_core::mrz::{Mrz, MrzFormat};
use proptest::prelude::*;

fn pad(s: &str, width: usize) -> String {
    format!("{s:<<width$}")
}

fn letters(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Z]{{1,{max}}}")).unwrap()
}

fn words(min: usize, max: usize) -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(letters(8), min..=max)
}

/// YYMMDD with a day every month has.
fn yymmdd() -> impl Strategy<Value = (u16, u8, u8)> {
    (0u16..100, 1u8..=12, 1u8..=28)
}

#[derive(Debug, Clone)]
struct Fields {
    format: MrzFormat,
    code: String,
    state: String,
    nationality: String,
    surname: Vec<String>,
    given: Vec<String>,
    number: String,
    birth: (u16, u8, u8),
    expiry: (u16, u8, u8),
    sex: char,
}

fn fields() -> impl Strategy<Value = Fields> {
    (
        prop_oneof![
            Just(MrzFormat::Td1),
            Just(MrzFormat::Td2),
            Just(MrzFormat::Td3)
        ],
        "[A-UW-Z][A-Z<]",
        letters(3),
        letters(3),
        words(1, 3),
        words(0, 3),
        "[A-Z0-9]{1,9}",
        yymmdd(),
        yymmdd(),
        prop_oneof![Just('M'), Just('F'), Just('X')],
    )
        .prop_map(
            |(format, code, state, nationality, surname, given, number, birth, expiry, sex)| {
                Fields {
                    format,
                    code,
                    state,
                    nationality,
                    surname,
                    given,
                    number,
                    birth,
                    expiry,
                    sex,
                }
            },
        )
}

fn date_text((y, m, d): (u16, u8, u8)) -> String {
    format!("{y:02}{m:02}{d:02}")
}

fn name_field(f: &Fields) -> String {
    let surname = f.surname.join("<");
    if f.given.is_empty() {
        surname
    } else {
        format!("{surname}<<{}", f.given.join("<"))
    }
}

/// The printed lines for `f` (ICAO 9303-4/5/6 positions), check digits all `0`.
fn lines(f: &Fields) -> Vec<String> {
    let (birth, expiry) = (date_text(f.birth), date_text(f.expiry));
    let number = pad(&f.number, 9);
    let (state, nat) = (pad(&f.state, 3), pad(&f.nationality, 3));
    match f.format {
        MrzFormat::Td1 => vec![
            format!("{}{state}{number}0{}", f.code, pad("", 15)),
            format!("{birth}0{}{expiry}0{nat}{}0", f.sex, pad("", 11)),
            pad(&name_field(f), 30),
        ],
        MrzFormat::Td2 => vec![
            pad(&format!("{}{state}{}", f.code, name_field(f)), 36),
            format!("{number}0{nat}{birth}0{}{expiry}0{}0", f.sex, pad("", 7)),
        ],
        MrzFormat::Td3 => vec![
            pad(&format!("{}{state}{}", f.code, name_field(f)), 44),
            format!("{number}0{nat}{birth}0{}{expiry}0{}00", f.sex, pad("", 14)),
        ],
    }
}

const TODAY: (u16, u8, u8) = (2026, 12, 7);

/// The century people mean, written out longhand: a birth date is the latest that is not
/// after today; an expiry is 20YY unless that is more than 50 years ahead.
fn expected_birth((yy, m, d): (u16, u8, u8)) -> String {
    let year = if (2000 + yy, m, d) <= TODAY {
        2000 + yy
    } else {
        1900 + yy
    };
    format!("{year:04}-{m:02}-{d:02}")
}

fn expected_expiry((yy, m, d): (u16, u8, u8)) -> String {
    let year = if 2000 + yy > TODAY.0 + 50 {
        1900 + yy
    } else {
        2000 + yy
    };
    format!("{year:04}-{m:02}-{d:02}")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_mrz_fields_are_as_people_write_them(f in fields()) {
        let width = match f.format { MrzFormat::Td1 => 30, MrzFormat::Td2 => 31, MrzFormat::Td3 => 39 };
        prop_assume!(name_field(&f).len() <= width);
        let printed = lines(&f);
        let mrz = Mrz::parse_lines(&printed).unwrap();
        prop_assert_eq!(mrz.format(), f.format);
        prop_assert_eq!(mrz.lines(), printed.as_slice());
        prop_assert_eq!(mrz.document_code(), f.code.trim_end_matches('<'));
        prop_assert_eq!(mrz.issuing_state(), f.state.as_str());
        prop_assert_eq!(mrz.nationality(), f.nationality.as_str());
        prop_assert_eq!(mrz.document_number(), f.number.as_str());
        let name = if f.given.is_empty() {
            f.surname.join(" ")
        } else {
            format!("{}, {}", f.surname.join(" "), f.given.join(" "))
        };
        prop_assert_eq!(mrz.name(), name);
        for value in [mrz.document_code(), mrz.issuing_state(), mrz.nationality()] {
            prop_assert!(!value.contains('<'), "{value:?}");
        }
        // Padding back gives the printed field.
        prop_assert_eq!(pad(mrz.document_code(), 2), &printed[0][0..2]);
        prop_assert_eq!(pad(mrz.issuing_state(), 3), &printed[0][2..5]);
        let today = Date::new(TODAY.0, TODAY.1, TODAY.2).unwrap();
        prop_assert_eq!(
            mrz.birth_date_iso(today).map(|d| d.to_string()),
            Some(expected_birth(f.birth))
        );
        prop_assert_eq!(
            mrz.expiry_date_iso(today).map(|d| d.to_string()),
            Some(expected_expiry(f.expiry))
        );
        prop_assert_eq!(mrz.birth_date(), date_text(f.birth));
    }
}
