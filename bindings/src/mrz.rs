//! MRZ parsing for apps (after OCR, before a read): fields and check-digit results.

use idproof_core::flow::date::Date;
use idproof_core::mrz::Mrz;

use crate::error::{IdProofError, guard};

/// A parsed MRZ (from `parse_mrz`, or DG1 of a read document). Codes are as people write
/// them (`P`, `D`; the printed `P<`, `D<<` are in `lines`), the name once more as `SURNAME,
/// GIVEN NAMES`, and each date both as printed (`YYMMDD`) and as an ISO date — the same
/// fields as the CLI's JSON.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MrzInfo {
    /// `TD1`, `TD2` or `TD3`.
    pub format: String,
    /// The lines.
    pub lines: Vec<String>,
    /// Document code without filler, e.g. `P`, `I`, `ID`, `AC`.
    pub document_code: String,
    /// Issuing state without fillers (ICAO code: `UTO`, `D` for Germany's `D<<`).
    pub issuing_state: String,
    /// Document number (the full number, also when it overflows into TD1/TD2 optional data).
    pub document_number: String,
    /// Surname.
    pub surname: String,
    /// Given names.
    pub given_names: String,
    /// The name as people write it: `ERIKSSON, ANNA MARIA`.
    pub name: String,
    /// Nationality without fillers.
    pub nationality: String,
    /// Date of birth as printed, `YYMMDD` (`<` for an unknown part).
    pub birth_date: String,
    /// Date of birth as `YYYY-MM-DD`, in the century that does not put it after today (the
    /// device clock); `None` when the MRZ leaves the day or month unknown.
    pub birth_date_iso: Option<String>,
    /// `M`, `F`, `X` or `<`.
    pub sex: String,
    /// Date of expiry as printed, `YYMMDD`.
    pub expiry_date: String,
    /// Date of expiry as `YYYY-MM-DD` (20YY unless more than 50 years ahead).
    pub expiry_date_iso: Option<String>,
    /// Optional data fields (one for TD3, two for TD1, one for TD2).
    pub optional_data: Vec<String>,
    /// Fields whose check digit is wrong (`document_number`, `birth_date`, `expiry_date`,
    /// `optional_data`, `composite`); empty when all check digits are right.
    pub check_digit_failures: Vec<String>,
    /// Whether every check digit is right.
    pub valid: bool,
}

impl From<&Mrz> for MrzInfo {
    fn from(m: &Mrz) -> Self {
        MrzInfo::new(m, today())
    }
}

/// Today (UTC) by the device clock: the platform side may read it, the core never does.
fn today() -> Option<Date> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())?;
    let t = crate::verify::time_from_unix(secs)?;
    Date::new(t.year(), t.month(), t.day())
}

impl MrzInfo {
    /// The record of `m`, its two-digit years placed in a century relative to `today`.
    pub(crate) fn new(m: &Mrz, today: Option<Date>) -> Self {
        let iso = |date: Option<Date>| date.map(|d| d.to_string());
        Self {
            format: m.format().as_str().to_owned(),
            lines: m.lines().to_vec(),
            document_code: m.document_code().to_owned(),
            issuing_state: m.issuing_state().to_owned(),
            document_number: m.document_number().to_owned(),
            surname: m.surname().to_owned(),
            given_names: m.given_names().to_owned(),
            name: m.name(),
            nationality: m.nationality().to_owned(),
            birth_date: m.birth_date().to_owned(),
            birth_date_iso: iso(today.and_then(|t| m.birth_date_iso(t))),
            sex: m.sex().to_owned(),
            expiry_date: m.expiry_date().to_owned(),
            expiry_date_iso: iso(today.and_then(|t| m.expiry_date_iso(t))),
            optional_data: m.optional_data().to_vec(),
            check_digit_failures: m
                .check_digit_failures()
                .iter()
                .map(|f| f.field.as_str().to_owned())
                .collect(),
            valid: m.is_valid(),
        }
    }
}

/// Parses an MRZ: TD1 (3×30), TD2 (2×36) or TD3 (2×44), given as lines or as one string.
/// Throws `InvalidInput` with `MRZ_FORMAT` when the text is not an MRZ; wrong check digits
/// are not thrown but listed in `check_digit_failures` (so the UI can say which field to fix).
#[uniffi::export]
pub fn parse_mrz(lines: Vec<String>) -> Result<MrzInfo, IdProofError> {
    guard(|| Ok(MrzInfo::from(&Mrz::parse_lines(&lines)?)))
}
