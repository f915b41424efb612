//! `ReadSession`: the sans-IO state machine that reads a chip.

pub mod transport;

pub use transport::{Transport, TransportError};
