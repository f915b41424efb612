//! The `chip_authentication` check: did the chip prove it is the original, with a key that
//! passive authentication covers?
//!
//! Two protocols give that proof during a read, and the reader records their public evidence
//! ([`ChipEvidence`]); this module judges it:
//!
//! - **Chip Authentication** (DG14): the chip continued secure messaging under keys derived
//!   from the DG14 key, which only its holder can do. Passed when that was confirmed *and*
//!   DG14's hash matched the signed SOD *and* the key used is DG14's.
//! - **PACE-CAM** (ICAO 9303-11 §4.4.3.5): the chip sent CA_IC with PK_map,IC = CA_IC · PK_IC,
//!   PK_IC being the static key in EF.CardSecurity. Passed when EF.CardSecurity's signature and
//!   DSC chain verify against the trust store and the equation holds. The check uses only
//!   public values, so a backend re-verifying an evidence bundle reaches the same answer.
//!
//! Either passing is enough; a failure of either fails the check (a genuine chip does not
//! fail with its own keys).

use std::collections::BTreeMap;

use crate::access::chip_auth::chip_key;
use crate::access::security_info::SecurityInfos;
use crate::asn1::Time;
use crate::auth::pa::verify_signed_object;
use crate::auth::trust::TrustStore;
use crate::cms::{OID_SECURITY_OBJECT, SignedData};
use crate::lds::{DataGroup, LdsFile};
use crate::reader::{ChipAuthEvidence, ChipEvidence, PaceCamEvidence};
use crate::report::{Check, CheckName, CheckStatus};

/// Failure code: Chip Authentication or PACE-CAM did not prove the chip's key.
pub const CA_FAILED: &str = "CA_FAILED";

/// Judges the chip's anti-clone evidence. `dg14_hash_passed` says whether passive
/// authentication matched DG14's hash against the signed SOD.
pub fn chip_authentication_check(
    files: &BTreeMap<LdsFile, Vec<u8>>,
    evidence: &ChipEvidence,
    trust: &TrustStore,
    at: Time,
    dg14_hash_passed: bool,
) -> Check {
    let name = CheckName::ChipAuthentication;
    let cam = evidence
        .pace_cam
        .as_ref()
        .map(|cam| pace_cam(files, cam, trust, at));
    let ca = evidence
        .chip_authentication
        .as_ref()
        .map(|ca| chip_auth(files, ca, dg14_hash_passed));
    let results: Vec<Check> = [cam, ca].into_iter().flatten().collect();
    if let Some(failed) = results.iter().find(|c| c.status == CheckStatus::Failed) {
        return failed.clone();
    }
    if let Some(passed) = results.iter().find(|c| c.status == CheckStatus::Passed) {
        return passed.clone();
    }
    if let Some(first) = results.into_iter().next() {
        return first;
    }
    let why = if files.contains_key(&LdsFile::Dg(DataGroup::DG14)) {
        "the document has DG14 but Chip Authentication was not run"
    } else {
        "the chip offers neither Chip Authentication (no DG14) nor PACE-CAM"
    };
    Check::not_performed(name, why)
}

fn passed(detail: String) -> Check {
    let mut check = Check::passed(CheckName::ChipAuthentication);
    check.detail = Some(detail);
    check
}

fn failed(detail: impl Into<String>) -> Check {
    Check::failed(CheckName::ChipAuthentication, CA_FAILED, detail)
}

fn chip_auth(
    files: &BTreeMap<LdsFile, Vec<u8>>,
    ca: &ChipAuthEvidence,
    dg14_hash_passed: bool,
) -> Check {
    if let Some(why) = &ca.failure {
        return failed(format!("Chip Authentication failed: {why}"));
    }
    if !ca.confirmed {
        return Check::not_performed(
            CheckName::ChipAuthentication,
            "Chip Authentication ran but no reply under its keys arrived",
        );
    }
    let Some(dg14) = files.get(&LdsFile::Dg(DataGroup::DG14)) else {
        return Check::not_performed(CheckName::ChipAuthentication, "DG14 was not read");
    };
    if !dg14_hash_passed {
        return Check::not_performed(
            CheckName::ChipAuthentication,
            "Chip Authentication ran, but DG14 is not covered by a passed passive authentication",
        );
    }
    let infos = match crate::lds::Dg14::parse(dg14) {
        Ok(dg14) => dg14.infos,
        Err(e) => return failed(format!("DG14: {e}")),
    };
    let listed = infos
        .chip_authentication_public_keys
        .iter()
        .filter_map(|key| chip_key(&infos, key).ok())
        .any(|(_, public)| public == ca.chip_public_key);
    if !listed {
        return failed("the key used for Chip Authentication is not DG14's");
    }
    passed(format!(
        "Chip Authentication ({}) with the DG14 key",
        ca.protocol
    ))
}

fn pace_cam(
    files: &BTreeMap<LdsFile, Vec<u8>>,
    cam: &PaceCamEvidence,
    trust: &TrustStore,
    at: Time,
) -> Check {
    let Some(raw) = files.get(&LdsFile::CardSecurity) else {
        return Check::not_performed(
            CheckName::ChipAuthentication,
            "PACE-CAM ran but EF.CardSecurity (with the chip's key) was not read",
        );
    };
    let sd = match SignedData::parse(raw) {
        Ok(sd) => sd,
        Err(e) => return failed(format!("EF.CardSecurity: {e}")),
    };
    let pa = verify_signed_object(&sd, OID_SECURITY_OBJECT, trust, at);
    let (signature, detail) = pa.signer.outcome();
    if signature != CheckStatus::Passed {
        return if signature == CheckStatus::Failed {
            failed(format!("EF.CardSecurity signature: {detail}"))
        } else {
            Check::not_performed(
                CheckName::ChipAuthentication,
                format!("EF.CardSecurity signature not verified: {detail}"),
            )
        };
    }
    match pa.chain.as_ref().map(super::chain::ChainResult::outcome) {
        Some((CheckStatus::Passed, _)) => {}
        Some((CheckStatus::Failed, why)) => {
            return failed(format!("EF.CardSecurity signer chain: {why}"));
        }
        Some((_, why)) => {
            return Check::not_performed(
                CheckName::ChipAuthentication,
                format!("EF.CardSecurity signer chain not verified: {why}"),
            );
        }
        None => {
            return Check::not_performed(
                CheckName::ChipAuthentication,
                "EF.CardSecurity has no signer certificate",
            );
        }
    }
    let Some(content) = sd.e_content.as_deref() else {
        return failed("EF.CardSecurity has no content");
    };
    let infos = match SecurityInfos::parse(content) {
        Ok(infos) => infos,
        Err(e) => return failed(format!("EF.CardSecurity content: {e}")),
    };
    let mut tried = 0;
    for key in &infos.chip_authentication_public_keys {
        let Ok((group, public)) = chip_key(&infos, key) else {
            continue;
        };
        tried += 1;
        match group.mul_public(&cam.ca_ic, &public) {
            Ok(product) if product == cam.chip_mapping_public_key => {
                return passed(
                    "PACE-CAM: PK_map,IC = CA_IC · PK_IC with the EF.CardSecurity key".to_owned(),
                );
            }
            _ => {}
        }
    }
    if tried == 0 {
        return failed("EF.CardSecurity holds no usable chip authentication public key");
    }
    failed("PACE-CAM: PK_map,IC ≠ CA_IC · PK_IC for every EF.CardSecurity key (a clone?)")
}
