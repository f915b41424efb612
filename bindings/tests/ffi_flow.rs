//! The activation flow through the FFI types, driven from Rust the way Kotlin and Swift drive
//! it (`.ci/test-kotlin`, `.ci/test-swift` run the same scenarios): the simulator passport, a
//! `ReadSession`, `verify`, and the reference backend re-verifying the evidence bundle.
#![cfg(feature = "simulator")]

use std::sync::Arc;

use idproof_ffi::flow::reference::ReferenceBackend;
use idproof_ffi::simulator::VirtualPassport;
use idproof_ffi::{
    ActivationFlow, AssuranceLevel, BackendReply, CalendarDate, CheckStatus, DocumentKind,
    FaceResult, FlowAction, FlowConfig, FlowEvent, FlowStep, IdProofError, Lang, MrzSource,
    Outcome, ReadSession, ReadStep, TrustStore, Usage, Verdict, default_read_options, flow_message,
    validate_cpr, validate_document_code, validate_phone, validate_user_id, verify,
    verify_evidence_bundle,
};

/// 2026-11-30T00:00:00Z: the flow's today and the backend's verification time.
const AT: i64 = 1_795_996_800;
const TODAY: CalendarDate = CalendarDate {
    year: 2026,
    month: 11,
    day: 30,
};
const P_CODE: &str = "12345678";
const PHONE: &str = "+4512345678";

fn config() -> FlowConfig {
    FlowConfig {
        today: TODAY,
        allow_specimen: true,
        max_face_attempts: 3,
        language: None,
    }
}

fn face(liveness: Outcome, face_match: Outcome) -> FlowEvent {
    FlowEvent::Face {
        result: FaceResult {
            liveness,
            face_match,
        },
    }
}

/// The app around the flow: the simulator chip, its CSCA, the reference backend.
struct App {
    chip: Arc<VirtualPassport>,
    trust: Arc<TrustStore>,
    backend: Arc<ReferenceBackend>,
    flow: Arc<ActivationFlow>,
    /// Every evidence bundle submitted, with its session nonce.
    bundles: Vec<(String, Vec<u8>)>,
}

impl App {
    fn new(profile: &str) -> App {
        let chip = VirtualPassport::new(profile.into()).unwrap();
        let trust = TrustStore::new();
        trust
            .add_certificate(chip.csca_der().unwrap(), "csca".into())
            .unwrap();
        let backend = ReferenceBackend::new(9, trust.clone(), AT).unwrap();
        backend.add_p_code(P_CODE.into()).unwrap();
        App {
            chip,
            trust,
            backend,
            flow: ActivationFlow::new(config()).unwrap(),
            bundles: Vec::new(),
        }
    }

    /// Handles `event`, performs backend actions on the reference backend (keeping each
    /// evidence bundle) and returns the platform's actions.
    fn send(&mut self, event: FlowEvent) -> Result<Vec<FlowAction>, IdProofError> {
        let mut queue = vec![event];
        let mut out = Vec::new();
        while let Some(event) = queue.pop() {
            for action in self.flow.handle(event)? {
                if let FlowAction::SubmitEvidence { evidence } = &action {
                    self.bundles
                        .push((evidence.bundle_json(AT).unwrap(), evidence.nonce().unwrap()));
                }
                match self.backend.perform(action.clone()).unwrap() {
                    Some(reply) => queue.push(reply),
                    None => out.push(action),
                }
            }
        }
        Ok(out)
    }

    /// The steps up to the identifier (CPR or P code): method, terms, a passport, `UTO`.
    fn up_to_identifier(&mut self) {
        self.send(FlowEvent::ChoosePassportOrIdCard).unwrap();
        self.send(FlowEvent::AcceptTerms { accepted: true })
            .unwrap();
        self.send(FlowEvent::ChooseDocumentKind {
            kind: DocumentKind::Passport,
        })
        .unwrap();
        self.send(FlowEvent::ChooseCountry { code: "UTO".into() })
            .unwrap();
    }

