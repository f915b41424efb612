//! Backend re-verification of an evidence bundle: [`verify_evidence`].
//!
//! The backend trusts nothing the app says. It rebuilds the read from the bundle's raw files
//! and chip evidence and re-runs [`crate::verify::verify`] against its own trust store, then
//! checks what only the bundle can tell it (the nonce, the Active Authentication challenge, the
//! flow's choices against DG1, the app's claimed report against the recomputed one), and
//! decides the assurance level with the same [`decide`] the app used, from the recomputed
//! report. Every outcome is a named check with a stable code; nothing is a bare boolean.

use serde::Serialize;

use super::bundle::{EvidenceBundle, FORMAT};
use crate::asn1::Time;
use crate::auth::trust::TrustStore;
use crate::flow::assurance::{
    AntiCloneProof, Assurance, AssuranceInput, AssuranceLevel, Reason, decide,
};
use crate::flow::backend::Nonce;
use crate::flow::date::Date;
use crate::flow::messages::Code;
use crate::flow::validate::{self, ValidationError};
use crate::lds::{DataGroup, Dg1, LdsFile};
use crate::mrz::Mrz;
use crate::reader::Document;
use crate::report::{CheckStatus, Failure, Report, Verdict};

/// The checks of the bundle itself (besides the document's [`Report`]); names are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceCheckName {
    /// `format` is this version's ([`FORMAT`]).
    Format,
    /// The bundle's nonce is the session's.
    Nonce,
    /// Active Authentication ran over the first 8 bytes of the session's nonce.
    AaChallenge,
    /// The app's claimed report agrees with the recomputed one.
    AppReport,
    /// DG1's document code is of the kind chosen in the flow.
    DocumentKind,
    /// DG1's issuing state is the country chosen in the flow.
    IssuingState,
    /// DG1's date of expiry is not before the verification date.
    Expiry,
    /// DG1 holds the document number and dates typed by hand, by the flow's own validator
    /// (the report's `dg1_mrz_match` compares them by the same rule; a scanned MRZ is
    /// compared there only).
    AccessFields,
}

impl EvidenceCheckName {
    /// The stable name, e.g. `"aa_challenge"`.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceCheckName::Format => "format",
            EvidenceCheckName::Nonce => "nonce",
            EvidenceCheckName::AaChallenge => "aa_challenge",
            EvidenceCheckName::AppReport => "app_report",
            EvidenceCheckName::DocumentKind => "document_kind",
            EvidenceCheckName::IssuingState => "issuing_state",
            EvidenceCheckName::Expiry => "expiry",
            EvidenceCheckName::AccessFields => "access_fields",
        }
    }
}

/// One check of the bundle: passed, failed with a stable [`Code`], or not performed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceCheck {
    /// Which check.
    pub name: EvidenceCheckName,
    /// Its outcome.
    pub status: CheckStatus,
    /// The stable code when failed (`NONCE`, `AA_CHALLENGE`, `EVIDENCE_CLAIM`, …).
    pub code: Option<Code>,
    /// Why it failed or was not performed (never personal data beyond codes and dates).
    pub detail: Option<String>,
}

impl EvidenceCheck {
    fn passed(name: EvidenceCheckName) -> Self {
        Self {
            name,
            status: CheckStatus::Passed,
            code: None,
            detail: None,
        }
    }

    fn failed(name: EvidenceCheckName, code: Code, detail: impl Into<String>) -> Self {
        Self {
            name,
            status: CheckStatus::Failed,
            code: Some(code),
            detail: Some(detail.into()),
        }
    }

    fn not_performed(name: EvidenceCheckName, why: impl Into<String>) -> Self {
        Self {
            name,
            status: CheckStatus::NotPerformed,
            code: None,
            detail: Some(why.into()),
        }
    }

    fn from_validation(name: EvidenceCheckName, result: Result<(), ValidationError>) -> Self {
        match result {
            Ok(()) => Self::passed(name),
            Err(e) => Self::failed(name, e.code(), e.to_string()),
        }
    }
}

