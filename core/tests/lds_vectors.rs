//! LDS parsers against real and specification vectors (copied into `fixtures/data/lds`,
//! see `fixtures/data/SOURCES.md`).

use idproof_core::lds::{
    Com, DataGroup, Dg1, Dg2, Dg11, Dg12, FaceRecordVersion, ImageFormat, LdsError, LdsFile,
    LdsVersion, MrzLayout, ParsedFile, Sod, parse_file, recognise,
};

macro_rules! vector {
    ($name:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fixtures/data/lds/",
            $name
        ))
        .as_slice()
    };
}

const DG1: LdsFile = LdsFile::Dg(DataGroup::DG1);
const DG2: LdsFile = LdsFile::Dg(DataGroup::DG2);
const JP2_MAGIC: &[u8] = &[0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20];

fn dg(n: u8) -> DataGroup {
    DataGroup::new(n).unwrap()
}

// ---------- EF.COM ----------

#[test]
fn icao_9303_10_com_example_is_lds_1_6_with_dg1_dg2() {
    let bytes = vector!("gmrtd_EF_COM_9303p10.bin");
    assert_eq!(
        bytes,
        hex::decode("60145F0104303130365F36063034303030305C026175").unwrap()
    );
    let com = Com::parse(bytes).unwrap();
    assert_eq!(com.lds_version(), LdsVersion { major: 1, minor: 6 });
    assert_eq!(com.unicode_version().to_string(), "4.0.0");
    assert_eq!(com.data_groups(), &[DataGroup::DG1, DataGroup::DG2]);
    assert_eq!(com.raw(), bytes);
}

#[test]
fn bsi_com_files_list_their_data_groups() {
    let com = Com::parse(vector!("bsi-tr03105_EF_COM.bin")).unwrap();
    assert_eq!(com.lds_version().to_string(), "1.7");
    // 5C 05 61 75 63 76 6E: DG1, DG2, DG3, DG4, DG14 (vectors.md §12 says "DG1,2,3,14,15",
    // but 76 is DG4's tag and there is no 6F; the SOD of this set hashes exactly these).
    assert_eq!(com.data_groups(), &[dg(1), dg(2), dg(3), dg(4), dg(14)]);
    let com = Com::parse(vector!("bsi2008_EF_COM.bin")).unwrap();
    assert_eq!(com.lds_version().to_string(), "1.7");
    assert_eq!(com.data_groups(), &[dg(1), dg(2), dg(3), dg(14)]);
    assert!(com.unknown_tags().is_empty());
}

#[test]
fn dutch_2006_specimen_com_lists_dg1_dg2_dg15() {
    let com = Com::parse(vector!("loes2006_ef011E.bin")).unwrap();
    assert_eq!(com.lds_version().to_string(), "1.7");
    assert_eq!(com.unicode_version().to_string(), "4.0.0");
    assert_eq!(com.data_groups(), &[dg(1), dg(2), dg(15)]);
}

// ---------- DG1 ----------

#[test]
fn td2_specimen_dg1_gives_the_two_mrz_lines() {
    let dg1 = Dg1::parse(vector!("gmrtd_DG1_TD2_UTO_specimen.bin")).unwrap();
    assert_eq!(dg1.layout(), MrzLayout::Td2);
    assert_eq!(
        dg1.lines(),
        vec![
            "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
            "D231458907UTO7408122F1204159<<<<<<<6"
        ]
    );
    assert_eq!(dg1.raw(), vector!("gmrtd_DG1_TD2_UTO_specimen.bin"));
}

#[test]
fn dg1_with_an_extra_byte_after_the_mrz_is_rejected() {
    let err = Dg1::parse(vector!("gmrtd_DG1_TD2_with_extra_byte_INVALID.bin")).unwrap_err();
    assert!(matches!(err, LdsError::Invalid { file: DG1, .. }), "{err}");
    let top: idproof_core::Error = err.into();
    assert_eq!(top.code, idproof_core::ErrorCode::LdsFormat);
    assert!(top.detail.contains("DG1"), "{}", top.detail);
}

