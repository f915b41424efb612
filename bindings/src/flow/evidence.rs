//! The evidence across the FFI: what `FlowAction.SubmitEvidence` hands the app for its backend
//! (as the evidence bundle v1 JSON, `docs/evidence-bundle.md`), and the backend's
//! re-verification of a bundle (`verify_evidence_bundle`), for a backend written in Kotlin or
//! Swift and for tests.

use std::sync::Arc;

use idproof_core::flow::evidence::{EvidenceBundle, EvidenceError, verify_evidence};
use idproof_core::flow::{self, Nonce};

use super::types::{AntiCloneProof, Assurance};
use crate::error::{IdProofError, guard};
use crate::trust::TrustStore;
use crate::verify::{Check, Failure, Verdict, VerificationReport, time_at};

/// One submission's evidence: the raw read, the app's report, the flow's choices, the face
/// result, the session and its nonce. Holds personal data (the read, the CPR or P code) in
/// memory only; it is never persisted by idproof.
#[derive(uniffi::Object)]
pub struct Evidence {
    inner: flow::Evidence,
}

impl std::fmt::Debug for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Evidence(..)")
    }
}

impl Evidence {
    pub(crate) fn new(inner: flow::Evidence) -> Self {
        Self { inner }
    }

    /// The core evidence (for a Rust backend).
    #[cfg_attr(not(feature = "simulator"), allow(dead_code))]
    pub(crate) fn core(&self) -> &flow::Evidence {
        &self.inner
    }
}

#[uniffi::export]
impl Evidence {
    /// The backend session this evidence belongs to.
    pub fn session_id(&self) -> Result<String, IdProofError> {
        guard(|| Ok(self.inner.session_id.0.clone()))
    }

    /// The session's nonce, as the backend issued it.
    pub fn nonce(&self) -> Result<Vec<u8>, IdProofError> {
        guard(|| Ok(self.inner.nonce.as_bytes().to_vec()))
    }

    /// The evidence bundle v1 (`idproof-evidence/1`) as canonical JSON, created at
    /// `created_at_unix_seconds` (the platform's clock): every file as read, the chip's
    /// evidence, the Active Authentication exchange, the app's report and the flow's choices.
    /// The CPR or P code stays out of it (only which of the two was used). Send it to the
    /// backend. Throws `USAGE` for a time outside years 1–9999.
    pub fn bundle_json(&self, created_at_unix_seconds: i64) -> Result<String, IdProofError> {
        guard(|| {
            let at = time_at(created_at_unix_seconds)?;
            self.inner
                .bundle(at)
                .to_json()
                .map_err(|e| evidence_error(&e))
        })
    }
}

/// The backend's verdict on an evidence bundle.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EvidenceVerdict {
    /// `Failed` when any evidence check or recomputed document check failed; otherwise the
    /// recomputed report's verdict.
    pub verdict: Verdict,
    /// Every failure: the evidence checks' first, then the recomputed report's.
    pub failures: Vec<Failure>,
    /// The checks of the bundle itself (`format`, `nonce`, `aa_challenge`, `app_report`,
    /// `document_kind`, `issuing_state`, `expiry`, `access_fields`).
    pub evidence_checks: Vec<Check>,
    /// `verify` re-run on the bundle's files and chip evidence.
    pub report: VerificationReport,
    /// The anti-clone proofs as the backend classes them.
    pub anti_clone: Vec<AntiCloneProof>,
    /// The decision from the recomputed report, the face result and the evidence checks.
    pub assurance: Assurance,
}

/// Re-verifies an evidence bundle as a backend does (`flow::evidence::verify_evidence`):
/// parses `json` strictly, re-runs `verify` on its files against `trust_store` at
/// `at_unix_seconds`, checks its nonce and Active Authentication challenge against `nonce`
/// (the one the backend issued for the session), the app's claimed report and the flow's
/// choices, and decides the assurance. Throws `InvalidInput` with `EVIDENCE_FORMAT` or
/// `EVIDENCE_VERSION` for a text that is not a v1 bundle, `USAGE` for a nonce that is not
/// 8–32 bytes or a time outside years 1–9999.
#[uniffi::export]
pub fn verify_evidence_bundle(
    json: String,
    trust_store: Arc<TrustStore>,
    at_unix_seconds: i64,
    nonce: Vec<u8>,
) -> Result<EvidenceVerdict, IdProofError> {
    guard(|| {
        let at = time_at(at_unix_seconds)?;
        let nonce =
            Nonce::new(nonce).ok_or_else(|| IdProofError::usage("a nonce is 8 to 32 bytes"))?;
        let bundle = EvidenceBundle::from_json(&json).map_err(|e| evidence_error(&e))?;
        let v = trust_store.with(|trust| verify_evidence(&bundle, trust, at, &nonce))?;
        Ok(EvidenceVerdict {
            verdict: v.verdict.into(),
            failures: v.failures.into_iter().map(Failure::from).collect(),
            evidence_checks: v
                .evidence_checks
                .into_iter()
                .map(|c| Check {
                    name: c.name.as_str().to_owned(),
                    status: c.status.into(),
                    code: c.code.map(|code| code.as_str().to_owned()),
                    detail: c.detail,
                    // The bundle's own checks are not PA checks: no deviation list applies.
                    deviations: Vec::new(),
                })
                .collect(),
            report: v.report.into(),
            anti_clone: v.anti_clone.into_iter().map(AntiCloneProof::from).collect(),
            assurance: v.assurance.into(),
        })
    })
}

/// `InvalidInput` with the evidence error's stable code.
fn evidence_error(e: &EvidenceError) -> IdProofError {
    IdProofError::InvalidInput {
        code: e.code().as_str().to_owned(),
        detail: e.to_string(),
    }
}
