//! The one error type of the FFI and the one mapping from the core's stable codes onto it.
//!
//! Each variant is one thing the app does next (re-scan the MRZ, hold still, say what is not
//! supported…); every variant carries the core's stable `code` (`ACCESS_DENIED`, `TAG_LOST`, …),
//! the same strings as the CLI's JSON, so apps and backends can match on it.
//! `detail` is for logs: it names fields and files, never holder data.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use idproof_core::flow::{BackendError, Code, FlowError, Lang};
use idproof_core::{Error, ErrorCode};

/// The code of [`IdProofError::Internal`]: a panic caught at the FFI boundary (a bug).
pub const INTERNAL: &str = "INTERNAL";

/// Why a call into idproof failed. Kotlin: `IdProofException.*`; Swift: `IdProofError.*`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum IdProofError {
    /// The chip refused the access key (`ACCESS_DENIED`): the MRZ or CAN was misread or
    /// mistyped. Remedy: re-scan the MRZ or correct the fields or CAN.
    #[error("{code}: {detail}")]
    AccessDenied {
        /// Stable code.
        code: String,
        /// For logs.
        detail: String,
    },
    /// The chip left the field (`TAG_LOST`). Remedy: hold the phone still on the document;
    /// the same session resumes after `connection_lost()`.
    #[error("{code}: {detail}")]
    TagLost {
        /// Stable code.
        code: String,
        /// For logs.
        detail: String,
    },
    /// The chip needs something this version cannot do, or the caller asked for it
    /// (`UNSUPPORTED`; e.g. a CAN for a chip without PACE; `FILE_ACCESS_DENIED`: a file
    /// guarded by terminal authentication, EAC). Remedy: tell the user which; not a re-scan.
    #[error("{code}: {detail}")]
    Unsupported {
        /// Stable code.
        code: String,
        /// For logs.
        detail: String,
    },
    /// The caller's input is wrong (`MRZ_FORMAT`, `MRZ_CHECK_DIGIT`, `USAGE`; from a
    /// `TrustStore`, `TRUST_UNVERIFIED` for a master list whose signer is not trusted yet).
    /// Remedy: fix the input (re-scan) or the call sequence.
    #[error("{code}: {detail}")]
    InvalidInput {
        /// Stable code.
        code: String,
        /// For logs.
        detail: String,
    },
    /// The chip or its data misbehaved (`CHIP_PROTOCOL`, `SECURE_MESSAGING`, `LDS_FORMAT`,
    /// `PACE_FAILED`, `CA_FAILED` for a chip that fails Chip Authentication, i.e. a likely
    /// clone; `FACE_DECODE` for a face image that does not decode): a broken, unusual or
    /// forged chip. Remedy: retry once, then report.
    #[error("{code}: {detail}")]
    Chip {
        /// Stable code.
        code: String,
        /// For logs.
        detail: String,
    },
    /// The reader or NFC stack failed in a way that is not a tag loss (`TRANSPORT`).
    #[error("{code}: {detail}")]
    Transport {
        /// Stable code.
        code: String,
        /// For logs.
        detail: String,
    },
    /// The activation flow or the backend refused the input: a validation code (`CPR_FORMAT`,
    /// `USER_ID_LENGTH`, …), a backend refusal (`P_CODE_UNKNOWN`, `SMS_CODE`, …), a chip or
    /// face outcome the flow does not take (`MRZ_MISMATCH`, `FACE_MATCH`, …) or a caller bug
    /// (`UNEXPECTED_EVENT`, `SNAPSHOT`). Remedy: show `user_message`; the flow is at
    /// `ActivationFlow.step()`.
    #[error("{code}: {detail}")]
    Refused {
        /// Stable code of the flow (`flow::Code`).
        code: String,
        /// The catalogue's text for the person, in English.
        user_message: String,
        /// For logs (names fields and positions, never the input).
        detail: String,
        /// Wrong SMS codes left before validation is blocked (`SMS_CODE` only).
        attempts_left: Option<u8>,
    },
    /// A bug: a panic inside idproof, caught at the boundary (`INTERNAL`). The object that
    /// panicked refuses further calls with this error.
    #[error("{code}: {detail}")]
    Internal {
        /// Always `INTERNAL`.
        code: String,
        /// The panic message.
        detail: String,
    },
}

impl IdProofError {
    /// The stable code, whatever the variant.
    pub fn code(&self) -> &str {
        match self {
            IdProofError::AccessDenied { code, .. }
            | IdProofError::TagLost { code, .. }
            | IdProofError::Unsupported { code, .. }
            | IdProofError::InvalidInput { code, .. }
            | IdProofError::Chip { code, .. }
            | IdProofError::Transport { code, .. }
            | IdProofError::Refused { code, .. }
            | IdProofError::Internal { code, .. } => code,
        }
    }

    /// An `INTERNAL` error with this detail.
    pub(crate) fn internal(detail: impl Into<String>) -> Self {
        IdProofError::Internal {
            code: INTERNAL.to_owned(),
            detail: detail.into(),
        }
    }

    fn from_panic(payload: &(dyn Any + Send)) -> Self {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic with no message".to_owned());
        Self::internal(format!("panic caught at the FFI boundary: {message}"))
    }
}

impl From<Error> for IdProofError {
    /// The only mapping from core errors to FFI errors, keyed by the stable code.
    fn from(e: Error) -> Self {
        let code = e.code.as_str().to_owned();
        let detail = e.detail;
        match e.code {
            ErrorCode::AccessDenied => IdProofError::AccessDenied { code, detail },
            ErrorCode::TagLost => IdProofError::TagLost { code, detail },
            // The key was right; the file needs EAC, which idproof cannot do.
            ErrorCode::Unsupported | ErrorCode::FileAccessDenied => {
                IdProofError::Unsupported { code, detail }
            }
            ErrorCode::MrzFormat
            | ErrorCode::MrzCheckDigit
            | ErrorCode::MrzDate
            | ErrorCode::Usage => IdProofError::InvalidInput { code, detail },
            ErrorCode::Transport => IdProofError::Transport { code, detail },
            // CHIP_PROTOCOL, SECURE_MESSAGING, LDS_FORMAT and any code added later: the chip
            // or its data is at fault.
            _ => IdProofError::Chip { code, detail },
        }
    }
}