#[test]
fn td3_dg1_with_unset_check_digit_still_reads() {
    let dg1 = Dg1::parse(vector!("gmrtd_DG1_TD3_no_optional_data_unset_cd.bin")).unwrap();
    assert_eq!(dg1.layout(), MrzLayout::Td3);
    assert_eq!(
        dg1.lines(),
        vec![
            "P<SURNAME<<FIRSTNAME<<<<<<<<<<<<<<<<<<<<<<<<",
            "DOCNUM<<<8UTO8201054M3401011<<<<<<<<<<<<<<<6"
        ]
    );
}

#[test]
fn german_and_dutch_specimen_dg1_mrz_text() {
    let dg1 = Dg1::parse(vector!("bsi-tr03105_Datagroup1.bin")).unwrap();
    assert_eq!(
        dg1.mrz_text(),
        "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<C11T002JM4D<<9608122F2310314<<<<<<<<<<<<<<<4"
    );
    let dg1 = Dg1::parse(vector!("bsi2008_Datagroup1.bin")).unwrap();
    assert_eq!(
        dg1.lines().get(1).copied(),
        Some("C11T002JM4D<<9608122F1310317<<<<<<<<<<<<<<<6")
    );
    let dg1 = Dg1::parse(vector!("loes2006_ef0101.bin")).unwrap();
    assert_eq!(
        dg1.lines(),
        vec![
            "P<NLDMEULENDIJK<<LOES<ALBERTINE<<<<<<<<<<<<<",
            "XX00013286NLD7110195F1110012123456789<<<<<76"
        ]
    );
}

// ---------- DG2 ----------

#[test]
fn bsi_2008_dg2_yields_its_jpeg2000_face() {
    let bytes = vector!("bsi2008_Datagroup2.bin");
    let dg2 = Dg2::parse(bytes).unwrap();
    assert_eq!(dg2.raw(), bytes);
    let template = dg2.templates().first().unwrap();
    assert_eq!(template.record_version, FaceRecordVersion::V2005);
    assert_eq!(
        template.header.format_owner.as_deref(),
        Some(&[0x01, 0x01][..])
    );
    assert_eq!(
        template.header.format_type.as_deref(),
        Some(&[0x00, 0x08][..])
    );
    let faces: Vec<_> = dg2.faces().collect();
    assert_eq!(faces.len(), 1);
    let face = faces.first().unwrap();
    assert_eq!(face.format, ImageFormat::Jpeg2000);
    assert_eq!(face.declared_data_type, 1);
    assert_eq!((face.width, face.height), (337, 449));
    assert!(face.data.starts_with(JP2_MAGIC));
    assert_eq!(face.data.len(), 14_999);
    // The image runs to the end of the file and ends with the JPEG 2000 EOC marker.
    assert!(bytes.ends_with(&face.data));
    assert!(face.data.ends_with(&[0xFF, 0xD9]));
}

#[test]
fn dutch_2006_dg2_yields_its_jpeg2000_face() {
    let dg2 = Dg2::parse(vector!("loes2006_ef0102.bin")).unwrap();
    let face = dg2.faces().next().unwrap();
    assert_eq!(face.format, ImageFormat::Jpeg2000);
    assert_eq!((face.width, face.height), (449, 598));
    assert!(face.data.starts_with(JP2_MAGIC));
    assert_eq!(face.data.len(), 13_701);
}

#[test]
fn every_truncation_of_dg2_is_an_error() {
    let bytes = vector!("bsi2008_Datagroup2.bin");
    for n in (0..bytes.len()).step_by(97).chain([bytes.len() - 1]) {
        assert!(Dg2::parse(bytes.get(..n).unwrap()).is_err(), "prefix {n}");
    }
}

// ---------- DG11 / DG12 / DG13 ----------

#[test]
fn icao_dg11_example_fields() {
    let dg11 = Dg11::parse(vector!("gmrtd_DG11_9303p10_example.bin")).unwrap();
    assert_eq!(dg11.tag_list, vec![0x5F0E, 0x5F11, 0x5F42, 0x5F12, 0x5F13]);
    assert_eq!(dg11.full_name.as_deref(), Some("SMITH<<JOHN<J"));
    assert_eq!(dg11.place_of_birth.as_deref(), Some("ANYTOWN<MN"));
    assert_eq!(dg11.address.as_deref(), Some("123 MAPLE RD<ANYTOWN<MN"));
    assert_eq!(dg11.telephone.as_deref(), Some("16125551212"));
    assert_eq!(dg11.profession.as_deref(), Some("TRAVEL<AGENT"));
    assert!(dg11.other_names.is_empty() && dg11.unknown.is_empty());
}

