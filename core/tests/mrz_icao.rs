//! Hand-written cases from the ICAO 9303-4/5/6 position tables and specimens.

use idproof_core::mrz::{
    CheckDigitFailure, CheckedField, Mrz, MrzError, MrzFormat, MrzKey, check_digit,
};
use idproof_core::{Error, ErrorCode};

const TD3_SPECIMEN: [&str; 2] = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
];
const TD2_SPECIMEN: [&str; 2] = [
    "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
    "D231458907UTO7408122F1204159<<<<<<<6",
];
const TD1_SPECIMEN: [&str; 3] = [
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
];

fn fields(mrz: &Mrz) -> Vec<CheckedField> {
    mrz.check_digit_failures()
        .into_iter()
        .map(|f: CheckDigitFailure| f.field)
        .collect()
}

fn cd(data: &str) -> char {
    char::from(b'0' + check_digit(data).unwrap())
}

fn replace_at(line: &str, pos: usize, c: char) -> String {
    let mut bytes = line.as_bytes().to_vec();
    bytes[pos] = u8::try_from(c).unwrap();
    String::from_utf8(bytes).unwrap()
}

/// A different digit than the one at `pos`.
fn wrong_digit(line: &str, pos: usize) -> char {
    let printed = line.as_bytes()[pos];
    if printed == b'5' { '6' } else { '5' }
}

#[test]
fn td3_specimen_fields() {
    let mrz = Mrz::parse_lines(&TD3_SPECIMEN).unwrap();
    assert_eq!(mrz.format(), MrzFormat::Td3);
    assert_eq!(mrz.document_code(), "P");
    assert_eq!(mrz.issuing_state(), "UTO");
    assert_eq!(mrz.name(), "ERIKSSON, ANNA MARIA");
    let today = idproof_core::flow::date::Date::new(2026, 12, 7).unwrap();
    assert_eq!(mrz.birth_date_iso(today).unwrap().to_string(), "1974-08-12");
    assert_eq!(
        mrz.expiry_date_iso(today).unwrap().to_string(),
        "2012-04-15"
    );
    assert_eq!(mrz.surname(), "ERIKSSON");
    assert_eq!(mrz.given_names(), "ANNA MARIA");
    assert_eq!(mrz.document_number(), "L898902C3");
    assert_eq!(mrz.nationality(), "UTO");
    assert_eq!(mrz.birth_date(), "740812");
    assert_eq!(mrz.sex(), "F");
    assert_eq!(mrz.expiry_date(), "120415");
    assert_eq!(mrz.optional_data(), ["ZE184226B"]);
    assert_eq!(mrz.lines(), TD3_SPECIMEN);
    assert!(mrz.is_valid());
    assert_eq!(mrz.checks().len(), 5);
    let joined_with_spaces = format!("  {}   {}\n", TD3_SPECIMEN[0], TD3_SPECIMEN[1]);
    assert_eq!(Mrz::parse(&joined_with_spaces).unwrap(), mrz);
}

#[test]
fn td2_specimen_fields() {
    let mrz = Mrz::parse(&TD2_SPECIMEN.concat()).unwrap();
    assert_eq!(mrz.format(), MrzFormat::Td2);
    assert_eq!(mrz.document_code(), "I");
    assert_eq!(mrz.surname(), "ERIKSSON");
    assert_eq!(mrz.given_names(), "ANNA MARIA");
    assert_eq!(mrz.document_number(), "D23145890");
    assert_eq!(
        (mrz.birth_date(), mrz.sex(), mrz.expiry_date()),
        ("740812", "F", "120415")
    );
    assert_eq!(mrz.optional_data(), [""]);
    assert!(mrz.is_valid(), "{:?}", mrz.checks());
    assert_eq!(mrz.checks().len(), 4);
}

