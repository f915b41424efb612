//! Basic Access Control, terminal side (ICAO 9303-11 §4.3), sans-IO.
//!
//! ```text
//! let bac = Bac::new(mrz_information);                 // K_seed → K_enc, K_mac
//! send Bac::get_challenge_apdu()  → reply → Bac::parse_challenge(reply)?  = RND.IC
//! let (apdu, pending) = bac.external_authenticate(&rnd_ic, rnd_ifd, k_ifd);
//! send apdu → reply → pending.finish(reply)?          = SecureMessaging (KS_enc, KS_mac, SSC)
//! ```
//!
//! RND.IFD and K.IFD are passed in by the caller, which draws them from its injected
//! `rand_core::CryptoRng`; that is what lets the tests reproduce ICAO 9303-11 Appendix D exactly.
//! The types move forward only (`Bac` → [`BacPending`] → [`SecureMessaging`]), and every secret
//! they hold is zeroized on drop.

use subtle::ConstantTimeEq;
use zeroize::ZeroizeOnDrop;

use crate::crypto::{
    KDF_COUNTER_ENC, KDF_COUNTER_MAC, Secret, des3_cbc_decrypt, des3_cbc_encrypt, kdf_tdes,
    mrz_key_seed, retail_mac,
};
use crate::error::{Error, ErrorCode};
use crate::sm::SecureMessaging;

/// Status word for success.
const SW_OK: [u8; 2] = [0x90, 0x00];

/// Length of the EXTERNAL AUTHENTICATE cryptogram E_IFD / E_IC.
const CRYPTOGRAM_LEN: usize = 32;
/// Length of the EXTERNAL AUTHENTICATE data (E ‖ M) and of its expected response data.
const AUTH_DATA_LEN: usize = 40;

/// Why BAC failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BacError {
    /// The chip refused with a status word other than 9000 (typically 6300 or 6982 for a wrong
    /// MRZ). The access key is wrong or BAC is not allowed.
    #[error("chip rejected BAC with status {sw:04X}")]
    Rejected {
        /// The status word the chip returned.
        sw: u16,
    },
    /// The chip's M_IC does not verify under K_mac: it does not hold the key derived from this
    /// MRZ (or the reply was altered).
    #[error("chip's BAC response MAC does not verify")]
    MacMismatch,
    /// The decrypted response does not echo our RND.IFD or the chip's RND.IC.
    #[error("chip's BAC response does not echo the challenges")]
    ChallengeMismatch,
    /// The reply had the wrong length or shape.
    #[error("BAC reply is malformed")]
    Malformed,
}

impl From<BacError> for Error {
    fn from(e: BacError) -> Self {
        let code = match e {
            BacError::Malformed => ErrorCode::ChipProtocol,
            BacError::Rejected { .. } | BacError::MacMismatch | BacError::ChallengeMismatch => {
                ErrorCode::AccessDenied
            }
        };
        Error::new(code, e.to_string())
    }
}

/// Splits `data ‖ SW1 SW2`, mapping a non-9000 status word to [`BacError::Rejected`].
fn split_ok(response: &[u8]) -> Result<&[u8], BacError> {
    let (data, sw) = response
        .split_last_chunk::<2>()
        .ok_or(BacError::Malformed)?;
    if *sw == SW_OK {
        Ok(data)
    } else {
        Err(BacError::Rejected {
            sw: u16::from_be_bytes(*sw),
        })
    }
}

/// The BAC document basic access keys K_enc and K_mac, derived from the MRZ information.
/// Start of the BAC exchange; reusable if the exchange has to be restarted.
#[derive(Clone)]
pub struct Bac {
    k_enc: Secret<16>,
    k_mac: Secret<16>,
}

// Every field is a `Secret`, which wipes itself on drop.
impl ZeroizeOnDrop for Bac {}

impl core::fmt::Debug for Bac {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Bac(<redacted>)")
    }
}

impl Bac {
    /// Derives K_seed = SHA-1(MRZ_information)[..16], then K_enc = KDF(K_seed, 1) and
    /// K_mac = KDF(K_seed, 2) (ICAO 9303-11 §9.7.2, §9.7.1). `mrz_information` is document
    /// number ‖ check digit ‖ birth date ‖ check digit ‖ expiry date ‖ check digit, as built by
    /// the MRZ key.
    pub fn new(mrz_information: &[u8]) -> Self {
        let seed = mrz_key_seed(mrz_information);
        Self {
            k_enc: kdf_tdes(seed.expose(), KDF_COUNTER_ENC),
            k_mac: kdf_tdes(seed.expose(), KDF_COUNTER_MAC),
        }
    }

    /// K_enc, for tests against the worked example and for the virtual chip.
    pub fn k_enc(&self) -> &Secret<16> {
        &self.k_enc
    }

    /// K_mac, for tests against the worked example and for the virtual chip.
    pub fn k_mac(&self) -> &Secret<16> {
        &self.k_mac
    }

    /// The GET CHALLENGE command asking the chip for its 8-byte RND.IC: `00 84 00 00 08`.
    pub fn get_challenge_apdu() -> [u8; 5] {
        [0x00, 0x84, 0x00, 0x00, 0x08]
    }

    /// Extracts RND.IC from the GET CHALLENGE reply (`RND.IC ‖ 9000`). A non-9000 status word is
    /// [`BacError::Rejected`]; any other shape is [`BacError::Malformed`].
    pub fn parse_challenge(response: &[u8]) -> Result<[u8; 8], BacError> {
        let data = split_ok(response)?;
        data.try_into().map_err(|_| BacError::Malformed)
    }