#[test]
fn chinese_dg11_full_name_is_utf8() {
    let dg11 = Dg11::parse(vector!("gmrtd_DG11_CN.bin")).unwrap();
    assert_eq!(dg11.full_name.as_deref(), Some("赵彬"));
    assert_eq!(dg11.other_names, vec!["ZHAO<<BIN"]);
}

#[test]
fn dg11_other_names_in_a0_template_nominal_and_belarus_deviation() {
    for bytes in [
        vector!("gmrtd_DG11_other_names_5F0F_nominal.bin"),
        vector!("gmrtd_DG11_other_names_A0_in_taglist_BY_deviation.bin"),
    ] {
        let dg11 = Dg11::parse(bytes).unwrap();
        assert_eq!(dg11.other_names, vec!["SMITH<<JOHN", "JOHN<SMITH"]);
    }
    let by = Dg11::parse(vector!(
        "gmrtd_DG11_other_names_A0_in_taglist_BY_deviation.bin"
    ))
    .unwrap();
    assert_eq!(by.tag_list, vec![0xA0]);
}

#[test]
fn dg12_examples_fields() {
    let dg12 = Dg12::parse(vector!("gmrtd_DG12_9303_supplement_example.bin")).unwrap();
    assert_eq!(
        dg12.issuing_authority.as_deref(),
        Some("JAKARTA - AMBASSADE DE FRANCE EN INDONESIE")
    );
    assert_eq!(dg12.date_of_issue.as_deref(), Some("20170905"));
    let dg12 = Dg12::parse(vector!("gmrtd_DG12_example_a.bin")).unwrap();
    assert_eq!(dg12.personalization_time.as_deref(), Some("20161115013612"));
    assert_eq!(
        dg12.personalization_device_serial.as_deref(),
        Some("N-4962")
    );
    assert_eq!(dg12.tag_list, vec![0x5F55, 0x5F56]);
}

#[test]
fn dg13_with_non_tlv_content_is_kept_opaque() {
    let bytes = vector!("gmrtd_DG13_non_tlv.bin");
    assert_eq!(recognise(bytes), Some(LdsFile::Dg(dg(13))));
    let parsed = parse_file(LdsFile::Dg(dg(13)), bytes).unwrap();
    assert!(matches!(parsed, ParsedFile::Other { .. }));
    assert_eq!(parsed.raw(), bytes);
}

// ---------- EF.SOD ----------

#[test]
fn sod_wrappers_expose_the_content_info() {
    for bytes in [
        vector!("bsi-tr03105_EF_SOD.bin"),
        vector!("bsi2008_EF_SOD.bin"),
        vector!("loes2006_ef011D.bin"),
        vector!("jmrtd-legacy_NZ2013_EF_SOD.bin"),
    ] {
        let sod = Sod::parse(bytes).unwrap();
        assert_eq!(sod.raw(), bytes);
        assert_eq!(sod.content_info(), bytes.get(4..).unwrap());
        assert_eq!(sod.content_info().first(), Some(&0x30));
    }
}

#[test]
fn truncated_sod_is_rejected() {
    let bytes = vector!("bsi-tr03105_EF_SOD.bin");
    assert!(matches!(
        Sod::parse(bytes.get(..bytes.len() - 1).unwrap()),
        Err(LdsError::Tlv {
            file: LdsFile::Sod,
            ..
        })
    ));
}

// ---------- dispatch and recognition ----------

#[test]
fn files_are_recognised_by_outer_tag() {
    let cases: [(&[u8], LdsFile); 6] = [
        (vector!("bsi2008_EF_COM.bin"), LdsFile::Com),
        (vector!("bsi2008_Datagroup1.bin"), DG1),
        (vector!("bsi2008_Datagroup2.bin"), DG2),
        (vector!("bsi2008_EF_SOD.bin"), LdsFile::Sod),
        (vector!("gmrtd_DG11_CN.bin"), LdsFile::Dg(dg(11))),
        (vector!("gmrtd_DG12_example_a.bin"), LdsFile::Dg(dg(12))),
    ];
    for (bytes, file) in cases {
        assert_eq!(recognise(bytes), Some(file));
        let parsed = parse_file(file, bytes).unwrap();
        assert_eq!(parsed.file(), file);
        assert_eq!(parsed.raw(), bytes);
    }
    assert_eq!(recognise(&[0x30, 0x00]), None);
    assert_eq!(recognise(&[]), None);
}

