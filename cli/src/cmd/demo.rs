//! `idproof demo [--profile NAME] [--list-profiles] [--json]`: the whole job on built-in data.
//!
//! Builds the ICAO specimen passport (ERIKSSON ANNA MARIA of Utopia) in the virtual chip, reads
//! it through `ReadSession` exactly as an app would (progress bar on stderr, resume after a tag
//! loss), verifies what was read — passive authentication against the demo CSCA, the MRZ and
//! DG1 — and prints the document and the report. The verdict is `authentic` only when every
//! check that decides it passed.

use std::fmt::Write as _;

use idproof_core::auth::trust::TrustStore;
use idproof_core::lds::{DataGroup, Dg2, Dg11, LdsFile};
use idproof_core::reader::{Document, Phase, Progress, ReadOptions};
use idproof_core::report::{CheckStatus, Report, Verdict};
use idproof_core::verify::verify;
use idproof_core::{Error, ErrorCode};
use idproof_fixtures::chip::{all_profiles, profile_by_name};
use idproof_fixtures::virtual_passport::{VirtualPassport, read_resuming};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rand_core::{OsRng, UnwrapErr};
use serde::Serialize;

use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};

/// Arguments of `idproof demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The virtual chip's behaviour (see --list-profiles).
    #[arg(long, default_value = "specimen", value_name = "NAME")]
    pub profile: String,
    /// Print the profile names, one per line, and exit.
    #[arg(long)]
    pub list_profiles: bool,
    /// Print one JSON object on stdout; human output goes to stderr.
    #[arg(long)]
    pub json: bool,
}

