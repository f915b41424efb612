//! The terminal's PACE state machine (ICAO 9303-11 §4.4.4), sans-IO.
//!
//! Each state holds what the next reply needs and is consumed by its `respond`, which checks the
//! reply and returns the next command with the next state; the last, [`PaceTokens::finish`],
//! returns the [`PaceOutcome`]. The caller supplies the randomness at the step that needs it
//! ([`MappingSecret`], the ephemeral [`PrivateKey`]) and can draw it with the helpers
//! ([`PaceNonce::generate_mapping_secret`], [`PaceMapping::generate_ephemeral_key`]) from its
//! injected RNG; tests pass the worked examples' values instead.
//!
//! Secrets (the nonce s, the private keys, the shared secret, the session keys) live in
//! zeroizing containers and are never shown by `Debug`.

use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::apdu::{self, AuthData, tag};
use super::cam::CamData;
use super::{
    Mapping, PaceAlgorithm, PaceError, PacePassword, PaceStep, SessionKeys, Token, decrypt_nonce,
    integrated_mapping, integrated_mapping_nonce_lengths,
};
use crate::crypto::DerivedKey;
use crate::crypto::ka::{Group, GroupKind, KaError, PrivateKey};
use crate::sm::SecureMessaging;

/// What PACE starts from: the protocol and domain parameters of one `PACEInfo` of
/// EF.CardAccess (mapped by the caller; standardized parameters via `Group::standardized`).
#[derive(Debug, Clone)]
pub struct PaceParams {
    /// The PACE protocol (OID of the `PACEInfo`).
    pub algorithm: PaceAlgorithm,
    /// `Some(id)` sends `84 01 id` in MSE:Set AT; `None` leaves it out. The standardized
    /// domain parameter id of the `PACEInfo` belongs here, but some chips answer 6A87 with it
    /// and others without it, so the caller decides (ICAO 9303-11 makes `84` conditional).
    pub parameter_id: Option<u8>,
    /// The domain parameters (static group) PACE maps from.
    pub group: Group,
}

/// The terminal's mapping input of GENERAL AUTHENTICATE step 2.
pub enum MappingSecret {
    /// Generic Mapping and PACE-CAM: the terminal's mapping private key on the static group.
    Key(PrivateKey),
    /// Integrated Mapping: the terminal's nonce t, as long as a key of the PACE cipher.
    Nonce(Zeroizing<Vec<u8>>),
}

impl core::fmt::Debug for MappingSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            MappingSecret::Key(_) => f.write_str("MappingSecret::Key(<redacted>)"),
            MappingSecret::Nonce(_) => f.write_str("MappingSecret::Nonce(<redacted>)"),
        }
    }
}

impl MappingSecret {
    /// A fresh mapping secret of the kind `algorithm` needs: a private key on `group` (GM,
    /// CAM) or a random nonce t of the cipher's key length (IM).
    pub fn generate(algorithm: PaceAlgorithm, group: &Group, rng: &mut dyn CryptoRng) -> Self {
        match algorithm.mapping() {
            Mapping::Generic | Mapping::ChipAuthentication => {
                MappingSecret::Key(group.generate(rng))
            }
            Mapping::Integrated => {
                let (_, t_len) = integrated_mapping_nonce_lengths(algorithm.cipher());
                let mut t = Zeroizing::new(vec![0u8; t_len]);
                rng.fill_bytes(&mut t);
                MappingSecret::Nonce(t)
            }
        }
    }
}

/// Start of PACE: the parameters and K_π. Reusable (cloneable) to restart after a tag loss.
#[derive(Clone)]
pub struct Pace {
    params: PaceParams,
    password_ref: u8,
    k_pi: DerivedKey,
}

impl core::fmt::Debug for Pace {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pace")
            .field("algorithm", &self.params.algorithm)
            .field("parameter_id", &self.params.parameter_id)
            .field("password_ref", &self.password_ref)
            .finish_non_exhaustive()
    }
}

