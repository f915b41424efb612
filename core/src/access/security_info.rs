//! SecurityInfos (BSI TR-03110-3 §A.1, ICAO 9303-11 §9.2): what a chip says it supports, as
//! found in EF.CardAccess (a bare `SET OF SecurityInfo`), DG14 (the same SET under tag `6E`)
//! and EF.CardSecurity (CMS SignedData whose eContent, of type id-SecurityObject, is the SET).
//!
//! PACE reads its protocols and domain parameters from here, chip authentication its keys and
//! cipher suites, active authentication its signature algorithm. Every `SecurityInfo` is
//! `SEQUENCE { protocol OBJECT IDENTIFIER, requiredData ANY, optionalData ANY OPTIONAL }`; the
//! protocol OID decides the shape of the rest. Known kinds land in typed lists of
//! [`SecurityInfos`]; an unknown protocol (CardInfoLocator, RestrictedIdentification,
//! PrivilegedTerminalInfo, national extensions…) is kept with its raw DER, and a known protocol
//! whose content does not have the expected shape is kept in [`SecurityInfos::malformed`] with
//! the reason. Neither is fatal: one odd entry must not stop a document from being read. What
//! *is* an error: bytes that are not a SET of SEQUENCEs each starting with an OID, or that are
//! truncated.
//!
//! Real cards carry garbage after the SET in EF.CardAccess (BSI test cards, a Slovenian card):
//! [`SecurityInfos::parse`] tolerates and counts it; inside DG14 and EF.CardSecurity, which are
//! signed, the SET must fill its container exactly.
//!
//! Values are stored as found: OIDs dotted (`String`, as [`crate::cms`] does), versions and key
//! ids as numbers (the specification's INTEGERs are small), parameters as their DER.

pub mod oid;

use crate::asn1::{Asn1Error, Fields, Mode, Tlv, tag};
use crate::cms::{CmsError, OID_SECURITY_OBJECT, SignedData};
use crate::crypto::ka::{Group, KaError};
use crate::error::{Error, ErrorCode};

use oid::Kind;

