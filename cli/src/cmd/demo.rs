//! `idproof demo [--profile NAME] [--list-profiles] [--json]`: the whole job on built-in data.
//!
//! Builds the ICAO specimen passport (ERIKSSON ANNA MARIA of Utopia) in the virtual chip, reads
//! it through `ReadSession` exactly as an app would (progress bar on stderr, resume after a tag
//! loss), verifies what was read — passive authentication against the demo CSCA, the MRZ and
//! DG1, and Active Authentication with a fresh random challenge — and prints the document and
//! the report. The verdict is `authentic` only when every check that decides it passed.

use std::time::Duration;

use idproof_core::auth::trust::TrustStore;
use idproof_core::reader::{ReadOptions, Transport, TransportError, drive_resuming};
use idproof_core::report::Verdict;
use idproof_core::verify::verify;
use idproof_fixtures::chip::{VirtualChip, all_profiles, profile_by_name};
use idproof_fixtures::virtual_passport::{MAX_RESUMES, VirtualPassport};
use rand_core::{OsRng, UnwrapErr};

use crate::output::{Human, Outcome, ReadOutput, progress_bar, show_progress};

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
}

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

    // A fresh challenge, as a server would issue for Active Authentication.
    let options = ReadOptions {
        active_authentication: Some(super::random_challenge()),
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
    let outcome = match result {
        Ok(document) => {
            let report = verify(&document, &trust, super::now(), Some(&passport.mrz));
            Outcome::Read(Box::new(document), report)
        }
        Err(error) => Outcome::Failed(error),
    };
    let mut output = ReadOutput::new(Some(&args.profile), None, &outcome, session.stats());
    output.simulated_nfc_ms = Some(u64::try_from(nfc_time.as_millis()).unwrap_or(u64::MAX));
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
    if output.verdict == Verdict::Failed {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}
