//! The `document` of a read's JSON and human output, built from a fixtures document whose
//! files the test breaks one at a time: a file that does not parse is named in `problems`
//! with the FFI's code and detail, and its fields are left out, never shown as `null`.

use idproof_core::lds::{DataGroup, LdsFile};
use idproof_core::reader::{AccessInfo, ChipEvidence, Document, ReadStats};
use idproof_core::report::Report;
use idproof_fixtures::factory::DocumentBuilder;
use serde_json::{Value, json};

use super::{Outcome, ReadOutput};

/// The specimen's files with `dg` replaced by `bytes` (no SOD re-signing needed: only
/// the summary is under test).
fn document_with(dg: Option<(DataGroup, Vec<u8>)>) -> Document {
    let built = DocumentBuilder::specimen().build().unwrap();
    let mut files = built.files.clone();
    if let Some((dg, bytes)) = dg {
        files.insert(LdsFile::Dg(dg), bytes);
    }
    Document {
        files,
        absent: Vec::new(),
        refused: Vec::new(),
        access: AccessInfo::bac(),
        chip: ChipEvidence::default(),
        stats: ReadStats::default(),
        active_authentication: None,
    }
}

fn summary(doc: Document) -> (Value, Vec<String>) {
    let report = Report::from_checks(Vec::new());
    let outcome = Outcome::Read(Box::new(doc), report);
    let output = ReadOutput::new(None, None, &outcome, ReadStats::default());
    let json = serde_json::to_value(&output).unwrap();
    (
        json["document"].clone(),
        super::Human::lines_of(&output, &outcome),
    )
}

/// The first `keep` bytes of a file: its outer TLV then claims more than it has.
fn cut(good: &[u8], keep: usize) -> Vec<u8> {
    good[..keep].to_vec()
}

#[test]
fn a_whole_document_shows_every_field_and_no_problem() {
    let (d, human) = summary(document_with(None));
    assert_eq!(d["document_code"], "P");
    assert_eq!(d["name"], "ERIKSSON, ANNA MARIA");
    assert_eq!(d["full_name_dg11"], "ERIKSSON, ANNA MARIA");
    assert_eq!(d["birth_date_iso"], "1974-08-12");
    assert_eq!(d["face_image"]["format"], "Jpeg2000");
    assert_eq!(d["problems"], json!([]));
    for line in [
        "  Name            ERIKSSON, ANNA MARIA",
        "  Full name (DG11) ERIKSSON, ANNA MARIA",
        "  Document        P L898902C3 of UTO",
        "  Born            1974-08-12 (740812), sex F",
    ] {
        assert!(
            human.iter().any(|l| l == line),
            "{line:?} not in {human:#?}"
        );
    }
}

#[test]
fn a_file_that_does_not_parse_is_named_and_its_fields_are_left_out() {
    let good = DocumentBuilder::specimen().build().unwrap();
    let cases = [
        (DataGroup::DG2, &["face_image"][..]),
        (
            DataGroup::DG11,
            &["full_name_dg11", "place_of_birth_dg11"][..],
        ),
        (
            DataGroup::DG1,
            &["document_code", "name", "birth_date_iso", "lines"][..],
        ),
    ];
    for (dg, keys) in cases {
        let raw = good.file(LdsFile::Dg(dg)).unwrap();
        for keep in [1, 2, raw.len() / 2, raw.len() - 1] {
            let broken = cut(raw, keep);
            let expected = match dg.number() {
                1 => idproof_core::lds::Dg1::parse(&broken)
                    .map(drop)
                    .map_err(idproof_core::Error::from),
                2 => idproof_core::lds::Dg2::parse(&broken)
                    .map(drop)
                    .map_err(idproof_core::Error::from),
                _ => idproof_core::lds::Dg11::parse(&broken)
                    .map(drop)
                    .map_err(idproof_core::Error::from),
            }
            .unwrap_err();
            let (d, human) = summary(document_with(Some((dg, broken))));
            let name = LdsFile::Dg(dg).name();
            assert_eq!(
                d["problems"],
                json!([{"file": name, "code": "LDS_FORMAT", "detail": expected.detail}]),
                "{name} cut at {keep}"
            );
            let object = d.as_object().unwrap();
            for key in keys {
                assert!(
                    !object.contains_key(*key),
                    "{name} cut at {keep}: {key} in {d}"
                );
            }
            // The other files' fields are still there.
            if dg.number() != 2 {
                assert_eq!(d["face_image"]["format"], "Jpeg2000", "{name}");
            }
            if dg.number() != 1 {
                assert_eq!(d["document_number"], "L898902C3", "{name}");
            }
            let line = format!(
                "  {name:<15} not shown: it does not parse (LDS_FORMAT — {}; see lds_parse)",
                expected.detail
            );
            assert!(human.contains(&line), "{line:?} not in {human:#?}");
        }
    }
}

