//! `idproof flow [--events FILE] [--json] [--profile NAME | --reader NAME --trust PATH...]
//! [--today YYYY-MM-DD] [--instant] [--lang en|da]`: the MitID "activate with passport/ID
//! card" flow against the embedded reference backend.
//!
//! With `--events FILE` the events come from a JSON file (see [`crate::flow_driver::Script`]);
//! without it the person at the terminal answers one prompt per step (stdin, one line each;
//! `back` goes back). The chip step reads the virtual chip of `--profile` (trusting its CSCA),
//! or a real document on a PC/SC reader with `--reader` (trusting `--trust`). The backend is
//! [`idproof_core::flow::reference::ReferenceBackend`]: it re-verifies the evidence bundle and
//! decides the assurance. Nothing is written to disk; the JSON holds event and action names,
//! codes and the decision — never a value that was typed or read. `--lang` picks the language
//! of the catalogue messages (refusals, the failure); codes, prompts and labels do not change.
//!
//! Exit 0: the flow is done with `substantial`; 1: it ended (or the events ran out) anywhere
//! else; 2: a bad events file or argument; 3: the reader could not be used.

use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::time::Duration;

use idproof_core::asn1::Time;
use idproof_core::auth::trust::TrustStore;
use idproof_core::flow::{Date, DocumentKind, FlowConfig, Lang, Step, Usage};
use idproof_core::mrz::{MrzAccess, MrzKey};
use idproof_core::reader::{AccessKey, ReadOptions, ReadSession};
use idproof_core::verify::verify_access;
use idproof_core::{Error, ErrorCode};
use idproof_pcsc::{ReadFailure, Readers, ResumePolicy, read_resuming};
use rand_core::{OsRng, RngCore, UnwrapErr};

use super::demo::VirtualReader;
use super::trust::TrustArgs;
use super::{EXIT_FAILED, EXIT_OK, EXIT_READER, usage_error};
use crate::flow_driver::{
    ChipReader, Entry, FlowDriver, FlowOutput, Script, ScriptEvent, face_passed,
};
use crate::output::{Human, Outcome, progress_bar, show_progress};

/// Arguments of `idproof flow`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Take the events from this JSON file instead of asking at the terminal.
    #[arg(long, value_name = "FILE")]
    pub events: Option<PathBuf>,
    /// Print one JSON object on stdout; human output goes to stderr.
    #[arg(long)]
    pub json: bool,
    /// The virtual chip for the chip step (see `idproof demo --list-profiles`).
    #[arg(long, default_value = "specimen", value_name = "NAME")]
    pub profile: String,
    /// Read a real document on this PC/SC reader instead (full name or a unique part; `any`
    /// for the first reader holding a card).
    #[arg(long, value_name = "NAME")]
    pub reader: Option<String>,
    #[command(flatten)]
    pub trust: TrustArgs,
    /// Accept the ICAO specimen state `UTO` with `--reader` (always accepted for the
    /// virtual chip).
    #[arg(long)]
    pub allow_specimen: bool,
    /// The flow's "today" (expiry and CPR checks), default the system date.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
    /// Answer at once instead of at NFC speed (virtual chip).
    #[arg(long)]
    pub instant: bool,
    /// The language of the messages shown with refusal codes (the codes stay the same).
    #[arg(long, value_enum, default_value_t = MessageLang::En, value_name = "LANG")]
    pub lang: MessageLang,
}

/// `--lang`: a language of the flow's message catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MessageLang {
    /// English.
    En,
    /// Danish.
    Da,
}

impl From<MessageLang> for Lang {
    fn from(lang: MessageLang) -> Self {
        match lang {
            MessageLang::En => Lang::En,
            MessageLang::Da => Lang::Da,
        }
    }
}

