//! The assurance decision: `substantial` or `not_met`, with every reason.
//!
//! One rule (mitid-flow.md §5.4, §9.4 item 9; ARCHITECTURE "Verification results"):
//! **substantial** only when
//! 1. passive authentication passed — the report's verdict is `authentic`;
//! 2. an anti-clone proof passed, its key file is covered by passive authentication, and the
//!    proof is one a backend can rely on: active authentication over the **server's nonce**
//!    (`aa_server_nonce`) or a server-run chip authentication (`server_relay`). Chip
//!    authentication or PACE-CAM performed by the app (`ca_app_asserted`,
//!    `pace_cam_app_asserted`) cannot be re-verified by a backend, so it does not count
//!    (`CA_UNVERIFIED`); a failed proof of any kind is a clone signal (`ANTI_CLONE_FAILED`);
//! 3. the face scan passed both liveness and the 1:1 match against DG2.
//!
//! Anything else is **not_met**, fail closed, with one reason per unmet condition. Today the
//! core reports chip and active authentication `not_performed`, so every real read ends in
//! `not_met` with `ANTI_CLONE_MISSING` until those protocols land.
//!
//! [`AssuranceInput`] holds only outcomes, not how they were obtained, so the backend can build
//! it from its own re-verification of the evidence bundle and call the same [`decide`].

use serde::{Deserialize, Serialize};

use super::messages::Code;
use crate::lds::{DataGroup, LdsFile};
use crate::reader::Document;
use crate::report::{CheckName, CheckStatus, Report, Verdict};

/// The outcome of one check, as the assurance rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Ran and succeeded.
    Passed,
    /// Ran and failed.
    Failed,
    /// Did not run.
    NotPerformed,
}

/// The result of the platform's face SDK: liveness (presentation-attack detection) and the
/// 1:1 match of the live face against the chip's DG2 photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaceResult {
    /// Liveness.
    pub liveness: Outcome,
    /// 1:1 match against DG2.
    pub face_match: Outcome,
}

impl FaceResult {
    /// Both liveness and match passed.
    pub fn passed(self) -> bool {
        self.liveness == Outcome::Passed && self.face_match == Outcome::Passed
    }
}

/// How an anti-clone proof was obtained, which decides what a backend can rely on. The names
/// are the evidence bundle's `chip_auth.class` values (mitid-flow.md §9.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChipAuthClass {
    /// Active authentication whose challenge is derived from the backend's nonce: the chip's
    /// signature is a transferable, replay-proof proof.
    AaServerNonce,
    /// Active authentication over a challenge the backend did not issue: replayable.
    AaAppChallenge,
    /// Chip authentication run by the app; the backend only has the app's word.
    CaAppAsserted,
    /// PACE-CAM run by the app; the backend only has the app's word.
    PaceCamAppAsserted,
    /// Chip authentication run by the backend itself through an APDU relay.
    ServerRelay,
}

impl ChipAuthClass {
    /// Whether a backend can rely on a proof of this class.
    pub fn transferable(self) -> bool {
        matches!(
            self,
            ChipAuthClass::AaServerNonce | ChipAuthClass::ServerRelay
        )
    }
}

/// One anti-clone proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AntiCloneProof {
    /// How it was obtained.
    pub class: ChipAuthClass,
    /// Whether it passed.
    pub outcome: Outcome,
    /// Whether the key file it used (DG15 for AA, DG14 for CA, CardSecurity for PACE-CAM) is
    /// covered by passive authentication (its hash in the signed SOD matched).
    pub pa_covered: bool,
}

/// Everything the decision needs, and nothing personal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssuranceInput {
    /// Passive authentication: `Passed` only for an `authentic` verdict, `Failed` when any check
    /// failed, `NotPerformed` when it is incomplete.
    pub passive_authentication: Outcome,
    /// Codes of the failed checks (for the `PA_FAILED` reason), never their details.
    pub failed_checks: Vec<String>,
    /// The anti-clone proofs that ran (passed or failed).
    pub anti_clone: Vec<AntiCloneProof>,
    /// The face result, if the face step ran.
    pub face: Option<FaceResult>,
}

