//! The evidence bundle v1 and its backend re-verification (issue 8).
//!
//! Why: the app's verdict is advisory (mitid-flow.md §9.3). A backend must be able to decide
//! from what the app *read*, not from what it *says*, so the app sends the raw bytes of every
//! file exactly as read, the public values of Chip Authentication and PACE-CAM, the Active
//! Authentication challenge and signature, and the few flow choices DG1 must match — as one
//! versioned, self-describing JSON object ([`EvidenceBundle`], `format:
//! "idproof-evidence/1"`). The backend re-runs `verify::verify` on it with its own trust
//! store and checks the replay-sensitive parts against its session ([`verify_evidence`]).
//!
//! - [`bundle`]: the schema; [`crate::flow::Evidence::bundle`] builds it in the flow,
//!   [`EvidenceBundle::from_read`] outside it; [`EvidenceBundle::to_json`] is the canonical,
//!   deterministic serialisation; [`EvidenceBundle::from_json`] reads one strictly.
//! - [`verdict`]: [`verify_evidence`] and its [`EvidenceVerdict`].
//! - `encoding`: base64, hex, time and file-name spellings.
//!
//! The schema, with an example, is in `docs/evidence-bundle.md`.

pub mod bundle;
mod encoding;
pub mod verdict;

pub use bundle::{
    AccessMrzEvidence, ApplicantKind, EvidenceBundle, FORMAT, FlowInputs, MAX_FILE_LEN,
    MAX_JSON_LEN, Producer,
};
pub use encoding::{base64_decode, base64_encode};
pub use verdict::{EvidenceCheck, EvidenceCheckName, EvidenceVerdict, verify_evidence};

use super::messages::{Code, Lang};

/// Why a text is not an evidence bundle this version can read. No variant carries bundle
/// content beyond the `format` value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvidenceError {
    /// Not JSON, or not a well-formed v1 bundle (the detail names the field and position).
    #[error("not a well-formed {FORMAT} evidence bundle: {0}")]
    Format(String),
    /// Another version of the schema.
    #[error("evidence bundle format {0:?} is not supported (this verifier reads {FORMAT:?})")]
    Version(String),
}

impl EvidenceError {
    /// The stable code: `EVIDENCE_FORMAT` or `EVIDENCE_VERSION`.
    pub fn code(&self) -> Code {
        match self {
            EvidenceError::Format(_) => Code::EvidenceFormat,
            EvidenceError::Version(_) => Code::EvidenceVersion,
        }
    }

    /// The user-facing message from the catalogue.
    pub fn message(&self, lang: Lang) -> &'static str {
        self.code().message(lang)
    }
}
