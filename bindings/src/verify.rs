//! Verification across the FFI: a report of named checks with stable codes, never a boolean.
//!
//! `verify` runs every check of the core's `verify::verify` against a [`TrustStore`]: passive
//! authentication (SOD signature, DSC → CSCA chain, revocation, data-group hashes, EF.COM), the
//! MRZ used for access and DG1 = that MRZ, Chip Authentication / PACE-CAM from the read's
//! evidence and Active Authentication from its exchange. `verify_read` is the same without a
//! trust store: the chain is `not_performed`, so the verdict is never `authentic`.
//! `Check.name` and `Check.code` are strings so new checks and codes need no change to apps.

use std::sync::Arc;

use idproof_core::asn1::Time;
use idproof_core::mrz::Mrz;
use idproof_core::report;
use idproof_core::{Error, ErrorCode};

use crate::document::Document;
use crate::error::{IdProofError, guard};
use crate::trust::TrustStore;

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

impl From<report::CheckStatus> for CheckStatus {
    fn from(s: report::CheckStatus) -> Self {
        match s {
            report::CheckStatus::Passed => CheckStatus::Passed,
            report::CheckStatus::Failed => CheckStatus::Failed,
            report::CheckStatus::NotPerformed => CheckStatus::NotPerformed,
        }
    }
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
    /// Known deviations of the issuing State, from a verified ICAO deviation list in the trust
    /// store, that explain this check's failure. They annotate it and never change its status
    /// or the verdict (a forger can copy any DSC reference); a UI may show them ("known issuer
    /// defect") and a backend recomputes them from its own store.
    pub deviations: Vec<DeviationNote>,
}

/// One deviation-list entry that matched the document (ICAO 9303-12 deviation lists,
/// docs/deviation-lists.md).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DeviationNote {
    /// Stable code, e.g. `DEVIATION_DG_HASH_WRONG`.
    pub code: String,
    /// The deviationType OID, e.g. `2.23.136.1.1.7.2.2`.
    pub deviation_type: String,
    /// The parameter, the issuing State's description and the list it came from.
    pub detail: String,
}

impl From<report::DeviationNote> for DeviationNote {
    fn from(d: report::DeviationNote) -> Self {
        DeviationNote {
            code: d.code,
            deviation_type: d.deviation_type,
            detail: d.detail,
        }
    }
}

impl From<DeviationNote> for report::DeviationNote {
    fn from(d: DeviationNote) -> Self {
        report::DeviationNote {
            code: d.code,
            deviation_type: d.deviation_type,
            detail: d.detail,
        }
    }
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

impl From<report::Verdict> for Verdict {
    fn from(v: report::Verdict) -> Self {
        match v {
            report::Verdict::Authentic => Verdict::Authentic,
            report::Verdict::Failed => Verdict::Failed,
            report::Verdict::Incomplete => Verdict::Incomplete,
        }
    }
}

impl From<report::Failure> for Failure {
    fn from(f: report::Failure) -> Self {
        Failure {
            code: f.code,
            detail: f.detail,
        }
    }
}

impl From<report::Check> for Check {
    fn from(c: report::Check) -> Self {
        Check {
            name: c.name.as_str().to_owned(),
            status: c.status.into(),
            code: c.code,
            detail: c.detail,
            deviations: c.deviations.into_iter().map(DeviationNote::from).collect(),
        }
    }
}

impl From<report::Report> for VerificationReport {
    fn from(r: report::Report) -> Self {
        Self {
            verdict: r.verdict.into(),
            failures: r.failures.into_iter().map(Failure::from).collect(),
            checks: r.checks.into_iter().map(Check::from).collect(),
        }
    }
}

impl TryFrom<VerificationReport> for report::Report {
    type Error = IdProofError;

