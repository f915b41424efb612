//! Validators for everything a person types or a scan yields in the activation flow.
//!
//! Each is a pure function returning the validated value or a [`ValidationError`] with a
//! stable [`Code`] and a catalogue message ([`ValidationError::message`]). None reads a clock:
//! functions that depend on the date take `today`. Validated values that are personal data
//! ([`PCode`], [`Cpr`], [`UserId`], [`PhoneNumber`], [`SmsCode`], [`AccessMrz`]) redact
//! themselves in `Debug` and are not serializable, so they cannot leak into logs or state at
//! rest by accident; the typed strings are zeroized on drop. Errors never contain the values
//! either (they name fields and positions).
//!
//! Rules and their sources: `../shared/notes/mitid-flow.md` §2 (P code), §3 (user ID, phone),
//! §6 (CPR), §7 (names), §8 (country codes), and the ICAO 9303 parts cited per function.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::countries::{self, CodeKind};
use super::date::{Date, digits, split_yymmdd};
use super::messages::{Code, Lang};
use crate::mrz::{Mrz, MrzAccess, MrzError, MrzKey, NameMatch, name_matches};

/// Why an input was refused. Every variant has a stable [`Code`]; none carries personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// A P code is not exactly 8 ASCII digits.
    #[error("a P code is exactly 8 digits")]
    PCodeFormat,
    /// A CPR number is not `DDMMYY-SSSS` or `DDMMYYSSSS`.
    #[error("a CPR number is DDMMYY-SSSS or DDMMYYSSSS")]
    CprFormat,
    /// The CPR birth date (with the century from the 7th digit) does not exist.
    #[error("the CPR birth date is not a real date")]
    CprDate,
    /// The CPR birth date is after `today`.
    #[error("the CPR birth date is in the future")]
    CprFuture,
    /// Not an ICAO issuing-state or organisation code.
    #[error("not an ICAO issuing-state code")]
    CountryUnknown,
    /// The ICAO specimen code `UTO` outside a test configuration.
    #[error("specimen issuing state not allowed")]
    CountrySpecimen,
    /// The document's issuing state (MRZ or DG1) is not the chosen country.
    #[error("issuing state {found} differs from the chosen {chosen}")]
    CountryMismatch {
        /// The chosen code.
        chosen: String,
        /// The code in the document.
        found: String,
    },
    /// The MRZ document code is not of the chosen kind.
    #[error("document code {document_code} is not a {chosen}")]
    DocKind {
        /// What the person chose.
        chosen: DocumentKind,
        /// The MRZ document code, e.g. `P<`, `ID`.
        document_code: String,
    },
    /// The MRZ document code is neither passport nor ID card (`AC` crew certificate, visas …).
    #[error("document code {document_code} is neither a passport nor an ID card")]
    DocKindUnsupported {
        /// The MRZ document code.
        document_code: String,
    },
    /// The date of expiry is before `today`.
    #[error("the document has expired")]
    DocExpired,
    /// A document date (`YYMMDD`) does not exist.
    #[error("the {field} is not a real date")]
    DocDate {
        /// `birth_date` or `expiry_date`.
        field: &'static str,
    },
    /// The MRZ text is malformed, or a check digit is wrong.
    #[error(transparent)]
    Mrz(#[from] MrzError),
    /// The chip's DG1 is not the MRZ used to open it.
    #[error("DG1 differs from the MRZ used for access in: {}", .fields.join(", "))]
    MrzMismatch {
        /// The differing fields (`document_number`, `birth_date`, `expiry_date`, `other`).
        fields: Vec<&'static str>,
    },
    /// A typed name is not the MRZ name under ICAO transliteration.
    #[error("the typed name differs from the MRZ name")]
    NameMismatch,
    /// A user ID is not 5–48 characters.
    #[error("a user ID is 5 to 48 characters, got {length}")]
    UserIdLength {
        /// The length in characters.
        length: usize,
    },
    /// A user ID holds a character outside the allowed set.
    #[error("character {position} of the user ID is not allowed")]
    UserIdCharacter {
        /// 1-based position of the first bad character.
        position: usize,
    },
    /// A user ID starts or ends with a space.
    #[error("a user ID must not start or end with a space")]
    UserIdSpace,
    /// A user ID is exactly 10 digits.
    #[error("a user ID must not be 10 digits")]
    UserIdDigits,
    /// A user ID looks like a CPR number (`DDMMYY-SSSS` with a real date).
    #[error("a user ID must not look like a CPR number")]
    UserIdCpr,
    /// A phone number is not `+` and 8–15 digits.
    #[error("a phone number is + followed by 8 to 15 digits")]
    PhoneFormat,
    /// The phone number's country code starts with 0.
    #[error("a country code does not start with 0")]
    PhoneCountryCode,
    /// A `+45` number without exactly 8 national digits.
    #[error("a Danish number has 8 digits after +45, got {digits}")]
    PhoneDanishLength {
        /// National digits given.
        digits: usize,
    },
    /// An SMS code is not 4–8 digits.
    #[error("an SMS code is 4 to 8 digits")]
    SmsCodeFormat,
}

