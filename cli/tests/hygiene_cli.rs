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

/// The README's promise, re-checked (issue 13): every file a subcommand takes, given as a
/// nonexistent path, an empty file, random bytes or a truncated real file, ends with exit 2
/// and one line on stderr naming the file (`error: PATH…`), never a panic; under `--json`,
/// stdout is the one error object.
#[test]
fn every_file_argument_refuses_bad_input_in_one_line() {
    let dir = std::env::temp_dir().join(format!("idproof-hygiene-bad-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/data");
    let p = |name: &str| dir.join(name).to_str().unwrap().to_owned();

    // Good inputs for the other arguments of each command: a dump (LDS files only), its
    // CSCA, and an evidence bundle with its nonce.
    let dump = dir.join("dump");
    let out = idproof(&["simulate", "--dump", &p("dump")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    for f in ["COM.bin", "SOD.bin", "DG1.bin", "DG2.bin"] {
        std::fs::copy(dump.join(f), docs.join(f)).unwrap();
    }
    let docs = p("docs");
    let nonce = "00112233445566778899AABBCCDDEEFF";
    let out = idproof(&[
        "demo",
        "--instant",
        "--evidence",
        &p("bundle.json"),
        "--nonce",
        nonce,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // The bad inputs, each a class: missing, empty, noise, and a real file cut short.
    let random: Vec<u8> = (0..700u32)
        .map(|i| i.wrapping_mul(2_654_435_761).to_be_bytes()[1])
        .collect();
    std::fs::write(p("empty"), b"").unwrap();
    std::fs::write(p("random"), &random).unwrap();
    let cut = |from: &std::path::Path, to: &str| {
        let bytes = std::fs::read(from).unwrap();
        std::fs::write(p(to), &bytes[..bytes.len() / 2]).unwrap();
        p(to)
    };
    let cut_dg2 = cut(&dump.join("DG2.bin"), "cut_DG2.bin");
    let cut_sod = cut(&dump.join("SOD.bin"), "cut_SOD.bin");
    let cut_cert = cut(&data.join("pki/DE_CSCA.der"), "cut_csca.der");
    let cut_list = cut(
        &data.join("pki/master-lists/DE_ML_2026-05-28-08-28-45.ml"),
        "cut_list.ml",
    );
    let cut_crl = cut(&data.join("pki/csca/COL.crl"), "cut.crl");
    let cut_bundle = cut(&dir.join("bundle.json"), "cut_bundle.json");
    let cut_events = cut(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/examples/flow-events.json"),
        "cut_events.json",
    );
    let generic = [p("nonexistent"), p("empty"), p("random")];
    let bundle = p("bundle.json");
    let mrz = SPECIMEN;

    // (the command with `{}` where the bad file goes, the truncated real files for the slot)
    let slots: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (vec!["verify", "{}"], vec![&cut_dg2, &cut_sod]),
        (
            vec!["verify", &docs, "--trust", "{}"],
            vec![&cut_cert, &cut_list, &cut_crl],
        ),
        (
            vec!["trust", "inspect", "{}"],
            vec![&cut_cert, &cut_list, &cut_crl],
        ),
        (
            vec!["evidence", "verify", "{}", "--nonce", nonce],
            vec![&cut_bundle],
        ),
        (
            vec![
                "evidence", "verify", &bundle, "--nonce", nonce, "--trust", "{}",
            ],
            vec![&cut_cert, &cut_list],
        ),
        (
            vec!["flow", "--instant", "--events", "{}"],
            vec![&cut_events],
        ),
        (vec!["face", "{}"], vec![&cut_dg2]),
        (
            vec!["read", "--mrz", mrz[0], mrz[1], "--trust", "{}"],
            vec![&cut_cert, &cut_list],
        ),
    ];
    for (template, cut_files) in &slots {
        let inputs = generic
            .iter()
            .map(String::as_str)
            .chain(cut_files.iter().copied());
        for bad in inputs {
            let args: Vec<&str> = template
                .iter()
                .map(|a| if *a == "{}" { bad } else { a })
                .collect();
            let out = idproof(&args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
            assert!(!err.contains("panicked"), "{args:?}: {err}");
            let lines: Vec<&str> = err.lines().collect();
            assert_eq!(lines.len(), 1, "{args:?}: one line, got {err}");
            assert!(lines[0].starts_with("error: "), "{args:?}: {err}");
            assert!(
                lines[0].contains(bad),
                "{args:?}: the line names {bad}: {err}"
            );
            assert!(out.stdout.is_empty(), "{args:?}: stdout stays empty");

            let mut json_args = args.clone();
            json_args.push("--json");
            let out = idproof(&json_args);
            assert_eq!(out.status.code(), Some(2), "{json_args:?}");
            let v = json_of(&out);
            assert_eq!(v["verdict"], "error", "{json_args:?}: {v}");
            assert!(
                v["error"]["message"].as_str().unwrap().contains(bad),
                "{json_args:?}: {v}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
