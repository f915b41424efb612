//! Logical Data Structure (ICAO 9303-10): EF.COM, data groups and EF.SOD.
//!
//! Each file kind has its own parser (`Com::parse`, `Dg1::parse`, …); [`parse_file`]
//! dispatches by file and [`recognise`] tells a dumped file's kind from its outer tag.
//! LDS files are parsed as BER, and every parsed file keeps its original bytes
//! (`raw()`), because passive authentication hashes those, never a re-encoding.
//! `raw()` is the outer object exactly as read (its own length is authoritative); a dump
//! padded with `00` or `FF` after it is accepted and the padding dropped, any other
//! trailing byte is an error.

mod biometric;
pub mod com;
mod common;
pub mod dg1;
pub mod dg11;
pub mod dg12;
pub mod dg14;
pub mod dg15;
pub mod dg2;
pub mod error;
#[cfg(feature = "face-decode")]
pub mod face_decode;
pub mod file;
mod names;
pub mod sod;

pub use biometric::{FaceImage, FaceRecordVersion, ImageFormat};
pub use com::{Com, LdsVersion, UnicodeVersion};
pub use dg1::{Dg1, MrzLayout};
pub use dg2::{BiometricHeader, BiometricInfo, Dg2};
pub use dg11::Dg11;
pub use dg12::Dg12;
pub use dg14::Dg14;
pub use dg15::Dg15;
pub use error::LdsError;
pub use file::{DataGroup, LdsFile};
pub use sod::Sod;

use crate::codec::tlv::parse_header;

/// An LDS file parsed according to its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsedFile {
    /// EF.COM.
    Com(Com),
    /// DG1: the MRZ.
    Dg1(Dg1),
    /// DG2: the face.
    Dg2(Box<Dg2>),
    /// DG11: additional personal details.
    Dg11(Box<Dg11>),
    /// DG12: additional document details.
    Dg12(Box<Dg12>),
    /// DG14: security infos (chip authentication key).
    Dg14(Box<Dg14>),
    /// DG15: the Active Authentication public key.
    Dg15(Box<Dg15>),
    /// EF.SOD (structure checked, content not yet parsed).
    Sod(Sod),
    /// A data group with no content parser here (DG3…DG10, DG13, DG16): only its outer tag
    /// and length were checked, its content is opaque (DG13 need not even be TLV).
    Other {
        /// Which data group.
        file: LdsFile,
        /// The original bytes (the outer object as read).
        raw: Vec<u8>,
    },
}

impl ParsedFile {
    /// Which file this is.
    pub fn file(&self) -> LdsFile {
        match self {
            ParsedFile::Com(_) => LdsFile::Com,
            ParsedFile::Dg1(_) => LdsFile::Dg(DataGroup::DG1),
            ParsedFile::Dg2(_) => LdsFile::Dg(DataGroup::DG2),
            ParsedFile::Dg11(_) => LdsFile::Dg(DataGroup::DG11),
            ParsedFile::Dg12(_) => LdsFile::Dg(DataGroup::DG12),
            ParsedFile::Dg14(_) => LdsFile::Dg(DataGroup::DG14),
            ParsedFile::Dg15(_) => LdsFile::Dg(DataGroup::DG15),
            ParsedFile::Sod(_) => LdsFile::Sod,
            ParsedFile::Other { file, .. } => *file,
        }
    }

    /// The original bytes of the file, for hashing.
    pub fn raw(&self) -> &[u8] {
        match self {
            ParsedFile::Com(f) => f.raw(),
            ParsedFile::Dg1(f) => f.raw(),
            ParsedFile::Dg2(f) => f.raw(),
            ParsedFile::Dg11(f) => f.raw(),
            ParsedFile::Dg12(f) => f.raw(),
            ParsedFile::Dg14(f) => f.raw(),
            ParsedFile::Dg15(f) => f.raw(),
            ParsedFile::Sod(f) => f.raw(),
            ParsedFile::Other { raw, .. } => raw,
        }
    }
}

/// Parses `bytes` as the LDS file `file`.
///
/// The outer tag must be the file's own (a DG15 under tag `70` is rejected); files of the
/// master file (EF.CardAccess, EF.DIR…) have no outer tag and are [`LdsError::NotLds`].
pub fn parse_file(file: LdsFile, bytes: &[u8]) -> Result<ParsedFile, LdsError> {
    Ok(match file {
        LdsFile::Com => ParsedFile::Com(Com::parse(bytes)?),
        LdsFile::Sod => ParsedFile::Sod(Sod::parse(bytes)?),
        LdsFile::Dg(DataGroup::DG1) => ParsedFile::Dg1(Dg1::parse(bytes)?),
        LdsFile::Dg(DataGroup::DG2) => ParsedFile::Dg2(Box::new(Dg2::parse(bytes)?)),
        LdsFile::Dg(DataGroup::DG11) => ParsedFile::Dg11(Box::new(Dg11::parse(bytes)?)),
        LdsFile::Dg(DataGroup::DG12) => ParsedFile::Dg12(Box::new(Dg12::parse(bytes)?)),
        LdsFile::Dg(DataGroup::DG14) => ParsedFile::Dg14(Box::new(Dg14::parse(bytes)?)),
        LdsFile::Dg(DataGroup::DG15) => ParsedFile::Dg15(Box::new(Dg15::parse(bytes)?)),
        LdsFile::Dg(_) => ParsedFile::Other {
            file,
            raw: common::outer(file, bytes)?.raw.to_vec(),
        },
        LdsFile::CardAccess | LdsFile::CardSecurity | LdsFile::AtrInfo | LdsFile::Dir => {
            return Err(LdsError::NotLds(file));
        }
    })
}

