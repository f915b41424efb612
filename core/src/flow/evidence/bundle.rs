//! The evidence bundle v1: the schema, how the app builds it from a read, and how a backend
//! reads it back (strictly: unknown fields, unknown versions and malformed values are refused
//! with a stable code, never guessed at). See `docs/evidence-bundle.md`.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::Error;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::EvidenceError;
use super::encoding;
use crate::asn1::Time;
use crate::codec::StatusWord;
use crate::flow::MrzSource;
use crate::flow::assurance::FaceResult;
use crate::flow::backend::{Applicant, Evidence, Nonce, SessionId};
use crate::flow::validate::{self, AccessMrz, DocumentKind};
use crate::lds::LdsFile;
use crate::mrz::{Mrz, MrzKey};
use crate::reader::{
    AaExchange, AaResponse, AccessInfo, AccessProtocol, ChipAuthEvidence, ChipEvidence, Document,
    PaceCamEvidence, PasswordKind, ReadStats,
};
use crate::report::Report;

/// The value of `format` this version writes and reads.
pub const FORMAT: &str = "idproof-evidence/1";
/// Prefix of every version's `format`: a bundle with another suffix is `EVIDENCE_VERSION`,
/// anything else `EVIDENCE_FORMAT`.
pub const FORMAT_FAMILY: &str = "idproof-evidence/";
/// The largest bundle text accepted (a real one is well below 1 MiB).
pub const MAX_JSON_LEN: usize = 16 * 1024 * 1024;
/// The largest file accepted, as the reader's `ReadOptions::max_file_len`.
pub const MAX_FILE_LEN: usize = 2 * 1024 * 1024;
/// The longest free-text value (session id, producer, protocol names) accepted.
const MAX_TEXT_LEN: usize = 256;

/// The evidence bundle v1. Field order is the serialisation order (stable: the bundle is
/// hashed and may be signed). Build it with [`Evidence::bundle`] (the activation flow) or
/// [`EvidenceBundle::from_read`]; read one with [`EvidenceBundle::from_json`].
///
/// It holds personal data (DG1, DG2, the access MRZ): `Debug` prints only names and sizes.
/// It never holds a secret: no CAN, no MRZ key beyond DG1's own MRZ, no session key, no CPR or
/// P code (the backend knows the applicant from the session).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceBundle {
    /// [`FORMAT`].
    pub format: String,
    /// The library that built the bundle.
    pub producer: Producer,
    /// When the bundle was built, as the caller's clock said (nothing in the core reads one).
    #[serde(with = "encoding::time")]
    pub created_at: Time,
    /// The backend session the bundle answers.
    pub session_id: SessionId,
    /// The backend's nonce for that session (8 to 32 bytes, hex).
    #[serde(with = "encoding::hex")]
    pub nonce: Vec<u8>,
    /// What the person chose in the activation flow; `None` for a read outside the flow
    /// (`idproof demo`, `idproof read`).
    pub flow: Option<FlowInputs>,
    /// The MRZ the chip was opened with; `None` when it was opened with the CAN.
    pub access_mrz: Option<AccessMrzEvidence>,
    /// How access was obtained (protocol, mapping, password kind, cipher).
    #[serde(with = "access")]
    pub access: AccessInfo,
    /// Every file read, exactly as read (base64).
    #[serde(with = "encoding::files")]
    pub files: BTreeMap<LdsFile, Vec<u8>>,
    /// Files requested (or listed in EF.COM) that the chip does not have.
    #[serde(with = "encoding::file_list")]
    pub absent_files: Vec<LdsFile>,
    /// Chip Authentication and PACE-CAM evidence (public values only).
    #[serde(with = "chip")]
    pub chip: ChipEvidence,
    /// The Active Authentication exchange, when it ran.
    #[serde(with = "active_authentication")]
    pub active_authentication: Option<AaExchange>,
    /// Traffic counters of the read (diagnostics).
    #[serde(with = "stats")]
    pub read_stats: ReadStats,
    /// The app's own report; a backend compares it with its recomputation and never relies
    /// on it.
    pub app_report: Report,
}

/// The one field every version has, read before the rest so that another version is
/// `EVIDENCE_VERSION` and not a confusing complaint about its fields.
#[derive(Deserialize)]
struct Head {
    format: Option<serde_json::Value>,
}

/// Who built a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Producer {
    /// `idproof-core`.
    pub library: String,
    /// Its version (`CARGO_PKG_VERSION`).
    pub version: String,
}

