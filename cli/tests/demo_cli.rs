//! `idproof demo`: exit codes and the JSON contract (`verdict`, `failures`, `checks`, `access`,
//! `apdus`) on every virtual-chip profile.

use serde_json::json;

mod common;
use common::{assurance_reasons, check, idproof, json_of};

/// Every name `demo --list-profiles` prints, the PACE matrix included.
fn listed_profiles() -> Vec<String> {
    let out = idproof(&["demo", "--list-profiles"]);
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The named profiles without the `pace-{mapping}-{group}-{cipher}` matrix (running all
/// of it through the CLI here would be slow).
fn profiles() -> Vec<String> {
    listed_profiles()
        .into_iter()
        .filter(|n| !is_matrix_name(n))
        .collect()
}

fn is_matrix_name(name: &str) -> bool {
    idproof_fixtures::chip::pace_matrix()
        .iter()
        .any(|(n, _)| n == name)
}

#[test]
fn list_profiles_lists_the_pace_matrix_and_the_grammar() {
    let out = idproof(&["demo", "--list-profiles"]);
    let matrix: Vec<String> = listed_profiles()
        .into_iter()
        .filter(|n| is_matrix_name(n))
        .collect();
    let expected: Vec<String> = idproof_fixtures::chip::pace_matrix()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(matrix, expected);
    assert!(
        matrix.contains(&"pace-cam-p256-aes128".to_owned()),
        "{matrix:?}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("clone-of-NAME") && stderr.contains("tag-loss-at-N"),
        "{stderr}"
    );
    // A listed matrix name is one `demo --profile` accepts.
    let first = idproof(&["demo", "--profile", &matrix[0], "--json", "--instant"]);
    assert_ne!(
        first.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
}

#[test]
fn list_profiles_prints_one_name_per_line() {
    assert_eq!(
        profiles(),
        vec![
            "specimen",
            "no-extended-length",
            "eof-6282",
            "le-limit-6700",
            "wrong-le-6cxx",
            "bac-disabled",
            "tag-loss-at-12",
            "small-buffer",
            "modern-passport",
            "pace-gm",
            "pace-im",
            "pace-cam",
            "pace-dh",
            "pace-3des",
            "chip-auth",
            "chip-auth-3des",
            "aa-rsa1024",
            "aa-rsa2048",
            "pace-only",
            "clone",
            "clone-modern",
            "can-only",
        ]
    );
}

#[test]
fn specimen_demo_reads_the_passport_and_reports() {
    let out = idproof(&["demo", "--json", "--instant"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out);
    assert_eq!(v["verdict"], "authentic");
    assert_eq!(v["failures"], json!([]));
    assert_eq!(
        v["access"],
        json!({"protocol": "BAC", "mapping": null, "password": "MRZ", "pace_protocol": null,
               "parameter_id": null, "cipher": "3DES", "pace_offered": false,
               "downgraded": false})
    );
    // EF.ATR/INFO and EF.CardAccess probes, SELECT, BAC (2), the files, INTERNAL AUTHENTICATE.
    assert_eq!(v["apdus"], 40);
    assert_eq!(
        v["document"],
        json!({
            "document_code": "P", "issuing_state": "UTO", "document_number": "L898902C3",
            "surname": "ERIKSSON", "given_names": "ANNA MARIA", "name": "ERIKSSON, ANNA MARIA",
            "nationality": "UTO", "birth_date": "740812", "birth_date_iso": "1974-08-12",
            "sex": "F", "expiry_date": "340415", "expiry_date_iso": "2034-04-15",
            "optional_data": ["ZE184226B"],
            "lines": ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                      "L898902C36UTO7408122F3404159ZE184226B<<<<<16"],
            "full_name_dg11": "ERIKSSON, ANNA MARIA", "place_of_birth_dg11": "ZENITH<UTOPIA",
            "face_image": {"format": "Jpeg2000", "width": 413, "height": 531, "bytes": 14_999},
            "problems": [],
        })
    );
    let names: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
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
        ]
    );
    let status = |name: &str| check(&v, name)["status"].clone();
    assert_eq!(status("dg1_mrz_match"), "passed");
    assert_eq!(status("mrz"), "passed");
    // Active Authentication with the demo's random challenge: a P-256 r ‖ s over it.
    assert_eq!(status("active_authentication"), "passed");
    let aa = &v["active_authentication"];
    assert_eq!(aa["challenge"].as_str().unwrap().len(), 16);
    assert_eq!(aa["response"].as_str().unwrap().len(), 128);
    assert_eq!(aa.get("refused"), None);
    // Human output goes to stderr when --json owns stdout.
    assert!(String::from_utf8_lossy(&out.stderr).contains("ERIKSSON"));
}

#[test]
fn every_profile_gives_the_expected_verdict_and_exit_code() {
    for profile in profiles() {
        let out = idproof(&["demo", "--profile", &profile, "--json", "--instant"]);
        let v = json_of(&out);
        if profile == "bac-disabled" {
            assert_eq!(out.status.code(), Some(1), "{profile}");
            assert_eq!(v["verdict"], "failed");
            assert_eq!(v["failures"][0]["code"], "UNSUPPORTED");
            // The flow stays at the chip step, offering a retry.
            assert_eq!(v["flow"]["step"], "reading_chip");
            assert_eq!(v["assurance"], json!(null));
        } else if profile == "clone" {
            // The copier's AA key does not match DG15: the app's report fails, and the
            // backend, re-verifying the bundle, refuses substantial.
            assert_eq!(out.status.code(), Some(1), "{profile}");
            assert_eq!(v["verdict"], "failed");
            assert_eq!(v["failures"][0]["code"], "AA_FAILED");
            assert_eq!(v["assurance"]["level"], "not_met");
            let reasons = assurance_reasons(&v);
            assert!(
                reasons.iter().any(|r| r == "ANTI_CLONE_FAILED"),
                "{reasons:?}"
            );
        } else if profile == "clone-modern" {
            // Chip Authentication fails inside the read: the flow ends, no retry offered.
            assert_eq!(out.status.code(), Some(1), "{profile}");
            assert_eq!(v["failures"][0]["code"], "CA_FAILED");
            assert_eq!(v["flow"]["step"], "failed");
            assert_eq!(v["flow"]["failure"], "ANTI_CLONE_FAILED");
        } else {
            assert_eq!(v["assurance"]["level"], "substantial", "{profile}");
            assert_eq!(v["flow"]["step"], "done", "{profile}");
            assert_eq!(out.status.code(), Some(0), "{profile}");
            assert_eq!(v["verdict"], "authentic", "{profile}");
            // COM, SOD, DG1, DG2, DG11, DG15; plus EF.CardAccess with PACE, DG14 with Chip
            // Authentication, EF.CardSecurity with PACE-CAM.
            let pace = profile.starts_with("pace")
                || profile == "modern-passport"
                || profile == "can-only";
            let ca = profile.starts_with("chip-auth")
                || profile == "pace-only"
                || profile == "modern-passport";
            let cam = profile == "pace-cam" || profile == "modern-passport";
            let expected = 6 + usize::from(pace) + usize::from(ca) + usize::from(cam);
            assert_eq!(v["files"].as_array().unwrap().len(), expected, "{profile}");
            let protocol = if pace { "PACE" } else { "BAC" };
            assert_eq!(v["access"]["protocol"], protocol, "{profile}");
            let check = |name: &str| {
                v["checks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["name"] == name)
                    .unwrap()["status"]
                    .clone()
            };
            let anti_clone = check("chip_authentication");
            assert_eq!(anti_clone == "passed", ca || cam, "{profile}: {anti_clone}");
            assert_eq!(check("active_authentication"), "passed", "{profile}");
        }
    }
}

#[test]
fn tag_loss_profile_resumes() {
    let v = json_of(&idproof(&[
        "demo",
        "--profile",
        "tag-loss-at-20",
        "--json",
        "--instant",
    ]));
    assert_eq!(v["resumes"], 1);
    assert_eq!(v["sm_restarts"], 0);
    assert_eq!(v["failures"], json!([]));
    // A chip that closes secure messaging on the extended-length probe is re-opened, not "resumed".
    let v = json_of(&idproof(&[
        "demo",
        "--profile",
        "no-extended-length",
        "--json",
        "--instant",
    ]));
    assert_eq!(
        (v["resumes"].clone(), v["sm_restarts"].clone()),
        (json!(0), json!(1))
    );
}

#[test]
fn unknown_profile_is_a_usage_error() {
    let out = idproof(&["demo", "--profile", "no-such-chip"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--list-profiles"));
    assert_eq!(idproof(&["demo", "--bogus"]).status.code(), Some(2));
}

#[test]
fn human_output_names_the_holder_and_the_verdict() {
    let out = idproof(&["demo", "--instant"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in [
        "\n  Name            ERIKSSON, ANNA MARIA\n",
        "\n  Full name (DG11) ERIKSSON, ANNA MARIA\n",
        "\n  Document        P L898902C3 of UTO\n",
        "\n  Born            1974-08-12 (740812), sex F\n",
        "\n  Expires         2034-04-15 (340415)\n",
    ] {
        assert!(stdout.contains(line), "{line:?} not in {stdout}");
    }
    assert!(stdout.contains("Verdict"), "{stdout}");
    assert!(stdout.contains("BAC with the MRZ key, 3DES"), "{stdout}");
    assert!(stdout.contains("40 APDUs"), "{stdout}");
    assert!(
        stdout.contains("active_authentication  passed — ECDSA, SHA-256"),
        "{stdout}"
    );
}

#[test]
fn read_refuses_a_challenge_that_is_not_8_bytes_before_touching_a_reader() {
    for bad in ["0102", "zz02030405060708", "010203040506070809"] {
        let out = idproof(&["read", "--mrz", "P<UTO", "--challenge", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("16 hex digits"),
            "{bad}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