    /// Builds the EXTERNAL AUTHENTICATE command (ICAO 9303-11 §4.3.3.2):
    /// S = RND.IFD ‖ RND.IC ‖ K.IFD, E_IFD = 3DES-CBC(K_enc, S), M_IFD = retail MAC(K_mac, E_IFD),
    /// command `00 82 00 00 28 ‖ E_IFD ‖ M_IFD ‖ 28`.
    ///
    /// Returns the command bytes and the [`BacPending`] state that checks the chip's reply.
    /// `rnd_ifd` and `k_ifd` must come from a cryptographically secure RNG.
    pub fn external_authenticate(
        &self,
        rnd_ic: &[u8; 8],
        rnd_ifd: [u8; 8],
        k_ifd: [u8; 16],
    ) -> (Vec<u8>, BacPending) {
        let mut s = zeroize::Zeroizing::new([0u8; CRYPTOGRAM_LEN]);
        for (d, b) in s.iter_mut().zip(rnd_ifd.iter().chain(rnd_ic).chain(&k_ifd)) {
            *d = *b;
        }
        // `s` is 32 bytes, a whole number of blocks, so encryption cannot fail; an empty
        // cryptogram (never produced) would simply be rejected by the chip.
        let e_ifd = des3_cbc_encrypt(self.k_enc.expose(), s.as_slice()).unwrap_or_default();
        let m_ifd = retail_mac(self.k_mac.expose(), &e_ifd);

        let mut apdu = Vec::with_capacity(5 + AUTH_DATA_LEN + 1);
        apdu.extend_from_slice(&[0x00, 0x82, 0x00, 0x00, 0x28]);
        apdu.extend_from_slice(&e_ifd);
        apdu.extend_from_slice(&m_ifd);
        apdu.push(0x28);

        let pending = BacPending {
            k_enc: self.k_enc.clone(),
            k_mac: self.k_mac.clone(),
            rnd_ic: Secret::new(*rnd_ic),
            rnd_ifd: Secret::new(rnd_ifd),
            k_ifd: Secret::new(k_ifd),
        };
        (apdu, pending)
    }
}

/// BAC after EXTERNAL AUTHENTICATE was sent: holds what is needed to check the chip's reply
/// and derive the session keys. Consumed by [`BacPending::finish`].
pub struct BacPending {
    k_enc: Secret<16>,
    k_mac: Secret<16>,
    rnd_ic: Secret<8>,
    rnd_ifd: Secret<8>,
    k_ifd: Secret<16>,
}

// Every field is a `Secret`, which wipes itself on drop.
impl ZeroizeOnDrop for BacPending {}

impl core::fmt::Debug for BacPending {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("BacPending(<redacted>)")
    }
}

impl BacPending {
    /// Checks the EXTERNAL AUTHENTICATE reply `E_IC ‖ M_IC ‖ 9000` and opens secure messaging
    /// (ICAO 9303-11 §4.3.3.2, §9.7.4):
    ///
    /// 1. a non-9000 status word → [`BacError::Rejected`] (wrong MRZ: 6300, 6982, …);
    /// 2. M_IC is verified in constant time before decrypting → [`BacError::MacMismatch`];
    /// 3. R = RND.IC ‖ RND.IFD ‖ K.IC must echo both challenges → [`BacError::ChallengeMismatch`];
    /// 4. KS_seed = K.IFD ⊕ K.IC, KS_enc/KS_mac = KDF(KS_seed, 1/2),
    ///    SSC = RND.IC[4..8] ‖ RND.IFD[4..8].
    pub fn finish(self, response: &[u8]) -> Result<SecureMessaging, BacError> {
        let data = split_ok(response)?;
        if data.len() != AUTH_DATA_LEN {
            return Err(BacError::Malformed);
        }
        let (e_ic, m_ic) = data
            .split_at_checked(CRYPTOGRAM_LEN)
            .ok_or(BacError::Malformed)?;
        let expected = retail_mac(self.k_mac.expose(), e_ic);
        if !bool::from(expected.as_slice().ct_eq(m_ic)) {
            return Err(BacError::MacMismatch);
        }

        let r = zeroize::Zeroizing::new(
            des3_cbc_decrypt(self.k_enc.expose(), e_ic).map_err(|_| BacError::Malformed)?,
        );
        let (rnd_ic, rest) = r.split_first_chunk::<8>().ok_or(BacError::Malformed)?;
        let (rnd_ifd, k_ic) = rest.split_first_chunk::<8>().ok_or(BacError::Malformed)?;
        let echoes = rnd_ic.ct_eq(self.rnd_ic.expose()) & rnd_ifd.ct_eq(self.rnd_ifd.expose());
        if !bool::from(echoes) {
            return Err(BacError::ChallengeMismatch);
        }

        let mut ks_seed = zeroize::Zeroizing::new([0u8; 16]);
        for ((s, a), b) in ks_seed.iter_mut().zip(self.k_ifd.expose()).zip(k_ic) {
            *s = a ^ b;
        }
        let ks_enc = kdf_tdes(ks_seed.as_slice(), KDF_COUNTER_ENC);
        let ks_mac = kdf_tdes(ks_seed.as_slice(), KDF_COUNTER_MAC);

        let mut ssc = [0u8; 8];
        let tails = self
            .rnd_ic
            .expose()
            .iter()
            .skip(4)
            .chain(self.rnd_ifd.expose().iter().skip(4));
        for (d, s) in ssc.iter_mut().zip(tails) {
            *d = *s;
        }
        Ok(SecureMessaging::tdes(ks_enc.expose(), ks_mac.expose(), ssc))
    }
}
