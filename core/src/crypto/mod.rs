//! Cryptographic primitives used by access control and secure messaging.
//!
//! Everything here is a thin, panic-free layer over the RustCrypto crates (`sha1`, `sha2`, `des`,
//! `cbc`, `aes`, `cmac`), shaped the way ICAO 9303-11 uses them:
//!
//! - [`kdf`] / [`kdf_tdes`] — the key derivation function of §9.7.1, for 3DES and AES keys, and
//!   [`mrz_key_seed`] for the BAC K_seed of §9.7.2.
//! - [`des3_cbc_encrypt`] / [`des3_cbc_decrypt`] — two-key 3DES in CBC mode with no padding.
//! - [`retail_mac`] — ISO/IEC 9797-1 MAC algorithm 3 with DES and padding method 2.
//! - [`pad_m2`] / [`unpad_m2`] — ISO/IEC 9797-1 padding method 2 (`80 00 …`).
//! - [`aes_cbc_encrypt`] / [`aes_cbc_decrypt`], [`aes_encrypt_block`], [`aes_cmac`] — AES for
//!   AES secure messaging and PACE.
//!
//! These are also the building blocks shared with the virtual chip in `idproof-fixtures`, which
//! implements the chip side of BAC and secure messaging with the same functions.
//!
//! Key material is held in [`Secret`], which is zeroized on drop and never printed by `Debug`.

mod aes;
pub mod ec;
pub mod ka;
mod kdf;
mod padding;
mod secret;
pub mod signature;
mod tdes;

pub use aes::{AES_BLOCK_SIZE, aes_cbc_decrypt, aes_cbc_encrypt, aes_cmac, aes_encrypt_block};
pub use kdf::{
    DerivedKey, KDF_COUNTER_ENC, KDF_COUNTER_MAC, KDF_COUNTER_PACE, KeyKind, adjust_des_parity,
    kdf, kdf_tdes, mrz_key_seed,
};
pub use padding::{pad_m2, unpad_m2};
pub use secret::Secret;
pub use tdes::{
    TDES_BLOCK_SIZE, des3_cbc_decrypt, des3_cbc_decrypt_iv, des3_cbc_encrypt, des3_cbc_encrypt_iv,
    retail_mac,
};

use crate::error::{Error, ErrorCode};

/// Errors from the cryptographic primitives. They only arise from malformed inputs (wrong
/// lengths, bad padding), never from the algorithms themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// Input to a block-cipher mode without padding was not a whole number of blocks.
    #[error("input length {len} is not a multiple of the {block_size}-byte block size")]
    NotBlockAligned {
        /// Length of the input that was given.
        len: usize,
        /// Block size the mode requires.
        block_size: usize,
    },
    /// A key had a length the cipher does not accept (AES takes 16, 24 or 32 bytes).
    #[error("key length {len} is not valid for this cipher")]
    BadKeyLength {
        /// Length of the key that was given.
        len: usize,
    },
    /// ISO/IEC 9797-1 padding method 2 was missing or malformed after decryption.
    #[error("invalid ISO/IEC 9797-1 method 2 padding")]
    BadPadding,
}

impl From<CryptoError> for Error {
    fn from(e: CryptoError) -> Self {
        Error::new(ErrorCode::SecureMessaging, e.to_string())
    }
}
