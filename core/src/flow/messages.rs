//! Stable codes and the user-facing message catalogue.
//!
//! Every error the flow and its validators produce carries a [`Code`] whose string form
//! ([`Code::as_str`]) never changes once released: apps, the CLI's JSON, the FFI and the
//! backend match on it. The text shown to a person comes from [`CATALOGUE`], a table with one
//! row per code and one column per language: English and Danish, both complete. Every column
//! is a plain `&'static str`, so a row cannot lack a language and there is no fallback; adding
//! a language is one more column and one more [`Lang`] variant, and the compiler points at
//! every row to fill. The unit tests keep every number (digit run) of a Danish text equal to
//! the English one, so a limit such as 8 digits or 60 days cannot drift between languages.
//!
//! Messages never contain personal data: they are fixed texts, not templates.

use serde::{Deserialize, Serialize};

/// Declares [`Code`], [`Code::ALL`] (catalogue order) and [`Code::as_str`] from one list, so
/// no code can be left out of `ALL` and thus out of the catalogue test or a binding's list.
macro_rules! flow_codes {
    ($($(#[doc = $doc:literal])* $variant:ident => $text:literal,)+) => {
        /// A stable failure, warning or reason code of the activation flow.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(into = "&'static str", try_from = "String")]
        #[non_exhaustive]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)+
        }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)+];

            /// The stable string form, e.g. `"P_CODE_FORMAT"`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)+
                }
            }
        }
    };
}

