//! PACE inside the read: which of EF.CardAccess's protocols to try and in what order, and the
//! adapter that drives [`crate::access::pace`]'s typestate from the session's replies.
//!
//! Order: PACE-CAM first (it proves the chip is the original during access control itself),
//! then Generic Mapping, then Integrated Mapping; within a mapping, the chip's listing order.
//! A protocol is only skipped when the chip refuses it at MSE:Set AT (unsupported); a failure
//! after that (wrong password, bad token) ends the read: no silent downgrade.

use rand_core::CryptoRng;

use super::document::PaceCamEvidence;
use super::session::AccessKey;
use crate::access::pace::terminal::{PaceAgreement, PaceMapping, PaceMse, PaceNonce, PaceTokens};
use crate::access::pace::{
    Mapping, PaceAlgorithm, PaceError, PaceParams, PacePassword, PaceStep, terminal::Pace,
};
use crate::access::security_info::{PaceInfo, SecurityInfos};
use crate::crypto::ka::{Group, GroupKind};
use crate::error::Error;
use crate::sm::SecureMessaging;

/// One PACE protocol the chip offers and we can run.
#[derive(Debug, Clone)]
pub struct PaceCandidate {
    /// Mapping, key agreement and cipher.
    pub algorithm: PaceAlgorithm,
    /// The standardized parameter id, when the PACEInfo gave one.
    pub parameter_id: Option<u8>,
    /// The group (standardized, or explicit from PACEDomainParameterInfo).
    pub group: Group,
    /// Whether MSE:Set AT carries the parameter id (`84`).
    pub send_parameter_id: bool,
    /// Whether the other parameter-id convention was already tried.
    toggled: bool,
}

impl PaceCandidate {
    /// `GM`, `IM` or `CAM`.
    pub fn mapping_name(&self) -> &'static str {
        self.algorithm.mapping().as_str()
    }

    /// The protocol's name, e.g. `id-PACE-ECDH-GM-AES-CBC-CMAC-128`.
    pub fn protocol_name(&self) -> String {
        self.algorithm.name()
    }

    /// The same protocol with the other parameter-id convention (for a chip that refused
    /// MSE:Set AT with one of them), or `None` if that was tried too.
    fn toggled(&self) -> Option<PaceCandidate> {
        if self.toggled || self.parameter_id.is_none() {
            return None;
        }
        let mut other = self.clone();
        other.send_parameter_id = !self.send_parameter_id;
        other.toggled = true;
        Some(other)
    }
}

/// The PACE protocols of EF.CardAccess we can run, best first.
pub fn pace_candidates(infos: &SecurityInfos) -> Vec<PaceCandidate> {
    let several = infos.pace.len() > 1;
    let mut candidates: Vec<(usize, PaceCandidate)> = infos
        .pace
        .iter()
        .enumerate()
        .filter_map(|(order, info)| candidate(infos, info, several).map(|c| (order, c)))
        .collect();
    candidates.sort_by_key(|(order, c)| (mapping_rank(c.algorithm.mapping()), *order));
    candidates.into_iter().map(|(_, c)| c).collect()
}

fn mapping_rank(mapping: Mapping) -> u8 {
    match mapping {
        Mapping::ChipAuthentication => 0,
        Mapping::Generic => 1,
        Mapping::Integrated => 2,
    }
}

