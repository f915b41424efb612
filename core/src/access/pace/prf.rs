//! The pseudo-random function R_p(s, t) of PACE Integrated Mapping (ICAO 9303-11 §4.4.3.3.2,
//! Figure 2): the block-cipher construction of Part 11, not the older Icart-style encoding of
//! BSI TR-03110 v2.0x.
//!
//! ```text
//! k_0     = E(t, s)                      t is a cipher key (the terminal's nonce), s the chip's nonce
//! x_{i+1} = E(k_i, c_1)                  E is the PACE cipher in CBC mode with IV = 0,
//! k_{i+1} = E(k_i, c_0)                  k_i truncated to the key length where longer
//! R       = x_1 ‖ … ‖ x_n   with the least n such that n·l ≥ log2(p) + 64
//! ```
//!
//! `l` is the length of the constants c_0, c_1 and of s: 128 bits for 3DES and AES-128, 256 bits
//! for AES-192/256 (the two constant pairs below). The caller (the key-agreement group) reduces
//! R mod p and maps it to a generator. Pinned by ICAO 9303-11 Appendix H.1 (bp256, 3 blocks) and
//! H.2 (1024-bit MODP, 9 blocks); the 256-bit constants are only transcribed, no worked example
//! covers them.

use zeroize::Zeroizing;

use super::nonce::cbc_encrypt_zero_iv;
use super::{PaceCipher, PaceError, PaceStep};
use crate::crypto::ka::Group;

/// c_0 and c_1 for l = 128.
const C0_128: [u8; 16] = [
    0xA6, 0x68, 0x89, 0x2A, 0x7C, 0x41, 0xE3, 0xCA, 0x73, 0x9F, 0x40, 0xB0, 0x57, 0xD8, 0x59, 0x04,
];
const C1_128: [u8; 16] = [
    0xA4, 0xE1, 0x36, 0xAC, 0x72, 0x5F, 0x73, 0x8B, 0x01, 0xC1, 0xF6, 0x02, 0x17, 0xC1, 0x88, 0xAD,
];
/// c_0 and c_1 for l = 256.
const C0_256: [u8; 32] = [
    0xD4, 0x63, 0xD6, 0x52, 0x34, 0x12, 0x4E, 0xF7, 0x89, 0x70, 0x54, 0x98, 0x6D, 0xCA, 0x0A, 0x17,
    0x4E, 0x28, 0xDF, 0x75, 0x8C, 0xBA, 0xA0, 0x3F, 0x24, 0x06, 0x16, 0x41, 0x4D, 0x5A, 0x16, 0x76,
];
const C1_256: [u8; 32] = [
    0x54, 0xBD, 0x72, 0x55, 0xF0, 0xAA, 0xF8, 0x31, 0xBE, 0xC3, 0x42, 0x3F, 0xCF, 0x39, 0xD6, 0x9B,
    0x6C, 0xBF, 0x06, 0x66, 0x77, 0xD0, 0xFA, 0xAE, 0x5A, 0xAD, 0xD9, 0x9D, 0xF8, 0xE5, 0x35, 0x17,
];

/// Length in bytes of the nonces s (chip) and t (terminal) that Integrated Mapping with
/// `cipher` uses: s is `l` bits (16 bytes for 3DES and AES-128, 32 for AES-192/256), t is a key
/// of the cipher.
pub fn integrated_mapping_nonce_lengths(cipher: PaceCipher) -> (usize, usize) {
    let l = if cipher.key_len() <= 16 { 16 } else { 32 };
    (l, cipher.key_len())
}

/// R_p(s, t) of ICAO 9303-11 §4.4.3.3.2 before the reduction mod p: `x_1 ‖ … ‖ x_n`, where
/// `p_bits` is the bit length of the field prime p (EC) or of the DH modulus p.
///
/// `chip_nonce` (s, decrypted) must have the length l of the constants and `terminal_nonce`
/// (t) the cipher's key length, see [`integrated_mapping_nonce_lengths`];
/// otherwise [`PaceError::Malformed`] (step: mapping).
pub fn integrated_mapping_prf(
    cipher: PaceCipher,
    chip_nonce: &[u8],
    terminal_nonce: &[u8],
    p_bits: usize,
) -> Result<Zeroizing<Vec<u8>>, PaceError> {
    let (l_bytes, key_len) = integrated_mapping_nonce_lengths(cipher);
    let (c0, c1): (&[u8], &[u8]) = if l_bytes == 16 {
        (&C0_128, &C1_128)
    } else {
        (&C0_256, &C1_256)
    };
    if chip_nonce.len() != l_bytes {
        return Err(PaceError::malformed(
            PaceStep::Mapping,
            "chip nonce s has the wrong length for Integrated Mapping",
        ));
    }
    if terminal_nonce.len() != key_len {
        return Err(PaceError::malformed(
            PaceStep::Mapping,
            "terminal nonce t has the wrong length for Integrated Mapping",
        ));
    }
    let cipher_failed =
        || PaceError::malformed(PaceStep::Mapping, "Integrated Mapping cipher failed");

    let blocks = p_bits.saturating_add(64).div_ceil(l_bytes * 8);
    // k_0 = E(t, s).
    let mut k_i = Zeroizing::new(
        cbc_encrypt_zero_iv(terminal_nonce, cipher, chip_nonce).ok_or_else(cipher_failed)?,
    );
    let mut out = Zeroizing::new(Vec::with_capacity(blocks * l_bytes));
    for _ in 0..blocks {
        let key = k_i.get(..key_len).ok_or_else(cipher_failed)?;
        let x_next =
            Zeroizing::new(cbc_encrypt_zero_iv(key, cipher, c1).ok_or_else(cipher_failed)?);
        let k_next =
            Zeroizing::new(cbc_encrypt_zero_iv(key, cipher, c0).ok_or_else(cipher_failed)?);
        out.extend_from_slice(&x_next);
        k_i = k_next;
    }
    Ok(out)
}

