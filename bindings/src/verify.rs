//! Verification across the FFI: a report of named checks with stable codes, never a boolean.
//!
//! What exists today is `verify_read`: the checks that need no trust store (the MRZ used for
//! access, DG1 = that MRZ); passive authentication is reported `not_performed`, so the verdict
//! is `incomplete`. The seam for passive authentication: a `TrustStore` object (CSCA
//! certificates, master lists, CRLs, LDIF) and `verify(document, trust, at)` returning this
//! same `VerificationReport`, exported here once core has them; `Check.name` and `Check.code`
//! are strings so new checks and codes need no change to apps.

use idproof_core::mrz::Mrz;
use idproof_core::report;

use crate::document::Document;
use crate::error::{IdProofError, guard};

/// The overall result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Verdict {
    /// Passive authentication passed and nothing failed.
    Authentic,
    /// At least one check failed (see `failures`).
    Failed,
    /// Nothing failed, but the checks that prove authenticity did not all run.
    Incomplete,
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CheckStatus {
    /// Ran and succeeded.
    Passed,
    /// Ran and failed; `code` says how.
    Failed,
    /// Could not run; `detail` says why. Never counts as passed.
    NotPerformed,
}

/// One check.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Check {
    /// Stable name: `sod_signature`, `dsc_chain`, `revocation`, `dg_hashes`, `com_consistency`,
    /// `mrz`, `dg1_mrz_match`, `chip_authentication`, `active_authentication`.
    pub name: String,
    /// Outcome.
    pub status: CheckStatus,
    /// Stable failure code when failed (`MRZ_MISMATCH`, `PA_HASH`, …).
    pub code: Option<String>,
    /// Why it failed or did not run.
    pub detail: Option<String>,
}

/// A failed check, as code and detail.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Failure {
    /// Stable code.
    pub code: String,
    /// For logs.
    pub detail: String,
}

/// A verification report: the verdict is derived from the checks by the core's one rule.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerificationReport {
    /// The verdict.
    pub verdict: Verdict,
    /// Every failed check.
    pub failures: Vec<Failure>,
    /// Every check, in a stable order.
    pub checks: Vec<Check>,
}

impl From<report::Report> for VerificationReport {
    fn from(r: report::Report) -> Self {
        Self {
            verdict: match r.verdict {
                report::Verdict::Authentic => Verdict::Authentic,
                report::Verdict::Failed => Verdict::Failed,
                report::Verdict::Incomplete => Verdict::Incomplete,
            },
            failures: r
                .failures
                .into_iter()
                .map(|f| Failure {
                    code: f.code,
                    detail: f.detail,
                })
                .collect(),
            checks: r
                .checks
                .into_iter()
                .map(|c| Check {
                    name: c.name.as_str().to_owned(),
                    status: match c.status {
                        report::CheckStatus::Passed => CheckStatus::Passed,
                        report::CheckStatus::Failed => CheckStatus::Failed,
                        report::CheckStatus::NotPerformed => CheckStatus::NotPerformed,
                    },
                    code: c.code,
                    detail: c.detail,
                })
                .collect(),
        }
    }
}

/// Checks a read document. `access_mrz` is the MRZ the chip was opened with (its lines), or
/// `None` when it was opened with typed fields. Throws `InvalidInput` for a malformed MRZ or a
/// file name in `document.files` that is not an LDS file.
#[uniffi::export]
pub fn verify_read(
    document: Document,
    access_mrz: Option<Vec<String>>,
) -> Result<VerificationReport, IdProofError> {
    guard(|| {
        let core = document.to_core()?;
        let mrz = access_mrz.map(|l| Mrz::parse_lines(&l)).transpose()?;
        Ok(idproof_core::verify::verify_read(&core, mrz.as_ref()).into())
    })
}
