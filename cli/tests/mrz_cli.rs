//! `idproof mrz`: exit codes and JSON fields as ARCHITECTURE.md "CLI contract" specifies.

use serde_json::json;

mod common;
use common::{idproof, json_of};

const TD3_L1: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
const TD3_L2: &str = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

#[test]
fn valid_td3_specimen_exits_0_with_all_fields() {
    let out = idproof(&["mrz", TD3_L1, TD3_L2, "--json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        json_of(&out),
        json!({
            "verdict": "valid",
            "failures": [],
            "format": "TD3",
            "document_code": "P",
            "issuing_state": "UTO",
            "document_number": "L898902C3",
            "surname": "ERIKSSON",
            "given_names": "ANNA MARIA",
            "name": "ERIKSSON, ANNA MARIA",
            "nationality": "UTO",
            "birth_date": "740812",
            "birth_date_iso": "1974-08-12",
            "sex": "F",
            "expiry_date": "120415",
            "expiry_date_iso": "2012-04-15",
            "optional_data": ["ZE184226B"],
            "lines": [TD3_L1, TD3_L2],
        })
    );
    let human = String::from_utf8(out.stderr).unwrap();
    for line in [
        "Document code    P\n",
        "Issuing state    UTO\n",
        "Name             ERIKSSON, ANNA MARIA\n",
        "Birth date       1974-08-12 (740812)\n",
        "Expiry date      2012-04-15 (120415)\n",
    ] {
        assert!(human.contains(line), "{line:?} missing in:\n{human}");
    }
}

/// Germany's `D<<` is `D` in every field that holds it (issuing state and nationality of
/// TD1, TD2 and TD3), the printed lines keep it, and an unknown day of birth (`<<`) has no
/// ISO date while the printed value stays.
#[test]
fn german_d_fillers_are_stripped_and_an_unknown_birth_day_has_no_iso_date() {
    let td1 = [
        "IDD<<T220001293<<<<<<<<<<<<<<<",
        "6408125<2010315D<<<<<<<<<<<<<4",
        "MUSTERMANN<<ERIKA<<<<<<<<<<<<<",
    ];
    let td3 = [
        "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<",
        "C01X00T478D<<6408125F2702283<<<<<<<<<<<<<<04",
    ];
    for (lines, code) in [(&td1[..], "ID"), (&td3[..], "P")] {
        let mut args = vec!["mrz", "--json"];
        args.extend(lines);
        let out = idproof(&args);
        assert_eq!(out.status.code(), Some(0), "{lines:?}");
        let v = json_of(&out);
        assert_eq!(
            (
                &v["document_code"],
                &v["issuing_state"],
                &v["nationality"],
                &v["name"],
                &v["birth_date_iso"],
            ),
            (
                &json!(code),
                &json!("D"),
                &json!("D"),
                &json!("MUSTERMANN, ERIKA"),
                &json!("1964-08-12"),
            )
        );
        assert_eq!(v["lines"], json!(lines));
    }
    // 7408<< : the day of birth is unknown (ICAO 9303-3); check digits recomputed for it.
    let l2 = "L898902C36UTO7408<<7F1204159ZE184226B<<<<<10";
    let out = idproof(&["mrz", "--json", TD3_L1, l2]);
    let v = json_of(&out);
    assert_eq!(v["failures"], json!([]), "{v}");
    assert_eq!(
        (&v["birth_date"], &v["birth_date_iso"]),
        (&json!("7408<<"), &json!(null))
    );
    let human = String::from_utf8(out.stderr).unwrap();
    assert!(human.contains("Birth date       7408<<\n"), "{human}");
    // The German card's `<` sex is shown as what it means; JSON keeps the printed `<`.
    let mut args = vec!["mrz", "--json"];
    args.extend(td1);
    let out = idproof(&args);
    assert_eq!(json_of(&out)["sex"], "<");
    let human = String::from_utf8(out.stderr).unwrap();
    assert!(human.contains("Sex              unspecified\n"), "{human}");
}

#[test]
fn joined_string_is_accepted() {
    let out = idproof(&["mrz", "--json", &format!("{TD3_L1}{TD3_L2}")]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_of(&out)["verdict"], "valid");
    let out = idproof(&["mrz", "--json", &format!("{TD3_L1}\n{TD3_L2}\n")]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn bad_composite_exits_1_naming_composite() {
    let bad = TD3_L2.replace("<<<<<10", "<<<<<11");
    let out = idproof(&["mrz", "--json", TD3_L1, &bad]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["verdict"], "invalid");
    assert_eq!(
        v["failures"],
        json!([{"code": "MRZ_CHECK_DIGIT", "detail": "composite"}])
    );
    assert_eq!(
        v["document_number"], "L898902C3",
        "fields are still printed"
    );
}

#[test]
fn each_bad_digit_is_one_failure() {
    // Birth date and expiry date digits wrong; the composite then fails too.
    let bad = "L898902C36UTO7408121F1204158ZE184226B<<<<<10";
    let out = idproof(&["mrz", "--json", TD3_L1, bad]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    let details: Vec<&str> = v["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["code"], "MRZ_CHECK_DIGIT");
            f["detail"].as_str().unwrap()
        })
        .collect();
    assert_eq!(details, ["birth_date", "expiry_date", "composite"]);
}

#[test]
fn td1_long_document_number_is_full() {
    let out = idproof(&[
        "mrz",
        "--json",
        "I<UTOD23145890<7349<<<<<<<<<<<",
        "3407127M9507122UTO<<<<<<<<<<<2",
        "STEVENSON<<PETER<JOHN<<<<<<<<<",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    assert_eq!(v["format"], "TD1");
    assert_eq!(v["document_number"], "D23145890734");
    assert_eq!(v["optional_data"], json!(["", ""]));
}

#[test]
fn lower_case_is_a_format_failure_with_exit_1() {
    let out = idproof(&[
        "mrz",
        "--json",
        &TD3_L1.to_lowercase(),
        &TD3_L2.to_lowercase(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out);
    assert_eq!(v["verdict"], "invalid");
    let failures = v["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0]["code"], "MRZ_FORMAT");
    assert!(
        failures[0]["detail"]
            .as_str()
            .unwrap()
            .contains("lower-case")
    );
    for key in ["format", "document_code", "name", "birth_date_iso", "lines"] {
        assert!(v[key].is_null(), "{key} in {v}");
        assert!(
            v.as_object().unwrap().contains_key(key),
            "{key} missing in {v}"
        );
    }
}

#[test]
fn wrong_length_is_a_format_failure_with_exit_1() {
    let out = idproof(&["mrz", "--json", TD3_L1, &TD3_L2[..43]]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_of(&out)["failures"][0]["code"], "MRZ_FORMAT");
}

#[test]
fn human_output_goes_to_stdout_without_json_and_stderr_with_it() {
    let out = idproof(&["mrz", TD3_L1, TD3_L2]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("L898902C3") && stdout.contains("valid"),
        "{stdout}"
    );

    let out = idproof(&["mrz", "--json", TD3_L1, TD3_L2]);
    let stderr = String::from_utf8(out.stderr.clone()).unwrap();
    assert!(stderr.contains("ERIKSSON"), "{stderr}");
    json_of(&out);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(idproof(&[]).status.code(), Some(2));
    assert_eq!(idproof(&["mrz"]).status.code(), Some(2));
    assert_eq!(idproof(&["mrz", "--json"]).status.code(), Some(2));
    assert_eq!(
        idproof(&["mrz", "--bogus", TD3_L1, TD3_L2]).status.code(),
        Some(2)
    );
    assert_eq!(idproof(&["no-such-command"]).status.code(), Some(2));
}
