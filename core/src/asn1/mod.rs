//! A small borrowing ASN.1 reader for the CMS, X.509 and ICAO structures of passive
//! authentication.
//!
//! Why our own and not `der`'s typed decoding: signatures and hashes must be computed over the
//! **original bytes** (`der` sorts `SET OF` on decode and re-encodes times), and real documents
//! are not always DER (NZ SODs use indefinite lengths). This reader never re-encodes: every
//! [`Tlv`] borrows its exact header, content and whole encoding from the input.
//!
//! Two modes: [`Mode::Der`] (definite, minimal lengths only; no constructed strings) and
//! [`Mode::Ber`] (adds indefinite lengths and constructed OCTET STRINGs). Callers decode DER
//! first and fall back to BER ([`crate::cms`] does), so what was accepted is always known.
//! Nesting is bounded by [`MAX_DEPTH`]; nothing here panics on any input.

mod time;

use std::borrow::Cow;

pub use time::Time;

/// Deepest nesting accepted; X.509 and CMS never come near it.
pub const MAX_DEPTH: usize = 24;

/// Which encoding rules a decode applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Distinguished Encoding Rules: definite minimal lengths, primitive strings.
    Der,
    /// Basic Encoding Rules as CMS needs them: also indefinite lengths and constructed strings.
    Ber,
}

/// Why bytes could not be read as ASN.1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Asn1Error {
    /// The input ended inside an element.
    #[error("truncated ASN.1 element")]
    Truncated,
    /// A tag or length that is malformed, or not allowed in the current mode.
    #[error("malformed ASN.1: {0}")]
    Malformed(&'static str),
    /// Nesting beyond [`MAX_DEPTH`].
    #[error("ASN.1 nested too deeply")]
    TooDeep,
    /// A different element was found where another was required.
    #[error("expected {expected}, found tag {found:#04x}")]
    Unexpected {
        /// What the structure requires at this point.
        expected: &'static str,
        /// The tag byte present.
        found: u8,
    },
    /// A required element is missing.
    #[error("missing {0}")]
    Missing(&'static str),
    /// Bytes after the outermost element.
    #[error("{0} trailing byte(s) after the ASN.1 element")]
    Trailing(usize),
}

/// Universal tag numbers used here (low-tag-number form, first octet).
pub mod tag {
    /// BOOLEAN.
    pub const BOOLEAN: u8 = 0x01;
    /// INTEGER.
    pub const INTEGER: u8 = 0x02;
    /// BIT STRING.
    pub const BIT_STRING: u8 = 0x03;
    /// OCTET STRING (primitive).
    pub const OCTET_STRING: u8 = 0x04;
    /// OCTET STRING (constructed, BER only).
    pub const OCTET_STRING_CONSTRUCTED: u8 = 0x24;
    /// NULL.
    pub const NULL: u8 = 0x05;
    /// OBJECT IDENTIFIER.
    pub const OID: u8 = 0x06;
    /// UTCTime.
    pub const UTC_TIME: u8 = 0x17;
    /// GeneralizedTime.
    pub const GENERALIZED_TIME: u8 = 0x18;
    /// SEQUENCE.
    pub const SEQUENCE: u8 = 0x30;
    /// SET.
    pub const SET: u8 = 0x31;
    /// `[0]` constructed.
    pub const CTX0: u8 = 0xA0;
    /// `[1]` constructed.
    pub const CTX1: u8 = 0xA1;
    /// `[3]` constructed.
    pub const CTX3: u8 = 0xA3;
    /// `[0]` primitive.
    pub const CTX0_PRIMITIVE: u8 = 0x80;
}

/// One element, borrowing from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The first identifier octet (class, constructed bit, tag number < 31). High tag numbers
    /// are rejected: nothing in CMS/X.509/ICAO PA uses them.
    pub tag: u8,
    /// The content octets (for indefinite length: without the end-of-contents octets).
    pub content: &'a [u8],
    /// The whole encoding as found: identifier, length, content (and end-of-contents).
    pub raw: &'a [u8],
    /// The rules this element was read with.
    pub mode: Mode,
}

