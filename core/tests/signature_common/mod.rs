//! Test-only DER slicing for certificates and CMS master lists. It returns sub-slices of the
//! original bytes (signatures are checked over the bytes as issued, never a re-encoding).
#![allow(dead_code, clippy::indexing_slicing)]

use std::path::PathBuf;

/// `fixtures/data/pki/<name>`.
pub fn pki(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/data/pki")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One element: (tag, whole TLV, value).
pub fn tlv(data: &[u8]) -> (u8, &[u8], &[u8]) {
    let tag = data[0];
    let first = data[1];
    let (len, hdr) = if first < 0x80 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7F) as usize;
        assert!(n > 0, "indefinite length");
        let len = data[2..2 + n]
            .iter()
            .fold(0usize, |a, &b| (a << 8) | b as usize);
        (len, 2 + n)
    };
    (tag, &data[..hdr + len], &data[hdr..hdr + len])
}

/// The elements inside a constructed value.
pub fn children(mut value: &[u8]) -> Vec<(u8, &[u8], &[u8])> {
    let mut out = Vec::new();
    while !value.is_empty() {
        let t = tlv(value);
        value = &value[t.1.len()..];
        out.push(t);
    }
    out
}

/// The parts of an X.509 certificate the signature check needs.
pub struct Cert<'a> {
    pub tbs: &'a [u8],
    pub sig_alg: &'a [u8],
    pub signature: &'a [u8],
    pub issuer: &'a [u8],
    pub subject: &'a [u8],
    pub spki: &'a [u8],
    /// authorityKeyIdentifier.keyIdentifier, if present.
    pub aki: Option<&'a [u8]>,
    /// subjectKeyIdentifier, if present.
    pub ski: Option<&'a [u8]>,
}

impl Cert<'_> {
    pub fn self_issued(&self) -> bool {
        self.issuer == self.subject
    }

    /// Self-issued and not a link certificate: no AKI, or AKI equal to SKI.
    pub fn self_signed(&self) -> bool {
        self.self_issued()
            && match (self.aki, self.ski) {
                (Some(a), Some(s)) => a == s,
                _ => true,
            }
    }
}

pub fn parse_cert(der: &[u8]) -> Cert<'_> {
    let (tag, _, body) = tlv(der);
    assert_eq!(tag, 0x30);
    let parts = children(body);
    let tbs_fields = children(parts[0].2);
    let skip = usize::from(tbs_fields[0].0 == 0xA0);
    let bits = parts[2].2;
    assert_eq!(bits[0], 0, "unused bits in signature");
    let (mut aki, mut ski) = (None, None);
    if let Some(ext) = tbs_fields.iter().find(|f| f.0 == 0xA3) {
        for (_, _, e) in children(tlv(ext.2).2) {
            let fields = children(e);
            let value = tlv(fields[fields.len() - 1].2);
            if fields[0].2 == [0x55, 0x1D, 0x23] {
                aki = children(value.2)
                    .into_iter()
                    .find(|f| f.0 == 0x80)
                    .map(|f| f.2);
            } else if fields[0].2 == [0x55, 0x1D, 0x0E] {
                ski = Some(value.2);
            }
        }
    }
    Cert {
        tbs: parts[0].1,
        sig_alg: parts[1].1,
        signature: &bits[1..],
        issuer: tbs_fields[skip + 2].1,
        subject: tbs_fields[skip + 4].1,
        spki: tbs_fields[skip + 5].1,
        aki,
        ski,
    }
}

/// The country (C=) of a Name, for messages.
pub fn country(name: &[u8]) -> String {
    for (_, _, rdn) in children(tlv(name).2) {
        for (_, _, atv) in children(rdn) {
            let parts = children(atv);
            if parts[0].2 == [0x55, 0x04, 0x06] {
                return String::from_utf8_lossy(parts[1].2).into_owned();
            }
        }
    }
    "??".into()
}

/// A CMS SignedData master list: the embedded certificates, the CscaMasterList entries and the
/// first SignerInfo's parts.
pub struct MasterList<'a> {
    pub certificates: Vec<&'a [u8]>,
    pub entries: Vec<&'a [u8]>,
    pub e_content: Vec<u8>,
    pub signer_infos: Vec<&'a [u8]>,
}

pub fn parse_master_list(data: &[u8]) -> MasterList<'_> {
    let (_, _, ci) = tlv(data);
    let ci = children(ci);
    assert_eq!(
        ci[0].2,
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02],
        "id-signedData"
    );
    let (_, _, sd) = tlv(ci[1].2);
    let sd = children(sd);
    let encap = children(sd[2].2);
    let (octet_tag, _, octets) = tlv(encap[1].2);
    let e_content = if octet_tag == 0x04 {
        octets.to_vec()
    } else {
        children(octets).iter().flat_map(|c| c.2.to_vec()).collect()
    };
    let mut certificates = Vec::new();
    let mut signer_infos = Vec::new();
    for (tag, whole, value) in &sd[3..] {
        match tag {
            0xA0 => certificates = children(value).into_iter().map(|c| c.1).collect(),
            0x31 => signer_infos = children(value).into_iter().map(|c| c.1).collect(),
            _ => {}
        }
        let _ = whole;
    }
    // CscaMasterList ::= SEQUENCE { version INTEGER, certList SET OF Certificate }
    let e_content_static: &'static [u8] = Box::leak(e_content.clone().into_boxed_slice());
    let ml = children(tlv(e_content_static).2);
    let entries = children(ml[1].2).into_iter().map(|c| c.1).collect();
    MasterList {
        certificates,
        entries,
        e_content,
        signer_infos,
    }
}
