//! Access control: BAC and PACE turning an access key into secure-messaging keys.
//!
//! - [`bac`] — Basic Access Control (ICAO 9303-11 §4.3), terminal side.
//! - [`pace`] — PACE GM/IM/CAM with DH and ECDH (ICAO 9303-11 §4.4), terminal side, plus the
//!   pure functions the chip side shares.

pub mod bac;
pub mod pace;

pub use bac::{Bac, BacError, BacPending};
pub use pace::{PaceError, PaceOutcome, PaceParams, PacePassword};
