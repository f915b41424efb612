//! `idproof read`: read a chip through a PC/SC reader, verify it, save it.
//!
//! `idproof read [--reader NAME] (--mrz LINE... | --doc-number N --birth YYMMDD --expiry YYMMDD
//! | --can DIGITS) [--trust PATH]... [--bac-only | --allow-bac-fallback]
//! [--challenge HEX | --no-aa] [--out DIR] [--apdu-log FILE] [--wait SECS] [--json]`
//!
//! Waits for a card, reads it with a progress bar (resuming when the card is taken off the
//! reader and put back), verifies what was read — against the `--trust` store, which
//! `verify --trust` shares — and prints the summary or the JSON of the CLI contract. Access is
//! PACE when the chip offers it (BAC otherwise, or with `--bac-only`); a CAN opens by PACE
//! only. Active Authentication runs when the chip has DG15, with `--challenge` or 8 random
//! bytes. `--out DIR` writes every file read as raw bytes (`COM.bin`, `SOD.bin`, `DG1.bin`,
//! …) and `report.json`, which `idproof verify DIR --trust …` checks offline. Reader problems
//! (no pcscd, no reader, no card, card pulled out) exit 3 with one line saying what to do.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use idproof_core::ErrorCode;
use idproof_core::mrz::{Mrz, MrzKey};
use idproof_core::reader::{AccessKey, AccessPolicy, Can, ReadOptions, ReadSession};
use idproof_core::report::Verdict;
use idproof_core::verify::verify;
use idproof_pcsc::{PcscError, ReadFailure, Readers, ResumeEvent, ResumePolicy, read_resuming};
use rand_core::{OsRng, UnwrapErr};

use super::trust::TrustArgs;
use super::{EXIT_FAILED, EXIT_OK, EXIT_READER, usage_error};
use crate::apdu_log::LoggingTransport;
use crate::output::{Human, Outcome, ReadOutput, progress_bar, show_progress};

/// Arguments of `idproof read`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("key").required(true).args(["mrz", "doc_number", "can"])))]
pub struct Args {
    /// The reader to use: its full name or a unique part of it (`idproof readers` lists them).
    /// Default: the first reader holding a card, else the first reader.
    #[arg(long, value_name = "NAME")]
    pub reader: Option<String>,
    /// The MRZ printed on the document (TD1 3 lines, TD2/TD3 2 lines, or one string).
    /// Quote it: `<` is special to the shell.
    #[arg(long, num_args = 1..=3, value_name = "LINE")]
    pub mrz: Vec<String>,
    /// The document number (with --birth and --expiry, instead of --mrz).
    #[arg(long, value_name = "N", requires_all = ["birth", "expiry"])]
    pub doc_number: Option<String>,
    /// Date of birth, YYMMDD.
    #[arg(long, value_name = "YYMMDD", requires = "doc_number")]
    pub birth: Option<String>,
    /// Date of expiry, YYMMDD.
    #[arg(long, value_name = "YYMMDD", requires = "doc_number")]
    pub expiry: Option<String>,
    /// The card access number printed on the document (6 to 10 digits), instead of the MRZ:
    /// opens the chip by PACE only (no BAC), as ID cards that take no MRZ key need.
    #[arg(long, value_name = "DIGITS", value_parser = parse_can,
          conflicts_with_all = ["bac_only", "allow_bac_fallback"])]
    pub can: Option<Can>,
    #[command(flatten)]
    pub trust: TrustArgs,
    #[command(flatten)]
    pub access: AccessArgs,
    /// Run Active Authentication with this challenge (16 hex digits = 8 bytes, e.g. a
    /// server's nonce) when the chip has DG15; the JSON then carries challenge and signature.
    /// Default: 8 random bytes from the operating system.
    #[arg(long, value_name = "HEX", value_parser = parse_challenge, conflicts_with = "no_aa")]
    pub challenge: Option<[u8; 8]>,
    /// Do not run Active Authentication.
    #[arg(long)]
    pub no_aa: bool,
    /// Write every file read (`COM.bin`, `SOD.bin`, `DG1.bin`, …) and `report.json` here.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write an APDU trace here, secrets redacted.
    #[arg(long, value_name = "FILE")]
    pub apdu_log: Option<PathBuf>,
    /// How long to wait for a card, and for a removed card to come back, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 20.0)]
    pub wait: f64,
    /// Print one JSON object on stdout; human output goes to stderr.
    #[arg(long)]
    pub json: bool,
}

