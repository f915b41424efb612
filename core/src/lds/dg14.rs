//! DG14 (ICAO 9303-10 §4.7.14, 9303-11 §9.2): the SecurityInfos for chip authentication (and
//! PACE/AA parameters) under the outer tag `6E`.
//!
//! The content is parsed by [`crate::access::security_info`]; this module only unwraps the
//! data group and keeps its bytes for passive authentication's hash.

use super::common::outer;
use super::error::LdsError;
use super::file::{DataGroup, LdsFile};
use crate::access::security_info::SecurityInfos;

const FILE: LdsFile = LdsFile::Dg(DataGroup::DG14);

/// A parsed DG14, keeping the file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dg14 {
    raw: Vec<u8>,
    /// The SecurityInfos it holds.
    pub infos: SecurityInfos,
}

impl Dg14 {
    /// Parses DG14 (outer tag `6E`). Its value must be exactly one `SET OF SecurityInfo`;
    /// unknown or odd SecurityInfos inside it are kept, not fatal (see
    /// [`SecurityInfos::parse_exact`]).
    pub fn parse(bytes: &[u8]) -> Result<Self, LdsError> {
        let outer = outer(FILE, bytes)?;
        let infos = SecurityInfos::parse_exact(outer.value)
            .map_err(|e| LdsError::invalid(FILE, e.to_string()))?;
        Ok(Dg14 {
            raw: outer.raw.to_vec(),
            infos,
        })
    }

    /// The original bytes of the file (the outer object as read), for hashing.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }
}
