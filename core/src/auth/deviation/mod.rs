//! ICAO deviation lists (Doc 9303-12 §10 structure, 9303-3 §7.3 semantics): the issuing State's
//! signed statement that some of its documents deviate from Doc 9303 — a DSC with an encoding
//! error, a wrong data-group hash in EF.SOD, an MRZ check digit computed wrongly, a chip whose
//! Active Authentication key may be compromised.
//!
//! This module parses the whole `DeviationList` (eContent of a CMS SignedData with eContentType
//! `id-icao-DeviationList`, 2.23.136.1.1.7) into typed values; [`apply`] matches a verified
//! document against the deviations a trust store holds and annotates the report's checks.
//! Deviations are **annotations**: they explain a failed check, they never make it pass (see
//! `docs/deviation-lists.md`).
//!
//! ```text
//! DeviationList ::= SEQUENCE { version INTEGER {v0(0)}, digestAlgorithm AlgorithmIdentifier
//!                              OPTIONAL, deviations SET OF Deviation }
//! Deviation ::= SEQUENCE { documents DeviationDocuments, descriptions SET OF DeviationDescription }
//! DeviationDescription ::= SEQUENCE { description PrintableString OPTIONAL, deviationType OID,
//!                                     parameters [0] ANY OPTIONAL, nationalUse [1] ANY OPTIONAL }
//! DeviationDocuments ::= SEQUENCE { documentType [0] PrintableString OPTIONAL,
//!     dscIdentifier DocumentSignerIdentifier OPTIONAL, issuingDate [4] IssuancePeriod OPTIONAL,
//!     documentNumbers [5] SET OF PrintableString OPTIONAL }       -- IMPLICIT TAGS
//! DocumentSignerIdentifier ::= CHOICE { issuerAndSerialNumber [1] IssuerAndSerialNumber,
//!     subjectKeyIdentifier [2] SubjectKeyIdentifier, certificateDigest [3] Digest }
//! IssuancePeriod ::= SEQUENCE { firstIssued GeneralizedTime, lastIssued GeneralizedTime }
//! ```

pub mod apply;

use crate::asn1::{Asn1Error, Fields, Mode, Time, Tlv, tag};

/// `id-icao-DeviationList`: the eContentType, and the arc of every deviation type.
pub use crate::cms::OID_DEVIATION_LIST;

/// Why a deviation list's content could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviationError {
    /// Not well-formed ASN.1.
    #[error("deviation list: {0}")]
    Asn1(#[from] Asn1Error),
    /// A version other than v0.
    #[error("deviation list version {0} is not supported (only v0)")]
    Version(u64),
    /// Well-formed ASN.1 that is not a DeviationList.
    #[error("deviation list: {0}")]
    Invalid(String),
}

/// A parsed `DeviationList`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviationList {
    /// The digestAlgorithm OID, when given (it hashes DSCs named by `certificateDigest`).
    pub digest_algorithm: Option<String>,
    /// The deviations, in encoded order.
    pub deviations: Vec<Deviation>,
}

/// One deviation: which documents, and what is wrong with them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deviation {
    /// The documents affected (every condition given must hold, 9303-3 §7.3.6).
    pub documents: DeviationDocuments,
    /// What deviates (at least one).
    pub descriptions: Vec<DeviationDescription>,
}

/// `DeviationDocuments`: the conditions that identify affected documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviationDocuments {
    /// Document type as in the MRZ (`P`, `ID`, …).
    pub document_type: Option<String>,
    /// The Document Signer that signed them.
    pub signer: Option<DocumentSigner>,
    /// When they were issued.
    pub issued: Option<IssuancePeriod>,
    /// Their document numbers.
    pub document_numbers: Option<Vec<String>>,
}

/// `DocumentSignerIdentifier`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentSigner {
    /// The DSC's issuer (DER Name) and serial number (INTEGER content octets).
    IssuerAndSerial {
        /// DER of the issuer Name.
        issuer: Vec<u8>,
        /// Content octets of the serial number.
        serial: Vec<u8>,
    },
    /// The DSC's subjectKeyIdentifier.
    SubjectKeyIdentifier(Vec<u8>),
    /// A hash of the DSC (the list's digestAlgorithm, else its signature's digest).
    CertificateDigest(Vec<u8>),
}

