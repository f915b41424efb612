//! Chain validation: signer (DSC or master-list signer) → (link)* → CSCA, judged at signing
//! time, and revocation by CRL.
//!
//! Time rules (ARCHITECTURE.md "Verification results"): the signer must be valid at the
//! object's signingTime (at the caller's `at` only when there is none); each CA must have been
//! valid when it signed the certificate below it, i.e. at that certificate's notBefore. So an
//! expired CSCA or DSC still verifies a document signed while it was valid. Issuers are
//! found by DN **and** AKI = SKI, so an old and a new CSCA key sharing one DN are told apart.

use crate::report::CheckStatus;

use super::cert::{Certificate, key_usage};
use super::glue::SignatureCheck;
use super::pa::{Step, summarize};
use super::trust::TrustStore;

/// The deepest chain followed (signer + links + root).
const MAX_PATH: usize = 8;

/// What a chain validation concluded, step by step.
#[derive(Debug, Clone)]
pub struct ChainResult {
    /// Every step in order.
    pub steps: Vec<Step>,
    /// The certificates above the signer, nearest first (the DSC's issuer is `path[0]`).
    pub path: Vec<Certificate>,
}

impl ChainResult {
    /// Overall outcome.
    pub fn outcome(&self) -> (CheckStatus, String) {
        summarize(&self.steps)
    }

    /// The CA that issued the signer, when the chain reached one.
    pub fn issuer(&self) -> Option<&Certificate> {
        self.path.first()
    }
}

/// Validates `signer` up to a trust anchor in `trust`; `time` is the signing time (or the
/// caller's `at` when the object has none) and `required_usage` the signer's key usage.
pub fn validate(
    signer: &Certificate,
    trust: &TrustStore,
    time: crate::asn1::Time,
    required_usage: u16,
) -> ChainResult {
    let mut result = ChainResult {
        steps: Vec::new(),
        path: Vec::new(),
    };
    if trust.is_empty() {
        result
            .steps
            .push(Step::not_performed("issuer", trust.why_no_anchor()));
        return result;
    }
    if signer.valid_at(time) {
        result.steps.push(Step::passed(
            "signer_validity",
            format!(
                "valid at {time} ({} to {})",
                signer.not_before(),
                signer.not_after()
            ),
        ));
    } else {
        result.steps.push(Step::failed(
            "signer_validity",
            format!(
                "{} is not valid at {time} (valid {} to {})",
                signer.subject_text(),
                signer.not_before(),
                signer.not_after()
            ),
        ));
    }
    if signer.allows(required_usage) {
        result
            .steps
            .push(Step::passed("signer_key_usage", "key usage allows signing"));
    } else {
        result.steps.push(Step::failed(
            "signer_key_usage",
            format!("{} lacks the required key usage", signer.subject_text()),
        ));
    }
    let mut current = signer.clone();
    for depth in 0..MAX_PATH {
        let candidates: Vec<&Certificate> = trust
            .anchors()
            .filter(|ca| ca.may_have_issued(&current) && *ca != &current)
            .collect();
        if candidates.is_empty() {
            if depth == 0 {
                result.steps.push(Step::failed(
                    "issuer",
                    format!(
                        "no CSCA in the trust store issued {} (issuer {}{})",
                        current.subject_text(),
                        current.issuer_text(),
                        current
                            .aki()
                            .map(|a| format!(", AKI {}", crate::asn1::hex_upper(a)))
                            .unwrap_or_default()
                    ),
                ));
            } else {
                result.steps.push(Step::passed(
                    "anchor",
                    format!("{} is in the trust store", current.subject_text()),
                ));
            }
            return result;
        }
        match pick_issuer(&current, &candidates) {
            Ok((issuer, step_detail)) => {
                result
                    .steps
                    .push(Step::passed("issuer_signature", step_detail));
                let issuer = issuer.clone();
                let root = issuer.is_self_issued()
                    && issuer.aki().is_none_or(|aki| Some(aki) == issuer.ski());
                result.path.push(issuer.clone());
                if root {
                    result.steps.push(Step::passed(
                        "anchor",
                        format!("{} (self-signed CSCA)", issuer.subject_text()),
                    ));
                    return result;
                }
                current = issuer;
            }
            Err(step) => {
                result.steps.push(step);
                return result;
            }
        }
    }
    result
        .steps
        .push(Step::failed("issuer", "certificate path is too long"));
    result
}