impl Pace {
    /// Prepares PACE with `params` and `password` (K_π = KDF(π, 3) is derived here). The group
    /// must be of the protocol's kind (EC for ECDH, DH for DH), else
    /// [`PaceError::GroupMismatch`].
    pub fn new(params: PaceParams, password: &PacePassword) -> Result<Self, PaceError> {
        let wanted = match params.algorithm.key_agreement() {
            super::KeyAgreement::Ecdh => GroupKind::Ec,
            super::KeyAgreement::Dh => GroupKind::Dh,
        };
        if params.group.kind() != wanted {
            return Err(PaceError::GroupMismatch);
        }
        Ok(Self {
            k_pi: password.k_pi(params.algorithm.cipher()),
            password_ref: password.reference(),
            params,
        })
    }

    /// K_π, for tests against the worked examples.
    pub fn k_pi(&self) -> &DerivedKey {
        &self.k_pi
    }

    /// The parameters PACE runs with.
    pub fn params(&self) -> &PaceParams {
        &self.params
    }

    /// MSE:Set AT (`00 22 C1 A4 …`) and the state waiting for its reply.
    pub fn start(self) -> (Vec<u8>, PaceMse) {
        let apdu = apdu::mse_set_at(
            self.params.algorithm,
            self.password_ref,
            self.params.parameter_id,
        );
        (apdu, PaceMse { pace: self })
    }
}

/// Waiting for the reply to MSE:Set AT.
#[derive(Debug)]
pub struct PaceMse {
    pace: Pace,
}

impl PaceMse {
    /// Checks the MSE:Set AT reply (9000, no data expected; data is ignored) and returns GENERAL
    /// AUTHENTICATE step 1 (`10 86 00 00 02 7C 00 00`) asking for the encrypted nonce. A refusal
    /// is [`PaceError::Rejected`] at [`PaceStep::MseSetAt`] (6A80 / 6A87 / 6A88: parameters not
    /// accepted — e.g. retry with or without the parameter id).
    pub fn respond(self, response: &[u8]) -> Result<(Vec<u8>, PaceNonce), PaceError> {
        apdu::split_ok(response, PaceStep::MseSetAt)?;
        Ok((
            apdu::general_authenticate(&[], false),
            PaceNonce { pace: self.pace },
        ))
    }
}

/// Waiting for the encrypted nonce (GENERAL AUTHENTICATE step 1).
#[derive(Debug)]
pub struct PaceNonce {
    pace: Pace,
}

impl PaceNonce {
    /// The mapping of the protocol, i.e. which [`MappingSecret`] [`PaceNonce::respond`] needs.
    pub fn mapping(&self) -> Mapping {
        self.pace.params.algorithm.mapping()
    }

    /// A fresh mapping secret of the right kind, drawn from `rng`.
    pub fn generate_mapping_secret(&self, rng: &mut dyn CryptoRng) -> MappingSecret {
        MappingSecret::generate(self.pace.params.algorithm, &self.pace.params.group, rng)
    }

    /// Decrypts the nonce s from `7C { 80 z }` with K_π and returns GENERAL AUTHENTICATE step 2
    /// with the terminal's mapping data in `81`: the public key of the mapping key (GM, CAM), or
    /// the nonce t in clear (IM; the mapped generator is computed here from R_p(s, t)).
    ///
    /// `secret` must be of the mapping's kind and, for IM, t must be a cipher key long
    /// ([`PaceError::BadInput`]).
    pub fn respond(
        self,
        response: &[u8],
        secret: MappingSecret,
    ) -> Result<(Vec<u8>, PaceMapping), PaceError> {
        let step = PaceStep::Nonce;
        let data = apdu::split_ok(response, step)?;
        let objects = AuthData::parse(data, step)?;
        let z = objects.require(tag::ENCRYPTED_NONCE, step, "no encrypted nonce (80)")?;
        let nonce = decrypt_nonce(&self.pace.k_pi, z)?;

        let algorithm = self.pace.params.algorithm;
        let group = &self.pace.params.group;
        let (terminal_data, kind) = match (algorithm.mapping(), secret) {
            (Mapping::Generic | Mapping::ChipAuthentication, MappingSecret::Key(sk)) => {
                (group.public_key(&sk), MappingState::Generic { sk })
            }
            (Mapping::Integrated, MappingSecret::Nonce(t)) => {
                let (s_len, t_len) = integrated_mapping_nonce_lengths(algorithm.cipher());
                if t.len() != t_len {
                    return Err(PaceError::BadInput(
                        "Integrated Mapping nonce t must be one cipher key long",
                    ));
                }
                if nonce.len() != s_len {
                    return Err(PaceError::malformed(
                        step,
                        "nonce length does not fit Integrated Mapping",
                    ));
                }
                let mapped = integrated_mapping(group, algorithm.cipher(), &nonce, &t)?;
                (t.to_vec(), MappingState::Integrated { mapped })
            }
            _ => {
                return Err(PaceError::BadInput(
                    "mapping secret of the wrong kind for this PACE mapping",
                ));
            }
        };
        let apdu = apdu::general_authenticate(&[(tag::MAPPING_TERMINAL, &terminal_data)], false);
        Ok((
            apdu,
            PaceMapping {
                pace: self.pace,
                nonce,
                terminal_data,
                state: kind,
            },
        ))
    }
}

