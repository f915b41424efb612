//! `idproof trust inspect PATH [--json]`, and the trust options and loader that `verify` and
//! `read` share ([`TrustArgs`]: `--trust PATH…`, `--trust-unverified-lists`).
//!
//! Files are recognised by content (certificate DER/PEM, CRL, CMS master list, ICAO PKD
//! LDIF), not by name; a folder contributes every file in it. Certificates load first, then
//! master lists (repeatedly, so a list whose signer chains to a CSCA carried by another list
//! verifies once that list is in), then LDIF, then CRLs (which need their issuers).

use std::path::{Path, PathBuf};

use idproof_core::auth::trust::{
    MasterListPolicy, SourceReport, TrustError, TrustFileKind, TrustStore, TrustSummary,
};
use idproof_core::report::{CheckStatus, Failure};
use serde::Serialize;

use super::{EXIT_FAILED, EXIT_OK, usage_error};

/// Arguments of `idproof trust`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: TrustCommand,
}

#[derive(Debug, clap::Subcommand)]
enum TrustCommand {
    /// Show what a trust file or folder holds: countries, counts, validity, what verified.
    Inspect(InspectArgs),
}

/// Arguments of `idproof trust inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// A master list, certificate, CRL, LDIF file, or a folder of them.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    /// Trust master lists as they are, without verifying their signer against a CSCA given.
    #[arg(long)]
    trust_unverified_lists: bool,
    /// Print one JSON object on stdout; human output goes to stderr.
    #[arg(long)]
    json: bool,
}

/// `--trust PATH…` and `--trust-unverified-lists`, flattened into every command that
/// verifies a document (`verify`, `read`), so they accept exactly the same trust input.
#[derive(Debug, Clone, clap::Args)]
pub struct TrustArgs {
    /// Trust input: master lists, CSCA certificates (DER/PEM), CRLs, ICAO PKD LDIF, or a
    /// folder of them. Repeatable.
    #[arg(long, value_name = "PATH")]
    pub trust: Vec<PathBuf>,
    /// Trust master lists as they are, without verifying their signer against a CSCA given.
    #[arg(long)]
    pub trust_unverified_lists: bool,
}

impl TrustArgs {
    /// Loads the trust input (an empty store when no `--trust` was given).
    pub fn load(&self) -> Result<Loaded, LoadError> {
        load(&self.trust, self.trust_unverified_lists, Remedy::TrustFlag)
    }
}

/// How to tell the user to give a refused list's CSCA: each command names its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remedy {
    /// `verify`, `read`, `flow`: another `--trust PATH`.
    TrustFlag,
    /// `trust inspect`: another PATH argument.
    InspectPath,
}

impl Remedy {
    fn text(self) -> &'static str {
        match self {
            Remedy::TrustFlag => {
                "give its CSCA with another --trust PATH, or --trust-unverified-lists"
            }
            Remedy::InspectPath => {
                "give its CSCA as another PATH (idproof trust inspect CSCA.der LIST.ml), or --trust-unverified-lists"
            }
        }
    }
}

/// Why trust files could not be loaded: a usage/input error (exit 2).
#[derive(Debug)]
pub struct LoadError(pub String);

impl std::fmt::Display for LoadError {
    /// `--trust PATH: why`, as printed after `error: `.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "--trust {}", self.0)
    }
}

/// JSON `trust`: what the store holds and which sources it refused.
#[derive(Debug, Serialize)]
pub struct TrustBrief {
    /// CSCA and link certificates.
    pub certificates: usize,
    /// CRLs.
    pub crls: usize,
    /// The refused sources' details (master lists that did not verify).
    pub refused: Vec<String>,
    /// Entries refused one by one inside sources that loaded (`LABEL #3: reason`).
    pub refused_entries: Vec<String>,
}

/// A trust store and the sources it refused (master lists that did not verify).
#[derive(Debug)]
pub struct Loaded {
    /// The store.
    pub store: TrustStore,
    /// Refused sources as failures (`TRUST_UNVERIFIED`).
    pub refused: Vec<Failure>,
}

