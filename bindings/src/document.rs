//! `Document`: everything a read produced, as plain records (raw files plus parsed DG1, DG2
//! and DG11), so apps can show, store and later verify it.

use std::collections::{BTreeMap, HashMap};

use idproof_core::codec::StatusWord;
use idproof_core::lds::{self, DataGroup, Dg1, Dg2, Dg11, LdsFile};
use idproof_core::mrz::Mrz;
use idproof_core::reader;
use idproof_core::{Error, ErrorCode};

use crate::error::IdProofError;
use crate::mrz::MrzInfo;
use crate::session::aa_challenge;

/// The access-control protocol that opened the chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AccessProtocol {
    /// Basic Access Control.
    Bac,
    /// PACE (`AccessInfo` says which mapping and parameters).
    Pace,
}

/// The password that opened the chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PasswordKind {
    /// The MRZ key (document number, birth date, expiry date).
    Mrz,
    /// The Card Access Number.
    Can,
}

/// How access was obtained.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AccessInfo {
    /// The protocol.
    pub protocol: AccessProtocol,
    /// PACE mapping (`GM`, `IM`, `CAM`); `None` for BAC.
    pub mapping: Option<String>,
    /// The password.
    pub password: PasswordKind,
    /// PACE protocol name (e.g. `id-PACE-ECDH-GM-AES-CBC-CMAC-128`); `None` for BAC.
    pub pace_protocol: Option<String>,
    /// Standardized domain parameter id PACE ran over; `None` for BAC.
    pub parameter_id: Option<u8>,
    /// Secure-messaging cipher of the session that read the files (`3DES`, `AES-128`, …).
    pub cipher: String,
    /// Whether the chip offered PACE (a BAC read of a PACE chip shows here).
    pub pace_offered: bool,
    /// BAC opened a chip that offers PACE: only with `allow_bac_fallback`. EF.CardAccess and
    /// PACE refusals are unauthenticated, so a backend may refuse such a read.
    pub downgraded: bool,
}

/// Chip Authentication (DG14) as run during the read.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChipAuthEvidence {
    /// The CA protocol OID.
    pub protocol: String,
    /// keyId of the DG14 key, if any.
    pub key_id: Option<u32>,
    /// The chip's static public key used.
    pub chip_public_key: Vec<u8>,
    /// Whether a reply under the new keys verified (the chip holds the key).
    pub confirmed: bool,
    /// Why it failed, if it did.
    pub failure: Option<String>,
}

/// PACE-CAM's public values (re-checkable by a backend with EF.CardSecurity).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaceCamEvidence {
    /// Standardized domain parameter id of the PACE group.
    pub parameter_id: Option<u8>,
    /// The chip's mapping public key PK_map,IC.
    pub chip_mapping_public_key: Vec<u8>,
    /// The decrypted chip authentication data CA_IC.
    pub ca_ic: Vec<u8>,
}

/// What the chip proved about itself during the read.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ChipEvidence {
    /// Chip Authentication, if it ran.
    pub chip_authentication: Option<ChipAuthEvidence>,
    /// PACE-CAM, if it ran.
    pub pace_cam: Option<PaceCamEvidence>,
}

impl From<&reader::ChipEvidence> for ChipEvidence {
    fn from(e: &reader::ChipEvidence) -> Self {
        Self {
            chip_authentication: e.chip_authentication.as_ref().map(|ca| ChipAuthEvidence {
                protocol: ca.protocol.clone(),
                key_id: ca.key_id,
                chip_public_key: ca.chip_public_key.clone(),
                confirmed: ca.confirmed,
                failure: ca.failure.clone(),
            }),
            pace_cam: e.pace_cam.as_ref().map(|cam| PaceCamEvidence {
                parameter_id: cam.parameter_id,
                chip_mapping_public_key: cam.chip_mapping_public_key.clone(),
                ca_ic: cam.ca_ic.clone(),
            }),
        }
    }
}

impl From<&ChipEvidence> for reader::ChipEvidence {
    fn from(e: &ChipEvidence) -> Self {
        Self {
            chip_authentication: e.chip_authentication.as_ref().map(|ca| {
                reader::ChipAuthEvidence {
                    protocol: ca.protocol.clone(),
                    key_id: ca.key_id,
                    chip_public_key: ca.chip_public_key.clone(),
                    confirmed: ca.confirmed,
                    failure: ca.failure.clone(),
                }
            }),
            pace_cam: e.pace_cam.as_ref().map(|cam| reader::PaceCamEvidence {
                parameter_id: cam.parameter_id,
                chip_mapping_public_key: cam.chip_mapping_public_key.clone(),
                ca_ic: cam.ca_ic.clone(),
            }),
        }
    }
}

