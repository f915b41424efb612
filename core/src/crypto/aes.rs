//! AES-CBC, single-block AES and AES-CMAC for AES secure messaging, PACE and chip
//! authentication (ICAO 9303-11 §9.8 with AES, BSI TR-03110), on the RustCrypto `aes`, `cbc` and
//! `cmac` crates. Key sizes 128, 192 and 256 bits are chosen at run time from the key length.

use aes::{Aes128, Aes192, Aes256};
use cipher::{Array, BlockCipherEncrypt, BlockModeDecrypt, BlockModeEncrypt, KeyInit, KeyIvInit};
use cmac::{Cmac, Mac};

use super::CryptoError;

/// The AES block size in bytes.
pub const AES_BLOCK_SIZE: usize = 16;

fn check_aligned(data: &[u8]) -> Result<(), CryptoError> {
    if data.len().is_multiple_of(AES_BLOCK_SIZE) {
        Ok(())
    } else {
        Err(CryptoError::NotBlockAligned {
            len: data.len(),
            block_size: AES_BLOCK_SIZE,
        })
    }
}

/// Runs `$body` with `$C` bound to the AES type matching `$key`'s length.
macro_rules! with_aes {
    ($key:expr, $C:ident => $body:expr) => {
        match $key.len() {
            16 => {
                type $C = Aes128;
                $body
            }
            24 => {
                type $C = Aes192;
                $body
            }
            32 => {
                type $C = Aes256;
                $body
            }
            len => Err(CryptoError::BadKeyLength { len }),
        }
    };
}

/// Encrypts `data` (whole 16-byte blocks, no padding added) with AES-CBC under `key`
/// (16, 24 or 32 bytes) and `iv`.
pub fn aes_cbc_encrypt(key: &[u8], iv: &[u8; 16], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    check_aligned(data)?;
    with_aes!(key, C => {
        let mut mode = cbc::Encryptor::<C>::new_from_slices(key, iv)
            .map_err(|_| CryptoError::BadKeyLength { len: key.len() })?;
        let mut buf = data.to_vec();
        let (blocks, _tail) = Array::slice_as_chunks_mut(&mut buf);
        mode.encrypt_blocks(blocks);
        Ok(buf)
    })
}

/// Decrypts AES-CBC (whole blocks, no padding removed): the inverse of [`aes_cbc_encrypt`].
pub fn aes_cbc_decrypt(key: &[u8], iv: &[u8; 16], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    check_aligned(data)?;
    with_aes!(key, C => {
        let mut mode = cbc::Decryptor::<C>::new_from_slices(key, iv)
            .map_err(|_| CryptoError::BadKeyLength { len: key.len() })?;
        let mut buf = data.to_vec();
        let (blocks, _tail) = Array::slice_as_chunks_mut(&mut buf);
        mode.decrypt_blocks(blocks);
        Ok(buf)
    })
}

/// Encrypts one block with raw AES (ECB on a single block). AES secure messaging derives its
/// per-message IV this way: IV = E(KS_enc, SSC).
pub fn aes_encrypt_block(key: &[u8], block: &[u8; 16]) -> Result<[u8; 16], CryptoError> {
    with_aes!(key, C => {
        let cipher = C::new_from_slice(key)
            .map_err(|_| CryptoError::BadKeyLength { len: key.len() })?;
        let mut b = Array::from(*block);
        cipher.encrypt_block(&mut b);
        Ok(b.into())
    })
}

/// AES-CMAC (NIST SP 800-38B / RFC 4493) of `message` under `key`, full 16 bytes. Secure
/// messaging and the PACE authentication tokens use the first 8 bytes.
pub fn aes_cmac(key: &[u8], message: &[u8]) -> Result<[u8; 16], CryptoError> {
    with_aes!(key, C => {
        let mut mac = <Cmac<C> as KeyInit>::new_from_slice(key)
            .map_err(|_| CryptoError::BadKeyLength { len: key.len() })?;
        mac.update(message);
        Ok(mac.finalize().into_bytes().into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn cmac_matches_rfc_4493() {
        let key = h("2b7e151628aed2a6abf7158809cf4f3c");
        assert_eq!(
            aes_cmac(&key, &[]).unwrap().to_vec(),
            h("bb1d6929e95937287fa37d129b756746")
        );
        assert_eq!(
            aes_cmac(&key, &h("6bc1bee22e409f96e93d7e117393172a"))
                .unwrap()
                .to_vec(),
            h("070a16b46b4d4144f79bdd9dd04a287c")
        );
    }

    #[test]
    fn cbc_round_trips_for_all_key_sizes_and_rejects_bad_input() {
        let data = [0x42u8; 48];
        for len in [16, 24, 32] {
            let key = vec![7u8; len];
            let ct = aes_cbc_encrypt(&key, &[1; 16], &data).unwrap();
            assert_eq!(aes_cbc_decrypt(&key, &[1; 16], &ct).unwrap(), data);
        }
        assert_eq!(
            aes_cbc_encrypt(&[0; 15], &[0; 16], &data),
            Err(CryptoError::BadKeyLength { len: 15 })
        );
        assert!(aes_cbc_decrypt(&[0; 16], &[0; 16], &data[..17]).is_err());
        assert!(aes_encrypt_block(&[0; 20], &[0; 16]).is_err());
        assert!(aes_cmac(&[0; 8], b"x").is_err());
    }
}