fn candidate(infos: &SecurityInfos, info: &PaceInfo, several: bool) -> Option<PaceCandidate> {
    let algorithm = PaceAlgorithm::from_oid(&info.protocol).ok()?;
    let parameter_id = info.parameter_id.and_then(|id| u8::try_from(id).ok());
    // A PACEDomainParameterInfo with the same id (or the only one, when the PACEInfo has no
    // id) gives explicit parameters; otherwise the id must be a standardized one.
    let explicit = infos
        .pace_domain_parameters
        .iter()
        .find(|d| {
            d.parameter_id.and_then(|id| u8::try_from(id).ok()) == parameter_id
                || (parameter_id.is_none() && infos.pace_domain_parameters.len() == 1)
        })
        .and_then(|d| d.group().ok());
    let group = match explicit {
        Some(group) => group,
        None => Group::standardized(parameter_id?).ok()?,
    };
    let wanted_kind = match algorithm.key_agreement() {
        crate::access::pace::KeyAgreement::Dh => GroupKind::Dh,
        crate::access::pace::KeyAgreement::Ecdh => GroupKind::Ec,
    };
    if group.kind() != wanted_kind {
        return None;
    }
    Some(PaceCandidate {
        algorithm,
        parameter_id,
        group,
        // ICAO 9303-11 §4.4.4.1: the parameter id is required when the chip offers several
        // domain parameters; some chips (6A87 without it) want it always. A refusal retries
        // with the other convention.
        send_parameter_id: parameter_id.is_some() && several,
        toggled: false,
    })
}

/// What the session does after a PACE reply.
pub enum PaceProgress {
    /// Send this command next.
    Next(Box<PaceRun>, Vec<u8>),
    /// The chip refused the protocol at MSE:Set AT: try `retry` (the same protocol with the
    /// other parameter-id convention) or, if `None`, the next candidate.
    Unsupported {
        /// The retry to attempt.
        retry: Option<PaceCandidate>,
    },
    /// PACE failed after the chip accepted the protocol: the error to report.
    Failed(Error),
    /// PACE succeeded.
    Done(PaceDone),
}

/// A successful PACE.
pub struct PaceDone {
    /// The secure channel (SSC 0).
    pub sm: SecureMessaging,
    /// PACE-CAM's public values, when the mapping was CAM.
    pub cam: Option<PaceCamEvidence>,
    /// The protocol that ran.
    pub candidate: PaceCandidate,
}

/// How many times one PACE run starts again because a DH value had an ambiguous encoding
/// ([`PaceTokens::has_ambiguous_dh_encoding`], about 1 run in 128 each time). After that the
/// token is sent with the ICAO (PKCS #3) encoding.
const MAX_DH_ENCODING_RESTARTS: u8 = 3;

/// PACE in progress: the candidate and the typestate of [`crate::access::pace`].
pub struct PaceRun {
    candidate: PaceCandidate,
    state: RunState,
    /// The unstarted terminal (parameters and K_π), to start again with fresh keys.
    fresh: Pace,
    restarts_left: u8,
}

enum RunState {
    Mse(PaceMse),
    Nonce(PaceNonce),
    Mapping(PaceMapping),
    Agreement(PaceAgreement),
    Tokens(PaceTokens),
}

impl PaceRun {
    /// MSE:Set AT for `candidate` with the password of `key`.
    pub fn start(candidate: PaceCandidate, key: &AccessKey) -> Result<(PaceRun, Vec<u8>), Error> {
        let password = match key {
            AccessKey::Mrz(mrz) => PacePassword::mrz(mrz),
            AccessKey::Can(can) => PacePassword::can(can.digits()),
        };
        let params = PaceParams {
            algorithm: candidate.algorithm,
            parameter_id: candidate
                .parameter_id
                .filter(|_| candidate.send_parameter_id),
            group: candidate.group.clone(),
        };
        let fresh = Pace::new(params, &password).map_err(Error::from)?;
        let (command, mse) = fresh.clone().start();
        Ok((
            PaceRun {
                candidate,
                state: RunState::Mse(mse),
                fresh,
                restarts_left: MAX_DH_ENCODING_RESTARTS,
            },
            command,
        ))
    }

