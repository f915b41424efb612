//! Key derivation (ICAO 9303-11 §9.7.1) and the BAC key seed from the MRZ (§9.7.2).

use sha1::{Digest, Sha1};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::Secret;

/// KDF counter for an encryption key (`c = 1`, ICAO 9303-11 §9.7.1).
pub const KDF_COUNTER_ENC: u32 = 1;
/// KDF counter for a MAC key (`c = 2`).
pub const KDF_COUNTER_MAC: u32 = 2;
/// KDF counter for the PACE password key K_π (`c = 3`).
pub const KDF_COUNTER_PACE: u32 = 3;

/// The kind of key the KDF should produce. It fixes the hash (SHA-1 or SHA-256), how many bytes
/// are kept, and whether DES parity is adjusted. BAC uses only [`KeyKind::Tdes2`]; PACE and chip
/// authentication can ask for AES keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyKind {
    /// Two-key 3DES (K1‖K2, used as K1‖K2‖K1): SHA-1, first 16 bytes, odd DES parity.
    Tdes2,
    /// AES-128: SHA-1, first 16 bytes.
    Aes128,
    /// AES-192: SHA-256, first 24 bytes.
    Aes192,
    /// AES-256: SHA-256, all 32 bytes.
    Aes256,
}

impl KeyKind {
    /// Length in bytes of a key of this kind.
    pub fn key_len(self) -> usize {
        match self {
            KeyKind::Tdes2 | KeyKind::Aes128 => 16,
            KeyKind::Aes192 => 24,
            KeyKind::Aes256 => 32,
        }
    }
}

/// A key produced by [`kdf`], tagged with its kind so it cannot be used with the wrong cipher.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum DerivedKey {
    /// Two-key 3DES key K1‖K2, parity adjusted.
    Tdes2(Secret<16>),
    /// AES-128 key.
    Aes128(Secret<16>),
    /// AES-192 key.
    Aes192(Secret<24>),
    /// AES-256 key.
    Aes256(Secret<32>),
}

impl DerivedKey {
    /// The kind of this key.
    pub fn kind(&self) -> KeyKind {
        match self {
            DerivedKey::Tdes2(_) => KeyKind::Tdes2,
            DerivedKey::Aes128(_) => KeyKind::Aes128,
            DerivedKey::Aes192(_) => KeyKind::Aes192,
            DerivedKey::Aes256(_) => KeyKind::Aes256,
        }
    }

    /// The raw key bytes (16, 24 or 32 of them).
    pub fn expose(&self) -> &[u8] {
        match self {
            DerivedKey::Tdes2(k) | DerivedKey::Aes128(k) => k.expose(),
            DerivedKey::Aes192(k) => k.expose(),
            DerivedKey::Aes256(k) => k.expose(),
        }
    }
}

/// Copies the first `N` bytes of `src` into a new secret (zero-filled if `src` is shorter,
/// which cannot happen for the digests used here).
fn first<const N: usize>(src: &[u8]) -> Secret<N> {
    let mut out = [0u8; N];
    for (o, i) in out.iter_mut().zip(src) {
        *o = *i;
    }
    let s = Secret::new(out);
    zeroize::Zeroize::zeroize(&mut out);
    s
}

fn sha1_kdf(seed: &[u8], counter: u32) -> Zeroizing<[u8; 20]> {
    Zeroizing::new(
        Sha1::new()
            .chain_update(seed)
            .chain_update(counter.to_be_bytes())
            .finalize()
            .into(),
    )
}

fn sha256_kdf(seed: &[u8], counter: u32) -> Zeroizing<[u8; 32]> {
    Zeroizing::new(
        Sha256::new()
            .chain_update(seed)
            .chain_update(counter.to_be_bytes())
            .finalize()
            .into(),
    )
}

