//! Chip Authentication, terminal side (ICAO 9303-11 §6.2; BSI TR-03110-3 §3.4 for version 2),
//! sans-IO.
//!
//! Passive authentication proves DG14 is the issuer's; chip authentication proves the chip
//! holds the private key of DG14's public key, so a copied chip fails. The terminal sends an
//! ephemeral public key, both sides compute K = KA(sk, PK_peer), and secure messaging restarts
//! with keys derived from K: only the genuine chip can answer the next command, so the proof is
//! the first reply that verifies under the new keys (the caller's job: see below).
//!
//! ```text
//! let ca = ChipAuthentication::from_security_infos(&dg14.infos)?;  // protocol, key, group
//! let (apdu, pending) = ca.start(rng)?;                           // MSE:Set KAT or MSE:Set AT
//! send sm.protect(&apdu) → reply → pending.finish(&sm.unprotect(reply)?)?
//!   = CaNext::Established(keys)                                   // KAT: done
//!   | CaNext::GeneralAuthenticate(apdu, pending)                  // AT: send GA (7C 80 PK)
//!       send sm.protect(&apdu) → reply → pending.finish(&sm.unprotect(reply)?)? = keys
//! sm = keys.secure_messaging()? (SSC 0); the next reply's MAC under it is the proof
//! ```
//!
//! The commands go over the *current* secure messaging: this module returns plain command bytes
//! and takes plain replies (`data ‖ SW1 SW2` as unwrapped by [`crate::sm::SecureMessaging::unprotect`]).
//!
//! Which protocol and commands ([`ChipAuthentication::from_security_infos`]):
//! - a ChipAuthenticationInfo (version 1 or 2, a known id-CA-… OID) with the
//!   ChipAuthenticationPublicKeyInfo of its kind and keyId; ECDH before DH, then the stronger
//!   cipher;
//! - no ChipAuthenticationInfo at all (older chips; the FR trace): 3DES inferred from the first
//!   key's kind, as gmrtd and JMRTD do;
//! - 3DES uses MSE:Set KAT (`00 22 41 A6`, `91` ephemeral key, `84` keyId); AES uses MSE:Set AT
//!   (`00 22 41 A4`, `80` protocol OID, `84` keyId) and GENERAL AUTHENTICATE (`7C { 80 key }`).
//!   A chip that wants Set AT with 3DES too (the MY trace) is served by
//!   [`ChipAuthentication::with_commands`].
//!
//! Encodings, as the real traces pin them: the keyId in `84` is its minimal unsigned big-endian
//! value (`84 01 C3` for keyId 195, which DG14 stores as INTEGER `00C3`); an EC ephemeral key is
//! `04‖X‖Y`; a DH ephemeral key is the plain value y left-padded to |p| (in DG14 a DH key is a
//! DER INTEGER inside the BIT STRING, never on the wire).

mod chip;
mod keys;

pub use chip::{CaCommand, chip_session_keys, parse_command};
pub use keys::{CaCipher, CaSessionKeys, TOKEN_LEN, public_key_data_object};

use rand_core::CryptoRng;

use crate::access::security_info::{
    ChipAuthenticationInfo, ChipAuthenticationPublicKeyInfo, SecurityInfos, oid,
};
use crate::codec::CommandApdu;
use crate::codec::tlv::{Tlv, encode};
use crate::crypto::ka::{Group, GroupKind, KaError, SharedSecret};
use crate::error::{Error, ErrorCode};

/// Why chip authentication failed or could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChipAuthError {
    /// The SecurityInfos offer no chip authentication this terminal can run (no key, an unknown
    /// protocol or version, a keyId without its key).
    #[error("no usable chip authentication: {0}")]
    NotOffered(String),
    /// The chip's static public key or its domain parameters are unusable (off the curve,
    /// outside the group, unparseable).
    #[error("chip authentication public key is unusable: {0}")]
    BadChipKey(String),
    /// The chip refused a command (6A80 wrong data, 6A88 key not found, 6982, …).
    #[error("chip refused {command} with status {sw:04X}")]
    Rejected {
        /// Which command.
        command: &'static str,
        /// The status word.
        sw: u16,
    },
    /// The CA version 2 authentication token does not verify: the chip does not hold the key.
    #[error("chip authentication token does not verify")]
    TokenMismatch,
    /// A reply that is not what the protocol allows.
    #[error("chip authentication reply is malformed: {0}")]
    Malformed(String),
    /// A caller-supplied ephemeral private key is out of range.
    #[error("terminal ephemeral key is invalid: {0}")]
    BadEphemeralKey(KaError),
    /// Should not happen: a key or OID of our own making was refused by a primitive.
    #[error("chip authentication internal error: {0}")]
    Internal(String),
}

