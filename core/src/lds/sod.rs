//! EF.SOD (ICAO 9303-10 §4.6.2): the document security object, structure only.
//!
//! At this stage we check the wrapper — tag `77` around a CMS `ContentInfo` SEQUENCE whose
//! content type is id-signedData (1.2.840.113549.1.7.2) — and keep the bytes. Parsing the
//! SignedData (hashes, certificates, signature) is a later step of passive authentication.
//! The SEQUENCE may use BER indefinite length (seen on NZ passports), so it is not decoded
//! with the definite-length TLV codec.

use super::common::outer;
use super::error::LdsError;
use super::file::LdsFile;

const FILE: LdsFile = LdsFile::Sod;

/// DER of OBJECT IDENTIFIER 1.2.840.113549.1.7.2 (id-signedData), tag and length included.
const ID_SIGNED_DATA: &[u8] = &[
    0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02,
];

/// A structurally checked EF.SOD, keeping the file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sod {
    raw: Vec<u8>,
    content_start: usize,
}

impl Sod {
    /// Parses EF.SOD (outer tag `77`) down to the ContentInfo's content type, which must be
    /// id-signedData.
    pub fn parse(bytes: &[u8]) -> Result<Self, LdsError> {
        let outer = outer(FILE, bytes)?;
        let content = outer.value;
        if content.first() != Some(&0x30) {
            return Err(LdsError::invalid(
                FILE,
                "content of tag 77 is not a SEQUENCE (ContentInfo)",
            ));
        }
        let after_len = sequence_body_start(content)?;
        if !content
            .get(after_len..)
            .is_some_and(|body| body.starts_with(ID_SIGNED_DATA))
        {
            return Err(LdsError::invalid(
                FILE,
                "ContentInfo content type is not id-signedData (1.2.840.113549.1.7.2)",
            ));
        }
        Ok(Sod {
            raw: outer.raw.to_vec(),
            content_start: outer.raw.len().saturating_sub(content.len()),
        })
    }

    /// The original bytes of the file (the outer object as read), for hashing.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The bytes inside tag `77`: the BER-encoded CMS ContentInfo.
    pub fn content_info(&self) -> &[u8] {
        self.raw.get(self.content_start..).unwrap_or_default()
    }
}

/// Checks the length of the ContentInfo SEQUENCE at the start of `content` and returns the
/// offset of its body. A definite length must fit the content; an indefinite one (`80`)
/// must be closed by end-of-contents octets at the end.
fn sequence_body_start(content: &[u8]) -> Result<usize, LdsError> {
    let first = *content
        .get(1)
        .ok_or_else(|| LdsError::invalid(FILE, "ContentInfo truncated in its length"))?;
    if first == 0x80 {
        if !content.ends_with(&[0x00, 0x00]) {
            return Err(LdsError::invalid(
                FILE,
                "indefinite-length ContentInfo has no end-of-contents octets",
            ));
        }
        return Ok(2);
    }
    let (len, len_len) = if first < 0x80 {
        (usize::from(first), 1)
    } else {
        let n = usize::from(first & 0x7F);
        if n > 4 {
            return Err(LdsError::invalid(FILE, "ContentInfo length is malformed"));
        }
        let bytes = content
            .get(2..2 + n)
            .ok_or_else(|| LdsError::invalid(FILE, "ContentInfo truncated in its length"))?;
        let len = bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, 1 + n)
    };
    let start = 1 + len_len;
    if start.saturating_add(len) > content.len() {
        return Err(LdsError::invalid(
            FILE,
            format!(
                "ContentInfo declares {len} bytes but tag 77 holds {}",
                content.len().saturating_sub(start)
            ),
        ));
    }
    Ok(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_signed_data_wrapper_is_accepted() {
        let bytes = hex::decode("770F300D06092A864886F70D010702A000").unwrap();
        let sod = Sod::parse(&bytes).unwrap();
        assert_eq!(sod.content_info(), bytes.get(2..).unwrap());
    }

    #[test]
    fn other_content_type_is_rejected() {
        // id-data (…7.1) instead of id-signedData.
        let bytes = hex::decode("770F300D06092A864886F70D010701A000").unwrap();
        assert!(matches!(Sod::parse(&bytes), Err(LdsError::Invalid { .. })));
        let bytes = hex::decode("7703020100").unwrap();
        assert!(matches!(Sod::parse(&bytes), Err(LdsError::Invalid { .. })));
    }
}