impl ValidationError {
    /// The stable code.
    pub fn code(&self) -> Code {
        match self {
            ValidationError::PCodeFormat => Code::PCodeFormat,
            ValidationError::CprFormat => Code::CprFormat,
            ValidationError::CprDate => Code::CprDate,
            ValidationError::CprFuture => Code::CprFuture,
            ValidationError::CountryUnknown => Code::CountryUnknown,
            ValidationError::CountrySpecimen => Code::CountrySpecimen,
            ValidationError::CountryMismatch { .. } => Code::Country,
            ValidationError::DocKind { .. } => Code::DocKind,
            ValidationError::DocKindUnsupported { .. } => Code::DocKindUnsupported,
            ValidationError::DocExpired => Code::DocExpired,
            // An impossible date on the scanned MRZ is the flow's date refusal.
            ValidationError::DocDate { .. } | ValidationError::Mrz(MrzError::Date { .. }) => {
                Code::DocDate
            }
            ValidationError::Mrz(MrzError::CheckDigit { .. }) => Code::MrzCheckDigit,
            ValidationError::Mrz(_) => Code::MrzFormat,
            ValidationError::MrzMismatch { .. } => Code::MrzMismatch,
            ValidationError::NameMismatch => Code::NameMismatch,
            ValidationError::UserIdLength { .. } => Code::UserIdLength,
            ValidationError::UserIdCharacter { .. } => Code::UserIdCharacter,
            ValidationError::UserIdSpace => Code::UserIdSpace,
            ValidationError::UserIdDigits => Code::UserIdDigits,
            ValidationError::UserIdCpr => Code::UserIdCpr,
            ValidationError::PhoneFormat => Code::PhoneFormat,
            ValidationError::PhoneCountryCode => Code::PhoneCountryCode,
            ValidationError::PhoneDanishLength { .. } => Code::PhoneDanishLength,
            ValidationError::SmsCodeFormat => Code::SmsCodeFormat,
        }
    }

    /// The user-facing message from the catalogue.
    pub fn message(&self, lang: Lang) -> &'static str {
        self.code().message(lang)
    }
}

macro_rules! redacted_debug {
    ($($t:ty),*) => {$(
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($t), "(<redacted>)"))
            }
        }
    )*};
}

// ---------------------------------------------------------------------------------------------
// P code

/// A P code in the right format (8 digits). Whether it exists, is unexpired (60 days), unused
/// and has attempts left is the backend's business.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct PCode(String);

impl PCode {
    /// The 8 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `^\d{8}$` (mitid-flow.md §2). Surrounding whitespace is ignored; nothing else is.
pub fn p_code(input: &str) -> Result<PCode, ValidationError> {
    let s = input.trim();
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(PCode(s.to_owned()))
    } else {
        Err(ValidationError::PCodeFormat)
    }
}

// ---------------------------------------------------------------------------------------------
// CPR

/// A CPR number with a real birth date that is not in the future.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Cpr {
    digits: String,
    #[zeroize(skip)]
    birth_date: Date,
    modulus11: bool,
}

impl Cpr {
    /// The 10 digits without hyphen.
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// The birth date, century from the 7th digit.
    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// Whether the number passes the modulus 11 check (all numbers issued before
    /// 1 October 2007 do; later ones need not).
    pub fn passes_modulus11(&self) -> bool {
        self.modulus11
    }

    /// `Some(CPR_MODULUS11)` when the UI should ask the person to re-check for a typo. A
    /// warning only: the number is valid and must be accepted (cpr.dk, "Personnumre uden
    /// modulus 11-kontrol").
    pub fn warning(&self) -> Option<Code> {
        (!self.modulus11).then_some(Code::CprModulus11)
    }
}

