//! One module per `idproof` subcommand. Each exposes clap `Args` and a `run` returning the
//! process exit code (ARCHITECTURE.md "CLI contract").

pub mod demo;
pub mod mrz;
pub mod read;
pub mod readers;
pub mod simulate;

/// Valid / verified.
pub const EXIT_OK: u8 = 0;
/// Checked and failed (invalid document or MRZ, failed verification).
pub const EXIT_FAILED: u8 = 1;

/// Usage or input error.
pub const EXIT_USAGE: u8 = 2;

/// Reader or transport error (no pcscd, no reader, no card, card removed).
pub const EXIT_READER: u8 = 3;