/// Why bytes are not SecurityInfos.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecurityInfoError {
    /// Not well-formed ASN.1 (under DER nor BER), e.g. truncated.
    #[error("SecurityInfos: {0}")]
    Asn1(#[from] Asn1Error),
    /// The outer element is not a SET.
    #[error("SecurityInfos must be a SET, found tag {0:#04x}")]
    NotASet(u8),
    /// An element of the SET is not `SEQUENCE { OBJECT IDENTIFIER, … }`.
    #[error("SecurityInfo #{index} is not a SEQUENCE starting with an OID: {problem}")]
    NotASecurityInfo {
        /// Position in the SET (0-based).
        index: usize,
        /// What is wrong.
        problem: String,
    },
    /// Bytes after the SET where none are allowed (DG14, EF.CardSecurity).
    #[error("{0} byte(s) after the SecurityInfos SET")]
    Trailing(usize),
    /// EF.CardSecurity is not a usable CMS SignedData.
    #[error("EF.CardSecurity: {0}")]
    Cms(#[from] CmsError),
    /// EF.CardSecurity signs something other than SecurityInfos.
    #[error("EF.CardSecurity content type is {0}, not id-SecurityObject")]
    ContentType(String),
    /// EF.CardSecurity has no eContent.
    #[error("EF.CardSecurity has no eContent")]
    NoContent,
}

impl From<SecurityInfoError> for Error {
    fn from(e: SecurityInfoError) -> Self {
        Error::new(ErrorCode::LdsFormat, e.to_string())
    }
}

/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlgorithmIdentifier {
    /// The algorithm, dotted.
    pub algorithm: String,
    /// The parameters' DER (tag, length, content), as found; `None` when absent.
    pub parameters: Option<Vec<u8>>,
}

impl AlgorithmIdentifier {
    fn parse(tlv: &Tlv<'_>) -> Result<Self, String> {
        let seq = tlv
            .expect(tag::SEQUENCE, "AlgorithmIdentifier")
            .map_err(|e| e.to_string())?;
        let items = seq.child_vec().map_err(|e| e.to_string())?;
        let (algorithm, parameters) = match items.as_slice() {
            [alg] => (alg, None),
            [alg, params] => (alg, Some(params.raw.to_vec())),
            [] => return Err("AlgorithmIdentifier is empty".into()),
            _ => return Err("AlgorithmIdentifier has more than one parameter".into()),
        };
        let algorithm = algorithm.oid().map_err(|e| e.to_string())?;
        Ok(Self {
            algorithm,
            parameters,
        })
    }

    /// The key-agreement group these parameters describe: ECParameters (named or explicit),
    /// X9.42 or PKCS #3 DH parameters, or a standardized parameterId (see
    /// [`Group::from_algorithm_parameters`]). TR-03111 `ecka-dh-…` algorithms (under id-ecc)
    /// are read as ECParameters.
    pub fn group(&self) -> Result<Group, KaError> {
        let params = self.parameters.as_deref().ok_or_else(|| {
            KaError::BadParameters("AlgorithmIdentifier without parameters".into())
        })?;
        let algorithm = if self
            .algorithm
            .strip_prefix(oid::ID_ECC)
            .is_some_and(|rest| rest.starts_with('.'))
        {
            oid::ID_EC_PUBLIC_KEY
        } else {
            self.algorithm.as_str()
        };
        Group::from_algorithm_parameters(algorithm, params)
    }

    /// The parameterId when the algorithm is id-StandardizedDomainParameters
    /// (`SEQUENCE { 0.4.0.127.0.7.1.2, INTEGER }`), else `None`.
    pub fn standardized_parameter_id(&self) -> Option<u32> {
        if self.algorithm != oid::ID_STANDARDIZED_DOMAIN_PARAMETERS {
            return None;
        }
        let params = self.parameters.as_deref()?;
        let int = Tlv::parse(params, Mode::Der).ok()?;
        u32::try_from(int.small_uint().ok()?).ok()
    }
}

/// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT
/// STRING }`, as carried by a ChipAuthenticationPublicKeyInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectPublicKeyInfo {
    /// The whole SubjectPublicKeyInfo's DER, as found.
    pub raw: Vec<u8>,
    /// Its algorithm and domain parameters.
    pub algorithm: AlgorithmIdentifier,
    /// The BIT STRING's bits (no unused bits): an uncompressed EC point `04‖X‖Y` for id-PK-ECDH,
    /// the DER INTEGER y (X9.42/PKCS #3 DHPublicKey) for id-PK-DH.
    pub public_key: Vec<u8>,
}

impl SubjectPublicKeyInfo {
    fn parse(tlv: &Tlv<'_>) -> Result<Self, String> {
        let seq = tlv
            .expect(tag::SEQUENCE, "SubjectPublicKeyInfo")
            .map_err(|e| e.to_string())?;
        let mut f = Fields::new(&seq);
        let algorithm = AlgorithmIdentifier::parse(&field(f.next("algorithm"))?)?;
        let public_key = field(f.next("subjectPublicKey"))?
            .bit_string_bytes()
            .map_err(|e| e.to_string())?
            .to_vec();
        f.end().map_err(|e| e.to_string())?;
        Ok(Self {
            raw: seq.raw.to_vec(),
            algorithm,
            public_key,
        })
    }
}

/// PACEInfo: a PACE protocol (mapping, key agreement, cipher) the chip supports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaceInfo {
    /// The protocol, e.g. id-PACE-ECDH-GM-AES-CBC-CMAC-128 `0.4.0.127.0.7.2.2.4.2.2`.
    pub protocol: String,
    /// Version (2 for ICAO 9303 PACE).
    pub version: u32,
    /// Standardized domain parameters (ICAO 9303-11 §9.5.1), or the id of a
    /// PACEDomainParameterInfo; absent when the chip has a single set.
    pub parameter_id: Option<u32>,
}

