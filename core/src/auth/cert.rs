//! X.509 certificates as passive authentication needs them (ICAO 9303-12 §7.1 profile):
//! names, serial, validity, key identifiers, key usage, and the original TBS bytes that the
//! issuer signed (never a re-encoding: some CSCAs use GeneralizedTime before 2050, which a
//! re-encoding would change).

use std::fmt;

use crate::asn1::{Asn1Error, Fields, Mode, Time, Tlv, hex_upper, tag};

use super::glue::{SignatureCheck, verify_signature};

const OID_SKI: &str = "2.5.29.14";
const OID_KEY_USAGE: &str = "2.5.29.15";
const OID_BASIC_CONSTRAINTS: &str = "2.5.29.19";
const OID_AKI: &str = "2.5.29.35";
const OID_COUNTRY: &str = "2.5.4.6";
const OID_COMMON_NAME: &str = "2.5.4.3";
const OID_ORGANIZATION: &str = "2.5.4.10";
const OID_SERIAL_NUMBER_ATTR: &str = "2.5.4.5";

/// Key usage bits (RFC 5280 §4.2.1.3) the profile cares about.
pub mod key_usage {
    /// digitalSignature (bit 0): Document Signers, master-list signers.
    pub const DIGITAL_SIGNATURE: u16 = 1 << 0;
    /// keyCertSign (bit 5): CSCAs.
    pub const KEY_CERT_SIGN: u16 = 1 << 5;
    /// cRLSign (bit 6): CSCAs.
    pub const CRL_SIGN: u16 = 1 << 6;
}

/// A parsed certificate that owns its DER.
#[derive(Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    tbs: std::ops::Range<usize>,
    signature_algorithm: Vec<u8>,
    signature: Vec<u8>,
    serial: Vec<u8>,
    issuer: Vec<u8>,
    subject: Vec<u8>,
    not_before: Time,
    not_after: Time,
    spki: Vec<u8>,
    ski: Option<Vec<u8>>,
    aki: Option<Vec<u8>>,
    key_usage: Option<u16>,
    is_ca: Option<bool>,
    /// Optional extensions whose value did not parse, treated as absent (see
    /// [`Certificate::unreadable_extensions`]).
    unreadable: Vec<String>,
    subject_text: String,
    issuer_text: String,
    country: Option<String>,
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject_text)
            .field("issuer", &self.issuer_text)
            .field("serial", &hex_upper(&self.serial))
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

/// Why bytes are not a usable certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("certificate: {0}")]
pub struct CertError(pub String);

impl From<Asn1Error> for CertError {
    fn from(e: Asn1Error) -> Self {
        CertError(e.to_string())
    }
}

impl Certificate {
    /// Parses one DER certificate (exactly, no trailing bytes).
    pub fn from_der(der: &[u8]) -> Result<Self, CertError> {
        let top = Tlv::parse(der, Mode::Der)
            .or_else(|_| Tlv::parse(der, Mode::Ber))?
            .expect(tag::SEQUENCE, "Certificate")?;
        let mut f = Fields::new(&top);
        let tbs = f.next_tagged(tag::SEQUENCE, "tbsCertificate")?;
        let sig_alg = f.next_tagged(tag::SEQUENCE, "signatureAlgorithm")?;
        let signature = f.next("signatureValue")?.bit_string_bytes()?;
        f.end()?;
        let tbs_start = tbs.raw.as_ptr() as usize - der.as_ptr() as usize;
        let tbs_range = tbs_start..tbs_start + tbs.raw.len();

        let mut t = Fields::new(&tbs);
        let _version = t.optional(tag::CTX0)?;
        let serial = t.next_tagged(tag::INTEGER, "serialNumber")?.content;
        let _inner_alg = t.next_tagged(tag::SEQUENCE, "signature")?;
        let issuer = t.next_tagged(tag::SEQUENCE, "issuer")?;
        let validity = t.next_tagged(tag::SEQUENCE, "validity")?;
        let mut v = Fields::new(&validity);
        let not_before = v.next("notBefore")?.time()?;
        let not_after = v.next("notAfter")?.time()?;
        v.end()?;
        let subject = t.next_tagged(tag::SEQUENCE, "subject")?;
        let spki = t.next_tagged(tag::SEQUENCE, "subjectPublicKeyInfo")?;
        let _issuer_uid = t.optional(0x81)?;
        let _subject_uid = t.optional(0x82)?;
        let mut cert = Certificate {
            der: der.to_vec(),
            tbs: tbs_range,
            signature_algorithm: sig_alg.raw.to_vec(),
            signature: signature.to_vec(),
            serial: serial.to_vec(),
            issuer: issuer.raw.to_vec(),
            subject: subject.raw.to_vec(),
            not_before,
            not_after,
            spki: spki.raw.to_vec(),
            ski: None,
            aki: None,
            key_usage: None,
            is_ca: None,
            unreadable: Vec::new(),
            subject_text: name_text(&subject),
            issuer_text: name_text(&issuer),
            country: name_attribute(&subject, OID_COUNTRY),
        };
        if let Some(exts) = t.optional(tag::CTX3)? {
            let list = exts
                .children()
                .next()
                .ok_or(Asn1Error::Missing("extensions"))??
                .expect(tag::SEQUENCE, "Extensions")?;
            for ext in list.children() {
                cert.extension(&ext?)?;
            }
        }
        t.end()?;
        Ok(cert)
    }

