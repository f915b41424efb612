//! The MitID "activate with passport/ID card" flow: a sans-IO state machine.
//!
//! [`ActivationFlow`] takes [`Event`]s (what the person did, what the chip read or the face SDK
//! returned, what the backend answered) and returns [`Action`]s (ask the backend, read the chip
//! with this key and challenge, run the face SDK, show a warning). It performs no I/O, reads no
//! clock (today's date is in [`FlowConfig`]) and never calls the [`Backend`]: the platform
//! performs each action and feeds the answer back ([`perform`] does that for Rust callers).
//!
//! Steps, in the app's order (mitid-flow.md §0–§1, issue 8):
//! choose "Passport/ID card" → accept terms (a gate) → document kind → issuing country → CPR
//! **or** P code (a P code is checked by the backend) → MRZ (camera or manual) → nonce from the
//! backend → chip read (by the platform, with the nonce as the AA challenge) → face result →
//! evidence submitted, backend decides the assurance → user ID → phone → SMS code → usage
//! choice → done. See `docs/activation-flow.md` for the full event/action table.
//!
//! **Calling contract.** Call [`ActivationFlow::handle`] with one event at a time; perform every
//! returned action in order; feed each backend action's answer back as [`Event::Backend`]. An
//! `Err` means the input was refused: show [`FlowError::message`]; the flow is at
//! [`ActivationFlow::step`] (unchanged for a typing error, moved back for errors that need an
//! earlier step redone). [`Event::Retry`] re-emits the action of a step that waits on the
//! platform (chip, face, backend).
//!
//! **Nothing personal at rest.** [`ActivationFlow::snapshot`] is what an app may persist to
//! resume after being killed: the step and non-personal flags and ids only. Personal data (CPR,
//! P code, MRZ, chip files, names, user ID, phone) lives only in memory and is dropped as soon
//! as the backend has it. Resuming before the evidence was accepted restarts at the country.

pub mod assurance;
pub mod backend;
pub mod countries;
pub mod date;
mod events;
pub mod evidence;
pub mod messages;
#[cfg(any(test, feature = "reference-backend"))]
pub mod reference;
pub mod validate;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use assurance::{
    AntiCloneProof, Assurance, AssuranceInput, AssuranceLevel, ChipAuthClass, FaceResult, Outcome,
    Reason, decide,
};
pub use backend::{
    Applicant, Backend, BackendError, BackendReply, Evidence, Nonce, NonceGrant, PCodeStatus,
    SessionId, SubmissionReceipt, perform,
};
pub use date::Date;
pub use events::{Action, Event, FlowError, MrzSource, Step, Usage};
pub use evidence::{EvidenceBundle, EvidenceError, EvidenceVerdict, verify_evidence};
pub use messages::{Code, Lang};
pub use validate::{AccessMrz, DocumentKind, IssuingState, ValidationError};

use crate::error::ErrorCode;
use crate::lds::{DataGroup, Dg1, LdsFile};
use crate::mrz::Mrz;
use crate::reader::Document;
use crate::report::Report;
use validate::{PCode, PhoneNumber, SmsCode, UserId};

/// Settings of a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowConfig {
    /// Today's date, for expiry and CPR checks (the flow reads no clock).
    pub today: Date,
    /// Accept the ICAO specimen issuing state `UTO` (tests and the demo only).
    pub allow_specimen: bool,
    /// Face scans allowed before the flow ends with `FACE_ATTEMPTS`.
    pub max_face_attempts: u8,
}

impl FlowConfig {
    /// Production settings for `today`: no specimens, 3 face attempts.
    pub fn new(today: Date) -> Self {
        Self {
            today,
            allow_specimen: false,
            max_face_attempts: 3,
        }
    }
}

/// The version of [`FlowSnapshot`]'s format.
pub const SNAPSHOT_VERSION: u32 = 1;

/// What an app may store to resume the flow after being killed: the step to resume at and
/// non-personal flags and ids. Never a CPR, P code, MRZ, chip file, name, user ID or phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowSnapshot {
    /// Format version, [`SNAPSHOT_VERSION`].
    pub version: u32,
    /// The step to resume at (the earliest step whose data is no longer held).
    pub step: Step,
    /// The terms were accepted.
    pub terms_accepted: bool,
    /// The chosen document kind (passport or ID card).
    pub document_kind: Option<DocumentKind>,
    /// The backend session, once the evidence was accepted.
    pub session_id: Option<SessionId>,
    /// The backend's assurance decision (level and reason codes), once made.
    pub assurance: Option<Assurance>,
    /// The usage chosen, once done.
    pub usage: Option<Usage>,
    /// Why the flow failed, if it did.
    pub failure: Option<Code>,
}

