//! EF.SOD (ICAO 9303-10 §4.6.2): the document security object, structure only.
//!
//! [`Sod::parse`] checks the wrapper — tag `77` around a CMS `ContentInfo` SEQUENCE whose
//! content type is id-signedData (1.2.840.113549.1.7.2) — and keeps the bytes;
//! [`Sod::signed_data`] parses the CMS ([`crate::cms`], DER then BER) and
//! [`LdsSecurityObject::parse`] the signed content: hash algorithm and data-group hashes.
//! The SEQUENCE may use BER indefinite length (seen on NZ passports), so it is not decoded
//! with the definite-length TLV codec.

use std::collections::BTreeMap;

use crate::asn1::{Fields, Mode, Tlv, tag};
use crate::cms::{CmsError, SignedData};

use super::common::outer;
use super::error::LdsError;
use super::file::DataGroup;
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

    /// The CMS SignedData inside (DER first, BER fallback).
    pub fn signed_data(&self) -> Result<SignedData<'_>, CmsError> {
        SignedData::parse(self.content_info())
    }
}

/// id-icao-mrtd-security-ldsSecurityObject: the eContentType of EF.SOD.
pub const OID_LDS_SECURITY_OBJECT: &str = crate::cms::OID_LDS_SECURITY_OBJECT;

/// `LDSSecurityObject` (ICAO 9303-10 §4.6.2.2), v0 or v1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LdsSecurityObject {
    /// 0 (V0) or 1 (V1, with LDS version info).
    pub version: u8,
    /// OID of the hash algorithm of every data-group hash, dotted.
    pub hash_algorithm: String,
    /// The hash of each data group the issuer signed.
    pub data_group_hashes: BTreeMap<DataGroup, Vec<u8>>,
    /// `LDSVersionInfo` of a V1 object: (ldsVersion, unicodeVersion), e.g. ("0108", "040000").
    pub lds_version_info: Option<(String, String)>,
}

impl LdsSecurityObject {
    /// Parses the eContent of EF.SOD (DER, or BER when the issuer used it).
    pub fn parse(e_content: &[u8]) -> Result<Self, LdsError> {
        let invalid =
            |e: crate::asn1::Asn1Error| LdsError::invalid(FILE, format!("LDSSecurityObject: {e}"));
        let top = Tlv::parse(e_content, Mode::Der)
            .or_else(|_| Tlv::parse(e_content, Mode::Ber))
            .map_err(invalid)?
            .expect(tag::SEQUENCE, "LDSSecurityObject")
            .map_err(invalid)?;
        let mut f = Fields::new(&top);
        let version_tlv = f.next("version").map_err(invalid)?;
        let version = match version_tlv.small_uint() {
            Ok(v @ (0 | 1)) => u8::try_from(v).unwrap_or_default(),
            _ => {
                return Err(LdsError::invalid(
                    FILE,
                    format!(
                        "LDSSecurityObject version {} is not supported (only v0 and v1)",
                        crate::asn1::hex_upper(version_tlv.content)
                    ),
                ));
            }
        };
        let alg = f
            .next_tagged(tag::SEQUENCE, "hashAlgorithm")
            .map_err(invalid)?;
        let hash_algorithm = Fields::new(&alg)
            .next_tagged(tag::OID, "algorithm")
            .and_then(|o| o.oid())
            .map_err(invalid)?;
        let hashes = f
            .next_tagged(tag::SEQUENCE, "dataGroupHashValues")
            .map_err(invalid)?;
        let mut data_group_hashes = BTreeMap::new();
        for item in hashes.children() {
            let item = item
                .and_then(|i| i.expect(tag::SEQUENCE, "DataGroupHash"))
                .map_err(invalid)?;
            let mut hf = Fields::new(&item);
            let number = hf
                .next("dataGroupNumber")
                .and_then(|n| n.small_uint())
                .map_err(invalid)?;
            let value = hf
                .next("dataGroupHashValue")
                .and_then(|v| v.octets())
                .map_err(invalid)?;
            hf.end().map_err(invalid)?;
            let dg = u8::try_from(number)
                .ok()
                .and_then(DataGroup::new)
                .ok_or_else(|| {
                    LdsError::invalid(FILE, format!("data group number {number} is not 1..16"))
                })?;
            if data_group_hashes.insert(dg, value.into_owned()).is_some() {
                return Err(LdsError::invalid(FILE, format!("{dg} is hashed twice")));
            }
        }
        let lds_version_info = match f.optional(tag::SEQUENCE).map_err(invalid)? {
            Some(info) => {
                let mut vf = Fields::new(&info);
                let lds = vf.next("ldsVersion").map_err(invalid)?;
                let unicode = vf.next("unicodeVersion").map_err(invalid)?;
                vf.end().map_err(invalid)?;
                Some((
                    String::from_utf8_lossy(lds.content).into_owned(),
                    String::from_utf8_lossy(unicode.content).into_owned(),
                ))
            }
            None => None,
        };
        f.end().map_err(invalid)?;
        if version == 1 && lds_version_info.is_none() {
            return Err(LdsError::invalid(
                FILE,
                "LDSSecurityObject v1 without ldsVersionInfo",
            ));
        }
        if version == 0 && lds_version_info.is_some() {
            return Err(LdsError::invalid(
                FILE,
                "LDSSecurityObject v0 with ldsVersionInfo",
            ));
        }
        Ok(LdsSecurityObject {
            version,
            hash_algorithm,
            data_group_hashes,
            lds_version_info,
        })
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

    #[test]
    fn bsi_security_object_lists_its_hashes() {
        let bytes = include_bytes!("../../../fixtures/data/lds/bsi-tr03105_EF_SOD.bin");
        let sod = Sod::parse(bytes).unwrap();
        let sd = sod.signed_data().unwrap();
        let so = LdsSecurityObject::parse(sd.e_content.as_deref().unwrap()).unwrap();
        assert_eq!(so.version, 0);
        assert_eq!(so.hash_algorithm, "2.16.840.1.101.3.4.2.1");
        let dgs: Vec<u8> = so.data_group_hashes.keys().map(|d| d.number()).collect();
        assert_eq!(dgs, vec![1, 2, 3, 4, 14]);
    }
}