    /// The core report of these checks (for the activation flow's chip-read event). The
    /// verdict and failures are derived again from the checks by the core's rule, never
    /// copied; an unknown check name is a `USAGE` error.
    fn try_from(r: VerificationReport) -> Result<Self, IdProofError> {
        let checks = r
            .checks
            .into_iter()
            .map(|c| {
                let name = report::CheckName::ALL
                    .into_iter()
                    .find(|n| n.as_str() == c.name)
                    .ok_or_else(|| {
                        IdProofError::usage(format!("no check is named `{}`", c.name))
                    })?;
                Ok(report::Check {
                    name,
                    status: match c.status {
                        CheckStatus::Passed => report::CheckStatus::Passed,
                        CheckStatus::Failed => report::CheckStatus::Failed,
                        CheckStatus::NotPerformed => report::CheckStatus::NotPerformed,
                    },
                    code: c.code,
                    detail: c.detail,
                    deviations: c
                        .deviations
                        .into_iter()
                        .map(report::DeviationNote::from)
                        .collect(),
                })
            })
            .collect::<Result<Vec<_>, IdProofError>>()?;
        Ok(report::Report::from_checks(checks))
    }
}

/// The time of `at_unix_seconds`, or a `USAGE` error outside years 1–9999.
pub(crate) fn time_at(at_unix_seconds: i64) -> Result<Time, IdProofError> {
    time_from_unix(at_unix_seconds).ok_or_else(|| {
        IdProofError::from(Error::new(
            ErrorCode::Usage,
            format!("{at_unix_seconds} seconds since 1970 is outside years 1–9999"),
        ))
    })
}

/// Verifies a read document against `trust_store` at `at_unix_seconds` (seconds since
/// 1970-01-01T00:00:00Z, e.g. `Instant.now().epochSecond` / `Date().timeIntervalSince1970`):
/// certificates are judged at the SOD's signingTime, and at this moment when it has none.
/// `access_mrz` is the MRZ the chip was opened with (its lines), or `None` after typed fields or
/// a CAN. The verdict is `Authentic` only when the SOD signature, the chain to a trusted CSCA,
/// the data-group hashes and `mrz` (DG1 present, its check digits valid) passed (and DG1
/// matched the access MRZ, when one was given), and nothing failed (`lds_parse` fails for a
/// file that does not parse); check `chip_authentication` and `active_authentication` for anti-cloning.
/// Throws `InvalidInput` (`USAGE`, `MRZ_FORMAT`) for a malformed MRZ, a file name in
/// `document.files` that is not an LDS file, an Active Authentication challenge that is not 8
/// bytes, or a time outside years 1–9999.
#[uniffi::export]
pub fn verify(
    document: Document,
    trust_store: Arc<TrustStore>,
    at_unix_seconds: i64,
    access_mrz: Option<Vec<String>>,
) -> Result<VerificationReport, IdProofError> {
    guard(|| {
        let core = document.to_core()?;
        let mrz = access_mrz.map(|l| Mrz::parse_lines(&l)).transpose()?;
        let at = time_at(at_unix_seconds)?;
        let report = trust_store
            .with(|trust| idproof_core::verify::verify(&core, trust, at, mrz.as_ref()))?;
        Ok(report.into())
    })
}

/// The civil UTC time of a Unix timestamp (proleptic Gregorian, H. Hinnant's days-to-civil);
/// `None` outside years 1–9999.
pub(crate) fn time_from_unix(secs: i64) -> Option<Time> {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days.checked_add(719_468)?;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = era
        .checked_mul(400)?
        .checked_add(yoe + i64::from(month <= 2))?;
    if !(1..=9999).contains(&year) {
        return None;
    }
    Time::new(
        u16::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
        u8::try_from(rem / 3600).ok()?,
        u8::try_from(rem % 3600 / 60).ok()?,
        u8::try_from(rem % 60).ok()?,
    )
}

/// Checks a read document without a trust store: like `verify` with an empty store, so the
/// chain is `not_performed` and the verdict at best `Incomplete`. `access_mrz` is the MRZ the
/// chip was opened with (its lines), or `None` when it was opened with typed fields or a CAN.
/// Throws `InvalidInput` for a malformed MRZ or a file name in `document.files` that is not an
/// LDS file.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_converts_back_with_its_verdict_derived_from_the_checks() {
        let claimed = VerificationReport {
            verdict: Verdict::Authentic,
            failures: vec![],
            checks: vec![
                Check {
                    name: "sod_signature".into(),
                    status: CheckStatus::Passed,
                    code: None,
                    detail: None,
                    deviations: vec![],
                },
                Check {
                    name: "dg_hashes".into(),
                    status: CheckStatus::Failed,
                    code: Some("PA_HASH".into()),
                    detail: Some("DG2".into()),
                    // Annotations travel both ways unchanged and never soften the failure.
                    deviations: vec![DeviationNote {
                        code: "DEVIATION_DG_HASH_WRONG".into(),
                        deviation_type: "2.23.136.1.1.7.2.2".into(),
                        detail: "DG2: hash computed before the final write (UT.dvl)".into(),
                    }],
                },
            ],
        };
        let core = report::Report::try_from(claimed.clone()).unwrap();
        assert_eq!(core.verdict, report::Verdict::Failed);
        assert_eq!(core.failures[0].code, "PA_HASH");
        let back = VerificationReport::from(core);
        assert_eq!(back.checks, claimed.checks);
        assert_eq!(back.verdict, Verdict::Failed);

        let mut unknown = claimed;
        unknown.checks[0].name = "sod".into();
        assert_eq!(
            report::Report::try_from(unknown).unwrap_err().code(),
            "USAGE"
        );
        for name in report::CheckName::ALL {
            assert!(
                report::Report::try_from(VerificationReport {
                    verdict: Verdict::Incomplete,
                    failures: vec![],
                    checks: vec![Check {
                        name: name.as_str().into(),
                        status: CheckStatus::NotPerformed,
                        code: None,
                        detail: None,
                        deviations: vec![],
                    }],
                })
                .is_ok()
            );
        }
    }

    #[test]
    fn unix_time_converts_to_civil_time() {
        let text = |s| time_from_unix(s).map(|t| t.to_string());
        assert_eq!(text(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(text(1_709_210_096).as_deref(), Some("2024-02-29T12:34:56Z"));
        assert_eq!(text(-1).as_deref(), Some("1969-12-31T23:59:59Z"));
        assert_eq!(
            text(253_402_300_799).as_deref(),
            Some("9999-12-31T23:59:59Z")
        );
        assert_eq!(text(253_402_300_800), None);
        assert_eq!(text(-62_135_596_801), None);
        assert_eq!(text(i64::MAX), None);
        assert_eq!(text(i64::MIN), None);
    }
}
