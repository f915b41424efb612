//! `idproof flow`: the activation flow from an events file or the terminal, against the
//! reference backend and the virtual chip — transcript, final state, assurance, exit codes —
//! and that nothing personal reaches stdout's JSON or the disk.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

mod common;
use common::{assurance_reasons, idproof, json_of, stderr};

/// The specimen passport's MRZ (expiry 2034-04-15).
const MRZ: &str =
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F3404159ZE184226B<<<<<16";
const P_CODE: &str = "48151623";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/examples/flow-events.json")
}

/// A fresh, empty directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("idproof-flow-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `script` to a file in `dir` and runs `idproof flow --events FILE --json --instant`
/// with `extra` arguments.
fn run_script(dir: &Path, script: &Value, extra: &[&str]) -> Output {
    let path = dir.join("events.json");
    std::fs::write(&path, script.to_string()).unwrap();
    let mut args = vec![
        "flow",
        "--events",
        path.to_str().unwrap(),
        "--json",
        "--instant",
        "--today",
        "2026-11-30",
    ];
    args.extend_from_slice(extra);
    idproof(&args)
}

/// The happy path's events, specimen passport to "this phone".
fn happy_events() -> Vec<Value> {
    vec![
        json!("choose_passport_or_id_card"),
        json!({"accept_terms": true}),
        json!({"document_kind": "passport"}),
        json!({"country": "UTO"}),
        json!({"p_code": P_CODE}),
        json!({"mrz": MRZ}),
        json!({"face": {"liveness": "passed", "face_match": "passed"}}),
        json!({"user_id": "specimen user 1"}),
        json!({"phone": "+4520000000"}),
        json!("sms_code_received"),
        json!({"usage": "this_phone"}),
    ]
}

fn script(events: Vec<Value>) -> Value {
    #![allow(clippy::needless_pass_by_value)] // reads better at the call sites
    json!({"p_codes": [P_CODE], "events": events})
}

