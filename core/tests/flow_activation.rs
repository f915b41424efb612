//! The activation flow end to end against the reference backend: happy paths, each wrong input
//! at each step, P-code and SMS rules, DG1 checks, chip and face failures, navigation, and no
//! personal data at rest.

mod flow_support;

use std::fmt::Write as _;

use flow_support::*;
use idproof_core::ErrorCode;
use idproof_core::flow::{
    Action, ActivationFlow, AssuranceLevel, BackendError, BackendReply, Code, DocumentKind, Event,
    FaceResult, FlowConfig, FlowSnapshot, Lang, MrzSource, Outcome, Step, Usage,
};

fn scan(text: String) -> Event {
    Event::ScanMrz {
        text,
        source: MrzSource::Camera,
    }
}

fn manual(number: &str, birth: &str, expiry: &str) -> Event {
    Event::EnterMrzFields {
        document_number: number.into(),
        birth_date: birth.into(),
        expiry_date: expiry.into(),
    }
}

#[test]
fn happy_path_with_p_code_today_ends_not_met_for_missing_anti_clone() {
    let mut h = Harness::new();
    h.walk_to_mrz(true);
    assert_eq!(h.flow.p_code_attempts_left(), Some(3));
    h.scan_passport();
    h.chip_read(report_without_anti_clone(), false);
    h.face_passes();
    h.credentials();
    let assurance = h.flow.assurance().unwrap();
    assert_eq!(assurance.level, AssuranceLevel::NotMet);
    assert!(
        assurance.has_reason(Code::AntiCloneMissing),
        "{assurance:?}"
    );
    assert_eq!(assurance.reasons.len(), 1, "{assurance:?}");
    assert_eq!(h.flow.local_assurance(), Some(assurance));
    assert_eq!(h.flow.usage(), Some(Usage::ThisPhone));
    h.assert_no_personal_data_at_rest();
}

#[test]
fn happy_path_with_fully_passed_read_is_substantial_and_uses_up_the_p_code() {
    let mut h = Harness::new();
    h.walk_to_mrz(true);
    h.scan_passport();
    h.chip_read(report_fully_passed(), true);
    h.face_passes();
    h.credentials();
    let assurance = h.flow.assurance().unwrap();
    assert_eq!(
        assurance.level,
        AssuranceLevel::Substantial,
        "{assurance:?}"
    );
    assert!(assurance.reasons.is_empty());
    h.assert_no_personal_data_at_rest();

    // The P code was used successfully: a second flow cannot use it.
    let mut again = Harness::new();
    again.backend = h.backend;
    again.walk_to_identifier();
    let step = again.err(Event::EnterPCode(P_CODE.into()), "P_CODE_USED");
    assert_eq!(step, Step::Identifier);
}

impl Harness {
    fn walk_to_identifier(&mut self) {
        self.ok(Event::ChoosePassportOrIdCard);
        self.ok(Event::AcceptTerms { accepted: true });
        self.ok(Event::ChooseDocumentKind(DocumentKind::Passport));
        self.ok(Event::ChooseCountry("DNK".into()));
        assert_eq!(self.flow.step(), Step::Identifier);
    }
}

#[test]
fn happy_path_with_cpr_and_id_card_typed_by_hand() {
    let mut h = Harness::new();
    h.ok(Event::ChoosePassportOrIdCard);
    h.ok(Event::AcceptTerms { accepted: true });
    h.ok(Event::ChooseDocumentKind(DocumentKind::IdCard));
    h.ok(Event::ChooseCountry("D<<".into()));
    let actions = h.ok(Event::EnterCpr("0707614285".into()));
    assert!(actions.is_empty(), "modulus 11 holds: no warning");
    let card = td1(
        "ID",
        "D",
        "MUSTERMANN<<ERIKA",
        "T22000129",
        "640812",
        "300131",
    );
    let actions = h.ok(manual("t22000129", "640812", "300131"));
    assert_eq!(actions[0].name(), "read_chip");
    h.ok(Event::ChipRead {
        document: Box::new(document(&card, false)),
        report: Box::new(report_without_anti_clone()),
    });
    assert_eq!(h.flow.step(), Step::Face);
    h.face_passes();
    h.credentials();
    h.secrets
        .extend(["MUSTERMANN".into(), "T22000129".into(), "640812".into()]);
    h.assert_no_personal_data_at_rest();
}

