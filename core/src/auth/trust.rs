//! The trust store: CSCA certificates (and link certificates), master lists, CRLs and ICAO PKD
//! LDIF, with lookups by issuer DN + AKI/SKI and a summary for `idproof trust inspect`.
//!
//! Sans-IO like the rest of the core: callers hand in bytes ([`TrustStore::add_bytes`]
//! recognises them by content); walking folders is the CLI's job.
//!
//! Master lists are verified before their certificates are trusted
//! ([`MasterListPolicy::VerifyWithStore`]): the CMS signature, and the list signer's chain to
//! a CSCA that is already in the store. A list that cannot be verified is refused, unless the
//! caller explicitly trusts it as is ([`MasterListPolicy::TrustAsIs`]).
//!
//! ICAO deviation lists are held the same way: parsed in full, their signer verified up to a
//! CSCA in the store (or trusted as is on the caller's word), and their deviations indexed by
//! the country of that CSCA, so [`TrustStore::deviations_for`] can annotate a verification of
//! that country's documents ([`super::deviation`]).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::asn1::{Mode, Time, Tlv, tag};
use crate::cms::{self, SignedData};
use crate::report::CheckStatus;

use super::cert::{Certificate, key_usage, name_country};
use super::chain;
use super::crl::Crl;
use super::deviation::apply::{DocumentFacts, MatchedDeviation};
use super::deviation::{DeviationError, DeviationList};
use super::glue::SignatureCheck;
use super::glue::hash_algorithm_from_oid;
use super::ldif::{self, LdifItem};
use super::pa::verify_signer;

/// How to treat a master list whose signature is checked against the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MasterListPolicy {
    /// Verify the list's signature and its signer up to a CSCA already in the store; refuse
    /// the list otherwise.
    VerifyWithStore,
    /// Add the certificates without verification (the caller vouches for the file).
    TrustAsIs,
}

/// Why something could not be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    /// The bytes are not a certificate, CRL, master list, PEM or LDIF.
    #[error("not a certificate, CRL, master list, PEM or LDIF file")]
    Unrecognised,
    /// Recognised but malformed.
    #[error("{0}")]
    Malformed(String),
    /// A master or deviation list whose signature or signer chain did not verify.
    #[error("list not verified: {0}")]
    Unverified(String),
}

/// What a file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrustFileKind {
    /// A DER certificate, or PEM holding certificates.
    Certificate,
    /// A CSCA master list (CMS).
    MasterList,
    /// An ICAO PKD LDIF file.
    Ldif,
    /// An ICAO deviation list (CMS, 2.23.136.1.1.7): its deviations annotate verifications.
    DeviationList,
    /// A DER or PEM CRL.
    Crl,
}

/// Which source a certificate came from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Trusted {
    cert: Certificate,
    source: usize,
}

/// One added source, as reported by [`TrustStore::summary`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceReport {
    /// What it was.
    pub kind: TrustFileKind,
    /// The caller's label (usually a file name).
    pub label: String,
    /// Certificates it held.
    pub certificates: usize,
    /// Certificates newly added as trust anchors.
    pub added: usize,
    /// CRLs it held.
    pub crls: usize,
    /// Document Signer certificates it held (LDIF).
    pub document_signers: usize,
    /// Values not recognised (LDIF).
    pub unrecognised: usize,
    /// Deviations it held (deviation lists).
    pub deviations: usize,
    /// Verification outcome (`passed`, `failed`, `not_performed`).
    pub verification: CheckStatus,
    /// What was verified, or why not.
    pub detail: String,
    /// Entries refused one by one (a certificate or CRL that does not parse, a revoked
    /// entry that cannot be read), with why; the rest of the source loaded.
    pub refused: Vec<RefusedEntry>,
    /// Notes on entries that did load: an unreadable optional extension treated as absent,
    /// a Document Signer given where a CSCA was expected.
    pub notes: Vec<String>,
}

/// One entry of a source that was refused on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefusedEntry {
    /// Which entry: `#3` (position in the source, from 1) and, when known, its name.
    pub entry: String,
    /// Why it was refused.
    pub reason: String,
}