/// The transcript entries that were refused.
fn refused_entries(v: &Value) -> impl Iterator<Item = &Value> {
    v["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| !e["error"].is_null())
}

/// The transcript's refusals as (event, code).
fn refusals(v: &Value) -> Vec<(String, String)> {
    refused_entries(v)
        .map(|e| {
            (
                e["event"].as_str().unwrap().to_owned(),
                e["error"]["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_example_events_file_reaches_substantial_through_three_refusals() {
    let out = idproof(&[
        "flow",
        "--events",
        example().to_str().unwrap(),
        "--json",
        "--instant",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["step"], "done");
    assert_eq!(v["failure"], Value::Null);
    assert_eq!(v["usage"], "this_phone");
    assert_eq!(
        v["assurance"],
        json!({"level": "substantial", "reasons": []})
    );
    assert_eq!(v["local_assurance"]["level"], "substantial");
    assert_eq!(v["chip"], json!({"verdict": "authentic", "failures": []}));
    assert_eq!(
        refusals(&v),
        [
            ("enter_p_code".to_owned(), "P_CODE_FORMAT".to_owned()),
            (
                "backend.user_id_reserved".to_owned(),
                "USER_ID_TAKEN".to_owned()
            ),
            (
                "backend.sms_code_verified".to_owned(),
                "SMS_CODE".to_owned()
            ),
        ]
    );
    // Every action the platform performed, in order.
    let actions: Vec<&str> = v["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["actions"].as_array().unwrap())
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "check_p_code",
            "issue_nonce",
            "read_chip",
            "scan_face",
            "submit_evidence",
            "reserve_user_id",
            "reserve_user_id",
            "send_sms",
            "verify_sms_code",
            "verify_sms_code",
            "completed"
        ]
    );
}

#[test]
fn the_json_holds_no_personal_value() {
    let out = idproof(&[
        "flow",
        "--events",
        example().to_str().unwrap(),
        "--json",
        "--instant",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_lowercase();
    for personal in [
        "eriksson",
        "anna",
        "l898902c3",
        "740812",
        P_CODE,
        "specimen user 1",
        "taken user",
        "+4520000000",
        "20000000",
        "zE184226B",
    ] {
        assert!(
            !stdout.contains(&personal.to_lowercase()),
            "stdout holds {personal}: {stdout}"
        );
    }
}

#[test]
fn nothing_is_written_to_disk() {
    // Working directory, HOME and TMPDIR all point at one empty folder; it stays empty.
    let dir = scratch("disk");
    let work = dir.join("work");
    std::fs::create_dir_all(&work).unwrap();
    let events = dir.join("events.json");
    std::fs::copy(example(), &events).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_idproof"))
        .args(["flow", "--events", events.to_str().unwrap(), "--instant"])
        .current_dir(&work)
        .env("HOME", &work)
        .env("TMPDIR", &work)
        .env("XDG_CACHE_HOME", &work)
        .env("XDG_DATA_HOME", &work)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let left: Vec<_> = std::fs::read_dir(&work).unwrap().collect();
    assert!(left.is_empty(), "files written: {left:?}");
    // The only file in the test folder is the events file the test wrote.
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The transcript's refusals as (code, message).
fn refusal_messages(v: &Value) -> Vec<(String, String)> {
    refused_entries(v)
        .map(|e| {
            (
                e["error"]["code"].as_str().unwrap().to_owned(),
                e["error"]["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn lang_da_shows_danish_messages_under_the_same_codes() {
    let example = example();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "flow",
            "--events",
            example.to_str().unwrap(),
            "--json",
            "--instant",
        ];
        args.extend_from_slice(extra);
        idproof(&args)
    };
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(c, m)| ((*c).to_owned(), (*m).to_owned()))
            .collect()
    };

    // Danish: the example's three refusals (a 7-digit P code first), same codes, Danish text.
    let out = run(&["--lang", "da"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["step"], "done");
    assert_eq!(
        refusal_messages(&v),
        pairs(&[
            (
                "P_CODE_FORMAT",
                "En P-kode består af præcis 8 cifre. Tjek den kode, du har fået fra MitID Support."
            ),
            (
                "USER_ID_TAKEN",
                "Bruger-ID'et er allerede i brug. Vælg et andet."
            ),
            (
                "SMS_CODE",
                "SMS-koden er forkert. Tjek din SMS, og prøv igen."
            ),
        ])
    );
    // The human transcript (stderr with --json) shows the code and the Danish text.
    let err = stderr(&out);
    assert!(
        err.contains("✗ P_CODE_FORMAT En P-kode består af præcis 8 cifre."),
        "{err}"
    );

    // The default is English, and `--lang en` is the same.
    let english = pairs(&[
        (
            "P_CODE_FORMAT",
            "A P code is exactly 8 digits. Check the code you received from MitID Support.",
        ),
        (
            "USER_ID_TAKEN",
            "This user ID is already in use. Choose another one.",
        ),
        (
            "SMS_CODE",
            "The code is not correct. Check the SMS and try again.",
        ),
    ]);
    assert_eq!(refusal_messages(&json_of(&run(&[]))), english);
    assert_eq!(refusal_messages(&json_of(&run(&["--lang", "en"]))), english);

    // The failure in the summary is in Danish too.
    let dir = scratch("lang");
    let out = run_script(
        &dir,
        &script(happy_events()),
        &["--profile", "clone-modern", "--lang", "da"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_of(&out)["failure"], "ANTI_CLONE_FAILED");
    let err = stderr(&out);
    assert!(
        err.contains("(ANTI_CLONE_FAILED: Chippen bestod ikke kontrollen af, om den er ægte.)"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);

    // Only en and da exist.
    let out = run(&["--lang", "de"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--lang"), "{}", stderr(&out));
}

#[test]
fn a_country_other_than_the_documents_is_refused_at_the_mrz() {
    let dir = scratch("country");
    let mut events = happy_events();
    events[3] = json!({"country": "DNK"});
    let out = run_script(&dir, &script(events), &[]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    // The scanned MRZ already names UTO: the mismatch is caught before the chip is touched.
    let codes: Vec<String> = refusals(&v).into_iter().map(|(_, c)| c).collect();
    assert_eq!(codes.first().map(String::as_str), Some("COUNTRY"));
    // The flow waits at the MRZ (the person goes back to fix the country, or scans the
    // right document); the chip was never read.
    assert_eq!(v["transcript"][6]["step"], "mrz");
    assert_eq!(v["chip"], Value::Null);
    assert_ne!(v["step"], "done");
    assert_eq!(v["assurance"], Value::Null);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn wrong_inputs_at_each_step_are_refused_with_their_codes_and_the_flow_still_finishes() {
    let dir = scratch("wrong");
    let mut events = happy_events();
    // Insert a wrong answer before each right one (from the back, so indexes stay valid).
    let wrong = [
        (10, json!({"usage": "this_phone"}), json!("back")),
        (9, json!("sms_code_received"), json!({"sms_code": "12"})),
        (
            8,
            json!({"phone": "+4520000000"}),
            json!({"phone": "12345"}),
        ),
        (
            7,
            json!({"user_id": "specimen user 1"}),
            json!({"user_id": "abcd"}),
        ),
        (5, json!({"mrz": MRZ}), json!({"mrz": "P<UTO"})),
        (4, json!({"p_code": P_CODE}), json!({"p_code": "99999999"})),
        (3, json!({"country": "UTO"}), json!({"country": "XYZ"})),
        (
            1,
            json!({"accept_terms": true}),
            json!({"accept_terms": false}),
        ),
    ];
    for (index, right, bad) in wrong {
        assert_eq!(events[index], right);
        events.insert(index, bad);
    }
    let out = run_script(&dir, &script(events), &[]);
    let v = json_of(&out);
    let codes: Vec<String> = refusals(&v).into_iter().map(|(_, c)| c).collect();
    assert_eq!(
        codes,
        [
            "TERMS_REQUIRED",
            "COUNTRY_UNKNOWN",
            "P_CODE_UNKNOWN",
            "MRZ_FORMAT",
            "USER_ID_LENGTH",
            "PHONE_FORMAT",
            "SMS_CODE_FORMAT",
            "BACK_NOT_ALLOWED",
        ],
        "{v}"
    );
    assert_eq!(v["step"], "done");
    assert_eq!(v["assurance"]["level"], "substantial");
    assert_eq!(out.status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_clone_and_a_failed_face_are_not_substantial() {
    let dir = scratch("clone");
    let out = run_script(&dir, &script(happy_events()), &["--profile", "clone"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["chip"]["failures"], json!(["AA_FAILED"]));
    assert_eq!(v["assurance"]["level"], "not_met");
    let reasons = assurance_reasons(&v);
    assert!(
        reasons.iter().any(|r| r == "ANTI_CLONE_FAILED"),
        "{reasons:?}"
    );

    let out = run_script(
        &dir,
        &script(happy_events()),
        &["--profile", "clone-modern"],
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["step"], "failed");
    assert_eq!(v["failure"], "ANTI_CLONE_FAILED");

    let mut events = happy_events();
    events[6] = json!({"face": {"liveness": "passed", "face_match": "failed"}});
    let out = run_script(&dir, &script(events), &[]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(refusals(&v)[0].1, "FACE_MATCH");
    assert_eq!(v["step"], "face");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_expired_sms_code_is_refused() {
    let dir = scratch("sms");
    let mut events = happy_events();
    events.insert(9, json!({"wait_seconds": 31 * 60}));
    events.pop(); // the usage choice: the flow is still at the SMS code
    let out = run_script(&dir, &script(events.clone()), &[]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(
        refusals(&v),
        [(
            "backend.sms_code_verified".to_owned(),
            "SMS_CODE_EXPIRED".to_owned()
        )]
    );
    assert_eq!(v["step"], "sms_code");
    // A new SMS, and the flow finishes.
    events.extend([
        json!("resend_sms"),
        json!("sms_code_received"),
        json!({"usage": "chip"}),
    ]);
    let v = json_of(&run_script(&dir, &script(events), &[]));
    assert_eq!(
        (v["step"].clone(), v["usage"].clone()),
        (json!("done"), json!("chip"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_events_files_are_usage_errors() {
    let dir = scratch("bad");
    for (text, says) in [
        ("not json", "expected"),
        ("[\"fly_to_the_moon\"]", "fly_to_the_moon"),
        ("{\"events\": [{\"country\": 3}]}", "invalid type"),
        ("{\"evnts\": []}", "evnts"),
    ] {
        let path = dir.join("bad.json");
        std::fs::write(&path, text).unwrap();
        let out = idproof(&["flow", "--events", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(stderr(&out).contains(says), "{text}: {}", stderr(&out));
    }
    let out = idproof(&[
        "flow",
        "--events",
        dir.join("missing.json").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = idproof(&[
        "flow",
        "--events",
        example().to_str().unwrap(),
        "--today",
        "2026-13-01",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--today"));
    let out = idproof(&["flow", "--profile", "no-such-chip"]);
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_terminal_prompts_take_one_answer_per_step() {
    let answers = format!(
        "yes\nyes\npassport\nUTO\n{P_CODE}\n{}\npass\nterminal user\n+4520000001\n\nthis-phone\n",
        MRZ.replace('\n', " ")
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_idproof"))
        .args(["flow", "--instant", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answers.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_of(&out);
    assert_eq!(v["step"], "done");
    assert_eq!(v["assurance"]["level"], "substantial");
    let err = stderr(&out);
    assert!(err.contains("Issuing country"), "{err}");
    assert!(err.contains("SMS from the reference backend"), "{err}");

    // Input that ends early: exit 1, and it says so.
    let mut child = Command::new(env!("CARGO_BIN_EXE_idproof"))
        .args(["flow", "--instant"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"yes\nno\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("TERMS_REQUIRED"), "{stdout}");
    assert!(stdout.contains("input ended"), "{stdout}");
}

#[test]
fn demo_ends_with_the_flow_at_substantial() {
    let out = idproof(&["demo", "--json", "--instant"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    assert_eq!(
        v["assurance"],
        json!({"level": "substantial", "reasons": []})
    );
    assert_eq!(v["flow"]["step"], "done");
    assert_eq!(v["flow"]["chip"]["verdict"], "authentic");
    assert_eq!(refusals(&v["flow"]), Vec::<(String, String)>::new());
}

/// The happy path with the MRZ as three typed fields (`fields`, as the script's
/// `mrz_fields` object) and the phone as `phone`.
fn typed_fields_events(fields: &Value, phone: &str) -> Vec<Value> {
    let mut events = happy_events();
    assert_eq!(events[5], json!({"mrz": MRZ}));
    events[5] = json!({ "mrz_fields": fields });
    assert_eq!(events[8], json!({"phone": "+4520000000"}));
    events[8] = json!({ "phone": phone });
    events
}

#[test]
fn three_typed_fields_and_a_spaced_phone_reach_substantial() {
    let dir = scratch("fields");
    // Spellings of the same three fields (case, fillers, surrounding spaces) and of the same
    // phone number (the prompt's own `+45 …` hint, hyphens, 00, the national number).
    let cases = [
        (
            json!({"document_number": "L898902C3", "birth_date": "740812", "expiry_date": "340415"}),
            "+45 20 00 00 00",
        ),
        (
            json!({"document_number": " l898902c3< ", "birth_date": "740812", "expiry_date": "340415"}),
            "+45-2000-0000",
        ),
        (
            json!({"document_number": "L898902C3", "birth_date": "740812", "expiry_date": "340415"}),
            "0045 20.00.00.00",
        ),
        (
            json!({"document_number": "L898902C3", "birth_date": "740812", "expiry_date": "340415"}),
            "(+45) 20 00 00 00",
        ),
        (
            json!({"document_number": "L898902C3", "birth_date": "740812", "expiry_date": "340415"}),
            "20 00 00 00",
        ),
    ];
    for (fields, phone) in cases {
        let out = run_script(&dir, &script(typed_fields_events(&fields, phone)), &[]);
        let v = json_of(&out);
        assert!(refusals(&v).is_empty(), "{phone}: {v}");
        assert_eq!(v["step"], "done", "{phone}: {v}");
        assert_eq!(
            v["assurance"],
            json!({"level": "substantial", "reasons": []})
        );
        assert_eq!(v["chip"]["verdict"], "authentic");
        assert_eq!(out.status.code(), Some(0), "{phone}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn typed_fields_that_are_not_the_documents_are_refused_and_can_be_corrected() {
    let dir = scratch("fields-wrong");
    let right =
        json!({"document_number": "L898902C3", "birth_date": "740812", "expiry_date": "340415"});
    // Each field wrong in turn: the chip derives its key from all three, so it refuses
    // access, and the flow goes back to the MRZ step for the fields to be typed again.
    for (field, wrong) in [
        ("document_number", "L898902C4"),
        ("birth_date", "740813"),
        ("expiry_date", "340416"),
    ] {
        let mut bad = right.clone();
        bad[field] = json!(wrong);
        let mut events = typed_fields_events(&right, "+45 20 00 00 00");
        events.insert(5, json!({ "mrz_fields": bad }));
        let out = run_script(&dir, &script(events), &[]);
        let v = json_of(&out);
        assert_eq!(
            refusals(&v),
            [("chip_read_failed".to_owned(), "ACCESS_DENIED".to_owned())],
            "{field}: {v}"
        );
        let refused = refused_entries(&v).next().unwrap();
        assert_eq!(refused["step"], "mrz", "{field}");
        assert_eq!(v["step"], "done", "{field}");
        assert_eq!(v["assurance"]["level"], "substantial", "{field}");
        assert_eq!(out.status.code(), Some(0), "{field}");
    }
    // Fields that are no date or no document number never reach the chip.
    for (bad, code) in [
        (
            json!({"document_number": "L89-8902", "birth_date": "740812", "expiry_date": "340415"}),
            "MRZ_FORMAT",
        ),
        (
            json!({"document_number": "L898902C3", "birth_date": "741312", "expiry_date": "340415"}),
            "DOC_DATE",
        ),
        (
            json!({"document_number": "L898902C3", "birth_date": "740812", "expiry_date": "240415"}),
            "DOC_EXPIRED",
        ),
    ] {
        let mut events = happy_events();
        events.truncate(5);
        events.push(json!({ "mrz_fields": bad }));
        let out = run_script(&dir, &script(events), &[]);
        let v = json_of(&out);
        assert_eq!(
            refusals(&v),
            [("enter_mrz_fields".to_owned(), code.to_owned())],
            "{v}"
        );
        assert_eq!(v["step"], "mrz");
        assert_eq!(out.status.code(), Some(1));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_terminal_takes_three_fields_and_a_spaced_phone() {
    let answers = format!(
        "yes\nyes\npassport\nUTO\n{P_CODE}\nL898902C3, 740812 ,340415\npass\nterminal user\n\
         +45 20 00 00 01\n\nthis-phone\n"
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_idproof"))
        .args(["flow", "--instant", "--json", "--today", "2026-11-30"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answers.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json_of(&out);
    assert!(refusals(&v).is_empty(), "{v}");
    let events: Vec<&str> = v["transcript"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert!(events.contains(&"enter_mrz_fields"), "{events:?}");
    assert_eq!(v["step"], "done");
    assert_eq!(
        v["assurance"],
        json!({"level": "substantial", "reasons": []})
    );
    // The code the backend sent was found under the number as typed with spaces.
    assert!(stderr(&out).contains("SMS from the reference backend"));
}
