//! The `idproof` command line. See ARCHITECTURE.md "CLI contract" for exit codes and JSON.
//!
//! Usage errors are clap's, which exit with code 2. Each subcommand returns its own exit
//! code: 0 valid, 1 checked and failed, 3 reader/transport error.

mod apdu_log;
mod cmd;
mod flow_driver;
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

fn main() -> ExitCode {
    let cli = Cli::parse();
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
    ExitCode::from(code)
}
