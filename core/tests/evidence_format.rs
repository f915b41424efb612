//! The evidence bundle's wire format: the canonical serialisation pinned byte for byte, and
//! hostile text — garbage, truncations, deep nesting, oversize, random mutations of a valid
//! bundle — refused with `EVIDENCE_FORMAT`/`EVIDENCE_VERSION`, never a panic; whatever does
//! parse re-verifies without panicking and re-serialises to itself.

mod flow_support;

use flow_support::{dg1, passport, report_fully_passed};
use idproof_core::asn1::Time;
use idproof_core::auth::trust::TrustStore;
use idproof_core::codec::StatusWord;
use idproof_core::flow::evidence::{
    AccessMrzEvidence, ApplicantKind, EvidenceBundle, FlowInputs, MAX_JSON_LEN, verify_evidence,
};
use idproof_core::flow::{Code, DocumentKind, FaceResult, MrzSource, Nonce, Outcome, SessionId};
use idproof_core::lds::{DataGroup, LdsFile};
use idproof_core::mrz::Mrz;
use idproof_core::reader::{
    AaExchange, AaResponse, AccessInfo, ChipEvidence, Document, PaceCamEvidence, ReadStats,
};
use idproof_core::report::Verdict;
use proptest::prelude::*;

fn nonce() -> Nonce {
    Nonce::new((1..=16).collect()).unwrap()
}

fn at() -> Time {
    Time::from_ymd(2026, 11, 30).unwrap()
}

/// A small synthetic bundle: DG1 of the tests' Danish passport, a 3-byte DG2 stand-in, a
/// refused AA, PACE-CAM values.
fn bundle() -> EvidenceBundle {
    let mut document = Document {
        files: [
            (LdsFile::Dg(DataGroup::DG1), dg1(&passport())),
            (LdsFile::Dg(DataGroup::DG2), vec![0x75, 0x01, 0xFF]),
        ]
        .into_iter()
        .collect(),
        absent: vec![LdsFile::Dg(DataGroup::DG15)],
        refused: Vec::new(),
        access: AccessInfo::bac(),
        chip: ChipEvidence {
            chip_authentication: None,
            pace_cam: Some(PaceCamEvidence {
                parameter_id: Some(13),
                chip_mapping_public_key: vec![0x04, 0xAB],
                ca_ic: vec![0x01, 0x02],
            }),
        },
        stats: ReadStats::default(),
        active_authentication: Some(AaExchange {
            challenge: [1, 2, 3, 4, 5, 6, 7, 8],
            response: AaResponse::Refused(StatusWord(0x6D00)),
        }),
    };
    document.stats.apdus = 7;
    let mrz = Mrz::parse(&passport()).unwrap();
    let mut bundle = EvidenceBundle::from_read(
        &document,
        &report_fully_passed(),
        SessionId("s1".into()),
        &nonce(),
        at(),
    )
    .with_access_mrz(AccessMrzEvidence::from_mrz(&mrz));
    bundle.flow = Some(FlowInputs {
        document_kind: DocumentKind::Passport,
        issuing_state: "DNK".into(),
        applicant: ApplicantKind::Cpr,
        mrz_source: MrzSource::Manual,
        face: FaceResult {
            liveness: Outcome::Passed,
            face_match: Outcome::NotPerformed,
        },
    });
    bundle
}

fn json() -> String {
    bundle().to_json().unwrap()
}

