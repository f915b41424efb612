//! Secure messaging (ICAO 9303-11 §9.8): protecting commands and verifying replies.
//!
//! A [`SecureMessaging`] channel is what BAC (and later PACE or chip authentication) hands back:
//! it owns the session keys ([`SmKeys`], zeroized on drop) and the send sequence counter (SSC),
//! and turns plain command APDUs into protected ones ([`SecureMessaging::protect`]) and protected
//! response APDUs back into plain ones ([`SecureMessaging::unprotect`]). It works on raw APDU
//! bytes so it is independent of the codec module.
//!
//! Every reply's DO'8E' MAC is verified in constant time before anything is decrypted, and no
//! input, however malformed, causes a panic. After any error the session must be considered
//! broken (the chip ends its SM session on an error too); callers start access control again.
//!
//! The cipher suite is a property of the keys ([`SmSuite`]): 3DES (8-byte SSC, IV = 0, retail
//! MAC) or AES-128/192/256 (16-byte SSC, IV = E(KS_enc, SSC), CMAC truncated to 8 bytes). The
//! protect/unprotect logic is the same for all of them.
//!
//! [`SmKeys::encrypt`], [`SmKeys::decrypt`], [`SmKeys::mac`], [`push_do`] and [`increment_ssc`]
//! are building blocks shared with the virtual chip, which implements the chip side.

mod apdu;
mod keys;

pub use apdu::push_do;
pub use keys::{MAC_LEN, SmKeys, SmSuite};

use crate::codec::CommandApdu;
use crate::crypto::{CryptoError, pad_m2};
use crate::error::{Error, ErrorCode};

/// Secure-messaging failures. All of them end the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SmError {
    /// The plain command given to [`SecureMessaging::protect`] is not a well-formed APDU, or
    /// is too long to protect.
    #[error("command APDU is malformed or too long to protect")]
    MalformedCommand,
    /// The reply's secure-messaging data objects could not be parsed.
    #[error("secure-messaging reply is malformed")]
    MalformedResponse,
    /// The reply carries SM data objects but no DO'8E' MAC.
    #[error("secure-messaging reply has no MAC (DO'8E')")]
    MacMissing,
    /// The reply's MAC is wrong: the reply was altered or the keys/SSC are out of step.
    #[error("secure-messaging reply MAC does not verify")]
    MacMismatch,
    /// The MAC verified but the reply carries no status word DO'99'.
    #[error("secure-messaging reply has no protected status word (DO'99')")]
    StatusMissing,
    /// The reply was a bare status word without secure messaging. 6987/6988 mean the chip found
    /// SM data objects missing/incorrect; 6982 usually means the chip dropped the SM session.
    #[error("chip replied {sw:04X} without secure messaging")]
    Unprotected {
        /// The status word the chip sent in the clear.
        sw: u16,
    },
    /// Session keys of an unusable length were given (AES keys must be 16, 24 or 32 bytes).
    #[error("secure-messaging keys have an invalid length")]
    KeyLength,
    /// An SSC of the wrong length for the suite was given (8 bytes for 3DES, 16 for AES).
    #[error("send sequence counter has the wrong length for the cipher suite")]
    SscLength,
    /// A cryptographic input was malformed (e.g. cryptogram not block aligned, bad padding).
    #[error("secure-messaging cryptogram is invalid: {0}")]
    Crypto(#[from] CryptoError),
}

impl From<SmError> for Error {
    fn from(e: SmError) -> Self {
        let code = match e {
            SmError::MalformedCommand | SmError::KeyLength | SmError::SscLength => ErrorCode::Usage,
            _ => ErrorCode::SecureMessaging,
        };
        Error::new(code, e.to_string())
    }
}

/// Adds one to a big-endian send sequence counter, wrapping at the top as chips do.
/// A building block shared with the virtual chip.
pub fn increment_ssc(ssc: &mut [u8]) {
    for b in ssc.iter_mut().rev() {
        let (v, carry) = b.overflowing_add(1);
        *b = v;
        if !carry {
            break;
        }
    }
}

const MAX_SSC_LEN: usize = 16;

/// A secure-messaging session: session keys plus the send sequence counter.
///
/// Built by access control (e.g. BAC's `BacPending::finish`) or, for tests and the virtual
/// chip, from known keys with [`SecureMessaging::new`] / [`SecureMessaging::tdes`]. `Debug`
/// never shows the keys.
#[derive(Clone)]
pub struct SecureMessaging {
    keys: SmKeys,
    ssc: [u8; MAX_SSC_LEN],
}

impl core::fmt::Debug for SecureMessaging {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SecureMessaging")
            .field("suite", &self.keys.suite())
            .finish_non_exhaustive()
    }
}

impl SecureMessaging {
    /// A session from its keys and initial SSC. The SSC must have the suite's length
    /// (8 bytes for 3DES, 16 for AES); otherwise [`SmError::SscLength`] is returned.
    pub fn new(keys: SmKeys, ssc: &[u8]) -> Result<Self, SmError> {
        if ssc.len() != keys.suite().ssc_len() {
            return Err(SmError::SscLength);
        }
        let mut buf = [0u8; MAX_SSC_LEN];
        for (d, s) in buf.iter_mut().zip(ssc) {
            *d = *s;
        }
        Ok(Self { keys, ssc: buf })
    }