impl From<ChipAuthError> for Error {
    fn from(e: ChipAuthError) -> Self {
        let code = match &e {
            ChipAuthError::NotOffered(_) => ErrorCode::Unsupported,
            ChipAuthError::BadChipKey(_)
            | ChipAuthError::Rejected { .. }
            | ChipAuthError::TokenMismatch => ErrorCode::CaFailed,
            ChipAuthError::Malformed(_) => ErrorCode::ChipProtocol,
            ChipAuthError::BadEphemeralKey(_) | ChipAuthError::Internal(_) => ErrorCode::Usage,
        };
        Error::new(code, e.to_string())
    }
}

/// Which commands carry the terminal's ephemeral key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaCommands {
    /// MSE:Set KAT (`00 22 41 A6`): key and keyId in one command (ICAO 9303-11 for 3DES).
    SetKat,
    /// MSE:Set AT (`00 22 41 A4`) then GENERAL AUTHENTICATE (`00 86 00 00`) (AES, CA v2).
    SetAtGeneralAuthenticate,
}

/// A chip authentication ready to run: protocol, chip key and group, chosen from the
/// SecurityInfos of DG14 (or EF.CardSecurity).
#[derive(Debug, Clone)]
pub struct ChipAuthentication {
    protocol: &'static str,
    kind: GroupKind,
    cipher: CaCipher,
    version: u32,
    key_id: Option<u32>,
    inferred: bool,
    group: Group,
    chip_public_key: Vec<u8>,
    commands: CaCommands,
}

impl ChipAuthentication {
    /// Chooses the protocol and key from SecurityInfos (see the module documentation) and
    /// checks the chip's public key against its domain parameters.
    pub fn from_security_infos(infos: &SecurityInfos) -> Result<Self, ChipAuthError> {
        if infos.chip_authentication.is_empty() {
            let key = infos
                .chip_authentication_public_keys
                .iter()
                .find(|k| key_kind(k).is_some())
                .ok_or_else(|| {
                    ChipAuthError::NotOffered("no chip authentication public key".into())
                })?;
            let kind = key_kind(key).ok_or_else(|| ChipAuthError::Internal("kind".into()))?;
            let mut ca = Self::with_key(infos, key, CaCipher::Tdes.protocol(kind), 1, key.key_id)?;
            ca.inferred = true;
            return Ok(ca);
        }
        let mut best: Option<(
            u32,
            &ChipAuthenticationInfo,
            &ChipAuthenticationPublicKeyInfo,
        )> = None;
        let mut reasons = Vec::new();
        for info in &infos.chip_authentication {
            match usable(infos, info) {
                Ok((rank, key)) => {
                    if best.is_none_or(|(r, _, _)| rank > r) {
                        best = Some((rank, info, key));
                    }
                }
                Err(why) => reasons.push(why),
            }
        }
        let (_, info, key) = best.ok_or_else(|| ChipAuthError::NotOffered(reasons.join("; ")))?;
        let protocol = known_protocol(&info.protocol)
            .ok_or_else(|| ChipAuthError::Internal("protocol".into()))?;
        Self::with_key(infos, key, protocol, info.version, info.key_id)
    }

