//! `idproof simulate [--profile NAME] [--vpcd HOST:PORT] [--write-csca PATH] [--dump DIR]`:
//! serve a virtual passport to pcscd.
//!
//! Puts the fixtures' virtual chip (the specimen passport, with any chip profile) into
//! vsmartcard's virtual reader, so any PC/SC application — `idproof read`, JMRTD, gmrtd —
//! sees a passport in "Virtual PCD 00 00". Once connected it prints `ready`,
//! `MRZ: <lines joined by a space>` and, when the document has one, `CAN: <digits>` on stdout.
//! `--write-csca PATH` first writes the CSCA that issued the document's signer (DER), so
//! `idproof read --trust PATH` can end `authentic`; `--dump DIR` writes the files the chip
//! holds (`<NAME>.bin`, plus `csca.der` and `dsc.der`), to compare a read's `--out` with, and
//! exits 0 without a reader unless `--vpcd` is also given. A `tag-loss-at-N` profile takes the card
//! out of the reader at the n-th APDU and puts it back after `--reinsert-after-ms`.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use idproof_fixtures::vpcd::{self, DEFAULT_VPCD_ADDR, VpcdEvent};

use super::{EXIT_OK, EXIT_READER, usage_error};

/// Arguments of `idproof simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The virtual chip's behaviour (`idproof demo --list-profiles` lists them).
    #[arg(long, default_value = "specimen", value_name = "NAME")]
    pub profile: String,
    /// Where vpcd listens (35963 is reader "Virtual PCD 00 00", 35964 "… 00 01"); default
    /// 127.0.0.1:35963. With `--dump`, serve only when this is given.
    #[arg(long, value_name = "HOST:PORT")]
    pub vpcd: Option<String>,
    /// After a scripted tag loss, how long the card stays out of the reader.
    #[arg(long, default_value_t = 500, value_name = "MS")]
    pub reinsert_after_ms: u64,
    /// Write the document's CSCA certificate (DER) here before serving, for `read --trust`.
    #[arg(long, value_name = "PATH")]
    pub write_csca: Option<PathBuf>,
    /// Write the files the chip holds (`COM.bin`, `SOD.bin`, `DG1.bin`, …, `CardAccess.bin`)
    /// and the certificates (`csca.der`, `dsc.der`) into DIR, then exit 0: a dump needs no
    /// reader. Give `--vpcd` too to serve the chip after writing.
    #[arg(long, value_name = "DIR")]
    pub dump: Option<PathBuf>,
    /// Log power, reset and APDU events on stderr.
    #[arg(long, short)]
    pub verbose: bool,
}

/// Serves until vpcd closes the connection (pcscd stopped); exit 3 if vpcd is unreachable.
/// `--dump DIR` without `--vpcd` only writes the files and exits 0.
pub fn run(args: &Args) -> u8 {
    let passport = match super::specimen_passport(&args.profile) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Some(path) = &args.write_csca
        && let Err(e) = std::fs::write(path, passport.document.pki.csca_der())
    {
        return usage_error(format!("cannot write the CSCA to {}: {e}", path.display()));
    }
    if let Some(dir) = &args.dump
        && let Err(e) = passport.document.write_to(dir)
    {
        return usage_error(format!(
            "cannot write the chip's files to {}: {e}",
            dir.display()
        ));
    }
    if args.dump.is_some() && args.vpcd.is_none() {
        return EXIT_OK;
    }
    let vpcd_addr = args.vpcd.as_deref().unwrap_or(DEFAULT_VPCD_ADDR);
    let mrz_line = passport.mrz.lines().join(" ");
    let can = passport.document.security.can.clone();
    let mut chip = passport.chip;
    let verbose = args.verbose;
    let result = vpcd::serve(
        vpcd_addr,
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
                "error: cannot serve the card to vpcd at {vpcd_addr}: {e}: start pcscd with vsmartcard-vpcd (`.ci/pcsc-up.sh`)"
            );
            EXIT_READER
        }
    }
}
