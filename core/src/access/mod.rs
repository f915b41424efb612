//! Access control and chip capabilities: BAC (and PACE) turning an access key into
//! secure-messaging keys, the SecurityInfos that say what a chip supports, and chip
//! authentication replacing those keys with ones only the genuine chip can know.
//!
//! - [`bac`] — Basic Access Control (ICAO 9303-11 §4.3), terminal side.
//! - [`security_info`] — SecurityInfos of EF.CardAccess, DG14 and EF.CardSecurity.

pub mod bac;
pub mod security_info;

pub use bac::{Bac, BacError, BacPending};
pub use security_info::{SecurityInfoError, SecurityInfos};
