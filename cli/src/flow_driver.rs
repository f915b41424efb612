//! Runs the activation flow (`idproof_core::flow::ActivationFlow`) against the embedded
//! reference backend, for `idproof flow` and the end of `idproof demo`.
//!
//! The flow is sans-IO: it emits actions and waits for events. This driver is the "platform":
//! it performs every backend action on [`ReferenceBackend`], the chip read on a
//! [`ChipReader`] (the virtual chip or a PC/SC reader), and feeds the answers back, recording a
//! transcript of event and action *names* — never the values typed, so the JSON output holds no
//! personal data. The face SDK step is the one thing it cannot do: the script (or the person at
//! the terminal) gives the face result as an event. Refusals carry the catalogue message in the
//! driver's language ([`FlowDriver::set_lang`], `idproof flow --lang`), English by default.

use idproof_core::asn1::Time;
use idproof_core::auth::trust::TrustStore;
use idproof_core::flow::reference::ReferenceBackend;
use idproof_core::flow::{
    Action, ActivationFlow, Assurance, Code, DocumentKind, Event, FaceResult, FlowConfig,
    FlowError, Lang, MrzSource, Nonce, Outcome as FaceOutcome, Step, Usage, perform,
};
use idproof_core::mrz::MrzKey;
use idproof_core::report::{Report, Verdict};
use serde::{Deserialize, Serialize};

use crate::output::Outcome;

/// Reads the chip when the flow asks for it (`Action::ReadChip`).
pub trait ChipReader {
    /// Reads with the flow's MRZ key and the backend nonce's Active Authentication challenge,
    /// and verifies what was read. `Outcome::Failed` carries the read's error code.
    fn read(&mut self, key: &MrzKey, challenge: [u8; 8]) -> Outcome;

    /// Why the reader itself could not be used (no pcscd, no reader, no card): the CLI then
    /// exits 3 instead of reporting a flow result.
    fn reader_problem(&self) -> Option<String> {
        None
    }
}

/// One event of an events file (`idproof flow --events FILE`), in serde's externally tagged
/// form: `"choose_passport_or_id_card"`, `{"country": "DNK"}`, `{"face": {"liveness": "passed",
/// "face_match": "passed"}}` … See ARCHITECTURE.md "CLI contract" for the table.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ScriptEvent {
    /// Choose "Passport/ID card".
    ChoosePassportOrIdCard,
    /// Answer the terms screen.
    AcceptTerms(bool),
    /// `passport` or `id_card`.
    DocumentKind(DocumentKind),
    /// ICAO issuing-state code.
    Country(String),
    /// A CPR number.
    Cpr(String),
    /// A P code.
    PCode(String),
    /// The MRZ lines (joined or separated by whitespace), as the camera read them.
    Mrz(String),
    /// The MRZ lines typed by hand.
    MrzTyped(String),
    /// The three key fields typed by hand.
    MrzFields {
        /// Document number.
        document_number: String,
        /// `YYMMDD`.
        birth_date: String,
        /// `YYMMDD`.
        expiry_date: String,
    },
    /// The face SDK's result.
    Face(FaceResult),
    /// The user ID.
    UserId(String),
    /// The phone number.
    Phone(String),
    /// Ask for a new SMS code.
    ResendSms,
    /// An SMS code as typed.
    SmsCode(String),
    /// The SMS code the reference backend last sent to the phone number entered (the person
    /// reads it off their phone).
    SmsCodeReceived,
    /// The usage choice.
    Usage(Usage),
    /// "Back".
    Back,
    /// Retry the current platform or backend step.
    Retry,
    /// Moves the reference backend's clock forward (P-code and SMS-code expiry).
    WaitSeconds(u64),
}

/// An events file: the events, and what the reference backend knows before the flow starts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Script {
    /// P codes MitID Support has issued (valid 60 days from the start).
    #[serde(default)]
    pub p_codes: Vec<String>,
    /// User IDs other people already have.
    #[serde(default)]
    pub taken_user_ids: Vec<String>,
    /// The events, in order.
    pub events: Vec<ScriptEvent>,
}

