//! Access control and chip capabilities: BAC and PACE turning an access key into
//! secure-messaging keys, the SecurityInfos that say what a chip supports, and chip
//! authentication replacing those keys with ones only the genuine chip can know.
//!
//! - [`bac`] — Basic Access Control (ICAO 9303-11 §4.3), terminal side.
//! - [`pace`] — PACE GM/IM/CAM with DH and ECDH (ICAO 9303-11 §4.4), terminal side, plus the
//!   pure functions the chip side shares.
//! - [`security_info`] — SecurityInfos of EF.CardAccess, DG14 and EF.CardSecurity.
//! - [`chip_auth`] — Chip Authentication (ICAO 9303-11 §6.2), terminal side, and the chip
//!   side's shared pure functions.

pub mod bac;
pub mod chip_auth;
pub mod pace;
pub mod security_info;

pub use bac::{Bac, BacError, BacPending};
pub use chip_auth::{ChipAuthError, ChipAuthentication};
pub use pace::{PaceError, PaceOutcome, PaceParams, PacePassword};
pub use security_info::{SecurityInfoError, SecurityInfos};