/// The bit length of p that R_p(s, t) sizes its output for.
///
/// `Group` exposes |p| in bytes only; 8·|p| gives the same block count n = ⌈(log2 p + 64)/l⌉
/// as the exact bit length for every standardized group (P-521: both give 5 blocks of 128
/// bits). DH groups expose p, so their exact length is used.
pub fn field_bits(group: &Group) -> usize {
    match group.dh_parameters() {
        Some((p, _, _)) => crate::crypto::ec::bit_length(&p),
        None => group.field_len() * 8,
    }
}

/// Integrated Mapping, both sides (ICAO 9303-11 §4.4.3.3.2): the group with generator
/// f_G(R_p(s, t)) (EC) or R_p(s, t)^((p−1)/q) (DH). A degenerate result is
/// [`PaceError::MappingFailed`]; nonce lengths as for [`integrated_mapping_prf`].
pub fn integrated_mapping(
    group: &Group,
    cipher: PaceCipher,
    chip_nonce: &[u8],
    terminal_nonce: &[u8],
) -> Result<Group, PaceError> {
    let x = integrated_mapping_prf(cipher, chip_nonce, terminal_nonce, field_bits(group))?;
    group
        .map_integrated(&x)
        .map_err(|e| PaceError::MappingFailed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    #[test]
    fn matches_icao_h1_ecdh_bp256() {
        let r = integrated_mapping_prf(
            PaceCipher::Aes128,
            &h("2923BE84E16CD6AE529049F1F1BBE9EB"),
            &h("5DD4CBFC96F5453B130D890A1CDBAE32"),
            256,
        )
        .unwrap();
        assert_eq!(
            *r,
            h(
                "E4447E2DFB3586BAC05DDB00156B57FBB2179A3949294C97254189800C517BAA\
               8DA0FF397ED8C445D3E421E4FEB57322"
            )
        );
    }

    #[test]
    fn matches_icao_h2_dh_1024() {
        let r = integrated_mapping_prf(
            PaceCipher::Aes128,
            &h("FA5B7E3E49753A0DB9178B7B9BD898C8"),
            &h("B3A6DB3C870C3E99245E0D1C06B747DE"),
            1024,
        )
        .unwrap();
        assert_eq!(r.len(), 144);
        assert_eq!(
            *r,
            h(
                "EAB98D13E09052952AA729907C3C946184DEA0FE74AD2B3AF506F0A83018459C\
               38099CD1F7FF4EA0A078DB1FAC1365505E3DC85500EF95E20B4EEF2E88489233\
               BEE0546B472F994B618D168702406791DEEF3CB4810932EC278F3533FDB860EB\
               4835C36FA4F1BF3FA0B828A718C96BDE88FBA38A3E6C35AAA10959251EB5FC71\
               0FC187258995944C0F926E249373F485"
            )
        );
    }

    #[test]
    fn block_count_and_lengths() {
        // P-521: ⌈(521 + 64) / 128⌉ = 5 blocks; AES-256: ⌈(384 + 64) / 256⌉ = 2 blocks of 32.
        let r = integrated_mapping_prf(PaceCipher::Aes128, &[1; 16], &[2; 16], 521).unwrap();
        assert_eq!(r.len(), 80);
        let r = integrated_mapping_prf(PaceCipher::Aes256, &[1; 32], &[2; 32], 384).unwrap();
        assert_eq!(r.len(), 64);
        let r = integrated_mapping_prf(PaceCipher::Aes192, &[1; 32], &[2; 24], 256).unwrap();
        assert_eq!(r.len(), 64);
        let r = integrated_mapping_prf(PaceCipher::Tdes, &[1; 16], &[2; 16], 256).unwrap();
        assert_eq!(r.len(), 48);
        assert_eq!(
            integrated_mapping_nonce_lengths(PaceCipher::Aes192),
            (32, 24)
        );
        for (s, t) in [(15, 16), (16, 15), (32, 16), (0, 16)] {
            assert!(matches!(
                integrated_mapping_prf(PaceCipher::Aes128, &vec![1; s], &vec![2; t], 256),
                Err(PaceError::Malformed {
                    step: PaceStep::Mapping,
                    ..
                })
            ));
        }
    }
}
