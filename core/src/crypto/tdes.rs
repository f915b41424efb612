//! Two-key 3DES in CBC mode and the ISO/IEC 9797-1 retail MAC, on the RustCrypto `des` and
//! `cbc` crates.

use cipher::{
    Array, BlockCipherDecrypt, BlockCipherEncrypt, BlockModeDecrypt, BlockModeEncrypt, KeyInit,
    KeyIvInit,
};
use des::{Des, TdesEde2};
use zeroize::Zeroizing;

use super::{CryptoError, pad_m2};

/// The DES / 3DES block size in bytes.
pub const TDES_BLOCK_SIZE: usize = 8;

const ZERO_IV: [u8; TDES_BLOCK_SIZE] = [0; TDES_BLOCK_SIZE];

fn check_aligned(data: &[u8]) -> Result<(), CryptoError> {
    if data.len().is_multiple_of(TDES_BLOCK_SIZE) {
        Ok(())
    } else {
        Err(CryptoError::NotBlockAligned {
            len: data.len(),
            block_size: TDES_BLOCK_SIZE,
        })
    }
}

/// Encrypts `data` with two-key 3DES (K1‖K2‖K1) in CBC mode with an all-zero IV and no
/// padding, as BAC (E_IFD) and 3DES secure messaging (DO'87') require. `data` must be a whole
/// number of 8-byte blocks; pad it first with [`pad_m2`] where the protocol says so.
pub fn des3_cbc_encrypt(key: &[u8; 16], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    des3_cbc_encrypt_iv(key, &ZERO_IV, data)
}

/// Like [`des3_cbc_encrypt`], with an explicit IV (for callers that chain or use a derived IV).
pub fn des3_cbc_encrypt_iv(
    key: &[u8; 16],
    iv: &[u8; 8],
    data: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    check_aligned(data)?;
    let key = Zeroizing::new(Array::from(*key));
    let mut mode = cbc::Encryptor::<TdesEde2>::new(&key, &Array::from(*iv));
    let mut buf = data.to_vec();
    let (blocks, _tail) = Array::slice_as_chunks_mut(&mut buf);
    mode.encrypt_blocks(blocks);
    Ok(buf)
}

/// Decrypts two-key 3DES-CBC with an all-zero IV and no padding removal: the inverse of
/// [`des3_cbc_encrypt`]. Strip padding afterwards with [`super::unpad_m2`] where applicable.
pub fn des3_cbc_decrypt(key: &[u8; 16], data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    des3_cbc_decrypt_iv(key, &ZERO_IV, data)
}

/// Like [`des3_cbc_decrypt`], with an explicit IV.
pub fn des3_cbc_decrypt_iv(
    key: &[u8; 16],
    iv: &[u8; 8],
    data: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    check_aligned(data)?;
    let key = Zeroizing::new(Array::from(*key));
    let mut mode = cbc::Decryptor::<TdesEde2>::new(&key, &Array::from(*iv));
    let mut buf = data.to_vec();
    let (blocks, _tail) = Array::slice_as_chunks_mut(&mut buf);
    mode.decrypt_blocks(blocks);
    Ok(buf)
}

/// ISO/IEC 9797-1 MAC algorithm 3 ("retail MAC") with DES, IV = 0, over `message` padded with
/// method 2: single-DES CBC-MAC under K1 (the first 8 key bytes), then the final block is
/// decrypted under K2 and encrypted again under K1. Used for M_IFD/M_IC in BAC and DO'8E' in
/// 3DES secure messaging. `message` is given unpadded; the padding is added here.
///
/// Hand-written on `des::Des` (a dozen lines) rather than the optional `retail-mac` crate, which
/// zero-pads partial blocks and would need the method 2 padding added first anyway.
pub fn retail_mac(key: &[u8; 16], message: &[u8]) -> [u8; 8] {
    let mut k1 = Zeroizing::new([0u8; 8]);
    let mut k2 = Zeroizing::new([0u8; 8]);
    for (slot, b) in k1.iter_mut().chain(k2.iter_mut()).zip(key) {
        *slot = *b;
    }
    let des1 = Des::new(&Array::from(*k1));
    let des2 = Des::new(&Array::from(*k2));

    let padded = pad_m2(message, TDES_BLOCK_SIZE);
    let mut state = Array::from([0u8; 8]);
    for chunk in padded.chunks_exact(TDES_BLOCK_SIZE) {
        for (s, m) in state.iter_mut().zip(chunk) {
            *s ^= *m;
        }
        des1.encrypt_block(&mut state);
    }
    des2.decrypt_block(&mut state);
    des1.encrypt_block(&mut state);
    state.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cbc_round_trips_and_rejects_partial_blocks() {
        let key = [0x13; 16];
        let iv = [7; 8];
        let data: Vec<u8> = (0..32).collect();
        let ct = des3_cbc_encrypt_iv(&key, &iv, &data).unwrap();
        assert_ne!(ct, data);
        assert_eq!(des3_cbc_decrypt_iv(&key, &iv, &ct).unwrap(), data);
        assert_ne!(des3_cbc_encrypt(&key, &data).unwrap(), ct);
        assert!(matches!(
            des3_cbc_encrypt(&key, &data[..7]),
            Err(CryptoError::NotBlockAligned {
                len: 7,
                block_size: 8
            })
        ));
        assert!(des3_cbc_decrypt(&key, &data[..9]).is_err());
        assert_eq!(des3_cbc_encrypt(&key, &[]).unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn retail_mac_with_equal_halves_is_single_des_cbc_mac() {
        // With K1 = K2 the final D/E steps cancel, leaving plain DES CBC-MAC under K1, which
        // equals the last block of 3DES-CBC with K1‖K1 (also single DES).
        let key = [0x5A; 16];
        let msg = b"retail mac check";
        let padded = pad_m2(msg, 8);
        let cbc = des3_cbc_encrypt(&key, &padded).unwrap();
        assert_eq!(&retail_mac(&key, msg)[..], &cbc[cbc.len() - 8..]);
    }
}