fn files_of(path: &Path) -> Result<Vec<PathBuf>, LoadError> {
    if path.is_dir() {
        let mut out = Vec::new();
        let entries =
            std::fs::read_dir(path).map_err(|e| LoadError(format!("{}: {e}", path.display())))?;
        for entry in entries {
            let p = entry
                .map_err(|e| LoadError(format!("{}: {e}", path.display())))?
                .path();
            if p.is_file() {
                out.push(p);
            }
        }
        out.sort();
        Ok(out)
    } else {
        Ok(vec![path.to_path_buf()])
    }
}

impl Loaded {
    /// The store's counts and the refused sources, for JSON and the human summary.
    pub fn brief(&self) -> TrustBrief {
        let summary = self.store.summary();
        TrustBrief {
            certificates: summary.certificates,
            crls: summary.crls,
            refused: self.refused.iter().map(|f| f.detail.clone()).collect(),
            refused_entries: summary
                .sources
                .iter()
                .flat_map(|s| {
                    s.refused
                        .iter()
                        .map(move |r| format!("{} {}: {}", s.label, r.entry, r.reason))
                })
                .collect(),
        }
    }
}

/// Loads every trust file under `paths`.
pub fn load(paths: &[PathBuf], as_is: bool, remedy: Remedy) -> Result<Loaded, LoadError> {
    let policy = if as_is {
        MasterListPolicy::TrustAsIs
    } else {
        MasterListPolicy::VerifyWithStore
    };
    let mut items: Vec<(TrustFileKind, String, Vec<u8>)> = Vec::new();
    for path in paths {
        for file in files_of(path)? {
            let bytes = std::fs::read(&file)
                .map_err(|e| LoadError(format!("{}: cannot read: {e}", file.display())))?;
            let kind = TrustStore::classify(&bytes).ok_or_else(|| {
                LoadError(format!(
                    "{}: not a certificate, CRL, master list or LDIF file",
                    file.display()
                ))
            })?;
            items.push((kind, file.display().to_string(), bytes));
        }
    }
    items.sort_by_key(|(kind, _, _)| *kind);
    let mut store = TrustStore::new();
    let mut pending: Vec<(String, Vec<u8>)> = Vec::new();
    let input_error = |label: &str, e: TrustError| LoadError(format!("{label}: {e}"));
    for (kind, label, bytes) in &items {
        match kind {
            TrustFileKind::Certificate => {
                store
                    .add_certificate(bytes, label)
                    .map_err(|e| input_error(label, e))?;
            }
            TrustFileKind::MasterList | TrustFileKind::DeviationList => {
                pending.push((label.clone(), bytes.clone()));
            }
            TrustFileKind::Ldif | TrustFileKind::Crl => {}
        }
    }
    // Master and deviation lists until no more verify.
    let mut refused = Vec::new();
    loop {
        let before = pending.len();
        let mut still = Vec::new();
        for (label, bytes) in pending {
            match store.add_master_list(&bytes, policy, &label) {
                Ok(_) => {}
                Err(TrustError::Unverified(why)) => still.push((label, bytes, why)),
                Err(e) => return Err(input_error(&label, e)),
            }
        }
        if still.len() == before || still.is_empty() {
            for (label, _, why) in still {
                store.record_refused(&label);
                refused.push(Failure {
                    code: "TRUST_UNVERIFIED".into(),
                    detail: format!("{label}: not verified ({why}); {}", remedy.text()),
                });
            }
            break;
        }
        pending = still.into_iter().map(|(l, b, _)| (l, b)).collect();
    }
    for (kind, label, bytes) in &items {
        match kind {
            TrustFileKind::Ldif => {
                let text = std::str::from_utf8(bytes)
                    .map_err(|_| LoadError(format!("{label}: LDIF is not UTF-8")))?;
                let report = store
                    .add_ldif(text, policy, label)
                    .map_err(|e| input_error(label, e))?;
                if report.verification == CheckStatus::Failed {
                    store.record_refused(label);
                    refused.push(Failure {
                        code: "TRUST_UNVERIFIED".into(),
                        detail: format!("{label}: {}", report.detail),
                    });
                }
            }
            TrustFileKind::Crl => {
                store
                    .add_crl(bytes, label)
                    .map_err(|e| input_error(label, e))?;
            }
            TrustFileKind::Certificate
            | TrustFileKind::MasterList
            | TrustFileKind::DeviationList => {}
        }
    }
    Ok(Loaded { store, refused })
}

