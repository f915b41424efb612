//! The top-level error and its stable codes.
//!
//! Each module has its own `thiserror` enum; they all convert into [`Error`], which carries a
//! stable [`ErrorCode`] shared by the CLI's JSON, the FFI and the evidence bundle.

use serde::Serialize;

/// Declares [`ErrorCode`], its [`ErrorCode::ALL`] and [`ErrorCode::as_str`] from one list, so
/// no variant can be left out of `ALL` (and thus out of a binding's or test's list).
macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident => $text:literal,)+) => {
        /// Stable, machine-readable failure codes. Their string form never changes once
        /// released, because backends and apps match on it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $variant,)+
        }

        impl ErrorCode {
            /// Every code, in declaration order. Bindings, the flow and tests derive their
            /// lists from this one (never a copy), so a code added here crosses every
            /// boundary as itself.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)+];

            /// The stable string form, e.g. `"ACCESS_DENIED"`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $text,)+
                }
            }
        }
    };
}

error_codes! {
    /// MRZ text has the wrong shape (line count/length, characters, letters in dates).
    MrzFormat => "MRZ_FORMAT",
    /// An MRZ check digit does not match its field.
    MrzCheckDigit => "MRZ_CHECK_DIGIT",
    /// An MRZ date (birth or expiry) is not a real calendar date, e.g. month 13 or day 32.
    /// The detail names the field. Added after `MRZ_FORMAT`; before, such dates passed.
    MrzDate => "MRZ_DATE",
    /// The chip refused the access key (BAC/PACE authentication failed).
    AccessDenied => "ACCESS_DENIED",
    /// The chip opened (BAC/PACE succeeded) but refuses one file with `6982` (security
    /// status not satisfied): the file needs terminal authentication (EAC, as DG3/DG4 do)
    /// and idproof holds no inspection-system certificates. The access key was right, so the
    /// remedy is not a re-scan; a read records the file in `Document::refused` and goes on.
    FileAccessDenied => "FILE_ACCESS_DENIED",
    /// The chip spoke in a way we could not understand (bad TLV, unexpected status), or
    /// misbehaved at the transport level (e.g. answered `61xx` for ever).
    ChipProtocol => "CHIP_PROTOCOL",
    /// PACE failed for a reason other than a wrong password: the chip refused a step, sent a
    /// key we must not use, or (PACE-CAM) could not prove its chip-authentication key.
    PaceFailed => "PACE_FAILED",
    /// A secure-messaging reply failed its MAC or was malformed.
    SecureMessaging => "SECURE_MESSAGING",
    /// The connection to the chip was lost (card removed, tag out of field).
    TagLost => "TAG_LOST",
    /// The chip does not offer an access protocol we can use.
    Unsupported => "UNSUPPORTED",
    /// An LDS file could not be parsed.
    LdsFormat => "LDS_FORMAT",
    /// A transport (reader) error that is not a tag loss.
    Transport => "TRANSPORT",
    /// The caller used the API wrongly (e.g. stepped a finished session).
    Usage => "USAGE",
    /// A signature did not verify (the mathematics said no).
    Signature => "SIGNATURE",
    /// Chip authentication failed: the chip refused it, its DG14 key is unusable, or its
    /// token did not verify. The chip may be a clone.
    CaFailed => "CA_FAILED",
    /// Active Authentication failed: the chip's answer to INTERNAL AUTHENTICATE is not a
    /// valid signature of the challenge with the DG15 key (or the chip refused to sign).
    AaFailed => "AA_FAILED",
    /// A face image (DG2) could not be decoded to pixels: not JPEG or JPEG 2000, corrupt,
    /// an unsupported colour model, or larger than the decoder accepts.
    FaceDecode => "FACE_DECODE",
}

/// A string that is not the stable form of any [`ErrorCode`] (e.g. `INTERNAL`, a flow code,
/// or a code of a newer version).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an idproof error code")]
pub struct UnknownErrorCode(pub String);

impl std::str::FromStr for ErrorCode {
    type Err = UnknownErrorCode;

    /// The code whose [`ErrorCode::as_str`] is exactly `text` (case-sensitive, as released).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ErrorCode::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == text)
            .ok_or_else(|| UnknownErrorCode(text.to_owned()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// `ALL` comes from the same macro list as the enum, so it cannot miss a variant; this
    /// exhaustive match (no wildcard arm) makes a new variant a compile error here until its
    /// class is decided, and the count pins that `ALL` holds each variant once.
    fn is_input_error(code: ErrorCode) -> bool {
        match code {
            ErrorCode::MrzFormat
            | ErrorCode::MrzCheckDigit
            | ErrorCode::MrzDate
            | ErrorCode::Usage => true,
            ErrorCode::AccessDenied
            | ErrorCode::FileAccessDenied
            | ErrorCode::ChipProtocol
            | ErrorCode::PaceFailed
            | ErrorCode::SecureMessaging
            | ErrorCode::TagLost
            | ErrorCode::Unsupported
            | ErrorCode::LdsFormat
            | ErrorCode::Transport
            | ErrorCode::Signature
            | ErrorCode::CaFailed
            | ErrorCode::AaFailed
            | ErrorCode::FaceDecode => false,
        }
    }

    #[test]
    fn all_lists_every_variant_once() {
        assert_eq!(ErrorCode::ALL.len(), 17);
        let inputs: Vec<&str> = ErrorCode::ALL
            .iter()
            .filter(|c| is_input_error(**c))
            .map(|c| c.as_str())
            .collect();
        assert_eq!(
            inputs,
            ["MRZ_FORMAT", "MRZ_CHECK_DIGIT", "MRZ_DATE", "USAGE"]
        );
    }

    #[test]
    fn every_code_round_trips_through_its_string_and_serde() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {code}");
            assert_eq!(ErrorCode::from_str(code.as_str()), Ok(*code));
            assert_eq!(code.to_string(), code.as_str());
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn strings_that_are_no_code_are_refused() {
        for text in [
            "",
            "INTERNAL",
            "TRUST_UNVERIFIED",
            "access_denied",
            "ACCESS_DENIED ",
            "FACE_DECODE\0",
        ] {
            assert_eq!(
                ErrorCode::from_str(text),
                Err(UnknownErrorCode(text.to_owned()))
            );
        }
    }
}
