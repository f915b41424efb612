//! The flow's vocabulary across the FFI: steps, events in, actions out, backend answers.
//!
//! Each mirrors `idproof_core::flow`'s type. Two things differ because of the boundary:
//! - a backend answer is `BackendReply`: one variant per success, and `Failed { request, error }`
//!   for every refusal (uniffi has no `Result` inside a value);
//! - the chip read comes in as the FFI's `Document` record and the `VerificationReport` the app
//!   got from `verify`; both convert back to the core's losslessly (the report's verdict is
//!   derived again from its checks).
//!
//! Actions carry what the app's backend needs as strings (P code, user ID, phone, SMS code): the
//! app typed them and now sends them; the flow has validated them.

use std::sync::Arc;

use idproof_core::ErrorCode;
use idproof_core::flow::{self, Action, Event, Step, validate};

use super::evidence::Evidence;
use super::types::{Assurance, DocumentKind, FaceResult, FlowMessage, MrzSource, Usage};
use crate::document::Document;
use crate::error::IdProofError;
use crate::session::AccessKey;
use crate::verify::VerificationReport;

/// Where the flow stands (`flow::Step`). Steps named `…ing` wait for the platform or backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FlowStep {
    /// Choose the activation method ("Passport/ID card").
    ChooseMethod,
    /// Accept the terms (required).
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
    /// The platform reads the chip (`FlowAction.ReadChip`).
    ReadingChip,
    /// The platform runs the face SDK (`FlowAction.ScanFace`).
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
    /// Finished: see `ActivationFlow.assurance()`.
    Done,
    /// Ended without activation: see `ActivationFlow.failure()`.
    Failed,
}

impl From<Step> for FlowStep {
    fn from(s: Step) -> Self {
        match s {
            Step::ChooseMethod => FlowStep::ChooseMethod,
            Step::AcceptTerms => FlowStep::AcceptTerms,
            Step::DocumentKind => FlowStep::DocumentKind,
            Step::Country => FlowStep::Country,
            Step::Identifier => FlowStep::Identifier,
            Step::CheckingPCode => FlowStep::CheckingPCode,
            Step::Mrz => FlowStep::Mrz,
            Step::IssuingNonce => FlowStep::IssuingNonce,
            Step::ReadingChip => FlowStep::ReadingChip,
            Step::Face => FlowStep::Face,
            Step::SubmittingEvidence => FlowStep::SubmittingEvidence,
            Step::UserId => FlowStep::UserId,
            Step::ReservingUserId => FlowStep::ReservingUserId,
            Step::Phone => FlowStep::Phone,
            Step::SendingSms => FlowStep::SendingSms,
            Step::SmsCode => FlowStep::SmsCode,
            Step::VerifyingSmsCode => FlowStep::VerifyingSmsCode,
            Step::Usage => FlowStep::Usage,
            Step::Done => FlowStep::Done,
            Step::Failed => FlowStep::Failed,
        }
    }
}

/// Which backend call an answer belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum BackendRequest {
    /// `FlowAction.CheckPCode`.
    CheckPCode,
    /// `FlowAction.IssueNonce`.
    IssueNonce,
    /// `FlowAction.SubmitEvidence`.
    SubmitEvidence,
    /// `FlowAction.ReserveUserId`.
    ReserveUserId,
    /// `FlowAction.SendSms`.
    SendSms,
    /// `FlowAction.VerifySmsCode`.
    VerifySmsCode,
}