impl Script {
    /// Parses an events file: a [`Script`] object, or just the array of events.
    pub fn from_json(text: &str) -> Result<Script, String> {
        match serde_json::from_str::<Script>(text) {
            Ok(script) => Ok(script),
            Err(object_error) => serde_json::from_str::<Vec<ScriptEvent>>(text)
                .map(|events| Script {
                    p_codes: Vec::new(),
                    taken_user_ids: Vec::new(),
                    events,
                })
                .map_err(|array_error| {
                    if text.trim_start().starts_with('[') {
                        array_error.to_string()
                    } else {
                        object_error.to_string()
                    }
                }),
        }
    }
}

/// A refused event, as the app would show it.
#[derive(Debug, Clone, Serialize)]
pub struct Refusal {
    /// Stable code (`P_CODE_WRONG`, `USER_ID_CHARACTERS`, …).
    pub code: Code,
    /// The catalogue message, in the driver's language (English unless `--lang` says otherwise).
    pub message: &'static str,
}

/// One transcript entry: an event the flow took, the actions it emitted, where it went.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// The event's name (no value: values are personal data).
    pub event: &'static str,
    /// The actions' names, in order.
    pub actions: Vec<&'static str>,
    /// Warnings shown (`Action::Warn`).
    pub warnings: Vec<Code>,
    /// The step after the event.
    pub step: Step,
    /// Why the event was refused, if it was.
    pub error: Option<Refusal>,
}

/// The chip step's result, in the transcript's JSON.
#[derive(Debug, Clone, Serialize)]
pub struct ChipSummary {
    /// `authentic`, `failed`, `incomplete` as the app verified the read; absent if the read
    /// itself failed.
    pub verdict: Option<Verdict>,
    /// Failure codes of the app's verification, or the read's error code.
    pub failures: Vec<String>,
}

/// The JSON object of `idproof flow --json` (and `flow` in `idproof demo --json`).
#[derive(Debug, Clone, Serialize)]
pub struct FlowOutput {
    /// Every event fed, in order (including backend answers and the chip read).
    pub transcript: Vec<Entry>,
    /// The final step.
    pub step: Step,
    /// Why the flow failed, when `step` is `failed`.
    pub failure: Option<Code>,
    /// The backend's assurance decision, once the evidence was submitted.
    pub assurance: Option<Assurance>,
    /// The app's own reading of its report (advisory; the backend decides).
    pub local_assurance: Option<Assurance>,
    /// The usage chosen.
    pub usage: Option<Usage>,
    /// The chip read, when one ran.
    pub chip: Option<ChipSummary>,
}

impl FlowOutput {
    /// Done with `substantial`: what MitID Erhverv needs.
    pub fn substantial(&self) -> bool {
        self.step == Step::Done
            && self
                .assurance
                .as_ref()
                .is_some_and(|a| a.level == idproof_core::flow::AssuranceLevel::Substantial)
    }
}

/// The flow, the reference backend and the chip, and what happened so far.
pub struct FlowDriver<'a> {
    flow: ActivationFlow,
    backend: ReferenceBackend,
    chip: &'a mut dyn ChipReader,
    transcript: Vec<Entry>,
    chip_summary: Option<ChipSummary>,
    last_outcome: Option<Outcome>,
    last_phone: Option<String>,
    submitted_bundle: Option<String>,
    at: Time,
    lang: Lang,
    on_entry: Box<dyn FnMut(&Entry) + 'a>,
}

impl<'a> FlowDriver<'a> {
    /// A driver for a flow under `config`, whose reference backend re-verifies every evidence
    /// bundle against `trust` at `at`, with random values from `seed`.
    pub fn new(
        config: FlowConfig,
        trust: TrustStore,
        at: Time,
        seed: u64,
        chip: &'a mut dyn ChipReader,
    ) -> Self {
        Self {
            flow: ActivationFlow::new(config),
            backend: ReferenceBackend::new(seed, trust, at),
            chip,
            transcript: Vec::new(),
            chip_summary: None,
            last_outcome: None,
            last_phone: None,
            submitted_bundle: None,
            at,
            lang: Lang::En,
            on_entry: Box::new(|_| {}),
        }
    }