    /// Reads one extension. The Extension structure itself must parse (it frames the rest of
    /// the certificate). keyUsage and basicConstraints decide what the key may do, so an
    /// unreadable one refuses the certificate; an unreadable key identifier is treated as
    /// absent and noted, because issuer lookup then falls back to the DN and the signature
    /// still decides. Other extensions (policies, names…) are not interpreted at all.
    fn extension(&mut self, ext: &Tlv<'_>) -> Result<(), CertError> {
        let mut f = Fields::new(ext);
        let oid = f.next_tagged(tag::OID, "extnID")?.oid()?;
        let _critical = f.optional(tag::BOOLEAN)?;
        let value = f.next_tagged(tag::OCTET_STRING, "extnValue")?.content;
        f.end()?;
        match oid.as_str() {
            OID_SKI => match parse_ski(value) {
                Ok(ski) => self.ski = Some(ski),
                Err(e) => self.unreadable.push(format!(
                    "subjectKeyIdentifier unreadable ({e}), treated as absent"
                )),
            },
            OID_AKI => match parse_aki(value) {
                Ok(aki) => self.aki = aki,
                Err(e) => self.unreadable.push(format!(
                    "authorityKeyIdentifier unreadable ({e}), treated as absent"
                )),
            },
            OID_KEY_USAGE => {
                let v = Tlv::parse(value, Mode::Der)?.expect(tag::BIT_STRING, "keyUsage")?;
                let bytes = v.content.get(1..).unwrap_or_default();
                let mut bits = 0u16;
                for (i, b) in bytes.iter().take(2).enumerate() {
                    for bit in 0..8 {
                        if b & (0x80 >> bit) != 0 {
                            bits |= 1 << (i * 8 + bit);
                        }
                    }
                }
                self.key_usage = Some(bits);
            }
            OID_BASIC_CONSTRAINTS => {
                let v = Tlv::parse(value, Mode::Der)?.expect(tag::SEQUENCE, "basicConstraints")?;
                let ca = v
                    .children()
                    .next()
                    .transpose()?
                    .filter(|c| c.tag == tag::BOOLEAN)
                    .is_some_and(|c| c.content.first().is_some_and(|b| *b != 0));
                self.is_ca = Some(ca);
            }
            _ => {}
        }
        Ok(())
    }

    /// Optional extensions whose value did not parse and that are treated as absent (e.g.
    /// "authorityKeyIdentifier unreadable (…), treated as absent"); empty for most
    /// certificates.
    pub fn unreadable_extensions(&self) -> &[String] {
        &self.unreadable
    }

    /// The certificate's DER, as given.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The original bytes of tbsCertificate: what the issuer signed.
    pub fn tbs(&self) -> &[u8] {
        self.der.get(self.tbs.clone()).unwrap_or_default()
    }

