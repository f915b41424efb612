//! The flow's plain values across the FFI: dates, settings, choices, the face result, the
//! assurance decision and coded messages, each mirroring its core type with conversions both
//! ways (the app answers the backend's decision too, so it must convert back).

use idproof_core::flow::{self, Code, Lang as CoreLang};

use crate::error::{IdProofError, guard};

/// A calendar date (no time, no zone): the flow reads no clock, the app says what day it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct CalendarDate {
    /// The year, e.g. 2026.
    pub year: u16,
    /// The month, 1–12.
    pub month: u8,
    /// The day of the month, 1–31.
    pub day: u8,
}

impl CalendarDate {
    /// The core date, or `USAGE` for a date that does not exist.
    pub(crate) fn to_core(self) -> Result<flow::Date, IdProofError> {
        flow::Date::new(self.year, self.month, self.day).ok_or_else(|| {
            IdProofError::usage(format!(
                "{:04}-{:02}-{:02} is not a date",
                self.year, self.month, self.day
            ))
        })
    }
}

/// Settings of a flow (`flow::FlowConfig`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct FlowConfig {
    /// Today's date, for expiry and CPR checks.
    pub today: CalendarDate,
    /// Accept the ICAO specimen issuing state `UTO` (tests and the demo only).
    #[uniffi(default = false)]
    pub allow_specimen: bool,
    /// Face scans allowed before the flow ends with `FACE_ATTEMPTS`.
    #[uniffi(default = 3)]
    pub max_face_attempts: u8,
    /// The language of every message the flow object gives: `Refused.userMessage`, warnings,
    /// assurance reasons and `failure()`. `None`: English. (The free validator functions and
    /// `flow_message` take their own language.)
    #[uniffi(default = None)]
    pub language: Option<Lang>,
}

impl FlowConfig {
    /// The catalogue language of this configuration.
    pub(crate) fn lang(self) -> CoreLang {
        self.language.map_or(CoreLang::En, CoreLang::from)
    }

    pub(crate) fn to_core(self) -> Result<flow::FlowConfig, IdProofError> {
        Ok(flow::FlowConfig {
            today: self.today.to_core()?,
            allow_specimen: self.allow_specimen,
            max_face_attempts: self.max_face_attempts,
        })
    }
}

/// A stable code with its catalogue text, and for errors a detail for logs.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FlowMessage {
    /// Stable code, e.g. `CPR_MODULUS11`, `ANTI_CLONE_MISSING`.
    pub code: String,
    /// The text for the person: English, or the flow's configured language.
    pub message: String,
    /// For logs (names checks, fields and positions, never personal data).
    pub detail: Option<String>,
}

impl FlowMessage {
    /// `code` with its English text (the unit tests' shorthand).
    #[cfg(test)]
    pub(crate) fn of(code: Code, detail: Option<String>) -> Self {
        Self::in_lang(code, detail, CoreLang::En)
    }

    /// `code` with its text in `lang`.
    pub(crate) fn in_lang(code: Code, detail: Option<String>, lang: CoreLang) -> Self {
        Self {
            code: code.as_str().to_owned(),
            message: code.message(lang).to_owned(),
            detail,
        }
    }
}

/// A language of the message catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Lang {
    /// English (complete).
    En,
    /// Danish (complete).
    Da,
}

impl From<Lang> for CoreLang {
    fn from(lang: Lang) -> Self {
        match lang {
            Lang::En => CoreLang::En,
            Lang::Da => CoreLang::Da,
        }
    }
}

/// The catalogue's text for a flow code in `lang`; `None` for a code the flow does not have.
#[uniffi::export]
pub fn flow_message(code: String, lang: Lang) -> Result<Option<String>, IdProofError> {
    guard(|| Ok(Code::from_str_code(&code).map(|c| c.message(CoreLang::from(lang)).to_owned())))
}

