//! Applying deviation lists to a verification: which deviations of the issuing State match a
//! document (every condition a deviation states must hold, 9303-3 §7.3.6), and which checks of
//! the report each one explains.
//!
//! A matching deviation is an **annotation** on a check — a [`DeviationNote`] in its
//! `deviations` and a sentence in its detail — never a change of status: a failed signature or
//! hash stays failed, so the verdict is computed exactly as without the list. The one deviation
//! that annotates a *passed* check is `AAKeyCompromised`, on Active Authentication: the issuing
//! State says that proof should not be relied upon, and the report must say so.

use crate::asn1::Time;
use crate::auth::cert::{Certificate, names_equivalent, strip_zero};
use crate::crypto::signature::{HashAlgorithm, hash};
use crate::lds::DataGroup;
use crate::report::{Check, CheckName, CheckStatus, DeviationNote};

use super::{Deviation, DeviationDescription, DeviationKind, DeviationParameter, DocumentSigner};

/// What a verification knows about the document, for matching deviations.
#[derive(Debug, Clone, Copy, Default)]
pub struct DocumentFacts<'a> {
    /// The Document Signer certificate that signed EF.SOD.
    pub dsc: Option<&'a Certificate>,
    /// The MRZ document code from DG1 (`P<`, `ID`, …).
    pub document_code: Option<&'a str>,
    /// The document number from DG1.
    pub document_number: Option<&'a str>,
    /// EF.SOD's signingTime (stands in for the issuing date, which the chip does not carry).
    pub signing_time: Option<Time>,
}

/// A deviation that applies to the document, with the list it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedDeviation {
    /// The defect.
    pub description: DeviationDescription,
    /// The label of the deviation list (usually its file name).
    pub list: String,
}

fn trimmed(s: &str) -> &str {
    s.trim_matches(|c: char| c == '<' || c.is_whitespace())
}

impl Deviation {
    /// Whether every condition of `documents` holds for the document. A condition that cannot
    /// be evaluated (no DSC, no DG1, no signingTime) does not hold: an annotation is shown only
    /// when the deviation certainly applies. `digest` hashes the DSC for `certificateDigest`.
    pub fn applies_to(&self, facts: &DocumentFacts<'_>, digest: Option<HashAlgorithm>) -> bool {
        let docs = &self.documents;
        if let Some(kind) = &docs.document_type {
            match facts.document_code {
                Some(code) if trimmed(code) == trimmed(kind) => {}
                _ => return false,
            }
        }
        if let Some(signer) = &docs.signer {
            let Some(dsc) = facts.dsc else {
                return false;
            };
            let same = match signer {
                DocumentSigner::IssuerAndSerial { issuer, serial } => {
                    strip_zero(dsc.serial()) == strip_zero(serial)
                        && names_equivalent(dsc.issuer(), issuer)
                }
                DocumentSigner::SubjectKeyIdentifier(ski) => dsc.ski() == Some(ski.as_slice()),
                DocumentSigner::CertificateDigest(d) => {
                    digest.is_some_and(|alg| hash(alg, dsc.der()) == *d)
                }
            };
            if !same {
                return false;
            }
        }
        if let Some(period) = &docs.issued {
            // Dates are compared by day: lastIssued covers the whole day it names.
            let day = |t: Time| (t.year(), t.month(), t.day());
            match facts.signing_time {
                Some(t) if day(period.first) <= day(t) && day(t) <= day(period.last) => {}
                _ => return false,
            }
        }
        if let Some(numbers) = &docs.document_numbers {
            match facts.document_number {
                Some(n) if numbers.iter().any(|m| trimmed(m) == trimmed(n)) => {}
                _ => return false,
            }
        }
        true
    }
}