#[test]
fn cpr_without_modulus_11_is_accepted_with_a_warning() {
    let mut h = Harness::new();
    h.walk_to_identifier();
    let actions = h.ok(Event::EnterCpr("010165-0000".into()));
    assert!(matches!(
        actions.as_slice(),
        [Action::Warn(Code::CprModulus11)]
    ));
    assert_eq!(h.flow.step(), Step::Mrz);
}

#[test]
fn read_chip_uses_the_backend_nonce_as_the_aa_challenge() {
    let mut h = Harness::new();
    h.walk_to_mrz(false);
    let Action::ReadChip {
        access_key,
        challenge,
    } = h.scan_passport()
    else {
        panic!("expected read_chip")
    };
    assert_eq!(challenge.len(), 8);
    let expected = idproof_core::mrz::MrzKey::new(DOC_NO, BIRTH, EXPIRY).unwrap();
    assert_eq!(
        access_key.mrz_information().as_str(),
        expected.mrz_information().as_str()
    );
    // A retry re-emits the same key and challenge (the nonce is single use only at submission).
    let again = h.ok(Event::Retry);
    let [Action::ReadChip { challenge: c2, .. }] = again.as_slice() else {
        panic!("{again:?}")
    };
    assert_eq!(&challenge, c2);
}

#[test]
fn terms_are_a_gate() {
    let mut h = Harness::new();
    h.ok(Event::ChoosePassportOrIdCard);
    assert_eq!(
        h.err(Event::AcceptTerms { accepted: false }, "TERMS_REQUIRED"),
        Step::AcceptTerms
    );
    assert_eq!(
        h.err(
            Event::ChooseDocumentKind(DocumentKind::Passport),
            "UNEXPECTED_EVENT"
        ),
        Step::AcceptTerms
    );
}

#[test]
fn wrong_country_codes_are_refused_and_specimens_only_in_tests() {
    let mut h = Harness::new();
    h.ok(Event::ChoosePassportOrIdCard);
    h.ok(Event::AcceptTerms { accepted: true });
    h.ok(Event::ChooseDocumentKind(DocumentKind::Passport));
    assert_eq!(
        h.err(Event::ChooseCountry("DEU".into()), "COUNTRY_UNKNOWN"),
        Step::Country
    );
    assert_eq!(
        h.err(Event::ChooseCountry("XYZ".into()), "COUNTRY_UNKNOWN"),
        Step::Country
    );
    assert_eq!(
        h.err(Event::ChooseCountry("UTO".into()), "COUNTRY_SPECIMEN"),
        Step::Country
    );
    let mut test_config = config();
    test_config.allow_specimen = true;
    let mut t = Harness::with_config(test_config);
    t.ok(Event::ChoosePassportOrIdCard);
    t.ok(Event::AcceptTerms { accepted: true });
    t.ok(Event::ChooseDocumentKind(DocumentKind::Passport));
    t.ok(Event::ChooseCountry("UTO".into()));
    assert_eq!(t.flow.step(), Step::Identifier);
}

#[test]
fn wrong_identifiers_are_refused_at_the_identifier_step() {
    let mut h = Harness::new();
    h.walk_to_identifier();
    for (input, code) in [
        ("1234567", "P_CODE_FORMAT"),
        ("123456789", "P_CODE_FORMAT"),
        ("1234567a", "P_CODE_FORMAT"),
    ] {
        assert_eq!(
            h.err(Event::EnterPCode(input.into()), code),
            Step::Identifier
        );
    }
    for (input, code) in [
        ("070761-428", "CPR_FORMAT"),
        ("320161-4285", "CPR_DATE"),
        ("290201-4000", "CPR_DATE"),
        ("010130-4000", "CPR_FUTURE"),
    ] {
        assert_eq!(h.err(Event::EnterCpr(input.into()), code), Step::Identifier);
    }
    assert_eq!(
        h.err(Event::EnterPCode("87654321".into()), "P_CODE_UNKNOWN"),
        Step::Identifier
    );
}

#[test]
fn p_code_expires_after_60_days() {
    let mut h = Harness::new();
    h.backend.advance(60 * 24 * 3600);
    h.walk_to_identifier();
    h.ok(Event::EnterPCode(P_CODE.into()));
    let mut late = Harness::new();
    late.backend.advance(61 * 24 * 3600);
    late.walk_to_identifier();
    assert_eq!(
        late.err(Event::EnterPCode(P_CODE.into()), "P_CODE_EXPIRED"),
        Step::Identifier
    );
}

