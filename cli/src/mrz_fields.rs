//! The MRZ fields as the CLI's JSON and human output show them, shared by `idproof mrz` and
//! the `document` of `read`/`demo`, so one MRZ reads the same everywhere.
//!
//! Fields are as people write them (`P`, `D`, not the printed `P<`, `D<<`: the printed lines
//! are in `lines`), the name once more as `SURNAME, GIVEN NAMES`, and each date both as
//! printed (`YYMMDD`) and as an ISO date (`null` when the MRZ leaves a part unknown).

use idproof_core::flow::date::Date;
use idproof_core::mrz::Mrz;
use serde::Serialize;

/// One MRZ's fields (see the module doc).
#[derive(Debug, Clone, Serialize)]
pub struct MrzFields {
    /// Document code without filler: `P`, `I`, `ID`, `AC`.
    pub document_code: String,
    /// Issuing state without fillers: `UTO`, `D`.
    pub issuing_state: String,
    /// The full document number.
    pub document_number: String,
    /// Primary identifier.
    pub surname: String,
    /// Secondary identifier, words separated by spaces.
    pub given_names: String,
    /// `SURNAME, GIVEN NAMES`.
    pub name: String,
    /// Nationality without fillers.
    pub nationality: String,
    /// Date of birth as printed, `YYMMDD` (`<` for an unknown part).
    pub birth_date: String,
    /// Date of birth as `YYYY-MM-DD`, in the century that does not put it after today;
    /// `None` when the day or month is unknown.
    pub birth_date_iso: Option<String>,
    /// `M`, `F`, `X` or `<` (unspecified), as printed.
    pub sex: String,
    /// Date of expiry as printed, `YYMMDD`.
    pub expiry_date: String,
    /// Date of expiry as `YYYY-MM-DD` (20YY unless more than 50 years ahead).
    pub expiry_date_iso: Option<String>,
    /// Optional data fields without trailing fillers.
    pub optional_data: Vec<String>,
    /// The lines exactly as printed.
    pub lines: Vec<String>,
}

impl MrzFields {
    /// The fields of `mrz`; `today` places the two-digit years in a century (the CLI reads
    /// the clock, the core never does). Without a `today` the ISO dates are `None`.
    pub fn new(mrz: &Mrz, today: Option<Date>) -> Self {
        let iso = |date: Option<Date>| date.map(|d| d.to_string());
        MrzFields {
            document_code: mrz.document_code().to_owned(),
            issuing_state: mrz.issuing_state().to_owned(),
            document_number: mrz.document_number().to_owned(),
            surname: mrz.surname().to_owned(),
            given_names: mrz.given_names().to_owned(),
            name: mrz.name(),
            nationality: mrz.nationality().to_owned(),
            birth_date: mrz.birth_date().to_owned(),
            birth_date_iso: iso(today.and_then(|t| mrz.birth_date_iso(t))),
            sex: mrz.sex().to_owned(),
            expiry_date: mrz.expiry_date().to_owned(),
            expiry_date_iso: iso(today.and_then(|t| mrz.expiry_date_iso(t))),
            optional_data: mrz.optional_data().to_vec(),
            lines: mrz.lines().to_vec(),
        }
    }

    /// The date of birth for people: `1974-08-12 (740812)`, or the printed value alone
    /// when it has no calendar date.
    pub fn birth_text(&self) -> String {
        with_raw(self.birth_date_iso.as_deref(), &self.birth_date)
    }

    /// The sex for people: `F`, `M`, `X`, or `unspecified` for the printed `<`.
    pub fn sex_text(&self) -> &str {
        if self.sex == "<" {
            "unspecified"
        } else {
            &self.sex
        }
    }

    /// The date of expiry for people: `2012-04-15 (120415)`.
    pub fn expiry_text(&self) -> String {
        with_raw(self.expiry_date_iso.as_deref(), &self.expiry_date)
    }
}

/// `ISO (RAW)`, or `RAW` alone.
fn with_raw(iso: Option<&str>, raw: &str) -> String {
    match iso {
        Some(iso) => format!("{iso} ({raw})"),
        None => raw.to_owned(),
    }
}

/// Today's date from the system clock (UTC), for the ISO dates of [`MrzFields::new`].
pub fn today() -> Option<Date> {
    crate::cmd::flow::today_of(crate::cmd::now())
}