    /// A 3DES session from KS_enc, KS_mac and the 8-byte SSC (what BAC produces).
    pub fn tdes(ks_enc: &[u8; 16], ks_mac: &[u8; 16], ssc: [u8; 8]) -> Self {
        let mut buf = [0u8; MAX_SSC_LEN];
        for (d, s) in buf.iter_mut().zip(ssc) {
            *d = s;
        }
        Self {
            keys: SmKeys::tdes(ks_enc, ks_mac),
            ssc: buf,
        }
    }

    /// The current send sequence counter (8 bytes for 3DES). Exposed for tests and diagnostics.
    pub fn ssc(&self) -> &[u8] {
        let len = self.keys.suite().ssc_len();
        self.ssc.get(..len).unwrap_or(&self.ssc)
    }

    /// The session keys, for building-block use (e.g. the virtual chip).
    pub fn keys(&self) -> &SmKeys {
        &self.keys
    }

    fn step_ssc(&mut self) {
        let len = self.keys.suite().ssc_len();
        if let Some(active) = self.ssc.get_mut(..len) {
            increment_ssc(active);
        }
    }

    /// Wraps a plain command APDU (`CLA INS P1 P2 [Lc data] [Le]`, short or extended) in secure
    /// messaging (ICAO 9303-11 §9.8.6):
    ///
    /// - CLA gets bits `0C` set; the masked header is padded and MACed.
    /// - Command data is padded and encrypted into DO'87' (`01` ‖ cryptogram) for even INS, or
    ///   DO'85' (cryptogram only) for odd INS such as READ BINARY `B1`, whose data is BER-TLV.
    /// - Le goes into DO'97' with its original width (1 byte short, 2 bytes extended).
    /// - The SSC is incremented, then DO'8E' = MAC(SSC ‖ padded header ‖ DOs) is appended.
    /// - The protected APDU's Le is `00` (`0000` extended). Extended length is used when the
    ///   plain command was extended or the protected body exceeds 255 bytes.
    pub fn protect(&mut self, command: &[u8]) -> Result<Vec<u8>, SmError> {
        let plain = CommandApdu::parse(command).map_err(|_| SmError::MalformedCommand)?;
        // Extended encoding: a zero byte after the header followed by two-byte length fields.
        let plain_extended = command.len() > 5 && command.get(4) == Some(&0);
        let block = self.keys.suite().block_size();
        let (cla, ins, p1, p2) = (plain.cla, plain.ins, plain.p1, plain.p2);
        let header = [cla | 0x0C, ins, p1, p2];

        // Compute the SSC value for this command up front; only commit it once the command is
        // known to be protectable, so a caller error does not desynchronise the channel.
        let mut ssc = self.ssc;
        let ssc_len = self.keys.suite().ssc_len();
        let ssc_slice = ssc.get_mut(..ssc_len).ok_or(SmError::MalformedCommand)?;
        increment_ssc(ssc_slice);

        let mut body = Vec::with_capacity(plain.data.len() + 32);
        if !plain.data.is_empty() {
            let cryptogram = self.keys.encrypt(ssc_slice, &plain.data)?;
            if ins & 1 == 1 {
                push_do(&mut body, 0x85, &cryptogram)?;
            } else {
                let mut value = Vec::with_capacity(cryptogram.len() + 1);
                value.push(0x01);
                value.extend_from_slice(&cryptogram);
                push_do(&mut body, 0x87, &value)?;
            }
        }
        if let Some(le) = plain.le {
            // DO'97' keeps the width of the original Le: one byte short, two bytes extended
            // (256 → 00, 65 536 → 0000).
            let le_bytes = u32::try_from(le).unwrap_or(0).to_be_bytes();
            let le = if plain_extended {
                le_bytes.get(2..).unwrap_or_default()
            } else {
                le_bytes.get(3..).unwrap_or_default()
            };
            push_do(&mut body, 0x97, le)?;
        }

        let mut mac_input = pad_m2(&header, block);
        mac_input.extend_from_slice(&body);
        let mac = self.keys.mac(ssc_slice, &mac_input)?;
        push_do(&mut body, 0x8E, &mac)?;

        let extended = plain_extended || body.len() > 0xFF;
        let mut out = Vec::with_capacity(body.len() + 9);
        out.extend_from_slice(&header);
        if extended {
            let lc = u16::try_from(body.len()).map_err(|_| SmError::MalformedCommand)?;
            out.push(0x00);
            out.extend_from_slice(&lc.to_be_bytes());
            out.extend_from_slice(&body);
            out.extend_from_slice(&[0x00, 0x00]);
        } else {
            let lc = u8::try_from(body.len()).map_err(|_| SmError::MalformedCommand)?;
            out.push(lc);
            out.extend_from_slice(&body);
            out.push(0x00);
        }
        self.ssc = ssc;
        Ok(out)
    }

