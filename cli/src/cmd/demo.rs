//! `idproof demo [--profile NAME] [--list-profiles] [--json]`: the whole job on built-in data.
//!
//! Builds the ICAO specimen passport (ERIKSSON ANNA MARIA of Utopia) in the virtual chip, reads
//! it through `ReadSession` exactly as an app would (progress bar on stderr, resume after a tag
//! loss), verifies what was read — passive authentication against the demo CSCA, the MRZ and
//! DG1, and Active Authentication with a fresh random challenge — and prints the document and
//! the report. The verdict is `authentic` only when every check that decides it passed.
//!
//! `--evidence PATH` also writes the read's evidence bundle v1 (`docs/evidence-bundle.md`), as
//! the app would send it for a backend session "demo" with nonce `--nonce` (default: 16 random
//! bytes); Active Authentication then runs over the nonce's first 8 bytes, so
//! `idproof evidence verify PATH --trust CSCA --nonce HEX` re-verifies it (`--csca-out` writes
//! the demo CSCA for `--trust`).

use std::time::Duration;

use idproof_core::auth::trust::TrustStore;
use idproof_core::flow::evidence::{AccessMrzEvidence, EvidenceBundle};
use idproof_core::flow::{Nonce, SessionId};
use idproof_core::reader::{ReadOptions, Transport, TransportError, drive_resuming};
use idproof_core::report::Verdict;
use idproof_core::verify::verify;
use idproof_fixtures::chip::{VirtualChip, all_profiles, profile_by_name};
use idproof_fixtures::virtual_passport::{MAX_RESUMES, VirtualPassport};
use rand_core::{OsRng, RngCore, UnwrapErr};

use crate::output::{EvidenceSummary, Human, Outcome, ReadOutput, progress_bar, show_progress};

use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};

/// Arguments of `idproof demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The virtual chip's behaviour (see --list-profiles).
    #[arg(long, default_value = "specimen", value_name = "NAME")]
    pub profile: String,
    /// Print the profile names, one per line, and exit.
    #[arg(long)]
    pub list_profiles: bool,
    /// Print one JSON object on stdout; human output goes to stderr.
    #[arg(long)]
    pub json: bool,
    /// Answer at once instead of at NFC speed (the timing is simulated: ISO 14443 at 424 kbit/s
    /// plus a few milliseconds per exchange, like a phone on a passport).
    #[arg(long)]
    pub instant: bool,
    /// Write the read's evidence bundle (canonical JSON) to PATH.
    #[arg(long, value_name = "PATH")]
    pub evidence: Option<std::path::PathBuf>,
    /// The demo session's nonce for the evidence bundle (8 to 32 bytes, hex); the Active
    /// Authentication challenge is its first 8 bytes. Default: 16 random bytes.
    #[arg(long, value_name = "HEX", requires = "evidence")]
    pub nonce: Option<String>,
    /// Write the demo CSCA certificate (DER) to PATH, for `evidence verify --trust`.
    #[arg(long, value_name = "PATH")]
    pub csca_out: Option<std::path::PathBuf>,
}

/// The demo backend session's id in evidence bundles.
const DEMO_SESSION: &str = "demo";

/// Simulated contactless link: time on air at 424 kbit/s (53 bytes per millisecond) plus a
/// fixed turnaround per exchange. It makes the demo's progress bar and timings meaningful;
/// the bytes exchanged are exactly those of an instant read.
struct SimulatedNfc<'a> {
    chip: &'a mut VirtualChip,
    sleep: bool,
    elapsed: Duration,
}

/// Frame delay, chip processing and phone scheduling per APDU exchange.
const TURNAROUND: Duration = Duration::from_millis(4);
/// ISO 14443 at 424 kbit/s, ignoring framing overhead.
const BYTES_PER_MS: u64 = 53;

impl Transport for SimulatedNfc<'_> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let reply = self.chip.transmit(command)?;
        let bytes = u64::try_from(command.len() + reply.len()).unwrap_or(u64::MAX);
        let cost = TURNAROUND + Duration::from_micros(bytes.saturating_mul(1000) / BYTES_PER_MS);
        self.elapsed += cost;
        if self.sleep {
            std::thread::sleep(cost);
        }
        Ok(reply)
    }
}

