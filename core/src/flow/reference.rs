//! An embedded reference implementation of [`Backend`] for tests, the CLI and the demo.
//!
//! Compiled for the crate's own unit tests and with the `reference-backend` cargo feature
//! (the core's integration tests enable it through a dev-dependency on the crate itself). It is
//! deterministic: time is set by the caller ([`ReferenceBackend::set_now`]) and nonces, session
//! ids and SMS codes come from a seeded SHA-256 counter, so tests replay exactly.
//!
//! Rules (mitid-flow.md §2, §3, §10): P codes are 8 digits, valid 60 days, 3 proofing attempts
//! (one per submitted evidence), single use once a submission reaches `substantial`; user IDs
//! unique case-insensitively; SMS codes valid 30 minutes, blocked after 3 wrong entries
//! (a re-sent code does not reset the count); one single-use nonce per session.
//!
//! Evidence: [`ReferenceBackend::new`] does what a real backend does. It serialises the
//! submission's evidence bundle ([`Evidence::bundle`]) to JSON, reads it back as a server
//! would ([`EvidenceBundle::from_json`]), re-verifies it with [`verify_evidence`] against its
//! own trust store and verification time and the session's nonce, and answers the decision
//! computed from the recomputed report — never the app's.
//! [`ReferenceBackend::trusting_app_report`] instead decides from the app's report
//! ([`Evidence::assurance_input`]); it exists only for flow tests that feed synthetic reads
//! no trust store can verify.

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};

use super::assurance::{Assurance, AssuranceLevel, Reason, decide};
use super::backend::{
    Applicant, Backend, BackendError, Evidence, Nonce, NonceGrant, PCodeStatus, SessionId,
    SubmissionReceipt,
};
use super::evidence::{EvidenceBundle, verify_evidence};
use super::validate::{PCode, PhoneNumber, SmsCode, UserId};
use crate::asn1::Time;
use crate::auth::trust::TrustStore;

/// P code validity: 60 days.
pub const P_CODE_VALIDITY_SECS: u64 = 60 * 24 * 3600;
/// Proofing attempts per P code.
pub const P_CODE_ATTEMPTS: u8 = 3;
/// SMS code validity: 30 minutes.
pub const SMS_VALIDITY_SECS: u64 = 30 * 60;
/// Wrong SMS codes before the session's SMS validation is blocked.
pub const SMS_MAX_WRONG: u8 = 3;

#[derive(Debug, Clone)]
struct PCodeRecord {
    issued_at: u64,
    attempts_used: u8,
    used: bool,
}

#[derive(Debug, Clone, Default)]
struct SessionRecord {
    nonce: Vec<u8>,
    nonce_used: bool,
    proofed: bool,
    user_id: Option<String>,
    sms: Option<SmsRecord>,
    sms_wrong: u8,
    phone_verified: bool,
}

#[derive(Debug, Clone)]
struct SmsRecord {
    code: String,
    sent_at: u64,
}

/// How the reference backend decides a submission's assurance.
#[derive(Debug)]
enum Decision {
    /// Re-verify the evidence bundle against this trust store at this time.
    Reverify { trust: Box<TrustStore>, at: Time },
    /// Take the app's report at its word (synthetic reads in flow tests only).
    AppReport,
}

/// The reference backend. See the module docs for its rules.
#[derive(Debug)]
pub struct ReferenceBackend {
    decision: Decision,
    seed: u64,
    counter: u64,
    now: u64,
    p_codes: HashMap<String, PCodeRecord>,
    sessions: HashMap<String, SessionRecord>,
    user_ids: HashSet<String>,
    outbox: Vec<(String, String)>,
    unavailable: bool,
    next_nonce: Option<Nonce>,
}

impl ReferenceBackend {
    /// An empty backend whose random values derive from `seed` (the clock starts at 0 s),
    /// which re-verifies every submitted evidence bundle against `trust` at `at` (its
    /// verification time, also the bundles' `created_at`).
    pub fn new(seed: u64, trust: TrustStore, at: Time) -> Self {
        Self::with_decision(
            seed,
            Decision::Reverify {
                trust: Box::new(trust),
                at,
            },
        )
    }

    /// An empty backend that decides from the app's own report instead of re-verifying the
    /// evidence: only for flow tests whose synthetic reads carry no verifiable signature.
    pub fn trusting_app_report(seed: u64) -> Self {
        Self::with_decision(seed, Decision::AppReport)
    }

