//! The read state machine: SELECT, access control, then every file, chunk by chunk, then
//! Active Authentication (INTERNAL AUTHENTICATE) when the caller gave a challenge.
//!
//! Sans-IO in the style of rustls/quinn-proto: [`ReadSession::step`] is fed the chip's reply and
//! returns the next [`Step`]. The session keeps all its state across a lost connection, so
//! [`ReadSession::connection_lost`] followed by more steps re-opens access control and continues
//! each file at the byte offset reached.

use std::collections::{BTreeMap, VecDeque};

use rand_core::CryptoRng;

use super::chunking::{ChunkPolicy, ExtendedSupport};
use super::document::{
    AaExchange, AaResponse, AccessInfo, AccessProtocol, Document, PasswordKind, ReadStats,
};
use super::options::{ExtendedLength, ReadOptions};
use super::progress::{Phase, Progress};
use crate::access::bac::{Bac, BacPending};
use crate::auth::active::internal_authenticate_command;
use crate::codec::{CommandApdu, ResponseApdu, StatusWord, tlv};
use crate::error::{Error, ErrorCode};
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
    Mrz(MrzKey),
}

impl std::fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AccessKey::Mrz(_) => f.write_str("AccessKey::Mrz(<redacted>)"),
        }
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
    chunks: ChunkPolicy,
    stats: ReadStats,
    /// Why access control must run again, if it must.
    restart: Option<Restart>,
    atr_info_checked: bool,
    /// A `6Cxx` reply named the exact length to ask for next at the same offset.
    len_override: Option<usize>,
    /// Length refusals since data last arrived (see [`MAX_STALLS`]).
    stalls: usize,
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
            stats: ReadStats::default(),
            restart: None,
            atr_info_checked: false,
            len_override: None,
            stalls: 0,
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
                self.select_application(0)
            }
            State::ExpectSelectApp(variant) => {
                let reply = ResponseApdu::parse(bytes)?;
                if reply.sw.is_success() {
                    self.start_bac()
                } else {
                    self.select_application(variant + 1)
                }
            }
            State::ExpectChallenge => {
                let reply = ResponseApdu::parse(bytes)?;
                if !reply.sw.is_success() {
                    return Err(Error::new(
                        ErrorCode::Unsupported,
                        format!(
                            "the chip refused GET CHALLENGE ({}): it does not offer BAC",
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
                self.next_file()
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
        self.progress(Phase::AccessControl);
        self.state = State::ExpectChallenge;
        self.send_plain(&CommandApdu::new(0x00, 0x84, 0x00, 0x00).with_le(8))
    }

    fn external_authenticate(&mut self, rnd_ic: [u8; 8]) -> Result<(), Error> {
        let AccessKey::Mrz(key) = &self.key;
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

    /// Moves to the next file in the queue (or resumes the current one) and selects it.
    fn next_file(&mut self) -> Result<(), Error> {
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
            Reply::Plain(sw) => return Err(dropped_session("SELECT", sw)),
        };
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
            Reply::Plain(sw) => return Err(dropped_session("READ BINARY", sw)),
        };
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
            let code = if sw == StatusWord::SECURITY_STATUS {
                ErrorCode::AccessDenied
            } else {
                ErrorCode::ChipProtocol
            };
            return Err(Error::new(
                code,
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
                    let file = current.file;
                    if let Some(expected) = file.outer_tag().filter(|t| u32::from(*t) != header.tag)
                    {
                        return Err(Error::new(
                            ErrorCode::LdsFormat,
                            format!("{file} starts with tag {:X}, not {expected:X}", header.tag),
                        ));
                    }
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
        if let Some(current) = self.current.take() {
            if current.file == LdsFile::Com {
                let listed = listed_data_groups(&current.data)?;
                let wanted = match &self.options.data_groups {
                    Some(wanted) => wanted.clone(),
                    None => listed,
                };
                self.plan_data_groups(wanted);
            }
            self.files.insert(current.file, current.data);
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
        dgs.sort();
        dgs.dedup();
        plan.extend(dgs.into_iter().map(LdsFile::Dg));
        for file in plan {
            if !self.queue.contains(&file) && !self.files.contains_key(&file) {
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
        self.progress(Phase::Complete);
        self.state = State::Finished;
        self.sm = None;
        let document = Document {
            files: std::mem::take(&mut self.files),
            absent: std::mem::take(&mut self.absent),
            access: AccessInfo {
                protocol: AccessProtocol::Bac,
                mapping: None,
                password: PasswordKind::Mrz,
            },
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
        match sm.unprotect(bytes) {
            Ok(plain) => Ok(Reply::Secure(ResponseApdu::parse(&plain)?)),
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
        let Some(sm) = self.sm.as_mut() else {
            return Err(Error::new(ErrorCode::Usage, "no secure channel is open"));
        };
        let protected = sm.protect(&plain).map_err(Error::from)?;
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

fn dropped_session(command: &str, sw: StatusWord) -> Error {
    let code = if sw == StatusWord::SECURITY_STATUS {
        ErrorCode::AccessDenied
    } else {
        ErrorCode::SecureMessaging
    };
    Error::new(
        code,
        format!(
            "the chip answered {command} without secure messaging ({sw}) and closed the session"
        ),
    )
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

/// The data groups listed in EF.COM's tag list (`5C`); unknown tags are ignored here.
fn listed_data_groups(com: &[u8]) -> Result<Vec<DataGroup>, Error> {
    Ok(Com::parse(com)?.data_groups().to_vec())
}
