//! DG15 (ICAO 9303-10 §4.7.15): the Active Authentication public key.
//!
//! `6F { SubjectPublicKeyInfo }`: an RSA key (ISO/IEC 9796-2 signatures) or an EC key with a
//! named curve or explicit domain parameters (plain ECDSA signatures). The key is checked here
//! with the signature layer's own SPKI parser ([`crate::crypto::signature::key_description`]),
//! so a DG15 that parses is one [`crate::auth::active`] can verify with.
//!
//! Leniency, each because real documents need it: an RSA modulus encoded as a negative
//! INTEGER (the BSI 2008 test passport) is read as its unsigned magnitude. Strictness: the
//! outer tag must be `6F`; a DG15 found under DG16's tag `70` (ETSI `EAC_LDS_I01`) is
//! rejected as [`LdsError::WrongOuterTag`], and the SPKI must fill the outer object.

use crate::crypto::signature::{KeyDescription, SignatureError, key_description};

use super::common::outer;
use super::error::LdsError;
use super::file::{DataGroup, LdsFile};

const FILE: LdsFile = LdsFile::Dg(DataGroup::DG15);

/// A parsed DG15, keeping the file's bytes and the DER SubjectPublicKeyInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dg15 {
    raw: Vec<u8>,
    spki: Vec<u8>,
    key: KeyDescription,
}

impl Dg15 {
    /// Parses DG15 (outer tag `6F`). The content must be exactly one SubjectPublicKeyInfo
    /// holding an RSA or EC key the signature layer supports; anything else is
    /// [`LdsError::Invalid`] with the reason.
    pub fn parse(bytes: &[u8]) -> Result<Self, LdsError> {
        let outer = outer(FILE, bytes)?;
        let key = key_description(outer.value).map_err(|e| {
            LdsError::invalid(
                FILE,
                match e {
                    SignatureError::UnsupportedKey(what) => {
                        format!("unsupported Active Authentication key: {what}")
                    }
                    other => format!("Active Authentication key: {other}"),
                },
            )
        })?;
        Ok(Dg15 {
            raw: outer.raw.to_vec(),
            spki: outer.value.to_vec(),
            key,
        })
    }

    /// The original bytes of the file (the outer object as read), for hashing.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The DER SubjectPublicKeyInfo, as stored.
    pub fn spki(&self) -> &[u8] {
        &self.spki
    }

    /// What the key is: RSA with its modulus length, or EC with its curve.
    pub fn key(&self) -> KeyDescription {
        self.key
    }
}
