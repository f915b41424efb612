//! Issue 13's property over the verifier: for any subset of {COM, SOD, DG1, DG2, DG11, DG14,
//! DG15} given and any single-byte corruption of any one of them,
//! - the verdict is never `authentic` unless EF.SOD and DG1 were given intact (the signature,
//!   the chain and DG1's hash all depend on those bytes), and no given data group was altered;
//! - the four ways a verdict is reached agree on the same files: `verify_files` (what
//!   `idproof verify DIR` runs), a read of a virtual chip serving exactly those files
//!   (`read`), the FFI read + `verify` (Kotlin and Swift), and the backend's
//!   `verify_evidence` over the bundle of that read.
//!
//! The document is built and signed once (signing is slow in debug builds); each case only
//! changes which files the chip holds and one byte of one of them.

use std::collections::{BTreeMap, HashMap};

use idproof_core::asn1::Time;
use idproof_core::auth::trust::TrustStore as CoreTrust;
use idproof_core::flow::backend::{Nonce, SessionId};
use idproof_core::flow::evidence::AccessMrzEvidence;
use idproof_core::flow::{EvidenceBundle, verify_evidence};
use idproof_core::lds::{DataGroup, LdsFile};
use idproof_core::mrz::Mrz;
use idproof_core::reader::{Document as CoreDocument, ReadOptions as CoreOptions, Transport};
use idproof_core::report::{CheckName, CheckStatus, Report, Verdict as CoreVerdict};
use idproof_core::verify::{verify as core_verify, verify_files};
use idproof_ffi::{AccessKey, ReadSession, ReadStep, TrustStore, Verdict, default_read_options};
use idproof_fixtures::chip::profile_by_name;
use idproof_fixtures::factory::BuiltDocument;
use idproof_fixtures::virtual_passport::{VirtualPassport, read_resuming};
use proptest::prelude::*;

/// 2026-01-01T00:00:00Z, inside the test PKI's validity, as Unix seconds and as a `Time`.
const AT_UNIX: i64 = 1_767_225_600;
fn at() -> Time {
    Time::from_ymd(2026, 1, 1).unwrap()
}

/// The backend's nonce; the read's Active Authentication challenge is its first 8 bytes.
const NONCE: [u8; 16] = *b"issue-13-nonce!!";

/// The files the property ranges over, in the order of the subset bit mask.
const FILES: [LdsFile; 7] = [
    LdsFile::Com,
    LdsFile::Sod,
    LdsFile::Dg(DataGroup::DG1),
    LdsFile::Dg(DataGroup::DG2),
    LdsFile::Dg(DataGroup::DG11),
    LdsFile::Dg(DataGroup::DG14),
    LdsFile::Dg(DataGroup::DG15),
];

/// A BAC passport with DG11, Chip Authentication (DG14) and Active Authentication (DG15):
/// every file of `FILES` exists.
fn document() -> &'static BuiltDocument {
    static DOC: std::sync::OnceLock<BuiltDocument> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let passport = VirtualPassport::specimen(profile_by_name("chip-auth").unwrap()).unwrap();
        for file in FILES {
            assert!(passport.document.files.contains_key(&file), "{file}");
        }
        passport.document
    })
}

/// One case: which of `FILES` are given (bit `i` = `FILES[i]`), and optionally one byte of
/// one of them xored with a non-zero mask.
#[derive(Debug, Clone, Copy)]
struct Case {
    given: u8,
    corrupt: Option<Corruption>,
}

#[derive(Debug, Clone, Copy)]
struct Corruption {
    file: usize,
    /// Reduced modulo the file's length.
    position: usize,
    xor: u8,
}

impl Case {
    fn files(&self, doc: &BuiltDocument) -> BTreeMap<LdsFile, Vec<u8>> {
        let mut files = BTreeMap::new();
        for (i, file) in FILES.iter().enumerate() {
            if self.given & (1 << i) != 0 {
                files.insert(*file, doc.files[file].clone());
            }
        }
        if let Some(c) = self.corrupt
            && let Some(bytes) = files.get_mut(&FILES[c.file])
        {
            let at = c.position % bytes.len();
            bytes[at] ^= c.xor;
        }
        files
    }