#[test]
fn td1_long_document_number_continues_in_optional_data() {
    // ICAO 9303-5 long document number example: D23145890734, check digit 9.
    let lines = [
        "I<UTOD23145890<7349<<<<<<<<<<<",
        "3407127M9507122UTO<<<<<<<<<<<2",
        "STEVENSON<<PETER<JOHN<<<<<<<<<",
    ];
    let mrz = Mrz::parse_lines(&lines).unwrap();
    assert_eq!(mrz.format(), MrzFormat::Td1);
    assert_eq!(mrz.document_number(), "D23145890734");
    assert_eq!(mrz.optional_data(), ["", ""]);
    assert!(mrz.is_valid(), "{:?}", mrz.checks());
    let doc_check = mrz.checks()[0];
    assert_eq!((doc_check.printed, doc_check.computed), ('9', '9'));
    let key = MrzKey::from_mrz(&mrz);
    assert_eq!(
        key.mrz_information().as_str(),
        "D23145890734934071279507122"
    );

    // Continuation followed by more optional data.
    let mrz = Mrz::parse_lines(&[
        "I<NLD123456789<010<OHDA1<<<<<<",
        "6503101F3108022NLDOPT<DATA2<<5",
        "DE<BRUIJN<<WILLEKE<LISELOTTE<<",
    ])
    .unwrap();
    assert_eq!(mrz.document_number(), "12345678901");
    assert_eq!(mrz.optional_data(), ["OHDA1", "OPT<DATA2"]);
    assert!(mrz.is_valid());

    // `<` in the check digit position with nothing to continue is a document number failure.
    let mrz = Mrz::parse_lines(&[
        "I<UTOD23145890<<<<<<<<<<<<<<<<",
        TD1_SPECIMEN[1],
        TD1_SPECIMEN[2],
    ])
    .unwrap();
    assert_eq!(mrz.document_number(), "D23145890");
    assert!(fields(&mrz).contains(&CheckedField::DocumentNumber));
}

#[test]
fn td2_long_document_number() {
    let mrz = Mrz::parse_lines(&[
        "I<UTOSTEVENSON<<PETER<JOHN<<<<<<<<<<",
        "D23145890<UTO3407127M95071227349<<<8",
    ])
    .unwrap();
    assert_eq!(mrz.document_number(), "D23145890734");
    assert!(mrz.is_valid());
}

#[test]
fn german_id_card_td1_with_d_code_and_unspecified_sex() {
    // BSI specimen ID card (ERIKA MUSTERMANN): issuing state and nationality `D<<`, sex `<`.
    let mrz = Mrz::parse_lines(&[
        "IDD<<T220001293<<<<<<<<<<<<<<<",
        "6408125<2010315D<<<<<<<<<<<<<4",
        "MUSTERMANN<<ERIKA<<<<<<<<<<<<<",
    ])
    .unwrap();
    assert_eq!(mrz.document_code(), "ID");
    assert_eq!(mrz.issuing_state(), "D");
    assert_eq!(mrz.nationality(), "D");
    assert_eq!(mrz.lines()[0], "IDD<<T220001293<<<<<<<<<<<<<<<");
    assert_eq!(mrz.name(), "MUSTERMANN, ERIKA");
    assert_eq!(mrz.sex(), "<");
    assert_eq!(mrz.document_number(), "T22000129");
    assert_eq!((mrz.surname(), mrz.given_names()), ("MUSTERMANN", "ERIKA"));
    assert!(mrz.is_valid(), "{:?}", mrz.checks());
    assert_eq!(
        MrzKey::from_mrz(&mrz).mrz_information().as_str(),
        "T22000129364081252010315"
    );
}

#[test]
fn german_passport_td3_with_d_code() {
    let mrz = Mrz::parse_lines(&[
        "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<",
        "C01X00T478D<<6408125F2702283<<<<<<<<<<<<<<04",
    ])
    .unwrap();
    assert_eq!((mrz.issuing_state(), mrz.nationality()), ("D", "D"));
    assert_eq!(mrz.document_number(), "C01X00T47");
    assert_eq!(mrz.optional_data(), [""]);
    assert!(mrz.is_valid(), "{:?}", mrz.checks());
}

