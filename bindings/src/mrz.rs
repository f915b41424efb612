//! MRZ parsing for apps (after OCR, before a read): fields and check-digit results.

use idproof_core::mrz::Mrz;

use crate::error::{IdProofError, guard};

/// A parsed MRZ (from `parse_mrz`, or DG1 of a read document). Dates are as printed, `YYMMDD`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MrzInfo {
    /// `TD1`, `TD2` or `TD3`.
    pub format: String,
    /// The lines.
    pub lines: Vec<String>,
    /// Document code, e.g. `P`, `I`, `ID`.
    pub document_code: String,
    /// Issuing state (ICAO 3-letter code).
    pub issuing_state: String,
    /// Document number (the full number, also when it overflows into TD1/TD2 optional data).
    pub document_number: String,
    /// Surname.
    pub surname: String,
    /// Given names.
    pub given_names: String,
    /// Nationality.
    pub nationality: String,
    /// Date of birth, `YYMMDD`.
    pub birth_date: String,
    /// `M`, `F` or `<`.
    pub sex: String,
    /// Date of expiry, `YYMMDD`.
    pub expiry_date: String,
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
        Self {
            format: m.format().as_str().to_owned(),
            lines: m.lines().to_vec(),
            document_code: m.document_code().to_owned(),
            issuing_state: m.issuing_state().to_owned(),
            document_number: m.document_number().to_owned(),
            surname: m.surname().to_owned(),
            given_names: m.given_names().to_owned(),
            nationality: m.nationality().to_owned(),
            birth_date: m.birth_date().to_owned(),
            sex: m.sex().to_owned(),
            expiry_date: m.expiry_date().to_owned(),
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