/// `IssuancePeriod` (both dates inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuancePeriod {
    /// firstIssued.
    pub first: Time,
    /// lastIssued.
    pub last: Time,
}

/// `DeviationDescription`: one defect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviationDescription {
    /// Free text from the issuing State.
    pub description: Option<String>,
    /// The deviationType OID, dotted.
    pub deviation_type: String,
    /// What the OID means.
    pub kind: DeviationKind,
    /// The parameter the type defines (which data group, certificate field, MRZ field).
    pub parameter: Option<DeviationParameter>,
    /// `nationalUse`, as encoded (not interpreted).
    pub national_use: Option<Vec<u8>>,
}

/// The deviation types of Doc 9303-12 (`id-Deviation-*`, under 2.23.136.1.1.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeviationKind {
    /// `id-Deviation-CertOrKey` (.1): a certificate or key deviation.
    CertOrKey,
    /// `id-Deviation-CertOrKey-DSSignature` (.1.1): the DSC's signature is wrong.
    DsSignature,
    /// `id-Deviation-CertOrKey-DSEncoding` (.1.2): the DSC has a coding error.
    DsEncoding,
    /// `id-Deviation-CertOrKey-CSCAEncoding` (.1.3): the CSCA certificate has a coding error.
    CscaEncoding,
    /// `id-Deviation-CertOrKey-AAKeyCompromised` (.1.4): the AA key may be compromised.
    AaKeyCompromised,
    /// `id-Deviation-LDS` (.2): an LDS deviation.
    Lds,
    /// `id-Deviation-LDS-DGMalformed` (.2.1): a data group's TLV encoding is corrupt.
    DgMalformed,
    /// `id-Deviation-LDS-DGHashWrong` (.2.2): a data group's hash in EF.SOD is wrong.
    DgHashWrong,
    /// `id-Deviation-LDS-SODSignatureWrong` (.2.3): the EF.SOD signature is wrong.
    SodSignatureWrong,
    /// `id-Deviation-LDS-COMInconsistent` (.2.4): EF.COM and EF.SOD disagree.
    ComInconsistent,
    /// `id-Deviation-MRZ` (.3): an MRZ deviation.
    Mrz,
    /// `id-Deviation-MRZ-WrongData` (.3.1): an MRZ field holds wrong data.
    MrzWrongData,
    /// `id-Deviation-MRZ-WrongCheckDigit` (.3.2): an MRZ check digit is wrong.
    MrzWrongCheckDigit,
    /// `id-Deviation-Chip` (.4): the chip is not usable.
    Chip,
    /// `id-Deviation-NationalUse` (.5).
    NationalUse,
    /// Any other OID.
    Unknown,
}

impl DeviationKind {
    /// The kind a deviationType OID denotes.
    pub fn from_oid(oid: &str) -> Self {
        let Some(sub) = oid
            .strip_prefix(OID_DEVIATION_LIST)
            .and_then(|s| s.strip_prefix('.'))
        else {
            return Self::Unknown;
        };
        match sub {
            "1" => Self::CertOrKey,
            "1.1" => Self::DsSignature,
            "1.2" => Self::DsEncoding,
            "1.3" => Self::CscaEncoding,
            "1.4" => Self::AaKeyCompromised,
            "2" => Self::Lds,
            "2.1" => Self::DgMalformed,
            "2.2" => Self::DgHashWrong,
            "2.3" => Self::SodSignatureWrong,
            "2.4" => Self::ComInconsistent,
            "3" => Self::Mrz,
            "3.1" => Self::MrzWrongData,
            "3.2" => Self::MrzWrongCheckDigit,
            "4" => Self::Chip,
            "5" => Self::NationalUse,
            _ => Self::Unknown,
        }
    }