flow_codes! {
    /// A P code is not exactly 8 digits.
    PCodeFormat => "P_CODE_FORMAT",
    /// The backend does not know this P code.
    PCodeUnknown => "P_CODE_UNKNOWN",
    /// The P code is older than its validity (60 days).
    PCodeExpired => "P_CODE_EXPIRED",
    /// The P code was already used successfully.
    PCodeUsed => "P_CODE_USED",
    /// The P code's attempts are used up.
    PCodeAttempts => "P_CODE_ATTEMPTS",
    /// A CPR number is not DDMMYY-SSSS or DDMMYYSSSS.
    CprFormat => "CPR_FORMAT",
    /// The first six digits of a CPR number are not a real date.
    CprDate => "CPR_DATE",
    /// The CPR birth date is after today.
    CprFuture => "CPR_FUTURE",
    /// Warning only: the CPR number fails the modulus 11 check that numbers issued before 1 October 2007 pass.
    CprModulus11 => "CPR_MODULUS11",
    /// Not an ICAO issuing-state or organisation code.
    CountryUnknown => "COUNTRY_UNKNOWN",
    /// A specimen code (UTO) outside a test build.
    CountrySpecimen => "COUNTRY_SPECIMEN",
    /// The document's issuing state differs from the chosen country.
    Country => "COUNTRY",
    /// The MRZ document code does not match the chosen document kind.
    DocKind => "DOC_KIND",
    /// The MRZ document code is neither a passport nor an ID card (e.g. AC crew certificate, visa).
    DocKindUnsupported => "DOC_KIND_UNSUPPORTED",
    /// The document's date of expiry is before today.
    DocExpired => "DOC_EXPIRED",
    /// A date of the document (YYMMDD) is not a real date.
    DocDate => "DOC_DATE",
    /// The text is not a well-formed MRZ.
    MrzFormat => "MRZ_FORMAT",
    /// An MRZ check digit does not match its field.
    MrzCheckDigit => "MRZ_CHECK_DIGIT",
    /// The chip's DG1 differs from the MRZ used to open it.
    MrzMismatch => "MRZ_MISMATCH",
    /// A typed name differs from the MRZ name after ICAO transliteration.
    NameMismatch => "NAME_MISMATCH",
    /// A user ID is shorter than 5 or longer than 48 characters.
    UserIdLength => "USER_ID_LENGTH",
    /// A user ID holds a character outside the allowed set.
    UserIdCharacter => "USER_ID_CHARACTER",
    /// A user ID starts or ends with a space.
    UserIdSpace => "USER_ID_SPACE",
    /// A user ID is exactly 10 digits.
    UserIdDigits => "USER_ID_DIGITS",
    /// A user ID looks like a CPR number.
    UserIdCpr => "USER_ID_CPR",
    /// Another MitID user has this user ID (case-insensitive).
    UserIdTaken => "USER_ID_TAKEN",
    /// A phone number is not + followed by 8 to 15 digits (E.164).
    PhoneFormat => "PHONE_FORMAT",
    /// A phone number's country code starts with 0.
    PhoneCountryCode => "PHONE_COUNTRY_CODE",
    /// A Danish (+45) number does not have 8 digits.
    PhoneDanishLength => "PHONE_DK_LENGTH",
    /// An SMS code is not 4 to 8 digits.
    SmsCodeFormat => "SMS_CODE_FORMAT",
    /// The SMS code is wrong.
    SmsCode => "SMS_CODE",
    /// The SMS code has expired.
    SmsCodeExpired => "SMS_CODE_EXPIRED",
    /// Too many wrong SMS codes; validation of this number is blocked.
    SmsBlocked => "SMS_BLOCKED",
    /// The server nonce is unknown, expired or already used.
    Nonce => "NONCE",
    /// The backend could not be reached or failed.
    BackendUnavailable => "BACKEND_UNAVAILABLE",
    /// The terms were not accepted; they are a gate.
    TermsRequired => "TERMS_REQUIRED",
    /// An event that the current step does not take (an app bug).
    UnexpectedEvent => "UNEXPECTED_EVENT",
    /// A saved flow state could not be restored (unknown version or inconsistent).
    Snapshot => "SNAPSHOT",
    /// Backward navigation is not possible from this step.
    BackNotAllowed => "BACK_NOT_ALLOWED",
    /// The chip refused the key derived from the MRZ.
    AccessDenied => "ACCESS_DENIED",
    /// The connection to the chip was lost.
    TagLost => "TAG_LOST",
    /// The chip read failed for another reason.
    ChipRead => "CHIP_READ",
    /// The read did not yield a parseable DG1.
    Dg1Missing => "DG1_MISSING",
    /// Liveness (presentation-attack detection) did not pass.
    FaceLiveness => "FACE_LIVENESS",
    /// The face did not match the chip photo (DG2).
    FaceMatch => "FACE_MATCH",
    /// No face result is available.
    FaceMissing => "FACE_MISSING",
    /// The face scan failed too many times.
    FaceAttempts => "FACE_ATTEMPTS",
    /// Passive authentication (or another document check) failed.
    PaFailed => "PA_FAILED",
    /// Passive authentication did not run to the end.
    PaIncomplete => "PA_INCOMPLETE",
    /// No chip (anti-clone) authentication was performed.
    AntiCloneMissing => "ANTI_CLONE_MISSING",
    /// Chip or active authentication failed.
    AntiCloneFailed => "ANTI_CLONE_FAILED",
    /// The anti-clone key file is not covered by passive authentication.
    AntiCloneNotCovered => "ANTI_CLONE_NOT_COVERED",
    /// Chip authentication was only asserted by the app; the backend cannot re-verify it.
    CaUnverified => "CA_UNVERIFIED",
    /// Active authentication was not over the server's nonce.
    AaChallenge => "AA_CHALLENGE",
    /// The evidence bundle is not well-formed JSON of its schema.
    EvidenceFormat => "EVIDENCE_FORMAT",
    /// The evidence bundle is of a format version this verifier does not read.
    EvidenceVersion => "EVIDENCE_VERSION",
    /// The app's claimed report disagrees with the backend's recomputation.
    EvidenceClaim => "EVIDENCE_CLAIM",
}

impl Code {
    /// The code with this stable string form.
    pub fn from_str_code(text: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == text)
    }

    /// The user-facing message in `lang`.
    pub fn message(self, lang: Lang) -> &'static str {
        message(self, lang)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Code> for &'static str {
    fn from(code: Code) -> Self {
        code.as_str()
    }
}

impl TryFrom<String> for Code {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Code::from_str_code(&text).ok_or_else(|| format!("unknown code {text}"))
    }
}

/// A language of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Lang {
    /// English (complete).
    #[default]
    En,
    /// Danish (complete: the `da` column, in MitID's own words and its "du" form).
    Da,
}

/// One row of the catalogue: a code and its text per language.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// The code.
    pub code: Code,
    /// English text (always present).
    pub en: &'static str,
    /// Danish text (always present).
    pub da: &'static str,
}

