//! The PC/SC context: reader listing, waiting for a card, connecting.

use std::ffi::CString;
use std::time::{Duration, Instant};

use pcsc::{Context, ReaderState, Scope, State};

use crate::error::PcscError;
use crate::transport::PcscTransport;

/// A connection to the PC/SC service (pcscd on Linux).
#[derive(Clone)]
pub struct Readers {
    ctx: Context,
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers").finish_non_exhaustive()
    }
}

/// Cancels a [`Readers::wait_for_card`] in progress, from another thread (e.g. on Ctrl-C).
#[derive(Clone)]
pub struct Canceller {
    ctx: Context,
}

impl std::fmt::Debug for Canceller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Canceller").finish_non_exhaustive()
    }
}

impl Canceller {
    /// Makes the pending wait return [`PcscError::Cancelled`].
    pub fn cancel(&self) {
        // Nothing to do if no wait is pending or the context is gone.
        let _ = self.ctx.cancel();
    }
}

impl Readers {
    /// Connects to the PC/SC service; [`PcscError::NoService`] when pcscd is not running.
    pub fn establish() -> Result<Self, PcscError> {
        let ctx = Context::establish(Scope::User)
            .map_err(|e| PcscError::from_pcsc(e, "", "connecting to the PC/SC service"))?;
        Ok(Self { ctx })
    }

    pub(crate) fn from_context(ctx: Context) -> Self {
        Self { ctx }
    }

    /// A handle that cancels waits on this context.
    pub fn canceller(&self) -> Canceller {
        Canceller {
            ctx: self.ctx.clone(),
        }
    }

    /// The names of the readers present (empty when there are none).
    pub fn list(&self) -> Result<Vec<String>, PcscError> {
        match self.ctx.list_readers_owned() {
            Ok(names) => Ok(names
                .into_iter()
                .map(|n| n.to_string_lossy().into_owned())
                .collect()),
            Err(pcsc::Error::NoReadersAvailable) => Ok(Vec::new()),
            Err(e) => Err(PcscError::from_pcsc(e, "", "listing readers")),
        }
    }

    /// Each reader with whether a card is in it now.
    pub fn list_with_cards(&self) -> Result<Vec<(String, bool)>, PcscError> {
        let names = self.list()?;
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let mut states = names
            .iter()
            .map(|n| Ok(ReaderState::new(cstring(n)?, State::UNAWARE)))
            .collect::<Result<Vec<_>, PcscError>>()?;
        match self.ctx.get_status_change(Duration::ZERO, &mut states) {
            Ok(()) | Err(pcsc::Error::Timeout) => {}
            Err(e) => return Err(PcscError::from_pcsc(e, "", "reading reader states")),
        }
        Ok(names
            .into_iter()
            .zip(states.iter().map(card_present))
            .collect())
    }

    /// The reader to use: `wanted` (an exact name, or else the one reader whose name contains
    /// it), or without it the first reader holding a card, else the first reader.
    pub fn choose(&self, wanted: Option<&str>) -> Result<String, PcscError> {
        let readers = self.list_with_cards()?;
        if readers.is_empty() {
            return Err(PcscError::NoReaders);
        }
        let Some(wanted) = wanted else {
            let with_card = readers.iter().find(|(_, card)| *card);
            return Ok(with_card.unwrap_or(&readers[0]).0.clone());
        };
        if let Some((name, _)) = readers.iter().find(|(n, _)| n == wanted) {
            return Ok(name.clone());
        }
        let matching: Vec<&String> = readers
            .iter()
            .map(|(n, _)| n)
            .filter(|n| n.contains(wanted))
            .collect();
        match matching.as_slice() {
            [one] => Ok((*one).clone()),
            _ => Err(PcscError::UnknownReader {
                name: wanted.to_owned(),
                available: readers
                    .iter()
                    .map(|(n, _)| format!("'{n}'"))
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// Waits until a card is in `reader` (returns at once if one is), at most `timeout`
    /// (`None`: forever). [`PcscError::NoCard`] on timeout, [`PcscError::Cancelled`] when a
    /// [`Canceller`] fires, [`PcscError::ReaderGone`] if the reader disappears.
    pub fn wait_for_card(&self, reader: &str, timeout: Option<Duration>) -> Result<(), PcscError> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut states = [ReaderState::new(cstring(reader)?, State::UNAWARE)];
        loop {
            let remaining = match deadline {
                Some(d) => d.saturating_duration_since(Instant::now()),
                None => Duration::from_hours(1),
            };
            match self.ctx.get_status_change(remaining, &mut states) {
                Ok(()) => {}
                Err(pcsc::Error::Timeout) if deadline.is_some() => {
                    return Err(PcscError::NoCard(reader.to_owned()));
                }
                Err(pcsc::Error::Timeout) => continue,
                Err(e) => return Err(PcscError::from_pcsc(e, reader, "waiting for a card")),
            }
            let state = &states[0];
            if state
                .event_state()
                .intersects(State::UNKNOWN | State::UNAVAILABLE | State::IGNORE)
            {
                return Err(PcscError::ReaderGone(reader.to_owned()));
            }
            if card_present(state) {
                return Ok(());
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(PcscError::NoCard(reader.to_owned()));
            }
            states[0].sync_current_state();
        }
    }

    /// Connects to the card in `reader` (which must be there: see [`Readers::wait_for_card`]).
    pub fn connect(&self, reader: &str) -> Result<PcscTransport, PcscError> {
        PcscTransport::connect(self.ctx.clone(), reader)
    }

    /// Waits for a card in `reader` (at most `timeout`) and connects to it. A card that
    /// leaves while we connect (or one pcscd has not yet noticed is gone) is waited for
    /// again; [`PcscError::NoCard`] when none is there in time.
    pub fn wait_and_connect(
        &self,
        reader: &str,
        timeout: Duration,
    ) -> Result<PcscTransport, PcscError> {
        let deadline = Instant::now() + timeout;
        loop {
            self.wait_for_card(
                reader,
                Some(deadline.saturating_duration_since(Instant::now())),
            )?;
            match self.connect(reader) {
                Err(PcscError::CardRemoved(_) | PcscError::NoCard(_))
                    if Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(PcscError::CardRemoved(_) | PcscError::NoCard(_)) => {
                    return Err(PcscError::NoCard(reader.to_owned()));
                }
                other => return other,
            }
        }
    }
}

fn card_present(state: &ReaderState) -> bool {
    let s = state.event_state();
    s.contains(State::PRESENT) && !s.contains(State::MUTE)
}

pub(crate) fn cstring(name: &str) -> Result<CString, PcscError> {
    CString::new(name).map_err(|_| PcscError::UnknownReader {
        name: name.to_owned(),
        available: String::new(),
    })
}