impl<'a> Tlv<'a> {
    /// Reads exactly one element filling `bytes`.
    pub fn parse(bytes: &'a [u8], mode: Mode) -> Result<Self, Asn1Error> {
        let (tlv, rest) = read(bytes, mode, 0)?;
        if !rest.is_empty() {
            return Err(Asn1Error::Trailing(rest.len()));
        }
        Ok(tlv)
    }

    /// Reads one element at the start of `bytes`, returning it and what follows.
    pub fn parse_prefix(bytes: &'a [u8], mode: Mode) -> Result<(Self, &'a [u8]), Asn1Error> {
        read(bytes, mode, 0)
    }

    /// Whether the constructed bit is set.
    pub fn is_constructed(&self) -> bool {
        self.tag & 0x20 != 0
    }

    /// The elements inside a constructed element, in order.
    pub fn children(&self) -> Children<'a> {
        Children {
            rest: if self.is_constructed() {
                self.content
            } else {
                &[]
            },
            mode: self.mode,
        }
    }

    /// All children, or the first error.
    pub fn child_vec(&self) -> Result<Vec<Tlv<'a>>, Asn1Error> {
        self.children().collect()
    }

    /// Checks the tag.
    pub fn expect(self, tag: u8, what: &'static str) -> Result<Self, Asn1Error> {
        if self.tag == tag {
            Ok(self)
        } else {
            Err(Asn1Error::Unexpected {
                expected: what,
                found: self.tag,
            })
        }
    }

    /// The value of an OBJECT IDENTIFIER in dotted form.
    pub fn oid(&self) -> Result<String, Asn1Error> {
        self.expect(tag::OID, "OBJECT IDENTIFIER")?;
        oid_to_string(self.content)
    }

    /// The value of a small non-negative INTEGER (versions, data-group numbers).
    pub fn small_uint(&self) -> Result<u64, Asn1Error> {
        self.expect(tag::INTEGER, "INTEGER")?;
        let c = self.content;
        if c.is_empty() || c.len() > 9 || c.first().is_some_and(|b| b & 0x80 != 0) {
            return Err(Asn1Error::Malformed(
                "INTEGER is not a small non-negative value",
            ));
        }
        if c.len() == 9 && c.first() != Some(&0) {
            return Err(Asn1Error::Malformed("INTEGER too large"));
        }
        Ok(c.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    /// The octets of an OCTET STRING; a constructed one (BER) is concatenated.
    pub fn octets(&self) -> Result<Cow<'a, [u8]>, Asn1Error> {
        match self.tag {
            tag::OCTET_STRING => Ok(Cow::Borrowed(self.content)),
            tag::OCTET_STRING_CONSTRUCTED if self.mode == Mode::Ber => {
                let mut out = Vec::new();
                for part in self.children() {
                    out.extend_from_slice(&part?.octets()?);
                }
                Ok(Cow::Owned(out))
            }
            found => Err(Asn1Error::Unexpected {
                expected: "OCTET STRING",
                found,
            }),
        }
    }

    /// The bits of a BIT STRING with no unused bits (signatures, keys).
    pub fn bit_string_bytes(&self) -> Result<&'a [u8], Asn1Error> {
        self.expect(tag::BIT_STRING, "BIT STRING")?;
        match self.content.split_first() {
            Some((0, rest)) => Ok(rest),
            _ => Err(Asn1Error::Malformed("BIT STRING has unused bits")),
        }
    }

    /// A UTCTime or GeneralizedTime.
    pub fn time(&self) -> Result<Time, Asn1Error> {
        match self.tag {
            tag::UTC_TIME => Time::parse_utc(self.content),
            tag::GENERALIZED_TIME => Time::parse_generalized(self.content),
            found => Err(Asn1Error::Unexpected {
                expected: "UTCTime or GeneralizedTime",
                found,
            }),
        }
    }
}

/// Iterator over the children of a constructed element.
#[derive(Debug, Clone)]
pub struct Children<'a> {
    rest: &'a [u8],
    mode: Mode,
}

