//! The top-level error and its stable codes.
//!
//! Each module has its own `thiserror` enum; they all convert into [`Error`], which carries a
//! stable [`ErrorCode`] shared by the CLI's JSON, the FFI and the evidence bundle.

use serde::Serialize;

/// Stable, machine-readable failure codes. Their string form never changes once released,
/// because backends and apps match on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum ErrorCode {
    /// MRZ text has the wrong shape (line count/length, characters, letters in dates).
    MrzFormat,
    /// An MRZ check digit does not match its field.
    MrzCheckDigit,
    /// An MRZ date (birth or expiry) is not a real calendar date, e.g. month 13 or day 32.
    /// The detail names the field. Added after `MRZ_FORMAT`; before, such dates passed.
    MrzDate,
    /// The chip refused the access key (BAC/PACE authentication failed).
    AccessDenied,
    /// The chip spoke in a way we could not understand (bad TLV, unexpected status).
    ChipProtocol,
    /// PACE failed for a reason other than a wrong password: the chip refused a step, sent a
    /// key we must not use, or (PACE-CAM) could not prove its chip-authentication key.
    PaceFailed,
    /// A secure-messaging reply failed its MAC or was malformed.
    SecureMessaging,
    /// The connection to the chip was lost (card removed, tag out of field).
    TagLost,
    /// The chip does not offer an access protocol we can use.
    Unsupported,
    /// An LDS file could not be parsed.
    LdsFormat,
    /// A transport (reader) error that is not a tag loss.
    Transport,
    /// The caller used the API wrongly (e.g. stepped a finished session).
    Usage,
    /// A signature did not verify (the mathematics said no).
    Signature,
    /// Chip authentication failed: the chip refused it, its DG14 key is unusable, or its
    /// token did not verify. The chip may be a clone.
    CaFailed,
    /// Active Authentication failed: the chip's answer to INTERNAL AUTHENTICATE is not a
    /// valid signature of the challenge with the DG15 key (or the chip refused to sign).
    AaFailed,
    /// A face image (DG2) could not be decoded to pixels: not JPEG or JPEG 2000, corrupt,
    /// an unsupported colour model, or larger than the decoder accepts.
    FaceDecode,
}

impl ErrorCode {
    /// The stable string form, e.g. `"ACCESS_DENIED"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MrzFormat => "MRZ_FORMAT",
            ErrorCode::MrzCheckDigit => "MRZ_CHECK_DIGIT",
            ErrorCode::MrzDate => "MRZ_DATE",
            ErrorCode::AccessDenied => "ACCESS_DENIED",
            ErrorCode::ChipProtocol => "CHIP_PROTOCOL",
            ErrorCode::PaceFailed => "PACE_FAILED",
            ErrorCode::SecureMessaging => "SECURE_MESSAGING",
            ErrorCode::TagLost => "TAG_LOST",
            ErrorCode::Unsupported => "UNSUPPORTED",
            ErrorCode::LdsFormat => "LDS_FORMAT",
            ErrorCode::Transport => "TRANSPORT",
            ErrorCode::Usage => "USAGE",
            ErrorCode::Signature => "SIGNATURE",
            ErrorCode::CaFailed => "CA_FAILED",
            ErrorCode::AaFailed => "AA_FAILED",
            ErrorCode::FaceDecode => "FACE_DECODE",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error from the core: a stable code plus a human-readable detail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct Error {
    /// Stable code for programs.
    pub code: ErrorCode,
    /// Human-readable explanation (never contains secrets).
    pub detail: String,
}

impl Error {
    /// Builds an error from a code and a detail.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
        }
    }
}
