//! The read state machine: SELECT, access control, then every file, chunk by chunk, then
//! Active Authentication (INTERNAL AUTHENTICATE) when the caller gave a challenge.
//!
//! Sans-IO in the style of rustls/quinn-proto: [`ReadSession::step`] is fed the chip's reply and
//! returns the next [`Step`]. The session keeps all its state across a lost connection, so
//! [`ReadSession::connection_lost`] followed by more steps re-opens access control and continues
//! each file at the byte offset reached.

use std::collections::{BTreeMap, VecDeque};

use rand_core::CryptoRng;

use zeroize::{Zeroize, ZeroizeOnDrop};

use super::chip_auth_access::{CaProgress, CaRun};
use super::chunking::{ChunkPolicy, ExtendedSupport};
use super::document::{
    AaExchange, AaResponse, AccessInfo, AccessProtocol, ChipAuthEvidence, ChipEvidence, Document,
    PasswordKind, ReadStats, RefusedFile,
};
use super::options::{AccessPolicy, ExtendedLength, ReadOptions};
use super::pace_access::{PaceCandidate, PaceProgress, PaceRun, pace_candidates};
use super::progress::{Phase, Progress};
use crate::access::bac::{Bac, BacPending};
use crate::access::security_info::SecurityInfos;
use crate::auth::active::internal_authenticate_command;
use crate::codec::{CommandApdu, ResponseApdu, StatusWord, tlv};
use crate::error::{Error, ErrorCode};
use crate::lds::sod::{LdsSecurityObject, Sod};
use crate::lds::{Com, DataGroup, LdsFile};
use crate::mrz::MrzKey;
use crate::sm::{SecureMessaging, SmError};

/// The eMRTD application identifier (ICAO 9303-10 §3.8).
pub const EMRTD_AID: [u8; 7] = [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01];

/// Bytes read first from every file: a one-byte tag and a length of up to three bytes (files up
/// to 64 KiB), as in ICAO 9303-11 Appendix D.4. Longer headers are completed by a second read.
const HEADER_LEN: usize = 4;

/// Length refusals in a row, with no data received in between, before the reader gives up on a
/// chip: enough for the whole step-down ladder plus an extended-length probe and a `6Cxx` retry,
/// and a bound on chips that answer every length with an error (or drop SM on each one).
const MAX_STALLS: usize = 16;

/// Data groups read when EF.COM is missing (a few chips omit it since LDS 1.8).
const FALLBACK_DGS: [DataGroup; 6] = [
    DataGroup::DG1,
    DataGroup::DG2,
    DataGroup::DG11,
    DataGroup::DG12,
    DataGroup::DG14,
    DataGroup::DG15,
];

/// The password that opens the chip.
#[derive(Clone)]
pub enum AccessKey {
    /// The MRZ key: document number, date of birth and date of expiry with check digits.
    /// Opens the chip by PACE or BAC.
    Mrz(MrzKey),
    /// The Card Access Number printed on the document. Opens the chip by PACE only.
    Can(Can),
}

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AccessKey::Mrz(_) => f.write_str("AccessKey::Mrz(<redacted>)"),
            AccessKey::Can(_) => f.write_str("AccessKey::Can(<redacted>)"),
        }
    }
}

/// A Card Access Number (ICAO 9303-11 §4.4.1): the digits printed on the document (six on
/// ID cards and recent passports). Zeroized on drop, redacted in `Debug`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Can(String);

impl Can {
    /// Checks that `digits` is a CAN: 6 to 10 decimal digits (whitespace around is ignored).
    pub fn new(digits: &str) -> Result<Can, Error> {
        let digits = digits.trim();
        if !(6..=10).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::new(
                ErrorCode::Usage,
                "a CAN is 6 to 10 digits, as printed on the document",
            ));
        }
        Ok(Can(digits.to_owned()))
    }

    /// The digits.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Can {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Can(<redacted>)")
    }
}

/// What the caller must do next.
#[derive(Debug)]
pub enum Step {
    /// Send these command bytes to the chip and feed the reply to the next `step`.
    Transmit(Vec<u8>),
    /// Show progress, then call `step(None)`.
    Progress(Progress),
    /// The read is complete.
    Done(Box<Document>),
    /// The read failed; the session stays failed and returns this error again.
    Failed(Error),
}

/// The SELECT APPLICATION variants real chips need: ICAO's `P2=0C` without Le first, then
/// `P2=00` with `Le=00` (some chips insist on returning FCI), then `P2=0C` with `Le=00`.
const SELECT_VARIANTS: [(u8, Option<usize>); 3] =
    [(0x0C, None), (0x00, Some(256)), (0x0C, Some(256))];

/// What the session is waiting for.
enum State {
    /// Nothing sent yet, or a reconnect: start (again) from the top.
    Start,
    /// Sent READ BINARY of EF.ATR/INFO by short EF identifier.
    ExpectAtrInfo,
    /// Sent READ BINARY of EF.CardAccess (by short EF identifier, then by offset); holds what
    /// arrived so far.
    ExpectCardAccess(Vec<u8>),
    /// Sent a PACE command (MSE:Set AT or GENERAL AUTHENTICATE).
    ExpectPace(Box<PaceRun>),
    /// Sent SELECT of the eMRTD application under secure messaging (after PACE).
    ExpectSelectAppSecure,
    /// Sent a Chip Authentication command under secure messaging.
    ExpectChipAuth(Box<CaRun>),
    /// Sent a SELECT whose only purpose is to confirm Chip Authentication's new keys.
    ExpectCaConfirmation,
    /// Sent SELECT of the eMRTD application, variant `n`.
    ExpectSelectApp(usize),
    /// Sent GET CHALLENGE.
    ExpectChallenge,
    /// Sent EXTERNAL AUTHENTICATE.
    ExpectExternalAuth(Box<BacPending>),
    /// Sent SELECT of the current file.
    ExpectSelectFile,
    /// Sent READ BINARY for the current file.
    ExpectRead(ReadRequest),
    /// Sent INTERNAL AUTHENTICATE with this challenge (Active Authentication).
    ExpectInternalAuth([u8; 8]),
    /// Finished or failed; nothing is expected.
    Finished,
}

#[derive(Debug, Clone, Copy)]
struct ReadRequest {
    offset: usize,
    len: usize,
    extended: bool,
    odd_ins: bool,
}

/// A file being read.
struct CurrentFile {
    file: LdsFile,
    data: Vec<u8>,
    total: Option<usize>,
}