/// Runs `idproof flow` and returns the exit code.
pub fn run(args: &Args) -> u8 {
    let human = Human::new(args.json);
    let now = super::now();
    let (today, at) = if let Some(text) = &args.today {
        let parsed = Date::parse_iso(text)
            .and_then(|d| Some((d, Time::from_ymd(d.year(), d.month(), d.day())?)));
        let Some(both) = parsed else {
            return usage_error(format!("--today {text}: expected a date YYYY-MM-DD"));
        };
        both
    } else {
        let Some(date) = today_of(now) else {
            return EXIT_FAILED;
        };
        (date, now)
    };
    let script = match &args.events {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => match Script::from_json(&text) {
                Ok(script) => Some(script),
                Err(e) => {
                    return usage_error(format!("--events {}: {e}", path.display()));
                }
            },
            Err(e) => {
                return usage_error(format!("--events {}: {e}", path.display()));
            }
        },
        None => None,
    };

    let (mut chip, trust, allow_specimen): (Box<dyn ChipReader>, TrustStore, bool) =
        if let Some(reader) = &args.reader {
            let loaded = match args.trust.load() {
                Ok(t) => t,
                Err(e) => {
                    return usage_error(e);
                }
            };
            if args.trust.trust.is_empty() {
                eprintln!(
                    "warning: no --trust given: the backend cannot verify the document's chain, \
                     so the flow cannot reach substantial"
                );
            }
            let store = loaded.store;
            let reader = PcscChip {
                reader: (reader != "any").then(|| reader.clone()),
                trust: store.clone(),
                at: now,
                failed_to_connect: None,
            };
            (Box::new(reader), store, args.allow_specimen)
        } else {
            let passport = match super::specimen_passport(&args.profile) {
                Ok(p) => p,
                Err(code) => return code,
            };
            let reader = match VirtualReader::new(passport, !args.instant, now) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: the virtual chip's CSCA is unusable: {e}");
                    return EXIT_FAILED;
                }
            };
            let store = reader.trust().clone();
            (Box::new(reader), store, true)
        };

    let config = FlowConfig {
        allow_specimen,
        ..FlowConfig::new(today)
    };
    let seed = UnwrapErr(OsRng).next_u64();
    let lang = Lang::from(args.lang);
    let mut driver = FlowDriver::new(config, trust, at, seed, chip.as_mut());
    driver.set_lang(lang);
    let show = Human::new(args.json);
    driver.on_entry(move |entry| show.line(&entry_line(entry)));

    let ended_early = match &script {
        Some(script) => {
            driver.prepare(script);
            human.line("idproof flow: events from the file, reference backend");
            for event in &script.events {
                // A refused event is in the transcript; the script goes on (it may be testing
                // exactly that refusal).
                let _refused = driver.send_script(event);
            }
            false
        }
        None => interactive(&mut driver, &human),
    };
    let output = driver.output();
    drop(driver);
    if let Some(pcsc) = chip.reader_problem() {
        eprintln!("error: {pcsc}");
        return EXIT_READER;
    }
    finish(&human, args.json, &output, ended_early, lang)
}

/// Prints the end of the flow (human or JSON) and returns the exit code.
fn finish(human: &Human, json: bool, output: &FlowOutput, ended_early: bool, lang: Lang) -> u8 {
    if json {
        match serde_json::to_string_pretty(output) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("error: could not encode JSON: {e}");
                return EXIT_FAILED;
            }
        }
    }
    for line in summary_lines(output, lang) {
        human.line(&line);
    }
    if ended_early {
        human.line("(input ended before the flow did)");
    }
    if output.substantial() {
        EXIT_OK
    } else {
        EXIT_FAILED
    }
}

/// The flow's end in words: step (with the failure's message in `lang`), assurance and its
/// reasons, usage.
pub fn summary_lines(output: &FlowOutput, lang: Lang) -> Vec<String> {
    let mut lines = vec![format!(
        "Flow         {}{}",
        step_name(output.step),
        output
            .failure
            .map(|c| format!(" ({c}: {})", c.message(lang)))
            .unwrap_or_default()
    )];
    if let Some(assurance) = &output.assurance {
        let level = match assurance.level {
            idproof_core::flow::AssuranceLevel::Substantial => "substantial",
            idproof_core::flow::AssuranceLevel::NotMet => "not met",
        };
        lines.push(format!(
            "Assurance    {level} (decided by the reference backend on the evidence bundle)"
        ));
        for reason in &assurance.reasons {
            lines.push(format!("  {} {}", reason.code, reason.detail));
        }
    }
    if let Some(usage) = output.usage {
        lines.push(format!("Usage        {}", usage_name(usage)));
    }
    lines
}

