//! Chip Authentication inside the read: runs [`crate::access::chip_auth`] from DG14 over the
//! current secure channel and hands the session the new one.
//!
//! A chip that refuses MSE:Set KAT (3DES, ICAO's command) is asked once more with MSE:Set AT
//! and GENERAL AUTHENTICATE, which some 3DES chips want (the Malaysian trace). Failures are not
//! fatal to the read: they are evidence, reported by the `chip_authentication` check.

use rand_core::CryptoRng;

use super::document::ChipAuthEvidence;
use crate::access::chip_auth::{
    CaAwaitingGa, CaAwaitingMse, CaCommands, CaNext, ChipAuthError, ChipAuthentication,
};
use crate::lds::Dg14;
use crate::sm::SecureMessaging;

/// A Chip Authentication in progress.
pub struct CaRun {
    ca: ChipAuthentication,
    state: CaState,
    retried: bool,
}

enum CaState {
    Mse(CaAwaitingMse),
    Ga(CaAwaitingGa),
}

/// What the session does after a Chip Authentication reply.
pub enum CaProgress {
    /// Send this plain command next (under the current secure messaging).
    Next(Box<CaRun>, Vec<u8>),
    /// Switch to this secure channel; the evidence is unconfirmed until a reply verifies.
    Done(SecureMessaging, ChipAuthEvidence),
    /// Chip Authentication failed; why.
    Failed(String),
}

impl CaRun {
    /// Starts Chip Authentication from DG14's bytes: `Ok(None)` when DG14 offers none.
    pub fn start(dg14: &[u8], rng: &mut dyn CryptoRng) -> Result<Option<(CaRun, Vec<u8>)>, String> {
        let dg14 = Dg14::parse(dg14).map_err(|e| format!("DG14: {e}"))?;
        let ca = match ChipAuthentication::from_security_infos(&dg14.infos) {
            Ok(ca) => ca,
            Err(ChipAuthError::NotOffered(_)) => return Ok(None),
            Err(e) => return Err(e.to_string()),
        };
        let (command, pending) = ca.start(rng).map_err(|e| e.to_string())?;
        Ok(Some((
            CaRun {
                ca,
                state: CaState::Mse(pending),
                retried: false,
            },
            command,
        )))
    }

    /// Feeds the plain reply (data ‖ SW1 SW2) to the last command.
    pub fn on_reply(self, reply: &[u8], rng: &mut dyn CryptoRng) -> CaProgress {
        let CaRun { ca, state, retried } = self;
        let result = match state {
            CaState::Mse(pending) => match pending.finish(reply) {
                Ok(CaNext::Established(keys)) => Ok(keys),
                Ok(CaNext::GeneralAuthenticate(command, pending)) => {
                    return CaProgress::Next(
                        Box::new(CaRun {
                            ca,
                            state: CaState::Ga(pending),
                            retried,
                        }),
                        command,
                    );
                }
                Err(ChipAuthError::Rejected { .. })
                    if !retried && ca.commands() == CaCommands::SetKat =>
                {
                    let ca = ca.with_commands(CaCommands::SetAtGeneralAuthenticate);
                    return match ca.start(rng) {
                        Ok((command, pending)) => CaProgress::Next(
                            Box::new(CaRun {
                                ca,
                                state: CaState::Mse(pending),
                                retried: true,
                            }),
                            command,
                        ),
                        Err(e) => CaProgress::Failed(e.to_string()),
                    };
                }
                Err(e) => Err(e),
            },
            CaState::Ga(pending) => pending.finish(reply),
        };
        let keys = match result {
            Ok(keys) => keys,
            Err(e) => return CaProgress::Failed(e.to_string()),
        };
        match keys.secure_messaging() {
            Ok(sm) => CaProgress::Done(
                sm,
                ChipAuthEvidence {
                    protocol: ca.protocol().to_owned(),
                    key_id: ca.key_id(),
                    chip_public_key: ca.chip_public_key().to_vec(),
                    confirmed: false,
                    failure: None,
                },
            ),
            Err(e) => CaProgress::Failed(e.to_string()),
        }
    }
}
