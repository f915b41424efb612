//! The PACE commands and their data objects (ICAO 9303-11 §4.4.4, BSI TR-03110-3 B.1, B.11):
//! MSE:Set AT, and GENERAL AUTHENTICATE with its dynamic authentication data `7C`.
//!
//! Encoders and parsers for both directions, so the terminal and the virtual chip share them:
//! the terminal builds commands and parses replies, the chip parses commands and builds replies.

use super::{PaceAlgorithm, PaceError, PaceStep};
use crate::codec::{CommandApdu, tlv};

/// INS of GENERAL AUTHENTICATE.
pub const INS_GENERAL_AUTHENTICATE: u8 = 0x86;
/// INS of MANAGE SECURITY ENVIRONMENT.
pub const INS_MSE: u8 = 0x22;
/// P1-P2 of MSE:Set AT for mutual authentication (PACE): `C1 A4`.
pub const MSE_SET_AT_P1P2: [u8; 2] = [0xC1, 0xA4];
/// Tag of the dynamic authentication data template.
pub const TAG_DYNAMIC_AUTH_DATA: u8 = 0x7C;
/// CLA with the command-chaining bit: every GENERAL AUTHENTICATE but the last.
pub const CLA_CHAINING: u8 = 0x10;

/// Status word for success.
const SW_OK: [u8; 2] = [0x90, 0x00];

/// Tags inside `7C` (ICAO 9303-11 §4.4.4, BSI TR-03110-3 B.11.1).
pub mod tag {
    /// Encrypted nonce (chip → terminal, step 1).
    pub const ENCRYPTED_NONCE: u8 = 0x80;
    /// Mapping data of the terminal (step 2): GM public key or IM nonce t.
    pub const MAPPING_TERMINAL: u8 = 0x81;
    /// Mapping data of the chip (step 2): GM public key; absent for IM.
    pub const MAPPING_CHIP: u8 = 0x82;
    /// Ephemeral public key of the terminal (step 3).
    pub const EPHEMERAL_TERMINAL: u8 = 0x83;
    /// Ephemeral public key of the chip (step 3).
    pub const EPHEMERAL_CHIP: u8 = 0x84;
    /// Authentication token of the terminal (step 4).
    pub const TOKEN_TERMINAL: u8 = 0x85;
    /// Authentication token of the chip (step 4).
    pub const TOKEN_CHIP: u8 = 0x86;
    /// Most recent certification authority reference (step 4, optional, TR-03110 chips).
    pub const CAR: u8 = 0x87;
    /// Previous certification authority reference (step 4, optional).
    pub const CAR_PREVIOUS: u8 = 0x88;
    /// Encrypted chip authentication data (step 4, PACE-CAM only).
    pub const CHIP_AUTH_DATA: u8 = 0x8A;
}

/// MSE:Set AT selecting PACE (ICAO 9303-11 §4.4.4.1): `00 22 C1 A4 Lc` with `80` the protocol
/// OID, `83` the password reference and, when `parameter_id` is given, `84` the standardized
/// domain parameter id. Some chips refuse the command (6A87) without `84`, others with it;
/// the caller decides.
pub fn mse_set_at(algorithm: PaceAlgorithm, password_ref: u8, parameter_id: Option<u8>) -> Vec<u8> {
    let mut data = tlv::encode(0x80, &algorithm.oid_bytes());
    data.extend_from_slice(&tlv::encode(0x83, &[password_ref]));
    if let Some(id) = parameter_id {
        data.extend_from_slice(&tlv::encode(0x84, &[id]));
    }
    let [p1, p2] = MSE_SET_AT_P1P2;
    // At most 21 bytes of data: always encodable.
    CommandApdu::new(0x00, INS_MSE, p1, p2)
        .with_data(data)
        .to_bytes()
        .unwrap_or_default()
}

/// The content of an MSE:Set AT for PACE, as the chip reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MseSetAt {
    /// The protocol from tag `80`.
    pub algorithm: PaceAlgorithm,
    /// The password reference from tag `83` (`01` MRZ, `02` CAN).
    pub password_ref: u8,
    /// The domain parameter id from tag `84`, if present.
    pub parameter_id: Option<u8>,
}

