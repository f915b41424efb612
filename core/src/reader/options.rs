//! What the caller asks of a read: which data groups, and what the transport can carry.

use crate::lds::DataGroup;

/// Whether to use extended-length READ BINARY (one APDU for up to tens of kilobytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExtendedLength {
    /// Use it when the chip announces it in EF.ATR/INFO, or when a probe on the first large
    /// file succeeds; fall back to short APDUs otherwise.
    #[default]
    Auto,
    /// Never send extended-length APDUs (the reader or phone cannot carry them).
    Never,
}

/// Options of a [`super::ReadSession`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Data groups to read after EF.COM and EF.SOD. `None` means every data group listed in
    /// EF.COM except those that need Extended Access Control (DG3, DG4).
    pub data_groups: Option<Vec<DataGroup>>,
    /// Extended-length policy.
    pub extended_length: ExtendedLength,
    /// The largest response (data + SW) the transport can receive in one exchange, e.g.
    /// Android's `IsoDep.maxTransceiveLength` or the PC/SC reader's buffer. Bounds extended reads.
    pub max_response_len: usize,
    /// The largest file the reader accepts. Real data groups stay well below 1 MiB (a DG2 face
    /// is typically 15–100 KB); a header claiming more is treated as a broken or hostile chip
    /// rather than buffered.
    pub max_file_len: usize,
    /// Active Authentication (ICAO 9303-11 §6.1): the 8-byte challenge (RND.IFD) the chip is
    /// asked to sign. The caller supplies it: a nonce from the server that will check the
    /// answer (so the proof is fresh for it), or 8 fresh random bytes. `None` (the default):
    /// no Active Authentication. When set and DG15 was read, the session sends INTERNAL
    /// AUTHENTICATE after the last file and returns challenge and answer in
    /// [`super::Document::active_authentication`]; `verify` checks them.
    pub active_authentication: Option<[u8; 8]>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            data_groups: None,
            extended_length: ExtendedLength::Auto,
            max_response_len: 65_538,
            max_file_len: 2 * 1024 * 1024,
            active_authentication: None,
        }
    }
}
