//! idproof-pcsc: a [`Transport`](idproof_core::reader::Transport) over PC/SC for desktop readers.
//!
//! - [`Readers`] lists readers, waits for a card (with a timeout, cancellable from another
//!   thread through a [`Canceller`]) and connects;
//! - [`PcscTransport`] sends APDUs with the reader's capabilities ([`Capabilities`]: largest
//!   response, extended length), resolves `61xx` with GET RESPONSE and `6Cxx` by resending,
//!   and maps a removed card to [`TransportError::TagLost`](idproof_core::reader::TransportError);
//! - [`read_resuming`] drives a `ReadSession` and, when the card is taken off the reader and
//!   put back, reconnects and resumes at the byte offset reached.
//!
//! Every failure is a [`PcscError`] with a one-line remedy ([`PcscError::remedy`]): pcscd not
//! running, no reader, no card, card removed, reader unplugged.
//!
//! This crate is desktop-only and kept out of the mobile crates: the `pcsc` crate's build
//! script needs libpcsclite (`libpcsclite-dev` + `pkgconf` on Debian), which Android and iOS
//! do not have.

mod error;
mod readers;
mod reply;
mod resume;
mod transport;

pub use error::PcscError;
pub use readers::{Canceller, Readers};
pub use resume::{ReadFailure, Reconnect, ResumeEvent, ResumePolicy, read_resuming};
pub use transport::{Capabilities, PcscTransport};
