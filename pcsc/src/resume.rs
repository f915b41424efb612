//! Reading with resume: the card may leave the reader and come back mid-read.

use std::time::Duration;

use idproof_core::reader::{Document, Progress, ReadSession, Transport, drive};
use idproof_core::{Error, ErrorCode};

use crate::error::PcscError;
use crate::transport::PcscTransport;

/// How long to wait for a removed card, and how often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResumePolicy {
    /// How many times a removed card may come back before the read gives up.
    pub max_resumes: usize,
    /// How long to wait for the card to be put back each time.
    pub reinsert_timeout: Duration,
}

impl Default for ResumePolicy {
    fn default() -> Self {
        Self {
            max_resumes: 16,
            reinsert_timeout: Duration::from_secs(30),
        }
    }
}

/// What happened to the card during [`read_resuming`], for a progress display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResumeEvent {
    /// The card left the reader; waiting for it to come back.
    CardRemoved,
    /// The card is back and connected; the read continues where it stopped.
    Reconnected,
}

/// A transport that can reconnect to its card (a [`PcscTransport`], or a wrapper of one that
/// logs APDUs).
pub trait Reconnect: Transport {
    /// Waits for the card and connects to it again (see [`PcscTransport::reconnect`]).
    fn reconnect(&mut self, timeout: Duration) -> Result<(), PcscError>;
}

impl Reconnect for PcscTransport {
    fn reconnect(&mut self, timeout: Duration) -> Result<(), PcscError> {
        PcscTransport::reconnect(self, timeout)
    }
}

/// Why [`read_resuming`] failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadFailure {
    /// The read itself failed (access denied, chip protocol error, transport error…).
    #[error("{0}")]
    Session(Error),
    /// The card was removed and did not come back, or the reader went away meanwhile.
    #[error("{0}")]
    Reader(PcscError),
}

/// Drives `session` over `transport` to the end. When the card is removed, waits for it to be
/// put back (per `policy`), reconnects, and continues: the session re-runs access control and
/// reads on from the byte offset it had reached.
pub fn read_resuming<T: Reconnect>(
    session: &mut ReadSession,
    transport: &mut T,
    policy: ResumePolicy,
    mut on_progress: impl FnMut(&Progress),
    mut on_event: impl FnMut(&ResumeEvent),
) -> Result<Document, ReadFailure> {
    let mut resumes = 0;
    loop {
        match drive(session, transport, &mut on_progress) {
            Ok(document) => return Ok(document),
            Err(e) if e.code == ErrorCode::TagLost && resumes < policy.max_resumes => {
                resumes += 1;
                on_event(&ResumeEvent::CardRemoved);
                transport
                    .reconnect(policy.reinsert_timeout)
                    .map_err(ReadFailure::Reader)?;
                on_event(&ResumeEvent::Reconnected);
            }
            Err(e) => return Err(ReadFailure::Session(e)),
        }
    }
}