/// The sans-IO read session. See the module documentation.
pub struct ReadSession {
    key: AccessKey,
    options: ReadOptions,
    rng: Box<dyn CryptoRng + Send>,
    state: State,
    failure: Option<Error>,
    outbox: VecDeque<Step>,
    sm: Option<SecureMessaging>,
    /// Files still to read; the front one is current once `current` is set.
    queue: VecDeque<LdsFile>,
    current: Option<CurrentFile>,
    files: BTreeMap<LdsFile, Vec<u8>>,
    absent: Vec<LdsFile>,
    /// Files refused with `6982` although access control succeeded (see `file_refused`).
    refused: Vec<RefusedFile>,
    /// The file a bare `6982` made us re-run access control for, once.
    refusal_retried: Option<LdsFile>,
    chunks: ChunkPolicy,
    stats: ReadStats,
    /// Why access control must run again, if it must.
    restart: Option<Restart>,
    atr_info_checked: bool,
    /// A `6Cxx` reply named the exact length to ask for next at the same offset.
    len_override: Option<usize>,
    /// Length refusals since data last arrived (see [`MAX_STALLS`]).
    stalls: usize,
    /// Whether EF.CardAccess was read (once per read: its PACE candidates are kept).
    card_access_read: bool,
    /// PACE protocols EF.CardAccess listed that this reader cannot run (for the error when
    /// the chip then refuses BAC).
    pace_unusable: Vec<String>,
    /// PACE protocols to try, best first, and the one in use (or to try next).
    pace_candidates: Vec<PaceCandidate>,
    pace_index: usize,
    /// What the chip's unauthenticated replies said of PACE, to refuse a downgrade.
    pace_offer: PaceOffer,
    /// The protocol that opened the current secure channel, and the PACE candidate used.
    access: Option<(AccessProtocol, Option<PaceCandidate>)>,
    /// Whether the eMRTD application is selected in the current session.
    app_selected: bool,
    /// Anti-clone evidence so far.
    evidence: ChipEvidence,
    /// The Active Authentication exchange, once done.
    active_authentication: Option<AaExchange>,
}

