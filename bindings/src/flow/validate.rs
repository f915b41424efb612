//! The flow's validators as free functions (`idproof_core::flow::validate`), for validating a
//! field as the person types, before the event goes to the flow (which validates it again).
//!
//! Each returns a `Validation` rather than throwing: a refused input is an ordinary answer
//! here, with the stable code, the catalogue message and a detail naming the field or
//! position. `value` is the normalised form the flow and the backend use (the case-folded
//! user ID, the phone number in E.164 form, the CPR digits without hyphen). Each takes an
//! optional `lang` (default `None` = English in Kotlin and Swift) for its messages.

use idproof_core::flow::Lang as CoreLang;
use idproof_core::flow::validate::{self, ValidationError};

use super::types::{CalendarDate, DocumentKind, FlowMessage, Lang};
use crate::error::{IdProofError, guard};

/// The answer of a validator.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Validation {
    /// The input is accepted.
    pub valid: bool,
    /// The normalised value, when valid and the validator has one.
    pub value: Option<String>,
    /// Why the input is refused (`CPR_DATE`, `USER_ID_LENGTH`, …), when not valid.
    pub error: Option<FlowMessage>,
    /// A non-blocking warning on a valid input (`CPR_MODULUS11`).
    pub warning: Option<FlowMessage>,
}

impl Validation {
    /// The answer for `result`, a refusal's message in `lang` (English when `None`).
    fn of<T>(
        lang: Option<Lang>,
        result: Result<T, ValidationError>,
        value: impl FnOnce(&T) -> Option<String>,
    ) -> Self {
        match result {
            Ok(v) => Self {
                valid: true,
                value: value(&v),
                error: None,
                warning: None,
            },
            Err(e) => Self {
                valid: false,
                value: None,
                error: Some(FlowMessage::in_lang(
                    e.code(),
                    Some(e.to_string()),
                    lang.map_or(CoreLang::En, CoreLang::from),
                )),
                warning: None,
            },
        }
    }
}

fn no_value<T>(_: &T) -> Option<String> {
    None
}

/// A P code: exactly 8 digits (surrounding whitespace ignored). Whether it exists and has
/// attempts left is the backend's (`FlowAction.CheckPCode`).
#[uniffi::export(default(lang = None))]
pub fn validate_p_code(text: String, lang: Option<Lang>) -> Result<Validation, IdProofError> {
    guard(|| {
        Ok(Validation::of(lang, validate::p_code(&text), |p| {
            Some(p.as_str().to_owned())
        }))
    })
}

/// A CPR number: `DDMMYY-SSSS` or `DDMMYYSSSS`, a real birth date (century from the 7th
/// digit), not after `today`. A number failing modulus 11 is valid with the warning
/// `CPR_MODULUS11` (numbers issued since 2007 need not pass it). Throws `USAGE` for a `today`
/// that is not a date.
#[uniffi::export(default(lang = None))]
pub fn validate_cpr(
    text: String,
    today: CalendarDate,
    lang: Option<Lang>,
) -> Result<Validation, IdProofError> {
    guard(|| {
        let result = validate::cpr(&text, today.to_core()?);
        let warning = result
            .as_ref()
            .ok()
            .and_then(validate::Cpr::warning)
            .map(|code| {
                FlowMessage::in_lang(code, None, lang.map_or(CoreLang::En, CoreLang::from))
            });
        Ok(Validation {
            warning,
            ..Validation::of(lang, result, |c| Some(c.digits().to_owned()))
        })
    })
}

/// An ICAO issuing-state code (`D`, `DNK`, `D<<`; any case); `UTO` only with
/// `allow_specimen`. The value is the code without fillers, upper case.
#[uniffi::export(default(lang = None))]
pub fn validate_issuing_state(
    code: String,
    allow_specimen: bool,
    lang: Option<Lang>,
) -> Result<Validation, IdProofError> {
    guard(|| {
        Ok(Validation::of(
            lang,
            validate::issuing_state(&code, allow_specimen),
            |s| Some(s.code().to_owned()),
        ))
    })
}

/// The MRZ document code (`P<`, `ID`, `AC`, …) is of the chosen kind: `DOC_KIND` for the
/// other kind, `DOC_KIND_UNSUPPORTED` for neither (crew certificates `AC`, visas).
#[uniffi::export(default(lang = None))]
pub fn validate_document_code(
    kind: DocumentKind,
    document_code: String,
    lang: Option<Lang>,
) -> Result<Validation, IdProofError> {
    guard(|| {
        Ok(Validation::of(
            lang,
            validate::document_kind(kind.into(), &document_code),
            no_value,
        ))
    })
}