/// Which access protocols a read may use (core `AccessPolicy`, `allow_bac_fallback`).
#[derive(Debug, clap::Args)]
pub struct AccessArgs {
    /// Open the chip with BAC even when it offers PACE (for chips whose PACE is broken).
    #[arg(long, conflicts_with = "allow_bac_fallback")]
    pub bac_only: bool,
    /// When PACE fails on a chip that also takes BAC, try BAC instead of failing. Off by
    /// default: a silent fallback lets whoever breaks PACE force the weaker protocol.
    #[arg(long)]
    pub allow_bac_fallback: bool,
}

impl Args {
    /// The session options the flags ask for (before the reader's capabilities bound them).
    fn read_options(&self) -> ReadOptions {
        ReadOptions {
            access: if self.access.bac_only {
                AccessPolicy::BacOnly
            } else {
                AccessPolicy::Auto
            },
            allow_bac_fallback: self.access.allow_bac_fallback,
            active_authentication: if self.no_aa {
                None
            } else {
                Some(self.challenge.unwrap_or_else(super::random_challenge))
            },
            ..ReadOptions::default()
        }
    }
}

/// Runs `idproof read` and returns the exit code.
pub fn run(args: &Args) -> u8 {
    let human = Human::new(args.json);
    let (key, mrz) = match access_key(args) {
        Ok(k) => k,
        Err((code, detail)) => return key_error(args.json, code, &detail),
    };
    let Ok(wait) = Duration::try_from_secs_f64(args.wait) else {
        return usage_error("--wait must be a number of seconds ≥ 0");
    };
    let log = match &args.apdu_log {
        Some(path) => match File::create(path) {
            Ok(f) => Some(f),
            Err(e) => {
                return usage_error(format!("cannot write the APDU log {}: {e}", path.display()));
            }
        },
        None => None,
    };
    // Trust input is checked before the reader is touched: a typo is exit 2 at once.
    let trust = match args.trust.load() {
        Ok(t) => t,
        Err(e) => {
            return usage_error(e);
        }
    };
    let trust_given = !args.trust.trust.is_empty();
    if trust_given {
        let brief = trust.brief();
        human.line(&format!(
            "idproof read: trusting {} CSCA/link certificates, {} CRLs",
            brief.certificates, brief.crls
        ));
        for refused in &brief.refused {
            eprintln!("warning: {refused}");
        }
    }

    let readers = match Readers::establish() {
        Ok(r) => r,
        Err(e) => return reader_error(args.json, &e),
    };
    let reader = match readers.choose(args.reader.as_deref()) {
        Ok(r) => r,
        Err(e) => return reader_error(args.json, &e),
    };
    let started = Instant::now();
    let transport = match readers.wait_and_connect(&reader, wait) {
        Ok(t) => t,
        Err(e) => return reader_error(args.json, &e),
    };
    let capabilities = transport.capabilities();
    human.line(&format!(
        "idproof read: reader '{reader}' (responses up to {} bytes, extended length {})",
        capabilities.max_response_len,
        match capabilities.extended_length {
            Some(true) => "yes",
            Some(false) => "no",
            None => "probed",
        }
    ));
    let mut transport = LoggingTransport::new(transport, log);
    transport.note(&format!(
        "reader '{reader}', ATR {}",
        hex::encode_upper(transport.inner().atr())
    ));

    let options = capabilities.read_options(args.read_options());
    let mut session = ReadSession::new(key, options, Box::new(UnwrapErr(OsRng)));
    let bar = progress_bar();
    let policy = ResumePolicy {
        reinsert_timeout: wait,
        ..ResumePolicy::default()
    };
    let result = read_resuming(
        &mut session,
        &mut transport,
        policy,
        |p| show_progress(&bar, p),
        |e| match e {
            ResumeEvent::CardRemoved => bar.set_message("card removed: put it back"),
            ResumeEvent::Reconnected => bar.set_message("card back: resuming"),
        },
    );
    let elapsed = started.elapsed();
    bar.finish_and_clear();
    if let Err(e) = transport.flush() {
        eprintln!("warning: the APDU log is incomplete: {e}");
    }

    let outcome = match result {
        Ok(document) => {
            let report = verify(&document, &trust.store, super::now(), mrz.as_ref());
            Outcome::Read(Box::new(document), report)
        }
        Err(ReadFailure::Reader(e)) => return reader_error(args.json, &e),
        Err(ReadFailure::Session(e)) => {
            match session_failure(e, transport.inner().last_error(), &reader) {
                SessionFailure::Reader(error) => return reader_error(args.json, &error),
                SessionFailure::Transport(detail) => {
                    print_failure_json(args.json, ErrorCode::Transport.as_str(), &detail);
                    eprintln!("error: {detail}");
                    return EXIT_READER;
                }
                SessionFailure::Read(e) => Outcome::Failed(e),
            }
        }
    };
    let mut output = ReadOutput::new(None, Some(&reader), &outcome, session.stats());
    output.elapsed_ms = Some(u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX));
    if trust_given {
        output.trust = Some(trust.brief());
    }
    let json = match serde_json::to_string_pretty(&output) {
        Ok(json) => json,
        Err(e) => {
            eprintln!("error: could not encode JSON: {e}");
            return EXIT_FAILED;
        }
    };
    if let (Some(dir), Outcome::Read(document, _)) = (&args.out, &outcome)
        && let Err(e) = write_out(dir, document, &json)
    {
        return usage_error(format!("cannot write to {}: {e}", dir.display()));
    }
    if args.json {
        println!("{json}");
    }
    human.print(&output, &outcome);
    if let Some(dir) = &args.out
        && matches!(outcome, Outcome::Read(..))
    {
        human.line(&format!("  Saved to        {}", dir.display()));
    }
    exit_code(output.verdict, trust_given)
}

