//! Parsing TD1, TD2 and TD3 machine readable zones (ICAO 9303-4, -5, -6) into [`Mrz`].
//!
//! Parsing separates two kinds of trouble. Text that is not an MRZ at all (wrong line count
//! or length, lower case, characters outside `A-Z0-9<`, a letter in a date, an unknown sex
//! code) is rejected with [`MrzError::Format`]; a date that is not a real calendar date
//! (month 13, day 32, 29 February of a non-leap year) with [`MrzError::Date`]. A well-formed MRZ whose check digits do not
//! add up still parses, so callers can show the fields *and* name each bad check digit
//! ([`Mrz::check_digit_failures`]); [`Mrz::validate`] turns those into an error.

use std::fmt;

use super::MrzError;
use super::check_digit::check_digit_char;
use crate::flow::date::Date;

/// The three ICAO 9303 MRZ layouts this module reads (visas, MRV-A/MRV-B, are not supported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MrzFormat {
    /// ID-1 size card (ICAO 9303-5): 3 lines of 30 characters.
    Td1,
    /// ID-2 size card (ICAO 9303-6): 2 lines of 36 characters.
    Td2,
    /// Passport booklet (ICAO 9303-4): 2 lines of 44 characters.
    Td3,
}

impl MrzFormat {
    /// The stable name used in JSON and reports: `"TD1"`, `"TD2"` or `"TD3"`.
    pub fn as_str(self) -> &'static str {
        match self {
            MrzFormat::Td1 => "TD1",
            MrzFormat::Td2 => "TD2",
            MrzFormat::Td3 => "TD3",
        }
    }

    /// Number of lines in this layout.
    pub fn line_count(self) -> usize {
        match self {
            MrzFormat::Td1 => 3,
            MrzFormat::Td2 | MrzFormat::Td3 => 2,
        }
    }

    /// Number of characters in each line of this layout.
    pub fn line_length(self) -> usize {
        match self {
            MrzFormat::Td1 => 30,
            MrzFormat::Td2 => 36,
            MrzFormat::Td3 => 44,
        }
    }

    const ALL: [MrzFormat; 3] = [MrzFormat::Td1, MrzFormat::Td2, MrzFormat::Td3];
}

impl fmt::Display for MrzFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A field protected by a check digit. The string forms are stable: they are the `detail` of
/// `MRZ_CHECK_DIGIT` failures in the CLI's JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckedField {
    /// The document number (the full number for long TD1/TD2 numbers).
    DocumentNumber,
    /// The date of birth.
    BirthDate,
    /// The date of expiry.
    ExpiryDate,
    /// The TD3 personal number (optional data of line 2).
    OptionalData,
    /// The composite check digit over the other checked fields.
    Composite,
}

impl CheckedField {
    /// Stable name: `document_number`, `birth_date`, `expiry_date`, `optional_data`, `composite`.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckedField::DocumentNumber => "document_number",
            CheckedField::BirthDate => "birth_date",
            CheckedField::ExpiryDate => "expiry_date",
            CheckedField::OptionalData => "optional_data",
            CheckedField::Composite => "composite",
        }
    }
}

impl fmt::Display for CheckedField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of one check digit: what was printed, what the data computes to, and whether
/// that is acceptable (see [`Mrz`] for the cases where a printed `<` is accepted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckResult {
    /// Which field this digit protects.
    pub field: CheckedField,
    /// The character printed in the check digit position (a digit, or `<`, or a misread letter).
    pub printed: char,
    /// The check digit the data computes to, as an ASCII digit.
    pub computed: char,
    /// Whether the printed character is acceptable for the data.
    pub passed: bool,
}

/// One check digit that does not match its field: the item the CLI reports as
/// `MRZ_CHECK_DIGIT` with `detail` = [`CheckedField::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CheckDigitFailure {
    /// The field whose check digit is wrong.
    pub field: CheckedField,
}

