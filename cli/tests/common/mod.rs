//! What every CLI test needs: run the built `idproof` binary and read its output.
#![allow(dead_code)] // each test file uses a different subset

use std::process::{Command, Output};

use serde_json::Value;

/// Runs `idproof ARGS` and returns its exit status and output.
pub fn idproof(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_idproof"))
        .args(args)
        .output()
        .expect("run idproof")
}

/// Stdout parsed as the one JSON object of `--json`.
pub fn json_of(out: &Output) -> Value {
    let stdout = String::from_utf8(out.stdout.clone()).expect("utf-8 stdout");
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {stdout}"))
}

/// Stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The codes of `assurance.reasons` in a `demo`/`flow` JSON object.
pub fn assurance_reasons(v: &Value) -> Vec<String> {
    v["assurance"]["reasons"]
        .as_array()
        .expect("assurance.reasons")
        .iter()
        .map(|r| r["code"].as_str().expect("reason code").to_owned())
        .collect()
}

/// The check called `name` in a report's JSON `checks` (panics naming it when absent).
pub fn check<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no check {name} in {v}"))
}
