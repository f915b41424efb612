//! idproof-ffi: the uniffi surface of idproof-core for Kotlin (Android) and Swift (iOS).
//!
//! Holds no logic: each export converts its arguments, calls the core and converts the result.
//! - [`ReadSession`]: the sans-IO read, stepped by the platform's own I/O loop
//!   (`android/`, `ios/`), so no callback crosses the boundary;
//! - [`parse_mrz`], [`default_read_options`], [`new_active_authentication_challenge`];
//! - [`decode_face_image`] and [`face_image_png`]: DG2's face (JPEG, JPEG 2000) as RGB pixels or PNG
//!   (feature `face`, on by default);
//! - [`TrustStore`] (CSCA certificates, master lists, CRLs, LDIF) and [`verify()`], the full
//!   verification (passive, chip and active authentication); [`verify_read`] without trust;
//! - [`IdProofError`]: one typed error carrying the core's stable code; every export runs inside
//!   `catch_unwind`, so a panic arrives as `IdProofError::Internal`, never as an abort;
//! - [`ActivationFlow`]: the MitID activation flow (events in, actions out, snapshot/resume),
//!   its validators (`validate_cpr`, `validate_user_id`, …), the [`flow::evidence::Evidence`] a
//!   submission carries (evidence bundle v1 JSON) and [`verify_evidence_bundle`];
//! - feature `simulator`: [`simulator::VirtualPassport`], a virtual chip for foreign-language
//!   tests, and [`flow::reference::ReferenceBackend`], the core's reference backend.
//!
//! Bindings are generated from the built library by the `uniffi-bindgen` workspace member
//! (library mode), never written by hand: see `android/README.md` and `ios/README.md`.

// Every value from the app (keys, options, documents, trust files) is untrusted input: no
// unwrap, expect, indexing or panic outside tests, as in the core (panics are also caught at
// the boundary, but an error with a code is what the app can act on).
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

uniffi::setup_scaffolding!();

pub mod document;
pub mod error;
#[cfg(feature = "face")]
pub mod face;
pub mod flow;
pub mod mrz;
pub mod session;
#[cfg(feature = "simulator")]
pub mod simulator;
pub mod trust;
pub mod verify;

pub use document::{
    AaExchange, AaResponse, AccessInfo, AccessProtocol, ChipAuthEvidence, ChipEvidence, Document,
    FaceImage, ImageFormat, PaceCamEvidence, PasswordKind, PersonalDetails, ReadStats,
};
pub use error::IdProofError;
#[cfg(feature = "face")]
pub use face::{DecodedFace, FaceColour, FaceEncoding, decode_face_image, face_image_png};
pub use flow::ActivationFlow;
pub use flow::events::{
    BackendError, BackendReply, BackendRequest, FlowAction, FlowEvent, FlowStep,
};
pub use flow::evidence::{Evidence, EvidenceVerdict, verify_evidence_bundle};
pub use flow::types::{
    AntiCloneProof, Assurance, AssuranceLevel, CalendarDate, ChipAuthClass, DocumentKind,
    FaceResult, FlowConfig, FlowMessage, Lang, MrzSource, Outcome, Usage, flow_message,
};
pub use flow::validate::{
    Validation, document_kind_of, validate_cpr, validate_document_code, validate_issuing_state,
    validate_mrz, validate_mrz_fields, validate_name, validate_not_expired, validate_p_code,
    validate_phone, validate_sms_code, validate_user_id,
};
pub use mrz::{MrzInfo, parse_mrz};
pub use session::{
    AccessKey, ExtendedLength, ReadOptions, ReadPhase, ReadProgress, ReadSession, ReadStep,
    default_read_options, new_active_authentication_challenge,
};
pub use trust::{
    CountryTrust, MasterListPolicy, TrustFileKind, TrustSource, TrustStore, TrustSummary,
};
pub use verify::{Check, CheckStatus, Failure, Verdict, VerificationReport, verify, verify_read};

/// Values shared by the unit tests of the flow's conversions.
#[cfg(test)]
mod types_for_tests {
    use crate::flow::types::{Assurance, AssuranceLevel, FlowMessage};

    /// A backend decision with one reason, as a backend's answer would carry it.
    pub(crate) fn not_met() -> Assurance {
        Assurance {
            level: AssuranceLevel::NotMet,
            reasons: vec![FlowMessage::of(
                idproof_core::flow::Code::AntiCloneFailed,
                Some("chip authentication failed".into()),
            )],
        }
    }
}

/// The version of idproof these bindings wrap.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
