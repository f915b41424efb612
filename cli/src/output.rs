//! Output shared by the commands that read a chip (`demo`, `read`): the progress bar, the JSON
//! object of the CLI contract (`verdict`, `failures`, `checks`, `access`, `apdus`, …), the
//! human summary and the remedies.

use std::fmt::Write as _;

use idproof_core::lds::{DataGroup, Dg2, Dg11, LdsFile};
use idproof_core::mrz::Mrz;
use idproof_core::reader::{AaResponse, Document, Phase, Progress};
use idproof_core::report::{CheckStatus, Report, Verdict};
use idproof_core::{Error, ErrorCode};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::mrz_fields::MrzFields;

/// How a read ended: a document and its report, or an error.
pub enum Outcome {
    /// The chip was read and the document verified.
    Read(Box<Document>, Report),
    /// The read failed.
    Failed(Error),
}

/// A progress bar on stderr: phase, file, bytes.
pub fn progress_bar() -> ProgressBar {
    ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
}

/// A bar with bytes while a file is read; a spinner alone in the other phases.
fn style(with_bytes: bool) -> ProgressStyle {
    let template = if with_bytes {
        "{spinner} {msg:<32} [{bar:30}] {bytes:>9}/{total_bytes:<9}"
    } else {
        "{spinner} {msg:<32}"
    };
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// Shows one progress report on `bar`.
pub fn show_progress(bar: &ProgressBar, p: &Progress) {
    let message = match (p.phase, p.file) {
        (Phase::Reading, Some(file)) => format!(
            "reading {file} ({}/{})",
            p.files_done + 1,
            p.files_planned.max(p.files_done + 1)
        ),
        (Phase::Connecting, _) => "selecting the eMRTD application".to_owned(),
        (Phase::AccessControl, _) => "access control (PACE/BAC)".to_owned(),
        (Phase::Resuming, _) => "re-opening secure messaging".to_owned(),
        (Phase::Complete, _) => "done".to_owned(),
        (Phase::Reading, None) => "reading".to_owned(),
    };
    bar.set_style(style(p.file_bytes_total.is_some()));
    bar.set_message(message);
    let total = u64::try_from(p.file_bytes_total.unwrap_or(0)).unwrap_or(u64::MAX);
    bar.set_length(total);
    bar.set_position(u64::try_from(p.file_bytes_done).unwrap_or(u64::MAX));
}

/// The JSON object (`verdict`, `failures`, `checks`, `access`, `apdus` per the CLI contract).
#[derive(Debug, Serialize)]
pub struct ReadOutput {
    /// The verdict.
    pub verdict: Verdict,
    failures: Vec<idproof_core::report::Failure>,
    checks: Vec<idproof_core::report::Check>,
    access: Option<idproof_core::reader::AccessInfo>,
    apdus: usize,
    bytes_sent: usize,
    bytes_received: usize,
    resumes: usize,
    sm_restarts: usize,
    extended_length_used: bool,
    /// Time the exchanges would take on a 424 kbit/s NFC link (`demo`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simulated_nfc_ms: Option<u64>,
    /// The virtual chip's profile (`demo`).
    #[serde(skip_serializing_if = "Option::is_none")]
    profile: Option<String>,
    /// The PC/SC reader (`read`).
    #[serde(skip_serializing_if = "Option::is_none")]
    reader: Option<String>,
    /// Wall time of the read, in milliseconds (`read`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed_ms: Option<u64>,
    /// The trust store the read was verified against (`read --trust`), as `verify` shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust: Option<crate::cmd::trust::TrustBrief>,
    document: Option<DocumentSummary>,
    files: Vec<FileSummary>,
    /// Files the chip refused although access succeeded (`FILE_ACCESS_DENIED`: they need
    /// terminal authentication); not read, not a failure. Absent when none was.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    refused: Vec<idproof_core::report::Failure>,
    /// The INTERNAL AUTHENTICATE exchange, when one ran: a backend can re-check the
    /// signature against DG15 with the challenge it issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    active_authentication: Option<AaSummary>,
    /// The evidence bundle written (`demo --evidence`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceSummary>,
    /// The reference backend's assurance decision (`demo`: the read is the flow's chip step).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assurance: Option<idproof_core::flow::Assurance>,
    /// The activation flow's transcript and end (`demo`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow: Option<crate::flow_driver::FlowOutput>,
}

/// Where `demo --evidence` wrote the bundle, and the session values to verify it with.
#[derive(Debug, Serialize)]
pub struct EvidenceSummary {
    /// The bundle's path.
    pub path: String,
    /// The demo session's nonce (hex): `evidence verify --nonce`.
    pub nonce: String,
    /// The demo session's id.
    pub session_id: String,
    /// SHA-256 of the bundle file (its canonical JSON), hex.
    pub sha256: String,
    /// Where the demo CSCA was written (`--csca-out`), for `evidence verify --trust`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csca: Option<String>,
}

/// `{"challenge": HEX, "response": HEX}` or `{"challenge": HEX, "refused": "6D00"}`.
#[derive(Debug, Serialize)]
struct AaSummary {
    challenge: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    response: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refused: Option<String>,
}

/// The document as people read it: DG1's MRZ fields ([`MrzFields`]), DG11's name and
/// place of birth, DG2's first face. A file that was read but does not parse is listed in
/// `problems` (`{file, code, detail}`, as the FFI's `Document.problems`) and the fields it
/// would give are left out of the JSON, never `null`: `null` means the chip has no such file
/// or field, a missing key that the file is in `problems` (and failed `lds_parse`).
#[derive(Debug, Serialize)]
struct DocumentSummary {
    #[serde(flatten)]
    mrz: Option<MrzFields>,
    #[serde(skip_serializing_if = "Slot::is_failed")]
    full_name_dg11: Slot<String>,
    #[serde(skip_serializing_if = "Slot::is_failed")]
    place_of_birth_dg11: Slot<String>,
    #[serde(skip_serializing_if = "Slot::is_failed")]
    face_image: Slot<FaceSummary>,
    problems: Vec<FileProblem>,
}

/// A value taken from one LDS file: there, absent (`null`), or not shown because its file
/// does not parse (the key is skipped; the file is in `problems`).
#[derive(Debug)]
enum Slot<T> {
    Value(Option<T>),
    Failed,
}

impl<T> Slot<T> {
    fn is_failed(&self) -> bool {
        matches!(self, Slot::Failed)
    }

    fn value(&self) -> Option<&T> {
        match self {
            Slot::Value(v) => v.as_ref(),
            Slot::Failed => None,
        }
    }
}

impl<T: Serialize> Serialize for Slot<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(serializer)
    }
}