    /// DER of the outer signatureAlgorithm AlgorithmIdentifier.
    pub fn signature_algorithm(&self) -> &[u8] {
        &self.signature_algorithm
    }

    /// The signature value (BIT STRING content without the unused-bits octet).
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// Content octets of the serial number INTEGER.
    pub fn serial(&self) -> &[u8] {
        &self.serial
    }

    /// Serial number in upper-case hex, leading zero octet dropped.
    pub fn serial_hex(&self) -> String {
        hex_upper(strip_zero(&self.serial))
    }

    /// DER of the issuer Name.
    pub fn issuer(&self) -> &[u8] {
        &self.issuer
    }

    /// DER of the subject Name.
    pub fn subject(&self) -> &[u8] {
        &self.subject
    }

    /// Readable subject (`C=…, O=…, CN=…`).
    pub fn subject_text(&self) -> &str {
        &self.subject_text
    }

    /// Readable issuer.
    pub fn issuer_text(&self) -> &str {
        &self.issuer_text
    }

    /// The subject's countryName, if any (upper-cased).
    pub fn country(&self) -> Option<&str> {
        self.country.as_deref()
    }

    /// notBefore.
    pub fn not_before(&self) -> Time {
        self.not_before
    }

    /// notAfter.
    pub fn not_after(&self) -> Time {
        self.not_after
    }

    /// Whether `at` lies within the validity period (inclusive).
    pub fn valid_at(&self, at: Time) -> bool {
        self.not_before <= at && at <= self.not_after
    }

    /// DER of subjectPublicKeyInfo.
    pub fn spki(&self) -> &[u8] {
        &self.spki
    }

    /// subjectKeyIdentifier, if present.
    pub fn ski(&self) -> Option<&[u8]> {
        self.ski.as_deref()
    }

    /// authorityKeyIdentifier keyIdentifier, if present.
    pub fn aki(&self) -> Option<&[u8]> {
        self.aki.as_deref()
    }

    /// keyUsage bits ([`key_usage`]), if the extension is present.
    pub fn key_usage(&self) -> Option<u16> {
        self.key_usage
    }

    /// basicConstraints cA, if the extension is present.
    pub fn is_ca(&self) -> Option<bool> {
        self.is_ca
    }

    /// Whether the key usage allows `bits` (an absent extension allows everything, RFC 5280).
    pub fn allows(&self, bits: u16) -> bool {
        self.key_usage.is_none_or(|ku| ku & bits == bits)
    }

    /// Self-issued: subject equals issuer (a root CSCA, or a link certificate between two
    /// keys of one CSCA).
    pub fn is_self_issued(&self) -> bool {
        names_equivalent(&self.subject, &self.issuer)
    }

    /// Whether `child` names this certificate as its issuer: the DN matches and, when both
    /// carry key identifiers, child's AKI equals this SKI (which tells apart old and new CSCA
    /// keys that share a DN).
    pub fn may_have_issued(&self, child: &Certificate) -> bool {
        if !names_equivalent(&child.issuer, &self.subject) {
            return false;
        }
        match (child.aki(), self.ski()) {
            (Some(aki), Some(ski)) => aki == ski,
            _ => true,
        }
    }

    /// Verifies that this certificate's key signed `child` (over child's original TBS bytes).
    pub fn verify_issued(&self, child: &Certificate) -> SignatureCheck {
        verify_signature(
            &self.spki,
            &child.signature_algorithm,
            None,
            child.tbs(),
            &child.signature,
        )
    }
}

/// subjectKeyIdentifier: an OCTET STRING.
fn parse_ski(value: &[u8]) -> Result<Vec<u8>, Asn1Error> {
    let v = Tlv::parse(value, Mode::Der)?.expect(tag::OCTET_STRING, "SKI")?;
    Ok(v.content.to_vec())
}

/// authorityKeyIdentifier: a SEQUENCE whose `[0]` is the keyIdentifier (absent is fine).
fn parse_aki(value: &[u8]) -> Result<Option<Vec<u8>>, Asn1Error> {
    let v = Tlv::parse(value, Mode::Der)?.expect(tag::SEQUENCE, "AKI")?;
    let mut aki = None;
    for item in v.children() {
        let item = item?;
        if item.tag == tag::CTX0_PRIMITIVE {
            aki = Some(item.content.to_vec());
        }
    }
    Ok(aki)
}

