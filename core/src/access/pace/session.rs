//! What both ends of PACE compute from the shared secret (ICAO 9303-11 §4.4.3.4–§4.4.3.5,
//! §9.7.4): the session keys KS_enc and KS_mac, the authentication tokens, and for PACE-CAM the
//! encrypted chip-authentication data.
//!
//! - KS_enc = KDF(K, 1), KS_mac = KDF(K, 2), K the (EC)DH shared secret (EC: the x-coordinate;
//!   DH: g^xy padded to the length of p), with the key kind of the PACE cipher.
//! - A token is MAC(KS_mac, `7F49` { `06` PACE OID, `86` EC point | `84` DH value }) over the
//!   *other* party's ephemeral public key: AES-CMAC truncated to 8 bytes, or the 3DES retail MAC
//!   (ISO/IEC 9797-1 algorithm 3 with padding method 2).
//! - PACE-CAM: A_IC = AES-CBC(KS_enc, CA_IC padded with method 2) with IV = E(KS_enc, −1), i.e.
//!   the all-FF block as SSC.
//!
//! The virtual chip uses these same functions; the worked examples pin them.

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::{KeyAgreement, PaceAlgorithm, PaceCipher, PaceError, PaceStep};
use crate::codec::tlv;
use crate::crypto::{
    AES_BLOCK_SIZE, DerivedKey, KDF_COUNTER_ENC, KDF_COUNTER_MAC, aes_cbc_decrypt, aes_cbc_encrypt,
    aes_cmac, aes_encrypt_block, kdf, pad_m2, retail_mac, unpad_m2,
};
use crate::sm::{MAC_LEN, SecureMessaging, SmKeys};

/// Tag of the public-key data object inside the token input.
const TAG_PUBLIC_KEY: u32 = 0x7F49;
/// Tag of the OID inside the public-key data object.
const TAG_OID: u32 = 0x06;
/// Tag of an EC public point inside the public-key data object.
const TAG_EC_POINT: u32 = 0x86;
/// Tag of a DH public value inside the public-key data object.
const TAG_DH_VALUE: u32 = 0x84;

/// An authentication token T_IFD / T_IC (8 bytes for every cipher).
pub type Token = [u8; MAC_LEN];

/// The public-key data object the tokens are computed over (ICAO 9303-11 §4.4.3.4 / BSI
/// TR-03110-3 D.3): `7F49 L { 06 L OID, 86 L point }` for ECDH, `{ 06 L OID, 84 L y }` for DH.
/// `public_key` is encoded exactly as it travelled in GENERAL AUTHENTICATE (EC `04‖X‖Y`; DH
/// big-endian y, which our side pads to the length of p).
pub fn public_key_data_object(algorithm: PaceAlgorithm, public_key: &[u8]) -> Vec<u8> {
    let key_tag = match algorithm.key_agreement() {
        KeyAgreement::Ecdh => TAG_EC_POINT,
        KeyAgreement::Dh => TAG_DH_VALUE,
    };
    let mut inner = tlv::encode(TAG_OID, &algorithm.oid_bytes());
    inner.extend_from_slice(&tlv::encode(key_tag, public_key));
    tlv::encode(TAG_PUBLIC_KEY, &inner)
}

/// KS_enc and KS_mac of a PACE session, zeroized on drop and redacted in `Debug`.
#[derive(Clone, Debug)]
pub struct SessionKeys {
    cipher: PaceCipher,
    ks_enc: DerivedKey,
    ks_mac: DerivedKey,
}

impl SessionKeys {
    /// KS_enc = KDF(K, 1) and KS_mac = KDF(K, 2) for the PACE cipher (ICAO 9303-11 §9.7.1).
    pub fn derive(cipher: PaceCipher, shared_secret: &[u8]) -> Self {
        Self {
            cipher,
            ks_enc: kdf(shared_secret, KDF_COUNTER_ENC, cipher.key_kind()),
            ks_mac: kdf(shared_secret, KDF_COUNTER_MAC, cipher.key_kind()),
        }
    }

    /// The cipher these keys belong to.
    pub fn cipher(&self) -> PaceCipher {
        self.cipher
    }

    /// KS_enc, for tests against the worked examples and for the virtual chip.
    pub fn ks_enc(&self) -> &DerivedKey {
        &self.ks_enc
    }

    /// KS_mac, for tests against the worked examples and for the virtual chip.
    pub fn ks_mac(&self) -> &DerivedKey {
        &self.ks_mac
    }

