//! `ReadSession` across the FFI: the platform owns the I/O loop and calls `step` with each chip
//! reply; no callback crosses the boundary.
//!
//! ```text
//! response = null
//! loop { when (step = session.step(response)) {
//!     Transmit -> response = transceive(step.apdu)     // tag lost: session.connectionLost(), reconnect, response = null
//!     Progress -> { show(step.progress); response = null }
//!     Done     -> return step.document
//! } }                                                  // a failed read throws IdProofError
//! ```

use std::sync::{Arc, Mutex};

use idproof_core::lds::{DataGroup, LdsFile};
use idproof_core::mrz::{Mrz, MrzKey};
use idproof_core::reader::{self, Phase, Step};
use idproof_core::{Error, ErrorCode};
use rand_core::{OsRng, TryRngCore};

use crate::document::Document;
use crate::error::{IdProofError, guard, lock};

/// The password that opens the chip. `Debug` shows only the kind: the MRZ, the document data
/// and the CAN are the key.
#[derive(Clone, PartialEq, Eq, uniffi::Enum)]
pub enum AccessKey {
    /// The printed MRZ: its 2 (TD2/TD3) or 3 (TD1) lines, or one string with all of them.
    /// A read opened this way can be checked against DG1 by `verify_read`.
    Mrz {
        /// The MRZ lines.
        lines: Vec<String>,
    },
    /// The three fields typed by the user: document number, and the dates of birth and
    /// expiry as `YYMMDD` (check digits are computed).
    DocumentData {
        /// The document number, without check digit.
        document_number: String,
        /// Date of birth, `YYMMDD`.
        birth_date: String,
        /// Date of expiry, `YYMMDD`.
        expiry_date: String,
    },
    /// The card access number printed on ID cards and recent passports (6 digits). Opens
    /// the chip by PACE only; a chip without PACE gives `UNSUPPORTED`.
    Can {
        /// The CAN digits.
        can: String,
    },
}

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AccessKey::Mrz { .. } => "AccessKey::Mrz(<redacted>)",
            AccessKey::DocumentData { .. } => "AccessKey::DocumentData(<redacted>)",
            AccessKey::Can { .. } => "AccessKey::Can(<redacted>)",
        })
    }
}

/// Whether to use extended-length READ BINARY.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ExtendedLength {
    /// Use it when the chip announces it (EF.ATR/INFO) or a probe succeeds.
    Auto,
    /// Never: the phone or reader cannot carry extended APDUs (Android:
    /// `IsoDep.isExtendedLengthApduSupported == false`).
    Never,
}

/// What to read and what the transport can carry.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReadOptions {
    /// Data group numbers to read after EF.COM and EF.SOD; `None`: every data group listed in
    /// EF.COM except the EAC-protected DG3/DG4.
    #[uniffi(default = None)]
    pub data_groups: Option<Vec<u8>>,
    /// Extended-length policy (`Auto` unless the transport cannot carry extended APDUs).
    pub extended_length: ExtendedLength,
    /// The largest response (data + SW) one exchange can return (Android:
    /// `IsoDep.maxTransceiveLength`).
    #[uniffi(default = 65538)]
    pub max_response_len: u32,
    /// The largest file accepted (a DG2 face is typically 15–100 KB).
    #[uniffi(default = 2097152)]
    pub max_file_len: u32,
    /// Run Chip Authentication when DG14 offers it (proves the chip is the original).
    #[uniffi(default = true)]
    pub chip_authentication: bool,
    /// After PACE *failed*, try BAC (off: a silent downgrade would help an attacker).
    #[uniffi(default = false)]
    pub allow_bac_fallback: bool,
    /// Active Authentication: the 8-byte challenge the chip signs with its DG15 key (a nonce
    /// from the server that will check the answer, or `new_active_authentication_challenge()`).
    /// `None`: no Active Authentication. Any length but 8 is a `USAGE` error. The challenge
    /// and the chip's answer come back in `Document.active_authentication`; `verify` checks
    /// them.
    #[uniffi(default = None)]
    pub active_authentication_challenge: Option<Vec<u8>>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        reader::ReadOptions::default().into()
    }
}

