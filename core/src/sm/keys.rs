//! Session keys of a secure-messaging channel, per cipher suite.

use subtle::ConstantTimeEq;

use super::SmError;
use crate::crypto::{
    Secret, TDES_BLOCK_SIZE, des3_cbc_decrypt, des3_cbc_encrypt, pad_m2, retail_mac, unpad_m2,
};

/// Length of the truncated MAC carried in DO'8E' for every suite (ICAO 9303-11 §9.8).
pub const MAC_LEN: usize = 8;

/// The cipher suite of a secure-messaging channel. It fixes the block size, the SSC length, how
/// the encryption IV is formed and which MAC is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SmSuite {
    /// 3DES two-key CBC with IV = 0, retail MAC, 8-byte SSC (BAC and 3DES PACE/CA).
    Tdes,
}

impl SmSuite {
    /// Cipher block size in bytes (also the padding block size).
    pub fn block_size(self) -> usize {
        match self {
            SmSuite::Tdes => TDES_BLOCK_SIZE,
        }
    }

    /// Length of the send sequence counter in bytes (the cipher block size).
    pub fn ssc_len(self) -> usize {
        self.block_size()
    }
}

/// KS_enc and KS_mac of a secure-messaging session, zeroized on drop and redacted in `Debug`.
///
/// The methods are the building blocks shared with the virtual chip: the chip side of secure
/// messaging encrypts, decrypts and MACs with exactly these, so both ends agree by construction
/// (the ICAO Appendix D tests pin them to the specification).
///
/// An enum rather than a generic parameter so that a session is one concrete type whatever
/// suite was negotiated; AES is added as a new variant without changing callers.
#[derive(Clone)]
#[non_exhaustive]
pub enum SmKeys {
    /// 3DES session keys (16-byte two-key 3DES each).
    Tdes {
        /// KS_enc.
        enc: Secret<16>,
        /// KS_mac.
        mac: Secret<16>,
    },
}

impl core::fmt::Debug for SmKeys {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "SmKeys::{:?}(<redacted>)", self.suite())
    }
}

impl SmKeys {
    /// 3DES session keys from KS_enc and KS_mac.
    pub fn tdes(ks_enc: &[u8; 16], ks_mac: &[u8; 16]) -> Self {
        SmKeys::Tdes {
            enc: Secret::new(*ks_enc),
            mac: Secret::new(*ks_mac),
        }
    }

    /// The cipher suite these keys belong to.
    pub fn suite(&self) -> SmSuite {
        match self {
            SmKeys::Tdes { .. } => SmSuite::Tdes,
        }
    }

    /// Pads `plaintext` (ISO/IEC 9797-1 method 2) and encrypts it with KS_enc, as carried in
    /// DO'87'/DO'85'. `ssc` is the counter value of this message (the IV for AES is derived from
    /// it; 3DES uses IV = 0 and ignores it).
    pub fn encrypt(&self, ssc: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, SmError> {
        let _ = ssc;
        match self {
            SmKeys::Tdes { enc, .. } => Ok(des3_cbc_encrypt(
                enc.expose(),
                &pad_m2(plaintext, TDES_BLOCK_SIZE),
            )?),
        }
    }

    /// Decrypts a DO'87'/DO'85' cryptogram with KS_enc and strictly removes the method 2
    /// padding. Call only after the MAC over the cryptogram has been verified.
    pub fn decrypt(&self, ssc: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>, SmError> {
        let _ = ssc;
        match self {
            SmKeys::Tdes { enc, .. } => {
                let padded = zeroize::Zeroizing::new(des3_cbc_decrypt(enc.expose(), ciphertext)?);
                Ok(unpad_m2(&padded, TDES_BLOCK_SIZE)?.to_vec())
            }
        }
    }

    /// The secure-messaging MAC (DO'8E' value) over `ssc ‖ data`, padded with method 2 inside.
    /// `data` is what ICAO calls the MAC input after the SSC: for a command, the padded masked
    /// header followed by DO'87'/DO'85' and DO'97'; for a response, DO'87'/DO'85' and DO'99'.
    pub fn mac(&self, ssc: &[u8], data: &[u8]) -> [u8; MAC_LEN] {
        let mut input = Vec::with_capacity(ssc.len() + data.len());
        input.extend_from_slice(ssc);
        input.extend_from_slice(data);
        match self {
            SmKeys::Tdes { mac, .. } => retail_mac(mac.expose(), &input),
        }
    }

    /// Checks a received DO'8E' value against [`SmKeys::mac`] in constant time.
    pub fn verify_mac(&self, ssc: &[u8], data: &[u8], received: &[u8]) -> bool {
        let expected = self.mac(ssc, data);
        bool::from(expected.as_slice().ct_eq(received))
    }
}