impl std::fmt::Debug for ReadSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadSession")
            .field("files_read", &self.files.keys().collect::<Vec<_>>())
            .field("queue", &self.queue)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl ReadSession {
    /// A session that will open the chip with `key` and read what `options` ask for, drawing
    /// the terminal's random numbers from `rng`.
    pub fn new(key: AccessKey, options: ReadOptions, rng: Box<dyn CryptoRng + Send>) -> Self {
        let extended = match options.extended_length {
            ExtendedLength::Auto => ExtendedSupport::Unknown,
            ExtendedLength::Never => ExtendedSupport::Unsupported,
        };
        // 3DES secure messaging after BAC: 8-byte blocks.
        let budget = super::chunking::max_plain_len(options.max_response_len.saturating_sub(2), 8);
        let mut queue = VecDeque::new();
        queue.push_back(LdsFile::Com);
        Self {
            key,
            chunks: ChunkPolicy::new(8, extended, budget),
            options,
            rng,
            state: State::Start,
            failure: None,
            outbox: VecDeque::new(),
            sm: None,
            queue,
            current: None,
            files: BTreeMap::new(),
            absent: Vec::new(),
            refused: Vec::new(),
            refusal_retried: None,
            stats: ReadStats::default(),
            restart: None,
            atr_info_checked: false,
            len_override: None,
            stalls: 0,
            card_access_read: false,
            pace_unusable: Vec::new(),
            pace_candidates: Vec::new(),
            pace_index: 0,
            pace_offer: PaceOffer::default(),
            access: None,
            app_selected: false,
            evidence: ChipEvidence::default(),
            active_authentication: None,
        }
    }

    /// Feeds the chip's reply to the last [`Step::Transmit`] (or `None` after any other step)
    /// and returns what to do next.
    pub fn step(&mut self, response: Option<&[u8]>) -> Step {
        if let Some(error) = &self.failure {
            return Step::Failed(error.clone());
        }
        if response.is_none() {
            if let Some(step) = self.outbox.pop_front() {
                return step;
            }
        } else if !self.outbox.is_empty() {
            return self.fail(Error::new(
                ErrorCode::Usage,
                "a reply was given while the session had steps to hand out; call step(None)",
            ));
        }
        let result = match response {
            Some(bytes) => {
                self.stats.bytes_received += bytes.len();
                self.on_response(bytes)
            }
            None => self.on_idle(),
        };
        match result {
            Ok(()) => match self.outbox.pop_front() {
                Some(step) => step,
                None => self.fail(Error::new(
                    ErrorCode::Usage,
                    "step(None) while a chip reply was expected",
                )),
            },
            Err(error) => self.fail(error),
        }
    }

    /// Tells the session that the connection to the chip was lost (tag out of the field, card
    /// removed). The chip forgets its session keys when it loses power, so the next steps
    /// select the application and run access control again, then continue each file at the
    /// offset reached. Files already read are kept.
    pub fn connection_lost(&mut self) {
        if matches!(self.state, State::Finished) {
            return;
        }
        self.drop_secure_channel(Restart::ConnectionLost);
    }

    /// Traffic counters so far.
    pub fn stats(&self) -> ReadStats {
        self.stats
    }

    fn fail(&mut self, error: Error) -> Step {
        self.state = State::Finished;
        self.outbox.clear();
        self.sm = None;
        self.failure = Some(error.clone());
        Step::Failed(error)
    }

    fn drop_secure_channel(&mut self, why: Restart) {
        self.sm = None;
        self.outbox.clear();
        self.state = State::Start;
        self.restart = Some(why);
        self.app_selected = false;
        self.access = None;
        // Chip Authentication that was not yet confirmed by a reply under its keys runs again.
        if self
            .evidence
            .chip_authentication
            .as_ref()
            .is_some_and(|ca| !ca.confirmed && ca.failure.is_none())
        {
            self.evidence.chip_authentication = None;
        }
    }

    /// Called with no reply: only legal at the start or after a reconnect.
    fn on_idle(&mut self) -> Result<(), Error> {
        match self.state {
            State::Start => self.begin(),
            _ => Ok(()),
        }
    }

    fn begin(&mut self) -> Result<(), Error> {
        if let Some(why) = self.restart {
            match why {
                Restart::ConnectionLost => self.stats.resumes += 1,
                Restart::ChipClosedSession => self.stats.sm_restarts += 1,
            }
            self.progress(Phase::Resuming);
        } else {
            self.progress(Phase::Connecting);
        }
        if !self.atr_info_checked && self.options.extended_length == ExtendedLength::Auto {
            // EF.ATR/INFO in the master file, by short EF identifier 01 (ISO 7816-4 §8.2.1.1).
            self.state = State::ExpectAtrInfo;
            return self.send_plain(&CommandApdu::new(0x00, 0xB0, 0x81, 0x00).with_le(256));
        }
        self.after_probe()
    }

    /// After the EF.ATR/INFO probe: read EF.CardAccess (once per read), then open access.
    fn after_probe(&mut self) -> Result<(), Error> {
        if !self.card_access_read && self.options.access != AccessPolicy::BacOnly {
            // EF.CardAccess in the master file, by short EF identifier 1C.
            self.state = State::ExpectCardAccess(Vec::new());
            return self.send_plain(&CommandApdu::new(0x00, 0xB0, 0x9C, 0x00).with_le(256));
        }
        self.open_access()
    }

    /// PACE when EF.CardAccess offers a protocol we can run, BAC otherwise (per the policy and
    /// the key: a CAN opens PACE only).
    fn open_access(&mut self) -> Result<(), Error> {
        self.progress(Phase::AccessControl);
        if self.options.access != AccessPolicy::BacOnly
            && self.pace_index < self.pace_candidates.len()
        {
            return self.start_pace();
        }
        if self.pace_candidates.is_empty() || self.options.access == AccessPolicy::BacOnly {
            self.start_bac_if_allowed("the chip offers no PACE protocol this reader supports")
        } else {
            self.start_bac_if_allowed("the chip refused every PACE protocol it lists")
        }
    }

    fn start_bac_if_allowed(&mut self, why_not_pace: &str) -> Result<(), Error> {
        if self.options.access == AccessPolicy::PaceOnly {
            return Err(Error::new(
                ErrorCode::Unsupported,
                format!("PACE is required but {why_not_pace}"),
            ));
        }
        if matches!(self.key, AccessKey::Can(_)) {
            return Err(Error::new(
                ErrorCode::Unsupported,
                format!("a CAN opens the chip only by PACE, and {why_not_pace}"),
            ));
        }
        if let Some(listed) = &self.pace_offer.listed {
            // EF.CardAccess and the refusals of MSE:Set AT are unauthenticated: whoever sits
            // in the radio path could send them to force BAC. So BAC after PACE only when the
            // caller allowed it, and then the document says so (`access.downgraded`).
            if !self.options.allow_bac_fallback {
                let mut tried = if self.pace_offer.refused.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (refused at MSE:Set AT: {})",
                        self.pace_offer.refused.join(", ")
                    )
                };
                if !self.pace_offer.refused.is_empty() && matches!(self.key, AccessKey::Mrz(_)) {
                    tried.push_str("; a card that refuses PACE with the MRZ may take only its CAN");
                }
                return Err(Error::new(
                    ErrorCode::PaceFailed,
                    format!(
                        "{listed}, but {why_not_pace}{tried}. BAC instead would be a downgrade \
                         anyone in the radio path can force, so the read stops: try again, or \
                         allow BAC after PACE explicitly (`--allow-bac-fallback`, \
                         ReadOptions::allow_bac_fallback)"
                    ),
                ));
            }
            self.pace_offer.downgraded = true;
        }
        self.select_application(0)
    }

    fn select_application(&mut self, variant: usize) -> Result<(), Error> {
        let Some((p2, le)) = SELECT_VARIANTS.get(variant).copied() else {
            return Err(Error::new(
                ErrorCode::ChipProtocol,
                "the chip has no eMRTD application (SELECT A0000002471001 refused in every form)",
            ));
        };
        let mut select = CommandApdu::new(0x00, 0xA4, 0x04, p2).with_data(EMRTD_AID.to_vec());
        select.le = le;
        self.state = State::ExpectSelectApp(variant);
        self.send_plain(&select)
    }

    fn on_response(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let state = std::mem::replace(&mut self.state, State::Finished);
        match state {
            State::Start | State::Finished => Err(Error::new(
                ErrorCode::Usage,
                "a chip reply was given but no command was outstanding",
            )),
            State::ExpectAtrInfo => {
                self.atr_info_checked = true;
                let reply = ResponseApdu::parse(bytes)?;
                if reply.sw.is_success() || reply.sw == StatusWord::END_OF_FILE {
                    self.apply_atr_info(&reply.data);
                }
                self.after_probe()
            }
            State::ExpectCardAccess(so_far) => self.on_card_access(bytes, so_far),
            State::ExpectPace(run) => self.on_pace(bytes, *run),
            State::ExpectSelectAppSecure => {
                let reply = match self.open_reply(bytes)? {
                    Reply::Secure(reply) => reply,
                    Reply::Plain(sw) => return Err(dropped_session("SELECT", sw)),
                };
                if !reply.sw.is_success() {
                    return Err(Error::new(
                        ErrorCode::ChipProtocol,
                        format!("SELECT of the eMRTD application refused: {}", reply.sw),
                    ));
                }
                self.app_selected = true;
                self.next_file()
            }
            State::ExpectChipAuth(run) => self.on_chip_auth(bytes, *run),
            State::ExpectCaConfirmation => {
                // Any reply that unprotects under the new keys confirms them.
                match self.open_reply(bytes)? {
                    Reply::Secure(_) => self.finish(),
                    Reply::Plain(sw) => {
                        self.chip_auth_failed(format!(
                            "the chip answered without secure messaging ({sw}) under the Chip Authentication keys"
                        ));
                        self.finish()
                    }
                }
            }
            State::ExpectSelectApp(variant) => {
                let reply = ResponseApdu::parse(bytes)?;
                if reply.sw.is_success() {
                    self.app_selected = true;
                    self.start_bac()
                } else {
                    self.select_application(variant + 1)
                }
            }
            State::ExpectChallenge => {
                let reply = ResponseApdu::parse(bytes)?;
                if !reply.sw.is_success() {
                    let pace = if self.pace_unusable.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "; its PACE protocols ({}) are not ones this reader runs",
                            self.pace_unusable.join(", ")
                        )
                    };
                    return Err(Error::new(
                        ErrorCode::Unsupported,
                        format!(
                            "the chip refused GET CHALLENGE ({}): it does not offer BAC{pace}",
                            reply.sw
                        ),
                    ));
                }
                let rnd_ic: [u8; 8] = reply.data.as_slice().try_into().map_err(|_| {
                    Error::new(
                        ErrorCode::ChipProtocol,
                        format!("GET CHALLENGE returned {} bytes, not 8", reply.data.len()),
                    )
                })?;
                self.external_authenticate(rnd_ic)
            }
            State::ExpectExternalAuth(pending) => {
                let sm = pending.finish(bytes).map_err(Error::from)?;
                self.sm = Some(sm);
                self.restart = None;
                self.access = Some((AccessProtocol::Bac, None));
                self.channel_opened()
            }
            State::ExpectSelectFile => self.on_select_file(bytes),
            State::ExpectRead(request) => self.on_read(bytes, request),
            State::ExpectInternalAuth(challenge) => {
                let response = match self.open_reply(bytes)? {
                    Reply::Secure(reply) if reply.sw.is_success() => {
                        AaResponse::Signature(reply.data)
                    }
                    Reply::Secure(reply) => AaResponse::Refused(reply.sw),
                    Reply::Plain(sw) => AaResponse::Refused(sw),
                };
                self.active_authentication = Some(AaExchange {
                    challenge,
                    response,
                });
                self.finish()
            }
        }
    }

    /// EF.CardAccess arrives in one or more READ BINARY replies (plain, in the master file).
    /// Absent or unreadable means no PACE; a file we cannot parse also means no PACE (it is
    /// unauthenticated, so nothing else could be concluded from it either).
    fn on_card_access(&mut self, bytes: &[u8], mut so_far: Vec<u8>) -> Result<(), Error> {
        let reply = ResponseApdu::parse(bytes)?;
        let usable = reply.sw.is_success() || reply.sw == StatusWord::END_OF_FILE;
        if usable {
            so_far.extend_from_slice(&reply.data);
        }
        let total = tlv::parse_header(&so_far).ok().map(|h| h.total_len());
        match total {
            Some(total) if usable && !reply.data.is_empty() && so_far.len() < total => {
                if total > 0x7FFF {
                    return Err(Error::new(
                        ErrorCode::LdsFormat,
                        format!("EF.CardAccess claims {total} bytes"),
                    ));
                }
                let [p1, p2] = u16::try_from(so_far.len()).unwrap_or(0).to_be_bytes();
                let le = (total - so_far.len()).min(256);
                self.state = State::ExpectCardAccess(so_far);
                return self.send_plain(&CommandApdu::new(0x00, 0xB0, p1, p2).with_le(le));
            }
            Some(total) => so_far.truncate(total),
            None => so_far.clear(),
        }
        let infos = (!so_far.is_empty())
            .then(|| SecurityInfos::parse(&so_far).ok())
            .flatten();
        if let Some(infos) = &infos {
            self.pace_candidates = pace_candidates(infos);
            if self.pace_candidates.is_empty() {
                self.pace_unusable = infos.pace.iter().map(|p| p.protocol.clone()).collect();
            }
            if !infos.pace.is_empty() {
                self.pace_offer.offered = true;
                let names: Vec<&str> = infos.pace.iter().map(|p| p.protocol.as_str()).collect();
                self.pace_offer.listed =
                    Some(format!("EF.CardAccess lists PACE ({})", names.join(", ")));
            }
            self.files.insert(LdsFile::CardAccess, so_far);
        } else if !so_far.is_empty() {
            self.pace_offer.listed = Some(format!(
                "EF.CardAccess is there ({} bytes) but does not parse as SecurityInfos",
                so_far.len()
            ));
        }
        self.card_access_read = true;
        self.open_access()
    }

    fn start_pace(&mut self) -> Result<(), Error> {
        let Some(candidate) = self.pace_candidates.get(self.pace_index).cloned() else {
            return self.start_bac_if_allowed("no PACE protocol is left to try");
        };
        let (run, command) = PaceRun::start(candidate, &self.key)?;
        self.state = State::ExpectPace(Box::new(run));
        self.transmit(command);
        Ok(())
    }

    fn on_pace(&mut self, bytes: &[u8], run: PaceRun) -> Result<(), Error> {
        match run.on_reply(bytes, &mut *self.rng) {
            PaceProgress::Next(run, command) => {
                self.state = State::ExpectPace(run);
                self.transmit(command);
                Ok(())
            }
            PaceProgress::Unsupported { retry } => {
                // The chip refused the protocol itself (MSE:Set AT): try it with the other
                // parameter-id convention, then the next candidate; never after a later step.
                if let Some(refused) = self.pace_candidates.get(self.pace_index) {
                    self.pace_offer.refused.push(format!(
                        "{} {} parameter id",
                        refused.protocol_name(),
                        if refused.send_parameter_id {
                            "with"
                        } else {
                            "without"
                        }
                    ));
                }
                match (retry, self.pace_candidates.get_mut(self.pace_index)) {
                    (Some(retry), Some(slot)) => *slot = retry,
                    _ => self.pace_index += 1,
                }
                self.open_access()
            }
            PaceProgress::Failed(error) => {
                let bac_possible = matches!(self.key, AccessKey::Mrz(_))
                    && self.options.access == AccessPolicy::Auto;
                if self.options.allow_bac_fallback && bac_possible {
                    self.pace_candidates.clear();
                    self.pace_offer.downgraded = true;
                    return self.select_application(0);
                }
                Err(error)
            }
            PaceProgress::Done(outcome) => {
                self.sm = Some(outcome.sm);
                self.restart = None;
                if let Some(cam) = outcome.cam {
                    self.evidence.pace_cam = Some(cam);
                    if !self.files.contains_key(&LdsFile::CardSecurity)
                        && !self.queue.contains(&LdsFile::CardSecurity)
                    {
                        // PACE-CAM's check needs the chip's static key from EF.CardSecurity.
                        self.queue.push_front(LdsFile::CardSecurity);
                    }
                }
                self.access = Some((AccessProtocol::Pace, Some(outcome.candidate)));
                self.channel_opened()
            }
        }
    }

    /// Whether Chip Authentication should run now: allowed, DG14 read, and not yet done (or
    /// its keys were lost before a reply confirmed them).
    fn chip_auth_due(&self) -> bool {
        self.options.chip_authentication
            && self.evidence.chip_authentication.is_none()
            && self.files.contains_key(&LdsFile::Dg(DataGroup::DG14))
            && self.current.is_none()
    }

    fn start_chip_auth(&mut self) -> Result<(), Error> {
        let Some(dg14) = self.files.get(&LdsFile::Dg(DataGroup::DG14)) else {
            return self.next_file();
        };
        match CaRun::start(dg14, &mut *self.rng) {
            Ok(None) => {
                // DG14 offers no Chip Authentication (e.g. only PACE infos): nothing to run.
                self.evidence.chip_authentication = None;
                self.options.chip_authentication = false;
                self.next_file()
            }
            Ok(Some((run, command))) => {
                self.state = State::ExpectChipAuth(Box::new(run));
                self.send_secure_bytes(&command)
            }
            Err(detail) => {
                self.evidence.chip_authentication = Some(ChipAuthEvidence::failed(detail));
                self.next_file()
            }
        }
    }

    fn on_chip_auth(&mut self, bytes: &[u8], run: CaRun) -> Result<(), Error> {
        let reply = match self.open_reply(bytes)? {
            Reply::Secure(reply) => reply,
            Reply::Plain(sw) => {
                // The chip dropped secure messaging on a CA command: record the failure and
                // re-open access control to read the rest without CA.
                self.evidence.chip_authentication = Some(ChipAuthEvidence::failed(format!(
                    "the chip answered Chip Authentication without secure messaging ({sw})"
                )));
                self.drop_secure_channel(Restart::ChipClosedSession);
                return self.begin();
            }
        };
        let plain = reply.to_bytes();
        match run.on_reply(&plain, &mut *self.rng) {
            CaProgress::Next(run, command) => {
                self.state = State::ExpectChipAuth(run);
                self.send_secure_bytes(&command)
            }
            CaProgress::Done(sm, evidence) => {
                self.sm = Some(sm);
                self.evidence.chip_authentication = Some(evidence);
                self.channel_opened()
            }
            CaProgress::Failed(detail) => {
                self.evidence.chip_authentication = Some(ChipAuthEvidence::failed(detail));
                self.next_file()
            }
        }
    }

    fn chip_auth_failed(&mut self, detail: String) {
        if let Some(ca) = self.evidence.chip_authentication.as_mut() {
            ca.failure = Some(detail);
        }
    }

    /// Reads the extended-length info (tag 7F66) of EF.ATR/INFO, if present.
    fn apply_atr_info(&mut self, data: &[u8]) {
        let Ok(Some(info)) = tlv::find(data, 0x7F66) else {
            return;
        };
        // ISO 7816-4 §12.7.1: 7F66 { 02 max command length, 02 max response length }.
        let mut ints = info
            .children()
            .filter_map(Result::ok)
            .filter(|t| t.tag == 0x02);
        let _max_command = ints.next();
        let max_response = ints.next().map(|t| {
            t.value.iter().fold(0usize, |acc, b| {
                acc.saturating_mul(256).saturating_add(usize::from(*b))
            })
        });
        if let Some(max) = max_response.filter(|m| *m > 256) {
            let budget = super::chunking::max_plain_len(
                max.min(self.options.max_response_len.saturating_sub(2)),
                self.chunks.block(),
            );
            self.chunks = ChunkPolicy::new(
                self.chunks.block(),
                ExtendedSupport::Supported(budget),
                budget,
            );
        }
    }

    fn start_bac(&mut self) -> Result<(), Error> {
        self.state = State::ExpectChallenge;
        self.send_plain(&CommandApdu::new(0x00, 0x84, 0x00, 0x00).with_le(8))
    }

    fn external_authenticate(&mut self, rnd_ic: [u8; 8]) -> Result<(), Error> {
        let AccessKey::Mrz(key) = &self.key else {
            return Err(Error::new(ErrorCode::Usage, "BAC needs the MRZ key"));
        };
        let bac = Bac::new(key.mrz_information().as_bytes());
        let mut rnd_ifd = [0u8; 8];
        let mut k_ifd = [0u8; 16];
        self.rng.fill_bytes(&mut rnd_ifd);
        self.rng.fill_bytes(&mut k_ifd);
        let (command, pending) = bac.external_authenticate(&rnd_ic, rnd_ifd, k_ifd);
        self.state = State::ExpectExternalAuth(Box::new(pending));
        self.transmit(command);
        Ok(())
    }

    /// A secure channel is open (BAC or PACE): adapt the chunk sizes to its cipher, re-run
    /// Chip Authentication if a reconnect lost its unconfirmed keys, and read on.
    fn channel_opened(&mut self) -> Result<(), Error> {
        let block = self
            .sm
            .as_ref()
            .map_or(8, |sm| sm.keys().suite().block_size());
        self.chunks = self.chunks.with_block(block);
        if self.chip_auth_due() {
            return self.start_chip_auth();
        }
        self.next_file()
    }

    /// Moves to the next file in the queue (or resumes the current one) and selects it.
    fn next_file(&mut self) -> Result<(), Error> {
        let upcoming = self
            .current
            .as_ref()
            .map(|c| c.file)
            .or(self.queue.front().copied());
        if upcoming.is_some_and(|f| !f.in_master_file()) && !self.app_selected {
            // After PACE the master file is current: select the application, under SM.
            self.state = State::ExpectSelectAppSecure;
            return self.send_secure(
                &CommandApdu::new(0x00, 0xA4, 0x04, 0x0C).with_data(EMRTD_AID.to_vec()),
            );
        }
        if self.current.is_none() {
            let Some(file) = self.queue.pop_front() else {
                return self.after_files();
            };
            self.current = Some(CurrentFile {
                file,
                data: Vec::new(),
                total: None,
            });
        }
        let fid = self.current.as_ref().map_or(0, |c| c.file.fid());
        self.progress(Phase::Reading);
        self.state = State::ExpectSelectFile;
        self.send_secure(
            &CommandApdu::new(0x00, 0xA4, 0x02, 0x0C).with_data(fid.to_be_bytes().to_vec()),
        )
    }

    fn on_select_file(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let reply = match self.open_reply(bytes)? {
            Reply::Secure(reply) => reply,
            Reply::Plain(StatusWord::SECURITY_STATUS) => {
                return self.file_refused("SELECT", false);
            }
            Reply::Plain(sw) => return Err(dropped_session("SELECT", sw)),
        };
        if reply.sw == StatusWord::SECURITY_STATUS {
            return self.file_refused("SELECT", true);
        }
        if reply.sw == StatusWord::FILE_NOT_FOUND {
            if let Some(current) = self.current.take() {
                self.file_absent(current.file);
            }
            return self.next_file();
        }
        if !reply.sw.is_success() {
            let file = self.current.as_ref().map(|c| c.file);
            return Err(Error::new(
                ErrorCode::ChipProtocol,
                format!("SELECT of {} refused: {}", describe(file), reply.sw),
            ));
        }
        self.request_next_chunk()
    }

    /// The chip answered `6982` (security status not satisfied) to SELECT or READ BINARY of
    /// the current file after access control succeeded: the file's access condition is
    /// terminal authentication (EAC), which this reader cannot meet, so the key is not at
    /// fault and the read goes on without the file. Under intact secure messaging the answer
    /// is final. A bare `6982` also ends the chip's session and may be only that, so access
    /// control runs again and the file is tried once more before it is recorded as refused.
    fn file_refused(&mut self, command: &str, secure: bool) -> Result<(), Error> {
        let sw = StatusWord::SECURITY_STATUS;
        let Some(current) = self.current.take() else {
            return Err(dropped_session(command, sw));
        };
        let file = current.file;
        if !secure && self.refusal_retried != Some(file) {
            self.refusal_retried = Some(file);
            self.current = Some(current);
            self.drop_secure_channel(Restart::ChipClosedSession);
            return self.begin();
        }
        self.refusal_retried = None;
        self.refused
            .push(RefusedFile::eac_required(file, command, sw));
        if file == LdsFile::Com {
            self.plan_data_groups(FALLBACK_DGS.to_vec());
        }
        if secure {
            self.next_file()
        } else {
            self.drop_secure_channel(Restart::ChipClosedSession);
            self.begin()
        }
    }

    fn file_absent(&mut self, file: LdsFile) {
        self.absent.push(file);
        if file == LdsFile::Com {
            // Without EF.COM, read the usual data groups and tolerate their absence.
            self.plan_data_groups(FALLBACK_DGS.to_vec());
        }
    }

    fn request_next_chunk(&mut self) -> Result<(), Error> {
        let Some(current) = &self.current else {
            return self.next_file();
        };
        let offset = current.data.len();
        let (mut len, mut extended) = match current.total {
            None => (HEADER_LEN, false),
            Some(total) if offset >= total => return self.file_complete(),
            Some(total) => self.chunks.next_len(total - offset),
        };
        if let Some(exact) = self.len_override.take() {
            len = exact.min(len);
            extended = false;
        }
        let odd_ins = offset > 0x7FFF;
        let command = if odd_ins {
            // READ BINARY with odd INS (B1): offset in DO'54', data returned in DO'53'.
            // Ask for the DO'53' header too so the requested data still arrives whole.
            let mut offset_do = Vec::new();
            let off = u32::try_from(offset).unwrap_or(u32::MAX).to_be_bytes();
            let skip = off.iter().take_while(|b| **b == 0).count();
            offset_do.extend_from_slice(&tlv::encode(0x54, off.get(skip..).unwrap_or_default()));
            let le = len + do53_header_len(len);
            CommandApdu::new(0x00, 0xB1, 0x00, 0x00)
                .with_data(offset_do)
                .with_le(le)
        } else {
            let [p1, p2] = u16::try_from(offset).unwrap_or(0).to_be_bytes();
            CommandApdu::new(0x00, 0xB0, p1, p2).with_le(len)
        };
        self.state = State::ExpectRead(ReadRequest {
            offset,
            len,
            extended,
            odd_ins,
        });
        self.send_secure(&command)
    }

    fn on_read(&mut self, bytes: &[u8], request: ReadRequest) -> Result<(), Error> {
        let reply = match self.open_reply(bytes)? {
            Reply::Secure(reply) => reply,
            Reply::Plain(sw) if is_length_refusal(sw) => {
                // Some chips answer a length they dislike without secure messaging, which
                // ends the session: ask for less and re-open access control.
                self.chip_refused_length(request, sw.exact_length().map(usize::from))?;
                self.drop_secure_channel(Restart::ChipClosedSession);
                return self.begin();
            }
            Reply::Plain(StatusWord::SECURITY_STATUS) => {
                return self.file_refused("READ BINARY", false);
            }
            Reply::Plain(sw) => return Err(dropped_session("READ BINARY", sw)),
        };
        if reply.sw == StatusWord::SECURITY_STATUS {
            return self.file_refused("READ BINARY", true);
        }
        let sw = reply.sw;
        let data = if request.odd_ins && !reply.data.is_empty() {
            let (do53, trailing) = tlv::Tlv::parse(&reply.data).map_err(|e| {
                Error::new(
                    ErrorCode::ChipProtocol,
                    format!("READ BINARY (B1) reply: {e}"),
                )
            })?;
            if do53.tag != 0x53 {
                return Err(Error::new(
                    ErrorCode::ChipProtocol,
                    format!("READ BINARY (B1) reply has tag {:X}, not 53", do53.tag),
                ));
            }
            if !trailing.is_empty() {
                return Err(Error::new(
                    ErrorCode::ChipProtocol,
                    format!(
                        "READ BINARY (B1) reply has {} bytes after DO'53'",
                        trailing.len()
                    ),
                ));
            }
            do53.value.to_vec()
        } else {
            reply.data
        };
        let accepted = sw.is_success() || (sw == StatusWord::END_OF_FILE && !data.is_empty());
        if !accepted {
            if is_length_refusal(sw) {
                self.chip_refused_length(request, sw.exact_length().map(usize::from))?;
                return self.request_next_chunk();
            }
            let file = self.current.as_ref().map(|c| c.file);
            return Err(Error::new(
                ErrorCode::ChipProtocol,
                format!(
                    "READ BINARY of {} at offset {} refused: {sw}",
                    describe(file),
                    request.offset
                ),
            ));
        }
        if data.is_empty() {
            return Err(Error::new(
                ErrorCode::ChipProtocol,
                format!("READ BINARY at offset {} returned no data", request.offset),
            ));
        }
        if data.len() > request.len {
            return Err(Error::new(
                ErrorCode::ChipProtocol,
                format!(
                    "READ BINARY returned {} bytes, more than the {} asked for",
                    data.len(),
                    request.len
                ),
            ));
        }
        if request.extended {
            self.chunks.extended_worked();
            self.stats.extended_length_used = true;
        }
        self.stats.largest_chunk = self.stats.largest_chunk.max(data.len());
        self.stalls = 0;
        let max_file_len = self.options.max_file_len;
        let Some(current) = self.current.as_mut() else {
            return Err(Error::new(
                ErrorCode::Usage,
                "read reply without a current file",
            ));
        };
        current.data.extend_from_slice(&data);
        if current.total.is_none() {
            match tlv::parse_header(&current.data) {
                Ok(header) => {
                    // A file whose first tag is not its own is still read whole (its header
                    // gives the length): verification then fails it under `lds_parse` and
                    // the data-group hashes, naming the file, and the other files are still
                    // read and judged. Stopping the read here would leave no report at all.
                    let file = current.file;
                    if header.total_len() > max_file_len {
                        return Err(Error::new(
                            ErrorCode::LdsFormat,
                            format!(
                                "{file} claims {} bytes, more than the {max_file_len}-byte limit",
                                header.total_len()
                            ),
                        ));
                    }
                    current.total = Some(header.total_len());
                }
                // A length field longer than what was read so far: read on.
                Err(tlv::TlvError::Truncated { .. }) if current.data.len() < 2 * HEADER_LEN => {
                    return self.request_next_chunk();
                }
                Err(e) => {
                    return Err(Error::new(
                        ErrorCode::LdsFormat,
                        format!("{} does not start with a TLV header: {e}", current.file),
                    ));
                }
            }
        }
        let total = current.total.unwrap_or(0);
        if current.data.len() > total {
            // A header read can return more than the (short) file holds only if the chip
            // pads; keep exactly the file.
            current.data.truncate(total);
        }
        let done = current.data.len();
        if done < total && sw == StatusWord::END_OF_FILE {
            // Every file a read returns is one whole TLV (reader_hostile_chip pins it): a
            // file that ends before its header says is a clear error, not a partial file.
            return Err(Error::new(
                ErrorCode::LdsFormat,
                format!(
                    "{} ends at {done} bytes but its header says {total}",
                    current.file
                ),
            ));
        }
        self.progress(Phase::Reading);
        self.request_next_chunk()
    }

    fn chip_refused_length(
        &mut self,
        request: ReadRequest,
        exact: Option<usize>,
    ) -> Result<(), Error> {
        self.stalls += 1;
        if self.stalls > MAX_STALLS {
            return Err(Error::new(
                ErrorCode::ChipProtocol,
                format!(
                    "the chip refused {MAX_STALLS} READ BINARY lengths in a row at offset {}",
                    request.offset
                ),
            ));
        }
        if request.extended {
            self.chunks.extended_refused();
            return Ok(());
        }
        if let Some(exact) = exact.filter(|e| *e > 0 && *e < request.len) {
            // 6Cxx: the chip has exactly xx bytes for us here; ask for that, once.
            self.chunks.short_refused(request.len, Some(exact));
            self.len_override = Some(exact);
            return Ok(());
        }
        if !self.chunks.short_refused(request.len, None) {
            return Err(Error::new(
                ErrorCode::ChipProtocol,
                format!(
                    "the chip refuses READ BINARY even for {} bytes at offset {}",
                    request.len, request.offset
                ),
            ));
        }
        Ok(())
    }

    fn file_complete(&mut self) -> Result<(), Error> {
        self.refusal_retried = None;
        if let Some(current) = self.current.take() {
            if current.file == LdsFile::Com {
                // An EF.COM that does not parse is kept as read (verification then fails it
                // under `lds_parse`, naming the reason) and the read goes on as without
                // EF.COM: nothing signs EF.COM, so it must not stop the files EF.SOD signs
                // from being read and judged.
                let listed =
                    listed_data_groups(&current.data).unwrap_or_else(|_| FALLBACK_DGS.to_vec());
                let wanted = match &self.options.data_groups {
                    Some(wanted) => wanted.clone(),
                    None => listed,
                };
                self.plan_data_groups(wanted);
            }
            // EF.SOD is signed, EF.COM is not: a data group EF.SOD hashes is read even when
            // EF.COM forgot it (or lists another), so the verdict is reached on every file
            // the issuer signed. An EF.SOD that does not parse adds nothing here;
            // verification reports why.
            let signed = (current.file == LdsFile::Sod && self.options.data_groups.is_none())
                .then(|| signed_data_groups(&current.data));
            self.files.insert(current.file, current.data);
            if let Some(signed) = signed {
                self.plan_data_groups(signed);
            }
        }
        if self.chip_auth_due() {
            return self.start_chip_auth();
        }
        self.next_file()
    }

    /// Queues EF.SOD and the data groups to read (never the EAC-protected DG3/DG4).
    fn plan_data_groups(&mut self, wanted: Vec<DataGroup>) {
        let mut plan = vec![LdsFile::Sod];
        let mut dgs: Vec<DataGroup> = wanted
            .into_iter()
            .filter(|dg| !dg.is_eac_protected())
            .collect();
        // DG14 first: Chip Authentication runs as soon as it is read, so the rest of the
        // document is read under the keys only the genuine chip can derive.
        dgs.sort_by_key(|dg| (*dg != DataGroup::DG14, *dg));
        dgs.dedup();
        plan.extend(dgs.into_iter().map(LdsFile::Dg));
        for file in plan {
            if !self.queue.contains(&file)
                && !self.files.contains_key(&file)
                && !self.absent.contains(&file)
            {
                self.queue.push_back(file);
            }
        }
    }

    /// After the last file: Active Authentication when a challenge is set and DG15 was read
    /// (once; after a reconnect it is sent again until answered), then the document.
    fn after_files(&mut self) -> Result<(), Error> {
        if let Some(challenge) = self.options.active_authentication
            && self.active_authentication.is_none()
            && self.files.contains_key(&LdsFile::Dg(DataGroup::DG15))
        {
            self.state = State::ExpectInternalAuth(challenge);
            return self.send_secure(&internal_authenticate_command(&challenge));
        }
        self.finish()
    }

    fn finish(&mut self) -> Result<(), Error> {
        if self
            .evidence
            .chip_authentication
            .as_ref()
            .is_some_and(|ca| !ca.confirmed && ca.failure.is_none())
        {
            // Nothing was read under the Chip Authentication keys yet: one SELECT of EF.COM
            // proves (or disproves) that the chip derived them too.
            self.state = State::ExpectCaConfirmation;
            return self.send_secure(
                &CommandApdu::new(0x00, 0xA4, 0x02, 0x0C)
                    .with_data(LdsFile::Com.fid().to_be_bytes().to_vec()),
            );
        }
        self.progress(Phase::Complete);
        self.state = State::Finished;
        let cipher = self
            .sm
            .as_ref()
            .map_or("3DES", |sm| suite_name(sm.keys().suite()));
        self.sm = None;
        let (protocol, candidate) = self.access.clone().unwrap_or((AccessProtocol::Bac, None));
        let document = Document {
            files: std::mem::take(&mut self.files),
            absent: std::mem::take(&mut self.absent),
            refused: std::mem::take(&mut self.refused),
            access: AccessInfo {
                protocol,
                mapping: candidate.as_ref().map(PaceCandidate::mapping_name),
                password: match self.key {
                    AccessKey::Mrz(_) => PasswordKind::Mrz,
                    AccessKey::Can(_) => PasswordKind::Can,
                },
                pace_protocol: candidate.as_ref().map(PaceCandidate::protocol_name),
                parameter_id: candidate.as_ref().and_then(|c| c.parameter_id),
                cipher,
                pace_offered: self.pace_offer.offered,
                downgraded: self.pace_offer.downgraded && protocol == AccessProtocol::Bac,
            },
            chip: std::mem::take(&mut self.evidence),
            stats: self.stats,
            active_authentication: self.active_authentication.take(),
        };
        self.outbox.push_back(Step::Done(Box::new(document)));
        Ok(())
    }

    /// Unwraps a secure-messaging reply; its MAC is always verified by `unprotect`.
    fn open_reply(&mut self, bytes: &[u8]) -> Result<Reply, Error> {
        let Some(sm) = self.sm.as_mut() else {
            return Err(Error::new(
                ErrorCode::Usage,
                "secure reply without a secure channel",
            ));
        };
        let result = sm.unprotect(bytes);
        let ca_pending = self
            .evidence
            .chip_authentication
            .as_ref()
            .is_some_and(|ca| !ca.confirmed && ca.failure.is_none());
        match result {
            Ok(plain) => {
                // A reply that verifies under Chip Authentication's keys is the proof that
                // the chip derived them, i.e. holds the DG14 private key.
                if let Some(ca) = self.evidence.chip_authentication.as_mut() {
                    ca.confirmed |= ca.failure.is_none();
                }
                Ok(Reply::Secure(ResponseApdu::parse(&plain)?))
            }
            Err(e) if ca_pending => {
                // CA version 1 has no token: a chip without the DG14 private key shows itself
                // exactly here, by not deriving the keys we derived (it cannot check our MAC,
                // or its reply fails ours).
                let why = match e {
                    SmError::Unprotected { sw } => {
                        format!(
                            "the chip answered without secure messaging ({})",
                            StatusWord(sw)
                        )
                    }
                    other => format!("its reply does not verify ({other})"),
                };
                if let Some(ca) = self.evidence.chip_authentication.as_mut() {
                    ca.failure = Some(why.clone());
                }
                Err(Error::new(
                    ErrorCode::CaFailed,
                    format!(
                        "Chip Authentication failed: under the new keys {why}; the chip does not hold the DG14 key"
                    ),
                ))
            }
            Err(SmError::Unprotected { sw }) => Ok(Reply::Plain(StatusWord(sw))),
            Err(e) => Err(Error::from(e)),
        }
    }

    fn progress(&mut self, phase: Phase) {
        let (file, done, total) = match &self.current {
            Some(c) if phase == Phase::Reading => (Some(c.file), c.data.len(), c.total),
            _ => (None, 0, None),
        };
        let files_done = self.files.len();
        self.outbox.push_back(Step::Progress(Progress {
            phase,
            file,
            file_bytes_done: done,
            file_bytes_total: total,
            files_done,
            files_planned: files_done + self.queue.len() + usize::from(self.current.is_some()),
        }));
    }

    fn send_plain(&mut self, command: &CommandApdu) -> Result<(), Error> {
        let bytes = command.to_bytes()?;
        self.transmit(bytes);
        Ok(())
    }

    fn send_secure(&mut self, command: &CommandApdu) -> Result<(), Error> {
        let plain = command.to_bytes()?;
        self.send_secure_bytes(&plain)
    }

    fn send_secure_bytes(&mut self, plain: &[u8]) -> Result<(), Error> {
        let Some(sm) = self.sm.as_mut() else {
            return Err(Error::new(ErrorCode::Usage, "no secure channel is open"));
        };
        let protected = sm.protect(plain).map_err(Error::from)?;
        self.transmit(protected);
        Ok(())
    }

    fn transmit(&mut self, bytes: Vec<u8>) {
        self.stats.apdus += 1;
        self.stats.bytes_sent += bytes.len();
        self.outbox.push_back(Step::Transmit(bytes));
    }
}