fn mapping_error(e: KaError) -> PaceError {
    match e {
        KaError::InvalidPublicKey(detail) => PaceError::InvalidChipKey {
            step: PaceStep::Mapping,
            detail,
        },
        other => PaceError::MappingFailed(other.to_string()),
    }
}

enum MappingState {
    Generic { sk: PrivateKey },
    Integrated { mapped: Group },
}

/// Waiting for the chip's mapping data (GENERAL AUTHENTICATE step 2).
pub struct PaceMapping {
    pace: Pace,
    nonce: Zeroizing<Vec<u8>>,
    terminal_data: Vec<u8>,
    state: MappingState,
}

impl core::fmt::Debug for PaceMapping {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PaceMapping")
            .field("pace", &self.pace)
            .finish_non_exhaustive()
    }
}

impl PaceMapping {
    /// The decrypted nonce s, for tests against the worked examples.
    pub fn nonce(&self) -> &[u8] {
        &self.nonce
    }

    /// What the terminal sent in `81`: its mapping public key (GM, CAM) or the nonce t (IM).
    pub fn terminal_mapping_data(&self) -> &[u8] {
        &self.terminal_data
    }

    /// A fresh ephemeral private key for step 3, drawn from `rng`. The mapped group has the
    /// order of the static one, so the key is drawn there.
    pub fn generate_ephemeral_key(&self, rng: &mut dyn CryptoRng) -> PrivateKey {
        self.pace.params.group.generate(rng)
    }

    /// Completes the mapping and returns GENERAL AUTHENTICATE step 3 with the terminal's
    /// ephemeral public key `83` on the mapped generator.
    ///
    /// GM / CAM: the reply must be `7C { 82 PK_map,IC }`; the key is validated
    /// ([`PaceError::InvalidChipKey`]) and G' = s·G + sk_map·PK_map,IC. IM: the reply carries no
    /// mapping data (`7C 00`, or nothing). `ephemeral` is the terminal's ephemeral private key
    /// (see [`PaceMapping::generate_ephemeral_key`]).
    pub fn respond(
        self,
        response: &[u8],
        ephemeral: PrivateKey,
    ) -> Result<(Vec<u8>, PaceAgreement), PaceError> {
        let step = PaceStep::Mapping;
        let data = apdu::split_ok(response, step)?;
        let (mapped, chip_mapping_public) = match self.state {
            MappingState::Generic { sk } => {
                let objects = AuthData::parse(data, step)?;
                let chip = objects.require(tag::MAPPING_CHIP, step, "no chip mapping data (82)")?;
                let mapped = self
                    .pace
                    .params
                    .group
                    .map_generic(&self.nonce, &sk, chip)
                    .map_err(mapping_error)?;
                (mapped, Some(chip.to_vec()))
            }
            MappingState::Integrated { mapped } => {
                if !data.is_empty() && !AuthData::parse(data, step)?.is_empty() {
                    return Err(PaceError::malformed(
                        step,
                        "unexpected chip mapping data for Integrated Mapping",
                    ));
                }
                (mapped, None)
            }
        };
        let public = mapped.public_key(&ephemeral);
        let apdu = apdu::general_authenticate(&[(tag::EPHEMERAL_TERMINAL, &public)], false);
        Ok((
            apdu,
            PaceAgreement {
                pace: self.pace,
                mapped,
                chip_mapping_public,
                ephemeral,
                terminal_public: public,
            },
        ))
    }
}

