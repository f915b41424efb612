//! `idproof demo [--profile NAME] [--list-profiles] [--json]`: the whole job on built-in data.
//!
//! Builds the ICAO specimen passport (ERIKSSON ANNA MARIA of Utopia) in the virtual chip, reads
//! it through `ReadSession` exactly as an app would (progress bar on stderr, resume after a tag
//! loss), verifies what was read — passive authentication against the demo CSCA, the MRZ and
//! DG1, and Active Authentication with a fresh random challenge — and prints the document and
//! the report. The verdict is `authentic` only when every check that decides it passed.
//!
//! The read is the chip step of the MitID activation flow (`crate::flow_driver`): the demo
//! chooses "passport/ID card", accepts the terms, gives the document's kind and country, the P
//! code the embedded reference backend issued and the MRZ; the backend issues a session nonce;
//! the chip is read with Active Authentication over the nonce; the face step is *simulated*
//! as passed (no camera here); the backend re-verifies the evidence bundle and decides the
//! assurance; user ID, phone, SMS code and usage finish the flow. The JSON has `assurance` and
//! the `flow` transcript.
//!
//! `--evidence PATH` also writes the evidence bundle v1 the flow submitted
//! (`docs/evidence-bundle.md`); `--nonce HEX` makes the backend issue that nonce (default:
//! random), so `idproof evidence verify PATH --trust CSCA --nonce HEX` re-verifies it
//! (`--csca-out` writes the demo CSCA for `--trust`).

use std::time::Duration;

use idproof_core::asn1::Time;
use idproof_core::auth::trust::{TrustError, TrustStore};
use idproof_core::flow::evidence::EvidenceBundle;
use idproof_core::flow::validate::kind_of_document_code;
use idproof_core::flow::{DocumentKind, FlowConfig, Lang};
use idproof_core::mrz::MrzKey;
use idproof_core::reader::{
    AccessKey, ReadOptions, ReadSession, ReadStats, Transport, TransportError, drive_resuming,
};
use idproof_core::report::Verdict;
use idproof_core::verify::verify;
use idproof_core::{Error, ErrorCode};
use idproof_fixtures::chip::{VirtualChip, all_profiles};
use idproof_fixtures::virtual_passport::{MAX_RESUMES, VirtualPassport};
use rand_core::{OsRng, RngCore, UnwrapErr};

use crate::flow_driver::{ChipReader, FlowDriver, demo_script, parse_nonce};
use crate::output::{EvidenceSummary, Human, Outcome, ReadOutput, progress_bar, show_progress};

use super::{EXIT_FAILED, EXIT_OK, usage_error};

/// Arguments of `idproof demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The virtual chip's behaviour (see --list-profiles).
    #[arg(long, default_value = "specimen", value_name = "NAME")]
    pub profile: String,
    /// Print the profile names, one per line (including every `pace-{mapping}-{group}-{cipher}`),
    /// and exit; the parametrised `clone-of-NAME` and `tag-loss-at-N` are described on stderr.
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
    /// The nonce the demo's backend issues to the flow's session (8 to 32 bytes, hex); the
    /// Active Authentication challenge is its first 8 bytes. Default: 16 random bytes.
    #[arg(long, value_name = "HEX", requires = "evidence")]
    pub nonce: Option<String>,
    /// Write the demo CSCA certificate (DER) to PATH, for `evidence verify --trust`.
    #[arg(long, value_name = "PATH")]
    pub csca_out: Option<std::path::PathBuf>,
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

/// The virtual chip as the flow's chip step: reads at simulated NFC speed with a progress bar,
/// and verifies against the CSCA that issued the specimen.
pub struct VirtualReader {
    passport: VirtualPassport,
    sleep: bool,
    trust: TrustStore,
    at: Time,
    /// Simulated time on air of the last read.
    pub nfc_time: Duration,
    /// The last read's statistics.
    pub stats: Option<ReadStats>,
}

impl VirtualReader {
    /// A reader of `passport` that trusts the passport's CSCA and verifies at `at`.
    pub fn new(passport: VirtualPassport, sleep: bool, at: Time) -> Result<Self, TrustError> {
        let mut trust = TrustStore::new();
        trust.add_certificate(passport.document.pki.csca_der(), "demo CSCA")?;
        Ok(Self {
            passport,
            sleep,
            trust,
            at,
            nfc_time: Duration::ZERO,
            stats: None,
        })
    }

    /// The trust store: exactly the CSCA that issued the specimen's Document Signer.
    pub fn trust(&self) -> &TrustStore {
        &self.trust
    }
}