#[test]
fn wrong_outer_tag_is_rejected() {
    // DG15 content under tag 70 (DG16's tag).
    let bytes = vector!("pymrtd_etsi_EAC_LDS_I01_EF_DG15_tag70.bin");
    assert_eq!(
        parse_file(LdsFile::Dg(DataGroup::DG15), bytes),
        Err(LdsError::WrongOuterTag {
            file: LdsFile::Dg(DataGroup::DG15),
            expected: 0x6F,
            found: 0x70
        })
    );
    // A DG1 offered as DG2, EF.COM offered as SOD.
    assert!(matches!(
        parse_file(DG2, vector!("bsi2008_Datagroup1.bin")),
        Err(LdsError::WrongOuterTag {
            expected: 0x75,
            found: 0x61,
            ..
        })
    ));
    assert!(matches!(
        parse_file(LdsFile::Sod, vector!("bsi2008_EF_COM.bin")),
        Err(LdsError::WrongOuterTag { .. })
    ));
    assert_eq!(
        parse_file(LdsFile::CardAccess, &[0x31, 0x00]),
        Err(LdsError::NotLds(LdsFile::CardAccess))
    );
}

#[test]
fn every_truncation_of_small_files_is_an_error() {
    let cases: [(&[u8], LdsFile); 5] = [
        (vector!("bsi2008_EF_COM.bin"), LdsFile::Com),
        (vector!("bsi2008_Datagroup1.bin"), DG1),
        (
            vector!("gmrtd_DG11_9303p10_example.bin"),
            LdsFile::Dg(dg(11)),
        ),
        (
            vector!("gmrtd_DG12_9303_supplement_example.bin"),
            LdsFile::Dg(dg(12)),
        ),
        (vector!("gmrtd_DG13_non_tlv.bin"), LdsFile::Dg(dg(13))),
    ];
    for (bytes, file) in cases {
        for n in 0..bytes.len() {
            assert!(
                parse_file(file, bytes.get(..n).unwrap()).is_err(),
                "{file} prefix {n}"
            );
        }
    }
}

proptest::proptest! {
    #[test]
    fn random_bytes_never_panic_any_parser(data in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
        let _ = recognise(&data);
        for file in all_files() {
            let _ = parse_file(file, &data);
        }
    }

    #[test]
    fn random_content_under_the_right_outer_tag_never_panics(
        data in proptest::collection::vec(proptest::num::u8::ANY, 0..300)
    ) {
        for file in all_files() {
            if let Some(tag) = file.outer_tag() {
                let wrapped = idproof_core::codec::tlv::encode(u32::from(tag), &data);
                let _ = parse_file(file, &wrapped);
            }
        }
    }

    #[test]
    fn mutated_real_files_never_panic(index in 0usize..64, pos in 0usize..16_000, byte in proptest::num::u8::ANY) {
        let files: [(&[u8], LdsFile); 4] = [
            (vector!("bsi2008_Datagroup2.bin"), DG2),
            (vector!("loes2006_ef011E.bin"), LdsFile::Com),
            (vector!("gmrtd_DG11_other_names_5F0F_nominal.bin"), LdsFile::Dg(dg(11))),
            (vector!("jmrtd-legacy_NZ2013_EF_SOD.bin"), LdsFile::Sod),
        ];
        let (bytes, file) = files[index % files.len()];
        let mut data = bytes.to_vec();
        let at = pos % data.len();
        data[at] = byte;
        let _ = parse_file(file, &data);
    }
}

fn all_files() -> Vec<LdsFile> {
    let mut files = vec![
        LdsFile::Com,
        LdsFile::Sod,
        LdsFile::CardAccess,
        LdsFile::CardSecurity,
        LdsFile::AtrInfo,
        LdsFile::Dir,
    ];
    files.extend((1..=16).map(|n| LdsFile::Dg(dg(n))));
    files
}