/// Waiting for the chip's ephemeral public key (GENERAL AUTHENTICATE step 3).
pub struct PaceAgreement {
    pace: Pace,
    mapped: Group,
    chip_mapping_public: Option<Vec<u8>>,
    ephemeral: PrivateKey,
    terminal_public: Vec<u8>,
}

impl core::fmt::Debug for PaceAgreement {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PaceAgreement")
            .field("pace", &self.pace)
            .finish_non_exhaustive()
    }
}

impl PaceAgreement {
    /// The mapped group (its generator is G' / g'), for tests against the worked examples.
    pub fn mapped_group(&self) -> &Group {
        &self.mapped
    }

    /// The chip's mapping public key PK_map,IC (GM, CAM), as received.
    pub fn chip_mapping_public(&self) -> Option<&[u8]> {
        self.chip_mapping_public.as_deref()
    }

    /// The terminal's ephemeral public key as sent in `83`.
    pub fn terminal_ephemeral_public(&self) -> &[u8] {
        &self.terminal_public
    }

    /// Takes the chip's ephemeral public key from `7C { 84 PK_IC }`, checks it (valid in the
    /// mapped group, [`PaceError::InvalidChipKey`]; different from ours,
    /// [`PaceError::SameEphemeralKey`]), derives K, KS_enc and KS_mac, and returns the last
    /// GENERAL AUTHENTICATE (`00 86 …`, no chaining) with the terminal's token `85` T_IFD,
    /// computed over the chip's key.
    pub fn respond(self, response: &[u8]) -> Result<(Vec<u8>, PaceTokens), PaceError> {
        let step = PaceStep::KeyAgreement;
        let data = apdu::split_ok(response, step)?;
        let objects = AuthData::parse(data, step)?;
        let chip = objects.require(tag::EPHEMERAL_CHIP, step, "no chip ephemeral key (84)")?;
        self.mapped
            .check_public(chip)
            .map_err(|e| PaceError::InvalidChipKey {
                step,
                detail: match e {
                    KaError::InvalidPublicKey(d) => d,
                    other => other.to_string(),
                },
            })?;
        if chip == self.terminal_public.as_slice() {
            return Err(PaceError::SameEphemeralKey);
        }
        let shared = self
            .mapped
            .shared_secret(&self.ephemeral, chip)
            .map_err(|e| PaceError::InvalidChipKey {
                step,
                detail: e.to_string(),
            })?;
        let algorithm = self.pace.params.algorithm;
        let keys = SessionKeys::derive(algorithm.cipher(), shared.expose());
        let terminal_token = keys.token(algorithm, chip);
        let apdu = apdu::general_authenticate(&[(tag::TOKEN_TERMINAL, &terminal_token)], true);
        Ok((
            apdu,
            PaceTokens {
                algorithm,
                group: self.pace.params.group,
                chip_mapping_public: self.chip_mapping_public,
                terminal_public: self.terminal_public,
                chip_public: chip.to_vec(),
                shared_secret: Zeroizing::new(shared.expose().to_vec()),
                keys,
                terminal_token,
            },
        ))
    }
}

/// Waiting for the chip's token (GENERAL AUTHENTICATE step 4).
pub struct PaceTokens {
    algorithm: PaceAlgorithm,
    group: Group,
    chip_mapping_public: Option<Vec<u8>>,
    terminal_public: Vec<u8>,
    chip_public: Vec<u8>,
    shared_secret: Zeroizing<Vec<u8>>,
    keys: SessionKeys,
    terminal_token: Token,
}