impl MseSetAt {
    /// Chip side: parses the command data of MSE:Set AT (the TLVs after Lc). `80` and `83`
    /// are required, `84` optional; other tags (e.g. `7F4C` CHAT of the eID) are ignored.
    pub fn parse(data: &[u8]) -> Result<Self, PaceError> {
        let step = PaceStep::MseSetAt;
        let malformed = |what| PaceError::malformed(step, what);
        let mut oid = None;
        let mut password_ref = None;
        let mut parameter_id = None;
        for obj in tlv::TlvIter::new(data) {
            let obj = obj.map_err(|_| malformed("MSE:Set AT data is not BER-TLV"))?;
            match obj.tag {
                0x80 => oid = Some(obj.value),
                0x83 => password_ref = Some(single_byte(obj.value).ok_or(malformed("bad 83"))?),
                0x84 => parameter_id = Some(single_byte(obj.value).ok_or(malformed("bad 84"))?),
                _ => {}
            }
        }
        Ok(Self {
            algorithm: PaceAlgorithm::from_oid_bytes(
                oid.ok_or(malformed("no protocol OID (80)"))?,
            )?,
            password_ref: password_ref.ok_or(malformed("no password reference (83)"))?,
            parameter_id,
        })
    }
}

fn single_byte(value: &[u8]) -> Option<u8> {
    match value {
        [b] => Some(*b),
        _ => None,
    }
}

/// The dynamic authentication data `7C L { tag L value … }` from data objects in order.
pub fn dynamic_auth_data(objects: &[(u8, &[u8])]) -> Vec<u8> {
    let mut inner = Vec::new();
    for (t, v) in objects {
        inner.extend_from_slice(&tlv::encode(u32::from(*t), v));
    }
    tlv::encode(u32::from(TAG_DYNAMIC_AUTH_DATA), &inner)
}

/// A GENERAL AUTHENTICATE command carrying `objects` in `7C`, with Le = `00` (`0000` when the
/// data needs extended length, e.g. 2048-bit DH keys). Every command but the last of PACE has
/// the chaining bit set (CLA `10`); the last has CLA `00`.
pub fn general_authenticate(objects: &[(u8, &[u8])], last: bool) -> Vec<u8> {
    let data = dynamic_auth_data(objects);
    let cla = if last { 0x00 } else { CLA_CHAINING };
    let le = if data.len() > 0xFF { 65_536 } else { 256 };
    CommandApdu::new(cla, INS_GENERAL_AUTHENTICATE, 0x00, 0x00)
        .with_data(data)
        .with_le(le)
        .to_bytes()
        .unwrap_or_default()
}

/// The data objects inside one `7C` template, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthData<'a> {
    objects: Vec<(u8, &'a [u8])>,
}

impl<'a> AuthData<'a> {
    /// Parses `data`, which must be exactly one `7C` template whose content is a sequence of
    /// single-byte-tag primitive objects with no tag repeated. `step` names the step in the
    /// error. An empty template (`7C 00`) is valid and holds no objects.
    pub fn parse(data: &'a [u8], step: PaceStep) -> Result<Self, PaceError> {
        let (outer, rest) = tlv::Tlv::parse(data).map_err(|_| {
            PaceError::malformed(step, "dynamic authentication data is not BER-TLV")
        })?;
        if outer.tag != u32::from(TAG_DYNAMIC_AUTH_DATA) || !rest.is_empty() {
            return Err(PaceError::malformed(
                step,
                "reply is not exactly one dynamic authentication data object (7C)",
            ));
        }
        let mut objects: Vec<(u8, &'a [u8])> = Vec::new();
        for obj in outer.children() {
            let obj = obj.map_err(|_| PaceError::malformed(step, "bad TLV inside 7C"))?;
            let tag = u8::try_from(obj.tag)
                .ok()
                .filter(|t| t & 0xE0 == 0x80)
                .ok_or(PaceError::malformed(step, "unexpected tag inside 7C"))?;
            if objects.iter().any(|(t, _)| *t == tag) {
                return Err(PaceError::malformed(step, "repeated tag inside 7C"));
            }
            objects.push((tag, obj.value));
        }
        Ok(Self { objects })
    }

    /// The value of the object with `tag`, if present.
    pub fn get(&self, tag: u8) -> Option<&'a [u8]> {
        self.objects
            .iter()
            .find(|(t, _)| *t == tag)
            .map(|(_, v)| *v)
    }

    /// The value of the object with `tag`, or [`PaceError::Malformed`] naming it.
    pub fn require(
        &self,
        tag: u8,
        step: PaceStep,
        what: &'static str,
    ) -> Result<&'a [u8], PaceError> {
        self.get(tag).ok_or(PaceError::malformed(step, what))
    }

    /// Whether the template is empty (`7C 00`).
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// The tags present, in order.
    pub fn tags(&self) -> impl Iterator<Item = u8> + '_ {
        self.objects.iter().map(|(t, _)| *t)
    }
}

