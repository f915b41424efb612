//! Building blocks shared by the LDS parsers: the outer object, tag lists, text and dates.

use crate::codec::tlv::{Tlv, TlvIter};

use super::error::LdsError;
use super::file::LdsFile;

/// Decodes the outer object of `file` from `bytes`, checking its tag.
///
/// The outer length is authoritative. Bytes after the outer object are accepted only when
/// they are all `00` or all `FF` (a dump padded to a block size); anything else is rejected,
/// because it means the file is not what its header says.
pub(crate) fn outer(file: LdsFile, bytes: &[u8]) -> Result<Tlv<'_>, LdsError> {
    let expected = file.outer_tag().ok_or(LdsError::NotLds(file))?;
    let (tlv, rest) = Tlv::parse(bytes).map_err(LdsError::tlv(file))?;
    if tlv.tag != u32::from(expected) {
        return Err(LdsError::WrongOuterTag {
            file,
            expected,
            found: tlv.tag,
        });
    }
    let padding = rest.iter().all(|b| *b == 0x00) || rest.iter().all(|b| *b == 0xFF);
    if !padding {
        return Err(LdsError::TrailingBytes {
            file,
            count: rest.len(),
        });
    }
    Ok(tlv)
}

/// All the TLVs directly inside `value`, or the first decoding error.
pub(crate) fn children(file: LdsFile, value: &[u8]) -> Result<Vec<Tlv<'_>>, LdsError> {
    TlvIter::new(value)
        .collect::<Result<Vec<_>, _>>()
        .map_err(LdsError::tlv(file))
}

/// Splits a tag list (the value of tag `5C`) into tags, using the BER tag rules:
/// a first byte with its low five bits set is followed by bytes while bit 8 is set.
pub(crate) fn tag_list(file: LdsFile, value: &[u8]) -> Result<Vec<u32>, LdsError> {
    let mut tags = Vec::new();
    let mut bytes = value.iter();
    while let Some(&first) = bytes.next() {
        let mut tag = u32::from(first);
        if first & 0x1F == 0x1F {
            let mut len = 1;
            loop {
                let &b = bytes
                    .next()
                    .ok_or_else(|| LdsError::invalid(file, "tag list ends inside a tag"))?;
                tag = (tag << 8) | u32::from(b);
                len += 1;
                if b & 0x80 == 0 {
                    break;
                }
                if len >= 4 {
                    return Err(LdsError::invalid(file, "tag list holds a tag over 4 bytes"));
                }
            }
        }
        tags.push(tag);
    }
    Ok(tags)
}

/// Text of a data object: UTF-8 as ICAO 9303-10 says, with invalid sequences replaced
/// (U+FFFD) rather than rejected, because a badly encoded name should still be shown.
pub(crate) fn text(value: &[u8]) -> String {
    String::from_utf8_lossy(value).into_owned()
}

/// A date as 8 digits `YYYYMMDD`: either given as ASCII digits or packed BCD in 4 bytes
/// (both occur for DG11 `5F2B` and DG12 `5F26`). Anything else is kept as text, so an odd
/// date never makes the whole data group unreadable.
pub(crate) fn date(value: &[u8]) -> String {
    digits(value, 4)
}

/// Digits given as ASCII, or as packed BCD in exactly `bcd_len` bytes; other content is kept
/// as text.
pub(crate) fn digits(value: &[u8], bcd_len: usize) -> String {
    if value.len() == bcd_len && value.iter().all(|b| b >> 4 <= 9 && b & 0x0F <= 9) {
        return value
            .iter()
            .flat_map(|b| [char::from(b'0' + (b >> 4)), char::from(b'0' + (b & 0x0F))])
            .collect();
    }
    text(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_list_splits_multi_byte_tags() {
        let f = LdsFile::Com;
        assert_eq!(
            tag_list(f, &[0x5F, 0x0E, 0x61, 0xA0, 0x5F, 0x81, 0x01]).unwrap(),
            vec![0x5F0E, 0x61, 0xA0, 0x5F_8101]
        );
        assert!(tag_list(f, &[0x61, 0x5F]).is_err());
    }

    #[test]
    fn dates_accept_ascii_and_bcd() {
        assert_eq!(date(b"19710101"), "19710101");
        assert_eq!(date(&[0x19, 0x71, 0x01, 0x02]), "19710102");
        assert_eq!(date(&[0x1A, 0x71, 0x01, 0x02]), "\u{1a}q\u{1}\u{2}");
    }

    #[test]
    fn outer_tolerates_padding_but_not_garbage() {
        let f = LdsFile::Com;
        assert!(outer(f, &[0x60, 0x01, 0xAA, 0x00, 0x00]).is_ok());
        assert!(outer(f, &[0x60, 0x01, 0xAA, 0xFF]).is_ok());
        assert_eq!(
            outer(f, &[0x60, 0x01, 0xAA, 0x01]),
            Err(LdsError::TrailingBytes { file: f, count: 1 })
        );
        assert!(matches!(
            outer(f, &[0x61, 0x01, 0xAA]),
            Err(LdsError::WrongOuterTag { .. })
        ));
    }
}