/// PACEDomainParameterInfo: explicit (or standardized) domain parameters for PACE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaceDomainParameterInfo {
    /// The PACE arc, e.g. id-PACE-ECDH-GM `0.4.0.127.0.7.2.2.4.2`.
    pub protocol: String,
    /// The domain parameters: `id-ecPublicKey` + ECParameters, a DH algorithm + its
    /// parameters, or id-StandardizedDomainParameters + parameterId.
    pub domain_parameter: AlgorithmIdentifier,
    /// Which PACEInfo `parameterId` refers to these.
    pub parameter_id: Option<u32>,
}

impl PaceDomainParameterInfo {
    /// The PACE group these parameters describe.
    pub fn group(&self) -> Result<Group, KaError> {
        self.domain_parameter.group()
    }
}

/// ChipAuthenticationInfo: a chip authentication protocol (key agreement, cipher suite).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChipAuthenticationInfo {
    /// The protocol, e.g. id-CA-ECDH-AES-CBC-CMAC-128 `0.4.0.127.0.7.2.2.3.2.2`.
    pub protocol: String,
    /// 1 (ICAO 9303 DG14, CA without a chip nonce), 2 or 3 (TR-03110).
    pub version: u32,
    /// Which ChipAuthenticationPublicKeyInfo goes with it when the chip has several keys.
    pub key_id: Option<u32>,
}

/// ChipAuthenticationDomainParameterInfo: domain parameters of a chip authentication key
/// (EF.CardAccess of TR-03110 cards, where the key itself is only in EF.CardSecurity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChipAuthenticationDomainParameterInfo {
    /// id-CA-DH or id-CA-ECDH.
    pub protocol: String,
    /// The domain parameters.
    pub domain_parameter: AlgorithmIdentifier,
    /// The key they belong to.
    pub key_id: Option<u32>,
}

impl ChipAuthenticationDomainParameterInfo {
    /// The group of the chip authentication key.
    pub fn group(&self) -> Result<Group, KaError> {
        self.domain_parameter.group()
    }
}

/// ChipAuthenticationPublicKeyInfo: the chip's static key-agreement public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChipAuthenticationPublicKeyInfo {
    /// id-PK-DH or id-PK-ECDH.
    pub protocol: String,
    /// The public key with its domain parameters.
    pub public_key: SubjectPublicKeyInfo,
    /// Its key id, matching a ChipAuthenticationInfo's.
    pub key_id: Option<u32>,
}

/// An elementary file reference `FileID ::= SEQUENCE { fid OCTET STRING (SIZE(2)), sfid OCTET
/// STRING (SIZE(1)) OPTIONAL }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    /// File identifier.
    pub fid: [u8; 2],
    /// Short file identifier.
    pub sfid: Option<u8>,
}

/// TerminalAuthenticationInfo: the chip supports terminal authentication (EAC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalAuthenticationInfo {
    /// id-TA.
    pub protocol: String,
    /// 1 (EAC 1, DG14) or 2 (TR-03110 v2).
    pub version: u32,
    /// Where EF.CVCA is, when not at its default place (TR-03110 v1).
    pub ef_cvca: Option<FileId>,
}

/// ActiveAuthenticationInfo (ICAO 9303-11 §9.2.3): which signature the chip's DG15 key makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveAuthenticationInfo {
    /// id-icao-mrtd-security-aaProtocolObject `2.23.136.1.1.5`.
    pub protocol: String,
    /// Version (1).
    pub version: u32,
    /// The signature algorithm, e.g. ecdsa-with-SHA256 `1.2.840.10045.4.3.2`.
    pub signature_algorithm: String,
}

/// A SecurityInfo whose protocol is not one this module types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSecurityInfo {
    /// The protocol OID, dotted.
    pub protocol: String,
    /// The whole SecurityInfo's DER, as found.
    pub raw: Vec<u8>,
}

/// A SecurityInfo with a known protocol whose content does not have the specified shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedSecurityInfo {
    /// The protocol OID, dotted.
    pub protocol: String,
    /// The whole SecurityInfo's DER, as found.
    pub raw: Vec<u8>,
    /// What is wrong with it.
    pub problem: String,
}