    fn with_key(
        infos: &SecurityInfos,
        key: &ChipAuthenticationPublicKeyInfo,
        protocol: &'static str,
        version: u32,
        key_id: Option<u32>,
    ) -> Result<Self, ChipAuthError> {
        let (kind, cipher) = CaCipher::from_protocol(protocol)
            .ok_or_else(|| ChipAuthError::Internal(format!("protocol {protocol}")))?;
        let group = key_group(infos, key)?;
        if group.kind() != kind {
            return Err(ChipAuthError::BadChipKey(format!(
                "{protocol} with a {:?} key",
                group.kind()
            )));
        }
        let chip_public_key = encoded_public_key(&group, &key.public_key.public_key)?;
        Ok(Self {
            protocol,
            kind,
            cipher,
            version,
            key_id,
            inferred: false,
            group,
            chip_public_key,
            commands: default_commands(cipher, version),
        })
    }

    /// The chip authentication protocol OID (id-CA-…), dotted.
    pub fn protocol(&self) -> &'static str {
        self.protocol
    }

    /// The secure-messaging cipher the session switches to.
    pub fn cipher(&self) -> CaCipher {
        self.cipher
    }

    /// The ChipAuthenticationInfo version (1 = DG14 CA without a nonce, 2 = TR-03110 CA v2).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The keyId sent in `84`, if any.
    pub fn key_id(&self) -> Option<u32> {
        self.key_id
    }

    /// Whether the protocol was inferred from the key (no ChipAuthenticationInfo).
    pub fn inferred(&self) -> bool {
        self.inferred
    }

    /// The chip key's group.
    pub fn group(&self) -> &Group {
        &self.group
    }

    /// The chip's static public key, encoded as [`Group`] expects (EC `04‖X‖Y`, DH padded y).
    pub fn chip_public_key(&self) -> &[u8] {
        &self.chip_public_key
    }

    /// The commands that will be sent.
    pub fn commands(&self) -> CaCommands {
        self.commands
    }

    /// Overrides the commands (a chip that wants MSE:Set AT + GA with 3DES).
    #[must_use]
    pub fn with_commands(mut self, commands: CaCommands) -> Self {
        self.commands = commands;
        self
    }

    /// Starts with a fresh ephemeral key drawn from `rng`: returns the first plain command
    /// (MSE:Set KAT or MSE:Set AT) and the state that checks its reply.
    ///
    /// DH: a key whose public value or shared secret K starts with a zero byte is drawn again
    /// (at most 8 draws). Chips disagree on how such values are encoded — ICAO/PKCS #3 pad K
    /// to |p|, OpenSSL-based chips strip the zero (see
    /// [`crate::access::pace::terminal::PaceTokens::has_ambiguous_dh_encoding`]) — and the
    /// chip's key is known here in advance, so the ambiguity costs one more modular
    /// exponentiation instead of a failed authentication.
    pub fn start(
        &self,
        rng: &mut dyn CryptoRng,
    ) -> Result<(Vec<u8>, CaAwaitingMse), ChipAuthError> {
        const MAX_DRAWS: usize = 8;
        let mut draws = 0;
        loop {
            let sk = self.group.generate(rng);
            let (public, secret) = self.agree(&sk)?;
            draws += 1;
            let ambiguous = self.kind == GroupKind::Dh
                && (public.first() == Some(&0) || secret.expose().first() == Some(&0));
            if !ambiguous || draws >= MAX_DRAWS {
                return self.start_from(public, secret);
            }
        }
    }

    /// As [`ChipAuthentication::start`] with a given ephemeral private key (big-endian), for
    /// reproducing recorded sessions and worked examples.
    pub fn start_with_key(
        &self,
        ephemeral_private_key: &[u8],
    ) -> Result<(Vec<u8>, CaAwaitingMse), ChipAuthError> {
        let sk = self
            .group
            .private_key(ephemeral_private_key)
            .map_err(ChipAuthError::BadEphemeralKey)?;
        self.start_with(&sk)
    }

    fn start_with(
        &self,
        sk: &crate::crypto::ka::PrivateKey,
    ) -> Result<(Vec<u8>, CaAwaitingMse), ChipAuthError> {
        let (public, secret) = self.agree(sk)?;
        self.start_from(public, secret)
    }

    /// Our ephemeral public key and the shared secret with the chip's static key.
    fn agree(
        &self,
        sk: &crate::crypto::ka::PrivateKey,
    ) -> Result<(Vec<u8>, SharedSecret), ChipAuthError> {
        let public = self.group.public_key(sk);
        let secret = self
            .group
            .shared_secret(sk, &self.chip_public_key)
            .map_err(|e| ChipAuthError::BadChipKey(e.to_string()))?;
        Ok((public, secret))
    }

    fn start_from(
        &self,
        public: Vec<u8>,
        secret: SharedSecret,
    ) -> Result<(Vec<u8>, CaAwaitingMse), ChipAuthError> {
        let key_ref = self.key_id.map(|id| encode(0x84, &key_id_bytes(id)));
        let (command, what) = match self.commands {
            CaCommands::SetKat => {
                let mut data = encode(0x91, &public);
                data.extend(key_ref.unwrap_or_default());
                (apdu(0x22, 0x41, 0xA6, data, None)?, "MSE:Set KAT")
            }
            CaCommands::SetAtGeneralAuthenticate => {
                let oid = crate::asn1::oid_from_string(self.protocol)
                    .map_err(|e| ChipAuthError::Internal(e.to_string()))?;
                let mut data = encode(0x80, &oid);
                data.extend(key_ref.unwrap_or_default());
                (apdu(0x22, 0x41, 0xA4, data, None)?, "MSE:Set AT")
            }
        };
        Ok((
            command,
            CaAwaitingMse {
                what,
                run: Run {
                    protocol: self.protocol,
                    kind: self.kind,
                    cipher: self.cipher,
                    version: self.version,
                    public,
                    secret,
                },
            },
        ))
    }
}

