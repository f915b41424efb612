//! `idproof evidence verify BUNDLE.json --trust PATH... --nonce HEX [--at DATE] [--json]`: a
//! backend's re-verification of an evidence bundle v1 (`docs/evidence-bundle.md`).
//!
//! Exit codes (ARCHITECTURE.md "CLI contract"): `0` when the verdict is `authentic` (the
//! bundle re-verifies and nothing failed — the assurance level is reported, not an exit
//! code); `1` failed or incomplete; `2` usage or input error: an unreadable file, a text that
//! is not a v1 bundle (`EVIDENCE_FORMAT`, `EVIDENCE_VERSION`, also in the JSON's `failures`),
//! a bad nonce or date, unusable trust input.

use std::path::PathBuf;

use idproof_core::asn1::Time;
use idproof_core::flow::evidence::{EvidenceBundle, EvidenceVerdict, verify_evidence};
use idproof_core::flow::{AssuranceLevel, Nonce};
use idproof_core::report::{CheckStatus, Failure, Verdict};
use serde::Serialize;

use super::trust::{LoadError, Remedy, load};
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, usage_error};
use crate::output::Human;

/// Arguments of `idproof evidence`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: EvidenceCommand,
}

#[derive(Debug, clap::Subcommand)]
enum EvidenceCommand {
    /// Re-verify an evidence bundle as a backend: passive, chip and active authentication
    /// from its raw files, the nonce, the AA challenge, the app's claim, the flow's choices.
    Verify(VerifyArgs),
}

/// Arguments of `idproof evidence verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The bundle (JSON, `format: "idproof-evidence/1"`).
    #[arg(value_name = "BUNDLE.json")]
    bundle: PathBuf,
    /// Trust input: master lists, CSCA certificates (DER/PEM), CRLs, ICAO PKD LDIF, or a
    /// folder of them. Repeatable.
    #[arg(long, value_name = "PATH")]
    trust: Vec<PathBuf>,
    /// The nonce the backend issued for the session (8 to 32 bytes, hex); the Active
    /// Authentication challenge must be its first 8 bytes.
    #[arg(long, value_name = "HEX")]
    nonce: String,
    /// Verification date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC); default now.
    #[arg(long, value_name = "DATE")]
    at: Option<String>,
    /// Trust master lists as they are, without verifying their signer against a CSCA given.
    #[arg(long)]
    trust_unverified_lists: bool,
    /// Print one JSON object on stdout; human output goes to stderr.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Serialize)]
struct VerifyOutput<'a> {
    verdict: Verdict,
    failures: &'a [Failure],
    evidence_checks: &'a [idproof_core::flow::evidence::EvidenceCheck],
    checks: &'a [idproof_core::report::Check],
    anti_clone: &'a [idproof_core::flow::AntiCloneProof],
    assurance: &'a idproof_core::flow::Assurance,
    at: Time,
    session_id: &'a str,
    created_at: Time,
    producer: &'a idproof_core::flow::evidence::Producer,
}

/// Runs `idproof evidence …` and returns the exit code.
pub fn run(args: &Args) -> u8 {
    match &args.command {
        EvidenceCommand::Verify(args) => verify(args),
    }
}

