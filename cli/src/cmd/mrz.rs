//! `idproof mrz LINE... [--json]`: parse an MRZ and check every check digit.
//!
//! Exit 0 when the MRZ is well formed and every check digit matches, 1 otherwise (a
//! malformed MRZ is a checked MRZ that failed: `MRZ_FORMAT`). With `--json`, one JSON object
//! goes to stdout and the human summary to stderr.

use std::fmt::Write as _;

use idproof_core::ErrorCode;
use idproof_core::mrz::{Mrz, MrzError};
use serde::Serialize;

use super::{EXIT_FAILED, EXIT_OK};

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
    document_code: Option<String>,
    issuing_state: Option<String>,
    document_number: Option<String>,
    surname: Option<String>,
    given_names: Option<String>,
    nationality: Option<String>,
    birth_date: Option<String>,
    sex: Option<String>,
    expiry_date: Option<String>,
    optional_data: Option<Vec<String>>,
}

impl Report {
    fn new(parsed: &Result<Mrz, MrzError>) -> Report {
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
        let text = |get: fn(&Mrz) -> &str| mrz.map(|m| get(m).to_owned());
        Report {
            verdict,
            failures,
            format: mrz.map(|m| m.format().as_str()),
            document_code: text(Mrz::document_code),
            issuing_state: text(Mrz::issuing_state),
            document_number: text(Mrz::document_number),
            surname: text(Mrz::surname),
            given_names: text(Mrz::given_names),
            nationality: text(Mrz::nationality),
            birth_date: text(Mrz::birth_date),
            sex: text(Mrz::sex),
            expiry_date: text(Mrz::expiry_date),
            optional_data: mrz.map(|m| m.optional_data().to_vec()),
        }
    }

    fn human(&self) -> String {
        let mut out = String::new();
        let rows = [
            ("Format", self.format.map(str::to_owned)),
            ("Document code", self.document_code.clone()),
            ("Issuing state", self.issuing_state.clone()),
            ("Document number", self.document_number.clone()),
            ("Surname", self.surname.clone()),
            ("Given names", self.given_names.clone()),
            ("Nationality", self.nationality.clone()),
            ("Birth date", self.birth_date.clone()),
            ("Sex", self.sex.clone()),
            ("Expiry date", self.expiry_date.clone()),
            (
                "Optional data",
                self.optional_data.as_ref().map(|d| d.join(" | ")),
            ),
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
    let report = Report::new(&parsed);
    if args.json {
        match serde_json::to_string(&report) {
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