#[test]
fn crew_certificate_ac() {
    let mrz = Mrz::parse_lines(&[
        "ACUTOD231458907<<<<<<<<<<<<<<<",
        "7408122F1204159UTO<<<<<<<<<<<6",
        "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    ])
    .unwrap();
    assert_eq!(mrz.document_code(), "AC");
    assert_eq!(mrz.format(), MrzFormat::Td1);
    assert!(mrz.is_valid());
}

#[test]
fn names_that_fill_the_whole_field() {
    let mrz = Mrz::parse_lines(&[
        "P<UTOVANDERSTEENHOVENDUBOISLAMB<<MARIAJOSEPH",
        "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<08",
    ])
    .unwrap();
    assert_eq!(mrz.surname(), "VANDERSTEENHOVENDUBOISLAMB");
    assert_eq!(mrz.given_names(), "MARIAJOSEPH");
    assert!(mrz.is_valid());

    let mrz = Mrz::parse_lines(&[
        "I<PRT119000652<ZX46<<<<<<<<<<<",
        "8109231M2906128PRT<<<<<<<<<<<2",
        "MENDES<ESTEVES<NOGUEIRA<<RUI<G",
    ])
    .unwrap();
    assert_eq!(mrz.surname(), "MENDES ESTEVES NOGUEIRA");
    assert_eq!(mrz.given_names(), "RUI G");
    assert_eq!(mrz.document_number(), "119000652ZX4");

    // A surname alone filling the field: no `<<`, no given names.
    let mrz = Mrz::parse_lines(&[
        TD1_SPECIMEN[0],
        TD1_SPECIMEN[1],
        "ABCDEFGHIJKLMNOPQRSTUVWXYZABCD",
    ])
    .unwrap();
    assert_eq!(
        (mrz.surname(), mrz.given_names()),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZABCD", "")
    );
}

#[test]
fn empty_td3_personal_number_accepts_filler_or_zero_check_digit() {
    let with_filler = [
        TD3_SPECIMEN[0],
        "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<<8",
    ];
    let mrz = Mrz::parse_lines(&with_filler).unwrap();
    assert!(mrz.is_valid(), "{:?}", mrz.checks());
    assert_eq!(mrz.optional_data(), [""]);

    let with_zero = [
        TD3_SPECIMEN[0],
        "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<08",
    ];
    assert!(Mrz::parse_lines(&with_zero).unwrap().is_valid());

    // A filler check digit is not accepted once there is a personal number.
    let filler_for_data = [
        TD3_SPECIMEN[0],
        "L898902C36UTO7408122F1204159ZE184226B<<<<<<9",
    ];
    let mrz = Mrz::parse_lines(&filler_for_data).unwrap();
    assert_eq!(fields(&mrz), [CheckedField::OptionalData]);
}

/// Breaks the check digit at `pos`, repairs the composite, and expects exactly `field`.
fn expect_only(lines: &[&str], line_no: usize, pos: usize, field: CheckedField) {
    let mut owned: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    owned[line_no] = replace_at(&owned[line_no], pos, wrong_digit(&owned[line_no], pos));
    let fix_composite = |owned: &mut Vec<String>| {
        let l1 = &owned[0];
        let l2 = &owned[1];
        let last = l2.len() - 1;
        let data = if owned.len() == 3 {
            format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29])
        } else {
            format!("{}{}{}", &l2[0..10], &l2[13..20], &l2[21..last])
        };
        owned[1] = replace_at(&owned[1], last, cd(&data));
    };
    if field != CheckedField::Composite {
        fix_composite(&mut owned);
    }
    let mrz = Mrz::parse_lines(&owned).unwrap();
    assert_eq!(fields(&mrz), [field], "{owned:?}");
    assert_eq!(
        mrz.validate(),
        Err(MrzError::CheckDigit {
            fields: vec![field]
        })
    );
    let error: Error = mrz.validate().unwrap_err().into();
    assert_eq!(error.code, ErrorCode::MrzCheckDigit);
    assert_eq!(error.detail, field.as_str());
}

#[test]
fn a_bad_check_digit_names_exactly_its_field() {
    use CheckedField::*;
    expect_only(&TD3_SPECIMEN, 1, 9, DocumentNumber);
    expect_only(&TD3_SPECIMEN, 1, 19, BirthDate);
    expect_only(&TD3_SPECIMEN, 1, 27, ExpiryDate);
    expect_only(&TD3_SPECIMEN, 1, 42, OptionalData);
    expect_only(&TD3_SPECIMEN, 1, 43, Composite);
    expect_only(&TD2_SPECIMEN, 1, 9, DocumentNumber);
    expect_only(&TD2_SPECIMEN, 1, 19, BirthDate);
    expect_only(&TD2_SPECIMEN, 1, 27, ExpiryDate);
    expect_only(&TD2_SPECIMEN, 1, 35, Composite);
    expect_only(&TD1_SPECIMEN, 0, 14, DocumentNumber);
    expect_only(&TD1_SPECIMEN, 1, 6, BirthDate);
    expect_only(&TD1_SPECIMEN, 1, 14, ExpiryDate);
    expect_only(&TD1_SPECIMEN, 1, 29, Composite);
}