/// The kind an MRZ document code denotes: `P…` a passport, `I…`/`A…`/`C…` an ID card (but
/// not `AC`); `None` for anything else.
#[uniffi::export]
pub fn document_kind_of(document_code: String) -> Result<Option<DocumentKind>, IdProofError> {
    guard(|| Ok(validate::kind_of_document_code(&document_code).map(Into::into)))
}

/// A whole MRZ (2 or 3 lines, joined or separated by whitespace): well formed, every check
/// digit right (`MRZ_FORMAT`, `MRZ_CHECK_DIGIT`).
#[uniffi::export(default(lang = None))]
pub fn validate_mrz(text: String, lang: Option<Lang>) -> Result<Validation, IdProofError> {
    guard(|| Ok(Validation::of(lang, validate::scanned_mrz(&text), no_value)))
}

/// The three fields typed by hand: a document number of `A–Z 0–9 <` and real dates `YYMMDD`
/// (`MRZ_FORMAT`, `DOC_DATE`).
#[uniffi::export(default(lang = None))]
pub fn validate_mrz_fields(
    document_number: String,
    birth_date: String,
    expiry_date: String,
    lang: Option<Lang>,
) -> Result<Validation, IdProofError> {
    guard(|| {
        Ok(Validation::of(
            lang,
            validate::manual_mrz(&document_number, &birth_date, &expiry_date),
            no_value,
        ))
    })
}

/// The document is valid on `today` (through its date of expiry `YYMMDD`): `DOC_EXPIRED`,
/// `DOC_DATE`. Throws `USAGE` for a `today` that is not a date.
#[uniffi::export(default(lang = None))]
pub fn validate_not_expired(
    expiry_date: String,
    today: CalendarDate,
    lang: Option<Lang>,
) -> Result<Validation, IdProofError> {
    guard(|| {
        Ok(Validation::of(
            lang,
            validate::not_expired(&expiry_date, today.to_core()?),
            no_value,
        ))
    })
}

/// A typed name equals an MRZ name field (`PRIMARY<<SECONDARY` or one part) under ICAO
/// transliteration (Ø typed is OE printed, Æ is AE, Å is AA): `NAME_MISMATCH`.
#[uniffi::export(default(lang = None))]
pub fn validate_name(
    typed: String,
    mrz_name: String,
    lang: Option<Lang>,
) -> Result<Validation, IdProofError> {
    guard(|| {
        Ok(Validation::of(
            lang,
            validate::names(&typed, &mrz_name),
            no_value,
        ))
    })
}

/// A MitID user ID: 5–48 characters of `a–z æøå 0–9 {}!#$^,*()_+-=:;?.@` and space, no
/// leading or trailing space, not 10 digits, not CPR-like. The value is the case-folded form
/// the backend stores. Uniqueness is the backend's (`USER_ID_TAKEN`).
#[uniffi::export(default(lang = None))]
pub fn validate_user_id(text: String, lang: Option<Lang>) -> Result<Validation, IdProofError> {
    guard(|| {
        Ok(Validation::of(lang, validate::user_id(&text), |u| {
            Some(u.as_str().to_owned())
        }))
    })
}

/// A phone number: `+` (or `00`) and 8–15 digits (E.164), `+45` with 8 digits, or 8 digits
/// alone for a Danish number; spaces, hyphens, dots, slashes and parentheses are ignored.
/// The value is the E.164 form (`+4520000000`) the flow sends and the backend keys by.
#[uniffi::export(default(lang = None))]
pub fn validate_phone(text: String, lang: Option<Lang>) -> Result<Validation, IdProofError> {
    guard(|| {
        Ok(Validation::of(lang, validate::phone(&text), |p| {
            Some(p.as_str().to_owned())
        }))
    })
}

/// An SMS validation code: 4–8 digits (whitespace ignored).
#[uniffi::export(default(lang = None))]
pub fn validate_sms_code(text: String, lang: Option<Lang>) -> Result<Validation, IdProofError> {
    guard(|| {
        Ok(Validation::of(lang, validate::sms_code(&text), |c| {
            Some(c.as_str().to_owned())
        }))
    })
}
