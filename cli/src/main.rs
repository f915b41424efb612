//! The `idproof` command line. See ARCHITECTURE.md "CLI contract" for exit codes and JSON.
//!
//! Usage errors (clap's and the subcommands' own, e.g. an unreadable file) exit with code 2;
//! with `--json` on the command line they also print `{"verdict": "error", "error":
//! {"code": "USAGE", "message"}}` on stdout. Each subcommand returns its own exit code: 0
//! valid, 1 checked and failed, 3 reader/transport error. A closed stdout (`| head`) ends
//! the process quietly with 141, what a shell shows for a command stopped by SIGPIPE.

mod apdu_log;
mod cmd;
mod flow_driver;
mod mrz_fields;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Reads and verifies ICAO 9303 travel documents (passports, ID cards).
#[derive(Debug, Parser)]
#[command(name = "idproof", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands; adding one is a variant here and an arm in `main`.
#[derive(Debug, Subcommand)]
enum Command {
    /// Parse and check an MRZ (TD1, TD2, TD3).
    Mrz(cmd::mrz::Args),
    /// Read the built-in virtual specimen passport end to end and report.
    Demo(cmd::demo::Args),
    /// Read a chip through a PC/SC reader, verify it and save it.
    Read(cmd::read::Args),
    /// List the PC/SC readers.
    Readers(cmd::readers::Args),
    /// Serve a virtual passport to pcscd through vsmartcard's virtual reader (vpcd).
    Simulate(cmd::simulate::Args),
    /// Verify dumped files offline: passive authentication against a trust store.
    Verify(cmd::verify::Args),
    /// Inspect trust input: master lists, CSCA certificates, CRLs, PKD LDIF.
    Trust(cmd::trust::Args),
    /// Re-verify an evidence bundle as a backend would.
    Evidence(cmd::evidence::Args),
    /// Run the MitID activation flow (passport/ID card) against the reference backend.
    Flow(cmd::flow::Args),
    /// Decode a DG2 face image (JPEG, JPEG 2000) and optionally write it as PNG.
    Face(cmd::face::Args),
}

/// Exit code when stdout is closed under us: 128 + SIGPIPE, as if the signal had stopped us.
const EXIT_BROKEN_PIPE: i32 = 141;

fn main() -> ExitCode {
    quiet_on_broken_pipe();
    let json = std::env::args_os().any(|a| a == "--json");
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e, json),
    };
    let code = match cli.command {
        Command::Mrz(args) => cmd::mrz::run(&args),
        Command::Demo(args) => cmd::demo::run(&args),
        Command::Read(args) => cmd::read::run(&args),
        Command::Readers(args) => cmd::readers::run(&args),
        Command::Simulate(args) => cmd::simulate::run(&args),
        Command::Verify(args) => cmd::verify::run(&args),
        Command::Trust(args) => cmd::trust::run(&args),
        Command::Evidence(args) => cmd::evidence::run(&args),
        Command::Flow(args) => cmd::flow::run(&args),
        Command::Face(args) => cmd::face::run(&args),
    };
    if code == cmd::EXIT_USAGE
        && json
        && let Some(message) = cmd::take_usage_error()
    {
        print_json_error(&message);
    }
    ExitCode::from(code)
}

/// `println!` panics when stdout is a closed pipe (`idproof verify … --json | head`); Rust
/// ignores SIGPIPE, so the panic is the only signal. Turn exactly that panic into a quiet exit
/// and leave every other panic to the default hook.
fn quiet_on_broken_pipe() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(EXIT_BROKEN_PIPE);
        }
        default_hook(info);
    }));
}

/// A clap error: help and version as clap prints them (exit 0); a usage error on stderr and,
/// under `--json`, as the JSON error object on stdout (exit 2).
fn clap_error(e: &clap::Error, json: bool) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
        || e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand && !json
    {
        e.exit();
    }
    let _ = e.print();
    if json {
        let rendered = e.render().to_string();
        let message = rendered
            .lines()
            .next()
            .unwrap_or("usage error")
            .trim_start_matches("error: ");
        print_json_error(message);
    }
    ExitCode::from(cmd::EXIT_USAGE)
}

/// The one JSON object of a usage error (ARCHITECTURE.md "CLI contract").
fn print_json_error(message: &str) {
    println!("{}", cmd::json_error("USAGE", message));
}
