//! ISO/IEC 7816-4 BER-TLV: multi-byte tags, long-form lengths, bounded nesting.
//!
//! Every function here takes untrusted bytes from a chip or a file and returns an error rather
//! than panicking. Values are borrowed from the input, so hashes can later be computed over the
//! original bytes.

use crate::error::{Error, ErrorCode};

/// Deepest nesting [`Tlv::children`] users are expected to walk; LDS structures are at most
/// five levels deep, so anything far beyond this is hostile or broken.
pub const MAX_DEPTH: usize = 16;

/// Why a TLV could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlvError {
    /// The input ended inside a tag, length or value.
    #[error("TLV truncated: needed {needed} more byte(s)")]
    Truncated {
        /// How many bytes were missing (at least).
        needed: usize,
    },
    /// A tag longer than four bytes, or the reserved tag encoding.
    #[error("TLV tag malformed")]
    BadTag,
    /// A length that is reserved (0x80 indefinite, 0xFF) or wider than four bytes.
    #[error("TLV length malformed (first length byte {0:#04x})")]
    BadLength(u8),
    /// Nesting deeper than [`MAX_DEPTH`].
    #[error("TLV nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// A different tag was found where a specific one was required.
    #[error("expected tag {expected:#x}, found {found:#x}")]
    UnexpectedTag {
        /// The tag the caller required.
        expected: u32,
        /// The tag present in the data.
        found: u32,
    },
    /// A required tag was not present.
    #[error("tag {0:#x} missing")]
    Missing(u32),
}

impl From<TlvError> for Error {
    fn from(e: TlvError) -> Self {
        Error::new(ErrorCode::LdsFormat, e.to_string())
    }
}

/// One decoded TLV, borrowing from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The tag with all its bytes, big-endian (e.g. `0x5F1F`, `0x7F61`).
    pub tag: u32,
    /// The value bytes.
    pub value: &'a [u8],
    /// The whole encoding (tag, length and value) as found in the input.
    pub raw: &'a [u8],
}

/// The decoded header of a TLV: what is needed to know a file's size from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The tag, big-endian.
    pub tag: u32,
    /// Bytes taken by tag and length.
    pub header_len: usize,
    /// Bytes of the value.
    pub value_len: usize,
}

impl Header {
    /// Total encoded size: header plus value.
    pub fn total_len(&self) -> usize {
        self.header_len.saturating_add(self.value_len)
    }
}

/// Whether a tag's first byte marks a constructed encoding (bit 6).
pub fn is_constructed(tag: u32) -> bool {
    let first = tag.to_be_bytes().into_iter().find(|b| *b != 0).unwrap_or(0);
    first & 0x20 != 0
}

/// Decodes a tag and a length, without requiring the value to be present.
///
/// Used to learn a file's size from its first few bytes before reading the rest.
pub fn parse_header(input: &[u8]) -> Result<Header, TlvError> {
    let (tag, tag_len) = parse_tag(input)?;
    let rest = input.get(tag_len..).unwrap_or_default();
    let (value_len, len_len) = parse_length(rest)?;
    Ok(Header {
        tag,
        header_len: tag_len + len_len,
        value_len,
    })
}

fn parse_tag(input: &[u8]) -> Result<(u32, usize), TlvError> {
    let first = *input.first().ok_or(TlvError::Truncated { needed: 1 })?;
    if first == 0x00 || first == 0xFF {
        // ISO 7816-4 §5.2.2.1: 00 and FF are not valid first tag bytes (padding).
        return Err(TlvError::BadTag);
    }
    if first & 0x1F != 0x1F {
        return Ok((u32::from(first), 1));
    }
    let mut tag = u32::from(first);
    for i in 1..4 {
        let b = *input.get(i).ok_or(TlvError::Truncated { needed: 1 })?;
        tag = (tag << 8) | u32::from(b);
        if b & 0x80 == 0 {
            return Ok((tag, i + 1));
        }
    }
    Err(TlvError::BadTag)
}

fn parse_length(input: &[u8]) -> Result<(usize, usize), TlvError> {
    let first = *input.first().ok_or(TlvError::Truncated { needed: 1 })?;
    if first < 0x80 {
        return Ok((usize::from(first), 1));
    }
    let n = usize::from(first & 0x7F);
    if n == 0 || n > 4 {
        return Err(TlvError::BadLength(first));
    }
    let bytes = input.get(1..=n).ok_or(TlvError::Truncated {
        needed: n + 1 - input.len().min(n + 1),
    })?;
    let len = bytes
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
    Ok((len, n + 1))
}