impl<'a> Iterator for Children<'a> {
    type Item = Result<Tlv<'a>, Asn1Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        match read(self.rest, self.mode, 1) {
            Ok((tlv, rest)) => {
                self.rest = rest;
                Some(Ok(tlv))
            }
            Err(e) => {
                self.rest = &[];
                Some(Err(e))
            }
        }
    }
}

/// A cursor over a SEQUENCE's children for structures with optional fields.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    items: std::iter::Peekable<Children<'a>>,
}

impl<'a> Fields<'a> {
    /// A cursor over `tlv`'s children.
    pub fn new(tlv: &Tlv<'a>) -> Self {
        Self {
            items: tlv.children().peekable(),
        }
    }

    /// The next field, which must exist.
    pub fn next(&mut self, what: &'static str) -> Result<Tlv<'a>, Asn1Error> {
        self.items.next().ok_or(Asn1Error::Missing(what))?
    }

    /// The next field with this tag, which must exist.
    pub fn next_tagged(&mut self, tag: u8, what: &'static str) -> Result<Tlv<'a>, Asn1Error> {
        self.next(what)?.expect(tag, what)
    }

    /// The next field if it has this tag.
    pub fn optional(&mut self, tag: u8) -> Result<Option<Tlv<'a>>, Asn1Error> {
        match self.items.peek() {
            Some(Ok(t)) if t.tag == tag => self.items.next().transpose(),
            Some(Err(_)) => self.items.next().transpose(),
            _ => Ok(None),
        }
    }

    /// Fails if fields are left.
    pub fn end(mut self) -> Result<(), Asn1Error> {
        match self.items.next() {
            None => Ok(()),
            Some(Err(e)) => Err(e),
            Some(Ok(_)) => Err(Asn1Error::Malformed("unexpected extra field")),
        }
    }
}

fn read(bytes: &[u8], mode: Mode, depth: usize) -> Result<(Tlv<'_>, &[u8]), Asn1Error> {
    if depth > MAX_DEPTH {
        return Err(Asn1Error::TooDeep);
    }
    let (&tag, after_tag) = bytes.split_first().ok_or(Asn1Error::Truncated)?;
    if tag & 0x1F == 0x1F {
        return Err(Asn1Error::Malformed("high tag number"));
    }
    let constructed = tag & 0x20 != 0;
    if mode == Mode::Der && tag == tag::OCTET_STRING_CONSTRUCTED {
        return Err(Asn1Error::Malformed("constructed OCTET STRING is not DER"));
    }
    let (&first, after_first) = after_tag.split_first().ok_or(Asn1Error::Truncated)?;
    if first == 0x80 {
        if mode == Mode::Der {
            return Err(Asn1Error::Malformed("indefinite length is not DER"));
        }
        if !constructed {
            return Err(Asn1Error::Malformed(
                "indefinite length on a primitive element",
            ));
        }
        // Walk the children up to the end-of-contents octets.
        let mut rest = after_first;
        loop {
            if rest.starts_with(&[0, 0]) {
                let content_len = after_first.len() - rest.len();
                let total = 2 + content_len + 2;
                let raw = bytes.get(..total).ok_or(Asn1Error::Truncated)?;
                let content = after_first.get(..content_len).ok_or(Asn1Error::Truncated)?;
                let remainder = bytes.get(total..).ok_or(Asn1Error::Truncated)?;
                return Ok((
                    Tlv {
                        tag,
                        content,
                        raw,
                        mode,
                    },
                    remainder,
                ));
            }
            if rest.is_empty() {
                return Err(Asn1Error::Truncated);
            }
            let (_, next) = read(rest, mode, depth + 1)?;
            rest = next;
        }
    }
    let (len, header_len) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7F);
        if n == 0x7F || n > 4 {
            return Err(Asn1Error::Malformed("length too long"));
        }
        let len_bytes = after_first.get(..n).ok_or(Asn1Error::Truncated)?;
        let len = len_bytes
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        if mode == Mode::Der && (len < 0x80 || len_bytes.first() == Some(&0)) {
            return Err(Asn1Error::Malformed("non-minimal length is not DER"));
        }
        (len, 2 + n)
    };
    let total = header_len.checked_add(len).ok_or(Asn1Error::Truncated)?;
    let raw = bytes.get(..total).ok_or(Asn1Error::Truncated)?;
    let content = raw.get(header_len..).ok_or(Asn1Error::Truncated)?;
    let remainder = bytes.get(total..).ok_or(Asn1Error::Truncated)?;
    if constructed {
        // Validate the children now so a broken inner element is found at parse time.
        let mut rest = content;
        while !rest.is_empty() {
            let (_, next) = read(rest, mode, depth + 1)?;
            rest = next;
        }
    }
    Ok((
        Tlv {
            tag,
            content,
            raw,
            mode,
        },
        remainder,
    ))
}