impl From<reader::ReadOptions> for ReadOptions {
    fn from(o: reader::ReadOptions) -> Self {
        Self {
            data_groups: o
                .data_groups
                .map(|dgs| dgs.iter().map(|dg| dg.number()).collect()),
            extended_length: match o.extended_length {
                reader::ExtendedLength::Auto => ExtendedLength::Auto,
                reader::ExtendedLength::Never => ExtendedLength::Never,
            },
            max_response_len: u32::try_from(o.max_response_len).unwrap_or(u32::MAX),
            max_file_len: u32::try_from(o.max_file_len).unwrap_or(u32::MAX),
            chip_authentication: o.chip_authentication,
            allow_bac_fallback: o.allow_bac_fallback,
            active_authentication_challenge: o.active_authentication.map(|c| c.to_vec()),
        }
    }
}

impl TryFrom<ReadOptions> for reader::ReadOptions {
    type Error = IdProofError;

    fn try_from(o: ReadOptions) -> Result<Self, IdProofError> {
        let data_groups = match o.data_groups {
            None => None,
            Some(numbers) => Some(
                numbers
                    .into_iter()
                    .map(|n| {
                        DataGroup::new(n).ok_or_else(|| {
                            IdProofError::from(Error::new(
                                ErrorCode::Usage,
                                format!("data group {n} does not exist (1..=16)"),
                            ))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        let active_authentication = o
            .active_authentication_challenge
            .map(|c| aa_challenge(&c))
            .transpose()?;
        Ok(reader::ReadOptions {
            data_groups,
            extended_length: match o.extended_length {
                ExtendedLength::Auto => reader::ExtendedLength::Auto,
                ExtendedLength::Never => reader::ExtendedLength::Never,
            },
            max_response_len: o.max_response_len as usize,
            max_file_len: o.max_file_len as usize,
            chip_authentication: o.chip_authentication,
            allow_bac_fallback: o.allow_bac_fallback,
            active_authentication,
            ..reader::ReadOptions::default()
        })
    }
}

/// An Active Authentication challenge: exactly 8 bytes, else a `USAGE` error.
pub(crate) fn aa_challenge(bytes: &[u8]) -> Result<[u8; 8], IdProofError> {
    <[u8; 8]>::try_from(bytes).map_err(|_| {
        IdProofError::from(Error::new(
            ErrorCode::Usage,
            format!(
                "an Active Authentication challenge is 8 bytes, not {}",
                bytes.len()
            ),
        ))
    })
}

/// The default read options (everything in EF.COM, extended length when possible, Chip
/// Authentication on, no BAC fallback, no Active Authentication).
#[uniffi::export]
pub fn default_read_options() -> ReadOptions {
    ReadOptions::default()
}

/// 8 random bytes from the operating system, for `ReadOptions.active_authentication_challenge`
/// when no server supplies the nonce (the proof is then fresh for this app only).
#[uniffi::export]
pub fn new_active_authentication_challenge() -> Result<Vec<u8>, IdProofError> {
    guard(|| {
        let mut challenge = [0_u8; 8];
        OsRng
            .try_fill_bytes(&mut challenge)
            .map_err(|e| IdProofError::internal(format!("the OS random generator failed: {e}")))?;
        Ok(challenge.to_vec())
    })
}

/// Where the read is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ReadPhase {
    /// Selecting the eMRTD application.
    Connecting,
    /// Running access control (BAC or PACE).
    AccessControl,
    /// Reading `file`.
    Reading,
    /// Back after a lost connection: access control again, then reads continue.
    Resuming,
    /// All files read.
    Complete,
}

/// One progress report, for a "hold still" UI or a progress bar.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReadProgress {
    /// The phase.
    pub phase: ReadPhase,
    /// The file being read (`COM`, `SOD`, `DG1`…), in `Reading`.
    pub file: Option<String>,
    /// Bytes of `file` read so far.
    pub file_bytes_done: u64,
    /// Size of `file`, once its header is read.
    pub file_bytes_total: Option<u64>,
    /// Files finished.
    pub files_done: u32,
    /// Files planned so far (grows once EF.COM is read).
    pub files_planned: u32,
}

impl From<reader::Progress> for ReadProgress {
    fn from(p: reader::Progress) -> Self {
        Self {
            phase: match p.phase {
                Phase::Connecting => ReadPhase::Connecting,
                Phase::AccessControl => ReadPhase::AccessControl,
                Phase::Reading => ReadPhase::Reading,
                Phase::Resuming => ReadPhase::Resuming,
                Phase::Complete => ReadPhase::Complete,
            },
            file: p.file.map(LdsFile::name),
            file_bytes_done: p.file_bytes_done as u64,
            file_bytes_total: p.file_bytes_total.map(|n| n as u64),
            files_done: u32::try_from(p.files_done).unwrap_or(u32::MAX),
            files_planned: u32::try_from(p.files_planned).unwrap_or(u32::MAX),
        }
    }
}

/// What the platform does next. A failed read is not a step: `step` throws `IdProofError`.
// `Done` is large, but every variant is serialized across the FFI at once: boxing buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum ReadStep {
    /// Send these command bytes to the chip, then call `step(response)` with its reply
    /// (data ‖ SW1 SW2).
    Transmit {
        /// The command APDU.
        apdu: Vec<u8>,
    },
    /// Show progress, then call `step(null)`.
    Progress {
        /// Where the read is.
        progress: ReadProgress,
    },
    /// The read is complete.
    Done {
        /// Everything read.
        document: Document,
    },
}

/// A read of one chip. Thread-safe; `step` takes microseconds and never blocks on I/O.
///
/// The session survives a lost connection: call `connection_lost()`, reconnect to the same
/// chip (on iOS, also a new reader session after the 60-second cap), then keep calling `step`:
/// access control is re-run and each file continues at the byte reached.
#[derive(uniffi::Object)]
pub struct ReadSession {
    inner: Mutex<reader::ReadSession>,
}

impl std::fmt::Debug for ReadSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadSession(..)")
    }
}

#[uniffi::export]
impl ReadSession {
    /// A session that opens the chip with `key` and reads what `options` ask for. Throws
    /// `InvalidInput` for a malformed MRZ, fields or CAN, a data group that does not exist or
    /// an Active Authentication challenge that is not 8 bytes (`USAGE`).
    #[uniffi::constructor]
    pub fn new(key: AccessKey, options: ReadOptions) -> Result<Arc<Self>, IdProofError> {
        guard(|| {
            let key = core_key(key)?;
            let options = reader::ReadOptions::try_from(options)?;
            let rng = Box::new(OsRng.unwrap_err());
            Ok(Arc::new(Self {
                inner: Mutex::new(reader::ReadSession::new(key, options, rng)),
            }))
        })
    }

