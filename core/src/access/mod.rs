//! Access control: BAC (and later PACE) turning an access key into secure-messaging keys.
//!
//! - [`bac`] — Basic Access Control (ICAO 9303-11 §4.3), terminal side.

pub mod bac;

pub use bac::{Bac, BacError, BacPending};
