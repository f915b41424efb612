//! Logical Data Structure (ICAO 9303-10): EF.COM, data groups and EF.SOD.

pub mod file;

pub use file::{DataGroup, LdsFile};