    /// Whether `file` was given with its bytes as the factory signed them.
    fn intact(&self, file: LdsFile) -> bool {
        let i = FILES.iter().position(|f| *f == file).unwrap();
        self.given & (1 << i) != 0 && self.corrupt.is_none_or(|c| c.file != i)
    }

    /// The two ways a read may end without a report, each a clear error rather than a
    /// verdict: Chip Authentication with an altered DG14 (the genuine chip cannot prove a
    /// key it does not hold, and the secure-messaging session is gone), and an altered
    /// length in a file's TLV header claiming more than the chip holds.
    fn read_may_stop_with(&self, error: &str) -> bool {
        let Some(c) = self.corrupt.filter(|c| self.given & (1 << c.file) != 0) else {
            return false;
        };
        let len = document().files[&FILES[c.file]].len();
        let in_header = c.position % len < 4;
        (FILES[c.file] == LdsFile::Dg(DataGroup::DG14) && error.starts_with("CA_FAILED:"))
            || (in_header
                && (error.starts_with("CHIP_PROTOCOL: the chip refuses READ BINARY")
                    || error.starts_with("LDS_FORMAT:")))
    }

    /// Whether a data group the chip signs was given altered.
    fn altered_data_group(&self) -> bool {
        self.corrupt.is_some_and(|c| {
            self.given & (1 << c.file) != 0 && matches!(FILES[c.file], LdsFile::Dg(_))
        })
    }
}

/// What the four front ends made of one case. A read that could not finish is `Err(code)`.
#[derive(Debug)]
struct Outcome {
    offline: Report,
    read: Result<Report, String>,
    ffi: Result<String, String>,
    evidence: Result<String, String>,
}

/// Checks only a live read can run: the chip's answers, which a dump does not hold.
const LIVE_ONLY: [CheckName; 2] = [
    CheckName::ChipAuthentication,
    CheckName::ActiveAuthentication,
];

fn core_name(v: CoreVerdict) -> String {
    match v {
        CoreVerdict::Authentic => "authentic",
        CoreVerdict::Incomplete => "incomplete",
        CoreVerdict::Failed => "failed",
    }
    .to_owned()
}

fn ffi_name(v: Verdict) -> String {
    match v {
        Verdict::Authentic => "authentic",
        Verdict::Incomplete => "incomplete",
        Verdict::Failed => "failed",
    }
    .to_owned()
}

fn core_trust(doc: &BuiltDocument) -> CoreTrust {
    let mut t = CoreTrust::new();
    t.add_certificate(doc.pki.csca_der(), "test CSCA").unwrap();
    t
}

/// The chip serving `files` (and only them), with the document's keys.
fn chip_with(files: &BTreeMap<LdsFile, Vec<u8>>) -> VirtualPassport {
    let mut doc = document().clone();
    doc.files = files.clone();
    VirtualPassport::from_document(doc, profile_by_name("chip-auth").unwrap()).unwrap()
}

fn read_core(files: &BTreeMap<LdsFile, Vec<u8>>) -> Result<CoreDocument, String> {
    let mut passport = chip_with(files);
    let options = CoreOptions {
        active_authentication: Some(NONCE[..8].try_into().unwrap()),
        ..CoreOptions::default()
    };
    let mut session = passport.session(options, 7);
    read_resuming(&mut session, &mut passport.chip, |_| {}).map_err(|e| e.to_string())
}

fn read_ffi(files: &BTreeMap<LdsFile, Vec<u8>>) -> Result<idproof_ffi::Document, String> {
    let mut passport = chip_with(files);
    let key = AccessKey::Mrz {
        lines: passport.mrz.lines().to_vec(),
    };
    let options = idproof_ffi::ReadOptions {
        active_authentication_challenge: Some(NONCE[..8].to_vec()),
        ..default_read_options()
    };
    let session = ReadSession::new(key, options).map_err(|e| e.code().to_owned())?;
    let mut response = None;
    loop {
        match session
            .step(response.take())
            .map_err(|e| e.code().to_owned())?
        {
            ReadStep::Transmit { apdu } => {
                response = Some(passport.chip.transmit(&apdu).expect("no tag loss"));
            }
            ReadStep::Progress { .. } => {}
            ReadStep::Done { document } => return Ok(document),
        }
    }
}