/// A parsed machine readable zone. It can only be built by [`Mrz::parse`] /
/// [`Mrz::parse_lines`], so every value is a well-formed MRZ; check-digit validity is
/// reported separately by [`Mrz::checks`].
///
/// Check digits that may be `<` (exactly these, nothing else):
/// - the TD3 personal number check digit, when the personal number is all fillers
///   (ICAO 9303-4 §4.2.2.2; `0`, what 7-3-1 gives for all fillers, is accepted too);
/// - the TD1/TD2 document number check digit, when it marks a long document number
///   (ICAO 9303-5 and 9303-6, long document numbers): the number continues in the optional data up to
///   the first `<`, the last character before it being the real check digit. If that
///   continuation is empty, the document number check fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mrz {
    format: MrzFormat,
    lines: Vec<String>,
    document_code: String,
    issuing_state: String,
    document_number: String,
    name_field: String,
    surname: String,
    given_names: String,
    nationality: String,
    birth_date: String,
    sex: String,
    expiry_date: String,
    optional_data: Vec<String>,
    checks: Vec<CheckResult>,
}

impl Mrz {
    /// Parses an MRZ given as one string: the lines joined directly (90, 72 or 88 characters)
    /// or separated by any whitespace (spaces, newlines). Only format errors are returned;
    /// check digits are reported by [`Mrz::checks`].
    pub fn parse(text: &str) -> Result<Mrz, MrzError> {
        let (format, lines) = split_lines(text)?;
        match format {
            MrzFormat::Td1 => parse_td1(&lines),
            MrzFormat::Td2 | MrzFormat::Td3 => parse_td2_td3(format, &lines),
        }
    }

    /// Parses an MRZ given line by line (any one element may also hold several lines joined
    /// or separated by whitespace); same rules as [`Mrz::parse`].
    pub fn parse_lines<S: AsRef<str>>(lines: &[S]) -> Result<Mrz, MrzError> {
        let joined = lines
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join("\n");
        Mrz::parse(&joined)
    }

    /// The layout: TD1, TD2 or TD3.
    pub fn format(&self) -> MrzFormat {
        self.format
    }

    /// The raw lines exactly as parsed (upper case, fillers kept), e.g. to compare with DG1.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// Document code without its filler, as people write it: `P`, `ID`, `I`, `AC` (crew
    /// certificate) for the printed `P<`, `ID`, `I<`, `AC`. The printed form is in [`Mrz::lines`].
    pub fn document_code(&self) -> &str {
        &self.document_code
    }

    /// Issuing state or organisation without fillers: ISO 3166 alpha-3 or an ICAO code, `D`
    /// for Germany's printed `D<<`. The printed form is in [`Mrz::lines`].
    pub fn issuing_state(&self) -> &str {
        &self.issuing_state
    }

    /// The full document number without trailing fillers; for long TD1/TD2 numbers this
    /// includes the part that continues in the optional data.
    pub fn document_number(&self) -> &str {
        &self.document_number
    }

    /// The name field as printed (`PRIMARY<<SECONDARY<NAMES<<<`), for [`super::name_matches`].
    pub fn name_field(&self) -> &str {
        &self.name_field
    }

    /// Primary identifier (surname): the name field before the first `<<`, `<` read as space.
    pub fn surname(&self) -> &str {
        &self.surname
    }

    /// Secondary identifier (given names): the name field after the first `<<`, words
    /// separated by single spaces; empty when the document has none.
    pub fn given_names(&self) -> &str {
        &self.given_names
    }

    /// Nationality without fillers (alpha-3 code, `D` for Germany's printed `D<<`).
    pub fn nationality(&self) -> &str {
        &self.nationality
    }

    /// The name as people write it, `SURNAME, GIVEN NAMES` (`ERIKSSON, ANNA MARIA`), or
    /// the surname alone when there are no given names; see [`display_name`].
    pub fn name(&self) -> String {
        display_name(&self.name_field)
    }

    /// Date of birth as printed, `YYMMDD` (an unknown part may be `<` per ICAO 9303-3).
    pub fn birth_date(&self) -> &str {
        &self.birth_date
    }

    /// Sex as printed: `M`, `F`, `X` or `<` (unspecified).
    pub fn sex(&self) -> &str {
        &self.sex
    }

    /// Date of expiry as printed, `YYMMDD`.
    pub fn expiry_date(&self) -> &str {
        &self.expiry_date
    }

