//! Helpers shared by the activation-flow tests: MRZ and DG1 builders, stub documents and
//! reports, and a driver that performs backend actions on the reference backend.
#![allow(dead_code)]

use std::collections::BTreeMap;

use idproof_core::flow::reference::ReferenceBackend;
use idproof_core::flow::{
    Action, ActivationFlow, Date, Event, FaceResult, FlowConfig, FlowError, Outcome, Step, perform,
};
use idproof_core::lds::{DataGroup, LdsFile};
use idproof_core::mrz::check_digit;
use idproof_core::reader::{AccessInfo, ChipEvidence, Document, ReadStats};
use idproof_core::report::{Check, CheckName, Report};
use proptest::prelude::*;

/// The date the tests run "on".
pub fn today() -> Date {
    Date::new(2026, 11, 30).unwrap()
}

pub fn config() -> FlowConfig {
    FlowConfig::new(today())
}

fn cd(data: &str) -> char {
    char::from(b'0' + check_digit(data).unwrap())
}

fn pad(s: &str, len: usize) -> String {
    format!("{s:<<len$}")
}

/// A TD3 (passport) MRZ with correct check digits.
pub fn td3(issuer: &str, name: &str, number: &str, birth: &str, expiry: &str) -> String {
    let l1 = format!("P<{}{}", pad(issuer, 3), pad(name, 39));
    let num = pad(number, 9);
    let personal = pad("", 14);
    let a = format!("{num}{}", cd(&num));
    let b = format!("{birth}{}", cd(birth));
    let c = format!("{expiry}{}", cd(expiry));
    let d = format!("{personal}{}", cd(&personal));
    let composite = cd(&format!("{a}{b}{c}{d}"));
    let l2 = format!("{a}{}{b}F{c}{d}{composite}", pad(issuer, 3));
    assert_eq!((l1.len(), l2.len()), (44, 44));
    format!("{l1}\n{l2}")
}

/// A TD1 (ID card) MRZ with correct check digits.
pub fn td1(
    code: &str,
    issuer: &str,
    name: &str,
    number: &str,
    birth: &str,
    expiry: &str,
) -> String {
    let num = pad(number, 9);
    let l1 = format!(
        "{}{}{num}{}{}",
        pad(code, 2),
        pad(issuer, 3),
        cd(&num),
        pad("", 15)
    );
    let head = format!(
        "{birth}{}F{expiry}{}{}{}",
        cd(birth),
        cd(expiry),
        pad(issuer, 3),
        pad("", 11)
    );
    let composite_data = format!(
        "{}{}{}{}",
        &l1[5..30],
        &head[0..7],
        &head[8..15],
        &head[18..29]
    );
    let l2 = format!("{head}{}", cd(&composite_data));
    let l3 = pad(name, 30);
    assert_eq!((l1.len(), l2.len(), l3.len()), (30, 30, 30));
    format!("{l1}\n{l2}\n{l3}")
}

/// The passport used by most tests (ICAO specimen names, Danish issuer, valid until 2031).
pub const NAME: &str = "OEDEGAARD<<SOEREN<AAGE";
pub const DOC_NO: &str = "L898902C3";
pub const BIRTH: &str = "740812";
pub const EXPIRY: &str = "310415";

pub fn passport() -> String {
    td3("DNK", NAME, DOC_NO, BIRTH, EXPIRY)
}

/// DG1 (`61` { `5F1F` MRZ }) for an MRZ given with or without line breaks.
pub fn dg1(mrz: &str) -> Vec<u8> {
    let text: String = mrz.split_whitespace().collect();
    let mut inner = vec![0x5F, 0x1F, u8::try_from(text.len()).unwrap()];
    inner.extend_from_slice(text.as_bytes());
    let mut out = vec![0x61, u8::try_from(inner.len()).unwrap()];
    out.extend(inner);
    out
}

/// A read document holding DG1 for `mrz`, a DG2 stand-in and, with `dg15`, a DG15 stand-in.
pub fn document(mrz: &str, dg15: bool) -> Document {
    let mut files = BTreeMap::new();
    files.insert(LdsFile::Dg(DataGroup::DG1), dg1(mrz));
    files.insert(LdsFile::Dg(DataGroup::DG2), vec![0x75, 0x02, 0xAA, 0xBB]);
    if dg15 {
        files.insert(LdsFile::Dg(DataGroup::DG15), vec![0x6F, 0x01, 0x00]);
    }
    Document {
        files,
        absent: vec![],
        refused: vec![],
        access: AccessInfo::bac(),
        chip: ChipEvidence::default(),
        stats: ReadStats::default(),
        active_authentication: None,
    }
}

