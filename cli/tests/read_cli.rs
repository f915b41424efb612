//! `idproof read` and `idproof simulate` without a card: the new flags' argument errors (exit 2
//! and a message, before any reader is touched), flags that are accepted reaching the reader
//! (exit 3 when pcscd is not there), and what `simulate --write-csca/--dump` writes. The reads
//! through pcscd + vpcd are in `.ci/test-pcsc`.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::{idproof, stderr};

/// A reader that never exists, so no test can reach a real card even if pcscd runs.
const NO_READER: &str = "No Such Reader";

/// `idproof` with the pcsc-lite client pointed at a socket nobody serves: "pcscd not running".
fn idproof_without_pcscd(args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_idproof"))
        .args(args)
        .env("PCSCLITE_CSOCK_NAME", dir.join("no-pcscd.comm"))
        .output()
        .expect("run idproof")
}

fn read(extra: &[&str]) -> Output {
    let mut args = vec!["read", "--reader", NO_READER, "--wait", "0"];
    args.extend_from_slice(extra);
    idproof(&args)
}

fn assert_usage(out: &Output, needle: &str, case: &str) {
    assert_eq!(out.status.code(), Some(2), "{case}: {}", stderr(out));
    assert!(
        stderr(out).contains(needle),
        "{case}: expected '{needle}' in: {}",
        stderr(out)
    );
    assert!(out.stdout.is_empty(), "{case}: nothing on stdout");
}

fn data(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/data")
        .join(path)
        .display()
        .to_string()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("idproof-read-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const MRZ: [&str; 2] = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F3404159ZE184226B<<<<<16",
];

#[test]
fn a_can_that_is_not_6_to_10_digits_is_a_usage_error() {
    for bad in ["12", "12345", "12345a", "12345678901", "", "12 3456"] {
        assert_usage(
            &read(&["--can", bad]),
            "a CAN is 6 to 10 digits",
            &format!("--can '{bad}'"),
        );
    }
}

#[test]
fn the_can_excludes_the_mrz_options_and_bac() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["--can", "123456", "--mrz", MRZ[0], MRZ[1]],
            "'--can <DIGITS>' cannot be used with '--mrz <LINE>...'",
        ),
        (
            &[
                "--can",
                "123456",
                "--doc-number",
                "L898902C3",
                "--birth",
                "740812",
                "--expiry",
                "340415",
            ],
            "cannot be used with",
        ),
        (
            &["--can", "123456", "--bac-only"],
            "'--can <DIGITS>' cannot be used with '--bac-only'",
        ),
        (
            &["--can", "123456", "--allow-bac-fallback"],
            "'--can <DIGITS>' cannot be used with '--allow-bac-fallback'",
        ),
        (&[], "required arguments were not provided"),
    ];
    for (args, needle) in cases {
        assert_usage(&read(args), needle, &args.join(" "));
    }
}

#[test]
fn bac_only_excludes_the_bac_fallback_and_no_aa_excludes_a_challenge() {
    assert_usage(
        &read(&[
            "--mrz",
            MRZ[0],
            MRZ[1],
            "--bac-only",
            "--allow-bac-fallback",
        ]),
        "'--bac-only' cannot be used with '--allow-bac-fallback'",
        "--bac-only --allow-bac-fallback",
    );
    assert_usage(
        &read(&[
            "--mrz",
            MRZ[0],
            MRZ[1],
            "--no-aa",
            "--challenge",
            "0102030405060708",
        ]),
        "'--no-aa' cannot be used with '--challenge <HEX>'",
        "--no-aa --challenge",
    );
}

