//! CMS SignedData (RFC 5652) as ICAO 9303 uses it: EF.SOD, CSCA master lists, EF.CardSecurity
//! and deviation lists.
//!
//! The structures borrow from the input and keep the **original bytes** of everything a
//! signature or hash covers: the `[0]` signed attributes (verified re-tagged `A0`→`31`, see
//! [`SignedAttributes::signed_bytes`]), the certificates, and the eContent octets. Decoding is
//! DER first, then BER ([`SignedData::encoding`] says which was needed): real SODs use
//! indefinite lengths and constructed OCTET STRINGs.

use std::borrow::Cow;

use crate::asn1::{Asn1Error, Fields, Mode, Time, Tlv, retag, tag};

/// id-signedData.
pub const OID_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
/// id-data.
pub const OID_DATA: &str = "1.2.840.113549.1.7.1";
/// id-icao-mrtd-security-ldsSecurityObject (EF.SOD content).
pub const OID_LDS_SECURITY_OBJECT: &str = "2.23.136.1.1.1";
/// id-icao-cscaMasterList.
pub const OID_CSCA_MASTER_LIST: &str = "2.23.136.1.1.2";
/// id-icao-deviationList.
pub const OID_DEVIATION_LIST: &str = "2.23.136.1.1.7";
/// id-SecurityObject of BSI TR-03110 (EF.CardSecurity content).
pub const OID_SECURITY_OBJECT: &str = "0.4.0.127.0.7.3.2.1";
/// id-contentType attribute.
pub const OID_ATTR_CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
/// id-messageDigest attribute.
pub const OID_ATTR_MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
/// id-signingTime attribute.
pub const OID_ATTR_SIGNING_TIME: &str = "1.2.840.113549.1.9.5";

/// Why bytes are not a usable CMS SignedData.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CmsError {
    /// Not well-formed ASN.1 (under DER nor BER).
    #[error("CMS: {0}")]
    Asn1(#[from] Asn1Error),
    /// The ContentInfo does not hold SignedData.
    #[error("ContentInfo content type is {0}, not id-signedData")]
    NotSignedData(String),
    /// A version the standard does not allow here.
    #[error("{what} version {version} is not allowed")]
    Version {
        /// Which structure.
        what: &'static str,
        /// The version found.
        version: u64,
    },
    /// Something structurally wrong that ASN.1 alone does not catch.
    #[error("CMS: {0}")]
    Invalid(String),
}

/// How the signer names its certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignerId<'a> {
    /// `issuerAndSerialNumber`: the issuer Name's DER and the serial INTEGER's content octets.
    IssuerAndSerial {
        /// DER of the issuer Name, as encoded in the SignerInfo.
        issuer: &'a [u8],
        /// Content octets of the serial number INTEGER.
        serial: &'a [u8],
    },
    /// `subjectKeyIdentifier [0]`.
    SubjectKeyIdentifier(&'a [u8]),
}

/// One signed attribute: its type and its values' elements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// Attribute type OID, dotted.
    pub oid: String,
    /// The values (elements of the `SET OF`), as found.
    pub values: Vec<Tlv<'a>>,
}

/// The signed attributes of a SignerInfo, with their original encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedAttributes<'a> {
    raw: &'a [u8],
    /// The attributes in encoded order.
    pub attributes: Vec<Attribute<'a>>,
}

impl<'a> SignedAttributes<'a> {
    /// The original `[0]` encoding (tag `A0`).
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// What the signature covers: the original bytes with the tag changed to `SET` (`31`)
    /// (RFC 5652 §5.4), never a re-encoding.
    pub fn signed_bytes(&self) -> Vec<u8> {
        retag(self.raw, tag::SET)
    }

    fn single(&self, oid: &str) -> Result<Option<Tlv<'a>>, CmsError> {
        let mut found = self.attributes.iter().filter(|a| a.oid == oid);
        let Some(attr) = found.next() else {
            return Ok(None);
        };
        if found.next().is_some() || attr.values.len() != 1 {
            return Err(CmsError::Invalid(format!(
                "signed attribute {oid} must occur once with one value"
            )));
        }
        Ok(attr.values.first().copied())
    }

    /// The contentType attribute's OID, if present.
    pub fn content_type(&self) -> Result<Option<String>, CmsError> {
        Ok(self
            .single(OID_ATTR_CONTENT_TYPE)?
            .map(|v| v.oid())
            .transpose()?)
    }

    /// The messageDigest attribute's octets, if present.
    pub fn message_digest(&self) -> Result<Option<Cow<'a, [u8]>>, CmsError> {
        Ok(self
            .single(OID_ATTR_MESSAGE_DIGEST)?
            .map(|v| v.octets())
            .transpose()?)
    }

    /// The signingTime attribute (UTCTime or GeneralizedTime), if present.
    pub fn signing_time(&self) -> Result<Option<Time>, CmsError> {
        Ok(self
            .single(OID_ATTR_SIGNING_TIME)?
            .map(|v| v.time())
            .transpose()?)
    }
}

