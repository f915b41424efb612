//! CSCA certificate revocation lists (RFC 5280 §5, ICAO 9303-12 §7.1.4 profile).

use crate::asn1::{Asn1Error, Fields, Mode, Time, Tlv, hex_upper, tag};

use super::cert::{CertError, Certificate, name_text, strip_zero};
use super::glue::{SignatureCheck, verify_signature};

/// One revoked certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokedEntry {
    /// Serial number content octets (leading zero dropped).
    pub serial: Vec<u8>,
    /// When it was revoked.
    pub revocation_date: Time,
}

/// A parsed CRL that owns its DER.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crl {
    der: Vec<u8>,
    tbs: std::ops::Range<usize>,
    signature_algorithm: Vec<u8>,
    signature: Vec<u8>,
    issuer: Vec<u8>,
    issuer_text: String,
    aki: Option<Vec<u8>>,
    /// thisUpdate.
    pub this_update: Time,
    /// nextUpdate (mandatory in the ICAO profile, optional in RFC 5280).
    pub next_update: Option<Time>,
    /// The revoked certificates.
    pub revoked: Vec<RevokedEntry>,
    /// Revoked entries that could not be read, by position (from 0), with why. The CRL's
    /// signature covers them, so the rest stand; but an unreadable entry could be any
    /// serial, so such a CRL cannot prove a certificate is *not* revoked.
    pub refused: Vec<(usize, String)>,
}

/// One `revokedCertificates` element: serial and revocation date (entry extensions are not
/// interpreted).
fn revoked_entry(entry: &Tlv<'_>) -> Result<RevokedEntry, CertError> {
    let entry = entry.expect(tag::SEQUENCE, "revoked certificate")?;
    let mut e = Fields::new(&entry);
    let serial = e.next_tagged(tag::INTEGER, "userCertificate")?.content;
    // The time's own error names no field: say which one, for the refused entry's reason.
    let revocation_date = e
        .next("revocationDate")?
        .time()
        .map_err(|err| CertError(format!("revocationDate: {err}")))?;
    Ok(RevokedEntry {
        serial: strip_zero(serial).to_vec(),
        revocation_date,
    })
}

impl Crl {
    /// Parses one DER CRL.
    pub fn from_der(der: &[u8]) -> Result<Self, CertError> {
        let top = Tlv::parse(der, Mode::Der)
            .or_else(|_| Tlv::parse(der, Mode::Ber))?
            .expect(tag::SEQUENCE, "CertificateList")?;
        let mut f = Fields::new(&top);
        let tbs = f.next_tagged(tag::SEQUENCE, "tbsCertList")?;
        let sig_alg = f.next_tagged(tag::SEQUENCE, "signatureAlgorithm")?;
        let signature = f.next("signatureValue")?.bit_string_bytes()?;
        f.end()?;
        let start = tbs.raw.as_ptr() as usize - der.as_ptr() as usize;
        let mut t = Fields::new(&tbs);
        let _version = t.optional(tag::INTEGER)?;
        t.next_tagged(tag::SEQUENCE, "signature")?;
        let issuer = t.next_tagged(tag::SEQUENCE, "issuer")?;
        let this_update = t.next("thisUpdate")?.time()?;
        let next_update = match t.optional(tag::UTC_TIME)? {
            Some(u) => Some(u.time()?),
            None => t
                .optional(tag::GENERALIZED_TIME)?
                .map(|g| g.time())
                .transpose()?,
        };
        let mut revoked = Vec::new();
        let mut refused = Vec::new();
        if let Some(list) = t.optional(tag::SEQUENCE)? {
            for (i, entry) in list.children().enumerate() {
                let framed = entry.is_ok();
                match entry
                    .map_err(CertError::from)
                    .and_then(|e| revoked_entry(&e))
                {
                    Ok(r) => revoked.push(r),
                    Err(e) => refused.push((i, e.0)),
                }
                if !framed {
                    break;
                }
            }
        }
        let mut aki = None;
        if let Some(exts) = t.optional(tag::CTX0)? {
            let list = exts
                .children()
                .next()
                .ok_or(Asn1Error::Missing("crlExtensions"))??;
            for ext in list.children() {
                let ext = ext?;
                let mut ef = Fields::new(&ext);
                let oid = ef.next_tagged(tag::OID, "extnID")?.oid()?;
                let _ = ef.optional(tag::BOOLEAN)?;
                let value = ef.next_tagged(tag::OCTET_STRING, "extnValue")?.content;
                if oid == "2.5.29.35" {
                    let v = Tlv::parse(value, Mode::Der)?;
                    for item in v.children() {
                        let item = item?;
                        if item.tag == tag::CTX0_PRIMITIVE {
                            aki = Some(item.content.to_vec());
                        }
                    }
                }
            }
        }
        t.end()?;
        Ok(Crl {
            der: der.to_vec(),
            tbs: start..start + tbs.raw.len(),
            signature_algorithm: sig_alg.raw.to_vec(),
            signature: signature.to_vec(),
            issuer_text: name_text(&issuer),
            issuer: issuer.raw.to_vec(),
            aki,
            this_update,
            next_update,
            revoked,
            refused,
        })
    }

    /// The CRL's DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// DER of the issuer Name.
    pub fn issuer(&self) -> &[u8] {
        &self.issuer
    }

    /// Readable issuer.
    pub fn issuer_text(&self) -> &str {
        &self.issuer_text
    }

    /// authorityKeyIdentifier keyIdentifier, if present.
    pub fn aki(&self) -> Option<&[u8]> {
        self.aki.as_deref()
    }

    /// Whether `issuer` may have issued this CRL: same DN, and AKI = SKI when both exist.
    pub fn may_be_issued_by(&self, issuer: &Certificate) -> bool {
        if !super::cert::names_equivalent(&self.issuer, issuer.subject()) {
            return false;
        }
        match (self.aki(), issuer.ski()) {
            (Some(aki), Some(ski)) => aki == ski,
            _ => true,
        }
    }

    /// Verifies the CRL's signature with `issuer`'s key, over the original TBS bytes.
    pub fn verify_signature(&self, issuer: &Certificate) -> SignatureCheck {
        verify_signature(
            issuer.spki(),
            &self.signature_algorithm,
            None,
            self.der.get(self.tbs.clone()).unwrap_or_default(),
            &self.signature,
        )
    }

    /// The entry revoking `serial` (INTEGER content octets), if any.
    pub fn find(&self, serial: &[u8]) -> Option<&RevokedEntry> {
        let serial = strip_zero(serial);
        self.revoked.iter().find(|r| r.serial == serial)
    }

    /// Whether the CRL is current at `at`: thisUpdate ≤ at ≤ nextUpdate.
    pub fn current_at(&self, at: Time) -> bool {
        self.this_update <= at && self.next_update.is_none_or(|n| at <= n)
    }

    /// Revoked serials in hex.
    pub fn revoked_serials_hex(&self) -> Vec<String> {
        self.revoked.iter().map(|r| hex_upper(&r.serial)).collect()
    }
}
