//! The chip's side of chip authentication, as pure functions for the virtual chip: reading the
//! three commands and deriving the session keys from the chip's static private key and the
//! terminal's ephemeral public key. The terminal side in [`super`] and these meet in
//! [`CaSessionKeys`], so both ends derive keys the same way.

use super::{CaCipher, CaSessionKeys, ChipAuthError};
use crate::codec::CommandApdu;
use crate::codec::tlv::{Tlv, TlvIter};
use crate::crypto::ka::{Group, GroupKind, PrivateKey};

/// A chip authentication command, as the chip reads it (plain, after secure messaging).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaCommand {
    /// MSE:Set KAT (`00 22 41 A6`): the terminal's ephemeral key (`91`) and the keyId (`84`).
    SetKat {
        /// The ephemeral public key as sent.
        ephemeral_public_key: Vec<u8>,
        /// The keyId, if sent.
        key_id: Option<u32>,
    },
    /// MSE:Set AT for chip authentication (`00 22 41 A4`): the protocol (`80`) and keyId (`84`).
    SetAt {
        /// The protocol OID, dotted.
        protocol: String,
        /// The keyId, if sent.
        key_id: Option<u32>,
    },
    /// GENERAL AUTHENTICATE (`00 86 00 00`) with `7C { 80 ephemeral key }`. PACE uses the same
    /// instruction; a chip takes it as chip authentication only after MSE:Set AT selected CA.
    GeneralAuthenticate {
        /// The ephemeral public key as sent.
        ephemeral_public_key: Vec<u8>,
    },
}

fn malformed(what: &str) -> ChipAuthError {
    ChipAuthError::Malformed(what.to_owned())
}

/// Reads a plain command as chip authentication: `Ok(None)` when it is not one of the three
/// (another INS or P1-P2, e.g. PACE's MSE:Set AT `C1 A4`), an error when it is one but its data
/// is malformed (the chip answers 6A80).
pub fn parse_command(command: &[u8]) -> Result<Option<CaCommand>, ChipAuthError> {
    let Ok(apdu) = CommandApdu::parse(command) else {
        return Ok(None);
    };
    match (apdu.cla & 0xF0, apdu.ins, apdu.p1, apdu.p2) {
        (0x00, 0x22, 0x41, 0xA6) => {
            let mut key = None;
            let mut key_id = None;
            for tlv in TlvIter::new(&apdu.data) {
                let tlv = tlv.map_err(|e| ChipAuthError::Malformed(e.to_string()))?;
                match tlv.tag {
                    0x91 => key = Some(tlv.value.to_vec()),
                    0x84 => key_id = Some(key_id_value(tlv.value)?),
                    _ => return Err(malformed("MSE:Set KAT: unexpected data object")),
                }
            }
            Ok(Some(CaCommand::SetKat {
                ephemeral_public_key: key.ok_or_else(|| malformed("MSE:Set KAT without 91"))?,
                key_id,
            }))
        }
        (0x00, 0x22, 0x41, 0xA4) => {
            let mut protocol = None;
            let mut key_id = None;
            for tlv in TlvIter::new(&apdu.data) {
                let tlv = tlv.map_err(|e| ChipAuthError::Malformed(e.to_string()))?;
                match tlv.tag {
                    0x80 => {
                        protocol = Some(
                            crate::asn1::oid_to_string(tlv.value)
                                .map_err(|e| ChipAuthError::Malformed(e.to_string()))?,
                        );
                    }
                    0x84 => key_id = Some(key_id_value(tlv.value)?),
                    _ => return Err(malformed("MSE:Set AT: unexpected data object")),
                }
            }
            let protocol = protocol.ok_or_else(|| malformed("MSE:Set AT without 80"))?;
            if CaCipher::from_protocol(&protocol).is_none() {
                // PACE and TA also use MSE:Set AT, with other P1-P2; here the OID must be CA's.
                return Err(ChipAuthError::Malformed(format!(
                    "MSE:Set AT for {protocol}, not chip authentication"
                )));
            }
            Ok(Some(CaCommand::SetAt { protocol, key_id }))
        }
        (0x00, 0x86, 0x00, 0x00) => {
            let dyn_auth = Tlv::parse_single(&apdu.data, 0x7C)
                .map_err(|e| ChipAuthError::Malformed(e.to_string()))?;
            let mut items = dyn_auth.children();
            match (items.next(), items.next()) {
                (Some(Ok(key)), None) if key.tag == 0x80 => {
                    Ok(Some(CaCommand::GeneralAuthenticate {
                        ephemeral_public_key: key.value.to_vec(),
                    }))
                }
                _ => Ok(None),
            }
        }
        _ => Ok(None),
    }
}

/// A keyId from its `84` value (unsigned big-endian, at most 4 significant bytes).
fn key_id_value(bytes: &[u8]) -> Result<u32, ChipAuthError> {
    let significant: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    if bytes.is_empty() || significant.len() > 4 {
        return Err(malformed("keyId is empty or longer than 4 bytes"));
    }
    Ok(significant
        .iter()
        .fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
}

/// The chip's session keys: K = KA(chip private key, terminal ephemeral key), then KS as in
/// [`CaSessionKeys::derive`] (`chip_nonce` for CA version 2, which the chip draws). A DH key
/// sent shorter than |p| is left-padded first. An invalid terminal key (off the curve, outside
/// the group) is [`ChipAuthError::Malformed`]: the chip answers 6A80.
pub fn chip_session_keys(
    protocol: &str,
    group: &Group,
    chip_private_key: &PrivateKey,
    terminal_public_key: &[u8],
    chip_nonce: Option<&[u8]>,
) -> Result<CaSessionKeys, ChipAuthError> {
    let (kind, cipher) = CaCipher::from_protocol(protocol)
        .ok_or_else(|| ChipAuthError::NotOffered(format!("unknown protocol {protocol}")))?;
    if kind != group.kind() {
        return Err(ChipAuthError::Malformed(format!(
            "{protocol} with a {:?} group",
            group.kind()
        )));
    }
    let peer = match kind {
        GroupKind::Ec => terminal_public_key.to_vec(),
        GroupKind::Dh => {
            let len = group.field_len();
            if terminal_public_key.len() > len {
                return Err(malformed("DH public key longer than p"));
            }
            let mut padded = vec![0u8; len - terminal_public_key.len()];
            padded.extend_from_slice(terminal_public_key);
            padded
        }
    };
    let secret = group
        .shared_secret(chip_private_key, &peer)
        .map_err(|e| ChipAuthError::Malformed(e.to_string()))?;
    Ok(CaSessionKeys::derive(cipher, secret.expose(), chip_nonce))
}