impl SourceReport {
    fn new(kind: TrustFileKind, label: &str, verification: CheckStatus, detail: String) -> Self {
        Self {
            kind,
            label: label.to_owned(),
            certificates: 0,
            added: 0,
            crls: 0,
            document_signers: 0,
            unrecognised: 0,
            deviations: 0,
            verification,
            detail,
            refused: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// What a certificate is for, from basicConstraints and keyUsage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateRole {
    /// A CA that may sign certificates (cA true, keyUsage keyCertSign): a trust anchor.
    Csca,
    /// Anything else (a Document Signer: keyUsage digitalSignature only): never an anchor.
    DocumentSigner,
}

impl CertificateRole {
    /// CSCA when basicConstraints says cA and keyUsage allows keyCertSign; a self-issued
    /// certificate without basicConstraints (some old roots) counts as a CSCA if its key
    /// usage allows keyCertSign. Everything else is a Document Signer.
    pub fn of(cert: &Certificate) -> Self {
        let may_sign_certs = cert.allows(key_usage::KEY_CERT_SIGN);
        let ca = match cert.is_ca() {
            Some(ca) => ca,
            None => cert.is_self_issued(),
        };
        if ca && may_sign_certs {
            CertificateRole::Csca
        } else {
            CertificateRole::DocumentSigner
        }
    }
}

/// Per-country figures in a summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountrySummary {
    /// Trusted CSCA (and link) certificates.
    pub cscas: usize,
    /// Earliest notBefore.
    pub valid_from: Time,
    /// Latest notAfter.
    pub valid_to: Time,
    /// CRLs from this country.
    pub crls: usize,
    /// Deviations from this country's deviation lists.
    pub deviations: usize,
}

/// What a trust store holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustSummary {
    /// Trust anchors (CSCA and link certificates).
    pub certificates: usize,
    /// Document Signer certificates known (from LDIF).
    pub document_signers: usize,
    /// CRLs.
    pub crls: usize,
    /// Deviations that can annotate verifications (lists whose issuing State is known; a
    /// source report also counts those of a list without one).
    pub deviations: usize,
    /// Per country (ISO 3166 alpha-2 from the subject; `??` when absent).
    pub countries: BTreeMap<String, CountrySummary>,
    /// Each source added.
    pub sources: Vec<SourceReport>,
}

/// A deviation list as the store keeps it.
#[derive(Debug, Clone)]
struct HeldDeviationList {
    /// The source label.
    label: String,
    /// The issuing State: the country of the CSCA the signer chains to (or of the signer, for
    /// a list trusted as is). Deviations apply only to that State's documents.
    country: String,
    /// Hashes DSCs named by `certificateDigest`.
    digest: Option<crate::crypto::signature::HashAlgorithm>,
    list: DeviationList,
}

/// CSCAs, Document Signers, CRLs and deviation lists trusted for passive authentication.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    anchors: Vec<Trusted>,
    dscs: Vec<Certificate>,
    crls: Vec<Crl>,
    deviation_lists: Vec<HeldDeviationList>,
    /// Indexes into `deviation_lists`, by issuing State.
    deviations_by_country: BTreeMap<String, Vec<usize>>,
    sources: Vec<SourceReport>,
    /// Whole sources the caller refused (lists that did not verify), by label.
    refused_sources: Vec<String>,
}

