//! The flow's vocabulary: its steps, the events it takes, the actions it emits and its errors.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::assurance::{Assurance, FaceResult};
use super::backend::{BackendError, BackendReply, Evidence, SessionId};
use super::messages::{Code, Lang};
use super::validate::{DocumentKind, PCode, PhoneNumber, SmsCode, UserId, ValidationError};
use crate::error::ErrorCode;
use crate::mrz::MrzKey;
use crate::reader::Document;
use crate::report::Report;

/// Where the flow stands. Steps named `…ing` wait for the platform or the backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Choose the activation method ("Passport/ID card").
    ChooseMethod,
    /// Accept the terms (required) — the privacy policy screen is informational.
    AcceptTerms,
    /// Passport or ID card.
    DocumentKind,
    /// The issuing country.
    Country,
    /// CPR number or P code.
    Identifier,
    /// Waiting for the backend's P-code check.
    CheckingPCode,
    /// Scan or type the MRZ.
    Mrz,
    /// Waiting for the backend's session nonce.
    IssuingNonce,
    /// The platform reads the chip ([`Action::ReadChip`]).
    ReadingChip,
    /// The platform runs the face SDK ([`Action::ScanFace`]).
    Face,
    /// Waiting for the backend to accept the evidence.
    SubmittingEvidence,
    /// Create the user ID.
    UserId,
    /// Waiting for the backend to reserve the user ID.
    ReservingUserId,
    /// Enter the phone number.
    Phone,
    /// Waiting for the backend to send the SMS.
    SendingSms,
    /// Enter the SMS validation code.
    SmsCode,
    /// Waiting for the backend to verify the SMS code.
    VerifyingSmsCode,
    /// Choose how to use MitID.
    Usage,
    /// Finished; see [`super::ActivationFlow::assurance`].
    Done,
    /// Ended without activation; see [`super::ActivationFlow::failure`].
    Failed,
}

/// Where the MRZ came from (for the evidence bundle).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MrzSource {
    /// The camera's OCR.
    Camera,
    /// Typed by the person (all lines, or the three key fields).
    Manual,
}

/// How the person will use MitID (the last choice of the flow, mitid-flow.md §1 step 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Usage {
    /// The MitID app on this phone (temporary PIN by SMS, then a personal PIN).
    ThisPhone,
    /// The MitID app on another phone or tablet.
    AnotherDevice,
    /// A code display.
    CodeDisplay,
    /// An audio code reader.
    AudioCodeReader,
    /// A MitID chip.
    Chip,
}

/// An input to the flow.
pub enum Event {
    /// The person chose "Passport/ID card".
    ChoosePassportOrIdCard,
    /// The person answered the terms screen.
    AcceptTerms {
        /// Whether the terms were accepted.
        accepted: bool,
    },
    /// Passport or ID card.
    ChooseDocumentKind(DocumentKind),
    /// The issuing country, as an ICAO code (`D`, `DNK`, …).
    ChooseCountry(String),
    /// A CPR number was typed.
    EnterCpr(String),
    /// A P code was typed.
    EnterPCode(String),
    /// A whole MRZ, from the camera or typed line by line.
    ScanMrz {
        /// The lines, joined or separated by whitespace.
        text: String,
        /// Camera or manual.
        source: MrzSource,
    },
    /// The three key fields typed by hand.
    EnterMrzFields {
        /// The document number.
        document_number: String,
        /// Date of birth `YYMMDD`.
        birth_date: String,
        /// Date of expiry `YYMMDD`.
        expiry_date: String,
    },
    /// The platform finished the chip read: the core's read result and its report.
    ChipRead {
        /// The files read.
        document: Box<Document>,
        /// `verify_read`'s report (or a later, fuller verification).
        report: Box<Report>,
    },
    /// The chip read failed with this core error code.
    ChipReadFailed(ErrorCode),
    /// The platform's face SDK result.
    Face(FaceResult),
    /// The user ID was typed.
    EnterUserId(String),
    /// The phone number was typed.
    EnterPhone(String),
    /// The person asks for a new SMS code.
    ResendSms,
    /// The SMS code was typed.
    EnterSmsCode(String),
    /// The usage choice.
    ChooseUsage(Usage),
    /// The person pressed "Back".
    Back,
    /// Re-emit the current step's platform or backend action (after a refused chip read, a
    /// failed face scan or an unavailable backend).
    Retry,
    /// A backend answer.
    Backend(BackendReply),
}

impl Event {
    /// The event's name, for errors and logs (events carry personal data; names do not).
    pub fn name(&self) -> &'static str {
        match self {
            Event::ChoosePassportOrIdCard => "choose_passport_or_id_card",
            Event::AcceptTerms { .. } => "accept_terms",
            Event::ChooseDocumentKind(_) => "choose_document_kind",
            Event::ChooseCountry(_) => "choose_country",
            Event::EnterCpr(_) => "enter_cpr",
            Event::EnterPCode(_) => "enter_p_code",
            Event::ScanMrz { .. } => "scan_mrz",
            Event::EnterMrzFields { .. } => "enter_mrz_fields",
            Event::ChipRead { .. } => "chip_read",
            Event::ChipReadFailed(_) => "chip_read_failed",
            Event::Face(_) => "face",
            Event::EnterUserId(_) => "enter_user_id",
            Event::EnterPhone(_) => "enter_phone",
            Event::ResendSms => "resend_sms",
            Event::EnterSmsCode(_) => "enter_sms_code",
            Event::ChooseUsage(_) => "choose_usage",
            Event::Back => "back",
            Event::Retry => "retry",
            Event::Backend(BackendReply::PCodeChecked(_)) => "backend.p_code_checked",
            Event::Backend(BackendReply::NonceIssued(_)) => "backend.nonce_issued",
            Event::Backend(BackendReply::EvidenceSubmitted(_)) => "backend.evidence_submitted",
            Event::Backend(BackendReply::UserIdReserved(_)) => "backend.user_id_reserved",
            Event::Backend(BackendReply::SmsSent(_)) => "backend.sms_sent",
            Event::Backend(BackendReply::SmsCodeVerified(_)) => "backend.sms_code_verified",
        }
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Event::{}", self.name())
    }
}