/// Among DN/AKI candidates, the one whose signature verifies `child`, which was valid when it
/// signed (child's notBefore) and may sign certificates. Otherwise the most telling failure.
fn pick_issuer<'t>(
    child: &Certificate,
    candidates: &[&'t Certificate],
) -> Result<(&'t Certificate, String), Step> {
    let mut failure: Option<Step> = None;
    let mut unsupported: Option<Step> = None;
    for ca in candidates {
        match ca.verify_issued(child) {
            SignatureCheck::Valid(d) => {
                if !ca.valid_at(child.not_before()) {
                    failure = Some(Step::failed(
                        "issuer_validity",
                        format!(
                            "{} was not valid when it signed {} ({}; CA valid {} to {})",
                            ca.subject_text(),
                            child.subject_text(),
                            child.not_before(),
                            ca.not_before(),
                            ca.not_after()
                        ),
                    ));
                    continue;
                }
                if !ca.allows(key_usage::KEY_CERT_SIGN) || ca.is_ca() == Some(false) {
                    failure = Some(Step::failed(
                        "issuer_key_usage",
                        format!("{} may not sign certificates", ca.subject_text()),
                    ));
                    continue;
                }
                return Ok((
                    ca,
                    format!(
                        "{} signed by {} (serial {}): {d}",
                        child.subject_text(),
                        ca.subject_text(),
                        ca.serial_hex()
                    ),
                ));
            }
            SignatureCheck::Invalid(d) => {
                if failure.is_none() {
                    failure = Some(Step::failed(
                        "issuer_signature",
                        format!(
                            "the signature on {} does not verify with {}: {d}",
                            child.subject_text(),
                            ca.subject_text()
                        ),
                    ));
                }
            }
            SignatureCheck::Unsupported(d) => {
                unsupported = Some(Step::not_performed(
                    "issuer_signature",
                    format!("{}: {d}", ca.subject_text()),
                ));
            }
        }
    }
    Err(unsupported
        .or(failure)
        .unwrap_or_else(|| Step::failed("issuer_signature", "no issuer verified")))
}

/// Revocation of `signer` by a CRL of `issuer` from the trust store, judged at `at`.
///
/// No CRL for the issuer → not performed. A CRL is used only if its signature verifies with
/// the issuer's key. A listed serial fails (whatever the revocation date: a compromised key
/// can have signed before it was revoked). An unlisted serial passes only on a CRL that is
/// current at `at` (thisUpdate ≤ at ≤ nextUpdate); a stale one proves nothing.
pub fn check_revocation(
    signer: &Certificate,
    issuer: Option<&Certificate>,
    trust: &TrustStore,
    at: crate::asn1::Time,
) -> Step {
    let Some(issuer) = issuer else {
        return Step::not_performed("revocation", "the issuing CSCA is not known");
    };
    let crls: Vec<_> = trust
        .crls()
        .filter(|c| c.may_be_issued_by(issuer))
        .collect();
    if crls.is_empty() {
        return Step::not_performed(
            "revocation",
            format!("no CRL from {} in the trust store", issuer.subject_text()),
        );
    }
    let mut notes = Vec::new();
    let mut current = false;
    for crl in crls {
        match crl.verify_signature(issuer) {
            SignatureCheck::Valid(_) => {}
            SignatureCheck::Invalid(d) => {
                notes.push(format!(
                    "a CRL from {} has a bad signature ({d})",
                    crl.issuer_text()
                ));
                continue;
            }
            SignatureCheck::Unsupported(d) => {
                notes.push(format!("CRL signature not checked ({d})"));
                continue;
            }
        }
        if let Some(entry) = crl.find(signer.serial()) {
            return Step::failed(
                "revocation",
                format!(
                    "{} (serial {}) was revoked on {} by the CRL of {} issued {}",
                    signer.subject_text(),
                    signer.serial_hex(),
                    entry.revocation_date,
                    crl.issuer_text(),
                    crl.this_update
                ),
            );
        }
        if !crl.refused.is_empty() {
            notes.push(format!(
                "the CRL of {} has {} revoked entr(ies) that cannot be read, so it cannot \
                 prove serial {} is not revoked",
                crl.issuer_text(),
                crl.refused.len(),
                signer.serial_hex()
            ));
        } else if crl.current_at(at) {
            current = true;
        } else {
            notes.push(format!(
                "CRL of {} is not current at {at} (thisUpdate {}, nextUpdate {})",
                crl.issuer_text(),
                crl.this_update,
                crl.next_update
                    .map_or_else(|| "none".into(), |t| t.to_string())
            ));
        }
    }
    if current {
        Step::passed(
            "revocation",
            format!("serial {} is not on a current CRL", signer.serial_hex()),
        )
    } else {
        Step::not_performed("revocation", notes.join("; "))
    }
}
