//! `idproof verify DIR|FILE... [--trust PATH]... [--at YYYY-MM-DD] [--mrz LINE...] [--json]`:
//! offline verification of dumped LDS files, recognised by content (tag `60` COM, `77` SOD,
//! `61` DG1…; EF.CardAccess as a `SET OF SecurityInfo`, EF.CardSecurity as the SignedData of
//! id-SecurityObject; an EF.SOD without its `77` wrapper is taken with a note) — every file
//! `read --out` writes. `--mrz` is the MRZ printed on the document, compared with DG1 (`dg1_mrz_match`).
//!
//! Exit codes (ARCHITECTURE.md "CLI contract"): `0` authentic; `1` failed or incomplete (the
//! document was checked and is not proven authentic); `2` for a usage or input error — an
//! unreadable, unrecognised, truncated or duplicate file, a malformed `--mrz`, or unusable
//! trust input. Inside a DIR, files that are not LDS files (e.g. a dump's `csca.der`) are
//! skipped with a note — unless the name says it is one (`DG1.bin`, `EF_COM.bin`): a file
//! the user gave as DG1 that does not start as DG1 is an error, never silently left out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use idproof_core::asn1::Time;
use idproof_core::lds::{LdsError, LdsFile, Recognised, parse_file, recognise_dump, wrap_bare_sod};
use idproof_core::mrz::Mrz;
use idproof_core::report::{Report, Verdict};
use idproof_core::verify::verify_files;
use serde::Serialize;

use super::trust::{TrustArgs, TrustBrief};
use super::{EXIT_FAILED, EXIT_OK, usage_error};

/// Arguments of `idproof verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Dumped files (EF.COM, EF.SOD, DG1…DG16, EF.CardAccess, EF.CardSecurity) or folders
    /// holding them.
    #[arg(value_name = "DIR|FILE", required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    trust: TrustArgs,
    /// Verification date (YYYY-MM-DD, UTC midnight); default now. It judges certificates only
    /// when the SOD has no signingTime, and CRL freshness.
    #[arg(long, value_name = "YYYY-MM-DD")]
    at: Option<String>,
    /// The MRZ printed on the document (TD1 3 lines, TD2/TD3 2 lines, or one string), as
    /// `read --mrz` takes it: DG1 must hold it (`dg1_mrz_match`). Quote it: `<` is special to
    /// the shell.
    #[arg(long, num_args = 1..=3, value_name = "LINE")]
    mrz: Vec<String>,
    /// Print one JSON object on stdout; human output goes to stderr.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Serialize)]
struct FileEntry {
    path: String,
    file: String,
    /// How the file was taken when not as it is (an EF.SOD without its `77` wrapper).
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

/// A file to verify: where it came from, its bytes as verified, and how it was taken.
struct Loaded {
    path: String,
    bytes: Vec<u8>,
    note: Option<String>,
}

/// The note on an EF.SOD given as its bare ContentInfo.
const BARE_SOD_NOTE: &str = "EF.SOD given without its 77 wrapper (a bare CMS SignedData): verified as EF.SOD; the \
     wrapper is covered by no signature";

/// What the error for an unrecognised file says it is not.
const NOT_LDS: &str = "not an LDS file (no COM, SOD or data-group tag at the start, and not \
     EF.CardAccess SecurityInfos or a CMS SignedData of EF.SOD or EF.CardSecurity)";

#[derive(Debug, Serialize)]
struct VerifyOutput<'a> {
    verdict: Verdict,
    failures: &'a [idproof_core::report::Failure],
    checks: &'a [idproof_core::report::Check],
    at: Time,
    files: Vec<FileEntry>,
    trust: TrustBrief,
}

/// The files to verify: each FILE named (`explicit`), and every file in each DIR.
fn collect(paths: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            entries.sort();
            out.extend(entries.into_iter().map(|e| (e, false)));
        } else {
            out.push((p.clone(), true));
        }
    }
    Ok(out)
}