/// Whether the deviation explains the check's outcome.
fn explains(d: &DeviationDescription, check: &Check, failed_dgs: &[DataGroup]) -> bool {
    use CheckName as C;
    use DeviationKind as K;
    let dg = match &d.parameter {
        Some(DeviationParameter::Datagroup(n)) => Some(*n),
        _ => None,
    };
    if check.name == C::ActiveAuthentication {
        // The one annotation on a passed check (see the module doc).
        return d.kind == K::AaKeyCompromised
            || (check.status == CheckStatus::Failed
                && d.kind == K::DgMalformed
                && dg.is_none_or(|n| n == 15));
    }
    if check.status != CheckStatus::Failed {
        return false;
    }
    let dg_failed = |n: Option<u8>| n.is_none_or(|n| failed_dgs.iter().any(|f| f.number() == n));
    match (d.kind, check.name) {
        (K::CertOrKey | K::DsEncoding, C::SodSignature | C::DscChain)
        | (K::DsSignature | K::CscaEncoding, C::DscChain)
        | (K::Lds, C::SodSignature | C::DgHashes | C::ComConsistency)
        | (K::SodSignatureWrong, C::SodSignature)
        | (K::ComInconsistent, C::ComConsistency)
        | (K::Mrz | K::MrzWrongData, C::Mrz | C::Dg1MrzMatch)
        | (K::MrzWrongCheckDigit, C::Mrz) => true,
        (K::DgHashWrong | K::DgMalformed, C::DgHashes) => dg_failed(dg),
        (K::DgMalformed, C::SodSignature) => dg.is_none_or(|n| n == 20),
        (K::DgMalformed, C::ComConsistency) => dg.is_none_or(|n| n == 21),
        (K::DgMalformed, C::Dg1MrzMatch) => dg.is_none_or(|n| n == 1),
        (K::DgMalformed, C::ChipAuthentication) => dg.is_none_or(|n| n == 14),
        _ => false,
    }
}

/// The annotation for one matched deviation.
fn note(m: &MatchedDeviation) -> DeviationNote {
    let d = &m.description;
    let text = d.description.as_deref().unwrap_or(default_text(d.kind));
    let detail = match &d.parameter {
        Some(p) => format!("{p}: {text} (deviation list {})", m.list),
        None => format!("{text} (deviation list {})", m.list),
    };
    DeviationNote {
        code: d.kind.code().to_owned(),
        deviation_type: d.deviation_type.clone(),
        detail,
    }
}

fn default_text(kind: DeviationKind) -> &'static str {
    use DeviationKind as K;
    match kind {
        K::CertOrKey => "a certificate or key deviation",
        K::DsSignature => "the signature of the Document Signer certificate is wrong",
        K::DsEncoding => "the Document Signer certificate contains a coding error",
        K::CscaEncoding => "the CSCA certificate contains a coding error",
        K::AaKeyCompromised => {
            "the Active Authentication key may be compromised and should not be relied upon"
        }
        K::Lds => "an LDS deviation",
        K::DgMalformed => "the TLV encoding of the data group is corrupted",
        K::DgHashWrong => "the hash of the data group in EF.SOD is wrong",
        K::SodSignatureWrong => "the signature in EF.SOD is wrong",
        K::ComInconsistent => "EF.COM and EF.SOD are inconsistent",
        K::Mrz => "an MRZ deviation",
        K::MrzWrongData => "the MRZ field contains wrong data",
        K::MrzWrongCheckDigit => "the check digit of the MRZ field is calculated wrongly",
        K::Chip => "the chip is not usable",
        K::NationalUse => "a deviation for national use",
        K::Unknown => "a deviation of a type this verifier does not know",
    }
}

/// Adds to each check the matched deviations that explain it, as notes and in its detail.
/// Statuses and codes are left exactly as they are. `failed_dgs` are the data groups whose
/// hash did not match.
pub fn annotate(checks: &mut [Check], matched: &[MatchedDeviation], failed_dgs: &[DataGroup]) {
    for check in checks.iter_mut() {
        let notes: Vec<DeviationNote> = matched
            .iter()
            .filter(|m| explains(&m.description, check, failed_dgs))
            .map(note)
            .collect();
        if notes.is_empty() {
            continue;
        }
        let summary: Vec<String> = notes
            .iter()
            .map(|n| format!("{} — {}", n.code, n.detail))
            .collect();
        let sentence = if check.status == CheckStatus::Failed {
            format!(
                "known deviation of the issuing State (the failure stands): {}",
                summary.join("; ")
            )
        } else {
            format!(
                "known deviation of the issuing State: {}",
                summary.join("; ")
            )
        };
        check.detail = Some(match check.detail.take() {
            Some(d) if !d.is_empty() => format!("{d}; {sentence}"),
            _ => sentence,
        });
        check.deviations.extend(notes);
    }
}
