//! ICAO PKD LDIF files (RFC 2849 as the ICAO PKD exports them): entries of `attr:: base64`
//! lines with folded continuations. Recognised attributes: `userCertificate;binary` and
//! `cACertificate;binary` (certificates), `certificateRevocationList;binary` (CRLs),
//! `pkdMasterListContent` / `CscaMasterListData` (master lists, CMS). Everything else is
//! counted, not interpreted.

/// One value of interest found in an LDIF file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LdifItem {
    /// A certificate's DER (DSC or CSCA; the trust store tells them apart).
    Certificate(Vec<u8>),
    /// A CRL's DER.
    Crl(Vec<u8>),
    /// A master list (CMS ContentInfo).
    MasterList(Vec<u8>),
    /// A value of one of the attributes above that is not valid base64 (a damaged or cut
    /// export): kept by name so the trust store refuses that entry with its reason.
    Undecodable(String),
}

/// What an LDIF file held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LdifContent {
    /// The recognised values in file order.
    pub items: Vec<LdifItem>,
    /// The `dn:` of the entry each item came from (same order as `items`), so one bad value
    /// can be refused by name.
    pub dns: Vec<String>,
    /// Entries (`dn:` records).
    pub entries: usize,
    /// Binary attribute values not recognised (an attribute of no interest here).
    pub unrecognised: usize,
}

/// Parses LDIF text. Never fails: what cannot be read is counted in `unrecognised`.
pub fn parse(text: &str) -> LdifContent {
    let mut out = LdifContent::default();
    // Unfold continuation lines (a line starting with one space continues the previous).
    let mut logical: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let (Some(cont), Some(last)) = (line.strip_prefix(' '), logical.last_mut()) {
            last.push_str(cont);
            continue;
        }
        logical.push(line.to_owned());
    }
    let mut dn = String::new();
    for line in &logical {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let Some((attr, value)) = line.split_once(':') else {
            continue;
        };
        if attr.eq_ignore_ascii_case("dn") {
            out.entries += 1;
            value.trim().clone_into(&mut dn);
            continue;
        }
        let Some(b64) = value.strip_prefix(':') else {
            continue;
        };
        let name = attr;
        let attr = attr.to_ascii_lowercase();
        let Some(bytes) = base64_decode(b64) else {
            if recognised(&attr) {
                out.items.push(LdifItem::Undecodable(name.to_owned()));
                out.dns.push(dn.clone());
            } else {
                out.unrecognised += 1;
            }
            continue;
        };
        let item = match attr.as_str() {
            "usercertificate;binary" | "usercertificate" | "cacertificate;binary" => {
                LdifItem::Certificate(bytes)
            }
            "certificaterevocationlist;binary" | "certificaterevocationlist" => {
                LdifItem::Crl(bytes)
            }
            "pkdmasterlistcontent" | "cscamasterlistdata" | "pkdmasterlistcontent;binary" => {
                LdifItem::MasterList(bytes)
            }
            _ => {
                out.unrecognised += 1;
                continue;
            }
        };
        out.items.push(item);
        out.dns.push(dn.clone());
    }
    out
}

/// Whether `attr` (lower case) is one of the attributes [`parse`] reads.
fn recognised(attr: &str) -> bool {
    matches!(
        attr,
        "usercertificate;binary"
            | "usercertificate"
            | "cacertificate;binary"
            | "certificaterevocationlist;binary"
            | "certificaterevocationlist"
            | "pkdmasterlistcontent"
            | "cscamasterlistdata"
            | "pkdmasterlistcontent;binary"
    )
}

/// Standard base64 (RFC 4648) ignoring whitespace; `None` on any other bad character.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut padding = false;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding = true;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return None,
        };
        if padding {
            return None;
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xFF).ok()?);
        }
    }
    Some(out)
}

/// The DER inside PEM blocks labelled `label` (e.g. `CERTIFICATE`, `X509 CRL`).
pub fn pem_blocks(text: &str, label: &str) -> Vec<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&begin) {
        let after = &rest[start + begin.len()..];
        let Some(stop) = after.find(&end) else { break };
        if let Some(der) = base64_decode(&after[..stop]) {
            out.push(der);
        }
        rest = &after[stop + end.len()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_folding() {
        assert_eq!(base64_decode("TWFu").unwrap(), b"Man");
        assert_eq!(base64_decode("TWE=").unwrap(), b"Ma");
        assert!(base64_decode("TW!=").is_none());
        let ldif = "dn: cn=a,o=b\nuserCertificate;binary:: TW\n Fu\nfoo:: TWFu\nbar:: T!\n\ndn: x\ncertificateRevocationList;binary:: TWE=\n\ndn: y\nuserCertificate;binary:: TW!u\n";
        let c = parse(ldif);
        assert_eq!(c.entries, 3);
        assert_eq!(c.unrecognised, 2);
        assert_eq!(
            c.items,
            vec![
                LdifItem::Certificate(b"Man".to_vec()),
                LdifItem::Crl(b"Ma".to_vec()),
                LdifItem::Undecodable("userCertificate;binary".into()),
            ]
        );
        assert_eq!(c.dns, ["cn=a,o=b", "x", "y"]);
    }

    #[test]
    fn pem_blocks_are_found() {
        let pem = "x\n-----BEGIN CERTIFICATE-----\nTWFu\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nTWE=\n-----END CERTIFICATE-----";
        assert_eq!(pem_blocks(pem, "CERTIFICATE").len(), 2);
    }
}
