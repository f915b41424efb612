//! The result of a read: the raw bytes of every file, and how they were obtained.

use std::collections::BTreeMap;

use crate::codec::StatusWord;
use crate::lds::LdsFile;
use crate::{Error, ErrorCode};
use serde::Serialize;

/// The access-control protocol that opened the chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AccessProtocol {
    /// Basic Access Control (ICAO 9303-11 §4.3) with 3DES secure messaging.
    #[serde(rename = "BAC")]
    Bac,
    /// PACE (ICAO 9303-11 §4.4); [`AccessInfo`] says which mapping, cipher and parameters.
    #[serde(rename = "PACE")]
    Pace,
}

impl std::fmt::Display for AccessProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AccessProtocol::Bac => "BAC",
            AccessProtocol::Pace => "PACE",
        })
    }
}

/// Which password opened the chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PasswordKind {
    /// The MRZ key (document number, birth date, expiry date).
    #[serde(rename = "MRZ")]
    Mrz,
    /// The Card Access Number printed on the document (PACE only).
    #[serde(rename = "CAN")]
    Can,
}

/// How access was obtained, as reported in JSON (`access`) and evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessInfo {
    /// Protocol used.
    pub protocol: AccessProtocol,
    /// PACE mapping, if PACE was used (`GM`, `IM`, `CAM`); always `None` for BAC.
    pub mapping: Option<&'static str>,
    /// Password used.
    pub password: PasswordKind,
    /// The PACE protocol's name (e.g. `id-PACE-ECDH-GM-AES-CBC-CMAC-128`), if PACE was used.
    pub pace_protocol: Option<String>,
    /// The standardized domain parameter id PACE ran over, if PACE was used.
    pub parameter_id: Option<u8>,
    /// Secure-messaging cipher of the session that read the files after access control
    /// (`3DES`, `AES-128`, …; after Chip Authentication, the CA session's).
    pub cipher: &'static str,
    /// Whether the chip offered PACE in EF.CardAccess (a BAC read of a PACE chip is shown).
    pub pace_offered: bool,
    /// BAC opened a chip whose EF.CardAccess offers PACE (or is there but does not parse):
    /// only when the caller allowed BAC after PACE (`ReadOptions::allow_bac_fallback`). Those
    /// replies are unauthenticated, so a backend may refuse such a read.
    pub downgraded: bool,
}

impl AccessInfo {
    /// BAC with the MRZ key and 3DES secure messaging (the only way a chip without PACE
    /// opens); also what offline verification of dumped files assumes.
    pub fn bac() -> Self {
        Self {
            protocol: AccessProtocol::Bac,
            mapping: None,
            password: PasswordKind::Mrz,
            pace_protocol: None,
            parameter_id: None,
            cipher: "3DES",
            pace_offered: false,
            downgraded: false,
        }
    }
}

/// Counters of what went over the air; they drive the benchmarks and the demo summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReadStats {
    /// Command APDUs sent.
    pub apdus: usize,
    /// Bytes sent in commands.
    pub bytes_sent: usize,
    /// Bytes received in responses (including status words).
    pub bytes_received: usize,
    /// Times the read resumed after the caller reported a lost connection.
    pub resumes: usize,
    /// Times access control was re-run because the chip closed secure messaging (it answered a
    /// length it disliked with a bare status word).
    pub sm_restarts: usize,
    /// Whether extended-length reads were used.
    pub extended_length_used: bool,
    /// The largest plain READ BINARY length that worked.
    pub largest_chunk: usize,
}

/// What the chip proved about itself during the read (anti-clone evidence). Public values
/// only: a backend can re-check PACE-CAM from them; Chip Authentication's proof is that the
/// chip continued secure messaging under keys only the DG14 key holder can derive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ChipEvidence {
    /// Chip Authentication (DG14), if it ran.
    pub chip_authentication: Option<ChipAuthEvidence>,
    /// PACE-CAM data, if PACE-CAM ran.
    pub pace_cam: Option<PaceCamEvidence>,
}