/// The chip's answer to INTERNAL AUTHENTICATE.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum AaResponse {
    /// The signature it returned (unchecked: `verify` checks it against DG15).
    Signature {
        /// The signature bytes (ISO 9796-2 for RSA, plain r‖s for ECDSA).
        signature: Vec<u8>,
    },
    /// It refused with this status word (e.g. `0x6D00`); a chip with DG15 must sign, so
    /// `verify` fails Active Authentication (`AA_FAILED`).
    Refused {
        /// SW1 SW2.
        status_word: u16,
    },
}

/// One Active Authentication exchange: the challenge sent and what the chip answered. A
/// server that gave the challenge can re-check it with DG15 and EF.SOD.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AaExchange {
    /// The 8-byte challenge of `ReadOptions.active_authentication_challenge`.
    pub challenge: Vec<u8>,
    /// The chip's answer.
    pub response: AaResponse,
}

impl From<&reader::AaExchange> for AaExchange {
    fn from(e: &reader::AaExchange) -> Self {
        Self {
            challenge: e.challenge.to_vec(),
            response: match &e.response {
                reader::AaResponse::Signature(signature) => AaResponse::Signature {
                    signature: signature.clone(),
                },
                reader::AaResponse::Refused(sw) => AaResponse::Refused { status_word: sw.0 },
            },
        }
    }
}

impl TryFrom<&AaExchange> for reader::AaExchange {
    type Error = IdProofError;

    fn try_from(e: &AaExchange) -> Result<Self, IdProofError> {
        Ok(Self {
            challenge: aa_challenge(&e.challenge)?,
            response: match &e.response {
                AaResponse::Signature { signature } => {
                    reader::AaResponse::Signature(signature.clone())
                }
                AaResponse::Refused { status_word } => {
                    reader::AaResponse::Refused(StatusWord(*status_word))
                }
            },
        })
    }
}

/// Traffic counters of the read.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReadStats {
    /// Command APDUs sent.
    pub apdus: u64,
    /// Bytes sent.
    pub bytes_sent: u64,
    /// Bytes received (with status words).
    pub bytes_received: u64,
    /// Times the read resumed after a lost connection.
    pub resumes: u64,
    /// Times access control was re-run because the chip closed secure messaging.
    pub sm_restarts: u64,
    /// Whether extended-length reads were used.
    pub extended_length_used: bool,
    /// Largest plain READ BINARY length that worked.
    pub largest_chunk: u64,
}

/// The encoding of a face image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ImageFormat {
    /// JPEG: decode with `BitmapFactory` / `UIImage`.
    Jpeg,
    /// JPEG 2000 (JP2 or a bare codestream): Android has no decoder and iOS none for bare
    /// codestreams; `decode_face_image` / `face_image_png` decode it.
    Jpeg2000,
    /// Neither the bytes nor the header say JPEG or JPEG 2000.
    Unknown,
}

/// One face image from DG2.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FaceImage {
    /// The encoding (from the image's magic bytes when recognised).
    pub format: ImageFormat,
    /// Width in pixels, as declared.
    pub width: u16,
    /// Height in pixels, as declared.
    pub height: u16,
    /// The encoded image.
    pub data: Vec<u8>,
}

/// DG11, additional personal details; every field is optional on the chip.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PersonalDetails {
    /// Full name in national characters as stored, `SURNAME<<GIVEN<NAMES`.
    pub full_name: Option<String>,
    /// The full name as people write it, `SURNAME, GIVEN NAMES` (as the MRZ's `name`).
    pub full_name_display: Option<String>,
    /// Other names.
    pub other_names: Vec<String>,
    /// Personal number.
    pub personal_number: Option<String>,
    /// Full date of birth, `YYYYMMDD`.
    pub full_date_of_birth: Option<String>,
    /// Place of birth.
    pub place_of_birth: Option<String>,
    /// Permanent address.
    pub address: Option<String>,
    /// Telephone.
    pub telephone: Option<String>,
    /// Profession.
    pub profession: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Personal summary.
    pub personal_summary: Option<String>,
    /// Other valid travel document numbers.
    pub other_td_numbers: Option<String>,
    /// Custody information.
    pub custody_information: Option<String>,
}