/// The message catalogue: one row per [`Code`], in [`Code::ALL`] order.
pub const CATALOGUE: &[Entry] = &[
    Entry {
        code: Code::PCodeFormat,
        en: "A P code is exactly 8 digits. Check the code you received from MitID Support.",
        da: "En P-kode består af præcis 8 cifre. Tjek den kode, du har fået fra MitID Support.",
    },
    Entry {
        code: Code::PCodeUnknown,
        en: "This P code was not found. Check the digits, or contact MitID Support for a new P code.",
        da: "P-koden blev ikke fundet. Tjek cifrene, eller kontakt MitID Support for at få en ny P-kode.",
    },
    Entry {
        code: Code::PCodeExpired,
        en: "This P code has expired (a P code is valid for 60 days). Contact MitID Support for a new one.",
        da: "P-koden er udløbet (en P-kode er gyldig i 60 dage). Kontakt MitID Support for at få en ny.",
    },
    Entry {
        code: Code::PCodeUsed,
        en: "This P code has already been used. Contact MitID Support for a new one.",
        da: "P-koden er allerede brugt. Kontakt MitID Support for at få en ny.",
    },
    Entry {
        code: Code::PCodeAttempts,
        en: "This P code has been used for 3 attempts and cannot be used again. Contact MitID Support for a new one.",
        da: "P-koden er brugt til 3 forsøg og kan ikke bruges igen. Kontakt MitID Support for at få en ny.",
    },
    Entry {
        code: Code::CprFormat,
        en: "Enter your CPR number as 10 digits, for example DDMMYY-SSSS.",
        da: "Indtast dit CPR-nummer med 10 cifre, for eksempel DDMMÅÅ-XXXX.",
    },
    Entry {
        code: Code::CprDate,
        en: "The first 6 digits of a CPR number are your date of birth (DDMMYY). Check them.",
        da: "De første 6 cifre i et CPR-nummer er din fødselsdato (DDMMÅÅ). Tjek dem.",
    },
    Entry {
        code: Code::CprFuture,
        en: "The date of birth in this CPR number is in the future. Check the digits.",
        da: "Fødselsdatoen i CPR-nummeret ligger i fremtiden. Tjek cifrene.",
    },
    Entry {
        code: Code::CprModulus11,
        en: "Please check your CPR number for typing errors. If it is correct, continue.",
        da: "Tjek, at du har skrevet dit CPR-nummer rigtigt. Hvis det er korrekt, kan du fortsætte.",
    },
    Entry {
        code: Code::CountryUnknown,
        en: "Choose the country that issued your passport or ID card from the list.",
        da: "Vælg det land på listen, der har udstedt dit pas eller ID-kort.",
    },
    Entry {
        code: Code::CountrySpecimen,
        en: "Specimen documents cannot be used.",
        da: "Prøveeksemplarer (specimen) af pas og ID-kort kan ikke bruges.",
    },
    Entry {
        code: Code::Country,
        en: "Your document was issued by another country than the one you chose. Choose the country shown on your document.",
        da: "Dit dokument er udstedt af et andet land end det, du har valgt. Vælg det land, der står på dit dokument.",
    },
    Entry {
        code: Code::DocKind,
        en: "This looks like a different kind of document than the one you chose (passport or ID card). Choose again.",
        da: "Det ligner en anden type dokument end den, du har valgt (pas eller ID-kort). Vælg igen.",
    },
    Entry {
        code: Code::DocKindUnsupported,
        en: "This document cannot be used. Use a passport or a national ID card with a chip.",
        da: "Dokumentet kan ikke bruges. Brug et pas eller et nationalt ID-kort med chip.",
    },
    Entry {
        code: Code::DocExpired,
        en: "Your document has expired. Use a valid passport or ID card.",
        da: "Dit dokument er udløbet. Brug et gyldigt pas eller ID-kort.",
    },
    Entry {
        code: Code::DocDate,
        en: "A date on the document could not be read. Scan it again or check what you typed.",
        da: "En dato på dokumentet kunne ikke læses. Scan det igen, eller tjek det, du har indtastet.",
    },
    Entry {
        code: Code::MrzFormat,
        en: "The code lines could not be read. Scan them again, or type them exactly as printed.",
        da: "Koden på dokumentet kunne ikke læses. Scan den igen, eller indtast den præcis, som den står.",
    },
    Entry {
        code: Code::MrzCheckDigit,
        en: "Some characters of the code lines were read wrongly. Scan them again.",
        da: "Nogle tegn i koden blev læst forkert. Scan koden igen.",
    },
    Entry {
        code: Code::MrzMismatch,
        en: "The chip does not belong to the code lines you scanned. Scan the code lines of this document again.",
        da: "Chippen hører ikke til den kode, du har scannet. Scan koden på dette dokument igen.",
    },
    Entry {
        code: Code::NameMismatch,
        en: "The name does not match the name in the code lines of the document. Type it in A-Z as printed there (for example Ø as OE).",
        da: "Navnet stemmer ikke overens med navnet i koden på dokumentet. Skriv det med A-Z, som det står der (for eksempel Ø som OE).",
    },
    Entry {
        code: Code::UserIdLength,
        en: "Your user ID must be 5 to 48 characters long.",
        da: "Dit bruger-ID skal være på 5 til 48 tegn.",
    },
    Entry {
        code: Code::UserIdCharacter,
        en: "Your user ID may only contain a-z, æ, ø, å, 0-9, spaces and {}!#$^,*()_+-=:;?.@",
        da: "Dit bruger-ID må kun indeholde a-z, æ, ø, å, 0-9, mellemrum og {}!#$^,*()_+-=:;?.@",
    },
    Entry {
        code: Code::UserIdSpace,
        en: "Your user ID must not start or end with a space.",
        da: "Dit bruger-ID må ikke begynde eller slutte med et mellemrum.",
    },
    Entry {
        code: Code::UserIdDigits,
        en: "Your user ID must not consist of 10 digits.",
        da: "Dit bruger-ID må ikke bestå af 10 cifre.",
    },
    Entry {
        code: Code::UserIdCpr,
        en: "Your user ID must not be a CPR number.",
        da: "Dit bruger-ID må ikke være et CPR-nummer.",
    },
    Entry {
        code: Code::UserIdTaken,
        en: "This user ID is already in use. Choose another one.",
        da: "Bruger-ID'et er allerede i brug. Vælg et andet.",
    },
    Entry {
        code: Code::PhoneFormat,
        en: "Enter your phone number with country code, for example +45 12345678.",
        da: "Indtast dit telefonnummer med landekode, for eksempel +45 12345678.",
    },
    Entry {
        code: Code::PhoneCountryCode,
        en: "The country code of a phone number cannot start with 0. Enter it as +, country code, number.",
        da: "Landekoden i et telefonnummer kan ikke begynde med 0. Indtast nummeret som +, landekode og nummer.",
    },
    Entry {
        code: Code::PhoneDanishLength,
        en: "A Danish phone number has 8 digits after +45.",
        da: "Et dansk telefonnummer har 8 cifre efter +45.",
    },
    Entry {
        code: Code::SmsCodeFormat,
        en: "Enter the code from the SMS (digits only).",
        da: "Indtast SMS-koden (kun cifre).",
    },
    Entry {
        code: Code::SmsCode,
        en: "The code is not correct. Check the SMS and try again.",
        da: "SMS-koden er forkert. Tjek din SMS, og prøv igen.",
    },
    Entry {
        code: Code::SmsCodeExpired,
        en: "The code has expired. Ask for a new SMS.",
        da: "SMS-koden er udløbet. Bed om en ny SMS.",
    },
    Entry {
        code: Code::SmsBlocked,
        en: "The code was entered wrongly too many times. Start again later or contact MitID Support.",
        da: "SMS-koden er indtastet forkert for mange gange. Start forfra senere, eller kontakt MitID Support.",
    },
    Entry {
        code: Code::Nonce,
        en: "Your session has expired. Please start again.",
        da: "Din session er udløbet. Start forfra.",
    },
    Entry {
        code: Code::BackendUnavailable,
        en: "MitID could not be reached. Check your internet connection and try again.",
        da: "Der er ikke forbindelse til MitID. Tjek din internetforbindelse, og prøv igen.",
    },
    Entry {
        code: Code::TermsRequired,
        en: "You must accept the terms to continue.",
        da: "Du skal acceptere vilkår og betingelser for at fortsætte.",
    },
    Entry {
        code: Code::UnexpectedEvent,
        en: "Something went wrong in the app. Please start again.",
        da: "Der opstod en fejl i appen. Start forfra.",
    },
    Entry {
        code: Code::Snapshot,
        en: "Your progress could not be restored. Please start again.",
        da: "Vi kunne ikke genoptage det, du var i gang med. Start forfra.",
    },
    Entry {
        code: Code::BackNotAllowed,
        en: "You cannot go back from here.",
        da: "Du kan ikke gå tilbage herfra.",
    },
    Entry {
        code: Code::AccessDenied,
        en: "The chip could not be opened with the code lines. Scan the code lines again.",
        da: "Chippen kunne ikke åbnes med koden fra dokumentet. Scan koden igen.",
    },
    Entry {
        code: Code::TagLost,
        en: "Hold your phone still on the document until the reading is done.",
        da: "Hold telefonen stille på dokumentet, indtil aflæsningen er færdig.",
    },
    Entry {
        code: Code::ChipRead,
        en: "The chip could not be read. Try again, or see mitid.dk for help.",
        da: "Chippen kunne ikke aflæses. Prøv igen, eller find hjælp på mitid.dk.",
    },
    Entry {
        code: Code::Dg1Missing,
        en: "The chip could not be read completely. Try again.",
        da: "Chippen kunne ikke aflæses helt. Prøv igen.",
    },
    Entry {
        code: Code::FaceLiveness,
        en: "We could not confirm that you are present. Try again in good light, without glasses or hat.",
        da: "Vi kunne ikke bekræfte, at du er til stede. Prøv igen i godt lys og uden briller eller hat.",
    },
    Entry {
        code: Code::FaceMatch,
        en: "Your face could not be matched with the photo in the chip. Try again in good light.",
        da: "Dit ansigt kunne ikke matches med billedet i chippen. Prøv igen i godt lys.",
    },
    Entry {
        code: Code::FaceMissing,
        en: "The face scan has not been done.",
        da: "Scanningen af dit ansigt er ikke gennemført.",
    },
    Entry {
        code: Code::FaceAttempts,
        en: "The face scan did not succeed. Contact Citizen Service (Borgerservice) to get MitID.",
        da: "Scanningen af dit ansigt lykkedes ikke. Kontakt Borgerservice for at få MitID.",
    },
    Entry {
        code: Code::PaFailed,
        en: "The document could not be verified as genuine.",
        da: "Det kunne ikke bekræftes, at dokumentet er ægte.",
    },
    Entry {
        code: Code::PaIncomplete,
        en: "The document could not be fully verified.",
        da: "Dokumentet kunne ikke kontrolleres helt.",
    },
    Entry {
        code: Code::AntiCloneMissing,
        en: "The chip could not prove that it is genuine (no chip authentication).",
        da: "Chippen kunne ikke bevise, at den er ægte (ingen chipgodkendelse).",
    },
    Entry {
        code: Code::AntiCloneFailed,
        en: "The chip failed its authenticity check.",
        da: "Chippen bestod ikke kontrollen af, om den er ægte.",
    },
    Entry {
        code: Code::AntiCloneNotCovered,
        en: "The chip's authenticity check could not be tied to the document's signature.",
        da: "Kontrollen af, om chippen er ægte, kunne ikke knyttes til dokumentets signatur.",
    },
    Entry {
        code: Code::CaUnverified,
        en: "The chip's authenticity could not be confirmed to MitID.",
        da: "Det kunne ikke bekræftes over for MitID, at chippen er ægte.",
    },
    Entry {
        code: Code::AaChallenge,
        en: "The chip's authenticity check was not bound to this session.",
        da: "Kontrollen af, om chippen er ægte, var ikke knyttet til denne session.",
    },
    Entry {
        code: Code::EvidenceFormat,
        en: "The app sent data MitID could not read. Update the app and try again.",
        da: "Appen sendte data, som MitID ikke kunne læse. Opdater MitID-appen, og prøv igen.",
    },
    Entry {
        code: Code::EvidenceVersion,
        en: "The app sent data in a format MitID does not support. Update the app and try again.",
        da: "Appen sendte data i et format, som MitID ikke understøtter. Opdater MitID-appen, og prøv igen.",
    },
    Entry {
        code: Code::EvidenceClaim,
        en: "The app's check of your document does not agree with MitID's. Try again.",
        da: "Appens kontrol af dit dokument stemmer ikke overens med MitID's kontrol. Prøv igen.",
    },
];

