//! The result of a read: the raw bytes of every file, and how they were obtained.

use std::collections::BTreeMap;

use crate::codec::StatusWord;
use crate::lds::LdsFile;
use serde::Serialize;

/// The access-control protocol that opened the chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AccessProtocol {
    /// Basic Access Control (ICAO 9303-11 §4.3) with 3DES secure messaging.
    #[serde(rename = "BAC")]
    Bac,
}

impl std::fmt::Display for AccessProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AccessProtocol::Bac => "BAC",
        })
    }
}

/// Which password opened the chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PasswordKind {
    /// The MRZ key (document number, birth date, expiry date).
    #[serde(rename = "MRZ")]
    Mrz,
}

/// How access was obtained, as reported in JSON (`access`) and evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AccessInfo {
    /// Protocol used.
    pub protocol: AccessProtocol,
    /// PACE mapping, if PACE was used (`GM`, `IM`, `CAM`); always `None` for BAC.
    pub mapping: Option<&'static str>,
    /// Password used.
    pub password: PasswordKind,
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

/// Everything read from a chip. Raw bytes are kept exactly as read: hashes and signatures are
/// later computed over them, never over a re-encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Raw bytes of each file read.
    pub files: BTreeMap<LdsFile, Vec<u8>>,
    /// Files that were requested (or listed in EF.COM) but that the chip does not have.
    pub absent: Vec<LdsFile>,
    /// How access was obtained.
    pub access: AccessInfo,
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
