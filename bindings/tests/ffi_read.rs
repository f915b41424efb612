//! The FFI surface driven from Rust the way Kotlin and Swift drive it: a `ReadSession` object
//! stepped with owned byte vectors, over the fixtures' virtual passport.

use idproof_core::reader::Transport;
use idproof_ffi::{
    AccessKey, CheckStatus, IdProofError, ImageFormat, ReadSession, ReadStep, Verdict,
    default_read_options, parse_mrz, verify_read,
};
use idproof_fixtures::chip::ChipProfile;
use idproof_fixtures::virtual_passport::VirtualPassport;

fn read(
    profile: ChipProfile,
    key: AccessKey,
) -> Result<(idproof_ffi::Document, usize), IdProofError> {
    let mut passport = VirtualPassport::specimen(profile).expect("specimen");
    let session = ReadSession::new(key, default_read_options())?;
    let mut response = None;
    let mut reconnects = 0;
    loop {
        match session.step(response.take())? {
            ReadStep::Transmit { apdu } => {
                if let Ok(reply) = passport.chip.transmit(&apdu) {
                    response = Some(reply);
                } else {
                    session.connection_lost()?;
                    passport.chip.reconnect();
                    reconnects += 1;
                }
            }
            ReadStep::Progress { .. } => {}
            ReadStep::Done { document } => return Ok((document, reconnects)),
        }
    }
}

fn specimen_lines() -> Vec<String> {
    VirtualPassport::specimen(ChipProfile::specimen())
        .expect("specimen")
        .mrz
        .lines()
        .to_vec()
}

#[test]
fn a_read_through_the_ffi_types_yields_dg1_and_the_face() {
    let lines = specimen_lines();
    let (doc, reconnects) = read(
        ChipProfile::specimen().with_tag_loss_at(9),
        AccessKey::Mrz {
            lines: lines.clone(),
        },
    )
    .expect("read");
    assert_eq!(reconnects, 1);
    let mrz = doc.mrz.as_ref().expect("DG1 parsed");
    assert_eq!(mrz.surname, "ERIKSSON");
    assert_eq!(mrz.lines, lines);
    assert_eq!(
        (mrz.document_code.as_str(), mrz.name.as_str()),
        ("P", "ERIKSSON, ANNA MARIA")
    );
    let details = doc.personal_details.as_ref().expect("DG11 parsed");
    assert_eq!(details.full_name.as_deref(), Some("ERIKSSON<<ANNA<MARIA"));
    assert_eq!(
        details.full_name_display.as_deref(),
        Some("ERIKSSON, ANNA MARIA")
    );
    assert_eq!(doc.faces.len(), 1);
    assert_eq!(doc.faces[0].format, ImageFormat::Jpeg2000);
    assert!(doc.problems.is_empty());

    let report = verify_read(doc, Some(lines)).expect("verify");
    assert_eq!(report.verdict, Verdict::Incomplete);
    let dg1 = report.checks.iter().find(|c| c.name == "dg1_mrz_match");
    assert_eq!(dg1.map(|c| c.status), Some(CheckStatus::Passed));
}

/// What Kotlin and Swift see of an MRZ: codes without fillers (`D` for `D<<`), the name as
/// people write it, ISO dates beside the printed ones (none for an unknown day), the
/// printed lines untouched — the fields the CLI's JSON has.
#[test]
fn parse_mrz_gives_fields_as_people_write_them() {
    let german = vec![
        "IDD<<T220001293<<<<<<<<<<<<<<<".to_owned(),
        "6408125<2010315D<<<<<<<<<<<<<4".to_owned(),
        "MUSTERMANN<<ERIKA<<<<<<<<<<<<<".to_owned(),
    ];
    let m = parse_mrz(german.clone()).unwrap();
    assert_eq!(
        (
            m.format.as_str(),
            m.document_code.as_str(),
            m.issuing_state.as_str(),
            m.nationality.as_str(),
            m.name.as_str(),
            m.birth_date_iso.as_deref(),
            m.expiry_date_iso.as_deref(),
            m.sex.as_str(),
        ),
        (
            "TD1",
            "ID",
            "D",
            "D",
            "MUSTERMANN, ERIKA",
            Some("1964-08-12"),
            Some("2020-10-31"),
            "<",
        )
    );
    assert_eq!(
        (m.birth_date.as_str(), m.expiry_date.as_str()),
        ("640812", "201031")
    );
    assert_eq!(m.lines, german);
    let unknown_day = parse_mrz(vec![
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<".into(),
        "L898902C36UTO7408<<7F1204159ZE184226B<<<<<10".into(),
    ])
    .unwrap();
    assert!(unknown_day.valid, "{unknown_day:?}");
    assert_eq!(
        (unknown_day.birth_date.as_str(), unknown_day.birth_date_iso),
        ("7408<<", None)
    );
}

