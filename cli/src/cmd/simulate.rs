//! `idproof simulate [--profile NAME] [--vpcd HOST:PORT] [--write-csca PATH] [--dump DIR]`:
//! serve a virtual passport to pcscd.
//!
//! Puts the fixtures' virtual chip (the specimen passport, with any chip profile) into
//! vsmartcard's virtual reader, so any PC/SC application — `idproof read`, JMRTD, gmrtd —
//! sees a passport in "Virtual PCD 00 00". Once connected it prints `ready`,
//! `MRZ: <lines joined by a space>` and, when the document has one, `CAN: <digits>` on stdout.
//! `--write-csca PATH` first writes the CSCA that issued the document's signer (DER), so
//! `idproof read --trust PATH` can end `authentic`; `--dump DIR` writes the files the chip
//! holds (`<NAME>.bin`, plus `csca.der` and `dsc.der`), to compare a read's `--out` with. A `tag-loss-at-N` profile takes the card
//! out of the reader at the n-th APDU and puts it back after `--reinsert-after-ms`.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use idproof_fixtures::vpcd::{self, DEFAULT_VPCD_ADDR, VpcdEvent};

use super::{EXIT_OK, EXIT_READER, EXIT_USAGE};

/// Arguments of `idproof simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The virtual chip's behaviour (`idproof demo --list-profiles` lists them).
    #[arg(long, default_value = "specimen", value_name = "NAME")]
    pub profile: String,
    /// Where vpcd listens (35963 is reader "Virtual PCD 00 00", 35964 "… 00 01").
    #[arg(long, default_value = DEFAULT_VPCD_ADDR, value_name = "HOST:PORT")]
    pub vpcd: String,
    /// After a scripted tag loss, how long the card stays out of the reader.
    #[arg(long, default_value_t = 500, value_name = "MS")]
    pub reinsert_after_ms: u64,
    /// Write the document's CSCA certificate (DER) here before serving, for `read --trust`.
    #[arg(long, value_name = "PATH")]
    pub write_csca: Option<PathBuf>,
    /// Write the files the chip holds (`COM.bin`, `SOD.bin`, `DG1.bin`, …, `CardAccess.bin`)
    /// and the certificates (`csca.der`, `dsc.der`) into DIR before serving.
    #[arg(long, value_name = "DIR")]
    pub dump: Option<PathBuf>,
    /// Log power, reset and APDU events on stderr.
    #[arg(long, short)]
    pub verbose: bool,
}

/// Serves until vpcd closes the connection (pcscd stopped); exit 3 if vpcd is unreachable.
pub fn run(args: &Args) -> u8 {
    let passport = match super::specimen_passport(&args.profile) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Some(path) = &args.write_csca
        && let Err(e) = std::fs::write(path, passport.document.pki.csca_der())
    {
        eprintln!("error: cannot write the CSCA to {}: {e}", path.display());
        return EXIT_USAGE;
    }
    if let Some(dir) = &args.dump
        && let Err(e) = passport.document.write_to(dir)
    {
        eprintln!(
            "error: cannot write the chip's files to {}: {e}",
            dir.display()
        );
        return EXIT_USAGE;
    }
    let mrz_line = passport.mrz.lines().join(" ");
    let can = passport.document.security.can.clone();
    let mut chip = passport.chip;
    let verbose = args.verbose;
    let result = vpcd::serve(
        &args.vpcd,
        &mut chip,
        Duration::from_millis(args.reinsert_after_ms),
        || {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "ready");
            let _ = writeln!(out, "MRZ: {mrz_line}");
            if let Some(can) = &can {
                let _ = writeln!(out, "CAN: {can}");
            }
            let _ = out.flush();
        },
        |event| match event {
            VpcdEvent::TagLost => eprintln!("simulate: tag lost: card removed from the reader"),
            VpcdEvent::Reinserted => eprintln!("simulate: card put back in the reader"),
            VpcdEvent::Apdu { command, response } if verbose => {
                eprintln!("simulate: APDU {command} bytes -> {response} bytes");
            }
            other if verbose => eprintln!("simulate: {other:?}"),
            _ => {}
        },
    );
    match result {
        Ok(()) => {
            eprintln!("simulate: vpcd closed the connection (pcscd stopped)");
            EXIT_OK
        }
        Err(e) => {
            eprintln!(
                "error: cannot serve the card to vpcd at {}: {e}: start pcscd with vsmartcard-vpcd (`.ci/pcsc-up.sh`)",
                args.vpcd
            );
            EXIT_READER
        }
    }
}