/// One SignerInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerInfo<'a> {
    /// 1 (issuerAndSerialNumber) or 3 (subjectKeyIdentifier).
    pub version: u64,
    /// Which certificate signed.
    pub sid: SignerId<'a>,
    /// DER of the digestAlgorithm AlgorithmIdentifier.
    pub digest_algorithm: &'a [u8],
    /// Its OID.
    pub digest_oid: String,
    /// The signed attributes, if any (EF.CardSecurity may sign eContent directly).
    pub signed_attrs: Option<SignedAttributes<'a>>,
    /// DER of the signatureAlgorithm AlgorithmIdentifier.
    pub signature_algorithm: &'a [u8],
    /// Its OID.
    pub signature_oid: String,
    /// The signature value.
    pub signature: Cow<'a, [u8]>,
}

/// A parsed SignedData, borrowing from the ContentInfo bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedData<'a> {
    /// Whether DER sufficed or the BER fallback was needed.
    pub encoding: Mode,
    /// SignedData version (3 for everything ICAO signs).
    pub version: u64,
    /// DER of each digestAlgorithms entry.
    pub digest_algorithms: Vec<&'a [u8]>,
    /// eContentType, dotted.
    pub e_content_type: String,
    /// The eContent octets (concatenated when a BER constructed OCTET STRING).
    pub e_content: Option<Cow<'a, [u8]>>,
    /// DER of each certificate in `certificates [0]` (other choices are skipped).
    pub certificates: Vec<&'a [u8]>,
    /// DER of each CRL in `crls [1]`.
    pub crls: Vec<&'a [u8]>,
    /// The signers.
    pub signer_infos: Vec<SignerInfo<'a>>,
}

impl<'a> SignedData<'a> {
    /// Parses a ContentInfo holding SignedData: DER first, then BER.
    pub fn parse(content_info: &'a [u8]) -> Result<Self, CmsError> {
        match Self::parse_mode(content_info, Mode::Der) {
            Ok(sd) => Ok(sd),
            // A DER failure that BER also rejects is reported as BER saw it: BER is the
            // more lenient reading, so its complaint is the real one.
            Err(_) => Self::parse_mode(content_info, Mode::Ber),
        }
    }

    /// Parses under one set of rules.
    pub fn parse_mode(content_info: &'a [u8], mode: Mode) -> Result<Self, CmsError> {
        let ci = Tlv::parse(content_info, mode)?.expect(tag::SEQUENCE, "ContentInfo")?;
        let mut f = Fields::new(&ci);
        let content_type = f.next_tagged(tag::OID, "contentType")?.oid()?;
        if content_type != OID_SIGNED_DATA {
            return Err(CmsError::NotSignedData(content_type));
        }
        let explicit = f.next_tagged(tag::CTX0, "content [0]")?;
        f.end()?;
        let mut inner = explicit.children();
        let sd = inner
            .next()
            .ok_or(Asn1Error::Missing("SignedData"))??
            .expect(tag::SEQUENCE, "SignedData")?;
        if inner.next().is_some() {
            return Err(CmsError::Invalid(
                "more than one element in content [0]".into(),
            ));
        }
        Self::from_tlv(&sd, mode)
    }

