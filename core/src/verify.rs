//! Verification of what a read (or a folder of dumped files) produced, as a [`Report`] of
//! named checks: passive authentication (SOD signature, DSC → CSCA chain, revocation,
//! data-group hashes, EF.COM consistency), the MRZ used for access, DG1 = that MRZ,
//! Active Authentication when the read ran it, and EF.CardSecurity (its signature, chain and
//! agreement with EF.CardAccess: [`crate::auth::card_security`]).
//!
//! [`verify`] is the entry point; `at` is the moment of verification, given by the caller
//! (nothing here reads the clock). Certificates are judged at the SOD's signingTime, and at
//! `at` only when the SOD has none. Offline there is no chip, so chip and active
//! authentication are `not_performed` and the verdict rests on passive authentication.
//! Active Authentication passes only when the chip's signature verifies with the DG15 key
//! **and** passive authentication proved that key (SOD signature, chain and DG15's hash).
//!
//! When the trust store holds a verified ICAO deviation list of the issuing State, deviations
//! that match the document annotate the checks they explain ([`crate::auth::deviation`]);
//! they never change a status, so the verdict is the same with or without the list.

use std::collections::{BTreeMap, BTreeSet};

use crate::asn1::Time;
use crate::auth::active::{
    aa_signature_algorithm, ecdsa_hash_from_oid, verify_active_authentication,
};
use crate::auth::anti_clone::chip_authentication_check;
use crate::auth::card_security::card_security_check;
use crate::auth::cert::Certificate;
use crate::auth::deviation::apply::{DocumentFacts, annotate};
use crate::auth::pa::{SignedObjectVerification, verify_signed_object};
use crate::auth::trust::TrustStore;
use crate::cms::OID_LDS_SECURITY_OBJECT;
use crate::codec::tlv::Tlv;
use crate::crypto::signature::{HashAlgorithm, KeyDescription, key_description};
use crate::error::ErrorCode;
use crate::lds::sod::LdsSecurityObject;
use crate::lds::{Com, DataGroup, Dg1, LdsFile, Sod};
use crate::mrz::{Mrz, MrzAccess};
use crate::reader::{AaExchange, AaResponse, ChipEvidence, Document};
use crate::report::{Check, CheckName, CheckStatus, Report};

use crate::auth::glue::{hash, hash_algorithm_from_oid};

/// Failure code: the SOD's CMS signature (or its structure) is wrong.
pub const PA_SIGNATURE: &str = "PA_SIGNATURE";
/// Failure code: the DSC → CSCA chain is not valid.
pub const PA_CHAIN: &str = "PA_CHAIN";
/// Failure code: the DSC is revoked.
pub const PA_REVOKED: &str = "PA_REVOKED";
/// Failure code: a data group's hash differs, or a data group is not in the SOD.
pub const PA_HASH: &str = "PA_HASH";
/// Failure code: EF.COM and EF.SOD list different data groups.
pub const PA_COM: &str = "PA_COM";
/// Failure code: the chip's Active Authentication answer does not verify with the DG15 key.
pub const AA_FAILED: &str = "AA_FAILED";

/// Checks a read document against `trust` at `at`. `access_mrz` is the full MRZ the chip was
/// opened with, when the caller had one (a CAN gives `None`; for typed document number and
/// dates use [`verify_access`] with [`MrzAccess::Fields`], so DG1 is compared with them).
pub fn verify(
    document: &Document,
    trust: &TrustStore,
    at: Time,
    access_mrz: Option<&Mrz>,
) -> Report {
    verify_access(document, trust, at, access_mrz.map(MrzAccess::Lines))
}

/// [`verify`] with what the chip was opened with of either kind: the whole MRZ or the three
/// typed key fields (`dg1_mrz_match` compares DG1 with whichever was given, and is
/// `not_performed` only for `None`, a CAN-opened read).
pub fn verify_access(
    document: &Document,
    trust: &TrustStore,
    at: Time,
    access: Option<MrzAccess<'_>>,
) -> Report {
    verify_all(
        &document.files,
        Some(&document.chip),
        document.active_authentication.as_ref(),
        trust,
        at,
        access,
    )
}