/// The activation flow. See the module docs for the contract.
pub struct ActivationFlow {
    config: FlowConfig,
    step: Step,
    terms_accepted: bool,
    document_kind: Option<DocumentKind>,
    country: Option<IssuingState>,
    applicant: Option<Applicant>,
    pending_p_code: Option<PCode>,
    access: Option<AccessMrz>,
    mrz_source: MrzSource,
    session_id: Option<SessionId>,
    nonce: Option<Nonce>,
    document: Option<Box<Document>>,
    report: Option<Box<Report>>,
    face: Option<FaceResult>,
    face_attempts: u8,
    p_code_attempts_left: Option<u8>,
    local_assurance: Option<Assurance>,
    assurance: Option<Assurance>,
    user_id: Option<UserId>,
    phone: Option<PhoneNumber>,
    pending_sms_code: Option<SmsCode>,
    usage: Option<Usage>,
    failure: Option<Code>,
}

impl fmt::Debug for ActivationFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActivationFlow")
            .field("step", &self.step)
            .field("failure", &self.failure)
            .finish_non_exhaustive()
    }
}

impl ActivationFlow {
    /// A new flow at [`Step::ChooseMethod`].
    pub fn new(config: FlowConfig) -> Self {
        Self {
            config,
            step: Step::ChooseMethod,
            terms_accepted: false,
            document_kind: None,
            country: None,
            applicant: None,
            pending_p_code: None,
            access: None,
            mrz_source: MrzSource::Camera,
            session_id: None,
            nonce: None,
            document: None,
            report: None,
            face: None,
            face_attempts: 0,
            p_code_attempts_left: None,
            local_assurance: None,
            assurance: None,
            user_id: None,
            phone: None,
            pending_sms_code: None,
            usage: None,
            failure: None,
        }
    }

    /// The current step.
    pub fn step(&self) -> Step {
        self.step
    }

    /// The backend's assurance decision, once the evidence was accepted.
    pub fn assurance(&self) -> Option<&Assurance> {
        self.assurance.as_ref()
    }

    /// The app's own (advisory) decision, computed when the evidence was submitted.
    pub fn local_assurance(&self) -> Option<&Assurance> {
        self.local_assurance.as_ref()
    }

    /// Why the flow failed, in [`Step::Failed`].
    pub fn failure(&self) -> Option<Code> {
        self.failure
    }

    /// The chosen usage, in [`Step::Done`].
    pub fn usage(&self) -> Option<Usage> {
        self.usage
    }

    /// Attempts left on the P code, as the backend last said.
    pub fn p_code_attempts_left(&self) -> Option<u8> {
        self.p_code_attempts_left
    }

    /// Faces scans used so far.
    pub fn face_attempts(&self) -> u8 {
        self.face_attempts
    }

    /// The state to persist: see [`FlowSnapshot`].
    pub fn snapshot(&self) -> FlowSnapshot {
        let proofed = self.assurance.is_some();
        FlowSnapshot {
            version: SNAPSHOT_VERSION,
            step: resume_step(self.step, self.document_kind.is_some()),
            terms_accepted: self.terms_accepted,
            document_kind: self.document_kind,
            session_id: if proofed {
                self.session_id.clone()
            } else {
                None
            },
            assurance: self.assurance.clone(),
            usage: self.usage,
            failure: self.failure,
        }
    }

