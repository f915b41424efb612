//! What both ends of chip authentication compute from the shared secret: the cipher suite named
//! by the CA protocol OID, the session keys (ICAO 9303-11 §9.7.1; TR-03110 CA version 2 adds the
//! chip's nonce), the public-key data object and the CA v2 authentication token. Pure functions,
//! shared with the virtual chip so both sides agree by construction.

use subtle::ConstantTimeEq;

use super::ChipAuthError;
use crate::access::security_info::oid;
use crate::crypto::ka::GroupKind;
use crate::crypto::{
    DerivedKey, KDF_COUNTER_ENC, KDF_COUNTER_MAC, KeyKind, aes_cmac, kdf, retail_mac,
};
use crate::sm::{SecureMessaging, SmKeys};

/// Length of a CA v2 authentication token (and of the chip's nonce r_PICC).
pub const TOKEN_LEN: usize = 8;

/// The secure-messaging cipher of a chip authentication protocol (last arc of id-CA-…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaCipher {
    /// `…1`: 3DES CBC, retail MAC.
    Tdes,
    /// `…2`: AES-128 CBC, CMAC.
    Aes128,
    /// `…3`: AES-192.
    Aes192,
    /// `…4`: AES-256.
    Aes256,
}

impl CaCipher {
    /// The key agreement and cipher of an id-CA-DH-… / id-CA-ECDH-… protocol OID, or `None`
    /// when the OID is not one of the eight.
    pub fn from_protocol(protocol: &str) -> Option<(GroupKind, CaCipher)> {
        let (kind, suffix) = if let Some(s) = protocol.strip_prefix(oid::ID_CA_DH) {
            (GroupKind::Dh, s)
        } else {
            (GroupKind::Ec, protocol.strip_prefix(oid::ID_CA_ECDH)?)
        };
        let cipher = match suffix {
            ".1" => CaCipher::Tdes,
            ".2" => CaCipher::Aes128,
            ".3" => CaCipher::Aes192,
            ".4" => CaCipher::Aes256,
            _ => return None,
        };
        Some((kind, cipher))
    }

    /// The protocol OID for a key agreement and this cipher.
    pub fn protocol(self, kind: GroupKind) -> &'static str {
        match (kind, self) {
            (GroupKind::Dh, CaCipher::Tdes) => oid::ID_CA_DH_3DES_CBC_CBC,
            (GroupKind::Dh, CaCipher::Aes128) => oid::ID_CA_DH_AES_CBC_CMAC_128,
            (GroupKind::Dh, CaCipher::Aes192) => oid::ID_CA_DH_AES_CBC_CMAC_192,
            (GroupKind::Dh, CaCipher::Aes256) => oid::ID_CA_DH_AES_CBC_CMAC_256,
            (GroupKind::Ec, CaCipher::Tdes) => oid::ID_CA_ECDH_3DES_CBC_CBC,
            (GroupKind::Ec, CaCipher::Aes128) => oid::ID_CA_ECDH_AES_CBC_CMAC_128,
            (GroupKind::Ec, CaCipher::Aes192) => oid::ID_CA_ECDH_AES_CBC_CMAC_192,
            (GroupKind::Ec, CaCipher::Aes256) => oid::ID_CA_ECDH_AES_CBC_CMAC_256,
        }
    }

    /// The KDF key kind (hash and length) of this cipher.
    pub fn key_kind(self) -> KeyKind {
        match self {
            CaCipher::Tdes => KeyKind::Tdes2,
            CaCipher::Aes128 => KeyKind::Aes128,
            CaCipher::Aes192 => KeyKind::Aes192,
            CaCipher::Aes256 => KeyKind::Aes256,
        }
    }
}

/// KS_enc and KS_mac after chip authentication, zeroized on drop (they are [`DerivedKey`]s).
#[derive(Debug, Clone)]
pub struct CaSessionKeys {
    cipher: CaCipher,
    enc: DerivedKey,
    mac: DerivedKey,
}