fn outcome(case: &Case) -> Outcome {
    let doc = document();
    let files = case.files(doc);
    let trust = core_trust(doc);
    let mrz = Mrz::parse_lines(&doc.mrz_lines).unwrap();

    let mut offline = verify_files(&files, &trust, at(), Some(&mrz));

    let (read, evidence) = match read_core(&files) {
        Ok(document) => {
            // The reader reads what EF.COM lists and what EF.SOD hashes: with both altered
            // (or absent) it cannot know of the other files, and is then compared with the
            // offline verdict on what it did read.
            let served: Vec<_> = files.keys().collect();
            let got: Vec<_> = document.files.keys().collect();
            if case.intact(LdsFile::Com) || case.intact(LdsFile::Sod) {
                assert_eq!(
                    got, served,
                    "the read of {case:?} returns every file served (absent: {:?})",
                    document.absent
                );
            } else {
                assert!(got.iter().all(|f| served.contains(f)), "{case:?}: {got:?}");
                offline = verify_files(&document.files, &trust, at(), Some(&mrz));
            }
            // The reader reads a file as long as its header says (a chip may pad a file
            // beyond its TLV). Only the altered file may come back shorter than served: its
            // length byte was the one altered. It is then judged on what the reader read.
            let mut shortened = false;
            for (file, bytes) in &document.files {
                let served = &files[file];
                if bytes != served {
                    assert!(
                        served.starts_with(bytes)
                            && case.corrupt.is_some_and(|c| FILES[c.file] == *file),
                        "the read of {case:?}: {file} is not as served"
                    );
                    shortened = true;
                }
            }
            if shortened {
                offline = verify_files(&document.files, &trust, at(), Some(&mrz));
            }
            let report = core_verify(&document, &trust, at(), Some(&mrz));
            let nonce = Nonce::new(NONCE.to_vec()).unwrap();
            let bundle = EvidenceBundle::from_read(
                &document,
                &report,
                SessionId("agreement".into()),
                &nonce,
                at(),
            )
            .with_access_mrz(AccessMrzEvidence::from_mrz(&mrz));
            let evidence = verify_evidence(&bundle, &trust, at(), &nonce);
            (Ok(report), Ok(core_name(evidence.verdict)))
        }
        Err(code) => (Err(code.clone()), Err(code)),
    };

    let ffi = read_ffi(&files).map(|document| {
        let store = TrustStore::new();
        store
            .add_certificate(doc.pki.csca_der().to_vec(), "csca.der".into())
            .unwrap();
        let report = idproof_ffi::verify(document, store, AT_UNIX, Some(mrz.lines().to_vec()))
            .expect("verify");
        ffi_name(report.verdict)
    });
    Outcome {
        offline,
        read,
        ffi,
        evidence,
    }
}