/// What a backend can refuse (`flow::BackendError`); the flow turns each into its stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum BackendError {
    /// No such P code (`P_CODE_UNKNOWN`).
    PCodeUnknown,
    /// The P code is older than 60 days (`P_CODE_EXPIRED`).
    PCodeExpired,
    /// The P code was used successfully before (`P_CODE_USED`).
    PCodeUsed,
    /// The P code's attempts are used up (`P_CODE_ATTEMPTS`).
    PCodeAttempts,
    /// The session or nonce is unknown, expired or used (`NONCE`).
    Nonce,
    /// The user ID belongs to someone else (`USER_ID_TAKEN`).
    UserIdTaken,
    /// The SMS code is wrong (`SMS_CODE`).
    SmsCodeWrong {
        /// Wrong entries left before the number is blocked.
        attempts_left: u8,
    },
    /// The SMS code has expired (`SMS_CODE_EXPIRED`).
    SmsCodeExpired,
    /// Too many wrong SMS codes (`SMS_BLOCKED`).
    SmsBlocked,
    /// The backend could not be reached or failed (`BACKEND_UNAVAILABLE`); `Retry` re-sends.
    Unavailable,
}

impl From<BackendError> for flow::BackendError {
    fn from(e: BackendError) -> Self {
        match e {
            BackendError::PCodeUnknown => flow::BackendError::PCodeUnknown,
            BackendError::PCodeExpired => flow::BackendError::PCodeExpired,
            BackendError::PCodeUsed => flow::BackendError::PCodeUsed,
            BackendError::PCodeAttempts => flow::BackendError::PCodeAttempts,
            BackendError::Nonce => flow::BackendError::Nonce,
            BackendError::UserIdTaken => flow::BackendError::UserIdTaken,
            BackendError::SmsCodeWrong { attempts_left } => {
                flow::BackendError::SmsCodeWrong { attempts_left }
            }
            BackendError::SmsCodeExpired => flow::BackendError::SmsCodeExpired,
            BackendError::SmsBlocked => flow::BackendError::SmsBlocked,
            BackendError::Unavailable => flow::BackendError::Unavailable,
        }
    }
}

impl From<flow::BackendError> for BackendError {
    fn from(e: flow::BackendError) -> Self {
        match e {
            flow::BackendError::PCodeUnknown => BackendError::PCodeUnknown,
            flow::BackendError::PCodeExpired => BackendError::PCodeExpired,
            flow::BackendError::PCodeUsed => BackendError::PCodeUsed,
            flow::BackendError::PCodeAttempts => BackendError::PCodeAttempts,
            flow::BackendError::Nonce => BackendError::Nonce,
            flow::BackendError::UserIdTaken => BackendError::UserIdTaken,
            flow::BackendError::SmsCodeWrong { attempts_left } => {
                BackendError::SmsCodeWrong { attempts_left }
            }
            flow::BackendError::SmsCodeExpired => BackendError::SmsCodeExpired,
            flow::BackendError::SmsBlocked => BackendError::SmsBlocked,
            // `Unavailable`, and any refusal a later core adds: the flow then stays in its
            // waiting step and `Retry` re-sends, which is safe for every request.
            _ => BackendError::Unavailable,
        }
    }
}

/// A backend's answer to a backend action (`flow::BackendReply`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum BackendReply {
    /// The P code is accepted for now.
    PCodeChecked {
        /// Proofing attempts left with it (of 3).
        attempts_left: u8,
    },
    /// A new session and its single-use nonce (8–32 bytes).
    NonceIssued {
        /// The session.
        session_id: String,
        /// The nonce; its first 8 bytes are the Active Authentication challenge.
        nonce: Vec<u8>,
    },
    /// The evidence was accepted; the backend's decision.
    EvidenceSubmitted {
        /// The backend's decision (the app's own is advisory).
        assurance: Assurance,
    },
    /// The user ID is reserved for the session.
    UserIdReserved,
    /// The SMS was sent.
    SmsSent,
    /// The SMS code is right.
    SmsCodeVerified,
    /// The backend refused `request`.
    Failed {
        /// The refused call.
        request: BackendRequest,
        /// Why.
        error: BackendError,
    },
}