fn verify(args: &VerifyArgs) -> u8 {
    let human = Human::new(args.json);
    let Some(nonce) = hex::decode(&args.nonce).ok().and_then(Nonce::new) else {
        return usage_error(format!(
            "--nonce {}: expected 8 to 32 bytes in hex",
            args.nonce
        ));
    };
    let at = if let Some(text) = &args.at {
        let Some(t) = Time::parse_iso(text) else {
            return usage_error(format!(
                "--at {text}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"
            ));
        };
        t
    } else {
        super::now()
    };
    let text = match std::fs::read(&args.bundle) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => {
            return usage_error(format!("{}: cannot read: {e}", args.bundle.display()));
        }
    };
    let bundle = match EvidenceBundle::from_json(&text) {
        Ok(b) => b,
        Err(e) => {
            let failure = Failure {
                code: e.code().as_str().to_owned(),
                detail: e.to_string(),
            };
            let message = format!(
                "{}: {}: {}",
                args.bundle.display(),
                failure.code,
                failure.detail
            );
            eprintln!("error: {message}");
            if args.json {
                // Exit 2 like every input error, so the error object of the others (`code` is
                // the bundle's own, `EVIDENCE_FORMAT` or `EVIDENCE_VERSION`), plus `failures`
                // with the same code for backends that read a verdict's failures.
                let mut value = super::json_error(&failure.code, &message);
                value["failures"] = serde_json::json!([failure]);
                print_json(&value);
            }
            return EXIT_USAGE;
        }
    };
    let loaded = match load(&args.trust, args.trust_unverified_lists, Remedy::TrustFlag) {
        Ok(l) => l,
        Err(LoadError(msg)) => {
            return usage_error(format!("--trust {msg}"));
        }
    };
    for refused in &loaded.refused {
        eprintln!("note: --trust refused {}", refused.detail);
    }
    let verdict = verify_evidence(&bundle, &loaded.store, at, &nonce);
    if args.json {
        print_json(&VerifyOutput {
            verdict: verdict.verdict,
            failures: &verdict.failures,
            evidence_checks: &verdict.evidence_checks,
            checks: &verdict.report.checks,
            anti_clone: &verdict.anti_clone,
            assurance: &verdict.assurance,
            at,
            session_id: &bundle.session_id.0,
            created_at: bundle.created_at,
            producer: &bundle.producer,
        });
    }
    print_human(&human, &bundle, &verdict, at);
    match verdict.verdict {
        Verdict::Authentic => EXIT_OK,
        Verdict::Failed | Verdict::Incomplete => EXIT_FAILED,
    }
}

fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(json) => println!("{json}"),
        Err(e) => eprintln!("error: could not encode JSON: {e}"),
    }
}

fn print_human(human: &Human, bundle: &EvidenceBundle, verdict: &EvidenceVerdict, at: Time) {
    human.line(&format!(
        "Bundle       {} by {} {}, created {}, session {}",
        bundle.format,
        bundle.producer.library,
        bundle.producer.version,
        bundle.created_at,
        bundle.session_id.0
    ));
    let files: Vec<String> = bundle.files.keys().map(|f| f.name()).collect();
    human.line(&format!("Files        {}", files.join(", ")));
    human.line(&format!("At           {at}"));
    human.line("");
    for check in &verdict.evidence_checks {
        let status = match check.status {
            CheckStatus::Passed => "passed".to_owned(),
            CheckStatus::Failed => format!(
                "FAILED {}",
                check
                    .code
                    .map(idproof_core::flow::Code::as_str)
                    .unwrap_or_default()
            ),
            CheckStatus::NotPerformed => "not performed".to_owned(),
        };
        let detail = check
            .detail
            .as_deref()
            .map(|d| format!(" — {d}"))
            .unwrap_or_default();
        human.line(&format!("  {:<22} {status}{detail}", check.name.as_str()));
    }
    for check in &verdict.report.checks {
        human.line(&crate::output::check_line(check));
    }
    human.line("");
    human.line(&format!(
        "Verdict      {}",
        match verdict.verdict {
            Verdict::Authentic => "authentic",
            Verdict::Failed => "failed",
            Verdict::Incomplete => "incomplete",
        }
    ));
    let level = match verdict.assurance.level {
        AssuranceLevel::Substantial => "substantial",
        AssuranceLevel::NotMet => "not met",
    };
    let reasons: Vec<String> = verdict
        .assurance
        .reasons
        .iter()
        .map(|r| format!("{} ({})", r.code, r.detail))
        .collect();
    if reasons.is_empty() {
        human.line(&format!("Assurance    {level}"));
    } else {
        human.line(&format!("Assurance    {level}: {}", reasons.join("; ")));
    }
}