#[test]
fn wrong_key_and_can_are_typed_errors() {
    let wrong = AccessKey::DocumentData {
        document_number: "L898902C3".into(),
        birth_date: "740813".into(),
        expiry_date: "340415".into(),
    };
    let err = read(ChipProfile::specimen(), wrong).unwrap_err();
    assert!(matches!(err, IdProofError::AccessDenied { .. }), "{err:?}");
    assert_eq!(err.code(), "ACCESS_DENIED");

    // A CAN opens a chip only by PACE: the specimen chip offers BAC alone.
    let err = read(
        ChipProfile::specimen(),
        AccessKey::Can {
            can: "123456".into(),
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), "UNSUPPORTED");
    // A CAN that is not one is refused when the session is made.
    let err =
        ReadSession::new(AccessKey::Can { can: "12a".into() }, default_read_options()).unwrap_err();
    assert_eq!(err.code(), "USAGE");

    let err = parse_mrz(vec!["P<UTO".into()]).unwrap_err();
    assert!(matches!(err, IdProofError::InvalidInput { .. }), "{err:?}");
    assert_eq!(err.code(), "MRZ_FORMAT");
}

#[test]
fn a_document_record_round_trips_to_the_core() {
    let (doc, _) = read(
        ChipProfile::specimen(),
        AccessKey::Mrz {
            lines: specimen_lines(),
        },
    )
    .expect("read");
    let mut bad = doc.clone();
    bad.files.insert("DG99".into(), vec![0x61, 0x00]);
    assert_eq!(verify_read(bad, None).unwrap_err().code(), "USAGE");
    let report = verify_read(doc, None).expect("verify");
    // Without an access MRZ, `mrz` checks DG1's own check digits (issue 13 item 2).
    let mrz = report.checks.iter().find(|c| c.name == "mrz");
    assert_eq!(mrz.map(|c| c.status), Some(CheckStatus::Passed));
    let dg1_match = report.checks.iter().find(|c| c.name == "dg1_mrz_match");
    assert_eq!(dg1_match.map(|c| c.status), Some(CheckStatus::NotPerformed));
}

/// A file the chip guards by EAC crosses the FFI as `refused` with `FILE_ACCESS_DENIED`: the
/// read is not an error (no `AccessDenied`, whose remedy is a re-scan), DG11 is just not there.
#[test]
fn an_eac_guarded_file_is_listed_as_refused_not_thrown() {
    let lines = specimen_lines();
    let profile = ChipProfile {
        eac_protected: vec![idproof_core::lds::DataGroup::DG11],
        ..ChipProfile::specimen()
    };
    let (doc, _) = read(
        profile,
        AccessKey::Mrz {
            lines: lines.clone(),
        },
    )
    .expect("read");
    assert_eq!(doc.refused.len(), 1);
    assert_eq!(doc.refused[0].file, "DG11");
    assert_eq!(doc.refused[0].code, "FILE_ACCESS_DENIED");
    assert_eq!(
        doc.refused[0].detail,
        "READ BINARY of DG11 refused with 6982 (security status not satisfied): the chip requires terminal authentication (EAC) for this file; idproof does not hold inspection-system certificates"
    );
    assert!(!doc.files.contains_key("DG11"));
    assert!(doc.files.contains_key("DG2"));
    assert!(doc.personal_details.is_none());
    assert!(doc.problems.is_empty());
    // Verification judges the files read; the refusal is no failure.
    let report = verify_read(doc, Some(lines)).expect("verify");
    assert_eq!(
        report.verdict,
        Verdict::Incomplete,
        "no trust store: chain not performed"
    );
    assert!(report.failures.is_empty(), "{:?}", report.failures);
}