    /// The language of the refusal messages in the transcript (default English).
    pub fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
    }

    /// Calls `show` after every transcript entry (the human output).
    pub fn on_entry(&mut self, show: impl FnMut(&Entry) + 'a) {
        self.on_entry = Box::new(show);
    }

    /// The reference backend (to register P codes, taken user IDs, a fixed nonce).
    pub fn backend(&mut self) -> &mut ReferenceBackend {
        &mut self.backend
    }

    /// The current step.
    pub fn step(&self) -> Step {
        self.flow.step()
    }

    /// The chip read's outcome (document and report), once the chip step ran.
    pub fn take_chip_outcome(&mut self) -> Option<Outcome> {
        self.last_outcome.take()
    }

    /// The evidence bundle (canonical JSON) the flow submitted to the backend, if it did.
    pub fn submitted_bundle(&self) -> Option<&str> {
        self.submitted_bundle.as_deref()
    }

    /// Registers the script's P codes and taken user IDs with the backend.
    pub fn prepare(&mut self, script: &Script) {
        for code in &script.p_codes {
            self.backend.add_p_code(code);
        }
        for user_id in &script.taken_user_ids {
            self.backend.take_user_id(user_id);
        }
    }

    /// The SMS code the reference backend last sent to the phone number the flow sent it to
    /// (what the person reads on their phone).
    pub fn sms_code_sent(&self) -> Option<String> {
        let phone = self.last_phone.as_deref()?;
        self.backend.last_sms_code(phone).map(str::to_owned)
    }

    /// Feeds one script event; performs the backend and chip actions that follow. A refused
    /// event is recorded in the transcript and returned as the error.
    pub fn send_script(&mut self, event: &ScriptEvent) -> Result<(), FlowError> {
        let event = match event {
            ScriptEvent::WaitSeconds(secs) => {
                self.backend.advance(*secs);
                return Ok(());
            }
            ScriptEvent::SmsCodeReceived => {
                Event::EnterSmsCode(self.sms_code_sent().unwrap_or_default())
            }
            other => to_event(other),
        };
        self.send(event)
    }

    /// Feeds `event` and everything it leads to (backend answers, the chip read).
    pub fn send(&mut self, event: Event) -> Result<(), FlowError> {
        let mut queue = vec![event];
        let mut first_error = None;
        while let Some(event) = queue.pop() {
            let name = event.name();
            let result = self.flow.handle(event);
            let mut entry = Entry {
                event: name,
                actions: Vec::new(),
                warnings: Vec::new(),
                step: self.flow.step(),
                error: None,
            };
            match result {
                Err(error) => {
                    entry.error = Some(Refusal {
                        code: error.code(),
                        message: error.message(self.lang),
                    });
                    self.record(entry);
                    first_error.get_or_insert(error);
                }
                Ok(actions) => {
                    entry.actions = actions.iter().map(Action::name).collect();
                    entry.warnings = actions
                        .iter()
                        .filter_map(|a| match a {
                            Action::Warn(code) => Some(*code),
                            _ => None,
                        })
                        .collect();
                    self.record(entry);
                    for action in actions {
                        if let Some(reply) = self.perform(&action) {
                            queue.push(reply);
                        }
                    }
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    fn record(&mut self, entry: Entry) {
        (self.on_entry)(&entry);
        self.transcript.push(entry);
    }

    /// Performs one action: the backend's on the reference backend, the chip read on the
    /// chip; `None` for actions the platform's user answers (face, warnings, completion).
    fn perform(&mut self, action: &Action) -> Option<Event> {
        match action {
            Action::ReadChip {
                access_key,
                challenge,
            } => {
                let mut aa = [0u8; 8];
                if let Some(bytes) = challenge.get(..8) {
                    aa.copy_from_slice(bytes);
                }
                let outcome = self.chip.read(access_key, aa);
                let event = match &outcome {
                    Outcome::Read(document, report) => {
                        self.chip_summary = Some(summary_of(report));
                        Event::ChipRead {
                            document: document.clone(),
                            report: Box::new(report.clone()),
                        }
                    }
                    Outcome::Failed(error) => {
                        self.chip_summary = Some(ChipSummary {
                            verdict: None,
                            failures: vec![error.code.to_string()],
                        });
                        Event::ChipReadFailed(error.code)
                    }
                };
                self.last_outcome = Some(outcome);
                Some(event)
            }
            Action::SendSms { phone, .. } => {
                // The number as the flow validated it (E.164), the form the backend keys the
                // code by: never the text as typed.
                self.last_phone = Some(phone.as_str().to_owned());
                perform(&mut self.backend, action)
            }
            Action::SubmitEvidence(evidence) => {
                self.submitted_bundle = evidence.bundle(self.at).to_json().ok();
                perform(&mut self.backend, action)
            }
            _ => perform(&mut self.backend, action),
        }
    }

    /// The final state and the transcript.
    pub fn output(&self) -> FlowOutput {
        FlowOutput {
            transcript: self.transcript.clone(),
            step: self.flow.step(),
            failure: self.flow.failure(),
            assurance: self.flow.assurance().cloned(),
            local_assurance: self.flow.local_assurance().cloned(),
            usage: self.flow.usage(),
            chip: self.chip_summary.clone(),
        }
    }
}

fn summary_of(report: &Report) -> ChipSummary {
    ChipSummary {
        verdict: Some(report.verdict),
        failures: report.failures.iter().map(|f| f.code.clone()).collect(),
    }
}

/// The flow event for a script event that needs no driver state.
fn to_event(event: &ScriptEvent) -> Event {
    match event {
        ScriptEvent::ChoosePassportOrIdCard => Event::ChoosePassportOrIdCard,
        ScriptEvent::AcceptTerms(accepted) => Event::AcceptTerms {
            accepted: *accepted,
        },
        ScriptEvent::DocumentKind(kind) => Event::ChooseDocumentKind(*kind),
        ScriptEvent::Country(code) => Event::ChooseCountry(code.clone()),
        ScriptEvent::Cpr(cpr) => Event::EnterCpr(cpr.clone()),
        ScriptEvent::PCode(code) => Event::EnterPCode(code.clone()),
        ScriptEvent::Mrz(text) => Event::ScanMrz {
            text: text.clone(),
            source: MrzSource::Camera,
        },
        ScriptEvent::MrzTyped(text) => Event::ScanMrz {
            text: text.clone(),
            source: MrzSource::Manual,
        },
        ScriptEvent::MrzFields {
            document_number,
            birth_date,
            expiry_date,
        } => Event::EnterMrzFields {
            document_number: document_number.clone(),
            birth_date: birth_date.clone(),
            expiry_date: expiry_date.clone(),
        },
        ScriptEvent::Face(result) => Event::Face(*result),
        ScriptEvent::UserId(id) => Event::EnterUserId(id.clone()),
        ScriptEvent::Phone(phone) => Event::EnterPhone(phone.clone()),
        ScriptEvent::ResendSms => Event::ResendSms,
        ScriptEvent::SmsCode(code) => Event::EnterSmsCode(code.clone()),
        ScriptEvent::Usage(usage) => Event::ChooseUsage(*usage),
        ScriptEvent::Back => Event::Back,
        // Handled by the driver before conversion; harmless if reached.
        ScriptEvent::Retry | ScriptEvent::SmsCodeReceived | ScriptEvent::WaitSeconds(_) => {
            Event::Retry
        }
    }
}

/// A face result that passed liveness and the 1:1 match (the demo has no camera: it says so).
pub fn face_passed() -> FaceResult {
    FaceResult {
        liveness: FaceOutcome::Passed,
        face_match: FaceOutcome::Passed,
    }
}

/// The P code the demo's reference backend has issued.
pub const DEMO_P_CODE: &str = "48151623";

/// The events of the demo's flow for a document with `mrz_lines` of `kind` from `country`:
/// P code, camera MRZ, a simulated passed face scan, user ID, phone, the SMS code received,
/// "this phone".
pub fn demo_script(kind: DocumentKind, country: &str, mrz_lines: &[&str]) -> Script {
    Script {
        p_codes: vec![DEMO_P_CODE.to_owned()],
        taken_user_ids: Vec::new(),
        events: vec![
            ScriptEvent::ChoosePassportOrIdCard,
            ScriptEvent::AcceptTerms(true),
            ScriptEvent::DocumentKind(kind),
            ScriptEvent::Country(country.to_owned()),
            ScriptEvent::PCode(DEMO_P_CODE.to_owned()),
            ScriptEvent::Mrz(mrz_lines.join("\n")),
            ScriptEvent::Face(face_passed()),
            ScriptEvent::UserId("specimen user 1".to_owned()),
            ScriptEvent::Phone("+4520000000".to_owned()),
            ScriptEvent::SmsCodeReceived,
            ScriptEvent::Usage(Usage::ThisPhone),
        ],
    }
}

/// A nonce for the reference backend's next session, from hex (8–32 bytes).
pub fn parse_nonce(text: &str) -> Option<Nonce> {
    hex::decode(text).ok().and_then(Nonce::new)
}