/// The birth century for CPR year `yy` and 7th digit `seventh`, per the CPR office's table
/// (cpr.dk, "Opbygning af CPR-nummeret"): 0–3 → 1900s; 4 and 9 → 2000s if YY ≤ 36, else
/// 1900s; 5–8 → 2000s if YY ≤ 57, else 1800s. Birth years therefore span 1858–2057.
pub fn cpr_birth_year(yy: u8, seventh: u8) -> Option<u16> {
    if yy > 99 {
        return None;
    }
    // The rows of the CPR office's table, kept as printed there.
    #[allow(clippy::match_same_arms)]
    let century: u16 = match seventh {
        0..=3 => 1900,
        4 | 9 if yy <= 36 => 2000,
        4 | 9 => 1900,
        5..=8 if yy <= 57 => 2000,
        5..=8 => 1800,
        _ => return None,
    };
    Some(century + u16::from(yy))
}

/// The modulus 11 check: Σ dᵢ·wᵢ ≡ 0 (mod 11) with weights 4 3 2 7 6 5 4 3 2 1.
fn modulus11(digits: &[u8]) -> bool {
    const WEIGHTS: [u32; 10] = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
    digits.len() == 10
        && digits
            .iter()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum::<u32>()
            % 11
            == 0
}

/// The 10 ASCII digits of `DDMMYY-SSSS` / `DDMMYYSSSS`, or `None`.
fn cpr_digits(s: &str) -> Option<String> {
    let plain = match (s.len(), s.as_bytes().get(6)) {
        (10, _) => s.to_owned(),
        (11, Some(b'-')) => format!("{}{}", s.get(..6)?, s.get(7..)?),
        _ => return None,
    };
    plain.bytes().all(|b| b.is_ascii_digit()).then_some(plain)
}

/// The birth date encoded in 10 CPR digits, or `None` if it does not exist.
fn cpr_date(plain: &str) -> Option<Date> {
    let day = u8::try_from(digits(plain.get(0..2)?)?).ok()?;
    let month = u8::try_from(digits(plain.get(2..4)?)?).ok()?;
    let yy = u8::try_from(digits(plain.get(4..6)?)?).ok()?;
    let seventh = u8::try_from(digits(plain.get(6..7)?)?).ok()?;
    Date::new(cpr_birth_year(yy, seventh)?, month, day)
}

/// `DDMMYY-SSSS` or `DDMMYYSSSS` (surrounding whitespace ignored) with a real birth date,
/// century from the 7th digit, not after `today`. Modulus 11 is never a reason to refuse
/// ([`Cpr::warning`]).
pub fn cpr(input: &str, today: Date) -> Result<Cpr, ValidationError> {
    let plain = cpr_digits(input.trim()).ok_or(ValidationError::CprFormat)?;
    let birth_date = cpr_date(&plain).ok_or(ValidationError::CprDate)?;
    if birth_date > today {
        return Err(ValidationError::CprFuture);
    }
    Ok(Cpr {
        modulus11: modulus11(plain.as_bytes()),
        digits: plain,
        birth_date,
    })
}

// ---------------------------------------------------------------------------------------------
// Issuing state and document kind

/// An ICAO issuing-state or organisation code from [`super::countries`], without fillers
/// (`D`, `DNK`, `XXB`). Not personal data on its own, but kept out of state at rest anyway
/// (it hints at nationality).
#[derive(Clone, PartialEq, Eq)]
pub struct IssuingState(String);

impl IssuingState {
    /// The code without fillers, e.g. `D`.
    pub fn code(&self) -> &str {
        &self.0
    }

    /// The code as printed in an MRZ field of 3, e.g. `D<<`.
    pub fn as_mrz(&self) -> String {
        format!("{:<<3}", self.0)
    }
}

impl fmt::Debug for IssuingState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IssuingState({})", self.0)
    }
}

/// An ICAO code (ASCII letters, any case; trailing `<` fillers allowed, so `D<<` = `D`).
/// `UTO` is accepted only when `allow_specimen` (test builds and the demo).
pub fn issuing_state(input: &str, allow_specimen: bool) -> Result<IssuingState, ValidationError> {
    let code = input.trim().to_ascii_uppercase();
    let code = code.trim_end_matches('<');
    match countries::lookup(code) {
        None => Err(ValidationError::CountryUnknown),
        Some(CodeKind::Specimen) if !allow_specimen => Err(ValidationError::CountrySpecimen),
        Some(_) => Ok(IssuingState(code.to_owned())),
    }
}