#[derive(Debug, Serialize)]
struct InspectOutput<'a> {
    verdict: &'static str,
    failures: &'a [Failure],
    #[serde(flatten)]
    summary: &'a TrustSummary,
}

/// Runs `idproof trust …` and returns the exit code.
pub fn run(args: &Args) -> u8 {
    match &args.command {
        TrustCommand::Inspect(a) => inspect(a),
    }
}

fn inspect(args: &InspectArgs) -> u8 {
    let loaded = match load(
        &args.paths,
        args.trust_unverified_lists,
        Remedy::InspectPath,
    ) {
        Ok(l) => l,
        Err(LoadError(msg)) => {
            return usage_error(msg);
        }
    };
    let summary = loaded.store.summary();
    let ok = loaded.refused.is_empty();
    let output = InspectOutput {
        verdict: if ok { "valid" } else { "invalid" },
        failures: &loaded.refused,
        summary: &summary,
    };
    if args.json {
        match serde_json::to_string_pretty(&output) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: could not encode JSON: {e}");
                return EXIT_FAILED;
            }
        }
    }
    let out = |line: String| {
        if args.json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    };
    out(headline(&summary, loaded.refused.len()));
    for s in &summary.sources {
        out(source_line(s));
        for r in &s.refused {
            out(format!("    refused {}: {}", r.entry, r.reason));
        }
        for n in &s.notes {
            out(format!("    note: {n}"));
        }
    }
    for f in &loaded.refused {
        out(format!("  REFUSED {}", f.detail));
    }
    out(String::new());
    out(format!(
        "  {:<4} {:>5} {:>4} {:>4}  validity",
        "ctry", "CSCAs", "CRLs", "devs"
    ));
    for (cc, c) in &summary.countries {
        out(format!(
            "  {cc:<4} {:>5} {:>4} {:>4}  {} to {}",
            c.cscas, c.crls, c.deviations, c.valid_from, c.valid_to
        ));
    }
    if ok { EXIT_OK } else { EXIT_FAILED }
}

/// The first line of `trust inspect`: what the store holds, true also when it holds no
/// anchor (then it says so, and how many sources were refused).
fn headline(summary: &TrustSummary, refused: usize) -> String {
    let anchors = if summary.certificates == 0 {
        "no trust anchors loaded".to_owned()
    } else {
        format!(
            "{} trust anchors (CSCA and link certificates)",
            summary.certificates
        )
    };
    let refused = match refused {
        0 => String::new(),
        1 => "; 1 source refused".to_owned(),
        n => format!("; {n} sources refused"),
    };
    format!(
        "{anchors}{refused}; {} Document Signers, {} CRLs, {} deviations, {} countries",
        summary.document_signers,
        summary.crls,
        summary.deviations,
        summary.countries.len()
    )
}

fn source_line(s: &SourceReport) -> String {
    let status = match s.verification {
        CheckStatus::Passed => "verified",
        CheckStatus::Failed => "FAILED",
        CheckStatus::NotPerformed => "not verified",
    };
    if s.kind == TrustFileKind::DeviationList {
        return format!(
            "  {:?} {}: {} deviations; {status}: {}",
            s.kind, s.label, s.deviations, s.detail
        );
    }
    let refused = if s.refused.is_empty() {
        String::new()
    } else {
        format!(", {} refused", s.refused.len())
    };
    let signers = if s.document_signers == 0 {
        String::new()
    } else {
        format!(", {} Document Signers (not anchors)", s.document_signers)
    };
    format!(
        "  {:?} {}: {} certificates ({} new{refused}{signers}), {} CRLs; {status}: {}",
        s.kind, s.label, s.certificates, s.added, s.crls, s.detail
    )
}