    /// A flow resumed from a snapshot, with today's configuration.
    pub fn resume(snapshot: FlowSnapshot, config: FlowConfig) -> Result<Self, FlowError> {
        if snapshot.version != SNAPSHOT_VERSION {
            return Err(FlowError::Snapshot {
                detail: "unknown version",
            });
        }
        if snapshot.step != resume_step(snapshot.step, snapshot.document_kind.is_some()) {
            return Err(FlowError::Snapshot {
                detail: "not a resumable step",
            });
        }
        let after_proofing = matches!(
            snapshot.step,
            Step::UserId | Step::Phone | Step::Usage | Step::Done
        );
        if after_proofing && (snapshot.session_id.is_none() || snapshot.assurance.is_none()) {
            return Err(FlowError::Snapshot {
                detail: "a step after proofing needs the session and its assurance",
            });
        }
        let past_terms = !matches!(snapshot.step, Step::ChooseMethod | Step::AcceptTerms);
        if past_terms && snapshot.step != Step::Failed && !snapshot.terms_accepted {
            return Err(FlowError::Snapshot {
                detail: "terms not accepted",
            });
        }
        let mut flow = ActivationFlow::new(config);
        flow.step = snapshot.step;
        flow.terms_accepted = snapshot.terms_accepted;
        flow.document_kind = snapshot.document_kind;
        flow.session_id = snapshot.session_id;
        flow.assurance = snapshot.assurance;
        flow.usage = snapshot.usage;
        flow.failure = snapshot.failure;
        Ok(flow)
    }

    /// Handles one event; see the module docs for the contract.
    pub fn handle(&mut self, event: Event) -> Result<Vec<Action>, FlowError> {
        let unexpected = FlowError::UnexpectedEvent {
            step: self.step,
            event: event.name(),
        };
        match (self.step, event) {
            (_, Event::Back) => self.back(),
            (_, Event::Retry) => self.retry().ok_or(unexpected),
            (Step::ChooseMethod, Event::ChoosePassportOrIdCard) => {
                self.step = Step::AcceptTerms;
                Ok(vec![])
            }
            (Step::AcceptTerms, Event::AcceptTerms { accepted }) => {
                if !accepted {
                    return Err(FlowError::TermsRequired);
                }
                self.terms_accepted = true;
                self.step = Step::DocumentKind;
                Ok(vec![])
            }
            (Step::DocumentKind, Event::ChooseDocumentKind(kind)) => {
                self.document_kind = Some(kind);
                self.step = Step::Country;
                Ok(vec![])
            }
            (Step::Country, Event::ChooseCountry(code)) => {
                self.country = Some(validate::issuing_state(&code, self.config.allow_specimen)?);
                self.step = Step::Identifier;
                Ok(vec![])
            }
            (Step::Identifier, Event::EnterCpr(text)) => {
                let cpr = validate::cpr(&text, self.config.today)?;
                let warning = cpr.warning();
                self.applicant = Some(Applicant::Cpr(cpr));
                self.step = Step::Mrz;
                Ok(warning.map(Action::Warn).into_iter().collect())
            }
            (Step::Identifier, Event::EnterPCode(text)) => {
                let p_code = validate::p_code(&text)?;
                self.pending_p_code = Some(p_code.clone());
                self.step = Step::CheckingPCode;
                Ok(vec![Action::CheckPCode(p_code)])
            }
            (Step::CheckingPCode, Event::Backend(BackendReply::PCodeChecked(reply))) => {
                self.on_p_code_checked(reply)
            }
            (Step::Mrz, Event::ScanMrz { text, source }) => {
                let mrz = validate::scanned_mrz(&text)?;
                let kind = self.require_kind()?;
                validate::document_kind(kind, mrz.document_code())?;
                validate::issuing_state_matches(mrz.issuing_state(), self.require_country()?)?;
                validate::not_expired(mrz.expiry_date(), self.config.today)?;
                self.mrz_source = source;
                self.access = Some(AccessMrz::Scanned(mrz));
                Ok(self.ask_nonce())
            }
            (
                Step::Mrz,
                Event::EnterMrzFields {
                    document_number,
                    birth_date,
                    expiry_date,
                },
            ) => {
                let access = validate::manual_mrz(&document_number, &birth_date, &expiry_date)?;
                validate::not_expired(access.expiry_date(), self.config.today)?;
                self.mrz_source = MrzSource::Manual;
                self.access = Some(access);
                Ok(self.ask_nonce())
            }
            (Step::IssuingNonce, Event::Backend(BackendReply::NonceIssued(reply))) => match reply {
                Ok(grant) => {
                    self.session_id = Some(grant.session_id);
                    self.nonce = Some(grant.nonce);
                    self.step = Step::ReadingChip;
                    Ok(self.retry().into_iter().flatten().collect())
                }
                Err(e) => self.backend_failed(e, Step::Mrz),
            },
            (Step::ReadingChip, Event::ChipRead { document, report }) => {
                self.on_chip_read(document, report)
            }
            (Step::ReadingChip, Event::ChipReadFailed(code)) => Err(match code {
                ErrorCode::AccessDenied => {
                    self.rewind(Step::Mrz);
                    FlowError::Chip {
                        code: Code::AccessDenied,
                    }
                }
                ErrorCode::TagLost => FlowError::Chip {
                    code: Code::TagLost,
                },
                // The chip does not hold the key its own signed data names: a clone. Reading
                // it again cannot help, and the person must not be told to retry.
                ErrorCode::CaFailed => {
                    return self.fail(FlowError::Chip {
                        code: Code::AntiCloneFailed,
                    });
                }
                _ => FlowError::Chip {
                    code: Code::ChipRead,
                },
            }),
            (Step::Face, Event::Face(result)) => self.on_face(result),
            (Step::SubmittingEvidence, Event::Backend(BackendReply::EvidenceSubmitted(reply))) => {
                self.on_submitted(reply)
            }
            (Step::UserId, Event::EnterUserId(text)) => {
                self.user_id = Some(validate::user_id(&text)?);
                self.step = Step::ReservingUserId;
                Ok(self.retry().into_iter().flatten().collect())
            }
            (Step::ReservingUserId, Event::Backend(BackendReply::UserIdReserved(reply))) => {
                match reply {
                    Ok(()) => {
                        self.step = Step::Phone;
                        Ok(vec![])
                    }
                    Err(e) => self.backend_failed(e, Step::UserId),
                }
            }
            (Step::Phone, Event::EnterPhone(text)) => {
                self.phone = Some(validate::phone(&text)?);
                self.step = Step::SendingSms;
                Ok(self.retry().into_iter().flatten().collect())
            }
            (Step::SmsCode, Event::ResendSms) => {
                self.step = Step::SendingSms;
                Ok(self.retry().into_iter().flatten().collect())
            }
            (Step::SendingSms, Event::Backend(BackendReply::SmsSent(reply))) => match reply {
                Ok(()) => {
                    self.step = Step::SmsCode;
                    Ok(vec![])
                }
                Err(e @ BackendError::SmsBlocked) => self.fail(e.into()),
                Err(e) => self.backend_failed(e, Step::Phone),
            },
            (Step::SmsCode, Event::EnterSmsCode(text)) => {
                self.pending_sms_code = Some(validate::sms_code(&text)?);
                self.step = Step::VerifyingSmsCode;
                Ok(self.retry().into_iter().flatten().collect())
            }
            (Step::VerifyingSmsCode, Event::Backend(BackendReply::SmsCodeVerified(reply))) => {
                self.pending_sms_code = None;
                match reply {
                    Ok(()) => {
                        self.phone = None;
                        self.user_id = None;
                        self.step = Step::Usage;
                        Ok(vec![])
                    }
                    Err(e @ BackendError::SmsBlocked) => self.fail(e.into()),
                    Err(e) => self.backend_failed(e, Step::SmsCode),
                }
            }
            (Step::Usage, Event::ChooseUsage(usage)) => {
                self.usage = Some(usage);
                self.step = Step::Done;
                let assurance = self.assurance.clone().ok_or(FlowError::Snapshot {
                    detail: "no assurance decision",
                })?;
                Ok(vec![Action::Completed { usage, assurance }])
            }
            (Step::Failed, _) => Err(FlowError::UnexpectedEvent {
                step: Step::Failed,
                event: "any (the flow has failed)",
            }),
            _ => Err(unexpected),
        }
    }