/// What the platform must do next.
pub enum Action {
    /// Backend: check the P code ([`super::Backend::check_p_code`]).
    CheckPCode(PCode),
    /// Backend: issue a session and nonce ([`super::Backend::issue_nonce`]).
    IssueNonce,
    /// Platform: read the chip with a [`crate::reader::ReadSession`] opened with `access_key`,
    /// using `challenge` (the backend nonce's first 8 bytes) for active authentication, then
    /// send [`Event::ChipRead`] or [`Event::ChipReadFailed`].
    ReadChip {
        /// The BAC/PACE key from the MRZ.
        access_key: MrzKey,
        /// The active-authentication challenge.
        challenge: Vec<u8>,
    },
    /// Platform: run the face SDK (liveness + 1:1 match against the DG2 face) and send
    /// [`Event::Face`].
    ScanFace {
        /// The raw DG2 file, when it was read.
        dg2: Option<Vec<u8>>,
    },
    /// Backend: submit the evidence ([`super::Backend::submit_evidence`]).
    SubmitEvidence(Box<Evidence>),
    /// Backend: reserve the user ID ([`super::Backend::reserve_user_id`]).
    ReserveUserId {
        /// The session.
        session_id: SessionId,
        /// The case-folded user ID.
        user_id: UserId,
    },
    /// Backend: send an SMS code ([`super::Backend::send_sms`]).
    SendSms {
        /// The session.
        session_id: SessionId,
        /// The number.
        phone: PhoneNumber,
    },
    /// Backend: verify the SMS code ([`super::Backend::verify_sms_code`]).
    VerifySmsCode {
        /// The session.
        session_id: SessionId,
        /// The typed code.
        code: SmsCode,
    },
    /// Platform: show a non-blocking warning (e.g. `CPR_MODULUS11`); the flow has moved on.
    Warn(Code),
    /// Platform: the flow is done; continue with the chosen usage. The flow has dropped every
    /// piece of personal data it held.
    Completed {
        /// The chosen usage.
        usage: Usage,
        /// The backend's assurance decision.
        assurance: Assurance,
    },
}

impl Action {
    /// The action's name, for logs and tests.
    pub fn name(&self) -> &'static str {
        match self {
            Action::CheckPCode(_) => "check_p_code",
            Action::IssueNonce => "issue_nonce",
            Action::ReadChip { .. } => "read_chip",
            Action::ScanFace { .. } => "scan_face",
            Action::SubmitEvidence(_) => "submit_evidence",
            Action::ReserveUserId { .. } => "reserve_user_id",
            Action::SendSms { .. } => "send_sms",
            Action::VerifySmsCode { .. } => "verify_sms_code",
            Action::Warn(_) => "warn",
            Action::Completed { .. } => "completed",
        }
    }
}

impl fmt::Debug for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Warn(code) => write!(f, "Action::warn({code})"),
            _ => write!(f, "Action::{}", self.name()),
        }
    }
}

/// Why an event was refused. Every variant has a stable code and a catalogue message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FlowError {
    /// The input did not validate.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The backend refused.
    #[error(transparent)]
    Backend(#[from] BackendError),
    /// The terms were not accepted.
    #[error("the terms must be accepted")]
    TermsRequired,
    /// The chip read failed, or what it read does not fit.
    #[error("chip read: {code}")]
    Chip {
        /// `ACCESS_DENIED`, `TAG_LOST`, `CHIP_READ`, `DG1_MISSING`, or `ANTI_CLONE_FAILED`
        /// when the read itself proved a clone (Chip Authentication failed; the flow ends).
        code: Code,
    },
    /// The face scan did not pass.
    #[error("face scan: {code}")]
    Face {
        /// `FACE_LIVENESS`, `FACE_MATCH` or `FACE_ATTEMPTS`.
        code: Code,
    },
    /// The current step does not take this event (a bug in the caller).
    #[error("step {step:?} does not take event {event}")]
    UnexpectedEvent {
        /// The current step.
        step: Step,
        /// The event's name.
        event: &'static str,
    },
    /// "Back" is not possible here.
    #[error("cannot go back from step {step:?}")]
    BackNotAllowed {
        /// The current step.
        step: Step,
    },
    /// A snapshot could not be restored.
    #[error("snapshot cannot be restored: {detail}")]
    Snapshot {
        /// What is wrong.
        detail: &'static str,
    },
}

impl FlowError {
    /// The stable code.
    pub fn code(&self) -> Code {
        match self {
            FlowError::Invalid(e) => e.code(),
            FlowError::Backend(e) => e.code(),
            FlowError::TermsRequired => Code::TermsRequired,
            FlowError::Chip { code } | FlowError::Face { code } => *code,
            FlowError::UnexpectedEvent { .. } => Code::UnexpectedEvent,
            FlowError::BackNotAllowed { .. } => Code::BackNotAllowed,
            FlowError::Snapshot { .. } => Code::Snapshot,
        }
    }

    /// The user-facing message.
    pub fn message(&self, lang: Lang) -> &'static str {
        self.code().message(lang)
    }
}