fn read_document(
    paths: &[PathBuf],
    trust_paths: &[PathBuf],
) -> Result<BTreeMap<LdsFile, Loaded>, String> {
    let trusted: Vec<PathBuf> = trust_paths
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let mut files: BTreeMap<LdsFile, Loaded> = BTreeMap::new();
    for (path, explicit) in collect(paths)? {
        let shown = path.display().to_string();
        let bytes = std::fs::read(&path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
        let Some(recognised) = recognise_dump(&bytes) else {
            if explicit {
                return Err(format!("{shown}: {NOT_LDS}"));
            }
            if let Some(named) = lds_name(&path) {
                return Err(format!("{shown}: named as {named} but {NOT_LDS}"));
            }
            // A folder may hold other files (a dump's csca.der): skip them, saying so —
            // unless the same file is given with --trust, where it is used.
            let given_as_trust = std::fs::canonicalize(&path)
                .is_ok_and(|c| trusted.iter().any(|t| c.starts_with(t)));
            if !given_as_trust {
                if idproof_core::auth::cert::Certificate::from_der(&bytes).is_ok() {
                    eprintln!(
                        "note: skipped {shown}: a certificate, not a document file (give it \
                         with --trust to trust it)"
                    );
                } else {
                    eprintln!("note: skipped {shown}: not an LDS file");
                }
            }
            continue;
        };
        let kind = recognised.file();
        let (bytes, note) = match recognised {
            Recognised::BareSod => {
                eprintln!("note: {shown}: {BARE_SOD_NOTE}");
                (wrap_bare_sod(&bytes), Some(BARE_SOD_NOTE.to_owned()))
            }
            Recognised::File(_) => (bytes, None),
        };
        if let Err(
            e @ (LdsError::Tlv { .. }
            | LdsError::WrongOuterTag { .. }
            | LdsError::TrailingBytes { .. }),
        ) = parse_file(kind, &bytes)
        {
            return Err(format!("{shown}: unreadable {}: {e}", kind.name()));
        }
        if let Some(other) = files.get(&kind) {
            return Err(format!(
                "{shown} and {} are both {}",
                other.path,
                kind.name()
            ));
        }
        files.insert(
            kind,
            Loaded {
                path: shown,
                bytes,
                note,
            },
        );
    }
    if files.is_empty() {
        return Err("no files to verify".into());
    }
    Ok(files)
}

/// The file a file's name says it is (`DG1.bin`, `EF_DG1.bin`, `ef.com`, `SOD`,
/// `CardAccess.bin`, `EF_CardSecurity.bin`), as `read --out` and dumps of other tools name
/// them; `None` for other names (`csca.der`).
fn lds_name(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?.to_ascii_uppercase();
    let stem = stem
        .strip_prefix("EF_")
        .or_else(|| stem.strip_prefix("EF."))
        .unwrap_or(&stem);
    let is_dg = stem
        .strip_prefix("DG")
        .and_then(|n| n.parse::<u8>().ok())
        .is_some_and(|n| (1..=16).contains(&n));
    match stem {
        "CARDACCESS" => Some("CardAccess".to_owned()),
        "CARDSECURITY" => Some("CardSecurity".to_owned()),
        "COM" | "SOD" => Some(stem.to_owned()),
        _ => is_dg.then(|| stem.to_owned()),
    }
}

/// The `--mrz` lines as an MRZ, or the usage error (`None` without `--mrz`).
fn access_mrz(lines: &[String]) -> Result<Option<Mrz>, String> {
    if lines.is_empty() {
        return Ok(None);
    }
    Mrz::parse_lines(lines)
        .map(Some)
        .map_err(|e| format!("--mrz: {e}"))
}

/// Runs `idproof verify` and returns the exit code.
pub fn run(args: &Args) -> u8 {
    let at = if let Some(text) = &args.at {
        let Some(t) = Time::parse_iso(text) else {
            return usage_error(format!("--at {text}: expected YYYY-MM-DD"));
        };
        t
    } else {
        super::now()
    };
    let mrz = match access_mrz(&args.mrz) {
        Ok(m) => m,
        Err(msg) => return usage_error(msg),
    };
    let files = match read_document(&args.paths, &args.trust.trust) {
        Ok(f) => f,
        Err(msg) => {
            return usage_error(msg);
        }
    };
    let loaded = match args.trust.load() {
        Ok(l) => l,
        Err(e) => {
            return usage_error(e);
        }
    };
    let bytes: BTreeMap<LdsFile, Vec<u8>> =
        files.iter().map(|(k, f)| (*k, f.bytes.clone())).collect();
    let report = verify_files(&bytes, &loaded.store, at, mrz.as_ref());
    let output = VerifyOutput {
        verdict: report.verdict,
        failures: &report.failures,
        checks: &report.checks,
        at,
        files: files
            .iter()
            .map(|(k, f)| FileEntry {
                path: f.path.clone(),
                file: k.name(),
                note: f.note.clone(),
            })
            .collect(),
        trust: loaded.brief(),
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
    print_human(args.json, &output, &report);
    match report.verdict {
        Verdict::Authentic => EXIT_OK,
        Verdict::Failed | Verdict::Incomplete => EXIT_FAILED,
    }
}

fn print_human(to_stderr: bool, output: &VerifyOutput<'_>, report: &Report) {
    let line = |text: &str| {
        if to_stderr {
            eprintln!("{text}");
        } else {
            println!("{text}");
        }
    };
    let names: Vec<String> = output
        .files
        .iter()
        .map(|f| format!("{} ({})", f.file, short(&f.path)))
        .collect();
    line(&format!("Files        {}", names.join(", ")));
    line(&format!(
        "Trust        {} CSCA/link certificates, {} CRLs",
        output.trust.certificates, output.trust.crls
    ));
    for r in &output.trust.refused {
        line(&format!("  refused    {r}"));
    }
    line(&format!("At           {}", output.at));
    line("");
    for check in &report.checks {
        line(&crate::output::check_line(check));
    }
    line("");
    line(&format!(
        "Verdict      {}",
        match report.verdict {
            Verdict::Authentic => "authentic",
            Verdict::Failed => "failed",
            Verdict::Incomplete =>
                "incomplete (not proven authentic: see the checks not performed)",
        }
    ));
}

fn short(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned())
}
