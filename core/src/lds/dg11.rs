//! DG11 (ICAO 9303-10 §4.7.11): additional personal details.
//!
//! Every element is optional. Text is UTF-8 (invalid sequences are replaced, never fatal);
//! `<` separators are kept as the issuer wrote them (`SMITH<<JOHN<J`).

use super::common::{children, date, outer, tag_list, text};
use super::error::LdsError;
use super::file::{DataGroup, LdsFile};
use super::names;

const FILE: LdsFile = LdsFile::Dg(DataGroup::DG11);

/// A parsed DG11, keeping the file's bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dg11 {
    raw: Vec<u8>,
    /// The tag list (`5C`): which elements the issuer says are present.
    pub tag_list: Vec<u32>,
    /// `5F0E`: full name in national characters, primary and secondary identifiers
    /// separated by `<<`.
    pub full_name: Option<String>,
    /// `5F0F`: other names, directly or in an `A0` template.
    pub other_names: Vec<String>,
    /// `5F10`: personal number.
    pub personal_number: Option<String>,
    /// `5F2B`: full date of birth as 8 digits `YYYYMMDD` (BCD-encoded dates are converted);
    /// any other content is kept as text.
    pub full_date_of_birth: Option<String>,
    /// `5F11`: place of birth.
    pub place_of_birth: Option<String>,
    /// `5F42`: permanent address.
    pub address: Option<String>,
    /// `5F12`: telephone.
    pub telephone: Option<String>,
    /// `5F13`: profession.
    pub profession: Option<String>,
    /// `5F14`: title.
    pub title: Option<String>,
    /// `5F15`: personal summary.
    pub personal_summary: Option<String>,
    /// `5F16`: proof of citizenship, an image (ISO/IEC 10918) as stored.
    pub proof_of_citizenship: Option<Vec<u8>>,
    /// `5F17`: other valid travel document numbers.
    pub other_td_numbers: Option<String>,
    /// `5F18`: custody information.
    pub custody_information: Option<String>,
    /// Elements with other tags, kept as given (tag, value).
    pub unknown: Vec<(u32, Vec<u8>)>,
}

impl Dg11 {
    /// Parses DG11 (outer tag `6B`). The TLV structure must be sound; element contents are
    /// read leniently.
    pub fn parse(bytes: &[u8]) -> Result<Self, LdsError> {
        let outer = outer(FILE, bytes)?;
        let mut dg = Dg11 {
            raw: outer.raw.to_vec(),
            ..Dg11::default()
        };
        for tlv in children(FILE, outer.value)? {
            if names::collect(FILE, tlv, 0x5F0F, &mut dg.other_names)? {
                continue;
            }
            let v = tlv.value;
            match tlv.tag {
                0x5C => dg.tag_list = tag_list(FILE, v)?,
                0x5F0E => dg.full_name = Some(text(v)),
                0x5F10 => dg.personal_number = Some(text(v)),
                0x5F2B => dg.full_date_of_birth = Some(date(v)),
                0x5F11 => dg.place_of_birth = Some(text(v)),
                0x5F42 => dg.address = Some(text(v)),
                0x5F12 => dg.telephone = Some(text(v)),
                0x5F13 => dg.profession = Some(text(v)),
                0x5F14 => dg.title = Some(text(v)),
                0x5F15 => dg.personal_summary = Some(text(v)),
                0x5F16 => dg.proof_of_citizenship = Some(v.to_vec()),
                0x5F17 => dg.other_td_numbers = Some(text(v)),
                0x5F18 => dg.custody_information = Some(text(v)),
                tag => dg.unknown.push((tag, v.to_vec())),
            }
        }
        Ok(dg)
    }

    /// The full name (`5F0E`) as people write it, `ERIKSSON, ANNA MARIA` for
    /// `ERIKSSON<<ANNA<MARIA` (the same rule as the MRZ's [`crate::mrz::display_name`]).
    pub fn full_name_display(&self) -> Option<String> {
        self.full_name.as_deref().map(crate::mrz::display_name)
    }

    /// The original bytes of the file (the outer object as read), for hashing.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bcd_date_of_birth_is_converted() {
        let bytes = hex::decode("6B0B5C025F2B5F2B0419710314").unwrap();
        let dg = Dg11::parse(&bytes).unwrap();
        assert_eq!(dg.full_date_of_birth.as_deref(), Some("19710314"));
        assert_eq!(dg.tag_list, vec![0x5F2B]);
    }

    #[test]
    fn unknown_elements_are_kept() {
        let bytes = hex::decode("6B045F7701AA").unwrap();
        assert_eq!(
            Dg11::parse(&bytes).unwrap().unknown,
            vec![(0x5F77, vec![0xAA])]
        );
    }
}
