//! Command and response APDUs (ISO 7816-4 §5.1), short and extended length.

use super::status::StatusWord;
use crate::error::{Error, ErrorCode};

/// Largest Le of a short APDU (encoded as `00`).
pub const SHORT_LE_MAX: usize = 256;
/// Largest Le of an extended APDU (encoded as `00 00`).
pub const EXTENDED_LE_MAX: usize = 65_536;

/// Why APDU bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApduError {
    /// Fewer than 4 header bytes, or fewer than 2 status bytes.
    #[error("APDU too short ({0} bytes)")]
    TooShort(usize),
    /// Lc/Le fields inconsistent with the total length.
    #[error("APDU length fields inconsistent with its {0} bytes")]
    Inconsistent(usize),
    /// Data longer than an extended APDU can carry.
    #[error("APDU data too long ({0} bytes)")]
    TooLong(usize),
}

impl From<ApduError> for Error {
    fn from(e: ApduError) -> Self {
        Error::new(ErrorCode::ChipProtocol, e.to_string())
    }
}

/// A command APDU. `le` is the number of bytes expected (`Some(256)` is short `00`,
/// `Some(65536)` extended `0000`); `None` means no Le field.
#[derive(Clone, PartialEq, Eq)]
pub struct CommandApdu {
    /// Class byte.
    pub cla: u8,
    /// Instruction byte.
    pub ins: u8,
    /// Parameter 1.
    pub p1: u8,
    /// Parameter 2.
    pub p2: u8,
    /// Command data (may be empty).
    pub data: Vec<u8>,
    /// Expected response length, if any.
    pub le: Option<usize>,
}

impl std::fmt::Debug for CommandApdu {
    // Hex, so traces are readable; command data before SM never holds long-term secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "C-APDU {:02X} {:02X} {:02X} {:02X} data={} le={:?}",
            self.cla,
            self.ins,
            self.p1,
            self.p2,
            hex_upper(&self.data),
            self.le
        )
    }
}

fn hex_upper(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02X}");
        s
    })
}

impl CommandApdu {
    /// A case-1 command (header only).
    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Self {
        Self {
            cla,
            ins,
            p1,
            p2,
            data: Vec::new(),
            le: None,
        }
    }

    /// Sets the command data.
    #[must_use]
    pub fn with_data(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.data = data.into();
        self
    }

    /// Sets Le.
    #[must_use]
    pub fn with_le(mut self, le: usize) -> Self {
        self.le = Some(le);
        self
    }

    /// Whether this command needs extended length fields.
    pub fn is_extended(&self) -> bool {
        self.data.len() > 255 || self.le.is_some_and(|le| le > SHORT_LE_MAX)
    }

    /// Encodes the command, choosing short or extended length automatically.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ApduError> {
        if self.data.len() > 65_535 {
            return Err(ApduError::TooLong(self.data.len()));
        }
        let extended = self.is_extended();
        let mut out = Vec::with_capacity(self.data.len() + 9);
        out.extend_from_slice(&[self.cla, self.ins, self.p1, self.p2]);
        if !self.data.is_empty() {
            let lc = self.data.len();
            if extended {
                out.push(0);
                out.extend_from_slice(&to_u16(lc).to_be_bytes());
            } else {
                out.push(to_u16(lc).to_be_bytes()[1]);
            }
            out.extend_from_slice(&self.data);
        }
        if let Some(le) = self.le {
            let le = le.min(EXTENDED_LE_MAX);
            if extended {
                if self.data.is_empty() {
                    out.push(0);
                }
                // 65 536 is encoded as 0000.
                out.extend_from_slice(&to_u16(le % EXTENDED_LE_MAX).to_be_bytes());
            } else {
                out.push(to_u16(le % SHORT_LE_MAX).to_be_bytes()[1]);
            }
        }
        Ok(out)
    }

    /// Decodes command bytes (used by the virtual chip and by trace tools).
    pub fn parse(bytes: &[u8]) -> Result<Self, ApduError> {
        let (header, body) = bytes
            .split_first_chunk::<4>()
            .ok_or(ApduError::TooShort(bytes.len()))?;
        let [cla, ins, p1, p2] = *header;
        let mut apdu = CommandApdu::new(cla, ins, p1, p2);
        let bad = || ApduError::Inconsistent(bytes.len());
        match body {
            [] => {}
            // Case 2 short.
            [le] => apdu.le = Some(short_le(*le)),
            // Extended forms start with 00 followed by two length bytes.
            [0, b1, b2, rest @ ..] if !rest.is_empty() || body.len() == 3 => {
                let n = usize::from(u16::from_be_bytes([*b1, *b2]));
                if rest.is_empty() {
                    // Case 2 extended.
                    apdu.le = Some(extended_le(n));
                } else {
                    if n == 0 {
                        return Err(bad());
                    }
                    let data = rest.get(..n).ok_or_else(bad)?;
                    apdu.data = data.to_vec();
                    match rest.get(n..).unwrap_or_default() {
                        [] => {}
                        [l1, l2] => {
                            apdu.le =
                                Some(extended_le(usize::from(u16::from_be_bytes([*l1, *l2]))));
                        }
                        _ => return Err(bad()),
                    }
                }
            }
            [lc, rest @ ..] => {
                let n = usize::from(*lc);
                if n == 0 {
                    return Err(bad());
                }
                let data = rest.get(..n).ok_or_else(bad)?;
                apdu.data = data.to_vec();
                match rest.get(n..).unwrap_or_default() {
                    [] => {}
                    [le] => apdu.le = Some(short_le(*le)),
                    _ => return Err(bad()),
                }
            }
        }
        Ok(apdu)
    }
}