/// [`verify`] over files by kind, e.g. dumped files recognised by content.
pub fn verify_files(
    files: &BTreeMap<LdsFile, Vec<u8>>,
    trust: &TrustStore,
    at: Time,
    access_mrz: Option<&Mrz>,
) -> Report {
    verify_all(
        files,
        None,
        None,
        trust,
        at,
        access_mrz.map(MrzAccess::Lines),
    )
}

/// The checks of files plus, for a live read, the chip's anti-clone evidence and Active
/// Authentication exchange.
fn verify_all(
    files: &BTreeMap<LdsFile, Vec<u8>>,
    evidence: Option<&ChipEvidence>,
    aa: Option<&AaExchange>,
    trust: &TrustStore,
    at: Time,
    access: Option<MrzAccess<'_>>,
) -> Report {
    let (mut checks, pa) = passive_authentication(files, trust, at);
    let hashes_passed = checks
        .iter()
        .any(|c| c.name == CheckName::DgHashes && c.status == CheckStatus::Passed);
    let dg15_proven = pa_proves_data_groups(&checks);
    let access_mrz = match access {
        Some(MrzAccess::Lines(mrz)) => Some(mrz),
        Some(MrzAccess::Fields(_)) | None => None,
    };
    let dg1 = dg1_facts(files);
    checks.push(mrz_check(dg1.as_ref(), access_mrz));
    checks.push(dg1_matches_access(dg1.as_ref(), access));
    let signed = pa.signed_dgs.as_ref();
    checks.push(match evidence {
        Some(evidence) => chip_authentication_check(files, evidence, trust, at, hashes_passed),
        None => anti_clone_check(
            files,
            signed,
            CheckName::ChipAuthentication,
            DataGroup::DG14,
        ),
    });
    checks.push(match aa {
        None => anti_clone_check(
            files,
            signed,
            CheckName::ActiveAuthentication,
            DataGroup::DG15,
        ),
        Some(exchange) => active_authentication(files, exchange, dg15_proven),
    });
    checks.push(lds_parse_check(files));
    checks.push(card_security_check(files, trust, at));
    let dg1_mrz = dg1
        .as_ref()
        .and_then(|d| d.as_ref().ok())
        .and_then(|d| d.mrz.as_ref().ok());
    apply_deviations(&mut checks, trust, &pa, dg1_mrz);
    Report::from_checks(checks)
}

/// What passive authentication learned that deviation matching needs.
#[derive(Debug, Default)]
struct PaFacts {
    /// The certificate EF.SOD names as its signer (found, not necessarily valid).
    dsc: Option<Certificate>,
    signing_time: Option<Time>,
    /// Data groups whose hash differs from EF.SOD's.
    failed_dgs: Vec<DataGroup>,
    /// The data groups EF.SOD hashes, when its security object parsed: what the document
    /// has, whether or not each was given.
    signed_dgs: Option<BTreeSet<DataGroup>>,
}

/// Annotates the checks with the issuing State's deviations that match the document.
fn apply_deviations(checks: &mut [Check], trust: &TrustStore, pa: &PaFacts, mrz: Option<&Mrz>) {
    if !trust.has_deviations() {
        return;
    }
    let facts = DocumentFacts {
        dsc: pa.dsc.as_ref(),
        document_code: mrz.map(Mrz::document_code),
        document_number: mrz.map(Mrz::document_number),
        signing_time: pa.signing_time,
    };
    let matched = trust.deviations_for(&facts);
    annotate(checks, &matched, &pa.failed_dgs);
}

