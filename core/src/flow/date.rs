//! A calendar date without a clock: the flow is told what day it is, it never asks.

use std::fmt;

/// A proleptic Gregorian calendar date. Field order makes the derived `Ord` chronological.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The date, if it exists (29 February only in leap years).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        if (1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day) {
            Some(Date { year, month, day })
        } else {
            None
        }
    }

    /// The year, e.g. 2026.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1–31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Parses `YYYY-MM-DD` (ISO 8601 calendar date), e.g. for a CLI's `--today`.
    pub fn parse_iso(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
            return None;
        }
        let year = digits(text.get(0..4)?)?;
        let month = digits(text.get(5..7)?)?;
        let day = digits(text.get(8..10)?)?;
        Date::new(year, u8::try_from(month).ok()?, u8::try_from(day).ok()?)
    }
}

impl Date {
    /// The date of expiry an MRZ's `YYMMDD` stands for: 20YY, unless that lies more than 50
    /// years after `today` (then 19YY), so a document that expired in 1999 reads as expired.
    /// `None` when the text is not six digits or not a real date.
    pub fn from_mrz_expiry(yymmdd: &str, today: Date) -> Option<Date> {
        let (yy, month, day) = split_yymmdd(yymmdd)?;
        let mut year = 2000 + yy;
        if year > today.year().saturating_add(50) {
            year -= 100;
        }
        Date::new(year, month, day)
    }

    /// The date of birth an MRZ's `YYMMDD` stands for: the latest century that does not put
    /// it after `today` (nobody is born in the future; YYMMDD says no century). `None` when
    /// a part is unknown (`<<`, ICAO 9303-3), the text is not digits, or no century makes it
    /// a real date.
    pub fn from_mrz_birth(yymmdd: &str, today: Date) -> Option<Date> {
        let (yy, month, day) = split_yymmdd(yymmdd)?;
        Date::new(2000 + yy, month, day)
            .filter(|d| *d <= today)
            .or_else(|| Date::new(1900 + yy, month, day))
    }
}

/// `YYMMDD` as (YY, MM, DD) numbers; `None` unless it is exactly six ASCII digits.
pub(crate) fn split_yymmdd(text: &str) -> Option<(u16, u8, u8)> {
    if text.len() != 6 {
        return None;
    }
    let yy = digits(text.get(0..2)?)?;
    let month = u8::try_from(digits(text.get(2..4)?)?).ok()?;
    let day = u8::try_from(digits(text.get(4..6)?)?).ok()?;
    Some((yy, month, day))
}

/// Parses a run of ASCII digits (no sign, no spaces).
pub(crate) fn digits(text: &str) -> Option<u16> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Gregorian leap year rule: every 4th year, except centuries not divisible by 400.
pub fn is_leap_year(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leap_days_exist_only_in_leap_years() {
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2023, 2, 29).is_none());
        assert!(Date::new(2023, 4, 31).is_none());
        assert!(Date::new(2023, 13, 1).is_none());
        assert!(Date::new(2023, 1, 0).is_none());
    }

    #[test]
    fn iso_dates_parse_and_order() {
        let a = Date::parse_iso("2026-11-24").unwrap();
        assert_eq!((a.year(), a.month(), a.day()), (2026, 11, 24));
        assert!(Date::parse_iso("2026-02-30").is_none());
        assert!(Date::parse_iso("2026/11/24").is_none());
        assert!(a < Date::new(2026, 11, 25).unwrap());
        assert_eq!(a.to_string(), "2026-11-24");
    }

    #[test]
    fn mrz_dates_get_the_century_people_mean() {
        let today = Date::new(2026, 11, 24).unwrap();
        let birth = |s| Date::from_mrz_birth(s, today).map(|d| d.to_string());
        let expiry = |s| Date::from_mrz_expiry(s, today).map(|d| d.to_string());
        assert_eq!(birth("740812").as_deref(), Some("1974-08-12"));
        assert_eq!(birth("261124").as_deref(), Some("2026-11-24"));
        assert_eq!(birth("261125").as_deref(), Some("1926-11-25"));
        assert_eq!(birth("000229").as_deref(), Some("2000-02-29"));
        assert_eq!(birth("7408<<"), None);
        assert_eq!(birth("<<<<<<"), None);
        assert_eq!(birth("741312"), None);
        assert_eq!(expiry("120415").as_deref(), Some("2012-04-15"));
        assert_eq!(expiry("760101").as_deref(), Some("2076-01-01"));
        assert_eq!(expiry("990101").as_deref(), Some("1999-01-01"));
        assert_eq!(expiry("12041"), None);
    }
}