/// Chip Authentication as run during the read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChipAuthEvidence {
    /// The CA protocol OID (dotted).
    pub protocol: String,
    /// keyId of the DG14 key used, if DG14 gave one.
    pub key_id: Option<u32>,
    /// The chip's static public key used (as encoded in DG14's SubjectPublicKeyInfo).
    #[serde(with = "crate::reader::document::hex_bytes")]
    pub chip_public_key: Vec<u8>,
    /// True once a secure-messaging reply under the new keys verified: the chip holds the key.
    pub confirmed: bool,
    /// Why Chip Authentication failed, if it did (the chip refused it, or its keys did not
    /// verify). A failure is evidence too: a genuine chip does not fail CA with its own DG14.
    pub failure: Option<String>,
}

impl ChipAuthEvidence {
    /// Chip Authentication that failed before any key was agreed.
    pub fn failed(detail: impl Into<String>) -> Self {
        Self {
            protocol: String::new(),
            key_id: None,
            chip_public_key: Vec::new(),
            confirmed: false,
            failure: Some(detail.into()),
        }
    }
}

/// The public values of PACE-CAM (ICAO 9303-11 §4.4.3.5): the check is
/// `PK_map,IC = CA_IC · PK_IC` with PK_IC from a passive-authenticated EF.CardSecurity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaceCamEvidence {
    /// Standardized domain parameter id of the PACE group.
    pub parameter_id: Option<u8>,
    /// The chip's mapping public key PK_map,IC.
    #[serde(with = "crate::reader::document::hex_bytes")]
    pub chip_mapping_public_key: Vec<u8>,
    /// The decrypted chip authentication data CA_IC.
    #[serde(with = "crate::reader::document::hex_bytes")]
    pub ca_ic: Vec<u8>,
}

pub(crate) mod hex_bytes {
    pub fn serialize<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::asn1::hex_upper(bytes))
    }
}

/// The chip's answer to INTERNAL AUTHENTICATE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AaResponse {
    /// The signature it returned (status `9000`), unchecked: `verify` checks it.
    Signature(Vec<u8>),
    /// It refused with this status word (or answered it without secure messaging). A chip
    /// with DG15 must sign, so verification fails Active Authentication.
    Refused(StatusWord),
}

/// One Active Authentication exchange: the challenge sent and what the chip answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AaExchange {
    /// The challenge of [`super::ReadOptions::active_authentication`].
    pub challenge: [u8; 8],
    /// The chip's answer.
    pub response: AaResponse,
}

/// A file the chip refused to this reader although access control succeeded, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedFile {
    /// The file.
    pub file: LdsFile,
    /// The refusal: [`ErrorCode::FileAccessDenied`], the command and status word in the detail.
    pub error: Error,
}

impl RefusedFile {
    /// A refusal of `file` with `6982` to `command` (`SELECT`, `READ BINARY`).
    pub fn eac_required(file: LdsFile, command: &str, sw: StatusWord) -> Self {
        Self {
            file,
            error: Error::new(
                ErrorCode::FileAccessDenied,
                format!(
                    "{command} of {} refused with {sw}: the chip requires terminal authentication (EAC) for this file; idproof does not hold inspection-system certificates",
                    file.name()
                ),
            ),
        }
    }
}

/// Everything read from a chip. Raw bytes are kept exactly as read: hashes and signatures are
/// later computed over them, never over a re-encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Raw bytes of each file read.
    pub files: BTreeMap<LdsFile, Vec<u8>>,
    /// Files that were requested (or listed in EF.COM) but that the chip does not have.
    pub absent: Vec<LdsFile>,
    /// Files the chip has but would not let this reader read (`FILE_ACCESS_DENIED`: they
    /// need terminal authentication). Not a failure: passive authentication hashes the files
    /// that were read, so a refused file is simply not part of what the verdict vouches for.
    pub refused: Vec<RefusedFile>,
    /// How access was obtained.
    pub access: AccessInfo,
    /// Anti-clone evidence gathered during the read.
    pub chip: ChipEvidence,
    /// Traffic counters.
    pub stats: ReadStats,
    /// Active Authentication, when a challenge was set and DG15 was read.
    pub active_authentication: Option<AaExchange>,
}

impl Document {
    /// Raw bytes of one file, if it was read.
    pub fn file(&self, file: LdsFile) -> Option<&[u8]> {
        self.files.get(&file).map(Vec::as_slice)
    }
}
