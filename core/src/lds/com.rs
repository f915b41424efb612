//! EF.COM (ICAO 9303-10 §4.6.1): LDS version, Unicode version and the data groups present.
//!
//! The verifier compares its tag list with the data groups hashed in EF.SOD (`PA_COM`), and
//! the reader uses it to know which data groups to read.

use super::common::{children, outer, tag_list};
use super::error::LdsError;
use super::file::{DataGroup, LdsFile};

const FILE: LdsFile = LdsFile::Com;

/// An LDS version such as 1.7, from the four ASCII digits of tag `5F01` (`"0107"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LdsVersion {
    /// The major version (first two digits).
    pub major: u8,
    /// The minor version (last two digits).
    pub minor: u8,
}

impl std::fmt::Display for LdsVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// A Unicode version such as 4.0.0, from the six ASCII digits of tag `5F36` (`"040000"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnicodeVersion {
    /// The major version.
    pub major: u8,
    /// The minor version.
    pub minor: u8,
    /// The release level.
    pub release: u8,
}

impl std::fmt::Display for UnicodeVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.release)
    }
}

/// A parsed EF.COM, keeping its original bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Com {
    raw: Vec<u8>,
    lds_version: LdsVersion,
    unicode_version: UnicodeVersion,
    data_groups: Vec<DataGroup>,
    unknown_tags: Vec<u32>,
}

impl Com {
    /// Parses EF.COM (outer tag `60`). The LDS version, Unicode version and tag list are
    /// mandatory; tags in the list that name no data group are kept in
    /// [`Com::unknown_tags`] rather than rejected, so a newer LDS still reads.
    pub fn parse(bytes: &[u8]) -> Result<Self, LdsError> {
        let outer = outer(FILE, bytes)?;
        let mut lds = None;
        let mut unicode = None;
        let mut list = None;
        for tlv in children(FILE, outer.value)? {
            match tlv.tag {
                0x5F01 => lds = Some(tlv.value),
                0x5F36 => unicode = Some(tlv.value),
                0x5C => list = Some(tlv.value),
                _ => {}
            }
        }
        let lds = lds.ok_or(LdsError::Missing {
            file: FILE,
            tag: 0x5F01,
        })?;
        let unicode = unicode.ok_or(LdsError::Missing {
            file: FILE,
            tag: 0x5F36,
        })?;
        let list = list.ok_or(LdsError::Missing {
            file: FILE,
            tag: 0x5C,
        })?;

        let lds_version = match digit_pairs(lds, 2).as_deref() {
            Some(&[major, minor]) => LdsVersion { major, minor },
            _ => return Err(LdsError::invalid(FILE, "LDS version is not 4 digits")),
        };
        let unicode_version = match digit_pairs(unicode, 3).as_deref() {
            Some(&[major, minor, release]) => UnicodeVersion {
                major,
                minor,
                release,
            },
            _ => return Err(LdsError::invalid(FILE, "Unicode version is not 6 digits")),
        };

        let mut data_groups = Vec::new();
        let mut unknown_tags = Vec::new();
        for tag in tag_list(FILE, list)? {
            match u8::try_from(tag).ok().and_then(DataGroup::from_tag) {
                Some(dg) if !data_groups.contains(&dg) => data_groups.push(dg),
                Some(_) => {}
                None => unknown_tags.push(tag),
            }
        }
        Ok(Com {
            raw: outer.raw.to_vec(),
            lds_version,
            unicode_version,
            data_groups,
            unknown_tags,
        })
    }

    /// The original bytes of the file (the outer object as read), for hashing.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The LDS version (`5F01`).
    pub fn lds_version(&self) -> LdsVersion {
        self.lds_version
    }

    /// The Unicode version (`5F36`).
    pub fn unicode_version(&self) -> UnicodeVersion {
        self.unicode_version
    }

    /// The data groups the tag list (`5C`) says are present, in list order, without repeats.
    pub fn data_groups(&self) -> &[DataGroup] {
        &self.data_groups
    }

    /// Tags in the tag list that name no data group, kept for diagnostics.
    pub fn unknown_tags(&self) -> &[u32] {
        &self.unknown_tags
    }
}

/// `pairs` numbers of two ASCII digits each, if `value` is exactly that.
fn digit_pairs(value: &[u8], pairs: usize) -> Option<Vec<u8>> {
    if value.len() != pairs * 2 || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        value
            .chunks_exact(2)
            .map(|p| p.iter().fold(0u8, |acc, d| acc * 10 + (d - b'0')))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icao_d4_com_lists_dg1_and_dg2() {
        let bytes = hex::decode("60145F0104303130365F36063034303030305C026175").unwrap();
        let com = Com::parse(&bytes).unwrap();
        assert_eq!(com.lds_version(), LdsVersion { major: 1, minor: 6 });
        assert_eq!(com.lds_version().to_string(), "1.6");
        assert_eq!(com.unicode_version().to_string(), "4.0.0");
        assert_eq!(com.data_groups(), &[DataGroup::DG1, DataGroup::DG2]);
        assert!(com.unknown_tags().is_empty());
        assert_eq!(com.raw(), bytes.as_slice());
    }

    #[test]
    fn unknown_tags_in_the_list_are_kept_not_fatal() {
        let bytes = hex::decode("60145F0104303130375F36063034303030305C026199").unwrap();
        let com = Com::parse(&bytes).unwrap();
        assert_eq!(com.data_groups(), &[DataGroup::DG1]);
        assert_eq!(com.unknown_tags(), &[0x99]);
    }

    #[test]
    fn non_digit_version_is_rejected() {
        let bytes = hex::decode("60145F010430313A365F36063034303030305C026175").unwrap();
        assert!(matches!(Com::parse(&bytes), Err(LdsError::Invalid { .. })));
    }

    #[test]
    fn missing_tag_list_is_rejected() {
        let bytes = hex::decode("60105F0104303130365F3606303430303030").unwrap();
        assert_eq!(
            Com::parse(&bytes),
            Err(LdsError::Missing {
                file: FILE,
                tag: 0x5C
            })
        );
    }
}
