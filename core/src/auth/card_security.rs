//! The `card_security` check: EF.CardSecurity is signed by a Document Signer like EF.SOD, so
//! its signature and DSC → CSCA chain are verified with the same machinery
//! ([`verify_signed_object`]), and the unsigned EF.CardAccess is compared with it: whatever
//! PACE offer EF.CardAccess makes must be one the issuer signed.
//!
//! Only the PACE entries are compared (PACEInfo: protocol, version, parameterId;
//! PACEDomainParameterInfo: protocol, parameterId and the parameters), because those are what
//! a reader acts on before anything is signed. Real pairs (BSI worked example, DAN test card)
//! do not list every other entry identically (EF.CardSecurity adds the chip's public key,
//! EF.CardAccess may carry a CardInfoLocator or a CA domain parameter info), so any other
//! difference is a note in the detail, never a failure.
//!
//! Status, mirroring passive authentication:
//! - failed: a bad signature or structure (`SIGNATURE`), a chain that is invalid (`PA_CHAIN`)
//!   or a revoked signer (`PA_REVOKED`), signed content that does not parse (`LDS_FORMAT`),
//!   or a PACE entry of EF.CardAccess missing from EF.CardSecurity ([`CARD_ACCESS_MISMATCH`]);
//! - not_performed: no EF.CardSecurity given, or its signature or chain could not be judged
//!   (no trust anchor, unsupported algorithm) — as `dsc_chain` is without trust;
//! - passed: signature and chain valid and every PACE entry of EF.CardAccess signed.
//!
//! A failed `card_security` fails the verdict (a forged EF.CardSecurity is a tampering sign);
//! not_performed does not block `authentic`, since most dumps have no EF.CardSecurity.

use std::collections::BTreeMap;

use crate::access::pace::PaceAlgorithm;
use crate::access::security_info::{PaceDomainParameterInfo, PaceInfo, SecurityInfos};
use crate::asn1::{Fields, Mode, Time, Tlv, tag};
use crate::auth::pa::{SignedObjectVerification, verify_signed_object};
use crate::auth::trust::TrustStore;
use crate::cms::{OID_SECURITY_OBJECT, SignedData};
use crate::error::ErrorCode;
use crate::lds::LdsFile;
use crate::report::{Check, CheckName, CheckStatus};

/// Failure code: EF.CardAccess offers a PACE protocol or domain parameters that the signed
/// EF.CardSecurity does not list.
pub const CARD_ACCESS_MISMATCH: &str = "CARD_ACCESS_MISMATCH";

const NAME: CheckName = CheckName::CardSecurity;

/// The `card_security` check of `files` (EF.CardSecurity and EF.CardAccess, when given)
/// against `trust` at `at` (the chain is judged at the signingTime when there is one).
pub fn card_security_check(
    files: &BTreeMap<LdsFile, Vec<u8>>,
    trust: &TrustStore,
    at: Time,
) -> Check {
    let access = files.get(&LdsFile::CardAccess);
    let Some(raw) = files.get(&LdsFile::CardSecurity) else {
        return Check::not_performed(NAME, without_card_security(access.map(Vec::as_slice)));
    };
    let signature_code = ErrorCode::Signature.as_str();
    let sd = match SignedData::parse(raw) {
        Ok(sd) => sd,
        Err(e) => return Check::failed(NAME, signature_code, format!("EF.CardSecurity: {e}")),
    };
    let pa = verify_signed_object(&sd, OID_SECURITY_OBJECT, trust, at);
    let (signature, signature_detail) = pa.signer.outcome();
    if signature == CheckStatus::Failed {
        return Check::failed(
            NAME,
            signature_code,
            format!("EF.CardSecurity: {signature_detail}"),
        );
    }
    let (chain, chain_detail) = pa.chain.as_ref().map_or_else(
        || {
            (
                CheckStatus::NotPerformed,
                "no signer certificate".to_owned(),
            )
        },
        super::chain::ChainResult::outcome,
    );
    if chain == CheckStatus::Failed {
        return Check::failed(
            NAME,
            crate::verify::PA_CHAIN,
            format!("EF.CardSecurity signer chain: {chain_detail}"),
        );
    }
    if pa.revocation.status == CheckStatus::Failed {
        return Check::failed(
            NAME,
            crate::verify::PA_REVOKED,
            format!("EF.CardSecurity signer: {}", pa.revocation.detail),
        );
    }
    let Some(content) = sd.e_content.as_deref() else {
        return Check::failed(NAME, signature_code, "EF.CardSecurity has no eContent");
    };
    let signed = match SecurityInfos::parse_exact(content) {
        Ok(infos) => infos,
        Err(e) => {
            return Check::failed(
                NAME,
                ErrorCode::LdsFormat.as_str(),
                format!("EF.CardSecurity content: {e}"),
            );
        }
    };
    let comparison = match access {
        None => "no EF.CardAccess was given to compare with it".to_owned(),
        Some(access) => match compare(access, content, &signed) {
            Ok(agreed) => agreed,
            Err(missing) => return Check::failed(NAME, CARD_ACCESS_MISMATCH, missing),
        },
    };
    match (signature, chain) {
        (CheckStatus::Passed, CheckStatus::Passed) => {
            Check::passed_with(NAME, format!("{}; {comparison}", signed_by(&pa)))
        }
        (CheckStatus::Passed, _) => Check::not_performed(
            NAME,
            format!(
                "EF.CardSecurity's signature verifies, but its signer chain was not verified: \
                 {chain_detail}; {comparison}"
            ),
        ),
        _ => Check::not_performed(
            NAME,
            format!(
                "EF.CardSecurity's signature was not verified: {signature_detail}; {comparison}"
            ),
        ),
    }
}

