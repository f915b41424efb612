//! The fixtures' virtual passport as an FFI object (feature `simulator`), so Kotlin and Swift
//! tests run a real read — BAC or PACE (GM/IM/CAM, MRZ or CAN), secure messaging, Chip and
//! Active Authentication, every file — with no hardware, and verify it against the passport's
//! test CSCA (`csca_der`).
//!
//! The chip answers APDUs like a card on a reader: `transmit` throws `TagLost` while the card
//! is out of the field (profile `tag-loss-at-N`), `reconnect()` puts it back.

use std::sync::{Arc, Mutex};

use idproof_core::reader::{Transport, TransportError};
use idproof_core::{Error, ErrorCode};
use idproof_fixtures::chip::{all_profiles, profile_by_name};
use idproof_fixtures::virtual_passport::VirtualPassport as Fixture;

use crate::error::{IdProofError, guard, lock};

/// Profile prefix of the fault that panics inside `transmit` at the n-th APDU, to test that
/// panics surface as `IdProofError::Internal` in Kotlin and Swift.
const PANIC_AT: &str = "panic-at-";

/// A virtual eMRTD chip holding the ICAO specimen passport (ERIKSSON ANNA MARIA, Utopia), or
/// the specimen ID card for profiles that say so (`can-only`).
#[derive(uniffi::Object)]
pub struct VirtualPassport {
    inner: Mutex<Chip>,
}

struct Chip {
    passport: Fixture,
    apdus: usize,
    panic_at: Option<usize>,
}

impl std::fmt::Debug for VirtualPassport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VirtualPassport(..)")
    }
}

#[uniffi::export]
impl VirtualPassport {
    /// The specimen passport in a chip with the named profile: one of `simulator_profile_names()`,
    /// `tag-loss-at-N` (the card leaves the field at the N-th APDU, until `reconnect()`),
    /// `clone-of-NAME` (profile `NAME`'s files in a clone with the copier's own Active
    /// Authentication, Chip Authentication and PACE-CAM keys), or `panic-at-N` (a deliberate panic at the N-th APDU).
    #[uniffi::constructor]
    pub fn new(profile: String) -> Result<Arc<Self>, IdProofError> {
        guard(|| {
            let panic_at = profile
                .strip_prefix(PANIC_AT)
                .and_then(|n| n.parse::<usize>().ok());
            let chip_profile = match panic_at {
                Some(_) => profile_by_name("specimen"),
                None => profile_by_name(&profile),
            }
            .ok_or_else(|| {
                IdProofError::from(Error::new(
                    ErrorCode::Usage,
                    format!("no chip profile named `{profile}`"),
                ))
            })?;
            let passport = Fixture::specimen(chip_profile)
                .map_err(|e| IdProofError::internal(format!("factory: {e}")))?;
            Ok(Arc::new(Self {
                inner: Mutex::new(Chip {
                    passport,
                    apdus: 0,
                    panic_at,
                }),
            }))
        })
    }

    /// The MRZ printed on the passport, line by line.
    pub fn mrz_lines(&self) -> Result<Vec<String>, IdProofError> {
        guard(|| Ok(lock(&self.inner)?.passport.mrz.lines().to_vec()))
    }

    /// The DER certificate of the test CSCA that signed this passport's Document Signer: add
    /// it to a `TrustStore` and `verify` can reach `Authentic`.
    pub fn csca_der(&self) -> Result<Vec<u8>, IdProofError> {
        guard(|| Ok(lock(&self.inner)?.passport.document.pki.csca_der().to_vec()))
    }

    /// The card access number printed on the document, if its chip has one (`can-only`:
    /// `123456`).
    pub fn can(&self) -> Result<Option<String>, IdProofError> {
        guard(|| Ok(lock(&self.inner)?.passport.document.security.can.clone()))
    }

    /// Sends one command APDU and returns the response (data ‖ SW1 SW2). Throws `TagLost`
    /// while the card is out of the field.
    pub fn transmit(&self, apdu: Vec<u8>) -> Result<Vec<u8>, IdProofError> {
        guard(|| {
            let mut chip = lock(&self.inner)?;
            chip.apdus += 1;
            // The fault under test is a panic itself, not a failed assertion.
            #[allow(clippy::manual_assert)]
            if chip.panic_at == Some(chip.apdus) {
                // The fault profile exists to prove a core panic reaches the app as a typed error.
                #[allow(clippy::panic)]
                {
                    panic!("simulator fault: deliberate panic at APDU {}", chip.apdus);
                }
            }
            // TagLost → TAG_LOST, ChipFault → CHIP_PROTOCOL, Other → TRANSPORT (core's mapping).
            chip.passport
                .chip
                .transmit(&apdu)
                .map_err(|e: TransportError| Error::from(e).into())
        })
    }

    /// Puts the card back in the field (fresh power-up: nothing selected or authenticated).
    pub fn reconnect(&self) -> Result<(), IdProofError> {
        guard(|| {
            lock(&self.inner)?.passport.chip.reconnect();
            Ok(())
        })
    }
}

/// The named chip profiles of [`VirtualPassport::new`] (`specimen`, `no-extended-length`,
/// `modern-passport`, `pace-cam`, `can-only`, …). Also accepted, not listed: `tag-loss-at-N`,
/// `clone-of-NAME`, `panic-at-N` and the PACE matrix `pace-{gm|im|cam}-{group}-{cipher}`.
#[uniffi::export]
pub fn simulator_profile_names() -> Vec<String> {
    all_profiles()
        .into_iter()
        .map(|(n, _)| n.to_owned())
        .collect()
}
