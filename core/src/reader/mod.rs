//! `ReadSession`: the sans-IO state machine that reads a chip, and [`drive`] for Rust callers.

mod chip_auth_access;
pub mod chunking;
pub mod document;
pub mod options;
mod pace_access;
pub mod progress;
pub mod session;
pub mod transport;

pub use document::{
    AaExchange, AaResponse, AccessInfo, AccessProtocol, ChipAuthEvidence, ChipEvidence, Document,
    PaceCamEvidence, PasswordKind, ReadStats, RefusedFile,
};
pub use options::{AccessPolicy, ExtendedLength, ReadOptions};
pub use progress::{Phase, Progress};
pub use session::{AccessKey, Can, ReadSession, Step};
pub use transport::{Transport, TransportError};

use crate::error::Error;

/// Runs `session` over `transport` until it is done, reporting progress to `on_progress`.
///
/// On a lost connection it calls [`ReadSession::connection_lost`] and returns the `TAG_LOST`
/// error: reconnect, then call `drive` again with the same session to resume.
pub fn drive(
    session: &mut ReadSession,
    transport: &mut dyn Transport,
    mut on_progress: impl FnMut(&Progress),
) -> Result<Document, Error> {
    let mut response: Option<Vec<u8>> = None;
    loop {
        match session.step(response.take().as_deref()) {
            Step::Transmit(command) => match transport.transmit(&command) {
                Ok(reply) => response = Some(reply),
                Err(e) => {
                    session.connection_lost();
                    return Err(e.into());
                }
            },
            Step::Progress(p) => on_progress(&p),
            Step::Done(document) => return Ok(*document),
            Step::Failed(error) => return Err(error),
        }
    }
}

/// Like [`drive`], but survives lost connections: after a `TAG_LOST` it calls `reconnect`
/// (wait for the card, reconnect the reader, …) and resumes the same session, at most
/// `max_resumes` times. Files already read are kept and the current one continues at the
/// offset reached, so an app can tell the person "hold still" instead of starting over.
pub fn drive_resuming<T: Transport>(
    session: &mut ReadSession,
    transport: &mut T,
    mut reconnect: impl FnMut(&mut T) -> Result<(), Error>,
    max_resumes: usize,
    mut on_progress: impl FnMut(&Progress),
) -> Result<Document, Error> {
    let mut resumes = 0;
    loop {
        match drive(session, transport, &mut on_progress) {
            Err(e) if e.code == crate::ErrorCode::TagLost && resumes < max_resumes => {
                resumes += 1;
                reconnect(transport)?;
            }
            other => return other,
        }
    }
}
