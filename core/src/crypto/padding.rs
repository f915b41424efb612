//! ISO/IEC 9797-1 padding method 2: append `80`, then `00` up to a whole block.

use super::CryptoError;

/// Pads `data` with ISO/IEC 9797-1 method 2 to a multiple of `block_size` (8 for DES, 16 for
/// AES). A full block of padding is added when `data` is already aligned, as the method
/// requires. Used for the secure-messaging MAC input, the encrypted DOs and the BAC MACs.
///
/// A `block_size` of 0 is treated as 1.
pub fn pad_m2(data: &[u8], block_size: usize) -> Vec<u8> {
    let bs = block_size.max(1);
    let padded_len = (data.len() / bs + 1) * bs;
    let mut out = Vec::with_capacity(padded_len);
    out.extend_from_slice(data);
    out.push(0x80);
    out.resize(padded_len, 0x00);
    out
}

/// Removes ISO/IEC 9797-1 method 2 padding, strictly: `data` must be a non-empty multiple of
/// `block_size`, end in `80 00…00`, and the padding must fit in one block. Anything else is
/// [`CryptoError::BadPadding`] (never a panic).
///
/// This check is not constant-time; secure messaging only unpads after the MAC has been
/// verified, so it is no padding oracle.
pub fn unpad_m2(data: &[u8], block_size: usize) -> Result<&[u8], CryptoError> {
    let bs = block_size.max(1);
    if data.is_empty() || !data.len().is_multiple_of(bs) {
        return Err(CryptoError::BadPadding);
    }
    let marker = data
        .iter()
        .rposition(|&b| b != 0x00)
        .ok_or(CryptoError::BadPadding)?;
    if data.get(marker) != Some(&0x80) || data.len() - marker > bs {
        return Err(CryptoError::BadPadding);
    }
    data.get(..marker).ok_or(CryptoError::BadPadding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pad_adds_a_full_block_when_aligned() {
        assert_eq!(
            pad_m2(&[1; 8], 8),
            [&[1u8; 8][..], &[0x80, 0, 0, 0, 0, 0, 0, 0]].concat()
        );
        assert_eq!(pad_m2(&[], 8), vec![0x80, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            pad_m2(&[1, 2, 3, 4, 5, 6, 7], 8),
            vec![1, 2, 3, 4, 5, 6, 7, 0x80]
        );
        assert_eq!(pad_m2(&[9], 16).len(), 16);
    }

    #[test]
    fn unpad_round_trips() {
        for len in 0..40u8 {
            let data: Vec<u8> = (0..len).collect();
            for bs in [8, 16] {
                assert_eq!(unpad_m2(&pad_m2(&data, bs), bs).unwrap(), &data[..]);
            }
        }
    }

    #[test]
    fn unpad_is_strict() {
        let bad: [&[u8]; 6] = [
            &[],
            &[1, 2, 3, 0x80],             // not block aligned
            &[0; 8],                      // no marker
            &[1, 2, 3, 4, 5, 6, 7, 8],    // no marker
            &[1, 2, 3, 4, 5, 6, 0x81, 0], // wrong marker
            &[0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], // padding longer than a block
        ];
        for b in bad {
            assert_eq!(unpad_m2(b, 8), Err(CryptoError::BadPadding), "{b:02X?}");
        }
    }
}
