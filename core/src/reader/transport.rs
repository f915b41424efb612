//! The I/O boundary for Rust callers: a [`Transport`] sends one APDU and returns the reply.
//!
//! The core itself never calls it; [`super::drive`] does, for PC/SC, the virtual chip and
//! tests. Mobile platforms run the same loop in Kotlin/Swift over the FFI.

/// Why an APDU exchange failed below the protocol level.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The chip left the field or the card was removed: reconnect, call
    /// `ReadSession::connection_lost`, and keep stepping.
    #[error("tag lost")]
    TagLost,
    /// The chip, not the reader, broke the exchange below the APDU level (e.g. it answered
    /// `61xx` for ever): `CHIP_PROTOCOL`, with the chip's behaviour in the detail. Kept apart
    /// from [`TransportError::Other`] so nobody is told to plug a reader back in for it.
    #[error("chip fault: {0}")]
    ChipFault(String),
    /// Anything else (reader unplugged, driver error); not recoverable by resuming.
    #[error("transport error: {0}")]
    Other(String),
}

impl From<TransportError> for crate::Error {
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::TagLost => {
                crate::Error::new(crate::ErrorCode::TagLost, "the chip left the field")
            }
            TransportError::ChipFault(detail) => {
                crate::Error::new(crate::ErrorCode::ChipProtocol, detail)
            }
            TransportError::Other(detail) => crate::Error::new(crate::ErrorCode::Transport, detail),
        }
    }
}

/// Sends command APDU bytes to a chip and returns the response bytes (data ‖ SW1 SW2).
///
/// Implementations resolve `61xx` (GET RESPONSE) themselves where the medium needs it.
pub trait Transport {
    /// Exchanges one APDU.
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError>;
}

impl<T: Transport + ?Sized> Transport for &mut T {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        (**self).transmit(command)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn each_transport_error_keeps_its_own_code_and_detail() {
        for (error, code, detail) in [
            (
                TransportError::TagLost,
                ErrorCode::TagLost,
                "the chip left the field",
            ),
            (
                TransportError::ChipFault("the chip kept answering 61xx".into()),
                ErrorCode::ChipProtocol,
                "the chip kept answering 61xx",
            ),
            (
                TransportError::Other("reader 'R' is gone".into()),
                ErrorCode::Transport,
                "reader 'R' is gone",
            ),
        ] {
            let e = crate::Error::from(error);
            assert_eq!((e.code, e.detail.as_str()), (code, detail));
        }
    }
}