impl BackendReply {
    pub(crate) fn into_core(self) -> Result<flow::BackendReply, IdProofError> {
        use flow::BackendReply as R;
        Ok(match self {
            BackendReply::PCodeChecked { attempts_left } => {
                R::PCodeChecked(Ok(flow::PCodeStatus { attempts_left }))
            }
            BackendReply::NonceIssued { session_id, nonce } => {
                let nonce = flow::Nonce::new(nonce)
                    .ok_or_else(|| IdProofError::usage("a nonce is 8 to 32 bytes"))?;
                R::NonceIssued(Ok(flow::NonceGrant {
                    session_id: flow::SessionId(session_id),
                    nonce,
                }))
            }
            BackendReply::EvidenceSubmitted { assurance } => {
                R::EvidenceSubmitted(Ok(flow::SubmissionReceipt {
                    assurance: assurance.try_into()?,
                }))
            }
            BackendReply::UserIdReserved => R::UserIdReserved(Ok(())),
            BackendReply::SmsSent => R::SmsSent(Ok(())),
            BackendReply::SmsCodeVerified => R::SmsCodeVerified(Ok(())),
            BackendReply::Failed { request, error } => {
                let e = flow::BackendError::from(error);
                match request {
                    BackendRequest::CheckPCode => R::PCodeChecked(Err(e)),
                    BackendRequest::IssueNonce => R::NonceIssued(Err(e)),
                    BackendRequest::SubmitEvidence => R::EvidenceSubmitted(Err(e)),
                    BackendRequest::ReserveUserId => R::UserIdReserved(Err(e)),
                    BackendRequest::SendSms => R::SmsSent(Err(e)),
                    BackendRequest::VerifySmsCode => R::SmsCodeVerified(Err(e)),
                }
            }
        })
    }

    /// The FFI answer of a core one (the reference backend's).
    #[cfg_attr(not(feature = "simulator"), allow(dead_code))]
    pub(crate) fn from_core(reply: flow::BackendReply) -> Self {
        use flow::BackendReply as R;
        let failed = |request, e: flow::BackendError| BackendReply::Failed {
            request,
            error: e.into(),
        };
        match reply {
            R::PCodeChecked(Ok(s)) => BackendReply::PCodeChecked {
                attempts_left: s.attempts_left,
            },
            R::NonceIssued(Ok(grant)) => BackendReply::NonceIssued {
                session_id: grant.session_id.0,
                nonce: grant.nonce.as_bytes().to_vec(),
            },
            R::EvidenceSubmitted(Ok(receipt)) => BackendReply::EvidenceSubmitted {
                assurance: receipt.assurance.into(),
            },
            R::UserIdReserved(Ok(())) => BackendReply::UserIdReserved,
            R::SmsSent(Ok(())) => BackendReply::SmsSent,
            R::SmsCodeVerified(Ok(())) => BackendReply::SmsCodeVerified,
            R::PCodeChecked(Err(e)) => failed(BackendRequest::CheckPCode, e),
            R::NonceIssued(Err(e)) => failed(BackendRequest::IssueNonce, e),
            R::EvidenceSubmitted(Err(e)) => failed(BackendRequest::SubmitEvidence, e),
            R::UserIdReserved(Err(e)) => failed(BackendRequest::ReserveUserId, e),
            R::SmsSent(Err(e)) => failed(BackendRequest::SendSms, e),
            R::SmsCodeVerified(Err(e)) => failed(BackendRequest::VerifySmsCode, e),
        }
    }
}