/// The SecurityInfos of one file, sorted by kind, each list in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityInfos {
    /// PACEInfo entries.
    pub pace: Vec<PaceInfo>,
    /// PACEDomainParameterInfo entries.
    pub pace_domain_parameters: Vec<PaceDomainParameterInfo>,
    /// ChipAuthenticationInfo entries.
    pub chip_authentication: Vec<ChipAuthenticationInfo>,
    /// ChipAuthenticationDomainParameterInfo entries.
    pub chip_authentication_domain_parameters: Vec<ChipAuthenticationDomainParameterInfo>,
    /// ChipAuthenticationPublicKeyInfo entries.
    pub chip_authentication_public_keys: Vec<ChipAuthenticationPublicKeyInfo>,
    /// TerminalAuthenticationInfo entries.
    pub terminal_authentication: Vec<TerminalAuthenticationInfo>,
    /// ActiveAuthenticationInfo entries.
    pub active_authentication: Vec<ActiveAuthenticationInfo>,
    /// Entries with a protocol not typed here, kept with their DER.
    pub unknown: Vec<UnknownSecurityInfo>,
    /// Entries with a known protocol but the wrong shape, kept with their DER and the reason.
    pub malformed: Vec<MalformedSecurityInfo>,
    /// Bytes found after the SET (tolerated only in EF.CardAccess).
    pub trailing_bytes: usize,
    /// Whether DER sufficed or the BER fallback was needed.
    pub encoding: Mode,
}

impl SecurityInfos {
    /// Parses a bare `SET OF SecurityInfo`, as EF.CardAccess holds it. Bytes after the SET are
    /// tolerated and counted in [`SecurityInfos::trailing_bytes`] (real cards pad the file with
    /// leftovers); a truncated or otherwise malformed SET is an error.
    pub fn parse(bytes: &[u8]) -> Result<Self, SecurityInfoError> {
        Self::parse_inner(bytes, true)
    }

    /// EF.CardAccess: the same as [`SecurityInfos::parse`].
    pub fn from_card_access(bytes: &[u8]) -> Result<Self, SecurityInfoError> {
        Self::parse(bytes)
    }

    /// A SET that must fill `bytes` exactly (DG14's value, EF.CardSecurity's eContent).
    pub fn parse_exact(bytes: &[u8]) -> Result<Self, SecurityInfoError> {
        Self::parse_inner(bytes, false)
    }

    /// EF.CardSecurity: a CMS ContentInfo/SignedData whose eContentType is id-SecurityObject
    /// (`0.4.0.127.0.7.3.2.1`) and whose eContent is the SET. Only the structure is read
    /// here; the signature is passive authentication's business ([`crate::auth`]).
    pub fn from_card_security(bytes: &[u8]) -> Result<Self, SecurityInfoError> {
        let sd = SignedData::parse(bytes)?;
        if sd.e_content_type != OID_SECURITY_OBJECT {
            return Err(SecurityInfoError::ContentType(sd.e_content_type));
        }
        let content = sd.e_content.ok_or(SecurityInfoError::NoContent)?;
        Self::parse_exact(&content)
    }