impl<'a> Tlv<'a> {
    /// Decodes the first TLV in `input` and returns it with the bytes that follow it.
    pub fn parse(input: &'a [u8]) -> Result<(Tlv<'a>, &'a [u8]), TlvError> {
        let header = parse_header(input)?;
        let end = header.total_len();
        if input.len() < end {
            return Err(TlvError::Truncated {
                needed: end - input.len(),
            });
        }
        let (raw, rest) = input.split_at(end);
        let value = raw.get(header.header_len..).unwrap_or_default();
        Ok((
            Tlv {
                tag: header.tag,
                value,
                raw,
            },
            rest,
        ))
    }

    /// Decodes the first TLV of `input`, which must carry `tag`.
    ///
    /// Bytes after it are ignored: files are read in whole blocks and some real chips pad
    /// after the outer object (seen in EF.CardAccess), so the outer length is authoritative.
    pub fn parse_single(input: &'a [u8], tag: u32) -> Result<Tlv<'a>, TlvError> {
        let (tlv, _rest) = Tlv::parse(input)?;
        if tlv.tag != tag {
            return Err(TlvError::UnexpectedTag {
                expected: tag,
                found: tlv.tag,
            });
        }
        Ok(tlv)
    }

    /// Iterates over the TLVs inside this one's value (one level down).
    pub fn children(&self) -> TlvIter<'a> {
        TlvIter::new(self.value)
    }

    /// The first child with `tag`, if any (one level down).
    pub fn child(&self, tag: u32) -> Result<Option<Tlv<'a>>, TlvError> {
        find(self.value, tag)
    }

    /// The first child with `tag`, or [`TlvError::Missing`].
    pub fn require(&self, tag: u32) -> Result<Tlv<'a>, TlvError> {
        self.child(tag)?.ok_or(TlvError::Missing(tag))
    }
}

/// Iterator over consecutive TLVs; yields an error once and then stops.
#[derive(Debug, Clone)]
pub struct TlvIter<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> TlvIter<'a> {
    /// Iterates over the TLVs concatenated in `input`.
    pub fn new(input: &'a [u8]) -> Self {
        Self {
            rest: input,
            failed: false,
        }
    }
}

impl<'a> Iterator for TlvIter<'a> {
    type Item = Result<Tlv<'a>, TlvError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        match Tlv::parse(self.rest) {
            Ok((tlv, rest)) => {
                self.rest = rest;
                Some(Ok(tlv))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// The first TLV with `tag` among the TLVs concatenated in `input` (no descent).
pub fn find(input: &[u8], tag: u32) -> Result<Option<Tlv<'_>>, TlvError> {
    for tlv in TlvIter::new(input) {
        let tlv = tlv?;
        if tlv.tag == tag {
            return Ok(Some(tlv));
        }
    }
    Ok(None)
}

/// Walks the whole tree under `input` depth-first, checking it decodes and is at most
/// [`MAX_DEPTH`] deep; returns the number of TLVs seen. Useful to validate untrusted input once.
pub fn validate_tree(input: &[u8]) -> Result<usize, TlvError> {
    fn walk(input: &[u8], depth: usize) -> Result<usize, TlvError> {
        if depth > MAX_DEPTH {
            return Err(TlvError::TooDeep);
        }
        let mut count = 0;
        for tlv in TlvIter::new(input) {
            let tlv = tlv?;
            count += 1;
            if is_constructed(tlv.tag) {
                count += walk(tlv.value, depth + 1)?;
            }
        }
        Ok(count)
    }
    walk(input, 0)
}

/// Appends the BER encoding of `len` (short form below 128, else the shortest long form).
pub fn encode_length(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        // Fits in 7 bits by the check above.
        out.push(len.to_be_bytes().last().copied().unwrap_or(0));
        return;
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let significant = bytes.get(skip..).unwrap_or_default();
    // At most size_of::<usize>() = 8 bytes, so the count fits in 7 bits.
    out.push(0x80 | u8::try_from(significant.len()).unwrap_or(0));
    out.extend_from_slice(significant);
}

/// Appends tag bytes (big-endian, without leading zero bytes).
pub fn encode_tag(tag: u32, out: &mut Vec<u8>) {
    let bytes = tag.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count().min(3);
    out.extend_from_slice(bytes.get(skip..).unwrap_or_default());
}

/// Encodes one TLV.
pub fn encode(tag: u32, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 8);
    encode_tag(tag, &mut out);
    encode_length(value.len(), &mut out);
    out.extend_from_slice(value);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_multi_byte_tag_and_long_length() {
        let mut data = vec![0x5F, 0x1F, 0x81, 0x80];
        data.extend(std::iter::repeat_n(0xAB, 0x80));
        data.push(0x01);
        let (tlv, rest) = Tlv::parse(&data).unwrap();
        assert_eq!(tlv.tag, 0x5F1F);
        assert_eq!(tlv.value.len(), 0x80);
        assert_eq!(rest, &[0x01]);
        assert_eq!(tlv.raw.len(), 4 + 0x80);
    }

