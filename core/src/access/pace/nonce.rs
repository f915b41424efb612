//! The PACE nonce s: the chip encrypts it under K_π, the terminal decrypts it (ICAO 9303-11
//! §4.4.3.3, step 1). Block-cipher CBC with IV = 0 and no padding: the nonce is a whole number of
//! blocks (16 bytes in every worked example and real trace, for 3DES as for AES).
//!
//! Both functions are used by the terminal and by the virtual chip, so the two sides agree by
//! construction and the worked examples pin both.

use zeroize::Zeroizing;

use super::{PaceCipher, PaceError, PaceStep};
use crate::crypto::{
    DerivedKey, aes_cbc_decrypt, aes_cbc_encrypt, des3_cbc_decrypt, des3_cbc_encrypt,
};

const ZERO_IV: [u8; 16] = [0; 16];

/// CBC encryption with IV = 0 and no padding under `key` (3DES or AES by its kind). `data`
/// must be block aligned.
pub(super) fn cbc_encrypt_zero_iv(key: &[u8], cipher: PaceCipher, data: &[u8]) -> Option<Vec<u8>> {
    match cipher {
        PaceCipher::Tdes => {
            let key: &[u8; 16] = key.try_into().ok()?;
            des3_cbc_encrypt(key, data).ok()
        }
        PaceCipher::Aes128 | PaceCipher::Aes192 | PaceCipher::Aes256 => {
            aes_cbc_encrypt(key, &ZERO_IV, data).ok()
        }
    }
}

fn cbc_decrypt_zero_iv(key: &[u8], cipher: PaceCipher, data: &[u8]) -> Option<Vec<u8>> {
    match cipher {
        PaceCipher::Tdes => {
            let key: &[u8; 16] = key.try_into().ok()?;
            des3_cbc_decrypt(key, data).ok()
        }
        PaceCipher::Aes128 | PaceCipher::Aes192 | PaceCipher::Aes256 => {
            aes_cbc_decrypt(key, &ZERO_IV, data).ok()
        }
    }
}

fn cipher_of(key: &DerivedKey) -> PaceCipher {
    match key.kind() {
        crate::crypto::KeyKind::Tdes2 => PaceCipher::Tdes,
        crate::crypto::KeyKind::Aes128 => PaceCipher::Aes128,
        crate::crypto::KeyKind::Aes192 => PaceCipher::Aes192,
        crate::crypto::KeyKind::Aes256 => PaceCipher::Aes256,
    }
}

/// Chip side: z = E(K_π, s), CBC with IV = 0. `nonce` must be a non-empty whole number of
/// cipher blocks; otherwise [`PaceError::Malformed`] (step: nonce).
pub fn encrypt_nonce(k_pi: &DerivedKey, nonce: &[u8]) -> Result<Vec<u8>, PaceError> {
    if nonce.is_empty() {
        return Err(PaceError::malformed(PaceStep::Nonce, "empty nonce"));
    }
    cbc_encrypt_zero_iv(k_pi.expose(), cipher_of(k_pi), nonce).ok_or(PaceError::malformed(
        PaceStep::Nonce,
        "nonce is not a whole number of cipher blocks",
    ))
}

/// Terminal side: s = D(K_π, z), CBC with IV = 0. The encrypted nonce must be a non-empty whole
/// number of cipher blocks; otherwise [`PaceError::Malformed`] (step: nonce). A wrong password
/// is not detected here (any z decrypts), only at the token step.
pub fn decrypt_nonce(k_pi: &DerivedKey, encrypted: &[u8]) -> Result<Zeroizing<Vec<u8>>, PaceError> {
    if encrypted.is_empty() {
        return Err(PaceError::malformed(
            PaceStep::Nonce,
            "empty encrypted nonce",
        ));
    }
    cbc_decrypt_zero_iv(k_pi.expose(), cipher_of(k_pi), encrypted)
        .map(Zeroizing::new)
        .ok_or(PaceError::malformed(
            PaceStep::Nonce,
            "encrypted nonce is not a whole number of cipher blocks",
        ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::pace::PacePassword;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    #[test]
    fn decrypts_the_icao_g1_nonce_and_round_trips() {
        let key = crate::mrz::MrzKey::new("T22000129", "640812", "101031").unwrap();
        let k_pi = PacePassword::mrz(&key).k_pi(PaceCipher::Aes128);
        let z = h("95A3A016522EE98D01E76CB6B98B42C3");
        let s = decrypt_nonce(&k_pi, &z).unwrap();
        assert_eq!(*s, h("3F00C4D39D153F2B2A214A078D899B22"));
        assert_eq!(encrypt_nonce(&k_pi, &s).unwrap(), z);
    }

    #[test]
    fn tdes_nonce_round_trips_and_bad_lengths_are_errors() {
        let k_pi = PacePassword::can("123456").k_pi(PaceCipher::Tdes);
        let s = [0x5Au8; 16];
        let z = encrypt_nonce(&k_pi, &s).unwrap();
        assert_ne!(z, s);
        assert_eq!(*decrypt_nonce(&k_pi, &z).unwrap(), s);
        for bad in [&[][..], &[1u8; 7], &[1u8; 12]] {
            assert!(matches!(
                decrypt_nonce(&k_pi, bad),
                Err(PaceError::Malformed {
                    step: PaceStep::Nonce,
                    ..
                })
            ));
            assert!(encrypt_nonce(&k_pi, bad).is_err());
        }
        let aes = PacePassword::can("123456").k_pi(PaceCipher::Aes256);
        assert!(decrypt_nonce(&aes, &[0; 8]).is_err());
        assert_eq!(decrypt_nonce(&aes, &[0; 32]).unwrap().len(), 32);
    }
}