/// The backend's verdict on a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceVerdict {
    /// `failed` when any evidence check or any recomputed document check failed; otherwise
    /// the recomputed report's verdict (`authentic` or `incomplete`).
    pub verdict: Verdict,
    /// Every failure: the evidence checks' first, then the recomputed report's.
    pub failures: Vec<Failure>,
    /// The checks of the bundle itself, in [`EvidenceCheckName`] order.
    pub evidence_checks: Vec<EvidenceCheck>,
    /// `verify::verify` re-run on the bundle's files and chip evidence.
    pub report: Report,
    /// The anti-clone proofs as the backend classes them (Active Authentication over the
    /// session nonce is `aa_server_nonce`; Chip Authentication and PACE-CAM stay
    /// app-asserted even when their public values re-check).
    pub anti_clone: Vec<AntiCloneProof>,
    /// The assurance decision from the recomputed report, the flow's face result and the
    /// evidence checks: `not_met` whenever any of them failed.
    pub assurance: Assurance,
}

impl EvidenceVerdict {
    /// The codes of every failure, in order.
    pub fn failure_codes(&self) -> Vec<&str> {
        self.failures.iter().map(|f| f.code.as_str()).collect()
    }

    /// The evidence check with this name.
    pub fn evidence_check(&self, name: EvidenceCheckName) -> Option<&EvidenceCheck> {
        self.evidence_checks.iter().find(|c| c.name == name)
    }
}

/// Re-verifies `bundle` as a backend: against `trust` at `at`, for the session whose nonce
/// is `expected_nonce`.
///
/// The recomputed report is `verify::verify` over the bundle's files, chip evidence and
/// Active Authentication exchange, with the bundle's access MRZ (all lines, or the three
/// typed fields: `dg1_mrz_match` compares DG1 with either).
/// On top of it: `format` ([`FORMAT`], else `EVIDENCE_VERSION`), `nonce` (the bundle's nonce
/// is `expected_nonce`, else `NONCE`), `aa_challenge` (the AA challenge is the first 8 bytes
/// of `expected_nonce`, else `AA_CHALLENGE`: a signature over any other challenge may be a
/// replay), `app_report` (see below, `EVIDENCE_CLAIM`), and with the flow's inputs
/// `document_kind`, `issuing_state`, `expiry` and `access_fields` (the flow validators'
/// codes: `DOC_KIND`, `COUNTRY`, `DOC_EXPIRED`, `MRZ_MISMATCH`, `DG1_MISSING` …).
///
/// **The claim.** The app's report must be what its own checks say (its verdict and
/// failures derived from its checks), list the same checks, and agree with the recomputed
/// report on each check's status and code — except that the app may report a check
/// `not_performed` that the backend could run (an app without a trust store or CRLs).
/// Details are not compared (they name times and certificate paths).
pub fn verify_evidence(
    bundle: &EvidenceBundle,
    trust: &TrustStore,
    at: Time,
    expected_nonce: &Nonce,
) -> EvidenceVerdict {
    let document = bundle.document();
    // Both kinds of access data, as the app's `verify_access` had them: the whole MRZ or
    // the three typed fields (`from_json` refused a bundle whose access data does not parse).
    let access = bundle
        .access_mrz
        .as_ref()
        .and_then(super::AccessMrzEvidence::to_access);
    let report = crate::verify::verify_access(
        &document,
        trust,
        at,
        access.as_ref().map(crate::flow::AccessMrz::as_mrz_access),
    );

    let mut checks = vec![
        format_check(bundle),
        nonce_check(bundle, expected_nonce),
        aa_challenge_check(&document, expected_nonce),
        claim_check(&bundle.app_report, &report),
    ];
    checks.extend(flow_checks(bundle, &document, at));

    let aa_bound = checks
        .iter()
        .any(|c| c.name == EvidenceCheckName::AaChallenge && c.status == CheckStatus::Passed);
    let input = AssuranceInput::from_read(
        &report,
        &document,
        aa_bound,
        bundle.flow.as_ref().map(|f| f.face),
    );
    let mut assurance = decide(&input);
    for check in &checks {
        if let (CheckStatus::Failed, Some(code)) = (check.status, check.code) {
            if !assurance.has_reason(code) {
                assurance.reasons.push(Reason {
                    code,
                    detail: format!(
                        "evidence check {} failed: {}",
                        check.name.as_str(),
                        check.detail.as_deref().unwrap_or_default()
                    ),
                });
            }
            assurance.level = AssuranceLevel::NotMet;
        }
    }

    let mut failures: Vec<Failure> = checks
        .iter()
        .filter(|c| c.status == CheckStatus::Failed)
        .map(|c| Failure {
            code: c.code.map(Code::as_str).unwrap_or_default().to_owned(),
            detail: c.detail.clone().unwrap_or_default(),
        })
        .collect();
    failures.extend(report.failures.iter().cloned());
    let verdict = if failures.is_empty() {
        report.verdict
    } else {
        Verdict::Failed
    };
    EvidenceVerdict {
        verdict,
        failures,
        evidence_checks: checks,
        report,
        anti_clone: input.anti_clone,
        assurance,
    }
}

