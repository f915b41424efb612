//! The core's reference backend as an FFI object (feature `simulator`), so Kotlin and Swift
//! tests run the whole activation flow, with the simulator passport, against a backend that
//! re-verifies the evidence bundle as a real one does. Never in app builds.

use std::sync::{Arc, Mutex};

use idproof_core::flow::{self, Event, reference};

use super::events::{BackendReply, FlowAction, FlowEvent};
use crate::error::{IdProofError, guard, lock};
use crate::trust::TrustStore;
use crate::verify::time_at;

/// MitID's backend as `flow::reference::ReferenceBackend` plays it: P codes (60 days, 3
/// attempts, single use once `substantial`), one single-use nonce per session, the evidence
/// bundle re-verified against its own trust store, unique user IDs, SMS codes (read them with
/// `last_sms_code`). Deterministic: ids, nonces and SMS codes come from `seed`.
#[derive(uniffi::Object)]
pub struct ReferenceBackend {
    inner: Mutex<reference::ReferenceBackend>,
}

impl std::fmt::Debug for ReferenceBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReferenceBackend(..)")
    }
}

#[uniffi::export]
impl ReferenceBackend {
    /// An empty backend that re-verifies each submitted bundle against (a copy of)
    /// `trust_store` at `at_unix_seconds`. Throws `USAGE` for a time outside years 1–9999.
    #[uniffi::constructor]
    pub fn new(
        seed: u64,
        trust_store: Arc<TrustStore>,
        at_unix_seconds: i64,
    ) -> Result<Arc<Self>, IdProofError> {
        guard(|| {
            let at = time_at(at_unix_seconds)?;
            let trust = trust_store.with(Clone::clone)?;
            Ok(Arc::new(Self {
                inner: Mutex::new(reference::ReferenceBackend::new(seed, trust, at)),
            }))
        })
    }

    /// Registers a P code issued now (as MitID Support would).
    pub fn add_p_code(&self, p_code: String) -> Result<(), IdProofError> {
        guard(|| {
            lock(&self.inner)?.add_p_code(&p_code);
            Ok(())
        })
    }

    /// Marks a user ID as taken by another user.
    pub fn take_user_id(&self, user_id: String) -> Result<(), IdProofError> {
        guard(|| {
            lock(&self.inner)?.take_user_id(&user_id);
            Ok(())
        })
    }

    /// The last SMS code sent to `phone` (E.164, as in `FlowAction.SendSms`).
    pub fn last_sms_code(&self, phone: String) -> Result<Option<String>, IdProofError> {
        guard(|| Ok(lock(&self.inner)?.last_sms_code(&phone).map(str::to_owned)))
    }

    /// Makes every call fail with `Unavailable` (a network outage), or not.
    pub fn set_unavailable(&self, unavailable: bool) -> Result<(), IdProofError> {
        guard(|| {
            lock(&self.inner)?.set_unavailable(unavailable);
            Ok(())
        })
    }

    /// Moves the backend's clock forward (P codes expire after 60 days, SMS codes after 30
    /// minutes).
    pub fn advance(&self, seconds: u64) -> Result<(), IdProofError> {
        guard(|| {
            lock(&self.inner)?.advance(seconds);
            Ok(())
        })
    }

    /// Performs a backend action and returns the answer to feed to the flow; `None` for the
    /// platform's actions (chip read, face scan, warnings, completion).
    pub fn perform(&self, action: FlowAction) -> Result<Option<FlowEvent>, IdProofError> {
        guard(|| {
            let Some(action) = action.to_core_backend_action()? else {
                return Ok(None);
            };
            let mut backend = lock(&self.inner)?;
            Ok(match flow::perform(&mut *backend, &action) {
                Some(Event::Backend(reply)) => Some(FlowEvent::Backend {
                    reply: BackendReply::from_core(reply),
                }),
                _ => None,
            })
        })
    }
}