#[test]
fn p_code_allows_three_attempts() {
    let mut backend = None;
    for attempt in 1..=3u8 {
        let mut h = Harness::new();
        if let Some(b) = backend.take() {
            h.backend = b;
        }
        h.walk_to_mrz(true);
        assert_eq!(h.flow.p_code_attempts_left(), Some(4 - attempt));
        h.scan_passport();
        h.chip_read(report_without_anti_clone(), false);
        h.face_passes();
        assert_eq!(h.flow.assurance().unwrap().level, AssuranceLevel::NotMet);
        backend = Some(h.backend);
    }
    let mut h = Harness::new();
    h.backend = backend.unwrap();
    h.walk_to_identifier();
    assert_eq!(
        h.err(Event::EnterPCode(P_CODE.into()), "P_CODE_ATTEMPTS"),
        Step::Identifier
    );
}

#[test]
fn wrong_mrz_inputs_are_refused_at_the_mrz_step() {
    let mut h = Harness::new();
    h.walk_to_mrz(false);
    let good = passport();
    let bad_digit = good.replacen("L898902C3", "L898902C4", 1);
    let id_card = td1("ID", "DNK", NAME, DOC_NO, BIRTH, EXPIRY);
    let crew = td1("AC", "DNK", NAME, DOC_NO, BIRTH, EXPIRY);
    let swedish = td3("SWE", NAME, DOC_NO, BIRTH, EXPIRY);
    let expired = td3("DNK", NAME, DOC_NO, BIRTH, "261129");
    for (text, code) in [
        ("P<DNK".to_owned(), "MRZ_FORMAT"),
        (good.to_lowercase(), "MRZ_FORMAT"),
        (bad_digit, "MRZ_CHECK_DIGIT"),
        (id_card, "DOC_KIND"),
        (crew, "DOC_KIND_UNSUPPORTED"),
        (swedish, "COUNTRY"),
        (expired, "DOC_EXPIRED"),
    ] {
        assert_eq!(h.err(scan(text), code), Step::Mrz);
    }
    for (fields, code) in [
        (("", BIRTH, EXPIRY), "MRZ_FORMAT"),
        ((DOC_NO, "7408", EXPIRY), "MRZ_FORMAT"),
        ((DOC_NO, "741312", EXPIRY), "DOC_DATE"),
        ((DOC_NO, BIRTH, "311315"), "DOC_DATE"),
        ((DOC_NO, BIRTH, "261129"), "DOC_EXPIRED"),
    ] {
        assert_eq!(h.err(manual(fields.0, fields.1, fields.2), code), Step::Mrz);
    }
    // Valid on the day of expiry.
    h.ok(manual(DOC_NO, BIRTH, "261130"));
    assert_eq!(h.flow.step(), Step::ReadingChip);
}

#[test]
fn country_mismatch_with_dg1_sends_the_person_back_to_the_mrz() {
    let mut h = Harness::new();
    h.walk_to_mrz(false);
    h.ok(manual(DOC_NO, BIRTH, EXPIRY));
    let swedish = td3("SWE", NAME, DOC_NO, BIRTH, EXPIRY);
    let step = h.err(
        Event::ChipRead {
            document: Box::new(document(&swedish, false)),
            report: Box::new(report_without_anti_clone()),
        },
        "COUNTRY",
    );
    assert_eq!(step, Step::Mrz);
    // Going back to fix the country is possible.
    h.ok(Event::Back);
    h.ok(Event::Back);
    assert_eq!(h.flow.step(), Step::Country);
}

#[test]
fn dg1_must_be_the_mrz_used_for_access() {
    let mut h = Harness::new();
    h.walk_to_mrz(false);
    h.scan_passport();
    let other = td3("DNK", NAME, "X12345678", BIRTH, EXPIRY);
    let step = h.err(
        Event::ChipRead {
            document: Box::new(document(&other, false)),
            report: Box::new(report_without_anti_clone()),
        },
        "MRZ_MISMATCH",
    );
    assert_eq!(step, Step::Mrz);
    // Same key fields, different name: still not the scanned MRZ.
    h.scan_passport();
    let renamed = td3("DNK", "HANSEN<<PETER", DOC_NO, BIRTH, EXPIRY);
    h.err(
        Event::ChipRead {
            document: Box::new(document(&renamed, false)),
            report: Box::new(report_without_anti_clone()),
        },
        "MRZ_MISMATCH",
    );
}