/// Asserts the property on one case and returns the offline verdict.
///
/// Agreement: every chip serving the files finishes its read; the read, the FFI and the
/// evidence verifier give the same verdict; the read's checks equal the offline ones except
/// the live-only checks, and the verdicts differ only when one of those failed (a chip whose
/// DG14 or DG15 was altered cannot prove its key: the read knows it, the dump cannot).
fn assert_property(case: &Case) -> String {
    let o = outcome(case);
    let offline = core_name(o.offline.verdict);
    let read = match o.read.as_ref() {
        Ok(read) => read,
        Err(error) => {
            assert!(
                case.read_may_stop_with(error),
                "the read of {case:?} stopped with {error}; offline: {offline}"
            );
            let code = error.split(':').next().unwrap_or_default();
            assert_eq!(
                o.ffi.as_ref().map_err(String::as_str),
                Err(code),
                "the FFI read of {case:?}"
            );
            return offline;
        }
    };
    let read_verdict = core_name(read.verdict);
    assert_eq!(
        o.ffi.as_deref(),
        Ok(read_verdict.as_str()),
        "FFI vs read on {case:?}"
    );
    assert_eq!(
        o.evidence.as_deref(),
        Ok(read_verdict.as_str()),
        "evidence vs read on {case:?}"
    );
    for c in &o.offline.checks {
        if LIVE_ONLY.contains(&c.name) {
            continue;
        }
        let r = read.check(c.name).unwrap();
        assert_eq!(
            (r.status, &r.code),
            (c.status, &c.code),
            "{} on {case:?}",
            c.name.as_str()
        );
    }
    let live_failed = LIVE_ONLY.iter().any(|n| {
        read.check(*n)
            .is_some_and(|c| c.status == CheckStatus::Failed)
    });
    if live_failed {
        assert_eq!(read_verdict, "failed", "{case:?}");
    } else {
        assert_eq!(
            read_verdict, offline,
            "read vs verify on {case:?}: {read:#?}"
        );
    }
    for verdict in [&offline, &read_verdict] {
        if verdict == "authentic" {
            assert!(
                case.intact(LdsFile::Sod) && case.intact(LdsFile::Dg(DataGroup::DG1)),
                "authentic without an intact EF.SOD and DG1: {case:?}"
            );
            assert!(
                !case.altered_data_group(),
                "authentic with an altered data group: {case:?}"
            );
        }
    }
    offline
}

/// Every subset, untouched: the verdict is `authentic` exactly when EF.SOD and DG1 are both
/// given (the other files are optional), and the four front ends agree.
#[test]
fn every_subset_untouched() {
    let sod_and_dg1 = 0b110;
    for given in 0..(1u8 << FILES.len()) {
        let case = Case {
            given,
            corrupt: None,
        };
        let verdict = assert_property(&case);
        assert_eq!(
            verdict == "authentic",
            given & sod_and_dg1 == sod_and_dg1,
            "{case:?}: {verdict}"
        );
    }
}

/// All files given, one byte of one of them altered at its first, middle and last byte:
/// every data group and EF.SOD must then lose `authentic`; EF.COM (which nothing signs)
/// must not make the front ends disagree.
#[test]
fn every_file_altered_at_its_ends_and_middle() {
    let doc = document();
    for (i, file) in FILES.iter().enumerate() {
        let len = doc.files[file].len();
        for position in [0, 1, len / 2, len - 1] {
            let case = Case {
                given: 0b111_1111,
                corrupt: Some(Corruption {
                    file: i,
                    position,
                    xor: 0x01,
                }),
            };
            let verdict = assert_property(&case);
            if *file != LdsFile::Com {
                assert_ne!(verdict, "authentic", "{case:?}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn any_subset_with_any_single_byte_corruption(
        given in 0u8..128,
        file in 0usize..FILES.len(),
        position in any::<usize>(),
        xor in 1u8..=255,
    ) {
        assert_property(&Case { given, corrupt: Some(Corruption { file, position, xor }) });
    }
}

/// Keeps `HashMap` (the FFI document's file map) in use for the compiler when the FFI types
/// change shape; also a cheap sanity check that the FFI read returns every file the chip has.
#[test]
fn the_ffi_read_returns_exactly_the_files_served() {
    let doc = document();
    let files = Case {
        given: 0b111_1111,
        corrupt: None,
    }
    .files(doc);
    let read = read_ffi(&files).unwrap();
    let names: HashMap<String, usize> = read
        .files
        .iter()
        .map(|(k, v)| (k.clone(), v.len()))
        .collect();
    let mut got: Vec<_> = names.keys().cloned().collect();
    got.sort();
    assert_eq!(got, ["COM", "DG1", "DG11", "DG14", "DG15", "DG2", "SOD"]);
    for file in FILES {
        assert_eq!(names[&file.to_string()], files[&file].len(), "{file}");
    }
}