    fn with_decision(seed: u64, decision: Decision) -> Self {
        Self {
            decision,
            seed,
            counter: 0,
            now: 0,
            p_codes: HashMap::new(),
            sessions: HashMap::new(),
            user_ids: HashSet::new(),
            outbox: Vec::new(),
            unavailable: false,
            next_nonce: None,
        }
    }

    /// Sets the backend's clock (seconds since an arbitrary epoch).
    pub fn set_now(&mut self, secs: u64) {
        self.now = secs;
    }

    /// Moves the clock forward.
    pub fn advance(&mut self, secs: u64) {
        self.now = self.now.saturating_add(secs);
    }

    /// Registers a P code issued now (as MitID Support would).
    pub fn add_p_code(&mut self, code: &str) {
        self.p_codes.insert(
            code.to_owned(),
            PCodeRecord {
                issued_at: self.now,
                attempts_used: 0,
                used: false,
            },
        );
    }

    /// Marks a user ID as taken by another user.
    pub fn take_user_id(&mut self, user_id: &str) {
        self.user_ids.insert(user_id.to_lowercase());
    }

    /// The last SMS code sent to `phone` (what the person reads on their phone). `phone` is
    /// normalised by the flow's own validator first, as the flow did before sending, so any
    /// spelling of the number (`+45 20 00 00 00`, `0045-2000-0000`) finds the code; `None`
    /// for text that is not a phone number.
    pub fn last_sms_code(&self, phone: &str) -> Option<&str> {
        let phone = super::validate::phone(phone).ok()?;
        self.outbox
            .iter()
            .rev()
            .find(|(p, _)| p == phone.as_str())
            .map(|(_, c)| c.as_str())
    }

    /// Issues `nonce` to the next session instead of a derived one: for demos and tests that
    /// must know the nonce beforehand (`idproof demo --nonce`). Used once.
    pub fn set_next_nonce(&mut self, nonce: Nonce) {
        self.next_nonce = Some(nonce);
    }

    /// Makes every call fail with [`BackendError::Unavailable`] (a network outage) or not.
    pub fn set_unavailable(&mut self, unavailable: bool) {
        self.unavailable = unavailable;
    }

    fn random(&mut self, label: &[u8]) -> [u8; 32] {
        self.counter += 1;
        let mut h = Sha256::new();
        h.update(self.seed.to_be_bytes());
        h.update(label);
        h.update(self.counter.to_be_bytes());
        h.finalize().into()
    }

    fn up(&self) -> Result<(), BackendError> {
        if self.unavailable {
            Err(BackendError::Unavailable)
        } else {
            Ok(())
        }
    }

    fn p_code_status(&self, code: &str) -> Result<PCodeStatus, BackendError> {
        let record = self.p_codes.get(code).ok_or(BackendError::PCodeUnknown)?;
        if record.used {
            return Err(BackendError::PCodeUsed);
        }
        if self.now.saturating_sub(record.issued_at) > P_CODE_VALIDITY_SECS {
            return Err(BackendError::PCodeExpired);
        }
        if record.attempts_used >= P_CODE_ATTEMPTS {
            return Err(BackendError::PCodeAttempts);
        }
        Ok(PCodeStatus {
            attempts_left: P_CODE_ATTEMPTS - record.attempts_used,
        })
    }

    fn session(&mut self, id: &SessionId) -> Result<&mut SessionRecord, BackendError> {
        self.sessions.get_mut(&id.0).ok_or(BackendError::Nonce)
    }

    fn proofed_session(&mut self, id: &SessionId) -> Result<&mut SessionRecord, BackendError> {
        let session = self.session(id)?;
        if session.proofed {
            Ok(session)
        } else {
            Err(BackendError::Nonce)
        }
    }
}

/// The backend's decision on `evidence`: its bundle over the wire (JSON) and back, then
/// [`verify_evidence`] with the nonce the backend issued for the session.
fn reverify(evidence: &Evidence, trust: &TrustStore, at: Time, session_nonce: &Nonce) -> Assurance {
    let received = evidence
        .bundle(at)
        .to_json()
        .and_then(|json| EvidenceBundle::from_json(&json));
    match received {
        Ok(bundle) => verify_evidence(&bundle, trust, at, session_nonce).assurance,
        Err(e) => Assurance {
            level: AssuranceLevel::NotMet,
            reasons: vec![Reason {
                code: e.code(),
                detail: e.to_string(),
            }],
        },
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        for nibble in [byte >> 4, byte & 0x0f] {
            out.extend(char::from_digit(u32::from(nibble), 16));
        }
    }
    out
}