/// The LDS file whose outer tag starts `bytes` (`60` COM, `77` SOD, `61` DG1, `75` DG2…),
/// used to recognise dumped files by content rather than by name.
///
/// Only the first byte's tag and a sane length header are looked at; whether the rest is
/// well-formed is [`parse_file`]'s business.
pub fn recognise(bytes: &[u8]) -> Option<LdsFile> {
    let header = parse_header(bytes).ok()?;
    u8::try_from(header.tag)
        .ok()
        .and_then(LdsFile::from_outer_tag)
}

/// What a dumped file is, by content: an LDS file by its outer tag, or one of the files
/// without one that `read --out` also writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recognised {
    /// A file with its own outer tag (EF.COM, EF.SOD, a data group), or EF.CardAccess (a
    /// `SET OF SecurityInfo`) or EF.CardSecurity (a ContentInfo signing id-SecurityObject).
    File(LdsFile),
    /// An EF.SOD's ContentInfo (SignedData of id-ldsSecurityObject) without the `77` wrapper
    /// that the chip's file has: what some tools export. Nothing signed covers the wrapper,
    /// so [`wrap_bare_sod`] makes it EF.SOD again without changing what is verified.
    BareSod,
}

impl Recognised {
    /// The file this is (EF.SOD for [`Recognised::BareSod`]).
    pub fn file(self) -> LdsFile {
        match self {
            Recognised::File(file) => file,
            Recognised::BareSod => LdsFile::Sod,
        }
    }
}

/// Recognises a dumped file by content: [`recognise`]'s outer tags, then a CMS ContentInfo
/// (`30`) whose SignedData signs id-SecurityObject (EF.CardSecurity) or id-ldsSecurityObject
/// (a bare EF.SOD; id-data too when its content is an LDS Security Object), then a non-empty `SET OF SecurityInfo` (`31`, EF.CardAccess, trailing
/// bytes tolerated as real cards have them). Anything else (a
/// certificate, a master list, a CRL) is `None`.
pub fn recognise_dump(bytes: &[u8]) -> Option<Recognised> {
    if let Some(file) = recognise(bytes) {
        return Some(Recognised::File(file));
    }
    match bytes.first() {
        Some(0x30) => {
            let sd = crate::cms::SignedData::parse(bytes).ok()?;
            match sd.e_content_type.as_str() {
                crate::cms::OID_SECURITY_OBJECT => Some(Recognised::File(LdsFile::CardSecurity)),
                crate::cms::OID_LDS_SECURITY_OBJECT => Some(Recognised::BareSod),
                // id-data (CN's EF.SOD, accepted by passive authentication too) is EF.SOD only
                // when what it signs is an LDS Security Object.
                crate::cms::OID_DATA => sd
                    .e_content
                    .as_deref()
                    .is_some_and(|c| sod::LdsSecurityObject::parse(c).is_ok())
                    .then_some(Recognised::BareSod),
                _ => None,
            }
        }
        Some(0x31) => crate::access::security_info::SecurityInfos::from_card_access(bytes)
            .ok()
            .filter(has_entries)
            .map(|_| Recognised::File(LdsFile::CardAccess)),
        _ => None,
    }
}

/// Whether SecurityInfos hold any entry (an empty SET is no evidence of EF.CardAccess).
fn has_entries(infos: &crate::access::security_info::SecurityInfos) -> bool {
    !(infos.pace.is_empty()
        && infos.pace_domain_parameters.is_empty()
        && infos.chip_authentication.is_empty()
        && infos.chip_authentication_domain_parameters.is_empty()
        && infos.chip_authentication_public_keys.is_empty()
        && infos.terminal_authentication.is_empty()
        && infos.active_authentication.is_empty()
        && infos.unknown.is_empty()
        && infos.malformed.is_empty())
}

/// A bare EF.SOD ContentInfo inside the `77` wrapper the chip's EF.SOD has.
pub fn wrap_bare_sod(content_info: &[u8]) -> Vec<u8> {
    crate::codec::tlv::encode(0x77, content_info)
}