    /// The action of the current waiting step, rebuilt from the data held (`None` for steps
    /// that wait for the person).
    fn retry(&self) -> Option<Vec<Action>> {
        let session_id = || self.session_id.clone();
        let action = match self.step {
            Step::CheckingPCode => Action::CheckPCode(self.pending_p_code.clone()?),
            Step::IssuingNonce => Action::IssueNonce,
            Step::ReadingChip => Action::ReadChip {
                access_key: self.access.as_ref()?.access_key(),
                challenge: self.nonce.as_ref()?.aa_challenge(),
            },
            Step::Face => Action::ScanFace {
                dg2: self
                    .document
                    .as_ref()?
                    .file(LdsFile::Dg(DataGroup::DG2))
                    .map(<[u8]>::to_vec),
            },
            Step::SubmittingEvidence => Action::SubmitEvidence(Box::new(self.evidence()?)),
            Step::ReservingUserId => Action::ReserveUserId {
                session_id: session_id()?,
                user_id: self.user_id.clone()?,
            },
            Step::SendingSms => Action::SendSms {
                session_id: session_id()?,
                phone: self.phone.clone()?,
            },
            Step::VerifyingSmsCode => Action::VerifySmsCode {
                session_id: session_id()?,
                code: self.pending_sms_code.clone()?,
            },
            _ => return None,
        };
        Some(vec![action])
    }

