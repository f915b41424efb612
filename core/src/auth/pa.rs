//! The signer side of passive authentication for any ICAO CMS object (EF.SOD,
//! EF.CardSecurity, master lists): content type, message digest, signing time, signer
//! certificate and signature — each a typed [`Step`].
//!
//! With signed attributes, the signature covers them re-tagged as `SET` from the original
//! bytes, contentType must equal eContentType and messageDigest must equal the hash of
//! eContent. Without them (some EF.CardSecurity), the signature covers eContent directly.

use serde::Serialize;

use crate::asn1::{Time, hex_upper};
use crate::cms::{SignedData, SignerId};
use crate::report::CheckStatus;

use super::cert::{Certificate, strip_zero};
use super::glue::{SignatureCheck, hash, hash_algorithm_from_oid, verify_signature};

/// One named step of a verification, with its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Stable step name (`content_type`, `message_digest`, `signer_certificate`, `signature`,
    /// `dsc_validity`, `issuer_signature`, …).
    pub name: &'static str,
    /// Outcome.
    pub status: CheckStatus,
    /// What was found, or why it failed / did not run.
    pub detail: String,
}

impl Step {
    pub(crate) fn passed(name: &'static str, detail: impl Into<String>) -> Self {
        Self {
            name,
            status: CheckStatus::Passed,
            detail: detail.into(),
        }
    }

    pub(crate) fn failed(name: &'static str, detail: impl Into<String>) -> Self {
        Self {
            name,
            status: CheckStatus::Failed,
            detail: detail.into(),
        }
    }

    pub(crate) fn not_performed(name: &'static str, detail: impl Into<String>) -> Self {
        Self {
            name,
            status: CheckStatus::NotPerformed,
            detail: detail.into(),
        }
    }

    pub(crate) fn from_signature(name: &'static str, check: SignatureCheck, what: &str) -> Self {
        match check {
            SignatureCheck::Valid(d) => Self::passed(name, format!("{what}: {d}")),
            SignatureCheck::Invalid(d) => Self::failed(name, format!("{what}: {d}")),
            SignatureCheck::Unsupported(d) => Self::not_performed(name, format!("{what}: {d}")),
        }
    }
}

/// The overall status of several steps: the first failure, else the first step not
/// performed, else passed (with the last step's detail).
pub fn summarize(steps: &[Step]) -> (CheckStatus, String) {
    if let Some(s) = steps.iter().find(|s| s.status == CheckStatus::Failed) {
        return (CheckStatus::Failed, s.detail.clone());
    }
    if let Some(s) = steps.iter().find(|s| s.status == CheckStatus::NotPerformed) {
        return (CheckStatus::NotPerformed, s.detail.clone());
    }
    (
        CheckStatus::Passed,
        steps.last().map(|s| s.detail.clone()).unwrap_or_default(),
    )
}

/// The result of checking a CMS object's signer.
#[derive(Debug, Clone)]
pub struct SignerVerification {
    /// The signer certificate, when it was found.
    pub signer: Option<Certificate>,
    /// The signingTime signed attribute, when present.
    pub signing_time: Option<Time>,
    /// Every step in order.
    pub steps: Vec<Step>,
}

impl SignerVerification {
    /// The overall outcome ([`summarize`]).
    pub fn outcome(&self) -> (CheckStatus, String) {
        summarize(&self.steps)
    }
}

/// Whether `cert` is the one `sid` names.
pub fn signer_matches(sid: &SignerId<'_>, cert: &Certificate) -> bool {
    match sid {
        SignerId::IssuerAndSerial { issuer, serial } => {
            strip_zero(cert.serial()) == strip_zero(serial)
                && super::cert::names_equivalent(cert.issuer(), issuer)
        }
        SignerId::SubjectKeyIdentifier(ski) => cert.ski() == Some(*ski),
    }
}