impl ChipReader for VirtualReader {
    fn read(&mut self, key: &MrzKey, challenge: [u8; 8]) -> Outcome {
        // A CAN-only card takes no MRZ key: the app would ask for the CAN, the demo knows it.
        // Otherwise the flow's key, from the MRZ the person gave.
        let own_key = self.passport.access_key();
        let key_is_the_documents =
            *MrzKey::from_mrz(&self.passport.mrz).mrz_information() == *key.mrz_information();
        let access_key = match own_key {
            AccessKey::Can(_) => own_key,
            AccessKey::Mrz(_) => AccessKey::Mrz(key.clone()),
        };
        let options = ReadOptions {
            active_authentication: Some(challenge),
            ..ReadOptions::default()
        };
        let mut session = ReadSession::new(access_key, options, Box::new(UnwrapErr(OsRng)));
        let bar = progress_bar();
        let mut link = SimulatedNfc {
            chip: &mut self.passport.chip,
            sleep: self.sleep,
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
        self.nfc_time = link.elapsed;
        self.stats = Some(session.stats());
        match result {
            Ok(document) => {
                // The printed MRZ is known here, so its checks run too when it was the key.
                let mrz = key_is_the_documents.then_some(&self.passport.mrz);
                let report = verify(&document, &self.trust, self.at, mrz);
                Outcome::Read(Box::new(document), report)
            }
            Err(error) => Outcome::Failed(error),
        }
    }
}

/// Runs the demo and returns the exit code.
pub fn run(args: &Args) -> u8 {
    if args.list_profiles {
        for (name, _) in all_profiles() {
            println!("{name}");
        }
        // The PACE matrix `pace-{gm|im|cam}-{group}-{cipher}`, every combination that exists.
        for (name, _) in idproof_fixtures::chip::pace_matrix() {
            println!("{name}");
        }
        eprintln!(
            "also: clone-of-NAME (NAME's data in a chip whose keys differ) and tag-loss-at-N \
             (the card leaves the field at the N-th APDU, N >= 1)"
        );
        return EXIT_OK;
    }
    let nonce = args.nonce.as_deref().map(|text| (text, parse_nonce(text)));
    if let Some((text, None)) = nonce {
        return usage_error(format!("--nonce {text}: expected 8 to 32 bytes in hex"));
    }
    let nonce = nonce.and_then(|(_, nonce)| nonce);
    let passport = match super::specimen_passport(&args.profile) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let human = Human::new(args.json);
    human.line(&format!(
        "idproof demo: reading the virtual specimen passport (profile '{}') in the MitID activation flow",
        args.profile
    ));
    let now = super::now();
    let Some(today) = super::flow::today_of(now) else {
        return EXIT_FAILED;
    };
    let mrz = passport.mrz.clone();
    let csca_der = passport.document.pki.csca_der().to_vec();
    let mut reader = match VirtualReader::new(passport, !args.instant, now) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: the demo CSCA is unusable: {e}");
            return EXIT_FAILED;
        }
    };
    let trust = reader.trust().clone();
    let kind = kind_of_document_code(mrz.document_code()).unwrap_or(DocumentKind::Passport);
    let lines: Vec<&str> = mrz.lines().iter().map(String::as_str).collect();
    let script = demo_script(kind, mrz.issuing_state(), &lines);

    // The flow: the reference backend issues the nonce, the read is its chip step.
    let config = FlowConfig {
        allow_specimen: true,
        ..FlowConfig::new(today)
    };
    let seed = UnwrapErr(OsRng).next_u64();
    let mut driver = FlowDriver::new(config, trust, now, seed, &mut reader);
    if let Some(nonce) = nonce {
        driver.backend().set_next_nonce(nonce);
    }
    driver.prepare(&script);
    for event in &script.events {
        if driver.send_script(event).is_err() {
            break;
        }
    }
    let flow = driver.output();
    let bundle_json = driver.submitted_bundle().map(str::to_owned);
    let outcome = driver.take_chip_outcome();
    drop(driver);
    let outcome = outcome.unwrap_or_else(|| {
        Outcome::Failed(Error::new(
            ErrorCode::Usage,
            "the flow ended before its chip step",
        ))
    });
    let stats = reader.stats.unwrap_or_default();
    let mut output = ReadOutput::new(Some(&args.profile), None, &outcome, stats);
    output.simulated_nfc_ms = Some(u64::try_from(reader.nfc_time.as_millis()).unwrap_or(u64::MAX));
    output.assurance.clone_from(&flow.assurance);
    let csca = match &args.csca_out {
        Some(path) => match std::fs::write(path, &csca_der) {
            Ok(()) => Some(path.display().to_string()),
            Err(e) => {
                return usage_error(format!("--csca-out {}: {e}", path.display()));
            }
        },
        None => None,
    };
    if let Some(path) = &args.evidence {
        let Some(json) = &bundle_json else {
            eprintln!(
                "error: --evidence: the flow submitted no evidence (it stopped at {:?})",
                flow.step
            );
            return EXIT_FAILED;
        };
        let bundle = match EvidenceBundle::from_json(json) {
            Ok(bundle) => bundle,
            Err(e) => {
                eprintln!("error: could not encode the evidence bundle: {e}");
                return EXIT_FAILED;
            }
        };
        if let Err(e) = std::fs::write(path, json) {
            return usage_error(format!("--evidence {}: {e}", path.display()));
        }
        output.evidence = Some(EvidenceSummary {
            path: path.display().to_string(),
            nonce: hex::encode_upper(&bundle.nonce),
            session_id: bundle.session_id.0.clone(),
            sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(json.as_bytes())),
            csca: csca.clone(),
        });
    }
    output.flow = Some(flow.clone());
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
    human.line("");
    human.line("MitID activation flow (reference backend; face scan simulated as passed):");
    for entry in &flow.transcript {
        human.line(&super::flow::entry_line(entry));
    }
    for line in super::flow::summary_lines(&flow, Lang::En) {
        human.line(&line);
    }
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
