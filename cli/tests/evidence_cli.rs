//! `idproof demo --evidence` and `idproof evidence verify`: the round trip a backend makes,
//! exit codes and JSON per ARCHITECTURE.md's CLI contract, and refusals of bad bundles.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};
use sha2::Digest;

mod common;
use common::{idproof, json_of, stderr};

const NONCE: &str = "00112233445566778899AABBCCDDEEFF";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "idproof-evidence-cli-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// Runs the demo with `profile`, writing the bundle and the CSCA into a fresh directory.
fn demo(profile: &str, name: &str) -> (PathBuf, PathBuf, Value) {
    let dir = temp_dir(name);
    let bundle = dir.join("bundle.json");
    let csca = dir.join("csca.der");
    let out = idproof(&[
        "demo",
        "--profile",
        profile,
        "--instant",
        "--json",
        "--evidence",
        &s(&bundle),
        "--csca-out",
        &s(&csca),
        "--nonce",
        NONCE,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    (bundle, csca, json_of(&out))
}

fn verify(bundle: &Path, csca: &Path, nonce: &str) -> Output {
    idproof(&[
        "evidence",
        "verify",
        &s(bundle),
        "--trust",
        &s(csca),
        "--nonce",
        nonce,
        "--json",
    ])
}

fn status_of(v: &Value, list: &str, name: &str) -> Value {
    v[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {list}"))["status"]
        .clone()
}

#[test]
fn demo_bundle_reverifies_with_pace_cam_and_aa() {
    let (bundle, csca, demo) = demo("modern-passport", "roundtrip");
    let text = std::fs::read(&bundle).unwrap();
    assert_eq!(demo["evidence"]["path"], s(&bundle));
    assert_eq!(demo["evidence"]["nonce"], NONCE);
    // The session the demo flow's reference backend opened (12 random bytes, hex).
    let session = demo["evidence"]["session_id"].as_str().unwrap();
    assert_eq!(session.len(), 24, "{session}");
    assert!(session.bytes().all(|b| b.is_ascii_hexdigit()), "{session}");
    assert!(String::from_utf8_lossy(&text).contains(session));
    assert_eq!(
        demo["evidence"]["sha256"],
        hex::encode(sha2::Sha256::digest(&text))
    );
    // AA ran over the nonce's first 8 bytes.
    assert_eq!(demo["active_authentication"]["challenge"], &NONCE[..16]);

    let out = verify(&bundle, &csca, NONCE);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["verdict"], "authentic");
    assert_eq!(v["failures"], json!([]));
    for name in ["format", "nonce", "aa_challenge", "app_report"] {
        assert_eq!(status_of(&v, "evidence_checks", name), "passed", "{name}");
    }
    for name in [
        "chip_authentication",
        "active_authentication",
        "dg_hashes",
        "dsc_chain",
    ] {
        assert_eq!(status_of(&v, "checks", name), "passed", "{name}");
    }
    assert_eq!(v["session_id"], session);
    assert_eq!(v["producer"]["library"], "idproof-core");
    // The demo's bundle is the one its activation flow submitted, face result (simulated as
    // passed) included: the backend's re-verification reaches Substantial.
    assert_eq!(
        v["assurance"],
        json!({"level": "substantial", "reasons": []})
    );
    assert_eq!(v["anti_clone"][0]["class"], "aa_server_nonce");

    // Another session's nonce: the bundle and its AA challenge are both for the old one.
    let out = verify(&bundle, &csca, "FFEEDDCCBBAA99887766554433221100");
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["verdict"], "failed");
    let codes: Vec<&str> = v["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["NONCE", "AA_CHALLENGE"]);

    // Human output without --json.
    let out = idproof(&[
        "evidence",
        "verify",
        &s(&bundle),
        "--trust",
        &s(&csca),
        "--nonce",
        NONCE,
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Verdict      authentic"), "{text}");
    assert!(text.contains("Assurance    substantial"), "{text}");
}

#[test]
fn a_tampered_file_in_the_bundle_fails_with_pa_hash() {
    let (bundle, csca, _) = demo("specimen", "tamper");
    let mut v: Value = serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
    let dg2 = v["files"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f["file"] == "DG2")
        .unwrap();
    let text = dg2["base64"].as_str().unwrap().to_owned();
    // Swap one base64 symbol in the middle: one byte of DG2 changes.
    let mid = text.len() / 2;
    let swapped = if &text[mid..=mid] == "A" { "B" } else { "A" };
    dg2["base64"] = Value::String(format!("{}{swapped}{}", &text[..mid], &text[mid + 1..]));
    std::fs::write(&bundle, v.to_string()).unwrap();
    let out = verify(&bundle, &csca, NONCE);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json_of(&out);
    let codes: Vec<&str> = v["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["EVIDENCE_CLAIM", "PA_HASH"]);
}

#[test]
fn unreadable_bundles_and_bad_arguments_exit_2() {
    let dir = temp_dir("bad");
    let csca = dir.join("none.der");
    let cases = [
        ("garbage.json", "not json at all", "EVIDENCE_FORMAT"),
        ("empty.json", "", "EVIDENCE_FORMAT"),
        (
            "v2.json",
            r#"{"format": "idproof-evidence/2", "whatever": 1}"#,
            "EVIDENCE_VERSION",
        ),
        (
            "fields.json",
            r#"{"format": "idproof-evidence/1"}"#,
            "EVIDENCE_FORMAT",
        ),
    ];
    for (name, content, code) in cases {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        let out = verify(&path, &csca, NONCE);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        let v = json_of(&out);
        assert_eq!(v["verdict"], "error");
        assert_eq!(v["error"]["code"], code, "{name}");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{}: {code}: ", path.display())),
            "{name}: {v}"
        );
        assert_eq!(v["failures"][0]["code"], code, "{name}");
        assert!(stderr(&out).contains(code), "{name}");
    }
    // A missing file, a bad nonce, a bad date.
    let out = verify(&dir.join("missing.json"), &csca, NONCE);
    assert_eq!(out.status.code(), Some(2));
    let path = dir.join("garbage.json");
    for nonce in ["0011", "zz", ""] {
        let out = verify(&path, &csca, nonce);
        assert_eq!(out.status.code(), Some(2), "{nonce}");
        assert!(stderr(&out).contains("--nonce"), "{nonce}");
    }
    let out = idproof(&[
        "evidence",
        "verify",
        &s(&path),
        "--nonce",
        NONCE,
        "--at",
        "tomorrow",
    ]);
    assert_eq!(out.status.code(), Some(2));
    // --nonce is required.
    let out = idproof(&["evidence", "verify", &s(&path)]);
    assert_eq!(out.status.code(), Some(2));
}