/// Checks a read document without a trust store (kept for callers that have none): passive
/// authentication then reports the chain `not_performed`, so the verdict is never
/// `authentic`. `at` is irrelevant to the checks that remain, so none is asked for.
pub fn verify_read(document: &Document, access_mrz: Option<&Mrz>) -> Report {
    verify(document, &TrustStore::new(), Time::EPOCH, access_mrz)
}

/// The five PA checks, in report order, and what deviation matching needs.
fn passive_authentication(
    files: &BTreeMap<LdsFile, Vec<u8>>,
    trust: &TrustStore,
    at: Time,
) -> (Vec<Check>, PaFacts) {
    let Some(raw) = files.get(&LdsFile::Sod) else {
        let why = "EF.SOD was not read";
        let checks = vec![
            Check::not_performed(CheckName::SodSignature, why),
            Check::not_performed(CheckName::DscChain, why),
            Check::not_performed(CheckName::Revocation, why),
            Check::not_performed(CheckName::DgHashes, why),
            Check::not_performed(CheckName::ComConsistency, why),
        ];
        return (checks, PaFacts::default());
    };
    let parsed = Sod::parse(raw).map_err(|e| e.to_string()).and_then(|sod| {
        sod.signed_data()
            .map_err(|e| format!("EF.SOD: {e}"))
            .map(|sd| {
                let so = sd
                    .e_content
                    .as_deref()
                    .map(LdsSecurityObject::parse)
                    .transpose();
                let pa = verify_signed_object(&sd, OID_LDS_SECURITY_OBJECT, trust, at);
                (pa, so)
            })
    });
    let (pa, so) = match parsed {
        Ok(v) => v,
        Err(detail) => {
            let why = "EF.SOD could not be parsed";
            let checks = vec![
                Check::failed(CheckName::SodSignature, PA_SIGNATURE, detail),
                Check::not_performed(CheckName::DscChain, why),
                Check::not_performed(CheckName::Revocation, why),
                Check::not_performed(CheckName::DgHashes, why),
                Check::not_performed(CheckName::ComConsistency, why),
            ];
            return (checks, PaFacts::default());
        }
    };
    let mut checks = signature_and_chain(&pa);
    let mut facts = PaFacts {
        dsc: pa.signer.signer.clone(),
        signing_time: pa.signer.signing_time,
        failed_dgs: Vec::new(),
        signed_dgs: None,
    };
    match so {
        Ok(Some(so)) => {
            facts.signed_dgs = Some(so.data_group_hashes.keys().copied().collect());
            let (check, failed) = dg_hashes(files, &so);
            checks.push(check);
            facts.failed_dgs = failed;
            checks.push(com_consistency(files, &so));
        }
        Ok(None) => {
            let why = "EF.SOD has no LDS Security Object";
            checks.push(Check::failed(CheckName::DgHashes, PA_HASH, why));
            checks.push(Check::not_performed(CheckName::ComConsistency, why));
        }
        Err(e) => {
            checks.push(Check::failed(CheckName::DgHashes, PA_HASH, e.to_string()));
            checks.push(Check::not_performed(
                CheckName::ComConsistency,
                "the LDS Security Object could not be parsed",
            ));
        }
    }
    (checks, facts)
}

fn check_from(name: CheckName, code: &str, status: CheckStatus, detail: String) -> Check {
    match status {
        CheckStatus::Passed => Check::passed_with(name, detail),
        CheckStatus::Failed => Check::failed(name, code, detail),
        CheckStatus::NotPerformed => Check::not_performed(name, detail),
    }
}

