//! The backend boundary: what the flow asks of MitID's servers, as a trait the platform
//! implements (or a Rust caller, with [`perform`]).
//!
//! The flow never calls a [`Backend`]: it emits an [`Action`], the platform performs it (over
//! its own HTTP stack, on its own threads) and feeds the answer back as [`Event::Backend`].
//! [`perform`] is that glue for Rust callers such as the CLI and the tests.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::assurance::{Assurance, AssuranceInput, FaceResult};
use super::messages::{Code, Lang};
use super::validate::{
    AccessMrz, Cpr, DocumentKind, IssuingState, PCode, PhoneNumber, SmsCode, UserId,
};
use super::{Action, Event, MrzSource};
use crate::reader::Document;
use crate::report::Report;

/// An opaque session identifier issued by the backend. Not personal data: it is what the app
/// keeps at rest to resume after the evidence was accepted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionId(pub String);

/// The backend's single-use nonce (8–32 bytes). The active-authentication challenge is its
/// first 8 bytes (ICAO 9303-11 §6.1: INTERNAL AUTHENTICATE takes an 8-byte RND.IFD).
#[derive(Clone, PartialEq, Eq)]
pub struct Nonce(Vec<u8>);

impl Nonce {
    /// A nonce, if it is 8 to 32 bytes long.
    pub fn new(bytes: Vec<u8>) -> Option<Nonce> {
        (8..=32).contains(&bytes.len()).then_some(Nonce(bytes))
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The active-authentication challenge derived from the nonce: its first 8 bytes.
    pub fn aa_challenge(&self) -> Vec<u8> {
        self.0.iter().take(8).copied().collect()
    }
}

impl fmt::Debug for Nonce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nonce({} bytes)", self.0.len())
    }
}

/// A new proofing session: its id and the nonce for the chip read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonceGrant {
    /// The session.
    pub session_id: SessionId,
    /// Single use; the AA challenge.
    pub nonce: Nonce,
}

/// A P code the backend accepts for now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PCodeStatus {
    /// Proofing attempts left with this P code (of 3).
    pub attempts_left: u8,
}

/// The backend's answer to submitted evidence: its own assurance decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionReceipt {
    /// The backend's decision; the app's local one is advisory.
    pub assurance: Assurance,
}

/// Who the applicant is: a CPR number or a P code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applicant {
    /// A person with a Danish CPR number.
    Cpr(Cpr),
    /// A person without one, with a P code from MitID Support.
    PCode(PCode),
}

/// What the app submits after the face step: everything the backend needs to re-verify. This
/// is the in-memory precursor of the evidence bundle v1 (raw bytes kept as read).
#[derive(Clone)]
pub struct Evidence {
    /// The session.
    pub session_id: SessionId,
    /// The nonce the session was issued.
    pub nonce: Nonce,
    /// CPR or P code.
    pub applicant: Applicant,
    /// The chosen document kind.
    pub document_kind: DocumentKind,
    /// The chosen issuing country.
    pub issuing_state: IssuingState,
    /// The MRZ used for access.
    pub mrz: AccessMrz,
    /// Where the MRZ came from.
    pub mrz_source: MrzSource,
    /// The challenge given to the chip read for active authentication.
    pub aa_challenge: Vec<u8>,
    /// The raw files read.
    pub document: Document,
    /// The app-side report (advisory).
    pub report: Report,
    /// The face SDK's result.
    pub face: FaceResult,
}

impl Evidence {
    /// The assurance input as the app sees it. A backend builds its own from re-verification;
    /// the reference backend uses this until passive authentication and the bundle exist.
    pub fn assurance_input(&self) -> AssuranceInput {
        AssuranceInput::from_read(
            &self.report,
            &self.document,
            self.aa_challenge == self.nonce.aa_challenge(),
            Some(self.face),
        )
    }
}

impl fmt::Debug for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Evidence")
            .field("session_id", &self.session_id)
            .finish_non_exhaustive()
    }
}

/// What a backend can refuse. Codes are stable; nothing here carries personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BackendError {
    /// No such P code.
    #[error("unknown P code")]
    PCodeUnknown,
    /// The P code is older than 60 days.
    #[error("P code expired")]
    PCodeExpired,
    /// The P code was used successfully before.
    #[error("P code already used")]
    PCodeUsed,
    /// The P code's 3 attempts are used up.
    #[error("P code attempts used up")]
    PCodeAttempts,
    /// The session or nonce is unknown, expired or used.
    #[error("unknown, expired or used session nonce")]
    Nonce,
    /// The user ID belongs to someone else.
    #[error("user ID taken")]
    UserIdTaken,
    /// The SMS code is wrong.
    #[error("wrong SMS code, {attempts_left} attempt(s) left")]
    SmsCodeWrong {
        /// Wrong entries left before the number is blocked.
        attempts_left: u8,
    },
    /// The SMS code has expired (30 minutes).
    #[error("SMS code expired")]
    SmsCodeExpired,
    /// Too many wrong SMS codes.
    #[error("SMS validation blocked")]
    SmsBlocked,
    /// The backend could not be reached or failed; retrying may help.
    #[error("backend unavailable")]
    Unavailable,
}