impl TrustStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether it holds no trust anchor.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// Records that the caller refused a whole source (a master list that did not verify),
    /// so that what the store says about itself stays true ("no trust anchors loaded; 1
    /// source refused" rather than "the trust store is empty").
    pub fn record_refused(&mut self, label: &str) {
        self.refused_sources.push(label.to_owned());
    }

    /// The labels of the sources recorded as refused.
    pub fn refused_sources(&self) -> &[String] {
        &self.refused_sources
    }

    /// What an empty store has to say for itself: why there is no trust anchor.
    pub fn why_no_anchor(&self) -> String {
        match self.refused_sources.len() {
            0 if self.dscs.is_empty() => {
                "the trust store is empty: give CSCA certificates or master lists".to_owned()
            }
            0 => format!(
                "no trust anchors loaded ({} Document Signer certificate(s) only, which are not \
                 anchors): give CSCA certificates or master lists",
                self.dscs.len()
            ),
            n => format!(
                "no trust anchors loaded; {n} trust source(s) refused ({})",
                self.refused_sources.join(", ")
            ),
        }
    }

    /// The trusted CSCA and link certificates.
    pub fn anchors(&self) -> impl Iterator<Item = &Certificate> {
        self.anchors.iter().map(|t| &t.cert)
    }

    /// Document Signer certificates known from PKD LDIF (used when an SOD lacks its DSC).
    pub fn document_signers(&self) -> &[Certificate] {
        &self.dscs
    }

    /// Whether any deviation list with a known issuing State is held.
    pub fn has_deviations(&self) -> bool {
        !self.deviation_lists.is_empty()
    }

    /// The CRLs.
    pub fn crls(&self) -> impl Iterator<Item = &Crl> {
        self.crls.iter()
    }

    /// Anchors that may have issued `cert` (DN and AKI/SKI).
    pub fn issuers_of<'s>(
        &'s self,
        cert: &'s Certificate,
    ) -> impl Iterator<Item = &'s Certificate> {
        self.anchors().filter(move |a| a.may_have_issued(cert))
    }

    /// Anchors with this subject DN and, if given, this SKI.
    pub fn find(&self, subject: &[u8], ski: Option<&[u8]>) -> Vec<&Certificate> {
        self.anchors()
            .filter(|c| {
                super::cert::names_equivalent(c.subject(), subject)
                    && (ski.is_none() || c.ski() == ski)
            })
            .collect()
    }

    fn push_anchor(&mut self, cert: Certificate, source: usize) -> bool {
        if self.anchors.iter().any(|t| t.cert.der() == cert.der()) {
            return false;
        }
        self.anchors.push(Trusted { cert, source });
        true
    }

    fn push_source(&mut self, report: SourceReport) -> usize {
        self.sources.push(report);
        self.sources.len() - 1
    }

    /// Adds certificates, DER or PEM (every `CERTIFICATE` block). Each is judged on its own
    /// ([`CertificateRole::of`]): a CSCA (or link) becomes a trust anchor; a Document Signer
    /// is kept as a known signer (for SODs that lack their DSC) but is never an anchor, and
    /// the report says so; a block that does not parse is refused with its reason.
    /// Returns the number of anchors added. Only input that holds no certificate is an error.
    pub fn add_certificate(&mut self, bytes: &[u8], label: &str) -> Result<usize, TrustError> {
        let ders = certificate_ders(bytes)?;
        let mut report = SourceReport::new(
            TrustFileKind::Certificate,
            label,
            CheckStatus::NotPerformed,
            "trusted as given".into(),
        );
        report.certificates = ders.len();
        let idx = self.sources.len();
        let mut parsed = Vec::new();
        for (i, der) in ders.iter().enumerate() {
            match Certificate::from_der(der) {
                Ok(cert) => parsed.push(cert),
                Err(e) => report.refused.push(RefusedEntry {
                    entry: format!("#{}", i + 1),
                    reason: e.to_string(),
                }),
            }
        }
        if parsed.is_empty()
            && let Some(first) = report.refused.first()
        {
            return Err(TrustError::Malformed(first.reason.clone()));
        }
        for cert in parsed {
            note_unreadable(&mut report.notes, &cert);
            match CertificateRole::of(&cert) {
                CertificateRole::Csca => {
                    if self.push_anchor(cert, idx) {
                        report.added += 1;
                    }
                }
                CertificateRole::DocumentSigner => {
                    report.notes.push(format!(
                        "{} is a Document Signer certificate (not a CA, or no keyCertSign): \
                         not a trust anchor; give the CSCA that issued it",
                        cert.subject_text()
                    ));
                    report.document_signers += 1;
                    self.dscs.push(cert);
                }
            }
        }
        if report.added == 0 && report.document_signers > 0 {
            report.detail = "Document Signer certificate(s) only: no trust anchor".into();
        }
        let added = report.added;
        self.sources.push(report);
        Ok(added)
    }

    /// Adds a CSCA master list (CMS ContentInfo, eContentType 2.23.136.1.1.2).
    pub fn add_master_list(
        &mut self,
        bytes: &[u8],
        policy: MasterListPolicy,
        label: &str,
    ) -> Result<SourceReport, TrustError> {
        let sd = SignedData::parse(bytes).map_err(|e| TrustError::Malformed(e.to_string()))?;
        let content = sd
            .e_content
            .as_deref()
            .ok_or_else(|| TrustError::Malformed("master list without content".into()))?;
        if sd.e_content_type == cms::OID_DEVIATION_LIST {
            return self.add_deviation_list(&sd, content, policy, label);
        }
        if sd.e_content_type != cms::OID_CSCA_MASTER_LIST {
            return Err(TrustError::Malformed(format!(
                "CMS content type {} is neither a CSCA master list nor a deviation list",
                sd.e_content_type
            )));
        }
        let entries = cms::master_list_certificates(content)
            .map_err(|e| TrustError::Malformed(e.to_string()))?;
        let (verification, detail) = match policy {
            MasterListPolicy::TrustAsIs => (
                CheckStatus::NotPerformed,
                "trusted as is, without verification (caller's choice)".to_owned(),
            ),
            MasterListPolicy::VerifyWithStore => {
                let verified = self.verify_list_signer(&sd, cms::OID_CSCA_MASTER_LIST);
                if verified.status != CheckStatus::Passed {
                    return Err(TrustError::Unverified(format!(
                        "master list: {}",
                        verified.detail
                    )));
                }
                (verified.status, verified.detail)
            }
        };
        let mut report = SourceReport::new(TrustFileKind::MasterList, label, verification, detail);
        report.certificates = entries.len();
        let idx = self.sources.len();
        for (i, entry) in entries.into_iter().enumerate() {
            let cert = entry.and_then(|der| Certificate::from_der(der).map_err(|e| e.to_string()));
            match cert {
                Ok(cert) => {
                    note_unreadable(&mut report.notes, &cert);
                    if self.push_anchor(cert, idx) {
                        report.added += 1;
                    }
                }
                Err(reason) => report.refused.push(RefusedEntry {
                    entry: format!("#{}", i + 1),
                    reason,
                }),
            }
        }
        self.sources.push(report.clone());
        Ok(report)
    }

    /// Adds a deviation list: parses it in full (a malformed list is an error), verifies its
    /// signer up to a CSCA in the store (refused otherwise, unless `policy` trusts it as is) and
    /// indexes its deviations under the issuing State.
    fn add_deviation_list(
        &mut self,
        sd: &SignedData<'_>,
        content: &[u8],
        policy: MasterListPolicy,
        label: &str,
    ) -> Result<SourceReport, TrustError> {
        let list = DeviationList::parse(content)
            .map_err(|e: DeviationError| TrustError::Malformed(e.to_string()))?;
        let count = list.deviations.len();
        let (verification, detail, country) = match policy {
            MasterListPolicy::VerifyWithStore => {
                let verified = self.verify_list_signer(sd, cms::OID_DEVIATION_LIST);
                if verified.status != CheckStatus::Passed {
                    return Err(TrustError::Unverified(format!(
                        "deviation list: {}",
                        verified.detail
                    )));
                }
                (verified.status, verified.detail, verified.country)
            }
            MasterListPolicy::TrustAsIs => {
                let signer = verify_signer(sd, cms::OID_DEVIATION_LIST, &[]);
                let country = signer
                    .signer
                    .as_ref()
                    .and_then(|c| c.country().map(str::to_owned));
                (
                    CheckStatus::NotPerformed,
                    "trusted as is, without verification (caller's choice)".to_owned(),
                    country,
                )
            }
        };
        let detail = match &country {
            Some(cc) => format!("{count} deviation(s) of {cc}; {detail}"),
            None => format!(
                "{count} deviation(s); the issuing State is unknown (no signer country), so \
                 they annotate nothing; {detail}"
            ),
        };
        let digest = list
            .digest_algorithm
            .as_deref()
            .or_else(|| sd.signer_infos.first().map(|si| si.digest_oid.as_str()))
            .and_then(hash_algorithm_from_oid);
        if let Some(cc) = country {
            self.deviations_by_country
                .entry(cc.clone())
                .or_default()
                .push(self.deviation_lists.len());
            self.deviation_lists.push(HeldDeviationList {
                label: label.to_owned(),
                country: cc,
                digest,
                list,
            });
        }
        let mut report =
            SourceReport::new(TrustFileKind::DeviationList, label, verification, detail);
        report.deviations = count;
        self.push_source(report.clone());
        Ok(report)
    }

    /// The deviations of the document's issuing State that apply to it (the State is the
    /// country of its Document Signer; without a DSC nothing applies).
    pub fn deviations_for(&self, facts: &DocumentFacts<'_>) -> Vec<MatchedDeviation> {
        let Some(dsc) = facts.dsc else {
            return Vec::new();
        };
        let country = dsc
            .country()
            .map(str::to_owned)
            .or_else(|| name_country(dsc.issuer()));
        let Some(indexes) = country.and_then(|cc| self.deviations_by_country.get(&cc)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for held in indexes.iter().filter_map(|i| self.deviation_lists.get(*i)) {
            for deviation in &held.list.deviations {
                if deviation.applies_to(facts, held.digest) {
                    out.extend(deviation.descriptions.iter().map(|d| MatchedDeviation {
                        description: d.clone(),
                        list: held.label.clone(),
                    }));
                }
            }
        }
        out
    }

    /// Checks a master or deviation list's signature and its signer's chain to a CSCA in the
    /// store.
    fn verify_list_signer(&self, sd: &SignedData<'_>, expected_type: &str) -> ListSigner {
        let failed = |status, detail| ListSigner {
            status,
            detail,
            country: None,
        };
        let signer = verify_signer(sd, expected_type, &[]);
        let (status, detail) = signer.outcome();
        if status != CheckStatus::Passed {
            return failed(status, detail);
        }
        let Some(cert) = signer.signer.as_ref() else {
            return failed(CheckStatus::Failed, "no signer certificate".into());
        };
        let time = signer.signing_time.unwrap_or_else(|| cert.not_before());
        let chain = chain::validate(cert, self, time, key_usage::DIGITAL_SIGNATURE);
        let (chain_status, chain_detail) = chain.outcome();
        if chain_status != CheckStatus::Passed {
            return failed(
                chain_status,
                format!("signer {}: {chain_detail}", cert.subject_text()),
            );
        }
        let root = chain.path.last();
        ListSigner {
            status: CheckStatus::Passed,
            detail: format!(
                "signed by {}{}, which chains to {}",
                cert.subject_text(),
                signer
                    .signing_time
                    .map(|t| format!(" at {t}"))
                    .unwrap_or_default(),
                root.map_or_else(String::new, |c| c.subject_text().to_owned())
            ),
            country: root.and_then(|c| c.country().map(str::to_owned)),
        }
    }

    /// Adds a CRL (DER or PEM). Its signature is checked against the store's CSCAs now for
    /// the summary, and again against the chain's CSCA whenever it is used.
    pub fn add_crl(&mut self, bytes: &[u8], label: &str) -> Result<SourceReport, TrustError> {
        let der = if bytes.first() == Some(&tag::SEQUENCE) {
            bytes.to_vec()
        } else {
            let text = std::str::from_utf8(bytes).map_err(|_| TrustError::Unrecognised)?;
            ldif::pem_blocks(text, "X509 CRL")
                .into_iter()
                .next()
                .ok_or(TrustError::Unrecognised)?
        };
        // CertError says "certificate: …"; this is a CRL.
        let crl =
            Crl::from_der(&der).map_err(|e| TrustError::Malformed(format!("CRL: {}", e.0)))?;
        let (verification, detail) = self.crl_status(&crl);
        let mut report = SourceReport::new(TrustFileKind::Crl, label, verification, detail);
        report.crls = 1;
        report.refused = crl_refused_entries(&crl);
        self.crls.push(crl);
        self.push_source(report.clone());
        Ok(report)
    }

    fn crl_status(&self, crl: &Crl) -> (CheckStatus, String) {
        let mut result = (
            CheckStatus::NotPerformed,
            format!("issuer {} is not in the trust store", crl.issuer_text()),
        );
        for ca in self.anchors().filter(|c| crl.may_be_issued_by(c)) {
            match crl.verify_signature(ca) {
                SignatureCheck::Valid(_) => {
                    return (
                        CheckStatus::Passed,
                        format!(
                            "signed by {} (serial {}); {} revoked; thisUpdate {}, nextUpdate {}",
                            ca.subject_text(),
                            ca.serial_hex(),
                            crl.revoked.len(),
                            crl.this_update,
                            crl.next_update
                                .map_or_else(|| "none".into(), |t| t.to_string())
                        ),
                    );
                }
                SignatureCheck::Invalid(d) => result = (CheckStatus::Failed, d),
                SignatureCheck::Unsupported(d) => result = (CheckStatus::NotPerformed, d),
            }
        }
        result
    }

    /// Adds an ICAO PKD LDIF file: certificates that are CAs become anchors, others are kept as
    /// Document Signers; CRLs and master lists (per `policy`) are added.
    pub fn add_ldif(
        &mut self,
        text: &str,
        policy: MasterListPolicy,
        label: &str,
    ) -> Result<SourceReport, TrustError> {
        let content = ldif::parse(text);
        if content.entries == 0 {
            return Err(TrustError::Unrecognised);
        }
        let mut report = SourceReport::new(
            TrustFileKind::Ldif,
            label,
            CheckStatus::NotPerformed,
            String::new(),
        );
        report.unrecognised = content.unrecognised;
        let idx = self.sources.len();
        let mut notes = Vec::new();
        let mut deferred_crls = Vec::new();
        for (item, dn) in content.items.into_iter().zip(content.dns) {
            match item {
                LdifItem::Certificate(der) => match Certificate::from_der(&der) {
                    Ok(cert) => {
                        report.certificates += 1;
                        note_unreadable(&mut report.notes, &cert);
                        if cert.is_ca() == Some(true) || cert.is_self_issued() {
                            if self.push_anchor(cert, idx) {
                                report.added += 1;
                            }
                        } else {
                            report.document_signers += 1;
                            self.dscs.push(cert);
                        }
                    }
                    Err(e) => report.refused.push(RefusedEntry {
                        entry: dn,
                        reason: e.to_string(),
                    }),
                },
                LdifItem::Crl(der) => deferred_crls.push((dn, der)),
                LdifItem::Undecodable(attr) => report.refused.push(RefusedEntry {
                    entry: dn,
                    reason: format!("{attr}: not valid base64"),
                }),
                LdifItem::MasterList(bytes) => {
                    match self.add_master_list(&bytes, policy, &format!("{label} (master list)")) {
                        Ok(r) => {
                            report.certificates += r.certificates;
                            report.added += r.added;
                        }
                        Err(e) => notes.push(e.to_string()),
                    }
                }
            }
        }
        for (dn, der) in deferred_crls {
            match Crl::from_der(&der) {
                Ok(crl) => {
                    report.crls += 1;
                    report
                        .refused
                        .extend(crl_refused_entries(&crl).into_iter().map(|r| RefusedEntry {
                            entry: format!("{dn} {}", r.entry),
                            reason: r.reason,
                        }));
                    self.crls.push(crl);
                }
                Err(e) => report.refused.push(RefusedEntry {
                    entry: dn,
                    reason: format!("CRL: {}", e.0),
                }),
            }
        }
        report.detail = if notes.is_empty() {
            format!(
                "{} entries; certificates from LDIF are trusted as given",
                content.entries
            )
        } else {
            notes.join("; ")
        };
        if !notes.is_empty() {
            report.verification = CheckStatus::Failed;
        }
        self.sources.push(report.clone());
        Ok(report)
    }

    /// What `bytes` are, by content (not by file name).
    pub fn classify(bytes: &[u8]) -> Option<TrustFileKind> {
        if let Ok(text) = std::str::from_utf8(bytes) {
            if text.contains("-----BEGIN CERTIFICATE-----") {
                return Some(TrustFileKind::Certificate);
            }
            if text.contains("-----BEGIN X509 CRL-----") {
                return Some(TrustFileKind::Crl);
            }
            if text
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("dn:"))
            {
                return Some(TrustFileKind::Ldif);
            }
        }
        let top = Tlv::parse(bytes, Mode::Der)
            .or_else(|_| Tlv::parse(bytes, Mode::Ber))
            .ok()?;
        if top.tag != tag::SEQUENCE {
            return None;
        }
        let mut children = top.children();
        let first = children.next()?.ok()?;
        if first.tag == tag::OID {
            return (first.oid().ok()? == cms::OID_SIGNED_DATA)
                .then_some(TrustFileKind::MasterList);
        }
        if first.tag != tag::SEQUENCE {
            return None;
        }
        // Certificate: tbs starts with [0] version or INTEGER serial then AlgorithmIdentifier;
        // CRL: tbs starts with INTEGER version then AlgorithmIdentifier then Name then Time.
        let fields = first.child_vec().ok()?;
        let has_time_at = |i: usize| {
            fields
                .get(i)
                .is_some_and(|t| t.tag == tag::UTC_TIME || t.tag == tag::GENERALIZED_TIME)
        };
        if has_time_at(3) || has_time_at(2) {
            Some(TrustFileKind::Crl)
        } else {
            Some(TrustFileKind::Certificate)
        }
    }

    /// Adds any supported file by content. Returns what it was.
    pub fn add_bytes(
        &mut self,
        bytes: &[u8],
        policy: MasterListPolicy,
        label: &str,
    ) -> Result<TrustFileKind, TrustError> {
        let kind = Self::classify(bytes).ok_or(TrustError::Unrecognised)?;
        match kind {
            TrustFileKind::Certificate => {
                self.add_certificate(bytes, label)?;
            }
            TrustFileKind::MasterList | TrustFileKind::DeviationList => {
                if self.add_master_list(bytes, policy, label)?.kind == TrustFileKind::DeviationList
                {
                    return Ok(TrustFileKind::DeviationList);
                }
            }
            TrustFileKind::Crl => {
                self.add_crl(bytes, label)?;
            }
            TrustFileKind::Ldif => {
                let text = std::str::from_utf8(bytes).map_err(|_| TrustError::Unrecognised)?;
                self.add_ldif(text, policy, label)?;
            }
        }
        Ok(kind)
    }

    /// Countries, counts, validity ranges and what verified.
    pub fn summary(&self) -> TrustSummary {
        let mut countries: BTreeMap<String, CountrySummary> = BTreeMap::new();
        for cert in self.anchors() {
            let key = cert.country().unwrap_or("??").to_owned();
            let entry = countries.entry(key).or_insert(CountrySummary {
                cscas: 0,
                valid_from: cert.not_before(),
                valid_to: cert.not_after(),
                crls: 0,
                deviations: 0,
            });
            entry.cscas += 1;
            entry.valid_from = entry.valid_from.min(cert.not_before());
            entry.valid_to = entry.valid_to.max(cert.not_after());
        }
        for crl in &self.crls {
            let key = name_country(crl.issuer()).unwrap_or_else(|| "??".into());
            if let Some(entry) = countries.get_mut(&key) {
                entry.crls += 1;
            } else {
                countries.insert(
                    key,
                    CountrySummary {
                        cscas: 0,
                        valid_from: crl.this_update,
                        valid_to: crl.next_update.unwrap_or(crl.this_update),
                        crls: 1,
                        deviations: 0,
                    },
                );
            }
        }
        for held in &self.deviation_lists {
            // A verified list's country has its CSCA in the store; a list trusted as is from
            // a country without one counts only in the total.
            if let Some(entry) = countries.get_mut(&held.country) {
                entry.deviations += held.list.deviations.len();
            }
        }
        TrustSummary {
            certificates: self.anchors.len(),
            document_signers: self.dscs.len(),
            crls: self.crls.len(),
            deviations: self
                .deviation_lists
                .iter()
                .map(|h| h.list.deviations.len())
                .sum(),
            countries,
            sources: self.sources.clone(),
        }
    }
}