#[test]
fn typed_fields_bind_dg1_to_those_three_fields() {
    // Each of the three fields differing in DG1 is refused, naming the field, and the
    // person types the fields again.
    for (other, field) in [
        (
            td3("DNK", NAME, "X12345678", BIRTH, EXPIRY),
            "document_number",
        ),
        (td3("DNK", NAME, DOC_NO, "740813", EXPIRY), "birth_date"),
        (td3("DNK", NAME, DOC_NO, BIRTH, "310416"), "expiry_date"),
    ] {
        let mut h = Harness::new();
        h.walk_to_mrz(false);
        h.ok(manual(DOC_NO, BIRTH, EXPIRY));
        let error = h
            .send(Event::ChipRead {
                document: Box::new(document(&other, false)),
                report: Box::new(report_without_anti_clone()),
            })
            .unwrap_err();
        assert_eq!(error.code().as_str(), "MRZ_MISMATCH", "{field}");
        assert!(error.to_string().ends_with(field), "{field}: {error}");
        assert_eq!(h.flow.step(), Step::Mrz, "{field}");
        h.ok(manual(DOC_NO, BIRTH, EXPIRY));
        h.chip_read(report_fully_passed(), true);
    }
    // The rest of DG1 has nothing typed to differ from: another name is the same document
    // as far as three fields can tell (the whole MRZ, scanned, would be refused).
    let mut h = Harness::new();
    h.walk_to_mrz(false);
    h.ok(manual(&DOC_NO.to_lowercase(), BIRTH, EXPIRY));
    let renamed = td3("DNK", "HANSEN<<PETER", DOC_NO, BIRTH, EXPIRY);
    h.ok(Event::ChipRead {
        document: Box::new(document(&renamed, true)),
        report: Box::new(report_fully_passed()),
    });
    assert_eq!(h.flow.step(), Step::Face);
}

#[test]
fn dg1_of_another_kind_or_expired_is_refused() {
    let mut h = Harness::new();
    h.walk_to_mrz(false);
    h.ok(manual(DOC_NO, BIRTH, EXPIRY));
    let card = td1("ID", "DNK", NAME, DOC_NO, BIRTH, EXPIRY);
    let step = h.err(
        Event::ChipRead {
            document: Box::new(document(&card, false)),
            report: Box::new(report_without_anti_clone()),
        },
        "DOC_KIND",
    );
    assert_eq!(step, Step::Mrz);

    // A document typed as valid on the day it expires, read the next day.
    let mut config = config();
    config.today = idproof_core::flow::Date::new(2031, 4, 15).unwrap();
    let mut late = Harness::with_config(config);
    late.walk_to_mrz(false);
    late.scan_passport();
    let mut next_day = late.flow.snapshot();
    next_day.step = Step::Country;
    config.today = idproof_core::flow::Date::new(2031, 4, 16).unwrap();
    // The flow's day is fixed when it is built; a resumed flow the next day refuses the scan.
    let mut resumed = Harness::with_config(config);
    resumed.flow = ActivationFlow::resume(next_day, config).unwrap();
    resumed.ok(Event::ChooseCountry("DNK".into()));
    resumed.ok(Event::EnterCpr(CPR.into()));
    assert_eq!(resumed.err(scan(passport()), "DOC_EXPIRED"), Step::Mrz);
}

#[test]
fn chip_failures_can_be_retried_or_send_back_to_the_mrz() {
    let mut h = Harness::new();
    h.walk_to_mrz(false);
    h.scan_passport();
    assert_eq!(
        h.err(Event::ChipReadFailed(ErrorCode::TagLost), "TAG_LOST"),
        Step::ReadingChip
    );
    assert_eq!(
        h.err(Event::ChipReadFailed(ErrorCode::ChipProtocol), "CHIP_READ"),
        Step::ReadingChip
    );
    let empty = idproof_core::reader::Document {
        files: std::collections::BTreeMap::default(),
        ..document(&passport(), false)
    };
    assert_eq!(
        h.err(
            Event::ChipRead {
                document: Box::new(empty),
                report: Box::new(report_without_anti_clone())
            },
            "DG1_MISSING"
        ),
        Step::ReadingChip
    );
    let retry = h.ok(Event::Retry);
    assert_eq!(retry[0].name(), "read_chip");
    assert_eq!(
        h.err(
            Event::ChipReadFailed(ErrorCode::AccessDenied),
            "ACCESS_DENIED"
        ),
        Step::Mrz
    );
    // The session's nonce is reused: no second issue_nonce round trip is needed.
    let actions = h.ok(scan(passport()));
    assert_eq!(actions[0].name(), "read_chip");
}