    /// The date of birth as a calendar date, in the latest century that does not put it
    /// after `today` (YYMMDD has no century; the caller knows what day it is, the core
    /// reads no clock). `None` when the day or month is unknown (`<<`, ICAO 9303-3): the
    /// printed value is then all there is, in [`Mrz::birth_date`].
    pub fn birth_date_iso(&self, today: Date) -> Option<Date> {
        Date::from_mrz_birth(&self.birth_date, today)
    }

    /// The date of expiry as a calendar date: 20YY, unless that is more than 50 years after
    /// `today` (then 19YY), the rule the activation flow judges expiry by.
    pub fn expiry_date_iso(&self, today: Date) -> Option<Date> {
        Date::from_mrz_expiry(&self.expiry_date, today)
    }

    /// Optional data with trailing fillers removed: TD1 both optional fields (line 1 after any
    /// long document number continuation, then line 2); TD2 its one field (after any long
    /// document number continuation); TD3 the personal number.
    pub fn optional_data(&self) -> &[String] {
        &self.optional_data
    }

    /// Every check digit of this MRZ with its result, in the order printed.
    pub fn checks(&self) -> &[CheckResult] {
        &self.checks
    }

    /// The check digits that do not match, one per field.
    pub fn check_digit_failures(&self) -> Vec<CheckDigitFailure> {
        self.checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| CheckDigitFailure { field: c.field })
            .collect()
    }

    /// True when every check digit matches.
    pub fn is_valid(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// `Ok` when every check digit matches, else [`MrzError::CheckDigit`] naming the fields.
    pub fn validate(&self) -> Result<(), MrzError> {
        let fields: Vec<CheckedField> = self
            .check_digit_failures()
            .into_iter()
            .map(|f| f.field)
            .collect();
        if fields.is_empty() {
            Ok(())
        } else {
            Err(MrzError::CheckDigit { fields })
        }
    }
}

fn format_error(detail: impl Into<String>) -> MrzError {
    MrzError::Format {
        detail: detail.into(),
    }
}

/// Splits the input into lines of a known layout, after checking the character set.
fn split_lines(text: &str) -> Result<(MrzFormat, Vec<&str>), MrzError> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    if tokens.is_empty() {
        return Err(format_error("empty MRZ"));
    }
    for (line_no, token) in tokens.iter().enumerate() {
        for (pos, c) in token.chars().enumerate() {
            if c.is_ascii_uppercase() || c.is_ascii_digit() || c == '<' {
                continue;
            }
            let what = if c.is_lowercase() {
                "lower-case letter"
            } else {
                "invalid character"
            };
            return Err(format_error(format!(
                "{what} {c:?} in line {} at position {}; an MRZ holds only A-Z, 0-9 and <",
                line_no + 1,
                pos + 1
            )));
        }
    }
    if let [joined] = tokens.as_slice() {
        if let Some(format) = MrzFormat::ALL
            .into_iter()
            .find(|f| f.line_count() * f.line_length() == joined.len())
        {
            let len = format.line_length();
            let lines = (0..format.line_count())
                .filter_map(|i| joined.get(i * len..(i + 1) * len))
                .collect();
            return Ok((format, lines));
        }
    } else if let Some(format) = MrzFormat::ALL.into_iter().find(|f| {
        f.line_count() == tokens.len() && tokens.iter().all(|t| t.len() == f.line_length())
    }) {
        return Ok((format, tokens));
    }
    let lengths: Vec<String> = tokens.iter().map(|t| t.len().to_string()).collect();
    Err(format_error(format!(
        "wrong length: got {} line(s) of length {}; expected TD1 (3 lines of 30), \
         TD2 (2 of 36) or TD3 (2 of 44), separately or joined",
        tokens.len(),
        lengths.join(", ")
    )))
}

/// A field of a line that is known to be long enough; never panics.
fn field(line: &str, start: usize, end: usize) -> Result<&str, MrzError> {
    line.get(start..end)
        .ok_or_else(|| format_error(format!("line too short for positions {start}..{end}")))
}

/// One character of a line.
fn char_at(line: &str, pos: usize) -> Result<char, MrzError> {
    line.as_bytes()
        .get(pos)
        .map(|b| char::from(*b))
        .ok_or_else(|| format_error(format!("line too short for position {pos}")))
}