    /// The steps up to the chip read; returns the `ReadChip` action's key and challenge.
    fn up_to_chip_read(&mut self) -> (idproof_ffi::AccessKey, Vec<u8>) {
        let scan = FlowEvent::ScanMrz {
            text: self.chip.mrz_lines().unwrap().join("\n"),
            source: MrzSource::Camera,
        };
        self.up_to_chip_read_with(scan)
    }

    /// [`App::up_to_chip_read`] with `mrz` as the MRZ step's event.
    fn up_to_chip_read_with(&mut self, mrz: FlowEvent) -> (idproof_ffi::AccessKey, Vec<u8>) {
        self.up_to_identifier();
        self.send(FlowEvent::EnterPCode {
            p_code: P_CODE.into(),
        })
        .unwrap();
        let actions = self.send(mrz).unwrap();
        match actions.as_slice() {
            [
                FlowAction::ReadChip {
                    access_key,
                    challenge,
                },
            ] => (access_key.clone(), challenge.clone()),
            other => panic!("{other:?}"),
        }
    }

    /// The platform's chip read and verification, handed to the flow.
    fn read_chip(&mut self) -> Vec<FlowAction> {
        let (key, challenge) = self.up_to_chip_read();
        let lines = self.chip.mrz_lines().unwrap();
        self.read_and_hand_over(key, challenge, Some(lines))
    }

    /// Reads with `key` and `challenge`, verifies with `access_mrz`, hands both to the flow.
    fn read_and_hand_over(
        &mut self,
        key: idproof_ffi::AccessKey,
        challenge: Vec<u8>,
        access_mrz: Option<Vec<String>>,
    ) -> Vec<FlowAction> {
        let mut options = default_read_options();
        options.active_authentication_challenge = Some(challenge);
        let session = ReadSession::new(key, options).unwrap();
        let mut response = None;
        let document = loop {
            match session.step(response.take()).unwrap() {
                ReadStep::Transmit { apdu } => response = Some(self.chip.transmit(apdu).unwrap()),
                ReadStep::Progress { .. } => {}
                ReadStep::Done { document } => break document,
            }
        };
        let report = verify(document.clone(), self.trust.clone(), AT, access_mrz).unwrap();
        self.send(FlowEvent::ChipRead { document, report }).unwrap()
    }
}

fn refused_code(e: &IdProofError) -> (&str, &str) {
    match e {
        IdProofError::Refused {
            code, user_message, ..
        } => (code, user_message),
        other => panic!("not refused: {other:?}"),
    }
}

