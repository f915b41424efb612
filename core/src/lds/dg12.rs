//! DG12 (ICAO 9303-10 §4.7.12): additional document details.
//!
//! Every element is optional; text is UTF-8 (invalid sequences replaced, never fatal).

use super::common::{children, date, digits, outer, tag_list, text};
use super::error::LdsError;
use super::file::{DataGroup, LdsFile};
use super::names;

const FILE: LdsFile = LdsFile::Dg(DataGroup::DG12);

/// A parsed DG12, keeping the file's bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dg12 {
    raw: Vec<u8>,
    /// The tag list (`5C`): which elements the issuer says are present.
    pub tag_list: Vec<u32>,
    /// `5F19`: issuing authority.
    pub issuing_authority: Option<String>,
    /// `5F26`: date of issue as 8 digits `YYYYMMDD` (BCD converted); other content as text.
    pub date_of_issue: Option<String>,
    /// `5F1A`: names of other persons, directly or in an `A0` template.
    pub other_persons: Vec<String>,
    /// `5F1B`: endorsements and observations.
    pub endorsements: Option<String>,
    /// `5F1C`: tax or exit requirements.
    pub tax_exit_requirements: Option<String>,
    /// `5F1D`: image of the front of the document, as stored.
    pub image_front: Option<Vec<u8>>,
    /// `5F1E`: image of the rear of the document, as stored.
    pub image_rear: Option<Vec<u8>>,
    /// `5F55`: date and time of personalization, 14 digits `YYYYMMDDhhmmss` (BCD
    /// converted); other content as text.
    pub personalization_time: Option<String>,
    /// `5F56`: serial number of the personalization system.
    pub personalization_device_serial: Option<String>,
    /// Elements with other tags, kept as given (tag, value).
    pub unknown: Vec<(u32, Vec<u8>)>,
}

impl Dg12 {
    /// Parses DG12 (outer tag `6C`). The TLV structure must be sound; element contents are
    /// read leniently.
    pub fn parse(bytes: &[u8]) -> Result<Self, LdsError> {
        let outer = outer(FILE, bytes)?;
        let mut dg = Dg12 {
            raw: outer.raw.to_vec(),
            ..Dg12::default()
        };
        for tlv in children(FILE, outer.value)? {
            if names::collect(FILE, tlv, 0x5F1A, &mut dg.other_persons)? {
                continue;
            }
            let v = tlv.value;
            match tlv.tag {
                0x5C => dg.tag_list = tag_list(FILE, v)?,
                0x5F19 => dg.issuing_authority = Some(text(v)),
                0x5F26 => dg.date_of_issue = Some(date(v)),
                0x5F1B => dg.endorsements = Some(text(v)),
                0x5F1C => dg.tax_exit_requirements = Some(text(v)),
                0x5F1D => dg.image_front = Some(v.to_vec()),
                0x5F1E => dg.image_rear = Some(v.to_vec()),
                0x5F55 => dg.personalization_time = Some(digits(v, 7)),
                0x5F56 => dg.personalization_device_serial = Some(text(v)),
                tag => dg.unknown.push((tag, v.to_vec())),
            }
        }
        Ok(dg)
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
    fn other_persons_in_a0_template_are_collected() {
        // 6C { A0 { 02 01 02, 5F1A "A<<B", 5F1A "C<<D" } }
        let bytes =
            hex::decode("6C13A011020102 5F1A04413C3C42 5F1A04433C3C44".replace(' ', "")).unwrap();
        let dg = Dg12::parse(&bytes).unwrap();
        assert_eq!(dg.other_persons, vec!["A<<B", "C<<D"]);
    }
}
