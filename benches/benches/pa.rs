//! Criterion benchmarks of passive authentication, per signature algorithm: the EF.SOD signer
//! signature (messageDigest + SignerInfo signature with the embedded DSC) and the DSC → CSCA
//! chain of real documents, and a full `verify()` of the factory specimen passport.
//!
//! `pa_sod_signer_cpu_time` repeats the signer benches timed by the thread's CPU time rather
//! than the wall clock, for a shared machine where other builds take the cores.
//!
//! Run: `cargo bench -p idproof-benches --bench pa` (add `-- --quick` for a fast pass).
//! Results are recorded in `docs/performance.md`.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use crypto_bigint::BoxedUint;
use idproof_core::asn1::Time;
use idproof_core::auth::cert::{Certificate, key_usage};
use idproof_core::auth::chain;
use idproof_core::auth::pa::verify_signer;
use idproof_core::auth::trust::TrustStore;
use idproof_core::cms::OID_LDS_SECURITY_OBJECT;
use idproof_core::crypto::ec::{Curve, CurveName};
use idproof_core::lds::Sod;
use idproof_core::mrz::Mrz;
use idproof_core::reader::{AccessInfo, ChipEvidence, Document, ReadStats};
use idproof_core::report::{CheckStatus, Verdict};
use idproof_core::verify::verify;
use idproof_fixtures::factory::DocumentBuilder;

/// One real document per algorithm: (bench label, country).
const CASES: [(&str, &str); 7] = [
    ("rsa_pkcs1_2048_sha256_FR", "FR"),
    ("rsa_pss_MY", "MY"),
    ("ecdsa_p256_explicit_sha256_UK", "UK"),
    ("ecdsa_p256_sha1_RU", "RU"),
    ("ecdsa_bp256r1_sha256_AT", "AT"),
    ("ecdsa_bp384r1_sha384_DE", "DE"),
    ("ecdsa_bp512r1_explicit_sha512_FI", "FI"),
];

fn data(path: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/data")
        .join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn sod_signer(c: &mut Criterion) {
    let mut group = c.benchmark_group("pa_sod_signer");
    for (label, cc) in CASES {
        let raw = data(&format!("sod/{cc}/EF_SOD.bin"));
        let sod = Sod::parse(&raw).expect("SOD");
        let sd = sod.signed_data().expect("SignedData");
        let check = verify_signer(&sd, OID_LDS_SECURITY_OBJECT, &[]);
        assert_eq!(check.outcome().0, CheckStatus::Passed, "{cc}");
        group.bench_function(label, |b| {
            b.iter(|| verify_signer(black_box(&sd), OID_LDS_SECURITY_OBJECT, &[]));
        });
    }
    group.finish();
}

/// On-CPU time of the calling thread (Linux `/proc/thread-self/schedstat`, nanoseconds), so a
/// bench on a shared, loaded machine measures the work rather than the wait for a core.
/// `None` where the file does not exist.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// [`sod_signer`] timed by the thread's CPU time instead of the wall clock (see
/// [`thread_cpu_time`]); on an idle machine the two agree.
fn sod_signer_cpu_time(c: &mut Criterion) {
    if thread_cpu_time().is_none() {
        return;
    }
    let mut group = c.benchmark_group("pa_sod_signer_cpu_time");
    for (label, cc) in CASES {
        let raw = data(&format!("sod/{cc}/EF_SOD.bin"));
        let sod = Sod::parse(&raw).expect("SOD");
        let sd = sod.signed_data().expect("SignedData");
        group.bench_function(label, |b| {
            b.iter_custom(|iters| {
                let start = thread_cpu_time().unwrap_or_default();
                for _ in 0..iters {
                    black_box(verify_signer(black_box(&sd), OID_LDS_SECURITY_OBJECT, &[]));
                }
                thread_cpu_time().unwrap_or_default().saturating_sub(start)
            });
        });
    }
    group.finish();
}

fn dsc_chain(c: &mut Criterion) {
    let mut group = c.benchmark_group("pa_dsc_chain");
    for (_, cc) in CASES {
        let dsc = Certificate::from_der(&data(&format!("pki/{cc}_DSC.der"))).expect("DSC");
        let mut trust = TrustStore::new();
        trust
            .add_certificate(&data(&format!("pki/{cc}_CSCA.der")), cc)
            .expect("CSCA");
        let at = dsc.not_before();
        let result = chain::validate(&dsc, &trust, at, key_usage::DIGITAL_SIGNATURE);
        assert_eq!(result.outcome().0, CheckStatus::Passed, "{cc}");
        let csca = result.issuer().expect("issuer").clone();
        let label = format!("{cc}_{}", csca_algorithm(&csca));
        group.bench_function(label, |b| {
            b.iter(|| chain::validate(black_box(&dsc), &trust, at, key_usage::DIGITAL_SIGNATURE));
        });
    }
    group.finish();
}

/// A short name for the CSCA's signature algorithm (what verifying the DSC costs).
fn csca_algorithm(csca: &Certificate) -> &'static str {
    let alg = csca.signature_algorithm();
    let has = |oid: &[u8]| alg.windows(oid.len()).any(|w| w == oid);
    if has(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A]) {
        "rsa_pss"
    } else if has(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01]) {
        "rsa_pkcs1"
    } else if has(&[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04]) {
        "ecdsa"
    } else {
        "other"
    }
}

