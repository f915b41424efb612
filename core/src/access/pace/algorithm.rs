//! The PACE protocol OIDs (ICAO 9303-11 PACEInfo, BSI TR-03110-3 A.1.1.1) and what each one
//! fixes: the mapping, the key agreement and the cipher suite of the resulting session.
//!
//! Every PACE OID is `id-PACE` = 0.4.0.127.0.7.2.2.4 followed by two arcs: the mapping with its
//! key agreement (`1` DH-GM, `2` ECDH-GM, `3` DH-IM, `4` ECDH-IM, `6` ECDH-CAM) and the cipher
//! (`1` 3DES-CBC-CBC, `2` AES-CBC-CMAC-128, `3` -192, `4` -256). PACE-CAM exists only with AES;
//! `…4.6.1` is not defined and is refused like any other unknown OID.

use super::PaceError;
use crate::crypto::KeyKind;
use crate::sm::SmSuite;

/// The DER content octets of `id-PACE` (0.4.0.127.0.7.2.2.4), without the last two arcs.
const ID_PACE: [u8; 8] = [0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04];

/// How the nonce is mapped to the ephemeral generator (ICAO 9303-11 §4.4.3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mapping {
    /// Generic Mapping: an anonymous (EC)DH exchange, G' = s·G + H.
    Generic,
    /// Integrated Mapping: G' from a pseudo-random function of the two nonces s and t.
    Integrated,
    /// Chip Authentication Mapping: Generic Mapping, plus the chip proves its static
    /// chip-authentication key with the data it returns in the last step.
    ChipAuthentication,
}

impl Mapping {
    /// Short name as used in reports: `GM`, `IM` or `CAM`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mapping::Generic => "GM",
            Mapping::Integrated => "IM",
            Mapping::ChipAuthentication => "CAM",
        }
    }
}

/// The key agreement PACE runs in: Diffie-Hellman modulo a prime or elliptic-curve DH.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAgreement {
    /// Diffie-Hellman in a prime-order subgroup of Z_p*.
    Dh,
    /// Elliptic-curve Diffie-Hellman.
    Ecdh,
}

/// The symmetric cipher of PACE (nonce encryption, tokens) and of the session it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaceCipher {
    /// Two-key 3DES in CBC mode, retail MAC (`id-PACE-*-3DES-CBC-CBC`).
    Tdes,
    /// AES-128 CBC, CMAC (`id-PACE-*-AES-CBC-CMAC-128`).
    Aes128,
    /// AES-192 CBC, CMAC.
    Aes192,
    /// AES-256 CBC, CMAC.
    Aes256,
}

impl PaceCipher {
    /// The secure-messaging suite of the session PACE opens.
    pub fn sm_suite(self) -> SmSuite {
        match self {
            PaceCipher::Tdes => SmSuite::Tdes,
            PaceCipher::Aes128 => SmSuite::Aes128,
            PaceCipher::Aes192 => SmSuite::Aes192,
            PaceCipher::Aes256 => SmSuite::Aes256,
        }
    }

    /// The KDF key kind for K_π, KS_enc and KS_mac (ICAO 9303-11 §9.7.1).
    pub fn key_kind(self) -> KeyKind {
        match self {
            PaceCipher::Tdes => KeyKind::Tdes2,
            PaceCipher::Aes128 => KeyKind::Aes128,
            PaceCipher::Aes192 => KeyKind::Aes192,
            PaceCipher::Aes256 => KeyKind::Aes256,
        }
    }

    /// Key length in bytes (16 for 3DES and AES-128, 24, 32).
    pub fn key_len(self) -> usize {
        self.key_kind().key_len()
    }

    /// Block size in bytes (8 for 3DES, 16 for AES).
    pub fn block_size(self) -> usize {
        self.sm_suite().block_size()
    }
}

/// One PACE protocol, as named by its OID in a `PACEInfo` of EF.CardAccess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PaceAlgorithm {
    mapping: Mapping,
    key_agreement: KeyAgreement,
    cipher: PaceCipher,
}

impl PaceAlgorithm {
    /// Builds an algorithm from its parts. `None` for combinations no OID names (CAM with DH
    /// or with 3DES).
    pub fn new(mapping: Mapping, key_agreement: KeyAgreement, cipher: PaceCipher) -> Option<Self> {
        let alg = Self {
            mapping,
            key_agreement,
            cipher,
        };
        alg.arcs().map(|_| alg)
    }