/// The line at `index`.
fn line<'a>(lines: &[&'a str], index: usize) -> Result<&'a str, MrzError> {
    lines
        .get(index)
        .copied()
        .ok_or_else(|| format_error(format!("missing line {}", index + 1)))
}

fn check(field: CheckedField, data: &str, printed: char) -> Result<CheckResult, MrzError> {
    let computed = check_digit_char(data)
        .ok_or_else(|| format_error(format!("invalid character in {field}")))?;
    Ok(CheckResult {
        field,
        printed,
        computed,
        passed: computed == printed,
    })
}

fn trim_filler(s: &str) -> &str {
    s.trim_end_matches('<')
}

fn validate_document_code(code: &str) -> Result<(), MrzError> {
    let mut chars = code.chars();
    match (chars.next(), chars.next()) {
        (Some('V'), _) => Err(format_error(
            "visa MRZs (MRV-A/MRV-B, document code V) are not supported",
        )),
        (Some(first), Some(second))
            if first.is_ascii_uppercase() && (second.is_ascii_uppercase() || second == '<') =>
        {
            Ok(())
        }
        _ => Err(format_error(format!(
            "document code {code:?} must start with a letter"
        ))),
    }
}

/// A birth date: `YYMMDD` digits, where ICAO 9303-3 lets an unknown part be fillers: an
/// unknown day is `<<`, an unknown month and day `<<<<`, a wholly unknown date `<<<<<<`
/// (each pair is either two digits or `<<`). The known parts must form a real date.
fn validate_birth_date(date: &str) -> Result<(), MrzError> {
    if !date.bytes().all(|b| b.is_ascii_digit() || b == b'<') {
        return Err(format_error(format!(
            "birth date {date:?} must be YYMMDD digits (< only for an unknown part)"
        )));
    }
    let pairs = date_pairs(date);
    let [year, month, day] = pairs;
    // Unknown parts are a suffix: an unknown month has an unknown day, an unknown year
    // unknown month and day (74<<<<, 7408<<, <<<<<<; never 74<<12).
    let known = |p: Pair| matches!(p, Pair::Known(_));
    let suffix_ok = (known(month) || !known(day)) && (known(year) || !known(month));
    if !suffix_ok || pairs.contains(&Pair::Mixed) {
        return Err(format_error(format!(
            "birth date {date:?}: YY, MM and DD must each be two digits or << (unknown), \
             unknown parts last"
        )));
    }
    check_calendar(CheckedField::BirthDate, date, year, month, day)
}

/// An expiry date: `YYMMDD` digits only (a document always has a known expiry), and a real
/// calendar date.
fn validate_expiry_date(date: &str) -> Result<(), MrzError> {
    if !date.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format_error(format!(
            "expiry date {date:?} must be YYMMDD digits"
        )));
    }
    let [year, month, day] = date_pairs(date);
    check_calendar(CheckedField::ExpiryDate, date, year, month, day)
}

/// One two-character part of a `YYMMDD` date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pair {
    /// Two digits, as a number 0..=99.
    Known(u8),
    /// `<<`: unknown.
    Unknown,
    /// One digit and one `<`: not allowed.
    Mixed,
}

/// Splits a six-character date (digits and `<` only, checked by the caller) into YY, MM, DD.
fn date_pairs(date: &str) -> [Pair; 3] {
    let pair = |i: usize| match date.as_bytes().get(i..i + 2) {
        Some([a, b]) if a.is_ascii_digit() && b.is_ascii_digit() => {
            Pair::Known((a - b'0') * 10 + (b - b'0'))
        }
        Some(b"<<") => Pair::Unknown,
        _ => Pair::Mixed,
    };
    [pair(0), pair(2), pair(4)]
}

/// Checks the known parts of a date against the calendar: month 01-12, day 01 up to the
/// month's length. YYMMDD does not say the century, so 29 February is accepted when the
/// year is a leap year in either century (YY % 4 == 0: 2000 is a leap year, so `00` is too);
/// with an unknown year or month the longest possible month is assumed.
fn check_calendar(
    field: CheckedField,
    date: &str,
    year: Pair,
    month: Pair,
    day: Pair,
) -> Result<(), MrzError> {
    let date_error = |detail: String| MrzError::Date {
        field,
        detail: format!("{date:?} is not a real date: {detail}"),
    };
    let max_day = match month {
        Pair::Known(m @ 1..=12) => days_in_month(m, year),
        Pair::Known(m) => return Err(date_error(format!("month {m:02} is not 01-12"))),
        _ => 31,
    };
    match day {
        Pair::Known(d) if d == 0 || d > max_day => Err(date_error(format!(
            "day {d:02} is not 01-{max_day:02} for this month"
        ))),
        _ => Ok(()),
    }
}