/// ICAO 9303-11 §9.7.1 KDF: `H(seed ‖ counter as 32-bit big-endian)`, truncated to the key
/// length of `kind`, with DES odd parity set for 3DES keys.
///
/// `seed` is K_seed for BAC, the shared secret for PACE and chip authentication, or the
/// password for K_π; `counter` is one of [`KDF_COUNTER_ENC`], [`KDF_COUNTER_MAC`],
/// [`KDF_COUNTER_PACE`].
pub fn kdf(seed: &[u8], counter: u32, kind: KeyKind) -> DerivedKey {
    match kind {
        KeyKind::Tdes2 => DerivedKey::Tdes2(kdf_tdes(seed, counter)),
        KeyKind::Aes128 => DerivedKey::Aes128(first(sha1_kdf(seed, counter).as_slice())),
        KeyKind::Aes192 => DerivedKey::Aes192(first(sha256_kdf(seed, counter).as_slice())),
        KeyKind::Aes256 => DerivedKey::Aes256(first(sha256_kdf(seed, counter).as_slice())),
    }
}

/// The 3DES case of [`kdf`], returning the 16-byte two-key 3DES key directly: first 16 bytes of
/// `SHA-1(seed ‖ counter)`, DES parity adjusted. This is what BAC uses for K_enc/K_mac and
/// KS_enc/KS_mac.
pub fn kdf_tdes(seed: &[u8], counter: u32) -> Secret<16> {
    let digest = sha1_kdf(seed, counter);
    let mut key = first::<16>(digest.as_slice());
    let mut bytes = *key.expose();
    adjust_des_parity(&mut bytes);
    key = Secret::new(bytes);
    zeroize::Zeroize::zeroize(&mut bytes);
    key
}

/// Sets the least significant bit of every byte so each byte has an odd number of one bits,
/// the DES key parity convention (ICAO 9303-11 §9.7.1 requires it for 3DES keys). The cipher
/// ignores these bits, but the worked examples and interoperable chips print parity-adjusted keys.
pub fn adjust_des_parity(key: &mut [u8]) {
    for b in key {
        let high = *b & 0xFE;
        *b = high | u8::from(high.count_ones() % 2 == 0);
    }
}

/// BAC K_seed (ICAO 9303-11 §9.7.2): the first 16 bytes of `SHA-1(MRZ_information)`, where
/// MRZ_information is document number ‖ check digit ‖ date of birth ‖ check digit ‖ date of
/// expiry ‖ check digit, as built by the `mrz` module.
pub fn mrz_key_seed(mrz_information: &[u8]) -> Secret<16> {
    let digest: Zeroizing<[u8; 20]> = Zeroizing::new(Sha1::digest(mrz_information).into());
    first(digest.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parity_is_odd_on_every_byte() {
        let orig: Vec<u8> = (0..=255).collect();
        let mut k = orig.clone();
        adjust_des_parity(&mut k);
        for (b, o) in k.iter().zip(&orig) {
            assert_eq!(b.count_ones() % 2, 1);
            assert_eq!(b & 0xFE, o & 0xFE);
        }
    }

    #[test]
    fn key_lengths_follow_the_kind() {
        for kind in [
            KeyKind::Tdes2,
            KeyKind::Aes128,
            KeyKind::Aes192,
            KeyKind::Aes256,
        ] {
            let k = kdf(b"seed", KDF_COUNTER_ENC, kind);
            assert_eq!(k.kind(), kind);
            assert_eq!(k.expose().len(), kind.key_len());
        }
    }

    #[test]
    fn aes_kdf_truncates_the_right_hash() {
        // AES-128 = SHA-1 prefix; AES-256 = whole SHA-256; AES-192 = SHA-256 prefix.
        let seed = b"0123456789";
        let s1: [u8; 20] = Sha1::new()
            .chain_update(seed)
            .chain_update([0, 0, 0, 1])
            .finalize()
            .into();
        let s256: [u8; 32] = Sha256::new()
            .chain_update(seed)
            .chain_update([0, 0, 0, 2])
            .finalize()
            .into();
        assert_eq!(kdf(seed, 1, KeyKind::Aes128).expose(), &s1[..16]);
        assert_eq!(kdf(seed, 2, KeyKind::Aes256).expose(), &s256[..]);
        assert_eq!(kdf(seed, 2, KeyKind::Aes192).expose(), &s256[..24]);
    }
}
