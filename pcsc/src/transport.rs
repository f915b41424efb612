//! [`PcscTransport`]: one card in one reader, as a [`Transport`].

use std::time::Duration;

use idproof_core::reader::{ExtendedLength, ReadOptions, Transport, TransportError};
use pcsc::{Card, Context, Protocols, ShareMode};

use crate::error::{PcscError, is_card_gone};
use crate::readers::{Readers, cstring};
use crate::reply::complete_reply;

/// `CM_IOCTL_GET_FEATURE_REQUEST` (PC/SC part 10): lists the reader's control features.
const GET_FEATURE_REQUEST: u32 = 3400;
/// `FEATURE_GET_TLV_PROPERTIES` (PC/SC part 10 v2.02.09).
const FEATURE_GET_TLV_PROPERTIES: u8 = 0x12;
/// `PCSCv2_PART10_PROPERTY_dwMaxAPDUDataSize`: 0 = short APDUs only, else the largest
/// extended APDU data the reader carries.
const PROPERTY_MAX_APDU_DATA_SIZE: u8 = 0x0A;
/// vsmartcard's vpcd frames each R-APDU with a u16 length.
const VPCD_MAX_RESPONSE: usize = 65_535;
/// The largest response the ISO 7816 extended Le allows (65 536 data bytes + SW).
const EXTENDED_MAX_RESPONSE: usize = 65_538;
/// A short response: 256 data bytes + SW.
const SHORT_MAX_RESPONSE: usize = 258;
/// What the reader can carry, which bounds the `ReadSession`'s chunk sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// The largest response (data + SW) one exchange may return.
    pub max_response_len: usize,
    /// `Some(true)` if the reader says it carries extended-length APDUs, `Some(false)` if it
    /// says it does not, `None` if it does not say (the session probes and falls back).
    pub extended_length: Option<bool>,
    /// Where this came from: `"reader"` (PC/SC part 10 TLV properties), `"vpcd"` or `"default"`.
    pub source: &'static str,
}

impl Capabilities {
    /// `base` with the extended-length policy and response size of this reader.
    pub fn read_options(&self, base: ReadOptions) -> ReadOptions {
        ReadOptions {
            extended_length: if self.extended_length == Some(false) {
                ExtendedLength::Never
            } else {
                base.extended_length
            },
            max_response_len: base.max_response_len.min(self.max_response_len),
            ..base
        }
    }
}

/// The card in one reader. Reconnects after the card was removed and put back
/// ([`PcscTransport::reconnect`]).
pub struct PcscTransport {
    ctx: Context,
    reader: String,
    card: Option<Card>,
    atr: Vec<u8>,
    capabilities: Capabilities,
    buffer: Vec<u8>,
    last_error: Option<PcscError>,
}

impl std::fmt::Debug for PcscTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcscTransport")
            .field("reader", &self.reader)
            .field("connected", &self.card.is_some())
            .field("capabilities", &self.capabilities)
            .finish_non_exhaustive()
    }
}

impl PcscTransport {
    pub(crate) fn connect(ctx: Context, reader: &str) -> Result<Self, PcscError> {
        let mut transport = Self {
            ctx,
            reader: reader.to_owned(),
            card: None,
            atr: Vec::new(),
            capabilities: Capabilities {
                max_response_len: EXTENDED_MAX_RESPONSE,
                extended_length: None,
                source: "default",
            },
            buffer: vec![0; pcsc::MAX_BUFFER_SIZE_EXTENDED],
            last_error: None,
        };
        transport.connect_card()?;
        Ok(transport)
    }

    fn connect_card(&mut self) -> Result<(), PcscError> {
        let name = cstring(&self.reader)?;
        let card = self
            .ctx
            .connect(&name, ShareMode::Shared, Protocols::ANY)
            .map_err(|e| PcscError::from_pcsc(e, &self.reader, "connecting to the card"))?;
        self.atr = card
            .status2_owned()
            .map(|s| s.atr().to_vec())
            .unwrap_or_default();
        self.capabilities = detect_capabilities(&card, &self.reader);
        self.card = Some(card);
        Ok(())
    }

    /// The reader's name.
    pub fn reader(&self) -> &str {
        &self.reader
    }

    /// The card's ATR (of the latest connection).
    pub fn atr(&self) -> &[u8] {
        &self.atr
    }

    /// What the reader carries.
    pub fn capabilities(&self) -> Capabilities {
        self.capabilities
    }

    /// Whether a card is connected (false after it was removed, until [`Self::reconnect`]).
    pub fn is_connected(&self) -> bool {
        self.card.is_some()
    }

    /// The PC/SC error behind the latest failed [`Transport::transmit`], with its remedy.
    pub fn last_error(&self) -> Option<&PcscError> {
        self.last_error.as_ref()
    }