/// A file that was read but could not be parsed; its raw bytes are still in `files`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FileProblem {
    /// The file (`DG1`, `DG2`, `DG11`).
    pub file: String,
    /// Stable code (`LDS_FORMAT`, `MRZ_FORMAT`).
    pub code: String,
    /// For logs.
    pub detail: String,
}

/// Everything read from a chip.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Document {
    /// Raw bytes of every file read, by name (`COM`, `SOD`, `DG1`, `DG2`, …), exactly as read:
    /// verification hashes these.
    pub files: HashMap<String, Vec<u8>>,
    /// Files listed or requested that the chip does not have.
    pub absent: Vec<String>,
    /// Files the chip has but refused to this reader (`FILE_ACCESS_DENIED`: they need
    /// terminal authentication, EAC). Not read and not a failure: the verdict vouches only
    /// for the files read.
    pub refused: Vec<FileProblem>,
    /// How access was obtained.
    pub access: AccessInfo,
    /// Anti-clone evidence (Chip Authentication, PACE-CAM) for verification.
    pub chip: ChipEvidence,
    /// Active Authentication, when a challenge was set and DG15 was read.
    pub active_authentication: Option<AaExchange>,
    /// Traffic counters.
    pub stats: ReadStats,
    /// DG1's MRZ, parsed (`None` if DG1 was not read or does not parse: see `problems`).
    pub mrz: Option<MrzInfo>,
    /// DG2's face images (usually one).
    pub faces: Vec<FaceImage>,
    /// DG11, if read and parsed.
    pub personal_details: Option<PersonalDetails>,
    /// Files that were read but do not parse.
    pub problems: Vec<FileProblem>,
}

impl Document {
    /// The record of a core document, with DG1, DG2 and DG11 parsed.
    pub(crate) fn from_core(d: &reader::Document) -> Self {
        let mut problems = Vec::new();
        let mut problem = |file: LdsFile, e: Error| {
            problems.push(FileProblem {
                file: file.name(),
                code: e.code.as_str().to_owned(),
                detail: e.detail,
            });
        };
        let dg1 = LdsFile::Dg(DataGroup::DG1);
        let mrz = d.file(dg1).and_then(|raw| {
            let parsed = Dg1::parse(raw)
                .map_err(Error::from)
                .and_then(|dg1| Mrz::parse_lines(&dg1.lines()).map_err(Error::from));
            parsed.map_err(|e| problem(dg1, e)).ok()
        });
        let dg2 = LdsFile::Dg(DataGroup::DG2);
        let faces = d
            .file(dg2)
            .and_then(|raw| Dg2::parse(raw).map_err(|e| problem(dg2, e.into())).ok())
            .map(|dg2| dg2.faces().map(face).collect())
            .unwrap_or_default();
        let dg11 = LdsFile::Dg(DataGroup::DG11);
        let personal_details = d.file(dg11).and_then(|raw| {
            Dg11::parse(raw)
                .map(|dg11| personal_details(&dg11))
                .map_err(|e| problem(dg11, e.into()))
                .ok()
        });
        Self {
            files: d
                .files
                .iter()
                .map(|(f, bytes)| (f.name(), bytes.clone()))
                .collect(),
            absent: d.absent.iter().map(|f| f.name()).collect(),
            refused: d
                .refused
                .iter()
                .map(|r| FileProblem {
                    file: r.file.name(),
                    code: r.error.code.as_str().to_owned(),
                    detail: r.error.detail.clone(),
                })
                .collect(),
            access: AccessInfo {
                protocol: match d.access.protocol {
                    reader::AccessProtocol::Bac => AccessProtocol::Bac,
                    reader::AccessProtocol::Pace => AccessProtocol::Pace,
                },
                mapping: d.access.mapping.map(str::to_owned),
                password: match d.access.password {
                    reader::PasswordKind::Mrz => PasswordKind::Mrz,
                    reader::PasswordKind::Can => PasswordKind::Can,
                },
                pace_protocol: d.access.pace_protocol.clone(),
                parameter_id: d.access.parameter_id,
                cipher: d.access.cipher.to_owned(),
                pace_offered: d.access.pace_offered,
                downgraded: d.access.downgraded,
            },
            chip: ChipEvidence::from(&d.chip),
            active_authentication: d.active_authentication.as_ref().map(AaExchange::from),
            stats: ReadStats {
                apdus: d.stats.apdus as u64,
                bytes_sent: d.stats.bytes_sent as u64,
                bytes_received: d.stats.bytes_received as u64,
                resumes: d.stats.resumes as u64,
                sm_restarts: d.stats.sm_restarts as u64,
                extended_length_used: d.stats.extended_length_used,
                largest_chunk: d.stats.largest_chunk as u64,
            },
            mrz: mrz.as_ref().map(MrzInfo::from),
            faces,
            personal_details,
            problems,
        }
    }