/// Days in month `month` (1-12) of a two-digit year; February has 29 when the year may be
/// a leap year in either century, or when the year is unknown.
fn days_in_month(month: u8, year: Pair) -> u8 {
    match month {
        2 => match year {
            Pair::Known(y) if y % 4 != 0 => 28,
            _ => 29,
        },
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn validate_sex(sex: char) -> Result<(), MrzError> {
    if matches!(sex, 'M' | 'F' | 'X' | '<') {
        Ok(())
    } else {
        Err(format_error(format!("sex {sex:?} must be M, F, X or <")))
    }
}

/// A name field (MRZ, or DG11's full name `5F0E`) as people write it: `ERIKSSON<<ANNA<MARIA`
/// becomes `ERIKSSON, ANNA MARIA`; with no secondary identifier just `ERIKSSON`; with no
/// primary identifier (some states print only given names after a leading `<<`) `ANNA
/// MARIA`. Each `<` is a space, runs of them collapse, trailing fillers vanish.
pub fn display_name(name_field: &str) -> String {
    let (primary, secondary) = split_name(name_field);
    match (primary.is_empty(), secondary.is_empty()) {
        (_, true) => primary,
        (true, false) => secondary,
        (false, false) => format!("{primary}, {secondary}"),
    }
}

/// Surname and given names from a name field: split on the first `<<`, each `<` a space.
fn split_name(name_field: &str) -> (String, String) {
    let words = |s: &str| {
        s.split('<')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    match name_field.split_once("<<") {
        Some((primary, secondary)) => (words(primary), words(secondary)),
        None => (words(name_field), String::new()),
    }
}

/// The document number and its check, following a long number into the optional data when
/// the check digit position holds `<` (TD1 and TD2 only). Returns the number, its check
/// result and the optional data left after the continuation.
fn document_number<'a>(
    number_field: &str,
    printed: char,
    optional: &'a str,
    allow_long: bool,
) -> Result<(String, CheckResult, &'a str), MrzError> {
    if allow_long && printed == '<' {
        let ext_len = optional.find('<').unwrap_or(optional.len());
        let ext = field(optional, 0, ext_len)?;
        let rest = optional.get(ext_len + 1..).unwrap_or("");
        let mut ext_chars = ext.chars();
        if let Some(real_cd) = ext_chars.next_back() {
            let number = format!("{}{}", trim_filler(number_field), ext_chars.as_str());
            let result = check(CheckedField::DocumentNumber, &number, real_cd)?;
            return Ok((number, result, rest));
        }
    }
    let result = check(CheckedField::DocumentNumber, number_field, printed)?;
    Ok((trim_filler(number_field).to_owned(), result, optional))
}

/// ICAO 9303-5 TD1. Line 1: code 0-1, state 2-4, number 5-13, cd 14, optional 15-29.
/// Line 2: birth 0-5, cd 6, sex 7, expiry 8-13, cd 14, nationality 15-17, optional 18-28,
/// composite 29. Line 3: name.
fn parse_td1(lines: &[&str]) -> Result<Mrz, MrzError> {
    let l1 = line(lines, 0)?;
    let l2 = line(lines, 1)?;
    let l3 = line(lines, 2)?;
    let document_code = field(l1, 0, 2)?;
    validate_document_code(document_code)?;
    let birth_date = field(l2, 0, 6)?;
    validate_birth_date(birth_date)?;
    let sex = char_at(l2, 7)?;
    validate_sex(sex)?;
    let expiry_date = field(l2, 8, 14)?;
    validate_expiry_date(expiry_date)?;

    let (document_number, number_check, optional1) = document_number(
        field(l1, 5, 14)?,
        char_at(l1, 14)?,
        field(l1, 15, 30)?,
        true,
    )?;
    let composite_data = [
        field(l1, 5, 30)?,
        field(l2, 0, 7)?,
        field(l2, 8, 15)?,
        field(l2, 18, 29)?,
    ]
    .concat();
    let checks = vec![
        number_check,
        check(CheckedField::BirthDate, birth_date, char_at(l2, 6)?)?,
        check(CheckedField::ExpiryDate, expiry_date, char_at(l2, 14)?)?,
        check(CheckedField::Composite, &composite_data, char_at(l2, 29)?)?,
    ];
    let name_field = l3.to_owned();
    let (surname, given_names) = split_name(&name_field);
    Ok(Mrz {
        format: MrzFormat::Td1,
        lines: lines.iter().map(|l| (*l).to_owned()).collect(),
        document_code: trim_filler(document_code).to_owned(),
        issuing_state: trim_filler(field(l1, 2, 5)?).to_owned(),
        document_number,
        name_field,
        surname,
        given_names,
        nationality: trim_filler(field(l2, 15, 18)?).to_owned(),
        birth_date: birth_date.to_owned(),
        sex: sex.to_string(),
        expiry_date: expiry_date.to_owned(),
        optional_data: vec![
            trim_filler(optional1).to_owned(),
            trim_filler(field(l2, 18, 29)?).to_owned(),
        ],
        checks,
    })
}

/// ICAO 9303-6 TD2 and 9303-4 TD3. Line 1: code 0-1, state 2-4, name 5-end. Line 2: number
/// 0-8, cd 9, nationality 10-12, birth 13-18, cd 19, sex 20, expiry 21-26, cd 27, optional
/// data 28-34 (TD2) / personal number 28-41 with cd 42 (TD3), composite last.
fn parse_td2_td3(format: MrzFormat, lines: &[&str]) -> Result<Mrz, MrzError> {
    let len = format.line_length();
    let l1 = line(lines, 0)?;
    let l2 = line(lines, 1)?;
    let document_code = field(l1, 0, 2)?;
    validate_document_code(document_code)?;
    let birth_date = field(l2, 13, 19)?;
    validate_birth_date(birth_date)?;
    let sex = char_at(l2, 20)?;
    validate_sex(sex)?;
    let expiry_date = field(l2, 21, 27)?;
    validate_expiry_date(expiry_date)?;

    let is_td3 = format == MrzFormat::Td3;
    // TD2: optional data 28..35; TD3: personal number 28..42 and its check digit at 42.
    let optional_end = if is_td3 { 42 } else { len - 1 };
    let optional_raw = field(l2, 28, optional_end)?;
    let (document_number, number_check, optional) =
        document_number(field(l2, 0, 9)?, char_at(l2, 9)?, optional_raw, !is_td3)?;

    let mut checks = vec![
        number_check,
        check(CheckedField::BirthDate, birth_date, char_at(l2, 19)?)?,
        check(CheckedField::ExpiryDate, expiry_date, char_at(l2, 27)?)?,
    ];
    if is_td3 {
        let printed = char_at(l2, 42)?;
        let mut personal = check(CheckedField::OptionalData, optional_raw, printed)?;
        if printed == '<' && optional_raw.bytes().all(|b| b == b'<') {
            personal.passed = true;
        }
        checks.push(personal);
    }
    let composite_data = [
        field(l2, 0, 10)?,
        field(l2, 13, 20)?,
        field(l2, 21, len - 1)?,
    ]
    .concat();
    checks.push(check(
        CheckedField::Composite,
        &composite_data,
        char_at(l2, len - 1)?,
    )?);

    let name_field = field(l1, 5, len)?.to_owned();
    let (surname, given_names) = split_name(&name_field);
    Ok(Mrz {
        format,
        lines: lines.iter().map(|l| (*l).to_owned()).collect(),
        document_code: trim_filler(document_code).to_owned(),
        issuing_state: trim_filler(field(l1, 2, 5)?).to_owned(),
        document_number,
        name_field,
        surname,
        given_names,
        nationality: trim_filler(field(l2, 10, 13)?).to_owned(),
        birth_date: birth_date.to_owned(),
        sex: sex.to_string(),
        expiry_date: expiry_date.to_owned(),
        optional_data: vec![trim_filler(optional).to_owned()],
        checks,
    })
}