/// Checks the (first) signer of `sd`: eContentType must be `expected_type` (for EF.SOD,
/// id-data is accepted too: some issuers, e.g. CN, use it; the signed contentType attribute
/// must still equal it); the signer certificate is looked up among the CMS certificates, then
/// in `extra` (e.g. Document Signers from a PKD LDIF).
pub fn verify_signer(
    sd: &SignedData<'_>,
    expected_type: &str,
    extra: &[Certificate],
) -> SignerVerification {
    let mut out = SignerVerification {
        signer: None,
        signing_time: None,
        steps: Vec::new(),
    };
    let Some(si) = sd.signer_infos.first() else {
        out.steps.push(Step::failed("signer_info", "no SignerInfo"));
        return out;
    };
    if sd.signer_infos.len() > 1 {
        out.steps.push(Step::failed(
            "signer_info",
            format!(
                "{} SignerInfos; ICAO objects have exactly one",
                sd.signer_infos.len()
            ),
        ));
        return out;
    }
    if sd.version != 3 {
        out.steps.push(Step::failed(
            "signed_data",
            format!(
                "SignedData version {}; ICAO 9303 requires version 3",
                sd.version
            ),
        ));
        return out;
    }
    if sd.e_content_type == expected_type {
        out.steps.push(Step::passed(
            "content_type",
            format!("eContentType {expected_type}"),
        ));
    } else if expected_type == crate::cms::OID_LDS_SECURITY_OBJECT
        && sd.e_content_type == crate::cms::OID_DATA
    {
        out.steps.push(Step::passed(
            "content_type",
            "eContentType id-data instead of ldsSecurityObject (a known issuer deviation)",
        ));
    } else {
        out.steps.push(Step::failed(
            "content_type",
            format!(
                "eContentType is {}, expected {expected_type}",
                sd.e_content_type
            ),
        ));
        return out;
    }
    let Some(e_content) = sd.e_content.as_deref() else {
        out.steps
            .push(Step::failed("content", "no eContent (detached content)"));
        return out;
    };
    let message: Vec<u8> = if let Some(attrs) = &si.signed_attrs {
        match attrs.content_type() {
            Ok(Some(ct)) if ct == sd.e_content_type => {}
            Ok(Some(ct)) => {
                out.steps.push(Step::failed(
                    "content_type",
                    format!(
                        "signed contentType {ct} differs from eContentType {}",
                        sd.e_content_type
                    ),
                ));
                return out;
            }
            Ok(None) => {
                out.steps.push(Step::failed(
                    "content_type",
                    "signed attributes have no contentType",
                ));
                return out;
            }
            Err(e) => {
                out.steps.push(Step::failed("content_type", e.to_string()));
                return out;
            }
        }
        let Some(alg) = hash_algorithm_from_oid(&si.digest_oid) else {
            out.steps.push(Step::not_performed(
                "message_digest",
                format!("digest algorithm {} is not supported", si.digest_oid),
            ));
            return out;
        };
        match attrs.message_digest() {
            Ok(Some(md)) if *md == *hash(alg, e_content) => {
                out.steps.push(Step::passed(
                    "message_digest",
                    format!("messageDigest = {alg:?}(eContent)"),
                ));
            }
            Ok(Some(_)) => {
                out.steps.push(Step::failed(
                    "message_digest",
                    format!("messageDigest is not the {alg:?} hash of eContent"),
                ));
                return out;
            }
            Ok(None) => {
                out.steps.push(Step::failed(
                    "message_digest",
                    "signed attributes have no messageDigest",
                ));
                return out;
            }
            Err(e) => {
                out.steps
                    .push(Step::failed("message_digest", e.to_string()));
                return out;
            }
        }
        match attrs.signing_time() {
            Ok(t) => out.signing_time = t,
            Err(e) => {
                out.steps.push(Step::failed("signing_time", e.to_string()));
                return out;
            }
        }
        attrs.signed_bytes()
    } else {
        out.steps.push(Step::passed(
            "message_digest",
            "no signed attributes: the signature covers eContent directly",
        ));
        e_content.to_vec()
    };

    let embedded = sd
        .certificates
        .iter()
        .filter_map(|der| Certificate::from_der(der).ok());
    let signer = embedded
        .chain(extra.iter().cloned())
        .find(|c| signer_matches(&si.sid, c));
    let Some(signer) = signer else {
        let sid = match si.sid {
            SignerId::IssuerAndSerial { issuer, serial } => format!(
                "issuer {} serial {}",
                super::cert::name_to_text(issuer),
                hex_upper(strip_zero(serial))
            ),
            SignerId::SubjectKeyIdentifier(ski) => format!("SKI {}", hex_upper(ski)),
        };
        out.steps.push(Step::failed(
            "signer_certificate",
            format!("the signer certificate ({sid}) is not in the CMS object"),
        ));
        return out;
    };
    out.steps.push(Step::passed(
        "signer_certificate",
        format!("{} (serial {})", signer.subject_text(), signer.serial_hex()),
    ));
    let check = verify_signature(
        signer.spki(),
        si.signature_algorithm,
        Some(si.digest_algorithm),
        &message,
        &si.signature,
    );
    out.steps
        .push(Step::from_signature("signature", check, "signer signature"));
    out.signer = Some(signer);
    out
}

/// Everything passive authentication concludes about one signed CMS object (EF.SOD or
/// EF.CardSecurity): its signer, the signer's chain, and revocation.
#[derive(Debug, Clone)]
pub struct SignedObjectVerification {
    /// Signer checks (content type, message digest, signer certificate, signature).
    pub signer: SignerVerification,
    /// The time the chain was judged at: signingTime, or `at` when the object has none.
    pub chain_time: Time,
    /// The chain, when a signer certificate was found.
    pub chain: Option<super::chain::ChainResult>,
    /// Revocation of the signer certificate.
    pub revocation: Step,
}

/// Verifies a CMS ContentInfo of eContentType `expected_type` against `trust`. `at` is the
/// verification time; it judges the chain only when the object has no signingTime, and always
/// judges CRL currency.
pub fn verify_signed_object(
    sd: &SignedData<'_>,
    expected_type: &str,
    trust: &super::trust::TrustStore,
    at: Time,
) -> SignedObjectVerification {
    let signer = verify_signer(sd, expected_type, trust.document_signers());
    let chain_time = signer.signing_time.unwrap_or(at);
    let (chain, revocation) = match &signer.signer {
        Some(cert) => {
            let chain = super::chain::validate(
                cert,
                trust,
                chain_time,
                super::cert::key_usage::DIGITAL_SIGNATURE,
            );
            let revocation = super::chain::check_revocation(cert, chain.issuer(), trust, at);
            (Some(chain), revocation)
        }
        None => (
            None,
            Step::not_performed("revocation", "no signer certificate"),
        ),
    };
    SignedObjectVerification {
        signer,
        chain_time,
        chain,
        revocation,
    }
}
