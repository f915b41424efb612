//! DG2 (ICAO 9303-10 §4.7.2): the encoded face, in a CBEFF biometric information group.
//!
//! Structure: `75` → `7F61` group template → `02` count and one or more `7F60` biometric
//! information templates, each with an `A1` biometric header template and a `5F2E`
//! (or `7F2E`) biometric data block holding an ISO/IEC 19794-5 facial record.

use crate::codec::tlv::Tlv;

use super::biometric::{FaceImage, FaceRecordVersion, parse_face_record};
use super::common::{children, outer};
use super::error::LdsError;
use super::file::{DataGroup, LdsFile};

const FILE: LdsFile = LdsFile::Dg(DataGroup::DG2);

/// The biometric header template (`A1`, ISO/IEC 7816-11), with each element as given.
///
/// Kept as raw bytes: apps rarely need them and issuers fill them inconsistently.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BiometricHeader {
    /// `80`: ICAO header version.
    pub version: Option<Vec<u8>>,
    /// `81`: biometric type (`02` = facial features).
    pub biometric_type: Option<Vec<u8>>,
    /// `82`: biometric subtype.
    pub subtype: Option<Vec<u8>>,
    /// `83`: creation date and time.
    pub creation_date: Option<Vec<u8>>,
    /// `85`: validity period.
    pub validity_period: Option<Vec<u8>>,
    /// `86`: creator of the biometric reference data.
    pub creator: Option<Vec<u8>>,
    /// `87`: format owner (`0101` = ISO/IEC JTC 1/SC 37).
    pub format_owner: Option<Vec<u8>>,
    /// `88`: format type (`0008` = face image).
    pub format_type: Option<Vec<u8>>,
}

/// One biometric information template (`7F60`): its header and the faces of its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BiometricInfo {
    /// The biometric header template.
    pub header: BiometricHeader,
    /// Which ISO/IEC 19794-5 edition the data block follows.
    pub record_version: FaceRecordVersion,
    /// The faces of the data block.
    pub faces: Vec<FaceImage>,
}

/// A parsed DG2, keeping the file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dg2 {
    raw: Vec<u8>,
    templates: Vec<BiometricInfo>,
}

impl Dg2 {
    /// Parses DG2 (outer tag `75`).
    ///
    /// Every `7F60` template must hold a readable facial record with at least one image;
    /// the `02` instance count is informational (some issuers get it wrong), but a group
    /// with no template at all is rejected.
    pub fn parse(bytes: &[u8]) -> Result<Self, LdsError> {
        let outer = outer(FILE, bytes)?;
        let group = Tlv::parse_single(outer.value, 0x7F61).map_err(LdsError::tlv(FILE))?;
        let mut templates = Vec::new();
        for tlv in children(FILE, group.value)? {
            if tlv.tag == 0x7F60 {
                templates.push(template(tlv)?);
            }
        }
        if templates.is_empty() {
            return Err(LdsError::Missing {
                file: FILE,
                tag: 0x7F60,
            });
        }
        Ok(Dg2 {
            raw: outer.raw.to_vec(),
            templates,
        })
    }

    /// The original bytes of the file (the outer object as read), for hashing.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The biometric information templates, in file order.
    pub fn templates(&self) -> &[BiometricInfo] {
        &self.templates
    }

    /// Every face image in the file, in order; the first is the one to show.
    pub fn faces(&self) -> impl Iterator<Item = &FaceImage> {
        self.templates.iter().flat_map(|t| t.faces.iter())
    }
}

fn template(bit: Tlv<'_>) -> Result<BiometricInfo, LdsError> {
    let mut header = None;
    let mut block = None;
    for tlv in children(FILE, bit.value)? {
        match tlv.tag {
            // A1 is the header template; A2… appear when several are nested.
            0xA1..=0xAF if header.is_none() => header = Some(biometric_header(tlv)?),
            0x5F2E | 0x7F2E if block.is_none() => block = Some(tlv.value),
            _ => {}
        }
    }
    let block = block.ok_or(LdsError::Missing {
        file: FILE,
        tag: 0x5F2E,
    })?;
    let record = parse_face_record(block).map_err(|detail| LdsError::invalid(FILE, detail))?;
    Ok(BiometricInfo {
        header: header.unwrap_or_default(),
        record_version: record.version,
        faces: record.faces,
    })
}

fn biometric_header(bht: Tlv<'_>) -> Result<BiometricHeader, LdsError> {
    let mut h = BiometricHeader::default();
    for tlv in children(FILE, bht.value)? {
        let slot = match tlv.tag {
            0x80 => &mut h.version,
            0x81 => &mut h.biometric_type,
            0x82 => &mut h.subtype,
            0x83 => &mut h.creation_date,
            0x85 => &mut h.validity_period,
            0x86 => &mut h.creator,
            0x87 => &mut h.format_owner,
            0x88 => &mut h.format_type,
            _ => continue,
        };
        *slot = Some(tlv.value.to_vec());
    }
    Ok(h)
}