/// One transcript line: `event → step [actions] (warnings) ✗ CODE message`.
pub fn entry_line(entry: &Entry) -> String {
    let mut line = format!("  {:<28} → {}", entry.event, step_name(entry.step));
    if !entry.actions.is_empty() {
        let _ = write!(line, "  [{}]", entry.actions.join(", "));
    }
    for warning in &entry.warnings {
        let _ = write!(line, "  ⚠ {warning}");
    }
    if let Some(error) = &entry.error {
        let _ = write!(line, "  ✗ {} {}", error.code, error.message);
    }
    line
}

fn step_name(step: Step) -> String {
    serde_json::to_value(step)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn usage_name(usage: Usage) -> String {
    serde_json::to_value(usage)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Asks the person at the terminal, one prompt per step, until the flow ends or stdin does.
/// Returns whether stdin ended first.
fn interactive(driver: &mut FlowDriver<'_>, human: &Human) -> bool {
    human.line("idproof flow: activate MitID with a passport or ID card (reference backend).");
    human.line("Answer each prompt; `back` goes back. The P code 48151623 is issued.");
    driver.backend().add_p_code(crate::flow_driver::DEMO_P_CODE);
    let stdin = std::io::stdin();
    let echoes = stdin.is_terminal();
    let mut lines = stdin.lock().lines();
    loop {
        let step = driver.step();
        let Some(prompt) = prompt(step) else {
            return false;
        };
        if step == Step::SmsCode
            && let Some(code) = driver.sms_code_sent()
        {
            eprintln!("  (SMS from the reference backend: your code is {code})");
        }
        eprint!("{prompt} ");
        let Some(Ok(line)) = lines.next() else {
            eprintln!();
            return true;
        };
        if !echoes {
            // Piped input is not echoed: end the prompt's line ourselves.
            eprintln!();
        }
        let line = line.trim();
        match answer(step, line) {
            Some(event) => {
                let _refused = driver.send_script(&event);
            }
            None => eprintln!("  (not understood: see the prompt)"),
        }
    }
}

/// The question for a step that waits on the person; `None` when the flow has ended.
fn prompt(step: Step) -> Option<&'static str> {
    Some(match step {
        Step::ChooseMethod => "Activate with passport or ID card? [yes]",
        Step::AcceptTerms => "Accept the terms? [yes/no]",
        Step::DocumentKind => "Passport or ID card? [passport/id]",
        Step::Country => "Issuing country (ICAO code, e.g. DNK, D, UTO):",
        Step::Identifier => "CPR number (DDMMYY-SSSS) or P code (8 digits):",
        Step::Mrz => "MRZ (lines separated by spaces), or NUMBER,YYMMDD,YYMMDD:",
        Step::ReadingChip => "Hold the document to the reader, then press Enter to retry:",
        Step::Face => "Face scan result? [pass/no-liveness/no-match]",
        Step::UserId => "Choose a user ID:",
        Step::Phone => "Phone number (+45…):",
        Step::SmsCode => "SMS code (Enter = the code the reference backend sent):",
        Step::Usage => "Use MitID on: [this-phone/another-device/code-display/audio/chip]",
        Step::Done | Step::Failed => return None,
        // Backend steps complete inside one event; reaching one here means a backend error.
        _ => "The backend did not answer; press Enter to retry:",
    })
}

/// The event for a typed answer at `step`.
fn answer(step: Step, line: &str) -> Option<ScriptEvent> {
    if line.eq_ignore_ascii_case("back") {
        return Some(ScriptEvent::Back);
    }
    let yes = matches!(line.to_ascii_lowercase().as_str(), "" | "y" | "yes");
    Some(match step {
        Step::ChooseMethod => yes.then_some(ScriptEvent::ChoosePassportOrIdCard)?,
        Step::AcceptTerms => ScriptEvent::AcceptTerms(yes),
        Step::DocumentKind => match line.to_ascii_lowercase().as_str() {
            "p" | "passport" => ScriptEvent::DocumentKind(DocumentKind::Passport),
            "i" | "id" | "id card" | "id_card" => ScriptEvent::DocumentKind(DocumentKind::IdCard),
            _ => return None,
        },
        Step::Country => ScriptEvent::Country(line.to_owned()),
        Step::Identifier => {
            if line.len() == 8 && line.bytes().all(|b| b.is_ascii_digit()) {
                ScriptEvent::PCode(line.to_owned())
            } else {
                ScriptEvent::Cpr(line.to_owned())
            }
        }
        Step::Mrz => {
            let parts: Vec<&str> = line.split(',').map(str::trim).collect();
            match parts.as_slice() {
                [number, birth, expiry] => ScriptEvent::MrzFields {
                    document_number: (*number).to_owned(),
                    birth_date: (*birth).to_owned(),
                    expiry_date: (*expiry).to_owned(),
                },
                _ => ScriptEvent::MrzTyped(line.to_owned()),
            }
        }
        Step::Face => {
            let mut face = face_passed();
            match line.to_ascii_lowercase().as_str() {
                "" | "pass" | "passed" => {}
                "no-liveness" => face.liveness = idproof_core::flow::Outcome::Failed,
                "no-match" => face.face_match = idproof_core::flow::Outcome::Failed,
                _ => return None,
            }
            ScriptEvent::Face(face)
        }
        Step::UserId => ScriptEvent::UserId(line.to_owned()),
        Step::Phone => ScriptEvent::Phone(line.to_owned()),
        Step::SmsCode if line.is_empty() => ScriptEvent::SmsCodeReceived,
        Step::SmsCode => ScriptEvent::SmsCode(line.to_owned()),
        Step::Usage => ScriptEvent::Usage(match line.to_ascii_lowercase().as_str() {
            "" | "this-phone" | "this phone" => Usage::ThisPhone,
            "another-device" => Usage::AnotherDevice,
            "code-display" => Usage::CodeDisplay,
            "audio" => Usage::AudioCodeReader,
            "chip" => Usage::Chip,
            _ => return None,
        }),
        _ => ScriptEvent::Retry,
    })
}

/// A real document on a PC/SC reader, for the chip step.
struct PcscChip {
    reader: Option<String>,
    trust: TrustStore,
    at: Time,
    /// A reader problem (exit 3), kept to report after the flow.
    failed_to_connect: Option<String>,
}

impl ChipReader for PcscChip {
    fn read(&mut self, key: &MrzKey, challenge: [u8; 8]) -> Outcome {
        let reader_failure = |this: &mut Self, e: &dyn std::fmt::Display| {
            this.failed_to_connect = Some(e.to_string());
            Outcome::Failed(Error::new(ErrorCode::Transport, e.to_string()))
        };
        let readers = match Readers::establish() {
            Ok(r) => r,
            Err(e) => return reader_failure(self, &e),
        };
        let reader = match readers.choose(self.reader.as_deref()) {
            Ok(r) => r,
            Err(e) => return reader_failure(self, &e),
        };
        let mut transport = match readers.wait_and_connect(&reader, Duration::from_secs(30)) {
            Ok(t) => t,
            Err(e) => return reader_failure(self, &e),
        };
        let options = transport.capabilities().read_options(ReadOptions {
            active_authentication: Some(challenge),
            ..ReadOptions::default()
        });
        let mut session = ReadSession::new(
            AccessKey::Mrz(key.clone()),
            options,
            Box::new(UnwrapErr(OsRng)),
        );
        let bar = progress_bar();
        let result = read_resuming(
            &mut session,
            &mut transport,
            ResumePolicy::default(),
            |p| show_progress(&bar, p),
            |_| {},
        );
        bar.finish_and_clear();
        match result {
            Ok(document) => {
                // The three key fields opened the chip: DG1 must hold them (the flow and the
                // backend compare a whole scanned MRZ on top).
                let report = verify_access(
                    &document,
                    &self.trust,
                    self.at,
                    Some(MrzAccess::Fields(key)),
                );
                Outcome::Read(Box::new(document), report)
            }
            Err(ReadFailure::Reader(e)) => reader_failure(self, &e),
            Err(ReadFailure::Session(e)) => Outcome::Failed(e),
        }
    }

    fn reader_problem(&self) -> Option<String> {
        self.failed_to_connect.clone()
    }
}

/// The calendar date of `now` (UTC).
pub fn today_of(now: Time) -> Option<Date> {
    Date::parse_iso(now.to_string().get(..10)?)
}
