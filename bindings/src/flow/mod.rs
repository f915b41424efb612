//! The MitID "activate with passport/ID card" flow across the FFI (`idproof_core::flow`).
//!
//! `ActivationFlow` is the core's sans-IO state machine behind a mutex: the app calls
//! `handle(event)` and performs the returned actions in order: backend actions over its own
//! HTTP stack (answering with `FlowEvent.Backend`), the chip read with a `ReadSession`, the
//! face scan with its SDK. No callback crosses the boundary.
//!
//! ```text
//! flow = ActivationFlow(FlowConfig(today))
//! for action in flow.handle(event):                       // throws IdProofError.Refused(code, userMessage, …)
//!     CheckPCode/IssueNonce/SubmitEvidence/… -> flow.handle(Backend(reply)) after the HTTP call
//!     ReadChip(accessKey, challenge)          -> read + verify, flow.handle(ChipRead(document, report))
//!     ScanFace(dg2)                           -> flow.handle(Face(result))
//!     Warn(warning) / Completed(usage, assurance)
//! persist flow.snapshot() (JSON, nothing personal); after a restart ActivationFlow.resume(json, config)
//! ```
//!
//! - `events`: `FlowStep`, `FlowEvent`, `FlowAction`, `BackendReply`;
//! - `types`: dates, settings, choices, `FaceResult`, `Assurance`, `FlowMessage`, `flow_message`;
//! - `validate`: the validators as free functions returning a `Validation`;
//! - `evidence`: the `Evidence` of a submission (its bundle JSON) and `verify_evidence_bundle`;
//! - `reference` (feature `simulator`): the core's reference backend, for tests.

pub mod events;
pub mod evidence;
#[cfg(feature = "simulator")]
pub mod reference;
pub mod types;
pub mod validate;

use std::sync::{Arc, Mutex};

use idproof_core::flow::{self, Code, FlowSnapshot};

use crate::error::{IdProofError, guard, lock};
use events::{FlowAction, FlowEvent, FlowStep};
use types::{Assurance, FlowConfig, FlowMessage, Usage};

/// One activation flow. Thread-safe; every call is quick and does no I/O.
#[derive(uniffi::Object)]
pub struct ActivationFlow {
    inner: Mutex<flow::ActivationFlow>,
    /// The language of its messages (`FlowConfig.language`).
    lang: flow::Lang,
}

impl std::fmt::Debug for ActivationFlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ActivationFlow(..)")
    }
}

impl ActivationFlow {
    fn with<T>(&self, body: impl FnOnce(&flow::ActivationFlow) -> T) -> Result<T, IdProofError> {
        guard(|| Ok(body(&*lock(&self.inner)?)))
    }
}

#[uniffi::export]
impl ActivationFlow {
    /// A new flow at `ChooseMethod`. Throws `USAGE` for a `today` that is not a date.
    #[uniffi::constructor]
    pub fn new(config: FlowConfig) -> Result<Arc<Self>, IdProofError> {
        guard(|| {
            let lang = config.lang();
            Ok(Arc::new(Self {
                inner: Mutex::new(flow::ActivationFlow::new(config.to_core()?)),
                lang,
            }))
        })
    }

    /// A flow resumed from `snapshot()`'s JSON with today's configuration. It resumes at the
    /// earliest step whose data was not persisted (before the evidence was accepted: the
    /// country). Throws `Refused` with `SNAPSHOT` for a text that is not a snapshot of this
    /// version or is inconsistent.
    #[uniffi::constructor]
    pub fn resume(snapshot_json: String, config: FlowConfig) -> Result<Arc<Self>, IdProofError> {
        guard(|| {
            let lang = config.lang();
            let config = config.to_core()?;
            let snapshot: FlowSnapshot = serde_json::from_str(&snapshot_json).map_err(|e| {
                IdProofError::refused_in(Code::Snapshot, format!("not a flow snapshot: {e}"), lang)
            })?;
            let inner = flow::ActivationFlow::resume(snapshot, config)
                .map_err(|e| IdProofError::from_flow(e, lang))?;
            Ok(Arc::new(Self {
                inner: Mutex::new(inner),
                lang,
            }))
        })
    }

    /// Handles one event and returns the actions to perform, in order. Throws `Refused` with
    /// the stable code and the catalogue message when the flow refuses the event (see
    /// `step()` for where it stands then), `InvalidInput` (`USAGE`) for an event whose
    /// document, report or nonce does not convert (the flow is then unchanged).
    pub fn handle(&self, event: FlowEvent) -> Result<Vec<FlowAction>, IdProofError> {
        guard(|| {
            let event = event.into_core()?;
            let actions = lock(&self.inner)?
                .handle(event)
                .map_err(|e| IdProofError::from_flow(e, self.lang))?;
            Ok(actions
                .into_iter()
                .map(|a| FlowAction::from_core(a, self.lang))
                .collect())
        })
    }

    /// The current step.
    pub fn step(&self) -> Result<FlowStep, IdProofError> {
        self.with(|f| f.step().into())
    }

    /// What an app may persist to resume after being killed, as JSON: the step and
    /// non-personal flags and ids only (never a CPR, P code, MRZ, chip file, name, country,
    /// user ID, phone or SMS code).
    pub fn snapshot(&self) -> Result<String, IdProofError> {
        guard(|| {
            let snapshot = lock(&self.inner)?.snapshot();
            serde_json::to_string(&snapshot)
                .map_err(|e| IdProofError::internal(format!("snapshot serialisation: {e}")))
        })
    }

    /// The backend's assurance decision, once the evidence was accepted.
    pub fn assurance(&self) -> Result<Option<Assurance>, IdProofError> {
        self.with(|f| {
            f.assurance()
                .cloned()
                .map(|a| Assurance::in_lang(a, self.lang))
        })
    }

    /// The app's own (advisory) decision, made when the evidence was submitted.
    pub fn local_assurance(&self) -> Result<Option<Assurance>, IdProofError> {
        self.with(|f| {
            f.local_assurance()
                .cloned()
                .map(|a| Assurance::in_lang(a, self.lang))
        })
    }

    /// Why the flow failed, in step `Failed` (e.g. `FACE_ATTEMPTS`, `SMS_BLOCKED`).
    pub fn failure(&self) -> Result<Option<FlowMessage>, IdProofError> {
        self.with(|f| {
            f.failure()
                .map(|code| FlowMessage::in_lang(code, None, self.lang))
        })
    }

    /// The chosen usage, in step `Done`.
    pub fn usage(&self) -> Result<Option<Usage>, IdProofError> {
        self.with(|f| f.usage().map(Into::into))
    }

    /// Proofing attempts left on the P code, as the backend last said.
    pub fn p_code_attempts_left(&self) -> Result<Option<u8>, IdProofError> {
        self.with(flow::ActivationFlow::p_code_attempts_left)
    }

    /// Face scans used so far.
    pub fn face_attempts(&self) -> Result<u8, IdProofError> {
        self.with(flow::ActivationFlow::face_attempts)
    }
}
