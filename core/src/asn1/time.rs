//! UTC instants as X.509 and CMS carry them (UTCTime, GeneralizedTime), compared to the second.

use super::Asn1Error;

/// A UTC instant, second precision. Ordered chronologically. Built from certificate and CMS
/// times or by the caller (`at` of verification); nothing in the core reads the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

impl Time {
    /// 1970-01-01T00:00:00Z.
    pub const EPOCH: Time = Time {
        year: 1970,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
    };

    /// A checked instant; `None` if any field is out of range.
    pub fn new(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Option<Self> {
        let ok = (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour < 24
            && minute < 60
            && second < 61;
        ok.then_some(Time {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }

    /// Midnight UTC of a date.
    pub fn from_ymd(year: u16, month: u8, day: u8) -> Option<Self> {
        Self::new(year, month, day, 0, 0, 0)
    }

    /// Parses `YYYY-MM-DD` (the CLI's `--at`), or `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn parse_iso(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        let num = |r: std::ops::Range<usize>| -> Option<u16> {
            let s = text.get(r)?;
            if s.bytes().all(|c| c.is_ascii_digit()) {
                s.parse().ok()
            } else {
                None
            }
        };
        if b.len() < 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hh, mm, ss) = match b.len() {
            10 => (0, 0, 0),
            20 if b.get(10) == Some(&b'T') && b.get(19) == Some(&b'Z') => {
                (num(11..13)?, num(14..16)?, num(17..19)?)
            }
            _ => return None,
        };
        Self::new(
            y,
            u8::try_from(m).ok()?,
            u8::try_from(d).ok()?,
            u8::try_from(hh).ok()?,
            u8::try_from(mm).ok()?,
            u8::try_from(ss).ok()?,
        )
    }

    /// UTCTime content `YYMMDDHHMM[SS]Z` (RFC 5280: years 50–99 are 19xx).
    pub fn parse_utc(content: &[u8]) -> Result<Self, Asn1Error> {
        let digits = strip_zulu(content)?;
        if digits.len() != 10 && digits.len() != 12 {
            return Err(Asn1Error::Malformed("UTCTime"));
        }
        let yy = two(digits, 0)?;
        let year = if yy >= 50 { 1900 } else { 2000 } + u16::from(yy);
        Self::fields(year, digits.get(2..).unwrap_or_default())
    }

    /// GeneralizedTime content `YYYYMMDDHHMMSS[.fff]Z`.
    pub fn parse_generalized(content: &[u8]) -> Result<Self, Asn1Error> {
        let digits = strip_zulu(content)?;
        // Drop fractional seconds.
        let digits = match digits.iter().position(|b| *b == b'.' || *b == b',') {
            Some(p) => digits.get(..p).unwrap_or_default(),
            None => digits,
        };
        if digits.len() != 12 && digits.len() != 14 {
            return Err(Asn1Error::Malformed("GeneralizedTime"));
        }
        let year = u16::from(two(digits, 0)?) * 100 + u16::from(two(digits, 2)?);
        Self::fields(year, digits.get(4..).unwrap_or_default())
    }

    /// `MMDDHHMM[SS]` after the year.
    fn fields(year: u16, rest: &[u8]) -> Result<Self, Asn1Error> {
        let second = if rest.len() == 10 { two(rest, 8)? } else { 0 };
        Self::new(
            year,
            two(rest, 0)?,
            two(rest, 2)?,
            two(rest, 4)?,
            two(rest, 6)?,
            second,
        )
        .ok_or(Asn1Error::Malformed("time out of range"))
    }

    /// The year.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, 1–31.
    pub fn day(&self) -> u8 {
        self.day
    }
}

impl std::fmt::Display for Time {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

impl serde::Serialize for Time {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn strip_zulu(content: &[u8]) -> Result<&[u8], Asn1Error> {
    match content.split_last() {
        Some((b'Z', digits)) => Ok(digits),
        _ => Err(Asn1Error::Malformed("time is not in UTC (no trailing Z)")),
    }
}

fn two(digits: &[u8], at: usize) -> Result<u8, Asn1Error> {
    match digits.get(at..at + 2) {
        Some([a, b]) if a.is_ascii_digit() && b.is_ascii_digit() => {
            Ok((a - b'0') * 10 + (b - b'0'))
        }
        _ => Err(Asn1Error::Malformed("time digits")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_and_generalized_times_parse_and_order() {
        let a = Time::parse_utc(b"991231235959Z").unwrap();
        let b = Time::parse_utc(b"240601000000Z").unwrap();
        let c = Time::parse_generalized(b"20500101000000Z").unwrap();
        assert_eq!(a.to_string(), "1999-12-31T23:59:59Z");
        assert!(a < b && b < c);
        assert_eq!(Time::parse_iso("2024-06-01"), Some(b));
        assert!(Time::parse_utc(b"240231000000Z").is_err());
        assert!(Time::parse_utc(b"2406010000").is_err());
        assert_eq!(Time::parse_iso("2024-13-01"), None);
        assert_eq!(
            Time::parse_iso("2024-06-01T12:00:00Z").unwrap().to_string(),
            "2024-06-01T12:00:00Z"
        );
    }
}
