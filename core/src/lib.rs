//! idproof-core: the sans-IO heart of idproof.
//!
//! Reads ICAO 9303 eMRTD chips (passports, ID cards) through state machines that are fed
//! chip replies and say what to send next, so one core serves Android `IsoDep`, iOS CoreNFC,
//! desktop PC/SC, the virtual chip and recorded traces alike. Nothing here performs I/O,
//! reads a clock or owns a thread; randomness is injected.
//!
//! Module map (one concern each): [`mrz`] · [`codec`] · [`crypto`] · [`sm`] · [`access`] ·
//! [`lds`] · [`reader`] · [`report`] · [`flow`] (the MitID activation flow) · [`error`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

pub mod access;
pub mod asn1;
pub mod auth;
pub mod cms;
pub mod codec;
pub mod crypto;
pub mod error;
pub mod flow;
pub mod lds;
pub mod mrz;
pub mod reader;
pub mod report;
pub mod sm;
pub mod verify;

pub use error::{Error, ErrorCode, UnknownErrorCode};
