//! ISO 7816-4 status words (SW1 SW2) with names, so logs and errors say what a chip meant.

use serde::Serialize;

/// A two-byte status word such as `9000`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct StatusWord(pub u16);

impl StatusWord {
    /// `9000`: success.
    pub const SUCCESS: StatusWord = StatusWord(0x9000);
    /// `6282`: end of file reached before Le bytes were read.
    pub const END_OF_FILE: StatusWord = StatusWord(0x6282);
    /// `6700`: wrong length (often: Le too large for this chip).
    pub const WRONG_LENGTH: StatusWord = StatusWord(0x6700);
    /// `6982`: security status not satisfied (not authenticated, or SM session dropped).
    pub const SECURITY_STATUS: StatusWord = StatusWord(0x6982);
    /// `6983`: authentication method blocked.
    pub const AUTH_BLOCKED: StatusWord = StatusWord(0x6983);
    /// `6984`: reference data not usable.
    pub const REF_DATA_NOT_USABLE: StatusWord = StatusWord(0x6984);
    /// `6985`: conditions of use not satisfied.
    pub const CONDITIONS_NOT_SATISFIED: StatusWord = StatusWord(0x6985);
    /// `6987`: expected secure-messaging data objects missing.
    pub const SM_MISSING: StatusWord = StatusWord(0x6987);
    /// `6988`: secure-messaging data objects incorrect.
    pub const SM_INCORRECT: StatusWord = StatusWord(0x6988);
    /// `6A80`: incorrect parameters in the data field.
    pub const WRONG_DATA: StatusWord = StatusWord(0x6A80);
    /// `6A82`: file or application not found.
    pub const FILE_NOT_FOUND: StatusWord = StatusWord(0x6A82);
    /// `6A86`: incorrect P1/P2.
    pub const WRONG_P1P2: StatusWord = StatusWord(0x6A86);
    /// `6A88`: referenced data not found.
    pub const REF_DATA_NOT_FOUND: StatusWord = StatusWord(0x6A88);
    /// `6B00`: wrong parameters (offset outside the file).
    pub const WRONG_PARAMS: StatusWord = StatusWord(0x6B00);
    /// `6D00`: instruction not supported.
    pub const INS_NOT_SUPPORTED: StatusWord = StatusWord(0x6D00);
    /// `6E00`: class not supported.
    pub const CLA_NOT_SUPPORTED: StatusWord = StatusWord(0x6E00);
    /// `6300`: verification failed (BAC/PACE authentication with a wrong key).
    pub const VERIFICATION_FAILED: StatusWord = StatusWord(0x6300);

    /// Builds a status word from SW1 and SW2.
    pub fn from_bytes(sw1: u8, sw2: u8) -> Self {
        StatusWord(u16::from_be_bytes([sw1, sw2]))
    }

    /// SW1.
    pub fn sw1(self) -> u8 {
        self.0.to_be_bytes()[0]
    }

    /// SW2.
    pub fn sw2(self) -> u8 {
        self.0.to_be_bytes()[1]
    }

    /// The two bytes, SW1 first.
    pub fn to_bytes(self) -> [u8; 2] {
        self.0.to_be_bytes()
    }

    /// `9000`, or a `61xx` "more data available" that the transport resolves with GET RESPONSE.
    pub fn is_success(self) -> bool {
        self == Self::SUCCESS
    }

    /// `6Cxx`: wrong Le; SW2 gives the exact number of bytes available.
    pub fn exact_length(self) -> Option<u8> {
        (self.sw1() == 0x6C).then_some(self.sw2())
    }

    /// `61xx`: SW2 more bytes are waiting for GET RESPONSE.
    pub fn bytes_remaining(self) -> Option<u8> {
        (self.sw1() == 0x61).then_some(self.sw2())
    }

    /// A short English name for logs and error details.
    pub fn name(self) -> &'static str {
        match self.0 {
            0x9000 => "success",
            0x6282 => "end of file reached before Le bytes",
            0x6300 => "verification failed",
            0x6581 => "memory failure",
            0x6700 => "wrong length",
            0x6882 => "secure messaging not supported",
            0x6982 => "security status not satisfied",
            0x6983 => "authentication method blocked",
            0x6984 => "reference data not usable",
            0x6985 => "conditions of use not satisfied",
            0x6986 => "command not allowed (no current EF)",
            0x6987 => "expected secure messaging data objects missing",
            0x6988 => "secure messaging data objects incorrect",
            0x6A80 => "incorrect parameters in data field",
            0x6A81 => "function not supported",
            0x6A82 => "file or application not found",
            0x6A86 => "incorrect parameters P1-P2",
            0x6A87 => "Lc inconsistent with P1-P2",
            0x6A88 => "referenced data not found",
            0x6B00 => "wrong parameters (offset outside the EF)",
            0x6D00 => "instruction not supported",
            0x6E00 => "class not supported",
            0x6F00 => "no precise diagnosis",
            sw if sw >> 8 == 0x61 => "more data available",
            sw if sw >> 8 == 0x6C => "wrong Le (exact length in SW2)",
            sw if sw >> 8 == 0x63 && sw & 0xF0 == 0xC0 => {
                "verification failed (retries left in SW2)"
            }
            _ => "unknown status",
        }
    }
}

impl std::fmt::Debug for StatusWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04X} ({})", self.0, self.name())
    }
}

impl std::fmt::Display for StatusWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04X} ({})", self.0, self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_parts() {
        let sw = StatusWord::from_bytes(0x6C, 0x12);
        assert_eq!(sw.exact_length(), Some(0x12));
        assert_eq!(sw.name(), "wrong Le (exact length in SW2)");
        assert_eq!(
            StatusWord(0x6982).to_string(),
            "6982 (security status not satisfied)"
        );
        assert_eq!(StatusWord(0x6110).bytes_remaining(), Some(0x10));
        assert_eq!(StatusWord::SUCCESS.to_bytes(), [0x90, 0x00]);
    }
}