    /// Recognises a PACE protocol OID in dotted form, e.g. `0.4.0.127.0.7.2.2.4.2.2`
    /// (`id-PACE-ECDH-GM-AES-CBC-CMAC-128`). Anything else is
    /// [`PaceError::UnknownAlgorithm`].
    pub fn from_oid(dotted: &str) -> Result<Self, PaceError> {
        let unknown = || PaceError::UnknownAlgorithm(dotted.to_owned());
        let rest = dotted
            .strip_prefix("0.4.0.127.0.7.2.2.4.")
            .ok_or_else(unknown)?;
        let (a, b) = rest.split_once('.').ok_or_else(unknown)?;
        let arc = |s: &str| {
            if s.len() == 1 {
                s.parse::<u8>().ok()
            } else {
                None
            }
        };
        match (arc(a), arc(b)) {
            (Some(a), Some(b)) => Self::from_arcs(a, b).ok_or_else(unknown),
            _ => Err(unknown()),
        }
    }

    /// Recognises a PACE protocol OID from its DER content octets (the value of tag `06`, or
    /// of tag `80` in MSE:Set AT), e.g. `04 00 7F 00 07 02 02 04 02 02`.
    pub fn from_oid_bytes(content: &[u8]) -> Result<Self, PaceError> {
        let unknown = || PaceError::UnknownAlgorithm(crate::asn1::hex_upper(content));
        match content.split_first_chunk::<8>() {
            Some((prefix, [a, b])) if *prefix == ID_PACE => {
                Self::from_arcs(*a, *b).ok_or_else(unknown)
            }
            _ => Err(unknown()),
        }
    }

    fn from_arcs(mapping_arc: u8, cipher_arc: u8) -> Option<Self> {
        let (mapping, key_agreement) = match mapping_arc {
            1 => (Mapping::Generic, KeyAgreement::Dh),
            2 => (Mapping::Generic, KeyAgreement::Ecdh),
            3 => (Mapping::Integrated, KeyAgreement::Dh),
            4 => (Mapping::Integrated, KeyAgreement::Ecdh),
            6 => (Mapping::ChipAuthentication, KeyAgreement::Ecdh),
            _ => return None,
        };
        let cipher = match cipher_arc {
            1 => PaceCipher::Tdes,
            2 => PaceCipher::Aes128,
            3 => PaceCipher::Aes192,
            4 => PaceCipher::Aes256,
            _ => return None,
        };
        Self::new(mapping, key_agreement, cipher)
    }

    /// The last two arcs of the OID, or `None` for a combination no OID names.
    fn arcs(self) -> Option<(u8, u8)> {
        let mapping_arc = match (self.mapping, self.key_agreement) {
            (Mapping::Generic, KeyAgreement::Dh) => 1,
            (Mapping::Generic, KeyAgreement::Ecdh) => 2,
            (Mapping::Integrated, KeyAgreement::Dh) => 3,
            (Mapping::Integrated, KeyAgreement::Ecdh) => 4,
            (Mapping::ChipAuthentication, KeyAgreement::Ecdh) => 6,
            (Mapping::ChipAuthentication, KeyAgreement::Dh) => return None,
        };
        let cipher_arc = match self.cipher {
            PaceCipher::Tdes if self.mapping == Mapping::ChipAuthentication => return None,
            PaceCipher::Tdes => 1,
            PaceCipher::Aes128 => 2,
            PaceCipher::Aes192 => 3,
            PaceCipher::Aes256 => 4,
        };
        Some((mapping_arc, cipher_arc))
    }

    /// The DER content octets of the OID (10 bytes), as carried in MSE:Set AT tag `80` and in
    /// the token's public-key data object tag `06`.
    pub fn oid_bytes(self) -> [u8; 10] {
        let (a, b) = self.arcs().unwrap_or((0, 0));
        let mut out = [0u8; 10];
        for (d, s) in out.iter_mut().zip(ID_PACE.iter().chain(&[a, b])) {
            *d = *s;
        }
        out
    }

    /// The OID in dotted form, e.g. `0.4.0.127.0.7.2.2.4.2.2`.
    pub fn oid(self) -> String {
        let (a, b) = self.arcs().unwrap_or((0, 0));
        format!("0.4.0.127.0.7.2.2.4.{a}.{b}")
    }

    /// The mapping (GM, IM or CAM).
    pub fn mapping(self) -> Mapping {
        self.mapping
    }

    /// DH or ECDH.
    pub fn key_agreement(self) -> KeyAgreement {
        self.key_agreement
    }

    /// The cipher of PACE and of the session it opens.
    pub fn cipher(self) -> PaceCipher {
        self.cipher
    }

