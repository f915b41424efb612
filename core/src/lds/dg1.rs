//! DG1 (ICAO 9303-10 §4.7.1): the MRZ as stored on the chip.
//!
//! This module only extracts and shape-checks the MRZ text. Turning it into a typed MRZ
//! (fields, check digits) is the job of `crate::mrz`, which is being written separately;
//! the integration (e.g. a `Dg1::mrz()` returning a parsed MRZ) will be added later by
//! whoever joins the two. Keeping DG1 independent of it means this parser can be used to
//! compare DG1 with the MRZ used for access byte for byte.

use crate::codec::tlv::Tlv;

use super::common::outer;
use super::error::LdsError;
use super::file::{DataGroup, LdsFile};

const FILE: LdsFile = LdsFile::Dg(DataGroup::DG1);

/// The MRZ layout implied by the length of DG1's MRZ text (ICAO 9303-10 Table 38).
///
/// A guess from the length alone: MRV-A visas share TD3's 88 characters and MRV-B
/// visas TD2's 72; the document code tells them apart and is `crate::mrz`'s business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MrzLayout {
    /// 3 lines of 30 characters (ID cards).
    Td1,
    /// 2 lines of 36 characters.
    Td2,
    /// 2 lines of 44 characters (passports).
    Td3,
}

impl MrzLayout {
    /// The layout with `len` characters in total, if any.
    pub fn from_len(len: usize) -> Option<Self> {
        match len {
            90 => Some(MrzLayout::Td1),
            72 => Some(MrzLayout::Td2),
            88 => Some(MrzLayout::Td3),
            _ => None,
        }
    }

    /// Characters per line.
    pub fn line_len(self) -> usize {
        match self {
            MrzLayout::Td1 => 30,
            MrzLayout::Td2 => 36,
            MrzLayout::Td3 => 44,
        }
    }

    /// Number of lines.
    pub fn lines(self) -> usize {
        match self {
            MrzLayout::Td1 => 3,
            MrzLayout::Td2 | MrzLayout::Td3 => 2,
        }
    }
}

/// A parsed DG1: the raw MRZ text (only `A`–`Z`, `0`–`9` and `<`), keeping the file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dg1 {
    raw: Vec<u8>,
    mrz_text: String,
    layout: MrzLayout,
}

impl Dg1 {
    /// Parses DG1 (outer tag `61`, one `5F1F` MRZ object and nothing else).
    ///
    /// Strict: the MRZ must be 90, 72 or 88 characters of the MRZ alphabet, and no other
    /// object may follow it inside `61` (a stray byte there means the file was altered).
    pub fn parse(bytes: &[u8]) -> Result<Self, LdsError> {
        let outer = outer(FILE, bytes)?;
        let (mrz, rest) = Tlv::parse(outer.value).map_err(LdsError::tlv(FILE))?;
        if mrz.tag != 0x5F1F {
            return Err(LdsError::Missing {
                file: FILE,
                tag: 0x5F1F,
            });
        }
        if !rest.is_empty() {
            return Err(LdsError::invalid(
                FILE,
                format!("{} unexpected byte(s) after the MRZ object", rest.len()),
            ));
        }
        if let Some(bad) = mrz
            .value
            .iter()
            .find(|b| !(b.is_ascii_uppercase() || b.is_ascii_digit() || **b == b'<'))
        {
            return Err(LdsError::invalid(
                FILE,
                format!("MRZ holds the non-MRZ byte {bad:#04x}"),
            ));
        }
        let layout = MrzLayout::from_len(mrz.value.len()).ok_or_else(|| {
            LdsError::invalid(
                FILE,
                format!(
                    "MRZ is {} characters; expected 90 (TD1), 72 (TD2) or 88 (TD3)",
                    mrz.value.len()
                ),
            )
        })?;
        // Only ASCII was accepted above, so this conversion cannot lose anything.
        let mrz_text = String::from_utf8_lossy(mrz.value).into_owned();
        Ok(Dg1 {
            raw: outer.raw.to_vec(),
            mrz_text,
            layout,
        })
    }

    /// The original bytes of the file (the outer object as read), for hashing.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The MRZ as one string without line breaks, exactly as stored.
    pub fn mrz_text(&self) -> &str {
        &self.mrz_text
    }

    /// The layout guessed from the length.
    pub fn layout(&self) -> MrzLayout {
        self.layout
    }

    /// The MRZ split into its printed lines (3 × 30, 2 × 36 or 2 × 44).
    pub fn lines(&self) -> Vec<&str> {
        let len = self.layout.line_len();
        (0..self.layout.lines())
            .filter_map(|i| self.mrz_text.get(i * len..(i + 1) * len))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dg1(mrz: &[u8]) -> Vec<u8> {
        let inner = crate::codec::tlv::encode(0x5F1F, mrz);
        crate::codec::tlv::encode(0x61, &inner)
    }

    #[test]
    fn td1_is_split_into_three_lines() {
        let mrz = b"I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<";
        let parsed = Dg1::parse(&dg1(mrz)).unwrap();
        assert_eq!(parsed.layout(), MrzLayout::Td1);
        assert_eq!(
            parsed.lines(),
            vec![
                "I<UTOD231458907<<<<<<<<<<<<<<<",
                "7408122F1204159UTO<<<<<<<<<<<6",
                "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
            ]
        );
    }

    #[test]
    fn lower_case_and_wrong_lengths_are_rejected() {
        let mut mrz = vec![b'<'; 88];
        mrz[3] = b'a';
        assert!(matches!(
            Dg1::parse(&dg1(&mrz)),
            Err(LdsError::Invalid { .. })
        ));
        assert!(matches!(
            Dg1::parse(&dg1(&[b'<'; 87])),
            Err(LdsError::Invalid { .. })
        ));
        assert!(Dg1::parse(&dg1(&[b'<'; 88])).is_ok());
    }

    #[test]
    fn other_tag_instead_of_mrz_is_rejected() {
        let inner = crate::codec::tlv::encode(0x5F20, &[b'<'; 88]);
        assert_eq!(
            Dg1::parse(&crate::codec::tlv::encode(0x61, &inner)),
            Err(LdsError::Missing {
                file: FILE,
                tag: 0x5F1F
            })
        );
    }
}