    #[test]
    fn three_byte_tag() {
        let data = [0x5F, 0x81, 0x01, 0x01, 0xAA];
        let (tlv, _) = Tlv::parse(&data).unwrap();
        assert_eq!(tlv.tag, 0x005F_8101);
        assert_eq!(tlv.value, &[0xAA]);
    }

    #[test]
    fn header_of_ef_com_prefix() {
        // First four bytes of the ICAO D.4 EF.COM: 60 14 5F 01.
        let h = parse_header(&[0x60, 0x14, 0x5F, 0x01]).unwrap();
        assert_eq!(
            h,
            Header {
                tag: 0x60,
                header_len: 2,
                value_len: 0x14
            }
        );
        assert_eq!(h.total_len(), 0x16);
        let h = parse_header(&[0x77, 0x82, 0x07, 0x2E]).unwrap();
        assert_eq!((h.header_len, h.value_len), (4, 0x072E));
    }

    #[test]
    fn truncated_inputs_are_errors() {
        assert_eq!(Tlv::parse(&[]), Err(TlvError::Truncated { needed: 1 }));
        assert_eq!(Tlv::parse(&[0x5F]), Err(TlvError::Truncated { needed: 1 }));
        assert!(matches!(
            Tlv::parse(&[0x60, 0x82, 0x01]),
            Err(TlvError::Truncated { .. })
        ));
        assert_eq!(
            Tlv::parse(&[0x60, 0x03, 0x01]),
            Err(TlvError::Truncated { needed: 2 })
        );
    }

    #[test]
    fn reserved_encodings_are_rejected() {
        assert_eq!(Tlv::parse(&[0x60, 0x80]), Err(TlvError::BadLength(0x80)));
        assert_eq!(
            Tlv::parse(&[0x60, 0x85, 0, 0, 0, 0, 1]),
            Err(TlvError::BadLength(0x85))
        );
        assert_eq!(Tlv::parse(&[0x00, 0x00]), Err(TlvError::BadTag));
        assert_eq!(
            Tlv::parse(&[0x5F, 0x81, 0x81, 0x81, 0x01]),
            Err(TlvError::BadTag)
        );
    }

    #[test]
    fn encode_round_trips() {
        for len in [0usize, 1, 127, 128, 255, 256, 65_535, 65_536] {
            let value = vec![0x42; len];
            let enc = encode(0x7F61, &value);
            let (tlv, rest) = Tlv::parse(&enc).unwrap();
            assert!(rest.is_empty());
            assert_eq!(tlv.tag, 0x7F61);
            assert_eq!(tlv.value, value.as_slice());
        }
        assert_eq!(encode(0x5C, &[0x61, 0x75]), vec![0x5C, 0x02, 0x61, 0x75]);
        assert_eq!(&encode(0x77, &[0; 300])[..4], &[0x77, 0x82, 0x01, 0x2C]);
    }

    #[test]
    fn depth_is_bounded() {
        let mut data = vec![0x04, 0x00];
        for _ in 0..40 {
            data = encode(0x30, &data);
        }
        assert_eq!(validate_tree(&data), Err(TlvError::TooDeep));
        let mut shallow = vec![0x04, 0x00];
        for _ in 0..5 {
            shallow = encode(0x30, &shallow);
        }
        assert_eq!(validate_tree(&shallow), Ok(6));
    }

    #[test]
    fn children_and_require() {
        let com = hex::decode("60145F0104303130365F36063034303030305C026175").unwrap();
        let outer = Tlv::parse_single(&com, 0x60).unwrap();
        let tags: Vec<u32> = outer.children().map(|t| t.unwrap().tag).collect();
        assert_eq!(tags, vec![0x5F01, 0x5F36, 0x5C]);
        assert_eq!(outer.require(0x5C).unwrap().value, &[0x61, 0x75]);
        assert_eq!(outer.require(0x99), Err(TlvError::Missing(0x99)));
        assert_eq!(
            Tlv::parse_single(&com, 0x61),
            Err(TlvError::UnexpectedTag {
                expected: 0x61,
                found: 0x60
            })
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(data in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let _ = Tlv::parse(&data);
            let _ = validate_tree(&data);
            let _ = parse_header(&data);
            let _ = find(&data, 0x5C);
        }
    }
}