    /// The core's files of this record, by name; a name that is no LDS file is a usage error.
    pub(crate) fn core_files(&self) -> Result<BTreeMap<LdsFile, Vec<u8>>, IdProofError> {
        self.files
            .iter()
            .map(|(name, bytes)| {
                let file = lds_file(name).ok_or_else(|| {
                    IdProofError::from(Error::new(
                        ErrorCode::Usage,
                        format!("`{name}` is not an LDS file name"),
                    ))
                })?;
                Ok((file, bytes.clone()))
            })
            .collect()
    }

    /// The core document of this record (for `verify` and `verify_read`). Throws `USAGE` for
    /// a file name that is no LDS file or an Active Authentication challenge that is not 8
    /// bytes.
    pub(crate) fn to_core(&self) -> Result<reader::Document, IdProofError> {
        Ok(reader::Document {
            files: self.core_files()?,
            absent: self.absent.iter().filter_map(|n| lds_file(n)).collect(),
            // Informational only (verification never reads it): kept where it converts back.
            refused: self
                .refused
                .iter()
                .filter_map(|p| {
                    Some(reader::RefusedFile {
                        file: lds_file(&p.file)?,
                        error: Error::new(p.code.parse().ok()?, p.detail.clone()),
                    })
                })
                .collect(),
            access: reader::AccessInfo {
                protocol: match self.access.protocol {
                    AccessProtocol::Bac => reader::AccessProtocol::Bac,
                    AccessProtocol::Pace => reader::AccessProtocol::Pace,
                },
                mapping: self.access.mapping.as_deref().and_then(pace_mapping),
                password: match self.access.password {
                    PasswordKind::Mrz => reader::PasswordKind::Mrz,
                    PasswordKind::Can => reader::PasswordKind::Can,
                },
                pace_protocol: self.access.pace_protocol.clone(),
                parameter_id: self.access.parameter_id,
                cipher: match self.access.cipher.as_str() {
                    "AES-128" => "AES-128",
                    "AES-192" => "AES-192",
                    "AES-256" => "AES-256",
                    _ => "3DES",
                },
                pace_offered: self.access.pace_offered,
                downgraded: self.access.downgraded,
            },
            chip: reader::ChipEvidence::from(&self.chip),
            stats: reader::ReadStats {
                apdus: usize::try_from(self.stats.apdus).unwrap_or(usize::MAX),
                bytes_sent: usize::try_from(self.stats.bytes_sent).unwrap_or(usize::MAX),
                bytes_received: usize::try_from(self.stats.bytes_received).unwrap_or(usize::MAX),
                resumes: usize::try_from(self.stats.resumes).unwrap_or(usize::MAX),
                sm_restarts: usize::try_from(self.stats.sm_restarts).unwrap_or(usize::MAX),
                extended_length_used: self.stats.extended_length_used,
                largest_chunk: usize::try_from(self.stats.largest_chunk).unwrap_or(usize::MAX),
            },
            active_authentication: self
                .active_authentication
                .as_ref()
                .map(reader::AaExchange::try_from)
                .transpose()?,
        })
    }
}

/// The core's name of a PACE mapping (`GM`, `IM`, `CAM`), if it is one.
fn pace_mapping(name: &str) -> Option<&'static str> {
    ["GM", "IM", "CAM"].into_iter().find(|m| *m == name)
}

/// The file with this stable name (`LdsFile::name`), if any.
fn lds_file(name: &str) -> Option<LdsFile> {
    [
        LdsFile::CardAccess,
        LdsFile::CardSecurity,
        LdsFile::AtrInfo,
        LdsFile::Dir,
        LdsFile::Com,
        LdsFile::Sod,
    ]
    .into_iter()
    .chain((1..=16).filter_map(DataGroup::new).map(LdsFile::Dg))
    .find(|f| f.name() == name)
}

fn face(f: &lds::FaceImage) -> FaceImage {
    FaceImage {
        format: match f.format {
            lds::ImageFormat::Jpeg => ImageFormat::Jpeg,
            lds::ImageFormat::Jpeg2000 => ImageFormat::Jpeg2000,
            lds::ImageFormat::Unknown => ImageFormat::Unknown,
        },
        width: f.width,
        height: f.height,
        data: f.data.clone(),
    }
}