fn signature_and_chain(pa: &SignedObjectVerification) -> Vec<Check> {
    let (status, detail) = pa.signer.outcome();
    let signature = check_from(CheckName::SodSignature, PA_SIGNATURE, status, detail);
    let chain = match &pa.chain {
        Some(chain) => {
            let (status, detail) = chain.outcome();
            let detail = if status == CheckStatus::Passed {
                let path: Vec<&str> = chain
                    .path
                    .iter()
                    .map(crate::auth::cert::Certificate::subject_text)
                    .collect();
                format!(
                    "valid at {}{}: {}",
                    pa.chain_time,
                    if pa.signer.signing_time.is_some() {
                        " (signingTime)"
                    } else {
                        " (no signingTime: verification time)"
                    },
                    path.join(" → ")
                )
            } else {
                detail
            };
            check_from(CheckName::DscChain, PA_CHAIN, status, detail)
        }
        None => Check::not_performed(CheckName::DscChain, "no Document Signer certificate"),
    };
    let revocation = check_from(
        CheckName::Revocation,
        PA_REVOKED,
        pa.revocation.status,
        pa.revocation.detail.clone(),
    );
    vec![signature, chain, revocation]
}

fn read_data_groups(files: &BTreeMap<LdsFile, Vec<u8>>) -> Vec<(DataGroup, &[u8])> {
    files
        .iter()
        .filter_map(|(f, bytes)| match f {
            LdsFile::Dg(dg) => Some((*dg, bytes.as_slice())),
            _ => None,
        })
        .collect()
}

/// The `dg_hashes` check, and the data groups whose hash differs from EF.SOD's.
fn dg_hashes(
    files: &BTreeMap<LdsFile, Vec<u8>>,
    so: &LdsSecurityObject,
) -> (Check, Vec<DataGroup>) {
    let read = read_data_groups(files);
    if read.is_empty() {
        let check = Check::not_performed(
            CheckName::DgHashes,
            "no data group was read: the SOD alone proves nothing about the holder",
        );
        return (check, Vec::new());
    }
    let Some(alg) = hash_algorithm_from_oid(&so.hash_algorithm) else {
        let check = Check::not_performed(
            CheckName::DgHashes,
            format!("hash algorithm {} is not supported", so.hash_algorithm),
        );
        return (check, Vec::new());
    };
    let mut problems = Vec::new();
    let mut matched = Vec::new();
    let mut mismatched = Vec::new();
    for (dg, bytes) in read {
        match so.data_group_hashes.get(&dg) {
            None => problems.push(format!("{dg} was read but EF.SOD has no hash for it")),
            Some(expected) if *expected == hash(alg, bytes) => matched.push(dg.to_string()),
            Some(_) => {
                mismatched.push(dg);
                problems.push(format!("{dg} does not match its {alg:?} hash in EF.SOD"));
            }
        }
    }
    let check = if problems.is_empty() {
        Check::passed_with(
            CheckName::DgHashes,
            format!("{} match ({alg:?})", matched.join(", ")),
        )
    } else {
        Check::failed(CheckName::DgHashes, PA_HASH, problems.join("; "))
    };
    (check, mismatched)
}

