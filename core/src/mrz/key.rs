//! The MRZ key: the "MRZ_information" string from which BAC and PACE derive their keys
//! (ICAO 9303-11 §9.7.1 / §4.4.3.1): document number (padded with `<` to at least 9
//! characters) + its check digit + date of birth + check digit + date of expiry + check digit.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::MrzError;
use super::check_digit::check_digit_char;
use super::parse::Mrz;

/// The minimum document number length in MRZ_information; shorter numbers are padded with `<`.
const MIN_DOCUMENT_NUMBER_LEN: usize = 9;

/// The access key read from an MRZ (or typed by the user): it opens the chip by BAC or PACE.
///
/// It is secret enough to protect (whoever has it can read the chip), so it is zeroized on
/// drop and its `Debug` form shows nothing of it. Check digits are always computed from the
/// fields, never copied from print, so an MRZ with a misprinted digit still yields the key
/// the chip expects for those fields.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MrzKey {
    document_number: String,
    birth_date: String,
    expiry_date: String,
}

impl MrzKey {
    /// Builds a key from the three typed fields: the document number (any length, upper or
    /// lower case, without check digit; surrounding whitespace ignored), and the dates of
    /// birth and expiry as `YYMMDD`. Check digits are computed here.
    pub fn new(
        document_number: &str,
        birth_date: &str,
        expiry_date: &str,
    ) -> Result<MrzKey, MrzError> {
        let number = document_number.trim().to_ascii_uppercase();
        let number = number.trim_end_matches('<');
        if number.is_empty() {
            return Err(MrzError::Format {
                detail: "document number is empty".to_owned(),
            });
        }
        if !number
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'<')
        {
            return Err(MrzError::Format {
                detail: "document number may hold only letters, digits and <".to_owned(),
            });
        }
        for (what, date) in [("birth", birth_date), ("expiry", expiry_date)] {
            if date.len() != 6 || !date.bytes().all(|b| b.is_ascii_digit()) {
                return Err(MrzError::Format {
                    detail: format!("{what} date must be 6 digits YYMMDD"),
                });
            }
        }
        Ok(MrzKey {
            document_number: number.to_owned(),
            birth_date: birth_date.to_owned(),
            expiry_date: expiry_date.to_owned(),
        })
    }

    /// The key of a parsed MRZ: its full document number (also when it continues in the TD1/TD2
    /// optional data) with the check digit computed over that full number.
    pub fn from_mrz(mrz: &Mrz) -> MrzKey {
        MrzKey {
            document_number: mrz.document_number().to_owned(),
            birth_date: mrz.birth_date().to_owned(),
            expiry_date: mrz.expiry_date().to_owned(),
        }
    }

    /// The document number (upper case, without fillers or check digit), e.g. `L898902C3`.
    pub fn document_number(&self) -> &str {
        &self.document_number
    }

    /// The date of birth, `YYMMDD`.
    pub fn birth_date(&self) -> &str {
        &self.birth_date
    }

    /// The date of expiry, `YYMMDD`.
    pub fn expiry_date(&self) -> &str {
        &self.expiry_date
    }

    /// The MRZ_information string (ICAO 9303-11 §9.7.1), e.g. `L898902C<369080619406236`.
    /// SHA-1 of its bytes is K_seed (BAC) or the PACE MRZ password K.
    pub fn mrz_information(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(32));
        let fields = [&self.document_number, &self.birth_date, &self.expiry_date];
        for (index, field) in fields.into_iter().enumerate() {
            let start = out.len();
            out.push_str(field);
            if index == 0 {
                while out.len() - start < MIN_DOCUMENT_NUMBER_LEN {
                    out.push('<');
                }
            }
            // Every field was validated (or came from a parsed MRZ), so the digit exists; a
            // filler keeps this infallible without a panic path.
            let cd = out.get(start..).and_then(check_digit_char).unwrap_or('<');
            out.push(cd);
        }
        out
    }

    /// MRZ_information as bytes, the input of the BAC/PACE key derivation.
    pub fn mrz_information_bytes(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.mrz_information().as_bytes().to_vec())
    }
}

impl From<&Mrz> for MrzKey {
    fn from(mrz: &Mrz) -> Self {
        MrzKey::from_mrz(mrz)
    }
}

impl fmt::Debug for MrzKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MrzKey { <redacted> }")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icao_9303_11_appendix_d_bac_example() {
        let key = MrzKey::new("L898902C<", "690806", "940623").unwrap();
        assert_eq!(key.mrz_information().as_str(), "L898902C<369080619406236");
        let key = MrzKey::new("l898902c", "690806", "940623").unwrap();
        assert_eq!(key.mrz_information().as_str(), "L898902C<369080619406236");
        // The fields as normalised (what the FFI hands back as `AccessKey.DocumentData`).
        assert_eq!(
            (key.document_number(), key.birth_date(), key.expiry_date()),
            ("L898902C", "690806", "940623")
        );
    }

    #[test]
    fn icao_9303_11_appendix_g_pace_example() {
        let key = MrzKey::new("T22000129", "640812", "101031").unwrap();
        assert_eq!(key.mrz_information().as_str(), "T22000129364081251010318");
    }

    #[test]
    fn debug_does_not_leak() {
        let key = MrzKey::new("T22000129", "640812", "101031").unwrap();
        let shown = format!("{key:?}");
        assert!(!shown.contains("T22000129"), "{shown}");
        assert!(!shown.contains("640812"), "{shown}");
    }

    #[test]
    fn rejects_bad_typed_fields() {
        assert!(MrzKey::new("", "640812", "101031").is_err());
        assert!(MrzKey::new("T22-000129", "640812", "101031").is_err());
        assert!(MrzKey::new("T22000129", "64081", "101031").is_err());
        assert!(MrzKey::new("T22000129", "640812", "1010A1").is_err());
    }
}
