//! One module per `idproof` subcommand. Each exposes clap `Args` and a `run` returning the
//! process exit code (ARCHITECTURE.md "CLI contract").

pub mod demo;
pub mod evidence;
pub mod face;
pub mod flow;
pub mod mrz;
pub mod read;
pub mod readers;
pub mod simulate;
pub mod trust;
pub mod verify;

use idproof_core::asn1::Time;

/// Valid / verified.
pub const EXIT_OK: u8 = 0;
/// Checked and failed (invalid document or MRZ, failed verification).
pub const EXIT_FAILED: u8 = 1;

/// Usage or input error.
pub const EXIT_USAGE: u8 = 2;

/// The message of the last usage error, for `main` to print as JSON under `--json`.
static LAST_USAGE_ERROR: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Reports a usage or input error: one line `error: MESSAGE` on stderr, the message kept for
/// `main`, which adds `{"verdict": "error", "error": {"code": "USAGE", "message"}}` on stdout
/// when `--json` was given. Returns [`EXIT_USAGE`].
pub fn usage_error(message: impl std::fmt::Display) -> u8 {
    let message = message.to_string();
    eprintln!("error: {message}");
    if let Ok(mut last) = LAST_USAGE_ERROR.lock() {
        *last = Some(message);
    }
    EXIT_USAGE
}

/// The one JSON object of an exit-2 error (ARCHITECTURE.md "CLI contract"):
/// `{"verdict": "error", "error": {code, message}}`.
pub fn json_error(code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({
        "verdict": "error",
        "error": { "code": code, "message": message },
    })
}

/// The message recorded by the last [`usage_error`], if any.
pub fn take_usage_error() -> Option<String> {
    LAST_USAGE_ERROR
        .lock()
        .ok()
        .and_then(|mut last| last.take())
}

/// Reader or transport error (no pcscd, no reader, no card, card removed).
pub const EXIT_READER: u8 = 3;
/// The specimen passport in a virtual chip with the named profile (`demo`, `flow`, `simulate`),
/// or the exit code after saying why not: 2 for an unknown profile, 1 if the factory fails.
pub fn specimen_passport(
    profile: &str,
) -> Result<idproof_fixtures::virtual_passport::VirtualPassport, u8> {
    let Some(chip_profile) = idproof_fixtures::chip::profile_by_name(profile) else {
        return Err(usage_error(format!(
            "unknown profile '{profile}'; `idproof demo --list-profiles` lists them"
        )));
    };
    idproof_fixtures::virtual_passport::VirtualPassport::specimen(chip_profile).map_err(|e| {
        eprintln!("error: could not build the specimen passport: {e}");
        EXIT_FAILED
    })
}

/// A fresh Active Authentication challenge (RND.IFD) from the OS RNG, for `demo` and for
/// `read` without `--challenge`: 8 bytes no one could have predicted, so the chip's signature
/// proves it holds the DG15 key now (a replayed answer would not verify).
pub fn random_challenge() -> [u8; 8] {
    use rand_core::{OsRng, RngCore, UnwrapErr};
    let mut challenge = [0u8; 8];
    UnwrapErr(OsRng).fill_bytes(&mut challenge);
    challenge
}

/// The current time as a [`Time`]: the CLI is where the clock is read, never the core.
pub fn now() -> Time {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    time_from_unix(secs)
}

/// Civil UTC time of a Unix timestamp (proleptic Gregorian, H. Hinnant's days-to-civil).
pub fn time_from_unix(secs: u64) -> Time {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let field = |v: u64| u8::try_from(v).unwrap_or(0);
    Time::new(
        u16::try_from(year).unwrap_or(1970),
        u8::try_from(month).unwrap_or(1),
        u8::try_from(day).unwrap_or(1),
        field(rem / 3600),
        field(rem % 3600 / 60),
        field(rem % 60),
    )
    .unwrap_or(Time::EPOCH)
}

#[cfg(test)]
mod tests {
    #[test]
    fn unix_time_converts_to_civil_time() {
        assert_eq!(super::time_from_unix(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(
            super::time_from_unix(1_709_210_096).to_string(),
            "2024-02-29T12:34:56Z"
        );
    }
}
