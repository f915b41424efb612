//! `idproof mrz LINE... [--json]`: parse an MRZ and check every check digit.
//!
//! Exit 0 when the MRZ is well formed and every check digit matches, 1 otherwise (a
//! malformed MRZ is a checked MRZ that failed: `MRZ_FORMAT`). With `--json`, one JSON object
//! goes to stdout and the human summary to stderr.

use std::fmt::Write as _;

use idproof_core::ErrorCode;
use idproof_core::flow::date::Date;
use idproof_core::mrz::{Mrz, MrzError};
use serde::Serialize;

use super::{EXIT_FAILED, EXIT_OK};
use crate::mrz_fields::MrzFields;

/// Arguments of `idproof mrz`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The MRZ lines (TD1: 3 of 30, TD2: 2 of 36, TD3: 2 of 44 characters), or all of them
    /// as one string. Quote them: `<` is special to the shell.
    #[arg(required = true, value_name = "LINE")]
    pub lines: Vec<String>,
    /// Print one JSON object on stdout instead of the readable summary.
    #[arg(long)]
    pub json: bool,
}

/// One failure in the JSON `failures` list.
#[derive(Debug, Serialize)]
struct Failure {
    code: ErrorCode,
    detail: String,
}

/// The JSON object printed with `--json`. Document fields are null when the MRZ is malformed.
#[derive(Debug, Serialize)]
struct Report {
    verdict: &'static str,
    failures: Vec<Failure>,
    format: Option<&'static str>,
    #[serde(flatten)]
    fields: Option<MrzFields>,
}

/// The field names of [`MrzFields`], each `null` in the JSON of a malformed MRZ, so a
/// script finds the same keys whatever the input.
const FIELD_KEYS: [&str; 14] = [
    "document_code",
    "issuing_state",
    "document_number",
    "surname",
    "given_names",
    "name",
    "nationality",
    "birth_date",
    "birth_date_iso",
    "sex",
    "expiry_date",
    "expiry_date_iso",
    "optional_data",
    "lines",
];

impl Report {
    fn new(parsed: &Result<Mrz, MrzError>, today: Option<Date>) -> Report {
        let failures: Vec<Failure> = match parsed {
            Ok(mrz) => mrz
                .check_digit_failures()
                .into_iter()
                .map(|f| Failure {
                    code: ErrorCode::MrzCheckDigit,
                    detail: f.field.as_str().to_owned(),
                })
                .collect(),
            Err(MrzError::Format { detail }) => vec![Failure {
                code: ErrorCode::MrzFormat,
                detail: detail.clone(),
            }],
            // MRZ_DATE (detail `birth_date: …`) and any later kind keep their own code.
            Err(other) => {
                let error = idproof_core::Error::from(other.clone());
                vec![Failure {
                    code: error.code,
                    detail: error.detail,
                }]
            }
        };
        let verdict = if failures.is_empty() {
            "valid"
        } else {
            "invalid"
        };
        let mrz = parsed.as_ref().ok();
        Report {
            verdict,
            failures,
            format: mrz.map(|m| m.format().as_str()),
            fields: mrz.map(|m| MrzFields::new(m, today)),
        }
    }

    /// The JSON text: the report, with every field key `null` when the MRZ did not parse.
    fn json(&self) -> Result<String, serde_json::Error> {
        let mut value = serde_json::to_value(self)?;
        if let Some(object) = value.as_object_mut() {
            for key in FIELD_KEYS {
                object.entry(key).or_insert(serde_json::Value::Null);
            }
        }
        serde_json::to_string(&value)
    }

    fn human(&self) -> String {
        let mut out = String::new();
        let f = self.fields.as_ref();
        let text = |get: fn(&MrzFields) -> &String| f.map(|f| get(f).clone());
        let rows = [
            ("Format", self.format.map(str::to_owned)),
            ("Document code", text(|f| &f.document_code)),
            ("Issuing state", text(|f| &f.issuing_state)),
            ("Document number", text(|f| &f.document_number)),
            ("Name", text(|f| &f.name)),
            ("Nationality", text(|f| &f.nationality)),
            ("Birth date", f.map(MrzFields::birth_text)),
            ("Sex", f.map(|f| f.sex_text().to_owned())),
            ("Expiry date", f.map(MrzFields::expiry_text)),
            ("Optional data", f.map(|f| f.optional_data.join(" | "))),
        ];
        for (label, value) in rows {
            if let Some(value) = value {
                let _ = writeln!(out, "{label:<16} {value}");
            }
        }
        let _ = writeln!(out, "Verdict          {}", self.verdict);
        for failure in &self.failures {
            let _ = match failure.code {
                ErrorCode::MrzCheckDigit => writeln!(
                    out,
                    "  {}: wrong check digit for {}; re-scan or correct it",
                    failure.code, failure.detail
                ),
                _ => writeln!(
                    out,
                    "  {}: {}; re-scan the MRZ",
                    failure.code, failure.detail
                ),
            };
        }
        out
    }
}

/// Runs `idproof mrz`, printing the report; returns the exit code.
pub fn run(args: &Args) -> u8 {
    let parsed = Mrz::parse_lines(&args.lines);
    let report = Report::new(&parsed, crate::mrz_fields::today());
    if args.json {
        match report.json() {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: cannot serialise the report: {e}");
                return EXIT_FAILED;
            }
        }
        eprint!("{}", report.human());
    } else {
        print!("{}", report.human());
    }
    if report.failures.is_empty() {
        EXIT_OK
    } else {
        EXIT_FAILED
    }
}