/// What a running chip authentication carries from command to command.
#[derive(Debug)]
struct Run {
    protocol: &'static str,
    kind: GroupKind,
    cipher: CaCipher,
    version: u32,
    public: Vec<u8>,
    secret: SharedSecret,
}

/// After MSE:Set KAT / MSE:Set AT was sent. Consumed by [`CaAwaitingMse::finish`].
#[derive(Debug)]
pub struct CaAwaitingMse {
    what: &'static str,
    run: Run,
}

/// What follows a successful MSE.
#[derive(Debug)]
pub enum CaNext {
    /// MSE:Set KAT succeeded: switch to these keys' secure messaging
    /// ([`CaSessionKeys::secure_messaging`]) now.
    Established(CaSessionKeys),
    /// MSE:Set AT succeeded: send this GENERAL AUTHENTICATE, then finish with its reply.
    GeneralAuthenticate(Vec<u8>, CaAwaitingGa),
}

impl CaAwaitingMse {
    /// Checks the MSE reply (`9000`; any data is ignored). After MSE:Set KAT the new session
    /// keys are returned (KS = KDF(K, 1/2)); after MSE:Set AT the GENERAL
    /// AUTHENTICATE command `00 86 00 00 ‖ 7C { 80 ephemeral key } ‖ 00` follows.
    pub fn finish(self, reply: &[u8]) -> Result<CaNext, ChipAuthError> {
        split_ok(reply, self.what)?;
        if self.what == "MSE:Set KAT" {
            let keys = CaSessionKeys::derive(self.run.cipher, self.run.secret.expose(), None);
            return Ok(CaNext::Established(keys));
        }
        let data = encode(0x7C, &encode(0x80, &self.run.public));
        let command = apdu(0x86, 0x00, 0x00, data, Some(256))?;
        Ok(CaNext::GeneralAuthenticate(
            command,
            CaAwaitingGa { run: self.run },
        ))
    }
}

/// After GENERAL AUTHENTICATE was sent. Consumed by [`CaAwaitingGa::finish`].
#[derive(Debug)]
pub struct CaAwaitingGa {
    run: Run,
}