/// The issuing state printed in an MRZ (or DG1) equals the chosen country (mitid-flow.md §8:
/// compare with the issuing state, never the nationality).
pub fn issuing_state_matches(
    mrz_issuing_state: &str,
    chosen: &IssuingState,
) -> Result<(), ValidationError> {
    let found = mrz_issuing_state.trim_end_matches('<');
    if found == chosen.code() {
        Ok(())
    } else {
        Err(ValidationError::CountryMismatch {
            chosen: chosen.code().to_owned(),
            found: found.to_owned(),
        })
    }
}

/// The kind of document the person says they hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// A passport (MRZ document code `P…`, TD3).
    Passport,
    /// A national ID card (MRZ document code `I…`, `A…` or `C…`, usually TD1).
    IdCard,
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DocumentKind::Passport => "passport",
            DocumentKind::IdCard => "ID card",
        })
    }
}

/// The kind an MRZ document code denotes (ICAO 9303-4 §4.2.2, 9303-5 §4.2.2): `P…` is a
/// passport; `I…`, `A…`, `C…` are official travel documents of ID-card size, which is what a
/// national ID card uses (MitID's guide: ID cards start with `I`). `AC` is the ICAO **crew
/// member certificate** (9303-5 Appendix): it starts with `A` yet is issued to air crew, not as
/// a citizen's identity document, so it is neither. Visas (`V…`) and anything else are neither.
pub fn kind_of_document_code(document_code: &str) -> Option<DocumentKind> {
    if document_code == "AC" {
        return None;
    }
    match document_code.chars().next()? {
        'P' => Some(DocumentKind::Passport),
        'I' | 'A' | 'C' => Some(DocumentKind::IdCard),
        _ => None,
    }
}