/// Splits a response APDU `data ‖ SW1 SW2`; a status word other than 9000 is
/// [`PaceError::Rejected`] at `step`, a response shorter than two bytes is malformed.
pub fn split_ok(response: &[u8], step: PaceStep) -> Result<&[u8], PaceError> {
    let (data, sw) = response
        .split_last_chunk::<2>()
        .ok_or(PaceError::malformed(
            step,
            "response shorter than a status word",
        ))?;
    if *sw == SW_OK {
        Ok(data)
    } else {
        Err(PaceError::Rejected {
            step,
            sw: u16::from_be_bytes(*sw),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    fn g1() -> PaceAlgorithm {
        PaceAlgorithm::from_oid("0.4.0.127.0.7.2.2.4.2.2").unwrap()
    }

    #[test]
    fn mse_set_at_matches_icao_and_gmrtd() {
        assert_eq!(
            mse_set_at(g1(), 1, None),
            h("0022C1A40F800A04007F00070202040202830101")
        );
        assert_eq!(
            mse_set_at(g1(), 1, Some(13)),
            h("0022C1A412800A04007F0007020204020283010184010D")
        );
        let parsed = MseSetAt::parse(&h("800A04007F0007020204020283010184010D")).unwrap();
        assert_eq!(
            parsed,
            MseSetAt {
                algorithm: g1(),
                password_ref: 1,
                parameter_id: Some(13)
            }
        );
        assert!(MseSetAt::parse(&h("830101")).is_err());
        assert!(MseSetAt::parse(&h("800A04007F00070202040202")).is_err());
        assert!(MseSetAt::parse(&h("800A04007F0007020204020283020101")).is_err());
        assert!(MseSetAt::parse(&h("800A04007F000702020402028301")).is_err());
    }

    #[test]
    fn general_authenticate_chaining_and_lengths() {
        assert_eq!(general_authenticate(&[], false), h("10860000027C0000"));
        assert_eq!(
            general_authenticate(&[(0x85, &h("C2B0BD78D94BA866"))], true),
            h("008600000C7C0A8508C2B0BD78D94BA86600")
        );
        // 2048-bit DH: 256-byte key → extended length, Le 0000.
        let apdu = general_authenticate(&[(0x83, &[0xAB; 256])], false);
        assert_eq!(&apdu[..7], &h("10860000000108")[..]);
        assert_eq!(&apdu[7..13], &h("7C8201048382")[..]);
        assert_eq!(&apdu[apdu.len() - 2..], &[0, 0]);
        assert_eq!(apdu.len(), 7 + 264 + 2);
    }

    #[test]
    fn auth_data_parsing_is_strict_but_panic_free() {
        let ok = h("7C12801095A3A016522EE98D01E76CB6B98B42C3");
        let d = AuthData::parse(&ok, PaceStep::Nonce).unwrap();
        assert_eq!(d.get(0x80).unwrap().len(), 16);
        assert!(d.get(0x81).is_none());
        assert!(
            AuthData::parse(&h("7C00"), PaceStep::Mapping)
                .unwrap()
                .is_empty()
        );
        for bad in [
            "",
            "7C",
            "7C01",
            "7D00",
            "7C0080",
            "7C00 00",
            "7C0480018001",
            "7C035F0100",
            "7C03A10100",
            "7C0380",
            "7C81",
        ] {
            let bytes = h(&bad.replace(' ', ""));
            assert!(
                matches!(
                    AuthData::parse(&bytes, PaceStep::Token),
                    Err(PaceError::Malformed {
                        step: PaceStep::Token,
                        ..
                    })
                ),
                "{bad}"
            );
        }
        let extra = h("7C0C86083ABB9674BCE93C088700");
        let d = AuthData::parse(&extra, PaceStep::Token).unwrap();
        assert_eq!(d.tags().collect::<Vec<_>>(), vec![0x86, 0x87]);
        assert_eq!(
            dynamic_auth_data(&[(0x86, &h("3ABB9674BCE93C08")), (0x87, &[])]),
            extra
        );
    }

    #[test]
    fn split_ok_records_the_status_word() {
        assert_eq!(split_ok(&h("019000"), PaceStep::Nonce).unwrap(), &[1]);
        assert_eq!(
            split_ok(&h("63C2"), PaceStep::Token),
            Err(PaceError::Rejected {
                step: PaceStep::Token,
                sw: 0x63C2
            })
        );
        assert!(split_ok(&[0x90], PaceStep::Nonce).is_err());
    }
}