impl Producer {
    /// This library.
    pub fn this_library() -> Self {
        Self {
            library: env!("CARGO_PKG_NAME").to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// Whether the applicant identified with a CPR number or a P code. The number or code itself
/// is not in the bundle: the backend has it from the session (it checked the P code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    /// A Danish CPR number.
    Cpr,
    /// A P code from MitID Support.
    PCode,
}

/// The activation flow's choices that a backend needs to check the read against, and nothing
/// more (mitid-flow.md §9.4): no CPR, no P code, no user ID or phone. The usage choice is
/// made after the backend accepted the evidence, so it is not here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowInputs {
    /// Passport or ID card, as chosen.
    pub document_kind: DocumentKind,
    /// The issuing country chosen (ICAO code without fillers, e.g. `D`, `DNK`).
    pub issuing_state: String,
    /// CPR or P code.
    pub applicant: ApplicantKind,
    /// Camera or manual MRZ.
    pub mrz_source: MrzSource,
    /// The platform face SDK's result (liveness and 1:1 match against DG2), as reported by
    /// the app.
    pub face: FaceResult,
}

/// The MRZ the chip was opened with: every line (scanned, or typed in full) or the three key
/// fields typed by hand. Nothing here goes beyond what DG1 holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum AccessMrzEvidence {
    /// `{"lines": ["P<UTO…", "…"]}`.
    Lines(Vec<String>),
    /// `{"fields": {"document_number": …, "birth_date": "YYMMDD", "expiry_date": "YYMMDD"}}`.
    Fields {
        /// The document number, without check digit.
        document_number: String,
        /// `YYMMDD`.
        birth_date: String,
        /// `YYMMDD`.
        expiry_date: String,
    },
}

impl AccessMrzEvidence {
    /// The lines of a full MRZ.
    pub fn from_mrz(mrz: &Mrz) -> Self {
        AccessMrzEvidence::Lines(mrz.lines().to_vec())
    }

    /// What the flow held.
    pub fn from_access(access: &AccessMrz) -> Self {
        match access {
            AccessMrz::Scanned(mrz) => Self::from_mrz(mrz),
            AccessMrz::Manual {
                document_number,
                birth_date,
                expiry_date,
                ..
            } => AccessMrzEvidence::Fields {
                document_number: document_number.clone(),
                birth_date: birth_date.clone(),
                expiry_date: expiry_date.clone(),
            },
        }
    }

    /// The full MRZ, when the lines were given (and parse).
    pub fn mrz(&self) -> Option<Mrz> {
        match self {
            AccessMrzEvidence::Lines(lines) => Mrz::parse_lines(lines).ok(),
            AccessMrzEvidence::Fields { .. } => None,
        }
    }

    /// As the flow's [`AccessMrz`], for comparing with DG1.
    pub(crate) fn to_access(&self) -> Option<AccessMrz> {
        match self {
            AccessMrzEvidence::Lines(_) => self.mrz().map(AccessMrz::Scanned),
            AccessMrzEvidence::Fields {
                document_number,
                birth_date,
                expiry_date,
            } => Some(AccessMrz::Manual {
                key: MrzKey::new(document_number, birth_date, expiry_date).ok()?,
                document_number: document_number.clone(),
                birth_date: birth_date.clone(),
                expiry_date: expiry_date.clone(),
            }),
        }
    }
}

impl EvidenceBundle {
    /// The bundle of a read outside the activation flow (no [`FlowInputs`], no access MRZ:
    /// add them with [`EvidenceBundle::with_access_mrz`] and the `flow` field).
    pub fn from_read(
        document: &Document,
        app_report: &Report,
        session_id: SessionId,
        nonce: &Nonce,
        created_at: Time,
    ) -> Self {
        Self {
            format: FORMAT.to_owned(),
            producer: Producer::this_library(),
            created_at,
            session_id,
            nonce: nonce.as_bytes().to_vec(),
            flow: None,
            access_mrz: None,
            access: document.access.clone(),
            files: document.files.clone(),
            absent_files: {
                let mut absent = document.absent.clone();
                absent.sort();
                absent.dedup();
                absent
            },
            chip: document.chip.clone(),
            active_authentication: document.active_authentication.clone(),
            read_stats: document.stats,
            app_report: app_report.clone(),
        }
    }

    /// The same bundle with the MRZ the chip was opened with.
    #[must_use]
    pub fn with_access_mrz(mut self, access_mrz: AccessMrzEvidence) -> Self {
        self.access_mrz = Some(access_mrz);
        self
    }