#[test]
fn field_names_are_the_stable_json_details() {
    let names: Vec<&str> = [
        CheckedField::DocumentNumber,
        CheckedField::BirthDate,
        CheckedField::ExpiryDate,
        CheckedField::OptionalData,
        CheckedField::Composite,
    ]
    .iter()
    .map(|f| f.as_str())
    .collect();
    assert_eq!(
        names,
        [
            "document_number",
            "birth_date",
            "expiry_date",
            "optional_data",
            "composite"
        ]
    );
}

fn format_detail(text: &str) -> String {
    match Mrz::parse(text) {
        Err(e @ MrzError::Format { .. }) => {
            let error: Error = e.clone().into();
            assert_eq!(error.code, ErrorCode::MrzFormat);
            let MrzError::Format { detail } = e else {
                unreachable!()
            };
            detail
        }
        other => panic!("{text:?} should be a format error, got {other:?}"),
    }
}

#[test]
fn malformed_input_is_a_format_error() {
    assert!(format_detail("").contains("empty"));
    assert!(format_detail(&TD3_SPECIMEN.concat().to_lowercase()).contains("lower-case"));
    assert!(format_detail(&TD3_SPECIMEN.concat().replace('<', " ")).contains("length"));
    assert!(format_detail(&TD3_SPECIMEN.concat()[..87]).contains("length"));
    assert!(format_detail(&format!("{}<", TD3_SPECIMEN.concat())).contains("length"));
    assert!(
        format_detail(&TD3_SPECIMEN.concat().replace("UTO", "UTÖ")).contains("invalid character")
    );
    assert!(
        format_detail(&TD3_SPECIMEN.concat().replace("ERIKSSON", "ERIK-SON"))
            .contains("invalid character")
    );
    // Right total length but the wrong split into lines.
    let text = TD3_SPECIMEN.concat();
    assert!(format_detail(&format!("{} {}", &text[..40], &text[40..])).contains("length"));
    // Letters in dates, bad sex code, visa.
    let letter_in_birth = [
        TD3_SPECIMEN[0],
        "L898902C36UTO74A8122F1204159ZE184226B<<<<<10",
    ];
    assert!(format_detail(&letter_in_birth.join("\n")).contains("birth date"));
    let letter_in_expiry = [
        TD3_SPECIMEN[0],
        "L898902C36UTO7408122F120E159ZE184226B<<<<<10",
    ];
    assert!(format_detail(&letter_in_expiry.join("\n")).contains("expiry date"));
    let bad_sex = [
        TD3_SPECIMEN[0],
        "L898902C36UTO7408122Q1204159ZE184226B<<<<<10",
    ];
    assert!(format_detail(&bad_sex.join("\n")).contains("sex"));
    let visa = TD3_SPECIMEN.concat().replacen("P<", "V<", 1);
    assert!(format_detail(&visa).contains("visa"));
}

#[test]
fn birth_date_may_hold_fillers_for_an_unknown_part() {
    let line2 = format!("L898902C36UTO7408<<{}F1204159ZE184226B<<<<<1", cd("7408<<"));
    let composite = cd(&format!(
        "{}{}{}",
        &line2[0..10],
        &line2[13..20],
        &line2[21..43]
    ));
    let mrz =
        Mrz::parse_lines(&[TD3_SPECIMEN[0].to_owned(), format!("{line2}{composite}")]).unwrap();
    assert_eq!(mrz.birth_date(), "7408<<");
    assert!(mrz.is_valid(), "{:?}", mrz.checks());
}

#[test]
fn mrz_key_from_the_old_specimen_matches_icao_9303_11_appendix_d() {
    let mrz = Mrz::parse_lines(&[
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C<3UTO6908061F9406236ZE184226B<<<<<14",
    ])
    .unwrap();
    assert!(mrz.is_valid());
    assert_eq!(mrz.document_number(), "L898902C");
    let key = MrzKey::from(&mrz);
    assert_eq!(key.mrz_information().as_str(), "L898902C<369080619406236");
    assert_eq!(
        key.mrz_information_bytes().as_slice(),
        b"L898902C<369080619406236"
    );
}
