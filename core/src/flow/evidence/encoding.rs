//! How the evidence bundle spells bytes, times and file names in JSON.
//!
//! One spelling per value, so a bundle serialises to exactly one byte string (it is hashed and
//! may be signed later): files in standard base64 with padding (RFC 4648 §4), every other byte
//! string in upper-case hex (as the CLI's JSON and `ChipEvidence` print them), times as
//! `YYYY-MM-DDTHH:MM:SSZ`. Decoding is strict: lower-case hex, whitespace, missing padding or
//! non-zero padding bits are refused rather than silently accepted, so two different JSON texts
//! never decode to the same bundle.

use std::collections::BTreeMap;

use serde::de::Error;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::asn1::Time;
use crate::lds::{DataGroup, LdsFile};

const BASE64_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (RFC 4648 §4).
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let symbols = chunk.len() + 1;
        for i in 0..4 {
            if i < symbols {
                let index = (n >> (18 - 6 * i)) & 0x3F;
                out.push(char::from(
                    BASE64_ALPHABET.get(index as usize).copied().unwrap_or(b'A'),
                ));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_value(c: u8) -> Option<u32> {
    let value = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    };
    Some(u32::from(value))
}

/// Decodes standard base64 with padding; refuses anything else (whitespace, URL-safe
/// characters, missing or extra padding, non-zero bits in the last symbol).
pub fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return Err("base64 length is not a multiple of 4".into());
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let groups = bytes.len() / 4;
    for (g, group) in bytes.chunks(4).enumerate() {
        let last = g + 1 == groups;
        let pad = group.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return Err("misplaced base64 padding".into());
        }
        let mut n = 0u32;
        for (i, &c) in group.iter().enumerate() {
            let v = if i >= 4 - pad {
                0
            } else {
                base64_value(c)
                    .ok_or_else(|| format!("invalid base64 character {:?}", c as char))?
            };
            n = (n << 6) | v;
        }
        let [_, b0, b1, b2] = n.to_be_bytes();
        match pad {
            0 => out.extend_from_slice(&[b0, b1, b2]),
            1 if b2 == 0 => out.extend_from_slice(&[b0, b1]),
            2 if b1 == 0 && b2 == 0 => out.push(b0),
            _ => return Err("non-zero padding bits in base64".into()),
        }
    }
    Ok(out)
}

/// Upper-case hex.
pub fn hex_encode(bytes: &[u8]) -> String {
    crate::asn1::hex_upper(bytes)
}

/// Decodes upper-case hex (the one spelling the bundle writes).
pub fn hex_decode(text: &str) -> Result<Vec<u8>, String> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return Err("hex has an odd number of digits".into());
    }
    bytes
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => match (digit(*hi), digit(*lo)) {
                (Some(h), Some(l)) => Ok((h << 4) | l),
                _ => Err("hex digits must be 0-9 or A-F (upper case)".to_owned()),
            },
            _ => Err("hex has an odd number of digits".to_owned()),
        })
        .collect()
}

/// Serde: `Vec<u8>` as upper-case hex.
pub mod hex {
    use super::{Deserialize, Deserializer, Error, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::hex_encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        super::hex_decode(&text).map_err(D::Error::custom)
    }
}

/// Serde: `[u8; 8]` (an Active Authentication challenge) as 16 upper-case hex digits.
pub mod hex8 {
    use super::{Deserialize, Deserializer, Error, Serializer};

    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's `with` passes a reference.
    pub fn serialize<S: Serializer>(bytes: &[u8; 8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::hex_encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 8], D::Error> {
        let text = String::deserialize(d)?;
        let bytes = super::hex_decode(&text).map_err(D::Error::custom)?;
        <[u8; 8]>::try_from(bytes.as_slice())
            .map_err(|_| D::Error::custom("an Active Authentication challenge is 8 bytes"))
    }
}

/// Serde: [`Time`] as `YYYY-MM-DDTHH:MM:SSZ` (exactly that form when read back).
pub mod time {
    use super::{Deserialize, Deserializer, Error, Serializer, Time};

    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's `with` passes a reference.
    pub fn serialize<S: Serializer>(time: &Time, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(time)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        let text = String::deserialize(d)?;
        if text.len() != 20 {
            return Err(D::Error::custom("a time is YYYY-MM-DDTHH:MM:SSZ"));
        }
        Time::parse_iso(&text).ok_or_else(|| D::Error::custom("a time is YYYY-MM-DDTHH:MM:SSZ"))
    }
}

/// The stable name of a file in the bundle: `CardAccess`, `CardSecurity`, `ATR/INFO`, `DIR`,
/// `COM`, `SOD`, `DG1` … `DG16` (what [`LdsFile::name`] prints).
pub fn file_from_name(name: &str) -> Option<LdsFile> {
    match name {
        "CardAccess" => Some(LdsFile::CardAccess),
        "CardSecurity" => Some(LdsFile::CardSecurity),
        "ATR/INFO" => Some(LdsFile::AtrInfo),
        "DIR" => Some(LdsFile::Dir),
        "COM" => Some(LdsFile::Com),
        "SOD" => Some(LdsFile::Sod),
        _ => {
            let number = name.strip_prefix("DG")?;
            let digits = number.bytes().all(|b| b.is_ascii_digit());
            if !digits || number.starts_with('0') || number.is_empty() || number.len() > 2 {
                return None;
            }
            DataGroup::new(number.parse().ok()?).map(LdsFile::Dg)
        }
    }
}

/// A file name as serde sees it (refusing unknown names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileName(pub LdsFile);

impl Serialize for FileName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.name())
    }
}