    /// The read as a [`Document`], to re-run `verify::verify` on.
    pub fn document(&self) -> Document {
        Document {
            files: self.files.clone(),
            absent: self.absent_files.clone(),
            // Not in the bundle: `verify` judges only the files read, never the refused ones.
            refused: Vec::new(),
            access: self.access.clone(),
            chip: self.chip.clone(),
            stats: self.read_stats,
            active_authentication: self.active_authentication.clone(),
        }
    }

    /// The canonical serialisation: compact JSON, fields in schema order, files in file
    /// order. The same bundle always gives the same bytes (hash or sign these).
    pub fn to_json(&self) -> Result<String, EvidenceError> {
        serde_json::to_string(self).map_err(|e| EvidenceError::Format(e.to_string()))
    }

    /// The same content, indented for people (not the form to hash).
    pub fn to_json_pretty(&self) -> Result<String, EvidenceError> {
        serde_json::to_string_pretty(self).map_err(|e| EvidenceError::Format(e.to_string()))
    }

    /// Reads a bundle. `EVIDENCE_VERSION` when `format` names another version of this
    /// schema; `EVIDENCE_FORMAT` for anything else that is not a well-formed v1 bundle
    /// (not JSON, unknown or missing fields, bad base64/hex, a file listed twice or too
    /// large, a nonce of the wrong length, an MRZ that does not parse, an unknown country).
    pub fn from_json(json: &str) -> Result<Self, EvidenceError> {
        if json.len() > MAX_JSON_LEN {
            return Err(EvidenceError::Format(format!(
                "the bundle is {} bytes, more than the {MAX_JSON_LEN} accepted",
                json.len()
            )));
        }
        let head: Head =
            serde_json::from_str(json).map_err(|e| EvidenceError::Format(e.to_string()))?;
        match head.format {
            Some(serde_json::Value::String(format)) if format == FORMAT => {}
            Some(serde_json::Value::String(format)) if format.starts_with(FORMAT_FAMILY) => {
                return Err(EvidenceError::Version(format));
            }
            Some(other) => {
                return Err(EvidenceError::Format(format!(
                    "\"format\" is {other}, not {FORMAT:?}"
                )));
            }
            None => {
                return Err(EvidenceError::Format(format!(
                    "no \"format\" field (expected {FORMAT:?})"
                )));
            }
        }
        let bundle: EvidenceBundle =
            serde_json::from_str(json).map_err(|e| EvidenceError::Format(e.to_string()))?;
        bundle.validate()?;
        Ok(bundle)
    }

    /// The checks serde cannot express.
    fn validate(&self) -> Result<(), EvidenceError> {
        let bad = |detail: String| Err(EvidenceError::Format(detail));
        if Nonce::new(self.nonce.clone()).is_none() {
            return bad(format!(
                "the nonce is {} bytes, not 8 to 32",
                self.nonce.len()
            ));
        }
        for text in [
            &self.session_id.0,
            &self.producer.library,
            &self.producer.version,
        ] {
            if text.is_empty() || text.len() > MAX_TEXT_LEN {
                return bad(format!(
                    "session_id and producer values are 1 to {MAX_TEXT_LEN} bytes"
                ));
            }
        }
        if let Some((file, bytes)) = self.files.iter().find(|(_, b)| b.len() > MAX_FILE_LEN) {
            return bad(format!(
                "{file} is {} bytes, more than the {MAX_FILE_LEN} accepted",
                bytes.len()
            ));
        }
        if let Some(file) = self
            .absent_files
            .iter()
            .find(|f| self.files.contains_key(f))
        {
            return bad(format!("{file} is both read and absent"));
        }
        match &self.access_mrz {
            Some(access @ AccessMrzEvidence::Lines(lines)) if access.mrz().is_none() => {
                return bad(format!(
                    "access_mrz: {} line(s) that are not a well-formed MRZ",
                    lines.len()
                ));
            }
            Some(access @ AccessMrzEvidence::Fields { .. }) if access.to_access().is_none() => {
                return bad(
                    "access_mrz: the fields are not a document number and two dates".into(),
                );
            }
            _ => {}
        }
        if let Some(flow) = &self.flow {
            match validate::issuing_state(&flow.issuing_state, true) {
                Ok(state) if state.code() == flow.issuing_state => {}
                _ => return bad("flow.issuing_state is not an ICAO issuing-state code".into()),
            }
        }
        Ok(())
    }
}