    /// The name used in ICAO 9303-11, e.g. `id-PACE-ECDH-GM-AES-CBC-CMAC-128`.
    pub fn name(self) -> String {
        let ka = match self.key_agreement {
            KeyAgreement::Dh => "DH",
            KeyAgreement::Ecdh => "ECDH",
        };
        let cipher = match self.cipher {
            PaceCipher::Tdes => "3DES-CBC-CBC",
            PaceCipher::Aes128 => "AES-CBC-CMAC-128",
            PaceCipher::Aes192 => "AES-CBC-CMAC-192",
            PaceCipher::Aes256 => "AES-CBC-CMAC-256",
        };
        format!("id-PACE-{ka}-{}-{cipher}", self.mapping.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_defined_oid_round_trips() {
        let mut count = 0;
        for a in 0..=8u8 {
            for b in 0..=6u8 {
                let dotted = format!("0.4.0.127.0.7.2.2.4.{a}.{b}");
                let defined =
                    matches!(a, 1..=4) && matches!(b, 1..=4) || a == 6 && matches!(b, 2..=4);
                match PaceAlgorithm::from_oid(&dotted) {
                    Ok(alg) => {
                        assert!(defined, "{dotted}");
                        count += 1;
                        assert_eq!(alg.oid(), dotted);
                        let bytes = alg.oid_bytes();
                        assert_eq!(&bytes[..8], &ID_PACE);
                        assert_eq!(&bytes[8..], &[a, b]);
                        assert_eq!(PaceAlgorithm::from_oid_bytes(&bytes).unwrap(), alg);
                    }
                    Err(e) => {
                        assert!(!defined, "{dotted}");
                        assert_eq!(e, PaceError::UnknownAlgorithm(dotted));
                    }
                }
            }
        }
        assert_eq!(count, 19);
    }

    #[test]
    fn oid_parts_and_names() {
        let g1 = PaceAlgorithm::from_oid("0.4.0.127.0.7.2.2.4.2.2").unwrap();
        assert_eq!(g1.mapping(), Mapping::Generic);
        assert_eq!(g1.key_agreement(), KeyAgreement::Ecdh);
        assert_eq!(g1.cipher(), PaceCipher::Aes128);
        assert_eq!(g1.cipher().sm_suite(), SmSuite::Aes128);
        assert_eq!(g1.name(), "id-PACE-ECDH-GM-AES-CBC-CMAC-128");
        let nz = PaceAlgorithm::from_oid("0.4.0.127.0.7.2.2.4.2.1").unwrap();
        assert_eq!(nz.cipher().key_kind(), KeyKind::Tdes2);
        assert_eq!(nz.name(), "id-PACE-ECDH-GM-3DES-CBC-CBC");
        let h2 = PaceAlgorithm::from_oid("0.4.0.127.0.7.2.2.4.3.2").unwrap();
        assert_eq!(
            (h2.mapping(), h2.key_agreement()),
            (Mapping::Integrated, KeyAgreement::Dh)
        );
        let cam = PaceAlgorithm::from_oid("0.4.0.127.0.7.2.2.4.6.4").unwrap();
        assert_eq!(cam.mapping(), Mapping::ChipAuthentication);
        assert_eq!(cam.cipher().key_len(), 32);
        assert_eq!(cam.name(), "id-PACE-ECDH-CAM-AES-CBC-CMAC-256");
        assert!(
            PaceAlgorithm::new(
                Mapping::ChipAuthentication,
                KeyAgreement::Dh,
                PaceCipher::Aes128
            )
            .is_none()
        );
    }

    #[test]
    fn near_misses_are_unknown() {
        for bad in [
            "",
            "0.4.0.127.0.7.2.2.4",
            "0.4.0.127.0.7.2.2.4.2",
            "0.4.0.127.0.7.2.2.4.2.2.1",
            "0.4.0.127.0.7.2.2.4.02.2",
            "0.4.0.127.0.7.2.2.4.2.+2",
            "0.4.0.127.0.7.2.2.3.2.2",
            "0.4.0.127.0.7.2.2.4.5.2",
            "0.4.0.127.0.7.2.2.4.6.1",
        ] {
            assert!(PaceAlgorithm::from_oid(bad).is_err(), "{bad}");
        }
        assert!(PaceAlgorithm::from_oid_bytes(&[]).is_err());
        assert!(PaceAlgorithm::from_oid_bytes(&[4, 0, 0x7F, 0, 7, 2, 2, 4, 2]).is_err());
        assert!(PaceAlgorithm::from_oid_bytes(&[4, 0, 0x7F, 0, 7, 2, 2, 4, 2, 2, 0]).is_err());
        assert_eq!(
            PaceAlgorithm::from_oid_bytes(&[4, 0, 0x7F, 0, 7, 2, 2, 3, 2, 2]),
            Err(PaceError::UnknownAlgorithm(
                "04007F00070202030202".to_owned()
            ))
        );
    }
}
