//! Session keys of a secure-messaging channel, per cipher suite.

use subtle::ConstantTimeEq;

use super::SmError;
use crate::crypto::{
    AES_BLOCK_SIZE, Secret, TDES_BLOCK_SIZE, aes_cbc_decrypt, aes_cbc_encrypt, aes_cmac,
    aes_encrypt_block, des3_cbc_decrypt, des3_cbc_encrypt, pad_m2, retail_mac, unpad_m2,
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
    /// AES-128 CBC with IV = E(KS_enc, SSC), AES-CMAC truncated to 8 bytes, 16-byte SSC.
    Aes128,
    /// As [`SmSuite::Aes128`] with 192-bit keys.
    Aes192,
    /// As [`SmSuite::Aes128`] with 256-bit keys.
    Aes256,
}

impl SmSuite {
    /// Cipher block size in bytes (also the padding block size).
    pub fn block_size(self) -> usize {
        match self {
            SmSuite::Tdes => TDES_BLOCK_SIZE,
            SmSuite::Aes128 | SmSuite::Aes192 | SmSuite::Aes256 => AES_BLOCK_SIZE,
        }
    }

    /// Length of the send sequence counter in bytes (the cipher block size).
    pub fn ssc_len(self) -> usize {
        self.block_size()
    }
}

#[derive(Clone)]
enum Inner {
    Tdes {
        enc: Secret<16>,
        mac: Secret<16>,
    },
    /// Keys of `len` (16, 24 or 32) bytes, stored left-aligned in 32-byte secrets.
    Aes {
        enc: Secret<32>,
        mac: Secret<32>,
        len: usize,
    },
}

/// KS_enc and KS_mac of a secure-messaging session, zeroized on drop and redacted in `Debug`.
///
/// The methods are the building blocks shared with the virtual chip: the chip side of secure
/// messaging encrypts, decrypts and MACs with exactly these, so both ends agree by construction
/// (the ICAO Appendix D tests pin them to the specification).
///
/// One concrete type whatever suite was negotiated ([`SmKeys::suite`]), so sessions and their
/// callers do not change when a suite is added; the constructors only build valid key sets.
#[derive(Clone)]
pub struct SmKeys(Inner);

impl core::fmt::Debug for SmKeys {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "SmKeys::{:?}(<redacted>)", self.suite())
    }
}

fn left_aligned(key: &[u8]) -> Secret<32> {
    let mut buf = [0u8; 32];
    for (d, s) in buf.iter_mut().zip(key) {
        *d = *s;
    }
    let secret = Secret::new(buf);
    zeroize::Zeroize::zeroize(&mut buf);
    secret
}

impl SmKeys {
    /// 3DES session keys from KS_enc and KS_mac (two-key 3DES, 16 bytes each).
    pub fn tdes(ks_enc: &[u8; 16], ks_mac: &[u8; 16]) -> Self {
        SmKeys(Inner::Tdes {
            enc: Secret::new(*ks_enc),
            mac: Secret::new(*ks_mac),
        })
    }

    /// AES session keys from KS_enc and KS_mac, both 16, 24 or 32 bytes and of equal length
    /// (the length selects AES-128/192/256). Anything else is [`SmError::KeyLength`].
    pub fn aes(ks_enc: &[u8], ks_mac: &[u8]) -> Result<Self, SmError> {
        let len = ks_enc.len();
        if !matches!(len, 16 | 24 | 32) || ks_mac.len() != len {
            return Err(SmError::KeyLength);
        }
        Ok(SmKeys(Inner::Aes {
            enc: left_aligned(ks_enc),
            mac: left_aligned(ks_mac),
            len,
        }))
    }

    /// The cipher suite these keys belong to.
    pub fn suite(&self) -> SmSuite {
        match &self.0 {
            Inner::Tdes { .. } => SmSuite::Tdes,
            Inner::Aes { len: 16, .. } => SmSuite::Aes128,
            Inner::Aes { len: 24, .. } => SmSuite::Aes192,
            Inner::Aes { .. } => SmSuite::Aes256,
        }
    }

    /// The AES IV for a message: E(KS_enc, SSC).
    fn aes_iv(enc: &[u8], ssc: &[u8]) -> Result<[u8; 16], SmError> {
        let ssc: &[u8; 16] = ssc.try_into().map_err(|_| SmError::SscLength)?;
        Ok(aes_encrypt_block(enc, ssc)?)
    }

    /// Pads `plaintext` (ISO/IEC 9797-1 method 2) and encrypts it with KS_enc, as carried in
    /// DO'87'/DO'85'. `ssc` is the counter value of this message: AES derives its IV from it
    /// (IV = E(KS_enc, SSC)); 3DES uses IV = 0 and ignores it.
    pub fn encrypt(&self, ssc: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, SmError> {
        match &self.0 {
            Inner::Tdes { enc, .. } => Ok(des3_cbc_encrypt(
                enc.expose(),
                &pad_m2(plaintext, TDES_BLOCK_SIZE),
            )?),
            Inner::Aes { enc, len, .. } => {
                let key = enc.expose().get(..*len).ok_or(SmError::KeyLength)?;
                let iv = Self::aes_iv(key, ssc)?;
                Ok(aes_cbc_encrypt(
                    key,
                    &iv,
                    &pad_m2(plaintext, AES_BLOCK_SIZE),
                )?)
            }
        }
    }

    /// Decrypts a DO'87'/DO'85' cryptogram with KS_enc and strictly removes the method 2
    /// padding. Call only after the MAC over the cryptogram has been verified.
    pub fn decrypt(&self, ssc: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>, SmError> {
        let padded = zeroize::Zeroizing::new(match &self.0 {
            Inner::Tdes { enc, .. } => des3_cbc_decrypt(enc.expose(), ciphertext)?,
            Inner::Aes { enc, len, .. } => {
                let key = enc.expose().get(..*len).ok_or(SmError::KeyLength)?;
                let iv = Self::aes_iv(key, ssc)?;
                aes_cbc_decrypt(key, &iv, ciphertext)?
            }
        });
        Ok(unpad_m2(&padded, self.suite().block_size())?.to_vec())
    }

    /// The secure-messaging MAC (DO'8E' value) over `ssc ‖ data`, padded with method 2 inside:
    /// retail MAC for 3DES, AES-CMAC truncated to 8 bytes for AES. `data` is the MAC input after
    /// the SSC: for a command, the padded masked header followed by DO'87'/DO'85' and DO'97';
    /// for a response, DO'87'/DO'85' and DO'99'.
    pub fn mac(&self, ssc: &[u8], data: &[u8]) -> Result<[u8; MAC_LEN], SmError> {
        let mut input = Vec::with_capacity(ssc.len() + data.len());
        input.extend_from_slice(ssc);
        input.extend_from_slice(data);
        match &self.0 {
            Inner::Tdes { mac, .. } => Ok(retail_mac(mac.expose(), &input)),
            Inner::Aes { mac, len, .. } => {
                let key = mac.expose().get(..*len).ok_or(SmError::KeyLength)?;
                let full = aes_cmac(key, &pad_m2(&input, AES_BLOCK_SIZE))?;
                let mut out = [0u8; MAC_LEN];
                for (d, s) in out.iter_mut().zip(full) {
                    *d = s;
                }
                Ok(out)
            }
        }
    }

    /// Checks a received DO'8E' value against [`SmKeys::mac`] in constant time.
    pub fn verify_mac(&self, ssc: &[u8], data: &[u8], received: &[u8]) -> Result<bool, SmError> {
        let expected = self.mac(ssc, data)?;
        Ok(bool::from(expected.as_slice().ct_eq(received)))
    }
}