impl<'de> Deserialize<'de> for FileName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        file_from_name(&text)
            .map(FileName)
            .ok_or_else(|| D::Error::custom(format!("unknown file name {text:?}")))
    }
}

/// One entry of `files`: `{"file": "DG1", "base64": "…"}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEntry {
    file: FileName,
    base64: String,
}

/// Serde: the files read, as a list in [`LdsFile`] order; a file named twice is refused.
pub mod files {
    use super::{
        BTreeMap, Deserialize, Deserializer, Error, FileEntry, FileName, LdsFile, Serialize,
        Serializer,
    };

    pub fn serialize<S: Serializer>(
        files: &BTreeMap<LdsFile, Vec<u8>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let entries: Vec<FileEntry> = files
            .iter()
            .map(|(file, bytes)| FileEntry {
                file: FileName(*file),
                base64: super::base64_encode(bytes),
            })
            .collect();
        entries.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<LdsFile, Vec<u8>>, D::Error> {
        let entries = Vec::<FileEntry>::deserialize(d)?;
        let mut files = BTreeMap::new();
        for entry in entries {
            let bytes = super::base64_decode(&entry.base64)
                .map_err(|e| D::Error::custom(format!("file {}: {e}", entry.file.0)))?;
            if files.insert(entry.file.0, bytes).is_some() {
                return Err(D::Error::custom(format!(
                    "file {} is listed twice",
                    entry.file.0
                )));
            }
        }
        Ok(files)
    }
}

/// Serde: a list of file names (`absent_files`), in [`LdsFile`] order, without repeats.
pub mod file_list {
    use super::{Deserialize, Deserializer, Error, FileName, LdsFile, Serialize, Serializer};

    pub fn serialize<S: Serializer>(files: &[LdsFile], s: S) -> Result<S::Ok, S::Error> {
        let names: Vec<FileName> = files.iter().copied().map(FileName).collect();
        names.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<LdsFile>, D::Error> {
        let names = Vec::<FileName>::deserialize(d)?;
        let mut files: Vec<LdsFile> = names.into_iter().map(|n| n.0).collect();
        let count = files.len();
        files.sort();
        files.dedup();
        if files.len() == count {
            Ok(files)
        } else {
            Err(D::Error::custom("a file is listed twice in absent_files"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4648 §10 test vectors.
    const RFC4648: [(&str, &str); 7] = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];

    #[test]
    fn base64_matches_rfc4648_section_10() {
        for (plain, encoded) in RFC4648 {
            assert_eq!(base64_encode(plain.as_bytes()), encoded);
            assert_eq!(base64_decode(encoded).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn base64_round_trips_every_byte_and_length() {
        let all: Vec<u8> = (0..=255).collect();
        for len in 0..all.len() {
            let bytes = &all[..len];
            assert_eq!(base64_decode(&base64_encode(bytes)).unwrap(), bytes);
        }
    }

    #[test]
    fn base64_refuses_other_spellings() {
        for bad in [
            "Zg", "Zg=", "Zh==", "Zm9=", "Zg==Zg==", "Z===", "Zm9v\n", "Zm-v", "Zm_v", "====",
            "Zm9vY===",
        ] {
            assert!(base64_decode(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hex_is_upper_case_only() {
        assert_eq!(hex_encode(&[0x0A, 0xFF]), "0AFF");
        assert_eq!(hex_decode("0AFF").unwrap(), vec![0x0A, 0xFF]);
        assert!(hex_decode("0aff").is_err());
        assert!(hex_decode("0AF").is_err());
        assert!(hex_decode("0G").is_err());
    }

    #[test]
    fn file_names_round_trip() {
        let mut files = vec![
            LdsFile::CardAccess,
            LdsFile::CardSecurity,
            LdsFile::AtrInfo,
            LdsFile::Dir,
            LdsFile::Com,
            LdsFile::Sod,
        ];
        files.extend((1..=16).map(|n| LdsFile::Dg(DataGroup::new(n).unwrap())));
        for file in files {
            assert_eq!(file_from_name(&file.name()), Some(file));
        }
        for bad in [
            "DG0", "DG17", "DG01", "dg1", "EF.COM", "DG", "DG+1", "DG100",
        ] {
            assert_eq!(file_from_name(bad), None, "{bad}");
        }
    }
}