fn short_le(b: u8) -> usize {
    if b == 0 { SHORT_LE_MAX } else { usize::from(b) }
}

fn extended_le(n: usize) -> usize {
    if n == 0 { EXTENDED_LE_MAX } else { n }
}

fn to_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// A response APDU: data followed by the status word.
#[derive(Clone, PartialEq, Eq)]
pub struct ResponseApdu {
    /// Response data (without SW1 SW2).
    pub data: Vec<u8>,
    /// The status word.
    pub sw: StatusWord,
}

impl std::fmt::Debug for ResponseApdu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "R-APDU data={} sw={}", hex_upper(&self.data), self.sw)
    }
}

impl ResponseApdu {
    /// Builds a response.
    pub fn new(data: impl Into<Vec<u8>>, sw: StatusWord) -> Self {
        Self {
            data: data.into(),
            sw,
        }
    }

    /// Splits raw reply bytes into data and status word.
    pub fn parse(bytes: &[u8]) -> Result<Self, ApduError> {
        let (data, sw) = bytes
            .split_last_chunk::<2>()
            .ok_or(ApduError::TooShort(bytes.len()))?;
        Ok(Self {
            data: data.to_vec(),
            sw: StatusWord::from_bytes(sw[0], sw[1]),
        })
    }

    /// Encodes data followed by SW1 SW2.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len() + 2);
        out.extend_from_slice(&self.data);
        out.extend_from_slice(&self.sw.to_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    #[test]
    fn short_cases_encode_like_icao_d() {
        // GET CHALLENGE (ICAO 9303-11 D.3).
        let gc = CommandApdu::new(0x00, 0x84, 0, 0).with_le(8);
        assert_eq!(gc.to_bytes().unwrap(), hex("0084000008"));
        // SELECT EF.COM without Le.
        let sel = CommandApdu::new(0x00, 0xA4, 0x02, 0x0C).with_data(vec![0x01, 0x1E]);
        assert_eq!(sel.to_bytes().unwrap(), hex("00A4020C02011E"));
        // Le = 256 is 00.
        let rb = CommandApdu::new(0x00, 0xB0, 0, 0).with_le(256);
        assert_eq!(rb.to_bytes().unwrap(), hex("00B0000000"));
    }

    #[test]
    fn extended_cases() {
        let rb = CommandApdu::new(0x00, 0xB0, 0, 0).with_le(1000);
        assert_eq!(
            rb.to_bytes().unwrap(),
            hex("00B00000")
                .into_iter()
                .chain([0, 0x03, 0xE8])
                .collect::<Vec<_>>()
        );
        let rb = CommandApdu::new(0x0C, 0xB0, 0, 0).with_le(65_536);
        assert_eq!(rb.to_bytes().unwrap(), hex("0CB00000000000"));
        let big = CommandApdu::new(0x00, 0xD6, 0, 0)
            .with_data(vec![7; 300])
            .with_le(256);
        let enc = big.to_bytes().unwrap();
        assert_eq!(&enc[..7], &hex("00D6000000012C")[..]);
        assert_eq!(&enc[enc.len() - 2..], &[0x01, 0x00]);
        assert_eq!(CommandApdu::parse(&enc).unwrap(), big);
    }

    #[test]
    fn parse_round_trips_every_case() {
        let cases = [
            CommandApdu::new(0, 0xA4, 4, 0x0C),
            CommandApdu::new(0, 0x84, 0, 0).with_le(8),
            CommandApdu::new(0, 0x84, 0, 0).with_le(256),
            CommandApdu::new(0, 0xA4, 2, 0x0C).with_data(vec![1, 0x1E]),
            CommandApdu::new(0, 0x82, 0, 0)
                .with_data(vec![9; 40])
                .with_le(40),
            CommandApdu::new(0, 0xB0, 0, 0).with_le(4000),
            CommandApdu::new(0, 0xB0, 0, 0).with_le(65_536),
            CommandApdu::new(0, 0xD6, 0, 0).with_data(vec![5; 256]),
            CommandApdu::new(0, 0xD6, 0, 0)
                .with_data(vec![5; 256])
                .with_le(65_536),
        ];
        for c in cases {
            let bytes = c.to_bytes().unwrap();
            assert_eq!(CommandApdu::parse(&bytes).unwrap(), c, "{bytes:02X?}");
        }
    }

    #[test]
    fn inconsistent_commands_are_errors() {
        assert_eq!(CommandApdu::parse(&[0, 0xA4]), Err(ApduError::TooShort(2)));
        assert!(CommandApdu::parse(&hex("00A4020C05011E")).is_err());
        assert!(CommandApdu::parse(&hex("00A4020C02011E0000")).is_err());
    }

    #[test]
    fn response_split() {
        let r = ResponseApdu::parse(&hex("4608F919887022129000")).unwrap();
        assert_eq!(r.data, hex("4608F91988702212"));
        assert_eq!(r.sw, StatusWord::SUCCESS);
        assert_eq!(r.to_bytes(), hex("4608F919887022129000"));
        assert_eq!(ResponseApdu::parse(&[0x90]), Err(ApduError::TooShort(1)));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_command_bytes_never_panic(data in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            if let Ok(c) = CommandApdu::parse(&data) {
                // Whatever parses must encode again without error.
                let _ = c.to_bytes().unwrap();
            }
            let _ = ResponseApdu::parse(&data);
        }
    }
}
