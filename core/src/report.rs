//! Verification results: reports with stable failure codes, never bare booleans.
//!
//! Every check is `passed`, `failed(code, detail)` or `not_performed(reason)`. The verdict is
//! derived from the checks by one rule ([`Verdict::from_checks`]) so no caller can call a
//! document authentic on its own say-so.

use serde::{Deserialize, Serialize};

/// The checks a report can hold; their names are stable (JSON, FFI, evidence bundle).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckName {
    /// EF.SOD's CMS signature verifies with the document signer certificate.
    SodSignature,
    /// Document signer → (link)* → CSCA chain valid at signing time.
    DscChain,
    /// The DSC is not on a CRL of its issuer.
    Revocation,
    /// Every read data group hashes to the value in EF.SOD.
    DgHashes,
    /// EF.COM's data-group list agrees with EF.SOD.
    ComConsistency,
    /// DG1's MRZ (and the MRZ used for access, when given) has valid check digits; passes only
    /// on DG1's MRZ.
    Mrz,
    /// DG1 holds the same MRZ that was used for access.
    Dg1MrzMatch,
    /// Chip authentication (or PACE-CAM) proved the chip holds the DG14/CardSecurity key.
    ChipAuthentication,
    /// Active authentication proved the chip holds the DG15 key.
    ActiveAuthentication,
    /// Every LDS file read or given (other than EF.SOD) parses (`LDS_FORMAT` names the one
    /// that does not).
    LdsParse,
    /// EF.CardSecurity's signature and DSC → CSCA chain verify, and every PACE entry of
    /// EF.CardAccess is signed in it; `not_performed` when no EF.CardSecurity was given.
    CardSecurity,
}

impl CheckName {
    /// Every check name, in report order (front ends read names back with it, never a copy).
    pub const ALL: [CheckName; 11] = [
        CheckName::SodSignature,
        CheckName::DscChain,
        CheckName::Revocation,
        CheckName::DgHashes,
        CheckName::ComConsistency,
        CheckName::Mrz,
        CheckName::Dg1MrzMatch,
        CheckName::ChipAuthentication,
        CheckName::ActiveAuthentication,
        CheckName::LdsParse,
        CheckName::CardSecurity,
    ];

    /// The stable name, e.g. `"sod_signature"`.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckName::SodSignature => "sod_signature",
            CheckName::DscChain => "dsc_chain",
            CheckName::Revocation => "revocation",
            CheckName::DgHashes => "dg_hashes",
            CheckName::ComConsistency => "com_consistency",
            CheckName::Mrz => "mrz",
            CheckName::Dg1MrzMatch => "dg1_mrz_match",
            CheckName::ChipAuthentication => "chip_authentication",
            CheckName::ActiveAuthentication => "active_authentication",
            CheckName::LdsParse => "lds_parse",
            CheckName::CardSecurity => "card_security",
        }
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// The check ran and succeeded.
    Passed,
    /// The check ran and failed; `code` says how.
    Failed,
    /// The check could not run; `detail` says why. Never counts as passed.
    NotPerformed,
}

/// One check in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Which check.
    pub name: CheckName,
    /// Its outcome.
    pub status: CheckStatus,
    /// Stable failure code when failed (e.g. `MRZ_MISMATCH`).
    pub code: Option<String>,
    /// Human explanation (why it failed or was not performed).
    pub detail: Option<String>,
    /// Known deviations of the issuing State (from a verified ICAO deviation list) that explain
    /// this outcome. Annotations only: they never change `status` or `code`. Absent from JSON
    /// when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deviations: Vec<DeviationNote>,
}

/// A deviation of the issuing State that explains a check's outcome (ICAO 9303-12 deviation
/// list; see `docs/deviation-lists.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviationNote {
    /// Stable code, e.g. `DEVIATION_DG_HASH_WRONG`.
    pub code: String,
    /// The deviationType OID, e.g. `2.23.136.1.1.7.2.2`.
    pub deviation_type: String,
    /// The parameter, the issuing State's description and the list it came from.
    pub detail: String,
}

impl Check {
    /// A passed check.
    pub fn passed(name: CheckName) -> Self {
        Self {
            name,
            status: CheckStatus::Passed,
            code: None,
            detail: None,
            deviations: Vec::new(),
        }
    }

    /// A failed check with its stable code.
    pub fn failed(name: CheckName, code: &str, detail: impl Into<String>) -> Self {
        Self {
            name,
            status: CheckStatus::Failed,
            code: Some(code.to_owned()),
            detail: Some(detail.into()),
            deviations: Vec::new(),
        }
    }

    /// A check that could not run, and why.
    pub fn not_performed(name: CheckName, reason: impl Into<String>) -> Self {
        Self {
            name,
            status: CheckStatus::NotPerformed,
            code: None,
            detail: Some(reason.into()),
            deviations: Vec::new(),
        }
    }

    /// A passed check with a note on what was checked.
    pub fn passed_with(name: CheckName, detail: impl Into<String>) -> Self {
        Self {
            detail: Some(detail.into()),
            ..Self::passed(name)
        }
    }
}

/// The overall result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Passive authentication passed and nothing failed.
    Authentic,
    /// At least one check failed.
    Failed,
    /// Nothing failed, but the checks that prove authenticity did not all run.
    Incomplete,
}

/// Checks that must all pass for a document to be called authentic. `mrz` passes only on
/// DG1's own MRZ, so with `dg_hashes` it means DG1 was present, parsed and hashed.
const REQUIRED_FOR_AUTHENTIC: [CheckName; 4] = [
    CheckName::SodSignature,
    CheckName::DscChain,
    CheckName::DgHashes,
    CheckName::Mrz,
];