/// `failed` exits 1. With `--trust` the read is also a verification, so it exits like
/// `verify`: 0 only for `authentic` (`incomplete` is not proven authentic, 1). Without
/// `--trust` the chain cannot be checked, so `incomplete` is the expected end of a good read.
fn exit_code(verdict: Verdict, trust_given: bool) -> u8 {
    match verdict {
        Verdict::Authentic => EXIT_OK,
        Verdict::Incomplete if !trust_given => EXIT_OK,
        Verdict::Incomplete | Verdict::Failed => EXIT_FAILED,
    }
}

/// `--can`: 6 to 10 digits (ICAO 9303-11 §4.4.1), checked before any reader is touched.
fn parse_can(text: &str) -> Result<Can, String> {
    Can::new(text).map_err(|e| e.detail)
}

/// `--challenge`: exactly 8 bytes in hex (ICAO 9303-11 RND.IFD).
fn parse_challenge(text: &str) -> Result<[u8; 8], String> {
    hex::decode(text.trim())
        .ok()
        .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
        .ok_or_else(|| "expected 16 hex digits (an 8-byte challenge)".to_owned())
}

/// The access key, and the full MRZ when one was given (for the DG1 = MRZ check).
fn access_key(args: &Args) -> Result<(AccessKey, Option<Mrz>), (ErrorCode, String)> {
    if let Some(can) = &args.can {
        return Ok((AccessKey::Can(can.clone()), None));
    }
    if !args.mrz.is_empty() {
        let mrz = Mrz::parse_lines(&args.mrz).map_err(|e| (ErrorCode::MrzFormat, e.to_string()))?;
        return Ok((AccessKey::Mrz(MrzKey::from_mrz(&mrz)), Some(mrz)));
    }
    let (Some(number), Some(birth), Some(expiry)) = (&args.doc_number, &args.birth, &args.expiry)
    else {
        return Err((
            ErrorCode::Usage,
            "give --mrz, --doc-number with --birth and --expiry, or --can".to_owned(),
        ));
    };
    let key =
        MrzKey::new(number, birth, expiry).map_err(|e| (ErrorCode::MrzFormat, e.to_string()))?;
    Ok((AccessKey::Mrz(key), None))
}