/// The message for `code` in `lang`.
pub fn message(code: Code, lang: Lang) -> &'static str {
    let Some(entry) = CATALOGUE.iter().find(|e| e.code == code) else {
        return "";
    };
    match lang {
        Lang::En => entry.en,
        Lang::Da => entry.da,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every language of the catalogue.
    const LANGS: [Lang; 2] = [Lang::En, Lang::Da];

    /// The runs of ASCII digits in `text`, sorted (a multiset).
    fn digit_runs(text: &str) -> Vec<&str> {
        let mut runs: Vec<&str> = text
            .split(|c: char| !c.is_ascii_digit())
            .filter(|run| !run.is_empty())
            .collect();
        runs.sort_unstable();
        runs
    }

    #[test]
    fn every_code_has_exactly_one_row_in_catalogue_order() {
        for code in Code::ALL {
            let rows = CATALOGUE.iter().filter(|e| e.code == *code).count();
            assert_eq!(rows, 1, "{code}");
        }
        assert_eq!(CATALOGUE.len(), Code::ALL.len());
        let order: Vec<Code> = CATALOGUE.iter().map(|e| e.code).collect();
        assert_eq!(order, Code::ALL);
    }

    #[test]
    fn every_code_has_an_english_and_a_different_danish_message() {
        for code in Code::ALL {
            let en = message(*code, Lang::En);
            let da = message(*code, Lang::Da);
            assert!(!en.is_empty(), "{code}");
            assert!(!da.is_empty(), "{code}");
            assert_ne!(da, en, "{code}: Danish is a copy of the English");
            assert_eq!(code.message(Lang::Da), da, "{code}");
        }
        assert_eq!(
            message(Code::PCodeFormat, Lang::Da),
            "En P-kode består af præcis 8 cifre. Tjek den kode, du har fået fra MitID Support."
        );
        assert_eq!(Lang::default(), Lang::En);
    }

    #[test]
    fn danish_messages_keep_every_number_of_the_english() {
        for entry in CATALOGUE {
            assert_eq!(
                digit_runs(entry.da),
                digit_runs(entry.en),
                "{}: {:?} vs {:?}",
                entry.code,
                entry.da,
                entry.en
            );
        }
        // The check sees the limits that matter.
        assert_eq!(digit_runs(message(Code::PCodeExpired, Lang::Da)), ["60"]);
        assert_eq!(
            digit_runs(message(Code::UserIdLength, Lang::Da)),
            ["48", "5"]
        );
        assert_eq!(
            digit_runs(message(Code::PhoneFormat, Lang::Da)),
            ["12345678", "45"]
        );
    }

    #[test]
    fn digit_runs_is_a_multiset_of_whole_numbers() {
        assert_eq!(digit_runs("8 cifre, 3 forsøg, 3 gange"), ["3", "3", "8"]);
        assert_eq!(digit_runs("+45 12345678."), ["12345678", "45"]);
        assert_ne!(digit_runs("i 60 dage"), digit_runs("i 30 dage"));
        assert_ne!(digit_runs("8 cifre"), digit_runs("8 cifre, 8 tegn"));
        assert!(digit_runs("ingen tal").is_empty());
    }

    #[test]
    fn no_message_has_surrounding_or_doubled_whitespace() {
        for entry in CATALOGUE {
            for lang in LANGS {
                let text = message(entry.code, lang);
                assert_eq!(text, text.trim(), "{} {lang:?}", entry.code);
                assert!(!text.contains("  "), "{} {lang:?}", entry.code);
                assert!(!text.contains('\n'), "{} {lang:?}", entry.code);
            }
        }
    }

    #[test]
    fn codes_round_trip_through_their_stable_strings() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {code}");
            assert_eq!(Code::from_str_code(code.as_str()), Some(*code));
            assert!(
                code.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            );
        }
    }
}