    fn parse_inner(bytes: &[u8], allow_trailing: bool) -> Result<Self, SecurityInfoError> {
        let (set, rest, encoding) = if let Ok((set, rest)) = Tlv::parse_prefix(bytes, Mode::Der) {
            (set, rest, Mode::Der)
        } else {
            let (set, rest) = Tlv::parse_prefix(bytes, Mode::Ber)?;
            (set, rest, Mode::Ber)
        };
        if set.tag != tag::SET {
            return Err(SecurityInfoError::NotASet(set.tag));
        }
        if !allow_trailing && !rest.is_empty() {
            return Err(SecurityInfoError::Trailing(rest.len()));
        }
        let mut infos = SecurityInfos {
            pace: Vec::new(),
            pace_domain_parameters: Vec::new(),
            chip_authentication: Vec::new(),
            chip_authentication_domain_parameters: Vec::new(),
            chip_authentication_public_keys: Vec::new(),
            terminal_authentication: Vec::new(),
            active_authentication: Vec::new(),
            unknown: Vec::new(),
            malformed: Vec::new(),
            trailing_bytes: rest.len(),
            encoding,
        };
        for (index, element) in set.children().enumerate() {
            let element = element?;
            let not_info = |problem: String| SecurityInfoError::NotASecurityInfo { index, problem };
            if element.tag != tag::SEQUENCE {
                return Err(not_info(format!("tag {:#04x}", element.tag)));
            }
            let mut fields = Fields::new(&element);
            let protocol = fields
                .next_tagged(tag::OID, "protocol")
                .and_then(|o| o.oid())
                .map_err(|e| not_info(e.to_string()))?;
            infos.add(protocol, &element, fields);
        }
        Ok(infos)
    }

    /// Parses the rest of one SecurityInfo according to its protocol and files it.
    fn add(&mut self, protocol: String, element: &Tlv<'_>, f: Fields<'_>) {
        let parsed = match oid::classify(&protocol) {
            Kind::Pace => pace_info(&protocol, f).map(|i| self.pace.push(i)),
            Kind::PaceDomainParameters => domain_info(f).map(|(domain_parameter, id)| {
                self.pace_domain_parameters.push(PaceDomainParameterInfo {
                    protocol: protocol.clone(),
                    domain_parameter,
                    parameter_id: id,
                });
            }),
            Kind::ChipAuthentication => version_and_id(f).map(|(version, key_id)| {
                self.chip_authentication.push(ChipAuthenticationInfo {
                    protocol: protocol.clone(),
                    version,
                    key_id,
                });
            }),
            Kind::ChipAuthenticationDomainParameters => {
                domain_info(f).map(|(domain_parameter, key_id)| {
                    self.chip_authentication_domain_parameters.push(
                        ChipAuthenticationDomainParameterInfo {
                            protocol: protocol.clone(),
                            domain_parameter,
                            key_id,
                        },
                    );
                })
            }
            Kind::ChipAuthenticationPublicKey => public_key_info(f).map(|(public_key, id)| {
                self.chip_authentication_public_keys
                    .push(ChipAuthenticationPublicKeyInfo {
                        protocol: protocol.clone(),
                        public_key,
                        key_id: id,
                    });
            }),
            Kind::TerminalAuthentication => ta_info(f).map(|(version, ef_cvca)| {
                self.terminal_authentication
                    .push(TerminalAuthenticationInfo {
                        protocol: protocol.clone(),
                        version,
                        ef_cvca,
                    });
            }),
            Kind::ActiveAuthentication => aa_info(f).map(|(version, signature_algorithm)| {
                self.active_authentication.push(ActiveAuthenticationInfo {
                    protocol: protocol.clone(),
                    version,
                    signature_algorithm,
                });
            }),
            Kind::Unknown => {
                self.unknown.push(UnknownSecurityInfo {
                    protocol,
                    raw: element.raw.to_vec(),
                });
                return;
            }
        };
        if let Err(problem) = parsed {
            self.malformed.push(MalformedSecurityInfo {
                protocol,
                raw: element.raw.to_vec(),
                problem,
            });
        }
    }

    /// The number of SecurityInfos read (typed, unknown and malformed).
    pub fn len(&self) -> usize {
        self.pace.len()
            + self.pace_domain_parameters.len()
            + self.chip_authentication.len()
            + self.chip_authentication_domain_parameters.len()
            + self.chip_authentication_public_keys.len()
            + self.terminal_authentication.len()
            + self.active_authentication.len()
            + self.unknown.len()
            + self.malformed.len()
    }

