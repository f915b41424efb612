//! `TrustStore` across the FFI: the CSCA certificates, master lists, CRLs and PKD LDIF files an
//! app trusts, handed in as bytes (the app ships or downloads them; the core reads no files).
//!
//! `verify` (in `verify.rs`) judges a read document against it. Without trust anchors the DSC
//! chain cannot be checked and no document is ever `authentic`.

use std::sync::{Arc, Mutex};

use idproof_core::auth::trust::{self as core_trust, TrustError};
use idproof_core::{Error, ErrorCode};

use crate::error::{IdProofError, guard, lock};
use crate::verify::CheckStatus;

/// The code of a master list (or an LDIF's) whose signature or signer chain did not verify
/// against the store (the CLI's JSON uses the same code).
pub const TRUST_UNVERIFIED: &str = "TRUST_UNVERIFIED";

/// How to treat a master list whose signature is checked against the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MasterListPolicy {
    /// Verify the list's signature and its signer up to a CSCA already in the store (add that
    /// CSCA first); refuse the list otherwise (`TRUST_UNVERIFIED`).
    VerifyWithStore,
    /// Add its certificates without verification: the app vouches for the file (e.g. a
    /// master list shipped inside the app and pinned by hash).
    TrustAsIs,
}

impl From<MasterListPolicy> for core_trust::MasterListPolicy {
    fn from(p: MasterListPolicy) -> Self {
        match p {
            MasterListPolicy::VerifyWithStore => core_trust::MasterListPolicy::VerifyWithStore,
            MasterListPolicy::TrustAsIs => core_trust::MasterListPolicy::TrustAsIs,
        }
    }
}

/// What a trust file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TrustFileKind {
    /// A DER certificate, or PEM holding certificates.
    Certificate,
    /// A CSCA master list (CMS).
    MasterList,
    /// An ICAO PKD LDIF file.
    Ldif,
    /// An ICAO deviation list, verified like a master list: its entries annotate the failed
    /// checks they explain (`Check.deviations`) and never change a verdict.
    DeviationList,
    /// A DER or PEM CRL.
    Crl,
}

impl From<core_trust::TrustFileKind> for TrustFileKind {
    fn from(k: core_trust::TrustFileKind) -> Self {
        match k {
            core_trust::TrustFileKind::Certificate => TrustFileKind::Certificate,
            core_trust::TrustFileKind::MasterList => TrustFileKind::MasterList,
            core_trust::TrustFileKind::Ldif => TrustFileKind::Ldif,
            core_trust::TrustFileKind::DeviationList => TrustFileKind::DeviationList,
            core_trust::TrustFileKind::Crl => TrustFileKind::Crl,
        }
    }
}

/// One file added to a store.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrustSource {
    /// What it was.
    pub kind: TrustFileKind,
    /// The caller's label (usually a file name).
    pub label: String,
    /// Certificates it held.
    pub certificates: u32,
    /// Certificates newly added as trust anchors.
    pub added: u32,
    /// CRLs it held.
    pub crls: u32,
    /// Document Signer certificates it held (LDIF).
    pub document_signers: u32,
    /// Values not recognised (LDIF).
    pub unrecognised: u32,
    /// Whether its signature verified (`NotPerformed`: trusted as given).
    pub verification: CheckStatus,
    /// What was verified, or why not.
    pub detail: String,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<core_trust::SourceReport> for TrustSource {
    fn from(s: core_trust::SourceReport) -> Self {
        Self {
            kind: s.kind.into(),
            label: s.label,
            certificates: count(s.certificates),
            added: count(s.added),
            crls: count(s.crls),
            document_signers: count(s.document_signers),
            unrecognised: count(s.unrecognised),
            verification: s.verification.into(),
            detail: s.detail,
        }
    }
}

/// The trust anchors of one country.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CountryTrust {
    /// ISO 3166 alpha-2 code from the certificates' subject (`??` when absent).
    pub country: String,
    /// Trusted CSCA (and link) certificates.
    pub cscas: u32,
    /// Earliest notBefore, `YYYY-MM-DDTHH:MM:SSZ`.
    pub valid_from: String,
    /// Latest notAfter, `YYYY-MM-DDTHH:MM:SSZ`.
    pub valid_to: String,
    /// CRLs from this country.
    pub crls: u32,
}

/// What a trust store holds.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrustSummary {
    /// Trust anchors (CSCA and link certificates).
    pub certificates: u32,
    /// Document Signer certificates known (from LDIF).
    pub document_signers: u32,
    /// CRLs.
    pub crls: u32,
    /// Per country, sorted by code.
    pub countries: Vec<CountryTrust>,
    /// Each file added, in order.
    pub sources: Vec<TrustSource>,
}