    fn evidence(&self) -> Option<Evidence> {
        let nonce = self.nonce.clone()?;
        Some(Evidence {
            session_id: self.session_id.clone()?,
            aa_challenge: nonce.aa_challenge(),
            nonce,
            applicant: self.applicant.clone()?,
            document_kind: self.document_kind?,
            issuing_state: self.country.clone()?,
            mrz: self.access.clone()?,
            mrz_source: self.mrz_source,
            document: (**self.document.as_ref()?).clone(),
            report: (**self.report.as_ref()?).clone(),
            face: self.face?,
        })
    }

    fn require_kind(&self) -> Result<DocumentKind, FlowError> {
        self.document_kind.ok_or(FlowError::Snapshot {
            detail: "no document kind",
        })
    }

    fn require_country(&self) -> Result<&IssuingState, FlowError> {
        self.country.as_ref().ok_or(FlowError::Snapshot {
            detail: "no country",
        })
    }

    /// After a valid MRZ: reuse the session's unused nonce, or ask for one.
    fn ask_nonce(&mut self) -> Vec<Action> {
        if self.nonce.is_some() {
            self.step = Step::ReadingChip;
        } else {
            self.step = Step::IssuingNonce;
        }
        self.retry().into_iter().flatten().collect()
    }

    fn on_p_code_checked(
        &mut self,
        reply: Result<PCodeStatus, BackendError>,
    ) -> Result<Vec<Action>, FlowError> {
        match reply {
            Ok(status) => {
                self.p_code_attempts_left = Some(status.attempts_left);
                self.applicant = self.pending_p_code.take().map(Applicant::PCode);
                self.step = Step::Mrz;
                Ok(vec![])
            }
            Err(e) => {
                if e != BackendError::Unavailable {
                    self.pending_p_code = None;
                }
                self.backend_failed(e, Step::Identifier)
            }
        }
    }

    fn on_chip_read(
        &mut self,
        document: Box<Document>,
        report: Box<Report>,
    ) -> Result<Vec<Action>, FlowError> {
        let dg1 = document
            .file(LdsFile::Dg(DataGroup::DG1))
            .and_then(|raw| Dg1::parse(raw).ok())
            .and_then(|dg1| Mrz::parse(dg1.mrz_text()).ok());
        let Some(dg1) = dg1 else {
            return Err(FlowError::Chip {
                code: Code::Dg1Missing,
            });
        };
        let today = self.config.today;
        let access = self
            .access
            .as_ref()
            .ok_or(FlowError::Snapshot { detail: "no MRZ" })?;
        let kind = self.require_kind()?;
        let country = self.require_country()?;
        let checked = validate::dg1_matches_access(&dg1, access)
            .and_then(|()| validate::document_kind(kind, dg1.document_code()))
            .and_then(|()| validate::issuing_state_matches(dg1.issuing_state(), country))
            .and_then(|()| validate::not_expired(dg1.expiry_date(), today).map(|_| ()));
        if let Err(e) = checked {
            // What the chip holds contradicts what was entered: redo from the MRZ (the person
            // may go back further to fix the kind or country).
            self.rewind(Step::Mrz);
            return Err(e.into());
        }
        self.document = Some(document);
        self.report = Some(report);
        self.step = Step::Face;
        Ok(self.retry().into_iter().flatten().collect())
    }

    fn on_face(&mut self, result: FaceResult) -> Result<Vec<Action>, FlowError> {
        self.face_attempts = self.face_attempts.saturating_add(1);
        if result.passed() {
            self.face = Some(result);
            self.step = Step::SubmittingEvidence;
            let evidence = self.evidence().ok_or(FlowError::Snapshot {
                detail: "evidence incomplete",
            })?;
            self.local_assurance = Some(decide(&evidence.assurance_input()));
            return Ok(vec![Action::SubmitEvidence(Box::new(evidence))]);
        }
        if self.face_attempts >= self.config.max_face_attempts {
            return self.fail(FlowError::Face {
                code: Code::FaceAttempts,
            });
        }
        Err(FlowError::Face {
            code: if result.liveness == Outcome::Passed {
                Code::FaceMatch
            } else {
                Code::FaceLiveness
            },
        })
    }