fn format_check(bundle: &EvidenceBundle) -> EvidenceCheck {
    const NAME: EvidenceCheckName = EvidenceCheckName::Format;
    if bundle.format == FORMAT {
        EvidenceCheck::passed(NAME)
    } else {
        EvidenceCheck::failed(
            NAME,
            Code::EvidenceVersion,
            format!("format {:?} is not {FORMAT:?}", bundle.format),
        )
    }
}

fn nonce_check(bundle: &EvidenceBundle, expected: &Nonce) -> EvidenceCheck {
    const NAME: EvidenceCheckName = EvidenceCheckName::Nonce;
    if bundle.nonce == expected.as_bytes() {
        EvidenceCheck::passed(NAME)
    } else {
        EvidenceCheck::failed(
            NAME,
            Code::Nonce,
            "the bundle answers another nonce than this session's",
        )
    }
}

fn aa_challenge_check(document: &Document, expected: &Nonce) -> EvidenceCheck {
    const NAME: EvidenceCheckName = EvidenceCheckName::AaChallenge;
    let Some(exchange) = &document.active_authentication else {
        return EvidenceCheck::not_performed(NAME, "Active Authentication did not run");
    };
    if exchange.challenge.as_slice() == expected.aa_challenge().as_slice() {
        EvidenceCheck::passed(NAME)
    } else {
        EvidenceCheck::failed(
            NAME,
            Code::AaChallenge,
            format!(
                "Active Authentication ran over {}, not over the session nonce's first 8 bytes \
                 {} (a replayed signature?)",
                crate::asn1::hex_upper(&exchange.challenge),
                crate::asn1::hex_upper(&expected.aa_challenge()),
            ),
        )
    }
}

/// `app_report`: see [`verify_evidence`].
fn claim_check(claimed: &Report, recomputed: &Report) -> EvidenceCheck {
    const NAME: EvidenceCheckName = EvidenceCheckName::AppReport;
    let fail = |detail: String| EvidenceCheck::failed(NAME, Code::EvidenceClaim, detail);
    let derived = Report::from_checks(claimed.checks.clone());
    if derived.verdict != claimed.verdict {
        return fail(format!(
            "the app claims the verdict {}, but its own checks give {}",
            verdict_name(claimed.verdict),
            verdict_name(derived.verdict)
        ));
    }
    if derived.failures != claimed.failures {
        return fail("the app's failures are not those of its own checks".to_owned());
    }
    let names = |r: &Report| r.checks.iter().map(|c| c.name).collect::<Vec<_>>();
    if names(claimed) != names(recomputed) {
        return fail("the app's report does not list the checks this verifier runs".to_owned());
    }
    let differences: Vec<String> = claimed
        .checks
        .iter()
        .zip(&recomputed.checks)
        .filter(|(app, ours)| {
            app.status != CheckStatus::NotPerformed
                && (app.status != ours.status || app.code != ours.code)
        })
        .map(|(app, ours)| {
            format!(
                "{}: the app claims {}, recomputed {}",
                app.name.as_str(),
                status_text(app.status, app.code.as_deref()),
                status_text(ours.status, ours.code.as_deref()),
            )
        })
        .collect();
    if differences.is_empty() {
        EvidenceCheck::passed(NAME)
    } else {
        fail(differences.join("; "))
    }
}

fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Authentic => "authentic",
        Verdict::Failed => "failed",
        Verdict::Incomplete => "incomplete",
    }
}

fn status_text(status: CheckStatus, code: Option<&str>) -> String {
    match (status, code) {
        (CheckStatus::Passed, _) => "passed".to_owned(),
        (CheckStatus::Failed, Some(code)) => format!("failed ({code})"),
        (CheckStatus::Failed, None) => "failed".to_owned(),
        (CheckStatus::NotPerformed, _) => "not performed".to_owned(),
    }
}

/// The flow's choices against DG1: kind, country, expiry and typed fields.
fn flow_checks(bundle: &EvidenceBundle, document: &Document, at: Time) -> Vec<EvidenceCheck> {
    use EvidenceCheckName::{AccessFields, DocumentKind, Expiry, IssuingState};
    let Some(flow) = &bundle.flow else {
        let why = "the bundle has no activation-flow inputs";
        return [DocumentKind, IssuingState, Expiry, AccessFields]
            .into_iter()
            .map(|name| EvidenceCheck::not_performed(name, why))
            .collect();
    };
    let dg1 = document
        .file(LdsFile::Dg(DataGroup::DG1))
        .and_then(|raw| Dg1::parse(raw).ok())
        .and_then(|dg1| Mrz::parse(dg1.mrz_text()).ok());
    let Some(dg1) = dg1 else {
        let missing = EvidenceCheck::failed(
            DocumentKind,
            Code::Dg1Missing,
            "the bundle holds no DG1 that parses",
        );
        let mut checks = vec![missing];
        checks.extend(
            [IssuingState, Expiry, AccessFields]
                .into_iter()
                .map(|name| EvidenceCheck::not_performed(name, "no DG1")),
        );
        return checks;
    };
    let kind = validate::document_kind(flow.document_kind, dg1.document_code());
    let country = validate::issuing_state(&flow.issuing_state, true)
        .and_then(|state| validate::issuing_state_matches(dg1.issuing_state(), &state));
    let expiry = match date_of(at) {
        Some(today) => EvidenceCheck::from_validation(
            Expiry,
            validate::not_expired(dg1.expiry_date(), today).map(|_| ()),
        ),
        None => EvidenceCheck::not_performed(Expiry, "the verification time has no date"),
    };
    let fields = match bundle.access_mrz.as_ref() {
        Some(fields @ super::AccessMrzEvidence::Fields { .. }) => match fields.to_access() {
            Some(access) => EvidenceCheck::from_validation(
                AccessFields,
                validate::dg1_matches_access(&dg1, &access),
            ),
            None => EvidenceCheck::failed(
                AccessFields,
                Code::MrzFormat,
                "the typed fields are not a document number and two dates",
            ),
        },
        Some(super::AccessMrzEvidence::Lines(_)) => EvidenceCheck::not_performed(
            AccessFields,
            "the whole MRZ was given: the report's dg1_mrz_match compares it",
        ),
        None => EvidenceCheck::not_performed(AccessFields, "the chip was opened with the CAN"),
    };
    vec![
        EvidenceCheck::from_validation(DocumentKind, kind),
        EvidenceCheck::from_validation(IssuingState, country),
        expiry,
        fields,
    ]
}

/// The calendar date of `at` (UTC).
fn date_of(at: Time) -> Option<Date> {
    Date::parse_iso(at.to_string().get(..10)?)
}