impl Backend for ReferenceBackend {
    fn check_p_code(&mut self, p_code: &PCode) -> Result<PCodeStatus, BackendError> {
        self.up()?;
        self.p_code_status(p_code.as_str())
    }

    fn issue_nonce(&mut self) -> Result<NonceGrant, BackendError> {
        self.up()?;
        let id = hex(self.random(b"session").get(..12).unwrap_or_default());
        let derived: Vec<u8> = self.random(b"nonce").get(..16).unwrap_or_default().to_vec();
        let nonce = self
            .next_nonce
            .take()
            .map_or(derived, |n| n.as_bytes().to_vec());
        self.sessions.insert(
            id.clone(),
            SessionRecord {
                nonce: nonce.clone(),
                ..SessionRecord::default()
            },
        );
        Ok(NonceGrant {
            session_id: SessionId(id),
            nonce: Nonce::new(nonce).ok_or(BackendError::Unavailable)?,
        })
    }

    fn submit_evidence(&mut self, evidence: &Evidence) -> Result<SubmissionReceipt, BackendError> {
        self.up()?;
        let session_nonce = {
            let session = self.session(&evidence.session_id)?;
            if session.nonce_used || session.nonce != evidence.nonce.as_bytes() {
                return Err(BackendError::Nonce);
            }
            session.nonce_used = true;
            Nonce::new(session.nonce.clone()).ok_or(BackendError::Nonce)?
        };
        let assurance = match &self.decision {
            Decision::AppReport => decide(&evidence.assurance_input()),
            Decision::Reverify { trust, at } => reverify(evidence, trust, *at, &session_nonce),
        };
        if let Applicant::PCode(p_code) = &evidence.applicant {
            self.p_code_status(p_code.as_str())?;
            if let Some(record) = self.p_codes.get_mut(p_code.as_str()) {
                record.attempts_used += 1;
                record.used = assurance.level == AssuranceLevel::Substantial;
            }
        }
        self.session(&evidence.session_id)?.proofed = true;
        Ok(SubmissionReceipt { assurance })
    }

    fn reserve_user_id(
        &mut self,
        session: &SessionId,
        user_id: &UserId,
    ) -> Result<(), BackendError> {
        self.up()?;
        let wanted = user_id.as_str().to_lowercase();
        let previous = self.proofed_session(session)?.user_id.clone();
        if previous.as_deref() == Some(wanted.as_str()) {
            return Ok(());
        }
        if self.user_ids.contains(&wanted) {
            return Err(BackendError::UserIdTaken);
        }
        if let Some(previous) = previous {
            self.user_ids.remove(&previous);
        }
        self.user_ids.insert(wanted.clone());
        self.proofed_session(session)?.user_id = Some(wanted);
        Ok(())
    }

    fn send_sms(&mut self, session: &SessionId, phone: &PhoneNumber) -> Result<(), BackendError> {
        self.up()?;
        self.proofed_session(session)?;
        let [b0, b1, b2, b3, ..] = self.random(b"sms");
        let code = format!("{:06}", u32::from_be_bytes([b0, b1, b2, b3]) % 1_000_000);
        let now = self.now;
        let record = self.proofed_session(session)?;
        if record.sms_wrong >= SMS_MAX_WRONG {
            return Err(BackendError::SmsBlocked);
        }
        record.sms = Some(SmsRecord {
            code: code.clone(),
            sent_at: now,
        });
        record.phone_verified = false;
        self.outbox.push((phone.as_str().to_owned(), code));
        Ok(())
    }

    fn verify_sms_code(&mut self, session: &SessionId, code: &SmsCode) -> Result<(), BackendError> {
        self.up()?;
        let now = self.now;
        let record = self.proofed_session(session)?;
        if record.sms_wrong >= SMS_MAX_WRONG {
            return Err(BackendError::SmsBlocked);
        }
        let Some(sms) = &record.sms else {
            return Err(BackendError::SmsCodeWrong {
                attempts_left: SMS_MAX_WRONG - record.sms_wrong,
            });
        };
        if now.saturating_sub(sms.sent_at) > SMS_VALIDITY_SECS {
            return Err(BackendError::SmsCodeExpired);
        }
        if sms.code != code.as_str() {
            record.sms_wrong += 1;
            return Err(if record.sms_wrong >= SMS_MAX_WRONG {
                BackendError::SmsBlocked
            } else {
                BackendError::SmsCodeWrong {
                    attempts_left: SMS_MAX_WRONG - record.sms_wrong,
                }
            });
        }
        record.phone_verified = true;
        record.sms = None;
        Ok(())
    }
}
