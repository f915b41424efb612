//! Which file is which: file identifiers, short EF identifiers and outer tags of LDS files.
//!
//! One table so the reader, the verifier (which recognises dumped files by tag) and the
//! virtual chip can never disagree.

use serde::{Deserialize, Serialize};

/// An elementary file of an eMRTD (ICAO 9303-10 §4, ICAO 9303-11 §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LdsFile {
    /// EF.CardAccess (master file): PACE parameters.
    CardAccess,
    /// EF.CardSecurity (master file): signed security infos for PACE-CAM/CA.
    CardSecurity,
    /// EF.ATR/INFO (master file): extended length and buffer sizes.
    AtrInfo,
    /// EF.DIR (master file): applications present.
    Dir,
    /// EF.COM: LDS version and list of data groups present.
    Com,
    /// EF.SOD: the document security object (hashes signed by the issuer).
    Sod,
    /// A data group, 1 to 16.
    Dg(DataGroup),
}

/// A data group number, 1 to 16, valid by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct DataGroup(u8);

impl DataGroup {
    /// DG1: the MRZ.
    pub const DG1: DataGroup = DataGroup(1);
    /// DG2: encoded face.
    pub const DG2: DataGroup = DataGroup(2);
    /// DG3: fingerprints (EAC-protected).
    pub const DG3: DataGroup = DataGroup(3);
    /// DG4: irises (EAC-protected).
    pub const DG4: DataGroup = DataGroup(4);
    /// DG7: displayed signature.
    pub const DG7: DataGroup = DataGroup(7);
    /// DG11: additional personal details.
    pub const DG11: DataGroup = DataGroup(11);
    /// DG12: additional document details.
    pub const DG12: DataGroup = DataGroup(12);
    /// DG14: chip authentication public key and security infos.
    pub const DG14: DataGroup = DataGroup(14);
    /// DG15: active authentication public key.
    pub const DG15: DataGroup = DataGroup(15);

    /// A data group from its number, if it is 1..=16.
    pub fn new(number: u8) -> Option<Self> {
        (1..=16).contains(&number).then_some(DataGroup(number))
    }

    /// Its number, 1..=16.
    pub fn number(self) -> u8 {
        self.0
    }

    /// Whether reading it needs Extended Access Control (terminal authentication), which a
    /// mobile app cannot do: DG3 and DG4.
    pub fn is_eac_protected(self) -> bool {
        matches!(self.0, 3 | 4)
    }

    /// Outer tag of the data group (ICAO 9303-10 Table 34).
    pub fn tag(self) -> u8 {
        const TAGS: [u8; 16] = [
            0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E,
            0x6F, 0x70,
        ];
        TAGS.get(usize::from(self.0).saturating_sub(1))
            .copied()
            .unwrap_or(0)
    }

    /// The data group whose outer tag (or EF.COM tag-list entry) is `tag`.
    pub fn from_tag(tag: u8) -> Option<Self> {
        (1..=16).map(DataGroup).find(|dg| dg.tag() == tag)
    }
}

impl TryFrom<u8> for DataGroup {
    type Error = String;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        DataGroup::new(n).ok_or_else(|| format!("data group {n} is not 1..=16"))
    }
}

impl From<DataGroup> for u8 {
    fn from(dg: DataGroup) -> u8 {
        dg.0
    }
}

impl std::fmt::Display for DataGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DG{}", self.0)
    }
}

impl LdsFile {
    /// The two-byte file identifier used with SELECT (P1=02: EF under the current DF).
    pub fn fid(self) -> u16 {
        match self {
            LdsFile::CardAccess => 0x011C,
            LdsFile::CardSecurity | LdsFile::Sod => 0x011D,
            LdsFile::AtrInfo => 0x2F01,
            LdsFile::Dir => 0x2F00,
            LdsFile::Com => 0x011E,
            LdsFile::Dg(dg) => 0x0100 | u16::from(dg.0),
        }
    }

    /// The short EF identifier, usable in READ BINARY P1 (bit 8 set) instead of a SELECT.
    pub fn sfi(self) -> u8 {
        match self {
            LdsFile::CardAccess => 0x1C,
            LdsFile::CardSecurity | LdsFile::Sod => 0x1D,
            LdsFile::AtrInfo => 0x01,
            LdsFile::Dir | LdsFile::Com => 0x1E,
            LdsFile::Dg(dg) => dg.0,
        }
    }

    /// Whether the file lives in the master file rather than the eMRTD application.
    pub fn in_master_file(self) -> bool {
        matches!(
            self,
            LdsFile::CardAccess | LdsFile::CardSecurity | LdsFile::AtrInfo | LdsFile::Dir
        )
    }

    /// The outer tag of the file's content, for files that have a fixed one.
    ///
    /// Used to recognise dumped files by content, not by name.
    pub fn outer_tag(self) -> Option<u8> {
        match self {
            LdsFile::Com => Some(0x60),
            LdsFile::Sod => Some(0x77),
            LdsFile::Dg(dg) => Some(dg.tag()),
            LdsFile::CardAccess | LdsFile::CardSecurity | LdsFile::AtrInfo | LdsFile::Dir => None,
        }
    }

    /// The file with this eMRTD outer tag (`60` COM, `77` SOD, `61`… data groups).
    pub fn from_outer_tag(tag: u8) -> Option<Self> {
        match tag {
            0x60 => Some(LdsFile::Com),
            0x77 => Some(LdsFile::Sod),
            t => DataGroup::from_tag(t).map(LdsFile::Dg),
        }
    }

    /// A short stable name: `COM`, `SOD`, `DG1`, `CardAccess`…
    pub fn name(self) -> String {
        match self {
            LdsFile::CardAccess => "CardAccess".into(),
            LdsFile::CardSecurity => "CardSecurity".into(),
            LdsFile::AtrInfo => "ATR/INFO".into(),
            LdsFile::Dir => "DIR".into(),
            LdsFile::Com => "COM".into(),
            LdsFile::Sod => "SOD".into(),
            LdsFile::Dg(dg) => dg.to_string(),
        }
    }
}

impl std::fmt::Display for LdsFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_follow_icao_9303_10() {
        assert_eq!(LdsFile::Com.fid(), 0x011E);
        assert_eq!(LdsFile::Sod.fid(), 0x011D);
        assert_eq!(LdsFile::Dg(DataGroup::DG1).fid(), 0x0101);
        assert_eq!(LdsFile::Dg(DataGroup::new(16).unwrap()).fid(), 0x0110);
        assert_eq!(DataGroup::DG2.tag(), 0x75);
        assert_eq!(DataGroup::DG15.tag(), 0x6F);
        assert_eq!(
            LdsFile::from_outer_tag(0x6E),
            Some(LdsFile::Dg(DataGroup::DG14))
        );
        assert_eq!(LdsFile::from_outer_tag(0x60), Some(LdsFile::Com));
        assert_eq!(LdsFile::from_outer_tag(0x30), None);
        assert!(DataGroup::new(0).is_none() && DataGroup::new(17).is_none());
        assert!(DataGroup::DG3.is_eac_protected() && !DataGroup::DG2.is_eac_protected());
    }
}