#[test]
fn the_flow_reaches_substantial_with_the_simulator_and_the_reference_backend() {
    let mut app = App::new("modern-passport");
    let actions = app.read_chip();
    let [FlowAction::ScanFace { dg2: Some(dg2) }] = actions.as_slice() else {
        panic!("{actions:?}");
    };
    assert_eq!(dg2.first(), Some(&0x75), "DG2's tag");
    assert!(
        app.send(face(Outcome::Passed, Outcome::Passed))
            .unwrap()
            .is_empty()
    );
    assert_eq!(app.flow.step().unwrap(), FlowStep::UserId);
    let assurance = app.flow.assurance().unwrap().unwrap();
    assert_eq!(
        assurance.level,
        AssuranceLevel::Substantial,
        "{assurance:?}"
    );
    assert!(assurance.reasons.is_empty());

    // The bundle the app sent, re-verified as a backend does.
    let (json, nonce) = app.bundles[0].clone();
    assert!(json.starts_with(r#"{"format":"idproof-evidence/1""#));
    let verdict = verify_evidence_bundle(json.clone(), app.trust.clone(), AT, nonce).unwrap();
    assert_eq!(verdict.verdict, Verdict::Authentic);
    assert_eq!(verdict.assurance.level, AssuranceLevel::Substantial);
    let checks: Vec<(&str, CheckStatus)> = verdict
        .evidence_checks
        .iter()
        .map(|c| (c.name.as_str(), c.status))
        .collect();
    assert_eq!(
        checks,
        [
            ("format", CheckStatus::Passed),
            ("nonce", CheckStatus::Passed),
            ("aa_challenge", CheckStatus::Passed),
            ("app_report", CheckStatus::Passed),
            ("document_kind", CheckStatus::Passed),
            ("issuing_state", CheckStatus::Passed),
            ("expiry", CheckStatus::Passed),
            // The whole MRZ was scanned: the report's dg1_mrz_match compares it.
            ("access_fields", CheckStatus::NotPerformed),
        ]
    );
    // Another session's nonce: the backend refuses the replay.
    let verdict = verify_evidence_bundle(json, app.trust.clone(), AT, vec![0x77; 16]).unwrap();
    assert_eq!(verdict.verdict, Verdict::Failed);
    assert_eq!(verdict.failures[0].code, "NONCE");

    app.send(FlowEvent::EnterUserId {
        user_id: "Anna.Eriksson".into(),
    })
    .unwrap();
    app.send(FlowEvent::EnterPhone {
        phone: "+45 12 34 56 78".into(),
    })
    .unwrap();
    assert_eq!(app.flow.step().unwrap(), FlowStep::SmsCode);
    let code = app.backend.last_sms_code(PHONE.into()).unwrap().unwrap();
    let e = app
        .send(FlowEvent::EnterSmsCode {
            code: "000000".into(),
        })
        .unwrap_err();
    assert!(
        matches!(&e, IdProofError::Refused { code, attempts_left: Some(2), .. } if code == "SMS_CODE"),
        "{e:?}"
    );
    app.send(FlowEvent::EnterSmsCode { code }).unwrap();
    let done = app
        .send(FlowEvent::ChooseUsage {
            usage: Usage::ThisPhone,
        })
        .unwrap();
    let [
        FlowAction::Completed {
            usage: Usage::ThisPhone,
            assurance,
        },
    ] = done.as_slice()
    else {
        panic!("{done:?}");
    };
    assert_eq!(assurance.level, AssuranceLevel::Substantial);
    assert_eq!(app.flow.step().unwrap(), FlowStep::Done);
}

#[test]
fn a_wrong_p_code_is_refused_with_its_code_and_the_right_one_has_three_attempts() {
    let mut app = App::new("specimen");
    app.up_to_identifier();
    let e = app
        .send(FlowEvent::EnterPCode {
            p_code: "87654321".into(),
        })
        .unwrap_err();
    assert_eq!(refused_code(&e).0, "P_CODE_UNKNOWN");
    assert!(!refused_code(&e).1.is_empty());
    assert_eq!(app.flow.step().unwrap(), FlowStep::Identifier);
    let e = app
        .send(FlowEvent::EnterPCode {
            p_code: "1234".into(),
        })
        .unwrap_err();
    assert_eq!(refused_code(&e).0, "P_CODE_FORMAT");
    app.send(FlowEvent::EnterPCode {
        p_code: P_CODE.into(),
    })
    .unwrap();
    assert_eq!(app.flow.p_code_attempts_left().unwrap(), Some(3));
    assert_eq!(app.flow.step().unwrap(), FlowStep::Mrz);
}

#[test]
fn a_cloned_chip_is_not_substantial_and_uses_a_p_code_attempt() {
    let mut app = App::new("clone-of-pace-cam");
    app.read_chip();
    app.send(face(Outcome::Passed, Outcome::Passed)).unwrap();
    let assurance = app.flow.assurance().unwrap().unwrap();
    assert_eq!(assurance.level, AssuranceLevel::NotMet);
    assert!(
        assurance
            .reasons
            .iter()
            .any(|r| r.code == "ANTI_CLONE_FAILED"),
        "{assurance:?}"
    );
    // The same backend counts the attempt: a new flow with the P code has 2 left.
    app.flow = ActivationFlow::new(config()).unwrap();
    app.up_to_chip_read();
    assert_eq!(app.flow.p_code_attempts_left().unwrap(), Some(2));
}

#[test]
fn a_wrong_face_is_refused_and_the_third_ends_the_flow() {
    let mut app = App::new("specimen");
    app.read_chip();
    for code in ["FACE_MATCH", "FACE_LIVENESS"] {
        let liveness = if code == "FACE_MATCH" {
            Outcome::Passed
        } else {
            Outcome::Failed
        };
        let e = app.send(face(liveness, Outcome::Failed)).unwrap_err();
        assert_eq!(refused_code(&e).0, code);
        assert_eq!(app.flow.step().unwrap(), FlowStep::Face);
    }
    let e = app
        .send(face(Outcome::Passed, Outcome::Failed))
        .unwrap_err();
    assert_eq!(refused_code(&e).0, "FACE_ATTEMPTS");
    assert_eq!(app.flow.step().unwrap(), FlowStep::Failed);
    assert_eq!(app.flow.failure().unwrap().unwrap().code, "FACE_ATTEMPTS");
    assert_eq!(app.flow.assurance().unwrap(), None);
}

#[test]
fn snapshots_hold_nothing_personal_and_resume() {
    let mut app = App::new("specimen");
    let personal = [
        "L898902C", "ERIKSSON", "ANNA", "740812", "340415", P_CODE, "anna", "12345678", "UTO",
    ];
    let assert_clean = |json: &str| {
        for value in personal {
            assert!(!json.contains(value), "{value} in {json}");
        }
    };
    app.read_chip();
    let before = app.flow.snapshot().unwrap();
    assert_clean(&before);
    let resumed = ActivationFlow::resume(before, config()).unwrap();
    assert_eq!(resumed.step().unwrap(), FlowStep::Country);

    app.send(face(Outcome::Passed, Outcome::Passed)).unwrap();
    app.send(FlowEvent::EnterUserId {
        user_id: "anna.eriksson".into(),
    })
    .unwrap();
    app.send(FlowEvent::EnterPhone {
        phone: PHONE.into(),
    })
    .unwrap();
    let after = app.flow.snapshot().unwrap();
    assert_clean(&after);
    assert!(after.contains(r#""step":"phone""#), "{after}");
    let resumed = ActivationFlow::resume(after, config()).unwrap();
    assert_eq!(resumed.step().unwrap(), FlowStep::Phone);
    assert_eq!(
        resumed.assurance().unwrap().unwrap().level,
        AssuranceLevel::Substantial
    );
    // The resumed flow goes on with the same backend session.
    app.flow = resumed;
    app.send(FlowEvent::EnterPhone {
        phone: PHONE.into(),
    })
    .unwrap();
    let code = app.backend.last_sms_code(PHONE.into()).unwrap().unwrap();
    app.send(FlowEvent::EnterSmsCode { code }).unwrap();
    app.send(FlowEvent::ChooseUsage {
        usage: Usage::CodeDisplay,
    })
    .unwrap();
    assert_eq!(app.flow.step().unwrap(), FlowStep::Done);

    let e = ActivationFlow::resume("{\"version\":2}".into(), config()).unwrap_err();
    assert_eq!(refused_code(&e).0, "SNAPSHOT");
}

#[test]
fn validators_give_codes_messages_and_warnings() {
    let v = validate_cpr("010190-1234".into(), TODAY, None).unwrap();
    assert!(v.valid);
    assert_eq!(v.value.as_deref(), Some("0101901234"));
    assert_eq!(v.warning.unwrap().code, "CPR_MODULUS11");
    let v = validate_cpr("010190-1238".into(), TODAY, None).unwrap();
    assert!(v.valid && v.warning.is_none());
    let v = validate_cpr("320190-1238".into(), TODAY, None).unwrap();
    assert!(!v.valid);
    let error = v.error.unwrap();
    assert_eq!(error.code, "CPR_DATE");
    assert!(!error.message.is_empty());
    let v = validate_user_id("Ab".into(), None).unwrap();
    assert_eq!(v.error.unwrap().code, "USER_ID_LENGTH");
    let v = validate_user_id("Anna.Eriksson".into(), None).unwrap();
    assert_eq!(v.value.as_deref(), Some("anna.eriksson"));
    let v = validate_phone("+45 1234 567".into(), None).unwrap();
    assert_eq!(v.error.unwrap().code, "PHONE_DK_LENGTH");
    // Every spelling is the one E.164 value the flow sends and the backend keys by.
    for typed in ["0045 12-34 56 78", "(+45) 12.34.56.78", "12 34 56 78"] {
        let v = validate_phone(typed.into(), None).unwrap();
        assert_eq!(v.value.as_deref(), Some(PHONE), "{typed:?}");
    }
    let v = validate_document_code(DocumentKind::IdCard, "P<".into(), None).unwrap();
    assert_eq!(v.error.unwrap().code, "DOC_KIND");
    let bad_day = CalendarDate {
        year: 2026,
        month: 2,
        day: 29,
    };
    let e = validate_cpr("010190-1238".into(), bad_day, None).unwrap_err();
    assert_eq!(e.code(), "USAGE");

    // The same answers in Danish: codes unchanged, the catalogue's Danish text.
    let v = validate_cpr("010190-1234".into(), TODAY, Some(Lang::Da)).unwrap();
    let warning = v.warning.unwrap();
    assert_eq!(warning.code, "CPR_MODULUS11");
    assert_eq!(
        warning.message,
        flow_message("CPR_MODULUS11".into(), Lang::Da)
            .unwrap()
            .unwrap()
    );
    let error = validate_user_id("Ab".into(), Some(Lang::Da))
        .unwrap()
        .error
        .unwrap();
    assert_eq!(error.code, "USER_ID_LENGTH");
    assert_eq!(error.message, "Dit bruger-ID skal være på 5 til 48 tegn.");
    let english = validate_user_id("Ab".into(), Some(Lang::En))
        .unwrap()
        .error
        .unwrap();
    assert_eq!(
        english.message,
        validate_user_id("Ab".into(), None)
            .unwrap()
            .error
            .unwrap()
            .message
    );
    assert_ne!(english.message, error.message);
}

#[test]
fn an_invalid_cpr_in_the_flow_is_refused_and_a_backend_outage_retries() {
    let mut app = App::new("specimen");
    app.up_to_identifier();
    let e = app
        .send(FlowEvent::EnterCpr {
            cpr: "01019O-1234".into(),
        })
        .unwrap_err();
    assert_eq!(refused_code(&e).0, "CPR_FORMAT");
    let warned = app
        .send(FlowEvent::EnterCpr {
            cpr: "010190-1234".into(),
        })
        .unwrap();
    let [FlowAction::Warn { warning }] = warned.as_slice() else {
        panic!("{warned:?}");
    };
    assert_eq!(warning.code, "CPR_MODULUS11");
    app.backend.set_unavailable(true).unwrap();
    let e = app
        .send(FlowEvent::ScanMrz {
            text: app.chip.mrz_lines().unwrap().join("\n"),
            source: MrzSource::Camera,
        })
        .unwrap_err();
    assert_eq!(refused_code(&e).0, "BACKEND_UNAVAILABLE");
    assert_eq!(app.flow.step().unwrap(), FlowStep::IssuingNonce);
    app.backend.set_unavailable(false).unwrap();
    let actions = app.send(FlowEvent::Retry).unwrap();
    assert!(
        matches!(actions.as_slice(), [FlowAction::ReadChip { .. }]),
        "{actions:?}"
    );
    // A backend reply from the app: a nonce of the wrong size is a usage error, and the flow
    // is unchanged.
    let e = app
        .flow
        .handle(FlowEvent::Backend {
            reply: BackendReply::NonceIssued {
                session_id: "s".into(),
                nonce: vec![1, 2, 3],
            },
        })
        .unwrap_err();
    assert_eq!(e.code(), "USAGE");
    assert_eq!(app.flow.step().unwrap(), FlowStep::ReadingChip);
}

#[test]
fn a_flow_configured_in_danish_refuses_warns_and_fails_in_danish_under_the_same_codes() {
    let mut app = App::new("clone-of-pace-cam");
    app.flow = ActivationFlow::new(FlowConfig {
        language: Some(Lang::Da),
        ..config()
    })
    .unwrap();
    app.up_to_identifier();
    let e = app
        .send(FlowEvent::EnterPCode {
            p_code: "1234".into(),
        })
        .unwrap_err();
    let danish = |code: &str| flow_message(code.into(), Lang::Da).unwrap().unwrap();
    assert_eq!(
        refused_code(&e),
        ("P_CODE_FORMAT", danish("P_CODE_FORMAT").as_str())
    );
    assert_eq!(
        danish("P_CODE_FORMAT"),
        "En P-kode består af præcis 8 cifre. Tjek den kode, du har fået fra MitID Support."
    );
    // The assurance reasons of a cloned chip, in Danish too.
    app.flow = ActivationFlow::new(FlowConfig {
        language: Some(Lang::Da),
        ..config()
    })
    .unwrap();
    app.read_chip();
    app.send(face(Outcome::Passed, Outcome::Passed)).unwrap();
    let assurance = app.flow.assurance().unwrap().unwrap();
    let reason = assurance
        .reasons
        .iter()
        .find(|r| r.code == "ANTI_CLONE_FAILED")
        .expect("anti-clone reason");
    assert_eq!(reason.message, danish("ANTI_CLONE_FAILED"));
    // An English flow (the default) says the same codes in English.
    let e = ActivationFlow::new(config())
        .unwrap()
        .handle(FlowEvent::AcceptTerms { accepted: true })
        .unwrap_err();
    let (code, message) = refused_code(&e);
    assert_eq!(
        message,
        flow_message(code.into(), Lang::En).unwrap().unwrap()
    );
    assert_ne!(message, danish(code));
}

#[test]
fn three_typed_fields_and_a_spaced_phone_reach_substantial_through_the_ffi() {
    let mut app = App::new("specimen");
    let lines = app.chip.mrz_lines().unwrap();
    let line2 = lines[1].as_str();
    // The fields as a person types them off the data page (lower case is fine).
    let fields = FlowEvent::EnterMrzFields {
        document_number: line2[..9].to_lowercase(),
        birth_date: line2[13..19].into(),
        expiry_date: line2[21..27].into(),
    };
    let (key, challenge) = app.up_to_chip_read_with(fields);
    // An app that had only the fields verifies without an access MRZ: `dg1_mrz_match` is
    // not performed on its side, and the backend compares DG1 with the bundle's fields.
    app.read_and_hand_over(key, challenge, None);
    app.send(face(Outcome::Passed, Outcome::Passed)).unwrap();
    let assurance = app.flow.assurance().unwrap().unwrap();
    assert_eq!(
        assurance.level,
        AssuranceLevel::Substantial,
        "{assurance:?}"
    );
    let (json, nonce) = app.bundles[0].clone();
    assert!(json.contains(r#""access_mrz":{"fields":"#), "{json}");
    let verdict = verify_evidence_bundle(json, app.trust.clone(), AT, nonce).unwrap();
    let dg1 = verdict
        .report
        .checks
        .iter()
        .find(|c| c.name == "dg1_mrz_match")
        .unwrap();
    assert_eq!(dg1.status, CheckStatus::Passed, "{dg1:?}");
    assert!(verdict.failures.is_empty(), "{:?}", verdict.failures);

    app.send(FlowEvent::EnterUserId {
        user_id: "typed fields".into(),
    })
    .unwrap();
    app.send(FlowEvent::EnterPhone {
        phone: "0045 12-34 56.78".into(),
    })
    .unwrap();
    assert_eq!(app.flow.step().unwrap(), FlowStep::SmsCode);
    // The code is keyed by the E.164 form, found under any spelling.
    let code = app
        .backend
        .last_sms_code("+45 12 34 56 78".into())
        .unwrap()
        .unwrap();
    assert_eq!(
        app.backend.last_sms_code(PHONE.into()).unwrap(),
        Some(code.clone())
    );
    app.send(FlowEvent::EnterSmsCode { code }).unwrap();
    assert_eq!(app.flow.step().unwrap(), FlowStep::Usage);
    app.send(FlowEvent::ChooseUsage {
        usage: Usage::ThisPhone,
    })
    .unwrap();
    assert_eq!(app.flow.step().unwrap(), FlowStep::Done);
}
