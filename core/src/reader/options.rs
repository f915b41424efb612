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

/// Which access-control protocols the reader may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccessPolicy {
    /// PACE when EF.CardAccess offers a protocol we support, BAC otherwise.
    #[default]
    Auto,
    /// PACE only: a chip without usable PACE is `UNSUPPORTED`.
    PaceOnly,
    /// BAC only, even on a PACE chip (for tests and chips with broken PACE).
    BacOnly,
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
    /// Access-control protocols allowed.
    pub access: AccessPolicy,
    /// After PACE *failed* on a chip that also allows BAC, try BAC instead of reporting the
    /// failure. Off by default: falling back silently would let an attacker who breaks PACE
    /// force the weaker protocol. (A chip whose EF.CardAccess offers nothing we support, or
    /// whose every PACEInfo is refused at MSE:Set AT, uses BAC regardless: that is not a
    /// failure of PACE but its absence.)
    pub allow_bac_fallback: bool,
    /// Run Chip Authentication when DG14 offers it (after reading DG14, before the other
    /// files), proving the chip holds the DG14 key.
    pub chip_authentication: bool,
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
            access: AccessPolicy::Auto,
            allow_bac_fallback: false,
            chip_authentication: true,
            active_authentication: None,
        }
    }
}