/// An input to the flow (`flow::Event`).
// `ChipRead` is large, but an event crosses the FFI serialized whole: boxing buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq, Eq, uniffi::Enum)]
pub enum FlowEvent {
    /// The person chose "Passport/ID card".
    ChoosePassportOrIdCard,
    /// The person answered the terms screen.
    AcceptTerms {
        /// Whether the terms were accepted.
        accepted: bool,
    },
    /// Passport or ID card.
    ChooseDocumentKind {
        /// The kind.
        kind: DocumentKind,
    },
    /// The issuing country, as an ICAO code (`D`, `DNK`, …).
    ChooseCountry {
        /// The code.
        code: String,
    },
    /// A CPR number was typed.
    EnterCpr {
        /// As typed.
        cpr: String,
    },
    /// A P code was typed.
    EnterPCode {
        /// As typed.
        p_code: String,
    },
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
    /// The platform finished the chip read of `FlowAction.ReadChip`.
    ChipRead {
        /// The document `ReadSession` returned.
        document: Document,
        /// `verify(document, trustStore, now, accessMrz)` (or `verify_read`) of it.
        report: VerificationReport,
    },
    /// The chip read failed with this code (`IdProofError`'s: `ACCESS_DENIED` sends the flow
    /// back to the MRZ, `TAG_LOST` and any other code wait for `Retry`).
    ChipReadFailed {
        /// The stable code of the read's error.
        code: String,
    },
    /// The face SDK's result.
    Face {
        /// Liveness and match.
        result: FaceResult,
    },
    /// The user ID was typed.
    EnterUserId {
        /// As typed.
        user_id: String,
    },
    /// The phone number was typed.
    EnterPhone {
        /// As typed.
        phone: String,
    },
    /// The person asks for a new SMS code.
    ResendSms,
    /// The SMS code was typed.
    EnterSmsCode {
        /// As typed.
        code: String,
    },
    /// The usage choice.
    ChooseUsage {
        /// The choice.
        usage: Usage,
    },
    /// The person pressed "Back".
    Back,
    /// Re-emit the current step's platform or backend action.
    Retry,
    /// A backend answer.
    Backend {
        /// The answer.
        reply: BackendReply,
    },
}

impl FlowEvent {
    /// The core event. Throws `USAGE` for a document or report that does not convert back
    /// (a file name that is no LDS file, an unknown check name) or a nonce of the wrong size.
    pub(crate) fn into_core(self) -> Result<Event, IdProofError> {
        Ok(match self {
            FlowEvent::ChoosePassportOrIdCard => Event::ChoosePassportOrIdCard,
            FlowEvent::AcceptTerms { accepted } => Event::AcceptTerms { accepted },
            FlowEvent::ChooseDocumentKind { kind } => Event::ChooseDocumentKind(kind.into()),
            FlowEvent::ChooseCountry { code } => Event::ChooseCountry(code),
            FlowEvent::EnterCpr { cpr } => Event::EnterCpr(cpr),
            FlowEvent::EnterPCode { p_code } => Event::EnterPCode(p_code),
            FlowEvent::ScanMrz { text, source } => Event::ScanMrz {
                text,
                source: source.into(),
            },
            FlowEvent::EnterMrzFields {
                document_number,
                birth_date,
                expiry_date,
            } => Event::EnterMrzFields {
                document_number,
                birth_date,
                expiry_date,
            },
            FlowEvent::ChipRead { document, report } => Event::ChipRead {
                document: Box::new(document.to_core()?),
                report: Box::new(report.try_into()?),
            },
            // A code that is not the core's (`INTERNAL`, `TRUST_UNVERIFIED`, a later code) is a
            // failed read like any other but `ACCESS_DENIED` and `TAG_LOST`.
            FlowEvent::ChipReadFailed { code } => {
                Event::ChipReadFailed(code.parse().unwrap_or(ErrorCode::ChipProtocol))
            }
            FlowEvent::Face { result } => Event::Face(result.into()),
            FlowEvent::EnterUserId { user_id } => Event::EnterUserId(user_id),
            FlowEvent::EnterPhone { phone } => Event::EnterPhone(phone),
            FlowEvent::ResendSms => Event::ResendSms,
            FlowEvent::EnterSmsCode { code } => Event::EnterSmsCode(code),
            FlowEvent::ChooseUsage { usage } => Event::ChooseUsage(usage.into()),
            FlowEvent::Back => Event::Back,
            FlowEvent::Retry => Event::Retry,
            FlowEvent::Backend { reply } => Event::Backend(reply.into_core()?),
        })
    }
}