/// A bad MRZ or key fields: checked and failed (exit 1, `MRZ_FORMAT`); a missing one is usage.
fn key_error(json: bool, code: ErrorCode, detail: &str) -> u8 {
    if code == ErrorCode::Usage {
        return usage_error(detail);
    }
    print_failure_json(json, code.as_str(), detail);
    eprintln!("error: {}: {detail}", code.as_str());
    EXIT_FAILED
}

/// How a failed session ends the command.
#[derive(Debug, PartialEq)]
enum SessionFailure {
    /// The reader or card, as PC/SC reported it (exit 3 with its remedy).
    Reader(PcscError),
    /// A transport error PC/SC did not explain (exit 3, the detail as it came).
    Transport(String),
    /// The chip or the protocol (exit 1, the code and detail kept): `CHIP_PROTOCOL` for a
    /// chip that answered `61xx` for ever is the chip's fault, never "the reader is gone".
    Read(idproof_core::Error),
}

/// Sorts a session's error by whom it blames: "card removed" for a tag loss, the PC/SC
/// error behind a `TRANSPORT` code (only that says a reader is gone), everything else as is.
fn session_failure(
    e: idproof_core::Error,
    last_error: Option<&PcscError>,
    reader: &str,
) -> SessionFailure {
    match e.code {
        ErrorCode::TagLost => SessionFailure::Reader(PcscError::CardRemoved(reader.to_owned())),
        ErrorCode::Transport => match last_error {
            Some(error) => SessionFailure::Reader(error.clone()),
            None => SessionFailure::Transport(e.detail),
        },
        _ => SessionFailure::Read(e),
    }
}

/// A reader/transport problem: one line on stderr saying what to do, exit 3.
fn reader_error(json: bool, error: &PcscError) -> u8 {
    let code = match error {
        PcscError::CardRemoved(_) => ErrorCode::TagLost,
        _ => ErrorCode::Transport,
    };
    let line = format!("{error}: {}", error.remedy());
    print_failure_json(json, code.as_str(), &line);
    eprintln!("error: {line}");
    EXIT_READER
}

fn print_failure_json(json: bool, code: &str, detail: &str) {
    if json {
        let object = serde_json::json!({
            "verdict": "failed",
            "failures": [{"code": code, "detail": detail}],
        });
        println!("{object}");
    }
}