impl AssuranceInput {
    /// The input from an app-side read: the core's report, the files read (to know which key
    /// files passive authentication covered), whether the active-authentication challenge was
    /// the backend's nonce, and the face result.
    ///
    /// A key file counts as covered when `dg_hashes` passed and the file was read (every read
    /// data group then hashed to its SOD value). PACE-CAM's CardSecurity needs its own signature
    /// check, which does not exist yet, so CAM is never covered today.
    pub fn from_read(
        report: &Report,
        document: &Document,
        aa_challenge_is_server_nonce: bool,
        face: Option<FaceResult>,
    ) -> AssuranceInput {
        let passive_authentication = match report.verdict {
            Verdict::Authentic => Outcome::Passed,
            Verdict::Failed => Outcome::Failed,
            Verdict::Incomplete => Outcome::NotPerformed,
        };
        let failed_checks = report
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Failed)
            .map(|c| {
                format!(
                    "{} ({})",
                    c.name.as_str(),
                    c.code.as_deref().unwrap_or("FAILED")
                )
            })
            .collect();
        let hashes_passed = report
            .check(CheckName::DgHashes)
            .is_some_and(|c| c.status == CheckStatus::Passed);
        let covered = |dg: DataGroup| hashes_passed && document.file(LdsFile::Dg(dg)).is_some();
        let mut anti_clone = Vec::new();
        let outcome = |name: CheckName| match report.check(name).map(|c| c.status) {
            Some(CheckStatus::Passed) => Some(Outcome::Passed),
            Some(CheckStatus::Failed) => Some(Outcome::Failed),
            Some(CheckStatus::NotPerformed) | None => None,
        };
        if let Some(outcome) = outcome(CheckName::ActiveAuthentication) {
            anti_clone.push(AntiCloneProof {
                class: if aa_challenge_is_server_nonce {
                    ChipAuthClass::AaServerNonce
                } else {
                    ChipAuthClass::AaAppChallenge
                },
                outcome,
                pa_covered: covered(DataGroup::DG15),
            });
        }
        if let Some(outcome) = outcome(CheckName::ChipAuthentication) {
            let dg14 = document.file(LdsFile::Dg(DataGroup::DG14)).is_some();
            anti_clone.push(AntiCloneProof {
                class: if dg14 {
                    ChipAuthClass::CaAppAsserted
                } else {
                    ChipAuthClass::PaceCamAppAsserted
                },
                outcome,
                pa_covered: dg14 && covered(DataGroup::DG14),
            });
        }
        AssuranceInput {
            passive_authentication,
            failed_checks,
            anti_clone,
            face,
        }
    }
}

/// The decided level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssuranceLevel {
    /// NSIS/eIDAS Substantial: what MitID Erhverv requires.
    Substantial,
    /// Not Substantial; see the reasons. Never "degraded" silently.
    NotMet,
}

/// Why the level is not met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// Stable code, e.g. `ANTI_CLONE_MISSING`.
    pub code: Code,
    /// Explanation naming checks and codes, never personal data.
    pub detail: String,
}

/// The decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assurance {
    /// The level.
    pub level: AssuranceLevel,
    /// Every reason the level is not met (empty for `substantial`).
    pub reasons: Vec<Reason>,
}

impl Assurance {
    /// Whether the reasons include `code`.
    pub fn has_reason(&self, code: Code) -> bool {
        self.reasons.iter().any(|r| r.code == code)
    }
}

/// Decides the assurance level from `input` by the rule in the module docs.
pub fn decide(input: &AssuranceInput) -> Assurance {
    let mut reasons = Vec::new();
    let mut reason = |code: Code, detail: String| reasons.push(Reason { code, detail });

    match input.passive_authentication {
        Outcome::Passed => {}
        Outcome::Failed => reason(
            Code::PaFailed,
            format!("failed checks: {}", input.failed_checks.join(", ")),
        ),
        Outcome::NotPerformed => reason(
            Code::PaIncomplete,
            "passive authentication did not complete".to_owned(),
        ),
    }

    let failed: Vec<&AntiCloneProof> = input
        .anti_clone
        .iter()
        .filter(|p| p.outcome == Outcome::Failed)
        .collect();
    let passed: Vec<&AntiCloneProof> = input
        .anti_clone
        .iter()
        .filter(|p| p.outcome == Outcome::Passed)
        .collect();
    if !failed.is_empty() {
        reason(
            Code::AntiCloneFailed,
            format!("failed: {}", class_list(&failed)),
        );
    } else if passed.is_empty() {
        reason(
            Code::AntiCloneMissing,
            "neither chip nor active authentication was performed".to_owned(),
        );
    } else if !passed
        .iter()
        .any(|p| p.pa_covered && p.class.transferable())
    {
        for p in &passed {
            let class = class_name(p.class);
            if !p.pa_covered {
                reason(
                    Code::AntiCloneNotCovered,
                    format!("{class}: key file not covered by passive authentication"),
                );
            } else if p.class == ChipAuthClass::AaAppChallenge {
                reason(
                    Code::AaChallenge,
                    format!("{class}: challenge was not the server nonce"),
                );
            } else {
                reason(
                    Code::CaUnverified,
                    format!("{class}: asserted by the app, not verifiable by the backend"),
                );
            }
        }
    }

    match input.face {
        None => reason(Code::FaceMissing, "no face result".to_owned()),
        Some(face) => {
            if face.liveness != Outcome::Passed {
                reason(
                    Code::FaceLiveness,
                    format!("liveness {}", outcome_name(face.liveness)),
                );
            }
            if face.face_match != Outcome::Passed {
                reason(
                    Code::FaceMatch,
                    format!("face match {}", outcome_name(face.face_match)),
                );
            }
        }
    }

    Assurance {
        level: if reasons.is_empty() {
            AssuranceLevel::Substantial
        } else {
            AssuranceLevel::NotMet
        },
        reasons,
    }
}

fn class_name(class: ChipAuthClass) -> &'static str {
    match class {
        ChipAuthClass::AaServerNonce => "aa_server_nonce",
        ChipAuthClass::AaAppChallenge => "aa_app_challenge",
        ChipAuthClass::CaAppAsserted => "ca_app_asserted",
        ChipAuthClass::PaceCamAppAsserted => "pace_cam_app_asserted",
        ChipAuthClass::ServerRelay => "server_relay",
    }
}

fn class_list(proofs: &[&AntiCloneProof]) -> String {
    proofs
        .iter()
        .map(|p| class_name(p.class))
        .collect::<Vec<_>>()
        .join(", ")
}

fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "passed",
        Outcome::Failed => "failed",
        Outcome::NotPerformed => "not performed",
    }
}