impl Verdict {
    /// The one rule: any failure → `Failed` (a failed `card_security` too: a forged
    /// EF.CardSecurity is a tampering sign); all of SOD signature, chain, hashes and `mrz`
    /// (DG1's check digits, so DG1 present and hashed) passed, and `dg1_mrz_match` passed or
    /// `not_performed` → `Authentic`; otherwise `Incomplete`.
    ///
    /// DG1 = MRZ binds the chip to the MRZ used to open it. When no MRZ was used (CAN access,
    /// or offline verification of dumped files without `--mrz`), there is nothing to bind to and
    /// `dg1_mrz_match` is `not_performed`; whenever an MRZ was given and DG1 is there, the
    /// comparison runs and a difference fails. `card_security` not performed (most dumps have
    /// no EF.CardSecurity) does not block `Authentic` either.
    pub fn from_checks(checks: &[Check]) -> Self {
        if checks.iter().any(|c| c.status == CheckStatus::Failed) {
            return Verdict::Failed;
        }
        let passed = |name: CheckName| {
            checks
                .iter()
                .any(|c| c.name == name && c.status == CheckStatus::Passed)
        };
        if REQUIRED_FOR_AUTHENTIC.iter().all(|n| passed(*n)) {
            Verdict::Authentic
        } else {
            Verdict::Incomplete
        }
    }
}

/// A failure as listed in JSON `failures`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Failure {
    /// Stable code.
    pub code: String,
    /// Human explanation.
    pub detail: String,
}

/// A verification report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The verdict derived from `checks`.
    pub verdict: Verdict,
    /// Every failed check, as code + detail.
    pub failures: Vec<Failure>,
    /// All checks, in a stable order.
    pub checks: Vec<Check>,
}

impl Report {
    /// Builds a report from its checks; verdict and failures are derived, never given.
    pub fn from_checks(checks: Vec<Check>) -> Self {
        let failures = checks
            .iter()
            .filter(|c| c.status == CheckStatus::Failed)
            .map(|c| Failure {
                code: c.code.clone().unwrap_or_default(),
                detail: c.detail.clone().unwrap_or_default(),
            })
            .collect();
        Self {
            verdict: Verdict::from_checks(&checks),
            failures,
            checks,
        }
    }

    /// The check with this name, if present.
    pub fn check(&self, name: CheckName) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_pa_passed() -> Vec<Check> {
        REQUIRED_FOR_AUTHENTIC
            .iter()
            .map(|n| Check::passed(*n))
            .collect()
    }

    #[test]
    fn authentic_needs_every_pa_check_passed() {
        assert_eq!(Verdict::from_checks(&all_pa_passed()), Verdict::Authentic);
        for skip in REQUIRED_FOR_AUTHENTIC {
            let checks: Vec<Check> = all_pa_passed()
                .into_iter()
                .map(|c| {
                    if c.name == skip {
                        Check::not_performed(skip, "not yet")
                    } else {
                        c
                    }
                })
                .collect();
            assert_eq!(
                Verdict::from_checks(&checks),
                Verdict::Incomplete,
                "{skip:?}"
            );
        }
    }

    #[test]
    fn without_an_access_mrz_pa_and_dg1_decide() {
        let mut checks = all_pa_passed();
        checks.push(Check::not_performed(CheckName::Dg1MrzMatch, "no MRZ"));
        assert_eq!(Verdict::from_checks(&checks), Verdict::Authentic);
        // DG1 not given: its check digits were not checked, so not authentic.
        checks.retain(|c| c.name != CheckName::Mrz);
        checks.push(Check::not_performed(CheckName::Mrz, "DG1 was not given"));
        assert_eq!(Verdict::from_checks(&checks), Verdict::Incomplete);
    }

    #[test]
    fn card_security_fails_the_verdict_but_its_absence_does_not_block_authentic() {
        let mut checks = all_pa_passed();
        checks.push(Check::not_performed(
            CheckName::CardSecurity,
            "EF.CardSecurity was not given",
        ));
        assert_eq!(Verdict::from_checks(&checks), Verdict::Authentic);
        checks.pop();
        checks.push(Check::failed(
            CheckName::CardSecurity,
            "SIGNATURE",
            "EF.CardSecurity: signer signature: the signature does not verify",
        ));
        assert_eq!(Verdict::from_checks(&checks), Verdict::Failed);
        assert_eq!(CheckName::ALL.last(), Some(&CheckName::CardSecurity));
        assert_eq!(CheckName::CardSecurity.as_str(), "card_security");
    }

    #[test]
    fn any_failure_fails() {
        let mut checks = all_pa_passed();
        checks.push(Check::failed(
            CheckName::ActiveAuthentication,
            "AA_FAILED",
            "signature does not verify",
        ));
        let report = Report::from_checks(checks);
        assert_eq!(report.verdict, Verdict::Failed);
        assert_eq!(
            report.failures,
            vec![Failure {
                code: "AA_FAILED".into(),
                detail: "signature does not verify".into()
            }]
        );
    }

    #[test]
    fn json_shape_is_stable() {
        let report = Report::from_checks(vec![
            Check::not_performed(CheckName::SodSignature, "no trust store"),
            Check::failed(CheckName::Dg1MrzMatch, "MRZ_MISMATCH", "DG1 differs"),
        ]);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["verdict"], "failed");
        assert_eq!(json["checks"][0]["name"], "sod_signature");
        assert_eq!(json["checks"][0]["status"], "not_performed");
        assert_eq!(json["checks"][1]["code"], "MRZ_MISMATCH");
        assert_eq!(json["failures"][0]["code"], "MRZ_MISMATCH");
    }
}