    /// The stable code reports carry (`DEVIATION_DG_HASH_WRONG`, …).
    pub fn code(self) -> &'static str {
        match self {
            Self::CertOrKey => "DEVIATION_CERT_OR_KEY",
            Self::DsSignature => "DEVIATION_DS_SIGNATURE",
            Self::DsEncoding => "DEVIATION_DS_ENCODING",
            Self::CscaEncoding => "DEVIATION_CSCA_ENCODING",
            Self::AaKeyCompromised => "DEVIATION_AA_KEY_COMPROMISED",
            Self::Lds => "DEVIATION_LDS",
            Self::DgMalformed => "DEVIATION_DG_MALFORMED",
            Self::DgHashWrong => "DEVIATION_DG_HASH_WRONG",
            Self::SodSignatureWrong => "DEVIATION_SOD_SIGNATURE_WRONG",
            Self::ComInconsistent => "DEVIATION_COM_INCONSISTENT",
            Self::Mrz => "DEVIATION_MRZ",
            Self::MrzWrongData => "DEVIATION_MRZ_WRONG_DATA",
            Self::MrzWrongCheckDigit => "DEVIATION_MRZ_WRONG_CHECK_DIGIT",
            Self::Chip => "DEVIATION_CHIP",
            Self::NationalUse => "DEVIATION_NATIONAL_USE",
            Self::Unknown => "DEVIATION_UNKNOWN",
        }
    }

    /// Which parameter the type defines (9303-3 §7.3.5).
    fn parameter_type(self) -> ParameterType {
        match self {
            Self::DsEncoding | Self::CscaEncoding => ParameterType::CertField,
            Self::DgMalformed | Self::DgHashWrong => ParameterType::Datagroup,
            Self::MrzWrongData | Self::MrzWrongCheckDigit => ParameterType::MrzField,
            Self::NationalUse | Self::Unknown => ParameterType::Any,
            _ => ParameterType::None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ParameterType {
    None,
    CertField,
    Datagroup,
    MrzField,
    Any,
}

/// A deviation's parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviationParameter {
    /// `Datagroup`: 1–16 for DG1–DG16, 20 for EF.SOD, 21 for EF.COM.
    Datagroup(u8),
    /// `CertField` body: 0 generic, 1 version, 2 serialNumber, 3 signature, 4 issuer,
    /// 5 validity, 6 subject, 7 subjectPublicKeyInfo, 8 issuerUniqueID, 9 subjectUniqueID.
    CertBodyField(u8),
    /// `CertField` extension, by OID.
    CertExtension(String),
    /// `MRZField`: 0 generic, 1 documentCode, 2 issuingState, 3 personName, 4 documentNumber,
    /// 5 nationality, 6 dateOfBirth, 7 sex, 8 dateOfExpiry, 9 optionalData.
    MrzField(u8),
    /// A parameter of a national or unknown type, as encoded.
    Other(Vec<u8>),
}

impl std::fmt::Display for DeviationParameter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const CERT: [&str; 10] = [
            "generic",
            "version",
            "serialNumber",
            "signature",
            "issuer",
            "validity",
            "subject",
            "subjectPublicKeyInfo",
            "issuerUniqueID",
            "subjectUniqueID",
        ];
        const MRZ: [&str; 10] = [
            "generic",
            "documentCode",
            "issuingState",
            "personName",
            "documentNumber",
            "nationality",
            "dateOfBirth",
            "sex",
            "dateOfExpiry",
            "optionalData",
        ];
        let named = |names: &[&str; 10], v: u8| {
            names
                .get(usize::from(v))
                .map_or_else(|| format!("#{v}"), |s| (*s).to_owned())
        };
        match self {
            Self::Datagroup(20) => f.write_str("EF.SOD"),
            Self::Datagroup(21) => f.write_str("EF.COM"),
            Self::Datagroup(n) => write!(f, "DG{n}"),
            Self::CertBodyField(v) => write!(f, "certificate field {}", named(&CERT, *v)),
            Self::CertExtension(oid) => write!(f, "certificate extension {oid}"),
            Self::MrzField(v) => write!(f, "MRZ field {}", named(&MRZ, *v)),
            Self::Other(raw) => write!(f, "parameter {}", crate::asn1::hex_upper(raw)),
        }
    }
}