fn full_verify(c: &mut Criterion) {
    let built = DocumentBuilder::specimen().build().expect("specimen");
    let mut trust = TrustStore::new();
    trust
        .add_certificate(built.pki.csca_der(), "specimen CSCA")
        .expect("CSCA");
    let document = Document {
        files: built.files.clone(),
        absent: Vec::new(),
        refused: Vec::new(),
        access: AccessInfo::bac(),
        chip: ChipEvidence::default(),
        stats: ReadStats::default(),
        active_authentication: None,
    };
    let mrz = Mrz::parse_lines(&built.mrz_lines).expect("MRZ");
    let at = Time::from_ymd(2025, 1, 1).expect("time");
    let report = verify(&document, &trust, at, Some(&mrz));
    assert_eq!(report.verdict, Verdict::Authentic, "{report:#?}");
    c.bench_function("pa_verify_specimen_full", |b| {
        b.iter(|| verify(black_box(&document), &trust, at, Some(&mrz)));
    });
}

/// u1·G + u2·Q on the generic curve module: the boxed double-and-add reference against the
/// fixed-width fast path ECDSA verification uses, in the same run (so the ratio holds even on a
/// loaded machine); and the cost of an unknown explicit curve, which is built (parameters
/// checked, n·G = O, G table) for every verification.
fn generic_ec(c: &mut Criterion) {
    let mut group = c.benchmark_group("ec_generic_mul_double");
    for (label, name) in [
        ("p192", CurveName::P192),
        // bp256r1 and bp384r1 are verified by the `bp256`/`bp384` crates; the fast path's
        // figures for them are for comparison with `pa_sod_signer` (AT, DE).
        ("bp256r1", CurveName::BrainpoolP256r1),
        ("bp320r1", CurveName::BrainpoolP320r1),
        ("bp384r1", CurveName::BrainpoolP384r1),
        ("bp512r1", CurveName::BrainpoolP512r1),
    ] {
        let curve = Curve::known(name).expect("curve");
        let bits = u32::try_from(curve.field_len() * 8).expect("bits");
        let q = curve.mul_vartime(curve.generator(), &BoxedUint::from(0x1234_5678_9ABC_u64));
        let scalar = |byte: u8| {
            BoxedUint::from_be_slice(&vec![byte; curve.field_len() - 1], bits).expect("scalar")
        };
        let (u1, u2) = (scalar(0x5A), scalar(0xC3));
        assert_eq!(
            curve.mul_double_affine_x_vartime(&u1, &q, &u2),
            curve.affine_x(&curve.mul_double_vartime(&u1, &q, &u2))
        );
        group.bench_function(format!("{label}_boxed_double_and_add"), |b| {
            b.iter(|| curve.affine_x(&curve.mul_double_vartime(black_box(&u1), &q, &u2)));
        });
        group.bench_function(format!("{label}_fast"), |b| {
            b.iter(|| curve.mul_double_affine_x_vartime(black_box(&u1), &q, &u2));
        });
        if name == CurveName::BrainpoolP512r1 {
            let domain = name.known().expect("known").domain();
            group.bench_function(format!("{label}_as_unknown_explicit_curve"), |b| {
                b.iter(|| {
                    let curve = Curve::new(black_box(&domain)).expect("curve");
                    curve.mul_double_affine_x_vartime(&u1, &q, &u2)
                });
            });
        }
    }
    group.finish();
}

criterion_group!(
    benches,
    sod_signer,
    sod_signer_cpu_time,
    dsc_chain,
    full_verify,
    generic_ec
);
criterion_main!(benches);