macro_rules! mirror_enum {
    ($(#[$meta:meta])* $name:ident = $core:path { $($(#[$vmeta:meta])* $variant:ident),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
        pub enum $name {
            $($(#[$vmeta])* $variant),*
        }

        impl From<$core> for $name {
            fn from(v: $core) -> Self {
                match v {
                    $(<$core>::$variant => $name::$variant),*
                }
            }
        }

        impl From<$name> for $core {
            fn from(v: $name) -> Self {
                match v {
                    $($name::$variant => <$core>::$variant),*
                }
            }
        }
    };
}

mirror_enum! {
    /// The kind of document the person says they hold.
    DocumentKind = flow::DocumentKind {
        /// A passport (MRZ document code `P…`).
        Passport,
        /// A national ID card (MRZ document code `I…`, `A…` or `C…`).
        IdCard,
    }
}

mirror_enum! {
    /// Where the MRZ came from.
    MrzSource = flow::MrzSource {
        /// The camera's OCR.
        Camera,
        /// Typed by the person.
        Manual,
    }
}

mirror_enum! {
    /// How the person will use MitID (the flow's last choice).
    Usage = flow::Usage {
        /// The MitID app on this phone.
        ThisPhone,
        /// The MitID app on another phone or tablet.
        AnotherDevice,
        /// A code display.
        CodeDisplay,
        /// An audio code reader.
        AudioCodeReader,
        /// A MitID chip.
        Chip,
    }
}

mirror_enum! {
    /// The outcome of one check as the assurance rule sees it.
    Outcome = flow::Outcome {
        /// Ran and succeeded.
        Passed,
        /// Ran and failed.
        Failed,
        /// Did not run.
        NotPerformed,
    }
}

mirror_enum! {
    /// The decided assurance level.
    AssuranceLevel = flow::AssuranceLevel {
        /// NSIS/eIDAS Substantial: what MitID Erhverv requires.
        Substantial,
        /// Not Substantial; see the reasons.
        NotMet,
    }
}

mirror_enum! {
    /// How an anti-clone proof was obtained (the evidence bundle's `chip_auth.class`).
    ChipAuthClass = flow::ChipAuthClass {
        /// Active Authentication over the backend's nonce: a transferable proof.
        AaServerNonce,
        /// Active Authentication over a challenge the backend did not issue.
        AaAppChallenge,
        /// Chip Authentication run by the app.
        CaAppAsserted,
        /// PACE-CAM run by the app.
        PaceCamAppAsserted,
        /// Chip Authentication run by the backend through an APDU relay.
        ServerRelay,
    }
}

/// The face SDK's result: liveness and the 1:1 match against the chip's DG2 photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct FaceResult {
    /// Liveness (presentation-attack detection).
    pub liveness: Outcome,
    /// 1:1 match against DG2.
    pub face_match: Outcome,
}

impl From<FaceResult> for flow::FaceResult {
    fn from(f: FaceResult) -> Self {
        Self {
            liveness: f.liveness.into(),
            face_match: f.face_match.into(),
        }
    }
}

/// The assurance decision: `Substantial`, or `NotMet` with every reason.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Assurance {
    /// The level.
    pub level: AssuranceLevel,
    /// Every reason the level is not met (empty for `Substantial`), e.g. `ANTI_CLONE_FAILED`.
    pub reasons: Vec<FlowMessage>,
}

impl From<flow::Assurance> for Assurance {
    fn from(a: flow::Assurance) -> Self {
        Self::in_lang(a, CoreLang::En)
    }
}

impl Assurance {
    /// The FFI decision, its reasons' texts in `lang`.
    pub(crate) fn in_lang(a: flow::Assurance, lang: CoreLang) -> Self {
        Self {
            level: a.level.into(),
            reasons: a
                .reasons
                .into_iter()
                .map(|r| FlowMessage::in_lang(r.code, Some(r.detail), lang))
                .collect(),
        }
    }
}

impl TryFrom<Assurance> for flow::Assurance {
    type Error = IdProofError;

    /// The core decision of a backend's answer; a reason code the flow does not have is
    /// `USAGE`. Messages are not read back (they come from the catalogue).
    fn try_from(a: Assurance) -> Result<Self, IdProofError> {
        let reasons = a
            .reasons
            .into_iter()
            .map(|r| {
                let code = Code::from_str_code(&r.code).ok_or_else(|| {
                    IdProofError::usage(format!("`{}` is not a flow code", r.code))
                })?;
                Ok(flow::Reason {
                    code,
                    detail: r.detail.unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>, IdProofError>>()?;
        Ok(Self {
            level: a.level.into(),
            reasons,
        })
    }
}

/// One anti-clone proof as the assurance rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct AntiCloneProof {
    /// How it was obtained.
    pub class: ChipAuthClass,
    /// Whether it passed.
    pub outcome: Outcome,
    /// Whether its key file is covered by passive authentication.
    pub pa_covered: bool,
}

impl From<flow::AntiCloneProof> for AntiCloneProof {
    fn from(p: flow::AntiCloneProof) -> Self {
        Self {
            class: p.class.into(),
            outcome: p.outcome.into(),
            pa_covered: p.pa_covered,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types_for_tests::not_met;

    #[test]
    fn dates_that_do_not_exist_are_usage_errors() {
        let day = |year, month, day| CalendarDate { year, month, day }.to_core();
        assert!(day(2024, 2, 29).is_ok());
        for bad in [day(2026, 2, 29), day(2026, 13, 1), day(2026, 4, 31)] {
            assert_eq!(bad.unwrap_err().code(), "USAGE");
        }
    }

    #[test]
    fn an_assurance_converts_back_and_refuses_unknown_codes() {
        let core = flow::Assurance::try_from(not_met()).unwrap();
        assert_eq!(core.level, flow::AssuranceLevel::NotMet);
        assert!(core.has_reason(Code::AntiCloneFailed));
        assert_eq!(Assurance::from(core), not_met());
        let mut unknown = not_met();
        unknown.reasons[0].code = "NOT_A_CODE".into();
        assert_eq!(
            flow::Assurance::try_from(unknown).unwrap_err().code(),
            "USAGE"
        );
    }

    #[test]
    fn messages_come_from_the_catalogue() {
        let en = flow_message("CPR_MODULUS11".into(), Lang::En)
            .unwrap()
            .unwrap();
        assert_eq!(en, Code::CprModulus11.message(CoreLang::En));
        let da = flow_message("CPR_MODULUS11".into(), Lang::Da)
            .unwrap()
            .unwrap();
        assert_eq!(
            da,
            "Tjek, at du har skrevet dit CPR-nummer rigtigt. Hvis det er korrekt, kan du fortsætte."
        );
        assert_eq!(da, Code::CprModulus11.message(CoreLang::Da));
        assert_ne!(da, en);
        assert_eq!(flow_message("NOPE".into(), Lang::En).unwrap(), None);
        assert_eq!(flow_message("NOPE".into(), Lang::Da).unwrap(), None);
    }
}