fn com_consistency(files: &BTreeMap<LdsFile, Vec<u8>>, so: &LdsSecurityObject) -> Check {
    let Some(raw) = files.get(&LdsFile::Com) else {
        return Check::not_performed(CheckName::ComConsistency, "EF.COM was not read");
    };
    let com = match Com::parse(raw) {
        Ok(c) => c,
        Err(e) => return Check::failed(CheckName::ComConsistency, PA_COM, e.to_string()),
    };
    let listed: BTreeSet<DataGroup> = com.data_groups().iter().copied().collect();
    let signed: BTreeSet<DataGroup> = so.data_group_hashes.keys().copied().collect();
    if listed == signed {
        return Check::passed_with(
            CheckName::ComConsistency,
            "EF.COM lists exactly the data groups hashed in EF.SOD",
        );
    }
    let names = |set: &BTreeSet<DataGroup>| -> String {
        set.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let only_com: BTreeSet<DataGroup> = listed.difference(&signed).copied().collect();
    let only_sod: BTreeSet<DataGroup> = signed.difference(&listed).copied().collect();
    let mut parts = Vec::new();
    if !only_com.is_empty() {
        parts.push(format!(
            "in EF.COM but not hashed in EF.SOD: {}",
            names(&only_com)
        ));
    }
    if !only_sod.is_empty() {
        parts.push(format!(
            "hashed in EF.SOD but not in EF.COM: {}",
            names(&only_sod)
        ));
    }
    Check::failed(CheckName::ComConsistency, PA_COM, parts.join("; "))
}

/// Failure code: a check digit of an MRZ (DG1's or the access MRZ) is wrong.
pub const MRZ_CHECK_DIGIT: &str = "MRZ_CHECK_DIGIT";

/// DG1 parsed once, with the MRZ it holds, for every check that reads it (`mrz`,
/// `dg1_mrz_match`, deviation matching).
struct Dg1Facts {
    dg1: Dg1,
    /// The MRZ DG1's characters make, or why they make none.
    mrz: Result<Mrz, String>,
}

/// DG1 as the checks see it: `None` when it was not given, `Err` (the parse error) when it
/// does not parse as DG1.
type Dg1Given = Option<Result<Dg1Facts, String>>;

fn dg1_facts(files: &BTreeMap<LdsFile, Vec<u8>>) -> Dg1Given {
    let raw = files.get(&LdsFile::Dg(DataGroup::DG1))?;
    Some(Dg1::parse(raw).map_err(|e| e.to_string()).map(|dg1| {
        let mrz = Mrz::parse(dg1.mrz_text()).map_err(|e| e.to_string());
        Dg1Facts { dg1, mrz }
    }))
}

/// The fields whose check digit is wrong, comma-separated (`document_number, composite`).
fn bad_check_digits(mrz: &Mrz) -> String {
    mrz.check_digit_failures()
        .iter()
        .map(|f| f.field.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `mrz` check: DG1's own check digits, always (DG1 holds the whole MRZ, and it is what
/// EF.SOD signs), and the access MRZ's when one was given that differs from DG1's. It passes
/// only on DG1's MRZ, so [`Verdict::from_checks`](crate::report::Verdict::from_checks)
/// requiring it is what makes `authentic` need DG1 present (and, with `dg_hashes`, hashed).
/// The detail says which MRZ was checked.
fn mrz_check(dg1: Option<&Result<Dg1Facts, String>>, access_mrz: Option<&Mrz>) -> Check {
    const NAME: CheckName = CheckName::Mrz;
    let access_failed = access_mrz.filter(|m| !m.is_valid()).map(|m| {
        Check::failed(
            NAME,
            MRZ_CHECK_DIGIT,
            format!("the access MRZ: {}", bad_check_digits(m)),
        )
    });
    let dg1 = match dg1.map(|d| d.as_ref().map(|f| f.mrz.as_ref())) {
        None => {
            return access_failed.unwrap_or_else(|| {
                Check::not_performed(
                    NAME,
                    "DG1 was not given: the MRZ the chip signs could not be checked",
                )
            });
        }
        Some(Err(e)) => {
            return access_failed.unwrap_or_else(|| {
                Check::not_performed(NAME, format!("DG1 does not parse: {e} (see lds_parse)"))
            });
        }
        Some(Ok(Err(e))) => {
            return access_failed.unwrap_or_else(|| {
                Check::not_performed(
                    NAME,
                    format!("DG1's MRZ does not parse: {e} (see lds_parse)"),
                )
            });
        }
        Some(Ok(Ok(dg1))) => dg1,
    };
    if !dg1.is_valid() {
        return Check::failed(
            NAME,
            MRZ_CHECK_DIGIT,
            format!("DG1's MRZ: {}", bad_check_digits(dg1)),
        );
    }
    match access_mrz {
        Some(access) if access.lines() != dg1.lines() => access_failed.unwrap_or_else(|| {
            Check::passed_with(NAME, "DG1's MRZ and the access MRZ: check digits valid")
        }),
        Some(_) => Check::passed_with(
            NAME,
            "DG1's MRZ (the same as the access MRZ): check digits valid",
        ),
        None => Check::passed_with(NAME, "DG1's MRZ: check digits valid"),
    }
}

/// `dg1_mrz_match`: DG1 against what the chip was opened with, by the one rule of
/// [`MrzAccess::differences`] (the whole MRZ, or the three typed key fields); `not_performed`
/// only when there is nothing MRZ-derived (a CAN-opened read) or no DG1.
fn dg1_matches_access(
    dg1: Option<&Result<Dg1Facts, String>>,
    access: Option<MrzAccess<'_>>,
) -> Check {
    const NAME: CheckName = CheckName::Dg1MrzMatch;
    let Some(access) = access else {
        return Check::not_performed(
            NAME,
            "no MRZ used to open the chip was given, so there is none to compare DG1 with",
        );
    };
    let Some(given) = dg1 else {
        return Check::not_performed(NAME, "DG1 was not read");
    };
    let Dg1Facts { dg1, mrz: dg1_mrz } = match given {
        Err(e) => return Check::failed(NAME, "LDS_FORMAT", e.clone()),
        Ok(facts) => facts,
    };
    if let MrzAccess::Lines(mrz) = access
        && dg1.mrz_text() == mrz.lines().concat()
    {
        return Check::passed_with(NAME, access.compared());
    }
    let differences = match dg1_mrz {
        Ok(dg1_mrz) => access.differences(dg1_mrz),
        // DG1's MRZ is not an MRZ: it cannot hold what opened the chip (see lds_parse).
        Err(_) => vec!["other"],
    };
    if differences.is_empty() {
        return Check::passed_with(NAME, access.compared());
    }
    let detail = match access {
        MrzAccess::Lines(_) => format!(
            "DG1 holds a different MRZ than the one used for access (differs in: {}; DG1 \
             line 1: {})",
            differences.join(", "),
            dg1.lines().first().copied().unwrap_or_default()
        ),
        MrzAccess::Fields(_) => format!(
            "DG1 differs from the three fields typed to open the chip in: {}",
            differences.join(", ")
        ),
    };
    Check::failed(NAME, "MRZ_MISMATCH", detail)
}

/// The offline anti-clone check: never run, and the reason says whether the document has
/// `dg` — given, listed in EF.SOD but not given, or not in EF.SOD at all.
fn anti_clone_check(
    files: &BTreeMap<LdsFile, Vec<u8>>,
    signed: Option<&BTreeSet<DataGroup>>,
    name: CheckName,
    dg: DataGroup,
) -> Check {
    let why = if files.contains_key(&LdsFile::Dg(dg)) {
        format!(
            "the document has {dg}; this verification does not run the protocol (it needs the live chip)"
        )
    } else {
        match signed {
            Some(signed) if signed.contains(&dg) => {
                format!("{dg} is listed in EF.SOD but was not given")
            }
            Some(_) => format!("the document has no {dg} (EF.SOD lists none)"),
            None => format!("{dg} was not given"),
        }
    };
    Check::not_performed(name, why)
}

/// The `lds_parse` check: every LDS file given other than EF.SOD (which `sod_signature`
/// judges) parses. A signed file that does not parse would otherwise vanish from what
/// front ends show (a face image or DG11 name silently absent): here it fails with
/// `LDS_FORMAT`, naming the file and the reason.
fn lds_parse_check(files: &BTreeMap<LdsFile, Vec<u8>>) -> Check {
    const NAME: CheckName = CheckName::LdsParse;
    let mut parsed = Vec::new();
    let mut problems = Vec::new();
    for (file, raw) in files {
        if matches!(file, LdsFile::Sod) {
            continue;
        }
        match crate::lds::parse_file(*file, raw) {
            Ok(_) => parsed.push(file.name()),
            Err(crate::lds::LdsError::NotLds(_)) => {}
            Err(e) => problems.push(format!("{}: {e}", file.name())),
        }
    }
    if !problems.is_empty() {
        Check::failed(NAME, ErrorCode::LdsFormat.as_str(), problems.join("; "))
    } else if parsed.is_empty() {
        Check::not_performed(NAME, "no LDS file besides EF.SOD was given")
    } else {
        Check::passed_with(NAME, format!("{} parse", parsed.join(", ")))
    }
}

/// Whether passive authentication proved the data groups read (and so the DG15 key): SOD
/// signature, DSC chain and every read data group's hash passed; otherwise which did not.
fn pa_proves_data_groups(pa: &[Check]) -> Result<(), String> {
    let missing: Vec<&str> = [
        CheckName::SodSignature,
        CheckName::DscChain,
        CheckName::DgHashes,
    ]
    .into_iter()
    .filter(|name| {
        pa.iter()
            .find(|c| c.name == *name)
            .is_none_or(|c| c.status != CheckStatus::Passed)
    })
    .map(CheckName::as_str)
    .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("{} not passed", missing.join(", ")))
    }
}

/// The `active_authentication` check of a read that ran INTERNAL AUTHENTICATE.
fn active_authentication(
    files: &BTreeMap<LdsFile, Vec<u8>>,
    exchange: &AaExchange,
    dg15_proven: Result<(), String>,
) -> Check {
    const NAME: CheckName = CheckName::ActiveAuthentication;
    let dg15 = LdsFile::Dg(DataGroup::DG15);
    let Some(raw) = files.get(&dg15) else {
        return Check::not_performed(NAME, "the document has no DG15");
    };
    let signature = match &exchange.response {
        AaResponse::Signature(signature) => signature,
        AaResponse::Refused(sw) => {
            return Check::failed(
                NAME,
                AA_FAILED,
                format!("the chip refused INTERNAL AUTHENTICATE ({sw}) although it has DG15"),
            );
        }
    };
    let spki = match Tlv::parse_single(raw, u32::from(DataGroup::DG15.tag())) {
        Ok(outer) => outer.value,
        Err(e) => return Check::failed(NAME, ErrorCode::LdsFormat.as_str(), format!("DG15: {e}")),
    };
    let ecdsa_hash = match dg14_ecdsa_hash(files, spki) {
        Ok(h) => h,
        Err(why) => return Check::not_performed(NAME, why),
    };
    match verify_active_authentication(spki, &exchange.challenge, signature, ecdsa_hash) {
        Err(e) => match e.code() {
            ErrorCode::Unsupported => Check::not_performed(NAME, e.to_string()),
            code => Check::failed(NAME, code.as_str(), e.to_string()),
        },
        Ok(outcome) => match dg15_proven {
            Ok(()) => Check::passed_with(
                NAME,
                format!("{outcome}; the DG15 key is proven by passive authentication"),
            ),
            Err(why) => Check::not_performed(
                NAME,
                format!(
                    "the chip's signature verifies ({outcome}), but the DG15 key is not proven \
                     by passive authentication ({why})"
                ),
            ),
        },
    }
}

/// For an EC DG15 key: the hash DG14's ActiveAuthenticationInfo names (`None` without DG14 or
/// without one: the verifier then sizes the hash to the key). `Err` when it names a signature
/// algorithm this verifier does not know.
fn dg14_ecdsa_hash(
    files: &BTreeMap<LdsFile, Vec<u8>>,
    spki: &[u8],
) -> Result<Option<HashAlgorithm>, String> {
    if !matches!(key_description(spki), Ok(KeyDescription::Ec { .. })) {
        return Ok(None);
    }
    let Some(dg14) = files.get(&LdsFile::Dg(DataGroup::DG14)) else {
        return Ok(None);
    };
    // A DG14 that does not parse is the chip-authentication check's concern; here it names
    // no hash.
    match aa_signature_algorithm(dg14) {
        Ok(Some(oid)) => ecdsa_hash_from_oid(&oid).map(Some).ok_or_else(|| {
            format!("DG14's ActiveAuthenticationInfo names {oid}, which is not supported")
        }),
        Ok(None) | Err(_) => Ok(None),
    }
}