impl fmt::Debug for EvidenceBundle {
    /// Names and sizes only: the bundle holds personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let files: Vec<String> = self
            .files
            .iter()
            .map(|(file, bytes)| format!("{file} ({} bytes)", bytes.len()))
            .collect();
        f.debug_struct("EvidenceBundle")
            .field("format", &self.format)
            .field("session_id", &self.session_id)
            .field("created_at", &self.created_at)
            .field("files", &files)
            .field("verdict", &self.app_report.verdict)
            .finish_non_exhaustive()
    }
}

impl Evidence {
    /// The evidence bundle v1 of this submission, built at `created_at` (the platform's
    /// clock). The applicant's CPR or P code stays out of it: only which of the two was used.
    pub fn bundle(&self, created_at: Time) -> EvidenceBundle {
        let mut bundle = EvidenceBundle::from_read(
            &self.document,
            &self.report,
            self.session_id.clone(),
            &self.nonce,
            created_at,
        )
        .with_access_mrz(AccessMrzEvidence::from_access(&self.mrz));
        bundle.flow = Some(FlowInputs {
            document_kind: self.document_kind,
            issuing_state: self.issuing_state.code().to_owned(),
            applicant: match self.applicant {
                Applicant::Cpr(_) => ApplicantKind::Cpr,
                Applicant::PCode(_) => ApplicantKind::PCode,
            },
            mrz_source: self.mrz_source,
            face: self.face,
        });
        bundle
    }
}

/// A value out of a fixed set of names, as the `&'static str` the reader's types hold.
fn known_name<E: serde::de::Error>(
    field: &str,
    value: &str,
    known: &[&'static str],
) -> Result<&'static str, E> {
    known
        .iter()
        .copied()
        .find(|k| *k == value)
        .ok_or_else(|| E::custom(format!("{field} {value:?} is not one of {known:?}")))
}

fn bounded<E: serde::de::Error>(field: &str, text: String) -> Result<String, E> {
    if text.len() > MAX_TEXT_LEN {
        Err(E::custom(format!(
            "{field} is longer than {MAX_TEXT_LEN} bytes"
        )))
    } else {
        Ok(text)
    }
}

/// Serde for [`AccessInfo`]: written by its own `Serialize` (the CLI's `access` object).
mod access {
    use super::{
        AccessInfo, AccessProtocol, Deserialize, Deserializer, PasswordKind, Serialize, Serializer,
        bounded, known_name,
    };

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Wire {
        protocol: String,
        mapping: Option<String>,
        password: String,
        pace_protocol: Option<String>,
        parameter_id: Option<u8>,
        cipher: String,
        pace_offered: bool,
        /// Absent in bundles written before the field existed: those reads could not
        /// downgrade silently either (BAC after PACE needed the same opt-in), but did not say.
        #[serde(default)]
        downgraded: bool,
    }