    /// The secure-messaging keys of the session.
    pub fn sm_keys(&self) -> SmKeys {
        match (&self.ks_enc, &self.ks_mac) {
            (DerivedKey::Tdes2(enc), DerivedKey::Tdes2(mac)) => {
                SmKeys::tdes(enc.expose(), mac.expose())
            }
            // Both keys come from the same key kind, so an AES pair always has a valid, equal
            // length; the 3DES fallback is unreachable and would fail every MAC anyway.
            (enc, mac) => SmKeys::aes(enc.expose(), mac.expose())
                .unwrap_or_else(|_| SmKeys::tdes(&[0; 16], &[0; 16])),
        }
    }

    /// The secure-messaging channel PACE opens: these keys with SSC = 0 (8 bytes for 3DES,
    /// 16 for AES; ICAO 9303-11 §9.8.2).
    pub fn secure_messaging(&self) -> SecureMessaging {
        let keys = self.sm_keys();
        let zero = [0u8; AES_BLOCK_SIZE];
        let ssc = zero.get(..keys.suite().ssc_len()).unwrap_or(&zero);
        // The SSC length is taken from the suite, so this cannot fail.
        SecureMessaging::new(keys, ssc)
            .unwrap_or_else(|_| SecureMessaging::tdes(&[0; 16], &[0; 16], [0; 8]))
    }

    /// The authentication token over `peer_public` (the *other* party's ephemeral public key):
    /// the terminal sends T_IFD over the chip's key, the chip sends T_IC over the terminal's.
    pub fn token(&self, algorithm: PaceAlgorithm, peer_public: &[u8]) -> Token {
        let input = public_key_data_object(algorithm, peer_public);
        match &self.ks_mac {
            DerivedKey::Tdes2(key) => retail_mac(key.expose(), &input),
            other => {
                // AES keys from the KDF always have a valid length; a zero token on the
                // impossible error simply fails verification.
                let full = aes_cmac(other.expose(), &input).unwrap_or_default();
                let mut out = [0u8; MAC_LEN];
                for (d, s) in out.iter_mut().zip(full) {
                    *d = s;
                }
                out
            }
        }
    }

    /// Checks a received token against [`SessionKeys::token`] in constant time.
    pub fn verify_token(
        &self,
        algorithm: PaceAlgorithm,
        peer_public: &[u8],
        received: &[u8],
    ) -> bool {
        let expected = self.token(algorithm, peer_public);
        bool::from(expected.as_slice().ct_eq(received))
    }

    /// The IV for the PACE-CAM chip-authentication data: E(KS_enc, −1), the all-FF block.
    fn cam_iv(&self) -> Result<[u8; 16], PaceError> {
        if self.cipher == PaceCipher::Tdes {
            return Err(PaceError::BadInput("PACE-CAM is defined only with AES"));
        }
        aes_encrypt_block(self.ks_enc.expose(), &[0xFF; 16])
            .map_err(|_| PaceError::BadInput("PACE-CAM needs an AES key"))
    }

    /// Chip side of PACE-CAM: A_IC = E(KS_enc, CA_IC) (ICAO 9303-11 §4.4.3.5.1), AES-CBC with
    /// IV = E(KS_enc, −1) over CA_IC padded with method 2. `ca_ic` is the big-endian
    /// chip-authentication data.
    pub fn encrypt_chip_auth_data(&self, ca_ic: &[u8]) -> Result<Vec<u8>, PaceError> {
        let iv = self.cam_iv()?;
        aes_cbc_encrypt(self.ks_enc.expose(), &iv, &pad_m2(ca_ic, AES_BLOCK_SIZE))
            .map_err(|_| PaceError::BadInput("PACE-CAM needs an AES key"))
    }

