//! Machine Readable Zone (ICAO 9303-3/4/5/6): TD1, TD2 and TD3 parsing, check digits,
//! name transliteration and the MRZ key used by BAC and PACE.
//!
//! - [`Mrz::parse`] reads TD1 (3×30), TD2 (2×36) and TD3 (2×44) MRZs, as lines or joined.
//!   Malformed text is an [`MrzError::Format`]; a well-formed MRZ with wrong check digits
//!   still parses and says which digits are wrong ([`Mrz::check_digit_failures`]), so a
//!   user can be told exactly what to re-scan.
//! - [`check_digit`] is the ICAO 9303-3 §4.9 7-3-1 check digit.
//! - [`MrzKey`] is the BAC/PACE access key (MRZ_information, ICAO 9303-11 §9.7.1).
//! - [`transliterate`] and [`name_matches`] handle names with national characters.

mod access;
mod check_digit;
mod key;
mod parse;
mod transliterate;

pub use access::MrzAccess;
pub use check_digit::{char_value, check_digit};
pub use key::MrzKey;
pub use parse::{CheckDigitFailure, CheckResult, CheckedField, Mrz, MrzFormat, display_name};
pub use transliterate::{NameMatch, name_matches, transliterate};

use crate::error::{Error, ErrorCode};

/// Everything that can be wrong with an MRZ.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MrzError {
    /// The text is not a well-formed MRZ (line count or length, lower case, a character
    /// outside `A-Z0-9<`, a letter in a date, unsupported document type). Remedy: re-scan.
    #[error("malformed MRZ: {detail}")]
    Format {
        /// What is wrong, for a human.
        detail: String,
    },
    /// A date field is well formed (digits, or `<` for an unknown part) but is not a real
    /// calendar date: month 13, day 32, 30 February, 29 February of a non-leap year.
    #[error("impossible date in MRZ: {field}: {detail}")]
    Date {
        /// `birth_date` or `expiry_date`.
        field: CheckedField,
        /// What is wrong with it, for a human.
        detail: String,
    },
    /// The MRZ is well formed but these check digits do not match their fields (most often
    /// an OCR misread). Remedy: re-scan or correct the named fields.
    #[error("wrong MRZ check digit for {}", field_list(.fields))]
    CheckDigit {
        /// The fields whose check digit is wrong, in MRZ order.
        fields: Vec<CheckedField>,
    },
}

fn field_list(fields: &[CheckedField]) -> String {
    fields
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl From<MrzError> for Error {
    fn from(e: MrzError) -> Self {
        match e {
            MrzError::Format { detail } => Error::new(ErrorCode::MrzFormat, detail),
            MrzError::Date { field, detail } => {
                Error::new(ErrorCode::MrzDate, format!("{field}: {detail}"))
            }
            MrzError::CheckDigit { fields } => {
                Error::new(ErrorCode::MrzCheckDigit, field_list(&fields))
            }
        }
    }
}