const PA_CHECKS: [CheckName; 7] = [
    CheckName::SodSignature,
    CheckName::DscChain,
    CheckName::Revocation,
    CheckName::DgHashes,
    CheckName::ComConsistency,
    CheckName::Mrz,
    CheckName::Dg1MrzMatch,
];

/// Every check passed except the anti-clone ones, which were not performed (today's core).
pub fn report_without_anti_clone() -> Report {
    let mut checks: Vec<Check> = PA_CHECKS.iter().map(|n| Check::passed(*n)).collect();
    checks.push(Check::not_performed(
        CheckName::ChipAuthentication,
        "no DG14",
    ));
    checks.push(Check::not_performed(
        CheckName::ActiveAuthentication,
        "not implemented yet",
    ));
    Report::from_checks(checks)
}

/// Every check passed, active authentication included (a synthetic, fully passed read).
pub fn report_fully_passed() -> Report {
    let mut checks: Vec<Check> = PA_CHECKS.iter().map(|n| Check::passed(*n)).collect();
    checks.push(Check::not_performed(
        CheckName::ChipAuthentication,
        "no DG14",
    ));
    checks.push(Check::passed(CheckName::ActiveAuthentication));
    Report::from_checks(checks)
}

pub fn face_ok() -> FaceResult {
    FaceResult {
        liveness: Outcome::Passed,
        face_match: Outcome::Passed,
    }
}

/// A flow, a reference backend, and the personal values the test typed (to look for leaks).
pub struct Harness {
    pub flow: ActivationFlow,
    pub backend: ReferenceBackend,
    /// Every personal value fed in; no snapshot or `Debug` output may contain one.
    pub secrets: Vec<String>,
    /// Snapshots (JSON) taken after every event.
    pub snapshots: Vec<(Step, String)>,
}

pub const P_CODE: &str = "12345678";
pub const CPR: &str = "070761-4285";
pub const USER_ID: &str = "Søren!Always:o)";
pub const PHONE: &str = "+4512345678";

impl Harness {
    pub fn new() -> Self {
        Self::with_config(config())
    }

    pub fn with_config(config: FlowConfig) -> Self {
        let mut backend = ReferenceBackend::trusting_app_report(7);
        backend.add_p_code(P_CODE);
        Self {
            flow: ActivationFlow::new(config),
            backend,
            secrets: vec![
                P_CODE.into(),
                CPR.into(),
                CPR.replace('-', ""),
                "0707614285".into(),
                "OEDEGAARD".into(),
                "SOEREN".into(),
                "Søren".into(),
                "søren".into(),
                DOC_NO.into(),
                "L898902C".into(),
                "740812".into(),
                "310415".into(),
                "12345678".into(),
                "always".into(),
                PHONE.into(),
                "DNK".into(),
            ],
            snapshots: Vec::new(),
        }
    }

    /// Feeds `event`, performs every backend action on the reference backend (feeding the
    /// replies back), and returns the other actions, or the first error.
    pub fn send(&mut self, event: Event) -> Result<Vec<Action>, FlowError> {
        let mut queue = vec![event];
        let mut out = Vec::new();
        while let Some(event) = queue.pop() {
            let actions = self.flow.handle(event);
            self.record_snapshot();
            for action in actions? {
                match perform(&mut self.backend, &action) {
                    Some(reply) => queue.push(reply),
                    None => out.push(action),
                }
            }
        }
        Ok(out)
    }

    /// `send`, expecting success.
    pub fn ok(&mut self, event: Event) -> Vec<Action> {
        let step = self.flow.step();
        self.send(event)
            .unwrap_or_else(|e| panic!("at {step:?}: {e} ({})", e.code()))
    }

    /// `send`, expecting an error with `code`; returns the step afterwards.
    pub fn err(&mut self, event: Event, code: &str) -> Step {
        let step = self.flow.step();
        match self.send(event) {
            Ok(actions) => panic!("at {step:?}: expected {code}, got {actions:?}"),
            Err(e) => assert_eq!(e.code().as_str(), code, "at {step:?}: {e}"),
        }
        self.flow.step()
    }

    fn record_snapshot(&mut self) {
        let json = serde_json::to_string(&self.flow.snapshot()).unwrap();
        self.snapshots.push((self.flow.step(), json));
    }

    /// Drives the flow to `Step::Mrz` with a P code (or a CPR) and the given kind and country.
    pub fn walk_to_mrz(&mut self, use_p_code: bool) {
        self.ok(Event::ChoosePassportOrIdCard);
        self.ok(Event::AcceptTerms { accepted: true });
        self.ok(Event::ChooseDocumentKind(
            idproof_core::flow::DocumentKind::Passport,
        ));
        self.ok(Event::ChooseCountry("DNK".into()));
        if use_p_code {
            self.ok(Event::EnterPCode(P_CODE.into()));
        } else {
            self.ok(Event::EnterCpr(CPR.into()));
        }
        assert_eq!(self.flow.step(), Step::Mrz);
    }