#[test]
fn a_chip_that_fails_chip_authentication_ends_the_flow_as_a_clone() {
    let mut h = Harness::new();
    h.walk_to_mrz(true);
    h.scan_passport();
    assert_eq!(
        h.err(
            Event::ChipReadFailed(ErrorCode::CaFailed),
            "ANTI_CLONE_FAILED"
        ),
        Step::Failed
    );
    assert_eq!(
        h.flow.failure().map(idproof_core::flow::Code::as_str),
        Some("ANTI_CLONE_FAILED")
    );
    // No retry: reading the same clone again cannot succeed.
    h.err(Event::Retry, "UNEXPECTED_EVENT");
    h.assert_no_personal_data_at_rest();
}

#[test]
fn face_failures_allow_retries_then_end_the_flow() {
    let mut h = Harness::new();
    h.walk_to_mrz(true);
    h.scan_passport();
    h.chip_read(report_without_anti_clone(), false);
    let liveness_failed = FaceResult {
        liveness: Outcome::Failed,
        face_match: Outcome::Passed,
    };
    let match_failed = FaceResult {
        liveness: Outcome::Passed,
        face_match: Outcome::Failed,
    };
    assert_eq!(
        h.err(Event::Face(liveness_failed), "FACE_LIVENESS"),
        Step::Face
    );
    let retry = h.ok(Event::Retry);
    let [Action::ScanFace { dg2: Some(dg2) }] = retry.as_slice() else {
        panic!("{retry:?}")
    };
    assert_eq!(dg2[0], 0x75);
    assert_eq!(h.err(Event::Face(match_failed), "FACE_MATCH"), Step::Face);
    assert_eq!(
        h.err(Event::Face(match_failed), "FACE_ATTEMPTS"),
        Step::Failed
    );
    assert_eq!(h.flow.failure(), Some(Code::FaceAttempts));
    assert_eq!(
        h.err(Event::Face(face_ok()), "UNEXPECTED_EVENT"),
        Step::Failed
    );
    h.assert_no_personal_data_at_rest();
}

#[test]
fn wrong_credentials_are_refused_at_their_steps() {
    let mut h = Harness::new();
    h.backend.take_user_id("taken.user");
    h.walk_to_mrz(false);
    h.scan_passport();
    h.chip_read(report_without_anti_clone(), false);
    h.face_passes();
    for (input, code) in [
        ("abcd", "USER_ID_LENGTH"),
        (" abcde", "USER_ID_SPACE"),
        ("abc&de", "USER_ID_CHARACTER"),
        ("0123456789", "USER_ID_DIGITS"),
        ("070761-4285", "USER_ID_CPR"),
        ("Taken.User", "USER_ID_TAKEN"),
    ] {
        assert_eq!(
            h.err(Event::EnterUserId(input.into()), code),
            Step::UserId,
            "{input}"
        );
    }
    assert_eq!(h.err(Event::Back, "BACK_NOT_ALLOWED"), Step::UserId);
    h.ok(Event::EnterUserId(USER_ID.into()));
    for (input, code) in [
        ("1234 5678 9", "PHONE_FORMAT"),
        ("+45 1234 567", "PHONE_DK_LENGTH"),
        ("+0123456789", "PHONE_COUNTRY_CODE"),
    ] {
        assert_eq!(
            h.err(Event::EnterPhone(input.into()), code),
            Step::Phone,
            "{input}"
        );
    }
    h.ok(Event::EnterPhone("+45 12 34 56 78".into()));
    assert_eq!(
        h.err(Event::EnterSmsCode("12a".into()), "SMS_CODE_FORMAT"),
        Step::SmsCode
    );
    // "Back" from the SMS code lets the person fix the number.
    h.ok(Event::Back);
    assert_eq!(h.flow.step(), Step::Phone);
    h.ok(Event::EnterPhone(PHONE.into()));
    assert_eq!(h.flow.step(), Step::SmsCode);
    h.assert_no_personal_data_at_rest();
}