/// What the platform must do next (`flow::Action`), in order.
#[derive(Clone, uniffi::Enum)]
pub enum FlowAction {
    /// Backend: check the P code; answer `BackendReply.PCodeChecked`.
    CheckPCode {
        /// The validated P code (8 digits).
        p_code: String,
    },
    /// Backend: issue a session and nonce; answer `BackendReply.NonceIssued`.
    IssueNonce,
    /// Platform: read the chip with a `ReadSession(access_key, options)` whose
    /// `active_authentication_challenge` is `challenge`, `verify` the document, then send
    /// `FlowEvent.ChipRead` (or `ChipReadFailed`).
    ReadChip {
        /// The key from the MRZ (always `AccessKey.DocumentData`).
        access_key: AccessKey,
        /// The Active Authentication challenge: the backend nonce's first 8 bytes.
        challenge: Vec<u8>,
    },
    /// Platform: run the face SDK (liveness + 1:1 match against DG2); send `FlowEvent.Face`.
    ScanFace {
        /// The raw DG2 file, when it was read.
        dg2: Option<Vec<u8>>,
    },
    /// Backend: submit the evidence (`Evidence.bundle_json`); answer
    /// `BackendReply.EvidenceSubmitted` with the backend's decision.
    SubmitEvidence {
        /// What the backend needs to re-verify.
        evidence: Arc<Evidence>,
    },
    /// Backend: reserve the user ID; answer `BackendReply.UserIdReserved`.
    ReserveUserId {
        /// The session.
        session_id: String,
        /// The case-folded user ID.
        user_id: String,
    },
    /// Backend: send an SMS code; answer `BackendReply.SmsSent`.
    SendSms {
        /// The session.
        session_id: String,
        /// The number, E.164 (`+4512345678`).
        phone: String,
    },
    /// Backend: verify the SMS code; answer `BackendReply.SmsCodeVerified`.
    VerifySmsCode {
        /// The session.
        session_id: String,
        /// The typed code.
        code: String,
    },
    /// Platform: show a non-blocking warning (e.g. `CPR_MODULUS11`); the flow has moved on.
    Warn {
        /// The warning.
        warning: FlowMessage,
    },
    /// Platform: the flow is done; continue with the chosen usage.
    Completed {
        /// The chosen usage.
        usage: Usage,
        /// The backend's decision.
        assurance: Assurance,
    },
}

impl FlowAction {
    /// The FFI action of a core one, its messages in `lang`.
    pub(crate) fn from_core(action: Action, lang: flow::Lang) -> Self {
        match action {
            Action::CheckPCode(p_code) => FlowAction::CheckPCode {
                p_code: p_code.as_str().to_owned(),
            },
            Action::IssueNonce => FlowAction::IssueNonce,
            Action::ReadChip {
                access_key,
                challenge,
            } => FlowAction::ReadChip {
                access_key: AccessKey::DocumentData {
                    document_number: access_key.document_number().to_owned(),
                    birth_date: access_key.birth_date().to_owned(),
                    expiry_date: access_key.expiry_date().to_owned(),
                },
                challenge,
            },
            Action::ScanFace { dg2 } => FlowAction::ScanFace { dg2 },
            Action::SubmitEvidence(evidence) => FlowAction::SubmitEvidence {
                evidence: Arc::new(Evidence::new(*evidence)),
            },
            Action::ReserveUserId {
                session_id,
                user_id,
            } => FlowAction::ReserveUserId {
                session_id: session_id.0,
                user_id: user_id.as_str().to_owned(),
            },
            Action::SendSms { session_id, phone } => FlowAction::SendSms {
                session_id: session_id.0,
                phone: phone.as_str().to_owned(),
            },
            Action::VerifySmsCode { session_id, code } => FlowAction::VerifySmsCode {
                session_id: session_id.0,
                code: code.as_str().to_owned(),
            },
            Action::Warn(code) => FlowAction::Warn {
                warning: FlowMessage::in_lang(code, None, lang),
            },
            Action::Completed { usage, assurance } => FlowAction::Completed {
                usage: usage.into(),
                assurance: Assurance::in_lang(assurance, lang),
            },
        }
    }