impl core::fmt::Debug for PaceTokens {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PaceTokens")
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl PaceTokens {
    /// The shared secret K, for tests against the worked examples.
    pub fn shared_secret(&self) -> &[u8] {
        &self.shared_secret
    }

    /// KS_enc and KS_mac, for tests against the worked examples.
    pub fn session_keys(&self) -> &SessionKeys {
        &self.keys
    }

    /// The token T_IFD the terminal sent.
    pub fn terminal_token(&self) -> &Token {
        &self.terminal_token
    }

    /// The chip's ephemeral public key.
    pub fn chip_ephemeral_public(&self) -> &[u8] {
        &self.chip_public
    }

    /// Whether this DH run has a value whose encoding chips disagree on, so the token is
    /// better not sent: the shared secret K or our ephemeral public key starts with a zero
    /// byte. PKCS #3 §8.3 (which ICAO 9303-11 follows) makes K an octet string as long as p,
    /// and our keys travel padded to |p|; OpenPACE (OpenSSL's `DH_compute_key`, `BN_bn2bin`)
    /// strips leading zeros from K and re-encodes our key minimally for T_IC. Either way the
    /// two sides would derive different session keys or tokens (about 1 run in 128, seen as a
    /// `6300` from OpenPACE). When neither value starts with zero, both conventions give the
    /// same bytes, so a terminal that restarts PACE with fresh keys in this case
    /// ([`crate::reader`] does) works with chips of either kind. ECDH has no such case: K and
    /// the points are fixed-length field elements everywhere.
    pub fn has_ambiguous_dh_encoding(&self) -> bool {
        self.algorithm.key_agreement() == super::KeyAgreement::Dh
            && (self.shared_secret.first() == Some(&0) || self.terminal_public.first() == Some(&0))
    }

    /// Checks the last reply `7C { 86 T_IC [87 CAR] [88 CAR'] [8A A_IC] }` and opens secure
    /// messaging.
    ///
    /// - A refusal here (6300, 63Cx, …) is [`PaceError::Rejected`] at [`PaceStep::Token`]: the
    ///   chip's check of T_IFD failed, i.e. the password was wrong.
    /// - T_IC is checked in constant time over the terminal's ephemeral key:
    ///   [`PaceError::TokenMismatch`].
    /// - PACE-CAM: `8A` is required ([`PaceError::CamDataMissing`]) and decrypted; the caller
    ///   checks it against EF.CardSecurity with [`CamData::verify`] once that file has passed
    ///   passive authentication.
    pub fn finish(self, response: &[u8]) -> Result<PaceOutcome, PaceError> {
        let step = PaceStep::Token;
        let data = apdu::split_ok(response, step)?;
        let objects = AuthData::parse(data, step)?;
        let token = objects.require(tag::TOKEN_CHIP, step, "no chip token (86)")?;
        if !self
            .keys
            .verify_token(self.algorithm, &self.terminal_public, token)
        {
            return Err(PaceError::TokenMismatch);
        }
        let cam_data = if self.algorithm.mapping() == Mapping::ChipAuthentication {
            let encrypted = objects
                .get(tag::CHIP_AUTH_DATA)
                .ok_or(PaceError::CamDataMissing)?;
            let ca_ic = self.keys.decrypt_chip_auth_data(encrypted)?;
            let chip_mapping_public = self.chip_mapping_public.ok_or(PaceError::CamDataMissing)?;
            Some(CamData::new(ca_ic, chip_mapping_public, self.group))
        } else {
            None
        };
        Ok(PaceOutcome {
            sm: self.keys.secure_messaging(),
            algorithm: self.algorithm,
            chip_ephemeral_public: self.chip_public,
            cam_data,
            keys: self.keys,
        })
    }
}

/// The result of a successful PACE run.
#[derive(Debug)]
pub struct PaceOutcome {
    /// Secure messaging with KS_enc / KS_mac and SSC = 0, in the protocol's suite.
    pub sm: SecureMessaging,
    /// The protocol that ran.
    pub algorithm: PaceAlgorithm,
    /// The chip's ephemeral public key: chip authentication (CA v1 keys, ID_PICC of TA) needs
    /// it.
    pub chip_ephemeral_public: Vec<u8>,
    /// PACE-CAM only: the decrypted chip-authentication data, to check against EF.CardSecurity.
    pub cam_data: Option<CamData>,
    keys: SessionKeys,
}

impl PaceOutcome {
    /// The session keys `sm` was built from, for tests against the worked examples.
    pub fn session_keys(&self) -> &SessionKeys {
        &self.keys
    }
}
