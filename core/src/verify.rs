//! Verification of what a read produced, as a [`Report`] of named checks.
//!
//! Today this covers what needs no trust store: the MRZ used for access, and DG1 = that MRZ.
//! Passive authentication (SOD signature, DSC → CSCA chain, data-group hashes) and the
//! anti-clone checks arrive with their issues; until then they are reported `not_performed`,
//! so the verdict is `incomplete` — never `authentic`.

use crate::lds::{DataGroup, Dg1, LdsFile};
use crate::mrz::Mrz;
use crate::reader::Document;
use crate::report::{Check, CheckName, Report};

/// Why the passive-authentication checks did not run yet.
const PA_PENDING: &str = "passive authentication is not implemented yet";

/// Checks a read document. `access_mrz` is the full MRZ the chip was opened with, when the
/// caller had one (a CAN or a typed document number/dates give `None`).
pub fn verify_read(document: &Document, access_mrz: Option<&Mrz>) -> Report {
    let checks = vec![
        Check::not_performed(CheckName::SodSignature, PA_PENDING),
        Check::not_performed(CheckName::DscChain, PA_PENDING),
        Check::not_performed(CheckName::Revocation, PA_PENDING),
        Check::not_performed(CheckName::DgHashes, PA_PENDING),
        Check::not_performed(CheckName::ComConsistency, PA_PENDING),
        mrz_check(access_mrz),
        dg1_matches_mrz(document, access_mrz),
        anti_clone_check(
            document,
            CheckName::ChipAuthentication,
            DataGroup::DG14,
            "the chip offers chip authentication (DG14) but it is not implemented yet",
        ),
        anti_clone_check(
            document,
            CheckName::ActiveAuthentication,
            DataGroup::DG15,
            "the chip offers active authentication (DG15) but it is not implemented yet",
        ),
    ];
    Report::from_checks(checks)
}

fn mrz_check(access_mrz: Option<&Mrz>) -> Check {
    match access_mrz {
        None => Check::not_performed(CheckName::Mrz, "no full MRZ was given for access"),
        Some(mrz) if mrz.is_valid() => Check::passed(CheckName::Mrz),
        Some(mrz) => {
            let fields: Vec<&str> = mrz
                .check_digit_failures()
                .iter()
                .map(|f| f.field.as_str())
                .collect();
            Check::failed(CheckName::Mrz, "MRZ_CHECK_DIGIT", fields.join(", "))
        }
    }
}

fn dg1_matches_mrz(document: &Document, access_mrz: Option<&Mrz>) -> Check {
    let Some(mrz) = access_mrz else {
        return Check::not_performed(CheckName::Dg1MrzMatch, "no full MRZ was given for access");
    };
    let Some(raw) = document.file(LdsFile::Dg(DataGroup::DG1)) else {
        return Check::not_performed(CheckName::Dg1MrzMatch, "DG1 was not read");
    };
    match Dg1::parse(raw) {
        Err(e) => Check::failed(CheckName::Dg1MrzMatch, "LDS_FORMAT", e.to_string()),
        Ok(dg1) if dg1.mrz_text() == mrz.lines().concat() => Check::passed(CheckName::Dg1MrzMatch),
        Ok(dg1) => Check::failed(
            CheckName::Dg1MrzMatch,
            "MRZ_MISMATCH",
            format!(
                "DG1 holds a different MRZ than the one used for access (DG1 line 1: {})",
                dg1.lines().first().copied().unwrap_or_default()
            ),
        ),
    }
}

fn anti_clone_check(document: &Document, name: CheckName, dg: DataGroup, pending: &str) -> Check {
    if document.file(LdsFile::Dg(dg)).is_some() {
        Check::not_performed(name, pending)
    } else {
        Check::not_performed(name, format!("the chip has no {dg}"))
    }
}
