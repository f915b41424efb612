//! Progress events: what a "hold still" UI or a progress bar shows.

use crate::lds::LdsFile;
use serde::Serialize;

/// Where the read is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Probing the chip (EF.ATR/INFO) and selecting the eMRTD application.
    Connecting,
    /// Running access control (BAC) to open secure messaging.
    AccessControl,
    /// Reading a file.
    Reading,
    /// Resuming after the connection was lost: access control is re-run, reads continue.
    Resuming,
    /// All requested files are read.
    Complete,
}

/// One progress report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// The current phase.
    pub phase: Phase,
    /// The file being read, in [`Phase::Reading`].
    pub file: Option<LdsFile>,
    /// Bytes of `file` read so far.
    pub file_bytes_done: usize,
    /// Total size of `file`, once its header has been read.
    pub file_bytes_total: Option<usize>,
    /// Files finished so far.
    pub files_done: usize,
    /// Files planned so far (grows once EF.COM has been read).
    pub files_planned: usize,
}