#[test]
fn unusable_trust_input_is_a_usage_error_before_the_reader_worded_as_verify_words_it() {
    let dir = temp_dir("trust");
    let missing = dir.join("missing.der").display().to_string();
    let not_trust = dir.join("notes.txt");
    std::fs::write(&not_trust, "not a certificate").unwrap();
    let not_trust = not_trust.display().to_string();
    // `verify` needs a document to get as far as its trust input: a DG1 from the vectors.
    let dump = dir.join("dump");
    std::fs::create_dir_all(&dump).unwrap();
    std::fs::write(
        dump.join("DG1.bin"),
        b"\x61\x5B\x5F\x1F\x58P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F3404159ZE184226B<<<<<16",
    )
    .unwrap();
    let dump = dump.display().to_string();
    for (bad, needle) in [
        (&missing, "cannot read"),
        (
            &not_trust,
            "not a certificate, CRL, master list or LDIF file",
        ),
    ] {
        let out = read(&["--can", "123456", "--trust", bad]);
        assert_usage(&out, &format!("error: --trust {bad}: {needle}"), bad);
        let verify = idproof(&["verify", &dump, "--trust", bad]);
        assert_eq!(verify.status.code(), Some(2), "{}", stderr(&verify));
        assert_eq!(
            stderr(&out),
            stderr(&verify),
            "read and verify share the loader"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn accepted_flags_reach_the_reader_and_fail_there_with_exit_3() {
    let dir = temp_dir("nopcscd");
    let csca = data("pki/DE_CSCA.der");
    let cases: [&[&str]; 4] = [
        &["--can", "123456", "--trust", &csca, "--no-aa"],
        &["--mrz", MRZ[0], MRZ[1], "--bac-only", "--trust", &csca],
        &["--mrz", MRZ[0], MRZ[1], "--allow-bac-fallback"],
        &[
            "--doc-number",
            "L898902C3",
            "--birth",
            "740812",
            "--expiry",
            "340415",
            "--challenge",
            "0102030405060708",
        ],
    ];
    for extra in cases {
        let mut args = vec!["read", "--wait", "0", "--json"];
        args.extend_from_slice(extra);
        let out = idproof_without_pcscd(&args, &dir);
        assert_eq!(out.status.code(), Some(3), "{extra:?}: {}", stderr(&out));
        let json: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
        assert_eq!(json["verdict"], "failed", "{extra:?}");
        assert_eq!(json["failures"][0]["code"], "TRANSPORT", "{extra:?}");
        assert!(
            stderr(&out).contains("pcscd"),
            "{extra:?}: {}",
            stderr(&out)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn simulate_writes_the_csca_and_the_chip_files_before_serving() {
    let dir = temp_dir("simulate");
    let csca = dir.join("csca.der");
    let chip = dir.join("chip");
    // Port 1: nothing listens, so after writing, simulate gives up connecting (exit 3).
    let out = idproof(&[
        "simulate",
        "--profile",
        "can-only",
        "--vpcd",
        "127.0.0.1:1",
        "--write-csca",
        &csca.display().to_string(),
        "--dump",
        &chip.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        out.stdout.is_empty(),
        "not connected: no ready/MRZ/CAN lines"
    );
    let written = std::fs::read(&csca).expect("csca.der written");
    assert_eq!(
        written,
        std::fs::read(chip.join("csca.der")).expect("dump has csca.der"),
        "--write-csca and --dump write the same CSCA"
    );
    for file in ["COM.bin", "SOD.bin", "DG1.bin", "DG2.bin", "CardAccess.bin"] {
        assert!(chip.join(file).is_file(), "{file} in the dump");
    }
    // The dump verifies against the written CSCA: what `read --trust` will be given.
    let verify = idproof(&[
        "verify",
        &chip.display().to_string(),
        "--trust",
        &csca.display().to_string(),
        "--json",
    ]);
    assert_eq!(verify.status.code(), Some(0), "{}", stderr(&verify));
    let json: Value = serde_json::from_slice(&verify.stdout).unwrap();
    assert_eq!(json["verdict"], "authentic");

    let blocked = dir.join("file");
    std::fs::write(&blocked, "").unwrap();
    let out = idproof(&[
        "simulate",
        "--vpcd",
        "127.0.0.1:1",
        "--write-csca",
        &blocked.join("csca.der").display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot write the CSCA"),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