/// A file that was read but does not parse: the same record as the FFI's `FileProblem`.
#[derive(Debug, Serialize)]
struct FileProblem {
    file: String,
    code: String,
    detail: String,
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

impl ReadOutput {
    /// The JSON object for `outcome`. `profile` is the virtual chip's (demo), `reader` the
    /// PC/SC reader's name (read).
    pub fn new(
        profile: Option<&str>,
        reader: Option<&str>,
        outcome: &Outcome,
        stats: idproof_core::reader::ReadStats,
    ) -> Self {
        let mut output = ReadOutput {
            verdict: Verdict::Failed,
            failures: Vec::new(),
            checks: Vec::new(),
            access: None,
            apdus: stats.apdus,
            bytes_sent: stats.bytes_sent,
            bytes_received: stats.bytes_received,
            resumes: stats.resumes,
            sm_restarts: stats.sm_restarts,
            simulated_nfc_ms: None,
            extended_length_used: stats.extended_length_used,
            profile: profile.map(str::to_owned),
            reader: reader.map(str::to_owned),
            elapsed_ms: None,
            trust: None,
            document: None,
            files: Vec::new(),
            refused: Vec::new(),
            active_authentication: None,
            evidence: None,
            assurance: None,
            flow: None,
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
                output.access = Some(document.access.clone());
                output.document = summarize(document);
                output.files = document
                    .files
                    .iter()
                    .map(|(file, bytes)| FileSummary {
                        file: file.name(),
                        bytes: bytes.len(),
                    })
                    .collect();
                output.refused = document
                    .refused
                    .iter()
                    .map(|r| idproof_core::report::Failure {
                        code: r.error.code.as_str().to_owned(),
                        detail: r.error.detail.clone(),
                    })
                    .collect();
                output.active_authentication =
                    document.active_authentication.as_ref().map(|aa| AaSummary {
                        challenge: hex::encode_upper(aa.challenge),
                        response: match &aa.response {
                            AaResponse::Signature(s) => Some(hex::encode_upper(s)),
                            AaResponse::Refused(_) => None,
                        },
                        refused: match &aa.response {
                            AaResponse::Refused(sw) => Some(sw.to_string()),
                            AaResponse::Signature(_) => None,
                        },
                    });
            }
        }
        output
    }
}

