//! The PACE password and the key K_π derived from it (ICAO 9303-11 §4.4.3.1, §9.7.3).
//!
//! Two passwords open an eMRTD: the MRZ (password reference `01`), whose π is
//! SHA-1(MRZ_information) — all 20 bytes, not the 16-byte BAC K_seed — and the CAN (reference
//! `02`), whose π is the digits themselves as ASCII. K_π = KDF(π, 3) with the key length of the
//! PACE cipher.

use sha1::{Digest, Sha1};
use zeroize::Zeroizing;

use super::PaceCipher;
use crate::crypto::{DerivedKey, KDF_COUNTER_PACE, kdf};
use crate::mrz::MrzKey;

/// MSE:Set AT password reference for the MRZ.
pub const PASSWORD_REF_MRZ: u8 = 0x01;
/// MSE:Set AT password reference for the CAN.
pub const PASSWORD_REF_CAN: u8 = 0x02;

/// A PACE password. `Debug` never shows it; it is zeroized on drop.
#[derive(Clone)]
pub enum PacePassword {
    /// The MRZ_information bytes (document number ‖ check digit ‖ birth date ‖ check digit ‖
    /// expiry date ‖ check digit), as built by [`MrzKey::mrz_information_bytes`].
    Mrz(Zeroizing<Vec<u8>>),
    /// The Card Access Number printed on the document, e.g. `"123456"`.
    Can(Zeroizing<String>),
}

impl core::fmt::Debug for PacePassword {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            PacePassword::Mrz(_) => f.write_str("PacePassword::Mrz(<redacted>)"),
            PacePassword::Can(_) => f.write_str("PacePassword::Can(<redacted>)"),
        }
    }
}

impl PacePassword {
    /// The MRZ password of an MRZ key.
    pub fn mrz(key: &MrzKey) -> Self {
        PacePassword::Mrz(key.mrz_information_bytes())
    }

    /// A CAN password (the digits as typed; surrounding whitespace is removed).
    pub fn can(digits: &str) -> Self {
        PacePassword::Can(Zeroizing::new(digits.trim().to_owned()))
    }

    /// The password reference sent in MSE:Set AT tag `83`: `01` MRZ, `02` CAN.
    pub fn reference(&self) -> u8 {
        match self {
            PacePassword::Mrz(_) => PASSWORD_REF_MRZ,
            PacePassword::Can(_) => PASSWORD_REF_CAN,
        }
    }

    /// π, the password as the KDF takes it: SHA-1(MRZ_information) for the MRZ, the ASCII
    /// digits for the CAN.
    pub fn pi(&self) -> Zeroizing<Vec<u8>> {
        match self {
            PacePassword::Mrz(info) => Zeroizing::new(Sha1::digest(info.as_slice()).to_vec()),
            PacePassword::Can(can) => Zeroizing::new(can.as_bytes().to_vec()),
        }
    }

    /// K_π = KDF(π, 3) for the cipher of the PACE protocol: the key that encrypts the nonce.
    pub fn k_pi(&self, cipher: PaceCipher) -> DerivedKey {
        kdf(&self.pi(), KDF_COUNTER_PACE, cipher.key_kind())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    #[test]
    fn mrz_password_matches_icao_g1() {
        let key = MrzKey::new("T22000129", "640812", "101031").unwrap();
        let pw = PacePassword::mrz(&key);
        assert_eq!(pw.reference(), 1);
        assert_eq!(*pw.pi(), h("7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD"));
        assert_eq!(
            pw.k_pi(PaceCipher::Aes128).expose(),
            h("89DED1B26624EC1E634C1989302849DD")
        );
    }

    #[test]
    fn can_password_matches_icao_h1() {
        let pw = PacePassword::can(" 123456\n");
        assert_eq!(pw.reference(), 2);
        assert_eq!(
            pw.k_pi(PaceCipher::Aes128).expose(),
            h("591468CDA83D65219CCCB8560233600F")
        );
        assert_eq!(pw.k_pi(PaceCipher::Aes256).expose().len(), 32);
        assert_eq!(pw.k_pi(PaceCipher::Tdes).expose().len(), 16);
    }

    #[test]
    fn debug_hides_the_password() {
        let shown = format!("{:?}", PacePassword::can("987654"));
        assert!(!shown.contains("987654"));
    }
}