/// Writes each file as `<name>.bin` and the report as `report.json` into `dir`.
fn write_out(
    dir: &Path,
    document: &idproof_core::reader::Document,
    report_json: &str,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (file, bytes) in &document.files {
        let name = format!("{}.bin", file.name().replace('/', "_"));
        std::fs::write(dir.join(name), bytes)?;
    }
    std::fs::write(dir.join("report.json"), format!("{report_json}\n"))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn options(extra: &[&str]) -> ReadOptions {
        let argv = [&["idproof-read", "--can", "123456"][..], extra].concat();
        Cli::try_parse_from(argv).unwrap().args.read_options()
    }

    #[test]
    fn access_flags_map_to_the_core_policy() {
        let default = options(&[]);
        assert_eq!(default.access, AccessPolicy::Auto);
        assert!(!default.allow_bac_fallback);
        assert!(default.chip_authentication);
        let argv = ["idproof-read", "--mrz", "P<UTO", "--bac-only"];
        let bac = Cli::try_parse_from(argv).unwrap().args.read_options();
        assert_eq!(bac.access, AccessPolicy::BacOnly);
        let argv = ["idproof-read", "--mrz", "P<UTO", "--allow-bac-fallback"];
        let fallback = Cli::try_parse_from(argv).unwrap().args.read_options();
        assert_eq!(fallback.access, AccessPolicy::Auto);
        assert!(fallback.allow_bac_fallback);
    }

    #[test]
    fn active_authentication_runs_with_the_given_or_a_fresh_random_challenge() {
        assert_eq!(
            options(&["--challenge", "0102030405060708"]).active_authentication,
            Some([1, 2, 3, 4, 5, 6, 7, 8])
        );
        assert_eq!(options(&["--no-aa"]).active_authentication, None);
        let a = options(&[]).active_authentication.unwrap();
        let b = options(&[]).active_authentication.unwrap();
        assert_ne!(a, b, "a fresh challenge per read");
    }

    #[test]
    fn with_trust_only_authentic_exits_0() {
        assert_eq!(exit_code(Verdict::Authentic, true), EXIT_OK);
        assert_eq!(exit_code(Verdict::Incomplete, true), EXIT_FAILED);
        assert_eq!(exit_code(Verdict::Failed, true), EXIT_FAILED);
        assert_eq!(exit_code(Verdict::Authentic, false), EXIT_OK);
        assert_eq!(exit_code(Verdict::Incomplete, false), EXIT_OK);
        assert_eq!(exit_code(Verdict::Failed, false), EXIT_FAILED);
    }

    #[test]
    fn the_can_is_checked_and_kept_redacted() {
        let argv = ["idproof-read", "--can", " 0123456789 "];
        let cli = Cli::try_parse_from(argv).unwrap();
        assert_eq!(cli.args.can.as_ref().map(Can::digits), Some("0123456789"));
        assert!(!format!("{cli:?}").contains("0123456789"));
        let (key, mrz) = access_key(&cli.args).unwrap();
        assert!(matches!(key, AccessKey::Can(_)));
        assert!(mrz.is_none());
    }
}

#[cfg(test)]
mod session_failure_tests {
    use super::*;
    use idproof_core::reader::TransportError;

    #[test]
    fn a_chip_fault_keeps_its_code_whatever_pcsc_said_before() {
        let fault = TransportError::ChipFault(
            "the chip kept answering 61xx (more data) after 256 GET RESPONSE rounds".into(),
        );
        let e = idproof_core::Error::from(fault);
        for last in [None, Some(PcscError::ReaderGone("R".into()))] {
            assert_eq!(
                session_failure(e.clone(), last.as_ref(), "R"),
                SessionFailure::Read(idproof_core::Error::new(
                    ErrorCode::ChipProtocol,
                    "the chip kept answering 61xx (more data) after 256 GET RESPONSE rounds"
                ))
            );
        }
    }

    #[test]
    fn only_pcsc_says_the_reader_is_gone() {
        let e = idproof_core::Error::from(TransportError::Other("driver error".into()));
        assert_eq!(
            session_failure(e.clone(), None, "R"),
            SessionFailure::Transport("driver error".into())
        );
        let gone = PcscError::ReaderGone("R".into());
        assert_eq!(
            session_failure(e, Some(&gone), "R"),
            SessionFailure::Reader(gone)
        );
        let lost = idproof_core::Error::from(TransportError::TagLost);
        assert_eq!(
            session_failure(lost, None, "R"),
            SessionFailure::Reader(PcscError::CardRemoved("R".into()))
        );
    }

    #[test]
    fn every_other_code_is_the_read_s_own_failure() {
        for &code in ErrorCode::ALL {
            if matches!(code, ErrorCode::TagLost | ErrorCode::Transport) {
                continue;
            }
            let e = idproof_core::Error::new(code, "d");
            assert_eq!(
                session_failure(e.clone(), Some(&PcscError::ReaderGone("R".into())), "R"),
                SessionFailure::Read(e)
            );
        }
    }
}