    /// Terminal side of PACE-CAM: CA_IC = D(KS_enc, A_IC), padding method 2 removed strictly.
    /// A cryptogram that is not block aligned or does not unpad is [`PaceError::Malformed`]
    /// (step: token).
    pub fn decrypt_chip_auth_data(&self, a_ic: &[u8]) -> Result<Vec<u8>, PaceError> {
        let iv = self.cam_iv()?;
        let malformed = || {
            PaceError::malformed(
                PaceStep::Token,
                "encrypted chip authentication data (8A) is invalid",
            )
        };
        let padded = Zeroizing::new(
            aes_cbc_decrypt(self.ks_enc.expose(), &iv, a_ic).map_err(|_| malformed())?,
        );
        let plain = unpad_m2(&padded, AES_BLOCK_SIZE).map_err(|_| malformed())?;
        if plain.is_empty() {
            return Err(malformed());
        }
        Ok(plain.to_vec())
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
    fn g1_keys_and_tokens() {
        let keys = SessionKeys::derive(
            PaceCipher::Aes128,
            &h("28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925"),
        );
        assert_eq!(
            keys.ks_enc().expose(),
            h("F5F0E35C0D7161EE6724EE513A0D9A7F")
        );
        assert_eq!(
            keys.ks_mac().expose(),
            h("FE251C7858B356B24514B3BD5F4297D1")
        );
        let chip_eph = h(
            "049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB\
                          7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094",
        );
        let term_eph = h(
            "042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C\
                          3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462",
        );
        let input = public_key_data_object(g1(), &chip_eph);
        assert_eq!(&input[..17], &h("7F494F060A04007F000702020402028641")[..]);
        assert_eq!(keys.token(g1(), &chip_eph).to_vec(), h("C2B0BD78D94BA866"));
        assert_eq!(keys.token(g1(), &term_eph).to_vec(), h("3ABB9674BCE93C08"));
        assert!(keys.verify_token(g1(), &term_eph, &h("3ABB9674BCE93C08")));
        assert!(!keys.verify_token(g1(), &term_eph, &h("3ABB9674BCE93C09")));
        assert!(!keys.verify_token(g1(), &term_eph, &h("3ABB9674BCE93C")));
        let sm = keys.secure_messaging();
        assert_eq!(sm.ssc(), &[0u8; 16]);
    }

    #[test]
    fn cam_data_matches_icao_appendix_i() {
        let cam = PaceAlgorithm::from_oid("0.4.0.127.0.7.2.2.4.6.2").unwrap();
        assert_eq!(cam.cipher(), PaceCipher::Aes128);
        let keys = SessionKeys {
            cipher: PaceCipher::Aes128,
            ks_enc: DerivedKey::Aes128(crate::crypto::Secret::new(
                h("0A9DA4DB03BDDE39FC5202BC44B2E89E").try_into().unwrap(),
            )),
            ks_mac: DerivedKey::Aes128(crate::crypto::Secret::new(
                h("4B1C06491ED5140CA2B537D344C6C0B1").try_into().unwrap(),
            )),
        };
        let a_ic = h(
            "1EEA964DAAE372AC990E3EFDE6333353BFC89A6704D93DA8798CF77F5B7A54BD\
                      10CBA372B42BE0B9B5F28AA8DE2F4F92",
        );
        let ca_ic = h("85DC3FA93D0952BFA82F5FD189EE75BD82F11D1F0B8ED4BF5319AC9B53C426B3");
        assert_eq!(keys.decrypt_chip_auth_data(&a_ic).unwrap(), ca_ic);
        assert_eq!(keys.encrypt_chip_auth_data(&ca_ic).unwrap(), a_ic);
        let mut bad = a_ic.clone();
        bad[47] ^= 1;
        assert!(matches!(
            keys.decrypt_chip_auth_data(&bad),
            Err(PaceError::Malformed {
                step: PaceStep::Token,
                ..
            })
        ));
        assert!(keys.decrypt_chip_auth_data(&a_ic[..40]).is_err());
        assert!(keys.decrypt_chip_auth_data(&[]).is_err());
    }

    #[test]
    fn tdes_keys_tokens_and_no_cam() {
        let keys = SessionKeys::derive(PaceCipher::Tdes, b"shared");
        assert_eq!(keys.sm_keys().suite(), crate::sm::SmSuite::Tdes);
        assert_eq!(keys.secure_messaging().ssc(), &[0u8; 8]);
        let nz = PaceAlgorithm::from_oid("0.4.0.127.0.7.2.2.4.2.1").unwrap();
        let t = keys.token(nz, &[4, 1, 2]);
        assert!(keys.verify_token(nz, &[4, 1, 2], &t));
        assert!(keys.encrypt_chip_auth_data(&[1]).is_err());
        assert!(keys.decrypt_chip_auth_data(&[0; 16]).is_err());
    }

    #[test]
    fn dh_data_object_uses_tag_84() {
        let dh = PaceAlgorithm::from_oid("0.4.0.127.0.7.2.2.4.1.2").unwrap();
        let obj = public_key_data_object(dh, &[0xAB; 128]);
        assert_eq!(
            &obj[..19],
            // (vectors.md transcribes the length as 8194; the G.2 tokens verify only with 818F.)
            &h("7F49818F060A04007F00070202040102848180")[..]
        );
    }
}