    /// The core action of a backend action, for a Rust `Backend` (the reference backend);
    /// `None` for the platform's actions. The strings go through the flow's validators again
    /// (they came from them), so a malformed one is the validator's `Refused` error.
    #[cfg_attr(not(feature = "simulator"), allow(dead_code))]
    pub(crate) fn to_core_backend_action(&self) -> Result<Option<Action>, IdProofError> {
        let session = |id: &str| flow::SessionId(id.to_owned());
        let refused = |e: validate::ValidationError| IdProofError::from(flow::FlowError::from(e));
        Ok(Some(match self {
            FlowAction::CheckPCode { p_code } => {
                Action::CheckPCode(validate::p_code(p_code).map_err(refused)?)
            }
            FlowAction::IssueNonce => Action::IssueNonce,
            FlowAction::SubmitEvidence { evidence } => {
                Action::SubmitEvidence(Box::new(evidence.core().clone()))
            }
            FlowAction::ReserveUserId {
                session_id,
                user_id,
            } => Action::ReserveUserId {
                session_id: session(session_id),
                user_id: validate::user_id(user_id).map_err(refused)?,
            },
            FlowAction::SendSms { session_id, phone } => Action::SendSms {
                session_id: session(session_id),
                phone: validate::phone(phone).map_err(refused)?,
            },
            FlowAction::VerifySmsCode { session_id, code } => Action::VerifySmsCode {
                session_id: session(session_id),
                code: validate::sms_code(code).map_err(refused)?,
            },
            FlowAction::ReadChip { .. }
            | FlowAction::ScanFace { .. }
            | FlowAction::Warn { .. }
            | FlowAction::Completed { .. } => return Ok(None),
        }))
    }
}

/// Only the event's name: its fields hold what the person typed (CPR, P code, MRZ, phone, SMS
/// code), which must never reach a log (as core's `flow::Event`).
impl std::fmt::Debug for FlowEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            FlowEvent::ChoosePassportOrIdCard => "ChoosePassportOrIdCard",
            FlowEvent::AcceptTerms { .. } => "AcceptTerms",
            FlowEvent::ChooseDocumentKind { .. } => "ChooseDocumentKind",
            FlowEvent::ChooseCountry { .. } => "ChooseCountry",
            FlowEvent::EnterCpr { .. } => "EnterCpr",
            FlowEvent::EnterPCode { .. } => "EnterPCode",
            FlowEvent::ScanMrz { .. } => "ScanMrz",
            FlowEvent::EnterMrzFields { .. } => "EnterMrzFields",
            FlowEvent::ChipRead { .. } => "ChipRead",
            FlowEvent::ChipReadFailed { .. } => "ChipReadFailed",
            FlowEvent::Face { .. } => "Face",
            FlowEvent::EnterUserId { .. } => "EnterUserId",
            FlowEvent::EnterPhone { .. } => "EnterPhone",
            FlowEvent::ResendSms => "ResendSms",
            FlowEvent::EnterSmsCode { .. } => "EnterSmsCode",
            FlowEvent::ChooseUsage { .. } => "ChooseUsage",
            FlowEvent::Back => "Back",
            FlowEvent::Retry => "Retry",
            FlowEvent::Backend { .. } => "Backend",
        };
        write!(f, "FlowEvent::{name}")
    }
}

