//! `idproof verify` and `idproof trust inspect`: exit codes and JSON per ARCHITECTURE.md's
//! CLI contract, on factory dumps, real vectors and bad files.

use std::path::{Path, PathBuf};

use idproof_core::lds::{DataGroup, LdsFile};
use idproof_fixtures::factory::DocumentBuilder;

mod common;
use common::{check, idproof, json_of, stderr};

fn data(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/data")
        .join(path)
        .display()
        .to_string()
}

/// A fresh directory under the system temp dir.
fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("idproof-verify-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn specimen_dump(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    DocumentBuilder::specimen()
        .build()
        .unwrap()
        .write_to(&dir)
        .unwrap();
    dir
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

const CHECK_NAMES: [&str; 11] = [
    "sod_signature",
    "dsc_chain",
    "revocation",
    "dg_hashes",
    "com_consistency",
    "mrz",
    "dg1_mrz_match",
    "chip_authentication",
    "active_authentication",
    "lds_parse",
    "card_security",
];

#[test]
fn specimen_dump_with_its_csca_is_authentic_exit_0() {
    let dir = specimen_dump("authentic");
    let csca = dir.join("csca.der");
    let out = idproof(&[
        "verify",
        &s(&dir),
        "--trust",
        &s(&csca),
        "--at",
        "2025-01-01",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["verdict"], "authentic");
    assert_eq!(v["failures"], serde_json::json!([]));
    let names: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, CHECK_NAMES);
    for c in v["checks"].as_array().unwrap() {
        assert!(c.get("code").is_some() && c.get("detail").is_some() && c.get("status").is_some());
    }
    assert_eq!(v["checks"][0]["status"], "passed");
    assert_eq!(v["checks"][1]["status"], "passed");
    assert_eq!(v["checks"][3]["status"], "passed");
    assert_eq!(v["at"], "2025-01-01T00:00:00Z");
    // Human output went to stderr, the note about csca.der/dsc.der too.
    assert!(stderr(&out).contains("skipped"));
    assert!(stderr(&out).contains("Verdict"));
    // Without --json the report is on stdout.
    let out = idproof(&["verify", &s(&dir), "--trust", &s(&csca)]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("authentic"));
}

#[test]
fn without_trust_the_verdict_is_incomplete_exit_1() {
    let dir = specimen_dump("incomplete");
    let out = idproof(&["verify", &s(&dir), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["verdict"], "incomplete");
    assert_eq!(v["checks"][1]["status"], "not_performed");
}

#[test]
fn a_tampered_data_group_fails_exit_1() {
    let dir = specimen_dump("tampered");
    let dg1 = dir.join(format!("{}.bin", LdsFile::Dg(DataGroup::DG1).name()));
    let mut bytes = std::fs::read(&dg1).unwrap();
    let last = bytes.len() - 1;
    bytes[last] = b'X';
    std::fs::write(&dg1, bytes).unwrap();
    let out = idproof(&[
        "verify",
        &s(&dir),
        "--trust",
        &s(&dir.join("csca.der")),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["verdict"], "failed");
    assert_eq!(v["failures"][0]["code"], "PA_HASH");
}

#[test]
fn real_sod_with_a_master_list_and_its_root() {
    let out = idproof(&[
        "verify",
        &data("lds/jmrtd-legacy_NZ2013_EF_SOD.bin"),
        "--trust",
        &data("pki/csca/DE_ROOT_CA_CSCA07.cer"),
        "--trust",
        &data("pki/master-lists/DE_ML_2026-05-28-08-28-45.ml"),
        "--trust",
        &data("pki/master-lists/ICAO_ml_01April2025.ml"),
        "--json",
    ]);
    // A SOD alone is incomplete (no data group to hash), never authentic; its signature and
    // chain (expired NZ CSCA, judged at signingTime) pass.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["verdict"], "incomplete");
    assert_eq!(v["checks"][0]["status"], "passed");
    assert_eq!(v["checks"][1]["status"], "passed", "{}", v["checks"][1]);
    assert_eq!(v["checks"][3]["status"], "not_performed");
}

#[test]
fn bad_files_exit_2_with_one_line() {
    let dir = temp_dir("bad");
    let garbage = dir.join("garbage.bin");
    std::fs::write(&garbage, b"this is not a passport file").unwrap();
    let empty = dir.join("empty.bin");
    std::fs::write(&empty, b"").unwrap();
    let sod = std::fs::read(data("lds/bsi-tr03105_EF_SOD.bin")).unwrap();
    let truncated = dir.join("truncated.bin");
    std::fs::write(&truncated, &sod[..sod.len() / 2]).unwrap();
    let missing = dir.join("missing.bin");
    for path in [&garbage, &empty, &truncated, &missing] {
        let out = idproof(&["verify", &s(path), "--json"]);
        assert_eq!(out.status.code(), Some(2), "{}", path.display());
        let err = stderr(&out);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.starts_with("error: "), "{err}");
        // Under --json a usage error is also the one JSON object on stdout (issue 13 item 10).
        let v = json_of(&out);
        assert_eq!(v["verdict"], "error", "{v}");
        assert_eq!(v["error"]["code"], "USAGE", "{v}");
        let message = v["error"]["message"].as_str().unwrap();
        assert_eq!(format!("error: {message}"), err.trim(), "{v}");
    }
    let good = data("lds/bsi-tr03105_EF_SOD.bin");
    let out = idproof(&["verify", &good, "--at", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    let out = idproof(&["verify", &good, "--trust", &s(&garbage)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a certificate"));
    let out = idproof(&["verify", &good, &good]);
    assert_eq!(out.status.code(), Some(2));
    let out = idproof(&["verify"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn trust_inspect_reports_countries_counts_and_verification() {
    let out = idproof(&[
        "trust",
        "inspect",
        &data("pki/csca"),
        &data("pki/master-lists/NL_MASTERLIST_20211207.mls"),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["verdict"], "valid");
    assert_eq!(v["failures"], serde_json::json!([]));
    assert!(v["countries"]["NL"]["cscas"].as_u64().unwrap() >= 1);
    assert_eq!(v["countries"]["CO"]["crls"], 1);
    let sources = v["sources"].as_array().unwrap();
    let ml = sources.iter().find(|s| s["kind"] == "master_list").unwrap();
    assert_eq!(ml["certificates"], 306);
    assert_eq!(ml["verification"], "passed");
    let crl = sources.iter().find(|s| s["kind"] == "crl").unwrap();
    assert_eq!(crl["verification"], "passed", "{crl}");

    // A master list without its root is refused (exit 1) unless trusted as is.
    let ml = data("pki/master-lists/NL_ML_2026-07-22.ml");
    let out = idproof(&["trust", "inspect", &ml, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["verdict"], "invalid");
    assert_eq!(v["failures"][0]["code"], "TRUST_UNVERIFIED");
    let out = idproof(&["trust", "inspect", &ml, "--trust-unverified-lists"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("411 certificates"));

    let out = idproof(&["trust", "inspect", &data("lds/bsi-tr03105_EF_SOD.bin")]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn deviation_lists_are_inspected_and_annotate_verify() {
    use idproof_fixtures::factory::deviation::{
        DG_HASH_WRONG, DeviationEntry, DeviationText, deviation_list,
    };
    let doc = DocumentBuilder::specimen().build().unwrap();
    let trust = temp_dir("dvl-trust");
    std::fs::write(trust.join("csca.der"), doc.pki.csca_der()).unwrap();
    let (signer, key) = doc.pki.issue_signer(7, "Deviation List Signer").unwrap();
    let entry = DeviationEntry::for_dsc(doc.pki.dsc())
        .describe(DeviationText::datagroup(DG_HASH_WRONG, 2).text("known bad DG2 hash"));
    let dvl = trust.join("UT.dvl");
    std::fs::write(
        &dvl,
        deviation_list(
            &[entry],
            &signer,
            &key,
            idproof_fixtures::pki::date(2025, 1, 1),
        )
        .unwrap(),
    )
    .unwrap();

    let out = idproof(&["trust", "inspect", &s(&trust), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["verdict"], "valid");
    assert_eq!(v["deviations"], 1);
    assert_eq!(v["countries"]["UT"]["deviations"], 1);
    let sources = v["sources"].as_array().unwrap();
    let source = sources
        .iter()
        .find(|s| s["kind"] == "deviation_list")
        .unwrap();
    assert_eq!(source["deviations"], 1);
    assert_eq!(source["verification"], "passed");
    let out = idproof(&["trust", "inspect", &s(&trust)]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains(", 1 deviations, 1 countries"), "{text}");
    assert!(text.contains("DeviationList"), "{text}");
    assert!(
        text.contains(": 1 deviations; verified: 1 deviation(s) of UT"),
        "{text}"
    );

    // Without its CSCA the list is refused like an unverified master list.
    let out = idproof(&["trust", "inspect", &s(&dvl), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["failures"][0]["code"], "TRUST_UNVERIFIED");
    let detail = v["failures"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("not verified (deviation list: signer"),
        "{detail}"
    );

    // A dump whose DG2 does not match: still failed (exit 1), with the deviation noted.
    let dump = temp_dir("dvl-dump");
    doc.write_to(&dump).unwrap();
    let dg2 = dump.join(format!("{}.bin", LdsFile::Dg(DataGroup::DG2).name()));
    let mut bytes = std::fs::read(&dg2).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&dg2, bytes).unwrap();
    let out = idproof(&["verify", &s(&dump), "--trust", &s(&trust), "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["verdict"], "failed");
    let hashes = check(&v, "dg_hashes");
    assert_eq!(hashes["status"], "failed");
    assert_eq!(hashes["code"], "PA_HASH");
    assert_eq!(hashes["deviations"][0]["code"], "DEVIATION_DG_HASH_WRONG");
    assert!(
        v["failures"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("known bad DG2 hash")
    );
}

/// Issue 13 item 1: a dump without DG1, or whose DG1 does not start with its tag, is never
/// `authentic`: without DG1 the verdict is `incomplete` (exit 1) and says DG1 was not given;
/// a corrupt DG1.bin named on the command line is unusable input (exit 2).
#[test]
fn a_dump_without_a_readable_dg1_is_never_authentic() {
    let dir = specimen_dump("no-dg1");
    std::fs::remove_file(dir.join("DG1.bin")).unwrap();
    let csca = s(&dir.join("csca.der"));
    let out = idproof(&[
        "verify",
        &s(&dir),
        "--trust",
        &csca,
        "--at",
        "2025-01-01",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["verdict"], "incomplete");
    let mrz = check(&v, "mrz");
    assert_eq!(mrz["status"], "not_performed");
    assert!(
        mrz["detail"]
            .as_str()
            .unwrap()
            .contains("DG1 was not given"),
        "{mrz}"
    );

    let dir = specimen_dump("bad-dg1");
    let dg1 = dir.join("DG1.bin");
    let mut bytes = std::fs::read(&dg1).unwrap();
    bytes[0] ^= 0xFF;
    std::fs::write(&dg1, &bytes).unwrap();
    let out = idproof(&[
        "verify",
        &s(&dir),
        "--trust",
        &csca,
        "--at",
        "2025-01-01",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("DG1"), "{}", stderr(&out));
}

/// Issue 13 item 5: `verify --mrz` gives the MRZ the chip was opened with, so
/// `dg1_mrz_match` is performed offline; another document's MRZ fails it.
#[test]
fn verify_with_the_access_mrz_compares_it_with_dg1() {
    let dir = specimen_dump("with-mrz");
    let csca = s(&dir.join("csca.der"));
    let run = |lines: [&str; 2]| {
        let out = idproof(&[
            "verify",
            &s(&dir),
            "--trust",
            &csca,
            "--at",
            "2025-01-01",
            "--json",
            "--mrz",
            lines[0],
            lines[1],
        ]);
        (out.status.code(), json_of(&out))
    };
    let specimen = DocumentBuilder::specimen().build().unwrap();
    let lines = specimen.mrz_lines;
    let (code, v) = run([&lines[0], &lines[1]]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(check(&v, "dg1_mrz_match")["status"], "passed");
    // ICAO 9303-4's worked example: the same person, the 2012 expiry.
    let other = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
    let (code, v) = run([&lines[0], other]);
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(check(&v, "dg1_mrz_match")["status"], "failed");
}

/// A dump of the `pace-cam` chip's files as `simulate --dump` writes them, named as
/// `read --out` names them (`CardAccess.bin`, `CardSecurity.bin`, …).
fn pace_cam_dump(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    let out = idproof(&["simulate", "--profile", "pace-cam", "--dump", &s(&dir)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

#[test]
fn a_pace_cam_dump_verifies_card_security_and_card_access() {
    let dir = pace_cam_dump("pace-cam");
    let csca = dir.join("csca.der");
    let args = [
        "verify",
        &s(&dir),
        "--trust",
        &s(&csca),
        "--at",
        "2025-01-01",
        "--json",
    ];
    let out = idproof(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["verdict"], "authentic");
    let files: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "CardAccess",
            "CardSecurity",
            "COM",
            "SOD",
            "DG1",
            "DG2",
            "DG11",
            "DG15"
        ]
    );
    assert_eq!(
        check(&v, "card_security"),
        &serde_json::json!({
            "name": "card_security",
            "status": "passed",
            "code": null,
            "detail": "EF.CardSecurity signed by C=UT, O=Utopia Test Authority, CN=Document \
                Signer Utopia (idproof test), chain valid at 2024-06-01T00:00:00Z (signingTime); \
                EF.CardAccess's 1 PACEInfo(s) and 0 PACEDomainParameterInfo(s) are signed in \
                EF.CardSecurity",
        })
    );
    // Only dsc.der is skipped (csca.der is the --trust given): every chip file was taken.
    let err = stderr(&out);
    let skipped: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("note: skipped"))
        .map(|l| l.rsplit('/').next().unwrap())
        .collect::<Vec<_>>();
    assert_eq!(
        skipped,
        ["dsc.der: a certificate, not a document file (give it with --trust to trust it)"]
    );

    // One byte of EF.CardSecurity's signature flipped: failed, SIGNATURE, exit 1.
    let path = dir.join("CardSecurity.bin");
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    let out = idproof(&args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["verdict"], "failed");
    assert_eq!(
        v["failures"],
        serde_json::json!([{
            "code": "SIGNATURE",
            "detail": "EF.CardSecurity: signer signature: the signature does not verify",
        }])
    );
}

#[test]
fn card_access_alone_is_recognised_and_described() {
    let dir = pace_cam_dump("card-access-alone");
    let access = dir.join("CardAccess.bin");
    let out = idproof(&["verify", &s(&access), "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["verdict"], "incomplete");
    assert_eq!(v["files"][0]["file"], "CardAccess");
    assert_eq!(check(&v, "card_security")["status"], "not_performed");
    assert_eq!(
        check(&v, "card_security")["detail"],
        "EF.CardSecurity was not given, so EF.CardAccess (which offers \
         id-PACE-ECDH-CAM-AES-CBC-CMAC-128 (v2, parameterId 13)) is not proven by a signature"
    );
    // A file named as EF.CardAccess that is not one is an error, never skipped.
    let bad = temp_dir("card-access-named");
    std::fs::write(bad.join("CardAccess.bin"), b"\x31\x03\x02\x01\x01").unwrap();
    let out = idproof(&["verify", &s(&bad)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "CardAccess.bin: named as CardAccess but not an LDS file (no COM, SOD or data-group \
             tag at the start, and not EF.CardAccess SecurityInfos or a CMS SignedData of EF.SOD \
             or EF.CardSecurity)"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_bare_signed_data_sod_is_taken_with_a_note() {
    let dir = specimen_dump("bare-sod");
    let sod_path = dir.join("SOD.bin");
    let wrapped = std::fs::read(&sod_path).unwrap();
    let bare = idproof_core::lds::Sod::parse(&wrapped)
        .unwrap()
        .content_info()
        .to_vec();
    assert_eq!(bare[0], 0x30);
    std::fs::write(&sod_path, &bare).unwrap();
    let csca = dir.join("csca.der");
    let note = "EF.SOD given without its 77 wrapper (a bare CMS SignedData): verified as EF.SOD; \
                the wrapper is covered by no signature";
    // In a folder and as a file named on the command line: the same.
    let files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "bin"))
        .map(|p| s(&p))
        .collect();
    let mut explicit = vec![
        "verify",
        "--trust",
        s(&csca).leak(),
        "--at",
        "2025-01-01",
        "--json",
    ];
    explicit.extend(files.iter().map(String::as_str));
    for args in [
        vec![
            "verify",
            s(&dir).leak(),
            "--trust",
            s(&csca).leak(),
            "--at",
            "2025-01-01",
            "--json",
        ],
        explicit,
    ] {
        let out = idproof(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let v = json_of(&out);
        assert_eq!(v["verdict"], "authentic");
        let sod = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["file"] == "SOD")
            .unwrap();
        assert_eq!(sod["note"], note);
        // Only the SOD carries a note.
        let notes = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f.get("note").is_some());
        assert_eq!(notes.count(), 1);
        assert!(
            stderr(&out).contains(&format!("SOD.bin: {note}")),
            "{}",
            stderr(&out)
        );
        assert_eq!(check(&v, "sod_signature")["status"], "passed");
    }
    // A ContentInfo of something else (a master list's content type) is not an EF.SOD.
    let ml = data("pki/master-lists/ICAO_ml_01April2025.ml");
    let out = idproof(&["verify", &ml]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not an LDS file"), "{}", stderr(&out));
}

/// A dump folder holds the certificates `simulate --dump` writes beside the files: the one
/// given with `--trust` is used without a word, the other is named as a certificate (with
/// the flag that would use it), and other non-document files are skipped as before.
#[test]
fn certificates_in_a_dump_folder_are_named_as_such() {
    let dir = pace_cam_dump("certs-in-dump");
    std::fs::write(dir.join("notes.txt"), b"scanned at the desk").unwrap();
    let out = idproof(&["verify", &s(&dir), "--trust", &s(&dir.join("csca.der"))]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let notes: Vec<String> = stderr(&out)
        .lines()
        .filter(|l| l.starts_with("note: "))
        .map(str::to_owned)
        .collect();
    assert_eq!(
        notes,
        [
            format!(
                "note: skipped {}: a certificate, not a document file (give it with --trust to \
                 trust it)",
                s(&dir.join("dsc.der"))
            ),
            format!(
                "note: skipped {}: not an LDS file",
                s(&dir.join("notes.txt"))
            ),
        ]
    );
}