/// The MRZ document code denotes the chosen kind.
pub fn document_kind(chosen: DocumentKind, document_code: &str) -> Result<(), ValidationError> {
    match kind_of_document_code(document_code) {
        None => Err(ValidationError::DocKindUnsupported {
            document_code: document_code.to_owned(),
        }),
        Some(kind) if kind == chosen => Ok(()),
        Some(_) => Err(ValidationError::DocKind {
            chosen,
            document_code: document_code.to_owned(),
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Dates, MRZ, DG1

/// The date of expiry of an MRZ (`YYMMDD`). Two-digit years are read as 20YY unless that lies
/// more than 50 years after `today` (then 19YY), so a document that expired in 1999 is expired.
pub fn expiry_date(yymmdd: &str, today: Date) -> Result<Date, ValidationError> {
    Date::from_mrz_expiry(yymmdd, today).ok_or(ValidationError::DocDate {
        field: "expiry_date",
    })
}

/// The document is valid on `today` (valid through its date of expiry). MitID's manual entry
/// "cannot choose a date back in time" (mitid-flow.md §1).
pub fn not_expired(expiry_yymmdd: &str, today: Date) -> Result<Date, ValidationError> {
    let expiry = expiry_date(expiry_yymmdd, today)?;
    if expiry < today {
        Err(ValidationError::DocExpired)
    } else {
        Ok(expiry)
    }
}

/// A date of birth `YYMMDD` that exists in the 1900s or the 2000s (the century is not in the
/// MRZ, so 29 February of `00` is accepted: 2000 was a leap year).
pub fn birth_date(yymmdd: &str) -> Result<(), ValidationError> {
    if yymmdd_exists(yymmdd) {
        Ok(())
    } else {
        Err(ValidationError::DocDate {
            field: "birth_date",
        })
    }
}

/// `YYMMDD` is a real date in the 1900s or the 2000s.
fn yymmdd_exists(yymmdd: &str) -> bool {
    split_yymmdd(yymmdd).is_some_and(|(yy, month, day)| {
        Date::new(1900 + yy, month, day).is_some() || Date::new(2000 + yy, month, day).is_some()
    })
}

/// The MRZ the chip is opened with: scanned by the camera (or typed in full), or the three
/// fields typed by hand.
#[derive(Clone)]
pub enum AccessMrz {
    /// A full MRZ with valid check digits.
    Scanned(Mrz),
    /// Document number, date of birth, date of expiry as typed (normalised to upper case).
    Manual {
        /// The key built from the three fields.
        key: MrzKey,
        /// The document number, without check digit.
        document_number: String,
        /// `YYMMDD`.
        birth_date: String,
        /// `YYMMDD`.
        expiry_date: String,
    },
}

impl AccessMrz {
    /// The BAC/PACE key for this MRZ.
    pub fn access_key(&self) -> MrzKey {
        match self {
            AccessMrz::Scanned(mrz) => MrzKey::from_mrz(mrz),
            AccessMrz::Manual { key, .. } => key.clone(),
        }
    }

    /// The date of expiry, `YYMMDD`.
    pub fn expiry_date(&self) -> &str {
        match self {
            AccessMrz::Scanned(mrz) => mrz.expiry_date(),
            AccessMrz::Manual { expiry_date, .. } => expiry_date,
        }
    }

    /// What DG1 is compared with (`verify::verify_access`, [`dg1_matches_access`]): the whole
    /// MRZ when it was scanned, the key built from the three fields when they were typed.
    pub fn as_mrz_access(&self) -> MrzAccess<'_> {
        match self {
            AccessMrz::Scanned(mrz) => MrzAccess::Lines(mrz),
            AccessMrz::Manual { key, .. } => MrzAccess::Fields(key),
        }
    }

    /// The full MRZ, when it was scanned.
    pub fn mrz(&self) -> Option<&Mrz> {
        match self {
            AccessMrz::Scanned(mrz) => Some(mrz),
            AccessMrz::Manual { .. } => None,
        }
    }
}

/// A scanned (or fully typed) MRZ: well formed, every check digit right.
pub fn scanned_mrz(text: &str) -> Result<Mrz, ValidationError> {
    let mrz = Mrz::parse(text)?;
    mrz.validate()?;
    Ok(mrz)
}

/// The three fields typed by hand: a document number of `A-Z0-9<`, and real dates.
pub fn manual_mrz(
    document_number: &str,
    birth: &str,
    expiry: &str,
) -> Result<AccessMrz, ValidationError> {
    let key = MrzKey::new(document_number, birth, expiry)?;
    birth_date(birth)?;
    if !yymmdd_exists(expiry) {
        return Err(ValidationError::DocDate {
            field: "expiry_date",
        });
    }
    Ok(AccessMrz::Manual {
        key,
        document_number: document_number
            .trim()
            .to_ascii_uppercase()
            .trim_end_matches('<')
            .to_owned(),
        birth_date: birth.to_owned(),
        expiry_date: expiry.to_owned(),
    })
}

/// DG1 holds the MRZ used for access: the whole MRZ when it was scanned, the three key fields
/// when they were typed (ICAO 9303-11 and mitid-flow.md §5.5 item 3).
pub fn dg1_matches_access(dg1: &Mrz, access: &AccessMrz) -> Result<(), ValidationError> {
    let fields = access.as_mrz_access().differences(dg1);
    if fields.is_empty() {
        Ok(())
    } else {
        Err(ValidationError::MrzMismatch { fields })
    }
}

/// A typed name equals an MRZ name (`PRIMARY<<SECONDARY<<<` field or one part) under the ICAO
/// 9303-3 transliteration ([`crate::mrz::name_matches`]): `Ø` typed is `OE` printed (the
/// MitID Erhverv guide: "Ø should be typed as OE"), `Æ` is `AE`, `Å` is `AA`.
pub fn names(typed: &str, mrz_name: &str) -> Result<NameMatch, ValidationError> {
    match name_matches(typed, mrz_name) {
        NameMatch::Mismatch { .. } => Err(ValidationError::NameMismatch),
        m => Ok(m),
    }
}

// ---------------------------------------------------------------------------------------------
// User ID

/// A user ID in its case-folded form (lower case, `ÆØÅ` → `æøå`), which is what the backend
/// stores and compares: upper and lower case make no difference.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct UserId(String);

impl UserId {
    /// The case-folded user ID.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The special characters MitID allows in a user ID, besides `a–z`, `æøå`, `0–9` and space.
pub const USER_ID_SPECIALS: &str = "{}!#$^,*()_+-=:;?.@";

fn user_id_char_allowed(c: char) -> bool {
    c.is_ascii_lowercase()
        || c.is_ascii_digit()
        || matches!(c, 'æ' | 'ø' | 'å' | ' ')
        || USER_ID_SPECIALS.contains(c)
}

/// MitID's user-ID rules (mitid.dk "MitID user ID"; mitid-flow.md §3.1): 5–48 characters from
/// `a–z æøå 0–9 {}!#$^,*()_+-=:;?.@` and space (U+0020 only), case-insensitive, no leading or
/// trailing space, not exactly 10 digits, not CPR-like (`DDMMYY-SSSS` with a real date).
/// `å` typed as `a` + combining ring (U+030A) is composed first; uniqueness is the backend's.
pub fn user_id(input: &str) -> Result<UserId, ValidationError> {
    let folded: String = input
        .replace("a\u{30A}", "å")
        .replace("A\u{30A}", "å")
        .chars()
        .flat_map(char::to_lowercase)
        .collect();
    if folded.starts_with(' ') || folded.ends_with(' ') {
        return Err(ValidationError::UserIdSpace);
    }
    let length = folded.chars().count();
    if !(5..=48).contains(&length) {
        return Err(ValidationError::UserIdLength { length });
    }
    if let Some(index) = folded.chars().position(|c| !user_id_char_allowed(c)) {
        return Err(ValidationError::UserIdCharacter {
            position: index + 1,
        });
    }
    if folded.len() == 10 && folded.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValidationError::UserIdDigits);
    }
    if cpr_digits(&folded).and_then(|d| cpr_date(&d)).is_some() {
        return Err(ValidationError::UserIdCpr);
    }
    Ok(UserId(folded))
}

// ---------------------------------------------------------------------------------------------
// Phone and SMS code

/// A phone number in E.164 form, `+` and digits: the one normalised form every consumer
/// uses (the SMS action, the backend's keying of the code it sent, the FFI's `value`).
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// `+` followed by the digits, nothing else (e.g. `+4520000000`).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The separators people type between digit groups (`+45 20 00 00 00`, `+45-2000-0000`,
/// `(+45) 20.00.00.00`, a pasted no-break space); dropped before the number is judged.
fn phone_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '.' | '(' | ')' | '/' | '\u{2010}'..='\u{2015}')
}