/// Dotted form of an OBJECT IDENTIFIER's content octets.
pub fn oid_to_string(content: &[u8]) -> Result<String, Asn1Error> {
    if content.is_empty() || content.last().is_some_and(|b| b & 0x80 != 0) {
        return Err(Asn1Error::Malformed("OBJECT IDENTIFIER"));
    }
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    let mut arc_start = true;
    for &b in content {
        // X.690 8.19.2: a subidentifier's first octet is never 0x80 (no leading zero groups).
        // Accepting them would give one OID many encodings, e.g. an algorithm or extension
        // OID that reads as a known one while its bytes differ from every canonical form.
        if arc_start && b == 0x80 {
            return Err(Asn1Error::Malformed(
                "OBJECT IDENTIFIER arc not minimally encoded",
            ));
        }
        arc_start = b & 0x80 == 0;
        if value > (u64::MAX >> 7) {
            return Err(Asn1Error::Malformed("OBJECT IDENTIFIER arc too large"));
        }
        value = (value << 7) | u64::from(b & 0x7F);
        if b & 0x80 == 0 {
            arcs.push(value);
            value = 0;
        }
    }
    let first = arcs.first().copied().unwrap_or(0);
    let (a, b) = match first {
        0..40 => (0, first),
        40..80 => (1, first - 40),
        _ => (2, first - 80),
    };
    let mut out = format!("{a}.{b}");
    for arc in arcs.iter().skip(1) {
        out.push('.');
        out.push_str(&arc.to_string());
    }
    Ok(out)
}

/// The content octets of an OBJECT IDENTIFIER given in dotted form (the inverse of
/// [`oid_to_string`]), for building commands and data objects that carry an OID.
pub fn oid_from_string(dotted: &str) -> Result<Vec<u8>, Asn1Error> {
    let bad = Asn1Error::Malformed("dotted OBJECT IDENTIFIER");
    let arcs = dotted
        .split('.')
        .map(|a| {
            if a.is_empty() || !a.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad.clone());
            }
            a.parse::<u64>().map_err(|_| bad.clone())
        })
        .collect::<Result<Vec<u64>, _>>()?;
    let (first, second, rest) = match arcs.as_slice() {
        [first @ 0..=2, second, rest @ ..] if *first == 2 || *second < 40 => {
            (*first, *second, rest)
        }
        _ => return Err(bad),
    };
    let head = first
        .checked_mul(40)
        .and_then(|v| v.checked_add(second))
        .ok_or(bad)?;
    let mut out = Vec::new();
    for arc in std::iter::once(head).chain(rest.iter().copied()) {
        let mut groups = vec![u8::try_from(arc & 0x7F).unwrap_or(0)];
        let mut v = arc >> 7;
        while v > 0 {
            groups.push(0x80 | u8::try_from(v & 0x7F).unwrap_or(0));
            v >>= 7;
        }
        out.extend(groups.iter().rev());
    }
    Ok(out)
}

/// `bytes` with its first identifier octet replaced: used to verify CMS signed attributes,
/// which are signed as `SET OF` (`31`) but stored as `[0] IMPLICIT` (`A0`).
pub fn retag(bytes: &[u8], new_tag: u8) -> Vec<u8> {
    let mut out = bytes.to_vec();
    if let Some(first) = out.first_mut() {
        *first = new_tag;
    }
    out
}