fn at_sms_code() -> Harness {
    let mut h = Harness::new();
    h.walk_to_mrz(false);
    h.scan_passport();
    h.chip_read(report_without_anti_clone(), false);
    h.face_passes();
    h.ok(Event::EnterUserId(USER_ID.into()));
    h.ok(Event::EnterPhone(PHONE.into()));
    assert_eq!(h.flow.step(), Step::SmsCode);
    h
}

fn wrong_code(h: &Harness) -> String {
    let right = h.backend.last_sms_code(PHONE).unwrap();
    if right == "000000" {
        "111111"
    } else {
        "000000"
    }
    .to_owned()
}

#[test]
fn sms_code_is_blocked_after_three_wrong_entries() {
    let mut h = at_sms_code();
    let wrong = wrong_code(&h);
    assert_eq!(
        h.err(Event::EnterSmsCode(wrong.clone()), "SMS_CODE"),
        Step::SmsCode
    );
    assert_eq!(
        h.err(Event::EnterSmsCode(wrong.clone()), "SMS_CODE"),
        Step::SmsCode
    );
    assert_eq!(
        h.err(Event::EnterSmsCode(wrong), "SMS_BLOCKED"),
        Step::Failed
    );
    assert_eq!(h.flow.failure(), Some(Code::SmsBlocked));
    h.assert_no_personal_data_at_rest();
}

#[test]
fn sms_code_expires_after_30_minutes_and_a_new_one_works() {
    let mut h = at_sms_code();
    let old = h.backend.last_sms_code(PHONE).unwrap().to_owned();
    h.backend.advance(30 * 60 + 1);
    assert_eq!(
        h.err(Event::EnterSmsCode(old), "SMS_CODE_EXPIRED"),
        Step::SmsCode
    );
    h.ok(Event::ResendSms);
    assert_eq!(h.flow.step(), Step::SmsCode);
    let new = h.backend.last_sms_code(PHONE).unwrap().to_owned();
    h.ok(Event::EnterSmsCode(new));
    assert_eq!(h.flow.step(), Step::Usage);
}

#[test]
fn a_resent_code_does_not_reset_the_wrong_entry_count() {
    let mut h = at_sms_code();
    let wrong = wrong_code(&h);
    h.err(Event::EnterSmsCode(wrong.clone()), "SMS_CODE");
    h.err(Event::EnterSmsCode(wrong.clone()), "SMS_CODE");
    h.ok(Event::ResendSms);
    let wrong = wrong_code(&h);
    assert_eq!(
        h.err(Event::EnterSmsCode(wrong), "SMS_BLOCKED"),
        Step::Failed
    );
}

#[test]
fn an_unavailable_backend_keeps_the_step_and_retry_resends() {
    let mut h = Harness::new();
    h.walk_to_identifier();
    h.backend.set_unavailable(true);
    assert_eq!(
        h.err(Event::EnterPCode(P_CODE.into()), "BACKEND_UNAVAILABLE"),
        Step::CheckingPCode
    );
    assert_eq!(
        h.err(Event::Retry, "BACKEND_UNAVAILABLE"),
        Step::CheckingPCode
    );
    h.backend.set_unavailable(false);
    h.ok(Event::Retry);
    assert_eq!(h.flow.step(), Step::Mrz);
    h.ok(scan(passport()));
    h.chip_read(report_without_anti_clone(), false);
    h.backend.set_unavailable(true);
    assert_eq!(
        h.err(Event::Face(face_ok()), "BACKEND_UNAVAILABLE"),
        Step::SubmittingEvidence
    );
    h.backend.set_unavailable(false);
    h.ok(Event::Retry);
    assert_eq!(h.flow.step(), Step::UserId);
}

#[test]
fn a_used_nonce_is_refused_and_the_document_part_restarts() {
    let mut h = Harness::new();
    h.walk_to_mrz(false);
    h.scan_passport();
    h.chip_read(report_without_anti_clone(), false);
    let Ok(actions) = h.flow.handle(Event::Face(face_ok())) else {
        panic!()
    };
    let [Action::SubmitEvidence(evidence)] = actions.as_slice() else {
        panic!("{actions:?}")
    };
    let first = idproof_core::flow::Backend::submit_evidence(&mut h.backend, evidence);
    assert!(first.is_ok());
    // The app "did not hear" the answer and submits again: the nonce is spent.
    let second = idproof_core::flow::Backend::submit_evidence(&mut h.backend, evidence);
    assert_eq!(second, Err(BackendError::Nonce));
    let step = h.err(
        Event::Backend(BackendReply::EvidenceSubmitted(second)),
        "NONCE",
    );
    assert_eq!(step, Step::Mrz);
    let actions = h.ok(scan(passport()));
    assert_eq!(actions[0].name(), "read_chip", "a new nonce was issued");
}