    /// Feeds the chip's reply (plain, data ‖ SW1 SW2) to the last PACE command.
    pub fn on_reply(self, reply: &[u8], rng: &mut dyn CryptoRng) -> PaceProgress {
        let PaceRun {
            candidate,
            state,
            fresh,
            restarts_left,
        } = self;
        let next = |state: RunState, command: Vec<u8>, candidate: PaceCandidate| {
            PaceProgress::Next(
                Box::new(PaceRun {
                    candidate,
                    state,
                    fresh: fresh.clone(),
                    restarts_left,
                }),
                command,
            )
        };
        match state {
            RunState::Mse(s) => match s.respond(reply) {
                Ok((command, s)) => next(RunState::Nonce(s), command, candidate),
                Err(PaceError::Rejected {
                    step: PaceStep::MseSetAt,
                    ..
                }) => PaceProgress::Unsupported {
                    retry: candidate.toggled(),
                },
                Err(e) => PaceProgress::Failed(e.into()),
            },
            RunState::Nonce(s) => {
                let secret = s.generate_mapping_secret(rng);
                match s.respond(reply, secret) {
                    Ok((command, s)) => next(RunState::Mapping(s), command, candidate),
                    Err(e) => PaceProgress::Failed(e.into()),
                }
            }
            RunState::Mapping(s) => {
                let ephemeral = s.generate_ephemeral_key(rng);
                match s.respond(reply, ephemeral) {
                    Ok((command, s)) => next(RunState::Agreement(s), command, candidate),
                    Err(e) => PaceProgress::Failed(e.into()),
                }
            }
            RunState::Agreement(s) => match s.respond(reply) {
                Ok((_, tokens)) if tokens.has_ambiguous_dh_encoding() && restarts_left > 0 => {
                    // Not sending a token the chip may compute over other bytes: MSE:Set AT
                    // again (chips accept it at any step), with fresh keys.
                    let (command, mse) = fresh.clone().start();
                    PaceProgress::Next(
                        Box::new(PaceRun {
                            candidate,
                            state: RunState::Mse(mse),
                            fresh,
                            restarts_left: restarts_left - 1,
                        }),
                        command,
                    )
                }
                Ok((command, s)) => next(RunState::Tokens(s), command, candidate),
                Err(e) => PaceProgress::Failed(e.into()),
            },
            RunState::Tokens(s) => match s.finish(reply) {
                Ok(outcome) => PaceProgress::Done(PaceDone {
                    cam: outcome.cam_data.as_ref().map(|cam| PaceCamEvidence {
                        parameter_id: candidate.parameter_id,
                        chip_mapping_public_key: cam.chip_mapping_public().to_vec(),
                        ca_ic: cam.ca_ic().to_vec(),
                    }),
                    sm: outcome.sm,
                    candidate,
                }),
                Err(e) => PaceProgress::Failed(e.into()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card_access(name: &str) -> SecurityInfos {
        let path = format!(
            "{}/../fixtures/data/securityinfos/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        SecurityInfos::parse(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn explicit_pace_domain_parameters_give_the_group() {
        // A BSI test card whose PACEInfo has no parameterId and whose only PACEDomainParameterInfo
        // holds explicit parameters: brainpoolP256r1's field and order with another base point.
        let infos = card_access("bsi_ef_cardaccess_old_testcard.bin");
        let candidates = pace_candidates(&infos);
        assert_eq!(candidates.len(), 1);
        let standard = Group::standardized(13).unwrap();
        let group = &candidates[0].group;
        assert_eq!(group.order(), standard.order());
        assert_eq!(group.field_len(), 32);
        assert_ne!(group.generator(), standard.generator());
        assert_eq!(candidates[0].parameter_id, None);
        assert!(!candidates[0].send_parameter_id);
    }

    #[test]
    fn candidates_prefer_cam_then_gm_then_im_and_send_the_id_when_several() {
        let infos = card_access("gmrtd_EF_CardAccess_DE.bin");
        let candidates = pace_candidates(&infos);
        let mappings: Vec<&str> = candidates.iter().map(PaceCandidate::mapping_name).collect();
        let mut sorted = mappings.clone();
        sorted.sort_by_key(|m| match *m {
            "CAM" => 0,
            "GM" => 1,
            _ => 2,
        });
        assert_eq!(mappings, sorted);
        let several = infos.pace.len() > 1;
        assert!(
            candidates
                .iter()
                .all(|c| c.send_parameter_id == (several && c.parameter_id.is_some()))
        );
    }
}
