//! Byte-level encodings: ISO 7816 BER-TLV and command/response APDUs with status words.
//!
//! Hand-written rather than taken from a crate: the candidates (`iso7816-tlv`, `apdu`) either
//! lack extended length or leave no control over the leniency real chips need, and the whole
//! thing is a few hundred lines (see `notes/rust-stack.md` §5).

pub mod apdu;
pub mod status;
pub mod tlv;

pub use apdu::{CommandApdu, ResponseApdu};
pub use status::StatusWord;
pub use tlv::{Tlv, TlvError};