    /// Whether the SET was empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A required field, with the ASN.1 error as text.
fn field(r: Result<Tlv<'_>, Asn1Error>) -> Result<Tlv<'_>, String> {
    r.map_err(|e| e.to_string())
}

/// A non-negative INTEGER that fits in 32 bits.
fn uint32(tlv: &Tlv<'_>, what: &str) -> Result<u32, String> {
    let v = tlv.small_uint().map_err(|e| format!("{what}: {e}"))?;
    u32::try_from(v).map_err(|_| format!("{what} {v} is out of range"))
}

/// An optional trailing INTEGER (parameterId, keyId), then the end of the SEQUENCE.
fn optional_id(mut f: Fields<'_>, what: &str) -> Result<Option<u32>, String> {
    let id = f
        .optional(tag::INTEGER)
        .map_err(|e| e.to_string())?
        .map(|t| uint32(&t, what))
        .transpose()?;
    f.end().map_err(|e| e.to_string())?;
    Ok(id)
}

fn pace_info(protocol: &str, f: Fields<'_>) -> Result<PaceInfo, String> {
    let (version, parameter_id) = version_and_id(f)?;
    Ok(PaceInfo {
        protocol: protocol.to_owned(),
        version,
        parameter_id,
    })
}

/// `version INTEGER, id INTEGER OPTIONAL` (PACEInfo, ChipAuthenticationInfo).
fn version_and_id(mut f: Fields<'_>) -> Result<(u32, Option<u32>), String> {
    let version = uint32(&field(f.next_tagged(tag::INTEGER, "version"))?, "version")?;
    Ok((version, optional_id(f, "id")?))
}

/// `AlgorithmIdentifier, id INTEGER OPTIONAL` (the two DomainParameterInfos).
fn domain_info(mut f: Fields<'_>) -> Result<(AlgorithmIdentifier, Option<u32>), String> {
    let alg = AlgorithmIdentifier::parse(&field(f.next("domainParameter"))?)?;
    Ok((alg, optional_id(f, "id")?))
}

/// `SubjectPublicKeyInfo, keyId INTEGER OPTIONAL`.
fn public_key_info(mut f: Fields<'_>) -> Result<(SubjectPublicKeyInfo, Option<u32>), String> {
    let spki = SubjectPublicKeyInfo::parse(&field(f.next("chipAuthenticationPublicKey"))?)
        .map_err(|e| format!("SubjectPublicKeyInfo: {e}"))?;
    Ok((spki, optional_id(f, "keyId")?))
}

/// `version INTEGER, efCVCA FileID OPTIONAL`.
fn ta_info(mut f: Fields<'_>) -> Result<(u32, Option<FileId>), String> {
    let version = uint32(&field(f.next_tagged(tag::INTEGER, "version"))?, "version")?;
    let ef_cvca = f
        .optional(tag::SEQUENCE)
        .map_err(|e| e.to_string())?
        .map(|seq| file_id(&seq))
        .transpose()?;
    f.end().map_err(|e| e.to_string())?;
    Ok((version, ef_cvca))
}

fn file_id(seq: &Tlv<'_>) -> Result<FileId, String> {
    let mut f = Fields::new(seq);
    let fid = field(f.next_tagged(tag::OCTET_STRING, "fid"))?;
    let fid: [u8; 2] = fid
        .content
        .try_into()
        .map_err(|_| "FileID fid is not 2 bytes".to_string())?;
    let sfid = match f.optional(tag::OCTET_STRING).map_err(|e| e.to_string())? {
        None => None,
        Some(s) => match s.content {
            [b] => Some(*b),
            _ => return Err("FileID sfid is not 1 byte".into()),
        },
    };
    f.end().map_err(|e| e.to_string())?;
    Ok(FileId { fid, sfid })
}

/// `version INTEGER, signatureAlgorithm OBJECT IDENTIFIER`.
fn aa_info(mut f: Fields<'_>) -> Result<(u32, String), String> {
    let version = uint32(&field(f.next_tagged(tag::INTEGER, "version"))?, "version")?;
    let alg = field(f.next_tagged(tag::OID, "signatureAlgorithm"))?
        .oid()
        .map_err(|e| e.to_string())?;
    f.end().map_err(|e| e.to_string())?;
    Ok((version, alg))
}
