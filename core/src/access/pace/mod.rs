//! PACE — Password Authenticated Connection Establishment (ICAO 9303-11 §4.4), terminal side,
//! sans-IO, plus the pure functions the chip side computes with the same code.
//!
//! ```text
//! let (apdu, s) = Pace::new(params, &password)?.start();  // MSE:Set AT  00 22 C1 A4 …
//! let (apdu, s) = s.respond(&reply)?;                      // GA 1  10 86 … 7C 00
//! let (apdu, s) = s.respond(&reply, mapping_secret)?;      // GA 2  7C { 81 mapping data }
//! let (apdu, s) = s.respond(&reply, ephemeral_key)?;       // GA 3  7C { 83 ephemeral key }
//! let (apdu, s) = s.respond(&reply)?;                      // GA 4  00 86 … 7C { 85 T_IFD }
//! let outcome   = s.finish(&reply)?;                       // T_IC checked → SM with SSC 0
//! ```
//!
//! Each state consumes the previous one, so a step cannot be repeated or skipped. The caller
//! supplies the randomness (the GM mapping key or the IM nonce t, and the ephemeral key), which
//! is what lets the tests replay ICAO 9303-11 Appendices G, H and I and real traces byte for
//! byte.
//!
//! Module map:
//! - [`algorithm`] — PACE OIDs → mapping, key agreement, cipher.
//! - [`password`] — MRZ / CAN password, K_π.
//! - [`nonce`] — encrypting / decrypting the nonce s.
//! - [`prf`] — R_p(s, t) of Integrated Mapping.
//! - [`session`] — KS_enc / KS_mac, authentication tokens, PACE-CAM data encryption.
//! - [`apdu`] — MSE:Set AT, GENERAL AUTHENTICATE and the `7C` data objects, both directions.
//! - [`terminal`] — the terminal state machine.
//! - [`cam`] — the PACE-CAM check PK_map,IC = CA_IC · PK_IC.

pub mod algorithm;
pub mod apdu;
pub mod cam;
pub mod nonce;
pub mod password;
pub mod prf;
pub mod session;
pub mod terminal;

pub use algorithm::{KeyAgreement, Mapping, PaceAlgorithm, PaceCipher};
pub use cam::{CamData, verify_cam};
pub use nonce::{decrypt_nonce, encrypt_nonce};
pub use password::{PASSWORD_REF_CAN, PASSWORD_REF_MRZ, PacePassword};
pub use prf::{
    field_bits, integrated_mapping, integrated_mapping_nonce_lengths, integrated_mapping_prf,
};
pub use session::{SessionKeys, Token, public_key_data_object};
pub use terminal::{
    MappingSecret, Pace, PaceAgreement, PaceMapping, PaceMse, PaceNonce, PaceOutcome, PaceParams,
    PaceTokens,
};

use crate::error::{Error, ErrorCode};

/// The step of PACE at which something went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaceStep {
    /// MSE:Set AT.
    MseSetAt,
    /// GENERAL AUTHENTICATE 1: the encrypted nonce.
    Nonce,
    /// GENERAL AUTHENTICATE 2: mapping data.
    Mapping,
    /// GENERAL AUTHENTICATE 3: ephemeral public keys.
    KeyAgreement,
    /// GENERAL AUTHENTICATE 4: authentication tokens (and PACE-CAM data).
    Token,
}

impl PaceStep {
    /// Short name for messages and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            PaceStep::MseSetAt => "MSE:Set AT",
            PaceStep::Nonce => "encrypted nonce",
            PaceStep::Mapping => "mapping",
            PaceStep::KeyAgreement => "key agreement",
            PaceStep::Token => "mutual authentication",
        }
    }
}