#[test]
fn a_file_the_chip_does_not_have_is_null() {
    let mut doc = document_with(None);
    doc.files.remove(&LdsFile::Dg(DataGroup::DG11));
    doc.files.remove(&LdsFile::Dg(DataGroup::DG2));
    let (d, _) = summary(doc);
    assert_eq!(
        (
            &d["full_name_dg11"],
            &d["place_of_birth_dg11"],
            &d["face_image"],
            &d["problems"]
        ),
        (&json!(null), &json!(null), &json!(null), &json!([]))
    );
}

/// A DG1 that is a well-formed file but not an MRZ we read (a visa): the problem carries the
/// MRZ's own code, as the FFI's does, and no MRZ field is shown.
#[test]
fn a_dg1_whose_mrz_does_not_parse_is_named_with_the_mrz_code() {
    let visa = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\
                L8988901C4XXX4009078F96121096ZE184226B<<<<<<";
    let dg1 = [&[0x61, 0x5B, 0x5F, 0x1F, 0x58][..], visa.as_bytes()].concat();
    let (d, _) = summary(document_with(Some((DataGroup::DG1, dg1))));
    let detail = idproof_core::Error::from(idproof_core::mrz::Mrz::parse(visa).unwrap_err()).detail;
    assert_eq!(
        d["problems"],
        json!([{"file": "DG1", "code": "MRZ_FORMAT", "detail": detail}])
    );
    assert!(d.get("document_number").is_none(), "{d}");
    assert_eq!(d["full_name_dg11"], "ERIKSSON, ANNA MARIA");
}

/// Files the chip refused (EAC): listed, with their code, and never a failure.
mod refused {
    use super::*;
    use crate::output::remedy;
    use idproof_core::ErrorCode;
    use idproof_core::reader::ReadOptions;
    use idproof_core::verify::verify_read;
    use idproof_fixtures::chip::ChipProfile;
    use idproof_fixtures::virtual_passport::{VirtualPassport, read_resuming};

    fn read_json(eac_protected: Vec<DataGroup>) -> serde_json::Value {
        let profile = ChipProfile {
            eac_protected,
            ..ChipProfile::specimen()
        };
        let mut passport = VirtualPassport::specimen(profile).unwrap();
        let mut session = passport.session(ReadOptions::default(), 3);
        let document = read_resuming(&mut session, &mut passport.chip, |_| {}).unwrap();
        let report = verify_read(&document, Some(&passport.mrz));
        let stats = document.stats;
        let outcome = Outcome::Read(Box::new(document), report);
        serde_json::to_value(ReadOutput::new(None, None, &outcome, stats)).unwrap()
    }

    #[test]
    fn refused_files_are_listed_with_their_code_and_are_no_failure() {
        let json = read_json(vec![DataGroup::DG11]);
        assert_eq!(
            json["refused"],
            serde_json::json!([{
                "code": "FILE_ACCESS_DENIED",
                "detail": "READ BINARY of DG11 refused with 6982 (security status not satisfied): the chip requires terminal authentication (EAC) for this file; idproof does not hold inspection-system certificates",
            }])
        );
        assert_eq!(json["failures"], serde_json::json!([]));
        let files: Vec<&str> = json["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["file"].as_str().unwrap())
            .collect();
        assert_eq!(files, ["COM", "SOD", "DG1", "DG2", "DG15"]);
        // Nothing refused: no `refused` key at all.
        assert!(read_json(Vec::new()).get("refused").is_none());
    }

    #[test]
    fn the_remedy_of_a_refused_file_is_not_a_re_scan() {
        let text = remedy(ErrorCode::FileAccessDenied);
        assert!(text.contains("terminal authentication (EAC)"), "{text}");
        assert!(!text.contains("re-scan the MRZ"), "{text}");
        assert!(remedy(ErrorCode::AccessDenied).contains("re-scan the MRZ"));
    }
}