/// Why the check did not run, and what EF.CardAccess (when given) offers.
fn without_card_security(access: Option<&[u8]>) -> String {
    match access.map(SecurityInfos::from_card_access) {
        None => "EF.CardSecurity was not given".to_owned(),
        Some(Ok(infos)) => format!(
            "EF.CardSecurity was not given, so EF.CardAccess (which offers {}) is not proven \
             by a signature",
            offer(&infos)
        ),
        Some(Err(e)) => {
            format!("EF.CardSecurity was not given; EF.CardAccess does not parse: {e}")
        }
    }
}

/// What SecurityInfos offer for PACE, in words: `id-PACE-ECDH-GM-AES-CBC-CMAC-128 (v2,
/// parameterId 13)`, or `no PACE protocol`.
fn offer(infos: &SecurityInfos) -> String {
    if infos.pace.is_empty() {
        return "no PACE protocol".to_owned();
    }
    infos
        .pace
        .iter()
        .map(pace_info_text)
        .collect::<Vec<_>>()
        .join(", ")
}

fn pace_info_text(info: &PaceInfo) -> String {
    let name = PaceAlgorithm::from_oid(&info.protocol)
        .map_or_else(|_| info.protocol.clone(), PaceAlgorithm::name);
    match info.parameter_id {
        Some(id) => format!("{name} (v{}, parameterId {id})", info.version),
        None => format!("{name} (v{})", info.version),
    }
}

fn domain_info_text(info: &PaceDomainParameterInfo) -> String {
    match info.parameter_id {
        Some(id) => format!(
            "PACEDomainParameterInfo {} (parameterId {id})",
            info.protocol
        ),
        None => format!("PACEDomainParameterInfo {}", info.protocol),
    }
}

/// Compares EF.CardAccess with the signed SecurityInfos: `Err` names the PACE entries it
/// offers that are not signed; `Ok` says what agreed and notes other differences.
fn compare(access: &[u8], signed_content: &[u8], signed: &SecurityInfos) -> Result<String, String> {
    let infos = match SecurityInfos::from_card_access(access) {
        Ok(infos) => infos,
        // EF.CardAccess is not signed, and a reader that could not parse it did not use it
        // for PACE: say so, but the signed file stands on its own.
        Err(e) => {
            return Ok(format!(
                "EF.CardAccess does not parse ({e}), so it was not compared"
            ));
        }
    };
    let mut missing: Vec<String> = infos
        .pace
        .iter()
        .filter(|a| {
            !signed.pace.iter().any(|s| {
                s.protocol == a.protocol
                    && s.version == a.version
                    && s.parameter_id == a.parameter_id
            })
        })
        .map(pace_info_text)
        .collect();
    missing.extend(
        infos
            .pace_domain_parameters
            .iter()
            .filter(|a| !signed.pace_domain_parameters.contains(a))
            .map(domain_info_text),
    );
    if !missing.is_empty() {
        return Err(format!(
            "EF.CardAccess offers what EF.CardSecurity does not sign: {}",
            missing.join("; ")
        ));
    }
    let agreed = format!(
        "EF.CardAccess's {} PACEInfo(s) and {} PACEDomainParameterInfo(s) are signed in \
         EF.CardSecurity",
        infos.pace.len(),
        infos.pace_domain_parameters.len()
    );
    let signed_entries = entries(signed_content);
    let others: Vec<String> = entries(access)
        .into_iter()
        .filter(|(protocol, raw)| {
            !is_pace(protocol, &infos) && !signed_entries.iter().any(|(_, s)| s == raw)
        })
        .map(|(protocol, _)| protocol)
        .collect();
    if others.is_empty() {
        return Ok(agreed);
    }
    Ok(format!(
        "{agreed} (note: other EF.CardAccess entries not in EF.CardSecurity as such: {})",
        others.join(", ")
    ))
}

/// Whether `protocol` is one of the PACE entries already compared.
fn is_pace(protocol: &str, infos: &SecurityInfos) -> bool {
    infos.pace.iter().any(|p| p.protocol == protocol)
        || infos
            .pace_domain_parameters
            .iter()
            .any(|p| p.protocol == protocol)
}

/// Each SecurityInfo of a SET (EF.CardAccess or EF.CardSecurity's content) as its protocol
/// OID and DER; empty when the bytes do not frame (the typed parse has reported that).
fn entries(bytes: &[u8]) -> Vec<(String, &[u8])> {
    let Ok((set, _)) =
        Tlv::parse_prefix(bytes, Mode::Der).or_else(|_| Tlv::parse_prefix(bytes, Mode::Ber))
    else {
        return Vec::new();
    };
    set.children()
        .filter_map(Result::ok)
        .filter(|e| e.tag == tag::SEQUENCE)
        .filter_map(|e| {
            let protocol = Fields::new(&e).next_tagged(tag::OID, "protocol").ok()?;
            Some((protocol.oid().ok()?, e.raw))
        })
        .collect()
}

/// `signed by CN=… (chain valid at … (signingTime))`.
fn signed_by(pa: &SignedObjectVerification) -> String {
    let signer = pa
        .signer
        .signer
        .as_ref()
        .map_or_else(String::new, |c| c.subject_text().to_owned());
    let when = if pa.signer.signing_time.is_some() {
        "signingTime"
    } else {
        "no signingTime: verification time"
    };
    format!(
        "EF.CardSecurity signed by {signer}, chain valid at {} ({when})",
        pa.chain_time
    )
}