    /// Verifies and unwraps a protected response APDU (`data ‖ SW1 SW2`, ICAO 9303-11 §9.8.7).
    ///
    /// The SSC is incremented first. The body must be a sequence of DO'87' or DO'85'
    /// (optional), DO'99' and DO'8E' last; DO'8E' is checked in constant time over
    /// `SSC ‖ every DO before it` before anything is decrypted, and DO'99' is required. Returns
    /// the plain response data followed by the status word from DO'99' (the authenticated one,
    /// not the unauthenticated trailer).
    ///
    /// A reply with no data at all is [`SmError::Unprotected`] carrying its status word, so the
    /// caller can tell a dropped session (6982) or rejected SM objects (6987/6988) apart.
    pub fn unprotect(&mut self, response: &[u8]) -> Result<Vec<u8>, SmError> {
        self.step_ssc();
        let (body, sw) = response
            .split_last_chunk::<2>()
            .ok_or(SmError::MalformedResponse)?;
        if body.is_empty() {
            return Err(SmError::Unprotected {
                sw: u16::from_be_bytes(*sw),
            });
        }

        let mut cryptogram: Option<apdu::DataObject<'_>> = None;
        let mut status: Option<&[u8]> = None;
        let mut mac: Option<(&[u8], usize)> = None;
        let mut rest = body;
        while !rest.is_empty() {
            let offset = body.len() - rest.len();
            let (obj, next) = apdu::read_do(rest)?;
            match obj.tag {
                0x87 | 0x85 if cryptogram.is_none() && status.is_none() => {
                    cryptogram = Some(obj);
                }
                0x99 if status.is_none() => status = Some(obj.value),
                0x8E => {
                    if !next.is_empty() {
                        return Err(SmError::MalformedResponse);
                    }
                    mac = Some((obj.value, offset));
                }
                _ => return Err(SmError::MalformedResponse),
            }
            rest = next;
        }

        let (received_mac, mac_offset) = mac.ok_or(SmError::MacMissing)?;
        let covered = body.get(..mac_offset).ok_or(SmError::MalformedResponse)?;
        if !self.keys.verify_mac(self.ssc(), covered, received_mac)? {
            return Err(SmError::MacMismatch);
        }

        let status = status.ok_or(SmError::StatusMissing)?;
        if status.len() != 2 {
            return Err(SmError::MalformedResponse);
        }
        let mut out = match cryptogram {
            None => Vec::with_capacity(2),
            Some(obj) => {
                let ct = if obj.tag == 0x87 {
                    match obj.value.split_first() {
                        Some((0x01, ct)) => ct,
                        _ => return Err(SmError::MalformedResponse),
                    }
                } else {
                    obj.value
                };
                let mut plain = self.keys.decrypt(self.ssc(), ct)?;
                plain.reserve(2);
                plain
            }
        };
        out.extend_from_slice(status);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssc_increments_big_endian_with_carry_and_wrap() {
        let mut s = [0x00, 0xFF, 0xFF];
        increment_ssc(&mut s);
        assert_eq!(s, [0x01, 0x00, 0x00]);
        let mut s = [0xFF; 8];
        increment_ssc(&mut s);
        assert_eq!(s, [0; 8]);
    }

    #[test]
    fn debug_hides_keys() {
        let sm = SecureMessaging::tdes(&[0x11; 16], &[0x22; 16], [0; 8]);
        let shown = format!("{sm:?} {:?}", sm.keys());
        assert!(!shown.contains("17") && !shown.contains("11") && !shown.contains("22"));
    }

    #[test]
    fn aes_keys_must_be_a_valid_matching_length() {
        assert_eq!(
            SmKeys::aes(&[0; 16], &[0; 24]).unwrap_err(),
            SmError::KeyLength
        );
        assert_eq!(
            SmKeys::aes(&[0; 8], &[0; 8]).unwrap_err(),
            SmError::KeyLength
        );
        assert_eq!(
            SmKeys::aes(&[0; 24], &[0; 24]).unwrap().suite(),
            SmSuite::Aes192
        );
        let keys = SmKeys::aes(&[0; 32], &[0; 32]).unwrap();
        assert_eq!(keys.encrypt(&[0; 8], b"x").unwrap_err(), SmError::SscLength);
        assert!(SecureMessaging::new(keys.clone(), &[0; 8]).is_err());
        assert_eq!(
            SecureMessaging::new(keys, &[0; 16]).unwrap().ssc().len(),
            16
        );
    }

    #[test]
    fn new_checks_the_ssc_length() {
        assert!(SecureMessaging::new(SmKeys::tdes(&[1; 16], &[2; 16]), &[0; 16]).is_err());
        let sm = SecureMessaging::new(SmKeys::tdes(&[1; 16], &[2; 16]), &[9; 8]).unwrap();
        assert_eq!(sm.ssc(), &[9; 8]);
    }

    #[test]
    fn a_bad_command_does_not_move_the_ssc() {
        let mut sm = SecureMessaging::tdes(&[1; 16], &[2; 16], [0; 8]);
        assert_eq!(sm.protect(&[0, 1]), Err(SmError::MalformedCommand));
        assert_eq!(sm.ssc(), &[0; 8]);
    }
}