#[test]
fn backward_navigation_drops_what_was_entered() {
    let mut h = Harness::new();
    assert_eq!(h.err(Event::Back, "BACK_NOT_ALLOWED"), Step::ChooseMethod);
    h.walk_to_mrz(false);
    h.scan_passport();
    let expected = [
        Step::Mrz,
        Step::Identifier,
        Step::Country,
        Step::DocumentKind,
        Step::AcceptTerms,
        Step::ChooseMethod,
    ];
    for step in expected {
        h.ok(Event::Back);
        assert_eq!(h.flow.step(), step);
    }
    // Walking forward again needs everything again (the CPR was dropped).
    h.ok(Event::ChoosePassportOrIdCard);
    h.ok(Event::AcceptTerms { accepted: true });
    h.ok(Event::ChooseDocumentKind(DocumentKind::Passport));
    h.ok(Event::ChooseCountry("DNK".into()));
    assert_eq!(
        h.err(scan(passport()), "UNEXPECTED_EVENT"),
        Step::Identifier
    );
}

#[test]
fn back_from_the_chip_or_face_step_returns_to_the_mrz_and_keeps_the_nonce() {
    let mut h = Harness::new();
    h.walk_to_mrz(true);
    h.scan_passport();
    h.ok(Event::Back);
    assert_eq!(h.flow.step(), Step::Mrz);
    h.scan_passport();
    h.chip_read(report_without_anti_clone(), false);
    h.ok(Event::Back);
    assert_eq!(h.flow.step(), Step::Mrz);
    // The chip data was dropped: a face result now is out of order.
    assert_eq!(h.err(Event::Face(face_ok()), "UNEXPECTED_EVENT"), Step::Mrz);
    let actions = h.ok(scan(passport()));
    assert_eq!(actions[0].name(), "read_chip", "no second nonce needed");
    h.chip_read(report_without_anti_clone(), false);
    h.face_passes();
    h.credentials();
    assert_eq!(h.err(Event::Back, "BACK_NOT_ALLOWED"), Step::Done);
}

#[test]
fn events_out_of_order_are_refused_without_moving() {
    let mut h = Harness::new();
    for event in [
        Event::EnterCpr(CPR.into()),
        Event::ChooseUsage(Usage::Chip),
        Event::Face(face_ok()),
        Event::Retry,
        Event::Backend(BackendReply::SmsSent(Ok(()))),
    ] {
        assert_eq!(h.err(event, "UNEXPECTED_EVENT"), Step::ChooseMethod);
    }
}

#[test]
fn serialized_state_never_holds_personal_data() {
    for use_p_code in [true, false] {
        let mut h = Harness::new();
        h.walk_to_mrz(use_p_code);
        h.scan_passport();
        h.chip_read(report_fully_passed(), true);
        h.face_passes();
        h.credentials();
        assert!(h.snapshots.len() > 15);
        h.assert_no_personal_data_at_rest();
        // The fields are exactly these; nothing else can sneak in.
        let json: serde_json::Value = serde_json::from_str(&h.snapshots.last().unwrap().1).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "assurance",
                "document_kind",
                "failure",
                "session_id",
                "step",
                "terms_accepted",
                "usage",
                "version"
            ]
        );
    }
}

#[test]
fn debug_output_never_holds_personal_data() {
    let mut h = Harness::new();
    h.walk_to_mrz(true);
    let read = h.scan_passport();
    let mut seen = format!("{:?} {read:?}", h.flow);
    h.chip_read(report_fully_passed(), true);
    let actions = h.flow.handle(Event::Face(face_ok())).unwrap();
    write!(seen, "{actions:?}").unwrap();
    if let [Action::SubmitEvidence(e)] = actions.as_slice() {
        write!(seen, "{e:?} {:?} {:?}", e.applicant, e.mrz).unwrap();
    }
    write!(seen, "{:?}", Event::EnterCpr(CPR.into())).unwrap();
    for secret in &h.secrets {
        assert!(!seen.contains(secret.as_str()), "{secret} in {seen}");
    }
}