/// The CSCA certificates, master lists and CRLs trusted for passive authentication. Thread-safe;
/// build it once (adding is slow for large master lists) and share it between verifications.
#[derive(uniffi::Object)]
pub struct TrustStore {
    inner: Mutex<core_trust::TrustStore>,
}

impl std::fmt::Debug for TrustStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TrustStore(..)")
    }
}

impl TrustStore {
    /// Runs `body` on the core store (for `verify`).
    pub(crate) fn with<T>(
        &self,
        body: impl FnOnce(&core_trust::TrustStore) -> T,
    ) -> Result<T, IdProofError> {
        let store = lock(&self.inner)?;
        Ok(body(&store))
    }

    fn add<T>(
        &self,
        body: impl FnOnce(&mut core_trust::TrustStore) -> Result<T, TrustError>,
    ) -> Result<T, IdProofError> {
        guard(|| {
            let mut store = lock(&self.inner)?;
            body(&mut store).map_err(trust_error)
        })
    }
}

#[uniffi::export]
impl TrustStore {
    /// An empty store.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(core_trust::TrustStore::new()),
        })
    }

    /// Adds CSCA (or link) certificates: one DER certificate, or PEM with any number of
    /// `CERTIFICATE` blocks. Returns how many were new. Throws `InvalidInput` (`USAGE`) for
    /// bytes that are not certificates.
    pub fn add_certificate(&self, bytes: Vec<u8>, label: String) -> Result<u32, IdProofError> {
        self.add(|store| store.add_certificate(&bytes, &label))
            .map(count)
    }

    /// Adds a CSCA master list (CMS, DER). With `VerifyWithStore` the list's signer must chain
    /// to a CSCA already in the store, else `InvalidInput` with `TRUST_UNVERIFIED`.
    pub fn add_master_list(
        &self,
        bytes: Vec<u8>,
        policy: MasterListPolicy,
        label: String,
    ) -> Result<TrustSource, IdProofError> {
        self.add(|store| store.add_master_list(&bytes, policy.into(), &label))
            .map(TrustSource::from)
    }

    /// Adds a CRL (DER or PEM); it is checked against the chain's CSCA whenever it is used.
    pub fn add_crl(&self, bytes: Vec<u8>, label: String) -> Result<TrustSource, IdProofError> {
        self.add(|store| store.add_crl(&bytes, &label))
            .map(TrustSource::from)
    }

    /// Adds an ICAO PKD LDIF file: CA certificates become anchors, others Document Signers;
    /// its CRLs and master lists (per `policy`) are added. A master list inside that did not
    /// verify is skipped and reported in the result (`verification` `Failed`).
    pub fn add_ldif(
        &self,
        text: String,
        policy: MasterListPolicy,
        label: String,
    ) -> Result<TrustSource, IdProofError> {
        self.add(|store| store.add_ldif(&text, policy.into(), &label))
            .map(TrustSource::from)
    }

    /// Adds any supported file, recognised by content (certificate, master list, CRL, LDIF,
    /// deviation list).
    /// Returns what it was.
    pub fn add_file(
        &self,
        bytes: Vec<u8>,
        policy: MasterListPolicy,
        label: String,
    ) -> Result<TrustFileKind, IdProofError> {
        self.add(|store| store.add_bytes(&bytes, policy.into(), &label))
            .map(TrustFileKind::from)
    }

    /// What the store holds: counts, countries, validity ranges and each file added.
    pub fn summary(&self) -> Result<TrustSummary, IdProofError> {
        guard(|| {
            let s = lock(&self.inner)?.summary();
            Ok(TrustSummary {
                certificates: count(s.certificates),
                document_signers: count(s.document_signers),
                crls: count(s.crls),
                countries: s
                    .countries
                    .into_iter()
                    .map(|(country, c)| CountryTrust {
                        country,
                        cscas: count(c.cscas),
                        valid_from: c.valid_from.to_string(),
                        valid_to: c.valid_to.to_string(),
                        crls: count(c.crls),
                    })
                    .collect(),
                sources: s.sources.into_iter().map(TrustSource::from).collect(),
            })
        })
    }
}

/// A trust file the core refused: unverified master lists keep the CLI's `TRUST_UNVERIFIED`,
/// anything unrecognised or malformed is the caller's input (`USAGE`).
fn trust_error(e: TrustError) -> IdProofError {
    match e {
        TrustError::Unverified(_) => IdProofError::InvalidInput {
            code: TRUST_UNVERIFIED.to_owned(),
            detail: e.to_string(),
        },
        TrustError::Unrecognised | TrustError::Malformed(_) => {
            Error::new(ErrorCode::Usage, e.to_string()).into()
        }
    }
}