impl core::fmt::Display for PaceStep {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why PACE failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PaceError {
    /// The OID names no PACE protocol we know (or a combination ICAO does not define).
    #[error("unknown PACE protocol OID {0}")]
    UnknownAlgorithm(String),
    /// The domain parameters do not fit the protocol (a DH group for ECDH or the reverse).
    #[error("PACE domain parameters do not match the protocol's key agreement")]
    GroupMismatch,
    /// The caller passed an unusable input (wrong secret kind or length for the mapping).
    #[error("PACE called wrongly: {0}")]
    BadInput(&'static str),
    /// The chip answered a step with a status word other than 9000. A wrong password shows
    /// here as a refusal of the last step (6300, 63Cx); a refused MSE:Set AT (6A80, 6A87, …)
    /// means the chip does not accept these parameters.
    #[error("chip refused PACE {step} with status {sw:04X}")]
    Rejected {
        /// The step the chip refused.
        step: PaceStep,
        /// The status word it returned.
        sw: u16,
    },
    /// A reply had the wrong shape (TLV, missing or repeated data object, lengths).
    #[error("malformed PACE {step} reply: {detail}")]
    Malformed {
        /// The step whose reply was malformed.
        step: PaceStep,
        /// What was wrong.
        detail: &'static str,
    },
    /// A public key from the chip is unusable (off the curve, identity, out of range, not in
    /// the subgroup).
    #[error("chip's PACE {step} public key is invalid: {detail}")]
    InvalidChipKey {
        /// The step whose key was refused.
        step: PaceStep,
        /// Why.
        detail: String,
    },
    /// The chip's ephemeral public key equals ours (ICAO 9303-11 §4.4.3.4 forbids it).
    #[error("chip's ephemeral PACE public key equals the terminal's")]
    SameEphemeralKey,
    /// The mapping produced an unusable generator (the identity / 1) or failed otherwise.
    #[error("PACE mapping failed: {0}")]
    MappingFailed(String),
    /// The chip's authentication token T_IC does not verify: it does not share our session
    /// keys, which in practice means the password was wrong (or the reply was altered).
    #[error("chip's PACE authentication token does not verify (wrong password?)")]
    TokenMismatch,
    /// PACE-CAM was run but the chip sent no encrypted chip-authentication data (8A).
    #[error("PACE-CAM reply carries no chip authentication data (8A)")]
    CamDataMissing,
    /// PACE-CAM: PK_map,IC ≠ CA_IC · PK_IC — the chip does not hold the chip-authentication key
    /// of EF.CardSecurity (a clone, or the wrong key was given).
    #[error("PACE-CAM chip authentication failed: PK_map,IC ≠ CA_IC · PK_IC")]
    CamMismatch,
}

impl PaceError {
    pub(crate) fn malformed(step: PaceStep, detail: &'static str) -> Self {
        PaceError::Malformed { step, detail }
    }

    /// Whether this failure means the password (MRZ or CAN) was wrong: the chip refused the
    /// token step with 63xx / 6982 / 6A80 (or any step with 63xx, a retry counter), or its
    /// token did not verify under our keys.
    pub fn is_wrong_password(&self) -> bool {
        match self {
            PaceError::TokenMismatch => true,
            PaceError::Rejected { step, sw } => {
                sw & 0xFF00 == 0x6300 || (*step == PaceStep::Token && matches!(sw, 0x6982 | 0x6A80))
            }
            _ => false,
        }
    }
}

impl From<PaceError> for Error {
    fn from(e: PaceError) -> Self {
        let code = if e.is_wrong_password() {
            ErrorCode::AccessDenied
        } else {
            match e {
                PaceError::UnknownAlgorithm(_) => ErrorCode::Unsupported,
                PaceError::GroupMismatch | PaceError::BadInput(_) => ErrorCode::Usage,
                PaceError::Malformed { .. } => ErrorCode::ChipProtocol,
                _ => ErrorCode::PaceFailed,
            }
        };
        Error::new(code, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes() {
        let code = |e: PaceError| Error::from(e).code;
        for sw in [0x6300, 0x63C2, 0x63C0] {
            for step in [PaceStep::Nonce, PaceStep::Token] {
                assert_eq!(
                    code(PaceError::Rejected { step, sw }),
                    ErrorCode::AccessDenied
                );
            }
        }
        assert_eq!(
            code(PaceError::Rejected {
                step: PaceStep::Token,
                sw: 0x6982
            }),
            ErrorCode::AccessDenied
        );
        assert_eq!(
            code(PaceError::Rejected {
                step: PaceStep::MseSetAt,
                sw: 0x6A87
            }),
            ErrorCode::PaceFailed
        );
        assert_eq!(
            code(PaceError::Rejected {
                step: PaceStep::KeyAgreement,
                sw: 0x6A80
            }),
            ErrorCode::PaceFailed
        );
        assert_eq!(code(PaceError::TokenMismatch), ErrorCode::AccessDenied);
        assert_eq!(code(PaceError::CamMismatch), ErrorCode::PaceFailed);
        assert_eq!(code(PaceError::SameEphemeralKey), ErrorCode::PaceFailed);
        assert_eq!(
            code(PaceError::UnknownAlgorithm("1.2".into())),
            ErrorCode::Unsupported
        );
        assert_eq!(
            code(PaceError::malformed(PaceStep::Nonce, "x")),
            ErrorCode::ChipProtocol
        );
        assert_eq!(ErrorCode::PaceFailed.as_str(), "PACE_FAILED");
        let e = Error::from(PaceError::Rejected {
            step: PaceStep::Token,
            sw: 0x63C1,
        });
        assert!(e.detail.contains("63C1"), "{}", e.detail);
    }
}