/// Runs the demo and returns the exit code.
pub fn run(args: &Args) -> u8 {
    if args.list_profiles {
        for (name, _) in all_profiles() {
            println!("{name}");
        }
        return EXIT_OK;
    }
    let Some(profile) = profile_by_name(&args.profile) else {
        eprintln!(
            "error: unknown profile '{}'; `idproof demo --list-profiles` lists them",
            args.profile
        );
        return EXIT_USAGE;
    };
    let mut passport = match VirtualPassport::specimen(profile) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: could not build the specimen passport: {e}");
            return EXIT_FAILED;
        }
    };
    let human = Human::new(args.json);
    human.line(&format!(
        "idproof demo: reading the virtual specimen passport (profile '{}')",
        args.profile
    ));

    // A fresh nonce, as a server would issue; Active Authentication signs its first 8 bytes.
    let nonce = if let Some(text) = &args.nonce {
        let Some(nonce) = hex::decode(text).ok().and_then(Nonce::new) else {
            eprintln!("error: --nonce {text}: expected 8 to 32 bytes in hex");
            return EXIT_USAGE;
        };
        nonce
    } else {
        let mut bytes = vec![0u8; 16];
        UnwrapErr(OsRng).fill_bytes(&mut bytes);
        let Some(nonce) = Nonce::new(bytes) else {
            return EXIT_FAILED;
        };
        nonce
    };
    let mut challenge = [0u8; 8];
    challenge.copy_from_slice(&nonce.aa_challenge());
    let options = ReadOptions {
        active_authentication: Some(challenge),
        ..ReadOptions::default()
    };
    let mut session = idproof_core::reader::ReadSession::new(
        passport.access_key(),
        options,
        Box::new(UnwrapErr(OsRng)),
    );
    let bar = progress_bar();
    let mut link = SimulatedNfc {
        chip: &mut passport.chip,
        sleep: !args.instant,
        elapsed: Duration::ZERO,
    };
    let result = drive_resuming(
        &mut session,
        &mut link,
        |link| {
            link.chip.reconnect();
            Ok(())
        },
        MAX_RESUMES,
        |p| show_progress(&bar, p),
    );
    bar.finish_and_clear();
    let nfc_time = link.elapsed;

    // The demo trusts exactly one CSCA: the one that issued the specimen's Document Signer.
    let mut trust = TrustStore::new();
    if let Err(e) = trust.add_certificate(passport.document.pki.csca_der(), "demo CSCA") {
        eprintln!("error: the demo CSCA is unusable: {e}");
        return EXIT_FAILED;
    }
    let now = super::now();
    let outcome = match result {
        Ok(document) => {
            let report = verify(&document, &trust, now, Some(&passport.mrz));
            Outcome::Read(Box::new(document), report)
        }
        Err(error) => Outcome::Failed(error),
    };
    let mut output = ReadOutput::new(Some(&args.profile), None, &outcome, session.stats());
    output.simulated_nfc_ms = Some(u64::try_from(nfc_time.as_millis()).unwrap_or(u64::MAX));
    let csca = match &args.csca_out {
        Some(path) => match std::fs::write(path, passport.document.pki.csca_der()) {
            Ok(()) => Some(path.display().to_string()),
            Err(e) => {
                eprintln!("error: --csca-out {}: {e}", path.display());
                return EXIT_USAGE;
            }
        },
        None => None,
    };
    if let (Some(path), Outcome::Read(document, report)) = (&args.evidence, &outcome) {
        // The report was checked against the MRZ, so the bundle carries it (DG1 holds it too).
        let bundle = EvidenceBundle::from_read(
            document,
            report,
            SessionId(DEMO_SESSION.to_owned()),
            &nonce,
            now,
        )
        .with_access_mrz(AccessMrzEvidence::from_mrz(&passport.mrz));
        let json = match bundle.to_json() {
            Ok(json) => json,
            Err(e) => {
                eprintln!("error: could not encode the evidence bundle: {e}");
                return EXIT_FAILED;
            }
        };
        if let Err(e) = std::fs::write(path, &json) {
            eprintln!("error: --evidence {}: {e}", path.display());
            return EXIT_USAGE;
        }
        output.evidence = Some(EvidenceSummary {
            path: path.display().to_string(),
            nonce: hex::encode_upper(nonce.as_bytes()),
            session_id: DEMO_SESSION.to_owned(),
            sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(json.as_bytes())),
            csca: csca.clone(),
        });
    }
    if args.json {
        match serde_json::to_string_pretty(&output) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: could not encode JSON: {e}");
                return EXIT_FAILED;
            }
        }
    }
    human.print(&output, &outcome);
    if let Some(evidence) = &output.evidence {
        human.line(&format!(
            "Evidence     {} (sha256 {}); verify: idproof evidence verify {} --trust {} --nonce {}",
            evidence.path,
            evidence.sha256,
            evidence.path,
            evidence.csca.as_deref().unwrap_or("CSCA"),
            evidence.nonce
        ));
    }
    if output.verdict == Verdict::Failed {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}