fn personal_details(d: &Dg11) -> PersonalDetails {
    PersonalDetails {
        full_name: d.full_name.clone(),
        full_name_display: d.full_name_display(),
        other_names: d.other_names.clone(),
        personal_number: d.personal_number.clone(),
        full_date_of_birth: d.full_date_of_birth.clone(),
        place_of_birth: d.place_of_birth.clone(),
        address: d.address.clone(),
        telephone: d.telephone.clone(),
        profession: d.profession.clone(),
        title: d.title.clone(),
        personal_summary: d.personal_summary.clone(),
        other_td_numbers: d.other_td_numbers.clone(),
        custody_information: d.custody_information.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_name_maps_back() {
        for name in [
            "COM",
            "SOD",
            "DG1",
            "DG2",
            "DG11",
            "DG16",
            "CardAccess",
            "ATR/INFO",
        ] {
            assert_eq!(lds_file(name).map(LdsFile::name).as_deref(), Some(name));
        }
        assert!(lds_file("DG17").is_none());
        assert!(lds_file("dg1").is_none());
    }

    #[test]
    fn refused_files_round_trip_and_unknown_entries_are_dropped() {
        let refused = reader::RefusedFile::eac_required(
            LdsFile::Dg(DataGroup::DG3),
            "READ BINARY",
            idproof_core::codec::StatusWord::SECURITY_STATUS,
        );
        let core = reader::Document {
            files: BTreeMap::new(),
            absent: Vec::new(),
            refused: vec![refused.clone()],
            access: reader::AccessInfo::bac(),
            chip: reader::ChipEvidence::default(),
            stats: reader::ReadStats::default(),
            active_authentication: None,
        };
        let mut record = Document::from_core(&core);
        assert_eq!(
            record.refused,
            [FileProblem {
                file: "DG3".into(),
                code: "FILE_ACCESS_DENIED".into(),
                detail: refused.error.detail.clone(),
            }]
        );
        assert_eq!(record.to_core().unwrap(), core);
        // A name that is no file or a code that is no core code does not convert back.
        for (file, code) in [("DG99", "FILE_ACCESS_DENIED"), ("DG3", "INTERNAL")] {
            record.refused = vec![FileProblem {
                file: file.into(),
                code: code.into(),
                detail: "d".into(),
            }];
            assert!(
                record.to_core().unwrap().refused.is_empty(),
                "{file} {code}"
            );
        }
    }

    /// DG1 of the ICAO specimen passport, built by hand (`61 5B 5F1F 58 <88 characters>`).
    fn specimen_dg1() -> Vec<u8> {
        let mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\
                   L898902C36UTO7408122F1204159ZE184226B<<<<<10";
        [&[0x61, 0x5B, 0x5F, 0x1F, 0x58][..], mrz.as_bytes()].concat()
    }

    /// What the CLI's `document.problems` lists for the same files (cli/src/output_tests.rs):
    /// each file that does not parse, in the order DG1, DG2, DG11, with the core error's
    /// code and detail, and nothing taken from it.
    #[test]
    fn files_that_do_not_parse_are_problems_as_the_cli_lists_them() {
        let broken_dg2 = vec![0x75, 0x10, 0x7F, 0x61];
        let broken_dg11 = vec![0x6B, 0x08, 0x5C, 0x02];
        let core = reader::Document {
            files: [
                (LdsFile::Dg(DataGroup::DG1), specimen_dg1()),
                (LdsFile::Dg(DataGroup::DG2), broken_dg2.clone()),
                (LdsFile::Dg(DataGroup::DG11), broken_dg11.clone()),
            ]
            .into_iter()
            .collect(),
            absent: Vec::new(),
            refused: Vec::new(),
            access: reader::AccessInfo::bac(),
            chip: reader::ChipEvidence::default(),
            stats: reader::ReadStats::default(),
            active_authentication: None,
        };
        let doc = Document::from_core(&core);
        let expected = |file: &str, e: Error| FileProblem {
            file: file.to_owned(),
            code: "LDS_FORMAT".to_owned(),
            detail: e.detail,
        };
        assert_eq!(
            doc.problems,
            [
                expected("DG2", Dg2::parse(&broken_dg2).unwrap_err().into()),
                expected("DG11", Dg11::parse(&broken_dg11).unwrap_err().into()),
            ]
        );
        assert!(doc.faces.is_empty());
        assert_eq!(doc.personal_details, None);
        let mrz = doc.mrz.expect("DG1 parses");
        assert_eq!(
            (mrz.document_code.as_str(), mrz.name.as_str()),
            ("P", "ERIKSSON, ANNA MARIA")
        );
    }
}