/// Notes a loaded certificate's unreadable optional extensions (treated as absent).
fn note_unreadable(notes: &mut Vec<String>, cert: &Certificate) {
    for what in cert.unreadable_extensions() {
        notes.push(format!("{}: {what}", cert.subject_text()));
    }
}

/// A CRL's revoked entries that could not be read, as refused entries.
fn crl_refused_entries(crl: &Crl) -> Vec<RefusedEntry> {
    crl.refused
        .iter()
        .map(|(i, reason)| RefusedEntry {
            entry: format!("revoked entry #{}", i + 1),
            reason: reason.clone(),
        })
        .collect()
}

/// How a list's signer verified, and the country of the CSCA it chains to.
struct ListSigner {
    status: CheckStatus,
    detail: String,
    country: Option<String>,
}

/// The certificate DERs in `bytes`: one DER certificate, or every PEM `CERTIFICATE` block.
fn certificate_ders(bytes: &[u8]) -> Result<Vec<Vec<u8>>, TrustError> {
    if bytes.first() == Some(&tag::SEQUENCE) {
        return Ok(vec![bytes.to_vec()]);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| TrustError::Unrecognised)?;
    let blocks = ldif::pem_blocks(text, "CERTIFICATE");
    if blocks.is_empty() {
        Err(TrustError::Unrecognised)
    } else {
        Ok(blocks)
    }
}

#[cfg(test)]
mod tests;
