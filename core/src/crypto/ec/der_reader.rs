//! A tiny, lenient DER reader for the few ASN.1 structures the signature layer parses itself
//! (SubjectPublicKeyInfo, AlgorithmIdentifier, RSAPublicKey, ECParameters, ECDSA-Sig-Value).
//!
//! It is deliberately more tolerant than strict DER, because real eMRTD certificates and
//! signatures are not always strict: non-minimal length encodings (`81 05`, `82 00 05`) are
//! accepted, and INTEGERs can be read as unsigned magnitudes (leading zeros dropped, a set sign
//! bit ignored). Indefinite lengths, multi-byte tags and lengths beyond the input are refused.
//! It never panics and never allocates.

/// Why a DER structure could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DerError {
    /// The input ended before a tag, length or value was complete.
    Truncated,
    /// Indefinite length, a multi-byte tag or a length wider than four bytes.
    Unsupported,
    /// A different tag was found than the one expected.
    UnexpectedTag { expected: u8, found: u8 },
    /// Bytes were left over after the structure.
    TrailingData,
}

impl std::fmt::Display for DerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DerError::Truncated => f.write_str("truncated DER"),
            DerError::Unsupported => f.write_str("unsupported DER encoding"),
            DerError::UnexpectedTag { expected, found } => {
                write!(f, "expected tag {expected:02X}, found {found:02X}")
            }
            DerError::TrailingData => f.write_str("trailing data after DER value"),
        }
    }
}

/// Universal tags used here.
pub(crate) mod tag {
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const BIT_STRING: u8 = 0x03;
    pub(crate) const OCTET_STRING: u8 = 0x04;
    pub(crate) const NULL: u8 = 0x05;
    pub(crate) const OID: u8 = 0x06;
    pub(crate) const SEQUENCE: u8 = 0x30;
}

/// One tag-length-value element.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    /// The (single-byte) tag.
    pub(crate) tag: u8,
    /// The value bytes.
    pub(crate) value: &'a [u8],
}

/// A cursor over concatenated DER elements.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Starts reading `data`.
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { rest: data }
    }

    /// True when everything has been read.
    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// Fails if anything is left.
    pub(crate) fn finish(&self) -> Result<(), DerError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(DerError::TrailingData)
        }
    }

    /// The tag of the next element, if any.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// Reads the next element.
    pub(crate) fn read(&mut self) -> Result<Tlv<'a>, DerError> {
        let (&tag, after_tag) = self.rest.split_first().ok_or(DerError::Truncated)?;
        if tag & 0x1F == 0x1F {
            return Err(DerError::Unsupported);
        }
        let (&first, mut after_len) = after_tag.split_first().ok_or(DerError::Truncated)?;
        let len = match first {
            0..0x80 => usize::from(first),
            0x80 => return Err(DerError::Unsupported),
            _ => {
                let count = usize::from(first & 0x7F);
                if count > 4 {
                    return Err(DerError::Unsupported);
                }
                let (len_bytes, rest) = after_len
                    .split_at_checked(count)
                    .ok_or(DerError::Truncated)?;
                after_len = rest;
                len_bytes
                    .iter()
                    .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
            }
        };
        let (value, rest) = after_len.split_at_checked(len).ok_or(DerError::Truncated)?;
        self.rest = rest;
        Ok(Tlv { tag, value })
    }

    /// Reads the next element and checks its tag.
    pub(crate) fn expect(&mut self, expected: u8) -> Result<&'a [u8], DerError> {
        let tlv = self.read()?;
        if tlv.tag == expected {
            Ok(tlv.value)
        } else {
            Err(DerError::UnexpectedTag {
                expected,
                found: tlv.tag,
            })
        }
    }

    /// Reads an INTEGER as an unsigned big-endian magnitude with leading zeros removed (an
    /// all-zero or empty INTEGER gives an empty slice). A set sign bit is ignored: the bytes are
    /// taken as the magnitude, which is what badly encoded keys and signatures mean.
    pub(crate) fn unsigned_integer(&mut self) -> Result<&'a [u8], DerError> {
        self.expect(tag::INTEGER).map(strip_leading_zeros)
    }
}

/// Parses `data` as exactly one element with tag `expected` and returns its value.
pub(crate) fn single(data: &[u8], expected: u8) -> Result<&[u8], DerError> {
    let mut r = Reader::new(data);
    let v = r.expect(expected)?;
    r.finish()?;
    Ok(v)
}

/// Drops leading zero bytes.
pub(crate) fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// Decodes the content bytes of an OBJECT IDENTIFIER into dotted form (`1.2.840.10045.2.1`).
/// Returns `None` for an empty or truncated encoding.
pub(crate) fn oid_to_string(content: &[u8]) -> Option<String> {
    use std::fmt::Write;
    if content.is_empty() || content.last().is_some_and(|b| b & 0x80 != 0) {
        return None;
    }
    let mut arcs: Vec<u128> = Vec::new();
    let mut acc: u128 = 0;
    for &b in content {
        if acc > (u128::MAX >> 7) {
            return None;
        }
        acc = (acc << 7) | u128::from(b & 0x7F);
        if b & 0x80 == 0 {
            arcs.push(acc);
            acc = 0;
        }
    }
    let mut out = String::new();
    for (i, arc) in arcs.iter().enumerate() {
        if i == 0 {
            let (first, second) = match arc {
                0..=39 => (0, *arc),
                40..=79 => (1, arc - 40),
                _ => (2, arc - 80),
            };
            let _ = write!(out, "{first}.{second}");
        } else {
            let _ = write!(out, ".{arc}");
        }
    }
    Some(out)
}

/// Reads a BIT STRING value and returns its bytes, requiring zero unused bits.
pub(crate) fn bit_string_bytes(value: &[u8]) -> Result<&[u8], DerError> {
    match value.split_first() {
        Some((0, bytes)) => Ok(bytes),
        Some(_) => Err(DerError::Unsupported),
        None => Err(DerError::Truncated),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_minimal_lengths_are_accepted() {
        let mut r = Reader::new(&[0x02, 0x82, 0x00, 0x02, 0x00, 0x81, 0x04, 0x81, 0x01, 0xAA]);
        assert_eq!(r.unsigned_integer().unwrap(), &[0x81]);
        assert_eq!(r.expect(tag::OCTET_STRING).unwrap(), &[0xAA]);
        assert!(r.is_empty());
    }

    #[test]
    fn truncated_and_indefinite_are_refused() {
        assert_eq!(
            Reader::new(&[0x30]).read().unwrap_err(),
            DerError::Truncated
        );
        assert_eq!(
            Reader::new(&[0x30, 0x05, 0x00]).read().unwrap_err(),
            DerError::Truncated
        );
        assert_eq!(
            Reader::new(&[0x30, 0x80, 0x00, 0x00]).read().unwrap_err(),
            DerError::Unsupported
        );
        assert_eq!(
            Reader::new(&[0x1F, 0x01, 0x00]).read().unwrap_err(),
            DerError::Unsupported
        );
    }

    #[test]
    fn oids_print_dotted() {
        assert_eq!(
            oid_to_string(&[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]).unwrap(),
            "1.2.840.10045.2.1"
        );
        assert_eq!(
            oid_to_string(&[0x04, 0x00, 0x7F, 0x00, 0x07]).unwrap(),
            "0.4.0.127.0.7"
        );
        assert_eq!(oid_to_string(&[0x88, 0x37, 0x01]).unwrap(), "2.999.1");
        assert!(oid_to_string(&[0x86]).is_none());
    }
}