/// Runs the demo and returns the exit code.
pub fn run(args: &Args) -> u8 {
    if args.list_profiles {
        for (name, _) in all_profiles() {
            println!("{name}");
        }
        return EXIT_OK;
    }
    let Some(profile) = profile_by_name(&args.profile) else {
        eprintln!(
            "error: unknown profile '{}'; `idproof demo --list-profiles` lists them",
            args.profile
        );
        return EXIT_USAGE;
    };
    let mut passport = match VirtualPassport::specimen(profile) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: could not build the specimen passport: {e}");
            return EXIT_FAILED;
        }
    };
    let human = Human::new(args.json);
    human.line(&format!(
        "idproof demo: reading the virtual specimen passport (profile '{}')",
        args.profile
    ));

    let mut session = idproof_core::reader::ReadSession::new(
        passport.access_key(),
        ReadOptions::default(),
        Box::new(UnwrapErr(OsRng)),
    );
    let bar = progress_bar();
    let result = read_resuming(&mut session, &mut passport.chip, |p| show_progress(&bar, p));
    bar.finish_and_clear();

    // The demo trusts exactly one CSCA: the one that issued the specimen's Document Signer.
    let mut trust = TrustStore::new();
    if let Err(e) = trust.add_certificate(passport.document.pki.csca_der(), "demo CSCA") {
        eprintln!("error: the demo CSCA is unusable: {e}");
        return EXIT_FAILED;
    }
    let outcome = match result {
        Ok(document) => {
            let report = verify(&document, &trust, super::now(), Some(&passport.mrz));
            Outcome::Read(Box::new(document), report)
        }
        Err(error) => Outcome::Failed(error),
    };
    let output = DemoOutput::new(&args.profile, &outcome, session.stats());
    if args.json {
        match serde_json::to_string_pretty(&output) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: could not encode JSON: {e}");
                return EXIT_FAILED;
            }
        }
    }
    human.print(&output, &outcome);
    if output.verdict == Verdict::Failed {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

enum Outcome {
    Read(Box<Document>, Report),
    Failed(Error),
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    let style =
        ProgressStyle::with_template("{spinner} {msg:<28} [{bar:30}] {bytes:>9}/{total_bytes:<9}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
    bar.set_style(style);
    bar
}

fn show_progress(bar: &ProgressBar, p: &Progress) {
    let message = match (p.phase, p.file) {
        (Phase::Reading, Some(file)) => format!(
            "reading {file} ({}/{})",
            p.files_done + 1,
            p.files_planned.max(p.files_done + 1)
        ),
        (Phase::Connecting, _) => "selecting the eMRTD application".to_owned(),
        (Phase::AccessControl, _) => "BAC: opening secure messaging".to_owned(),
        (Phase::Resuming, _) => "tag lost: resuming".to_owned(),
        (Phase::Complete, _) => "done".to_owned(),
        (Phase::Reading, None) => "reading".to_owned(),
    };
    bar.set_message(message);
    let total = u64::try_from(p.file_bytes_total.unwrap_or(0)).unwrap_or(u64::MAX);
    bar.set_length(total);
    bar.set_position(u64::try_from(p.file_bytes_done).unwrap_or(u64::MAX));
}

/// The JSON object (`verdict`, `failures`, `checks`, `access`, `apdus` per the CLI contract).
#[derive(Debug, Serialize)]
struct DemoOutput {
    verdict: Verdict,
    failures: Vec<idproof_core::report::Failure>,
    checks: Vec<idproof_core::report::Check>,
    access: Option<idproof_core::reader::AccessInfo>,
    apdus: usize,
    bytes_sent: usize,
    bytes_received: usize,
    resumes: usize,
    extended_length_used: bool,
    profile: String,
    document: Option<DocumentSummary>,
    files: Vec<FileSummary>,
}

#[derive(Debug, Serialize)]
struct DocumentSummary {
    document_code: String,
    issuing_state: String,
    document_number: String,
    surname: String,
    given_names: String,
    nationality: String,
    birth_date: String,
    sex: String,
    expiry_date: String,
    full_name_dg11: Option<String>,
    place_of_birth_dg11: Option<String>,
    face_image: Option<FaceSummary>,
}

#[derive(Debug, Serialize)]
struct FaceSummary {
    format: String,
    width: u16,
    height: u16,
    bytes: usize,
}

#[derive(Debug, Serialize)]
struct FileSummary {
    file: String,
    bytes: usize,
}

impl DemoOutput {
    fn new(profile: &str, outcome: &Outcome, stats: idproof_core::reader::ReadStats) -> Self {
        let mut output = DemoOutput {
            verdict: Verdict::Failed,
            failures: Vec::new(),
            checks: Vec::new(),
            access: None,
            apdus: stats.apdus,
            bytes_sent: stats.bytes_sent,
            bytes_received: stats.bytes_received,
            resumes: stats.resumes,
            extended_length_used: stats.extended_length_used,
            profile: profile.to_owned(),
            document: None,
            files: Vec::new(),
        };
        match outcome {
            Outcome::Failed(error) => {
                output.failures.push(idproof_core::report::Failure {
                    code: error.code.as_str().to_owned(),
                    detail: error.detail.clone(),
                });
            }
            Outcome::Read(document, report) => {
                output.verdict = report.verdict;
                output.failures.clone_from(&report.failures);
                output.checks.clone_from(&report.checks);
                output.access = Some(document.access);
                output.document = summarize(document);
                output.files = document
                    .files
                    .iter()
                    .map(|(file, bytes)| FileSummary {
                        file: file.name(),
                        bytes: bytes.len(),
                    })
                    .collect();
            }
        }
        output
    }
}

fn summarize(document: &Document) -> Option<DocumentSummary> {
    let dg1 = idproof_core::lds::Dg1::parse(document.file(LdsFile::Dg(DataGroup::DG1))?).ok()?;
    let mrz = idproof_core::mrz::Mrz::parse(dg1.mrz_text()).ok()?;
    let dg11 = document
        .file(LdsFile::Dg(DataGroup::DG11))
        .and_then(|raw| Dg11::parse(raw).ok());
    let face = document
        .file(LdsFile::Dg(DataGroup::DG2))
        .and_then(|raw| Dg2::parse(raw).ok())
        .and_then(|dg2| {
            dg2.faces().next().map(|f| FaceSummary {
                format: format!("{:?}", f.format),
                width: f.width,
                height: f.height,
                bytes: f.data.len(),
            })
        });
    Some(DocumentSummary {
        document_code: mrz.document_code().to_owned(),
        issuing_state: mrz.issuing_state().to_owned(),
        document_number: mrz.document_number().to_owned(),
        surname: mrz.surname().to_owned(),
        given_names: mrz.given_names().to_owned(),
        nationality: mrz.nationality().to_owned(),
        birth_date: mrz.birth_date().to_owned(),
        sex: mrz.sex().to_owned(),
        expiry_date: mrz.expiry_date().to_owned(),
        full_name_dg11: dg11.as_ref().and_then(|d| d.full_name.clone()),
        place_of_birth_dg11: dg11.as_ref().and_then(|d| d.place_of_birth.clone()),
        face_image: face,
    })
}

/// Human-readable output: stdout normally, stderr when `--json` owns stdout.
struct Human {
    to_stderr: bool,
}

impl Human {
    fn new(json: bool) -> Self {
        Self { to_stderr: json }
    }

    fn line(&self, text: &str) {
        if self.to_stderr {
            eprintln!("{text}");
        } else {
            println!("{text}");
        }
    }

    fn print(&self, output: &DemoOutput, outcome: &Outcome) {
        if let Outcome::Failed(error) = outcome {
            self.line(&format!("read failed: {} — {}", error.code, error.detail));
            self.line(&remedy(error.code));
        }
        if let Some(d) = &output.document {
            self.line("");
            self.line(&format!(
                "  Name            {} {}",
                d.given_names, d.surname
            ));
            if let Some(full) = &d.full_name_dg11 {
                self.line(&format!("  Full name (DG11) {full}"));
            }
            self.line(&format!(
                "  Document        {} {} of {}",
                d.document_code.trim_end_matches('<'),
                d.document_number,
                d.issuing_state
            ));
            self.line(&format!("  Nationality     {}", d.nationality));
            self.line(&format!("  Born            {} ({})", d.birth_date, d.sex));
            self.line(&format!("  Expires         {}", d.expiry_date));
            if let Some(face) = &d.face_image {
                self.line(&format!(
                    "  Face image      {} {}x{}, {} bytes",
                    face.format, face.width, face.height, face.bytes
                ));
            }
        }
        if !output.files.is_empty() {
            let files: Vec<String> = output
                .files
                .iter()
                .map(|f| format!("{} ({} B)", f.file, f.bytes))
                .collect();
            self.line(&format!("  Files read      {}", files.join(", ")));
        }
        if let Some(access) = &output.access {
            self.line(&format!(
                "  Access          {} with the MRZ key; {} APDUs, {} bytes sent, {} received{}{}",
                access.protocol,
                output.apdus,
                output.bytes_sent,
                output.bytes_received,
                if output.extended_length_used {
                    ", extended length"
                } else {
                    ""
                },
                if output.resumes > 0 {
                    format!(", resumed {} time(s) after tag loss", output.resumes)
                } else {
                    String::new()
                },
            ));
        }
        if !output.checks.is_empty() {
            self.line("");
            self.line("  Checks");
            for check in &output.checks {
                let status = match check.status {
                    CheckStatus::Passed => "passed",
                    CheckStatus::Failed => "FAILED",
                    CheckStatus::NotPerformed => "not performed",
                };
                let mut text = format!("    {:<22} {status}", check.name.as_str());
                if let Some(code) = &check.code {
                    let _ = write!(text, " {code}");
                }
                if let Some(detail) = &check.detail {
                    let _ = write!(text, " — {detail}");
                }
                self.line(&text);
            }
        }
        self.line("");
        self.line(&format!(
            "  Verdict         {}",
            verdict_word(output.verdict)
        ));
    }
}

fn verdict_word(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Authentic => "authentic",
        Verdict::Failed => "failed",
        Verdict::Incomplete => "incomplete (a check that decides authenticity did not run)",
    }
}

/// What a person should do about an error, in plain words.
fn remedy(code: ErrorCode) -> String {
    let text = match code {
        ErrorCode::AccessDenied => {
            "the chip refused the key: re-scan the MRZ or check the document number and dates"
        }
        ErrorCode::TagLost => "the chip left the field: hold the phone still on the document",
        ErrorCode::Unsupported => "the chip offers no access protocol idproof can use yet",
        ErrorCode::SecureMessaging => {
            "the chip's replies failed their integrity check: try again; if it persists the chip may be faulty or tampered with"
        }
        _ => "try again; if it persists, report the error code",
    };
    format!("  what to do: {text}")
}