/// The document summary, `None` when DG1 was not read. Each file is parsed once; one that
/// does not parse becomes a [`FileProblem`] with the code and detail the FFI gives.
fn summarize(document: &Document) -> Option<DocumentSummary> {
    let dg1 = document.file(LdsFile::Dg(DataGroup::DG1))?;
    let mrz = idproof_core::lds::Dg1::parse(dg1)
        .map_err(Error::from)
        .and_then(|dg1| Mrz::parse_lines(&dg1.lines()).map_err(Error::from));
    let dg11 = document
        .file(LdsFile::Dg(DataGroup::DG11))
        .map(|raw| Dg11::parse(raw).map_err(Error::from));
    let dg2 = document
        .file(LdsFile::Dg(DataGroup::DG2))
        .map(|raw| Dg2::parse(raw).map_err(Error::from));
    let problems = [
        (DataGroup::DG1, mrz.as_ref().err()),
        (DataGroup::DG2, dg2.as_ref().and_then(|r| r.as_ref().err())),
        (
            DataGroup::DG11,
            dg11.as_ref().and_then(|r| r.as_ref().err()),
        ),
    ]
    .into_iter()
    .filter_map(|(dg, error)| {
        error.map(|e| FileProblem {
            file: LdsFile::Dg(dg).name(),
            code: e.code.as_str().to_owned(),
            detail: e.detail.clone(),
        })
    })
    .collect();
    let from_dg11 = |get: fn(&Dg11) -> Option<String>| match &dg11 {
        None => Slot::Value(None),
        Some(Ok(d)) => Slot::Value(get(d)),
        Some(Err(_)) => Slot::Failed,
    };
    let face_image = match &dg2 {
        None => Slot::Value(None),
        Some(Err(_)) => Slot::Failed,
        Some(Ok(dg2)) => Slot::Value(dg2.faces().next().map(|f| FaceSummary {
            format: format!("{:?}", f.format),
            width: f.width,
            height: f.height,
            bytes: f.data.len(),
        })),
    };
    Some(DocumentSummary {
        mrz: mrz
            .ok()
            .map(|m| MrzFields::new(&m, crate::mrz_fields::today())),
        full_name_dg11: from_dg11(Dg11::full_name_display),
        place_of_birth_dg11: from_dg11(|d| d.place_of_birth.clone()),
        face_image,
        problems,
    })
}

/// Human-readable output: stdout normally, stderr when `--json` owns stdout.
pub struct Human {
    to_stderr: bool,
}

impl Human {
    /// Human output to stderr when `json`, else to stdout.
    pub fn new(json: bool) -> Self {
        Self { to_stderr: json }
    }

    /// One line.
    pub fn line(&self, text: &str) {
        if self.to_stderr {
            eprintln!("{text}");
        } else {
            println!("{text}");
        }
    }

    /// The summary: document, files, access, checks, verdict.
    pub fn print(&self, output: &ReadOutput, outcome: &Outcome) {
        for line in Self::lines_of(output, outcome) {
            self.line(&line);
        }
    }