impl CaAwaitingGa {
    /// Checks the GENERAL AUTHENTICATE reply and returns the new session keys; switch to
    /// their [`CaSessionKeys::secure_messaging`] (SSC 0).
    ///
    /// Version 1: the reply is `7C 00` (or empty) and KS = KDF(K, 1/2). Version 2: it must carry
    /// the chip's nonce (`81`) and token (`82`); KS = KDF(K ‖ nonce, 1/2) and the token must
    /// equal MAC(KS_mac, `7F49 { 06 OID, 86/84 terminal key }`) — [`ChipAuthError::TokenMismatch`]
    /// otherwise.
    pub fn finish(self, reply: &[u8]) -> Result<CaSessionKeys, ChipAuthError> {
        let data = split_ok(reply, "GENERAL AUTHENTICATE")?;
        let (nonce, token) = if data.is_empty() {
            (None, None)
        } else {
            let dyn_auth = Tlv::parse_single(data, 0x7C)
                .map_err(|e| ChipAuthError::Malformed(format!("GENERAL AUTHENTICATE: {e}")))?;
            let nonce = dyn_auth
                .child(0x81)
                .map_err(|e| ChipAuthError::Malformed(e.to_string()))?;
            let token = dyn_auth
                .child(0x82)
                .map_err(|e| ChipAuthError::Malformed(e.to_string()))?;
            (nonce.map(|t| t.value), token.map(|t| t.value))
        };
        let run = self.run;
        if run.version < 2 {
            return Ok(CaSessionKeys::derive(run.cipher, run.secret.expose(), None));
        }
        let (Some(nonce), Some(token)) = (nonce, token) else {
            return Err(ChipAuthError::Malformed(
                "CA version 2 reply without nonce (81) and token (82)".into(),
            ));
        };
        if nonce.len() != TOKEN_LEN || token.len() != TOKEN_LEN {
            return Err(ChipAuthError::Malformed(
                "CA version 2 nonce or token is not 8 bytes".into(),
            ));
        }
        let keys = CaSessionKeys::derive(run.cipher, run.secret.expose(), Some(nonce));
        keys.verify_token(run.protocol, run.kind, &run.public, token)?;
        Ok(keys)
    }
}

/// `data` of a reply ending in 9000; another status word is [`ChipAuthError::Rejected`].
fn split_ok<'a>(reply: &'a [u8], command: &'static str) -> Result<&'a [u8], ChipAuthError> {
    let (data, sw) = reply
        .split_last_chunk::<2>()
        .ok_or_else(|| ChipAuthError::Malformed(format!("{command}: reply shorter than SW")))?;
    if *sw == [0x90, 0x00] {
        Ok(data)
    } else {
        Err(ChipAuthError::Rejected {
            command,
            sw: u16::from_be_bytes(*sw),
        })
    }
}

/// A plain command `00 INS P1 P2 Lc data [Le]`, extended when the data needs it (2048-bit DH).
fn apdu(
    ins: u8,
    p1: u8,
    p2: u8,
    data: Vec<u8>,
    le: Option<usize>,
) -> Result<Vec<u8>, ChipAuthError> {
    let extended = data.len() > 255;
    let mut cmd = CommandApdu::new(0x00, ins, p1, p2).with_data(data);
    if let Some(le) = le {
        cmd = cmd.with_le(if extended { 65_536 } else { le });
    }
    cmd.to_bytes()
        .map_err(|e| ChipAuthError::Internal(e.to_string()))
}

/// The keyId as sent in `84`: minimal unsigned big-endian (at least one byte).
fn key_id_bytes(id: u32) -> Vec<u8> {
    let bytes = id.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count().min(3);
    bytes.get(skip..).unwrap_or_default().to_vec()
}

/// KAT for 3DES version 1, Set AT + GA otherwise (ICAO 9303-11 §6.2.4; CA v2 always uses GA).
fn default_commands(cipher: CaCipher, version: u32) -> CaCommands {
    if cipher == CaCipher::Tdes && version < 2 {
        CaCommands::SetKat
    } else {
        CaCommands::SetAtGeneralAuthenticate
    }
}

/// The key agreement of a ChipAuthenticationPublicKeyInfo's protocol (id-PK-DH / id-PK-ECDH).
fn key_kind(key: &ChipAuthenticationPublicKeyInfo) -> Option<GroupKind> {
    match key.protocol.as_str() {
        oid::ID_PK_DH => Some(GroupKind::Dh),
        oid::ID_PK_ECDH => Some(GroupKind::Ec),
        _ => None,
    }
}

/// The `&'static` form of a known id-CA-… protocol.
fn known_protocol(protocol: &str) -> Option<&'static str> {
    let (kind, cipher) = CaCipher::from_protocol(protocol)?;
    Some(cipher.protocol(kind))
}