#[test]
fn the_canonical_serialisation_is_pinned() {
    let dg1_b64 = idproof_core::flow::evidence::base64_encode(&dg1(&passport()));
    let line: Vec<String> = passport().lines().map(str::to_owned).collect();
    let expected = format!(
        concat!(
            r#"{{"format":"idproof-evidence/1","#,
            r#""producer":{{"library":"idproof-core","version":"{version}"}},"#,
            r#""created_at":"2026-11-30T00:00:00Z","session_id":"s1","#,
            r#""nonce":"0102030405060708090A0B0C0D0E0F10","#,
            r#""flow":{{"document_kind":"passport","issuing_state":"DNK","applicant":"cpr","#,
            r#""mrz_source":"manual","face":{{"liveness":"passed","face_match":"not_performed"}}}},"#,
            r#""access_mrz":{{"lines":["{l1}","{l2}"]}},"#,
            r#""access":{{"protocol":"BAC","mapping":null,"password":"MRZ","pace_protocol":null,"#,
            r#""parameter_id":null,"cipher":"3DES","pace_offered":false,"downgraded":false}},"#,
            r#""files":[{{"file":"DG1","base64":"{dg1}"}},{{"file":"DG2","base64":"dQH/"}}],"#,
            r#""absent_files":["DG15"],"#,
            r#""chip":{{"chip_authentication":null,"pace_cam":{{"parameter_id":13,"#,
            r#""chip_mapping_public_key":"04AB","ca_ic":"0102"}}}},"#,
            r#""active_authentication":{{"challenge":"0102030405060708","refused":"6D00"}},"#,
            r#""read_stats":{{"apdus":7,"bytes_sent":0,"bytes_received":0,"resumes":0,"#,
            r#""sm_restarts":0,"extended_length_used":false,"largest_chunk":0}},"#,
            r#""app_report":{{"verdict":"authentic","failures":[],"checks":["#,
        ),
        version = env!("CARGO_PKG_VERSION"),
        l1 = line[0],
        l2 = line[1],
        dg1 = dg1_b64,
    );
    let json = json();
    assert!(json.starts_with(&expected), "{json}\n{expected}");
    assert!(json.ends_with(
        r#"{"name":"active_authentication","status":"passed","code":null,"detail":null}]}}"#
    ));
    let back = EvidenceBundle::from_json(&json).unwrap();
    assert_eq!(back, bundle());
    assert_eq!(back.to_json().unwrap(), json);
}

#[test]
fn garbage_is_evidence_format() {
    let deep = "[".repeat(100_000);
    for text in [
        "",
        " ",
        "null",
        "[]",
        "{}",
        "{",
        "\"idproof-evidence/1\"",
        "{\"format\":\"idproof-evidence/1\"}",
        "{\"format\":\"idproof-evidence/1\",\"format\":\"idproof-evidence/1\"}",
        "\u{0}\u{1}\u{2}",
        "\u{FEFF}{}",
        deep.as_str(),
    ] {
        let err = EvidenceBundle::from_json(text).unwrap_err();
        assert_eq!(err.code(), Code::EvidenceFormat, "{text:.40}: {err}");
        assert!(!err.to_string().is_empty());
    }
    let huge = " ".repeat(MAX_JSON_LEN + 1);
    assert_eq!(
        EvidenceBundle::from_json(&huge).unwrap_err().code(),
        Code::EvidenceFormat
    );
}

#[test]
fn every_truncation_is_evidence_format() {
    let json = json();
    for end in 0..json.len() {
        if let Some(prefix) = json.get(..end) {
            let err = EvidenceBundle::from_json(prefix).unwrap_err();
            assert_eq!(err.code(), Code::EvidenceFormat, "at {end}");
        }
    }
}

#[test]
fn the_stub_bundle_reverifies_without_trust_as_incomplete() {
    let verdict = verify_evidence(&bundle(), &TrustStore::new(), at(), &nonce());
    // No SOD: nothing proven; the stub's "fully passed" claim is not what the backend finds.
    assert_eq!(verdict.verdict, Verdict::Failed);
    assert!(verdict.failure_codes().contains(&"EVIDENCE_CLAIM"));
    // Its DG2 (`75 01 FF`) does not parse: `lds_parse` fails (issue 13 item 11), so the
    // recomputed report is failed, not merely incomplete.
    assert_eq!(verdict.report.verdict, Verdict::Failed);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let err = EvidenceBundle::from_json(&text).unwrap_err();
        prop_assert!(matches!(err.code(), Code::EvidenceFormat | Code::EvidenceVersion));
    }

    #[test]
    fn mutated_bundles_are_refused_or_round_trip(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0x20u8..0x7F), 1..4)
    ) {
        let mut bytes = json().into_bytes();
        for (index, byte) in edits {
            let i = index.index(bytes.len());
            bytes[i] = byte;
        }
        let text = String::from_utf8(bytes).unwrap();
        match EvidenceBundle::from_json(&text) {
            Err(e) => prop_assert!(
                matches!(e.code(), Code::EvidenceFormat | Code::EvidenceVersion),
                "{e}"
            ),
            Ok(bundle) => {
                let again = EvidenceBundle::from_json(&bundle.to_json().unwrap()).unwrap();
                prop_assert_eq!(&again, &bundle);
                let _ = verify_evidence(&bundle, &TrustStore::new(), at(), &nonce());
            }
        }
    }
}