    /// The lines [`Human::print`] prints.
    pub fn lines_of(output: &ReadOutput, outcome: &Outcome) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if let Outcome::Failed(error) = outcome {
            out.push(format!("read failed: {} — {}", error.code, error.detail));
            out.push(remedy(error.code));
        }
        if let Some(d) = &output.document {
            out.push(String::new());
            if let Some(m) = &d.mrz {
                out.push(format!("  Name            {}", m.name));
            }
            if let Some(full) = d.full_name_dg11.value() {
                out.push(format!("  Full name (DG11) {full}"));
            }
            if let Some(m) = &d.mrz {
                out.push(format!(
                    "  Document        {} {} of {}",
                    m.document_code, m.document_number, m.issuing_state
                ));
                out.push(format!("  Nationality     {}", m.nationality));
                out.push(format!(
                    "  Born            {}, sex {}",
                    m.birth_text(),
                    m.sex_text()
                ));
                out.push(format!("  Expires         {}", m.expiry_text()));
            }
            if let Some(face) = d.face_image.value() {
                out.push(format!(
                    "  Face image      {} {}x{}, {} bytes",
                    face.format, face.width, face.height, face.bytes
                ));
            }
            for p in &d.problems {
                out.push(format!(
                    "  {:<15} not shown: it does not parse ({} — {}; see lds_parse)",
                    p.file, p.code, p.detail
                ));
            }
        }
        if !output.files.is_empty() {
            let files: Vec<String> = output
                .files
                .iter()
                .map(|f| format!("{} ({} B)", f.file, f.bytes))
                .collect();
            out.push(format!("  Files read      {}", files.join(", ")));
        }
        for refused in &output.refused {
            out.push(format!(
                "  Not readable    {}: {}",
                refused.code, refused.detail
            ));
        }
        if !output.refused.is_empty() {
            out.push(remedy(ErrorCode::FileAccessDenied));
        }
        if let Some(access) = &output.access {
            out.push(format!("  Access          {}", access_text(access)));
            let mut traffic = format!(
                "  Traffic         {} APDUs, {} bytes sent, {} received, {} short reads",
                output.apdus,
                output.bytes_sent,
                output.bytes_received,
                if output.extended_length_used {
                    "extended-length and"
                } else {
                    "only"
                },
            );
            if let Some(ms) = output.simulated_nfc_ms {
                let _ = write!(traffic, "; {ms} ms on a simulated NFC link");
            }
            if let Some(ms) = output.elapsed_ms {
                let _ = write!(traffic, "; {ms} ms");
            }
            out.push(traffic);
            if output.resumes > 0 {
                out.push(format!(
                    "  Resumed         {} time(s) after the tag was lost, at the byte reached",
                    output.resumes
                ));
            }
            if output.sm_restarts > 0 {
                out.push(format!(
                    "  Re-opened       {} time(s): the chip closed secure messaging on a length it refused",
                    output.sm_restarts
                ));
            }
        }
        if !output.checks.is_empty() {
            out.push(String::new());
            out.push("  Checks".to_owned());
            for check in &output.checks {
                out.push(format!("  {}", check_line(check)));
            }
        }
        out.push(String::new());
        out.push(format!(
            "  Verdict         {}",
            verdict_word(output.verdict)
        ));
        out
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
pub fn remedy(code: ErrorCode) -> String {
    let text = match code {
        ErrorCode::AccessDenied => {
            "the chip refused the key: re-scan the MRZ, or check the document number and dates, or the CAN"
        }
        ErrorCode::FileAccessDenied => {
            "the key was right, but the chip requires terminal authentication (EAC) for this file and idproof holds no inspection-system certificates: nothing to re-scan; the other files are read"
        }
        ErrorCode::TagLost => "the chip left the field: hold the phone still on the document",
        ErrorCode::Unsupported => "the chip offers no access protocol idproof can use yet",
        ErrorCode::PaceFailed => {
            "PACE did not complete: try again; an ID card may need its CAN (--can); only if the chip keeps refusing PACE, --allow-bac-fallback reads it by BAC and the report says downgraded"
        }
        ErrorCode::SecureMessaging => {
            "the chip's replies failed their integrity check: try again; if it persists the chip may be faulty or tampered with"
        }
        _ => "try again; if it persists, report the error code",
    };
    format!("  what to do: {text}")
}

/// One check as a human line: name, status, code and detail (shared by `demo`, `read`, `verify`).
pub fn check_line(check: &idproof_core::report::Check) -> String {
    let status = match check.status {
        CheckStatus::Passed => "passed",
        CheckStatus::Failed => "FAILED",
        CheckStatus::NotPerformed => "not performed",
    };
    let mut text = format!("  {:<22} {status}", check.name.as_str());
    if let Some(code) = &check.code {
        let _ = write!(text, " {code}");
    }
    if let Some(detail) = &check.detail {
        let _ = write!(text, " — {detail}");
    }
    text
}

/// "BAC with the MRZ key, 3DES" or "PACE-CAM (id-PACE-ECDH-CAM-AES-CBC-CMAC-128, brainpoolP256r1)
/// with the CAN, AES-128".
fn access_text(access: &idproof_core::reader::AccessInfo) -> String {
    let password = match access.password {
        idproof_core::reader::PasswordKind::Mrz => "the MRZ key",
        idproof_core::reader::PasswordKind::Can => "the CAN",
    };
    let protocol = match (&access.mapping, &access.pace_protocol) {
        (Some(mapping), Some(name)) => {
            let group = access
                .parameter_id
                .and_then(idproof_core::crypto::ka::standardized_name)
                .map(|g| format!(", {g}"))
                .unwrap_or_default();
            format!("PACE-{mapping} ({name}{group})")
        }
        _ => access.protocol.to_string(),
    };
    let offered = if access.downgraded {
        " (DOWNGRADED: the chip offers PACE; BAC was allowed with --allow-bac-fallback)"
    } else if access.pace_offered && access.mapping.is_none() {
        " (the chip also offers PACE)"
    } else {
        ""
    };
    format!("{protocol} with {password}, {}{offered}", access.cipher)
}

#[cfg(test)]
#[path = "output_tests.rs"]
mod tests;