#[test]
fn resume_restarts_before_proofing_and_continues_after_it() {
    let mut h = Harness::new();
    h.walk_to_mrz(true);
    h.scan_passport();
    let snapshot = h.flow.snapshot();
    assert_eq!(snapshot.step, Step::Country);
    assert_eq!(snapshot.session_id, None);
    let json = serde_json::to_string(&snapshot).unwrap();
    let resumed = ActivationFlow::resume(serde_json::from_str(&json).unwrap(), config()).unwrap();
    assert_eq!(resumed.step(), Step::Country);

    h.chip_read(report_without_anti_clone(), false);
    h.face_passes();
    h.ok(Event::EnterUserId(USER_ID.into()));
    h.ok(Event::EnterPhone(PHONE.into()));
    let snapshot: FlowSnapshot =
        serde_json::from_str(&serde_json::to_string(&h.flow.snapshot()).unwrap()).unwrap();
    assert_eq!(snapshot.step, Step::Phone);
    assert!(snapshot.session_id.is_some());
    let mut resumed = Harness::new();
    resumed.backend = h.backend;
    resumed.flow = ActivationFlow::resume(snapshot, config()).unwrap();
    resumed.ok(Event::EnterPhone(PHONE.into()));
    let code = resumed.backend.last_sms_code(PHONE).unwrap().to_owned();
    resumed.ok(Event::EnterSmsCode(code));
    let actions = resumed.ok(Event::ChooseUsage(Usage::CodeDisplay));
    let [Action::Completed { usage, assurance }] = actions.as_slice() else {
        panic!("{actions:?}")
    };
    assert_eq!(*usage, Usage::CodeDisplay);
    assert!(assurance.has_reason(Code::AntiCloneMissing));
}

#[test]
fn inconsistent_or_unknown_snapshots_are_refused() {
    let good = ActivationFlow::new(config()).snapshot();
    let mut wrong_version = good.clone();
    wrong_version.version = 2;
    let mut mid_step = good.clone();
    mid_step.step = Step::ReadingChip;
    let mut no_session = good.clone();
    no_session.step = Step::Phone;
    no_session.terms_accepted = true;
    for s in [wrong_version, mid_step, no_session] {
        let e = ActivationFlow::resume(s, config()).unwrap_err();
        assert_eq!(e.code(), Code::Snapshot);
    }
    let extra = r#"{"version":1,"step":"country","terms_accepted":true,"document_kind":"passport","session_id":null,"assurance":null,"usage":null,"failure":null,"cpr":"0707614285"}"#;
    assert!(
        serde_json::from_str::<FlowSnapshot>(extra).is_err(),
        "unknown fields refused"
    );
}

#[test]
fn every_flow_error_has_a_catalogue_message() {
    let mut h = Harness::new();
    h.walk_to_identifier();
    let e = h.send(Event::EnterPCode("1".into())).unwrap_err();
    assert_eq!(e.message(Lang::En), Code::PCodeFormat.message(Lang::En));
    assert!(e.message(Lang::En).contains("8 digits"));
    let config = FlowConfig::new(today());
    assert_eq!(config.max_face_attempts, 3);
    assert!(!config.allow_specimen);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Any spelling of a valid number: the flow sends the SMS to its E.164 form, the backend
    /// keys the code by that form, and the code found under the number *as typed* is the
    /// one that verifies.
    #[test]
    fn any_spelling_of_the_phone_reaches_the_sms_code_and_done(
        (typed, e164) in phone_spellings()
    ) {
        let mut h = Harness::new();
        h.walk_to_mrz(false);
        h.scan_passport();
        h.chip_read(report_fully_passed(), true);
        h.face_passes();
        h.ok(Event::EnterUserId(USER_ID.into()));
        h.ok(Event::EnterPhone(typed.clone()));
        proptest::prop_assert_eq!(h.flow.step(), Step::SmsCode);
        let code = h.backend.last_sms_code(&typed).map(str::to_owned);
        proptest::prop_assert!(code.is_some(), "{:?}", typed);
        proptest::prop_assert_eq!(h.backend.last_sms_code(&e164).map(str::to_owned), code.clone());
        h.ok(Event::EnterSmsCode(code.unwrap_or_default()));
        proptest::prop_assert_eq!(h.flow.step(), Step::Usage);
        h.ok(Event::ChooseUsage(idproof_core::flow::Usage::ThisPhone));
        proptest::prop_assert_eq!(h.flow.step(), Step::Done);
    }
}