impl DeviationList {
    /// Parses a DeviationList (the eContent of the CMS object), DER or BER.
    pub fn parse(e_content: &[u8]) -> Result<Self, DeviationError> {
        let top = Tlv::parse(e_content, Mode::Der)
            .or_else(|_| Tlv::parse(e_content, Mode::Ber))?
            .expect(tag::SEQUENCE, "DeviationList")?;
        let mut f = Fields::new(&top);
        let version = f.next("version")?.small_uint()?;
        if version != 0 {
            return Err(DeviationError::Version(version));
        }
        let digest_algorithm = f
            .optional(tag::SEQUENCE)?
            .map(|alg| {
                Fields::new(&alg)
                    .next("digestAlgorithm algorithm")
                    .and_then(|oid| oid.oid())
            })
            .transpose()?;
        let set = f.next_tagged(tag::SET, "deviations")?;
        f.end()?;
        let deviations = set
            .children()
            .map(|d| parse_deviation(&d?))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            digest_algorithm,
            deviations,
        })
    }
}

fn parse_deviation(tlv: &Tlv<'_>) -> Result<Deviation, DeviationError> {
    let tlv = tlv.expect(tag::SEQUENCE, "Deviation")?;
    let mut f = Fields::new(&tlv);
    let documents = parse_documents(&f.next_tagged(tag::SEQUENCE, "DeviationDocuments")?)?;
    let set = f.next_tagged(tag::SET, "descriptions")?;
    f.end()?;
    let descriptions = set
        .children()
        .map(|d| parse_description(&d?))
        .collect::<Result<Vec<_>, _>>()?;
    if descriptions.is_empty() {
        return Err(DeviationError::Invalid(
            "a deviation without any description".into(),
        ));
    }
    Ok(Deviation {
        documents,
        descriptions,
    })
}

/// `[0]` documentType, `[1]`/`[2]`/`[3]` dscIdentifier, `[4]` issuingDate, `[5]`
/// documentNumbers (IMPLICIT tags).
const DOCUMENT_TYPE: u8 = 0x80;
const DSC_ISSUER_SERIAL: u8 = 0xA1;
const DSC_SKI: u8 = 0x82;
const DSC_DIGEST: u8 = 0x83;
const ISSUING_DATE: u8 = 0xA4;
const DOCUMENT_NUMBERS: u8 = 0xA5;
const PRINTABLE_STRING: u8 = 0x13;

