//! `--apdu-log FILE`: a trace of every APDU with secrets redacted.
//!
//! Redacted (shown as lengths only): the data of EXTERNAL AUTHENTICATE (BAC cryptograms) and
//! of GENERAL AUTHENTICATE (PACE nonces and keys) in both directions, and every
//! secure-messaging command and reply (CLA with SM bits set): their payloads are encrypted
//! file contents and MACs. Headers, status words and lengths stay, which is what debugging a
//! reader needs.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::{Duration, Instant};

use idproof_core::reader::{Transport, TransportError};
use idproof_pcsc::{PcscError, Reconnect};

/// A transport that writes each exchange to a trace file, then passes it on.
pub struct LoggingTransport<T> {
    inner: T,
    log: Option<BufWriter<File>>,
    start: Instant,
    count: usize,
}

impl<T> LoggingTransport<T> {
    /// Wraps `inner`; `log` is the trace file (`None`: no trace, nothing is written).
    pub fn new(inner: T, log: Option<File>) -> Self {
        let mut log = log.map(BufWriter::new);
        if let Some(log) = &mut log {
            let _ = writeln!(
                log,
                "# idproof APDU trace. `N  T ms > command`: T = time since start; \
                 `N  D ms < response`: D = time the exchange took. Secrets are redacted."
            );
        }
        Self {
            inner,
            log,
            start: Instant::now(),
            count: 0,
        }
    }

    /// The wrapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// Writes a comment line to the trace.
    pub fn note(&mut self, text: &str) {
        let elapsed = self.start.elapsed();
        if let Some(log) = &mut self.log {
            let _ = writeln!(log, "# {:>9.3} ms  {text}", ms(elapsed));
        }
    }

    /// Flushes the trace.
    pub fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.log {
            Some(log) => log.flush(),
            None => Ok(()),
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl<T: Transport> Transport for LoggingTransport<T> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        if self.log.is_none() {
            return self.inner.transmit(command);
        }
        self.count += 1;
        let sent = self.start.elapsed();
        let result = self.inner.transmit(command);
        let took = self.start.elapsed().saturating_sub(sent);
        let n = self.count;
        if let Some(log) = &mut self.log {
            let _ = writeln!(
                log,
                "{n:>4} {:>9.3} ms > {}",
                ms(sent),
                redact_command(command)
            );
            let _ = match &result {
                Ok(reply) => writeln!(
                    log,
                    "{n:>4} {:>9.3} ms < {}",
                    ms(took),
                    redact_response(command, reply)
                ),
                Err(e) => writeln!(log, "{n:>4} {:>9.3} ms < ({e})", ms(took)),
            };
        }
        result
    }
}

impl<T: Reconnect> Reconnect for LoggingTransport<T> {
    fn reconnect(&mut self, timeout: Duration) -> Result<(), PcscError> {
        self.note("card removed: waiting for it to come back");
        let result = self.inner.reconnect(timeout);
        match &result {
            Ok(()) => self.note("card back: reconnected"),
            Err(e) => self.note(&format!("reconnect failed: {e}")),
        }
        result
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether the command is secure-messaging protected (ISO 7816-4 CLA bits b4/b3).
fn is_protected(command: &[u8]) -> bool {
    command
        .first()
        .is_some_and(|cla| *cla != 0xFF && cla & 0x0C != 0)
}

/// Whether the command carries authentication secrets in the clear.
fn is_authentication(command: &[u8]) -> Option<&'static str> {
    match command.get(1) {
        Some(0x82) => Some("EXTERNAL AUTHENTICATE"),
        Some(0x86 | 0x87) => Some("GENERAL AUTHENTICATE"),
        _ => None,
    }
}

/// The command as logged: header in hex, the rest in hex or as a length.
pub fn redact_command(command: &[u8]) -> String {
    let (header, body) = command.split_at(command.len().min(4));
    let what = if is_protected(command) {
        Some("secure messaging")
    } else {
        is_authentication(command)
    };
    match what {
        Some(what) if !body.is_empty() => {
            format!("{} [{} bytes redacted: {what}]", hex(header), body.len())
        }
        _ => hex(command),
    }
}

/// The response as logged: status word in hex, data in hex or as a length.
pub fn redact_response(command: &[u8], response: &[u8]) -> String {
    let (data, sw) = response.split_at(response.len().saturating_sub(2));
    let what = if is_protected(command) {
        Some("secure messaging")
    } else {
        is_authentication(command)
    };
    match what {
        Some(what) if !data.is_empty() => {
            format!("[{} bytes redacted: {what}] {}", data.len(), hex(sw))
        }
        _ => hex(response),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bac_cryptograms_and_sm_payloads_are_lengths_only() {
        let ext_auth = [&[0x00, 0x82, 0x00, 0x00, 0x28][..], &[0xAB; 40], &[0x28]].concat();
        assert_eq!(
            redact_command(&ext_auth),
            "00 82 00 00 [42 bytes redacted: EXTERNAL AUTHENTICATE]"
        );
        let reply = [&[0xCD; 40][..], &[0x90, 0x00]].concat();
        assert_eq!(
            redact_response(&ext_auth, &reply),
            "[40 bytes redacted: EXTERNAL AUTHENTICATE] 90 00"
        );
        let sm = [
            0x0C, 0xB0, 0x00, 0x00, 0x0D, 0x97, 0x01, 0x18, 0x8E, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0,
        ];
        assert_eq!(
            redact_command(&sm),
            "0C B0 00 00 [15 bytes redacted: secure messaging]"
        );
        assert_eq!(
            redact_response(&sm, &[0x87, 0x09, 1, 2, 0x90, 0x00]),
            "[4 bytes redacted: secure messaging] 90 00"
        );
    }

    #[test]
    fn plain_commands_are_shown_in_full() {
        let select = [
            0x00, 0xA4, 0x04, 0x0C, 0x07, 0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01,
        ];
        assert_eq!(redact_command(&select), hex(&select));
        assert_eq!(redact_response(&select, &[0x90, 0x00]), "90 00");
        assert_eq!(redact_response(&select, &[0x6A, 0x82]), "6A 82");
    }
}