/// Why access control is run again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Restart {
    /// The caller reported a lost connection (the chip lost power and its keys).
    ConnectionLost,
    /// The chip answered without secure messaging, which ends the session on its side.
    ChipClosedSession,
}

/// A reply under secure messaging, or a bare status word: the chip has dropped the session.
enum Reply {
    Secure(ResponseApdu),
    Plain(StatusWord),
}

/// Status words with which chips refuse a READ BINARY length they cannot serve.
fn is_length_refusal(sw: StatusWord) -> bool {
    sw == StatusWord::WRONG_LENGTH
        || sw == StatusWord::WRONG_PARAMS
        || sw == StatusWord::END_OF_FILE
        || sw.exact_length().is_some()
}

/// A bare status word where a protected reply was due. Access control already succeeded, so
/// whatever the status word (`6982` included) the key is not at fault: `SECURE_MESSAGING`.
fn dropped_session(command: &str, sw: StatusWord) -> Error {
    Error::new(
        ErrorCode::SecureMessaging,
        format!(
            "the chip answered {command} without secure messaging ({sw}) and closed the session"
        ),
    )
}

/// The report name of a secure-messaging suite.
fn suite_name(suite: crate::sm::SmSuite) -> &'static str {
    match suite {
        crate::sm::SmSuite::Aes128 => "AES-128",
        crate::sm::SmSuite::Aes192 => "AES-192",
        crate::sm::SmSuite::Aes256 => "AES-256",
        _ => "3DES",
    }
}