    /// From `Step::Mrz`: scans the standard passport; returns the `ReadChip` action.
    pub fn scan_passport(&mut self) -> Action {
        let mut actions = self.ok(Event::ScanMrz {
            text: passport(),
            source: idproof_core::flow::MrzSource::Camera,
        });
        assert_eq!(self.flow.step(), Step::ReadingChip);
        assert_eq!(actions.len(), 1);
        actions.remove(0)
    }

    /// From `Step::ReadingChip`: delivers a read of the standard passport with `report`.
    pub fn chip_read(&mut self, report: Report, dg15: bool) {
        let actions = self.ok(Event::ChipRead {
            document: Box::new(document(&passport(), dg15)),
            report: Box::new(report),
        });
        assert_eq!(self.flow.step(), Step::Face);
        assert_eq!(actions.len(), 1, "{actions:?}");
        assert_eq!(actions[0].name(), "scan_face");
    }

    /// From `Step::Face`: passes the face scan; the evidence is submitted and accepted.
    pub fn face_passes(&mut self) {
        self.ok(Event::Face(face_ok()));
        assert_eq!(self.flow.step(), Step::UserId);
    }

    /// From `Step::UserId` to `Step::Done`.
    pub fn credentials(&mut self) {
        self.ok(Event::EnterUserId(USER_ID.into()));
        assert_eq!(self.flow.step(), Step::Phone);
        self.ok(Event::EnterPhone(PHONE.into()));
        assert_eq!(self.flow.step(), Step::SmsCode);
        let code = self.backend.last_sms_code(PHONE).unwrap().to_owned();
        self.ok(Event::EnterSmsCode(code));
        assert_eq!(self.flow.step(), Step::Usage);
        let actions = self.ok(Event::ChooseUsage(idproof_core::flow::Usage::ThisPhone));
        assert_eq!(self.flow.step(), Step::Done);
        assert_eq!(actions.len(), 1);
        assert_eq!(actions[0].name(), "completed");
    }

    /// Asserts no snapshot taken so far contains a personal value.
    pub fn assert_no_personal_data_at_rest(&self) {
        for (step, json) in &self.snapshots {
            for secret in &self.secrets {
                assert!(
                    !json.to_lowercase().contains(&secret.to_lowercase()),
                    "snapshot at {step:?} contains {secret:?}: {json}"
                );
            }
        }
    }
}

// ---- Phone spellings (property tests) -----------------------------------------------------

/// A valid E.164 number's digits: a country code not starting with 0, 8 to 15 digits in
/// all, and (for `+45`) exactly 8 national digits.
pub fn e164_digits() -> impl Strategy<Value = String> {
    let danish = proptest::string::string_regex("45[0-9]{8}").unwrap();
    let other = proptest::string::string_regex("[1-9][0-9]{7,14}")
        .unwrap()
        .prop_filter("+45 has 8 national digits", |d| {
            !d.starts_with("45") || d.len() == 10
        });
    prop_oneof![danish, other]
}

/// `digits` as someone might type it: `+`, `00` or (Danish numbers not starting with 0) no
/// prefix, with
/// separators between any digits.
pub fn typed_variant(digits: String) -> impl Strategy<Value = (String, String)> {
    let prefixes: Vec<&'static str> = if digits.starts_with("45") && !digits[2..].starts_with('0') {
        vec!["+", "00", "(+", "national"]
    } else {
        vec!["+", "00", "(+"]
    };
    let separators = proptest::collection::vec(
        proptest::sample::select(vec!["", "", " ", "-", ".", "/", "\u{a0}", " (", ") "]),
        digits.len(),
    );
    (proptest::sample::select(prefixes), separators).prop_map(move |(prefix, seps)| {
        let shown = match prefix {
            "national" => digits.get(2..).unwrap_or_default().to_owned(),
            _ => digits.clone(),
        };
        let mut typed = String::from(match prefix {
            "national" => "",
            other => other,
        });
        for (c, sep) in shown.chars().zip(seps) {
            typed.push(c);
            typed.push_str(sep);
        }
        if prefix == "(+" {
            typed.push(')');
        }
        (typed, format!("+{digits}"))
    })
}

/// A valid number as someone might type it, and its E.164 form.
pub fn phone_spellings() -> impl Strategy<Value = (String, String)> {
    e164_digits().prop_flat_map(typed_variant)
}