impl IdProofError {
    /// A `Refused` error with `code`'s catalogue message in `lang`.
    pub(crate) fn refused_in(code: Code, detail: impl Into<String>, lang: Lang) -> Self {
        IdProofError::Refused {
            code: code.as_str().to_owned(),
            user_message: code.message(lang).to_owned(),
            detail: detail.into(),
            attempts_left: None,
        }
    }

    /// An `InvalidInput` error with code `USAGE`: the app passed something malformed.
    pub(crate) fn usage(detail: impl Into<String>) -> Self {
        Error::new(ErrorCode::Usage, detail).into()
    }
}

impl From<FlowError> for IdProofError {
    /// Every refusal of the flow, with its stable code and English catalogue message.
    fn from(e: FlowError) -> Self {
        IdProofError::from_flow(e, Lang::En)
    }
}

impl IdProofError {
    /// A refusal of the flow with its stable code and the catalogue message in `lang`.
    pub(crate) fn from_flow(e: FlowError, lang: Lang) -> Self {
        let code = e.code();
        IdProofError::Refused {
            code: code.as_str().to_owned(),
            user_message: code.message(lang).to_owned(),
            detail: e.to_string(),
            attempts_left: match e {
                FlowError::Backend(BackendError::SmsCodeWrong { attempts_left }) => {
                    Some(attempts_left)
                }
                _ => None,
            },
        }
    }
}

impl From<idproof_core::mrz::MrzError> for IdProofError {
    fn from(e: idproof_core::mrz::MrzError) -> Self {
        Error::from(e).into()
    }
}

/// Runs one export body, turning a panic into [`IdProofError::Internal`] so nothing unwinds
/// into Kotlin or Swift. Every export goes through here.
pub(crate) fn guard<T>(body: impl FnOnce() -> Result<T, IdProofError>) -> Result<T, IdProofError> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => result,
        Err(payload) => Err(IdProofError::from_panic(payload.as_ref())),
    }
}

/// Locks a mutex of an exported object; a mutex poisoned by an earlier caught panic makes the
/// object refuse further calls rather than continue from a half-updated state.
pub(crate) fn lock<T>(
    mutex: &std::sync::Mutex<T>,
) -> Result<std::sync::MutexGuard<'_, T>, IdProofError> {
    mutex.lock().map_err(|_| {
        IdProofError::internal("this object is unusable after an internal error (a caught panic)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The variant each core code is meant to cross as. `ErrorCode` is non-exhaustive, so the
    /// wildcard is needed; it names no variant, so a code added to core fails the test below
    /// (which walks `ErrorCode::ALL`) until its class is chosen here.
    fn intended_variant(code: ErrorCode) -> &'static str {
        match code {
            ErrorCode::MrzFormat
            | ErrorCode::MrzCheckDigit
            | ErrorCode::MrzDate
            | ErrorCode::Usage => "InvalidInput",
            ErrorCode::AccessDenied => "AccessDenied",
            ErrorCode::TagLost => "TagLost",
            ErrorCode::Unsupported | ErrorCode::FileAccessDenied => "Unsupported",
            ErrorCode::Transport => "Transport",
            ErrorCode::ChipProtocol
            | ErrorCode::PaceFailed
            | ErrorCode::SecureMessaging
            | ErrorCode::LdsFormat
            | ErrorCode::Signature
            | ErrorCode::CaFailed
            | ErrorCode::AaFailed
            | ErrorCode::FaceDecode => "Chip",
            _ => "no class chosen yet",
        }
    }

    #[test]
    fn every_core_code_crosses_as_itself_in_its_class() {
        for &code in ErrorCode::ALL {
            let e = IdProofError::from(Error::new(code, "the detail"));
            assert_eq!(e.code(), code.as_str());
            let variant = format!("{e:?}");
            let variant = variant.split_once(' ').map_or(variant.as_str(), |(v, _)| v);
            assert_eq!(variant, intended_variant(code), "{code}");
            assert_eq!(e.to_string(), format!("{}: the detail", code.as_str()));
        }
    }

    #[test]
    fn flow_refusals_carry_code_catalogue_message_and_sms_attempts() {
        let e = IdProofError::from(FlowError::Backend(BackendError::SmsCodeWrong {
            attempts_left: 2,
        }));
        match e {
            IdProofError::Refused {
                code,
                user_message,
                attempts_left,
                ..
            } => {
                assert_eq!(code, "SMS_CODE");
                assert_eq!(user_message, Code::SmsCode.message(Lang::En));
                assert_eq!(attempts_left, Some(2));
            }
            other => panic!("{other:?}"),
        }
        let e = IdProofError::from(FlowError::TermsRequired);
        assert_eq!(e.code(), "TERMS_REQUIRED");
        assert!(matches!(
            e,
            IdProofError::Refused {
                attempts_left: None,
                ..
            }
        ));
    }

    #[test]
    fn a_panic_becomes_internal() {
        let e = guard::<()>(|| panic!("boom")).unwrap_err();
        assert_eq!(e.code(), INTERNAL);
        assert!(e.to_string().contains("boom"), "{e}");
        let e = guard::<()>(|| std::panic::panic_any(7_u8)).unwrap_err();
        assert_eq!(e.code(), INTERNAL);
    }
}