    fn on_submitted(
        &mut self,
        reply: Result<SubmissionReceipt, BackendError>,
    ) -> Result<Vec<Action>, FlowError> {
        match reply {
            Ok(receipt) => {
                self.assurance = Some(receipt.assurance);
                // The backend has the evidence: drop every piece of it from memory.
                self.applicant = None;
                self.country = None;
                self.access = None;
                self.document = None;
                self.report = None;
                self.face = None;
                self.nonce = None;
                self.step = Step::UserId;
                Ok(vec![])
            }
            Err(BackendError::Nonce) => {
                // The session is gone: start the document part again with a fresh nonce.
                self.session_id = None;
                self.nonce = None;
                self.rewind(Step::Mrz);
                Err(FlowError::Backend(BackendError::Nonce))
            }
            Err(
                e @ (BackendError::PCodeUnknown
                | BackendError::PCodeExpired
                | BackendError::PCodeUsed
                | BackendError::PCodeAttempts),
            ) => {
                self.rewind(Step::Identifier);
                Err(FlowError::Backend(e))
            }
            Err(e) => self.backend_failed(e, Step::SubmittingEvidence),
        }
    }

    /// A backend refusal: stay in the waiting step when it was unavailable (so
    /// [`Event::Retry`] re-sends), else go to `input_step` for new input.
    fn backend_failed(
        &mut self,
        error: BackendError,
        input_step: Step,
    ) -> Result<Vec<Action>, FlowError> {
        if error != BackendError::Unavailable {
            self.step = input_step;
        }
        Err(FlowError::Backend(error))
    }

    /// Ends the flow with `error`, dropping every piece of personal data held.
    fn fail(&mut self, error: FlowError) -> Result<Vec<Action>, FlowError> {
        self.rewind(Step::Country);
        self.user_id = None;
        self.phone = None;
        self.pending_sms_code = None;
        self.step = Step::Failed;
        self.failure = Some(error.code());
        Err(error)
    }

    /// Goes back to `to`, dropping what was collected at `to` and after it.
    fn rewind(&mut self, to: Step) {
        let order = |s: Step| s as u8;
        if order(to) <= order(Step::Country) {
            self.country = None;
        }
        if order(to) <= order(Step::Identifier) {
            self.applicant = None;
            self.pending_p_code = None;
            self.p_code_attempts_left = None;
        }
        if order(to) <= order(Step::Mrz) {
            self.access = None;
            self.document = None;
            self.report = None;
            self.face = None;
            self.face_attempts = 0;
        }
        if to == Step::Phone {
            self.phone = None;
            self.pending_sms_code = None;
        }
        self.step = to;
    }

    fn back(&mut self) -> Result<Vec<Action>, FlowError> {
        let to = match self.step {
            Step::AcceptTerms => Step::ChooseMethod,
            Step::DocumentKind => Step::AcceptTerms,
            Step::Country => Step::DocumentKind,
            Step::Identifier => Step::Country,
            Step::Mrz => Step::Identifier,
            Step::ReadingChip | Step::Face => Step::Mrz,
            Step::SmsCode => Step::Phone,
            step => return Err(FlowError::BackNotAllowed { step }),
        };
        self.rewind(to);
        Ok(vec![])
    }
}

/// The step a snapshot taken at `step` resumes at: the earliest step whose data is no longer
/// held after a restart (nothing personal is persisted).
fn resume_step(step: Step, kind_chosen: bool) -> Step {
    match step {
        Step::ChooseMethod | Step::AcceptTerms | Step::DocumentKind => step,
        Step::Country
        | Step::Identifier
        | Step::CheckingPCode
        | Step::Mrz
        | Step::IssuingNonce
        | Step::ReadingChip
        | Step::Face
        | Step::SubmittingEvidence => {
            if kind_chosen {
                Step::Country
            } else {
                Step::DocumentKind
            }
        }
        Step::UserId | Step::ReservingUserId => Step::UserId,
        Step::Phone | Step::SendingSms | Step::SmsCode | Step::VerifyingSmsCode => Step::Phone,
        Step::Usage => Step::Usage,
        Step::Done => Step::Done,
        Step::Failed => Step::Failed,
    }
}