    pub fn serialize<S: Serializer>(access: &AccessInfo, s: S) -> Result<S::Ok, S::Error> {
        access.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<AccessInfo, D::Error> {
        let w = Wire::deserialize(d)?;
        let protocol = match known_name::<D::Error>("protocol", &w.protocol, &["BAC", "PACE"])? {
            "BAC" => AccessProtocol::Bac,
            _ => AccessProtocol::Pace,
        };
        let password = match known_name::<D::Error>("password", &w.password, &["MRZ", "CAN"])? {
            "MRZ" => PasswordKind::Mrz,
            _ => PasswordKind::Can,
        };
        Ok(AccessInfo {
            protocol,
            mapping: w
                .mapping
                .map(|m| known_name("mapping", &m, &["GM", "IM", "CAM"]))
                .transpose()?,
            password,
            pace_protocol: w
                .pace_protocol
                .map(|p| bounded("pace_protocol", p))
                .transpose()?,
            parameter_id: w.parameter_id,
            cipher: known_name(
                "cipher",
                &w.cipher,
                &["3DES", "AES-128", "AES-192", "AES-256"],
            )?,
            pace_offered: w.pace_offered,
            downgraded: w.downgraded,
        })
    }
}

/// Serde for [`ChipEvidence`]: written by its own `Serialize` (upper-case hex keys).
mod chip {
    use super::{
        ChipAuthEvidence, ChipEvidence, Deserialize, Deserializer, PaceCamEvidence, Serialize,
        Serializer, bounded, encoding,
    };

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Wire {
        chip_authentication: Option<CaWire>,
        pace_cam: Option<CamWire>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct CaWire {
        protocol: String,
        key_id: Option<u32>,
        #[serde(with = "encoding::hex")]
        chip_public_key: Vec<u8>,
        confirmed: bool,
        failure: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct CamWire {
        parameter_id: Option<u8>,
        #[serde(with = "encoding::hex")]
        chip_mapping_public_key: Vec<u8>,
        #[serde(with = "encoding::hex")]
        ca_ic: Vec<u8>,
    }

    pub fn serialize<S: Serializer>(chip: &ChipEvidence, s: S) -> Result<S::Ok, S::Error> {
        chip.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ChipEvidence, D::Error> {
        let w = Wire::deserialize(d)?;
        Ok(ChipEvidence {
            chip_authentication: w
                .chip_authentication
                .map(|ca| -> Result<_, D::Error> {
                    Ok(ChipAuthEvidence {
                        protocol: bounded("chip_authentication.protocol", ca.protocol)?,
                        key_id: ca.key_id,
                        chip_public_key: ca.chip_public_key,
                        confirmed: ca.confirmed,
                        failure: ca
                            .failure
                            .map(|f| bounded("chip_authentication.failure", f))
                            .transpose()?,
                    })
                })
                .transpose()?,
            pace_cam: w.pace_cam.map(|cam| PaceCamEvidence {
                parameter_id: cam.parameter_id,
                chip_mapping_public_key: cam.chip_mapping_public_key,
                ca_ic: cam.ca_ic,
            }),
        })
    }
}

/// Serde for the Active Authentication exchange, as the CLI prints it:
/// `{"challenge": HEX, "response": HEX}` or `{"challenge": HEX, "refused": "6D00"}`.
mod active_authentication {
    use super::{
        AaExchange, AaResponse, Deserialize, Deserializer, Error, Serialize, Serializer,
        StatusWord, encoding,
    };

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Wire {
        #[serde(with = "encoding::hex8")]
        challenge: [u8; 8],
        #[serde(default, skip_serializing_if = "Option::is_none")]
        response: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        refused: Option<String>,
    }

    #[allow(clippy::ref_option)] // serde's `with` passes `&Option<T>`.
    pub fn serialize<S: Serializer>(aa: &Option<AaExchange>, s: S) -> Result<S::Ok, S::Error> {
        aa.as_ref()
            .map(|aa| {
                let (response, refused) = match &aa.response {
                    AaResponse::Signature(sig) => (Some(encoding::hex_encode(sig)), None),
                    AaResponse::Refused(sw) => (None, Some(format!("{:04X}", sw.0))),
                };
                Wire {
                    challenge: aa.challenge,
                    response,
                    refused,
                }
            })
            .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<AaExchange>, D::Error> {
        let Some(w) = Option::<Wire>::deserialize(d)? else {
            return Ok(None);
        };
        let response = match (w.response, w.refused) {
            (Some(sig), None) => {
                AaResponse::Signature(encoding::hex_decode(&sig).map_err(D::Error::custom)?)
            }
            (None, Some(sw)) => {
                let bytes = encoding::hex_decode(&sw).map_err(D::Error::custom)?;
                let [hi, lo] = <[u8; 2]>::try_from(bytes.as_slice())
                    .map_err(|_| D::Error::custom("refused is a 4-digit status word"))?;
                AaResponse::Refused(StatusWord(u16::from_be_bytes([hi, lo])))
            }
            _ => {
                return Err(D::Error::custom(
                    "active_authentication has exactly one of response and refused",
                ));
            }
        };
        Ok(Some(AaExchange {
            challenge: w.challenge,
            response,
        }))
    }
}

/// Serde for [`ReadStats`]: written by its own `Serialize`.
mod stats {
    use super::{Deserialize, Deserializer, ReadStats, Serialize, Serializer};

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Wire {
        apdus: usize,
        bytes_sent: usize,
        bytes_received: usize,
        resumes: usize,
        sm_restarts: usize,
        extended_length_used: bool,
        largest_chunk: usize,
    }

    pub fn serialize<S: Serializer>(stats: &ReadStats, s: S) -> Result<S::Ok, S::Error> {
        stats.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ReadStats, D::Error> {
        let w = Wire::deserialize(d)?;
        Ok(ReadStats {
            apdus: w.apdus,
            bytes_sent: w.bytes_sent,
            bytes_received: w.bytes_received,
            resumes: w.resumes,
            sm_restarts: w.sm_restarts,
            extended_length_used: w.extended_length_used,
            largest_chunk: w.largest_chunk,
        })
    }
}