    /// Feeds the chip's reply to the last `Transmit` (`None` after any other step, and on the
    /// first call) and returns what to do next. Throws when the read failed; the session then
    /// keeps throwing the same error.
    pub fn step(&self, response: Option<Vec<u8>>) -> Result<ReadStep, IdProofError> {
        guard(|| {
            let step = lock(&self.inner)?.step(response.as_deref());
            match step {
                Step::Transmit(apdu) => Ok(ReadStep::Transmit { apdu }),
                Step::Progress(progress) => Ok(ReadStep::Progress {
                    progress: progress.into(),
                }),
                Step::Done(document) => Ok(ReadStep::Done {
                    document: Document::from_core(&document),
                }),
                Step::Failed(error) => Err(error.into()),
            }
        })
    }

    /// The connection to the chip was lost (Android `TagLostException`, iOS tag connection
    /// lost or the 60-second session cap). Reconnect, then call `step(None)`.
    pub fn connection_lost(&self) -> Result<(), IdProofError> {
        guard(|| {
            lock(&self.inner)?.connection_lost();
            Ok(())
        })
    }
}

/// The core's access key for an FFI key.
fn core_key(key: AccessKey) -> Result<reader::AccessKey, IdProofError> {
    match key {
        AccessKey::Mrz { lines } => {
            let mrz = Mrz::parse_lines(&lines)?;
            Ok(reader::AccessKey::Mrz(MrzKey::from_mrz(&mrz)))
        }
        AccessKey::DocumentData {
            document_number,
            birth_date,
            expiry_date,
        } => Ok(reader::AccessKey::Mrz(MrzKey::new(
            &document_number,
            &birth_date,
            &expiry_date,
        )?)),
        AccessKey::Can { can } => Ok(reader::AccessKey::Can(reader::Can::new(&can)?)),
    }
}
