//! `idproof verify DIR|FILE... [--trust PATH]... [--at YYYY-MM-DD] [--json]`: offline
//! verification of dumped LDS files, recognised by content (tag `60` COM, `77` SOD, `61` DG1…).
//!
//! Exit codes (ARCHITECTURE.md "CLI contract"): `0` authentic; `1` failed or incomplete (the
//! document was checked and is not proven authentic); `2` for a usage or input error — an
//! unreadable, unrecognised, truncated or duplicate file, or unusable trust input. Inside a
//! DIR, files that are not LDS files (e.g. a dump's `csca.der`) are skipped with a note.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use idproof_core::asn1::Time;
use idproof_core::lds::{LdsError, LdsFile, parse_file, recognise};
use idproof_core::report::{Report, Verdict};
use idproof_core::verify::verify_files;
use serde::Serialize;

use super::trust::{TrustArgs, TrustBrief};
use super::{EXIT_FAILED, EXIT_OK, usage_error};

/// Arguments of `idproof verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Dumped files (EF.COM, EF.SOD, DG1…DG16) or folders holding them.
    #[arg(value_name = "DIR|FILE", required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    trust: TrustArgs,
    /// Verification date (YYYY-MM-DD, UTC midnight); default now. It judges certificates only
    /// when the SOD has no signingTime, and CRL freshness.
    #[arg(long, value_name = "YYYY-MM-DD")]
    at: Option<String>,
    /// Print one JSON object on stdout; human output goes to stderr.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Serialize)]
struct FileEntry {
    path: String,
    file: String,
}

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

fn read_document(paths: &[PathBuf]) -> Result<BTreeMap<LdsFile, (String, Vec<u8>)>, String> {
    let mut files: BTreeMap<LdsFile, (String, Vec<u8>)> = BTreeMap::new();
    for (path, explicit) in collect(paths)? {
        let shown = path.display().to_string();
        let bytes = std::fs::read(&path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
        let Some(kind) = recognise(&bytes) else {
            if explicit {
                return Err(format!(
                    "{shown}: not an LDS file (no COM, SOD or data-group tag at the start)"
                ));
            }
            // A folder may hold other files (a dump's csca.der): skip them, saying so.
            eprintln!("note: skipped {shown}: not an LDS file");
            continue;
        };
        if let Err(
            e @ (LdsError::Tlv { .. }
            | LdsError::WrongOuterTag { .. }
            | LdsError::TrailingBytes { .. }),
        ) = parse_file(kind, &bytes)
        {
            return Err(format!("{shown}: unreadable {}: {e}", kind.name()));
        }
        if let Some((other, _)) = files.get(&kind) {
            return Err(format!("{shown} and {other} are both {}", kind.name()));
        }
        files.insert(kind, (shown, bytes));
    }
    if files.is_empty() {
        return Err("no files to verify".into());
    }
    Ok(files)
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
    let files = match read_document(&args.paths) {
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
        files.iter().map(|(k, (_, b))| (*k, b.clone())).collect();
    let report = verify_files(&bytes, &loaded.store, at, None);
    let output = VerifyOutput {
        verdict: report.verdict,
        failures: &report.failures,
        checks: &report.checks,
        at,
        files: files
            .iter()
            .map(|(k, (p, _))| FileEntry {
                path: p.clone(),
                file: k.name(),
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