/// Danish national numbers have 8 digits, the first not 0 (there is no trunk prefix): typed
/// without a country code, they are `+45` numbers (mitid-flow.md §3.3: default the prefix to
/// +45).
const DANISH_NATIONAL_DIGITS: usize = 8;

/// A phone number as people type it, normalised to E.164 (ITU-T E.164): `+`, a country code
/// not starting with 0, 8–15 digits in all. Spaces, hyphens, dots, slashes and parentheses
/// between digit groups are ignored; the international prefix `00` stands for `+`; exactly 8
/// digits without either (the first not 0) are a Danish number (`+45`). Danish numbers (`+45`) have exactly 8
/// national digits. No public MitID rule limits the countries (mitid-flow.md §3.3); the SMS
/// proves the number.
pub fn phone(input: &str) -> Result<PhoneNumber, ValidationError> {
    let compact: String = input.chars().filter(|c| !phone_separator(*c)).collect();
    let digits = if let Some(rest) = compact.strip_prefix('+') {
        rest.to_owned()
    } else if compact.len() == DANISH_NATIONAL_DIGITS
        && !compact.starts_with('0')
        && compact.bytes().all(|b| b.is_ascii_digit())
    {
        format!("45{compact}")
    } else if let Some(rest) = compact.strip_prefix("00") {
        rest.to_owned()
    } else {
        return Err(ValidationError::PhoneFormat);
    };
    if !(8..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ValidationError::PhoneFormat);
    }
    if digits.starts_with('0') {
        return Err(ValidationError::PhoneCountryCode);
    }
    if let Some(national) = digits.strip_prefix("45")
        && national.len() != DANISH_NATIONAL_DIGITS
    {
        return Err(ValidationError::PhoneDanishLength {
            digits: national.len(),
        });
    }
    Ok(PhoneNumber(format!("+{digits}")))
}

/// An SMS validation code as typed.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct SmsCode(String);

impl SmsCode {
    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// 4–8 digits (no public MitID rule; the backend verifies the value). Whitespace is ignored.
pub fn sms_code(input: &str) -> Result<SmsCode, ValidationError> {
    let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if (4..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(SmsCode(s))
    } else {
        Err(ValidationError::SmsCodeFormat)
    }
}

redacted_debug!(PCode, Cpr, UserId, PhoneNumber, SmsCode, AccessMrz);