/// Only the action's name: its fields carry the P code, the access key, the phone and the
/// SMS code (as core's `flow::Action`).
impl std::fmt::Debug for FlowAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self {
            FlowAction::CheckPCode { .. } => "CheckPCode",
            FlowAction::IssueNonce => "IssueNonce",
            FlowAction::ReadChip { .. } => "ReadChip",
            FlowAction::ScanFace { .. } => "ScanFace",
            FlowAction::SubmitEvidence { .. } => "SubmitEvidence",
            FlowAction::ReserveUserId { .. } => "ReserveUserId",
            FlowAction::SendSms { .. } => "SendSms",
            FlowAction::VerifySmsCode { .. } => "VerifySmsCode",
            FlowAction::Warn { .. } => "Warn",
            FlowAction::Completed { .. } => "Completed",
        };
        write!(f, "FlowAction::{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types_for_tests::*;

    #[test]
    fn every_backend_reply_survives_the_round_trip_through_the_core() {
        let mut replies = vec![
            BackendReply::PCodeChecked { attempts_left: 2 },
            BackendReply::NonceIssued {
                session_id: "s1".into(),
                nonce: (0..16).collect(),
            },
            BackendReply::EvidenceSubmitted {
                assurance: not_met(),
            },
            BackendReply::UserIdReserved,
            BackendReply::SmsSent,
            BackendReply::SmsCodeVerified,
        ];
        let requests = [
            BackendRequest::CheckPCode,
            BackendRequest::IssueNonce,
            BackendRequest::SubmitEvidence,
            BackendRequest::ReserveUserId,
            BackendRequest::SendSms,
            BackendRequest::VerifySmsCode,
        ];
        let errors = [
            BackendError::PCodeUnknown,
            BackendError::PCodeExpired,
            BackendError::PCodeUsed,
            BackendError::PCodeAttempts,
            BackendError::Nonce,
            BackendError::UserIdTaken,
            BackendError::SmsCodeWrong { attempts_left: 1 },
            BackendError::SmsCodeExpired,
            BackendError::SmsBlocked,
            BackendError::Unavailable,
        ];
        for request in requests {
            for error in errors {
                replies.push(BackendReply::Failed { request, error });
            }
        }
        for reply in replies {
            let back = BackendReply::from_core(reply.clone().into_core().unwrap());
            assert_eq!(back, reply);
        }
    }

    #[test]
    fn a_nonce_of_the_wrong_size_is_a_usage_error() {
        for len in [7, 33] {
            let e = BackendReply::NonceIssued {
                session_id: "s".into(),
                nonce: vec![0; len],
            }
            .into_core()
            .unwrap_err();
            assert_eq!(e.code(), "USAGE");
        }
    }

    #[test]
    fn chip_read_failures_keep_the_codes_the_flow_tells_apart() {
        for (code, expected) in [
            ("ACCESS_DENIED", ErrorCode::AccessDenied),
            ("TAG_LOST", ErrorCode::TagLost),
            ("CA_FAILED", ErrorCode::CaFailed),
            ("INTERNAL", ErrorCode::ChipProtocol),
            ("TRUST_UNVERIFIED", ErrorCode::ChipProtocol),
        ] {
            let event = FlowEvent::ChipReadFailed { code: code.into() };
            match event.into_core().unwrap() {
                Event::ChipReadFailed(got) => assert_eq!(got, expected, "{code}"),
                other => panic!("{other:?}"),
            }
        }
        // Core's own list: a code added to core is read back as itself without a copy here.
        for &code in ErrorCode::ALL {
            let event = FlowEvent::ChipReadFailed {
                code: code.as_str().into(),
            };
            match event.into_core().unwrap() {
                Event::ChipReadFailed(got) => assert_eq!(got, code),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn actions_carry_the_validated_values_back_to_a_rust_backend() {
        let check = FlowAction::CheckPCode {
            p_code: " 12345678 ".into(),
        };
        match check.to_core_backend_action().unwrap() {
            Some(Action::CheckPCode(p)) => assert_eq!(p.as_str(), "12345678"),
            other => panic!("{other:?}"),
        }
        let spaced = FlowAction::SendSms {
            session_id: "s".into(),
            phone: "+45 20-00 00.00".into(),
        };
        match spaced.to_core_backend_action().unwrap() {
            Some(Action::SendSms { phone, .. }) => assert_eq!(phone.as_str(), "+4520000000"),
            other => panic!("{other:?}"),
        }
        let bad = FlowAction::SendSms {
            session_id: "s".into(),
            phone: "1234567".into(),
        };
        match bad.to_core_backend_action().unwrap_err() {
            IdProofError::Refused { code, .. } => assert_eq!(code, "PHONE_FORMAT"),
            other => panic!("{other:?}"),
        }
        let warn = FlowAction::Warn {
            warning: FlowMessage::of(flow::Code::CprModulus11, None),
        };
        assert!(warn.to_core_backend_action().unwrap().is_none());
    }
}
