//! Errors of the PC/SC layer, each with what a person should do about it.

/// Why talking to a reader or card failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PcscError {
    /// The PC/SC service (pcscd) is not running or not reachable.
    #[error("the PC/SC service (pcscd) is not running")]
    NoService,
    /// No reader is connected.
    #[error("no smart-card reader found")]
    NoReaders,
    /// `--reader` named a reader that is not there.
    #[error("no reader named '{name}' (readers: {available})")]
    UnknownReader {
        /// The name asked for.
        name: String,
        /// The readers present, comma separated.
        available: String,
    },
    /// No card was put on the reader before the timeout.
    #[error("no card on reader '{0}'")]
    NoCard(String),
    /// The wait was cancelled.
    #[error("cancelled")]
    Cancelled,
    /// The card was removed and not put back in time.
    #[error("the card was removed from reader '{0}'")]
    CardRemoved(String),
    /// The reader disappeared (unplugged, driver gone).
    #[error("reader '{0}' is gone")]
    ReaderGone(String),
    /// Any other PC/SC failure.
    #[error("PC/SC error while {context}: {error}")]
    Other {
        /// What we were doing.
        context: &'static str,
        /// The PC/SC error.
        error: pcsc::Error,
    },
}

impl PcscError {
    /// What to do about it, in one line.
    pub fn remedy(&self) -> &'static str {
        match self {
            PcscError::NoService => {
                "start pcscd (e.g. `sudo systemctl start pcscd`, or `.ci/pcsc-up.sh` for the virtual reader)"
            }
            PcscError::NoReaders => "plug in a smart-card reader (or start the virtual one)",
            PcscError::UnknownReader { .. } => {
                "pass one of the listed names to --reader (`idproof readers` lists them)"
            }
            PcscError::NoCard(_) => "place the passport on the reader and run the command again",
            PcscError::Cancelled => "run the command again",
            PcscError::CardRemoved(_) => {
                "put the passport back on the reader, keep it still, and run the command again"
            }
            PcscError::ReaderGone(_) => "plug the reader back in and run the command again",
            PcscError::Other { .. } => "unplug and replug the reader, then try again",
        }
    }

    /// Maps a PC/SC error that is about the service or the reader (not the card).
    pub(crate) fn from_pcsc(error: pcsc::Error, reader: &str, context: &'static str) -> Self {
        match error {
            pcsc::Error::NoService | pcsc::Error::ServiceStopped | pcsc::Error::Shutdown => {
                PcscError::NoService
            }
            pcsc::Error::NoReadersAvailable => PcscError::NoReaders,
            pcsc::Error::ReaderUnavailable | pcsc::Error::UnknownReader => {
                PcscError::ReaderGone(reader.to_owned())
            }
            pcsc::Error::NoSmartcard => PcscError::NoCard(reader.to_owned()),
            pcsc::Error::RemovedCard => PcscError::CardRemoved(reader.to_owned()),
            pcsc::Error::Cancelled => PcscError::Cancelled,
            error => PcscError::Other { context, error },
        }
    }
}

/// Whether a PC/SC error means the card went away (as opposed to the reader or the service).
pub(crate) fn is_card_gone(error: pcsc::Error) -> bool {
    matches!(
        error,
        pcsc::Error::RemovedCard
            | pcsc::Error::ResetCard
            | pcsc::Error::NoSmartcard
            | pcsc::Error::UnpoweredCard
            | pcsc::Error::UnresponsiveCard
            | pcsc::Error::CommError
            | pcsc::Error::NotTransacted
            | pcsc::Error::InvalidHandle
    )
}
