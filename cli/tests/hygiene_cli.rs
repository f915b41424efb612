//! Issue 13 item 10: a closed stdout, usage errors under `--json`, `simulate --dump` without
//! a reader.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{idproof, json_of, stderr};

const SPECIMEN: [&str; 2] = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
];

/// `idproof … | head` where head has already gone: stdout is a pipe whose read end is
/// closed, so the first write fails with EPIPE. The command ends quietly with 141.
#[test]
fn a_closed_stdout_ends_quietly_with_141() {
    for args in [
        vec!["mrz", SPECIMEN[0], SPECIMEN[1], "--json"],
        vec!["mrz", SPECIMEN[0], SPECIMEN[1]],
        vec!["demo", "--list-profiles"],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_idproof"))
            .args(&args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(141), "{args:?}: {err}");
    }
}

/// Under `--json`, clap's usage errors and the commands' own are one JSON object on stdout
/// (and one line on stderr), exit 2; without `--json`, stdout stays empty.
#[test]
fn usage_errors_under_json_print_the_error_object() {
    for args in [
        vec!["verify", "--json"],                         // clap: missing argument
        vec!["verify", "/nonexistent/SOD.bin", "--json"], // the command: unreadable file
        vec!["mrz", "--json", "--no-such-flag"],          // clap: unknown flag
        vec!["verify", "--at", "yesterday", "x.bin", "--json"], // clap or the command
    ] {
        let out = idproof(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let v = json_of(&out);
        assert_eq!(v["verdict"], "error", "{args:?}: {v}");
        assert_eq!(v["error"]["code"], "USAGE", "{args:?}: {v}");
        assert!(!v["error"]["message"].as_str().unwrap().is_empty(), "{v}");
        assert!(!stderr(&out).contains("panicked"));
    }
    let out = idproof(&["verify", "/nonexistent/SOD.bin"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

/// `simulate --dump DIR` writes the chip's files and exits 0 without waiting for a reader.
#[test]
fn simulate_dump_needs_no_reader() {
    let dir = std::env::temp_dir().join(format!("idproof-hygiene-dump-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut child = Command::new(env!("CARGO_BIN_EXE_idproof"))
        .args(["simulate", "--profile", "modern-passport", "--dump"])
        .arg(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("simulate --dump still waits for a reader after 30 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
    for file in ["COM.bin", "SOD.bin", "DG1.bin", "csca.der", "dsc.der"] {
        assert!(dir.join(file).is_file(), "{file} not written");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