/// Whether two DER Names denote the same entity: identical bytes, or the same attributes
/// (type and case-folded, trimmed text) regardless of RDN order and string type. Issuers do
/// re-order and re-type names between a certificate and the CMS `issuerAndSerialNumber`
/// naming it (MY); the signature check that follows every lookup is what proves the match.
pub fn names_equivalent(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    let attrs = |der: &[u8]| -> Option<Vec<(String, String)>> {
        let name = Tlv::parse(der, Mode::Ber).ok()?;
        let mut out = Vec::new();
        for rdn in name.children() {
            for atv in rdn.ok()?.children() {
                let atv = atv.ok()?;
                let mut f = Fields::new(&atv);
                let oid = f.next("type").ok()?.oid().ok()?;
                let value = f.next("value").ok()?;
                out.push((
                    oid,
                    String::from_utf8_lossy(value.content).trim().to_uppercase(),
                ));
            }
        }
        out.sort();
        Some(out)
    };
    match (attrs(a), attrs(b)) {
        (Some(x), Some(y)) => !x.is_empty() && x == y,
        _ => false,
    }
}

/// Drops one leading `00` used to keep an INTEGER positive.
pub fn strip_zero(bytes: &[u8]) -> &[u8] {
    match bytes {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => bytes,
    }
}

/// A Name's first attribute of type `oid`, as text.
pub(crate) fn name_attribute(name: &Tlv<'_>, oid: &str) -> Option<String> {
    for rdn in name.children().flatten() {
        for atv in rdn.children().flatten() {
            let mut f = Fields::new(&atv);
            if f.next("type").ok().and_then(|t| t.oid().ok()).as_deref() == Some(oid) {
                return f
                    .next("value")
                    .ok()
                    .map(|v| String::from_utf8_lossy(v.content).trim().to_uppercase());
            }
        }
    }
    None
}

/// `C=AT, O=GV, OU=BMI, CN=…` in encoded order, for humans only.
pub(crate) fn name_text(name: &Tlv<'_>) -> String {
    let mut parts = Vec::new();
    for rdn in name.children().flatten() {
        for atv in rdn.children().flatten() {
            let mut f = Fields::new(&atv);
            let Some(oid) = f.next("type").ok().and_then(|t| t.oid().ok()) else {
                continue;
            };
            let Ok(value) = f.next("value") else { continue };
            let key = match oid.as_str() {
                OID_COUNTRY => "C".to_owned(),
                OID_COMMON_NAME => "CN".to_owned(),
                OID_ORGANIZATION => "O".to_owned(),
                "2.5.4.11" => "OU".to_owned(),
                OID_SERIAL_NUMBER_ATTR => "serialNumber".to_owned(),
                "2.5.4.7" => "L".to_owned(),
                _ => oid,
            };
            let text = if value.tag == 0x1E {
                // BMPString: UTF-16BE.
                let units: Vec<u16> = value
                    .content
                    .chunks(2)
                    .map(|c| {
                        u16::from_be_bytes([
                            c.first().copied().unwrap_or(0),
                            c.get(1).copied().unwrap_or(0),
                        ])
                    })
                    .collect();
                String::from_utf16_lossy(&units)
            } else {
                String::from_utf8_lossy(value.content).into_owned()
            };
            parts.push(format!("{key}={text}"));
        }
    }
    parts.join(", ")
}

/// Readable form of a DER Name (for details and summaries).
pub fn name_to_text(der: &[u8]) -> String {
    Tlv::parse(der, Mode::Ber).map_or_else(|_| hex_upper(der), |n| name_text(&n))
}

/// Country of a DER Name, if it has one.
pub fn name_country(der: &[u8]) -> Option<String> {
    Tlv::parse(der, Mode::Ber)
        .ok()
        .and_then(|n| name_attribute(&n, OID_COUNTRY))
}