/// Hex of bytes, upper case, for details and summaries.
pub fn hex_upper(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02X}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_rejects_indefinite_and_ber_reads_it() {
        let bytes = [0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00];
        assert!(Tlv::parse(&bytes, Mode::Der).is_err());
        let tlv = Tlv::parse(&bytes, Mode::Ber).unwrap();
        assert_eq!(tlv.content, &[0x02, 0x01, 0x05]);
        assert_eq!(tlv.raw, &bytes);
        let child = tlv.children().next().unwrap().unwrap();
        assert_eq!(child.small_uint().unwrap(), 5);
    }

    #[test]
    fn constructed_octet_string_is_concatenated_under_ber_only() {
        let bytes = [
            0x24, 0x80, 0x04, 0x01, 0xAA, 0x04, 0x02, 0xBB, 0xCC, 0x00, 0x00,
        ];
        let tlv = Tlv::parse(&bytes, Mode::Ber).unwrap();
        assert_eq!(&*tlv.octets().unwrap(), &[0xAA, 0xBB, 0xCC]);
        assert!(Tlv::parse(&bytes, Mode::Der).is_err());
    }

    #[test]
    fn oids_print_dotted() {
        assert_eq!(
            oid_to_string(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02]).unwrap(),
            "1.2.840.113549.1.7.2"
        );
        assert_eq!(
            oid_to_string(&[0x67, 0x81, 0x08, 0x01, 0x01, 0x01]).unwrap(),
            "2.23.136.1.1.1"
        );
        assert!(oid_to_string(&[0x86]).is_err());
    }

    /// Found by the `asn1` fuzz target: `80` before a subidentifier was read as a zero group,
    /// so `2.5.29.35` also decoded from `55 1D 80 23`. Every position of a leading `80` (first
    /// arc, later arcs, several in a row) is refused; `80` inside an arc is still fine.
    #[test]
    fn oids_with_a_leading_0x80_group_are_refused() {
        let canonical = [0x55, 0x1D, 0x23];
        assert_eq!(oid_to_string(&canonical).unwrap(), "2.5.29.35");
        for at in 0..canonical.len() {
            for pad in 1..=3 {
                let mut padded = canonical.to_vec();
                for _ in 0..pad {
                    padded.insert(at, 0x80);
                }
                assert_eq!(
                    oid_to_string(&padded),
                    Err(Asn1Error::Malformed(
                        "OBJECT IDENTIFIER arc not minimally encoded"
                    )),
                    "{padded:02X?}"
                );
            }
        }
        // 128 is 81 00: a continuation octet of 0x80 after the first is a zero group inside.
        assert_eq!(
            oid_to_string(&[0x2A, 0x81, 0x80, 0x00]).unwrap(),
            "1.2.16384"
        );
        assert_eq!(oid_to_string(&[0x2A, 0x81, 0x00]).unwrap(), "1.2.128");
    }

    #[test]
    fn oids_round_trip() {
        for dotted in [
            "1.2.840.113549.1.7.2",
            "2.23.136.1.1.1",
            "0.4.0.127.0.7.2.2.3.2.2",
            "2.999.18446744073709551615",
        ] {
            let der = oid_from_string(dotted).unwrap();
            assert_eq!(oid_to_string(&der).unwrap(), dotted);
        }
        assert_eq!(
            oid_from_string("0.4.0.127.0.7.2.2.3.2.2").unwrap(),
            [0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x03, 0x02, 0x02]
        );
        for bad in [
            "",
            "1",
            "3.1",
            "1.40",
            "1..2",
            "1.2.x",
            "1.2.-3",
            "1.2.99999999999999999999",
        ] {
            assert!(oid_from_string(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn truncation_and_depth_are_errors() {
        assert_eq!(
            Tlv::parse(&[0x30, 0x05, 0x02], Mode::Der),
            Err(Asn1Error::Truncated)
        );
        let mut deep = Vec::new();
        for _ in 0..40 {
            deep.extend_from_slice(&[0x30, 0x80]);
        }
        for _ in 0..40 {
            deep.extend_from_slice(&[0x00, 0x00]);
        }
        assert_eq!(Tlv::parse(&deep, Mode::Ber), Err(Asn1Error::TooDeep));
        assert!(Tlv::parse(&[0x30, 0x81, 0x01, 0x00], Mode::Der).is_err());
    }
}