/// Length of the DO'53' header in front of `len` bytes of data.
fn do53_header_len(len: usize) -> usize {
    match len {
        0..=0x7F => 2,
        0x80..=0xFF => 3,
        _ => 4,
    }
}

fn describe(file: Option<LdsFile>) -> String {
    file.map_or_else(|| "a file".to_owned(), |f| f.to_string())
}

/// What EF.CardAccess and MSE:Set AT said of PACE. Both are unauthenticated, so they may
/// never make the reader use BAC on their own (see `ReadSession::start_bac_if_allowed`).
#[derive(Debug, Default)]
struct PaceOffer {
    /// Why the chip is taken to offer PACE (EF.CardAccess lists it, or is there but does not
    /// parse), if it is: BAC on such a chip is a downgrade.
    listed: Option<String>,
    /// EF.CardAccess lists at least one PACEInfo (usable here or not).
    offered: bool,
    /// The PACE protocols the chip refused at MSE:Set AT, for the error that names them.
    refused: Vec<String>,
    /// BAC opened a chip that offers PACE (only with `allow_bac_fallback`).
    downgraded: bool,
}

/// The data groups EF.SOD hashes, or none when it does not parse.
fn signed_data_groups(sod: &[u8]) -> Vec<DataGroup> {
    let Ok(sod) = Sod::parse(sod) else {
        return Vec::new();
    };
    sod.signed_data()
        .ok()
        .and_then(|sd| sd.e_content.as_deref().map(LdsSecurityObject::parse))
        .and_then(Result::ok)
        .map(|so| so.data_group_hashes.into_keys().collect())
        .unwrap_or_default()
}

/// The data groups listed in EF.COM's tag list (`5C`); unknown tags are ignored here.
fn listed_data_groups(com: &[u8]) -> Result<Vec<DataGroup>, Error> {
    Ok(Com::parse(com)?.data_groups().to_vec())
}