impl CaSessionKeys {
    /// KS_enc = KDF(K ‖ r, 1), KS_mac = KDF(K ‖ r, 2) for the cipher's key kind, where K is the
    /// shared secret and r the chip's nonce (CA version 2, TR-03110-3 §3.4.1; absent in the
    /// ICAO DG14 version 1).
    pub fn derive(cipher: CaCipher, shared_secret: &[u8], chip_nonce: Option<&[u8]>) -> Self {
        let mut seed = zeroize::Zeroizing::new(shared_secret.to_vec());
        seed.extend_from_slice(chip_nonce.unwrap_or_default());
        let kind = cipher.key_kind();
        Self {
            cipher,
            enc: kdf(&seed, KDF_COUNTER_ENC, kind),
            mac: kdf(&seed, KDF_COUNTER_MAC, kind),
        }
    }

    /// KS_enc.
    pub fn enc(&self) -> &[u8] {
        self.enc.expose()
    }

    /// KS_mac.
    pub fn mac(&self) -> &[u8] {
        self.mac.expose()
    }

    /// The cipher these keys are for.
    pub fn cipher(&self) -> CaCipher {
        self.cipher
    }

    /// The new secure-messaging session: these keys, SSC 0 (8 bytes for 3DES, 16 for AES).
    pub fn secure_messaging(&self) -> Result<SecureMessaging, ChipAuthError> {
        match (&self.enc, &self.mac) {
            (DerivedKey::Tdes2(enc), DerivedKey::Tdes2(mac)) => {
                Ok(SecureMessaging::tdes(enc.expose(), mac.expose(), [0; 8]))
            }
            (enc, mac) => {
                let keys = SmKeys::aes(enc.expose(), mac.expose())
                    .map_err(|e| ChipAuthError::Internal(e.to_string()))?;
                SecureMessaging::new(keys, &[0; 16])
                    .map_err(|e| ChipAuthError::Internal(e.to_string()))
            }
        }
    }

    /// The CA v2 authentication token T = MAC(KS_mac, PK data object of the terminal's
    /// ephemeral key) (TR-03110-3 §3.4.1, §A.2.4.2): AES-CMAC truncated to 8 bytes, or the
    /// retail MAC for 3DES.
    pub fn token(
        &self,
        protocol: &str,
        kind: GroupKind,
        terminal_public_key: &[u8],
    ) -> Result<[u8; TOKEN_LEN], ChipAuthError> {
        let input = public_key_data_object(protocol, kind, terminal_public_key)?;
        match &self.mac {
            DerivedKey::Tdes2(key) => Ok(retail_mac(key.expose(), &input)),
            mac => {
                let full = aes_cmac(mac.expose(), &input)
                    .map_err(|e| ChipAuthError::Internal(e.to_string()))?;
                let mut out = [0u8; TOKEN_LEN];
                for (d, s) in out.iter_mut().zip(full) {
                    *d = s;
                }
                Ok(out)
            }
        }
    }

    /// Checks a received token in constant time.
    pub fn verify_token(
        &self,
        protocol: &str,
        kind: GroupKind,
        terminal_public_key: &[u8],
        received: &[u8],
    ) -> Result<(), ChipAuthError> {
        let expected = self.token(protocol, kind, terminal_public_key)?;
        if bool::from(expected.as_slice().ct_eq(received)) {
            Ok(())
        } else {
            Err(ChipAuthError::TokenMismatch)
        }
    }
}

/// The public-key data object of TR-03110-3 §D.3.4 over which tokens are computed:
/// `7F49 { 06 protocol OID, 86 EC point }` or `7F49 { 06 protocol OID, 84 DH value }`.
pub fn public_key_data_object(
    protocol: &str,
    kind: GroupKind,
    public_key: &[u8],
) -> Result<Vec<u8>, ChipAuthError> {
    use crate::codec::tlv::encode;
    let oid = crate::asn1::oid_from_string(protocol)
        .map_err(|_| ChipAuthError::Internal(format!("OID {protocol}")))?;
    let key_tag = match kind {
        GroupKind::Ec => 0x86,
        GroupKind::Dh => 0x84,
    };
    let mut body = encode(0x06, &oid);
    body.extend_from_slice(&encode(key_tag, public_key));
    Ok(encode(0x7F49, &body))
}