fn parse_documents(tlv: &Tlv<'_>) -> Result<DeviationDocuments, DeviationError> {
    let mut docs = DeviationDocuments::default();
    let mut last = 0u8;
    for item in tlv.children() {
        let item = item?;
        // Fields in the order of the SEQUENCE, each at most once.
        let rank = match item.tag {
            DOCUMENT_TYPE => 1,
            DSC_ISSUER_SERIAL | DSC_SKI | DSC_DIGEST => 2,
            ISSUING_DATE => 3,
            DOCUMENT_NUMBERS => 4,
            other => {
                return Err(DeviationError::Invalid(format!(
                    "unexpected field (tag {other:#04x}) in DeviationDocuments"
                )));
            }
        };
        if rank <= last {
            return Err(DeviationError::Invalid(
                "DeviationDocuments fields repeated or out of order".into(),
            ));
        }
        last = rank;
        match item.tag {
            DOCUMENT_TYPE => docs.document_type = Some(printable(item.content, "documentType")?),
            DSC_ISSUER_SERIAL => {
                let mut f = Fields::new(&item);
                let issuer = f.next_tagged(tag::SEQUENCE, "issuer Name")?;
                let serial = f.next_tagged(tag::INTEGER, "serialNumber")?;
                f.end()?;
                if serial.content.is_empty() {
                    return Err(DeviationError::Invalid("empty serial number".into()));
                }
                docs.signer = Some(DocumentSigner::IssuerAndSerial {
                    issuer: issuer.raw.to_vec(),
                    serial: serial.content.to_vec(),
                });
            }
            DSC_SKI | DSC_DIGEST => {
                if item.content.is_empty() {
                    return Err(DeviationError::Invalid(
                        "empty DSC key identifier or digest".into(),
                    ));
                }
                let value = item.content.to_vec();
                docs.signer = Some(if item.tag == DSC_SKI {
                    DocumentSigner::SubjectKeyIdentifier(value)
                } else {
                    DocumentSigner::CertificateDigest(value)
                });
            }
            ISSUING_DATE => {
                let mut f = Fields::new(&item);
                let first = f
                    .next_tagged(tag::GENERALIZED_TIME, "firstIssued")?
                    .time()?;
                let last = f.next_tagged(tag::GENERALIZED_TIME, "lastIssued")?.time()?;
                f.end()?;
                if last < first {
                    return Err(DeviationError::Invalid(
                        "issuing period ends before it starts".into(),
                    ));
                }
                docs.issued = Some(IssuancePeriod { first, last });
            }
            _ => {
                let numbers = item
                    .children()
                    .map(|n| {
                        let n = n?.expect(PRINTABLE_STRING, "document number")?;
                        printable(n.content, "document number")
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                docs.document_numbers = Some(numbers);
            }
        }
    }
    Ok(docs)
}

/// `[0]` parameters and `[1]` nationalUse (explicit: they are open types).
const PARAMETERS: u8 = 0xA0;
const NATIONAL_USE: u8 = 0xA1;
/// String types accepted for the free-text description: PrintableString (the standard's), and
/// UTF8String and IA5String, which issuers use for text.
const TEXT_TAGS: [u8; 3] = [PRINTABLE_STRING, 0x0C, 0x16];

fn parse_description(tlv: &Tlv<'_>) -> Result<DeviationDescription, DeviationError> {
    let tlv = tlv.expect(tag::SEQUENCE, "DeviationDescription")?;
    let items = tlv.child_vec()?;
    let mut items = items.iter().peekable();
    let description = match items.peek() {
        Some(t) if TEXT_TAGS.contains(&t.tag) => {
            let text = std::str::from_utf8(t.content)
                .map_err(|_| DeviationError::Invalid("description is not text".into()))?;
            items.next();
            Some(text.to_owned())
        }
        _ => None,
    };
    let deviation_type = items
        .next()
        .ok_or(Asn1Error::Missing("deviationType"))?
        .oid()?;
    let kind = DeviationKind::from_oid(&deviation_type);
    let mut parameter = None;
    let mut national_use = None;
    if let Some(p) = items.next_if(|t| t.tag == PARAMETERS) {
        parameter = Some(parse_parameter(kind, p, &deviation_type)?);
    }
    if let Some(n) = items.next_if(|t| t.tag == NATIONAL_USE) {
        national_use = Some(n.content.to_vec());
    }
    if let Some(extra) = items.next() {
        return Err(DeviationError::Invalid(format!(
            "unexpected field (tag {:#04x}) in DeviationDescription",
            extra.tag
        )));
    }
    Ok(DeviationDescription {
        description,
        deviation_type,
        kind,
        parameter,
        national_use,
    })
}

fn parse_parameter(
    kind: DeviationKind,
    wrapper: &Tlv<'_>,
    oid: &str,
) -> Result<DeviationParameter, DeviationError> {
    let inner = Tlv::parse(wrapper.content, wrapper.mode)?;
    let small = |what: &str| -> Result<u8, DeviationError> {
        inner
            .small_uint()
            .ok()
            .and_then(|v| u8::try_from(v).ok())
            .ok_or_else(|| {
                DeviationError::Invalid(format!("the parameter of {oid} must be a {what} INTEGER"))
            })
    };
    Ok(match kind.parameter_type() {
        ParameterType::Datagroup => {
            let dg = small("Datagroup")?;
            if !matches!(dg, 1..=16 | 20 | 21) {
                return Err(DeviationError::Invalid(format!(
                    "Datagroup {dg} is not a data group, EF.SOD (20) or EF.COM (21)"
                )));
            }
            DeviationParameter::Datagroup(dg)
        }
        ParameterType::MrzField => DeviationParameter::MrzField(small("MRZField")?),
        ParameterType::CertField if inner.tag == tag::OID => {
            DeviationParameter::CertExtension(inner.oid()?)
        }
        ParameterType::CertField => DeviationParameter::CertBodyField(small("CertField")?),
        ParameterType::Any => DeviationParameter::Other(inner.raw.to_vec()),
        ParameterType::None => {
            return Err(DeviationError::Invalid(format!(
                "{oid} takes no parameter, but one is given"
            )));
        }
    })
}

fn printable(content: &[u8], what: &str) -> Result<String, DeviationError> {
    let ok = content
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?<".contains(b));
    match std::str::from_utf8(content) {
        Ok(s) if ok => Ok(s.to_owned()),
        _ => Err(DeviationError::Invalid(format!(
            "{what} is not a PrintableString"
        ))),
    }
}

#[cfg(test)]
mod tests;