    fn from_tlv(sd: &Tlv<'a>, mode: Mode) -> Result<Self, CmsError> {
        let mut f = Fields::new(sd);
        let version = f.next("version")?.small_uint()?;
        let digest_algorithms = f
            .next_tagged(tag::SET, "digestAlgorithms")?
            .children()
            .map(|a| {
                a.and_then(|a| a.expect(tag::SEQUENCE, "AlgorithmIdentifier"))
                    .map(|a| a.raw)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let eci = f.next_tagged(tag::SEQUENCE, "encapContentInfo")?;
        let mut ef = Fields::new(&eci);
        let e_content_type = ef.next_tagged(tag::OID, "eContentType")?.oid()?;
        let e_content = match ef.optional(tag::CTX0)? {
            Some(explicit) => {
                let mut c = explicit.children();
                let octets = c.next().ok_or(Asn1Error::Missing("eContent"))??;
                if c.next().is_some() {
                    return Err(CmsError::Invalid("more than one eContent".into()));
                }
                Some(octets.octets()?)
            }
            None => None,
        };
        ef.end()?;
        if e_content_type != OID_DATA && version < 3 {
            return Err(CmsError::Version {
                what: "SignedData",
                version,
            });
        }
        if !matches!(version, 1 | 3 | 4 | 5) {
            return Err(CmsError::Version {
                what: "SignedData",
                version,
            });
        }
        let certificates = match f.optional(tag::CTX0)? {
            Some(set) => set
                .children()
                .filter_map(|c| match c {
                    Ok(c) if c.tag == tag::SEQUENCE => Some(Ok(c.raw)),
                    Ok(_) => None,
                    Err(e) => Some(Err(e)),
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        let crls = match f.optional(tag::CTX1)? {
            Some(set) => set
                .children()
                .filter_map(|c| match c {
                    Ok(c) if c.tag == tag::SEQUENCE => Some(Ok(c.raw)),
                    Ok(_) => None,
                    Err(e) => Some(Err(e)),
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        let signer_infos = f
            .next_tagged(tag::SET, "signerInfos")?
            .children()
            .map(|s| s.map_err(CmsError::from).and_then(|s| signer_info(&s)))
            .collect::<Result<Vec<_>, _>>()?;
        f.end()?;
        if signer_infos.is_empty() {
            return Err(CmsError::Invalid("no SignerInfo".into()));
        }
        Ok(SignedData {
            encoding: mode,
            version,
            digest_algorithms,
            e_content_type,
            e_content,
            certificates,
            crls,
            signer_infos,
        })
    }
}

fn algorithm_oid(alg: &Tlv<'_>) -> Result<String, CmsError> {
    let alg = alg.expect(tag::SEQUENCE, "AlgorithmIdentifier")?;
    Ok(Fields::new(&alg)
        .next_tagged(tag::OID, "algorithm")?
        .oid()?)
}

fn signer_info<'a>(si: &Tlv<'a>) -> Result<SignerInfo<'a>, CmsError> {
    let si = si.expect(tag::SEQUENCE, "SignerInfo")?;
    let mut f = Fields::new(&si);
    let version = f.next("version")?.small_uint()?;
    let sid_tlv = f.next("sid")?;
    let sid = match sid_tlv.tag {
        tag::SEQUENCE => {
            let mut s = Fields::new(&sid_tlv);
            let issuer = s.next_tagged(tag::SEQUENCE, "issuer")?.raw;
            let serial = s.next_tagged(tag::INTEGER, "serialNumber")?.content;
            s.end()?;
            SignerId::IssuerAndSerial { issuer, serial }
        }
        tag::CTX0_PRIMITIVE => SignerId::SubjectKeyIdentifier(sid_tlv.content),
        found => {
            return Err(Asn1Error::Unexpected {
                expected: "SignerIdentifier",
                found,
            }
            .into());
        }
    };
    match (version, &sid) {
        (1, SignerId::IssuerAndSerial { .. }) | (3, SignerId::SubjectKeyIdentifier(_)) => {}
        _ => {
            return Err(CmsError::Version {
                what: "SignerInfo",
                version,
            });
        }
    }
    let digest = f.next("digestAlgorithm")?;
    let digest_oid = algorithm_oid(&digest)?;
    let signed_attrs = f
        .optional(tag::CTX0)?
        .map(|attrs| -> Result<SignedAttributes<'a>, CmsError> {
            let attributes = attrs
                .children()
                .map(|a| -> Result<Attribute<'a>, CmsError> {
                    let a = a?.expect(tag::SEQUENCE, "Attribute")?;
                    let mut af = Fields::new(&a);
                    let oid = af.next_tagged(tag::OID, "attrType")?.oid()?;
                    let values = af.next_tagged(tag::SET, "attrValues")?.child_vec()?;
                    af.end()?;
                    Ok(Attribute { oid, values })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(SignedAttributes {
                raw: attrs.raw,
                attributes,
            })
        })
        .transpose()?;
    let sig_alg = f.next("signatureAlgorithm")?;
    let signature_oid = algorithm_oid(&sig_alg)?;
    let signature = f.next("signature")?.octets()?;
    // unsignedAttrs [1] may follow; they are not covered by the signature and ignored.
    let _ = f.optional(tag::CTX1)?;
    f.end()?;
    Ok(SignerInfo {
        version,
        sid,
        digest_algorithm: digest.raw,
        digest_oid,
        signed_attrs,
        signature_algorithm: sig_alg.raw,
        signature_oid,
        signature,
    })
}

/// One entry of a master list's `certList`: a certificate's DER (not yet parsed as one), or
/// why the entry is not a certificate at all.
pub type MasterListEntry<'a> = Result<&'a [u8], String>;

/// A CSCA master list's content (`CscaMasterList ::= SEQUENCE { version, certList SET OF
/// Certificate }`): each entry of certList, judged on its own.
///
/// The list's signature covers these bytes, so one odd entry must not cost the others: an
/// element that is not a SEQUENCE is an `Err` entry, and when the SET can no longer be
/// framed (garbage where an element should start) the rest of it is one `Err` entry. Only
/// a content that is not a CscaMasterList at all (no version, no SET) is an error.
pub fn master_list_certificates(e_content: &[u8]) -> Result<Vec<MasterListEntry<'_>>, CmsError> {
    let ml = parse_der_or_ber(e_content)?.expect(tag::SEQUENCE, "CscaMasterList")?;
    let mut f = Fields::new(&ml);
    let version = f.next("version")?.small_uint()?;
    if version != 0 {
        return Err(CmsError::Version {
            what: "CscaMasterList",
            version,
        });
    }
    let list = f.next_tagged(tag::SET, "certList")?;
    f.end()?;
    Ok(set_entries(&list, "Certificate"))
}

/// The elements of a SET OF SEQUENCE one by one: the DER of each SEQUENCE, an `Err` for each
/// element of another tag, and a final `Err` for bytes that cannot be framed.
pub(crate) fn set_entries<'a>(set: &Tlv<'a>, what: &str) -> Vec<Result<&'a [u8], String>> {
    let mut out = Vec::new();
    for element in set.children() {
        match element {
            Ok(e) if e.tag == tag::SEQUENCE => out.push(Ok(e.raw)),
            Ok(e) => out.push(Err(format!(
                "not a {what}: tag {:#04x} ({} bytes)",
                e.tag,
                e.raw.len()
            ))),
            Err(e) => {
                out.push(Err(format!(
                    "the rest of the list cannot be read as {what} elements: {e}"
                )));
                break;
            }
        }
    }
    out
}

fn parse_der_or_ber(bytes: &[u8]) -> Result<Tlv<'_>, Asn1Error> {
    Tlv::parse(bytes, Mode::Der).or_else(|_| Tlv::parse(bytes, Mode::Ber))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NZ: &[u8] = include_bytes!("../../fixtures/data/lds/jmrtd-legacy_NZ2013_EF_SOD.bin");
    const BSI: &[u8] = include_bytes!("../../fixtures/data/lds/bsi-tr03105_EF_SOD.bin");

    fn inside_77(sod: &[u8]) -> &[u8] {
        crate::lds::Sod::parse(sod)
            .unwrap()
            .content_info()
            .to_vec()
            .leak()
    }

    #[test]
    fn nz_sod_needs_the_ber_fallback() {
        let ci = inside_77(NZ);
        assert!(SignedData::parse_mode(ci, Mode::Der).is_err());
        let sd = SignedData::parse(ci).unwrap();
        assert_eq!(sd.encoding, Mode::Ber);
        assert_eq!(sd.e_content_type, OID_LDS_SECURITY_OBJECT);
        assert_eq!(sd.certificates.len(), 1);
        let si = &sd.signer_infos[0];
        assert!(matches!(si.sid, SignerId::IssuerAndSerial { .. }));
        let attrs = si.signed_attrs.as_ref().unwrap();
        assert_eq!(
            attrs.content_type().unwrap().unwrap(),
            OID_LDS_SECURITY_OBJECT
        );
        assert!(attrs.message_digest().unwrap().is_some());
        assert!(attrs.signing_time().unwrap().is_some());
        assert_eq!(attrs.signed_bytes()[0], 0x31);
    }

    #[test]
    fn bsi_sod_is_der() {
        let sd = SignedData::parse(inside_77(BSI)).unwrap();
        assert_eq!(sd.encoding, Mode::Der);
        assert_eq!(sd.version, 3);
        assert_eq!(sd.signer_infos[0].signature_oid, "1.2.840.113549.1.1.10");
    }
}