/// Whether a ChipAuthenticationInfo can be run here, with its rank (ECDH over DH, then the
/// stronger cipher) and its public key.
fn usable<'a>(
    infos: &'a SecurityInfos,
    info: &ChipAuthenticationInfo,
) -> Result<(u32, &'a ChipAuthenticationPublicKeyInfo), String> {
    let (kind, cipher) = CaCipher::from_protocol(&info.protocol)
        .ok_or_else(|| format!("unknown protocol {}", info.protocol))?;
    if !matches!(info.version, 1 | 2) {
        return Err(format!("{} version {}", info.protocol, info.version));
    }
    let key = infos
        .chip_authentication_public_keys
        .iter()
        .filter(|k| key_kind(k) == Some(kind))
        .find(|k| info.key_id.is_none() || k.key_id == info.key_id)
        .ok_or_else(|| match info.key_id {
            Some(id) => format!("no {kind:?} public key with keyId {id}"),
            None => format!("no {kind:?} public key"),
        })?;
    let kind_rank = match kind {
        GroupKind::Ec => 2,
        GroupKind::Dh => 1,
    };
    let cipher_rank = match cipher {
        CaCipher::Tdes => 0,
        CaCipher::Aes128 => 1,
        CaCipher::Aes192 => 2,
        CaCipher::Aes256 => 3,
    };
    Ok((kind_rank * 10 + cipher_rank, key))
}

/// The group of a chip key: the SubjectPublicKeyInfo's parameters, or those of a
/// ChipAuthenticationDomainParameterInfo with the same keyId when the SPKI carries none.
///
/// With [`encoded_public_key`] this is how every chip key (DG14's for CA, EF.CardSecurity's
/// for the PACE-CAM check) is read: see [`chip_key`].
fn key_group(
    infos: &SecurityInfos,
    key: &ChipAuthenticationPublicKeyInfo,
) -> Result<Group, ChipAuthError> {
    let algorithm = &key.public_key.algorithm;
    let result = if algorithm.parameters.is_some() {
        algorithm.group()
    } else {
        infos
            .chip_authentication_domain_parameters
            .iter()
            .find(|d| d.key_id == key.key_id)
            .ok_or(KaError::BadParameters(
                "no domain parameters for the key".into(),
            ))
            .and_then(|d| d.domain_parameter.group())
    };
    result.map_err(|e| ChipAuthError::BadChipKey(e.to_string()))
}

/// A ChipAuthenticationPublicKeyInfo's group and public key in the encoding [`Group`] works
/// with (the key [`ChipAuthentication::chip_public_key`] reports).
pub fn chip_key(
    infos: &SecurityInfos,
    key: &ChipAuthenticationPublicKeyInfo,
) -> Result<(Group, Vec<u8>), ChipAuthError> {
    let group = key_group(infos, key)?;
    let public = encoded_public_key(&group, &key.public_key.public_key)?;
    Ok((group, public))
}

/// The chip's public key in the encoding [`Group`] works with, validated: EC as found (`04‖X‖Y`),
/// DH from the DER INTEGER in the BIT STRING, left-padded to |p|.
fn encoded_public_key(group: &Group, bits: &[u8]) -> Result<Vec<u8>, ChipAuthError> {
    let key = match group.kind() {
        GroupKind::Ec => bits.to_vec(),
        GroupKind::Dh => {
            let int = crate::asn1::Tlv::parse(bits, crate::asn1::Mode::Der)
                .and_then(|t| t.expect(crate::asn1::tag::INTEGER, "DH public key INTEGER"))
                .map_err(|e| ChipAuthError::BadChipKey(e.to_string()))?;
            let value = int
                .content
                .iter()
                .position(|b| *b != 0)
                .and_then(|start| int.content.get(start..))
                .unwrap_or_default();
            let len = group.field_len();
            if value.len() > len {
                return Err(ChipAuthError::BadChipKey(
                    "DH public key longer than p".into(),
                ));
            }
            let mut padded = vec![0u8; len - value.len()];
            padded.extend_from_slice(value);
            padded
        }
    };
    group
        .check_public(&key)
        .map_err(|e| ChipAuthError::BadChipKey(e.to_string()))?;
    Ok(key)
}