    /// Waits (at most `timeout`) for a card to be in the reader again and connects to it:
    /// after a removal, or to start over. The card is powered up afresh.
    pub fn reconnect(&mut self, timeout: Duration) -> Result<(), PcscError> {
        self.card = None;
        let readers = Readers::from_context(self.ctx.clone());
        match readers.wait_and_connect(&self.reader, timeout) {
            Ok(fresh) => {
                self.card = fresh.card;
                self.atr = fresh.atr;
                self.capabilities = fresh.capabilities;
                self.last_error = None;
                Ok(())
            }
            Err(PcscError::NoCard(_)) => Err(PcscError::CardRemoved(self.reader.clone())),
            Err(e) => Err(e),
        }
    }

    /// One exchange with the card, no status-word processing.
    fn exchange(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let Some(card) = &self.card else {
            return Err(TransportError::TagLost);
        };
        match card.transmit(command, &mut self.buffer) {
            Ok(reply) if reply.len() >= 2 => Ok(reply.to_vec()),
            // No status word: the card went away mid-exchange (vpcd reports a closed card
            // connection this way; real readers do it when the field drops).
            Ok(_) => {
                self.card = None;
                self.last_error = Some(PcscError::CardRemoved(self.reader.clone()));
                Err(TransportError::TagLost)
            }
            Err(e) if is_card_gone(e) => {
                self.card = None;
                self.last_error = Some(PcscError::CardRemoved(self.reader.clone()));
                Err(TransportError::TagLost)
            }
            Err(e) => {
                self.card = None;
                let error = PcscError::from_pcsc(e, &self.reader, "sending an APDU");
                let detail = format!("{error}: {}", error.remedy());
                self.last_error = Some(error);
                Err(TransportError::Other(detail))
            }
        }
    }
}

impl Transport for PcscTransport {
    /// Sends `command`; a `61xx` reply is completed with GET RESPONSE, and a `6Cxx` reply to a
    /// plain (non-secure-messaging) short command is answered by resending it with Le = `xx`.
    /// Secure-messaging commands are never resent: the chip's send sequence counter has moved.
    /// A chip that never completes its `61xx` chain is a [`TransportError::ChipFault`]
    /// (`CHIP_PROTOCOL`), not a reader error: see [`complete_reply`].
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let max = self.capabilities.max_response_len;
        complete_reply(command, max, |c| self.exchange(c))
    }
}

fn detect_capabilities(card: &Card, reader: &str) -> Capabilities {
    if let Some(max_data) = max_apdu_data_size(card) {
        return if max_data == 0 {
            Capabilities {
                max_response_len: SHORT_MAX_RESPONSE,
                extended_length: Some(false),
                source: "reader",
            }
        } else {
            Capabilities {
                max_response_len: (max_data + 2).min(EXTENDED_MAX_RESPONSE),
                extended_length: Some(true),
                source: "reader",
            }
        };
    }
    if reader.starts_with("Virtual PCD") {
        return Capabilities {
            max_response_len: VPCD_MAX_RESPONSE,
            extended_length: Some(true),
            source: "vpcd",
        };
    }
    Capabilities {
        max_response_len: EXTENDED_MAX_RESPONSE,
        extended_length: None,
        source: "default",
    }
}

/// The reader's `dwMaxAPDUDataSize` (PC/SC part 10 TLV properties), if it reports one.
fn max_apdu_data_size(card: &Card) -> Option<usize> {
    let mut buffer = [0u8; 256];
    let features = card
        .control(pcsc::ctl_code(GET_FEATURE_REQUEST.into()), &[], &mut buffer)
        .ok()?
        .to_vec();
    // Each feature: tag (1) ‖ length (1, = 4) ‖ control code (4, big endian).
    let code = features.chunks(6).find_map(|f| match f {
        [FEATURE_GET_TLV_PROPERTIES, 4, a, b, c, d] => Some(u32::from_be_bytes([*a, *b, *c, *d])),
        _ => None,
    })?;
    let properties = card.control(code.into(), &[], &mut buffer).ok()?;
    // Properties: tag (1) ‖ length (1) ‖ value (little endian).
    let mut rest = properties;
    while let [tag, len, tail @ ..] = rest {
        let len = usize::from(*len);
        let value = tail.get(..len)?;
        if *tag == PROPERTY_MAX_APDU_DATA_SIZE {
            let mut le = [0u8; 4];
            le.get_mut(..len.min(4))?
                .copy_from_slice(value.get(..len.min(4))?);
            return usize::try_from(u32::from_le_bytes(le)).ok();
        }
        rest = tail.get(len..)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_that_says_short_only_disables_extended_length() {
        let caps = Capabilities {
            max_response_len: SHORT_MAX_RESPONSE,
            extended_length: Some(false),
            source: "reader",
        };
        let options = caps.read_options(ReadOptions::default());
        assert_eq!(options.extended_length, ExtendedLength::Never);
        assert_eq!(options.max_response_len, SHORT_MAX_RESPONSE);
    }
}