impl BackendError {
    /// The stable code.
    pub fn code(&self) -> Code {
        match self {
            BackendError::PCodeUnknown => Code::PCodeUnknown,
            BackendError::PCodeExpired => Code::PCodeExpired,
            BackendError::PCodeUsed => Code::PCodeUsed,
            BackendError::PCodeAttempts => Code::PCodeAttempts,
            BackendError::Nonce => Code::Nonce,
            BackendError::UserIdTaken => Code::UserIdTaken,
            BackendError::SmsCodeWrong { .. } => Code::SmsCode,
            BackendError::SmsCodeExpired => Code::SmsCodeExpired,
            BackendError::SmsBlocked => Code::SmsBlocked,
            BackendError::Unavailable => Code::BackendUnavailable,
        }
    }

    /// The user-facing message.
    pub fn message(&self, lang: Lang) -> &'static str {
        self.code().message(lang)
    }
}

/// MitID's identity-proofing backend, as the flow needs it. The real app implements this over
/// its API (uniffi foreign trait on mobile); `flow::reference::ReferenceBackend` is the
/// embedded implementation for tests and the demo.
pub trait Backend {
    /// Whether a P code exists, is unexpired (60 days), unused and has attempts left.
    fn check_p_code(&mut self, p_code: &PCode) -> Result<PCodeStatus, BackendError>;
    /// A new session id and single-use nonce, just before the chip read.
    fn issue_nonce(&mut self) -> Result<NonceGrant, BackendError>;
    /// Submits the evidence; the backend decides the assurance level. Counts one P-code attempt.
    fn submit_evidence(&mut self, evidence: &Evidence) -> Result<SubmissionReceipt, BackendError>;
    /// Reserves a user ID (unique case-insensitively) for the session.
    fn reserve_user_id(
        &mut self,
        session: &SessionId,
        user_id: &UserId,
    ) -> Result<(), BackendError>;
    /// Sends (or re-sends) an SMS validation code to the phone number.
    fn send_sms(&mut self, session: &SessionId, phone: &PhoneNumber) -> Result<(), BackendError>;
    /// Checks the SMS validation code the person typed.
    fn verify_sms_code(&mut self, session: &SessionId, code: &SmsCode) -> Result<(), BackendError>;
}

/// A backend's answer, fed to the flow as [`Event::Backend`].
#[derive(Debug, Clone)]
pub enum BackendReply {
    /// Answer to [`Action::CheckPCode`].
    PCodeChecked(Result<PCodeStatus, BackendError>),
    /// Answer to [`Action::IssueNonce`].
    NonceIssued(Result<NonceGrant, BackendError>),
    /// Answer to [`Action::SubmitEvidence`].
    EvidenceSubmitted(Result<SubmissionReceipt, BackendError>),
    /// Answer to [`Action::ReserveUserId`].
    UserIdReserved(Result<(), BackendError>),
    /// Answer to [`Action::SendSms`].
    SmsSent(Result<(), BackendError>),
    /// Answer to [`Action::VerifySmsCode`].
    SmsCodeVerified(Result<(), BackendError>),
}

/// Performs a backend action on `backend` and returns the event to feed back; `None` for
/// actions that are not the backend's (chip read, face scan, warnings, completion).
pub fn perform(backend: &mut dyn Backend, action: &Action) -> Option<Event> {
    let reply = match action {
        Action::CheckPCode(p_code) => BackendReply::PCodeChecked(backend.check_p_code(p_code)),
        Action::IssueNonce => BackendReply::NonceIssued(backend.issue_nonce()),
        Action::SubmitEvidence(evidence) => {
            BackendReply::EvidenceSubmitted(backend.submit_evidence(evidence))
        }
        Action::ReserveUserId {
            session_id,
            user_id,
        } => BackendReply::UserIdReserved(backend.reserve_user_id(session_id, user_id)),
        Action::SendSms { session_id, phone } => {
            BackendReply::SmsSent(backend.send_sms(session_id, phone))
        }
        Action::VerifySmsCode { session_id, code } => {
            BackendReply::SmsCodeVerified(backend.verify_sms_code(session_id, code))
        }
        Action::ReadChip { .. }
        | Action::ScanFace { .. }
        | Action::Warn(_)
        | Action::Completed { .. } => return None,
    };
    Some(Event::Backend(reply))
}
